/*
 * vclock.c - the virtual wall clock of gsctp-drill.
 *
 * usrsctp runs its timers on ticks (driven by gsctp_stack_handle_timers)
 * but also reads gettimeofday(): for RTT samples, for cookie lifetimes,
 * and in the T3-rtx handler, which retransmits only chunks sent at least
 * one RTO ago by that clock.  With ticks in virtual time and
 * gettimeofday() in real time those disagree (chunks "sent a moment ago"
 * are never retransmitted).  So the drill executable defines
 * gettimeofday() itself: libusrsctp's call binds to this definition
 * (symbol interposition), which returns the real time at which the
 * virtual clock started plus the virtual time elapsed.  Until the runner
 * starts the virtual clock it returns the real time.
 */
#include <stdint.h>
#include <sys/time.h>
#include <time.h>

#include "drill.h"

static int64_t g_base_us; /* real time when the virtual clock started */
static int64_t g_vnow_us; /* virtual time since then */
static int g_started;

static int64_t real_us(void) {
  struct timespec ts;

  clock_gettime(CLOCK_REALTIME, &ts);
  return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

void vclock_start(void) {
  __atomic_store_n(&g_base_us, real_us(), __ATOMIC_SEQ_CST);
  __atomic_store_n(&g_vnow_us, 0, __ATOMIC_SEQ_CST);
  __atomic_store_n(&g_started, 1, __ATOMIC_SEQ_CST);
}

void vclock_set(int64_t vnow_us) {
  __atomic_store_n(&g_vnow_us, vnow_us, __ATOMIC_SEQ_CST);
}

__attribute__((visibility("default"))) int
gettimeofday(struct timeval *restrict tv, void *restrict tz) {
  int64_t us;

  (void)tz;
  if (__atomic_load_n(&g_started, __ATOMIC_SEQ_CST)) {
    us = __atomic_load_n(&g_base_us, __ATOMIC_SEQ_CST) +
         __atomic_load_n(&g_vnow_us, __ATOMIC_SEQ_CST);
  } else {
    us = real_us();
  }
  tv->tv_sec = (time_t)(us / 1000000);
  tv->tv_usec = (suseconds_t)(us % 1000000);
  return 0;
}
