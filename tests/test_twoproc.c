/*
 * tests/test_twoproc.c - two processes, two stacks, UDP encapsulation
 * over loopback.
 *
 * The test forks before starting any stack (usrsctp's threads do not
 * survive fork); each process then starts its own stack on its own free
 * UDP port and they exchange ports through pipes.  The child never uses
 * Criterion's asserts: it reports through its exit status, which the
 * parent reaps by PID and checks.
 *
 * The side that accepts never sets GSCTP_OPT_UDP_REMOTE_PORT, so its
 * replies only arrive if it learned the initiator's UDP port from the
 * INIT, as RFC 6951 says.
 */
#include <criterion/criterion.h>

#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gsctp/gsctp.h>

#include "tsupport.h"

static pid_t child_pid = -1;

static void cleanup(void) {
  if (child_pid > 0) {
    int st;

    (void)ts_wait_child(child_pid, 1, &st); /* kills it if still running */
    child_pid = -1;
  }
}

TestSuite(twoproc, .fini = cleanup, .timeout = 120);

#define NMSG 100

/* Exit codes of the children: the step that failed. */
static const char *child_step(int code) {
  switch (code) {
  case 0:
    return "ok";
  case 10:
    return "start stack";
  case 11:
    return "open socket";
  case 12:
    return "listen";
  case 13:
    return "write ports to the pipe";
  case 14:
    return "recv comm_up";
  case 15:
    return "recv a message / wrong content";
  case 16:
    return "send";
  case 17:
    return "recv sctp_shutdown_event";
  case 18:
    return "recv shutdown_comp";
  case 19:
    return "read ports from the pipe";
  case 20:
    return "connect";
  case 21:
    return "recv comm_lost";
  case 22:
    return "recv the 1 MiB echo";
  default:
    return "?";
  }
}

static void assert_child_ok(pid_t pid) {
  int st = 0, rc;

  rc = ts_wait_child(pid, 3 * TS_WAIT_MS, &st);
  child_pid = -1;
  cr_assert_eq(rc, 0, "the child did not exit in time (killed)");
  cr_assert(WIFEXITED(st), "the child died of signal %d",
            WIFSIGNALED(st) ? WTERMSIG(st) : -1);
  cr_assert_eq(WEXITSTATUS(st), 0, "the child failed at step %d: %s",
               WEXITSTATUS(st), child_step(WEXITSTATUS(st)));
}

static int is_assoc_change(const gsctp_item *it, int state) {
  return it->is_event && it->event.type == GSCTP_EV_ASSOC_CHANGE &&
         it->event.u.assoc_change.state == state;
}

/* Fails the test with |fmt| and what became of the child |pid|. */
static void fail_with_child(pid_t pid, const char *fmt, ...)
  __attribute__((format(printf, 2, 3)));

static void fail_with_child(pid_t pid, const char *fmt, ...) {
  char msg[256];
  va_list ap;
  int st = 0, rc;

  va_start(ap, fmt);
  vsnprintf(msg, sizeof(msg), fmt, ap);
  va_end(ap);
  rc = ts_wait_child(pid, 3 * TS_WAIT_MS, &st);
  child_pid = -1;
  cr_assert_fail("%s; the child %s %d (%s)", msg,
                 rc != 0         ? "was killed, status"
                 : WIFEXITED(st) ? "exited with"
                                 : "died of signal",
                 rc != 0         ? st
                 : WIFEXITED(st) ? WEXITSTATUS(st)
                                 : WTERMSIG(st),
                 rc == 0 && WIFEXITED(st) ? child_step(WEXITSTATUS(st)) : "-");
}

/* Waits for comm_lost on |sock|; only send_failed reports of data that
 * was already on the wire (flags 1) may come first. */
static int wait_comm_lost(gsctp_sock sock, uint32_t assoc,
                          gsctp_assoc_change *pev) {
  gsctp_item it;
  int i, rc;

  for (i = 0; i < 10000; ++i) {
    rc = ts_recv_next(sock, TS_WAIT_MS, &it);
    if (rc == GSCTP_ESCTP_ERROR && it.is_event &&
        it.event.type == GSCTP_EV_SEND_FAILED &&
        it.event.u.send_failed.flags == 1 &&
        it.event.u.send_failed.assoc_id == assoc) {
      gsctp_item_free(&it);
      continue;
    }
    if (rc != 0) {
      if (rc == GSCTP_ESCTP_ERROR) {
        gsctp_item_free(&it);
      }
      return rc == GSCTP_ESCTP_ERROR ? GSCTP_EUNKNOWN : rc;
    }
    if (!is_assoc_change(&it, GSCTP_COMM_LOST) ||
        it.event.u.assoc_change.assoc_id != assoc) {
      gsctp_item_free(&it);
      return GSCTP_EUNKNOWN;
    }
    if (pev != NULL) {
      *pev = it.event.u.assoc_change;
    }
    gsctp_item_free(&it);
    return 0;
  }
  return GSCTP_EUNKNOWN;
}

