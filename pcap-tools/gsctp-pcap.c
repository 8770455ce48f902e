/*
 * gsctp-pcap - read SCTP captures: decode, check, ladder, stats.
 *
 * Exit status: 0 ok, 1 violations (check) or a failure while working,
 * 2 usage error or unreadable file.  See docs/pcap-tools.md.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <pcap/pcap.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sctp_wire.h"

#define EXIT_VIOLATION 1
#define EXIT_USAGE 2

/* ------------------------------------------------------------------ */
/* Reading                                                             */
/* ------------------------------------------------------------------ */

/* One SCTP packet of the capture. */
typedef struct packet {
  uint64_t frame; /* 1-based frame number, as Wireshark counts */
  double t;       /* seconds since the first frame (or epoch) */
  gsw_frame f;    /* framing (addresses, UDP ports, SCTP bytes) */
  int frame_err;  /* gsw_frame_decode result (0 or < 0) */
  int hdr_ok;     /* the common header is there */
  gsw_header h;
  int crc_ok; /* checksum verified */
  char src[80], dst[80];
} packet;

typedef struct opts {
  gsw_frame_cfg cfg;
  int abs_time;
  const char *out;
  unsigned max_rows;
} opts;

typedef int (*packet_fn)(void *ctx, const packet *pk);

static void ep_format(char *buf, size_t cap, const gsw_frame *f, int src,
                      uint16_t port) {
  char a[INET6_ADDRSTRLEN] = "";
  const uint8_t *addr = src ? f->src : f->dst;
  uint16_t uport = src ? f->usport : f->udport;

  if (f->family == 4) {
    inet_ntop(AF_INET, addr, a, sizeof(a));
  } else if (f->family == 6) {
    char b[INET6_ADDRSTRLEN];
    inet_ntop(AF_INET6, addr, b, sizeof(b));
    snprintf(a, sizeof(a), "[%.*s]", (int)sizeof(a) - 3, b);
  }
  if (f->udp) {
    snprintf(buf, cap, "%s:%u/udp%u", a, port, uport);
  } else {
    snprintf(buf, cap, "%s:%u", a, port);
  }
}

/* Reads |path| and calls |fn| for every frame that holds SCTP (or broken
 * framing).  Returns 0, or EXIT_USAGE if the file cannot be read. */
static int read_capture(const char *path, const opts *o, packet_fn fn,
                        void *ctx) {
  char errbuf[PCAP_ERRBUF_SIZE];
  struct pcap_pkthdr *ph;
  const u_char *data;
  pcap_t *pc;
  uint64_t n = 0, nsctp;
  double t0 = 0;
  int lt, rv, stop = 0;

  errbuf[0] = '\0';
  pc = pcap_open_offline(path, errbuf);
  if (pc == NULL) {
    fprintf(stderr, "gsctp-pcap: cannot read %s: %s\n", path, errbuf);
    return EXIT_USAGE;
  }
  lt = pcap_datalink(pc);
  nsctp = 0;
  while (!stop && (rv = pcap_next_ex(pc, &ph, &data)) == 1) {
    packet pk;
    double t = (double)ph->ts.tv_sec + (double)ph->ts.tv_usec / 1e6;

    memset(&pk, 0, sizeof(pk));
    pk.frame = ++n;
    if (n == 1) {
      t0 = t;
    }
    pk.t = o->abs_time ? t : t - t0;
    pk.frame_err = gsw_frame_decode(&pk.f, lt, data, ph->caplen, &o->cfg);
    if (pk.frame_err == GSW_ENOTSCTP) {
      continue;
    }
    nsctp++;
    if (pk.frame_err == 0 &&
        gsw_header_decode(&pk.h, pk.f.sctp, pk.f.sctplen) == 0) {
      pk.hdr_ok = 1;
      pk.crc_ok = gsw_packet_crc(pk.f.sctp, pk.f.sctplen) == pk.h.checksum;
      ep_format(pk.src, sizeof(pk.src), &pk.f, 1, pk.h.sport);
      ep_format(pk.dst, sizeof(pk.dst), &pk.f, 0, pk.h.dport);
    } else {
      snprintf(pk.src, sizeof(pk.src), "?");
      snprintf(pk.dst, sizeof(pk.dst), "?");
    }
    if (fn(ctx, &pk) != 0) {
      stop = 1;
    }
  }
  if (n > 0 && nsctp == 0) {
    fprintf(stderr,
            "gsctp-pcap: %s: no SCTP in %" PRIu64 " frame(s) (link type %d);"
            " SCTP in UDP on a port other than 9899 needs --udp-port N\n",
            path, n, lt);
  }
  if (!stop && rv == -1) {
    fprintf(stderr, "gsctp-pcap: %s: frame %" PRIu64 ": %s\n", path, n + 1,
            pcap_geterr(pc));
    pcap_close(pc);
    return EXIT_USAGE;
  }
  pcap_close(pc);
  return 0;
}

/* ------------------------------------------------------------------ */
/* A small string builder                                              */
/* ------------------------------------------------------------------ */

typedef struct sbuf {
  char b[4096];
  size_t n;
} sbuf;

__attribute__((format(printf, 2, 3))) static void
sb_printf(sbuf *s, const char *fmt, ...) {
  va_list ap;
  int k;

  if (s->n >= sizeof(s->b) - 1) {
    return;
  }
  va_start(ap, fmt);
  k = vsnprintf(s->b + s->n, sizeof(s->b) - s->n, fmt, ap);
  va_end(ap);
  if (k > 0) {
    s->n += (size_t)k;
    if (s->n >= sizeof(s->b)) {
      s->n = sizeof(s->b) - 1;
    }
  }
}

static const char *chunk_label(uint8_t type, char *tmp, size_t cap) {
  const char *n = gsw_chunk_name(type);

  if (n != NULL) {
    return n;
  }
  snprintf(tmp, cap, "UNKNOWN(0x%02x)", type);
  return tmp;
}

/* Appends the names of the TLVs of |p|/|len| (parameters, or error causes
 * if |causes|) separated by |sep|.  Parameters that carry parameters
 * (add_ip, del_ip, set_primary after their correlation ID,
 * unrecognized_param) and causes that carry parameters
 * (unrecognized_params, restart_new_addrs, unresolvable_addr) list those
 * in parentheses, separated by '+'; unrecognized_chunk shows the echoed
 * chunk header as [0xTYPE/0xFLAGS/LENGTH].  Returns the number of TLVs. */
static int sb_tlv_names(sbuf *s, const uint8_t *p, size_t len, int causes,
                        char sep, int depth) {
  size_t off = 0;
  gsw_tlv t;
  int n = 0;

  while (gsw_tlv_next(&t, p, len, &off) == 1) {
    const char *nm = causes ? gsw_cause_name(t.type) : gsw_param_name(t.type);
    const uint8_t *in = NULL;
    size_t inlen = 0;

    if (n > 0) {
      sb_printf(s, "%c", sep);
    }
    if (nm != NULL) {
      sb_printf(s, "%s", nm);
    } else {
      sb_printf(s, "0x%04x", t.type);
    }
    n++;
    if (!causes && (t.type == GSW_P_ADD_IP || t.type == GSW_P_DEL_IP ||
                    t.type == GSW_P_SET_PRIMARY)) {
      if (t.vlen > 4) {
        in = t.value + 4;
        inlen = t.vlen - 4;
      }
    } else if ((!causes && t.type == GSW_P_UNRECOGNIZED) ||
               (causes && (t.type == GSW_C_UNRECOGNIZED_PARAMS ||
                           t.type == GSW_C_RESTART_NEW_ADDRS ||
                           t.type == GSW_C_UNRESOLVABLE_ADDR))) {
      in = t.value;
      inlen = t.vlen;
    } else if (causes && t.type == GSW_C_UNRECOGNIZED_CHUNK &&
               t.vlen >= GSW_CHUNK_HDR_LEN) {
      /* the echoed chunk's header: [type/flags/length] */
      sb_printf(s, "[0x%02x/0x%02x/%u]", t.value[0], t.value[1],
                gsw_get16(t.value + 2));
    }
    if (in != NULL && depth < 4) {
      sb_printf(s, "(");
      sb_tlv_names(s, in, inlen, 0, '+', depth + 1);
      sb_printf(s, ")");
    }
  }
  return n;
}

