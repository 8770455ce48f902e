/*
 * test_api_args.c - the argument checks and closed-socket paths of every
 * public function, and the option round trips of setopts/getopts.
 *
 * Reference: gen_sctp-semantics.md 1.3-1.8, 1.11, 1.14.  An Erlang
 * exception (badarg) is GSCTP_EBADARG, `{error, {type, ...}}` is
 * GSCTP_ETYPE, `{error, Atom}` is the code named Atom.
 *
 * Every suite that opens sockets starts the stack first on a free UDP
 * port (tsupport_unit_start_stack), so no test depends on 9899 being
 * free.  No test makes an association: where a call needs one, it is
 * given an association id that does not exist.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <criterion/criterion.h>
#include <criterion/parameterized.h> /* needed for ParameterizedTest */

#include <gsctp/gsctp.h>

#include "tsupport_unit.h"

/* An association id no socket in these tests has. */
#define NO_SUCH_ASSOC 4242u

/* Timeout given to calls that must fail at once (they would block only if
 * the check were missing), and the generous bound such a call is expected
 * to return within. */
#define SHORT_WAIT_MS 5000

/* Asserts that |call| returns |expected|, naming both on failure. */
#define ASSERT_RV(call, expected)                                              \
  do {                                                                         \
    int rv_ = (call);                                                          \
    cr_assert_eq(rv_, (expected), "%s = %d (%s), expected %s", #call, rv_,     \
                 gsctp_err_name(rv_), gsctp_err_name(expected));               \
  } while (0)

static void expect_detail(const char *ctx) {
  const char *d = gsctp_error_detail();

  cr_assert_not_null(d, "%s: gsctp_error_detail() is NULL", ctx);
  cr_assert_gt(strlen(d), 0, "%s: gsctp_error_detail() is empty", ctx);
}

static gsctp_opt opt_initmsg(gsctp_initmsg m) {
  gsctp_opt o;

  memset(&o, 0, sizeof(o));
  o.name = GSCTP_OPT_SCTP_INITMSG;
  o.v.initmsg = m;
  return o;
}

static gsctp_opt opt_events(gsctp_event_subscribe e) {
  gsctp_opt o;

  memset(&o, 0, sizeof(o));
  o.name = GSCTP_OPT_SCTP_EVENTS;
  o.v.events = e;
  return o;
}

static gsctp_opt opt_send_param(gsctp_sndrcvinfo s) {
  gsctp_opt o;

  memset(&o, 0, sizeof(o));
  o.name = GSCTP_OPT_SCTP_DEFAULT_SEND_PARAM;
  o.v.sndrcvinfo = s;
  return o;
}

/* Reads one option with getopts, asserting it was read. */
static gsctp_opt get1(gsctp_sock sock, gsctp_opt req) {
  size_t nread = 99;
  int rv = gsctp_getopts(sock, &req, 1, &nread);

  cr_assert_eq(rv, 0, "getopts(%s) = %d (%s)", gsctp_opt_name(req.name), rv,
               gsctp_err_name(rv));
  cr_assert_eq(nread, 1, "getopts(%s) read %zu options",
               gsctp_opt_name(req.name), nread);
  return req;
}

static gsctp_opt get_named(gsctp_sock sock, int name) {
  gsctp_opt req;

  memset(&req, 0, sizeof(req));
  req.name = name;
  if (name == GSCTP_OPT_SCTP_DEFAULT_SEND_PARAM) {
    req.v.sndrcvinfo = gsctp_sndrcvinfo_default(); /* assoc 0: endpoint */
  }
  return get1(sock, req);
}

static void set1(gsctp_sock sock, gsctp_opt opt) {
  int rv = gsctp_setopts(sock, &opt, 1);

  cr_assert_eq(rv, 0, "setopts(%s) = %d (%s)", gsctp_opt_name(opt.name), rv,
               gsctp_err_name(rv));
}

/* ================================================================== */
/* open                                                                */
/* ================================================================== */

TestSuite(open, .init = tsupport_unit_start_stack);

Test(open, no_options_binds_a_free_port) {
  gsctp_sock sock = 0;
  int port;

  cr_assert_eq(gsctp_open(&sock, NULL, 0), 0);
  cr_assert_neq(sock, 0);
  port = gsctp_port(sock);
  cr_assert(port >= 1 && port <= 65535, "gsctp_port = %d", port);
  cr_assert_eq(gsctp_close(sock), 0);
}

Test(open, null_psock_is_badarg) {
  gsctp_opt opt = tsupport_unit_opt_i(GSCTP_OPT_PORT, 0);

  cr_assert_eq(gsctp_open(NULL, NULL, 0), GSCTP_EBADARG);
  cr_assert_eq(gsctp_open(NULL, &opt, 1), GSCTP_EBADARG);
  expect_detail("open(NULL psock)");
}

Test(open, null_opts_with_count_is_badarg) {
  gsctp_sock sock = 0;

  cr_assert_eq(gsctp_open(&sock, NULL, 1), GSCTP_EBADARG);
}

/* Parameters are copied into each test's process, where the addresses of
 * string literals may differ (PIE + ASLR): strings are held inline. */
struct opt_case {
  char what[48];
  gsctp_opt opt;
  int expected;
};

#define OPT_I(n, val)                                                          \
  { .name = (n), .v.i = (val) }
#define UNDEF GSCTP_UNDEF

ParameterizedTestParameters(open, rejects_bad_option) {
  static struct opt_case cases[] = {
    /* Unknown option names (open([{invalid_option,0}]) raises badarg). */
    {"name 0", OPT_I(0, 0), GSCTP_EBADARG},
    {"name -1", OPT_I(-1, 0), GSCTP_EBADARG},
    {"name __COUNT", OPT_I(GSCTP_OPT__COUNT, 0), GSCTP_EBADARG},
    {"name 9999", OPT_I(9999, 0), GSCTP_EBADARG},
    /* Port outside 0..65535. */
    {"port -1", OPT_I(GSCTP_OPT_PORT, -1), GSCTP_EBADARG},
    {"port 65536", OPT_I(GSCTP_OPT_PORT, 65536), GSCTP_EBADARG},
    {"port 100000", OPT_I(GSCTP_OPT_PORT, 100000), GSCTP_EBADARG},
    {"port INT64_MAX", OPT_I(GSCTP_OPT_PORT, INT64_MAX), GSCTP_EBADARG},
    /* open([{type,foo}]) */
    {"type 0", OPT_I(GSCTP_OPT_TYPE, 0), GSCTP_EBADARG},
    {"type 3", OPT_I(GSCTP_OPT_TYPE, 3), GSCTP_EBADARG},
    {"type -1", OPT_I(GSCTP_OPT_TYPE, -1), GSCTP_EBADARG},
    /* Family: inet, inet6 or conn only. */
    {"family unspec", OPT_I(GSCTP_OPT_FAMILY, GSCTP_FAMILY_UNSPEC),
     GSCTP_EBADARG},
    {"family 4", OPT_I(GSCTP_OPT_FAMILY, 4), GSCTP_EBADARG},
    {"family 99", OPT_I(GSCTP_OPT_FAMILY, 99), GSCTP_EBADARG},
    {"family -1", OPT_I(GSCTP_OPT_FAMILY, -1), GSCTP_EBADARG},
    /* open(0,[{mode,invalid_mode}]) */
    {"mode 2", OPT_I(GSCTP_OPT_MODE, 2), GSCTP_EBADARG},
    {"mode -1", OPT_I(GSCTP_OPT_MODE, -1), GSCTP_EBADARG},
    /* Read-only: setopt einval at open becomes badarg. */
    {"sctp_status", {.name = GSCTP_OPT_SCTP_STATUS}, GSCTP_EBADARG},
    /* Record fields out of range: {error,{type,...}}. */
    {"initmsg num_ostreams -1",
     {.name = GSCTP_OPT_SCTP_INITMSG, .v.initmsg = {-1, UNDEF, UNDEF, UNDEF}},
     GSCTP_ETYPE},
    {"initmsg num_ostreams 70000",
     {.name = GSCTP_OPT_SCTP_INITMSG,
      .v.initmsg = {70000, UNDEF, UNDEF, UNDEF}},
     GSCTP_ETYPE},
    {"initmsg max_instreams 65536",
     {.name = GSCTP_OPT_SCTP_INITMSG, .v.initmsg = {1, 65536, UNDEF, UNDEF}},
     GSCTP_ETYPE},
    {"initmsg max_attempts -1",
     {.name = GSCTP_OPT_SCTP_INITMSG, .v.initmsg = {UNDEF, UNDEF, -1, UNDEF}},
     GSCTP_ETYPE},
    {"initmsg max_init_timeo 65536",
     {.name = GSCTP_OPT_SCTP_INITMSG,
      .v.initmsg = {UNDEF, UNDEF, UNDEF, 65536}},
     GSCTP_ETYPE},
    {"events data_io_event 2",
     {.name = GSCTP_OPT_SCTP_EVENTS,
      .v.events = {2, UNDEF, UNDEF, UNDEF, UNDEF, UNDEF, UNDEF, UNDEF, UNDEF}},
     GSCTP_ETYPE},
    {"events shutdown_event -1",
     {.name = GSCTP_OPT_SCTP_EVENTS,
      .v.events = {UNDEF, UNDEF, UNDEF, UNDEF, UNDEF, -1, UNDEF, UNDEF, UNDEF}},
     GSCTP_ETYPE},
    {"default_send_param ssn 5",
     {.name = GSCTP_OPT_SCTP_DEFAULT_SEND_PARAM,
      .v.sndrcvinfo = {UNDEF, 5, UNDEF, UNDEF, UNDEF, UNDEF, UNDEF, UNDEF,
                       UNDEF}},
     GSCTP_ETYPE},
    {"default_send_param stream 70000",
     {.name = GSCTP_OPT_SCTP_DEFAULT_SEND_PARAM,
      .v.sndrcvinfo = {70000, UNDEF, UNDEF, UNDEF, UNDEF, UNDEF, UNDEF, UNDEF,
                       UNDEF}},
     GSCTP_ETYPE},
    /* {active, N} outside int16 and values that are no mode: einval,
     * which open turns into badarg. */
    {"active 3", OPT_I(GSCTP_OPT_ACTIVE, 3), GSCTP_EBADARG},
    {"active N 32768", OPT_I(GSCTP_OPT_ACTIVE, GSCTP_ACTIVE_N(32768)),
     GSCTP_EBADARG},
    {"non_block_send 2", OPT_I(GSCTP_OPT_NON_BLOCK_SEND, 2), GSCTP_EBADARG},
  };

  return cr_make_param_array(struct opt_case, cases,
                             TSUPPORT_UNIT_COUNT(cases));
}

