/*
 * tools/gsctp/run.c - the work of `gsctp server`, `gsctp sink` and
 * `gsctp client`, on the public gsctp API.
 *
 * The server and the sink read with one thread.  The client connects,
 * then sends from the main thread while a receiver thread reads echoes
 * and events, checks every echo against what was sent, and doubles as
 * the watchdog: at the deadline it closes the socket, which wakes a send
 * blocked on a full send buffer.
 */
#ifndef _POSIX_C_SOURCE
#  define _POSIX_C_SOURCE 200809L /* sigaction, nanosleep */
#endif

#include "cli.h"

#include <inttypes.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define RECV_STEP_MS 100      /* how often loops look at flags and clocks */
#define SHUTDOWN_MS 3000      /* deadline for gsctp_stack_shutdown() */
#define CAPTURE_LINGER_MS 300 /* let the last packets reach the capture */
#define MAX_SCAN 100000       /* bound on the echo matcher's search */
#define WATCHDOG_MS 5000      /* then a stuck client exits anyway */

static volatile sig_atomic_t stop_signal;

static void on_signal(int sig) {
  stop_signal = sig;
}

static void sleep_ms(int ms) {
  struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};

  while (nanosleep(&ts, &ts) != 0) {
  }
}

/* ---- printing ------------------------------------------------------- */

static const char *addr_str(const gsctp_addr *a, char *buf, size_t buflen) {
  char ip[GSCTP_IP_STRLEN];

  gsctp_ip_format(&a->ip, ip, sizeof(ip));
  snprintf(buf, buflen,
           a->ip.family == GSCTP_FAMILY_INET6 ? "[%s]:%u" : "%s:%u", ip,
           a->port);
  return buf;
}

static uint32_t item_assoc(const gsctp_item *it) {
  const gsctp_event *e = &it->event;

  if (!it->is_event) {
    return (uint32_t)it->anc.assoc_id;
  }
  switch (e->type) {
  case GSCTP_EV_ASSOC_CHANGE:
    return e->u.assoc_change.assoc_id;
  case GSCTP_EV_PADDR_CHANGE:
    return e->u.paddr_change.assoc_id;
  case GSCTP_EV_REMOTE_ERROR:
    return e->u.remote_error.assoc_id;
  case GSCTP_EV_SEND_FAILED:
    return e->u.send_failed.assoc_id;
  case GSCTP_EV_SHUTDOWN:
    return e->u.shutdown.assoc_id;
  case GSCTP_EV_ADAPTATION:
    return e->u.adaptation.assoc_id;
  case GSCTP_EV_PDAPI:
    return e->u.pdapi.assoc_id;
  default:
    return 0;
  }
}

/* print_item prints one line for a data item or an event. */
static void print_item(const char *who, const gsctp_item *it, int hexdump) {
  const gsctp_event *e = &it->event;
  char buf[80];
  size_t i;

  if (!it->is_event) {
    printf("%sdata assoc=%" PRId64 " stream=%" PRId64 " ssn=%" PRId64
           " ppid=%" PRId64 " flags=%s len=%zu",
           who, it->anc.assoc_id, it->anc.stream, it->anc.ssn, it->anc.ppid,
           (it->anc.flags & GSCTP_SNDRCV_UNORDERED) ? "unordered" : "ordered",
           it->datalen);
    if (hexdump) {
      printf(" bytes=");
      for (i = 0; i < it->datalen && i < 16; ++i) {
        printf("%02x", it->data[i]);
      }
      printf("%s", it->datalen > 16 ? "..." : "");
    }
    printf("\n");
    return;
  }
  printf("%sevent assoc=%" PRIu32 " %s", who, item_assoc(it),
         gsctp_event_type_name(e->type));
  switch (e->type) {
  case GSCTP_EV_ASSOC_CHANGE:
    printf(" state=%s error=%u outbound_streams=%u inbound_streams=%u",
           gsctp_assoc_change_state_name(e->u.assoc_change.state),
           e->u.assoc_change.error, e->u.assoc_change.outbound_streams,
           e->u.assoc_change.inbound_streams);
    break;
  case GSCTP_EV_PADDR_CHANGE:
    printf(" addr=%s state=%s error=%" PRIu32,
           addr_str(&e->u.paddr_change.addr, buf, sizeof(buf)),
           gsctp_paddr_change_state_name(e->u.paddr_change.state),
           e->u.paddr_change.error);
    break;
  case GSCTP_EV_REMOTE_ERROR:
    printf(" error=%u causes=%zu", e->u.remote_error.error,
           e->u.remote_error.ndata);
    break;
  case GSCTP_EV_SEND_FAILED:
    printf(" flags=%s error=%" PRIu32 " stream=%" PRId64 " len=%zu",
           e->u.send_failed.flags ? "sent" : "unsent", e->u.send_failed.error,
           e->u.send_failed.info.stream, e->u.send_failed.datalen);
    break;
  case GSCTP_EV_ADAPTATION:
    printf(" adaptation_ind=%" PRIu32, e->u.adaptation.adaptation_ind);
    break;
  case GSCTP_EV_PDAPI:
    printf(" indication=%d", e->u.pdapi.indication);
    break;
  default:
    break;
  }
  printf(" from=%s\n", addr_str(&it->from, buf, sizeof(buf)));
}

