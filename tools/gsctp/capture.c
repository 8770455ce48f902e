/*
 * tools/gsctp/capture.c - `--pcap FILE`: a libpcap capture of the
 * process's UDP encapsulation traffic, written by a thread of its own.
 *
 * Capturing needs CAP_NET_RAW (root, or inside a network namespace as
 * root).  The filter is "udp port U" on the interface (default "any",
 * which writes Linux cooked headers; tshark decodes them).
 */
#include "cli.h"

#include <stdio.h>

#ifdef GSCTP_CLI_HAVE_PCAP

#  include <poll.h>
#  include <pthread.h>
#  include <stdatomic.h>
#  include <stdio.h>
#  include <stdlib.h>
#  include <string.h>

#  include <pcap/pcap.h>

/* A whole UDP datagram (64 KiB) with a link header.  libpcap's ring on
 * Linux has one frame per snaplen, so a larger snaplen means fewer frames
 * in the buffer, and a burst beyond them is dropped. */
#  define CAPTURE_SNAPLEN 65600
#  define CAPTURE_BUFFER (32 * 1024 * 1024)
#  define CAPTURE_POLL_MS 50

struct cli_capture {
  pcap_t *p;
  pcap_dumper_t *dumper;
  pthread_t thread;
  atomic_int stop;
  long packets;
};

static void on_packet(u_char *user, const struct pcap_pkthdr *h,
                      const u_char *bytes) {
  cli_capture *cap = (cli_capture *)(void *)user;

  pcap_dump((u_char *)cap->dumper, h, bytes);
  cap->packets++;
}

/* drain dispatches every packet libpcap has buffered.  Returns -1 on a
 * capture error. */
static int drain(cli_capture *cap) {
  int n, rounds;

  for (rounds = 0; rounds < 10000; ++rounds) {
    n = pcap_dispatch(cap->p, -1, on_packet, (u_char *)cap);
    if (n < 0) {
      return -1;
    }
    if (n == 0) {
      return 0;
    }
  }
  return 0;
}

static void *capture_thread(void *arg) {
  cli_capture *cap = arg;
  int fd = pcap_get_selectable_fd(cap->p);

  while (!atomic_load(&cap->stop)) {
    struct pollfd pfd = {fd, POLLIN, 0};

    if (poll(&pfd, 1, CAPTURE_POLL_MS) < 0) {
      continue;
    }
    if (drain(cap) != 0) {
      fprintf(stderr, "gsctp: capture: %s\n", pcap_geterr(cap->p));
      break;
    }
  }
  return NULL;
}

int cli_capture_start(cli_capture **pcap, const char *path, const char *iface,
                      int udp_port) {
  char errbuf[PCAP_ERRBUF_SIZE];
  char filter[64];
  struct bpf_program prog;
  cli_capture *cap;
  int rv;

  cap = calloc(1, sizeof(*cap));
  if (cap == NULL) {
    fprintf(stderr, "gsctp: capture: out of memory\n");
    return -1;
  }
  errbuf[0] = '\0';
  cap->p = pcap_create(iface != NULL ? iface : "any", errbuf);
  if (cap->p == NULL) {
    fprintf(stderr, "gsctp: capture on %s: %s\n", iface ? iface : "any",
            errbuf);
    free(cap);
    return -1;
  }
  pcap_set_snaplen(cap->p, CAPTURE_SNAPLEN);
  pcap_set_buffer_size(cap->p, CAPTURE_BUFFER);
  pcap_set_immediate_mode(cap->p, 1);
  pcap_set_timeout(cap->p, CAPTURE_POLL_MS);
  rv = pcap_activate(cap->p);
  if (rv < 0) {
    fprintf(stderr, "gsctp: capture on %s: %s (capturing needs root)\n",
            iface ? iface : "any", pcap_geterr(cap->p));
    goto fail;
  }
  if (udp_port == 0) { /* the raw transport: SCTP directly over IP */
    snprintf(filter, sizeof(filter), "ip proto 132 or ip6 proto 132");
  } else {
    snprintf(filter, sizeof(filter), "udp port %d", udp_port);
  }
  if (pcap_compile(cap->p, &prog, filter, 1, PCAP_NETMASK_UNKNOWN) != 0) {
    fprintf(stderr, "gsctp: capture filter: %s\n", pcap_geterr(cap->p));
    goto fail;
  }
  rv = pcap_setfilter(cap->p, &prog);
  pcap_freecode(&prog);
  if (rv != 0 || pcap_setnonblock(cap->p, 1, errbuf) != 0) {
    fprintf(stderr, "gsctp: capture filter: %s\n", pcap_geterr(cap->p));
    goto fail;
  }
  cap->dumper = pcap_dump_open(cap->p, path);
  if (cap->dumper == NULL) {
    fprintf(stderr, "gsctp: %s: %s\n", path, pcap_geterr(cap->p));
    goto fail;
  }
  atomic_init(&cap->stop, 0);
  if (pthread_create(&cap->thread, NULL, capture_thread, cap) != 0) {
    fprintf(stderr, "gsctp: capture: cannot start a thread\n");
    pcap_dump_close(cap->dumper);
    goto fail;
  }
  *pcap = cap;
  return 0;

fail:
  pcap_close(cap->p);
  free(cap);
  return -1;
}

long cli_capture_stop(cli_capture *cap) {
  struct pcap_stat st;
  long n;
  int err;

  if (cap == NULL) {
    return 0;
  }
  atomic_store(&cap->stop, 1);
  pthread_join(cap->thread, NULL);
  err = drain(cap);
  if (pcap_stats(cap->p, &st) == 0 && st.ps_drop > 0) {
    fprintf(stderr, "gsctp: capture: the kernel dropped %u packets\n",
            st.ps_drop);
  }
  pcap_dump_flush(cap->dumper);
  err |= ferror(pcap_dump_file(cap->dumper)) ? -1 : 0;
  pcap_dump_close(cap->dumper);
  pcap_close(cap->p);
  n = cap->packets;
  free(cap);
  return err != 0 ? -1 : n;
}

#else /* !GSCTP_CLI_HAVE_PCAP */

int cli_capture_start(cli_capture **pcap, const char *path, const char *iface,
                      int udp_port) {
  (void)pcap;
  (void)iface;
  (void)udp_port;
  fprintf(stderr, "gsctp: --pcap %s: this gsctp was built without libpcap\n",
          path);
  return -1;
}

long cli_capture_stop(cli_capture *cap) {
  (void)cap;
  return 0;
}

#endif /* GSCTP_CLI_HAVE_PCAP */
