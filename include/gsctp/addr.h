/*
 * gsctp/addr.h - addresses as gen_sctp sees them: an IP and a port.
 *
 * gen_sctp reports and takes `{IP, Port}`.  In C an IP is a gsctp_ip (an
 * IPv4 or IPv6 address, or an AF_CONN link for in-memory and user links)
 * and an address is a gsctp_addr (IP plus port).  These are plain values:
 * copy them freely.
 */
#ifndef GSCTP_ADDR_H
#define GSCTP_ADDR_H

#include <stddef.h>
#include <stdint.h>

#include "gsctp/version.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Address families (`inet`, `inet6`, and AF_CONN links). */
typedef enum gsctp_family {
  GSCTP_FAMILY_UNSPEC = 0, /**< no address / `any` of the socket's family */
  GSCTP_FAMILY_INET = 1,   /**< IPv4 (`inet`) */
  GSCTP_FAMILY_INET6 = 2,  /**< IPv6 (`inet6`) */
  GSCTP_FAMILY_CONN = 3,   /**< an AF_CONN link (gsctp/link.h) */
} gsctp_family;

/** An IP address: the first element of gen_sctp's `{IP, Port}`. */
typedef struct gsctp_ip {
  /** One of gsctp_family. */
  int family;
  union {
    /** IPv4 address bytes, network order (`{127,0,0,1}`). */
    uint8_t v4[4];
    /** IPv6 address bytes, network order. */
    uint8_t v6[16];
    /** The link, for GSCTP_FAMILY_CONN (a gsctp_link *). */
    void *conn;
  } u;
} gsctp_ip;

/** An address: gen_sctp's `{IP, Port}`. */
typedef struct gsctp_addr {
  gsctp_ip ip;   /**< the IP (or link) */
  uint16_t port; /**< the SCTP port, host order */
} gsctp_addr;

/** Longest string gsctp_ip_format() writes, NUL included. */
#define GSCTP_IP_STRLEN 48

/** `gsctp_ip_any` returns the wildcard address of |family| (`any`). */
GSCTP_EXTERN gsctp_ip gsctp_ip_any(int family);

/** `gsctp_ip_loopback` returns 127.0.0.1 or ::1 for |family| (`loopback`);
 *  for another family it returns an UNSPEC address. */
GSCTP_EXTERN gsctp_ip gsctp_ip_loopback(int family);

/** `gsctp_ip_v4` returns the IPv4 address a.b.c.d. */
GSCTP_EXTERN gsctp_ip gsctp_ip_v4(uint8_t a, uint8_t b, uint8_t c, uint8_t d);

/** `gsctp_ip_conn` returns the address of the AF_CONN link |link|
 *  (a gsctp_link *, borrowed). */
GSCTP_EXTERN gsctp_ip gsctp_ip_conn(void *link);

/**
 * `gsctp_ip_parse` parses a numeric IPv4 or IPv6 address (no name
 * lookup) from |str| into |*pip|.  |str| is borrowed.
 *
 * Returns 0, GSCTP_EBADARG (NULL argument), or GSCTP_EINVAL (not a
 * numeric address).
 */
GSCTP_EXTERN int gsctp_ip_parse(const char *str, gsctp_ip *pip);

/**
 * `gsctp_getaddr` resolves |host| (a numeric address or a host name,
 * "localhost" included) to one address of |family| (GSCTP_FAMILY_INET or
 * GSCTP_FAMILY_INET6), as inet:getaddr/2 does.  |host| is borrowed.
 * May block on name resolution.
 *
 * This function returns 0 if it succeeds, or one of the following
 * negative error codes:
 *
 * GSCTP_EBADARG: NULL argument.
 * GSCTP_ENXDOMAIN: the name does not resolve ("", "." included).
 * GSCTP_EAFNOSUPPORT: |family| is neither inet nor inet6, or |host| is a
 *   numeric address of the other family.
 */
GSCTP_EXTERN int gsctp_getaddr(const char *host, int family, gsctp_ip *pip);

/**
 * `gsctp_ip_format` writes |ip| as text into |buf| of |buflen| bytes
 * ("127.0.0.1", "::1", "any", "conn:0x55d0c0a8") and returns |buf|.
 * Truncates safely; with |buflen| 0 it returns |buf| untouched.
 */
GSCTP_EXTERN char *gsctp_ip_format(const gsctp_ip *ip, char *buf,
                                   size_t buflen);

/** `gsctp_ip_equal` returns nonzero if |a| and |b| are the same address. */
GSCTP_EXTERN int gsctp_ip_equal(const gsctp_ip *a, const gsctp_ip *b);

#ifdef __cplusplus
}
#endif

#endif /* GSCTP_ADDR_H */
