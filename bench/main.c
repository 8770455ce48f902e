/*
 * main.c - gsctp-bench driver.
 *
 * Measures throughput, round-trip latency and association setup for raw
 * usrsctp, gsctp (passive and {active, N}) and kernel TCP, interleaved:
 * every repetition runs every figure for every variant in turn
 * (A B C D, A B C D, ...), so the machine's noise hits all of them alike.
 * Each run is a fresh server process and a fresh client process (see
 * bench.h); figures are medians over the repetitions.
 *
 * Output: one line per figure on stdout ("key=value" fields with the
 * ratios vs_raw_usrsctp and vs_tcp), progress on stderr, and optionally a
 * Markdown fragment (--md) and an SVG chart (--svg).
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"

#define MAX_RUNS 15
#define MAX_ENTRIES 64
#define LO_MTU 32768
#define SCTP_PMTU_1500 1460 /* spp_pathmtu for 1500-byte IPv4 datagrams */

static const char *const vname[V__COUNT] = {
  "raw_usrsctp", "gsctp", "gsctp_active", "tcp", "gsctp_udp_conn"};
static const char *const vtitle[V__COUNT] = {
  "raw usrsctp", "gsctp passive", "gsctp {active,N}", "TCP", "gsctp udp_conn"};

enum { SEC_MTU = 0, SEC_LO = 1 };

typedef struct entry {
  int section; /* SEC_MTU: 1500-byte path MTU; SEC_LO: loopback MTU */
  int test;
  size_t size;
  int streams;
  int nassoc;
  int pmtu;
  int vmask; /* variants run */
  /* results: [variant][run][metric] */
  double val[V__COUNT][MAX_RUNS][4];
  int nok[V__COUNT];
  char err[V__COUNT][120];
  double med[V__COUNT][4];
  int seen_pmtu[V__COUNT];
} entry;

static entry g_ent[MAX_ENTRIES];
static int g_nent;

/* ---------------------------------------------------------------- */
/* Running one figure once                                          */
/* ---------------------------------------------------------------- */

typedef struct lbuf {
  char buf[8192];
  size_t len;
  int eof;
} lbuf;

static void lbuf_read(int fd, lbuf *b) {
  ssize_t n;

  if (b->len + 1 >= sizeof(b->buf)) {
    b->eof = 1;
    return;
  }
  n = read(fd, b->buf + b->len, sizeof(b->buf) - 1 - b->len);
  if (n <= 0) {
    if (n == 0 || (errno != EINTR && errno != EAGAIN)) {
      b->eof = 1;
    }
    return;
  }
  b->len += (size_t)n;
  b->buf[b->len] = '\0';
}

/* Value of |key| in the reported text (last occurrence), or NAN. */
static double kv(const lbuf *b, const char *key) {
  size_t kl = strlen(key);
  const char *p = b->buf, *hit = NULL;

  while ((p = strstr(p, key)) != NULL) {
    if ((p == b->buf || p[-1] == ' ' || p[-1] == '\n') && p[kl] == '=') {
      hit = p + kl + 1;
    }
    p += kl;
  }
  return hit != NULL ? strtod(hit, NULL) : NAN;
}

static int kv_err(const lbuf *b, char *out, size_t outlen) {
  const char *p = strstr(b->buf, "err=");
  size_t n;

  if (p == NULL) {
    return 0;
  }
  p += 4;
  n = strcspn(p, "\n");
  if (n >= outlen) {
    n = outlen - 1;
  }
  memcpy(out, p, n);
  out[n] = '\0';
  return 1;
}

static int (*const server_fn[V__COUNT])(const bparams *, int) = {
  raw_server, gs_server, gs_server, tcp_server, gs_server};
static int (*const client_fn[V__COUNT])(const bparams *, const bpeer *, int) = {
  raw_client, gs_client, gs_client, tcp_client, gs_client};

static void on_term(int sig);

static pid_t spawn(const bparams *p, const bpeer *peer, int *prfd) {
  int pfd[2];
  pid_t pid;

  if (pipe2(pfd, O_CLOEXEC) != 0) {
    return -1;
  }
  fflush(NULL);
  pid = fork();
  if (pid < 0) {
    close(pfd[0]);
    close(pfd[1]);
    return -1;
  }
  if (pid == 0) {
    int rc;

    close(pfd[0]);
    (void)prctl(PR_SET_PDEATHSIG, SIGKILL);
    signal(SIGPIPE, SIG_IGN);
    signal(SIGTERM, on_term);
    rc = peer == NULL ? server_fn[p->variant](p, pfd[1])
                      : client_fn[p->variant](p, peer, pfd[1]);
    _exit(rc);
  }
  close(pfd[1]);
  *prfd = pfd[0];
  return pid;
}

