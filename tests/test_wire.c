/*
 * tests/test_wire.c - the SCTP wire codec (pcap-tools/codec): CRC32c
 * vectors and implementations against each other, every chunk type
 * decoded from hand-built bytes, malformed lengths, encode/decode round
 * trips, and the link/IP/UDP framing.
 */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>

#include <stdlib.h>
#include <string.h>

#include "sctp_wire.h"
#include "tsupport.h"

/* ---- CRC32c ---- */

Test(wire, crc32c_rfc_vectors) {
  uint8_t b[32];
  int i;

  /* RFC 3720 B.4 */
  memset(b, 0, sizeof(b));
  cr_assert_eq(gsw_crc32c_sw(b, 32), 0x8A9136AAu);
  cr_assert_eq(gsw_crc32c_hw(b, 32), 0x8A9136AAu);
  memset(b, 0xff, sizeof(b));
  cr_assert_eq(gsw_crc32c_sw(b, 32), 0x62A8AB43u);
  cr_assert_eq(gsw_crc32c_hw(b, 32), 0x62A8AB43u);
  for (i = 0; i < 32; ++i) {
    b[i] = (uint8_t)i;
  }
  cr_assert_eq(gsw_crc32c_sw(b, 32), 0x46DD794Eu);
  cr_assert_eq(gsw_crc32c(b, 32), 0x46DD794Eu);
  for (i = 0; i < 32; ++i) {
    b[i] = (uint8_t)(31 - i);
  }
  cr_assert_eq(gsw_crc32c_sw(b, 32), 0x113FDB5Cu);
  cr_assert_eq(gsw_crc32c_hw(b, 32), 0x113FDB5Cu);
  cr_assert_eq(gsw_crc32c_sw("123456789", 9), 0xE3069283u);
  cr_assert_eq(gsw_crc32c_hw("123456789", 9), 0xE3069283u);
  cr_assert_eq(gsw_crc32c_sw(b, 0), 0u);
}

Test(wire, crc32c_sw_and_hw_agree_on_every_length_and_alignment) {
  uint8_t *buf = malloc(4200);
  size_t len, off;

  cr_assert_not_null(buf);
  ts_fill(buf, 4200, 7);
  for (off = 0; off < 8; ++off) {
    for (len = 0; len < 300; ++len) {
      cr_assert_eq(gsw_crc32c_sw(buf + off, len), gsw_crc32c_hw(buf + off, len),
                   "len %zu off %zu", len, off);
    }
    cr_assert_eq(gsw_crc32c_sw(buf + off, 4096),
                 gsw_crc32c_hw(buf + off, 4096));
  }
  free(buf);
  cr_log_info("SSE4.2 crc32: %s", gsw_crc32c_have_hw() ? "yes" : "no");
}

Test(wire, packet_crc_matches_the_independent_helper) {
  uint8_t pkt[256];
  size_t n = ts_sctp_build_init(pkt, 1, 2, 0x01020304, 0x05060708);

  ts_sctp_set_checksum(pkt, n);
  cr_assert_eq(gsw_packet_crc(pkt, n), gsw_packet_stored_crc(pkt));
  pkt[8] ^= 1;
  cr_assert_neq(gsw_packet_crc(pkt, n), gsw_packet_stored_crc(pkt));
  gsw_packet_set_crc(pkt, n);
  cr_assert(ts_sctp_checksum_ok(pkt, n));
  cr_assert_eq(gsw_packet_crc(pkt, 4), 0u); /* too short: no CRC */
}

/* ---- decoding helpers ---- */

/* Builds a packet from the raw chunk bytes |c|/|n|; returns its length. */
static size_t pkt_of(uint8_t *pkt, const uint8_t *c, size_t n) {
  memset(pkt, 0, 12);
  gsw_put16(pkt, 5000);
  gsw_put16(pkt + 2, 5001);
  gsw_put32(pkt + 4, 0xcafef00d);
  memcpy(pkt + 12, c, n);
  gsw_packet_set_crc(pkt, 12 + n);
  return 12 + n;
}

/* Decodes the first chunk of the raw chunk bytes |c|/|n|. */
static int first_chunk(gsw_chunk *ch, uint8_t *pkt, const uint8_t *c,
                       size_t n) {
  size_t off = 12, len = pkt_of(pkt, c, n);

  return gsw_chunk_next(ch, pkt, len, &off);
}

Test(wire, header) {
  uint8_t pkt[64];
  gsw_header h;
  size_t n = pkt_of(pkt, (const uint8_t *)"", 0);

  cr_assert_eq(gsw_header_decode(&h, pkt, n), 0);
  cr_assert_eq(h.sport, 5000);
  cr_assert_eq(h.dport, 5001);
  cr_assert_eq(h.vtag, 0xcafef00du);
  cr_assert_eq(h.checksum, gsw_packet_crc(pkt, n));
  cr_assert_eq(gsw_header_decode(&h, pkt, 11), GSW_ESHORT);
  cr_assert_eq(gsw_header_decode(&h, NULL, 12), GSW_ESHORT);
}

