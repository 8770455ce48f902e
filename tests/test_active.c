/*
 * tests/test_active.c - owners and active modes, in the spirit of OTP's
 * gen_sctp_SUITE (xfer_active, active_n, recv_close) and of the rules of
 * controlling_process/2: messages in the owner's mailbox, {active, N}
 * counting and sctp_passive, selective receive, the mailbox fd, connect
 * on active sockets, list mode and getstat.
 */
#include <criterion/criterion.h>

#include <poll.h>
#include <pthread.h>
#include <string.h>

#include <gsctp/gsctp.h>

#include "tsupport.h"

static void setup(void) {
  cr_assert_gt(ts_stack_start(), 0);
}

TestSuite(active, .init = setup, .timeout = 120);

static const char payload[] = "The quick brown fox jumps over a lazy dog 0123";

/* Is |m| an sctp_paddr_change message (usrsctp reports addr_confirmed
 * after comm_up; the tests skip those, as OTP's tests do)? */
static int is_paddr(const gsctp_msg *m) {
  return m->kind == GSCTP_MSG_SCTP && m->item.is_event &&
         m->item.event.type == GSCTP_EV_PADDR_CHANGE;
}

/* Next message about |sock| at |o| (paddr_change skipped); asserts one
 * arrives within |timeout_ms|. */
static void next_msg(gsctp_owner *o, gsctp_sock sock, int timeout_ms,
                     gsctp_msg *m) {
  int64_t deadline = ts_now_ms() + timeout_ms;
  gsctp_match mt = {.sock = sock};
  int i;

  for (i = 0; i < 1000; ++i) {
    int64_t left = deadline - ts_now_ms();
    int rc = gsctp_owner_recv_match(o, &mt, left > 0 ? (int)left : 0, m);

    cr_assert_eq(rc, 0, "no message for socket %u: %s", (unsigned)sock,
                 gsctp_err_name(rc));
    if (!is_paddr(m)) {
      return;
    }
    gsctp_msg_free(m);
  }
  cr_assert_fail("only paddr_change messages");
}

/* No message about |sock| (paddr_change aside) within |ms|. */
static void no_msg(gsctp_owner *o, gsctp_sock sock, int ms) {
  gsctp_match mt = {.sock = sock};
  gsctp_msg m;
  int i, rc = 0;

  for (i = 0; i < 1000; ++i) {
    rc = gsctp_owner_recv_match(o, &mt, ms, &m);
    if (rc != 0) {
      break;
    }
    if (!is_paddr(&m)) {
      char buf[256];

      ts_item_str(&m.item, buf, sizeof(buf));
      cr_assert_fail("unexpected message kind %d for socket %u: %s", m.kind,
                     (unsigned)sock, buf);
    }
    gsctp_msg_free(&m);
  }
  cr_assert_eq(rc, GSCTP_ETIMEOUT);
}

static void expect_data(gsctp_owner *o, gsctp_sock sock, const void *data,
                        size_t len) {
  gsctp_msg m;
  char buf[256];

  next_msg(o, sock, TS_WAIT_MS, &m);
  ts_item_str(&m.item, buf, sizeof(buf));
  cr_assert_eq(m.kind, GSCTP_MSG_SCTP, "kind %d: %s", m.kind, buf);
  cr_assert_eq(m.sock, sock);
  cr_assert(!m.item.is_event, "expected data, got %s", buf);
  cr_assert_eq(m.item.datalen, len, "%s", buf);
  cr_assert(memcmp(m.item.data, data, len) == 0);
  cr_assert(m.item.has_anc, "data carries its sndrcvinfo");
  gsctp_msg_free(&m);
}

static gsctp_assoc_change expect_assoc(gsctp_owner *o, gsctp_sock sock,
                                       int state) {
  gsctp_assoc_change ac;
  gsctp_msg m;
  char buf[256];

  next_msg(o, sock, TS_WAIT_MS, &m);
  ts_item_str(&m.item, buf, sizeof(buf));
  cr_assert_eq(m.kind, GSCTP_MSG_SCTP, "kind %d: %s", m.kind, buf);
  cr_assert(m.item.is_event && m.item.event.type == GSCTP_EV_ASSOC_CHANGE,
            "expected assoc_change, got %s", buf);
  cr_assert_eq(m.item.event.u.assoc_change.state, state, "%s", buf);
  cr_assert_eq(m.item.has_anc, 0, "events carry no ancillary data");
  ac = m.item.event.u.assoc_change;
  gsctp_msg_free(&m);
  return ac;
}

static void expect_passive(gsctp_owner *o, gsctp_sock sock) {
  gsctp_msg m;

  next_msg(o, sock, TS_WAIT_MS, &m);
  cr_assert_eq(m.kind, GSCTP_MSG_SCTP_PASSIVE, "kind %d", m.kind);
  cr_assert_eq(m.sock, sock);
  gsctp_msg_free(&m);
}

static int64_t get_active(gsctp_sock s) {
  gsctp_opt o = {.name = GSCTP_OPT_ACTIVE};
  size_t n = 0;

  cr_assert_eq(gsctp_getopts(s, &o, 1, &n), 0);
  cr_assert_eq(n, 1u);
  return o.v.i;
}

static int set_active(gsctp_sock s, int64_t v) {
  gsctp_opt o = ts_opt_i(GSCTP_OPT_ACTIVE, v);

  return gsctp_setopts(s, &o, 1);
}

