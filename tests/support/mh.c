/*
 * tests/support/mh.c - multi-homing scenarios between two processes in
 * two network namespaces (see mh.h).
 *
 * The peer (side B) is forked before this process starts its stack
 * (usrsctp's threads do not survive fork), enters namespace B, starts
 * its own stack there and listens on both of its addresses.  It then
 * loops, bounded in time: commands from the socketpair, items from its
 * socket, each item written back as an mh_ev report.
 */
#ifndef _GNU_SOURCE
#  define _GNU_SOURCE
#endif
#include "mh.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* The peer gives up after this long, whatever happens. */
#define PEER_MAX_MS (15 * 60 * 1000)
#define MSG_MAX 2048

int64_t mh_now_ms(void) {
  struct timespec ts;

  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void sleep_ms(int ms) {
  struct timespec req = {ms / 1000, (long)(ms % 1000) * 1000000L}, rem;
  int i;

  for (i = 0; i < 100 && nanosleep(&req, &rem) != 0 && errno == EINTR; ++i) {
    req = rem;
  }
}

static void cfg_base(mh_cfg *cfg, int family, int transport) {
  memset(cfg, 0, sizeof(*cfg));
  cfg->family = family;
  cfg->pathfam[0] = family;
  cfg->pathfam[1] = family;
  cfg->transport = transport;
}

void mh_cfg_tuned(mh_cfg *cfg, int family, int transport) {
  cfg_base(cfg, family, transport);
  cfg->rto_initial = 200;
  cfg->rto_min = 100;
  cfg->rto_max = 400;
  cfg->hbinterval = 200;
  cfg->pathmaxrxt = 2;
  cfg->asocmaxrxt = 20;
}

void mh_cfg_default(mh_cfg *cfg, int family, int transport) {
  cfg_base(cfg, family, transport);
}

gsctp_ip mh_ip(const mh_run *run, int side, int path) {
  return tn_ip(run->cfg.pathfam[path == 2 ? 1 : 0], side, path);
}

static int ip_eq(const gsctp_ip *a, const gsctp_ip *b) {
  gsctp_ip x = *a;

  /* An IPv4 address seen through an inet6 socket may come mapped. */
  if (x.family == GSCTP_FAMILY_INET6 && b->family == GSCTP_FAMILY_INET) {
    static const uint8_t pre[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    if (memcmp(x.u.v6, pre, 12) == 0) {
      return memcmp(x.u.v6 + 12, b->u.v4, 4) == 0;
    }
  }
  return gsctp_ip_equal(&x, b);
}

/* Options both sides open with. */
static size_t side_opts(const mh_run *run, int side, gsctp_opt *o) {
  const mh_cfg *c = &run->cfg;
  size_t n = 0;

  memset(o, 0, 16 * sizeof(*o));
  o[n].name = GSCTP_OPT_FAMILY;
  o[n++].v.i = c->family;
  if (c->transport != GSCTP_TRANSPORT_UDP) {
    o[n].name = GSCTP_OPT_TRANSPORT;
    o[n++].v.i = c->transport;
  } else {
    o[n].name = GSCTP_OPT_UDP_PORT; /* a free port in the namespace */
    o[n++].v.i = 0;
  }
  o[n].name = GSCTP_OPT_IP;
  o[n++].v.ip = mh_ip(run, side, 1);
  o[n].name = GSCTP_OPT_IP;
  o[n++].v.ip = mh_ip(run, side, 2);
  o[n].name = GSCTP_OPT_SCTP_NODELAY;
  o[n++].v.i = 1;
  if (c->rto_initial || c->rto_min || c->rto_max) {
    o[n].name = GSCTP_OPT_SCTP_RTOINFO;
    o[n].v.rtoinfo = (gsctp_rtoinfo)GSCTP_RTOINFO_INIT;
    o[n].v.rtoinfo.assoc_id = 0;
    o[n].v.rtoinfo.initial = c->rto_initial;
    o[n].v.rtoinfo.min = c->rto_min;
    o[n++].v.rtoinfo.max = c->rto_max;
  }
  if (c->hbinterval || c->pathmaxrxt) {
    o[n].name = GSCTP_OPT_SCTP_PEER_ADDR_PARAMS;
    o[n].v.paddrparams = (gsctp_paddrparams)GSCTP_PADDRPARAMS_INIT;
    o[n].v.paddrparams.assoc_id = 0;
    o[n].v.paddrparams.hbinterval = c->hbinterval;
    o[n].v.paddrparams.pathmaxrxt = c->pathmaxrxt;
    o[n++].v.paddrparams.flags = GSCTP_SPP_HB_ENABLE;
  }
  if (c->asocmaxrxt) {
    o[n].name = GSCTP_OPT_SCTP_ASSOCINFO;
    o[n].v.assocparams = (gsctp_assocparams)GSCTP_ASSOCPARAMS_INIT;
    o[n].v.assocparams.assoc_id = 0;
    o[n++].v.assocparams.asocmaxrxt = c->asocmaxrxt;
  }
  return n;
}

/* ------------------------------------------------------------------ */
/* The peer (side B)                                                   */
/* ------------------------------------------------------------------ */

static int report(int fd, mh_ev *e) {
  const char *p = (const char *)e;
  size_t off = 0;
  int i;

  e->side = TN_B;
  e->t_ms = mh_now_ms();
  for (i = 0; i < 10000 && off < sizeof(*e); ++i) {
    ssize_t n = write(fd, p + off, sizeof(*e) - off);
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n <= 0) {
      return -1;
    }
    off += (size_t)n;
  }
  return off == sizeof(*e) ? 0 : -1;
}

static int peer_fail(int fd, int step, int rc) {
  mh_ev e;

  memset(&e, 0, sizeof(e));
  e.kind = MH_ERROR;
  e.a = step;
  e.b = rc;
  (void)report(fd, &e);
  fprintf(stderr, "mh peer: step %d: %s %s\n", step, gsctp_err_name(rc),
          gsctp_error_detail());
  return step;
}

/* Items on the peer's socket become reports. */
static void item_to_ev(const gsctp_item *it, int side, mh_ev *e) {
  memset(e, 0, sizeof(*e));
  e->side = side;
  e->addr[0] = it->from;
  if (!it->is_event) {
    e->kind = MH_DATA;
    e->a = it->datalen >= 4
             ? (int32_t)(((uint32_t)it->data[0] << 24) |
                         ((uint32_t)it->data[1] << 16) |
                         ((uint32_t)it->data[2] << 8) | it->data[3])
             : -1;
    e->assoc = it->has_anc ? (uint32_t)it->anc.assoc_id : 0;
  } else if (it->event.type == GSCTP_EV_ASSOC_CHANGE) {
    e->kind = MH_ASSOC;
    e->a = it->event.u.assoc_change.state;
    e->assoc = it->event.u.assoc_change.assoc_id;
  } else if (it->event.type == GSCTP_EV_PADDR_CHANGE) {
    e->kind = MH_PADDR;
    e->a = it->event.u.paddr_change.state;
    e->b = (int32_t)it->event.u.paddr_change.error;
    e->assoc = it->event.u.paddr_change.assoc_id;
    e->addr[0] = it->event.u.paddr_change.addr;
  } else {
    e->kind = MH_OTHER;
    e->a = it->event.type;
  }
}

static void peer_cmd(int fd, gsctp_sock s, uint32_t assoc, uint16_t aport,
                     const mh_run *run, const mh_ev *cmd) {
  mh_ev e;
  size_t n = 0, i;
  gsctp_opt o;
  int rc;

  memset(&e, 0, sizeof(e));
  e.assoc = assoc;
  if (cmd->kind == MH_NAMES) {
    gsctp_addr a[4];

    e.kind = MH_NAMES;
    rc = gsctp_socknames(s, assoc, a, 4, &n);
    e.a = rc == 0 ? (int32_t)n : rc;
    for (i = 0; rc == 0 && i < n && i < 4; ++i) {
      e.addr[i] = a[i];
    }
    rc = gsctp_peernames(s, assoc, a, 4, &n);
    e.b = rc == 0 ? (int32_t)n : rc;
    for (i = 0; rc == 0 && i < n && i < 4; ++i) {
      e.addr[4 + i] = a[i];
    }
  } else if (cmd->kind == MH_PRIM) {
    memset(&o, 0, sizeof(o));
    e.kind = MH_PRIM;
    e.b = cmd->a;
    if (cmd->a == 0) {
      o.name = GSCTP_OPT_SCTP_PRIMARY_ADDR;
      o.v.prim.assoc_id = assoc;
      o.v.prim.addr.ip = mh_ip(run, TN_A, cmd->b);
      o.v.prim.addr.port = aport;
    } else {
      o.name = GSCTP_OPT_SCTP_SET_PEER_PRIMARY_ADDR;
      o.v.setpeerprim.assoc_id = assoc;
      o.v.setpeerprim.addr.ip = mh_ip(run, TN_B, cmd->b);
      o.v.setpeerprim.addr.port = (uint16_t)gsctp_port(s);
    }
    e.a = gsctp_setopts(s, &o, 1);
  } else if (cmd->kind == MH_OTHER) {
    /* Heartbeats off on every path (a == 0) or interval a. */
    memset(&o, 0, sizeof(o));
    o.name = GSCTP_OPT_SCTP_PEER_ADDR_PARAMS;
    o.v.paddrparams = (gsctp_paddrparams)GSCTP_PADDRPARAMS_INIT;
    o.v.paddrparams.assoc_id = assoc;
    if (cmd->a == 0) {
      o.v.paddrparams.flags = GSCTP_SPP_HB_DISABLE;
    } else {
      o.v.paddrparams.hbinterval = cmd->a;
      o.v.paddrparams.flags = GSCTP_SPP_HB_ENABLE;
    }
    e.kind = MH_PRIM;
    e.b = 2;
    e.a = gsctp_setopts(s, &o, 1);
  } else {
    return;
  }
  (void)report(fd, &e);
}

static int peer_main(mh_run *run, int fd) {
  gsctp_opt o[16];
  gsctp_sock s = 0;
  int64_t end = mh_now_ms() + PEER_MAX_MS;
  uint32_t assoc = 0;
  uint16_t aport = 0;
  size_t n;
  mh_ev e;
  long i;
  int rc;

  if (tn_enter(&run->net, TN_B) != 0) {
    return peer_fail(fd, 1, GSCTP_EPERM);
  }
  n = side_opts(run, TN_B, o);
  rc = gsctp_open(&s, o, n);
  if (rc != 0) {
    return peer_fail(fd, 2, rc);
  }
  rc = gsctp_listen(s, GSCTP_LISTEN_TRUE);
  if (rc != 0) {
    return peer_fail(fd, 3, rc);
  }
  memset(&e, 0, sizeof(e));
  e.kind = MH_READY;
  e.a = gsctp_stack_udp_port();
  e.b = gsctp_port(s);
  if (report(fd, &e) != 0) {
    return 4;
  }
  for (i = 0; i < 100000000L && mh_now_ms() < end; ++i) {
    struct pollfd p = {fd, POLLIN, 0};
    gsctp_item it;

    if (poll(&p, 1, 0) == 1) {
      mh_ev cmd;
      if (read(fd, &cmd, sizeof(cmd)) != (ssize_t)sizeof(cmd) ||
          cmd.kind == MH_DONE) {
        break;
      }
      peer_cmd(fd, s, assoc, aport, run, &cmd);
    }
    rc = gsctp_recv(s, 5, &it);
    if (rc == GSCTP_ETIMEOUT) {
      continue;
    }
    if (rc != 0 && rc != GSCTP_ESCTP_ERROR) {
      return peer_fail(fd, 5, rc);
    }
    item_to_ev(&it, TN_B, &e);
    if (e.kind == MH_ASSOC && e.a == GSCTP_COMM_UP) {
      assoc = e.assoc;
      aport = it.from.port;
    }
    gsctp_item_free(&it);
    if (report(fd, &e) != 0) {
      break;
    }
  }
  memset(&e, 0, sizeof(e));
  e.kind = MH_DONE;
  (void)report(fd, &e);
  gsctp_close(s);
  return 0;
}

/* ------------------------------------------------------------------ */
/* Our side (A)                                                        */
/* ------------------------------------------------------------------ */

static void log_add(mh_run *run, const mh_ev *e) {
  if (run->nlog == run->caplog) {
    size_t cap = run->caplog ? run->caplog * 2 : 1024;
    mh_ev *p = realloc(run->log, cap * sizeof(*p));
    if (p == NULL) {
      return; /* the entry is lost; checks will then fail */
    }
    run->log = p;
    run->caplog = cap;
  }
  run->log[run->nlog++] = *e;
}

int mh_pump(mh_run *run, int timeout_ms) {
  int64_t end = mh_now_ms() + timeout_ms;
  int added = 0, gone = 0;
  long i;

  for (i = 0; i < 1000000L; ++i) {
    int got = 0;
    struct pollfd p = {run->fd, POLLIN, 0};

    while (run->fd >= 0 && !gone && poll(&p, 1, 0) == 1 && got < 10000) {
      mh_ev e;
      if ((p.revents & POLLIN) == 0 ||
          read(run->fd, &e, sizeof(e)) != (ssize_t)sizeof(e)) {
        gone = 1;
        break;
      }
      log_add(run, &e);
      ++got;
    }
    while (run->sock != 0 && got < 20000) {
      gsctp_item it;
      mh_ev e;
      int rc = gsctp_recv(run->sock, 0, &it);

      if (rc != 0 && rc != GSCTP_ESCTP_ERROR) {
        break;
      }
      item_to_ev(&it, TN_A, &e);
      e.t_ms = mh_now_ms();
      gsctp_item_free(&it);
      log_add(run, &e);
      ++got;
    }
    added += got;
    if (gone || mh_now_ms() >= end) {
      break;
    }
    if (got == 0) {
      struct pollfd q = {run->fd, POLLIN, 0};
      int64_t left = end - mh_now_ms();
      (void)poll(&q, run->fd >= 0 ? 1 : 0, left > 2 ? 2 : (int)left);
    }
  }
  return gone && added == 0 ? -1 : added;
}

long mh_find(const mh_run *run, size_t from, int side, int kind, int a,
             const gsctp_ip *addr) {
  size_t i;

  for (i = from; i < run->nlog; ++i) {
    const mh_ev *e = &run->log[i];
    if (e->side == side && e->kind == kind && (a < 0 || e->a == a) &&
        (addr == NULL || ip_eq(&e->addr[0].ip, addr))) {
      return (long)i;
    }
  }
  return -1;
}

long mh_wait(mh_run *run, size_t from, int side, int kind, int a,
             const gsctp_ip *addr, int timeout_ms) {
  int64_t end = mh_now_ms() + timeout_ms;
  long i, k;

  for (k = 0; k < 10000000L; ++k) {
    i = mh_find(run, from, side, kind, a, addr);
    if (i >= 0) {
      return i;
    }
    if (mh_now_ms() >= end || mh_pump(run, 10) < 0) {
      return mh_find(run, from, side, kind, a, addr);
    }
  }
  return -1;
}

/* tcpdump on the peer's interfaces when $GSCTP_MH_PCAP_DIR is set. */
static void start_captures(mh_run *run) {
  const char *dir = getenv("GSCTP_MH_PCAP_DIR");
  int path;

  for (path = 1; dir != NULL && dir[0] != 0 && path <= 2; ++path) {
    char file[512];
    pid_t pid;

    snprintf(file, sizeof(file), "%s/path%d.pcap", dir, path);
    fflush(stdout);
    fflush(stderr);
    pid = fork();
    if (pid == 0) {
      int fd = open("/dev/null", O_RDWR);
      if (fd >= 0) {
        dup2(fd, 1);
        dup2(fd, 2);
      }
      if (tn_enter(&run->net, TN_B) == 0) {
        execlp("tcpdump", "tcpdump", "--immediate-mode", "-i",
               tn_ifname(TN_B, path), "-U", "-w", file, (char *)NULL);
      }
      _exit(127);
    }
    run->cap[path - 1] = pid;
  }
  for (path = 1; dir != NULL && dir[0] != 0 && path <= 2; ++path) {
    /* tcpdump writes the file header once it captures: wait for it
     * (bounded), then a little more. */
    char file[512];
    struct stat st;
    int i;

    snprintf(file, sizeof(file), "%s/path%d.pcap", dir, path);
    for (i = 0; i < 500 && (stat(file, &st) != 0 || st.st_size < 24); ++i) {
      sleep_ms(10);
    }
    sleep_ms(200);
  }
}

static void stop_captures(mh_run *run) {
  int path;

  for (path = 0; path < 2; ++path) {
    if (run->cap[path] > 0) {
      int st, i;
      kill(run->cap[path], SIGINT);
      for (i = 0; i < 300 && waitpid(run->cap[path], &st, WNOHANG) == 0; ++i) {
        sleep_ms(10);
      }
      if (i == 300) {
        kill(run->cap[path], SIGKILL);
        (void)waitpid(run->cap[path], &st, 0);
      }
      run->cap[path] = -1;
    }
  }
}

int mh_start(mh_run *run, const mh_cfg *cfg) {
  int sp[2];
  long i;

  memset(run, 0, sizeof(*run));
  run->peer = -1;
  run->fd = -1;
  run->cap[0] = run->cap[1] = -1;
  run->cfg = *cfg;
  if (!tn_available(run->why, sizeof(run->why))) {
    return -1;
  }
  if (tn_create(&run->net, run->why, sizeof(run->why)) != 0) {
    return -1;
  }
  start_captures(run);
  if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sp) != 0) {
    snprintf(run->why, sizeof(run->why), "socketpair: %s", strerror(errno));
    return -1;
  }
  fflush(stdout);
  fflush(stderr);
  run->peer = fork();
  if (run->peer < 0) {
    snprintf(run->why, sizeof(run->why), "fork: %s", strerror(errno));
    close(sp[0]);
    close(sp[1]);
    return -1;
  }
  if (run->peer == 0) {
    close(sp[0]);
    _exit(peer_main(run, sp[1]) & 0xff);
  }
  close(sp[1]);
  run->fd = sp[0];
  i = mh_wait(run, 0, TN_B, MH_READY, -1, NULL, 20000);
  if (i < 0) {
    long err = mh_find(run, 0, TN_B, MH_ERROR, -1, NULL);
    if (err >= 0) {
      snprintf(run->why, sizeof(run->why),
               "the peer failed at step %d (%s): %s", run->log[err].a,
               run->log[err].a == 2 ? "open" : "setup",
               gsctp_err_name(run->log[err].b));
    } else {
      snprintf(run->why, sizeof(run->why), "the peer did not get ready");
    }
    return -1;
  }
  run->b_udp = run->log[i].a;
  run->b_port = run->log[i].b;
  return 0;
}

