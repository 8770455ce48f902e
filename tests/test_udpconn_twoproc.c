/*
 * tests/test_udpconn_twoproc.c - the udp_conn transport between two
 * processes (two stacks) over loopback UDP, and against a process on the
 * native `udp` transport.
 *
 * The test forks before starting any stack (usrsctp's threads do not
 * survive fork).  The child is an echo server on 127.0.0.1: it opens its
 * socket (udp_conn on an ephemeral UDP port, or native on its stack's
 * free port), writes its SCTP and UDP ports to a pipe, echoes NMSG
 * messages and waits for the shutdown.  It reports through its exit
 * status (the step that failed), never through Criterion.  The parent is
 * always a udp_conn client.  The server never sets
 * GSCTP_OPT_UDP_REMOTE_PORT: its replies only arrive if it answers the
 * UDP port the INIT came from.
 */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>

#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "gsctp/gsctp.h"
#include "tsupport.h"

#define NMSG 200
#define MSGLEN 3000

static pid_t g_child = -1;

static void cleanup(void) {
  if (g_child > 0) {
    int st;
    (void)ts_wait_child(g_child, 1, &st);
    g_child = -1;
  }
}

TestSuite(udpconn_twoproc, .fini = cleanup);

struct child_arg {
  int wfd;
  int transport;
};

static int is_change(const gsctp_item *it, int state) {
  return it->is_event && it->event.type == GSCTP_EV_ASSOC_CHANGE &&
         it->event.u.assoc_change.state == state;
}

/* Exit codes: 10 stack, 11 open, 12 listen, 13 pipe, 14 comm_up,
 * 15 message, 16 send, 17 shutdown_comp. */
static int echo_child(void *p) {
  const struct child_arg *a = p;
  gsctp_opt opts[4];
  gsctp_sock s = 0;
  gsctp_item it;
  uint32_t assoc = 0;
  int32_t ports[2];
  int n = 0, i;

  if (ts_try_stack_start() <= 0) {
    return 10;
  }
  opts[n].name = GSCTP_OPT_IP;
  opts[n++].v.ip = gsctp_ip_loopback(GSCTP_FAMILY_INET);
  opts[n].name = GSCTP_OPT_TRANSPORT;
  opts[n++].v.i = a->transport;
  if (a->transport == GSCTP_TRANSPORT_UDP_CONN) {
    opts[n].name = GSCTP_OPT_UDP_PORT;
    opts[n++].v.i = 0;
  }
  if (gsctp_open(&s, opts, (size_t)n) != 0) {
    return 11;
  }
  if (gsctp_listen(s, GSCTP_LISTEN_TRUE) != 0) {
    return 12;
  }
  {
    gsctp_opt o;
    size_t nread = 0;
    memset(&o, 0, sizeof(o));
    o.name = GSCTP_OPT_UDP_PORT;
    if (gsctp_getopts(s, &o, 1, &nread) != 0 || nread != 1) {
      return 13;
    }
    ports[0] = gsctp_port(s);
    ports[1] = (int32_t)o.v.i;
  }
  if (ts_write_full(a->wfd, ports, sizeof(ports)) != 0) {
    return 13;
  }
  for (i = 0; i < 1000 && assoc == 0; ++i) {
    if (ts_recv_next(s, TS_WAIT_MS, &it) != 0) {
      return 14;
    }
    if (is_change(&it, GSCTP_COMM_UP)) {
      assoc = it.event.u.assoc_change.assoc_id;
    }
    gsctp_item_free(&it);
  }
  if (assoc == 0) {
    return 14;
  }
  for (i = 0; i < NMSG;) {
    int rc = ts_recv_next(s, TS_WAIT_MS, &it);

    if (rc != 0) {
      return 15;
    }
    if (it.is_event) {
      gsctp_item_free(&it);
      continue;
    }
    if (it.datalen != MSGLEN ||
        ts_check(it.data, MSGLEN, (uint32_t)i) != MSGLEN) {
      gsctp_item_free(&it);
      return 15;
    }
    rc = gsctp_send(s, assoc, 0, it.data, it.datalen);
    gsctp_item_free(&it);
    if (rc != 0) {
      return 16;
    }
    i++;
  }
  for (i = 0; i < 1000; ++i) {
    int done;
    if (ts_recv_next(s, TS_WAIT_MS, &it) != 0) {
      return 17;
    }
    done = is_change(&it, GSCTP_SHUTDOWN_COMP);
    gsctp_item_free(&it);
    if (done) {
      gsctp_close(s);
      return 0;
    }
  }
  return 17;
}

