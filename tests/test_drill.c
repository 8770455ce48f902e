/*
 * test_drill.c - gsctp-drill, the scripted conformance runner, from the
 * outside: it runs small scripts written here and checks the verdicts,
 * the messages (line, expected and actual field by field), the exit
 * status, the TIMED OUT bound and the pcap it writes.  The shipped
 * scripts themselves run as the ctest entry "drill_scripts".
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tsupport.h"

#define PASSIVE_PREAMBLE                                                       \
  "0.0 socket(..., SOCK_STREAM, IPPROTO_SCTP) = 3\n"                           \
  "+0.0 fcntl(3, F_SETFL, O_RDWR|O_NONBLOCK) = 0\n"                            \
  "+0.0 bind(3, ..., ...) = 0\n"                                               \
  "+0.0 listen(3, 1) = 0\n"                                                    \
  "+0.0 < sctp: INIT[flgs=0, tag=1, a_rwnd=1500, os=1, is=1, tsn=1]\n"

#define PASSIVE_HANDSHAKE                                                      \
  PASSIVE_PREAMBLE                                                             \
  "+0.0 > sctp: INIT_ACK[flgs=0, tag=2, a_rwnd=..., os=..., is=..., "          \
  "tsn=1, ...]\n"                                                              \
  "+0.1 < sctp: COOKIE_ECHO[flgs=0, len=..., val=...]\n"                       \
  "+0.0 > sctp: COOKIE_ACK[flgs=0]\n"                                          \
  "+0.0 accept(3, ..., ...) = 4\n"

typedef struct drill_run {
  int status; /* exit status, or -1 */
  char out[16384];
  char dir[256];
  char pcap[512];
} drill_run;

static const char *drill_bin(void) {
  static char path[1024];
  const char *d = getenv("GSCTP_EXAMPLES_DIR");

  cr_assert_not_null(d, "GSCTP_EXAMPLES_DIR is not set (run through ctest)");
  snprintf(path, sizeof(path), "%s/pcap-tools/drill/gsctp-drill", d);
  cr_assert(access(path, X_OK) == 0, "%s is not built", path);
  return path;
}

/* Writes |script| to a fresh directory as |name| and runs the drill on
 * it with |extra| options; fills |r|. */