static const char *state_name(int state) {
  return state == 0 ? "any" : gsctp_assoc_change_state_name(state);
}

/* ---- setup shared by every command ---------------------------------- */

typedef struct session {
  gsctp_sock sock;
  cli_capture *cap;
  int udp_port;
} session;

static int setup(const cli_opts *o, session *s, int family_hint) {
  gsctp_stack_config cfg;
  gsctp_opt opts[CLI_MAX_IPS + 8];
  size_t n = 0, i;
  int rv;

  memset(s, 0, sizeof(*s));
  gsctp_stack_config_default(&cfg);
  if (o->transport == TRANSPORT_UDP_CONN) {
    /* --udp-port is the socket's own UDP port; usrsctp's UDP socket is
     * not used: let it take any free port. */
    cfg.udp_port = 0;
  } else if (o->udp_port >= 0) {
    cfg.udp_port = o->udp_port;
  }
  rv = gsctp_stack_start(&cfg);
  if (rv != 0 && rv != GSCTP_EALREADY) {
    fprintf(stderr, "gsctp: cannot start the stack on UDP port %d: %s (%s)\n",
            o->udp_port, gsctp_err_name(rv), gsctp_strerror(rv));
    return CLI_EXIT_SETUP;
  }
  s->udp_port = gsctp_stack_udp_port();

  /* Raw: capture SCTP over IP (udp_port 0 selects that filter). */
  if (o->pcap != NULL && o->transport != TRANSPORT_UDP_CONN &&
      cli_capture_start(&s->cap, o->pcap, o->pcap_if,
                        o->transport == TRANSPORT_RAW ? 0 : s->udp_port) != 0) {
    gsctp_stack_shutdown(SHUTDOWN_MS);
    return CLI_EXIT_SETUP;
  }

  for (i = 0; i < o->nips; ++i) {
    opts[n].name = GSCTP_OPT_IP;
    opts[n].v.ip = o->ips[i];
    n++;
  }
  if (o->nips == 0 && family_hint == GSCTP_FAMILY_INET6) {
    opts[n].name = GSCTP_OPT_FAMILY;
    opts[n].v.i = GSCTP_FAMILY_INET6;
    n++;
  }
  opts[n].name = GSCTP_OPT_PORT;
  opts[n].v.i = o->port;
  n++;
  if (o->transport == TRANSPORT_RAW) {
    opts[n].name = GSCTP_OPT_TRANSPORT;
    opts[n].v.i = GSCTP_TRANSPORT_RAW;
    n++;
  }
  if (o->transport == TRANSPORT_UDP_CONN) {
    opts[n].name = GSCTP_OPT_TRANSPORT;
    opts[n].v.i = GSCTP_TRANSPORT_UDP_CONN;
    n++;
    if (o->udp_port >= 0) {
      opts[n].name = GSCTP_OPT_UDP_PORT;
      opts[n].v.i = o->udp_port;
      n++;
    }
  }
  if (o->remote_udp > 0) {
    opts[n].name = GSCTP_OPT_UDP_REMOTE_PORT;
    opts[n].v.i = o->remote_udp;
    n++;
  }
  if (o->ostreams > 0 || o->instreams > 0) {
    opts[n].name = GSCTP_OPT_SCTP_INITMSG;
    opts[n].v.initmsg = gsctp_initmsg_default();
    opts[n].v.initmsg.num_ostreams = o->ostreams;
    opts[n].v.initmsg.max_instreams = o->instreams;
    n++;
  }
  if (o->maxseg > 0) {
    opts[n].name = GSCTP_OPT_SCTP_MAXSEG;
    opts[n].v.i = o->maxseg;
    n++;
  }
  if (o->nodelay) {
    opts[n].name = GSCTP_OPT_SCTP_NODELAY;
    opts[n].v.i = 1;
    n++;
  }
  rv = gsctp_open(&s->sock, opts, n);
  if (rv != 0) {
    fprintf(stderr, "gsctp: open: %s (%s)%s%s\n", gsctp_err_name(rv),
            gsctp_strerror(rv), *gsctp_error_detail() ? ": " : "",
            gsctp_error_detail());
    cli_capture_stop(s->cap);
    gsctp_stack_shutdown(SHUTDOWN_MS);
    return CLI_EXIT_SETUP;
  }
  if (o->transport == TRANSPORT_UDP_CONN) {
    gsctp_opt q;
    size_t nread = 0;

    memset(&q, 0, sizeof(q));
    q.name = GSCTP_OPT_UDP_PORT;
    if (gsctp_getopts(s->sock, &q, 1, &nread) == 0 && nread == 1) {
      s->udp_port = (int)q.v.i;
    }
    if (o->pcap != NULL &&
        cli_capture_start(&s->cap, o->pcap, o->pcap_if, s->udp_port) != 0) {
      gsctp_close(s->sock);
      gsctp_stack_shutdown(SHUTDOWN_MS);
      return CLI_EXIT_SETUP;
    }
  }
  return 0;
}

