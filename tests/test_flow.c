/*
 * tests/test_flow.c - flow control, proved: data nobody reads stays in
 * the SCTP stack, so the sender's blocking send stalls (no error, no
 * loss) and resumes when the receiver reads again; the same with an
 * {active, once} or {active, N} budget spent; non_block_send gives
 * eagain instead of blocking.
 */
#include <criterion/criterion.h>

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include <gsctp/gsctp.h>

#include "tsupport.h"

static void setup(void) {
  cr_assert_gt(ts_stack_start(), 0);
}

TestSuite(flow, .init = setup, .timeout = 120);

/* 2000 x 1000 bytes = 2 MB: far more than the receiver's 64 KiB receive
 * buffer plus the sender's 64 KiB send buffer can hold. */
#define NMSG 2000
#define MSGLEN 1000

struct sender {
  gsctp_sock sock;
  uint32_t assoc;
  atomic_int sent; /* messages whose send returned 0 */
  int rc;
};

static int send_all(void *arg) {
  struct sender *s = arg;
  uint8_t msg[MSGLEN];
  int i;

  for (i = 0; i < NMSG; ++i) {
    ts_fill(msg, sizeof(msg), (uint32_t)i);
    s->rc = gsctp_send(s->sock, s->assoc, 0, msg, sizeof(msg));
    if (s->rc != 0) {
      return s->rc;
    }
    atomic_store(&s->sent, i + 1);
  }
  return 0;
}

/* Wait until the sender has made no progress for |quiet_ms| (it is
 * blocked), at most |max_ms|; returns the count it stalled at. */
static int wait_stall(struct sender *s, int quiet_ms, int max_ms) {
  return ts_wait_stall(&s->sent, NULL, quiet_ms, max_ms);
}

static void open_small_pair(ts_pair *p) {
  gsctp_opt q = ts_opt_quiet();
  gsctp_opt cli[] = {q, ts_opt_i(GSCTP_OPT_SNDBUF, 65536)};
  gsctp_opt srv[] = {q, ts_opt_i(GSCTP_OPT_RECBUF, 65536)};

  ts_pair_open(p, GSCTP_FAMILY_INET, NULL, cli, 2, srv, 2);
}

/* Checks message |i| received (from recv or a message). */
static void check_msg(const gsctp_item *it, int i) {
  cr_assert(!it->is_event);
  cr_assert_eq(it->datalen, (size_t)MSGLEN, "message %d length", i);
  cr_assert_eq(ts_check(it->data, it->datalen, (uint32_t)i), (size_t)MSGLEN,
               "message %d payload (lost or reordered?)", i);
}

/* A passive socket that is not read: the sender stalls well short of
 * NMSG; reading resumes it and every message arrives whole, in order. */
Test(flow, passive_unread_stalls_sender) {
  struct sender snd;
  ts_thread th;
  ts_pair p;
  int stalled, i, rc;

  open_small_pair(&p);
  snd.sock = p.cli;
  snd.assoc = p.cli_up.assoc_id;
  atomic_init(&snd.sent, 0);
  snd.rc = 0;
  ts_thread_start(&th, send_all, &snd);
  stalled = wait_stall(&snd, 1000, 30000);
  cr_assert_lt(stalled, NMSG,
               "the sender sent all %d messages to a receiver that reads "
               "nothing: no flow control",
               NMSG);
  cr_assert_eq(snd.rc, 0, "a blocked send is not an error");
  cr_log_info("passive: the sender stalled after %d of %d messages", stalled,
              NMSG);
  for (i = 0; i < NMSG; ++i) {
    gsctp_item it;

    ts_recv_data(p.srv, TS_WAIT_MS, &it);
    check_msg(&it, i);
    gsctp_item_free(&it);
  }
  cr_assert_eq(ts_thread_join(&th, TS_WAIT_MS, &rc), 0);
  cr_assert_eq(rc, 0);
  cr_assert_eq(atomic_load(&snd.sent), NMSG);
  ts_pair_close(&p);
}

