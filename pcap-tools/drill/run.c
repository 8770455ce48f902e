/*
 * run.c - executes one parsed script against the stack in virtual time.
 *
 * The process starts the gsctp stack with |nothreads| (usrsctp's
 * usrsctp_init_nothreads: no timer thread), creates one user AF_CONN link
 * and uses it as the one peer address.  Inbound packets go in with
 * gsctp_link_input(); outbound packets arrive in link_output(), which may
 * run on usrsctp's iterator thread, so it only appends to a locked queue
 * (and the pcap).  Time is virtual: the runner advances it in 1 ms steps
 * with gsctp_stack_handle_timers(), so a 60 s retransmission script runs
 * in a fraction of a second (vclock.c keeps gettimeofday() in step).
 *
 * packetdrill system calls map onto usrsctp's socket calls on AF_CONN
 * sockets, all non-blocking inside.  A call that would block on a socket
 * the script left blocking becomes the one pending call, retried as
 * virtual time passes and packets arrive, and must return at its
 * scripted end time (see retry_pending).
 * The gs_* lines call the gen_sctp front end (gsctp_open, ...), with
 * non-blocking forms only (connect_init, recv with timeout 0).
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pcap/pcap.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <usrsctp.h>

#include "drill.h"
#include "gsctp/link.h"
#include "gsctp/sctp.h"
#include "gsctp/stack.h"

#define MAXFD 64
#define LINKTYPE_SCTP 248 /* DLT_SCTP: bare SCTP packets */

typedef struct opkt {
  uint8_t *data;
  size_t len;
  int64_t t_us;
} opkt;

typedef struct runner {
  script *s;
  const run_opts *o;
  gsctp_link *link;
  symmap m;
  int64_t now_us;
  int64_t timer_ms;
  /* outbound queue (locked: the iterator thread may add) */
  pthread_mutex_t mu;
  opkt *q;
  size_t qhead, qlen, qcap;
  pcap_t *pd;
  pcap_dumper_t *dump;
  /* packetdrill fds */
  struct socket *fd[MAXFD];
  int nonblock[MAXFD];
  /* gen_sctp sockets by script handle */
  gsctp_sock gs[MAXFD];
  /* assoc ids: script -> live */
  uint32_t assoc_script[32], assoc_live[32];
  size_t nassoc;
  char *err;
  size_t errlen;
  int line;
  int unsupported;
  /* the expected return time and tolerance of the call being run (a
   * blocking call returns at its `...end` time, or at once) */
  int64_t call_end_us, call_tol_us;
  int call_has_end;
  /* one blocking call in progress (emulated: retried as time passes) */
  struct {
    int kind; /* PB_* */
    const event *e;
    int fd;
    long len;
    int64_t end_us, tol_us;
    int has_end;
  } pend;
} runner;

enum { PB_NONE = 0, PB_ACCEPT, PB_READ, PB_WRITE, PB_CONNECT };

static void retry_pending(runner *r);

static void rfail(runner *r, const char *fmt, ...) {
  va_list ap;
  int n;

  if (r->err[0] != '\0') {
    return;
  }
  n = snprintf(r->err, r->errlen, "line %d: ", r->line);
  if (n < 0 || (size_t)n >= r->errlen) {
    return;
  }
  va_start(ap, fmt);
  vsnprintf(r->err + n, r->errlen - (size_t)n, fmt, ap);
  va_end(ap);
}

static void runsupported(runner *r, const char *fmt, ...) {
  va_list ap;
  int n;

  if (r->err[0] != '\0') {
    return;
  }
  r->unsupported = 1;
  n = snprintf(r->err, r->errlen, "line %d: unsupported: ", r->line);
  if (n < 0 || (size_t)n >= r->errlen) {
    return;
  }
  va_start(ap, fmt);
  vsnprintf(r->err + n, r->errlen - (size_t)n, fmt, ap);
  va_end(ap);
}

static void pcap_write(runner *r, const uint8_t *p, size_t len, int64_t t) {
  struct pcap_pkthdr h;

  if (r->dump == NULL) {
    return;
  }
  memset(&h, 0, sizeof(h));
  h.ts.tv_sec = (time_t)(t / 1000000);
  h.ts.tv_usec = (suseconds_t)(t % 1000000);
  h.caplen = (bpf_u_int32)len;
  h.len = (bpf_u_int32)len;
  pcap_dump((u_char *)r->dump, &h, p);
  pcap_dump_flush(r->dump);
}

static void link_output(void *user, const uint8_t *pkt, size_t len,
                        uint8_t tos) {
  runner *r = user;
  uint8_t *copy;

  (void)tos;
  copy = malloc(len > 0 ? len : 1);
  if (copy == NULL) {
    return; /* a lost packet */
  }
  memcpy(copy, pkt, len);
  pthread_mutex_lock(&r->mu);
  if (r->qlen == r->qcap) {
    size_t ncap = r->qcap ? r->qcap * 2 : 64;
    opkt *nq = realloc(r->q, ncap * sizeof(*nq));
    if (nq == NULL) {
      pthread_mutex_unlock(&r->mu);
      free(copy);
      return;
    }
    r->q = nq;
    r->qcap = ncap;
  }
  r->q[r->qlen].data = copy;
  r->q[r->qlen].len = len;
  r->q[r->qlen].t_us = r->now_us;
  r->qlen++;
  pcap_write(r, copy, len, r->now_us);
  pthread_mutex_unlock(&r->mu);
}

/* Takes the oldest unconsumed outbound packet; 0 if there is none. */
static int q_pop(runner *r, opkt *out) {
  int got = 0;

  pthread_mutex_lock(&r->mu);
  if (r->qhead < r->qlen) {
    *out = r->q[r->qhead++];
    got = 1;
  }
  pthread_mutex_unlock(&r->mu);
  return got;
}

static void set_now(runner *r, int64_t t) {
  pthread_mutex_lock(&r->mu);
  r->now_us = t;
  pthread_mutex_unlock(&r->mu);
  vclock_set(t);
}

/* Advance virtual time to |t| (µs), running timers every millisecond. */
static void advance_to(runner *r, int64_t t) {
  while ((r->timer_ms + 1) * 1000 <= t) {
    r->timer_ms++;
    set_now(r, r->timer_ms * 1000);
    gsctp_stack_handle_timers(1);
    retry_pending(r);
  }
  if (t > r->now_us) {
    set_now(r, t);
  }
}

static int q_empty(runner *r) {
  int e;

  pthread_mutex_lock(&r->mu);
  e = r->qhead >= r->qlen;
  pthread_mutex_unlock(&r->mu);
  return e;
}

/* Advance one millisecond (used while waiting for an outbound packet). */
static void tick(runner *r) {
  r->timer_ms++;
  set_now(r, r->timer_ms * 1000);
  gsctp_stack_handle_timers(1);
  retry_pending(r);
}

/* The scripted chunks as "A[...]; B[...]". */
static void fmt_chunks(const val *chunks, char *buf, size_t len) {
  size_t i, n;

  buf[0] = '\0';
  for (i = 0; chunks != NULL && i < chunks->n; ++i) {
    n = strlen(buf);
    if (i > 0 && n + 2 < len) {
      memcpy(buf + n, "; ", 3);
      n += 2;
    }
    val_format(chunks->items[i], buf + n, len - n);
  }
}

static void fmt_time(char *b, size_t n, int64_t us) {
  snprintf(b, n, "%" PRId64 ".%06" PRId64, us / 1000000, us % 1000000);
}

/* ---------------- packets ---------------- */

static int do_inbound(runner *r, const event *e) {
  uint8_t buf[65536];
  char err[1024];
  int n;

  n = wire_build(e, &r->m, buf, sizeof(buf), err, sizeof(err));
  if (n < 0) {
    if (strncmp(err, "unsupported", 11) == 0 ||
        strstr(err, "unsupported:") != NULL) {
      r->unsupported = 1;
    }
    rfail(r, "inbound packet: %s", err);
    return -1;
  }
  pthread_mutex_lock(&r->mu);
  pcap_write(r, buf, (size_t)n, r->now_us);
  pthread_mutex_unlock(&r->mu);
  gsctp_link_input(r->link, buf, (size_t)n);
  return 0;
}

