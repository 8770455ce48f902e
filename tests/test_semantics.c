/*
 * tests/test_semantics.c - rules of the gen_sctp reference
 * (/work/shared/reference/gen_sctp-semantics.md) that no other suite
 * proves on its own: the sockaddr-list form of connectx_init and its
 * port rule (1.5), the active `sctp_error` message and its place in the
 * `{active, N}` budget (1.8), listen from another thread (1.6), abort on
 * a stream socket (section 6) and paddr_change never being an error
 * (1.8, 1.15).  docs/api.md, "Conformance to the reference", maps every
 * rule to its test.
 */
#include <criterion/criterion.h>

#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include <gsctp/gsctp.h>

#include "tsupport.h"

static void setup(void) {
  cr_assert_gt(ts_stack_start(), 0);
}

TestSuite(semantics, .init = setup, .timeout = 120);

static void drain_self(void) {
  gsctp_msg m;
  int i;

  for (i = 0; i < 10000 && gsctp_owner_recv(NULL, 0, &m) == 0; ++i) {
    gsctp_msg_free(&m);
  }
}

/* 1.5: connectx_init(S, SockAddrs, Opts).  OTP's code takes the LAST
 * non-zero port and gives it to every entry; all ports 0, or no entry,
 * is badarg.  The id returned is the one of the comm_up. */
Test(semantics, connectx_init_sockaddrs_last_nonzero_port_wins) {
  gsctp_opt q = ts_opt_quiet();
  gsctp_ip lo = gsctp_ip_loopback(GSCTP_FAMILY_INET);
  gsctp_sock srv, cli, dead;
  gsctp_addr a[2], peers[4];
  gsctp_assoc_change up;
  size_t n = 0;
  uint32_t id = 0;
  int rc;

  srv = ts_open_server(GSCTP_FAMILY_INET, NULL, &q, 1);
  cli = ts_open(GSCTP_FAMILY_INET, NULL, &q, 1);
  dead = ts_open(GSCTP_FAMILY_INET, NULL, &q, 1); /* not listening */

  /* Bad lists first: nothing is started. */
  a[0].ip = lo;
  a[0].port = 0;
  cr_assert_eq(gsctp_connectx_init_addrs(cli, a, 1, NULL, 0, &id),
               GSCTP_EBADARG, "all ports 0 is badarg");
  cr_assert_eq(gsctp_connectx_init_addrs(cli, a, 0, NULL, 0, &id),
               GSCTP_EBADARG, "an empty list is badarg");
  cr_assert_eq(gsctp_connectx_init_addrs(cli, NULL, 1, NULL, 0, &id),
               GSCTP_EBADARG);
  a[0].ip = gsctp_ip_loopback(GSCTP_FAMILY_INET6);
  a[0].port = gsctp_port(srv);
  cr_assert_eq(gsctp_connectx_init_addrs(cli, a, 1, NULL, 0, &id),
               GSCTP_EBADARG, "an IPv6 entry on an inet socket (badarg)");

  /* The dead port first, the server's last: the last one wins, so the
   * association comes up with the server (a first-port rule would give
   * cant_assoc from the dead socket). */
  a[0].ip = lo;
  a[0].port = gsctp_port(dead);
  a[1].ip = lo;
  a[1].port = gsctp_port(srv);
  rc = gsctp_connectx_init_addrs(cli, a, 2, NULL, 0, &id);
  cr_assert_eq(rc, 0, "connectx_init_addrs: %s (%s)", gsctp_err_name(rc),
               gsctp_error_detail());
  cr_assert_neq(id, 0u);
  up = ts_expect_assoc_change(cli, GSCTP_COMM_UP, id);
  cr_assert_eq(up.assoc_id, id);
  rc = gsctp_peernames(cli, id, peers, 4, &n);
  cr_assert_eq(rc, 0, "%s", gsctp_err_name(rc));
  cr_assert_geq(n, 1u);
  for (size_t i = 0; i < n && i < 4; ++i) {
    cr_assert_eq(peers[i].port, gsctp_port(srv),
                 "peer path %zu on port %u, not the server's %u", i,
                 (unsigned)peers[i].port, (unsigned)gsctp_port(srv));
  }
  (void)ts_expect_assoc_change(srv, GSCTP_COMM_UP, 0);
  gsctp_close(cli);
  gsctp_close(srv);
  gsctp_close(dead);
}

