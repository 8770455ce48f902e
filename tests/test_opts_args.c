/*
 * tests/test_opts_args.c - API arguments of the option records and
 * options added for issue 7: typed errors for bad record fields (as
 * OTP's {error, {type, ...}}), einval for bad values in setopts and
 * badarg for them at open, read-only/set-only options, type defaults on
 * setopts versus current values on connect (gen_sctp-semantics.md 1.4).
 */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>

#include <string.h>

#include <gsctp/gsctp.h>

#include "tsupport.h"

#define UNDEF GSCTP_UNDEF
#define OVER_U32 4294967296LL /* 2^32 */

static void setup(void) {
  (void)ts_stack_start();
}

TestSuite(opts_args, .init = setup);

struct rec_case {
  char label[48];
  gsctp_opt opt;
  int setopts_rc; /* and open: GSCTP_EINVAL becomes GSCTP_EBADARG */
};

#define RTO(a, i, x, n)                                                        \
  {                                                                            \
    .name = GSCTP_OPT_SCTP_RTOINFO, .v.rtoinfo = { a, i, x, n }                \
  }
#define ASSOC(a, r, d, p, l, c)                                                \
  {                                                                            \
    .name = GSCTP_OPT_SCTP_ASSOCINFO, .v.assocparams = { a, r, d, p, l, c }    \
  }
#define SPP(hb, rx, mtu, sd, fl)                                               \
  {                                                                            \
    .name = GSCTP_OPT_SCTP_PEER_ADDR_PARAMS, .v.paddrparams = {                \
      UNDEF,                                                                   \
      {{0, {{0}}}, 0},                                                         \
      hb,                                                                      \
      rx,                                                                      \
      mtu,                                                                     \
      sd,                                                                      \
      fl                                                                       \
    }                                                                          \
  }
#define AV(a, val)                                                             \
  {                                                                            \
    .name = GSCTP_OPT_SCTP_DELAYED_ACK_TIME, .v.assoc_value = { a, val }       \
  }

