/*
 * tests/test_close.c - gsctp_close against a send blocked on a full send
 * buffer, and linger {true, T}.
 *
 * The peer stops acknowledging (an in-memory link that loses every
 * packet, or a UDP reflector between the two ends that stops forwarding),
 * so the sender's send buffer stays full and its gsctp_send blocks inside
 * usrsctp.  Another thread closes the socket: the send must return
 * GSCTP_ECLOSED within a bounded time (about half a second by design; the
 * tests allow TS_WAIT_MS), for one-to-many and one-to-one sockets, on the
 * conn (AF_CONN) and the native UDP transport.  Without the fix the send
 * stayed blocked until the association died of retransmissions (minutes).
 *
 * linger {true, T > 0} on a one-to-one socket makes close wait for the
 * graceful shutdown (at most T s), as Linux does; on a one-to-many socket
 * close does not wait, as Linux.
 */
#include <criterion/criterion.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gsctp/gsctp.h>
#include <gsctp/link.h>

#include "tsupport.h"

static gsctp_link *link_;
static int stack_port_;

static void setup(void) {
  stack_port_ = ts_stack_start();
  cr_assert_gt(stack_port_, 0);
  cr_assert_eq(gsctp_link_new_memory(&link_), 0);
}

static void teardown(void) {
  gsctp_link_del(link_);
  link_ = NULL;
}

TestSuite(close, .init = setup, .fini = teardown, .timeout = 120);

/* ------------------------------------------------------------------ */
/* A sender that fills the send buffer until it blocks                 */
/* ------------------------------------------------------------------ */

#define MSGLEN 1000
#define MAX_MSGS 100000 /* far more than any send buffer here holds */

struct sender {
  gsctp_sock sock;
  uint32_t assoc;
  size_t msglen;      /* MSGLEN or less */
  atomic_int sent;    /* messages whose send returned 0 */
  atomic_int done;    /* the loop ended */
  atomic_llong t_end; /* ts_now_ms() when it ended */
  int rc;             /* the send that ended it */
};

static int send_until_error(void *arg) {
  struct sender *s = arg;
  uint8_t msg[MSGLEN];
  int i;

  memset(msg, 0x5a, sizeof(msg));
  s->rc = 0;
  for (i = 0; i < MAX_MSGS; ++i) {
    s->rc = gsctp_send(s->sock, s->assoc, 0, msg, s->msglen);
    if (s->rc != 0) {
      break;
    }
    atomic_store(&s->sent, i + 1);
  }
  atomic_store(&s->t_end, (long long)ts_now_ms());
  atomic_store(&s->done, 1);
  return s->rc;
}

/* Waits until the sender has made no progress for |quiet_ms| (it is
 * blocked), at most |max_ms|; asserts that it is blocked, not finished. */
static void wait_blocked(struct sender *s, int quiet_ms, int max_ms) {
  (void)ts_wait_stall(&s->sent, &s->done, quiet_ms, max_ms);
  cr_assert(!atomic_load(&s->done), "the sender stopped with %d (%s)", s->rc,
            gsctp_err_name(s->rc));
  cr_assert_gt(atomic_load(&s->sent), 0, "nothing was sent at all");
  cr_assert_lt(atomic_load(&s->sent), MAX_MSGS);
}

/*
 * Starts a sender on |cli| (association |assoc|), waits until it blocks
 * (the caller has made the peer stop acknowledging), closes |cli| from
 * this thread and checks that close returns and that the send returns
 * GSCTP_ECLOSED, both within TS_WAIT_MS.  Returns how many messages were
 * sent (queued) before.
 */
