/*
 * tests/test_opts_records.c - option records on a live association:
 * each one is read back from usrsctp (through gsctp_getopts or the
 * internal hook usr_getopt below) or its effect is observed on the
 * association (negotiated streams, retransmission timing, the peer's
 * adaptation event, the received ppid, autoclose's shutdown, ...).
 *
 * Client and server live in one process over UDP encapsulation on
 * 127.0.0.1 (tests/support).  References: include/gsctp/records.h,
 * gen_sctp-semantics.md 1.2 and 1.4, docs/api.md.
 */
#include <criterion/criterion.h>

#include <arpa/inet.h>
#include <string.h>
#include <unistd.h>

#include <gsctp/gsctp.h>

#include "gsctp_int.h"
#include "tsupport.h"

#define UNDEF GSCTP_UNDEF

static int udp_port;

static void setup(void) {
  udp_port = ts_stack_start();
}

TestSuite(opts_records, .init = setup);

/* The internal test hook: getsockopt at the usrsctp level. */
static int usr_getopt(gsctp_sock h, int level, int name, void *val,
                      socklen_t *len) {
  gsctp_sockimpl *s = gsctp_sock_get(h);
  struct socket *so;
  int rv;

  cr_assert_not_null(s);
  rv = gsctp_so_enter(s, &so);
  if (rv == 0) {
    rv = usrsctp_getsockopt(so, level, name, val, len) == 0 ? 0 : -errno;
    gsctp_so_leave(s);
  }
  gsctp_sock_put(s);
  return rv;
}

static void set1(gsctp_sock s, gsctp_opt o) {
  int rc = gsctp_setopts(s, &o, 1);
  cr_assert_eq(rc, 0, "setopts %s: %d (%s) %s", gsctp_opt_name(o.name), rc,
               gsctp_err_name(rc), gsctp_error_detail());
}

/* getopts of one option that must be read. */
static gsctp_opt get1(gsctp_sock s, gsctp_opt o) {
  size_t n = 0;
  int rc = gsctp_getopts(s, &o, 1, &n);
  cr_assert_eq(rc, 0, "getopts %s: %d (%s)", gsctp_opt_name(o.name), rc,
               gsctp_err_name(rc));
  cr_assert_eq(n, 1, "getopts %s left the option out", gsctp_opt_name(o.name));
  return o;
}

static gsctp_status status_of(gsctp_sock s, uint32_t assoc_id) {
  gsctp_opt o;
  memset(&o, 0, sizeof(o));
  o.name = GSCTP_OPT_SCTP_STATUS;
  o.v.status.assoc_id = assoc_id;
  return get1(s, o).v.status;
}

static gsctp_paddrinfo paddrinfo_of(gsctp_sock s, uint32_t assoc_id,
                                    const gsctp_ip *ip, uint16_t port) {
  gsctp_opt o;
  memset(&o, 0, sizeof(o));
  o.name = GSCTP_OPT_SCTP_GET_PEER_ADDR_INFO;
  o.v.paddrinfo.assoc_id = assoc_id;
  o.v.paddrinfo.address.ip = *ip;
  o.v.paddrinfo.address.port = port;
  return get1(s, o).v.paddrinfo;
}

/* ------------------------------------------------------------------ */
/* sctp_initmsg: the negotiated stream counts                          */
/* ------------------------------------------------------------------ */

Test(opts_records, initmsg_sets_the_negotiated_stream_counts) {
  gsctp_opt co, so;
  gsctp_status st;
  ts_pair p;

  memset(&co, 0, sizeof(co));
  co.name = GSCTP_OPT_SCTP_INITMSG;
  co.v.initmsg = (gsctp_initmsg)GSCTP_INITMSG_INIT;
  co.v.initmsg.num_ostreams = 7;
  co.v.initmsg.max_instreams = 3;
  so = co;
  so.v.initmsg.num_ostreams = 2;
  so.v.initmsg.max_instreams = 5; /* caps the client's 7 */
  ts_pair_open(&p, GSCTP_FAMILY_INET, NULL, &co, 1, &so, 1);
  cr_assert_eq(p.cli_up.outbound_streams, 5);
  cr_assert_eq(p.cli_up.inbound_streams, 2);
  st = status_of(p.cli, p.cli_up.assoc_id);
  cr_assert_eq(st.outstrms, 5, "sctp_status outstrms %u", st.outstrms);
  cr_assert_eq(st.instrms, 2, "sctp_status instrms %u", st.instrms);
  cr_assert_eq(st.state, GSCTP_STATE_ESTABLISHED);
  /* A send on stream 5 (the sixth) is outside the association. */
  cr_assert_eq(gsctp_send(p.cli, p.cli_up.assoc_id, 5, "x", 1), GSCTP_EINVAL);
  cr_assert_eq(gsctp_send(p.cli, p.cli_up.assoc_id, 4, "x", 1), 0);
  ts_pair_close(&p);
}

Test(opts_records, initmsg_given_to_connect_merges_unset_fields) {
  gsctp_opt o;
  gsctp_sock srv, cli;
  gsctp_ip lo = gsctp_ip_loopback(GSCTP_FAMILY_INET);
  gsctp_assoc_change up = gsctp_assoc_change_default();
  int rc;

  srv = ts_open_server(GSCTP_FAMILY_INET, NULL, NULL, 0);
  cli = ts_open(GSCTP_FAMILY_INET, NULL, NULL, 0);
  memset(&o, 0, sizeof(o));
  o.name = GSCTP_OPT_SCTP_INITMSG;
  o.v.initmsg = (gsctp_initmsg)GSCTP_INITMSG_INIT;
  o.v.initmsg.num_ostreams = 6;
  o.v.initmsg.max_attempts = 3;
  set1(cli, o);
  /* At connect only max_instreams is given: the 6 ostreams and the 3
   * attempts stay (current values), not the type default 0. */
  o.v.initmsg = (gsctp_initmsg)GSCTP_INITMSG_INIT;
  o.v.initmsg.max_instreams = 4;
  rc = gsctp_connect(cli, &lo, gsctp_port(srv), &o, 1, TS_WAIT_MS, &up);
  cr_assert_eq(rc, 0, "connect: %s", gsctp_err_name(rc));
  cr_assert_eq(up.outbound_streams, 6);
  memset(&o, 0, sizeof(o));
  o.name = GSCTP_OPT_SCTP_INITMSG;
  o = get1(cli, o);
  cr_assert_eq(o.v.initmsg.num_ostreams, 6);
  cr_assert_eq(o.v.initmsg.max_instreams, 4);
  cr_assert_eq(o.v.initmsg.max_attempts, 3);
  gsctp_close(cli);
  gsctp_close(srv);
}