static int do_outbound(runner *r, const event *e, int64_t lo, int64_t hi,
                       int64_t expect, int64_t tol, int64_t *pactual) {
  opkt p;
  char err[1024], actual[2048], want[2048], t1[32], t2[32], t3[32];
  int rv;

  while (q_empty(r) && r->now_us < hi) {
    tick(r);
  }
  if (!q_pop(r, &p)) {
    fmt_time(t1, sizeof(t1), hi);
    fmt_chunks(e->chunks, want, sizeof(want));
    if (e->tk == TM_ANY) {
      rfail(r,
            "expected an outbound packet, but the stack sent nothing "
            "within %s s of virtual time\n    expected: %s",
            t1, want);
    } else {
      fmt_time(t2, sizeof(t2), expect);
      rfail(r,
            "expected an outbound packet at %s s, but the stack sent "
            "nothing by %s s\n    expected: %s",
            t2, t1, want);
    }
    return -1;
  }
  *pactual = p.t_us;
  wire_format(p.data, p.len, actual, sizeof(actual));
  rv = wire_match(e, &r->m, p.data, p.len, err, sizeof(err));
  if (rv != 0) {
    fmt_chunks(e->chunks, want, sizeof(want));
    if (strstr(err, "unsupported:") != NULL) {
      r->unsupported = 1;
    }
    rfail(r,
          "outbound packet mismatch: %s\n    expected: %s\n    actual:   "
          "%s",
          err, want, actual);
    free(p.data);
    return -1;
  }
  if (p.t_us < lo || p.t_us > hi) {
    fmt_time(t1, sizeof(t1), p.t_us);
    fmt_time(t2, sizeof(t2), expect);
    fmt_time(t3, sizeof(t3), tol);
    if (e->tk == TM_RANGE || e->tk == TM_RRANGE) {
      char a[32], b[32];
      fmt_time(a, sizeof(a), lo);
      fmt_time(b, sizeof(b), hi);
      rfail(r,
            "timing: packet sent at %s s, expected between %s and %s s"
            "\n    actual:   %s",
            t1, a, b, actual);
    } else {
      rfail(r,
            "timing: packet sent at %s s, expected at %s s (tolerance "
            "%s s)\n    actual:   %s",
            t1, t2, t3, actual);
    }
    free(p.data);
    return -1;
  }
  if (r->o->verbose) {
    fmt_time(t1, sizeof(t1), p.t_us);
    printf("  %s > %s\n", t1, actual);
  }
  free(p.data);
  return 0;
}

/* ---------------- system calls ---------------- */

static const struct {
  const char *name;
  long value;
} consts[] = {
  {"SOCK_STREAM", SOCK_STREAM},
  {"SOCK_SEQPACKET", SOCK_SEQPACKET},
  {"IPPROTO_SCTP", IPPROTO_SCTP},
  {"AF_INET", AF_INET},
  {"AF_INET6", AF_INET6},
  {"PF_INET", AF_INET},
  {"PF_INET6", AF_INET6},
  {"SOL_SOCKET", SOL_SOCKET},
  {"SO_ERROR", SO_ERROR},
  {"SO_RCVBUF", SO_RCVBUF},
  {"SO_SNDBUF", SO_SNDBUF},
  {"F_GETFL", F_GETFL},
  {"F_SETFL", F_SETFL},
  {"O_RDWR", O_RDWR},
  {"O_RDONLY", O_RDONLY},
  {"O_WRONLY", O_WRONLY},
  {"O_NONBLOCK", O_NONBLOCK},
  {"SHUT_RD", SHUT_RD},
  {"SHUT_WR", SHUT_WR},
  {"SHUT_RDWR", SHUT_RDWR},
  {"SCTP_RTOINFO", SCTP_RTOINFO},
  {"SCTP_PEER_ADDR_PARAMS", SCTP_PEER_ADDR_PARAMS},
  {"SCTP_INITMSG", SCTP_INITMSG},
  {"SCTP_STATUS", SCTP_STATUS},
  {"SCTP_NODELAY", SCTP_NODELAY},
  {"SCTP_CLOSED", SCTP_CLOSED},
  {"SCTP_BOUND", SCTP_BOUND},
  {"SCTP_LISTEN", SCTP_LISTEN},
  {"SCTP_COOKIE_WAIT", SCTP_COOKIE_WAIT},
  {"SCTP_COOKIE_ECHOED", SCTP_COOKIE_ECHOED},
  {"SCTP_ESTABLISHED", SCTP_ESTABLISHED},
  {"SCTP_SHUTDOWN_SENT", SCTP_SHUTDOWN_SENT},
  {"SCTP_SHUTDOWN_RECEIVED", SCTP_SHUTDOWN_RECEIVED},
  {"SCTP_SHUTDOWN_ACK_SENT", SCTP_SHUTDOWN_ACK_SENT},
  {"SCTP_SHUTDOWN_PENDING", SCTP_SHUTDOWN_PENDING},
  {"SPP_HB_ENABLE", SPP_HB_ENABLE},
  {"SPP_HB_DISABLE", SPP_HB_DISABLE},
  {"SPP_HB_DEMAND", SPP_HB_DEMAND},
  {"SPP_PMTUD_ENABLE", SPP_PMTUD_ENABLE},
  {"SPP_PMTUD_DISABLE", SPP_PMTUD_DISABLE},
  {"SPP_HB_TIME_IS_ZERO", SPP_HB_TIME_IS_ZERO},
  {"SPP_IPV6_FLOWLABEL", SPP_IPV6_FLOWLABEL},
  {"SPP_DSCP", SPP_DSCP},
};

static int errno_by_name(const char *n) {
  int i;

  if (strcmp(n, "EWOULDBLOCK") == 0) {
    return EWOULDBLOCK;
  }
  if (strcmp(n, "ENOTSUP") == 0) {
    return ENOTSUP;
  }
  for (i = 1; i < 200; ++i) {
    const char *s = strerrorname_np(i);
    if (s != NULL && strcmp(s, n) == 0) {
      return i;
    }
  }
  return -1;
}

static const char *errno_name(int e) {
  const char *s = strerrorname_np(e);
  return s != NULL ? s : "E?";
}

/* integer value of an argument: numbers, constants, errno names, a|b */
static int ival(runner *r, const val *v, long *out) {
  size_t i;

  if (v == NULL) {
    rfail(r, "missing argument");
    return -1;
  }
  switch (v->kind) {
  case V_NUM:
    *out = v->neg ? -(long)v->num : (long)v->num;
    return 0;
  case V_IDENT:
    for (i = 0; i < sizeof(consts) / sizeof(consts[0]); ++i) {
      if (strcmp(consts[i].name, v->text) == 0) {
        *out = consts[i].value;
        return 0;
      }
    }
    if (errno_by_name(v->text) > 0) {
      *out = errno_by_name(v->text);
      return 0;
    }
    runsupported(r, "symbol %s", v->text);
    return -1;
  case V_OR: {
    long acc = 0, x;
    for (i = 0; i < v->n; ++i) {
      if (ival(r, v->items[i], &x) != 0) {
        return -1;
      }
      acc |= x;
    }
    *out = acc;
    return 0;
  }
  case V_LIST:
    if (v->n == 1) {
      return ival(r, v->items[0], out);
    }
    break;
  default:
    break;
  }
  {
    char t[256] = "";
    val_format(v, t, sizeof(t));
    rfail(r, "expected an integer, found '%s'", t);
  }
  return -1;
}

static const val *arg(const event *e, size_t i) {
  return i < e->args->n ? e->args->items[i] : NULL;
}

static int getfd(runner *r, const event *e, size_t i, struct socket **pso,
                 int *pfd) {
  long fd;

  if (ival(r, arg(e, i), &fd) != 0) {
    return -1;
  }
  if (fd < 0 || fd >= MAXFD || r->fd[fd] == NULL) {
    *pso = NULL;
    *pfd = (int)fd;
    return 0; /* EBADF is the call's result */
  }
  *pso = r->fd[fd];
  *pfd = (int)fd;
  return 0;
}