/* The same with an active budget: {active, N} spent (and then
 * {active, once}) leaves the rest in the stack; the sender stalls; more
 * budget resumes it; nothing is lost. */
Test(flow, active_budget_spent_stalls_sender) {
  gsctp_owner *me = gsctp_owner_self();
  struct sender snd;
  ts_thread th;
  ts_pair p;
  int stalled, i = 0, rc, k;
  gsctp_opt a;

  open_small_pair(&p);
  snd.sock = p.cli;
  snd.assoc = p.cli_up.assoc_id;
  atomic_init(&snd.sent, 0);
  snd.rc = 0;
  a = ts_opt_i(GSCTP_OPT_ACTIVE, GSCTP_ACTIVE_N(10));
  cr_assert_eq(gsctp_setopts(p.srv, &a, 1), 0);
  ts_thread_start(&th, send_all, &snd);
  stalled = wait_stall(&snd, 1000, 30000);
  cr_assert_lt(stalled, NMSG, "no flow control with {active, 10} spent");
  cr_log_info("active 10: the sender stalled after %d of %d messages", stalled,
              NMSG);
  cr_assert_eq(gsctp_owner_pending(me), 11u, "10 messages and sctp_passive");

  /* Take the messages: 10 in budget, then more budget. */
  a = ts_opt_i(GSCTP_OPT_ACTIVE, GSCTP_ACTIVE_N(500));
  for (k = 0; k < 100000 && i < NMSG; ++k) {
    gsctp_msg m;

    rc = gsctp_owner_recv(me, TS_WAIT_MS, &m);
    cr_assert_eq(rc, 0, "message %d: %s", i, gsctp_err_name(rc));
    if (m.kind == GSCTP_MSG_SCTP_PASSIVE) {
      if (i == 10) {
        /* once: exactly one more, no passive message */
        gsctp_opt once = ts_opt_i(GSCTP_OPT_ACTIVE, GSCTP_ACTIVE_ONCE);
        cr_assert_eq(gsctp_setopts(p.srv, &once, 1), 0);
        gsctp_msg_free(&m);
        cr_assert_eq(gsctp_owner_recv(me, TS_WAIT_MS, &m), 0);
        cr_assert_eq(m.kind, GSCTP_MSG_SCTP);
        check_msg(&m.item, i++);
        gsctp_msg_free(&m);
        cr_assert_eq(gsctp_owner_recv(me, 200, &m), GSCTP_ETIMEOUT,
                     "once delivered only one");
      } else {
        gsctp_msg_free(&m);
      }
      cr_assert_eq(gsctp_setopts(p.srv, &a, 1), 0);
      continue;
    }
    cr_assert_eq(m.kind, GSCTP_MSG_SCTP);
    check_msg(&m.item, i++);
    gsctp_msg_free(&m);
  }
  cr_assert_eq(i, NMSG);
  cr_assert_eq(ts_thread_join(&th, TS_WAIT_MS, &rc), 0);
  cr_assert_eq(rc, 0);
  ts_pair_close(&p);
  {
    gsctp_msg m;

    for (k = 0; k < 1000 && gsctp_owner_recv(me, 0, &m) == 0; ++k) {
      gsctp_msg_free(&m);
    }
  }
}

/* non_block_send: a full send buffer gives eagain at once, nothing is
 * half-sent, and the option reads back; after the receiver drains, sends
 * work again. */
