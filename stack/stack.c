/*
 * stack.c - the one usrsctp instance of the process.
 *
 * usrsctp is a process-global singleton: usrsctp_init() must run exactly
 * once (a second call breaks the running stack), so every start goes
 * through g_lock and a state machine STOPPED -> RUNNING -> STOPPED, or
 * -> BROKEN when usrsctp_finish() does not return in time (Debian's
 * 0.9.5 can hang there; we never let it hang the caller).
 *
 * usrsctp_init() binds its UDP encapsulation socket silently: if the
 * port is taken it runs without UDP and every connect hangs.  So the port
 * is probed with our own bind() before the start, and checked again
 * after it (it must now be in use, by usrsctp).  Port 0 picks a free port
 * the same way (usrsctp has no ephemeral encapsulation port).
 *
 * CRC32c verification is forced on for loopback packets, which usrsctp
 * would otherwise skip (and then keep skipping; see DESIGN.md).
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "gsctp/err.h"
#include "gsctp/stack.h"
#include "stack_int.h"
#include "rawfilter.h"
#include "udplink.h"
#include "tap.h"

enum { STACK_STOPPED = 0, STACK_RUNNING, STACK_BROKEN };

static pthread_mutex_t g_lock = PTHREAD_MUTEX_INITIALIZER;
static int g_state = STACK_STOPPED;
static int g_udp_port;  /* 0 = no UDP */
static int g_nothreads; /* started with usrsctp_init_nothreads */
static void (*g_close_all)(void);

void gsctp_stack_set_close_all_hook(void (*fn)(void)) {
  pthread_mutex_lock(&g_lock);
  g_close_all = fn;
  pthread_mutex_unlock(&g_lock);
}

void gsctp_stack_config_default(gsctp_stack_config *cfg) {
  if (cfg == NULL) {
    return;
  }
  memset(cfg, 0, sizeof(*cfg));
  cfg->udp_port = -1;
  cfg->no_udp = 0;
  cfg->nothreads = 0;
}

/* Bind a UDP socket of |af| to |port| (0 = any).  Returns the fd (and the
 * bound port in |*pport|) or -errno.  -EAFNOSUPPORT when the host has no
 * such family (IPv6 disabled), which callers tolerate. */
static int udp_bind(int af, uint16_t port, uint16_t *pport) {
  struct sockaddr_storage ss;
  socklen_t len;
  int fd, on = 1;

  fd = socket(af, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    return -errno;
  }
  memset(&ss, 0, sizeof(ss));
  if (af == AF_INET) {
    struct sockaddr_in *sin = (struct sockaddr_in *)(void *)&ss;
    sin->sin_family = AF_INET;
    sin->sin_port = htons(port);
    len = sizeof(*sin);
  } else {
    struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)(void *)&ss;
    sin6->sin6_family = AF_INET6;
    sin6->sin6_port = htons(port);
    len = sizeof(*sin6);
    /* usrsctp binds its IPv6 socket v6-only; probe the same way. */
    (void)setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof(on));
  }
  if (bind(fd, (struct sockaddr *)&ss, len) != 0) {
    int e = errno;
    close(fd);
    return e == EADDRNOTAVAIL && af == AF_INET6 ? -EAFNOSUPPORT : -e;
  }
  if (pport != NULL) {
    len = sizeof(ss);
    if (getsockname(fd, (struct sockaddr *)&ss, &len) != 0) {
      int e = errno;
      close(fd);
      return -e;
    }
    *pport = af == AF_INET
               ? ntohs(((struct sockaddr_in *)(void *)&ss)->sin_port)
               : ntohs(((struct sockaddr_in6 *)(void *)&ss)->sin6_port);
  }
  return fd;
}

/* Is |port| free for UDP on IPv4 and (if the host has it) IPv6?
 * Returns 0, or a negative gsctp code (GSCTP_EADDRINUSE, ...). */
static int probe_port_free(uint16_t port) {
  int fd4, fd6;

  fd4 = udp_bind(AF_INET, port, NULL);
  if (fd4 < 0) {
    return gsctp_err_from_errno(-fd4);
  }
  fd6 = udp_bind(AF_INET6, port, NULL);
  close(fd4);
  if (fd6 < 0 && fd6 != -EAFNOSUPPORT) {
    return gsctp_err_from_errno(-fd6);
  }
  if (fd6 >= 0) {
    close(fd6);
  }
  return 0;
}

