/*
 * tests/test_threads.c - any thread may call any function on any socket,
 * as any Erlang process may: concurrent senders on one association,
 * send and recv on one socket from different threads, open/close churn,
 * and close racing a send that is blocked on a full send buffer.
 */
#include <criterion/criterion.h>

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <gsctp/gsctp.h>

#include "tsupport.h"

#define NSENDERS 4
#define PER_SENDER 500

static void setup(void) {
  cr_assert_gt(ts_stack_start(), 0);
}

TestSuite(threads, .init = setup, .timeout = 120);

struct sender {
  gsctp_sock sock;
  uint32_t assoc;
  int stream;
  int count;
  int rc;
};

static void *send_loop(void *arg) {
  struct sender *s = arg;
  uint8_t msg[64];
  int i;

  for (i = 0; i < s->count; ++i) {
    memset(msg, s->stream, sizeof(msg));
    ts_put32(msg, (uint32_t)i);
    s->rc = gsctp_send(s->sock, s->assoc, s->stream, msg,
                       sizeof(msg) - (size_t)(i % 32));
    if (s->rc != 0) {
      break;
    }
  }
  return NULL;
}

/* NSENDERS threads send on their own stream of one association at once;
 * the receiver sees every message once, in order per stream. */
Test(threads, concurrent_senders_one_association) {
  gsctp_opt co[] = {ts_opt_ostreams(NSENDERS)};
  struct sender snd[NSENDERS];
  pthread_t th[NSENDERS];
  int next[NSENDERS] = {0};
  gsctp_item it;
  ts_pair p;
  int i, got = 0;

  ts_pair_open(&p, GSCTP_FAMILY_INET, NULL, co, 1, NULL, 0);
  for (i = 0; i < NSENDERS; ++i) {
    snd[i].sock = p.cli;
    snd[i].assoc = p.cli_up.assoc_id;
    snd[i].stream = i;
    snd[i].count = PER_SENDER;
    snd[i].rc = 0;
    cr_assert_eq(pthread_create(&th[i], NULL, send_loop, &snd[i]), 0);
  }
  while (got < NSENDERS * PER_SENDER) {
    int sid;
    uint32_t seq;

    ts_recv_data(p.srv, TS_WAIT_MS, &it);
    sid = (int)it.anc.stream;
    cr_assert(sid >= 0 && sid < NSENDERS, "stream %d", sid);
    seq = ts_get32(it.data);
    cr_assert_eq(seq, (uint32_t)next[sid], "stream %d: got %u, expected %d",
                 sid, seq, next[sid]);
    cr_assert_eq(it.datalen, 64u - (seq % 32));
    cr_assert_eq(it.data[it.datalen - 1], (uint8_t)sid);
    next[sid]++;
    got++;
    gsctp_item_free(&it);
  }
  for (i = 0; i < NSENDERS; ++i) {
    pthread_join(th[i], NULL);
    cr_assert_eq(snd[i].rc, 0, "sender %d: %s", i, gsctp_err_name(snd[i].rc));
    cr_assert_eq(next[i], PER_SENDER);
  }
  ts_pair_close(&p);
}

struct echo {
  gsctp_sock sock;
  uint32_t assoc;
  int count;
  int rc;
};

/* The server echoes in its own thread while the test thread sends and
 * another client thread receives: send and recv on one socket run in
 * different threads at the same time. */
static void *echo_loop(void *arg) {
  struct echo *e = arg;
  int n = 0;

  while (n < e->count) {
    gsctp_item it;
    int rc = ts_recv_next(e->sock, TS_WAIT_MS, &it);

    if (rc != 0) {
      e->rc = rc;
      return NULL;
    }
    if (!it.is_event) {
      rc = gsctp_send(e->sock, (uint32_t)it.anc.assoc_id, (int)it.anc.stream,
                      it.data, it.datalen);
      n++;
    }
    gsctp_item_free(&it);
    if (rc != 0) {
      e->rc = rc;
      return NULL;
    }
  }
  e->rc = 0;
  return NULL;
}

static void *recv_count(void *arg) {
  struct echo *e = arg;
  int n = 0;

  while (n < e->count) {
    gsctp_item it;
    int rc = ts_recv_next(e->sock, TS_WAIT_MS, &it);

    if (rc != 0) {
      e->rc = rc;
      return NULL;
    }
    if (!it.is_event) {
      if (it.datalen != 100 || ts_get32(it.data) != (uint32_t)n) {
        e->rc = -9999;
        gsctp_item_free(&it);
        return NULL;
      }
      n++;
    }
    gsctp_item_free(&it);
  }
  e->rc = 0;
  return NULL;
}

Test(threads, send_and_recv_in_different_threads) {
  struct echo srv, cli;
  pthread_t ts, tc;
  uint8_t msg[100];
  ts_pair p;
  int i, rc;

  ts_pair_open(&p, GSCTP_FAMILY_INET, NULL, NULL, 0, NULL, 0);
  srv.sock = p.srv;
  srv.count = 2000;
  srv.rc = 1;
  cli.sock = p.cli;
  cli.count = 2000;
  cli.rc = 1;
  cr_assert_eq(pthread_create(&ts, NULL, echo_loop, &srv), 0);
  cr_assert_eq(pthread_create(&tc, NULL, recv_count, &cli), 0);
  for (i = 0; i < 2000; ++i) {
    memset(msg, 0x5a, sizeof(msg));
    ts_put32(msg, (uint32_t)i);
    rc = gsctp_send(p.cli, p.cli_up.assoc_id, 0, msg, sizeof(msg));
    cr_assert_eq(rc, 0, "send %d: %s", i, gsctp_err_name(rc));
  }
  pthread_join(ts, NULL);
  pthread_join(tc, NULL);
  cr_assert_eq(srv.rc, 0, "echo thread: %d (%s)", srv.rc,
               gsctp_err_name(srv.rc));
  cr_assert_eq(cli.rc, 0, "receiving thread: %d (%s)", cli.rc,
               gsctp_err_name(cli.rc));
  ts_pair_close(&p);
}

