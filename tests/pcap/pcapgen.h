/*
 * tests/pcap/pcapgen.h - hand-made SCTP captures for the pcap suites:
 * correct associations in every framing gsctp-pcap reads, and captures
 * with one planted wire violation each.  Header-only (static functions),
 * included by tests/test_pcap_oracle.c and tests/test_pcap_check.c.
 *
 * Each case builds one capture with the codec's encoder and writes it
 * with libpcap's dump API.  |rule| names the gsctp-pcap check rule the
 * capture violates (NULL: correct traffic).
 */
#ifndef GSCTP_TESTS_PCAPGEN_H
#define GSCTP_TESTS_PCAPGEN_H

#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sctp_wire.h"

enum {
  PG_RAW4,
  PG_RAW6,
  PG_UDP4,
  PG_UDP6,
  PG_ETH,
  PG_SLL,
  PG_SLL2,
  PG_NULL,
  PG_SCTP
};

typedef struct pg {
  pcap_t *dead;
  pcap_dumper_t *dump;
  int framing;
  long usec;
  uint32_t ta, tb; /* A's and B's tags */
  uint32_t ia, ib; /* A's and B's initial TSNs */
  int err;
} pg;

static const uint8_t PG_A4[4] = {192, 0, 2, 1}, PG_B4[4] = {192, 0, 2, 2};
static const uint8_t PG_A6[16] = {0x20, 0x01, 0x0d, 0xb8, [15] = 1};
static const uint8_t PG_B6[16] = {0x20, 0x01, 0x0d, 0xb8, [15] = 2};
#define PG_PA 1000 /* A's SCTP port */
#define PG_PB 2000 /* B's SCTP port */

static int pg_dlt(int framing) {
  switch (framing) {
  case PG_ETH:
    return DLT_EN10MB;
  case PG_SLL:
    return DLT_LINUX_SLL;
  case PG_SLL2:
    return DLT_LINUX_SLL2;
  case PG_NULL:
    return DLT_NULL;
  case PG_SCTP:
    return 248;
  default:
    return DLT_RAW;
  }
}

static int pg_open(pg *g, const char *path, int framing) {
  memset(g, 0, sizeof(*g));
  g->framing = framing;
  g->ta = 0x11111111u;
  g->tb = 0x22222222u;
  g->ia = 100;
  g->ib = 5000;
  g->dead = pcap_open_dead(pg_dlt(framing), 65535);
  if (g->dead == NULL) {
    return -1;
  }
  g->dump = pcap_dump_open(g->dead, path);
  if (g->dump == NULL) {
    pcap_close(g->dead);
    return -1;
  }
  return 0;
}

static void pg_close(pg *g) {
  pcap_dump_close(g->dump);
  pcap_close(g->dead);
}

