/*
 * tests/test_cli.c - the `gsctp` command-line tool (tools/gsctp/), run as
 * separate processes: its documented exit statuses for bad command lines
 * and --help, and loopback runs of server and client (echo with
 * fragmented messages on several streams and PPIDs, ends from either
 * side, a failing expectation, a peer that does not answer, a taken UDP
 * port).  Each process gets its own free UDP encapsulation port and
 * binds 127.0.0.1.
 */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gsctp/gsctp.h>

#include "tsupport.h"

TestSuite(cli);

#define MAX_ARGS 64

static const char *tool_path(void) {
  static char path[512];
  const char *d = getenv("GSCTP_EXAMPLES_DIR");

  cr_assert_not_null(d, "GSCTP_EXAMPLES_DIR is not set (run through ctest)");
  snprintf(path, sizeof(path), "%s/tools/gsctp", d);
  cr_assert_eq(access(path, X_OK), 0, "%s: %s", path, strerror(errno));
  return path;
}

/* cli_start runs the tool with the NULL-terminated argument list. */
static void cli_start(ts_proc *p, ...) {
  char *argv[MAX_ARGS];
  va_list ap;
  int n = 0;

  argv[n++] = (char *)tool_path();
  va_start(ap, p);
  while (n < MAX_ARGS - 1 && (argv[n] = va_arg(ap, char *)) != NULL) {
    n++;
  }
  va_end(ap);
  argv[n] = NULL;

  ts_proc_start(p, argv);
}

/* run runs the tool to completion and returns its exit status; its
 * output is in |p->out|. */
#define run(p, ...)                                                            \
  (cli_start((p), __VA_ARGS__, (char *)NULL), ts_proc_exit((p), 4 * TS_WAIT_MS))

static size_t count_of(const char *s, const char *needle) {
  size_t n = 0;

  while ((s = strstr(s, needle)) != NULL) {
    n++;
    s += strlen(needle);
  }
  return n;
}

/* ---- command lines -------------------------------------------------- */

struct usage_case {
  char args[6][40];
};

ParameterizedTestParameters(cli, bad_command_lines_exit_2) {
  static struct usage_case cases[] = {
    {{"bogus"}},
    {{"server", "--bogus"}},
    {{"server", "--port"}},
    {{"server", "--port", "70000"}},
    {{"server", "--port", "12x"}},
    {{"server", "--udp-port", "-1"}},
    {{"server", "--ip", "not-an-ip"}},
    {{"server", "--transport", "tcp"}},
    {{"server", "--end", "abort"}},
    {{"server", "--expect-end", "comm_up"}},
    {{"server", "--remote-port", "5000"}},
    {{"server", "stray"}},
    {{"sink", "--echo"}},
    {{"client"}},
    {{"client", "--remote-port", "0"}},
    {{"client", "--remote-port", "5000", "--size", "0"}},
    {{"client", "--remote-port", "5000", "--size", "1,,2"}},
    {{"client", "--remote-port", "5000", "--ppid", "0x100000000"}},
    {{"client", "--remote-port", "5000", "--streams", "0"}},
    {{"client", "--remote-port", "5000", "--order", "sorted"}},
    {{"client", "--remote-port", "5000", "--end", "later"}},
    {{"client", "--remote-port", "5000", "--timeout", "0"}},
    {{"client", "--remote-port", "5000", "--count", "-1"}},
    {{"client", "--remote-port", "5000", "--streams", "8", "--ostreams"}},
    {{"client", "--remote-port", "5000", "--echo"}},
    {{"client", "--remote-port", "5000", "--linger", "-5"}},
  };

  return cr_make_param_array(struct usage_case, cases,
                             sizeof(cases) / sizeof(cases[0]));
}

ParameterizedTest(struct usage_case *c, cli, bad_command_lines_exit_2) {
  ts_proc p;
  char *a[6];
  int i, rc;

  for (i = 0; i < 6; ++i) {
    a[i] = c->args[i][0] ? c->args[i] : NULL;
  }
  rc = run(&p, a[0], a[1], a[2], a[3], a[4], a[5]);
  cr_assert_eq(rc, 2, "exit %d for \"%s %s %s %s\":\n%s", rc, c->args[0],
               c->args[1], c->args[2], c->args[3], p.out);
  cr_assert(strstr(p.out, "gsctp") != NULL && strstr(p.out, "--help"),
            "no hint at --help:\n%s", p.out);
}