Test(wire, data) {
  static const uint8_t c[] = {0, 0x07, 0, 19, 0, 0,  0,   42,  0,   3,
                              0, 9,    0, 0,  0, 51, 'a', 'b', 'c', 0};
  uint8_t pkt[64];
  gsw_chunk ch;

  cr_assert_eq(first_chunk(&ch, pkt, c, sizeof(c)), 1);
  cr_assert_eq(ch.type, GSW_DATA);
  cr_assert_eq(ch.flags, GSW_DATA_FLAG_U | GSW_DATA_FLAG_B | GSW_DATA_FLAG_E);
  cr_assert_eq(ch.len, 19);
  cr_assert_eq(ch.u.data.tsn, 42u);
  cr_assert_eq(ch.u.data.sid, 3);
  cr_assert_eq(ch.u.data.ssn, 9);
  cr_assert_eq(ch.u.data.ppid, 51u);
  cr_assert_eq(ch.u.data.payload_len, 3u);
  cr_assert_arr_eq(ch.u.data.payload, "abc", 3);
  cr_assert_eq(ch.padlen, 1u);
  cr_assert_eq(ch.pad_short, 0);
  cr_assert_eq(ch.pad_nonzero, 0);
}

Test(wire, i_data) {
  static const uint8_t c[] = {64, 0x02, 0, 21, 0, 0, 0, 7,  0,   4, 0, 0,
                              0,  0,    0, 5,  0, 0, 0, 46, 'x', 0, 0, 0};
  uint8_t pkt[64];
  gsw_chunk ch;

  cr_assert_eq(first_chunk(&ch, pkt, c, sizeof(c)), 1);
  cr_assert_eq(ch.type, GSW_I_DATA);
  cr_assert_eq(ch.u.data.tsn, 7u);
  cr_assert_eq(ch.u.data.sid, 4);
  cr_assert_eq(ch.u.data.mid, 5u);
  cr_assert_eq(ch.u.data.ppid, 46u);
  cr_assert_eq(ch.u.data.payload_len, 1u);
}

Test(wire, init_and_init_ack_with_params) {
  uint8_t c[64], pkt[128];
  gsw_chunk ch;
  gsw_tlv t;
  size_t off = 0;
  int k, type;

  for (type = GSW_INIT; type <= GSW_INIT_ACK; ++type) {
    memset(c, 0, sizeof(c));
    c[0] = (uint8_t)type;
    gsw_put16(c + 2, 20 + 8 + 4);
    gsw_put32(c + 4, 0xa1b2c3d4);
    gsw_put32(c + 8, 100000);
    gsw_put16(c + 12, 10);
    gsw_put16(c + 14, 2048);
    gsw_put32(c + 16, 777);
    k = gsw_tlv_put(c + 20, 44, GSW_P_IPV4, "\x7f\0\0\x01", 4);
    cr_assert_eq(k, 8);
    k = gsw_tlv_put(c + 28, 36, GSW_P_ECN_CAPABLE, NULL, 0);
    cr_assert_eq(k, 4);
    cr_assert_eq(first_chunk(&ch, pkt, c, 32), 1);
    cr_assert_eq(ch.type, type);
    cr_assert_eq(ch.u.init.init_tag, 0xa1b2c3d4u);
    cr_assert_eq(ch.u.init.a_rwnd, 100000u);
    cr_assert_eq(ch.u.init.os, 10);
    cr_assert_eq(ch.u.init.mis, 2048);
    cr_assert_eq(ch.u.init.initial_tsn, 777u);
    cr_assert_eq(ch.u.init.paramslen, 12u);
    off = 0;
    cr_assert_eq(gsw_tlv_next(&t, ch.u.init.params, ch.u.init.paramslen, &off),
                 1);
    cr_assert_eq(t.type, GSW_P_IPV4);
    cr_assert_eq(t.vlen, 4u);
    cr_assert_eq(gsw_tlv_next(&t, ch.u.init.params, ch.u.init.paramslen, &off),
                 1);
    cr_assert_eq(t.type, GSW_P_ECN_CAPABLE);
    cr_assert_eq(gsw_tlv_next(&t, ch.u.init.params, ch.u.init.paramslen, &off),
                 0);
    /* a parameter running past the chunk */
    gsw_put16(c + 30, 12);
    cr_assert_eq(first_chunk(&ch, pkt, c, 32), GSW_EBADLEN);
  }
}