/* Writes the SCTP packet |s|/|n| from A (dir 0) or B (dir 1). */
static void pg_emit(pg *g, int dir, const uint8_t *s, size_t n) {
  uint8_t buf[70000], *ip;
  size_t hl = 0, len;
  int fam = 4, udp = 0, r;
  struct pcap_pkthdr h;

  switch (g->framing) {
  case PG_RAW6:
  case PG_ETH:
    fam = 6;
    break;
  case PG_UDP4:
    udp = 1;
    break;
  case PG_UDP6:
  case PG_SLL2:
    fam = 6;
    udp = 1;
    break;
  default:
    break;
  }
  if (g->framing == PG_ETH) {
    hl = 14;
  } else if (g->framing == PG_SLL) {
    hl = 16;
  } else if (g->framing == PG_SLL2) {
    hl = 20;
  } else if (g->framing == PG_NULL) {
    hl = 4;
  }
  ip = buf + hl;
  if (g->framing == PG_SCTP) {
    memcpy(buf, s, n);
    len = n;
  } else {
    const uint8_t *src =
      fam == 4 ? (dir ? PG_B4 : PG_A4) : (dir ? PG_B6 : PG_A6);
    const uint8_t *dst =
      fam == 4 ? (dir ? PG_A4 : PG_B4) : (dir ? PG_A6 : PG_B6);
    r = gsw_frame_build(ip, sizeof(buf) - hl, fam, src, dst,
                        udp ? GSW_UDP_PORT : 0, udp ? GSW_UDP_PORT : 0, s, n);
    if (r < 0) {
      g->err = r;
      return;
    }
    len = hl + (size_t)r;
    memset(buf, 0, hl);
    switch (g->framing) {
    case PG_ETH:
      buf[5] = dir ? 2 : 1;
      buf[11] = dir ? 1 : 2;
      gsw_put16(buf + 12, fam == 4 ? 0x0800 : 0x86DD);
      break;
    case PG_SLL:
      gsw_put16(buf, dir ? 0 : 4); /* to us / outgoing */
      gsw_put16(buf + 2, 772);
      gsw_put16(buf + 14, fam == 4 ? 0x0800 : 0x86DD);
      break;
    case PG_SLL2:
      gsw_put16(buf, fam == 4 ? 0x0800 : 0x86DD);
      gsw_put32(buf + 4, 1);
      gsw_put16(buf + 8, 772);
      buf[10] = dir ? 0 : 4;
      break;
    case PG_NULL:
      buf[0] = 2; /* AF_INET, little-endian host order */
      break;
    default:
      break;
    }
  }
  memset(&h, 0, sizeof(h));
  g->usec += 1000;
  h.ts.tv_sec = 1700000000 + g->usec / 1000000;
  h.ts.tv_usec = g->usec % 1000000;
  h.caplen = (bpf_u_int32)len;
  h.len = (bpf_u_int32)len;
  pcap_dump((u_char *)g->dump, &h, buf);
}

/* Starts a packet from |dir| with verification tag |vtag|. */
static void pg_start(gsw_builder *b, uint8_t *buf, size_t cap, int dir,
                     uint32_t vtag) {
  gsw_build_start(b, buf, cap, dir ? PG_PB : PG_PA, dir ? PG_PA : PG_PB, vtag);
}

static void pg_finish(pg *g, gsw_builder *b, int dir) {
  int n = gsw_build_finish(b);

  if (n < 0) {
    g->err = n;
    return;
  }
  pg_emit(g, dir, b->buf, (size_t)n);
}

/* The tag the receiver of a packet from |dir| expects. */
static uint32_t pg_peer_tag(const pg *g, int dir) {
  return dir ? g->ta : g->tb;
}

static void pg_handshake(pg *g) {
  uint8_t buf[2048], params[256];
  gsw_builder b;
  int n = 0, r;
  static const uint8_t ext[] = {GSW_FORWARD_TSN, GSW_RE_CONFIG, GSW_ASCONF,
                                GSW_ASCONF_ACK, GSW_I_DATA};
  static const uint8_t cookie[40] = {1, 2, 3, 4, 5, 6, 7, 8};
  uint8_t addrtypes[2];

  gsw_put16(addrtypes, 5);
  r = gsw_tlv_put(params, sizeof(params), GSW_P_SUPPORTED_ADDR_TYPES, addrtypes,
                  2);
  n += r > 0 ? r : 0;
  r = gsw_tlv_put(params + n, sizeof(params) - (size_t)n, GSW_P_ECN_CAPABLE,
                  NULL, 0);
  n += r > 0 ? r : 0;
  r = gsw_tlv_put(params + n, sizeof(params) - (size_t)n, GSW_P_SUPPORTED_EXT,
                  ext, sizeof(ext));
  n += r > 0 ? r : 0;
  r = gsw_tlv_put(params + n, sizeof(params) - (size_t)n, GSW_P_IPV4, PG_A4, 4);
  n += r > 0 ? r : 0;
  pg_start(&b, buf, sizeof(buf), 0, 0);
  gsw_build_init(&b, GSW_INIT, g->ta, 65536, 10, 10, g->ia, params, (size_t)n);
  pg_finish(g, &b, 0);

  r = gsw_tlv_put(params, sizeof(params), GSW_P_STATE_COOKIE, cookie,
                  sizeof(cookie));
  pg_start(&b, buf, sizeof(buf), 1, g->ta);
  gsw_build_init(&b, GSW_INIT_ACK, g->tb, 65536, 10, 10, g->ib, params,
                 r > 0 ? (size_t)r : 0);
  pg_finish(g, &b, 1);

  pg_start(&b, buf, sizeof(buf), 0, g->tb);
  gsw_build_chunk(&b, GSW_COOKIE_ECHO, 0, cookie, sizeof(cookie));
  pg_finish(g, &b, 0);

  pg_start(&b, buf, sizeof(buf), 1, g->ta);
  gsw_build_chunk(&b, GSW_COOKIE_ACK, 0, NULL, 0);
  pg_finish(g, &b, 1);
}

