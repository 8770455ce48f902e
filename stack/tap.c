/*
 * tap.c - packet capture into a pcap file (gsctp/capture.h).
 *
 * One dump file of link type LINKTYPE_RAW, written with libpcap's dump
 * API under one mutex and flushed after every record.  Three sources:
 *  - gsctp_tap_conn (AF_CONN links): the SCTP packet gets a synthesized
 *    IPv4 header with the link's placeholder address 127.42.K/256.K%256;
 *  - gsctp_tap_udp (a UDP transport owned by gsctp): IPv4/IPv6 + UDP
 *    headers with the real addresses;
 *  - a live capture thread (GSCTP_CAPTURE_LIVE) on libpcap's "any" device
 *    filtered on the stack's UDP port (and SCTP over IP when the stack has
 *    raw sockets); its link header is stripped and the IP packet is
 *    written as captured.
 * |g_on| is read without the lock on the fast path: when no capture runs
 * a tap call costs one atomic load.
 */
#include <errno.h>
#include <netinet/in.h>
#include <pcap/pcap.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>

#include "gsctp/capture.h"
#include "gsctp/err.h"
#include "gsctp/stack.h"
#include "rawfilter.h"
#include "sctp_wire.h"
#include "tap.h"

#define SNAPLEN 65535
/* The live capture's kernel ring (see live_start_locked). */
#define LIVE_RING_BYTES (64 * 1024 * 1024)
#define MAX_LINKS 4096

static pthread_mutex_t g_mu = PTHREAD_MUTEX_INITIALIZER;
static atomic_int g_on;
static pcap_t *g_dead;
static pcap_dumper_t *g_dump;
static uint64_t g_packets;
static const void *g_links[MAX_LINKS];
static unsigned g_nlinks;
static uint8_t g_frame[SNAPLEN + 64]; /* framing buffer, under g_mu */

/* Live capture. */
static pcap_t *g_live;
static pthread_t g_live_thread;
static int g_live_running;
static atomic_int g_live_stop;
static int g_live_linktype;

/* Write one IP packet |ip|/|len| stamped |tv|; g_mu held. */
static void write_locked(const struct timeval *tv, const uint8_t *ip,
                         size_t len) {
  struct pcap_pkthdr h;

  if (g_dump == NULL) {
    return;
  }
  memset(&h, 0, sizeof(h));
  h.ts = *tv;
  h.caplen = (bpf_u_int32)(len > SNAPLEN ? SNAPLEN : len);
  h.len = (bpf_u_int32)len;
  pcap_dump((u_char *)g_dump, &h, ip);
  pcap_dump_flush(g_dump);
  g_packets++;
}

/* The capture's number (1-based) of |link|; g_mu held. */
static unsigned link_number_locked(const void *link) {
  unsigned i;

  for (i = 0; i < g_nlinks; ++i) {
    if (g_links[i] == link) {
      return i + 1;
    }
  }
  if (g_nlinks < MAX_LINKS) {
    g_links[g_nlinks++] = link;
    return g_nlinks;
  }
  return 0; /* 127.42.0.0: more links than the table holds */
}

void gsctp_tap_conn(int outbound, const void *link, const void *sctp,
                    size_t len) {
  struct timeval tv;
  uint8_t addr[4];
  unsigned k;
  int n;

  (void)outbound; /* both ends of a link share its address */
  if (!atomic_load_explicit(&g_on, memory_order_acquire) || len > SNAPLEN) {
    return;
  }
  gettimeofday(&tv, NULL);
  pthread_mutex_lock(&g_mu);
  k = link_number_locked(link);
  addr[0] = 127;
  addr[1] = 42;
  addr[2] = (uint8_t)(k >> 8);
  addr[3] = (uint8_t)k;
  n = gsw_frame_build(g_frame, sizeof(g_frame), 4, addr, addr, 0, 0, sctp, len);
  if (n > 0) {
    write_locked(&tv, g_frame, (size_t)n);
  }
  pthread_mutex_unlock(&g_mu);
}

/* Address bytes and port of |sa|; returns the family (4, 6) or 0. */
static int sa_parts(const struct sockaddr *sa, const uint8_t **paddr,
                    uint16_t *pport) {
  if (sa == NULL) {
    return 0;
  }
  if (sa->sa_family == AF_INET) {
    const struct sockaddr_in *sin = (const struct sockaddr_in *)(void *)sa;
    *paddr = (const uint8_t *)&sin->sin_addr;
    *pport = ntohs(sin->sin_port);
    return 4;
  }
  if (sa->sa_family == AF_INET6) {
    const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)(void *)sa;
    *paddr = (const uint8_t *)&s6->sin6_addr;
    *pport = ntohs(s6->sin6_port);
    return 6;
  }
  return 0;
}

