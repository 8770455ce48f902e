/*
 * tests/test_multihome.c - multi-homing between two stacks in two
 * network namespaces joined by two veth pairs (two independent paths).
 *
 * Each test makes its own namespaces gs-mh-<pid>-a/-b (tests/support/
 * netns.c) and removes them in the suite's .fini, which also runs after
 * a failed assertion; namespaces of killed runs are removed by the next
 * run.  The test process's stack starts inside namespace A
 * (GSCTP_OPT_NETNS); the peer is a forked child with its own stack in
 * namespace B that reports every item it receives with a timestamp
 * (tests/support/mh.c).  Needs root: without it every test is skipped
 * with the reason.
 *
 * Rows: family (IPv4, IPv6 only, and one inet6 socket with an IPv4 and
 * an IPv6 path) x transport (usrsctp's UDP encapsulation; the raw IP
 * transport, GSCTP_TRANSPORT_RAW, where the build has it).  Timers are
 * tuned (RTO 100..400 ms, heartbeat 200 ms, pathmaxrxt 2) so the suite
 * is fast; every wait is generous.
 */
#include <criterion/criterion.h>
#include <criterion/logging.h>

#include <stdio.h>
#include <string.h>

#include <gsctp/gsctp.h>

#include "mh.h"
#include "netns.h"
#include "tsupport.h"

/* The raw IP transport (issue 6 item 5) is GSCTP_TRANSPORT_RAW = 2 where
 * the build has it; the rows below skip with the reason where it does
 * not. */
#define MH_RAW 2

static mh_run g_run;
static int g_started;

/* Whether the peer sees the right source address per path.  Not with
 * the raw transport over IPv4: usrsctp 0.9.5 writes the IPv4 header
 * itself and puts the last address it has bound as the source of every
 * packet, whatever the path (path 1's packets leave on path 1's link
 * with path 2's source address; see docs/multihoming.md, "Limits").
 * Those rows check the path by interface counters only. */
static int source_address_reliable(void) {
  return !(g_run.cfg.transport == MH_RAW &&
           g_run.cfg.family == GSCTP_FAMILY_INET);
}

static uint64_t tx_of(int path) {
  uint64_t tx = 0;

  cr_assert_eq(tn_counters(&g_run.net, TN_A, path, NULL, &tx), 0,
               "cannot read the counters of path %d", path);
  return tx;
}

static void cleanup(void) {
  if (g_started) {
    mh_stop(&g_run);
    g_started = 0;
  }
}

TestSuite(multihome, .fini = cleanup, .timeout = 180);

/* Namespaces, peer and our socket for a row; skips with the reason when
 * it cannot run here. */
static void start_cfg(const mh_cfg *cfg) {
  char why[256];
  int rc;

  if (!tn_available(why, sizeof(why))) {
    cr_skip_test("multi-homing suite: %s", why);
  }
  g_started = 1;
  if (mh_start(&g_run, cfg) != 0) {
    long e = mh_find(&g_run, 0, TN_B, MH_ERROR, 2, NULL);
    if (cfg->transport == MH_RAW && e >= 0 &&
        (g_run.log[e].b == GSCTP_EINVAL || g_run.log[e].b == GSCTP_EBADARG)) {
      cr_skip_test("the raw IP transport (GSCTP_TRANSPORT_RAW = 2) is not "
                   "in this build: open says %s",
                   gsctp_err_name(g_run.log[e].b));
    }
    cr_assert_fail("setup: %s", g_run.why);
  }
  rc = mh_open_a(&g_run, NULL, 0);
  cr_assert_eq(rc, 0, "%s", g_run.why);
}

static void start(int family, int transport) {
  mh_cfg cfg;

  mh_cfg_tuned(&cfg, family, transport);
  start_cfg(&cfg);
}

static void connect_or_fail(int nips) {
  if (mh_connect(&g_run, nips, TS_WAIT_MS) != 0) {
    mh_dump(&g_run, g_run.nlog ? g_run.log[0].t_ms : 0);
    cr_assert_fail("%s", g_run.why);
  }
}

