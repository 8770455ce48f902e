/*
 * example_guide.c - every C snippet of the guide "gen_sctp in Erlang →
 * gsctp in C" in docs/api.md, compiled and run in one process on
 * 127.0.0.1: open, connect, send, recv, setopts/getopts, connect
 * options, active modes ({active, true}, {active, N} and sctp_passive,
 * selective receive, an event loop on the mailbox fd),
 * controlling_process to a worker thread, peeloff and close.
 *
 * The snippets are copied here verbatim (tests/test_examples.c checks
 * that every ```c block of the guide appears in this file, indentation
 * aside, and runs the program), so the guide cannot drift from the real
 * headers.  The glue between them (checks, a client to talk to, the
 * helper functions the snippets call) is ordinary code around them.
 *
 * Client and server share this process's stack, so a connecting socket
 * sends to the stack's own UDP encapsulation port (same_process()); two
 * processes would use their peers' ports (see example_client.c).
 *
 * Usage: example_guide [--udp-port U]   (default 0: a free port)
 * Prints one line per step and "all steps ok"; exits 0, or 1 on the
 * first failed step, 2 on a bad command line.
 */
#ifndef _POSIX_C_SOURCE
#  define _POSIX_C_SOURCE 200809L
#endif

#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsctp/gsctp.h>

#define SHUTDOWN_MS 2000

static int g_port;       /* the first server's SCTP port */
static int g_handled;    /* data messages handle() saw */
static int g_failed;     /* sctp_error items failed() saw */
static int g_dispatched; /* messages dispatch() saw */

#define CHECK(cond, ...)                                                       \
  do {                                                                         \
    if (!(cond)) {                                                             \
      fprintf(stderr, "example_guide: %s:%d: ", __func__, __LINE__);           \
      fprintf(stderr, __VA_ARGS__);                                            \
      fprintf(stderr, "\n");                                                   \
      return -1;                                                               \
    }                                                                          \
  } while (0)

/* The application's handlers the snippets call. */
static void handle(const uint8_t *data, size_t len) {
  printf("  data: %.*s\n", (int)len, (const char *)data);
  g_handled++;
}

static void failed(const gsctp_event *ev) {
  printf("  sctp_error: event type %d\n", ev->type);
  g_failed++;
}

static void dispatch(const gsctp_msg *m) {
  (void)m;
  g_dispatched++;
}

/* One process, one stack: a connecting socket sends to our own UDP
 * encapsulation port. */
static int same_process(gsctp_sock s) {
  gsctp_opt r = {.name = GSCTP_OPT_UDP_REMOTE_PORT};

  r.v.i = gsctp_stack_udp_port();
  return gsctp_setopts(s, &r, 1);
}

static int open_client(gsctp_sock *ps, int64_t active) {
  gsctp_opt o[2] = {{.name = GSCTP_OPT_IP}, {.name = GSCTP_OPT_ACTIVE}};
  int rc;

  o[0].v.ip = gsctp_ip_v4(127, 0, 0, 1);
  o[1].v.i = active;
  rc = gsctp_open(ps, o, 2);
  if (rc == 0) {
    rc = same_process(*ps);
  }
  return rc;
}

/* Open with options (the server of the basic calls). */
static int step_open_with_options(gsctp_sock *psrv) {
  gsctp_opt o[4] = {0};
  gsctp_sock s;
  o[0].name = GSCTP_OPT_IP;
  o[0].v.ip = gsctp_ip_v4(127, 0, 0, 1);
  o[1].name = GSCTP_OPT_SCTP_INITMSG;
  o[1].v.initmsg = (gsctp_initmsg)GSCTP_INITMSG_INIT; /* all undefined */
  o[1].v.initmsg.num_ostreams = 5;
  o[2].name = GSCTP_OPT_SCTP_NODELAY;
  o[2].v.i = 1;
  o[3].name = GSCTP_OPT_LINGER;
  o[3].v.linger.onoff = 1;
  o[3].v.linger.seconds = 0;
  int rc = gsctp_open(&s, o, 4); /* GSCTP_EBADARG where OTP raises badarg */

  CHECK(rc == 0, "open: %s", gsctp_err_name(rc));
  rc = gsctp_listen(s, GSCTP_LISTEN_TRUE);
  CHECK(rc == 0, "listen: %s", gsctp_err_name(rc));
  g_port = gsctp_port(s);
  *psrv = s;
  return 0;
}

