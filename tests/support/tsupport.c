/*
 * tests/support/tsupport.c - helpers shared by the integration suites.
 *
 * Time-outs are always overall deadlines computed from the monotonic
 * clock, and every loop is bounded either by such a deadline or by a
 * count, so a broken stack makes a test fail instead of hang.
 */
#include "tsupport.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <criterion/criterion.h>

/* Upper bound on items any receive loop looks at. */
#define TS_MAX_ITEMS 1000000

/* ------------------------------------------------------------------ */
/* Time                                                                */
/* ------------------------------------------------------------------ */

int64_t ts_now_ms(void) {
  struct timespec ts;

  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void ts_sleep_ms(int ms) {
  struct timespec req, rem;

  if (ms <= 0) {
    return;
  }
  req.tv_sec = ms / 1000;
  req.tv_nsec = (long)(ms % 1000) * 1000000L;
  while (nanosleep(&req, &rem) != 0 && errno == EINTR) {
    req = rem;
  }
}

int ts_wait_stall(const atomic_int *count, const atomic_int *stop, int quiet_ms,
                  int max_ms) {
  int64_t end = ts_now_ms() + max_ms;
  int64_t since = ts_now_ms();
  int last = -1;

  while (ts_now_ms() < end) {
    int now = atomic_load(count);

    if (stop != NULL && atomic_load(stop)) {
      break;
    }
    if (now != last) {
      last = now;
      since = ts_now_ms();
    } else if (ts_now_ms() - since >= quiet_ms) {
      break;
    }
    ts_sleep_ms(20);
  }
  return last;
}

static int remaining_ms(int64_t deadline) {
  int64_t left = deadline - ts_now_ms();

  if (left < 0) {
    return 0;
  }
  if (left > 0x7fffffff) {
    return 0x7fffffff;
  }
  return (int)left;
}

/* ------------------------------------------------------------------ */
/* Stack and sockets                                                   */
/* ------------------------------------------------------------------ */

int ts_try_stack_start(void) {
  gsctp_stack_config cfg;
  int rc;

  gsctp_stack_config_default(&cfg);
  cfg.udp_port = 0;
  rc = gsctp_stack_start(&cfg);
  if (rc != 0) {
    return rc;
  }
  return gsctp_stack_udp_port();
}

int ts_stack_start(void) {
  int port = ts_try_stack_start();

  cr_assert_gt(port, 0, "starting the stack on a free UDP port: %d (%s)", port,
               gsctp_err_name(port));
  cr_assert_leq(port, 65535);
  return port;
}

gsctp_opt ts_opt_i(int name, int64_t value) {
  gsctp_opt o;

  memset(&o, 0, sizeof(o));
  o.name = name;
  o.v.i = value;
  return o;
}

gsctp_opt ts_opt_ip(gsctp_ip ip) {
  gsctp_opt o;

  memset(&o, 0, sizeof(o));
  o.name = GSCTP_OPT_IP;
  o.v.ip = ip;
  return o;
}

gsctp_opt ts_opt_quiet(void) {
  gsctp_opt o;

  memset(&o, 0, sizeof(o));
  o.name = GSCTP_OPT_SCTP_EVENTS;
  o.v.events = gsctp_event_subscribe_default();
  o.v.events.address_event = 0;
  return o;
}

gsctp_opt ts_opt_ostreams(int64_t num_ostreams) {
  gsctp_opt o;
  gsctp_initmsg im = GSCTP_INITMSG_INIT;

  memset(&o, 0, sizeof(o));
  o.name = GSCTP_OPT_SCTP_INITMSG;
  if (num_ostreams > 0) {
    im.num_ostreams = num_ostreams;
  }
  o.v.initmsg = im;
  return o;
}

#define TS_MAX_OPTS 32

int ts_try_open(gsctp_sock *psock, int family, const gsctp_ip *ip,
                int udp_remote_port, const gsctp_opt *extra, size_t nextra) {
  gsctp_opt opts[TS_MAX_OPTS];
  size_t n = 0, i;
  gsctp_ip bind_ip;

  if (nextra > TS_MAX_OPTS - 4) {
    return GSCTP_EBADARG;
  }
  if (ip != NULL) {
    bind_ip = *ip;
  } else if (family == GSCTP_FAMILY_CONN) {
    return GSCTP_EBADARG;
  } else {
    bind_ip = gsctp_ip_loopback(family);
  }
  opts[n++] = ts_opt_i(GSCTP_OPT_FAMILY, family);
  opts[n++] = ts_opt_ip(bind_ip);
  if (family != GSCTP_FAMILY_CONN && udp_remote_port > 0) {
    opts[n++] = ts_opt_i(GSCTP_OPT_UDP_REMOTE_PORT, udp_remote_port);
  }
  for (i = 0; i < nextra; ++i) {
    opts[n++] = extra[i];
  }
  return gsctp_open(psock, opts, n);
}

gsctp_sock ts_open(int family, const gsctp_ip *ip, const gsctp_opt *extra,
                   size_t nextra) {
  gsctp_sock s = 0;
  int udp = 0, rc;

  if (family != GSCTP_FAMILY_CONN) {
    udp = gsctp_stack_udp_port();
    cr_assert_gt(udp, 0, "the stack is not running over UDP: %d (%s)", udp,
                 gsctp_err_name(udp));
  }
  rc = ts_try_open(&s, family, ip, udp, extra, nextra);
  cr_assert_eq(rc, 0, "gsctp_open (family %d): %d (%s) %s", family, rc,
               gsctp_err_name(rc), gsctp_error_detail());
  cr_assert_neq(s, 0, "gsctp_open returned the handle 0");
  return s;
}

gsctp_sock ts_open_server(int family, const gsctp_ip *ip,
                          const gsctp_opt *extra, size_t nextra) {
  gsctp_sock s = ts_open(family, ip, extra, nextra);
  int rc = gsctp_listen(s, GSCTP_LISTEN_TRUE);

  cr_assert_eq(rc, 0, "gsctp_listen: %d (%s)", rc, gsctp_err_name(rc));
  return s;
}

void ts_pair_open(ts_pair *p, int family, const gsctp_ip *ip,
                  const gsctp_opt *cli_opts, size_t ncli,
                  const gsctp_opt *srv_opts, size_t nsrv) {
  int rc, port;

  memset(p, 0, sizeof(*p));
  p->family = family;
  if (ip != NULL) {
    p->ip = *ip;
  } else {
    p->ip = gsctp_ip_loopback(family);
  }
  p->srv = ts_open_server(family, &p->ip, srv_opts, nsrv);
  p->cli = ts_open(family, &p->ip, cli_opts, ncli);

  port = gsctp_port(p->srv);
  cr_assert_gt(port, 0, "gsctp_port(server): %d (%s)", port,
               gsctp_err_name(port));
  p->srv_port = (uint16_t)port;
  port = gsctp_port(p->cli);
  cr_assert_gt(port, 0, "gsctp_port(client): %d (%s)", port,
               gsctp_err_name(port));
  p->cli_port = (uint16_t)port;
  cr_assert_neq(p->srv_port, p->cli_port);

  p->cli_up = gsctp_assoc_change_default();
  rc =
    gsctp_connect(p->cli, &p->ip, p->srv_port, NULL, 0, TS_WAIT_MS, &p->cli_up);
  cr_assert_eq(rc, 0, "gsctp_connect: %d (%s); record state %s error %u", rc,
               gsctp_err_name(rc),
               gsctp_assoc_change_state_name(p->cli_up.state),
               (unsigned)p->cli_up.error);
  cr_assert_eq(p->cli_up.state, GSCTP_COMM_UP, "connect gave state %s",
               gsctp_assoc_change_state_name(p->cli_up.state));
  cr_assert_neq(p->cli_up.assoc_id, 0u, "comm_up at the client has id 0");

  p->srv_up = ts_expect_assoc_change(p->srv, GSCTP_COMM_UP, 0);
  cr_assert_neq(p->srv_up.assoc_id, 0u, "comm_up at the server has id 0");
}

void ts_pair_close(ts_pair *p) {
  if (p->cli != 0) {
    (void)gsctp_close(p->cli);
  }
  if (p->srv != 0) {
    (void)gsctp_close(p->srv);
  }
}

/* ------------------------------------------------------------------ */
/* Receiving                                                           */
/* ------------------------------------------------------------------ */

int ts_recv_next(gsctp_sock sock, int timeout_ms, gsctp_item *pitem) {
  int64_t deadline = ts_now_ms() + timeout_ms;
  long n;
  int rc = GSCTP_ETIMEOUT;

  memset(pitem, 0, sizeof(*pitem));
  for (n = 0; n < TS_MAX_ITEMS; ++n) {
    rc = gsctp_recv(sock, remaining_ms(deadline), pitem);
    if (rc != 0 && rc != GSCTP_ESCTP_ERROR) {
      memset(pitem, 0, sizeof(*pitem));
      return rc;
    }
    if (pitem->is_event && pitem->event.type == GSCTP_EV_PADDR_CHANGE) {
      gsctp_item_free(pitem);
      if (remaining_ms(deadline) == 0) {
        return GSCTP_ETIMEOUT;
      }
      continue;
    }
    return rc;
  }
  return GSCTP_ETIMEOUT;
}

int ts_recv_event(gsctp_sock sock, int type, int state, int timeout_ms,
                  gsctp_item *pitem, size_t *pskipped) {
  int64_t deadline = ts_now_ms() + timeout_ms;
  size_t skipped = 0;
  long n;
  int rc = GSCTP_ETIMEOUT;

  memset(pitem, 0, sizeof(*pitem));
  for (n = 0; n < TS_MAX_ITEMS; ++n) {
    rc = gsctp_recv(sock, remaining_ms(deadline), pitem);
    if (rc != 0 && rc != GSCTP_ESCTP_ERROR) {
      memset(pitem, 0, sizeof(*pitem));
      break;
    }
    if (pitem->is_event && pitem->event.type == type &&
        (type != GSCTP_EV_ASSOC_CHANGE || state < 0 ||
         pitem->event.u.assoc_change.state == state)) {
      rc = 0;
      break;
    }
    gsctp_item_free(pitem);
    ++skipped;
    if (remaining_ms(deadline) == 0) {
      rc = GSCTP_ETIMEOUT;
      break;
    }
  }
  if (pskipped != NULL) {
    *pskipped = skipped;
  }
  return rc;
}

void ts_recv_data(gsctp_sock sock, int timeout_ms, gsctp_item *pitem) {
  char buf[256];
  int rc = ts_recv_next(sock, timeout_ms, pitem);

  cr_assert(rc == 0 || rc == GSCTP_ESCTP_ERROR,
            "recv (waiting for data): %d (%s)", rc, gsctp_err_name(rc));
  cr_assert(rc == 0 && !pitem->is_event,
            "expected data, got rc %d (%s) item %s", rc, gsctp_err_name(rc),
            ts_item_str(pitem, buf, sizeof(buf)));
}

gsctp_assoc_change ts_expect_assoc_change(gsctp_sock sock, int state,
                                          uint32_t assoc_id) {
  gsctp_item it;
  gsctp_assoc_change ac;
  char buf[256];
  int rc = ts_recv_next(sock, TS_WAIT_MS, &it);

  cr_assert(rc == 0 || rc == GSCTP_ESCTP_ERROR,
            "recv (waiting for assoc_change %s): %d (%s)",
            gsctp_assoc_change_state_name(state), rc, gsctp_err_name(rc));
  cr_assert(rc == 0 && it.is_event && it.event.type == GSCTP_EV_ASSOC_CHANGE &&
              it.event.u.assoc_change.state == state,
            "expected sctp_assoc_change %s, got rc %d item %s",
            gsctp_assoc_change_state_name(state), rc,
            ts_item_str(&it, buf, sizeof(buf)));
  ac = it.event.u.assoc_change;
  if (assoc_id != 0) {
    cr_assert_eq(ac.assoc_id, assoc_id,
                 "assoc_change %s for assoc %u, expected %u",
                 gsctp_assoc_change_state_name(state), (unsigned)ac.assoc_id,
                 (unsigned)assoc_id);
  }
  gsctp_item_free(&it);
  return ac;
}

char *ts_addr_str(const gsctp_addr *addr, char *buf, size_t buflen) {
  char ip[GSCTP_IP_STRLEN];

  gsctp_ip_format(&addr->ip, ip, sizeof(ip));
  snprintf(buf, buflen, "%s:%u", ip, (unsigned)addr->port);
  return buf;
}

int ts_addr_is(const gsctp_addr *a, const gsctp_ip *ip, uint16_t port) {
  return gsctp_ip_equal(&a->ip, ip) && a->port == port;
}

char *ts_item_str(const gsctp_item *it, char *buf, size_t buflen) {
  char from[80];
  const gsctp_event *ev = &it->event;

  ts_addr_str(&it->from, from, sizeof(from));
  if (!it->is_event) {
    snprintf(buf, buflen,
             "{data from %s, %zu bytes, anc %d stream %lld ppid %lld "
             "assoc %lld flags %lld}",
             from, it->datalen, it->has_anc, (long long)it->anc.stream,
             (long long)it->anc.ppid, (long long)it->anc.assoc_id,
             (long long)it->anc.flags);
    return buf;
  }
  switch (ev->type) {
  case GSCTP_EV_ASSOC_CHANGE:
    snprintf(buf, buflen,
             "{sctp_assoc_change from %s: %s error %u out %u in %u "
             "assoc %u}",
             from, gsctp_assoc_change_state_name(ev->u.assoc_change.state),
             (unsigned)ev->u.assoc_change.error,
             (unsigned)ev->u.assoc_change.outbound_streams,
             (unsigned)ev->u.assoc_change.inbound_streams,
             (unsigned)ev->u.assoc_change.assoc_id);
    break;
  case GSCTP_EV_SEND_FAILED:
    snprintf(buf, buflen,
             "{sctp_send_failed from %s: flags %d error %u assoc %u "
             "%zu bytes ppid %lld}",
             from, ev->u.send_failed.flags, (unsigned)ev->u.send_failed.error,
             (unsigned)ev->u.send_failed.assoc_id, ev->u.send_failed.datalen,
             (long long)ev->u.send_failed.info.ppid);
    break;
  case GSCTP_EV_PADDR_CHANGE:
    snprintf(buf, buflen, "{sctp_paddr_change from %s: %s assoc %u}", from,
             gsctp_paddr_change_state_name(ev->u.paddr_change.state),
             (unsigned)ev->u.paddr_change.assoc_id);
    break;
  default:
    snprintf(buf, buflen, "{%s from %s}", gsctp_event_type_name(ev->type),
             from);
    break;
  }
  return buf;
}

/* ------------------------------------------------------------------ */
/* Payloads                                                            */
/* ------------------------------------------------------------------ */

static uint8_t pattern_byte(size_t i, uint32_t seed) {
  uint32_t x = (uint32_t)i * 2654435761u + seed * 40503u + (seed >> 7);

  x ^= x >> 13;
  return (uint8_t)(x ^ (x >> 24));
}

void ts_fill(uint8_t *buf, size_t len, uint32_t seed) {
  size_t i;

  for (i = 0; i < len; ++i) {
    buf[i] = pattern_byte(i, seed);
  }
}

size_t ts_check(const uint8_t *buf, size_t len, uint32_t seed) {
  size_t i;

  for (i = 0; i < len; ++i) {
    if (buf[i] != pattern_byte(i, seed)) {
      return i;
    }
  }
  return len;
}

void ts_put16(uint8_t *p, uint16_t v) {
  p[0] = (uint8_t)(v >> 8);
  p[1] = (uint8_t)v;
}

void ts_put32(uint8_t *p, uint32_t v) {
  p[0] = (uint8_t)(v >> 24);
  p[1] = (uint8_t)(v >> 16);
  p[2] = (uint8_t)(v >> 8);
  p[3] = (uint8_t)v;
}

uint16_t ts_get16(const uint8_t *p) {
  return (uint16_t)((p[0] << 8) | p[1]);
}

uint32_t ts_get32(const uint8_t *p) {
  return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) |
         ((uint32_t)p[2] << 8) | (uint32_t)p[3];
}

