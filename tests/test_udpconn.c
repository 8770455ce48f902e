/*
 * tests/test_udpconn.c - the udp_conn transport (GSCTP_TRANSPORT_UDP_CONN):
 * SCTP over UDP sockets gsctp owns, through usrsctp AF_CONN
 * (stack/udplink.c, frontend/transport.c).
 *
 * Two sockets of one process, each on its own ephemeral UDP port on
 * 127.0.0.1 or ::1: associations, data, addresses (the real IPs), events,
 * one-to-many with several clients, the forged datagrams that break
 * usrsctp 0.9.5's own UDP input (test_usrsctp_bugs.c) now dropped and
 * counted, handles freed when unused, and interworking with the native
 * `udp` transport.
 */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "gsctp/gsctp.h"
#include "transport.h"
#include "tsupport.h"
#include "udplink.h"

/* ---- helpers ---- */

static gsctp_opt opt_i(int name, int64_t v) {
  return ts_opt_i(name, v);
}

/* Opens a udp_conn socket on |ip| (loopback of |family| if NULL), UDP
 * port 0 (ephemeral), with remote UDP port |rport| (0: leave default). */
static gsctp_sock open_uc(int family, int rport, const gsctp_opt *extra,
                          size_t nextra) {
  gsctp_opt opts[16];
  size_t n = 0, i;
  gsctp_sock s = 0;
  int rc;

  cr_assert_leq(nextra, 10);
  opts[n++] = opt_i(GSCTP_OPT_TRANSPORT, GSCTP_TRANSPORT_UDP_CONN);
  opts[n++] = opt_i(GSCTP_OPT_FAMILY, family);
  opts[n++] = ts_opt_ip(gsctp_ip_loopback(family));
  opts[n++] = opt_i(GSCTP_OPT_UDP_PORT, 0);
  if (rport > 0) {
    opts[n++] = opt_i(GSCTP_OPT_UDP_REMOTE_PORT, rport);
  }
  for (i = 0; i < nextra; ++i) {
    opts[n++] = extra[i];
  }
  rc = gsctp_open(&s, opts, n);
  cr_assert_eq(rc, 0, "gsctp_open(udp_conn): %d (%s) %s", rc,
               gsctp_err_name(rc), gsctp_error_detail());
  return s;
}

static int udp_port_of(gsctp_sock s) {
  gsctp_opt o;
  size_t nread = 0;
  int rc;

  memset(&o, 0, sizeof(o));
  o.name = GSCTP_OPT_UDP_PORT;
  rc = gsctp_getopts(s, &o, 1, &nread);
  cr_assert_eq(rc, 0);
  cr_assert_eq(nread, 1);
  cr_assert_gt(o.v.i, 0);
  cr_assert_leq(o.v.i, 65535);
  return (int)o.v.i;
}

static gsctp_stack_stats stats(void) {
  gsctp_stack_stats st;

  cr_assert_eq(gsctp_stack_get_stats(&st), 0);
  return st;
}

typedef struct uc_pair {
  int family;
  gsctp_sock srv, cli;
  int srv_udp, cli_udp;
  uint16_t srv_port, cli_port;
  gsctp_assoc_change cli_up, srv_up;
  gsctp_addr srv_up_from; /* where the server's comm_up came from */
} uc_pair;