/* Appends " key=name,name,..." ("-" for none) for the TLVs of |p|/|len|. */
static void sb_tlvs(sbuf *s, const char *key, const uint8_t *p, size_t len,
                    int causes) {
  sb_printf(s, " %s=", key);
  if (sb_tlv_names(s, p, len, causes, ',', 0) == 0) {
    sb_printf(s, "-");
  }
}

/* The key fields of a decoded chunk, appended to |s|. */
static void sb_chunk_fields(sbuf *s, const gsw_chunk *c) {
  unsigned i;

  switch (c->type) {
  case GSW_DATA:
    sb_printf(s,
              " tsn=%" PRIu32 " sid=%u ssn=%u ppid=%" PRIu32 " data=%zu%s%s%s",
              c->u.data.tsn, c->u.data.sid, c->u.data.ssn, c->u.data.ppid,
              c->u.data.payload_len, c->flags & GSW_DATA_FLAG_U ? " U" : "",
              c->flags & GSW_DATA_FLAG_B ? " B" : "",
              c->flags & GSW_DATA_FLAG_E ? " E" : "");
    break;
  case GSW_I_DATA:
    sb_printf(s,
              " tsn=%" PRIu32 " sid=%u mid=%" PRIu32 " %s=%" PRIu32
              " data=%zu%s%s%s",
              c->u.data.tsn, c->u.data.sid, c->u.data.mid,
              c->flags & GSW_DATA_FLAG_B ? "ppid" : "fsn", c->u.data.fsn_ppid,
              c->u.data.payload_len, c->flags & GSW_DATA_FLAG_U ? " U" : "",
              c->flags & GSW_DATA_FLAG_B ? " B" : "",
              c->flags & GSW_DATA_FLAG_E ? " E" : "");
    break;
  case GSW_INIT:
  case GSW_INIT_ACK:
    sb_printf(s,
              " init_tag=0x%08" PRIx32 " a_rwnd=%" PRIu32
              " os=%u mis=%u init_tsn=%" PRIu32,
              c->u.init.init_tag, c->u.init.a_rwnd, c->u.init.os, c->u.init.mis,
              c->u.init.initial_tsn);
    sb_tlvs(s, "params", c->u.init.params, c->u.init.paramslen, 0);
    break;
  case GSW_SACK:
  case GSW_NR_SACK:
    sb_printf(s, " cum_tsn=%" PRIu32 " a_rwnd=%" PRIu32 " gaps=",
              c->u.sack.cum_tsn, c->u.sack.a_rwnd);
    for (i = 0; i < c->u.sack.ngaps; ++i) {
      uint16_t a, b;
      gsw_sack_gap(c, i, &a, &b);
      sb_printf(s, "%s%u-%u", i ? "," : "", a, b);
    }
    if (c->u.sack.ngaps == 0) {
      sb_printf(s, "-");
    }
    if (c->type == GSW_NR_SACK) {
      sb_printf(s, " nr_gaps=");
      for (i = 0; i < c->u.sack.nnrgaps; ++i) {
        uint16_t a, b;
        gsw_sack_gap(c, c->u.sack.ngaps + i, &a, &b);
        sb_printf(s, "%s%u-%u", i ? "," : "", a, b);
      }
      if (c->u.sack.nnrgaps == 0) {
        sb_printf(s, "-");
      }
    }
    sb_printf(s, " dups=");
    for (i = 0; i < c->u.sack.ndups; ++i) {
      sb_printf(s, "%s%" PRIu32, i ? "," : "", gsw_sack_dup(c, i));
    }
    if (c->u.sack.ndups == 0) {
      sb_printf(s, "-");
    }
    break;
  case GSW_HEARTBEAT:
  case GSW_HEARTBEAT_ACK:
  case GSW_RE_CONFIG:
    sb_tlvs(s, "params", c->u.tlvs.p, c->u.tlvs.len, 0);
    break;
  case GSW_ABORT:
  case GSW_ERROR:
    if (c->type == GSW_ABORT) {
      sb_printf(s, " T=%d", c->flags & GSW_FLAG_T);
    }
    sb_tlvs(s, "causes", c->u.tlvs.p, c->u.tlvs.len, 1);
    break;
  case GSW_SHUTDOWN:
    sb_printf(s, " cum_tsn=%" PRIu32, c->u.shutdown.cum_tsn);
    break;
  case GSW_SHUTDOWN_COMPLETE:
    sb_printf(s, " T=%d", c->flags & GSW_FLAG_T);
    break;
  case GSW_COOKIE_ECHO:
    sb_printf(s, " cookie=%zu", c->u.tlvs.len);
    break;
  case GSW_PAD:
    sb_printf(s, " padding=%zu", c->u.tlvs.len);
    break;
  case GSW_ECNE:
  case GSW_CWR:
    sb_printf(s, " lowest_tsn=%" PRIu32, c->u.ecn.lowest_tsn);
    break;
  case GSW_FORWARD_TSN:
  case GSW_I_FORWARD_TSN:
    sb_printf(s, " new_cum_tsn=%" PRIu32 " streams=", c->u.fwd.new_cum_tsn);
    for (i = 0; i < c->u.fwd.nstreams; ++i) {
      uint16_t sid, ssn;
      uint32_t mid;
      gsw_fwd_stream(c, i, &sid, &ssn, &mid);
      if (c->type == GSW_FORWARD_TSN) {
        sb_printf(s, "%s%u:%u", i ? "," : "", sid, ssn);
      } else {
        sb_printf(s, "%s%u:%" PRIu32 "%s", i ? "," : "", sid, mid,
                  ssn & 1 ? "U" : "");
      }
    }
    if (c->u.fwd.nstreams == 0) {
      sb_printf(s, "-");
    }
    break;
  case GSW_AUTH:
    sb_printf(s, " shkey=%u hmac_id=%u hmac=%zu", c->u.auth.shkey,
              c->u.auth.hmac_id, c->u.auth.hmaclen);
    break;
  case GSW_ASCONF:
  case GSW_ASCONF_ACK:
    sb_printf(s, " serial=%" PRIu32, c->u.asconf.serial);
    sb_tlvs(s, "params", c->u.asconf.params, c->u.asconf.paramslen, 0);
    break;
  default:
    if (gsw_chunk_name(c->type) == NULL) {
      sb_printf(s, " value=%zu", c->vlen);
    }
    break;
  }
}

/* ------------------------------------------------------------------ */
/* decode                                                              */
/* ------------------------------------------------------------------ */

/* For a malformed chunk: the fixed fields whose bytes are there (a
 * truncated DATA still shows its TSN, as Wireshark does). */