static void run(int server_transport) {
  struct child_arg a;
  int fds[2], st = 0, rc, i;
  int32_t ports[2];
  gsctp_opt opts[4];
  gsctp_sock c = 0;
  gsctp_assoc_change up;
  gsctp_ip lo = gsctp_ip_loopback(GSCTP_FAMILY_INET);
  uint8_t msg[MSGLEN];

  cr_assert_eq(pipe(fds), 0);
  a.wfd = fds[1];
  a.transport = server_transport;
  g_child = ts_spawn(echo_child, &a);
  cr_assert_gt(g_child, 0);
  close(fds[1]);
  rc = ts_read_full(fds[0], ports, sizeof(ports), 3 * TS_WAIT_MS);
  close(fds[0]);
  if (rc != 0) {
    rc = ts_wait_child(g_child, TS_WAIT_MS, &st);
    g_child = -1;
    cr_assert_fail("no ports from the child (exit %d)",
                   rc == 0 && WIFEXITED(st) ? WEXITSTATUS(st) : -1);
  }

  ts_stack_start();
  opts[0] = ts_opt_i(GSCTP_OPT_TRANSPORT, GSCTP_TRANSPORT_UDP_CONN);
  opts[1] = ts_opt_ip(lo);
  opts[2] = ts_opt_i(GSCTP_OPT_UDP_PORT, 0);
  opts[3] = ts_opt_i(GSCTP_OPT_UDP_REMOTE_PORT, ports[1]);
  cr_assert_eq(gsctp_open(&c, opts, 4), 0);
  rc = gsctp_connect(c, &lo, ports[0], NULL, 0, TS_WAIT_MS, &up);
  cr_assert_eq(rc, 0, "connect to the %s child: %s",
               server_transport ? "udp_conn" : "native", gsctp_err_name(rc));
  for (i = 0; i < NMSG; ++i) {
    gsctp_item it;
    size_t ok;

    ts_fill(msg, MSGLEN, (uint32_t)i);
    rc = gsctp_send(c, up.assoc_id, 0, msg, MSGLEN);
    cr_assert_eq(rc, 0, "send %d: %s", i, gsctp_err_name(rc));
    ts_recv_data(c, 3 * TS_WAIT_MS, &it);
    ok = it.datalen == MSGLEN ? ts_check(it.data, MSGLEN, (uint32_t)i) : 0;
    cr_assert(ts_addr_is(&it.from, &lo, (uint16_t)ports[0]));
    gsctp_item_free(&it);
    cr_assert_eq(ok, (size_t)MSGLEN, "echo %d differs", i);
  }
  cr_assert_eq(gsctp_eof(c, &up), 0);
  {
    gsctp_item it;
    rc = ts_recv_event(c, GSCTP_EV_ASSOC_CHANGE, GSCTP_SHUTDOWN_COMP,
                       TS_WAIT_MS, &it, NULL);
    cr_assert_eq(rc, 0, "shutdown_comp: %s", gsctp_err_name(rc));
    gsctp_item_free(&it);
  }
  gsctp_close(c);
  rc = ts_wait_child(g_child, 3 * TS_WAIT_MS, &st);
  g_child = -1;
  cr_assert_eq(rc, 0, "the child did not exit");
  cr_assert(WIFEXITED(st), "the child died");
  cr_assert_eq(WEXITSTATUS(st), 0, "the child failed at step %d",
               WEXITSTATUS(st));
}

/* udp_conn client, udp_conn echo server in another process. */
Test(udpconn_twoproc, udpconn_to_udpconn) {
  run(GSCTP_TRANSPORT_UDP_CONN);
}

/* udp_conn client, native-transport echo server in another process: the
 * two transports interoperate over UDP. */
Test(udpconn_twoproc, udpconn_to_native) {
  run(GSCTP_TRANSPORT_UDP);
}
