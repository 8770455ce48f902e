/*
 * tests/test_peeloff.c - peeloff (OTP's peeloff_active_* tests), option
 * inheritance, stream sockets (basic_stream, xfer_stream_min, listen
 * with a backlog and the accept extension) and connectx_init.
 */
#include <criterion/criterion.h>

#include <stdio.h>
#include <string.h>

#include <gsctp/gsctp.h>

#include "tsupport.h"

static void setup(void) {
  cr_assert_gt(ts_stack_start(), 0);
}

TestSuite(peeloff, .init = setup, .timeout = 120);

static int64_t get_i(gsctp_sock s, int name) {
  gsctp_opt o = {.name = name};
  size_t n = 0;

  cr_assert_eq(gsctp_getopts(s, &o, 1, &n), 0);
  cr_assert_eq(n, 1u, "option %s not read", gsctp_opt_name(name));
  return o.v.i;
}

static void set_i(gsctp_sock s, int name, int64_t v) {
  gsctp_opt o = ts_opt_i(name, v);
  int rc = gsctp_setopts(s, &o, 1);

  cr_assert_eq(rc, 0, "setopts %s: %s", gsctp_opt_name(name),
               gsctp_err_name(rc));
}

/* Receive one data item on |s|: passively, or from the owner's mailbox
 * when the socket is active (paddr_change skipped either way). */
static void recv_data_any(gsctp_sock s, int active, const char *want) {
  size_t len = strlen(want);

  if (!active) {
    gsctp_item it;

    ts_recv_data(s, TS_WAIT_MS, &it);
    cr_assert_eq(it.datalen, len);
    cr_assert(memcmp(it.data, want, len) == 0);
    gsctp_item_free(&it);
    return;
  }
  for (int i = 0; i < 100; ++i) {
    gsctp_match mt = {.sock = s};
    gsctp_msg m;
    int rc = gsctp_owner_recv_match(NULL, &mt, TS_WAIT_MS, &m);

    cr_assert_eq(rc, 0, "no message: %s", gsctp_err_name(rc));
    if (m.kind == GSCTP_MSG_SCTP_PASSIVE ||
        (m.item.is_event && m.item.event.type == GSCTP_EV_PADDR_CHANGE)) {
      gsctp_msg_free(&m);
      continue;
    }
    cr_assert_eq(m.kind, GSCTP_MSG_SCTP);
    cr_assert(!m.item.is_event);
    cr_assert_eq(m.item.datalen, len);
    cr_assert(memcmp(m.item.data, want, len) == 0);
    gsctp_msg_free(&m);
    return;
  }
  cr_assert_fail("no data");
}

static void drain_self(void) {
  gsctp_msg m;
  int i;

  for (i = 0; i < 10000 && gsctp_owner_recv(NULL, 0, &m) == 0; ++i) {
    gsctp_msg_free(&m);
  }
}

static void expect_shutdown_pair(gsctp_sock s, uint32_t id) {
  gsctp_item it;
  int rc;

  rc = ts_recv_next(s, TS_WAIT_MS, &it);
  cr_assert_eq(rc, 0, "%s", gsctp_err_name(rc));
  cr_assert(it.is_event && it.event.type == GSCTP_EV_SHUTDOWN,
            "first the shutdown event");
  gsctp_item_free(&it);
  (void)ts_expect_assoc_change(s, GSCTP_SHUTDOWN_COMP, id);
}

/* peeloff with the peeled socket in |mode|: data both ways, the parent
 * no longer sees the association, and closing the peeled socket gives
 * the peer shutdown_event then shutdown_comp. */
