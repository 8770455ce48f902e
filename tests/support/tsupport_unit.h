/*
 * tsupport_unit.h - small helpers for the unit suites (test_err,
 * test_addr, test_records, test_api_args).
 *
 * Every helper that can fail asserts with Criterion, so a test reads as
 * its scenario only.  Each Criterion test runs in its own process, so
 * each test gets a fresh process-global stack.
 */
#ifndef TSUPPORT_UNIT_H
#define TSUPPORT_UNIT_H

#include <stddef.h>
#include <stdint.h>

#include <gsctp/gsctp.h>

/** Number of elements of a true array. */
#define TSUPPORT_UNIT_COUNT(a) (sizeof(a) / sizeof((a)[0]))

/**
 * `tsupport_unit_start_stack` starts this process's stack on a free UDP
 * encapsulation port (udp_port 0), asserting success.  Call it first in
 * any test that opens sockets.
 */
void tsupport_unit_start_stack(void);

/**
 * `tsupport_unit_open_inet` opens a seqpacket inet socket bound to
 * 127.0.0.1 on a free SCTP port, plus the |nextra| options |extra| (may
 * be NULL when |nextra| is 0), asserting success.  Returns the handle.
 */
gsctp_sock tsupport_unit_open_inet(const gsctp_opt *extra, size_t nextra);

/**
 * `tsupport_unit_open_family` opens a seqpacket socket of |family|
 * (GSCTP_FAMILY_INET or GSCTP_FAMILY_INET6) bound to the loopback address
 * of that family, asserting success.
 */
gsctp_sock tsupport_unit_open_family(int family);

/** `tsupport_unit_now_ms` returns CLOCK_MONOTONIC in milliseconds. */
int64_t tsupport_unit_now_ms(void);

/** `tsupport_unit_opt_i` returns an integer-valued option. */
gsctp_opt tsupport_unit_opt_i(int name, int64_t value);

/**
 * `tsupport_unit_udp_bind` binds a plain UDP socket to |ip| (network
 * order, e.g. htonl(INADDR_ANY)) and |port| (0: any free port).  On
 * success it returns the descriptor and stores the bound port in
 * |*pport| (may be NULL); on failure it returns -errno.
 */
int tsupport_unit_udp_bind(uint32_t ip, int port, int *pport);

#endif /* TSUPPORT_UNIT_H */