ParameterizedTest(struct opt_case *c, open, rejects_bad_option) {
  gsctp_sock sock = 0;
  int rv = gsctp_open(&sock, &c->opt, 1);

  cr_assert_eq(rv, c->expected, "open(%s) = %d (%s), expected %s", c->what, rv,
               gsctp_err_name(rv), gsctp_err_name(c->expected));
  if (rv == GSCTP_ETYPE || rv == GSCTP_EBADARG) {
    expect_detail(c->what);
  }
}

/* A bad option after good ones still fails the whole open. */
Test(open, bad_option_after_good_ones_fails) {
  gsctp_opt opts[3];
  gsctp_sock sock = 0;

  opts[0] = tsupport_unit_opt_i(GSCTP_OPT_MODE, GSCTP_MODE_LIST);
  opts[1] = tsupport_unit_opt_i(GSCTP_OPT_PORT, 0);
  opts[2] = tsupport_unit_opt_i(GSCTP_OPT_TYPE, 42);
  cr_assert_eq(gsctp_open(&sock, opts, 3), GSCTP_EBADARG);
}

Test(open, port_bounds_are_accepted) {
  gsctp_opt opts[2];
  gsctp_sock sock = 0;

  opts[0].name = GSCTP_OPT_IP;
  opts[0].v.ip = gsctp_ip_loopback(GSCTP_FAMILY_INET);
  opts[1] = tsupport_unit_opt_i(GSCTP_OPT_PORT, 65535);
  cr_assert_eq(gsctp_open(&sock, opts, 2), 0);
  cr_assert_eq(gsctp_port(sock), 65535);
}

Test(open, port_in_use_is_eaddrinuse) {
  gsctp_sock first = tsupport_unit_open_inet(NULL, 0);
  gsctp_opt opts[2];
  gsctp_sock second = 0;
  int port = gsctp_port(first);

  cr_assert_gt(port, 0);
  opts[0].name = GSCTP_OPT_IP;
  opts[0].v.ip = gsctp_ip_loopback(GSCTP_FAMILY_INET);
  opts[1] = tsupport_unit_opt_i(GSCTP_OPT_PORT, port);
  cr_assert_eq(gsctp_open(&second, opts, 2), GSCTP_EADDRINUSE);
}

Test(open, ip_of_other_family_is_eafnosupport) {
  gsctp_opt opts[2];
  gsctp_sock sock = 0;

  /* An explicitly inet socket bound to ::1. */
  opts[0] = tsupport_unit_opt_i(GSCTP_OPT_FAMILY, GSCTP_FAMILY_INET);
  opts[1].name = GSCTP_OPT_IP;
  opts[1].v.ip = gsctp_ip_loopback(GSCTP_FAMILY_INET6);
  ASSERT_RV(gsctp_open(&sock, opts, 2), GSCTP_EAFNOSUPPORT);

  /* An inet6 socket may bind IPv4 addresses (OTP's mixed v4/v6 case,
   * open_multihoming_ipv4_and_ipv6_socket): that is not an error. */
  opts[0] = tsupport_unit_opt_i(GSCTP_OPT_FAMILY, GSCTP_FAMILY_INET6);
  opts[1].name = GSCTP_OPT_IP;
  opts[1].v.ip = gsctp_ip_loopback(GSCTP_FAMILY_INET);
  ASSERT_RV(gsctp_open(&sock, opts, 2), 0);
  cr_assert_gt(gsctp_port(sock), 0);
  ASSERT_RV(gsctp_close(sock), 0);
}

/* Without a family option, an IPv6 {ip, IP} picks inet6 (reference 1.3,
 * inet:sctp_module rule 3). */
Test(open, ipv6_ip_without_family_opens_inet6) {
  gsctp_opt opt;
  gsctp_sock sock = 0;
  gsctp_ip lo6 = gsctp_ip_loopback(GSCTP_FAMILY_INET6);
  gsctp_addr addrs[2];
  size_t n = 0;

  memset(&opt, 0, sizeof(opt));
  opt.name = GSCTP_OPT_IP;
  opt.v.ip = lo6;
  ASSERT_RV(gsctp_open(&sock, &opt, 1), 0);
  ASSERT_RV(gsctp_socknames(sock, 0, addrs, 2, &n), 0);
  cr_assert_eq(n, 1);
  cr_assert(gsctp_ip_equal(&addrs[0].ip, &lo6));
}

/* ================================================================== */
/* close                                                               */
/* ================================================================== */

TestSuite(close, .init = tsupport_unit_start_stack);

Test(close, handle_zero_is_badarg) {
  cr_assert_eq(gsctp_close(0), GSCTP_EBADARG);
}

Test(close, twice_returns_ok_both_times) {
  gsctp_sock sock = tsupport_unit_open_inet(NULL, 0);

  cr_assert_eq(gsctp_close(sock), 0);
  cr_assert_eq(gsctp_close(sock), 0);
  cr_assert_eq(gsctp_port(sock), GSCTP_ECLOSED);
}

/* A port that is not registered gives {error,closed}; close gives ok. */
Test(close, never_opened_handle_is_closed) {
  gsctp_sock bogus = 0x7ffffff0u;

  cr_assert_eq(gsctp_port(bogus), GSCTP_ECLOSED);
  cr_assert_eq(gsctp_close(bogus), 0);
}

/* A closed handle is not reused by the next open (handles stay safe to
 * use after close, like a port). */
Test(close, closed_handle_stays_closed_after_new_open) {
  gsctp_sock a = tsupport_unit_open_inet(NULL, 0);
  gsctp_sock b;

  cr_assert_eq(gsctp_close(a), 0);
  b = tsupport_unit_open_inet(NULL, 0);
  cr_assert_neq(a, b);
  cr_assert_eq(gsctp_port(a), GSCTP_ECLOSED);
  cr_assert_gt(gsctp_port(b), 0);
}

/* ================================================================== */
/* every call on a closed socket                                        */
/* ================================================================== */

enum closed_op {
  OP_LISTEN,
  OP_CONNECT,
  OP_CONNECT_INIT,
  OP_CONNECTX_INIT,
  OP_SEND,
  OP_SEND_SRI,
  OP_RECV,
  OP_EOF,
  OP_ABORT,
  OP_SETOPTS,
  OP_GETOPTS,
  OP_SOCKNAMES,
  OP_PEERNAMES,
  OP_PORT,
};

static const char *closed_op_name(int op) {
  static const char *names[] = {
    "listen",   "connect",   "connect_init", "connectx_init", "send",
    "send_sri", "recv",      "eof",          "abort",         "setopts",
    "getopts",  "socknames", "peernames",    "port",
  };

  return names[op];
}

