/*
 * w_gsctp.c - variants (b) gsctp passive, (c) gsctp {active, N} and
 * gsctp passive on the udp_conn transport (a UDP socket gsctp owns).
 *
 * Written on gsctp's public API (gsctp/gsctp.h) the way a gen_sctp user
 * would: gsctp_open bound to 127.0.0.1, gsctp_connect, gsctp_send,
 * gsctp_recv (passive) or the owner's mailbox (active), gsctp_eof.  The
 * stack runs with gsctp's own defaults.  The path MTU is set with the
 * sctp_peer_addr_params option (pmtud_disable + pathmtu), on the endpoint
 * before the association and on the association after comm_up, as the
 * raw variant does with SCTP_PEER_ADDR_PARAMS.
 *
 * {active, N}: N = ACTIVE_N; when the socket turns passive
 * ({sctp_passive, S} in the mailbox) the receiver re-arms it with
 * setopts({active, N}), as an Erlang process would.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench.h"
#include "gsctp/gsctp.h"
#include "gsctp/owner.h"
#include <usrsctp.h>

#define ACTIVE_N 100

int gs_has_active(void) {
#ifdef GSCTP_ACTIVE_N
  return 1;
#else
  return 0;
#endif
}

static void gs_set_pmtu(gsctp_sock h, uint32_t assoc, int mtu) {
  gsctp_opt o;

  if (mtu <= 0) {
    return;
  }
  memset(&o, 0, sizeof(o));
  o.name = GSCTP_OPT_SCTP_PEER_ADDR_PARAMS;
  o.v.paddrparams = (gsctp_paddrparams)GSCTP_PADDRPARAMS_INIT;
  o.v.paddrparams.assoc_id = assoc;
  o.v.paddrparams.pathmtu = mtu;
  o.v.paddrparams.flags = GSCTP_SPP_PMTUD_DISABLE;
  (void)gsctp_setopts(h, &o, 1);
}

static int gs_get_pmtu(gsctp_sock h, uint32_t assoc) {
  gsctp_opt o;
  size_t n = 0;

  memset(&o, 0, sizeof(o));
  o.name = GSCTP_OPT_SCTP_STATUS;
  o.v.status.assoc_id = assoc;
  if (gsctp_getopts(h, &o, 1, &n) != 0 || n != 1) {
    return -1;
  }
  return (int)o.v.status.primary.mtu;
}

static int gs_start(int *pudp) {
  gsctp_stack_config cfg;

  gsctp_stack_config_default(&cfg);
  cfg.udp_port = 0;
  if (gsctp_stack_start(&cfg) != 0 ||
      bench_env_sysctls("GSCTP_BENCH_SYSCTL") != 0) {
    return -1;
  }
  *pudp = gsctp_stack_udp_port();
  return 0;
}

/* Open a socket for |p|'s variant.  |remote_udp| > 0: a client that
 * reaches the server's UDP port |remote_udp|.  |active|: open it in
 * {active, ACTIVE_N} (variant (c) only). */
static int gs_socket(const bparams *p, int remote_udp, int active,
                     gsctp_sock *ps) {
  gsctp_opt o[5];
  size_t n = 0;
  int rv;

  memset(o, 0, sizeof(o));
  o[n].name = GSCTP_OPT_IP;
  o[n++].v.ip = gsctp_ip_loopback(GSCTP_FAMILY_INET);
  if (p->variant == V_UDPCONN) {
    o[n].name = GSCTP_OPT_TRANSPORT;
    o[n++].v.i = GSCTP_TRANSPORT_UDP_CONN;
    o[n].name = GSCTP_OPT_UDP_PORT;
    o[n++].v.i = 0; /* ephemeral */
  }
  if (remote_udp > 0) {
    o[n].name = GSCTP_OPT_UDP_REMOTE_PORT;
    o[n++].v.i = remote_udp;
  }
#ifdef GSCTP_ACTIVE_N
  if (active) {
    o[n].name = GSCTP_OPT_ACTIVE;
    o[n++].v.i = GSCTP_ACTIVE_N(ACTIVE_N);
  }
#else
  (void)active;
#endif
  rv = gsctp_open(ps, o, n);
  if (rv == 0) {
    gs_set_pmtu(*ps, 0, p->pmtu);
  }
  return rv;
}

/* The UDP port peers send to: the socket's own (udp_conn) or the
 * stack's (usrsctp's UDP encapsulation). */
static int gs_udp_port(gsctp_sock s) {
  gsctp_opt o;
  size_t n = 0;

  memset(&o, 0, sizeof(o));
  o.name = GSCTP_OPT_TRANSPORT;
  if (gsctp_getopts(s, &o, 1, &n) == 0 && n == 1 &&
      o.v.i == GSCTP_TRANSPORT_UDP_CONN) {
    memset(&o, 0, sizeof(o));
    o.name = GSCTP_OPT_UDP_PORT;
    if (gsctp_getopts(s, &o, 1, &n) == 0 && n == 1) {
      return (int)o.v.i;
    }
    return -1;
  }
  return gsctp_stack_udp_port();
}