static void uc_pair_open(uc_pair *p, int family) {
  gsctp_item it;
  int rc;

  memset(p, 0, sizeof(*p));
  p->family = family;
  p->srv = open_uc(family, 0, NULL, 0);
  cr_assert_eq(gsctp_listen(p->srv, GSCTP_LISTEN_TRUE), 0);
  p->srv_udp = udp_port_of(p->srv);
  p->cli = open_uc(family, p->srv_udp, NULL, 0);
  p->cli_udp = udp_port_of(p->cli);
  cr_assert_neq(p->srv_udp, p->cli_udp);
  p->srv_port = (uint16_t)gsctp_port(p->srv);
  p->cli_port = (uint16_t)gsctp_port(p->cli);
  cr_assert_gt(p->srv_port, 0);
  cr_assert_gt(p->cli_port, 0);

  {
    gsctp_ip ip = gsctp_ip_loopback(family);
    rc =
      gsctp_connect(p->cli, &ip, p->srv_port, NULL, 0, TS_WAIT_MS, &p->cli_up);
  }
  cr_assert_eq(rc, 0, "connect over udp_conn: %d (%s)", rc, gsctp_err_name(rc));
  cr_assert_eq(p->cli_up.state, GSCTP_COMM_UP);
  rc = ts_recv_event(p->srv, GSCTP_EV_ASSOC_CHANGE, GSCTP_COMM_UP, TS_WAIT_MS,
                     &it, NULL);
  cr_assert_eq(rc, 0, "server comm_up: %d (%s)", rc, gsctp_err_name(rc));
  p->srv_up = it.event.u.assoc_change;
  p->srv_up_from = it.from;
  gsctp_item_free(&it);
  cr_assert_neq(p->srv_up.assoc_id, 0);
}

static void uc_pair_close(uc_pair *p) {
  if (p->cli != 0) {
    gsctp_close(p->cli);
  }
  if (p->srv != 0) {
    gsctp_close(p->srv);
  }
}

/* Sends |len| bytes (pattern |seed|) and checks they arrive whole. */
static void roundtrip(gsctp_sock from, uint32_t assoc, gsctp_sock to,
                      size_t len, uint32_t seed, gsctp_addr *pfrom) {
  uint8_t *msg = malloc(len ? len : 1);
  gsctp_item it;
  size_t bad;
  int rc;

  cr_assert_not_null(msg);
  ts_fill(msg, len, seed);
  rc = gsctp_send(from, assoc, 0, msg, len);
  free(msg);
  cr_assert_eq(rc, 0, "send %zu bytes: %d (%s)", len, rc, gsctp_err_name(rc));
  ts_recv_data(to, 6 * TS_WAIT_MS, &it);
  bad = it.datalen == len ? ts_check(it.data, len, seed) : 0;
  if (pfrom != NULL) {
    *pfrom = it.from;
  }
  {
    size_t got = it.datalen;
    gsctp_item_free(&it);
    cr_assert_eq(got, len, "received %zu bytes, sent %zu", got, len);
    cr_assert_eq(bad, len, "payload differs at byte %zu", bad);
  }
}

static int is_ip(const gsctp_addr *a, int family, uint16_t port) {
  gsctp_ip lo = gsctp_ip_loopback(family);

  return ts_addr_is(a, &lo, port);
}

/* ---- basics, both families ---- */

