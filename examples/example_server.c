/*
 * example_server.c - the server of the gen_sctp documentation, in C.
 *
 * The Erlang original (gen_sctp, "Examples") opens a socket with
 * {recbuf, 65536}, listens, and prints every message and event that a
 * passive gen_sctp:recv/1 returns, forever:
 *
 *   {ok, S} = gen_sctp:open(Port, [{recbuf, 65536}, {ip, IP}]),
 *   ok      = gen_sctp:listen(S, true),
 *   server_loop(S).
 *
 * This port does the same with gsctp_open(), gsctp_listen() and
 * gsctp_recv().  It waits in 200 ms steps so that SIGINT or SIGTERM stop
 * it cleanly: it then closes the socket, shuts the stack down and exits 0.
 *
 * Usage: example_server [--port P] [--ip ADDR] [--udp-port U] [--pcap FILE]
 */
#ifndef _POSIX_C_SOURCE
#  define _POSIX_C_SOURCE 200809L /* sigaction */
#endif

#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsctp/gsctp.h>

#define DEFAULT_PORT 2006   /* the port of the gen_sctp documentation */
#define RECV_STEP_MS 200    /* how often the loop looks at the stop flag */
#define SHUTDOWN_MS 2000    /* deadline for gsctp_stack_shutdown() */
#define MAX_PRINTED_DATA 64 /* bytes of a message shown in full */

static volatile sig_atomic_t stop_signal;

static void on_signal(int sig) {
  stop_signal = sig;
}

static void usage(FILE *f) {
  fprintf(f,
          "usage: example_server [--port P] [--ip ADDR] [--udp-port U]\n"
          "                      [--pcap FILE]\n"
          "\n"
          "The gen_sctp documentation's server: opens an SCTP socket with\n"
          "{recbuf,65536}, listens, and prints every message and event it\n"
          "receives, until SIGINT or SIGTERM.\n"
          "\n"
          "  --port P      local SCTP port (default %d; 0 picks a free one)\n"
          "  --ip ADDR     local address to bind (default: any)\n"
          "  --udp-port U  local UDP encapsulation port of this process\n"
          "                (default: $GSCTP_UDP_PORT, else %d)\n"
          "  --pcap FILE   capture this process's SCTP packets into FILE\n"
          "                (live capture of its UDP port; needs root)\n"
          "  --help        show this text\n"
          "\n"
          "Exit status: 0 after a signal, 1 if the socket cannot be set up,\n"
          "2 for bad usage.\n",
          DEFAULT_PORT, GSCTP_DEFAULT_UDP_PORT);
}

/* parse_port parses a port number in min..65535 from |s| into |*pport|.
 * Returns 0, or -1 if |s| is not such a number. */
static int parse_port(const char *s, int min, int *pport) {
  char *end;
  long v;

  errno = 0;
  v = strtol(s, &end, 10);
  if (errno != 0 || end == s || *end != '\0' || v < min || v > 65535) {
    return -1;
  }
  *pport = (int)v;
  return 0;
}

/* needs_value returns 1 if |arg| is an option that takes a value. */
static int needs_value(const char *arg) {
  return strcmp(arg, "--port") == 0 || strcmp(arg, "--ip") == 0 ||
         strcmp(arg, "--udp-port") == 0 || strcmp(arg, "--pcap") == 0;
}

/* ---- printing records the way Erlang's ~p shows them ---------------- */

static void print_ip(const gsctp_ip *ip) {
  char buf[GSCTP_IP_STRLEN];
  int i;

  switch (ip->family) {
  case GSCTP_FAMILY_INET:
    printf("{%u,%u,%u,%u}", ip->u.v4[0], ip->u.v4[1], ip->u.v4[2], ip->u.v4[3]);
    break;
  case GSCTP_FAMILY_INET6:
    printf("{");
    for (i = 0; i < 8; ++i) {
      printf("%s%u", i ? "," : "",
             (unsigned)((ip->u.v6[2 * i] << 8) | ip->u.v6[2 * i + 1]));
    }
    printf("}");
    break;
  default:
    printf("'%s'", gsctp_ip_format(ip, buf, sizeof(buf)));
    break;
  }
}

