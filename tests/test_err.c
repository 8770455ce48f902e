/*
 * test_err.c - the error space of gsctp/err.h: atom names, descriptions
 * and the errno conversion.
 *
 * The expected atoms come from the maps in the header itself, so every
 * code the header declares is checked, and a few are spelled out by hand
 * so that a wrong map cannot pass by agreeing with itself.
 */
#include <errno.h>
#include <limits.h>
#include <string.h>

#include <criterion/criterion.h>
#include <criterion/parameterized.h> /* needed for ParameterizedTest */

#include <gsctp/gsctp.h>

#include "tsupport_unit.h"

/* Parameters are copied into each test's process, where the addresses of
 * string literals may differ (PIE + ASLR): strings are held inline. */
struct err_case {
  int code;      /* the gsctp code */
  int errnum;    /* the errno it comes from, 0 for atom codes */
  char atom[32]; /* the Erlang atom */
};

static struct err_case err_cases[] = {
#define XX(code, atom, msg) {GSCTP_##code, code, atom},
  GSCTP_ERRNO_MAP(XX)
#undef XX
#define XX(name, value, atom, msg) {GSCTP_E##name, 0, atom},
    GSCTP_ATOM_MAP(XX)
#undef XX
};

/* ---- gsctp_err_name ---- */

ParameterizedTestParameters(err, name_of_every_mapped_code) {
  return cr_make_param_array(struct err_case, err_cases,
                             TSUPPORT_UNIT_COUNT(err_cases));
}

ParameterizedTest(struct err_case *c, err, name_of_every_mapped_code) {
  const char *name = gsctp_err_name(c->code);

  cr_assert_not_null(name, "gsctp_err_name(%d) is NULL", c->code);
  cr_assert_str_eq(name, c->atom, "gsctp_err_name(%d)", c->code);
}

struct name_case {
  int code;
  char atom[32];
};

/* Spelled out by hand: the atoms gen_sctp users match on. */
ParameterizedTestParameters(err, name_of_gen_sctp_atoms) {
  static struct name_case cases[] = {
    {GSCTP_OK, "ok"},
    {GSCTP_EINVAL, "einval"},
    {GSCTP_EADDRINUSE, "eaddrinuse"},
    {GSCTP_EADDRNOTAVAIL, "eaddrnotavail"},
    {GSCTP_EAFNOSUPPORT, "eafnosupport"},
    {GSCTP_EAGAIN, "eagain"},
    {GSCTP_EALREADY, "ealready"},
    {GSCTP_EPIPE, "epipe"},
    {GSCTP_EISCONN, "eisconn"},
    {GSCTP_ENOTCONN, "enotconn"},
    {GSCTP_ECONNREFUSED, "econnrefused"},
    {GSCTP_EMSGSIZE, "emsgsize"},
    {GSCTP_EOPNOTSUPP, "eopnotsupp"},
    {GSCTP_ENOMEM, "enomem"},
    {GSCTP_EBUSY, "ebusy"},
    {GSCTP_EPROTONOSUPPORT, "eprotonosupport"},
    {GSCTP_ESOCKTNOSUPPORT, "esocktnosupport"},
    {GSCTP_EBADARG, "badarg"},
    {GSCTP_ECLOSED, "closed"},
    {GSCTP_ETIMEOUT, "timeout"},
    {GSCTP_ENOT_OWNER, "not_owner"},
    {GSCTP_ENXDOMAIN, "nxdomain"},
    {GSCTP_EASSOC, "sctp_assoc_change"},
    {GSCTP_ESCTP_ERROR, "sctp_error"},
    {GSCTP_ETYPE, "type"},
    {GSCTP_EUNKNOWN, "unknown"},
  };

  return cr_make_param_array(struct name_case, cases,
                             TSUPPORT_UNIT_COUNT(cases));
}

ParameterizedTest(struct name_case *c, err, name_of_gen_sctp_atoms) {
  cr_assert_str_eq(gsctp_err_name(c->code), c->atom, "gsctp_err_name(%d)",
                   c->code);
}

Test(err, errno_codes_are_negated_errno_values) {
  cr_assert_eq(GSCTP_EINVAL, -EINVAL);
  cr_assert_eq(GSCTP_EADDRINUSE, -EADDRINUSE);
  cr_assert_eq(GSCTP_EPIPE, -EPIPE);
  cr_assert_eq(GSCTP_EAGAIN, -EAGAIN);
  cr_assert_eq(GSCTP_EBADARG, -1000);
  cr_assert_eq(GSCTP_ECLOSED, -1001);
  cr_assert_eq(GSCTP_ETIMEOUT, -1002);
  cr_assert_eq(GSCTP_ENOT_OWNER, -1003);
  cr_assert_eq(GSCTP_ENXDOMAIN, -1004);
  cr_assert_eq(GSCTP_EUNKNOWN, -1099);
}

/* The header's promise: errno codes in -1..-999, atoms at or below -1000,
 * and no two names share a code. */
Test(err, codes_are_distinct_and_in_their_ranges) {
  size_t i, j;

  for (i = 0; i < TSUPPORT_UNIT_COUNT(err_cases); ++i) {
    const struct err_case *c = &err_cases[i];

    if (c->errnum != 0) {
      cr_expect(c->code <= -1 && c->code >= -999, "%s = %d out of -1..-999",
                c->atom, c->code);
    } else {
      cr_expect(c->code <= -1000, "%s = %d above -1000", c->atom, c->code);
    }
    for (j = i + 1; j < TSUPPORT_UNIT_COUNT(err_cases); ++j) {
      cr_expect_neq(c->code, err_cases[j].code, "%s and %s share code %d",
                    c->atom, err_cases[j].atom, c->code);
      cr_expect_str_neq(c->atom, err_cases[j].atom, "atom %s twice", c->atom);
    }
  }
}

