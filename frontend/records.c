/*
 * records.c - record defaults and the atom names of record values.
 */
#include "gsctp/records.h"

#include <string.h>

gsctp_initmsg gsctp_initmsg_default(void) {
  gsctp_initmsg r = {0, 0, 0, 0};
  return r;
}

gsctp_sndrcvinfo gsctp_sndrcvinfo_default(void) {
  gsctp_sndrcvinfo r = {0, GSCTP_UNDEF, 0,           0, 0,
                        0, GSCTP_UNDEF, GSCTP_UNDEF, 0};
  return r;
}

gsctp_event_subscribe gsctp_event_subscribe_default(void) {
  gsctp_event_subscribe r = {1, 1, 1, 1, 1, 1, 1, 0, 0};
  return r;
}

gsctp_assoc_change gsctp_assoc_change_default(void) {
  gsctp_assoc_change r;

  memset(&r, 0, sizeof(r));
  r.state = GSCTP_CANT_ASSOC;
  return r;
}

const char *gsctp_assoc_change_state_name(int state) {
  switch (state) {
  case GSCTP_COMM_UP:
    return "comm_up";
  case GSCTP_COMM_LOST:
    return "comm_lost";
  case GSCTP_RESTART:
    return "restart";
  case GSCTP_SHUTDOWN_COMP:
    return "shutdown_comp";
  case GSCTP_CANT_ASSOC:
    return "cant_assoc";
  default:
    return "unknown";
  }
}

const char *gsctp_paddr_change_state_name(int state) {
  switch (state) {
  case GSCTP_ADDR_AVAILABLE:
    return "addr_available";
  case GSCTP_ADDR_UNREACHABLE:
    return "addr_unreachable";
  case GSCTP_ADDR_REMOVED:
    return "addr_removed";
  case GSCTP_ADDR_ADDED:
    return "addr_added";
  case GSCTP_ADDR_MADE_PRIM:
    return "addr_made_prim";
  case GSCTP_ADDR_CONFIRMED:
    return "addr_confirmed";
  default:
    return "unknown";
  }
}

const char *gsctp_assoc_state_name(int state) {
  static const char *const names[] = {"undefined",
                                      "empty",
                                      "closed",
                                      "bound",
                                      "listen",
                                      "cookie_wait",
                                      "cookie_echoed",
                                      "established",
                                      "shutdown_pending",
                                      "shutdown_sent",
                                      "shutdown_received",
                                      "shutdown_ack_sent"};

  if (state < 0 || (size_t)state >= sizeof(names) / sizeof(names[0])) {
    return "undefined";
  }
  return names[state];
}

const char *gsctp_paddr_state_name(int state) {
  switch (state) {
  case GSCTP_PADDR_ACTIVE:
    return "active";
  case GSCTP_PADDR_INACTIVE:
    return "inactive";
  case GSCTP_PADDR_UNCONFIRMED:
    return "unconfirmed";
  default:
    return "undefined";
  }
}

const char *gsctp_event_type_name(int type) {
  switch (type) {
  case GSCTP_EV_ASSOC_CHANGE:
    return "sctp_assoc_change";
  case GSCTP_EV_PADDR_CHANGE:
    return "sctp_paddr_change";
  case GSCTP_EV_REMOTE_ERROR:
    return "sctp_remote_error";
  case GSCTP_EV_SEND_FAILED:
    return "sctp_send_failed";
  case GSCTP_EV_SHUTDOWN:
    return "sctp_shutdown_event";
  case GSCTP_EV_ADAPTATION:
    return "sctp_adaptation_event";
  case GSCTP_EV_PDAPI:
    return "sctp_pdapi_event";
  default:
    return "none";
  }
}
