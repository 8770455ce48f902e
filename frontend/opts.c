/*
 * opts.c - gen_sctp options: open, inet:setopts, inet:getopts and the
 * connect-time merge.
 *
 * Rules (gen_sctp-semantics.md 1.3/1.4):
 *  - setopts: an unset record field takes its type default, never the
 *    current value;
 *  - connect: an unset record field takes the current endpoint value;
 *  - open: every invalid option is badarg, except typed record errors;
 *  - getopts: an option whose read fails is left out.
 */
#include <arpa/inet.h>
#include <limits.h>
#include <string.h>

#include "gsctp/err.h"
#include "gsctp/sctp.h"
#include "gsctp/stack.h"
#include "gsctp_int.h"
#include "stack_int.h"

const char *gsctp_opt_name(int name) {
  switch (name) {
  case GSCTP_OPT_PORT:
    return "port";
  case GSCTP_OPT_IP:
    return "ip";
  case GSCTP_OPT_FAMILY:
    return "family";
  case GSCTP_OPT_TYPE:
    return "type";
  case GSCTP_OPT_UDP_PORT:
    return "udp_port";
  case GSCTP_OPT_MODE:
    return "mode";
  case GSCTP_OPT_ACTIVE:
    return "active";
  case GSCTP_OPT_NON_BLOCK_SEND:
    return "non_block_send";
  case GSCTP_OPT_BUFFER:
    return "buffer";
  case GSCTP_OPT_SNDBUF:
    return "sndbuf";
  case GSCTP_OPT_RECBUF:
    return "recbuf";
  case GSCTP_OPT_SCTP_NODELAY:
    return "sctp_nodelay";
  case GSCTP_OPT_SCTP_AUTOCLOSE:
    return "sctp_autoclose";
  case GSCTP_OPT_SCTP_MAXSEG:
    return "sctp_maxseg";
  case GSCTP_OPT_SCTP_INITMSG:
    return "sctp_initmsg";
  case GSCTP_OPT_SCTP_EVENTS:
    return "sctp_events";
  case GSCTP_OPT_SCTP_DEFAULT_SEND_PARAM:
    return "sctp_default_send_param";
  case GSCTP_OPT_UDP_REMOTE_PORT:
    return "udp_remote_port";
  case GSCTP_OPT_SCTP_STATUS:
    return "sctp_status";
  default:
    return "unknown";
  }
}

/* ---- typed record fields ---- */

static int check_field(const char *rec, int idx, const char *field, int64_t v,
                       int64_t max, int64_t *out, int64_t def) {
  if (v == GSCTP_UNDEF) {
    *out = def;
    return 0;
  }
  if (v < 0 || v > max) {
    return gsctp_detail(GSCTP_ETYPE, "%s field %d (%s): %lld is not a %s", rec,
                        idx, field, (long long)v,
                        max == 0xffff ? "uint16"
                        : max == 1    ? "boolean"
                                      : "uint32");
  }
  *out = v;
  return 0;
}

#define U16 0xffffLL
#define U32 0xffffffffLL

int gsctp_sri_check(const gsctp_sndrcvinfo *in, gsctp_sndrcvinfo *out,
                    int on_send) {
  static const char R[] = "sctp_sndrcvinfo";
  int rv;

  (void)on_send;
  if ((rv = check_field(R, 2, "stream", in->stream, U16, &out->stream, 0)) ||
      (rv = check_field(R, 5, "ppid", in->ppid, U32, &out->ppid, 0)) ||
      (rv = check_field(R, 6, "context", in->context, U32, &out->context, 0)) ||
      (rv = check_field(R, 7, "timetolive", in->timetolive, U32,
                        &out->timetolive, 0)) ||
      (rv = check_field(R, 10, "assoc_id", in->assoc_id, U32, &out->assoc_id,
                        0))) {
    return rv;
  }
  if (in->flags != GSCTP_UNDEF && (in->flags < 0 || (in->flags & ~15LL))) {
    return gsctp_detail(GSCTP_ETYPE,
                        "%s field 4 (flags): %lld has unknown "
                        "bits",
                        R, (long long)in->flags);
  }
  out->flags = in->flags == GSCTP_UNDEF ? 0 : in->flags;
  if ((in->ssn != GSCTP_UNDEF && in->ssn != 0) ||
      (in->tsn != GSCTP_UNDEF && in->tsn != 0) ||
      (in->cumtsn != GSCTP_UNDEF && in->cumtsn != 0)) {
    return gsctp_detail(GSCTP_ETYPE,
                        "%s: ssn, tsn and cumtsn must be "
                        "undefined when sending",
                        R);
  }
  out->ssn = GSCTP_UNDEF;
  out->tsn = GSCTP_UNDEF;
  out->cumtsn = GSCTP_UNDEF;
  return 0;
}

