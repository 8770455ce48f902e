/*
 * sock.c - gen_sctp sockets over usrsctp.
 *
 * Handles.  A gsctp_sock is (generation << 20 | slot) into a table, so a
 * closed handle is detected (GSCTP_ECLOSED) instead of touching freed
 * memory, and a reused slot gets a new generation.  A reference count
 * keeps the struct alive while a call uses it.
 *
 * Delivery is pull-based.  usrsctp's upcall, which runs on usrsctp's
 * threads with its locks held, only bumps s->gen and wakes waiters; it
 * never calls back into usrsctp.  Readers call usrsctp_recvv with
 * MSG_DONTWAIT and wait on s->cv for the generation to change.  Data that
 * nobody reads stays in usrsctp's receive buffer, so the peer's window
 * closes: flow control, not unbounded buffering.  usrsctp's receive_cb is
 * never used (no backpressure, partial messages).
 *
 * Messages are reassembled until MSG_EOR, so an item is always whole.
 *
 * Locks: table lock -> s->mu, never the other way; s->mu is never held
 * while calling usrsctp (the upcall takes it from inside usrsctp).  A
 * thread inside usrsctp on s->so counts in s->users; close defers
 * usrsctp_close to the last such thread.
 *
 * Close and blocked sends.  A send can block inside usrsctp_sendv (in
 * usrsctp's sbwait(), a pthread_cond_wait without a timeout; usrsctp
 * 0.9.5 has no SO_SNDTIMEO) for as long as the peer does not acknowledge.
 * It returns only when the send buffer is signalled and then finds room,
 * an error, or its association going away.  So close gives the sends
 * inside usrsctp_sendv a grace period to finish, then wakes those still
 * waiting: on a one-to-one socket without ending the association (a
 * larger send buffer, then usrsctp_shutdown(SHUT_WR), which signals it
 * and refuses the message), otherwise by aborting their associations
 * (sctp_free_assoc sets the waiter's error and signals it).  They return
 * GSCTP_ECLOSED, as a gen_sctp send whose port closes
 * (docs/known-issues.md).
 */
#include <arpa/inet.h>
#include <malloc.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "gsctp/err.h"
#include "gsctp/sctp.h"
#include "gsctp/stack.h"
#include "gsctp_int.h"
#include "stack_int.h"
#include "rawfilter.h"
#include "transport.h"
#include "udplink.h"

#define SLOT_BITS 20
#define SLOT_MASK ((1u << SLOT_BITS) - 1)
#define MIN_READ_STEP 65536
/* Longest single wait before usrsctp is polled again (lost-upcall guard). */
#define WAIT_SLICE_MS 100
/* Largest message send accepts (gen_sctp has no limit; memory does). */
#define MAX_MESSAGE (1 << 30)
/* Messages up to this size never need the send buffer grown. */
#define SMALL_MESSAGE 65536
/* How long close lets sends inside usrsctp finish before it aborts their
 * associations to wake them (a send that is not blocked takes far less;
 * an RTT of a few hundred ms still frees space in time). */
#define SEND_CLOSE_GRACE_MS 500
/* How long close then waits for the woken sends to leave usrsctp: after
 * the graceful wake of a one-to-one socket (they leave at once, or keep
 * waiting for a chunk slot), and after an abort. */
#define SEND_WAKE_WAIT_MS 200
#define SEND_CLOSE_WAIT_MS 1000
/* Poll interval of the linger wait (the upcall cannot wake a closed
 * socket's waiters: its handle is gone from the table). */
#define LINGER_POLL_MS 20

/* The data of a message with no data (eof, abort): usrsctp_sendv wants a
 * pointer. */
static const uint8_t empty_payload[1];
/* Send and receive buffers of a udp_conn socket (udp_conn_buffers). */
#define UDP_CONN_BUF_BYTES (1 << 20)

/* ---- per-thread error detail ---- */

static _Thread_local char t_detail[192];

int gsctp_detail(int rv, const char *fmt, ...) {
  va_list ap;

  va_start(ap, fmt);
  vsnprintf(t_detail, sizeof(t_detail), fmt, ap);
  va_end(ap);
  return rv;
}

const char *gsctp_error_detail(void) {
  return t_detail;
}

/* ---- handle table ---- */

static pthread_mutex_t g_tab_mu = PTHREAD_MUTEX_INITIALIZER;
static gsctp_sockimpl **g_tab;
static uint16_t *g_gens;
static size_t g_tab_cap;
static size_t g_tab_free; /* every slot below it is in use (g_tab_mu) */
static int g_hook_set;

static void close_all_sockets(void);

static int table_insert(gsctp_sockimpl *s) {
  size_t i;

  pthread_mutex_lock(&g_tab_mu);
  /* Slots below g_tab_free are all taken: opening many sockets is linear,
   * not quadratic. */
  for (i = g_tab_free > 1 ? g_tab_free : 1; i < g_tab_cap; ++i) {
    if (g_tab[i] == NULL) {
      break;
    }
  }
  if (i >= g_tab_cap) {
    size_t ncap = g_tab_cap ? g_tab_cap * 2 : 64;
    gsctp_sockimpl **nt;
    uint16_t *ng;

    if (ncap > SLOT_MASK + 1) {
      ncap = SLOT_MASK + 1;
    }
    if (i >= ncap) {
      pthread_mutex_unlock(&g_tab_mu);
      return GSCTP_EMFILE;
    }
    nt = realloc(g_tab, ncap * sizeof(*nt));
    if (nt == NULL) {
      pthread_mutex_unlock(&g_tab_mu);
      return GSCTP_ENOMEM;
    }
    g_tab = nt;
    ng = realloc(g_gens, ncap * sizeof(*ng));
    if (ng == NULL) {
      pthread_mutex_unlock(&g_tab_mu);
      return GSCTP_ENOMEM;
    }
    g_gens = ng;
    memset(g_tab + g_tab_cap, 0, (ncap - g_tab_cap) * sizeof(*nt));
    memset(g_gens + g_tab_cap, 0, (ncap - g_tab_cap) * sizeof(*ng));
    g_tab_cap = ncap;
  }
  g_gens[i] = (uint16_t)((g_gens[i] + 1) & 0xfff);
  if (g_gens[i] == 0) {
    g_gens[i] = 1;
  }
  g_tab[i] = s;
  g_tab_free = i + 1;
  s->handle = ((gsctp_sock)g_gens[i] << SLOT_BITS) | (gsctp_sock)i;
  atomic_init(&s->refs, 1); /* the table's reference */
  if (!g_hook_set) {
    g_hook_set = 1;
    gsctp_stack_set_close_all_hook(close_all_sockets);
  }
  pthread_mutex_unlock(&g_tab_mu);
  return 0;
}

static void sock_free(gsctp_sockimpl *s) {
  struct gsctp_pending *p;
  struct gsctp_assoc_addr *a;
  size_t i;

  while ((p = s->pend_head) != NULL) {
    s->pend_head = p->next;
    gsctp_item_free(&p->item);
    free(p);
  }
  for (i = 0; i < s->assoc_cap; ++i) {
    while ((a = s->assocs[i]) != NULL) {
      s->assocs[i] = a->next;
      free(a);
    }
  }
  free(s->assocs);
  gsctp_transport_release(s);
  if (s->raw_port != 0) {
    gsctp_rawfilter_port_del(s->raw_port);
  }
  free(s->pbuf);
  gsctp_owner_unref(s->owner);
  pthread_cond_destroy(&s->cv);
  pthread_mutex_destroy(&s->mu);
  free(s);
}

gsctp_sockimpl *gsctp_sock_get(gsctp_sock h) {
  gsctp_sockimpl *s = NULL;
  size_t slot = h & SLOT_MASK;

  pthread_mutex_lock(&g_tab_mu);
  if (slot != 0 && slot < g_tab_cap && g_tab[slot] != NULL &&
      g_tab[slot]->handle == h) {
    s = g_tab[slot];
    atomic_fetch_add_explicit(&s->refs, 1, memory_order_relaxed);
  }
  pthread_mutex_unlock(&g_tab_mu);
  return s;
}

int gsctp_sock_gone(gsctp_sock h) {
  return h == 0 ? gsctp_detail(GSCTP_EBADARG, "socket handle 0")
                : GSCTP_ECLOSED;
}

void gsctp_sock_put(gsctp_sockimpl *s) {
  /* No table lock: while s is in the table its reference keeps this
   * above 0, and once it is out nobody can take a new one. */
  if (atomic_fetch_sub_explicit(&s->refs, 1, memory_order_acq_rel) == 1) {
    sock_free(s);
  }
}

int gsctp_so_enter(gsctp_sockimpl *s, struct socket **pso) {
  pthread_mutex_lock(&s->mu);
  if (s->closed || s->so == NULL) {
    pthread_mutex_unlock(&s->mu);
    return GSCTP_ECLOSED;
  }
  s->users++;
  *pso = s->so;
  pthread_mutex_unlock(&s->mu);
  return 0;
}

/* The usrsctp_close of a closed socket, by the last thread to leave it. */
static void so_final_close(struct socket *so) {
  usrsctp_set_upcall(so, NULL, NULL);
  /* non_block_send made the socket non-blocking, and usrsctp's close
   * ignores linger on a non-blocking socket: close the same way with and
   * without it. */
  (void)usrsctp_set_non_blocking(so, 0);
  usrsctp_close(so);
}

void gsctp_so_leave(gsctp_sockimpl *s) {
  struct socket *so = NULL;

  pthread_mutex_lock(&s->mu);
  if (--s->users == 0 && s->closed) {
    so = s->so;
    s->so = NULL;
  }
  pthread_mutex_unlock(&s->mu);
  if (so != NULL) {
    so_final_close(so);
  }
}

/* gsctp_so_enter() for a send of |datalen| bytes on |assoc_id| that also
 * lists the send (in |rec|, on the caller's stack) in s->sending for
 * close to find. */
static int send_enter(gsctp_sockimpl *s, struct socket **pso,
                      struct gsctp_sending *rec, uint32_t assoc_id,
                      size_t datalen) {
  pthread_mutex_lock(&s->mu);
  if (s->closed || s->so == NULL) {
    pthread_mutex_unlock(&s->mu);
    return GSCTP_ECLOSED;
  }
  s->users++;
  *pso = s->so;
  rec->assoc_id = assoc_id;
  rec->datalen = datalen;
  rec->next = s->sending;
  s->sending = rec;
  pthread_mutex_unlock(&s->mu);
  return 0;
}

/* gsctp_so_leave() for send_enter(); counts |sent| bytes (< 0: the send
 * failed) in the socket's statistics.  Returns nonzero if the socket was
 * closed meanwhile. */
static int send_leave(gsctp_sockimpl *s, struct gsctp_sending *rec,
                      ssize_t sent) {
  struct gsctp_sending **pp;
  struct socket *so = NULL;
  int closed;

  pthread_mutex_lock(&s->mu);
  for (pp = &s->sending; *pp != NULL; pp = &(*pp)->next) {
    if (*pp == rec) {
      *pp = rec->next;
      break;
    }
  }
  if (sent >= 0) {
    s->stat.send_cnt++;
    s->stat.send_oct += (uint64_t)sent;
    if ((uint64_t)sent > s->stat.send_max) {
      s->stat.send_max = (uint64_t)sent;
    }
  }
  closed = s->closed;
  if (closed) {
    pthread_cond_broadcast(&s->cv); /* close waits for sends to leave */
    if (--s->users == 0) {
      so = s->so;
      s->so = NULL;
    }
  } else {
    s->users--;
  }
  pthread_mutex_unlock(&s->mu);
  if (so != NULL) {
    so_final_close(so);
  }
  return closed;
}

/* ---- upcall ---- */

/* Wakes the readers of socket |h| (and queues an active one for the
 * delivery thread). */
static void sock_wake(uintptr_t h) {
  gsctp_sockimpl *s = gsctp_sock_get((gsctp_sock)h);
  int active;

  if (s == NULL) {
    return;
  }
  pthread_mutex_lock(&s->mu);
  s->gen++;
  pthread_cond_broadcast(&s->cv);
  active = s->active_kind != GSCTP_ACTIVE_KIND_FALSE && !s->closed;
  pthread_mutex_unlock(&s->mu);
  if (active) {
    gsctp_deliver_kick(s->handle); /* only queues: no usrsctp call */
  }
  gsctp_sock_put(s);
}

static void sock_upcall(struct socket *so, void *arg, int flags) {
  (void)so;
  (void)flags;
  /* On udp_conn's receive thread: once at the end of its batch. */
  if (!gsctp_udplink_defer(sock_wake, (uintptr_t)arg)) {
    sock_wake((uintptr_t)arg);
  }
}

/* ---- time ---- */

void gsctp_deadline_after(struct timespec *ts, int timeout_ms) {
  clock_gettime(CLOCK_MONOTONIC, ts);
  ts->tv_sec += timeout_ms / 1000;
  ts->tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
  if (ts->tv_nsec >= 1000000000L) {
    ts->tv_sec++;
    ts->tv_nsec -= 1000000000L;
  }
}

static int deadline_passed(const struct timespec *dl) {
  struct timespec now;

  clock_gettime(CLOCK_MONOTONIC, &now);
  return now.tv_sec > dl->tv_sec ||
         (now.tv_sec == dl->tv_sec && now.tv_nsec >= dl->tv_nsec);
}

/*
 * Wait until s->gen differs from |gen|, the socket closes, or the
 * deadline (|dl| NULL = none) passes; s->mu held.  Waits in slices of at
 * most WAIT_SLICE_MS as a guard against a missed upcall.  Returns 0, or
 * GSCTP_ETIMEOUT.
 */
static int wait_gen_locked(gsctp_sockimpl *s, uint64_t gen,
                           const struct timespec *dl) {
  while (s->gen == gen && !s->closed) {
    struct timespec slice;

    if (dl != NULL && deadline_passed(dl)) {
      return GSCTP_ETIMEOUT;
    }
    gsctp_deadline_after(&slice, WAIT_SLICE_MS);
    if (dl != NULL &&
        (dl->tv_sec < slice.tv_sec ||
         (dl->tv_sec == slice.tv_sec && dl->tv_nsec < slice.tv_nsec))) {
      slice = *dl;
    }
    if (pthread_cond_timedwait(&s->cv, &s->mu, &slice) == ETIMEDOUT) {
      return 0; /* re-poll usrsctp: cheap, and covers a lost wakeup */
    }
  }
  return 0;
}

/* ---- association address cache ---- */

/* A hash table, not a list: a one-to-many server with thousands of
 * associations looks an id up for every event, and a list made that
 * quadratic (measured in the setup benchmark, docs/benchmarks.md). */

static size_t assoc_bucket(const gsctp_sockimpl *s, uint32_t id) {
  return (size_t)(id ^ (id >> 16)) & (s->assoc_cap - 1);
}

/* s->mu held.  Doubles the table (from 16 buckets); on failure the old
 * table stays, with longer chains. */
static void assoc_grow_locked(gsctp_sockimpl *s) {
  size_t ncap = s->assoc_cap ? s->assoc_cap * 2 : 16, i, oldcap;
  struct gsctp_assoc_addr **nt = calloc(ncap, sizeof(*nt)), **old;

  if (nt == NULL) {
    return;
  }
  old = s->assocs;
  oldcap = s->assoc_cap;
  s->assocs = nt;
  s->assoc_cap = ncap;
  for (i = 0; i < oldcap; ++i) {
    struct gsctp_assoc_addr *a, *next;

    for (a = old[i]; a != NULL; a = next) {
      size_t b = assoc_bucket(s, a->assoc_id);

      next = a->next;
      a->next = nt[b];
      nt[b] = a;
    }
  }
  free(old);
}