static void basic(int family) {
  uc_pair p;
  gsctp_addr a[4], from;
  size_t n = 0;
  char buf[64];
  gsctp_opt o;
  size_t nread = 0;

  if (family == GSCTP_FAMILY_INET6 && !ts_have_ipv6_loopback()) {
    cr_skip_test("no IPv6 loopback");
  }
  ts_stack_start();
  uc_pair_open(&p, family);

  /* The server's comm_up came from the client's real address. */
  cr_assert(is_ip(&p.srv_up_from, family, p.cli_port), "comm_up from %s",
            ts_addr_str(&p.srv_up_from, buf, sizeof(buf)));

  roundtrip(p.cli, p.cli_up.assoc_id, p.srv, 1000, 1, &from);
  cr_assert(is_ip(&from, family, p.cli_port), "data from %s",
            ts_addr_str(&from, buf, sizeof(buf)));
  roundtrip(p.srv, p.srv_up.assoc_id, p.cli, 1000, 2, &from);
  cr_assert(is_ip(&from, family, p.srv_port), "data from %s",
            ts_addr_str(&from, buf, sizeof(buf)));

  cr_assert_eq(gsctp_peernames(p.cli, p.cli_up.assoc_id, a, 4, &n), 0);
  cr_assert_eq(n, 1);
  cr_assert(is_ip(&a[0], family, p.srv_port), "client peername %s",
            ts_addr_str(&a[0], buf, sizeof(buf)));
  cr_assert_eq(gsctp_peernames(p.srv, p.srv_up.assoc_id, a, 4, &n), 0);
  cr_assert_eq(n, 1);
  cr_assert(is_ip(&a[0], family, p.cli_port), "server peername %s",
            ts_addr_str(&a[0], buf, sizeof(buf)));
  cr_assert_eq(gsctp_socknames(p.cli, 0, a, 4, &n), 0);
  cr_assert_eq(n, 1);
  cr_assert(is_ip(&a[0], family, p.cli_port), "client sockname %s",
            ts_addr_str(&a[0], buf, sizeof(buf)));
  cr_assert_eq(gsctp_socknames(p.srv, p.srv_up.assoc_id, a, 4, &n), 0);
  cr_assert(is_ip(&a[0], family, p.srv_port), "server sockname %s",
            ts_addr_str(&a[0], buf, sizeof(buf)));

  memset(&o, 0, sizeof(o));
  o.name = GSCTP_OPT_TRANSPORT;
  cr_assert_eq(gsctp_getopts(p.cli, &o, 1, &nread), 0);
  cr_assert_eq(nread, 1);
  cr_assert_eq(o.v.i, GSCTP_TRANSPORT_UDP_CONN);

  /* sctp_status's primary address is the real one too. */
  memset(&o, 0, sizeof(o));
  o.name = GSCTP_OPT_SCTP_STATUS;
  o.v.status.assoc_id = p.cli_up.assoc_id;
  cr_assert_eq(gsctp_getopts(p.cli, &o, 1, &nread), 0);
  cr_assert_eq(nread, 1);
  cr_assert(is_ip(&o.v.status.primary.address, family, p.srv_port),
            "status primary %s",
            ts_addr_str(&o.v.status.primary.address, buf, sizeof(buf)));

  uc_pair_close(&p);
}

Test(udpconn, basic_ipv4) {
  basic(GSCTP_FAMILY_INET);
}

Test(udpconn, basic_ipv6) {
  basic(GSCTP_FAMILY_INET6);
}

Test(udpconn, native_socket_reports_transport_udp) {
  gsctp_sock s;
  gsctp_opt o;
  size_t nread = 0;

  ts_stack_start();
  s = ts_open(GSCTP_FAMILY_INET, NULL, NULL, 0);
  memset(&o, 0, sizeof(o));
  o.name = GSCTP_OPT_TRANSPORT;
  cr_assert_eq(gsctp_getopts(s, &o, 1, &nread), 0);
  cr_assert_eq(nread, 1);
  cr_assert_eq(o.v.i, GSCTP_TRANSPORT_UDP);
  gsctp_close(s);
}

Test(udpconn, bad_open_options) {
  gsctp_opt opts[4];
  gsctp_sock s = 0;
  gsctp_ip a = gsctp_ip_loopback(GSCTP_FAMILY_INET);
  gsctp_ip b = gsctp_ip_v4(127, 0, 0, 2);

  ts_stack_start();
  opts[0] = opt_i(GSCTP_OPT_TRANSPORT, 7);
  cr_assert_eq(gsctp_open(&s, opts, 1), GSCTP_EBADARG);
  opts[0] = opt_i(GSCTP_OPT_TRANSPORT, GSCTP_TRANSPORT_UDP_CONN);
  opts[1] = ts_opt_ip(a);
  opts[2] = ts_opt_ip(b);
  opts[3] = opt_i(GSCTP_OPT_UDP_PORT, 0);
  cr_assert_eq(gsctp_open(&s, opts, 4), GSCTP_EBADARG,
               "two local addresses need the udp transport");
  opts[1] = opt_i(GSCTP_OPT_FAMILY, GSCTP_FAMILY_CONN);
  cr_assert_eq(gsctp_open(&s, opts, 2), GSCTP_EBADARG);
  /* transport is open-only. */
  s = open_uc(GSCTP_FAMILY_INET, 0, NULL, 0);
  opts[0] = opt_i(GSCTP_OPT_TRANSPORT, GSCTP_TRANSPORT_UDP);
  cr_assert_eq(gsctp_setopts(s, opts, 1), GSCTP_EINVAL);
  gsctp_close(s);
}