Test(flow, non_block_send_gives_eagain) {
  gsctp_opt nb = ts_opt_i(GSCTP_OPT_NON_BLOCK_SEND, 1);
  gsctp_opt get = {.name = GSCTP_OPT_NON_BLOCK_SEND};
  uint8_t msg[MSGLEN];
  ts_pair p;
  size_t n = 0;
  int i, rc = 0, sent = 0;

  open_small_pair(&p);
  cr_assert_eq(gsctp_getopts(p.cli, &get, 1, &n), 0);
  cr_assert_eq(get.v.i, 0, "default false");
  cr_assert_eq(gsctp_setopts(p.cli, &nb, 1), 0);
  cr_assert_eq(gsctp_getopts(p.cli, &get, 1, &n), 0);
  cr_assert_eq(get.v.i, 1);
  for (i = 0; i < NMSG; ++i) {
    ts_fill(msg, sizeof(msg), (uint32_t)i);
    rc = gsctp_send(p.cli, p.cli_up.assoc_id, 0, msg, sizeof(msg));
    if (rc != 0) {
      break;
    }
    sent++;
  }
  cr_assert_eq(rc, GSCTP_EAGAIN, "send %d: %s", i, gsctp_err_name(rc));
  cr_assert_gt(sent, 0);
  for (i = 0; i < sent; ++i) {
    gsctp_item it;

    ts_recv_data(p.srv, TS_WAIT_MS, &it);
    check_msg(&it, i);
    gsctp_item_free(&it);
  }
  {
    gsctp_item it;

    cr_assert_eq(gsctp_recv(p.srv, 200, &it), GSCTP_ETIMEOUT,
                 "the refused message was not sent in part");
  }
  /* Room again: the same message goes now. */
  ts_fill(msg, sizeof(msg), (uint32_t)sent);
  for (i = 0; i < 1000; ++i) {
    rc = gsctp_send(p.cli, p.cli_up.assoc_id, 0, msg, sizeof(msg));
    if (rc != GSCTP_EAGAIN) {
      break;
    }
    ts_sleep_ms(10); /* the acks free the buffer */
  }
  cr_assert_eq(rc, 0, "%s", gsctp_err_name(rc));
  {
    gsctp_item it;

    ts_recv_data(p.srv, TS_WAIT_MS, &it);
    check_msg(&it, sent);
    gsctp_item_free(&it);
  }
  /* At open too. */
  {
    gsctp_sock s = ts_open(GSCTP_FAMILY_INET, NULL, &nb, 1);

    n = 0;
    cr_assert_eq(gsctp_getopts(s, &get, 1, &n), 0);
    cr_assert_eq(get.v.i, 1);
    gsctp_close(s);
  }
  ts_pair_close(&p);
}

/* OTP buffers, active: a message larger than recbuf arrives whole as one
 * message. */
Test(flow, active_big_message_whole) {
  gsctp_owner *me = gsctp_owner_self();
  gsctp_opt q = ts_opt_quiet();
  gsctp_opt srv[] = {q, ts_opt_i(GSCTP_OPT_RECBUF, 65536)};
  size_t len = 65536 + 4096 * 40;
  uint8_t *big = malloc(len);
  ts_pair p;
  gsctp_msg m;
  int rc;

  cr_assert_not_null(big);
  ts_pair_open(&p, GSCTP_FAMILY_INET, NULL, &q, 1, srv, 2);
  ts_fill(big, len, 77);
  cr_assert_eq(gsctp_send(p.cli, p.cli_up.assoc_id, 0, big, len), 0);
  {
    gsctp_opt once = ts_opt_i(GSCTP_OPT_ACTIVE, GSCTP_ACTIVE_ONCE);

    cr_assert_eq(gsctp_setopts(p.srv, &once, 1), 0);
  }
  rc = gsctp_owner_recv(me, TS_WAIT_MS, &m);
  cr_assert_eq(rc, 0, "%s", gsctp_err_name(rc));
  cr_assert_eq(m.kind, GSCTP_MSG_SCTP);
  cr_assert(!m.item.is_event);
  cr_assert_eq(m.item.datalen, len, "whole: %zu of %zu", m.item.datalen, len);
  cr_assert_eq(ts_check(m.item.data, len, 77), len);
  gsctp_msg_free(&m);
  free(big);
  ts_pair_close(&p);
}
