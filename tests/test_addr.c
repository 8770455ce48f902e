/*
 * test_addr.c - gsctp/addr.h: parsing, resolving (inet:getaddr/2),
 * formatting and comparing IPs, and the any/loopback helpers.
 *
 * Name resolution is limited to "localhost" (in /etc/hosts for IPv4) and
 * names the reference says never resolve, so no test needs a network.
 */
#include <string.h>

#include <criterion/criterion.h>
#include <criterion/parameterized.h> /* needed for ParameterizedTest */

#include <gsctp/gsctp.h>

#include "tsupport_unit.h"

static const uint8_t v6_loopback[16] = {0, 0, 0, 0, 0, 0, 0, 0,
                                        0, 0, 0, 0, 0, 0, 0, 1};
static const uint8_t v6_zero[16] = {0};

/* Parameters are copied into each test's process, where the addresses of
 * string literals may differ (PIE + ASLR): strings are held inline. */
struct text {
  char s[64];
};

/* ---- gsctp_ip_parse ---- */

Test(addr, parse_v4) {
  gsctp_ip ip;

  memset(&ip, 0xa5, sizeof(ip));
  cr_assert_eq(gsctp_ip_parse("127.0.0.1", &ip), 0);
  cr_assert_eq(ip.family, GSCTP_FAMILY_INET);
  cr_assert_eq(ip.u.v4[0], 127);
  cr_assert_eq(ip.u.v4[1], 0);
  cr_assert_eq(ip.u.v4[2], 0);
  cr_assert_eq(ip.u.v4[3], 1);

  cr_assert_eq(gsctp_ip_parse("192.168.10.254", &ip), 0);
  cr_assert_eq(ip.family, GSCTP_FAMILY_INET);
  cr_assert_eq(ip.u.v4[0], 192);
  cr_assert_eq(ip.u.v4[1], 168);
  cr_assert_eq(ip.u.v4[2], 10);
  cr_assert_eq(ip.u.v4[3], 254);
}

Test(addr, parse_v6) {
  static const uint8_t doc[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0,    0,
                                  0,    0,    0,    0,    0, 0, 0x12, 0x34};
  gsctp_ip ip;

  cr_assert_eq(gsctp_ip_parse("::1", &ip), 0);
  cr_assert_eq(ip.family, GSCTP_FAMILY_INET6);
  cr_assert_arr_eq(ip.u.v6, v6_loopback, 16);

  cr_assert_eq(gsctp_ip_parse("2001:db8::1234", &ip), 0);
  cr_assert_eq(ip.family, GSCTP_FAMILY_INET6);
  cr_assert_arr_eq(ip.u.v6, doc, 16);

  cr_assert_eq(gsctp_ip_parse("::", &ip), 0);
  cr_assert_eq(ip.family, GSCTP_FAMILY_INET6);
  cr_assert_arr_eq(ip.u.v6, v6_zero, 16);
}

Test(addr, parse_v4_mapped_v6_is_v6) {
  gsctp_ip ip;

  cr_assert_eq(gsctp_ip_parse("::ffff:10.1.2.3", &ip), 0);
  cr_assert_eq(ip.family, GSCTP_FAMILY_INET6);
  cr_assert_eq(ip.u.v6[10], 0xff);
  cr_assert_eq(ip.u.v6[11], 0xff);
  cr_assert_eq(ip.u.v6[12], 10);
  cr_assert_eq(ip.u.v6[15], 3);
}

ParameterizedTestParameters(addr, parse_rejects_garbage) {
  static struct text cases[] = {
    {""},           {"abc"},       {"localhost"}, /* numeric only: no name
                                                     lookup */
    {"256.0.0.1"},  {"1.2.3.4.5"}, {"127.0.0.1:80"}, {" 127.0.0.1"},
    {"127.0.0.1 "}, {"::1::2"},    {"12345::"},      {"[::1]"},
  };

  return cr_make_param_array(struct text, cases, TSUPPORT_UNIT_COUNT(cases));
}

ParameterizedTest(struct text *str, addr, parse_rejects_garbage) {
  gsctp_ip ip;

  cr_assert_eq(gsctp_ip_parse(str->s, &ip), GSCTP_EINVAL,
               "gsctp_ip_parse(\"%s\")", str->s);
}

Test(addr, parse_null_arguments_are_badarg) {
  gsctp_ip ip;

  cr_assert_eq(gsctp_ip_parse(NULL, &ip), GSCTP_EBADARG);
  cr_assert_eq(gsctp_ip_parse("127.0.0.1", NULL), GSCTP_EBADARG);
  cr_assert_eq(gsctp_ip_parse(NULL, NULL), GSCTP_EBADARG);
}

