/*
 * bench/failover.c - gsctp-failover: measures multi-homing failover time
 * between two namespaces (tests/support/netns.c, mh.c; needs root).
 *
 *   gsctp-failover [--default | --tuned] [--runs N] [--side a|b]
 *                  [--family 4|6] [--transport udp|raw] [--gap MS]
 *                  [--phase MS]
 *
 * Each run is a fresh process with a fresh stack (usrsctp cannot be
 * restarted in a process): namespaces, peer, association over two
 * paths, numbered messages every --gap ms (default 10), then path 1's
 * link goes down on the peer's side (--side b, the default: the packets
 * vanish, as when a cable beyond us is cut) or ours (--side a: our
 * sends then fail with ENETUNREACH).  It prints, per run and as
 * medians, the time from link down to: the first message delivered over
 * path 2, addr_unreachable at the sender and at the peer, the longest
 * delivery gap, and addr_available after the link is back.
 *
 * --default keeps usrsctp's timers (RTO 1..60 s, initial 3 s,
 * heartbeat 30 s, pathmaxrxt 5, asocmaxrxt 10); --tuned uses the test
 * suite's (RTO 100..400 ms, heartbeat 200 ms, pathmaxrxt 2).  An event
 * that did not come within --phase ms (default 20 s tuned, 400 s
 * default) shows as -1; a run fails only if a message was lost,
 * duplicated or reordered.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gsctp/gsctp.h>

#include "mh.h"
#include "netns.h"

#define MAX_RUNS 20

typedef struct opts {
  int tuned, runs, side, family, transport, gap, phase;
} opts;

static const char help_text[] =
  "usage: gsctp-failover [--default | --tuned] [--runs N] [--side a|b]\n"
  "                      [--family 4|6] [--transport udp|raw] [--gap MS]\n"
  "                      [--phase MS]\n"
  "\n"
  "Measures multi-homing failover between two network namespaces it\n"
  "creates and removes (needs root).  Each run: an association over two\n"
  "paths, a numbered message every --gap ms, then path 1's link goes down\n"
  "and later up again.  Prints per run and as medians the time from link\n"
  "down to the first message over path 2, to addr_unreachable at the\n"
  "sender and at the peer, the longest delivery gap, and addr_available\n"
  "after link up (-1: the event did not come within --phase ms).\n"
  "\n"
  "  --tuned          RTO 100..400 ms, heartbeat 200 ms, pathmaxrxt 2\n"
  "                   (default)\n"
  "  --default        usrsctp's timers: RTO 1..60 s, heartbeat 30 s,\n"
  "                   pathmaxrxt 5 (a run takes about six minutes)\n"
  "  --runs N         runs, 1..20 (default 3)\n"
  "  --side a|b       whose link goes down: a = ours (sends fail at once),\n"
  "                   b = the peer's (packets vanish; default)\n"
  "  --family 4|6     IPv4 (default) or IPv6\n"
  "  --transport T    udp (default) or raw\n"
  "  --gap MS         milliseconds between messages, 1..10000 (default 10)\n"
  "  --phase MS       how long to wait for each event, 1..600000 (default\n"
  "                   20000 tuned, 400000 default)\n"
  "\n"
  "Exit status: 0 ok, 1 a message was lost, duplicated or reordered (or\n"
  "a run failed), 2 bad usage, 77 namespaces cannot be made here (not\n"
  "root, or no ip command).\n";

static int usage(void) {
  fputs(help_text, stderr);
  return 2;
}

/* |v| as an integer in lo..hi into |*out|; 0 or -1. */
static int int_arg(const char *v, long lo, long hi, int *out) {
  char *end;
  long x;

  if (v == NULL || *v == '\0') {
    return -1;
  }
  x = strtol(v, &end, 10);
  if (*end != '\0' || x < lo || x > hi) {
    return -1;
  }
  *out = (int)x;
  return 0;
}

/* One run in this (fresh) process; the result goes to |fd|. */
static int one_run(const opts *o, int fd) {
  mh_run run;
  mh_cfg cfg;
  mh_failover r;
  int rc;

  memset(&r, 0, sizeof(r));
  if (o->tuned) {
    mh_cfg_tuned(&cfg, o->family, o->transport);
  } else {
    mh_cfg_default(&cfg, o->family, o->transport);
  }
  rc = mh_start(&run, &cfg);
  if (rc == 0) {
    rc = mh_open_a(&run, NULL, 0) == 0 ? 0 : -1;
  }
  if (rc == 0) {
    rc = mh_connect(&run, 1, 30000);
  }
  if (rc == 0) {
    rc = mh_failover_run(&run, o->side, o->gap, o->phase, &r);
    if (getenv("GSCTP_FAILOVER_LOG") != NULL) {
      mh_dump(&run, r.t_down);
    }
  }
  if (rc != 0) {
    fprintf(stderr, "gsctp-failover: %s\n", run.why);
    if (r.t_down > 0 && r.nsent > 0 && r.ndelivered == r.nsent && r.nbad == 0) {
      rc = 0; /* only an event was late: the row shows -1 for it */
    }
  }
  mh_stop(&run);
  if (write(fd, &r, sizeof(r)) != (ssize_t)sizeof(r)) {
    return 3;
  }
  return rc == 0 ? 0 : 1;
}

static int cmp64(const void *a, const void *b) {
  int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
  return (x > y) - (x < y);
}