static int close_wakes_blocked_send_len(gsctp_sock cli, uint32_t assoc,
                                        size_t msglen, const char *what) {
  struct sender s;
  ts_thread th;
  gsctp_item it;
  int64_t t0, t_close;
  int rc, jr, src = 0;

  memset(&s, 0, sizeof(s));
  s.sock = cli;
  s.assoc = assoc;
  s.msglen = msglen;
  atomic_init(&s.sent, 0);
  atomic_init(&s.done, 0);
  atomic_init(&s.t_end, 0);
  ts_thread_start(&th, send_until_error, &s);
  wait_blocked(&s, 1000, 30000);

  t0 = ts_now_ms();
  rc = gsctp_close(cli);
  t_close = ts_now_ms() - t0;
  cr_assert_eq(rc, 0, "%s: close: %s", what, gsctp_err_name(rc));
  cr_assert_lt(t_close, (int64_t)TS_WAIT_MS, "%s: close took %lld ms", what,
               (long long)t_close);
  jr = ts_thread_join(&th, TS_WAIT_MS, &src);
  cr_assert_eq(jr, 0, "%s: the blocked send did not return after close", what);
  cr_assert_eq(src, GSCTP_ECLOSED, "%s: the blocked send gave %d (%s)", what,
               src, gsctp_err_name(src));
  cr_log_info("%s: blocked after %d messages; close took %lld ms, the send "
              "returned closed %lld ms after close began",
              what, atomic_load(&s.sent), (long long)t_close,
              (long long)(atomic_load(&s.t_end) - t0));
  /* The handle is closed for everyone. */
  cr_assert_eq(gsctp_send(cli, assoc, 0, "x", 1), GSCTP_ECLOSED);
  cr_assert_eq(gsctp_recv(cli, 0, &it), GSCTP_ECLOSED);
  cr_assert_eq(gsctp_close(cli), 0);
  return atomic_load(&s.sent);
}

static int close_wakes_blocked_send(gsctp_sock cli, uint32_t assoc,
                                    const char *what) {
  return close_wakes_blocked_send_len(cli, assoc, MSGLEN, what);
}

/*
 * The peer |srv| of a one-to-one socket closed with a blocked send, once
 * packets flow again: the |sent| messages queued before arrive (the
 * blocked one does not), then the graceful shutdown; the association was
 * not aborted.
 */
static void expect_graceful_end(gsctp_sock srv, int sent, const char *what) {
  gsctp_item it;
  int i, rc;

  for (i = 0; i < sent; ++i) {
    rc = ts_recv_next(srv, TS_WAIT_MS, &it);
    cr_assert_eq(rc, 0, "%s: message %d of %d: %s", what, i, sent,
                 gsctp_err_name(rc));
    cr_assert(!it.is_event, "%s: an event (type %d) before message %d of %d",
              what, it.event.type, i, sent);
    cr_assert_eq(it.datalen, (size_t)MSGLEN);
    gsctp_item_free(&it);
  }
  rc = ts_recv_next(srv, TS_WAIT_MS, &it);
  cr_assert_eq(rc, 0, "%s: after the data: %s", what, gsctp_err_name(rc));
  cr_assert(it.is_event && it.event.type == GSCTP_EV_SHUTDOWN,
            "%s: after the data, not a shutdown event (data %d, type %d)", what,
            !it.is_event, it.event.type);
  gsctp_item_free(&it);
  rc = ts_recv_event(srv, GSCTP_EV_ASSOC_CHANGE, -1, TS_WAIT_MS, &it, NULL);
  cr_assert_eq(rc, 0, "%s: %s", what, gsctp_err_name(rc));
  cr_assert_eq(it.event.u.assoc_change.state, GSCTP_SHUTDOWN_COMP,
               "%s: the association ended with %s", what,
               gsctp_assoc_change_state_name(it.event.u.assoc_change.state));
  gsctp_item_free(&it);
}

static gsctp_opt linger_opt(int onoff, int seconds) {
  gsctp_opt o;

  memset(&o, 0, sizeof(o));
  o.name = GSCTP_OPT_LINGER;
  o.v.linger.onoff = onoff;
  o.v.linger.seconds = seconds;
  return o;
}

/* Closes a server whose peer is gone without waiting for it. */
static void close_abort(gsctp_sock s) {
  gsctp_opt o = linger_opt(1, 0);

  (void)gsctp_setopts(s, &o, 1);
  (void)gsctp_close(s);
}

/* ------------------------------------------------------------------ */
/* conn (AF_CONN) transport: an in-memory link that loses everything   */
/* ------------------------------------------------------------------ */

static void link_loss(double loss, unsigned delay_ms) {
  gsctp_link_impairment imp;

  memset(&imp, 0, sizeof(imp));
  imp.seed = 1;
  imp.loss = loss;
  imp.delay_ms = delay_ms;
  cr_assert_eq(gsctp_link_set_impairment(link_, &imp), 0);
}

