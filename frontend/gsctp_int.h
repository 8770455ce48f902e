/*
 * gsctp_int.h - internals shared by the front end's files.  Not installed.
 */
#ifndef GSCTP_INT_H
#define GSCTP_INT_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <time.h>
#include <sys/socket.h>
#include <usrsctp.h>

#include "gsctp/owner.h"
#include "gsctp/sctp.h"

/* ---- addr.c ---- */
int gsctp_addr_from_sockaddr(const struct sockaddr *sa, uint16_t *pport,
                             gsctp_ip *pip);
size_t gsctp_sockaddr_len(const struct sockaddr *sa);
int gsctp_addr_to_sockaddr(const gsctp_ip *ip, uint16_t port,
                           struct sockaddr_storage *ss, socklen_t *plen);

/* ---- notify.c ---- */

/*
 * gsctp_notify_parse decodes the usrsctp notification in |buf| (|len|
 * bytes, borrowed) into |ev|.  Payloads (send_failed data, remote_error
 * causes) are copied into malloc'd memory that |ev| owns.
 * Returns 1 if |ev| was filled, 0 for a notification gen_sctp has no
 * record for (ignore it), GSCTP_EINVAL if it is truncated, or
 * GSCTP_ENOMEM.  Never reads outside |buf|.
 */
int gsctp_notify_parse(const uint8_t *buf, size_t len, gsctp_event *ev);

/* gsctp_event_free frees what |ev| owns. */
void gsctp_event_free(gsctp_event *ev);

/* The assoc_id an event record carries. */
uint32_t gsctp_event_assoc_id(const gsctp_event *ev);

/* ---- sock.c ---- */

/* A received item kept aside (read by connect, not its answer). */
struct gsctp_pending {
  struct gsctp_pending *next;
  int rc; /* 0 or GSCTP_ESCTP_ERROR */
  gsctp_item item;
};

/* Known peer address of an association (for events without one). */
struct gsctp_assoc_addr {
  struct gsctp_assoc_addr *next;
  uint32_t assoc_id;
  gsctp_addr peer;
};

typedef struct gsctp_sockimpl {
  gsctp_sock handle;
  /* References: taken with the table lock held (the table's own
   * reference keeps it above 0 while the socket is in the table), dropped
   * without it. */
  atomic_int refs;

  pthread_mutex_t mu; /* everything below; never held inside usrsctp */
  pthread_cond_t cv;  /* gen changed, closed, recv_busy released */
  uint64_t gen;       /* bumped by the upcall */
  int closed;
  int users; /* threads using |so| inside usrsctp */
  struct socket *so;
  int recv_busy;

  /* Immutable after open. */
  int family;    /* GSCTP_FAMILY_* */
  int af;        /* AF_INET, AF_INET6, AF_CONN */
  int type;      /* gsctp_type */
  int transport; /* gsctp_transport */
  /* The SCTP port this native (udp or raw transport) socket holds in the
   * raw-socket filter (stack/rawfilter.c), 0 = none.  Set once, by open
   * or peeloff/accept, before the socket is shared. */
  uint16_t raw_port;

  /* Options (mu). */
  int mode;
  size_t bufsz;
  int remote_udp_port;
  gsctp_event_subscribe events;

  /* Reassembly of the message being read (recv_busy owner only). */
  uint8_t *pbuf;
  size_t plen, pcap;
  int pnotif;
  int pinfo_valid;
  struct sctp_rcvinfo pinfo;
  struct sockaddr_storage pfrom;
  socklen_t pfromlen;
  /* udp_conn: the real IP of the last sender handle seen (pconn_ip),
   * valid while gsctp_udplink_handles_freed() == pconn_gen (recv_busy
   * owner only; pconn NULL: none). */
  const void *pconn;
  uint64_t pconn_gen;
  gsctp_ip pconn_ip;

  struct gsctp_pending *pend_head, *pend_tail; /* mu */
  /* Known peer addresses by association id: a chained hash table of
   * assoc_cap buckets (a power of two; 0 = not allocated yet) (mu). */
  struct gsctp_assoc_addr **assocs;
  size_t assoc_cap, assoc_n;
  /* Ids of ended associations whose address is still remembered, oldest
   * first (a ring): late items of an ended association
   * (send_failed after comm_lost) still get its address, and the table
   * does not grow with every association a server ever had (mu). */
  uint32_t ended[64];
  size_t ended_head, ended_n;

  struct gsctp_udpconn *tp; /* udp_conn state (transport.c), else NULL */
  /* Front-end-only options kept by opts.c (mu). */
  int debug;     /* `debug`: trace option calls to stderr */
  int reuseaddr; /* `reuseaddr` as set (see docs/api.md) */
  /* `ipv6_v6only` of an inet6 socket: set at open only (before the
   * bind, as Linux), then fixed.  usrsctp 0.9.5 has no IPV6_V6ONLY, so
   * sock.c emulates it (docs/api.md, "IPv6"); a udp_conn inet6 socket
   * is always v6only: its UDP socket is (stack/udplink.c). */
  int v6only;
  /* Owners and active delivery (mu).  recv_busy is 1 while a user thread
   * reads (recv, passive connect) and 2 while the delivery thread does. */
  struct gsctp_owner *owner; /* controlling owner (a reference), or NULL */
  int active_kind;           /* GSCTP_ACTIVE_KIND_* */
  int active_n;              /* count in {active, N} mode */
  int cp_busy;               /* controlling_process is moving messages */
  int last_err;              /* last {sctp_error, S, Posix} posted */
  int assoc_force;           /* connects waiting with assoc events forced */
  uint32_t assoc_wait_id;    /* the association such a connect waits for */
  int non_block_send;        /* {non_block_send, true} */
  gsctp_stat stat;           /* inet:getstat counters */
  /* Cache of one association's default send parameters, so that
   * gsctp_send does not read them from usrsctp (two getsockopt calls that
   * contend with usrsctp's input thread) for every message.  Valid while
   * dsend_gen == opt_gen; every options change bumps opt_gen (mu). */
  uint64_t opt_gen;
  uint64_t dsend_gen;
  int dsend_valid;
  uint32_t dsend_assoc;
  gsctp_sndrcvinfo dsend;
  /* Threads inside usrsctp_sendv, one record each on its own stack
   * (mu).  A send can block there for ever (a peer that stops
   * acknowledging); close wakes the sends still inside after a grace
   * period (sock.c, wake_blocked_sends). */
  struct gsctp_sending *sending;
  /* Made by gsctp_peeloff (mu): Linux's close does not linger on one
   * (a peeled-off socket is not TCP-style there). */
  int peeled;
} gsctp_sockimpl;