/* teardown closes the socket, stops the capture and the stack.  Returns
 * |status|, or CLI_EXIT_SETUP if the capture could not be written. */
static int teardown(session *s, int status) {
  long npkt;
  int rv;

  gsctp_close(s->sock);
  if (s->cap != NULL) {
    sleep_ms(CAPTURE_LINGER_MS);
    npkt = cli_capture_stop(s->cap);
    if (npkt < 0) {
      fprintf(stderr, "gsctp: writing the capture failed\n");
      status = status == CLI_EXIT_OK ? CLI_EXIT_SETUP : status;
    }
  }
  rv = gsctp_stack_shutdown(SHUTDOWN_MS);
  if (rv != 0 && rv != GSCTP_ENOTCONN) {
    fprintf(stderr, "gsctp: stack shutdown: %s (ignored)\n",
            gsctp_err_name(rv));
  }
  return status;
}

static void install_signals(void) {
  struct sigaction sa;

  memset(&sa, 0, sizeof(sa));
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, NULL);
  sigaction(SIGTERM, &sa, NULL);
  signal(SIGPIPE, SIG_IGN);
}

/* ---- server and sink ------------------------------------------------ */

typedef struct srv_assoc {
  gsctp_assoc_change up;
  long msgs;
  uint64_t bytes;
  int64_t t_up;
  int64_t t_last;
  int ending;     /* we asked for its end */
  int64_t end_at; /* when to end it (--end-after with --linger), 0 = no */
  int ended;
} srv_assoc;

typedef struct server {
  const cli_opts *o;
  session s;
  srv_assoc *as;
  size_t nas, cap;
  long ended;
  int failed;
} server;

static void srv_fail(server *sv, const char *fmt, ...) {
  va_list ap;

  if (!sv->failed) {
    printf("FAIL: ");
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    printf("\n");
  }
  sv->failed = 1;
}

static srv_assoc *srv_find(server *sv, uint32_t id) {
  size_t i;

  for (i = sv->nas; i-- > 0;) {
    if (sv->as[i].up.assoc_id == id && !sv->as[i].ended) {
      return &sv->as[i];
    }
  }
  return NULL;
}

static srv_assoc *srv_add(server *sv, const gsctp_assoc_change *up) {
  srv_assoc *a;

  if (sv->nas == sv->cap) {
    size_t ncap = sv->cap ? sv->cap * 2 : 16;
    srv_assoc *p = realloc(sv->as, ncap * sizeof(*p));

    if (p == NULL) {
      return NULL;
    }
    sv->as = p;
    sv->cap = ncap;
  }
  a = &sv->as[sv->nas++];
  memset(a, 0, sizeof(*a));
  a->up = *up;
  a->t_up = cli_now_ms();
  a->t_last = a->t_up;
  return a;
}

static void srv_report(server *sv, const srv_assoc *a, int state) {
  double secs = (double)(a->t_last - a->t_up) / 1000.0;

  if (sv->o->cmd == CMD_SINK) {
    printf("sink: assoc %" PRIu32 " ended %s: %ld messages, %" PRIu64
           " bytes in %.3f s (%.2f MB/s, %.0f msg/s)\n",
           a->up.assoc_id, gsctp_assoc_change_state_name(state), a->msgs,
           a->bytes, secs, secs > 0 ? (double)a->bytes / secs / 1e6 : 0.0,
           secs > 0 ? (double)a->msgs / secs : 0.0);
  } else if (!sv->o->quiet) {
    printf("server: assoc %" PRIu32 " ended %s after %ld messages (%" PRIu64
           " bytes)\n",
           a->up.assoc_id, gsctp_assoc_change_state_name(state), a->msgs,
           a->bytes);
  }
}