struct churn {
  int rounds;
  int rc;
};

static void *churn_loop(void *arg) {
  struct churn *c = arg;
  int i;

  for (i = 0; i < c->rounds; ++i) {
    gsctp_sock s;
    gsctp_item it;
    int rc = ts_try_open(&s, GSCTP_FAMILY_INET, NULL, 0, NULL, 0);

    if (rc != 0) {
      c->rc = rc;
      return NULL;
    }
    rc = gsctp_listen(s, GSCTP_LISTEN_TRUE);
    if (rc == 0) {
      rc = gsctp_recv(s, 0, &it);
      rc = rc == GSCTP_ETIMEOUT ? 0 : rc;
    }
    if (rc == 0) {
      rc = gsctp_close(s);
    }
    if (rc == 0 && gsctp_close(s) != 0) {
      rc = -9998; /* a second close must be ok */
    }
    if (rc == 0 && gsctp_recv(s, 0, &it) != GSCTP_ECLOSED) {
      rc = -9997; /* a closed handle must stay closed */
    }
    if (rc != 0) {
      c->rc = rc;
      return NULL;
    }
  }
  c->rc = 0;
  return NULL;
}

/* Four threads open, listen, poll and close sockets at the same time:
 * handles never collide, a closed handle stays closed. */
Test(threads, open_close_churn) {
  struct churn c[4];
  pthread_t th[4];
  int i;

  for (i = 0; i < 4; ++i) {
    c[i].rounds = 150;
    c[i].rc = 1;
    cr_assert_eq(pthread_create(&th[i], NULL, churn_loop, &c[i]), 0);
  }
  for (i = 0; i < 4; ++i) {
    pthread_join(th[i], NULL);
    cr_assert_eq(c[i].rc, 0, "thread %d: %d (%s)", i, c[i].rc,
                 gsctp_err_name(c[i].rc));
  }
}

struct blocked {
  gsctp_sock sock;
  uint32_t assoc;
  _Atomic int sent;
};

static int fill_until_error(void *arg) {
  struct blocked *b = arg;
  static uint8_t msg[8192];
  int i;

  for (i = 0; i < 100000; ++i) {
    int rc = gsctp_send(b->sock, b->assoc, 0, msg, sizeof(msg));
    if (rc != 0) {
      return rc;
    }
    b->sent++;
  }
  return 0;
}

/* A send blocked because the peer reads nothing (its window is closed)
 * does not keep close from returning: close wakes it (by aborting its
 * association, the only thing that wakes a send inside usrsctp 0.9.5)
 * and it returns closed; the socket is finished and the peer sees
 * comm_lost.  Nothing crashes or hangs.  (tests/test_close.c has the
 * cases where the peer stops acknowledging.) */
Test(threads, close_while_a_send_is_blocked) {
  struct blocked b;
  ts_thread th;
  gsctp_item it;
  ts_pair p;
  int64_t t0;
  int i, jr, rc = 1, src = 0;

  ts_pair_open(&p, GSCTP_FAMILY_INET, NULL, NULL, 0, NULL, 0);
  b.sock = p.cli;
  b.assoc = p.cli_up.assoc_id;
  b.sent = 0;
  ts_thread_start(&th, fill_until_error, &b);
  /* Wait (bounded) until the sender has stalled. */
  for (i = 0; i < 1000; ++i) {
    int before = b.sent;
    ts_sleep_ms(50);
    if (b.sent == before && b.sent > 0) {
      break;
    }
  }
  cr_assert_gt(b.sent, 0);

  t0 = ts_now_ms();
  cr_assert_eq(gsctp_close(p.cli), 0);
  cr_assert_lt(ts_now_ms() - t0, (int64_t)TS_WAIT_MS,
               "close waited for the blocked send");
  cr_assert_eq(gsctp_send(p.cli, b.assoc, 0, "x", 1), GSCTP_ECLOSED);
  cr_assert_eq(gsctp_recv(p.cli, 0, &it), GSCTP_ECLOSED);

  /* The blocked send returns closed. */
  jr = ts_thread_join(&th, TS_WAIT_MS, &src);
  cr_assert_eq(jr, 0, "the blocked send did not return after close");
  cr_assert_eq(src, GSCTP_ECLOSED, "the blocked send gave %d (%s)", src,
               gsctp_err_name(src));
  rc = ts_recv_event(p.srv, GSCTP_EV_ASSOC_CHANGE, GSCTP_COMM_LOST, TS_WAIT_MS,
                     &it, NULL);
  cr_assert_eq(rc, 0, "the peer got no comm_lost: %s", gsctp_err_name(rc));
  gsctp_item_free(&it);
  gsctp_close(p.srv);
}
