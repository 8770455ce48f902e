/*
 * gsctp/stack.h - the process-wide SCTP stack (one usrsctp instance).
 *
 * usrsctp is a process-global singleton, so gsctp has exactly one stack
 * per process.  It starts on the first gsctp_open() (or an explicit
 * gsctp_stack_start()) and stops at gsctp_stack_shutdown().  It is never
 * stopped implicitly: usrsctp 0.9.5's usrsctp_finish() can hang, so the
 * shutdown runs it with a deadline and gives up with GSCTP_EBUSY rather
 * than hang a program's exit.
 *
 * Transports reaching the stack:
 *  - UDP encapsulation (RFC 6951) through usrsctp's own UDP socket, one
 *    local UDP port per process (GSCTP_UDP_PORT, default 9899; 0 picks a
 *    free port);
 *  - UDP encapsulation (RFC 6951) on UDP sockets gsctp owns, per socket
 *    (GSCTP_TRANSPORT_UDP_CONN, gsctp/sctp.h), reaching usrsctp through
 *    AF_CONN; every datagram is checked first (the udpconn_* counters);
 *  - SCTP directly over IP (protocol 132) on the raw sockets usrsctp opens
 *    when the stack starts as root or with CAP_NET_RAW
 *    (GSCTP_TRANSPORT_RAW, gsctp/sctp.h); each stack's raw sockets are
 *    filtered to the SCTP ports its own sockets are bound to, so that
 *    stacks on one host do not answer each other's packets;
 *  - AF_CONN links (see gsctp/link.h): in-memory links and user links.
 */
#ifndef GSCTP_STACK_H
#define GSCTP_STACK_H

#include <stdint.h>

#include "gsctp/version.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Default local UDP encapsulation port (RFC 6951 registers 9899). */
#define GSCTP_DEFAULT_UDP_PORT 9899

/** Stack settings, read once when the stack starts. */
typedef struct gsctp_stack_config {
  /** Local UDP encapsulation port.  0 picks a free port.  -1 (the value
   *  gsctp_stack_config_default() sets) means: take $GSCTP_UDP_PORT if
   *  set, else GSCTP_DEFAULT_UDP_PORT. */
  int udp_port;
  /** Nonzero: run without any UDP encapsulation socket (AF_CONN links
   *  only).  Default 0. */
  int no_udp;
  /** Nonzero: start usrsctp with usrsctp_init_nothreads(): no timer and
   *  no UDP threads (implies |no_udp|).  Timers then run only when the
   *  caller calls gsctp_stack_handle_timers(), so time is virtual; used
   *  by the conformance runner.  usrsctp still runs its iterator thread,
   *  so link output functions may be called from it.  Default 0. */
  int nothreads;
} gsctp_stack_config;

/**
 * `gsctp_stack_config_default` fills |cfg| with the defaults described on
 * each field.  |cfg| is borrowed.
 */
GSCTP_EXTERN void gsctp_stack_config_default(gsctp_stack_config *cfg);

/**
 * `gsctp_stack_start` starts the process's stack with |cfg| (NULL means
 * the defaults).  It checks that the UDP port is really bound (usrsctp
 * does not report a failed bind; gsctp probes the port before and after
 * starting usrsctp) and turns CRC32c verification on for every packet,
 * loopback included.  Thread-safe; |cfg| is borrowed.
 *
 * This function returns 0 if it succeeds, or one of the following
 * negative error codes:
 *
 * GSCTP_EALREADY: the stack is already running (with any config).
 * GSCTP_EADDRINUSE: the UDP port is taken by another socket.
 * GSCTP_EINVAL: the port is out of range or $GSCTP_UDP_PORT is not a
 *   number in 0..65535.
 * GSCTP_EBUSY: an earlier shutdown did not finish; the stack cannot be
 *   restarted in this process.
 * GSCTP_ENOMEM, or another errno code from probing the port.
 */
GSCTP_EXTERN int gsctp_stack_start(const gsctp_stack_config *cfg);

/**
 * `gsctp_stack_ensure` starts the stack with the defaults unless it is
 * running already.  Returns 0 or the errors of gsctp_stack_start() other
 * than GSCTP_EALREADY.  Thread-safe.
 */
GSCTP_EXTERN int gsctp_stack_ensure(void);

/**
 * `gsctp_stack_udp_port` returns the local UDP encapsulation port of the
 * running stack, 0 if it runs without UDP, or GSCTP_ENOTCONN if the stack
 * is not running.  Thread-safe.
 */
GSCTP_EXTERN int gsctp_stack_udp_port(void);

