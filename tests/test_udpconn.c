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
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/udp.h>
#include <pthread.h>
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
  /* usrsctp confirms the peer's address after comm_up
   * (sctp_paddr_change): its address is the real one too. */
  {
    gsctp_item it;
    int rc =
      ts_recv_event(p.srv, GSCTP_EV_PADDR_CHANGE, -1, TS_WAIT_MS, &it, NULL);
    cr_assert_eq(rc, 0, "server paddr_change: %s", gsctp_err_name(rc));
    a[0] = it.event.u.paddr_change.addr;
    from = it.from;
    gsctp_item_free(&it);
    cr_assert(is_ip(&a[0], family, p.cli_port), "paddr_change addr %s",
              ts_addr_str(&a[0], buf, sizeof(buf)));
    cr_assert(is_ip(&from, family, p.cli_port), "paddr_change from %s",
              ts_addr_str(&from, buf, sizeof(buf)));
  }

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

static int64_t buf_opt(gsctp_sock s, int name) {
  gsctp_opt o;
  size_t nread = 0;

  memset(&o, 0, sizeof(o));
  o.name = name;
  cr_assert_eq(gsctp_getopts(s, &o, 1, &nread), 0);
  cr_assert_eq(nread, 1);
  return o.v.i;
}

/* udp_conn sockets start with 1 MiB buffers (frontend/sock.c,
 * udp_conn_buffers); options given at open win; native sockets keep
 * usrsctp's defaults. */