/* One DATA from |dir| and the peer's SACK for it. */
static void pg_data_sack(pg *g, int dir, uint32_t tsn, uint16_t sid,
                         uint16_t ssn, const char *msg) {
  uint8_t buf[2048];
  gsw_builder b;

  pg_start(&b, buf, sizeof(buf), dir, pg_peer_tag(g, dir));
  gsw_build_data(&b, GSW_DATA_FLAG_B | GSW_DATA_FLAG_E, tsn, sid, ssn, 51, msg,
                 strlen(msg));
  pg_finish(g, &b, dir);
  pg_start(&b, buf, sizeof(buf), !dir, pg_peer_tag(g, !dir));
  gsw_build_sack(&b, tsn, 65536, NULL, 0, NULL, 0);
  pg_finish(g, &b, !dir);
}

static void pg_shutdown(pg *g) {
  uint8_t buf[256], v[4];
  gsw_builder b;

  gsw_put32(v, g->ib);
  pg_start(&b, buf, sizeof(buf), 0, g->tb);
  gsw_build_chunk(&b, GSW_SHUTDOWN, 0, v, 4);
  pg_finish(g, &b, 0);
  pg_start(&b, buf, sizeof(buf), 1, g->ta);
  gsw_build_chunk(&b, GSW_SHUTDOWN_ACK, 0, NULL, 0);
  pg_finish(g, &b, 1);
  pg_start(&b, buf, sizeof(buf), 0, g->tb);
  gsw_build_chunk(&b, GSW_SHUTDOWN_COMPLETE, 0, NULL, 0);
  pg_finish(g, &b, 0);
}

/* A correct association: handshake, data both ways, shutdown. */
static void pg_case_normal(pg *g) {
  pg_handshake(g);
  pg_data_sack(g, 0, g->ia, 0, 0, "hello");
  pg_data_sack(g, 1, g->ib, 1, 0, "world!");
  pg_data_sack(g, 0, g->ia + 1, 0, 1, "again");
  pg_shutdown(g);
}