static void sb_fixed_fields(sbuf *s, const gsw_chunk *c) {
  const uint8_t *v = c->value;
  size_t n = c->vlen;

  switch (c->type) {
  case GSW_DATA:
    if (n >= 12) {
      sb_printf(s, " tsn=%" PRIu32 " sid=%u ssn=%u ppid=%" PRIu32, gsw_get32(v),
                gsw_get16(v + 4), gsw_get16(v + 6), gsw_get32(v + 8));
    }
    break;
  case GSW_I_DATA:
    if (n >= 16) {
      sb_printf(s, " tsn=%" PRIu32 " sid=%u mid=%" PRIu32 " %s=%" PRIu32,
                gsw_get32(v), gsw_get16(v + 4), gsw_get32(v + 8),
                c->flags & GSW_DATA_FLAG_B ? "ppid" : "fsn", gsw_get32(v + 12));
    }
    break;
  case GSW_SACK:
    if (n >= 8) {
      sb_printf(s, " cum_tsn=%" PRIu32 " a_rwnd=%" PRIu32, gsw_get32(v),
                gsw_get32(v + 4));
    }
    break;
  case GSW_INIT:
  case GSW_INIT_ACK:
    if (n >= 16) {
      sb_printf(s,
                " init_tag=0x%08" PRIx32 " a_rwnd=%" PRIu32
                " os=%u mis=%u init_tsn=%" PRIu32,
                gsw_get32(v), gsw_get32(v + 4), gsw_get16(v + 8),
                gsw_get16(v + 10), gsw_get32(v + 12));
    }
    break;
  case GSW_SHUTDOWN:
    if (n >= 4) {
      sb_printf(s, " cum_tsn=%" PRIu32, gsw_get32(v));
    }
    break;
  default:
    break;
  }
}

static int decode_packet(void *ctx, const packet *pk) {
  gsw_chunk c;
  size_t off = GSW_COMMON_HDR_LEN;
  unsigned idx = 0;
  int rv;
  char tmp[32];

  (void)ctx;
  if (pk->frame_err != 0) {
    printf("%" PRIu64 " %.6f ? > ? MALFORMED framing=%s\n", pk->frame, pk->t,
           gsw_strerror(pk->frame_err));
    return 0;
  }
  if (!pk->hdr_ok) {
    printf("%" PRIu64 " %.6f ? > ? MALFORMED header=truncated sctp_len=%zu\n",
           pk->frame, pk->t, pk->f.sctplen);
    return 0;
  }
  for (;;) {
    sbuf s;

    s.n = 0;
    rv = gsw_chunk_next(&c, pk->f.sctp, pk->f.sctplen, &off);
    if (rv == 0) {
      break;
    }
    idx++;
    sb_printf(&s, "%" PRIu64 " %.6f %s > %s vtag=0x%08" PRIx32 " crc=%s%s",
              pk->frame, pk->t, pk->src, pk->dst, pk->h.vtag,
              pk->crc_ok ? "ok" : "bad", pk->f.truncated ? " truncated" : "");
    sb_printf(&s, " #%u %s flags=0x%02x len=%u", idx,
              chunk_label(c.type, tmp, sizeof(tmp)), c.flags, c.len);
    if (rv == 1) {
      sb_chunk_fields(&s, &c);
    } else {
      sb_fixed_fields(&s, &c);
      sb_printf(&s, " MALFORMED=%s",
                rv == GSW_ESHORT                   ? "truncated"
                : rv == GSW_EBADLEN && (c.len < 4) ? "chunk_length"
                : rv == GSW_EBADLEN                ? "value_length"
                                                   : "value");
    }
    if (c.pad_short) {
      sb_printf(&s, " pad=missing");
    } else if (c.pad_nonzero) {
      sb_printf(&s, " pad=nonzero");
    }
    printf("%s\n", s.b);
  }
  if (idx == 0) {
    printf("%" PRIu64 " %.6f %s > %s vtag=0x%08" PRIx32 " crc=%s%s #0 NONE\n",
           pk->frame, pk->t, pk->src, pk->dst, pk->h.vtag,
           pk->crc_ok ? "ok" : "bad", pk->f.truncated ? " truncated" : "");
  }
  return 0;
}

/* ------------------------------------------------------------------ */
/* Associations (check, stats)                                         */
/* ------------------------------------------------------------------ */

#define MAX_ASSOCS 256
#define RTT_RING 1024

typedef struct side {
  char ep[80];
  int have_tag;
  uint32_t tag; /* the tag the peer must put in vtag to reach us */
  int have_tsn; /* highest_tsn is valid */
  uint32_t highest_tsn;
  int from_init;      /* TSN/SSN state started at our INIT/INIT-ACK */
  uint32_t *ssn_next; /* per stream: expected SSN of the next message */
  uint8_t *ssn_known; /* per stream: ssn_next valid */
  uint16_t *ssn_cur;  /* per stream: SSN of the message being fragmented */
  uint8_t *in_msg;    /* per stream: inside a fragmented message */
  int have_cum;       /* last_cum valid (SACKs this side sent) */
  uint32_t last_cum;
  int sent_shutdown, sent_shutdown_ack;
  /* stats */
  uint64_t packets, bytes, chunks[256], retrans;
  struct {
    uint32_t tsn;
    double t;
    int retrans;
  } out[RTT_RING];
  unsigned out_head, out_n;
  double hb_t;
  uint8_t hb_info[64];
  size_t hb_len;
  int hb_pending;
  double rtt_min, rtt_max, rtt_sum;
  uint64_t rtt_n;
} side;

typedef struct assoc {
  side s[2];
  uint64_t first_frame;
} assoc;

typedef struct assocs {
  assoc *a[MAX_ASSOCS];
  unsigned n;
  int overflow;
} assocs;

static void side_free(side *s) {
  free(s->ssn_next);
  free(s->ssn_known);
  free(s->ssn_cur);
  free(s->in_msg);
}

static void assocs_free(assocs *as) {
  unsigned i;

  for (i = 0; i < as->n; ++i) {
    side_free(&as->a[i]->s[0]);
    side_free(&as->a[i]->s[1]);
    free(as->a[i]);
  }
}

/* Finds or creates the association of |pk|; |*pdir| is the index of the
 * sending side.  NULL when the table is full or out of memory. */
static assoc *assoc_of(assocs *as, const packet *pk, int *pdir) {
  unsigned i;
  assoc *a;

  for (i = 0; i < as->n; ++i) {
    a = as->a[i];
    if (strcmp(a->s[0].ep, pk->src) == 0 && strcmp(a->s[1].ep, pk->dst) == 0) {
      *pdir = 0;
      return a;
    }
    if (strcmp(a->s[1].ep, pk->src) == 0 && strcmp(a->s[0].ep, pk->dst) == 0) {
      *pdir = 1;
      return a;
    }
  }
  if (as->n == MAX_ASSOCS) {
    as->overflow = 1;
    return NULL;
  }
  a = calloc(1, sizeof(*a));
  if (a == NULL) {
    as->overflow = 1;
    return NULL;
  }
  snprintf(a->s[0].ep, sizeof(a->s[0].ep), "%s", pk->src);
  snprintf(a->s[1].ep, sizeof(a->s[1].ep), "%s", pk->dst);
  a->first_frame = pk->frame;
  a->s[0].rtt_min = a->s[1].rtt_min = -1;
  as->a[as->n++] = a;
  *pdir = 0;
  return a;
}

/* Per-stream tables, allocated on first use.  Returns 0 or -1. */
static int side_streams(side *s) {
  if (s->ssn_next != NULL) {
    return 0;
  }
  s->ssn_next = calloc(65536, sizeof(*s->ssn_next));
  s->ssn_known = calloc(65536, 1);
  s->ssn_cur = calloc(65536, sizeof(*s->ssn_cur));
  s->in_msg = calloc(65536, 1);
  if (s->ssn_next == NULL || s->ssn_known == NULL || s->ssn_cur == NULL ||
      s->in_msg == NULL) {
    return -1;
  }
  return 0;
}