static void peeloff_case(int64_t mode) {
  gsctp_opt q = ts_opt_quiet();
  gsctp_sock s2 = 0;
  gsctp_item it;
  ts_pair p;
  int active = mode != GSCTP_ACTIVE_FALSE;
  int rc;

  ts_pair_open(&p, GSCTP_FAMILY_INET, NULL, &q, 1, &q, 1);
  rc = gsctp_peeloff(p.srv, p.srv_up.assoc_id, &s2);
  cr_assert_eq(rc, 0, "peeloff: %s", gsctp_err_name(rc));
  cr_assert_neq(s2, 0u);
  cr_assert_eq(get_i(s2, GSCTP_OPT_TYPE), GSCTP_TYPE_STREAM);
  cr_assert_eq(get_i(s2, GSCTP_OPT_ACTIVE), GSCTP_ACTIVE_FALSE);
  set_i(s2, GSCTP_OPT_ACTIVE, mode);

  for (int i = 0; i < 3; ++i) {
    char msg[16];

    snprintf(msg, sizeof(msg), "to-s2-%d", i);
    cr_assert_eq(gsctp_send(p.cli, p.cli_up.assoc_id, 0, msg, strlen(msg)), 0);
    recv_data_any(s2, active, msg);
    if (mode == GSCTP_ACTIVE_ONCE) {
      set_i(s2, GSCTP_OPT_ACTIVE, GSCTP_ACTIVE_ONCE);
    } else if (GSCTP_ACTIVE_IS_N(mode)) {
      set_i(s2, GSCTP_OPT_ACTIVE, GSCTP_ACTIVE_N(1));
    }
    snprintf(msg, sizeof(msg), "from-s2-%d", i);
    cr_assert_eq(gsctp_send(s2, p.srv_up.assoc_id, 0, msg, strlen(msg)), 0);
    ts_recv_data(p.cli, TS_WAIT_MS, &it);
    cr_assert_eq(it.datalen, strlen(msg));
    cr_assert(memcmp(it.data, msg, strlen(msg)) == 0);
    gsctp_item_free(&it);
  }
  cr_assert_eq(gsctp_recv(p.srv, 0, &it), GSCTP_ETIMEOUT,
               "the parent sees nothing of the peeled association");
  cr_assert_eq(gsctp_close(s2), 0);
  expect_shutdown_pair(p.cli, p.cli_up.assoc_id);
  ts_pair_close(&p);
  drain_self();
}

Test(peeloff, passive) {
  peeloff_case(GSCTP_ACTIVE_FALSE);
}

Test(peeloff, active_true) {
  peeloff_case(GSCTP_ACTIVE_TRUE);
}

Test(peeloff, active_once) {
  peeloff_case(GSCTP_ACTIVE_ONCE);
}

Test(peeloff, active_n) {
  peeloff_case(GSCTP_ACTIVE_N(1));
}

/* The new socket belongs to the caller's owner, even when the caller
 * does not own the parent. */
static int peel_fn(void *arg) {
  ts_pair *p = arg;
  gsctp_sock s2 = 0;
  gsctp_msg m;
  gsctp_opt a = ts_opt_i(GSCTP_OPT_ACTIVE, GSCTP_ACTIVE_TRUE);
  int rc = gsctp_peeloff(p->srv, p->srv_up.assoc_id, &s2);

  if (rc != 0) {
    return rc;
  }
  rc = gsctp_setopts(s2, &a, 1);
  if (rc == 0) {
    rc = gsctp_send(p->cli, p->cli_up.assoc_id, 0, "mine", 4);
  }
  if (rc == 0) {
    gsctp_match mt = {.sock = s2, .kinds = GSCTP_MSG_BIT(GSCTP_MSG_SCTP)};

    rc = gsctp_owner_recv_match(NULL, &mt, TS_WAIT_MS, &m);
    if (rc == 0) {
      rc = m.item.is_event || m.item.datalen != 4 ? -1 : 0;
      gsctp_msg_free(&m);
    }
  }
  gsctp_close(s2);
  return rc;
}