/* Compares a call's outcome with the script's "= result [ERRNO]". */
static int check_result(runner *r, const event *e, long rv, int err) {
  long want;
  int werr = 0;

  if (e->result->kind == V_ELLIPSIS) {
    return 0;
  }
  if (ival(r, e->result, &want) != 0) {
    return -1;
  }
  if (e->errname != NULL) {
    werr = errno_by_name(e->errname);
    if (werr < 0) {
      rfail(r, "unknown errno name %s", e->errname);
      return -1;
    }
  }
  if (rv != want) {
    if (rv < 0) {
      rfail(r, "%s returned %ld %s (%s), expected %ld%s%s", e->name, rv,
            errno_name(err), strerror(err), want, e->errname ? " " : "",
            e->errname ? e->errname : "");
    } else {
      rfail(r, "%s returned %ld, expected %ld%s%s", e->name, rv, want,
            e->errname ? " " : "", e->errname ? e->errname : "");
    }
    return -1;
  }
  if (rv < 0 && e->errname != NULL && err != werr) {
    rfail(r, "%s failed with %s (%s), expected %s", e->name, errno_name(err),
          strerror(err), e->errname);
    return -1;
  }
  return 0;
}

static void conn_addr(runner *r, struct sockaddr_conn *sc, uint16_t port) {
  memset(sc, 0, sizeof(*sc));
  sc->sconn_family = AF_CONN;
  sc->sconn_port = htons(port);
  sc->sconn_addr = r->link;
}

/*
 * Blocking calls.  Sockets are non-blocking inside; a call that would
 * block on an fd the script left blocking becomes the pending call: it is
 * retried after every millisecond of virtual time and every inbound
 * packet, and must return at its scripted end time (`start...end`, or at
 * once) within the tolerance.  Returns 1 if the call is now pending.
 */
static int would_block(runner *r, const event *e, int fd, long rv, int err,
                       int kind, long len) {
  if (!(rv < 0 && (err == EAGAIN || err == EINPROGRESS) && fd >= 0 &&
        fd < MAXFD && !r->nonblock[fd] &&
        !(e->errname != NULL && errno_by_name(e->errname) == err))) {
    return 0;
  }
  if (r->pend.kind != PB_NONE) {
    runsupported(r,
                 "%s would block on fd %d while the blocking call of "
                 "line %d has not returned (one at a time)",
                 e->name, fd, r->pend.e->line);
    return 1;
  }
  r->pend.kind = kind;
  r->pend.e = e;
  r->pend.fd = fd;
  r->pend.len = len;
  r->pend.end_us = r->call_end_us;
  r->pend.tol_us = r->call_tol_us;
  r->pend.has_end = r->call_has_end;
  return 1;
}

static int struct_int(runner *r, const val *st, const char *name, long *out,
                      int *present) {
  const val *v = val_field(st, name);

  *present = 0;
  if (v == NULL || v->kind == V_ELLIPSIS) {
    return 0;
  }
  *present = 1;
  return ival(r, v, out);
}

static int check_struct_fields(runner *r, const val *st,
                               const char *const *names) {
  size_t i;
  int k, ok;

  for (i = 0; i < st->n; ++i) {
    if (st->items[i]->kind != V_FIELD) {
      continue;
    }
    ok = 0;
    for (k = 0; names[k] != NULL; ++k) {
      if (strcmp(names[k], st->items[i]->text) == 0) {
        ok = 1;
      }
    }
    if (!ok) {
      runsupported(r, "struct field %s", st->items[i]->text);
      return -1;
    }
  }
  return 0;
}

