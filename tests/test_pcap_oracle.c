/*
 * tests/test_pcap_oracle.c - `gsctp-pcap decode` against Debian's tshark.
 *
 * Every capture this suite produces is decoded by both, and every field
 * below must agree frame by frame and chunk by chunk:
 *  - hand-made captures (tests/pcap/pcapgen.h): correct associations in
 *    every framing the tool reads, every chunk type, and broken packets
 *    (bad CRC, truncated chunk, bad chunk length, bad padding, bundled
 *    INIT, wrong vtag, ...);
 *  - captures of real associations of this stack, recorded with the
 *    capture tap (gsctp/capture.h): in-memory link, in-memory link with
 *    loss, the UDP tap entry point, and (as root) the live capture of
 *    the UDP encapsulation port.
 * Captures of correct traffic must also pass `gsctp-pcap check`.
 *
 * The captures stay in build/tests/pcap_out/ for inspection.  The suite
 * needs tshark (scripts/deps.sh installs it) and fails without it.
 */
#include <criterion/criterion.h>

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gsctp/gsctp.h>

#include "pcap/pcapgen.h"
#include "sctp_wire.h"
#include "tap.h"
#include "tsupport.h"

/* tshark field, the decode key it compares with, the chunk types the key
 * belongs to (-1: any), and how to read the decode value. */
typedef struct field {
  const char *tshark;
  const char *key;
  int types[8];
} field;

enum { F_VTAG, F_CRC, F_TYPE, F_FLAGS, F_LEN, NFIXED = 5 };

static const field FIELDS[] = {
  {"sctp.verification_tag", "vtag", {-1, -1, -1}},
  {"sctp.checksum.status", "crc", {-1, -1, -1}},
  {"sctp.chunk_type", "#type", {-1, -1, -1}},
  {"sctp.chunk_flags", "flags", {-1, -1, -1}},
  {"sctp.chunk_length", "len", {-1, -1, -1}},
  {"sctp.data_tsn_raw", "tsn", {GSW_DATA, GSW_I_DATA, -1}},
  {"sctp.data_sid", "sid", {GSW_DATA, GSW_I_DATA, -1}},
  {"sctp.data_ssn", "ssn", {GSW_DATA, -1, -1}},
  {"sctp.data_payload_proto_id", "ppid", {GSW_DATA, GSW_I_DATA, -1}},
  {"sctp.data_mid", "mid", {GSW_I_DATA, -1, -1}},
  {"sctp.sack_cumulative_tsn_ack_raw", "cum_tsn", {GSW_SACK, -1, -1}},
  {"sctp.sack_a_rwnd", "a_rwnd", {GSW_SACK, -1, -1}},
  {"sctp.sack_gap_block_start", "gaps<", {GSW_SACK, -1, -1}},
  {"sctp.sack_gap_block_end", "gaps>", {GSW_SACK, -1, -1}},
  {"sctp.sack_duplicate_tsn", "dups", {GSW_SACK, -1, -1}},
  {"sctp.init_initiate_tag", "init_tag", {GSW_INIT, -1, -1}},
  {"sctp.init_initial_tsn", "init_tsn", {GSW_INIT, -1, -1}},
  {"sctp.init_nr_out_streams", "os", {GSW_INIT, -1, -1}},
  {"sctp.init_nr_in_streams", "mis", {GSW_INIT, -1, -1}},
  {"sctp.init_credit", "a_rwnd", {GSW_INIT, -1, -1}},
  {"sctp.initack_initiate_tag", "init_tag", {GSW_INIT_ACK, -1, -1}},
  {"sctp.initack_initial_tsn", "init_tsn", {GSW_INIT_ACK, -1, -1}},
  {"sctp.initack_nr_out_streams", "os", {GSW_INIT_ACK, -1, -1}},
  {"sctp.initack_nr_in_streams", "mis", {GSW_INIT_ACK, -1, -1}},
  {"sctp.shutdown_cumulative_tsn_ack", "cum_tsn", {GSW_SHUTDOWN, -1, -1}},
  {"sctp.ecne_lowest_tsn", "lowest_tsn", {GSW_ECNE, -1, -1}},
  {"sctp.cwr_lowest_tsn", "lowest_tsn", {GSW_CWR, -1, -1}},
  {"sctp.forward_tsn_tsn", "new_cum_tsn", {GSW_FORWARD_TSN, -1, -1}},
  {"sctp.i_forward_tsn_tsn", "new_cum_tsn", {GSW_I_FORWARD_TSN, -1, -1}},
  {"sctp.asconf_seq_nr_number", "serial", {GSW_ASCONF, -1, -1}},
  {"sctp.asconf_ack_seq_nr_number", "serial", {GSW_ASCONF_ACK, -1, -1}},
  {"sctp.cause_code", "causes", {GSW_ABORT, GSW_ERROR, -1}},
  {"sctp.parameter_type",
   "params",
   {GSW_INIT, GSW_INIT_ACK, GSW_HEARTBEAT, GSW_HEARTBEAT_ACK, GSW_RE_CONFIG,
    GSW_ASCONF, GSW_ASCONF_ACK, -1}},
};
#define F_PARAMS (sizeof(FIELDS) / sizeof(FIELDS[0]) - 1)
#define NFIELDS (sizeof(FIELDS) / sizeof(FIELDS[0]))