static int has_addr(const gsctp_addr *a, size_t n, const gsctp_ip *ip,
                    uint16_t port) {
  size_t i;

  for (i = 0; i < n; ++i) {
    if (gsctp_ip_equal(&a[i].ip, ip) && a[i].port == port) {
      return 1;
    }
  }
  return 0;
}

/* socknames/peernames list both addresses on both sides. */
static void check_names(void) {
  gsctp_addr a[8];
  gsctp_ip ip;
  size_t n = 0;
  long i;
  int rc, path;
  uint16_t aport = (uint16_t)gsctp_port(g_run.sock);
  char b[64];

  rc = gsctp_socknames(g_run.sock, g_run.assoc, a, 8, &n);
  cr_assert_eq(rc, 0, "socknames: %s", gsctp_err_name(rc));
  cr_assert_eq(n, 2, "socknames: %zu addresses", n);
  rc = gsctp_peernames(g_run.sock, g_run.assoc, a + 2, 6, &n);
  cr_assert_eq(rc, 0, "peernames: %s", gsctp_err_name(rc));
  cr_assert_eq(n, 2, "peernames: %zu addresses", n);
  for (path = 1; path <= 2; ++path) {
    ip = mh_ip(&g_run, TN_A, path);
    cr_assert(has_addr(a, 2, &ip, aport), "our socknames lack %s",
              gsctp_ip_format(&ip, b, sizeof(b)));
    ip = mh_ip(&g_run, TN_B, path);
    cr_assert(has_addr(a + 2, 2, &ip, (uint16_t)g_run.b_port),
              "our peernames lack %s", gsctp_ip_format(&ip, b, sizeof(b)));
  }
  cr_assert_eq(mh_cmd(&g_run, MH_NAMES, 0, 0), 0);
  i = mh_wait(&g_run, 0, TN_B, MH_NAMES, -1, NULL, TS_WAIT_MS);
  cr_assert_geq(i, 0, "the peer did not report its names");
  cr_assert_eq(g_run.log[i].a, 2, "the peer's socknames: %d", g_run.log[i].a);
  cr_assert_eq(g_run.log[i].b, 2, "the peer's peernames: %d", g_run.log[i].b);
  for (path = 1; path <= 2; ++path) {
    ip = mh_ip(&g_run, TN_B, path);
    cr_assert(has_addr(g_run.log[i].addr, 2, &ip, (uint16_t)g_run.b_port),
              "the peer's socknames lack %s",
              gsctp_ip_format(&ip, b, sizeof(b)));
    ip = mh_ip(&g_run, TN_A, path);
    cr_assert(has_addr(g_run.log[i].addr + 4, 2, &ip, aport),
              "the peer's peernames lack %s",
              gsctp_ip_format(&ip, b, sizeof(b)));
  }
}

/* sctp_get_peer_addr_info of each path: active, sane numbers. */
static void check_paddrinfo(void) {
  int path;

  for (path = 1; path <= 2; ++path) {
    gsctp_paddrinfo pi;
    int rc = mh_paddrinfo(&g_run, path, &pi);

    cr_assert_eq(rc, 0, "path %d: %s", path, gsctp_err_name(rc));
    cr_log_info("path %d: state %d cwnd %u srtt %u rto %u mtu %u", path,
                pi.state, pi.cwnd, pi.srtt, pi.rto, pi.mtu);
    cr_assert_eq(pi.state, GSCTP_PADDR_ACTIVE, "path %d state %d", path,
                 pi.state);
    cr_assert_gt(pi.cwnd, 1000, "path %d cwnd %u", path, pi.cwnd);
    cr_assert_leq(pi.srtt, 400, "path %d srtt %u", path, pi.srtt);
    cr_assert(pi.rto >= 100 && pi.rto <= 400, "path %d rto %u", path, pi.rto);
    cr_assert(pi.mtu >= 1200 && pi.mtu <= 65535, "path %d mtu %u", path,
              pi.mtu);
  }
}

/* Sends |n| numbered messages from |first| and checks that the peer gets
 * them in order; returns how many came from our address on |path|. */