Test(peeloff, owner_is_the_caller) {
  gsctp_opt q = ts_opt_quiet();
  ts_thread th;
  ts_pair p;
  int rc;

  ts_pair_open(&p, GSCTP_FAMILY_INET, NULL, &q, 1, &q, 1);
  ts_thread_start(&th, peel_fn, &p);
  cr_assert_eq(ts_thread_join(&th, TS_WAIT_MS * 2, &rc), 0);
  cr_assert_eq(rc, 0, "peeloff in another thread: %d (%s)", rc,
               gsctp_err_name(rc));
  cr_assert_eq(gsctp_owner_pending(NULL), 0u, "nothing came to me");
  ts_pair_close(&p);
}

/* Options set on the parent are visible on the child; active is not. */
Test(peeloff, inherits_options) {
  gsctp_opt q = ts_opt_quiet();
  gsctp_sock s2 = 0;
  ts_pair p;
  int64_t sndbuf, recbuf;

  ts_pair_open(&p, GSCTP_FAMILY_INET, NULL, &q, 1, &q, 1);
  set_i(p.srv, GSCTP_OPT_SCTP_NODELAY, 1);
  set_i(p.srv, GSCTP_OPT_MODE, GSCTP_MODE_LIST);
  set_i(p.srv, GSCTP_OPT_BUFFER, 12345);
  set_i(p.srv, GSCTP_OPT_SNDBUF, 300000);
  set_i(p.srv, GSCTP_OPT_RECBUF, 200000);
  set_i(p.srv, GSCTP_OPT_NON_BLOCK_SEND, 1);
  set_i(p.srv, GSCTP_OPT_ACTIVE, GSCTP_ACTIVE_N(7));
  set_i(p.srv, GSCTP_OPT_REUSEADDR, 1);
  {
    gsctp_opt l = {.name = GSCTP_OPT_LINGER};

    l.v.linger.onoff = 1;
    l.v.linger.seconds = 7;
    cr_assert_eq(gsctp_setopts(p.srv, &l, 1), 0);
  }
  sndbuf = get_i(p.srv, GSCTP_OPT_SNDBUF);
  recbuf = get_i(p.srv, GSCTP_OPT_RECBUF);
  cr_assert_eq(gsctp_peeloff(p.srv, p.srv_up.assoc_id, &s2), 0);
  cr_assert_eq(get_i(s2, GSCTP_OPT_SCTP_NODELAY), 1);
  cr_assert_eq(get_i(s2, GSCTP_OPT_MODE), GSCTP_MODE_LIST);
  cr_assert_eq(get_i(s2, GSCTP_OPT_BUFFER), 200000,
               "buffer (raised by recbuf as in OTP)");
  cr_assert_eq(get_i(s2, GSCTP_OPT_SNDBUF), sndbuf);
  cr_assert_eq(get_i(s2, GSCTP_OPT_RECBUF), recbuf);
  cr_assert_eq(get_i(s2, GSCTP_OPT_NON_BLOCK_SEND), 1);
  cr_assert_eq(get_i(s2, GSCTP_OPT_ACTIVE), GSCTP_ACTIVE_FALSE,
               "active is not inherited");
  cr_assert_eq(get_i(s2, GSCTP_OPT_REUSEADDR), 1);
  cr_assert_eq(get_i(s2, GSCTP_OPT_PRIORITY), 0);
  {
    gsctp_opt l = {.name = GSCTP_OPT_LINGER};
    size_t n = 0;

    cr_assert_eq(gsctp_getopts(s2, &l, 1, &n), 0);
    cr_assert_eq(n, 1u);
    cr_assert_eq(l.v.linger.onoff, 1, "linger inherited (read from usrsctp)");
    cr_assert_eq(l.v.linger.seconds, 7);
  }
  {
    gsctp_opt ev = {.name = GSCTP_OPT_SCTP_EVENTS};
    size_t n = 0;

    cr_assert_eq(gsctp_getopts(s2, &ev, 1, &n), 0);
    cr_assert_eq(ev.v.events.address_event, 0, "subscriptions inherited");
  }
  /* The list flag really is on the child's items. */
  {
    gsctp_item it;

    cr_assert_eq(gsctp_send(p.cli, p.cli_up.assoc_id, 0, "L", 1), 0);
    ts_recv_data(s2, TS_WAIT_MS, &it);
    cr_assert_eq(it.list, 1);
    gsctp_item_free(&it);
  }
  gsctp_close(s2);
  ts_pair_close(&p);
  drain_self();
}

