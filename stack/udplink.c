/*
 * udplink.c - the udp_conn transport: SCTP over UDP (RFC 6951) on UDP
 * sockets gsctp owns, reaching usrsctp through AF_CONN (udplink.h).
 *
 * Why: usrsctp's own UDP encapsulation (the `udp` transport) cannot be
 * filtered from outside, and one forged datagram carrying an
 * association's SCTP ports can freeze usrsctp 0.9.5, abort the
 * association or move its remote UDP port (docs/known-issues.md).  Here
 * every datagram is checked before usrsctp sees it.  Also: ephemeral and
 * several local ports, one receive thread with recvmmsg for every
 * endpoint, TOS on our socket, and a capture hook with real addresses.
 *
 * Objects (all under g_mu):
 *  - endpoint: one UDP socket; refs = sockets using it + its handles;
 *  - handle: one remote (IP, UDP port) of one endpoint; its address is
 *    the AF_CONN sconn_addr usrsctp uses for associations with it.  It
 *    also remembers the verification tags it has seen on the wire per
 *    SCTP port pair (struct vt), to check incoming tags.
 *
 * Threads: usrsctp calls gsctp_udplink_output() from any of its threads
 * with its own locks held, so the output never calls usrsctp and holds
 * g_mu only to look the handle up.  The receive thread (one per process)
 * reads every endpoint (epoll + recvmmsg), checks each datagram, and
 * hands it to usrsctp_conninput() without g_mu held.  Handles are freed
 * only by the receive thread (the sweep) or after it stopped (shutdown),
 * so a handle it is using cannot go away; a pointer usrsctp still holds
 * after that is looked up in the registry and dropped, never followed.
 * usrsctp_register_address/deregister_address run without g_mu.
 */
#include "udplink.h"

#include <errno.h>
#include <netinet/udp.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>
#include <usrsctp.h>

#include "gsctp/err.h"
#include "sctp_wire.h"

#define BATCH 32
#define DGRAM_MAX 65536
/* Tag pairs a handle remembers: all associations with one remote UDP
 * address share its handle (e.g. every socket of a peer on 9899). */
#define VT_MAX 4096
/* Unconfirmed pairs kept per SCTP port pair (INIT floods). */
#define VT_UNCONFIRMED_PER_PORTS 4
#define HASH_BITS 12
#define HASH_SIZE (1u << HASH_BITS)
#define MAX_HANDLES_PER_EP 16384
#define SOCKBUF_BYTES (4 << 20)
#define EPOLL_WAIT_MS 200
/* Output queue of an endpoint (see gsctp_udplink_output): at most this
 * many datagrams / bytes wait for the receive thread's flush. */
#define OQ_MAX_PKTS 256
#define OQ_MAX_BYTES (512 * 1024)
/* One UDP_SEGMENT send: at most this many segments and payload bytes. */
#define GSO_MAX_SEGS 64
#define GSO_MAX_BYTES 60000
/* Endpoints the receive thread's batch may leave output queued on. */
#define RX_DIRTY_MAX 16
/* Work deferred to the end of a receive batch (gsctp_udplink_defer). */
#define RX_DEFER_MAX 64

/* SCTP chunk types used here. */
enum {
  CT_INIT = 1,
  CT_INIT_ACK = 2,
  CT_ABORT = 6,
  CT_COOKIE_ECHO = 10,
  CT_SHUTDOWN_COMPLETE = 14
};

/* One verification tag pair seen through a handle for an SCTP port pair. */
struct vt {
  uint16_t lport, rport;
  uint32_t my_tag;   /* the tag the peer puts in packets to us */
  uint32_t peer_tag; /* the tag we put in packets to the peer (0 unknown) */
  uint8_t used, confirmed;
  int64_t last;
};

struct uh {
  struct uh *pnext; /* pointer hash chain */
  struct uh *rnext; /* remote hash chain */
  struct uh *anext, **aprev;
  gsctp_udp_ep *ep;
  struct sockaddr_storage remote;
  socklen_t rlen;
  int64_t last_ms;
  int marked;
  int registered;
  /* For an endpoint bound to the wildcard: the local IP the remote
   * sends to (IP_PKTINFO), used as the source of what we send it. */
  struct sockaddr_storage local;
  int have_local;
  struct vt *vt; /* nvt used of capvt */
  size_t nvt, capvt;
};

/* One queued datagram: |len| bytes at |off| in the queue's data. */
struct oq_pkt {
  size_t off, len;
  struct sockaddr_storage to;
  socklen_t tolen;
  uint8_t tos; /* IP TOS / traffic class (usrsctp sets ECT(0) on data) */
};

struct ep_port {
  uint16_t port;
  int refs;
  int listening;
};

struct gsctp_udp_ep {
  gsctp_udp_ep *next;  /* g_eps (open, shareable or not) */
  gsctp_udp_ep *rnext; /* g_reap */
  int fd;
  int family;
  struct sockaddr_storage local;
  socklen_t llen;
  int refs;
  int shared;   /* opened with a fixed port: other sockets may share it */
  int wildcard; /* bound to 0.0.0.0 / ::: track local IPs per remote */
  int closing;
  int inflight; /* threads using fd outside g_mu */
  struct ep_port *ports;
  size_t nports, capports;
  size_t nhandles;
  /* Output queue (oq_mu, which is also held while sending on fd, so
   * that datagrams leave in the order usrsctp handed them over). */
  pthread_mutex_t oq_mu;
  struct oq_pkt *oq;
  size_t oq_n, oq_cap;
  uint8_t *oq_data;
  size_t oq_used, oq_dcap;
  int gso;      /* UDP_SEGMENT works on fd (oq_mu) */
  int gro;      /* UDP_GRO is on: a datagram may hold several */
  int rx_dirty; /* in the receive thread's dirty list (that thread) */
};

static pthread_mutex_t g_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t g_reg_cv = PTHREAD_COND_INITIALIZER;
static gsctp_udp_ep *g_eps, *g_reap;
static struct uh *g_ptab[HASH_SIZE], *g_rtab[HASH_SIZE], *g_all;
static gsctp_udplink_stats g_st;
/* Handles freed so far (atomic; gsctp_udplink_handles_freed). */
static uint64_t g_handles_freed;
static int g_epfd = -1, g_evfd = -1;
static int g_thread_running, g_thread_stop;
static pthread_t g_thread;
static void (*g_mark_all)(void);
static int g_sweep_interval_ms = 5000, g_idle_ms = 120000;
static gsctp_udplink_tap_fn g_tap;

/*
 * The anchor: one AF_CONN address registered while udp_conn is in use
 * that no packet ever carries.  A socket bound to the wildcard AF_CONN
 * address only reports its SCTP port (usrsctp_getladdrs) when some
 * AF_CONN address exists; this one always does.
 */
static pthread_mutex_t g_anchor_mu = PTHREAD_MUTEX_INITIALIZER;
static char g_anchor;
static int g_anchor_registered;

static void anchor_register(void) {
  pthread_mutex_lock(&g_anchor_mu);
  if (!g_anchor_registered) {
    usrsctp_register_address(&g_anchor);
    g_anchor_registered = 1;
  }
  pthread_mutex_unlock(&g_anchor_mu);
}

static void anchor_deregister(void) {
  pthread_mutex_lock(&g_anchor_mu);
  if (g_anchor_registered) {
    usrsctp_deregister_address(&g_anchor);
    g_anchor_registered = 0;
  }
  pthread_mutex_unlock(&g_anchor_mu);
}

/* ---- small helpers ---- */

static int64_t now_ms(void) {
  struct timespec ts;

  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static uint16_t get16(const uint8_t *p) {
  return (uint16_t)((p[0] << 8) | p[1]);
}

static uint32_t get32(const uint8_t *p) {
  return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) |
         ((uint32_t)p[2] << 8) | p[3];
}

static void put16(uint8_t *p, uint16_t v) {
  p[0] = (uint8_t)(v >> 8);
  p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v) {
  p[0] = (uint8_t)(v >> 24);
  p[1] = (uint8_t)(v >> 16);
  p[2] = (uint8_t)(v >> 8);
  p[3] = (uint8_t)v;
}