static int send_and_check(uint32_t first, int n, int gap_ms, int path) {
  gsctp_ip ip = mh_ip(&g_run, TN_A, path);
  size_t from = g_run.nlog;
  int i, on_path = 0, rc;
  long k;
  uint32_t next = first;

  for (i = 0; i < n; ++i) {
    int tries;
    for (tries = 0; tries < 1000; ++tries) {
      rc = mh_send_seq(&g_run, first + (uint32_t)i, 100);
      if (rc != GSCTP_EAGAIN) {
        break;
      }
      (void)mh_pump(&g_run, 10);
    }
    cr_assert_eq(rc, 0, "send #%u: %s", first + (uint32_t)i,
                 gsctp_err_name(rc));
    (void)mh_pump(&g_run, gap_ms);
  }
  k = mh_wait(&g_run, from, TN_B, MH_DATA, (int)(first + (uint32_t)n - 1), NULL,
              TS_WAIT_MS);
  cr_assert_geq(k, 0, "message #%u did not arrive", first + (uint32_t)n - 1);
  for (k = (long)from; k < (long)g_run.nlog; ++k) {
    const mh_ev *e = &g_run.log[k];
    if (e->side != TN_B || e->kind != MH_DATA) {
      continue;
    }
    cr_assert_eq((uint32_t)e->a, next, "got #%d, expected #%u", e->a, next);
    next++;
    if (gsctp_ip_equal(&e->addr[0].ip, &ip)) {
      ++on_path;
    }
  }
  cr_assert_eq(next, first + (uint32_t)n);
  return on_path;
}

/* ------------------------------------------------------------------ */
/* An association over both paths                                      */
/* ------------------------------------------------------------------ */

static void both_paths(int family, int transport) {
  uint64_t tx1;
  int on1;

  start(family, transport);
  connect_or_fail(1);
  check_names();
  check_paddrinfo();
  tx1 = tx_of(1);
  on1 = send_and_check(0, 20, 5, 1);
  tx1 = tx_of(1) - tx1;
  cr_assert_geq(tx1, 20,
                "path 1 (the primary) carried %llu packets for 20 "
                "messages",
                (unsigned long long)tx1);
  if (source_address_reliable()) {
    cr_assert_eq(on1, 20, "%d of 20 messages came from our path-1 address",
                 on1);
  }
}

Test(multihome, both_paths_udp_ipv4) {
  both_paths(GSCTP_FAMILY_INET, GSCTP_TRANSPORT_UDP);
}
Test(multihome, both_paths_udp_ipv6) {
  both_paths(GSCTP_FAMILY_INET6, GSCTP_TRANSPORT_UDP);
}
Test(multihome, both_paths_raw_ipv4) {
  both_paths(GSCTP_FAMILY_INET, MH_RAW);
}
Test(multihome, both_paths_raw_ipv6) {
  both_paths(GSCTP_FAMILY_INET6, MH_RAW);
}

/* ------------------------------------------------------------------ */
/* connectx_init with both of the peer's addresses                     */
/* ------------------------------------------------------------------ */

static void connectx(int family, int transport) {
  start(family, transport);
  connect_or_fail(2);
  check_names();
  (void)send_and_check(0, 20, 5, 1);
}

Test(multihome, connectx_udp_ipv4) {
  connectx(GSCTP_FAMILY_INET, GSCTP_TRANSPORT_UDP);
}
Test(multihome, connectx_udp_ipv6) {
  connectx(GSCTP_FAMILY_INET6, GSCTP_TRANSPORT_UDP);
}
Test(multihome, connectx_raw_ipv4) {
  connectx(GSCTP_FAMILY_INET, MH_RAW);
}
Test(multihome, connectx_raw_ipv6) {
  connectx(GSCTP_FAMILY_INET6, MH_RAW);
}

/* ------------------------------------------------------------------ */
/* Failover                                                            */
/* ------------------------------------------------------------------ */

/* The paddr_change events of |side| for |ip| after index |from|, as a
 * string of state numbers ("2,1"). */