static void srv_event(server *sv, const gsctp_item *it) {
  const gsctp_assoc_change *ac = &it->event.u.assoc_change;
  srv_assoc *a;

  if (it->event.type != GSCTP_EV_ASSOC_CHANGE) {
    return;
  }
  if (ac->state == GSCTP_COMM_UP || ac->state == GSCTP_RESTART) {
    if (srv_find(sv, ac->assoc_id) == NULL && srv_add(sv, ac) == NULL) {
      srv_fail(sv, "out of memory");
    }
    return;
  }
  a = srv_find(sv, ac->assoc_id);
  if (a == NULL) {
    return; /* cant_assoc of an association that never came up */
  }
  a->ended = 1;
  sv->ended++;
  srv_report(sv, a, ac->state);
  if (sv->o->expect_end != 0 && ac->state != sv->o->expect_end) {
    srv_fail(sv, "assoc %" PRIu32 " ended %s, expected %s", ac->assoc_id,
             gsctp_assoc_change_state_name(ac->state),
             state_name(sv->o->expect_end));
  }
}

static void srv_end_due(server *sv);

static void srv_data(server *sv, const gsctp_item *it) {
  const cli_opts *o = sv->o;
  srv_assoc *a = srv_find(sv, (uint32_t)it->anc.assoc_id);
  gsctp_sndrcvinfo sri;
  int rv;

  if (a == NULL) {
    srv_fail(sv, "data on assoc %" PRId64 ", which never came up",
             it->anc.assoc_id);
    return;
  }
  a->msgs++;
  a->bytes += it->datalen;
  a->t_last = cli_now_ms();
  if (o->echo && !a->ending) {
    sri = gsctp_sndrcvinfo_default();
    sri.stream = it->anc.stream;
    sri.ppid = it->anc.ppid;
    sri.flags = it->anc.flags & GSCTP_SNDRCV_UNORDERED;
    sri.assoc_id = it->anc.assoc_id;
    rv = gsctp_send_sri(sv->s.sock, &sri, it->data, it->datalen);
    if (rv == GSCTP_EPIPE || rv == GSCTP_ESHUTDOWN) {
      printf("server: echo on assoc %" PRId64 ": %s (the association is "
             "ending)\n",
             it->anc.assoc_id, gsctp_err_name(rv));
    } else if (rv != 0) {
      srv_fail(
        sv, "echo of %zu bytes on assoc %" PRId64 " stream %" PRId64 ": %s",
        it->datalen, it->anc.assoc_id, it->anc.stream, gsctp_err_name(rv));
    }
  }
  if (o->end_after > 0 && a->msgs == o->end_after && !a->ending &&
      a->end_at == 0) {
    a->end_at = cli_now_ms() + o->linger_ms;
    srv_end_due(sv);
  }
}

/* srv_end_due ends every association whose --end-after time has come. */
static void srv_end_due(server *sv) {
  const cli_opts *o = sv->o;
  int64_t now = cli_now_ms();
  size_t i;
  int rv;

  for (i = 0; i < sv->nas; ++i) {
    srv_assoc *a = &sv->as[i];

    if (a->ended || a->ending || a->end_at == 0 || a->end_at > now) {
      continue;
    }
    a->ending = 1;
    rv = o->end == END_ABORT ? gsctp_abort(sv->s.sock, &a->up)
                             : gsctp_eof(sv->s.sock, &a->up);
    if (!o->quiet) {
      printf("server: %s assoc %" PRIu32 " after %ld messages: %s\n",
             o->end == END_ABORT ? "abort" : "eof", a->up.assoc_id, a->msgs,
             gsctp_err_name(rv));
    }
    if (rv != 0) {
      srv_fail(sv, "%s on assoc %" PRIu32 ": %s",
               o->end == END_ABORT ? "abort" : "eof", a->up.assoc_id,
               gsctp_err_name(rv));
    }
  }
}

