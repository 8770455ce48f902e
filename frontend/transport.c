/*
 * transport.c - the front end's side of the udp_conn transport: open,
 * bind, listen, and the mapping between real IP addresses and the
 * AF_CONN handles usrsctp sees (stack/udplink.c).  Kept in one file so
 * that sock.c only calls in at a few places.
 *
 * Handle lifetime: udplink's receive thread asks (every few seconds)
 * which handles associations still use; mark_all() answers by listing
 * the peer addresses of every association of every udp_conn socket.
 */
#include "transport.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "gsctp/err.h"
#include "gsctp/stack.h"
#include "gsctp_int.h"
#include "udplink.h"

struct gsctp_udpconn {
  gsctp_udp_ep *ep;
  uint16_t sctp_port;
};

static void ip_from_ss(const struct sockaddr_storage *ss, gsctp_ip *pip) {
  memset(pip, 0, sizeof(*pip));
  if (ss->ss_family == AF_INET) {
    pip->family = GSCTP_FAMILY_INET;
    memcpy(pip->u.v4, &((const struct sockaddr_in *)(const void *)ss)->sin_addr,
           4);
  } else if (ss->ss_family == AF_INET6) {
    pip->family = GSCTP_FAMILY_INET6;
    memcpy(pip->u.v6,
           &((const struct sockaddr_in6 *)(const void *)ss)->sin6_addr, 16);
  }
}

/* ---- the sweep: which handles do associations use? ---- */

/* Marks the handles among the peer addresses of association |id|. */
static void mark_assoc(struct socket *so, sctp_assoc_t id) {
  struct sockaddr *list = NULL;
  int k, m = usrsctp_getpaddrs(so, id, &list);
  uint8_t *p = (uint8_t *)list;

  for (k = 0; k < m && p != NULL; ++k) {
    const struct sockaddr *sa = (const struct sockaddr *)(void *)p;
    size_t sl = gsctp_sockaddr_len(sa);

    if (sl == 0) {
      break;
    }
    if (sa->sa_family == AF_CONN) {
      gsctp_udplink_mark(
        ((const struct sockaddr_conn *)(const void *)sa)->sconn_addr);
    }
    p += sl;
  }
  if (list != NULL) {
    usrsctp_freepaddrs(list);
  }
}

static void mark_socket(gsctp_sockimpl *s, void *arg) {
  struct socket *so;
  uint32_t n = 0, i;
  socklen_t len = sizeof(n);
  struct sctp_assoc_ids *ids;
  size_t sz;

  (void)arg;
  if (s->tp == NULL || gsctp_so_enter(s, &so) != 0) {
    return;
  }
  if (s->type == GSCTP_TYPE_STREAM) {
    /* One-to-one: usrsctp refuses the association list; there is at
     * most one association, id 0. */
    mark_assoc(so, 0);
    gsctp_so_leave(s);
    return;
  }
  if (usrsctp_getsockopt(so, IPPROTO_SCTP, SCTP_GET_ASSOC_NUMBER, &n, &len) !=
        0 ||
      n == 0) {
    gsctp_so_leave(s);
    return;
  }
  /* Room for a few more that may appear meanwhile. */
  sz = sizeof(*ids) + (size_t)(n + 16) * sizeof(sctp_assoc_t);
  ids = calloc(1, sz);
  len = (socklen_t)sz;
  if (ids != NULL &&
      usrsctp_getsockopt(so, IPPROTO_SCTP, SCTP_GET_ASSOC_ID_LIST, ids, &len) ==
        0) {
    for (i = 0; i < ids->gaids_number_of_ids; ++i) {
      mark_assoc(so, ids->gaids_assoc_id[i]);
    }
  }
  free(ids);
  gsctp_so_leave(s);
}

static void mark_all(void) {
  gsctp_sock_foreach(mark_socket, NULL);
}

/* ---- open / close ---- */