#define MAX_FRAMES 4096
#define VAL_MAX 2048

/* One frame's values: per field, a comma-separated list of decimals. */
typedef struct frame_vals {
  char v[NFIELDS][VAL_MAX];
} frame_vals;

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
  cr_assert_eq(system("command -v tshark >/dev/null 2>&1"), 0,
               "tshark is not installed (scripts/deps.sh)");
}

static void append(char *dst, const char *val) {
  size_t n = strlen(dst);

  snprintf(dst + n, VAL_MAX - n, "%s%s", n ? "," : "", val);
}

/* Appends each number of the comma list |list| in decimal. */
static void append_numbers(char *dst, const char *list) {
  char tmp[VAL_MAX], *save = NULL, *tok;

  snprintf(tmp, sizeof(tmp), "%s", list);
  for (tok = strtok_r(tmp, ",", &save); tok != NULL;
       tok = strtok_r(NULL, ",", &save)) {
    char num[32];
    snprintf(num, sizeof(num), "%llu", strtoull(tok, NULL, 0));
    append(dst, num);
  }
}

/* Runs tshark on |path| and fills |fv| (indexed by frame number). */
static size_t run_tshark(const char *path, const char *extra, frame_vals *fv) {
  char cmd[8192];
  size_t n, i, maxf = 0;
  char *line = NULL;
  size_t cap = 0;
  FILE *p;

  n = (size_t)snprintf(cmd, sizeof(cmd),
                       "tshark -r '%s' -o sctp.checksum:CRC-32C %s "
                       "-T fields -e frame.number",
                       path, extra);
  for (i = 0; i < NFIELDS; ++i) {
    n += (size_t)snprintf(cmd + n, sizeof(cmd) - n, " -e %s", FIELDS[i].tshark);
  }
  snprintf(cmd + n, sizeof(cmd) - n, " 2>/dev/null");
  p = popen(cmd, "r");
  cr_assert_not_null(p);
  while (getline(&line, &cap, p) > 0) {
    char *save = NULL, *tok;
    unsigned long fr;
    size_t col = 0;
    char *s = line;

    line[strcspn(line, "\n")] = '\0';
    fr = strtoul(line, NULL, 10);
    if (fr == 0 || fr >= MAX_FRAMES) {
      continue;
    }
    if (fr > maxf) {
      maxf = fr;
    }
    /* Tab-separated with empty columns: walk by hand. */
    tok = strchr(s, '\t');
    (void)save;
    while (tok != NULL && col < NFIELDS) {
      char *start = tok + 1, *end = strchr(start, '\t');
      char val[VAL_MAX];
      size_t len = end ? (size_t)(end - start) : strlen(start);
      if (len >= sizeof(val)) {
        len = sizeof(val) - 1;
      }
      memcpy(val, start, len);
      val[len] = '\0';
      if (col == F_CRC) {
        /* 1 good, 0 bad; one value per SCTP header */
        if (*val) {
          append(fv[fr].v[col], strtoul(val, NULL, 0) == 1 ? "1" : "0");
        }
      } else {
        append_numbers(fv[fr].v[col], val);
      }
      col++;
      tok = end;
    }
  }
  free(line);
  cr_assert_eq(pclose(p), 0, "tshark failed on %s", path);
  return maxf;
}

/* Value of "key=" in the decode line tokens, or NULL. */
static const char *tok_val(char **toks, size_t ntok, const char *key) {
  size_t i, kl = strlen(key);

  for (i = 0; i < ntok; ++i) {
    if (strncmp(toks[i], key, kl) == 0 && toks[i][kl] == '=') {
      return toks[i] + kl + 1;
    }
  }
  return NULL;
}

static int type_of_name(const char *nm) {
  int t;

  if (strncmp(nm, "UNKNOWN(", 8) == 0) {
    return (int)strtol(nm + 8, NULL, 16);
  }
  for (t = 0; t < 256; ++t) {
    const char *x = gsw_chunk_name((uint8_t)t);
    if (x != NULL && strcmp(x, nm) == 0) {
      return t;
    }
  }
  return -1;
}