static int do_sockopt(runner *r, const event *e, int set) {
  struct socket *so;
  int fd, err = 0;
  long level, name, rv;
  const val *v = arg(e, 3);

  if (getfd(r, e, 0, &so, &fd) != 0 || ival(r, arg(e, 1), &level) != 0 ||
      ival(r, arg(e, 2), &name) != 0) {
    return -1;
  }
  if (v == NULL) {
    rfail(r, "%s needs 5 arguments", e->name);
    return -1;
  }
  if (so == NULL) {
    return check_result(r, e, -1, EBADF);
  }
  if ((level == SOL_SOCKET &&
       (name == SO_ERROR || name == SO_RCVBUF || name == SO_SNDBUF)) ||
      (level == IPPROTO_SCTP && name == SCTP_NODELAY)) {
    int x = 0;
    socklen_t l = sizeof(x);
    if (set) {
      long w;
      if (ival(r, v, &w) != 0) {
        return -1;
      }
      x = (int)w;
      rv = usrsctp_setsockopt(so, (int)level, (int)name, &x, l);
      err = errno;
      return check_result(r, e, rv, err);
    }
    rv = usrsctp_getsockopt(so, (int)level, (int)name, &x, &l);
    err = errno;
    if (check_result(r, e, rv, err) != 0) {
      return -1;
    }
    if (rv == 0 && v->kind != V_ELLIPSIS) {
      long w;
      if (ival(r, v, &w) != 0) {
        return -1;
      }
      if (w != x) {
        rfail(r, "getsockopt value: expected %ld%s%s, actual %d%s%s", w,
              name == SO_ERROR ? " " : "",
              name == SO_ERROR ? errno_name((int)w) : "", x,
              name == SO_ERROR ? " " : "",
              name == SO_ERROR ? (x ? errno_name(x) : "(none)") : "");
        return -1;
      }
    }
    return 0;
  }
  if (level != IPPROTO_SCTP) {
    runsupported(r, "%s level %ld option %ld", e->name, level, name);
    return -1;
  }
  if (v->kind != V_STRUCT && v->kind != V_ELLIPSIS) {
    rfail(r, "%s of this option takes a {field=value, ...} struct", e->name);
    return -1;
  }
  if (name == SCTP_RTOINFO && set) {
    static const char *const names[] = {"srto_assoc_id", "srto_initial",
                                        "srto_max", "srto_min", NULL};
    struct sctp_rtoinfo ri;
    long x;
    int has;
    memset(&ri, 0, sizeof(ri));
    if (check_struct_fields(r, v, names) != 0) {
      return -1;
    }
    if (struct_int(r, v, "srto_initial", &x, &has) != 0) {
      return -1;
    }
    ri.srto_initial = has ? (uint32_t)x : 0;
    if (struct_int(r, v, "srto_max", &x, &has) != 0) {
      return -1;
    }
    ri.srto_max = has ? (uint32_t)x : 0;
    if (struct_int(r, v, "srto_min", &x, &has) != 0) {
      return -1;
    }
    ri.srto_min = has ? (uint32_t)x : 0;
    rv = usrsctp_setsockopt(so, IPPROTO_SCTP, SCTP_RTOINFO, &ri, sizeof(ri));
    return check_result(r, e, rv, errno);
  }
  if (name == SCTP_INITMSG && set) {
    static const char *const names[] = {
      "sinit_num_ostreams", "sinit_max_instreams", "sinit_max_attempts",
      "sinit_max_init_timeo", NULL};
    struct sctp_initmsg im;
    long x;
    int has;
    memset(&im, 0, sizeof(im));
    if (check_struct_fields(r, v, names) != 0) {
      return -1;
    }
    if (struct_int(r, v, "sinit_num_ostreams", &x, &has) != 0) {
      return -1;
    }
    im.sinit_num_ostreams = has ? (uint16_t)x : 0;
    if (struct_int(r, v, "sinit_max_instreams", &x, &has) != 0) {
      return -1;
    }
    im.sinit_max_instreams = has ? (uint16_t)x : 0;
    if (struct_int(r, v, "sinit_max_attempts", &x, &has) != 0) {
      return -1;
    }
    im.sinit_max_attempts = has ? (uint16_t)x : 0;
    if (struct_int(r, v, "sinit_max_init_timeo", &x, &has) != 0) {
      return -1;
    }
    im.sinit_max_init_timeo = has ? (uint16_t)x : 0;
    rv = usrsctp_setsockopt(so, IPPROTO_SCTP, SCTP_INITMSG, &im, sizeof(im));
    return check_result(r, e, rv, errno);
  }
  if (name == SCTP_PEER_ADDR_PARAMS && set) {
    static const char *const names[] = {
      "spp_assoc_id",       "spp_address", "spp_hbinterval",
      "spp_pathmaxrxt",     "spp_pathmtu", "spp_flags",
      "spp_ipv6_flowlabel", "spp_dscp",    NULL};
    struct sctp_paddrparams pp;
    long x;
    int has;
    memset(&pp, 0, sizeof(pp));
    if (check_struct_fields(r, v, names) != 0) {
      return -1;
    }
    if (val_field(v, "spp_address") != NULL &&
        val_field(v, "spp_address")->kind != V_ELLIPSIS) {
      runsupported(r, "spp_address other than ... (every path)");
      return -1;
    }
    if (struct_int(r, v, "spp_hbinterval", &x, &has) != 0) {
      return -1;
    }
    {
      /* spp_address=...: every path; usrsctp wants the family set */
      struct sockaddr_conn *sc = (struct sockaddr_conn *)&pp.spp_address;
      sc->sconn_family = AF_CONN;
    }
    pp.spp_hbinterval = has ? (uint32_t)x : 0;
    if (struct_int(r, v, "spp_pathmaxrxt", &x, &has) != 0) {
      return -1;
    }
    pp.spp_pathmaxrxt = has ? (uint16_t)x : 0;
    if (struct_int(r, v, "spp_pathmtu", &x, &has) != 0) {
      return -1;
    }
    pp.spp_pathmtu = has ? (uint32_t)x : 0;
    if (struct_int(r, v, "spp_flags", &x, &has) != 0) {
      return -1;
    }
    pp.spp_flags = has ? (uint32_t)x : 0;
    if (struct_int(r, v, "spp_ipv6_flowlabel", &x, &has) != 0) {
      return -1;
    }
    pp.spp_ipv6_flowlabel = has ? (uint32_t)x : 0;
    if (struct_int(r, v, "spp_dscp", &x, &has) != 0) {
      return -1;
    }
    pp.spp_dscp = has ? (uint8_t)x : 0;
    rv = usrsctp_setsockopt(so, IPPROTO_SCTP, SCTP_PEER_ADDR_PARAMS, &pp,
                            sizeof(pp));
    return check_result(r, e, rv, errno);
  }
  if (name == SCTP_STATUS && !set) {
    static const char *const names[] = {
      "sstat_assoc_id", "sstat_state",
      "sstat_rwnd",     "sstat_unackdata",
      "sstat_penddata", "sstat_instrms",
      "sstat_outstrms", "sstat_fragmentation_point",
      "sstat_primary",  NULL};
    struct sctp_status st;
    socklen_t l = sizeof(st);
    static const struct {
      const char *n;
      size_t off, size;
    } fl[] = {
      {"sstat_state", offsetof(struct sctp_status, sstat_state), 4},
      {"sstat_rwnd", offsetof(struct sctp_status, sstat_rwnd), 4},
      {"sstat_unackdata", offsetof(struct sctp_status, sstat_unackdata), 2},
      {"sstat_penddata", offsetof(struct sctp_status, sstat_penddata), 2},
      {"sstat_instrms", offsetof(struct sctp_status, sstat_instrms), 2},
      {"sstat_outstrms", offsetof(struct sctp_status, sstat_outstrms), 2},
      {"sstat_fragmentation_point",
       offsetof(struct sctp_status, sstat_fragmentation_point), 4},
    };
    size_t i;
    memset(&st, 0, sizeof(st));
    if (check_struct_fields(r, v, names) != 0) {
      return -1;
    }
    rv = usrsctp_getsockopt(so, IPPROTO_SCTP, SCTP_STATUS, &st, &l);
    err = errno;
    if (check_result(r, e, rv, err) != 0) {
      return -1;
    }
    if (rv != 0) {
      return 0; /* failed as the script expected: no fields to compare */
    }
    for (i = 0; i < sizeof(fl) / sizeof(fl[0]); ++i) {
      long want, have;
      int has;
      const uint8_t *p = (const uint8_t *)&st + fl[i].off;
      if (struct_int(r, v, fl[i].n, &want, &has) != 0) {
        return -1;
      }
      if (!has) {
        continue;
      }
      if (fl[i].size == 4) {
        int32_t x;
        memcpy(&x, p, 4);
        have = x;
      } else {
        uint16_t x;
        memcpy(&x, p, 2);
        have = x;
      }
      if (have != want) {
        rfail(r, "SCTP_STATUS %s: expected %ld (0x%lx), actual %ld (0x%lx)",
              fl[i].n, want, want, have, have);
        return -1;
      }
    }
    return 0;
  }
  runsupported(r, "%s option %ld", e->name, name);
  return -1;
}

/* Binds an accepted socket to the script fd the result names. */
static int accept_done(runner *r, const event *e, struct socket *ns) {
  usrsctp_set_non_blocking(ns, 1);
  if (e->result->kind == V_NUM && !e->result->neg && e->result->num < MAXFD &&
      r->fd[e->result->num] == NULL) {
    r->fd[e->result->num] = ns;
    r->nonblock[e->result->num] = 0;
    return 0;
  }
  usrsctp_close(ns);
  if (e->result->kind == V_ELLIPSIS) {
    return 0;
  }
  if (e->result->kind == V_NUM && e->result->neg) {
    rfail(r, "accept returned a new socket, expected -1 %s",
          e->errname ? e->errname : "");
  } else if (e->result->kind == V_NUM && e->result->num < MAXFD) {
    rfail(r, "accept: script fd %s is already open", e->result->text);
  } else {
    rfail(r, "accept: the result must be a script fd below %d", MAXFD);
  }
  return -1;
}

/* One read (recvv) or write (sendv) attempt; errno in |*perr|. */
static long rw_once(struct socket *so, int isread, uint8_t *buf, size_t len,
                    int *perr) {
  long rv;

  if (isread) {
    struct sockaddr_conn from;
    socklen_t fromlen = sizeof(from);
    struct sctp_rcvinfo rcv;
    socklen_t infolen = sizeof(rcv);
    unsigned int infotype = 0;
    int flags = 0;
    rv = usrsctp_recvv(so, buf, len, (struct sockaddr *)&from, &fromlen, &rcv,
                       &infolen, &infotype, &flags);
  } else {
    rv = usrsctp_sendv(so, buf, len, NULL, 0, NULL, 0, SCTP_SENDV_NOINFO, 0);
  }
  *perr = errno;
  return rv;
}

/* Retries the pending blocking call; on return checks its result and its
 * time.  Called after every virtual millisecond and inbound packet. */
