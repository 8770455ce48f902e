/*
 * udplink.h - the udp_conn transport: SCTP over UDP (RFC 6951) on UDP
 * sockets that gsctp owns, reaching usrsctp through AF_CONN.  Internal
 * (not installed); used by the front end (frontend/transport.c), the
 * stack and tests.
 *
 * An endpoint is one UDP socket bound to (local IP, local UDP port).
 * Sockets that ask for the same non-zero (IP, port) share it; port 0
 * gives each socket its own ephemeral port.  A handle is the AF_CONN
 * address usrsctp sees for one remote (IP, UDP port) of one endpoint;
 * its pointer value is the sconn_addr of the association's sockaddr_conn.
 *
 * Every received datagram is checked before usrsctp sees it (CRC32c,
 * chunk and parameter lengths, INIT/INIT-ACK sanity, verification tag
 * against what the handle has seen on the wire); what fails is dropped
 * and counted (gsctp_udplink_get_stats).  See docs/architecture.md.
 */
#ifndef GSCTP_UDPLINK_H
#define GSCTP_UDPLINK_H

#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

typedef struct gsctp_udp_ep gsctp_udp_ep;

/* Counters of the udp_conn transport (all endpoints). */
typedef struct gsctp_udplink_stats {
  uint64_t datagrams_in;   /* datagrams read from endpoint sockets */
  uint64_t datagrams_out;  /* datagrams sent */
  uint64_t send_errors;    /* sends that failed (a loss SCTP recovers) */
  uint64_t drop_checksum;  /* wrong CRC32c */
  uint64_t drop_malformed; /* too short, bad chunk length, bad bundling */
  uint64_t drop_init;      /* INIT/INIT-ACK with bad parameters/streams */
  uint64_t drop_vtag;      /* verification tag unknown for the ports */
  uint64_t drop_unknown;   /* not INIT, from a remote with no handle */
  uint64_t drop_not_ours;  /* INIT to an SCTP port not on the endpoint */
  uint64_t no_listener;    /* INIT from a new remote to a port that does
                              not listen: answered with ABORT */
  uint64_t drop_limit;     /* new remote refused: too many handles */
  uint64_t port_moves;     /* remote UDP port updated (RFC 6951 5.4) */
  uint64_t handles;        /* handles now */
  uint64_t endpoints;      /* endpoints now */
} gsctp_udplink_stats;

/*
 * gsctp_udplink_ep_open opens (or shares) the endpoint for |local|
 * (AF_INET or AF_INET6; port 0 = a new ephemeral endpoint) and stores it
 * in |*pep| with one reference the caller drops with
 * gsctp_udplink_ep_close().  Starts the receive thread if needed.
 * Returns 0 or a negative gsctp code (GSCTP_EADDRINUSE, GSCTP_EAFNOSUPPORT,
 * GSCTP_EADDRNOTAVAIL, GSCTP_ENOMEM, ...).
 */
int gsctp_udplink_ep_open(const struct sockaddr *local, socklen_t len,
                          gsctp_udp_ep **pep);

/* Takes one more reference on |ep| (a socket sharing it). */
void gsctp_udplink_ep_ref(gsctp_udp_ep *ep);

/* Drops a reference taken by gsctp_udplink_ep_open or _ep_ref.  The UDP socket
 * closes once no socket and no handle uses the endpoint. */
void gsctp_udplink_ep_close(gsctp_udp_ep *ep);

/* The endpoint's bound local address (the port is the real one). */
void gsctp_udplink_ep_local(const gsctp_udp_ep *ep, struct sockaddr_storage *ss,
                            socklen_t *plen);

/* The endpoint's UDP socket (for tests: send "from" its address). */
int gsctp_udplink_ep_fd(const gsctp_udp_ep *ep);

/*
 * The SCTP ports served through |ep|: an INIT is only passed to usrsctp
 * for a port added here, and creates a handle for a new remote only if
 * the port listens.  Each add is matched by one del.
 */