/* Every other chunk type, correctly formed, in one association. */
static void pg_case_all_chunks(pg *g) {
  uint8_t buf[2048], v[256];
  gsw_builder b;
  int n, r;
  static const uint8_t info[12] = {9, 9, 9};
  uint16_t gaps[] = {2, 3, 5, 5};
  uint32_t dups[] = {102};

  pg_handshake(g);
  /* HEARTBEAT / HEARTBEAT-ACK */
  n = gsw_tlv_put(v, sizeof(v), GSW_P_HEARTBEAT_INFO, info, sizeof(info));
  pg_start(&b, buf, sizeof(buf), 0, g->tb);
  gsw_build_chunk(&b, GSW_HEARTBEAT, 0, v, (size_t)n);
  pg_finish(g, &b, 0);
  pg_start(&b, buf, sizeof(buf), 1, g->ta);
  gsw_build_chunk(&b, GSW_HEARTBEAT_ACK, 0, v, (size_t)n);
  pg_finish(g, &b, 1);
  /* Fragmented message on stream 2, bundled with an unordered one. */
  pg_start(&b, buf, sizeof(buf), 0, g->tb);
  gsw_build_data(&b, GSW_DATA_FLAG_B, g->ia, 2, 0, 7, "frag1", 5);
  gsw_build_data(&b, 0, g->ia + 1, 2, 0, 7, "frag2", 5);
  gsw_build_data(&b, GSW_DATA_FLAG_E, g->ia + 2, 2, 0, 7, "frag3", 5);
  gsw_build_data(&b, GSW_DATA_FLAG_B | GSW_DATA_FLAG_E | GSW_DATA_FLAG_U,
                 g->ia + 3, 4, 0, 8, "unordered", 9);
  pg_finish(g, &b, 0);
  pg_start(&b, buf, sizeof(buf), 0, g->tb);
  gsw_build_data(&b, GSW_DATA_FLAG_B | GSW_DATA_FLAG_E, g->ia + 4, 2, 1, 7, "x",
                 1);
  gsw_build_data(&b, GSW_DATA_FLAG_B | GSW_DATA_FLAG_E, g->ia + 5, 2, 2, 7, "y",
                 1);
  gsw_build_data(&b, GSW_DATA_FLAG_B | GSW_DATA_FLAG_E, g->ia + 6, 2, 3, 7, "z",
                 1);
  pg_finish(g, &b, 0);
  /* SACK with gaps (TSNs ia+1..ia+2, ia+4) and a duplicate. */
  pg_start(&b, buf, sizeof(buf), 1, g->ta);
  gsw_build_sack(&b, g->ia - 1 + 1, 60000, gaps, 2, dups, 1);
  pg_finish(g, &b, 1);
  pg_start(&b, buf, sizeof(buf), 1, g->ta);
  gsw_build_sack(&b, g->ia + 6, 60000, NULL, 0, NULL, 0);
  pg_finish(g, &b, 1);
  /* ECNE / CWR */
  gsw_put32(v, g->ia + 3);
  pg_start(&b, buf, sizeof(buf), 1, g->ta);
  gsw_build_chunk(&b, GSW_ECNE, 0, v, 4);
  pg_finish(g, &b, 1);
  pg_start(&b, buf, sizeof(buf), 0, g->tb);
  gsw_build_chunk(&b, GSW_CWR, 0, v, 4);
  pg_finish(g, &b, 0);
  /* FORWARD-TSN with two streams */
  gsw_put32(v, g->ia + 6);
  gsw_put16(v + 4, 2);
  gsw_put16(v + 6, 3);
  gsw_put16(v + 8, 4);
  gsw_put16(v + 10, 0);
  pg_start(&b, buf, sizeof(buf), 0, g->tb);
  gsw_build_chunk(&b, GSW_FORWARD_TSN, 0, v, 12);
  pg_finish(g, &b, 0);
  /* I-DATA (first fragment carries the PPID) and I-FORWARD-TSN */
  gsw_put32(v, g->ia + 7);
  gsw_put16(v + 4, 1);
  gsw_put16(v + 6, 0);
  gsw_put32(v + 8, 0);
  gsw_put32(v + 12, 46);
  memcpy(v + 16, "idata", 5);
  pg_start(&b, buf, sizeof(buf), 0, g->tb);
  gsw_build_chunk(&b, GSW_I_DATA, GSW_DATA_FLAG_B | GSW_DATA_FLAG_E, v, 21);
  pg_finish(g, &b, 0);
  gsw_put32(v, g->ia + 7);
  gsw_put16(v + 4, 1);
  gsw_put16(v + 6, 0);
  gsw_put32(v + 8, 0);
  pg_start(&b, buf, sizeof(buf), 0, g->tb);
  gsw_build_chunk(&b, GSW_I_FORWARD_TSN, 0, v, 12);
  pg_finish(g, &b, 0);
  /* AUTH bundled before a SACK */
  gsw_put16(v, 0);
  gsw_put16(v + 2, 1);
  memset(v + 4, 0xab, 20);
  pg_start(&b, buf, sizeof(buf), 1, g->ta);
  gsw_build_chunk(&b, GSW_AUTH, 0, v, 24);
  gsw_build_sack(&b, g->ia + 7, 60000, NULL, 0, NULL, 0);
  pg_finish(g, &b, 1);
  /* ASCONF (serial, address, add-ip) and ASCONF-ACK (success) */
  gsw_put32(v, 1);
  n = 4;
  r = gsw_tlv_put(v + n, sizeof(v) - (size_t)n, GSW_P_IPV4, PG_A4, 4);
  n += r;
  {
    uint8_t inner[12];
    gsw_put32(inner, 7);
    r = gsw_tlv_put(inner + 4, sizeof(inner) - 4, GSW_P_IPV4, PG_B4, 4);
    r = gsw_tlv_put(v + n, sizeof(v) - (size_t)n, GSW_P_ADD_IP, inner,
                    4 + (size_t)r);
    n += r;
  }
  pg_start(&b, buf, sizeof(buf), 0, g->tb);
  gsw_build_chunk(&b, GSW_ASCONF, 0, v, (size_t)n);
  pg_finish(g, &b, 0);
  gsw_put32(v, 1);
  {
    uint8_t corr[4];
    gsw_put32(corr, 7);
    r = gsw_tlv_put(v + 4, sizeof(v) - 4, GSW_P_SUCCESS_IND, corr, 4);
  }
  pg_start(&b, buf, sizeof(buf), 1, g->ta);
  gsw_build_chunk(&b, GSW_ASCONF_ACK, 0, v, 4 + (size_t)r);
  pg_finish(g, &b, 1);
  /* RE-CONFIG: outgoing SSN reset request for stream 2 */
  {
    uint8_t req[14];
    gsw_put32(req, 1);
    gsw_put32(req + 4, 1);
    gsw_put32(req + 8, g->ia + 7);
    gsw_put16(req + 12, 2);
    r = gsw_tlv_put(v, sizeof(v), GSW_P_OUT_SSN_RESET_REQ, req, 14);
  }
  pg_start(&b, buf, sizeof(buf), 0, g->tb);
  gsw_build_chunk(&b, GSW_RE_CONFIG, 0, v, (size_t)r);
  pg_finish(g, &b, 0);
  /* PAD bundled with a HEARTBEAT, and an ERROR with two causes */
  memset(v, 0, 32);
  pg_start(&b, buf, sizeof(buf), 1, g->ta);
  gsw_build_chunk(&b, GSW_PAD, 0, v, 32);
  n = gsw_tlv_put(v, sizeof(v), GSW_P_HEARTBEAT_INFO, info, sizeof(info));
  gsw_build_chunk(&b, GSW_HEARTBEAT, 0, v, (size_t)n);
  pg_finish(g, &b, 1);
  {
    uint8_t sid[4] = {0, 9, 0, 0};
    n = gsw_tlv_put(v, sizeof(v), GSW_C_INVALID_STREAM, sid, 4);
    n += gsw_tlv_put(v + n, sizeof(v) - (size_t)n, GSW_C_PROTOCOL_VIOLATION,
                     "why", 3);
  }
  pg_start(&b, buf, sizeof(buf), 1, g->ta);
  gsw_build_chunk(&b, GSW_ERROR, 0, v, (size_t)n);
  pg_finish(g, &b, 1);
  /* An unknown chunk type (0x3f: skip, no report) */
  pg_start(&b, buf, sizeof(buf), 1, g->ta);
  gsw_build_chunk(&b, 0x3f, 0, "abc", 3);
  pg_finish(g, &b, 1);
  /* ABORT with T bit (own tag) ends it */
  n = gsw_tlv_put(v, sizeof(v), GSW_C_USER_ABORT, "bye", 3);
  pg_start(&b, buf, sizeof(buf), 0, g->ta);
  gsw_build_chunk(&b, GSW_ABORT, GSW_FLAG_T, v, (size_t)n);
  pg_finish(g, &b, 0);
}