/* ------------------------------------------------------------------ */
/* sctp_rtoinfo and initmsg.max_attempts: INIT retransmission timing   */
/* ------------------------------------------------------------------ */

/* A "peer" that swallows everything: a plain UDP socket used as the
 * remote encapsulation port, so INITs are never answered.  Returns how
 * many INITs arrived and the time of the first two. */
static int count_inits(int fd, int window_ms, int64_t *t0, int64_t *t1) {
  uint8_t buf[2048];
  int64_t end = ts_now_ms() + window_ms;
  int n = 0;

  while (ts_now_ms() < end) {
    int left = (int)(end - ts_now_ms());
    ssize_t len = ts_udp_recv(fd, buf, sizeof(buf), left > 0 ? left : 1, NULL);
    if (len >= 16 && buf[12] == 1 /* INIT */) {
      if (n == 0) {
        *t0 = ts_now_ms();
      } else if (n == 1) {
        *t1 = ts_now_ms();
      }
      n++;
    }
  }
  return n;
}

Test(opts_records, rtoinfo_sets_the_init_retransmission_timer) {
  uint16_t uport;
  int fd = ts_udp_open(GSCTP_FAMILY_INET, &uport);
  gsctp_opt o[2];
  gsctp_sock cli;
  gsctp_ip lo = gsctp_ip_loopback(GSCTP_FAMILY_INET);
  int64_t t0 = 0, t1 = 0;
  int rc, n;
  gsctp_item item;

  cr_assert_geq(fd, 0);
  memset(o, 0, sizeof(o));
  o[0].name = GSCTP_OPT_SCTP_RTOINFO;
  o[0].v.rtoinfo = (gsctp_rtoinfo)GSCTP_RTOINFO_INIT;
  o[0].v.rtoinfo.initial = 200;
  o[0].v.rtoinfo.min = 100;
  o[0].v.rtoinfo.max = 200;
  o[1].name = GSCTP_OPT_SCTP_INITMSG;
  o[1].v.initmsg = (gsctp_initmsg)GSCTP_INITMSG_INIT;
  o[1].v.initmsg.max_attempts = 3;
  rc = ts_try_open(&cli, GSCTP_FAMILY_INET, NULL, uport, o, 2);
  cr_assert_eq(rc, 0);

  /* Read back through usrsctp. */
  {
    struct sctp_rtoinfo ri;
    socklen_t len = sizeof(ri);
    memset(&ri, 0, sizeof(ri));
    cr_assert_eq(usr_getopt(cli, IPPROTO_SCTP, SCTP_RTOINFO, &ri, &len), 0);
    cr_assert_eq(ri.srto_initial, 200);
    cr_assert_eq(ri.srto_min, 100);
    cr_assert_eq(ri.srto_max, 200);
  }

  cr_assert_eq(gsctp_connect_init(cli, &lo, 4242, NULL, 0), 0);
  /* usrsctp's default initial RTO is 3000 ms: with 200 ms the first
   * retransmission comes well before 1500 ms, and with max_attempts 3
   * there are at most 4 INITs before cant_assoc. */
  n = count_inits(fd, 3000, &t0, &t1);
  cr_assert_geq(n, 2, "only %d INIT(s) in 3 s", n);
  cr_assert_leq(n, 4, "%d INITs with max_attempts 3", n);
  cr_assert_lt(t1 - t0, 1500, "first retransmission after %lld ms",
               (long long)(t1 - t0));
  rc = ts_recv_event(cli, GSCTP_EV_ASSOC_CHANGE, GSCTP_CANT_ASSOC, TS_WAIT_MS,
                     &item, NULL);
  cr_assert_eq(rc, 0, "no cant_assoc after the attempts: %s",
               gsctp_err_name(rc));
  gsctp_item_free(&item);
  gsctp_close(cli);
  close(fd);
}

Test(opts_records, rtoinfo_bounds_the_rto_of_a_path) {
  gsctp_opt o;
  gsctp_paddrinfo pi;
  ts_pair p;

  memset(&o, 0, sizeof(o));
  o.name = GSCTP_OPT_SCTP_RTOINFO;
  o.v.rtoinfo = (gsctp_rtoinfo)GSCTP_RTOINFO_INIT;
  o.v.rtoinfo.min = 2500;
  o.v.rtoinfo.max = 2500;
  o.v.rtoinfo.initial = 2500;
  ts_pair_open(&p, GSCTP_FAMILY_INET, NULL, &o, 1, NULL, 0);
  pi = paddrinfo_of(p.cli, p.cli_up.assoc_id, &p.ip, p.srv_port);
  cr_assert_eq(pi.rto, 2500, "path rto %u", pi.rto);
  /* Association level: getopts with the assoc_id. */
  o.v.rtoinfo = (gsctp_rtoinfo)GSCTP_RTOINFO_INIT;
  o.v.rtoinfo.assoc_id = p.cli_up.assoc_id;
  o = get1(p.cli, o);
  cr_assert_eq(o.v.rtoinfo.min, 2500);
  /* The server's path keeps usrsctp's default floor of 1000 ms. */
  pi = paddrinfo_of(p.srv, p.srv_up.assoc_id, &p.ip, p.cli_port);
  cr_assert_lt(pi.rto, 2500);
  ts_pair_close(&p);
}

/* ------------------------------------------------------------------ */
/* sctp_get_peer_addr_info and sctp_status                             */
/* ------------------------------------------------------------------ */