/* ------------------------------------------------------------------ */
/* Plain UDP sockets                                                   */
/* ------------------------------------------------------------------ */

int ts_udp_open(int family, uint16_t *pport) {
  int fd;

  if (family == GSCTP_FAMILY_INET6) {
    struct sockaddr_in6 a;
    socklen_t alen = sizeof(a);

    fd = socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
      return -1;
    }
    memset(&a, 0, sizeof(a));
    a.sin6_family = AF_INET6;
    a.sin6_addr = in6addr_loopback;
    if (bind(fd, (struct sockaddr *)&a, sizeof(a)) != 0 ||
        getsockname(fd, (struct sockaddr *)&a, &alen) != 0) {
      close(fd);
      return -1;
    }
    if (pport != NULL) {
      *pport = ntohs(a.sin6_port);
    }
  } else {
    struct sockaddr_in a;
    socklen_t alen = sizeof(a);

    fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
      return -1;
    }
    memset(&a, 0, sizeof(a));
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(fd, (struct sockaddr *)&a, sizeof(a)) != 0 ||
        getsockname(fd, (struct sockaddr *)&a, &alen) != 0) {
      close(fd);
      return -1;
    }
    if (pport != NULL) {
      *pport = ntohs(a.sin_port);
    }
  }
  return fd;
}