static struct gsctp_assoc_addr *assoc_find_locked(gsctp_sockimpl *s,
                                                  uint32_t id) {
  struct gsctp_assoc_addr *a;

  if (s->assoc_cap == 0) {
    return NULL;
  }
  for (a = s->assocs[assoc_bucket(s, id)]; a != NULL; a = a->next) {
    if (a->assoc_id == id) {
      return a;
    }
  }
  return NULL;
}

static void assoc_remember(gsctp_sockimpl *s, uint32_t id,
                           const gsctp_addr *peer) {
  struct gsctp_assoc_addr *a;

  pthread_mutex_lock(&s->mu);
  a = assoc_find_locked(s, id);
  if (a != NULL) {
    a->peer = *peer;
    pthread_mutex_unlock(&s->mu);
    return;
  }
  if (s->assoc_n >= s->assoc_cap) {
    assoc_grow_locked(s);
  }
  a = s->assoc_cap > 0 ? malloc(sizeof(*a)) : NULL;
  if (a != NULL) {
    size_t b = assoc_bucket(s, id);

    a->assoc_id = id;
    a->peer = *peer;
    a->next = s->assocs[b];
    s->assocs[b] = a;
    s->assoc_n++;
  }
  pthread_mutex_unlock(&s->mu);
}

static int assoc_lookup(gsctp_sockimpl *s, uint32_t id, gsctp_addr *peer) {
  struct gsctp_assoc_addr *a;
  int found = 0;

  pthread_mutex_lock(&s->mu);
  a = assoc_find_locked(s, id);
  if (a != NULL) {
    *peer = a->peer;
    found = 1;
  }
  pthread_mutex_unlock(&s->mu);
  return found;
}

static void assoc_forget(gsctp_sockimpl *s, uint32_t id) {
  struct gsctp_assoc_addr **pp, *a;

  pthread_mutex_lock(&s->mu);
  if (s->assoc_cap > 0) {
    for (pp = &s->assocs[assoc_bucket(s, id)]; *pp != NULL; pp = &(*pp)->next) {
      if ((*pp)->assoc_id == id) {
        a = *pp;
        *pp = a->next;
        free(a);
        s->assoc_n--;
        break;
      }
    }
  }
  pthread_mutex_unlock(&s->mu);
}

/* Association |id| has ended: its address stays known for the next 64
 * associations that end on this socket, then it is forgotten. */
static void assoc_ended(gsctp_sockimpl *s, uint32_t id) {
  enum { KEEP = sizeof(s->ended) / sizeof(s->ended[0]) };
  uint32_t victim = 0;
  int drop = 0;
  size_t i;

  pthread_mutex_lock(&s->mu);
  for (i = 0; i < s->ended_n; ++i) {
    if (s->ended[(s->ended_head + i) % KEEP] == id) {
      pthread_mutex_unlock(&s->mu);
      return; /* already counted (e.g. comm_lost after shutdown_comp) */
    }
  }
  if (s->ended_n == KEEP) {
    victim = s->ended[s->ended_head];
    s->ended[s->ended_head] = id;
    s->ended_head = (s->ended_head + 1) % KEEP;
    drop = 1;
  } else {
    s->ended[(s->ended_head + s->ended_n) % KEEP] = id;
    s->ended_n++;
  }
  pthread_mutex_unlock(&s->mu);
  if (drop) {
    assoc_forget(s, victim);
  }
}

/* ---- the reader ---- */

/*
 * What the one reader of a socket (recv_busy: a gsctp_recv, a passive
 * connect, or the delivery thread) keeps between its lock round trips, so
 * that one message costs two of them, not nine: the reader counts in
 * s->users for its whole turn (close defers usrsctp_close to it), reads
 * the options it needs once per turn and after every wait, and adds its
 * inet:getstat counts when it next takes s->mu.
 */
struct reader {
  struct socket *so;      /* s->so, counted in s->users */
  uint64_t gen;           /* s->gen before the last read: wait for a change */
  int mode;               /* s->mode */
  int want_anc;           /* s->events.data_io_event */
  uint64_t cnt, oct, max; /* receive counts not yet in s->stat */
};

/* s->mu held: add the reader's counts to s->stat and read the options and
 * generation again.  GSCTP_ECLOSED if |s| is closed. */
static int reader_sync_locked(gsctp_sockimpl *s, struct reader *rd) {
  s->stat.recv_cnt += rd->cnt;
  s->stat.recv_oct += rd->oct;
  if (rd->max > s->stat.recv_max) {
    s->stat.recv_max = rd->max;
  }
  rd->cnt = rd->oct = rd->max = 0;
  rd->gen = s->gen;
  rd->mode = s->mode;
  rd->want_anc = s->events.data_io_event != 0;
  return s->closed ? GSCTP_ECLOSED : 0;
}

/* s->mu held, recv_busy taken: start a reader's turn.  GSCTP_ECLOSED if
 * the socket is closed (then |rd| holds nothing). */
static int reader_enter_locked(gsctp_sockimpl *s, struct reader *rd) {
  memset(rd, 0, sizeof(*rd));
  if (s->closed || s->so == NULL) {
    return GSCTP_ECLOSED;
  }
  s->users++;
  rd->so = s->so;
  return reader_sync_locked(s, rd);
}

/* s->mu held: end a reader's turn.  Returns the usrsctp socket the
 * caller must close (close_deferred) after unlocking, or NULL. */
static struct socket *reader_leave_locked(gsctp_sockimpl *s,
                                          struct reader *rd) {
  struct socket *so = NULL;

  if (rd->so == NULL) {
    return NULL;
  }
  (void)reader_sync_locked(s, rd);
  rd->so = NULL;
  if (--s->users == 0 && s->closed) {
    so = s->so;
    s->so = NULL;
  }
  return so;
}

/* Close what reader_leave_locked handed over (as gsctp_so_leave does). */
static void close_deferred(struct socket *so) {
  if (so != NULL) {
    (void)usrsctp_set_non_blocking(so, 0); /* see close_impl */
    usrsctp_close(so);
  }
}

/* ---- items ---- */

/*
 * One spare data buffer per thread.  A receiving loop frees each item
 * (gsctp_item_free) before it reads the next, so the freed buffer of a
 * small message is kept here and becomes the next small item's buffer:
 * no malloc or free per message.  Buffers above SPARE_MAX go back to
 * malloc; the spare of an ending thread is freed by a key destructor.
 */
#define SPARE_MAX 4096
static _Thread_local uint8_t *t_spare;
static _Thread_local size_t t_spare_cap;
static _Thread_local int t_spare_key_set;
static pthread_key_t g_spare_key;
static pthread_once_t g_spare_once = PTHREAD_ONCE_INIT;
static int g_spare_key_ok;

static void spare_thread_end(void *arg) {
  (void)arg;
  free(t_spare);
  t_spare = NULL;
  t_spare_cap = 0;
}

static void spare_key_init(void) {
  g_spare_key_ok = pthread_key_create(&g_spare_key, spare_thread_end) == 0;
}

/* A buffer for |len| bytes of item data (the spare if it fits). */
static uint8_t *data_alloc(size_t len) {
  uint8_t *b = t_spare;

  if (b != NULL && len <= t_spare_cap) {
    t_spare = NULL;
    return b;
  }
  return malloc(len > 0 ? len : 1);
}

/* Free item data, keeping it as this thread's spare if it is small. */
static void data_free(uint8_t *b) {
  size_t cap;

  if (b == NULL) {
    return;
  }
  if (t_spare == NULL && (cap = malloc_usable_size(b)) <= SPARE_MAX) {
    if (!t_spare_key_set) {
      /* The key's value only makes the destructor run at thread end. */
      (void)pthread_once(&g_spare_once, spare_key_init);
      if (!g_spare_key_ok || pthread_setspecific(g_spare_key, &t_spare) != 0) {
        free(b);
        return;
      }
      t_spare_key_set = 1;
    }
    t_spare = b;
    t_spare_cap = cap;
    return;
  }
  free(b);
}

void gsctp_item_free(gsctp_item *item) {
  if (item == NULL) {
    return;
  }
  data_free(item->data);
  if (item->is_event) {
    gsctp_event_free(&item->event);
  }
  memset(item, 0, sizeof(*item));
}

static gsctp_sndrcvinfo rcvinfo_to_sri(const struct sctp_rcvinfo *ri) {
  gsctp_sndrcvinfo r;

  r.stream = ri->rcv_sid;
  r.ssn = ri->rcv_ssn;
  r.flags = (ri->rcv_flags & SCTP_UNORDERED) ? GSCTP_SNDRCV_UNORDERED : 0;
  r.ppid = ntohl(ri->rcv_ppid);
  r.context = ri->rcv_context;
  r.timetolive = 0;
  r.tsn = ri->rcv_tsn;
  r.cumtsn = ri->rcv_cumtsn;
  r.assoc_id = ri->rcv_assoc_id;
  return r;
}

/* Is the (complete) event one the user subscribed to? */
static int event_wanted(gsctp_sockimpl *s, const gsctp_event *ev) {
  const gsctp_event_subscribe *e = &s->events;

  switch (ev->type) {
  case GSCTP_EV_ASSOC_CHANGE:
    return e->association_event != 0;
  case GSCTP_EV_PADDR_CHANGE:
    return e->address_event != 0;
  case GSCTP_EV_REMOTE_ERROR:
    return e->peer_error_event != 0;
  case GSCTP_EV_SEND_FAILED:
    return e->send_failure_event != 0;
  case GSCTP_EV_SHUTDOWN:
    return e->shutdown_event != 0;
  case GSCTP_EV_ADAPTATION:
    return e->adaptation_layer_event != 0;
  case GSCTP_EV_PDAPI:
    return e->partial_delivery_event != 0;
  default:
    return 0;
  }
}

/*
 * The sender of a message on udp_conn (an AF_CONN handle) as its real
 * address.  Mapping a handle takes udplink's global lock, which the
 * receive thread takes for every datagram; the IP of the last handle is
 * kept until a handle is freed (gsctp_udplink_handles_freed), so a
 * stream of messages from one peer maps it once.
 */
static void from_conn(gsctp_sockimpl *s, gsctp_item *item) {
  const struct sockaddr_conn *sc =
    (const struct sockaddr_conn *)(const void *)&s->pfrom;
  uint64_t gen = gsctp_udplink_handles_freed();
  uint16_t port = 0;

  if (s->pconn != NULL && s->pconn == sc->sconn_addr && s->pconn_gen == gen) {
    item->from.ip = s->pconn_ip;
    item->from.port = ntohs(sc->sconn_port);
    return;
  }
  (void)gsctp_addr_from_sockaddr((const struct sockaddr *)&s->pfrom, &port,
                                 &item->from.ip);
  item->from.port = port;
  /* Kept only when mapped (an unknown handle stays GSCTP_FAMILY_CONN). */
  s->pconn = item->from.ip.family != GSCTP_FAMILY_CONN ? sc->sconn_addr : NULL;
  s->pconn_gen = gen;
  s->pconn_ip = item->from.ip;
}

/*
 * Turn the reassembled message in s->pbuf into |item|.  Returns 0 (data
 * or an ordinary event), GSCTP_ESCTP_ERROR (an error event), 1 (nothing
 * to deliver: an unsubscribed or unknown notification), or GSCTP_ENOMEM.
 */
static int finish_item(gsctp_sockimpl *s, const struct reader *rd,
                       gsctp_item *item) {
  uint16_t port = 0;
  int have_from = 0, rv;
  int mode = rd->mode, want_anc = rd->want_anc;

  memset(item, 0, sizeof(*item));

  if (s->pfromlen > 0 && s->pfrom.ss_family == AF_CONN) {
    from_conn(s, item);
    have_from = 1;
  } else if (s->pfromlen > 0 &&
             gsctp_addr_from_sockaddr((const struct sockaddr *)&s->pfrom, &port,
                                      &item->from.ip) == 0) {
    item->from.port = port;
    have_from = 1;
  }

  if (s->pnotif) {
    uint32_t id;

    rv = gsctp_notify_parse(s->pbuf, s->plen, &item->event);
    s->plen = 0;
    if (rv < 0) {
      return rv == GSCTP_ENOMEM ? rv : 1; /* malformed: drop */
    }
    if (rv == 0) {
      return 1;
    }
    item->is_event = 1;
    id = gsctp_event_assoc_id(&item->event);
    if (!have_from || item->from.port == 0) {
      have_from = assoc_lookup(s, id, &item->from);
    }
    if (item->event.type == GSCTP_EV_ASSOC_CHANGE) {
      int st = item->event.u.assoc_change.state;
      if (st == GSCTP_COMM_UP || st == GSCTP_RESTART) {
        if (have_from) {
          assoc_remember(s, id, &item->from);
        }
      } else if (st == GSCTP_COMM_LOST || st == GSCTP_SHUTDOWN_COMP ||
                 st == GSCTP_CANT_ASSOC) {
        assoc_ended(s, id);
      }
    }
    if (!event_wanted(s, &item->event)) {
      gsctp_item_free(item);
      return 1;
    }
    item->list = mode == GSCTP_MODE_LIST;
    switch (item->event.type) {
    case GSCTP_EV_SEND_FAILED:
    case GSCTP_EV_REMOTE_ERROR:
    case GSCTP_EV_PDAPI:
      return GSCTP_ESCTP_ERROR;
    default:
      return 0;
    }
  }

  /* Data.  A message that fills most of the read buffer takes the buffer
   * over; a smaller one is copied into a buffer of its own size, so the
   * read buffer is reused instead of reallocated (MIN_READ_STEP bytes) for
   * every message, and a queued item does not pin 64 KiB. */
  if (s->plen * 4 < s->pcap && (item->data = data_alloc(s->plen)) != NULL) {
    memcpy(item->data, s->pbuf, s->plen);
    item->datalen = s->plen;
    s->plen = 0;
  } else { /* large, or out of memory for the copy */
    item->data = s->pbuf;
    item->datalen = s->plen;
    s->pbuf = NULL;
    s->plen = s->pcap = 0;
  }
  if (s->pinfo_valid && want_anc) {
    item->has_anc = 1;
    item->anc = rcvinfo_to_sri(&s->pinfo);
  }
  if ((!have_from || item->from.port == 0) && s->pinfo_valid) {
    (void)assoc_lookup(s, s->pinfo.rcv_assoc_id, &item->from);
  }
  item->list = mode == GSCTP_MODE_LIST;
  return 0;
}

/*
 * Read pieces from usrsctp until a whole message is in s->pbuf.
 * Caller is the reader |rd|.  Returns 1 when a message is complete, 0 if
 * usrsctp has nothing more now, or a negative error.
 */
