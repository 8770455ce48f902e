/*
 * transport.h - the front end's side of the udp_conn transport
 * (GSCTP_TRANSPORT_UDP_CONN, stack/udplink.c).  Internal.
 *
 * A udp_conn socket is a usrsctp AF_CONN socket bound to the wildcard
 * AF_CONN address on its SCTP port, plus a UDP endpoint.  Every address
 * crossing the API is mapped here, in one place: real IP -> AF_CONN
 * handle on connect, handle -> real IP for everything usrsctp reports.
 */
#ifndef GSCTP_TRANSPORT_H
#define GSCTP_TRANSPORT_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "gsctp/sctp.h"

struct gsctp_sockimpl;
struct socket;

/* Per-socket state of a udp_conn socket (s->tp; NULL for other
 * transports).  Immutable once gsctp_open returned. */
struct gsctp_udpconn;

/*
 * gsctp_transport_bind opens the socket's UDP endpoint at |ip| (NULL or
 * UNSPEC: the family's wildcard) and |udp_port| (-1: 9899), binds |so| to
 * SCTP port |sctp_port| (0: a free one) and sets s->tp.  Returns 0 or a
 * negative gsctp code.
 */
int gsctp_transport_bind(struct gsctp_sockimpl *s, struct socket *so,
                         const gsctp_ip *ip, int sctp_port, int udp_port);

/* Gives a peeled-off or accepted socket |child| the udp_conn state of
 * |parent| (same UDP endpoint and SCTP port).  0 or GSCTP_ENOMEM. */
int gsctp_transport_inherit(const struct gsctp_sockimpl *parent,
                            struct gsctp_sockimpl *child);

/* Frees s->tp (from sock_free). */
void gsctp_transport_release(struct gsctp_sockimpl *s);

/* Records listen(backlog) for the endpoint's INIT filter. */
void gsctp_transport_listen(struct gsctp_sockimpl *s, int backlog);

/*
 * gsctp_transport_peer_sockaddr turns the peer |ip|:|port| into the
 * sockaddr_conn of its handle (remote UDP port: s->remote_udp_port).
 */
int gsctp_transport_peer_sockaddr(struct gsctp_sockimpl *s, const gsctp_ip *ip,
                                  uint16_t port, struct sockaddr_storage *ss,
                                  socklen_t *plen);

/*
 * gsctp_transport_map_conn: if |conn| is a udp_conn handle, stores its
 * remote IP in |*pip| and returns 1; else returns 0.
 */
int gsctp_transport_map_conn(const void *conn, gsctp_ip *pip);

/* socknames of a udp_conn socket: its endpoint's IP (for an
 * association: the IP its peer sends to) with its SCTP port. */
int gsctp_transport_socknames(struct gsctp_sockimpl *s, uint32_t assoc_id,
                              gsctp_addr *addrs, size_t max, size_t *pn);

/* The socket's local UDP port, or -1 if it is not a udp_conn socket. */
int gsctp_transport_udp_port(struct gsctp_sockimpl *s);

/* For tests: the UDP socket of |sock|'s endpoint, or a negative code. */
int gsctp_transport_udp_fd(gsctp_sock sock);

#endif /* GSCTP_TRANSPORT_H */
