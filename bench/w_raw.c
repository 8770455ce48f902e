/*
 * w_raw.c - variant (a): raw usrsctp with its defaults.
 *
 * A minimal client and server written directly on usrsctp's socket API,
 * the way a careful application would: native UDP encapsulation
 * (usrsctp_init(port)), no debug output, one-to-many sockets, the upcall
 * API for readiness (the upcall bumps a counter; the reader calls
 * usrsctp_recvv(MSG_DONTWAIT) and waits on a condition variable when
 * nothing is there), blocking usrsctp_sendv.  No usrsctp setting is
 * changed except the path MTU (SCTP_PEER_ADDR_PARAMS with
 * SPP_PMTUD_DISABLE) when the run asks for one.  Note that usrsctp's
 * default skips CRC32c on loopback (sctp_no_csum_on_loopback = 1); that
 * is its default, so the baseline keeps it.
 */
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <usrsctp.h>

#include "bench.h"

static pthread_mutex_t g_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t g_cv;
static uint64_t g_gen;

static void upcall(struct socket *so, void *arg, int flags) {
  (void)so;
  (void)arg;
  (void)flags;
  pthread_mutex_lock(&g_mu);
  g_gen++;
  pthread_cond_broadcast(&g_cv);
  pthread_mutex_unlock(&g_mu);
}

static int raw_start(int *pudp) {
  pthread_condattr_t ca;
  int port = bench_free_udp_port();

  if (port == 0) {
    return -1;
  }
  pthread_condattr_init(&ca);
  pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
  pthread_cond_init(&g_cv, &ca);
  pthread_condattr_destroy(&ca);
  usrsctp_init((uint16_t)port, NULL, NULL);
  if (bench_env_sysctls("GSCTP_BENCH_RAW_SYSCTL") != 0) {
    return -1;
  }
  *pudp = port;
  return 0;
}

/* Path MTU of |assoc| (0 = the endpoint, for future associations). */
static void set_pmtu(struct socket *so, sctp_assoc_t assoc, int mtu) {
  struct sctp_paddrparams pp;

  if (mtu <= 0) {
    return;
  }
  memset(&pp, 0, sizeof(pp));
  pp.spp_assoc_id = assoc;
  pp.spp_flags = SPP_PMTUD_DISABLE;
  pp.spp_pathmtu = (uint32_t)mtu;
  (void)usrsctp_setsockopt(so, IPPROTO_SCTP, SCTP_PEER_ADDR_PARAMS, &pp,
                           sizeof(pp));
}

static int get_pmtu(struct socket *so, sctp_assoc_t assoc) {
  struct sctp_status st;
  socklen_t len = sizeof(st);

  memset(&st, 0, sizeof(st));
  st.sstat_assoc_id = assoc;
  if (usrsctp_getsockopt(so, IPPROTO_SCTP, SCTP_STATUS, &st, &len) != 0) {
    return -1;
  }
  return (int)st.sstat_primary.spinfo_mtu;
}

static struct socket *raw_socket(const bparams *p, int remote_udp,
                                 int with_upcall) {
  struct socket *so;
  struct sctp_event ev;
  struct sockaddr_in sin;
  int on = 1;

  so =
    usrsctp_socket(AF_INET, SOCK_SEQPACKET, IPPROTO_SCTP, NULL, NULL, 0, NULL);
  if (so == NULL) {
    return NULL;
  }
  if (with_upcall) {
    usrsctp_set_upcall(so, upcall, NULL);
  }
  memset(&ev, 0, sizeof(ev));
  ev.se_assoc_id = SCTP_FUTURE_ASSOC;
  ev.se_type = SCTP_ASSOC_CHANGE;
  ev.se_on = 1;
  (void)usrsctp_setsockopt(so, IPPROTO_SCTP, SCTP_EVENT, &ev, sizeof(ev));
  (void)usrsctp_setsockopt(so, IPPROTO_SCTP, SCTP_RECVRCVINFO, &on, sizeof(on));
  set_pmtu(so, SCTP_FUTURE_ASSOC, p->pmtu);
  if (remote_udp > 0) {
    struct sctp_udpencaps enc;

    memset(&enc, 0, sizeof(enc));
    enc.sue_address.ss_family = AF_INET;
    enc.sue_assoc_id = SCTP_FUTURE_ASSOC;
    enc.sue_port = htons((uint16_t)remote_udp);
    (void)usrsctp_setsockopt(so, IPPROTO_SCTP, SCTP_REMOTE_UDP_ENCAPS_PORT,
                             &enc, sizeof(enc));
  }
  memset(&sin, 0, sizeof(sin));
  sin.sin_family = AF_INET;
  sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (usrsctp_bind(so, (struct sockaddr *)&sin, sizeof(sin)) != 0) {
    usrsctp_close(so);
    return NULL;
  }
  return so;
}