/* One send inside usrsctp_sendv (sock.c). */
struct gsctp_sending {
  struct gsctp_sending *next;
  uint32_t assoc_id; /* the association it sends on */
  size_t datalen;    /* the size of its message */
};

enum {
  GSCTP_ACTIVE_KIND_FALSE = 0,
  GSCTP_ACTIVE_KIND_TRUE = 1,
  GSCTP_ACTIVE_KIND_ONCE = 2,
  GSCTP_ACTIVE_KIND_N = 3
};

/* Look up |h| and take a reference; NULL if closed or invalid. */
gsctp_sockimpl *gsctp_sock_get(gsctp_sock h);
/* The error for a handle gsctp_sock_get did not find: GSCTP_EBADARG for
 * 0 (with detail), GSCTP_ECLOSED otherwise. */
int gsctp_sock_gone(gsctp_sock h);
/* Drop a reference taken by gsctp_sock_get. */
void gsctp_sock_put(gsctp_sockimpl *s);
/* Calls |fn| on every open socket (holding a reference). */
void gsctp_sock_foreach(void (*fn)(gsctp_sockimpl *s, void *arg), void *arg);
/* Enter/leave a usrsctp call on s->so: GSCTP_ECLOSED if closed. */
int gsctp_so_enter(gsctp_sockimpl *s, struct socket **pso);
void gsctp_so_leave(gsctp_sockimpl *s);

/* Deadlines on CLOCK_MONOTONIC. */
void gsctp_deadline_after(struct timespec *ts, int timeout_ms);

/* {active, ...}: set (GSCTP_EINVAL for a bad value or count) and read. */
int gsctp_sock_set_active(gsctp_sockimpl *s, int64_t v);
int64_t gsctp_sock_get_active(gsctp_sockimpl *s);
/* {non_block_send, Bool}. */
int gsctp_sock_set_non_block_send(gsctp_sockimpl *s, int on);

/* Delivery: read what the active budget of socket |h| allows and post it
 * to its owner (called on the delivery thread only). */
void gsctp_sock_deliver(gsctp_sock h);
/* Queue every active socket for delivery (lost-wakeup guard). */
void gsctp_sock_sweep_active(void);
/* Options of |s| were changed (after gsctp_opts_apply, whatever its
 * result): drop values cached from usrsctp. */
void gsctp_sock_opts_changed(gsctp_sockimpl *s);