static int code_of_cause(const char *nm);

static int type_of_param(const char *nm) {
  int t;

  if (strncmp(nm, "0x", 2) == 0) {
    return (int)strtol(nm, NULL, 16);
  }
  for (t = 0; t < 0x10000; ++t) {
    const char *x = gsw_param_name((uint16_t)t);
    if (x != NULL && strcmp(x, nm) == 0) {
      return t;
    }
  }
  return -1;
}

/* Splits a params= or causes= value ("a,b(c+d),e") into names: those at
 * depth 0 go to |top| (as cause codes if |causes|, else parameter
 * types), nested ones (always parameters) to |nested|. */
static void tlv_names(const char *v, int causes, char *top, char *nested,
                      frame_vals *fv) {
  char name[64];
  size_t n = 0;
  int depth = 0;
  const char *c;

  for (c = v;; ++c) {
    if (*c == '[') {
      /* unrecognized_chunk's echoed header: tshark lists that chunk's
       * type, flags and length after its ERROR's own */
      unsigned ty, fl, ln;
      char num[16];
      if (sscanf(c, "[0x%x/0x%x/%u]", &ty, &fl, &ln) == 3) {
        snprintf(num, sizeof(num), "%u", ty);
        append(fv->v[F_TYPE], num);
        snprintf(num, sizeof(num), "%u", fl);
        append(fv->v[F_FLAGS], num);
        snprintf(num, sizeof(num), "%u", ln);
        append(fv->v[F_LEN], num);
      }
      c = strchr(c, ']');
      if (c == NULL) {
        break;
      }
      continue;
    }
    if (*c == ',' || *c == '+' || *c == '(' || *c == ')' || *c == '\0') {
      if (n > 0) {
        char num[16];
        name[n] = '\0';
        if (depth == 0) {
          snprintf(num, sizeof(num), "%d",
                   causes ? code_of_cause(name) : type_of_param(name));
          append(top, num);
        } else {
          snprintf(num, sizeof(num), "%d", type_of_param(name));
          append(nested, num);
        }
        n = 0;
      }
      if (*c == '(') {
        depth++;
      } else if (*c == ')') {
        depth--;
      } else if (*c == '\0') {
        break;
      }
    } else if (n + 1 < sizeof(name)) {
      name[n++] = *c;
    }
  }
}

static int code_of_cause(const char *nm) {
  int c;

  if (strncmp(nm, "0x", 2) == 0) {
    return (int)strtol(nm, NULL, 16);
  }
  for (c = 0; c < 0x200; ++c) {
    const char *x = gsw_cause_name((uint16_t)c);
    if (x != NULL && strcmp(x, nm) == 0) {
      return c;
    }
  }
  return -1;
}

