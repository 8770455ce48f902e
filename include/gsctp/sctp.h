/*
 * gsctp/sctp.h - gen_sctp in C: sockets, associations, streams, events.
 *
 * A gsctp_sock is a handle, like a file descriptor: a small number that
 * stays safe to use after close (every call then returns GSCTP_ECLOSED,
 * and closing again returns 0, as gen_sctp does).  Any thread may call
 * any function on any socket.
 *
 * Mapping of gen_sctp's results:
 *   ok / {ok, X}                 -> 0 (X in an out-parameter)
 *   {error, Posix}               -> GSCTP_E<POSIX> (negative)
 *   {error, closed|timeout|...}  -> GSCTP_ECLOSED, GSCTP_ETIMEOUT, ...
 *   error:badarg, function_clause-> GSCTP_EBADARG (never a crash)
 *   {error, #sctp_assoc_change{}}-> GSCTP_EASSOC with the record filled in
 *   {error, {Addr, Anc, #sctp_send_failed{}|...}}
 *                                -> GSCTP_ESCTP_ERROR with the item filled in
 *   {error, {type, ...}}         -> GSCTP_ETYPE (gsctp_error_detail() says
 *                                   which record field)
 *
 * Delivery is passive by default: items are read with gsctp_recv().
 * Data that is not read stays inside the SCTP stack, so the peer's
 * receive window closes (flow control) instead of gsctp buffering it.
 * Active sockets ({active, true|once|N}) post their items as messages to
 * their owner's mailbox instead (gsctp/owner.h), reading from the stack
 * only as far as the active budget allows.
 */
#ifndef GSCTP_SCTP_H
#define GSCTP_SCTP_H

#include <stddef.h>
#include <stdint.h>

#include "gsctp/addr.h"
#include "gsctp/err.h"
#include "gsctp/records.h"
#include "gsctp/version.h"

