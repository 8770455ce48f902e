/*
 * wire.c - gsctp-drill's script-oriented SCTP chunk model.
 *
 * Every chunk, parameter and error cause the scripts may name is
 * described by a table row: its type code, its fixed fields (name, offset
 * and width inside the value, and how the field is translated between
 * script and live values), and what follows the fixed part (a parameter
 * list, a cause list, bytes, SACK gap blocks, ...).  The same rows drive
 * building inbound packets from script lines and matching outbound
 * packets against them, so the two directions cannot disagree.
 *
 * Translation (packetdrill's symbolic values): the stack's Initiate Tag
 * and initial TSN are learned from its first INIT or INIT-ACK; TSNs the
 * stack sends (DATA, FORWARD-TSN, CWR) are shown in script space, and
 * TSNs the script sends that acknowledge the stack's data (SACK,
 * SHUTDOWN, ECNE cumulative TSNs and duplicates) are translated to live
 * values.  The script's own tags and TSNs are used as written.
 *
 * Decoding is bounds-checked: a short or malformed outbound packet is a
 * mismatch, never a read past the buffer.
 */
#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <usrsctp.h>

#include "drill.h"

/* field translations */
enum {
  M_NONE = 0,
  M_OWN, /* a TSN of the packet's sender: live->script on outbound */
  M_ACK, /* a TSN of the packet's receiver: script->live on inbound */
  M_TAG, /* an Initiate Tag (learned on outbound, recorded inbound) */
  M_ITSN /* an initial TSN (learned on outbound) */
};

typedef struct fdesc {
  const char *name;
  uint8_t off, size, map;
  uint32_t def; /* inbound default for `...` or an omitted field */
} fdesc;

/* what follows the fixed fields of a chunk */
enum {
  TL_NONE,
  TL_PARAMS,
  TL_CAUSES,
  TL_VAL,  /* len=chunk length, val=bytes */
  TL_DATA, /* len=chunk length, payload zero bytes */
  TL_SACK,
  TL_FWDTSN,
  TL_GENERIC, /* CHUNK[type, flgs, len, val] */
  TL_UNSUP
};

typedef struct cdesc {
  const char *name;
  int type;
  const char *flags; /* flag letters from bit 0 up ("EBUI") */
  uint8_t fixed;     /* bytes of fixed fields after the chunk header */
  fdesc f[6];
  int tail;
} cdesc;

static const cdesc chunks[] = {
  {"DATA",
   0,
   "EBUI",
   12,
   {{"tsn", 0, 4, M_OWN, 1},
    {"sid", 4, 2, 0, 0},
    {"ssn", 6, 2, 0, 0},
    {"ppid", 8, 4, 0, 0}},
   TL_DATA},
  {"INIT",
   1,
   "",
   16,
   {{"tag", 0, 4, M_TAG, 1},
    {"a_rwnd", 4, 4, 0, 65536},
    {"os", 8, 2, 0, 1},
    {"is", 10, 2, 0, 1},
    {"tsn", 12, 4, M_ITSN, 1}},
   TL_PARAMS},
  {"INIT_ACK",
   2,
   "",
   16,
   {{"tag", 0, 4, M_TAG, 1},
    {"a_rwnd", 4, 4, 0, 65536},
    {"os", 8, 2, 0, 1},
    {"is", 10, 2, 0, 1},
    {"tsn", 12, 4, M_ITSN, 1}},
   TL_PARAMS},
  {"SACK",
   3,
   "",
   8,
   {{"cum_tsn", 0, 4, M_ACK, 0}, {"a_rwnd", 4, 4, 0, 65536}},
   TL_SACK},
  {"HEARTBEAT", 4, "", 0, {{0}}, TL_PARAMS},
  {"HEARTBEAT_ACK", 5, "", 0, {{0}}, TL_PARAMS},
  {"ABORT", 6, "T", 0, {{0}}, TL_CAUSES},
  {"SHUTDOWN", 7, "", 4, {{"cum_tsn", 0, 4, M_ACK, 0}}, TL_NONE},
  {"SHUTDOWN_ACK", 8, "", 0, {{0}}, TL_NONE},
  {"ERROR", 9, "", 0, {{0}}, TL_CAUSES},
  {"COOKIE_ECHO", 10, "", 0, {{0}}, TL_VAL},
  {"COOKIE_ACK", 11, "", 0, {{0}}, TL_NONE},
  {"ECNE", 12, "", 4, {{"tsn", 0, 4, M_ACK, 0}}, TL_NONE},
  {"CWR", 13, "", 4, {{"tsn", 0, 4, M_OWN, 0}}, TL_NONE},
  {"SHUTDOWN_COMPLETE", 14, "T", 0, {{0}}, TL_NONE},
  {"AUTH", 15, "", 0, {{0}}, TL_UNSUP},
  {"NR_SACK", 16, "", 0, {{0}}, TL_UNSUP},
  {"I_DATA",
   64,
   "EBUI",
   16,
   {{"tsn", 0, 4, M_OWN, 1},
    {"sid", 4, 2, 0, 0},
    {"mid", 8, 4, 0, 0},
    {"ppid", 12, 4, 0, 0},
    {"fsn", 12, 4, 0, 0}},
   TL_DATA},
  {"ASCONF_ACK", 0x80, "", 0, {{0}}, TL_UNSUP},
  {"RECONFIG", 130, "", 0, {{0}}, TL_PARAMS},
  {"PAD", 0x84, "", 0, {{0}}, TL_VAL},
  {"FORWARD_TSN", 192, "", 4, {{"cum_tsn", 0, 4, M_OWN, 0}}, TL_FWDTSN},
  {"ASCONF", 0xc1, "", 0, {{0}}, TL_UNSUP},
  {"I_FORWARD_TSN", 194, "", 0, {{0}}, TL_UNSUP},
  {"CHUNK", -1, "", 0, {{0}}, TL_GENERIC},
};

/* what follows the fixed fields of a parameter or cause */
enum {
  PT_NONE,
  PT_VAL,     /* len=TLV length, val=bytes */
  PT_ADDR4,   /* addr= */
  PT_ADDR6,   /* addr= */
  PT_HOST,    /* addr="name" */
  PT_U16LIST, /* types=[...] of address types */
  PT_U8LIST,  /* types=[...] of chunk types */
  PT_PARAMS,  /* params=[...] (nested parameters) */
  PT_LIST,    /* list=[...] (nested parameters) */
  PT_PARAM1,  /* param=PARAM (one nested parameter) */
  PT_CHUNK,   /* chk=CHUNK (one nested chunk) */
  PT_INFO,    /* info=bytes or "string" */
  PT_MISSING, /* types=[...] after a 32-bit count */
  PT_GENERIC, /* PARAMETER[type, len, val] / CAUSE[code, len, info] */
  PT_UNSUP
};

typedef struct pdesc {
  const char *name;
  int type;
  uint8_t fixed;
  fdesc f[2];
  int tail;
} pdesc;

static const pdesc params[] = {
  {"HEARTBEAT_INFORMATION", 1, 0, {{0}}, PT_VAL},
  {"IPV4_ADDRESS", 5, 0, {{0}}, PT_ADDR4},
  {"IPV6_ADDRESS", 6, 0, {{0}}, PT_ADDR6},
  {"STATE_COOKIE", 7, 0, {{0}}, PT_VAL},
  {"UNRECOGNIZED_PARAMETER", 8, 0, {{0}}, PT_PARAMS},
  {"COOKIE_PRESERVATIVE", 9, 4, {{"incr", 0, 4, 0, 0}}, PT_NONE},
  {"HOSTNAME_ADDRESS", 11, 0, {{0}}, PT_HOST},
  {"SUPPORTED_ADDRESS_TYPES", 12, 0, {{0}}, PT_U16LIST},
  {"OUTGOING_SSN_RESET", 13, 0, {{0}}, PT_UNSUP},
  {"INCOMING_SSN_RESET", 14, 0, {{0}}, PT_UNSUP},
  {"SSN_TSN_RESET", 15, 0, {{0}}, PT_UNSUP},
  {"RECONFIG_RESPONSE", 16, 0, {{0}}, PT_UNSUP},
  {"ADD_OUTGOING_STREAMS", 17, 0, {{0}}, PT_UNSUP},
  {"ADD_INCOMING_STREAMS", 18, 0, {{0}}, PT_UNSUP},
  {"ECN_CAPABLE", 0x8000, 0, {{0}}, PT_NONE},
  {"RANDOM", 0x8002, 0, {{0}}, PT_UNSUP},
  {"CHUNK_LIST", 0x8003, 0, {{0}}, PT_UNSUP},
  {"HMAC_ALGO", 0x8004, 0, {{0}}, PT_UNSUP},
  {"PAD", 0x8005, 0, {{0}}, PT_VAL},
  {"SUPPORTED_EXTENSIONS", 0x8008, 0, {{0}}, PT_U8LIST},
  {"FORWARD_TSN_SUPPORTED", 0xc000, 0, {{0}}, PT_NONE},
  {"ADAPTATION_INDICATION",
   0xc006,
   4,
   {{"adaptation_code_point", 0, 4, 0, 0}},
   PT_NONE},
  {"PARAMETER", -1, 0, {{0}}, PT_GENERIC},
};