/* ---- gsctp_getaddr (inet:getaddr/2) ---- */

Test(addr, getaddr_localhost_inet) {
  gsctp_ip ip;
  gsctp_ip lo = gsctp_ip_v4(127, 0, 0, 1);

  cr_assert_eq(gsctp_getaddr("localhost", GSCTP_FAMILY_INET, &ip), 0);
  cr_assert_eq(ip.family, GSCTP_FAMILY_INET);
  cr_assert(gsctp_ip_equal(&ip, &lo));
}

Test(addr, getaddr_numeric_literals) {
  gsctp_ip ip;

  cr_assert_eq(gsctp_getaddr("10.20.30.40", GSCTP_FAMILY_INET, &ip), 0);
  cr_assert_eq(ip.family, GSCTP_FAMILY_INET);
  cr_assert_eq(ip.u.v4[0], 10);
  cr_assert_eq(ip.u.v4[3], 40);

  cr_assert_eq(gsctp_getaddr("::1", GSCTP_FAMILY_INET6, &ip), 0);
  cr_assert_eq(ip.family, GSCTP_FAMILY_INET6);
  cr_assert_arr_eq(ip.u.v6, v6_loopback, 16);
}

struct getaddr_case {
  char host[64];
  int family;
  int expected;
};

ParameterizedTestParameters(addr, getaddr_errors) {
  static struct getaddr_case cases[] = {
    /* Names that do not resolve (test api_listen). */
    {"", GSCTP_FAMILY_INET, GSCTP_ENXDOMAIN},
    {".", GSCTP_FAMILY_INET, GSCTP_ENXDOMAIN},
    {"", GSCTP_FAMILY_INET6, GSCTP_ENXDOMAIN},
    {".", GSCTP_FAMILY_INET6, GSCTP_ENXDOMAIN},
    /* A literal of the other family. */
    {"127.0.0.1", GSCTP_FAMILY_INET6, GSCTP_EAFNOSUPPORT},
    {"10.0.0.1", GSCTP_FAMILY_INET6, GSCTP_EAFNOSUPPORT},
    {"::1", GSCTP_FAMILY_INET, GSCTP_EAFNOSUPPORT},
    {"2001:db8::1", GSCTP_FAMILY_INET, GSCTP_EAFNOSUPPORT},
    /* A family that is neither inet nor inet6. */
    {"127.0.0.1", GSCTP_FAMILY_UNSPEC, GSCTP_EAFNOSUPPORT},
    {"127.0.0.1", GSCTP_FAMILY_CONN, GSCTP_EAFNOSUPPORT},
    {"127.0.0.1", 99, GSCTP_EAFNOSUPPORT},
    {"localhost", -1, GSCTP_EAFNOSUPPORT},
  };

  return cr_make_param_array(struct getaddr_case, cases,
                             TSUPPORT_UNIT_COUNT(cases));
}

ParameterizedTest(struct getaddr_case *c, addr, getaddr_errors) {
  gsctp_ip ip;
  int rv = gsctp_getaddr(c->host, c->family, &ip);

  cr_assert_eq(rv, c->expected,
               "gsctp_getaddr(\"%s\", %d) = %d (%s), expected %s", c->host,
               c->family, rv, gsctp_err_name(rv), gsctp_err_name(c->expected));
}

Test(addr, getaddr_null_arguments_are_badarg) {
  gsctp_ip ip;

  cr_assert_eq(gsctp_getaddr(NULL, GSCTP_FAMILY_INET, &ip), GSCTP_EBADARG);
  cr_assert_eq(gsctp_getaddr("127.0.0.1", GSCTP_FAMILY_INET, NULL),
               GSCTP_EBADARG);
}

/* ---- gsctp_ip_format ---- */

Test(addr, format_v4_and_v6) {
  char buf[GSCTP_IP_STRLEN];
  gsctp_ip v4 = gsctp_ip_v4(127, 0, 0, 1);
  gsctp_ip v6 = gsctp_ip_loopback(GSCTP_FAMILY_INET6);

  cr_assert_eq(gsctp_ip_format(&v4, buf, sizeof(buf)), buf);
  cr_assert_str_eq(buf, "127.0.0.1");
  cr_assert_eq(gsctp_ip_format(&v6, buf, sizeof(buf)), buf);
  cr_assert_str_eq(buf, "::1");
}

Test(addr, format_unspec_is_any) {
  char buf[GSCTP_IP_STRLEN];
  gsctp_ip ip;

  memset(&ip, 0, sizeof(ip));
  ip.family = GSCTP_FAMILY_UNSPEC;
  cr_assert_str_eq(gsctp_ip_format(&ip, buf, sizeof(buf)), "any");
}

