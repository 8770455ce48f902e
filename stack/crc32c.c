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
 * SSE4.2 `crc32` instruction, 8 bytes per step (the wire codec's
 * gsw_crc32c_update(), pcap-tools/codec/crc32c.c).
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

#include "sctp_wire.h"

typedef uint32_t (*crc_fn)(uint32_t, const unsigned char *, unsigned int);

static pthread_once_t g_once = PTHREAD_ONCE_INIT;
static crc_fn g_next;     /* usrsctp's own calculate_crc32c */
static atomic_int g_fast; /* 1: use the hardware instruction */
static _Thread_local int t_called;

/* Used only if usrsctp's own function cannot be found (it always can
 * with a shared libusrsctp): the wire codec's implementation. */
static uint32_t crc_codec(uint32_t crc, const unsigned char *p,
                          unsigned int len) {
  return gsw_crc32c_update(crc, p, len);
}

static void resolve(void) {
  void *sym = dlsym(RTLD_NEXT, "calculate_crc32c");

  g_next = sym != NULL ? (crc_fn)(uintptr_t)sym : crc_codec;
}

/* The interposed symbol: exported so that usrsctp's PLT calls bind here. */
__attribute__((visibility("default"))) uint32_t
calculate_crc32c(uint32_t crc32c, const unsigned char *buffer,
                 unsigned int length);

uint32_t calculate_crc32c(uint32_t crc32c, const unsigned char *buffer,
                          unsigned int length) {
  t_called = 1;
  if (atomic_load_explicit(&g_fast, memory_order_relaxed)) {
    return gsw_crc32c_update(crc32c, buffer, length);
  }
  pthread_once(&g_once, resolve);
  return g_next(crc32c, buffer, length);
}

int gsctp_crc32c_enable(void) {
  pthread_once(&g_once, resolve);
  if (gsw_crc32c_have_hw()) {
    atomic_store_explicit(&g_fast, 1, memory_order_relaxed);
  }
  return atomic_load_explicit(&g_fast, memory_order_relaxed);
}

int gsctp_crc32c_interposed(void) {
  unsigned char probe[4] = {1, 2, 3, 4};

  t_called = 0;
  (void)usrsctp_crc32c(probe, sizeof(probe));
  return t_called;
}

uint32_t gsctp_crc32c_update_hw(uint32_t crc, const void *buf, size_t len) {
  return gsw_crc32c_update(crc, buf, len);
}

uint32_t gsctp_crc32c_update_usrsctp(uint32_t crc, const void *buf,
                                     size_t len) {
  pthread_once(&g_once, resolve);
  return g_next(crc, buf, (unsigned int)len);
}
