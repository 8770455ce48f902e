/*
 * tests/test_pcap_check.c - `gsctp-pcap check`, `ladder`, `stats` and the
 * command line: every planted violation of tests/pcap/pcapgen.h is
 * flagged with its rule id (and nothing else is), correct captures pass,
 * the ladder is well-formed SVG, usage errors exit 2.
 */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "pcap/pcapgen.h"

static char g_tool[1024];
static char g_outdir[1024];

static void setup_paths(void) {
  const char *b = getenv("GSCTP_EXAMPLES_DIR");
  const char *t = getenv("GSCTP_TEST_BIN_DIR");

  cr_assert_not_null(b, "GSCTP_EXAMPLES_DIR not set (run through ctest)");
  cr_assert_not_null(t, "GSCTP_TEST_BIN_DIR not set (run through ctest)");
  snprintf(g_tool, sizeof(g_tool), "%s/pcap-tools/gsctp-pcap", b);
  cr_assert_eq(access(g_tool, X_OK), 0, "no %s", g_tool);
  snprintf(g_outdir, sizeof(g_outdir), "%s/pcap_out", t);
  mkdir(g_outdir, 0755);
}

/* Runs "gsctp-pcap ARGS" capturing stdout (and stderr if |err|). */
static int run(const char *args, int err, char *out, size_t cap) {
  char cmd[4096];
  size_t n;
  FILE *p;
  int st;

  snprintf(cmd, sizeof(cmd), "'%s' %s%s", g_tool, args,
           err ? " 2>&1" : " 2>/dev/null");
  p = popen(cmd, "r");
  cr_assert_not_null(p);
  n = fread(out, 1, cap - 1, p);
  out[n] = '\0';
  while (fgetc(p) != EOF) {
  }
  st = pclose(p);
  cr_assert(WIFEXITED(st), "%s did not exit", cmd);
  return WEXITSTATUS(st);
}

static void case_path(const pg_case *c, char *path, size_t cap) {
  snprintf(path, cap, "%s/chk_%s.pcap", g_outdir, c->name);
  cr_assert_eq(pg_write_case(c, path), 0, "writing %s", path);
}

TestSuite(pcap_check, .init = setup_paths);

Test(pcap_check, every_case_flags_exactly_its_rule) {
  size_t i, planted = 0;

  for (i = 0; i < PG_NCASES; ++i) {
    const pg_case *c = &PG_CASES[i];
    char path[2048], args[2200], out[65536], want[64];
    const char *l;
    int rc, lines = 0;

    case_path(c, path, sizeof(path));
    snprintf(args, sizeof(args), "check '%s'", path);
    rc = run(args, 0, out, sizeof(out));
    if (c->rule == NULL) {
      cr_expect_eq(rc, 0, "%s: correct traffic flagged:\n%s", c->name, out);
      cr_expect(strstr(out, " 0 violations") != NULL, "%s: %s", c->name, out);
      continue;
    }
    planted++;
    cr_expect_eq(rc, 1, "%s: exit %d, want 1:\n%s", c->name, rc, out);
    snprintf(want, sizeof(want), ": %s [", c->rule);
    for (l = out; *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : "") {
      if (strncmp(l, "frame ", 6) == 0) {
        const char *nl = strchr(l, '\n');
        size_t len = nl ? (size_t)(nl - l) : strlen(l);
        char line[1024];
        snprintf(line, sizeof(line), "%.*s", (int)len, l);
        cr_expect(strstr(line, want) != NULL, "%s: unexpected violation: %s",
                  c->name, line);
        cr_expect(strstr(line, "RFC ") != NULL, "%s: no RFC section: %s",
                  c->name, line);
        lines++;
      }
    }
    cr_expect_eq(lines, 1, "%s: %d violation lines, want 1:\n%s", c->name,
                 lines, out);
  }
  cr_assert_geq(planted, 20);
}

Test(pcap_check, rules_are_listed_with_rfc_sections) {
  char out[16384];
  size_t i;

  cr_assert_eq(run("check --rules", 0, out, sizeof(out)), 0);
  for (i = 0; i < PG_NCASES; ++i) {
    if (PG_CASES[i].rule != NULL) {
      char want[64];
      snprintf(want, sizeof(want), "\n%s ", PG_CASES[i].rule);
      cr_expect(strstr(out, want) != NULL ||
                  strncmp(out, want + 1, strlen(want) - 1) == 0,
                "rule %s not listed", PG_CASES[i].rule);
    }
  }
  cr_assert(strstr(out, "RFC 9260 6.8") != NULL);
}