/* Calls |op| on |sock| with arguments that are valid in every other way. */
static int call_op(gsctp_sock sock, int op) {
  gsctp_ip lo = gsctp_ip_loopback(GSCTP_FAMILY_INET);
  gsctp_assoc_change ac = gsctp_assoc_change_default();
  gsctp_sndrcvinfo sri = gsctp_sndrcvinfo_default();
  gsctp_opt opt = tsupport_unit_opt_i(GSCTP_OPT_MODE, GSCTP_MODE_BINARY);
  gsctp_addr addrs[4];
  gsctp_item item;
  uint32_t assoc_id = 0;
  size_t n = 0;

  memset(&item, 0, sizeof(item));
  ac.state = GSCTP_COMM_UP;
  ac.assoc_id = NO_SUCH_ASSOC;
  sri.assoc_id = NO_SUCH_ASSOC;

  switch (op) {
  case OP_LISTEN:
    return gsctp_listen(sock, GSCTP_LISTEN_TRUE);
  case OP_CONNECT:
    return gsctp_connect(sock, &lo, 5000, NULL, 0, SHORT_WAIT_MS, NULL);
  case OP_CONNECT_INIT:
    return gsctp_connect_init(sock, &lo, 5000, NULL, 0);
  case OP_CONNECTX_INIT:
    return gsctp_connectx_init(sock, &lo, 1, 5000, NULL, 0, &assoc_id);
  case OP_SEND:
    return gsctp_send(sock, NO_SUCH_ASSOC, 0, "x", 1);
  case OP_SEND_SRI:
    return gsctp_send_sri(sock, &sri, "x", 1);
  case OP_RECV: {
    int rv = gsctp_recv(sock, 0, &item);

    gsctp_item_free(&item);
    return rv;
  }
  case OP_EOF:
    return gsctp_eof(sock, &ac);
  case OP_ABORT:
    return gsctp_abort(sock, &ac);
  case OP_SETOPTS:
    return gsctp_setopts(sock, &opt, 1);
  case OP_GETOPTS:
    return gsctp_getopts(sock, &opt, 1, &n);
  case OP_SOCKNAMES:
    return gsctp_socknames(sock, 0, addrs, 4, &n);
  case OP_PEERNAMES:
    return gsctp_peernames(sock, NO_SUCH_ASSOC, addrs, 4, &n);
  case OP_PORT:
    return gsctp_port(sock);
  default:
    cr_assert_fail("unknown op %d", op);
  }
  return 0;
}

TestSuite(closed, .init = tsupport_unit_start_stack);

ParameterizedTestParameters(closed, every_call_is_eclosed) {
  static int ops[] = {
    OP_LISTEN,   OP_CONNECT,   OP_CONNECT_INIT, OP_CONNECTX_INIT, OP_SEND,
    OP_SEND_SRI, OP_RECV,      OP_EOF,          OP_ABORT,         OP_SETOPTS,
    OP_GETOPTS,  OP_SOCKNAMES, OP_PEERNAMES,    OP_PORT,
  };

  return cr_make_param_array(int, ops, TSUPPORT_UNIT_COUNT(ops));
}

ParameterizedTest(int *op, closed, every_call_is_eclosed) {
  gsctp_sock sock = tsupport_unit_open_inet(NULL, 0);
  int64_t t0;
  int rv;

  cr_assert_eq(gsctp_close(sock), 0);
  t0 = tsupport_unit_now_ms();
  rv = call_op(sock, *op);
  cr_assert_eq(rv, GSCTP_ECLOSED, "%s after close = %d (%s)",
               closed_op_name(*op), rv, gsctp_err_name(rv));
  /* It fails at once; it does not wait out a timeout first. */
  cr_expect_lt(tsupport_unit_now_ms() - t0, SHORT_WAIT_MS,
               "%s after close waited", closed_op_name(*op));
  cr_assert_eq(gsctp_close(sock), 0);
}

/* ================================================================== */
/* recv                                                                */
/* ================================================================== */

TestSuite(recv, .init = tsupport_unit_start_stack);

ParameterizedTestParameters(recv, timeout_below_infinity_is_einval) {
  static int cases[] = {-2, -3, -1000, INT_MIN};

  return cr_make_param_array(int, cases, TSUPPORT_UNIT_COUNT(cases));
}

ParameterizedTest(int *timeout, recv, timeout_below_infinity_is_einval) {
  gsctp_sock sock = tsupport_unit_open_inet(NULL, 0);
  gsctp_item item;
  int64_t t0 = tsupport_unit_now_ms();

  memset(&item, 0, sizeof(item));
  cr_assert_eq(gsctp_recv(sock, *timeout, &item), GSCTP_EINVAL,
               "recv(timeout %d)", *timeout);
  cr_expect_lt(tsupport_unit_now_ms() - t0, SHORT_WAIT_MS);
}

Test(recv, zero_timeout_on_idle_socket_is_etimeout) {
  gsctp_sock sock = tsupport_unit_open_inet(NULL, 0);
  gsctp_item item;

  memset(&item, 0, sizeof(item));
  cr_assert_eq(gsctp_recv(sock, 0, &item), GSCTP_ETIMEOUT);
  /* And again: a poll does not change the socket. */
  cr_assert_eq(gsctp_recv(sock, 0, &item), GSCTP_ETIMEOUT);
}

Test(recv, zero_timeout_on_listening_socket_is_etimeout) {
  gsctp_sock sock = tsupport_unit_open_inet(NULL, 0);
  gsctp_item item;

  memset(&item, 0, sizeof(item));
  cr_assert_eq(gsctp_listen(sock, GSCTP_LISTEN_TRUE), 0);
  cr_assert_eq(gsctp_recv(sock, 0, &item), GSCTP_ETIMEOUT);
}

/* Lower bound only: a slow machine may wait longer, never shorter. */
Test(recv, timeout_waits_at_least_the_timeout) {
  gsctp_sock sock = tsupport_unit_open_inet(NULL, 0);
  gsctp_item item;
  int64_t t0, elapsed;

  memset(&item, 0, sizeof(item));
  t0 = tsupport_unit_now_ms();
  cr_assert_eq(gsctp_recv(sock, 200, &item), GSCTP_ETIMEOUT);
  elapsed = tsupport_unit_now_ms() - t0;
  cr_assert_geq(elapsed, 195, "recv(200 ms) returned after %lld ms",
                (long long)elapsed);
}

Test(recv, null_item_is_badarg) {
  gsctp_sock sock = tsupport_unit_open_inet(NULL, 0);

  cr_assert_eq(gsctp_recv(sock, 0, NULL), GSCTP_EBADARG);
}

/* ================================================================== */
/* listen                                                              */
/* ================================================================== */

TestSuite(listen, .init = tsupport_unit_start_stack);

Test(listen, negative_backlog_is_badarg) {
  gsctp_sock sock = tsupport_unit_open_inet(NULL, 0);

  cr_assert_eq(gsctp_listen(sock, -1), GSCTP_EBADARG);
  cr_assert_eq(gsctp_listen(sock, INT_MIN), GSCTP_EBADARG);
  expect_detail("listen(-1)");
}

Test(listen, true_and_false_are_accepted) {
  gsctp_sock sock = tsupport_unit_open_inet(NULL, 0);

  cr_assert_eq(gsctp_listen(sock, GSCTP_LISTEN_TRUE), 0);
  cr_assert_eq(gsctp_listen(sock, GSCTP_LISTEN_FALSE), 0);
  cr_assert_eq(gsctp_listen(sock, GSCTP_LISTEN_TRUE), 0);
}

/* ================================================================== */
/* connect, connect_init, connectx_init                                */
/* ================================================================== */

TestSuite(connect, .init = tsupport_unit_start_stack);

Test(connect, null_ip_is_badarg) {
  gsctp_sock sock = tsupport_unit_open_inet(NULL, 0);
  gsctp_assoc_change ev;
  uint32_t id = 0;

  cr_assert_eq(gsctp_connect(sock, NULL, 5000, NULL, 0, SHORT_WAIT_MS, &ev),
               GSCTP_EBADARG);
  cr_assert_eq(gsctp_connect_init(sock, NULL, 5000, NULL, 0), GSCTP_EBADARG);
  cr_assert_eq(gsctp_connectx_init(sock, NULL, 1, 5000, NULL, 0, &id),
               GSCTP_EBADARG);
}

Test(connect, connectx_init_without_addresses_is_badarg) {
  gsctp_sock sock = tsupport_unit_open_inet(NULL, 0);
  gsctp_ip lo = gsctp_ip_loopback(GSCTP_FAMILY_INET);
  uint32_t id = 0;

  cr_assert_eq(gsctp_connectx_init(sock, &lo, 0, 5000, NULL, 0, &id),
               GSCTP_EBADARG);
}

Test(connect, timeout_below_infinity_is_badarg) {
  gsctp_sock sock = tsupport_unit_open_inet(NULL, 0);
  gsctp_ip lo = gsctp_ip_loopback(GSCTP_FAMILY_INET);

  cr_assert_eq(gsctp_connect(sock, &lo, 5000, NULL, 0, -2, NULL),
               GSCTP_EBADARG);
  cr_assert_eq(gsctp_connect(sock, &lo, 5000, NULL, 0, INT_MIN, NULL),
               GSCTP_EBADARG);
}

Test(connect, bad_options_are_rejected) {
  gsctp_sock sock = tsupport_unit_open_inet(NULL, 0);
  gsctp_ip lo = gsctp_ip_loopback(GSCTP_FAMILY_INET);
  gsctp_initmsg m = GSCTP_INITMSG_INIT;
  gsctp_opt bad_name = tsupport_unit_opt_i(9999, 0);
  gsctp_opt bad_field;

  m.num_ostreams = 70000;
  bad_field = opt_initmsg(m);

  /* An unknown option: connect's chgopts gives {error,einval} (reference
   * 1.5 [obs]), as setopts does. */
  ASSERT_RV(gsctp_connect(sock, &lo, 5000, &bad_name, 1, SHORT_WAIT_MS, NULL),
            GSCTP_EINVAL);
  ASSERT_RV(gsctp_connect_init(sock, &lo, 5000, &bad_name, 1), GSCTP_EINVAL);
  /* A malformed option list (OTP: non-list Opts) is API misuse. */
  ASSERT_RV(gsctp_connect(sock, &lo, 5000, NULL, 1, SHORT_WAIT_MS, NULL),
            GSCTP_EBADARG);
  ASSERT_RV(gsctp_connect_init(sock, &lo, 5000, NULL, 1), GSCTP_EBADARG);
  ASSERT_RV(gsctp_connect(sock, &lo, 5000, &bad_field, 1, SHORT_WAIT_MS, NULL),
            GSCTP_ETYPE);
  expect_detail("connect(initmsg num_ostreams 70000)");
  ASSERT_RV(gsctp_connect_init(sock, &lo, 5000, &bad_field, 1), GSCTP_ETYPE);
}