static int initmsg_check(const gsctp_initmsg *in, const gsctp_initmsg *def,
                         gsctp_initmsg *out) {
  static const char R[] = "sctp_initmsg";
  int rv;

  if ((rv = check_field(R, 2, "num_ostreams", in->num_ostreams, U16,
                        &out->num_ostreams, def->num_ostreams)) ||
      (rv = check_field(R, 3, "max_instreams", in->max_instreams, U16,
                        &out->max_instreams, def->max_instreams)) ||
      (rv = check_field(R, 4, "max_attempts", in->max_attempts, U16,
                        &out->max_attempts, def->max_attempts)) ||
      (rv = check_field(R, 5, "max_init_timeo", in->max_init_timeo, U16,
                        &out->max_init_timeo, def->max_init_timeo))) {
    return rv;
  }
  return 0;
}

static int events_check(const gsctp_event_subscribe *in,
                        const gsctp_event_subscribe *def,
                        gsctp_event_subscribe *out) {
  static const char R[] = "sctp_event_subscribe";
  const int64_t *pi = &in->data_io_event, *pd = &def->data_io_event;
  int64_t *po = &out->data_io_event;
  static const char *const names[] = {
    "data_io_event",          "association_event",      "address_event",
    "send_failure_event",     "peer_error_event",       "shutdown_event",
    "partial_delivery_event", "adaptation_layer_event", "authentication_event"};
  int i, rv;

  for (i = 0; i < 9; ++i) {
    rv = check_field(R, i + 2, names[i], pi[i], 1, &po[i], pd[i]);
    if (rv != 0) {
      return rv;
    }
  }
  return 0;
}

/* ---- usrsctp helpers ---- */

static int so_setopt(gsctp_sockimpl *s, int level, int name, const void *val,
                     socklen_t len) {
  struct socket *so;
  int rv = gsctp_so_enter(s, &so);

  if (rv != 0) {
    return rv;
  }
  if (usrsctp_setsockopt(so, level, name, val, len) != 0) {
    rv = gsctp_err_from_errno(errno);
  }
  gsctp_so_leave(s);
  return rv;
}

static int so_getopt(gsctp_sockimpl *s, int level, int name, void *val,
                     socklen_t *len) {
  struct socket *so;
  int rv = gsctp_so_enter(s, &so);

  if (rv != 0) {
    return rv;
  }
  if (usrsctp_getsockopt(so, level, name, val, len) != 0) {
    rv = gsctp_err_from_errno(errno);
  }
  gsctp_so_leave(s);
  return rv;
}

static int subscribe(gsctp_sockimpl *s, uint16_t type, int on) {
  struct sctp_event ev;

  memset(&ev, 0, sizeof(ev));
  ev.se_assoc_id = SCTP_FUTURE_ASSOC;
  ev.se_type = type;
  ev.se_on = (uint8_t)(on != 0);
  return so_setopt(s, IPPROTO_SCTP, SCTP_EVENT, &ev, sizeof(ev));
}