void gsctp_tap_udp(int outbound, const struct sockaddr *local,
                   const struct sockaddr *remote, const void *sctp,
                   size_t len) {
  const uint8_t *la = NULL, *ra = NULL;
  uint16_t lp = 0, rp = 0;
  struct timeval tv;
  int fl, fr, n;

  if (!atomic_load_explicit(&g_on, memory_order_acquire) || len > SNAPLEN) {
    return;
  }
  fl = sa_parts(local, &la, &lp);
  fr = sa_parts(remote, &ra, &rp);
  if (fl == 0 || fl != fr || lp == 0 || rp == 0) {
    return;
  }
  gettimeofday(&tv, NULL);
  pthread_mutex_lock(&g_mu);
  if (outbound) {
    n =
      gsw_frame_build(g_frame, sizeof(g_frame), fl, la, ra, lp, rp, sctp, len);
  } else {
    n =
      gsw_frame_build(g_frame, sizeof(g_frame), fl, ra, la, rp, lp, sctp, len);
  }
  if (n > 0) {
    write_locked(&tv, g_frame, (size_t)n);
  }
  pthread_mutex_unlock(&g_mu);
}

/* ---- live capture ---- */

static void live_cb(u_char *user, const struct pcap_pkthdr *h,
                    const u_char *bytes) {
  size_t off;

  (void)user;
  switch (g_live_linktype) {
  case DLT_LINUX_SLL:
    off = 16;
    break;
  case DLT_LINUX_SLL2:
    off = 20;
    break;
  case DLT_EN10MB:
    off = 14;
    break;
  default:
    off = 0;
    break;
  }
  if (h->caplen <= off) {
    return;
  }
  pthread_mutex_lock(&g_mu);
  {
    struct timeval tv = h->ts;
    struct pcap_pkthdr ph;
    if (g_dump != NULL) {
      memset(&ph, 0, sizeof(ph));
      ph.ts = tv;
      ph.caplen = h->caplen - (bpf_u_int32)off;
      ph.len = h->len > off ? h->len - (bpf_u_int32)off : ph.caplen;
      pcap_dump((u_char *)g_dump, &ph, bytes + off);
      pcap_dump_flush(g_dump);
      g_packets++;
    }
  }
  pthread_mutex_unlock(&g_mu);
}

/* Reads until gsctp_capture_stop() breaks the loop, then drains what the
 * kernel still holds without blocking, so that a packet sent just before
 * the stop is in the file. */
static void *live_thread(void *arg) {
  char errbuf[PCAP_ERRBUF_SIZE];
  pcap_t *p = arg;
  int i;

  while (!atomic_load(&g_live_stop)) {
    int rv = pcap_dispatch(p, -1, live_cb, NULL);
    if (rv == PCAP_ERROR) {
      return NULL;
    }
    if (rv == PCAP_ERROR_BREAK) {
      break;
    }
  }
  if (pcap_setnonblock(p, 1, errbuf) == 0) {
    for (i = 0; i < 1000; ++i) {
      int rv = pcap_dispatch(p, -1, live_cb, NULL);
      if (rv != PCAP_ERROR_BREAK && rv <= 0) {
        break; /* a pending break request is cleared by returning */
      }
    }
  }
  return NULL;
}

/* Open and start the live capture of UDP port |port|.  Returns 0 or a
 * gsctp error; g_mu held. */
static int live_start_locked(int port) {
  char errbuf[PCAP_ERRBUF_SIZE], filter[96];
  struct bpf_program prog;
  pcap_t *p;
  int rv;

  errbuf[0] = '\0';
  p = pcap_create("any", errbuf);
  if (p == NULL) {
    fprintf(stderr, "gsctp: capture: %s\n", errbuf);
    return GSCTP_EIO;
  }
  pcap_set_snaplen(p, SNAPLEN);
  pcap_set_timeout(p, 100);
  pcap_set_immediate_mode(p, 1);
  /* In immediate mode libpcap's ring has one snaplen-sized slot per
   * packet: its default 2 MB holds only about 30 packets, and a burst
   * larger than that while this thread waits for the CPU was lost. */
  pcap_set_buffer_size(p, LIVE_RING_BYTES);
  rv = pcap_activate(p);
  if (rv == PCAP_ERROR_PERM_DENIED) {
    pcap_close(p);
    return GSCTP_EPERM;
  }
  if (rv < 0) {
    fprintf(stderr, "gsctp: capture: %s\n", pcap_geterr(p));
    pcap_close(p);
    return GSCTP_EIO;
  }
  /* With raw sockets (root) the stack also speaks SCTP directly over IP
   * (the raw transport): capture that too.  Other stacks' raw SCTP in
   * the namespace shows up as well; the kernel filter on usrsctp's raw
   * sockets (rawfilter.c) is per stack, this capture is not. */
  snprintf(filter, sizeof(filter),
           gsctp_rawfilter_raw_count() > 0
             ? "udp port %d or ip proto 132 or ip6 proto 132"
             : "udp port %d",
           port);
  if (pcap_compile(p, &prog, filter, 1, PCAP_NETMASK_UNKNOWN) != 0 ||
      pcap_setfilter(p, &prog) != 0) {
    fprintf(stderr, "gsctp: capture: filter: %s\n", pcap_geterr(p));
    pcap_close(p);
    return GSCTP_EIO;
  }
  pcap_freecode(&prog);
  g_live_linktype = pcap_datalink(p);
  atomic_store(&g_live_stop, 0);
  if (pthread_create(&g_live_thread, NULL, live_thread, p) != 0) {
    pcap_close(p);
    return GSCTP_ENOMEM;
  }
  g_live = p;
  g_live_running = 1;
  return 0;
}