/* ---- CRC32c: the wire codec's (table or SSE4.2), compiled into the
 * library with the capture tap ---- */

static void set_crc(uint8_t *pkt, size_t len) {
  gsw_packet_set_crc(pkt, len);
}

/* ---- packet checks ---- */

enum { V_OK = 0, V_CHECKSUM, V_MALFORMED, V_INIT };

struct pinfo {
  uint16_t sport, dport;
  uint32_t vtag;
  uint32_t init_tag; /* initiate tag of an INIT / INIT-ACK */
  int is_init, is_initack;
  int t_bit; /* an ABORT or SHUTDOWN-COMPLETE with the T bit */
};

/* INIT / INIT-ACK body checks (RFC 9260 3.3.2, 3.3.3; RFC 4895 6.1).
 * |c| is the chunk, |clen| its length. */
static int check_init(const uint8_t *c, size_t clen, struct pinfo *pi) {
  size_t off;
  int have_chunks = 0, have_random = 0, have_hmac = 0;

  if (clen < 20) {
    return V_INIT;
  }
  pi->init_tag = get32(c + 4);
  if (pi->init_tag == 0 || get16(c + 12) == 0 || get16(c + 14) == 0) {
    return V_INIT; /* tag 0, 0 outbound or 0 inbound streams */
  }
  for (off = 20; off < clen;) {
    size_t plen;
    uint16_t ptype;

    if (off + 4 > clen) {
      return V_INIT;
    }
    ptype = get16(c + off);
    plen = get16(c + off + 2);
    if (plen < 4 || off + plen > clen) {
      return V_INIT;
    }
    if (ptype == 0x8002) {
      have_random = 1;
    } else if (ptype == 0x8003) {
      have_chunks = 1;
    } else if (ptype == 0x8004) {
      have_hmac = 1;
    }
    off += (plen + 3) & ~(size_t)3;
  }
  if ((have_chunks || have_random || have_hmac) &&
      !(have_chunks && have_random && have_hmac)) {
    return V_INIT; /* AUTH parameters come as a set of three */
  }
  return V_OK;
}

static int check_packet(const uint8_t *pkt, size_t len, struct pinfo *pi) {
  size_t off;
  int n = 0, lone = 0;
  uint32_t stored;

  memset(pi, 0, sizeof(*pi));
  if (len < 16) {
    return V_MALFORMED;
  }
  stored = gsw_packet_stored_crc(pkt);
  if (gsw_packet_crc(pkt, len) != stored) {
    return V_CHECKSUM;
  }
  pi->sport = get16(pkt);
  pi->dport = get16(pkt + 2);
  pi->vtag = get32(pkt + 4);
  if (pi->sport == 0 || pi->dport == 0) {
    return V_MALFORMED;
  }
  for (off = 12; off < len; ++n) {
    size_t clen;
    uint8_t type, flags;

    if (off + 4 > len) {
      return V_MALFORMED;
    }
    type = pkt[off];
    flags = pkt[off + 1];
    clen = get16(pkt + off + 2);
    if (clen < 4 || off + clen > len) {
      return V_MALFORMED;
    }
    if (type == CT_INIT || type == CT_INIT_ACK ||
        type == CT_SHUTDOWN_COMPLETE) {
      lone = 1; /* must not be bundled (RFC 9260 6.10) */
    }
    if ((type == CT_ABORT || type == CT_SHUTDOWN_COMPLETE) && (flags & 1)) {
      pi->t_bit = 1;
    }
    if (n == 0 && (type == CT_INIT || type == CT_INIT_ACK)) {
      int v = check_init(pkt + off, clen, pi);
      if (v != V_OK) {
        return v;
      }
      pi->is_init = type == CT_INIT;
      pi->is_initack = type == CT_INIT_ACK;
    }
    off += (clen + 3) & ~(size_t)3;
  }
  if (lone && n != 1) {
    return V_MALFORMED;
  }
  if (pi->is_init && pi->vtag != 0) {
    return V_MALFORMED; /* RFC 9260 8.5.1: an INIT carries tag 0 */
  }
  if (!pi->is_init && pi->vtag == 0) {
    return V_MALFORMED;
  }
  return V_OK;
}

/* ---- registry ---- */

static unsigned ptr_hash(const void *p) {
  uintptr_t v = (uintptr_t)p;
  return (unsigned)((v >> 4) ^ (v >> 16)) & (HASH_SIZE - 1);
}

/* Hash of (endpoint, remote IP): the remote port is left out so that a
 * moved port is found in the same bucket. */
static unsigned remote_hash(const gsctp_udp_ep *ep,
                            const struct sockaddr_storage *ss) {
  const uint8_t *ip;
  size_t n, i;
  uint32_t h = (uint32_t)(uintptr_t)ep * 2654435761u;

  if (ss->ss_family == AF_INET) {
    ip = (const uint8_t *)&((const struct sockaddr_in *)(const void *)ss)
           ->sin_addr;
    n = 4;
  } else {
    ip = (const uint8_t *)&((const struct sockaddr_in6 *)(const void *)ss)
           ->sin6_addr;
    n = 16;
  }
  for (i = 0; i < n; ++i) {
    h = (h ^ ip[i]) * 16777619u;
  }
  return h & (HASH_SIZE - 1);
}

static int same_ip(const struct sockaddr_storage *a,
                   const struct sockaddr_storage *b) {
  if (a->ss_family != b->ss_family) {
    return 0;
  }
  if (a->ss_family == AF_INET) {
    return memcmp(&((const struct sockaddr_in *)(const void *)a)->sin_addr,
                  &((const struct sockaddr_in *)(const void *)b)->sin_addr,
                  4) == 0;
  }
  return memcmp(&((const struct sockaddr_in6 *)(const void *)a)->sin6_addr,
                &((const struct sockaddr_in6 *)(const void *)b)->sin6_addr,
                16) == 0;
}

static uint16_t ss_port(const struct sockaddr_storage *ss) {
  return ss->ss_family == AF_INET
           ? ((const struct sockaddr_in *)(const void *)ss)->sin_port
           : ((const struct sockaddr_in6 *)(const void *)ss)->sin6_port;
}

static void ss_set_port(struct sockaddr_storage *ss, uint16_t nport) {
  if (ss->ss_family == AF_INET) {
    ((struct sockaddr_in *)(void *)ss)->sin_port = nport;
  } else {
    ((struct sockaddr_in6 *)(void *)ss)->sin6_port = nport;
  }
}

static struct uh *find_ptr_locked(const void *p) {
  struct uh *h;

  for (h = g_ptab[ptr_hash(p)]; h != NULL; h = h->pnext) {
    if ((const void *)h == p) {
      return h;
    }
  }
  return NULL;
}

static struct uh *find_remote_locked(const gsctp_udp_ep *ep,
                                     const struct sockaddr_storage *ss) {
  struct uh *h;

  for (h = g_rtab[remote_hash(ep, ss)]; h != NULL; h = h->rnext) {
    if (h->ep == ep && same_ip(&h->remote, ss) &&
        ss_port(&h->remote) == ss_port(ss)) {
      return h;
    }
  }
  return NULL;
}

static void rtab_remove_locked(struct uh *h) {
  struct uh **pp;

  for (pp = &g_rtab[remote_hash(h->ep, &h->remote)]; *pp != NULL;
       pp = &(*pp)->rnext) {
    if (*pp == h) {
      *pp = h->rnext;
      return;
    }
  }
}

static void rtab_insert_locked(struct uh *h) {
  unsigned b = remote_hash(h->ep, &h->remote);

  h->rnext = g_rtab[b];
  g_rtab[b] = h;
}