/* 1.5: an entry with port 0 takes the list's port. */
Test(semantics, connectx_init_sockaddrs_zero_port_takes_the_common_port) {
  gsctp_opt q = ts_opt_quiet();
  gsctp_sock srv, cli;
  uint32_t id = 0;
  int rc;

  srv = ts_open_server(GSCTP_FAMILY_INET, NULL, &q, 1);
  cli = ts_open(GSCTP_FAMILY_INET, NULL, &q, 1);
  gsctp_addr b[2];

  b[0].ip = gsctp_ip_loopback(GSCTP_FAMILY_INET);
  b[0].port = 0;
  b[1] = b[0];
  b[1].port = gsctp_port(srv);
  rc = gsctp_connectx_init_addrs(cli, b, 2, NULL, 0, &id);
  cr_assert_eq(rc, 0, "%s", gsctp_err_name(rc));
  (void)ts_expect_assoc_change(cli, GSCTP_COMM_UP, id);
  (void)ts_expect_assoc_change(srv, GSCTP_COMM_UP, 0);
  gsctp_close(cli);
  gsctp_close(srv);
}

/* 1.8: in active mode a send failure is the message
 * {sctp_error, S, IP, Port, {Anc, #sctp_send_failed{}}} (kind
 * GSCTP_MSG_SCTP_ERROR, from the peer's address), and it counts against
 * {active, N} like data and events: with N = 3 exactly three messages
 * arrive, then sctp_passive, and the rest waits for gsctp_recv, which
 * gives it as GSCTP_ESCTP_ERROR. */
Test(semantics, active_sctp_error_counts_against_active_n) {
  gsctp_opt q = ts_opt_quiet();
  gsctp_opt co[] = {ts_opt_i(GSCTP_OPT_SNDBUF, 4 * 1024 * 1024), q};
  gsctp_opt so[] = {ts_opt_i(GSCTP_OPT_RECBUF, 8192), q};
  gsctp_opt act = ts_opt_i(GSCTP_OPT_ACTIVE, GSCTP_ACTIVE_N(3));
  gsctp_match mt;
  gsctp_msg m;
  gsctp_item it;
  uint8_t buf[1000];
  char txt[256];
  ts_pair p;
  int i, rc, errors = 0;

  ts_pair_open(&p, GSCTP_FAMILY_INET, NULL, co, 2, so, 2);
  memset(buf, 'x', sizeof(buf));
  for (i = 0; i < 40; ++i) {
    rc = gsctp_send(p.cli, p.cli_up.assoc_id, 0, buf, sizeof(buf));
    cr_assert_eq(rc, 0, "send %d: %s", i, gsctp_err_name(rc));
  }
  cr_assert_eq(gsctp_setopts(p.cli, &act, 1), 0);
  cr_assert_eq(gsctp_abort(p.cli, &p.cli_up), 0);

  memset(&mt, 0, sizeof(mt));
  mt.sock = p.cli;
  for (i = 0; i < 3; ++i) {
    rc = gsctp_owner_recv_match(NULL, &mt, TS_WAIT_MS, &m);
    cr_assert_eq(rc, 0, "message %d: %s", i, gsctp_err_name(rc));
    cr_assert(m.kind == GSCTP_MSG_SCTP || m.kind == GSCTP_MSG_SCTP_ERROR,
              "message %d is of kind %d", i, m.kind);
    if (m.kind == GSCTP_MSG_SCTP_ERROR) {
      cr_assert(m.item.is_event && m.item.event.type == GSCTP_EV_SEND_FAILED,
                "sctp_error carries %s",
                ts_item_str(&m.item, txt, sizeof(txt)));
      cr_assert_eq(m.item.event.u.send_failed.assoc_id, p.cli_up.assoc_id);
      cr_assert(ts_addr_is(&m.item.from, &p.ip, p.srv_port),
                "sctp_error from %s, not the peer",
                ts_addr_str(&m.item.from, txt, sizeof(txt)));
      errors++;
    } else {
      cr_assert(m.item.is_event && m.item.event.type == GSCTP_EV_ASSOC_CHANGE &&
                  m.item.event.u.assoc_change.state == GSCTP_COMM_LOST,
                "sctp message %s", ts_item_str(&m.item, txt, sizeof(txt)));
    }
    gsctp_msg_free(&m);
  }
  cr_assert_geq(errors, 2, "comm_lost and two sctp_error messages");
  rc = gsctp_owner_recv_match(NULL, &mt, TS_WAIT_MS, &m);
  cr_assert_eq(rc, 0, "%s", gsctp_err_name(rc));
  cr_assert_eq(m.kind, GSCTP_MSG_SCTP_PASSIVE,
               "the fourth message is sctp_passive, not kind %d", m.kind);
  gsctp_msg_free(&m);
  cr_assert_eq(gsctp_owner_recv_match(NULL, &mt, 300, &m), GSCTP_ETIMEOUT,
               "nothing more is delivered while passive");
  /* The rest waits for recv: the remaining send_failed items come as
   * GSCTP_ESCTP_ERROR.  Other events may come first (seen once under
   * ASan: an item with rc 0), so skip those, a bounded number. */
  for (i = 0; i < 100; ++i) {
    rc = gsctp_recv(p.cli, TS_WAIT_MS, &it);
    if (rc != 0 || !it.is_event || it.event.type == GSCTP_EV_SEND_FAILED) {
      break;
    }
    cr_log_info("skipped before the send_failed: %s",
                ts_item_str(&it, txt, sizeof(txt)));
    gsctp_item_free(&it);
  }
  cr_assert_eq(rc, GSCTP_ESCTP_ERROR, "passive recv of the rest: %s (%s)",
               gsctp_err_name(rc),
               rc == 0 ? ts_item_str(&it, txt, sizeof(txt)) : "no item");
  cr_assert(it.is_event && it.event.type == GSCTP_EV_SEND_FAILED);
  gsctp_item_free(&it);
  ts_pair_close(&p);
  drain_self();
}