static int apply_events(gsctp_sockimpl *s, const gsctp_event_subscribe *e) {
  int on, rv;

  on = e->data_io_event != 0;
  rv = so_setopt(s, IPPROTO_SCTP, SCTP_RECVRCVINFO, &on, sizeof(on));
  /* Association changes are always read internally (connect needs them);
   * unsubscribed ones are not delivered. */
  if (rv == 0) {
    rv = subscribe(s, SCTP_ASSOC_CHANGE, 1);
  }
  if (rv == 0) {
    rv = subscribe(s, SCTP_PEER_ADDR_CHANGE, (int)e->address_event);
  }
  if (rv == 0) {
    rv = subscribe(s, SCTP_SEND_FAILED_EVENT, (int)e->send_failure_event);
  }
  if (rv == 0) {
    rv = subscribe(s, SCTP_REMOTE_ERROR, (int)e->peer_error_event);
  }
  if (rv == 0) {
    rv = subscribe(s, SCTP_SHUTDOWN_EVENT, (int)e->shutdown_event);
  }
  if (rv == 0) {
    rv =
      subscribe(s, SCTP_PARTIAL_DELIVERY_EVENT, (int)e->partial_delivery_event);
  }
  if (rv == 0) {
    rv =
      subscribe(s, SCTP_ADAPTATION_INDICATION, (int)e->adaptation_layer_event);
  }
  if (rv == 0) {
    pthread_mutex_lock(&s->mu);
    s->events = *e;
    s->events.authentication_event = 0; /* never delivered, as OTP */
    pthread_mutex_unlock(&s->mu);
  }
  return rv;
}

static int apply_remote_udp_port(gsctp_sockimpl *s, int port) {
  struct sctp_udpencaps enc;

  pthread_mutex_lock(&s->mu);
  s->remote_udp_port = port;
  pthread_mutex_unlock(&s->mu);
  if (s->af == AF_CONN || !gsctp_stack_has_udp()) {
    return 0;
  }
  memset(&enc, 0, sizeof(enc));
  enc.sue_address.ss_family = (sa_family_t)s->af;
  enc.sue_assoc_id = SCTP_FUTURE_ASSOC;
  enc.sue_port = htons((uint16_t)port);
  return so_setopt(s, IPPROTO_SCTP, SCTP_REMOTE_UDP_ENCAPS_PORT, &enc,
                   sizeof(enc));
}

int gsctp_opts_init_socket(gsctp_sockimpl *s) {
  gsctp_event_subscribe e = gsctp_event_subscribe_default();
  int zero = 0, rv;

  rv = apply_events(s, &e);
  /* One whole message at a time: never interleave the pieces of
   * messages from different associations or streams. */
  if (rv == 0) {
    rv =
      so_setopt(s, IPPROTO_SCTP, SCTP_FRAGMENT_INTERLEAVE, &zero, sizeof(zero));
  }
  if (rv == 0) {
    rv = apply_remote_udp_port(s, GSCTP_DEFAULT_UDP_PORT);
  }
  return rv;
}

static int read_initmsg(gsctp_sockimpl *s, gsctp_initmsg *r) {
  struct sctp_initmsg im;
  socklen_t len = sizeof(im);
  int rv = so_getopt(s, IPPROTO_SCTP, SCTP_INITMSG, &im, &len);

  if (rv == 0) {
    r->num_ostreams = im.sinit_num_ostreams;
    r->max_instreams = im.sinit_max_instreams;
    r->max_attempts = im.sinit_max_attempts;
    r->max_init_timeo = im.sinit_max_init_timeo;
  }
  return rv;
}