Test(cli, no_arguments_exit_2) {
  ts_proc p;
  char *none = NULL;

  cli_start(&p, none);
  cr_assert_eq(ts_proc_exit(&p, TS_WAIT_MS), 2, "%s", p.out);
  cr_assert_not_null(strstr(p.out, "usage: gsctp COMMAND"), "%s", p.out);
}

Test(cli, help_for_each_command) {
  static const char *const cmds[] = {"server", "client", "sink"};
  ts_proc p;
  size_t i;
  char want[64];

  cr_assert_eq(run(&p, "--help"), 0, "%s", p.out);
  cr_assert_not_null(strstr(p.out, "Commands:"), "%s", p.out);
  for (i = 0; i < 3; ++i) {
    cr_assert_eq(run(&p, cmds[i], "--help"), 0, "%s", p.out);
    snprintf(want, sizeof(want), "usage: gsctp %s", cmds[i]);
    cr_assert_not_null(strstr(p.out, want), "%s", p.out);
    cr_assert_not_null(strstr(p.out, "Exit status: 0"), "%s", p.out);
    cr_assert_not_null(strstr(p.out, "--pcap FILE"), "%s", p.out);
    cr_assert_not_null(strstr(p.out, "--transport"), "%s", p.out);
  }
}

/* ---- loopback runs -------------------------------------------------- */

typedef struct ports {
  char sudp[16], cudp[16];
} ports;

static void pick_ports(ports *pp) {
  int s = ts_free_udp_port(), c = ts_free_udp_port();

  cr_assert(s > 0 && c > 0 && s != c);
  snprintf(pp->sudp, sizeof(pp->sudp), "%d", s);
  snprintf(pp->cudp, sizeof(pp->cudp), "%d", c);
}

/* start_server starts `gsctp server|sink` with the extra arguments and
 * returns the SCTP port it listens on (in |portbuf|). */
#define start_server(p, pp, portbuf, ...)                                      \
  do {                                                                         \
    const char *at_;                                                           \
    cli_start((p), __VA_ARGS__, "--ip", "127.0.0.1", "--port", "0",            \
              "--udp-port", (pp)->sudp, "--timeout", "60000", (char *)NULL);   \
    cr_assert(ts_proc_wait_for((p), " udp-port ", TS_WAIT_MS),                 \
              "the server did not start:\n%s", (p)->out);                      \
    at_ = strstr((p)->out, "listening on 127.0.0.1:");                         \
    cr_assert_not_null(at_, "%s", (p)->out);                                   \
    snprintf((portbuf), sizeof(portbuf), "%d",                                 \
             atoi(at_ + strlen("listening on 127.0.0.1:")));                   \
  } while (0)

#define client(p, pp, port, ...)                                               \
  run((p), "client", "--ip", "127.0.0.1", "--udp-port", (pp)->cudp,            \
      "--remote-udp-port", (pp)->sudp, "--remote-port", (port), __VA_ARGS__)

Test(cli, echo_fragmented_messages_on_four_streams) {
  ts_proc srv, cli;
  ports pp;
  char port[16];
  int rc;

  pick_ports(&pp);
  start_server(&srv, &pp, port, "server", "--echo", "--assocs", "1",
               "--expect-end", "shutdown_comp");
  rc = client(&cli, &pp, port, "--count", "40", "--size", "1,1024,4000,60000",
              "--streams", "4", "--ppid", "0,51,53,0x12345678", "--order",
              "mixed", "--expect-echo");
  cr_assert_eq(rc, 0, "client exit %d:\n%s\nserver:\n%s", rc, cli.out, srv.out);
  cr_assert_not_null(strstr(cli.out, "40 echoes verified (20 unordered)"), "%s",
                     cli.out);
  cr_assert_not_null(strstr(cli.out, "ended shutdown_comp"), "%s", cli.out);
  cr_assert_eq(ts_proc_exit(&srv, TS_WAIT_MS), 0, "%s", srv.out);
  cr_assert_eq(count_of(srv.out, "data assoc="), 40, "%s", srv.out);
  cr_assert_not_null(strstr(srv.out, "stream=3 ssn=0 ppid=305419896 "
                                     "flags=unordered len=60000"),
                     "%s", srv.out);
  cr_assert_not_null(strstr(srv.out, "sctp_shutdown_event"), "%s", srv.out);
  cr_assert_not_null(strstr(srv.out, "state=shutdown_comp"), "%s", srv.out);
}

