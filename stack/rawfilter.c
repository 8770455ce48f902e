/*
 * rawfilter.c - keeps each stack to its own raw SCTP packets
 * (rawfilter.h says why).
 *
 * Finding usrsctp's raw sockets: usrsctp keeps them in private globals,
 * so the descriptors open before usrsctp_init are listed from
 * /proc/self/fd and compared with those open after it; a new descriptor
 * that is a SOCK_RAW socket of protocol 132 (IPPROTO_SCTP) is one of
 * usrsctp's (it opens one per family, and nothing else in the process
 * opens raw SCTP sockets).
 *
 * The filter is a classic BPF program (SO_ATTACH_FILTER), one per
 * family, because the two raw socket families deliver different bytes:
 *
 *   IPv4 raw sockets deliver the IP header: the SCTP destination port is
 *   at 4 * IHL + 2 (IHL = low nibble of byte 0; options make it vary).
 *   The kernel reassembles fragments before raw delivery, so the SCTP
 *   header is always there.
 *   IPv6 raw sockets deliver the payload only (RFC 3542 3.), here the
 *   SCTP common header: the port is at offset 2.
 *
 * Program: load the port, then for each accepted port
 * "jeq #port, next, skip; ret #-1", and "ret #0" at the end.  A packet
 * too short for the load is dropped by the kernel (the load fails).  With
 * more ports than a program may hold (BPF_MAXINSNS), the filter accepts
 * every packet: no isolation rather than a stack that loses its own
 * packets.  SO_ATTACH_FILTER replaces the previous program atomically.
 */
#include "rawfilter.h"

#include <dirent.h>
#include <errno.h>
#include <linux/filter.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "gsctp/err.h"

#define MAX_RAW 4
/* 2 instructions of load + 1 final ret + 2 per port. */
#define MAX_PORTS ((BPF_MAXINSNS - 3) / 2)

struct port_ref {
  uint16_t port;
  uint32_t refs;
  int64_t until_ms; /* refs == 0: accepted until then */
};

static pthread_mutex_t g_mu = PTHREAD_MUTEX_INITIALIZER;
static int *g_before; /* descriptors open before usrsctp_init (sorted) */
static size_t g_nbefore;
static int g_raw_fd[MAX_RAW];
static int g_raw_af[MAX_RAW];
static int g_nraw;
static int g_disabled; /* $GSCTP_RAW_FILTER=0 */
static struct port_ref *g_ports;
static size_t g_nports, g_capports;
/* The programs last built, per family (for gsctp_rawfilter_accepts). */
static struct sock_filter g_prog4[BPF_MAXINSNS], g_prog6[BPF_MAXINSNS];
static unsigned short g_len4, g_len6;

static int64_t now_ms(void) {
  struct timespec ts;

  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int cmp_int(const void *a, const void *b) {
  int x = *(const int *)a, y = *(const int *)b;

  return x < y ? -1 : x > y;
}

/* The open descriptors, sorted, in a malloc'd array (NULL on failure). */
static int *list_fds(size_t *pn) {
  DIR *d = opendir("/proc/self/fd");
  struct dirent *e;
  int *v = NULL, *nv;
  size_t n = 0, cap = 0;

  *pn = 0;
  if (d == NULL) {
    return NULL;
  }
  while ((e = readdir(d)) != NULL && n < 1000000) {
    char *end;
    long fd = strtol(e->d_name, &end, 10);

    if (e->d_name[0] < '0' || e->d_name[0] > '9' || *end != '\0' ||
        fd == dirfd(d)) {
      continue;
    }
    if (n == cap) {
      cap = cap == 0 ? 64 : cap * 2;
      nv = realloc(v, cap * sizeof(*v));
      if (nv == NULL) {
        free(v);
        closedir(d);
        return NULL;
      }
      v = nv;
    }
    v[n++] = (int)fd;
  }
  closedir(d);
  if (n > 0) {
    qsort(v, n, sizeof(*v), cmp_int);
  }
  *pn = n;
  return v;
}

/* Nonzero if |fd| is a raw SCTP socket; its family goes to |*paf|. */
static int is_raw_sctp(int fd, int *paf) {
  int type = 0, proto = 0, dom = 0;
  socklen_t len = sizeof(type);

  if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len) != 0 ||
      type != SOCK_RAW) {
    return 0;
  }
  len = sizeof(proto);
  if (getsockopt(fd, SOL_SOCKET, SO_PROTOCOL, &proto, &len) != 0 ||
      proto != IPPROTO_SCTP) {
    return 0;
  }
  len = sizeof(dom);
  if (getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &dom, &len) != 0 ||
      (dom != AF_INET && dom != AF_INET6)) {
    return 0;
  }
  *paf = dom;
  return 1;
}