Test(wire, sack_and_nr_sack) {
  uint8_t pkt[128], c[64];
  gsw_chunk ch;
  uint16_t a, b;

  memset(c, 0, sizeof(c));
  c[0] = GSW_SACK;
  gsw_put16(c + 2, 16 + 8 + 4);
  gsw_put32(c + 4, 1000);
  gsw_put32(c + 8, 5555);
  gsw_put16(c + 12, 2);
  gsw_put16(c + 14, 1);
  gsw_put16(c + 16, 2);
  gsw_put16(c + 18, 3);
  gsw_put16(c + 20, 5);
  gsw_put16(c + 22, 9);
  gsw_put32(c + 24, 999);
  cr_assert_eq(first_chunk(&ch, pkt, c, 28), 1);
  cr_assert_eq(ch.u.sack.cum_tsn, 1000u);
  cr_assert_eq(ch.u.sack.a_rwnd, 5555u);
  cr_assert_eq(ch.u.sack.ngaps, 2);
  cr_assert_eq(ch.u.sack.ndups, 1);
  gsw_sack_gap(&ch, 0, &a, &b);
  cr_assert(a == 2 && b == 3);
  gsw_sack_gap(&ch, 1, &a, &b);
  cr_assert(a == 5 && b == 9);
  cr_assert_eq(gsw_sack_dup(&ch, 0), 999u);
  /* counts claiming more blocks than the chunk holds */
  gsw_put16(c + 14, 2);
  cr_assert_eq(first_chunk(&ch, pkt, c, 28), GSW_EBADLEN);

  /* NR-SACK: one gap, one NR gap, no dups */
  memset(c, 0, sizeof(c));
  c[0] = GSW_NR_SACK;
  gsw_put16(c + 2, 20 + 8);
  gsw_put32(c + 4, 10);
  gsw_put16(c + 12, 1);
  gsw_put16(c + 14, 1);
  gsw_put16(c + 20, 2);
  gsw_put16(c + 22, 2);
  gsw_put16(c + 24, 4);
  gsw_put16(c + 26, 4);
  cr_assert_eq(first_chunk(&ch, pkt, c, 28), 1);
  cr_assert_eq(ch.u.sack.nnrgaps, 1);
  gsw_sack_gap(&ch, 1, &a, &b);
  cr_assert(a == 4 && b == 4);
}

Test(wire, tlv_chunks_heartbeat_abort_error_reconfig) {
  static const uint8_t types[] = {GSW_HEARTBEAT, GSW_HEARTBEAT_ACK, GSW_ABORT,
                                  GSW_ERROR, GSW_RE_CONFIG};
  uint8_t c[64], pkt[128];
  gsw_chunk ch;
  size_t i, off;
  gsw_tlv t;

  for (i = 0; i < sizeof(types); ++i) {
    memset(c, 0, sizeof(c));
    c[0] = types[i];
    c[1] = types[i] == GSW_ABORT ? GSW_FLAG_T : 0;
    gsw_put16(c + 2, 4 + 8 + 7);
    gsw_tlv_put(c + 4, 60, 1, "abcd", 4);
    gsw_tlv_put(c + 12, 52, 13, "xyz", 3);
    cr_assert_eq(first_chunk(&ch, pkt, c, 20), 1, "type %u", types[i]);
    cr_assert_eq(ch.u.tlvs.len, 15u);
    off = 0;
    cr_assert_eq(gsw_tlv_next(&t, ch.u.tlvs.p, ch.u.tlvs.len, &off), 1);
    cr_assert_eq(t.type, 1);
    cr_assert_eq(gsw_tlv_next(&t, ch.u.tlvs.p, ch.u.tlvs.len, &off), 1);
    cr_assert_eq(t.type, 13);
    cr_assert_eq(t.vlen, 3u);
    cr_assert_eq(gsw_tlv_next(&t, ch.u.tlvs.p, ch.u.tlvs.len, &off), 0);
    /* a cause shorter than its header */
    gsw_put16(c + 14, 3);
    cr_assert_eq(first_chunk(&ch, pkt, c, 20), GSW_EBADLEN);
  }
}