static void paddr_seq(int side, const gsctp_ip *ip, size_t from, char *buf,
                      size_t buflen) {
  size_t i, off = 0;

  buf[0] = 0;
  for (i = from; i < g_run.nlog && off + 4 < buflen; ++i) {
    const mh_ev *e = &g_run.log[i];
    if (e->side == side && e->kind == MH_PADDR &&
        gsctp_ip_equal(&e->addr[0].ip, ip)) {
      off +=
        (size_t)snprintf(buf + off, buflen - off, "%s%d", off ? "," : "", e->a);
    }
  }
}

static void failover(int family, int transport, int side) {
  gsctp_ip a1, a2, b1, b2;
  mh_failover r;
  size_t idown = 0, i;
  char s[64];
  int rc;

  start(family, transport);
  connect_or_fail(1);
  a1 = mh_ip(&g_run, TN_A, 1);
  a2 = mh_ip(&g_run, TN_A, 2);
  b1 = mh_ip(&g_run, TN_B, 1);
  b2 = mh_ip(&g_run, TN_B, 2);
  rc = mh_failover_run(&g_run, side, 10, 20000, &r);
  fprintf(stderr, "failover %s (%s link down), times from link down:\n",
          family == GSCTP_FAMILY_INET6 ? "IPv6" : "IPv4",
          side == TN_A ? "our" : "the peer's");
  mh_dump(&g_run, r.t_down);
  cr_assert_eq(rc, 0, "%s", g_run.why);
  for (i = 0; i < g_run.nlog && g_run.log[i].t_ms < r.t_down; ++i) {
    idown = i + 1;
  }
  /* Data moved to path 2 while path 1 was down, nothing lost (checked
   * by mh_failover_run: every message once, in order). */
  cr_assert_geq(r.t_first_alt, r.t_down, "no message came over path 2");
  cr_assert_gt(r.tx2_down, 20,
               "only %llu packets on path 2 while path 1 "
               "was down",
               (unsigned long long)r.tx2_down);
  /* Both sides: path 1 unreachable, then available again, nothing else
   * on path 1, and path 2 untouched. */
  paddr_seq(TN_A, &b1, idown, s, sizeof(s));
  cr_assert_str_eq(s, "2,1",
                   "our events for the peer's path 1: %s "
                   "(2 = unreachable, 1 = available)",
                   s);
  paddr_seq(TN_B, &a1, idown, s, sizeof(s));
  cr_assert_str_eq(s, "2,1", "the peer's events for our path 1: %s", s);
  paddr_seq(TN_A, &b2, idown, s, sizeof(s));
  cr_assert_str_eq(s, "", "our events for path 2: %s", s);
  paddr_seq(TN_B, &a2, idown, s, sizeof(s));
  cr_assert_str_eq(s, "", "the peer's events for path 2: %s", s);
  cr_assert(r.t_unreach_a > r.t_down && r.t_avail_a > r.t_up);
  cr_assert(r.t_unreach_b > r.t_down && r.t_avail_b > r.t_up);
  cr_log_info("unreachable after %lld ms (us) / %lld ms (peer); first "
              "message on path 2 after %lld ms; longest gap %lld ms; "
              "available %lld ms / %lld ms after link up; after that %u "
              "messages on path 1, %u on path 2",
              (long long)(r.t_unreach_a - r.t_down),
              (long long)(r.t_unreach_b - r.t_down),
              (long long)(r.t_first_alt - r.t_down), (long long)r.max_gap,
              (long long)(r.t_avail_a - r.t_up),
              (long long)(r.t_avail_b - r.t_up), r.after_up_p1, r.after_up_p2);
  /* usrsctp returns to the primary once it is available again: the
   * messages of the last 500 ms (about 50, fewer on a loaded machine, and
   * bundled into fewer packets) leave on path 1; path 2 carries at most
   * a heartbeat or two. */
  cr_assert(r.tx1_after >= 5 && r.tx1_after > 2 * r.tx2_after,
            "the primary path was not used again: %llu packets on path "
            "1, %llu on path 2 after addr_available",
            (unsigned long long)r.tx1_after, (unsigned long long)r.tx2_after);
  if (source_address_reliable()) {
    cr_assert_gt(r.after_up_p1, 0,
                 "no message came from our path-1 "
                 "address after addr_available");
  }
}