static const pdesc causes[] = {
  {"INVALID_STREAM_IDENTIFIER", 1, 4, {{"sid", 0, 2, 0, 0}}, PT_NONE},
  {"MISSING_MANDATORY_PARAMETER", 2, 0, {{0}}, PT_MISSING},
  {"STALE_COOKIE_ERROR", 3, 4, {{"staleness", 0, 4, 0, 0}}, PT_NONE},
  {"OUT_OF_RESOURCES", 4, 0, {{0}}, PT_NONE},
  {"OUT_OF_RESOURCE", 4, 0, {{0}}, PT_NONE}, /* nplab's spelling */
  {"UNRESOLVABLE_ADDRESS", 5, 0, {{0}}, PT_PARAM1},
  {"UNRECOGNIZED_CHUNK_TYPE", 6, 0, {{0}}, PT_CHUNK},
  {"INVALID_MANDATORY_PARAMETER", 7, 0, {{0}}, PT_NONE},
  {"UNRECOGNIZED_PARAMETERS", 8, 0, {{0}}, PT_PARAMS},
  {"NO_USER_DATA", 9, 4, {{"tsn", 0, 4, M_ACK, 0}}, PT_NONE},
  {"COOKIE_RECEIVED_WHILE_SHUTDOWN", 10, 0, {{0}}, PT_NONE},
  {"RESTART_WITH_NEW_ADDRESSES", 11, 0, {{0}}, PT_LIST},
  {"USER_INITIATED_ABORT", 12, 0, {{0}}, PT_INFO},
  {"PROTOCOL_VIOLATION", 13, 0, {{0}}, PT_INFO},
  {"CAUSE", -1, 0, {{0}}, PT_GENERIC},
};

#define NCHUNKS (sizeof(chunks) / sizeof(chunks[0]))
#define NPARAMS (sizeof(params) / sizeof(params[0]))
#define NCAUSES (sizeof(causes) / sizeof(causes[0]))

/* address type names in SUPPORTED_ADDRESS_TYPES */
static const struct {
  const char *name;
  int type;
} addr_types[] = {{"IPv4", 5}, {"IPv6", 6}, {"HOSTNAME", 11}};

typedef struct ctx {
  symmap *m;
  char *err;
  size_t errlen;
  int failed;
  int inbound;
  char where[256]; /* "chunk 2 (SACK)" */
} ctx;

static void fail(ctx *c, const char *fmt, ...) {
  va_list ap;
  int n;

  if (c->failed) {
    return;
  }
  c->failed = 1;
  n = snprintf(c->err, c->errlen, "%s%s", c->where, c->where[0] ? ": " : "");
  if (n < 0 || (size_t)n >= c->errlen) {
    return;
  }
  va_start(ap, fmt);
  vsnprintf(c->err + n, c->errlen - (size_t)n, fmt, ap);
  va_end(ap);
}

static void put16(uint8_t *p, uint32_t v) {
  p[0] = (uint8_t)(v >> 8);
  p[1] = (uint8_t)v;
}
static void put32(uint8_t *p, uint32_t v) {
  p[0] = (uint8_t)(v >> 24);
  p[1] = (uint8_t)(v >> 16);
  p[2] = (uint8_t)(v >> 8);
  p[3] = (uint8_t)v;
}
static uint32_t get16(const uint8_t *p) {
  return (uint32_t)p[0] << 8 | p[1];
}
static uint32_t get32(const uint8_t *p) {
  return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 |
         p[3];
}
static uint32_t getn(const uint8_t *p, int size) {
  return size == 1 ? p[0] : size == 2 ? get16(p) : get32(p);
}
static void putn(uint8_t *p, int size, uint32_t v) {
  if (size == 1) {
    p[0] = (uint8_t)v;
  } else if (size == 2) {
    put16(p, v);
  } else {
    put32(p, v);
  }
}

static const cdesc *chunk_by_name(const char *n) {
  size_t i;
  for (i = 0; i < NCHUNKS; ++i) {
    if (strcmp(chunks[i].name, n) == 0) {
      return &chunks[i];
    }
  }
  return NULL;
}
static const cdesc *chunk_by_type(int t) {
  size_t i;
  for (i = 0; i < NCHUNKS; ++i) {
    if (chunks[i].type == t) {
      return &chunks[i];
    }
  }
  return NULL;
}
static const pdesc *tlv_by_name(const pdesc *tab, size_t n, const char *name) {
  size_t i;
  for (i = 0; i < n; ++i) {
    if (strcmp(tab[i].name, name) == 0) {
      return &tab[i];
    }
  }
  return NULL;
}
static const pdesc *tlv_by_type(const pdesc *tab, size_t n, int t) {
  size_t i;
  for (i = 0; i < n; ++i) {
    if (tab[i].type == t) {
      return &tab[i];
    }
  }
  return NULL;
}

/* `...`, an omitted value, or a list that is just `[...]` */
static int is_ellipsis(const val *v) {
  return v == NULL || v->kind == V_ELLIPSIS ||
         (v->kind == V_LIST && v->n == 1 && v->items[0]->kind == V_ELLIPSIS);
}

/* A number from a script value: numbers, symbolic constants known here,
 * and a|b. */
static int num_of(ctx *c, const val *v, uint32_t *out, const char *flags) {
  size_t i;

  if (v->kind == V_NUM) {
    if (v->neg || v->num > 0xffffffffULL) {
      fail(c, "value %s%s out of range", v->neg ? "-" : "", v->text);
      return -1;
    }
    *out = (uint32_t)v->num;
    return 0;
  }
  if (v->kind == V_OR) {
    uint32_t acc = 0, x;
    for (i = 0; i < v->n; ++i) {
      if (num_of(c, v->items[i], &x, flags) != 0) {
        return -1;
      }
      acc |= x;
    }
    *out = acc;
    return 0;
  }
  if (v->kind == V_IDENT) {
    const char *s = v->text;
    const cdesc *cd;
    for (i = 0; i < sizeof(addr_types) / sizeof(addr_types[0]); ++i) {
      if (strcmp(s, addr_types[i].name) == 0) {
        *out = (uint32_t)addr_types[i].type;
        return 0;
      }
    }
    cd = chunk_by_name(s);
    if (cd != NULL && cd->type >= 0) {
      *out = (uint32_t)cd->type;
      return 0;
    }
    if (flags != NULL && flags[0] != '\0') {
      uint32_t acc = 0;
      for (; *s != '\0'; ++s) {
        const char *q = strchr(flags, *s);
        if (q == NULL) {
          fail(c, "unknown flag '%c' (this chunk has: %s)", *s, flags);
          return -1;
        }
        acc |= 1u << (q - flags);
      }
      *out = acc;
      return 0;
    }
    fail(c, "unknown symbol '%s'", v->text);
    return -1;
  }
  {
    char t[256] = "";
    val_format(v, t, sizeof(t));
    fail(c, "expected a number, found '%s'", t);
  }
  return -1;
}

/* Bytes from val=[0x01, ...] or "string".  Returns the count or -1. */
static int bytes_of(ctx *c, const val *v, uint8_t *out, size_t cap) {
  size_t i;

  if (v->kind == V_STR) {
    size_t n = strlen(v->text);
    if (n > cap) {
      fail(c, "string too long");
      return -1;
    }
    memcpy(out, v->text, n);
    return (int)n;
  }
  if (v->kind != V_LIST) {
    fail(c, "expected bytes [0x.., ...] or a \"string\"");
    return -1;
  }
  if (v->n > cap) {
    fail(c, "too many bytes");
    return -1;
  }
  for (i = 0; i < v->n; ++i) {
    uint32_t b;
    if (num_of(c, v->items[i], &b, NULL) != 0) {
      return -1;
    }
    if (b > 255) {
      fail(c, "byte value %u out of range", b);
      return -1;
    }
    out[i] = (uint8_t)b;
  }
  return (int)v->n;
}

/* Checks that every field given in |node| is one the row knows. */
static int check_fields(ctx *c, const val *node, const char *const *extra,
                        const fdesc *f, int nf) {
  size_t i;
  int k;

  for (i = 0; i < node->n; ++i) {
    const val *it = node->items[i];
    int ok = 0;
    if (it->kind != V_FIELD) {
      continue;
    }
    for (k = 0; k < nf && f[k].name != NULL; ++k) {
      if (strcmp(f[k].name, it->text) == 0) {
        ok = 1;
      }
    }
    for (k = 0; extra != NULL && extra[k] != NULL; ++k) {
      if (strcmp(extra[k], it->text) == 0) {
        ok = 1;
      }
    }
    if (!ok) {
      fail(c, "unsupported: field '%s' in %s", it->text, node->text);
      return -1;
    }
  }
  return 0;
}

