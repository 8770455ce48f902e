/*
 * tap.h - the capture tap's internal entry points (see gsctp/capture.h).
 * Not installed.  Every function here returns at once when no capture
 * runs, and is thread-safe.
 */
#ifndef GSCTP_TAP_H
#define GSCTP_TAP_H

#include <stddef.h>
#include <sys/socket.h>

/*
 * gsctp_tap_conn records an SCTP packet |sctp|/|len| carried by the
 * AF_CONN link |link| (an opaque pointer that names the link).
 * |outbound| is 1 for a packet the stack sends, 0 for one handed in.
 */
void gsctp_tap_conn(int outbound, const void *link, const void *sctp,
                    size_t len);

/*
 * gsctp_tap_udp records an SCTP packet sent (|outbound| 1: |local| ->
 * |remote|) or received (0: |remote| -> |local|) in UDP between the two
 * socket addresses (both AF_INET or both AF_INET6, with ports).  For a
 * UDP transport that gsctp owns.  Packets with other families are
 * ignored.
 */
void gsctp_tap_udp(int outbound, const struct sockaddr *local,
                   const struct sockaddr *remote, const void *sctp, size_t len);

/* gsctp_tap_env_start starts the capture named by $GSCTP_PCAP (once per
 * process), after the stack has started.  Must be called with no stack
 * lock held. */
void gsctp_tap_env_start(void);

#endif /* GSCTP_TAP_H */