Test(opts_records, get_peer_addr_info_reports_the_path) {
  gsctp_paddrinfo pi;
  gsctp_status st;
  gsctp_opt o;
  size_t n = 9;
  ts_pair p;

  ts_pair_open(&p, GSCTP_FAMILY_INET, NULL, NULL, 0, NULL, 0);
  pi = paddrinfo_of(p.cli, p.cli_up.assoc_id, &p.ip, p.srv_port);
  cr_assert_eq(pi.assoc_id, p.cli_up.assoc_id);
  cr_assert(ts_addr_is(&pi.address, &p.ip, p.srv_port));
  cr_assert(pi.state == GSCTP_PADDR_ACTIVE ||
            pi.state == GSCTP_PADDR_UNCONFIRMED);
  cr_assert_gt(pi.cwnd, 0);
  cr_assert_geq(pi.rto, 1000); /* usrsctp's default floor */
  cr_assert_gt(pi.mtu, 500);
  st = status_of(p.cli, p.cli_up.assoc_id);
  cr_assert(ts_addr_is(&st.primary.address, &p.ip, p.srv_port));
  cr_assert_eq(st.primary.mtu, pi.mtu);

  /* An address that is not a path: the option is left out (OTP). */
  memset(&o, 0, sizeof(o));
  o.name = GSCTP_OPT_SCTP_GET_PEER_ADDR_INFO;
  o.v.paddrinfo.assoc_id = p.cli_up.assoc_id;
  o.v.paddrinfo.address.ip = p.ip;
  o.v.paddrinfo.address.ip = gsctp_ip_v4(127, 0, 0, 99);
  cr_assert_eq(gsctp_getopts(p.cli, &o, 1, &n), 0);
  cr_assert_eq(n, 0);
  /* Read-only. */
  o.v.paddrinfo.address.ip = p.ip;
  cr_assert_eq(gsctp_setopts(p.cli, &o, 1), GSCTP_EINVAL);
  ts_pair_close(&p);
}

/* ------------------------------------------------------------------ */
/* sctp_peer_addr_params                                               */
/* ------------------------------------------------------------------ */

Test(opts_records, peer_addr_params_fixed_mtu_changes_the_path) {
  gsctp_opt o;
  gsctp_paddrinfo pi;
  gsctp_status st;
  ts_pair p;

  ts_pair_open(&p, GSCTP_FAMILY_INET, NULL, NULL, 0, NULL, 0);
  memset(&o, 0, sizeof(o));
  o.name = GSCTP_OPT_SCTP_PEER_ADDR_PARAMS;
  o.v.paddrparams = (gsctp_paddrparams)GSCTP_PADDRPARAMS_INIT;
  o.v.paddrparams.assoc_id = p.cli_up.assoc_id;
  o.v.paddrparams.address.ip = p.ip;
  o.v.paddrparams.address.port = p.srv_port;
  o.v.paddrparams.pathmtu = 1000;
  o.v.paddrparams.hbinterval = 7000;
  o.v.paddrparams.pathmaxrxt = 3;
  o.v.paddrparams.flags = GSCTP_SPP_PMTUD_DISABLE | GSCTP_SPP_HB_ENABLE;
  set1(p.cli, o);
  pi = paddrinfo_of(p.cli, p.cli_up.assoc_id, &p.ip, p.srv_port);
  cr_assert_eq(pi.mtu, 1000, "path mtu %u", pi.mtu);
  st = status_of(p.cli, p.cli_up.assoc_id);
  cr_assert_lt(st.fragmentation_point, 1000, "fragmentation point %u",
               st.fragmentation_point);

  o.v.paddrparams.pathmtu = UNDEF;
  o.v.paddrparams.hbinterval = UNDEF;
  o.v.paddrparams.pathmaxrxt = UNDEF;
  o.v.paddrparams.flags = UNDEF;
  o = get1(p.cli, o);
  cr_assert_eq(o.v.paddrparams.hbinterval, 7000);
  cr_assert_eq(o.v.paddrparams.pathmaxrxt, 3);
  cr_assert_eq(o.v.paddrparams.pathmtu, 1000);
  cr_assert(o.v.paddrparams.flags & GSCTP_SPP_PMTUD_DISABLE);
  cr_assert(o.v.paddrparams.flags & GSCTP_SPP_HB_ENABLE);

  /* A 3000-byte message still arrives whole, in fragments. */
  {
    uint8_t buf[3000];
    gsctp_item item;
    ts_fill(buf, sizeof(buf), 3);
    cr_assert_eq(gsctp_send(p.cli, p.cli_up.assoc_id, 0, buf, sizeof(buf)), 0);
    ts_recv_data(p.srv, TS_WAIT_MS, &item);
    cr_assert_eq(item.datalen, sizeof(buf));
    cr_assert_eq(ts_check(item.data, item.datalen, 3), sizeof(buf));
    gsctp_item_free(&item);
  }
  ts_pair_close(&p);
}

Test(opts_records, peer_addr_params_endpoint_level_reaches_new_paths) {
  gsctp_opt o;
  struct sctp_paddrparams pp;
  socklen_t len = sizeof(pp);
  ts_pair p;

  memset(&o, 0, sizeof(o));
  o.name = GSCTP_OPT_SCTP_PEER_ADDR_PARAMS;
  o.v.paddrparams = (gsctp_paddrparams)GSCTP_PADDRPARAMS_INIT;
  o.v.paddrparams.hbinterval = 12000;
  o.v.paddrparams.pathmaxrxt = 4;
  ts_pair_open(&p, GSCTP_FAMILY_INET, NULL, &o, 1, NULL, 0);
  /* usrsctp's own view of the association's path. */
  memset(&pp, 0, sizeof(pp));
  pp.spp_assoc_id = p.cli_up.assoc_id;
  pp.spp_address.ss_family = AF_INET;
  cr_assert_eq(
    usr_getopt(p.cli, IPPROTO_SCTP, SCTP_PEER_ADDR_PARAMS, &pp, &len), 0);
  cr_assert_eq(pp.spp_hbinterval, 12000);
  cr_assert_eq(pp.spp_pathmaxrxt, 4);
  ts_pair_close(&p);
}