int cli_run_server(const cli_opts *o) {
  server sv;
  gsctp_item it;
  char ipbuf[GSCTP_IP_STRLEN];
  int64_t deadline = o->timeout_ms > 0 ? cli_now_ms() + o->timeout_ms : -1;
  int status, rv, show;
  const char *who = o->cmd == CMD_SINK ? "sink" : "server";

  memset(&sv, 0, sizeof(sv));
  sv.o = o;
  install_signals();
  status = setup(o, &sv.s, o->nips > 0 ? o->ips[0].family : 0);
  if (status != 0) {
    return status;
  }
  rv = gsctp_listen(sv.s.sock, GSCTP_LISTEN_TRUE);
  if (rv != 0) {
    fprintf(stderr, "gsctp: listen: %s\n", gsctp_err_name(rv));
    return teardown(&sv.s, CLI_EXIT_SETUP);
  }
  if (o->nips > 0) {
    gsctp_ip_format(&o->ips[0], ipbuf, sizeof(ipbuf));
  } else {
    snprintf(ipbuf, sizeof(ipbuf), "any");
  }
  printf("%s: listening on %s:%d udp-port %d transport %s\n", who, ipbuf,
         gsctp_port(sv.s.sock), sv.s.udp_port,
         o->transport == TRANSPORT_UDP_CONN ? "udp-conn"
         : o->transport == TRANSPORT_RAW    ? "raw"
                                            : "udp");

  show = !o->quiet;
  while (!stop_signal && !(o->assocs > 0 && sv.ended >= o->assocs)) {
    int step = RECV_STEP_MS;

    if (deadline >= 0) {
      int64_t left = deadline - cli_now_ms();

      if (left <= 0) {
        srv_fail(&sv,
                 "timeout after %" PRId64 " ms (%ld of %ld associations "
                 "ended)",
                 o->timeout_ms, sv.ended, o->assocs);
        break;
      }
      step = left < step ? (int)left : step;
    }
    srv_end_due(&sv);
    memset(&it, 0, sizeof(it));
    rv = gsctp_recv(sv.s.sock, o->linger_ms > 0 && step > 20 ? 20 : step, &it);
    if (rv == GSCTP_ETIMEOUT) {
      continue;
    }
    if (rv != 0 && rv != GSCTP_ESCTP_ERROR) {
      srv_fail(&sv, "recv: %s", gsctp_err_name(rv));
      break;
    }
    if (it.is_event) {
      if (show) {
        print_item("", &it, 0);
      }
      srv_event(&sv, &it);
    } else {
      if (show && o->cmd == CMD_SERVER) {
        print_item("", &it, o->verbose);
      }
      srv_data(&sv, &it);
    }
    gsctp_item_free(&it);
  }
  if (stop_signal && !o->quiet) {
    printf("%s: stopped by signal %d\n", who, (int)stop_signal);
  }
  status = sv.failed ? CLI_EXIT_FAIL : CLI_EXIT_OK;
  printf("%s: %ld associations ended; %s\n", who, sv.ended,
         status == 0 ? "OK" : "FAILED");
  free(sv.as);
  return teardown(&sv.s, status);
}

/* ---- client --------------------------------------------------------- */

typedef struct client {
  const cli_opts *o;
  session s;
  gsctp_assoc_change up;
  pthread_mutex_t mu;
  pthread_cond_t cv;
  int64_t deadline;
  /* under mu */
  long nsent;       /* messages handed to gsctp_send */
  long nechoed;     /* echoes matched */
  long nunordered;  /* echoes that arrived flagged unordered */
  long nreceived;   /* data items received */
  int final_state;  /* assoc_change state that ended it, 0 while up */
  int saw_shutdown; /* sctp_shutdown_event received */
  int timed_out;
  int quit;
  char fail[512];   /* the first failure, "" if none */
  uint8_t *matched; /* per message: echo seen */
  long *head;       /* per stream: first message maybe not echoed yet */
} client;

static void cl_fail_locked(client *c, const char *fmt, ...) {
  va_list ap;

  if (c->fail[0] == '\0') {
    va_start(ap, fmt);
    vsnprintf(c->fail, sizeof(c->fail), fmt, ap);
    va_end(ap);
  }
  pthread_cond_broadcast(&c->cv);
}

static size_t msg_size(const cli_opts *o, long i) {
  return o->sizes[(size_t)i % o->nsizes];
}

static uint32_t msg_ppid(const cli_opts *o, long i) {
  return o->ppids[(size_t)i % o->nppids];
}

static int msg_stream(const cli_opts *o, long i) {
  return (int)(i % o->streams);
}

static int msg_unordered(const cli_opts *o, long i) {
  return o->order == ORDER_UNORDERED ||
         (o->order == ORDER_MIXED && (msg_stream(o, i) & 1));
}

/* msg_diff returns the index of the first byte where |it| differs from
 * message |i| (its length if only the lengths differ), or -1 if equal. */
static long msg_diff(const cli_opts *o, long i, const gsctp_item *it) {
  size_t j, n = msg_size(o, i);

  for (j = 0; j < n && j < it->datalen; ++j) {
    if (it->data[j] != cli_pattern(i, j)) {
      return (long)j;
    }
  }
  return n == it->datalen ? -1 : (long)(n < it->datalen ? n : it->datalen);
}

static int msg_matches(const cli_opts *o, long i, const gsctp_item *it) {
  return msg_size(o, i) == it->datalen &&
         msg_ppid(o, i) == (uint32_t)it->anc.ppid && msg_diff(o, i, it) < 0;
}

/* cl_check_echo matches a received message against the messages sent and
 * not yet echoed on its stream (caller holds mu). */