int gsctp_opts_default_send(gsctp_sockimpl *s, uint32_t assoc_id,
                            gsctp_sndrcvinfo *sri) {
  struct sctp_sndinfo si;
  struct sctp_default_prinfo pi;
  socklen_t len = sizeof(si);
  int rv;

  memset(&si, 0, sizeof(si));
  si.snd_assoc_id = assoc_id;
  rv = so_getopt(s, IPPROTO_SCTP, SCTP_DEFAULT_SNDINFO, &si, &len);
  if (rv != 0) {
    return rv;
  }
  *sri = gsctp_sndrcvinfo_default();
  sri->stream = si.snd_sid;
  sri->ppid = ntohl(si.snd_ppid);
  sri->context = si.snd_context;
  sri->assoc_id = assoc_id;
  if (si.snd_flags & SCTP_UNORDERED) {
    sri->flags |= GSCTP_SNDRCV_UNORDERED;
  }
  if (si.snd_flags & SCTP_ADDR_OVER) {
    sri->flags |= GSCTP_SNDRCV_ADDR_OVER;
  }
  memset(&pi, 0, sizeof(pi));
  pi.pr_assoc_id = assoc_id;
  len = sizeof(pi);
  if (so_getopt(s, IPPROTO_SCTP, SCTP_DEFAULT_PRINFO, &pi, &len) == 0 &&
      pi.pr_policy == SCTP_PR_SCTP_TTL) {
    sri->timetolive = pi.pr_value;
  }
  return 0;
}

static int apply_default_send(gsctp_sockimpl *s, const gsctp_sndrcvinfo *v) {
  struct sctp_sndinfo si;
  struct sctp_default_prinfo pi;
  int rv;

  memset(&si, 0, sizeof(si));
  si.snd_sid = (uint16_t)v->stream;
  si.snd_ppid = htonl((uint32_t)v->ppid);
  si.snd_context = (uint32_t)v->context;
  si.snd_assoc_id = (sctp_assoc_t)v->assoc_id;
  if (v->flags & GSCTP_SNDRCV_UNORDERED) {
    si.snd_flags |= SCTP_UNORDERED;
  }
  if (v->flags & GSCTP_SNDRCV_ADDR_OVER) {
    si.snd_flags |= SCTP_ADDR_OVER;
  }
  if (v->flags & GSCTP_SNDRCV_EOF) {
    si.snd_flags |= SCTP_EOF;
  }
  if (v->flags & GSCTP_SNDRCV_ABORT) {
    si.snd_flags |= SCTP_ABORT;
  }
  rv = so_setopt(s, IPPROTO_SCTP, SCTP_DEFAULT_SNDINFO, &si, sizeof(si));
  if (rv != 0) {
    return rv;
  }
  memset(&pi, 0, sizeof(pi));
  pi.pr_policy = v->timetolive > 0 ? SCTP_PR_SCTP_TTL : SCTP_PR_SCTP_NONE;
  pi.pr_value = (uint32_t)v->timetolive;
  pi.pr_assoc_id = (sctp_assoc_t)v->assoc_id;
  return so_setopt(s, IPPROTO_SCTP, SCTP_DEFAULT_PRINFO, &pi, sizeof(pi));
}

static int int_range(const gsctp_opt *o, int64_t lo, int64_t hi) {
  if (o->v.i < lo || o->v.i > hi) {
    return gsctp_detail(GSCTP_EINVAL, "%s: %lld is out of range",
                        gsctp_opt_name(o->name), (long long)o->v.i);
  }
  return 0;
}

