/*
 * tests/test_link.c - associations over an in-memory AF_CONN link
 * (gsctp_link_new_memory): no network at all, optional packet loss.
 *
 * Both sockets bind to the link's address (gsctp_ip_conn(link)); the
 * client connects to the server's port on that link.
 */
#include <criterion/criterion.h>

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <gsctp/gsctp.h>

#include "gsctp_int.h"
#include "tsupport.h"

static gsctp_link *link_;

static void setup(void) {
  gsctp_stack_config cfg;
  int rc;

  /* The link needs no UDP, but a stack on a free port also proves the
   * two transports coexist; never take the default port 9899. */
  gsctp_stack_config_default(&cfg);
  cfg.udp_port = 0;
  rc = gsctp_stack_start(&cfg);
  cr_assert_eq(rc, 0, "stack start: %d (%s)", rc, gsctp_err_name(rc));
  rc = gsctp_link_new_memory(&link_);
  cr_assert_eq(rc, 0, "gsctp_link_new_memory: %d (%s)", rc, gsctp_err_name(rc));
  cr_assert_not_null(link_);
}

TestSuite(link, .init = setup, .timeout = 120);

static void link_pair(ts_pair *p, const gsctp_opt *co, size_t nco) {
  gsctp_ip ip = gsctp_ip_conn(link_);

  cr_assert_eq(ip.family, GSCTP_FAMILY_CONN);
  ts_pair_open(p, GSCTP_FAMILY_CONN, &ip, co, nco, NULL, 0);
}

Test(link, association_and_data_both_ways) {
  gsctp_opt co[] = {ts_opt_ostreams(5)};
  gsctp_ip ip = gsctp_ip_conn(link_);
  gsctp_item it;
  char b1[80];
  ts_pair p;
  uint64_t pk0;
  int rc;

  cr_assert_eq(gsctp_link_packets(NULL), 0u);
  pk0 = gsctp_link_packets(link_);
  link_pair(&p, co, 1);
  cr_assert_eq(p.cli_up.outbound_streams, 5);
  cr_assert_eq(p.srv_up.inbound_streams, 5);
  cr_assert_geq(gsctp_link_packets(link_), pk0 + 4,
                "the handshake carried %llu packets over the link",
                (unsigned long long)(gsctp_link_packets(link_) - pk0));

  rc = gsctp_send(p.cli, p.cli_up.assoc_id, 3, "over the link", 13);
  cr_assert_eq(rc, 0, "send: %s", gsctp_err_name(rc));
  ts_recv_data(p.srv, TS_WAIT_MS, &it);
  cr_assert_eq(it.datalen, 13u);
  cr_assert_arr_eq(it.data, "over the link", 13);
  cr_assert_eq(it.anc.stream, 3);
  cr_assert_eq(it.anc.assoc_id, (int64_t)p.srv_up.assoc_id);
  cr_assert_eq(it.from.ip.family, GSCTP_FAMILY_CONN);
  cr_assert(ts_addr_is(&it.from, &ip, p.cli_port), "data from %s",
            ts_addr_str(&it.from, b1, sizeof(b1)));
  gsctp_item_free(&it);

  rc = gsctp_send(p.srv, p.srv_up.assoc_id, 0, "and back", 8);
  cr_assert_eq(rc, 0, "send: %s", gsctp_err_name(rc));
  ts_recv_data(p.cli, TS_WAIT_MS, &it);
  cr_assert_arr_eq(it.data, "and back", 8);
  cr_assert(ts_addr_is(&it.from, &ip, p.srv_port), "data from %s",
            ts_addr_str(&it.from, b1, sizeof(b1)));
  gsctp_item_free(&it);
  ts_pair_close(&p);
}

/* ---- many messages (shared with the loss test) ---- */

typedef struct many_sender {
  gsctp_sock sock;
  uint32_t assoc;
  int count;
  int nstreams;
  int failed_at;
} many_sender;

#define MANY_HDR 8

static size_t many_len(int i) {
  return MANY_HDR + (size_t)((i * 53) % 400);
}

static int many_send(void *arg) {
  many_sender *s = arg;
  uint8_t buf[MANY_HDR + 400];
  gsctp_sndrcvinfo sri = GSCTP_SNDRCVINFO_INIT;
  int i, rc;

  for (i = 0; i < s->count; ++i) {
    int stream = i % s->nstreams;
    uint32_t seq = (uint32_t)(i / s->nstreams);
    size_t len = many_len(i);

    ts_put16(buf, (uint16_t)stream);
    ts_put16(buf + 2, 0);
    ts_put32(buf + 4, seq);
    ts_fill(buf + MANY_HDR, len - MANY_HDR, (uint32_t)i);
    sri.stream = stream;
    sri.ppid = 500 + stream;
    sri.assoc_id = s->assoc;
    rc = gsctp_send_sri(s->sock, &sri, buf, len);
    if (rc != 0) {
      s->failed_at = i;
      return rc;
    }
  }
  return 0;
}