Test(opts_records, peer_addr_params_sackdelay_acts_on_the_association) {
  gsctp_opt o, d;
  struct sctp_sack_info si;
  socklen_t len = sizeof(si);
  ts_pair p;

  ts_pair_open(&p, GSCTP_FAMILY_INET, NULL, NULL, 0, NULL, 0);
  memset(&o, 0, sizeof(o));
  o.name = GSCTP_OPT_SCTP_PEER_ADDR_PARAMS;
  o.v.paddrparams = (gsctp_paddrparams)GSCTP_PADDRPARAMS_INIT;
  o.v.paddrparams.assoc_id = p.cli_up.assoc_id;
  o.v.paddrparams.sackdelay = 120;
  o.v.paddrparams.flags = GSCTP_SPP_SACKDELAY_ENABLE;
  set1(p.cli, o);
  memset(&si, 0, sizeof(si));
  si.sack_assoc_id = p.cli_up.assoc_id;
  cr_assert_eq(usr_getopt(p.cli, IPPROTO_SCTP, SCTP_DELAYED_SACK, &si, &len),
               0);
  cr_assert_eq(si.sack_delay, 120);
  cr_assert_gt(si.sack_freq, 1);
  o.v.paddrparams.sackdelay = UNDEF;
  o.v.paddrparams.flags = UNDEF;
  o = get1(p.cli, o);
  cr_assert_eq(o.v.paddrparams.sackdelay, 120);
  cr_assert(o.v.paddrparams.flags & GSCTP_SPP_SACKDELAY_ENABLE);

  /* sackdelay_disable: a SACK for every packet. */
  o.v.paddrparams = (gsctp_paddrparams)GSCTP_PADDRPARAMS_INIT;
  o.v.paddrparams.assoc_id = p.cli_up.assoc_id;
  o.v.paddrparams.flags = GSCTP_SPP_SACKDELAY_DISABLE;
  set1(p.cli, o);
  len = sizeof(si);
  cr_assert_eq(usr_getopt(p.cli, IPPROTO_SCTP, SCTP_DELAYED_SACK, &si, &len),
               0);
  cr_assert_eq(si.sack_freq, 1);
  memset(&d, 0, sizeof(d));
  d.name = GSCTP_OPT_SCTP_DELAYED_ACK_TIME;
  d.v.assoc_value.assoc_id = p.cli_up.assoc_id;
  cr_assert_eq(get1(p.cli, d).v.assoc_value.assoc_value, 0);
  ts_pair_close(&p);
}

static uint32_t hb_sent(void) {
  struct sctpstat st;
  memset(&st, 0, sizeof(st));
  usrsctp_get_stat(&st);
  return st.sctps_sendheartbeat;
}

static uint32_t hb_acks(void) {
  struct sctpstat st;
  memset(&st, 0, sizeof(st));
  usrsctp_get_stat(&st);
  return st.sctps_recvheartbeatack;
}

/* Waits (bounded) until no heartbeat was sent for 500 ms. */
static void hb_quiet(void) {
  int64_t end = ts_now_ms() + TS_WAIT_MS;
  uint32_t n = hb_sent();
  int64_t since = ts_now_ms();

  while (ts_now_ms() < end && ts_now_ms() - since < 500) {
    ts_sleep_ms(20);
    if (hb_sent() != n) {
      n = hb_sent();
      since = ts_now_ms();
    }
  }
}

Test(opts_records, peer_addr_params_hb_demand_sends_a_heartbeat) {
  gsctp_opt o;
  uint32_t acks;
  int64_t end;
  ts_pair p;

  ts_pair_open(&p, GSCTP_FAMILY_INET, NULL, NULL, 0, NULL, 0);
  hb_quiet();
  acks = hb_acks();
  memset(&o, 0, sizeof(o));
  o.name = GSCTP_OPT_SCTP_PEER_ADDR_PARAMS;
  o.v.paddrparams = (gsctp_paddrparams)GSCTP_PADDRPARAMS_INIT;
  o.v.paddrparams.assoc_id = p.cli_up.assoc_id;
  o.v.paddrparams.address.ip = p.ip;
  o.v.paddrparams.address.port = p.srv_port;
  o.v.paddrparams.flags = GSCTP_SPP_HB_DEMAND;
  set1(p.cli, o);
  /* One HEARTBEAT goes out now and its ACK comes back (the default
   * interval is 30 s, so nothing else would send one). */
  end = ts_now_ms() + TS_WAIT_MS;
  while (hb_acks() == acks && ts_now_ms() < end) {
    ts_sleep_ms(10);
  }
  cr_assert_gt(hb_acks(), acks, "no HEARTBEAT-ACK after hb_demand");
  ts_pair_close(&p);
}

Test(opts_records, peer_addr_params_hbinterval_sets_the_heartbeat_rate) {
  gsctp_opt o;
  uint32_t n0, n;
  int64_t end;
  ts_pair p;

  ts_pair_open(&p, GSCTP_FAMILY_INET, NULL, NULL, 0, NULL, 0);
  hb_quiet();
  memset(&o, 0, sizeof(o));
  o.name = GSCTP_OPT_SCTP_PEER_ADDR_PARAMS;
  o.v.paddrparams = (gsctp_paddrparams)GSCTP_PADDRPARAMS_INIT;
  o.v.paddrparams.assoc_id = p.cli_up.assoc_id;
  o.v.paddrparams.hbinterval = 100;
  o.v.paddrparams.flags = GSCTP_SPP_HB_ENABLE;
  set1(p.cli, o);
  /* Interval 100 ms + RTO (>= 1 s): a heartbeat every ~1.1-1.6 s, where
   * the default (30 s) sends none in this window. */
  n0 = hb_sent();
  end = ts_now_ms() + 8000;
  do {
    ts_sleep_ms(50);
    n = hb_sent();
  } while (n - n0 < 2 && ts_now_ms() < end);
  cr_assert_geq(n - n0, 2, "%u heartbeats in 8 s with hbinterval 100", n - n0);
  ts_pair_close(&p);
}

/* ------------------------------------------------------------------ */
/* sctp_delayed_ack_time                                               */
/* ------------------------------------------------------------------ */

Test(opts_records, delayed_ack_time_reaches_usrsctp) {
  gsctp_opt o;
  struct sctp_sack_info si;
  socklen_t len = sizeof(si);
  gsctp_sock s = ts_open(GSCTP_FAMILY_INET, NULL, NULL, 0);

  memset(&o, 0, sizeof(o));
  o.name = GSCTP_OPT_SCTP_DELAYED_ACK_TIME;
  o.v.assoc_value = (gsctp_assoc_value)GSCTP_ASSOC_VALUE_INIT;
  o.v.assoc_value.assoc_value = 350;
  set1(s, o);
  memset(&si, 0, sizeof(si));
  cr_assert_eq(usr_getopt(s, IPPROTO_SCTP, SCTP_DELAYED_SACK, &si, &len), 0);
  cr_assert_eq(si.sack_delay, 350);
  cr_assert_eq(get1(s, o).v.assoc_value.assoc_value, 350);
  /* 0: off, then a new value turns it back on. */
  o.v.assoc_value.assoc_value = 0;
  set1(s, o);
  cr_assert_eq(get1(s, o).v.assoc_value.assoc_value, 0);
  o.v.assoc_value.assoc_value = 100;
  set1(s, o);
  cr_assert_eq(get1(s, o).v.assoc_value.assoc_value, 100);
  len = sizeof(si);
  cr_assert_eq(usr_getopt(s, IPPROTO_SCTP, SCTP_DELAYED_SACK, &si, &len), 0);
  cr_assert_eq(si.sack_freq, 2);
  gsctp_close(s);
}

