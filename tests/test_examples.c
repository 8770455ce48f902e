/*
 * tests/test_examples.c - the example programs, run as separate
 * processes the way scripts/demo runs them: the gen_sctp documentation's
 * server and client, and the connect_init client against two servers.
 * Each process gets its own free UDP encapsulation port and everything
 * is bound to 127.0.0.1.  Also: every C snippet of docs/api.md's guide
 * is in example_guide.c (which is compiled and run), and every test the
 * conformance table of docs/api.md cites exists.
 */
#include <criterion/criterion.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gsctp/gsctp.h>

#include "tsupport.h"

TestSuite(examples, .timeout = 120);

static const char *examples_dir(void) {
  const char *d = getenv("GSCTP_EXAMPLES_DIR");

  cr_assert_not_null(d, "GSCTP_EXAMPLES_DIR is not set (run through ctest)");
  return d;
}

/* Start example_server on 127.0.0.1, a free SCTP port and UDP port
 * |udp|; returns the SCTP port it listens on. */
static int start_server(ts_proc *srv, int udp) {
  char path[512], udps[16];
  char *argv[] = {path, "--ip",       "127.0.0.1", "--port",
                  "0",  "--udp-port", udps,        NULL};
  const char *at;
  int port = 0;

  snprintf(path, sizeof(path), "%s/example_server", examples_dir());
  snprintf(udps, sizeof(udps), "%d", udp);
  ts_proc_start(srv, argv);
  cr_assert(ts_proc_wait_for(srv, "\n", TS_WAIT_MS) &&
              strstr(srv->out, "Listening on 127.0.0.1:") != NULL,
            "the server did not start: %s", srv->out);
  at = strstr(srv->out, "Listening on 127.0.0.1:");
  port = atoi(at + strlen("Listening on 127.0.0.1:"));
  cr_assert(port > 0 && port < 65536, "server port in: %s", srv->out);
  return port;
}

static void stop_server(ts_proc *srv) {
  kill(srv->pid, SIGTERM);
  cr_assert_eq(ts_proc_exit(srv, TS_WAIT_MS), 0,
               "the server did not exit cleanly on SIGTERM:\n%s", srv->out);
}

/* Positions of |a| and |b| in |s|: asserts both are there, a first. */
static void assert_order(const char *s, const char *a, const char *b) {
  const char *pa = strstr(s, a), *pb = strstr(s, b);

  cr_assert_not_null(pa, "missing \"%s\" in:\n%s", a, s);
  cr_assert_not_null(pb, "missing \"%s\" in:\n%s", b, s);
  cr_assert_lt(pa, pb, "\"%s\" came after \"%s\" in:\n%s", a, b, s);
}

/* The documentation's example: comm_up with 5 outbound streams, "Test 0"
 * arrives on stream 0, the send on stream 5 fails with einval, abort
 * gives the server comm_lost. */
Test(examples, server_and_client) {
  ts_proc srv, cli;
  char path[512], ports[16], udps[16], rudps[16];
  char *argv[] = {path,        "127.0.0.1",  ports, "--ip",
                  "127.0.0.1", "--udp-port", udps,  "--remote-udp-port",
                  rudps,       NULL};
  int sudp = ts_free_udp_port(), cudp = ts_free_udp_port();
  int port, rc;

  cr_assert_gt(sudp, 0);
  cr_assert_gt(cudp, 0);
  port = start_server(&srv, sudp);

  snprintf(path, sizeof(path), "%s/example_client", examples_dir());
  snprintf(ports, sizeof(ports), "%d", port);
  snprintf(udps, sizeof(udps), "%d", cudp);
  snprintf(rudps, sizeof(rudps), "%d", sudp);
  ts_proc_start(&cli, argv);
  rc = ts_proc_exit(&cli, TS_WAIT_MS);
  cr_assert_eq(rc, 0, "client exit %d:\n%s", rc, cli.out);
  assert_order(cli.out, "{sctp_assoc_change,comm_up,0,5,",
               "send(S, Assoc, 0, <<\"Test 0\">>) -> ok");
  assert_order(cli.out, "send(S, Assoc, 0, <<\"Test 0\">>) -> ok",
               "send(S, Assoc, 5, <<\"Test 5\">>) -> {error,einval}");
  assert_order(cli.out, "{error,einval}", "abort(S, Assoc) -> ok");

  cr_assert(ts_proc_wait_for(&srv, "comm_lost", TS_WAIT_MS),
            "the server never printed comm_lost:\n%s", srv.out);
  assert_order(srv.out, "comm_up", "<<\"Test 0\">>");
  assert_order(srv.out, "<<\"Test 0\">>", "comm_lost,12,");
  cr_assert_null(strstr(srv.out, "Test 5"), "Test 5 was delivered:\n%s",
                 srv.out);
  stop_server(&srv);
}

