/*
 * crc32c.c - CRC32c with the SSE4.2 instruction for usrsctp.
 *
 * Half of usrsctp's instructions on a bulk transfer go into CRC32c
 * (measured with callgrind, docs/benchmarks.md): usrsctp 0.9.5 computes
 * it with a table-driven loop, about one byte per step.  usrsctp has no
 * hook to supply a checksum function, but it calls its own exported
 * `calculate_crc32c()` through the PLT (checked in Debian's
 * libusrsctp.so.2.0.0: sctp_calculate_cksum and usrsctp_crc32c both call
 * calculate_crc32c@plt).  gsctp therefore defines `calculate_crc32c`
 * itself: the dynamic linker binds usrsctp's calls to this definition
 * (symbol interposition), which computes the same function with the
 * SSE4.2 `crc32` instruction, 8 bytes per step.
 *
 * The function is the unfinalised CRC32c update (reflected polynomial
 * 0x1EDC6F41, no inversion): usrsctp starts from 0xffffffff and finishes
 * with sctp_finalize_crc32c().  The SSE4.2 instruction performs exactly
 * this update, so every checksum on the wire is bit-identical (the
 * crc32c test suite compares both on many lengths and alignments, and
 * tshark validates captures).
 *
 * Until gsctp's stack starts (gsctp_crc32c_enable), and on CPUs without
 * SSE4.2, calls go to usrsctp's own implementation (found with
 * dlsym(RTLD_NEXT)), so a process that uses usrsctp without gsctp is
 * unaffected.
 */
#include <dlfcn.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <string.h>

#include "stack_int.h"

#if defined(__x86_64__) && defined(__GNUC__)
#  include <nmmintrin.h>
#  define HAVE_HW_CRC 1
#else
#  define HAVE_HW_CRC 0
#endif

typedef uint32_t (*crc_fn)(uint32_t, const unsigned char *, unsigned int);

static pthread_once_t g_once = PTHREAD_ONCE_INIT;
static crc_fn g_next;     /* usrsctp's own calculate_crc32c */
static atomic_int g_fast; /* 1: use the hardware instruction */
static _Thread_local int t_called;

/* Bitwise fallback, used only if usrsctp's own function cannot be found
 * (it always can with a shared libusrsctp). */
static uint32_t crc_soft(uint32_t crc, const unsigned char *p,
                         unsigned int len) {
  unsigned int i;
  int k;

  for (i = 0; i < len; ++i) {
    crc ^= p[i];
    for (k = 0; k < 8; ++k) {
      crc = (crc >> 1) ^ (0x82F63B78u & (0u - (crc & 1u)));
    }
  }
  return crc;
}

#if HAVE_HW_CRC
__attribute__((target("sse4.2"))) static uint32_t
crc_hw(uint32_t crc, const unsigned char *p, unsigned int len) {
  uint64_t c = crc;

  while (len > 0 && ((uintptr_t)p & 7u) != 0) {
    c = _mm_crc32_u8((uint32_t)c, *p++);
    len--;
  }
  while (len >= 8) {
    uint64_t v;

    memcpy(&v, p, sizeof(v));
    c = _mm_crc32_u64(c, v);
    p += 8;
    len -= 8;
  }
  while (len > 0) {
    c = _mm_crc32_u8((uint32_t)c, *p++);
    len--;
  }
  return (uint32_t)c;
}
#endif

static void resolve(void) {
  void *sym = dlsym(RTLD_NEXT, "calculate_crc32c");

  g_next = sym != NULL ? (crc_fn)(uintptr_t)sym : crc_soft;
}

/* The interposed symbol: exported so that usrsctp's PLT calls bind here. */
__attribute__((visibility("default"))) uint32_t
calculate_crc32c(uint32_t crc32c, const unsigned char *buffer,
                 unsigned int length);

uint32_t calculate_crc32c(uint32_t crc32c, const unsigned char *buffer,
                          unsigned int length) {
  t_called = 1;
#if HAVE_HW_CRC
  if (atomic_load_explicit(&g_fast, memory_order_relaxed)) {
    return crc_hw(crc32c, buffer, length);
  }
#endif
  pthread_once(&g_once, resolve);
  return g_next(crc32c, buffer, length);
}

int gsctp_crc32c_enable(void) {
  pthread_once(&g_once, resolve);
#if HAVE_HW_CRC
  if (__builtin_cpu_supports("sse4.2")) {
    atomic_store_explicit(&g_fast, 1, memory_order_relaxed);
  }
#endif
  return atomic_load_explicit(&g_fast, memory_order_relaxed);
}

int gsctp_crc32c_interposed(void) {
  unsigned char probe[4] = {1, 2, 3, 4};

  t_called = 0;
  (void)usrsctp_crc32c(probe, sizeof(probe));
  return t_called;
}

uint32_t gsctp_crc32c_update_hw(uint32_t crc, const void *buf, size_t len) {
#if HAVE_HW_CRC
  if (__builtin_cpu_supports("sse4.2")) {
    return crc_hw(crc, buf, (unsigned int)len);
  }
#endif
  return crc_soft(crc, buf, (unsigned int)len);
}

uint32_t gsctp_crc32c_update_usrsctp(uint32_t crc, const void *buf,
                                     size_t len) {
  pthread_once(&g_once, resolve);
  return g_next(crc, buf, (unsigned int)len);
}