/* Creates a handle (not yet registered with usrsctp); g_mu held. */
static struct uh *handle_new_locked(gsctp_udp_ep *ep,
                                    const struct sockaddr_storage *remote) {
  struct uh *h = calloc(1, sizeof(*h));
  unsigned b;

  if (h == NULL) {
    return NULL;
  }
  h->ep = ep;
  h->remote = *remote;
  h->rlen = remote->ss_family == AF_INET ? sizeof(struct sockaddr_in)
                                         : sizeof(struct sockaddr_in6);
  h->last_ms = now_ms();
  b = ptr_hash(h);
  h->pnext = g_ptab[b];
  g_ptab[b] = h;
  rtab_insert_locked(h);
  h->anext = g_all;
  h->aprev = &g_all;
  if (g_all != NULL) {
    g_all->aprev = &h->anext;
  }
  g_all = h;
  ep->refs++;
  ep->nhandles++;
  g_st.handles++;
  return h;
}

/* Unlinks |h| from every table; g_mu held.  The caller deregisters it,
 * then frees it with handle_free_locked. */
static void handle_unlink_locked(struct uh *h) {
  struct uh **pp;

  for (pp = &g_ptab[ptr_hash(h)]; *pp != NULL; pp = &(*pp)->pnext) {
    if (*pp == h) {
      *pp = h->pnext;
      break;
    }
  }
  rtab_remove_locked(h);
  *h->aprev = h->anext;
  if (h->anext != NULL) {
    h->anext->aprev = h->aprev;
  }
}

static void ep_unref_locked(gsctp_udp_ep *ep);

static void handle_free_locked(struct uh *h) {
  gsctp_udp_ep *ep = h->ep;

  ep->nhandles--;
  g_st.handles--;
  __atomic_add_fetch(&g_handles_freed, 1, __ATOMIC_RELEASE);
  free(h->vt);
  free(h);
  ep_unref_locked(ep);
}

/* ---- verification tags ---- */

static void vt_learn_locked(struct uh *h, uint16_t lport, uint16_t rport,
                            uint32_t my_tag, uint32_t peer_tag) {
  struct vt *slot = NULL, *old_unconf = NULL, *lru = NULL, *v;
  size_t i, unconf_here = 0;
  int64_t now = now_ms();

  for (i = 0; i < h->nvt; ++i) {
    v = &h->vt[i];
    if (v->lport == lport && v->rport == rport) {
      if (v->my_tag == my_tag) {
        if (peer_tag != 0) {
          v->peer_tag = peer_tag;
        }
        v->last = now;
        return;
      }
      if (!v->confirmed) {
        unconf_here++;
        if (old_unconf == NULL || v->last < old_unconf->last) {
          old_unconf = v;
        }
      }
    }
  }
  if (unconf_here >= VT_UNCONFIRMED_PER_PORTS) {
    slot = old_unconf; /* a flood of INITs replaces its own pairs */
  } else if (h->nvt < h->capvt) {
    slot = &h->vt[h->nvt++];
  } else if (h->capvt < VT_MAX) {
    size_t ncap = h->capvt ? h->capvt * 2 : 4;
    struct vt *nv = realloc(h->vt, ncap * sizeof(*nv));

    if (nv != NULL) {
      h->vt = nv;
      h->capvt = ncap;
      slot = &h->vt[h->nvt++];
    }
  }
  if (slot == NULL) {
    /* Full: replace the oldest unconfirmed pair, else the least
     * recently used one. */
    for (i = 0; i < h->nvt; ++i) {
      v = &h->vt[i];
      if (!v->confirmed && (slot == NULL || v->last < slot->last)) {
        slot = v;
      }
      if (lru == NULL || v->last < lru->last) {
        lru = v;
      }
    }
    if (slot == NULL) {
      slot = lru;
    }
  }
  if (slot == NULL) {
    return; /* out of memory with nothing to replace */
  }
  memset(slot, 0, sizeof(*slot));
  slot->used = 1;
  slot->lport = lport;
  slot->rport = rport;
  slot->my_tag = my_tag;
  slot->peer_tag = peer_tag;
  slot->last = now;
}

/* Does |pi| (not an INIT) carry a tag |h| knows for its ports?  A match
 * on our own tag confirms the pair (the peer knows the tag, so it is
 * not a blind guess).  |confirmed_only| for port moves. */
static int vt_check_locked(struct uh *h, const struct pinfo *pi,
                           int confirmed_only) {
  size_t i;

  for (i = 0; i < h->nvt; ++i) {
    struct vt *v = &h->vt[i];

    if (v->lport != pi->dport || v->rport != pi->sport) {
      continue;
    }
    if (confirmed_only && !v->confirmed) {
      continue;
    }
    if (pi->t_bit ? (v->peer_tag != 0 && v->peer_tag == pi->vtag)
                  : v->my_tag == pi->vtag) {
      if (!pi->t_bit) {
        v->confirmed = 1;
        if (pi->is_initack) {
          v->peer_tag = pi->init_tag;
        }
      }
      v->last = now_ms();
      return 1;
    }
  }
  return 0;
}

/* ---- endpoints ---- */

static struct ep_port *find_port_locked(gsctp_udp_ep *ep, uint16_t port) {
  size_t i;

  for (i = 0; i < ep->nports; ++i) {
    if (ep->ports[i].port == port) {
      return &ep->ports[i];
    }
  }
  return NULL;
}

static void ep_close_fd_locked(gsctp_udp_ep *ep) {
  if (ep->fd >= 0 && ep->inflight == 0) {
    close(ep->fd);
    ep->fd = -1;
  }
}

/* Drop one reference; g_mu held.  At zero the endpoint leaves the open
 * list, its socket closes (once no thread uses it) and the receive
 * thread frees it (it may hold the pointer from epoll). */
static void ep_unref_locked(gsctp_udp_ep *ep) {
  gsctp_udp_ep **pp;

  if (--ep->refs > 0) {
    return;
  }
  for (pp = &g_eps; *pp != NULL; pp = &(*pp)->next) {
    if (*pp == ep) {
      *pp = ep->next;
      break;
    }
  }
  ep->closing = 1;
  g_st.endpoints--;
  if (ep->fd >= 0 && g_epfd >= 0) {
    (void)epoll_ctl(g_epfd, EPOLL_CTL_DEL, ep->fd, NULL);
  }
  ep_close_fd_locked(ep);
  ep->rnext = g_reap;
  g_reap = ep;
  if (g_thread_running) {
    uint64_t one = 1;
    if (write(g_evfd, &one, sizeof(one)) < 0) {
      /* the thread reaps at its next timeout anyway */
    }
  }
}

/* Frees closed endpoints no thread uses any more; g_mu held.  Runs on
 * the receive thread (which may hold an endpoint pointer from epoll) or
 * after it stopped. */
static void reap_locked(void) {
  gsctp_udp_ep **pp = &g_reap;

  while (*pp != NULL) {
    gsctp_udp_ep *ep = *pp;

    if (ep->inflight > 0) {
      pp = &ep->rnext;
      continue;
    }
    *pp = ep->rnext;
    if (ep->fd >= 0) {
      close(ep->fd);
    }
    free(ep->ports);
    free(ep->oq);
    free(ep->oq_data);
    pthread_mutex_destroy(&ep->oq_mu);
    free(ep);
  }
}

static void *rx_thread(void *arg);

static int ensure_thread_locked(void) {
  if (g_thread_running) {
    return 0;
  }
  if (g_epfd < 0) {
    g_epfd = epoll_create1(EPOLL_CLOEXEC);
    if (g_epfd < 0) {
      return gsctp_err_from_errno(errno);
    }
  }
  if (g_evfd < 0) {
    struct epoll_event ev;

    g_evfd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (g_evfd < 0) {
      return gsctp_err_from_errno(errno);
    }
    memset(&ev, 0, sizeof(ev));
    ev.events = EPOLLIN;
    ev.data.ptr = NULL;
    if (epoll_ctl(g_epfd, EPOLL_CTL_ADD, g_evfd, &ev) != 0) {
      return gsctp_err_from_errno(errno);
    }
  }
  g_thread_stop = 0;
  if (pthread_create(&g_thread, NULL, rx_thread, NULL) != 0) {
    return GSCTP_ENOMEM;
  }
  g_thread_running = 1;
  return 0;
}