static void drain_owner(gsctp_owner *o) {
  gsctp_msg m;
  int i;

  for (i = 0; i < 10000 && gsctp_owner_recv(o, 0, &m) == 0; ++i) {
    gsctp_msg_free(&m);
  }
}

struct send_args {
  gsctp_sock sock;
  uint32_t assoc;
  const void *data;
  size_t len;
};

static int send_fn(void *arg) {
  struct send_args *a = arg;

  return gsctp_send(a->sock, a->assoc, 0, a->data, a->len);
}

/* OTP xfer_active: both sides {active, true}; connect returns comm_up by
 * selective receive; data both ways (one send from another thread);
 * abort gives comm_lost on both sides; nothing else is left. */
Test(active, xfer_active) {
  gsctp_opt act = ts_opt_i(GSCTP_OPT_ACTIVE, GSCTP_ACTIVE_TRUE);
  gsctp_owner *me = gsctp_owner_self();
  gsctp_sock sb, sa;
  gsctp_assoc_change ca = gsctp_assoc_change_default(), sbup;
  gsctp_ip lo = gsctp_ip_loopback(GSCTP_FAMILY_INET);
  struct send_args args;
  ts_thread th;
  gsctp_msg m;
  int rc, pb, pa;

  cr_assert_not_null(me);
  sb = ts_open_server(GSCTP_FAMILY_INET, NULL, &act, 1);
  sa = ts_open(GSCTP_FAMILY_INET, NULL, &act, 1);
  cr_assert_eq(get_active(sa), GSCTP_ACTIVE_TRUE);
  pb = gsctp_port(sb);
  pa = gsctp_port(sa);
  rc = gsctp_connect(sa, &lo, pb, NULL, 0, TS_WAIT_MS, &ca);
  cr_assert_eq(rc, 0, "connect: %s", gsctp_err_name(rc));
  cr_assert_eq(ca.state, GSCTP_COMM_UP);
  cr_assert_eq(gsctp_recv(sa, 0, &m.item), GSCTP_EINVAL,
               "recv on an active socket is einval");

  next_msg(me, sb, TS_WAIT_MS, &m);
  cr_assert(m.item.is_event && m.item.event.type == GSCTP_EV_ASSOC_CHANGE);
  cr_assert_eq(m.item.event.u.assoc_change.state, GSCTP_COMM_UP);
  cr_assert(ts_addr_is(&m.item.from, &lo, (uint16_t)pa),
            "comm_up comes from the client's address");
  sbup = m.item.event.u.assoc_change;
  cr_assert_eq(sbup.outbound_streams, ca.inbound_streams);
  cr_assert_eq(sbup.inbound_streams, ca.outbound_streams);
  gsctp_msg_free(&m);

  args.sock = sa;
  args.assoc = ca.assoc_id;
  args.data = payload;
  args.len = sizeof(payload);
  ts_thread_start(&th, send_fn, &args);
  cr_assert_eq(ts_thread_join(&th, TS_WAIT_MS, &rc), 0);
  cr_assert_eq(rc, 0);
  next_msg(me, sb, TS_WAIT_MS, &m);
  cr_assert_eq(m.kind, GSCTP_MSG_SCTP);
  cr_assert(ts_addr_is(&m.item.from, &lo, (uint16_t)pa));
  cr_assert_eq(m.item.datalen, sizeof(payload));
  cr_assert_eq(m.item.anc.assoc_id, sbup.assoc_id);
  cr_assert_eq(m.item.anc.stream, 0);
  gsctp_msg_free(&m);

  cr_assert_eq(gsctp_send(sb, sbup.assoc_id, 0, payload, sizeof(payload)), 0);
  expect_data(me, sa, payload, sizeof(payload));

  cr_assert_eq(gsctp_abort(sa, &ca), 0);
  (void)expect_assoc(me, sb, GSCTP_COMM_LOST);
  (void)expect_assoc(me, sa, GSCTP_COMM_LOST);
  cr_assert_eq(gsctp_close(sb), 0);
  cr_assert_eq(gsctp_close(sa), 0);
  no_msg(me, 0, 50);
}