static int64_t median(int64_t *v, int n) {
  if (n == 0) {
    return -1;
  }
  qsort(v, (size_t)n, sizeof(*v), cmp64);
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static int64_t since(int64_t t, int64_t t0) {
  return t >= 0 ? t - t0 : -1;
}

int main(int argc, char **argv) {
  opts o = {1, 3, TN_B, GSCTP_FAMILY_INET, GSCTP_TRANSPORT_UDP, 10, 0};
  int64_t alt[MAX_RUNS], ua[MAX_RUNS], ub[MAX_RUNS], gap[MAX_RUNS],
    va[MAX_RUNS], vb[MAX_RUNS];
  char why[256];
  int i, n = 0, failed = 0;

  for (i = 1; i < argc; ++i) {
    const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
    int bad = 0;
    if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
      fputs(help_text, stdout);
      return 0;
    } else if (strcmp(a, "--default") == 0) {
      o.tuned = 0;
    } else if (strcmp(a, "--tuned") == 0) {
      o.tuned = 1;
    } else if (strcmp(a, "--runs") == 0) {
      bad = int_arg(v, 1, MAX_RUNS, &o.runs), ++i;
    } else if (strcmp(a, "--side") == 0 && v != NULL &&
               (strcmp(v, "a") == 0 || strcmp(v, "b") == 0)) {
      o.side = v[0] == 'a' ? TN_A : TN_B, ++i;
    } else if (strcmp(a, "--family") == 0 && v != NULL &&
               (strcmp(v, "4") == 0 || strcmp(v, "6") == 0)) {
      o.family = v[0] == '6' ? GSCTP_FAMILY_INET6 : GSCTP_FAMILY_INET, ++i;
    } else if (strcmp(a, "--transport") == 0 && v != NULL &&
               (strcmp(v, "udp") == 0 || strcmp(v, "raw") == 0)) {
      o.transport =
        strcmp(v, "raw") == 0 ? GSCTP_TRANSPORT_RAW : GSCTP_TRANSPORT_UDP,
      ++i;
    } else if (strcmp(a, "--gap") == 0) {
      bad = int_arg(v, 1, 10000, &o.gap), ++i;
    } else if (strcmp(a, "--phase") == 0) {
      bad = int_arg(v, 1, 600000, &o.phase), ++i;
    } else {
      bad = -1;
    }
    if (bad != 0) {
      fprintf(stderr, "gsctp-failover: bad argument: %s%s%s\n\n", a,
              v != NULL ? " " : "", v != NULL ? v : "");
      return usage();
    }
  }
  if (o.phase == 0) {
    o.phase = o.tuned ? 20000 : 400000;
  }
  if (!tn_available(why, sizeof(why))) {
    fprintf(stderr, "gsctp-failover: %s\n", why);
    return 77;
  }
  printf("# gsctp-failover: %s timers, IPv%d over %s, link down on %s "
         "side, a "
         "message every %d ms; times in ms from link down (link up for "
         "available)\n",
         o.tuned ? "tuned (RTO 100..400 ms, hb 200 ms, pathmaxrxt 2)"
                 : "default (RTO 1..60 s, hb 30 s, pathmaxrxt 5)",
         o.family == GSCTP_FAMILY_INET6 ? 6 : 4,
         o.transport == GSCTP_TRANSPORT_RAW ? "raw IP" : "UDP",
         o.side == TN_A ? "our" : "the peer's", o.gap);
  printf("run first_on_path2 unreachable_sender unreachable_peer "
         "longest_gap available_sender available_peer sent delivered\n");
  fflush(stdout);
  for (i = 0; i < o.runs; ++i) {
    mh_failover r;
    int pfd[2], st = 0;
    pid_t pid;

    if (pipe(pfd) != 0) {
      return 1;
    }
    fflush(stdout);
    pid = fork();
    if (pid == 0) {
      close(pfd[0]);
      _exit(one_run(&o, pfd[1]));
    }
    close(pfd[1]);
    memset(&r, 0, sizeof(r));
    if (pid < 0 || read(pfd[0], &r, sizeof(r)) != (ssize_t)sizeof(r)) {
      r.t_down = -1;
    }
    close(pfd[0]);
    if (pid > 0) {
      (void)waitpid(pid, &st, 0);
    }
    if (r.t_down <= 0 || !WIFEXITED(st) || WEXITSTATUS(st) != 0) {
      printf("%d failed\n", i + 1);
      ++failed;
      continue;
    }
    alt[n] = since(r.t_first_alt, r.t_down);
    ua[n] = since(r.t_unreach_a, r.t_down);
    ub[n] = since(r.t_unreach_b, r.t_down);
    gap[n] = r.max_gap;
    va[n] = since(r.t_avail_a, r.t_up);
    vb[n] = since(r.t_avail_b, r.t_up);
    printf("%d %lld %lld %lld %lld %lld %lld %u %u\n", i + 1, (long long)alt[n],
           (long long)ua[n], (long long)ub[n], (long long)gap[n],
           (long long)va[n], (long long)vb[n], r.nsent, r.ndelivered);
    fflush(stdout);
    ++n;
  }
  printf("median %lld %lld %lld %lld %lld %lld (%d runs, %d failed)\n",
         (long long)median(alt, n), (long long)median(ua, n),
         (long long)median(ub, n), (long long)median(gap, n),
         (long long)median(va, n), (long long)median(vb, n), n, failed);
  return failed ? 1 : 0;
}