/* ---- one planted violation per case ---- */

static void pg_bad_crc(pg *g) {
  uint8_t buf[256];
  gsw_builder b;
  int n;

  pg_handshake(g);
  pg_start(&b, buf, sizeof(buf), 0, g->tb);
  gsw_build_data(&b, 3, g->ia, 0, 0, 0, "crc", 3);
  n = gsw_build_finish(&b);
  buf[8] ^= 0x5a;
  pg_emit(g, 0, buf, (size_t)n);
}

static void pg_truncated_chunk(pg *g) {
  uint8_t buf[256];
  gsw_builder b;

  pg_handshake(g);
  pg_start(&b, buf, sizeof(buf), 0, g->tb);
  gsw_build_data(&b, 3, g->ia, 0, 0, 0, "truncated!", 10);
  b.len -= 8; /* the chunk says 26 bytes, 18 are there */
  pg_finish(g, &b, 0);
}

static void pg_bad_chunk_length(pg *g) {
  uint8_t buf[256];
  static const uint8_t bad[8] = {GSW_COOKIE_ACK, 0, 0, 2, 0, 0, 0, 0};
  gsw_builder b;

  pg_handshake(g);
  pg_start(&b, buf, sizeof(buf), 1, g->ta);
  gsw_build_raw(&b, bad, sizeof(bad));
  pg_finish(g, &b, 1);
}