struct port_case {
  int port;
  int init; /* 0: gsctp_connect, 1: gsctp_connect_init, 2: connectx_init */
};

ParameterizedTestParameters(connect, port_out_of_range_is_einval) {
  static struct port_case cases[] = {
    {0, 0},     {70000, 0}, {65536, 0}, {-1, 0}, {0, 1},
    {70000, 1}, {65536, 1}, {-1, 1},    {0, 2},  {70000, 2},
  };

  return cr_make_param_array(struct port_case, cases,
                             TSUPPORT_UNIT_COUNT(cases));
}

ParameterizedTest(struct port_case *c, connect, port_out_of_range_is_einval) {
  gsctp_sock sock = tsupport_unit_open_inet(NULL, 0);
  gsctp_ip lo = gsctp_ip_loopback(GSCTP_FAMILY_INET);
  uint32_t id = 0;
  int rv;

  if (c->init == 0) {
    rv = gsctp_connect(sock, &lo, c->port, NULL, 0, SHORT_WAIT_MS, NULL);
  } else if (c->init == 1) {
    rv = gsctp_connect_init(sock, &lo, c->port, NULL, 0);
  } else {
    rv = gsctp_connectx_init(sock, &lo, 1, c->port, NULL, 0, &id);
  }
  cr_assert_eq(rv, GSCTP_EINVAL, "%s port %d = %d (%s)",
               c->init == 0   ? "connect"
               : c->init == 1 ? "connect_init"
                              : "connectx_init",
               c->port, rv, gsctp_err_name(rv));
}

Test(connect, any_address_is_einval) {
  gsctp_sock sock = tsupport_unit_open_inet(NULL, 0);
  gsctp_ip any = gsctp_ip_any(GSCTP_FAMILY_INET);

  cr_assert_eq(gsctp_connect(sock, &any, 5000, NULL, 0, SHORT_WAIT_MS, NULL),
               GSCTP_EINVAL);
  cr_assert_eq(gsctp_connect_init(sock, &any, 5000, NULL, 0), GSCTP_EINVAL);
}

Test(connect, ipv6_peer_on_inet_socket_is_eafnosupport) {
  gsctp_sock sock = tsupport_unit_open_inet(NULL, 0);
  gsctp_ip lo6 = gsctp_ip_loopback(GSCTP_FAMILY_INET6);
  uint32_t id = 0;

  cr_assert_eq(gsctp_connect(sock, &lo6, 5000, NULL, 0, SHORT_WAIT_MS, NULL),
               GSCTP_EAFNOSUPPORT);
  cr_assert_eq(gsctp_connect_init(sock, &lo6, 5000, NULL, 0),
               GSCTP_EAFNOSUPPORT);
  /* connectx_init raises badarg for an address that does not resolve
   * (OTP's getaddrs), eafnosupport included. */
  cr_assert_eq(gsctp_connectx_init(sock, &lo6, 1, 5000, NULL, 0, &id),
               GSCTP_EBADARG);
}

Test(connect, ipv4_peer_on_inet6_socket_is_eafnosupport) {
  gsctp_sock sock = tsupport_unit_open_family(GSCTP_FAMILY_INET6);
  gsctp_ip lo4 = gsctp_ip_loopback(GSCTP_FAMILY_INET);

  cr_assert_eq(gsctp_connect(sock, &lo4, 5000, NULL, 0, SHORT_WAIT_MS, NULL),
               GSCTP_EAFNOSUPPORT);
  cr_assert_eq(gsctp_connect_init(sock, &lo4, 5000, NULL, 0),
               GSCTP_EAFNOSUPPORT);
}

Test(connect, conn_link_peer_on_inet_socket_is_eafnosupport) {
  gsctp_sock sock = tsupport_unit_open_inet(NULL, 0);
  int not_a_link;
  gsctp_ip conn = gsctp_ip_conn(&not_a_link);

  cr_assert_eq(gsctp_connect_init(sock, &conn, 5000, NULL, 0),
               GSCTP_EAFNOSUPPORT);
}

/* ================================================================== */
/* send, send_sri, eof, abort                                           */
/* ================================================================== */

TestSuite(send, .init = tsupport_unit_start_stack);

Test(send, unknown_association_is_epipe) {
  gsctp_sock sock = tsupport_unit_open_inet(NULL, 0);
  gsctp_sndrcvinfo sri = gsctp_sndrcvinfo_default();

  cr_assert_eq(gsctp_send(sock, NO_SUCH_ASSOC, 0, "hello", 5), GSCTP_EPIPE);
  sri.assoc_id = NO_SUCH_ASSOC;
  cr_assert_eq(gsctp_send_sri(sock, &sri, "hello", 5), GSCTP_EPIPE);
}

Test(send, bad_arguments_are_badarg) {
  gsctp_sock sock = tsupport_unit_open_inet(NULL, 0);
  gsctp_sndrcvinfo sri = gsctp_sndrcvinfo_default();

  sri.assoc_id = NO_SUCH_ASSOC;
  cr_assert_eq(gsctp_send(sock, NO_SUCH_ASSOC, 0, NULL, 5), GSCTP_EBADARG);
  cr_assert_eq(gsctp_send(sock, NO_SUCH_ASSOC, -1, "x", 1), GSCTP_EBADARG);
  cr_assert_eq(gsctp_send_sri(sock, NULL, "x", 1), GSCTP_EBADARG);
  cr_assert_eq(gsctp_send_sri(sock, &sri, NULL, 5), GSCTP_EBADARG);
}

/* ssn, tsn and cumtsn may be 0 as well as unset: the record is valid, so
 * the send reaches the association lookup. */
Test(send, sri_zero_ssn_tsn_cumtsn_are_accepted) {
  gsctp_sock sock = tsupport_unit_open_inet(NULL, 0);
  gsctp_sndrcvinfo sri = gsctp_sndrcvinfo_default();

  sri.assoc_id = NO_SUCH_ASSOC;
  sri.ssn = 0;
  sri.tsn = 0;
  sri.cumtsn = 0;
  cr_assert_eq(gsctp_send_sri(sock, &sri, "x", 1), GSCTP_EPIPE);
}

/* Unset fields take the type defaults; only assoc_id is given. */
Test(send, sri_unset_fields_take_defaults) {
  gsctp_sock sock = tsupport_unit_open_inet(NULL, 0);
  gsctp_sndrcvinfo sri = GSCTP_SNDRCVINFO_INIT;

  sri.assoc_id = NO_SUCH_ASSOC;
  cr_assert_eq(gsctp_send_sri(sock, &sri, "x", 1), GSCTP_EPIPE);
}

struct sri_case {
  char what[32];
  int field; /* which field to change, see set_sri_field() */
  int64_t value;
};

enum {
  F_STREAM,
  F_SSN,
  F_FLAGS,
  F_PPID,
  F_CONTEXT,
  F_TTL,
  F_TSN,
  F_CUMTSN,
  F_ASSOC
};

static void set_sri_field(gsctp_sndrcvinfo *s, int field, int64_t value) {
  switch (field) {
  case F_STREAM:
    s->stream = value;
    break;
  case F_SSN:
    s->ssn = value;
    break;
  case F_FLAGS:
    s->flags = value;
    break;
  case F_PPID:
    s->ppid = value;
    break;
  case F_CONTEXT:
    s->context = value;
    break;
  case F_TTL:
    s->timetolive = value;
    break;
  case F_TSN:
    s->tsn = value;
    break;
  case F_CUMTSN:
    s->cumtsn = value;
    break;
  case F_ASSOC:
    s->assoc_id = value;
    break;
  default:
    cr_assert_fail("field %d", field);
  }
}

/* send(S, #sctp_sndrcvinfo{...bad...}, Data) gives {error,{type,...}}
 * before any association lookup. */