/* Reads "udp port, sctp port" from |fd|; on failure reaps the child and
 * reports why it stopped. */
static void read_ports(int fd, pid_t pid, uint32_t ports[2]) {
  int rc = ts_read_full(fd, ports, 2 * sizeof(uint32_t), TS_WAIT_MS);

  if (rc != 0) {
    assert_child_ok(pid); /* fails with the child's step if it exited */
    cr_assert_fail("no ports from the child (%d)", rc);
  }
  cr_assert(ports[0] > 0 && ports[0] <= 65535, "udp port %u",
            (unsigned)ports[0]);
  cr_assert(ports[1] > 0 && ports[1] <= 65535, "sctp port %u",
            (unsigned)ports[1]);
}

/* ------------------------------------------------------------------ */
/* Child = server: echoes NMSG messages, then expects a graceful eof.  */
/* ------------------------------------------------------------------ */

typedef struct child_args {
  int rfd; /* pipe to read from (or -1) */
  int wfd; /* pipe to write to (or -1) */
} child_args;

static int server_child(void *arg) {
  child_args *a = arg;
  gsctp_opt lim = ts_opt_ostreams(4);
  gsctp_sock s = 0;
  gsctp_item it;
  uint32_t ports[2], assoc;
  int udp, rc, i, next[3] = {0, 0, 0};
  char expect[32];

  udp = ts_try_stack_start();
  if (udp <= 0) {
    return 10;
  }
  /* No UDP remote port: it must be learned from the peer's INIT. */
  if (ts_try_open(&s, GSCTP_FAMILY_INET, NULL, 0, &lim, 1) != 0) {
    return 11;
  }
  if (gsctp_listen(s, GSCTP_LISTEN_TRUE) != 0) {
    return 12;
  }
  ports[0] = (uint32_t)udp;
  ports[1] = (uint32_t)gsctp_port(s);
  if (ts_write_full(a->wfd, ports, sizeof(ports)) != 0) {
    return 13;
  }
  rc = ts_recv_next(s, TS_WAIT_MS, &it);
  if (rc != 0 || !is_assoc_change(&it, GSCTP_COMM_UP)) {
    return 14;
  }
  assoc = it.event.u.assoc_change.assoc_id;
  gsctp_item_free(&it);

  /* SCTP orders messages per stream only: message N is on stream N % 3
   * and must come after every earlier message of that stream. */
  for (i = 0; i < NMSG; ++i) {
    int num = -1, stream;

    rc = ts_recv_next(s, TS_WAIT_MS, &it);
    if (rc == 0 && !it.is_event && it.datalen < sizeof(expect)) {
      memcpy(expect, it.data, it.datalen);
      expect[it.datalen] = 0;
      if (sscanf(expect, "message %d", &num) != 1) {
        num = -1;
      }
    }
    stream = num >= 0 ? num % 3 : 0;
    if (rc != 0 || it.is_event || num < 0 || num >= NMSG ||
        it.anc.stream != stream || num / 3 != next[stream] ||
        it.anc.ppid != 42 || it.anc.assoc_id != (int64_t)assoc) {
      char b[256];

      fprintf(stderr,
              "twoproc child: item %d: rc %d (%s) item %s, expected "
              "message %d on stream %d\n",
              i, rc, gsctp_err_name(rc),
              rc == 0 || rc == GSCTP_ESCTP_ERROR
                ? ts_item_str(&it, b, sizeof(b))
                : "-",
              next[stream] * 3 + stream, stream);
      return 15;
    }
    next[stream]++;
    gsctp_item_free(&it);
    snprintf(expect, sizeof(expect), "reply %d", i);
    if (gsctp_send(s, assoc, 1, expect, strlen(expect)) != 0) {
      return 16;
    }
  }
  rc = ts_recv_next(s, TS_WAIT_MS, &it);
  if (rc != 0 || !it.is_event || it.event.type != GSCTP_EV_SHUTDOWN ||
      it.event.u.shutdown.assoc_id != assoc) {
    return 17;
  }
  gsctp_item_free(&it);
  rc = ts_recv_next(s, TS_WAIT_MS, &it);
  if (rc != 0 || !is_assoc_change(&it, GSCTP_SHUTDOWN_COMP)) {
    return 18;
  }
  gsctp_item_free(&it);
  gsctp_close(s);
  return 0;
}

