/*
 * link.c - AF_CONN links.
 *
 * usrsctp identifies an AF_CONN "address" by an opaque pointer; both ends
 * of an association on one link use the same pointer (usrsctp_conninput
 * sets source and destination to it) and are told apart by their ports.
 * Here that pointer is a gsctp_link.
 *
 * usrsctp calls gsctp_link_conn_output() from its own threads, with its
 * locks held, so the output path never re-enters usrsctp:
 *  - an in-memory link copies the packet to a queue; the one link thread
 *    of the process feeds queued packets back with usrsctp_conninput();
 *  - a user link hands the packet to the user's output function.
 * The registry (g_mu) makes a late output call for a deleted link a
 * harmless drop instead of a use-after-free.
 *
 * In-memory links can be impaired (loss, duplication, delay, jitter,
 * reordering; gsctp_link_set_impairment).  The queue is kept in order of
 * delivery time, and the link thread sleeps until the first packet is
 * due, so a delayed packet never holds up one that is due earlier.
 */
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "gsctp/err.h"
#include "gsctp/link.h"
#include "stack_int.h"
#include "udplink.h"
#include "tap.h"

enum { LINK_MEMORY = 1, LINK_USER = 2 };

struct gsctp_link {
  int kind;
  gsctp_link_output_fn output;
  void *user;
  unsigned loss_every; /* drop every n-th packet; 0 = none */
  uint64_t counter;    /* packets offered since set_loss */
  uint64_t packets;    /* packets carried */
  int impaired;
  gsctp_link_impairment imp;
  gsctp_impair_state rng;
  gsctp_link_stats st;
  int busy; /* threads inside output/conninput for it */
  struct gsctp_link *next;
};

struct pkt {
  struct pkt *next;
  gsctp_link *link;
  uint64_t due_ns; /* CLOCK_MONOTONIC delivery time; 0 = now */
  size_t len;
  uint8_t data[];
};

static pthread_mutex_t g_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t g_cv; /* queue changed; CLOCK_MONOTONIC */
static pthread_once_t g_cv_once = PTHREAD_ONCE_INIT;
static pthread_cond_t g_idle = PTHREAD_COND_INITIALIZER; /* busy dropped */
static gsctp_link *g_links;
static struct pkt *g_head, *g_tail;
static int g_thread_running, g_thread_stop;
static pthread_t g_thread;

static int live_locked(const void *p) {
  const gsctp_link *l;

  for (l = g_links; l != NULL; l = l->next) {
    if ((const void *)l == p) {
      return 1;
    }
  }
  return 0;
}

int gsctp_link_is_live(const void *p) {
  int live;

  pthread_mutex_lock(&g_mu);
  live = live_locked(p);
  pthread_mutex_unlock(&g_mu);
  return live;
}

static void cv_init(void) {
  pthread_condattr_t ca;

  pthread_condattr_init(&ca);
  pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
  pthread_cond_init(&g_cv, &ca);
  pthread_condattr_destroy(&ca);
}

