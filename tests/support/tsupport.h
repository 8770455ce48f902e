/*
 * tests/support/tsupport.h - helpers shared by the integration suites.
 *
 * Every helper that takes a timeout is bounded by it; none sleeps for a
 * fixed time to "let things settle".  Helpers whose name ends in nothing
 * special fail the running Criterion test (cr_assert) when something
 * goes wrong, so they must only be called from the test's own thread of
 * the test process: not from helper threads and not from forked
 * children (use the ts_try_* variants, which return error codes, there).
 */
#ifndef GSCTP_TSUPPORT_H
#define GSCTP_TSUPPORT_H

#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <gsctp/gsctp.h>

#ifdef __cplusplus
extern "C" {
#endif

/** The generous wait used for anything that should happen "soon". */
#define TS_WAIT_MS 10000

/* ------------------------------------------------------------------ */
/* Time                                                                */
/* ------------------------------------------------------------------ */

/** Monotonic clock in milliseconds. */
int64_t ts_now_ms(void);

/** Sleeps |ms| milliseconds (restarting after signals). */
void ts_sleep_ms(int ms);

/**
 * Waits until the counter |*count| (a sender thread's progress) has not
 * changed for |quiet_ms|, or |*stop| (may be NULL) is nonzero, at most
 * |max_ms|; returns the counter's last value.  Used to see that a
 * sender is blocked.
 */
int ts_wait_stall(const atomic_int *count, const atomic_int *stop, int quiet_ms,
                  int max_ms);

/* ------------------------------------------------------------------ */
/* Stack and sockets                                                   */
/* ------------------------------------------------------------------ */

/**
 * `ts_try_stack_start` starts the process's stack on a free UDP port
 * (cfg.udp_port = 0) and returns that port (> 0) or a negative gsctp
 * error.  Safe in forked children.
 */
int ts_try_stack_start(void);

/** `ts_stack_start` is ts_try_stack_start() that asserts success. */
int ts_stack_start(void);

/** An integer option. */
gsctp_opt ts_opt_i(int name, int64_t value);
/** A GSCTP_OPT_IP option. */
gsctp_opt ts_opt_ip(gsctp_ip ip);
/** A GSCTP_OPT_SCTP_INITMSG option with only num_ostreams set (0: unset). */
gsctp_opt ts_opt_ostreams(int64_t num_ostreams);
/** sctp_events with the defaults but no address events: usrsctp reports
 *  addr_confirmed after comm_up, which would count against {active, N}
 *  and get in the way of tests that expect a given next item. */
gsctp_opt ts_opt_quiet(void);

/**
 * `ts_try_open` opens a socket of |family| bound to |ip| (NULL: the
 * loopback address of |family|; for GSCTP_FAMILY_CONN |ip| is required)
 * on a free port, with |nextra| more options, and stores it in |*psock|.
 * For inet/inet6 sockets it also sets GSCTP_OPT_UDP_REMOTE_PORT to
 * |udp_remote_port| when that is > 0.  Returns 0 or the gsctp error.
 */
int ts_try_open(gsctp_sock *psock, int family, const gsctp_ip *ip,
                int udp_remote_port, const gsctp_opt *extra, size_t nextra);

/** `ts_open` is ts_try_open() with the running stack's own UDP port as
 *  the remote port, asserting success. */
gsctp_sock ts_open(int family, const gsctp_ip *ip, const gsctp_opt *extra,
                   size_t nextra);

/** `ts_open_server` is ts_open() followed by gsctp_listen(TRUE). */
gsctp_sock ts_open_server(int family, const gsctp_ip *ip,
                          const gsctp_opt *extra, size_t nextra);

/** A client and a server socket in one process, associated. */
typedef struct ts_pair {
  gsctp_sock srv;            /**< listening server socket */
  gsctp_sock cli;            /**< client socket */
  int family;                /**< the sockets' family */
  gsctp_ip ip;               /**< the address both are bound to */
  uint16_t srv_port;         /**< the server's SCTP port */
  uint16_t cli_port;         /**< the client's SCTP port */
  gsctp_assoc_change cli_up; /**< comm_up returned by gsctp_connect */
  gsctp_assoc_change srv_up; /**< comm_up the server's recv gave */
} ts_pair;

/**
 * `ts_pair_open` opens a server (listening) and a client of |family| on
 * |ip| (NULL: loopback) with the given extra options, connects the
 * client with a TS_WAIT_MS timeout and reads the server's comm_up (which
 * must be the server's first item, paddr_change events aside).  Asserts
 * that everything succeeds and that both records are comm_up with a
 * nonzero assoc_id.
 */
void ts_pair_open(ts_pair *p, int family, const gsctp_ip *ip,
                  const gsctp_opt *cli_opts, size_t ncli,
                  const gsctp_opt *srv_opts, size_t nsrv);

/** Closes both sockets of |p| (errors ignored). */
void ts_pair_close(ts_pair *p);

/* ------------------------------------------------------------------ */
/* Receiving                                                           */
/* ------------------------------------------------------------------ */

/**
 * `ts_recv_next` is gsctp_recv() that skips `sctp_paddr_change` events
 * (they come and go with the host's addresses) and ends by |timeout_ms|
 * overall.  Returns gsctp_recv()'s result: 0 or GSCTP_ESCTP_ERROR with
 * |*pitem| filled (caller frees), or another error with |*pitem| empty.
 * Safe in any thread.
 */
int ts_recv_next(gsctp_sock sock, int timeout_ms, gsctp_item *pitem);

/**
 * `ts_recv_event` receives until an event of |type| arrives (and, for
 * GSCTP_EV_ASSOC_CHANGE when |state| >= 0, of that state), discarding
 * everything else, for at most |timeout_ms| overall.  Returns 0 with
 * |*pitem| filled, or GSCTP_ETIMEOUT / the recv error.  If |pskipped| is
 * not NULL it receives the number of items discarded.  Safe in any
 * thread.
 */
int ts_recv_event(gsctp_sock sock, int type, int state, int timeout_ms,
                  gsctp_item *pitem, size_t *pskipped);

/**
 * `ts_recv_data` receives the next item (paddr_change aside) and asserts
 * that it is data (rc 0, !is_event).  Test thread only.
 */
void ts_recv_data(gsctp_sock sock, int timeout_ms, gsctp_item *pitem);

/**
 * `ts_expect_assoc_change` receives the next item (paddr_change aside)
 * and asserts that it is an sctp_assoc_change of |state| for
 * |assoc_id| (0: any).  Returns the record.  Test thread only.
 */
gsctp_assoc_change ts_expect_assoc_change(gsctp_sock sock, int state,
                                          uint32_t assoc_id);

/** Formats |item| for failure messages into |buf| and returns |buf|. */
char *ts_item_str(const gsctp_item *item, char *buf, size_t buflen);

/** Formats |addr| ("127.0.0.1:5000") into |buf| and returns |buf|. */
char *ts_addr_str(const gsctp_addr *addr, char *buf, size_t buflen);

/** Nonzero if |a| is |ip|:|port|. */
int ts_addr_is(const gsctp_addr *a, const gsctp_ip *ip, uint16_t port);

/* ------------------------------------------------------------------ */
/* Payloads                                                            */
/* ------------------------------------------------------------------ */

/** Fills |buf| with a byte pattern derived from |seed|. */
void ts_fill(uint8_t *buf, size_t len, uint32_t seed);

/** Returns the index of the first byte of |buf| that differs from the
 *  pattern of |seed|, or |len| if all match. */
size_t ts_check(const uint8_t *buf, size_t len, uint32_t seed);

/** Big-endian helpers for payload headers and packets. */
void ts_put16(uint8_t *p, uint16_t v);
void ts_put32(uint8_t *p, uint32_t v);
uint16_t ts_get16(const uint8_t *p);
uint32_t ts_get32(const uint8_t *p);

/* ------------------------------------------------------------------ */
/* Plain UDP sockets                                                   */
/* ------------------------------------------------------------------ */

/**
 * `ts_udp_open` opens a plain UDP socket of |family| (GSCTP_FAMILY_INET
 * or _INET6) bound to the loopback address on a free port, stores the
 * port in |*pport| and returns the descriptor, or -1.
 */
int ts_udp_open(int family, uint16_t *pport);

/** `ts_free_udp_port` returns a UDP port on 127.0.0.1 that was free a
 *  moment ago (bind to 0, read, close), or -1.  Racy by nature: prefer
 *  keeping a ts_udp_open() socket when the port must stay unused. */
int ts_free_udp_port(void);

/** Sends |len| bytes to 127.0.0.1:|port| from |fd|.  Returns 0 or -1. */
int ts_udp_send4(int fd, uint16_t port, const void *buf, size_t len);

/**
 * `ts_udp_recv` waits up to |timeout_ms| for one datagram on |fd| and
 * copies it to |buf|.  Returns its length, 0 on timeout, -1 on error.
 * If |pfrom_port| is not NULL it receives the sender's port.
 */
ssize_t ts_udp_recv(int fd, void *buf, size_t buflen, int timeout_ms,
                    uint16_t *pfrom_port);

/* ------------------------------------------------------------------ */
/* SCTP wire helpers (RFC 9260)                                        */
/* ------------------------------------------------------------------ */

/** CRC32c (Castagnoli, reflected polynomial 0x82F63B78, init and final
 *  xor 0xFFFFFFFF) of |len| bytes. */
uint32_t ts_crc32c(const void *buf, size_t len);

/** Computes the SCTP checksum of |pkt| (common header + chunks) with
 *  the checksum field taken as zero, and stores it little-endian in
 *  bytes 8..11, as SCTP requires. */
void ts_sctp_set_checksum(uint8_t *pkt, size_t len);

/** Nonzero if the checksum stored in |pkt| is right. */
int ts_sctp_checksum_ok(const uint8_t *pkt, size_t len);

/**
 * `ts_sctp_build_init` writes an SCTP packet holding one INIT chunk
 * (vtag 0, initiate tag |itag|, a_rwnd 65536, OS 10, MIS 10, initial
 * TSN |tsn|) from |sport| to |dport| into |buf| (at least 32 bytes),
 * with a correct checksum, and returns its length (32).
 */
size_t ts_sctp_build_init(uint8_t *buf, uint16_t sport, uint16_t dport,
                          uint32_t itag, uint32_t tsn);

/* ------------------------------------------------------------------ */
/* Threads and processes                                               */
/* ------------------------------------------------------------------ */

/** A helper thread running |fn(arg)|; its result lands in |rc|. */
typedef struct ts_thread {
  pthread_t tid;
  int (*fn)(void *arg);
  void *arg;
  int rc;
  int started;
} ts_thread;

/** Starts |th|.  Asserts success. */
void ts_thread_start(ts_thread *th, int (*fn)(void *), void *arg);

/** Joins |th| waiting at most |timeout_ms|.  Returns 0 (and the thread's
 *  result in |*prc|) or GSCTP_ETIMEOUT if it is still running. */
int ts_thread_join(ts_thread *th, int timeout_ms, int *prc);

/**
 * `ts_spawn` forks; the child runs |fn(arg)| and leaves with _exit() of
 * its result (0..255), never returning into Criterion.  Fork before the
 * parent starts a stack: usrsctp's threads do not survive fork().
 * Returns the child's PID, or -1.
 */
pid_t ts_spawn(int (*fn)(void *), void *arg);

/**
 * `ts_wait_child` waits up to |timeout_ms| for the child |pid| and stores
 * its wait status in |*pstatus|.  If it is still running then, it is
 * killed (by PID, SIGKILL), reaped, and GSCTP_ETIMEOUT is returned.
 * Returns 0 or GSCTP_ETIMEOUT, or -errno from waitpid.
 */
int ts_wait_child(pid_t pid, int timeout_ms, int *pstatus);

/** Writes all |len| bytes to |fd|.  Returns 0 or -1. */
int ts_write_full(int fd, const void *buf, size_t len);

/** Reads exactly |len| bytes from |fd| within |timeout_ms| overall.
 *  Returns 0, GSCTP_ETIMEOUT, or -1 (error or EOF). */
int ts_read_full(int fd, void *buf, size_t len, int timeout_ms);

/** Nonzero if the host has the IPv6 loopback address ::1 configured. */
int ts_have_ipv6_loopback(void);

/** A child process whose output (stdout and stderr together) a test
 *  reads. */
typedef struct ts_proc {
  pid_t pid;
  int fd;          /**< read end of its output */
  char out[65536]; /**< everything it printed so far, NUL-terminated */
  size_t len;
} ts_proc;

/** `ts_proc_start` runs argv[0] (a path) with |argv| (NULL-terminated),
 *  its stdout and stderr into a pipe.  Asserts on pipe/fork failure. */
void ts_proc_start(ts_proc *p, char *const argv[]);

/** `ts_proc_wait_for` reads |p|'s output until |needle| appears or
 *  |timeout_ms| passes; returns 1 if it appeared. */
int ts_proc_wait_for(ts_proc *p, const char *needle, int timeout_ms);

/** `ts_proc_exit` waits (reading its output) up to |timeout_ms| for |p|
 *  to exit, killing it by PID after that; returns its exit status, or -1
 *  if it was killed. */
int ts_proc_exit(ts_proc *p, int timeout_ms);

#ifdef __cplusplus
}
#endif

#endif /* GSCTP_TSUPPORT_H */