/* connect_init to two servers at once: both come up. */
Test(examples, connect_init_two_peers) {
  ts_proc s1, s2, cli;
  char path[512], p1[16], p2[16], udps[16], rudps[40];
  char *argv[] = {
    path,        "127.0.0.1",  p1,   "127.0.0.1",         p2,    "--ip",
    "127.0.0.1", "--udp-port", udps, "--remote-udp-port", rudps, NULL};
  int u1 = ts_free_udp_port(), u2 = ts_free_udp_port();
  int uc = ts_free_udp_port();
  int port1, port2, rc;

  cr_assert(u1 > 0 && u2 > 0 && uc > 0);
  port1 = start_server(&s1, u1);
  port2 = start_server(&s2, u2);
  snprintf(path, sizeof(path), "%s/example_connect_init", examples_dir());
  snprintf(p1, sizeof(p1), "%d", port1);
  snprintf(p2, sizeof(p2), "%d", port2);
  snprintf(udps, sizeof(udps), "%d", uc);
  snprintf(rudps, sizeof(rudps), "%d,%d", u1, u2);
  ts_proc_start(&cli, argv);
  rc = ts_proc_exit(&cli, 2 * TS_WAIT_MS);
  cr_assert_eq(rc, 0, "connect_init client exit %d:\n%s", rc, cli.out);
  cr_assert(ts_proc_wait_for(&s1, "comm_up", TS_WAIT_MS), "%s", s1.out);
  cr_assert(ts_proc_wait_for(&s2, "comm_up", TS_WAIT_MS), "%s", s2.out);
  stop_server(&s1);
  stop_server(&s2);
}

/* Bad command lines exit 2 with a message, and --help exits 0. */
Test(examples, bad_command_lines) {
  static const char *const progs[] = {"example_server", "example_client",
                                      "example_connect_init", "example_guide"};
  size_t i;

  for (i = 0; i < 4; ++i) {
    ts_proc p;
    char path[512];
    char *bad[] = {path, "--no-such-option", NULL};
    char *help[] = {path, "--help", NULL};

    snprintf(path, sizeof(path), "%s/%s", examples_dir(), progs[i]);
    ts_proc_start(&p, bad);
    cr_assert_eq(ts_proc_exit(&p, TS_WAIT_MS), 2, "%s: %s", progs[i], p.out);
    cr_assert_not_null(strstr(p.out, "no-such-option"), "%s", p.out);
    ts_proc_start(&p, help);
    cr_assert_eq(ts_proc_exit(&p, TS_WAIT_MS), 0, "%s --help: %s", progs[i],
                 p.out);
    cr_assert_not_null(strstr(p.out, "usage:"), "%s", p.out);
  }
}

/* The guide of docs/api.md: every C snippet is in example_guide.c. */

static char *read_file(const char *path, size_t *plen) {
  FILE *f = fopen(path, "rb");
  char *buf;
  long len;

  cr_assert_not_null(f, "%s: %s", path, strerror(errno));
  cr_assert_eq(fseek(f, 0, SEEK_END), 0);
  len = ftell(f);
  cr_assert(len > 0 && len < 4 * 1024 * 1024, "%s: size %ld", path, len);
  rewind(f);
  buf = malloc((size_t)len + 1);
  cr_assert_not_null(buf);
  cr_assert_eq(fread(buf, 1, (size_t)len, f), (size_t)len);
  buf[len] = '\0';
  fclose(f);
  *plen = (size_t)len;
  return buf;
}

/* |s| with every run of white space turned into one space, in place. */
static void squeeze(char *s) {
  char *w = s, *first = s;
  int space = 0;

  for (; *s != '\0'; ++s) {
    if (*s == ' ' || *s == '\n' || *s == '\t' || *s == '\r') {
      space = 1;
      continue;
    }
    if (space && w != first) {
      *w++ = ' ';
    }
    space = 0;
    *w++ = *s;
  }
  *w = '\0';
}

Test(examples, guide_snippets_are_compiled_by_example_guide) {
  const char *src = getenv("GSCTP_SOURCE_DIR");
  char path[1024];
  char *doc, *ex, *p;
  size_t len, blocks = 0;

  cr_assert_not_null(src, "GSCTP_SOURCE_DIR is not set (run through ctest)");
  snprintf(path, sizeof(path), "%s/docs/api.md", src);
  doc = read_file(path, &len);
  snprintf(path, sizeof(path), "%s/examples/example_guide.c", src);
  ex = read_file(path, &len);
  squeeze(ex);
  for (p = doc; (p = strstr(p, "\n```c\n")) != NULL;) {
    char *start = p + 6, *end = strstr(start, "\n```");
    char *block;

    cr_assert_not_null(end, "unterminated ```c block in docs/api.md");
    block = strndup(start, (size_t)(end - start));
    cr_assert_not_null(block);
    squeeze(block);
    cr_assert_not_null(strstr(ex, block),
                       "this C snippet of docs/api.md is not in "
                       "examples/example_guide.c (so it is not compiled):\n%s",
                       block);
    free(block);
    blocks++;
    p = end + 4;
  }
  cr_assert_geq(blocks, 15u, "only %zu C snippets found in docs/api.md",
                blocks);
  free(doc);
  free(ex);
}

