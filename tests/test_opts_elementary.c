/*
 * tests/test_opts_elementary.c - the elementary (non-record) options and
 * the open-only ones: what each does to usrsctp (read back through the
 * internal hook usr_getopt, or its effect seen), and the documented
 * error for each one usrsctp 0.9.5 lacks (docs/api.md).
 */
#ifndef _GNU_SOURCE
#  define _GNU_SOURCE
#endif
#include <criterion/criterion.h>
#include <criterion/parameterized.h>

#include <arpa/inet.h>
#include <fcntl.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gsctp/gsctp.h>

#include "gsctp_int.h"
#include "tsupport.h"

static int udp_port;

static void setup(void) {
  udp_port = ts_stack_start();
}

TestSuite(opts_elem, .init = setup);

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

static gsctp_opt opt_i(int name, int64_t v) {
  gsctp_opt o;
  memset(&o, 0, sizeof(o));
  o.name = name;
  o.v.i = v;
  return o;
}

static void set1(gsctp_sock s, gsctp_opt o) {
  int rc = gsctp_setopts(s, &o, 1);
  cr_assert_eq(rc, 0, "setopts %s: %d (%s) %s", gsctp_opt_name(o.name), rc,
               gsctp_err_name(rc), gsctp_error_detail());
}

static gsctp_opt get1(gsctp_sock s, int name) {
  gsctp_opt o;
  size_t n = 0;
  int rc;

  memset(&o, 0, sizeof(o));
  o.name = name;
  rc = gsctp_getopts(s, &o, 1, &n);
  cr_assert_eq(rc, 0, "getopts %s: %s", gsctp_opt_name(name),
               gsctp_err_name(rc));
  cr_assert_eq(n, 1, "getopts %s left it out", gsctp_opt_name(name));
  return o;
}

static size_t nread_of(gsctp_sock s, int name) {
  gsctp_opt o;
  size_t n = 9;

  memset(&o, 0, sizeof(o));
  o.name = name;
  cr_assert_eq(gsctp_getopts(s, &o, 1, &n), 0);
  return n;
}

/* ------------------------------------------------------------------ */
/* Options usrsctp 0.9.5 lacks: neutral value accepted, else enoprotoopt */
/* ------------------------------------------------------------------ */

struct missing_case {
  int name;
  int64_t neutral; /* INT64_MIN: none */
  int64_t other;
};

ParameterizedTestParameters(opts_elem, missing_option) {
  static struct missing_case cases[] = {
    {GSCTP_OPT_DONTROUTE, 0, 1}, {GSCTP_OPT_PRIORITY, 0, 6},
    {GSCTP_OPT_TCLASS, 0, 0x28}, {GSCTP_OPT_TTL, INT64_MIN, 64},
    {GSCTP_OPT_RECVTOS, 0, 1},   {GSCTP_OPT_RECVTCLASS, 0, 1},
    {GSCTP_OPT_RECVTTL, 0, 1},   {GSCTP_OPT_EXCLUSIVEADDRUSE, 0, 1},
    {GSCTP_OPT_TOS, 0, 0x28}, /* on a UDP (inet) socket */
  };
  return cr_make_param_array(struct missing_case, cases,
                             sizeof(cases) / sizeof(cases[0]));
}

ParameterizedTest(struct missing_case *c, opts_elem, missing_option) {
  gsctp_sock s = ts_open(GSCTP_FAMILY_INET, NULL, NULL, 0), s2 = 0;
  gsctp_opt o = opt_i(c->name, c->other);
  int rc;

  rc = gsctp_setopts(s, &o, 1);
  cr_assert_eq(rc, GSCTP_ENOPROTOOPT, "%s=%lld: %s", gsctp_opt_name(c->name),
               (long long)c->other, gsctp_err_name(rc));
  cr_assert_neq(strlen(gsctp_error_detail()), 0);
  /* At open too, and not turned into badarg. */
  rc = ts_try_open(&s2, GSCTP_FAMILY_INET, NULL, udp_port, &o, 1);
  cr_assert_eq(rc, GSCTP_ENOPROTOOPT, "open with %s: %s",
               gsctp_opt_name(c->name), gsctp_err_name(rc));
  if (c->neutral != INT64_MIN) {
    set1(s, opt_i(c->name, c->neutral));
    cr_assert_eq(get1(s, c->name).v.i, c->neutral);
  } else {
    cr_assert_eq(nread_of(s, c->name), 0, "unknown value must be left out");
  }
  /* Out of range is einval / badarg. */
  o.v.i = 1000;
  if (c->name != GSCTP_OPT_PRIORITY) {
    cr_assert_eq(gsctp_setopts(s, &o, 1), GSCTP_EINVAL);
  }
  gsctp_close(s);
}