Test(wire, fixed_size_chunks) {
  uint8_t pkt[64];
  gsw_chunk ch;
  static const uint8_t sd[] = {GSW_SHUTDOWN, 0, 0, 8, 0, 0, 1, 0};
  static const uint8_t sd_bad[] = {GSW_SHUTDOWN, 0, 0, 4};
  static const uint8_t sa[] = {GSW_SHUTDOWN_ACK, 0, 0, 4};
  static const uint8_t ca[] = {GSW_COOKIE_ACK, 0, 0, 4};
  static const uint8_t sc[] = {GSW_SHUTDOWN_COMPLETE, 1, 0, 4};
  static const uint8_t sc_bad[] = {GSW_SHUTDOWN_COMPLETE, 0, 0, 8, 1, 2, 3, 4};
  static const uint8_t ec[] = {GSW_ECNE, 0, 0, 8, 0, 0, 0, 9};
  static const uint8_t cw[] = {GSW_CWR, 0, 0, 8, 0, 0, 0, 8};
  static const uint8_t cw_bad[] = {GSW_CWR, 0, 0, 6, 0, 0, 0, 0};

  cr_assert_eq(first_chunk(&ch, pkt, sd, sizeof(sd)), 1);
  cr_assert_eq(ch.u.shutdown.cum_tsn, 256u);
  cr_assert_eq(first_chunk(&ch, pkt, sd_bad, sizeof(sd_bad)), GSW_EBADLEN);
  cr_assert_eq(first_chunk(&ch, pkt, sa, sizeof(sa)), 1);
  cr_assert_eq(first_chunk(&ch, pkt, ca, sizeof(ca)), 1);
  cr_assert_eq(first_chunk(&ch, pkt, sc, sizeof(sc)), 1);
  cr_assert_eq(ch.flags & GSW_FLAG_T, 1);
  cr_assert_eq(first_chunk(&ch, pkt, sc_bad, sizeof(sc_bad)), GSW_EBADLEN);
  cr_assert_eq(first_chunk(&ch, pkt, ec, sizeof(ec)), 1);
  cr_assert_eq(ch.u.ecn.lowest_tsn, 9u);
  cr_assert_eq(first_chunk(&ch, pkt, cw, sizeof(cw)), 1);
  cr_assert_eq(ch.u.ecn.lowest_tsn, 8u);
  cr_assert_eq(first_chunk(&ch, pkt, cw_bad, sizeof(cw_bad)), GSW_EBADLEN);
}

Test(wire, cookie_echo_pad_auth_unknown) {
  uint8_t pkt[64];
  gsw_chunk ch;
  static const uint8_t ce[] = {
    GSW_COOKIE_ECHO, 0, 0, 9, 1, 2, 3, 4, 5, 0, 0, 0};
  static const uint8_t pad[] = {GSW_PAD, 0, 0, 8, 0, 0, 0, 0};
  static const uint8_t au[] = {GSW_AUTH, 0, 0, 12, 0, 1, 0, 3, 9, 9, 9, 9};
  static const uint8_t au_bad[] = {GSW_AUTH, 0, 0, 6, 0, 1, 0, 0};
  static const uint8_t unk[] = {0x7e, 0xff, 0, 6, 1, 2, 0, 0};

  cr_assert_eq(first_chunk(&ch, pkt, ce, sizeof(ce)), 1);
  cr_assert_eq(ch.u.tlvs.len, 5u);
  cr_assert_eq(ch.padlen, 3u);
  cr_assert_eq(first_chunk(&ch, pkt, pad, sizeof(pad)), 1);
  cr_assert_eq(ch.u.tlvs.len, 4u);
  cr_assert_eq(first_chunk(&ch, pkt, au, sizeof(au)), 1);
  cr_assert_eq(ch.u.auth.shkey, 1);
  cr_assert_eq(ch.u.auth.hmac_id, 3);
  cr_assert_eq(ch.u.auth.hmaclen, 4u);
  cr_assert_eq(first_chunk(&ch, pkt, au_bad, sizeof(au_bad)), GSW_EBADLEN);
  cr_assert_eq(first_chunk(&ch, pkt, unk, sizeof(unk)), 1);
  cr_assert_eq(ch.type, 0x7e);
  cr_assert_eq(ch.flags, 0xff);
  cr_assert_eq(ch.vlen, 2u);
  cr_assert_null(gsw_chunk_name(0x7e));
}

Test(wire, forward_tsn_and_i_forward_tsn) {
  uint8_t pkt[64];
  gsw_chunk ch;
  uint16_t sid, ssn;
  uint32_t mid;
  static const uint8_t f[] = {
    GSW_FORWARD_TSN, 0, 0, 16, 0, 0, 0, 50, 0, 1, 0, 7, 0, 2, 0, 8};
  static const uint8_t f_bad[] = {
    GSW_FORWARD_TSN, 0, 0, 10, 0, 0, 0, 50, 0, 1, 0, 0};
  static const uint8_t i[] = {
    GSW_I_FORWARD_TSN, 0, 0, 16, 0, 0, 0, 60, 0, 3, 0, 1, 0, 0, 0, 4};
  static const uint8_t i_bad[] = {
    GSW_I_FORWARD_TSN, 0, 0, 12, 0, 0, 0, 60, 0, 3, 0, 1};

  cr_assert_eq(first_chunk(&ch, pkt, f, sizeof(f)), 1);
  cr_assert_eq(ch.u.fwd.new_cum_tsn, 50u);
  cr_assert_eq(ch.u.fwd.nstreams, 2);
  gsw_fwd_stream(&ch, 1, &sid, &ssn, &mid);
  cr_assert(sid == 2 && ssn == 8 && mid == 0);
  cr_assert_eq(first_chunk(&ch, pkt, f_bad, sizeof(f_bad)), GSW_EBADLEN);
  cr_assert_eq(first_chunk(&ch, pkt, i, sizeof(i)), 1);
  cr_assert_eq(ch.u.fwd.nstreams, 1);
  gsw_fwd_stream(&ch, 0, &sid, &ssn, &mid);
  cr_assert(sid == 3 && ssn == 1 && mid == 4);
  cr_assert_eq(first_chunk(&ch, pkt, i_bad, sizeof(i_bad)), GSW_EBADLEN);
}