static void set_bufs(int fd) {
  int v = SOCKBUF_BYTES;

  if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &v, sizeof(v)) != 0) {
    (void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &v, sizeof(v));
  }
  if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &v, sizeof(v)) != 0) {
    (void)setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &v, sizeof(v));
  }
}

int gsctp_udplink_ep_open(const struct sockaddr *local, socklen_t len,
                          gsctp_udp_ep **pep) {
  struct sockaddr_storage ss;
  gsctp_udp_ep *ep;
  struct epoll_event ev;
  int fd, on = 1, rv;
  uint16_t port;

  if (local == NULL || pep == NULL ||
      (local->sa_family != AF_INET && local->sa_family != AF_INET6) ||
      len > sizeof(ss) ||
      len < (local->sa_family == AF_INET ? sizeof(struct sockaddr_in)
                                         : sizeof(struct sockaddr_in6))) {
    return GSCTP_EINVAL;
  }
  memset(&ss, 0, sizeof(ss));
  memcpy(&ss, local, len);
  port = ss_port(&ss);
  anchor_register();

  pthread_mutex_lock(&g_mu);
  if (port != 0) {
    for (ep = g_eps; ep != NULL; ep = ep->next) {
      if (ep->shared && !ep->closing && ep->family == ss.ss_family &&
          same_ip(&ep->local, &ss) && ss_port(&ep->local) == port) {
        ep->refs++;
        *pep = ep;
        pthread_mutex_unlock(&g_mu);
        return 0;
      }
    }
  }
  rv = ensure_thread_locked();
  pthread_mutex_unlock(&g_mu);
  if (rv != 0) {
    return rv;
  }

  fd = socket(ss.ss_family, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd < 0) {
    return gsctp_err_from_errno(errno);
  }
  if (ss.ss_family == AF_INET6) {
    (void)setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof(on));
  }
  set_bufs(fd);
  if (bind(fd, (struct sockaddr *)&ss, len) != 0) {
    rv = gsctp_err_from_errno(errno);
    close(fd);
    return rv;
  }
  ep = calloc(1, sizeof(*ep));
  if (ep == NULL) {
    close(fd);
    return GSCTP_ENOMEM;
  }
  ep->fd = fd;
  ep->family = ss.ss_family;
  pthread_mutex_init(&ep->oq_mu, NULL);
  {
    /* Probe UDP GSO (Linux 4.18+); 0 = no segmentation by default. */
    int zero = 0;
    int one = 1;
    const char *env = getenv("GSCTP_UDP_GSO");

    /* GSCTP_UDP_GSO=0: one datagram per send and receive, e.g. for a
     * capture on loopback, where tcpdump sees a GSO buffer before the
     * kernel segments it (docs/known-issues.md). */
    if (env == NULL || strcmp(env, "0") != 0) {
      ep->gso = setsockopt(fd, SOL_UDP, UDP_SEGMENT, &zero, sizeof(zero)) == 0;
      /* Receive a GSO burst as one buffer (Linux 5.0+); rx_endpoint
       * splits it into its datagrams again. */
      ep->gro = setsockopt(fd, SOL_UDP, UDP_GRO, &one, sizeof(one)) == 0;
    }
  }
  ep->llen = sizeof(ep->local);
  if (getsockname(fd, (struct sockaddr *)&ep->local, &ep->llen) != 0) {
    rv = gsctp_err_from_errno(errno);
    close(fd);
    free(ep);
    return rv;
  }
  ep->refs = 1;
  ep->shared = port != 0;
  {
    static const uint8_t zero[16];
    int on1 = 1;

    if (ss.ss_family == AF_INET) {
      ep->wildcard =
        ((struct sockaddr_in *)(void *)&ss)->sin_addr.s_addr == 0 &&
        setsockopt(fd, IPPROTO_IP, IP_PKTINFO, &on1, sizeof(on1)) == 0;
    } else {
      ep->wildcard =
        memcmp(&((struct sockaddr_in6 *)(void *)&ss)->sin6_addr, zero, 16) ==
          0 &&
        setsockopt(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, &on1, sizeof(on1)) == 0;
    }
  }

  pthread_mutex_lock(&g_mu);
  memset(&ev, 0, sizeof(ev));
  ev.events = EPOLLIN;
  ev.data.ptr = ep;
  if (epoll_ctl(g_epfd, EPOLL_CTL_ADD, fd, &ev) != 0) {
    rv = gsctp_err_from_errno(errno);
    pthread_mutex_unlock(&g_mu);
    close(fd);
    free(ep);
    return rv;
  }
  ep->next = g_eps;
  g_eps = ep;
  g_st.endpoints++;
  pthread_mutex_unlock(&g_mu);
  *pep = ep;
  return 0;
}

void gsctp_udplink_ep_ref(gsctp_udp_ep *ep) {
  pthread_mutex_lock(&g_mu);
  ep->refs++;
  pthread_mutex_unlock(&g_mu);
}

void gsctp_udplink_ep_close(gsctp_udp_ep *ep) {
  if (ep == NULL) {
    return;
  }
  pthread_mutex_lock(&g_mu);
  ep_unref_locked(ep);
  pthread_mutex_unlock(&g_mu);
}

void gsctp_udplink_ep_local(const gsctp_udp_ep *ep, struct sockaddr_storage *ss,
                            socklen_t *plen) {
  *ss = ep->local;
  if (plen != NULL) {
    *plen = ep->llen;
  }
}

int gsctp_udplink_ep_fd(const gsctp_udp_ep *ep) {
  return ep->fd;
}

int gsctp_udplink_ep_add_port(gsctp_udp_ep *ep, uint16_t sctp_port) {
  struct ep_port *p;

  pthread_mutex_lock(&g_mu);
  p = find_port_locked(ep, sctp_port);
  if (p == NULL) {
    if (ep->nports == ep->capports) {
      size_t ncap = ep->capports ? ep->capports * 2 : 4;
      struct ep_port *np = realloc(ep->ports, ncap * sizeof(*np));
      if (np == NULL) {
        pthread_mutex_unlock(&g_mu);
        return GSCTP_ENOMEM;
      }
      ep->ports = np;
      ep->capports = ncap;
    }
    p = &ep->ports[ep->nports++];
    memset(p, 0, sizeof(*p));
    p->port = sctp_port;
  }
  p->refs++;
  pthread_mutex_unlock(&g_mu);
  return 0;
}

void gsctp_udplink_ep_del_port(gsctp_udp_ep *ep, uint16_t sctp_port) {
  struct ep_port *p;

  pthread_mutex_lock(&g_mu);
  p = find_port_locked(ep, sctp_port);
  if (p != NULL && --p->refs <= 0) {
    *p = ep->ports[--ep->nports];
  }
  pthread_mutex_unlock(&g_mu);
}

void gsctp_udplink_ep_listen(gsctp_udp_ep *ep, uint16_t sctp_port, int on) {
  struct ep_port *p;

  pthread_mutex_lock(&g_mu);
  p = find_port_locked(ep, sctp_port);
  if (p != NULL) {
    p->listening = on != 0;
  }
  pthread_mutex_unlock(&g_mu);
}

/* ---- handles ---- */

/* Waits until |h| is registered with usrsctp; g_mu held. */
static void wait_registered_locked(struct uh *h) {
  while (!h->registered) {
    pthread_cond_wait(&g_reg_cv, &g_mu);
  }
}

static void register_handle(struct uh *h) {
  usrsctp_register_address(h);
  pthread_mutex_lock(&g_mu);
  h->registered = 1;
  pthread_cond_broadcast(&g_reg_cv);
  pthread_mutex_unlock(&g_mu);
}

