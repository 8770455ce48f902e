/*
 * tsupport_unit.c - helpers for the unit suites; see tsupport_unit.h.
 */
#include "tsupport_unit.h"

#include <errno.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <criterion/criterion.h>

void tsupport_unit_start_stack(void) {
  gsctp_stack_config cfg;
  int rv;

  gsctp_stack_config_default(&cfg);
  cfg.udp_port = 0;
  rv = gsctp_stack_start(&cfg);
  cr_assert_eq(rv, 0, "gsctp_stack_start(udp_port 0) = %d (%s)", rv,
               gsctp_err_name(rv));
}

gsctp_sock tsupport_unit_open_inet(const gsctp_opt *extra, size_t nextra) {
  gsctp_opt opts[16];
  gsctp_sock sock = 0;
  size_t n = 0, i;
  int rv;

  cr_assert_leq(nextra, TSUPPORT_UNIT_COUNT(opts) - 1);
  memset(opts, 0, sizeof(opts));
  opts[n].name = GSCTP_OPT_IP;
  opts[n].v.ip = gsctp_ip_loopback(GSCTP_FAMILY_INET);
  ++n;
  for (i = 0; i < nextra; ++i) {
    opts[n++] = extra[i];
  }

  rv = gsctp_open(&sock, opts, n);
  cr_assert_eq(rv, 0, "gsctp_open(inet, 127.0.0.1) = %d (%s)", rv,
               gsctp_err_name(rv));
  cr_assert_neq(sock, 0, "gsctp_open returned the handle 0");
  return sock;
}

gsctp_sock tsupport_unit_open_family(int family) {
  gsctp_opt opts[2];
  gsctp_sock sock = 0;
  int rv;

  memset(opts, 0, sizeof(opts));
  opts[0] = tsupport_unit_opt_i(GSCTP_OPT_FAMILY, family);
  opts[1].name = GSCTP_OPT_IP;
  opts[1].v.ip = gsctp_ip_loopback(family);

  rv = gsctp_open(&sock, opts, 2);
  cr_assert_eq(rv, 0, "gsctp_open(family %d, loopback) = %d (%s)", family, rv,
               gsctp_err_name(rv));
  cr_assert_neq(sock, 0);
  return sock;
}

int64_t tsupport_unit_now_ms(void) {
  struct timespec ts;

  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

gsctp_opt tsupport_unit_opt_i(int name, int64_t value) {
  gsctp_opt opt;

  memset(&opt, 0, sizeof(opt));
  opt.name = name;
  opt.v.i = value;
  return opt;
}

int tsupport_unit_udp_bind(uint32_t ip, int port, int *pport) {
  struct sockaddr_in sin;
  socklen_t len = sizeof(sin);
  int fd, err;

  fd = socket(AF_INET, SOCK_DGRAM, 0);
  if (fd < 0) {
    return -errno;
  }

  memset(&sin, 0, sizeof(sin));
  sin.sin_family = AF_INET;
  sin.sin_addr.s_addr = ip;
  sin.sin_port = htons((uint16_t)port);
  if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) != 0) {
    err = errno;
    close(fd);
    return -err;
  }

  if (pport != NULL) {
    if (getsockname(fd, (struct sockaddr *)&sin, &len) != 0) {
      err = errno;
      close(fd);
      return -err;
    }
    *pport = ntohs(sin.sin_port);
  }
  return fd;
}
