/*
 * tools/gsctp/main.c - `gsctp`, the command-line tool: sub-commands
 * server, client and sink, in the spirit of lksctp's sctp_darn and
 * sctp_test.  This file parses the command line and prints the help
 * texts; run.c does the work.
 */
#include "cli.h"

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define DEFAULT_SERVER_PORT 2006 /* the gen_sctp documentation's port */

int64_t cli_now_ms(void) {
  struct timespec ts;

  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static const char common_help[] =
  "Transport and addresses:\n"
  "  --transport T        udp (default): SCTP over UDP (RFC 6951) through\n"
  "                       usrsctp's own UDP socket (multi-homing);\n"
  "                       udp-conn: over a UDP socket gsctp owns, every\n"
  "                       datagram checked first, one address per side;\n"
  "                       raw: SCTP directly over IP (protocol 132), needs\n"
  "                       root or CAP_NET_RAW (multi-homing)\n"
  "  --udp-port U         local UDP encapsulation port of this process, or\n"
  "                       with udp-conn of this socket (default\n"
  "                       $GSCTP_UDP_PORT (udp only), else 9899; 0 = free)\n"
  "  --remote-udp-port U  the peer's UDP encapsulation port (default 9899)\n"
  "  --ip ADDR            local address to bind; repeat it to bind several\n"
  "                       (default: any; prefer an explicit address)\n"
  "  --port P             local SCTP port\n"
  "  --ostreams N         outbound streams to request (1..65535)\n"
  "  --instreams N        inbound streams to accept (1..65535)\n"
  "  --maxseg N           largest DATA chunk payload in bytes (sctp_maxseg;\n"
  "                       default 0: from the path MTU)\n"
  "  --nodelay            turn Nagle's algorithm off (sctp_nodelay)\n"
  "Running:\n"
  "  --timeout MS         give up after MS milliseconds (exit status 1)\n"
  "  --linger MS          wait MS milliseconds before ending an association\n"
  "                       (--end), so that the last DATA is acknowledged\n"
  "                       by a SACK rather than only by the SHUTDOWN\n"
  "  --pcap FILE          capture this process's UDP encapsulation traffic\n"
  "                       into FILE with libpcap (needs root)\n"
  "  --pcap-if IFACE      interface to capture on (default any)\n"
  "  -v, --verbose        print more (client: every echoed message)\n"
  "  -q, --quiet          print only the summary and failures\n"
  "  -h, --help           show this text\n"
  "\n"
  "Exit status: 0 when everything checked held; 1 for a protocol or\n"
  "assertion failure or a timeout (the first failure is printed, starting\n"
  "with \"FAIL:\"); 2 for a bad command line; 3 when local setup failed\n"
  "(the stack, a bind, or the capture).\n";

static void usage_main(FILE *f) {
  fprintf(f,
          "usage: gsctp COMMAND [OPTION...]\n"
          "\n"
          "SCTP from the command line, over gsctp (gen_sctp semantics on\n"
          "usrsctp, UDP encapsulation).\n"
          "\n"
          "Commands:\n"
          "  server   accept associations; print or echo every message and\n"
          "           event\n"
          "  client   associate, send messages, check echoes, end the\n"
          "           association\n"
          "  sink     accept associations, count what arrives, report\n"
          "           throughput\n"
          "\n"
          "`gsctp COMMAND --help` describes each command's options.\n"
          "Exit status: 0 ok, 1 protocol or assertion failure, 2 bad usage,\n"
          "3 local setup failure.\n");
}

static void usage_server(FILE *f, int sink) {
  if (sink) {
    fprintf(f, "usage: gsctp sink [OPTION...]\n"
               "\n"
               "Accepts associations and counts the messages and bytes that\n"
               "arrive; when an association ends it prints its totals and its\n"
               "throughput:\n"
               "  sink: assoc 1 ended shutdown_comp: 1000 messages, 1024000\n"
               "  bytes in 0.512 s (2.00 MB/s, 1953 msg/s)\n"
               "Events are printed as by `gsctp server` unless --quiet.\n"
               "\n");
  } else {
    fprintf(f,
            "usage: gsctp server [OPTION...]\n"
            "\n"
            "Accepts associations and prints every message and event, one\n"
            "line each:\n"
            "  event assoc=1 sctp_assoc_change state=comm_up error=0 "
            "outbound_streams=10 inbound_streams=10\n"
            "  data assoc=1 stream=2 ssn=0 ppid=51 flags=unordered len=1024\n"
            "It prints \"server: listening on ADDR:PORT udp-port U\" once it\n"
            "accepts associations.\n"
            "\n"
            "  --echo               send every message back on its stream,\n"
            "                       with its ppid and unordered flag\n");
  }
  fprintf(f,
          "  --end-after N        end an association after N messages\n"
          "  --end shutdown|abort how --end-after ends it (default shutdown)\n"
          "  --assocs N           exit after N associations have ended\n"
          "  --expect-end STATE   every association must end with STATE:\n"
          "                       shutdown_comp or comm_lost (else exit 1)\n"
          "  (SIGINT or SIGTERM stop the server; exit status 0 unless a check\n"
          "  failed.  Default --port %d.)\n"
          "\n%s",
          DEFAULT_SERVER_PORT, common_help);
}

static void usage_client(FILE *f) {
  fprintf(f,
          "usage: gsctp client --remote-port P [OPTION...]\n"
          "\n"
          "Associates with --remote:--remote-port, sends --count messages,\n"
          "optionally checks that each comes back byte for byte\n"
          "(--expect-echo), then ends the association (--end).  Message i\n"
          "goes on stream i mod --streams, with the i-th --size and --ppid\n"
          "of their lists (cycled).\n"
          "\n"
          "  --remote ADDR        the peer's address (default 127.0.0.1)\n"
          "  --remote-port P      the peer's SCTP port (required)\n"
          "  --count N            messages to send (default 1; 0 sends none)\n"
          "  --size LIST          message sizes in bytes, comma-separated\n"
          "                       (default 64), e.g. 1,1024,4000,60000\n"
          "  --streams S          send on streams 0..S-1 (default 1; sets\n"
          "                       --ostreams to at least S)\n"
          "  --ppid LIST          payload protocol ids, comma-separated,\n"
          "                       decimal or 0x hex (default 0)\n"
          "  --order O            ordered (default), unordered, or mixed\n"
          "                       (odd streams unordered)\n"
          "  --unordered          the same as --order unordered\n"
          "  --expect-echo        every message must come back on its stream,\n"
          "                       with its ppid, byte-identical, and ordered\n"
          "                       messages in order\n"
          "  --end E              shutdown (default: eof, expect\n"
          "                       shutdown_comp), abort (expect comm_lost),\n"
          "                       or wait (for the peer to end it)\n"
          "  --expect-end STATE   the association must end with STATE:\n"
          "                       shutdown_comp, comm_lost, or any\n"
          "                       (default: what --end implies; any for wait)\n"
          "  (Default --timeout 30000.)\n"
          "\n%s",
          common_help);
}

/* Option ids beyond single characters. */
enum {
  OPT_TRANSPORT = 256,
  OPT_UDP_PORT,
  OPT_REMOTE_UDP,
  OPT_IP,
  OPT_PORT,
  OPT_REMOTE,
  OPT_REMOTE_PORT,
  OPT_OSTREAMS,
  OPT_INSTREAMS,
  OPT_MAXSEG,
  OPT_NODELAY,
  OPT_TIMEOUT,
  OPT_PCAP,
  OPT_PCAP_IF,
  OPT_COUNT,
  OPT_SIZE,
  OPT_STREAMS,
  OPT_PPID,
  OPT_ORDER,
  OPT_UNORDERED,
  OPT_EXPECT_ECHO,
  OPT_END,
  OPT_EXPECT_END,
  OPT_ECHO,
  OPT_END_AFTER,
  OPT_ASSOCS,
  OPT_LINGER,
};

#define ALL (CMD_SERVER | CMD_CLIENT | CMD_SINK)
#define SRV (CMD_SERVER | CMD_SINK)

/* Which commands accept which option. */
static const struct {
  int id;
  int cmds;
} option_cmds[] = {
  {OPT_TRANSPORT, ALL},
  {OPT_UDP_PORT, ALL},
  {OPT_REMOTE_UDP, ALL},
  {OPT_IP, ALL},
  {OPT_PORT, ALL},
  {OPT_REMOTE, CMD_CLIENT},
  {OPT_REMOTE_PORT, CMD_CLIENT},
  {OPT_OSTREAMS, ALL},
  {OPT_INSTREAMS, ALL},
  {OPT_MAXSEG, ALL},
  {OPT_NODELAY, ALL},
  {OPT_TIMEOUT, ALL},
  {OPT_PCAP, ALL},
  {OPT_PCAP_IF, ALL},
  {OPT_COUNT, CMD_CLIENT},
  {OPT_SIZE, CMD_CLIENT},
  {OPT_STREAMS, CMD_CLIENT},
  {OPT_PPID, CMD_CLIENT},
  {OPT_ORDER, CMD_CLIENT},
  {OPT_UNORDERED, CMD_CLIENT},
  {OPT_EXPECT_ECHO, CMD_CLIENT},
  {OPT_END, ALL},
  {OPT_EXPECT_END, ALL},
  {OPT_ECHO, CMD_SERVER},
  {OPT_END_AFTER, SRV},
  {OPT_ASSOCS, SRV},
  {OPT_LINGER, ALL},
  {'v', ALL},
  {'q', ALL},
  {'h', ALL},
};

static const struct option long_options[] = {
  {"transport", required_argument, NULL, OPT_TRANSPORT},
  {"udp-port", required_argument, NULL, OPT_UDP_PORT},
  {"remote-udp-port", required_argument, NULL, OPT_REMOTE_UDP},
  {"ip", required_argument, NULL, OPT_IP},
  {"port", required_argument, NULL, OPT_PORT},
  {"remote", required_argument, NULL, OPT_REMOTE},
  {"remote-port", required_argument, NULL, OPT_REMOTE_PORT},
  {"ostreams", required_argument, NULL, OPT_OSTREAMS},
  {"instreams", required_argument, NULL, OPT_INSTREAMS},
  {"maxseg", required_argument, NULL, OPT_MAXSEG},
  {"nodelay", no_argument, NULL, OPT_NODELAY},
  {"timeout", required_argument, NULL, OPT_TIMEOUT},
  {"pcap", required_argument, NULL, OPT_PCAP},
  {"pcap-if", required_argument, NULL, OPT_PCAP_IF},
  {"count", required_argument, NULL, OPT_COUNT},
  {"size", required_argument, NULL, OPT_SIZE},
  {"streams", required_argument, NULL, OPT_STREAMS},
  {"ppid", required_argument, NULL, OPT_PPID},
  {"order", required_argument, NULL, OPT_ORDER},
  {"unordered", no_argument, NULL, OPT_UNORDERED},
  {"expect-echo", no_argument, NULL, OPT_EXPECT_ECHO},
  {"end", required_argument, NULL, OPT_END},
  {"expect-end", required_argument, NULL, OPT_EXPECT_END},
  {"echo", no_argument, NULL, OPT_ECHO},
  {"end-after", required_argument, NULL, OPT_END_AFTER},
  {"assocs", required_argument, NULL, OPT_ASSOCS},
  {"linger", required_argument, NULL, OPT_LINGER},
  {"verbose", no_argument, NULL, 'v'},
  {"quiet", no_argument, NULL, 'q'},
  {"help", no_argument, NULL, 'h'},
  {NULL, 0, NULL, 0},
};

static int option_allowed(int id, int cmd) {
  size_t i;

  for (i = 0; i < sizeof(option_cmds) / sizeof(option_cmds[0]); ++i) {
    if (option_cmds[i].id == id) {
      return (option_cmds[i].cmds & cmd) != 0;
    }
  }
  return 0;
}

static const char *option_name(int id) {
  size_t i;

  for (i = 0; long_options[i].name != NULL; ++i) {
    if (long_options[i].val == id) {
      return long_options[i].name;
    }
  }
  return "?";
}

/* parse_num parses an integer in min..max (decimal, or hex with 0x) from
 * |s|.  Returns 0, or -1 if |s| is not such a number. */
static int parse_num(const char *s, int64_t min, int64_t max, int64_t *pv) {
  char *end;
  long long v;

  if (s == NULL || *s == '\0' || *s == ' ' || *s == '+') {
    return -1;
  }
  errno = 0;
  v = strtoll(s, &end, 0);
  if (errno != 0 || end == s || *end != '\0' || v < min || v > max) {
    return -1;
  }
  *pv = v;
  return 0;
}

__attribute__((format(printf, 2, 3))) static int
usage_error(const char *cmd, const char *fmt, ...) {
  va_list ap;

  fprintf(stderr, "gsctp %s: ", cmd);
  va_start(ap, fmt);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  fprintf(stderr, " (try `gsctp %s --help`)\n", cmd);
  return CLI_EXIT_USAGE;
}

/* parse_list parses a comma-separated list of numbers in min..max into
 * |out| (at most CLI_MAX_LIST).  Returns the count, or -1. */
static int parse_list(const char *s, int64_t min, int64_t max,
                      int64_t out[CLI_MAX_LIST]) {
  char buf[512];
  char *tok, *save = NULL;
  int n = 0;

  if (strlen(s) >= sizeof(buf) || *s == '\0') {
    return -1;
  }
  strcpy(buf, s);
  if (buf[strlen(buf) - 1] == ',' || buf[0] == ',' || strstr(buf, ",,")) {
    return -1;
  }
  for (tok = strtok_r(buf, ",", &save); tok != NULL;
       tok = strtok_r(NULL, ",", &save)) {
    if (n == CLI_MAX_LIST || parse_num(tok, min, max, &out[n]) != 0) {
      return -1;
    }
    n++;
  }
  return n > 0 ? n : -1;
}

static int parse_end_state(const char *s, int *pstate) {
  if (strcmp(s, "shutdown_comp") == 0) {
    *pstate = GSCTP_SHUTDOWN_COMP;
  } else if (strcmp(s, "comm_lost") == 0) {
    *pstate = GSCTP_COMM_LOST;
  } else if (strcmp(s, "any") == 0) {
    *pstate = 0;
  } else {
    return -1;
  }
  return 0;
}

/* parse_args fills |o| from argv[2..].  Returns -1 when everything parsed
 * (run the command), or an exit status (help: 0, error: 2). */
static int parse_args(int argc, char **argv, cli_opts *o, const char *cmd) {
  int64_t v, list[CLI_MAX_LIST];
  int c, n, i, expect_end_set = 0, end_set = 0;

  optind = 2; /* skip "gsctp COMMAND" */
  opterr = 0;
  for (;;) {
    int prev = optind;

    c = getopt_long(argc, argv, ":vqh", long_options, NULL);
    if (c == -1) {
      break;
    }
    if (c == '?') {
      return usage_error(cmd, "unknown option %s", argv[prev]);
    }
    if (c == ':') {
      return usage_error(cmd, "option %s needs a value", argv[prev]);
    }
    if (!option_allowed(c, o->cmd)) {
      return usage_error(cmd, "option %s does not apply to this command",
                         argv[prev]);
    }
    switch (c) {
    case 'h':
      if (o->cmd == CMD_CLIENT) {
        usage_client(stdout);
      } else {
        usage_server(stdout, o->cmd == CMD_SINK);
      }
      return CLI_EXIT_OK;
    case 'v':
      o->verbose = 1;
      break;
    case 'q':
      o->quiet = 1;
      break;
    case OPT_TRANSPORT:
      if (strcmp(optarg, "udp") == 0) {
        o->transport = TRANSPORT_UDP;
      } else if (strcmp(optarg, "udp-conn") == 0) {
        o->transport = TRANSPORT_UDP_CONN;
      } else if (strcmp(optarg, "raw") == 0) {
        o->transport = TRANSPORT_RAW;
      } else {
        return usage_error(
          cmd, "--transport must be udp, udp-conn or raw, not %s", optarg);
      }
      break;
    case OPT_UDP_PORT:
      if (parse_num(optarg, 0, 65535, &v) != 0) {
        return usage_error(cmd, "--udp-port needs 0..65535, not %s", optarg);
      }
      o->udp_port = (int)v;
      break;
    case OPT_REMOTE_UDP:
      if (parse_num(optarg, 1, 65535, &v) != 0) {
        return usage_error(cmd, "--remote-udp-port needs 1..65535, not %s",
                           optarg);
      }
      o->remote_udp = (int)v;
      break;
    case OPT_IP:
      if (o->nips == CLI_MAX_IPS) {
        return usage_error(cmd, "too many --ip addresses (at most 8): %s",
                           optarg);
      }
      if (gsctp_ip_parse(optarg, &o->ips[o->nips]) != 0) {
        return usage_error(cmd, "--ip needs a numeric address, not %s", optarg);
      }
      o->nips++;
      break;
    case OPT_PORT:
      if (parse_num(optarg, 0, 65535, &v) != 0) {
        return usage_error(cmd, "--port needs 0..65535, not %s", optarg);
      }
      o->port = (int)v;
      break;
    case OPT_REMOTE:
      if (gsctp_getaddr(optarg, GSCTP_FAMILY_INET, &o->remote) != 0 &&
          gsctp_getaddr(optarg, GSCTP_FAMILY_INET6, &o->remote) != 0) {
        return usage_error(cmd, "--remote: cannot resolve %s", optarg);
      }
      o->has_remote = 1;
      break;
    case OPT_REMOTE_PORT:
      if (parse_num(optarg, 1, 65535, &v) != 0) {
        return usage_error(cmd, "--remote-port needs 1..65535, not %s", optarg);
      }
      o->remote_port = (int)v;
      break;
    case OPT_OSTREAMS:
    case OPT_INSTREAMS:
      if (parse_num(optarg, 1, 65535, &v) != 0) {
        return usage_error(cmd, "stream counts are 1..65535, not %s", optarg);
      }
      *(c == OPT_OSTREAMS ? &o->ostreams : &o->instreams) = (int)v;
      break;
    case OPT_MAXSEG:
      if (parse_num(optarg, 0, 65535, &v) != 0) {
        return usage_error(cmd, "--maxseg needs 0..65535, not %s", optarg);
      }
      o->maxseg = (int)v;
      break;
    case OPT_NODELAY:
      o->nodelay = 1;
      break;
    case OPT_TIMEOUT:
      if (parse_num(optarg, 1, INT32_MAX, &v) != 0) {
        return usage_error(cmd, "--timeout needs milliseconds > 0, not %s",
                           optarg);
      }
      o->timeout_ms = v;
      break;
    case OPT_PCAP:
      if (*optarg == '\0') {
        return usage_error(cmd, "--pcap needs a file name");
      }
      o->pcap = optarg;
      break;
    case OPT_PCAP_IF:
      o->pcap_if = optarg;
      break;
    case OPT_COUNT:
      if (parse_num(optarg, 0, 100000000, &v) != 0) {
        return usage_error(cmd, "--count needs 0..100000000, not %s", optarg);
      }
      o->count = (long)v;
      break;
    case OPT_SIZE:
      n = parse_list(optarg, 1, 16 * 1024 * 1024, list);
      if (n < 0) {
        return usage_error(cmd,
                           "--size needs up to 16 sizes in 1..16777216, "
                           "comma-separated, not %s",
                           optarg);
      }
      for (i = 0; i < n; ++i) {
        o->sizes[i] = (size_t)list[i];
      }
      o->nsizes = (size_t)n;
      break;
    case OPT_STREAMS:
      if (parse_num(optarg, 1, 65535, &v) != 0) {
        return usage_error(cmd, "--streams needs 1..65535, not %s", optarg);
      }
      o->streams = (int)v;
      break;
    case OPT_PPID:
      n = parse_list(optarg, 0, UINT32_MAX, list);
      if (n < 0) {
        return usage_error(cmd,
                           "--ppid needs up to 16 values in 0..0xffffffff, "
                           "comma-separated, not %s",
                           optarg);
      }
      for (i = 0; i < n; ++i) {
        o->ppids[i] = (uint32_t)list[i];
      }
      o->nppids = (size_t)n;
      break;
    case OPT_ORDER:
      if (strcmp(optarg, "ordered") == 0) {
        o->order = ORDER_ORDERED;
      } else if (strcmp(optarg, "unordered") == 0) {
        o->order = ORDER_UNORDERED;
      } else if (strcmp(optarg, "mixed") == 0) {
        o->order = ORDER_MIXED;
      } else {
        return usage_error(
          cmd, "--order must be ordered, unordered or mixed, not %s", optarg);
      }
      break;
    case OPT_UNORDERED:
      o->order = ORDER_UNORDERED;
      break;
    case OPT_EXPECT_ECHO:
      o->expect_echo = 1;
      break;
    case OPT_END:
      end_set = 1;
      if (strcmp(optarg, "shutdown") == 0) {
        o->end = END_SHUTDOWN;
      } else if (strcmp(optarg, "abort") == 0) {
        o->end = END_ABORT;
      } else if (o->cmd == CMD_CLIENT && strcmp(optarg, "wait") == 0) {
        o->end = END_WAIT;
      } else {
        return usage_error(cmd,
                           o->cmd == CMD_CLIENT
                             ? "--end must be shutdown, abort or wait, not %s"
                             : "--end must be shutdown or abort, not %s",
                           optarg);
      }
      break;
    case OPT_EXPECT_END:
      if (parse_end_state(optarg, &o->expect_end) != 0) {
        return usage_error(
          cmd, "--expect-end must be shutdown_comp, comm_lost or any, not %s",
          optarg);
      }
      expect_end_set = 1;
      break;
    case OPT_ECHO:
      o->echo = 1;
      break;
    case OPT_LINGER:
      if (parse_num(optarg, 0, 600000, &v) != 0) {
        return usage_error(cmd, "--linger needs 0..600000 ms, not %s", optarg);
      }
      o->linger_ms = (int)v;
      break;
    case OPT_END_AFTER:
    case OPT_ASSOCS:
      if (parse_num(optarg, 1, INT32_MAX, &v) != 0) {
        return usage_error(cmd,
                           "--end-after and --assocs need a count >= 1, "
                           "not %s",
                           optarg);
      }
      *(c == OPT_END_AFTER ? &o->end_after : &o->assocs) = (long)v;
      break;
    default:
      return usage_error(cmd, "unhandled option %s", option_name(c));
    }
  }
  if (optind < argc) {
    return usage_error(cmd, "unexpected argument %s", argv[optind]);
  }

  if (o->cmd == CMD_CLIENT) {
    if (o->remote_port == 0) {
      return usage_error(cmd, "--remote-port is required");
    }
    if (!o->has_remote) {
      o->remote = gsctp_ip_v4(127, 0, 0, 1);
    }
    if (o->ostreams != 0 && o->ostreams < o->streams) {
      return usage_error(cmd, "--ostreams is below --streams");
    }
    if (o->ostreams == 0 && o->streams > 10) {
      o->ostreams = o->streams;
    }
    if (!expect_end_set) {
      o->expect_end = o->end == END_SHUTDOWN ? GSCTP_SHUTDOWN_COMP
                      : o->end == END_ABORT  ? GSCTP_COMM_LOST
                                             : 0;
    }
  } else {
    if (end_set && o->end_after == 0) {
      return usage_error(cmd, "--end needs --end-after N");
    }
    if (!end_set) {
      o->end = o->end_after > 0 ? END_SHUTDOWN : END_NONE;
    }
    if (!expect_end_set) {
      o->expect_end = 0;
    }
    if (o->port < 0) {
      o->port = DEFAULT_SERVER_PORT;
    }
  }
  if (o->port < 0) {
    o->port = 0;
  }
  return -1;
}

int main(int argc, char **argv) {
  cli_opts o;
  const char *cmd;
  int rv;

  setvbuf(stdout, NULL, _IOLBF, 0);
  if (argc < 2) {
    usage_main(stderr);
    return CLI_EXIT_USAGE;
  }
  cmd = argv[1];
  if (strcmp(cmd, "-h") == 0 || strcmp(cmd, "--help") == 0 ||
      strcmp(cmd, "help") == 0) {
    usage_main(stdout);
    return CLI_EXIT_OK;
  }

  memset(&o, 0, sizeof(o));
  o.transport = TRANSPORT_UDP;
  o.udp_port = -1;
  o.remote_udp = -1;
  o.port = -1;
  o.timeout_ms = -1;
  o.count = 1;
  o.sizes[0] = 64;
  o.nsizes = 1;
  o.ppids[0] = 0;
  o.nppids = 1;
  o.streams = 1;
  o.order = ORDER_ORDERED;
  o.end = END_SHUTDOWN;

  if (strcmp(cmd, "server") == 0) {
    o.cmd = CMD_SERVER;
  } else if (strcmp(cmd, "client") == 0) {
    o.cmd = CMD_CLIENT;
    o.timeout_ms = 30000;
  } else if (strcmp(cmd, "sink") == 0) {
    o.cmd = CMD_SINK;
  } else {
    fprintf(stderr, "gsctp: unknown command %s (try `gsctp --help`)\n", cmd);
    return CLI_EXIT_USAGE;
  }

  rv = parse_args(argc, argv, &o, cmd);
  if (rv >= 0) {
    return rv;
  }
  return o.cmd == CMD_CLIENT ? cli_run_client(&o) : cli_run_server(&o);
}