/* Builds the program for |af| from the ports accepted at |now| into
 * |prog| (BPF_MAXINSNS long); returns its length.  g_mu held. */
static unsigned short build(int af, int64_t now, struct sock_filter *prog) {
  unsigned short n = 0;
  size_t i, live = 0;

  for (i = 0; i < g_nports; ++i) {
    live += g_ports[i].refs > 0 || g_ports[i].until_ms > now;
  }
  if (live > MAX_PORTS) {
    prog[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, 0xffffffffu);
    return n;
  }
  if (af == AF_INET) {
    /* X = 4 * (pkt[0] & 0xf), the IPv4 header length; A = pkt[X + 2]. */
    prog[n++] = (struct sock_filter)BPF_STMT(BPF_LDX | BPF_B | BPF_MSH, 0);
    prog[n++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_H | BPF_IND, 2);
  } else {
    prog[n++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_H | BPF_ABS, 2);
  }
  for (i = 0; i < g_nports; ++i) {
    if (g_ports[i].refs == 0 && g_ports[i].until_ms <= now) {
      continue;
    }
    prog[n++] =
      (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, g_ports[i].port,
                                   0, 1);
    prog[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, 0xffffffffu);
  }
  prog[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, 0);
  return n;
}

/* Drops expired ports, rebuilds both programs and attaches them.  g_mu
 * held. */
static void update(void) {
  int64_t now = now_ms();
  size_t i, j = 0;
  int k;

  for (i = 0; i < g_nports; ++i) {
    if (g_ports[i].refs > 0 || g_ports[i].until_ms > now) {
      g_ports[j++] = g_ports[i];
    }
  }
  g_nports = j;
  g_len4 = build(AF_INET, now, g_prog4);
  g_len6 = build(AF_INET6, now, g_prog6);
  if (g_disabled) {
    return;
  }
  for (k = 0; k < g_nraw; ++k) {
    struct sock_fprog fp;

    fp.len = g_raw_af[k] == AF_INET ? g_len4 : g_len6;
    fp.filter = g_raw_af[k] == AF_INET ? g_prog4 : g_prog6;
    /* Cannot fail for a valid program on a socket we found; if it did,
     * the previous program stays (a stale port list, not a crash). */
    (void)setsockopt(g_raw_fd[k], SOL_SOCKET, SO_ATTACH_FILTER, &fp,
                     sizeof(fp));
  }
}

void gsctp_rawfilter_before_init(void) {
  pthread_mutex_lock(&g_mu);
  free(g_before);
  g_before = list_fds(&g_nbefore);
  pthread_mutex_unlock(&g_mu);
}

int gsctp_rawfilter_after_init(void) {
  const char *env = getenv("GSCTP_RAW_FILTER");
  size_t n = 0, i;
  int *after, nraw;

  pthread_mutex_lock(&g_mu);
  g_nraw = 0;
  g_disabled = env != NULL && strcmp(env, "0") == 0;
  after = list_fds(&n);
  for (i = 0; i < n && g_nraw < MAX_RAW; ++i) {
    int af;

    if (g_before != NULL &&
        bsearch(&after[i], g_before, g_nbefore, sizeof(int), cmp_int) != NULL) {
      continue;
    }
    if (is_raw_sctp(after[i], &af)) {
      g_raw_fd[g_nraw] = after[i];
      g_raw_af[g_nraw] = af;
      g_nraw++;
    }
  }
  free(after);
  free(g_before);
  g_before = NULL;
  g_nbefore = 0;
  update();
  nraw = g_nraw;
  pthread_mutex_unlock(&g_mu);
  return nraw;
}

void gsctp_rawfilter_reset(void) {
  pthread_mutex_lock(&g_mu);
  g_nraw = 0;
  free(g_ports);
  g_ports = NULL;
  g_nports = g_capports = 0;
  g_len4 = g_len6 = 0;
  pthread_mutex_unlock(&g_mu);
}