static int read_message(gsctp_sockimpl *s, struct reader *rd) {
  int rv;

  for (;;) {
    /* The first piece's address and info go straight to s->pfrom and
     * s->pinfo (no copies, no clearing: the lengths say what is valid). */
    struct sockaddr_storage from2;
    struct sctp_rcvinfo info2;
    int first = s->plen == 0;
    socklen_t fromlen = sizeof(from2);
    socklen_t infolen = sizeof(info2);
    unsigned int infotype = 0;
    int flags = MSG_DONTWAIT;
    size_t step;
    ssize_t n;

    step = s->bufsz > MIN_READ_STEP ? s->bufsz : MIN_READ_STEP;
    if (s->pcap - s->plen < step) {
      uint8_t *nb = realloc(s->pbuf, s->plen + step);
      if (nb == NULL) {
        rv = GSCTP_ENOMEM;
        break;
      }
      s->pbuf = nb;
      s->pcap = s->plen + step;
    }
    n = usrsctp_recvv(
      rd->so, s->pbuf + s->plen, s->pcap - s->plen,
      first ? (struct sockaddr *)&s->pfrom : (struct sockaddr *)&from2,
      &fromlen, first ? &s->pinfo : &info2, &infolen, &infotype, &flags);
    if (n < 0) {
      rv = (errno == EWOULDBLOCK || errno == EAGAIN)
             ? 0
             : gsctp_err_from_errno(errno);
      break;
    }
    if (n > 0 || (flags & (MSG_NOTIFICATION | MSG_EOR))) {
      rd->cnt++;
      rd->oct += (uint64_t)n;
      if ((uint64_t)n > rd->max) {
        rd->max = (uint64_t)n;
      }
    }
    if (n == 0 && !(flags & (MSG_NOTIFICATION | MSG_EOR))) {
      /* End of file on a one-to-one socket: the association is gone. */
      rv = s->type == GSCTP_TYPE_STREAM ? GSCTP_ENOTCONN : 0;
      break;
    }
    if (first) {
      s->pnotif = (flags & MSG_NOTIFICATION) != 0;
      s->pinfo_valid = infotype == SCTP_RECVV_RCVINFO;
      s->pfromlen = fromlen <= sizeof(s->pfrom) ? fromlen : 0;
    }
    s->plen += (size_t)n;
    if (flags & MSG_EOR) {
      rv = 1;
      break;
    }
  }
  return rv;
}

/* Pop a kept item; s->mu held.  Returns 1 if one was popped. */
static int pop_pending_locked(gsctp_sockimpl *s, gsctp_item *item, int *prc) {
  struct gsctp_pending *p = s->pend_head;

  if (p == NULL) {
    return 0;
  }
  s->pend_head = p->next;
  if (s->pend_head == NULL) {
    s->pend_tail = NULL;
  }
  *item = p->item;
  *prc = p->rc;
  free(p);
  return 1;
}

static int push_pending(gsctp_sockimpl *s, gsctp_item *item, int rc) {
  struct gsctp_pending *p = malloc(sizeof(*p));

  if (p == NULL) {
    gsctp_item_free(item);
    return GSCTP_ENOMEM;
  }
  p->next = NULL;
  p->item = *item;
  p->rc = rc;
  pthread_mutex_lock(&s->mu);
  if (s->pend_tail != NULL) {
    s->pend_tail->next = p;
  } else {
    s->pend_head = p;
  }
  s->pend_tail = p;
  pthread_mutex_unlock(&s->mu);
  return 0;
}

static struct gsctp_owner *live_owner_locked(gsctp_sockimpl *s);

/* Wait (s->mu held) until the delivery thread is not reading s. */
static void wait_delivery_locked(gsctp_sockimpl *s) {
  int n;

  for (n = 0; n < 100000 && s->recv_busy == 2 && !s->closed; ++n) {
    struct timespec dl;

    gsctp_deadline_after(&dl, WAIT_SLICE_MS);
    (void)pthread_cond_timedwait(&s->cv, &s->mu, &dl);
  }
}

/* Become the reader of |s| (recv, passive connect); s->mu held.
 * |passive_only|: GSCTP_EINVAL on an active socket (recv). */
static int recv_acquire_locked(gsctp_sockimpl *s, int passive_only) {
  int rv = 0;

  wait_delivery_locked(s);
  if (s->active_kind != GSCTP_ACTIVE_KIND_FALSE) {
    (void)live_owner_locked(s); /* an ended owner leaves s passive */
  }
  if (s->closed) {
    rv = GSCTP_ECLOSED;
  } else if (passive_only && s->active_kind != GSCTP_ACTIVE_KIND_FALSE) {
    rv = gsctp_detail(GSCTP_EINVAL, "recv on an active socket");
  } else if (s->recv_busy) {
    rv = GSCTP_EALREADY;
  } else {
    s->recv_busy = 1;
  }
  return rv;
}

/* Stop being the reader of |s|, ending the turn of |rd| (which may hold
 * nothing). */
static void recv_release(gsctp_sockimpl *s, struct reader *rd) {
  struct socket *dead;
  int active;

  pthread_mutex_lock(&s->mu);
  dead = reader_leave_locked(s, rd);
  s->recv_busy = 0;
  active = s->active_kind != GSCTP_ACTIVE_KIND_FALSE && !s->closed;
  pthread_cond_broadcast(&s->cv);
  pthread_mutex_unlock(&s->mu);
  close_deferred(dead);
  if (active) {
    gsctp_deliver_kick(s->handle); /* made active while we read */
  }
}

static int push_pending(gsctp_sockimpl *s, gsctp_item *item, int rc);

/*
 * usrsctp reports an abort with queued data as the send_failed events
 * first and comm_lost last; Linux (and so gen_sctp) reports comm_lost
 * first.  When a send_failed is read, read what usrsctp already holds
 * (bounded: the receive buffer), and if it contains the comm_lost of the
 * same association, deliver that first.  |item| holds the send_failed;
 * everything read ahead goes to the kept queue in order.  Returns the
 * code of the item now in |item|.
 */
static int reorder_after_send_failed(gsctp_sockimpl *s, struct reader *rd,
                                     gsctp_item *item) {
  uint32_t id = item->event.u.send_failed.assoc_id;
  struct gsctp_pending *head = NULL, **tail = &head, *p, **pp;
  struct gsctp_pending *lost = NULL;
  int n = 0, rv;

  while (n < 100000 && read_message(s, rd) == 1) {
    p = malloc(sizeof(*p));
    if (p == NULL) {
      break;
    }
    rv = finish_item(s, rd, &p->item);
    if (rv == 1 || rv == GSCTP_ENOMEM) {
      free(p);
      if (rv == GSCTP_ENOMEM) {
        break;
      }
      continue;
    }
    p->rc = rv;
    p->next = NULL;
    *tail = p;
    tail = &p->next;
    n++;
  }
  for (pp = &head; *pp != NULL; pp = &(*pp)->next) {
    p = *pp;
    if (p->rc == 0 && p->item.is_event &&
        p->item.event.type == GSCTP_EV_ASSOC_CHANGE &&
        p->item.event.u.assoc_change.assoc_id == id &&
        (p->item.event.u.assoc_change.state == GSCTP_COMM_LOST ||
         p->item.event.u.assoc_change.state == GSCTP_CANT_ASSOC)) {
      *pp = p->next;
      lost = p;
      break;
    }
  }
  rv = GSCTP_ESCTP_ERROR;
  if (lost != NULL) {
    /* comm_lost goes out now; the send_failed becomes the first kept. */
    gsctp_item sf = *item;

    *item = lost->item;
    rv = lost->rc;
    free(lost);
    if (push_pending(s, &sf, GSCTP_ESCTP_ERROR) != 0) {
      /* out of memory: the send_failed is lost, the rest is kept */
    }
  }
  while (head != NULL) {
    p = head;
    head = p->next;
    (void)push_pending(s, &p->item, p->rc);
    free(p);
  }
  return rv;
}

/*
 * Next item from usrsctp (not the kept ones), waiting until |dl| (NULL =
 * forever).  Caller holds recv_busy.  Returns 0 / GSCTP_ESCTP_ERROR with
 * |item| filled, or an error.
 */
static int next_item(gsctp_sockimpl *s, struct reader *rd,
                     const struct timespec *dl, gsctp_item *item) {
  for (;;) {
    int rv = read_message(s, rd);

    if (rv == 1) {
      rv = finish_item(s, rd, item);
      if (rv == 1) {
        continue; /* nothing for the user in it */
      }
      if (rv == GSCTP_ESCTP_ERROR && item->event.type == GSCTP_EV_SEND_FAILED) {
        return reorder_after_send_failed(s, rd, item);
      }
      return rv;
    }
    if (rv < 0) {
      return rv;
    }
    /* rd->gen was read before the read that found nothing: an upcall
     * since then has changed s->gen, so no wake-up is lost. */
    pthread_mutex_lock(&s->mu);
    rv = wait_gen_locked(s, rd->gen, dl);
    if (rv == 0) {
      rv = reader_sync_locked(s, rd);
    }
    pthread_mutex_unlock(&s->mu);
    if (rv != 0) {
      return rv;
    }
  }
}

int gsctp_recv(gsctp_sock sock, int timeout_ms, gsctp_item *pitem) {
  gsctp_sockimpl *s;
  struct timespec dl;
  struct reader rd;
  int rv;

  t_detail[0] = '\0';
  if (pitem == NULL) {
    return gsctp_detail(GSCTP_EBADARG, "bad argument: pitem == NULL");
  }
  memset(pitem, 0, sizeof(*pitem));
  s = gsctp_sock_get(sock);
  if (s == NULL) {
    return gsctp_sock_gone(sock);
  }
  if (timeout_ms < GSCTP_INFINITY) {
    gsctp_sock_put(s);
    return GSCTP_EINVAL;
  }
  /* One lock round trip to become the reader (or take a kept item), one
   * to stop: nothing in between takes s->mu unless it must wait. */
  pthread_mutex_lock(&s->mu);
  rv = recv_acquire_locked(s, 1);
  if (rv == 0 && pop_pending_locked(s, pitem, &rv)) {
    s->recv_busy = 0;
    pthread_cond_broadcast(&s->cv);
    pthread_mutex_unlock(&s->mu);
    gsctp_sock_put(s);
    return rv;
  }
  if (rv == 0) {
    rv = reader_enter_locked(s, &rd);
    if (rv != 0) {
      s->recv_busy = 0;
      pthread_cond_broadcast(&s->cv);
    }
  }
  pthread_mutex_unlock(&s->mu);
  if (rv != 0) {
    gsctp_sock_put(s);
    return rv;
  }
  if (timeout_ms != GSCTP_INFINITY) {
    gsctp_deadline_after(&dl, timeout_ms);
  }
  rv = next_item(s, &rd, timeout_ms == GSCTP_INFINITY ? NULL : &dl, pitem);
  recv_release(s, &rd);
  gsctp_sock_put(s);
  return rv;
}

/* ---- owners and active delivery ---- */

/* s->mu held: drop an ended owner; returns the (live) owner or NULL. */
static struct gsctp_owner *live_owner_locked(gsctp_sockimpl *s) {
  if (s->owner != NULL && gsctp_owner_is_dead(s->owner)) {
    gsctp_owner_unref(s->owner);
    s->owner = NULL;
    s->active_kind = GSCTP_ACTIVE_KIND_FALSE; /* ownerless is passive */
    s->active_n = 0;
  }
  return s->owner;
}

int gsctp_sock_set_active(gsctp_sockimpl *s, int64_t v) {
  struct gsctp_owner *owner = NULL, *adopt = NULL;
  int kind, post_passive = 0, kick = 0;
  int64_t n = 0;

  if (v == GSCTP_ACTIVE_FALSE) {
    kind = GSCTP_ACTIVE_KIND_FALSE;
  } else if (v == GSCTP_ACTIVE_TRUE) {
    kind = GSCTP_ACTIVE_KIND_TRUE;
  } else if (v == GSCTP_ACTIVE_ONCE) {
    kind = GSCTP_ACTIVE_KIND_ONCE;
  } else if (GSCTP_ACTIVE_IS_N(v)) {
    kind = GSCTP_ACTIVE_KIND_N;
    n = GSCTP_ACTIVE_COUNT(v);
    if (n < -32768 || n > 32767) {
      return gsctp_detail(GSCTP_EINVAL, "active: %lld is not in -32768..32767",
                          (long long)n);
    }
  } else {
    return gsctp_detail(GSCTP_EINVAL,
                        "active: %lld is not false, true, once or "
                        "GSCTP_ACTIVE_N(n)",
                        (long long)v);
  }
  if (kind != GSCTP_ACTIVE_KIND_FALSE) {
    adopt = gsctp_owner_self_ref(); /* for an ownerless socket */
  }
  pthread_mutex_lock(&s->mu);
  if (kind == GSCTP_ACTIVE_KIND_N) {
    int64_t cur = s->active_kind == GSCTP_ACTIVE_KIND_N ? s->active_n : 0;
    int64_t c = cur + n;

    if (c > 32767 || c < -32768) {
      pthread_mutex_unlock(&s->mu);
      gsctp_owner_unref(adopt);
      return gsctp_detail(GSCTP_EINVAL,
                          "active: count %lld + %lld is outside "
                          "-32768..32767",
                          (long long)cur, (long long)n);
    }
    if (c <= 0) {
      kind = GSCTP_ACTIVE_KIND_FALSE;
      c = 0;
      post_passive = 1;
    }
    s->active_n = (int)c;
  } else {
    s->active_n = 0;
  }
  if (live_owner_locked(s) == NULL && adopt != NULL) {
    s->owner = adopt;
    adopt = NULL;
  }
  s->active_kind = s->owner != NULL ? kind : GSCTP_ACTIVE_KIND_FALSE;
  kick = s->active_kind != GSCTP_ACTIVE_KIND_FALSE;
  if (post_passive && s->owner != NULL) {
    owner = s->owner;
    gsctp_owner_ref(owner);
  }
  pthread_mutex_unlock(&s->mu);
  gsctp_owner_unref(adopt);
  if (owner != NULL) {
    (void)gsctp_owner_post_simple(owner, GSCTP_MSG_SCTP_PASSIVE, s->handle, 0);
    gsctp_owner_unref(owner);
  }
  if (kick) {
    gsctp_deliver_kick(s->handle);
  }
  return 0;
}

int64_t gsctp_sock_get_active(gsctp_sockimpl *s) {
  int64_t v;

  pthread_mutex_lock(&s->mu);
  (void)live_owner_locked(s); /* an ended owner leaves s passive */
  switch (s->active_kind) {
  case GSCTP_ACTIVE_KIND_TRUE:
    v = GSCTP_ACTIVE_TRUE;
    break;
  case GSCTP_ACTIVE_KIND_ONCE:
    v = GSCTP_ACTIVE_ONCE;
    break;
  case GSCTP_ACTIVE_KIND_N:
    v = GSCTP_ACTIVE_N(s->active_n);
    break;
  default:
    v = GSCTP_ACTIVE_FALSE;
    break;
  }
  pthread_mutex_unlock(&s->mu);
  return v;
}

int gsctp_sock_set_non_block_send(gsctp_sockimpl *s, int on) {
  struct socket *so;
  int rv = gsctp_so_enter(s, &so);

  if (rv != 0) {
    return rv;
  }
  /* usrsctp_sendv ignores MSG_DONTWAIT: the socket's own non-blocking
   * mode decides.  Receives always use MSG_DONTWAIT, so it only changes
   * send (and connect, which saves and restores it). */
  if (usrsctp_set_non_blocking(so, on ? 1 : 0) != 0) {
    rv = gsctp_err_from_errno(errno);
  } else {
    pthread_mutex_lock(&s->mu);
    s->non_block_send = on != 0;
    pthread_mutex_unlock(&s->mu);
  }
  gsctp_so_leave(s);
  return rv;
}

static int push_front_pending(gsctp_sockimpl *s, gsctp_item *item, int rc) {
  struct gsctp_pending *p = malloc(sizeof(*p));

  if (p == NULL) {
    gsctp_item_free(item);
    return GSCTP_ENOMEM;
  }
  p->item = *item;
  p->rc = rc;
  pthread_mutex_lock(&s->mu);
  p->next = s->pend_head;
  s->pend_head = p;
  if (s->pend_tail == NULL) {
    s->pend_tail = p;
  }
  pthread_mutex_unlock(&s->mu);
  return 0;
}

/* Items delivered per round before yielding to other sockets. */
#define DELIVER_ROUND 256