/* ===================== building (inbound) ===================== */

static int build_chunk(ctx *c, const val *node, uint8_t *buf, size_t cap);

static int build_tlv(ctx *c, const val *node, const pdesc *tab, size_t ntab,
                     uint8_t *buf, size_t cap, int *ppad);

/* Builds a list of TLVs (the non-field items of |node| from |from|, or
 * the items of a V_LIST).  Returns bytes written (padded except the last)
 * or -1. */
static int build_tlvs(ctx *c, const val *list, size_t from, const pdesc *tab,
                      size_t ntab, uint8_t *buf, size_t cap, int *plastpad) {
  size_t i, off = 0;
  int pad = 0;

  for (i = from; i < list->n; ++i) {
    const val *it = list->items[i];
    int n;
    if (it->kind == V_FIELD) {
      continue;
    }
    if (it->kind == V_ELLIPSIS) {
      continue; /* "more allowed": nothing to send */
    }
    if (it->kind != V_NAMED) {
      fail(c, "expected a parameter or cause NAME[...]");
      return -1;
    }
    n = build_tlv(c, it, tab, ntab, buf + off, cap - off, &pad);
    if (n < 0) {
      return -1;
    }
    off += (size_t)n;
  }
  *plastpad = pad;
  return (int)off;
}

static int fill_field(ctx *c, const fdesc *f, const val *node, uint8_t *p) {
  const val *v = val_field(node, f->name);
  uint32_t x = f->def;

  if (!is_ellipsis(v)) {
    if (num_of(c, v, &x, NULL) != 0) {
      return -1;
    }
    if (f->map == M_ACK && c->m->local_tsn_known) {
      x = x - c->m->local_tsn_script + c->m->local_tsn_live;
    }
  }
  putn(p, f->size, x);
  return 0;
}

static int build_tlv(ctx *c, const val *node, const pdesc *tab, size_t ntab,
                     uint8_t *buf, size_t cap, int *ppad) {
  const pdesc *d = tlv_by_name(tab, ntab, node->text);
  size_t len = 4, i;
  int k, type;
  const val *lenv = NULL;
  static const char *const ex_val[] = {"len", "val", NULL};
  static const char *const ex_addr[] = {"addr", NULL};
  static const char *const ex_types[] = {"types", NULL};
  static const char *const ex_params[] = {"params", NULL};
  static const char *const ex_list[] = {"list", NULL};
  static const char *const ex_param[] = {"param", NULL};
  static const char *const ex_chk[] = {"chk", NULL};
  static const char *const ex_info[] = {"info", NULL};
  static const char *const ex_gen[] = {"type", "code", "len",
                                       "val",  "info", NULL};
  const char *const *extra = NULL;

  if (d == NULL) {
    fail(c, "unsupported: %s %s", tab == params ? "parameter" : "cause",
         node->text);
    return -1;
  }
  if (d->tail == PT_UNSUP) {
    fail(c, "unsupported: %s %s", tab == params ? "parameter" : "cause",
         node->text);
    return -1;
  }
  switch (d->tail) {
  case PT_VAL:
    extra = ex_val;
    break;
  case PT_ADDR4:
  case PT_ADDR6:
  case PT_HOST:
    extra = ex_addr;
    break;
  case PT_U16LIST:
  case PT_U8LIST:
  case PT_MISSING:
    extra = ex_types;
    break;
  case PT_PARAMS:
    extra = ex_params;
    break;
  case PT_LIST:
    extra = ex_list;
    break;
  case PT_PARAM1:
    extra = ex_param;
    break;
  case PT_CHUNK:
    extra = ex_chk;
    break;
  case PT_INFO:
    extra = ex_info;
    break;
  case PT_GENERIC:
    extra = ex_gen;
    break;
  default:
    break;
  }
  if (check_fields(c, node, extra, d->f, 2) != 0) {
    return -1;
  }
  if (cap < 4 + (size_t)d->fixed) {
    fail(c, "packet too large");
    return -1;
  }
  type = d->type;
  memset(buf, 0, 4 + (size_t)d->fixed);
  for (k = 0; k < 2 && d->f[k].name != NULL; ++k) {
    if (fill_field(c, &d->f[k], node, buf + 4 + d->f[k].off) != 0) {
      return -1;
    }
  }
  len += d->fixed;
  switch (d->tail) {
  case PT_NONE:
    break;
  case PT_GENERIC:
  case PT_VAL:
  case PT_INFO: {
    const val *v = val_field(node, d->tail == PT_INFO ? "info" : "val");
    const val *t = val_field(node, tab == params ? "type" : "code");
    uint32_t x;
    if (d->tail == PT_GENERIC) {
      if (v == NULL) {
        v = val_field(node, tab == params ? "val" : "info");
      }
      if (is_ellipsis(t)) {
        fail(c, "%s needs %s=", node->text, tab == params ? "type" : "code");
        return -1;
      }
      if (num_of(c, t, &x, NULL) != 0) {
        return -1;
      }
      type = (int)x;
    }
    lenv = val_field(node, "len");
    if (!is_ellipsis(v)) {
      int n = bytes_of(c, v, buf + len, cap - len);
      if (n < 0) {
        return -1;
      }
      len += (size_t)n;
    } else if (d->type == 1 && c->m->has_hbinfo && tab == params) {
      /* HEARTBEAT_INFORMATION[val=...]: echo what the stack sent */
      if (cap - len < c->m->hbinfolen) {
        fail(c, "packet too large");
        return -1;
      }
      memcpy(buf + len, c->m->hbinfo, c->m->hbinfolen);
      len += c->m->hbinfolen;
    } else if (!is_ellipsis(lenv)) {
      uint32_t l;
      if (num_of(c, lenv, &l, NULL) != 0) {
        return -1;
      }
      if (l < 4 || l - 4 > cap - len) {
        fail(c, "len=%u impossible", l);
        return -1;
      }
      for (i = 0; i < l - 4; ++i) {
        buf[len + i] = (uint8_t)(0xa0 + i);
      }
      len = l;
    } else if (d->type == 7 && tab == params) {
      /* STATE_COOKIE[len=..., val=...]: a cookie of our own */
      memcpy(buf + len, "drill-cookie-123", 16);
      len += 16;
    } else if (d->type == 1 && tab == params) {
      memcpy(buf + len, "drill-hb", 8);
      len += 8;
    }
    break;
  }
  case PT_ADDR4:
  case PT_ADDR6: {
    const val *v = val_field(node, "addr");
    int af = d->tail == PT_ADDR4 ? AF_INET : AF_INET6;
    size_t sz = af == AF_INET ? 4 : 16;
    if (cap - len < sz) {
      fail(c, "packet too large");
      return -1;
    }
    if (is_ellipsis(v)) {
      const char *def = af == AF_INET ? "192.0.2.1" : "2001:db8::1";
      inet_pton(af, def, buf + len);
    } else if ((v->kind != V_ADDR && v->kind != V_STR) ||
               inet_pton(af, v->text, buf + len) != 1) {
      fail(c, "bad address in %s", node->text);
      return -1;
    }
    len += sz;
    break;
  }
  case PT_HOST: {
    const val *v = val_field(node, "addr");
    size_t n;
    if (v == NULL || v->kind != V_STR) {
      fail(c, "HOSTNAME_ADDRESS needs addr=\"name\"");
      return -1;
    }
    n = strlen(v->text) + 1;
    if (cap - len < n) {
      fail(c, "packet too large");
      return -1;
    }
    memcpy(buf + len, v->text, n);
    len += n;
    break;
  }
  case PT_U16LIST:
  case PT_U8LIST:
  case PT_MISSING: {
    const val *v = val_field(node, "types");
    size_t w = d->tail == PT_U8LIST ? 1 : 2;
    size_t start = len;
    if (d->tail == PT_MISSING) {
      len += 4;
    }
    if (v != NULL && v->kind == V_LIST) {
      for (i = 0; i < v->n; ++i) {
        uint32_t x;
        if (v->items[i]->kind == V_ELLIPSIS) {
          continue;
        }
        if (num_of(c, v->items[i], &x, NULL) != 0) {
          return -1;
        }
        if (cap - len < w) {
          fail(c, "packet too large");
          return -1;
        }
        putn(buf + len, (int)w, x);
        len += w;
      }
    } else if (!is_ellipsis(v)) {
      fail(c, "types= must be a list");
      return -1;
    }
    if (d->tail == PT_MISSING) {
      put32(buf + start, (uint32_t)((len - start - 4) / 2));
    }
    break;
  }
  case PT_PARAMS:
  case PT_LIST: {
    const val *v = val_field(node, d->tail == PT_PARAMS ? "params" : "list");
    int pad, n;
    if (v != NULL && v->kind == V_LIST) {
      n = build_tlvs(c, v, 0, params, NPARAMS, buf + len, cap - len, &pad);
      if (n < 0) {
        return -1;
      }
      len += (size_t)n;
    } else if (!is_ellipsis(v)) {
      fail(c, "expected a list of parameters");
      return -1;
    }
    break;
  }
  case PT_PARAM1: {
    const val *v = val_field(node, "param");
    int pad, n;
    if (v != NULL && v->kind == V_NAMED) {
      n = build_tlv(c, v, params, NPARAMS, buf + len, cap - len, &pad);
      if (n < 0) {
        return -1;
      }
      len += (size_t)n - (size_t)pad;
    }
    break;
  }
  case PT_CHUNK: {
    const val *v = val_field(node, "chk");
    int n;
    if (v != NULL && v->kind == V_NAMED) {
      n = build_chunk(c, v, buf + len, cap - len);
      if (n < 0) {
        return -1;
      }
      len += (size_t)n;
    }
    break;
  }
  default:
    fail(c, "unsupported: %s", node->text);
    return -1;
  }
  buf[0] = (uint8_t)(type >> 8);
  buf[1] = (uint8_t)type;
  lenv = val_field(node, "len");
  if (!is_ellipsis(lenv) && (d->tail == PT_VAL || d->tail == PT_GENERIC)) {
    uint32_t l;
    if (num_of(c, lenv, &l, NULL) != 0) {
      return -1;
    }
    put16(buf + 2, l); /* as written, even if it disagrees */
  } else {
    put16(buf + 2, (uint32_t)len);
  }
  *ppad = (int)((4 - len % 4) % 4);
  if (cap - len < (size_t)*ppad) {
    fail(c, "packet too large");
    return -1;
  }
  memset(buf + len, 0, (size_t)*ppad);
  return (int)len + *ppad;
}