/* Find a UDP port free on both families.  Returns the port or a negative
 * gsctp code. */
static int pick_free_port(void) {
  int attempt;

  for (attempt = 0; attempt < 32; ++attempt) {
    uint16_t port = 0;
    int fd4 = udp_bind(AF_INET, 0, &port);
    int fd6;

    if (fd4 < 0) {
      return gsctp_err_from_errno(-fd4);
    }
    fd6 = udp_bind(AF_INET6, port, NULL);
    close(fd4);
    if (fd6 >= 0) {
      close(fd6);
      return port;
    }
    if (fd6 == -EAFNOSUPPORT) {
      return port;
    }
  }
  return GSCTP_EADDRINUSE;
}

/* After usrsctp_init: the port must now be held (by usrsctp).  Returns
 * nonzero if it is. */
static int port_is_held(uint16_t port) {
  int fd = udp_bind(AF_INET, port, NULL);

  if (fd >= 0) {
    close(fd);
    return 0;
  }
  return fd == -EADDRINUSE;
}

static int env_port(int *pport) {
  const char *s = getenv("GSCTP_UDP_PORT");
  char *end;
  long v;

  if (s == NULL || *s == '\0') {
    *pport = GSCTP_DEFAULT_UDP_PORT;
    return 0;
  }
  errno = 0;
  v = strtol(s, &end, 10);
  if (errno != 0 || *end != '\0' || v < 0 || v > 65535) {
    return GSCTP_EINVAL;
  }
  *pport = (int)v;
  return 0;
}

static void apply_sysctls(void) {
  /* Verify CRC32c on every packet, loopback included. */
  usrsctp_sysctl_set_sctp_no_csum_on_loopback(0);
  /* ... and compute it with the SSE4.2 instruction (crc32c.c). */
  (void)gsctp_crc32c_enable();
}

/* Start with g_lock held. */
static int start_locked(int want_port, int no_udp, int nothreads) {
  int port = 0, rv, attempt;

  if (g_state == STACK_RUNNING) {
    return GSCTP_EALREADY;
  }
  if (g_state == STACK_BROKEN) {
    return GSCTP_EBUSY;
  }
  /* The gsctp-owned UDP transport reports its datagrams to the capture
   * tap with their real addresses. */
  gsctp_udplink_set_tap(gsctp_tap_udp);
  if (!no_udp) {
    if (want_port == -1) {
      rv = env_port(&port);
      if (rv != 0) {
        return rv;
      }
    } else if (want_port < 0 || want_port > 65535) {
      return GSCTP_EINVAL;
    } else {
      port = want_port;
    }
  }

  if (nothreads) {
    /* Virtual time: the caller drives timers (gsctp_stack_handle_timers). */
    usrsctp_init_nothreads(0, gsctp_link_conn_output, NULL);
    apply_sysctls();
    g_udp_port = 0;
    g_nothreads = 1;
    g_state = STACK_RUNNING;
    return 0;
  }
  if (no_udp) {
    gsctp_rawfilter_before_init();
    usrsctp_init(0, gsctp_link_conn_output, NULL);
    (void)gsctp_rawfilter_after_init();
    apply_sysctls();
    g_udp_port = 0;
    g_state = STACK_RUNNING;
    return 0;
  }

  for (attempt = 0; attempt < 8; ++attempt) {
    int p = port;

    if (p == 0) {
      p = pick_free_port();
      if (p < 0) {
        return p;
      }
    } else {
      rv = probe_port_free((uint16_t)p);
      if (rv != 0) {
        return rv;
      }
    }
    /* As root usrsctp_init also opens raw IP sockets: find them and keep
     * them to this process's own packets (rawfilter.c). */
    gsctp_rawfilter_before_init();
    usrsctp_init((uint16_t)p, gsctp_link_conn_output, NULL);
    (void)gsctp_rawfilter_after_init();
    apply_sysctls();
    if (port_is_held((uint16_t)p)) {
      g_udp_port = p;
      g_state = STACK_RUNNING;
      return 0;
    }
    /* Someone took the port between probe and init: usrsctp runs without
     * UDP.  No socket exists yet, so finish is safe to try. */
    gsctp_rawfilter_reset();
    if (usrsctp_finish() != 0) {
      g_state = STACK_BROKEN;
      return GSCTP_EBUSY;
    }
    if (port != 0) {
      return GSCTP_EADDRINUSE;
    }
  }
  return GSCTP_EADDRINUSE;
}

