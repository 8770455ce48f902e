/*
 * tests/test_owner.c - the owner (mailbox) object itself: argument
 * errors, ending an owner wakes its waiters, epoll on the mailbox fd,
 * several receivers on one owner (each message taken once), and many
 * active sockets delivering into one owner at once (every message
 * arrives, in order per socket).
 */
#include <criterion/criterion.h>

#include <poll.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#include <gsctp/gsctp.h>

#include "tsupport.h"

static void setup(void) {
  cr_assert_gt(ts_stack_start(), 0);
}

TestSuite(owner, .init = setup, .timeout = 120);

/* Posts |n| sctp_passive messages about |s| to its owner. */
static void post_passive(gsctp_sock s, int n) {
  gsctp_opt z = ts_opt_i(GSCTP_OPT_ACTIVE, GSCTP_ACTIVE_N(0));
  int i;

  for (i = 0; i < n; ++i) {
    cr_assert_eq(gsctp_setopts(s, &z, 1), 0);
  }
}

Test(owner, bad_arguments) {
  gsctp_owner *o;
  gsctp_msg m;

  cr_assert_eq(gsctp_owner_new(NULL), GSCTP_EBADARG);
  cr_assert_eq(gsctp_owner_new(&o), 0);
  cr_assert_eq(gsctp_owner_recv(o, 0, NULL), GSCTP_EBADARG);
  cr_assert_eq(gsctp_owner_recv_match(o, NULL, -5, &m), GSCTP_EINVAL);
  cr_assert_eq(gsctp_owner_pending(o), 0u);
  cr_assert_geq(gsctp_owner_fd(o), 0);
  cr_assert_geq(gsctp_owner_fd(NULL), 0, "the thread's owner");
  cr_assert_neq(gsctp_owner_fd(NULL), gsctp_owner_fd(o));
  cr_assert_eq(gsctp_controlling_process(0, o), GSCTP_EBADARG);
  gsctp_msg_free(NULL);
  gsctp_owner_free(NULL);
  gsctp_owner_free(o);
  /* An ended owner cannot take sockets. */
  {
    gsctp_sock s = ts_open(GSCTP_FAMILY_INET, NULL, NULL, 0);
    gsctp_owner *dead;

    cr_assert_eq(gsctp_owner_new(&dead), 0);
    cr_assert_eq(gsctp_owner_set_self(dead), 0); /* keeps the memory */
    gsctp_owner_free(dead);
    cr_assert_eq(gsctp_owner_recv(NULL, 0, &m), GSCTP_ECLOSED);
    cr_assert_eq(gsctp_owner_set_self(NULL), 0);
    gsctp_close(s);
  }
}

struct waiter {
  gsctp_owner *o;
  int rc;
};

static int wait_fn(void *arg) {
  struct waiter *w = arg;
  gsctp_msg m;

  w->rc = gsctp_owner_recv(w->o, GSCTP_INFINITY, &m);
  gsctp_msg_free(&m);
  return 0;
}

/* Ending an owner wakes a thread blocked on it with closed. */
Test(owner, free_wakes_waiter) {
  struct waiter w;
  ts_thread th;
  int rc;

  cr_assert_eq(gsctp_owner_new(&w.o), 0);
  w.rc = 1;
  /* The waiter holds no reference of its own before it starts: keep the
   * owner alive through a set_self reference until it is joined. */
  cr_assert_eq(gsctp_owner_set_self(w.o), 0);
  ts_thread_start(&th, wait_fn, &w);
  ts_sleep_ms(50);
  gsctp_owner_free(w.o);
  cr_assert_eq(ts_thread_join(&th, TS_WAIT_MS, &rc), 0);
  cr_assert_eq(w.rc, GSCTP_ECLOSED);
  cr_assert_eq(gsctp_owner_set_self(NULL), 0);
}

/* The fd works with epoll (level-triggered): readable while queued. */
Test(owner, epoll_on_mailbox_fd) {
  gsctp_owner *o;
  gsctp_sock s;
  struct epoll_event ev, out;
  gsctp_msg m;
  int ep, i;

  cr_assert_eq(gsctp_owner_new(&o), 0);
  cr_assert_eq(gsctp_owner_set_self(o), 0);
  s = ts_open(GSCTP_FAMILY_INET, NULL, NULL, 0);
  ep = epoll_create1(0);
  cr_assert_geq(ep, 0);
  memset(&ev, 0, sizeof(ev));
  ev.events = EPOLLIN;
  cr_assert_eq(epoll_ctl(ep, EPOLL_CTL_ADD, gsctp_owner_fd(o), &ev), 0);
  cr_assert_eq(epoll_wait(ep, &out, 1, 0), 0);
  post_passive(s, 3);
  for (i = 0; i < 3; ++i) {
    cr_assert_eq(epoll_wait(ep, &out, 1, TS_WAIT_MS), 1, "message %d", i);
    cr_assert_eq(gsctp_owner_recv(o, 0, &m), 0);
    gsctp_msg_free(&m);
  }
  cr_assert_eq(epoll_wait(ep, &out, 1, 0), 0, "drained");
  close(ep);
  gsctp_close(s);
  cr_assert_eq(gsctp_owner_set_self(NULL), 0);
  gsctp_owner_free(o);
}