Test(udpconn, buffers_default_to_1mib_and_open_options_override) {
  gsctp_opt extra[2];
  gsctp_sock s;

  ts_stack_start();
  s = open_uc(GSCTP_FAMILY_INET, 0, NULL, 0);
  cr_assert_eq(buf_opt(s, GSCTP_OPT_SNDBUF), 1 << 20);
  cr_assert_eq(buf_opt(s, GSCTP_OPT_RECBUF), 1 << 20);
  gsctp_close(s);

  extra[0] = opt_i(GSCTP_OPT_SNDBUF, 100000);
  extra[1] = opt_i(GSCTP_OPT_RECBUF, 65536);
  s = open_uc(GSCTP_FAMILY_INET, 0, extra, 2);
  cr_assert_eq(buf_opt(s, GSCTP_OPT_SNDBUF), 100000);
  cr_assert_eq(buf_opt(s, GSCTP_OPT_RECBUF), 65536);
  gsctp_close(s);

  s = ts_open(GSCTP_FAMILY_INET, NULL, NULL, 0);
  cr_assert_lt(buf_opt(s, GSCTP_OPT_SNDBUF), 1 << 20);
  cr_assert_lt(buf_opt(s, GSCTP_OPT_RECBUF), 1 << 20);
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

/* Many associations through one pair of UDP ports (every client shares
 * one fixed UDP port, as sockets on 9899 would): one handle on each side
 * carries them all, and each keeps its own verification tags. */
Test(udpconn, many_associations_share_one_udp_port_pair) {
  enum { NCLI = 40 };
  gsctp_sock srv, cli[NCLI];
  gsctp_assoc_change up[NCLI];
  gsctp_ip lo = gsctp_ip_loopback(GSCTP_FAMILY_INET);
  gsctp_opt o[2];
  gsctp_stack_stats base, now;
  int cport = ts_free_udp_port(), i, got = 0, k;

  ts_stack_start();
  cr_assert_gt(cport, 0);
  srv = open_uc(GSCTP_FAMILY_INET, 0, NULL, 0);
  cr_assert_eq(gsctp_listen(srv, GSCTP_LISTEN_TRUE), 0);
  base = stats();
  o[0] = opt_i(GSCTP_OPT_UDP_PORT, cport);
  o[1] = opt_i(GSCTP_OPT_UDP_REMOTE_PORT, udp_port_of(srv));
  for (i = 0; i < NCLI; ++i) {
    gsctp_opt q[5];
    gsctp_sock s = 0;
    int rc;

    q[0] = opt_i(GSCTP_OPT_TRANSPORT, GSCTP_TRANSPORT_UDP_CONN);
    q[1] = ts_opt_ip(lo);
    q[2] = o[0];
    q[3] = o[1];
    cr_assert_eq(gsctp_open(&s, q, 4), 0);
    cli[i] = s;
    rc = gsctp_connect(s, &lo, gsctp_port(srv), NULL, 0, TS_WAIT_MS, &up[i]);
    cr_assert_eq(rc, 0, "client %d: %s", i, gsctp_err_name(rc));
  }
  now = stats();
  cr_assert_eq(now.udpconn_handles, base.udpconn_handles + 2,
               "one handle per side for all %d associations", NCLI);
  for (i = 0; i < NCLI; ++i) {
    uint8_t m = (uint8_t)i;
    cr_assert_eq(gsctp_send(cli[i], up[i].assoc_id, 0, &m, 1), 0);
  }
  for (k = 0; k < 10000 && got < NCLI; ++k) {
    gsctp_item it;
    int rc = ts_recv_next(srv, TS_WAIT_MS, &it);

    cr_assert_eq(rc, 0, "server recv after %d messages: %s", got,
                 gsctp_err_name(rc));
    if (!it.is_event) {
      got++;
    }
    gsctp_item_free(&it);
  }
  cr_assert_eq(got, NCLI);
  now = stats();
  cr_assert_eq(now.udpconn_drop_vtag, base.udpconn_drop_vtag);
  for (i = 0; i < NCLI; ++i) {
    gsctp_close(cli[i]);
  }
  gsctp_close(srv);
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

/* ---- forged datagrams (the usrsctp 0.9.5 bugs of test_usrsctp_bugs.c) ---- */

enum {
  F_WRONG_CRC_DATA = 0,
  F_WRONG_VTAG_DATA,
  F_WRONG_VTAG_ABORT,
  F_WRONG_VTAG_ABORT_T,
  F_WRONG_VTAG_SHUTDOWN,
  F_WRONG_VTAG_HEARTBEAT,
  F_COOKIE_ECHO_VTAG0,
  F_INIT,
  F_INIT_ZERO_OS,
  F_INIT_ZERO_MIS,
  F_INIT_CHUNK_LIST_WITHOUT_AUTH,
  F_INIT_PARAM_LENGTH_0,
  F_INIT_PARAM_LENGTH_FFFF,
  F__COUNT
};

static const char *const f_names[] = {
  "DATA with a wrong CRC32c",
  "DATA with a wrong verification tag",
  "ABORT with a wrong verification tag",
  "ABORT (T bit) with a wrong verification tag",
  "SHUTDOWN with a wrong verification tag",
  "HEARTBEAT with a wrong verification tag",
  "COOKIE-ECHO with tag 0 and a random cookie",
  "INIT (well-formed)",
  "INIT with 0 outbound streams",
  "INIT with 0 inbound streams",
  "INIT with a chunk list parameter but no AUTH",
  "INIT with a parameter of length 0",
  "INIT with a parameter of length 0xFFFF",
};

static void common_header(uint8_t *pkt, uint16_t sport, uint16_t dport,
                          uint32_t vtag) {
  ts_put16(pkt, sport);
  ts_put16(pkt + 2, dport);
  ts_put32(pkt + 4, vtag);
  memset(pkt + 8, 0, 4);
}

/* The same packets as test_badinput.c's build_one: server -> client
 * ports, aimed at the association. */
static size_t build_forged(int kind, uint8_t *pkt, uint16_t sport,
                           uint16_t dport) {
  uint32_t wrong = 0x5EC7A9u;
  size_t len = 0;

  memset(pkt, 0, 128);
  switch (kind) {
  case F_WRONG_CRC_DATA:
  case F_WRONG_VTAG_DATA:
    common_header(pkt, sport, dport, wrong);
    pkt[12] = 0;
    pkt[13] = 3;
    ts_put16(pkt + 14, 20);
    ts_put32(pkt + 16, 12345);
    len = 32;
    break;
  case F_WRONG_VTAG_ABORT:
  case F_WRONG_VTAG_ABORT_T:
    common_header(pkt, sport, dport, wrong);
    pkt[12] = 6;
    pkt[13] = kind == F_WRONG_VTAG_ABORT_T ? 1 : 0;
    ts_put16(pkt + 14, 4);
    len = 16;
    break;
  case F_WRONG_VTAG_SHUTDOWN:
    common_header(pkt, sport, dport, wrong);
    pkt[12] = 7;
    ts_put16(pkt + 14, 8);
    ts_put32(pkt + 16, 12345);
    len = 20;
    break;
  case F_WRONG_VTAG_HEARTBEAT:
    common_header(pkt, sport, dport, wrong);
    pkt[12] = 4;
    ts_put16(pkt + 14, 12);
    ts_put16(pkt + 16, 1);
    ts_put16(pkt + 18, 8);
    len = 24;
    break;
  case F_COOKIE_ECHO_VTAG0:
    common_header(pkt, sport, dport, 0);
    pkt[12] = 10;
    ts_put16(pkt + 14, 4 + 64);
    ts_fill(pkt + 16, 64, 5);
    len = 16 + 64;
    break;
  default:
    len = ts_sctp_build_init(pkt, sport, dport, 0x7A7A7A7Au, 777);
    if (kind == F_INIT_ZERO_OS) {
      ts_put16(pkt + 24, 0);
    } else if (kind == F_INIT_ZERO_MIS) {
      ts_put16(pkt + 26, 0);
    } else if (kind == F_INIT_CHUNK_LIST_WITHOUT_AUTH) {
      ts_put16(pkt + 32, 0x8003);
      ts_put16(pkt + 34, 5);
      pkt[36] = 0xC1;
      len = 40;
    } else if (kind == F_INIT_PARAM_LENGTH_0) {
      ts_put16(pkt + 32, 0x000C);
      ts_put16(pkt + 34, 0);
      len = 40;
    } else if (kind == F_INIT_PARAM_LENGTH_FFFF) {
      ts_put16(pkt + 32, 0x0005);
      ts_put16(pkt + 34, 0xFFFF);
      ts_put32(pkt + 36, 0x7F000001u);
      len = 40;
    }
    ts_put16(pkt + 14, (uint16_t)(len - 12));
    break;
  }
  ts_sctp_set_checksum(pkt, len);
  if (kind == F_WRONG_CRC_DATA) {
    pkt[8] ^= 0x01;
  }
  return len;
}

/* Sum of the drop counters (every way a datagram can be refused). */
static uint64_t drops(const gsctp_stack_stats *st) {
  return st->udpconn_drop_checksum + st->udpconn_drop_malformed +
         st->udpconn_drop_init + st->udpconn_drop_vtag +
         st->udpconn_drop_unknown + st->udpconn_no_listener +
         st->udpconn_drop_limit;
}

/* The counter a forged datagram must land in. */
static uint64_t counter_for(int kind, int from_peer,
                            const gsctp_stack_stats *st) {
  switch (kind) {
  case F_WRONG_CRC_DATA:
    return st->udpconn_drop_checksum;
  case F_COOKIE_ECHO_VTAG0:
    return st->udpconn_drop_malformed; /* tag 0 outside an INIT */
  case F_INIT:
    /* From the peer's own address it is a legitimate INIT in the
     * ESTABLISHED state (RFC 9260 5.2.2): the client answers with an
     * INIT-ACK whose tag the server never handed out, which the server
     * side drops.  From a stranger nobody listens: ABORT. */
    return from_peer ? st->udpconn_drop_vtag : st->udpconn_no_listener;
  case F_INIT_ZERO_OS:
  case F_INIT_ZERO_MIS:
  case F_INIT_CHUNK_LIST_WITHOUT_AUTH:
  case F_INIT_PARAM_LENGTH_0:
  case F_INIT_PARAM_LENGTH_FFFF:
    return st->udpconn_drop_init;
  default:
    return from_peer ? st->udpconn_drop_vtag : st->udpconn_drop_unknown;
  }
}

/* Drains |s| without waiting; anything but paddr_change fails. */
static void expect_nothing_happened(gsctp_sock s, const char *who) {
  int i;

  for (i = 0; i < 1000; ++i) {
    gsctp_item it;
    char buf[256];
    int rc = gsctp_recv(s, 0, &it);

    if (rc == GSCTP_ETIMEOUT) {
      return;
    }
    cr_assert(rc == 0 || rc == GSCTP_ESCTP_ERROR, "%s: recv %s", who,
              gsctp_err_name(rc));
    if (it.is_event && it.event.type == GSCTP_EV_PADDR_CHANGE) {
      gsctp_item_free(&it);
      continue;
    }
    ts_item_str(&it, buf, sizeof(buf));
    gsctp_item_free(&it);
    cr_assert_fail("%s received %s after the forged datagram", who, buf);
  }
}

static int send_from(int fd, int dst_udp, const uint8_t *pkt, size_t len) {
  struct sockaddr_in to;

  memset(&to, 0, sizeof(to));
  to.sin_family = AF_INET;
  to.sin_port = htons((uint16_t)dst_udp);
  to.sin_addr.s_addr = htonl(0x7F000001u);
  return sendto(fd, pkt, len, 0, (struct sockaddr *)&to, sizeof(to)) ==
             (ssize_t)len
           ? 0
           : -1;
}

static void forged_test(int kind, int from_peer) {
  uc_pair p;
  gsctp_stack_stats before, now;
  uint8_t pkt[128];
  size_t len;
  int fd, stranger = -1, i;
  uint16_t sport = 0;
  uint64_t want;

  ts_stack_start();
  uc_pair_open(&p, GSCTP_FAMILY_INET);
  roundtrip(p.cli, p.cli_up.assoc_id, p.srv, 100, 1, NULL);
  roundtrip(p.srv, p.srv_up.assoc_id, p.cli, 100, 2, NULL);

  if (from_peer) {
    /* From the server's own UDP address: what an attacker who can spoof
     * the peer's source address sends. */
    fd = gsctp_transport_udp_fd(p.srv);
    cr_assert_geq(fd, 0);
  } else {
    stranger = ts_udp_open(GSCTP_FAMILY_INET, &sport);
    cr_assert_geq(stranger, 0);
    fd = stranger;
  }
  len = build_forged(kind, pkt, p.srv_port, p.cli_port);
  before = stats();
  cr_assert_eq(send_from(fd, p.cli_udp, pkt, len), 0);
  want = counter_for(kind, from_peer, &before) + 1;
  now = before;
  for (i = 0; i < 5000 && counter_for(kind, from_peer, &now) < want; ++i) {
    ts_sleep_ms(2);
    now = stats();
  }
  cr_log_info("%s from %s: datagrams_in +%llu, drops +%llu", f_names[kind],
              from_peer ? "the peer's address" : "a stranger",
              (unsigned long long)(now.udpconn_datagrams_in -
                                   before.udpconn_datagrams_in),
              (unsigned long long)(drops(&now) - drops(&before)));
  cr_assert_geq(counter_for(kind, from_peer, &now), want,
                "%s from %s was not dropped and counted", f_names[kind],
                from_peer ? "the peer's address" : "a stranger");

  /* The association survives and keeps working, and noticed nothing. */
  roundtrip(p.cli, p.cli_up.assoc_id, p.srv, 500, 21, NULL);
  roundtrip(p.srv, p.srv_up.assoc_id, p.cli, 500, 22, NULL);
  roundtrip(p.cli, p.cli_up.assoc_id, p.srv, 200000, 23, NULL);
  expect_nothing_happened(p.cli, "client");
  expect_nothing_happened(p.srv, "server");
  now = stats();
  cr_assert_eq(now.udpconn_port_moves, before.udpconn_port_moves,
               "the forged datagram moved a remote port");
  if (stranger >= 0) {
    /* Nothing of the association's was sent to the stranger. */
    uint8_t got[2048];
    ssize_t n;
    while ((n = ts_udp_recv(stranger, got, sizeof(got), 0, NULL)) > 0) {
      cr_assert(kind == F_INIT && n == 16 && got[12] == 6,
                "the stranger received %zd bytes (chunk %u)", n, got[12]);
    }
    close(stranger);
  }
  uc_pair_close(&p);
}

ParameterizedTestParameters(udpconn, forged_datagram_is_dropped) {
  static int cases[2 * F__COUNT];
  int i;

  for (i = 0; i < 2 * F__COUNT; ++i) {
    cases[i] = i;
  }
  return cr_make_param_array(int, cases, 2 * F__COUNT);
}

/* Each forged datagram of test_usrsctp_bugs.c, from the peer's own UDP
 * address (case even) and from a stranger's (odd). */
ParameterizedTest(int *pcase, udpconn, forged_datagram_is_dropped) {
  forged_test(*pcase / 2, *pcase % 2 == 0);
}

/* Random garbage at both ends of an association, from the peer's own
 * address and from a stranger: all of it read, dropped and counted, and
 * the association is untouched. */
Test(udpconn, garbage_flood_is_dropped) {
  uc_pair p;
  gsctp_stack_stats before, now;
  uint8_t pkt[600];
  uint64_t rng = 0x9E3779B97F4A7C15ull;
  uint16_t sport;
  int stranger, peer_fd, i, sent = 0;

  ts_stack_start();
  uc_pair_open(&p, GSCTP_FAMILY_INET);
  stranger = ts_udp_open(GSCTP_FAMILY_INET, &sport);
  cr_assert_geq(stranger, 0);
  peer_fd = gsctp_transport_udp_fd(p.srv);
  before = stats();
  for (i = 0; i < 3000; ++i) {
    size_t len, k;
    int fd = (i % 3 == 0) ? stranger : peer_fd;
    int dst = (i % 2 == 0) ? p.cli_udp : p.srv_udp;

    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    len = 12 + (size_t)(rng % 500);
    for (k = 0; k < len; ++k) {
      pkt[k] = (uint8_t)(rng >> (8 * (k % 8))) ^ (uint8_t)k;
    }
    if (i % 4 != 0) {
      /* The association's ports, and a plausible chunk layout. */
      ts_put16(pkt, dst == p.cli_udp ? p.srv_port : p.cli_port);
      ts_put16(pkt + 2, dst == p.cli_udp ? p.cli_port : p.srv_port);
      if (len >= 16) {
        ts_put16(pkt + 14, (uint16_t)(len - 12));
        pkt[12] = (uint8_t)(rng % 16);
      }
      if (i % 8 == 1 && len >= 32) {
        len = build_forged((int)(rng % F__COUNT), pkt,
                           dst == p.cli_udp ? p.srv_port : p.cli_port,
                           dst == p.cli_udp ? p.cli_port : p.srv_port);
      }
      if (i % 2 == 1) {
        ts_sctp_set_checksum(pkt, len);
      }
    }
    if (send_from(fd, dst, pkt, len) == 0) {
      sent++;
    }
    if (i % 100 == 99) {
      ts_sleep_ms(1); /* pace: no loss in the kernel */
    }
  }
  now = stats();
  for (i = 0;
       i < 5000 &&
       now.udpconn_datagrams_in - before.udpconn_datagrams_in < (uint64_t)sent;
       ++i) {
    ts_sleep_ms(2);
    now = stats();
  }
  cr_log_info("garbage: %d sent, datagrams_in +%llu, drops +%llu", sent,
              (unsigned long long)(now.udpconn_datagrams_in -
                                   before.udpconn_datagrams_in),
              (unsigned long long)(drops(&now) - drops(&before)));
  cr_assert_geq(now.udpconn_datagrams_in - before.udpconn_datagrams_in,
                (uint64_t)sent);
  cr_assert_geq(drops(&now) - drops(&before), (uint64_t)sent * 9 / 10,
                "most garbage must be dropped before usrsctp");
  cr_assert_eq(now.udpconn_port_moves, before.udpconn_port_moves);
  roundtrip(p.cli, p.cli_up.assoc_id, p.srv, 1000, 31, NULL);
  roundtrip(p.srv, p.srv_up.assoc_id, p.cli, 1000, 32, NULL);
  roundtrip(p.cli, p.cli_up.assoc_id, p.srv, 200000, 33, NULL);
  expect_nothing_happened(p.cli, "client");
  expect_nothing_happened(p.srv, "server");
  close(stranger);
  uc_pair_close(&p);
}

/* ---- handle lifetime ---- */

/* Once no association uses a remote, its handle is freed, and the UDP
 * sockets close with their last user. */
Test(udpconn, unused_handles_and_endpoints_are_freed) {
  uc_pair p;
  gsctp_stack_stats base, now;
  uint64_t freed0;
  int i;

  ts_stack_start();
  gsctp_udplink_set_sweep_times(50, 300);
  base = stats();
  freed0 = gsctp_udplink_handles_freed();
  uc_pair_open(&p, GSCTP_FAMILY_INET);
  roundtrip(p.cli, p.cli_up.assoc_id, p.srv, 1000, 1, NULL);
  now = stats();
  cr_assert_eq(now.udpconn_handles, base.udpconn_handles + 2);
  cr_assert_eq(now.udpconn_endpoints, base.udpconn_endpoints + 2);
  /* While associations use them, handles stay, however idle. */
  ts_sleep_ms(800);
  now = stats();
  cr_assert_eq(now.udpconn_handles, base.udpconn_handles + 2,
               "a handle in use was freed");
  /* Receivers keep a handle's IP while this count stands still. */
  cr_assert_eq(gsctp_udplink_handles_freed(), freed0);
  roundtrip(p.srv, p.srv_up.assoc_id, p.cli, 1000, 2, NULL);
  uc_pair_close(&p);
  for (i = 0; i < 2000; ++i) {
    now = stats();
    if (now.udpconn_handles == base.udpconn_handles &&
        now.udpconn_endpoints == base.udpconn_endpoints) {
      break;
    }
    ts_sleep_ms(10);
  }
  cr_assert_eq(now.udpconn_handles, base.udpconn_handles);
  cr_assert_eq(now.udpconn_endpoints, base.udpconn_endpoints);
  cr_assert_geq(gsctp_udplink_handles_freed(), freed0 + 2,
                "freeing handles must move the count that invalidates "
                "receivers' cached sender IPs");
}

/* A one-to-one (stream) client over udp_conn: the sweep sees its
 * association too and keeps its handle. */
Test(udpconn, stream_client_handle_is_kept) {
  gsctp_sock srv, cli;
  gsctp_opt o = opt_i(GSCTP_OPT_TYPE, GSCTP_TYPE_STREAM);
  gsctp_ip lo = gsctp_ip_loopback(GSCTP_FAMILY_INET);
  gsctp_assoc_change up, sup;
  gsctp_stack_stats base, now;
  gsctp_item it;
  uint8_t b = 42;
  int rc;

  ts_stack_start();
  gsctp_udplink_set_sweep_times(50, 300);
  base = stats();
  srv = open_uc(GSCTP_FAMILY_INET, 0, NULL, 0);
  cr_assert_eq(gsctp_listen(srv, GSCTP_LISTEN_TRUE), 0);
  cli = open_uc(GSCTP_FAMILY_INET, udp_port_of(srv), &o, 1);
  rc = gsctp_connect(cli, &lo, gsctp_port(srv), NULL, 0, TS_WAIT_MS, &up);
  cr_assert_eq(rc, 0, "stream connect: %s", gsctp_err_name(rc));
  rc = ts_recv_event(srv, GSCTP_EV_ASSOC_CHANGE, GSCTP_COMM_UP, TS_WAIT_MS, &it,
                     NULL);
  cr_assert_eq(rc, 0);
  sup = it.event.u.assoc_change;
  gsctp_item_free(&it);
  ts_sleep_ms(800);
  now = stats();
  cr_assert_eq(now.udpconn_handles, base.udpconn_handles + 2,
               "a handle in use was freed");
  cr_assert_eq(gsctp_send(cli, up.assoc_id, 0, &b, 1), 0);
  ts_recv_data(srv, TS_WAIT_MS, &it);
  cr_assert_eq(it.datalen, 1);
  gsctp_item_free(&it);
  cr_assert_eq(gsctp_send(srv, sup.assoc_id, 0, &b, 1), 0);
  ts_recv_data(cli, TS_WAIT_MS, &it);
  cr_assert_eq(it.datalen, 1);
  gsctp_item_free(&it);
  gsctp_close(cli);
  gsctp_close(srv);
}

/* ---- interworking with the native transport ---- */

/* The two transports differ on the wire only in INIT's address
 * parameters: a native-transport socket and a udp_conn socket of the
 * same process associate over UDP either way round. */
static void interwork(int native_is_client) {
  gsctp_sock nat, uc, srv, cli;
  gsctp_assoc_change up;
  gsctp_ip lo = gsctp_ip_loopback(GSCTP_FAMILY_INET);
  gsctp_item it;
  gsctp_addr from;
  gsctp_opt o;
  int stack_udp, rc;

  stack_udp = ts_stack_start();
  uc = open_uc(GSCTP_FAMILY_INET, stack_udp, NULL, 0);
  o = opt_i(GSCTP_OPT_UDP_REMOTE_PORT, udp_port_of(uc));
  nat = ts_open(GSCTP_FAMILY_INET, NULL, &o, 1);
  srv = native_is_client ? uc : nat;
  cli = native_is_client ? nat : uc;
  cr_assert_eq(gsctp_listen(srv, GSCTP_LISTEN_TRUE), 0);
  rc = gsctp_connect(cli, &lo, gsctp_port(srv), NULL, 0, TS_WAIT_MS, &up);
  cr_assert_eq(rc, 0, "%s client -> %s server: %s",
               native_is_client ? "native" : "udp_conn",
               native_is_client ? "udp_conn" : "native", gsctp_err_name(rc));
  rc = ts_recv_event(srv, GSCTP_EV_ASSOC_CHANGE, GSCTP_COMM_UP, TS_WAIT_MS, &it,
                     NULL);
  cr_assert_eq(rc, 0);
  from = it.from;
  {
    uint32_t sid = it.event.u.assoc_change.assoc_id;
    gsctp_item_free(&it);
    cr_assert(is_ip(&from, GSCTP_FAMILY_INET, (uint16_t)gsctp_port(cli)));
    gsctp_addr pa[8];
    size_t n = 0;

    /* The udp_conn side has one path, to the real address, whatever the
     * native side's INIT listed. */
    cr_assert_eq(gsctp_peernames(uc, uc == srv ? sid : up.assoc_id, pa, 8, &n),
                 0);
    cr_assert_eq(n, 1, "udp_conn side has %zu peer addresses", n);
    cr_assert(is_ip(&pa[0], GSCTP_FAMILY_INET, (uint16_t)gsctp_port(nat)));
    roundtrip(cli, up.assoc_id, srv, 5000, 1, NULL);
    roundtrip(srv, sid, cli, 100000, 2, &from);
    cr_assert(is_ip(&from, GSCTP_FAMILY_INET, (uint16_t)gsctp_port(srv)));
  }
  cr_assert_eq(gsctp_eof(cli, &up), 0);
  rc = ts_recv_event(cli, GSCTP_EV_ASSOC_CHANGE, GSCTP_SHUTDOWN_COMP,
                     TS_WAIT_MS, &it, NULL);
  cr_assert_eq(rc, 0, "shutdown_comp: %s", gsctp_err_name(rc));
  gsctp_item_free(&it);
  gsctp_close(nat);
  gsctp_close(uc);
}

Test(udpconn, native_client_udpconn_server) {
  interwork(1);
}

Test(udpconn, udpconn_client_native_server) {
  interwork(0);
}

/* ---- capture hook ---- */

/* The hook installed before a test replaced it (the pcap tap). */
static gsctp_udplink_tap_fn prev_tap;

static pthread_mutex_t g_tap_mu = PTHREAD_MUTEX_INITIALIZER;
static long g_tap_out, g_tap_in, g_tap_bad;
static uint16_t g_tap_udp_a, g_tap_udp_b;

static void tap(int outbound, const struct sockaddr *local,
                const struct sockaddr *remote, const void *sctp, size_t len) {
  const struct sockaddr_in *l = (const struct sockaddr_in *)(const void *)local;
  const struct sockaddr_in *r =
    (const struct sockaddr_in *)(const void *)remote;
  uint16_t lp = ntohs(l->sin_port), rp = ntohs(r->sin_port);
  int ok = local->sa_family == AF_INET && remote->sa_family == AF_INET &&
           ntohl(l->sin_addr.s_addr) == 0x7F000001u &&
           ntohl(r->sin_addr.s_addr) == 0x7F000001u && len >= 16 &&
           ts_sctp_checksum_ok(sctp, len);

  pthread_mutex_lock(&g_tap_mu);
  ok = ok && ((lp == g_tap_udp_a && rp == g_tap_udp_b) ||
              (lp == g_tap_udp_b && rp == g_tap_udp_a));
  if (!ok) {
    g_tap_bad++;
  } else if (outbound) {
    g_tap_out++;
  } else {
    g_tap_in++;
  }
  pthread_mutex_unlock(&g_tap_mu);
}

/* The capture hook sees every packet both ways, with the real UDP
 * addresses and a valid CRC32c. */
Test(udpconn, tap_sees_every_packet_with_real_addresses) {
  uc_pair p;
  gsctp_stack_stats before, after;
  long out, in, bad;
  int i;

  ts_stack_start();
  uc_pair_open(&p, GSCTP_FAMILY_INET);
  pthread_mutex_lock(&g_tap_mu);
  g_tap_udp_a = (uint16_t)p.cli_udp;
  g_tap_udp_b = (uint16_t)p.srv_udp;
  pthread_mutex_unlock(&g_tap_mu);
  before = stats();
  prev_tap = gsctp_udplink_set_tap(tap);
  roundtrip(p.cli, p.cli_up.assoc_id, p.srv, 50000, 1, NULL);
  roundtrip(p.srv, p.srv_up.assoc_id, p.cli, 50000, 2, NULL);
  (void)gsctp_udplink_set_tap(prev_tap);
  pthread_mutex_lock(&g_tap_mu);
  out = g_tap_out;
  in = g_tap_in;
  bad = g_tap_bad;
  pthread_mutex_unlock(&g_tap_mu);
  /* Datagrams the receive thread queued are counted once sent. */
  after = stats();
  for (i = 0;
       i < 1000 && after.udpconn_datagrams_out - before.udpconn_datagrams_out <
                     (uint64_t)out;
       ++i) {
    ts_sleep_ms(5);
    after = stats();
  }
  cr_assert_eq(bad, 0);
  cr_assert_geq(out, 2 * 40, "50 kB each way is at least 40 DATA packets");
  cr_assert_geq(in, 2 * 40);
  cr_assert_leq((uint64_t)out,
                after.udpconn_datagrams_out - before.udpconn_datagrams_out);
  uc_pair_close(&p);
}

/* ---- stack shutdown ---- */

/* Shutdown with udp_conn associations up frees every handle and UDP
 * socket; after a restart the transport works again. */
Test(udpconn, stack_shutdown_frees_everything_and_restarts) {
  uc_pair p;
  gsctp_stack_stats st;
  int rc;

  ts_stack_start();
  uc_pair_open(&p, GSCTP_FAMILY_INET);
  roundtrip(p.cli, p.cli_up.assoc_id, p.srv, 1000, 1, NULL);
  rc = gsctp_stack_shutdown(20000);
  if (rc == GSCTP_EBUSY) {
    cr_skip_test("usrsctp_finish did not return (Debian 0.9.5, "
                 "docs/known-issues.md)");
  }
  cr_assert_eq(rc, 0, "shutdown: %s", gsctp_err_name(rc));
  /* The handles of the closed sockets are gone. */
  cr_assert_eq(gsctp_send(p.cli, p.cli_up.assoc_id, 0, "x", 1), GSCTP_ECLOSED);
  ts_stack_start();
  st = stats();
  cr_assert_eq(st.udpconn_handles, 0);
  cr_assert_eq(st.udpconn_endpoints, 0);
  uc_pair_open(&p, GSCTP_FAMILY_INET);
  roundtrip(p.cli, p.cli_up.assoc_id, p.srv, 1000, 2, NULL);
  roundtrip(p.srv, p.srv_up.assoc_id, p.cli, 1000, 3, NULL);
  uc_pair_close(&p);
}

/* ---- what goes on the wire ---- */

static pthread_mutex_t g_init_mu = PTHREAD_MUTEX_INITIALIZER;
static uint8_t g_init_pkt[2][2048]; /* [0] INIT, [1] INIT-ACK */
static size_t g_init_len[2];
static size_t g_max_out;

static void init_tap(int outbound, const struct sockaddr *local,
                     const struct sockaddr *remote, const void *sctp,
                     size_t len) {
  const uint8_t *p = sctp;

  (void)local;
  (void)remote;
  pthread_mutex_lock(&g_init_mu);
  if (outbound && len > g_max_out) {
    g_max_out = len;
  }
  if (outbound && len >= 32 && len <= sizeof(g_init_pkt[0]) &&
      (p[12] == 1 || p[12] == 2) && g_init_len[p[12] - 1] == 0) {
    memcpy(g_init_pkt[p[12] - 1], p, len);
    g_init_len[p[12] - 1] = len;
  }
  pthread_mutex_unlock(&g_init_mu);
}

/* The INIT and INIT-ACK a udp_conn socket sends carry no address
 * parameters and no Supported Address Types (which pion/sctp 1.8.6
 * rejects), and every parameter is well formed. */
Test(udpconn, init_carries_no_address_parameters) {
  uc_pair p;
  int k;

  ts_stack_start();
  prev_tap = gsctp_udplink_set_tap(init_tap);
  uc_pair_open(&p, GSCTP_FAMILY_INET);
  roundtrip(p.cli, p.cli_up.assoc_id, p.srv, 100000, 1, NULL);
  (void)gsctp_udplink_set_tap(prev_tap);
  pthread_mutex_lock(&g_init_mu);
  for (k = 0; k < 2; ++k) {
    const uint8_t *c = g_init_pkt[k] + 12;
    size_t clen = ts_get16(c + 2), off;

    cr_assert_gt(g_init_len[k], 0, "no %s seen", k ? "INIT-ACK" : "INIT");
    cr_assert_leq(12 + clen, g_init_len[k]);
    for (off = 20; off + 4 <= clen;) {
      uint16_t type = ts_get16(c + off), plen = ts_get16(c + off + 2);

      cr_assert_geq(plen, 4);
      cr_assert(type != 5 && type != 6 && type != 12,
                "%s carries parameter type %u", k ? "INIT-ACK" : "INIT", type);
      off += (plen + 3u) & ~3u;
    }
  }
  cr_log_info("largest udp_conn datagram sent: %zu bytes", g_max_out);
  pthread_mutex_unlock(&g_init_mu);
  uc_pair_close(&p);
}

/* ---- an endpoint bound to the wildcard ---- */

/* A server on 0.0.0.0 answers from the address the client sent to (here
 * 127.0.0.2, while the kernel would pick 127.0.0.1), so the client, which
 * only accepts its peer's address, gets the answers; socknames of the
 * association show that address. */
Test(udpconn, wildcard_server_answers_from_the_address_it_was_sent_to) {
  gsctp_opt opts[3];
  gsctp_sock srv = 0, cli;
  gsctp_ip two = gsctp_ip_v4(127, 0, 0, 2);
  gsctp_assoc_change up;
  gsctp_item it;
  gsctp_addr a;
  size_t n = 0;
  char buf[64];
  int rc;

  ts_stack_start();
  opts[0] = opt_i(GSCTP_OPT_TRANSPORT, GSCTP_TRANSPORT_UDP_CONN);
  opts[1] = opt_i(GSCTP_OPT_UDP_PORT, 0); /* no ip: the wildcard */
  cr_assert_eq(gsctp_open(&srv, opts, 2), 0);
  cr_assert_eq(gsctp_listen(srv, GSCTP_LISTEN_TRUE), 0);
  cr_assert_eq(gsctp_socknames(srv, 0, &a, 1, &n), 0);
  cr_assert_eq(a.ip.family, GSCTP_FAMILY_INET);
  cr_assert_eq(a.ip.u.v4[0], 0, "endpoint sockname %s",
               ts_addr_str(&a, buf, sizeof(buf)));
  cli = open_uc(GSCTP_FAMILY_INET, udp_port_of(srv), NULL, 0);
  rc = gsctp_connect(cli, &two, gsctp_port(srv), NULL, 0, TS_WAIT_MS, &up);
  cr_assert_eq(rc, 0, "connect to 127.0.0.2: %s", gsctp_err_name(rc));
  rc = ts_recv_event(srv, GSCTP_EV_ASSOC_CHANGE, GSCTP_COMM_UP, TS_WAIT_MS, &it,
                     NULL);
  cr_assert_eq(rc, 0);
  {
    uint32_t sid = it.event.u.assoc_change.assoc_id;
    gsctp_item_free(&it);
    cr_assert_eq(gsctp_socknames(srv, sid, &a, 1, &n), 0);
    cr_assert(ts_addr_is(&a, &two, (uint16_t)gsctp_port(srv)),
              "association sockname %s", ts_addr_str(&a, buf, sizeof(buf)));
    roundtrip(cli, up.assoc_id, srv, 3000, 1, NULL);
    roundtrip(srv, sid, cli, 3000, 2, &a);
    cr_assert(ts_addr_is(&a, &two, (uint16_t)gsctp_port(srv)), "from %s",
              ts_addr_str(&a, buf, sizeof(buf)));
  }
  gsctp_close(cli);
  gsctp_close(srv);
}

/* ---- remote port moves (RFC 6951 5.4) ---- */

static pthread_mutex_t g_vt_mu = PTHREAD_MUTEX_INITIALIZER;
static uint16_t g_vt_sport, g_vt_dport;
static uint32_t g_vt_tag;

/* Records the verification tag of what the server sends the client. */
static void vtag_tap(int outbound, const struct sockaddr *local,
                     const struct sockaddr *remote, const void *sctp,
                     size_t len) {
  const uint8_t *p = sctp;

  (void)local;
  (void)remote;
  pthread_mutex_lock(&g_vt_mu);
  if (outbound && len >= 16 && ts_get16(p) == g_vt_sport &&
      ts_get16(p + 2) == g_vt_dport && p[12] != 1) {
    g_vt_tag = ts_get32(p + 4);
  }
  pthread_mutex_unlock(&g_vt_mu);
}

/* A valid packet (right tag, right CRC) from the peer's IP but a new UDP
 * port moves the association's remote port there, as after a NAT
 * rebinding; the peer's next packet from its own port moves it back. */
Test(udpconn, valid_packet_from_new_port_moves_the_remote_port) {
  uc_pair p;
  gsctp_stack_stats before, after;
  uint8_t pkt[64], got[2048];
  uint16_t nport;
  uint32_t tag;
  int fd, i;
  ssize_t n = 0;

  ts_stack_start();
  uc_pair_open(&p, GSCTP_FAMILY_INET);
  pthread_mutex_lock(&g_vt_mu);
  g_vt_sport = p.srv_port;
  g_vt_dport = p.cli_port;
  g_vt_tag = 0;
  pthread_mutex_unlock(&g_vt_mu);
  prev_tap = gsctp_udplink_set_tap(vtag_tap);
  roundtrip(p.srv, p.srv_up.assoc_id, p.cli, 100, 1, NULL);
  (void)gsctp_udplink_set_tap(prev_tap);
  pthread_mutex_lock(&g_vt_mu);
  tag = g_vt_tag;
  pthread_mutex_unlock(&g_vt_mu);
  cr_assert_neq(tag, 0);

  fd = ts_udp_open(GSCTP_FAMILY_INET, &nport);
  cr_assert_geq(fd, 0);
  /* HEARTBEAT server -> client with the association's tag. */
  common_header(pkt, p.srv_port, p.cli_port, tag);
  pkt[12] = 4;
  pkt[13] = 0;
  ts_put16(pkt + 14, 12);
  ts_put16(pkt + 16, 1);
  ts_put16(pkt + 18, 8);
  ts_put32(pkt + 20, 0x12345678u);
  ts_sctp_set_checksum(pkt, 24);
  before = stats();
  cr_assert_eq(send_from(fd, p.cli_udp, pkt, 24), 0);
  /* The client answers (HEARTBEAT-ACK, chunk 5) at the new port. */
  for (i = 0; i < 100; ++i) {
    n = ts_udp_recv(fd, got, sizeof(got), 100, NULL);
    if (n >= 16 && got[12] == 5) {
      break;
    }
  }
  after = stats();
  cr_assert_eq(after.udpconn_port_moves, before.udpconn_port_moves + 1);
  cr_assert(n >= 16 && got[12] == 5, "no HEARTBEAT-ACK at the new port");
  close(fd);
  /* The real server's next packet moves it back; data flows again. */
  roundtrip(p.srv, p.srv_up.assoc_id, p.cli, 1000, 2, NULL);
  roundtrip(p.cli, p.cli_up.assoc_id, p.srv, 1000, 3, NULL);
  after = stats();
  cr_assert_eq(after.udpconn_port_moves, before.udpconn_port_moves + 2);
  uc_pair_close(&p);
}

/* ---- peeloff and accept ---- */

/* A peeled-off association keeps the udp_conn transport: real addresses
 * in names and messages, data both ways, and its handle survives the
 * sweep while it lives. */
Test(udpconn, peeloff_keeps_the_transport) {
  uc_pair p;
  gsctp_sock po = 0;
  gsctp_addr a, from;
  gsctp_opt o;
  size_t n = 0, nread = 0;
  gsctp_stack_stats base, now;
  char buf[64];
  int rc;

  ts_stack_start();
  gsctp_udplink_set_sweep_times(50, 300);
  base = stats();
  uc_pair_open(&p, GSCTP_FAMILY_INET);
  rc = gsctp_peeloff(p.srv, p.srv_up.assoc_id, &po);
  cr_assert_eq(rc, 0, "peeloff: %s", gsctp_err_name(rc));
  memset(&o, 0, sizeof(o));
  o.name = GSCTP_OPT_TRANSPORT;
  cr_assert_eq(gsctp_getopts(po, &o, 1, &nread), 0);
  cr_assert_eq(o.v.i, GSCTP_TRANSPORT_UDP_CONN);
  cr_assert_eq(gsctp_socknames(po, 0, &a, 1, &n), 0);
  cr_assert(is_ip(&a, GSCTP_FAMILY_INET, p.srv_port), "sockname %s",
            ts_addr_str(&a, buf, sizeof(buf)));
  cr_assert_eq(gsctp_peernames(po, 0, &a, 1, &n), 0);
  cr_assert(is_ip(&a, GSCTP_FAMILY_INET, p.cli_port), "peername %s",
            ts_addr_str(&a, buf, sizeof(buf)));
  ts_sleep_ms(800);
  now = stats();
  cr_assert_eq(now.udpconn_handles, base.udpconn_handles + 2,
               "the peeled-off association's handle was freed");
  roundtrip(p.cli, p.cli_up.assoc_id, po, 2000, 1, &from);
  cr_assert(is_ip(&from, GSCTP_FAMILY_INET, p.cli_port));
  roundtrip(po, 0, p.cli, 2000, 2, &from);
  cr_assert(is_ip(&from, GSCTP_FAMILY_INET, p.srv_port));
  /* The parent can close: the peeled-off socket still uses the UDP
   * socket. */
  gsctp_close(p.srv);
  p.srv = 0;
  roundtrip(p.cli, p.cli_up.assoc_id, po, 3000, 3, NULL);
  gsctp_close(po);
  uc_pair_close(&p);
}

/* A one-to-one server over udp_conn: accept gives a socket on the same
 * UDP socket with real addresses. */
Test(udpconn, accept_on_a_stream_server) {
  gsctp_opt so = opt_i(GSCTP_OPT_TYPE, GSCTP_TYPE_STREAM);
  gsctp_sock srv, cli, acc = 0;
  gsctp_ip lo = gsctp_ip_loopback(GSCTP_FAMILY_INET);
  gsctp_assoc_change up;
  gsctp_addr a;
  size_t n = 0;
  char buf[64];
  int rc;

  ts_stack_start();
  srv = open_uc(GSCTP_FAMILY_INET, 0, &so, 1);
  cr_assert_eq(gsctp_listen(srv, 5), 0);
  cli = open_uc(GSCTP_FAMILY_INET, udp_port_of(srv), &so, 1);
  rc = gsctp_connect(cli, &lo, gsctp_port(srv), NULL, 0, TS_WAIT_MS, &up);
  cr_assert_eq(rc, 0, "connect: %s", gsctp_err_name(rc));
  rc = gsctp_accept(srv, TS_WAIT_MS, &acc);
  cr_assert_eq(rc, 0, "accept: %s", gsctp_err_name(rc));
  cr_assert_eq(udp_port_of(acc), udp_port_of(srv));
  cr_assert_eq(gsctp_peernames(acc, 0, &a, 1, &n), 0);
  cr_assert(is_ip(&a, GSCTP_FAMILY_INET, (uint16_t)gsctp_port(cli)),
            "peername %s", ts_addr_str(&a, buf, sizeof(buf)));
  {
    /* The accepted socket reports its association's comm_up first. */
    gsctp_item it;
    rc = ts_recv_next(acc, TS_WAIT_MS, &it);
    cr_assert_eq(rc, 0);
    cr_assert(it.is_event && it.event.type == GSCTP_EV_ASSOC_CHANGE &&
              it.event.u.assoc_change.state == GSCTP_COMM_UP);
    cr_assert(is_ip(&it.from, GSCTP_FAMILY_INET, (uint16_t)gsctp_port(cli)));
    gsctp_item_free(&it);
  }
  roundtrip(cli, up.assoc_id, acc, 5000, 1, NULL);
  roundtrip(acc, 0, cli, 5000, 2, NULL);
  gsctp_close(acc);
  gsctp_close(cli);
  gsctp_close(srv);
}

/* ---- TOS ---- */

/* The `tos` option of a udp_conn socket reaches the IP header of its
 * datagrams (usrsctp's own UDP encapsulation ignores it). */
Test(udpconn, tos_reaches_the_ip_header) {
  gsctp_opt tos = opt_i(GSCTP_OPT_TOS, 0xB8);
  gsctp_sock cli;
  gsctp_ip lo = gsctp_ip_loopback(GSCTP_FAMILY_INET);
  uint16_t port = 0;
  int fd, on = 1, rc, got_tos = -1, i;
  uint8_t pkt[2048];

  ts_stack_start();
  fd = ts_udp_open(GSCTP_FAMILY_INET, &port);
  cr_assert_geq(fd, 0);
  cr_assert_eq(setsockopt(fd, IPPROTO_IP, IP_RECVTOS, &on, sizeof(on)), 0);
  cli = open_uc(GSCTP_FAMILY_INET, port, &tos, 1);
  rc = gsctp_connect_init(cli, &lo, 5000, NULL, 0);
  cr_assert_eq(rc, 0, "connect_init: %s", gsctp_err_name(rc));
  /* The INIT arrives at our plain UDP socket: read its TOS. */
  for (i = 0; i < 100 && got_tos < 0; ++i) {
    struct iovec iov = {pkt, sizeof(pkt)};
    union {
      char buf[CMSG_SPACE(sizeof(int))];
      struct cmsghdr align;
    } cm;
    struct msghdr mh;
    struct cmsghdr *c;
    ssize_t n;

    memset(&mh, 0, sizeof(mh));
    mh.msg_iov = &iov;
    mh.msg_iovlen = 1;
    mh.msg_control = cm.buf;
    mh.msg_controllen = sizeof(cm.buf);
    n = recvmsg(fd, &mh, MSG_DONTWAIT);
    if (n < 0) {
      ts_sleep_ms(50);
      continue;
    }
    cr_assert_geq(n, 16);
    cr_assert_eq(pkt[12], 1, "expected an INIT, got chunk %u", pkt[12]);
    for (c = CMSG_FIRSTHDR(&mh); c != NULL; c = CMSG_NXTHDR(&mh, c)) {
      if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_TOS) {
        got_tos = *(const uint8_t *)CMSG_DATA(c);
      }
    }
  }
  cr_assert_eq(got_tos & 0xFC, 0xB8, "TOS of the INIT: 0x%02x", got_tos);
  gsctp_close(cli);
  close(fd);
}

/* A UDP GSO send of three forged datagrams (wrong checksums) from a
 * stranger: udp_conn receives with UDP_GRO, so the three may arrive as one
 * buffer; each is still checked on its own and counted (three drops, not
 * one), and the association is untouched. */
Test(udpconn, gso_burst_is_checked_datagram_by_datagram) {
  uc_pair p;
  gsctp_stack_stats before, now;
  uint8_t pkt[3 * 32];
  struct sockaddr_in to;
  struct iovec iov;
  struct msghdr mh;
  union {
    char buf[CMSG_SPACE(sizeof(uint16_t))];
    struct cmsghdr align;
  } cm;
  struct cmsghdr *c;
  uint16_t seg = 32, sport = 0;
  int fd, i, zero = 0;

  ts_stack_start();
  uc_pair_open(&p, GSCTP_FAMILY_INET);
  fd = ts_udp_open(GSCTP_FAMILY_INET, &sport);
  cr_assert_geq(fd, 0);
  if (setsockopt(fd, SOL_UDP, UDP_SEGMENT, &zero, sizeof(zero)) != 0) {
    close(fd);
    uc_pair_close(&p);
    cr_skip_test("this kernel has no UDP GSO (UDP_SEGMENT): %s",
                 strerror(errno));
  }
  for (i = 0; i < 3; ++i) {
    uint8_t one[128]; /* build_forged fills 128 bytes */

    cr_assert_eq(build_forged(F_WRONG_CRC_DATA, one, p.srv_port, p.cli_port),
                 32);
    memcpy(pkt + 32 * i, one, 32);
  }
  memset(&to, 0, sizeof(to));
  to.sin_family = AF_INET;
  to.sin_port = htons((uint16_t)p.cli_udp);
  to.sin_addr.s_addr = htonl(0x7F000001u);
  iov.iov_base = pkt;
  iov.iov_len = sizeof(pkt);
  memset(&mh, 0, sizeof(mh));
  memset(&cm, 0, sizeof(cm));
  mh.msg_name = &to;
  mh.msg_namelen = sizeof(to);
  mh.msg_iov = &iov;
  mh.msg_iovlen = 1;
  mh.msg_control = cm.buf;
  mh.msg_controllen = sizeof(cm.buf);
  c = CMSG_FIRSTHDR(&mh);
  c->cmsg_level = SOL_UDP;
  c->cmsg_type = UDP_SEGMENT;
  c->cmsg_len = CMSG_LEN(sizeof(seg));
  memcpy(CMSG_DATA(c), &seg, sizeof(seg));

  before = stats();
  cr_assert_eq(sendmsg(fd, &mh, 0), (ssize_t)sizeof(pkt), "GSO send: %s",
               strerror(errno));
  now = before;
  for (i = 0;
       i < 2500 && now.udpconn_drop_checksum < before.udpconn_drop_checksum + 3;
       ++i) {
    ts_sleep_ms(2);
    now = stats();
  }
  cr_assert_eq(now.udpconn_drop_checksum - before.udpconn_drop_checksum, 3,
               "checksum drops +%llu, want +3",
               (unsigned long long)(now.udpconn_drop_checksum -
                                    before.udpconn_drop_checksum));
  cr_assert_geq(now.udpconn_datagrams_in - before.udpconn_datagrams_in, 3);
  roundtrip(p.cli, p.cli_up.assoc_id, p.srv, 500, 31, NULL);
  expect_nothing_happened(p.cli, "client");
  close(fd);
  uc_pair_close(&p);
}