int ts_free_udp_port(void) {
  uint16_t port = 0;
  int fd = ts_udp_open(GSCTP_FAMILY_INET, &port);

  if (fd < 0) {
    return -1;
  }
  close(fd);
  return port;
}

int ts_udp_send4(int fd, uint16_t port, const void *buf, size_t len) {
  struct sockaddr_in a;
  ssize_t n;

  memset(&a, 0, sizeof(a));
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = htons(port);
  n = sendto(fd, buf, len, 0, (struct sockaddr *)&a, sizeof(a));
  return n == (ssize_t)len ? 0 : -1;
}

ssize_t ts_udp_recv(int fd, void *buf, size_t buflen, int timeout_ms,
                    uint16_t *pfrom_port) {
  int64_t deadline = ts_now_ms() + timeout_ms;
  struct pollfd pfd;
  struct sockaddr_storage from;
  socklen_t fromlen;
  ssize_t n;
  int i, rc;

  for (i = 0; i < 100000; ++i) {
    pfd.fd = fd;
    pfd.events = POLLIN;
    pfd.revents = 0;
    rc = poll(&pfd, 1, remaining_ms(deadline));
    if (rc < 0 && errno == EINTR) {
      continue;
    }
    if (rc < 0) {
      return -1;
    }
    if (rc == 0) {
      return 0;
    }
    fromlen = sizeof(from);
    n = recvfrom(fd, buf, buflen, MSG_DONTWAIT, (struct sockaddr *)&from,
                 &fromlen);
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
      continue;
    }
    if (n < 0) {
      return -1;
    }
    if (pfrom_port != NULL) {
      if (from.ss_family == AF_INET6) {
        *pfrom_port = ntohs(((struct sockaddr_in6 *)&from)->sin6_port);
      } else {
        *pfrom_port = ntohs(((struct sockaddr_in *)&from)->sin_port);
      }
    }
    return n;
  }
  return 0;
}