int gsctp_udplink_handle(gsctp_udp_ep *ep, const struct sockaddr *remote,
                         void **phandle) {
  struct sockaddr_storage ss;
  struct uh *h;
  int created = 0;

  if (ep == NULL || remote == NULL || phandle == NULL ||
      remote->sa_family != ep->family) {
    return GSCTP_EINVAL;
  }
  memset(&ss, 0, sizeof(ss));
  memcpy(&ss, remote,
         remote->sa_family == AF_INET ? sizeof(struct sockaddr_in)
                                      : sizeof(struct sockaddr_in6));
  if (ss_port(&ss) == 0) {
    return GSCTP_EINVAL;
  }
  pthread_mutex_lock(&g_mu);
  if (ep->closing) {
    pthread_mutex_unlock(&g_mu);
    return GSCTP_EINVAL;
  }
  h = find_remote_locked(ep, &ss);
  if (h == NULL) {
    h = handle_new_locked(ep, &ss);
    if (h == NULL) {
      pthread_mutex_unlock(&g_mu);
      return GSCTP_ENOMEM;
    }
    created = 1;
  } else {
    wait_registered_locked(h);
  }
  h->last_ms = now_ms(); /* not idle: an association is about to use it */
  pthread_mutex_unlock(&g_mu);
  if (created) {
    register_handle(h);
  }
  *phandle = h;
  return 0;
}

int gsctp_udplink_handle_addrs(const void *handle,
                               struct sockaddr_storage *remote,
                               struct sockaddr_storage *local) {
  struct uh *h;
  int found = 0;

  if (handle == NULL) {
    return 0;
  }
  pthread_mutex_lock(&g_mu);
  h = find_ptr_locked(handle);
  if (h != NULL) {
    if (remote != NULL) {
      *remote = h->remote;
    }
    if (local != NULL) {
      *local = h->ep->local;
      if (h->have_local) {
        uint16_t port = ss_port(&h->ep->local);
        *local = h->local;
        ss_set_port(local, port);
      }
    }
    found = 1;
  }
  pthread_mutex_unlock(&g_mu);
  return found;
}

uint64_t gsctp_udplink_handles_freed(void) {
  return __atomic_load_n(&g_handles_freed, __ATOMIC_ACQUIRE);
}

void gsctp_udplink_mark(const void *handle) {
  struct uh *h;

  pthread_mutex_lock(&g_mu);
  h = find_ptr_locked(handle);
  if (h != NULL) {
    h->marked = 1;
  }
  pthread_mutex_unlock(&g_mu);
}

void gsctp_udplink_set_sweep_hook(void (*mark_all)(void)) {
  pthread_mutex_lock(&g_mu);
  g_mark_all = mark_all;
  pthread_mutex_unlock(&g_mu);
}

void gsctp_udplink_set_sweep_times(int interval_ms, int idle_ms) {
  pthread_mutex_lock(&g_mu);
  if (interval_ms > 0) {
    g_sweep_interval_ms = interval_ms;
  }
  if (idle_ms > 0) {
    g_idle_ms = idle_ms;
  }
  pthread_mutex_unlock(&g_mu);
}

gsctp_udplink_tap_fn gsctp_udplink_set_tap(gsctp_udplink_tap_fn fn) {
  return __atomic_exchange_n(&g_tap, fn, __ATOMIC_ACQ_REL);
}

void gsctp_udplink_get_stats(gsctp_udplink_stats *st) {
  pthread_mutex_lock(&g_mu);
  *st = g_st;
  pthread_mutex_unlock(&g_mu);
}

/* ---- output ---- */

/* Sends one datagram; |src| (NULL: the kernel's choice) sets the source
 * IP of an endpoint bound to the wildcard, |tos| the TOS / traffic
 * class. */
static ssize_t send_one(int fd, int family, const void *buf, size_t len,
                        const struct sockaddr *to, socklen_t tolen, uint8_t tos,
                        const struct sockaddr_storage *src) {
  struct iovec iov;
  struct msghdr mh;
  union {
    char buf[CMSG_SPACE(sizeof(int)) + CMSG_SPACE(sizeof(struct in6_pktinfo)) +
             CMSG_SPACE(sizeof(struct in_pktinfo))];
    struct cmsghdr align;
  } cm;
  struct cmsghdr *c;
  size_t clen = 0;

  if (tos == 0 && src == NULL) {
    return sendto(fd, buf, len, MSG_DONTWAIT | MSG_NOSIGNAL, to, tolen);
  }
  memset(&mh, 0, sizeof(mh));
  memset(&cm, 0, sizeof(cm));
  iov.iov_base = (void *)(uintptr_t)buf;
  iov.iov_len = len;
  mh.msg_name = (void *)(uintptr_t)to;
  mh.msg_namelen = tolen;
  mh.msg_iov = &iov;
  mh.msg_iovlen = 1;
  mh.msg_control = cm.buf;
  mh.msg_controllen = sizeof(cm.buf);
  c = CMSG_FIRSTHDR(&mh);
  if (tos != 0) {
    int v = tos;
    c->cmsg_level = family == AF_INET ? IPPROTO_IP : IPPROTO_IPV6;
    c->cmsg_type = family == AF_INET ? IP_TOS : IPV6_TCLASS;
    c->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(c), &v, sizeof(v));
    clen += CMSG_SPACE(sizeof(int));
    c = CMSG_NXTHDR(&mh, c);
  }
  if (src != NULL && family == AF_INET) {
    struct in_pktinfo pi;
    memset(&pi, 0, sizeof(pi));
    pi.ipi_spec_dst = ((const struct sockaddr_in *)(const void *)src)->sin_addr;
    c->cmsg_level = IPPROTO_IP;
    c->cmsg_type = IP_PKTINFO;
    c->cmsg_len = CMSG_LEN(sizeof(pi));
    memcpy(CMSG_DATA(c), &pi, sizeof(pi));
    clen += CMSG_SPACE(sizeof(pi));
  } else if (src != NULL) {
    struct in6_pktinfo pi;
    memset(&pi, 0, sizeof(pi));
    pi.ipi6_addr = ((const struct sockaddr_in6 *)(const void *)src)->sin6_addr;
    c->cmsg_level = IPPROTO_IPV6;
    c->cmsg_type = IPV6_PKTINFO;
    c->cmsg_len = CMSG_LEN(sizeof(pi));
    memcpy(CMSG_DATA(c), &pi, sizeof(pi));
    clen += CMSG_SPACE(sizeof(pi));
  }
  mh.msg_controllen = clen;
  return sendmsg(fd, &mh, MSG_DONTWAIT | MSG_NOSIGNAL);
}

/* ---- output queue ---- */

/*
 * The receive thread hands a batch of datagrams (one recvmmsg) to usrsctp
 * and collects what usrsctp sends meanwhile (SACKs; on a sender, the data
 * a SACK lets out) in each endpoint's output queue; after the batch it
 * sends every queue with one sendmmsg, runs of equal-sized datagrams to
 * one address as one UDP GSO send (UDP_SEGMENT), so the kernel's stack
 * is crossed once per run instead of once per datagram.  Order across
 * threads is kept: a datagram from any other thread first sends what is
 * queued on its endpoint, and sending happens under the queue's lock.
 * (An earlier version, which queued without that, let a SACK from the
 * timer thread overtake queued ones.)  Other threads never queue: a
 * thread inside usrsctp_sendv may block in usrsctp right after, and its
 * datagrams must be out by then.
 */
static _Thread_local int t_rx_batch;           /* receive thread only */
static gsctp_udp_ep *g_rx_dirty[RX_DIRTY_MAX]; /* receive thread only */
static size_t g_rx_ndirty;                     /* receive thread only */
static struct {
  void (*fn)(uintptr_t);
  uintptr_t arg;
} g_rx_defer[RX_DEFER_MAX]; /* receive thread only */
static size_t g_rx_ndefer;  /* receive thread only */

int gsctp_udplink_defer(void (*fn)(uintptr_t), uintptr_t arg) {
  size_t i;

  if (!t_rx_batch || fn == NULL) {
    return 0;
  }
  for (i = 0; i < g_rx_ndefer; ++i) {
    if (g_rx_defer[i].fn == fn && g_rx_defer[i].arg == arg) {
      return 1;
    }
  }
  if (g_rx_ndefer == RX_DEFER_MAX) {
    return 0;
  }
  g_rx_defer[g_rx_ndefer].fn = fn;
  g_rx_defer[g_rx_ndefer].arg = arg;
  g_rx_ndefer++;
  return 1;
}

