/*
 * w_tcp.c - variant (d): kernel TCP over loopback, the reference ceiling.
 *
 * TCP is a byte stream: a "message" is one write of |size| bytes and the
 * receiver counts bytes / size.  Nagle stays on for throughput (as SCTP's
 * does) and is off for the ping-pong.  With a path MTU requested, the MSS
 * is clamped with TCP_MAXSEG to 1460 (1500-byte IPv4 packets); on loopback the
 * kernel still moves large GSO buffers, so this limits segment sizes on the
 * wire but not the kernel's per-buffer cost (see docs/benchmarks.md).  TCP has
 * no streams: the stream count is ignored.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "bench.h"

/* |pmtu| is the SCTP path MTU the run uses (1460 for a 1500-byte IPv4
 * path, see main.c); the TCP MSS for the same path is 1460 too. */
static void clamp_mss(int s, int pmtu) {
  int mss = pmtu;

  if (pmtu > 0) {
    (void)setsockopt(s, IPPROTO_TCP, TCP_MAXSEG, &mss, sizeof(mss));
  }
}

static int tcp_socket(const bparams *p) {
  int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), on = 1;

  if (s < 0) {
    return -1;
  }
  clamp_mss(s, p->pmtu);
  if (p->test == T_LAT) {
    (void)setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on));
  }
  return s;
}

static int read_full(int s, uint8_t *buf, size_t len) {
  size_t off = 0;

  while (off < len) {
    ssize_t n = read(s, buf + off, len - off);

    if (n <= 0) {
      return -1;
    }
    off += (size_t)n;
  }
  return 0;
}

static int write_full(int s, const uint8_t *buf, size_t len) {
  size_t off = 0;

  while (off < len) {
    ssize_t n = write(s, buf + off, len - off);

    if (n <= 0) {
      return -1;
    }
    off += (size_t)n;
  }
  return 0;
}

int tcp_server(const bparams *p, int fd) {
  struct sockaddr_in sin;
  socklen_t len = sizeof(sin);
  int ls = tcp_socket(p), on = 1;

  if (ls < 0) {
    bench_report(fd, "err=socket");
    return 1;
  }
  bench_raise_nofile((long)p->nassoc + 256);
  (void)setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
  memset(&sin, 0, sizeof(sin));
  sin.sin_family = AF_INET;
  sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (bind(ls, (struct sockaddr *)&sin, sizeof(sin)) != 0 ||
      listen(ls, 4096) != 0 ||
      getsockname(ls, (struct sockaddr *)&sin, &len) != 0) {
    bench_report(fd, "err=listen:%d", errno);
    return 1;
  }
  bench_report(fd, "port=%d udp=0", ntohs(sin.sin_port));
  if (p->test == T_SETUP) {
    long rss0 = bench_rss_kib();
    int up = 0;

    while (up < p->nassoc) {
      int c = accept(ls, NULL, NULL);

      if (c < 0) {
        bench_report(fd, "err=accept:%d", errno);
        return 1;
      }
      up++;
    }
    bench_report(fd, "up=%d rss0=%ld rss1=%ld", up, rss0, bench_rss_kib());
    for (;;) {
      pause();
    }
  } else {
    int c = accept(ls, NULL, NULL);
    size_t cap = 256 * 1024;
    uint8_t *buf = malloc(cap);
    uint64_t bytes = 0;
    double t_first = 0, t_last = 0;

    if (c < 0 || buf == NULL) {
      bench_report(fd, "err=accept:%d", errno);
      return 1;
    }
    if (p->test == T_LAT) {
      for (;;) {
        if (read_full(c, buf, p->size) != 0 ||
            write_full(c, buf, p->size) != 0) {
          return 0;
        }
      }
    }
    for (;;) {
      ssize_t n = read(c, buf, cap);

      if (n < 0 && errno == EINTR) {
        continue;
      }
      if (n <= 0) {
        break;
      }
      bytes += (uint64_t)n;
      t_last = bench_now();
      if (t_first == 0) {
        t_first = t_last;
      }
    }
    bench_report(fd, "msgs=%llu bytes=%llu secs=%.6f cpu=%.6f csw=%ld",
                 (unsigned long long)(bytes / p->size),
                 (unsigned long long)bytes, t_last - t_first, bench_cpu_secs(),
                 bench_ctx_switches());
    return 0;
  }
}