/* Start the sender state of |s| at an INIT/INIT-ACK it sent. */
static void side_reset(side *s, uint32_t tag, uint32_t itsn) {
  s->have_tag = 1;
  s->tag = tag;
  s->have_tsn = 1;
  s->highest_tsn = itsn - 1;
  s->from_init = 1;
  s->have_cum = 0;
  s->sent_shutdown = s->sent_shutdown_ack = 0;
  if (s->ssn_known != NULL) {
    memset(s->ssn_known, 0, 65536);
    memset(s->in_msg, 0, 65536);
  }
  s->out_n = 0;
}

/* ------------------------------------------------------------------ */
/* check                                                               */
/* ------------------------------------------------------------------ */

typedef struct rule {
  const char *id;
  const char *rfc;
  const char *what;
} rule;

static const rule RULES[] = {
  {"framing", "RFC 791/8200, 768", "IP/UDP framing of the packet is intact"},
  {"header", "RFC 9260 3.1", "packet holds the 12-byte common header"},
  {"crc", "RFC 9260 6.8", "CRC32c checksum is correct"},
  {"chunk-len", "RFC 9260 3.2", "chunk length >= 4 and within the packet"},
  {"chunk-value", "RFC 9260 3.3",
   "chunk value fits its type (fixed fields, counts, TLV lengths)"},
  {"chunk-pad", "RFC 9260 3.2",
   "chunk padded with zero bytes to a multiple of 4"},
  {"no-chunks", "RFC 9260 3", "packet carries at least one chunk"},
  {"init-vtag", "RFC 9260 8.5.1", "packet with INIT has verification tag 0"},
  {"init-fields", "RFC 9260 3.3.2",
   "INIT/INIT-ACK initiate tag and stream counts are not 0"},
  {"bundle", "RFC 9260 6.10",
   "INIT, INIT-ACK, SHUTDOWN-COMPLETE are not bundled"},
  {"vtag", "RFC 9260 8.5",
   "verification tag is the receiver's tag from INIT/INIT-ACK"},
  {"tbit", "RFC 9260 8.5.1",
   "ABORT/SHUTDOWN-COMPLETE: T=0 receiver's tag, T=1 sender's own tag"},
  {"tsn-seq", "RFC 9260 6.1",
   "new DATA TSNs start at the Initial TSN and grow by 1"},
  {"ssn-seq", "RFC 9260 6.5",
   "ordered messages on a stream carry SSN 0,1,2...; fragments share it"},
  {"data-empty", "RFC 9260 3.3.1", "DATA carries at least one byte"},
  {"sack-cum", "RFC 9260 6.2", "SACK cumulative TSN ack never decreases"},
  {"sack-gap", "RFC 9260 3.3.4",
   "gap blocks: 2 <= start <= end, ascending, not overlapping"},
  {"sack-ahead", "RFC 9260 6.2",
   "SACK acks (cum or gaps) only TSNs the peer has sent"},
  {"shutdown-seq", "RFC 9260 9.2",
   "SHUTDOWN -> SHUTDOWN-ACK -> SHUTDOWN-COMPLETE; no new DATA after "
   "SHUTDOWN"},
};

typedef struct check_ctx {
  assocs as;
  uint64_t packets, violations;
} check_ctx;

