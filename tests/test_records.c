/*
 * test_records.c - gen_sctp's records in C: error_string/1, record
 * defaults (inet_sctp.hrl and prim_inet's type defaults), the atoms of
 * every state enum, and option names.
 *
 * Reference: gen_sctp-semantics.md 1.2 (records), 1.12 (error_string).
 */
#include <limits.h>
#include <string.h>

#include <criterion/criterion.h>
#include <criterion/parameterized.h> /* needed for ParameterizedTest */

#include <gsctp/gsctp.h>

#include "tsupport_unit.h"

/* Parameters are copied into each test's process, where the addresses of
 * string literals may differ (PIE + ASLR): strings are held inline. */
struct int_str {
  int value;
  char str[64];
};

/* ---- gsctp_error_string (gen_sctp:error_string/1) ---- */

ParameterizedTestParameters(records, error_string_table) {
  static struct int_str cases[] = {
    {0, "ok"},
    {1, "Invalid Stream Identifier"},
    {2, "Missing Mandatory Parameter"},
    {3, "Stale Cookie Error"},
    {4, "Out of Resource"},
    {5, "Unresolvable Address"},
    {6, "Unrecognized Chunk Type"},
    {7, "Invalid Mandatory Parameter"},
    {8, "Unrecognized Parameters"},
    {9, "No User Data"},
    {10, "Cookie Received While Shutting Down"},
    {11, "Restart of an Association with New Addresses"},
    {12, "User Initiated Abort"},
    {13, "Protocol Violation"},
    /* Any other integer: RFC 4960's 14+ were never merged into OTP. */
    {-1, "unknown_error"},
    {14, "unknown_error"},
    {15, "unknown_error"},
    {1000, "unknown_error"},
    {65535, "unknown_error"},
    {INT_MAX, "unknown_error"},
    {INT_MIN, "unknown_error"},
  };

  return cr_make_param_array(struct int_str, cases, TSUPPORT_UNIT_COUNT(cases));
}

ParameterizedTest(struct int_str *c, records, error_string_table) {
  const char *s = gsctp_error_string(c->value);

  cr_assert_not_null(s, "gsctp_error_string(%d) is NULL", c->value);
  cr_assert_str_eq(s, c->str, "gsctp_error_string(%d)", c->value);
}

/* ---- record defaults ---- */

Test(records, initmsg_default_is_all_zero) {
  gsctp_initmsg m = gsctp_initmsg_default();

  cr_assert_eq(m.num_ostreams, 0);
  cr_assert_eq(m.max_instreams, 0);
  cr_assert_eq(m.max_attempts, 0);
  cr_assert_eq(m.max_init_timeo, 0);
}

Test(records, initmsg_init_is_all_unset) {
  gsctp_initmsg m = GSCTP_INITMSG_INIT;

  cr_assert_eq(m.num_ostreams, GSCTP_UNDEF);
  cr_assert_eq(m.max_instreams, GSCTP_UNDEF);
  cr_assert_eq(m.max_attempts, GSCTP_UNDEF);
  cr_assert_eq(m.max_init_timeo, GSCTP_UNDEF);
}

Test(records, sndrcvinfo_default_for_sending) {
  gsctp_sndrcvinfo s = gsctp_sndrcvinfo_default();

  cr_assert_eq(s.stream, 0);
  cr_assert_eq(s.flags, 0);
  cr_assert_eq(s.ppid, 0);
  cr_assert_eq(s.context, 0);
  cr_assert_eq(s.timetolive, 0);
  cr_assert_eq(s.assoc_id, 0);
  /* ssn, tsn and cumtsn must be `undefined` on send ([] in prim_inet). */
  cr_assert_eq(s.ssn, GSCTP_UNDEF);
  cr_assert_eq(s.tsn, GSCTP_UNDEF);
  cr_assert_eq(s.cumtsn, GSCTP_UNDEF);
}

Test(records, sndrcvinfo_init_is_all_unset) {
  gsctp_sndrcvinfo s = GSCTP_SNDRCVINFO_INIT;

  cr_assert_eq(s.stream, GSCTP_UNDEF);
  cr_assert_eq(s.ssn, GSCTP_UNDEF);
  cr_assert_eq(s.flags, GSCTP_UNDEF);
  cr_assert_eq(s.ppid, GSCTP_UNDEF);
  cr_assert_eq(s.context, GSCTP_UNDEF);
  cr_assert_eq(s.timetolive, GSCTP_UNDEF);
  cr_assert_eq(s.tsn, GSCTP_UNDEF);
  cr_assert_eq(s.cumtsn, GSCTP_UNDEF);
  cr_assert_eq(s.assoc_id, GSCTP_UNDEF);
}

Test(records, event_subscribe_default_seven_on_two_off) {
  gsctp_event_subscribe e = gsctp_event_subscribe_default();

  cr_assert_eq(e.data_io_event, 1);
  cr_assert_eq(e.association_event, 1);
  cr_assert_eq(e.address_event, 1);
  cr_assert_eq(e.send_failure_event, 1);
  cr_assert_eq(e.peer_error_event, 1);
  cr_assert_eq(e.shutdown_event, 1);
  cr_assert_eq(e.partial_delivery_event, 1);
  cr_assert_eq(e.adaptation_layer_event, 0);
  cr_assert_eq(e.authentication_event, 0);
}