/* Stop a child: SIGTERM (its handler exits at once, which lets profilers
 * such as callgrind write their output), then SIGKILL after a grace
 * period ($GSCTP_BENCH_GRACE_MS, default 500 ms). */
static void reap(pid_t pid) {
  const char *g = getenv("GSCTP_BENCH_GRACE_MS");
  double until;

  if (pid <= 0) {
    return;
  }
  until = bench_now() + (g != NULL ? atof(g) : 500) / 1000.0;
  kill(pid, SIGTERM);
  while (bench_now() < until) {
    struct timespec ts = {0, 2 * 1000 * 1000};

    if (waitpid(pid, NULL, WNOHANG) == pid) {
      return;
    }
    nanosleep(&ts, NULL);
  }
  kill(pid, SIGKILL);
  (void)waitpid(pid, NULL, 0);
}

static void on_term(int sig) {
  (void)sig;
  _exit(0);
}

/* Wait until |done| says so, an error is reported, a pipe closes, or the
 * deadline passes.  Returns 0 when done. */
static int pump(int sfd, lbuf *sb, int cfd, lbuf *cb, double deadline,
                int (*done)(const bparams *, const lbuf *, const lbuf *),
                const bparams *p, char *err, size_t errlen) {
  for (;;) {
    struct pollfd pf[2];
    int n = 0, ms;
    double left;

    if (kv_err(sb, err, errlen) || kv_err(cb, err, errlen)) {
      return -1;
    }
    if (done(p, sb, cb)) {
      return 0;
    }
    if ((sfd >= 0 && sb->eof) || (cfd >= 0 && cb->eof)) {
      snprintf(err, errlen, "%s exited without a result",
               sb->eof ? "server" : "client");
      return -1;
    }
    left = deadline - bench_now();
    if (left <= 0) {
      snprintf(err, errlen, "timed out");
      return -1;
    }
    ms = (int)(left * 1000) + 1;
    if (sfd >= 0) {
      pf[n].fd = sfd;
      pf[n++].events = POLLIN;
    }
    if (cfd >= 0) {
      pf[n].fd = cfd;
      pf[n++].events = POLLIN;
    }
    if (poll(pf, (nfds_t)n, ms) < 0 && errno != EINTR) {
      snprintf(err, errlen, "poll: %s", strerror(errno));
      return -1;
    }
    n = 0;
    if (sfd >= 0) {
      if (pf[n++].revents) {
        lbuf_read(sfd, sb);
      }
    }
    if (cfd >= 0 && pf[n].revents) {
      lbuf_read(cfd, cb);
    }
  }
}

static int done_port(const bparams *p, const lbuf *sb, const lbuf *cb) {
  (void)p;
  (void)cb;
  return !isnan(kv(sb, "port"));
}

static int done_run(const bparams *p, const lbuf *sb, const lbuf *cb) {
  switch (p->test) {
  case T_TPUT:
    return !isnan(kv(sb, "msgs")) && !isnan(kv(cb, "sent"));
  case T_LAT:
    return !isnan(kv(cb, "samples"));
  default:
    return !isnan(kv(sb, "up")) && !isnan(kv(cb, "n"));
  }
}

