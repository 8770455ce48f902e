/*
 * tests/support/netns.c - two network namespaces joined by two veth
 * pairs (see netns.h).
 *
 * Namespaces are made and removed with `ip netns` (run without a shell,
 * bounded in time).  Reading a namespace's /proc files is done by a
 * short-lived thread that enters the namespace (setns) and reads
 * /proc/thread-self/net/dev or writes /proc/sys, so the calling process
 * (whose usrsctp threads may run in yet another namespace) never moves.
 */
#ifndef _GNU_SOURCE
#  define _GNU_SOURCE
#endif
#include "netns.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define NETNS_DIR "/var/run/netns"
#define PREFIX "gs-mh-"
#define CMD_TIMEOUT_MS 10000

static int64_t now_ms(void) {
  struct timespec ts;

  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int tn_run(char *const argv[], int timeout_ms) {
  int64_t deadline = now_ms() + timeout_ms;
  int status = 0;
  pid_t pid, r;
  long i;

  fflush(stdout);
  fflush(stderr);
  pid = fork();
  if (pid < 0) {
    return -1;
  }
  if (pid == 0) {
    int fd = open("/dev/null", O_RDWR);

    if (fd >= 0) {
      dup2(fd, 1);
      dup2(fd, 2);
    }
    execvp(argv[0], argv);
    _exit(127);
  }
  for (i = 0; i < 100000; ++i) {
    r = waitpid(pid, &status, WNOHANG);
    if (r == pid) {
      return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    }
    if (r < 0 && errno != EINTR) {
      return -1;
    }
    if (now_ms() > deadline) {
      break;
    }
    usleep(2000);
  }
  kill(pid, SIGKILL);
  (void)waitpid(pid, &status, 0);
  return -1;
}

/* Runs a command given as one string of words separated by single
 * spaces (no quoting: names and addresses here have no spaces). */
static int runf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static int runf(const char *fmt, ...) {
  char line[512], *argv[32], *p, *save = NULL;
  int argc = 0;
  va_list ap;

  va_start(ap, fmt);
  vsnprintf(line, sizeof(line), fmt, ap);
  va_end(ap);
  for (p = strtok_r(line, " ", &save); p != NULL && argc < 31;
       p = strtok_r(NULL, " ", &save)) {
    argv[argc++] = p;
  }
  argv[argc] = NULL;
  if (argc == 0) {
    return -1;
  }
  return tn_run(argv, CMD_TIMEOUT_MS);
}

int tn_available(char *why, size_t whylen) {
  char *argv[] = {"ip", "-V", NULL};

  if (geteuid() != 0) {
    snprintf(why, whylen,
             "needs root to create network namespaces (ip netns); "
             "run as root (CI does)");
    return 0;
  }
  if (tn_run(argv, CMD_TIMEOUT_MS) != 0) {
    snprintf(why, whylen, "the `ip` tool (iproute2) is not installed");
    return 0;
  }
  return 1;
}

void tn_cleanup_stale(void) {
  DIR *d = opendir(NETNS_DIR);
  struct dirent *e;
  int n = 0;

  while (d != NULL && (e = readdir(d)) != NULL && n < 10000) {
    long pid;
    char *end;

    ++n;
    if (strncmp(e->d_name, PREFIX, strlen(PREFIX)) != 0) {
      continue;
    }
    pid = strtol(e->d_name + strlen(PREFIX), &end, 10);
    if (pid <= 0 || *end != '-') {
      continue;
    }
    if (kill((pid_t)pid, 0) == 0 || errno != ESRCH) {
      continue; /* its test is still running */
    }
    (void)runf("ip netns del %s", e->d_name);
  }
  if (d != NULL) {
    closedir(d);
  }
}

const char *tn_ifname(int side, int path) {
  static const char *names[2][2] = {{"mha1", "mha2"}, {"mhb1", "mhb2"}};

  return names[side ? 1 : 0][path == 2 ? 1 : 0];
}

gsctp_ip tn_ip(int family, int side, int path) {
  gsctp_ip ip;

  memset(&ip, 0, sizeof(ip));
  if (family == GSCTP_FAMILY_INET6) {
    ip.family = GSCTP_FAMILY_INET6;
    ip.u.v6[0] = 0xfd;
    ip.u.v6[1] = 0x00;
    ip.u.v6[2] = 0x00;
    ip.u.v6[3] = 0x81;
    ip.u.v6[4] = 0x00;
    ip.u.v6[5] = (uint8_t)path;
    ip.u.v6[15] = (uint8_t)(side + 1);
  } else {
    ip = gsctp_ip_v4(198, 18, (uint8_t)path, (uint8_t)(side + 1));
  }
  return ip;
}

/* Work done by a thread inside a namespace. */
typedef struct ns_job {
  const char *nspath;
  const char *file;
  char *buf;
  size_t buflen;
  int write; /* 1: write buf to file; 0: read file into buf */
  int rc;
} ns_job;

static void *ns_job_main(void *arg) {
  ns_job *j = arg;
  int nsfd, fd;
  ssize_t n;

  j->rc = -1;
  nsfd = open(j->nspath, O_RDONLY | O_CLOEXEC);
  if (nsfd < 0) {
    return NULL;
  }
  if (setns(nsfd, CLONE_NEWNET) != 0) {
    close(nsfd);
    return NULL;
  }
  close(nsfd);
  fd = open(j->file, (j->write ? O_WRONLY : O_RDONLY) | O_CLOEXEC);
  if (fd < 0) {
    return NULL;
  }
  if (j->write) {
    n = write(fd, j->buf, strlen(j->buf));
    j->rc = n == (ssize_t)strlen(j->buf) ? 0 : -1;
  } else {
    size_t got = 0;
    int i;

    for (i = 0; i < 1000 && got + 1 < j->buflen; ++i) {
      n = read(fd, j->buf + got, j->buflen - 1 - got);
      if (n <= 0) {
        break;
      }
      got += (size_t)n;
    }
    j->buf[got] = 0;
    j->rc = 0;
  }
  close(fd);
  return NULL; /* the thread ends: its namespace goes with it */
}

static int ns_job_run(ns_job *j) {
  pthread_t t;

  if (pthread_create(&t, NULL, ns_job_main, j) != 0) {
    return -1;
  }
  pthread_join(t, NULL);
  return j->rc;
}

static int ns_sysctl(const tn_net *net, int side, const char *file,
                     const char *value) {
  char buf[32];
  ns_job j;

  snprintf(buf, sizeof(buf), "%s", value);
  memset(&j, 0, sizeof(j));
  j.nspath = net->path[side];
  j.file = file;
  j.buf = buf;
  j.buflen = sizeof(buf);
  j.write = 1;
  return ns_job_run(&j);
}

static int setup_side(tn_net *net, int side) {
  const char *ns = net->name[side];
  int path;

  if (runf("ip -n %s link set lo up", ns) != 0) {
    return -1;
  }
  for (path = 1; path <= 2; ++path) {
    char b4[GSCTP_IP_STRLEN], b6[GSCTP_IP_STRLEN];
    gsctp_ip ip4 = tn_ip(GSCTP_FAMILY_INET, side, path);
    gsctp_ip ip6 = tn_ip(GSCTP_FAMILY_INET6, side, path);
    const char *ifn = tn_ifname(side, path);

    gsctp_ip_format(&ip4, b4, sizeof(b4));
    gsctp_ip_format(&ip6, b6, sizeof(b6));
    if (runf("ip -n %s addr add %s/24 dev %s", ns, b4, ifn) != 0 ||
        runf("ip -n %s addr add %s/64 dev %s nodad", ns, b6, ifn) != 0 ||
        runf("ip -n %s link set %s up", ns, ifn) != 0) {
      return -1;
    }
  }
  return 0;
}

/* Permanent neighbour entries for the other side's addresses (the MACs
 * are fixed at creation): a veth that has just come up answers neighbour
 * solicitations only after the kernel's link watch has run (up to a
 * second), which would cost the first INIT a retransmission. */
static int static_neighbours(tn_net *net, int side) {
  int path, fam;

  for (path = 1; path <= 2; ++path) {
    for (fam = 0; fam < 2; ++fam) {
      char b[GSCTP_IP_STRLEN];
      gsctp_ip ip =
        tn_ip(fam ? GSCTP_FAMILY_INET6 : GSCTP_FAMILY_INET, !side, path);

      gsctp_ip_format(&ip, b, sizeof(b));
      if (runf("ip -n %s neigh replace %s lladdr 02:81:00:00:0%d:0%d dev %s "
               "nud permanent",
               net->name[side], b, path, side ? 1 : 2,
               tn_ifname(side, path)) != 0) {
        return -1;
      }
    }
  }
  return 0;
}

int tn_create(tn_net *net, char *why, size_t whylen) {
  int side, path;

  memset(net, 0, sizeof(*net));
  tn_cleanup_stale();
  for (side = 0; side < 2; ++side) {
    snprintf(net->name[side], sizeof(net->name[side]), PREFIX "%d-%c",
             (int)getpid(), side == 0 ? 'a' : 'b');
    snprintf(net->path[side], sizeof(net->path[side]), NETNS_DIR "/%s",
             net->name[side]);
    (void)runf("ip netns del %s", net->name[side]); /* our own leftover */
    if (runf("ip netns add %s", net->name[side]) != 0) {
      snprintf(why, whylen, "ip netns add %s failed", net->name[side]);
      tn_destroy(net);
      return -1;
    }
    net->created[side] = 1;
    /* Keep IPv6 addresses while a link is down (usrsctp knows only the
     * addresses that existed when its stack started), and no duplicate
     * address detection on the veths made next: their link-local
     * addresses would stay tentative for a second or two and delay
     * neighbour discovery. */
    if (ns_sysctl(net, side, "/proc/sys/net/ipv6/conf/all/keep_addr_on_down",
                  "1") != 0 ||
        ns_sysctl(net, side, "/proc/sys/net/ipv6/conf/default/accept_dad",
                  "0") != 0 ||
        ns_sysctl(net, side, "/proc/sys/net/ipv6/conf/all/accept_dad", "0") !=
          0) {
      snprintf(why, whylen, "sysctl in namespace %s failed", net->name[side]);
      tn_destroy(net);
      return -1;
    }
  }
  for (path = 1; path <= 2; ++path) {
    if (runf("ip -n %s link add %s address 02:81:00:00:0%d:01 type veth "
             "peer name %s address 02:81:00:00:0%d:02 netns %s",
             net->name[0], tn_ifname(TN_A, path), path, tn_ifname(TN_B, path),
             path, net->name[1]) != 0) {
      snprintf(why, whylen, "ip link add veth (path %d) failed", path);
      tn_destroy(net);
      return -1;
    }
  }
  for (side = 0; side < 2; ++side) {
    if (setup_side(net, side) != 0 || static_neighbours(net, side) != 0) {
      snprintf(why, whylen, "configuring namespace %s failed", net->name[side]);
      tn_destroy(net);
      return -1;
    }
  }
  return 0;
}

void tn_destroy(tn_net *net) {
  int side;

  for (side = 0; side < 2; ++side) {
    if (net->created[side]) {
      (void)runf("ip netns del %s", net->name[side]);
      net->created[side] = 0;
    }
  }
}

int tn_link_set(const tn_net *net, int side, int path, int up) {
  return runf("ip -n %s link set %s %s", net->name[side], tn_ifname(side, path),
              up ? "up" : "down") == 0
           ? 0
           : -1;
}

int tn_counters(const tn_net *net, int side, int path, uint64_t *prx,
                uint64_t *ptx) {
  char buf[8192], want[32], *line, *save = NULL;
  ns_job j;

  memset(&j, 0, sizeof(j));
  j.nspath = net->path[side];
  j.file = "/proc/thread-self/net/dev";
  j.buf = buf;
  j.buflen = sizeof(buf);
  if (ns_job_run(&j) != 0) {
    return -1;
  }
  snprintf(want, sizeof(want), "%s:", tn_ifname(side, path));
  for (line = strtok_r(buf, "\n", &save); line != NULL;
       line = strtok_r(NULL, "\n", &save)) {
    unsigned long long v[16];
    char *p = line;

    while (*p == ' ') {
      ++p;
    }
    if (strncmp(p, want, strlen(want)) != 0) {
      continue;
    }
    /* rx: bytes packets errs drop fifo frame compressed multicast;
     * tx: bytes packets ... */
    if (sscanf(p + strlen(want),
               "%llu %llu %llu %llu %llu %llu %llu %llu %llu %llu", &v[0],
               &v[1], &v[2], &v[3], &v[4], &v[5], &v[6], &v[7], &v[8],
               &v[9]) != 10) {
      return -1;
    }
    if (prx != NULL) {
      *prx = v[1];
    }
    if (ptx != NULL) {
      *ptx = v[9];
    }
    return 0;
  }
  return -1;
}

int tn_enter(const tn_net *net, int side) {
  int fd = open(net->path[side], O_RDONLY | O_CLOEXEC);
  int rc;

  if (fd < 0) {
    return -1;
  }
  rc = setns(fd, CLONE_NEWNET);
  close(fd);
  return rc == 0 ? 0 : -1;
}