struct setup_ctx {
  int *socks;
  int n, next, port, pmtu;
  pthread_mutex_t mu;
  int failed;
};

static void *setup_thread(void *arg) {
  struct setup_ctx *c = arg;
  struct sockaddr_in sin;

  memset(&sin, 0, sizeof(sin));
  sin.sin_family = AF_INET;
  sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  sin.sin_port = htons((uint16_t)c->port);
  for (;;) {
    int i;

    pthread_mutex_lock(&c->mu);
    i = c->next < c->n && !c->failed ? c->next++ : -1;
    pthread_mutex_unlock(&c->mu);
    if (i < 0) {
      return NULL;
    }
    if (connect(c->socks[i], (struct sockaddr *)&sin, sizeof(sin)) != 0) {
      pthread_mutex_lock(&c->mu);
      c->failed = 1;
      pthread_mutex_unlock(&c->mu);
      return NULL;
    }
  }
}

int tcp_client(const bparams *p, const bpeer *peer, int fd) {
  struct sockaddr_in sin;
  uint8_t *buf;
  int s;

  if (p->test == T_SETUP) {
    struct setup_ctx c;
    pthread_t th[4];
    int i, nth = 4;
    double t0, t1;

    bench_raise_nofile((long)p->nassoc + 256);
    memset(&c, 0, sizeof(c));
    c.socks = calloc((size_t)p->nassoc, sizeof(int));
    if (c.socks == NULL) {
      return 1;
    }
    for (i = 0; i < p->nassoc; ++i) {
      c.socks[i] = tcp_socket(p);
      if (c.socks[i] < 0) {
        bench_report(fd, "err=socket %d:%d", i, errno);
        return 1;
      }
    }
    c.n = p->nassoc;
    c.port = peer->port;
    pthread_mutex_init(&c.mu, NULL);
    t0 = bench_now();
    for (i = 0; i < nth; ++i) {
      pthread_create(&th[i], NULL, setup_thread, &c);
    }
    for (i = 0; i < nth; ++i) {
      pthread_join(th[i], NULL);
    }
    t1 = bench_now();
    if (c.failed) {
      bench_report(fd, "err=setup-failed");
      return 1;
    }
    bench_report(fd, "n=%d secs=%.6f", p->nassoc, t1 - t0);
    for (;;) {
      pause();
    }
  }

  s = tcp_socket(p);
  memset(&sin, 0, sizeof(sin));
  sin.sin_family = AF_INET;
  sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  sin.sin_port = htons((uint16_t)peer->port);
  if (s < 0 || connect(s, (struct sockaddr *)&sin, sizeof(sin)) != 0) {
    bench_report(fd, "err=connect:%d", errno);
    return 1;
  }
  buf = malloc(p->size > 0 ? p->size : 1);
  if (buf == NULL) {
    return 1;
  }
  bench_fill(buf, p->size);
  if (p->test == T_LAT) {
    size_t cap = 1 << 20, k = 0, i;
    double *lat = malloc(cap * sizeof(*lat)), t_end = bench_now() + p->secs;

    if (lat == NULL) {
      return 1;
    }
    for (i = 0; k < cap && bench_now() < t_end; ++i) {
      double t0 = bench_now();

      if (write_full(s, buf, p->size) != 0 || read_full(s, buf, p->size) != 0) {
        bench_report(fd, "err=pingpong:%d", errno);
        return 1;
      }
      if (i >= 100) {
        lat[k++] = (bench_now() - t0) * 1e6;
      }
    }
    if (k == 0) {
      bench_report(fd, "err=no-samples");
      return 1;
    }
    qsort(lat, k, sizeof(*lat), bench_cmp_double);
    bench_report(fd, "samples=%zu p50_us=%.3f p99_us=%.3f pmtu=0", k,
                 lat[k / 2], lat[(k * 99) / 100]);
  } else {
    uint64_t sent = 0;
    double t_end = bench_now() + p->secs;

    while (bench_now() < t_end) {
      if (write_full(s, buf, p->size) != 0) {
        bench_report(fd, "err=write:%d", errno);
        return 1;
      }
      sent++;
    }
    bench_report(fd, "sent=%llu cpu=%.6f csw=%ld pmtu=0",
                 (unsigned long long)sent, bench_cpu_secs(),
                 bench_ctx_switches());
    close(s);
  }
  for (;;) {
    pause();
  }
  return 0;
}