Test(opts_records, delayed_ack_time_is_inherited_by_new_associations) {
  gsctp_opt o;
  ts_pair p;

  memset(&o, 0, sizeof(o));
  o.name = GSCTP_OPT_SCTP_DELAYED_ACK_TIME;
  o.v.assoc_value = (gsctp_assoc_value)GSCTP_ASSOC_VALUE_INIT;
  o.v.assoc_value.assoc_value = 40;
  ts_pair_open(&p, GSCTP_FAMILY_INET, NULL, &o, 1, NULL, 0);
  o.v.assoc_value.assoc_id = p.cli_up.assoc_id;
  o.v.assoc_value.assoc_value = UNDEF;
  cr_assert_eq(get1(p.cli, o).v.assoc_value.assoc_value, 40);
  ts_pair_close(&p);
}

/* ------------------------------------------------------------------ */
/* sctp_associnfo                                                      */
/* ------------------------------------------------------------------ */

Test(opts_records, associnfo_reaches_usrsctp_and_the_association) {
  gsctp_opt o;
  struct sctp_assocparams ap;
  socklen_t len = sizeof(ap);
  ts_pair p;

  memset(&o, 0, sizeof(o));
  o.name = GSCTP_OPT_SCTP_ASSOCINFO;
  o.v.assocparams = (gsctp_assocparams)GSCTP_ASSOCPARAMS_INIT;
  o.v.assocparams.asocmaxrxt = 4;
  o.v.assocparams.cookie_life = 30000;
  ts_pair_open(&p, GSCTP_FAMILY_INET, NULL, &o, 1, NULL, 0);
  memset(&ap, 0, sizeof(ap));
  ap.sasoc_assoc_id = p.cli_up.assoc_id;
  cr_assert_eq(usr_getopt(p.cli, IPPROTO_SCTP, SCTP_ASSOCINFO, &ap, &len), 0);
  cr_assert_eq(ap.sasoc_asocmaxrxt, 4);
  cr_assert_eq(ap.sasoc_number_peer_destinations, 1);
  cr_assert_gt(ap.sasoc_peer_rwnd, 0);

  o.v.assocparams = (gsctp_assocparams)GSCTP_ASSOCPARAMS_INIT;
  o.v.assocparams.assoc_id = p.cli_up.assoc_id;
  o = get1(p.cli, o);
  cr_assert_eq(o.v.assocparams.asocmaxrxt, 4);
  cr_assert_eq(o.v.assocparams.number_peer_destinations, 1);
  cr_assert_gt(o.v.assocparams.peer_rwnd, 0);
  cr_assert_gt(o.v.assocparams.local_rwnd, 0);

  /* Changed on the live association. */
  o.v.assocparams = (gsctp_assocparams)GSCTP_ASSOCPARAMS_INIT;
  o.v.assocparams.assoc_id = p.cli_up.assoc_id;
  o.v.assocparams.asocmaxrxt = 6;
  set1(p.cli, o);
  o.v.assocparams.asocmaxrxt = UNDEF;
  cr_assert_eq(get1(p.cli, o).v.assocparams.asocmaxrxt, 6);
  ts_pair_close(&p);
}

/* ------------------------------------------------------------------ */
/* sctp_primary_addr, sctp_set_peer_primary_addr                        */
/* ------------------------------------------------------------------ */

Test(opts_records, primary_addr_set_and_read) {
  gsctp_opt o;
  size_t n = 9;
  ts_pair p;

  ts_pair_open(&p, GSCTP_FAMILY_INET, NULL, NULL, 0, NULL, 0);
  memset(&o, 0, sizeof(o));
  o.name = GSCTP_OPT_SCTP_PRIMARY_ADDR;
  o.v.prim.assoc_id = p.cli_up.assoc_id;
  o.v.prim.addr.ip = p.ip;
  o.v.prim.addr.port = p.srv_port;
  set1(p.cli, o);
  memset(&o.v.prim.addr, 0, sizeof(o.v.prim.addr));
  o = get1(p.cli, o);
  cr_assert(ts_addr_is(&o.v.prim.addr, &p.ip, p.srv_port));
  /* An address that is not one of the peer's. */
  o.v.prim.addr.ip = gsctp_ip_v4(127, 0, 0, 99);
  cr_assert_neq(gsctp_setopts(p.cli, &o, 1), 0);
  /* No association: the read fails and is left out. */
  o.v.prim.assoc_id = 0x7ffffff0;
  cr_assert_eq(gsctp_getopts(p.cli, &o, 1, &n), 0);
  cr_assert_eq(n, 0);
  ts_pair_close(&p);
}

Test(opts_records, set_peer_primary_addr_is_sent_or_refused_honestly) {
  gsctp_opt o;
  int rc;
  size_t n = 9;
  ts_pair p;

  ts_pair_open(&p, GSCTP_FAMILY_INET, NULL, NULL, 0, NULL, 0);
  memset(&o, 0, sizeof(o));
  o.name = GSCTP_OPT_SCTP_SET_PEER_PRIMARY_ADDR;
  o.v.setpeerprim.assoc_id = p.cli_up.assoc_id;
  o.v.setpeerprim.addr.ip = p.ip;
  o.v.setpeerprim.addr.port = p.cli_port;
  rc = gsctp_setopts(p.cli, &o, 1);
  /* usrsctp sends an ASCONF (needs the peer's ASCONF+AUTH support, which
   * a usrsctp peer has): 0.  Any refusal must be a real error code. */
  cr_assert(rc == 0 || rc < 0);
  cr_assert_eq(rc, 0, "set_peer_primary_addr: %s %s", gsctp_err_name(rc),
               gsctp_error_detail());
  /* Set only: getopts leaves it out. */
  cr_assert_eq(gsctp_getopts(p.cli, &o, 1, &n), 0);
  cr_assert_eq(n, 0);
  /* A foreign address is refused by usrsctp. */
  o.v.setpeerprim.addr.ip = gsctp_ip_v4(192, 0, 2, 1);
  cr_assert_lt(gsctp_setopts(p.cli, &o, 1), 0);
  ts_pair_close(&p);
}