/* open, connect, send, recv. */
static int step_basic(gsctp_sock srv, gsctp_sock *pcli,
                      gsctp_assoc_change *pcli_up,
                      gsctp_assoc_change *psrv_up) {
  gsctp_assoc_change up = gsctp_assoc_change_default();
  int port = g_port, i;

  gsctp_opt o = {.name = GSCTP_OPT_IP, .v.ip = gsctp_ip_v4(127, 0, 0, 1)};
  gsctp_sock s;
  int rc = gsctp_open(&s, &o, 1);

  CHECK(rc == 0, "open: %s", gsctp_err_name(rc));
  CHECK(same_process(s) == 0, "udp_remote_port");

  gsctp_ip ip = gsctp_ip_v4(127, 0, 0, 1);
  gsctp_assoc_change assoc;
  rc = gsctp_connect(s, &ip, port, NULL, 0, 5000, &assoc);
  /* 0: assoc is comm_up; GSCTP_EASSOC: assoc is cant_assoc; GSCTP_ETIMEOUT */

  CHECK(rc == 0, "connect: %s", gsctp_err_name(rc));
  CHECK(assoc.state == GSCTP_COMM_UP, "state %d", (int)assoc.state);

  rc = gsctp_send(s, assoc.assoc_id, 0, "hello", 5);

  CHECK(rc == 0, "send: %s", gsctp_err_name(rc));
  for (i = 0; i < 20 && g_handled == 0; ++i) {
    gsctp_item it;
    rc = gsctp_recv(srv, 5000, &it); /* GSCTP_ESCTP_ERROR: send_failed & co */
    if (rc == 0 && !it.is_event)
      handle(it.data, it.datalen); /* it.from, it.anc.stream */
    else if (rc == 0 && it.event.type == GSCTP_EV_ASSOC_CHANGE)
      up = it.event.u.assoc_change; /* comm_up, ... */
    gsctp_item_free(&it);
  }
  CHECK(g_handled == 1, "the server got no data");
  CHECK(up.state == GSCTP_COMM_UP, "no comm_up at the server");
  *psrv_up = up;
  *pcli = s;
  *pcli_up = assoc;
  return 0;
}

static int step_setopts(gsctp_sock s) {
  int rc;

  gsctp_opt o[2] = {0};
  o[0].name = GSCTP_OPT_SCTP_EVENTS;
  o[0].v.events = (gsctp_event_subscribe)GSCTP_EVENT_SUBSCRIBE_INIT;
  o[0].v.events.data_io_event = 0; /* the others: type defaults */
  o[1].name = GSCTP_OPT_SCTP_RTOINFO;
  o[1].v.rtoinfo = (gsctp_rtoinfo)GSCTP_RTOINFO_INIT;
  o[1].v.rtoinfo.initial = 500;
  o[1].v.rtoinfo.min = 200;
  rc = gsctp_setopts(s, o, 2); /* 0 */
  /* A bad field: GSCTP_ETYPE, and gsctp_error_detail() says which. */

  CHECK(rc == 0, "setopts: %s", gsctp_err_name(rc));
  return 0;
}

static int step_getopts(gsctp_sock s, uint32_t id) {
  gsctp_ip ip = gsctp_ip_v4(127, 0, 0, 1);
  int port = g_port, rc;

  gsctp_opt q[2] = {0};
  size_t n;
  q[0].name = GSCTP_OPT_SCTP_STATUS;
  q[0].v.status.assoc_id = id;
  q[1].name = GSCTP_OPT_SCTP_GET_PEER_ADDR_INFO;
  q[1].v.paddrinfo.assoc_id = id;
  q[1].v.paddrinfo.address.ip = ip;
  q[1].v.paddrinfo.address.port = port;
  rc = gsctp_getopts(s, q, 2, &n); /* n == 2, or fewer: read entries first */
  /* q[0].v.status.state == GSCTP_STATE_ESTABLISHED, q[1].v.paddrinfo.rto */

  CHECK(rc == 0 && n == 2, "getopts: %s, %zu read", gsctp_err_name(rc), n);
  CHECK(q[0].v.status.state == GSCTP_STATE_ESTABLISHED, "state %d",
        (int)q[0].v.status.state);
  printf("  established, rto %lld ms\n", (long long)q[1].v.paddrinfo.rto);
  return 0;
}