Test(opts_elem, msgq_watermarks_are_rejected_as_by_otp) {
  gsctp_sock s = ts_open(GSCTP_FAMILY_INET, NULL, NULL, 0), s2;
  gsctp_opt hi = opt_i(GSCTP_OPT_HIGH_MSGQ_WATERMARK, 8192);
  gsctp_opt lo = opt_i(GSCTP_OPT_LOW_MSGQ_WATERMARK, 4096);

  cr_assert_eq(gsctp_setopts(s, &hi, 1), GSCTP_EINVAL);
  cr_assert_eq(gsctp_setopts(s, &lo, 1), GSCTP_EINVAL);
  cr_assert_eq(gsctp_open(&s2, &hi, 1), GSCTP_EBADARG);
  cr_assert_eq(nread_of(s, GSCTP_OPT_HIGH_MSGQ_WATERMARK), 0);
  gsctp_close(s);
}

Test(opts_elem, ipv6_v6only) {
  gsctp_ip any6 = gsctp_ip_any(GSCTP_FAMILY_INET6);
  gsctp_opt fam = opt_i(GSCTP_OPT_FAMILY, GSCTP_FAMILY_INET6);
  gsctp_sock s6, s4 = ts_open(GSCTP_FAMILY_INET, NULL, NULL, 0);
  gsctp_opt o = opt_i(GSCTP_OPT_IPV6_V6ONLY, 1);

  (void)any6;
  cr_assert_eq(gsctp_open(&s6, &fam, 1), 0);
  /* Emulated (usrsctp 0.9.5 has none) and, as on Linux, only changed
   * before the bind, i.e. at open: tests/test_ipv6.c. */
  cr_assert_eq(gsctp_setopts(s6, &o, 1), GSCTP_EINVAL);
  set1(s6, opt_i(GSCTP_OPT_IPV6_V6ONLY, 0));
  cr_assert_eq(get1(s6, GSCTP_OPT_IPV6_V6ONLY).v.i, 0);
  /* An inet socket has no such option. */
  cr_assert_eq(gsctp_setopts(s4, &o, 1), GSCTP_EINVAL);
  cr_assert_eq(nread_of(s4, GSCTP_OPT_IPV6_V6ONLY), 0);
  gsctp_close(s6);
  gsctp_close(s4);
}

/* ------------------------------------------------------------------ */
/* debug                                                               */
/* ------------------------------------------------------------------ */

Test(opts_elem, debug_traces_option_calls_to_stderr) {
  char path[] = "/tmp/gsctp_debug_XXXXXX";
  int fd = mkstemp(path), saved;
  gsctp_sock s = ts_open(GSCTP_FAMILY_INET, NULL, NULL, 0);
  char buf[4096];
  ssize_t n;

  cr_assert_geq(fd, 0);
  unlink(path);
  cr_assert_eq(get1(s, GSCTP_OPT_DEBUG).v.i, 0);
  fflush(stderr);
  saved = dup(2);
  dup2(fd, 2);
  set1(s, opt_i(GSCTP_OPT_SCTP_NODELAY, 1)); /* debug off: silent */
  set1(s, opt_i(GSCTP_OPT_DEBUG, 1));
  set1(s, opt_i(GSCTP_OPT_SCTP_NODELAY, 0));
  cr_assert_eq(get1(s, GSCTP_OPT_DEBUG).v.i, 1);
  set1(s, opt_i(GSCTP_OPT_DEBUG, 0));
  set1(s, opt_i(GSCTP_OPT_SCTP_NODELAY, 1)); /* off again: silent */
  fflush(stderr);
  dup2(saved, 2);
  close(saved);
  n = pread(fd, buf, sizeof(buf) - 1, 0);
  cr_assert_gt(n, 0, "debug on wrote nothing");
  buf[n] = '\0';
  cr_assert_not_null(strstr(buf, "setopts sctp_nodelay"), "trace: %s", buf);
  cr_assert_not_null(strstr(buf, "getopts debug -> ok"), "trace: %s", buf);
  cr_assert_null(strstr(buf, "sctp_nodelay=1"), "trace while debug was off: %s",
                 buf);
  close(fd);
  gsctp_close(s);
}