ParameterizedTestParameters(send, sri_bad_field_is_etype) {
  static struct sri_case cases[] = {
    {"stream 70000", F_STREAM, 70000},
    {"stream 65536", F_STREAM, 65536},
    {"stream -1", F_STREAM, -1},
    {"ssn 5", F_SSN, 5},
    {"tsn 1", F_TSN, 1},
    {"cumtsn 1", F_CUMTSN, 1},
    {"assoc_id -1", F_ASSOC, -1},
    {"assoc_id 2^32", F_ASSOC, 4294967296LL},
    {"flags 16 (unknown bit)", F_FLAGS, 16},
    {"flags 0x100", F_FLAGS, 0x100},
    {"flags unordered|32", F_FLAGS, GSCTP_SNDRCV_UNORDERED | 32},
    {"flags -1", F_FLAGS, -1},
    {"ppid -1", F_PPID, -1},
    {"ppid 2^32", F_PPID, 4294967296LL},
    {"context -1", F_CONTEXT, -1},
    {"timetolive -1", F_TTL, -1},
    {"timetolive 2^32", F_TTL, 4294967296LL},
  };

  return cr_make_param_array(struct sri_case, cases,
                             TSUPPORT_UNIT_COUNT(cases));
}

ParameterizedTest(struct sri_case *c, send, sri_bad_field_is_etype) {
  gsctp_sock sock = tsupport_unit_open_inet(NULL, 0);
  gsctp_sndrcvinfo sri = gsctp_sndrcvinfo_default();
  int rv;

  sri.assoc_id = NO_SUCH_ASSOC;
  set_sri_field(&sri, c->field, c->value);
  rv = gsctp_send_sri(sock, &sri, "x", 1);
  cr_assert_eq(rv, GSCTP_ETYPE, "send_sri(%s) = %d (%s)", c->what, rv,
               gsctp_err_name(rv));
  expect_detail(c->what);
}

Test(send, sri_type_check_comes_before_assoc_lookup_on_assoc_zero) {
  gsctp_sock sock = tsupport_unit_open_inet(NULL, 0);
  gsctp_sndrcvinfo sri = gsctp_sndrcvinfo_default();

  sri.stream = 70000; /* assoc_id 0 (default) */
  cr_assert_eq(gsctp_send_sri(sock, &sri, "x", 1), GSCTP_ETYPE);
}

Test(send, eof_and_abort_null_record_is_badarg) {
  gsctp_sock sock = tsupport_unit_open_inet(NULL, 0);

  cr_assert_eq(gsctp_eof(sock, NULL), GSCTP_EBADARG);
  cr_assert_eq(gsctp_abort(sock, NULL), GSCTP_EBADARG);
}

Test(send, eof_and_abort_unknown_association_is_epipe) {
  gsctp_sock sock = tsupport_unit_open_inet(NULL, 0);
  gsctp_assoc_change ac = gsctp_assoc_change_default();

  ac.state = GSCTP_COMM_UP;
  ac.assoc_id = NO_SUCH_ASSOC;
  cr_assert_eq(gsctp_eof(sock, &ac), GSCTP_EPIPE);
  cr_assert_eq(gsctp_abort(sock, &ac), GSCTP_EPIPE);
}

/* ================================================================== */
/* setopts                                                             */
/* ================================================================== */

TestSuite(setopts, .init = tsupport_unit_start_stack);

ParameterizedTestParameters(setopts, rejects_bad_option) {
  static struct opt_case cases[] = {
    /* Read-only. */
    {"sctp_status", {.name = GSCTP_OPT_SCTP_STATUS}, GSCTP_EINVAL},
    /* Open-only. */
    {"port", OPT_I(GSCTP_OPT_PORT, 0), GSCTP_EINVAL},
    {"ip",
     {.name = GSCTP_OPT_IP,
      .v.ip = {.family = GSCTP_FAMILY_INET, .u.v4 = {127, 0, 0, 1}}},
     GSCTP_EINVAL},
    {"family", OPT_I(GSCTP_OPT_FAMILY, GSCTP_FAMILY_INET), GSCTP_EINVAL},
    {"type", OPT_I(GSCTP_OPT_TYPE, GSCTP_TYPE_SEQPACKET), GSCTP_EINVAL},
    {"udp_port", OPT_I(GSCTP_OPT_UDP_PORT, 0), GSCTP_EINVAL},
    /* Unknown names. */
    {"name 0", OPT_I(0, 0), GSCTP_EINVAL},
    {"name __COUNT", OPT_I(GSCTP_OPT__COUNT, 0), GSCTP_EINVAL},
    {"name 9999", OPT_I(9999, 0), GSCTP_EINVAL},
    /* Bad enum value. */
    {"mode 5", OPT_I(GSCTP_OPT_MODE, 5), GSCTP_EINVAL},
    /* Record fields out of range. */
    {"initmsg num_ostreams -1",
     {.name = GSCTP_OPT_SCTP_INITMSG, .v.initmsg = {-1, UNDEF, UNDEF, UNDEF}},
     GSCTP_ETYPE},
    {"initmsg num_ostreams 70000",
     {.name = GSCTP_OPT_SCTP_INITMSG,
      .v.initmsg = {70000, UNDEF, UNDEF, UNDEF}},
     GSCTP_ETYPE},
    {"events adaptation_layer_event 7",
     {.name = GSCTP_OPT_SCTP_EVENTS,
      .v.events = {UNDEF, UNDEF, UNDEF, UNDEF, UNDEF, UNDEF, UNDEF, 7, UNDEF}},
     GSCTP_ETYPE},
    {"default_send_param tsn 9",
     {.name = GSCTP_OPT_SCTP_DEFAULT_SEND_PARAM,
      .v.sndrcvinfo = {UNDEF, UNDEF, UNDEF, UNDEF, UNDEF, UNDEF, 9, UNDEF,
                       UNDEF}},
     GSCTP_ETYPE},
    {"default_send_param ppid -1",
     {.name = GSCTP_OPT_SCTP_DEFAULT_SEND_PARAM,
      .v.sndrcvinfo = {UNDEF, UNDEF, UNDEF, -1, UNDEF, UNDEF, UNDEF, UNDEF,
                       UNDEF}},
     GSCTP_ETYPE},
    {"active 3", OPT_I(GSCTP_OPT_ACTIVE, 3), GSCTP_EINVAL},
    {"active N -32769", OPT_I(GSCTP_OPT_ACTIVE, GSCTP_ACTIVE_N(-32769)),
     GSCTP_EINVAL},
    {"non_block_send -1", OPT_I(GSCTP_OPT_NON_BLOCK_SEND, -1), GSCTP_EINVAL},
  };

  return cr_make_param_array(struct opt_case, cases,
                             TSUPPORT_UNIT_COUNT(cases));
}

ParameterizedTest(struct opt_case *c, setopts, rejects_bad_option) {
  gsctp_sock sock = tsupport_unit_open_inet(NULL, 0);
  int rv = gsctp_setopts(sock, &c->opt, 1);

  cr_assert_eq(rv, c->expected, "setopts(%s) = %d (%s), expected %s", c->what,
               rv, gsctp_err_name(rv), gsctp_err_name(c->expected));
  if (rv == GSCTP_ETYPE) {
    expect_detail(c->what);
  }
  /* The socket is still usable. */
  cr_assert_gt(gsctp_port(sock), 0);
}

/* "In order; stops at the first failure": options before the failing one
 * are applied, options after it are not. */
Test(setopts, stops_at_first_failure) {
  gsctp_sock sock = tsupport_unit_open_inet(NULL, 0);
  gsctp_opt opts[2];

  opts[0] = tsupport_unit_opt_i(GSCTP_OPT_MODE, GSCTP_MODE_LIST);
  opts[1] = tsupport_unit_opt_i(GSCTP_OPT_PORT, 0);
  cr_assert_eq(gsctp_setopts(sock, opts, 2), GSCTP_EINVAL);
  cr_assert_eq(get_named(sock, GSCTP_OPT_MODE).v.i, GSCTP_MODE_LIST);

  opts[0] = tsupport_unit_opt_i(GSCTP_OPT_PORT, 0);
  opts[1] = tsupport_unit_opt_i(GSCTP_OPT_MODE, GSCTP_MODE_BINARY);
  cr_assert_eq(gsctp_setopts(sock, opts, 2), GSCTP_EINVAL);
  cr_assert_eq(get_named(sock, GSCTP_OPT_MODE).v.i, GSCTP_MODE_LIST);
}

/* ================================================================== */
/* getopts and round trips                                             */
/* ================================================================== */

TestSuite(getopts, .init = tsupport_unit_start_stack);

/* Defaults after a plain open (reference 1.3). */
Test(getopts, defaults_after_open) {
  gsctp_sock sock = tsupport_unit_open_inet(NULL, 0);
  gsctp_opt o;

  cr_assert_eq(get_named(sock, GSCTP_OPT_MODE).v.i, GSCTP_MODE_BINARY);
  cr_assert_eq(get_named(sock, GSCTP_OPT_ACTIVE).v.i, 0);

  o = get_named(sock, GSCTP_OPT_SCTP_EVENTS);
  cr_assert_eq(o.v.events.data_io_event, 1);
  cr_assert_eq(o.v.events.association_event, 1);
  cr_assert_eq(o.v.events.address_event, 1);
  cr_assert_eq(o.v.events.send_failure_event, 1);
  cr_assert_eq(o.v.events.peer_error_event, 1);
  cr_assert_eq(o.v.events.shutdown_event, 1);
  cr_assert_eq(o.v.events.partial_delivery_event, 1);
  cr_assert_eq(o.v.events.adaptation_layer_event, 0);
  cr_assert_eq(o.v.events.authentication_event, 0);

  /* #sctp_sndrcvinfo{ppid=0,context=0,timetolive=0,assoc_id=0} */
  o = get_named(sock, GSCTP_OPT_SCTP_DEFAULT_SEND_PARAM);
  cr_assert_eq(o.v.sndrcvinfo.stream, 0);
  cr_assert_eq(o.v.sndrcvinfo.flags, 0);
  cr_assert_eq(o.v.sndrcvinfo.ppid, 0);
  cr_assert_eq(o.v.sndrcvinfo.context, 0);
  cr_assert_eq(o.v.sndrcvinfo.timetolive, 0);
  cr_assert_eq(o.v.sndrcvinfo.assoc_id, 0);
}

