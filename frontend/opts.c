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
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "gsctp/err.h"
#include "gsctp/sctp.h"
#include "gsctp/stack.h"
#include "gsctp_int.h"
#include "stack_int.h"
#include "transport.h"

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
  case GSCTP_OPT_TRANSPORT:
    return "transport";
  case GSCTP_OPT_DEBUG:
    return "debug";
  case GSCTP_OPT_DONTROUTE:
    return "dontroute";
  case GSCTP_OPT_LINGER:
    return "linger";
  case GSCTP_OPT_PRIORITY:
    return "priority";
  case GSCTP_OPT_TOS:
    return "tos";
  case GSCTP_OPT_TCLASS:
    return "tclass";
  case GSCTP_OPT_TTL:
    return "ttl";
  case GSCTP_OPT_RECVTOS:
    return "recvtos";
  case GSCTP_OPT_RECVTCLASS:
    return "recvtclass";
  case GSCTP_OPT_RECVTTL:
    return "recvttl";
  case GSCTP_OPT_REUSEADDR:
    return "reuseaddr";
  case GSCTP_OPT_REUSEPORT:
    return "reuseport";
  case GSCTP_OPT_REUSEPORT_LB:
    return "reuseport_lb";
  case GSCTP_OPT_EXCLUSIVEADDRUSE:
    return "exclusiveaddruse";
  case GSCTP_OPT_HIGH_MSGQ_WATERMARK:
    return "high_msgq_watermark";
  case GSCTP_OPT_LOW_MSGQ_WATERMARK:
    return "low_msgq_watermark";
  case GSCTP_OPT_IPV6_V6ONLY:
    return "ipv6_v6only";
  case GSCTP_OPT_SCTP_DISABLE_FRAGMENTS:
    return "sctp_disable_fragments";
  case GSCTP_OPT_SCTP_I_WANT_MAPPED_V4_ADDR:
    return "sctp_i_want_mapped_v4_addr";
  case GSCTP_OPT_IFADDR:
    return "ifaddr";
  case GSCTP_OPT_NETNS:
    return "netns";
  case GSCTP_OPT_BIND_TO_DEVICE:
    return "bind_to_device";
  case GSCTP_OPT_SCTP_RTOINFO:
    return "sctp_rtoinfo";
  case GSCTP_OPT_SCTP_ASSOCINFO:
    return "sctp_associnfo";
  case GSCTP_OPT_SCTP_PRIMARY_ADDR:
    return "sctp_primary_addr";
  case GSCTP_OPT_SCTP_SET_PEER_PRIMARY_ADDR:
    return "sctp_set_peer_primary_addr";
  case GSCTP_OPT_SCTP_ADAPTATION_LAYER:
    return "sctp_adaptation_layer";
  case GSCTP_OPT_SCTP_PEER_ADDR_PARAMS:
    return "sctp_peer_addr_params";
  case GSCTP_OPT_SCTP_DELAYED_ACK_TIME:
    return "sctp_delayed_ack_time";
  case GSCTP_OPT_SCTP_GET_PEER_ADDR_INFO:
    return "sctp_get_peer_addr_info";
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

  if (s->transport == GSCTP_TRANSPORT_RAW) {
    return 0; /* no UDP: usrsctp's default remote port 0 means raw IP */
  }
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

/* ---- the records and options of issue 7 ---- */

static void paddrinfo_from(const struct sctp_paddrinfo *pi, gsctp_paddrinfo *r);

void gsctp_opts_debugf(gsctp_sockimpl *s, const char *fmt, ...) {
  char line[256];
  va_list ap;
  int on;

  pthread_mutex_lock(&s->mu);
  on = s->debug;
  pthread_mutex_unlock(&s->mu);
  if (!on) {
    return;
  }
  va_start(ap, fmt);
  vsnprintf(line, sizeof(line), fmt, ap);
  va_end(ap);
  fprintf(stderr, "gsctp debug: socket %u: %s\n", (unsigned)s->handle, line);
}

/* |a| as a sockaddr for usrsctp; an UNSPEC ip is `{any, 0}`: the
 * wildcard address of the socket's family, which usrsctp takes as "every
 * path" (the family must be set on an association). */
static int addr_to_ss(gsctp_sockimpl *s, const gsctp_addr *a,
                      struct sockaddr_storage *ss) {
  socklen_t len;

  memset(ss, 0, sizeof(*ss));
  if (a->ip.family == GSCTP_FAMILY_UNSPEC) {
    ss->ss_family = (sa_family_t)s->af;
    return 0;
  }
  return gsctp_addr_to_sockaddr(&a->ip, a->port, ss, &len);
}

static void addr_from_ss(const struct sockaddr_storage *ss, gsctp_addr *a) {
  memset(a, 0, sizeof(*a));
  if (gsctp_addr_from_sockaddr((const struct sockaddr *)ss, &a->port, &a->ip) !=
      0) {
    memset(a, 0, sizeof(*a));
  }
}

static int get_assoc_id(int64_t v, sctp_assoc_t *out) {
  if (v == GSCTP_UNDEF) {
    *out = 0;
    return 0;
  }
  if (v < 0 || v > U32) {
    return gsctp_detail(GSCTP_ETYPE, "assoc_id %lld is not a uint32",
                        (long long)v);
  }
  *out = (sctp_assoc_t)v;
  return 0;
}

static int read_rtoinfo(gsctp_sockimpl *s, gsctp_rtoinfo *r) {
  struct sctp_rtoinfo ri;
  socklen_t len = sizeof(ri);
  sctp_assoc_t id = 0;
  int rv = get_assoc_id(r->assoc_id, &id);

  if (rv != 0) {
    return rv;
  }
  memset(&ri, 0, sizeof(ri));
  ri.srto_assoc_id = id;
  rv = so_getopt(s, IPPROTO_SCTP, SCTP_RTOINFO, &ri, &len);
  if (rv == 0) {
    r->assoc_id = id;
    r->initial = ri.srto_initial;
    r->max = ri.srto_max;
    r->min = ri.srto_min;
  }
  return rv;
}