static void retry_pending(runner *r) {
  const event *e = r->pend.e;
  struct socket *so;
  long rv = -1;
  int err = EAGAIN, saved_line, done = 0;
  char t1[32], t2[32], t3[32];

  if (r->pend.kind == PB_NONE || r->err[0] != '\0') {
    return;
  }
  so = r->fd[r->pend.fd];
  saved_line = r->line;
  r->line = e->line;
  if (so == NULL) {
    rv = -1;
    err = EBADF;
    done = 1;
  } else if (r->pend.kind == PB_ACCEPT) {
    struct socket *ns = usrsctp_accept(so, NULL, NULL);
    err = errno;
    if (ns != NULL) {
      r->pend.kind = PB_NONE;
      (void)accept_done(r, e, ns);
      rv = 0;
      done = 2; /* result handled */
    } else if (err != EAGAIN && err != EWOULDBLOCK) {
      done = 1;
    }
  } else if (r->pend.kind == PB_CONNECT) {
    int soerr = 0;
    socklen_t l = sizeof(soerr);
    struct sctp_status st;
    socklen_t sl = sizeof(st);
    memset(&st, 0, sizeof(st));
    if (usrsctp_getsockopt(so, SOL_SOCKET, SO_ERROR, &soerr, &l) == 0 &&
        soerr != 0) {
      rv = -1;
      err = soerr;
      done = 1;
    } else if (usrsctp_getsockopt(so, IPPROTO_SCTP, SCTP_STATUS, &st, &sl) ==
                 0 &&
               st.sstat_state == SCTP_ESTABLISHED) {
      rv = 0;
      done = 1;
    }
  } else {
    uint8_t *buf = calloc(1, (size_t)r->pend.len + 1);
    if (buf == NULL) {
      rfail(r, "out of memory");
      r->line = saved_line;
      return;
    }
    rv = rw_once(so, r->pend.kind == PB_READ, buf, (size_t)r->pend.len, &err);
    free(buf);
    if (!(rv < 0 && (err == EAGAIN || err == EWOULDBLOCK))) {
      done = 1;
    }
  }
  if (!done) {
    if (r->now_us > r->pend.end_us + r->pend.tol_us) {
      fmt_time(t1, sizeof(t1), r->pend.end_us);
      fmt_time(t2, sizeof(t2), r->now_us);
      rfail(r, "blocking %s had not returned by %s s (expected at %s s)%s",
            e->name, t2, t1,
            r->pend.has_end ? ""
                            : "; write start...end times for a call that "
                              "blocks");
      r->pend.kind = PB_NONE;
    }
    r->line = saved_line;
    return;
  }
  r->pend.kind = PB_NONE;
  if (done == 1) {
    (void)check_result(r, e, rv, err);
  }
  if (r->err[0] == '\0' && (r->now_us < r->pend.end_us - r->pend.tol_us ||
                            r->now_us > r->pend.end_us + r->pend.tol_us)) {
    fmt_time(t1, sizeof(t1), r->now_us);
    fmt_time(t2, sizeof(t2), r->pend.end_us);
    fmt_time(t3, sizeof(t3), r->pend.tol_us);
    rfail(r,
          "timing: blocking %s returned at %s s, expected at %s s "
          "(tolerance %s s)%s",
          e->name, t1, t2, t3,
          r->pend.has_end ? ""
                          : "; write start...end times for a call that "
                            "blocks");
  }
  r->line = saved_line;
}

static int do_syscall_pd(runner *r, const event *e) {
  struct socket *so = NULL;
  int fd = -1, err = 0;
  long rv = 0;
  const char *n = e->name;

  if (strcmp(n, "socket") == 0) {
    long type, want;
    if (ival(r, arg(e, 1), &type) != 0) {
      return -1;
    }
    if (e->result->kind != V_NUM || e->result->neg) {
      runsupported(r, "socket() expected to fail");
      return -1;
    }
    want = (long)e->result->num;
    if (want >= MAXFD || r->fd[want] != NULL) {
      rfail(r, "socket() = %ld: that script fd is in use or too large", want);
      return -1;
    }
    so = usrsctp_socket(AF_CONN, (int)type, IPPROTO_SCTP, NULL, NULL, 0, NULL);
    if (so == NULL) {
      return check_result(r, e, -1, errno);
    }
    usrsctp_set_non_blocking(so, 1);
    r->fd[want] = so;
    r->nonblock[want] = 0;
    return 0;
  }
  if (strcmp(n, "close") == 0 || strcmp(n, "bind") == 0 ||
      strcmp(n, "listen") == 0 || strcmp(n, "accept") == 0 ||
      strcmp(n, "connect") == 0 || strcmp(n, "fcntl") == 0 ||
      strcmp(n, "read") == 0 || strcmp(n, "write") == 0 ||
      strcmp(n, "shutdown") == 0) {
    if (getfd(r, e, 0, &so, &fd) != 0) {
      return -1;
    }
    if (so == NULL) {
      return check_result(r, e, -1, EBADF);
    }
  }
  if (strcmp(n, "close") == 0) {
    usrsctp_close(so);
    r->fd[fd] = NULL;
    return check_result(r, e, 0, 0);
  }
  if (strcmp(n, "bind") == 0) {
    struct sockaddr_conn sc;
    conn_addr(r, &sc, (uint16_t)r->s->local_port);
    rv = usrsctp_bind(so, (struct sockaddr *)&sc, sizeof(sc));
    err = errno;
    if (rv == 0) {
      r->m.local_port = (uint16_t)r->s->local_port;
      r->m.local_port_known = 1;
    }
    return check_result(r, e, rv, err);
  }
  if (strcmp(n, "listen") == 0) {
    long bl;
    if (ival(r, arg(e, 1), &bl) != 0) {
      return -1;
    }
    rv = usrsctp_listen(so, (int)bl);
    return check_result(r, e, rv, errno);
  }
  if (strcmp(n, "accept") == 0) {
    struct socket *ns = usrsctp_accept(so, NULL, NULL);
    err = errno;
    if (ns == NULL) {
      if (would_block(r, e, fd, -1, err, PB_ACCEPT, 0)) {
        return r->err[0] != '\0' ? -1 : 0;
      }
      return check_result(r, e, -1, err);
    }
    return accept_done(r, e, ns);
  }
  if (strcmp(n, "connect") == 0) {
    struct sockaddr_conn sc;
    conn_addr(r, &sc, (uint16_t)r->s->remote_port);
    rv = usrsctp_connect(so, (struct sockaddr *)&sc, sizeof(sc));
    err = errno;
    if (would_block(r, e, fd, rv, err, PB_CONNECT, 0)) {
      return r->err[0] != '\0' ? -1 : 0;
    }
    return check_result(r, e, rv, err);
  }
  if (strcmp(n, "fcntl") == 0) {
    long cmd, fl;
    if (ival(r, arg(e, 1), &cmd) != 0) {
      return -1;
    }
    if (cmd == F_GETFL) {
      return check_result(r, e, O_RDWR | (r->nonblock[fd] ? O_NONBLOCK : 0), 0);
    }
    if (cmd == F_SETFL) {
      if (ival(r, arg(e, 2), &fl) != 0) {
        return -1;
      }
      r->nonblock[fd] = (fl & O_NONBLOCK) != 0;
      return check_result(r, e, 0, 0);
    }
    runsupported(r, "fcntl command %ld", cmd);
    return -1;
  }
  if (strcmp(n, "read") == 0 || strcmp(n, "write") == 0) {
    long len;
    uint8_t *buf;
    if (ival(r, arg(e, 2), &len) != 0) {
      return -1;
    }
    if (len < 0 || len > 1 << 20) {
      rfail(r, "%s length %ld out of range", n, len);
      return -1;
    }
    buf = calloc(1, (size_t)len + 1);
    if (buf == NULL) {
      rfail(r, "out of memory");
      return -1;
    }
    rv = rw_once(so, n[0] == 'r', buf, (size_t)len, &err);
    free(buf);
    if (would_block(r, e, fd, rv, err, n[0] == 'r' ? PB_READ : PB_WRITE, len)) {
      return r->err[0] != '\0' ? -1 : 0;
    }
    return check_result(r, e, rv, err);
  }
  if (strcmp(n, "shutdown") == 0) {
    long how;
    if (ival(r, arg(e, 1), &how) != 0) {
      return -1;
    }
    rv = usrsctp_shutdown(so, (int)how);
    return check_result(r, e, rv, errno);
  }
  if (strcmp(n, "getsockopt") == 0) {
    return do_sockopt(r, e, 0);
  }
  if (strcmp(n, "setsockopt") == 0) {
    return do_sockopt(r, e, 1);
  }
  runsupported(r, "system call %s", n);
  return -1;
}

/* ---------------- gen_sctp front-end lines (gs_*) ---------------- */

static const char *res_atom(const val *res, size_t i) {
  if (res->kind == V_IDENT && i == 0) {
    return res->text;
  }
  if (res->kind == V_STRUCT && i < res->n && res->items[i]->kind == V_IDENT) {
    return res->items[i]->text;
  }
  return NULL;
}