int gsctp_stack_start(const gsctp_stack_config *cfg) {
  gsctp_stack_config def;
  int rv;

  if (cfg == NULL) {
    gsctp_stack_config_default(&def);
    cfg = &def;
  }
  pthread_mutex_lock(&g_lock);
  rv = start_locked(cfg->udp_port, cfg->no_udp, cfg->nothreads);
  pthread_mutex_unlock(&g_lock);
  if (rv == 0) {
    gsctp_tap_env_start();
  }
  return rv;
}

int gsctp_stack_ensure(void) {
  int rv;

  pthread_mutex_lock(&g_lock);
  rv = g_state == STACK_RUNNING ? 0 : start_locked(-1, 0, 0);
  pthread_mutex_unlock(&g_lock);
  if (rv == 0) {
    gsctp_tap_env_start();
  }
  return rv;
}

int gsctp_stack_start_port(int port) {
  int rv;

  pthread_mutex_lock(&g_lock);
  if (g_state == STACK_RUNNING) {
    rv = (port == -1 || port == g_udp_port) ? 0 : GSCTP_EINVAL;
  } else {
    rv = start_locked(port, 0, 0);
  }
  pthread_mutex_unlock(&g_lock);
  if (rv == 0) {
    gsctp_tap_env_start();
  }
  return rv;
}

int gsctp_stack_udp_port(void) {
  int rv;

  pthread_mutex_lock(&g_lock);
  rv = g_state == STACK_RUNNING ? g_udp_port : GSCTP_ENOTCONN;
  pthread_mutex_unlock(&g_lock);
  return rv;
}

int gsctp_stack_has_udp(void) {
  int rv;

  pthread_mutex_lock(&g_lock);
  rv = g_state == STACK_RUNNING && g_udp_port != 0;
  pthread_mutex_unlock(&g_lock);
  return rv;
}

int gsctp_stack_handle_timers(uint32_t elapsed_ms) {
  int running, nothreads;

  pthread_mutex_lock(&g_lock);
  running = g_state == STACK_RUNNING;
  nothreads = g_nothreads;
  pthread_mutex_unlock(&g_lock);
  if (!running) {
    return GSCTP_ENOTCONN;
  }
  if (!nothreads) {
    return GSCTP_EINVAL;
  }
  usrsctp_handle_timers(elapsed_ms);
  return 0;
}

/* ---- shutdown: usrsctp_finish with a deadline ---- */

struct finisher {
  pthread_mutex_t mu;
  pthread_cond_t cv;
  int done;      /* finish returned 0 */
  int abandoned; /* the waiter gave up; the thread frees the struct */
  int stop;      /* the waiter asks the thread to stop retrying */
};

static void *finish_thread(void *arg) {
  struct finisher *f = arg;
  int i, ok = 0, stop, abandoned;

  for (i = 0; i < 1000; ++i) {
    struct timespec ts = {0, 10 * 1000 * 1000};

    if (usrsctp_finish() == 0) {
      ok = 1;
      break;
    }
    pthread_mutex_lock(&f->mu);
    stop = f->stop;
    pthread_mutex_unlock(&f->mu);
    if (stop) {
      break;
    }
    nanosleep(&ts, NULL);
  }
  pthread_mutex_lock(&f->mu);
  f->done = ok ? 1 : -1;
  abandoned = f->abandoned;
  pthread_cond_broadcast(&f->cv);
  pthread_mutex_unlock(&f->mu);
  if (abandoned) {
    pthread_cond_destroy(&f->cv);
    pthread_mutex_destroy(&f->mu);
    free(f);
  }
  return NULL;
}