/* OTP active_n: counting, bounds, sctp_passive, resets. */
Test(active, active_n_counting_and_bounds) {
  gsctp_owner *me = gsctp_owner_self();
  gsctp_opt zero = ts_opt_i(GSCTP_OPT_ACTIVE, GSCTP_ACTIVE_N(0));
  gsctp_sock s1, s3;

  /* {active, 0} at open: passive at once, and the opener is told. */
  s3 = ts_open(GSCTP_FAMILY_INET, NULL, &zero, 1);
  expect_passive(me, s3);
  cr_assert_eq(get_active(s3), GSCTP_ACTIVE_FALSE);

  s1 = ts_open(GSCTP_FAMILY_INET, NULL, NULL, 0);
  cr_assert_eq(set_active(s1, GSCTP_ACTIVE_N(32767)), 0);
  cr_assert_eq(get_active(s1), GSCTP_ACTIVE_N(32767));
  cr_assert_eq(set_active(s1, GSCTP_ACTIVE_N(1)), GSCTP_EINVAL,
               "32767 + 1 is out of range");
  cr_assert_eq(get_active(s1), GSCTP_ACTIVE_N(32767), "unchanged");
  cr_assert_eq(set_active(s1, GSCTP_ACTIVE_N(-32769)), GSCTP_EINVAL);
  /* 32767 - 32768 = -1: clamped to 0, passive, message. */
  cr_assert_eq(set_active(s1, GSCTP_ACTIVE_N(-32768)), 0);
  cr_assert_eq(get_active(s1), GSCTP_ACTIVE_FALSE);
  expect_passive(me, s1);
  /* {active, 0} on a passive socket: another sctp_passive. */
  cr_assert_eq(set_active(s1, GSCTP_ACTIVE_N(0)), 0);
  expect_passive(me, s1);
  /* N then true: true, no message; N then once / false: no message. */
  cr_assert_eq(set_active(s1, GSCTP_ACTIVE_N(5)), 0);
  cr_assert_eq(set_active(s1, GSCTP_ACTIVE_N(3)), 0);
  cr_assert_eq(get_active(s1), GSCTP_ACTIVE_N(8), "counts add up");
  cr_assert_eq(set_active(s1, GSCTP_ACTIVE_TRUE), 0);
  cr_assert_eq(get_active(s1), GSCTP_ACTIVE_TRUE);
  cr_assert_eq(set_active(s1, GSCTP_ACTIVE_N(2)), 0);
  cr_assert_eq(get_active(s1), GSCTP_ACTIVE_N(2), "true reset the count");
  cr_assert_eq(set_active(s1, GSCTP_ACTIVE_ONCE), 0);
  cr_assert_eq(get_active(s1), GSCTP_ACTIVE_ONCE);
  cr_assert_eq(set_active(s1, GSCTP_ACTIVE_FALSE), 0);
  cr_assert_eq(get_active(s1), GSCTP_ACTIVE_FALSE);
  cr_assert_eq(set_active(s1, 3), GSCTP_EINVAL);
  no_msg(me, s1, 50);
  gsctp_close(s1);
  gsctp_close(s3);
}

/* Data and events count alike; exactly N items are read, the rest stays
 * in the stack for a later passive recv, in order. */
Test(active, active_n_delivers_exactly_n) {
  gsctp_owner *me = gsctp_owner_self();
  gsctp_item it;
  ts_pair p;
  uint8_t msg[8];
  int i;

  {
    gsctp_opt q = ts_opt_quiet();

    ts_pair_open(&p, GSCTP_FAMILY_INET, NULL, &q, 1, &q, 1);
  }
  for (i = 0; i < 6; ++i) {
    memset(msg, 'a' + i, sizeof(msg));
    cr_assert_eq(gsctp_send(p.cli, p.cli_up.assoc_id, 0, msg, sizeof(msg)), 0);
  }
  cr_assert_eq(set_active(p.srv, GSCTP_ACTIVE_N(3)), 0);
  for (i = 0; i < 3; ++i) {
    memset(msg, 'a' + i, sizeof(msg));
    expect_data(me, p.srv, msg, sizeof(msg));
  }
  expect_passive(me, p.srv);
  cr_assert_eq(get_active(p.srv), GSCTP_ACTIVE_FALSE);
  no_msg(me, p.srv, 100);
  for (i = 3; i < 6; ++i) {
    ts_recv_data(p.srv, TS_WAIT_MS, &it);
    cr_assert_eq(it.data[0], 'a' + i, "message %d in order", i);
    gsctp_item_free(&it);
  }

  /* An event counts like data: {active, 1} takes the shutdown event. */
  cr_assert_eq(set_active(p.srv, GSCTP_ACTIVE_N(1)), 0);
  cr_assert_eq(gsctp_eof(p.cli, &p.cli_up), 0);
  {
    gsctp_msg m;

    next_msg(me, p.srv, TS_WAIT_MS, &m);
    cr_assert(m.item.is_event);
    cr_assert_eq(m.item.event.type, GSCTP_EV_SHUTDOWN);
    gsctp_msg_free(&m);
  }
  expect_passive(me, p.srv);
  (void)ts_expect_assoc_change(p.srv, GSCTP_SHUTDOWN_COMP, 0);
  ts_pair_close(&p);
  drain_owner(me);
}

/* {active, once}: one item, then passive without a message. */
Test(active, active_once) {
  gsctp_owner *me = gsctp_owner_self();
  gsctp_item it;
  ts_pair p;

  {
    gsctp_opt q = ts_opt_quiet();

    ts_pair_open(&p, GSCTP_FAMILY_INET, NULL, &q, 1, &q, 1);
  }
  cr_assert_eq(gsctp_send(p.cli, p.cli_up.assoc_id, 0, "one", 3), 0);
  cr_assert_eq(gsctp_send(p.cli, p.cli_up.assoc_id, 0, "two", 3), 0);
  cr_assert_eq(set_active(p.srv, GSCTP_ACTIVE_ONCE), 0);
  expect_data(me, p.srv, "one", 3);
  no_msg(me, p.srv, 100);
  cr_assert_eq(get_active(p.srv), GSCTP_ACTIVE_FALSE);
  cr_assert_eq(set_active(p.srv, GSCTP_ACTIVE_ONCE), 0);
  expect_data(me, p.srv, "two", 3);
  cr_assert_eq(gsctp_send(p.cli, p.cli_up.assoc_id, 0, "three", 5), 0);
  ts_recv_data(p.srv, TS_WAIT_MS, &it);
  cr_assert_eq(it.datalen, 5u);
  gsctp_item_free(&it);
  ts_pair_close(&p);
  drain_owner(me);
}

