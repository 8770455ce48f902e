/*
 * gsctp/owner.h - owners: the C counterpart of an Erlang process mailbox.
 *
 * Every socket has a controlling owner.  An active socket ({active, true},
 * {active, once} or {active, N}) posts what it receives into its owner's
 * mailbox as messages, as gen_sctp sends them to the controlling process:
 *
 *   {sctp, S, IP, Port, {Anc, Data}}         GSCTP_MSG_SCTP
 *   {sctp_error, S, IP, Port, {Anc, Event}}  GSCTP_MSG_SCTP_ERROR
 *   {sctp_error, S, Posix}                   GSCTP_MSG_SCTP_ERROR_CODE
 *   {sctp_passive, S}                        GSCTP_MSG_SCTP_PASSIVE
 *
 * An owner is thread-safe: any thread may post to or receive from it.
 * Each thread has a current owner: its default owner (created on first
 * use, destroyed when the thread exits) unless the thread set another
 * one with gsctp_owner_set_self().  gsctp_open(), gsctp_peeloff() and
 * gsctp_accept() make the calling thread's current owner the new
 * socket's controlling owner.
 *
 * The mailbox has a file descriptor (an eventfd) that is readable while
 * messages are queued, so an owner plugs into poll/epoll/libuv; the
 * caller polls it and then calls gsctp_owner_recv() with timeout 0.
 *
 * Delivery keeps flow control: a socket reads from the SCTP stack only
 * while its active budget allows ({active, once} and {active, N} read
 * exactly one resp. N items, then the socket is passive and unread data
 * stays in the stack, closing the peer's window).  {active, true} reads
 * whatever arrives, as in Erlang: the mailbox then grows as fast as the
 * peer sends.
 */
#ifndef GSCTP_OWNER_H
#define GSCTP_OWNER_H

#include <stddef.h>
#include <stdint.h>

#include "gsctp/sctp.h"

