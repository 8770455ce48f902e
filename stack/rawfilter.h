/*
 * rawfilter.h - isolation of usrsctp's raw IP sockets between stacks.
 * Internal, not installed.
 *
 * As root (CAP_NET_RAW), usrsctp_init opens raw IPv4 and IPv6 sockets
 * for IP protocol 132, and every raw socket of the namespace receives a
 * copy of every SCTP packet.  A second stack on the host (another gsctp
 * process, or any usrsctp program) therefore sees the first one's
 * packets and answers them as out of the blue: its ABORT kills the
 * first stack's handshakes.  rawfilter finds usrsctp's raw sockets and
 * attaches a classic BPF filter to them that accepts only packets whose
 * destination SCTP port a native (udp or raw transport) socket of this
 * process is bound to; everything else is dropped in the kernel before
 * usrsctp sees it.
 *
 * Every function is thread-safe (one internal mutex).
 */
#ifndef GSCTP_RAWFILTER_H
#define GSCTP_RAWFILTER_H

#include <stddef.h>
#include <stdint.h>

/* How long a port stays in the filter after its last socket closed, so
 * that the association's SHUTDOWN exchange (which usrsctp finishes after
 * close) still reaches usrsctp. */
#define GSCTP_RAWFILTER_LINGER_MS 30000

/*
 * gsctp_rawfilter_before_init records which file descriptors are open,
 * just before usrsctp_init.  Call with the stack lock held.
 */
void gsctp_rawfilter_before_init(void);

/*
 * gsctp_rawfilter_after_init finds the raw SCTP sockets usrsctp_init
 * opened (descriptors that are new since gsctp_rawfilter_before_init,
 * SOCK_RAW, protocol 132) and attaches the filter to them (accepting
 * nothing yet: no socket is bound).  Unless $GSCTP_RAW_FILTER is "0",
 * which leaves the raw sockets unfiltered (for tests that show what the
 * filter prevents).  Returns the number of raw sockets found.
 */
int gsctp_rawfilter_after_init(void);

/*
 * gsctp_rawfilter_reset forgets the raw sockets and ports (at stack
 * shutdown, before usrsctp_finish closes the sockets).
 */
void gsctp_rawfilter_reset(void);

/*
 * gsctp_rawfilter_raw_count returns the number of raw SCTP sockets the
 * running stack has (0: not root / no CAP_NET_RAW when it started, or no
 * stack).  The raw transport needs at least one.
 */
int gsctp_rawfilter_raw_count(void);

/*
 * gsctp_rawfilter_port_add adds a reference to SCTP port |port| (a
 * native socket was bound to it) and updates the filters.  Returns 0,
 * GSCTP_ENOMEM, or GSCTP_EINVAL for port 0.
 */
int gsctp_rawfilter_port_add(uint16_t port);

/*
 * gsctp_rawfilter_port_del drops a reference to |port|.  When none is
 * left the port stays accepted for GSCTP_RAWFILTER_LINGER_MS more, and
 * leaves the filter at the next update after that.
 */
void gsctp_rawfilter_port_del(uint16_t port);

/*
 * gsctp_rawfilter_ports copies the ports the filters accept now (at most
 * |max|) into |ports| and returns how many there are (may exceed |max|).
 * For tests.
 */
size_t gsctp_rawfilter_ports(uint16_t *ports, size_t max);

/*
 * gsctp_rawfilter_accepts runs the program the filters of family |af|
 * (AF_INET: |pkt| starts with the IPv4 header; AF_INET6: with the SCTP
 * common header) would run on |pkt| and returns nonzero if it accepts the
 * packet.  For tests: the same program as the kernel gets, interpreted.
 */
int gsctp_rawfilter_accepts(int af, const uint8_t *pkt, size_t len);

#endif /* GSCTP_RAWFILTER_H */
