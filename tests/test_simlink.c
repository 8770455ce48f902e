/*
 * tests/test_simlink.c - impaired in-memory links (gsctp_link_set_impairment):
 * seeded, reproducible loss, duplication, delay and reordering, and SCTP
 * delivering every message exactly once and in order per stream through
 * them.
 */
#include <criterion/criterion.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsctp/gsctp.h>

#include "stack_int.h"
#include "tsupport.h"

TestSuite(simlink, .timeout = 120);

static gsctp_link_impairment lossy(uint64_t seed) {
  gsctp_link_impairment imp;

  memset(&imp, 0, sizeof(imp));
  imp.seed = seed;
  imp.loss = 0.10;
  imp.duplicate = 0.05;
  imp.reorder = 0.10;
  imp.delay_ms = 1;
  imp.jitter_ms = 2;
  imp.reorder_ms = 4;
  return imp;
}

Test(simlink, same_seed_same_decisions) {
  gsctp_link_impairment imp = lossy(42);
  gsctp_impair_state a, b, c;
  int i, differ = 0;

  gsctp_impair_seed(&a, 42);
  gsctp_impair_seed(&b, 42);
  gsctp_impair_seed(&c, 43);
  for (i = 0; i < 10000; i++) {
    gsctp_impair_decision da, db, dc;

    gsctp_impair_decide(&a, &imp, &da);
    gsctp_impair_decide(&b, &imp, &db);
    gsctp_impair_decide(&c, &imp, &dc);
    cr_assert_eq(da.copies, db.copies, "decision %d differs", i);
    cr_assert_eq(da.delay_ms[0], db.delay_ms[0], "decision %d differs", i);
    cr_assert_eq(da.delay_ms[1], db.delay_ms[1], "decision %d differs", i);
    cr_assert_eq(da.reordered[0], db.reordered[0], "decision %d differs", i);
    cr_assert_eq(da.reordered[1], db.reordered[1], "decision %d differs", i);
    differ += da.copies != dc.copies || da.delay_ms[0] != dc.delay_ms[0];
  }
  cr_assert_gt(differ, 1000, "another seed changed only %d of 10000", differ);
}

Test(simlink, rates_and_delays_follow_the_settings) {
  gsctp_link_impairment imp = lossy(7);
  gsctp_impair_state r;
  int i, n = 100000, lost = 0, dup = 0, reo = 0, copies = 0;

  gsctp_impair_seed(&r, 7);
  for (i = 0; i < n; i++) {
    gsctp_impair_decision d;
    int k;

    gsctp_impair_decide(&r, &imp, &d);
    lost += d.copies == 0;
    dup += d.copies == 2;
    for (k = 0; k < d.copies; k++) {
      uint64_t lo = imp.delay_ms, hi = imp.delay_ms + imp.jitter_ms;

      copies++;
      if (d.reordered[k]) {
        reo++;
        lo += imp.reorder_ms;
        hi += imp.reorder_ms;
      }
      cr_assert(d.delay_ms[k] >= lo && d.delay_ms[k] <= hi,
                "delay %llu outside [%llu, %llu]",
                (unsigned long long)d.delay_ms[k], (unsigned long long)lo,
                (unsigned long long)hi);
    }
  }
  /* Fixed seed: these are exact reruns, so no flakiness; the bounds only
   * say the generator is not biased. */
  cr_assert(fabs((double)lost / n - imp.loss) < 0.01, "loss rate %d/%d", lost,
            n);
  cr_assert(fabs((double)dup / (n - lost) - imp.duplicate) < 0.01,
            "duplication rate %d/%d", dup, n - lost);
  cr_assert(fabs((double)reo / copies - imp.reorder) < 0.01,
            "reorder rate %d/%d", reo, copies);

  /* Everything off: always exactly one undelayed copy. */
  memset(&imp, 0, sizeof(imp));
  for (i = 0; i < 1000; i++) {
    gsctp_impair_decision d;

    gsctp_impair_decide(&r, &imp, &d);
    cr_assert_eq(d.copies, 1);
    cr_assert_eq(d.delay_ms[0], 0u);
    cr_assert_eq(d.reordered[0], 0);
  }
}