static uint64_t now_ns(void) {
  struct timespec ts;

  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* splitmix64: small, fast, and good enough to decide a packet's fate. */
static uint64_t rng_next(gsctp_impair_state *r) {
  uint64_t z = (r->s += 0x9e3779b97f4a7c15u);

  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
  return z ^ (z >> 31);
}

static double rng_unit(gsctp_impair_state *r) {
  return (double)(rng_next(r) >> 11) * 0x1.0p-53; /* [0, 1) */
}

void gsctp_impair_seed(gsctp_impair_state *r, uint64_t seed) {
  r->s = seed;
}

/* Always six draws per packet, whatever the settings, so that changing
 * one probability does not shift every later decision. */
void gsctp_impair_decide(gsctp_impair_state *r,
                         const gsctp_link_impairment *imp,
                         gsctp_impair_decision *d) {
  double u_loss = rng_unit(r), u_dup = rng_unit(r);
  unsigned reorder_ms = imp->reorder_ms != 0 ? imp->reorder_ms : 5;
  int i;

  d->copies = u_loss < imp->loss ? 0 : (u_dup < imp->duplicate ? 2 : 1);
  for (i = 0; i < 2; i++) {
    double u_jit = rng_unit(r), u_reo = rng_unit(r);
    uint64_t ms = imp->delay_ms;

    ms += (uint64_t)(u_jit * ((double)imp->jitter_ms + 1.0));
    d->reordered[i] = u_reo < imp->reorder;
    if (d->reordered[i]) {
      ms += reorder_ms;
    }
    d->delay_ms[i] = ms;
  }
}

/* Insert |p| in delivery-time order, after packets due at the same time
 * (FIFO among equals); g_mu held. */
static void enqueue_locked(struct pkt *p) {
  struct pkt **pp;

  p->next = NULL;
  if (g_tail == NULL || g_tail->due_ns <= p->due_ns) {
    if (g_tail != NULL) {
      g_tail->next = p;
    } else {
      g_head = p;
    }
    g_tail = p;
    return;
  }
  for (pp = &g_head; *pp != NULL && (*pp)->due_ns <= p->due_ns;
       pp = &(*pp)->next) {
  }
  p->next = *pp;
  *pp = p;
}

static void *link_thread(void *arg) {
  (void)arg;
  pthread_mutex_lock(&g_mu);
  for (;;) {
    struct pkt *p;
    uint64_t now;

    while (g_head == NULL && !g_thread_stop) {
      pthread_cond_wait(&g_cv, &g_mu);
    }
    if (g_thread_stop) {
      break;
    }
    now = now_ns();
    if (g_head->due_ns > now) {
      struct timespec ts;

      ts.tv_sec = (time_t)(g_head->due_ns / 1000000000u);
      ts.tv_nsec = (long)(g_head->due_ns % 1000000000u);
      pthread_cond_timedwait(&g_cv, &g_mu, &ts);
      continue;
    }
    p = g_head;
    g_head = p->next;
    if (g_head == NULL) {
      g_tail = NULL;
    }
    p->link->busy++;
    p->link->st.delivered++;
    pthread_mutex_unlock(&g_mu);
    usrsctp_conninput(p->link, p->data, p->len, 0);
    pthread_mutex_lock(&g_mu);
    p->link->busy--;
    pthread_cond_broadcast(&g_idle);
    free(p);
  }
  pthread_mutex_unlock(&g_mu);
  return NULL;
}

static int ensure_thread_locked(void) {
  if (g_thread_running) {
    return 0;
  }
  pthread_once(&g_cv_once, cv_init);
  g_thread_stop = 0;
  if (pthread_create(&g_thread, NULL, link_thread, NULL) != 0) {
    return GSCTP_ENOMEM;
  }
  g_thread_running = 1;
  return 0;
}

/* Queue |copies| copies of a packet for an in-memory link; g_mu held. */
static void memory_output_locked(gsctp_link *link, const void *buf, size_t len,
                                 const gsctp_impair_decision *d) {
  uint64_t now = 0;
  int i;

  for (i = 0; i < d->copies; i++) {
    struct pkt *p = malloc(sizeof(*p) + len);

    if (p == NULL) {
      link->st.dropped++;
      continue;
    }
    p->link = link;
    p->len = len;
    p->due_ns = 0;
    if (d->delay_ms[i] != 0) {
      if (now == 0) {
        now = now_ns();
      }
      p->due_ns = now + d->delay_ms[i] * 1000000u;
    }
    if (d->reordered[i]) {
      link->st.reordered++;
    }
    if (i == 1) {
      link->st.duplicated++;
    }
    memcpy(p->data, buf, len);
    enqueue_locked(p);
  }
  pthread_cond_signal(&g_cv);
}

int gsctp_link_conn_output(void *addr, void *buf, size_t len, uint8_t tos,
                           uint8_t set_df) {
  gsctp_link *link = addr;

  (void)set_df;
  if (gsctp_udplink_output(addr, buf, len, tos)) {
    return 0; /* a udp_conn handle (udplink.c) */
  }
  pthread_mutex_lock(&g_mu);
  if (!live_locked(link)) {
    pthread_mutex_unlock(&g_mu);
    return 0; /* a late packet for a deleted link: lost */
  }
  gsctp_tap_conn(1, link, buf, len);
  link->counter++;
  link->st.offered++;
  if (link->loss_every != 0 && link->counter % link->loss_every == 0) {
    link->st.dropped++;
    pthread_mutex_unlock(&g_mu);
    return 0; /* simulated loss */
  }
  if (link->kind == LINK_MEMORY) {
    gsctp_impair_decision d = {1, {0, 0}, {0, 0}};

    if (link->impaired) {
      gsctp_impair_decide(&link->rng, &link->imp, &d);
    }
    if (d.copies == 0) {
      link->st.dropped++;
    } else {
      link->packets++;
      memory_output_locked(link, buf, len, &d);
    }
    pthread_mutex_unlock(&g_mu);
    return 0;
  }
  link->packets++;
  link->busy++;
  pthread_mutex_unlock(&g_mu);
  link->output(link->user, buf, len, tos);
  pthread_mutex_lock(&g_mu);
  link->busy--;
  pthread_cond_broadcast(&g_idle);
  pthread_mutex_unlock(&g_mu);
  return 0;
}

static int link_new(gsctp_link **plink, int kind, gsctp_link_output_fn output,
                    void *user) {
  gsctp_link *link;
  int rv;

  rv = gsctp_stack_ensure();
  if (rv != 0) {
    return rv;
  }
  link = calloc(1, sizeof(*link));
  if (link == NULL) {
    return GSCTP_ENOMEM;
  }
  link->kind = kind;
  link->output = output;
  link->user = user;
  pthread_mutex_lock(&g_mu);
  if (kind == LINK_MEMORY) {
    rv = ensure_thread_locked();
    if (rv != 0) {
      pthread_mutex_unlock(&g_mu);
      free(link);
      return rv;
    }
  }
  link->next = g_links;
  g_links = link;
  pthread_mutex_unlock(&g_mu);
  usrsctp_register_address(link);
  *plink = link;
  return 0;
}

int gsctp_link_new_memory(gsctp_link **plink) {
  if (plink == NULL) {
    return GSCTP_EBADARG;
  }
  return link_new(plink, LINK_MEMORY, NULL, NULL);
}

int gsctp_link_new(gsctp_link **plink, gsctp_link_output_fn output,
                   void *user) {
  if (plink == NULL || output == NULL) {
    return GSCTP_EBADARG;
  }
  return link_new(plink, LINK_USER, output, user);
}

int gsctp_link_input(gsctp_link *link, const uint8_t *pkt, size_t pktlen) {
  if (link == NULL || (pkt == NULL && pktlen > 0)) {
    return GSCTP_EBADARG;
  }
  if (pktlen > 65535) {
    return GSCTP_EMSGSIZE;
  }
  pthread_mutex_lock(&g_mu);
  if (!live_locked(link)) {
    pthread_mutex_unlock(&g_mu);
    return GSCTP_EBADARG;
  }
  link->busy++;
  pthread_mutex_unlock(&g_mu);
  if (pktlen > 0) {
    gsctp_tap_conn(0, link, pkt, pktlen);
    usrsctp_conninput(link, pkt, pktlen, 0);
  }
  pthread_mutex_lock(&g_mu);
  link->busy--;
  pthread_cond_broadcast(&g_idle);
  pthread_mutex_unlock(&g_mu);
  return 0;
}

int gsctp_link_set_loss(gsctp_link *link, unsigned every_nth) {
  int rv = GSCTP_EBADARG;

  if (link == NULL) {
    return rv;
  }
  pthread_mutex_lock(&g_mu);
  if (live_locked(link) && link->kind == LINK_MEMORY) {
    link->loss_every = every_nth;
    link->counter = 0;
    rv = 0;
  }
  pthread_mutex_unlock(&g_mu);
  return rv;
}

static int prob_ok(double p) {
  return !isnan(p) && p >= 0.0 && p <= 1.0;
}

int gsctp_link_set_impairment(gsctp_link *link,
                              const gsctp_link_impairment *imp) {
  int rv = GSCTP_EBADARG;

  if (link == NULL) {
    return rv;
  }
  if (imp != NULL && (!prob_ok(imp->loss) || !prob_ok(imp->duplicate) ||
                      !prob_ok(imp->reorder) || imp->delay_ms > 60000 ||
                      imp->jitter_ms > 60000 || imp->reorder_ms > 60000)) {
    return rv;
  }
  pthread_mutex_lock(&g_mu);
  if (live_locked(link) && link->kind == LINK_MEMORY) {
    link->impaired = imp != NULL;
    if (imp != NULL) {
      link->imp = *imp;
      gsctp_impair_seed(&link->rng, imp->seed);
    }
    rv = 0;
  }
  pthread_mutex_unlock(&g_mu);
  return rv;
}

int gsctp_link_get_stats(const gsctp_link *link, gsctp_link_stats *st) {
  int rv = GSCTP_EBADARG;

  if (link == NULL || st == NULL) {
    return rv;
  }
  pthread_mutex_lock(&g_mu);
  if (live_locked(link)) {
    *st = link->st;
    rv = 0;
  }
  pthread_mutex_unlock(&g_mu);
  return rv;
}

uint64_t gsctp_link_packets(const gsctp_link *link) {
  uint64_t n = 0;

  if (link == NULL) {
    return 0;
  }
  pthread_mutex_lock(&g_mu);
  if (live_locked(link)) {
    n = link->packets;
  }
  pthread_mutex_unlock(&g_mu);
  return n;
}

/* Unlink |link| from the registry and drop its queued packets; g_mu held.
 * Returns nonzero if it was registered. */
static int unregister_locked(gsctp_link *link) {
  gsctp_link **pp;
  struct pkt **pq, *prev = NULL;

  for (pp = &g_links; *pp != NULL; pp = &(*pp)->next) {
    if (*pp == link) {
      break;
    }
  }
  if (*pp == NULL) {
    return 0;
  }
  *pp = link->next;
  pq = &g_head;
  while (*pq != NULL) {
    struct pkt *p = *pq;
    if (p->link == link) {
      *pq = p->next;
      free(p);
    } else {
      prev = p;
      pq = &p->next;
    }
  }
  g_tail = prev;
  while (link->busy > 0) {
    pthread_cond_wait(&g_idle, &g_mu);
  }
  return 1;
}

void gsctp_link_del(gsctp_link *link) {
  int found;

  if (link == NULL) {
    return;
  }
  pthread_mutex_lock(&g_mu);
  found = unregister_locked(link);
  pthread_mutex_unlock(&g_mu);
  if (found) {
    usrsctp_deregister_address(link);
  }
  /* After gsctp_stack_shutdown() the link is no longer registered but is
   * still the caller's to free. */
  free(link);
}

void gsctp_link_shutdown_all(void) {
  pthread_t th;
  int running;

  pthread_mutex_lock(&g_mu);
  running = g_thread_running;
  th = g_thread;
  g_thread_stop = 1;
  pthread_cond_broadcast(&g_cv);
  pthread_mutex_unlock(&g_mu);
  if (running) {
    pthread_join(th, NULL);
  }
  pthread_mutex_lock(&g_mu);
  g_thread_running = 0;
  while (g_head != NULL) {
    struct pkt *p = g_head;
    g_head = p->next;
    free(p);
  }
  g_tail = NULL;
  /* Links stay allocated (their owners free them with gsctp_link_del),
   * but no longer carry packets: deregister them from usrsctp. */
  while (g_links != NULL) {
    gsctp_link *l = g_links;
    g_links = l->next;
    l->next = NULL;
    pthread_mutex_unlock(&g_mu);
    usrsctp_deregister_address(l);
    pthread_mutex_lock(&g_mu);
  }
  pthread_mutex_unlock(&g_mu);
}