Test(udpconn, udp_port_taken_is_eaddrinuse) {
  gsctp_opt opts[3];
  gsctp_sock s = 0;
  uint16_t port = 0;
  int fd;

  ts_stack_start();
  fd = ts_udp_open(GSCTP_FAMILY_INET, &port);
  cr_assert_geq(fd, 0);
  opts[0] = opt_i(GSCTP_OPT_TRANSPORT, GSCTP_TRANSPORT_UDP_CONN);
  opts[1] = ts_opt_ip(gsctp_ip_loopback(GSCTP_FAMILY_INET));
  opts[2] = opt_i(GSCTP_OPT_UDP_PORT, port);
  cr_assert_eq(gsctp_open(&s, opts, 3), GSCTP_EADDRINUSE);
  close(fd);
}

/* Two sockets asking for the same fixed UDP port share one UDP socket. */
Test(udpconn, same_udp_port_is_shared) {
  gsctp_opt opts[3];
  gsctp_sock a = 0, b = 0;
  int port = ts_free_udp_port();
  gsctp_stack_stats before, after;

  ts_stack_start();
  cr_assert_gt(port, 0);
  before = stats();
  opts[0] = opt_i(GSCTP_OPT_TRANSPORT, GSCTP_TRANSPORT_UDP_CONN);
  opts[1] = ts_opt_ip(gsctp_ip_loopback(GSCTP_FAMILY_INET));
  opts[2] = opt_i(GSCTP_OPT_UDP_PORT, port);
  cr_assert_eq(gsctp_open(&a, opts, 3), 0);
  cr_assert_eq(gsctp_open(&b, opts, 3), 0);
  after = stats();
  cr_assert_eq(after.udpconn_endpoints, before.udpconn_endpoints + 1);
  cr_assert_eq(udp_port_of(a), port);
  cr_assert_eq(udp_port_of(b), port);
  gsctp_close(a);
  gsctp_close(b);
}

/* ---- data ---- */

Test(udpconn, many_messages_in_order) {
  uc_pair p;
  enum { N = 3000, LEN = 1024 };
  uint8_t msg[LEN];
  int i;

  ts_stack_start();
  uc_pair_open(&p, GSCTP_FAMILY_INET);
  for (i = 0; i < N; ++i) {
    gsctp_item it;
    int rc;

    ts_fill(msg, LEN, (uint32_t)i);
    rc = gsctp_send(p.cli, p.cli_up.assoc_id, 0, msg, LEN);
    cr_assert_eq(rc, 0, "send %d: %s", i, gsctp_err_name(rc));
    /* Read as we go: the receive window stays open. */
    if (i % 64 == 63) {
      int k;
      for (k = i - 63; k <= i; ++k) {
        ts_recv_data(p.srv, 6 * TS_WAIT_MS, &it);
        cr_assert_eq(it.datalen, (size_t)LEN);
        cr_assert_eq(ts_check(it.data, LEN, (uint32_t)k), (size_t)LEN,
                     "message %d differs", k);
        gsctp_item_free(&it);
      }
    }
  }
  for (i = N - N % 64; i < N; ++i) {
    gsctp_item it;
    ts_recv_data(p.srv, 6 * TS_WAIT_MS, &it);
    cr_assert_eq(ts_check(it.data, LEN, (uint32_t)i), (size_t)LEN);
    gsctp_item_free(&it);
  }
  uc_pair_close(&p);
}

Test(udpconn, large_fragmented_messages_both_ways) {
  uc_pair p;

  ts_stack_start();
  uc_pair_open(&p, GSCTP_FAMILY_INET);
  roundtrip(p.cli, p.cli_up.assoc_id, p.srv, 200000, 7, NULL);
  roundtrip(p.srv, p.srv_up.assoc_id, p.cli, 200000, 8, NULL);
  roundtrip(p.cli, p.cli_up.assoc_id, p.srv, 1 << 20, 9, NULL);
  roundtrip(p.srv, p.srv_up.assoc_id, p.cli, 1 << 20, 10, NULL);
  uc_pair_close(&p);
}