#ifdef __cplusplus
extern "C" {
#endif

/** A socket handle.  0 is never a valid socket. */
typedef uint32_t gsctp_sock;

/** Timeout value meaning `infinity`. */
#define GSCTP_INFINITY (-1)

/** gsctp_listen() backlogs: `true` is 5 as in OTP, `false` is 0. */
#define GSCTP_LISTEN_TRUE 5
#define GSCTP_LISTEN_FALSE 0

/** Socket types (`{type, seqpacket|stream}`). */
typedef enum gsctp_type {
  GSCTP_TYPE_SEQPACKET = 1, /**< one-to-many (default) */
  GSCTP_TYPE_STREAM = 2,    /**< one-to-one */
} gsctp_type;

/** Delivery modes (`binary | list`). */
typedef enum gsctp_mode {
  GSCTP_MODE_BINARY = 0, /**< default */
  GSCTP_MODE_LIST = 1,   /**< items carry the `list` flag */
} gsctp_mode;

/** Option names.  The comment gives the member of gsctp_opt.v used. */
typedef enum gsctp_optname {
  /* Open-only options. */
  GSCTP_OPT_PORT = 1, /**< i: local SCTP port 0..65535 (`{port, P}`) */
  GSCTP_OPT_IP,       /**< ip: a local address (`{ip, IP}`); repeat
                           it to bind several (multi-homing) */
  GSCTP_OPT_FAMILY,   /**< i: GSCTP_FAMILY_INET (default), _INET6, _CONN */
  GSCTP_OPT_TYPE,     /**< i: gsctp_type */
  GSCTP_OPT_UDP_PORT, /**< i: the process's local UDP encapsulation port;
                           must equal the running stack's, or starts the
                           stack on it (gsctp extension); with
                           GSCTP_TRANSPORT_UDP_CONN the socket's own UDP
                           port (0 = ephemeral, default 9899) */
  /* Options for open, setopts, getopts and connect. */
  GSCTP_OPT_MODE,           /**< i: gsctp_mode */
  GSCTP_OPT_ACTIVE,         /**< i: GSCTP_ACTIVE_FALSE/_TRUE/_ONCE or
                                 GSCTP_ACTIVE_N(n) (gsctp/sctp.h below) */
  GSCTP_OPT_BUFFER,         /**< i: reassembly buffer growth step, bytes >= 1 */
  GSCTP_OPT_SNDBUF,         /**< i: send buffer, bytes */
  GSCTP_OPT_RECBUF,         /**< i: receive buffer, bytes */
  GSCTP_OPT_SCTP_NODELAY,   /**< i: 0/1, Nagle off when 1 */
  GSCTP_OPT_SCTP_AUTOCLOSE, /**< i: seconds of idleness, 0 = never */
  GSCTP_OPT_SCTP_MAXSEG,    /**< i: largest DATA chunk payload, 0 = path MTU */
  GSCTP_OPT_SCTP_INITMSG,   /**< initmsg */
  GSCTP_OPT_SCTP_EVENTS,    /**< events */
  GSCTP_OPT_SCTP_DEFAULT_SEND_PARAM, /**< sndrcvinfo (assoc_id picks the
                                          association; 0 = endpoint) */
  GSCTP_OPT_UDP_REMOTE_PORT, /**< i: remote UDP encapsulation port used for
                                  new associations, default 9899 (gsctp
                                  extension) */
  GSCTP_OPT_NON_BLOCK_SEND,  /**< i: 0/1; 1: a send that would block returns
                                  GSCTP_EAGAIN (getopts gives the bare
                                  boolean in OTP; here v.i) */
  /* Read-only. */
  GSCTP_OPT_SCTP_STATUS, /**< status (set status.assoc_id before getopts) */
  GSCTP_OPT_TRANSPORT,   /**< i: gsctp_transport, open-only (gsctp
                              extension; getopts reads it) */
  /* Elementary options (issue 7); see docs/api.md for what each does on
   * usrsctp and the error where usrsctp lacks it. */
  GSCTP_OPT_DEBUG,                  /**< i: 0/1, trace option calls to stderr */
  GSCTP_OPT_DONTROUTE,              /**< i: 0/1 (1: GSCTP_ENOPROTOOPT) */
  GSCTP_OPT_LINGER,                 /**< linger: {onoff, seconds} */
  GSCTP_OPT_PRIORITY,               /**< i: 0 only (else GSCTP_ENOPROTOOPT) */
  GSCTP_OPT_TOS,                    /**< i: 0..255; conn sockets only */
  GSCTP_OPT_TCLASS,                 /**< i: 0 only (else GSCTP_ENOPROTOOPT) */
  GSCTP_OPT_TTL,                    /**< i: GSCTP_ENOPROTOOPT */
  GSCTP_OPT_RECVTOS,                /**< i: 0/1 (1: GSCTP_ENOPROTOOPT) */
  GSCTP_OPT_RECVTCLASS,             /**< i: 0/1 (1: GSCTP_ENOPROTOOPT) */
  GSCTP_OPT_RECVTTL,                /**< i: 0/1 (1: GSCTP_ENOPROTOOPT) */
  GSCTP_OPT_REUSEADDR,              /**< i: 0/1 (see docs/api.md) */
  GSCTP_OPT_REUSEPORT,              /**< i: 0 only (1: GSCTP_ENOPROTOOPT) */
  GSCTP_OPT_REUSEPORT_LB,           /**< i: 0 only (1: GSCTP_ENOPROTOOPT) */
  GSCTP_OPT_EXCLUSIVEADDRUSE,       /**< i: 0/1 (1: GSCTP_ENOPROTOOPT) */
  GSCTP_OPT_HIGH_MSGQ_WATERMARK,    /**< i: GSCTP_EINVAL, as OTP's driver */
  GSCTP_OPT_LOW_MSGQ_WATERMARK,     /**< i: GSCTP_EINVAL, as OTP's driver */
  GSCTP_OPT_IPV6_V6ONLY,            /**< i: 0/1, inet6 sockets, set at open
                                         (emulated: docs/api.md, IPv6) */
  GSCTP_OPT_SCTP_DISABLE_FRAGMENTS, /**< i: 0/1 */
  GSCTP_OPT_SCTP_I_WANT_MAPPED_V4_ADDR, /**< i: 0/1, inet6 sockets */
  GSCTP_OPT_IFADDR,         /**< addr: open only, `{ifaddr, SockAddr}`: binds
                                 addr.ip like GSCTP_OPT_IP and sets the port to
                                 addr.port (a later GSCTP_OPT_PORT overrides) */
  GSCTP_OPT_NETNS,          /**< str: open only, a network namespace file
                                 (/var/run/netns/NAME, /proc/PID/ns/net):
                                 the stack starts in it, or must run in it */
  GSCTP_OPT_BIND_TO_DEVICE, /**< str: interface name (GSCTP_ENOPROTOOPT) */
  /* Records (issue 7). */
  GSCTP_OPT_SCTP_RTOINFO,               /**< rtoinfo */
  GSCTP_OPT_SCTP_ASSOCINFO,             /**< assocparams */
  GSCTP_OPT_SCTP_PRIMARY_ADDR,          /**< prim */
  GSCTP_OPT_SCTP_SET_PEER_PRIMARY_ADDR, /**< setpeerprim (set only) */
  GSCTP_OPT_SCTP_ADAPTATION_LAYER,      /**< setadaptation */
  GSCTP_OPT_SCTP_PEER_ADDR_PARAMS,      /**< paddrparams */
  GSCTP_OPT_SCTP_DELAYED_ACK_TIME,      /**< assoc_value */
  GSCTP_OPT_SCTP_GET_PEER_ADDR_INFO,    /**< paddrinfo (read only; set
                                             assoc_id and address) */
  GSCTP_OPT__COUNT
} gsctp_optname;

/**
 * Transports (`GSCTP_OPT_TRANSPORT` at open; docs/architecture.md).
 *
 * GSCTP_TRANSPORT_UDP (default): SCTP over UDP (RFC 6951) through
 * usrsctp's own UDP socket, one local UDP port per process
 * (GSCTP_OPT_UDP_PORT / GSCTP_UDP_PORT).  INIT carries the real IP
 * addresses: multi-homing works here.
 *
 * GSCTP_TRANSPORT_UDP_CONN: SCTP over UDP (RFC 6951) on a UDP socket gsctp
 * owns, bound to the socket's `{ip, A}` (one address, or `any`) and
 * GSCTP_OPT_UDP_PORT (default 9899; 0 = an ephemeral port; sockets asking
 * for the same address and non-zero port share one UDP socket).  gsctp
 * checks every datagram before the SCTP stack sees it (CRC32c, lengths,
 * INIT parameters, verification tags) and drops what is wrong
 * (gsctp_stack_get_stats).  The INIT carries no IP address, so an
 * association has one peer address (no multi-homing); addresses in the
 * API are the real IPs all the same.  The remote UDP port of a connect is
 * GSCTP_OPT_UDP_REMOTE_PORT.  Interoperates with peers that reject
 * usrsctp's Supported Address Types parameter (pion/sctp).
 *
 * GSCTP_TRANSPORT_RAW: SCTP directly over IP (protocol 132, RFC 9260),
 * through the raw IPv4/IPv6 sockets usrsctp opens when the stack starts
 * with root rights or CAP_NET_RAW; new associations are sent with no UDP
 * encapsulation (remote encapsulation port 0, so GSCTP_OPT_UDP_REMOTE_PORT
 * reads 0 and setting it is GSCTP_EINVAL).  Same native stack as
 * GSCTP_TRANSPORT_UDP: INIT carries the real addresses and multi-homing
 * works (several GSCTP_OPT_IP).  Opening fails with GSCTP_EPERM
 * (gsctp_error_detail() says why) when the process's stack has no raw
 * sockets: it started without privilege, or without threads.  Each
 * stack keeps to the raw packets for SCTP ports its own sockets are
 * bound to (a kernel socket filter; docs/architecture.md), so several
 * gsctp processes on one host do not answer each other's packets.
 * Packets that arrive over UDP are still accepted by every native
 * socket, whatever its transport.
 */
typedef enum gsctp_transport {
  GSCTP_TRANSPORT_UDP = 0,      /**< usrsctp's UDP encapsulation (default) */
  GSCTP_TRANSPORT_UDP_CONN = 1, /**< gsctp-owned UDP socket over AF_CONN */
  GSCTP_TRANSPORT_RAW = 2,      /**< SCTP over IP (protocol 132); root or
                                     CAP_NET_RAW at stack start */
} gsctp_transport;

/** One option: gen_sctp's `{Name, Value}`. */
typedef struct gsctp_opt {
  int name; /**< gsctp_optname */
  union {
    int64_t i;                         /**< integers, booleans and enums */
    gsctp_ip ip;                       /**< GSCTP_OPT_IP */
    gsctp_initmsg initmsg;             /**< GSCTP_OPT_SCTP_INITMSG */
    gsctp_event_subscribe events;      /**< GSCTP_OPT_SCTP_EVENTS */
    gsctp_sndrcvinfo sndrcvinfo;       /**< GSCTP_OPT_SCTP_DEFAULT_SEND_PARAM */
    gsctp_status status;               /**< GSCTP_OPT_SCTP_STATUS */
    gsctp_linger linger;               /**< GSCTP_OPT_LINGER */
    gsctp_addr addr;                   /**< GSCTP_OPT_IFADDR */
    const char *str;                   /**< GSCTP_OPT_NETNS, _BIND_TO_DEVICE
                                            (borrowed for the call) */
    gsctp_rtoinfo rtoinfo;             /**< GSCTP_OPT_SCTP_RTOINFO */
    gsctp_assocparams assocparams;     /**< GSCTP_OPT_SCTP_ASSOCINFO */
    gsctp_prim prim;                   /**< GSCTP_OPT_SCTP_PRIMARY_ADDR */
    gsctp_setpeerprim setpeerprim;     /**< _SCTP_SET_PEER_PRIMARY_ADDR */
    gsctp_setadaptation setadaptation; /**< _SCTP_ADAPTATION_LAYER */
    gsctp_paddrparams paddrparams;     /**< GSCTP_OPT_SCTP_PEER_ADDR_PARAMS */
    gsctp_assoc_value assoc_value;     /**< GSCTP_OPT_SCTP_DELAYED_ACK_TIME */
    gsctp_paddrinfo paddrinfo;         /**< _SCTP_GET_PEER_ADDR_INFO */
  } v;
} gsctp_opt;

/** `gsctp_opt_name` returns the Erlang option name ("sctp_initmsg"), or
 *  "unknown". */
GSCTP_EXTERN const char *gsctp_opt_name(int name);

/**
 * One received item: gen_sctp's `{FromIP, FromPort, AncData, Data}`.
 * Filled by gsctp_recv(); release with gsctp_item_free().
 */
typedef struct gsctp_item {
  gsctp_addr from;      /**< the peer's address (for events too) */
  int has_anc;          /**< 1: |anc| holds the `#sctp_sndrcvinfo{}` of
                             AncData; 0: AncData is `[]` */
  gsctp_sndrcvinfo anc; /**< ancillary data (valid when |has_anc|) */
  int is_event;         /**< 0: data in |data|; 1: record in |event| */
  int list;             /**< 1 in list mode (data is a list of bytes) */
  uint8_t *data;        /**< the whole message (owned by the item) */
  size_t datalen;       /**< its length in bytes */
  gsctp_event event;    /**< the event record when |is_event| */
} gsctp_item;

/** `gsctp_item_free` frees what |item| owns and zeroes it.  NULL and an
 *  already freed item are fine. */
GSCTP_EXTERN void gsctp_item_free(gsctp_item *item);

/**
 * `gsctp_open` opens a socket (`gen_sctp:open/0,1,2`) with the |nopts|
 * options in |opts| (both borrowed; |opts| may be NULL when |nopts| is 0)
 * and stores its handle in |*psock|.  Starts the process's stack if it
 * is not running.  The socket is bound: to every GSCTP_OPT_IP given (the
 * first with bind, the rest with bindx), or to `any`, on GSCTP_OPT_PORT
 * (default 0: a free port).  Defaults: seqpacket, inet, binary, passive,
 * every event but adaptation and authentication subscribed.  The calling
 * thread's current owner (gsctp/owner.h) becomes the socket's
 * controlling owner; `{active, 0}` posts `sctp_passive` to it at once.
 *
 * This function returns 0 if it succeeds, or one of the following
 * negative error codes:
 *
 * GSCTP_EBADARG: |psock| NULL, an unknown option, a value outside the
 *   option's range (port outside 0..65535, bad type/family/mode), an
 *   option that cannot be set at open (OTP raises badarg for these).
 * GSCTP_ETYPE: a record field out of its type's range.
 * GSCTP_ENOPROTOOPT: an option usrsctp 0.9.5 cannot honour (tos on a
 *   UDP socket, priority, dontroute, ttl, bind_to_device, ...; see
 *   docs/api.md), set to anything but its neutral value.
 * GSCTP_ENOENT, GSCTP_EOPNOTSUPP, GSCTP_EPERM: GSCTP_OPT_NETNS names no
 *   file, or a namespace other than the one the process's stack already
 *   runs in, or one the process may not enter (the first open with netns
 *   starts the stack inside the namespace).
 * GSCTP_EPERM: GSCTP_TRANSPORT_RAW without raw sockets (no root or
 *   CAP_NET_RAW when the stack started).
 * GSCTP_EADDRINUSE, GSCTP_EADDRNOTAVAIL, GSCTP_EACCES: from bind;
 *   GSCTP_EADDRNOTAVAIL also for an IPv4-mapped address with
 *   ipv6_v6only.
 * GSCTP_EAFNOSUPPORT: an address of another family than the socket's (an
 *   IPv4 address on an inet6 socket is allowed: mixed v4/v6 binding).
 * GSCTP_EINVAL: an IPv4 address with ipv6_v6only (a udp_conn inet6
 *   socket always is), or a link-local IPv6 address (gsctp_ip has no
 *   scope id).
 *
 * Without GSCTP_OPT_FAMILY, the family follows the last GSCTP_OPT_IP
 * (an IPv6 address selects inet6, as inet:sctp_module/1 does).
 * GSCTP_ENOMEM, or an error of gsctp_stack_start().
 */
GSCTP_EXTERN int gsctp_open(gsctp_sock *psock, const gsctp_opt *opts,
                            size_t nopts);

/**
 * `gsctp_close` closes |sock| (`gen_sctp:close/1`): its associations
 * shut down gracefully in the background, and a thread blocked in
 * gsctp_recv() or gsctp_connect() on it returns GSCTP_ECLOSED.  Closing a
 * closed socket returns 0.
 *
 * A gsctp_send() blocked on a full send buffer returns GSCTP_ECLOSED
 * too (its message is not sent): close gives sends in progress half a
 * second to finish, so it can take that long, then wakes the rest.  On a
 * one-to-one socket the association still shuts down gracefully with the
 * data queued before; on a one-to-many socket (and on a one-to-one
 * socket at usrsctp's limit of 512 queued chunks) the association of a
 * blocked send is aborted, as usrsctp 0.9.5 offers no other way to wake
 * the send: the peer gets comm_lost.  Other associations shut down
 * gracefully.
 *
 * With linger {true, T > 0} a one-to-one socket waits (at most T
 * seconds) until its association has shut down gracefully, as on Linux;
 * with unread data or events it aborts instead.  A one-to-many or a
 * peeled-off socket does not wait (Linux waits on TCP-style sockets
 * only).  linger {true, 0} aborts every association.
 *
 * Returns 0, or GSCTP_EBADARG for the handle 0.
 */
GSCTP_EXTERN int gsctp_close(gsctp_sock sock);

/**
 * `gsctp_listen` makes |sock| accept associations (`gen_sctp:listen/2`).
 * |backlog| is GSCTP_LISTEN_TRUE (5), GSCTP_LISTEN_FALSE (0: stop
 * accepting new associations), or the backlog of a stream socket.
 *
 * Returns 0, or GSCTP_EBADARG (negative backlog), GSCTP_ECLOSED, or an
 * errno code from usrsctp.
 */
GSCTP_EXTERN int gsctp_listen(gsctp_sock sock, int backlog);

/**
 * `gsctp_connect` associates |sock| with |ip|:|port| and waits up to
 * |timeout_ms| (GSCTP_INFINITY for no limit) for the outcome
 * (`gen_sctp:connect/4,5`).  |opts| are applied to the socket first,
 * permanently; unset record fields take the socket's current values.
 * On success |*pev| (may be NULL) receives the `comm_up` record.
 *
 * While waiting, items that are not this association's assoc_change
 * (data or events of other associations) are kept and returned by later
 * gsctp_recv() calls in order, rather than consumed as OTP's passive
 * connect does (see docs/api.md).  On an active socket the wait is a
 * selective receive of the association's `sctp_assoc_change` message
 * from the socket's owner: other messages stay queued, and
 * `{active, once}` is re-armed afterwards, as in OTP.  After a timeout
 * the attempt goes on, as in OTP: its eventual assoc_change is delivered
 * later (by gsctp_recv() or as a message).
 *
 * This function returns 0 if it succeeds, or one of the following
 * negative error codes:
 *
 * GSCTP_EASSOC: the association failed; |*pev| holds the record
 *   (state cant_assoc when nobody listens, or comm_lost).
 * GSCTP_ETIMEOUT: no outcome within |timeout_ms|.
 * GSCTP_EBADARG: NULL |ip|, a timeout below -1, NULL |opts| with
 *   |nopts| > 0.
 * GSCTP_EINVAL: |port| outside 1..65535, the any-address, a link-local
 *   or multicast IPv6 address, an IPv4-mapped address on an ipv6_v6only
 *   socket, or an unknown, open-only or read-only option (OTP:
 *   `{error, einval}`).
 * GSCTP_EAFNOSUPPORT: |ip| is not of the socket's family.
 * GSCTP_ECLOSED: |sock| is closed (also if closed while waiting).
 * GSCTP_EALREADY: another thread is in gsctp_recv() on |sock|.
 * GSCTP_EISCONN / GSCTP_EALREADY: already associated (in progress) with
 *   that peer.
 * GSCTP_ETYPE, or an errno code from usrsctp.
 */
GSCTP_EXTERN int gsctp_connect(gsctp_sock sock, const gsctp_ip *ip, int port,
                               const gsctp_opt *opts, size_t nopts,
                               int timeout_ms, gsctp_assoc_change *pev);

/**
 * `gsctp_connect_init` starts an association with |ip|:|port| and
 * returns at once (`gen_sctp:connect_init/4`).  The outcome arrives later
 * as an `sctp_assoc_change` item from gsctp_recv().  Errors as
 * gsctp_connect() without GSCTP_EASSOC and GSCTP_ETIMEOUT.
 */
GSCTP_EXTERN int gsctp_connect_init(gsctp_sock sock, const gsctp_ip *ip,
                                    int port, const gsctp_opt *opts,
                                    size_t nopts);

/**
 * `gsctp_connectx_init` starts one association with a peer reachable at
 * the |nips| addresses |ips|, all on |port| (`gen_sctp:connectx_init/4`),
 * and stores the new association's id in |*passoc_id| (may be NULL).
 * The outcome arrives as an `sctp_assoc_change` with that id.
 * Errors as gsctp_connect_init(), except that an address of another
 * family than the socket's is GSCTP_EBADARG (OTP raises badarg when an
 * address of connectx_init does not resolve); GSCTP_EBADARG also for
 * |nips| 0.
 */
GSCTP_EXTERN int gsctp_connectx_init(gsctp_sock sock, const gsctp_ip *ips,
                                     size_t nips, int port,
                                     const gsctp_opt *opts, size_t nopts,
                                     uint32_t *passoc_id);

/**
 * `gsctp_connectx_init_addrs` is the sockaddr-list form
 * `gen_sctp:connectx_init(S, SockAddrs, Opts)`: it starts one association
 * with a peer reachable at the |naddrs| addresses |addrs| (borrowed), each
 * with its own port field.  As OTP's code (not its documentation, which
 * asks for one common port), the port of the association is the LAST
 * non-zero port of the list; entries with port 0 or another port are
 * rewritten to it.  Stores the association id in |*passoc_id| (may be
 * NULL); the outcome arrives as an `sctp_assoc_change` with that id.
 * Errors as gsctp_connectx_init(); GSCTP_EBADARG also for NULL |addrs|,
 * |naddrs| 0 or every port 0 (OTP raises badarg for these), GSCTP_ENOMEM.
 */
GSCTP_EXTERN int gsctp_connectx_init_addrs(gsctp_sock sock,
                                           const gsctp_addr *addrs,
                                           size_t naddrs, const gsctp_opt *opts,
                                           size_t nopts, uint32_t *passoc_id);

/**
 * `gsctp_send` sends |datalen| bytes of |data| (borrowed) on |stream| of
 * association |assoc_id| (`gen_sctp:send/4`), with the flags, ppid,
 * context and timetolive of the association's default send parameters
 * (sctp_default_send_param).  Blocks while the send buffer is full (or
 * returns GSCTP_EAGAIN with `{non_block_send, true}`); the message is
 * never lost or truncated.
 *
 * This function returns 0 if it succeeds, or one of the following
 * negative error codes:
 *
 * GSCTP_EBADARG: |data| NULL with |datalen| > 0, or |stream| < 0.
 * GSCTP_EINVAL: |stream| beyond the association's outbound streams.
 * GSCTP_EPIPE: no such association (unknown, or finished).
 * GSCTP_EMSGSIZE: larger than the stack can queue at all.
 * GSCTP_EAGAIN: the send buffer is full and non_block_send is set.
 * GSCTP_ECLOSED: |sock| is closed, or was closed while the send waited
 *   for buffer space (the message was not queued; see gsctp_close()).
 * Or an errno code from usrsctp.
 */
GSCTP_EXTERN int gsctp_send(gsctp_sock sock, uint32_t assoc_id, int stream,
                            const void *data, size_t datalen);

/**
 * `gsctp_send_sri` sends with the full `#sctp_sndrcvinfo{}` |sri|
 * (`gen_sctp:send/3`): stream, flags (unordered, addr_over, abort, eof),
 * ppid, context, timetolive (ms, PR-SCTP: once expired the message is
 * abandoned and reported in an `sctp_send_failed`; usrsctp 0.9.5 does so
 * only for a message it has transmitted, see docs/known-issues.md) and
 * assoc_id.  Unset fields take the type default (0).
 * Errors as gsctp_send(), plus GSCTP_ETYPE for a field out of range or a
 * set ssn/tsn/cumtsn.
 */
GSCTP_EXTERN int gsctp_send_sri(gsctp_sock sock, const gsctp_sndrcvinfo *sri,
                                const void *data, size_t datalen);

/**
 * `gsctp_recv` waits up to |timeout_ms| (GSCTP_INFINITY, 0 for a poll, or
 * milliseconds) for the next item on |sock| (`gen_sctp:recv/1,2`) and
 * fills |*pitem|, which the caller then owns and frees with
 * gsctp_item_free().  A message is always returned whole, whatever its
 * size.  Only one thread may wait on a socket at a time.
 *
 * This function returns 0 if it succeeds, or one of the following
 * negative error codes:
 *
 * GSCTP_ESCTP_ERROR: the item is an `sctp_send_failed`,
 *   `sctp_remote_error` or `sctp_pdapi_event` (OTP returns these as
 *   `{error, {Addr, Anc, Record}}`); |*pitem| is filled and must be freed.
 * GSCTP_ETIMEOUT: nothing arrived in time.
 * GSCTP_EINVAL: |timeout_ms| below -1, or |sock| is active.
 * GSCTP_EALREADY: another thread is already waiting on |sock|.
 * GSCTP_ECLOSED: |sock| is closed, or was closed while waiting.
 * GSCTP_EBADARG: |pitem| NULL.
 * GSCTP_ENOMEM, or an errno code from usrsctp.
 */
GSCTP_EXTERN int gsctp_recv(gsctp_sock sock, int timeout_ms, gsctp_item *pitem);

/**
 * `gsctp_eof` gracefully shuts down the association of |assoc|
 * (`gen_sctp:eof/2`) after its queued data is delivered.  The peer gets
 * `sctp_shutdown_event`, then both sides `shutdown_comp`.
 * Returns 0, GSCTP_EBADARG (NULL |assoc|), GSCTP_EPIPE (no such
 * association), GSCTP_ECLOSED, or an errno code.
 */
GSCTP_EXTERN int gsctp_eof(gsctp_sock sock, const gsctp_assoc_change *assoc);

/**
 * `gsctp_abort` aborts the association of |assoc| (`gen_sctp:abort/2`):
 * both sides get `comm_lost`.  Errors as gsctp_eof(), plus GSCTP_EINVAL on
 * a stream socket (as on Linux).
 */
GSCTP_EXTERN int gsctp_abort(gsctp_sock sock, const gsctp_assoc_change *assoc);

/**
 * `gsctp_error_string` returns OTP's text for SCTP error cause |code|
 * (`gen_sctp:error_string/1`): "ok" for 0, "Invalid Stream Identifier"
 * for 1, ... "Protocol Violation" for 13, and "unknown_error" for any
 * other value.  Static string, never NULL.
 */
GSCTP_EXTERN const char *gsctp_error_string(int code);

/**
 * `gsctp_setopts` sets the |nopts| options |opts| (borrowed) on |sock|
 * (`inet:setopts/2`), in order.  Unset record fields take the type
 * default, not the current value.  Stops at the first failure.
 *
 * Returns 0, GSCTP_EINVAL (unknown option, open-only or read-only option,
 * bad value, both flags of a sctp_peer_addr_params pair, an {active, N}
 * count leaving -32768..32767), GSCTP_ETYPE (record field out of range,
 * or a required one unset), GSCTP_ENOPROTOOPT (an option usrsctp 0.9.5
 * cannot honour, see docs/api.md), GSCTP_ECLOSED, or an errno code from
 * usrsctp (e.g. GSCTP_EINVAL for an unknown association or address).
 */
GSCTP_EXTERN int gsctp_setopts(gsctp_sock sock, const gsctp_opt *opts,
                               size_t nopts);

/**
 * `gsctp_getopts` reads options of |sock| (`inet:getopts/2`).  For each
 * of the |nopts| entries of |opts| the caller sets `name` (and, for
 * association-level records, the assoc_id field); gsctp fills in the
 * value.  Options whose read fails are left out, as OTP does: the
 * entries that were read are packed to the front and their count is
 * stored in |*pnread| (may be NULL).
 *
 * Returns 0, GSCTP_EINVAL (unknown option), GSCTP_ECLOSED, or
 * GSCTP_EBADARG (NULL |opts| with |nopts| > 0).
 */
GSCTP_EXTERN int gsctp_getopts(gsctp_sock sock, gsctp_opt *opts, size_t nopts,
                               size_t *pnread);

/**
 * `gsctp_socknames` stores up to |max| local addresses of |sock| (of
 * association |assoc_id|, or of the endpoint when 0) in |addrs| and
 * their total count in |*pn| (`inet:socknames/1,2`).  |pn| is required.
 * Returns 0, GSCTP_ECLOSED, GSCTP_EBADARG (|pn| NULL, or |addrs| NULL with
 * |max| > 0), or an errno code.
 */
GSCTP_EXTERN int gsctp_socknames(gsctp_sock sock, uint32_t assoc_id,
                                 gsctp_addr *addrs, size_t max, size_t *pn);

/**
 * `gsctp_peernames` stores up to |max| peer addresses of association
 * |assoc_id| of |sock| in |addrs| and their total count in |*pn|
 * (`inet:peernames/2`).  Returns 0, GSCTP_EINVAL or GSCTP_ENOTCONN (no
 * such association), GSCTP_ECLOSED, or GSCTP_EBADARG.
 */
GSCTP_EXTERN int gsctp_peernames(gsctp_sock sock, uint32_t assoc_id,
                                 gsctp_addr *addrs, size_t max, size_t *pn);

/**
 * `gsctp_port` returns the local SCTP port |sock| is bound to
 * (`inet:port/1`), or GSCTP_ECLOSED.
 */
GSCTP_EXTERN int gsctp_port(gsctp_sock sock);

/**
 * `gsctp_error_detail` returns a description of the last GSCTP_ETYPE or
 * GSCTP_EBADARG returned on the calling thread ("sctp_sndrcvinfo field 2
 * (stream): 70000 is not a uint16"), or "" if none.  Thread-local; valid
 * until the thread's next gsctp call.
 */
GSCTP_EXTERN const char *gsctp_error_detail(void);

/* ---- active modes, peeloff, accept, statistics (issue 7, owners) ---- */

/**
 * Values of GSCTP_OPT_ACTIVE.  `{active, false}` is 0, `true` 1, `once`
 * 2, and `{active, N}` (-32768 <= N <= 32767) is GSCTP_ACTIVE_N(N); getopts
 * returns GSCTP_ACTIVE_N(Count) in that mode (`{active, Count}`).  Note
 * that `{active, 0}` (GSCTP_ACTIVE_N(0)) is not `false`: it makes the
 * socket passive and posts `{sctp_passive, S}`.
 */
#define GSCTP_ACTIVE_FALSE 0
#define GSCTP_ACTIVE_TRUE 1
#define GSCTP_ACTIVE_ONCE 2
#define GSCTP_ACTIVE_N_BASE ((int64_t)1 << 32)
#define GSCTP_ACTIVE_N(n) (GSCTP_ACTIVE_N_BASE + (int64_t)(n))
/** Is the GSCTP_OPT_ACTIVE value |v| an `{active, N}`? */
#define GSCTP_ACTIVE_IS_N(v)                                                   \
  ((v) >= GSCTP_ACTIVE_N_BASE - 2147483648LL &&                                \
   (v) <= GSCTP_ACTIVE_N_BASE + 2147483647LL)
/** The N (or Count) of an `{active, N}` value. */
#define GSCTP_ACTIVE_COUNT(v) ((int64_t)(v)-GSCTP_ACTIVE_N_BASE)

/**
 * `gsctp_peeloff` branches association |assoc_id| of the one-to-many
 * socket |sock| off into a new one-to-one (stream) socket, stored in
 * |*pnew| (`gen_sctp:peeloff/2`).  The calling thread's current owner
 * controls the new socket, which starts passive; it inherits mode,
 * buffer, non_block_send, debug, reuseaddr, sndbuf, recbuf,
 * sctp_nodelay, linger and the event subscriptions (priority is always
 * 0 in usrsctp).  The association's traffic and events then go to the
 * new socket only.
 *
 * Returns 0, GSCTP_EBADARG (NULL |pnew|, handle 0: OTP's
 * function_clause), GSCTP_ECLOSED, GSCTP_EINVAL (unknown association, or
 * |sock| is a stream socket), GSCTP_ENOMEM, or an errno code from usrsctp.
 */
GSCTP_EXTERN int gsctp_peeloff(gsctp_sock sock, uint32_t assoc_id,
                               gsctp_sock *pnew);

/**
 * `gsctp_accept` waits up to |timeout_ms| (GSCTP_INFINITY, 0 to poll) for
 * an association on the listening stream (one-to-one) socket |sock| and
 * stores a new connected stream socket for it in |*pnew|, controlled by
 * the calling thread's current owner and passive (a gsctp extension:
 * gen_sctp has no accept; its stream-socket servers use peeloff).
 *
 * Returns 0, GSCTP_ETIMEOUT, GSCTP_EINVAL (|sock| is not a listening
 * stream socket, or |timeout_ms| below -1), GSCTP_ECLOSED (also when
 * closed while waiting), GSCTP_EBADARG (NULL |pnew|), GSCTP_ENOMEM, or an
 * errno code from usrsctp.
 */
GSCTP_EXTERN int gsctp_accept(gsctp_sock sock, int timeout_ms,
                              gsctp_sock *pnew);

/**
 * Counters of `inet:getstat/2`.  recv_* count every piece read from the
 * stack (data and notifications, as recvmsg calls do in OTP), send_*
 * every message handed to the stack (eof and abort included).  *_avg is
 * *_oct / *_cnt, rounded down.
 */
typedef struct gsctp_stat {
  uint64_t recv_cnt; /**< pieces received */
  uint64_t recv_oct; /**< bytes received */
  uint64_t recv_max; /**< largest piece */
  uint64_t recv_avg; /**< average piece */
  uint64_t send_cnt; /**< messages sent */
  uint64_t send_oct; /**< bytes sent */
  uint64_t send_max; /**< largest message */
  uint64_t send_avg; /**< average message */
} gsctp_stat;

/**
 * `gsctp_getstat` copies the counters of |sock| into |*pstat|
 * (`inet:getstat/2`).  Returns 0, GSCTP_EBADARG (NULL |pstat|), or
 * GSCTP_ECLOSED.
 */
GSCTP_EXTERN int gsctp_getstat(gsctp_sock sock, gsctp_stat *pstat);

#ifdef __cplusplus
}
#endif

#endif /* GSCTP_SCTP_H */