static int apply_rtoinfo(gsctp_sockimpl *s, const gsctp_rtoinfo *in, int mode) {
  static const char R[] = "sctp_rtoinfo";
  gsctp_rtoinfo def = {0, 0, 0, 0}, v = def;
  struct sctp_rtoinfo ri;
  int rv;

  if (mode == GSCTP_APPLY_CONNECT) {
    (void)read_rtoinfo(s, &def); /* endpoint values, as OTP's template */
    def.assoc_id = 0;
  }
  if ((rv = check_field(R, 2, "assoc_id", in->assoc_id, U32, &v.assoc_id,
                        def.assoc_id)) ||
      (rv = check_field(R, 3, "initial", in->initial, U32, &v.initial,
                        def.initial)) ||
      (rv = check_field(R, 4, "max", in->max, U32, &v.max, def.max)) ||
      (rv = check_field(R, 5, "min", in->min, U32, &v.min, def.min))) {
    return rv;
  }
  memset(&ri, 0, sizeof(ri));
  ri.srto_assoc_id = (sctp_assoc_t)v.assoc_id;
  ri.srto_initial = (uint32_t)v.initial;
  ri.srto_max = (uint32_t)v.max;
  ri.srto_min = (uint32_t)v.min;
  return so_setopt(s, IPPROTO_SCTP, SCTP_RTOINFO, &ri, sizeof(ri));
}

static int read_associnfo(gsctp_sockimpl *s, gsctp_assocparams *r) {
  struct sctp_assocparams ap;
  socklen_t len = sizeof(ap);
  sctp_assoc_t id = 0;
  int rv = get_assoc_id(r->assoc_id, &id);

  if (rv != 0) {
    return rv;
  }
  memset(&ap, 0, sizeof(ap));
  ap.sasoc_assoc_id = id;
  rv = so_getopt(s, IPPROTO_SCTP, SCTP_ASSOCINFO, &ap, &len);
  if (rv == 0) {
    r->assoc_id = id;
    r->asocmaxrxt = ap.sasoc_asocmaxrxt;
    r->number_peer_destinations = ap.sasoc_number_peer_destinations;
    r->peer_rwnd = ap.sasoc_peer_rwnd;
    r->local_rwnd = ap.sasoc_local_rwnd;
    r->cookie_life = ap.sasoc_cookie_life;
  }
  return rv;
}

static int apply_associnfo(gsctp_sockimpl *s, const gsctp_assocparams *in,
                           int mode) {
  static const char R[] = "sctp_assocparams";
  gsctp_assocparams def = {0, 0, 0, 0, 0, 0}, v = def;
  struct sctp_assocparams ap;
  int rv;

  if (mode == GSCTP_APPLY_CONNECT) {
    (void)read_associnfo(s, &def);
    def.assoc_id = 0;
  }
  if ((rv = check_field(R, 2, "assoc_id", in->assoc_id, U32, &v.assoc_id,
                        def.assoc_id)) ||
      (rv = check_field(R, 3, "asocmaxrxt", in->asocmaxrxt, U16, &v.asocmaxrxt,
                        def.asocmaxrxt)) ||
      (rv = check_field(
         R, 4, "number_peer_destinations", in->number_peer_destinations, U16,
         &v.number_peer_destinations, def.number_peer_destinations)) ||
      (rv = check_field(R, 5, "peer_rwnd", in->peer_rwnd, U32, &v.peer_rwnd,
                        def.peer_rwnd)) ||
      (rv = check_field(R, 6, "local_rwnd", in->local_rwnd, U32, &v.local_rwnd,
                        def.local_rwnd)) ||
      (rv = check_field(R, 7, "cookie_life", in->cookie_life, U32,
                        &v.cookie_life, def.cookie_life))) {
    return rv;
  }
  memset(&ap, 0, sizeof(ap));
  ap.sasoc_assoc_id = (sctp_assoc_t)v.assoc_id;
  ap.sasoc_asocmaxrxt = (uint16_t)v.asocmaxrxt;
  ap.sasoc_number_peer_destinations = (uint16_t)v.number_peer_destinations;
  ap.sasoc_peer_rwnd = (uint32_t)v.peer_rwnd;
  ap.sasoc_local_rwnd = (uint32_t)v.local_rwnd;
  ap.sasoc_cookie_life = (uint32_t)v.cookie_life;
  return so_setopt(s, IPPROTO_SCTP, SCTP_ASSOCINFO, &ap, sizeof(ap));
}

/* sctp_prim / sctp_setpeerprim: both fields required. */
static int prim_check(gsctp_sockimpl *s, const char *rec, int64_t assoc_id,
                      const gsctp_addr *a, sctp_assoc_t *pid,
                      struct sockaddr_storage *ss) {
  int rv;

  if (assoc_id == GSCTP_UNDEF || assoc_id < 0 || assoc_id > U32) {
    return gsctp_detail(GSCTP_ETYPE,
                        "%s field 2 (assoc_id): required uint32, got %s%lld",
                        rec, assoc_id == GSCTP_UNDEF ? "undefined " : "",
                        assoc_id == GSCTP_UNDEF ? 0LL : (long long)assoc_id);
  }
  if (a->ip.family == GSCTP_FAMILY_UNSPEC) {
    return gsctp_detail(GSCTP_ETYPE, "%s field 3 (addr): required", rec);
  }
  rv = addr_to_ss(s, a, ss);
  if (rv != 0) {
    return gsctp_detail(GSCTP_ETYPE, "%s field 3 (addr): not an address", rec);
  }
  *pid = (sctp_assoc_t)assoc_id;
  return 0;
}

static int apply_prim(gsctp_sockimpl *s, const gsctp_prim *in) {
  struct sctp_setprim sp;
  int rv;

  memset(&sp, 0, sizeof(sp));
  rv = prim_check(s, "sctp_prim", in->assoc_id, &in->addr, &sp.ssp_assoc_id,
                  &sp.ssp_addr);
  if (rv != 0) {
    return rv;
  }
  return so_setopt(s, IPPROTO_SCTP, SCTP_PRIMARY_ADDR, &sp, sizeof(sp));
}