/* Runs `gsctp-pcap decode` on |path| and fills |fv|. */
static size_t run_decode(const char *path, const char *extra, frame_vals *fv,
                         size_t *plines) {
  char cmd[4096];
  char *line = NULL;
  size_t cap = 0, maxf = 0;
  uint64_t last_frame = 0;
  FILE *p;

  *plines = 0;
  snprintf(cmd, sizeof(cmd), "'%s' decode %s '%s'", g_tool, extra, path);
  p = popen(cmd, "r");
  cr_assert_not_null(p);
  while (getline(&line, &cap, p) > 0) {
    char *toks[256], *save = NULL, *t;
    size_t ntok = 0, i, f;
    unsigned long fr;
    int type = -1;
    const char *v;

    line[strcspn(line, "\n")] = '\0';
    (*plines)++;
    for (t = strtok_r(line, " ", &save); t != NULL && ntok < 256;
         t = strtok_r(NULL, " ", &save)) {
      toks[ntok++] = t;
    }
    cr_assert_geq(ntok, 5, "short decode line");
    fr = strtoul(toks[0], NULL, 10);
    cr_assert(fr > 0 && fr < MAX_FRAMES);
    if (fr > maxf) {
      maxf = fr;
    }
    for (i = 0; i + 1 < ntok; ++i) {
      if (toks[i][0] == '#') {
        type = type_of_name(toks[i + 1]);
      }
    }
    if (fr != last_frame) {
      /* per-packet values once per frame */
      if ((v = tok_val(toks, ntok, "vtag")) != NULL) {
        append_numbers(fv[fr].v[F_VTAG], v);
      }
      if ((v = tok_val(toks, ntok, "crc")) != NULL) {
        append(fv[fr].v[F_CRC], strcmp(v, "ok") == 0 ? "1" : "0");
      }
      last_frame = fr;
    }
    if (type < 0) {
      continue; /* MALFORMED packet or no chunks */
    }
    {
      char num[16];
      snprintf(num, sizeof(num), "%d", type);
      append(fv[fr].v[F_TYPE], num);
    }
    for (f = F_FLAGS; f < NFIELDS; ++f) {
      const field *fd = &FIELDS[f];
      char key[32];
      int applies = fd->types[0] == -1, k;

      for (k = 0; k < 8 && fd->types[k] != -1; ++k) {
        if (fd->types[k] == type) {
          applies = 1;
        }
      }
      if (!applies) {
        continue;
      }
      snprintf(key, sizeof(key), "%s", fd->key);
      if (strcmp(key, "gaps<") == 0 || strcmp(key, "gaps>") == 0) {
        int end = key[4] == '>';
        char tmp[VAL_MAX], *s2 = NULL, *b;
        if ((v = tok_val(toks, ntok, "gaps")) == NULL || strcmp(v, "-") == 0) {
          continue;
        }
        snprintf(tmp, sizeof(tmp), "%s", v);
        for (b = strtok_r(tmp, ",", &s2); b != NULL;
             b = strtok_r(NULL, ",", &s2)) {
          char *dash = strchr(b, '-');
          append(fv[fr].v[f], end && dash ? dash + 1 : b);
          if (!end && dash) {
            /* cut at the dash */
            size_t n = strlen(fv[fr].v[f]);
            char *lastc = strrchr(fv[fr].v[f], ',');
            char *st = lastc ? lastc + 1 : fv[fr].v[f];
            char *d2 = strchr(st, '-');
            if (d2 != NULL) {
              *d2 = '\0';
            }
            (void)n;
          }
        }
        continue;
      }
      if (strcmp(key, "causes") == 0 || strcmp(key, "params") == 0) {
        int causes = key[0] == 'c';
        if ((v = tok_val(toks, ntok, key)) == NULL || strcmp(v, "-") == 0) {
          continue;
        }
        /* a cause's nested parameters are parameter_type values */
        tlv_names(v, causes, fv[fr].v[f],
                  causes ? fv[fr].v[F_PARAMS] : fv[fr].v[f], &fv[fr]);
        continue;
      }
      if (strcmp(key, "ppid") == 0 && type == GSW_I_DATA &&
          tok_val(toks, ntok, "ppid") == NULL) {
        continue; /* a later fragment carries the FSN */
      }
      if ((v = tok_val(toks, ntok, key)) != NULL && strcmp(v, "-") != 0) {
        append_numbers(fv[fr].v[f], v);
      }
    }
  }
  free(line);
  {
    int st = pclose(p);
    cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0,
              "gsctp-pcap decode %s failed (status %d)", path, st);
  }
  return maxf;
}

/* Compares tshark and gsctp-pcap on |path|; returns the chunk count. */
static size_t oracle(const char *path, const char *tshark_extra,
                     const char *decode_extra) {
  frame_vals *a = calloc(MAX_FRAMES, sizeof(*a));
  frame_vals *b = calloc(MAX_FRAMES, sizeof(*b));
  size_t na, nb, fr, f, lines, chunks = 0, mism = 0;

  cr_assert(a != NULL && b != NULL);
  na = run_tshark(path, tshark_extra, a);
  nb = run_decode(path, decode_extra, b, &lines);
  cr_assert_geq(na, nb, "%s: decode saw frame %zu, tshark only %zu", path, nb,
                na);
  for (fr = 1; fr <= na; ++fr) {
    for (f = 0; f < NFIELDS; ++f) {
      if (strcmp(a[fr].v[f], b[fr].v[f]) != 0) {
        if (mism++ < 10) {
          cr_log_error("%s frame %zu %s: tshark '%s', gsctp-pcap '%s'", path,
                       fr, FIELDS[f].tshark, a[fr].v[f], b[fr].v[f]);
        }
      }
    }
    if (a[fr].v[F_TYPE][0] != '\0') {
      const char *c;
      chunks++;
      for (c = a[fr].v[F_TYPE]; *c; ++c) {
        chunks += *c == ',';
      }
    }
  }
  free(a);
  free(b);
  cr_assert_eq(mism, 0, "%s: %zu disagreement(s) with tshark", path, mism);
  return chunks;
}