static int apply_one(gsctp_sockimpl *s, const gsctp_opt *o, int mode) {
  int rv, iv;

  switch (o->name) {
  case GSCTP_OPT_PORT:
  case GSCTP_OPT_IP:
  case GSCTP_OPT_FAMILY:
  case GSCTP_OPT_TYPE:
  case GSCTP_OPT_UDP_PORT:
    if (mode == GSCTP_APPLY_OPEN) {
      return 0; /* handled by gsctp_open */
    }
    return gsctp_detail(GSCTP_EINVAL, "%s can only be given to open",
                        gsctp_opt_name(o->name));
  case GSCTP_OPT_MODE:
    if ((rv = int_range(o, GSCTP_MODE_BINARY, GSCTP_MODE_LIST)) != 0) {
      return rv;
    }
    pthread_mutex_lock(&s->mu);
    s->mode = (int)o->v.i;
    pthread_mutex_unlock(&s->mu);
    return 0;
  case GSCTP_OPT_ACTIVE:
    return gsctp_sock_set_active(s, o->v.i);
  case GSCTP_OPT_NON_BLOCK_SEND:
    if ((rv = int_range(o, 0, 1)) != 0) {
      return rv;
    }
    return gsctp_sock_set_non_block_send(s, (int)o->v.i);
  case GSCTP_OPT_BUFFER:
    if ((rv = int_range(o, 0, INT_MAX)) != 0) {
      return rv;
    }
    pthread_mutex_lock(&s->mu);
    s->bufsz = o->v.i < 1 ? 1 : (size_t)o->v.i;
    pthread_mutex_unlock(&s->mu);
    return 0;
  case GSCTP_OPT_SNDBUF:
  case GSCTP_OPT_RECBUF:
    if ((rv = int_range(o, 0, INT_MAX)) != 0) {
      return rv;
    }
    iv = (int)o->v.i;
    rv = so_setopt(s, SOL_SOCKET,
                   o->name == GSCTP_OPT_SNDBUF ? SO_SNDBUF : SO_RCVBUF, &iv,
                   sizeof(iv));
    if (rv == 0 && o->name == GSCTP_OPT_RECBUF) {
      pthread_mutex_lock(&s->mu);
      if (s->bufsz < (size_t)iv) {
        s->bufsz = (size_t)iv;
      }
      pthread_mutex_unlock(&s->mu);
    }
    return rv;
  case GSCTP_OPT_SCTP_NODELAY:
    if ((rv = int_range(o, 0, 1)) != 0) {
      return rv;
    }
    iv = (int)o->v.i;
    return so_setopt(s, IPPROTO_SCTP, SCTP_NODELAY, &iv, sizeof(iv));
  case GSCTP_OPT_SCTP_AUTOCLOSE:
    if ((rv = int_range(o, 0, INT_MAX)) != 0) {
      return rv;
    }
    iv = (int)o->v.i;
    return so_setopt(s, IPPROTO_SCTP, SCTP_AUTOCLOSE, &iv, sizeof(iv));
  case GSCTP_OPT_SCTP_MAXSEG: {
    struct sctp_assoc_value av;
    if ((rv = int_range(o, 0, U32)) != 0) {
      return rv;
    }
    memset(&av, 0, sizeof(av));
    av.assoc_id = SCTP_FUTURE_ASSOC;
    av.assoc_value = (uint32_t)o->v.i;
    return so_setopt(s, IPPROTO_SCTP, SCTP_MAXSEG, &av, sizeof(av));
  }
  case GSCTP_OPT_SCTP_INITMSG: {
    gsctp_initmsg cur = gsctp_initmsg_default(), v = cur;
    struct sctp_initmsg im;
    if (mode == GSCTP_APPLY_CONNECT) {
      (void)read_initmsg(s, &cur);
    }
    if ((rv = initmsg_check(&o->v.initmsg, &cur, &v)) != 0) {
      return rv;
    }
    memset(&im, 0, sizeof(im));
    im.sinit_num_ostreams = (uint16_t)v.num_ostreams;
    im.sinit_max_instreams = (uint16_t)v.max_instreams;
    im.sinit_max_attempts = (uint16_t)v.max_attempts;
    im.sinit_max_init_timeo = (uint16_t)v.max_init_timeo;
    return so_setopt(s, IPPROTO_SCTP, SCTP_INITMSG, &im, sizeof(im));
  }
  case GSCTP_OPT_SCTP_EVENTS: {
    gsctp_event_subscribe cur = gsctp_event_subscribe_default(), v = cur;
    if (mode == GSCTP_APPLY_CONNECT) {
      pthread_mutex_lock(&s->mu);
      cur = s->events;
      pthread_mutex_unlock(&s->mu);
    }
    if ((rv = events_check(&o->v.events, &cur, &v)) != 0) {
      return rv;
    }
    return apply_events(s, &v);
  }
  case GSCTP_OPT_SCTP_DEFAULT_SEND_PARAM: {
    gsctp_sndrcvinfo in = o->v.sndrcvinfo, v = in;
    if (mode == GSCTP_APPLY_CONNECT) {
      gsctp_sndrcvinfo cur;
      if (gsctp_opts_default_send(s, 0, &cur) == 0) {
        if (in.stream == GSCTP_UNDEF)
          in.stream = cur.stream;
        if (in.flags == GSCTP_UNDEF)
          in.flags = cur.flags;
        if (in.ppid == GSCTP_UNDEF)
          in.ppid = cur.ppid;
        if (in.context == GSCTP_UNDEF)
          in.context = cur.context;
        if (in.timetolive == GSCTP_UNDEF)
          in.timetolive = cur.timetolive;
      }
    }
    if ((rv = gsctp_sri_check(&in, &v, 0)) != 0) {
      return rv;
    }
    return apply_default_send(s, &v);
  }
  case GSCTP_OPT_UDP_REMOTE_PORT:
    if ((rv = int_range(o, 1, 65535)) != 0) {
      return rv;
    }
    return apply_remote_udp_port(s, (int)o->v.i);
  case GSCTP_OPT_SCTP_STATUS:
    return gsctp_detail(GSCTP_EINVAL, "sctp_status is read-only");
  default:
    return gsctp_detail(GSCTP_EINVAL, "unknown option %d", o->name);
  }
}