static int local_sockaddr(int family, const gsctp_ip *ip, int udp_port,
                          struct sockaddr_storage *ss, socklen_t *plen) {
  gsctp_ip any;

  if (ip == NULL || ip->family == GSCTP_FAMILY_UNSPEC) {
    any = gsctp_ip_any(family);
    ip = &any;
  }
  if (ip->family != family) {
    return gsctp_detail(GSCTP_EAFNOSUPPORT,
                        "the ip option is not of the socket's family");
  }
  return gsctp_addr_to_sockaddr(
    ip, (uint16_t)(udp_port < 0 ? GSCTP_DEFAULT_UDP_PORT : udp_port), ss, plen);
}

int gsctp_transport_bind(gsctp_sockimpl *s, struct socket *so,
                         const gsctp_ip *ip, int sctp_port, int udp_port) {
  struct gsctp_udpconn *tp;
  struct sockaddr_storage ss;
  struct sockaddr_conn sc;
  struct sockaddr *la = NULL;
  socklen_t len;
  int rv, n;

  if (s->family != GSCTP_FAMILY_INET && s->family != GSCTP_FAMILY_INET6) {
    return gsctp_detail(GSCTP_EBADARG,
                        "transport udp_conn needs family inet or inet6");
  }
  rv = local_sockaddr(s->family, ip, udp_port, &ss, &len);
  if (rv != 0) {
    return rv;
  }
  tp = calloc(1, sizeof(*tp));
  if (tp == NULL) {
    return GSCTP_ENOMEM;
  }
  rv = gsctp_udplink_ep_open((struct sockaddr *)&ss, len, &tp->ep);
  if (rv != 0) {
    free(tp);
    return rv;
  }
  gsctp_udplink_set_sweep_hook(mark_all);

  memset(&sc, 0, sizeof(sc));
  sc.sconn_family = AF_CONN;
  sc.sconn_port = htons((uint16_t)sctp_port);
  sc.sconn_addr = NULL; /* every handle: demultiplexed by SCTP port */
  if (usrsctp_bind(so, (struct sockaddr *)&sc, sizeof(sc)) != 0) {
    rv = gsctp_err_from_errno(errno);
    gsctp_udplink_ep_close(tp->ep);
    free(tp);
    return rv;
  }
  tp->sctp_port = (uint16_t)sctp_port;
  n = usrsctp_getladdrs(so, 0, &la);
  if (n > 0 && la != NULL && la->sa_family == AF_CONN) {
    tp->sctp_port =
      ntohs(((const struct sockaddr_conn *)(const void *)la)->sconn_port);
  }
  if (la != NULL) {
    usrsctp_freeladdrs(la);
  }
  if (tp->sctp_port == 0) {
    gsctp_udplink_ep_close(tp->ep);
    free(tp);
    return gsctp_detail(GSCTP_EADDRNOTAVAIL,
                        "cannot learn the SCTP port usrsctp bound");
  }
  rv = gsctp_udplink_ep_add_port(tp->ep, tp->sctp_port);
  if (rv != 0) {
    gsctp_udplink_ep_close(tp->ep);
    free(tp);
    return rv;
  }
  s->tp = tp;
  return 0;
}

int gsctp_transport_inherit(const gsctp_sockimpl *parent,
                            gsctp_sockimpl *child) {
  struct gsctp_udpconn *tp;

  if (parent->tp == NULL) {
    return 0;
  }
  tp = calloc(1, sizeof(*tp));
  if (tp == NULL) {
    return GSCTP_ENOMEM;
  }
  *tp = *parent->tp;
  gsctp_udplink_ep_ref(tp->ep);
  if (gsctp_udplink_ep_add_port(tp->ep, tp->sctp_port) != 0) {
    gsctp_udplink_ep_close(tp->ep);
    free(tp);
    return GSCTP_ENOMEM;
  }
  child->tp = tp;
  return 0;
}

void gsctp_transport_release(gsctp_sockimpl *s) {
  struct gsctp_udpconn *tp = s->tp;

  if (tp == NULL) {
    return;
  }
  s->tp = NULL;
  gsctp_udplink_ep_del_port(tp->ep, tp->sctp_port);
  gsctp_udplink_ep_close(tp->ep);
  free(tp);
}