/* print_int prints a record field, or `undefined` when it is unset. */
static void print_int(int64_t v) {
  if (v == GSCTP_UNDEF) {
    printf("undefined");
  } else {
    printf("%" PRId64, v);
  }
}

static void print_binary(const uint8_t *data, size_t len, int list) {
  size_t i, shown;
  int text = len > 0;

  shown = len > MAX_PRINTED_DATA ? MAX_PRINTED_DATA : len;
  for (i = 0; i < shown; ++i) {
    if (data[i] < 0x20 || data[i] > 0x7e) {
      text = 0;
      break;
    }
  }
  fputs(list ? (text ? "\"" : "[") : (text ? "<<\"" : "<<"), stdout);
  for (i = 0; i < shown; ++i) {
    if (text) {
      printf("%s%c", data[i] == '"' || data[i] == '\\' ? "\\" : "", data[i]);
    } else {
      printf("%s%u", i ? "," : "", data[i]);
    }
  }
  if (shown < len) {
    printf("%s...(%zu bytes)", text ? "" : ",", len);
  }
  fputs(list ? (text ? "\"" : "]") : (text ? "\">>" : ">>"), stdout);
}

static void print_sndrcvinfo(const gsctp_sndrcvinfo *s) {
  static const struct {
    int64_t bit;
    const char *name;
  } flags[] = {{GSCTP_SNDRCV_UNORDERED, "unordered"},
               {GSCTP_SNDRCV_ADDR_OVER, "addr_over"},
               {GSCTP_SNDRCV_ABORT, "abort"},
               {GSCTP_SNDRCV_EOF, "eof"}};
  size_t i;
  int n = 0;

  printf("{sctp_sndrcvinfo,");
  print_int(s->stream);
  printf(",");
  print_int(s->ssn);
  printf(",[");
  if (s->flags != GSCTP_UNDEF) {
    for (i = 0; i < sizeof(flags) / sizeof(flags[0]); ++i) {
      if (s->flags & flags[i].bit) {
        printf("%s%s", n++ ? "," : "", flags[i].name);
      }
    }
  }
  printf("],");
  print_int(s->ppid);
  printf(",");
  print_int(s->context);
  printf(",");
  print_int(s->timetolive);
  printf(",");
  print_int(s->tsn);
  printf(",");
  print_int(s->cumtsn);
  printf(",");
  print_int(s->assoc_id);
  printf("}");
}

