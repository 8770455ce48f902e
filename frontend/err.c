/*
 * err.c - the error space: names (Erlang atoms) and messages for every
 * code, generated from the two X-macro maps in gsctp/err.h.
 */
#include "gsctp/err.h"

#include <errno.h>
#include <stddef.h>

const char *gsctp_err_name(int err) {
  if (err == 0) {
    return "ok";
  }
  switch (err) {
#define XX(code, atom, msg)                                                    \
  case -(code):                                                                \
    return atom;
    GSCTP_ERRNO_MAP(XX)
#undef XX
#define XX(name, value, atom, msg)                                             \
  case (value):                                                                \
    return atom;
    GSCTP_ATOM_MAP(XX)
#undef XX
  default:
    return "unknown";
  }
}

const char *gsctp_strerror(int err) {
  if (err == 0) {
    return "success";
  }
  switch (err) {
#define XX(code, atom, msg)                                                    \
  case -(code):                                                                \
    return msg;
    GSCTP_ERRNO_MAP(XX)
#undef XX
#define XX(name, value, atom, msg)                                             \
  case (value):                                                                \
    return msg;
    GSCTP_ATOM_MAP(XX)
#undef XX
  default:
    return "unknown error";
  }
}

int gsctp_err_from_errno(int e) {
  if (e == EWOULDBLOCK) {
    return GSCTP_EAGAIN;
  }
  switch (e) {
#define XX(code, atom, msg)                                                    \
  case code:                                                                   \
    return -(code);
    GSCTP_ERRNO_MAP(XX)
#undef XX
  default:
    return GSCTP_EUNKNOWN;
  }
}