static void cl_check_echo(client *c, const gsctp_item *it) {
  const cli_opts *o = c->o;
  int s = (int)it->anc.stream;
  int runord = (it->anc.flags & GSCTP_SNDRCV_UNORDERED) != 0;
  long k, first_ordered = -1, found = -1, scanned = 0;

  if (s < 0 || s >= o->streams) {
    cl_fail_locked(c,
                   "echo of %zu bytes on stream %d, which the client "
                   "never sent on",
                   it->datalen, s);
    return;
  }
  while (c->head[s] < c->nsent && c->matched[c->head[s]]) {
    c->head[s] += o->streams;
  }
  for (k = c->head[s]; k < c->nsent && scanned < MAX_SCAN;
       k += o->streams, ++scanned) {
    if (c->matched[k]) {
      continue;
    }
    if (first_ordered < 0 && !msg_unordered(o, k)) {
      first_ordered = k;
    }
    if (msg_matches(o, k, it)) {
      found = k;
      break;
    }
  }
  if (found < 0) {
    k = c->head[s];
    if (k < c->nsent) {
      cl_fail_locked(c,
                     "stream %d: echo of %zu bytes ppid %" PRId64
                     " matches no message sent and not yet echoed (next "
                     "expected: message #%ld, %zu bytes ppid %" PRIu32
                     ", first difference at byte %ld)",
                     s, it->datalen, it->anc.ppid, k, msg_size(o, k),
                     msg_ppid(o, k), msg_diff(o, k, it));
    } else {
      cl_fail_locked(c,
                     "stream %d: echo of %zu bytes ppid %" PRId64
                     " but every message sent on it was echoed already",
                     s, it->datalen, it->anc.ppid);
    }
    return;
  }
  if (!runord && !msg_unordered(o, found) && first_ordered >= 0 &&
      first_ordered != found) {
    cl_fail_locked(c,
                   "stream %d: ordered message #%ld echoed before ordered "
                   "message #%ld",
                   s, found, first_ordered);
    return;
  }
  c->matched[found] = 1;
  c->nechoed++;
  c->nunordered += runord;
  pthread_cond_broadcast(&c->cv);
}

/* cl_watchdog ends a client that ran out of time or got a signal: it
 * aborts the association and closes the socket, which wakes a send
 * blocked on a full send buffer.  gsctp_close() alone does not wake a
 * send that waits for a peer that stopped acknowledging, so if the main
 * thread still has not finished WATCHDOG_MS later, the process exits. */
static void cl_watchdog(client *c) {
  int64_t until;

  gsctp_abort(c->s.sock, &c->up);
  gsctp_close(c->s.sock);
  until = cli_now_ms() + WATCHDOG_MS;
  for (;;) {
    pthread_mutex_lock(&c->mu);
    if (c->quit) {
      pthread_mutex_unlock(&c->mu);
      return;
    }
    pthread_mutex_unlock(&c->mu);
    if (cli_now_ms() >= until) {
      printf("FAIL: %s; a send did not return %d ms after the association "
             "was aborted\n",
             c->timed_out ? "timeout" : "stopped by a signal", WATCHDOG_MS);
      fflush(stdout);
      _exit(CLI_EXIT_FAIL);
    }
    sleep_ms(RECV_STEP_MS);
  }
}

static void *cl_receiver(void *arg) {
  client *c = arg;
  const cli_opts *o = c->o;
  gsctp_item it;
  int rv;

  for (;;) {
    pthread_mutex_lock(&c->mu);
    if (c->quit) {
      pthread_mutex_unlock(&c->mu);
      break;
    }
    if (cli_now_ms() >= c->deadline || stop_signal) {
      c->timed_out = cli_now_ms() >= c->deadline;
      pthread_cond_broadcast(&c->cv);
      pthread_mutex_unlock(&c->mu);
      cl_watchdog(c);
      break;
    }
    pthread_mutex_unlock(&c->mu);

    memset(&it, 0, sizeof(it));
    rv = gsctp_recv(c->s.sock, RECV_STEP_MS, &it);
    if (rv == GSCTP_ETIMEOUT) {
      continue;
    }
    if (rv == GSCTP_ECLOSED) {
      break;
    }
    pthread_mutex_lock(&c->mu);
    if (rv != 0 && rv != GSCTP_ESCTP_ERROR) {
      cl_fail_locked(c, "recv: %s", gsctp_err_name(rv));
      pthread_mutex_unlock(&c->mu);
      break;
    }
    if (it.is_event) {
      if (!o->quiet) {
        print_item("client: ", &it, 0);
      }
      if (it.event.type == GSCTP_EV_SHUTDOWN) {
        c->saw_shutdown = 1;
      }
      if (it.event.type == GSCTP_EV_ASSOC_CHANGE &&
          it.event.u.assoc_change.assoc_id == c->up.assoc_id &&
          it.event.u.assoc_change.state != GSCTP_COMM_UP &&
          c->final_state == 0) {
        c->final_state = it.event.u.assoc_change.state;
        pthread_cond_broadcast(&c->cv);
      }
    } else {
      c->nreceived++;
      if (o->verbose) {
        print_item("client: ", &it, 1);
      }
      if (o->expect_echo) {
        cl_check_echo(c, &it);
      }
    }
    pthread_mutex_unlock(&c->mu);
    gsctp_item_free(&it);
  }
  return NULL;
}

