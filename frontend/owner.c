/*
 * owner.c - owners: thread-safe mailboxes with selective receive and a
 * pollable eventfd (the C counterpart of an Erlang process mailbox).
 *
 * Lifetime.  An owner is reference counted: one reference for its user
 * (gsctp_owner_new / a thread's default), one per socket it controls, one
 * per thread that chose it with gsctp_owner_set_self, and temporary ones
 * held by waiting receivers and posters.  gsctp_owner_free ends it (dead:
 * mailbox freed, waiters woken, no more posts) and drops the user's
 * reference; the memory goes with the last reference.
 *
 * The eventfd counter is 1 exactly while the mailbox is non-empty, so the
 * fd is readable (level-triggered) while messages are queued.
 *
 * Locks: o->mu is a leaf lock.  Callers may hold a socket's mu when
 * posting; o->mu is never held while taking another lock, except two
 * owner locks in address order when messages move between them.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include "gsctp/owner.h"
#include "gsctp_int.h"

struct msg_node {
  struct msg_node *next;
  gsctp_msg msg;
};

struct gsctp_owner {
  pthread_mutex_t mu;
  pthread_cond_t cv;
  int refs;
  int dead;
  int efd;
  int signalled;  /* efd counter is 1 */
  int is_default; /* a thread's default owner: ended with its thread */
  struct msg_node *head, *tail;
  size_t count;
};

/* ---- eventfd level ---- */

static void level_locked(gsctp_owner *o) {
  uint64_t v;

  if (o->count > 0 && !o->signalled) {
    v = 1;
    if (write(o->efd, &v, sizeof(v)) == (ssize_t)sizeof(v)) {
      o->signalled = 1;
    }
  } else if (o->count == 0 && o->signalled) {
    if (read(o->efd, &v, sizeof(v)) == (ssize_t)sizeof(v) || errno == EAGAIN) {
      o->signalled = 0;
    }
  }
}

/* ---- references ---- */

void gsctp_owner_ref(gsctp_owner *o) {
  pthread_mutex_lock(&o->mu);
  o->refs++;
  pthread_mutex_unlock(&o->mu);
}

static void free_queue(struct msg_node *n) {
  while (n != NULL) {
    struct msg_node *next = n->next;

    gsctp_msg_free(&n->msg);
    free(n);
    n = next;
  }
}

void gsctp_owner_unref(gsctp_owner *o) {
  int last;

  if (o == NULL) {
    return;
  }
  pthread_mutex_lock(&o->mu);
  last = --o->refs == 0;
  pthread_mutex_unlock(&o->mu);
  if (last) {
    free_queue(o->head);
    close(o->efd);
    pthread_cond_destroy(&o->cv);
    pthread_mutex_destroy(&o->mu);
    free(o);
  }
}

int gsctp_owner_is_dead(gsctp_owner *o) {
  int dead;

  pthread_mutex_lock(&o->mu);
  dead = o->dead;
  pthread_mutex_unlock(&o->mu);
  return dead;
}

void gsctp_msg_free(gsctp_msg *msg) {
  if (msg == NULL) {
    return;
  }
  gsctp_item_free(&msg->item);
  memset(msg, 0, sizeof(*msg));
}

int gsctp_owner_new(gsctp_owner **powner) {
  gsctp_owner *o;
  pthread_condattr_t ca;

  if (powner == NULL) {
    return gsctp_detail(GSCTP_EBADARG, "powner is NULL");
  }
  *powner = NULL;
  o = calloc(1, sizeof(*o));
  if (o == NULL) {
    return GSCTP_ENOMEM;
  }
  o->efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (o->efd < 0) {
    int e = errno;

    free(o);
    return e == ENOMEM ? GSCTP_ENOMEM : GSCTP_EMFILE;
  }
  pthread_mutex_init(&o->mu, NULL);
  pthread_condattr_init(&ca);
  pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
  pthread_cond_init(&o->cv, &ca);
  pthread_condattr_destroy(&ca);
  o->refs = 1;
  *powner = o;
  return 0;
}

static void owner_end(gsctp_owner *o) {
  struct msg_node *q;

  pthread_mutex_lock(&o->mu);
  if (o->dead) {
    pthread_mutex_unlock(&o->mu);
    return; /* ended twice: the user's reference is already gone */
  }
  o->dead = 1;
  q = o->head;
  o->head = o->tail = NULL;
  o->count = 0;
  level_locked(o);
  pthread_cond_broadcast(&o->cv);
  pthread_mutex_unlock(&o->mu);
  free_queue(q);
  /* Sockets notice the end lazily (next delivery or setopts) and drop
   * their references then. */
  gsctp_owner_unref(o);
}