static int build_chunk(ctx *c, const val *node, uint8_t *buf, size_t cap) {
  const cdesc *d = chunk_by_name(node->text);
  size_t len, i;
  int k, type, lastpad = 0;
  uint32_t flags = 0;
  const val *fv, *lenv;
  static const char *const ex_flags[] = {"flgs", NULL};
  static const char *const ex_val[] = {"flgs", "len", "val", NULL};
  static const char *const ex_data[] = {"flgs", "len", NULL};
  static const char *const ex_sack[] = {"flgs", "gaps", "dups", NULL};
  static const char *const ex_fwd[] = {"flgs", "ids", NULL};
  static const char *const ex_gen[] = {"type", "flgs", "len", "val", NULL};
  const char *const *extra = ex_flags;

  if (d == NULL || d->tail == TL_UNSUP) {
    fail(c, "unsupported: chunk %s", node->text);
    return -1;
  }
  if (d->tail == TL_VAL) {
    extra = ex_val;
  } else if (d->tail == TL_DATA) {
    extra = ex_data;
  } else if (d->tail == TL_SACK) {
    extra = ex_sack;
  } else if (d->tail == TL_FWDTSN) {
    extra = ex_fwd;
  } else if (d->tail == TL_GENERIC) {
    extra = ex_gen;
  }
  if (check_fields(c, node, extra, d->f, 6) != 0) {
    return -1;
  }
  if (cap < 4 + (size_t)d->fixed + 64) {
    fail(c, "packet too large");
    return -1;
  }
  memset(buf, 0, 4 + (size_t)d->fixed);
  type = d->type;
  fv = val_field(node, "flgs");
  if (!is_ellipsis(fv) && num_of(c, fv, &flags, d->flags) != 0) {
    return -1;
  }
  if (d->tail == TL_DATA && is_ellipsis(fv)) {
    flags = 3; /* B|E: a whole message */
  }
  for (k = 0; k < 6 && d->f[k].name != NULL; ++k) {
    const fdesc *f = &d->f[k];
    if (f->map == M_TAG || f->map == M_ITSN) {
      /* the script's own Initiate Tag / initial TSN: as written */
      const val *v = val_field(node, f->name);
      uint32_t x = f->def;
      if (!is_ellipsis(v) && num_of(c, v, &x, NULL) != 0) {
        return -1;
      }
      put32(buf + 4 + f->off, x);
      if (f->map == M_TAG) {
        c->m->peer_tag_known = 1;
        c->m->peer_tag = x;
      }
      continue;
    }
    if (d->type == 64 && strcmp(f->name, "fsn") == 0 &&
        val_field(node, "fsn") == NULL) {
      continue; /* I_DATA: ppid and fsn share the field */
    }
    if (d->type == 64 && strcmp(f->name, "ppid") == 0 &&
        val_field(node, "ppid") == NULL) {
      continue;
    }
    if (fill_field(c, f, node, buf + 4 + f->off) != 0) {
      return -1;
    }
  }
  len = 4 + d->fixed;
  lenv = val_field(node, "len");
  switch (d->tail) {
  case TL_NONE:
    break;
  case TL_PARAMS:
  case TL_CAUSES: {
    int n = build_tlvs(c, node, 0, d->tail == TL_PARAMS ? params : causes,
                       d->tail == TL_PARAMS ? NPARAMS : NCAUSES, buf + len,
                       cap - len, &lastpad);
    if (n < 0) {
      return -1;
    }
    len += (size_t)n;
    break;
  }
  case TL_GENERIC:
  case TL_VAL: {
    const val *v = val_field(node, "val");
    if (d->tail == TL_GENERIC) {
      const val *t = val_field(node, "type");
      uint32_t x;
      if (is_ellipsis(t)) {
        fail(c, "CHUNK needs type=");
        return -1;
      }
      if (num_of(c, t, &x, NULL) != 0) {
        return -1;
      }
      type = (int)x;
    }
    if (!is_ellipsis(v)) {
      int n = bytes_of(c, v, buf + len, cap - len);
      if (n < 0) {
        return -1;
      }
      len += (size_t)n;
    } else if (d->type == 10 && c->m->has_cookie &&
               cap - len >= c->m->cookielen) {
      memcpy(buf + len, c->m->cookie, c->m->cookielen);
      len += c->m->cookielen;
    } else if (d->type == 10 && is_ellipsis(lenv)) {
      fail(c, "no cookie to fill in: the stack has sent no INIT_ACK with a "
              "STATE_COOKIE");
      return -1;
    } else if (!is_ellipsis(lenv)) {
      uint32_t l;
      if (num_of(c, lenv, &l, NULL) != 0) {
        return -1;
      }
      if (l < len || l - len > cap - len) {
        fail(c, "len=%u impossible", l);
        return -1;
      }
      memset(buf + len, 0, l - len);
      len = l;
    }
    break;
  }
  case TL_DATA: {
    uint32_t l = (uint32_t)len + 4;
    if (!is_ellipsis(lenv) && num_of(c, lenv, &l, NULL) != 0) {
      return -1;
    }
    if (l > len && l - len <= cap - len) {
      for (i = 0; i < l - len; ++i) {
        buf[len + i] = (uint8_t)('a' + i % 26);
      }
      len = l;
    }
    break;
  }
  case TL_SACK: {
    const val *g = val_field(node, "gaps"), *u = val_field(node, "dups");
    size_t ng = 0, nd = 0;
    len += 4;
    if (!is_ellipsis(g) && g->kind == V_LIST) {
      for (i = 0; i < g->n; ++i) {
        const val *p = g->items[i];
        uint32_t a, b;
        if (p->kind != V_PAIR || num_of(c, p->items[0], &a, NULL) != 0 ||
            num_of(c, p->items[1], &b, NULL) != 0) {
          fail(c, "gaps= takes start:end pairs");
          return -1;
        }
        if (cap - len < 4) {
          fail(c, "packet too large");
          return -1;
        }
        put16(buf + len, a);
        put16(buf + len + 2, b);
        len += 4;
        ng++;
      }
    }
    if (!is_ellipsis(u) && u->kind == V_LIST) {
      for (i = 0; i < u->n; ++i) {
        uint32_t a;
        if (num_of(c, u->items[i], &a, NULL) != 0) {
          return -1;
        }
        if (c->m->local_tsn_known) {
          a = a - c->m->local_tsn_script + c->m->local_tsn_live;
        }
        if (cap - len < 4) {
          fail(c, "packet too large");
          return -1;
        }
        put32(buf + len, a);
        len += 4;
        nd++;
      }
    }
    put16(buf + 4 + 8, (uint32_t)ng);
    put16(buf + 4 + 10, (uint32_t)nd);
    break;
  }
  case TL_FWDTSN: {
    const val *ids = val_field(node, "ids");
    if (!is_ellipsis(ids) && ids->kind == V_LIST) {
      for (i = 0; i < ids->n; ++i) {
        const val *p = ids->items[i];
        uint32_t a, b;
        if (p->kind != V_STRUCT || p->n != 2 ||
            num_of(c, p->items[0], &a, NULL) != 0 ||
            num_of(c, p->items[1], &b, NULL) != 0) {
          fail(c, "ids= takes {sid, ssn} pairs");
          return -1;
        }
        if (cap - len < 4) {
          fail(c, "packet too large");
          return -1;
        }
        put16(buf + len, a);
        put16(buf + len + 2, b);
        len += 4;
      }
    }
    break;
  }
  default:
    fail(c, "unsupported: chunk %s", node->text);
    return -1;
  }
  buf[0] = (uint8_t)type;
  buf[1] = (uint8_t)flags;
  if (!is_ellipsis(lenv) &&
      (d->tail == TL_VAL || d->tail == TL_GENERIC || d->tail == TL_DATA)) {
    uint32_t l;
    if (num_of(c, lenv, &l, NULL) != 0) {
      return -1;
    }
    put16(buf + 2, l);
  } else {
    put16(buf + 2, (uint32_t)(len - (size_t)lastpad));
  }
  while (len % 4 != 0) {
    if (len >= cap) {
      fail(c, "packet too large");
      return -1;
    }
    buf[len++] = 0;
  }
  return (int)len;
}