/* ------------------------------------------------------------------ */
/* linger                                                              */
/* ------------------------------------------------------------------ */

Test(opts_elem, linger_reads_back_from_usrsctp) {
  gsctp_sock s = ts_open(GSCTP_FAMILY_INET, NULL, NULL, 0);
  gsctp_opt o;
  struct linger l;
  socklen_t len = sizeof(l);

  memset(&o, 0, sizeof(o));
  o.name = GSCTP_OPT_LINGER;
  o.v.linger.onoff = 1;
  o.v.linger.seconds = 7;
  set1(s, o);
  cr_assert_eq(usr_getopt(s, SOL_SOCKET, SO_LINGER, &l, &len), 0);
  cr_assert_eq(l.l_onoff, 1);
  cr_assert_eq(l.l_linger, 7);
  o = get1(s, GSCTP_OPT_LINGER);
  cr_assert_eq(o.v.linger.onoff, 1);
  cr_assert_eq(o.v.linger.seconds, 7);
  o.v.linger.onoff = 2;
  cr_assert_eq(gsctp_setopts(s, &o, 1), GSCTP_EINVAL);
  o.v.linger.onoff = 1;
  o.v.linger.seconds = -1;
  cr_assert_eq(gsctp_setopts(s, &o, 1), GSCTP_EINVAL);
  gsctp_close(s);
}

Test(opts_elem, linger_zero_makes_close_abort) {
  gsctp_opt o;
  gsctp_item item;
  int rc;
  ts_pair p;

  memset(&o, 0, sizeof(o));
  o.name = GSCTP_OPT_LINGER;
  o.v.linger.onoff = 1;
  o.v.linger.seconds = 0;
  ts_pair_open(&p, GSCTP_FAMILY_INET, NULL, &o, 1, NULL, 0);
  gsctp_close(p.cli);
  p.cli = 0;
  /* An abort: comm_lost at the peer, no shutdown event. */
  rc = ts_recv_next(p.srv, TS_WAIT_MS, &item);
  cr_assert_eq(rc, 0, "%s", gsctp_err_name(rc));
  cr_assert(item.is_event);
  cr_assert_eq(item.event.type, GSCTP_EV_ASSOC_CHANGE, "got %s",
               gsctp_event_type_name(item.event.type));
  cr_assert_eq(item.event.u.assoc_change.state, GSCTP_COMM_LOST);
  gsctp_item_free(&item);
  ts_pair_close(&p);
}

Test(opts_elem, without_linger_close_shuts_down_gracefully) {
  gsctp_item item;
  int rc;
  ts_pair p;

  ts_pair_open(&p, GSCTP_FAMILY_INET, NULL, NULL, 0, NULL, 0);
  gsctp_close(p.cli);
  p.cli = 0;
  rc = ts_recv_next(p.srv, TS_WAIT_MS, &item);
  cr_assert_eq(rc, 0);
  cr_assert_eq(item.event.type, GSCTP_EV_SHUTDOWN, "got %s",
               gsctp_event_type_name(item.event.type));
  gsctp_item_free(&item);
  ts_pair_close(&p);
}

/* ------------------------------------------------------------------ */
/* reuseaddr, reuseport, reuseport_lb                                  */
/* ------------------------------------------------------------------ */

Test(opts_elem, reuseaddr_port_is_bindable_again_after_close) {
  gsctp_opt o[3];
  gsctp_sock s;
  ts_pair p;
  int port, rc;
  gsctp_item item;

  o[0] = opt_i(GSCTP_OPT_REUSEADDR, 1);
  ts_pair_open(&p, GSCTP_FAMILY_INET, NULL, NULL, 0, o, 1);
  cr_assert_eq(get1(p.srv, GSCTP_OPT_REUSEADDR).v.i, 1);
  port = p.srv_port;
  /* Graceful end of the association, then close the server. */
  cr_assert_eq(gsctp_eof(p.cli, &p.cli_up), 0);
  rc = ts_recv_event(p.cli, GSCTP_EV_ASSOC_CHANGE, GSCTP_SHUTDOWN_COMP,
                     TS_WAIT_MS, &item, NULL);
  cr_assert_eq(rc, 0);
  gsctp_item_free(&item);
  gsctp_close(p.srv);
  p.srv = 0;
  o[1] = opt_i(GSCTP_OPT_PORT, port);
  o[2] = ts_opt_ip(gsctp_ip_loopback(GSCTP_FAMILY_INET));
  rc = gsctp_open(&s, o, 3);
  cr_assert_eq(rc, 0, "rebinding port %d: %s", port, gsctp_err_name(rc));
  cr_assert_eq(gsctp_port(s), port);
  gsctp_close(s);
  ts_pair_close(&p);
}