Test(cli, client_abort_gives_comm_lost_on_both_sides) {
  ts_proc srv, cli;
  ports pp;
  char port[16];
  int rc;

  pick_ports(&pp);
  start_server(&srv, &pp, port, "server", "--echo", "--assocs", "1",
               "--expect-end", "comm_lost");
  rc =
    client(&cli, &pp, port, "--count", "5", "--expect-echo", "--end", "abort");
  cr_assert_eq(rc, 0, "client exit %d:\n%s", rc, cli.out);
  cr_assert_not_null(strstr(cli.out, "ended comm_lost"), "%s", cli.out);
  cr_assert_eq(ts_proc_exit(&srv, TS_WAIT_MS), 0, "%s", srv.out);
  cr_assert_not_null(strstr(srv.out, "state=comm_lost"), "%s", srv.out);
}

Test(cli, server_ends_and_client_waits) {
  static const char *const ends[][2] = {{"shutdown", "shutdown_comp"},
                                        {"abort", "comm_lost"}};
  ts_proc srv, cli;
  ports pp;
  char port[16], want[64];
  size_t i;
  int rc;

  for (i = 0; i < 2; ++i) {
    pick_ports(&pp);
    start_server(&srv, &pp, port, "server", "--echo", "--end-after", "3",
                 "--end", ends[i][0], "--assocs", "1", "--expect-end",
                 ends[i][1]);
    rc = client(&cli, &pp, port, "--count", "3", "--end", "wait",
                "--expect-end", ends[i][1]);
    cr_assert_eq(rc, 0, "%s: client exit %d:\n%s\nserver:\n%s", ends[i][0], rc,
                 cli.out, srv.out);
    snprintf(want, sizeof(want), "ended %s", ends[i][1]);
    cr_assert_not_null(strstr(cli.out, want), "%s", cli.out);
    cr_assert_eq(ts_proc_exit(&srv, TS_WAIT_MS), 0, "%s", srv.out);
  }
}

Test(cli, unmet_expectation_exits_1) {
  ts_proc srv, cli;
  ports pp;
  char port[16];
  int rc;

  pick_ports(&pp);
  start_server(&srv, &pp, port, "server", "--end-after", "1", "--end", "abort",
               "--assocs", "1", "--expect-end", "shutdown_comp");
  rc = client(&cli, &pp, port, "--count", "1", "--end", "wait", "--expect-end",
              "shutdown_comp");
  cr_assert_eq(rc, 1, "client exit %d:\n%s", rc, cli.out);
  cr_assert_not_null(strstr(cli.out, "FAIL: the association ended comm_lost, "
                                     "expected shutdown_comp"),
                     "%s", cli.out);
  rc = ts_proc_exit(&srv, TS_WAIT_MS);
  cr_assert_eq(rc, 1, "server exit %d:\n%s", rc, srv.out);
  cr_assert_not_null(strstr(srv.out, "FAIL: assoc"), "%s", srv.out);
}

Test(cli, echo_expected_from_a_server_that_does_not_echo_exits_1) {
  ts_proc srv, cli;
  ports pp;
  char port[16];
  int rc;

  pick_ports(&pp);
  start_server(&srv, &pp, port, "sink", "--assocs", "1");
  rc = client(&cli, &pp, port, "--count", "3", "--expect-echo", "--timeout",
              "1500");
  cr_assert_eq(rc, 1, "client exit %d:\n%s", rc, cli.out);
  cr_assert_not_null(strstr(cli.out, "FAIL: timeout after 1500 ms: 0 of 3 "
                                     "echoes"),
                     "%s", cli.out);
  /* The client's stack shutdown aborts the association. */
  cr_assert_eq(ts_proc_exit(&srv, TS_WAIT_MS), 0, "%s", srv.out);
  cr_assert_not_null(strstr(srv.out, "sink: assoc "), "%s", srv.out);
  cr_assert_not_null(strstr(srv.out, ": 3 messages, 192 bytes"), "%s", srv.out);
}