ParameterizedTestParameters(opts_args, bad_record_field) {
  static struct rec_case cases[] = {
    {"rtoinfo assoc_id -1", RTO(-1, UNDEF, UNDEF, UNDEF), GSCTP_ETYPE},
    {"rtoinfo initial -1", RTO(UNDEF, -1, UNDEF, UNDEF), GSCTP_ETYPE},
    {"rtoinfo max 2^32", RTO(UNDEF, UNDEF, OVER_U32, UNDEF), GSCTP_ETYPE},
    {"rtoinfo min -5", RTO(UNDEF, UNDEF, UNDEF, -5), GSCTP_ETYPE},
    {"assocparams asocmaxrxt 65536",
     ASSOC(UNDEF, 65536, UNDEF, UNDEF, UNDEF, UNDEF), GSCTP_ETYPE},
    {"assocparams destinations -1",
     ASSOC(UNDEF, UNDEF, -1, UNDEF, UNDEF, UNDEF), GSCTP_ETYPE},
    {"assocparams peer_rwnd 2^32",
     ASSOC(UNDEF, UNDEF, UNDEF, OVER_U32, UNDEF, UNDEF), GSCTP_ETYPE},
    {"assocparams local_rwnd -1", ASSOC(UNDEF, UNDEF, UNDEF, UNDEF, -1, UNDEF),
     GSCTP_ETYPE},
    {"assocparams cookie_life -1", ASSOC(UNDEF, UNDEF, UNDEF, UNDEF, UNDEF, -1),
     GSCTP_ETYPE},
    {"prim assoc_id undefined",
     {.name = GSCTP_OPT_SCTP_PRIMARY_ADDR,
      .v.prim = {UNDEF, {{1, {{127, 0, 0, 1}}}, 1}}},
     GSCTP_ETYPE},
    {"prim assoc_id -1",
     {.name = GSCTP_OPT_SCTP_PRIMARY_ADDR,
      .v.prim = {-1, {{1, {{127, 0, 0, 1}}}, 1}}},
     GSCTP_ETYPE},
    {"prim addr unset",
     {.name = GSCTP_OPT_SCTP_PRIMARY_ADDR, .v.prim = {5, {{0, {{0}}}, 0}}},
     GSCTP_ETYPE},
    {"setpeerprim assoc_id undefined",
     {.name = GSCTP_OPT_SCTP_SET_PEER_PRIMARY_ADDR,
      .v.setpeerprim = {UNDEF, {{1, {{127, 0, 0, 1}}}, 1}}},
     GSCTP_ETYPE},
    {"setpeerprim addr unset",
     {.name = GSCTP_OPT_SCTP_SET_PEER_PRIMARY_ADDR,
      .v.setpeerprim = {5, {{0, {{0}}}, 0}}},
     GSCTP_ETYPE},
    {"setadaptation -1",
     {.name = GSCTP_OPT_SCTP_ADAPTATION_LAYER, .v.setadaptation = {-1}},
     GSCTP_ETYPE},
    {"setadaptation 2^32",
     {.name = GSCTP_OPT_SCTP_ADAPTATION_LAYER, .v.setadaptation = {OVER_U32}},
     GSCTP_ETYPE},
    {"paddrparams hbinterval -1", SPP(-1, UNDEF, UNDEF, UNDEF, UNDEF),
     GSCTP_ETYPE},
    {"paddrparams pathmaxrxt 65536", SPP(UNDEF, 65536, UNDEF, UNDEF, UNDEF),
     GSCTP_ETYPE},
    {"paddrparams pathmtu 2^32", SPP(UNDEF, UNDEF, OVER_U32, UNDEF, UNDEF),
     GSCTP_ETYPE},
    {"paddrparams sackdelay -1", SPP(UNDEF, UNDEF, UNDEF, -1, UNDEF),
     GSCTP_ETYPE},
    {"paddrparams flags 128", SPP(UNDEF, UNDEF, UNDEF, UNDEF, 128),
     GSCTP_ETYPE},
    {"paddrparams flags -1", SPP(UNDEF, UNDEF, UNDEF, UNDEF, -1), GSCTP_ETYPE},
    {"paddrparams hb_enable+hb_disable",
     SPP(UNDEF, UNDEF, UNDEF, UNDEF,
         GSCTP_SPP_HB_ENABLE | GSCTP_SPP_HB_DISABLE),
     GSCTP_EINVAL},
    {"paddrparams pmtud pair",
     SPP(UNDEF, UNDEF, UNDEF, UNDEF,
         GSCTP_SPP_PMTUD_ENABLE | GSCTP_SPP_PMTUD_DISABLE),
     GSCTP_EINVAL},
    {"paddrparams sackdelay pair",
     SPP(UNDEF, UNDEF, UNDEF, UNDEF,
         GSCTP_SPP_SACKDELAY_ENABLE | GSCTP_SPP_SACKDELAY_DISABLE),
     GSCTP_EINVAL},
    {"assoc_value assoc_id -1", AV(-1, 10), GSCTP_ETYPE},
    {"assoc_value value 2^32", AV(UNDEF, OVER_U32), GSCTP_ETYPE},
    {"linger onoff 2",
     {.name = GSCTP_OPT_LINGER, .v.linger = {2, 0}},
     GSCTP_EINVAL},
    {"linger seconds -1",
     {.name = GSCTP_OPT_LINGER, .v.linger = {1, -1}},
     GSCTP_EINVAL},
    {"get_peer_addr_info is read-only",
     {.name = GSCTP_OPT_SCTP_GET_PEER_ADDR_INFO},
     GSCTP_EINVAL},
    {"debug 2", {.name = GSCTP_OPT_DEBUG, .v.i = 2}, GSCTP_EINVAL},
    {"reuseaddr -1", {.name = GSCTP_OPT_REUSEADDR, .v.i = -1}, GSCTP_EINVAL},
    {"disable_fragments 2",
     {.name = GSCTP_OPT_SCTP_DISABLE_FRAGMENTS, .v.i = 2},
     GSCTP_EINVAL},
    {"tos 256", {.name = GSCTP_OPT_TOS, .v.i = 256}, GSCTP_EINVAL},
  };
  return cr_make_param_array(struct rec_case, cases,
                             sizeof(cases) / sizeof(cases[0]));
}

ParameterizedTest(struct rec_case *c, opts_args, bad_record_field) {
  gsctp_sock s = ts_open(GSCTP_FAMILY_INET, NULL, NULL, 0), s2 = 0;
  int rc = gsctp_setopts(s, &c->opt, 1);
  int open_rc = c->setopts_rc == GSCTP_EINVAL ? GSCTP_EBADARG : c->setopts_rc;

  cr_assert_eq(rc, c->setopts_rc, "%s: setopts gave %s (%s)", c->label,
               gsctp_err_name(rc), gsctp_error_detail());
  if (rc == GSCTP_ETYPE) {
    cr_assert_neq(strlen(gsctp_error_detail()), 0, "%s: no detail", c->label);
  }
  rc = gsctp_open(&s2, &c->opt, 1);
  cr_assert_eq(rc, open_rc, "%s: open gave %s", c->label, gsctp_err_name(rc));
  gsctp_close(s);
}

Test(opts_args, type_error_detail_names_the_field) {
  gsctp_sock s = ts_open(GSCTP_FAMILY_INET, NULL, NULL, 0);
  gsctp_opt o = ASSOC(UNDEF, 70000, UNDEF, UNDEF, UNDEF, UNDEF);

  cr_assert_eq(gsctp_setopts(s, &o, 1), GSCTP_ETYPE);
  cr_assert_not_null(strstr(gsctp_error_detail(), "asocmaxrxt"), "%s",
                     gsctp_error_detail());
  cr_assert_not_null(strstr(gsctp_error_detail(), "field 3"), "%s",
                     gsctp_error_detail());
  gsctp_close(s);
}