static int listen_in_thread(void *arg) {
  return gsctp_listen(*(gsctp_sock *)arg, GSCTP_LISTEN_TRUE);
}

/* 1.6: any process may call listen, not only the owner. */
Test(semantics, listen_from_a_thread_that_is_not_the_owner) {
  gsctp_opt q = ts_opt_quiet();
  gsctp_sock srv, cli;
  gsctp_assoc_change up;
  gsctp_ip lo = gsctp_ip_loopback(GSCTP_FAMILY_INET);
  ts_thread th;
  int rc = -1;

  srv = ts_open(GSCTP_FAMILY_INET, NULL, &q, 1);
  cli = ts_open(GSCTP_FAMILY_INET, NULL, &q, 1);
  ts_thread_start(&th, listen_in_thread, &srv);
  cr_assert_eq(ts_thread_join(&th, TS_WAIT_MS, &rc), 0);
  cr_assert_eq(rc, 0, "listen from another thread: %s", gsctp_err_name(rc));
  rc = gsctp_connect(cli, &lo, gsctp_port(srv), NULL, 0, TS_WAIT_MS, &up);
  cr_assert_eq(rc, 0, "connect: %s", gsctp_err_name(rc));
  (void)ts_expect_assoc_change(srv, GSCTP_COMM_UP, 0);
  gsctp_close(cli);
  gsctp_close(srv);
}

/* Section 6: abort/2 on a one-to-one (stream) socket is einval, and the
 * association goes on. */
Test(semantics, abort_on_a_stream_socket_is_einval) {
  gsctp_opt q = ts_opt_quiet();
  gsctp_sock s2 = 0;
  gsctp_item it;
  ts_pair p;
  int rc;

  ts_pair_open(&p, GSCTP_FAMILY_INET, NULL, &q, 1, &q, 1);
  rc = gsctp_peeloff(p.srv, p.srv_up.assoc_id, &s2);
  cr_assert_eq(rc, 0, "peeloff: %s", gsctp_err_name(rc));
  cr_assert_eq(gsctp_abort(s2, &p.srv_up), GSCTP_EINVAL);
  cr_assert_eq(gsctp_send(p.cli, p.cli_up.assoc_id, 0, "still", 5), 0);
  ts_recv_data(s2, TS_WAIT_MS, &it);
  cr_assert_eq(it.datalen, 5u);
  gsctp_item_free(&it);
  gsctp_close(s2);
  ts_pair_close(&p);
}

/* 1.8 and 1.15: sctp_paddr_change is never turned into an error (OTP's
 * code, against its documentation): gsctp_recv gives it with 0, and in
 * active mode it is an ordinary sctp message.  usrsctp reports
 * addr_confirmed for the primary path to the server right after
 * comm_up. */