/* usrsctp 0.9.5's SCTP_REUSE_PORT lets a second stream socket bind the
 * port but never listen on it (measured), so reuseport and reuseport_lb
 * are enoprotoopt (docs/api.md); without them a port is exclusive. */
Test(opts_elem, reuseport_is_enoprotoopt_and_ports_behave_as_documented) {
  gsctp_opt o[3];
  gsctp_sock a, b;
  int rc;

  o[0] = opt_i(GSCTP_OPT_TYPE, GSCTP_TYPE_STREAM);
  o[1] = opt_i(GSCTP_OPT_REUSEPORT, 1);
  o[2] = ts_opt_ip(gsctp_ip_loopback(GSCTP_FAMILY_INET));
  cr_assert_eq(gsctp_open(&a, o, 3), GSCTP_ENOPROTOOPT);
  o[1] = opt_i(GSCTP_OPT_REUSEPORT_LB, 1);
  cr_assert_eq(gsctp_open(&a, o, 3), GSCTP_ENOPROTOOPT);
  o[1] = opt_i(GSCTP_OPT_REUSEPORT, 0);
  cr_assert_eq(gsctp_open(&a, o, 3), 0);
  cr_assert_eq(get1(a, GSCTP_OPT_REUSEPORT).v.i, 0);
  cr_assert_eq(get1(a, GSCTP_OPT_REUSEPORT_LB).v.i, 0);
  o[1] = opt_i(GSCTP_OPT_PORT, gsctp_port(a));
  rc = gsctp_open(&b, o, 3);
  cr_assert_eq(rc, GSCTP_EADDRINUSE, "a second bind: %s", gsctp_err_name(rc));
  gsctp_close(a);
}

Test(opts_elem, reuseport_on_seqpacket_is_enoprotoopt) {
  gsctp_sock s = ts_open(GSCTP_FAMILY_INET, NULL, NULL, 0);
  gsctp_opt o = opt_i(GSCTP_OPT_REUSEPORT, 1);

  cr_assert_eq(gsctp_setopts(s, &o, 1), GSCTP_ENOPROTOOPT);
  set1(s, opt_i(GSCTP_OPT_REUSEPORT, 0));
  cr_assert_eq(get1(s, GSCTP_OPT_REUSEPORT).v.i, 0);
  gsctp_close(s);
}

/* ------------------------------------------------------------------ */
/* Buffers, mapped addresses                                           */
/* ------------------------------------------------------------------ */

Test(opts_elem, sndbuf_and_recbuf_reach_usrsctp) {
  gsctp_opt o[2] = {opt_i(GSCTP_OPT_SNDBUF, 300000),
                    opt_i(GSCTP_OPT_RECBUF, 200000)};
  gsctp_sock s = ts_open(GSCTP_FAMILY_INET, NULL, o, 2);
  int v = 0;
  socklen_t len = sizeof(v);

  cr_assert_eq(usr_getopt(s, SOL_SOCKET, SO_SNDBUF, &v, &len), 0);
  cr_assert_eq(v, 300000);
  len = sizeof(v);
  cr_assert_eq(usr_getopt(s, SOL_SOCKET, SO_RCVBUF, &v, &len), 0);
  cr_assert_eq(v, 200000);
  cr_assert_eq(get1(s, GSCTP_OPT_RECBUF).v.i, 200000);
  /* recbuf raised the reassembly buffer (OTP: buffer follows recbuf). */
  cr_assert_geq(get1(s, GSCTP_OPT_BUFFER).v.i, 200000);
  gsctp_close(s);
}