struct recv_args {
  gsctp_sock sock;
  int timeout;
};

static int recv_fn(void *arg) {
  struct recv_args *a = arg;
  gsctp_item it;
  int rc, i;

  /* If this recv starts during the test thread's recv(0) poll, it is the
   * one told ealready: try again. */
  for (i = 0; i < 1000; ++i) {
    rc = gsctp_recv(a->sock, a->timeout, &it);
    if (rc != GSCTP_EALREADY) {
      break;
    }
    ts_sleep_ms(1);
  }

  gsctp_item_free(&it);
  return rc;
}

/* OTP recv_close: a second recv is ealready; closing wakes the waiting
 * recv (in another thread) with closed. */
Test(active, recv_ealready_and_close) {
  gsctp_sock s = ts_open(GSCTP_FAMILY_INET, NULL, NULL, 0);
  struct recv_args a = {s, GSCTP_INFINITY};
  gsctp_item it;
  ts_thread th;
  int rc = 0, i;

  ts_thread_start(&th, recv_fn, &a);
  for (i = 0; i < 1000; ++i) {
    rc = gsctp_recv(s, 0, &it);
    if (rc == GSCTP_EALREADY) {
      break;
    }
    cr_assert_eq(rc, GSCTP_ETIMEOUT);
    ts_sleep_ms(5);
  }
  cr_assert_eq(rc, GSCTP_EALREADY);
  cr_assert_eq(gsctp_close(s), 0);
  cr_assert_eq(ts_thread_join(&th, TS_WAIT_MS, &rc), 0);
  cr_assert_eq(rc, GSCTP_ECLOSED);
}

/* The mailbox fd is readable exactly while messages are queued. */
Test(active, mailbox_fd_with_poll) {
  gsctp_owner *o;
  gsctp_sock s;
  struct pollfd pfd;
  gsctp_msg m;

  cr_assert_eq(gsctp_owner_new(&o), 0);
  cr_assert_eq(gsctp_owner_set_self(o), 0);
  cr_assert_eq(gsctp_owner_self(), o);
  s = ts_open(GSCTP_FAMILY_INET, NULL, NULL, 0);
  pfd.fd = gsctp_owner_fd(o);
  cr_assert_geq(pfd.fd, 0);
  pfd.events = POLLIN;
  cr_assert_eq(poll(&pfd, 1, 0), 0, "empty mailbox: not readable");
  cr_assert_eq(set_active(s, GSCTP_ACTIVE_N(0)), 0);
  cr_assert_eq(set_active(s, GSCTP_ACTIVE_N(0)), 0);
  cr_assert_eq(poll(&pfd, 1, TS_WAIT_MS), 1);
  cr_assert(pfd.revents & POLLIN);
  cr_assert_eq(gsctp_owner_pending(o), 2u);
  cr_assert_eq(gsctp_owner_recv(NULL, 0, &m), 0, "NULL: current owner");
  cr_assert_eq(m.kind, GSCTP_MSG_SCTP_PASSIVE);
  cr_assert_eq(poll(&pfd, 1, 0), 1, "one still queued: readable");
  cr_assert_eq(gsctp_owner_recv(o, 0, &m), 0);
  cr_assert_eq(poll(&pfd, 1, 0), 0, "drained: not readable");
  cr_assert_eq(gsctp_owner_recv(o, 0, &m), GSCTP_ETIMEOUT);
  cr_assert_eq(gsctp_owner_recv(o, 10, &m), GSCTP_ETIMEOUT);
  cr_assert_eq(gsctp_owner_recv(o, -2, &m), GSCTP_EINVAL);
  cr_assert_eq(gsctp_owner_recv(o, 0, NULL), GSCTP_EBADARG);
  gsctp_close(s);
  cr_assert_eq(gsctp_owner_set_self(NULL), 0);
  cr_assert_neq(gsctp_owner_self(), o);
  gsctp_owner_free(o);
}

static int is_data_x(const gsctp_msg *m, void *arg) {
  (void)arg;
  return m->kind == GSCTP_MSG_SCTP && !m->item.is_event &&
         m->item.datalen > 0 && m->item.data[0] == 'x';
}

/* Selective receive by socket, kind and predicate leaves the rest queued
 * in order. */