static int local_port(struct socket *so) {
  struct sockaddr *la = NULL;
  int n = usrsctp_getladdrs(so, 0, &la), port = 0;

  if (n > 0 && la != NULL) {
    port = ntohs(((struct sockaddr_in *)(void *)la)->sin_port);
  }
  if (la != NULL) {
    usrsctp_freeladdrs(la);
  }
  return port;
}

/*
 * Receive one piece, waiting for the upcall while there is nothing, until
 * |deadline|.  Returns the length with |*pflags| and |*ri| set, or -1
 * (errno ETIMEDOUT at the deadline).
 */
static ssize_t rrecv(struct socket *so, void *buf, size_t cap,
                     struct sctp_rcvinfo *ri, int *pflags, double deadline) {
  for (;;) {
    struct sockaddr_storage from;
    socklen_t fromlen = sizeof(from), infolen = sizeof(*ri);
    unsigned int infotype = 0;
    int flags = MSG_DONTWAIT;
    uint64_t gen;
    ssize_t n;

    pthread_mutex_lock(&g_mu);
    gen = g_gen;
    pthread_mutex_unlock(&g_mu);
    n = usrsctp_recvv(so, buf, cap, (struct sockaddr *)&from, &fromlen, ri,
                      &infolen, &infotype, &flags);
    if (n >= 0) {
      *pflags = flags;
      return n;
    }
    if (errno != EWOULDBLOCK && errno != EAGAIN) {
      return -1;
    }
    pthread_mutex_lock(&g_mu);
    while (g_gen == gen) {
      struct timespec ts;
      double left = deadline - bench_now();

      if (left <= 0) {
        pthread_mutex_unlock(&g_mu);
        errno = ETIMEDOUT;
        return -1;
      }
      clock_gettime(CLOCK_MONOTONIC, &ts);
      ts.tv_sec += (time_t)left;
      ts.tv_nsec += (long)((left - (double)(time_t)left) * 1e9);
      if (ts.tv_nsec >= 1000000000L) {
        ts.tv_sec++;
        ts.tv_nsec -= 1000000000L;
      }
      pthread_cond_timedwait(&g_cv, &g_mu, &ts);
    }
    pthread_mutex_unlock(&g_mu);
  }
}

/* The assoc_change in a notification: returns its state, or 0. */
static int assoc_change(const uint8_t *buf, ssize_t n, sctp_assoc_t *pid) {
  const union sctp_notification *sn = (const void *)buf;

  if (n < (ssize_t)sizeof(struct sctp_assoc_change) ||
      sn->sn_header.sn_type != SCTP_ASSOC_CHANGE) {
    return 0;
  }
  *pid = sn->sn_assoc_change.sac_assoc_id;
  return sn->sn_assoc_change.sac_state;
}

static int raw_connect(const bparams *p, const bpeer *peer, struct socket **pso,
                       sctp_assoc_t *passoc, int fd) {
  struct sockaddr_in sin;
  struct socket *so = raw_socket(p, peer->udp_port, 1);
  sctp_assoc_t id = 0;
  double dl = bench_now() + 10;
  uint8_t buf[1024];

  if (so == NULL) {
    bench_report(fd, "err=socket");
    return -1;
  }
  memset(&sin, 0, sizeof(sin));
  sin.sin_family = AF_INET;
  sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  sin.sin_port = htons((uint16_t)peer->port);
  if (usrsctp_connectx(so, (struct sockaddr *)&sin, 1, &id) != 0 &&
      errno != EINPROGRESS) {
    bench_report(fd, "err=connect:%d", errno);
    return -1;
  }
  for (;;) {
    struct sctp_rcvinfo ri;
    int flags = 0, st;
    ssize_t n = rrecv(so, buf, sizeof(buf), &ri, &flags, dl);
    sctp_assoc_t aid = 0;

    if (n < 0) {
      bench_report(fd, "err=connect-wait:%d", errno);
      return -1;
    }
    if (!(flags & MSG_NOTIFICATION)) {
      continue;
    }
    st = assoc_change(buf, n, &aid);
    if (st == SCTP_COMM_UP) {
      *passoc = aid;
      break;
    }
    if (st != 0) {
      bench_report(fd, "err=cant-assoc:%d", st);
      return -1;
    }
  }
  set_pmtu(so, *passoc, p->pmtu);
  *pso = so;
  return 0;
}

/* ---- throughput and latency ---- */