static void close_dump_locked(void) {
  if (g_dump != NULL) {
    pcap_dump_close(g_dump);
    g_dump = NULL;
  }
  if (g_dead != NULL) {
    pcap_close(g_dead);
    g_dead = NULL;
  }
}

int gsctp_capture_start(const char *path, unsigned flags) {
  int port = 0, rv;

  if (path == NULL || *path == '\0' || (flags & ~GSCTP_CAPTURE_LIVE) != 0) {
    return GSCTP_EBADARG;
  }
  if (flags & GSCTP_CAPTURE_LIVE) {
    rv = gsctp_stack_ensure();
    if (rv != 0) {
      return rv;
    }
    port = gsctp_stack_udp_port();
    if (port < 0) {
      return port;
    }
    if (port == 0) {
      return GSCTP_EINVAL;
    }
  }
  pthread_mutex_lock(&g_mu);
  if (g_dump != NULL || g_live_running) {
    pthread_mutex_unlock(&g_mu);
    return GSCTP_EALREADY;
  }
  g_dead = pcap_open_dead(DLT_RAW, SNAPLEN);
  if (g_dead == NULL) {
    pthread_mutex_unlock(&g_mu);
    return GSCTP_ENOMEM;
  }
  g_dump = pcap_dump_open(g_dead, path);
  if (g_dump == NULL) {
    fprintf(stderr, "gsctp: capture: %s\n", pcap_geterr(g_dead));
    close_dump_locked();
    pthread_mutex_unlock(&g_mu);
    return GSCTP_EIO;
  }
  pcap_dump_flush(g_dump); /* the file header, even if no packet follows */
  g_packets = 0;
  g_nlinks = 0;
  if (port != 0) {
    rv = live_start_locked(port);
    if (rv != 0) {
      close_dump_locked();
      pthread_mutex_unlock(&g_mu);
      return rv;
    }
  }
  atomic_store_explicit(&g_on, 1, memory_order_release);
  pthread_mutex_unlock(&g_mu);
  return 0;
}

int gsctp_capture_stop(void) {
  pcap_t *live = NULL;
  pthread_t th;
  int running;

  pthread_mutex_lock(&g_mu);
  if (g_dump == NULL) {
    pthread_mutex_unlock(&g_mu);
    return GSCTP_ENOTCONN;
  }
  atomic_store_explicit(&g_on, 0, memory_order_release);
  running = g_live_running;
  th = g_live_thread;
  live = g_live;
  g_live_running = 0;
  g_live = NULL;
  pthread_mutex_unlock(&g_mu);
  if (running) {
    /* The thread takes g_mu in its callback: join without holding it. */
    atomic_store(&g_live_stop, 1);
    pcap_breakloop(live);
    pthread_join(th, NULL);
    pcap_close(live);
  }
  pthread_mutex_lock(&g_mu);
  close_dump_locked();
  pthread_mutex_unlock(&g_mu);
  return 0;
}

uint64_t gsctp_capture_packets(void) {
  uint64_t n;

  pthread_mutex_lock(&g_mu);
  n = g_packets;
  pthread_mutex_unlock(&g_mu);
  return n;
}

void gsctp_tap_env_start(void) {
  static atomic_int done;
  const char *path = getenv("GSCTP_PCAP");
  const char *live = getenv("GSCTP_PCAP_LIVE");
  int rv;

  if (path == NULL || *path == '\0' || atomic_exchange(&done, 1) != 0) {
    return;
  }
  rv = gsctp_capture_start(
    path, live != NULL && strcmp(live, "1") == 0 ? GSCTP_CAPTURE_LIVE : 0);
  if (rv != 0 && rv != GSCTP_EALREADY) {
    fprintf(stderr, "gsctp: GSCTP_PCAP=%s: capture not started: %s\n", path,
            gsctp_err_name(rv));
  }
}
