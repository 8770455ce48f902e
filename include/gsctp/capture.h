/*
 * gsctp/capture.h - record every SCTP packet the stack sends and
 * receives into a pcap file.
 *
 * One capture per process.  The file has link type LINKTYPE_RAW (101):
 * every record is an IPv4 or IPv6 packet, so Wireshark and tshark decode
 * it without settings.
 *  - AF_CONN links (in-memory and user links, gsctp/link.h) are tapped
 *    inside the process.  They have no IP addresses, so link number K
 *    (1, 2, ... in the order the capture first sees them) is written as
 *    IPv4 address 127.42.K/256.K%256, the same for both ends (the SCTP
 *    ports tell them apart), with SCTP directly in IP (protocol 132).
 *    A packet on an in-memory link is recorded once, when the stack sends
 *    it; on a user link when it is sent and when it is handed in.
 *  - usrsctp's own UDP encapsulation socket (gsctp/stack.h) is captured
 *    live with libpcap on the "any" interface, filtered on the stack's UDP
 *    port (GSCTP_CAPTURE_LIVE; needs root or CAP_NET_RAW).  Those records
 *    are the real IPv4/IPv6 + UDP packets.  When the stack has raw
 *    sockets (started as root), SCTP directly over IP (protocol 132, the
 *    raw transport) is captured too, every stack's of the network
 *    namespace.  tshark decodes UDP port 9899
 *    as SCTP by default; for another port give it `-d udp.port==N,sctp`
 *    (gsctp-pcap: `--udp-port N`).
 * Each record is flushed to the file at once, so a crash loses nothing.
 *
 * The environment variable GSCTP_PCAP=FILE starts a capture (tap only)
 * when the stack starts; GSCTP_PCAP_LIVE=1 adds the live capture.
 */
#ifndef GSCTP_CAPTURE_H
#define GSCTP_CAPTURE_H

#include <stdint.h>

#include "gsctp/version.h"

#ifdef __cplusplus
extern "C" {
#endif

/** gsctp_capture_start flag: also capture the stack's UDP encapsulation
 *  traffic live (needs root or CAP_NET_RAW). */
#define GSCTP_CAPTURE_LIVE 0x1u

/**
 * `gsctp_capture_start` creates (truncates) the pcap file |path| and
 * records every packet of the AF_CONN links into it from now on; with
 * GSCTP_CAPTURE_LIVE also the packets of the stack's UDP encapsulation
 * port (starting the stack with the defaults if it is not running).
 * Thread-safe; |path| is borrowed.
 *
 * This function returns 0 if it succeeds, or one of the following
 * negative error codes:
 *
 * GSCTP_EBADARG: |path| is NULL or empty, or |flags| has unknown bits.
 * GSCTP_EALREADY: a capture is running.
 * GSCTP_EPERM: GSCTP_CAPTURE_LIVE without the privilege to capture.
 * GSCTP_EINVAL: GSCTP_CAPTURE_LIVE but the stack has no UDP port.
 * GSCTP_EIO: the file cannot be created, or libpcap failed otherwise
 *   (the reason goes to stderr).
 * any error of gsctp_stack_ensure() (with GSCTP_CAPTURE_LIVE).
 */
GSCTP_EXTERN int gsctp_capture_start(const char *path, unsigned flags);

/**
 * `gsctp_capture_stop` stops the capture and closes the file.
 * Thread-safe.  Returns 0, or GSCTP_ENOTCONN if no capture runs.
 */
GSCTP_EXTERN int gsctp_capture_stop(void);

/**
 * `gsctp_capture_packets` returns how many packets the running (or last)
 * capture has written.  Thread-safe.
 */
GSCTP_EXTERN uint64_t gsctp_capture_packets(void);

#ifdef __cplusplus
}
#endif

#endif /* GSCTP_CAPTURE_H */
