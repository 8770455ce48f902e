/*
 * deliver.c - the delivery thread of active sockets.
 *
 * usrsctp's upcall runs on usrsctp's threads with its locks held and
 * must not call back into usrsctp.  For an active socket it only queues
 * the socket's handle here (gsctp_deliver_kick); this thread then reads
 * with usrsctp_recvv(MSG_DONTWAIT), outside every usrsctp lock, as far
 * as the socket's active budget allows, and posts the items to the
 * socket's owner (gsctp_sock_deliver in sock.c).  What the budget does
 * not allow stays in usrsctp, so the peer's window closes.
 *
 * The queue holds each handle at most once.  Every SWEEP_MS the thread
 * also queues every active socket, a guard against a missed upcall.
 * The thread is started on the first kick and runs until the process
 * ends; a fork child starts its own.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "gsctp_int.h"

#define SWEEP_MS 200

static pthread_mutex_t g_dq_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t g_dq_cv;
static gsctp_sock *g_dq; /* ring of handles */
static size_t g_dq_cap, g_dq_head, g_dq_len;
static int g_started;
static int g_atfork_set;

static void after_fork_child(void) {
  /* The thread did not survive the fork; the child starts a new one. */
  pthread_mutex_init(&g_dq_mu, NULL);
  g_started = 0;
  g_dq_len = 0;
  g_dq_head = 0;
}

static int queued(gsctp_sock h) {
  size_t i;

  for (i = 0; i < g_dq_len; ++i) {
    if (g_dq[(g_dq_head + i) % g_dq_cap] == h) {
      return 1;
    }
  }
  return 0;
}

static void *deliver_main(void *arg) {
  (void)arg;
  pthread_mutex_lock(&g_dq_mu);
  for (;;) {
    struct timespec dl;

    if (g_dq_len == 0) {
      gsctp_deadline_after(&dl, SWEEP_MS);
      if (pthread_cond_timedwait(&g_dq_cv, &g_dq_mu, &dl) != 0 &&
          g_dq_len == 0) {
        pthread_mutex_unlock(&g_dq_mu);
        gsctp_sock_sweep_active();
        pthread_mutex_lock(&g_dq_mu);
      }
      continue;
    }
    {
      gsctp_sock h = g_dq[g_dq_head];

      g_dq_head = (g_dq_head + 1) % g_dq_cap;
      g_dq_len--;
      pthread_mutex_unlock(&g_dq_mu);
      gsctp_sock_deliver(h);
      pthread_mutex_lock(&g_dq_mu);
    }
  }
  return NULL;
}

static int start_locked(void) {
  pthread_condattr_t ca;
  pthread_attr_t at;
  pthread_t th;
  int rv;

  if (!g_atfork_set) {
    g_atfork_set = 1;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&g_dq_cv, &ca);
    pthread_condattr_destroy(&ca);
    (void)pthread_atfork(NULL, NULL, after_fork_child);
  }
  pthread_attr_init(&at);
  pthread_attr_setdetachstate(&at, PTHREAD_CREATE_DETACHED);
  rv = pthread_create(&th, &at, deliver_main, NULL);
  pthread_attr_destroy(&at);
  if (rv == 0) {
    g_started = 1;
  }
  return rv;
}

void gsctp_deliver_kick(gsctp_sock h) {
  pthread_mutex_lock(&g_dq_mu);
  if (!g_started && start_locked() != 0) {
    /* No thread: the sweep of a later successful start picks it up. */
    pthread_mutex_unlock(&g_dq_mu);
    return;
  }
  if (!queued(h)) {
    if (g_dq_len == g_dq_cap) {
      size_t ncap = g_dq_cap ? g_dq_cap * 2 : 64, i;
      gsctp_sock *nq = malloc(ncap * sizeof(*nq));

      if (nq == NULL) {
        pthread_mutex_unlock(&g_dq_mu);
        return; /* the sweep retries */
      }
      for (i = 0; i < g_dq_len; ++i) {
        nq[i] = g_dq[(g_dq_head + i) % g_dq_cap];
      }
      free(g_dq);
      g_dq = nq;
      g_dq_cap = ncap;
      g_dq_head = 0;
    }
    g_dq[(g_dq_head + g_dq_len) % g_dq_cap] = h;
    g_dq_len++;
    pthread_cond_signal(&g_dq_cv);
  }
  pthread_mutex_unlock(&g_dq_mu);
}
