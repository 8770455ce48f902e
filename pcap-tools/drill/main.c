/*
 * main.c - gsctp-drill: run packetdrill-style SCTP scripts against gsctp.
 *
 * usrsctp is once per process, so every script runs in a fresh child
 * process (fork).  The parent parses the script first (syntax errors need
 * no stack), then waits for the child's verdict on a pipe with a
 * wall-clock bound; a child that does not finish in time is killed and
 * the script reported as TIMED OUT.
 */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "drill.h"

static const char usage_text[] =
  "usage: gsctp-drill [OPTION]... SCRIPT|DIR...\n"
  "\n"
  "Runs packetdrill-style SCTP scripts (*.pkt) against the gsctp stack over\n"
  "an in-memory AF_CONN link in virtual time, each in its own process.\n"
  "A directory argument runs every *.pkt file in it (sorted by name).\n"
  "Prints PASSED, FAILED (with the first mismatch: line, expected and\n"
  "actual, field by field) or TIMED OUT per script, then a closing line\n"
  "\"drill: N passed, M failed\".  The grammar is in docs/conformance.md.\n"
  "\n"
  "Options:\n"
  "  -o, --out DIR       write a pcap of every run (LINKTYPE_SCTP, 248) to\n"
  "                      DIR/<script>.pcap; default: drill-out\n"
  "  -n, --no-pcap       write no pcap\n"
  "  -t, --timeout SEC   wall-clock bound per script (default 30); a script\n"
  "                      that runs longer is killed and reported TIMED OUT\n"
  "  -v, --verbose       print every outbound packet as it is matched\n"
  "  -D, --define NAME   keep `#ifdef NAME` blocks (case-insensitive; gsctp\n"
  "                      is always defined, Linux/FreeBSD/... are not)\n"
  "  -p, --parse-only    only parse the scripts (syntax check): prints\n"
  "                      PARSED or FAILED per script, runs nothing\n"
  "  -h, --help          print this help and exit\n"
  "\n"
  "Exit status: 0 if every script passed (or failed as marked with\n"
  "--xfail inside it), 1 if any failed or timed out, 2 on usage errors.\n";

typedef struct opts {
  const char *outdir;
  int nopcap;
  int timeout_s;
  int verbose;
  int parse_only;
} opts;

static char *read_file(const char *path, char *err, size_t errlen) {
  FILE *f = fopen(path, "rb");
  char *buf;
  long n;

  if (f == NULL) {
    snprintf(err, errlen, "cannot open: %s", strerror(errno));
    return NULL;
  }
  if (fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 || n > (1L << 24) ||
      fseek(f, 0, SEEK_SET) != 0) {
    snprintf(err, errlen, "cannot read (or larger than 16 MiB)");
    fclose(f);
    return NULL;
  }
  buf = malloc((size_t)n + 1);
  if (buf == NULL) {
    snprintf(err, errlen, "out of memory");
    fclose(f);
    return NULL;
  }
  if (fread(buf, 1, (size_t)n, f) != (size_t)n) {
    snprintf(err, errlen, "read error");
    free(buf);
    fclose(f);
    return NULL;
  }
  buf[n] = '\0';
  if (memchr(buf, '\0', (size_t)n) != NULL) {
    snprintf(err, errlen, "not a text file (contains NUL bytes)");
    free(buf);
    fclose(f);
    return NULL;
  }
  fclose(f);
  return buf;
}

static void pcap_name(const opts *o, const char *path, char *out, size_t len) {
  const char *base = strrchr(path, '/');
  char stem[256];
  char *dot;

  snprintf(stem, sizeof(stem), "%s", base ? base + 1 : path);
  dot = strrchr(stem, '.');
  if (dot != NULL) {
    *dot = '\0';
  }
  snprintf(out, len, "%s/%s.pcap", o->outdir, stem);
}