Test(opts_elem, mapped_v4_addr_on_inet6_reaches_usrsctp) {
  gsctp_opt o[2] = {opt_i(GSCTP_OPT_FAMILY, GSCTP_FAMILY_INET6),
                    opt_i(GSCTP_OPT_SCTP_I_WANT_MAPPED_V4_ADDR, 1)};
  gsctp_sock s, s4 = ts_open(GSCTP_FAMILY_INET, NULL, NULL, 0);
  uint32_t v = 0;
  socklen_t len = sizeof(v);

  cr_assert_eq(gsctp_open(&s, o, 2), 0);
  cr_assert_eq(
    usr_getopt(s, IPPROTO_SCTP, SCTP_I_WANT_MAPPED_V4_ADDR, &v, &len), 0);
  cr_assert_eq(v, 1);
  cr_assert_eq(get1(s, GSCTP_OPT_SCTP_I_WANT_MAPPED_V4_ADDR).v.i, 1);
  set1(s, opt_i(GSCTP_OPT_SCTP_I_WANT_MAPPED_V4_ADDR, 0));
  cr_assert_eq(get1(s, GSCTP_OPT_SCTP_I_WANT_MAPPED_V4_ADDR).v.i, 0);
  /* inet socket: einval (badarg at open), and left out of getopts. */
  cr_assert_eq(gsctp_setopts(s4, &o[1], 1), GSCTP_EINVAL);
  cr_assert_eq(gsctp_open(&s, &o[1], 1), GSCTP_EBADARG);
  cr_assert_eq(nread_of(s4, GSCTP_OPT_SCTP_I_WANT_MAPPED_V4_ADDR), 0);
  gsctp_close(s);
  gsctp_close(s4);
}

/* ------------------------------------------------------------------ */
/* tos on a conn socket: the link sees it                              */
/* ------------------------------------------------------------------ */

static atomic_int g_last_tos = -1;
static atomic_int g_pkts;

static void tos_output(void *user, const uint8_t *pkt, size_t len,
                       uint8_t tos) {
  (void)user;
  (void)pkt;
  (void)len;
  atomic_store(&g_last_tos, tos);
  atomic_fetch_add(&g_pkts, 1);
}

Test(opts_elem, tos_on_conn_socket_reaches_the_link) {
  gsctp_link *link = NULL;
  gsctp_opt o[2];
  gsctp_sock s;
  gsctp_ip ip;
  int64_t end;

  cr_assert_eq(gsctp_link_new(&link, tos_output, NULL), 0);
  ip = gsctp_ip_conn(link);
  o[0] = ts_opt_ip(ip);
  o[1] = opt_i(GSCTP_OPT_TOS, 0x28);
  cr_assert_eq(gsctp_open(&s, o, 2), 0, "%s", gsctp_error_detail());
  cr_assert_eq(get1(s, GSCTP_OPT_TOS).v.i, 0x28);
  cr_assert_eq(gsctp_connect_init(s, &ip, 5000, NULL, 0), 0);
  end = ts_now_ms() + TS_WAIT_MS;
  while (atomic_load(&g_pkts) == 0 && ts_now_ms() < end) {
    ts_sleep_ms(10);
  }
  cr_assert_gt(atomic_load(&g_pkts), 0, "no INIT on the link");
  cr_assert_eq(atomic_load(&g_last_tos) & 0xfc, 0x28, "tos on the link 0x%x",
               atomic_load(&g_last_tos));
  gsctp_close(s);
  gsctp_link_del(link);
}

/* ------------------------------------------------------------------ */
/* Open-only: ifaddr, netns, bind_to_device                            */
/* ------------------------------------------------------------------ */

Test(opts_elem, ifaddr_sockaddr_sets_address_and_port) {
  int port = ts_free_udp_port(); /* any number will do as an SCTP port */
  gsctp_opt o[2];
  gsctp_sock s;
  gsctp_addr a;
  size_t n = 0;

  cr_assert_gt(port, 0);
  memset(o, 0, sizeof(o));
  o[0].name = GSCTP_OPT_IFADDR;
  o[0].v.addr.ip = gsctp_ip_loopback(GSCTP_FAMILY_INET);
  o[0].v.addr.port = (uint16_t)port;
  cr_assert_eq(gsctp_open(&s, o, 1), 0, "%s", gsctp_error_detail());
  cr_assert_eq(gsctp_port(s), port);
  cr_assert_eq(gsctp_socknames(s, 0, &a, 1, &n), 0);
  cr_assert_eq(n, 1);
  cr_assert(ts_addr_is(&a, &o[0].v.addr.ip, (uint16_t)port));
  gsctp_close(s);
  /* A later port option overrides the sockaddr's port. */
  o[1] = opt_i(GSCTP_OPT_PORT, 0);
  cr_assert_eq(gsctp_open(&s, o, 2), 0);
  cr_assert_neq(gsctp_port(s), port);
  /* Open only. */
  cr_assert_eq(gsctp_setopts(s, &o[0], 1), GSCTP_EINVAL);
  gsctp_close(s);
}