int gsctp_opts_apply(gsctp_sockimpl *s, const gsctp_opt *opts, size_t nopts,
                     int mode) {
  size_t i;

  for (i = 0; i < nopts; ++i) {
    int rv = apply_one(s, &opts[i], mode);
    if (rv != 0) {
      /* OTP turns einval at open into badarg. */
      if (mode == GSCTP_APPLY_OPEN && rv == GSCTP_EINVAL) {
        return GSCTP_EBADARG;
      }
      return rv;
    }
  }
  return 0;
}

int gsctp_setopts(gsctp_sock sock, const gsctp_opt *opts, size_t nopts) {
  gsctp_sockimpl *s;
  int rv;

  gsctp_detail(0, "%s", "");
  if (opts == NULL && nopts > 0) {
    return gsctp_detail(GSCTP_EBADARG,
                        "bad argument: opts == NULL && nopts > 0");
  }
  s = gsctp_sock_get(sock);
  if (s == NULL) {
    return gsctp_sock_gone(sock);
  }
  rv = gsctp_opts_apply(s, opts, nopts, GSCTP_APPLY_SETOPTS);
  gsctp_sock_put(s);
  return rv;
}

static void paddrinfo_from(const struct sctp_paddrinfo *pi,
                           gsctp_paddrinfo *r) {
  memset(r, 0, sizeof(*r));
  r->assoc_id = pi->spinfo_assoc_id;
  (void)gsctp_addr_from_sockaddr((const struct sockaddr *)&pi->spinfo_address,
                                 &r->address.port, &r->address.ip);
  switch (pi->spinfo_state) {
  case SCTP_ACTIVE:
    r->state = GSCTP_PADDR_ACTIVE;
    break;
  case SCTP_INACTIVE:
    r->state = GSCTP_PADDR_INACTIVE;
    break;
  case SCTP_UNCONFIRMED:
    r->state = GSCTP_PADDR_UNCONFIRMED;
    break;
  default:
    r->state = GSCTP_PADDR_UNDEFINED;
    break;
  }
  r->cwnd = pi->spinfo_cwnd;
  r->srtt = pi->spinfo_srtt;
  r->rto = pi->spinfo_rto;
  r->mtu = pi->spinfo_mtu;
}

