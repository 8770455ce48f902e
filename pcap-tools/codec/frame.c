/*
 * frame.c - find the SCTP packet in a captured frame (link layer, IPv4 or
 * IPv6, optional UDP encapsulation per RFC 6951), and build IPv4/IPv6
 * (+UDP) framing around an SCTP packet for capture files.
 */
#include <string.h>

#include "sctp_wire.h"

#define ETH_IPV4 0x0800
#define ETH_IPV6 0x86DD
#define ETH_VLAN 0x8100
#define ETH_QINQ 0x88A8
#define PROTO_UDP 17
#define PROTO_SCTP 132

static int udp_port_is_sctp(const gsw_frame_cfg *cfg, uint16_t port) {
  unsigned i;

  if (port == GSW_UDP_PORT) {
    return 1;
  }
  if (cfg != NULL) {
    for (i = 0; i < cfg->nudp && i < GSW_MAX_UDP_PORTS; ++i) {
      if (cfg->udp_ports[i] == port) {
        return 1;
      }
    }
  }
  return 0;
}

/* The IP payload |p|/|len| of protocol |proto|. */
static int transport(gsw_frame *f, int proto, const uint8_t *p, size_t len,
                     const gsw_frame_cfg *cfg) {
  if (proto == PROTO_SCTP) {
    f->sctp = p;
    f->sctplen = len;
    return 0;
  }
  if (proto == PROTO_UDP) {
    size_t ulen;

    if (len < 8) {
      return GSW_ESHORT;
    }
    f->usport = gsw_get16(p);
    f->udport = gsw_get16(p + 2);
    if (!udp_port_is_sctp(cfg, f->usport) &&
        !udp_port_is_sctp(cfg, f->udport)) {
      return GSW_ENOTSCTP;
    }
    ulen = gsw_get16(p + 4);
    if (ulen < 8) {
      return GSW_EBADLEN;
    }
    if (ulen > len) {
      f->truncated = 1;
      ulen = len;
    }
    f->udp = 1;
    f->sctp = p + 8;
    f->sctplen = ulen - 8;
    return 0;
  }
  return GSW_ENOTSCTP;
}

static int ipv4(gsw_frame *f, const uint8_t *p, size_t len,
                const gsw_frame_cfg *cfg) {
  size_t ihl, tot;

  if (len < 20) {
    return GSW_ESHORT;
  }
  if ((p[0] >> 4) != 4) {
    return GSW_EBADVAL;
  }
  ihl = (size_t)(p[0] & 0x0f) * 4;
  if (ihl < 20) {
    return GSW_EBADLEN;
  }
  if (ihl > len) {
    return GSW_ESHORT;
  }
  tot = gsw_get16(p + 2);
  if (tot < ihl) {
    return GSW_EBADLEN;
  }
  if (tot > len) {
    f->truncated = 1;
    tot = len;
  }
  if ((gsw_get16(p + 6) & 0x3fff) != 0) {
    return GSW_ENOTSCTP; /* a fragment: not reassembled */
  }
  f->family = 4;
  memcpy(f->src, p + 12, 4);
  memcpy(f->dst, p + 16, 4);
  return transport(f, p[9], p + ihl, tot - ihl, cfg);
}

static int ipv6(gsw_frame *f, const uint8_t *p, size_t len,
                const gsw_frame_cfg *cfg) {
  size_t plen, off = 40;
  int nh, hops;

  if (len < 40) {
    return GSW_ESHORT;
  }
  if ((p[0] >> 4) != 6) {
    return GSW_EBADVAL;
  }
  plen = gsw_get16(p + 4);
  if (40 + plen > len) {
    f->truncated = 1;
    plen = len - 40;
  }
  f->family = 6;
  memcpy(f->src, p + 8, 16);
  memcpy(f->dst, p + 24, 16);
  nh = p[6];
  for (hops = 0; hops < 8; ++hops) {
    size_t hl;

    switch (nh) {
    case 0:  /* hop-by-hop */
    case 43: /* routing */
    case 60: /* destination options */
      if (40 + plen - off < 8) {
        return GSW_ESHORT;
      }
      hl = ((size_t)p[off + 1] + 1) * 8;
      break;
    case 44: /* fragment */
      if (40 + plen - off < 8) {
        return GSW_ESHORT;
      }
      if ((gsw_get16(p + off + 2) & 0xfff9) != 0) {
        return GSW_ENOTSCTP;
      }
      hl = 8;
      break;
    case 51: /* AH */
      if (40 + plen - off < 8) {
        return GSW_ESHORT;
      }
      hl = ((size_t)p[off + 1] + 2) * 4;
      break;
    default:
      return transport(f, nh, p + off, 40 + plen - off, cfg);
    }
    if (hl > 40 + plen - off) {
      return GSW_ESHORT;
    }
    nh = p[off];
    off += hl;
  }
  return GSW_ENOTSCTP;
}

static int by_version(gsw_frame *f, const uint8_t *p, size_t len,
                      const gsw_frame_cfg *cfg) {
  if (len < 1) {
    return GSW_ESHORT;
  }
  switch (p[0] >> 4) {
  case 4:
    return ipv4(f, p, len, cfg);
  case 6:
    return ipv6(f, p, len, cfg);
  default:
    return GSW_ENOTSCTP;
  }
}

static int by_ethertype(gsw_frame *f, unsigned et, const uint8_t *p, size_t len,
                        const gsw_frame_cfg *cfg) {
  if (et == ETH_IPV4) {
    return ipv4(f, p, len, cfg);
  }
  if (et == ETH_IPV6) {
    return ipv6(f, p, len, cfg);
  }
  return GSW_ENOTSCTP;
}