static void print_event(const gsctp_event *ev) {
  size_t i;

  switch (ev->type) {
  case GSCTP_EV_ASSOC_CHANGE:
    printf("{sctp_assoc_change,%s,%u,%u,%u,%" PRIu32 "}",
           gsctp_assoc_change_state_name(ev->u.assoc_change.state),
           ev->u.assoc_change.error, ev->u.assoc_change.outbound_streams,
           ev->u.assoc_change.inbound_streams, ev->u.assoc_change.assoc_id);
    break;
  case GSCTP_EV_PADDR_CHANGE:
    printf("{sctp_paddr_change,{");
    print_ip(&ev->u.paddr_change.addr.ip);
    printf(",%u},%s,%" PRIu32 ",%" PRIu32 "}", ev->u.paddr_change.addr.port,
           gsctp_paddr_change_state_name(ev->u.paddr_change.state),
           ev->u.paddr_change.error, ev->u.paddr_change.assoc_id);
    break;
  case GSCTP_EV_REMOTE_ERROR:
    printf("{sctp_remote_error,%u,%" PRIu32 ",[", ev->u.remote_error.error,
           ev->u.remote_error.assoc_id);
    for (i = 0; i < ev->u.remote_error.ndata; ++i) {
      printf("%s%u", i ? "," : "", ev->u.remote_error.data[i]);
    }
    printf("]}");
    break;
  case GSCTP_EV_SEND_FAILED:
    printf("{sctp_send_failed,%s,%" PRIu32 ",",
           ev->u.send_failed.flags ? "true" : "false", ev->u.send_failed.error);
    print_sndrcvinfo(&ev->u.send_failed.info);
    printf(",%" PRIu32 ",", ev->u.send_failed.assoc_id);
    print_binary(ev->u.send_failed.data, ev->u.send_failed.datalen, 0);
    printf("}");
    break;
  case GSCTP_EV_SHUTDOWN:
    printf("{sctp_shutdown_event,%" PRIu32 "}", ev->u.shutdown.assoc_id);
    break;
  case GSCTP_EV_ADAPTATION:
    printf("{sctp_adaptation_event,%" PRIu32 ",%" PRIu32 "}",
           ev->u.adaptation.adaptation_ind, ev->u.adaptation.assoc_id);
    break;
  case GSCTP_EV_PDAPI:
    printf("{sctp_pdapi_event,%s,%" PRIu32 "}",
           ev->u.pdapi.indication == GSCTP_PARTIAL_DELIVERY_ABORTED
             ? "partial_delivery_aborted"
             : "undefined",
           ev->u.pdapi.assoc_id);
    break;
  default:
    printf("{%s}", gsctp_event_type_name(ev->type));
    break;
  }
}

/* print_item prints gen_sctp's {FromIP, FromPort, AncData, Data}. */
static void print_item(const gsctp_item *item) {
  printf("{");
  print_ip(&item->from.ip);
  printf(",%u,[", item->from.port);
  if (item->has_anc) {
    print_sndrcvinfo(&item->anc);
  }
  printf("],");
  if (item->is_event) {
    print_event(&item->event);
  } else {
    print_binary(item->data, item->datalen, item->list);
  }
  printf("}");
}

/* ---- the program ---------------------------------------------------- */