Test(active, selective_receive) {
  gsctp_owner *me = gsctp_owner_self();
  gsctp_sock s1, s2;
  ts_pair p;
  gsctp_match by_sock, by_kind, by_pred;
  gsctp_msg m;

  s1 = ts_open(GSCTP_FAMILY_INET, NULL, NULL, 0);
  s2 = ts_open(GSCTP_FAMILY_INET, NULL, NULL, 0);
  {
    gsctp_opt q = ts_opt_quiet();

    ts_pair_open(&p, GSCTP_FAMILY_INET, NULL, &q, 1, &q, 1);
  }
  cr_assert_eq(set_active(s1, GSCTP_ACTIVE_N(0)), 0);
  cr_assert_eq(set_active(s2, GSCTP_ACTIVE_N(0)), 0);
  cr_assert_eq(gsctp_send(p.cli, p.cli_up.assoc_id, 0, "y1", 2), 0);
  cr_assert_eq(gsctp_send(p.cli, p.cli_up.assoc_id, 0, "x2", 2), 0);
  cr_assert_eq(set_active(p.srv, GSCTP_ACTIVE_N(2)), 0);
  expect_data(me, p.srv, "y1", 2); /* by socket (through next_msg) */
  /* Now queued: s1 passive, s2 passive, then x2 and srv's passive
   * (paddr_change messages may sit anywhere). */
  memset(&by_pred, 0, sizeof(by_pred));
  by_pred.pred = is_data_x;
  cr_assert_eq(gsctp_owner_recv_match(me, &by_pred, TS_WAIT_MS, &m), 0);
  cr_assert_eq(m.sock, p.srv);
  cr_assert_eq(m.item.data[1], '2');
  gsctp_msg_free(&m);
  memset(&by_sock, 0, sizeof(by_sock));
  by_sock.sock = s2;
  cr_assert_eq(gsctp_owner_recv_match(me, &by_sock, 0, &m), 0);
  cr_assert_eq(m.kind, GSCTP_MSG_SCTP_PASSIVE);
  cr_assert_eq(m.sock, s2);
  cr_assert_eq(gsctp_owner_recv_match(me, &by_sock, 0, &m), GSCTP_ETIMEOUT);
  memset(&by_kind, 0, sizeof(by_kind));
  by_kind.kinds = GSCTP_MSG_BIT(GSCTP_MSG_SCTP_PASSIVE);
  cr_assert_eq(gsctp_owner_recv_match(me, &by_kind, 0, &m), 0);
  cr_assert_eq(m.sock, s1, "the oldest passive message first");
  cr_assert_eq(gsctp_owner_recv_match(me, &by_kind, TS_WAIT_MS, &m), 0);
  cr_assert_eq(m.sock, p.srv);
  by_kind.kinds = GSCTP_MSG_BIT(GSCTP_MSG_SCTP_ERROR_CODE);
  cr_assert_eq(gsctp_owner_recv_match(me, &by_kind, 0, &m), GSCTP_ETIMEOUT);
  gsctp_close(s1);
  gsctp_close(s2);
  ts_pair_close(&p);
  drain_owner(me);
}

struct cp_args {
  gsctp_sock sock;
  gsctp_owner *to;
};

static int cp_fn(void *arg) {
  struct cp_args *a = arg;

  return gsctp_controlling_process(a->sock, a->to);
}

/* controlling_process: only the owner may hand over (not_owner from
 * another thread); queued sctp messages move, sctp_passive stays; the
 * active count is kept. */
Test(active, controlling_process) {
  gsctp_owner *me = gsctp_owner_self(), *other;
  struct cp_args a;
  ts_thread th;
  ts_pair p;
  int rc;

  cr_assert_eq(gsctp_owner_new(&other), 0);
  {
    gsctp_opt q = ts_opt_quiet();

    ts_pair_open(&p, GSCTP_FAMILY_INET, NULL, &q, 1, &q, 1);
  }
  cr_assert_eq(set_active(p.srv, GSCTP_ACTIVE_N(0)), 0); /* a passive msg */
  cr_assert_eq(gsctp_send(p.cli, p.cli_up.assoc_id, 0, "m1", 2), 0);
  cr_assert_eq(gsctp_send(p.cli, p.cli_up.assoc_id, 0, "m2", 2), 0);
  cr_assert_eq(set_active(p.srv, GSCTP_ACTIVE_N(5)), 0);
  /* Wait until both are in my mailbox (selective, nothing removed). */
  {
    int i, n = 0;

    for (i = 0; i < 1000 && n < 3; ++i) {
      n = (int)gsctp_owner_pending(me);
      if (n < 3) {
        ts_sleep_ms(10);
      }
    }
  }

  /* Another thread (its own default owner) is not the owner. */
  a.sock = p.srv;
  a.to = other;
  ts_thread_start(&th, cp_fn, &a);
  cr_assert_eq(ts_thread_join(&th, TS_WAIT_MS, &rc), 0);
  cr_assert_eq(rc, GSCTP_ENOT_OWNER);
  cr_assert_eq(gsctp_controlling_process(p.srv, me), 0, "already mine: ok");
  cr_assert_eq(gsctp_controlling_process(p.srv, NULL), GSCTP_EBADARG);

  cr_assert_eq(gsctp_controlling_process(p.srv, other), 0);
  cr_assert_eq(get_active(p.srv), GSCTP_ACTIVE_N(3), "count kept");
  expect_data(other, p.srv, "m1", 2);
  expect_data(other, p.srv, "m2", 2);
  expect_passive(me, p.srv); /* sctp_passive did not move */
  cr_assert_eq(gsctp_send(p.cli, p.cli_up.assoc_id, 0, "m3", 2), 0);
  expect_data(other, p.srv, "m3", 2);
  cr_assert_eq(gsctp_controlling_process(p.srv, me), GSCTP_ENOT_OWNER,
               "no longer mine");
  /* Hand it back as the new owner. */
  cr_assert_eq(gsctp_owner_set_self(other), 0);
  cr_assert_eq(gsctp_controlling_process(p.srv, me), 0);
  cr_assert_eq(gsctp_owner_set_self(NULL), 0);
  cr_assert_eq(gsctp_send(p.cli, p.cli_up.assoc_id, 0, "m4", 2), 0);
  expect_data(me, p.srv, "m4", 2);
  cr_assert_eq(get_active(p.srv), GSCTP_ACTIVE_N(1));

  ts_pair_close(&p);
  cr_assert_eq(gsctp_controlling_process(p.srv, other), GSCTP_ECLOSED);
  gsctp_owner_free(other);
  drain_owner(me);
}