/* ------------------------------------------------------------------ */
/* sctp_adaptation_layer                                               */
/* ------------------------------------------------------------------ */

Test(opts_records, adaptation_layer_reaches_the_peer_as_an_event) {
  gsctp_opt co[2], so;
  gsctp_item item;
  int rc;
  ts_pair p;

  memset(co, 0, sizeof(co));
  co[0].name = GSCTP_OPT_SCTP_ADAPTATION_LAYER;
  co[0].v.setadaptation.adaptation_ind = 0x1234;
  co[1].name = GSCTP_OPT_SCTP_EVENTS;
  co[1].v.events = (gsctp_event_subscribe)GSCTP_EVENT_SUBSCRIBE_INIT;
  co[1].v.events.adaptation_layer_event = 1;
  so = co[1];
  ts_pair_open(&p, GSCTP_FAMILY_INET, NULL, co, 2, &so, 1);
  cr_assert_eq(get1(p.cli, co[0]).v.setadaptation.adaptation_ind, 0x1234);
  /* The server subscribed and gets the client's indication. */
  rc = ts_recv_event(p.srv, GSCTP_EV_ADAPTATION, -1, TS_WAIT_MS, &item, NULL);
  cr_assert_eq(rc, 0, "no adaptation event: %s", gsctp_err_name(rc));
  cr_assert_eq(item.event.u.adaptation.adaptation_ind, 0x1234);
  cr_assert_eq(item.event.u.adaptation.assoc_id, p.srv_up.assoc_id);
  gsctp_item_free(&item);
  ts_pair_close(&p);
}

Test(opts_records, adaptation_event_not_delivered_when_unsubscribed) {
  gsctp_opt co;
  gsctp_item item;
  int rc;
  ts_pair p;

  memset(&co, 0, sizeof(co));
  co.name = GSCTP_OPT_SCTP_ADAPTATION_LAYER;
  co.v.setadaptation.adaptation_ind = 77;
  ts_pair_open(&p, GSCTP_FAMILY_INET, NULL, &co, 1, NULL, 0);
  /* Default subscription: no adaptation event.  Data sent after the
   * handshake arrives first. */
  cr_assert_eq(gsctp_send(p.cli, p.cli_up.assoc_id, 0, "a", 1), 0);
  rc = ts_recv_next(p.srv, TS_WAIT_MS, &item);
  cr_assert_eq(rc, 0);
  cr_assert_eq(item.is_event, 0, "got %s instead of data",
               gsctp_event_type_name(item.event.type));
  gsctp_item_free(&item);
  ts_pair_close(&p);
}

/* ------------------------------------------------------------------ */
/* sctp_events                                                         */
/* ------------------------------------------------------------------ */

Test(opts_records, events_subscription_turns_events_off_and_on) {
  gsctp_opt o;
  gsctp_item item;
  int rc;
  ts_pair p;

  ts_pair_open(&p, GSCTP_FAMILY_INET, NULL, NULL, 0, NULL, 0);
  /* Off: data_io and shutdown events. */
  memset(&o, 0, sizeof(o));
  o.name = GSCTP_OPT_SCTP_EVENTS;
  o.v.events = (gsctp_event_subscribe)GSCTP_EVENT_SUBSCRIBE_INIT;
  o.v.events.data_io_event = 0;
  o.v.events.shutdown_event = 0;
  set1(p.srv, o);
  cr_assert_eq(gsctp_send(p.cli, p.cli_up.assoc_id, 2, "q", 1), 0);
  ts_recv_data(p.srv, TS_WAIT_MS, &item);
  cr_assert_eq(item.has_anc, 0, "data_io_event off still gives anc data");
  gsctp_item_free(&item);
  /* Client eof: server gets shutdown_comp but no shutdown_event. */
  cr_assert_eq(gsctp_eof(p.cli, &p.cli_up), 0);
  rc = ts_recv_next(p.srv, TS_WAIT_MS, &item);
  cr_assert_eq(rc, 0);
  cr_assert(item.is_event);
  cr_assert_eq(item.event.type, GSCTP_EV_ASSOC_CHANGE, "got %s",
               gsctp_event_type_name(item.event.type));
  cr_assert_eq(item.event.u.assoc_change.state, GSCTP_SHUTDOWN_COMP);
  gsctp_item_free(&item);
  ts_pair_close(&p);
}

Test(opts_records, events_with_data_io_on_give_sndrcvinfo) {
  gsctp_item item;
  ts_pair p;

  ts_pair_open(&p, GSCTP_FAMILY_INET, NULL, NULL, 0, NULL, 0);
  cr_assert_eq(gsctp_send(p.cli, p.cli_up.assoc_id, 2, "q", 1), 0);
  ts_recv_data(p.srv, TS_WAIT_MS, &item);
  cr_assert_eq(item.has_anc, 1);
  cr_assert_eq(item.anc.stream, 2);
  gsctp_item_free(&item);
  ts_pair_close(&p);
}

/* ------------------------------------------------------------------ */
/* sctp_default_send_param: endpoint, association, inheritance          */
/* ------------------------------------------------------------------ */

static gsctp_opt dsp(int64_t assoc_id, int64_t ppid, int64_t stream) {
  gsctp_opt o;
  memset(&o, 0, sizeof(o));
  o.name = GSCTP_OPT_SCTP_DEFAULT_SEND_PARAM;
  o.v.sndrcvinfo = (gsctp_sndrcvinfo)GSCTP_SNDRCVINFO_INIT;
  o.v.sndrcvinfo.assoc_id = assoc_id;
  o.v.sndrcvinfo.ppid = ppid;
  o.v.sndrcvinfo.stream = stream;
  return o;
}