void gsctp_sock_deliver(gsctp_sock h) {
  gsctp_sockimpl *s = gsctp_sock_get(h);
  struct reader rd;
  struct socket *dead;
  int n, again = 0;

  if (s == NULL) {
    return;
  }
  pthread_mutex_lock(&s->mu);
  if (s->closed || s->recv_busy || s->cp_busy ||
      s->active_kind == GSCTP_ACTIVE_KIND_FALSE ||
      live_owner_locked(s) == NULL || reader_enter_locked(s, &rd) != 0) {
    pthread_mutex_unlock(&s->mu);
    gsctp_sock_put(s);
    return;
  }
  s->recv_busy = 2;
  pthread_mutex_unlock(&s->mu);

  for (n = 0;; ++n) {
    struct gsctp_owner *owner;
    gsctp_item item;
    gsctp_msg msg;
    int rc, from_pending, post_passive = 0;

    if (n >= DELIVER_ROUND) {
      again = 1;
      break;
    }
    pthread_mutex_lock(&s->mu);
    if (reader_sync_locked(s, &rd) != 0 ||
        s->active_kind == GSCTP_ACTIVE_KIND_FALSE ||
        live_owner_locked(s) == NULL) {
      pthread_mutex_unlock(&s->mu);
      break;
    }
    from_pending = pop_pending_locked(s, &item, &rc);
    pthread_mutex_unlock(&s->mu);
    if (!from_pending) {
      rc = read_message(s, &rd);
      if (rc == 0 || rc == GSCTP_ECLOSED) {
        break; /* nothing more now */
      }
      if (rc < 0) {
        /* {sctp_error, S, Posix}: does not count against {active, N}. */
        pthread_mutex_lock(&s->mu);
        owner = s->last_err != rc ? s->owner : NULL;
        s->last_err = rc;
        if (owner != NULL) {
          gsctp_owner_ref(owner);
        }
        pthread_mutex_unlock(&s->mu);
        if (owner != NULL) {
          (void)gsctp_owner_post_simple(owner, GSCTP_MSG_SCTP_ERROR_CODE, h,
                                        rc);
          gsctp_owner_unref(owner);
        }
        break;
      }
      rc = finish_item(s, &rd, &item);
      if (rc == 1) {
        continue; /* nothing for the user */
      }
      if (rc == GSCTP_ENOMEM) {
        again = 1;
        break;
      }
      if (rc == GSCTP_ESCTP_ERROR && item.event.type == GSCTP_EV_SEND_FAILED) {
        rc = reorder_after_send_failed(s, &rd, &item);
      }
    }
    pthread_mutex_lock(&s->mu);
    if (rc == 0 && item.is_event && item.event.type == GSCTP_EV_ASSOC_CHANGE &&
        s->assoc_force > 0 &&
        item.event.u.assoc_change.assoc_id != s->assoc_wait_id) {
      /* Read only because a connect forced association events on. */
      pthread_mutex_unlock(&s->mu);
      gsctp_item_free(&item);
      continue;
    }
    if (s->active_kind == GSCTP_ACTIVE_KIND_FALSE || s->closed ||
        s->owner == NULL) {
      /* Made passive meanwhile: keep it for recv, first in line. */
      pthread_mutex_unlock(&s->mu);
      (void)push_front_pending(s, &item, rc);
      break;
    }
    if (s->active_kind == GSCTP_ACTIVE_KIND_ONCE) {
      s->active_kind = GSCTP_ACTIVE_KIND_FALSE;
    } else if (s->active_kind == GSCTP_ACTIVE_KIND_N && --s->active_n <= 0) {
      s->active_kind = GSCTP_ACTIVE_KIND_FALSE;
      s->active_n = 0;
      post_passive = 1;
    }
    s->last_err = 0;
    owner = s->owner;
    gsctp_owner_ref(owner);
    pthread_mutex_unlock(&s->mu);

    memset(&msg, 0, sizeof(msg));
    msg.kind = rc == GSCTP_ESCTP_ERROR ? GSCTP_MSG_SCTP_ERROR : GSCTP_MSG_SCTP;
    msg.sock = h;
    msg.item = item;
    (void)gsctp_owner_post(owner, &msg);
    if (post_passive) {
      (void)gsctp_owner_post_simple(owner, GSCTP_MSG_SCTP_PASSIVE, h, 0);
    }
    gsctp_owner_unref(owner);
  }

  pthread_mutex_lock(&s->mu);
  dead = reader_leave_locked(s, &rd);
  s->recv_busy = 0;
  pthread_cond_broadcast(&s->cv);
  pthread_mutex_unlock(&s->mu);
  close_deferred(dead);
  if (again) {
    gsctp_deliver_kick(h);
  }
  gsctp_sock_put(s);
}

void gsctp_sock_sweep_active(void) {
  size_t i;

  for (i = 1;; ++i) {
    gsctp_sock h = 0;

    pthread_mutex_lock(&g_tab_mu);
    if (i >= g_tab_cap) {
      pthread_mutex_unlock(&g_tab_mu);
      break;
    }
    /* active_kind is read without s->mu: a stale value only costs or
     * skips one sweep; the upcall is the real trigger. */
    if (g_tab[i] != NULL &&
        __atomic_load_n(&g_tab[i]->active_kind, __ATOMIC_RELAXED) !=
          GSCTP_ACTIVE_KIND_FALSE) {
      h = g_tab[i]->handle;
    }
    pthread_mutex_unlock(&g_tab_mu);
    if (h != 0) {
      gsctp_deliver_kick(h);
    }
  }
}

int gsctp_controlling_process(gsctp_sock sock, gsctp_owner *to) {
  gsctp_sockimpl *s;
  struct gsctp_owner *cur, *me;
  int rv = 0, kick;

  t_detail[0] = '\0';
  if (to == NULL || sock == 0) {
    return gsctp_detail(GSCTP_EBADARG, "%s",
                        to == NULL ? "owner is NULL" : "socket handle 0");
  }
  if (gsctp_owner_is_dead(to)) {
    return gsctp_detail(GSCTP_EINVAL, "the new owner has ended");
  }
  s = gsctp_sock_get(sock);
  if (s == NULL) {
    return gsctp_sock_gone(sock);
  }
  me = gsctp_owner_self();
  pthread_mutex_lock(&s->mu);
  wait_delivery_locked(s);
  cur = live_owner_locked(s);
  if (s->closed) {
    rv = GSCTP_ECLOSED;
  } else if (cur == to) {
    rv = 0;
  } else if (cur != NULL && cur != me) {
    rv = GSCTP_ENOT_OWNER;
  } else {
    /* OTP sets {active, false}, moves the messages, then restores the
     * mode and the count: here delivery just pauses meanwhile. */
    s->cp_busy = 1;
    gsctp_owner_ref(to);
    s->owner = to;
    pthread_mutex_unlock(&s->mu);
    if (cur != NULL) {
      gsctp_owner_move_sctp(cur, to, sock);
      gsctp_owner_unref(cur);
    }
    pthread_mutex_lock(&s->mu);
    s->cp_busy = 0;
    kick = s->active_kind != GSCTP_ACTIVE_KIND_FALSE;
    pthread_mutex_unlock(&s->mu);
    if (kick) {
      gsctp_deliver_kick(sock);
    }
    gsctp_sock_put(s);
    return 0;
  }
  pthread_mutex_unlock(&s->mu);
  gsctp_sock_put(s);
  return rv;
}

int gsctp_getstat(gsctp_sock sock, gsctp_stat *pstat) {
  gsctp_sockimpl *s;

  t_detail[0] = '\0';
  if (pstat == NULL) {
    return gsctp_detail(GSCTP_EBADARG, "pstat is NULL");
  }
  s = gsctp_sock_get(sock);
  if (s == NULL) {
    return gsctp_sock_gone(sock);
  }
  pthread_mutex_lock(&s->mu);
  *pstat = s->stat;
  pthread_mutex_unlock(&s->mu);
  pstat->recv_avg = pstat->recv_cnt ? pstat->recv_oct / pstat->recv_cnt : 0;
  pstat->send_avg = pstat->send_cnt ? pstat->send_oct / pstat->send_cnt : 0;
  gsctp_sock_put(s);
  return 0;
}

/* ---- open / close ---- */

static int family_af(int family) {
  switch (family) {
  case GSCTP_FAMILY_INET:
    return AF_INET;
  case GSCTP_FAMILY_INET6:
    return AF_INET6;
  case GSCTP_FAMILY_CONN:
    return AF_CONN;
  default:
    return -1;
  }
}

/* First pass over open's options: the open-only ones. */
struct open_args {
  int port;
  int family;
  int type;
  int udp_port;      /* -1 = not given */
  const char *netns; /* NULL = not given */
  int transport;     /* gsctp_transport */
  const gsctp_ip *ips[64];
  size_t nips;
};

static int scan_open_opts(const gsctp_opt *opts, size_t nopts,
                          struct open_args *a) {
  size_t i;

  a->port = 0;
  a->family = GSCTP_FAMILY_INET;
  a->type = GSCTP_TYPE_SEQPACKET;
  a->udp_port = -1;
  a->netns = NULL;
  a->transport = GSCTP_TRANSPORT_UDP;
  a->nips = 0;
  for (i = 0; i < nopts; ++i) {
    const gsctp_opt *o = &opts[i];

    switch (o->name) {
    case GSCTP_OPT_PORT:
      if (o->v.i < 0 || o->v.i > 65535) {
        return gsctp_detail(GSCTP_EBADARG, "port %lld is not in 0..65535",
                            (long long)o->v.i);
      }
      a->port = (int)o->v.i;
      break;
    case GSCTP_OPT_IP:
      if (a->nips >= sizeof(a->ips) / sizeof(a->ips[0])) {
        return gsctp_detail(GSCTP_EBADARG, "more than 64 ip options");
      }
      a->ips[a->nips++] = &o->v.ip;
      break;
    case GSCTP_OPT_FAMILY:
      if (family_af((int)o->v.i) < 0) {
        return gsctp_detail(GSCTP_EBADARG,
                            "family %lld is not inet, inet6 "
                            "or conn",
                            (long long)o->v.i);
      }
      a->family = (int)o->v.i;
      break;
    case GSCTP_OPT_TYPE:
      if (o->v.i != GSCTP_TYPE_SEQPACKET && o->v.i != GSCTP_TYPE_STREAM) {
        return gsctp_detail(GSCTP_EBADARG,
                            "type %lld is not seqpacket or "
                            "stream",
                            (long long)o->v.i);
      }
      a->type = (int)o->v.i;
      break;
    case GSCTP_OPT_IFADDR: /* {ifaddr, SockAddr}: an address and a port */
      if (a->nips >= sizeof(a->ips) / sizeof(a->ips[0])) {
        return gsctp_detail(GSCTP_EBADARG, "more than 64 ip options");
      }
      a->ips[a->nips++] = &o->v.addr.ip;
      a->port = o->v.addr.port;
      break;
    case GSCTP_OPT_NETNS:
    case GSCTP_OPT_BIND_TO_DEVICE: {
      int rv = gsctp_opts_open_check(o);
      if (rv != 0) {
        return rv;
      }
      if (o->name == GSCTP_OPT_NETNS) {
        a->netns = o->v.str;
      }
      break;
    }
    case GSCTP_OPT_UDP_PORT:
      if (o->v.i < 0 || o->v.i > 65535) {
        return gsctp_detail(GSCTP_EBADARG, "udp_port %lld is not in 0..65535",
                            (long long)o->v.i);
      }
      a->udp_port = (int)o->v.i;
      break;
    case GSCTP_OPT_TRANSPORT:
      if (o->v.i != GSCTP_TRANSPORT_UDP && o->v.i != GSCTP_TRANSPORT_UDP_CONN &&
          o->v.i != GSCTP_TRANSPORT_RAW) {
        return gsctp_detail(GSCTP_EBADARG,
                            "transport %lld is not udp, udp_conn or raw",
                            (long long)o->v.i);
      }
      a->transport = (int)o->v.i;
      break;
    default:
      if (o->name <= 0 || o->name >= GSCTP_OPT__COUNT) {
        return gsctp_detail(GSCTP_EBADARG, "unknown option %d", o->name);
      }
      break;
    }
  }
  /* As in inet:sctp_module/1: an IPv6 {ip,_} selects inet6 unless a family
   * was given explicitly. */
  for (i = 0; i < nopts; ++i) {
    if (opts[i].name == GSCTP_OPT_FAMILY) {
      return 0;
    }
  }
  if (a->nips > 0 && a->ips[a->nips - 1]->family == GSCTP_FAMILY_INET6) {
    a->family = GSCTP_FAMILY_INET6;
  } else if (a->nips > 0 && a->ips[a->nips - 1]->family == GSCTP_FAMILY_CONN) {
    a->family = GSCTP_FAMILY_CONN;
  }
  return 0;
}

/* fe80::/10: needs a scope (interface) id, which gsctp_ip cannot carry. */
static int ip6_is_link_local(const gsctp_ip *ip) {
  return ip->family == GSCTP_FAMILY_INET6 && ip->u.v6[0] == 0xfe &&
         (ip->u.v6[1] & 0xc0) == 0x80;
}

/* ::ffff:a.b.c.d */
static int ip6_is_v4_mapped(const gsctp_ip *ip) {
  static const uint8_t prefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

  return ip->family == GSCTP_FAMILY_INET6 &&
         memcmp(ip->u.v6, prefix, sizeof(prefix)) == 0;
}

/*
 * The checks of one local address |ip| (the |i|th ip option) of |s| that
 * usrsctp does not make: the family (an inet6 socket also takes IPv4
 * unless it is v6only), ipv6_v6only (usrsctp has none: sock.c emulates
 * it; the codes are Linux's: einval for IPv4, eaddrnotavail for a mapped
 * address) and link-local addresses.
 */
static int check_local_ip(const gsctp_sockimpl *s, const gsctp_ip *ip,
                          size_t i) {
  if (ip->family == GSCTP_FAMILY_UNSPEC) {
    return 0;
  }
  if (ip->family != s->family &&
      !(s->family == GSCTP_FAMILY_INET6 && ip->family == GSCTP_FAMILY_INET)) {
    return gsctp_detail(GSCTP_EAFNOSUPPORT,
                        "ip option %zu is not of the socket's family", i);
  }
  if (s->v6only && ip->family == GSCTP_FAMILY_INET) {
    return gsctp_detail(GSCTP_EINVAL,
                        "ip option %zu: an IPv4 address on an ipv6_v6only "
                        "socket",
                        i);
  }
  if (s->v6only && ip6_is_v4_mapped(ip)) {
    return gsctp_detail(GSCTP_EADDRNOTAVAIL,
                        "ip option %zu: an IPv4-mapped address on an "
                        "ipv6_v6only socket",
                        i);
  }
  if (ip6_is_link_local(ip)) {
    return gsctp_detail(GSCTP_EINVAL,
                        "ip option %zu: a link-local IPv6 address needs a "
                        "scope id, which gsctp_ip cannot carry",
                        i);
  }
  return 0;
}

/* UNSPEC, 0.0.0.0 or :: */
static int ip_is_any(const gsctp_ip *ip) {
  gsctp_ip any = gsctp_ip_any(ip->family);

  return ip->family == GSCTP_FAMILY_UNSPEC ||
         (ip->family != GSCTP_FAMILY_CONN && gsctp_ip_equal(ip, &any));
}

/* The port |so| is bound to, or |fallback| if usrsctp does not say. */
static uint16_t bind_port(struct socket *so, uint16_t fallback) {
  struct sockaddr *la = NULL;
  uint16_t port = fallback;
  int n = usrsctp_getladdrs(so, 0, &la);

  if (n > 0 && la != NULL) {
    (void)gsctp_addr_from_sockaddr(la, &port, NULL);
  }
  if (la != NULL) {
    usrsctp_freeladdrs(la);
  }
  return port;
}