static void run_drill(drill_run *r, const char *name, const char *script,
                      const char *extra) {
  char path[512], cmd[2048];
  FILE *f, *p;
  size_t n = 0;
  int st;

  memset(r, 0, sizeof(*r));
  snprintf(r->dir, sizeof(r->dir), "/tmp/gsctp-drill-test-XXXXXX");
  cr_assert_not_null(mkdtemp(r->dir), "mkdtemp: %s", strerror(errno));
  snprintf(path, sizeof(path), "%s/%s.pkt", r->dir, name);
  snprintf(r->pcap, sizeof(r->pcap), "%s/out/%s.pcap", r->dir, name);
  f = fopen(path, "w");
  cr_assert_not_null(f);
  fputs(script, f);
  fclose(f);
  snprintf(cmd, sizeof(cmd), "'%s' -o '%s/out' %s '%s' 2>&1", drill_bin(),
           r->dir, extra ? extra : "", path);
  p = popen(cmd, "r");
  cr_assert_not_null(p);
  while (n + 1 < sizeof(r->out)) {
    size_t got = fread(r->out + n, 1, sizeof(r->out) - 1 - n, p);
    if (got == 0) {
      break;
    }
    n += got;
  }
  r->out[n] = '\0';
  st = pclose(p);
  r->status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void cleanup(drill_run *r) {
  char cmd[600];

  snprintf(cmd, sizeof(cmd), "rm -rf '%s'", r->dir);
  cr_assert_eq(system(cmd), 0);
}

static void expect_in(const drill_run *r, const char *needle) {
  cr_assert(strstr(r->out, needle) != NULL,
            "expected \"%s\" in the drill's output:\n%s", needle, r->out);
}

Test(drill, passing_script_passes_and_writes_pcap) {
  drill_run r;
  FILE *f;
  uint8_t hdr[24], rec[16];
  int packets = 0;

  run_drill(&r, "pass", PASSIVE_HANDSHAKE, NULL);
  cr_assert_eq(r.status, 0, "%s", r.out);
  expect_in(&r, "PASSED");
  expect_in(&r, "drill: 1 passed, 0 failed");
  /* the pcap: libpcap header with LINKTYPE_SCTP, one record per packet */
  f = fopen(r.pcap, "rb");
  cr_assert_not_null(f, "no pcap at %s", r.pcap);
  cr_assert_eq(fread(hdr, 1, sizeof(hdr), f), sizeof(hdr));
  cr_assert(hdr[0] == 0xd4 && hdr[1] == 0xc3 && hdr[2] == 0xb2 &&
            hdr[3] == 0xa1);
  cr_assert_eq(hdr[20] | hdr[21] << 8, 248, "linktype %d", hdr[20]);
  while (fread(rec, 1, sizeof(rec), f) == sizeof(rec)) {
    uint32_t caplen = (uint32_t)(rec[8] | rec[9] << 8 | rec[10] << 16 |
                                 (uint32_t)rec[11] << 24);
    cr_assert(caplen >= 12 && caplen < 65536);
    cr_assert_eq(fseek(f, (long)caplen, SEEK_CUR), 0);
    packets++;
  }
  fclose(f);
  /* INIT, INIT-ACK, COOKIE-ECHO, COOKIE-ACK; the close at the end may
   * add more */
  cr_assert_geq(packets, 4);
  cleanup(&r);
}

Test(drill, bracketed_ellipsis_means_any) {
  drill_run r;

  /* [...] in place of a list or bytes: fill in (inbound), any (outbound) */
  run_drill(&r, "ellipsis",
            "0.0 socket(..., SOCK_STREAM, IPPROTO_SCTP) = 3\n"
            "+0.0 fcntl(3, F_SETFL, O_RDWR|O_NONBLOCK) = 0\n"
            "+0.0 bind(3, ..., ...) = 0\n"
            "+0.0 listen(3, 1) = 0\n"
            "+0.0 < sctp: INIT[flgs=0, tag=1, a_rwnd=1500, os=1, is=1, tsn=1, "
            "SUPPORTED_ADDRESS_TYPES[types=[...]]]\n"
            "+0.0 > sctp: INIT_ACK[flgs=0, tag=2, a_rwnd=..., os=..., is=..., "
            "tsn=1, SUPPORTED_EXTENSIONS[types=[...]], ...]\n"
            "+0.1 < sctp: COOKIE_ECHO[flgs=0, len=..., val=[...]]\n"
            "+0.0 > sctp: COOKIE_ACK[flgs=0]\n"
            "+0.0 accept(3, ..., ...) = 4\n"
            "+0.0 < sctp: DATA[flgs=BE, len=116, tsn=1, sid=0, ssn=0, ppid=0]\n"
            "+0.0 > sctp: SACK[flgs=0, cum_tsn=1, a_rwnd=..., gaps=[...], "
            "dups=[...]]\n"
            "+0.0 write(4, ..., 10) = 10\n"
            "+0.0 > sctp: DATA[flgs=BE, len=26, tsn=1, sid=0, ssn=0, ppid=0]\n"
            "+0.1 < sctp: SACK[flgs=0, cum_tsn=1, a_rwnd=1500, gaps=[...], "
            "dups=[...]]\n",
            NULL);
  cr_assert_eq(r.status, 0, "%s", r.out);
  cleanup(&r);
}

Test(drill, wrong_field_fails_with_field_message) {
  drill_run r;

  run_drill(&r, "wrongfield",
            PASSIVE_PREAMBLE "+0.0 > sctp: INIT_ACK[flgs=0, tag=2, "
                             "a_rwnd=..., os=7, is=..., tsn=1, ...]\n",
            NULL);
  cr_assert_eq(r.status, 1, "%s", r.out);
  expect_in(&r, "FAILED");
  expect_in(&r, "line 6: outbound packet mismatch: chunk 1 (INIT_ACK): os: "
                "expected 7 (0x7), actual 1 (0x1)");
  expect_in(&r, "expected: INIT_ACK[flgs=0, tag=2, a_rwnd=..., os=7");
  expect_in(&r, "actual:   sctp(vtag=0x00000001): INIT_ACK[flgs=0x00");
  expect_in(&r, "drill: 0 passed, 1 failed");
  cleanup(&r);
}

Test(drill, wrong_chunk_type_fails) {
  drill_run r;

  run_drill(&r, "wrongchunk",
            PASSIVE_HANDSHAKE
            "+0.0 < sctp: DATA[flgs=BE, len=116, tsn=1, sid=0, ssn=0, "
            "ppid=0]\n"
            "+0.0 > sctp: ABORT[flgs=0]\n",
            NULL);
  cr_assert_eq(r.status, 1, "%s", r.out);
  expect_in(&r, "line 11: outbound packet mismatch: chunk 1 (ABORT): "
                "expected chunk ABORT, actual SACK (type 3)");
  cleanup(&r);
}

Test(drill, wrong_syscall_result_fails) {
  drill_run r;

  run_drill(&r, "wrongcall",
            "0.0 socket(..., SOCK_STREAM, IPPROTO_SCTP) = 3\n"
            "+0.0 listen(3, 1) = -1 EINVAL (Invalid argument)\n",
            NULL);
  cr_assert_eq(r.status, 1, "%s", r.out);
  expect_in(&r, "line 2: listen returned 0, expected -1 EINVAL");
  cleanup(&r);
}

Test(drill, missing_packet_fails_in_virtual_time) {
  drill_run r;
  int64_t t0 = ts_now_ms();

  /* nothing is sent after the handshake: waiting 20 s of virtual time
   * must not take 20 s (heartbeats start after 30 s) */
  run_drill(&r, "missing",
            PASSIVE_HANDSHAKE
            "+20.0 > sctp: DATA[flgs=BE, len=116, tsn=1, sid=0, ssn=0, "
            "ppid=0]\n",
            NULL);
  cr_assert_eq(r.status, 1, "%s", r.out);
  expect_in(&r, "line 10: expected an outbound packet at 20.100000 s, but "
                "the stack sent nothing by");
  cr_assert_lt(ts_now_ms() - t0, 60000);
  cleanup(&r);
}

Test(drill, early_packet_fails_timing) {
  drill_run r;

  run_drill(&r, "timing",
            PASSIVE_PREAMBLE "+0.5 > sctp: INIT_ACK[flgs=0, tag=2, "
                             "a_rwnd=..., os=..., is=..., tsn=1, ...]\n",
            NULL);
  cr_assert_eq(r.status, 1, "%s", r.out);
  expect_in(&r, "line 6: timing: packet sent at 0.000000 s, expected at "
                "0.500000 s (tolerance 0.062500 s)");
  cleanup(&r);
}

/* 100 kB messages: each fits an empty send buffer (no emsgsize), and
 * 16 of them (1.6 MB) fill any default buffer, so a send blocks */
#define SEND_100K "+0.0 gs_send(1, assoc=1, stream=0, len=100000) = ok\n"

Test(drill, hanging_script_times_out) {
  drill_run r;
  int64_t t0 = ts_now_ms();

  /* a blocking gen_sctp send with a full send buffer: nothing pumps the
   * stack while the runner's only thread waits, so the child hangs */
  run_drill(&r, "hang",
            "0.0 gs_open(port=8080, type=seqpacket) = {ok, 1}\n"
            "+0.0 gs_connect_init(1, port=8080) = ok\n"
            "+0.0 > sctp: INIT[flgs=0, tag=1, a_rwnd=..., os=..., is=..., "
            "tsn=1, ...]\n"
            "+0.1 < sctp: INIT_ACK[flgs=0, tag=2, a_rwnd=1500, os=1, is=1, "
            "tsn=1, STATE_COOKIE[len=..., val=...]]\n"
            "+0.0 > sctp: COOKIE_ECHO[flgs=0, len=..., val=...]\n"
            "+0.1 < sctp: COOKIE_ACK[flgs=0]\n"
            "+0.0 gs_recv(1) = {ok, sctp_assoc_change{state=comm_up, "
            "assoc_id=1}}\n" SEND_100K SEND_100K SEND_100K SEND_100K SEND_100K
              SEND_100K SEND_100K SEND_100K SEND_100K SEND_100K SEND_100K
                SEND_100K SEND_100K SEND_100K SEND_100K SEND_100K,
            "--timeout 2");
  cr_assert_eq(r.status, 1, "%s", r.out);
  expect_in(&r, "TIMED OUT");
  expect_in(&r, "no verdict within 2 s");
  expect_in(&r, "drill: 0 passed, 1 failed");
  cr_assert_lt(ts_now_ms() - t0, 60000);
  cleanup(&r);
}

Test(drill, unsupported_constructs_are_reported) {
  static const struct {
    const char *script;
    const char *msg;
  } cases[] = {
    {"0.0 `sysctl -w net.inet.sctp.ecn_enable=0`\n",
     "unsupported: shell command"},
    {"0.0 socket(..., SOCK_STREAM, IPPROTO_SCTP) = 3\n"
     "+0.0 sctp_connectx(3, ..., 1, ...) = 0\n",
     "unsupported: system call sctp_connectx"},
    {"--frobnicate=1\n0.0 socket(..., SOCK_STREAM, IPPROTO_SCTP) = 3\n",
     "line 1: unsupported: option --frobnicate"},
    {"0.0 < sctp: AUTH[flgs=0]\n", "unsupported: chunk AUTH"},
    {"0.0 < sctp: INIT[flgs=0, tag=1, a_rwnd=1, os=1, is=1, tsn=1, "
     "RANDOM[]]\n",
     "unsupported: parameter RANDOM in INIT"},
    {"0.0 < 224.0.0.1 > 192.168.0.1 sctp: ABORT[flgs=0]\n",
     "unsupported: explicit addresses"},
    {"0.0 < sctp: INIT[flgs=0, bogus=1]\n",
     "unsupported: field 'bogus' in INIT"},
    {"0.0 socket(..., SOCK_STREAM, IPPROTO_SCTP) = 3\n"
     "+0.0 bind(3, ..., ...) = 0\n"
     "+0.0 listen(3, 1) = 0\n"
     "+0.0...+1.0 accept(3, ..., ...) = 4\n"
     "+0.0...+1.0 accept(3, ..., ...) = 5\n",
     "unsupported: accept would block on fd 3 while the blocking call of "
     "line 4 has not returned"},
    {"0.0 gs_open(port=8080) = {ok, 1}\n"
     "+0.0...+1.0 gs_recv(1) = {error, timeout}\n",
     "unsupported: start...end times for gen_sctp lines"},
  };
  size_t i;

  for (i = 0; i < sizeof(cases) / sizeof(cases[0]); ++i) {
    drill_run r;
    run_drill(&r, "unsup", cases[i].script, NULL);
    cr_assert_eq(r.status, 1, "case %zu: %s", i, r.out);
    expect_in(&r, "FAILED");
    expect_in(&r, cases[i].msg);
    cleanup(&r);
  }
}

Test(drill, blocking_calls_return_at_their_end_time) {
  drill_run r;
  static const char handshake[] =
    "+0.0 > sctp: INIT[flgs=0, tag=1, a_rwnd=..., os=..., is=..., tsn=1, "
    "...]\n"
    "+0.1 < sctp: INIT_ACK[flgs=0, tag=2, a_rwnd=1500, os=1, is=1, tsn=1, "
    "STATE_COOKIE[len=..., val=...]]\n"
    "+0.0 > sctp: COOKIE_ECHO[flgs=0, len=..., val=...]\n"
    "+0.1 < sctp: COOKIE_ACK[flgs=0]\n";
  char script[2048];

  /* a blocking connect returns when COOKIE-ACK arrives (0.2 s), a
   * blocking read when the DATA does (0.5 s after it started) */
  snprintf(script, sizeof(script),
           "0.0 socket(..., SOCK_STREAM, IPPROTO_SCTP) = 3\n"
           "+0.0 bind(3, ..., ...) = 0\n"
           "+0.0...+0.2 connect(3, ..., ...) = 0\n"
           "%s"
           "+0.0...+0.5 read(3, ..., 1000) = 100\n"
           "+0.5 < sctp: DATA[flgs=BE, len=116, tsn=1, sid=0, ssn=0, "
           "ppid=0]\n",
           handshake);
  run_drill(&r, "blocking", script, NULL);
  cr_assert_eq(r.status, 0, "%s", r.out);
  cleanup(&r);

  /* the same connect scripted to return at once fails, with a hint */
  snprintf(script, sizeof(script),
           "0.0 socket(..., SOCK_STREAM, IPPROTO_SCTP) = 3\n"
           "+0.0 bind(3, ..., ...) = 0\n"
           "+0.0 connect(3, ..., ...) = 0\n"
           "%s",
           handshake);
  run_drill(&r, "blocking2", script, NULL);
  cr_assert_eq(r.status, 1, "%s", r.out);
  expect_in(&r, "line 3: blocking connect had not returned by 0.005000 s "
                "(expected at 0.000000 s); write start...end times");
  cleanup(&r);

  /* returning too early is a timing error too */
  snprintf(script, sizeof(script),
           "0.0 socket(..., SOCK_STREAM, IPPROTO_SCTP) = 3\n"
           "+0.0 bind(3, ..., ...) = 0\n"
           "+0.0...+1.0 connect(3, ..., ...) = 0\n"
           "%s",
           handshake);
  run_drill(&r, "blocking3", script, NULL);
  cr_assert_eq(r.status, 1, "%s", r.out);
  expect_in(&r, "line 3: timing: blocking connect returned at 0.200000 s, "
                "expected at 1.000000 s");
  cleanup(&r);
}

Test(drill, syntax_errors_name_the_line) {
  drill_run r;

  run_drill(&r, "syntax",
            "0.0 socket(..., SOCK_STREAM, IPPROTO_SCTP) = 3\n"
            "\n"
            "+0.0 listen(3, 1) 0\n",
            NULL);
  cr_assert_eq(r.status, 1, "%s", r.out);
  expect_in(&r, "line 3: expected '= result', found '0'");
  cleanup(&r);

  run_drill(&r, "syntax2", "0.0 * > sctp: ABORT[flgs=0]\n", NULL);
  cr_assert_eq(r.status, 1, "%s", r.out);
  expect_in(&r, "line 1:");
  cleanup(&r);

  run_drill(&r, "syntax3", "* < sctp: ABORT[flgs=0]\n", NULL);
  cr_assert_eq(r.status, 1, "%s", r.out);
  expect_in(&r, "only allowed for outbound packets");
  cleanup(&r);
}

Test(drill, ifdef_blocks_and_defines) {
  drill_run r;
  static const char script[] =
    "0.0 socket(..., SOCK_STREAM, IPPROTO_SCTP) = 3\n"
    "+0.0 bind(3, ..., ...) = 0\n"
    "#ifdef FreeBSD\n"
    "+0.0 `sysctl -w net.inet.sctp.ecn_enable=0`\n"
    "#endif\n"
    "#ifdef Linux\n"
    "+0.0 listen(3, 1) = -1 EINVAL\n"
    "#endif\n"
    "#ifdef gsctp\n"
    "+0.0 listen(3, 1) = 0\n"
    "#endif\n";

  /* gsctp blocks are kept, other platforms' blocks dropped */
  run_drill(&r, "ifdef", script, NULL);
  cr_assert_eq(r.status, 0, "%s", r.out);
  cleanup(&r);
  /* -D keeps a platform's block (line numbers stay those of the file) */
  run_drill(&r, "ifdef", script, "-D linux");
  cr_assert_eq(r.status, 1, "%s", r.out);
  expect_in(&r, "line 7: listen returned 0, expected -1 EINVAL");
  cleanup(&r);
  run_drill(&r, "ifdef",
            "0.0 socket(..., SOCK_STREAM, IPPROTO_SCTP) = 3\n"
            "#ifdef Linux\n",
            NULL);
  cr_assert_eq(r.status, 1, "%s", r.out);
  expect_in(&r, "line 2: #ifdef without #endif");
  cleanup(&r);
}

Test(drill, trailing_chunk_ellipsis) {
  drill_run r;

  /* "; ..." accepts further chunks; without it they are a mismatch */
  run_drill(&r, "chunkell",
            PASSIVE_HANDSHAKE
            "+0.0 < sctp: CHUNK[type=0xef, flgs=0, len=4]; DATA[flgs=BE, "
            "len=116, tsn=1, sid=0, ssn=0, ppid=0]\n"
            "+0.0 > sctp: ERROR[flgs=0, ...]; ...\n",
            NULL);
  cr_assert_eq(r.status, 0, "%s", r.out);
  cleanup(&r);
  run_drill(&r, "chunkell2",
            PASSIVE_HANDSHAKE
            "+0.0 < sctp: CHUNK[type=0xef, flgs=0, len=4]; DATA[flgs=BE, "
            "len=116, tsn=1, sid=0, ssn=0, ppid=0]\n"
            "+0.0 > sctp: ERROR[flgs=0, ...]\n",
            NULL);
  cr_assert_eq(r.status, 1, "%s", r.out);
  expect_in(&r, "unexpected extra chunk 2: SACK (type 3)");
  cleanup(&r);
}

Test(drill, xfail_marks_expected_failures) {
  drill_run r;

  run_drill(&r, "xfail",
            "--xfail=\"usrsctp does not do this\"\n" PASSIVE_PREAMBLE
            "+0.0 > sctp: ABORT[flgs=0]\n",
            NULL);
  cr_assert_eq(r.status, 0, "%s", r.out);
  expect_in(&r, "XFAIL");
  expect_in(&r, "usrsctp does not do this");
  expect_in(&r, "drill: 1 passed, 0 failed");
  cleanup(&r);

  run_drill(&r, "xpass", "--xfail=\"never\"\n" PASSIVE_HANDSHAKE, NULL);
  cr_assert_eq(r.status, 1, "%s", r.out);
  expect_in(&r, "XPASS");
  cleanup(&r);
}

Test(drill, command_line) {
  char cmd[1200];
  int st;

  snprintf(cmd, sizeof(cmd), "'%s' --help >/dev/null 2>&1", drill_bin());
  st = system(cmd);
  cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0);
  snprintf(cmd, sizeof(cmd), "'%s' >/dev/null 2>&1", drill_bin());
  st = system(cmd);
  cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 2);
  snprintf(cmd, sizeof(cmd), "'%s' --timeout 0 x.pkt >/dev/null 2>&1",
           drill_bin());
  st = system(cmd);
  cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 2);
  snprintf(cmd, sizeof(cmd),
           "'%s' -n /nonexistent/dir/none.pkt 2>&1 | grep -q 'cannot open'",
           drill_bin());
  st = system(cmd);
  cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0);
}