Test(wire, asconf_and_asconf_ack) {
  uint8_t c[64], pkt[128];
  gsw_chunk ch;
  int k;

  memset(c, 0, sizeof(c));
  c[0] = GSW_ASCONF;
  gsw_put32(c + 4, 12345);
  k = gsw_tlv_put(c + 8, 56, GSW_P_IPV4, "\x0a\0\0\x01", 4);
  gsw_put16(c + 2, (uint16_t)(8 + k));
  cr_assert_eq(first_chunk(&ch, pkt, c, (size_t)(8 + k)), 1);
  cr_assert_eq(ch.u.asconf.serial, 12345u);
  cr_assert_eq(ch.u.asconf.paramslen, 8u);
  c[0] = GSW_ASCONF_ACK;
  cr_assert_eq(first_chunk(&ch, pkt, c, (size_t)(8 + k)), 1);
  cr_assert_eq(ch.type, GSW_ASCONF_ACK);
  gsw_put16(c + 2, 6);
  cr_assert_eq(first_chunk(&ch, pkt, c, 8), GSW_EBADLEN);
}

/* ---- malformed framing ---- */

struct bad_chunk {
  uint8_t bytes[12];
  size_t len;
  int rv;
};

ParameterizedTestParameters(wire, malformed_chunk_lengths) {
  static struct bad_chunk cases[] = {
    {{0x00}, 1, GSW_ESHORT},                      /* 1 byte of a header */
    {{0x00, 0x03, 0x00}, 3, GSW_ESHORT},          /* 3 bytes */
    {{0x0b, 0x00, 0x00, 0x00}, 4, GSW_EBADLEN},   /* length 0 */
    {{0x0b, 0x00, 0x00, 0x03}, 4, GSW_EBADLEN},   /* length 3 */
    {{0x0b, 0x00, 0x00, 0x09, 1}, 5, GSW_ESHORT}, /* past the end */
    {{0x00, 0x03, 0x00, 0x0c, 0, 0, 0, 1, 0, 0, 0, 0}, 12, GSW_EBADLEN},
    {{0x01, 0x00, 0x00, 0x08, 0, 0, 0, 1}, 8, GSW_EBADLEN}, /* INIT */
    {{0x03, 0x00, 0x00, 0x08, 0, 0, 0, 1}, 8, GSW_EBADLEN}, /* SACK */
    {{0x07, 0x00, 0x00, 0x04}, 4, GSW_EBADLEN},             /* SHUTDOWN */
    {{0x0c, 0x00, 0x00, 0x04}, 4, GSW_EBADLEN},             /* ECNE */
    {{0xc0, 0x00, 0x00, 0x04}, 4, GSW_EBADLEN},             /* FWD-TSN */
    {{0xc1, 0x00, 0x00, 0x04}, 4, GSW_EBADLEN},             /* ASCONF */
    {{0x40, 0x00, 0x00, 0x0c, 0, 0, 0, 1, 0, 0, 0, 0}, 12, GSW_EBADLEN},
  };

  return cr_make_param_array(struct bad_chunk, cases,
                             sizeof(cases) / sizeof(cases[0]));
}

ParameterizedTest(struct bad_chunk *in, wire, malformed_chunk_lengths) {
  uint8_t *pkt = malloc(12 + in->len); /* exact size: ASan sees overreads */
  gsw_chunk ch;
  size_t off = 12;

  cr_assert_not_null(pkt);
  memset(pkt, 0, 12);
  memcpy(pkt + 12, in->bytes, in->len);
  cr_assert_eq(gsw_chunk_next(&ch, pkt, 12 + in->len, &off), in->rv);
  cr_assert_eq(ch.type, in->bytes[0]);
  cr_assert_leq(off, 12 + in->len);
  while (gsw_chunk_next(&ch, pkt, 12 + in->len, &off) != 0) {
    cr_assert_leq(off, 12 + in->len);
  }
  free(pkt);
}

Test(wire, padding_flags) {
  uint8_t pkt[64];
  gsw_chunk ch;
  static const uint8_t nz[] = {GSW_COOKIE_ECHO, 0, 0, 5, 1, 0, 9, 0};
  static const uint8_t sh[] = {GSW_COOKIE_ECHO, 0, 0, 5, 1};

  cr_assert_eq(first_chunk(&ch, pkt, nz, sizeof(nz)), 1);
  cr_assert_eq(ch.pad_nonzero, 1);
  cr_assert_eq(ch.pad_short, 0);
  cr_assert_eq(first_chunk(&ch, pkt, sh, sizeof(sh)), 1);
  cr_assert_eq(ch.pad_short, 1);
  cr_assert_eq(ch.padlen, 0u);
}