static int opt_tag(ctx *c, const val *opts, int *phas, uint32_t *ptag,
                   int *pbadcrc, int *pzero) {
  size_t i;

  *phas = 0;
  *pbadcrc = 0;
  *pzero = 0;
  for (i = 0; opts != NULL && i < opts->n; ++i) {
    const val *o = opts->items[i];
    if (o->kind == V_FIELD && strcmp(o->text, "tag") == 0) {
      if (is_ellipsis(o->items[0])) {
        continue;
      }
      if (num_of(c, o->items[0], ptag, NULL) != 0) {
        return -1;
      }
      *phas = 1;
    } else if (o->kind == V_IDENT && strcmp(o->text, "bad_crc32c") == 0) {
      *pbadcrc = 1;
    } else if (o->kind == V_IDENT && strcmp(o->text, "zero_checksum") == 0) {
      *pzero = 1;
    } else {
      char t[128] = "";
      val_format(o, t, sizeof(t));
      fail(c, "unsupported: sctp header option '%s'", t);
      return -1;
    }
  }
  return 0;
}

int wire_build(const event *ev, symmap *m, uint8_t *buf, size_t cap, char *err,
               size_t errlen) {
  ctx c;
  size_t len = 12, i;
  int has_tag, badcrc, zero;
  uint32_t tag = 0, crc;

  memset(&c, 0, sizeof(c));
  c.m = m;
  c.err = err;
  c.errlen = errlen;
  c.inbound = 1;
  err[0] = '\0';
  if (ev->has_addrs) {
    fail(&c, "unsupported: explicit addresses in a packet line");
    return -1;
  }
  if (opt_tag(&c, ev->opts, &has_tag, &tag, &badcrc, &zero) != 0) {
    return -1;
  }
  if (cap < 12) {
    return -1;
  }
  if (ev->raw != NULL) {
    int n;
    snprintf(c.where, sizeof(c.where), "raw chunk bytes");
    n = bytes_of(&c, ev->raw, buf + 12, cap - 12);
    if (n < 0) {
      return -1;
    }
    len += (size_t)n;
  } else {
    for (i = 0; i < ev->chunks->n; ++i) {
      const val *ch = ev->chunks->items[i];
      int n;
      if (ch->kind == V_ELLIPSIS) {
        fail(&c, "'...' as a chunk is only allowed in outbound packets");
        return -1;
      }
      snprintf(c.where, sizeof(c.where), "chunk %zu (%s)", i + 1, ch->text);
      n = build_chunk(&c, ch, buf + len, cap - len);
      if (n < 0) {
        return -1;
      }
      len += (size_t)n;
    }
  }
  c.where[0] = '\0';
  if (!has_tag) {
    if (ev->chunks != NULL && ev->chunks->n > 0 &&
        strcmp(ev->chunks->items[0]->text, "INIT") == 0) {
      tag = 0;
    } else if (len >= 16 && (buf[12] == 6 || buf[12] == 14) && (buf[13] & 1) &&
               m->peer_tag_known) {
      /* ABORT / SHUTDOWN-COMPLETE with the T bit: the sender's own tag */
      tag = m->peer_tag;
    } else {
      tag = m->local_tag_known ? m->local_tag_live : 0;
    }
  } else if (m->local_tag_known && tag == m->local_tag_script) {
    tag = m->local_tag_live;
  }
  put16(buf, m->remote_port);
  put16(buf + 2, m->local_port);
  put32(buf + 4, tag);
  memset(buf + 8, 0, 4);
  m->last_in_vtag = tag;
  if (!zero) {
    crc = usrsctp_crc32c(buf, len);
    if (badcrc) {
      crc ^= 0x5a5a5a5a;
    }
    memcpy(buf + 8, &crc, 4);
  }
  return (int)len;
}

/* ===================== matching (outbound) ===================== */

static int match_chunk(ctx *c, const val *node, const uint8_t *p, size_t clen);

/* compare one scripted number with an actual one */
static int cmp_num(ctx *c, const char *what, const val *v, uint32_t actual,
                   const char *flags) {
  uint32_t want;

  if (is_ellipsis(v)) {
    return 0;
  }
  if (num_of(c, v, &want, flags) != 0) {
    return -1;
  }
  if (want != actual) {
    fail(c, "%s: expected %u (0x%x), actual %u (0x%x)", what, want, want,
         actual, actual);
    return -1;
  }
  return 0;
}

static int match_fields(ctx *c, const val *node, const fdesc *f, int nf,
                        const uint8_t *body, size_t bodylen, int type) {
  int k;

  for (k = 0; k < nf && f[k].name != NULL; ++k) {
    const val *v = val_field(node, f[k].name);
    uint32_t a;
    if ((size_t)f[k].off + f[k].size > bodylen) {
      fail(c, "too short for field %s", f[k].name);
      return -1;
    }
    a = getn(body + f[k].off, f[k].size);
    if (f[k].map == M_TAG) {
      uint32_t want = a;
      if (!is_ellipsis(v) && num_of(c, v, &want, NULL) != 0) {
        return -1;
      }
      c->m->local_tag_known = 1;
      c->m->local_tag_script = want;
      c->m->local_tag_live = a;
      continue;
    }
    if (f[k].map == M_ITSN) {
      uint32_t want = a;
      if (!is_ellipsis(v) && num_of(c, v, &want, NULL) != 0) {
        return -1;
      }
      c->m->local_tsn_known = 1;
      c->m->local_tsn_script = want;
      c->m->local_tsn_live = a;
      continue;
    }
    if (f[k].map == M_OWN && c->m->local_tsn_known) {
      a = a - c->m->local_tsn_live + c->m->local_tsn_script;
    }
    (void)type;
    if (cmp_num(c, f[k].name, v, a, NULL) != 0) {
      return -1;
    }
  }
  return 0;
}

static int cmp_bytes(ctx *c, const char *what, const val *v, const uint8_t *a,
                     size_t alen) {
  uint8_t want[4096];
  int n;

  if (is_ellipsis(v)) {
    return 0;
  }
  n = bytes_of(c, v, want, sizeof(want));
  if (n < 0) {
    return -1;
  }
  if (v->kind == V_STR) {
    /* strings: compare without trailing NULs */
    while (alen > 0 && a[alen - 1] == 0) {
      alen--;
    }
  }
  if ((size_t)n != alen || memcmp(want, a, alen) != 0) {
    fail(c, "%s: expected %d bytes, actual %zu bytes differ", what, n, alen);
    return -1;
  }
  return 0;
}

static int match_tlv(ctx *c, const val *node, const pdesc *tab, size_t ntab,
                     const uint8_t *p, size_t tlen);

/* Matches the items (non-field, from a list or a node) against the TLVs
 * in |p|. With a `...` item, scripted TLVs must appear in this order
 * among the actual ones (others allowed); without, one-to-one. */