Test(semantics, paddr_change_is_never_an_error) {
  gsctp_opt act = ts_opt_i(GSCTP_OPT_ACTIVE, GSCTP_ACTIVE_TRUE);
  gsctp_match mt;
  gsctp_msg m;
  gsctp_item it;
  char txt[256];
  gsctp_ip lo = gsctp_ip_loopback(GSCTP_FAMILY_INET);
  gsctp_sock srv, cli;
  gsctp_assoc_change up;
  int i, rc, seen = 0;

  srv = ts_open_server(GSCTP_FAMILY_INET, NULL, NULL, 0);
  cli = ts_open(GSCTP_FAMILY_INET, NULL, NULL, 0);
  rc = gsctp_connect(cli, &lo, gsctp_port(srv), NULL, 0, TS_WAIT_MS, &up);
  cr_assert_eq(rc, 0, "connect: %s", gsctp_err_name(rc));
  for (i = 0; i < 20 && !seen; ++i) {
    rc = gsctp_recv(srv, TS_WAIT_MS, &it);
    if (rc == GSCTP_ETIMEOUT) {
      break;
    }
    cr_assert_eq(rc, 0, "recv: %s (%s)", gsctp_err_name(rc),
                 ts_item_str(&it, txt, sizeof(txt)));
    seen = it.is_event && it.event.type == GSCTP_EV_PADDR_CHANGE;
    gsctp_item_free(&it);
  }
  cr_assert(seen, "no sctp_paddr_change after comm_up");
  gsctp_close(cli);
  gsctp_close(srv);

  /* The same server in active mode. */
  srv = ts_open_server(GSCTP_FAMILY_INET, NULL, &act, 1);
  cli = ts_open(GSCTP_FAMILY_INET, NULL, NULL, 0);
  rc = gsctp_connect(cli, &lo, gsctp_port(srv), NULL, 0, TS_WAIT_MS, &up);
  cr_assert_eq(rc, 0, "connect: %s", gsctp_err_name(rc));
  memset(&mt, 0, sizeof(mt));
  mt.sock = srv;
  seen = 0;
  for (i = 0; i < 20 && !seen; ++i) {
    rc = gsctp_owner_recv_match(NULL, &mt, TS_WAIT_MS, &m);
    if (rc == GSCTP_ETIMEOUT) {
      break;
    }
    cr_assert_eq(rc, 0, "%s", gsctp_err_name(rc));
    cr_assert_neq(m.kind, GSCTP_MSG_SCTP_ERROR, "an sctp_error: %s",
                  ts_item_str(&m.item, txt, sizeof(txt)));
    seen = m.kind == GSCTP_MSG_SCTP && m.item.is_event &&
           m.item.event.type == GSCTP_EV_PADDR_CHANGE;
    gsctp_msg_free(&m);
  }
  cr_assert(seen, "no sctp_paddr_change message after comm_up");
  gsctp_close(cli);
  gsctp_close(srv);
  drain_self();
}

/* 1.5 / 5.6, a deliberate difference: OTP's passive connect returns the
 * first item that is not its assoc_change as {error, Item} and loses it.
 * gsctp keeps such items: a socket that is a server (a peer is associated
 * and has sent data) connects elsewhere; connect succeeds, and the
 * earlier items come back from gsctp_recv in their original order. */