static int step_connect_options(void) {
  gsctp_ip ip = gsctp_ip_v4(127, 0, 0, 1);
  int port = g_port, rc;
  gsctp_sock s;

  CHECK(open_client(&s, GSCTP_ACTIVE_FALSE) == 0, "open");

  gsctp_opt c = {0};
  gsctp_assoc_change up;
  c.name = GSCTP_OPT_SCTP_INITMSG;
  c.v.initmsg = (gsctp_initmsg)GSCTP_INITMSG_INIT;
  c.v.initmsg.max_instreams = 4; /* num_ostreams etc. stay as set */
  rc = gsctp_connect(s, &ip, port, &c, 1, GSCTP_INFINITY, &up);

  CHECK(rc == 0, "connect: %s", gsctp_err_name(rc));
  CHECK(up.inbound_streams <= 4, "inbound streams %lld",
        (long long)up.inbound_streams);
  gsctp_close(s);
  return 0;
}

/* {active, true}: a server whose messages go to this thread's owner. */
static int step_active(gsctp_sock *pact, gsctp_sock *pcli, uint32_t *pcli_id) {
  gsctp_sock cli;
  gsctp_assoc_change up;
  gsctp_ip lo = gsctp_ip_v4(127, 0, 0, 1);
  int i;

  gsctp_opt o[2] = {{.name = GSCTP_OPT_ACTIVE, .v.i = GSCTP_ACTIVE_TRUE},
                    {.name = GSCTP_OPT_IP, .v.ip = gsctp_ip_v4(127, 0, 0, 1)}};
  gsctp_sock s = 0;
  gsctp_msg m;

  gsctp_open(&s, o, 2);
  gsctp_listen(s, GSCTP_LISTEN_TRUE);

  CHECK(gsctp_port(s) > 0, "the active server did not open");
  CHECK(open_client(&cli, GSCTP_ACTIVE_FALSE) == 0, "open");
  CHECK(gsctp_connect(cli, &lo, gsctp_port(s), NULL, 0, 5000, &up) == 0,
        "connect");
  CHECK(gsctp_send(cli, up.assoc_id, 0, "active", 6) == 0, "send");
  g_handled = 0;
  for (i = 0; i < 20 && g_handled == 0; ++i) {
    if (gsctp_owner_recv(NULL, 1000, &m) == 0) { /* NULL: my owner */
      if (m.kind == GSCTP_MSG_SCTP && !m.item.is_event)
        handle(m.item.data, m.item.datalen);
      else if (m.kind == GSCTP_MSG_SCTP_ERROR)
        failed(&m.item.event); /* send_failed, ... */
      gsctp_msg_free(&m);
    }
  }
  CHECK(g_handled == 1, "no data message");

  *pact = s;
  *pcli = cli;
  *pcli_id = up.assoc_id;
  return 0;
}

/* {active, N}: ten messages, then sctp_passive; then ten more. */
static int step_active_n(gsctp_sock s, gsctp_sock cli, uint32_t cli_id) {
  gsctp_msg m;
  int rc, i;

  /* Passive while the ten messages arrive, so that they wait in the
   * socket (under {active, true} they would be delivered at once). */
  {
    gsctp_opt off = {.name = GSCTP_OPT_ACTIVE, .v.i = GSCTP_ACTIVE_FALSE};

    CHECK(gsctp_setopts(s, &off, 1) == 0, "setopts");
  }
  for (i = 0; i < 10; ++i) {
    CHECK(gsctp_send(cli, cli_id, 0, "n", 1) == 0, "send");
  }

  gsctp_opt o = {.name = GSCTP_OPT_ACTIVE, .v.i = GSCTP_ACTIVE_N(10)};
  gsctp_match passive = {.sock = s,
                         .kinds = GSCTP_MSG_BIT(GSCTP_MSG_SCTP_PASSIVE)};
  gsctp_setopts(s, &o, 1);
  if ((rc = gsctp_owner_recv_match(NULL, &passive, 5000, &m)) == 0)
    gsctp_setopts(s, &o, 1);

  CHECK(rc == 0, "no sctp_passive: %s", gsctp_err_name(rc));
  gsctp_msg_free(&m);
  gsctp_close(cli);
  return 0;
}

static int is_assoc(const gsctp_msg *m, void *arg) {
  return m->item.is_event && m->item.event.type == GSCTP_EV_ASSOC_CHANGE &&
         m->item.event.u.assoc_change.assoc_id == *(uint32_t *)arg;
}