/* Run |p| once; fills out[0..3] or err.  Returns 0 on success. */
static int run_once(const bparams *p, double out[4], int *ppmtu, char *err,
                    size_t errlen) {
  lbuf *sb = calloc(1, sizeof(*sb)), *cb = calloc(1, sizeof(*cb));
  bpeer peer;
  pid_t sp = -1, cp = -1;
  int sfd = -1, cfd = -1, rv = -1;
  double limit;

  if (sb == NULL || cb == NULL) {
    snprintf(err, errlen, "out of memory");
    goto out;
  }
  limit = p->test == T_SETUP ? 30.0 + p->nassoc / 100.0 : p->secs + 20.0;
  sp = spawn(p, NULL, &sfd);
  if (sp < 0) {
    snprintf(err, errlen, "fork: %s", strerror(errno));
    goto out;
  }
  if (pump(sfd, sb, -1, cb, bench_now() + 15, done_port, p, err, errlen) != 0) {
    goto out;
  }
  peer.port = (int)kv(sb, "port");
  peer.udp_port = (int)kv(sb, "udp");
  cp = spawn(p, &peer, &cfd);
  if (cp < 0) {
    snprintf(err, errlen, "fork: %s", strerror(errno));
    goto out;
  }
  if (pump(sfd, sb, cfd, cb, bench_now() + limit, done_run, p, err, errlen) !=
      0) {
    goto out;
  }
  if (getenv("GSCTP_BENCH_DEBUG") != NULL) {
    fprintf(stderr, "server: %sclient: %s", sb->buf, cb->buf);
  }
  {
    double pm = kv(cb, "pmtu");

    *ppmtu = isnan(pm) ? 0 : (int)pm;
  }
  switch (p->test) {
  case T_TPUT: {
    double msgs = kv(sb, "msgs"), secs = kv(sb, "secs");
    double sent = kv(cb, "sent"), bytes = kv(sb, "bytes");

    if (p->variant != V_TCP && msgs != sent) {
      snprintf(err, errlen, "received %.0f of %.0f messages", msgs, sent);
      goto out;
    }
    if (!(secs > 0) || msgs < 2) {
      snprintf(err, errlen, "too few messages (%.0f) to time", msgs);
      goto out;
    }
    out[0] = msgs / secs;
    out[1] = bytes / secs / 1e6;
    /* CPU microseconds per message, both processes, whole run (less
     * sensitive to other load on the machine than the rate). */
    out[2] = (kv(sb, "cpu") + kv(cb, "cpu")) / msgs * 1e6;
    /* Context switches per message: how often threads sleep and wake. */
    out[3] = (kv(sb, "csw") + kv(cb, "csw")) / msgs;
    break;
  }
  case T_LAT:
    out[0] = kv(cb, "p50_us");
    out[1] = kv(cb, "p99_us");
    out[2] = kv(cb, "samples");
    break;
  default: {
    double secs = kv(cb, "secs"), n = kv(cb, "n");

    out[0] = n / secs;
    out[1] = secs;
    out[2] = (kv(sb, "rss1") - kv(sb, "rss0")) / n;
    break;
  }
  }
  rv = 0;
out:
  reap(cp);
  reap(sp);
  if (sfd >= 0) {
    close(sfd);
  }
  if (cfd >= 0) {
    close(cfd);
  }
  free(sb);
  free(cb);
  return rv;
}

/* ---------------------------------------------------------------- */
/* Plan, statistics, output                                         */
/* ---------------------------------------------------------------- */

static entry *add(int section, int test, size_t size, int streams, int nassoc,
                  int vmask) {
  entry *e = &g_ent[g_nent++];

  memset(e, 0, sizeof(*e));
  e->section = section;
  e->test = test;
  e->size = size;
  e->streams = streams;
  e->nassoc = nassoc;
  /* usrsctp 0.9.5 leaves IP and UDP headers out of the path MTU of a
   * UDP-encapsulated association: spp_pathmtu 1500 gives 1540-byte IPv4
   * datagrams, 1460 gives at most 1500 (checked with tshark), the size of
   * a 1500-byte Ethernet path, as TCP's MSS of 1460 does. */
  e->pmtu = section == SEC_MTU ? SCTP_PMTU_1500 : LO_MTU;
  e->vmask = vmask;
  return e;
}

static double median(double *v, int n) {
  double tmp[MAX_RUNS];

  if (n <= 0) {
    return NAN;
  }
  memcpy(tmp, v, (size_t)n * sizeof(double));
  qsort(tmp, (size_t)n, sizeof(double), bench_cmp_double);
  return n % 2 ? tmp[n / 2] : (tmp[n / 2 - 1] + tmp[n / 2]) / 2;
}

static void compute_medians(entry *e) {
  int v, m, r;

  for (v = 0; v < V__COUNT; ++v) {
    for (m = 0; m < 4; ++m) {
      double col[MAX_RUNS];

      for (r = 0; r < e->nok[v]; ++r) {
        col[r] = e->val[v][r][m];
      }
      e->med[v][m] = median(col, e->nok[v]);
    }
  }
}

/* Speed-up of variant |v| over |base| (> 1 = better than the base). */
static double ratio(const entry *e, int v, int base) {
  double a = e->med[v][0], b = e->med[base][0];

  if (e->nok[v] == 0 || e->nok[base] == 0 || !(a > 0) || !(b > 0)) {
    return NAN;
  }
  return e->test == T_LAT ? b / a : a / b;
}