Test(opts_elem, netns_of_this_process_is_accepted) {
  gsctp_opt o;
  gsctp_sock s;

  memset(&o, 0, sizeof(o));
  o.name = GSCTP_OPT_NETNS;
  o.v.str = "/proc/self/ns/net";
  cr_assert_eq(gsctp_open(&s, &o, 1), 0, "%s", gsctp_error_detail());
  cr_assert_eq(gsctp_setopts(s, &o, 1), GSCTP_EINVAL);
  gsctp_close(s);
  o.v.str = "/var/run/netns/gsctp-no-such-namespace";
  cr_assert_eq(gsctp_open(&s, &o, 1), GSCTP_ENOENT);
  o.v.str = NULL;
  cr_assert_eq(gsctp_open(&s, &o, 1), GSCTP_EBADARG);
  o.v.str = "";
  cr_assert_eq(gsctp_open(&s, &o, 1), GSCTP_EBADARG);
}

Test(opts_elem, netns_of_another_namespace_is_eopnotsupp) {
  int pfd[2];
  pid_t pid;
  char c = 0, path[64];
  gsctp_opt o;
  gsctp_sock s;
  int st, rc;

  cr_assert_eq(pipe(pfd), 0);
  pid = fork();
  if (pid == 0) {
    close(pfd[0]);
  }
  cr_assert_geq(pid, 0);
  if (pid == 0) {
    char r = unshare(CLONE_NEWNET) == 0 ? 'y' : 'n';
    (void)!write(pfd[1], &r, 1);
    for (;;) {
      pause(); /* until the parent kills it */
    }
  }
  cr_assert_eq(read(pfd[0], &c, 1), 1);
  if (c != 'y') {
    kill(pid, SIGKILL);
    waitpid(pid, &st, 0);
    cr_skip_test("cannot create a network namespace here");
  }
  snprintf(path, sizeof(path), "/proc/%d/ns/net", (int)pid);
  memset(&o, 0, sizeof(o));
  o.name = GSCTP_OPT_NETNS;
  o.v.str = path;
  rc = gsctp_open(&s, &o, 1);
  kill(pid, SIGKILL);
  waitpid(pid, &st, 0);
  close(pfd[0]);
  close(pfd[1]);
  cr_assert_eq(rc, GSCTP_EOPNOTSUPP, "%s: %s", gsctp_err_name(rc),
               gsctp_error_detail());
}

Test(opts_elem, bind_to_device_is_enoprotoopt) {
  gsctp_opt o;
  gsctp_sock s, s2 = ts_open(GSCTP_FAMILY_INET, NULL, NULL, 0);

  memset(&o, 0, sizeof(o));
  o.name = GSCTP_OPT_BIND_TO_DEVICE;
  o.v.str = "lo";
  cr_assert_eq(gsctp_open(&s, &o, 1), GSCTP_ENOPROTOOPT);
  cr_assert_eq(gsctp_setopts(s2, &o, 1), GSCTP_ENOPROTOOPT);
  o.v.str = NULL;
  cr_assert_eq(gsctp_open(&s, &o, 1), GSCTP_EBADARG);
  cr_assert_eq(gsctp_setopts(s2, &o, 1), GSCTP_EINVAL);
  o.v.str = "a-name-much-too-long-for-an-interface";
  cr_assert_eq(gsctp_open(&s, &o, 1), GSCTP_EBADARG);
  gsctp_close(s2);
}

/* ------------------------------------------------------------------ */
/* Inheritance (peeloff's helper)                                      */
/* ------------------------------------------------------------------ */

Test(opts_elem, inherit_copies_the_inheritable_options) {
  gsctp_opt o[5];
  gsctp_sock a, b;
  gsctp_sockimpl *sa, *sb;
  gsctp_opt l;

  memset(&l, 0, sizeof(l));
  l.name = GSCTP_OPT_LINGER;
  l.v.linger.onoff = 1;
  l.v.linger.seconds = 3;
  o[0] = opt_i(GSCTP_OPT_MODE, GSCTP_MODE_LIST);
  o[1] = opt_i(GSCTP_OPT_SCTP_NODELAY, 1);
  o[2] = opt_i(GSCTP_OPT_SNDBUF, 123456);
  o[3] = opt_i(GSCTP_OPT_BUFFER, 4321);
  o[4] = l;
  a = ts_open(GSCTP_FAMILY_INET, NULL, o, 5);
  b = ts_open(GSCTP_FAMILY_INET, NULL, NULL, 0);
  sa = gsctp_sock_get(a);
  sb = gsctp_sock_get(b);
  cr_assert_eq(gsctp_opts_inherit(sa, sb), 0);
  gsctp_sock_put(sa);
  gsctp_sock_put(sb);
  cr_assert_eq(get1(b, GSCTP_OPT_MODE).v.i, GSCTP_MODE_LIST);
  cr_assert_eq(get1(b, GSCTP_OPT_SCTP_NODELAY).v.i, 1);
  cr_assert_eq(get1(b, GSCTP_OPT_SNDBUF).v.i, 123456);
  cr_assert_eq(get1(b, GSCTP_OPT_BUFFER).v.i, 4321);
  cr_assert_eq(get1(b, GSCTP_OPT_LINGER).v.linger.seconds, 3);
  cr_assert_eq(get1(b, GSCTP_OPT_PRIORITY).v.i, 0);
  gsctp_close(a);
  gsctp_close(b);
}