void gsctp_owner_free(gsctp_owner *o) {
  int is_default;

  if (o == NULL) {
    return;
  }
  pthread_mutex_lock(&o->mu);
  is_default = o->is_default;
  pthread_mutex_unlock(&o->mu);
  if (!is_default) {
    owner_end(o); /* a default owner ends with its thread only */
  }
}

/* ---- per-thread owners ---- */

static pthread_once_t g_keys_once = PTHREAD_ONCE_INIT;
static pthread_key_t g_default_key, g_current_key;

static void default_dtor(void *p) {
  owner_end(p);
}

static void current_dtor(void *p) {
  gsctp_owner_unref(p);
}

/* In a fork child the forking thread's owners would share their eventfd
 * with the parent's: give them their own. */
static void refresh_fd(gsctp_owner *o) {
  int fd;

  if (o == NULL) {
    return;
  }
  fd = eventfd(o->count > 0 ? 1 : 0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (fd >= 0) {
    close(o->efd);
    o->efd = fd;
    o->signalled = o->count > 0;
  }
}

static void after_fork_child(void) {
  refresh_fd(pthread_getspecific(g_default_key));
  refresh_fd(pthread_getspecific(g_current_key));
}

static void make_keys(void) {
  (void)pthread_key_create(&g_default_key, default_dtor);
  (void)pthread_key_create(&g_current_key, current_dtor);
  (void)pthread_atfork(NULL, NULL, after_fork_child);
}

gsctp_owner *gsctp_owner_self(void) {
  gsctp_owner *o;

  pthread_once(&g_keys_once, make_keys);
  o = pthread_getspecific(g_current_key);
  if (o != NULL) {
    return o;
  }
  o = pthread_getspecific(g_default_key);
  if (o == NULL) {
    if (gsctp_owner_new(&o) != 0) {
      return NULL;
    }
    o->is_default = 1;
    if (pthread_setspecific(g_default_key, o) != 0) {
      owner_end(o);
      return NULL;
    }
  }
  return o;
}

int gsctp_owner_set_self(gsctp_owner *owner) {
  gsctp_owner *old;

  pthread_once(&g_keys_once, make_keys);
  old = pthread_getspecific(g_current_key);
  if (owner != NULL) {
    gsctp_owner_ref(owner);
  }
  (void)pthread_setspecific(g_current_key, owner);
  gsctp_owner_unref(old);
  return 0;
}

gsctp_owner *gsctp_owner_self_ref(void) {
  gsctp_owner *o = gsctp_owner_self();

  if (o != NULL) {
    gsctp_owner_ref(o);
  }
  return o;
}

/* ---- posting ---- */

int gsctp_owner_post(gsctp_owner *o, gsctp_msg *msg) {
  struct msg_node *n = malloc(sizeof(*n));

  if (n == NULL) {
    gsctp_msg_free(msg);
    return GSCTP_ENOMEM;
  }
  n->next = NULL;
  n->msg = *msg;
  memset(msg, 0, sizeof(*msg));
  pthread_mutex_lock(&o->mu);
  if (o->dead) {
    pthread_mutex_unlock(&o->mu);
    gsctp_msg_free(&n->msg);
    free(n);
    return GSCTP_ECLOSED;
  }
  if (o->tail != NULL) {
    o->tail->next = n;
  } else {
    o->head = n;
  }
  o->tail = n;
  o->count++;
  level_locked(o);
  pthread_cond_broadcast(&o->cv);
  pthread_mutex_unlock(&o->mu);
  return 0;
}

int gsctp_owner_post_simple(gsctp_owner *o, int kind, gsctp_sock sock,
                            int error) {
  gsctp_msg m;

  memset(&m, 0, sizeof(m));
  m.kind = kind;
  m.sock = sock;
  m.error = error;
  return gsctp_owner_post(o, &m);
}

/* Unlink *pp (o->mu held). */
static struct msg_node *unlink_locked(gsctp_owner *o, struct msg_node **pp,
                                      struct msg_node *prev) {
  struct msg_node *n = *pp;

  *pp = n->next;
  if (o->tail == n) {
    o->tail = prev;
  }
  o->count--;
  return n;
}

void gsctp_owner_move_sctp(gsctp_owner *from, gsctp_owner *to,
                           gsctp_sock sock) {
  struct msg_node *moved = NULL, **mtail = &moved, **pp, *prev = NULL;
  gsctp_owner *first = from < to ? from : to;
  gsctp_owner *second = from < to ? to : from;

  if (from == to) {
    return;
  }
  pthread_mutex_lock(&first->mu);
  pthread_mutex_lock(&second->mu);
  pp = &from->head;
  while (*pp != NULL) {
    struct msg_node *n = *pp;

    if (n->msg.kind == GSCTP_MSG_SCTP && n->msg.sock == sock) {
      n = unlink_locked(from, pp, prev);
      n->next = NULL;
      *mtail = n;
      mtail = &n->next;
    } else {
      prev = n;
      pp = &n->next;
    }
  }
  if (moved != NULL) {
    if (to->dead) {
      /* freed below, outside the locks */
    } else {
      struct msg_node *n;

      if (to->tail != NULL) {
        to->tail->next = moved;
      } else {
        to->head = moved;
      }
      for (n = moved; n != NULL; n = n->next) {
        to->count++;
        to->tail = n;
      }
      moved = NULL;
      level_locked(to);
      pthread_cond_broadcast(&to->cv);
    }
  }
  level_locked(from);
  pthread_mutex_unlock(&second->mu);
  pthread_mutex_unlock(&first->mu);
  free_queue(moved);
}

/* ---- receiving ---- */

static int matches(const gsctp_match *mt, const gsctp_msg *m) {
  if (mt == NULL) {
    return 1;
  }
  if (mt->sock != 0 && m->sock != mt->sock) {
    return 0;
  }
  if (mt->kinds != 0 && (mt->kinds & GSCTP_MSG_BIT(m->kind)) == 0) {
    return 0;
  }
  return mt->pred == NULL || mt->pred(m, mt->arg);
}

int gsctp_owner_recv_match(gsctp_owner *owner, const gsctp_match *match,
                           int timeout_ms, gsctp_msg *pmsg) {
  struct timespec dl;
  int rv = 0;

  if (pmsg == NULL) {
    return gsctp_detail(GSCTP_EBADARG, "pmsg is NULL");
  }
  memset(pmsg, 0, sizeof(*pmsg));
  if (timeout_ms < GSCTP_INFINITY) {
    return gsctp_detail(GSCTP_EINVAL, "timeout %d", timeout_ms);
  }
  if (owner == NULL) {
    owner = gsctp_owner_self();
    if (owner == NULL) {
      return GSCTP_ENOMEM;
    }
  }
  if (timeout_ms > 0) {
    gsctp_deadline_after(&dl, timeout_ms);
  }
  pthread_mutex_lock(&owner->mu);
  owner->refs++;
  for (;;) {
    struct msg_node **pp, *prev = NULL, *n;

    if (owner->dead) {
      rv = GSCTP_ECLOSED;
      break;
    }
    for (pp = &owner->head; *pp != NULL; prev = *pp, pp = &(*pp)->next) {
      if (matches(match, &(*pp)->msg)) {
        break;
      }
    }
    if (*pp != NULL) {
      n = unlink_locked(owner, pp, prev);
      level_locked(owner);
      *pmsg = n->msg;
      free(n);
      rv = 0;
      break;
    }
    if (timeout_ms == 0) {
      rv = GSCTP_ETIMEOUT;
      break;
    }
    if (timeout_ms == GSCTP_INFINITY) {
      pthread_cond_wait(&owner->cv, &owner->mu);
    } else if (pthread_cond_timedwait(&owner->cv, &owner->mu, &dl) ==
               ETIMEDOUT) {
      timeout_ms = 0; /* one last look */
    }
  }
  pthread_mutex_unlock(&owner->mu);
  gsctp_owner_unref(owner);
  return rv;
}

int gsctp_owner_recv(gsctp_owner *owner, int timeout_ms, gsctp_msg *pmsg) {
  return gsctp_owner_recv_match(owner, NULL, timeout_ms, pmsg);
}

int gsctp_owner_fd(gsctp_owner *owner) {
  if (owner == NULL) {
    owner = gsctp_owner_self();
    if (owner == NULL) {
      return GSCTP_ENOMEM;
    }
  }
  return owner->efd;
}

size_t gsctp_owner_pending(gsctp_owner *owner) {
  size_t n;

  if (owner == NULL) {
    owner = gsctp_owner_self();
    if (owner == NULL) {
      return 0;
    }
  }
  pthread_mutex_lock(&owner->mu);
  n = owner->count;
  pthread_mutex_unlock(&owner->mu);
  return n;
}