Test(pcap_check, ladder_is_valid_svg_with_every_packet) {
  char path[2048], svg[2100], args[4400], out[4096];
  const pg_case *c = NULL;
  size_t i;
  FILE *f;
  long n;
  char *text;

  for (i = 0; i < PG_NCASES; ++i) {
    if (strcmp(PG_CASES[i].name, "all_chunks") == 0) {
      c = &PG_CASES[i];
    }
  }
  cr_assert_not_null(c);
  case_path(c, path, sizeof(path));
  snprintf(svg, sizeof(svg), "%s/ladder_all_chunks.svg", g_outdir);
  snprintf(args, sizeof(args), "ladder '%s' -o '%s'", path, svg);
  cr_assert_eq(run(args, 1, out, sizeof(out)), 0, "%s", out);
  cr_assert(strstr(out, "2 endpoints") != NULL, "%s", out);
  f = fopen(svg, "r");
  cr_assert_not_null(f);
  fseek(f, 0, SEEK_END);
  n = ftell(f);
  rewind(f);
  text = calloc(1, (size_t)n + 1);
  cr_assert_eq(fread(text, 1, (size_t)n, f), (size_t)n);
  fclose(f);
  cr_assert(strncmp(text, "<?xml", 5) == 0);
  cr_assert(strstr(text, "<svg xmlns=\"http://www.w3.org/2000/svg\"") != NULL);
  cr_assert(strstr(text, ">INIT</text>") != NULL);
  cr_assert(strstr(text, ">INIT_ACK</text>") != NULL);
  cr_assert(strstr(text, ">COOKIE_ECHO</text>") != NULL);
  cr_assert(strstr(text, ">COOKIE_ACK</text>") != NULL);
  cr_assert(strstr(text, "ABORT T</text>") != NULL);
  cr_assert(strstr(text, "</svg>") != NULL);
  {
    /* one arrow (line) per packet plus one lifeline per endpoint */
    size_t lines = 0;
    const char *q;
    for (q = text; (q = strstr(q, "<line ")) != NULL; ++q) {
      lines++;
    }
    cr_assert_eq(lines, 23 + 2, "%zu <line> elements", lines);
  }
  free(text);
  /* well-formed XML, when python3 is there to parse it */
  if (system("command -v python3 >/dev/null 2>&1") == 0) {
    snprintf(args, sizeof(args),
             "python3 -c 'import sys, xml.etree.ElementTree as E; "
             "E.parse(sys.argv[1])' '%s'",
             svg);
    cr_assert_eq(system(args), 0, "%s is not well-formed XML", svg);
  }
}

Test(pcap_check, stats_counts_chunks_and_rtt) {
  char path[2048], args[2200], out[16384];
  const pg_case *c = &PG_CASES[0];

  cr_assert_str_eq(c->name, "normal_raw4");
  case_path(c, path, sizeof(path));
  snprintf(args, sizeof(args), "stats '%s'", path);
  cr_assert_eq(run(args, 0, out, sizeof(out)), 0);
  cr_assert(strstr(out, "association 1: 192.0.2.1:1000 <-> 192.0.2.2:2000") !=
              NULL,
            "%s", out);
  cr_assert(strstr(out, "192.0.2.1:1000 -> 192.0.2.2:2000: packets=7") != NULL,
            "%s", out);
  cr_assert(strstr(out, "DATA=2 INIT=1 SACK=1") != NULL, "%s", out);
  /* DATA -> SACK one millisecond later in the generated capture */
  cr_assert(strstr(out, "samples=2 min=1.000ms avg=1.000ms max=1.000ms") !=
              NULL,
            "%s", out);
  cr_assert(strstr(out, "retransmissions=0") != NULL, "%s", out);
}

Test(pcap_check, decode_line_format) {
  char path[2048], args[2200], out[65536];
  const pg_case *c = &PG_CASES[0];

  case_path(c, path, sizeof(path));
  snprintf(args, sizeof(args), "decode '%s'", path);
  cr_assert_eq(run(args, 0, out, sizeof(out)), 0);
  cr_assert(strstr(out, "1 0.000000 192.0.2.1:1000 > 192.0.2.2:2000 "
                        "vtag=0x00000000 crc=ok #1 INIT flags=0x00 len=52 "
                        "init_tag=0x11111111 a_rwnd=65536 os=10 mis=10 "
                        "init_tsn=100 params=supported_addr_types,"
                        "ecn_capable,supported_ext,ipv4\n") == out,
            "%s", out);
  cr_assert(strstr(out, "5 0.004000 192.0.2.1:1000 > 192.0.2.2:2000 "
                        "vtag=0x22222222 crc=ok #1 DATA flags=0x03 len=21 "
                        "tsn=100 sid=0 ssn=0 ppid=51 data=5 B E\n") != NULL,
            "%s", out);
  cr_assert(strstr(out, "#1 SACK flags=0x00 len=16 cum_tsn=100 "
                        "a_rwnd=65536 gaps=- dups=-\n") != NULL,
            "%s", out);
}

