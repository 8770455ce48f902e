/*
 * test_drill_stack.c - the stack's virtual-time mode that gsctp-drill
 * uses: gsctp_stack_config.nothreads and gsctp_stack_handle_timers().
 * Each Criterion test runs in its own process, so each starts its own
 * stack.
 */
#include <criterion/criterion.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "gsctp/gsctp.h"
#include "gsctp/link.h"
#include "gsctp/stack.h"
#include "tsupport.h"

/* A user link whose packets the test itself carries (loops back on the
 * same link), so nothing moves unless the test pumps. */
typedef struct qpkt {
  uint8_t data[2048];
  size_t len;
} qpkt;

static pthread_mutex_t g_mu = PTHREAD_MUTEX_INITIALIZER;
static qpkt g_q[256];
static size_t g_qlen;
static unsigned g_inits; /* INIT chunks seen */

static void out(void *user, const uint8_t *pkt, size_t len, uint8_t tos) {
  (void)user;
  (void)tos;
  pthread_mutex_lock(&g_mu);
  if (len >= 16 && pkt[12] == 1) {
    g_inits++;
  }
  if (g_qlen < 256 && len <= sizeof(g_q[0].data)) {
    memcpy(g_q[g_qlen].data, pkt, len);
    g_q[g_qlen].len = len;
    g_qlen++;
  }
  pthread_mutex_unlock(&g_mu);
}

/* Feeds every queued packet back into the link (or drops them). */
static size_t pump(gsctp_link *link, int deliver) {
  qpkt *batch = malloc(sizeof(g_q));
  size_t n, i;

  cr_assert_not_null(batch);
  pthread_mutex_lock(&g_mu);
  n = g_qlen;
  memcpy(batch, g_q, n * sizeof(qpkt));
  g_qlen = 0;
  pthread_mutex_unlock(&g_mu);
  for (i = 0; deliver && i < n; ++i) {
    cr_assert_eq(gsctp_link_input(link, batch[i].data, batch[i].len), 0);
  }
  free(batch);
  return n;
}

static unsigned inits(void) {
  unsigned n;

  pthread_mutex_lock(&g_mu);
  n = g_inits;
  pthread_mutex_unlock(&g_mu);
  return n;
}

static void start_nothreads(void) {
  gsctp_stack_config cfg;

  gsctp_stack_config_default(&cfg);
  cr_assert_eq(cfg.nothreads, 0, "threads are the default");
  cfg.nothreads = 1;
  cfg.no_udp = 1;
  cr_assert_eq(gsctp_stack_start(&cfg), 0);
  cr_assert_eq(gsctp_stack_udp_port(), 0, "nothreads runs without UDP");
}

static gsctp_sock open_on(gsctp_link *link, int port) {
  gsctp_opt o[3];
  gsctp_sock s = 0;

  memset(o, 0, sizeof(o));
  o[0].name = GSCTP_OPT_FAMILY;
  o[0].v.i = GSCTP_FAMILY_CONN;
  o[1].name = GSCTP_OPT_IP;
  o[1].v.ip = gsctp_ip_conn(link);
  o[2].name = GSCTP_OPT_PORT;
  o[2].v.i = port;
  cr_assert_eq(gsctp_open(&s, o, 3), 0);
  return s;
}

Test(drill_stack, handle_timers_needs_a_nothreads_stack) {
  cr_assert_eq(gsctp_stack_handle_timers(1), GSCTP_ENOTCONN);
}

Test(drill_stack, handle_timers_refused_with_threads) {
  gsctp_stack_config cfg;

  gsctp_stack_config_default(&cfg);
  cfg.no_udp = 1;
  cr_assert_eq(gsctp_stack_start(&cfg), 0);
  cr_assert_eq(gsctp_stack_handle_timers(1), GSCTP_EINVAL);
}

Test(drill_stack, association_runs_only_when_pumped) {
  gsctp_link *link = NULL;
  gsctp_sock srv, cli;
  gsctp_ip ip;
  gsctp_item it;
  int i, up = 0;

  start_nothreads();
  cr_assert_eq(gsctp_link_new(&link, out, NULL), 0);
  srv = open_on(link, 5001);
  cli = open_on(link, 5002);
  cr_assert_eq(gsctp_listen(srv, GSCTP_LISTEN_TRUE), 0);
  ip = gsctp_ip_conn(link);
  cr_assert_eq(gsctp_connect_init(cli, &ip, 5001, NULL, 0), 0);
  /* without the test carrying packets nothing happens */
  memset(&it, 0, sizeof(it));
  cr_assert_eq(gsctp_recv(srv, 0, &it), GSCTP_ETIMEOUT);
  for (i = 0; i < 50 && up < 2; ++i) {
    pump(link, 1);
    cr_assert_eq(gsctp_stack_handle_timers(1), 0);
    if (gsctp_recv(cli, 0, &it) == 0) {
      up += it.is_event && it.event.type == GSCTP_EV_ASSOC_CHANGE &&
            it.event.u.assoc_change.state == GSCTP_COMM_UP;
      gsctp_item_free(&it);
    }
    if (gsctp_recv(srv, 0, &it) == 0) {
      up += it.is_event && it.event.type == GSCTP_EV_ASSOC_CHANGE &&
            it.event.u.assoc_change.state == GSCTP_COMM_UP;
      gsctp_item_free(&it);
    }
  }
  cr_assert_eq(up, 2, "both sides reach comm_up within 50 pump rounds");
}

Test(drill_stack, init_timer_runs_in_virtual_time) {
  gsctp_link *link = NULL;
  gsctp_sock cli;
  gsctp_ip ip;
  int ms;
  int64_t t0 = ts_now_ms();

  start_nothreads();
  cr_assert_eq(gsctp_link_new(&link, out, NULL), 0);
  cli = open_on(link, 5003);
  ip = gsctp_ip_conn(link);
  /* nobody answers: port 5004 has no socket and packets are dropped */
  cr_assert_eq(gsctp_connect_init(cli, &ip, 5004, NULL, 0), 0);
  pump(link, 0);
  cr_assert_eq(inits(), 1);
  /* RTO.Initial is 3 s: no retransmission before, one right after */
  for (ms = 0; ms < 2900; ++ms) {
    cr_assert_eq(gsctp_stack_handle_timers(1), 0);
  }
  pump(link, 0);
  cr_assert_eq(inits(), 1, "INIT retransmitted before 3 s of virtual time");
  for (; ms < 3100; ++ms) {
    cr_assert_eq(gsctp_stack_handle_timers(1), 0);
  }
  pump(link, 0);
  cr_assert_eq(inits(), 2, "INIT not retransmitted after 3 s");
  /* 3 s of virtual time took far less than 3 s of real time */
  cr_assert_lt(ts_now_ms() - t0, 60000);
}