/* Runs `gsctp-pcap check` and returns its exit status. */
static int run_check(const char *path, const char *extra, char *out,
                     size_t outcap) {
  char cmd[4096];
  size_t n = 0;
  FILE *p;
  int st;

  snprintf(cmd, sizeof(cmd), "'%s' check %s '%s'", g_tool, extra, path);
  p = popen(cmd, "r");
  cr_assert_not_null(p);
  if (out != NULL) {
    n = fread(out, 1, outcap - 1, p);
    out[n] = '\0';
  } else {
    char tmp[4096];
    while (fread(tmp, 1, sizeof(tmp), p) > 0) {
    }
  }
  st = pclose(p);
  cr_assert(WIFEXITED(st), "check did not exit");
  return WEXITSTATUS(st);
}

TestSuite(pcap_oracle, .init = setup_paths);

Test(pcap_oracle, hand_made_captures_agree_with_tshark) {
  size_t i, total = 0;

  for (i = 0; i < PG_NCASES; ++i) {
    char path[2048];
    snprintf(path, sizeof(path), "%s/gen_%s.pcap", g_outdir, PG_CASES[i].name);
    cr_assert_eq(pg_write_case(&PG_CASES[i], path), 0, "writing %s", path);
    total += oracle(path, "", "");
  }
  cr_log_info("hand-made: %zu captures, %zu chunks agree", PG_NCASES, total);
  cr_assert_gt(total, 200);
}

/* Starts the stack, a capture into |name|, and an in-memory link. */
static gsctp_link *start_memory_capture(const char *name, char *path,
                                        size_t cap) {
  gsctp_stack_config cfg;
  gsctp_link *link;
  int rc;

  gsctp_stack_config_default(&cfg);
  cfg.no_udp = 1;
  rc = gsctp_stack_start(&cfg);
  cr_assert_eq(rc, 0, "stack: %s", gsctp_err_name(rc));
  snprintf(path, cap, "%s/%s.pcap", g_outdir, name);
  rc = gsctp_capture_start(path, 0);
  cr_assert_eq(rc, 0, "capture: %s", gsctp_err_name(rc));
  cr_assert_eq(gsctp_capture_start(path, 0), GSCTP_EALREADY);
  rc = gsctp_link_new_memory(&link);
  cr_assert_eq(rc, 0);
  return link;
}

/* Exchanges |n| messages each way on streams 0..4 of |p|. */
static void exchange(ts_pair *p, int n) {
  gsctp_item it;
  char msg[64];
  int i, rc;

  for (i = 0; i < n; ++i) {
    snprintf(msg, sizeof(msg), "message %d", i);
    rc = gsctp_send(p->cli, p->cli_up.assoc_id, i % 5, msg, strlen(msg));
    cr_assert_eq(rc, 0, "send: %s", gsctp_err_name(rc));
    ts_recv_data(p->srv, TS_WAIT_MS, &it);
    gsctp_item_free(&it);
    rc = gsctp_send(p->srv, p->srv_up.assoc_id, i % 3, msg, strlen(msg));
    cr_assert_eq(rc, 0, "send: %s", gsctp_err_name(rc));
    ts_recv_data(p->cli, TS_WAIT_MS, &it);
    gsctp_item_free(&it);
  }
}

static void finish_capture(const char *path, uint64_t min_packets) {
  int64_t t0 = ts_now_ms();

  cr_assert_eq(gsctp_capture_stop(), 0);
  cr_assert_eq(gsctp_capture_stop(), GSCTP_ENOTCONN);
  cr_assert_geq(gsctp_capture_packets(), min_packets, "%s: %llu packets", path,
                (unsigned long long)gsctp_capture_packets());
  (void)t0;
}

Test(pcap_oracle, memory_link_association_agrees_and_checks_clean) {
  gsctp_opt co[] = {ts_opt_ostreams(5)};
  char path[2048], out[65536];
  gsctp_link *link;
  gsctp_ip ip;
  ts_pair p;
  gsctp_item it;
  int rc;

  link = start_memory_capture("tap_memory", path, sizeof(path));
  ip = gsctp_ip_conn(link);
  ts_pair_open(&p, GSCTP_FAMILY_CONN, &ip, co, 1, NULL, 0);
  exchange(&p, 20);
  rc = gsctp_eof(p.cli, &p.cli_up);
  cr_assert_eq(rc, 0, "eof: %s", gsctp_err_name(rc));
  rc = ts_recv_event(p.cli, GSCTP_EV_ASSOC_CHANGE, GSCTP_SHUTDOWN_COMP,
                     TS_WAIT_MS, &it, NULL);
  cr_assert_eq(rc, 0, "no shutdown_comp: %s", gsctp_err_name(rc));
  gsctp_item_free(&it);
  ts_pair_close(&p);
  finish_capture(path, 4 + 2 * 20 + 3);
  gsctp_link_del(link);

  cr_assert_geq(oracle(path, "", ""), 4 + 2 * 20 + 3);
  rc = run_check(path, "", out, sizeof(out));
  cr_assert_eq(rc, 0, "check flagged correct traffic:\n%s", out);
  cr_assert(strstr(out, " 0 violations") != NULL, "%s", out);
}