Test(twoproc, association_messages_and_graceful_eof) {
  child_args a;
  int fds[2];
  uint32_t ports[2];
  gsctp_sock cli;
  gsctp_opt co[2];
  gsctp_assoc_change up = gsctp_assoc_change_default(), ac;
  gsctp_sndrcvinfo sri = GSCTP_SNDRCVINFO_INIT;
  gsctp_ip ip = gsctp_ip_loopback(GSCTP_FAMILY_INET);
  gsctp_item it;
  char msg[32], b1[80];
  int rc, i, udp;

  cr_assert_eq(pipe(fds), 0);
  a.rfd = -1;
  a.wfd = fds[1];
  child_pid = ts_spawn(server_child, &a);
  cr_assert_gt(child_pid, 0, "fork failed");
  close(fds[1]);
  read_ports(fds[0], child_pid, ports);
  close(fds[0]);

  /* Only now, after the fork, does the parent start its own stack. */
  udp = ts_stack_start();
  cr_assert_neq((uint32_t)udp, ports[0], "both stacks on one UDP port?");
  co[0] = ts_opt_ostreams(3);
  co[1] = ts_opt_i(GSCTP_OPT_UDP_REMOTE_PORT, ports[0]);
  rc = ts_try_open(&cli, GSCTP_FAMILY_INET, NULL, 0, co, 2);
  cr_assert_eq(rc, 0, "open: %s", gsctp_err_name(rc));
  rc = gsctp_connect(cli, &ip, (int)ports[1], NULL, 0, TS_WAIT_MS, &up);
  cr_assert_eq(rc, 0, "connect to the child: %d (%s), state %s", rc,
               gsctp_err_name(rc), gsctp_assoc_change_state_name(up.state));
  cr_assert_eq(up.state, GSCTP_COMM_UP);
  cr_assert_eq(up.outbound_streams, 3);
  cr_assert_eq(up.inbound_streams, 4, "the child offered 4 streams, got %u",
               (unsigned)up.inbound_streams);

  for (i = 0; i < NMSG; ++i) {
    snprintf(msg, sizeof(msg), "message %d", i);
    sri.stream = i % 3;
    sri.ppid = 42;
    sri.assoc_id = up.assoc_id;
    rc = gsctp_send_sri(cli, &sri, msg, strlen(msg));
    cr_assert_eq(rc, 0, "send %d: %s", i, gsctp_err_name(rc));
  }
  for (i = 0; i < NMSG; ++i) {
    rc = ts_recv_next(cli, TS_WAIT_MS, &it);
    if (rc != 0 || it.is_event) {
      fail_with_child(child_pid, "reply %d: recv %d (%s), is_event %d", i, rc,
                      gsctp_err_name(rc), rc == 0 ? it.is_event : -1);
    }
    snprintf(msg, sizeof(msg), "reply %d", i);
    cr_assert_eq(it.datalen, strlen(msg), "reply %d has %zu bytes", i,
                 it.datalen);
    cr_assert_arr_eq(it.data, msg, it.datalen, "reply %d differs", i);
    cr_assert_eq(it.anc.stream, 1);
    cr_assert_eq(it.anc.assoc_id, (int64_t)up.assoc_id);
    cr_assert(ts_addr_is(&it.from, &ip, (uint16_t)ports[1]), "reply from %s",
              ts_addr_str(&it.from, b1, sizeof(b1)));
    gsctp_item_free(&it);
  }

  rc = gsctp_eof(cli, &up);
  cr_assert_eq(rc, 0, "eof: %s", gsctp_err_name(rc));
  ac = ts_expect_assoc_change(cli, GSCTP_SHUTDOWN_COMP, up.assoc_id);
  cr_assert_eq(ac.error, 0);
  assert_child_ok(child_pid);
  gsctp_close(cli);
}

/* ------------------------------------------------------------------ */
/* Child = client: sends 1 MiB, expects it echoed, then aborts.        */
/* ------------------------------------------------------------------ */

#define BIG (1024 * 1024)