Test(addr, format_conn_names_the_link) {
  char buf[GSCTP_IP_STRLEN];
  int dummy;
  gsctp_ip ip = gsctp_ip_conn(&dummy);

  gsctp_ip_format(&ip, buf, sizeof(buf));
  cr_assert_eq(strncmp(buf, "conn:", 5), 0, "got \"%s\"", buf);
  cr_assert_gt(strlen(buf), 5);
}

/* Canonical texts: parse then format gives the same text back. */
ParameterizedTestParameters(addr, format_round_trips) {
  static struct text cases[] = {
    {"0.0.0.0"},
    {"127.0.0.1"},
    {"10.0.0.255"},
    {"255.255.255.255"},
    {"1.2.3.4"},
    {"::1"},
    {"fe80::1"},
    {"2001:db8::1234"},
    {"2001:db8:1:2:3:4:5:6"},
    {"::ffff:10.1.2.3"},
    {"ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"},
  };

  return cr_make_param_array(struct text, cases, TSUPPORT_UNIT_COUNT(cases));
}

ParameterizedTest(struct text *str, addr, format_round_trips) {
  char buf[GSCTP_IP_STRLEN];
  gsctp_ip ip, again;

  cr_assert_eq(gsctp_ip_parse(str->s, &ip), 0, "parse \"%s\"", str->s);
  cr_assert_str_eq(gsctp_ip_format(&ip, buf, sizeof(buf)), str->s);
  cr_assert_eq(gsctp_ip_parse(buf, &again), 0);
  cr_assert(gsctp_ip_equal(&ip, &again), "\"%s\" did not round-trip", str->s);
}

Test(addr, format_longest_v6_fits_strlen) {
  static const char *longest = "ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255";
  char buf[GSCTP_IP_STRLEN];
  gsctp_ip ip, again;

  cr_assert_eq(gsctp_ip_parse(longest, &ip), 0);
  gsctp_ip_format(&ip, buf, sizeof(buf));
  cr_assert_lt(strlen(buf), sizeof(buf));
  cr_assert_eq(gsctp_ip_parse(buf, &again), 0, "\"%s\" does not parse", buf);
  cr_assert(gsctp_ip_equal(&ip, &again));
}

Test(addr, format_truncates_safely) {
  char buf[16];
  gsctp_ip ip = gsctp_ip_v4(192, 168, 100, 200); /* "192.168.100.200" */

  memset(buf, 'X', sizeof(buf));
  cr_assert_eq(gsctp_ip_format(&ip, buf, 5), buf);
  /* NUL-terminated inside the 5 bytes, nothing written after them, and
   * what was written is the start of the full text. */
  cr_assert_leq(strnlen(buf, 5), 4, "not terminated within buflen");
  cr_assert_eq(strncmp(buf, "192.168.100.200", strlen(buf)), 0, "got %s", buf);
  cr_assert_eq(buf[5], 'X', "wrote past buflen");

  memset(buf, 'X', sizeof(buf));
  gsctp_ip_format(&ip, buf, 1);
  cr_assert_eq(buf[0], '\0');
  cr_assert_eq(buf[1], 'X');
}

Test(addr, format_buflen_zero_leaves_buf_untouched) {
  char buf[8];
  gsctp_ip ip = gsctp_ip_v4(127, 0, 0, 1);

  memset(buf, 'X', sizeof(buf));
  cr_assert_eq(gsctp_ip_format(&ip, buf, 0), buf);
  cr_assert_eq(buf[0], 'X');
  cr_assert_eq(buf[7], 'X');
}

/* ---- gsctp_ip_equal ---- */

Test(addr, equal_compares_addresses) {
  gsctp_ip a = gsctp_ip_v4(10, 0, 0, 1);
  gsctp_ip b = gsctp_ip_v4(10, 0, 0, 1);
  gsctp_ip c = gsctp_ip_v4(10, 0, 0, 2);
  gsctp_ip l4 = gsctp_ip_loopback(GSCTP_FAMILY_INET);
  gsctp_ip l6 = gsctp_ip_loopback(GSCTP_FAMILY_INET6);
  gsctp_ip p6;

  cr_assert(gsctp_ip_equal(&a, &b));
  cr_assert(gsctp_ip_equal(&a, &a));
  cr_assert_not(gsctp_ip_equal(&a, &c));
  cr_assert_not(gsctp_ip_equal(&l4, &l6));
  cr_assert_eq(gsctp_ip_parse("::1", &p6), 0);
  cr_assert(gsctp_ip_equal(&l6, &p6));
}

/* Only the bytes of the family count: an IPv4 address whose union has
 * stray bytes after the first four is still the same address. */