/* ------------------------------------------------------------------ */
/* SCTP wire helpers                                                   */
/* ------------------------------------------------------------------ */

static uint32_t crc_table[256];
static pthread_once_t crc_once = PTHREAD_ONCE_INIT;

static void crc_init(void) {
  uint32_t i, j, c;

  for (i = 0; i < 256; ++i) {
    c = i;
    for (j = 0; j < 8; ++j) {
      c = (c & 1) ? (c >> 1) ^ 0x82F63B78u : c >> 1;
    }
    crc_table[i] = c;
  }
}

uint32_t ts_crc32c(const void *buf, size_t len) {
  const uint8_t *p = buf;
  uint32_t c = 0xFFFFFFFFu;
  size_t i;

  pthread_once(&crc_once, crc_init);
  for (i = 0; i < len; ++i) {
    c = crc_table[(c ^ p[i]) & 0xFF] ^ (c >> 8);
  }
  return c ^ 0xFFFFFFFFu;
}

static uint32_t sctp_sum(const uint8_t *pkt, size_t len) {
  uint8_t hdr[12];
  uint32_t c = 0xFFFFFFFFu;
  size_t i;

  /* The checksum is computed with the checksum field set to zero. */
  memcpy(hdr, pkt, 12);
  memset(hdr + 8, 0, 4);
  pthread_once(&crc_once, crc_init);
  for (i = 0; i < len; ++i) {
    uint8_t b = i < 12 ? hdr[i] : pkt[i];

    c = crc_table[(c ^ b) & 0xFF] ^ (c >> 8);
  }
  return c ^ 0xFFFFFFFFu;
}