void gsctp_transport_listen(gsctp_sockimpl *s, int backlog) {
  if (s->tp != NULL) {
    gsctp_udplink_ep_listen(s->tp->ep, s->tp->sctp_port,
                            backlog > 0 || s->type == GSCTP_TYPE_STREAM);
  }
}

/* ---- addresses ---- */

int gsctp_transport_peer_sockaddr(gsctp_sockimpl *s, const gsctp_ip *ip,
                                  uint16_t port, struct sockaddr_storage *ss,
                                  socklen_t *plen) {
  struct sockaddr_storage remote;
  struct sockaddr_conn *sc = (struct sockaddr_conn *)(void *)ss;
  socklen_t rlen;
  void *handle = NULL;
  int rport, rv;

  pthread_mutex_lock(&s->mu);
  rport = s->remote_udp_port;
  pthread_mutex_unlock(&s->mu);
  rv = gsctp_addr_to_sockaddr(ip, (uint16_t)rport, &remote, &rlen);
  if (rv != 0) {
    return rv;
  }
  rv = gsctp_udplink_handle(s->tp->ep, (struct sockaddr *)&remote, &handle);
  if (rv != 0) {
    return rv == GSCTP_EINVAL
             ? gsctp_detail(GSCTP_EINVAL, "remote UDP port %d is not usable",
                            rport)
             : rv;
  }
  memset(ss, 0, sizeof(*ss));
  sc->sconn_family = AF_CONN;
  sc->sconn_port = htons(port);
  sc->sconn_addr = handle;
  *plen = sizeof(*sc);
  return 0;
}

int gsctp_transport_map_conn(const void *conn, gsctp_ip *pip) {
  struct sockaddr_storage remote;

  if (!gsctp_udplink_handle_addrs(conn, &remote, NULL)) {
    return 0;
  }
  ip_from_ss(&remote, pip);
  return 1;
}

int gsctp_transport_socknames(gsctp_sockimpl *s, uint32_t assoc_id,
                              gsctp_addr *addrs, size_t max, size_t *pn) {
  struct sockaddr_storage local;
  struct socket *so;

  gsctp_udplink_ep_local(s->tp->ep, &local, NULL);
  if (assoc_id != 0 && gsctp_so_enter(s, &so) == 0) {
    /* An association's local IP: the one its peer sends to (it differs
     * from the endpoint's when that is bound to the wildcard). */
    struct sockaddr *list = NULL;
    int n = usrsctp_getpaddrs(so, (sctp_assoc_t)assoc_id, &list);

    if (n > 0 && list != NULL && list->sa_family == AF_CONN) {
      (void)gsctp_udplink_handle_addrs(
        ((const struct sockaddr_conn *)(const void *)list)->sconn_addr, NULL,
        &local);
    }
    if (list != NULL) {
      usrsctp_freepaddrs(list);
    }
    gsctp_so_leave(s);
  }
  if (max > 0 && addrs != NULL) {
    ip_from_ss(&local, &addrs[0].ip);
    addrs[0].port = s->tp->sctp_port;
  }
  *pn = 1;
  return 0;
}

int gsctp_transport_udp_port(gsctp_sockimpl *s) {
  struct sockaddr_storage local;

  if (s->tp == NULL) {
    return -1;
  }
  gsctp_udplink_ep_local(s->tp->ep, &local, NULL);
  return local.ss_family == AF_INET
           ? ntohs(((struct sockaddr_in *)(void *)&local)->sin_port)
           : ntohs(((struct sockaddr_in6 *)(void *)&local)->sin6_port);
}

int gsctp_transport_udp_fd(gsctp_sock sock) {
  gsctp_sockimpl *s = gsctp_sock_get(sock);
  int fd;

  if (s == NULL) {
    return GSCTP_ECLOSED;
  }
  fd = s->tp != NULL ? gsctp_udplink_ep_fd(s->tp->ep) : GSCTP_EINVAL;
  gsctp_sock_put(s);
  return fd;
}