struct taker {
  gsctp_owner *o;
  atomic_int *taken;
  int mine;
};

static int take_fn(void *arg) {
  struct taker *t = arg;
  gsctp_msg m;

  while (gsctp_owner_recv(t->o, 300, &m) == 0) {
    atomic_fetch_add(t->taken, 1);
    t->mine++;
    gsctp_msg_free(&m);
  }
  return 0;
}

/* Several threads receiving from one owner take each message once. */
Test(owner, concurrent_receivers) {
  enum { NT = 4, NMSG = 400 };
  struct taker t[NT];
  ts_thread th[NT];
  atomic_int taken;
  gsctp_owner *o;
  gsctp_sock s;
  int i, rc, sum = 0;

  cr_assert_eq(gsctp_owner_new(&o), 0);
  cr_assert_eq(gsctp_owner_set_self(o), 0);
  s = ts_open(GSCTP_FAMILY_INET, NULL, NULL, 0);
  atomic_init(&taken, 0);
  for (i = 0; i < NT; ++i) {
    t[i].o = o;
    t[i].taken = &taken;
    t[i].mine = 0;
    ts_thread_start(&th[i], take_fn, &t[i]);
  }
  post_passive(s, NMSG);
  for (i = 0; i < NT; ++i) {
    cr_assert_eq(ts_thread_join(&th[i], TS_WAIT_MS * 3, &rc), 0);
    sum += t[i].mine;
  }
  cr_assert_eq(atomic_load(&taken), NMSG);
  cr_assert_eq(sum, NMSG);
  cr_assert_eq(gsctp_owner_pending(o), 0u);
  gsctp_close(s);
  cr_assert_eq(gsctp_owner_set_self(NULL), 0);
  gsctp_owner_free(o);
}

/* Many active sockets into one owner: every message arrives, in order
 * per socket, and each socket's messages carry its handle. */
Test(owner, many_active_sockets_one_owner) {
  enum { NP = 6, NMSG = 200 };
  gsctp_opt q = ts_opt_quiet();
  gsctp_opt act = ts_opt_i(GSCTP_OPT_ACTIVE, GSCTP_ACTIVE_TRUE);
  ts_pair p[NP];
  int next[NP];
  gsctp_owner *me = gsctp_owner_self();
  int i, k, got = 0;

  for (i = 0; i < NP; ++i) {
    ts_pair_open(&p[i], GSCTP_FAMILY_INET, NULL, &q, 1, &q, 1);
    cr_assert_eq(gsctp_setopts(p[i].srv, &act, 1), 0);
    next[i] = 0;
  }
  for (k = 0; k < NMSG; ++k) {
    for (i = 0; i < NP; ++i) {
      uint8_t msg[8];

      ts_put32(msg, (uint32_t)k);
      ts_put32(msg + 4, (uint32_t)i);
      cr_assert_eq(
        gsctp_send(p[i].cli, p[i].cli_up.assoc_id, 0, msg, sizeof(msg)), 0);
    }
  }
  for (k = 0; k < NP * NMSG * 2 && got < NP * NMSG; ++k) {
    gsctp_msg m;
    int rc = gsctp_owner_recv(me, TS_WAIT_MS, &m);

    cr_assert_eq(rc, 0, "after %d messages: %s", got, gsctp_err_name(rc));
    cr_assert_eq(m.kind, GSCTP_MSG_SCTP);
    cr_assert(!m.item.is_event);
    cr_assert_eq(m.item.datalen, 8u);
    i = (int)ts_get32(m.item.data + 4);
    cr_assert(i >= 0 && i < NP);
    cr_assert_eq(m.sock, p[i].srv, "message of pair %d on its socket", i);
    cr_assert_eq((int)ts_get32(m.item.data), next[i], "pair %d in order", i);
    next[i]++;
    got++;
    gsctp_msg_free(&m);
  }
  cr_assert_eq(got, NP * NMSG);
  for (i = 0; i < NP; ++i) {
    ts_pair_close(&p[i]);
  }
}
