/*
 * tools/gsctp/cli.h - the gsctp command-line tool's shared declarations.
 *
 * The tool is built on the public API only (include/gsctp/) plus libpcap
 * for --pcap.  main.c parses the command line into a cli_opts; run.c
 * runs the server, sink and client sub-commands; capture.c writes pcap
 * files.
 */
#ifndef GSCTP_CLI_H
#define GSCTP_CLI_H

#include <stddef.h>
#include <stdint.h>

#include <gsctp/gsctp.h>

/* Exit statuses (documented in --help and docs/interop.md). */
#define CLI_EXIT_OK 0    /* everything checked held */
#define CLI_EXIT_FAIL 1  /* protocol or assertion failure, timeout */
#define CLI_EXIT_USAGE 2 /* bad command line */
#define CLI_EXIT_SETUP 3 /* local setup failed (bind, stack, capture) */

#define CLI_MAX_IPS 8
#define CLI_MAX_LIST 16

typedef enum cli_cmd {
  CMD_SERVER = 1,
  CMD_CLIENT = 2,
  CMD_SINK = 4,
} cli_cmd;

typedef enum cli_transport {
  TRANSPORT_UDP = 1,      /* usrsctp's native UDP encapsulation */
  TRANSPORT_UDP_CONN = 2, /* gsctp's own UDP link over AF_CONN */
  TRANSPORT_RAW = 3,      /* SCTP over IP, usrsctp's raw sockets (root) */
} cli_transport;

typedef enum cli_order {
  ORDER_ORDERED = 0,
  ORDER_UNORDERED,
  ORDER_MIXED, /* odd streams unordered, even streams ordered */
} cli_order;

typedef enum cli_end {
  END_SHUTDOWN = 1, /* gsctp_eof(), expect shutdown_comp */
  END_ABORT,        /* gsctp_abort(), expect comm_lost */
  END_WAIT,         /* wait for the peer to end the association */
  END_NONE,         /* server: never end an association itself */
} cli_end;

/* The whole command line. */
typedef struct cli_opts {
  int cmd;        /* cli_cmd */
  int transport;  /* cli_transport */
  int udp_port;   /* local UDP encapsulation port, -1 = default */
  int remote_udp; /* remote UDP encapsulation port, -1 = default */
  gsctp_ip ips[CLI_MAX_IPS];
  size_t nips;
  int port;        /* local SCTP port, -1 = command's default */
  gsctp_ip remote; /* client: peer address */
  int has_remote;
  int remote_port;    /* client: peer SCTP port, 0 = unset */
  int ostreams;       /* 0 = default */
  int instreams;      /* 0 = default */
  int maxseg;         /* 0 = path MTU */
  int nodelay;        /* 1 = Nagle off */
  int64_t timeout_ms; /* overall deadline, -1 = none */
  int linger_ms;      /* wait before ending an association */
  int verbose;
  int quiet;
  const char *pcap;
  const char *pcap_if;
  /* client */
  long count;
  size_t sizes[CLI_MAX_LIST];
  size_t nsizes;
  uint32_t ppids[CLI_MAX_LIST];
  size_t nppids;
  int streams;
  int order; /* cli_order */
  int expect_echo;
  int end;        /* cli_end */
  int expect_end; /* GSCTP_COMM_LOST, GSCTP_SHUTDOWN_COMP, 0 = any */
  /* server and sink */
  int echo;
  long end_after; /* end an association after this many messages, 0 = no */
  long assocs;    /* exit after this many associations ended, 0 = never */
} cli_opts;

/* cli_run_server runs `gsctp server` and `gsctp sink`; returns an exit
 * status. */
int cli_run_server(const cli_opts *o);

/* cli_run_client runs `gsctp client`; returns an exit status. */
int cli_run_client(const cli_opts *o);

/* cli_capture is a running libpcap capture (capture.c). */
typedef struct cli_capture cli_capture;

/* cli_capture_start starts capturing UDP packets to or from |udp_port| (0:
 * SCTP directly over IP, for the raw transport) on
 * |iface| ("any" if NULL) into the pcap file |path|, and stores the
 * capture in |*pcap|.  Returns 0, or -1 after printing why to stderr. */
int cli_capture_start(cli_capture **pcap, const char *path, const char *iface,
                      int udp_port);

/* cli_capture_stop writes what is still buffered, closes the file and
 * frees |cap| (NULL is fine).  Returns the number of packets written, or
 * -1 if writing failed. */
long cli_capture_stop(cli_capture *cap);

/* Monotonic milliseconds. */
int64_t cli_now_ms(void);

/* The pattern byte |j| of client message |i| (echoes are checked
 * against it). */
static inline uint8_t cli_pattern(long i, size_t j) {
  return (uint8_t)((unsigned long)i * 131u + (unsigned long)j * 7u + 0x5au);
}

#endif /* GSCTP_CLI_H */