int main(int argc, char **argv) {
  gsctp_opt opts[4];
  size_t nopts = 0;
  gsctp_sock sock;
  gsctp_item item;
  struct sigaction sa;
  const char *ip_arg = NULL, *pcap = NULL;
  char ipbuf[GSCTP_IP_STRLEN];
  gsctp_ip ip;
  int port = DEFAULT_PORT, udp_port = -1;
  int i, rv;

  for (i = 1; i < argc; ++i) {
    if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
      usage(stdout);
      return 0;
    } else if (i + 1 == argc && needs_value(argv[i])) {
      fprintf(stderr, "example_server: %s needs a value (try --help)\n",
              argv[i]);
      return 2;
    } else if (strcmp(argv[i], "--port") == 0 && i + 1 < argc) {
      if (parse_port(argv[++i], 0, &port) != 0) {
        fprintf(stderr, "example_server: --port: not a port: '%s'\n", argv[i]);
        return 2;
      }
    } else if (strcmp(argv[i], "--udp-port") == 0 && i + 1 < argc) {
      if (parse_port(argv[++i], 0, &udp_port) != 0) {
        fprintf(stderr, "example_server: --udp-port: not a port: '%s'\n",
                argv[i]);
        return 2;
      }
    } else if (strcmp(argv[i], "--ip") == 0 && i + 1 < argc) {
      ip_arg = argv[++i];
    } else if (strcmp(argv[i], "--pcap") == 0 && i + 1 < argc) {
      pcap = argv[++i];
    } else {
      fprintf(stderr, "example_server: unknown argument '%s' (try --help)\n",
              argv[i]);
      return 2;
    }
  }

  /* Line-buffered, so that the output can be followed through a pipe. */
  setvbuf(stdout, NULL, _IOLBF, 0);

  memset(&sa, 0, sizeof(sa));
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, NULL);
  sigaction(SIGTERM, &sa, NULL);

  memset(opts, 0, sizeof(opts));
  opts[nopts].name = GSCTP_OPT_PORT;
  opts[nopts++].v.i = port;
  opts[nopts].name = GSCTP_OPT_RECBUF;
  opts[nopts++].v.i = 65536;
  if (udp_port >= 0) {
    opts[nopts].name = GSCTP_OPT_UDP_PORT;
    opts[nopts++].v.i = udp_port;
  }
  if (ip_arg != NULL) {
    rv = gsctp_ip_parse(ip_arg, &ip);
    if (rv != 0) {
      fprintf(stderr, "example_server: --ip: not a numeric address: '%s'\n",
              ip_arg);
      return 2;
    }
    opts[nopts].name = GSCTP_OPT_IP;
    opts[nopts++].v.ip = ip;
    if (ip.family == GSCTP_FAMILY_INET6) {
      opts[nopts].name = GSCTP_OPT_FAMILY;
      opts[nopts++].v.i = GSCTP_FAMILY_INET6;
    }
  }

  rv = gsctp_open(&sock, opts, nopts);
  if (rv != 0) {
    fprintf(stderr, "example_server: gsctp_open: {error,%s} (%s)%s%s\n",
            gsctp_err_name(rv), gsctp_strerror(rv),
            *gsctp_error_detail() ? ": " : "", gsctp_error_detail());
    return 1;
  }
  if (pcap != NULL) {
    rv = gsctp_capture_start(pcap, GSCTP_CAPTURE_LIVE);
    if (rv != 0) {
      fprintf(stderr, "example_server: --pcap %s: {error,%s}%s\n", pcap,
              gsctp_err_name(rv),
              rv == GSCTP_EPERM ? " (live capture needs root)" : "");
      gsctp_close(sock);
      gsctp_stack_shutdown(SHUTDOWN_MS);
      return 1;
    }
  }

  rv = gsctp_listen(sock, GSCTP_LISTEN_TRUE);
  if (rv != 0) {
    fprintf(stderr, "example_server: gsctp_listen: {error,%s} (%s)\n",
            gsctp_err_name(rv), gsctp_strerror(rv));
    gsctp_close(sock);
    return 1;
  }

  printf("Listening on %s:%d (UDP encapsulation port %d). Socket=%" PRIu32 "\n",
         ip_arg != NULL ? gsctp_ip_format(&ip, ipbuf, sizeof(ipbuf)) : "any",
         gsctp_port(sock), gsctp_stack_udp_port(), sock);

  while (!stop_signal) {
    rv = gsctp_recv(sock, RECV_STEP_MS, &item);
    if (rv == 0) {
      printf("Received: {ok,");
      print_item(&item);
      printf("}\n");
      gsctp_item_free(&item);
    } else if (rv == GSCTP_ESCTP_ERROR) {
      /* OTP returns these as {error, {FromIP, FromPort, AncData, Rec}}. */
      printf("SCTP RECV ERROR: ");
      print_item(&item);
      printf("\n");
      gsctp_item_free(&item);
    } else if (rv == GSCTP_ETIMEOUT) {
      continue;
    } else {
      printf("SCTP RECV ERROR: %s\n", gsctp_err_name(rv));
      if (rv == GSCTP_ECLOSED || rv == GSCTP_ENOMEM) {
        break;
      }
    }
  }

  printf("Stopping (%s).\n", stop_signal == SIGINT    ? "SIGINT"
                             : stop_signal == SIGTERM ? "SIGTERM"
                                                      : "socket closed");
  gsctp_close(sock);
  if (pcap != NULL) {
    gsctp_capture_stop();
  }
  rv = gsctp_stack_shutdown(SHUTDOWN_MS);
  if (rv != 0) {
    fprintf(stderr, "example_server: gsctp_stack_shutdown: %s\n",
            gsctp_err_name(rv));
  }
  return stop_signal ? 0 : 1;
}