Test(examples, guide_runs) {
  ts_proc p;
  char path[512], udps[16];
  char *argv[] = {path, "--udp-port", udps, NULL};
  int u = ts_free_udp_port(), rc;

  cr_assert(u > 0);
  snprintf(path, sizeof(path), "%s/example_guide", examples_dir());
  snprintf(udps, sizeof(udps), "%d", u);
  ts_proc_start(&p, argv);
  rc = ts_proc_exit(&p, 4 * TS_WAIT_MS);
  cr_assert_eq(rc, 0, "example_guide exit %d:\n%s", rc, p.out);
  cr_assert_not_null(strstr(p.out, "all steps ok"), "%s", p.out);
}

/* docs/api.md's "Conformance to the reference": every test the table
 * cites exists, and the counts it states match its rows. */

static int cites_test(const char *src, const char *file, const char *ref) {
  char path[1024], needle[256];
  const char *slash = strchr(ref, '/');
  size_t len;
  char *text;
  int found;

  if (slash == NULL || strchr(ref, '*') != NULL) {
    return 1; /* a wildcard: not checked */
  }
  snprintf(path, sizeof(path), "%s/tests/%s", src, file);
  text = read_file(path, &len);
  snprintf(needle, sizeof(needle), "%.*s, %s)", (int)(slash - ref), ref,
           slash + 1);
  found = strstr(text, needle) != NULL;
  snprintf(needle, sizeof(needle), "%.*s, %s,", (int)(slash - ref), ref,
           slash + 1);
  found = found || strstr(text, needle) != NULL;
  free(text);
  return found;
}

Test(examples, conformance_table_cites_existing_tests) {
  const char *src = getenv("GSCTP_SOURCE_DIR");
  char path[1024], file[128] = "";
  char *doc, *sec, *end, *line;
  size_t len, refs = 0, rows = 0, done = 0, dev = 0, untested = 0;
  unsigned cd = 0, cv = 0, cu = 0;

  cr_assert_not_null(src, "GSCTP_SOURCE_DIR is not set (run through ctest)");
  snprintf(path, sizeof(path), "%s/docs/api.md", src);
  doc = read_file(path, &len);
  sec = strstr(doc, "\n## Conformance to the reference\n");
  cr_assert_not_null(sec, "docs/api.md has no conformance section");
  sec += 1;
  end = strstr(sec + 3, "\n## ");
  if (end != NULL) {
    *end = '\0';
  }
  cr_assert_not_null(strstr(sec, "Count: "));
  cr_assert_eq(sscanf(strstr(sec, "Count: "),
                      "Count: %u rules done, %u deviations,\n%u untested", &cd,
                      &cv, &cu),
               3, "the Count: line is not in the expected form");
  for (line = strtok(sec, "\n"); line != NULL; line = strtok(NULL, "\n")) {
    char *p, *last;

    if (strncmp(line, "| ", 2) != 0 || strncmp(line, "| \xc2\xa7", 4) == 0) {
      continue;
    }
    rows++;
    file[0] = '\0';
    for (p = line; (p = strchr(p, '`')) != NULL;) {
      char *q = strchr(p + 1, '`'), tok[256], *sep;
      size_t n;

      if (q == NULL) {
        break;
      }
      n = (size_t)(q - p - 1);
      if (n < sizeof(tok)) {
        memcpy(tok, p + 1, n);
        tok[n] = '\0';
        sep = strstr(tok, ".c::");
        if (strncmp(tok, "test_", 5) == 0 && sep != NULL) {
          snprintf(file, sizeof(file), "%.*s", (int)(sep + 2 - tok), tok);
          cr_assert(cites_test(src, file, sep + 4),
                    "docs/api.md cites %s, which does not exist", tok);
          refs++;
        } else if (file[0] != '\0' && strchr(tok, '/') != NULL &&
                   strspn(tok, "abcdefghijklmnopqrstuvwxyz0123456789_/*") ==
                     n) {
          cr_assert(cites_test(src, file, tok),
                    "docs/api.md cites %s::%s, which does not exist", file,
                    tok);
          refs++;
        }
      }
      p = q + 1;
    }
    last = strrchr(line, '|');
    *last = '\0';
    last = strrchr(line, '|');
    cr_assert_not_null(last);
    last += 2;
    done += strncmp(last, "done", 4) == 0;
    dev += strncmp(last, "deviation", 9) == 0;
    untested += strncmp(last, "untested", 8) == 0;
  }
  cr_assert_gt(refs, 100u, "only %zu test references", refs);
  cr_assert_eq(done + dev + untested, rows, "a row without a status");
  cr_assert_eq(done, cd, "%zu rows done, Count says %u", done, cd);
  cr_assert_eq(dev, cv, "%zu deviations, Count says %u", dev, cv);
  cr_assert_eq(untested, cu, "%zu untested, Count says %u", untested, cu);
  free(doc);
}