Test(multihome, failover_udp_ipv4) {
  failover(GSCTP_FAMILY_INET, GSCTP_TRANSPORT_UDP, TN_A);
}
Test(multihome, failover_udp_ipv6) {
  failover(GSCTP_FAMILY_INET6, GSCTP_TRANSPORT_UDP, TN_A);
}
Test(multihome, failover_peer_link_udp_ipv4) {
  failover(GSCTP_FAMILY_INET, GSCTP_TRANSPORT_UDP, TN_B);
}
Test(multihome, failover_peer_link_udp_ipv6) {
  failover(GSCTP_FAMILY_INET6, GSCTP_TRANSPORT_UDP, TN_B);
}
Test(multihome, failover_peer_link_raw_ipv4) {
  failover(GSCTP_FAMILY_INET, MH_RAW, TN_B);
}
Test(multihome, failover_peer_link_raw_ipv6) {
  failover(GSCTP_FAMILY_INET6, MH_RAW, TN_B);
}
Test(multihome, failover_raw_ipv4) {
  failover(GSCTP_FAMILY_INET, MH_RAW, TN_A);
}
Test(multihome, failover_raw_ipv6) {
  failover(GSCTP_FAMILY_INET6, MH_RAW, TN_A);
}

/* ------------------------------------------------------------------ */
/* sctp_primary_addr moves traffic; sctp_set_peer_primary_addr         */
/* ------------------------------------------------------------------ */