Test(semantics, passive_connect_keeps_earlier_items_in_order) {
  gsctp_opt q = ts_opt_quiet();
  gsctp_ip lo = gsctp_ip_loopback(GSCTP_FAMILY_INET);
  gsctp_sock s, peer, other;
  gsctp_assoc_change pup, up;
  gsctp_item it;
  char txt[256];
  int rc, i;

  s = ts_open_server(GSCTP_FAMILY_INET, NULL, &q, 1);
  peer = ts_open(GSCTP_FAMILY_INET, NULL, &q, 1);
  other = ts_open_server(GSCTP_FAMILY_INET, NULL, &q, 1);
  rc = gsctp_connect(peer, &lo, gsctp_port(s), NULL, 0, TS_WAIT_MS, &pup);
  cr_assert_eq(rc, 0, "%s", gsctp_err_name(rc));
  cr_assert_eq(gsctp_send(peer, pup.assoc_id, 0, "early", 5), 0);
  /* Let the data reach s before its connect starts. */
  for (i = 0; i < 200; ++i) {
    gsctp_opt st = {.name = GSCTP_OPT_SCTP_STATUS};
    size_t n = 0;

    st.v.status.assoc_id = pup.assoc_id;
    if (gsctp_getopts(peer, &st, 1, &n) == 0 && n == 1 &&
        st.v.status.unackdata == 0) {
      break;
    }
    ts_sleep_ms(10);
  }
  rc = gsctp_connect(s, &lo, gsctp_port(other), NULL, 0, TS_WAIT_MS, &up);
  cr_assert_eq(rc, 0, "passive connect with items queued: %s",
               gsctp_err_name(rc));
  cr_assert_eq(up.state, GSCTP_COMM_UP);
  rc = ts_recv_next(s, TS_WAIT_MS, &it);
  cr_assert_eq(rc, 0, "%s", gsctp_err_name(rc));
  cr_assert(it.is_event && it.event.type == GSCTP_EV_ASSOC_CHANGE &&
              it.event.u.assoc_change.state == GSCTP_COMM_UP &&
              it.event.u.assoc_change.assoc_id != up.assoc_id,
            "first the peer's comm_up, got %s",
            ts_item_str(&it, txt, sizeof(txt)));
  gsctp_item_free(&it);
  ts_recv_data(s, TS_WAIT_MS, &it);
  cr_assert_eq(it.datalen, 5u);
  cr_assert(memcmp(it.data, "early", 5) == 0);
  gsctp_item_free(&it);
  cr_assert_eq(gsctp_recv(s, 0, &it), GSCTP_ETIMEOUT,
               "connect's own comm_up is not delivered again");
  gsctp_close(peer);
  gsctp_close(other);
  gsctp_close(s);
}

/* ---- a remote ERROR chunk, end to end ---- */

/* A user link that forwards every packet back into the stack from a
 * thread of its own (the output function must not call gsctp), and
 * remembers the verification tag of packets to |watch_port|. */
#define FWD_SLOTS 256
#define FWD_MAX 2048

typedef struct fwd {
  pthread_mutex_t mu;
  pthread_cond_t cv;
  uint8_t pkt[FWD_SLOTS][FWD_MAX];
  size_t len[FWD_SLOTS];
  size_t head, count;
  int stop;
  gsctp_link *link;
  uint16_t watch_port;
  uint32_t tag; /* last vtag seen towards watch_port */
  pthread_t th;
} fwd;

static void fwd_output(void *user, const uint8_t *pkt, size_t len,
                       uint8_t tos) {
  fwd *f = user;

  (void)tos;
  if (len < 12 || len > FWD_MAX) {
    return; /* a loss */
  }
  pthread_mutex_lock(&f->mu);
  if (f->watch_port != 0 && ts_get16(pkt + 2) == f->watch_port) {
    f->tag = ts_get32(pkt + 4);
  }
  if (f->count < FWD_SLOTS) {
    size_t i = (f->head + f->count) % FWD_SLOTS;

    memcpy(f->pkt[i], pkt, len);
    f->len[i] = len;
    f->count++;
    pthread_cond_signal(&f->cv);
  }
  pthread_mutex_unlock(&f->mu);
}

static void *fwd_main(void *arg) {
  fwd *f = arg;
  static uint8_t buf[FWD_MAX];

  pthread_mutex_lock(&f->mu);
  while (!f->stop) {
    size_t len;

    if (f->count == 0) {
      pthread_cond_wait(&f->cv, &f->mu);
      continue;
    }
    len = f->len[f->head];
    memcpy(buf, f->pkt[f->head], len);
    f->head = (f->head + 1) % FWD_SLOTS;
    f->count--;
    pthread_mutex_unlock(&f->mu);
    (void)gsctp_link_input(f->link, buf, len);
    pthread_mutex_lock(&f->mu);
  }
  pthread_mutex_unlock(&f->mu);
  return NULL;
}

static fwd g_fwd;

static void fwd_start(void) {
  memset(&g_fwd, 0, sizeof(g_fwd));
  pthread_mutex_init(&g_fwd.mu, NULL);
  pthread_cond_init(&g_fwd.cv, NULL);
  cr_assert_eq(gsctp_link_new(&g_fwd.link, fwd_output, &g_fwd), 0);
  cr_assert_eq(pthread_create(&g_fwd.th, NULL, fwd_main, &g_fwd), 0);
}