Test(getopts, initmsg_reads_back_what_was_set) {
  gsctp_sock sock = tsupport_unit_open_inet(NULL, 0);
  gsctp_initmsg m = GSCTP_INITMSG_INIT;
  gsctp_opt o;

  m.num_ostreams = 10;
  m.max_instreams = 12;
  m.max_attempts = 3;
  m.max_init_timeo = 5000;
  set1(sock, opt_initmsg(m));

  o = get_named(sock, GSCTP_OPT_SCTP_INITMSG);
  cr_assert_eq(o.name, GSCTP_OPT_SCTP_INITMSG);
  cr_assert_eq(o.v.initmsg.num_ostreams, 10);
  cr_assert_eq(o.v.initmsg.max_instreams, 12);
  cr_assert_eq(o.v.initmsg.max_attempts, 3);
  cr_assert_eq(o.v.initmsg.max_init_timeo, 5000);
}

Test(getopts, initmsg_given_at_open_reads_back) {
  gsctp_initmsg m = GSCTP_INITMSG_INIT;
  gsctp_opt extra;
  gsctp_sock sock;
  gsctp_opt o;

  m.num_ostreams = 7;
  m.max_instreams = 9;
  m.max_attempts = 4;
  m.max_init_timeo = 3000;
  extra = opt_initmsg(m);
  sock = tsupport_unit_open_inet(&extra, 1);

  o = get_named(sock, GSCTP_OPT_SCTP_INITMSG);
  cr_assert_eq(o.v.initmsg.num_ostreams, 7);
  cr_assert_eq(o.v.initmsg.max_instreams, 9);
  cr_assert_eq(o.v.initmsg.max_attempts, 4);
  cr_assert_eq(o.v.initmsg.max_init_timeo, 3000);
}

Test(getopts, events_read_back_what_was_set) {
  gsctp_sock sock = tsupport_unit_open_inet(NULL, 0);
  gsctp_event_subscribe e;
  gsctp_opt o;

  e.data_io_event = 0;
  e.association_event = 1;
  e.address_event = 0;
  e.send_failure_event = 1;
  e.peer_error_event = 0;
  e.shutdown_event = 1;
  e.partial_delivery_event = 0;
  e.adaptation_layer_event = 1;
  e.authentication_event = 0;
  set1(sock, opt_events(e));

  o = get_named(sock, GSCTP_OPT_SCTP_EVENTS);
  cr_assert_eq(o.v.events.data_io_event, 0);
  cr_assert_eq(o.v.events.association_event, 1);
  cr_assert_eq(o.v.events.address_event, 0);
  cr_assert_eq(o.v.events.send_failure_event, 1);
  cr_assert_eq(o.v.events.peer_error_event, 0);
  cr_assert_eq(o.v.events.shutdown_event, 1);
  cr_assert_eq(o.v.events.partial_delivery_event, 0);
  cr_assert_eq(o.v.events.adaptation_layer_event, 1);
  cr_assert_eq(o.v.events.authentication_event, 0);
}

/* inet:setopts(S,[{sctp_events,#sctp_event_subscribe{data_io_event=false}}])
 * re-enables every other default event: no read-modify-write. */
Test(getopts, events_unset_fields_take_type_defaults) {
  gsctp_sock sock = tsupport_unit_open_inet(NULL, 0);
  gsctp_event_subscribe all_off = {0, 0, 0, 0, 0, 0, 0, 0, 0};
  gsctp_event_subscribe e = GSCTP_EVENT_SUBSCRIBE_INIT;
  gsctp_opt o;

  set1(sock, opt_events(all_off));
  o = get_named(sock, GSCTP_OPT_SCTP_EVENTS);
  cr_assert_eq(o.v.events.association_event, 0);
  cr_assert_eq(o.v.events.shutdown_event, 0);

  e.data_io_event = 0;
  set1(sock, opt_events(e));
  o = get_named(sock, GSCTP_OPT_SCTP_EVENTS);
  cr_assert_eq(o.v.events.data_io_event, 0);
  cr_assert_eq(o.v.events.association_event, 1);
  cr_assert_eq(o.v.events.address_event, 1);
  cr_assert_eq(o.v.events.send_failure_event, 1);
  cr_assert_eq(o.v.events.peer_error_event, 1);
  cr_assert_eq(o.v.events.shutdown_event, 1);
  cr_assert_eq(o.v.events.partial_delivery_event, 1);
  cr_assert_eq(o.v.events.adaptation_layer_event, 0);
  cr_assert_eq(o.v.events.authentication_event, 0);
}

/* The driver always reports authentication_event=false. */
Test(getopts, authentication_event_always_reads_zero) {
  gsctp_sock sock = tsupport_unit_open_inet(NULL, 0);
  gsctp_event_subscribe e = gsctp_event_subscribe_default();

  e.authentication_event = 1;
  set1(sock, opt_events(e));
  cr_assert_eq(
    get_named(sock, GSCTP_OPT_SCTP_EVENTS).v.events.authentication_event, 0);
}

Test(getopts, mode_reads_back_what_was_set) {
  gsctp_sock sock = tsupport_unit_open_inet(NULL, 0);

  set1(sock, tsupport_unit_opt_i(GSCTP_OPT_MODE, GSCTP_MODE_LIST));
  cr_assert_eq(get_named(sock, GSCTP_OPT_MODE).v.i, GSCTP_MODE_LIST);
  set1(sock, tsupport_unit_opt_i(GSCTP_OPT_MODE, GSCTP_MODE_BINARY));
  cr_assert_eq(get_named(sock, GSCTP_OPT_MODE).v.i, GSCTP_MODE_BINARY);
}

Test(getopts, mode_given_at_open_reads_back) {
  gsctp_opt extra = tsupport_unit_opt_i(GSCTP_OPT_MODE, GSCTP_MODE_LIST);
  gsctp_sock sock = tsupport_unit_open_inet(&extra, 1);

  cr_assert_eq(get_named(sock, GSCTP_OPT_MODE).v.i, GSCTP_MODE_LIST);
}

Test(getopts, default_send_param_reads_back_what_was_set) {
  gsctp_sock sock = tsupport_unit_open_inet(NULL, 0);
  gsctp_sndrcvinfo s = GSCTP_SNDRCVINFO_INIT;
  gsctp_opt o;

  s.stream = 3;
  s.flags = GSCTP_SNDRCV_UNORDERED;
  s.ppid = 17;
  s.context = 7;
  s.timetolive = 100;
  s.assoc_id = 0;
  set1(sock, opt_send_param(s));

  o = get_named(sock, GSCTP_OPT_SCTP_DEFAULT_SEND_PARAM);
  cr_assert_eq(o.v.sndrcvinfo.stream, 3);
  cr_assert_eq(o.v.sndrcvinfo.flags, GSCTP_SNDRCV_UNORDERED);
  cr_assert_eq(o.v.sndrcvinfo.ppid, 17);
  cr_assert_eq(o.v.sndrcvinfo.context, 7);
  cr_assert_eq(o.v.sndrcvinfo.timetolive, 100);
  cr_assert_eq(o.v.sndrcvinfo.assoc_id, 0);
}

/* {sctp_default_send_param,#sctp_sndrcvinfo{ppid=18}} sets stream 0,
 * context 0, ttl 0, flags [] (test def_sndrcvinfo). */
Test(getopts, default_send_param_unset_fields_take_type_defaults) {
  gsctp_sock sock = tsupport_unit_open_inet(NULL, 0);
  gsctp_sndrcvinfo s = GSCTP_SNDRCVINFO_INIT;
  gsctp_opt o;

  s.stream = 2;
  s.flags = GSCTP_SNDRCV_UNORDERED;
  s.ppid = 17;
  s.context = 5;
  s.timetolive = 50;
  set1(sock, opt_send_param(s));

  s = (gsctp_sndrcvinfo)GSCTP_SNDRCVINFO_INIT;
  s.ppid = 18;
  set1(sock, opt_send_param(s));

  o = get_named(sock, GSCTP_OPT_SCTP_DEFAULT_SEND_PARAM);
  cr_assert_eq(o.v.sndrcvinfo.ppid, 18);
  cr_assert_eq(o.v.sndrcvinfo.stream, 0);
  cr_assert_eq(o.v.sndrcvinfo.flags, 0);
  cr_assert_eq(o.v.sndrcvinfo.context, 0);
  cr_assert_eq(o.v.sndrcvinfo.timetolive, 0);
  cr_assert_eq(o.v.sndrcvinfo.assoc_id, 0);
}