Test(err, name_of_zero_is_ok) {
  cr_assert_str_eq(gsctp_err_name(0), "ok");
}

ParameterizedTestParameters(err, name_of_unmapped_code_is_unknown) {
  static int cases[] = {
    1,                         /* positive values are not error codes */
    42,      INT_MAX, -ENOTTY, /* a real errno that is not in the map */
    -ERANGE, -998,             /* in the errno range, not mapped */
    -999,    -1098,            /* in the atom range, not mapped */
    -1100,   -5000,   INT_MIN,
  };

  return cr_make_param_array(int, cases, TSUPPORT_UNIT_COUNT(cases));
}

ParameterizedTest(int *code, err, name_of_unmapped_code_is_unknown) {
  const char *name = gsctp_err_name(*code);

  cr_assert_not_null(name, "gsctp_err_name(%d) is NULL", *code);
  cr_assert_str_eq(name, "unknown", "gsctp_err_name(%d)", *code);
}

/* ---- gsctp_strerror ---- */

ParameterizedTestParameters(err, strerror_of_every_mapped_code) {
  return cr_make_param_array(struct err_case, err_cases,
                             TSUPPORT_UNIT_COUNT(err_cases));
}

ParameterizedTest(struct err_case *c, err, strerror_of_every_mapped_code) {
  const char *s = gsctp_strerror(c->code);

  cr_assert_not_null(s, "gsctp_strerror(%d) is NULL", c->code);
  cr_assert_gt(strlen(s), 0, "gsctp_strerror(%d) is empty", c->code);
  cr_assert_null(strchr(s, '\n'), "gsctp_strerror(%d) is not one line: %s",
                 c->code, s);
}

Test(err, strerror_never_null) {
  static const int codes[] = {0,    1,     42,    INT_MAX, -ENOTTY,
                              -999, -1098, -1100, -5000,   INT_MIN};
  size_t i;

  for (i = 0; i < TSUPPORT_UNIT_COUNT(codes); ++i) {
    const char *s = gsctp_strerror(codes[i]);

    cr_assert_not_null(s, "gsctp_strerror(%d) is NULL", codes[i]);
    cr_expect_null(strchr(s, '\n'), "gsctp_strerror(%d) is not one line",
                   codes[i]);
  }
}

Test(err, strerror_tells_codes_apart) {
  /* A description per code, not one generic text. */
  cr_assert_str_neq(gsctp_strerror(GSCTP_EINVAL),
                    gsctp_strerror(GSCTP_EADDRINUSE));
  cr_assert_str_neq(gsctp_strerror(GSCTP_ECLOSED),
                    gsctp_strerror(GSCTP_ETIMEOUT));
  cr_assert_str_neq(gsctp_strerror(GSCTP_EBADARG),
                    gsctp_strerror(GSCTP_EINVAL));
}

/* ---- gsctp_err_from_errno ---- */

ParameterizedTestParameters(err, from_errno_of_every_mapped_errno) {
  static struct err_case only_errno[TSUPPORT_UNIT_COUNT(err_cases)];
  size_t i, n = 0;

  for (i = 0; i < TSUPPORT_UNIT_COUNT(err_cases); ++i) {
    if (err_cases[i].errnum != 0) {
      only_errno[n++] = err_cases[i];
    }
  }
  return cr_make_param_array(struct err_case, only_errno, n);
}

ParameterizedTest(struct err_case *c, err, from_errno_of_every_mapped_errno) {
  int code = gsctp_err_from_errno(c->errnum);

  cr_assert_eq(code, -c->errnum, "gsctp_err_from_errno(%d) = %d", c->errnum,
               code);
  cr_assert_str_eq(gsctp_err_name(code), c->atom);
}

Test(err, from_errno_ewouldblock_is_eagain) {
  cr_assert_eq(gsctp_err_from_errno(EWOULDBLOCK), GSCTP_EAGAIN);
  cr_assert_eq(gsctp_err_from_errno(EAGAIN), GSCTP_EAGAIN);
}

Test(err, from_errno_einval) {
  cr_assert_eq(gsctp_err_from_errno(EINVAL), GSCTP_EINVAL);
}

Test(err, from_errno_zero_is_unknown) {
  cr_assert_eq(gsctp_err_from_errno(0), GSCTP_EUNKNOWN);
}

ParameterizedTestParameters(err, from_errno_unmapped_is_unknown) {
  static int cases[] = {ENOTTY, ERANGE, EDOM, ELOOP, 4095, 100000, INT_MAX};

  return cr_make_param_array(int, cases, TSUPPORT_UNIT_COUNT(cases));
}

ParameterizedTest(int *e, err, from_errno_unmapped_is_unknown) {
  cr_assert_eq(gsctp_err_from_errno(*e), GSCTP_EUNKNOWN,
               "gsctp_err_from_errno(%d)", *e);
}

/* "Never returns 0", whatever it is given. */
Test(err, from_errno_never_returns_zero) {
  static const int inputs[] = {0,      -1,  -EINVAL, INT_MIN, 1,
                               EINVAL, 999, 1000,    1001,    INT_MAX};
  size_t i;

  for (i = 0; i < TSUPPORT_UNIT_COUNT(inputs); ++i) {
    int code = gsctp_err_from_errno(inputs[i]);

    cr_expect_lt(code, 0, "gsctp_err_from_errno(%d) = %d", inputs[i], code);
  }
}