static void fwd_stop(void) {
  pthread_mutex_lock(&g_fwd.mu);
  g_fwd.stop = 1;
  pthread_cond_signal(&g_fwd.cv);
  pthread_mutex_unlock(&g_fwd.mu);
  pthread_join(g_fwd.th, NULL);
  gsctp_link_del(g_fwd.link);
}

/* An ERROR chunk from the server's port to the client's, with the
 * client's verification tag, carrying the cause codes |causes|. */
static void inject_error(const ts_pair *p, uint32_t tag, const uint16_t *causes,
                         size_t n) {
  uint8_t pkt[64];
  size_t len = 12 + 4 + 8 * n, i;

  cr_assert_leq(len, sizeof(pkt));
  memset(pkt, 0, sizeof(pkt));
  ts_put16(pkt, p->srv_port);
  ts_put16(pkt + 2, p->cli_port);
  ts_put32(pkt + 4, tag);
  pkt[12] = 9; /* ERROR */
  ts_put16(pkt + 14, (uint16_t)(4 + 8 * n));
  for (i = 0; i < n; ++i) {
    uint8_t *c = pkt + 16 + 8 * i;

    ts_put16(c, causes[i]);
    ts_put16(c + 2, 8); /* 4 bytes of cause information */
  }
  ts_sctp_set_checksum(pkt, len);
  cr_assert_eq(gsctp_link_input(g_fwd.link, pkt, len), 0);
}

/* 1.8: a remote error is turned into an error: passive gsctp_recv gives
 * GSCTP_ESCTP_ERROR with the decoded peer address and the
 * #sctp_remote_error{} (data = the cause codes); in active mode it is the
 * sctp_error message.  The association goes on. */
Test(semantics, remote_error_is_an_sctp_error_passive_and_active) {
  static const uint16_t causes1[] = {1}, causes2[] = {6, 13};
  gsctp_opt q = ts_opt_quiet();
  gsctp_opt once = ts_opt_i(GSCTP_OPT_ACTIVE, GSCTP_ACTIVE_ONCE);
  gsctp_match mt;
  gsctp_msg m;
  gsctp_ip ip;
  gsctp_item it;
  char txt[256];
  uint32_t tag;
  ts_pair p;
  int rc, i;

  fwd_start();
  ip = gsctp_ip_conn(g_fwd.link);
  ts_pair_open(&p, GSCTP_FAMILY_CONN, &ip, &q, 1, &q, 1);
  pthread_mutex_lock(&g_fwd.mu);
  g_fwd.watch_port = p.cli_port;
  pthread_mutex_unlock(&g_fwd.mu);
  /* A message to the client shows its tag. */
  cr_assert_eq(gsctp_send(p.srv, p.srv_up.assoc_id, 0, "tag", 3), 0);
  ts_recv_data(p.cli, TS_WAIT_MS, &it);
  gsctp_item_free(&it);
  pthread_mutex_lock(&g_fwd.mu);
  tag = g_fwd.tag;
  pthread_mutex_unlock(&g_fwd.mu);
  cr_assert_neq(tag, 0u);

  inject_error(&p, tag, causes1, 1);
  rc = ts_recv_next(p.cli, TS_WAIT_MS, &it);
  cr_assert_eq(rc, GSCTP_ESCTP_ERROR, "recv: %s (%s)", gsctp_err_name(rc),
               ts_item_str(&it, txt, sizeof(txt)));
  cr_assert(it.is_event && it.event.type == GSCTP_EV_REMOTE_ERROR, "%s",
            ts_item_str(&it, txt, sizeof(txt)));
  cr_assert_eq(it.event.u.remote_error.assoc_id, p.cli_up.assoc_id);
  cr_assert_eq(it.event.u.remote_error.error, 1);
  cr_assert_eq(it.event.u.remote_error.ndata, 1u);
  cr_assert_eq(it.event.u.remote_error.data[0], 1);
  cr_assert(ts_addr_is(&it.from, &ip, p.srv_port), "from %s",
            ts_addr_str(&it.from, txt, sizeof(txt)));
  gsctp_item_free(&it);

  cr_assert_eq(gsctp_setopts(p.cli, &once, 1), 0);
  inject_error(&p, tag, causes2, 2);
  memset(&mt, 0, sizeof(mt));
  mt.sock = p.cli;
  rc = gsctp_owner_recv_match(NULL, &mt, TS_WAIT_MS, &m);
  cr_assert_eq(rc, 0, "%s", gsctp_err_name(rc));
  cr_assert_eq(m.kind, GSCTP_MSG_SCTP_ERROR, "kind %d: %s", m.kind,
               ts_item_str(&m.item, txt, sizeof(txt)));
  cr_assert_eq(m.item.event.type, GSCTP_EV_REMOTE_ERROR);
  cr_assert_eq(m.item.event.u.remote_error.ndata, 2u);
  for (i = 0; i < 2; ++i) {
    cr_assert_eq(m.item.event.u.remote_error.data[i], causes2[i]);
  }
  gsctp_msg_free(&m);

  /* Still associated. */
  cr_assert_eq(gsctp_send(p.cli, p.cli_up.assoc_id, 0, "alive", 5), 0);
  ts_recv_data(p.srv, TS_WAIT_MS, &it);
  cr_assert_eq(it.datalen, 5u);
  gsctp_item_free(&it);
  ts_pair_close(&p);
  drain_self();
  fwd_stop();
}