static void many_recv(gsctp_sock sock, int count, int nstreams,
                      int timeout_ms) {
  uint32_t next[16] = {0};
  gsctp_item it;
  int n;

  for (n = 0; n < count; ++n) {
    int stream, i;
    uint32_t seq;
    size_t bad;

    ts_recv_data(sock, timeout_ms, &it);
    cr_assert_geq(it.datalen, (size_t)MANY_HDR);
    stream = ts_get16(it.data);
    seq = ts_get32(it.data + 4);
    cr_assert_lt(stream, nstreams);
    cr_assert_eq(it.anc.stream, stream);
    cr_assert_eq(seq, next[stream],
                 "stream %d: got message %u, expected %u (out of order)",
                 stream, (unsigned)seq, (unsigned)next[stream]);
    cr_assert_eq(it.anc.ppid, 500 + stream);
    i = (int)seq * nstreams + stream;
    cr_assert_eq(it.datalen, many_len(i));
    bad = ts_check(it.data + MANY_HDR, it.datalen - MANY_HDR, (uint32_t)i);
    cr_assert_eq(bad, it.datalen - MANY_HDR, "stream %d message %u corrupt",
                 stream, (unsigned)seq);
    next[stream]++;
    gsctp_item_free(&it);
  }
}

static void run_many(ts_pair *p, int count, int timeout_ms) {
  many_sender s;
  ts_thread th;
  int rc = -1, jr;

  memset(&s, 0, sizeof(s));
  s.sock = p->cli;
  s.assoc = p->cli_up.assoc_id;
  s.count = count;
  s.nstreams = 10;
  ts_thread_start(&th, many_send, &s);
  many_recv(p->srv, count, 10, timeout_ms);
  jr = ts_thread_join(&th, timeout_ms, &rc);
  cr_assert_eq(jr, 0, "sender thread did not finish");
  cr_assert_eq(rc, 0, "send %d failed: %s", s.failed_at, gsctp_err_name(rc));
}

Test(link, thousand_messages_ten_streams_in_order) {
  gsctp_opt co[] = {ts_opt_ostreams(10)};
  uint64_t pk0;
  ts_pair p;

  link_pair(&p, co, 1);
  cr_assert_geq(p.cli_up.outbound_streams, 10);
  pk0 = gsctp_link_packets(link_);
  run_many(&p, 1000, TS_WAIT_MS);
  cr_assert_gt(gsctp_link_packets(link_), pk0,
               "gsctp_link_packets did not grow with data");
  ts_pair_close(&p);
}

typedef struct big_sender {
  gsctp_sock sock;
  uint32_t assoc;
  const uint8_t *buf;
  size_t len;
} big_sender;

static int big_send(void *arg) {
  big_sender *b = arg;
  int rc = gsctp_send(b->sock, b->assoc, 2, b->buf, b->len);

  if (rc != 0) {
    return rc;
  }
  return gsctp_send(b->sock, b->assoc, 2, "tail", 4);
}

Test(link, one_mib_message_arrives_whole) {
  size_t len = 1024 * 1024, bad;
  uint8_t *buf = malloc(len);
  big_sender b;
  ts_thread th;
  gsctp_item it;
  ts_pair p;
  int rc = -1, jr;

  cr_assert_not_null(buf);
  ts_fill(buf, len, 77);
  link_pair(&p, NULL, 0);
  b.sock = p.cli;
  b.assoc = p.cli_up.assoc_id;
  b.buf = buf;
  b.len = len;
  ts_thread_start(&th, big_send, &b);
  ts_recv_data(p.srv, 3 * TS_WAIT_MS, &it);
  cr_assert_eq(it.datalen, len, "1 MiB message arrived as %zu bytes",
               it.datalen);
  bad = ts_check(it.data, it.datalen, 77);
  cr_assert_eq(bad, len, "byte %zu differs", bad);
  cr_assert_eq(it.anc.stream, 2);
  gsctp_item_free(&it);
  ts_recv_data(p.srv, TS_WAIT_MS, &it);
  cr_assert_eq(it.datalen, 4u);
  cr_assert_arr_eq(it.data, "tail", 4);
  gsctp_item_free(&it);
  jr = ts_thread_join(&th, TS_WAIT_MS, &rc);
  cr_assert_eq(jr, 0);
  cr_assert_eq(rc, 0, "send: %s", gsctp_err_name(rc));
  free(buf);
  ts_pair_close(&p);
}