/* Ending an owner makes its sockets ownerless and passive: recv works,
 * and anyone may take them over. */
Test(active, owner_free_leaves_sockets_passive) {
  gsctp_owner *o;
  gsctp_item it;
  ts_pair p;

  ts_pair_open(&p, GSCTP_FAMILY_INET, NULL, NULL, 0, NULL, 0);
  cr_assert_eq(gsctp_owner_new(&o), 0);
  cr_assert_eq(gsctp_controlling_process(p.srv, o), 0);
  cr_assert_eq(set_active(p.srv, GSCTP_ACTIVE_TRUE), 0);
  gsctp_owner_free(o);
  cr_assert_eq(gsctp_send(p.cli, p.cli_up.assoc_id, 0, "after", 5), 0);
  ts_recv_data(p.srv, TS_WAIT_MS, &it);
  cr_assert_eq(it.datalen, 5u);
  gsctp_item_free(&it);
  cr_assert_eq(get_active(p.srv), GSCTP_ACTIVE_FALSE);
  cr_assert_eq(gsctp_controlling_process(p.srv, gsctp_owner_self()), 0);
  ts_pair_close(&p);
}

/* connect on an active socket waits for its own comm_up and leaves the
 * other messages queued (data of an earlier association here). */
Test(active, connect_on_active_socket_keeps_other_messages) {
  gsctp_owner *me = gsctp_owner_self();
  gsctp_opt act = ts_opt_i(GSCTP_OPT_ACTIVE, GSCTP_ACTIVE_TRUE);
  gsctp_ip lo = gsctp_ip_loopback(GSCTP_FAMILY_INET);
  gsctp_sock a, b, c;
  gsctp_assoc_change ca, cb, sa;
  int rc;

  a = ts_open_server(GSCTP_FAMILY_INET, NULL, NULL, 0);
  b = ts_open_server(GSCTP_FAMILY_INET, NULL, NULL, 0);
  c = ts_open(GSCTP_FAMILY_INET, NULL, &act, 1);
  rc = gsctp_connect(c, &lo, gsctp_port(a), NULL, 0, TS_WAIT_MS, &ca);
  cr_assert_eq(rc, 0, "%s", gsctp_err_name(rc));
  sa = ts_expect_assoc_change(a, GSCTP_COMM_UP, 0);
  cr_assert_eq(gsctp_send(a, sa.assoc_id, 0, "early", 5), 0);
  /* Give "early" time to reach the mailbox before the second connect
   * (if it arrives during the connect, it must stay queued all the same). */
  {
    int i;

    for (i = 0; i < 500 && gsctp_owner_pending(me) == 0; ++i) {
      ts_sleep_ms(10);
    }
  }
  rc = gsctp_connect(c, &lo, gsctp_port(b), NULL, 0, TS_WAIT_MS, &cb);
  cr_assert_eq(rc, 0, "%s", gsctp_err_name(rc));
  cr_assert_eq(cb.state, GSCTP_COMM_UP);
  cr_assert_neq(cb.assoc_id, ca.assoc_id);
  expect_data(me, c, "early", 5);
  /* Nobody listens: cant_assoc comes back as GSCTP_EASSOC. */
  {
    gsctp_sock d = ts_open(GSCTP_FAMILY_INET, NULL, NULL, 0);
    gsctp_assoc_change cd;
    int port = gsctp_port(d);

    rc = gsctp_connect(c, &lo, port, NULL, 0, 60000, &cd);
    cr_assert_eq(rc, GSCTP_EASSOC, "%s", gsctp_err_name(rc));
    cr_assert_eq(cd.state, GSCTP_CANT_ASSOC);
    gsctp_close(d);
  }
  gsctp_close(c);
  gsctp_close(a);
  gsctp_close(b);
  drain_owner(me);
}

/* {active, once} connect: the comm_up used the once; it is re-armed. */
Test(active, connect_active_once_rearms) {
  gsctp_owner *me = gsctp_owner_self();
  gsctp_opt once[] = {ts_opt_i(GSCTP_OPT_ACTIVE, GSCTP_ACTIVE_ONCE),
                      ts_opt_quiet()};
  gsctp_ip lo = gsctp_ip_loopback(GSCTP_FAMILY_INET);
  gsctp_sock a, c;
  gsctp_assoc_change ca, sa;

  a = ts_open_server(GSCTP_FAMILY_INET, NULL, NULL, 0);
  c = ts_open(GSCTP_FAMILY_INET, NULL, once, 2);
  cr_assert_eq(gsctp_connect(c, &lo, gsctp_port(a), NULL, 0, TS_WAIT_MS, &ca),
               0);
  sa = ts_expect_assoc_change(a, GSCTP_COMM_UP, 0);
  cr_assert_eq(get_active(c), GSCTP_ACTIVE_ONCE);
  cr_assert_eq(gsctp_send(a, sa.assoc_id, 0, "hi", 2), 0);
  expect_data(me, c, "hi", 2);
  gsctp_close(c);
  gsctp_close(a);
  drain_owner(me);
}