static void pg_bad_padding(pg *g) {
  uint8_t buf[256];
  gsw_builder b;

  pg_handshake(g);
  pg_start(&b, buf, sizeof(buf), 0, g->tb);
  gsw_build_data(&b, 3, g->ia, 0, 0, 0, "pad", 3);
  buf[b.len - 1] = 0xee; /* the pad byte */
  pg_finish(g, &b, 0);
}

static void pg_missing_padding(pg *g) {
  uint8_t buf[256];
  gsw_builder b;

  pg_handshake(g);
  pg_start(&b, buf, sizeof(buf), 0, g->tb);
  gsw_build_data(&b, 3, g->ia, 0, 0, 0, "pad", 3);
  b.len -= 1; /* drop the pad byte */
  pg_finish(g, &b, 0);
}

static void pg_data_too_short(pg *g) {
  uint8_t buf[256];
  static const uint8_t bad[12] = {GSW_DATA, 3, 0, 12, 0, 0, 0, 100};
  gsw_builder b;

  pg_handshake(g);
  pg_start(&b, buf, sizeof(buf), 0, g->tb);
  gsw_build_raw(&b, bad, sizeof(bad));
  pg_finish(g, &b, 0);
}

static void pg_short_header(pg *g) {
  static const uint8_t hdr[8] = {0x03, 0xe8, 0x07, 0xd0, 0, 0, 0, 0};

  pg_handshake(g);
  pg_emit(g, 0, hdr, sizeof(hdr));
}

static void pg_bundled_init(pg *g) {
  uint8_t buf[256];
  gsw_builder b;

  pg_start(&b, buf, sizeof(buf), 0, 0);
  gsw_build_init(&b, GSW_INIT, g->ta, 65536, 10, 10, g->ia, NULL, 0);
  gsw_build_data(&b, 3, g->ia, 0, 0, 0, "early", 5);
  pg_finish(g, &b, 0);
}

static void pg_init_vtag(pg *g) {
  uint8_t buf[256];
  gsw_builder b;

  pg_start(&b, buf, sizeof(buf), 0, 0x1234);
  gsw_build_init(&b, GSW_INIT, g->ta, 65536, 10, 10, g->ia, NULL, 0);
  pg_finish(g, &b, 0);
}

static void pg_init_zero_tag(pg *g) {
  uint8_t buf[256];
  gsw_builder b;

  pg_start(&b, buf, sizeof(buf), 0, 0);
  gsw_build_init(&b, GSW_INIT, 0, 65536, 0, 10, g->ia, NULL, 0);
  pg_finish(g, &b, 0);
}

static void pg_wrong_vtag(pg *g) {
  uint8_t buf[256];
  gsw_builder b;

  pg_handshake(g);
  pg_start(&b, buf, sizeof(buf), 0, 0xdeadbeef);
  gsw_build_data(&b, 3, g->ia, 0, 0, 0, "tag", 3);
  pg_finish(g, &b, 0);
}

static void pg_abort_tbit(pg *g) {
  uint8_t buf[256];
  gsw_builder b;

  pg_handshake(g);
  /* T=1 but the peer's tag: should be the sender's own. */
  pg_start(&b, buf, sizeof(buf), 0, g->tb);
  gsw_build_chunk(&b, GSW_ABORT, GSW_FLAG_T, NULL, 0);
  pg_finish(g, &b, 0);
}