/**
 * `gsctp_stack_shutdown` closes every gsctp socket (aborting their
 * associations), then finishes usrsctp, retrying while usrsctp still has
 * endpoints, for at most |timeout_ms| milliseconds.  Thread-safe; must
 * not be called while another thread is inside a gsctp call.
 *
 * This function returns 0 if it succeeds, or one of the following
 * negative error codes:
 *
 * GSCTP_ENOTCONN: the stack was not running.
 * GSCTP_EBUSY: usrsctp did not finish in time.  The stack is then
 *   unusable in this process (every later start returns GSCTP_EBUSY).
 */
GSCTP_EXTERN int gsctp_stack_shutdown(int timeout_ms);

/**
 * `gsctp_stack_handle_timers` advances the timers of a stack started with
 * |nothreads| by |elapsed_ms| milliseconds and runs every timer that
 * expires (retransmissions, delayed SACK, heartbeats, ...).  Must not be
 * called from a link output function.
 *
 * This function returns 0 if it succeeds, or one of the following
 * negative error codes:
 *
 * GSCTP_ENOTCONN: the stack is not running.
 * GSCTP_EINVAL: the stack runs its own timer thread (not |nothreads|).
 */
GSCTP_EXTERN int gsctp_stack_handle_timers(uint32_t elapsed_ms);

/** Counters from the stack (usrsctp's own statistics). */
typedef struct gsctp_stack_stats {
  /** SCTP packets received (all transports). */
  uint64_t packets_in;
  /** SCTP packets sent. */
  uint64_t packets_out;
  /** Packets dropped because their CRC32c checksum was wrong. */
  uint64_t checksum_errors;
  /** Packets dropped as too short or otherwise malformed. */
  uint64_t malformed;
  /** Out-of-the-blue packets (no association). */
  uint64_t out_of_the_blue;
  /** DATA chunks retransmitted on timeout or fast retransmit. */
  uint64_t retransmits;
  /* The udp_conn transport (GSCTP_TRANSPORT_UDP_CONN): gsctp checks every
   * datagram before usrsctp sees it; drops are counted here, not in
   * the usrsctp counters above (docs/architecture.md). */
  /** udp_conn: datagrams read from gsctp's UDP sockets. */
  uint64_t udpconn_datagrams_in;
  /** udp_conn: datagrams sent. */
  uint64_t udpconn_datagrams_out;
  /** udp_conn: sends that failed (a loss, which SCTP recovers). */
  uint64_t udpconn_send_errors;
  /** udp_conn: dropped for a wrong CRC32c. */
  uint64_t udpconn_drop_checksum;
  /** udp_conn: dropped as malformed (short, bad chunk length, bundling,
   *  INIT with a non-zero or other packets with a zero tag). */
  uint64_t udpconn_drop_malformed;
  /** udp_conn: INIT/INIT-ACK dropped for bad parameters (a parameter
   *  length of 0 or past the chunk, 0 streams, tag 0, incomplete AUTH). */
  uint64_t udpconn_drop_init;
  /** udp_conn: dropped for a verification tag the association does not
   *  use (RFC 9260 8.5). */
  uint64_t udpconn_drop_vtag;
  /** udp_conn: dropped as coming from a remote UDP address that has no
   *  association (and not an INIT), or an INIT to a port the receiving
   *  UDP socket does not serve. */
  uint64_t udpconn_drop_unknown;
  /** udp_conn: INITs from new remotes refused (too many per socket). */
  uint64_t udpconn_drop_limit;
  /** udp_conn: INITs for a port that does not listen (answered with an
   *  ABORT, as RFC 9260 8.4 says). */
  uint64_t udpconn_no_listener;
  /** udp_conn: remote UDP ports updated from a valid packet (RFC 6951
   *  5.4, e.g. a NAT rebinding). */
  uint64_t udpconn_port_moves;
  /** udp_conn: remote addresses (AF_CONN handles) now. */
  uint64_t udpconn_handles;
  /** udp_conn: local UDP sockets now. */
  uint64_t udpconn_endpoints;
} gsctp_stack_stats;

/**
 * `gsctp_stack_get_stats` copies the stack's counters into |pstats|.
 * Returns 0, or GSCTP_ENOTCONN if the stack is not running, or
 * GSCTP_EBADARG if |pstats| is NULL.  Thread-safe.
 */
GSCTP_EXTERN int gsctp_stack_get_stats(gsctp_stack_stats *pstats);

#ifdef __cplusplus
}
#endif

#endif /* GSCTP_STACK_H */