static int status_state(int32_t st) {
  switch (st) {
  case SCTP_CLOSED:
    return GSCTP_STATE_CLOSED;
  case SCTP_BOUND:
    return GSCTP_STATE_BOUND;
  case SCTP_LISTEN:
    return GSCTP_STATE_LISTEN;
  case SCTP_COOKIE_WAIT:
    return GSCTP_STATE_COOKIE_WAIT;
  case SCTP_COOKIE_ECHOED:
    return GSCTP_STATE_COOKIE_ECHOED;
  case SCTP_ESTABLISHED:
    return GSCTP_STATE_ESTABLISHED;
  case SCTP_SHUTDOWN_PENDING:
    return GSCTP_STATE_SHUTDOWN_PENDING;
  case SCTP_SHUTDOWN_SENT:
    return GSCTP_STATE_SHUTDOWN_SENT;
  case SCTP_SHUTDOWN_RECEIVED:
    return GSCTP_STATE_SHUTDOWN_RECEIVED;
  case SCTP_SHUTDOWN_ACK_SENT:
    return GSCTP_STATE_SHUTDOWN_ACK_SENT;
  default:
    return GSCTP_STATE_UNDEFINED;
  }
}

/* Read one option into |o|.  Returns 0, GSCTP_EINVAL for an unknown
 * name, or another error (the option is then left out). */
static int read_one(gsctp_sockimpl *s, gsctp_opt *o) {
  int rv, iv;
  socklen_t len;

  switch (o->name) {
  case GSCTP_OPT_PORT: {
    gsctp_addr a;
    size_t n = 0;
    rv = gsctp_socknames(s->handle, 0, &a, 1, &n);
    if (rv == 0) {
      o->v.i = n > 0 ? a.port : 0;
    }
    return rv;
  }
  case GSCTP_OPT_IP: {
    gsctp_addr a;
    size_t n = 0;
    rv = gsctp_socknames(s->handle, 0, &a, 1, &n);
    if (rv == 0) {
      o->v.ip = n > 0 ? a.ip : gsctp_ip_any(s->family);
    }
    return rv;
  }
  case GSCTP_OPT_FAMILY:
    o->v.i = s->family;
    return 0;
  case GSCTP_OPT_TYPE:
    o->v.i = s->type;
    return 0;
  case GSCTP_OPT_UDP_PORT:
    rv = gsctp_stack_udp_port();
    if (rv < 0) {
      return rv;
    }
    o->v.i = rv;
    return 0;
  case GSCTP_OPT_MODE:
    pthread_mutex_lock(&s->mu);
    o->v.i = s->mode;
    pthread_mutex_unlock(&s->mu);
    return 0;
  case GSCTP_OPT_ACTIVE:
    o->v.i = gsctp_sock_get_active(s);
    return 0;
  case GSCTP_OPT_NON_BLOCK_SEND:
    pthread_mutex_lock(&s->mu);
    o->v.i = s->non_block_send;
    pthread_mutex_unlock(&s->mu);
    return 0;
  case GSCTP_OPT_BUFFER:
    pthread_mutex_lock(&s->mu);
    o->v.i = (int64_t)s->bufsz;
    pthread_mutex_unlock(&s->mu);
    return 0;
  case GSCTP_OPT_SNDBUF:
  case GSCTP_OPT_RECBUF:
    len = sizeof(iv);
    rv =
      so_getopt(s, SOL_SOCKET,
                o->name == GSCTP_OPT_SNDBUF ? SO_SNDBUF : SO_RCVBUF, &iv, &len);
    if (rv == 0) {
      o->v.i = iv;
    }
    return rv;
  case GSCTP_OPT_SCTP_NODELAY:
  case GSCTP_OPT_SCTP_AUTOCLOSE:
    len = sizeof(iv);
    rv = so_getopt(s, IPPROTO_SCTP,
                   o->name == GSCTP_OPT_SCTP_NODELAY ? SCTP_NODELAY
                                                     : SCTP_AUTOCLOSE,
                   &iv, &len);
    if (rv == 0) {
      o->v.i = o->name == GSCTP_OPT_SCTP_NODELAY ? (iv != 0) : iv;
    }
    return rv;
  case GSCTP_OPT_SCTP_MAXSEG: {
    struct sctp_assoc_value av;
    memset(&av, 0, sizeof(av));
    av.assoc_id = SCTP_FUTURE_ASSOC;
    len = sizeof(av);
    rv = so_getopt(s, IPPROTO_SCTP, SCTP_MAXSEG, &av, &len);
    if (rv == 0) {
      o->v.i = av.assoc_value;
    }
    return rv;
  }
  case GSCTP_OPT_SCTP_INITMSG:
    return read_initmsg(s, &o->v.initmsg);
  case GSCTP_OPT_SCTP_EVENTS:
    pthread_mutex_lock(&s->mu);
    o->v.events = s->events;
    pthread_mutex_unlock(&s->mu);
    o->v.events.authentication_event = 0;
    return 0;
  case GSCTP_OPT_SCTP_DEFAULT_SEND_PARAM: {
    int64_t id = o->v.sndrcvinfo.assoc_id;
    if (id == GSCTP_UNDEF) {
      id = 0;
    }
    if (id < 0 || id > U32) {
      return GSCTP_ETYPE;
    }
    return gsctp_opts_default_send(s, (uint32_t)id, &o->v.sndrcvinfo);
  }
  case GSCTP_OPT_UDP_REMOTE_PORT:
    pthread_mutex_lock(&s->mu);
    o->v.i = s->remote_udp_port;
    pthread_mutex_unlock(&s->mu);
    return 0;
  case GSCTP_OPT_SCTP_STATUS: {
    struct sctp_status st;
    memset(&st, 0, sizeof(st));
    st.sstat_assoc_id = o->v.status.assoc_id;
    len = sizeof(st);
    rv = so_getopt(s, IPPROTO_SCTP, SCTP_STATUS, &st, &len);
    if (rv == 0) {
      gsctp_status *r = &o->v.status;
      memset(r, 0, sizeof(*r));
      r->assoc_id = st.sstat_assoc_id;
      r->state = status_state(st.sstat_state);
      r->rwnd = st.sstat_rwnd;
      r->unackdata = st.sstat_unackdata;
      r->penddata = st.sstat_penddata;
      r->instrms = st.sstat_instrms;
      r->outstrms = st.sstat_outstrms;
      r->fragmentation_point = st.sstat_fragmentation_point;
      paddrinfo_from(&st.sstat_primary, &r->primary);
    }
    return rv;
  }
  default:
    return GSCTP_EINVAL;
  }
}