/* 1.3: several {ip, IP} at open accumulate: the first is bound, the rest
 * added with bindx, and socknames lists them all on the one port.  An
 * inet6 socket takes an IPv4 address too (unless ipv6_v6only). */
Test(semantics, open_with_several_ips_binds_them_all) {
  gsctp_opt o[3];
  gsctp_addr names[8];
  gsctp_sock s;
  size_t n = 0, i;
  int rc, v4 = 0, v6 = 0;

  if (!ts_have_ipv6_loopback()) {
    cr_skip_test("no IPv6 loopback");
  }
  o[0] = ts_opt_i(GSCTP_OPT_FAMILY, GSCTP_FAMILY_INET6);
  o[1] = ts_opt_ip(gsctp_ip_loopback(GSCTP_FAMILY_INET6));
  o[2] = ts_opt_ip(gsctp_ip_loopback(GSCTP_FAMILY_INET));
  rc = gsctp_open(&s, o, 3);
  cr_assert_eq(rc, 0, "open: %s (%s)", gsctp_err_name(rc),
               gsctp_error_detail());
  rc = gsctp_socknames(s, 0, names, 8, &n);
  cr_assert_eq(rc, 0, "%s", gsctp_err_name(rc));
  cr_assert_eq(n, 2u, "%zu local addresses", n);
  for (i = 0; i < n; ++i) {
    cr_assert_eq(names[i].port, (uint16_t)gsctp_port(s));
    v4 += names[i].ip.family == GSCTP_FAMILY_INET;
    v6 += names[i].ip.family == GSCTP_FAMILY_INET6;
  }
  cr_assert(v4 == 1 && v6 == 1, "v4 %d v6 %d", v4, v6);
  gsctp_close(s);
}

/* 1.4: setting buffer below 1 clamps it to 1 (0 here). */
Test(semantics, buffer_below_one_clamps_to_one) {
  gsctp_sock s = ts_open(GSCTP_FAMILY_INET, NULL, NULL, 0);
  gsctp_opt o = ts_opt_i(GSCTP_OPT_BUFFER, 0);
  gsctp_opt g = {.name = GSCTP_OPT_BUFFER};
  size_t n = 0;

  cr_assert_eq(gsctp_setopts(s, &o, 1), 0);
  cr_assert_eq(gsctp_getopts(s, &g, 1, &n), 0);
  cr_assert_eq(n, 1u);
  cr_assert_eq(g.v.i, 1, "buffer %lld", (long long)g.v.i);
  /* OTP's type is any int and the driver clamps it: a negative value
   * clamps to 1 as well. */
  o = ts_opt_i(GSCTP_OPT_BUFFER, -5);
  cr_assert_eq(gsctp_setopts(s, &o, 1), 0);
  g.v.i = 0;
  cr_assert_eq(gsctp_getopts(s, &g, 1, &n), 0);
  cr_assert_eq(g.v.i, 1, "buffer %lld", (long long)g.v.i);
  gsctp_close(s);
}

/* 1.7: abort/2 ends one association; the socket stays open and its other
 * associations are unaffected. */