Test(peeloff, errors) {
  gsctp_opt st = ts_opt_i(GSCTP_OPT_TYPE, GSCTP_TYPE_STREAM);
  gsctp_sock s = ts_open(GSCTP_FAMILY_INET, NULL, NULL, 0);
  gsctp_sock t = ts_open(GSCTP_FAMILY_INET, NULL, &st, 1);
  gsctp_sock n = 0;

  cr_assert_eq(gsctp_peeloff(s, 1, NULL), GSCTP_EBADARG);
  cr_assert_eq(gsctp_peeloff(0, 1, &n), GSCTP_EBADARG);
  cr_assert_eq(gsctp_peeloff(s, 12345, &n), GSCTP_EINVAL,
               "unknown association");
  cr_assert_eq(n, 0u);
  cr_assert_eq(gsctp_peeloff(t, 1, &n), GSCTP_EINVAL, "stream socket");
  gsctp_close(s);
  gsctp_close(t);
  cr_assert_eq(gsctp_peeloff(s, 1, &n), GSCTP_ECLOSED);
}

/* OTP basic_stream: a stream socket listens with a backlog. */
Test(peeloff, basic_stream) {
  gsctp_opt st = ts_opt_i(GSCTP_OPT_TYPE, GSCTP_TYPE_STREAM);
  gsctp_sock s = ts_open(GSCTP_FAMILY_INET, NULL, &st, 1);

  cr_assert_eq(gsctp_listen(s, 10), 0);
  cr_assert_eq(get_i(s, GSCTP_OPT_TYPE), GSCTP_TYPE_STREAM);
  cr_assert_eq(gsctp_close(s), 0);
}

/* OTP xfer_stream_min: a stream client and a seqpacket server; data
 * both ways; closing the client shuts the association down gracefully. */
Test(peeloff, xfer_stream_min) {
  gsctp_opt st[] = {ts_opt_i(GSCTP_OPT_TYPE, GSCTP_TYPE_STREAM),
                    ts_opt_quiet()};
  gsctp_opt q = ts_opt_quiet();
  gsctp_ip lo = gsctp_ip_loopback(GSCTP_FAMILY_INET);
  gsctp_sock sb, sa;
  gsctp_assoc_change ca, cb;
  gsctp_item it;
  int rc;

  sb = ts_open_server(GSCTP_FAMILY_INET, NULL, &q, 1);
  sa = ts_open(GSCTP_FAMILY_INET, NULL, st, 2);
  rc = gsctp_connect(sa, &lo, gsctp_port(sb), NULL, 0, TS_WAIT_MS, &ca);
  cr_assert_eq(rc, 0, "%s", gsctp_err_name(rc));
  cb = ts_expect_assoc_change(sb, GSCTP_COMM_UP, 0);
  cr_assert_eq(gsctp_send(sa, ca.assoc_id, 0, "ping", 4), 0);
  ts_recv_data(sb, TS_WAIT_MS, &it);
  cr_assert_eq(it.datalen, 4u);
  cr_assert(ts_addr_is(&it.from, &lo, (uint16_t)gsctp_port(sa)));
  gsctp_item_free(&it);
  cr_assert_eq(gsctp_send(sb, cb.assoc_id, 0, "pong", 4), 0);
  ts_recv_data(sa, TS_WAIT_MS, &it);
  cr_assert_eq(it.datalen, 4u);
  gsctp_item_free(&it);
  {
    gsctp_addr peer[4];
    size_t n = 0;

    cr_assert_eq(gsctp_peernames(sa, ca.assoc_id, peer, 4, &n), 0);
    cr_assert_eq(n, 1u);
    cr_assert(ts_addr_is(&peer[0], &lo, (uint16_t)gsctp_port(sb)));
  }
  cr_assert_eq(gsctp_close(sa), 0);
  expect_shutdown_pair(sb, cb.assoc_id);
  gsctp_close(sb);
}