/* Checks an `ok` / `{error, atom}` result against |rv|. */
static int gs_check(runner *r, const event *e, int rv) {
  const char *a0 = res_atom(e->result, 0), *a1;

  if (e->result->kind == V_ELLIPSIS) {
    return 0;
  }
  if (a0 != NULL && strcmp(a0, "ok") == 0) {
    if (rv != 0) {
      rfail(r, "%s returned {error, %s}, expected ok", e->name,
            gsctp_err_name(rv));
      return -1;
    }
    return 0;
  }
  if (a0 != NULL && strcmp(a0, "error") == 0) {
    a1 = res_atom(e->result, 1);
    if (rv == 0) {
      rfail(r, "%s returned ok, expected {error, %s}", e->name,
            a1 ? a1 : "...");
      return -1;
    }
    if (a1 != NULL && strcmp(a1, gsctp_err_name(rv)) != 0) {
      rfail(r, "%s returned {error, %s}, expected {error, %s}", e->name,
            gsctp_err_name(rv), a1);
      return -1;
    }
    return 0;
  }
  rfail(r, "%s: the result must be ok or {error, Reason}", e->name);
  return -1;
}

static int gs_sock(runner *r, const event *e, gsctp_sock *ps, long *ph) {
  long h;

  if (ival(r, arg(e, 0), &h) != 0) {
    return -1;
  }
  if (h < 0 || h >= MAXFD || r->gs[h] == 0) {
    rfail(r, "%s: no gen_sctp socket %ld (open it with gs_open first)", e->name,
          h);
    return -1;
  }
  *ps = r->gs[h];
  if (ph != NULL) {
    *ph = h;
  }
  return 0;
}

static int assoc_live(runner *r, const val *v, uint32_t *out) {
  long s;
  size_t i;

  if (v == NULL || v->kind == V_ELLIPSIS) {
    *out = r->nassoc > 0 ? r->assoc_live[0] : 0;
    return 0;
  }
  if (ival(r, v, &s) != 0) {
    return -1;
  }
  for (i = 0; i < r->nassoc; ++i) {
    if (r->assoc_script[i] == (uint32_t)s) {
      *out = r->assoc_live[i];
      return 0;
    }
  }
  if (s == 0) {
    *out = 0;
    return 0;
  }
  rfail(r,
        "association %ld unknown: learn it from a gs_recv of its "
        "sctp_assoc_change first",
        s);
  return -1;
}

static void assoc_learn(runner *r, long script_id, uint32_t live) {
  size_t i;

  for (i = 0; i < r->nassoc; ++i) {
    if (r->assoc_script[i] == (uint32_t)script_id) {
      r->assoc_live[i] = live;
      return;
    }
  }
  if (r->nassoc < 32) {
    r->assoc_script[r->nassoc] = (uint32_t)script_id;
    r->assoc_live[r->nassoc] = live;
    r->nassoc++;
  }
}

static int opt_field(runner *r, const event *e, const char *name, long *out,
                     int *present) {
  size_t i;

  *present = 0;
  for (i = 0; i < e->args->n; ++i) {
    const val *a = e->args->items[i];
    if (a->kind == V_FIELD && strcmp(a->text, name) == 0) {
      *present = 1;
      return ival(r, a->items[0], out);
    }
  }
  return 0;
}

static int gs_check_args(runner *r, const event *e, const char *const *ok) {
  size_t i;
  int k, found;

  for (i = 0; i < e->args->n; ++i) {
    const val *a = e->args->items[i];
    if (a->kind != V_FIELD) {
      continue;
    }
    found = 0;
    for (k = 0; ok[k] != NULL; ++k) {
      if (strcmp(ok[k], a->text) == 0) {
        found = 1;
      }
    }
    if (!found) {
      runsupported(r, "%s argument %s", e->name, a->text);
      return -1;
    }
  }
  return 0;
}

/* the initmsg options of gs_open / gs_connect_init */
static size_t gs_initmsg(runner *r, const event *e, gsctp_opt *o, int *perr) {
  long os, is;
  int hos, his;

  *perr = 0;
  if (opt_field(r, e, "ostreams", &os, &hos) != 0 ||
      opt_field(r, e, "instreams", &is, &his) != 0) {
    *perr = 1;
    return 0;
  }
  if (!hos && !his) {
    return 0;
  }
  memset(o, 0, sizeof(*o));
  o->name = GSCTP_OPT_SCTP_INITMSG;
  o->v.initmsg = gsctp_initmsg_default();
  if (hos) {
    o->v.initmsg.num_ostreams = os;
  }
  if (his) {
    o->v.initmsg.max_instreams = is;
  }
  return 1;
}

static int rec_check(runner *r, const val *want, const char *field, long have) {
  const val *v = val_field(want, field);
  long w;

  if (v == NULL || v->kind == V_ELLIPSIS) {
    return 0;
  }
  if (v->kind == V_IDENT) {
    /* symbolic record values: state names */
    static const struct {
      const char *n;
      long v;
    } sy[] = {{"comm_up", GSCTP_COMM_UP},
              {"comm_lost", GSCTP_COMM_LOST},
              {"restart", GSCTP_RESTART},
              {"shutdown_comp", GSCTP_SHUTDOWN_COMP},
              {"cant_assoc", GSCTP_CANT_ASSOC},
              {"addr_available", GSCTP_ADDR_AVAILABLE},
              {"addr_unreachable", GSCTP_ADDR_UNREACHABLE},
              {"addr_removed", GSCTP_ADDR_REMOVED},
              {"addr_added", GSCTP_ADDR_ADDED},
              {"addr_made_prim", GSCTP_ADDR_MADE_PRIM},
              {"addr_confirmed", GSCTP_ADDR_CONFIRMED}};
    size_t i;
    for (i = 0; i < sizeof(sy) / sizeof(sy[0]); ++i) {
      if (strcmp(sy[i].n, v->text) == 0) {
        if (sy[i].v != have) {
          rfail(r, "gs_recv: %s: expected %s, actual %ld", field, v->text,
                have);
          return -1;
        }
        return 0;
      }
    }
    runsupported(r, "record value %s", v->text);
    return -1;
  }
  if (ival(r, v, &w) != 0) {
    return -1;
  }
  if (strcmp(field, "assoc_id") == 0) {
    size_t i;
    for (i = 0; i < r->nassoc; ++i) {
      if (r->assoc_script[i] == (uint32_t)w) {
        if (r->assoc_live[i] != (uint32_t)have) {
          rfail(r,
                "gs_recv: assoc_id: expected %ld (live %u), actual live "
                "%ld",
                w, r->assoc_live[i], have);
          return -1;
        }
        return 0;
      }
    }
    assoc_learn(r, w, (uint32_t)have);
    return 0;
  }
  if (w != have) {
    rfail(r, "gs_recv: %s: expected %ld, actual %ld", field, w, have);
    return -1;
  }
  return 0;
}