Test(pcap_oracle, lossy_memory_link_agrees_and_checks_clean) {
  char path[2048], out[65536];
  gsctp_link *link;
  gsctp_ip ip;
  ts_pair p;
  int rc, i;

  link = start_memory_capture("tap_memory_loss", path, sizeof(path));
  ip = gsctp_ip_conn(link);
  ts_pair_open(&p, GSCTP_FAMILY_CONN, &ip, NULL, 0, NULL, 0);
  cr_assert_eq(gsctp_link_set_loss(link, 7), 0);
  for (i = 0; i < 60; ++i) {
    char msg[1000]; /* one DATA per packet: the loss hits DATA */
    memset(msg, 'a' + i % 26, sizeof(msg));
    rc = gsctp_send(p.cli, p.cli_up.assoc_id, 0, msg, sizeof(msg));
    cr_assert_eq(rc, 0, "send: %s", gsctp_err_name(rc));
  }
  for (i = 0; i < 60; ++i) {
    gsctp_item it;
    ts_recv_data(p.srv, 60000, &it);
    gsctp_item_free(&it);
  }
  cr_assert_eq(gsctp_link_set_loss(link, 0), 0);
  rc = gsctp_abort(p.cli, &p.cli_up);
  cr_assert_eq(rc, 0, "abort: %s", gsctp_err_name(rc));
  ts_pair_close(&p);
  finish_capture(path, 60);
  gsctp_link_del(link);

  oracle(path, "", "");
  rc = run_check(path, "", out, sizeof(out));
  cr_assert_eq(rc, 0, "check flagged correct traffic:\n%s", out);
  /* the stats command sees the retransmissions the loss caused */
  {
    char cmd[4096], buf[8192];
    size_t n;
    FILE *f;
    snprintf(cmd, sizeof(cmd), "'%s' stats '%s'", g_tool, path);
    f = popen(cmd, "r");
    cr_assert_not_null(f);
    n = fread(buf, 1, sizeof(buf) - 1, f);
    buf[n] = '\0';
    cr_assert_eq(pclose(f), 0);
    cr_assert(strstr(buf, "association 1:") != NULL, "%s", buf);
    {
      /* the loss forced retransmissions; stats must count some */
      unsigned long total = 0;
      const char *r = buf;
      while ((r = strstr(r, "retransmissions=")) != NULL) {
        r += strlen("retransmissions=");
        total += strtoul(r, NULL, 10);
      }
      cr_assert_gt(total, 0, "no retransmissions counted:\n%s", buf);
    }
  }
}

Test(pcap_oracle, udp_tap_entry_point_agrees) {
  char path[2048];
  struct sockaddr_in l4, r4;
  struct sockaddr_in6 l6, r6;
  uint8_t buf[512];
  gsw_builder b;
  int n, rc;

  rc = ts_try_stack_start();
  cr_assert_gt(rc, 0);
  snprintf(path, sizeof(path), "%s/tap_udp.pcap", g_outdir);
  rc = gsctp_capture_start(path, 0);
  cr_assert_eq(rc, 0, "capture: %s", gsctp_err_name(rc));
  memset(&l4, 0, sizeof(l4));
  l4.sin_family = AF_INET;
  l4.sin_port = htons(GSW_UDP_PORT);
  l4.sin_addr.s_addr = htonl(0x7f000001);
  r4 = l4;
  r4.sin_port = htons(40000);
  memset(&l6, 0, sizeof(l6));
  l6.sin6_family = AF_INET6;
  l6.sin6_port = htons(GSW_UDP_PORT);
  l6.sin6_addr.s6_addr[15] = 1;
  r6 = l6;
  r6.sin6_port = htons(40001);

  gsw_build_start(&b, buf, sizeof(buf), 5000, 6000, 0);
  gsw_build_init(&b, GSW_INIT, 0xabcdef01, 1000, 3, 3, 77, NULL, 0);
  n = gsw_build_finish(&b);
  gsctp_tap_udp(1, (struct sockaddr *)&l4, (struct sockaddr *)&r4, buf,
                (size_t)n);
  gsw_build_start(&b, buf, sizeof(buf), 6000, 5000, 0xabcdef01);
  gsw_build_data(&b, 3, 42, 1, 0, 9, "over udp", 8);
  n = gsw_build_finish(&b);
  gsctp_tap_udp(0, (struct sockaddr *)&l6, (struct sockaddr *)&r6, buf,
                (size_t)n);
  /* mixed families: ignored */
  gsctp_tap_udp(0, (struct sockaddr *)&l4, (struct sockaddr *)&r6, buf,
                (size_t)n);
  cr_assert_eq(gsctp_capture_packets(), 2);
  cr_assert_eq(gsctp_capture_stop(), 0);
  cr_assert_eq(oracle(path, "", ""), 2);
}

