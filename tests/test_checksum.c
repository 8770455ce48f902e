/*
 * tests/test_checksum.c - the stack verifies CRC32c on every packet,
 * loopback included.
 *
 * A plain UDP socket sends handcrafted SCTP INIT packets (RFC 9260
 * section 3.3.2) inside UDP (RFC 6951) to the stack's encapsulation port
 * on 127.0.0.1, addressed to a listening gsctp socket.  Source and
 * destination are both 127.0.0.1: exactly the case in which usrsctp
 * 0.9.5 skips the checksum unless sctp_no_csum_on_loopback is 0.
 *  - correct CRC32c: an INIT-ACK (chunk type 2) comes back;
 *  - wrong CRC32c: no answer, and checksum_errors grows by one.
 * The CRC32c is our own (tests/support), checked against the standard
 * test vectors and against the checksums the stack itself writes.
 */
#include <criterion/criterion.h>

#include <string.h>
#include <unistd.h>

#include <gsctp/gsctp.h>

#include "tsupport.h"

static int udp_port;
static gsctp_sock srv;
static uint16_t srv_port;
static int fd = -1;
static uint16_t fd_port;

static void setup(void) {
  int port;

  udp_port = ts_stack_start();
  srv = ts_open_server(GSCTP_FAMILY_INET, NULL, NULL, 0);
  port = gsctp_port(srv);
  cr_assert_gt(port, 0);
  srv_port = (uint16_t)port;
  fd = ts_udp_open(GSCTP_FAMILY_INET, &fd_port);
  cr_assert_geq(fd, 0, "cannot open a UDP socket");
}

static void teardown(void) {
  if (fd >= 0) {
    close(fd);
    fd = -1;
  }
}

TestSuite(checksum, .init = setup, .fini = teardown, .timeout = 120);

/* The SCTP source port of our crafted packets. */
#define CRAFT_SPORT 40001

static uint64_t checksum_errors(void) {
  gsctp_stack_stats st;
  int rc = gsctp_stack_get_stats(&st);

  cr_assert_eq(rc, 0, "get_stats: %s", gsctp_err_name(rc));
  return st.checksum_errors;
}

/* Sends |pkt| to the stack's UDP port. */
static void send_pkt(const uint8_t *pkt, size_t len) {
  cr_assert_eq(ts_udp_send4(fd, (uint16_t)udp_port, pkt, len), 0,
               "sendto the stack's UDP port failed");
}

/* Waits up to |timeout_ms| for an INIT-ACK answering |itag|; returns 1
 * if one came, 0 if nothing did.  Anything else fails the test. */
static int got_init_ack(uint32_t itag, int timeout_ms) {
  uint8_t pkt[4096];
  uint16_t from = 0;
  ssize_t n = ts_udp_recv(fd, pkt, sizeof(pkt), timeout_ms, &from);

  cr_assert_geq(n, 0, "recv on the UDP socket failed");
  if (n == 0) {
    return 0;
  }
  cr_assert_eq(from, (uint16_t)udp_port, "answer from UDP port %u",
               (unsigned)from);
  cr_assert_geq(n, 16, "answer of %zd bytes", n);
  cr_assert_eq(pkt[12], 2, "answer's first chunk is type %u, not INIT-ACK",
               (unsigned)pkt[12]);
  cr_assert_eq(ts_get16(pkt), srv_port, "INIT-ACK from SCTP port %u",
               (unsigned)ts_get16(pkt));
  cr_assert_eq(ts_get16(pkt + 2), CRAFT_SPORT, "INIT-ACK to SCTP port %u",
               (unsigned)ts_get16(pkt + 2));
  cr_assert_eq(ts_get32(pkt + 4), itag,
               "INIT-ACK verification tag %08x, our initiate tag %08x",
               (unsigned)ts_get32(pkt + 4), (unsigned)itag);
  /* The stack's own checksum agrees with our CRC32c. */
  cr_assert(ts_sctp_checksum_ok(pkt, (size_t)n),
            "the INIT-ACK's checksum is wrong by our CRC32c");
  return 1;
}

/* Waits up to TS_WAIT_MS for checksum_errors to exceed |before| and
 * returns the new value. */
static uint64_t wait_checksum_errors(uint64_t before) {
  int64_t deadline = ts_now_ms() + TS_WAIT_MS;
  uint64_t now = checksum_errors();
  int i;

  for (i = 0; i < 10000 && now <= before && ts_now_ms() < deadline; ++i) {
    ts_sleep_ms(10);
    now = checksum_errors();
  }
  return now;
}

static void expect_dropped_and_counted(const uint8_t *pkt, size_t len,
                                       uint32_t itag, const char *what) {
  uint64_t before = checksum_errors(), after;

  send_pkt(pkt, len);
  cr_assert_eq(got_init_ack(itag, 1000), 0,
               "the stack answered an INIT with %s", what);
  after = wait_checksum_errors(before);
  cr_assert_eq(after, before + 1,
               "checksum_errors went from %llu to %llu after an INIT with %s",
               (unsigned long long)before, (unsigned long long)after, what);
}