/* A pair on the link: a one-to-many server and a client of |type|. */
static void link_pair(ts_pair *p, int type, const gsctp_opt *extra,
                      size_t nextra) {
  gsctp_ip ip = gsctp_ip_conn(link_);
  gsctp_opt co[6];
  size_t n = 0, i;

  co[n++] = ts_opt_quiet();
  co[n++] = ts_opt_i(GSCTP_OPT_SNDBUF, 65536);
  co[n++] = ts_opt_i(GSCTP_OPT_TYPE, type);
  for (i = 0; i < nextra && n < 6; ++i) {
    co[n++] = extra[i];
  }
  ts_pair_open(p, GSCTP_FAMILY_CONN, &ip, co, n, NULL, 0);
}

static void conn_case(int type, const char *what) {
  ts_pair p;
  int sent;

  link_pair(&p, type, NULL, 0);
  link_loss(1.0, 0);
  sent = close_wakes_blocked_send(p.cli, p.cli_up.assoc_id, what);
  gsctp_link_set_impairment(link_, NULL);
  if (type == GSCTP_TYPE_STREAM) {
    expect_graceful_end(p.srv, sent, what);
  }
  close_abort(p.srv);
}

/* One-to-many: the association of the blocked send is aborted (its ABORT
 * is lost here; the unread-peer test below sees it arrive). */
Test(close, wakes_blocked_send_seqpacket_conn) {
  conn_case(GSCTP_TYPE_SEQPACKET, "one-to-many over conn");
}

/* One-to-one: the send is woken without ending the association, which
 * delivers its queued data and shuts down gracefully once the link
 * works again. */
Test(close, wakes_blocked_send_stream_conn) {
  conn_case(GSCTP_TYPE_STREAM, "one-to-one over conn");
}

/* Small messages on a one-to-one socket: the send blocks on usrsctp's
 * limit of queued chunks (sctp_max_chunks_on_queue, 512) before the
 * buffer is full, so a larger buffer does not let it go on; close then
 * aborts the association to wake it. */
Test(close, wakes_send_blocked_on_chunk_limit) {
  ts_pair p;

  link_pair(&p, GSCTP_TYPE_STREAM, NULL, 0);
  link_loss(1.0, 0);
  close_wakes_blocked_send_len(p.cli, p.cli_up.assoc_id, 64,
                               "one-to-one, 64-byte messages");
  gsctp_link_set_impairment(link_, NULL);
  close_abort(p.srv);
}

/* The peer reads nothing but acknowledges (a closed receive window): the
 * send blocks as well, and close wakes it the same way; the peer is told
 * (comm_lost: the association of the blocked send was aborted). */
Test(close, wakes_send_blocked_by_unread_peer) {
  gsctp_opt so = ts_opt_i(GSCTP_OPT_RECBUF, 65536);
  gsctp_ip ip = gsctp_ip_conn(link_);
  gsctp_opt co[] = {ts_opt_quiet(), ts_opt_i(GSCTP_OPT_SNDBUF, 65536)};
  gsctp_item it;
  ts_pair p;
  int rc;

  ts_pair_open(&p, GSCTP_FAMILY_CONN, &ip, co, 2, &so, 1);
  close_wakes_blocked_send(p.cli, p.cli_up.assoc_id, "unread peer");
  /* The unread data is discarded; the next event is comm_lost. */
  rc = ts_recv_event(p.srv, GSCTP_EV_ASSOC_CHANGE, GSCTP_COMM_LOST, TS_WAIT_MS,
                     &it, NULL);
  cr_assert_eq(rc, 0, "the peer got no comm_lost: %s", gsctp_err_name(rc));
  gsctp_item_free(&it);
  gsctp_close(p.srv);
}

/* ------------------------------------------------------------------ */
/* native UDP transport: a UDP reflector that stops forwarding          */
/* ------------------------------------------------------------------ */

/* Everything the stack sends to the reflector's port goes back to the
 * stack's UDP port, so both ends of an association in this process talk
 * through it; with |drop| set it forwards nothing. */
struct reflector {
  int fd;
  uint16_t port;
  uint16_t stack_port;
  atomic_int drop;
  atomic_int stop;
  ts_thread th;
};