/*
 * An ipv6_v6only socket without an address (or with `::`): usrsctp's
 * wildcard bind would take IPv4 too, so bind instead every IPv6 address
 * the stack knows (usrsctp reads the interface addresses once, when it
 * starts, so the wildcard means exactly this list).  The list comes
 * from a probe socket bound to the wildcard.  Link-local addresses come
 * with their scope id from usrsctp and are bound if usrsctp takes them.
 */
static int bind_v6only_all(struct socket *so, uint16_t port) {
  struct sockaddr_in6 any, *list6 = NULL;
  struct sockaddr *la = NULL;
  struct socket *probe;
  size_t n6 = 0, k, bound = 0;
  uint8_t *p;
  int n, i, rv = 0;

  probe =
    usrsctp_socket(AF_INET6, SOCK_SEQPACKET, IPPROTO_SCTP, NULL, NULL, 0, NULL);
  if (probe == NULL) {
    return gsctp_err_from_errno(errno);
  }
  memset(&any, 0, sizeof(any));
  any.sin6_family = AF_INET6;
  if (usrsctp_bind(probe, (struct sockaddr *)&any, sizeof(any)) != 0) {
    rv = gsctp_err_from_errno(errno);
    usrsctp_close(probe);
    return rv;
  }
  n = usrsctp_getladdrs(probe, 0, &la);
  if (n > 0 && la != NULL) {
    list6 = calloc((size_t)n, sizeof(*list6));
  }
  p = (uint8_t *)la;
  for (i = 0; i < n && p != NULL; ++i) {
    const struct sockaddr *sa = (const struct sockaddr *)(void *)p;
    size_t sl = gsctp_sockaddr_len(sa);

    if (sl == 0) {
      break;
    }
    if (sa->sa_family == AF_INET6 && list6 != NULL) {
      const struct sockaddr_in6 *sin6 =
        (const struct sockaddr_in6 *)(const void *)sa;

      if (!IN6_IS_ADDR_V4MAPPED(&sin6->sin6_addr)) {
        list6[n6] = *sin6;
        list6[n6].sin6_port = htons(port);
        n6++;
      }
    }
    p += sl;
  }
  if (la != NULL) {
    usrsctp_freeladdrs(la);
  }
  usrsctp_close(probe);
  if (n > 0 && list6 == NULL) {
    return GSCTP_ENOMEM;
  }
  /* Non-link-local first: a link-local address usrsctp refuses must not
   * be the one the socket's port comes from. */
  for (k = 0; k < n6; ++k) {
    if (!IN6_IS_ADDR_LINKLOCAL(&list6[k].sin6_addr)) {
      if (bound == 0) {
        if (usrsctp_bind(so, (struct sockaddr *)&list6[k], sizeof(list6[k])) !=
            0) {
          rv = gsctp_err_from_errno(errno);
          break;
        }
        port = bind_port(so, port);
      } else {
        list6[k].sin6_port = htons(port);
        if (usrsctp_bindx(so, (struct sockaddr *)&list6[k], 1,
                          SCTP_BINDX_ADD_ADDR) != 0) {
          rv = gsctp_err_from_errno(errno);
          break;
        }
      }
      bound++;
    }
  }
  for (k = 0; rv == 0 && bound > 0 && k < n6; ++k) {
    if (IN6_IS_ADDR_LINKLOCAL(&list6[k].sin6_addr)) {
      list6[k].sin6_port = htons(port);
      if (usrsctp_bindx(so, (struct sockaddr *)&list6[k], 1,
                        SCTP_BINDX_ADD_ADDR) == 0) {
        bound++;
      }
    }
  }
  free(list6);
  if (rv == 0 && bound == 0) {
    rv = gsctp_detail(GSCTP_EADDRNOTAVAIL,
                      "ipv6_v6only: the stack knows no IPv6 address to bind "
                      "(usrsctp reads them when it starts)");
  }
  return rv;
}

static int bind_socket(gsctp_sockimpl *s, struct socket *so,
                       const struct open_args *a) {
  struct sockaddr_storage ss;
  socklen_t len;
  gsctp_ip any;
  size_t i;
  int rv;

  for (i = 0; i < a->nips; ++i) {
    if ((rv = check_local_ip(s, a->ips[i], i)) != 0) {
      return rv;
    }
  }
  if (s->v6only && (a->nips == 0 || (a->nips == 1 && ip_is_any(a->ips[0])))) {
    return bind_v6only_all(so, (uint16_t)a->port);
  }
  if (a->nips == 0) {
    any = gsctp_ip_any(a->family);
    if (a->family == GSCTP_FAMILY_CONN) {
      any.u.conn = NULL;
    }
    rv = gsctp_addr_to_sockaddr(&any, (uint16_t)a->port, &ss, &len);
    if (rv != 0) {
      return rv;
    }
    if (usrsctp_bind(so, (struct sockaddr *)&ss, len) != 0) {
      return gsctp_err_from_errno(errno);
    }
    return 0;
  }
  for (i = 0; i < a->nips; ++i) {
    const gsctp_ip *ip = a->ips[i];

    if (ip->family == GSCTP_FAMILY_UNSPEC) {
      gsctp_ip anyip = gsctp_ip_any(a->family);
      rv = gsctp_addr_to_sockaddr(&anyip, (uint16_t)a->port, &ss, &len);
    } else {
      rv = gsctp_addr_to_sockaddr(ip, (uint16_t)a->port, &ss, &len);
    }
    if (rv != 0) {
      return rv;
    }
    if (i == 0) {
      if (usrsctp_bind(so, (struct sockaddr *)&ss, len) != 0) {
        return gsctp_err_from_errno(errno);
      }
    } else {
      /* The rest go on the port the first bind got. */
      uint16_t port = bind_port(so, (uint16_t)a->port);

      rv = gsctp_addr_to_sockaddr(ip, port, &ss, &len);
      if (rv != 0) {
        return rv;
      }
      if (usrsctp_bindx(so, (struct sockaddr *)&ss, 1, SCTP_BINDX_ADD_ADDR) !=
          0) {
        return gsctp_err_from_errno(errno);
      }
    }
  }
  return 0;
}

/* Gives the new socket |so| to |s|, makes the calling thread's owner its
 * controlling owner, enters it in the handle table and installs the
 * upcall.  On failure |so| is closed and |s| freed. */
static int sock_register(gsctp_sockimpl *s, struct socket *so) {
  int rv;

  s->so = so;
  s->owner = gsctp_owner_self_ref();
  if (s->owner == NULL) {
    usrsctp_close(so);
    sock_free(s);
    return GSCTP_ENOMEM;
  }
  rv = table_insert(s);
  if (rv != 0) {
    usrsctp_close(so);
    sock_free(s);
    return rv;
  }
  usrsctp_set_upcall(so, sock_upcall, (void *)(uintptr_t)s->handle);
  return 0;
}

/* The raw transport needs the raw IP sockets usrsctp opens at start
 * only with CAP_NET_RAW (root).  0 or GSCTP_EPERM with the reason. */
static int raw_check(void) {
  if (gsctp_rawfilter_raw_count() > 0) {
    return 0;
  }
  if (gsctp_stack_udp_port() == 0) {
    return gsctp_detail(GSCTP_EPERM,
                        "transport raw: the stack runs without threads or "
                        "UDP (gsctp_stack_config) and has no raw sockets");
  }
  return gsctp_detail(GSCTP_EPERM,
                      "transport raw needs raw IP sockets (root or "
                      "CAP_NET_RAW when the stack started), and this "
                      "process's stack has none");
}

/* Puts the SCTP port |so| is bound to into the raw-socket filter
 * (stack/rawfilter.c), so that this stack receives raw IP packets for
 * it.  Every native socket does this, whatever its transport: a udp
 * socket also answers SCTP that arrives over raw IP.  0 or an error. */
static int raw_filter_add(gsctp_sockimpl *s, struct socket *so) {
  struct sockaddr *la = NULL;
  uint16_t port = 0;
  int n, rv;

  if (gsctp_rawfilter_raw_count() == 0) {
    return 0;
  }
  n = usrsctp_getladdrs(so, 0, &la);
  if (n > 0 && la != NULL) {
    (void)gsctp_addr_from_sockaddr(la, &port, NULL);
  }
  if (la != NULL) {
    usrsctp_freeladdrs(la);
  }
  if (port == 0) {
    /* A wildcard bind on a host where usrsctp found no address at start:
     * no address, so no packet can reach it anyway. */
    return 0;
  }
  rv = gsctp_rawfilter_port_add(port);
  if (rv == 0) {
    s->raw_port = port;
  }
  return rv;
}

/*
 * udp_conn sockets start with 1 MiB send and receive buffers (usrsctp's
 * defaults: 256 / 128 KiB); {sndbuf, N} and {recbuf, N} at open or later
 * override it.  Measured on udp_conn (docs/benchmarks.md): with the
 * receive side batched, a larger receive buffer means fewer window-update
 * SACKs from the reading thread (usrsctp sends one whenever the reader
 * frees an eighth of the buffer), each one a system call outside the
 * batch; a larger send buffer keeps the sender's queue from running dry
 * between SACKs.  A buffer is a limit, not memory allocated up front.
 */
static void udp_conn_buffers(struct socket *so) {
  int v = UDP_CONN_BUF_BYTES;

  (void)usrsctp_setsockopt(so, SOL_SOCKET, SO_SNDBUF, &v, sizeof(v));
  (void)usrsctp_setsockopt(so, SOL_SOCKET, SO_RCVBUF, &v, sizeof(v));
}
int gsctp_open(gsctp_sock *psock, const gsctp_opt *opts, size_t nopts) {
  struct open_args a;
  gsctp_sockimpl *s;
  struct socket *so;
  int rv;

  t_detail[0] = '\0';
  if (psock == NULL) {
    return gsctp_detail(GSCTP_EBADARG, "psock is NULL");
  }
  if (opts == NULL && nopts > 0) {
    return gsctp_detail(GSCTP_EBADARG, "opts is NULL but nopts is %zu", nopts);
  }
  rv = scan_open_opts(opts, nopts, &a);
  if (rv != 0) {
    return rv;
  }
  if (a.transport == GSCTP_TRANSPORT_UDP_CONN) {
    /* udp_port is this socket's own UDP port (transport.c). */
    if (a.family == GSCTP_FAMILY_CONN || a.nips > 1) {
      return gsctp_detail(GSCTP_EBADARG,
                          a.nips > 1 ? "transport udp_conn takes one ip "
                                       "(multi-homing needs transport udp)"
                                     : "transport udp_conn needs family inet "
                                       "or inet6");
    }
    rv = gsctp_stack_ensure();
  } else if (a.transport == GSCTP_TRANSPORT_RAW &&
             a.family == GSCTP_FAMILY_CONN) {
    return gsctp_detail(GSCTP_EBADARG,
                        "transport raw needs family inet or inet6");
  } else if (a.netns != NULL) {
    rv = gsctp_opts_netns_start(a.netns, a.udp_port);
  } else {
    rv = gsctp_stack_start_port(a.udp_port);
  }
  if (rv != 0) {
    return rv == GSCTP_EINVAL
             ? gsctp_detail(GSCTP_EINVAL, "the stack runs on UDP port %d",
                            gsctp_stack_udp_port())
             : rv;
  }
  if (a.transport == GSCTP_TRANSPORT_RAW) {
    rv = raw_check();
    if (rv != 0) {
      return rv;
    }
  }

  s = calloc(1, sizeof(*s));
  if (s == NULL) {
    return GSCTP_ENOMEM;
  }
  pthread_mutex_init(&s->mu, NULL);
  {
    pthread_condattr_t ca;

    /* Deadlines are CLOCK_MONOTONIC: immune to wall-clock jumps. */
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&s->cv, &ca);
    pthread_condattr_destroy(&ca);
  }
  s->family = a.family;
  s->af =
    a.transport == GSCTP_TRANSPORT_UDP_CONN ? AF_CONN : family_af(a.family);
  /* udp_conn inet6: its UDP socket is IPV6_V6ONLY (stack/udplink.c). */
  s->v6only =
    a.transport == GSCTP_TRANSPORT_UDP_CONN && a.family == GSCTP_FAMILY_INET6;
  s->type = a.type;
  s->transport = a.transport;
  s->mode = GSCTP_MODE_BINARY;
  s->bufsz = 65536;
  s->remote_udp_port =
    a.transport == GSCTP_TRANSPORT_RAW ? 0 : GSCTP_DEFAULT_UDP_PORT;
  s->events = gsctp_event_subscribe_default();

  so = usrsctp_socket(
    s->af, a.type == GSCTP_TYPE_STREAM ? SOCK_STREAM : SOCK_SEQPACKET,
    IPPROTO_SCTP, NULL, NULL, 0, NULL);
  if (so == NULL) {
    rv = gsctp_err_from_errno(errno);
    sock_free(s);
    return rv;
  }
  rv = sock_register(s, so);
  if (rv != 0) {
    return rv;
  }

  rv = gsctp_opts_init_socket(s);
  if (rv == 0 && a.transport == GSCTP_TRANSPORT_UDP_CONN) {
    udp_conn_buffers(so);
  }
  if (rv == 0) {
    rv = gsctp_opts_apply(s, opts, nopts, GSCTP_APPLY_OPEN);
    gsctp_sock_opts_changed(s);
  }
  if (rv == 0 && a.transport == GSCTP_TRANSPORT_UDP_CONN) {
    rv = a.nips > 0 ? check_local_ip(s, a.ips[0], 0) : 0;
  }
  if (rv == 0 && a.transport == GSCTP_TRANSPORT_UDP_CONN) {
    rv = gsctp_transport_bind(s, so, a.nips > 0 ? a.ips[0] : NULL, a.port,
                              a.udp_port);
  } else if (rv == 0) {
    rv = bind_socket(s, so, &a);
    if (rv == 0) {
      rv = raw_filter_add(s, so);
    }
  }
  if (rv != 0) {
    (void)gsctp_close(s->handle);
    return rv;
  }
  *psock = s->handle;
  return 0;
}

/* Nonzero while the one association of one-to-one socket |so| exists
 * and is not closed. */
static int stream_assoc_alive(struct socket *so) {
  struct sctp_status st;
  socklen_t len = sizeof(st);

  memset(&st, 0, sizeof(st));
  if (usrsctp_getsockopt(so, IPPROTO_SCTP, SCTP_STATUS, &st, &len) != 0) {
    return 0;
  }
  return st.sstat_state != SCTP_CLOSED;
}

/*
 * linger {true, T > 0} on a one-to-one socket: start the graceful
 * shutdown now and wait up to T seconds for the association to end, as
 * Linux's close does (its sctp_close waits on TCP-style sockets only, so
 * closing a one-to-many or a peeled-off socket never waits).  usrsctp's
 * own close never waits, with or without SO_LINGER: usrsctp_close frees
 * the socket at once and the shutdown runs on in the background.  With
 * data or events unread usrsctp_close aborts instead, so there is nothing
 * to wait for.  |so| is held (s->users) by the caller.
 */
static void linger_wait(gsctp_sockimpl *s, struct socket *so, int peeled) {
  struct linger l;
  socklen_t len = sizeof(l);
  struct timespec dl;
  int alive = 1;

  memset(&l, 0, sizeof(l));
  if (s->type != GSCTP_TYPE_STREAM || peeled ||
      usrsctp_getsockopt(so, SOL_SOCKET, SO_LINGER, &l, &len) != 0 ||
      !l.l_onoff || l.l_linger <= 0 || !stream_assoc_alive(so) ||
      (usrsctp_get_events(so) & SCTP_EVENT_READ) != 0 ||
      usrsctp_shutdown(so, SHUT_WR) != 0) {
    return;
  }
  gsctp_deadline_after(&dl, l.l_linger > 86400 ? 86400000 : l.l_linger * 1000);
  pthread_mutex_lock(&s->mu);
  while (alive && !deadline_passed(&dl)) {
    struct timespec slice;

    gsctp_deadline_after(&slice, LINGER_POLL_MS);
    (void)pthread_cond_timedwait(&s->cv, &s->mu, &slice);
    pthread_mutex_unlock(&s->mu);
    alive = stream_assoc_alive(so);
    pthread_mutex_lock(&s->mu);
  }
  pthread_mutex_unlock(&s->mu);
}