Test(checksum, crc32c_matches_the_standard_vectors) {
  uint8_t zeros[32], ones[32];

  memset(zeros, 0, sizeof(zeros));
  memset(ones, 0xFF, sizeof(ones));
  cr_assert_eq(ts_crc32c("123456789", 9), 0xE3069283u);
  /* RFC 3720 appendix B.4 (iSCSI, the same CRC32c). */
  cr_assert_eq(ts_crc32c(zeros, 32), 0x8A9136AAu);
  cr_assert_eq(ts_crc32c(ones, 32), 0x62A8AB43u);
}

Test(checksum, correct_crc_gets_an_init_ack) {
  uint8_t pkt[64];
  uint64_t before = checksum_errors();
  size_t len =
    ts_sctp_build_init(pkt, CRAFT_SPORT, srv_port, 0x11223344u, 1000);

  cr_assert(ts_sctp_checksum_ok(pkt, len));
  send_pkt(pkt, len);
  cr_assert_eq(got_init_ack(0x11223344u, 5000), 1,
               "no INIT-ACK within 5 s for a correct INIT");
  cr_assert_eq(checksum_errors(), before);
}

Test(checksum, wrong_crc_is_dropped_and_counted) {
  uint8_t pkt[64];
  size_t len =
    ts_sctp_build_init(pkt, CRAFT_SPORT, srv_port, 0x0BADC0DEu, 2000);

  pkt[8] ^= 0x01; /* corrupt the checksum itself */
  cr_assert(!ts_sctp_checksum_ok(pkt, len));
  expect_dropped_and_counted(pkt, len, 0x0BADC0DEu, "a wrong CRC32c");

  /* The same INIT with its checksum repaired is answered: the drop was
   * the checksum's doing. */
  ts_sctp_set_checksum(pkt, len);
  send_pkt(pkt, len);
  cr_assert_eq(got_init_ack(0x0BADC0DEu, 5000), 1,
               "no INIT-ACK after repairing the checksum");
}

Test(checksum, corrupted_body_is_dropped_and_counted) {
  uint8_t pkt[64];
  size_t len =
    ts_sctp_build_init(pkt, CRAFT_SPORT, srv_port, 0x55667788u, 3000);

  pkt[21] ^= 0x40; /* a_rwnd changes, the checksum does not */
  cr_assert(!ts_sctp_checksum_ok(pkt, len));
  expect_dropped_and_counted(pkt, len, 0x55667788u, "a corrupted body");
}

Test(checksum, zero_checksum_is_dropped_and_counted) {
  uint8_t pkt[64];
  size_t len =
    ts_sctp_build_init(pkt, CRAFT_SPORT, srv_port, 0x99AABBCCu, 4000);

  memset(pkt + 8, 0, 4); /* RFC 9653 zero checksum was never negotiated */
  cr_assert(!ts_sctp_checksum_ok(pkt, len));
  expect_dropped_and_counted(pkt, len, 0x99AABBCCu, "a zero checksum");
}

/* usrsctp 0.9.5 with its default keeps skipping the check for later
 * packets once it skipped it for one: a good packet first must not turn
 * verification off. */
Test(checksum, wrong_crc_after_a_good_packet_is_still_dropped) {
  uint8_t pkt[64];
  size_t len;
  int i;

  for (i = 0; i < 3; ++i) {
    len = ts_sctp_build_init(pkt, CRAFT_SPORT, srv_port,
                             0x01010101u + (uint32_t)i, 5000);
    send_pkt(pkt, len);
    cr_assert_eq(got_init_ack(0x01010101u + (uint32_t)i, 5000), 1,
                 "no INIT-ACK for good INIT %d", i);
  }
  len = ts_sctp_build_init(pkt, CRAFT_SPORT, srv_port, 0x0D0D0D0Du, 6000);
  pkt[11] ^= 0x80;
  expect_dropped_and_counted(pkt, len, 0x0D0D0D0Du,
                             "a wrong CRC32c after good packets");
}

/* The stack's own INIT carries a correct CRC32c too (captured by a
 * plain UDP socket standing in for the peer). */
Test(checksum, stack_sends_correct_checksums) {
  uint16_t sink_port = 0;
  int sink = ts_udp_open(GSCTP_FAMILY_INET, &sink_port);
  gsctp_opt o = ts_opt_i(GSCTP_OPT_UDP_REMOTE_PORT, 0);
  gsctp_sock cli;
  gsctp_ip ip = gsctp_ip_loopback(GSCTP_FAMILY_INET);
  uint8_t pkt[2048];
  ssize_t n;
  int rc;

  cr_assert_geq(sink, 0);
  o.v.i = sink_port;
  cli = ts_open(GSCTP_FAMILY_INET, NULL, &o, 1);
  rc = gsctp_connect_init(cli, &ip, 7777, NULL, 0);
  cr_assert_eq(rc, 0, "connect_init: %s", gsctp_err_name(rc));
  n = ts_udp_recv(sink, pkt, sizeof(pkt), TS_WAIT_MS, NULL);
  cr_assert_geq(n, 32, "no INIT reached the sink (%zd)", n);
  cr_assert_eq(pkt[12], 1, "chunk type %u", (unsigned)pkt[12]);
  cr_assert(ts_sctp_checksum_ok(pkt, (size_t)n),
            "the stack's INIT has a wrong CRC32c");
  gsctp_close(cli);
  close(sink);
}