static int reflect(void *arg) {
  struct reflector *r = arg;
  struct sockaddr_in to;
  uint8_t buf[65536];
  int64_t end = ts_now_ms() + 110000; /* under the suite's timeout */

  memset(&to, 0, sizeof(to));
  to.sin_family = AF_INET;
  to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  to.sin_port = htons(r->stack_port);
  while (!atomic_load(&r->stop) && ts_now_ms() < end) {
    struct pollfd pfd = {r->fd, POLLIN, 0};
    ssize_t n;

    if (poll(&pfd, 1, 50) <= 0) {
      continue;
    }
    n = recv(r->fd, buf, sizeof(buf), 0);
    if (n > 0 && !atomic_load(&r->drop)) {
      (void)sendto(r->fd, buf, (size_t)n, 0, (struct sockaddr *)&to,
                   sizeof(to));
    }
  }
  return 0;
}

static void reflector_start(struct reflector *r) {
  memset(r, 0, sizeof(*r));
  r->fd = ts_udp_open(GSCTP_FAMILY_INET, &r->port);
  cr_assert_geq(r->fd, 0, "reflector socket");
  r->stack_port = (uint16_t)stack_port_;
  atomic_init(&r->drop, 0);
  atomic_init(&r->stop, 0);
  ts_thread_start(&r->th, reflect, r);
}

static void reflector_stop(struct reflector *r) {
  atomic_store(&r->stop, 1);
  cr_assert_eq(ts_thread_join(&r->th, TS_WAIT_MS, NULL), 0);
  close(r->fd);
}

static void udp_case(int type, const char *what) {
  gsctp_opt q = ts_opt_quiet();
  gsctp_opt co[] = {ts_opt_quiet(), ts_opt_i(GSCTP_OPT_SNDBUF, 65536),
                    ts_opt_i(GSCTP_OPT_TYPE, type)};
  gsctp_ip lo = gsctp_ip_loopback(GSCTP_FAMILY_INET);
  gsctp_assoc_change up = gsctp_assoc_change_default();
  struct reflector r;
  gsctp_sock srv, cli;
  int rc, sent;

  reflector_start(&r);
  srv = ts_open_server(GSCTP_FAMILY_INET, NULL, &q, 1);
  rc = ts_try_open(&cli, GSCTP_FAMILY_INET, NULL, r.port, co, 3);
  cr_assert_eq(rc, 0, "open: %s", gsctp_err_name(rc));
  rc = gsctp_connect(cli, &lo, (uint16_t)gsctp_port(srv), NULL, 0, TS_WAIT_MS,
                     &up);
  cr_assert_eq(rc, 0, "connect through the reflector: %s", gsctp_err_name(rc));
  cr_assert_eq(up.state, GSCTP_COMM_UP);
  (void)ts_expect_assoc_change(srv, GSCTP_COMM_UP, 0);
  atomic_store(&r.drop, 1);
  sent = close_wakes_blocked_send(cli, up.assoc_id, what);
  atomic_store(&r.drop, 0);
  if (type == GSCTP_TYPE_STREAM) {
    expect_graceful_end(srv, sent, what);
  }
  close_abort(srv);
  reflector_stop(&r);
}

Test(close, wakes_blocked_send_seqpacket_udp) {
  udp_case(GSCTP_TYPE_SEQPACKET, "one-to-many over udp");
}

Test(close, wakes_blocked_send_stream_udp) {
  udp_case(GSCTP_TYPE_STREAM, "one-to-one over udp");
}

/* ------------------------------------------------------------------ */
/* linger {true, T}                                                     */
/* ------------------------------------------------------------------ */

/* With a one-way delay of 250 ms a graceful shutdown needs at least
 * SHUTDOWN and SHUTDOWN-ACK, 500 ms: a close that waits for it takes that
 * long; without linger it returns sooner (the test after). */
#define DELAY_MS 250