static int read_prim(gsctp_sockimpl *s, gsctp_prim *r) {
  struct sctp_setprim sp;
  socklen_t len = sizeof(sp);
  int rv;

  memset(&sp, 0, sizeof(sp));
  rv = get_assoc_id(r->assoc_id, &sp.ssp_assoc_id);
  if (rv == 0) {
    rv = so_getopt(s, IPPROTO_SCTP, SCTP_PRIMARY_ADDR, &sp, &len);
  }
  if (rv == 0) {
    r->assoc_id = sp.ssp_assoc_id;
    addr_from_ss(&sp.ssp_addr, &r->addr);
  }
  return rv;
}

static int apply_setpeerprim(gsctp_sockimpl *s, const gsctp_setpeerprim *in) {
  struct sctp_setpeerprim sp;
  int rv;

  memset(&sp, 0, sizeof(sp));
  rv = prim_check(s, "sctp_setpeerprim", in->assoc_id, &in->addr,
                  &sp.sspp_assoc_id, &sp.sspp_addr);
  if (rv != 0) {
    return rv;
  }
  return so_setopt(s, IPPROTO_SCTP, SCTP_SET_PEER_PRIMARY_ADDR, &sp,
                   sizeof(sp));
}

/* usrsctp's SCTP_DELAYED_SACK, read as gen_sctp sees it: 0 when delayed
 * SACK is off (a SACK for every packet, sack_freq 1). */
static int read_sack(gsctp_sockimpl *s, sctp_assoc_t id,
                     struct sctp_sack_info *si) {
  socklen_t len = sizeof(*si);

  memset(si, 0, sizeof(*si));
  si->sack_assoc_id = id;
  return so_getopt(s, IPPROTO_SCTP, SCTP_DELAYED_SACK, si, &len);
}

/* Set the delayed-SACK time of |id|: |off| turns delayed SACK off;
 * otherwise |delay| ms (0 keeps the current delay) with the SACK
 * frequency restored to 2 if it was off. */
static int write_sack(gsctp_sockimpl *s, sctp_assoc_t id, int off,
                      uint32_t delay) {
  struct sctp_sack_info cur, si;
  int rv = read_sack(s, id, &cur);

  if (rv != 0) {
    return rv;
  }
  memset(&si, 0, sizeof(si));
  si.sack_assoc_id = id;
  if (off) {
    si.sack_delay = 0; /* keep */
    si.sack_freq = 1;  /* a SACK for every packet */
  } else {
    si.sack_delay = delay;
    si.sack_freq = cur.sack_freq == 1 ? 2 : 0; /* 0 keeps */
  }
  if (si.sack_delay == 0 && si.sack_freq == 0) {
    return 0; /* nothing to change */
  }
  return so_setopt(s, IPPROTO_SCTP, SCTP_DELAYED_SACK, &si, sizeof(si));
}

static int read_delayed_ack(gsctp_sockimpl *s, gsctp_assoc_value *r) {
  struct sctp_sack_info si;
  sctp_assoc_t id = 0;
  int rv = get_assoc_id(r->assoc_id, &id);

  if (rv == 0) {
    rv = read_sack(s, id, &si);
  }
  if (rv == 0) {
    r->assoc_id = id;
    r->assoc_value = si.sack_freq == 1 ? 0 : si.sack_delay;
  }
  return rv;
}

static int apply_delayed_ack(gsctp_sockimpl *s, const gsctp_assoc_value *in,
                             int mode) {
  static const char R[] = "sctp_assoc_value";
  gsctp_assoc_value def = {0, 0}, v = {0, 0};
  int rv;

  if (mode == GSCTP_APPLY_CONNECT) {
    (void)read_delayed_ack(s, &def);
    def.assoc_id = 0;
  }
  if ((rv = check_field(R, 2, "assoc_id", in->assoc_id, U32, &v.assoc_id,
                        def.assoc_id)) ||
      (rv = check_field(R, 3, "assoc_value", in->assoc_value, U32,
                        &v.assoc_value, def.assoc_value))) {
    return rv;
  }
  return write_sack(s, (sctp_assoc_t)v.assoc_id, v.assoc_value == 0,
                    (uint32_t)v.assoc_value);
}

static int read_paddrparams(gsctp_sockimpl *s, gsctp_paddrparams *r) {
  struct sctp_paddrparams pp;
  struct sctp_sack_info si;
  socklen_t len = sizeof(pp);
  sctp_assoc_t id = 0;
  int rv = get_assoc_id(r->assoc_id, &id);

  if (rv != 0) {
    return rv;
  }
  memset(&pp, 0, sizeof(pp));
  pp.spp_assoc_id = id;
  if (addr_to_ss(s, &r->address, &pp.spp_address) != 0) {
    return GSCTP_EAFNOSUPPORT;
  }
  rv = so_getopt(s, IPPROTO_SCTP, SCTP_PEER_ADDR_PARAMS, &pp, &len);
  if (rv != 0) {
    return rv;
  }
  r->assoc_id = id;
  r->hbinterval = pp.spp_hbinterval;
  r->pathmaxrxt = pp.spp_pathmaxrxt;
  r->pathmtu = pp.spp_pathmtu;
  r->flags = 0;
  if (pp.spp_flags & SPP_HB_ENABLE) {
    r->flags |= GSCTP_SPP_HB_ENABLE;
  }
  if (pp.spp_flags & SPP_HB_DISABLE) {
    r->flags |= GSCTP_SPP_HB_DISABLE;
  }
  if (pp.spp_flags & SPP_PMTUD_ENABLE) {
    r->flags |= GSCTP_SPP_PMTUD_ENABLE;
  }
  if (pp.spp_flags & SPP_PMTUD_DISABLE) {
    r->flags |= GSCTP_SPP_PMTUD_DISABLE;
  }
  r->sackdelay = 0;
  if (read_sack(s, id, &si) == 0) {
    if (si.sack_freq == 1) {
      r->flags |= GSCTP_SPP_SACKDELAY_DISABLE;
    } else {
      r->flags |= GSCTP_SPP_SACKDELAY_ENABLE;
      r->sackdelay = si.sack_delay;
    }
  }
  return 0;
}