static void primary(int family, int transport) {
  uint64_t tx1a, tx2a, tx1b, tx2b;
  gsctp_opt o;
  size_t n = 0;
  long i;
  int rc, on;

  start(family, transport);
  connect_or_fail(1);
  on = send_and_check(0, 50, 5, 1);
  cr_assert(on == 50 || !source_address_reliable(),
            "%d of 50 messages over path 1 before the change", on);

  memset(&o, 0, sizeof(o));
  o.name = GSCTP_OPT_SCTP_PRIMARY_ADDR;
  o.v.prim.assoc_id = g_run.assoc;
  o.v.prim.addr.ip = mh_ip(&g_run, TN_B, 2);
  o.v.prim.addr.port = (uint16_t)g_run.b_port;
  rc = gsctp_setopts(g_run.sock, &o, 1);
  cr_assert_eq(rc, 0, "set sctp_primary_addr: %s", gsctp_err_name(rc));
  memset(&o, 0, sizeof(o));
  o.name = GSCTP_OPT_SCTP_PRIMARY_ADDR;
  o.v.prim.assoc_id = g_run.assoc;
  rc = gsctp_getopts(g_run.sock, &o, 1, &n);
  cr_assert(rc == 0 && n == 1);
  cr_assert(gsctp_ip_equal(&o.v.prim.addr.ip, &(gsctp_ip){0}) == 0);
  {
    gsctp_ip b2 = mh_ip(&g_run, TN_B, 2);
    cr_assert(gsctp_ip_equal(&o.v.prim.addr.ip, &b2),
              "sctp_primary_addr does not read back as path 2");
  }

  cr_assert_eq(tn_counters(&g_run.net, TN_A, 1, NULL, &tx1a), 0);
  cr_assert_eq(tn_counters(&g_run.net, TN_A, 2, NULL, &tx2a), 0);
  on = send_and_check(50, 100, 5, 2);
  cr_assert_eq(tn_counters(&g_run.net, TN_A, 1, NULL, &tx1b), 0);
  cr_assert_eq(tn_counters(&g_run.net, TN_A, 2, NULL, &tx2b), 0);
  cr_log_info("after the change: %d of 100 over path 2; our tx packets: "
              "path 1 +%llu, path 2 +%llu",
              on, (unsigned long long)(tx1b - tx1a),
              (unsigned long long)(tx2b - tx2a));
  cr_assert(on == 100 || !source_address_reliable(),
            "%d of 100 messages over path 2 after the change", on);
  cr_assert_geq(tx2b - tx2a, 50, "path 2 carried %llu packets",
                (unsigned long long)(tx2b - tx2a));
  cr_assert_lt(tx1b - tx1a, 50, "path 1 still carried %llu packets",
               (unsigned long long)(tx1b - tx1a));

  /* The peer asks us (ASCONF Set Primary Address) to use its path-1
   * address again. */
  cr_assert_eq(mh_cmd(&g_run, MH_PRIM, 1, 1), 0);
  i = mh_wait(&g_run, 0, TN_B, MH_PRIM, -1, NULL, TS_WAIT_MS);
  cr_assert_geq(i, 0, "the peer did not answer");
  cr_assert_eq(g_run.log[i].a, 0, "set_peer_primary_addr at the peer: %s",
               gsctp_err_name(g_run.log[i].a));
  {
    gsctp_ip b1 = mh_ip(&g_run, TN_B, 1);
    int64_t end = ts_now_ms() + TS_WAIT_MS;
    int moved = 0, k;

    for (k = 0; k < 10000 && !moved && ts_now_ms() < end; ++k) {
      memset(&o, 0, sizeof(o));
      o.name = GSCTP_OPT_SCTP_PRIMARY_ADDR;
      o.v.prim.assoc_id = g_run.assoc;
      n = 0;
      (void)gsctp_getopts(g_run.sock, &o, 1, &n);
      moved = n == 1 && gsctp_ip_equal(&o.v.prim.addr.ip, &b1);
      (void)mh_pump(&g_run, 20);
    }
    cr_assert(moved, "our primary did not move to the peer's path 1 after "
                     "its set_peer_primary_addr");
    /* usrsctp tells us with addr_made_prim (a local sctp_primary_addr
     * change gives no event). */
    cr_assert_geq(
      mh_wait(&g_run, 0, TN_A, MH_PADDR, GSCTP_ADDR_MADE_PRIM, &b1, TS_WAIT_MS),
      0, "no addr_made_prim for the peer's path 1");
    for (k = 0; k < (int)g_run.nlog; ++k) {
      char b[160];
      if (g_run.log[k].kind == MH_PADDR) {
        cr_log_info("%s",
                    mh_ev_str(&g_run.log[k], g_run.log[0].t_ms, b, sizeof(b)));
      }
    }
    tx1a = tx_of(1);
    on = send_and_check(150, 50, 5, 1);
    tx1b = tx_of(1);
    cr_assert_geq(tx1b - tx1a, 50,
                  "path 1 carried %llu packets for 50 "
                  "messages after the peer's request",
                  (unsigned long long)(tx1b - tx1a));
    cr_assert(on == 50 || !source_address_reliable(),
              "%d of 50 messages over path 1 after the peer's "
              "request",
              on);
  }
}

Test(multihome, primary_udp_ipv4) {
  primary(GSCTP_FAMILY_INET, GSCTP_TRANSPORT_UDP);
}
Test(multihome, primary_udp_ipv6) {
  primary(GSCTP_FAMILY_INET6, GSCTP_TRANSPORT_UDP);
}
Test(multihome, primary_raw_ipv4) {
  primary(GSCTP_FAMILY_INET, MH_RAW);
}
Test(multihome, primary_raw_ipv6) {
  primary(GSCTP_FAMILY_INET6, MH_RAW);
}

/* ------------------------------------------------------------------ */
/* sctp_peer_addr_params hbinterval changes the heartbeat rate          */
/* ------------------------------------------------------------------ */

/* Our transmitted packets on idle path 2 during |ms|. */
static uint64_t idle_tx(int ms) {
  uint64_t a, b;

  cr_assert_eq(tn_counters(&g_run.net, TN_A, 2, NULL, &a), 0);
  (void)mh_pump(&g_run, ms);
  cr_assert_eq(tn_counters(&g_run.net, TN_A, 2, NULL, &b), 0);
  return b - a;
}