static int gs_recv(runner *r, const event *e) {
  gsctp_sock s;
  gsctp_item it;
  int rv;
  const val *res = e->result, *want = NULL;
  const char *a0 = res_atom(res, 0);
  const char *got;

  if (gs_sock(r, e, &s, NULL) != 0) {
    return -1;
  }
  memset(&it, 0, sizeof(it));
  rv = gsctp_recv(s, 0, &it);
  if (res->kind == V_STRUCT && res->n == 2 && res->items[1]->kind == V_NAMED) {
    want = res->items[1];
  }
  if (want == NULL) {
    int c = gs_check(r, e, rv);
    gsctp_item_free(&it);
    return c;
  }
  if (rv != 0 && rv != GSCTP_ESCTP_ERROR) {
    rfail(r, "gs_recv returned {error, %s}, expected {%s, %s{...}}",
          gsctp_err_name(rv), a0 ? a0 : "?", want->text);
    return -1;
  }
  got = it.is_event ? gsctp_event_type_name(it.event.type) : "data";
  if (a0 == NULL || strcmp(a0, rv == 0 ? "ok" : "error") != 0 ||
      strcmp(got, want->text) != 0) {
    rfail(r, "gs_recv returned {%s, %s}, expected {%s, %s{...}}",
          rv == 0 ? "ok" : "error", got, a0 ? a0 : "?", want->text);
    gsctp_item_free(&it);
    return -1;
  }
  rv = 0;
  if (!it.is_event) {
    static const char *const names[] = {"stream",   "ppid", "len",
                                        "assoc_id", "data", NULL};
    if (check_struct_fields(r, want, names) != 0) {
      rv = -1;
    } else if (rec_check(r, want, "stream", it.anc.stream) != 0 ||
               rec_check(r, want, "ppid", it.anc.ppid) != 0 ||
               rec_check(r, want, "len", (long)it.datalen) != 0 ||
               (it.has_anc &&
                rec_check(r, want, "assoc_id", it.anc.assoc_id) != 0)) {
      rv = -1;
    } else if (val_field(want, "data") != NULL &&
               val_field(want, "data")->kind == V_STR) {
      const char *d = val_field(want, "data")->text;
      if (strlen(d) != it.datalen || memcmp(d, it.data, it.datalen) != 0) {
        rfail(r, "gs_recv: data differs from \"%s\"", d);
        rv = -1;
      }
    }
  } else {
    const gsctp_event *ev = &it.event;
    switch (ev->type) {
    case GSCTP_EV_ASSOC_CHANGE:
      if (rec_check(r, want, "state", ev->u.assoc_change.state) != 0 ||
          rec_check(r, want, "error", ev->u.assoc_change.error) != 0 ||
          rec_check(r, want, "outbound_streams",
                    ev->u.assoc_change.outbound_streams) != 0 ||
          rec_check(r, want, "inbound_streams",
                    ev->u.assoc_change.inbound_streams) != 0 ||
          rec_check(r, want, "assoc_id", ev->u.assoc_change.assoc_id) != 0) {
        rv = -1;
      }
      break;
    case GSCTP_EV_PADDR_CHANGE:
      if (rec_check(r, want, "state", ev->u.paddr_change.state) != 0 ||
          rec_check(r, want, "error", (long)ev->u.paddr_change.error) != 0 ||
          rec_check(r, want, "assoc_id", ev->u.paddr_change.assoc_id) != 0) {
        rv = -1;
      }
      break;
    case GSCTP_EV_REMOTE_ERROR:
      if (rec_check(r, want, "error", ev->u.remote_error.error) != 0 ||
          rec_check(r, want, "assoc_id", ev->u.remote_error.assoc_id) != 0) {
        rv = -1;
      }
      break;
    case GSCTP_EV_SEND_FAILED:
      if (rec_check(r, want, "error", (long)ev->u.send_failed.error) != 0 ||
          rec_check(r, want, "assoc_id", ev->u.send_failed.assoc_id) != 0) {
        rv = -1;
      }
      break;
    case GSCTP_EV_SHUTDOWN:
      if (rec_check(r, want, "assoc_id", ev->u.shutdown.assoc_id) != 0) {
        rv = -1;
      }
      break;
    default:
      if (rec_check(r, want, "assoc_id", 0) != 0) {
        rv = -1;
      }
      break;
    }
  }
  gsctp_item_free(&it);
  return rv;
}

static int do_gs(runner *r, const event *e) {
  const char *n = e->name;
  gsctp_sock s;
  long h;
  int rv, has, bad;

  if (strcmp(n, "gs_open") == 0) {
    static const char *const ok[] = {"port", "type", "ostreams", "instreams",
                                     NULL};
    gsctp_opt o[6];
    size_t no = 0;
    long port = r->s->local_port, type = GSCTP_TYPE_SEQPACKET;
    const val *tv = NULL;
    size_t i;
    if (gs_check_args(r, e, ok) != 0 ||
        opt_field(r, e, "port", &port, &has) != 0) {
      return -1;
    }
    for (i = 0; i < e->args->n; ++i) {
      if (e->args->items[i]->kind == V_FIELD &&
          strcmp(e->args->items[i]->text, "type") == 0) {
        tv = e->args->items[i]->items[0];
      }
    }
    if (tv != NULL) {
      if (tv->kind == V_IDENT && strcmp(tv->text, "stream") == 0) {
        type = GSCTP_TYPE_STREAM;
      } else if (!(tv->kind == V_IDENT && strcmp(tv->text, "seqpacket") == 0)) {
        rfail(r, "gs_open: type is seqpacket or stream");
        return -1;
      }
    }
    memset(o, 0, sizeof(o));
    o[no].name = GSCTP_OPT_FAMILY;
    o[no++].v.i = GSCTP_FAMILY_CONN;
    o[no].name = GSCTP_OPT_IP;
    o[no++].v.ip = gsctp_ip_conn(r->link);
    o[no].name = GSCTP_OPT_PORT;
    o[no++].v.i = port;
    o[no].name = GSCTP_OPT_TYPE;
    o[no++].v.i = type;
    no += gs_initmsg(r, e, &o[no], &bad);
    if (bad) {
      return -1;
    }
    rv = gsctp_open(&s, o, no);
    if (e->result->kind == V_STRUCT && e->result->n == 2 &&
        res_atom(e->result, 0) != NULL &&
        strcmp(res_atom(e->result, 0), "ok") == 0) {
      long want;
      if (rv != 0) {
        rfail(r, "gs_open returned {error, %s}, expected {ok, Socket}",
              gsctp_err_name(rv));
        return -1;
      }
      if (ival(r, e->result->items[1], &want) != 0) {
        return -1;
      }
      if (want < 0 || want >= MAXFD || r->gs[want] != 0) {
        rfail(r, "gs_open: script socket %ld in use or out of range", want);
        gsctp_close(s);
        return -1;
      }
      r->gs[want] = s;
      r->m.local_port = (uint16_t)port;
      r->m.local_port_known = 1;
      return 0;
    }
    if (rv == 0) {
      gsctp_close(s);
    }
    return gs_check(r, e, rv);
  }
  if (strcmp(n, "gs_close") == 0) {
    if (gs_sock(r, e, &s, &h) != 0) {
      return -1;
    }
    rv = gsctp_close(s);
    r->gs[h] = 0;
    return gs_check(r, e, rv);
  }
  if (strcmp(n, "gs_listen") == 0) {
    long bl = GSCTP_LISTEN_TRUE;
    const val *v = arg(e, 1);
    if (gs_sock(r, e, &s, NULL) != 0) {
      return -1;
    }
    if (v != NULL && v->kind == V_IDENT && strcmp(v->text, "true") == 0) {
      bl = GSCTP_LISTEN_TRUE;
    } else if (v != NULL && v->kind == V_IDENT &&
               strcmp(v->text, "false") == 0) {
      bl = GSCTP_LISTEN_FALSE;
    } else if (v != NULL && ival(r, v, &bl) != 0) {
      return -1;
    }
    return gs_check(r, e, gsctp_listen(s, (int)bl));
  }
  if (strcmp(n, "gs_connect_init") == 0) {
    static const char *const ok[] = {"port", "ostreams", "instreams", NULL};
    gsctp_ip ip = gsctp_ip_conn(r->link);
    gsctp_opt o[1];
    size_t no;
    long port = r->s->remote_port;
    if (gs_sock(r, e, &s, NULL) != 0 || gs_check_args(r, e, ok) != 0 ||
        opt_field(r, e, "port", &port, &has) != 0) {
      return -1;
    }
    no = gs_initmsg(r, e, o, &bad);
    if (bad) {
      return -1;
    }
    return gs_check(r, e, gsctp_connect_init(s, &ip, (int)port, o, no));
  }
  if (strcmp(n, "gs_send") == 0) {
    static const char *const ok[] = {"assoc", "stream", "ppid",
                                     "len",   "data",   NULL};
    long stream = 0, ppid = 0, len = 0;
    int hs, hp, hl;
    uint32_t assoc;
    const val *dv = val_field(e->args, "data");
    gsctp_sndrcvinfo sri;
    uint8_t *buf;
    if (gs_sock(r, e, &s, NULL) != 0 || gs_check_args(r, e, ok) != 0 ||
        assoc_live(r, val_field(e->args, "assoc"), &assoc) != 0 ||
        opt_field(r, e, "stream", &stream, &hs) != 0 ||
        opt_field(r, e, "ppid", &ppid, &hp) != 0 ||
        opt_field(r, e, "len", &len, &hl) != 0) {
      return -1;
    }
    if (dv != NULL && dv->kind == V_STR) {
      len = (long)strlen(dv->text);
    } else if (!hl) {
      rfail(r, "gs_send needs len=N or data=\"...\"");
      return -1;
    }
    if (len < 0 || len > 1 << 20) {
      rfail(r, "gs_send: len out of range");
      return -1;
    }
    buf = calloc(1, (size_t)len + 1);
    if (buf == NULL) {
      rfail(r, "out of memory");
      return -1;
    }
    if (dv != NULL && dv->kind == V_STR) {
      memcpy(buf, dv->text, (size_t)len);
    }
    sri = gsctp_sndrcvinfo_default();
    sri.stream = stream;
    sri.ppid = ppid;
    sri.assoc_id = assoc;
    rv = gsctp_send_sri(s, &sri, buf, (size_t)len);
    free(buf);
    return gs_check(r, e, rv);
  }
  if (strcmp(n, "gs_recv") == 0) {
    return gs_recv(r, e);
  }
  if (strcmp(n, "gs_eof") == 0 || strcmp(n, "gs_abort") == 0) {
    gsctp_assoc_change ac = gsctp_assoc_change_default();
    uint32_t assoc;
    if (gs_sock(r, e, &s, NULL) != 0 ||
        assoc_live(r, val_field(e->args, "assoc"), &assoc) != 0) {
      return -1;
    }
    ac.assoc_id = assoc;
    ac.state = GSCTP_COMM_UP;
    rv = n[3] == 'e' ? gsctp_eof(s, &ac) : gsctp_abort(s, &ac);
    return gs_check(r, e, rv);
  }
  runsupported(r, "gen_sctp line %s", n);
  return -1;
}