static int serve_data(const bparams *p, struct socket *so, int fd) {
  size_t cap = 256 * 1024;
  uint8_t *buf = malloc(cap);
  uint64_t msgs = 0, bytes = 0;
  double t_first = 0, t_last = 0, dl = bench_now() + 3600;

  if (buf == NULL) {
    return 1;
  }
  for (;;) {
    struct sctp_rcvinfo ri;
    int flags = 0;
    ssize_t n = rrecv(so, buf, cap, &ri, &flags, dl);

    if (n < 0) {
      bench_report(fd, "err=recv:%d", errno);
      return 1;
    }
    if (flags & MSG_NOTIFICATION) {
      sctp_assoc_t aid = 0;
      int st = assoc_change(buf, n, &aid);

      if (st == SCTP_COMM_UP) {
        set_pmtu(so, aid, p->pmtu);
      } else if (st == SCTP_SHUTDOWN_COMP || st == SCTP_COMM_LOST) {
        break;
      }
      continue;
    }
    bytes += (uint64_t)n;
    if (flags & MSG_EOR) {
      msgs++;
      if (p->test == T_LAT) {
        struct sctp_sndinfo si;

        memset(&si, 0, sizeof(si));
        si.snd_sid = ri.rcv_sid;
        si.snd_assoc_id = ri.rcv_assoc_id;
        if (usrsctp_sendv(so, buf, (size_t)n, NULL, 0, &si, sizeof(si),
                          SCTP_SENDV_SNDINFO, 0) < 0) {
          bench_report(fd, "err=echo:%d", errno);
          return 1;
        }
        continue;
      }
      t_last = bench_now();
      if (t_first == 0) {
        t_first = t_last;
      }
    }
  }
  bench_report(fd, "msgs=%llu bytes=%llu secs=%.6f cpu=%.6f csw=%ld",
               (unsigned long long)msgs, (unsigned long long)bytes,
               t_last - t_first, bench_cpu_secs(), bench_ctx_switches());
  free(buf);
  return 0;
}

/* ---- association setup ---- */

static int serve_setup(const bparams *p, struct socket *so, int fd) {
  uint8_t buf[2048];
  long rss0 = bench_rss_kib(), rss1;
  int up = 0;
  double dl = bench_now() + 3600;

  while (up < p->nassoc) {
    struct sctp_rcvinfo ri;
    int flags = 0;
    sctp_assoc_t aid;
    ssize_t n = rrecv(so, buf, sizeof(buf), &ri, &flags, dl);

    if (n < 0) {
      bench_report(fd, "err=recv:%d", errno);
      return 1;
    }
    if ((flags & MSG_NOTIFICATION) &&
        assoc_change(buf, n, &aid) == SCTP_COMM_UP) {
      up++;
    }
  }
  rss1 = bench_rss_kib();
  bench_report(fd, "up=%d rss0=%ld rss1=%ld", up, rss0, rss1);
  for (;;) { /* keep the associations up until the driver kills us */
    struct sctp_rcvinfo ri;
    int flags = 0;

    if (rrecv(so, buf, sizeof(buf), &ri, &flags, dl) < 0) {
      return 0;
    }
  }
}

int raw_server(const bparams *p, int fd) {
  struct socket *so;
  int udp;

  if (raw_start(&udp) != 0) {
    bench_report(fd, "err=init");
    return 1;
  }
  so = raw_socket(p, 0, 1);
  if (so == NULL || usrsctp_listen(so, 1) != 0) {
    bench_report(fd, "err=listen");
    return 1;
  }
  bench_report(fd, "port=%d udp=%d", local_port(so), udp);
  return p->test == T_SETUP ? serve_setup(p, so, fd) : serve_data(p, so, fd);
}

struct setup_ctx {
  struct socket **socks;
  int n, next;
  const bpeer *peer;
  pthread_mutex_t mu;
  int failed;
};

static void *setup_thread(void *arg) {
  struct setup_ctx *c = arg;
  struct sockaddr_in sin;

  memset(&sin, 0, sizeof(sin));
  sin.sin_family = AF_INET;
  sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  sin.sin_port = htons((uint16_t)c->peer->port);
  for (;;) {
    struct socket *so;
    sctp_assoc_t id = 0;
    int i;

    pthread_mutex_lock(&c->mu);
    i = c->next < c->n && !c->failed ? c->next++ : -1;
    pthread_mutex_unlock(&c->mu);
    if (i < 0) {
      return NULL;
    }
    so = c->socks[i];
    if (usrsctp_connectx(so, (struct sockaddr *)&sin, 1, &id) != 0 &&
        errno != EINPROGRESS) {
      goto fail;
    }
    for (;;) { /* blocking receive until this association's outcome */
      uint8_t buf[1024];
      struct sockaddr_storage from;
      socklen_t fromlen = sizeof(from);
      struct sctp_rcvinfo ri;
      socklen_t infolen = sizeof(ri);
      unsigned int infotype = 0;
      int flags = 0, st;
      sctp_assoc_t aid = 0;
      ssize_t n = usrsctp_recvv(so, buf, sizeof(buf), (struct sockaddr *)&from,
                                &fromlen, &ri, &infolen, &infotype, &flags);

      if (n < 0) {
        goto fail;
      }
      if (!(flags & MSG_NOTIFICATION)) {
        continue;
      }
      st = assoc_change(buf, n, &aid);
      if (st == SCTP_COMM_UP) {
        break;
      }
      if (st != 0) {
        goto fail;
      }
    }
  }
fail:
  pthread_mutex_lock(&c->mu);
  c->failed = 1;
  pthread_mutex_unlock(&c->mu);
  return NULL;
}

