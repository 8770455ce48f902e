/*
 * bench.h - gsctp-bench: shared definitions of the driver and the workers.
 *
 * The driver (main.c) never starts an SCTP stack itself.  For every run it
 * forks a server process and a client process (usrsctp is one stack per
 * process, and two processes put sender and receiver on separate stacks
 * and separate CPUs, as two real hosts would be).  Each worker reports
 * "key=value" lines back through a pipe; the driver bounds every run in
 * time and kills both children by PID afterwards.
 */
#ifndef GSCTP_BENCH_H
#define GSCTP_BENCH_H

#include <stddef.h>
#include <stdint.h>

/* What a run measures. */
enum { T_TPUT = 1, T_LAT, T_SETUP };

/* Which implementation runs. */
enum {
  V_RAW = 0, /* raw usrsctp, its defaults, upcall API */
  V_GSCTP,   /* gsctp front end, passive mode */
  V_ACTIVE,  /* gsctp {active, N} */
  V_TCP,     /* kernel TCP over loopback */
  V_UDPCONN, /* gsctp passive on the udp_conn transport (gsctp's own UDP) */
  V__COUNT
};

/* Parameters of one run, the same for server and client. */
typedef struct bparams {
  int test;    /* T_* */
  int variant; /* V_* */
  size_t size; /* message size, bytes */
  int streams; /* streams used round-robin (tput) */
  double secs; /* duration of a tput/lat run */
  int nassoc;  /* associations (setup) */
  int pmtu;    /* SCTP path MTU to set, 0 = leave the default */
} bparams;

/* Where the client finds the server. */
typedef struct bpeer {
  int port;     /* SCTP or TCP port */
  int udp_port; /* the server's UDP encapsulation port (SCTP variants) */
} bpeer;

/* util.c */
double bench_now(void);
/* CPU time (user + system, all threads) this process used so far. */
double bench_cpu_secs(void);
/* Context switches (voluntary + involuntary, all threads) so far. */
long bench_ctx_switches(void);
long bench_rss_kib(void);
/* Write one line (printf-style) to |fd|; the line is sent whole. */
void bench_report(int fd, const char *fmt, ...)
  __attribute__((format(printf, 2, 3)));
/*
 * Experiments: $|var|="name=value,..." sets usrsctp sysctls (names in
 * util.c) on a stack that has started: GSCTP_BENCH_SYSCTL for the gsctp
 * variants (on top of gsctp's own tuning), GSCTP_BENCH_RAW_SYSCTL for raw
 * usrsctp ("tuned raw").  Returns 0, or -1 for an unknown name or value.
 */
int bench_env_sysctls(const char *var);
/* A UDP port that was free a moment ago (0 on failure). */
int bench_free_udp_port(void);
/* Raise RLIMIT_NOFILE to at least |n| if the hard limit allows. */
void bench_raise_nofile(long n);
/* Fill |buf| with a recognisable pattern. */
void bench_fill(uint8_t *buf, size_t len);
int bench_cmp_double(const void *a, const void *b);

/* Workers: run the server or the client side of |p|, reporting on |fd|.
 * The server first reports "port=P udp=U", then results; the client
 * reports results.  They return the process exit status. */
int raw_server(const bparams *p, int fd);
int raw_client(const bparams *p, const bpeer *peer, int fd);
int gs_server(const bparams *p, int fd);
int gs_client(const bparams *p, const bpeer *peer, int fd);
int tcp_server(const bparams *p, int fd);
int tcp_client(const bparams *p, const bpeer *peer, int fd);

/* Nonzero if this build has gsctp's {active, N} mode. */
int gs_has_active(void);

#endif /* GSCTP_BENCH_H */