Test(wire, every_prefix_of_a_packet_is_safe) {
  uint8_t full[512];
  gsw_builder b;
  uint16_t gaps[] = {2, 4};
  uint32_t dups[] = {7};
  size_t len, chunks_full = 0;
  int n;

  gsw_build_start(&b, full, sizeof(full), 1, 2, 3);
  gsw_build_init(&b, GSW_INIT, 9, 1000, 1, 1, 5, "\x80\x00\x00\x04", 4);
  gsw_build_data(&b, 3, 5, 0, 0, 0, "hello", 5);
  gsw_build_sack(&b, 4, 1000, gaps, 1, dups, 1);
  gsw_build_chunk(&b, GSW_COOKIE_ACK, 0, NULL, 0);
  n = gsw_build_finish(&b);
  cr_assert_gt(n, 0);
  for (len = 0; len <= (size_t)n; ++len) {
    uint8_t *p = malloc(len ? len : 1);
    gsw_header h;
    gsw_chunk ch;
    size_t off = 12, count = 0;
    int rv;

    cr_assert_not_null(p);
    memcpy(p, full, len);
    if (gsw_header_decode(&h, p, len) == 0) {
      while ((rv = gsw_chunk_next(&ch, p, len, &off)) != 0) {
        cr_assert_leq(off, len);
        count++;
        cr_assert_leq(count, 4u);
      }
    }
    if (len == (size_t)n) {
      chunks_full = count;
    }
    free(p);
  }
  cr_assert_eq(chunks_full, 4u);
}

/* ---- round trip ---- */

Test(wire, build_and_decode_round_trip) {
  uint8_t buf[1024];
  gsw_builder b;
  gsw_header h;
  gsw_chunk ch;
  size_t off = 12;
  uint16_t gaps[] = {2, 3, 6, 6}, s, e;
  uint32_t dups[] = {11, 12};
  int n;

  gsw_build_start(&b, buf, sizeof(buf), 7, 8, 0x12345678);
  gsw_build_data(&b, GSW_DATA_FLAG_B, 10, 1, 2, 3, "12345", 5);
  gsw_build_sack(&b, 9, 4096, gaps, 2, dups, 2);
  gsw_build_init(&b, GSW_INIT_ACK, 0xfeed, 8192, 3, 4, 99, NULL, 0);
  gsw_build_chunk(&b, GSW_HEARTBEAT, 0, "\x00\x01\x00\x06zz", 6);
  n = gsw_build_finish(&b);
  cr_assert_eq(n, 12 + 24 + 32 + 20 + 12);
  cr_assert_eq(gsw_header_decode(&h, buf, (size_t)n), 0);
  cr_assert_eq(h.vtag, 0x12345678u);
  cr_assert_eq(h.checksum, gsw_packet_crc(buf, (size_t)n));

  cr_assert_eq(gsw_chunk_next(&ch, buf, (size_t)n, &off), 1);
  cr_assert(ch.type == GSW_DATA && ch.u.data.tsn == 10 && ch.u.data.sid == 1 &&
            ch.u.data.ssn == 2 && ch.u.data.ppid == 3 &&
            ch.u.data.payload_len == 5 && ch.len == 21 && ch.padlen == 3);
  cr_assert_eq(gsw_chunk_next(&ch, buf, (size_t)n, &off), 1);
  cr_assert(ch.type == GSW_SACK && ch.u.sack.cum_tsn == 9 &&
            ch.u.sack.a_rwnd == 4096 && ch.u.sack.ngaps == 2 &&
            ch.u.sack.ndups == 2);
  gsw_sack_gap(&ch, 1, &s, &e);
  cr_assert(s == 6 && e == 6);
  cr_assert_eq(gsw_sack_dup(&ch, 1), 12u);
  cr_assert_eq(gsw_chunk_next(&ch, buf, (size_t)n, &off), 1);
  cr_assert(ch.type == GSW_INIT_ACK && ch.u.init.init_tag == 0xfeed &&
            ch.u.init.os == 3 && ch.u.init.mis == 4 &&
            ch.u.init.initial_tsn == 99);
  cr_assert_eq(gsw_chunk_next(&ch, buf, (size_t)n, &off), 1);
  cr_assert_eq(ch.type, GSW_HEARTBEAT);
  cr_assert_eq(gsw_chunk_next(&ch, buf, (size_t)n, &off), 0);
}