static int apply_paddrparams(gsctp_sockimpl *s, const gsctp_paddrparams *in,
                             int mode) {
  static const char R[] = "sctp_paddrparams";
  gsctp_paddrparams def, v;
  struct sctp_paddrparams pp;
  int64_t f;
  int rv;

  memset(&def, 0, sizeof(def));
  if (mode == GSCTP_APPLY_CONNECT) {
    (void)read_paddrparams(s, &def);
    def.assoc_id = 0;
    /* The template's flags describe the current state; re-applying
     * them is harmless except hb_demand, which a read never reports. */
  }
  v = def;
  if ((rv = check_field(R, 2, "assoc_id", in->assoc_id, U32, &v.assoc_id,
                        def.assoc_id)) ||
      (rv = check_field(R, 4, "hbinterval", in->hbinterval, U32, &v.hbinterval,
                        def.hbinterval)) ||
      (rv = check_field(R, 5, "pathmaxrxt", in->pathmaxrxt, U16, &v.pathmaxrxt,
                        def.pathmaxrxt)) ||
      (rv = check_field(R, 6, "pathmtu", in->pathmtu, U32, &v.pathmtu,
                        def.pathmtu)) ||
      (rv = check_field(R, 7, "sackdelay", in->sackdelay, U32, &v.sackdelay,
                        def.sackdelay))) {
    return rv;
  }
  f = in->flags == GSCTP_UNDEF ? def.flags : in->flags;
  if (f < 0 || (f & ~127LL)) {
    return gsctp_detail(GSCTP_ETYPE,
                        "%s field 8 (flags): %lld has unknown bits", R,
                        (long long)f);
  }
  if (((f & GSCTP_SPP_HB_ENABLE) && (f & GSCTP_SPP_HB_DISABLE)) ||
      ((f & GSCTP_SPP_PMTUD_ENABLE) && (f & GSCTP_SPP_PMTUD_DISABLE)) ||
      ((f & GSCTP_SPP_SACKDELAY_ENABLE) && (f & GSCTP_SPP_SACKDELAY_DISABLE))) {
    return gsctp_detail(
      GSCTP_EINVAL, "%s: both the enable and the disable flag of a pair", R);
  }
  memset(&pp, 0, sizeof(pp));
  pp.spp_assoc_id = (sctp_assoc_t)v.assoc_id;
  if (addr_to_ss(s, &in->address, &pp.spp_address) != 0) {
    return gsctp_detail(GSCTP_EAFNOSUPPORT, "%s field 3 (address)", R);
  }
  if (in->address.ip.family != GSCTP_FAMILY_UNSPEC &&
      in->address.ip.family != s->family &&
      !(s->family == GSCTP_FAMILY_INET6 &&
        in->address.ip.family == GSCTP_FAMILY_INET)) {
    return gsctp_detail(GSCTP_EAFNOSUPPORT,
                        "%s field 3 (address): not of the socket's family", R);
  }
  pp.spp_hbinterval = (uint32_t)v.hbinterval;
  pp.spp_pathmaxrxt = (uint16_t)v.pathmaxrxt;
  pp.spp_pathmtu = (uint32_t)v.pathmtu;
  if (f & GSCTP_SPP_HB_ENABLE) {
    pp.spp_flags |= SPP_HB_ENABLE;
  }
  if (f & GSCTP_SPP_HB_DISABLE) {
    pp.spp_flags |= SPP_HB_DISABLE;
  }
  if (f & GSCTP_SPP_HB_DEMAND) {
    pp.spp_flags |= SPP_HB_DEMAND;
  }
  if (f & GSCTP_SPP_PMTUD_ENABLE) {
    pp.spp_flags |= SPP_PMTUD_ENABLE;
  }
  if (f & GSCTP_SPP_PMTUD_DISABLE) {
    pp.spp_flags |= SPP_PMTUD_DISABLE;
  }
  rv = so_setopt(s, IPPROTO_SCTP, SCTP_PEER_ADDR_PARAMS, &pp, sizeof(pp));
  if (rv != 0) {
    return rv;
  }
  /* usrsctp has no per-path SACK delay: apply it to the association. */
  if ((f & GSCTP_SPP_SACKDELAY_DISABLE) != 0) {
    return write_sack(s, pp.spp_assoc_id, 1, 0);
  }
  if ((f & GSCTP_SPP_SACKDELAY_ENABLE) != 0 || v.sackdelay > 0) {
    return write_sack(s, pp.spp_assoc_id, 0, (uint32_t)v.sackdelay);
  }
  return 0;
}

static int read_peer_addr_info(gsctp_sockimpl *s, gsctp_paddrinfo *r) {
  struct sctp_paddrinfo pi;
  socklen_t len = sizeof(pi);
  int rv;

  memset(&pi, 0, sizeof(pi));
  pi.spinfo_assoc_id = r->assoc_id;
  if (addr_to_ss(s, &r->address, &pi.spinfo_address) != 0) {
    return GSCTP_EAFNOSUPPORT;
  }
  rv = so_getopt(s, IPPROTO_SCTP, SCTP_GET_PEER_ADDR_INFO, &pi, &len);
  if (rv == 0) {
    gsctp_addr asked = r->address;
    paddrinfo_from(&pi, r);
    if (r->address.ip.family == GSCTP_FAMILY_UNSPEC) {
      r->address = asked;
    }
  }
  return rv;
}

/* An option usrsctp 0.9.5 lacks: its neutral value is the true state
 * and is accepted; anything else is GSCTP_ENOPROTOOPT. */
static int missing_opt(const gsctp_opt *o, int64_t neutral, int64_t lo,
                       int64_t hi, const char *why) {
  if (o->v.i < lo || o->v.i > hi) {
    return gsctp_detail(GSCTP_EINVAL, "%s: %lld is out of range",
                        gsctp_opt_name(o->name), (long long)o->v.i);
  }
  if (o->v.i == neutral) {
    return 0;
  }
  return gsctp_detail(GSCTP_ENOPROTOOPT, "%s: %s", gsctp_opt_name(o->name),
                      why);
}