Test(opts_args, every_new_option_has_its_erlang_name) {
  static const struct {
    int name;
    const char *atom;
  } t[] = {
    {GSCTP_OPT_DEBUG, "debug"},
    {GSCTP_OPT_LINGER, "linger"},
    {GSCTP_OPT_REUSEPORT_LB, "reuseport_lb"},
    {GSCTP_OPT_IPV6_V6ONLY, "ipv6_v6only"},
    {GSCTP_OPT_IFADDR, "ifaddr"},
    {GSCTP_OPT_NETNS, "netns"},
    {GSCTP_OPT_SCTP_RTOINFO, "sctp_rtoinfo"},
    {GSCTP_OPT_SCTP_ASSOCINFO, "sctp_associnfo"},
    {GSCTP_OPT_SCTP_SET_PEER_PRIMARY_ADDR, "sctp_set_peer_primary_addr"},
    {GSCTP_OPT_SCTP_DELAYED_ACK_TIME, "sctp_delayed_ack_time"},
    {GSCTP_OPT_SCTP_GET_PEER_ADDR_INFO, "sctp_get_peer_addr_info"},
  };
  size_t i;
  int n;

  for (i = 0; i < sizeof(t) / sizeof(t[0]); ++i) {
    cr_assert_str_eq(gsctp_opt_name(t[i].name), t[i].atom);
  }
  for (n = 1; n < GSCTP_OPT__COUNT; ++n) {
    cr_assert_str_neq(gsctp_opt_name(n), "unknown", "option %d has no name", n);
  }
}

/* ------------------------------------------------------------------ */
/* Type defaults on setopts, current values on connect                 */
/* ------------------------------------------------------------------ */

static gsctp_opt av(int64_t assoc_id, int64_t value) {
  gsctp_opt o = AV(assoc_id, value);
  return o;
}

static gsctp_opt get1(gsctp_sock s, gsctp_opt o) {
  size_t n = 0;
  cr_assert_eq(gsctp_getopts(s, &o, 1, &n), 0);
  cr_assert_eq(n, 1, "%s left out", gsctp_opt_name(o.name));
  return o;
}

static void set1(gsctp_sock s, gsctp_opt o) {
  int rc = gsctp_setopts(s, &o, 1);
  cr_assert_eq(rc, 0, "setopts %s: %s %s", gsctp_opt_name(o.name),
               gsctp_err_name(rc), gsctp_error_detail());
}

Test(opts_args, unset_fields_type_default_on_setopts_current_on_connect) {
  gsctp_sock srv = ts_open_server(GSCTP_FAMILY_INET, NULL, NULL, 0);
  gsctp_sock cli = ts_open(GSCTP_FAMILY_INET, NULL, NULL, 0);
  gsctp_ip lo = gsctp_ip_loopback(GSCTP_FAMILY_INET);
  gsctp_assoc_change up = gsctp_assoc_change_default();
  gsctp_opt ad = {.name = GSCTP_OPT_SCTP_ADAPTATION_LAYER,
                  .v.setadaptation = {55}};
  gsctp_opt da = AV(UNDEF, 250);
  gsctp_opt unset[2];
  int rc;

  set1(cli, ad);
  set1(cli, da);
  cr_assert_eq(get1(cli, ad).v.setadaptation.adaptation_ind, 55);
  cr_assert_eq(get1(cli, av(UNDEF, UNDEF)).v.assoc_value.assoc_value, 250);
  /* setopts with unset fields: the type default 0. */
  unset[0] = ad;
  unset[0].v.setadaptation.adaptation_ind = UNDEF;
  unset[1] = av(UNDEF, UNDEF);
  set1(cli, unset[0]);
  set1(cli, unset[1]);
  cr_assert_eq(get1(cli, ad).v.setadaptation.adaptation_ind, 0);
  cr_assert_eq(get1(cli, av(UNDEF, UNDEF)).v.assoc_value.assoc_value, 0);
  /* Given to connect, the same unset fields keep the current values. */
  set1(cli, ad);
  set1(cli, da);
  rc = gsctp_connect(cli, &lo, gsctp_port(srv), unset, 2, TS_WAIT_MS, &up);
  cr_assert_eq(rc, 0, "connect: %s %s", gsctp_err_name(rc),
               gsctp_error_detail());
  cr_assert_eq(get1(cli, ad).v.setadaptation.adaptation_ind, 55);
  cr_assert_eq(get1(cli, av(UNDEF, UNDEF)).v.assoc_value.assoc_value, 250);
  gsctp_close(cli);
  gsctp_close(srv);
}