Test(close, linger_stream_waits_for_graceful_shutdown) {
  gsctp_opt lg = linger_opt(1, 10);
  gsctp_item it;
  ts_pair p;
  int64_t t0, took;
  int rc;

  link_pair(&p, GSCTP_TYPE_STREAM, &lg, 1);
  cr_assert_eq(gsctp_send(p.cli, p.cli_up.assoc_id, 0, "last words", 10), 0);
  link_loss(0.0, DELAY_MS);
  t0 = ts_now_ms();
  cr_assert_eq(gsctp_close(p.cli), 0);
  took = ts_now_ms() - t0;
  cr_log_info("linger close took %lld ms", (long long)took);
  cr_assert_geq(took, 2 * DELAY_MS,
                "close returned before the shutdown "
                "could have completed (%lld ms)",
                (long long)took);
  cr_assert_lt(took, 10000, "close waited the whole linger time");
  /* The data, then the graceful shutdown, at the peer. */
  ts_recv_data(p.srv, TS_WAIT_MS, &it);
  cr_assert_eq(it.datalen, 10u);
  gsctp_item_free(&it);
  rc = ts_recv_event(p.srv, GSCTP_EV_SHUTDOWN, -1, TS_WAIT_MS, &it, NULL);
  cr_assert_eq(rc, 0, "no shutdown event at the peer: %s", gsctp_err_name(rc));
  gsctp_item_free(&it);
  rc = ts_recv_event(p.srv, GSCTP_EV_ASSOC_CHANGE, GSCTP_SHUTDOWN_COMP,
                     TS_WAIT_MS, &it, NULL);
  cr_assert_eq(rc, 0, "no shutdown_comp at the peer: %s", gsctp_err_name(rc));
  gsctp_item_free(&it);
  gsctp_link_set_impairment(link_, NULL);
  gsctp_close(p.srv);
}

/* Without linger the same close returns at once (the shutdown goes on in
 * the background), which is what makes the test above meaningful. */
Test(close, without_linger_stream_close_does_not_wait) {
  gsctp_item it;
  ts_pair p;
  int64_t t0, took;
  int rc;

  link_pair(&p, GSCTP_TYPE_STREAM, NULL, 0);
  link_loss(0.0, DELAY_MS);
  t0 = ts_now_ms();
  cr_assert_eq(gsctp_close(p.cli), 0);
  took = ts_now_ms() - t0;
  cr_assert_lt(took, 2 * DELAY_MS, "close without linger waited %lld ms",
               (long long)took);
  rc = ts_recv_event(p.srv, GSCTP_EV_ASSOC_CHANGE, GSCTP_SHUTDOWN_COMP,
                     TS_WAIT_MS, &it, NULL);
  cr_assert_eq(rc, 0, "no shutdown_comp at the peer: %s", gsctp_err_name(rc));
  gsctp_item_free(&it);
  gsctp_link_set_impairment(link_, NULL);
  gsctp_close(p.srv);
}

/* A peer that never answers: close waits the linger time, then returns
 * (the shutdown goes on in the background). */
Test(close, linger_stream_gives_up_after_linger_time) {
  gsctp_opt lg = linger_opt(1, 1);
  ts_pair p;
  int64_t t0, took;

  link_pair(&p, GSCTP_TYPE_STREAM, &lg, 1);
  link_loss(1.0, 0);
  t0 = ts_now_ms();
  cr_assert_eq(gsctp_close(p.cli), 0);
  took = ts_now_ms() - t0;
  cr_log_info("linger {true, 1} close to a silent peer took %lld ms",
              (long long)took);
  cr_assert_geq(took, 900, "close returned after %lld ms", (long long)took);
  cr_assert_lt(took, (int64_t)TS_WAIT_MS, "close took %lld ms",
               (long long)took);
  gsctp_link_set_impairment(link_, NULL);
  close_abort(p.srv);
}

/* One-to-many: close does not wait, as on Linux (sctp_close waits on
 * TCP-style sockets only); the associations shut down in the
 * background. */
Test(close, linger_seqpacket_does_not_wait) {
  gsctp_opt lg = linger_opt(1, 10);
  ts_pair p;
  int64_t t0, took;

  link_pair(&p, GSCTP_TYPE_SEQPACKET, &lg, 1);
  link_loss(1.0, 0);
  t0 = ts_now_ms();
  cr_assert_eq(gsctp_close(p.cli), 0);
  took = ts_now_ms() - t0;
  cr_assert_lt(took, 5000, "one-to-many close waited %lld ms", (long long)took);
  gsctp_link_set_impairment(link_, NULL);
  close_abort(p.srv);
}

/* linger and a blocked send together: close waits the linger time for a
 * shutdown that cannot finish, then wakes the send. */
Test(close, linger_then_wakes_blocked_send) {
  gsctp_opt lg = linger_opt(1, 1);
  ts_pair p;

  link_pair(&p, GSCTP_TYPE_STREAM, &lg, 1);
  link_loss(1.0, 0);
  close_wakes_blocked_send(p.cli, p.cli_up.assoc_id, "linger and blocked send");
  gsctp_link_set_impairment(link_, NULL);
  close_abort(p.srv);
}