static void nop_output(void *user, const uint8_t *pkt, size_t len,
                       uint8_t tos) {
  (void)user;
  (void)pkt;
  (void)len;
  (void)tos;
}

Test(simlink, bad_arguments) {
  gsctp_link_impairment imp = lossy(1);
  gsctp_link_stats st;
  gsctp_link *mem, *usr;

  ts_stack_start();
  cr_assert_eq(gsctp_link_new_memory(&mem), 0);
  cr_assert_eq(gsctp_link_new(&usr, nop_output, NULL), 0);

  cr_assert_eq(gsctp_link_set_impairment(NULL, &imp), GSCTP_EBADARG);
  cr_assert_eq(gsctp_link_set_impairment(usr, &imp), GSCTP_EBADARG,
               "only in-memory links can be impaired");
  imp.loss = 1.5;
  cr_assert_eq(gsctp_link_set_impairment(mem, &imp), GSCTP_EBADARG);
  imp.loss = -0.1;
  cr_assert_eq(gsctp_link_set_impairment(mem, &imp), GSCTP_EBADARG);
  imp.loss = NAN;
  cr_assert_eq(gsctp_link_set_impairment(mem, &imp), GSCTP_EBADARG);
  imp = lossy(1);
  imp.duplicate = 2.0;
  cr_assert_eq(gsctp_link_set_impairment(mem, &imp), GSCTP_EBADARG);
  imp = lossy(1);
  imp.delay_ms = 60001;
  cr_assert_eq(gsctp_link_set_impairment(mem, &imp), GSCTP_EBADARG);
  imp = lossy(1);
  cr_assert_eq(gsctp_link_set_impairment(mem, &imp), 0);
  cr_assert_eq(gsctp_link_set_impairment(mem, NULL), 0, "NULL clears");

  cr_assert_eq(gsctp_link_get_stats(NULL, &st), GSCTP_EBADARG);
  cr_assert_eq(gsctp_link_get_stats(mem, NULL), GSCTP_EBADARG);
  cr_assert_eq(gsctp_link_get_stats(mem, &st), 0);
  cr_assert_eq(st.offered, 0u);
  gsctp_link_del(mem);
  gsctp_link_del(usr);
}

/* Ten thousand messages on four streams: bytes 0-3 the per-stream
 * sequence number, byte 4 the stream, then a seeded fill; sizes from
 * 8 bytes to 3,000 (fragmented: the link's MTU is about 1,200). */
enum { NMSG = 10000, NSTREAMS = 4, MAXLEN = 3000 };

static size_t msg_len(uint32_t i) {
  return 8 + (size_t)((i * 2654435761u) % (MAXLEN - 8));
}

struct sender {
  gsctp_sock sock;
  int64_t assoc;
  int failed;
};

static int send_all(void *arg) {
  struct sender *s = arg;
  uint32_t seq[NSTREAMS] = {0};
  uint8_t *buf = malloc(MAXLEN);
  uint32_t i;

  if (buf == NULL) {
    return -1;
  }
  for (i = 0; i < NMSG; i++) {
    uint16_t stream = (uint16_t)(i % NSTREAMS);
    size_t len = msg_len(i);
    int rc;

    ts_fill(buf, len, i);
    ts_put32(buf, seq[stream]++);
    buf[4] = (uint8_t)stream;
    rc = gsctp_send(s->sock, s->assoc, stream, buf, len);
    if (rc != 0) {
      s->failed = rc;
      break;
    }
  }
  free(buf);
  return s->failed;
}