static const char *fmt_ratio(double r, char *buf, size_t len) {
  if (isnan(r)) {
    snprintf(buf, len, "n/a");
  } else {
    snprintf(buf, len, "%.3f", r);
  }
  return buf;
}

static const char *mtu_name(const entry *e) {
  return e->section == SEC_MTU ? "1500" : "loopback";
}

static const char *unavailable(int v) {
  if (v == V_ACTIVE && !gs_has_active()) {
    return "active mode not in this build";
  }
  return NULL;
}

static void print_line(FILE *f, const entry *e, int v) {
  char r1[32], r2[32];
  const char *why = unavailable(v);

  if (e->test == T_TPUT) {
    fprintf(f, "tput mtu=%s size=%zu streams=%d variant=%s", mtu_name(e),
            e->size, e->streams, vname[v]);
  } else if (e->test == T_LAT) {
    fprintf(f, "lat mtu=%s size=%zu variant=%s", mtu_name(e), e->size,
            vname[v]);
  } else {
    fprintf(f, "setup mtu=%s n=%d variant=%s", mtu_name(e), e->nassoc,
            vname[v]);
  }
  if (why != NULL) {
    fprintf(f, " not available: %s\n", why);
    return;
  }
  if (e->nok[v] == 0) {
    fprintf(f, " failed: %s\n", e->err[v][0] ? e->err[v] : "no run");
    return;
  }
  if (e->test == T_TPUT) {
    fprintf(f, " msg_s=%.0f mb_s=%.2f cpu_us_msg=%.3f csw_msg=%.3f",
            e->med[v][0], e->med[v][1], e->med[v][2], e->med[v][3]);
  } else if (e->test == T_LAT) {
    fprintf(f, " p50_us=%.1f p99_us=%.1f", e->med[v][0], e->med[v][1]);
  } else {
    fprintf(f, " assoc_s=%.0f time_s=%.3f rss_kib_per_assoc=%.2f", e->med[v][0],
            e->med[v][1], e->med[v][2]);
  }
  fprintf(f, " vs_raw_usrsctp=%s vs_tcp=%s runs=%d",
          fmt_ratio(ratio(e, v, V_RAW), r1, sizeof(r1)),
          fmt_ratio(ratio(e, v, V_TCP), r2, sizeof(r2)), e->nok[v]);
  if (e->seen_pmtu[v] > 0) {
    fprintf(f, " pmtu=%d", e->seen_pmtu[v]);
  }
  if (e->err[v][0]) {
    fprintf(f, " some_failed=\"%s\"", e->err[v]);
  }
  fputc('\n', f);
}

static void fmt_size(size_t s, char *buf, size_t len) {
  if (s >= 1024 && s % 1024 == 0) {
    snprintf(buf, len, "%zu KiB", s / 1024);
  } else {
    snprintf(buf, len, "%zu B", s);
  }
}

static void cell(FILE *f, const entry *e, int v) {
  if (unavailable(v) != NULL) {
    fprintf(f, " n/a |");
  } else if (e->nok[v] == 0) {
    fprintf(f, " failed |");
  } else if (e->test == T_TPUT) {
    fprintf(f, " %.1f MB/s (%.0f msg/s; %.2f µs CPU) |", e->med[v][1],
            e->med[v][0], e->med[v][2]);
  } else if (e->test == T_LAT) {
    fprintf(f, " %.1f / %.1f µs |", e->med[v][0], e->med[v][1]);
  } else {
    fprintf(f, " %.0f/s, %.2f s, %.1f KiB |", e->med[v][0], e->med[v][1],
            e->med[v][2]);
  }
}

static void ratio_cell(FILE *f, const entry *e, int v, int base) {
  double r = ratio(e, v, base);

  if (isnan(r)) {
    fprintf(f, " n/a |");
  } else {
    fprintf(f, " %.2f× |", r);
  }
}

