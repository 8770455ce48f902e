/*
 * gsctp/err.h - one error space for the whole library.
 *
 * Every gsctp function returns 0 (or a count) on success and a negative
 * code on failure.  Codes from -1 to -999 are `-errno` and carry the
 * name Erlang gives them (`einval`, `eaddrinuse`, ...).  Codes at or
 * below -1000 are gen_sctp's own atoms (`closed`, `timeout`,
 * `not_owner`, `badarg`, ...) or gsctp's.
 */
#ifndef GSCTP_ERR_H
#define GSCTP_ERR_H

#include <errno.h>

#include "gsctp/version.h"

#ifdef __cplusplus
extern "C" {
#endif

/* errno-shaped codes: GSCTP_E<NAME> == -E<NAME>; the atom is the Erlang one. */
#define GSCTP_ERRNO_MAP(XX)                                                    \
  XX(EPERM, "eperm", "operation not permitted")                                \
  XX(ENOENT, "enoent", "no such association or address")                       \
  XX(EINTR, "eintr", "interrupted")                                            \
  XX(EIO, "eio", "input/output error")                                         \
  XX(EBADF, "ebadf", "bad socket")                                             \
  XX(EAGAIN, "eagain", "resource temporarily unavailable")                     \
  XX(ENOMEM, "enomem", "out of memory")                                        \
  XX(EACCES, "eacces", "permission denied")                                    \
  XX(EFAULT, "efault", "bad address")                                          \
  XX(EBUSY, "ebusy", "resource busy")                                          \
  XX(EEXIST, "eexist", "already exists")                                       \
  XX(EINVAL, "einval", "invalid argument")                                     \
  XX(ENFILE, "enfile", "too many sockets in the system")                       \
  XX(EMFILE, "emfile", "too many open sockets")                                \
  XX(ENOSPC, "enospc", "no space left")                                        \
  XX(EPIPE, "epipe", "association is gone")                                    \
  XX(ENOTSOCK, "enotsock", "not a socket")                                     \
  XX(EDESTADDRREQ, "edestaddrreq", "destination address required")             \
  XX(EMSGSIZE, "emsgsize", "message too long")                                 \
  XX(EPROTOTYPE, "eprototype", "wrong protocol type for socket")               \
  XX(ENOPROTOOPT, "enoprotoopt", "protocol option not available")              \
  XX(EPROTONOSUPPORT, "eprotonosupport", "protocol not supported")             \
  XX(ESOCKTNOSUPPORT, "esocktnosupport", "socket type not supported")          \
  XX(EOPNOTSUPP, "eopnotsupp", "operation not supported")                      \
  XX(EAFNOSUPPORT, "eafnosupport", "address family not supported")             \
  XX(EADDRINUSE, "eaddrinuse", "address already in use")                       \
  XX(EADDRNOTAVAIL, "eaddrnotavail", "address not available")                  \
  XX(ENETDOWN, "enetdown", "network is down")                                  \
  XX(ENETUNREACH, "enetunreach", "network is unreachable")                     \
  XX(ECONNABORTED, "econnaborted", "association aborted")                      \
  XX(ECONNRESET, "econnreset", "association reset by peer")                    \
  XX(ENOBUFS, "enobufs", "no buffer space available")                          \
  XX(EISCONN, "eisconn", "already associated")                                 \
  XX(ENOTCONN, "enotconn", "not associated")                                   \
  XX(ESHUTDOWN, "eshutdown", "association is shutting down")                   \
  XX(ETIMEDOUT, "etimedout", "operation timed out")                            \
  XX(ECONNREFUSED, "econnrefused", "association refused")                      \
  XX(EHOSTUNREACH, "ehostunreach", "host is unreachable")                      \
  XX(EALREADY, "ealready", "operation already in progress")                    \
  XX(EINPROGRESS, "einprogress", "operation in progress")

/* gen_sctp atoms and gsctp codes that are not errno values. */
#define GSCTP_ATOM_MAP(XX)                                                     \
  XX(BADARG, -1000, "badarg", "bad argument (API misuse)")                     \
  XX(CLOSED, -1001, "closed", "socket is closed")                              \
  XX(TIMEOUT, -1002, "timeout", "timed out")                                   \
  XX(NOT_OWNER, -1003, "not_owner", "caller is not the socket's owner")        \
  XX(NXDOMAIN, -1004, "nxdomain", "host name not found")                       \
  XX(ASSOC, -1005, "sctp_assoc_change",                                        \
     "association failed; the sctp_assoc_change record says how")              \
  XX(SCTP_ERROR, -1006, "sctp_error",                                          \
     "an error event was received (send_failed, remote_error, pdapi)")         \
  XX(TYPE, -1007, "type", "a record field is out of its type's range")         \
  XX(UNKNOWN, -1099, "unknown", "unknown error")

/** Error codes.  See the two maps above for meanings. */
typedef enum gsctp_err {
  GSCTP_OK = 0,
#define XX(code, atom, msg) GSCTP_##code = -(code),
  GSCTP_ERRNO_MAP(XX)
#undef XX
#define XX(name, value, atom, msg) GSCTP_E##name = (value),
    GSCTP_ATOM_MAP(XX)
#undef XX
} gsctp_err;

/**
 * `gsctp_err_name` returns the Erlang atom for |err| ("einval", "closed",
 * "timeout", ...), "ok" for 0, or "unknown" for a code not in the maps.
 * The string is static; never NULL.  Thread-safe.
 */
GSCTP_EXTERN const char *gsctp_err_name(int err);

/**
 * `gsctp_strerror` returns a one-line English description of |err|.
 * The string is static; never NULL.  Thread-safe.
 */
GSCTP_EXTERN const char *gsctp_strerror(int err);

/**
 * `gsctp_err_from_errno` converts a positive errno value |e| to a gsctp
 * code: `-e` when |e| is in the map, GSCTP_EUNKNOWN otherwise, and
 * GSCTP_EAGAIN for EWOULDBLOCK.  Never returns 0 (0 maps to EUNKNOWN).
 */
GSCTP_EXTERN int gsctp_err_from_errno(int e);

#ifdef __cplusplus
}
#endif

#endif /* GSCTP_ERR_H */