/* List mode: the message carries the list flag. */
Test(active, list_mode_flag) {
  gsctp_owner *me = gsctp_owner_self();
  gsctp_opt opts[] = {ts_opt_i(GSCTP_OPT_MODE, GSCTP_MODE_LIST),
                      ts_opt_i(GSCTP_OPT_ACTIVE, GSCTP_ACTIVE_TRUE)};
  gsctp_item it;
  gsctp_msg m;
  ts_pair p;

  ts_pair_open(&p, GSCTP_FAMILY_INET, NULL, NULL, 0, opts, 1);
  cr_assert_eq(gsctp_send(p.cli, p.cli_up.assoc_id, 0, "L1", 2), 0);
  ts_recv_data(p.srv, TS_WAIT_MS, &it);
  cr_assert_eq(it.list, 1, "passive recv in list mode");
  gsctp_item_free(&it);
  cr_assert_eq(gsctp_setopts(p.srv, &opts[1], 1), 0);
  cr_assert_eq(gsctp_send(p.cli, p.cli_up.assoc_id, 0, "L2", 2), 0);
  next_msg(me, p.srv, TS_WAIT_MS, &m);
  cr_assert_eq(m.item.list, 1, "active message in list mode");
  cr_assert_eq(m.item.datalen, 2u);
  gsctp_msg_free(&m);
  cr_assert_eq(gsctp_setopts(p.srv, &opts[0], 0), 0);
  {
    gsctp_opt bin = ts_opt_i(GSCTP_OPT_MODE, GSCTP_MODE_BINARY);

    cr_assert_eq(gsctp_setopts(p.srv, &bin, 1), 0);
  }
  cr_assert_eq(gsctp_send(p.cli, p.cli_up.assoc_id, 0, "B3", 2), 0);
  next_msg(me, p.srv, TS_WAIT_MS, &m);
  cr_assert_eq(m.item.list, 0, "binary again");
  gsctp_msg_free(&m);
  ts_pair_close(&p);
  drain_owner(me);
}

/* OTP xfer_min's getstat check: every counter changes on the server
 * after an association, one message each way, and shutdown. */
Test(active, getstat_counters_change) {
  gsctp_stat before, after;
  gsctp_item it;
  ts_pair p;
  char big[3000];

  ts_pair_open(&p, GSCTP_FAMILY_INET, NULL, NULL, 0, NULL, 0);
  cr_assert_eq(gsctp_getstat(p.srv, NULL), GSCTP_EBADARG);
  cr_assert_eq(gsctp_getstat(p.srv, &before), 0);
  cr_assert_geq(before.recv_cnt, 1u, "the comm_up was read");
  cr_assert_eq(before.send_cnt, 0u);
  memset(big, 'z', sizeof(big));
  cr_assert_eq(gsctp_send(p.cli, p.cli_up.assoc_id, 0, big, sizeof(big)), 0);
  ts_recv_data(p.srv, TS_WAIT_MS, &it);
  cr_assert_eq(it.datalen, sizeof(big));
  gsctp_item_free(&it);
  cr_assert_eq(
    gsctp_send(p.srv, p.srv_up.assoc_id, 0, payload, sizeof(payload)), 0);
  ts_recv_data(p.cli, TS_WAIT_MS, &it);
  gsctp_item_free(&it);
  cr_assert_eq(gsctp_eof(p.cli, &p.cli_up), 0);
  cr_assert_eq(ts_recv_event(p.srv, GSCTP_EV_ASSOC_CHANGE, GSCTP_SHUTDOWN_COMP,
                             TS_WAIT_MS, &it, NULL),
               0);
  gsctp_item_free(&it);
  cr_assert_eq(gsctp_getstat(p.srv, &after), 0);
  cr_assert_gt(after.recv_cnt, before.recv_cnt);
  cr_assert_gt(after.recv_oct, before.recv_oct);
  cr_assert_geq(after.recv_max, sizeof(big));
  cr_assert_neq(after.recv_avg, before.recv_avg);
  cr_assert_eq(after.send_cnt, 1u);
  cr_assert_eq(after.send_oct, sizeof(payload));
  cr_assert_eq(after.send_max, sizeof(payload));
  cr_assert_eq(after.send_avg, sizeof(payload));
  ts_pair_close(&p);
  cr_assert_eq(gsctp_getstat(p.srv, &after), GSCTP_ECLOSED);
}

static int open_active_and_exit(void *arg) {
  gsctp_opt a = ts_opt_i(GSCTP_OPT_ACTIVE, GSCTP_ACTIVE_TRUE);
  gsctp_sock *ps = arg;

  gsctp_owner_free(gsctp_owner_self()); /* ignored: a default owner */
  if (gsctp_owner_pending(NULL) != 0) {
    return -1;
  }
  return ts_try_open(ps, GSCTP_FAMILY_INET, NULL, 0, &a, 1);
}

/* A thread's default owner ends with the thread; its sockets stay open,
 * ownerless and passive, and another thread may take them over. */