static void md_table(FILE *f, int section, int test, int vmask) {
  int i, v, any = 0;

  for (i = 0; i < g_nent; ++i) {
    const entry *e = &g_ent[i];

    if (e->section != section || e->test != test) {
      continue;
    }
    if (!any) {
      any = 1;
      fprintf(f, "| %s |",
              test == T_TPUT  ? "size | streams"
              : test == T_LAT ? "size"
                              : "associations");
      for (v = 0; v < V__COUNT; ++v) {
        if (vmask & (1 << v)) {
          fprintf(f, " %s |", vtitle[v]);
        }
      }
      fprintf(f, " gsctp vs raw | gsctp vs TCP |%s\n|%s",
              (vmask & (1 << V_UDPCONN)) ? " udp_conn vs raw |" : "",
              test == T_TPUT ? "---|---|" : "---|");
      for (v = 0; v < V__COUNT; ++v) {
        if (vmask & (1 << v)) {
          fprintf(f, "---|");
        }
      }
      fprintf(f, "---|---|%s\n", (vmask & (1 << V_UDPCONN)) ? "---|" : "");
    }
    if (test == T_TPUT) {
      char sz[32];

      fmt_size(e->size, sz, sizeof(sz));
      fprintf(f, "| %s | %d |", sz, e->streams);
    } else if (test == T_LAT) {
      fprintf(f, "| %zu B |", e->size);
    } else {
      fprintf(f, "| %d |", e->nassoc);
    }
    for (v = 0; v < V__COUNT; ++v) {
      if (vmask & (1 << v)) {
        cell(f, e, v);
      }
    }
    ratio_cell(f, e, V_GSCTP, V_RAW);
    ratio_cell(f, e, V_GSCTP, V_TCP);
    if (vmask & (1 << V_UDPCONN)) {
      ratio_cell(f, e, V_UDPCONN, V_RAW);
    }
    fputc('\n', f);
  }
  fputc('\n', f);
}

static void write_md(const char *path, int runs, double secs, int quick) {
  FILE *f = fopen(path, "w");
  struct utsname u;
  time_t now = time(NULL);
  char when[64];
  const int all = (1 << V_RAW) | (1 << V_GSCTP) | (1 << V_ACTIVE) |
                  (1 << V_TCP) | (1 << V_UDPCONN);

  if (f == NULL) {
    fprintf(stderr, "gsctp-bench: cannot write %s: %s\n", path,
            strerror(errno));
    return;
  }
  uname(&u);
  strftime(when, sizeof(when), "%Y-%m-%d %H:%M UTC", gmtime(&now));
  fprintf(f,
          "Measured %s on %s %s, %ld CPUs (shared), `gsctp-bench%s`: %d "
          "interleaved runs per figure, %.1f s per throughput/latency run; "
          "medians. Ratios are speed-ups (> 1 = better than the baseline).\n\n",
          when, u.sysname, u.release, sysconf(_SC_NPROCESSORS_ONLN),
          quick ? " --quick" : "", runs, secs);
  fprintf(f, "#### Throughput, 1500-byte path MTU\n\n");
  md_table(f, SEC_MTU, T_TPUT, all);
  fprintf(f, "#### Round-trip latency (median / 99th percentile), 1500-byte "
             "path MTU\n\n");
  md_table(f, SEC_MTU, T_LAT, all);
  fprintf(f, "#### Association setup on one one-to-many socket (rate, time "
             "to establish all, server RSS per association)\n\n");
  md_table(f, SEC_MTU, T_SETUP, all);
  fprintf(f,
          "#### Throughput, loopback path MTU (%d bytes for SCTP; TCP "
          "unclamped)\n\n",
          LO_MTU);
  md_table(f, SEC_LO, T_TPUT,
           (1 << V_RAW) | (1 << V_GSCTP) | (1 << V_TCP) | (1 << V_UDPCONN));
  fclose(f);
}