static int match_tlvs(ctx *c, const val *list, const pdesc *tab, size_t ntab,
                      const uint8_t *p, size_t plen) {
  const uint8_t *tl[64];
  size_t tlens[64], nt = 0, i, j, off = 0;
  int loose = 0;
  size_t nscript = 0;

  while (off + 4 <= plen && nt < 64) {
    size_t l = get16(p + off + 2);
    if (l < 4 || off + l > plen) {
      fail(c, "malformed parameter/cause at offset %zu (length %zu)", off, l);
      return -1;
    }
    tl[nt] = p + off;
    tlens[nt] = l;
    nt++;
    off += (l + 3) & ~(size_t)3;
  }
  for (i = 0; i < list->n; ++i) {
    if (list->items[i]->kind == V_ELLIPSIS) {
      loose = 1;
    } else if (list->items[i]->kind == V_NAMED) {
      nscript++;
    }
  }
  j = 0;
  for (i = 0; i < list->n; ++i) {
    const val *it = list->items[i];
    if (it->kind != V_NAMED) {
      continue;
    }
    if (!loose) {
      if (j >= nt) {
        fail(c,
             "expected %s, but the chunk has only %zu "
             "parameters/causes",
             it->text, nt);
        return -1;
      }
      if (match_tlv(c, it, tab, ntab, tl[j], tlens[j]) != 0) {
        return -1;
      }
      j++;
    } else {
      int found = 0;
      for (; j < nt; ++j) {
        ctx probe = *c;
        char perr[512];
        probe.err = perr;
        probe.errlen = sizeof(perr);
        if (match_tlv(&probe, it, tab, ntab, tl[j], tlens[j]) == 0) {
          /* re-run for side effects (learning) */
          (void)match_tlv(c, it, tab, ntab, tl[j], tlens[j]);
          found = 1;
          j++;
          break;
        }
      }
      if (!found) {
        fail(c, "expected %s, not present (in that order)", it->text);
        return -1;
      }
    }
  }
  if (!loose && nt != nscript) {
    const pdesc *d = tlv_by_type(tab, ntab, (int)get16(tl[nscript]));
    fail(c,
         "unexpected extra %s %s (type 0x%04x); add ', ...' to allow "
         "more",
         tab == params ? "parameter" : "cause", d ? d->name : "?",
         get16(tl[nscript]));
    return -1;
  }
  return 0;
}

static int match_tlv(ctx *c, const val *node, const pdesc *tab, size_t ntab,
                     const uint8_t *p, size_t tlen) {
  const pdesc *d = tlv_by_name(tab, ntab, node->text);
  uint32_t type = get16(p);
  const uint8_t *body = p + 4;
  size_t blen = tlen - 4;
  char saved[256];

  if (d == NULL || d->tail == PT_UNSUP) {
    fail(c, "unsupported: %s %s", tab == params ? "parameter" : "cause",
         node->text);
    return -1;
  }
  snprintf(saved, sizeof(saved), "%s", c->where);
  {
    size_t n = strlen(c->where);
    snprintf(c->where + n, sizeof(c->where) - n, "%s%s", n ? ": " : "",
             node->text);
  }
  if (d->type >= 0 && (int)type != d->type) {
    const pdesc *ad = tlv_by_type(tab, ntab, (int)type);
    fail(c, "expected %s (0x%04x), actual %s (0x%04x)", d->name,
         (unsigned)d->type, ad ? ad->name : "unknown", type);
    return -1;
  }
  if (blen < d->fixed) {
    fail(c, "too short");
    return -1;
  }
  if (match_fields(c, node, d->f, 2, body, blen, (int)type) != 0) {
    return -1;
  }
  switch (d->tail) {
  case PT_NONE:
    break;
  case PT_GENERIC:
    if (cmp_num(c, tab == params ? "type" : "code",
                val_field(node, tab == params ? "type" : "code"), type,
                NULL) != 0) {
      return -1;
    }
    /* fall through */
  case PT_VAL:
  case PT_INFO:
    if (cmp_num(c, "len", val_field(node, "len"), (uint32_t)tlen, NULL) != 0) {
      return -1;
    }
    {
      const val *v = val_field(node, d->tail == PT_INFO ? "info" : "val");
      if (d->tail == PT_GENERIC && v == NULL) {
        v = val_field(node, tab == params ? "val" : "info");
      }
      if (cmp_bytes(c, d->tail == PT_INFO ? "info" : "val", v, body, blen) !=
          0) {
        return -1;
      }
    }
    if (tab == params && d->type == 7 && blen <= sizeof(c->m->cookie)) {
      memcpy(c->m->cookie, body, blen);
      c->m->cookielen = blen;
      c->m->has_cookie = 1;
    }
    if (tab == params && d->type == 1 && blen <= sizeof(c->m->hbinfo)) {
      memcpy(c->m->hbinfo, body, blen);
      c->m->hbinfolen = blen;
      c->m->has_hbinfo = 1;
    }
    break;
  case PT_ADDR4:
  case PT_ADDR6: {
    const val *v = val_field(node, "addr");
    int af = d->tail == PT_ADDR4 ? AF_INET : AF_INET6;
    uint8_t want[16];
    size_t sz = af == AF_INET ? 4 : 16;
    if (blen < sz) {
      fail(c, "too short");
      return -1;
    }
    if (!is_ellipsis(v)) {
      if (inet_pton(af, v->text, want) != 1) {
        fail(c, "bad address '%s'", v->text);
        return -1;
      }
      if (memcmp(want, body, sz) != 0) {
        char a[64];
        inet_ntop(af, body, a, sizeof(a));
        fail(c, "addr: expected %s, actual %s", v->text, a);
        return -1;
      }
    }
    break;
  }
  case PT_HOST:
    if (cmp_bytes(c, "addr", val_field(node, "addr"), body, blen) != 0) {
      return -1;
    }
    break;
  case PT_U16LIST:
  case PT_U8LIST:
  case PT_MISSING: {
    const val *v = val_field(node, "types");
    size_t w = d->tail == PT_U8LIST ? 1 : 2, i, off = 0, n;
    if (d->tail == PT_MISSING) {
      off = 4;
    }
    if (is_ellipsis(v)) {
      break;
    }
    if (v->kind != V_LIST) {
      fail(c, "types= must be a list");
      return -1;
    }
    n = (blen - off) / w;
    if (v->n != n) {
      fail(c, "types: expected %zu entries, actual %zu", v->n, n);
      return -1;
    }
    for (i = 0; i < n; ++i) {
      if (cmp_num(c, "types", v->items[i], getn(body + off + i * w, (int)w),
                  NULL) != 0) {
        return -1;
      }
    }
    break;
  }
  case PT_PARAMS:
  case PT_LIST: {
    const val *v = val_field(node, d->tail == PT_PARAMS ? "params" : "list");
    if (!is_ellipsis(v)) {
      if (v->kind != V_LIST) {
        fail(c, "expected a list");
        return -1;
      }
      if (match_tlvs(c, v, params, NPARAMS, body, blen) != 0) {
        return -1;
      }
    }
    break;
  }
  case PT_PARAM1: {
    const val *v = val_field(node, "param");
    if (!is_ellipsis(v)) {
      if (blen < 4 || get16(body + 2) > blen || get16(body + 2) < 4) {
        fail(c, "malformed nested parameter");
        return -1;
      }
      if (match_tlv(c, v, params, NPARAMS, body, get16(body + 2)) != 0) {
        return -1;
      }
    }
    break;
  }
  case PT_CHUNK: {
    const val *v = val_field(node, "chk");
    if (!is_ellipsis(v)) {
      if (blen < 4) {
        fail(c, "malformed nested chunk");
        return -1;
      }
      if (match_chunk(c, v, body, blen) != 0) {
        return -1;
      }
    }
    break;
  }
  default:
    fail(c, "unsupported: %s", node->text);
    return -1;
  }
  snprintf(c->where, sizeof(c->where), "%s", saved);
  return 0;
}