Test(opts_records, default_send_param_endpoint_and_association_levels) {
  gsctp_opt o = dsp(UNDEF, 17, 1);
  gsctp_item item;
  ts_pair p;

  /* Endpoint ppid 17 before the association: inherited by it. */
  ts_pair_open(&p, GSCTP_FAMILY_INET, NULL, &o, 1, NULL, 0);
  o = get1(p.cli, dsp(p.cli_up.assoc_id, UNDEF, UNDEF));
  cr_assert_eq(o.v.sndrcvinfo.ppid, 17, "association inherited ppid %lld",
               (long long)o.v.sndrcvinfo.ppid);
  cr_assert_eq(gsctp_send(p.cli, p.cli_up.assoc_id, 0, "x", 1), 0);
  ts_recv_data(p.srv, TS_WAIT_MS, &item);
  cr_assert_eq(item.anc.ppid, 17, "ppid on the wire %lld",
               (long long)item.anc.ppid);
  gsctp_item_free(&item);

  /* Association level ppid 19: only that association. */
  set1(p.cli, dsp(p.cli_up.assoc_id, 19, 3));
  cr_assert_eq(
    get1(p.cli, dsp(p.cli_up.assoc_id, UNDEF, UNDEF)).v.sndrcvinfo.ppid, 19);
  cr_assert_eq(get1(p.cli, dsp(0, UNDEF, UNDEF)).v.sndrcvinfo.ppid, 17);
  cr_assert_eq(gsctp_send(p.cli, p.cli_up.assoc_id, 0, "y", 1), 0);
  ts_recv_data(p.srv, TS_WAIT_MS, &item);
  cr_assert_eq(item.anc.ppid, 19);
  gsctp_item_free(&item);

  /* send_sri with the record itself puts stream and ppid on the wire. */
  {
    gsctp_sndrcvinfo sri = gsctp_sndrcvinfo_default();
    sri.assoc_id = p.cli_up.assoc_id;
    sri.ppid = 23;
    sri.stream = 3;
    cr_assert_eq(gsctp_send_sri(p.cli, &sri, "z", 1), 0);
    ts_recv_data(p.srv, TS_WAIT_MS, &item);
    cr_assert_eq(item.anc.ppid, 23);
    cr_assert_eq(item.anc.stream, 3);
    gsctp_item_free(&item);
  }
  ts_pair_close(&p);
}

/* ------------------------------------------------------------------ */
/* sctp_autoclose, sctp_maxseg, sctp_nodelay, sctp_disable_fragments    */
/* ------------------------------------------------------------------ */

Test(opts_records, autoclose_shuts_an_idle_association_down) {
  gsctp_opt o = {.name = GSCTP_OPT_SCTP_AUTOCLOSE, .v.i = 1};
  gsctp_item item;
  int64_t t0;
  int rc;
  ts_pair p;

  ts_pair_open(&p, GSCTP_FAMILY_INET, NULL, &o, 1, NULL, 0);
  t0 = ts_now_ms();
  /* The client shuts the idle association down by itself: the server
   * gets the peer's shutdown, then shutdown_comp. */
  rc = ts_recv_event(p.srv, GSCTP_EV_SHUTDOWN, -1, TS_WAIT_MS, &item, NULL);
  cr_assert_eq(rc, 0, "no shutdown event: %s", gsctp_err_name(rc));
  gsctp_item_free(&item);
  cr_assert_geq(ts_now_ms() - t0, 500);
  rc = ts_recv_event(p.srv, GSCTP_EV_ASSOC_CHANGE, GSCTP_SHUTDOWN_COMP,
                     TS_WAIT_MS, &item, NULL);
  cr_assert_eq(rc, 0);
  gsctp_item_free(&item);
  rc = ts_recv_event(p.cli, GSCTP_EV_ASSOC_CHANGE, GSCTP_SHUTDOWN_COMP,
                     TS_WAIT_MS, &item, NULL);
  cr_assert_eq(rc, 0);
  gsctp_item_free(&item);
  ts_pair_close(&p);
}

Test(opts_records, no_autoclose_keeps_the_association) {
  gsctp_item item;
  ts_pair p;

  ts_pair_open(&p, GSCTP_FAMILY_INET, NULL, NULL, 0, NULL, 0);
  cr_assert_eq(ts_recv_next(p.srv, 2500, &item), GSCTP_ETIMEOUT);
  cr_assert_eq(status_of(p.cli, p.cli_up.assoc_id).state,
               GSCTP_STATE_ESTABLISHED);
  ts_pair_close(&p);
}

Test(opts_records, maxseg_lowers_the_fragmentation_point) {
  gsctp_opt o = {.name = GSCTP_OPT_SCTP_MAXSEG, .v.i = 400};
  gsctp_status st;
  gsctp_item item;
  uint8_t buf[2000];
  ts_pair p;

  ts_pair_open(&p, GSCTP_FAMILY_INET, NULL, &o, 1, NULL, 0);
  st = status_of(p.cli, p.cli_up.assoc_id);
  cr_assert_leq(st.fragmentation_point, 400, "fragmentation point %u",
                st.fragmentation_point);
  cr_assert_gt(status_of(p.srv, p.srv_up.assoc_id).fragmentation_point, 400);
  ts_fill(buf, sizeof(buf), 9);
  cr_assert_eq(gsctp_send(p.cli, p.cli_up.assoc_id, 0, buf, sizeof(buf)), 0);
  ts_recv_data(p.srv, TS_WAIT_MS, &item);
  cr_assert_eq(item.datalen, sizeof(buf));
  gsctp_item_free(&item);
  ts_pair_close(&p);
}

Test(opts_records, disable_fragments_refuses_a_message_over_the_mtu) {
  gsctp_opt o = {.name = GSCTP_OPT_SCTP_DISABLE_FRAGMENTS, .v.i = 1};
  static uint8_t buf[4000];
  gsctp_item item;
  ts_pair p;

  ts_pair_open(&p, GSCTP_FAMILY_INET, NULL, &o, 1, NULL, 0);
  cr_assert_eq(get1(p.cli, o).v.i, 1);
  cr_assert_eq(gsctp_send(p.cli, p.cli_up.assoc_id, 0, buf, sizeof(buf)),
               GSCTP_EMSGSIZE);
  cr_assert_eq(gsctp_send(p.cli, p.cli_up.assoc_id, 0, buf, 500), 0);
  ts_recv_data(p.srv, TS_WAIT_MS, &item);
  cr_assert_eq(item.datalen, 500);
  gsctp_item_free(&item);
  /* Turned off again: the big message goes, fragmented. */
  o.v.i = 0;
  set1(p.cli, o);
  cr_assert_eq(gsctp_send(p.cli, p.cli_up.assoc_id, 0, buf, sizeof(buf)), 0);
  ts_recv_data(p.srv, TS_WAIT_MS, &item);
  cr_assert_eq(item.datalen, sizeof(buf));
  gsctp_item_free(&item);
  ts_pair_close(&p);
}