Test(cli, nobody_listening_exits_1) {
  ts_proc cli;
  ports pp;
  int rc;

  pick_ports(&pp);
  rc = client(&cli, &pp, "5000", "--timeout", "1500");
  cr_assert_eq(rc, 1, "client exit %d:\n%s", rc, cli.out);
  cr_assert_not_null(strstr(cli.out, "FAIL: connect to 127.0.0.1:5000"), "%s",
                     cli.out);
}

Test(cli, taken_udp_port_exits_3) {
  ts_proc cli;
  uint16_t port;
  char udp[16];
  int fd = ts_udp_open(GSCTP_FAMILY_INET, &port), rc;

  cr_assert_geq(fd, 0);
  snprintf(udp, sizeof(udp), "%u", port);
  rc = run(&cli, "server", "--ip", "127.0.0.1", "--udp-port", udp);
  close(fd);
  cr_assert_eq(rc, 3, "exit %d:\n%s", rc, cli.out);
  cr_assert_not_null(strstr(cli.out, "eaddrinuse"), "%s", cli.out);
}

Test(cli, pcap_file_holds_the_association) {
  ts_proc srv, cli;
  ports pp;
  char port[16], path[] = "/tmp/gsctp-cli-XXXXXX";
  uint8_t hdr[24];
  FILE *f;
  long size;
  int fd, rc;

  if (geteuid() != 0) {
    cr_skip_test("capturing needs root");
  }
  fd = mkstemp(path);
  cr_assert_geq(fd, 0);
  close(fd);
  pick_ports(&pp);
  start_server(&srv, &pp, port, "server", "--echo", "--assocs", "1");
  rc = client(&cli, &pp, port, "--count", "2", "--size", "3000",
              "--expect-echo", "--pcap", path);
  cr_assert_eq(rc, 0, "client exit %d:\n%s", rc, cli.out);
  cr_assert_eq(ts_proc_exit(&srv, TS_WAIT_MS), 0, "%s", srv.out);

  f = fopen(path, "rb");
  cr_assert_not_null(f);
  cr_assert_eq(fread(hdr, 1, sizeof(hdr), f), sizeof(hdr));
  fseek(f, 0, SEEK_END);
  size = ftell(f);
  fclose(f);
  if (size > 12000) {
    unlink(path);
  }
  /* pcap magic (little-endian host) and at least INIT..SHUTDOWN_COMPLETE
   * plus 2 x 3000 bytes of data each way. */
  cr_assert(hdr[0] == 0xd4 && hdr[1] == 0xc3 && hdr[2] == 0xb2 &&
              hdr[3] == 0xa1,
            "not a pcap file");
  cr_assert_gt(size, 12000, "capture of %ld bytes (kept in %s)", size, path);
}

/* --transport udp-conn (gsctp's own UDP socket) on both sides, and
 * against a native-transport server: the two interoperate. */
static void udp_conn_echo(const char *server_transport) {
  ts_proc srv, cli;
  ports pp;
  char port[16];
  int rc;

  pick_ports(&pp);
  start_server(&srv, &pp, port, "server", "--transport", server_transport,
               "--echo", "--assocs", "1", "--expect-end", "shutdown_comp");
  rc = client(&cli, &pp, port, "--transport", "udp-conn", "--count", "20",
              "--size", "1,1024,4000,60000", "--streams", "4", "--expect-echo");
  cr_assert_eq(rc, 0, "client exit %d:\n%s\nserver:\n%s", rc, cli.out, srv.out);
  cr_assert_not_null(strstr(cli.out, "20 echoes verified"), "%s", cli.out);
  cr_assert_not_null(strstr(cli.out, "ended shutdown_comp"), "%s", cli.out);
  cr_assert_eq(ts_proc_exit(&srv, TS_WAIT_MS), 0, "%s", srv.out);
  cr_assert_eq(count_of(srv.out, "data assoc="), 20, "%s", srv.out);
}

Test(cli, udp_conn_client_and_server) {
  udp_conn_echo("udp-conn");
}

Test(cli, udp_conn_client_native_server) {
  udp_conn_echo("udp");
}