/* Waits (s->mu held) until no send is inside usrsctp_sendv or |ms| pass;
 * returns nonzero if one still is. */
static int wait_sends_left_locked(gsctp_sockimpl *s, int ms) {
  struct timespec dl;

  gsctp_deadline_after(&dl, ms);
  while (s->sending != NULL &&
         pthread_cond_timedwait(&s->cv, &s->mu, &dl) != ETIMEDOUT) {
  }
  return s->sending != NULL;
}

/*
 * Wakes the sends of one-to-one socket |so| blocked inside usrsctp_sendv
 * without ending the association (s->mu held, dropped inside): the send
 * buffer grows so that their messages fit, and usrsctp_shutdown(SHUT_WR)
 * signals the buffer (socantsendmore) and puts the association in
 * SHUTDOWN-PENDING, so a woken send finds room and is refused (EPIPE).
 * The association then shuts down gracefully with the data it had
 * queued.  A send that waits for a chunk slot rather than for space
 * (usrsctp's sctp_max_chunks_on_queue) waits on; the caller aborts.
 */
static void wake_stream_sends_locked(gsctp_sockimpl *s, struct socket *so) {
  struct gsctp_sending *r;
  size_t most = 0;
  int cur = 0;
  socklen_t len = sizeof(cur);

  for (r = s->sending; r != NULL; r = r->next) {
    if (r->datalen > most) {
      most = r->datalen;
    }
  }
  pthread_mutex_unlock(&s->mu);
  if (usrsctp_getsockopt(so, SOL_SOCKET, SO_SNDBUF, &cur, &len) == 0) {
    long want = 2L * cur + (long)most + 65536;
    int v = want > (1L << 30) ? (1 << 30) : (int)want;

    (void)usrsctp_setsockopt(so, SOL_SOCKET, SO_SNDBUF, &v, sizeof(v));
  }
  (void)usrsctp_shutdown(so, SHUT_WR);
  pthread_mutex_lock(&s->mu);
  (void)wait_sends_left_locked(s, SEND_WAKE_WAIT_MS);
}

/*
 * Wakes the sends still blocked inside usrsctp_sendv of closed socket
 * |s| (|so| held by the caller) after SEND_CLOSE_GRACE_MS (see the top of
 * this file): on a one-to-one socket gracefully if it can, else by
 * aborting the associations that have a blocked send.  The other
 * associations shut down gracefully at usrsctp_close.
 */
static void wake_blocked_sends(gsctp_sockimpl *s, struct socket *so) {
  int round;

  pthread_mutex_lock(&s->mu);
  if (!wait_sends_left_locked(s, SEND_CLOSE_GRACE_MS)) {
    pthread_mutex_unlock(&s->mu);
    return;
  }
  if (s->type == GSCTP_TYPE_STREAM) {
    wake_stream_sends_locked(s, so);
  }
  /* Bounded: no new send can start on a closed socket. */
  for (round = 0; round < 2 && s->sending != NULL; ++round) {
    uint32_t ids[16];
    struct gsctp_sending *r;
    size_t n = 0, i;

    for (r = s->sending; r != NULL && n < 16; r = r->next) {
      for (i = 0; i < n && ids[i] != r->assoc_id; ++i) {
      }
      if (i == n) {
        ids[n++] = r->assoc_id;
      }
    }
    pthread_mutex_unlock(&s->mu);
    for (i = 0; i < n; ++i) {
      struct sctp_sendv_spa spa;

      memset(&spa, 0, sizeof(spa));
      spa.sendv_flags = SCTP_SEND_SNDINFO_VALID;
      spa.sendv_sndinfo.snd_flags = SCTP_ABORT;
      spa.sendv_sndinfo.snd_assoc_id = (sctp_assoc_t)ids[i];
      (void)usrsctp_sendv(so, empty_payload, 0, NULL, 0, &spa, sizeof(spa),
                          SCTP_SENDV_SPA, 0);
    }
    pthread_mutex_lock(&s->mu);
    (void)wait_sends_left_locked(s, SEND_CLOSE_WAIT_MS);
  }
  pthread_mutex_unlock(&s->mu);
}

static int close_impl(gsctp_sockimpl *s) {
  struct socket *so = NULL;
  int peeled = 0;
  size_t slot = s->handle & SLOT_MASK;

  pthread_mutex_lock(&g_tab_mu);
  if (slot < g_tab_cap && g_tab[slot] == s) {
    g_tab[slot] = NULL;
    if (slot < g_tab_free) {
      g_tab_free = slot;
    }
    /* the table's reference; the caller still holds one */
    atomic_fetch_sub_explicit(&s->refs, 1, memory_order_acq_rel);
  }
  pthread_mutex_unlock(&g_tab_mu);

  /* Closed from here on: every other call gives GSCTP_ECLOSED.  This
   * thread holds s->so (s->users) for the work below; the last thread to
   * leave usrsctp closes it. */
  pthread_mutex_lock(&s->mu);
  if (!s->closed) {
    s->closed = 1;
    pthread_cond_broadcast(&s->cv);
    if (s->so != NULL) {
      s->users++;
      so = s->so;
    }
    peeled = s->peeled;
  }
  pthread_mutex_unlock(&s->mu);
  if (so != NULL) {
    linger_wait(s, so, peeled);
    wake_blocked_sends(s, so);
    gsctp_so_leave(s);
  }
  return 0;
}

int gsctp_close(gsctp_sock sock) {
  gsctp_sockimpl *s;

  if (sock == 0) {
    return gsctp_detail(GSCTP_EBADARG, "bad argument: sock == 0");
  }
  s = gsctp_sock_get(sock);
  if (s == NULL) {
    return 0; /* closing a closed socket is ok */
  }
  close_impl(s);
  gsctp_sock_put(s);
  return 0;
}

void gsctp_sock_foreach(void (*fn)(gsctp_sockimpl *s, void *arg), void *arg) {
  size_t i;

  for (i = 1;; ++i) {
    gsctp_sockimpl *s = NULL;

    pthread_mutex_lock(&g_tab_mu);
    if (i >= g_tab_cap) {
      pthread_mutex_unlock(&g_tab_mu);
      break;
    }
    if (g_tab[i] != NULL) {
      s = g_tab[i];
      atomic_fetch_add_explicit(&s->refs, 1, memory_order_relaxed);
    }
    pthread_mutex_unlock(&g_tab_mu);
    if (s != NULL) {
      fn(s, arg);
      gsctp_sock_put(s);
    }
  }
}

static void close_all_sockets(void) {
  size_t i;

  for (i = 1;; ++i) {
    gsctp_sockimpl *s = NULL;

    pthread_mutex_lock(&g_tab_mu);
    if (i >= g_tab_cap) {
      pthread_mutex_unlock(&g_tab_mu);
      break;
    }
    if (g_tab[i] != NULL) {
      s = g_tab[i];
      atomic_fetch_add_explicit(&s->refs, 1, memory_order_relaxed);
    }
    pthread_mutex_unlock(&g_tab_mu);
    if (s != NULL) {
      struct socket *so;
      struct linger l = {1, 0};

      /* Abort rather than linger: the stack is going away. */
      if (gsctp_so_enter(s, &so) == 0) {
        (void)usrsctp_setsockopt(so, SOL_SOCKET, SO_LINGER, &l, sizeof(l));
        gsctp_so_leave(s);
      }
      close_impl(s);
      gsctp_sock_put(s);
    }
  }
}

/* ---- listen ---- */

int gsctp_listen(gsctp_sock sock, int backlog) {
  gsctp_sockimpl *s;
  struct socket *so;
  int rv;

  t_detail[0] = '\0';
  if (backlog < 0) {
    return gsctp_detail(GSCTP_EBADARG, "backlog %d is negative", backlog);
  }
  s = gsctp_sock_get(sock);
  if (s == NULL) {
    return gsctp_sock_gone(sock);
  }
  rv = gsctp_so_enter(s, &so);
  if (rv == 0) {
    if (usrsctp_listen(so, backlog) != 0) {
      rv = gsctp_err_from_errno(errno);
    } else {
      gsctp_transport_listen(s, backlog);
    }
    gsctp_so_leave(s);
  }
  gsctp_sock_put(s);
  return rv;
}

/* ---- connect ---- */

static int check_peer_ip(gsctp_sockimpl *s, const gsctp_ip *ip) {
  if (ip->family == GSCTP_FAMILY_UNSPEC) {
    return gsctp_detail(GSCTP_EINVAL, "cannot connect to the any-address");
  }
  if (ip->family != s->family) {
    return gsctp_detail(GSCTP_EAFNOSUPPORT,
                        "address family differs from the socket's");
  }
  if (ip->family == GSCTP_FAMILY_INET) {
    static const uint8_t zero[4];
    if (memcmp(ip->u.v4, zero, 4) == 0) {
      return gsctp_detail(GSCTP_EINVAL, "cannot connect to 0.0.0.0");
    }
  } else if (ip->family == GSCTP_FAMILY_INET6) {
    static const uint8_t zero[16];
    if (memcmp(ip->u.v6, zero, 16) == 0) {
      return gsctp_detail(GSCTP_EINVAL, "cannot connect to ::");
    }
    if (ip->u.v6[0] == 0xff) {
      return gsctp_detail(GSCTP_EINVAL, "cannot connect to a multicast "
                                        "address");
    }
    if (ip6_is_link_local(ip)) {
      return gsctp_detail(GSCTP_EINVAL,
                          "a link-local IPv6 peer needs a scope id, which "
                          "gsctp_ip cannot carry");
    }
    if (s->v6only && ip6_is_v4_mapped(ip)) {
      /* As Linux: an ipv6_v6only socket has no IPv4 to reach it with. */
      return gsctp_detail(GSCTP_EINVAL,
                          "an IPv4-mapped peer on an ipv6_v6only socket%s",
                          s->af == AF_CONN ? " (udp_conn inet6 sockets "
                                             "always are)"
                                           : "");
    }
  }
  return 0;
}

/* Is |item| the outcome of the association |id| started to |target|? */
static int is_connect_outcome(const gsctp_item *item, int rc, uint32_t id) {
  return rc == 0 && item->is_event &&
         item->event.type == GSCTP_EV_ASSOC_CHANGE &&
         item->event.u.assoc_change.assoc_id == id;
}

struct outcome_arg {
  uint32_t id;
};

static int is_outcome_msg(const gsctp_msg *m, void *arg) {
  const struct outcome_arg *a = arg;

  return m->item.is_event && m->item.event.type == GSCTP_EV_ASSOC_CHANGE &&
         m->item.event.u.assoc_change.assoc_id == a->id;
}

/*
 * connect on an active socket: as OTP, a selective receive of this
 * association's sctp_assoc_change from the socket's owner; everything
 * else stays queued there.  {active, once} is re-armed afterwards,
 * because the event used it up.
 */
static int active_connect_wait(gsctp_sockimpl *s, uint32_t id, int timeout_ms,
                               int active_kind, gsctp_assoc_change *pev) {
  struct gsctp_owner *owner;
  struct outcome_arg a;
  gsctp_match mt;
  gsctp_msg m;
  struct timespec dl;
  int rv, forced = 0;

  pthread_mutex_lock(&s->mu);
  owner = s->owner;
  if (owner != NULL) {
    gsctp_owner_ref(owner);
  }
  if (!s->events.association_event) {
    /* The outcome must be seen even without association events: read
     * them, but deliver only this association's (deliver drops the rest
     * while assoc_force is set). */
    s->events.association_event = 1;
    s->assoc_force++;
    s->assoc_wait_id = id;
    forced = 1;
  }
  pthread_mutex_unlock(&s->mu);
  if (owner == NULL) {
    return GSCTP_ECLOSED;
  }
  gsctp_deliver_kick(s->handle);
  a.id = id;
  memset(&mt, 0, sizeof(mt));
  mt.sock = s->handle;
  mt.kinds = GSCTP_MSG_BIT(GSCTP_MSG_SCTP);
  mt.pred = is_outcome_msg;
  mt.arg = &a;
  /* In slices, so that closing the socket ends the wait. */
  memset(&dl, 0, sizeof(dl));
  if (timeout_ms > 0) {
    gsctp_deadline_after(&dl, timeout_ms);
  }
  for (;;) {
    int slice = WAIT_SLICE_MS;
    int closed;

    if (timeout_ms >= 0) {
      struct timespec now;
      int64_t left;

      clock_gettime(CLOCK_MONOTONIC, &now);
      left = (int64_t)(dl.tv_sec - now.tv_sec) * 1000 +
             (dl.tv_nsec - now.tv_nsec) / 1000000;
      if (timeout_ms == 0 || left < 0) {
        left = 0;
      }
      if (left < slice) {
        slice = (int)left;
      }
    }
    rv = gsctp_owner_recv_match(owner, &mt, slice, &m);
    pthread_mutex_lock(&s->mu);
    closed = s->closed;
    pthread_mutex_unlock(&s->mu);
    if (rv != GSCTP_ETIMEOUT || slice == 0) {
      break;
    }
    if (closed) {
      rv = GSCTP_ECLOSED;
      break;
    }
  }
  if (rv == 0) {
    const gsctp_assoc_change *ac = &m.item.event.u.assoc_change;

    if (pev != NULL) {
      *pev = *ac;
    }
    rv = ac->state == GSCTP_COMM_UP ? 0 : GSCTP_EASSOC;
    if (rv != 0) {
      assoc_forget(s, id);
    }
    gsctp_msg_free(&m);
  }
  pthread_mutex_lock(&s->mu);
  if (forced) {
    s->assoc_force--;
    if (s->assoc_force == 0) {
      s->events.association_event = 0;
    }
  }
  if (s->closed && rv == GSCTP_ETIMEOUT) {
    rv = GSCTP_ECLOSED;
  }
  pthread_mutex_unlock(&s->mu);
  gsctp_owner_unref(owner);
  if (active_kind == GSCTP_ACTIVE_KIND_ONCE && rv != GSCTP_ECLOSED) {
    int r2 = gsctp_sock_set_active(s, GSCTP_ACTIVE_ONCE);
    if (r2 != 0 && (rv == 0 || rv == GSCTP_EASSOC)) {
      rv = r2;
    }
  }
  return rv;
}