Test(opts_records, nodelay_reaches_usrsctp) {
  gsctp_opt o = {.name = GSCTP_OPT_SCTP_NODELAY, .v.i = 1};
  gsctp_sock s = ts_open(GSCTP_FAMILY_INET, NULL, NULL, 0);
  int v = -1;
  socklen_t len = sizeof(v);

  cr_assert_eq(usr_getopt(s, IPPROTO_SCTP, SCTP_NODELAY, &v, &len), 0);
  cr_assert_eq(v, 0);
  set1(s, o);
  len = sizeof(v);
  cr_assert_eq(usr_getopt(s, IPPROTO_SCTP, SCTP_NODELAY, &v, &len), 0);
  cr_assert_neq(v, 0);
  cr_assert_eq(get1(s, o).v.i, 1);
  gsctp_close(s);
}

/* ------------------------------------------------------------------ */
/* associnfo.asocmaxrxt + rtoinfo: how fast a dead peer is given up     */
/* ------------------------------------------------------------------ */

Test(opts_records, asocmaxrxt_and_rtoinfo_bound_the_time_to_comm_lost) {
  gsctp_link *link = NULL;
  gsctp_ip ip;
  gsctp_opt co[2];
  gsctp_item item;
  gsctp_stack_stats st0, st1;
  int64_t t0;
  int rc;
  ts_pair p;

  cr_assert_eq(gsctp_link_new_memory(&link), 0);
  ip = gsctp_ip_conn(link);
  memset(co, 0, sizeof(co));
  co[0].name = GSCTP_OPT_SCTP_RTOINFO;
  co[0].v.rtoinfo = (gsctp_rtoinfo)GSCTP_RTOINFO_INIT;
  co[0].v.rtoinfo.initial = 100;
  co[0].v.rtoinfo.min = 100;
  co[0].v.rtoinfo.max = 200;
  co[1].name = GSCTP_OPT_SCTP_ASSOCINFO;
  co[1].v.assocparams = (gsctp_assocparams)GSCTP_ASSOCPARAMS_INIT;
  co[1].v.assocparams.asocmaxrxt = 2;
  ts_pair_open(&p, GSCTP_FAMILY_CONN, &ip, co, 2, NULL, 0);
  /* The peer goes silent: every packet on the link is lost. */
  cr_assert_eq(gsctp_link_set_loss(link, 1), 0);
  cr_assert_eq(gsctp_stack_get_stats(&st0), 0);
  t0 = ts_now_ms();
  cr_assert_eq(gsctp_send(p.cli, p.cli_up.assoc_id, 0, "lost", 4), 0);
  /* 2 retransmissions at 100-200 ms: comm_lost well within seconds,
   * where usrsctp's defaults (10 retransmissions, RTO up to 60 s) would
   * take minutes. */
  rc = ts_recv_event(p.cli, GSCTP_EV_ASSOC_CHANGE, GSCTP_COMM_LOST, TS_WAIT_MS,
                     &item, NULL);
  cr_assert_eq(rc, 0, "no comm_lost: %s", gsctp_err_name(rc));
  cr_assert_lt(ts_now_ms() - t0, TS_WAIT_MS);
  gsctp_item_free(&item);
  /* The count, not the clock: at most asocmaxrxt + 1 timeouts. */
  cr_assert_eq(gsctp_stack_get_stats(&st1), 0);
  cr_assert_geq(st1.retransmits - st0.retransmits, 1);
  cr_assert_leq(st1.retransmits - st0.retransmits, 3,
                "%llu retransmissions with asocmaxrxt 2",
                (unsigned long long)(st1.retransmits - st0.retransmits));
  ts_pair_close(&p);
  gsctp_link_del(link);
}

Test(opts_records, pathmaxrxt_marks_a_silent_path_unreachable) {
  gsctp_link *link = NULL;
  gsctp_ip ip;
  gsctp_opt co[2];
  gsctp_item item;
  int rc, i, unreachable = 0;
  ts_pair p;

  cr_assert_eq(gsctp_link_new_memory(&link), 0);
  ip = gsctp_ip_conn(link);
  memset(co, 0, sizeof(co));
  co[0].name = GSCTP_OPT_SCTP_RTOINFO;
  co[0].v.rtoinfo = (gsctp_rtoinfo)GSCTP_RTOINFO_INIT;
  co[0].v.rtoinfo.initial = 100;
  co[0].v.rtoinfo.min = 100;
  co[0].v.rtoinfo.max = 200;
  co[1].name = GSCTP_OPT_SCTP_PEER_ADDR_PARAMS;
  co[1].v.paddrparams = (gsctp_paddrparams)GSCTP_PADDRPARAMS_INIT;
  co[1].v.paddrparams.pathmaxrxt = 1;
  ts_pair_open(&p, GSCTP_FAMILY_CONN, &ip, co, 2, NULL, 0);
  cr_assert_eq(gsctp_link_set_loss(link, 1), 0);
  cr_assert_eq(gsctp_send(p.cli, p.cli_up.assoc_id, 0, "lost", 4), 0);
  /* After pathmaxrxt (1) timeouts the only path is unreachable, long
   * before the association's 10 retransmissions end it. */
  for (i = 0; i < 10 && !unreachable; ++i) {
    rc =
      ts_recv_event(p.cli, GSCTP_EV_PADDR_CHANGE, -1, TS_WAIT_MS, &item, NULL);
    cr_assert_eq(rc, 0, "no paddr_change: %s", gsctp_err_name(rc));
    unreachable = item.event.u.paddr_change.state == GSCTP_ADDR_UNREACHABLE;
    gsctp_item_free(&item);
  }
  cr_assert(unreachable, "no addr_unreachable among 10 paddr_change events");
  cr_assert_eq(status_of(p.cli, p.cli_up.assoc_id).primary.state,
               GSCTP_PADDR_INACTIVE);
  ts_pair_close(&p);
  gsctp_link_del(link);
}