/* Set the thread's error detail (printf-style); returns |rv|. */
int gsctp_detail(int rv, const char *fmt, ...)
  __attribute__((format(printf, 2, 3)));

/* ---- owner.c ---- */
struct gsctp_owner;
void gsctp_owner_ref(struct gsctp_owner *o);
void gsctp_owner_unref(struct gsctp_owner *o);
int gsctp_owner_is_dead(struct gsctp_owner *o);
/* The calling thread's current owner with a reference (NULL: no memory). */
struct gsctp_owner *gsctp_owner_self_ref(void);
/* Append |msg| (its contents move into the mailbox, |msg| is zeroed).
 * Returns 0, GSCTP_ECLOSED (owner ended) or GSCTP_ENOMEM; on error the
 * message is freed. */
int gsctp_owner_post(struct gsctp_owner *o, gsctp_msg *msg);
int gsctp_owner_post_simple(struct gsctp_owner *o, int kind, gsctp_sock sock,
                            int error);
/* Move the GSCTP_MSG_SCTP messages about |sock| from |from| to |to|. */
void gsctp_owner_move_sctp(struct gsctp_owner *from, struct gsctp_owner *to,
                           gsctp_sock sock);

/* ---- deliver.c ---- */
/* Queue socket |h| for the delivery thread (starting it if needed).
 * Takes only the delivery queue's lock: safe inside the upcall. */
void gsctp_deliver_kick(gsctp_sock h);

/* ---- opts.c ---- */

/* Modes of gsctp_opts_apply. */
enum { GSCTP_APPLY_OPEN = 0, GSCTP_APPLY_SETOPTS = 1, GSCTP_APPLY_CONNECT = 2 };

/*
 * gsctp_opts_apply applies the options to |s| in order.  At open,
 * open-only options are skipped (sock.c handles them) and errors are
 * GSCTP_EBADARG as in OTP; with setopts they are GSCTP_EINVAL; with
 * connect, unset record fields take the current values.
 */
int gsctp_opts_apply(gsctp_sockimpl *s, const gsctp_opt *opts, size_t nopts,
                     int mode);

/* Sets the default subscriptions and socket options at open. */
int gsctp_opts_init_socket(gsctp_sockimpl *s);

/* Reads the association's (or endpoint's) default send parameters. */
int gsctp_opts_default_send(gsctp_sockimpl *s, uint32_t assoc_id,
                            gsctp_sndrcvinfo *sri);

/*
 * gsctp_opts_inherit copies the options a peeled-off socket inherits
 * (gen_sctp-semantics.md 1.9) from |from| to |to|: mode, buffer, debug,
 * reuseaddr, sctp_events, and through usrsctp sctp_nodelay, linger,
 * sndbuf and recbuf (priority needs no copy: usrsctp has none, it is
 * always 0).  `active` and non_block_send are not handled here.
 * Returns 0 or the first error (GSCTP_ECLOSED if either is closed).
 */
int gsctp_opts_inherit(gsctp_sockimpl *from, gsctp_sockimpl *to);

/*
 * gsctp_opts_open_check checks the open-only options that need the
 * system (netns, bind_to_device) before the socket is created.  Returns
 * 0, GSCTP_EBADARG (NULL/empty/over-long string), GSCTP_ENOENT (no such
 * namespace file), GSCTP_EOPNOTSUPP (a namespace other than the stack's)
 * or GSCTP_ENOPROTOOPT (bind_to_device), with detail.
 */
int gsctp_opts_open_check(const gsctp_opt *o);

/*
 * gsctp_opts_netns_start starts the process's stack (on |udp_port|, -1 =
 * the default) inside the network namespace file |path| if it is not
 * running yet, so that usrsctp's UDP socket and threads live there; if it
 * runs, checks it runs in that namespace.  Returns 0, GSCTP_EOPNOTSUPP
 * (the stack runs elsewhere), GSCTP_EPERM (no right to enter it),
 * GSCTP_ENOENT, or an error of gsctp_stack_start().
 */
int gsctp_opts_netns_start(const char *path, int udp_port);

/* gsctp_opts_debugf writes a trace line for |s| to stderr if its `debug`
 * option is on. */
void gsctp_opts_debugf(gsctp_sockimpl *s, const char *fmt, ...)
  __attribute__((format(printf, 2, 3)));

/*
 * gsctp_sri_check validates a send-side sndrcvinfo and fills in type
 * defaults into |out|.  Returns 0 or GSCTP_ETYPE (with detail).
 */
int gsctp_sri_check(const gsctp_sndrcvinfo *in, gsctp_sndrcvinfo *out,
                    int on_send);

#endif /* GSCTP_INT_H */