static int int_sctp_opt(gsctp_sockimpl *s, int name, int64_t v) {
  int iv = (int)v;

  return so_setopt(s, IPPROTO_SCTP, name, &iv, sizeof(iv));
}

static int apply_tos(gsctp_sockimpl *s, int tos) {
  struct sctp_paddrparams pp;

  /* usrsctp puts the endpoint's DSCP into the packets it hands to an
   * AF_CONN link (the link's output function sees it); its UDP
   * encapsulation and IPv6 paths ignore it. */
  memset(&pp, 0, sizeof(pp));
  pp.spp_assoc_id = SCTP_FUTURE_ASSOC;
  pp.spp_flags = SPP_DSCP;
  pp.spp_dscp = (uint8_t)tos;
  return so_setopt(s, IPPROTO_SCTP, SCTP_PEER_ADDR_PARAMS, &pp, sizeof(pp));
}

/* The network namespace of usrsctp's stack: that of its UDP receive
 * thread (where its UDP socket was made), else of any of its threads,
 * else the process's. */
static int stack_netns_of_thread(struct stat *st, int udp_only) {
  char path[96], comm[32];
  struct dirent *e;
  int found = 0;
  DIR *d = opendir("/proc/self/task");

  while (d != NULL && (e = readdir(d)) != NULL && found < 2) {
    FILE *f;
    if (e->d_name[0] == '.' || strlen(e->d_name) > 20) {
      continue;
    }
    snprintf(path, sizeof(path), "/proc/self/task/%s/comm", e->d_name);
    f = fopen(path, "r");
    if (f == NULL) {
      continue;
    }
    if (fgets(comm, sizeof(comm), f) != NULL && strncmp(comm, "SCTP", 4) == 0) {
      int udp = strncmp(comm, "SCTP/UDP", 8) == 0;
      snprintf(path, sizeof(path), "/proc/self/task/%s/ns/net", e->d_name);
      if ((udp || !found) && stat(path, st) == 0) {
        found = udp ? 2 : 1;
      }
    }
    fclose(f);
  }
  if (d != NULL) {
    closedir(d);
  }
  return found == 2 || (found == 1 && !udp_only) ? 0 : GSCTP_ENOENT;
}

static int stack_netns(struct stat *st) {
  if (stack_netns_of_thread(st, 0) == 0) {
    return 0;
  }
  return stat("/proc/self/ns/net", st);
}

int gsctp_opts_open_check(const gsctp_opt *o) {
  struct stat a, b;
  const char *str = o->v.str;

  if (str == NULL || str[0] == '\0' || strlen(str) >= 4096) {
    return gsctp_detail(GSCTP_EBADARG, "%s: NULL, empty or too long",
                        gsctp_opt_name(o->name));
  }
  if (o->name == GSCTP_OPT_BIND_TO_DEVICE) {
    if (strlen(str) >= 16) {
      return gsctp_detail(GSCTP_EBADARG, "bind_to_device: name too long");
    }
    return gsctp_detail(GSCTP_ENOPROTOOPT,
                        "bind_to_device: usrsctp 0.9.5 has no "
                        "SO_BINDTODEVICE");
  }
  /* netns: usrsctp is one stack per process, and its UDP socket lives in
   * the namespace of the thread that started it.  Before the stack runs,
   * gsctp_opts_netns_start() starts it inside the namespace; once it
   * runs, only its own namespace can be honoured. */
  if (stat(str, &a) != 0) {
    return gsctp_detail(gsctp_err_from_errno(errno), "netns %s: %s", str,
                        strerror(errno));
  }
  if (gsctp_stack_udp_port() < 0) {
    return 0; /* not running: gsctp_opts_netns_start enters it */
  }
  if (stack_netns(&b) != 0) {
    return gsctp_detail(GSCTP_EOPNOTSUPP, "netns: cannot read the stack's "
                                          "namespace");
  }
  if (a.st_dev != b.st_dev || a.st_ino != b.st_ino) {
    return gsctp_detail(GSCTP_EOPNOTSUPP,
                        "netns %s: the SCTP stack is process-wide and "
                        "already runs in another namespace",
                        str);
  }
  return 0;
}

int gsctp_opts_netns_start(const char *path, int udp_port) {
  static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
  gsctp_stack_config cfg;
  gsctp_opt o;
  int nsfd, selffd, rv;

  memset(&o, 0, sizeof(o));
  o.name = GSCTP_OPT_NETNS;
  o.v.str = path;
  pthread_mutex_lock(&mu);
  if (gsctp_stack_udp_port() >= 0) {
    pthread_mutex_unlock(&mu);
    rv = gsctp_opts_open_check(&o);
    return rv != 0 ? rv : gsctp_stack_start_port(udp_port);
  }
  nsfd = open(path, O_RDONLY | O_CLOEXEC);
  if (nsfd < 0) {
    rv = gsctp_detail(gsctp_err_from_errno(errno), "netns %s: %s", path,
                      strerror(errno));
    pthread_mutex_unlock(&mu);
    return rv;
  }
  selffd = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
  if (selffd < 0) {
    rv =
      gsctp_detail(gsctp_err_from_errno(errno), "netns: %s", strerror(errno));
    close(nsfd);
    pthread_mutex_unlock(&mu);
    return rv;
  }
  if (setns(nsfd, CLONE_NEWNET) != 0) {
    int e = errno;
    rv = gsctp_detail(e == EINVAL ? GSCTP_EBADARG : gsctp_err_from_errno(e),
                      "netns %s: cannot enter it: %s", path, strerror(e));
    close(nsfd);
    close(selffd);
    pthread_mutex_unlock(&mu);
    return rv;
  }
  /* usrsctp's sockets and threads are created here, in the namespace;
   * it also reads the namespace's interface addresses now. */
  gsctp_stack_config_default(&cfg);
  cfg.udp_port = udp_port;
  rv = gsctp_stack_start(&cfg);
  if (setns(selffd, CLONE_NEWNET) != 0) {
    /* Cannot happen for the namespace this thread just left; if it did,
     * the thread would be stranded: say so loudly. */
    fprintf(stderr, "gsctp: could not return to the original network "
                    "namespace\n");
  }
  close(nsfd);
  close(selffd);
  pthread_mutex_unlock(&mu);
  if (rv == GSCTP_EALREADY) { /* another thread won the race */
    rv = gsctp_opts_open_check(&o);
    return rv != 0 ? rv : gsctp_stack_start_port(udp_port);
  }
  if (rv == 0) {
    /* usrsctp's threads name themselves after they start; wait (briefly,
     * bounded) until its UDP thread shows, so that later opens find the
     * stack's namespace through it (stack_netns). */
    struct stat st;
    int i;
    for (i = 0; i < 2000 && stack_netns_of_thread(&st, 1) != 0; ++i) {
      usleep(1000);
    }
  }
  /* Running now, on the port asked for: finish as a plain start does. */
  return rv != 0 ? rv : gsctp_stack_start_port(-1);
}