static void pg_shutdown_complete_bundled(pg *g) {
  uint8_t buf[256], v[4];
  gsw_builder b;

  pg_handshake(g);
  gsw_put32(v, g->ib - 1);
  pg_start(&b, buf, sizeof(buf), 0, g->tb);
  gsw_build_chunk(&b, GSW_SHUTDOWN, 0, v, 4);
  pg_finish(g, &b, 0);
  pg_start(&b, buf, sizeof(buf), 1, g->ta);
  gsw_build_chunk(&b, GSW_SHUTDOWN_ACK, 0, NULL, 0);
  pg_finish(g, &b, 1);
  pg_start(&b, buf, sizeof(buf), 0, g->tb);
  gsw_build_chunk(&b, GSW_SHUTDOWN_COMPLETE, 0, NULL, 0);
  gsw_build_chunk(&b, GSW_COOKIE_ACK, 0, NULL, 0);
  pg_finish(g, &b, 0);
}

static void pg_tsn_gap(pg *g) {
  pg_handshake(g);
  pg_data_sack(g, 0, g->ia, 0, 0, "one");
  pg_data_sack(g, 0, g->ia + 2, 0, 1, "three");
}

static void pg_ssn_wrong(pg *g) {
  pg_handshake(g);
  pg_data_sack(g, 0, g->ia, 0, 0, "one");
  pg_data_sack(g, 0, g->ia + 1, 0, 5, "two");
}

static void pg_data_empty(pg *g) {
  uint8_t buf[256];
  gsw_builder b;

  pg_handshake(g);
  pg_start(&b, buf, sizeof(buf), 0, g->tb);
  gsw_build_data(&b, 3, g->ia, 0, 0, 0, NULL, 0);
  pg_finish(g, &b, 0);
}

static void pg_sack_backwards(pg *g) {
  uint8_t buf[256];
  gsw_builder b;

  pg_handshake(g);
  pg_data_sack(g, 0, g->ia, 0, 0, "one");
  pg_data_sack(g, 0, g->ia + 1, 0, 1, "two");
  pg_start(&b, buf, sizeof(buf), 1, g->ta);
  gsw_build_sack(&b, g->ia, 65536, NULL, 0, NULL, 0);
  pg_finish(g, &b, 1);
}

static void pg_sack_bad_gap(pg *g) {
  uint8_t buf[256];
  uint16_t gaps[] = {3, 2};
  gsw_builder b;

  pg_handshake(g);
  pg_data_sack(g, 0, g->ia, 0, 0, "one");
  pg_start(&b, buf, sizeof(buf), 0, g->tb);
  gsw_build_data(&b, 3, g->ia + 1, 0, 1, 0, "two", 3);
  gsw_build_data(&b, 3, g->ia + 2, 0, 2, 0, "three", 5);
  gsw_build_data(&b, 3, g->ia + 3, 0, 3, 0, "four", 4);
  pg_finish(g, &b, 0);
  pg_start(&b, buf, sizeof(buf), 1, g->ta);
  gsw_build_sack(&b, g->ia, 65536, gaps, 1, NULL, 0);
  pg_finish(g, &b, 1);
}

static void pg_sack_ahead(pg *g) {
  uint8_t buf[256];
  gsw_builder b;

  pg_handshake(g);
  pg_data_sack(g, 0, g->ia, 0, 0, "one");
  pg_start(&b, buf, sizeof(buf), 1, g->ta);
  gsw_build_sack(&b, g->ia + 10, 65536, NULL, 0, NULL, 0);
  pg_finish(g, &b, 1);
}

static void pg_shutdown_ack_unasked(pg *g) {
  uint8_t buf[256];
  gsw_builder b;

  pg_handshake(g);
  pg_start(&b, buf, sizeof(buf), 1, g->ta);
  gsw_build_chunk(&b, GSW_SHUTDOWN_ACK, 0, NULL, 0);
  pg_finish(g, &b, 1);
}

static void pg_data_after_shutdown(pg *g) {
  uint8_t buf[256], v[4];
  gsw_builder b;

  pg_handshake(g);
  gsw_put32(v, g->ib - 1);
  pg_start(&b, buf, sizeof(buf), 0, g->tb);
  gsw_build_chunk(&b, GSW_SHUTDOWN, 0, v, 4);
  pg_finish(g, &b, 0);
  pg_data_sack(g, 0, g->ia, 0, 0, "late");
}