/*
 * Next item of |s|: from gsctp_recv (passive) or from the calling
 * thread's mailbox (active; a {sctp_passive, S} re-arms {active, N}).
 * Returns 0 or GSCTP_ESCTP_ERROR with |*pit| filled (caller frees), or
 * an error.
 */
static int next(gsctp_sock s, int active, int timeout_ms, gsctp_item *pit) {
  if (!active) {
    return gsctp_recv(s, timeout_ms, pit);
  }
  for (;;) {
    gsctp_msg m;
    int rv = gsctp_owner_recv(NULL, timeout_ms, &m);

    if (rv != 0) {
      return rv;
    }
    switch (m.kind) {
    case GSCTP_MSG_SCTP:
      *pit = m.item;
      return 0;
    case GSCTP_MSG_SCTP_ERROR:
      *pit = m.item;
      return GSCTP_ESCTP_ERROR;
    case GSCTP_MSG_SCTP_ERROR_CODE:
      return m.error;
#ifdef GSCTP_ACTIVE_N
    case GSCTP_MSG_SCTP_PASSIVE: {
      gsctp_opt o;

      memset(&o, 0, sizeof(o));
      o.name = GSCTP_OPT_ACTIVE;
      o.v.i = GSCTP_ACTIVE_N(ACTIVE_N);
      rv = gsctp_setopts(s, &o, 1);
      if (rv != 0) {
        return rv;
      }
      break;
    }
#endif
    default:
      gsctp_msg_free(&m);
      break;
    }
  }
}

static int serve_data(const bparams *p, gsctp_sock s, int active, int fd) {
  uint64_t msgs = 0, bytes = 0;
  double t_first = 0, t_last = 0;

  for (;;) {
    gsctp_item it;
    int rv = next(s, active, GSCTP_INFINITY, &it);

    if (rv == GSCTP_ESCTP_ERROR) {
      gsctp_item_free(&it);
      continue;
    }
    if (rv != 0) {
      bench_report(fd, "err=recv:%s", gsctp_err_name(rv));
      return 1;
    }
    if (it.is_event) {
      int done = 0;

      if (it.event.type == GSCTP_EV_ASSOC_CHANGE) {
        int st = it.event.u.assoc_change.state;

        if (st == GSCTP_COMM_UP) {
          gs_set_pmtu(s, it.event.u.assoc_change.assoc_id, p->pmtu);
        } else if (st == GSCTP_SHUTDOWN_COMP || st == GSCTP_COMM_LOST) {
          done = 1;
        }
      }
      gsctp_item_free(&it);
      if (done) {
        break;
      }
      continue;
    }
    msgs++;
    bytes += it.datalen;
    if (p->test == T_LAT) {
      rv = gsctp_send(s, (uint32_t)it.anc.assoc_id, (int)it.anc.stream, it.data,
                      it.datalen);
      gsctp_item_free(&it);
      if (rv != 0) {
        bench_report(fd, "err=echo:%s", gsctp_err_name(rv));
        return 1;
      }
      continue;
    }
    gsctp_item_free(&it);
    t_last = bench_now();
    if (t_first == 0) {
      t_first = t_last;
    }
  }
  bench_report(fd, "msgs=%llu bytes=%llu secs=%.6f cpu=%.6f csw=%ld",
               (unsigned long long)msgs, (unsigned long long)bytes,
               t_last - t_first, bench_cpu_secs(), bench_ctx_switches());
  return 0;
}

static int serve_setup(const bparams *p, gsctp_sock s, int active, int fd) {
  long rss0 = bench_rss_kib(), rss1;
  int up = 0;

  while (up < p->nassoc) {
    gsctp_item it;
    int rv = next(s, active, GSCTP_INFINITY, &it);

    if (rv == GSCTP_ESCTP_ERROR) {
      gsctp_item_free(&it);
      continue;
    }
    if (rv != 0) {
      bench_report(fd, "err=recv:%s", gsctp_err_name(rv));
      return 1;
    }
    if (it.is_event && it.event.type == GSCTP_EV_ASSOC_CHANGE &&
        it.event.u.assoc_change.state == GSCTP_COMM_UP) {
      up++;
    }
    gsctp_item_free(&it);
  }
  rss1 = bench_rss_kib();
  bench_report(fd, "up=%d rss0=%ld rss1=%ld", up, rss0, rss1);
  for (;;) {
    gsctp_item it;
    int rv = next(s, active, GSCTP_INFINITY, &it);

    if (rv != 0 && rv != GSCTP_ESCTP_ERROR) {
      return 0;
    }
    gsctp_item_free(&it);
  }
}