int gsw_frame_decode(gsw_frame *f, int linktype, const uint8_t *p, size_t len,
                     const gsw_frame_cfg *cfg) {
  memset(f, 0, sizeof(*f));
  if (p == NULL) {
    return GSW_ESHORT;
  }
  switch (linktype) {
  case GSW_LT_SCTP:
    f->sctp = p;
    f->sctplen = len;
    return 0;
  case GSW_LT_RAW:
  case GSW_LT_RAW_DLT:
  case GSW_LT_RAW_DLT_BSD:
    return by_version(f, p, len, cfg);
  case GSW_LT_IPV4:
    return ipv4(f, p, len, cfg);
  case GSW_LT_IPV6:
    return ipv6(f, p, len, cfg);
  case GSW_LT_NULL:
  case GSW_LT_LOOP: {
    uint32_t af;
    if (len < 4) {
      return GSW_ESHORT;
    }
    af = gsw_get32(p);
    if (linktype == GSW_LT_NULL && (af & 0xffff) == 0) {
      af = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
           (uint32_t)p[3] << 24; /* written by a little-endian host */
    }
    if (af == 2) {
      return ipv4(f, p + 4, len - 4, cfg);
    }
    if (af == 10 || af == 24 || af == 28 || af == 30) {
      return ipv6(f, p + 4, len - 4, cfg);
    }
    return GSW_ENOTSCTP;
  }
  case GSW_LT_EN10MB: {
    size_t off = 12;
    unsigned et;
    int tags;
    if (len < 14) {
      return GSW_ESHORT;
    }
    et = gsw_get16(p + off);
    for (tags = 0; tags < 2 && (et == ETH_VLAN || et == ETH_QINQ); ++tags) {
      off += 4;
      if (len < off + 2) {
        return GSW_ESHORT;
      }
      et = gsw_get16(p + off);
    }
    off += 2;
    return by_ethertype(f, et, p + off, len - off, cfg);
  }
  case GSW_LT_LINUX_SLL:
    if (len < 16) {
      return GSW_ESHORT;
    }
    return by_ethertype(f, gsw_get16(p + 14), p + 16, len - 16, cfg);
  case GSW_LT_LINUX_SLL2:
    if (len < 20) {
      return GSW_ESHORT;
    }
    return by_ethertype(f, gsw_get16(p), p + 20, len - 20, cfg);
  default:
    return GSW_ENOTSCTP;
  }
}

/* One's complement sum of |len| bytes, added to |sum|. */
static uint32_t csum_add(uint32_t sum, const uint8_t *p, size_t len) {
  size_t i;

  for (i = 0; i + 1 < len; i += 2) {
    sum += gsw_get16(p + i);
  }
  if (len & 1) {
    sum += (uint32_t)p[len - 1] << 8;
  }
  return sum;
}

static uint16_t csum_fold(uint32_t sum) {
  while (sum >> 16) {
    sum = (sum & 0xffff) + (sum >> 16);
  }
  return (uint16_t)~sum;
}

int gsw_frame_build(uint8_t *out, size_t cap, int family, const uint8_t *src,
                    const uint8_t *dst, uint16_t usport, uint16_t udport,
                    const uint8_t *sctp, size_t sctplen) {
  int udp = usport != 0 || udport != 0;
  size_t iph = family == 4 ? 20 : 40, uh = udp ? 8 : 0;
  size_t total = iph + uh + sctplen;
  uint8_t *t;
  uint32_t sum;

  if ((family != 4 && family != 6) || src == NULL || dst == NULL ||
      (sctp == NULL && sctplen > 0)) {
    return GSW_EBADVAL;
  }
  if (total > cap || uh + sctplen > 0xffff || (family == 4 && total > 0xffff)) {
    return GSW_ENOSPC;
  }
  memset(out, 0, iph + uh);
  if (family == 4) {
    out[0] = 0x45;
    gsw_put16(out + 2, (uint16_t)total);
    gsw_put16(out + 6, 0x4000); /* DF */
    out[8] = 64;
    out[9] = udp ? PROTO_UDP : PROTO_SCTP;
    memcpy(out + 12, src, 4);
    memcpy(out + 16, dst, 4);
    gsw_put16(out + 10, csum_fold(csum_add(0, out, 20)));
  } else {
    out[0] = 0x60;
    gsw_put16(out + 4, (uint16_t)(uh + sctplen));
    out[6] = udp ? PROTO_UDP : PROTO_SCTP;
    out[7] = 64;
    memcpy(out + 8, src, 16);
    memcpy(out + 24, dst, 16);
  }
  t = out + iph;
  if (sctplen > 0) {
    memcpy(t + uh, sctp, sctplen);
  }
  if (udp) {
    uint16_t c;
    gsw_put16(t, usport);
    gsw_put16(t + 2, udport);
    gsw_put16(t + 4, (uint16_t)(uh + sctplen));
    /* Pseudo header: addresses, protocol, UDP length. */
    sum = family == 4 ? csum_add(0, out + 12, 8) : csum_add(0, out + 8, 32);
    sum += PROTO_UDP + (uint32_t)(uh + sctplen);
    sum = csum_add(sum, t, uh + sctplen);
    c = csum_fold(sum);
    gsw_put16(t + 6, c == 0 ? 0xffff : c);
  }
  return (int)total;
}
