/*
 * addr.c - gsctp_ip / gsctp_addr helpers, and the conversions between
 * them and the sockaddr structures usrsctp uses (internal, gsctp_int.h).
 */
#include "gsctp/addr.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "gsctp/err.h"
#include "gsctp_int.h"
#include "transport.h"

gsctp_ip gsctp_ip_any(int family) {
  gsctp_ip ip;

  memset(&ip, 0, sizeof(ip));
  ip.family = family;
  return ip;
}

gsctp_ip gsctp_ip_loopback(int family) {
  gsctp_ip ip;

  memset(&ip, 0, sizeof(ip));
  if (family == GSCTP_FAMILY_INET) {
    ip.family = family;
    ip.u.v4[0] = 127;
    ip.u.v4[3] = 1;
  } else if (family == GSCTP_FAMILY_INET6) {
    ip.family = family;
    ip.u.v6[15] = 1;
  }
  return ip;
}

gsctp_ip gsctp_ip_v4(uint8_t a, uint8_t b, uint8_t c, uint8_t d) {
  gsctp_ip ip;

  memset(&ip, 0, sizeof(ip));
  ip.family = GSCTP_FAMILY_INET;
  ip.u.v4[0] = a;
  ip.u.v4[1] = b;
  ip.u.v4[2] = c;
  ip.u.v4[3] = d;
  return ip;
}

gsctp_ip gsctp_ip_conn(void *link) {
  gsctp_ip ip;

  memset(&ip, 0, sizeof(ip));
  ip.family = GSCTP_FAMILY_CONN;
  ip.u.conn = link;
  return ip;
}

int gsctp_ip_parse(const char *str, gsctp_ip *pip) {
  gsctp_ip ip;

  if (str == NULL || pip == NULL) {
    return gsctp_detail(GSCTP_EBADARG,
                        "bad argument: str == NULL || pip == NULL");
  }
  memset(&ip, 0, sizeof(ip));
  if (inet_pton(AF_INET, str, ip.u.v4) == 1) {
    ip.family = GSCTP_FAMILY_INET;
  } else if (inet_pton(AF_INET6, str, ip.u.v6) == 1) {
    ip.family = GSCTP_FAMILY_INET6;
  } else {
    return GSCTP_EINVAL;
  }
  *pip = ip;
  return 0;
}

int gsctp_getaddr(const char *host, int family, gsctp_ip *pip) {
  struct addrinfo hints, *res = NULL, *ai;
  gsctp_ip lit;
  int rv;

  if (host == NULL || pip == NULL) {
    return gsctp_detail(GSCTP_EBADARG,
                        "bad argument: host == NULL || pip == NULL");
  }
  if (family != GSCTP_FAMILY_INET && family != GSCTP_FAMILY_INET6) {
    return GSCTP_EAFNOSUPPORT;
  }
  if (gsctp_ip_parse(host, &lit) == 0) {
    if (lit.family != family) {
      return GSCTP_EAFNOSUPPORT;
    }
    *pip = lit;
    return 0;
  }
  if (host[0] == '\0' || strcmp(host, ".") == 0) {
    return GSCTP_ENXDOMAIN;
  }
  memset(&hints, 0, sizeof(hints));
  hints.ai_family = family == GSCTP_FAMILY_INET ? AF_INET : AF_INET6;
  hints.ai_socktype = SOCK_DGRAM;
  rv = getaddrinfo(host, NULL, &hints, &res);
  if (rv != 0 || res == NULL) {
    if (res != NULL) {
      freeaddrinfo(res);
    }
    return GSCTP_ENXDOMAIN;
  }
  rv = GSCTP_ENXDOMAIN;
  for (ai = res; ai != NULL; ai = ai->ai_next) {
    if (gsctp_addr_from_sockaddr(ai->ai_addr, NULL, pip) == 0 &&
        pip->family == family) {
      rv = 0;
      break;
    }
  }
  freeaddrinfo(res);
  return rv;
}