#ifdef __cplusplus
extern "C" {
#endif

/** An owner (opaque). */
typedef struct gsctp_owner gsctp_owner;

/** Message kinds. */
typedef enum gsctp_msg_kind {
  GSCTP_MSG_SCTP = 1,            /**< `{sctp, S, IP, Port, {Anc, Data}}` */
  GSCTP_MSG_SCTP_ERROR = 2,      /**< `{sctp_error, S, IP, Port, {Anc, Ev}}`:
                                      send_failed, remote_error or pdapi */
  GSCTP_MSG_SCTP_ERROR_CODE = 3, /**< `{sctp_error, S, Posix}` */
  GSCTP_MSG_SCTP_PASSIVE = 4,    /**< `{sctp_passive, S}` */
} gsctp_msg_kind;

/** Bit of a message kind in gsctp_match.kinds. */
#define GSCTP_MSG_BIT(kind) (1u << (unsigned)(kind))

/**
 * One message.  For GSCTP_MSG_SCTP and GSCTP_MSG_SCTP_ERROR, |item| holds
 * the peer address, the ancillary data, the data or the event record and
 * the list-mode flag (item.list), exactly as gsctp_recv() fills it.  The
 * message owns what |item| points to: release it with gsctp_msg_free().
 */
typedef struct gsctp_msg {
  int kind;        /**< gsctp_msg_kind */
  gsctp_sock sock; /**< the socket it is about */
  int error;       /**< GSCTP_MSG_SCTP_ERROR_CODE: the error code */
  gsctp_item item; /**< GSCTP_MSG_SCTP / GSCTP_MSG_SCTP_ERROR */
} gsctp_msg;

/** `gsctp_msg_free` frees what |msg| owns and zeroes it.  NULL and an
 *  already freed message are fine. */
GSCTP_EXTERN void gsctp_msg_free(gsctp_msg *msg);

/**
 * Predicate for selective receive.  Called with the owner's lock held, in
 * mailbox order, for messages that passed the sock and kinds filters; it
 * must only inspect |msg| (no gsctp calls on the same owner).  Returns
 * nonzero to take the message.
 */
typedef int (*gsctp_msg_pred)(const gsctp_msg *msg, void *arg);

/** A selective-receive pattern.  Zero fields match anything. */
typedef struct gsctp_match {
  gsctp_sock sock;     /**< only messages about this socket (0: any) */
  unsigned kinds;      /**< GSCTP_MSG_BIT() set (0: any kind) */
  gsctp_msg_pred pred; /**< extra test (NULL: none) */
  void *arg;           /**< passed to |pred| */
} gsctp_match;

/**
 * `gsctp_owner_new` creates an owner with an empty mailbox and stores it
 * in |*powner|; the caller releases it with gsctp_owner_free().
 * Returns 0, GSCTP_EBADARG (NULL |powner|), GSCTP_ENOMEM, or GSCTP_EMFILE
 * (no eventfd).
 */
GSCTP_EXTERN int gsctp_owner_new(gsctp_owner **powner);

/**
 * `gsctp_owner_free` ends |owner| (as an Erlang process exiting): its
 * queued messages are freed, threads waiting in gsctp_owner_recv() on it
 * return GSCTP_ECLOSED, and the sockets it controls become ownerless and
 * passive (they stay open: close them yourself; any thread may then take
 * them over with gsctp_controlling_process()).  NULL is fine, and so is
 * a thread's default owner, which this ignores: it ends with its thread.
 */
GSCTP_EXTERN void gsctp_owner_free(gsctp_owner *owner);

/**
 * `gsctp_owner_self` returns the calling thread's current owner (its
 * default owner, created on first use, unless gsctp_owner_set_self()
 * chose another), or NULL if out of memory.  Borrowed: valid while the
 * thread runs (or until the owner set with gsctp_owner_set_self() is
 * freed).
 */
GSCTP_EXTERN gsctp_owner *gsctp_owner_self(void);

/**
 * `gsctp_owner_set_self` makes |owner| the calling thread's current
 * owner (NULL: back to the default owner).  The thread keeps a reference
 * until it sets another one or exits, so |owner| stays valid memory even
 * after gsctp_owner_free(); it is still ended by that call.
 * Returns 0.
 */
GSCTP_EXTERN int gsctp_owner_set_self(gsctp_owner *owner);

/**
 * `gsctp_owner_fd` returns |owner|'s file descriptor (NULL: the thread's
 * current owner): readable while at least one message is queued.  Only
 * poll it; never read, write or close it.  Returns the fd or
 * GSCTP_EBADARG.
 */
GSCTP_EXTERN int gsctp_owner_fd(gsctp_owner *owner);

/** `gsctp_owner_pending` returns the number of queued messages of
 *  |owner| (NULL: the thread's current owner). */
GSCTP_EXTERN size_t gsctp_owner_pending(gsctp_owner *owner);

/**
 * `gsctp_owner_recv` waits up to |timeout_ms| (GSCTP_INFINITY, 0 to poll)
 * for the first message of |owner| (NULL: the thread's current owner),
 * removes it and stores it in |*pmsg|; the caller frees it with
 * gsctp_msg_free().
 *
 * Returns 0, GSCTP_ETIMEOUT, GSCTP_EINVAL (|timeout_ms| below -1),
 * GSCTP_EBADARG (NULL |pmsg|), or GSCTP_ECLOSED (the owner was ended).
 */
GSCTP_EXTERN int gsctp_owner_recv(gsctp_owner *owner, int timeout_ms,
                                  gsctp_msg *pmsg);

/**
 * `gsctp_owner_recv_match` is Erlang's selective receive: it waits up to
 * |timeout_ms| for the first message that matches |match| (NULL: any),
 * removes only that one and stores it in |*pmsg|.  Messages that do not
 * match stay queued, in order.  Errors as gsctp_owner_recv().
 */
GSCTP_EXTERN int gsctp_owner_recv_match(gsctp_owner *owner,
                                        const gsctp_match *match,
                                        int timeout_ms, gsctp_msg *pmsg);

/**
 * `gsctp_controlling_process` makes |owner| the controlling owner of
 * |sock| (`gen_sctp:controlling_process/2`).  Only the socket's current
 * owner may do so: the calling thread's current owner must be it (an
 * ownerless socket may be taken by anyone).  As in OTP, the `sctp`
 * messages about |sock| still queued at the old owner move to |owner|
 * (appended, in order; `sctp_error` and `sctp_passive` messages stay),
 * and the active mode and {active, N} count are kept.
 *
 * Returns 0 (also when |owner| already owns it), GSCTP_ENOT_OWNER,
 * GSCTP_ECLOSED, GSCTP_EBADARG (NULL |owner|, handle 0), or
 * GSCTP_EINVAL (|owner| was ended).
 */
GSCTP_EXTERN int gsctp_controlling_process(gsctp_sock sock, gsctp_owner *owner);

#ifdef __cplusplus
}
#endif

#endif /* GSCTP_OWNER_H */