/* ---- shutdown and abort ---- */

Test(udpconn, graceful_shutdown_events) {
  uc_pair p;
  gsctp_item it;
  int rc;

  ts_stack_start();
  uc_pair_open(&p, GSCTP_FAMILY_INET);
  roundtrip(p.cli, p.cli_up.assoc_id, p.srv, 100, 3, NULL);
  cr_assert_eq(gsctp_eof(p.cli, &p.cli_up), 0);
  rc = ts_recv_event(p.srv, GSCTP_EV_SHUTDOWN, -1, TS_WAIT_MS, &it, NULL);
  cr_assert_eq(rc, 0, "server sctp_shutdown_event: %s", gsctp_err_name(rc));
  cr_assert(is_ip(&it.from, GSCTP_FAMILY_INET, p.cli_port));
  gsctp_item_free(&it);
  rc = ts_recv_event(p.srv, GSCTP_EV_ASSOC_CHANGE, GSCTP_SHUTDOWN_COMP,
                     TS_WAIT_MS, &it, NULL);
  cr_assert_eq(rc, 0, "server shutdown_comp: %s", gsctp_err_name(rc));
  gsctp_item_free(&it);
  rc = ts_recv_event(p.cli, GSCTP_EV_ASSOC_CHANGE, GSCTP_SHUTDOWN_COMP,
                     TS_WAIT_MS, &it, NULL);
  cr_assert_eq(rc, 0, "client shutdown_comp: %s", gsctp_err_name(rc));
  cr_assert(is_ip(&it.from, GSCTP_FAMILY_INET, p.srv_port));
  gsctp_item_free(&it);
  uc_pair_close(&p);
}

Test(udpconn, abort_gives_comm_lost_both_sides) {
  uc_pair p;
  gsctp_item it;
  int rc;

  ts_stack_start();
  uc_pair_open(&p, GSCTP_FAMILY_INET);
  cr_assert_eq(gsctp_abort(p.srv, &p.srv_up), 0);
  rc = ts_recv_event(p.cli, GSCTP_EV_ASSOC_CHANGE, GSCTP_COMM_LOST, TS_WAIT_MS,
                     &it, NULL);
  cr_assert_eq(rc, 0, "client comm_lost: %s", gsctp_err_name(rc));
  cr_assert(is_ip(&it.from, GSCTP_FAMILY_INET, p.srv_port));
  gsctp_item_free(&it);
  rc = ts_recv_event(p.srv, GSCTP_EV_ASSOC_CHANGE, GSCTP_COMM_LOST, TS_WAIT_MS,
                     &it, NULL);
  cr_assert_eq(rc, 0, "server comm_lost: %s", gsctp_err_name(rc));
  gsctp_item_free(&it);
  uc_pair_close(&p);
}

/* An INIT to a port nobody listens on is answered with an ABORT, so the
 * connect fails at once with cant_assoc rather than timing out. */
Test(udpconn, connect_to_non_listening_port_is_cant_assoc) {
  gsctp_sock srv, cli;
  gsctp_assoc_change ac;
  gsctp_ip lo = gsctp_ip_loopback(GSCTP_FAMILY_INET);
  gsctp_stack_stats before, after;
  int64_t t0;
  int rc;

  ts_stack_start();
  srv = open_uc(GSCTP_FAMILY_INET, 0, NULL, 0); /* not listening */
  cli = open_uc(GSCTP_FAMILY_INET, udp_port_of(srv), NULL, 0);
  before = stats();
  t0 = ts_now_ms();
  rc = gsctp_connect(cli, &lo, gsctp_port(srv), NULL, 0, TS_WAIT_MS, &ac);
  after = stats();
  cr_assert_eq(rc, GSCTP_EASSOC, "connect: %d (%s)", rc, gsctp_err_name(rc));
  cr_assert_eq(ac.state, GSCTP_CANT_ASSOC);
  cr_assert_lt(ts_now_ms() - t0, TS_WAIT_MS);
  cr_assert_geq(after.udpconn_no_listener, before.udpconn_no_listener + 1);
  gsctp_close(cli);
  gsctp_close(srv);
}

