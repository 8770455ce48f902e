/*
 * tests/test_pcap_capture.c - the capture API (gsctp/capture.h): bad
 * arguments, GSCTP_EPERM without privilege, the GSCTP_PCAP environment
 * variable, placeholder addresses per link, and flushing per packet (a
 * process that crashes leaves every record it wrote readable).
 */
#include <criterion/criterion.h>

#include <pcap/pcap.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gsctp/gsctp.h>

#include "sctp_wire.h"
#include "tap.h"
#include "tsupport.h"

static char g_outdir[1024];

static void setup(void) {
  const char *t = getenv("GSCTP_TEST_BIN_DIR");

  cr_assert_not_null(t, "GSCTP_TEST_BIN_DIR not set (run through ctest)");
  snprintf(g_outdir, sizeof(g_outdir), "%s/pcap_out", t);
  mkdir(g_outdir, 0755);
}

TestSuite(pcap_capture, .init = setup);

/* Reads |path|: returns the number of records, checks the link type and
 * that every record is an IPv4 packet carrying SCTP from |addr4|
 * (NULL: any), and stores the last record's SCTP ports. */
static int read_records(const char *path, const uint8_t *addr4,
                        uint16_t *psport) {
  char errbuf[PCAP_ERRBUF_SIZE];
  struct pcap_pkthdr *h;
  const u_char *d;
  pcap_t *p = pcap_open_offline(path, errbuf);
  int n = 0;

  cr_assert_not_null(p, "%s: %s", path, errbuf);
  cr_assert_eq(pcap_datalink(p), DLT_RAW);
  while (pcap_next_ex(p, &h, &d) == 1) {
    gsw_frame f;
    cr_assert_eq(gsw_frame_decode(&f, DLT_RAW, d, h->caplen, NULL), 0);
    cr_assert_eq(f.family, 4);
    if (addr4 != NULL) {
      cr_assert_arr_eq(f.src, addr4, 4);
      cr_assert_arr_eq(f.dst, addr4, 4);
    }
    cr_assert_geq(f.sctplen, 12u);
    cr_assert_eq(gsw_packet_crc(f.sctp, f.sctplen),
                 gsw_packet_stored_crc(f.sctp));
    if (psport != NULL) {
      *psport = gsw_get16(f.sctp);
    }
    n++;
  }
  pcap_close(p);
  return n;
}

Test(pcap_capture, bad_arguments) {
  char path[2048];

  cr_assert_eq(gsctp_capture_start(NULL, 0), GSCTP_EBADARG);
  cr_assert_eq(gsctp_capture_start("", 0), GSCTP_EBADARG);
  snprintf(path, sizeof(path), "%s/args.pcap", g_outdir);
  cr_assert_eq(gsctp_capture_start(path, 0x80), GSCTP_EBADARG);
  cr_assert_eq(gsctp_capture_stop(), GSCTP_ENOTCONN);
  cr_assert_eq(gsctp_capture_start("/nonexistent/dir/x.pcap", 0), GSCTP_EIO);
  cr_assert_eq(gsctp_capture_start(path, 0), 0);
  cr_assert_eq(gsctp_capture_start(path, 0), GSCTP_EALREADY);
  cr_assert_eq(gsctp_capture_stop(), 0);
  cr_assert_eq(read_records(path, NULL, NULL), 0); /* a valid empty file */
  /* the tap entry points are harmless with no capture running */
  gsctp_tap_conn(1, path, "x", 1);
  gsctp_tap_udp(1, NULL, NULL, "x", 1);
  cr_assert_eq(gsctp_capture_packets(), 0);
}