Test(getopts, several_options_in_one_call) {
  gsctp_sock sock = tsupport_unit_open_inet(NULL, 0);
  gsctp_opt req[2];
  size_t nread = 0;

  set1(sock, tsupport_unit_opt_i(GSCTP_OPT_MODE, GSCTP_MODE_LIST));
  memset(req, 0, sizeof(req));
  req[0].name = GSCTP_OPT_SCTP_EVENTS;
  req[1].name = GSCTP_OPT_MODE;
  cr_assert_eq(gsctp_getopts(sock, req, 2, &nread), 0);
  cr_assert_eq(nread, 2);
  cr_assert_eq(req[0].name, GSCTP_OPT_SCTP_EVENTS);
  cr_assert_eq(req[0].v.events.association_event, 1);
  cr_assert_eq(req[1].name, GSCTP_OPT_MODE);
  cr_assert_eq(req[1].v.i, GSCTP_MODE_LIST);

  /* |pnread| may be NULL. */
  cr_assert_eq(gsctp_getopts(sock, req, 2, NULL), 0);
}

/* An option whose read fails is left out and the rest packed to the
 * front: sctp_status of an association that does not exist. */
Test(getopts, failed_reads_are_left_out) {
  gsctp_sock sock = tsupport_unit_open_inet(NULL, 0);
  gsctp_opt req[3];
  size_t nread = 99;

  set1(sock, tsupport_unit_opt_i(GSCTP_OPT_MODE, GSCTP_MODE_LIST));
  memset(req, 0, sizeof(req));
  req[0].name = GSCTP_OPT_SCTP_STATUS;
  req[0].v.status.assoc_id = NO_SUCH_ASSOC;
  req[1].name = GSCTP_OPT_MODE;
  req[2].name = GSCTP_OPT_SCTP_EVENTS;
  cr_assert_eq(gsctp_getopts(sock, req, 3, &nread), 0);
  cr_assert_eq(nread, 2);
  cr_assert_eq(req[0].name, GSCTP_OPT_MODE);
  cr_assert_eq(req[0].v.i, GSCTP_MODE_LIST);
  cr_assert_eq(req[1].name, GSCTP_OPT_SCTP_EVENTS);
  cr_assert_eq(req[1].v.events.shutdown_event, 1);
}

ParameterizedTestParameters(getopts, unknown_name_is_einval) {
  static int names[] = {0, -1, GSCTP_OPT__COUNT, 9999};

  return cr_make_param_array(int, names, TSUPPORT_UNIT_COUNT(names));
}

ParameterizedTest(int *name, getopts, unknown_name_is_einval) {
  gsctp_sock sock = tsupport_unit_open_inet(NULL, 0);
  gsctp_opt req[2];
  size_t nread = 0;

  memset(req, 0, sizeof(req));
  req[0].name = GSCTP_OPT_MODE;
  req[1].name = *name;
  cr_assert_eq(gsctp_getopts(sock, req, 2, &nread), GSCTP_EINVAL,
               "getopts(name %d)", *name);
}

Test(getopts, null_opts_with_count_is_badarg) {
  gsctp_sock sock = tsupport_unit_open_inet(NULL, 0);
  size_t nread = 0;

  cr_assert_eq(gsctp_getopts(sock, NULL, 1, &nread), GSCTP_EBADARG);
}

/* ================================================================== */
/* socknames, peernames, port                                          */
/* ================================================================== */

TestSuite(names, .init = tsupport_unit_start_stack);

Test(names, socknames_of_a_loopback_socket) {
  gsctp_sock sock = tsupport_unit_open_inet(NULL, 0);
  gsctp_ip lo = gsctp_ip_loopback(GSCTP_FAMILY_INET);
  gsctp_addr addrs[4];
  size_t n = 0;
  int port = gsctp_port(sock);

  cr_assert_gt(port, 0);
  cr_assert_eq(gsctp_socknames(sock, 0, addrs, 4, &n), 0);
  cr_assert_eq(n, 1);
  cr_assert(gsctp_ip_equal(&addrs[0].ip, &lo));
  cr_assert_eq(addrs[0].port, port);
}

Test(names, socknames_bad_arguments_are_badarg) {
  gsctp_sock sock = tsupport_unit_open_inet(NULL, 0);
  gsctp_addr addrs[2];
  size_t n = 0;

  cr_assert_eq(gsctp_socknames(sock, 0, addrs, 2, NULL), GSCTP_EBADARG);
  cr_assert_eq(gsctp_socknames(sock, 0, NULL, 2, &n), GSCTP_EBADARG);
  cr_assert_eq(gsctp_peernames(sock, NO_SUCH_ASSOC, addrs, 2, NULL),
               GSCTP_EBADARG);
  cr_assert_eq(gsctp_peernames(sock, NO_SUCH_ASSOC, NULL, 2, &n),
               GSCTP_EBADARG);
}

Test(names, peernames_of_unknown_association) {
  gsctp_sock sock = tsupport_unit_open_inet(NULL, 0);
  gsctp_addr addrs[2];
  size_t n = 0;
  int rv = gsctp_peernames(sock, NO_SUCH_ASSOC, addrs, 2, &n);

  cr_assert(rv == GSCTP_EINVAL || rv == GSCTP_ENOTCONN,
            "peernames(unknown assoc) = %d (%s)", rv, gsctp_err_name(rv));
}

/* ================================================================== */
/* items and error detail                                              */
/* ================================================================== */

Test(item, free_zeroes_and_tolerates_null) {
  gsctp_item item;

  memset(&item, 0, sizeof(item));
  item.from.port = 5000;
  item.from.ip = gsctp_ip_v4(127, 0, 0, 1);
  item.has_anc = 1;
  item.anc = gsctp_sndrcvinfo_default();
  item.list = 1;
  item.is_event = 1;
  item.event.type = GSCTP_EV_SHUTDOWN;
  item.event.u.shutdown.assoc_id = 3;

  gsctp_item_free(NULL);
  gsctp_item_free(&item);
  cr_assert_eq(item.from.port, 0, "item not zeroed");
  cr_assert_eq(item.from.ip.family, 0);
  cr_assert_eq(item.has_anc, 0);
  cr_assert_eq(item.anc.ppid, 0);
  cr_assert_eq(item.list, 0);
  cr_assert_eq(item.is_event, 0);
  cr_assert_null(item.data);
  cr_assert_eq(item.datalen, 0);
  cr_assert_eq(item.event.type, GSCTP_EV_NONE);
  cr_assert_eq(item.event.u.shutdown.assoc_id, 0);

  gsctp_item_free(&item); /* an already freed item */
  cr_assert_eq(item.is_event, 0);
  cr_assert_null(item.data);
}

Test(detail, empty_before_any_error) {
  const char *d = gsctp_error_detail();

  cr_assert_not_null(d);
  cr_assert_str_eq(d, "");
}

/* ================================================================== */
/* the stack                                                           */
/* ================================================================== */

Test(stack, config_defaults) {
  gsctp_stack_config cfg;

  memset(&cfg, 0x5a, sizeof(cfg));
  gsctp_stack_config_default(&cfg);
  cr_assert_eq(cfg.udp_port, -1);
  cr_assert_eq(cfg.no_udp, 0);
}

Test(stack, not_running_before_start) {
  gsctp_stack_stats st;

  cr_assert_eq(gsctp_stack_udp_port(), GSCTP_ENOTCONN);
  cr_assert_eq(gsctp_stack_get_stats(&st), GSCTP_ENOTCONN);
  cr_assert_eq(gsctp_stack_shutdown(1000), GSCTP_ENOTCONN);
}

Test(stack, start_twice_is_ealready) {
  gsctp_stack_config cfg;

  tsupport_unit_start_stack();
  gsctp_stack_config_default(&cfg);
  cfg.udp_port = 0;
  cr_assert_eq(gsctp_stack_start(&cfg), GSCTP_EALREADY);
  cr_assert_eq(gsctp_stack_start(NULL), GSCTP_EALREADY);
  /* ensure is fine with a running stack. */
  cr_assert_eq(gsctp_stack_ensure(), 0);
}

Test(stack, udp_port_is_really_bound) {
  int port, fd;

  tsupport_unit_start_stack();
  port = gsctp_stack_udp_port();
  cr_assert(port >= 1 && port <= 65535, "gsctp_stack_udp_port() = %d", port);

  fd = tsupport_unit_udp_bind(htonl(INADDR_ANY), port, NULL);
  if (fd >= 0) {
    close(fd);
  }
  cr_assert_eq(fd, -EADDRINUSE, "bind(0.0.0.0:%d) = %d", port, fd);

  fd = tsupport_unit_udp_bind(htonl(INADDR_LOOPBACK), port, NULL);
  if (fd >= 0) {
    close(fd);
  }
  cr_assert_eq(fd, -EADDRINUSE, "bind(127.0.0.1:%d) = %d", port, fd);
}