int mh_open_a(mh_run *run, const gsctp_opt *extra, size_t nextra) {
  gsctp_opt o[32];
  size_t n = side_opts(run, TN_A, o), i;
  int rc;

  o[n].name = GSCTP_OPT_NETNS;
  o[n++].v.str = run->net.path[TN_A];
  o[n].name = GSCTP_OPT_NON_BLOCK_SEND;
  o[n++].v.i = 1;
  if (run->cfg.transport == GSCTP_TRANSPORT_UDP) {
    o[n].name = GSCTP_OPT_UDP_REMOTE_PORT;
    o[n++].v.i = run->b_udp;
  }
  for (i = 0; i < nextra && n < 32; ++i) {
    o[n++] = extra[i];
  }
  rc = gsctp_open(&run->sock, o, n);
  if (rc != 0) {
    run->sock = 0;
    snprintf(run->why, sizeof(run->why), "open in %s: %s %s",
             run->net.name[TN_A], gsctp_err_name(rc), gsctp_error_detail());
  }
  return rc;
}

int mh_paddrinfo(mh_run *run, int path, gsctp_paddrinfo *pinfo) {
  gsctp_opt q;
  size_t n = 0;
  int rc;

  memset(&q, 0, sizeof(q));
  q.name = GSCTP_OPT_SCTP_GET_PEER_ADDR_INFO;
  q.v.paddrinfo.assoc_id = run->assoc;
  q.v.paddrinfo.address.ip = mh_ip(run, TN_B, path);
  q.v.paddrinfo.address.port = (uint16_t)run->b_port;
  rc = gsctp_getopts(run->sock, &q, 1, &n);
  if (rc != 0) {
    return rc;
  }
  if (n != 1) {
    return GSCTP_EINVAL;
  }
  *pinfo = q.v.paddrinfo;
  return 0;
}

