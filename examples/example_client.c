/*
 * example_client.c - the client of the gen_sctp documentation, in C.
 *
 * The Erlang original (gen_sctp, "Examples") connects asking for five
 * outbound streams, sends on stream 0 (which works) and on stream 5
 * (which fails: streams are numbered 0..4), then aborts the association:
 *
 *   {ok, S}     = gen_sctp:open(),
 *   {ok, Assoc} = gen_sctp:connect(S, Host, Port,
 *                   [{sctp_initmsg, #sctp_initmsg{num_ostreams = 5}}]),
 *   io:write(gen_sctp:send(S, Assoc, 0, <<"Test 0">>)),
 *   timer:sleep(10000),
 *   io:write(gen_sctp:send(S, Assoc, 5, <<"Test 5">>)),
 *   timer:sleep(10000),
 *   io:write(gen_sctp:abort(S, Assoc)),
 *   timer:sleep(1000),
 *   gen_sctp:close(S).
 *
 * This port pauses PAUSE_MS instead of ten seconds (and once more after
 * connecting, so that the server's output comes in a readable order),
 * and prints the events that arrive after the abort (its own comm_lost)
 * before closing.
 *
 * Usage: example_client HOST PORT [--ip ADDR] [--udp-port U]
 *                       [--remote-udp-port R] [--pcap FILE]
 */
#ifndef _POSIX_C_SOURCE
#  define _POSIX_C_SOURCE 200809L /* nanosleep */
#endif

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <gsctp/gsctp.h>

#define CONNECT_TIMEOUT_MS 5000 /* gen_sctp:connect/5's Timeout */
#define PAUSE_MS 300            /* the documentation's timer:sleep */
#define DRAIN_MS 500            /* how long to wait for the last events */
#define SHUTDOWN_MS 2000        /* deadline for gsctp_stack_shutdown() */

static void usage(FILE *f) {
  fprintf(f,
          "usage: example_client HOST PORT [--ip ADDR] [--udp-port U] "
          "[--remote-udp-port R] [--pcap FILE]\n"
          "\n"
          "The gen_sctp documentation's client: connects to HOST:PORT with\n"
          "5 outbound streams, sends \"Test 0\" on stream 0 (succeeds) and\n"
          "\"Test 5\" on stream 5 (fails with einval), then aborts the\n"
          "association.\n"
          "\n"
          "  HOST                 server address or host name\n"
          "  PORT                 server SCTP port\n"
          "  --ip ADDR            local address to bind (default: any;\n"
          "                       a wildcard bind advertises every address\n"
          "                       of the host to the server)\n"
          "  --udp-port U         local UDP encapsulation port of this\n"
          "                       process (default: $GSCTP_UDP_PORT, else "
          "%d)\n"
          "  --remote-udp-port R  the server's UDP encapsulation port "
          "(default %d)\n"
          "  --pcap FILE          capture this process's SCTP packets into\n"
          "                       FILE (live capture of its UDP port;\n"
          "                       needs root; see docs/pcap-tools.md)\n"
          "  --help               show this text\n"
          "\n"
          "Exit status: 0 if the run went as documented (connected, stream 0\n"
          "sent, stream 5 refused, aborted), 1 otherwise, 2 for bad usage.\n",
          GSCTP_DEFAULT_UDP_PORT, GSCTP_DEFAULT_UDP_PORT);
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

static void pause_ms(int ms) {
  struct timespec ts;

  ts.tv_sec = ms / 1000;
  ts.tv_nsec = (long)(ms % 1000) * 1000000L;
  while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
  }
}