Test(pcap_capture, live_capture_without_privilege_is_eperm) {
  char path[2048];
  int rc;

  rc = ts_try_stack_start();
  cr_assert_gt(rc, 0);
  if (geteuid() == 0) {
    /* Drop root (and with it CAP_NET_RAW) in this test's own process. */
    cr_assert_eq(setgid(65534), 0);
    cr_assert_eq(setuid(65534), 0);
  }
  snprintf(path, sizeof(path), "/tmp/gsctp-eperm-%d.pcap", (int)getpid());
  rc = gsctp_capture_start(path, GSCTP_CAPTURE_LIVE);
  cr_assert_eq(rc, GSCTP_EPERM, "got %s", gsctp_err_name(rc));
  cr_assert_eq(gsctp_capture_stop(), GSCTP_ENOTCONN);
  /* the tap alone needs no privilege */
  cr_assert_eq(gsctp_capture_start(path, 0), 0);
  cr_assert_eq(gsctp_capture_stop(), 0);
  unlink(path);
}

Test(pcap_capture, env_var_starts_capture_and_links_get_placeholders) {
  static const uint8_t first[4] = {127, 42, 0, 1};
  gsctp_stack_config cfg;
  gsctp_link *l1, *l2;
  gsctp_ip ip;
  ts_pair p;
  char path[2048];
  int rc, n;

  snprintf(path, sizeof(path), "%s/env.pcap", g_outdir);
  unlink(path);
  cr_assert_eq(setenv("GSCTP_PCAP", path, 1), 0);
  gsctp_stack_config_default(&cfg);
  cfg.no_udp = 1;
  rc = gsctp_stack_start(&cfg);
  cr_assert_eq(rc, 0, "stack: %s", gsctp_err_name(rc));
  cr_assert_eq(gsctp_capture_start(path, 0), GSCTP_EALREADY,
               "GSCTP_PCAP did not start a capture");
  cr_assert_eq(gsctp_link_new_memory(&l1), 0);
  cr_assert_eq(gsctp_link_new_memory(&l2), 0);
  ip = gsctp_ip_conn(l1);
  ts_pair_open(&p, GSCTP_FAMILY_CONN, &ip, NULL, 0, NULL, 0);
  ts_pair_close(&p);
  cr_assert_eq(gsctp_capture_stop(), 0);
  n = read_records(path, first, NULL);
  cr_assert_geq(n, 4, "%d records", n);

  /* A second capture numbers links afresh: l2 first seen -> 127.42.0.1.
   * l1 goes first, so that no late packet of the closed pair (its
   * ABORT) lands in the second capture. */
  gsctp_link_del(l1);
  cr_assert_eq(gsctp_capture_start(path, 0), 0);
  ip = gsctp_ip_conn(l2);
  ts_pair_open(&p, GSCTP_FAMILY_CONN, &ip, NULL, 0, NULL, 0);
  ts_pair_close(&p);
  cr_assert_eq(gsctp_capture_stop(), 0);
  cr_assert_geq(read_records(path, first, NULL), 4);
  gsctp_link_del(l2);
}

Test(pcap_capture, records_survive_a_crash) {
  char path[2048];
  pid_t pid;
  int st, n;

  snprintf(path, sizeof(path), "%s/crash.pcap", g_outdir);
  unlink(path);
  pid = fork();
  cr_assert_geq(pid, 0);
  if (pid == 0) {
    uint8_t buf[256];
    gsw_builder b;
    int i, len;

    if (gsctp_capture_start(path, 0) != 0) {
      _exit(3);
    }
    for (i = 0; i < 25; ++i) {
      gsw_build_start(&b, buf, sizeof(buf), 1000, 2000, 7);
      gsw_build_data(&b, 3, (uint32_t)i, 0, (uint16_t)i, 0, "crash", 5);
      len = gsw_build_finish(&b);
      gsctp_tap_conn(1, buf, buf, (size_t)len);
    }
    abort(); /* no stop, no exit handlers */
  }
  cr_assert_eq(waitpid(pid, &st, 0), pid);
  cr_assert(WIFSIGNALED(st) && WTERMSIG(st) == SIGABRT, "child status %d", st);
  n = read_records(path, (const uint8_t[4]){127, 42, 0, 1}, NULL);
  cr_assert_eq(n, 25, "%d of 25 records after the crash", n);
}