/* Runs one script.  Returns 1 if it counts as passed, 0 otherwise. */
static int run_one(const opts *o, const char *path) {
  char err[8192], *text;
  script s;
  int fds[2], status = 0, timed_out = 0, code;
  pid_t pid;
  char pcap[4096];
  size_t got = 0;
  struct timespec start, now;

  err[0] = '\0';
  text = read_file(path, err, sizeof(err));
  if (text == NULL) {
    printf("FAILED    %s\n    %s\n", path, err);
    return 0;
  }
  if (script_parse(&s, path, text, err, sizeof(err)) != 0) {
    free(text);
    script_free(&s);
    printf("FAILED    %s\n    %s\n", path, err);
    return 0;
  }
  free(text);
  if (o->parse_only) {
    printf("PARSED    %s (%zu events)\n", path, s.nev);
    script_free(&s);
    return 1;
  }
  pcap_name(o, path, pcap, sizeof(pcap));
  if (pipe(fds) != 0) {
    printf("FAILED    %s\n    pipe: %s\n", path, strerror(errno));
    script_free(&s);
    return 0;
  }
  fflush(stdout);
  pid = fork();
  if (pid < 0) {
    printf("FAILED    %s\n    fork: %s\n", path, strerror(errno));
    close(fds[0]);
    close(fds[1]);
    script_free(&s);
    return 0;
  }
  if (pid == 0) {
    run_opts ro;
    int rv;
    close(fds[0]);
    memset(&ro, 0, sizeof(ro));
    ro.pcap_path = o->nopcap ? NULL : pcap;
    ro.verbose = o->verbose;
    if (o->verbose) {
      printf("RUN       %s\n", path);
    }
    rv = run_script(&s, &ro, err, sizeof(err));
    fflush(stdout);
    if (write(fds[1], err, strlen(err)) < 0) {
      rv = 1;
    }
    close(fds[1]);
    /* no usrsctp_finish (it can hang); _exit skips atexit handlers */
    _exit(rv);
  }
  close(fds[1]);
  err[0] = '\0';
  clock_gettime(CLOCK_MONOTONIC, &start);
  for (;;) {
    struct pollfd pfd = {fds[0], POLLIN, 0};
    long elapsed_ms, left;
    int pr;
    clock_gettime(CLOCK_MONOTONIC, &now);
    elapsed_ms = (now.tv_sec - start.tv_sec) * 1000 +
                 (now.tv_nsec - start.tv_nsec) / 1000000;
    left = (long)o->timeout_s * 1000 - elapsed_ms;
    if (left <= 0) {
      timed_out = 1;
      break;
    }
    pr = poll(&pfd, 1, (int)(left > 1000 ? 1000 : left));
    if (pr < 0 && errno != EINTR) {
      break;
    }
    if (pr > 0) {
      ssize_t n = read(fds[0], err + got, sizeof(err) - 1 - got);
      if (n <= 0) {
        break; /* EOF: the child is done */
      }
      got += (size_t)n;
      err[got] = '\0';
    }
  }
  close(fds[0]);
  if (timed_out) {
    kill(pid, SIGKILL);
  }
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (timed_out) {
    printf("TIMED OUT %s\n    no verdict within %d s of wall-clock time\n",
           path, o->timeout_s);
    script_free(&s);
    return 0;
  }
  if (WIFEXITED(status)) {
    code = WEXITSTATUS(status);
  } else {
    code = 1;
    snprintf(err + strlen(err), sizeof(err) - strlen(err),
             "%sthe child process died with signal %d", err[0] ? "; " : "",
             WIFSIGNALED(status) ? WTERMSIG(status) : 0);
  }
  if (s.xfail != NULL) {
    if (code != 0) {
      printf("XFAIL     %s (%s)\n    %s\n", path, s.xfail, err);
      script_free(&s);
      return 1;
    }
    printf("XPASS     %s: marked --xfail (%s) but passed\n", path, s.xfail);
    script_free(&s);
    return 0;
  }
  script_free(&s);
  if (code == 0) {
    printf("PASSED    %s\n", path);
    return 1;
  }
  printf("FAILED    %s\n    %s\n", path, err[0] ? err : "(no message)");
  return 0;
}