int gsctp_stack_shutdown(int timeout_ms) {
  void (*close_all)(void);
  struct finisher *f;
  struct timespec deadline;
  pthread_t th;
  pthread_attr_t attr;
  int done, rv;

  pthread_mutex_lock(&g_lock);
  if (g_state != STACK_RUNNING) {
    pthread_mutex_unlock(&g_lock);
    return GSCTP_ENOTCONN;
  }
  close_all = g_close_all;
  pthread_mutex_unlock(&g_lock);

  if (close_all != NULL) {
    close_all();
  }
  gsctp_link_shutdown_all();
  gsctp_udplink_shutdown_all();
  /* usrsctp_finish closes the raw sockets: forget their numbers first. */
  gsctp_rawfilter_reset();

  f = calloc(1, sizeof(*f));
  if (f == NULL) {
    return GSCTP_ENOMEM;
  }
  pthread_mutex_init(&f->mu, NULL);
  pthread_cond_init(&f->cv, NULL);
  pthread_attr_init(&attr);
  pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
  if (pthread_create(&th, &attr, finish_thread, f) != 0) {
    pthread_attr_destroy(&attr);
    pthread_cond_destroy(&f->cv);
    pthread_mutex_destroy(&f->mu);
    free(f);
    return GSCTP_ENOMEM;
  }
  pthread_attr_destroy(&attr);

  if (timeout_ms < 0) {
    timeout_ms = 0;
  }
  clock_gettime(CLOCK_REALTIME, &deadline);
  deadline.tv_sec += timeout_ms / 1000;
  deadline.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
  if (deadline.tv_nsec >= 1000000000L) {
    deadline.tv_sec += 1;
    deadline.tv_nsec -= 1000000000L;
  }
  pthread_mutex_lock(&f->mu);
  while (f->done == 0) {
    if (pthread_cond_timedwait(&f->cv, &f->mu, &deadline) == ETIMEDOUT) {
      break;
    }
  }
  done = f->done;
  if (done == 0) {
    f->abandoned = 1;
    f->stop = 1;
  }
  pthread_mutex_unlock(&f->mu);
  if (done != 0) {
    pthread_cond_destroy(&f->cv);
    pthread_mutex_destroy(&f->mu);
    free(f);
  }

  pthread_mutex_lock(&g_lock);
  if (done == 1) {
    g_state = STACK_STOPPED;
    g_udp_port = 0;
    g_nothreads = 0;
    rv = 0;
  } else {
    g_state = STACK_BROKEN;
    rv = GSCTP_EBUSY;
  }
  pthread_mutex_unlock(&g_lock);
  return rv;
}

int gsctp_stack_get_stats(gsctp_stack_stats *pstats) {
  struct sctpstat st;
  int running;

  if (pstats == NULL) {
    return GSCTP_EBADARG;
  }
  pthread_mutex_lock(&g_lock);
  running = g_state == STACK_RUNNING;
  pthread_mutex_unlock(&g_lock);
  if (!running) {
    return GSCTP_ENOTCONN;
  }
  memset(&st, 0, sizeof(st));
  usrsctp_get_stat(&st);
  memset(pstats, 0, sizeof(*pstats));
  pstats->packets_in = st.sctps_inpackets;
  pstats->packets_out = st.sctps_outpackets;
  pstats->checksum_errors = st.sctps_badsum;
  pstats->malformed = st.sctps_hdrops;
  pstats->out_of_the_blue = st.sctps_outoftheblue;
  pstats->retransmits =
    (uint64_t)st.sctps_sendretransdata + st.sctps_sendfastretrans;
  {
    gsctp_udplink_stats u;

    gsctp_udplink_get_stats(&u);
    pstats->udpconn_datagrams_in = u.datagrams_in;
    pstats->udpconn_datagrams_out = u.datagrams_out;
    pstats->udpconn_send_errors = u.send_errors;
    pstats->udpconn_drop_checksum = u.drop_checksum;
    pstats->udpconn_drop_malformed = u.drop_malformed;
    pstats->udpconn_drop_init = u.drop_init;
    pstats->udpconn_drop_vtag = u.drop_vtag;
    pstats->udpconn_drop_unknown = u.drop_unknown + u.drop_not_ours;
    pstats->udpconn_drop_limit = u.drop_limit;
    pstats->udpconn_no_listener = u.no_listener;
    pstats->udpconn_port_moves = u.port_moves;
    pstats->udpconn_handles = u.handles;
    pstats->udpconn_endpoints = u.endpoints;
  }
  return 0;
}