Test(records, event_subscribe_init_is_all_unset) {
  gsctp_event_subscribe e = GSCTP_EVENT_SUBSCRIBE_INIT;

  cr_assert_eq(e.data_io_event, GSCTP_UNDEF);
  cr_assert_eq(e.partial_delivery_event, GSCTP_UNDEF);
  cr_assert_eq(e.adaptation_layer_event, GSCTP_UNDEF);
  cr_assert_eq(e.authentication_event, GSCTP_UNDEF);
}

/* #sctp_assoc_change{} = {sctp_assoc_change,cant_assoc,0,0,0,0} */
Test(records, assoc_change_default_is_cant_assoc_and_zeros) {
  gsctp_assoc_change a = gsctp_assoc_change_default();

  cr_assert_eq(a.state, GSCTP_CANT_ASSOC);
  cr_assert_eq(a.error, 0);
  cr_assert_eq(a.outbound_streams, 0);
  cr_assert_eq(a.inbound_streams, 0);
  cr_assert_eq(a.assoc_id, 0);
}

/* ---- state names ---- */

ParameterizedTestParameters(records, assoc_change_state_names) {
  static struct int_str cases[] = {
    {GSCTP_COMM_UP, "comm_up"},
    {GSCTP_COMM_LOST, "comm_lost"},
    {GSCTP_RESTART, "restart"},
    {GSCTP_SHUTDOWN_COMP, "shutdown_comp"},
    {GSCTP_CANT_ASSOC, "cant_assoc"},
    {0, "unknown"},
    {6, "unknown"},
    {-1, "unknown"},
    {INT_MAX, "unknown"},
  };

  return cr_make_param_array(struct int_str, cases, TSUPPORT_UNIT_COUNT(cases));
}

ParameterizedTest(struct int_str *c, records, assoc_change_state_names) {
  const char *s = gsctp_assoc_change_state_name(c->value);

  cr_assert_not_null(s);
  cr_assert_str_eq(s, c->str, "gsctp_assoc_change_state_name(%d)", c->value);
}

ParameterizedTestParameters(records, paddr_change_state_names) {
  static struct int_str cases[] = {
    {GSCTP_ADDR_AVAILABLE, "addr_available"},
    {GSCTP_ADDR_UNREACHABLE, "addr_unreachable"},
    {GSCTP_ADDR_REMOVED, "addr_removed"},
    {GSCTP_ADDR_ADDED, "addr_added"},
    {GSCTP_ADDR_MADE_PRIM, "addr_made_prim"},
    {GSCTP_ADDR_CONFIRMED, "addr_confirmed"},
    {0, "unknown"},
    {7, "unknown"},
    {-1, "unknown"},
  };

  return cr_make_param_array(struct int_str, cases, TSUPPORT_UNIT_COUNT(cases));
}

ParameterizedTest(struct int_str *c, records, paddr_change_state_names) {
  const char *s = gsctp_paddr_change_state_name(c->value);

  cr_assert_not_null(s);
  cr_assert_str_eq(s, c->str, "gsctp_paddr_change_state_name(%d)", c->value);
}

/* OTP's atoms (`established`), not the documentation's
 * `sctp_state_established` (reference 1.15 item 3). */
ParameterizedTestParameters(records, assoc_state_names) {
  static struct int_str cases[] = {
    {GSCTP_STATE_UNDEFINED, "undefined"},
    {GSCTP_STATE_EMPTY, "empty"},
    {GSCTP_STATE_CLOSED, "closed"},
    {GSCTP_STATE_BOUND, "bound"},
    {GSCTP_STATE_LISTEN, "listen"},
    {GSCTP_STATE_COOKIE_WAIT, "cookie_wait"},
    {GSCTP_STATE_COOKIE_ECHOED, "cookie_echoed"},
    {GSCTP_STATE_ESTABLISHED, "established"},
    {GSCTP_STATE_SHUTDOWN_PENDING, "shutdown_pending"},
    {GSCTP_STATE_SHUTDOWN_SENT, "shutdown_sent"},
    {GSCTP_STATE_SHUTDOWN_RECEIVED, "shutdown_received"},
    {GSCTP_STATE_SHUTDOWN_ACK_SENT, "shutdown_ack_sent"},
    {GSCTP_STATE_SHUTDOWN_ACK_SENT + 1, "undefined"},
    {-1, "undefined"},
    {INT_MAX, "undefined"},
  };

  return cr_make_param_array(struct int_str, cases, TSUPPORT_UNIT_COUNT(cases));
}