Test(wire, builder_reports_no_space) {
  uint8_t buf[40];
  gsw_builder b;

  gsw_build_start(&b, buf, sizeof(buf), 1, 2, 3);
  gsw_build_data(&b, 3, 1, 0, 0, 0, "0123456789abcdef", 16);
  cr_assert_eq(gsw_build_finish(&b), GSW_ENOSPC);
  gsw_build_start(&b, buf, 8, 1, 2, 3);
  cr_assert_eq(gsw_build_finish(&b), GSW_ENOSPC);
  cr_assert_eq(gsw_tlv_put(buf, 7, 1, "abcd", 4), GSW_ENOSPC);
  cr_assert_eq(gsw_tlv_put(buf, 8, 1, "abcd", 4), 8);
}

Test(wire, names) {
  int t, named = 0;

  for (t = 0; t < 256; ++t) {
    named += gsw_chunk_name((uint8_t)t) != NULL;
  }
  cr_assert_eq(named, 24);
  cr_assert_str_eq(gsw_chunk_name(GSW_SHUTDOWN_COMPLETE), "SHUTDOWN_COMPLETE");
  cr_assert_str_eq(gsw_param_name(GSW_P_STATE_COOKIE), "state_cookie");
  cr_assert_str_eq(gsw_cause_name(GSW_C_USER_ABORT), "user_abort");
  cr_assert_str_eq(gsw_cause_name(GSW_C_UNSUPPORTED_HMAC), "unsupported_hmac");
  cr_assert_null(gsw_param_name(0x7777));
  cr_assert_null(gsw_cause_name(0x7777));
  cr_assert_str_eq(gsw_strerror(GSW_ESHORT), "truncated");
  cr_assert_str_eq(gsw_strerror(12345), "unknown error");
  cr_assert(gsw_tsn_lt(0xfffffff0u, 5));
  cr_assert(!gsw_tsn_lt(5, 0xfffffff0u));
  cr_assert(gsw_ssn_lt(65530, 3));
}

/* ---- framing ---- */

static int frame_of(gsw_frame *f, int lt, const uint8_t *p, size_t n,
                    const gsw_frame_cfg *cfg) {
  uint8_t *copy = malloc(n ? n : 1);
  int rv;

  memcpy(copy, p, n);
  rv = gsw_frame_decode(f, lt, copy, n, cfg);
  /* the result points into |copy|: only compare offsets */
  if (rv == 0) {
    f->sctp = p + (f->sctp - copy);
  }
  free(copy);
  return rv;
}