/* The accept extension: a stream server with a backlog accepts a stream
 * client; the accepted socket is the caller's and passive; closing the
 * client gives it the shutdown events. */
Test(peeloff, stream_listen_accept) {
  gsctp_opt st[] = {ts_opt_i(GSCTP_OPT_TYPE, GSCTP_TYPE_STREAM),
                    ts_opt_quiet()};
  gsctp_ip lo = gsctp_ip_loopback(GSCTP_FAMILY_INET);
  gsctp_sock l, c, a = 0;
  gsctp_assoc_change ca;
  gsctp_item it;
  int rc;

  l = ts_open(GSCTP_FAMILY_INET, NULL, st, 2);
  cr_assert_eq(gsctp_accept(l, 0, &a), GSCTP_EINVAL, "not listening yet");
  cr_assert_eq(gsctp_listen(l, 3), 0);
  cr_assert_eq(gsctp_accept(l, 0, &a), GSCTP_ETIMEOUT);
  cr_assert_eq(gsctp_accept(l, 0, NULL), GSCTP_EBADARG);
  cr_assert_eq(gsctp_accept(l, -2, &a), GSCTP_EINVAL);
  c = ts_open(GSCTP_FAMILY_INET, NULL, st, 2);
  rc = gsctp_connect(c, &lo, gsctp_port(l), NULL, 0, TS_WAIT_MS, &ca);
  cr_assert_eq(rc, 0, "%s", gsctp_err_name(rc));
  rc = gsctp_accept(l, TS_WAIT_MS, &a);
  cr_assert_eq(rc, 0, "accept: %s", gsctp_err_name(rc));
  cr_assert_neq(a, 0u);
  cr_assert_eq(get_i(a, GSCTP_OPT_TYPE), GSCTP_TYPE_STREAM);
  cr_assert_eq(get_i(a, GSCTP_OPT_ACTIVE), GSCTP_ACTIVE_FALSE);
  /* The accepted socket may report its comm_up first. */
  cr_assert_eq(gsctp_send(c, ca.assoc_id, 0, "hello", 5), 0);
  {
    int i;

    for (i = 0; i < 10; ++i) {
      rc = ts_recv_next(a, TS_WAIT_MS, &it);
      cr_assert_eq(rc, 0, "%s", gsctp_err_name(rc));
      if (!it.is_event) {
        break;
      }
      gsctp_item_free(&it);
    }
    cr_assert_eq(it.datalen, 5u);
    cr_assert(ts_addr_is(&it.from, &lo, (uint16_t)gsctp_port(c)));
    gsctp_item_free(&it);
  }
  cr_assert_eq(gsctp_send(a, 0, 0, "back", 4), 0);
  ts_recv_data(c, TS_WAIT_MS, &it);
  cr_assert_eq(it.datalen, 4u);
  gsctp_item_free(&it);
  cr_assert_eq(gsctp_close(c), 0);
  rc = ts_recv_event(a, GSCTP_EV_SHUTDOWN, -1, TS_WAIT_MS, &it, NULL);
  cr_assert_eq(rc, 0, "shutdown event on the accepted socket: %s",
               gsctp_err_name(rc));
  gsctp_item_free(&it);
  gsctp_close(a);
  gsctp_close(l);
  cr_assert_eq(gsctp_accept(l, 0, &a), GSCTP_ECLOSED);
}

/* connectx_init returns the association id; the outcome arrives as an
 * assoc_change with that id, comm_up or cant_assoc. */