Test(addr, equal_ignores_bytes_outside_the_family) {
  gsctp_ip a, b;

  memset(&a, 0x11, sizeof(a));
  memset(&b, 0x77, sizeof(b));
  a.family = b.family = GSCTP_FAMILY_INET;
  a.u.v4[0] = b.u.v4[0] = 127;
  a.u.v4[1] = b.u.v4[1] = 0;
  a.u.v4[2] = b.u.v4[2] = 0;
  a.u.v4[3] = b.u.v4[3] = 1;
  cr_assert(gsctp_ip_equal(&a, &b));
}

/* Same bytes, different family: 1.2.3.4 is not 0102:0304::. */
Test(addr, equal_needs_same_family) {
  gsctp_ip a, b;

  memset(&a, 0, sizeof(a));
  memset(&b, 0, sizeof(b));
  a.family = GSCTP_FAMILY_INET;
  b.family = GSCTP_FAMILY_INET6;
  a.u.v4[0] = b.u.v6[0] = 1;
  a.u.v4[1] = b.u.v6[1] = 2;
  a.u.v4[2] = b.u.v6[2] = 3;
  a.u.v4[3] = b.u.v6[3] = 4;
  cr_assert_not(gsctp_ip_equal(&a, &b));
}

Test(addr, equal_conn_compares_links) {
  int l1, l2;
  gsctp_ip a = gsctp_ip_conn(&l1);
  gsctp_ip b = gsctp_ip_conn(&l1);
  gsctp_ip c = gsctp_ip_conn(&l2);

  cr_assert(gsctp_ip_equal(&a, &b));
  cr_assert_not(gsctp_ip_equal(&a, &c));
}

/* ---- any / loopback / v4 / conn ---- */

Test(addr, any_of_each_family) {
  gsctp_ip a4 = gsctp_ip_any(GSCTP_FAMILY_INET);
  gsctp_ip a6 = gsctp_ip_any(GSCTP_FAMILY_INET6);
  gsctp_ip p4, p6;

  cr_assert_eq(a4.family, GSCTP_FAMILY_INET);
  cr_assert_eq(a4.u.v4[0] | a4.u.v4[1] | a4.u.v4[2] | a4.u.v4[3], 0);
  cr_assert_eq(a6.family, GSCTP_FAMILY_INET6);
  cr_assert_arr_eq(a6.u.v6, v6_zero, 16);

  cr_assert_eq(gsctp_ip_parse("0.0.0.0", &p4), 0);
  cr_assert(gsctp_ip_equal(&a4, &p4));
  cr_assert_eq(gsctp_ip_parse("::", &p6), 0);
  cr_assert(gsctp_ip_equal(&a6, &p6));
}

Test(addr, loopback_of_each_family) {
  gsctp_ip l4 = gsctp_ip_loopback(GSCTP_FAMILY_INET);
  gsctp_ip l6 = gsctp_ip_loopback(GSCTP_FAMILY_INET6);

  cr_assert_eq(l4.family, GSCTP_FAMILY_INET);
  cr_assert_eq(l4.u.v4[0], 127);
  cr_assert_eq(l4.u.v4[1], 0);
  cr_assert_eq(l4.u.v4[2], 0);
  cr_assert_eq(l4.u.v4[3], 1);
  cr_assert_eq(l6.family, GSCTP_FAMILY_INET6);
  cr_assert_arr_eq(l6.u.v6, v6_loopback, 16);
}

Test(addr, loopback_of_other_family_is_unspec) {
  cr_assert_eq(gsctp_ip_loopback(GSCTP_FAMILY_CONN).family,
               GSCTP_FAMILY_UNSPEC);
  cr_assert_eq(gsctp_ip_loopback(GSCTP_FAMILY_UNSPEC).family,
               GSCTP_FAMILY_UNSPEC);
  cr_assert_eq(gsctp_ip_loopback(99).family, GSCTP_FAMILY_UNSPEC);
}

Test(addr, v4_builds_bytes_in_order) {
  gsctp_ip ip = gsctp_ip_v4(1, 2, 3, 4);

  cr_assert_eq(ip.family, GSCTP_FAMILY_INET);
  cr_assert_eq(ip.u.v4[0], 1);
  cr_assert_eq(ip.u.v4[1], 2);
  cr_assert_eq(ip.u.v4[2], 3);
  cr_assert_eq(ip.u.v4[3], 4);
}

Test(addr, conn_holds_the_link) {
  int link;
  gsctp_ip ip = gsctp_ip_conn(&link);

  cr_assert_eq(ip.family, GSCTP_FAMILY_CONN);
  cr_assert_eq(ip.u.conn, (void *)&link);
}