/* |clen| is the bytes available (the chunk's length field may say less) */
static int match_chunk(ctx *c, const val *node, const uint8_t *p,
                       size_t avail) {
  const cdesc *d = chunk_by_name(node->text);
  uint32_t type = p[0], flags = p[1], len = get16(p + 2);
  const uint8_t *body = p + 4;
  size_t blen;

  if (d == NULL || d->tail == TL_UNSUP) {
    fail(c, "unsupported: chunk %s", node->text);
    return -1;
  }
  if (len < 4 || len > avail) {
    fail(c, "malformed chunk length %u", len);
    return -1;
  }
  blen = len - 4;
  if (d->type >= 0 && (int)type != d->type) {
    const cdesc *ad = chunk_by_type((int)type);
    fail(c, "expected chunk %s, actual %s (type %u)", d->name,
         ad ? ad->name : "unknown", type);
    return -1;
  }
  if (d->tail == TL_GENERIC &&
      cmp_num(c, "type", val_field(node, "type"), type, NULL) != 0) {
    return -1;
  }
  if (cmp_num(c, "flgs", val_field(node, "flgs"), flags, d->flags) != 0) {
    return -1;
  }
  if (blen < d->fixed) {
    fail(c, "too short (%u bytes)", len);
    return -1;
  }
  if (match_fields(c, node, d->f, 6, body, blen, (int)type) != 0) {
    return -1;
  }
  switch (d->tail) {
  case TL_NONE:
    break;
  case TL_PARAMS:
  case TL_CAUSES:
    if (match_tlvs(c, node, d->tail == TL_PARAMS ? params : causes,
                   d->tail == TL_PARAMS ? NPARAMS : NCAUSES, body + d->fixed,
                   blen - d->fixed) != 0) {
      return -1;
    }
    break;
  case TL_GENERIC:
  case TL_VAL:
  case TL_DATA:
    if (cmp_num(c, "len", val_field(node, "len"), len, NULL) != 0) {
      return -1;
    }
    if (d->tail != TL_DATA &&
        cmp_bytes(c, "val", val_field(node, "val"), body + d->fixed,
                  blen - d->fixed) != 0) {
      return -1;
    }
    break;
  case TL_SACK: {
    const val *g = val_field(node, "gaps"), *u = val_field(node, "dups");
    size_t ng, nd, i;
    if (blen < 12) {
      fail(c, "too short");
      return -1;
    }
    ng = get16(body + 8);
    nd = get16(body + 10);
    if (12 + ng * 4 + nd * 4 > blen) {
      fail(c, "gap/dup counts exceed the chunk");
      return -1;
    }
    if (!is_ellipsis(g)) {
      if (g->kind != V_LIST || g->n != ng) {
        fail(c, "gaps: expected %zu blocks, actual %zu",
             g->kind == V_LIST ? g->n : 0, ng);
        return -1;
      }
      for (i = 0; i < ng; ++i) {
        const val *pr = g->items[i];
        if (pr->kind != V_PAIR) {
          fail(c, "gaps= takes start:end pairs");
          return -1;
        }
        if (cmp_num(c, "gap start", pr->items[0], get16(body + 12 + i * 4),
                    NULL) != 0 ||
            cmp_num(c, "gap end", pr->items[1], get16(body + 14 + i * 4),
                    NULL) != 0) {
          return -1;
        }
      }
    }
    if (!is_ellipsis(u)) {
      if (u->kind != V_LIST || u->n != nd) {
        fail(c, "dups: expected %zu, actual %zu", u->kind == V_LIST ? u->n : 0,
             nd);
        return -1;
      }
      for (i = 0; i < nd; ++i) {
        if (cmp_num(c, "dup", u->items[i], get32(body + 12 + ng * 4 + i * 4),
                    NULL) != 0) {
          return -1;
        }
      }
    }
    break;
  }
  case TL_FWDTSN: {
    const val *ids = val_field(node, "ids");
    size_t n = (blen - 4) / 4, i;
    if (!is_ellipsis(ids)) {
      if (ids->kind != V_LIST || ids->n != n) {
        fail(c, "ids: expected %zu entries, actual %zu",
             ids->kind == V_LIST ? ids->n : 0, n);
        return -1;
      }
      for (i = 0; i < n; ++i) {
        const val *pr = ids->items[i];
        if (pr->kind != V_STRUCT || pr->n != 2) {
          fail(c, "ids= takes {sid, ssn} pairs");
          return -1;
        }
        if (cmp_num(c, "sid", pr->items[0], get16(body + 4 + i * 4), NULL) !=
              0 ||
            cmp_num(c, "ssn", pr->items[1], get16(body + 6 + i * 4), NULL) !=
              0) {
          return -1;
        }
      }
    }
    break;
  }
  default:
    fail(c, "unsupported: chunk %s", node->text);
    return -1;
  }
  return 0;
}

/* Records the cookie of every INIT-ACK and the information of every
 * HEARTBEAT in |pkt|, whatever the script checked, so that inbound
 * COOKIE-ECHO and HEARTBEAT-ACK lines can be filled in. */
static void learn_packet(symmap *m, const uint8_t *pkt, size_t len) {
  size_t off = 12;

  while (off + 4 <= len) {
    size_t clen = get16(pkt + off + 2), poff;
    if (clen < 4 || off + clen > len) {
      return;
    }
    if (pkt[off] == 2 || pkt[off] == 4) {
      poff = off + (pkt[off] == 2 ? 20 : 4);
      while (poff + 4 <= off + clen) {
        size_t plen = get16(pkt + poff + 2);
        uint32_t pt = get16(pkt + poff);
        if (plen < 4 || poff + plen > off + clen) {
          break;
        }
        if (pkt[off] == 2 && pt == 7 && plen - 4 <= sizeof(m->cookie)) {
          memcpy(m->cookie, pkt + poff + 4, plen - 4);
          m->cookielen = plen - 4;
          m->has_cookie = 1;
        }
        if (pkt[off] == 4 && pt == 1 && plen - 4 <= sizeof(m->hbinfo)) {
          memcpy(m->hbinfo, pkt + poff + 4, plen - 4);
          m->hbinfolen = plen - 4;
          m->has_hbinfo = 1;
        }
        poff += (plen + 3) & ~(size_t)3;
      }
    }
    off += (clen + 3) & ~(size_t)3;
  }
}

int wire_match(const event *ev, symmap *m, const uint8_t *pkt, size_t len,
               char *err, size_t errlen) {
  ctx c;
  size_t off = 12, i = 0;
  int has_tag, badcrc, zero;
  uint32_t tag = 0, vtag, sport, dport;
  const uint8_t *first = NULL;

  memset(&c, 0, sizeof(c));
  c.m = m;
  c.err = err;
  c.errlen = errlen;
  err[0] = '\0';
  if (ev->has_addrs) {
    fail(&c, "unsupported: explicit addresses in a packet line");
    return -1;
  }
  if (ev->raw != NULL) {
    fail(&c, "unsupported: raw chunk bytes in an outbound packet");
    return -1;
  }
  if (opt_tag(&c, ev->opts, &has_tag, &tag, &badcrc, &zero) != 0) {
    return -1;
  }
  if (len < 12) {
    fail(&c, "packet shorter than the common header (%zu bytes)", len);
    return -1;
  }
  sport = get16(pkt);
  dport = get16(pkt + 2);
  vtag = get32(pkt + 4);
  if (!m->local_port_known) {
    m->local_port = (uint16_t)sport;
    m->local_port_known = 1;
  }
  snprintf(c.where, sizeof(c.where), "sctp header");
  if (sport != m->local_port || dport != m->remote_port) {
    fail(&c, "ports: expected %u > %u, actual %u > %u", m->local_port,
         m->remote_port, sport, dport);
    return -1;
  }
  {
    uint32_t want_crc, have;
    uint8_t tmp[65536];
    if (len <= sizeof(tmp)) {
      memcpy(tmp, pkt, len);
      memset(tmp + 8, 0, 4);
      want_crc = usrsctp_crc32c(tmp, len);
      memcpy(&have, pkt + 8, 4);
      if (want_crc != have && !(zero && have == 0)) {
        fail(&c, "checksum: CRC32c wrong (0x%08x, expected 0x%08x)",
             ntohl(have), ntohl(want_crc));
        return -1;
      }
    }
  }
  c.where[0] = '\0';
  /* chunks */
  while (off + 4 <= len) {
    size_t clen = get16(pkt + off + 2);
    const val *node;
    if (clen < 4 || off + clen > len) {
      snprintf(c.where, sizeof(c.where), "chunk %zu", i + 1);
      fail(&c, "malformed chunk length %zu", clen);
      return -1;
    }
    if (first == NULL) {
      first = pkt + off;
    }
    if (i >= ev->chunks->n) {
      const cdesc *d = chunk_by_type(pkt[off]);
      fail(&c, "unexpected extra chunk %zu: %s (type %u)", i + 1,
           d ? d->name : "unknown", pkt[off]);
      return -1;
    }
    node = ev->chunks->items[i];
    if (node->kind == V_ELLIPSIS) {
      break; /* "; ...": the remaining chunks are not checked */
    }
    snprintf(c.where, sizeof(c.where), "chunk %zu (%s)", i + 1, node->text);
    if (match_chunk(&c, node, pkt + off, len - off) != 0) {
      return -1;
    }
    off += (clen + 3) & ~(size_t)3;
    i++;
  }
  if (i < ev->chunks->n && ev->chunks->items[i]->kind != V_ELLIPSIS) {
    snprintf(c.where, sizeof(c.where), "chunk %zu (%s)", i + 1,
             ev->chunks->items[i]->text);
    fail(&c, "missing: the packet has only %zu chunk(s)", i);
    return -1;
  }
  learn_packet(m, pkt, len);
  /* verification tag (after the chunks: INIT/INIT_ACK teach the tags) */
  snprintf(c.where, sizeof(c.where), "sctp header");
  if (has_tag) {
    uint32_t want = tag;
    if (m->local_tag_known && tag == m->local_tag_script) {
      want = m->local_tag_live;
    }
    if (vtag != want) {
      fail(&c, "vtag: expected 0x%08x, actual 0x%08x", want, vtag);
      return -1;
    }
  } else if (first != NULL && first[0] == 1) {
    if (vtag != 0) {
      fail(&c, "vtag: expected 0 in a packet with INIT, actual 0x%08x", vtag);
      return -1;
    }
  } else if (first != NULL && (first[0] == 6 || first[0] == 14) &&
             (first[1] & 1)) {
    /* T bit: the tag is reflected (the stack's own, or the one received) */
    if (!((m->local_tag_known && vtag == m->local_tag_live) ||
          vtag == m->last_in_vtag)) {
      fail(&c,
           "vtag: T bit set but 0x%08x is neither the stack's own tag "
           "nor the last received one",
           vtag);
      return -1;
    }
  } else if (m->peer_tag_known && vtag != m->peer_tag) {
    fail(&c, "vtag: expected the peer's tag 0x%08x, actual 0x%08x", m->peer_tag,
         vtag);
    return -1;
  }
  return 0;
}