int mh_connect(mh_run *run, int nips, int timeout_ms) {
  int64_t end = mh_now_ms() + timeout_ms;
  gsctp_ip ips[2] = {mh_ip(run, TN_B, 1), mh_ip(run, TN_B, 2)};
  gsctp_ip a2 = mh_ip(run, TN_A, 2);
  int rc, path, k;

  if (nips == 1) {
    gsctp_assoc_change up;
    rc =
      gsctp_connect(run->sock, &ips[0], run->b_port, NULL, 0, timeout_ms, &up);
    if (rc != 0) {
      snprintf(run->why, sizeof(run->why), "connect: %s %s", gsctp_err_name(rc),
               gsctp_error_detail());
      return -1;
    }
    run->assoc = up.assoc_id;
  } else {
    long i;
    rc =
      gsctp_connectx_init(run->sock, ips, 2, run->b_port, NULL, 0, &run->assoc);
    if (rc != 0) {
      snprintf(run->why, sizeof(run->why), "connectx_init: %s %s",
               gsctp_err_name(rc), gsctp_error_detail());
      return -1;
    }
    i = mh_wait(run, 0, TN_A, MH_ASSOC, -1, NULL, timeout_ms);
    if (i < 0 || run->log[i].a != GSCTP_COMM_UP) {
      snprintf(run->why, sizeof(run->why), "connectx_init: no comm_up");
      return -1;
    }
    run->assoc = run->log[i].assoc;
  }
  if (mh_wait(run, 0, TN_B, MH_ASSOC, GSCTP_COMM_UP, NULL, timeout_ms) < 0) {
    snprintf(run->why, sizeof(run->why), "the peer saw no comm_up");
    return -1;
  }
  /* Both of the peer's addresses confirmed here (an unconfirmed path is
   * never used for data), and ours at the peer. */
  for (k = 0; k < 100000; ++k) {
    int ok = 1;
    for (path = 1; path <= 2; ++path) {
      gsctp_paddrinfo pi;
      if (mh_paddrinfo(run, path, &pi) != 0 || pi.state != GSCTP_PADDR_ACTIVE) {
        ok = 0;
      }
    }
    if (ok && mh_find(run, 0, TN_B, MH_PADDR, GSCTP_ADDR_CONFIRMED, &a2) >= 0) {
      return 0;
    }
    if (mh_now_ms() >= end) {
      break;
    }
    (void)mh_pump(run, 20);
  }
  snprintf(run->why, sizeof(run->why),
           "both paths were not confirmed on both sides in %d ms", timeout_ms);
  return -1;
}