Test(peeloff, connectx_init) {
  gsctp_ip lo = gsctp_ip_loopback(GSCTP_FAMILY_INET);
  gsctp_sock srv, cli, dead;
  uint32_t id = 0, id2 = 0;
  int rc;

  srv = ts_open_server(GSCTP_FAMILY_INET, NULL, NULL, 0);
  cli = ts_open(GSCTP_FAMILY_INET, NULL, NULL, 0);
  dead = ts_open(GSCTP_FAMILY_INET, NULL, NULL, 0); /* not listening */
  rc = gsctp_connectx_init(cli, &lo, 1, gsctp_port(srv), NULL, 0, &id);
  cr_assert_eq(rc, 0, "%s", gsctp_err_name(rc));
  cr_assert_neq(id, 0u);
  (void)ts_expect_assoc_change(cli, GSCTP_COMM_UP, id);
  rc = gsctp_connectx_init(cli, &lo, 1, gsctp_port(dead), NULL, 0, &id2);
  cr_assert_eq(rc, 0, "%s", gsctp_err_name(rc));
  cr_assert_neq(id2, 0u);
  cr_assert_neq(id2, id);
  {
    gsctp_item it;

    rc = ts_recv_event(cli, GSCTP_EV_ASSOC_CHANGE, GSCTP_CANT_ASSOC, 60000, &it,
                       NULL);
    cr_assert_eq(rc, 0, "%s", gsctp_err_name(rc));
    cr_assert_eq(it.event.u.assoc_change.assoc_id, id2,
                 "cant_assoc carries connectx_init's id");
    gsctp_item_free(&it);
  }
  /* Port rules: one port for all addresses, 1..65535. */
  cr_assert_eq(gsctp_connectx_init(cli, &lo, 1, 0, NULL, 0, &id), GSCTP_EINVAL);
  cr_assert_eq(gsctp_connectx_init(cli, &lo, 1, 70000, NULL, 0, &id),
               GSCTP_EINVAL);
  cr_assert_eq(gsctp_connectx_init(cli, &lo, 0, 1, NULL, 0, &id),
               GSCTP_EBADARG);
  gsctp_close(cli);
  gsctp_close(srv);
  gsctp_close(dead);
}

/* An active stream socket whose peer has gone: the shutdown events
 * arrive as sctp messages, then the end of the association as the bare
 * {sctp_error, S, enotconn}, once (it does not count against N). */
Test(peeloff, active_stream_eof_gives_bare_error) {
  gsctp_opt q = ts_opt_quiet();
  gsctp_sock s2 = 0;
  ts_pair p;
  int saw_shutdown = 0, saw_comp = 0, saw_err = 0, i;

  ts_pair_open(&p, GSCTP_FAMILY_INET, NULL, &q, 1, &q, 1);
  cr_assert_eq(gsctp_peeloff(p.srv, p.srv_up.assoc_id, &s2), 0);
  set_i(s2, GSCTP_OPT_ACTIVE, GSCTP_ACTIVE_N(100));
  cr_assert_eq(gsctp_close(p.cli), 0);
  p.cli = 0;
  for (i = 0; i < 20 && !saw_err; ++i) {
    gsctp_match mt = {.sock = s2};
    gsctp_msg m;
    int rc = gsctp_owner_recv_match(NULL, &mt, TS_WAIT_MS, &m);

    cr_assert_eq(rc, 0, "%s", gsctp_err_name(rc));
    if (m.kind == GSCTP_MSG_SCTP && m.item.is_event) {
      if (m.item.event.type == GSCTP_EV_SHUTDOWN) {
        saw_shutdown = 1;
      } else if (m.item.event.type == GSCTP_EV_ASSOC_CHANGE &&
                 m.item.event.u.assoc_change.state == GSCTP_SHUTDOWN_COMP) {
        cr_assert(saw_shutdown, "shutdown_event comes first");
        saw_comp = 1;
      }
    } else if (m.kind == GSCTP_MSG_SCTP_ERROR_CODE) {
      cr_assert(saw_comp, "the error follows shutdown_comp");
      cr_assert_eq(m.error, GSCTP_ENOTCONN, "%s", gsctp_err_name(m.error));
      saw_err = 1;
    }
    gsctp_msg_free(&m);
  }
  cr_assert(saw_err);
  cr_assert_eq(get_i(s2, GSCTP_OPT_ACTIVE), GSCTP_ACTIVE_N(98),
               "two events counted, the bare error not");
  {
    gsctp_match mt = {.sock = s2};
    gsctp_msg m;

    cr_assert_eq(gsctp_owner_recv_match(NULL, &mt, 300, &m), GSCTP_ETIMEOUT,
                 "the error is reported once");
  }
  gsctp_close(s2);
  ts_pair_close(&p);
  drain_self();
}