/* ===================== formatting ===================== */

static void fmt_tlvs(const pdesc *tab, size_t ntab, const uint8_t *p,
                     size_t plen, char *buf, size_t buflen);

static void appf(char *buf, size_t len, const char *fmt, ...) {
  size_t n = strlen(buf);
  va_list ap;

  if (n + 1 >= len) {
    return;
  }
  va_start(ap, fmt);
  vsnprintf(buf + n, len - n, fmt, ap);
  va_end(ap);
}

static void fmt_tlv(const pdesc *tab, size_t ntab, const uint8_t *p,
                    size_t tlen, char *buf, size_t buflen) {
  uint32_t type = get16(p);
  const pdesc *d = tlv_by_type(tab, ntab, (int)type);
  const uint8_t *body = p + 4;
  size_t blen = tlen - 4, i;
  int k;

  if (d == NULL || d->tail == PT_UNSUP) {
    appf(buf, buflen, "%s[%s=0x%04x, len=%zu]",
         tab == params ? "PARAMETER" : "CAUSE", tab == params ? "type" : "code",
         type, tlen);
    return;
  }
  appf(buf, buflen, "%s[", d->name);
  for (k = 0; k < 2 && d->f[k].name != NULL; ++k) {
    if (d->f[k].off + d->f[k].size <= blen) {
      appf(buf, buflen, "%s%s=%u", k ? ", " : "", d->f[k].name,
           getn(body + d->f[k].off, d->f[k].size));
    }
  }
  switch (d->tail) {
  case PT_VAL:
  case PT_INFO:
    appf(buf, buflen, "len=%zu", tlen);
    if (d->tail == PT_INFO && blen > 0) {
      appf(buf, buflen, ", info=\"");
      for (i = 0; i < blen && body[i] != 0; ++i) {
        appf(buf, buflen, "%c",
             body[i] >= 32 && body[i] < 127 && body[i] != '"' ? body[i] : '.');
      }
      appf(buf, buflen, "\"");
    }
    break;
  case PT_ADDR4:
  case PT_ADDR6: {
    char a[64] = "?";
    if (blen >= (d->tail == PT_ADDR4 ? 4u : 16u)) {
      inet_ntop(d->tail == PT_ADDR4 ? AF_INET : AF_INET6, body, a, sizeof(a));
    }
    appf(buf, buflen, "addr=%s", a);
    break;
  }
  case PT_U16LIST:
  case PT_U8LIST:
  case PT_MISSING: {
    size_t w = d->tail == PT_U8LIST ? 1 : 2,
           off = d->tail == PT_MISSING ? 4 : 0;
    appf(buf, buflen, "types=[");
    for (i = off; i + w <= blen; i += w) {
      appf(buf, buflen, "%s%u", i > off ? ", " : "", getn(body + i, (int)w));
    }
    appf(buf, buflen, "]");
    break;
  }
  case PT_PARAMS:
  case PT_LIST:
    appf(buf, buflen, "%s=[", d->tail == PT_PARAMS ? "params" : "list");
    fmt_tlvs(params, NPARAMS, body, blen, buf, buflen);
    appf(buf, buflen, "]");
    break;
  case PT_PARAM1:
    appf(buf, buflen, "param=");
    fmt_tlvs(params, NPARAMS, body, blen, buf, buflen);
    break;
  case PT_CHUNK:
    if (blen >= 4) {
      appf(buf, buflen, "chk=CHUNK[type=0x%02x, flgs=0x%02x, len=%u]", body[0],
           body[1], get16(body + 2));
    }
    break;
  default:
    break;
  }
  appf(buf, buflen, "]");
}

static void fmt_tlvs(const pdesc *tab, size_t ntab, const uint8_t *p,
                     size_t plen, char *buf, size_t buflen) {
  size_t off = 0;
  int first = 1;

  while (off + 4 <= plen) {
    size_t l = get16(p + off + 2);
    if (l < 4 || off + l > plen) {
      appf(buf, buflen, "%s<malformed>", first ? "" : ", ");
      return;
    }
    if (!first) {
      appf(buf, buflen, ", ");
    }
    fmt_tlv(tab, ntab, p + off, l, buf, buflen);
    first = 0;
    off += (l + 3) & ~(size_t)3;
  }
}

void wire_format(const uint8_t *pkt, size_t len, char *buf, size_t buflen) {
  size_t off = 12;
  int k, first = 1;

  buf[0] = '\0';
  if (len < 12) {
    appf(buf, buflen, "<%zu bytes: too short>", len);
    return;
  }
  appf(buf, buflen, "sctp(vtag=0x%08x): ", get32(pkt + 4));
  while (off + 4 <= len) {
    size_t clen = get16(pkt + off + 2);
    const cdesc *d = chunk_by_type(pkt[off]);
    const uint8_t *body = pkt + off + 4;
    if (!first) {
      appf(buf, buflen, "; ");
    }
    first = 0;
    if (clen < 4 || off + clen > len) {
      appf(buf, buflen, "<malformed chunk>");
      return;
    }
    if (d == NULL || d->tail == TL_UNSUP) {
      appf(buf, buflen, "CHUNK[type=0x%02x, flgs=0x%02x, len=%zu]", pkt[off],
           pkt[off + 1], clen);
    } else {
      appf(buf, buflen, "%s[flgs=0x%02x", d->name, pkt[off + 1]);
      for (k = 0; k < 6 && d->f[k].name != NULL; ++k) {
        if ((size_t)(4 + d->f[k].off + d->f[k].size) <= clen) {
          appf(buf, buflen, ", %s=%u", d->f[k].name,
               getn(body + d->f[k].off, d->f[k].size));
        }
      }
      if (d->tail == TL_DATA || d->tail == TL_VAL) {
        appf(buf, buflen, ", len=%zu", clen);
      } else if (d->tail == TL_SACK && clen >= 16) {
        size_t ng = get16(body + 8), nd = get16(body + 10), i;
        appf(buf, buflen, ", gaps=[");
        for (i = 0; i < ng && 16 + i * 4 + 4 <= clen; ++i) {
          appf(buf, buflen, "%s%u:%u", i ? ", " : "", get16(body + 12 + i * 4),
               get16(body + 14 + i * 4));
        }
        appf(buf, buflen, "], dups=[");
        for (i = 0; i < nd && 16 + ng * 4 + i * 4 + 4 <= clen; ++i) {
          appf(buf, buflen, "%s%u", i ? ", " : "",
               get32(body + 12 + ng * 4 + i * 4));
        }
        appf(buf, buflen, "]");
      } else if ((d->tail == TL_PARAMS || d->tail == TL_CAUSES) &&
                 clen > 4u + d->fixed) {
        appf(buf, buflen, ", ");
        fmt_tlvs(d->tail == TL_PARAMS ? params : causes,
                 d->tail == TL_PARAMS ? NPARAMS : NCAUSES, body + d->fixed,
                 clen - 4 - d->fixed, buf, buflen);
      }
      appf(buf, buflen, "]");
    }
    off += (clen + 3) & ~(size_t)3;
  }
}

/* Parse-time check of names, so a script using something unknown fails
 * before it runs.  Only the top level of each chunk is walked. */
const char *wire_check_names(const val *list) {
  static char msg[256];
  size_t i, j;

  for (i = 0; list != NULL && i < list->n; ++i) {
    const val *ch = list->items[i];
    const cdesc *d;
    if (ch->kind != V_NAMED) {
      continue;
    }
    d = chunk_by_name(ch->text);
    if (d == NULL) {
      snprintf(msg, sizeof(msg), "unsupported: unknown chunk %s", ch->text);
      return msg;
    }
    if (d->tail == TL_UNSUP) {
      snprintf(msg, sizeof(msg), "unsupported: chunk %s", ch->text);
      return msg;
    }
    for (j = 0; j < ch->n; ++j) {
      const val *it = ch->items[j];
      const pdesc *p;
      if (it->kind != V_NAMED) {
        continue;
      }
      p = d->tail == TL_CAUSES ? tlv_by_name(causes, NCAUSES, it->text)
                               : tlv_by_name(params, NPARAMS, it->text);
      if (p == NULL || p->tail == PT_UNSUP) {
        snprintf(msg, sizeof(msg), "unsupported: %s %s in %s",
                 d->tail == TL_CAUSES ? "cause" : "parameter", it->text,
                 ch->text);
        return msg;
      }
    }
  }
  return NULL;
}