int mh_send_seq(mh_run *run, uint32_t seq, size_t len) {
  uint8_t buf[MSG_MAX];

  if (len < 4) {
    len = 4;
  }
  if (len > sizeof(buf)) {
    len = sizeof(buf);
  }
  memset(buf, 0x5a, len);
  buf[0] = (uint8_t)(seq >> 24);
  buf[1] = (uint8_t)(seq >> 16);
  buf[2] = (uint8_t)(seq >> 8);
  buf[3] = (uint8_t)seq;
  return gsctp_send(run->sock, run->assoc, 0, buf, len);
}

int mh_cmd(mh_run *run, int kind, int a, int b) {
  mh_ev e;

  memset(&e, 0, sizeof(e));
  e.kind = kind;
  e.a = a;
  e.b = b;
  if (run->fd < 0 || write(run->fd, &e, sizeof(e)) != (ssize_t)sizeof(e)) {
    return -1;
  }
  return 0;
}

void mh_stop(mh_run *run) {
  if (run->fd >= 0) {
    (void)mh_cmd(run, MH_DONE, 0, 0);
  }
  if (run->peer > 0) {
    int st, i;
    for (i = 0; i < 300 && waitpid(run->peer, &st, WNOHANG) == 0; ++i) {
      if (run->fd >= 0) {
        (void)mh_pump(run, 0);
      }
      sleep_ms(10);
    }
    if (i == 300) {
      kill(run->peer, SIGKILL);
      (void)waitpid(run->peer, &st, 0);
    }
    run->peer = -1;
  }
  if (run->fd >= 0) {
    close(run->fd);
    run->fd = -1;
  }
  if (run->sock != 0) {
    gsctp_close(run->sock);
    run->sock = 0;
  }
  stop_captures(run);
  tn_destroy(&run->net);
  free(run->log);
  run->log = NULL;
  run->nlog = run->caplog = 0;
}