Test(simlink, ten_thousand_messages_exactly_once_in_order) {
  gsctp_link_impairment imp = lossy(20261127);
  gsctp_opt co[] = {ts_opt_ostreams(NSTREAMS)};
  uint32_t next[NSTREAMS] = {0};
  size_t bytes[NSTREAMS] = {0};
  gsctp_link_stats st;
  struct sender snd;
  gsctp_link *link;
  ts_thread th;
  gsctp_ip ip;
  ts_pair p;
  int got = 0, rc, src;

  /* Timers short enough that losses cost milliseconds, not the default
   * one-second minimum RTO; each test runs in its own process.  Set after
   * the start: usrsctp_init resets every sysctl. */
  ts_stack_start();
  usrsctp_sysctl_set_sctp_rto_min_default(20);
  usrsctp_sysctl_set_sctp_rto_max_default(200);
  usrsctp_sysctl_set_sctp_rto_initial_default(100);
  usrsctp_sysctl_set_sctp_init_rto_max_default(200);
  cr_assert_eq(gsctp_link_new_memory(&link), 0);
  cr_assert_eq(gsctp_link_set_impairment(link, &imp), 0);
  ip = gsctp_ip_conn(link);
  ts_pair_open(&p, GSCTP_FAMILY_CONN, &ip, co, 1, NULL, 0);

  snd.sock = p.cli;
  snd.assoc = p.cli_up.assoc_id;
  snd.failed = 0;
  ts_thread_start(&th, send_all, &snd);
  while (got < NMSG) {
    gsctp_item it;
    uint32_t seq, i;
    uint16_t stream;

    rc = ts_recv_next(p.srv, 60000, &it);
    cr_assert_eq(rc, 0, "recv after %d messages: %s", got, gsctp_err_name(rc));
    if (it.is_event) {
      gsctp_item_free(&it);
      continue;
    }
    cr_assert_geq(it.datalen, 8u);
    seq = ts_get32(it.data);
    stream = it.data[4];
    cr_assert_lt(stream, NSTREAMS);
    cr_assert_eq(it.anc.stream, stream, "message on the wrong stream");
    cr_assert_eq(seq, next[stream],
                 "stream %u: got message %u, expected %u (lost, duplicated "
                 "or out of order)",
                 stream, seq, next[stream]);
    i = seq * NSTREAMS + stream;
    cr_assert_eq(it.datalen, msg_len(i), "message %u has the wrong length", i);
    {
      /* The fill is position-dependent: compare from byte 8 on. */
      uint8_t *ref = malloc(it.datalen);

      cr_assert_not_null(ref);
      ts_fill(ref, it.datalen, i);
      cr_assert_arr_eq(it.data + 8, ref + 8, it.datalen - 8,
                       "message %u corrupted", i);
      free(ref);
    }
    next[stream]++;
    bytes[stream] += it.datalen;
    got++;
    gsctp_item_free(&it);
  }
  cr_assert_eq(ts_thread_join(&th, 60000, &src), 0, "sender did not finish");
  cr_assert_eq(src, 0, "send failed: %s", gsctp_err_name(snd.failed));
  for (int s = 0; s < NSTREAMS; s++) {
    cr_assert_eq(next[s], NMSG / NSTREAMS, "stream %d delivered %u", s,
                 next[s]);
  }

  /* Nothing more arrives: no late duplicate made it through. */
  {
    gsctp_item it;

    rc = gsctp_recv(p.srv, 300, &it);
    while (rc == 0 && it.is_event) {
      gsctp_item_free(&it);
      rc = gsctp_recv(p.srv, 300, &it);
    }
    if (rc == 0) {
      gsctp_item_free(&it);
    }
    cr_assert_eq(rc, GSCTP_ETIMEOUT, "an extra message arrived");
  }

  cr_assert_eq(gsctp_link_get_stats(link, &st), 0);
  cr_log_info("link: offered %llu, dropped %llu, duplicated %llu, "
              "reordered %llu, delivered %llu",
              (unsigned long long)st.offered, (unsigned long long)st.dropped,
              (unsigned long long)st.duplicated,
              (unsigned long long)st.reordered,
              (unsigned long long)st.delivered);
  cr_assert_gt(st.dropped, st.offered / 20, "the link dropped too little");
  cr_assert_gt(st.duplicated, st.offered / 50,
               "the link duplicated too little");
  cr_assert_gt(st.reordered, st.offered / 25, "the link reordered too little");
  cr_assert_eq(gsctp_link_set_impairment(link, NULL), 0);
  ts_pair_close(&p);
  gsctp_link_del(link);
}
