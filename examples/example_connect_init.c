/*
 * example_connect_init.c - the connect_init example of the gen_sctp
 * documentation, in C.
 *
 * The Erlang original (gen_sctp, "Examples") starts associations with two
 * servers at once and reports each outcome as its sctp_assoc_change
 * arrives:
 *
 *   {ok, S} = gen_sctp:open(),
 *   ok = gen_sctp:connect_init(S, Host1, Port1, []),
 *   ok = gen_sctp:connect_init(S, Host2, Port2, []),
 *   io:format("Connections initiated~n", []),
 *   client_loop(S, Peer1, undefined, Peer2, undefined).
 *
 * where client_loop/5 receives {sctp, S, Host, Port, {Anc,
 * #sctp_assoc_change{}}} messages in active mode and gives up after 5 s
 * of silence.  gsctp is passive in this version, so this port reads the
 * same items with gsctp_recv(); it stops once both peers have an outcome
 * (or after QUIET_MS of silence), then closes the socket.
 *
 * The two servers usually run in two processes, and every process has
 * its own UDP encapsulation port, so --remote-udp-port takes one port for
 * both peers or two ports, one for each ("R1,R2").  connect_init applies
 * it per association (the option is given to connect_init).
 *
 * Usage: example_connect_init HOST1 PORT1 HOST2 PORT2 [--ip ADDR]
 *                             [--udp-port U] [--remote-udp-port R1[,R2]]
 */
#ifndef _POSIX_C_SOURCE
#  define _POSIX_C_SOURCE 200809L
#endif

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsctp/gsctp.h>

#define RECV_STEP_MS 200 /* one gsctp_recv() wait */
#define QUIET_MS 5000    /* the original's `after 5000` */
#define SETTLE_MS 400    /* silence after both outcomes before closing */
#define SHUTDOWN_MS 2000 /* deadline for gsctp_stack_shutdown() */

/* One of the two servers and what became of its association. */
typedef struct peer {
  const char *host;  /* as given on the command line */
  gsctp_ip ip;       /* its address */
  int port;          /* its SCTP port */
  int udp_port;      /* its UDP encapsulation port, -1: default */
  uint32_t assoc_id; /* 0 while `undefined` */
  int outcome;       /* 0: none yet; else the assoc_change state */
} peer;

static void usage(FILE *f) {
  fprintf(
    f,
    "usage: example_connect_init HOST1 PORT1 HOST2 PORT2 "
    "[--ip ADDR] [--udp-port U]\n"
    "                            [--remote-udp-port R1[,R2]]\n"
    "\n"
    "The gen_sctp documentation's connect_init example: starts\n"
    "associations with two servers at once with gen_sctp:connect_init\n"
    "and prints every sctp_assoc_change it receives.\n"
    "\n"
    "  HOST1 PORT1, HOST2 PORT2   the two servers (address or host name,\n"
    "                             SCTP port)\n"
    "  --ip ADDR                  local address to bind (default: any)\n"
    "  --udp-port U               local UDP encapsulation port of this\n"
    "                             process (default: $GSCTP_UDP_PORT,\n"
    "                             else %d)\n"
    "  --remote-udp-port R1[,R2]  the servers' UDP encapsulation ports:\n"
    "                             one for both, or one each (default "
    "%d)\n"
    "  --help                     show this text\n"
    "\n"
    "Exit status: 0 if both associations came up, 1 otherwise, 2 for\n"
    "bad usage.\n",
    GSCTP_DEFAULT_UDP_PORT, GSCTP_DEFAULT_UDP_PORT);
}

/* parse_port_n parses a port number in min..65535 from the |len| bytes at
 * |s| (all of |s| if |len| is (size_t)-1) into |*pport|.  Returns 0, or
 * -1 if they are not such a number. */
static int parse_port_n(const char *s, size_t len, int min, int *pport) {
  char buf[8];
  char *end;
  long v;

  if (len == (size_t)-1) {
    len = strlen(s);
  }
  if (len == 0 || len >= sizeof(buf)) {
    return -1;
  }
  memcpy(buf, s, len);
  buf[len] = '\0';
  errno = 0;
  v = strtol(buf, &end, 10);
  if (errno != 0 || *end != '\0' || v < min || v > 65535) {
    return -1;
  }
  *pport = (int)v;
  return 0;
}