int gsctp_rawfilter_raw_count(void) {
  int n;

  pthread_mutex_lock(&g_mu);
  n = g_nraw;
  pthread_mutex_unlock(&g_mu);
  return n;
}

int gsctp_rawfilter_port_add(uint16_t port) {
  size_t i;

  if (port == 0) {
    return GSCTP_EINVAL;
  }
  pthread_mutex_lock(&g_mu);
  for (i = 0; i < g_nports; ++i) {
    if (g_ports[i].port == port) {
      break;
    }
  }
  if (i == g_nports) {
    if (g_nports == g_capports) {
      size_t cap = g_capports == 0 ? 16 : g_capports * 2;
      struct port_ref *nv = realloc(g_ports, cap * sizeof(*nv));

      if (nv == NULL) {
        pthread_mutex_unlock(&g_mu);
        return GSCTP_ENOMEM;
      }
      g_ports = nv;
      g_capports = cap;
    }
    g_ports[i].port = port;
    g_ports[i].refs = 0;
    g_ports[i].until_ms = 0;
    g_nports++;
  }
  g_ports[i].refs++;
  update();
  pthread_mutex_unlock(&g_mu);
  return 0;
}

void gsctp_rawfilter_port_del(uint16_t port) {
  size_t i;

  pthread_mutex_lock(&g_mu);
  for (i = 0; i < g_nports; ++i) {
    if (g_ports[i].port == port && g_ports[i].refs > 0) {
      if (--g_ports[i].refs == 0) {
        g_ports[i].until_ms = now_ms() + GSCTP_RAWFILTER_LINGER_MS;
      }
      break;
    }
  }
  update();
  pthread_mutex_unlock(&g_mu);
}

size_t gsctp_rawfilter_ports(uint16_t *ports, size_t max) {
  int64_t now = now_ms();
  size_t i, n = 0;

  pthread_mutex_lock(&g_mu);
  for (i = 0; i < g_nports; ++i) {
    if (g_ports[i].refs == 0 && g_ports[i].until_ms <= now) {
      continue;
    }
    if (ports != NULL && n < max) {
      ports[n] = g_ports[i].port;
    }
    n++;
  }
  pthread_mutex_unlock(&g_mu);
  return n;
}

/* A classic BPF interpreter for the instructions build() emits; any
 * other instruction, or a load past the end, drops the packet as the
 * kernel does for a failed load. */
static int run(const struct sock_filter *prog, unsigned short len,
               const uint8_t *pkt, size_t plen) {
  uint32_t a = 0, x = 0;
  unsigned short pc = 0;
  size_t off;

  while (pc < len) {
    const struct sock_filter *f = &prog[pc++];

    switch (f->code) {
    case BPF_LDX | BPF_B | BPF_MSH:
      if (f->k >= plen) {
        return 0;
      }
      x = 4u * (pkt[f->k] & 0xfu);
      break;
    case BPF_LD | BPF_H | BPF_IND:
    case BPF_LD | BPF_H | BPF_ABS:
      off = (size_t)f->k + (f->code == (BPF_LD | BPF_H | BPF_IND) ? x : 0);
      if (off + 2 > plen) {
        return 0;
      }
      a = (uint32_t)pkt[off] << 8 | pkt[off + 1];
      break;
    case BPF_JMP | BPF_JEQ | BPF_K:
      pc = (unsigned short)(pc + (a == f->k ? f->jt : f->jf));
      break;
    case BPF_RET | BPF_K:
      return f->k != 0;
    default:
      return 0;
    }
  }
  return 0;
}

int gsctp_rawfilter_accepts(int af, const uint8_t *pkt, size_t len) {
  int ok;

  if (pkt == NULL) {
    return 0;
  }
  pthread_mutex_lock(&g_mu);
  /* Always the current port list, even before any stack started. */
  g_len4 = build(AF_INET, now_ms(), g_prog4);
  g_len6 = build(AF_INET6, now_ms(), g_prog6);
  ok = af == AF_INET    ? run(g_prog4, g_len4, pkt, len)
       : af == AF_INET6 ? run(g_prog6, g_len6, pkt, len)
                        : 0;
  pthread_mutex_unlock(&g_mu);
  return ok;
}