static const char *kind_name(int k) {
  static const char *n[] = {"?",     "ready", "assoc", "paddr", "data",
                            "other", "names", "error", "done",  "prim"};
  return k >= 0 && k <= MH_PRIM ? n[k] : "?";
}

static const char *paddr_name(int s) {
  static const char *n[] = {
    "?",          "addr_available", "addr_unreachable", "addr_removed",
    "addr_added", "addr_made_prim", "addr_confirmed"};
  return s >= 0 && s <= 6 ? n[s] : "?";
}

char *mh_ev_str(const mh_ev *e, int64_t t0, char *buf, size_t buflen) {
  char ip[GSCTP_IP_STRLEN];

  gsctp_ip_format(&e->addr[0].ip, ip, sizeof(ip));
  if (e->kind == MH_PADDR) {
    snprintf(buf, buflen, "%7lld ms %c paddr %s %s", (long long)(e->t_ms - t0),
             e->side ? 'B' : 'A', paddr_name(e->a), ip);
  } else if (e->kind == MH_DATA) {
    snprintf(buf, buflen, "%7lld ms %c data #%d from %s",
             (long long)(e->t_ms - t0), e->side ? 'B' : 'A', e->a, ip);
  } else {
    snprintf(buf, buflen, "%7lld ms %c %s a=%d b=%d", (long long)(e->t_ms - t0),
             e->side ? 'B' : 'A', kind_name(e->kind), e->a, e->b);
  }
  return buf;
}