/* needs_value returns 1 if |arg| is an option that takes a value. */
static int needs_value(const char *arg) {
  return strcmp(arg, "--udp-port") == 0 || strcmp(arg, "--ip") == 0 ||
         strcmp(arg, "--remote-udp-port") == 0 || strcmp(arg, "--pcap") == 0;
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

static void print_assoc_change(const gsctp_assoc_change *ac) {
  printf("{sctp_assoc_change,%s,%u,%u,%u,%" PRIu32 "}",
         gsctp_assoc_change_state_name(ac->state), ac->error,
         ac->outbound_streams, ac->inbound_streams, ac->assoc_id);
}

/* print_result prints a gen_sctp result: `ok` or `{error,Atom}`. */
static void print_result(int rv) {
  if (rv == 0) {
    printf("ok\n");
  } else {
    printf("{error,%s}\n", gsctp_err_name(rv));
  }
}

/* print_item prints a received item briefly: {FromIP, FromPort, AncData,
 * Data} with assoc_change and paddr_change events in record form, other
 * events by name and data as a byte count. */
static void print_item(const gsctp_item *item) {
  const gsctp_paddr_change *pc;

  printf("{");
  print_ip(&item->from.ip);
  printf(",%u,%s,", item->from.port, item->has_anc ? "[...]" : "[]");
  if (!item->is_event) {
    printf("<<%zu bytes>>", item->datalen);
  } else if (item->event.type == GSCTP_EV_ASSOC_CHANGE) {
    print_assoc_change(&item->event.u.assoc_change);
  } else if (item->event.type == GSCTP_EV_PADDR_CHANGE) {
    pc = &item->event.u.paddr_change;
    printf("{sctp_paddr_change,{");
    print_ip(&pc->addr.ip);
    printf(",%u},%s,%" PRIu32 ",%" PRIu32 "}", pc->addr.port,
           gsctp_paddr_change_state_name(pc->state), pc->error, pc->assoc_id);
  } else {
    printf("{%s,...}", gsctp_event_type_name(item->event.type));
  }
  printf("}");
}

/* ---- the program ---------------------------------------------------- */

int main(int argc, char **argv) {
  const char *host = NULL, *port_arg = NULL, *bind_arg = NULL, *pcap = NULL;
  gsctp_opt open_opts[4], conn_opt;
  size_t nopen = 0;
  gsctp_assoc_change assoc;
  gsctp_sock sock;
  gsctp_item item;
  gsctp_ip ip;
  int port, udp_port = -1, remote_udp_port = -1;
  int rv, ok = 1, i;

  for (i = 1; i < argc; ++i) {
    if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
      usage(stdout);
      return 0;
    } else if (i + 1 == argc && needs_value(argv[i])) {
      fprintf(stderr, "example_client: %s needs a value (try --help)\n",
              argv[i]);
      return 2;
    } else if (strcmp(argv[i], "--udp-port") == 0 && i + 1 < argc) {
      if (parse_port(argv[++i], 0, &udp_port) != 0) {
        fprintf(stderr, "example_client: --udp-port: not a port: '%s'\n",
                argv[i]);
        return 2;
      }
    } else if (strcmp(argv[i], "--ip") == 0 && i + 1 < argc) {
      bind_arg = argv[++i];
    } else if (strcmp(argv[i], "--pcap") == 0 && i + 1 < argc) {
      pcap = argv[++i];
    } else if (strcmp(argv[i], "--remote-udp-port") == 0 && i + 1 < argc) {
      if (parse_port(argv[++i], 1, &remote_udp_port) != 0) {
        fprintf(stderr, "example_client: --remote-udp-port: not a port: '%s'\n",
                argv[i]);
        return 2;
      }
    } else if (argv[i][0] == '-' && argv[i][1] != '\0') {
      fprintf(stderr, "example_client: unknown option '%s' (try --help)\n",
              argv[i]);
      return 2;
    } else if (host == NULL) {
      host = argv[i];
    } else if (port_arg == NULL) {
      port_arg = argv[i];
    } else {
      fprintf(stderr, "example_client: unexpected argument '%s' (try --help)\n",
              argv[i]);
      return 2;
    }
  }
  if (host == NULL || port_arg == NULL) {
    fprintf(stderr,
            "example_client: HOST and PORT are required (try --help)\n");
    return 2;
  }
  if (parse_port(port_arg, 1, &port) != 0) {
    fprintf(stderr, "example_client: PORT: not a port in 1..65535: '%s'\n",
            port_arg);
    return 2;
  }

  setvbuf(stdout, NULL, _IOLBF, 0);

  /* gen_sctp:open() - plus where this process's UDP encapsulation lives
   * and where the server's is. */
  memset(open_opts, 0, sizeof(open_opts));
  if (gsctp_ip_parse(host, &ip) == 0 && ip.family == GSCTP_FAMILY_INET6) {
    open_opts[nopen].name = GSCTP_OPT_FAMILY;
    open_opts[nopen++].v.i = GSCTP_FAMILY_INET6;
  } else {
    rv = gsctp_getaddr(host, GSCTP_FAMILY_INET, &ip);
    if (rv != 0) {
      fprintf(stderr, "example_client: cannot resolve '%s': %s\n", host,
              gsctp_err_name(rv));
      return 2;
    }
  }
  if (bind_arg != NULL) {
    gsctp_ip bind_ip;

    if (gsctp_ip_parse(bind_arg, &bind_ip) != 0) {
      fprintf(stderr, "example_client: --ip: not a numeric address: '%s'\n",
              bind_arg);
      return 2;
    }
    open_opts[nopen].name = GSCTP_OPT_IP;
    open_opts[nopen++].v.ip = bind_ip;
  }
  if (udp_port >= 0) {
    open_opts[nopen].name = GSCTP_OPT_UDP_PORT;
    open_opts[nopen++].v.i = udp_port;
  }
  if (remote_udp_port >= 0) {
    open_opts[nopen].name = GSCTP_OPT_UDP_REMOTE_PORT;
    open_opts[nopen++].v.i = remote_udp_port;
  }
  rv = gsctp_open(&sock, open_opts, nopen);
  if (rv != 0) {
    fprintf(stderr, "example_client: gsctp_open: {error,%s} (%s)%s%s\n",
            gsctp_err_name(rv), gsctp_strerror(rv),
            *gsctp_error_detail() ? ": " : "", gsctp_error_detail());
    return 1;
  }
  if (pcap != NULL) {
    rv = gsctp_capture_start(pcap, GSCTP_CAPTURE_LIVE);
    if (rv != 0) {
      fprintf(stderr, "example_client: --pcap %s: {error,%s}%s\n", pcap,
              gsctp_err_name(rv),
              rv == GSCTP_EPERM ? " (live capture needs root)" : "");
      gsctp_close(sock);
      gsctp_stack_shutdown(SHUTDOWN_MS);
      return 1;
    }
  }

  printf("Connecting to ");
  print_ip(&ip);
  printf(":%d (UDP encapsulation: local %d, remote %d)\n", port,
         gsctp_stack_udp_port(),
         remote_udp_port >= 0 ? remote_udp_port : GSCTP_DEFAULT_UDP_PORT);

  /* gen_sctp:connect(S, Host, Port,
   *                  [{sctp_initmsg, #sctp_initmsg{num_ostreams = 5}}]) */
  memset(&conn_opt, 0, sizeof(conn_opt));
  conn_opt.name = GSCTP_OPT_SCTP_INITMSG;
  conn_opt.v.initmsg = (gsctp_initmsg)GSCTP_INITMSG_INIT;
  conn_opt.v.initmsg.num_ostreams = 5;
  rv = gsctp_connect(sock, &ip, port, &conn_opt, 1, CONNECT_TIMEOUT_MS, &assoc);
  if (rv != 0) {
    printf("Connection failed: {error,");
    if (rv == GSCTP_EASSOC) {
      print_assoc_change(&assoc);
    } else {
      printf("%s", gsctp_err_name(rv));
    }
    printf("}\n");
    gsctp_close(sock);
    gsctp_stack_shutdown(SHUTDOWN_MS);
    return 1;
  }
  printf("Connection Successful, Assoc=");
  print_assoc_change(&assoc);
  printf("\n");
  pause_ms(PAUSE_MS); /* lets the server print its comm_up first */

  /* Stream 0 exists: this works. */
  rv = gsctp_send(sock, assoc.assoc_id, 0, "Test 0", 6);
  printf("gen_sctp:send(S, Assoc, 0, <<\"Test 0\">>) -> ");
  print_result(rv);
  ok = ok && rv == 0;
  pause_ms(PAUSE_MS);

  /* Only streams 0..4 were asked for: this fails. */
  rv = gsctp_send(sock, assoc.assoc_id, 5, "Test 5", 6);
  printf("gen_sctp:send(S, Assoc, 5, <<\"Test 5\">>) -> ");
  print_result(rv);
  ok = ok && rv != 0;
  pause_ms(PAUSE_MS);

  rv = gsctp_abort(sock, &assoc);
  printf("gen_sctp:abort(S, Assoc) -> ");
  print_result(rv);
  ok = ok && rv == 0;

  /* What the abort produced on this side (comm_lost). */
  while ((rv = gsctp_recv(sock, DRAIN_MS, &item)) == 0 ||
         rv == GSCTP_ESCTP_ERROR) {
    printf("%s: ", rv == 0 ? "Received" : "SCTP RECV ERROR");
    print_item(&item);
    printf("\n");
    gsctp_item_free(&item);
  }

  rv = gsctp_close(sock);
  printf("gen_sctp:close(S) -> ");
  print_result(rv);
  if (pcap != NULL) {
    gsctp_capture_stop();
  }
  gsctp_stack_shutdown(SHUTDOWN_MS);
  return ok ? 0 : 1;
}