/* Appends one datagram to |ep|'s queue; ep->oq_mu held.  Returns 0 if
 * the queue is full or memory short (the caller sends it another way). */
static int oq_append_locked(gsctp_udp_ep *ep, const void *buf, size_t len,
                            const struct sockaddr_storage *to, socklen_t tolen,
                            uint8_t tos) {
  struct oq_pkt *q;

  if (ep->oq_n >= OQ_MAX_PKTS || ep->oq_used + len > OQ_MAX_BYTES) {
    return 0;
  }
  if (ep->oq_n == ep->oq_cap) {
    size_t ncap = ep->oq_cap ? ep->oq_cap * 2 : 32;
    struct oq_pkt *nq = realloc(ep->oq, ncap * sizeof(*nq));
    if (nq == NULL) {
      return 0;
    }
    ep->oq = nq;
    ep->oq_cap = ncap;
  }
  if (ep->oq_used + len > ep->oq_dcap) {
    size_t ncap = ep->oq_dcap ? ep->oq_dcap : 65536;
    uint8_t *nd;
    while (ncap < ep->oq_used + len) {
      ncap *= 2;
    }
    nd = realloc(ep->oq_data, ncap);
    if (nd == NULL) {
      return 0;
    }
    ep->oq_data = nd;
    ep->oq_dcap = ncap;
  }
  q = &ep->oq[ep->oq_n++];
  q->off = ep->oq_used;
  q->len = len;
  q->to = *to;
  q->tolen = tolen;
  q->tos = tos;
  memcpy(ep->oq_data + ep->oq_used, buf, len);
  ep->oq_used += len;
  return 1;
}

static int same_dest(const struct oq_pkt *a, const struct oq_pkt *b) {
  return a->tos == b->tos && a->tolen == b->tolen &&
         memcmp(&a->to, &b->to, a->tolen) == 0;
}

/* Sends everything queued on |ep| in order and empties the queue;
 * ep->oq_mu held.  Adds the datagrams sent and lost to |*psent| and
 * |*plost|. */
static void oq_flush_locked(gsctp_udp_ep *ep, int fd, uint64_t *psent,
                            uint64_t *plost) {
  enum { NMSG = 64 };
  struct mmsghdr mm[NMSG];
  struct iovec iov[OQ_MAX_PKTS];
  union {
    char buf[CMSG_SPACE(sizeof(int)) + CMSG_SPACE(sizeof(uint16_t))];
    struct cmsghdr align;
  } cm[NMSG];
  size_t first[NMSG], count[NMSG];
  size_t i = 0;

  while (i < ep->oq_n) {
    size_t nm = 0, ni = 0, k;
    int r;

    /* Group the datagrams from i into at most NMSG messages. */
    while (i < ep->oq_n && nm < NMSG) {
      const struct oq_pkt *q = &ep->oq[i];
      struct msghdr *mh = &mm[nm].msg_hdr;
      size_t n = 1, total = q->len;

      if (ep->gso) {
        /* Equal sizes to one address; the last may be shorter. */
        while (i + n < ep->oq_n && n < GSO_MAX_SEGS &&
               ep->oq[i + n - 1].len == q->len && ep->oq[i + n].len <= q->len &&
               total + ep->oq[i + n].len <= GSO_MAX_BYTES &&
               same_dest(&ep->oq[i + n], q)) {
          total += ep->oq[i + n].len;
          n++;
        }
      }
      memset(mh, 0, sizeof(*mh));
      mh->msg_name = (void *)&ep->oq[i].to;
      mh->msg_namelen = q->tolen;
      mh->msg_iov = &iov[ni];
      mh->msg_iovlen = n;
      for (k = 0; k < n; ++k) {
        iov[ni + k].iov_base = ep->oq_data + ep->oq[i + k].off;
        iov[ni + k].iov_len = ep->oq[i + k].len;
      }
      if (n > 1 || q->tos != 0) {
        struct cmsghdr *c;
        size_t clen = 0;

        memset(&cm[nm], 0, sizeof(cm[nm]));
        mh->msg_control = cm[nm].buf;
        mh->msg_controllen = sizeof(cm[nm].buf);
        c = CMSG_FIRSTHDR(mh);
        if (q->tos != 0) {
          int v = q->tos;
          c->cmsg_level = ep->family == AF_INET ? IPPROTO_IP : IPPROTO_IPV6;
          c->cmsg_type = ep->family == AF_INET ? IP_TOS : IPV6_TCLASS;
          c->cmsg_len = CMSG_LEN(sizeof(v));
          memcpy(CMSG_DATA(c), &v, sizeof(v));
          clen += CMSG_SPACE(sizeof(v));
          c = CMSG_NXTHDR(mh, c);
        }
        if (n > 1) {
          uint16_t seg = (uint16_t)q->len;
          c->cmsg_level = SOL_UDP;
          c->cmsg_type = UDP_SEGMENT;
          c->cmsg_len = CMSG_LEN(sizeof(seg));
          memcpy(CMSG_DATA(c), &seg, sizeof(seg));
          clen += CMSG_SPACE(sizeof(seg));
        }
        mh->msg_controllen = clen;
      }
      first[nm] = i;
      count[nm] = n;
      ni += n;
      i += n;
      nm++;
    }

    /* Send them; what fails is lost like a datagram on the wire
     * (SCTP retransmits), except that a failed GSO send turns GSO off
     * and is sent again without it. */
    k = 0;
    while (k < nm) {
      r = sendmmsg(fd, &mm[k], (unsigned)(nm - k), MSG_DONTWAIT | MSG_NOSIGNAL);
      if (r > 0) {
        size_t j;
        for (j = k; j < k + (size_t)r; ++j) {
          *psent += count[j];
        }
        k += (size_t)r;
        continue;
      }
      if (count[k] > 1 && (errno == EINVAL || errno == EIO ||
                           errno == EOPNOTSUPP || errno == EMSGSIZE)) {
        ep->gso = 0;
        i = first[k]; /* regroup from here without GSO */
        break;
      }
      *plost += count[k];
      k++;
    }
  }
  ep->oq_n = 0;
  ep->oq_used = 0;
}

/* Drops a use of |ep| taken in gsctp_udplink_output. */
static void ep_done(gsctp_udp_ep *ep, uint64_t sent, uint64_t lost) {
  pthread_mutex_lock(&g_mu);
  g_st.datagrams_out += sent;
  g_st.send_errors += lost;
  ep->inflight--;
  if (ep->closing) {
    ep_close_fd_locked(ep);
  }
  pthread_mutex_unlock(&g_mu);
}

/* End of a receive batch: send what it queued (receive thread). */
static void rx_flush(void) {
  size_t i;

  t_rx_batch = 0;
  for (i = 0; i < g_rx_ndirty; ++i) {
    gsctp_udp_ep *ep = g_rx_dirty[i];
    uint64_t sent = 0, lost = 0;

    pthread_mutex_lock(&ep->oq_mu);
    oq_flush_locked(ep, ep->fd, &sent, &lost);
    pthread_mutex_unlock(&ep->oq_mu);
    ep->rx_dirty = 0;
    ep_done(ep, sent, lost); /* the use the first queued datagram took */
  }
  g_rx_ndirty = 0;
  for (i = 0; i < g_rx_ndefer; ++i) {
    g_rx_defer[i].fn(g_rx_defer[i].arg);
  }
  g_rx_ndefer = 0;
}