int gsctp_udplink_ep_add_port(gsctp_udp_ep *ep, uint16_t sctp_port);
void gsctp_udplink_ep_del_port(gsctp_udp_ep *ep, uint16_t sctp_port);
void gsctp_udplink_ep_listen(gsctp_udp_ep *ep, uint16_t sctp_port, int on);

/*
 * gsctp_udplink_handle returns in |*phandle| the AF_CONN address for
 * |remote| (AF_INET/AF_INET6 with the remote UDP port) on |ep|, creating
 * and registering it with usrsctp if needed.  Returns 0, GSCTP_EINVAL
 * (bad address or family mismatch), GSCTP_ENOMEM.
 */
int gsctp_udplink_handle(gsctp_udp_ep *ep, const struct sockaddr *remote,
                         void **phandle);

/*
 * gsctp_udplink_handle_addrs: if |handle| is a live handle, stores its
 * remote address (IP and UDP port) and its endpoint's local address and
 * returns 1; returns 0 for anything else (a link, a freed handle).
 * Either output may be NULL.
 */
int gsctp_udplink_handle_addrs(const void *handle,
                               struct sockaddr_storage *remote,
                               struct sockaddr_storage *local);

/* Marks |handle| as used by an association (during the sweep hook). */
void gsctp_udplink_mark(const void *handle);

/*
 * The sweep: every |interval_ms| the receive thread calls |mark_all|
 * (which calls gsctp_udplink_mark for every handle an association uses)
 * and frees the handles that were not marked and carried no packet for
 * |idle_ms|.  Defaults: 5 s and 120 s.  Values <= 0 keep the current.
 */
void gsctp_udplink_set_sweep_hook(void (*mark_all)(void));
void gsctp_udplink_set_sweep_times(int interval_ms, int idle_ms);

/*
 * The AF_CONN output for handles: returns 1 if |addr| is a udplink
 * handle (the packet was sent or dropped), 0 if it is not one.
 */
int gsctp_udplink_output(void *addr, const void *buf, size_t len, uint8_t tos);

/*
 * How many handles were freed so far.  A handle's remote IP never
 * changes while it lives, so an IP found with gsctp_udplink_handle_addrs
 * for a handle pointer stays right for that pointer until this count
 * moves (a freed handle's memory may come back as another handle).
 */
uint64_t gsctp_udplink_handles_freed(void);

/* Copies the counters. */
void gsctp_udplink_get_stats(gsctp_udplink_stats *st);

/*
 * On the receive thread, while it hands a batch of datagrams to usrsctp:
 * run |fn|(|arg|) once after the batch (after the batch's output is
 * sent) instead of now, so that a socket's readers are woken once per
 * batch, not once per datagram.  Equal (fn, arg) pairs run once.
 * Returns 1 if deferred; 0 on any other thread or when the list is full
 * (the caller then does the work itself at once).
 */
int gsctp_udplink_defer(void (*fn)(uintptr_t), uintptr_t arg);

/*
 * Capture hook (for the pcap tap): when set, called once per datagram
 * that usrsctp sends (outbound 1) or that passed the checks and goes to
 * usrsctp (outbound 0), with the real local and remote UDP addresses
 * and the bare SCTP packet (borrowed).  Called from usrsctp's or the
 * receive thread, never with a udplink lock held; must not block.
 * Returns the previous hook (the stack installs the pcap tap,
 * gsctp_tap_udp, at start).
 */
typedef void (*gsctp_udplink_tap_fn)(int outbound, const struct sockaddr *local,
                                     const struct sockaddr *remote,
                                     const void *sctp, size_t len);
gsctp_udplink_tap_fn gsctp_udplink_set_tap(gsctp_udplink_tap_fn fn);

/* Stops the receive thread, deregisters and frees every handle, closes
 * every endpoint socket (at stack shutdown). */
void gsctp_udplink_shutdown_all(void);

#endif /* GSCTP_UDPLINK_H */