/* cl_wait waits until |done| holds, a failure, the end of the association
 * (unless |allow_end|) or the deadline.  Caller holds mu.  Returns 1 if
 * |done| holds. */
static int cl_wait(client *c, int (*done)(const client *), int allow_end) {
  for (;;) {
    struct timespec ts;

    if (done(c)) {
      return 1;
    }
    if (c->fail[0] || c->timed_out || (!allow_end && c->final_state != 0)) {
      return 0;
    }
    clock_gettime(CLOCK_REALTIME, &ts);
    ts.tv_nsec += RECV_STEP_MS * 1000000L;
    if (ts.tv_nsec >= 1000000000L) {
      ts.tv_sec++;
      ts.tv_nsec -= 1000000000L;
    }
    pthread_cond_timedwait(&c->cv, &c->mu, &ts);
  }
}

static int all_echoed(const client *c) {
  return c->nechoed == c->o->count;
}

static int assoc_ended(const client *c) {
  return c->final_state != 0;
}

int cli_run_client(const cli_opts *o) {
  client c;
  pthread_t rx;
  uint8_t *buf = NULL;
  size_t maxsize = 0, j;
  uint64_t bytes = 0;
  int64_t t0, t_sent, t_end;
  long i;
  int status, rv, s;
  char ipbuf[GSCTP_IP_STRLEN];

  memset(&c, 0, sizeof(c));
  c.o = o;
  c.deadline = cli_now_ms() + o->timeout_ms;
  install_signals();
  for (j = 0; j < o->nsizes; ++j) {
    maxsize = o->sizes[j] > maxsize ? o->sizes[j] : maxsize;
  }
  buf = malloc(maxsize);
  c.matched = calloc((size_t)o->count + 1, 1);
  c.head = calloc((size_t)o->streams, sizeof(long));
  if (buf == NULL || c.matched == NULL || c.head == NULL) {
    fprintf(stderr, "gsctp: out of memory\n");
    free(buf);
    free(c.matched);
    free(c.head);
    return CLI_EXIT_SETUP;
  }
  for (s = 0; s < o->streams; ++s) {
    c.head[s] = s;
  }

  status = setup(o, &c.s, o->remote.family);
  if (status != 0) {
    free(buf);
    free(c.matched);
    free(c.head);
    return status;
  }

  gsctp_ip_format(&o->remote, ipbuf, sizeof(ipbuf));
  t0 = cli_now_ms();
  rv = gsctp_connect(c.s.sock, &o->remote, o->remote_port, NULL, 0,
                     (int)(c.deadline - t0 > 0 ? c.deadline - t0 : 1), &c.up);
  if (rv != 0) {
    if (rv == GSCTP_EASSOC) {
      printf("FAIL: connect to %s:%d: association failed: %s error=%u\n", ipbuf,
             o->remote_port, gsctp_assoc_change_state_name(c.up.state),
             c.up.error);
    } else {
      printf("FAIL: connect to %s:%d: %s\n", ipbuf, o->remote_port,
             gsctp_err_name(rv));
    }
    status = teardown(&c.s, CLI_EXIT_FAIL);
    free(buf);
    free(c.matched);
    free(c.head);
    return status;
  }
  if (!o->quiet) {
    printf("client: event assoc=%" PRIu32
           " sctp_assoc_change state=comm_up error=%u outbound_streams=%u "
           "inbound_streams=%u from=%s:%d\n",
           c.up.assoc_id, c.up.error, c.up.outbound_streams,
           c.up.inbound_streams, ipbuf, o->remote_port);
  }

  pthread_mutex_init(&c.mu, NULL);
  pthread_cond_init(&c.cv, NULL);
  if (pthread_create(&rx, NULL, cl_receiver, &c) != 0) {
    fprintf(stderr, "gsctp: cannot start the receiver thread\n");
    status = teardown(&c.s, CLI_EXIT_SETUP);
    free(buf);
    free(c.matched);
    free(c.head);
    return status;
  }

  if (o->streams > c.up.outbound_streams) {
    pthread_mutex_lock(&c.mu);
    cl_fail_locked(&c,
                   "--streams %d but the association has %u outbound "
                   "streams",
                   o->streams, c.up.outbound_streams);
    pthread_mutex_unlock(&c.mu);
  }

  t0 = cli_now_ms();
  for (i = 0; i < o->count && !c.fail[0]; ++i) {
    gsctp_sndrcvinfo sri = gsctp_sndrcvinfo_default();
    size_t n = msg_size(o, i);

    pthread_mutex_lock(&c.mu);
    rv = c.final_state;
    pthread_mutex_unlock(&c.mu);
    if (rv != 0 || stop_signal) {
      break;
    }
    for (j = 0; j < n; ++j) {
      buf[j] = cli_pattern(i, j);
    }
    sri.stream = msg_stream(o, i);
    sri.ppid = msg_ppid(o, i);
    sri.flags = msg_unordered(o, i) ? GSCTP_SNDRCV_UNORDERED : 0;
    sri.assoc_id = c.up.assoc_id;
    pthread_mutex_lock(&c.mu);
    c.nsent = i + 1; /* before the echo can arrive */
    pthread_mutex_unlock(&c.mu);
    rv = gsctp_send_sri(c.s.sock, &sri, buf, n);
    if (rv != 0) {
      pthread_mutex_lock(&c.mu);
      c.nsent = i;
      if (c.timed_out) {
        cl_fail_locked(&c,
                       "timeout after %" PRId64 " ms while sending "
                       "message #%ld",
                       o->timeout_ms, i);
      } else {
        cl_fail_locked(&c, "send of message #%ld (%zu bytes, stream %d): %s", i,
                       n, msg_stream(o, i), gsctp_err_name(rv));
      }
      pthread_mutex_unlock(&c.mu);
      break;
    }
    bytes += n;
  }
  t_sent = cli_now_ms();

  pthread_mutex_lock(&c.mu);
  if (!c.fail[0] && c.nsent < o->count) {
    if (stop_signal) {
      cl_fail_locked(&c, "stopped by signal %d", (int)stop_signal);
    } else {
      cl_fail_locked(&c, "association ended %s after %ld of %ld messages",
                     gsctp_assoc_change_state_name(c.final_state), c.nsent,
                     o->count);
    }
  }
  if (!c.fail[0] && o->expect_echo && !cl_wait(&c, all_echoed, 0)) {
    if (c.timed_out) {
      cl_fail_locked(&c, "timeout after %" PRId64 " ms: %ld of %ld echoes",
                     o->timeout_ms, c.nechoed, o->count);
    } else if (!c.fail[0]) {
      cl_fail_locked(&c, "association ended %s after %ld of %ld echoes",
                     gsctp_assoc_change_state_name(c.final_state), c.nechoed,
                     o->count);
    }
  }
  pthread_mutex_unlock(&c.mu);

  if (!c.fail[0] && (o->end == END_SHUTDOWN || o->end == END_ABORT)) {
    if (o->linger_ms > 0) {
      sleep_ms(o->linger_ms);
    }
    rv = o->end == END_ABORT ? gsctp_abort(c.s.sock, &c.up)
                             : gsctp_eof(c.s.sock, &c.up);
    if (rv != 0) {
      pthread_mutex_lock(&c.mu);
      if (c.final_state == 0) {
        cl_fail_locked(&c, "%s: %s", o->end == END_ABORT ? "abort" : "eof",
                       gsctp_err_name(rv));
      }
      pthread_mutex_unlock(&c.mu);
    }
  }
  pthread_mutex_lock(&c.mu);
  if (!c.fail[0] && !cl_wait(&c, assoc_ended, 1) && !c.fail[0]) {
    cl_fail_locked(&c,
                   "timeout after %" PRId64 " ms waiting for the "
                   "association to end (%s)",
                   o->timeout_ms,
                   o->end == END_WAIT ? "waiting for the peer" : "ending it");
  }
  if (!c.fail[0] && o->expect_end != 0 && c.final_state != o->expect_end) {
    cl_fail_locked(&c, "the association ended %s, expected %s",
                   gsctp_assoc_change_state_name(c.final_state),
                   state_name(o->expect_end));
  }
  t_end = cli_now_ms();
  c.quit = 1;
  pthread_mutex_unlock(&c.mu);
  pthread_join(rx, NULL);

  {
    double secs = (double)(t_sent - t0) / 1000.0;

    printf("client: sent %ld messages (%" PRIu64
           " bytes) on %d streams in %.3f s (%.2f MB/s)",
           c.nsent, bytes, o->streams, secs,
           secs > 0 ? (double)bytes / secs / 1e6 : 0.0);
    if (o->expect_echo) {
      printf("; %ld echoes verified (%ld unordered)", c.nechoed, c.nunordered);
    } else {
      printf("; received %ld messages", c.nreceived);
    }
    printf("; ended %s%s in %.3f s\n",
           c.final_state ? gsctp_assoc_change_state_name(c.final_state) : "not",
           c.saw_shutdown ? " (after the peer's shutdown)" : "",
           (double)(t_end - t0) / 1000.0);
  }
  if (c.fail[0]) {
    printf("FAIL: %s\n", c.fail);
    status = CLI_EXIT_FAIL;
  } else {
    printf("client: OK\n");
    status = CLI_EXIT_OK;
  }
  status = teardown(&c.s, status);
  pthread_cond_destroy(&c.cv);
  pthread_mutex_destroy(&c.mu);
  free(buf);
  free(c.matched);
  free(c.head);
  return status;
}
