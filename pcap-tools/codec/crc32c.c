/*
 * crc32c.c - CRC32c (Castagnoli, reflected polynomial 0x82F63B78), as
 * SCTP uses it (RFC 9260 appendix A).
 *
 * Two implementations: a table-driven one (slicing by 8, tables built
 * once) and one with the SSE4.2 crc32 instruction.  The SSE4.2 code is
 * compiled with a target attribute, so the build does not need -msse4.2,
 * and is used only when cpuid says the CPU has the instruction.
 */
#include <pthread.h>
#include <string.h>

#include "sctp_wire.h"

#if defined(__x86_64__) || defined(__i386__)
#  define GSW_HAVE_X86 1
#  include <cpuid.h>
#  include <nmmintrin.h>
#endif

static uint32_t g_table[8][256];
static pthread_once_t g_once = PTHREAD_ONCE_INIT;
static int g_have_hw;

static void crc_init(void) {
  uint32_t i, j, c;

  for (i = 0; i < 256; ++i) {
    c = i;
    for (j = 0; j < 8; ++j) {
      c = (c & 1) ? (c >> 1) ^ 0x82F63B78u : c >> 1;
    }
    g_table[0][i] = c;
  }
  for (i = 0; i < 256; ++i) {
    for (j = 1; j < 8; ++j) {
      g_table[j][i] =
        (g_table[j - 1][i] >> 8) ^ g_table[0][g_table[j - 1][i] & 0xff];
    }
  }
#ifdef GSW_HAVE_X86
  {
    unsigned a, b, c2, d;
    if (__get_cpuid(1, &a, &b, &c2, &d) && (c2 & bit_SSE4_2)) {
      g_have_hw = 1;
    }
  }
#endif
}

int gsw_crc32c_have_hw(void) {
  pthread_once(&g_once, crc_init);
  return g_have_hw;
}

static uint32_t crc_sw(uint32_t crc, const uint8_t *p, size_t len) {
  while (len > 0 && ((uintptr_t)p & 7) != 0) {
    crc = (crc >> 8) ^ g_table[0][(crc ^ *p++) & 0xff];
    len--;
  }
  while (len >= 8) {
    uint32_t lo = crc ^ ((uint32_t)p[0] | (uint32_t)p[1] << 8 |
                         (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24);
    uint32_t hi = (uint32_t)p[4] | (uint32_t)p[5] << 8 | (uint32_t)p[6] << 16 |
                  (uint32_t)p[7] << 24;
    crc = g_table[7][lo & 0xff] ^ g_table[6][(lo >> 8) & 0xff] ^
          g_table[5][(lo >> 16) & 0xff] ^ g_table[4][lo >> 24] ^
          g_table[3][hi & 0xff] ^ g_table[2][(hi >> 8) & 0xff] ^
          g_table[1][(hi >> 16) & 0xff] ^ g_table[0][hi >> 24];
    p += 8;
    len -= 8;
  }
  while (len > 0) {
    crc = (crc >> 8) ^ g_table[0][(crc ^ *p++) & 0xff];
    len--;
  }
  return crc;
}

#ifdef GSW_HAVE_X86
__attribute__((target("sse4.2"))) static uint32_t
crc_hw(uint32_t crc, const uint8_t *p, size_t len) {
  while (len > 0 && ((uintptr_t)p & 7) != 0) {
    crc = _mm_crc32_u8(crc, *p++);
    len--;
  }
#  ifdef __x86_64__
  {
    uint64_t c64 = crc;
    while (len >= 8) {
      uint64_t v;
      memcpy(&v, p, 8);
      c64 = _mm_crc32_u64(c64, v);
      p += 8;
      len -= 8;
    }
    crc = (uint32_t)c64;
  }
#  endif
  while (len >= 4) {
    uint32_t v;
    memcpy(&v, p, 4);
    crc = _mm_crc32_u32(crc, v);
    p += 4;
    len -= 4;
  }
  while (len > 0) {
    crc = _mm_crc32_u8(crc, *p++);
    len--;
  }
  return crc;
}
#endif

uint32_t gsw_crc32c_sw(const void *p, size_t len) {
  pthread_once(&g_once, crc_init);
  return ~crc_sw(0xFFFFFFFFu, p, len);
}

uint32_t gsw_crc32c_hw(const void *p, size_t len) {
  pthread_once(&g_once, crc_init);
#ifdef GSW_HAVE_X86
  if (g_have_hw) {
    return ~crc_hw(0xFFFFFFFFu, p, len);
  }
#endif
  return ~crc_sw(0xFFFFFFFFu, p, len);
}

uint32_t gsw_crc32c(const void *p, size_t len) {
  return gsw_crc32c_hw(p, len);
}

uint32_t gsw_crc32c_update(uint32_t crc, const void *p, size_t len) {
  pthread_once(&g_once, crc_init);
#ifdef GSW_HAVE_X86
  if (g_have_hw) {
    return crc_hw(crc, p, len);
  }
#endif
  return crc_sw(crc, p, len);
}

/* The CRC over the packet with the checksum field read as zero. */
static uint32_t packet_crc_raw(const uint8_t *p, size_t len) {
  static const uint8_t zero[4];
  uint32_t crc = 0xFFFFFFFFu;

  pthread_once(&g_once, crc_init);
#ifdef GSW_HAVE_X86
  if (g_have_hw) {
    crc = crc_hw(crc, p, 8);
    crc = crc_hw(crc, zero, 4);
    crc = crc_hw(crc, p + 12, len - 12);
    return ~crc;
  }
#endif
  crc = crc_sw(crc, p, 8);
  crc = crc_sw(crc, zero, 4);
  crc = crc_sw(crc, p + 12, len - 12);
  return ~crc;
}

/* RFC 9260 appendix A: the reflected CRC goes out least significant
 * byte first, so the field read as a little-endian number is the CRC. */
uint32_t gsw_packet_crc(const uint8_t *p, size_t len) {
  if (len < GSW_COMMON_HDR_LEN) {
    return 0;
  }
  return packet_crc_raw(p, len);
}

uint32_t gsw_packet_stored_crc(const uint8_t *p) {
  return (uint32_t)p[8] | (uint32_t)p[9] << 8 | (uint32_t)p[10] << 16 |
         (uint32_t)p[11] << 24;
}

void gsw_packet_set_crc(uint8_t *p, size_t len) {
  uint32_t crc;

  if (len < GSW_COMMON_HDR_LEN) {
    return;
  }
  crc = packet_crc_raw(p, len);
  p[8] = (uint8_t)crc;
  p[9] = (uint8_t)(crc >> 8);
  p[10] = (uint8_t)(crc >> 16);
  p[11] = (uint8_t)(crc >> 24);
}