/* needs_value returns 1 if |arg| is an option that takes a value. */
static int needs_value(const char *arg) {
  return strcmp(arg, "--udp-port") == 0 || strcmp(arg, "--ip") == 0 ||
         strcmp(arg, "--remote-udp-port") == 0;
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

/* print_item prints gen_sctp's {FromIP, FromPort, AncData, Data} with
 * assoc_change and paddr_change events in full and anything else
 * briefly. */
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

/* resolve fills |p->ip| from |p->host| for |family|.  Returns 0 or -1. */
static int resolve(peer *p, int family) {
  int rv;

  rv = gsctp_getaddr(p->host, family, &p->ip);
  if (rv != 0) {
    fprintf(stderr, "example_connect_init: cannot resolve '%s': %s\n", p->host,
            gsctp_err_name(rv));
    return -1;
  }
  return 0;
}

/* handle_assoc_change is client_loop/5's receive: it matches the event
 * of |item| to a peer by address and association id and reports it. */
static void handle_assoc_change(peer *peers, const gsctp_item *item) {
  const gsctp_assoc_change *ac = &item->event.u.assoc_change;
  peer *p;
  int i;

  for (i = 0; i < 2; ++i) {
    p = &peers[i];
    if (!gsctp_ip_equal(&item->from.ip, &p->ip) || item->from.port != p->port) {
      continue;
    }
    if (ac->state == GSCTP_COMM_UP && p->assoc_id == 0) {
      p->assoc_id = ac->assoc_id;
      p->outcome = ac->state;
      printf("Association %d connect result: comm_up. AssocId: %" PRIu32 "\n",
             i + 1, ac->assoc_id);
      return;
    }
    if (ac->state == GSCTP_CANT_ASSOC && p->outcome == 0) {
      p->outcome = ac->state;
      printf("Association %d response failed: cant_assoc\n", i + 1);
      return;
    }
    if ((ac->state == GSCTP_COMM_LOST || ac->state == GSCTP_SHUTDOWN_COMP) &&
        p->assoc_id == ac->assoc_id) {
      p->assoc_id = 0;
      p->outcome = ac->state;
      printf("Association %d failed: %s. AssocId: %" PRIu32 "\n", i + 1,
             gsctp_assoc_change_state_name(ac->state), ac->assoc_id);
      return;
    }
  }
  printf("Other ");
  print_item(item);
  printf("\n");
}

int main(int argc, char **argv) {
  peer peers[2];
  const char *pos[4];
  const char *comma, *bind_arg = NULL;
  gsctp_opt opts[3], conn_opt;
  size_t nopts = 0, npos = 0;
  gsctp_sock sock;
  gsctp_item item;
  int udp_port = -1, family = GSCTP_FAMILY_INET;
  int quiet_ms, both, rv, i;

  memset(peers, 0, sizeof(peers));
  peers[0].udp_port = peers[1].udp_port = -1;
  for (i = 1; i < argc; ++i) {
    if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
      usage(stdout);
      return 0;
    } else if (i + 1 == argc && needs_value(argv[i])) {
      fprintf(stderr, "example_connect_init: %s needs a value (try --help)\n",
              argv[i]);
      return 2;
    } else if (strcmp(argv[i], "--udp-port") == 0 && i + 1 < argc) {
      if (parse_port_n(argv[++i], (size_t)-1, 0, &udp_port) != 0) {
        fprintf(stderr, "example_connect_init: --udp-port: not a port: '%s'\n",
                argv[i]);
        return 2;
      }
    } else if (strcmp(argv[i], "--ip") == 0 && i + 1 < argc) {
      bind_arg = argv[++i];
    } else if (strcmp(argv[i], "--remote-udp-port") == 0 && i + 1 < argc) {
      ++i;
      comma = strchr(argv[i], ',');
      if (comma == NULL) {
        rv = parse_port_n(argv[i], (size_t)-1, 1, &peers[0].udp_port);
        peers[1].udp_port = peers[0].udp_port;
      } else {
        rv = parse_port_n(argv[i], (size_t)(comma - argv[i]), 1,
                          &peers[0].udp_port);
        if (rv == 0) {
          rv = parse_port_n(comma + 1, (size_t)-1, 1, &peers[1].udp_port);
        }
      }
      if (rv != 0) {
        fprintf(stderr,
                "example_connect_init: --remote-udp-port: expected R or "
                "R1,R2 (ports), got '%s'\n",
                argv[i]);
        return 2;
      }
    } else if (argv[i][0] == '-' && argv[i][1] != '\0') {
      fprintf(stderr,
              "example_connect_init: unknown option '%s' (try --help)\n",
              argv[i]);
      return 2;
    } else if (npos < 4) {
      pos[npos++] = argv[i];
    } else {
      fprintf(stderr,
              "example_connect_init: unexpected argument '%s' (try --help)\n",
              argv[i]);
      return 2;
    }
  }
  if (npos != 4) {
    fprintf(stderr, "example_connect_init: HOST1 PORT1 HOST2 PORT2 are "
                    "required (try --help)\n");
    return 2;
  }
  for (i = 0; i < 2; ++i) {
    peers[i].host = pos[2 * i];
    if (parse_port_n(pos[2 * i + 1], (size_t)-1, 1, &peers[i].port) != 0) {
      fprintf(stderr,
              "example_connect_init: PORT%d: not a port in 1..65535: '%s'\n",
              i + 1, pos[2 * i + 1]);
      return 2;
    }
  }
  /* One socket has one family: IPv6 if the first host is a numeric IPv6
   * address, IPv4 otherwise. */
  if (gsctp_ip_parse(peers[0].host, &peers[0].ip) == 0 &&
      peers[0].ip.family == GSCTP_FAMILY_INET6) {
    family = GSCTP_FAMILY_INET6;
  }
  if (resolve(&peers[0], family) != 0 || resolve(&peers[1], family) != 0) {
    return 2;
  }

  setvbuf(stdout, NULL, _IOLBF, 0);

  memset(opts, 0, sizeof(opts));
  opts[nopts].name = GSCTP_OPT_FAMILY;
  opts[nopts++].v.i = family;
  if (udp_port >= 0) {
    opts[nopts].name = GSCTP_OPT_UDP_PORT;
    opts[nopts++].v.i = udp_port;
  }
  if (bind_arg != NULL) {
    if (gsctp_ip_parse(bind_arg, &opts[nopts].v.ip) != 0) {
      fprintf(stderr,
              "example_connect_init: --ip: not a numeric address: '%s'\n",
              bind_arg);
      return 2;
    }
    opts[nopts++].name = GSCTP_OPT_IP;
  }
  rv = gsctp_open(&sock, opts, nopts);
  if (rv != 0) {
    fprintf(stderr, "example_connect_init: gsctp_open: {error,%s} (%s)%s%s\n",
            gsctp_err_name(rv), gsctp_strerror(rv),
            *gsctp_error_detail() ? ": " : "", gsctp_error_detail());
    return 1;
  }

  for (i = 0; i < 2; ++i) {
    memset(&conn_opt, 0, sizeof(conn_opt));
    conn_opt.name = GSCTP_OPT_UDP_REMOTE_PORT;
    conn_opt.v.i = peers[i].udp_port;
    rv = gsctp_connect_init(sock, &peers[i].ip, peers[i].port, &conn_opt,
                            peers[i].udp_port >= 0 ? 1 : 0);
    printf("gen_sctp:connect_init(S, ");
    print_ip(&peers[i].ip);
    printf(", %d, []) -> ", peers[i].port);
    if (rv != 0) {
      printf("{error,%s}\n", gsctp_err_name(rv));
      gsctp_close(sock);
      gsctp_stack_shutdown(SHUTDOWN_MS);
      return 1;
    }
    printf("ok\n");
  }
  printf("Connections initiated\n");

  quiet_ms = 0;
  for (;;) {
    both = peers[0].outcome != 0 && peers[1].outcome != 0;
    if (quiet_ms >= (both ? SETTLE_MS : QUIET_MS)) {
      break;
    }
    rv = gsctp_recv(sock, RECV_STEP_MS, &item);
    if (rv == GSCTP_ETIMEOUT) {
      quiet_ms += RECV_STEP_MS;
      continue;
    }
    quiet_ms = 0;
    if (rv != 0 && rv != GSCTP_ESCTP_ERROR) {
      printf("gen_sctp:recv(S) -> {error,%s}\n", gsctp_err_name(rv));
      break;
    }
    if (rv == 0 && item.is_event && item.event.type == GSCTP_EV_ASSOC_CHANGE) {
      handle_assoc_change(peers, &item);
    } else {
      printf("Other ");
      print_item(&item);
      printf("\n");
    }
    gsctp_item_free(&item);
  }

  for (i = 0; i < 2; ++i) {
    if (peers[i].outcome == 0) {
      printf("Association %d: no result within %d ms\n", i + 1, QUIET_MS);
    }
  }

  rv = gsctp_close(sock);
  printf("gen_sctp:close(S) -> %s\n", rv == 0 ? "ok" : gsctp_err_name(rv));
  gsctp_stack_shutdown(SHUTDOWN_MS);
  return peers[0].outcome == GSCTP_COMM_UP && peers[1].outcome == GSCTP_COMM_UP
           ? 0
           : 1;
}