void ts_sctp_set_checksum(uint8_t *pkt, size_t len) {
  uint32_t c;

  if (len < 12) {
    return;
  }
  c = sctp_sum(pkt, len);
  /* RFC 9260 appendix A: the CRC's least significant byte goes first. */
  pkt[8] = (uint8_t)c;
  pkt[9] = (uint8_t)(c >> 8);
  pkt[10] = (uint8_t)(c >> 16);
  pkt[11] = (uint8_t)(c >> 24);
}

int ts_sctp_checksum_ok(const uint8_t *pkt, size_t len) {
  uint32_t c, stored;

  if (len < 12) {
    return 0;
  }
  c = sctp_sum(pkt, len);
  stored = (uint32_t)pkt[8] | ((uint32_t)pkt[9] << 8) |
           ((uint32_t)pkt[10] << 16) | ((uint32_t)pkt[11] << 24);
  return c == stored;
}

size_t ts_sctp_build_init(uint8_t *buf, uint16_t sport, uint16_t dport,
                          uint32_t itag, uint32_t tsn) {
  memset(buf, 0, 32);
  /* Common header. */
  ts_put16(buf + 0, sport);
  ts_put16(buf + 2, dport);
  ts_put32(buf + 4, 0); /* INIT carries verification tag 0 */
  /* INIT chunk: type 1, flags 0, length 20. */
  buf[12] = 1;
  buf[13] = 0;
  ts_put16(buf + 14, 20);
  ts_put32(buf + 16, itag);  /* initiate tag */
  ts_put32(buf + 20, 65536); /* a_rwnd */
  ts_put16(buf + 24, 10);    /* outbound streams */
  ts_put16(buf + 26, 10);    /* max inbound streams */
  ts_put32(buf + 28, tsn);   /* initial TSN */
  ts_sctp_set_checksum(buf, 32);
  return 32;
}