static int cmpstr(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Runs every *.pkt in |dir|; adds to the counters. */
static int run_dir(const opts *o, const char *dir, int *pass, int *fail) {
  DIR *d = opendir(dir);
  struct dirent *de;
  char **names = NULL;
  size_t n = 0, i;

  if (d == NULL) {
    fprintf(stderr, "gsctp-drill: %s: %s\n", dir, strerror(errno));
    return -1;
  }
  while ((de = readdir(d)) != NULL) {
    size_t l = strlen(de->d_name);
    char **nn;
    if (l < 5 || strcmp(de->d_name + l - 4, ".pkt") != 0) {
      continue;
    }
    nn = realloc(names, (n + 1) * sizeof(*nn));
    if (nn == NULL) {
      break;
    }
    names = nn;
    names[n] = malloc(strlen(dir) + l + 2);
    if (names[n] == NULL) {
      break;
    }
    sprintf(names[n], "%s/%s", dir, de->d_name);
    n++;
  }
  closedir(d);
  if (names != NULL) {
    qsort(names, n, sizeof(*names), cmpstr);
  }
  for (i = 0; i < n; ++i) {
    if (run_one(o, names[i])) {
      (*pass)++;
    } else {
      (*fail)++;
    }
    free(names[i]);
  }
  free(names);
  return 0;
}

int main(int argc, char **argv) {
  static const struct option lopts[] = {
    {"out", required_argument, NULL, 'o'},
    {"no-pcap", no_argument, NULL, 'n'},
    {"timeout", required_argument, NULL, 't'},
    {"verbose", no_argument, NULL, 'v'},
    {"parse-only", no_argument, NULL, 'p'},
    {"define", required_argument, NULL, 'D'},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0}};
  opts o;
  int c, i, pass = 0, fail = 0;

  memset(&o, 0, sizeof(o));
  o.outdir = "drill-out";
  o.timeout_s = 30;
  while ((c = getopt_long(argc, argv, "o:nt:vphD:", lopts, NULL)) != -1) {
    switch (c) {
    case 'o':
      o.outdir = optarg;
      break;
    case 'n':
      o.nopcap = 1;
      break;
    case 't': {
      char *end;
      long v = strtol(optarg, &end, 10);
      if (*end != '\0' || v < 1 || v > 86400) {
        fprintf(stderr, "gsctp-drill: bad --timeout '%s' (1..86400)\n", optarg);
        return 2;
      }
      o.timeout_s = (int)v;
      break;
    }
    case 'v':
      o.verbose = 1;
      break;
    case 'D':
      if (script_define(optarg) != 0) {
        fprintf(stderr, "gsctp-drill: too many --define\n");
        return 2;
      }
      break;
    case 'p':
      o.parse_only = 1;
      o.nopcap = 1;
      break;
    case 'h':
      fputs(usage_text, stdout);
      return 0;
    default:
      fputs(usage_text, stderr);
      return 2;
    }
  }
  if (optind >= argc) {
    fprintf(stderr, "gsctp-drill: no script given\n");
    fputs(usage_text, stderr);
    return 2;
  }
  if (!o.nopcap && mkdir(o.outdir, 0777) != 0 && errno != EEXIST) {
    fprintf(stderr, "gsctp-drill: cannot create %s: %s\n", o.outdir,
            strerror(errno));
    return 2;
  }
  setvbuf(stdout, NULL, _IOLBF, 0);
  for (i = optind; i < argc; ++i) {
    struct stat st;
    if (stat(argv[i], &st) == 0 && S_ISDIR(st.st_mode)) {
      if (run_dir(&o, argv[i], &pass, &fail) != 0) {
        fail++;
      }
    } else if (run_one(&o, argv[i])) {
      pass++;
    } else {
      fail++;
    }
  }
  printf("drill: %d passed, %d failed\n", pass, fail);
  return fail == 0 ? 0 : 1;
}