Test(pcap_oracle, live_udp_capture_agrees_and_checks_clean) {
  char path[2048], extra[64], out[65536];
  ts_pair p;
  int port, rc;

  if (geteuid() != 0) {
    cr_skip_test("live capture needs root");
  }
  port = ts_stack_start();
  snprintf(path, sizeof(path), "%s/live_udp.pcap", g_outdir);
  rc = gsctp_capture_start(path, GSCTP_CAPTURE_LIVE);
  cr_assert_eq(rc, 0, "live capture: %s", gsctp_err_name(rc));
  ts_pair_open(&p, GSCTP_FAMILY_INET, NULL, NULL, 0, NULL, 0);
  exchange(&p, 5);
  rc = gsctp_abort(p.cli, &p.cli_up);
  cr_assert_eq(rc, 0);
  {
    gsctp_item it;
    rc = ts_recv_event(p.srv, GSCTP_EV_ASSOC_CHANGE, GSCTP_COMM_LOST,
                       TS_WAIT_MS, &it, NULL);
    cr_assert_eq(rc, 0);
    gsctp_item_free(&it);
  }
  ts_pair_close(&p);
  /* gsctp_capture_stop drains what the capture thread has not read */
  finish_capture(path, 4 + 2 * 5 + 1);
  snprintf(extra, sizeof(extra), "-d udp.port==%d,sctp", port);
  {
    char dx[64];
    snprintf(dx, sizeof(dx), "--udp-port %d", port);
    cr_assert_geq(oracle(path, extra, dx), 4 + 2 * 5 + 1);
    rc = run_check(path, dx, out, sizeof(out));
    cr_assert_eq(rc, 0, "check flagged correct traffic:\n%s", out);
  }
}

/* The committed capture of `scripts/demo --pcap` (tcpdump on lo, SCTP in
 * UDP on the demo's two encapsulation ports). */
Test(pcap_oracle, committed_demo_capture_agrees_and_checks_clean) {
  const char *src = getenv("GSCTP_SOURCE_DIR");
  char path[2048], out[65536];

  cr_assert_not_null(src, "GSCTP_SOURCE_DIR not set (run through ctest)");
  snprintf(path, sizeof(path), "%s/tests/pcap/demo.pcap", src);
  cr_assert_eq(oracle(path, "-d udp.port==49601,sctp -d udp.port==50052,sctp",
                      "--udp-port 49601 --udp-port 50052"),
               7);
  cr_assert_eq(
    run_check(path, "--udp-port 49601 --udp-port 50052", out, sizeof(out)), 0,
    "%s", out);
}

/* Opens a udp_conn socket (SCTP over a UDP socket gsctp owns) on the
 * loopback of |family|, ephemeral UDP port, remote UDP port |rport|. */
static gsctp_sock open_udpconn(int family, int rport) {
  gsctp_opt opts[6];
  gsctp_sock s = 0;
  size_t n = 0;
  int rc;

  opts[n++] = ts_opt_i(GSCTP_OPT_TRANSPORT, GSCTP_TRANSPORT_UDP_CONN);
  opts[n++] = ts_opt_i(GSCTP_OPT_FAMILY, family);
  opts[n++] = ts_opt_ip(gsctp_ip_loopback(family));
  opts[n++] = ts_opt_i(GSCTP_OPT_UDP_PORT, 0);
  if (rport > 0) {
    opts[n++] = ts_opt_i(GSCTP_OPT_UDP_REMOTE_PORT, rport);
  }
  rc = gsctp_open(&s, opts, n);
  cr_assert_eq(rc, 0, "open udp_conn: %s", gsctp_err_name(rc));
  return s;
}

static int udp_port_of(gsctp_sock s) {
  gsctp_opt o;
  size_t nread = 0;

  memset(&o, 0, sizeof(o));
  o.name = GSCTP_OPT_UDP_PORT;
  cr_assert_eq(gsctp_getopts(s, &o, 1, &nread), 0);
  cr_assert_eq(nread, 1);
  return (int)o.v.i;
}

/* An association over the udp_conn transport, tapped with real addresses
 * and UDP ports (gsctp_tap_udp).  Both ends are in this process, so each
 * packet is recorded twice: sent by one socket, received by the other. */
