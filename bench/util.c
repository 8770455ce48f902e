/*
 * util.c - small helpers of gsctp-bench (time, memory, reporting, ports).
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"

double bench_now(void) {
  struct timespec ts;

  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

long bench_rss_kib(void) {
  FILE *f = fopen("/proc/self/statm", "r");
  long size = 0, rss = 0;

  if (f == NULL) {
    return -1;
  }
  if (fscanf(f, "%ld %ld", &size, &rss) != 2) {
    rss = -1;
  }
  fclose(f);
  return rss < 0 ? -1 : rss * (sysconf(_SC_PAGESIZE) / 1024);
}

void bench_report(int fd, const char *fmt, ...) {
  char line[512];
  va_list ap;
  int n;
  ssize_t w;
  size_t off = 0;

  va_start(ap, fmt);
  n = vsnprintf(line, sizeof(line) - 1, fmt, ap);
  va_end(ap);
  if (n < 0) {
    return;
  }
  if ((size_t)n > sizeof(line) - 2) {
    n = (int)sizeof(line) - 2;
  }
  line[n++] = '\n';
  while (off < (size_t)n) {
    w = write(fd, line + off, (size_t)n - off);
    if (w <= 0) {
      return;
    }
    off += (size_t)w;
  }
}

int bench_free_udp_port(void) {
  struct sockaddr_in sin;
  socklen_t len = sizeof(sin);
  int fd = socket(AF_INET, SOCK_DGRAM, 0), port = 0;

  if (fd < 0) {
    return 0;
  }
  memset(&sin, 0, sizeof(sin));
  sin.sin_family = AF_INET;
  if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) == 0 &&
      getsockname(fd, (struct sockaddr *)&sin, &len) == 0) {
    port = ntohs(sin.sin_port);
  }
  close(fd);
  return port;
}

void bench_raise_nofile(long n) {
  struct rlimit rl;

  if (getrlimit(RLIMIT_NOFILE, &rl) != 0) {
    return;
  }
  if ((long)rl.rlim_cur >= n) {
    return;
  }
  rl.rlim_cur = (rlim_t)n <= rl.rlim_max ? (rlim_t)n : rl.rlim_max;
  (void)setrlimit(RLIMIT_NOFILE, &rl);
}

void bench_fill(uint8_t *buf, size_t len) {
  size_t i;

  for (i = 0; i < len; ++i) {
    buf[i] = (uint8_t)('a' + i % 26);
  }
}

double bench_cpu_secs(void) {
  struct rusage ru;

  if (getrusage(RUSAGE_SELF, &ru) != 0) {
    return 0;
  }
  return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec * 1e-6 +
         (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec * 1e-6;
}

long bench_ctx_switches(void) {
  struct rusage ru;

  if (getrusage(RUSAGE_SELF, &ru) != 0) {
    return 0;
  }
  return ru.ru_nvcsw + ru.ru_nivcsw;
}

int bench_cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;

  return x < y ? -1 : x > y;
}