Test(active, thread_exit_leaves_sockets_ownerless) {
  gsctp_sock s = 0;
  gsctp_item it;
  ts_thread th;
  int rc;

  ts_thread_start(&th, open_active_and_exit, &s);
  cr_assert_eq(ts_thread_join(&th, TS_WAIT_MS, &rc), 0);
  cr_assert_eq(rc, 0, "%s", gsctp_err_name(rc));
  cr_assert_eq(gsctp_recv(s, 0, &it), GSCTP_ETIMEOUT, "passive now");
  cr_assert_eq(get_active(s), GSCTP_ACTIVE_FALSE);
  cr_assert_eq(gsctp_controlling_process(s, gsctp_owner_self()), 0);
  cr_assert_eq(set_active(s, GSCTP_ACTIVE_N(0)), 0);
  expect_passive(gsctp_owner_self(), s);
  gsctp_close(s);
}

/* OTP's documentation passes {active, true} to connect: connect options
 * apply to the socket first, so the wait is already the active one. */
Test(active, connect_with_active_option) {
  gsctp_owner *me = gsctp_owner_self();
  gsctp_opt act = ts_opt_i(GSCTP_OPT_ACTIVE, GSCTP_ACTIVE_TRUE);
  gsctp_ip lo = gsctp_ip_loopback(GSCTP_FAMILY_INET);
  gsctp_assoc_change ca, sa;
  gsctp_sock a, c;
  int rc;

  a = ts_open_server(GSCTP_FAMILY_INET, NULL, NULL, 0);
  c = ts_open(GSCTP_FAMILY_INET, NULL, NULL, 0);
  rc = gsctp_connect(c, &lo, gsctp_port(a), &act, 1, TS_WAIT_MS, &ca);
  cr_assert_eq(rc, 0, "%s", gsctp_err_name(rc));
  cr_assert_eq(ca.state, GSCTP_COMM_UP);
  cr_assert_eq(get_active(c), GSCTP_ACTIVE_TRUE);
  sa = ts_expect_assoc_change(a, GSCTP_COMM_UP, 0);
  cr_assert_eq(gsctp_send(a, sa.assoc_id, 0, "act", 3), 0);
  expect_data(me, c, "act", 3);
  gsctp_close(c);
  gsctp_close(a);
  drain_owner(me);
}

/* connect on an active socket that times out: {error, timeout}, and the
 * attempt goes on; its comm_up arrives later as an ordinary message. */
Test(active, connect_active_timeout_then_message) {
  gsctp_owner *me = gsctp_owner_self();
  gsctp_opt act = ts_opt_i(GSCTP_OPT_ACTIVE, GSCTP_ACTIVE_TRUE);
  gsctp_ip lo = gsctp_ip_loopback(GSCTP_FAMILY_INET);
  gsctp_assoc_change ca;
  gsctp_sock a, c;
  int rc;

  a = ts_open_server(GSCTP_FAMILY_INET, NULL, NULL, 0);
  c = ts_open(GSCTP_FAMILY_INET, NULL, &act, 1);
  rc = gsctp_connect(c, &lo, gsctp_port(a), NULL, 0, 0, &ca);
  if (rc == 0) {
    /* The machine was fast enough for a zero timeout: nothing to see. */
    cr_assert_eq(ca.state, GSCTP_COMM_UP);
  } else {
    cr_assert_eq(rc, GSCTP_ETIMEOUT, "%s", gsctp_err_name(rc));
    (void)expect_assoc(me, c, GSCTP_COMM_UP);
  }
  cr_assert_eq(gsctp_connect(c, &lo, gsctp_port(a), NULL, 0, -2, &ca),
               GSCTP_EBADARG, "bad timeout");
  gsctp_close(c);
  gsctp_close(a);
  drain_owner(me);
}

/* connect on an active socket whose owner unsubscribed association
 * events still sees its outcome; no association events reach the
 * mailbox otherwise. */
Test(active, connect_active_without_association_events) {
  gsctp_owner *me = gsctp_owner_self();
  gsctp_opt opts[] = {ts_opt_i(GSCTP_OPT_ACTIVE, GSCTP_ACTIVE_TRUE),
                      ts_opt_quiet()};
  gsctp_ip lo = gsctp_ip_loopback(GSCTP_FAMILY_INET);
  gsctp_assoc_change ca, sa;
  gsctp_sock a, c;
  int rc;

  opts[1].v.events.association_event = 0;
  a = ts_open_server(GSCTP_FAMILY_INET, NULL, NULL, 0);
  c = ts_open(GSCTP_FAMILY_INET, NULL, opts, 2);
  rc = gsctp_connect(c, &lo, gsctp_port(a), NULL, 0, TS_WAIT_MS, &ca);
  cr_assert_eq(rc, 0, "%s", gsctp_err_name(rc));
  cr_assert_eq(ca.state, GSCTP_COMM_UP);
  sa = ts_expect_assoc_change(a, GSCTP_COMM_UP, 0);
  cr_assert_eq(gsctp_send(a, sa.assoc_id, 0, "d", 1), 0);
  expect_data(me, c, "d", 1);
  cr_assert_eq(gsctp_eof(a, &sa), 0);
  (void)ts_expect_assoc_change(a, GSCTP_SHUTDOWN_COMP, 0);
  /* The client gets the shutdown event but no shutdown_comp. */
  {
    gsctp_msg m;

    next_msg(me, c, TS_WAIT_MS, &m);
    cr_assert(m.item.is_event);
    cr_assert_eq(m.item.event.type, GSCTP_EV_SHUTDOWN);
    gsctp_msg_free(&m);
  }
  no_msg(me, c, 300);
  gsctp_close(c);
  gsctp_close(a);
}