static int copy_int_opt(gsctp_sockimpl *from, gsctp_sockimpl *to, int level,
                        int name) {
  int iv = 0;
  socklen_t len = sizeof(iv);
  int rv = so_getopt(from, level, name, &iv, &len);

  if (rv == 0) {
    rv = so_setopt(to, level, name, &iv, sizeof(iv));
  }
  return rv;
}

int gsctp_opts_inherit(gsctp_sockimpl *from, gsctp_sockimpl *to) {
  gsctp_event_subscribe ev;
  struct linger l;
  socklen_t len = sizeof(l);
  int mode, debug, reuseaddr;
  size_t bufsz;
  int rv;

  pthread_mutex_lock(&from->mu);
  mode = from->mode;
  bufsz = from->bufsz;
  debug = from->debug;
  reuseaddr = from->reuseaddr;
  ev = from->events;
  pthread_mutex_unlock(&from->mu);
  pthread_mutex_lock(&to->mu);
  to->mode = mode;
  to->bufsz = bufsz;
  to->debug = debug;
  to->reuseaddr = reuseaddr;
  pthread_mutex_unlock(&to->mu);

  rv = apply_events(to, &ev);
  if (rv == 0) {
    rv = copy_int_opt(from, to, IPPROTO_SCTP, SCTP_NODELAY);
  }
  if (rv == 0) {
    rv = copy_int_opt(from, to, SOL_SOCKET, SO_SNDBUF);
  }
  if (rv == 0) {
    rv = copy_int_opt(from, to, SOL_SOCKET, SO_RCVBUF);
  }
  if (rv == 0) {
    memset(&l, 0, sizeof(l));
    rv = so_getopt(from, SOL_SOCKET, SO_LINGER, &l, &len);
    if (rv == 0) {
      rv = so_setopt(to, SOL_SOCKET, SO_LINGER, &l, sizeof(l));
    }
  }
  return rv;
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
  case GSCTP_OPT_TRANSPORT:
  case GSCTP_OPT_IFADDR:
  case GSCTP_OPT_NETNS:
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
    /* OTP's type is any int; the driver clamps below 1 to 1. */
    if ((rv = int_range(o, INT_MIN, INT_MAX)) != 0) {
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
    if (s->transport == GSCTP_TRANSPORT_RAW) {
      return gsctp_detail(GSCTP_EINVAL, "udp_remote_port: transport raw "
                                        "sends no UDP");
    }
    return apply_remote_udp_port(s, (int)o->v.i);
  case GSCTP_OPT_SCTP_STATUS:
  case GSCTP_OPT_SCTP_GET_PEER_ADDR_INFO:
    return gsctp_detail(GSCTP_EINVAL, "%s is read-only",
                        gsctp_opt_name(o->name));
  case GSCTP_OPT_DEBUG:
  case GSCTP_OPT_REUSEADDR:
    if ((rv = int_range(o, 0, 1)) != 0) {
      return rv;
    }
    pthread_mutex_lock(&s->mu);
    if (o->name == GSCTP_OPT_DEBUG) {
      s->debug = (int)o->v.i;
    } else {
      s->reuseaddr = (int)o->v.i;
    }
    pthread_mutex_unlock(&s->mu);
    return 0;
  case GSCTP_OPT_DONTROUTE:
    return missing_opt(o, 0, 0, 1, "usrsctp 0.9.5 has no SO_DONTROUTE");
  case GSCTP_OPT_PRIORITY:
    return missing_opt(o, 0, INT_MIN, INT_MAX,
                       "usrsctp 0.9.5 has no SO_PRIORITY");
  case GSCTP_OPT_TCLASS:
    return missing_opt(o, 0, 0, 255,
                       "usrsctp 0.9.5 does not set the IPv6 traffic class");
  case GSCTP_OPT_TTL:
    return missing_opt(o, INT64_MIN, 0, 255, "usrsctp 0.9.5 has no IP_TTL");
  case GSCTP_OPT_RECVTOS:
  case GSCTP_OPT_RECVTCLASS:
  case GSCTP_OPT_RECVTTL:
    return missing_opt(o, 0, 0, 1,
                       "usrsctp 0.9.5 does not report received IP headers");
  case GSCTP_OPT_EXCLUSIVEADDRUSE:
    return missing_opt(o, 0, 0, 1, "a Windows-only option");
  case GSCTP_OPT_IPV6_V6ONLY:
    if (s->family != GSCTP_FAMILY_INET6) {
      return gsctp_detail(GSCTP_EINVAL, "ipv6_v6only: not an inet6 socket");
    }
    return missing_opt(o, 0, 0, 1,
                       "usrsctp 0.9.5 has no IPV6_V6ONLY (inet6 sockets "
                       "always accept IPv4 too)");
  case GSCTP_OPT_HIGH_MSGQ_WATERMARK:
  case GSCTP_OPT_LOW_MSGQ_WATERMARK:
    return gsctp_detail(GSCTP_EINVAL,
                        "%s is not an SCTP socket option (OTP's SCTP driver "
                        "rejects it too)",
                        gsctp_opt_name(o->name));
  case GSCTP_OPT_TOS:
    if ((rv = int_range(o, 0, 255)) != 0) {
      return rv;
    }
    if (s->af != AF_CONN) {
      return missing_opt(o, 0, 0, 255,
                         "usrsctp 0.9.5 does not apply TOS to UDP-"
                         "encapsulated packets (conn sockets only)");
    }
    return apply_tos(s, (int)o->v.i);
  case GSCTP_OPT_LINGER: {
    struct linger l;
    int64_t on = o->v.linger.onoff, secs = o->v.linger.seconds;
    if (on == GSCTP_UNDEF) {
      on = 0;
    }
    if (secs == GSCTP_UNDEF) {
      secs = 0;
    }
    if (on < 0 || on > 1 || secs < 0 || secs > INT_MAX) {
      return gsctp_detail(GSCTP_EINVAL, "linger: {%lld, %lld} is invalid",
                          (long long)on, (long long)secs);
    }
    memset(&l, 0, sizeof(l));
    l.l_onoff = (int)on;
    l.l_linger = (int)secs;
    return so_setopt(s, SOL_SOCKET, SO_LINGER, &l, sizeof(l));
  }
  case GSCTP_OPT_REUSEPORT:
  case GSCTP_OPT_REUSEPORT_LB:
    /* usrsctp 0.9.5 lets stream sockets bind a port in use anyway and
     * never lets a second socket listen on it, SCTP_REUSE_PORT or not
     * (measured, tests/test_opts_elementary.c). */
    return missing_opt(o, 0, 0, 1,
                       "usrsctp 0.9.5 never lets two sockets listen on one "
                       "port");
  case GSCTP_OPT_SCTP_DISABLE_FRAGMENTS:
    if ((rv = int_range(o, 0, 1)) != 0) {
      return rv;
    }
    return int_sctp_opt(s, SCTP_DISABLE_FRAGMENTS, o->v.i);
  case GSCTP_OPT_SCTP_I_WANT_MAPPED_V4_ADDR:
    if ((rv = int_range(o, 0, 1)) != 0) {
      return rv;
    }
    if (s->family != GSCTP_FAMILY_INET6) {
      return gsctp_detail(GSCTP_EINVAL,
                          "sctp_i_want_mapped_v4_addr: not an inet6 socket");
    }
    return int_sctp_opt(s, SCTP_I_WANT_MAPPED_V4_ADDR, o->v.i);
  case GSCTP_OPT_BIND_TO_DEVICE:
    rv = gsctp_opts_open_check(o);
    return rv == GSCTP_EBADARG ? GSCTP_EINVAL : rv;
  case GSCTP_OPT_SCTP_RTOINFO:
    return apply_rtoinfo(s, &o->v.rtoinfo, mode);
  case GSCTP_OPT_SCTP_ASSOCINFO:
    return apply_associnfo(s, &o->v.assocparams, mode);
  case GSCTP_OPT_SCTP_PRIMARY_ADDR:
    return apply_prim(s, &o->v.prim);
  case GSCTP_OPT_SCTP_SET_PEER_PRIMARY_ADDR:
    return apply_setpeerprim(s, &o->v.setpeerprim);
  case GSCTP_OPT_SCTP_ADAPTATION_LAYER: {
    struct sctp_setadaptation sa;
    int64_t ind = 0;
    if ((rv = check_field("sctp_setadaptation", 2, "adaptation_ind",
                          o->v.setadaptation.adaptation_ind, U32, &ind, 0)) !=
        0) {
      return rv;
    }
    if (mode == GSCTP_APPLY_CONNECT &&
        o->v.setadaptation.adaptation_ind == GSCTP_UNDEF) {
      return 0; /* merged with the current value: nothing changes */
    }
    memset(&sa, 0, sizeof(sa));
    sa.ssb_adaptation_ind = (uint32_t)ind;
    return so_setopt(s, IPPROTO_SCTP, SCTP_ADAPTATION_LAYER, &sa, sizeof(sa));
  }
  case GSCTP_OPT_SCTP_PEER_ADDR_PARAMS:
    return apply_paddrparams(s, &o->v.paddrparams, mode);
  case GSCTP_OPT_SCTP_DELAYED_ACK_TIME:
    return apply_delayed_ack(s, &o->v.assoc_value, mode);
  default:
    return gsctp_detail(GSCTP_EINVAL, "unknown option %d", o->name);
  }
}