/* SVG: throughput at 1500-byte MTU, MB/s on a log scale, grouped bars. */
static void write_svg(const char *path) {
  static const char *const color[V__COUNT] = {"#7f7f7f", "#1f77b4", "#2ca02c",
                                              "#d62728", "#ff7f0e"};
  FILE *f = fopen(path, "w");
  int i, v, ng = 0, g;
  const int W = 960, H = 440, L = 70, R = 20, T = 50, B = 80;
  double lo = 1, hi = 10000;

  if (f == NULL) {
    fprintf(stderr, "gsctp-bench: cannot write %s: %s\n", path,
            strerror(errno));
    return;
  }
  for (i = 0; i < g_nent; ++i) {
    if (g_ent[i].section == SEC_MTU && g_ent[i].test == T_TPUT) {
      ng++;
    }
  }
  fprintf(f,
          "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" "
          "height=\"%d\" font-family=\"sans-serif\" font-size=\"12\">\n"
          "<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n"
          "<text x=\"%d\" y=\"22\" font-size=\"16\" font-weight=\"bold\">"
          "Throughput, 1500-byte path MTU (MB/s, log scale; higher is "
          "better)</text>\n",
          W, H, L);
  for (i = 0; i <= 4; ++i) { /* decades */
    double val = pow(10, i);
    double y = T + (H - T - B) *
                     (1 - (log10(val) - log10(lo)) / (log10(hi) - log10(lo)));

    fprintf(f,
            "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" "
            "stroke=\"#ddd\"/>\n<text x=\"%d\" y=\"%.1f\" "
            "text-anchor=\"end\">%g</text>\n",
            L, y, W - R, y, L - 6, y + 4, val);
  }
  g = 0;
  for (i = 0; i < g_nent; ++i) {
    const entry *e = &g_ent[i];
    double gw, x0, bw;
    char sz[32];
    int nb = 0, k = 0;

    if (e->section != SEC_MTU || e->test != T_TPUT || ng == 0) {
      continue;
    }
    gw = (double)(W - L - R) / ng;
    x0 = L + gw * g;
    for (v = 0; v < V__COUNT; ++v) {
      nb++;
    }
    bw = (gw - 16) / nb;
    for (v = 0; v < V__COUNT; ++v, ++k) {
      double mb = e->med[v][1], y, x = x0 + 8 + bw * k;

      if (e->nok[v] == 0 || !(mb > 0)) {
        fprintf(f,
                "<text x=\"%.1f\" y=\"%d\" font-size=\"9\" "
                "text-anchor=\"middle\" fill=\"%s\">n/a</text>\n",
                x + bw / 2, H - B - 4, color[v]);
        continue;
      }
      if (mb < lo) {
        mb = lo;
      }
      y = T +
          (H - T - B) * (1 - (log10(mb) - log10(lo)) / (log10(hi) - log10(lo)));
      fprintf(f,
              "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
              "fill=\"%s\"><title>%s: %.1f MB/s</title></rect>\n"
              "<text x=\"%.1f\" y=\"%.1f\" font-size=\"9\" "
              "text-anchor=\"middle\">%.0f</text>\n",
              x, y, bw - 2, (double)(H - B) - y, color[v], vtitle[v],
              e->med[v][1], x + bw / 2 - 1, y - 3, e->med[v][1]);
    }
    fmt_size(e->size, sz, sizeof(sz));
    fprintf(f,
            "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>\n"
            "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\" "
            "fill=\"#555\">%d stream%s</text>\n",
            x0 + gw / 2, H - B + 16, sz, x0 + gw / 2, H - B + 30, e->streams,
            e->streams == 1 ? "" : "s");
    g++;
  }
  for (v = 0; v < V__COUNT; ++v) {
    int x = L + v * 190;

    fprintf(f,
            "<rect x=\"%d\" y=\"%d\" width=\"14\" height=\"14\" "
            "fill=\"%s\"/><text x=\"%d\" y=\"%d\">%s%s</text>\n",
            x, H - 30, color[v], x + 20, H - 19, vtitle[v],
            unavailable(v) ? " (n/a)" : "");
  }
  fprintf(f, "</svg>\n");
  fclose(f);
}

static void usage(FILE *f) {
  fprintf(
    f, "usage: gsctp-bench [--quick | --tiny] [--runs N] [--secs S]\n"
       "                   [--setup N[,N...]] [--only tput|lat|setup]\n"
       "                   [--no-loopback] [--md FILE] [--svg FILE]\n"
       "                   [--size BYTES] [--variant NAME]\n"
       "\n"
       "Benchmarks raw usrsctp, gsctp (passive, {active,N}) and TCP on\n"
       "127.0.0.1, interleaved, medians over the runs.  Default: 5 runs\n"
       "of 3 s, setup of 1000 and 10000 associations.  --quick: 3 runs\n"
       "of 0.5 s, setup of 1000 (under 3 minutes).  --tiny: one short\n"
       "run of each kind (a smoke test).  --size and --variant (raw_usrsctp,\n"
       "gsctp, gsctp_active, tcp, gsctp_udp_conn; repeat it for several)\n"
       "restrict the runs, e.g. for profiling.\n"
       "Figures go to stdout, progress to stderr.\n");
}