/* Selective receive: an active client's own comm_up, by association id
 * (connectx_init returns it). */
static int step_selective(void) {
  gsctp_ip ip = gsctp_ip_v4(127, 0, 0, 1);
  uint32_t id = 0;
  gsctp_sock s;
  gsctp_msg m;
  int rc;

  CHECK(open_client(&s, GSCTP_ACTIVE_TRUE) == 0, "open");
  rc = gsctp_connectx_init(s, &ip, 1, g_port, NULL, 0, &id);
  CHECK(rc == 0, "connectx_init: %s", gsctp_err_name(rc));

  gsctp_match mt = {.sock = s,
                    .kinds = GSCTP_MSG_BIT(GSCTP_MSG_SCTP),
                    .pred = is_assoc,
                    .arg = &id};
  rc = gsctp_owner_recv_match(NULL, &mt, 5000, &m);

  CHECK(rc == 0, "no sctp_assoc_change: %s", gsctp_err_name(rc));
  CHECK(m.item.event.u.assoc_change.state == GSCTP_COMM_UP, "state %d",
        (int)m.item.event.u.assoc_change.state);
  gsctp_msg_free(&m);
  gsctp_close(s);
  return 0;
}

/* An event loop on the mailbox fd drains what is left (ends after half a
 * second without messages). */
static int step_poll(void) {
  gsctp_msg m;

  struct pollfd p = {.fd = gsctp_owner_fd(NULL), .events = POLLIN};
  while (poll(&p, 1, 500) == 1)
    while (gsctp_owner_recv(NULL, 0, &m) == 0) { /* drain */
      dispatch(&m);
      gsctp_msg_free(&m);
    }

  CHECK(p.fd >= 0, "no mailbox fd");
  CHECK(g_dispatched > 0, "nothing was left in the mailbox");
  printf("  drained %d messages\n", g_dispatched);
  return 0;
}

typedef struct worker_arg {
  gsctp_owner *worker;
  int got;
} worker_arg;

static void *worker_main(void *varg) {
  worker_arg *a = varg;
  gsctp_owner *worker = a->worker;
  gsctp_msg m;

  memset(&m, 0, sizeof(m));
  gsctp_owner_set_self(worker);
  gsctp_owner_recv(NULL, 5000, &m);

  /* Events of the earlier associations that were still queued for the
   * socket moved to the worker too: skip them. */
  for (int i = 0; i < 20 && !(m.kind == GSCTP_MSG_SCTP && !m.item.is_event);
       ++i) {
    gsctp_msg_free(&m);
    if (gsctp_owner_recv(NULL, 5000, &m) != 0) {
      break;
    }
  }
  a->got = m.kind == GSCTP_MSG_SCTP && !m.item.is_event;
  gsctp_msg_free(&m);
  return NULL;
}

/* controlling_process: hand the active server to a worker thread. */
static int step_controlling_process(gsctp_sock s) {
  gsctp_ip ip = gsctp_ip_v4(127, 0, 0, 1);
  gsctp_opt on = {.name = GSCTP_OPT_ACTIVE, .v.i = GSCTP_ACTIVE_TRUE};
  gsctp_assoc_change up;
  gsctp_sock cli;
  worker_arg wa = {0};
  pthread_t th;

  CHECK(gsctp_setopts(s, &on, 1) == 0, "setopts");
  CHECK(open_client(&cli, GSCTP_ACTIVE_FALSE) == 0, "open");
  /* quiet: no association events, so the worker's first message is the
   * data below */
  {
    gsctp_opt ev = {.name = GSCTP_OPT_SCTP_EVENTS};

    ev.v.events = gsctp_event_subscribe_default();
    ev.v.events.association_event = 0;
    ev.v.events.address_event = 0;
    CHECK(gsctp_setopts(s, &ev, 1) == 0, "setopts");
  }

  gsctp_owner *worker;
  gsctp_owner_new(&worker);             /* the worker's mailbox */
  gsctp_controlling_process(s, worker); /* from the current owner */

  wa.worker = worker;
  CHECK(pthread_create(&th, NULL, worker_main, &wa) == 0, "thread");
  CHECK(gsctp_connect(cli, &ip, gsctp_port(s), NULL, 0, 5000, &up) == 0,
        "connect");
  CHECK(gsctp_send(cli, up.assoc_id, 0, "worker", 6) == 0, "send");
  pthread_join(th, NULL);
  CHECK(wa.got, "the worker got no data message");
  gsctp_owner_free(worker); /* s is ownerless and passive now */
  gsctp_close(cli);
  return 0;
}