/* ------------------------------------------------------------------ */
/* Threads and processes                                               */
/* ------------------------------------------------------------------ */

static void *thread_main(void *arg) {
  ts_thread *th = arg;

  th->rc = th->fn(th->arg);
  return NULL;
}

void ts_thread_start(ts_thread *th, int (*fn)(void *), void *arg) {
  int rc;

  memset(th, 0, sizeof(*th));
  th->fn = fn;
  th->arg = arg;
  rc = pthread_create(&th->tid, NULL, thread_main, th);
  cr_assert_eq(rc, 0, "pthread_create: %s", strerror(rc));
  th->started = 1;
}

int ts_thread_join(ts_thread *th, int timeout_ms, int *prc) {
  struct timespec ts;
  int rc;

  if (!th->started) {
    return GSCTP_EINVAL;
  }
  clock_gettime(CLOCK_REALTIME, &ts);
  ts.tv_sec += timeout_ms / 1000;
  ts.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
  if (ts.tv_nsec >= 1000000000L) {
    ts.tv_sec += 1;
    ts.tv_nsec -= 1000000000L;
  }
  rc = pthread_timedjoin_np(th->tid, NULL, &ts);
  if (rc == ETIMEDOUT) {
    return GSCTP_ETIMEOUT;
  }
  if (rc != 0) {
    return -rc;
  }
  th->started = 0;
  if (prc != NULL) {
    *prc = th->rc;
  }
  return 0;
}

pid_t ts_spawn(int (*fn)(void *), void *arg) {
  pid_t pid;

  fflush(stdout);
  fflush(stderr);
  pid = fork();
  if (pid == 0) {
    int rc = fn(arg);

    _exit(rc & 0xff);
  }
  return pid;
}

int ts_wait_child(pid_t pid, int timeout_ms, int *pstatus) {
  int64_t deadline = ts_now_ms() + timeout_ms;
  int status = 0;
  long i;
  pid_t r;

  for (i = 0; i < 10000000L; ++i) {
    r = waitpid(pid, &status, WNOHANG);
    if (r == pid) {
      if (pstatus != NULL) {
        *pstatus = status;
      }
      return 0;
    }
    if (r < 0 && errno != EINTR) {
      return -errno;
    }
    if (remaining_ms(deadline) == 0) {
      break;
    }
    ts_sleep_ms(10);
  }
  kill(pid, SIGKILL);
  for (i = 0; i < 1000; ++i) {
    r = waitpid(pid, &status, 0);
    if (r == pid || (r < 0 && errno != EINTR)) {
      break;
    }
  }
  if (pstatus != NULL) {
    *pstatus = status;
  }
  return GSCTP_ETIMEOUT;
}