int gs_server(const bparams *p, int fd) {
  gsctp_sock s;
  int udp, rv, active = p->variant == V_ACTIVE;

  if (p->variant == V_ACTIVE && !gs_has_active()) {
    bench_report(fd, "err=active mode not in this build");
    return 1;
  }
  if (gs_start(&udp) != 0) {
    bench_report(fd, "err=stack-start");
    return 1;
  }
  rv = gs_socket(p, 0, active, &s);
  if (rv == 0) {
    rv = gsctp_listen(s, GSCTP_LISTEN_TRUE);
  }
  if (rv != 0) {
    bench_report(fd, "err=open:%s", gsctp_err_name(rv));
    return 1;
  }
  (void)udp;
  bench_report(fd, "port=%d udp=%d", gsctp_port(s), gs_udp_port(s));
  return p->test == T_SETUP ? serve_setup(p, s, active, fd)
                            : serve_data(p, s, active, fd);
}

struct setup_ctx {
  gsctp_sock *socks;
  int n, next, port;
  pthread_mutex_t mu;
  int failed;
};

static void *setup_thread(void *arg) {
  struct setup_ctx *c = arg;
  gsctp_ip ip = gsctp_ip_loopback(GSCTP_FAMILY_INET);

  for (;;) {
    gsctp_assoc_change ev;
    int i;

    pthread_mutex_lock(&c->mu);
    i = c->next < c->n && !c->failed ? c->next++ : -1;
    pthread_mutex_unlock(&c->mu);
    if (i < 0) {
      return NULL;
    }
    if (gsctp_connect(c->socks[i], &ip, c->port, NULL, 0, 30000, &ev) != 0) {
      pthread_mutex_lock(&c->mu);
      c->failed = 1;
      pthread_mutex_unlock(&c->mu);
      return NULL;
    }
  }
}

static int client_setup(const bparams *p, const bpeer *peer, int fd) {
  struct setup_ctx c;
  pthread_t th[4];
  int i, nth = 4, rv;
  double t0, t1;

  memset(&c, 0, sizeof(c));
  c.socks = calloc((size_t)p->nassoc, sizeof(*c.socks));
  if (c.socks == NULL) {
    return 1;
  }
  for (i = 0; i < p->nassoc; ++i) {
    rv = gs_socket(p, peer->udp_port, 0, &c.socks[i]);
    if (rv != 0) {
      bench_report(fd, "err=open %d:%s", i, gsctp_err_name(rv));
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
  pause();
  return 0;
}

int gs_client(const bparams *p, const bpeer *peer, int fd) {
  gsctp_sock s;
  gsctp_assoc_change ev;
  gsctp_ip ip = gsctp_ip_loopback(GSCTP_FAMILY_INET);
  uint8_t *buf;
  int udp, rv, active = p->variant == V_ACTIVE && p->test == T_LAT;

  if (p->variant == V_ACTIVE && !gs_has_active()) {
    bench_report(fd, "err=active mode not in this build");
    return 1;
  }
  if (gs_start(&udp) != 0) {
    bench_report(fd, "err=stack-start");
    return 1;
  }
  if (p->test == T_SETUP) {
    return client_setup(p, peer, fd);
  }
  rv = gs_socket(p, peer->udp_port, active, &s);
  if (rv == 0) {
    rv = gsctp_connect(s, &ip, peer->port, NULL, 0, 10000, &ev);
  }
  if (rv != 0) {
    bench_report(fd, "err=connect:%s", gsctp_err_name(rv));
    return 1;
  }
  gs_set_pmtu(s, ev.assoc_id, p->pmtu);
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

      rv = gsctp_send(s, ev.assoc_id, 0, buf, p->size);
      if (rv != 0) {
        bench_report(fd, "err=send:%s", gsctp_err_name(rv));
        return 1;
      }
      for (;;) {
        gsctp_item it;
        int data;

        rv = next(s, active, 10000, &it);
        if (rv != 0 && rv != GSCTP_ESCTP_ERROR) {
          bench_report(fd, "err=recv:%s", gsctp_err_name(rv));
          return 1;
        }
        data = rv == 0 && !it.is_event;
        gsctp_item_free(&it);
        if (data) {
          break;
        }
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
    bench_report(fd, "samples=%zu p50_us=%.3f p99_us=%.3f pmtu=%d", k,
                 lat[k / 2], lat[(k * 99) / 100], gs_get_pmtu(s, ev.assoc_id));
  } else {
    uint64_t sent = 0;
    double t_end = bench_now() + p->secs;

    while (bench_now() < t_end) {
      rv = gsctp_send(s, ev.assoc_id, (int)(sent % (uint64_t)p->streams), buf,
                      p->size);
      if (rv != 0) {
        bench_report(fd, "err=send:%s", gsctp_err_name(rv));
        return 1;
      }
      sent++;
    }
    bench_report(fd, "sent=%llu cpu=%.6f csw=%ld pmtu=%d",
                 (unsigned long long)sent, bench_cpu_secs(),
                 bench_ctx_switches(), gs_get_pmtu(s, ev.assoc_id));
    (void)gsctp_eof(s, &ev);
  }
  for (;;) {
    pause();
  }
  return 0;
}