/* Options whose value is gsctp_opt.v.i. */
static int is_int_opt(int name) {
  switch (name) {
  case GSCTP_OPT_IP:
  case GSCTP_OPT_IFADDR:
  case GSCTP_OPT_NETNS:
  case GSCTP_OPT_BIND_TO_DEVICE:
  case GSCTP_OPT_LINGER:
  case GSCTP_OPT_SCTP_INITMSG:
  case GSCTP_OPT_SCTP_EVENTS:
  case GSCTP_OPT_SCTP_DEFAULT_SEND_PARAM:
  case GSCTP_OPT_SCTP_STATUS:
  case GSCTP_OPT_SCTP_RTOINFO:
  case GSCTP_OPT_SCTP_ASSOCINFO:
  case GSCTP_OPT_SCTP_PRIMARY_ADDR:
  case GSCTP_OPT_SCTP_SET_PEER_PRIMARY_ADDR:
  case GSCTP_OPT_SCTP_ADAPTATION_LAYER:
  case GSCTP_OPT_SCTP_PEER_ADDR_PARAMS:
  case GSCTP_OPT_SCTP_DELAYED_ACK_TIME:
  case GSCTP_OPT_SCTP_GET_PEER_ADDR_INFO:
    return 0;
  default:
    return 1;
  }
}