/* OTP names_unihoming_ipv4: socknames and peernames with and without an
 * association, and the identities between the two ends. */
Test(peeloff, names) {
  gsctp_ip lo = gsctp_ip_loopback(GSCTP_FAMILY_INET);
  gsctp_addr a[8], b[8];
  size_t na = 0, nb = 0;
  gsctp_sock s2 = 0;
  ts_pair p;
  int rc;

  ts_pair_open(&p, GSCTP_FAMILY_INET, NULL, NULL, 0, NULL, 0);
  cr_assert_eq(gsctp_socknames(p.srv, 0, a, 8, &na), 0);
  cr_assert_eq(na, 1u);
  cr_assert(ts_addr_is(&a[0], &lo, p.srv_port));
  rc = gsctp_peernames(p.srv, 0, a, 8, &na);
  cr_assert(rc == GSCTP_EINVAL || rc == GSCTP_ENOTCONN,
            "peernames without an association: %s", gsctp_err_name(rc));
  /* peernames(server, sAssoc) == socknames(client, cAssoc) and back. */
  cr_assert_eq(gsctp_peernames(p.srv, p.srv_up.assoc_id, a, 8, &na), 0);
  cr_assert_eq(gsctp_socknames(p.cli, p.cli_up.assoc_id, b, 8, &nb), 0);
  cr_assert_eq(na, 1u);
  cr_assert_eq(nb, na);
  cr_assert(ts_addr_is(&a[0], &b[0].ip, b[0].port));
  cr_assert(ts_addr_is(&a[0], &lo, p.cli_port));
  cr_assert_eq(gsctp_peernames(p.cli, p.cli_up.assoc_id, a, 8, &na), 0);
  cr_assert_eq(gsctp_socknames(p.srv, p.srv_up.assoc_id, b, 8, &nb), 0);
  cr_assert_eq(na, 1u);
  cr_assert_eq(nb, 1u);
  cr_assert(ts_addr_is(&a[0], &b[0].ip, b[0].port));
  cr_assert(ts_addr_is(&a[0], &lo, p.srv_port));
  /* The peeled-off socket keeps the names of its association. */
  cr_assert_eq(gsctp_peeloff(p.srv, p.srv_up.assoc_id, &s2), 0);
  cr_assert_eq(gsctp_peernames(s2, p.srv_up.assoc_id, a, 8, &na), 0);
  cr_assert_eq(na, 1u);
  cr_assert(ts_addr_is(&a[0], &lo, p.cli_port));
  rc = gsctp_port(s2);
  cr_assert(rc == p.srv_port || rc == 0, "port of the peeled socket: %d", rc);
  rc = gsctp_peernames(p.srv, p.srv_up.assoc_id, a, 8, &na);
  cr_assert(rc == GSCTP_EINVAL || rc == GSCTP_ENOTCONN,
            "the parent no longer has it: %s", gsctp_err_name(rc));
  gsctp_close(s2);
  ts_pair_close(&p);
}
