/*
 * tests/support/mh.h - multi-homing scenarios between two processes in
 * two network namespaces (netns.h): side A is the calling process (its
 * stack starts inside namespace A through GSCTP_OPT_NETNS), side B a
 * forked peer with its own stack in namespace B, driven over a
 * socketpair.  The peer reports every item it receives, with a
 * CLOCK_MONOTONIC timestamp (shared by both processes), so a test sees
 * both sides' events on one time line.
 *
 * No Criterion here: results are codes and a reason string, so tests and
 * the gsctp-failover program share the scenarios.
 */
#ifndef GSCTP_TEST_MH_H
#define GSCTP_TEST_MH_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <gsctp/gsctp.h>

#include "netns.h"

#ifdef __cplusplus
extern "C" {
#endif

/** One scenario row: family, transport and timers. */
typedef struct mh_cfg {
  int family;     /**< socket family: GSCTP_FAMILY_INET or _INET6 */
  int pathfam[2]; /**< address family of path 1 and path 2 (equal to
                       |family| except in mixed IPv4+IPv6 rows) */
  int transport;  /**< GSCTP_OPT_TRANSPORT value (0 = UDP) */
  /* Timers (0 = usrsctp's default), set on both sides at open. */
  int rto_initial, rto_min, rto_max; /**< sctp_rtoinfo, ms */
  int hbinterval;                    /**< sctp_peer_addr_params, ms */
  int pathmaxrxt;                    /**< sctp_peer_addr_params */
  int asocmaxrxt;                    /**< sctp_associnfo */
} mh_cfg;

/** Event kinds in the log. */
enum {
  MH_READY = 1, /**< B: a = udp port, b = sctp port */
  MH_ASSOC,     /**< a = assoc_change state */
  MH_PADDR,     /**< a = paddr_change state, addr = the peer address */
  MH_DATA,      /**< a = sequence number, addr = where it came from */
  MH_OTHER,     /**< another event (a = type) */
  MH_NAMES,     /**< B: a = socknames, b = peernames, in addr[] */
  MH_ERROR,     /**< B: a = step, b = gsctp error */
  MH_DONE,      /**< B: the peer is leaving */
  MH_PRIM,      /**< B: a = result of a primary change, b = which */
};

/** One log entry (also the report the peer writes). */
typedef struct mh_ev {
  int32_t side;   /**< TN_A or TN_B */
  int32_t kind;   /**< MH_* */
  int32_t a, b;   /**< see the kinds */
  int64_t t_ms;   /**< CLOCK_MONOTONIC, ms */
  uint32_t assoc; /**< association id where known */
  gsctp_addr addr[8];
} mh_ev;

/** A running scenario: the peer and the log. */
typedef struct mh_run {
  tn_net net;
  mh_cfg cfg;
  pid_t peer;      /**< the peer's pid, -1 when none */
  int fd;          /**< our end of the socketpair, -1 when none */
  int b_udp;       /**< the peer's UDP encapsulation port */
  int b_port;      /**< the peer's SCTP port */
  gsctp_sock sock; /**< our socket (0: none) */
  uint32_t assoc;  /**< our association */
  pid_t cap[2];    /**< tcpdump on path 1/2 in namespace B (-1: none) */
  mh_ev *log;
  size_t nlog, caplog;
  char why[512]; /**< why the last call failed */
} mh_run;

/** `mh_now_ms` is CLOCK_MONOTONIC in milliseconds. */
int64_t mh_now_ms(void);

/** The tuned timers the suites use (RTO 100..400 ms, heartbeat 200 ms,
 *  pathmaxrxt 2). */
void mh_cfg_tuned(mh_cfg *cfg, int family, int transport);

/** usrsctp's default timers (RTO 1..60 s, heartbeat 30 s, pathmaxrxt 5). */
void mh_cfg_default(mh_cfg *cfg, int family, int transport);

/** The address of |side| on |path| for |run|'s row. */
gsctp_ip mh_ip(const mh_run *run, int side, int path);

/**
 * `mh_start` makes the namespaces, forks the peer (before this process
 * starts a stack: call it first) and waits for it to listen.  If
 * $GSCTP_MH_PCAP_DIR is set, tcpdump captures both of the peer's
 * interfaces into <dir>/path1.pcap and path2.pcap until mh_stop().  Returns 0,
 * or -1 with the reason in run->why; mh_stop() must run in every case.
 */
int mh_start(mh_run *run, const mh_cfg *cfg);

/**
 * `mh_open_a` opens our socket in namespace A bound to both our
 * addresses with the row's timers and the peer's UDP port as the remote
 * encapsulation port, plus |nextra| more options.  Returns 0 or the
 * gsctp error (reason in run->why).
 */
int mh_open_a(mh_run *run, const gsctp_opt *extra, size_t nextra);

/**
 * `mh_connect` associates with the peer: with |nips| 1 by gsctp_connect
 * to the peer's path-1 address, else by gsctp_connectx_init to both of
 * its addresses.  Waits for comm_up on both sides and for both paths to
 * be confirmed on both sides.  Returns 0 or -1 (run->why).
 */
int mh_connect(mh_run *run, int nips, int timeout_ms);

/** `mh_pump` collects, for at most |timeout_ms| (0: what is there), the
 *  peer's reports and our own socket's items into the log.  Returns the
 *  number added or -1 if the peer is gone. */
int mh_pump(mh_run *run, int timeout_ms);

/** `mh_find` returns the index of the first log entry at or after
 *  |from| matching side, kind, a (-1: any) and, if |addr| is not NULL,
 *  addr[0]'s ip; or -1. */
long mh_find(const mh_run *run, size_t from, int side, int kind, int a,
             const gsctp_ip *addr);

/** `mh_wait` pumps until mh_find() matches or |timeout_ms| passes.
 *  Returns the index or -1. */
long mh_wait(mh_run *run, size_t from, int side, int kind, int a,
             const gsctp_ip *addr, int timeout_ms);

/** `mh_send_seq` sends message |seq| (a 4-byte big-endian number and
 *  padding to |len| bytes) on our association.  Returns gsctp_send's
 *  result. */
int mh_send_seq(mh_run *run, uint32_t seq, size_t len);

/**
 * `mh_cmd` asks the peer to do something: MH_NAMES (report its names),
 * MH_PRIM with |a| 0 = set its primary to our address on path |b|,
 * 1 = ask us (set_peer_primary_addr) to use its address on path |b|.
 * The answer arrives in the log.  Returns 0 or -1.
 */
int mh_cmd(mh_run *run, int kind, int a, int b);

/** `mh_paddrinfo` reads our sctp_get_peer_addr_info for the peer's
 *  address on |path|.  Returns 0 or the gsctp error. */
int mh_paddrinfo(mh_run *run, int path, gsctp_paddrinfo *pinfo);

/** `mh_stop` ends the peer (asks, then kills by pid), closes our socket
 *  and removes the namespaces.  Idempotent. */
void mh_stop(mh_run *run);

/** Formats log entry |e| into |buf|. */
char *mh_ev_str(const mh_ev *e, int64_t t0, char *buf, size_t buflen);

/** Writes the whole log (times relative to |t0|) to stderr, for failure
 *  messages and the measurement program. */
void mh_dump(const mh_run *run, int64_t t0);

/** The result of a failover run. */
typedef struct mh_failover {
  int64_t t_down;                /**< link of path 1 taken down */
  int64_t t_first_alt;           /**< first message delivered from our path-2
                                      address after t_down (-1: none) */
  int64_t t_unreach_a;           /**< we saw the peer's path-1 address
                                      unreachable (-1: never) */
  int64_t t_unreach_b;           /**< the peer saw ours unreachable (-1) */
  int64_t t_up;                  /**< link up again */
  int64_t t_avail_a;             /**< we saw it available again (-1) */
  int64_t t_avail_b;             /**< the peer did (-1) */
  int64_t max_gap;               /**< longest time between deliveries after
                                      t_down until the last message */
  uint32_t nsent;                /**< messages sent (0..nsent-1) */
  uint32_t ndelivered;           /**< delivered to the peer */
  uint32_t nbad;                 /**< duplicates or out of order */
  uint32_t after_up_p1;          /**< delivered from our path-1 address after
                                      t_avail_a (primary came back) */
  uint32_t after_up_p2;          /**< ... from our path-2 address */
  uint64_t tx1_down, tx2_down;   /**< our tx packets on path 1/2 while
                                      path 1 was down */
  uint64_t tx1_after, tx2_after; /**< ... in the last 500 ms of sending,
                                      after addr_available */
} mh_failover;

/**
 * `mh_failover_run` runs the failover scenario on an associated |run|:
 * numbered messages every |gap_ms|; path 1's link (our side, |side|
 * TN_A, or the peer's, TN_B) goes down; it waits until both sides
 * report path 1 unreachable (at most |phase_ms|), sends a while longer,
 * brings the link up, waits for addr_available on both sides (at most
 * |phase_ms|), sends a while longer, and waits for every message.
 * Fills |*pres|.  Returns 0 if every message arrived exactly once and
 * in order and both unreachable events came, else -1 (run->why).
 */
int mh_failover_run(mh_run *run, int side, int gap_ms, int phase_ms,
                    mh_failover *pres);

#ifdef __cplusplus
}
#endif

#endif /* GSCTP_TEST_MH_H */