ParameterizedTest(struct int_str *c, records, assoc_state_names) {
  const char *s = gsctp_assoc_state_name(c->value);

  cr_assert_not_null(s);
  cr_assert_str_eq(s, c->str, "gsctp_assoc_state_name(%d)", c->value);
  cr_assert_neq(strncmp(s, "sctp_state_", 11), 0,
                "the documentation's atom, not the code's: %s", s);
}

ParameterizedTestParameters(records, paddr_state_names) {
  static struct int_str cases[] = {
    {GSCTP_PADDR_UNDEFINED, "undefined"},
    {GSCTP_PADDR_ACTIVE, "active"},
    {GSCTP_PADDR_INACTIVE, "inactive"},
    {GSCTP_PADDR_UNCONFIRMED, "unconfirmed"},
    {4, "undefined"},
    {-1, "undefined"},
  };

  return cr_make_param_array(struct int_str, cases, TSUPPORT_UNIT_COUNT(cases));
}

ParameterizedTest(struct int_str *c, records, paddr_state_names) {
  const char *s = gsctp_paddr_state_name(c->value);

  cr_assert_not_null(s);
  cr_assert_str_eq(s, c->str, "gsctp_paddr_state_name(%d)", c->value);
}

ParameterizedTestParameters(records, event_type_names) {
  static struct int_str cases[] = {
    {GSCTP_EV_NONE, "none"},
    {GSCTP_EV_ASSOC_CHANGE, "sctp_assoc_change"},
    {GSCTP_EV_PADDR_CHANGE, "sctp_paddr_change"},
    {GSCTP_EV_REMOTE_ERROR, "sctp_remote_error"},
    {GSCTP_EV_SEND_FAILED, "sctp_send_failed"},
    {GSCTP_EV_SHUTDOWN, "sctp_shutdown_event"},
    {GSCTP_EV_ADAPTATION, "sctp_adaptation_event"},
    {GSCTP_EV_PDAPI, "sctp_pdapi_event"},
    {GSCTP_EV_PDAPI + 1, "none"},
    {-1, "none"},
  };

  return cr_make_param_array(struct int_str, cases, TSUPPORT_UNIT_COUNT(cases));
}

ParameterizedTest(struct int_str *c, records, event_type_names) {
  const char *s = gsctp_event_type_name(c->value);

  cr_assert_not_null(s);
  cr_assert_str_eq(s, c->str, "gsctp_event_type_name(%d)", c->value);
}

/* ---- option names (gsctp/sctp.h) ---- */

/* Erlang's option names; family, udp_port and udp_remote_port are gsctp's
 * own names for what the enum calls them. */
ParameterizedTestParameters(records, opt_names) {
  static struct int_str cases[] = {
    {GSCTP_OPT_PORT, "port"},
    {GSCTP_OPT_IP, "ip"},
    {GSCTP_OPT_FAMILY, "family"},
    {GSCTP_OPT_TYPE, "type"},
    {GSCTP_OPT_UDP_PORT, "udp_port"},
    {GSCTP_OPT_MODE, "mode"},
    {GSCTP_OPT_ACTIVE, "active"},
    {GSCTP_OPT_BUFFER, "buffer"},
    {GSCTP_OPT_SNDBUF, "sndbuf"},
    {GSCTP_OPT_RECBUF, "recbuf"},
    {GSCTP_OPT_SCTP_NODELAY, "sctp_nodelay"},
    {GSCTP_OPT_SCTP_AUTOCLOSE, "sctp_autoclose"},
    {GSCTP_OPT_SCTP_MAXSEG, "sctp_maxseg"},
    {GSCTP_OPT_SCTP_INITMSG, "sctp_initmsg"},
    {GSCTP_OPT_SCTP_EVENTS, "sctp_events"},
    {GSCTP_OPT_SCTP_DEFAULT_SEND_PARAM, "sctp_default_send_param"},
    {GSCTP_OPT_UDP_REMOTE_PORT, "udp_remote_port"},
    {GSCTP_OPT_SCTP_STATUS, "sctp_status"},
    {0, "unknown"},
    {GSCTP_OPT__COUNT, "unknown"},
    {-1, "unknown"},
    {INT_MAX, "unknown"},
  };

  return cr_make_param_array(struct int_str, cases, TSUPPORT_UNIT_COUNT(cases));
}

ParameterizedTest(struct int_str *c, records, opt_names) {
  const char *s = gsctp_opt_name(c->value);

  cr_assert_not_null(s);
  cr_assert_str_eq(s, c->str, "gsctp_opt_name(%d)", c->value);
}

/* Every option in the enum has its own name: a new option cannot be
 * added without one. */
Test(records, every_opt_has_a_distinct_name) {
  int a, b;

  for (a = GSCTP_OPT_PORT; a < GSCTP_OPT__COUNT; ++a) {
    const char *sa = gsctp_opt_name(a);

    cr_assert_not_null(sa);
    cr_expect_str_neq(sa, "unknown", "option %d has no name", a);
    for (b = a + 1; b < GSCTP_OPT__COUNT; ++b) {
      cr_expect_str_neq(sa, gsctp_opt_name(b), "options %d and %d: %s", a, b,
                        sa);
    }
  }
}