int main(int argc, char **argv) {
  static const struct option lo[] = {{"quick", no_argument, NULL, 'q'},
                                     {"tiny", no_argument, NULL, 't'},
                                     {"runs", required_argument, NULL, 'r'},
                                     {"secs", required_argument, NULL, 's'},
                                     {"setup", required_argument, NULL, 'a'},
                                     {"only", required_argument, NULL, 'o'},
                                     {"no-loopback", no_argument, NULL, 'n'},
                                     {"md", required_argument, NULL, 'm'},
                                     {"svg", required_argument, NULL, 'g'},
                                     {"size", required_argument, NULL, 'z'},
                                     {"variant", required_argument, NULL, 'v'},
                                     {"help", no_argument, NULL, 'h'},
                                     {NULL, 0, NULL, 0}};
  int runs = 5, quick = 0, tiny = 0, noloop = 0, c, i, r, v, k, total, step;
  double secs = 3.0;
  const char *setup = NULL, *only = NULL, *md = NULL, *svg = NULL;
  int nsetup = 0, setups[8];
  const int all = (1 << V_RAW) | (1 << V_GSCTP) | (1 << V_ACTIVE) |
                  (1 << V_TCP) | (1 << V_UDPCONN);
  static const size_t sizes[] = {64, 1024, 16384, 65536};
  size_t only_size = 0;
  int vfilter = 0;
  double t_start = bench_now();

  while ((c = getopt_long(argc, argv, "", lo, NULL)) != -1) {
    switch (c) {
    case 'q':
      quick = 1;
      break;
    case 't':
      tiny = 1;
      break;
    case 'r':
      runs = atoi(optarg);
      if (runs < 1 || runs > MAX_RUNS) {
        fprintf(stderr, "gsctp-bench: --runs must be 1..%d\n", MAX_RUNS);
        return 2;
      }
      break;
    case 's':
      secs = atof(optarg);
      if (!(secs >= 0.05 && secs <= 600)) {
        fprintf(stderr, "gsctp-bench: --secs must be 0.05..600\n");
        return 2;
      }
      break;
    case 'a':
      setup = optarg;
      break;
    case 'o':
      only = optarg;
      if (strcmp(only, "tput") != 0 && strcmp(only, "lat") != 0 &&
          strcmp(only, "setup") != 0) {
        fprintf(stderr, "gsctp-bench: --only takes tput, lat or setup\n");
        return 2;
      }
      break;
    case 'n':
      noloop = 1;
      break;
    case 'm':
      md = optarg;
      break;
    case 'g':
      svg = optarg;
      break;
    case 'z':
      only_size = (size_t)strtoul(optarg, NULL, 10);
      if (only_size != 64 && only_size != 1024 && only_size != 16384 &&
          only_size != 65536) {
        fprintf(stderr, "gsctp-bench: --size takes 64, 1024, 16384 or 65536\n");
        return 2;
      }
      break;
    case 'v': { /* repeatable: the union of the variants named */
      int known = 0;

      for (v = 0; v < V__COUNT; ++v) {
        if (strcmp(optarg, vname[v]) == 0) {
          vfilter |= 1 << v;
          known = 1;
        }
      }
      if (!known) {
        fprintf(stderr, "gsctp-bench: unknown variant %s\n", optarg);
        return 2;
      }
      break;
    }
    case 'h':
      usage(stdout);
      return 0;
    default:
      usage(stderr);
      return 2;
    }
  }
  if (optind < argc) {
    usage(stderr);
    return 2;
  }
  if (quick) {
    runs = 3;
    secs = 0.5;
  }
  if (tiny) {
    runs = 1;
    secs = 0.2;
  }
  if (setup != NULL) {
    char *dup = strdup(setup), *tok, *save = NULL;

    for (tok = strtok_r(dup, ",", &save); tok != NULL && nsetup < 8;
         tok = strtok_r(NULL, ",", &save)) {
      int n = atoi(tok);

      if (n < 1 || n > 15000) {
        fprintf(stderr, "gsctp-bench: --setup counts must be 1..15000\n");
        free(dup);
        return 2;
      }
      setups[nsetup++] = n;
    }
    free(dup);
  } else if (tiny) {
    setups[nsetup++] = 20;
  } else if (quick) {
    setups[nsetup++] = 1000;
  } else {
    setups[nsetup++] = 1000;
    setups[nsetup++] = 10000;
  }

  /* The plan. */
  if (only == NULL || strcmp(only, "tput") == 0) {
    for (i = 0; i < 4; ++i) {
      if (tiny && i > 0) {
        break;
      }
      if (only_size != 0 && sizes[i] != only_size) {
        continue;
      }
      add(SEC_MTU, T_TPUT, sizes[i], 1, 0, all);
      if (!tiny) {
        add(SEC_MTU, T_TPUT, sizes[i], 8, 0, all);
      }
    }
  }
  if (only == NULL || strcmp(only, "lat") == 0) {
    add(SEC_MTU, T_LAT, 64, 1, 0, all);
  }
  if (only == NULL || strcmp(only, "setup") == 0) {
    for (i = 0; i < nsetup; ++i) {
      add(SEC_MTU, T_SETUP, 0, 1, setups[i], all);
    }
  }
  if (!noloop && !tiny && (only == NULL || strcmp(only, "tput") == 0)) {
    for (i = 0; i < 4; ++i) {
      if (only_size != 0 && sizes[i] != only_size) {
        continue;
      }
      add(SEC_LO, T_TPUT, sizes[i], 1, 0,
          (1 << V_RAW) | (1 << V_GSCTP) | (1 << V_TCP) | (1 << V_UDPCONN));
    }
  }

  signal(SIGPIPE, SIG_IGN);
  total = 0;
  for (i = 0; i < g_nent; ++i) {
    for (v = 0; v < V__COUNT; ++v) {
      if ((g_ent[i].vmask & (1 << v)) && unavailable(v) == NULL &&
          (vfilter == 0 || (vfilter & (1 << v)))) {
        total += runs;
      }
    }
  }
  step = 0;
  fprintf(stderr,
          "gsctp-bench: %d runs (%d repetitions, interleaved), %.2f s each\n",
          total, runs, secs);
  for (r = 0; r < runs; ++r) {
    for (i = 0; i < g_nent; ++i) {
      entry *e = &g_ent[i];

      for (v = 0; v < V__COUNT; ++v) {
        bparams p;
        double out[4] = {0, 0, 0, 0};
        char err[120];
        int pmtu = 0;

        if (!(e->vmask & (1 << v)) || unavailable(v) != NULL ||
            (vfilter != 0 && !(vfilter & (1 << v)))) {
          continue;
        }
        memset(&p, 0, sizeof(p));
        p.test = e->test;
        p.variant = v;
        p.size = e->size;
        p.streams = e->streams;
        p.secs = secs;
        p.nassoc = e->nassoc;
        p.pmtu = v == V_TCP && e->section == SEC_LO ? 0 : e->pmtu;
        err[0] = '\0';
        step++;
        if (run_once(&p, out, &pmtu, err, sizeof(err)) == 0) {
          for (k = 0; k < 4; ++k) {
            e->val[v][e->nok[v]][k] = out[k];
          }
          e->nok[v]++;
          if (pmtu > 0) {
            e->seen_pmtu[v] = pmtu;
          }
          fprintf(stderr,
                  "[%3d/%d %5.0fs] %-5s mtu=%-8s %6zu B x%d n=%-5d %-12s "
                  "run %d: %.3g %s\n",
                  step, total, bench_now() - t_start,
                  e->test == T_TPUT  ? "tput"
                  : e->test == T_LAT ? "lat"
                                     : "setup",
                  mtu_name(e), e->size, e->streams, e->nassoc, vname[v], r + 1,
                  e->test == T_TPUT ? out[1] : out[0],
                  e->test == T_TPUT  ? "MB/s"
                  : e->test == T_LAT ? "us p50"
                                     : "assoc/s");
        } else {
          snprintf(e->err[v], sizeof(e->err[v]), "%s", err);
          fprintf(stderr, "[%3d/%d %5.0fs] %s run %d FAILED: %s\n", step, total,
                  bench_now() - t_start, vname[v], r + 1, err);
        }
      }
    }
  }
  printf("# gsctp-bench: medians of %d interleaved runs; vs_* ratios are "
         "speed-ups (>1 = better than the baseline)\n",
         runs);
  for (i = 0; i < g_nent; ++i) {
    compute_medians(&g_ent[i]);
    for (v = 0; v < V__COUNT; ++v) {
      if (g_ent[i].vmask & (1 << v)) {
        print_line(stdout, &g_ent[i], v);
      }
    }
  }
  if (md != NULL) {
    write_md(md, runs, secs, quick);
  }
  if (svg != NULL) {
    write_svg(svg);
  }
  fprintf(stderr, "gsctp-bench: done in %.0f s\n", bench_now() - t_start);
  return 0;
}