static int client_setup(const bparams *p, const bpeer *peer, int fd) {
  struct setup_ctx c;
  pthread_t th[4];
  int i, nth = 4;
  double t0, t1;

  memset(&c, 0, sizeof(c));
  c.socks = calloc((size_t)p->nassoc, sizeof(*c.socks));
  if (c.socks == NULL) {
    return 1;
  }
  for (i = 0; i < p->nassoc; ++i) {
    c.socks[i] = raw_socket(p, peer->udp_port, 0);
    if (c.socks[i] == NULL) {
      bench_report(fd, "err=socket %d", i);
      return 1;
    }
  }
  c.n = p->nassoc;
  c.peer = peer;
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
  pause();
  return 0;
}

int raw_client(const bparams *p, const bpeer *peer, int fd) {
  struct socket *so;
  sctp_assoc_t assoc = 0;
  struct sctp_sndinfo si;
  uint8_t *buf;
  int udp;

  if (raw_start(&udp) != 0) {
    bench_report(fd, "err=init");
    return 1;
  }
  if (p->test == T_SETUP) {
    return client_setup(p, peer, fd);
  }
  if (raw_connect(p, peer, &so, &assoc, fd) != 0) {
    return 1;
  }
  buf = malloc(p->size > 0 ? p->size : 1);
  if (buf == NULL) {
    return 1;
  }
  bench_fill(buf, p->size);
  memset(&si, 0, sizeof(si));
  si.snd_assoc_id = assoc;
  if (p->test == T_LAT) {
    size_t cap = 1 << 20, k = 0, i;
    double *lat = malloc(cap * sizeof(*lat)), t_end = bench_now() + p->secs;
    uint8_t rbuf[4096];

    if (lat == NULL) {
      return 1;
    }
    for (i = 0; k < cap && bench_now() < t_end; ++i) {
      double t0 = bench_now();

      if (usrsctp_sendv(so, buf, p->size, NULL, 0, &si, sizeof(si),
                        SCTP_SENDV_SNDINFO, 0) < 0) {
        bench_report(fd, "err=send:%d", errno);
        return 1;
      }
      for (;;) {
        struct sctp_rcvinfo ri;
        int flags = 0;
        ssize_t n = rrecv(so, rbuf, sizeof(rbuf), &ri, &flags, t0 + 10);

        if (n < 0) {
          bench_report(fd, "err=recv:%d", errno);
          return 1;
        }
        if (!(flags & MSG_NOTIFICATION) && (flags & MSG_EOR)) {
          break;
        }
      }
      if (i >= 100) { /* the first round trips warm up */
        lat[k++] = (bench_now() - t0) * 1e6;
      }
    }
    if (k == 0) {
      bench_report(fd, "err=no-samples");
      return 1;
    }
    qsort(lat, k, sizeof(*lat), bench_cmp_double);
    bench_report(fd, "samples=%zu p50_us=%.3f p99_us=%.3f pmtu=%d", k,
                 lat[k / 2], lat[(k * 99) / 100], get_pmtu(so, assoc));
  } else {
    uint64_t sent = 0;
    double t_end = bench_now() + p->secs;

    while (bench_now() < t_end) {
      si.snd_sid = (uint16_t)(sent % (uint64_t)p->streams);
      if (usrsctp_sendv(so, buf, p->size, NULL, 0, &si, sizeof(si),
                        SCTP_SENDV_SNDINFO, 0) < 0) {
        bench_report(fd, "err=send:%d", errno);
        return 1;
      }
      sent++;
    }
    bench_report(fd, "sent=%llu cpu=%.6f csw=%ld pmtu=%d",
                 (unsigned long long)sent, bench_cpu_secs(),
                 bench_ctx_switches(), get_pmtu(so, assoc));
    /* Graceful shutdown: the server sees SHUTDOWN_COMP after the last
     * message.  Stay alive until the driver has the result. */
    si.snd_sid = 0;
    si.snd_flags = SCTP_EOF;
    (void)usrsctp_sendv(so, buf, 0, NULL, 0, &si, sizeof(si),
                        SCTP_SENDV_SNDINFO, 0);
  }
  for (;;) {
    pause();
  }
  return 0;
}