static void set_hb(int hbinterval) {
  gsctp_opt o;
  int rc;

  memset(&o, 0, sizeof(o));
  o.name = GSCTP_OPT_SCTP_PEER_ADDR_PARAMS;
  o.v.paddrparams = (gsctp_paddrparams)GSCTP_PADDRPARAMS_INIT;
  o.v.paddrparams.assoc_id = g_run.assoc;
  o.v.paddrparams.address.ip = mh_ip(&g_run, TN_B, 2);
  o.v.paddrparams.address.port = (uint16_t)g_run.b_port;
  o.v.paddrparams.hbinterval = hbinterval;
  o.v.paddrparams.flags = GSCTP_SPP_HB_ENABLE;
  rc = gsctp_setopts(g_run.sock, &o, 1);
  cr_assert_eq(rc, 0, "set hbinterval %d: %s", hbinterval, gsctp_err_name(rc));
}

static void hbinterval(int family, int transport) {
  uint64_t fast, slow;
  long i;

  start(family, transport);
  connect_or_fail(1);
  /* Only our heartbeats on the idle path 2: the peer stops its own. */
  cr_assert_eq(mh_cmd(&g_run, MH_OTHER, 0, 0), 0);
  i = mh_wait(&g_run, 0, TN_B, MH_PRIM, -1, NULL, TS_WAIT_MS);
  cr_assert(i >= 0 && g_run.log[i].a == 0, "the peer's hb_disable failed");
  set_hb(100);
  (void)mh_pump(&g_run, 1000); /* the old timer runs out */
  fast = idle_tx(3000);
  set_hb(5000);
  (void)mh_pump(&g_run, 1500);
  slow = idle_tx(3000);
  cr_log_info("packets we sent on idle path 2 in 3 s: hbinterval 100 ms: "
              "%llu, 5000 ms: %llu",
              (unsigned long long)fast, (unsigned long long)slow);
  /* hbinterval 100 ms: a heartbeat every 100 ms + RTO (100..400 ms,
   * jittered), so at least 5 in 3 s even on a slow machine; 5000 ms: at
   * most one. */
  cr_assert_geq(fast, 5, "%llu packets with hbinterval 100 ms",
                (unsigned long long)fast);
  cr_assert_leq(slow, 2, "%llu packets with hbinterval 5000 ms",
                (unsigned long long)slow);
}

Test(multihome, hbinterval_udp_ipv4) {
  hbinterval(GSCTP_FAMILY_INET, GSCTP_TRANSPORT_UDP);
}
Test(multihome, hbinterval_raw_ipv4) {
  hbinterval(GSCTP_FAMILY_INET, MH_RAW);
}
Test(multihome, hbinterval_udp_ipv6) {
  hbinterval(GSCTP_FAMILY_INET6, GSCTP_TRANSPORT_UDP);
}
Test(multihome, hbinterval_raw_ipv6) {
  hbinterval(GSCTP_FAMILY_INET6, MH_RAW);
}

/* ------------------------------------------------------------------ */
/* One inet6 socket with an IPv4 path and an IPv6 path                 */
/* ------------------------------------------------------------------ */

/* OTP's open_multihoming_ipv4_and_ipv6_socket, between two namespaces:
 * each side binds its IPv6 address of path 1 and its IPv4 address of
 * path 2 on one inet6 socket.  The connect goes to the IPv6 address
 * (gsctp_connect refuses an IPv4 address on an inet6 socket); the IPv4
 * one is learned from the INIT-ACK.  usrsctp advertises an IPv4 address
 * on an association begun over a global IPv6 address only if it is not
 * private (10/8, 172.16/12, 192.168/16: "IPv4 local scope"), which is
 * why the namespaces use 198.18.0.0/15. */
static void mixed(int transport) {
  mh_cfg cfg;

  mh_cfg_tuned(&cfg, GSCTP_FAMILY_INET6, transport);
  cfg.pathfam[1] = GSCTP_FAMILY_INET;
  start_cfg(&cfg);
  connect_or_fail(1);
  check_names();
  (void)send_and_check(0, 20, 5, 1);
}

Test(multihome, mixed_ipv4_ipv6_udp) {
  mixed(GSCTP_TRANSPORT_UDP);
}
Test(multihome, mixed_ipv4_ipv6_raw) {
  mixed(MH_RAW);
}