Test(wire, frame_ipv4_ipv6_udp_and_link_types) {
  uint8_t sctp[16] = {0, 1, 0, 2}, ip[128], eth[160];
  static const uint8_t a4[4] = {10, 0, 0, 1}, b4[4] = {10, 0, 0, 2};
  static const uint8_t a6[16] = {[15] = 1}, b6[16] = {[15] = 2};
  gsw_frame_cfg cfg;
  gsw_frame f;
  int n;

  n = gsw_frame_build(ip, sizeof(ip), 4, a4, b4, 0, 0, sctp, 16);
  cr_assert_eq(n, 36);
  cr_assert_eq(frame_of(&f, GSW_LT_RAW, ip, (size_t)n, NULL), 0);
  cr_assert(f.family == 4 && !f.udp && f.sctplen == 16);
  cr_assert_arr_eq(f.src, a4, 4);
  cr_assert_eq(f.sctp, ip + 20);
  cr_assert_eq(frame_of(&f, GSW_LT_RAW_DLT, ip, (size_t)n, NULL), 0);
  cr_assert_eq(frame_of(&f, GSW_LT_IPV4, ip, (size_t)n, NULL), 0);
  /* Ethernet padding after the IP packet is not SCTP */
  memset(eth, 0, sizeof(eth));
  gsw_put16(eth + 12, 0x0800);
  memcpy(eth + 14, ip, (size_t)n);
  cr_assert_eq(frame_of(&f, GSW_LT_EN10MB, eth, 14 + (size_t)n + 6, NULL), 0);
  cr_assert_eq(f.sctplen, 16u);
  /* VLAN tag */
  gsw_put16(eth + 12, 0x8100);
  gsw_put16(eth + 16, 0x0800);
  memcpy(eth + 18, ip, (size_t)n);
  cr_assert_eq(frame_of(&f, GSW_LT_EN10MB, eth, 18 + (size_t)n, NULL), 0);
  /* truncated capture: flagged */
  cr_assert_eq(frame_of(&f, GSW_LT_RAW, ip, (size_t)n - 4, NULL), 0);
  cr_assert_eq(f.truncated, 1);
  cr_assert_eq(f.sctplen, 12u);
  /* a fragment is not decoded */
  ip[6] = 0x20;
  cr_assert_eq(frame_of(&f, GSW_LT_RAW, ip, (size_t)n, NULL), GSW_ENOTSCTP);
  ip[6] = 0x40;
  /* IHL below 5 */
  ip[0] = 0x44;
  cr_assert_eq(frame_of(&f, GSW_LT_RAW, ip, (size_t)n, NULL), GSW_EBADLEN);

  /* IPv6 + UDP 9899 */
  n = gsw_frame_build(ip, sizeof(ip), 6, a6, b6, 9899, 40000, sctp, 16);
  cr_assert_eq(n, 40 + 8 + 16);
  cr_assert_eq(frame_of(&f, GSW_LT_RAW, ip, (size_t)n, NULL), 0);
  cr_assert(f.family == 6 && f.udp && f.usport == 9899 && f.udport == 40000);
  memset(eth, 0, 20);
  gsw_put16(eth, 0x86DD);
  memcpy(eth + 20, ip, (size_t)n);
  cr_assert_eq(frame_of(&f, GSW_LT_LINUX_SLL2, eth, 20 + (size_t)n, NULL), 0);
  memset(eth, 0, 16);
  gsw_put16(eth + 14, 0x86DD);
  memcpy(eth + 16, ip, (size_t)n);
  cr_assert_eq(frame_of(&f, GSW_LT_LINUX_SLL, eth, 16 + (size_t)n, NULL), 0);
  memset(eth, 0, 4);
  eth[0] = 30; /* AF_INET6 on macOS, little-endian host */
  memcpy(eth + 4, ip, (size_t)n);
  cr_assert_eq(frame_of(&f, GSW_LT_NULL, eth, 4 + (size_t)n, NULL), 0);
  gsw_put32(eth, 10);
  cr_assert_eq(frame_of(&f, GSW_LT_LOOP, eth, 4 + (size_t)n, NULL), 0);

  /* UDP on other ports only with the port configured */
  n = gsw_frame_build(ip, sizeof(ip), 4, a4, b4, 5000, 5001, sctp, 16);
  cr_assert_eq(frame_of(&f, GSW_LT_RAW, ip, (size_t)n, NULL), GSW_ENOTSCTP);
  memset(&cfg, 0, sizeof(cfg));
  cfg.udp_ports[0] = 5001;
  cfg.nudp = 1;
  cr_assert_eq(frame_of(&f, GSW_LT_RAW, ip, (size_t)n, &cfg), 0);
  cr_assert_eq(f.sctplen, 16u);
  /* UDP length below 8 */
  gsw_put16(ip + 24, 4);
  cr_assert_eq(frame_of(&f, GSW_LT_RAW, ip, (size_t)n, &cfg), GSW_EBADLEN);

  /* LINKTYPE_SCTP: the bytes are the packet */
  cr_assert_eq(frame_of(&f, GSW_LT_SCTP, sctp, 16, NULL), 0);
  cr_assert_eq(f.family, 0);
  /* unknown link type, short headers */
  cr_assert_eq(frame_of(&f, 147, sctp, 16, NULL), GSW_ENOTSCTP);
  cr_assert_eq(frame_of(&f, GSW_LT_EN10MB, sctp, 10, NULL), GSW_ESHORT);
  cr_assert_eq(frame_of(&f, GSW_LT_RAW, sctp, 0, NULL), GSW_ESHORT);
  cr_assert_eq(frame_of(&f, GSW_LT_LINUX_SLL2, sctp, 16, NULL), GSW_ESHORT);
  cr_assert_eq(gsw_frame_build(ip, 10, 4, a4, b4, 0, 0, sctp, 16), GSW_ENOSPC);
  cr_assert_eq(gsw_frame_build(ip, sizeof(ip), 5, a4, b4, 0, 0, sctp, 16),
               GSW_EBADVAL);
}

Test(wire, frame_ipv6_extension_headers) {
  uint8_t ip[128], sctp[12] = {0};
  static const uint8_t a6[16] = {[15] = 1};
  gsw_frame f;
  int n;

  n = gsw_frame_build(ip, sizeof(ip), 6, a6, a6, 0, 0, sctp, 12);
  cr_assert_eq(n, 52);
  /* insert a hop-by-hop header (8 bytes) before the SCTP packet */
  memmove(ip + 48, ip + 40, 12);
  memset(ip + 40, 0, 8);
  ip[40] = 132; /* next: SCTP */
  ip[6] = 0;    /* hop-by-hop */
  gsw_put16(ip + 4, 20);
  cr_assert_eq(frame_of(&f, GSW_LT_RAW, ip, 60, NULL), 0);
  cr_assert_eq(f.sctplen, 12u);
  /* an extension header claiming more than there is */
  ip[41] = 5;
  cr_assert_eq(frame_of(&f, GSW_LT_RAW, ip, 60, NULL), GSW_ESHORT);
  /* a non-first fragment */
  ip[41] = 0;
  ip[6] = 44;
  gsw_put16(ip + 42, 0x0008);
  cr_assert_eq(frame_of(&f, GSW_LT_RAW, ip, 60, NULL), GSW_ENOTSCTP);
}