static int connect_common(gsctp_sock sock, const gsctp_ip *ips, size_t nips,
                          int port, const gsctp_opt *opts, size_t nopts,
                          int wait, int timeout_ms, gsctp_assoc_change *pev,
                          uint32_t *passoc_id, int connectx) {
  gsctp_sockimpl *s;
  struct socket *so;
  uint8_t *packed = NULL;
  size_t i, off = 0;
  sctp_assoc_t id = 0;
  gsctp_addr target;
  int rv, saved_assoc_events, active_kind;
  struct timespec dl;
  struct reader rd;

  t_detail[0] = '\0';
  if (ips == NULL || nips == 0) {
    return gsctp_detail(GSCTP_EBADARG, "no peer address");
  }
  if (opts == NULL && nopts > 0) {
    return gsctp_detail(GSCTP_EBADARG,
                        "bad argument: opts == NULL && nopts > 0");
  }
  if (wait && timeout_ms < GSCTP_INFINITY) {
    return gsctp_detail(GSCTP_EBADARG, "timeout %d", timeout_ms);
  }
  s = gsctp_sock_get(sock);
  if (s == NULL) {
    return gsctp_sock_gone(sock);
  }
  if (port < 1 || port > 65535) {
    rv = gsctp_detail(GSCTP_EINVAL, "port %d is not in 1..65535", port);
    goto out;
  }
  for (i = 0; i < nips; ++i) {
    rv = check_peer_ip(s, &ips[i]);
    if (rv == GSCTP_EAFNOSUPPORT && connectx) {
      /* OTP's connectx_init resolves each address with getaddr and
       * raises badarg for any failure, eafnosupport included. */
      rv = gsctp_detail(GSCTP_EBADARG,
                        "connectx_init: address %zu is not of the "
                        "socket's family",
                        i);
    }
    if (rv != 0) {
      goto out;
    }
  }
  rv = gsctp_opts_apply(s, opts, nopts, GSCTP_APPLY_CONNECT);
  gsctp_sock_opts_changed(s);
  if (rv != 0) {
    goto out;
  }

  packed = malloc(nips * sizeof(struct sockaddr_storage));
  if (packed == NULL) {
    rv = GSCTP_ENOMEM;
    goto out;
  }
  for (i = 0; i < nips; ++i) {
    struct sockaddr_storage ss;
    socklen_t len;

    rv =
      s->tp != NULL
        ? gsctp_transport_peer_sockaddr(s, &ips[i], (uint16_t)port, &ss, &len)
        : gsctp_addr_to_sockaddr(&ips[i], (uint16_t)port, &ss, &len);
    if (rv != 0) {
      goto out;
    }
    memcpy(packed + off, &ss, len);
    off += len;
  }

  rv = gsctp_so_enter(s, &so);
  if (rv != 0) {
    goto out;
  }
  if (s->af == AF_CONN || s->type == GSCTP_TYPE_STREAM) {
    /* usrsctp_connectx does not take AF_CONN addresses, and on a
     * one-to-one socket usrsctp_connect would block without a timeout:
     * connect non-blocking and find the association by address. */
    struct sockaddr *sa = (struct sockaddr *)(void *)packed;

    if (nips != 1 && s->af == AF_CONN) {
      rv = gsctp_detail(GSCTP_EINVAL, "an AF_CONN association has one "
                                      "address");
    } else if (s->type == GSCTP_TYPE_STREAM && nips > 1) {
      if (usrsctp_connectx(so, sa, (int)nips, &id) != 0 &&
          errno != EINPROGRESS) {
        rv = gsctp_err_from_errno(errno);
      }
    } else {
      int nb = usrsctp_get_non_blocking(so);

      if (nb == 0) {
        (void)usrsctp_set_non_blocking(so, 1);
      }
      if (usrsctp_connect(so, sa, (socklen_t)gsctp_sockaddr_len(sa)) != 0 &&
          errno != EINPROGRESS) {
        rv = gsctp_err_from_errno(errno);
      }
      if (nb == 0) {
        (void)usrsctp_set_non_blocking(so, 0);
      }
      if (rv == 0) {
        id = usrsctp_getassocid(so, sa);
      }
    }
  } else if (usrsctp_connectx(so, (struct sockaddr *)(void *)packed, (int)nips,
                              &id) != 0 &&
             errno != EINPROGRESS) {
    rv = gsctp_err_from_errno(errno);
  }
  if (rv == GSCTP_EALREADY) {
    /* usrsctp says EALREADY for any existing association with the peer;
     * Linux says EISCONN once it is established. */
    struct sctp_status st;
    socklen_t stlen = sizeof(st);

    memset(&st, 0, sizeof(st));
    st.sstat_assoc_id =
      usrsctp_getassocid(so, (struct sockaddr *)(void *)packed);
    if (st.sstat_assoc_id != 0 &&
        usrsctp_getsockopt(so, IPPROTO_SCTP, SCTP_STATUS, &st, &stlen) == 0 &&
        st.sstat_state == SCTP_ESTABLISHED) {
      rv = GSCTP_EISCONN;
    }
  }
  gsctp_so_leave(s);
  if (rv != 0) {
    goto out;
  }
  target.ip = ips[0];
  target.port = (uint16_t)port;
  assoc_remember(s, (uint32_t)id, &target);
  if (passoc_id != NULL) {
    *passoc_id = (uint32_t)id;
  }
  if (!wait) {
    goto out;
  }
  pthread_mutex_lock(&s->mu);
  active_kind = s->active_kind;
  pthread_mutex_unlock(&s->mu);
  if (active_kind != GSCTP_ACTIVE_KIND_FALSE) {
    rv = active_connect_wait(s, (uint32_t)id, timeout_ms, active_kind, pev);
    goto out;
  }

  /* Wait for this association's assoc_change.  Everything else read
   * meanwhile is kept for later gsctp_recv calls, in order.  The outcome
   * must be seen even if the user unsubscribed association events. */
  pthread_mutex_lock(&s->mu);
  rv = recv_acquire_locked(s, 0);
  if (rv == 0) {
    saved_assoc_events = (int)s->events.association_event;
    s->events.association_event = 1;
    rv = reader_enter_locked(s, &rd);
    if (rv != 0) {
      s->events.association_event = saved_assoc_events;
      s->recv_busy = 0;
      pthread_cond_broadcast(&s->cv);
    }
  }
  pthread_mutex_unlock(&s->mu);
  if (rv != 0) {
    goto out;
  }
  if (timeout_ms != GSCTP_INFINITY) {
    gsctp_deadline_after(&dl, timeout_ms);
  }
  for (;;) {
    gsctp_item item;
    int rc =
      next_item(s, &rd, timeout_ms == GSCTP_INFINITY ? NULL : &dl, &item);

    if (rc != 0 && rc != GSCTP_ESCTP_ERROR) {
      rv = rc;
      break;
    }
    if (is_connect_outcome(&item, rc, (uint32_t)id) ||
        (id == 0 && rc == 0 && item.is_event &&
         item.event.type == GSCTP_EV_ASSOC_CHANGE &&
         item.event.u.assoc_change.state == GSCTP_CANT_ASSOC &&
         item.from.port == target.port &&
         gsctp_ip_equal(&item.from.ip, &target.ip))) {
      /* id 0: the association failed (e.g. an ABORT answered the INIT)
       * before usrsctp_getassocid could see it; its cant_assoc is
       * recognised by the peer address. */
      const gsctp_assoc_change *ac = &item.event.u.assoc_change;

      if (pev != NULL) {
        *pev = *ac;
      }
      rv = ac->state == GSCTP_COMM_UP ? 0 : GSCTP_EASSOC;
      if (rv != 0) {
        assoc_forget(s, (uint32_t)id);
      }
      gsctp_item_free(&item);
      break;
    }
    if (item.is_event && item.event.type == GSCTP_EV_ASSOC_CHANGE &&
        !saved_assoc_events) {
      gsctp_item_free(&item); /* the user did not subscribe to these */
      continue;
    }
    rc = push_pending(s, &item, rc);
    if (rc != 0) {
      rv = rc;
      break;
    }
  }
  pthread_mutex_lock(&s->mu);
  if (s->events.association_event == 1) {
    s->events.association_event = saved_assoc_events;
  }
  pthread_mutex_unlock(&s->mu);
  recv_release(s, &rd);

out:
  free(packed);
  gsctp_sock_put(s);
  return rv;
}

int gsctp_connect(gsctp_sock sock, const gsctp_ip *ip, int port,
                  const gsctp_opt *opts, size_t nopts, int timeout_ms,
                  gsctp_assoc_change *pev) {
  if (pev != NULL) {
    *pev = gsctp_assoc_change_default();
  }
  return connect_common(sock, ip, ip != NULL ? 1 : 0, port, opts, nopts, 1,
                        timeout_ms, pev, NULL, 0);
}

int gsctp_connect_init(gsctp_sock sock, const gsctp_ip *ip, int port,
                       const gsctp_opt *opts, size_t nopts) {
  return connect_common(sock, ip, ip != NULL ? 1 : 0, port, opts, nopts, 0, 0,
                        NULL, NULL, 0);
}

int gsctp_connectx_init(gsctp_sock sock, const gsctp_ip *ips, size_t nips,
                        int port, const gsctp_opt *opts, size_t nopts,
                        uint32_t *passoc_id) {
  return connect_common(sock, ips, nips, port, opts, nopts, 0, 0, NULL,
                        passoc_id, 1);
}

int gsctp_connectx_init_addrs(gsctp_sock sock, const gsctp_addr *addrs,
                              size_t naddrs, const gsctp_opt *opts,
                              size_t nopts, uint32_t *passoc_id) {
  gsctp_ip *ips;
  size_t i;
  int port = 0, rv;

  t_detail[0] = '\0';
  if (addrs == NULL || naddrs == 0) {
    return gsctp_detail(GSCTP_EBADARG, "no peer address");
  }
  /* OTP's ensure_sockaddrs/set_port: the last non-zero port wins and is
   * given to every entry; all zero is badarg. */
  for (i = 0; i < naddrs; ++i) {
    if (addrs[i].port != 0) {
      port = addrs[i].port;
    }
  }
  if (port == 0) {
    return gsctp_detail(GSCTP_EBADARG, "every address has port 0");
  }
  ips = malloc(naddrs * sizeof(*ips));
  if (ips == NULL) {
    return GSCTP_ENOMEM;
  }
  for (i = 0; i < naddrs; ++i) {
    ips[i] = addrs[i].ip;
  }
  rv = connect_common(sock, ips, naddrs, port, opts, nopts, 0, 0, NULL,
                      passoc_id, 1);
  free(ips);
  return rv;
}

/* ---- peeloff and accept ---- */

/* A sockimpl for the new one-to-one socket |so| (usrsctp_peeloff or
 * usrsctp_accept), owned by the calling thread's current owner. */
static int wrap_socket(struct socket *so, const gsctp_sockimpl *parent,
                       gsctp_sockimpl **ps) {
  gsctp_sockimpl *s;
  pthread_condattr_t ca;
  int rv;

  s = calloc(1, sizeof(*s));
  if (s == NULL) {
    usrsctp_close(so);
    return GSCTP_ENOMEM;
  }
  pthread_mutex_init(&s->mu, NULL);
  pthread_condattr_init(&ca);
  pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
  pthread_cond_init(&s->cv, &ca);
  pthread_condattr_destroy(&ca);
  s->family = parent->family;
  s->af = parent->af;
  s->v6only = parent->v6only; /* fixed since the parent's open */
  s->type = GSCTP_TYPE_STREAM;
  s->mode = GSCTP_MODE_BINARY;
  s->bufsz = 65536;
  s->transport = parent->transport;
  s->remote_udp_port = parent->remote_udp_port;
  s->events = gsctp_event_subscribe_default();
  if (parent->raw_port != 0) {
    /* Same SCTP port as the parent: one more reference keeps it in the
     * raw filter as long as this socket lives. */
    if (gsctp_rawfilter_port_add(parent->raw_port) != 0) {
      usrsctp_close(so);
      sock_free(s);
      return GSCTP_ENOMEM;
    }
    s->raw_port = parent->raw_port;
  }
  if (gsctp_transport_inherit(parent, s) != 0) {
    usrsctp_close(so);
    sock_free(s);
    return GSCTP_ENOMEM;
  }
  rv = sock_register(s, so);
  if (rv != 0) {
    return rv;
  }
  *ps = s;
  return 0;
}

/* Options a peeled-off (or accepted) socket takes from its parent: OTP
 * copies mode, buffer, non_block_send and, since 27.2, socket options
 * such as priority, sctp_nodelay and linger; gsctp_opts_inherit copies
 * the socket-level ones.  Active mode is not inherited. */
static void inherit_options(gsctp_sockimpl *parent, gsctp_sockimpl *child) {
  int nbs;

  (void)gsctp_opts_inherit(parent, child);
  pthread_mutex_lock(&parent->mu);
  nbs = parent->non_block_send;
  pthread_mutex_unlock(&parent->mu);
  (void)gsctp_sock_set_non_block_send(child, nbs);
}

int gsctp_peeloff(gsctp_sock sock, uint32_t assoc_id, gsctp_sock *pnew) {
  gsctp_sockimpl *s, *c = NULL;
  struct socket *so, *nso;
  gsctp_addr peer;
  int rv;

  t_detail[0] = '\0';
  if (pnew == NULL) {
    return gsctp_detail(GSCTP_EBADARG, "pnew is NULL");
  }
  *pnew = 0;
  s = gsctp_sock_get(sock);
  if (s == NULL) {
    return gsctp_sock_gone(sock);
  }
  if (s->type != GSCTP_TYPE_SEQPACKET) {
    gsctp_sock_put(s);
    return gsctp_detail(GSCTP_EINVAL, "peeloff from a stream socket");
  }
  rv = gsctp_so_enter(s, &so);
  if (rv != 0) {
    gsctp_sock_put(s);
    return rv;
  }
  nso = usrsctp_peeloff(so, (sctp_assoc_t)assoc_id);
  if (nso == NULL) {
    rv = gsctp_err_from_errno(errno);
    if (rv == GSCTP_ENOENT || rv == GSCTP_EUNKNOWN) {
      rv = gsctp_detail(GSCTP_EINVAL, "no association %u", (unsigned)assoc_id);
    }
  }
  gsctp_so_leave(s);
  if (rv == 0) {
    rv = wrap_socket(nso, s, &c);
  }
  if (rv == 0) {
    (void)gsctp_opts_init_socket(c);
    inherit_options(s, c);
    if (assoc_lookup(s, assoc_id, &peer)) {
      assoc_remember(c, assoc_id, &peer);
      assoc_forget(s, assoc_id);
    }
    *pnew = c->handle;
    /* Data already queued for the association moved with it. */
    pthread_mutex_lock(&c->mu);
    c->peeled = 1;
    c->gen++;
    pthread_mutex_unlock(&c->mu);
  }
  gsctp_sock_put(s);
  return rv;
}

int gsctp_accept(gsctp_sock sock, int timeout_ms, gsctp_sock *pnew) {
  gsctp_sockimpl *s, *c = NULL;
  struct timespec dl;
  int rv = 0;

  t_detail[0] = '\0';
  if (pnew == NULL) {
    return gsctp_detail(GSCTP_EBADARG, "pnew is NULL");
  }
  *pnew = 0;
  if (timeout_ms < GSCTP_INFINITY) {
    return gsctp_detail(GSCTP_EINVAL, "timeout %d", timeout_ms);
  }
  s = gsctp_sock_get(sock);
  if (s == NULL) {
    return gsctp_sock_gone(sock);
  }
  if (s->type != GSCTP_TYPE_STREAM) {
    gsctp_sock_put(s);
    return gsctp_detail(GSCTP_EINVAL, "accept needs a stream socket");
  }
  if (timeout_ms > 0) {
    gsctp_deadline_after(&dl, timeout_ms);
  }
  for (;;) {
    struct socket *so, *nso = NULL;
    uint64_t gen;
    int nb;

    pthread_mutex_lock(&s->mu);
    gen = s->gen;
    pthread_mutex_unlock(&s->mu);
    rv = gsctp_so_enter(s, &so);
    if (rv != 0) {
      break;
    }
    /* usrsctp_accept blocks without a timeout on a blocking socket: try
     * non-blocking and wait for the upcall instead. */
    nb = usrsctp_get_non_blocking(so);
    if (nb == 0) {
      (void)usrsctp_set_non_blocking(so, 1);
    }
    nso = usrsctp_accept(so, NULL, NULL);
    if (nso == NULL) {
      rv = (errno == EWOULDBLOCK || errno == EAGAIN)
             ? GSCTP_EAGAIN
             : gsctp_err_from_errno(errno);
    }
    if (nb == 0) {
      (void)usrsctp_set_non_blocking(so, 0);
    }
    gsctp_so_leave(s);
    if (nso != NULL) {
      (void)usrsctp_set_non_blocking(nso, 0);
      rv = wrap_socket(nso, s, &c);
      if (rv == 0) {
        (void)gsctp_opts_init_socket(c);
        inherit_options(s, c);
        *pnew = c->handle;
      }
      break;
    }
    if (rv != GSCTP_EAGAIN) {
      if (rv == GSCTP_EINVAL) {
        rv = gsctp_detail(GSCTP_EINVAL, "the socket is not listening");
      }
      break;
    }
    if (timeout_ms == 0) {
      rv = GSCTP_ETIMEOUT;
      break;
    }
    pthread_mutex_lock(&s->mu);
    rv = wait_gen_locked(s, gen, timeout_ms == GSCTP_INFINITY ? NULL : &dl);
    if (rv == 0 && s->closed) {
      rv = GSCTP_ECLOSED;
    }
    pthread_mutex_unlock(&s->mu);
    if (rv != 0) {
      break;
    }
  }
  gsctp_sock_put(s);
  return rv;
}