Test(opts_args, connect_rejects_bad_record_fields) {
  gsctp_sock srv = ts_open_server(GSCTP_FAMILY_INET, NULL, NULL, 0);
  gsctp_sock cli = ts_open(GSCTP_FAMILY_INET, NULL, NULL, 0);
  gsctp_ip lo = gsctp_ip_loopback(GSCTP_FAMILY_INET);
  gsctp_opt o = RTO(UNDEF, -1, UNDEF, UNDEF);
  gsctp_opt n = {.name = GSCTP_OPT_NETNS, .v.str = "/proc/self/ns/net"};

  cr_assert_eq(gsctp_connect_init(cli, &lo, gsctp_port(srv), &o, 1),
               GSCTP_ETYPE);
  cr_assert_eq(gsctp_connect_init(cli, &lo, gsctp_port(srv), &n, 1),
               GSCTP_EINVAL);
  gsctp_close(cli);
  gsctp_close(srv);
}

/* ------------------------------------------------------------------ */
/* getopts leaves out what cannot be read                              */
/* ------------------------------------------------------------------ */

Test(opts_args, getopts_leaves_out_failed_reads) {
  gsctp_sock s = ts_open(GSCTP_FAMILY_INET, NULL, NULL, 0);
  gsctp_opt req[6];
  size_t n = 0;

  memset(req, 0, sizeof(req));
  req[0].name = GSCTP_OPT_SCTP_PRIMARY_ADDR; /* no association */
  req[0].v.prim.assoc_id = 12345;
  req[1].name = GSCTP_OPT_SCTP_RTOINFO;
  req[1].v.rtoinfo = (gsctp_rtoinfo)GSCTP_RTOINFO_INIT;
  req[2].name = GSCTP_OPT_TTL;                        /* unknown value */
  req[3].name = GSCTP_OPT_SCTP_SET_PEER_PRIMARY_ADDR; /* set only */
  req[4].name = GSCTP_OPT_SCTP_GET_PEER_ADDR_INFO;    /* no such path */
  req[4].v.paddrinfo.assoc_id = 12345;
  req[5].name = GSCTP_OPT_SCTP_ASSOCINFO;
  req[5].v.assocparams = (gsctp_assocparams)GSCTP_ASSOCPARAMS_INIT;
  cr_assert_eq(gsctp_getopts(s, req, 6, &n), 0);
  cr_assert_eq(n, 2);
  cr_assert_eq(req[0].name, GSCTP_OPT_SCTP_RTOINFO);
  cr_assert_eq(req[0].v.rtoinfo.initial, 3000); /* usrsctp's default */
  cr_assert_eq(req[0].v.rtoinfo.min, 1000);
  cr_assert_eq(req[0].v.rtoinfo.max, 60000);
  cr_assert_eq(req[1].name, GSCTP_OPT_SCTP_ASSOCINFO);
  cr_assert_gt(req[1].v.assocparams.cookie_life, 0);
  gsctp_close(s);
}

Test(opts_args, defaults_after_open) {
  gsctp_sock s = ts_open(GSCTP_FAMILY_INET, NULL, NULL, 0);
  gsctp_opt o;

  memset(&o, 0, sizeof(o));
  o.name = GSCTP_OPT_LINGER;
  o = get1(s, o);
  cr_assert_eq(o.v.linger.onoff, 0);
  memset(&o, 0, sizeof(o));
  o.name = GSCTP_OPT_SCTP_PEER_ADDR_PARAMS;
  o = get1(s, o);
  cr_assert_eq(o.v.paddrparams.hbinterval, 30000);
  cr_assert_eq(o.v.paddrparams.pathmaxrxt, 5);
  cr_assert(o.v.paddrparams.flags & GSCTP_SPP_HB_ENABLE);
  cr_assert(o.v.paddrparams.flags & GSCTP_SPP_SACKDELAY_ENABLE);
  cr_assert_eq(o.v.paddrparams.sackdelay, 200);
  memset(&o, 0, sizeof(o));
  o.name = GSCTP_OPT_SCTP_DELAYED_ACK_TIME;
  cr_assert_eq(get1(s, o).v.assoc_value.assoc_value, 200);
  memset(&o, 0, sizeof(o));
  o.name = GSCTP_OPT_SCTP_ADAPTATION_LAYER;
  cr_assert_eq(get1(s, o).v.setadaptation.adaptation_ind, 0);
  memset(&o, 0, sizeof(o));
  o.name = GSCTP_OPT_SCTP_DISABLE_FRAGMENTS;
  cr_assert_eq(get1(s, o).v.i, 0);
  memset(&o, 0, sizeof(o));
  o.name = GSCTP_OPT_DEBUG;
  cr_assert_eq(get1(s, o).v.i, 0);
  gsctp_close(s);
}