static void viol(check_ctx *cx, const packet *pk, const char *id,
                 const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static void viol(check_ctx *cx, const packet *pk, const char *id,
                 const char *fmt, ...) {
  const char *rfc = "";
  size_t i;
  va_list ap;

  for (i = 0; i < sizeof(RULES) / sizeof(RULES[0]); ++i) {
    if (strcmp(RULES[i].id, id) == 0) {
      rfc = RULES[i].rfc;
    }
  }
  printf("frame %" PRIu64 ": %s [%s]: ", pk->frame, id, rfc);
  va_start(ap, fmt);
  vprintf(fmt, ap);
  va_end(ap);
  printf("\n");
  cx->violations++;
}

static void check_data(check_ctx *cx, const packet *pk, side *snd,
                       const gsw_chunk *c) {
  uint32_t tsn = c->u.data.tsn;
  int is_new;

  if (c->type == GSW_DATA && c->u.data.payload_len == 0) {
    viol(cx, pk, "data-empty", "DATA tsn=%" PRIu32 " without user data", tsn);
  }
  if (!snd->have_tsn) {
    snd->have_tsn = 1;
    snd->highest_tsn = tsn;
    is_new = 1;
  } else if (tsn == snd->highest_tsn + 1) {
    snd->highest_tsn = tsn;
    is_new = 1;
  } else if (gsw_tsn_lt(snd->highest_tsn, tsn)) {
    viol(cx, pk, "tsn-seq",
         "DATA tsn=%" PRIu32 " skips TSNs (highest sent %" PRIu32 ")", tsn,
         snd->highest_tsn);
    snd->highest_tsn = tsn;
    is_new = 1;
  } else {
    is_new = 0; /* a retransmission */
  }
  if (is_new && (snd->sent_shutdown || snd->sent_shutdown_ack)) {
    viol(cx, pk, "shutdown-seq", "new DATA tsn=%" PRIu32 " after %s", tsn,
         snd->sent_shutdown ? "SHUTDOWN" : "SHUTDOWN-ACK");
  }
  if (!is_new || c->type != GSW_DATA || (c->flags & GSW_DATA_FLAG_U) ||
      side_streams(snd) != 0) {
    return;
  }
  {
    uint16_t sid = c->u.data.sid, ssn = c->u.data.ssn;

    if (c->flags & GSW_DATA_FLAG_B) {
      if (snd->in_msg[sid]) {
        viol(cx, pk, "ssn-seq",
             "sid=%u: new message ssn=%u before the end of ssn=%u", sid, ssn,
             snd->ssn_cur[sid]);
      }
      if (!snd->ssn_known[sid] && snd->from_init) {
        snd->ssn_known[sid] = 1;
        snd->ssn_next[sid] = 0;
      }
      if (snd->ssn_known[sid] && ssn != (uint16_t)snd->ssn_next[sid]) {
        viol(cx, pk, "ssn-seq", "sid=%u ssn=%u, expected %u", sid, ssn,
             (unsigned)(uint16_t)snd->ssn_next[sid]);
      }
      snd->ssn_known[sid] = 1;
      snd->ssn_next[sid] = (uint16_t)(ssn + 1);
      snd->ssn_cur[sid] = ssn;
      snd->in_msg[sid] = !(c->flags & GSW_DATA_FLAG_E);
    } else {
      if (snd->in_msg[sid] && ssn != snd->ssn_cur[sid]) {
        viol(cx, pk, "ssn-seq", "sid=%u: fragment ssn=%u inside message ssn=%u",
             sid, ssn, snd->ssn_cur[sid]);
      }
      if (c->flags & GSW_DATA_FLAG_E) {
        snd->in_msg[sid] = 0;
      }
    }
  }
}

static void check_sack(check_ctx *cx, const packet *pk, side *snd, side *rcv,
                       const gsw_chunk *c) {
  uint32_t cum = c->u.sack.cum_tsn;
  uint32_t prev_end = 0;
  unsigned i, n = c->u.sack.ngaps;

  if (snd->have_cum && gsw_tsn_lt(cum, snd->last_cum)) {
    viol(cx, pk, "sack-cum", "cum_tsn=%" PRIu32 " below earlier %" PRIu32, cum,
         snd->last_cum);
  }
  if (!snd->have_cum || gsw_tsn_lt(snd->last_cum, cum)) {
    snd->last_cum = cum;
  }
  snd->have_cum = 1;
  if (rcv->have_tsn && rcv->from_init && gsw_tsn_lt(rcv->highest_tsn, cum)) {
    viol(cx, pk, "sack-ahead",
         "cum_tsn=%" PRIu32 " beyond highest TSN sent %" PRIu32, cum,
         rcv->highest_tsn);
  }
  for (i = 0; i < n; ++i) {
    uint16_t a, b;

    gsw_sack_gap(c, i, &a, &b);
    if (a < 2 || a > b) {
      viol(cx, pk, "sack-gap", "gap block %u-%u", a, b);
    } else if (i > 0 && a <= prev_end) {
      viol(cx, pk, "sack-gap", "gap block %u-%u overlaps or precedes %u", a, b,
           prev_end);
    }
    if (rcv->have_tsn && rcv->from_init &&
        gsw_tsn_lt(rcv->highest_tsn, cum + b)) {
      viol(cx, pk, "sack-ahead",
           "gap block %u-%u acks TSN %" PRIu32 " beyond highest sent %" PRIu32,
           a, b, cum + b, rcv->highest_tsn);
    }
    prev_end = b;
  }
}

static int check_packet(void *ctx, const packet *pk) {
  check_ctx *cx = ctx;
  gsw_chunk c;
  size_t off = GSW_COMMON_HDR_LEN;
  int rv, dir, nchunks = 0, has_lone = 0, has_init = 0;
  uint8_t lone_type = 0;
  assoc *a;
  side *snd, *rcv;
  char tmp[32];

  cx->packets++;
  if (pk->frame_err != 0) {
    viol(cx, pk, "framing", "%s", gsw_strerror(pk->frame_err));
    return 0;
  }
  if (!pk->hdr_ok) {
    viol(cx, pk, "header", "only %zu bytes", pk->f.sctplen);
    return 0;
  }
  if (!pk->crc_ok) {
    viol(cx, pk, "crc",
         "checksum 0x%08" PRIx32 ", CRC32c of the packet is 0x%08" PRIx32,
         pk->h.checksum, gsw_packet_crc(pk->f.sctp, pk->f.sctplen));
  }
  a = assoc_of(&cx->as, pk, &dir);
  if (a == NULL) {
    return 0;
  }
  snd = &a->s[dir];
  rcv = &a->s[1 - dir];

  /* Pass 1: framing, bundling, INIT vtag. */
  while ((rv = gsw_chunk_next(&c, pk->f.sctp, pk->f.sctplen, &off)) != 0) {
    const char *nm = chunk_label(c.type, tmp, sizeof(tmp));
    nchunks++;
    if (rv == GSW_ESHORT || (rv == GSW_EBADLEN && c.len < 4)) {
      viol(cx, pk, "chunk-len", "chunk #%d %s length %u, %zu bytes left",
           nchunks, nm, c.len, c.vlen + 4);
      continue;
    }
    if (rv < 0) {
      viol(cx, pk, "chunk-value", "chunk #%d %s length %u: %s", nchunks, nm,
           c.len, gsw_strerror(rv));
    }
    if (c.pad_short || c.pad_nonzero) {
      viol(cx, pk, "chunk-pad", "chunk #%d %s length %u: %s", nchunks, nm,
           c.len, c.pad_short ? "padding missing" : "non-zero padding");
    }
    if (c.type == GSW_INIT || c.type == GSW_INIT_ACK ||
        c.type == GSW_SHUTDOWN_COMPLETE) {
      has_lone = 1;
      lone_type = c.type;
    }
    if (c.type == GSW_INIT) {
      has_init = 1;
    }
  }
  if (nchunks == 0) {
    viol(cx, pk, "no-chunks", "packet without chunks");
    return 0;
  }
  if (has_lone && nchunks > 1) {
    viol(cx, pk, "bundle", "%s bundled with %d other chunk(s)",
         chunk_label(lone_type, tmp, sizeof(tmp)), nchunks - 1);
  }
  if (has_init && pk->h.vtag != 0) {
    viol(cx, pk, "init-vtag", "INIT in a packet with vtag 0x%08" PRIx32,
         pk->h.vtag);
  }

  /* Pass 2: per-chunk association rules. */
  off = GSW_COMMON_HDR_LEN;
  nchunks = 0;
  while ((rv = gsw_chunk_next(&c, pk->f.sctp, pk->f.sctplen, &off)) != 0) {
    int tbit = c.flags & GSW_FLAG_T;
    if (rv < 0) {
      continue;
    }
    nchunks++;
    switch (c.type) {
    case GSW_INIT:
    case GSW_INIT_ACK:
      if (c.u.init.init_tag == 0 || c.u.init.os == 0 || c.u.init.mis == 0) {
        viol(cx, pk, "init-fields", "%s init_tag=0x%08" PRIx32 " os=%u mis=%u",
             chunk_label(c.type, tmp, sizeof(tmp)), c.u.init.init_tag,
             c.u.init.os, c.u.init.mis);
      }
      if (c.type == GSW_INIT_ACK && rcv->have_tag && pk->h.vtag != rcv->tag) {
        viol(cx, pk, "vtag",
             "INIT_ACK vtag 0x%08" PRIx32 ", peer's tag is 0x%08" PRIx32,
             pk->h.vtag, rcv->tag);
      }
      side_reset(snd, c.u.init.init_tag, c.u.init.initial_tsn);
      if (c.type == GSW_INIT) {
        rcv->have_tag = 0;
      }
      continue;
    case GSW_ABORT:
    case GSW_SHUTDOWN_COMPLETE:
      if (tbit && snd->have_tag && pk->h.vtag != snd->tag) {
        viol(cx, pk, "tbit",
             "%s T=1 vtag 0x%08" PRIx32 ", own tag is 0x%08" PRIx32,
             chunk_label(c.type, tmp, sizeof(tmp)), pk->h.vtag, snd->tag);
      } else if (!tbit && rcv->have_tag && pk->h.vtag != rcv->tag) {
        viol(cx, pk, "tbit",
             "%s T=0 vtag 0x%08" PRIx32 ", peer's tag is 0x%08" PRIx32,
             chunk_label(c.type, tmp, sizeof(tmp)), pk->h.vtag, rcv->tag);
      }
      if (c.type == GSW_SHUTDOWN_COMPLETE && !tbit && rcv->from_init &&
          !rcv->sent_shutdown_ack) {
        viol(cx, pk, "shutdown-seq", "SHUTDOWN_COMPLETE without SHUTDOWN_ACK");
      }
      continue;
    default:
      break;
    }
    if (nchunks == 1 && rcv->have_tag && pk->h.vtag != rcv->tag) {
      viol(cx, pk, "vtag", "vtag 0x%08" PRIx32 ", peer's tag is 0x%08" PRIx32,
           pk->h.vtag, rcv->tag);
    }
    switch (c.type) {
    case GSW_DATA:
    case GSW_I_DATA:
      check_data(cx, pk, snd, &c);
      break;
    case GSW_SACK:
    case GSW_NR_SACK:
      check_sack(cx, pk, snd, rcv, &c);
      break;
    case GSW_SHUTDOWN:
      snd->sent_shutdown = 1;
      break;
    case GSW_SHUTDOWN_ACK:
      if (rcv->from_init && !rcv->sent_shutdown) {
        viol(cx, pk, "shutdown-seq", "SHUTDOWN_ACK without SHUTDOWN");
      }
      snd->sent_shutdown_ack = 1;
      break;
    default:
      break;
    }
  }
  return 0;
}

/* ------------------------------------------------------------------ */
/* stats                                                               */
/* ------------------------------------------------------------------ */

static void rtt_sample(side *s, double v) {
  if (v < 0) {
    return;
  }
  if (s->rtt_n == 0 || v < s->rtt_min) {
    s->rtt_min = v;
  }
  if (s->rtt_n == 0 || v > s->rtt_max) {
    s->rtt_max = v;
  }
  s->rtt_sum += v;
  s->rtt_n++;
}

static int stats_packet(void *ctx, const packet *pk) {
  assocs *as = ctx;
  gsw_chunk c;
  size_t off = GSW_COMMON_HDR_LEN;
  int rv, dir;
  assoc *a;
  side *snd, *rcv;

  if (pk->frame_err != 0 || !pk->hdr_ok) {
    return 0;
  }
  a = assoc_of(as, pk, &dir);
  if (a == NULL) {
    return 0;
  }
  snd = &a->s[dir];
  rcv = &a->s[1 - dir];
  snd->packets++;
  snd->bytes += pk->f.sctplen;
  while ((rv = gsw_chunk_next(&c, pk->f.sctp, pk->f.sctplen, &off)) != 0) {
    snd->chunks[c.type]++;
    if (rv < 0) {
      continue;
    }
    if (c.type == GSW_INIT || c.type == GSW_INIT_ACK) {
      snd->have_tag = 1;
      snd->tag = c.u.init.init_tag;
      snd->have_tsn = 1;
      snd->highest_tsn = c.u.init.initial_tsn - 1;
      snd->out_n = 0;
    } else if (c.type == GSW_DATA || c.type == GSW_I_DATA) {
      uint32_t tsn = c.u.data.tsn;
      if (snd->have_tsn && !gsw_tsn_lt(snd->highest_tsn, tsn)) {
        unsigned i;
        snd->retrans++;
        for (i = 0; i < snd->out_n; ++i) {
          unsigned k = (snd->out_head + i) % RTT_RING;
          if (snd->out[k].tsn == tsn) {
            snd->out[k].retrans = 1; /* Karn: no sample from it */
          }
        }
      } else {
        unsigned k;
        snd->have_tsn = 1;
        snd->highest_tsn = tsn;
        if (snd->out_n == RTT_RING) {
          snd->out_head = (snd->out_head + 1) % RTT_RING;
          snd->out_n--;
        }
        k = (snd->out_head + snd->out_n) % RTT_RING;
        snd->out[k].tsn = tsn;
        snd->out[k].t = pk->t;
        snd->out[k].retrans = 0;
        snd->out_n++;
      }
    } else if (c.type == GSW_SACK || c.type == GSW_NR_SACK) {
      /* The SACK acks rcv's DATA: one sample for the newest TSN it newly
       * covers, unless that TSN was retransmitted. */
      uint32_t cum = c.u.sack.cum_tsn;
      int have = 0, rt = 0;
      double t = 0;
      while (rcv->out_n > 0 && !gsw_tsn_lt(cum, rcv->out[rcv->out_head].tsn)) {
        have = 1;
        t = rcv->out[rcv->out_head].t;
        rt = rcv->out[rcv->out_head].retrans;
        rcv->out_head = (rcv->out_head + 1) % RTT_RING;
        rcv->out_n--;
      }
      if (have && !rt) {
        rtt_sample(rcv, pk->t - t);
      }
    } else if (c.type == GSW_HEARTBEAT) {
      snd->hb_pending = 1;
      snd->hb_t = pk->t;
      snd->hb_len = c.vlen < sizeof(snd->hb_info) ? c.vlen : 0;
      memcpy(snd->hb_info, c.value, snd->hb_len);
    } else if (c.type == GSW_HEARTBEAT_ACK && rcv->hb_pending) {
      if (rcv->hb_len == 0 ||
          (c.vlen == rcv->hb_len &&
           memcmp(c.value, rcv->hb_info, rcv->hb_len) == 0)) {
        rtt_sample(rcv, pk->t - rcv->hb_t);
        rcv->hb_pending = 0;
      }
    }
  }
  return 0;
}

static void stats_print(const assocs *as) {
  unsigned i, d, t;
  char tmp[32];

  for (i = 0; i < as->n; ++i) {
    const assoc *a = as->a[i];
    printf("association %u: %s <-> %s (first frame %" PRIu64 ")\n", i + 1,
           a->s[0].ep, a->s[1].ep, a->first_frame);
    for (d = 0; d < 2; ++d) {
      const side *s = &a->s[d];
      int first = 1;
      printf("  %s -> %s: packets=%" PRIu64 " bytes=%" PRIu64
             " retransmissions=%" PRIu64,
             s->ep, a->s[1 - d].ep, s->packets, s->bytes, s->retrans);
      if (s->have_tag) {
        printf(" tag=0x%08" PRIx32, s->tag);
      }
      printf("\n    chunks:");
      for (t = 0; t < 256; ++t) {
        if (s->chunks[t] != 0) {
          printf("%s%s=%" PRIu64, first ? " " : " ",
                 chunk_label((uint8_t)t, tmp, sizeof(tmp)), s->chunks[t]);
          first = 0;
        }
      }
      if (first) {
        printf(" none");
      }
      printf("\n    rtt: samples=%" PRIu64, s->rtt_n);
      if (s->rtt_n > 0) {
        printf(" min=%.3fms avg=%.3fms max=%.3fms", s->rtt_min * 1e3,
               s->rtt_sum / (double)s->rtt_n * 1e3, s->rtt_max * 1e3);
      }
      printf("\n");
    }
  }
  if (as->n == 0) {
    printf("no SCTP packets\n");
  }
}

/* ------------------------------------------------------------------ */
/* ladder                                                              */
/* ------------------------------------------------------------------ */

#define MAX_LIFELINES 16

typedef struct row {
  int from, to;
  double t;
  uint64_t frame;
  char label[200];
  int bad;
} row;

typedef struct ladder_ctx {
  char ep[MAX_LIFELINES][80];
  int nep;
  row *rows;
  size_t nrows, cap;
  unsigned max_rows;
  int truncated;
  int lifeline_overflow;
} ladder_ctx;

static int ep_index(ladder_ctx *lx, const char *ep) {
  int i;

  for (i = 0; i < lx->nep; ++i) {
    if (strcmp(lx->ep[i], ep) == 0) {
      return i;
    }
  }
  if (lx->nep == MAX_LIFELINES) {
    return -1;
  }
  snprintf(lx->ep[lx->nep], sizeof(lx->ep[0]), "%s", ep);
  return lx->nep++;
}

static int ladder_packet(void *ctx, const packet *pk) {
  ladder_ctx *lx = ctx;
  gsw_chunk c;
  size_t off = GSW_COMMON_HDR_LEN;
  int rv, n = 0;
  row *r;
  sbuf s;
  char tmp[32];

  if (pk->frame_err != 0 || !pk->hdr_ok) {
    return 0;
  }
  if (lx->nrows >= lx->max_rows) {
    lx->truncated = 1;
    return 1;
  }
  if (lx->nrows == lx->cap) {
    size_t nc = lx->cap ? lx->cap * 2 : 64;
    row *nr = realloc(lx->rows, nc * sizeof(*nr));
    if (nr == NULL) {
      return 1;
    }
    lx->rows = nr;
    lx->cap = nc;
  }
  r = &lx->rows[lx->nrows];
  r->from = ep_index(lx, pk->src);
  r->to = ep_index(lx, pk->dst);
  if (r->from < 0 || r->to < 0) {
    lx->lifeline_overflow = 1;
    return 0;
  }
  r->t = pk->t;
  r->frame = pk->frame;
  r->bad = !pk->crc_ok;
  s.n = 0;
  s.b[0] = '\0';
  while ((rv = gsw_chunk_next(&c, pk->f.sctp, pk->f.sctplen, &off)) != 0) {
    sb_printf(&s, "%s%s", n ? ", " : "", chunk_label(c.type, tmp, sizeof(tmp)));
    if (rv < 0) {
      sb_printf(&s, "(malformed)");
      r->bad = 1;
    } else if (c.type == GSW_DATA || c.type == GSW_I_DATA) {
      sb_printf(&s, " tsn=%" PRIu32 " sid=%u", c.u.data.tsn, c.u.data.sid);
    } else if (c.type == GSW_SACK) {
      sb_printf(&s, " cum=%" PRIu32, c.u.sack.cum_tsn);
    } else if ((c.type == GSW_ABORT || c.type == GSW_SHUTDOWN_COMPLETE) &&
               (c.flags & GSW_FLAG_T)) {
      sb_printf(&s, " T");
    }
    n++;
  }
  if (!pk->crc_ok) {
    sb_printf(&s, " [bad crc]");
  }
  snprintf(r->label, sizeof(r->label), "%s", n ? s.b : "(no chunks)");
  lx->nrows++;
  return 0;
}

static void xml_text(FILE *f, const char *s) {
  for (; *s; ++s) {
    switch (*s) {
    case '<':
      fputs("&lt;", f);
      break;
    case '>':
      fputs("&gt;", f);
      break;
    case '&':
      fputs("&amp;", f);
      break;
    case '"':
      fputs("&quot;", f);
      break;
    default:
      if ((unsigned char)*s >= 0x20 && (unsigned char)*s < 0x7f) {
        fputc(*s, f);
      }
    }
  }
}

static int ladder_write(const ladder_ctx *lx, FILE *f, const char *title) {
  const int colw = 280, left = 110, top = 70, rowh = 34;
  int width = left + colw * (lx->nep > 1 ? lx->nep : 2) + 40;
  int height = top + rowh * (int)lx->nrows + 60;
  size_t i;
  int e;

  fprintf(f,
          "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
          "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" "
          "height=\"%d\" viewBox=\"0 0 %d %d\" "
          "font-family=\"monospace\" font-size=\"12\">\n",
          width, height, width, height);
  fprintf(f, "<title>");
  xml_text(f, title);
  fprintf(f, "</title>\n<defs><marker id=\"arrow\" markerWidth=\"10\" "
             "markerHeight=\"8\" refX=\"10\" refY=\"4\" orient=\"auto\">"
             "<path d=\"M0,0 L10,4 L0,8 z\" fill=\"#333\"/></marker>"
             "<marker id=\"arrowbad\" markerWidth=\"10\" markerHeight=\"8\" "
             "refX=\"10\" refY=\"4\" orient=\"auto\"><path d=\"M0,0 L10,4 "
             "L0,8 z\" fill=\"#c00\"/></marker></defs>\n");
  fprintf(f, "<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n");
  fprintf(f, "<text x=\"10\" y=\"20\" font-weight=\"bold\">time (s)</text>\n");
  for (e = 0; e < lx->nep; ++e) {
    int x = left + colw * e + colw / 2;
    fprintf(f,
            "<text x=\"%d\" y=\"40\" text-anchor=\"middle\" "
            "font-weight=\"bold\">",
            x);
    xml_text(f, lx->ep[e]);
    fprintf(f,
            "</text>\n<line x1=\"%d\" y1=\"50\" x2=\"%d\" y2=\"%d\" "
            "stroke=\"#888\" stroke-dasharray=\"4,3\"/>\n",
            x, x, height - 20);
  }
  for (i = 0; i < lx->nrows; ++i) {
    const row *r = &lx->rows[i];
    int y = top + rowh * (int)i + 16;
    int x1 = left + colw * r->from + colw / 2;
    int x2 = left + colw * r->to + colw / 2;
    const char *col = r->bad ? "#c00" : "#333";

    fprintf(f, "<text x=\"10\" y=\"%d\" fill=\"#555\">%.6f</text>\n", y, r->t);
    fprintf(f, "<g><title>frame %" PRIu64 "</title>", r->frame);
    if (x1 == x2) {
      fprintf(f,
              "<path d=\"M%d,%d h40 v10 h-40\" fill=\"none\" "
              "stroke=\"%s\" marker-end=\"url(#%s)\"/>",
              x1, y - 5, col, r->bad ? "arrowbad" : "arrow");
    } else {
      fprintf(f,
              "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" "
              "stroke=\"%s\" stroke-width=\"1.5\" "
              "marker-end=\"url(#%s)\"/>",
              x1, y, x2, y, col, r->bad ? "arrowbad" : "arrow");
    }
    fprintf(f, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\" fill=\"%s\">",
            (x1 + x2) / 2 + (x1 == x2 ? 60 : 0), y - 5, col);
    xml_text(f, r->label);
    fprintf(f, "</text></g>\n");
  }
  if (lx->truncated) {
    fprintf(f, "<text x=\"10\" y=\"%d\">(truncated at %zu packets)</text>\n",
            height - 10, lx->nrows);
  }
  fprintf(f, "</svg>\n");
  return ferror(f) ? -1 : 0;
}

/* ------------------------------------------------------------------ */
/* Command line                                                        */
/* ------------------------------------------------------------------ */

static const char *USAGE =
  "usage: gsctp-pcap COMMAND [OPTIONS] FILE\n"
  "\n"
  "Read a pcap/pcapng capture holding SCTP (directly in IPv4/IPv6, in UDP\n"
  "per RFC 6951, or LINKTYPE_SCTP) and:\n"
  "\n"
  "  decode FILE            print one line per chunk\n"
  "  check FILE             check the wire rules; list every violation\n"
  "  ladder FILE -o OUT     draw a sequence diagram as SVG into OUT\n"
  "  stats FILE             per-association counters and RTT samples\n"
  "  help [COMMAND]         this text, or a command's help\n"
  "\n"
  "Common options:\n"
  "  --udp-port N           also decode UDP port N as SCTP (repeatable;\n"
  "                         9899 always is)\n"
  "  -h, --help             help\n"
  "\n"
  "Link types: EN10MB, RAW, LINUX_SLL, LINUX_SLL2, NULL, LOOP, IPV4, IPV6,\n"
  "SCTP.  Exit status: 0 ok, 1 violations found (check) or failure,\n"
  "2 usage error or unreadable file.  Line format and rules:\n"
  "docs/pcap-tools.md.\n";

static const char *HELP_DECODE =
  "usage: gsctp-pcap decode [--udp-port N]... [--abs-time] FILE\n"
  "\n"
  "Prints one line per chunk:\n"
  "  FRAME TIME SRC > DST vtag=0xTTTTTTTT crc=ok|bad #I TYPE flags=0xFF\n"
  "  len=N FIELDS...\n"
  "FRAME is the frame number (1-based, as in Wireshark), TIME seconds since\n"
  "the first frame (--abs-time: since the epoch), SRC/DST ADDR:PORT or\n"
  "ADDR:PORT/udpUPORT (no ADDR for LINKTYPE_SCTP), #I the chunk's index in\n"
  "the packet.  FIELDS depend on TYPE (see docs/pcap-tools.md); a broken\n"
  "chunk ends with MALFORMED=REASON, bad padding with pad=missing|nonzero.\n";

static const char *HELP_CHECK =
  "usage: gsctp-pcap check [--udp-port N]... [--rules] FILE\n"
  "\n"
  "Checks every SCTP packet against the wire rules and prints each\n"
  "violation as\n"
  "  frame N: RULE [RFC SECTION]: details\n"
  "then a summary line.  Exit status 1 if any rule was violated.\n"
  "--rules lists the rules and exits.\n";

static const char *HELP_LADDER =
  "usage: gsctp-pcap ladder [--udp-port N]... [--max N] FILE -o OUT.svg\n"
  "\n"
  "Writes a sequence (ladder) diagram as standalone SVG: one lifeline per\n"
  "endpoint (address and port), one arrow per packet labelled with its\n"
  "chunks, time down the page.  Packets with a bad checksum or a malformed\n"
  "chunk are red.  --max N stops after N packets (default 2000).\n";

static const char *HELP_STATS =
  "usage: gsctp-pcap stats [--udp-port N]... FILE\n"
  "\n"
  "Per association (endpoint pair) and direction: packets, SCTP bytes,\n"
  "chunks by type, retransmissions (DATA whose TSN was sent before), tags,\n"
  "and RTT samples (DATA -> first SACK covering it, Karn's rule; HEARTBEAT\n"
  "-> HEARTBEAT-ACK).\n";

static int parse_port(const char *s, uint16_t *pport) {
  char *end;
  long v;

  errno = 0;
  v = strtol(s, &end, 10);
  if (errno != 0 || *s == '\0' || *end != '\0' || v < 1 || v > 65535) {
    return -1;
  }
  *pport = (uint16_t)v;
  return 0;
}

static const char *help_of(const char *cmd) {
  if (strcmp(cmd, "decode") == 0) {
    return HELP_DECODE;
  }
  if (strcmp(cmd, "check") == 0) {
    return HELP_CHECK;
  }
  if (strcmp(cmd, "ladder") == 0) {
    return HELP_LADDER;
  }
  if (strcmp(cmd, "stats") == 0) {
    return HELP_STATS;
  }
  return NULL;
}

int main(int argc, char **argv) {
  static const struct option longopts[] = {
    {"udp-port", required_argument, NULL, 'u'},
    {"abs-time", no_argument, NULL, 'a'},
    {"output", required_argument, NULL, 'o'},
    {"max", required_argument, NULL, 'm'},
    {"rules", no_argument, NULL, 'r'},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
  };
  const char *cmd, *help, *path;
  opts o;
  int ch, list_rules = 0, rv;

  memset(&o, 0, sizeof(o));
  o.max_rows = 2000;
  if (argc < 2) {
    fputs(USAGE, stderr);
    return EXIT_USAGE;
  }
  cmd = argv[1];
  if (strcmp(cmd, "-h") == 0 || strcmp(cmd, "--help") == 0) {
    fputs(USAGE, stdout);
    return 0;
  }
  if (strcmp(cmd, "help") == 0) {
    if (argc > 2 && help_of(argv[2]) == NULL) {
      fprintf(stderr, "gsctp-pcap: unknown command '%s'\n", argv[2]);
      return EXIT_USAGE;
    }
    fputs(argc > 2 ? help_of(argv[2]) : USAGE, stdout);
    return 0;
  }
  help = help_of(cmd);
  if (help == NULL) {
    fprintf(stderr, "gsctp-pcap: unknown command '%s' (try --help)\n", cmd);
    return EXIT_USAGE;
  }
  optind = 2;
  opterr = 0;
  while ((ch = getopt_long(argc, argv, "ho:", longopts, NULL)) != -1) {
    switch (ch) {
    case 'u':
      if (o.cfg.nudp == GSW_MAX_UDP_PORTS) {
        fprintf(stderr, "gsctp-pcap: at most %d --udp-port options\n",
                GSW_MAX_UDP_PORTS);
        return EXIT_USAGE;
      }
      if (parse_port(optarg, &o.cfg.udp_ports[o.cfg.nudp]) != 0) {
        fprintf(stderr, "gsctp-pcap: --udp-port: not a port: '%s'\n", optarg);
        return EXIT_USAGE;
      }
      o.cfg.nudp++;
      break;
    case 'a':
      o.abs_time = 1;
      break;
    case 'o':
      o.out = optarg;
      break;
    case 'm': {
      char *end;
      long v;
      errno = 0;
      v = strtol(optarg, &end, 10);
      if (errno != 0 || *end != '\0' || v < 1 || v > 1000000) {
        fprintf(stderr, "gsctp-pcap: --max: not a count 1..1000000: '%s'\n",
                optarg);
        return EXIT_USAGE;
      }
      o.max_rows = (unsigned)v;
      break;
    }
    case 'r':
      list_rules = 1;
      break;
    case 'h':
      fputs(help, stdout);
      return 0;
    default:
      fprintf(stderr, "gsctp-pcap %s: bad option '%s'\n%s", cmd,
              argv[optind - 1], help);
      return EXIT_USAGE;
    }
  }
  if ((o.abs_time && strcmp(cmd, "decode") != 0) ||
      (o.out != NULL && strcmp(cmd, "ladder") != 0) ||
      (list_rules && strcmp(cmd, "check") != 0)) {
    fprintf(stderr, "gsctp-pcap %s: option not valid here\n%s", cmd, help);
    return EXIT_USAGE;
  }
  if (list_rules) {
    size_t i;
    for (i = 0; i < sizeof(RULES) / sizeof(RULES[0]); ++i) {
      printf("%-13s %-17s %s\n", RULES[i].id, RULES[i].rfc, RULES[i].what);
    }
    return 0;
  }
  if (optind != argc - 1) {
    fprintf(stderr, "gsctp-pcap %s: %s\n%s", cmd,
            optind >= argc ? "missing FILE" : "too many arguments", help);
    return EXIT_USAGE;
  }
  path = argv[optind];

  if (strcmp(cmd, "decode") == 0) {
    rv = read_capture(path, &o, decode_packet, NULL);
    if (fflush(stdout) != 0 && rv == 0) {
      rv = EXIT_VIOLATION;
    }
    return rv;
  }
  if (strcmp(cmd, "check") == 0) {
    check_ctx cx;
    memset(&cx, 0, sizeof(cx));
    rv = read_capture(path, &o, check_packet, &cx);
    if (rv == 0) {
      printf("check: %" PRIu64 " packets, %" PRIu64 " violations%s\n",
             cx.packets, cx.violations,
             cx.as.overflow ? " (over 256 associations: not all checked)" : "");
      rv = cx.violations ? EXIT_VIOLATION : 0;
    }
    assocs_free(&cx.as);
    return rv;
  }
  if (strcmp(cmd, "stats") == 0) {
    assocs as;
    memset(&as, 0, sizeof(as));
    rv = read_capture(path, &o, stats_packet, &as);
    if (rv == 0) {
      stats_print(&as);
      if (as.overflow) {
        printf("(over %d associations: the rest not counted)\n", MAX_ASSOCS);
      }
    }
    assocs_free(&as);
    return rv;
  }
  /* ladder */
  {
    ladder_ctx lx;
    FILE *f;

    if (o.out == NULL) {
      fprintf(stderr, "gsctp-pcap ladder: -o OUT.svg is required\n%s", help);
      return EXIT_USAGE;
    }
    memset(&lx, 0, sizeof(lx));
    lx.max_rows = o.max_rows;
    rv = read_capture(path, &o, ladder_packet, &lx);
    if (rv != 0) {
      free(lx.rows);
      return rv;
    }
    f = fopen(o.out, "w");
    if (f == NULL) {
      fprintf(stderr, "gsctp-pcap ladder: cannot write %s: %s\n", o.out,
              strerror(errno));
      free(lx.rows);
      return EXIT_USAGE;
    }
    rv = ladder_write(&lx, f, path);
    if (fclose(f) != 0 || rv != 0) {
      fprintf(stderr, "gsctp-pcap ladder: write error on %s\n", o.out);
      free(lx.rows);
      return EXIT_VIOLATION;
    }
    if (lx.lifeline_overflow) {
      fprintf(stderr,
              "gsctp-pcap ladder: more than %d endpoints; packets of the "
              "others left out\n",
              MAX_LIFELINES);
    }
    printf("ladder: %zu packets, %d endpoints -> %s\n", lx.nrows, lx.nep,
           o.out);
    free(lx.rows);
    return 0;
  }
}