static void udpconn_capture(int family, const char *name) {
  char path[2048], tx[128], dx[128], out[65536];
  gsctp_ip ip = gsctp_ip_loopback(family);
  ts_pair p;
  gsctp_item it;
  int su, cu, rc;

  if (family == GSCTP_FAMILY_INET6 && !ts_have_ipv6_loopback()) {
    cr_skip_test("no IPv6 loopback");
  }
  ts_stack_start();
  snprintf(path, sizeof(path), "%s/%s.pcap", g_outdir, name);
  cr_assert_eq(gsctp_capture_start(path, 0), 0);
  memset(&p, 0, sizeof(p));
  p.srv = open_udpconn(family, 0);
  cr_assert_eq(gsctp_listen(p.srv, GSCTP_LISTEN_TRUE), 0);
  su = udp_port_of(p.srv);
  p.cli = open_udpconn(family, su);
  cu = udp_port_of(p.cli);
  rc = gsctp_connect(p.cli, &ip, (uint16_t)gsctp_port(p.srv), NULL, 0,
                     TS_WAIT_MS, &p.cli_up);
  cr_assert_eq(rc, 0, "connect: %s", gsctp_err_name(rc));
  rc = ts_recv_event(p.srv, GSCTP_EV_ASSOC_CHANGE, GSCTP_COMM_UP, TS_WAIT_MS,
                     &it, NULL);
  cr_assert_eq(rc, 0);
  p.srv_up = it.event.u.assoc_change;
  gsctp_item_free(&it);
  exchange(&p, 5);
  rc = gsctp_eof(p.cli, &p.cli_up);
  cr_assert_eq(rc, 0, "eof: %s", gsctp_err_name(rc));
  rc = ts_recv_event(p.cli, GSCTP_EV_ASSOC_CHANGE, GSCTP_SHUTDOWN_COMP,
                     TS_WAIT_MS, &it, NULL);
  cr_assert_eq(rc, 0);
  gsctp_item_free(&it);
  gsctp_close(p.cli);
  gsctp_close(p.srv);
  finish_capture(path, 2 * (4 + 2 * 5 + 3));

  snprintf(tx, sizeof(tx), "-d udp.port==%d,sctp -d udp.port==%d,sctp", su, cu);
  snprintf(dx, sizeof(dx), "--udp-port %d --udp-port %d", su, cu);
  cr_assert_geq(oracle(path, tx, dx), 2 * (4 + 2 * 5 + 3));
  rc = run_check(path, dx, out, sizeof(out));
  cr_assert_eq(rc, 0, "check flagged correct traffic:\n%s", out);
}

Test(pcap_oracle, udpconn_ipv4_capture_agrees_and_checks_clean) {
  udpconn_capture(GSCTP_FAMILY_INET, "tap_udpconn4");
}

Test(pcap_oracle, udpconn_ipv6_capture_agrees_and_checks_clean) {
  udpconn_capture(GSCTP_FAMILY_INET6, "tap_udpconn6");
}

/* The conformance runner writes a LINKTYPE_SCTP capture of every script
 * it runs, including the malformed and out-of-state packets the scripts
 * inject.  Run every shipped script, concatenate the captures (mergecap)
 * and compare the lot with tshark. */
Test(pcap_oracle, drill_captures_agree) {
  const char *src = getenv("GSCTP_SOURCE_DIR");
  const char *bin = getenv("GSCTP_EXAMPLES_DIR");
  char cmd[16384], dir[1200], all[1300];
  size_t chunks;
  int st;

  cr_assert_not_null(src, "GSCTP_SOURCE_DIR not set (run through ctest)");
  cr_assert_not_null(bin);
  snprintf(dir, sizeof(dir), "%s/drill", g_outdir);
  snprintf(all, sizeof(all), "%s/drill_all.pcapng", g_outdir);
  snprintf(cmd, sizeof(cmd), "%s/pcap-tools/drill/gsctp-drill", bin);
  if (access(cmd, X_OK) != 0) {
    cr_skip_test("gsctp-drill is not built");
  }
  snprintf(cmd, sizeof(cmd),
           "rm -rf '%s' && '%s/pcap-tools/drill/gsctp-drill' -o '%s' "
           "'%s/tests/drill' >/dev/null 2>&1; "
           "mergecap -a -w '%s' '%s'/*.pcap",
           dir, bin, dir, src, all, dir);
  st = system(cmd);
  cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0, "drill + mergecap: %d", st);
  chunks = oracle(all, "", "");
  cr_log_info("drill captures: %zu chunks agree", chunks);
  cr_assert_gt(chunks, 500);
}