Test(semantics, abort_leaves_the_other_associations) {
  gsctp_opt q = ts_opt_quiet();
  gsctp_ip lo = gsctp_ip_loopback(GSCTP_FAMILY_INET);
  gsctp_sock srv, c1, c2;
  gsctp_assoc_change u1, u2, s1, s2;
  gsctp_item it;
  int rc;

  srv = ts_open_server(GSCTP_FAMILY_INET, NULL, &q, 1);
  c1 = ts_open(GSCTP_FAMILY_INET, NULL, &q, 1);
  c2 = ts_open(GSCTP_FAMILY_INET, NULL, &q, 1);
  rc = gsctp_connect(c1, &lo, gsctp_port(srv), NULL, 0, TS_WAIT_MS, &u1);
  cr_assert_eq(rc, 0, "%s", gsctp_err_name(rc));
  s1 = ts_expect_assoc_change(srv, GSCTP_COMM_UP, 0);
  rc = gsctp_connect(c2, &lo, gsctp_port(srv), NULL, 0, TS_WAIT_MS, &u2);
  cr_assert_eq(rc, 0, "%s", gsctp_err_name(rc));
  s2 = ts_expect_assoc_change(srv, GSCTP_COMM_UP, 0);
  cr_assert_neq(s1.assoc_id, s2.assoc_id);

  cr_assert_eq(gsctp_abort(srv, &s1), 0);
  (void)ts_expect_assoc_change(srv, GSCTP_COMM_LOST, s1.assoc_id);
  (void)ts_expect_assoc_change(c1, GSCTP_COMM_LOST, u1.assoc_id);
  cr_assert_eq(gsctp_send(srv, s1.assoc_id, 0, "x", 1), GSCTP_EPIPE);
  cr_assert_eq(gsctp_send(srv, s2.assoc_id, 0, "to c2", 5), 0);
  ts_recv_data(c2, TS_WAIT_MS, &it);
  cr_assert_eq(it.datalen, 5u);
  gsctp_item_free(&it);
  cr_assert_eq(gsctp_send(c2, u2.assoc_id, 0, "to srv", 6), 0);
  ts_recv_data(srv, TS_WAIT_MS, &it);
  cr_assert_eq(it.datalen, 6u);
  gsctp_item_free(&it);
  gsctp_close(c1);
  gsctp_close(c2);
  gsctp_close(srv);
}

/* gsctp_item_free keeps a freed small buffer for the thread's next item
 * (frontend/sock.c): items still held must never share it.  Receive
 * messages of several sizes while holding some and freeing others in
 * between, and check every payload. */
Test(semantics, held_items_keep_their_data_when_buffers_are_reused) {
  static const size_t sizes[] = {10, 100, 1000, 3000, 4096, 5000, 64, 1};
  enum { N = sizeof(sizes) / sizeof(sizes[0]), ROUNDS = 3 };
  gsctp_item held[N];
  uint8_t msg[5000];
  ts_pair p;
  int r, i, rc;

  ts_pair_open(&p, GSCTP_FAMILY_INET, NULL, NULL, 0, NULL, 0);
  for (r = 0; r < ROUNDS; ++r) {
    for (i = 0; i < N; ++i) {
      ts_fill(msg, sizes[i], (uint32_t)(100 * r + i));
      rc = gsctp_send(p.cli, p.cli_up.assoc_id, 0, msg, sizes[i]);
      cr_assert_eq(rc, 0, "send %d: %s", i, gsctp_err_name(rc));
    }
    for (i = 0; i < N; ++i) {
      ts_recv_data(p.srv, TS_WAIT_MS, &held[i]);
      cr_assert_eq(held[i].datalen, sizes[i]);
      if (i % 2 == 1) {
        /* free every other one at once: its buffer becomes the spare
         * that the next receive takes */
        cr_assert_eq(
          ts_check(held[i].data, held[i].datalen, (uint32_t)(100 * r + i)),
          held[i].datalen, "round %d item %d", r, i);
        gsctp_item_free(&held[i]);
      }
    }
    for (i = 0; i < N; i += 2) {
      cr_assert_eq(
        ts_check(held[i].data, held[i].datalen, (uint32_t)(100 * r + i)),
        held[i].datalen, "round %d held item %d was overwritten", r, i);
      gsctp_item_free(&held[i]);
    }
  }
  ts_pair_close(&p);
}
