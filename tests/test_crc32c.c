/*
 * tests/test_crc32c.c - gsctp's SSE4.2 CRC32c (stack/crc32c.c) computes
 * exactly what usrsctp's own table-driven code computes, and usrsctp's
 * checksum calls really reach it once the stack runs.
 *
 * The wire-level check (the stack writes valid checksums and drops
 * packets with wrong ones) is in test_checksum.c.
 */
#include <criterion/criterion.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <gsctp/gsctp.h>

#include "stack_int.h"
#include "tsupport.h"

static void fill_random(uint8_t *p, size_t n, uint32_t seed) {
  size_t i;

  for (i = 0; i < n; ++i) {
    seed = seed * 1103515245u + 12345u;
    p[i] = (uint8_t)(seed >> 16);
  }
}

Test(crc32c, standard_check_value) {
  /* CRC-32C of "123456789" is 0xE3069283 (RFC 3720 / iSCSI check value);
   * the update function is unfinalised: start at ~0, invert at the end. */
  const char *s = "123456789";

  cr_assert_eq(~gsctp_crc32c_update_hw(0xffffffffu, s, 9), 0xE3069283u);
  cr_assert_eq(~gsctp_crc32c_update_usrsctp(0xffffffffu, s, 9), 0xE3069283u);
}

Test(crc32c, same_as_usrsctp_every_length_and_alignment) {
  static uint8_t buf[70000];
  size_t len, off;

  fill_random(buf, sizeof(buf), 7);
  for (off = 0; off < 8; ++off) {
    for (len = 0; len <= 300; ++len) {
      uint32_t seed = (uint32_t)(len * 2654435761u);

      cr_assert_eq(gsctp_crc32c_update_hw(seed, buf + off, len),
                   gsctp_crc32c_update_usrsctp(seed, buf + off, len),
                   "offset %zu length %zu", off, len);
    }
  }
  for (len = 1000; len <= 66000; len += 13001) {
    cr_assert_eq(gsctp_crc32c_update_hw(0xffffffffu, buf + 3, len),
                 gsctp_crc32c_update_usrsctp(0xffffffffu, buf + 3, len),
                 "length %zu", len);
  }
}

Test(crc32c, usrsctp_calls_reach_gsctp_once_started) {
  uint8_t pkt[200];

  ts_stack_start();
  cr_assert_eq(gsctp_crc32c_interposed(), 1,
               "usrsctp's calculate_crc32c calls do not reach gsctp's");
  /* usrsctp_crc32c (the finalised checksum usrsctp puts on the wire)
   * goes through the interposed update; it must equal a finalisation of
   * usrsctp's own update. */
  fill_random(pkt, sizeof(pkt), 99);
  {
    uint32_t own = ~gsctp_crc32c_update_usrsctp(0xffffffffu, pkt, sizeof(pkt));
    uint32_t wire = usrsctp_crc32c(pkt, sizeof(pkt));
    /* sctp_finalize_crc32c byte-swaps on big-endian hosts only. */
    cr_assert_eq(wire, own);
  }
}