Test(stack, port_taken_by_another_socket_is_eaddrinuse) {
  gsctp_stack_config cfg;
  int taken = 0, fd, rv, port;

  fd = tsupport_unit_udp_bind(htonl(INADDR_ANY), 0, &taken);
  cr_assert_geq(fd, 0, "plain UDP bind failed: %d", fd);

  gsctp_stack_config_default(&cfg);
  cfg.udp_port = taken;
  rv = gsctp_stack_start(&cfg);
  cr_assert_eq(rv, GSCTP_EADDRINUSE, "start on taken port %d = %d (%s)", taken,
               rv, gsctp_err_name(rv));
  cr_assert_eq(gsctp_stack_udp_port(), GSCTP_ENOTCONN,
               "the failed start left a stack running");

  /* The failed start left nothing behind: a start on a free port works. */
  cfg.udp_port = 0;
  rv = gsctp_stack_start(&cfg);
  cr_assert_eq(rv, 0, "start on port 0 after EADDRINUSE = %d (%s)", rv,
               gsctp_err_name(rv));
  port = gsctp_stack_udp_port();
  cr_assert(port >= 1 && port <= 65535);
  cr_assert_neq(port, taken);
  close(fd);
}

ParameterizedTestParameters(stack, config_port_out_of_range_is_einval) {
  static int cases[] = {65536, 70000, -2, INT_MIN, INT_MAX};

  return cr_make_param_array(int, cases, TSUPPORT_UNIT_COUNT(cases));
}

ParameterizedTest(int *port, stack, config_port_out_of_range_is_einval) {
  gsctp_stack_config cfg;

  gsctp_stack_config_default(&cfg);
  cfg.udp_port = *port;
  cr_assert_eq(gsctp_stack_start(&cfg), GSCTP_EINVAL, "udp_port %d", *port);
  cr_assert_eq(gsctp_stack_udp_port(), GSCTP_ENOTCONN);
}

struct env_text {
  char s[16];
};

ParameterizedTestParameters(stack, env_port_garbage_is_einval) {
  static struct env_text cases[] = {{"garbage"}, {"70000"}, {"65536"}, {"-1"},
                                    {"12abc"},   {" "},     {"1.5"}};

  return cr_make_param_array(struct env_text, cases,
                             TSUPPORT_UNIT_COUNT(cases));
}

ParameterizedTest(struct env_text *value, stack, env_port_garbage_is_einval) {
  gsctp_stack_config cfg;
  int rv;

  cr_assert_eq(setenv("GSCTP_UDP_PORT", value->s, 1), 0);
  gsctp_stack_config_default(&cfg); /* udp_port -1: take the env var */
  rv = gsctp_stack_start(&cfg);
  cr_assert_eq(rv, GSCTP_EINVAL, "GSCTP_UDP_PORT=\"%s\": start = %d (%s)",
               value->s, rv, gsctp_err_name(rv));
  cr_assert_eq(gsctp_stack_ensure(), GSCTP_EINVAL,
               "GSCTP_UDP_PORT=\"%s\": ensure", value->s);
  cr_assert_eq(gsctp_stack_udp_port(), GSCTP_ENOTCONN);

  /* Fixing the variable makes the next start work. */
  cr_assert_eq(setenv("GSCTP_UDP_PORT", "0", 1), 0);
  cr_assert_eq(gsctp_stack_start(&cfg), 0);
  cr_assert_gt(gsctp_stack_udp_port(), 0);
}

/* GSCTP_UDP_PORT=P binds P.  The port is found free just before (another
 * process could take it in between, so a few tries are allowed). */
Test(stack, env_port_is_used) {
  gsctp_stack_config cfg;
  char text[16];
  int tries, rv = GSCTP_EADDRINUSE, port = 0;

  for (tries = 0; tries < 5 && rv == GSCTP_EADDRINUSE; ++tries) {
    int fd = tsupport_unit_udp_bind(htonl(INADDR_ANY), 0, &port);

    cr_assert_geq(fd, 0);
    close(fd);
    snprintf(text, sizeof(text), "%d", port);
    cr_assert_eq(setenv("GSCTP_UDP_PORT", text, 1), 0);
    gsctp_stack_config_default(&cfg);
    rv = gsctp_stack_start(&cfg);
  }
  cr_assert_eq(rv, 0, "start with GSCTP_UDP_PORT=%s = %d (%s)", text, rv,
               gsctp_err_name(rv));
  cr_assert_eq(gsctp_stack_udp_port(), port);
}

/* An explicit udp_port in the config wins over the variable. */
Test(stack, config_port_overrides_env) {
  gsctp_stack_config cfg;

  cr_assert_eq(setenv("GSCTP_UDP_PORT", "garbage", 1), 0);
  gsctp_stack_config_default(&cfg);
  cfg.udp_port = 0;
  cr_assert_eq(gsctp_stack_start(&cfg), 0);
  cr_assert_gt(gsctp_stack_udp_port(), 0);
}

Test(stack, no_udp_reports_port_zero) {
  gsctp_stack_config cfg;

  gsctp_stack_config_default(&cfg);
  cfg.no_udp = 1;
  cr_assert_eq(gsctp_stack_start(&cfg), 0);
  cr_assert_eq(gsctp_stack_udp_port(), 0);
}

Test(stack, get_stats_null_is_badarg) {
  gsctp_stack_stats st;

  tsupport_unit_start_stack();
  cr_assert_eq(gsctp_stack_get_stats(NULL), GSCTP_EBADARG);
  cr_assert_eq(gsctp_stack_get_stats(&st), 0);
}

/* ================================================================== */
/* links                                                               */
/* ================================================================== */

static void count_output(void *user, const uint8_t *pkt, size_t pktlen,
                         uint8_t tos) {
  (void)pkt;
  (void)pktlen;
  (void)tos;
  ++*(int *)user;
}

TestSuite(link, .init = tsupport_unit_start_stack);

Test(link, null_arguments_are_badarg) {
  gsctp_link *link = NULL;
  int calls = 0;
  uint8_t pkt[12] = {0};

  cr_assert_eq(gsctp_link_new_memory(NULL), GSCTP_EBADARG);
  cr_assert_eq(gsctp_link_new(NULL, count_output, &calls), GSCTP_EBADARG);
  cr_assert_eq(gsctp_link_new(&link, NULL, &calls), GSCTP_EBADARG);
  cr_assert_eq(gsctp_link_input(NULL, pkt, sizeof(pkt)), GSCTP_EBADARG);
  cr_assert_eq(gsctp_link_set_loss(NULL, 2), GSCTP_EBADARG);
  cr_assert_eq(gsctp_link_packets(NULL), 0);
  gsctp_link_del(NULL);
  cr_assert_eq(calls, 0);
}

Test(link, input_checks_packet_arguments) {
  static uint8_t big[65536];
  gsctp_link *link = NULL;
  int calls = 0;

  cr_assert_eq(gsctp_link_new(&link, count_output, &calls), 0);
  cr_assert_not_null(link);
  cr_assert_eq(gsctp_link_input(link, NULL, 5), GSCTP_EBADARG);
  cr_assert_eq(gsctp_link_input(link, big, sizeof(big)), GSCTP_EMSGSIZE);
  /* A malformed packet is dropped and counted, never an error. */
  cr_assert_eq(gsctp_link_input(link, big, 3), 0);
  gsctp_link_del(link);
}

Test(link, loss_only_on_memory_links) {
  gsctp_link *user = NULL, *mem = NULL;
  int calls = 0;

  cr_assert_eq(gsctp_link_new(&user, count_output, &calls), 0);
  cr_assert_eq(gsctp_link_set_loss(user, 2), GSCTP_EBADARG);
  cr_assert_eq(gsctp_link_new_memory(&mem), 0);
  cr_assert_not_null(mem);
  cr_assert_eq(gsctp_link_set_loss(mem, 2), 0);
  cr_assert_eq(gsctp_link_set_loss(mem, 0), 0);
  cr_assert_eq(gsctp_link_packets(mem), 0);
  gsctp_link_del(mem);
  gsctp_link_del(user);
}

/* A conn socket on an in-memory link: bound to the link, family checks
 * as for IP sockets. */
Test(link, conn_socket_family_checks) {
  gsctp_link *link = NULL;
  gsctp_opt opts[2];
  gsctp_sock sock = 0;
  gsctp_ip lo = gsctp_ip_loopback(GSCTP_FAMILY_INET);
  gsctp_addr addrs[2];
  size_t n = 0;

  cr_assert_eq(gsctp_link_new_memory(&link), 0);
  opts[0] = tsupport_unit_opt_i(GSCTP_OPT_FAMILY, GSCTP_FAMILY_CONN);
  opts[1].name = GSCTP_OPT_IP;
  opts[1].v.ip = gsctp_ip_conn(link);
  cr_assert_eq(gsctp_open(&sock, opts, 2), 0);
  cr_assert_gt(gsctp_port(sock), 0);
  cr_assert_eq(gsctp_socknames(sock, 0, addrs, 2, &n), 0);
  cr_assert_eq(n, 1);
  cr_assert_eq(addrs[0].ip.family, GSCTP_FAMILY_CONN);
  cr_assert_eq(addrs[0].ip.u.conn, (void *)link);

  cr_assert_eq(gsctp_connect_init(sock, &lo, 5000, NULL, 0),
               GSCTP_EAFNOSUPPORT);
  cr_assert_eq(gsctp_close(sock), 0);
  gsctp_link_del(link);
}