/* peeloff the server's association with the basic client. */
static int step_peeloff(gsctp_sock s, gsctp_assoc_change assoc_change,
                        gsctp_sock cli, uint32_t cli_id) {
  gsctp_match mt = {0};
  gsctp_msg m;
  int rc;

  gsctp_sock s2 = 0;
  gsctp_opt once = {.name = GSCTP_OPT_ACTIVE, .v.i = GSCTP_ACTIVE_ONCE};
  gsctp_peeloff(s, assoc_change.assoc_id, &s2);
  gsctp_setopts(s2, &once, 1);

  CHECK(gsctp_send(cli, cli_id, 0, "peeled", 6) == 0, "send");
  mt.sock = s2;
  mt.kinds = GSCTP_MSG_BIT(GSCTP_MSG_SCTP);
  for (int i = 0; i < 20; ++i) {
    rc = gsctp_owner_recv_match(NULL, &mt, 5000, &m);
    CHECK(rc == 0, "no message on the peeled-off socket: %s",
          gsctp_err_name(rc));
    if (!m.item.is_event) {
      break;
    }
    gsctp_msg_free(&m); /* an event used the once: re-arm */
    CHECK(gsctp_setopts(s2, &once, 1) == 0, "setopts");
  }
  CHECK(!m.item.is_event && m.item.datalen == 6, "not the data");
  gsctp_msg_free(&m);
  gsctp_close(s2);
  return 0;
}

static int step_close(gsctp_sock s) {
  int rc;

  rc = gsctp_close(s); /* 0; its associations shut down gracefully */
  rc = gsctp_close(s); /* 0 again, as OTP */

  CHECK(rc == 0, "second close: %s", gsctp_err_name(rc));
  return 0;
}

#define STEP(call)                                                             \
  do {                                                                         \
    if ((call) != 0) {                                                         \
      gsctp_stack_shutdown(SHUTDOWN_MS);                                       \
      return 1;                                                                \
    }                                                                          \
    printf("step %s: ok\n", #call);                                            \
  } while (0)

int main(int argc, char **argv) {
  gsctp_stack_config cfg;
  gsctp_sock srv = 0, cli = 0, act = 0, acli = 0;
  uint32_t acli_id = 0;
  gsctp_assoc_change cli_up, srv_up;
  int rc;

  gsctp_stack_config_default(&cfg);
  cfg.udp_port = 0;
  for (int i = 1; i < argc; ++i) {
    if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
      printf("usage: example_guide [--udp-port U]\n"
             "Runs the C snippets of docs/api.md's guide on 127.0.0.1.\n"
             "  --udp-port U  local UDP encapsulation port (default 0: a "
             "free port)\n"
             "  --help        show this text\n");
      return 0;
    }
    if (strcmp(argv[i], "--udp-port") == 0 && i + 1 < argc) {
      char *end;
      long v = strtol(argv[++i], &end, 10);

      if (*end != '\0' || end == argv[i] || v < 0 || v > 65535) {
        fprintf(stderr, "example_guide: bad --udp-port '%s'\n", argv[i]);
        return 2;
      }
      cfg.udp_port = (int)v;
      continue;
    }
    fprintf(stderr, "example_guide: bad argument '%s' (try --help)\n", argv[i]);
    return 2;
  }
  rc = gsctp_stack_start(&cfg);
  if (rc != 0) {
    fprintf(stderr, "example_guide: stack: %s\n", gsctp_err_name(rc));
    return 1;
  }
  memset(&srv_up, 0, sizeof(srv_up));
  STEP(step_open_with_options(&srv));
  STEP(step_basic(srv, &cli, &cli_up, &srv_up));
  STEP(step_setopts(cli));
  STEP(step_getopts(cli, cli_up.assoc_id));
  STEP(step_connect_options());
  STEP(step_active(&act, &acli, &acli_id));
  STEP(step_active_n(act, acli, acli_id));
  STEP(step_selective());
  STEP(step_poll());
  STEP(step_controlling_process(act));
  STEP(step_peeloff(srv, srv_up, cli, cli_up.assoc_id));
  STEP(step_close(cli));
  gsctp_close(act);
  gsctp_close(srv);
  printf("all steps ok\n");
  gsctp_stack_shutdown(SHUTDOWN_MS);
  return 0;
}
