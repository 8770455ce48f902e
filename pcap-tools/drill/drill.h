/*
 * drill.h - internal interfaces of gsctp-drill, the scripted SCTP
 * conformance runner (packetdrill's SCTP dialect).  Not installed.
 *
 * Layers: parse.c turns a script into events whose arguments are generic
 * value trees (val); wire.c encodes inbound chunk trees into packets and
 * matches outbound packets against chunk trees, translating symbolic tags
 * and TSNs; run.c executes the events against the stack in virtual time;
 * main.c runs each script in its own child process.
 */
#ifndef GSCTP_DRILL_H
#define GSCTP_DRILL_H

#include <stddef.h>
#include <stdint.h>

/* ---- value trees ---- */

typedef enum vkind {
  V_NUM,      /* number; |num|, |neg|, |text| as written */
  V_ELLIPSIS, /* ... */
  V_IDENT,    /* identifier (symbolic constant, flag letters) */
  V_STR,      /* "string" (|text| without quotes) */
  V_ADDR,     /* IPv4 or IPv6 address literal (|text|) */
  V_LIST,     /* [a, b, ...] (|items|) */
  V_NAMED,    /* NAME[a, b] (|text| = NAME, |items| = arguments) */
  V_STRUCT,   /* {a, b} (|items|) */
  V_FIELD,    /* name=value (|text| = name, |items[0]| = value) */
  V_OR,       /* a|b|c (|items|) */
  V_PAIR      /* a:b (gap blocks; |items[0]|, |items[1]|) */
} vkind;

typedef struct val {
  vkind kind;
  int line;
  uint64_t num;
  int neg;
  char *text;
  struct val **items;
  size_t n;
} val;

void val_free(val *v);
/* Writes |v| in script syntax into |buf| (truncated to |len|). */
void val_format(const val *v, char *buf, size_t len);
/* Finds the field |name| among |v|'s items (V_FIELD); NULL if absent. */
const val *val_field(const val *v, const char *name);

/* ---- events ---- */

typedef enum time_kind {
  TM_ABS,    /* t */
  TM_REL,    /* +t */
  TM_ANY,    /* * */
  TM_RANGE,  /* a~b (absolute ends) */
  TM_RRANGE, /* +a~+b (relative ends) */
  TM_BLOCK,  /* a...b: a blocking call starting at a, returning at b */
  TM_RBLOCK  /* +a...+b */
} time_kind;

typedef enum ev_kind {
  EV_IN,      /* < sctp: ... */
  EV_OUT,     /* > sctp: ... */
  EV_SYSCALL, /* name(args) = result */
  EV_SHELL    /* `command` (parsed, unsupported) */
} ev_kind;

typedef struct event {
  int line;
  time_kind tk;
  int64_t t1_us, t2_us; /* time, or range ends */
  ev_kind kind;
  /* packets */
  val *opts;     /* V_LIST of header options (tag=N, bad_crc32c, ...) */
  val *chunks;   /* V_LIST of V_NAMED chunks, or NULL when |raw| */
  val *raw;      /* V_LIST of bytes for sctp(...): [0x01, ...] */
  int has_addrs; /* explicit address pair (unsupported) */
  /* syscalls */
  char *name;
  val *args;     /* V_LIST */
  val *result;   /* the value after '=' */
  char *errname; /* errno name after the result, or NULL */
  char *shell;   /* backtick command */
} event;

typedef struct script {
  char *path;
  event *ev;
  size_t nev;
  /* options from --name=value lines */
  int64_t tolerance_usecs;
  double tolerance_percent;
  int remote_port;
  int local_port;
  int64_t max_wait_us; /* bound on waiting for a `*` outbound packet */
  char *xfail;         /* expected failure reason, or NULL */
} script;

/* Parses |text| (the script at |path|).  Returns 0, or -1 with a message
 * "line N: ..." in |err|. */
int script_parse(script *s, const char *path, const char *text, char *err,
                 size_t errlen);
void script_free(script *s);
/* Adds |name| (borrowed, must outlive parsing) to the names whose
 * `#ifdef name` blocks are kept; "gsctp" is always defined.  Returns 0,
 * or -1 when too many are defined. */
int script_define(const char *name);

/* ---- wire model (wire.c) ---- */

/* The association state the runner learns and uses to translate script
 * values to live values and back. */
typedef struct symmap {
  int local_tag_known;
  uint32_t local_tag_script, local_tag_live; /* the stack's Initiate Tag */
  int local_tsn_known;
  uint32_t local_tsn_script, local_tsn_live; /* the stack's initial TSN */
  int peer_tag_known;
  uint32_t peer_tag; /* the script's Initiate Tag (not translated) */
  uint32_t last_in_vtag;
  uint8_t cookie[2048]; /* the last STATE_COOKIE the stack sent */
  size_t cookielen;
  int has_cookie;
  uint8_t hbinfo[2048]; /* the last HEARTBEAT_INFORMATION it sent */
  size_t hbinfolen;
  int has_hbinfo;
  uint16_t local_port, remote_port;
  int local_port_known;
} symmap;

/* Builds the inbound packet of |ev| into |buf| (|cap| bytes).  Returns
 * the length, or -1 with a message in |err|. */
int wire_build(const event *ev, symmap *m, uint8_t *buf, size_t cap, char *err,
               size_t errlen);

/* Matches the outbound packet |pkt| against |ev|.  Learns tags, TSNs,
 * cookies.  Returns 0, or -1 with the first mismatch in |err|. */
int wire_match(const event *ev, symmap *m, const uint8_t *pkt, size_t len,
               char *err, size_t errlen);

/* Writes |pkt| in script syntax (live values) into |buf|. */
void wire_format(const uint8_t *pkt, size_t len, char *buf, size_t buflen);

/* Checks that a chunk/parameter/cause name is known (for the parser's
 * "unsupported: ..." messages).  Returns NULL if fine, or a message. */
const char *wire_check_names(const val *chunks);

/* ---- running (run.c) ---- */

typedef struct run_opts {
  const char *pcap_path; /* NULL: no capture */
  int verbose;
} run_opts;

/* Runs |s| in this process (which must not have started usrsctp).
 * Returns 0 if it passed, 1 if it failed (message in |err|), 2 for
 * unsupported constructs (message in |err|). */
int run_script(script *s, const run_opts *o, char *err, size_t errlen);

/* ---- virtual wall clock (vclock.c) ---- */

/* Starts the virtual clock at 0: from now on gettimeofday() in this
 * process (usrsctp's too) returns the start time plus virtual time. */
void vclock_start(void);
/* Sets the virtual time (µs since vclock_start). */
void vclock_set(int64_t vnow_us);

#endif /* GSCTP_DRILL_H */