void mh_dump(const mh_run *run, int64_t t0) {
  size_t i;
  int data_run = 0;

  for (i = 0; i < run->nlog; ++i) {
    char b[160];
    /* Data in long runs: first and last of each run only. */
    if (run->log[i].kind == MH_DATA && i > 0 &&
        (run->log[i - 1].kind != MH_DATA ||
         !ip_eq(&run->log[i - 1].addr[0].ip, &run->log[i].addr[0].ip))) {
      data_run = 0; /* a new run starts here */
    }
    if (run->log[i].kind == MH_DATA && i + 1 < run->nlog &&
        run->log[i + 1].kind == MH_DATA && data_run > 0 &&
        ip_eq(&run->log[i + 1].addr[0].ip, &run->log[i].addr[0].ip)) {
      ++data_run;
      continue;
    }
    data_run = run->log[i].kind == MH_DATA ? data_run + 1 : 0;
    fprintf(stderr, "  %s\n", mh_ev_str(&run->log[i], t0, b, sizeof(b)));
  }
}

/* ------------------------------------------------------------------ */
/* Failover                                                            */
/* ------------------------------------------------------------------ */

typedef struct sender {
  uint32_t seq;
  int64_t next;
  int gap;
  int rc;
} sender;

/* Sends due messages and pumps for at most |ms|. */
static int send_step(mh_run *run, sender *s, int ms) {
  int64_t now = mh_now_ms();
  int left;

  if (now >= s->next) {
    int rc = mh_send_seq(run, s->seq, 100);
    if (rc == 0) {
      s->seq++;
    } else if (rc != GSCTP_EAGAIN) {
      s->rc = rc;
      return -1;
    }
    s->next = now + s->gap;
  }
  left = (int)(s->next - mh_now_ms());
  if (left > ms) {
    left = ms;
  }
  return mh_pump(run, left > 0 ? left : 0) < 0 ? -1 : 0;
}