int gsctp_getopts(gsctp_sock sock, gsctp_opt *opts, size_t nopts,
                  size_t *pnread) {
  gsctp_sockimpl *s;
  size_t i, k = 0;
  int rv = 0;

  gsctp_detail(0, "%s", "");
  if (opts == NULL && nopts > 0) {
    return gsctp_detail(GSCTP_EBADARG,
                        "bad argument: opts == NULL && nopts > 0");
  }
  for (i = 0; i < nopts; ++i) {
    if (opts[i].name <= 0 || opts[i].name >= GSCTP_OPT__COUNT) {
      return gsctp_detail(GSCTP_EINVAL, "unknown option %d", opts[i].name);
    }
  }
  s = gsctp_sock_get(sock);
  if (s == NULL) {
    return gsctp_sock_gone(sock);
  }
  for (i = 0; i < nopts; ++i) {
    gsctp_opt o = opts[i];

    if (read_one(s, &o) == 0) {
      opts[k++] = o;
    } else {
      pthread_mutex_lock(&s->mu);
      if (s->closed) {
        rv = GSCTP_ECLOSED;
      }
      pthread_mutex_unlock(&s->mu);
      if (rv != 0) {
        break;
      }
    }
  }
  if (pnread != NULL) {
    *pnread = rv == 0 ? k : 0;
  }
  gsctp_sock_put(s);
  return rv;
}