int gsctp_opts_apply(gsctp_sockimpl *s, const gsctp_opt *opts, size_t nopts,
                     int mode) {
  size_t i;

  for (i = 0; i < nopts; ++i) {
    int rv = apply_one(s, &opts[i], mode);
    static const char *const verbs[] = {"open", "setopts", "connect"};
    if (is_int_opt(opts[i].name)) {
      gsctp_opts_debugf(s, "%s %s=%lld -> %s", verbs[mode],
                        gsctp_opt_name(opts[i].name), (long long)opts[i].v.i,
                        rv == 0 ? "ok" : gsctp_err_name(rv));
    } else {
      gsctp_opts_debugf(s, "%s %s -> %s", verbs[mode],
                        gsctp_opt_name(opts[i].name),
                        rv == 0 ? "ok" : gsctp_err_name(rv));
    }
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
  gsctp_sock_opts_changed(s);
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
  case GSCTP_OPT_TRANSPORT:
    o->v.i = s->transport;
    return 0;
  case GSCTP_OPT_UDP_PORT:
    if (s->tp != NULL) {
      o->v.i = gsctp_transport_udp_port(s);
      return 0;
    }
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
  case GSCTP_OPT_DEBUG:
  case GSCTP_OPT_REUSEADDR:
    pthread_mutex_lock(&s->mu);
    o->v.i = o->name == GSCTP_OPT_DEBUG ? s->debug : s->reuseaddr;
    pthread_mutex_unlock(&s->mu);
    return 0;
  case GSCTP_OPT_DONTROUTE:
  case GSCTP_OPT_PRIORITY:
  case GSCTP_OPT_TCLASS:
  case GSCTP_OPT_RECVTOS:
  case GSCTP_OPT_RECVTCLASS:
  case GSCTP_OPT_RECVTTL:
  case GSCTP_OPT_EXCLUSIVEADDRUSE:
    o->v.i = 0; /* the true state: usrsctp cannot change it */
    return 0;
  case GSCTP_OPT_IPV6_V6ONLY:
    if (s->family != GSCTP_FAMILY_INET6) {
      return GSCTP_EINVAL;
    }
    o->v.i = 0;
    return 0;
  case GSCTP_OPT_TTL:
  case GSCTP_OPT_HIGH_MSGQ_WATERMARK:
  case GSCTP_OPT_LOW_MSGQ_WATERMARK:
  case GSCTP_OPT_IFADDR:
  case GSCTP_OPT_NETNS:
  case GSCTP_OPT_BIND_TO_DEVICE:
  case GSCTP_OPT_SCTP_SET_PEER_PRIMARY_ADDR:
    return GSCTP_ENOPROTOOPT; /* left out */
  case GSCTP_OPT_TOS:
    if (s->af != AF_CONN) {
      o->v.i = 0;
      return 0;
    } else {
      struct sctp_paddrparams pp;
      memset(&pp, 0, sizeof(pp));
      pp.spp_assoc_id = SCTP_FUTURE_ASSOC;
      len = sizeof(pp);
      rv = so_getopt(s, IPPROTO_SCTP, SCTP_PEER_ADDR_PARAMS, &pp, &len);
      if (rv == 0) {
        o->v.i = pp.spp_dscp;
      }
      return rv;
    }
  case GSCTP_OPT_LINGER: {
    struct linger l;
    memset(&l, 0, sizeof(l));
    len = sizeof(l);
    rv = so_getopt(s, SOL_SOCKET, SO_LINGER, &l, &len);
    if (rv == 0) {
      o->v.linger.onoff = l.l_onoff != 0;
      o->v.linger.seconds = l.l_linger;
    }
    return rv;
  }
  case GSCTP_OPT_REUSEPORT:
  case GSCTP_OPT_REUSEPORT_LB:
    o->v.i = 0;
    return 0;
  case GSCTP_OPT_SCTP_DISABLE_FRAGMENTS:
  case GSCTP_OPT_SCTP_I_WANT_MAPPED_V4_ADDR: {
    uint32_t uv = 0;
    int name = o->name == GSCTP_OPT_SCTP_DISABLE_FRAGMENTS
                 ? SCTP_DISABLE_FRAGMENTS
                 : SCTP_I_WANT_MAPPED_V4_ADDR;
    if (name == SCTP_I_WANT_MAPPED_V4_ADDR && s->family != GSCTP_FAMILY_INET6) {
      return GSCTP_EINVAL;
    }
    len = sizeof(uv);
    rv = so_getopt(s, IPPROTO_SCTP, name, &uv, &len);
    if (rv == 0) {
      o->v.i = uv != 0;
    }
    return rv;
  }
  case GSCTP_OPT_SCTP_RTOINFO:
    return read_rtoinfo(s, &o->v.rtoinfo);
  case GSCTP_OPT_SCTP_ASSOCINFO:
    return read_associnfo(s, &o->v.assocparams);
  case GSCTP_OPT_SCTP_PRIMARY_ADDR:
    return read_prim(s, &o->v.prim);
  case GSCTP_OPT_SCTP_ADAPTATION_LAYER: {
    struct sctp_setadaptation sa;
    memset(&sa, 0, sizeof(sa));
    len = sizeof(sa);
    rv = so_getopt(s, IPPROTO_SCTP, SCTP_ADAPTATION_LAYER, &sa, &len);
    if (rv == 0) {
      o->v.setadaptation.adaptation_ind = sa.ssb_adaptation_ind;
    }
    return rv;
  }
  case GSCTP_OPT_SCTP_PEER_ADDR_PARAMS:
    return read_paddrparams(s, &o->v.paddrparams);
  case GSCTP_OPT_SCTP_DELAYED_ACK_TIME:
    return read_delayed_ack(s, &o->v.assoc_value);
  case GSCTP_OPT_SCTP_GET_PEER_ADDR_INFO:
    return read_peer_addr_info(s, &o->v.paddrinfo);
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

    int rr = read_one(s, &o);

    gsctp_opts_debugf(s, "getopts %s -> %s", gsctp_opt_name(o.name),
                      rr == 0 ? "ok" : gsctp_err_name(rr));
    if (rr == 0) {
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