int gsctp_udplink_output(void *addr, const void *buf, size_t len, uint8_t tos) {
  const uint8_t *p = buf;
  struct sockaddr_storage remote, local;
  socklen_t rlen;
  gsctp_udplink_tap_fn tap;
  gsctp_udp_ep *ep;
  struct uh *h;
  int fd, family, use_src;
  uint64_t sent = 0, lost = 0;

  pthread_mutex_lock(&g_mu);
  h = find_ptr_locked(addr);
  if (h == NULL) {
    pthread_mutex_unlock(&g_mu);
    return 0;
  }
  ep = h->ep;
  if (ep->fd < 0 || ep->closing) {
    g_st.send_errors++;
    pthread_mutex_unlock(&g_mu);
    return 1;
  }
  /* Learn the tags this side hands out (INIT, INIT-ACK). */
  if (len >= 12 + 20 && (p[12] == CT_INIT || p[12] == CT_INIT_ACK)) {
    uint32_t itag = get32(p + 16);
    if (p[12] == CT_INIT) {
      vt_learn_locked(h, get16(p), get16(p + 2), itag, 0);
    } else {
      vt_learn_locked(h, get16(p), get16(p + 2), itag, get32(p + 4));
    }
  }
  h->last_ms = now_ms(); /* the sweep frees only handles idle both ways */
  remote = h->remote;
  rlen = h->rlen;
  local = ep->local;
  use_src = ep->wildcard && h->have_local;
  if (use_src) {
    uint16_t port = ss_port(&ep->local);
    local = h->local;
    ss_set_port(&local, port);
  }
  fd = ep->fd;
  family = ep->family;
  ep->inflight++;
  pthread_mutex_unlock(&g_mu);

  tap = __atomic_load_n(&g_tap, __ATOMIC_ACQUIRE);
  if (tap != NULL) {
    tap(1, (const struct sockaddr *)&local, (const struct sockaddr *)&remote,
        buf, len);
  }

  pthread_mutex_lock(&ep->oq_mu);
  if (t_rx_batch && !use_src && (ep->rx_dirty || g_rx_ndirty < RX_DIRTY_MAX) &&
      oq_append_locked(ep, buf, len, &remote, rlen, tos)) {
    pthread_mutex_unlock(&ep->oq_mu);
    if (!ep->rx_dirty) {
      ep->rx_dirty = 1; /* keeps this use of ep until rx_flush */
      g_rx_dirty[g_rx_ndirty++] = ep;
      return 1;
    }
    ep_done(ep, 0, 0);
    return 1;
  }
  /* Send now, after whatever the receive thread queued before it. */
  if (ep->oq_n > 0) {
    oq_flush_locked(ep, fd, &sent, &lost);
  }
  if (send_one(fd, family, buf, len, (const struct sockaddr *)&remote, rlen,
               tos, use_src ? &local : NULL) < 0) {
    lost++;
  } else {
    sent++;
  }
  pthread_mutex_unlock(&ep->oq_mu);
  ep_done(ep, sent, lost);
  return 1;
}

/* ---- input ---- */

/* Answers an INIT nobody listens for with an ABORT (RFC 9260 8.4 (3)):
 * tag = the INIT's initiate tag, T bit clear. */
static void send_abort(int fd, const struct sockaddr_storage *to,
                       const struct pinfo *pi) {
  uint8_t pkt[16];

  put16(pkt, pi->dport);
  put16(pkt + 2, pi->sport);
  put32(pkt + 4, pi->init_tag);
  memset(pkt + 8, 0, 4);
  pkt[12] = CT_ABORT;
  pkt[13] = 0;
  put16(pkt + 14, 4);
  set_crc(pkt, sizeof(pkt));
  (void)sendto(fd, pkt, sizeof(pkt), MSG_DONTWAIT | MSG_NOSIGNAL,
               (const struct sockaddr *)to,
               to->ss_family == AF_INET ? sizeof(struct sockaddr_in)
                                        : sizeof(struct sockaddr_in6));
}

/* A datagram from a remote with no handle that is not an INIT: if a
 * handle of the same endpoint and IP knows its (confirmed) tag, the
 * peer's UDP port changed (NAT rebinding, RFC 6951 5.4): move it. */
static struct uh *try_move_locked(gsctp_udp_ep *ep,
                                  const struct sockaddr_storage *from,
                                  const struct pinfo *pi) {
  struct uh *h;

  for (h = g_rtab[remote_hash(ep, from)]; h != NULL; h = h->rnext) {
    if (h->ep == ep && h->registered && same_ip(&h->remote, from) &&
        vt_check_locked(h, pi, 1)) {
      rtab_remove_locked(h);
      ss_set_port(&h->remote, ss_port(from));
      rtab_insert_locked(h);
      g_st.port_moves++;
      return h;
    }
  }
  return NULL;
}

static void rx_one(gsctp_udp_ep *ep, int fd, uint8_t *pkt, size_t len,
                   const struct sockaddr_storage *from,
                   const struct sockaddr_storage *dst) {
  struct pinfo pi;
  struct uh *h;
  struct ep_port *port;
  gsctp_udplink_tap_fn tap;
  int v, created = 0, abort_reply = 0;

  v = check_packet(pkt, len, &pi);
  pthread_mutex_lock(&g_mu);
  g_st.datagrams_in++;
  if (v != V_OK) {
    if (v == V_CHECKSUM) {
      g_st.drop_checksum++;
    } else if (v == V_INIT) {
      g_st.drop_init++;
    } else {
      g_st.drop_malformed++;
    }
    pthread_mutex_unlock(&g_mu);
    return;
  }
  if (from->ss_family != ep->family) {
    g_st.drop_unknown++;
    pthread_mutex_unlock(&g_mu);
    return;
  }
  h = find_remote_locked(ep, from);
  if (pi.is_init) {
    port = find_port_locked(ep, pi.dport);
    if (h == NULL) {
      if (port == NULL || !port->listening) {
        g_st.no_listener++;
        abort_reply = 1;
      } else if (ep->nhandles >= MAX_HANDLES_PER_EP) {
        g_st.drop_limit++;
      } else {
        h = handle_new_locked(ep, from);
        created = h != NULL;
      }
    } else if (port == NULL) {
      g_st.drop_not_ours++;
      h = NULL;
    }
  } else if (h == NULL) {
    h = try_move_locked(ep, from, &pi);
    if (h == NULL) {
      g_st.drop_unknown++;
    }
  } else if (!vt_check_locked(h, &pi, 0)) {
    g_st.drop_vtag++;
    h = NULL;
  }
  if (h == NULL) {
    pthread_mutex_unlock(&g_mu);
    if (abort_reply) {
      send_abort(fd, from, &pi);
    }
    return;
  }
  h->last_ms = now_ms();
  if (dst != NULL) {
    h->local = *dst;
    h->have_local = 1;
  }
  if (!created) {
    wait_registered_locked(h);
  }
  pthread_mutex_unlock(&g_mu);
  if (created) {
    register_handle(h);
  }
  tap = __atomic_load_n(&g_tap, __ATOMIC_ACQUIRE);
  if (tap != NULL) {
    struct sockaddr_storage local = ep->local;
    if (dst != NULL) {
      uint16_t lport = ss_port(&ep->local);
      local = *dst;
      ss_set_port(&local, lport);
    }
    tap(0, (const struct sockaddr *)&local, (const struct sockaddr *)from, pkt,
        len);
  }
  usrsctp_conninput(h, pkt, len, 0);
}

/* Frees the handles no association uses that were idle long enough. */
static void sweep(void) {
  void (*mark_all)(void);
  struct uh *h, *dead = NULL;
  int64_t now = now_ms();
  int idle;

  pthread_mutex_lock(&g_mu);
  for (h = g_all; h != NULL; h = h->anext) {
    h->marked = 0;
  }
  mark_all = g_mark_all;
  idle = g_idle_ms;
  pthread_mutex_unlock(&g_mu);
  if (mark_all != NULL) {
    mark_all();
  }
  pthread_mutex_lock(&g_mu);
  for (h = g_all; h != NULL;) {
    struct uh *next = h->anext;

    if (!h->marked && h->registered && now - h->last_ms >= idle) {
      handle_unlink_locked(h);
      h->anext = dead;
      dead = h;
    }
    h = next;
  }
  pthread_mutex_unlock(&g_mu);
  while (dead != NULL) {
    h = dead;
    dead = h->anext;
    usrsctp_deregister_address(h);
    pthread_mutex_lock(&g_mu);
    handle_free_locked(h);
    pthread_mutex_unlock(&g_mu);
  }
}