/* ---- one-to-many ---- */

Test(udpconn, one_to_many_server_several_clients) {
  enum { NCLI = 4 };
  gsctp_sock srv, cli[NCLI];
  gsctp_assoc_change up[NCLI];
  uint16_t cport[NCLI];
  uint32_t srv_assoc[NCLI];
  gsctp_ip lo = gsctp_ip_loopback(GSCTP_FAMILY_INET);
  int srv_udp, i, k, seen = 0;

  ts_stack_start();
  srv = open_uc(GSCTP_FAMILY_INET, 0, NULL, 0);
  cr_assert_eq(gsctp_listen(srv, GSCTP_LISTEN_TRUE), 0);
  srv_udp = udp_port_of(srv);
  for (i = 0; i < NCLI; ++i) {
    int rc;
    cli[i] = open_uc(GSCTP_FAMILY_INET, srv_udp, NULL, 0);
    for (k = 0; k < i; ++k) {
      cr_assert_neq(udp_port_of(cli[i]), udp_port_of(cli[k]));
    }
    cport[i] = (uint16_t)gsctp_port(cli[i]);
    rc =
      gsctp_connect(cli[i], &lo, gsctp_port(srv), NULL, 0, TS_WAIT_MS, &up[i]);
    cr_assert_eq(rc, 0, "client %d connect: %s", i, gsctp_err_name(rc));
    srv_assoc[i] = 0;
  }
  /* Each client says who it is; the server learns each association
   * from its comm_up (sent from the client's real address). */
  for (i = 0; i < NCLI; ++i) {
    uint8_t m = (uint8_t)i;
    cr_assert_eq(gsctp_send(cli[i], up[i].assoc_id, 0, &m, 1), 0);
  }
  for (k = 0; k < 10000 && seen < 2 * NCLI; ++k) {
    gsctp_item it;
    int rc = ts_recv_next(srv, TS_WAIT_MS, &it);

    cr_assert_eq(rc, 0, "server recv: %s", gsctp_err_name(rc));
    if (it.is_event && it.event.type == GSCTP_EV_ASSOC_CHANGE &&
        it.event.u.assoc_change.state == GSCTP_COMM_UP) {
      for (i = 0; i < NCLI; ++i) {
        if (is_ip(&it.from, GSCTP_FAMILY_INET, cport[i])) {
          srv_assoc[i] = it.event.u.assoc_change.assoc_id;
          seen++;
        }
      }
    } else if (!it.is_event) {
      cr_assert_eq(it.datalen, 1);
      i = it.data[0];
      cr_assert_lt(i, NCLI);
      cr_assert(is_ip(&it.from, GSCTP_FAMILY_INET, cport[i]),
                "client %d's message came from port %u", i, it.from.port);
      seen++;
    }
    gsctp_item_free(&it);
  }
  cr_assert_eq(seen, 2 * NCLI);
  for (i = 0; i < NCLI; ++i) {
    gsctp_addr pa[2];
    size_t n = 0;
    uint8_t r = (uint8_t)(100 + i);
    gsctp_item it;

    cr_assert_neq(srv_assoc[i], 0);
    cr_assert_eq(gsctp_peernames(srv, srv_assoc[i], pa, 2, &n), 0);
    cr_assert_eq(n, 1);
    cr_assert(is_ip(&pa[0], GSCTP_FAMILY_INET, cport[i]));
    cr_assert_eq(gsctp_send(srv, srv_assoc[i], 0, &r, 1), 0);
    ts_recv_data(cli[i], TS_WAIT_MS, &it);
    cr_assert_eq(it.datalen, 1);
    cr_assert_eq(it.data[0], r, "client %d got the answer for %d", i,
                 it.data[0] - 100);
    gsctp_item_free(&it);
  }
  for (i = 0; i < NCLI; ++i) {
    gsctp_close(cli[i]);
  }
  gsctp_close(srv);
}