Test(pcap_check, usage_errors_exit_2) {
  char out[8192];

  cr_assert_eq(run("", 1, out, sizeof(out)), 2);
  cr_assert_eq(run("frobnicate x", 1, out, sizeof(out)), 2);
  cr_assert(strstr(out, "unknown command") != NULL, "%s", out);
  cr_assert_eq(run("decode", 1, out, sizeof(out)), 2);
  cr_assert(strstr(out, "missing FILE") != NULL, "%s", out);
  cr_assert_eq(run("decode /nonexistent/x.pcap", 1, out, sizeof(out)), 2);
  cr_assert(strstr(out, "cannot read") != NULL, "%s", out);
  cr_assert_eq(run("decode --udp-port 0 x", 1, out, sizeof(out)), 2);
  cr_assert_eq(run("decode --udp-port 70000 x", 1, out, sizeof(out)), 2);
  cr_assert_eq(run("decode --bogus x", 1, out, sizeof(out)), 2);
  cr_assert_eq(run("ladder /dev/null", 1, out, sizeof(out)), 2);
  cr_assert_eq(run("check -o x.svg y", 1, out, sizeof(out)), 2);
  cr_assert_eq(run("--help", 0, out, sizeof(out)), 0);
  cr_assert(strstr(out, "decode FILE") != NULL);
  cr_assert_eq(run("help check", 0, out, sizeof(out)), 0);
  cr_assert(strstr(out, "gsctp-pcap check") != NULL);
  cr_assert_eq(run("ladder --help", 0, out, sizeof(out)), 0);
  cr_assert(strstr(out, "SVG") != NULL);
}

Test(pcap_check, garbage_file_is_unreadable_not_a_crash) {
  char path[2048], args[2200], out[4096];
  FILE *f;

  snprintf(path, sizeof(path), "%s/garbage.pcap", g_outdir);
  f = fopen(path, "w");
  cr_assert_not_null(f);
  fputs("this is not a capture file at all\n", f);
  fclose(f);
  snprintf(args, sizeof(args), "check '%s'", path);
  cr_assert_eq(run(args, 1, out, sizeof(out)), 2);
  cr_assert(strstr(out, "cannot read") != NULL, "%s", out);
}

Test(pcap_check, truncated_capture_file_reports_error) {
  char src[2048], path[2048], args[2200], out[65536];
  FILE *in, *o;
  char buf[4096];
  size_t n;

  case_path(&PG_CASES[0], src, sizeof(src));
  snprintf(path, sizeof(path), "%s/cut.pcap", g_outdir);
  in = fopen(src, "rb");
  cr_assert_not_null(in);
  n = fread(buf, 1, sizeof(buf), in);
  fclose(in);
  cr_assert_gt(n, 200u);
  o = fopen(path, "wb");
  cr_assert_not_null(o);
  fwrite(buf, 1, n - 7, o); /* cut inside the last record */
  fclose(o);
  snprintf(args, sizeof(args), "decode '%s'", path);
  cr_assert_eq(run(args, 1, out, sizeof(out)), 2);
  cr_assert(strstr(out, "frame 13") != NULL, "%s", out);
}

/* The "done" line: the ladder of the demo shows the handshake,
 * the data and the ABORT. */
Test(pcap_check, demo_ladder_shows_handshake_data_and_abort) {
  const char *src = getenv("GSCTP_SOURCE_DIR");
  char args[4400], out[4096], svg[2048], *text;
  const char *order[] = {">INIT</text>",        ">INIT_ACK</text>",
                         ">COOKIE_ECHO</text>", ">COOKIE_ACK</text>",
                         ">DATA tsn=",          ">SACK cum=",
                         ">ABORT</text>"};
  const char *at;
  size_t i;
  FILE *f;
  long n;

  cr_assert_not_null(src, "GSCTP_SOURCE_DIR not set (run through ctest)");
  snprintf(svg, sizeof(svg), "%s/demo.svg", g_outdir);
  snprintf(args, sizeof(args),
           "ladder --udp-port 49601 --udp-port 50052 "
           "'%s/tests/pcap/demo.pcap' -o '%s'",
           src, svg);
  cr_assert_eq(run(args, 1, out, sizeof(out)), 0, "%s", out);
  cr_assert(strstr(out, "7 packets, 2 endpoints") != NULL, "%s", out);
  f = fopen(svg, "r");
  cr_assert_not_null(f);
  fseek(f, 0, SEEK_END);
  n = ftell(f);
  rewind(f);
  text = calloc(1, (size_t)n + 1);
  cr_assert_eq(fread(text, 1, (size_t)n, f), (size_t)n);
  fclose(f);
  at = text;
  for (i = 0; i < sizeof(order) / sizeof(order[0]); ++i) {
    const char *hit = strstr(at, order[i]);
    cr_assert_not_null(hit, "%s missing or out of order", order[i]);
    at = hit;
  }
  free(text);
}