Test(link, eof_gives_shutdown_event_then_shutdown_comp) {
  gsctp_item it;
  char buf[256];
  ts_pair p;
  int rc;

  link_pair(&p, NULL, 0);
  rc = gsctp_eof(p.cli, &p.cli_up);
  cr_assert_eq(rc, 0, "eof: %s", gsctp_err_name(rc));
  rc = ts_recv_next(p.srv, TS_WAIT_MS, &it);
  cr_assert_eq(rc, 0, "recv: %s", gsctp_err_name(rc));
  cr_assert(it.is_event && it.event.type == GSCTP_EV_SHUTDOWN,
            "expected sctp_shutdown_event, got %s",
            ts_item_str(&it, buf, sizeof(buf)));
  cr_assert_eq(it.event.u.shutdown.assoc_id, p.srv_up.assoc_id);
  gsctp_item_free(&it);
  (void)ts_expect_assoc_change(p.srv, GSCTP_SHUTDOWN_COMP, p.srv_up.assoc_id);
  (void)ts_expect_assoc_change(p.cli, GSCTP_SHUTDOWN_COMP, p.cli_up.assoc_id);
  cr_assert_eq(gsctp_send(p.cli, p.cli_up.assoc_id, 0, "x", 1), GSCTP_EPIPE);
  ts_pair_close(&p);
}

Test(link, abort_gives_comm_lost_on_both_sides) {
  gsctp_assoc_change ac;
  ts_pair p;
  int rc;

  link_pair(&p, NULL, 0);
  rc = gsctp_abort(p.srv, &p.srv_up);
  cr_assert_eq(rc, 0, "abort: %s", gsctp_err_name(rc));
  (void)ts_expect_assoc_change(p.srv, GSCTP_COMM_LOST, p.srv_up.assoc_id);
  ac = ts_expect_assoc_change(p.cli, GSCTP_COMM_LOST, p.cli_up.assoc_id);
  cr_assert_eq(ac.error, 12, "comm_lost error %u, expected 12",
               (unsigned)ac.error);
  cr_assert_eq(gsctp_send(p.cli, p.cli_up.assoc_id, 0, "x", 1), GSCTP_EPIPE);
  ts_pair_close(&p);
}

Test(link, loss_still_delivers_every_message_in_order) {
  gsctp_opt co[] = {ts_opt_ostreams(10)};
  gsctp_stack_stats st0, st1;
  uint64_t pk0, pk1;
  ts_pair p;
  int rc;

  link_pair(&p, co, 1);
  cr_assert_eq(gsctp_stack_get_stats(&st0), 0);
  rc = gsctp_link_set_loss(link_, 10);
  cr_assert_eq(rc, 0, "set_loss: %s", gsctp_err_name(rc));
  pk0 = gsctp_link_packets(link_);

  run_many(&p, 1000, 6 * TS_WAIT_MS);

  pk1 = gsctp_link_packets(link_);
  cr_assert_gt(pk1, pk0 + 10, "the link carried only %llu packets",
               (unsigned long long)(pk1 - pk0));
  cr_assert_eq(gsctp_stack_get_stats(&st1), 0);
  cr_assert_gt(st1.retransmits, st0.retransmits,
               "every 10th packet was lost, but no retransmissions counted");

  /* Shutdown still completes under loss. */
  rc = gsctp_eof(p.cli, &p.cli_up);
  cr_assert_eq(rc, 0, "eof: %s", gsctp_err_name(rc));
  {
    gsctp_item it;

    rc = ts_recv_event(p.cli, GSCTP_EV_ASSOC_CHANGE, GSCTP_SHUTDOWN_COMP,
                       6 * TS_WAIT_MS, &it, NULL);
    cr_assert_eq(rc, 0, "no shutdown_comp under loss: %s", gsctp_err_name(rc));
    gsctp_item_free(&it);
  }
  cr_assert_eq(gsctp_link_set_loss(link_, 0), 0);
  ts_pair_close(&p);
}

Test(link, bad_arguments) {
  gsctp_link *l = NULL;

  cr_assert_eq(gsctp_link_new_memory(NULL), GSCTP_EBADARG);
  cr_assert_eq(gsctp_link_set_loss(NULL, 3), GSCTP_EBADARG);
  cr_assert_eq(gsctp_link_input(NULL, (const uint8_t *)"x", 1), GSCTP_EBADARG);
  cr_assert_eq(gsctp_link_new_memory(&l), 0);
  cr_assert_not_null(l);
  cr_assert_eq(gsctp_link_input(l, NULL, 5), GSCTP_EBADARG);
  gsctp_link_del(l);
  gsctp_link_del(NULL);
}