/* An inet6 server bound to 127.0.0.1 and reached by an inet client:
 * with sctp_i_want_mapped_v4_addr the peer appears as ::ffff:127.0.0.1,
 * without it as 127.0.0.1. */
static gsctp_addr v4_peer_seen_by_inet6_server(int mapped) {
  gsctp_opt so[3];
  gsctp_sock srv, cli;
  gsctp_ip lo = gsctp_ip_loopback(GSCTP_FAMILY_INET);
  gsctp_assoc_change up = gsctp_assoc_change_default();
  gsctp_item item;
  gsctp_addr from;
  int rc;

  so[0] = opt_i(GSCTP_OPT_FAMILY, GSCTP_FAMILY_INET6);
  so[1] = ts_opt_ip(lo);
  so[2] = opt_i(GSCTP_OPT_SCTP_I_WANT_MAPPED_V4_ADDR, mapped);
  rc = gsctp_open(&srv, so, 3);
  cr_assert_eq(rc, 0, "inet6 server on 127.0.0.1: %s %s", gsctp_err_name(rc),
               gsctp_error_detail());
  cr_assert_eq(gsctp_listen(srv, 5), 0);
  cli = ts_open(GSCTP_FAMILY_INET, NULL, NULL, 0);
  rc = gsctp_connect(cli, &lo, gsctp_port(srv), NULL, 0, TS_WAIT_MS, &up);
  cr_assert_eq(rc, 0, "connect: %s", gsctp_err_name(rc));
  cr_assert_eq(gsctp_send(cli, up.assoc_id, 0, "m", 1), 0);
  rc = ts_recv_event(srv, GSCTP_EV_ASSOC_CHANGE, GSCTP_COMM_UP, TS_WAIT_MS,
                     &item, NULL);
  cr_assert_eq(rc, 0);
  gsctp_item_free(&item);
  ts_recv_data(srv, TS_WAIT_MS, &item);
  from = item.from;
  gsctp_item_free(&item);
  gsctp_close(cli);
  gsctp_close(srv);
  return from;
}

Test(opts_elem, mapped_v4_addr_changes_how_ipv4_peers_appear) {
  gsctp_addr on = v4_peer_seen_by_inet6_server(1);
  gsctp_addr off = v4_peer_seen_by_inet6_server(0);
  char b1[64], b2[64];

  cr_assert_eq(on.ip.family, GSCTP_FAMILY_INET6, "mapped on: %s",
               ts_addr_str(&on, b1, sizeof(b1)));
  cr_assert_eq(on.ip.u.v6[10], 0xff);
  cr_assert_eq(on.ip.u.v6[11], 0xff);
  cr_assert_eq(on.ip.u.v6[12], 127);
  cr_assert_eq(off.ip.family, GSCTP_FAMILY_INET, "mapped off: %s",
               ts_addr_str(&off, b2, sizeof(b2)));
  cr_assert_gt(on.port, 0);
  cr_assert_gt(off.port, 0);
}

/* ------------------------------------------------------------------ */
/* netns before the stack runs: the stack is started inside it         */
/* ------------------------------------------------------------------ */

static pid_t g_ns_child = -1;

static void kill_ns_child(void) {
  if (g_ns_child > 0) {
    kill(g_ns_child, SIGKILL);
    waitpid(g_ns_child, NULL, 0);
    g_ns_child = -1;
  }
}

/* No stack started by the suite; the namespace child dies even when a
 * test fails. */
TestSuite(opts_netns, .fini = kill_ns_child);

/* A child in a new network namespace with its loopback up; returns its
 * PID (the namespace is /proc/PID/ns/net), or -1 if namespaces cannot be
 * made here. */