int ts_write_full(int fd, const void *buf, size_t len) {
  const uint8_t *p = buf;
  size_t off = 0;
  ssize_t n;
  int i;

  for (i = 0; off < len && i < 100000; ++i) {
    n = write(fd, p + off, len - off);
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n <= 0) {
      return -1;
    }
    off += (size_t)n;
  }
  return off == len ? 0 : -1;
}

int ts_read_full(int fd, void *buf, size_t len, int timeout_ms) {
  int64_t deadline = ts_now_ms() + timeout_ms;
  uint8_t *p = buf;
  size_t off = 0;
  struct pollfd pfd;
  ssize_t n;
  int i, rc;

  for (i = 0; off < len && i < 100000; ++i) {
    pfd.fd = fd;
    pfd.events = POLLIN;
    pfd.revents = 0;
    rc = poll(&pfd, 1, remaining_ms(deadline));
    if (rc < 0 && errno == EINTR) {
      continue;
    }
    if (rc < 0) {
      return -1;
    }
    if (rc == 0) {
      return GSCTP_ETIMEOUT;
    }
    n = read(fd, p + off, len - off);
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n <= 0) {
      return -1;
    }
    off += (size_t)n;
  }
  return off == len ? 0 : -1;
}

int ts_have_ipv6_loopback(void) {
  FILE *f = fopen("/proc/net/if_inet6", "r");
  char line[256];
  int found = 0, i;

  if (f == NULL) {
    return 0;
  }
  for (i = 0; i < 10000 && fgets(line, sizeof(line), f) != NULL; ++i) {
    if (strncmp(line, "00000000000000000000000000000001", 32) == 0) {
      found = 1;
      break;
    }
  }
  fclose(f);
  return found;
}

/* ---- child processes ---- */

void ts_proc_start(ts_proc *p, char *const argv[]) {
  int fds[2];

  memset(p, 0, sizeof(*p));
  cr_assert_eq(pipe(fds), 0);
  p->pid = fork();
  cr_assert_geq(p->pid, 0, "fork: %s", strerror(errno));
  if (p->pid == 0) {
    dup2(fds[1], 1);
    dup2(fds[1], 2);
    close(fds[0]);
    close(fds[1]);
    execv(argv[0], argv);
    fprintf(stderr, "exec %s: %s\n", argv[0], strerror(errno));
    _exit(127);
  }
  close(fds[1]);
  p->fd = fds[0];
}

/* Read what |p| printed until |needle| appears or |timeout_ms| passes.
 * Returns 1 if it appeared. */
int ts_proc_wait_for(ts_proc *p, const char *needle, int timeout_ms) {
  int64_t end = ts_now_ms() + timeout_ms;

  for (;;) {
    struct pollfd pfd = {p->fd, POLLIN, 0};
    int64_t left = end - ts_now_ms();
    ssize_t n;

    p->out[p->len] = '\0';
    if (strstr(p->out, needle) != NULL) {
      return 1;
    }
    if (left <= 0 || p->len + 1 >= sizeof(p->out)) {
      return 0;
    }
    if (poll(&pfd, 1, (int)left) <= 0) {
      continue;
    }
    n = read(p->fd, p->out + p->len, sizeof(p->out) - 1 - p->len);
    if (n <= 0) {
      p->out[p->len] = '\0';
      return strstr(p->out, needle) != NULL;
    }
    p->len += (size_t)n;
  }
}

/* Wait for |p| to exit (reading its output); returns its exit status, or
 * -1 if it was killed or had to be killed. */
int ts_proc_exit(ts_proc *p, int timeout_ms) {
  int status = 0;

  (void)ts_proc_wait_for(p, "\x01never\x01", timeout_ms / 2);
  if (ts_wait_child(p->pid, timeout_ms / 2, &status) != 0) {
    close(p->fd);
    return -1;
  }
  (void)ts_proc_wait_for(p, "\x01never\x01", 100);
  close(p->fd);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}