static void pg_sack_bad_counts(pg *g) {
  uint8_t buf[256], v[12];
  gsw_builder b;

  pg_handshake(g);
  pg_data_sack(g, 0, g->ia, 0, 0, "one");
  gsw_put32(v, g->ia);
  gsw_put32(v + 4, 65536);
  gsw_put16(v + 8, 3); /* three gap blocks that are not there */
  gsw_put16(v + 10, 0);
  pg_start(&b, buf, sizeof(buf), 1, g->ta);
  gsw_build_chunk(&b, GSW_SACK, 0, v, 12);
  pg_finish(g, &b, 1);
}

typedef struct pg_case {
  const char *name;
  int framing;
  const char *rule; /* NULL: correct traffic */
  void (*build)(pg *g);
} pg_case;

static const pg_case PG_CASES[] = {
  {"normal_raw4", PG_RAW4, NULL, pg_case_normal},
  {"normal_raw6", PG_RAW6, NULL, pg_case_normal},
  {"normal_udp4", PG_UDP4, NULL, pg_case_normal},
  {"normal_udp6", PG_UDP6, NULL, pg_case_normal},
  {"normal_eth6", PG_ETH, NULL, pg_case_normal},
  {"normal_sll", PG_SLL, NULL, pg_case_normal},
  {"normal_sll2_udp6", PG_SLL2, NULL, pg_case_normal},
  {"normal_null", PG_NULL, NULL, pg_case_normal},
  {"normal_dlt_sctp", PG_SCTP, NULL, pg_case_normal},
  {"all_chunks", PG_RAW4, NULL, pg_case_all_chunks},
  {"all_chunks_udp6", PG_UDP6, NULL, pg_case_all_chunks},
  {"bad_crc", PG_RAW4, "crc", pg_bad_crc},
  {"truncated_chunk", PG_RAW4, "chunk-len", pg_truncated_chunk},
  {"bad_chunk_length", PG_RAW4, "chunk-len", pg_bad_chunk_length},
  {"bad_padding", PG_RAW4, "chunk-pad", pg_bad_padding},
  {"missing_padding", PG_RAW4, "chunk-pad", pg_missing_padding},
  {"data_too_short", PG_RAW4, "chunk-value", pg_data_too_short},
  {"sack_bad_counts", PG_RAW4, "chunk-value", pg_sack_bad_counts},
  {"short_header", PG_RAW4, "header", pg_short_header},
  {"bundled_init", PG_RAW4, "bundle", pg_bundled_init},
  {"shutdown_complete_bundled", PG_RAW4, "bundle",
   pg_shutdown_complete_bundled},
  {"init_vtag", PG_RAW4, "init-vtag", pg_init_vtag},
  {"init_zero_tag", PG_RAW4, "init-fields", pg_init_zero_tag},
  {"wrong_vtag", PG_RAW4, "vtag", pg_wrong_vtag},
  {"abort_tbit", PG_RAW4, "tbit", pg_abort_tbit},
  {"tsn_gap", PG_RAW4, "tsn-seq", pg_tsn_gap},
  {"ssn_wrong", PG_RAW4, "ssn-seq", pg_ssn_wrong},
  {"data_empty", PG_RAW4, "data-empty", pg_data_empty},
  {"sack_backwards", PG_RAW4, "sack-cum", pg_sack_backwards},
  {"sack_bad_gap", PG_RAW4, "sack-gap", pg_sack_bad_gap},
  {"sack_ahead", PG_RAW4, "sack-ahead", pg_sack_ahead},
  {"shutdown_ack_unasked", PG_RAW4, "shutdown-seq", pg_shutdown_ack_unasked},
  {"data_after_shutdown", PG_RAW4, "shutdown-seq", pg_data_after_shutdown},
};

#define PG_NCASES (sizeof(PG_CASES) / sizeof(PG_CASES[0]))

/* Writes case |c| to |path|.  Returns 0 or -1. */
static int pg_write_case(const pg_case *c, const char *path) {
  pg g;

  if (pg_open(&g, path, c->framing) != 0) {
    return -1;
  }
  c->build(&g);
  pg_close(&g);
  return g.err == 0 ? 0 : -1;
}

#endif /* GSCTP_TESTS_PCAPGEN_H */
