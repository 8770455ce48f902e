/*
 * fuzz_wire.c - libFuzzer entry point for the SCTP wire codec.
 *
 * The first input byte picks how the rest is read: as a frame of one of
 * the link types gsw_frame_decode knows, or directly as an SCTP packet.
 * Every chunk is then decoded and every accessor the tools use is called,
 * so an out-of-bounds read shows up under ASan.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sctp_wire.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static volatile uint32_t g_sink;

static void walk_tlvs(const uint8_t *p, size_t len) {
  size_t off = 0;
  gsw_tlv t;
  unsigned n = 0;

  while (gsw_tlv_next(&t, p, len, &off) == 1 && n++ < 100000) {
    g_sink += t.type + (t.vlen > 0 ? t.value[t.vlen - 1] : 0);
  }
}

static void walk_packet(const uint8_t *p, size_t len) {
  gsw_header h;
  gsw_chunk c;
  size_t off = GSW_COMMON_HDR_LEN;
  unsigned i;
  int rv;

  if (gsw_header_decode(&h, p, len) != 0) {
    return;
  }
  g_sink += gsw_packet_crc(p, len) ^ h.vtag;
  while ((rv = gsw_chunk_next(&c, p, len, &off)) != 0) {
    if (c.vlen > 0) {
      g_sink += c.value[c.vlen - 1];
    }
    if (rv < 0) {
      continue;
    }
    switch (c.type) {
    case GSW_SACK:
    case GSW_NR_SACK:
      for (i = 0; i < (unsigned)c.u.sack.ngaps + c.u.sack.nnrgaps; ++i) {
        uint16_t a, b;
        gsw_sack_gap(&c, i, &a, &b);
        g_sink += a + b;
      }
      for (i = 0; i < c.u.sack.ndups; ++i) {
        g_sink += gsw_sack_dup(&c, i);
      }
      break;
    case GSW_FORWARD_TSN:
    case GSW_I_FORWARD_TSN:
      for (i = 0; i < c.u.fwd.nstreams; ++i) {
        uint16_t sid, ssn;
        uint32_t mid;
        gsw_fwd_stream(&c, i, &sid, &ssn, &mid);
        g_sink += sid + ssn + mid;
      }
      break;
    case GSW_INIT:
    case GSW_INIT_ACK:
      walk_tlvs(c.u.init.params, c.u.init.paramslen);
      break;
    case GSW_ASCONF:
    case GSW_ASCONF_ACK:
      walk_tlvs(c.u.asconf.params, c.u.asconf.paramslen);
      break;
    case GSW_HEARTBEAT:
    case GSW_HEARTBEAT_ACK:
    case GSW_ABORT:
    case GSW_ERROR:
    case GSW_RE_CONFIG:
      walk_tlvs(c.u.tlvs.p, c.u.tlvs.len);
      break;
    case GSW_DATA:
    case GSW_I_DATA:
      if (c.u.data.payload_len > 0) {
        g_sink += c.u.data.payload[c.u.data.payload_len - 1];
      }
      break;
    default:
      break;
    }
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static const int lts[] = {GSW_LT_SCTP,       GSW_LT_RAW,  GSW_LT_EN10MB,
                            GSW_LT_NULL,       GSW_LT_LOOP, GSW_LT_LINUX_SLL,
                            GSW_LT_LINUX_SLL2, GSW_LT_IPV4, GSW_LT_IPV6};
  gsw_frame_cfg cfg;
  gsw_frame f;
  uint8_t *copy;

  if (size < 1) {
    return 0;
  }
  memset(&cfg, 0, sizeof(cfg));
  cfg.udp_ports[0] = 5000;
  cfg.nudp = 1;
  /* An exact-size heap copy, so that ASan sees any read past the end. */
  copy = malloc(size - 1 > 0 ? size - 1 : 1);
  if (copy == NULL) {
    return 0;
  }
  memcpy(copy, data + 1, size - 1);
  if (gsw_frame_decode(&f, lts[data[0] % (sizeof(lts) / sizeof(lts[0]))], copy,
                       size - 1, &cfg) == 0) {
    walk_packet(f.sctp, f.sctplen);
  }
  free(copy);
  return 0;
}