static pid_t netns_child(void) {
  int pfd[2];
  pid_t pid;
  char c = 0;

  cr_assert_eq(pipe(pfd), 0);
  pid = fork();
  cr_assert_geq(pid, 0);
  if (pid == 0) {
    struct ifreq ifr;
    int fd;
    char r = 'n';

    close(pfd[0]);
    if (unshare(CLONE_NEWNET) == 0 &&
        (fd = socket(AF_INET, SOCK_DGRAM, 0)) >= 0) {
      memset(&ifr, 0, sizeof(ifr));
      strcpy(ifr.ifr_name, "lo");
      if (ioctl(fd, SIOCGIFFLAGS, &ifr) == 0) {
        ifr.ifr_flags |= IFF_UP;
        if (ioctl(fd, SIOCSIFFLAGS, &ifr) == 0) {
          r = 'y';
        }
      }
    }
    (void)!write(pfd[1], &r, 1);
    for (;;) {
      pause(); /* until the parent kills it */
    }
  }
  close(pfd[1]);
  g_ns_child = pid;
  if (read(pfd[0], &c, 1) != 1 || c != 'y') {
    kill_ns_child();
    pid = -1;
  }
  close(pfd[0]);
  return pid;
}

Test(opts_netns, first_open_starts_the_stack_inside_the_namespace) {
  pid_t pid = netns_child();
  char path[64];
  gsctp_opt o[4];
  gsctp_sock srv, cli, other;
  gsctp_ip lo = gsctp_ip_loopback(GSCTP_FAMILY_INET);
  gsctp_assoc_change up = gsctp_assoc_change_default();
  gsctp_item item;
  uint16_t uport;
  int rc, port, fd;

  if (pid < 0) {
    cr_skip_test("cannot create a network namespace here");
  }
  snprintf(path, sizeof(path), "/proc/%d/ns/net", (int)pid);
  memset(o, 0, sizeof(o));
  o[0].name = GSCTP_OPT_NETNS;
  o[0].v.str = path;
  o[1] = ts_opt_ip(lo);
  o[2] = opt_i(GSCTP_OPT_UDP_PORT, 0); /* a free port in that namespace */
  rc = gsctp_open(&srv, o, 3);
  cr_assert_eq(rc, 0, "open in %s: %s %s", path, gsctp_err_name(rc),
               gsctp_error_detail());
  port = gsctp_stack_udp_port();
  cr_assert_gt(port, 0);
  /* The stack's UDP socket is not in this process's namespace: its port
   * is free here. */
  fd = socket(AF_INET, SOCK_DGRAM, 0);
  {
    struct sockaddr_in sin;
    memset(&sin, 0, sizeof(sin));
    sin.sin_family = AF_INET;
    sin.sin_port = htons((uint16_t)port);
    sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    cr_assert_eq(bind(fd, (struct sockaddr *)&sin, sizeof(sin)), 0,
                 "UDP port %d is taken in our own namespace", port);
  }
  close(fd);
  (void)uport;

  /* An association inside the namespace. */
  cr_assert_eq(gsctp_listen(srv, 5), 0);
  o[2] = opt_i(GSCTP_OPT_UDP_REMOTE_PORT, port);
  rc = gsctp_open(&cli, o, 3);
  cr_assert_eq(rc, 0, "second open: %s %s", gsctp_err_name(rc),
               gsctp_error_detail());
  rc = gsctp_connect(cli, &lo, gsctp_port(srv), NULL, 0, TS_WAIT_MS, &up);
  cr_assert_eq(rc, 0, "connect inside the namespace: %s", gsctp_err_name(rc));
  cr_assert_eq(gsctp_send(cli, up.assoc_id, 0, "ns", 2), 0);
  rc = ts_recv_event(srv, GSCTP_EV_ASSOC_CHANGE, GSCTP_COMM_UP, TS_WAIT_MS,
                     &item, NULL);
  cr_assert_eq(rc, 0);
  gsctp_item_free(&item);
  ts_recv_data(srv, TS_WAIT_MS, &item);
  cr_assert_eq(item.datalen, 2);
  gsctp_item_free(&item);

  /* Our own namespace is now the wrong one. */
  o[0].v.str = "/proc/self/ns/net";
  cr_assert_eq(gsctp_open(&other, o, 1), GSCTP_EOPNOTSUPP);
  gsctp_close(cli);
  gsctp_close(srv);
  kill_ns_child();
}