char *gsctp_ip_format(const gsctp_ip *ip, char *buf, size_t buflen) {
  char tmp[GSCTP_IP_STRLEN];

  if (buf == NULL || buflen == 0) {
    return buf;
  }
  if (ip == NULL) {
    snprintf(tmp, sizeof(tmp), "undefined");
  } else if (ip->family == GSCTP_FAMILY_INET) {
    inet_ntop(AF_INET, ip->u.v4, tmp, sizeof(tmp));
  } else if (ip->family == GSCTP_FAMILY_INET6) {
    inet_ntop(AF_INET6, ip->u.v6, tmp, sizeof(tmp));
  } else if (ip->family == GSCTP_FAMILY_CONN) {
    snprintf(tmp, sizeof(tmp), "conn:%p", ip->u.conn);
  } else {
    snprintf(tmp, sizeof(tmp), "any");
  }
  snprintf(buf, buflen, "%s", tmp);
  return buf;
}

int gsctp_ip_equal(const gsctp_ip *a, const gsctp_ip *b) {
  if (a == NULL || b == NULL || a->family != b->family) {
    return 0;
  }
  switch (a->family) {
  case GSCTP_FAMILY_INET:
    return memcmp(a->u.v4, b->u.v4, 4) == 0;
  case GSCTP_FAMILY_INET6:
    return memcmp(a->u.v6, b->u.v6, 16) == 0;
  case GSCTP_FAMILY_CONN:
    return a->u.conn == b->u.conn;
  default:
    return 1;
  }
}

/* ---- internal conversions ---- */

int gsctp_addr_from_sockaddr(const struct sockaddr *sa, uint16_t *pport,
                             gsctp_ip *pip) {
  gsctp_ip ip;
  uint16_t port = 0;

  if (sa == NULL) {
    return GSCTP_EINVAL;
  }
  memset(&ip, 0, sizeof(ip));
  switch (sa->sa_family) {
  case AF_INET: {
    const struct sockaddr_in *sin =
      (const struct sockaddr_in *)(const void *)sa;
    ip.family = GSCTP_FAMILY_INET;
    memcpy(ip.u.v4, &sin->sin_addr, 4);
    port = ntohs(sin->sin_port);
    break;
  }
  case AF_INET6: {
    const struct sockaddr_in6 *sin6 =
      (const struct sockaddr_in6 *)(const void *)sa;
    ip.family = GSCTP_FAMILY_INET6;
    memcpy(ip.u.v6, &sin6->sin6_addr, 16);
    port = ntohs(sin6->sin6_port);
    break;
  }
  case AF_CONN: {
    const struct sockaddr_conn *sc =
      (const struct sockaddr_conn *)(const void *)sa;
    ip.family = GSCTP_FAMILY_CONN;
    ip.u.conn = sc->sconn_addr;
    port = ntohs(sc->sconn_port);
    /* A udp_conn handle stands for a real IP: report that. */
    (void)gsctp_transport_map_conn(sc->sconn_addr, &ip);
    break;
  }
  default:
    return GSCTP_EAFNOSUPPORT;
  }
  if (pip != NULL) {
    *pip = ip;
  }
  if (pport != NULL) {
    *pport = port;
  }
  return 0;
}

size_t gsctp_sockaddr_len(const struct sockaddr *sa) {
  switch (sa->sa_family) {
  case AF_INET:
    return sizeof(struct sockaddr_in);
  case AF_INET6:
    return sizeof(struct sockaddr_in6);
  case AF_CONN:
    return sizeof(struct sockaddr_conn);
  default:
    return 0;
  }
}

int gsctp_addr_to_sockaddr(const gsctp_ip *ip, uint16_t port,
                           struct sockaddr_storage *ss, socklen_t *plen) {
  memset(ss, 0, sizeof(*ss));
  switch (ip->family) {
  case GSCTP_FAMILY_INET: {
    struct sockaddr_in *sin = (struct sockaddr_in *)(void *)ss;
    sin->sin_family = AF_INET;
    sin->sin_port = htons(port);
    memcpy(&sin->sin_addr, ip->u.v4, 4);
    *plen = sizeof(*sin);
    return 0;
  }
  case GSCTP_FAMILY_INET6: {
    struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)(void *)ss;
    sin6->sin6_family = AF_INET6;
    sin6->sin6_port = htons(port);
    memcpy(&sin6->sin6_addr, ip->u.v6, 16);
    *plen = sizeof(*sin6);
    return 0;
  }
  case GSCTP_FAMILY_CONN: {
    struct sockaddr_conn *sc = (struct sockaddr_conn *)(void *)ss;
    sc->sconn_family = AF_CONN;
    sc->sconn_port = htons(port);
    sc->sconn_addr = ip->u.conn;
    *plen = sizeof(*sc);
    return 0;
  }
  default:
    return GSCTP_EAFNOSUPPORT;
  }
}