/* The status of association |assoc| of |sock|. */
static gsctp_status status_of(gsctp_sock sock, uint32_t assoc) {
  gsctp_opt o;
  size_t n = 0;

  memset(&o, 0, sizeof(o));
  o.name = GSCTP_OPT_SCTP_STATUS;
  o.v.status.assoc_id = assoc;
  cr_assert_eq(gsctp_getopts(sock, &o, 1, &n), 0);
  cr_assert_eq(n, 1u);
  return o.v.status;
}

/* Waits (bounded) until the peer of association |assoc| of |sock| has
 * acknowledged everything and advertises less than |rwnd0|: it holds the
 * data unread. */
static void wait_held_by_peer(gsctp_sock sock, uint32_t assoc, uint32_t rwnd0) {
  int64_t end = ts_now_ms() + TS_WAIT_MS;

  for (;;) {
    gsctp_status st = status_of(sock, assoc);

    if (st.unackdata == 0 && st.rwnd < rwnd0) {
      return;
    }
    cr_assert_lt(ts_now_ms(), end, "the peer never held the data");
    ts_sleep_ms(10);
  }
}

/* Unread data at close: usrsctp aborts the association (as Linux), with
 * or without linger; close does not wait. */
Test(close, unread_data_makes_stream_close_abort) {
  gsctp_opt lg = linger_opt(1, 10);
  gsctp_item it;
  ts_pair p;
  int64_t t0, took;
  uint32_t rwnd0;
  int rc;

  link_pair(&p, GSCTP_TYPE_STREAM, &lg, 1);
  rwnd0 = status_of(p.srv, p.srv_up.assoc_id).rwnd;
  cr_assert_eq(gsctp_send(p.srv, p.srv_up.assoc_id, 0, "unread", 6), 0);
  /* Wait until the client holds it; nobody reads it. */
  wait_held_by_peer(p.srv, p.srv_up.assoc_id, rwnd0);
  link_loss(0.0, DELAY_MS);
  t0 = ts_now_ms();
  cr_assert_eq(gsctp_close(p.cli), 0);
  took = ts_now_ms() - t0;
  cr_assert_lt(took, 2 * DELAY_MS, "close with unread data waited %lld ms",
               (long long)took);
  rc = ts_recv_event(p.srv, GSCTP_EV_ASSOC_CHANGE, -1, TS_WAIT_MS, &it, NULL);
  cr_assert_eq(rc, 0, "%s", gsctp_err_name(rc));
  cr_assert_eq(it.event.u.assoc_change.state, GSCTP_COMM_LOST,
               "the peer got %s, not comm_lost",
               gsctp_assoc_change_state_name(it.event.u.assoc_change.state));
  gsctp_item_free(&it);
  gsctp_link_set_impairment(link_, NULL);
  gsctp_close(p.srv);
}

/* A peeled-off socket is one-to-one, but Linux's close does not linger on
 * it (the kernel makes it a UDP-high-bandwidth style socket, not
 * TCP-style): neither does gsctp's. */
Test(close, linger_peeled_off_does_not_wait) {
  gsctp_opt lg = linger_opt(1, 10);
  gsctp_opt q = ts_opt_quiet();
  gsctp_ip ip = gsctp_ip_conn(link_);
  gsctp_sock peeled;
  ts_pair p;
  int64_t t0, took;
  int rc;

  ts_pair_open(&p, GSCTP_FAMILY_CONN, &ip, &q, 1, &q, 1);
  rc = gsctp_peeloff(p.srv, p.srv_up.assoc_id, &peeled);
  cr_assert_eq(rc, 0, "peeloff: %s", gsctp_err_name(rc));
  cr_assert_eq(gsctp_setopts(peeled, &lg, 1), 0);
  link_loss(1.0, 0);
  t0 = ts_now_ms();
  cr_assert_eq(gsctp_close(peeled), 0);
  took = ts_now_ms() - t0;
  cr_assert_lt(took, 5000, "closing a peeled-off socket waited %lld ms",
               (long long)took);
  gsctp_link_set_impairment(link_, NULL);
  close_abort(p.cli);
  gsctp_close(p.srv);
}