static int client_child(void *arg) {
  child_args *a = arg;
  uint32_t ports[2];
  gsctp_sock s = 0;
  gsctp_opt co;
  gsctp_assoc_change up = gsctp_assoc_change_default();
  gsctp_ip ip = gsctp_ip_loopback(GSCTP_FAMILY_INET);
  gsctp_item it;
  uint8_t *buf;
  int rc;

  if (ts_read_full(a->rfd, ports, sizeof(ports), TS_WAIT_MS) != 0) {
    return 19;
  }
  if (ts_try_stack_start() <= 0) {
    return 10;
  }
  co = ts_opt_i(GSCTP_OPT_UDP_REMOTE_PORT, ports[0]);
  if (ts_try_open(&s, GSCTP_FAMILY_INET, NULL, 0, &co, 1) != 0) {
    return 11;
  }
  rc = gsctp_connect(s, &ip, (int)ports[1], NULL, 0, TS_WAIT_MS, &up);
  if (rc != 0 || up.state != GSCTP_COMM_UP) {
    return 20;
  }
  buf = malloc(BIG);
  if (buf == NULL) {
    return 16;
  }
  ts_fill(buf, BIG, 4242);
  /* The parent reads while we send, so a blocking send completes. */
  if (gsctp_send(s, up.assoc_id, 0, buf, BIG) != 0) {
    return 16;
  }
  rc = ts_recv_next(s, 3 * TS_WAIT_MS, &it);
  if (rc != 0 || it.is_event || it.datalen != BIG ||
      memcmp(it.data, buf, BIG) != 0) {
    return 22;
  }
  gsctp_item_free(&it);
  free(buf);
  if (gsctp_abort(s, &up) != 0) {
    return 16;
  }
  if (wait_comm_lost(s, up.assoc_id, NULL) != 0) {
    return 21;
  }
  gsctp_close(s);
  return 0;
}

typedef struct echo_job {
  gsctp_sock sock;
  uint32_t assoc;
  const uint8_t *buf;
  size_t len;
} echo_job;

static int echo_send(void *arg) {
  echo_job *e = arg;

  return gsctp_send(e->sock, e->assoc, 0, e->buf, e->len);
}

Test(twoproc, child_initiates_big_message_echo_and_abort) {
  child_args a;
  int fds[2];
  uint32_t ports[2];
  gsctp_sock srv;
  gsctp_assoc_change up, lost;
  gsctp_item it;
  gsctp_ip ip = gsctp_ip_loopback(GSCTP_FAMILY_INET);
  ts_thread th;
  echo_job e;
  char b1[80];
  int rc, jr, udp;
  uint16_t child_port;

  cr_assert_eq(pipe(fds), 0);
  a.rfd = fds[0];
  a.wfd = -1;
  child_pid = ts_spawn(client_child, &a);
  cr_assert_gt(child_pid, 0, "fork failed");
  close(fds[0]);

  udp = ts_stack_start();
  srv = ts_open_server(GSCTP_FAMILY_INET, NULL, NULL, 0);
  ports[0] = (uint32_t)udp;
  ports[1] = (uint32_t)gsctp_port(srv);
  cr_assert_eq(ts_write_full(fds[1], ports, sizeof(ports)), 0);
  close(fds[1]);

  rc = ts_recv_next(srv, TS_WAIT_MS, &it);
  if (rc != 0) {
    assert_child_ok(child_pid);
  }
  cr_assert_eq(rc, 0, "no comm_up from the child: %s", gsctp_err_name(rc));
  cr_assert(is_assoc_change(&it, GSCTP_COMM_UP), "first item is not comm_up");
  cr_assert(gsctp_ip_equal(&it.from.ip, &ip), "comm_up from %s",
            ts_addr_str(&it.from, b1, sizeof(b1)));
  child_port = it.from.port;
  up = it.event.u.assoc_change;
  gsctp_item_free(&it);

  ts_recv_data(srv, 3 * TS_WAIT_MS, &it);
  cr_assert_eq(it.datalen, (size_t)BIG, "1 MiB message arrived as %zu bytes",
               it.datalen);
  cr_assert_eq(ts_check(it.data, it.datalen, 4242), (size_t)BIG);
  cr_assert(ts_addr_is(&it.from, &ip, child_port));
  e.sock = srv;
  e.assoc = up.assoc_id;
  e.buf = it.data;
  e.len = it.datalen;
  ts_thread_start(&th, echo_send, &e);
  jr = ts_thread_join(&th, 3 * TS_WAIT_MS, &rc);
  cr_assert_eq(jr, 0, "echo send did not finish");
  cr_assert_eq(rc, 0, "echo send: %s", gsctp_err_name(rc));
  gsctp_item_free(&it);

  rc = wait_comm_lost(srv, up.assoc_id, &lost);
  if (rc != 0) {
    fail_with_child(child_pid, "no comm_lost after the child's abort: %s",
                    gsctp_err_name(rc));
  }
  cr_assert_eq(lost.error, 12, "comm_lost error %u, expected 12",
               (unsigned)lost.error);
  assert_child_ok(child_pid);
  gsctp_close(srv);
}