/* ---------------- the event loop ---------------- */

int run_script(script *s, const run_opts *o, char *err, size_t errlen) {
  runner *r;
  gsctp_stack_config cfg;
  int64_t prev_actual = 0;
  size_t i;
  int rv = 0;

  r = calloc(1, sizeof(*r));
  if (r == NULL) {
    snprintf(err, errlen, "out of memory");
    return 1;
  }
  err[0] = '\0';
  r->s = s;
  r->o = o;
  r->err = err;
  r->errlen = errlen;
  pthread_mutex_init(&r->mu, NULL);
  r->m.local_port = (uint16_t)s->local_port;
  r->m.remote_port = (uint16_t)s->remote_port;

  /* names are checked before anything runs */
  for (i = 0; i < s->nev; ++i) {
    const char *msg;
    r->line = s->ev[i].line;
    if (s->ev[i].kind == EV_SHELL) {
      runsupported(r, "shell command `%s`", s->ev[i].shell);
      return 2;
    }
    if (s->ev[i].has_addrs) {
      runsupported(r, "explicit addresses in a packet line");
      return 2;
    }
    msg = wire_check_names(s->ev[i].chunks);
    if (msg != NULL) {
      r->unsupported = 1;
      rfail(r, "%s", msg);
      return 2;
    }
  }

  if (o->pcap_path != NULL) {
    r->pd = pcap_open_dead(LINKTYPE_SCTP, 65535);
    if (r->pd != NULL) {
      r->dump = pcap_dump_open(r->pd, o->pcap_path);
    }
    if (r->dump == NULL) {
      snprintf(err, errlen, "cannot write pcap %s: %s", o->pcap_path,
               r->pd ? pcap_geterr(r->pd) : "pcap_open_dead failed");
      return 1;
    }
  }
  vclock_start();
  gsctp_stack_config_default(&cfg);
  cfg.no_udp = 1;
  cfg.nothreads = 1;
  rv = gsctp_stack_start(&cfg);
  if (rv != 0) {
    snprintf(err, errlen, "cannot start the stack: %s", gsctp_err_name(rv));
    return 1;
  }
  rv = gsctp_link_new(&r->link, link_output, r);
  if (rv != 0) {
    snprintf(err, errlen, "cannot create the link: %s", gsctp_err_name(rv));
    return 1;
  }

  rv = 0;
  for (i = 0; i < s->nev && rv == 0; ++i) {
    const event *e = &s->ev[i];
    int64_t expect = 0, lo = 0, hi = 0, delta = 0, tol, actual;
    r->line = e->line;
    switch (e->tk) {
    case TM_ABS:
      expect = e->t1_us;
      delta = expect - prev_actual;
      break;
    case TM_REL:
      expect = prev_actual + e->t1_us;
      delta = e->t1_us;
      break;
    case TM_ANY:
      break;
    case TM_RANGE:
      lo = e->t1_us;
      hi = e->t2_us;
      break;
    case TM_RRANGE:
      lo = prev_actual + e->t1_us;
      hi = prev_actual + e->t2_us;
      break;
    case TM_BLOCK:
      expect = e->t1_us;
      delta = e->t2_us - e->t1_us;
      break;
    case TM_RBLOCK:
      expect = prev_actual + e->t1_us;
      delta = e->t2_us - e->t1_us;
      break;
    }
    if (delta < 0) {
      delta = 0;
    }
    tol = (int64_t)(s->tolerance_percent / 100.0 * (double)delta);
    if (tol < s->tolerance_usecs) {
      tol = s->tolerance_usecs;
    }
    actual = expect;
    /* a blocking call returns at its end time, any other at once */
    r->call_has_end = e->tk == TM_BLOCK || e->tk == TM_RBLOCK;
    r->call_end_us = r->call_has_end ? expect + (e->t2_us - e->t1_us) : expect;
    r->call_tol_us = r->call_has_end ? tol : s->tolerance_usecs;
    if (e->kind == EV_OUT) {
      if (e->tk == TM_ANY) {
        lo = 0;
        hi = r->now_us + s->max_wait_us;
      } else if (e->tk == TM_RANGE || e->tk == TM_RRANGE) {
        lo -= s->tolerance_usecs;
        hi += s->tolerance_usecs;
      } else {
        lo = expect - tol;
        hi = expect + tol;
      }
      if (do_outbound(r, e, lo, hi, expect, tol, &actual) != 0) {
        rv = 1;
      }
    } else {
      if (expect > r->now_us) {
        advance_to(r, expect);
      }
      actual = r->now_us > expect ? r->now_us : expect;
      if (e->kind == EV_IN) {
        if (do_inbound(r, e) != 0) {
          rv = 1;
        }
      } else if (strncmp(e->name, "gs_", 3) == 0) {
        if (r->call_has_end) {
          runsupported(r, "start...end times for gen_sctp lines (the "
                          "gs_* calls do not block)");
          rv = 1;
        } else if (do_gs(r, e) != 0) {
          rv = 1;
        }
      } else if (do_syscall_pd(r, e) != 0) {
        rv = 1;
      }
      if (e->kind == EV_IN) {
        retry_pending(r); /* the packet may unblock a call */
      }
    }
    if (rv == 0 && err[0] != '\0') {
      rv = 1;
    }
    prev_actual = actual;
  }
  /* a call still blocked at the end must return by its end time */
  while (rv == 0 && r->pend.kind != PB_NONE && err[0] == '\0') {
    tick(r);
  }
  if (rv == 0 && err[0] != '\0') {
    rv = 1;
  }
  if (rv != 0 && r->unsupported) {
    rv = 2;
  }
  if (o->verbose) {
    size_t left;
    pthread_mutex_lock(&r->mu);
    left = r->qlen - r->qhead;
    pthread_mutex_unlock(&r->mu);
    if (left > 0) {
      printf("  note: %zu outbound packet(s) not consumed by the script\n",
             left);
    }
  }
  /* packetdrill closes what the script left open; the process then exits
   * without usrsctp_finish (which can hang), so no teardown is needed
   * beyond flushing the capture. */
  for (i = 0; i < MAXFD; ++i) {
    if (r->fd[i] != NULL) {
      usrsctp_close(r->fd[i]);
    }
  }
  if (r->dump != NULL) {
    pthread_mutex_lock(&r->mu);
    pcap_dump_flush(r->dump);
    pcap_dump_close(r->dump);
    r->dump = NULL;
    pthread_mutex_unlock(&r->mu);
  }
  return rv;
}
