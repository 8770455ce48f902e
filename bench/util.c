/*
 * util.c - small helpers of gsctp-bench (time, memory, reporting, ports).
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <usrsctp.h>

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

int bench_env_sysctls(const char *var) {
  static const struct {
    const char *name;
    int (*set)(uint32_t);
  } tab[] = {
    {"sendspace", usrsctp_sysctl_set_sctp_sendspace},
    {"recvspace", usrsctp_sysctl_set_sctp_recvspace},
    {"max_burst", usrsctp_sysctl_set_sctp_max_burst_default},
    {"sack_freq", usrsctp_sysctl_set_sctp_sack_freq_default},
    {"sack_time", usrsctp_sysctl_set_sctp_delayed_sack_time_default},
    {"initial_cwnd", usrsctp_sysctl_set_sctp_initial_cwnd},
    {"max_chunks", usrsctp_sysctl_set_sctp_max_chunks_on_queue},
    {"cwnd_maxburst", usrsctp_sysctl_set_sctp_use_cwnd_based_maxburst},
    {"sack_immediately", usrsctp_sysctl_set_sctp_enable_sack_immediately},
    {"no_csum_on_loopback", usrsctp_sysctl_set_sctp_no_csum_on_loopback},
  };
  const char *env = getenv(var);
  char buf[512], *tok, *save = NULL;

  if (env == NULL || *env == '\0') {
    return 0;
  }
  snprintf(buf, sizeof(buf), "%s", env);
  for (tok = strtok_r(buf, ",", &save); tok != NULL;
       tok = strtok_r(NULL, ",", &save)) {
    char *eq = strchr(tok, '=');
    size_t i;

    if (eq == NULL) {
      return -1;
    }
    *eq = '\0';
    for (i = 0; i < sizeof(tab) / sizeof(tab[0]); ++i) {
      if (strcmp(tab[i].name, tok) == 0) {
        break;
      }
    }
    if (i == sizeof(tab) / sizeof(tab[0]) ||
        tab[i].set((uint32_t)strtoul(eq + 1, NULL, 10)) != 0) {
      return -1;
    }
  }
  return 0;
}