/* PR-SCTP timetolive: a message that was transmitted but never acked
 * (every packet is lost) is abandoned once its lifetime runs out; the
 * sender gets sctp_send_failed with flags 1 (it was on the wire) and the
 * whole payload, and the receiver never gets the message, only what was
 * sent after the loss ended. */
Test(link, timetolive_abandons_a_transmitted_message) {
  gsctp_sndrcvinfo sri = GSCTP_SNDRCVINFO_INIT;
  gsctp_item it;
  size_t skipped = 0;
  ts_pair p;
  int rc;

  link_pair(&p, NULL, 0);
  cr_assert_eq(gsctp_link_set_loss(link_, 1), 0); /* drop everything */
  sri.assoc_id = p.cli_up.assoc_id;
  sri.ppid = 7;
  sri.context = 0xABCD;
  sri.timetolive = 200;
  rc = gsctp_send_sri(p.cli, &sri, "short-lived", 11);
  cr_assert_eq(rc, 0, "send: %s", gsctp_err_name(rc));

  rc =
    ts_recv_event(p.cli, GSCTP_EV_SEND_FAILED, -1, TS_WAIT_MS, &it, &skipped);
  cr_assert_eq(rc, 0, "no sctp_send_failed for the expired message: %s",
               gsctp_err_name(rc));
  cr_assert_eq(it.event.u.send_failed.flags, 1, "it was on the wire");
  cr_assert_eq(it.event.u.send_failed.assoc_id, p.cli_up.assoc_id);
  cr_assert_eq(it.event.u.send_failed.info.ppid, 7);
  cr_assert_eq(it.event.u.send_failed.info.context, 0xABCD);
  cr_assert_eq(it.event.u.send_failed.datalen, 11u);
  cr_assert_arr_eq(it.event.u.send_failed.data, "short-lived", 11);
  gsctp_item_free(&it);

  cr_assert_eq(gsctp_link_set_loss(link_, 0), 0);
  rc = gsctp_send(p.cli, p.cli_up.assoc_id, 0, "after", 5);
  cr_assert_eq(rc, 0, "send: %s", gsctp_err_name(rc));
  ts_recv_data(p.srv, TS_WAIT_MS, &it);
  cr_assert_eq(it.datalen, 5u, "the abandoned message was delivered");
  cr_assert_arr_eq(it.data, "after", 5);
  gsctp_item_free(&it);
  ts_pair_close(&p);
}

/* A server that has had many associations remembers the addresses of the
 * live ones and of the last few ended ones only. */
Test(link, ended_associations_are_forgotten) {
  gsctp_ip ip = gsctp_ip_conn(link_);
  gsctp_sock srv = ts_open_server(GSCTP_FAMILY_CONN, &ip, NULL, 0);
  int port = gsctp_port(srv), i, rc;
  gsctp_sockimpl *s;
  size_t n;

  cr_assert_gt(port, 0);
  for (i = 0; i < 100; ++i) {
    gsctp_sock cli = ts_open(GSCTP_FAMILY_CONN, &ip, NULL, 0);
    gsctp_assoc_change up;
    gsctp_item it;

    rc = gsctp_connect(cli, &ip, port, NULL, 0, TS_WAIT_MS, &up);
    cr_assert_eq(rc, 0, "connect %d: %s", i, gsctp_err_name(rc));
    rc = gsctp_abort(cli, &up);
    cr_assert_eq(rc, 0, "abort %d: %s", i, gsctp_err_name(rc));
    rc = ts_recv_event(srv, GSCTP_EV_ASSOC_CHANGE, GSCTP_COMM_LOST, TS_WAIT_MS,
                       &it, NULL);
    cr_assert_eq(rc, 0, "association %d: no comm_lost at the server", i);
    gsctp_item_free(&it);
    gsctp_close(cli);
  }
  s = gsctp_sock_get(srv);
  cr_assert_not_null(s);
  pthread_mutex_lock(&s->mu);
  n = s->assoc_n;
  pthread_mutex_unlock(&s->mu);
  gsctp_sock_put(s);
  cr_assert_leq(n, 64u,
                "the server still remembers %zu of 100 ended "
                "associations",
                n);
  cr_assert_geq(n, 1u, "the most recent ended association is forgotten");
  gsctp_close(srv);
}