union ctlbuf {
  char buf[CMSG_SPACE(sizeof(struct in6_pktinfo)) +
           CMSG_SPACE(sizeof(struct in_pktinfo)) + CMSG_SPACE(sizeof(int))];
  struct cmsghdr align;
};

struct rxbuf {
  struct mmsghdr msgs[BATCH];
  struct iovec iov[BATCH];
  struct sockaddr_storage from[BATCH];
  union ctlbuf ctl[BATCH];
  uint8_t data[BATCH][DGRAM_MAX];
};

/* The destination IP of a received datagram (IP_PKTINFO). */
static int dst_of(struct msghdr *mh, struct sockaddr_storage *dst) {
  struct cmsghdr *c;

  for (c = CMSG_FIRSTHDR(mh); c != NULL; c = CMSG_NXTHDR(mh, c)) {
    if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO) {
      struct in_pktinfo pi;
      struct sockaddr_in *sin = (struct sockaddr_in *)(void *)dst;
      memcpy(&pi, CMSG_DATA(c), sizeof(pi));
      memset(dst, 0, sizeof(*dst));
      sin->sin_family = AF_INET;
      sin->sin_addr = pi.ipi_addr;
      return 1;
    }
    if (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_PKTINFO) {
      struct in6_pktinfo pi;
      struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)(void *)dst;
      memcpy(&pi, CMSG_DATA(c), sizeof(pi));
      memset(dst, 0, sizeof(*dst));
      sin6->sin6_family = AF_INET6;
      sin6->sin6_addr = pi.ipi6_addr;
      return 1;
    }
  }
  return 0;
}

/* The segment size of a UDP GRO buffer, 0 if it is one datagram. */
static size_t gro_size_of(struct msghdr *mh) {
  struct cmsghdr *c;

  for (c = CMSG_FIRSTHDR(mh); c != NULL; c = CMSG_NXTHDR(mh, c)) {
    if (c->cmsg_level == SOL_UDP && c->cmsg_type == UDP_GRO) {
      int v;
      memcpy(&v, CMSG_DATA(c), sizeof(v));
      return v > 0 ? (size_t)v : 0;
    }
  }
  return 0;
}

static void rx_endpoint(gsctp_udp_ep *ep, struct rxbuf *rb) {
  int round, fd, wildcard = ep->wildcard, gro = ep->gro;
  struct sockaddr_storage dst;

  pthread_mutex_lock(&g_mu);
  if (ep->closing || ep->fd < 0) {
    pthread_mutex_unlock(&g_mu);
    return;
  }
  fd = ep->fd;
  ep->inflight++;
  pthread_mutex_unlock(&g_mu);

  /* A few batches per wakeup, then give the other endpoints a turn
   * (epoll is level-triggered: what is left wakes us again). */
  for (round = 0; round < 8; ++round) {
    int n, i;

    for (i = 0; i < BATCH; ++i) {
      rb->iov[i].iov_base = rb->data[i];
      rb->iov[i].iov_len = DGRAM_MAX;
      memset(&rb->msgs[i].msg_hdr, 0, sizeof(rb->msgs[i].msg_hdr));
      rb->msgs[i].msg_hdr.msg_iov = &rb->iov[i];
      rb->msgs[i].msg_hdr.msg_iovlen = 1;
      rb->msgs[i].msg_hdr.msg_name = &rb->from[i];
      rb->msgs[i].msg_hdr.msg_namelen = sizeof(rb->from[i]);
      if (wildcard || gro) {
        rb->msgs[i].msg_hdr.msg_control = rb->ctl[i].buf;
        rb->msgs[i].msg_hdr.msg_controllen = sizeof(rb->ctl[i].buf);
      }
    }
    n = recvmmsg(fd, rb->msgs, BATCH, MSG_DONTWAIT, NULL);
    if (n <= 0) {
      break;
    }
    t_rx_batch = 1;
    for (i = 0; i < n; ++i) {
      if (rb->msgs[i].msg_hdr.msg_flags & MSG_TRUNC) {
        pthread_mutex_lock(&g_mu);
        g_st.datagrams_in++;
        g_st.drop_malformed++;
        pthread_mutex_unlock(&g_mu);
        continue;
      }
      {
        const struct sockaddr_storage *pdst =
          wildcard && dst_of(&rb->msgs[i].msg_hdr, &dst) ? &dst : NULL;
        size_t len = rb->msgs[i].msg_len, seg = len, off;

        if (gro) {
          seg = gro_size_of(&rb->msgs[i].msg_hdr);
          if (seg == 0 || seg > len) {
            seg = len;
          }
        }
        /* Every segment of a GRO buffer is one datagram, checked alone. */
        for (off = 0; off < len; off += seg) {
          rx_one(ep, fd, rb->data[i] + off, len - off < seg ? len - off : seg,
                 &rb->from[i], pdst);
        }
      }
    }
    rx_flush();
    if (n < BATCH) {
      break;
    }
  }

  pthread_mutex_lock(&g_mu);
  ep->inflight--;
  if (ep->closing) {
    ep_close_fd_locked(ep);
  }
  pthread_mutex_unlock(&g_mu);
}

static void *rx_thread(void *arg) {
  struct rxbuf *rb = malloc(sizeof(*rb));
  int64_t next_sweep = now_ms();

  (void)arg;
  for (;;) {
    struct epoll_event evs[32];
    int n, i, stop, interval;

    n = epoll_wait(g_epfd, evs, 32, EPOLL_WAIT_MS);
    for (i = 0; i < n; ++i) {
      if (evs[i].data.ptr == NULL) {
        uint64_t v;
        if (read(g_evfd, &v, sizeof(v)) < 0) {
          /* nothing to read: another wakeup consumed it */
        }
      } else if (rb != NULL) {
        rx_endpoint(evs[i].data.ptr, rb);
      }
    }
    pthread_mutex_lock(&g_mu);
    reap_locked();
    stop = g_thread_stop;
    interval = g_sweep_interval_ms;
    pthread_mutex_unlock(&g_mu);
    if (stop) {
      break;
    }
    if (now_ms() >= next_sweep) {
      sweep();
      next_sweep = now_ms() + interval;
    }
  }
  free(rb);
  return NULL;
}

void gsctp_udplink_shutdown_all(void) {
  struct uh *h;
  gsctp_udp_ep *ep;
  int running;

  pthread_mutex_lock(&g_mu);
  running = g_thread_running;
  g_thread_stop = 1;
  if (running) {
    uint64_t one = 1;
    if (write(g_evfd, &one, sizeof(one)) < 0) {
      /* the thread stops at its next timeout */
    }
  }
  pthread_mutex_unlock(&g_mu);
  if (running) {
    pthread_join(g_thread, NULL);
  }
  pthread_mutex_lock(&g_mu);
  g_thread_running = 0;
  reap_locked();
  while ((h = g_all) != NULL) {
    handle_unlink_locked(h);
    pthread_mutex_unlock(&g_mu);
    if (h->registered) {
      usrsctp_deregister_address(h);
    }
    pthread_mutex_lock(&g_mu);
    handle_free_locked(h);
  }
  /* Endpoints still held by a socket: close the UDP socket now; the
   * last gsctp_udplink_ep_close frees them. */
  for (ep = g_eps; ep != NULL; ep = ep->next) {
    if (ep->fd >= 0) {
      (void)epoll_ctl(g_epfd, EPOLL_CTL_DEL, ep->fd, NULL);
      if (ep->inflight == 0) {
        close(ep->fd);
        ep->fd = -1;
      }
    }
  }
  if (g_evfd >= 0) {
    close(g_evfd);
    g_evfd = -1;
  }
  if (g_epfd >= 0) {
    close(g_epfd);
    g_epfd = -1;
  }
  reap_locked();
  pthread_mutex_unlock(&g_mu);
  anchor_deregister();
}