static int send_for(mh_run *run, sender *s, int ms) {
  int64_t end = mh_now_ms() + ms;
  long k;

  for (k = 0; k < 10000000L && mh_now_ms() < end; ++k) {
    if (send_step(run, s, (int)(end - mh_now_ms())) != 0) {
      return -1;
    }
  }
  return 0;
}

static int64_t t_of(const mh_run *run, long i) {
  return i >= 0 ? run->log[i].t_ms : -1;
}

int mh_failover_run(mh_run *run, int side, int gap_ms, int phase_ms,
                    mh_failover *r) {
  gsctp_ip a1 = mh_ip(run, TN_A, 1), a2 = mh_ip(run, TN_A, 2);
  gsctp_ip b1 = mh_ip(run, TN_B, 1);
  sender s = {0, 0, gap_ms, 0};
  uint64_t tx1a, tx2a, tx1b, tx2b;
  size_t idown, iup, i;
  long ua = -1, ub = -1, alt = -1, va = -1, vb = -1, k;
  int64_t end, last = -1;
  uint32_t next = 0;

  memset(r, 0, sizeof(*r));
  r->t_first_alt = r->t_unreach_a = r->t_unreach_b = -1;
  r->t_avail_a = r->t_avail_b = -1;
  if (send_for(run, &s, 300) != 0) {
    goto send_failed;
  }
  (void)tn_counters(&run->net, TN_A, 1, NULL, &tx1a);
  (void)tn_counters(&run->net, TN_A, 2, NULL, &tx2a);
  idown = run->nlog;
  r->t_down = mh_now_ms();
  if (tn_link_set(&run->net, side, 1, 0) != 0) {
    snprintf(run->why, sizeof(run->why), "could not take the link down");
    return -1;
  }
  end = r->t_down + phase_ms;
  for (k = 0; k < 10000000L && mh_now_ms() < end; ++k) {
    if (send_step(run, &s, 10) != 0) {
      goto send_failed;
    }
    ua = mh_find(run, idown, TN_A, MH_PADDR, GSCTP_ADDR_UNREACHABLE, &b1);
    ub = mh_find(run, idown, TN_B, MH_PADDR, GSCTP_ADDR_UNREACHABLE, &a1);
    /* A report read after idown may describe a delivery just before
     * the link went down: the time decides. */
    for (alt = mh_find(run, idown, TN_B, MH_DATA, -1, &a2);
         alt >= 0 && run->log[alt].t_ms < r->t_down;
         alt = mh_find(run, (size_t)alt + 1, TN_B, MH_DATA, -1, &a2)) {
    }
    if (ua >= 0 && ub >= 0 && alt >= 0) {
      break;
    }
  }
  if (send_for(run, &s, 300) != 0) {
    goto send_failed;
  }
  (void)tn_counters(&run->net, TN_A, 1, NULL, &tx1b);
  (void)tn_counters(&run->net, TN_A, 2, NULL, &tx2b);
  r->tx1_down = tx1b - tx1a;
  r->tx2_down = tx2b - tx2a;
  iup = run->nlog;
  r->t_up = mh_now_ms();
  if (tn_link_set(&run->net, side, 1, 1) != 0) {
    snprintf(run->why, sizeof(run->why), "could not bring the link up");
    return -1;
  }
  end = r->t_up + phase_ms;
  for (k = 0; k < 10000000L && mh_now_ms() < end; ++k) {
    if (send_step(run, &s, 10) != 0) {
      goto send_failed;
    }
    va = mh_find(run, iup, TN_A, MH_PADDR, GSCTP_ADDR_AVAILABLE, &b1);
    vb = mh_find(run, iup, TN_B, MH_PADDR, GSCTP_ADDR_AVAILABLE, &a1);
    if (va >= 0 && vb >= 0) {
      break;
    }
  }
  (void)tn_counters(&run->net, TN_A, 1, NULL, &tx1a);
  (void)tn_counters(&run->net, TN_A, 2, NULL, &tx2a);
  if (send_for(run, &s, 500) != 0) {
    goto send_failed;
  }
  (void)tn_counters(&run->net, TN_A, 1, NULL, &tx1b);
  (void)tn_counters(&run->net, TN_A, 2, NULL, &tx2b);
  r->tx1_after = tx1b - tx1a;
  r->tx2_after = tx2b - tx2a;
  r->nsent = s.seq;
  if (s.seq > 0) {
    (void)mh_wait(run, iup, TN_B, MH_DATA, (int)(s.seq - 1), NULL,
                  phase_ms + 10000);
  }
  (void)mh_pump(run, 200); /* duplicates would show now */
  r->t_unreach_a = t_of(run, ua);
  r->t_unreach_b = t_of(run, ub);
  r->t_first_alt = t_of(run, alt);
  r->t_avail_a = t_of(run, va);
  r->t_avail_b = t_of(run, vb);
  for (i = 0; i < run->nlog; ++i) {
    const mh_ev *e = &run->log[i];
    if (e->side != TN_B || e->kind != MH_DATA) {
      continue;
    }
    r->ndelivered++;
    if ((uint32_t)e->a != next) {
      r->nbad++;
    } else {
      next++;
    }
    if (e->t_ms >= r->t_down) {
      int64_t from = last > r->t_down ? last : r->t_down;
      if (e->t_ms - from > r->max_gap) {
        r->max_gap = e->t_ms - from;
      }
    }
    last = e->t_ms;
    if (va >= 0 && e->t_ms > r->t_avail_a) {
      if (ip_eq(&e->addr[0].ip, &a1)) {
        r->after_up_p1++;
      } else if (ip_eq(&e->addr[0].ip, &a2)) {
        r->after_up_p2++;
      }
    }
  }
  if (r->ndelivered != r->nsent || r->nbad != 0) {
    snprintf(run->why, sizeof(run->why),
             "%u messages sent, %u delivered, %u out of order or twice",
             r->nsent, r->ndelivered, r->nbad);
    return -1;
  }
  if (ua < 0 || ub < 0) {
    snprintf(run->why, sizeof(run->why),
             "addr_unreachable for path 1 not seen within %d ms (by us: %s, "
             "by the peer: %s)",
             phase_ms, ua >= 0 ? "yes" : "no", ub >= 0 ? "yes" : "no");
    return -1;
  }
  return 0;

send_failed:
  snprintf(run->why, sizeof(run->why), "send #%u failed: %s", s.seq,
           gsctp_err_name(s.rc));
  return -1;
}