/* ---- send / eof / abort ---- */

void gsctp_sock_opts_changed(gsctp_sockimpl *s) {
  pthread_mutex_lock(&s->mu);
  s->opt_gen++;
  pthread_mutex_unlock(&s->mu);
}

/*
 * The default send parameters of |assoc_id|, from the cache when no
 * option changed since they were read.  A read that overlaps an options
 * change is not cached: the change bumps opt_gen after its last
 * setsockopt, so a value read before then is never trusted later.
 */
static int default_send_cached(gsctp_sockimpl *s, uint32_t assoc_id,
                               gsctp_sndrcvinfo *v) {
  uint64_t gen;
  int rv;

  pthread_mutex_lock(&s->mu);
  if (s->dsend_valid && s->dsend_assoc == assoc_id &&
      s->dsend_gen == s->opt_gen) {
    *v = s->dsend;
    pthread_mutex_unlock(&s->mu);
    return 0;
  }
  gen = s->opt_gen;
  pthread_mutex_unlock(&s->mu);
  rv = gsctp_opts_default_send(s, assoc_id, v);
  if (rv != 0) {
    return rv;
  }
  pthread_mutex_lock(&s->mu);
  if (s->opt_gen == gen) {
    s->dsend = *v;
    s->dsend_assoc = assoc_id;
    s->dsend_gen = gen;
    s->dsend_valid = 1;
  }
  pthread_mutex_unlock(&s->mu);
  return 0;
}

static int do_send(gsctp_sockimpl *s, const gsctp_sndrcvinfo *sri,
                   const void *data, size_t datalen) {
  struct sctp_sendv_spa spa;
  struct gsctp_sending rec;
  struct socket *so;
  ssize_t n;
  int rv, e;

  memset(&spa, 0, sizeof(spa));
  spa.sendv_flags = SCTP_SEND_SNDINFO_VALID;
  spa.sendv_sndinfo.snd_sid = (uint16_t)sri->stream;
  spa.sendv_sndinfo.snd_ppid = htonl((uint32_t)sri->ppid);
  spa.sendv_sndinfo.snd_context = (uint32_t)sri->context;
  spa.sendv_sndinfo.snd_assoc_id = (sctp_assoc_t)sri->assoc_id;
  if (sri->flags & GSCTP_SNDRCV_UNORDERED) {
    spa.sendv_sndinfo.snd_flags |= SCTP_UNORDERED;
  }
  if (sri->flags & GSCTP_SNDRCV_ADDR_OVER) {
    spa.sendv_sndinfo.snd_flags |= SCTP_ADDR_OVER;
  }
  if (sri->flags & GSCTP_SNDRCV_ABORT) {
    spa.sendv_sndinfo.snd_flags |= SCTP_ABORT;
  }
  if (sri->flags & GSCTP_SNDRCV_EOF) {
    spa.sendv_sndinfo.snd_flags |= SCTP_EOF;
  }
  if (sri->timetolive > 0) {
    spa.sendv_flags |= SCTP_SEND_PRINFO_VALID;
    spa.sendv_prinfo.pr_policy = SCTP_PR_SCTP_TTL;
    spa.sendv_prinfo.pr_value = (uint32_t)sri->timetolive;
  }
  if (data == NULL) {
    data = empty_payload;
  }
  if (datalen > MAX_MESSAGE) {
    return gsctp_detail(GSCTP_EMSGSIZE, "%zu bytes is over the %d-byte limit",
                        datalen, MAX_MESSAGE);
  }
  rv = send_enter(s, &so, &rec, (uint32_t)sri->assoc_id, datalen);
  if (rv != 0) {
    return rv;
  }
  if (datalen > SMALL_MESSAGE) {
    /* usrsctp rejects (EMSGSIZE) a message larger than the send buffer
     * even on a blocking socket; gen_sctp sends any size.  Grow the send
     * buffer to fit the message (it stays grown). */
    int cur = 0;
    socklen_t len = sizeof(cur);

    if (usrsctp_getsockopt(so, SOL_SOCKET, SO_SNDBUF, &cur, &len) == 0 &&
        (size_t)cur < datalen) {
      int want = (int)datalen;
      (void)usrsctp_setsockopt(so, SOL_SOCKET, SO_SNDBUF, &want, sizeof(want));
    }
  }
  n = usrsctp_sendv(so, data, datalen, NULL, 0, &spa, sizeof(spa),
                    SCTP_SENDV_SPA, 0);
  e = errno;
  if (send_leave(s, &rec, n >= 0 ? (ssize_t)datalen : -1) && n < 0) {
    /* Closed while the send waited (close woke it): the message was not
     * queued, as when a gen_sctp port closes under a blocked send. */
    return gsctp_detail(GSCTP_ECLOSED, "the socket was closed during the send");
  }
  if (n < 0) {
    /* usrsctp says ENOENT for an unknown or finished association where
     * Linux (and so OTP) says EPIPE. */
    rv = (e == ENOENT || e == ENOTCONN || e == ECONNRESET)
           ? GSCTP_EPIPE
           : gsctp_err_from_errno(e);
  }
  return rv;
}

int gsctp_send_sri(gsctp_sock sock, const gsctp_sndrcvinfo *sri,
                   const void *data, size_t datalen) {
  gsctp_sockimpl *s;
  gsctp_sndrcvinfo v;
  int rv;

  t_detail[0] = '\0';
  if (sri == NULL || (data == NULL && datalen > 0)) {
    return gsctp_detail(
      GSCTP_EBADARG,
      "bad argument: sri == NULL || (data == NULL && datalen > 0)");
  }
  rv = gsctp_sri_check(sri, &v, 1);
  if (rv != 0) {
    return rv;
  }
  s = gsctp_sock_get(sock);
  if (s == NULL) {
    return gsctp_sock_gone(sock);
  }
  rv = do_send(s, &v, data, datalen);
  gsctp_sock_put(s);
  return rv;
}

int gsctp_send(gsctp_sock sock, uint32_t assoc_id, int stream, const void *data,
               size_t datalen) {
  gsctp_sockimpl *s;
  gsctp_sndrcvinfo v;
  int rv;

  t_detail[0] = '\0';
  if ((data == NULL && datalen > 0) || stream < 0) {
    return gsctp_detail(
      GSCTP_EBADARG,
      "bad argument: (data == NULL && datalen > 0) || stream < 0");
  }
  if (stream > 65535) {
    return gsctp_detail(GSCTP_ETYPE, "stream %d is not a uint16", stream);
  }
  s = gsctp_sock_get(sock);
  if (s == NULL) {
    return gsctp_sock_gone(sock);
  }
  if (default_send_cached(s, assoc_id, &v) != 0) {
    v = gsctp_sndrcvinfo_default();
  }
  v.stream = stream;
  v.assoc_id = assoc_id;
  v.flags &= ~(int64_t)(GSCTP_SNDRCV_ABORT | GSCTP_SNDRCV_EOF);
  rv = do_send(s, &v, data, datalen);
  gsctp_sock_put(s);
  return rv;
}

/*
 * usrsctp drops a notification that does not fit in the receive buffer.
 * An abort turns every queued message into a send_failed notification
 * carrying its payload, so before aborting, make the receive buffer large
 * enough to hold the whole send buffer too (capped at 64 MiB).  The
 * buffer stays that size.
 */
static void make_room_for_send_failed(gsctp_sockimpl *s) {
  struct socket *so;
  int sb = 0, rb = 0;
  socklen_t len;

  if (gsctp_so_enter(s, &so) != 0) {
    return;
  }
  len = sizeof(sb);
  if (usrsctp_getsockopt(so, SOL_SOCKET, SO_SNDBUF, &sb, &len) == 0) {
    len = sizeof(rb);
    if (usrsctp_getsockopt(so, SOL_SOCKET, SO_RCVBUF, &rb, &len) == 0 &&
        rb < (1 << 26)) {
      long want = (long)rb + (long)sb + 65536;
      int v = want > (1L << 26) ? (1 << 26) : (int)want;

      (void)usrsctp_setsockopt(so, SOL_SOCKET, SO_RCVBUF, &v, sizeof(v));
    }
  }
  gsctp_so_leave(s);
}

static int eof_abort(gsctp_sock sock, const gsctp_assoc_change *assoc,
                     int flag) {
  gsctp_sockimpl *s;
  gsctp_sndrcvinfo v;
  int rv;

  t_detail[0] = '\0';
  if (assoc == NULL) {
    return gsctp_detail(GSCTP_EBADARG, "bad argument: assoc == NULL");
  }
  s = gsctp_sock_get(sock);
  if (s == NULL) {
    return gsctp_sock_gone(sock);
  }
  if (flag == GSCTP_SNDRCV_ABORT && s->type == GSCTP_TYPE_STREAM) {
    gsctp_sock_put(s);
    return gsctp_detail(GSCTP_EINVAL, "abort/2 on a stream socket");
  }
  if (flag == GSCTP_SNDRCV_ABORT) {
    make_room_for_send_failed(s);
  }
  v = gsctp_sndrcvinfo_default();
  v.assoc_id = assoc->assoc_id;
  v.flags = flag;
  rv = do_send(s, &v, NULL, 0);
  gsctp_sock_put(s);
  return rv;
}

int gsctp_eof(gsctp_sock sock, const gsctp_assoc_change *assoc) {
  return eof_abort(sock, assoc, GSCTP_SNDRCV_EOF);
}

int gsctp_abort(gsctp_sock sock, const gsctp_assoc_change *assoc) {
  return eof_abort(sock, assoc, GSCTP_SNDRCV_ABORT);
}

/* ---- error_string ---- */

const char *gsctp_error_string(int code) {
  static const char *const table[] = {
    "ok",
    "Invalid Stream Identifier",
    "Missing Mandatory Parameter",
    "Stale Cookie Error",
    "Out of Resource",
    "Unresolvable Address",
    "Unrecognized Chunk Type",
    "Invalid Mandatory Parameter",
    "Unrecognized Parameters",
    "No User Data",
    "Cookie Received While Shutting Down",
    "Restart of an Association with New Addresses",
    "User Initiated Abort",
    "Protocol Violation",
  };

  if (code < 0 || (size_t)code >= sizeof(table) / sizeof(table[0])) {
    return "unknown_error";
  }
  return table[code];
}

/* ---- names ---- */

static int addrs_out(struct sockaddr *list, int n, gsctp_addr *addrs,
                     size_t max, size_t *pn) {
  uint8_t *p = (uint8_t *)list;
  size_t k = 0;
  int i;

  for (i = 0; i < n; ++i) {
    const struct sockaddr *sa = (const struct sockaddr *)(void *)p;
    size_t len = gsctp_sockaddr_len(sa);
    gsctp_addr a;

    if (len == 0) {
      break;
    }
    if (gsctp_addr_from_sockaddr(sa, &a.port, &a.ip) == 0) {
      if (k < max && addrs != NULL) {
        addrs[k] = a;
      }
      k++;
    }
    p += len;
  }
  if (pn != NULL) {
    *pn = k;
  }
  return 0;
}

/*
 * usrsctp maps IPv4 peer addresses to ::ffff:a.b.c.d for an inet6 socket
 * with SCTP_I_WANT_MAPPED_V4_ADDR, but not its own addresses; Linux maps
 * both.  So socknames maps the local IPv4 ones here.
 */
static void map_local_v4(struct socket *so, gsctp_addr *addrs, size_t n) {
  uint32_t on = 0;
  socklen_t len = sizeof(on);
  size_t i;

  if (usrsctp_getsockopt(so, IPPROTO_SCTP, SCTP_I_WANT_MAPPED_V4_ADDR, &on,
                         &len) != 0 ||
      on == 0) {
    return;
  }
  for (i = 0; i < n; ++i) {
    if (addrs[i].ip.family == GSCTP_FAMILY_INET) {
      uint8_t v4[4];

      memcpy(v4, addrs[i].ip.u.v4, 4);
      memset(&addrs[i].ip, 0, sizeof(addrs[i].ip));
      addrs[i].ip.family = GSCTP_FAMILY_INET6;
      addrs[i].ip.u.v6[10] = 0xff;
      addrs[i].ip.u.v6[11] = 0xff;
      memcpy(&addrs[i].ip.u.v6[12], v4, 4);
    }
  }
}

static int names(gsctp_sock sock, uint32_t assoc_id, gsctp_addr *addrs,
                 size_t max, size_t *pn, int peer) {
  gsctp_sockimpl *s;
  struct socket *so;
  struct sockaddr *list = NULL;
  int n, rv;

  t_detail[0] = '\0';
  if ((addrs == NULL && max > 0) || pn == NULL) {
    return gsctp_detail(GSCTP_EBADARG, "%s",
                        pn == NULL ? "pn is NULL" : "addrs is NULL");
  }
  s = gsctp_sock_get(sock);
  if (s == NULL) {
    return gsctp_sock_gone(sock);
  }
  if (!peer && s->tp != NULL) {
    rv = gsctp_transport_socknames(s, assoc_id, addrs, max, pn);
    gsctp_sock_put(s);
    return rv;
  }
  rv = gsctp_so_enter(s, &so);
  if (rv == 0) {
    n = peer ? usrsctp_getpaddrs(so, (sctp_assoc_t)assoc_id, &list)
             : usrsctp_getladdrs(so, (sctp_assoc_t)assoc_id, &list);
    if (n < 0) {
      rv = gsctp_err_from_errno(errno);
      if (peer && (rv == GSCTP_ENOENT || rv == GSCTP_EUNKNOWN)) {
        rv = GSCTP_ENOTCONN;
      }
    } else if (n == 0 && peer) {
      rv = GSCTP_ENOTCONN;
    } else {
      rv = addrs_out(list, n, addrs, max, pn);
      if (rv == 0 && !peer && s->family == GSCTP_FAMILY_INET6) {
        map_local_v4(so, addrs, *pn < max ? *pn : max);
      }
    }
    if (list != NULL) {
      if (peer) {
        usrsctp_freepaddrs(list);
      } else {
        usrsctp_freeladdrs(list);
      }
    }
    gsctp_so_leave(s);
  }
  gsctp_sock_put(s);
  return rv;
}

int gsctp_socknames(gsctp_sock sock, uint32_t assoc_id, gsctp_addr *addrs,
                    size_t max, size_t *pn) {
  return names(sock, assoc_id, addrs, max, pn, 0);
}

int gsctp_peernames(gsctp_sock sock, uint32_t assoc_id, gsctp_addr *addrs,
                    size_t max, size_t *pn) {
  return names(sock, assoc_id, addrs, max, pn, 1);
}

int gsctp_port(gsctp_sock sock) {
  gsctp_addr a;
  size_t n = 0;
  int rv;

  rv = gsctp_socknames(sock, 0, &a, 1, &n);
  if (rv != 0) {
    return rv;
  }
  return n > 0 ? a.port : 0;
}
