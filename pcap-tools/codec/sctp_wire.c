/*
 * sctp_wire.c - SCTP chunk, parameter and error-cause decoding and
 * encoding.  See sctp_wire.h for the contracts; every read below is
 * preceded by a check of the bytes available.
 */
#include <string.h>

#include "sctp_wire.h"

const char *gsw_strerror(int err) {
  switch (err) {
  case GSW_OK:
    return "ok";
  case GSW_ESHORT:
    return "truncated";
  case GSW_EBADLEN:
    return "bad length";
  case GSW_EBADVAL:
    return "bad value";
  case GSW_ENOSPC:
    return "no space";
  case GSW_ENOTSCTP:
    return "not sctp";
  default:
    return "unknown error";
  }
}

const char *gsw_chunk_name(uint8_t type) {
  switch (type) {
  case GSW_DATA:
    return "DATA";
  case GSW_INIT:
    return "INIT";
  case GSW_INIT_ACK:
    return "INIT_ACK";
  case GSW_SACK:
    return "SACK";
  case GSW_HEARTBEAT:
    return "HEARTBEAT";
  case GSW_HEARTBEAT_ACK:
    return "HEARTBEAT_ACK";
  case GSW_ABORT:
    return "ABORT";
  case GSW_SHUTDOWN:
    return "SHUTDOWN";
  case GSW_SHUTDOWN_ACK:
    return "SHUTDOWN_ACK";
  case GSW_ERROR:
    return "ERROR";
  case GSW_COOKIE_ECHO:
    return "COOKIE_ECHO";
  case GSW_COOKIE_ACK:
    return "COOKIE_ACK";
  case GSW_ECNE:
    return "ECNE";
  case GSW_CWR:
    return "CWR";
  case GSW_SHUTDOWN_COMPLETE:
    return "SHUTDOWN_COMPLETE";
  case GSW_AUTH:
    return "AUTH";
  case GSW_NR_SACK:
    return "NR_SACK";
  case GSW_I_DATA:
    return "I_DATA";
  case GSW_ASCONF_ACK:
    return "ASCONF_ACK";
  case GSW_RE_CONFIG:
    return "RE_CONFIG";
  case GSW_PAD:
    return "PAD";
  case GSW_FORWARD_TSN:
    return "FORWARD_TSN";
  case GSW_ASCONF:
    return "ASCONF";
  case GSW_I_FORWARD_TSN:
    return "I_FORWARD_TSN";
  default:
    return NULL;
  }
}

const char *gsw_param_name(uint16_t type) {
  switch (type) {
  case GSW_P_HEARTBEAT_INFO:
    return "heartbeat_info";
  case GSW_P_IPV4:
    return "ipv4";
  case GSW_P_IPV6:
    return "ipv6";
  case GSW_P_STATE_COOKIE:
    return "state_cookie";
  case GSW_P_UNRECOGNIZED:
    return "unrecognized_param";
  case GSW_P_COOKIE_PRESERVATIVE:
    return "cookie_preservative";
  case GSW_P_HOST_NAME:
    return "host_name";
  case GSW_P_SUPPORTED_ADDR_TYPES:
    return "supported_addr_types";
  case GSW_P_OUT_SSN_RESET_REQ:
    return "out_ssn_reset_req";
  case GSW_P_IN_SSN_RESET_REQ:
    return "in_ssn_reset_req";
  case GSW_P_SSN_TSN_RESET_REQ:
    return "ssn_tsn_reset_req";
  case GSW_P_RECONFIG_RESP:
    return "reconfig_resp";
  case GSW_P_ADD_OUT_STREAMS:
    return "add_out_streams";
  case GSW_P_ADD_IN_STREAMS:
    return "add_in_streams";
  case GSW_P_ECN_CAPABLE:
    return "ecn_capable";
  case GSW_P_RANDOM:
    return "random";
  case GSW_P_CHUNK_LIST:
    return "chunk_list";
  case GSW_P_HMAC_ALGO:
    return "hmac_algo";
  case GSW_P_PADDING:
    return "padding";
  case GSW_P_SUPPORTED_EXT:
    return "supported_ext";
  case GSW_P_FORWARD_TSN_SUPPORTED:
    return "forward_tsn_supported";
  case GSW_P_ADD_IP:
    return "add_ip";
  case GSW_P_DEL_IP:
    return "del_ip";
  case GSW_P_ERROR_CAUSE_IND:
    return "error_cause_ind";
  case GSW_P_SET_PRIMARY:
    return "set_primary";
  case GSW_P_SUCCESS_IND:
    return "success_ind";
  case GSW_P_ADAPTATION_LAYER:
    return "adaptation_layer";
  default:
    return NULL;
  }
}

const char *gsw_cause_name(uint16_t code) {
  switch (code) {
  case GSW_C_INVALID_STREAM:
    return "invalid_stream";
  case GSW_C_MISSING_PARAM:
    return "missing_param";
  case GSW_C_STALE_COOKIE:
    return "stale_cookie";
  case GSW_C_OUT_OF_RESOURCE:
    return "out_of_resource";
  case GSW_C_UNRESOLVABLE_ADDR:
    return "unresolvable_addr";
  case GSW_C_UNRECOGNIZED_CHUNK:
    return "unrecognized_chunk";
  case GSW_C_INVALID_MANDATORY_PARAM:
    return "invalid_mandatory_param";
  case GSW_C_UNRECOGNIZED_PARAMS:
    return "unrecognized_params";
  case GSW_C_NO_USER_DATA:
    return "no_user_data";
  case GSW_C_COOKIE_WHILE_SHUTDOWN:
    return "cookie_while_shutdown";
  case GSW_C_RESTART_NEW_ADDRS:
    return "restart_new_addrs";
  case GSW_C_USER_ABORT:
    return "user_abort";
  case GSW_C_PROTOCOL_VIOLATION:
    return "protocol_violation";
  case GSW_C_DEL_LAST_ADDR:
    return "del_last_addr";
  case GSW_C_RESOURCE_SHORTAGE:
    return "resource_shortage";
  case GSW_C_DEL_SOURCE_ADDR:
    return "del_source_addr";
  case GSW_C_ILLEGAL_ASCONF_ACK:
    return "illegal_asconf_ack";
  case GSW_C_NO_AUTHORIZATION:
    return "no_authorization";
  case GSW_C_UNSUPPORTED_HMAC:
    return "unsupported_hmac";
  default:
    return NULL;
  }
}

int gsw_header_decode(gsw_header *h, const uint8_t *p, size_t len) {
  if (p == NULL || len < GSW_COMMON_HDR_LEN) {
    return GSW_ESHORT;
  }
  h->sport = gsw_get16(p);
  h->dport = gsw_get16(p + 2);
  h->vtag = gsw_get32(p + 4);
  h->checksum = gsw_packet_stored_crc(p);
  return 0;
}

int gsw_tlv_next(gsw_tlv *t, const uint8_t *p, size_t len, size_t *poff) {
  size_t off = *poff, rem, tl, pad;

  if (off >= len) {
    return 0;
  }
  rem = len - off;
  if (rem < GSW_TLV_HDR_LEN) {
    return GSW_ESHORT;
  }
  t->type = gsw_get16(p + off);
  t->len = gsw_get16(p + off + 2);
  tl = t->len;
  if (tl < GSW_TLV_HDR_LEN) {
    return GSW_EBADLEN;
  }
  if (tl > rem) {
    return GSW_ESHORT;
  }
  t->value = p + off + GSW_TLV_HDR_LEN;
  t->vlen = tl - GSW_TLV_HDR_LEN;
  pad = (4 - (tl & 3)) & 3;
  if (pad > rem - tl) {
    pad = rem - tl;
  }
  *poff = off + tl + pad;
  return 1;
}

/* Walk every TLV of |p|/|len|: 0 if they are all well formed. */
static int tlvs_valid(const uint8_t *p, size_t len) {
  size_t off = 0;
  gsw_tlv t;
  int rv;

  while ((rv = gsw_tlv_next(&t, p, len, &off)) == 1) {
  }
  return rv == 0 ? 0 : GSW_EBADLEN;
}

int gsw_chunk_decode_value(gsw_chunk *ch) {
  const uint8_t *v = ch->value;
  size_t n = ch->vlen;

  memset(&ch->u, 0, sizeof(ch->u));
  switch (ch->type) {
  case GSW_DATA:
    if (n < 12) {
      return GSW_EBADLEN;
    }
    ch->u.data.tsn = gsw_get32(v);
    ch->u.data.sid = gsw_get16(v + 4);
    ch->u.data.ssn = gsw_get16(v + 6);
    ch->u.data.ppid = gsw_get32(v + 8);
    ch->u.data.payload = v + 12;
    ch->u.data.payload_len = n - 12;
    return 0;
  case GSW_I_DATA:
    if (n < 16) {
      return GSW_EBADLEN;
    }
    ch->u.data.tsn = gsw_get32(v);
    ch->u.data.sid = gsw_get16(v + 4);
    ch->u.data.mid = gsw_get32(v + 8);
    ch->u.data.fsn_ppid = gsw_get32(v + 12);
    if (ch->flags & GSW_DATA_FLAG_B) {
      ch->u.data.ppid = ch->u.data.fsn_ppid;
    }
    ch->u.data.payload = v + 16;
    ch->u.data.payload_len = n - 16;
    return 0;
  case GSW_INIT:
  case GSW_INIT_ACK:
    if (n < 16) {
      return GSW_EBADLEN;
    }
    ch->u.init.init_tag = gsw_get32(v);
    ch->u.init.a_rwnd = gsw_get32(v + 4);
    ch->u.init.os = gsw_get16(v + 8);
    ch->u.init.mis = gsw_get16(v + 10);
    ch->u.init.initial_tsn = gsw_get32(v + 12);
    ch->u.init.params = v + 16;
    ch->u.init.paramslen = n - 16;
    return tlvs_valid(v + 16, n - 16);
  case GSW_SACK:
  case GSW_NR_SACK: {
    size_t need, hdr = ch->type == GSW_SACK ? 12 : 16;
    if (n < hdr) {
      return GSW_EBADLEN;
    }
    ch->u.sack.cum_tsn = gsw_get32(v);
    ch->u.sack.a_rwnd = gsw_get32(v + 4);
    ch->u.sack.ngaps = gsw_get16(v + 8);
    if (ch->type == GSW_SACK) {
      ch->u.sack.ndups = gsw_get16(v + 10);
    } else {
      ch->u.sack.nnrgaps = gsw_get16(v + 10);
      ch->u.sack.ndups = gsw_get16(v + 12);
    }
    need = hdr + 4 * ((size_t)ch->u.sack.ngaps + ch->u.sack.nnrgaps +
                      ch->u.sack.ndups);
    if (n < need) {
      return GSW_EBADLEN;
    }
    ch->u.sack.gaps = v + hdr;
    ch->u.sack.dups =
      v + hdr + 4 * ((size_t)ch->u.sack.ngaps + ch->u.sack.nnrgaps);
    return 0;
  }
  case GSW_HEARTBEAT:
  case GSW_HEARTBEAT_ACK:
  case GSW_ABORT:
  case GSW_ERROR:
  case GSW_RE_CONFIG:
    ch->u.tlvs.p = v;
    ch->u.tlvs.len = n;
    return tlvs_valid(v, n);
  case GSW_COOKIE_ECHO:
  case GSW_PAD:
    ch->u.tlvs.p = v;
    ch->u.tlvs.len = n;
    return 0;
  case GSW_SHUTDOWN:
    if (n != 4) {
      return GSW_EBADLEN;
    }
    ch->u.shutdown.cum_tsn = gsw_get32(v);
    return 0;
  case GSW_SHUTDOWN_ACK:
  case GSW_COOKIE_ACK:
  case GSW_SHUTDOWN_COMPLETE:
    return n == 0 ? 0 : GSW_EBADLEN;
  case GSW_ECNE:
  case GSW_CWR:
    if (n < 4) {
      return GSW_EBADLEN;
    }
    ch->u.ecn.lowest_tsn = gsw_get32(v);
    return 0;
  case GSW_FORWARD_TSN:
  case GSW_I_FORWARD_TSN: {
    size_t each = ch->type == GSW_FORWARD_TSN ? 4 : 8;
    if (n < 4 || (n - 4) % each != 0 || (n - 4) / each > 0xffff) {
      return GSW_EBADLEN;
    }
    ch->u.fwd.new_cum_tsn = gsw_get32(v);
    ch->u.fwd.nstreams = (uint16_t)((n - 4) / each);
    ch->u.fwd.streams = v + 4;
    return 0;
  }
  case GSW_AUTH:
    if (n < 4) {
      return GSW_EBADLEN;
    }
    ch->u.auth.shkey = gsw_get16(v);
    ch->u.auth.hmac_id = gsw_get16(v + 2);
    ch->u.auth.hmac = v + 4;
    ch->u.auth.hmaclen = n - 4;
    return 0;
  case GSW_ASCONF:
  case GSW_ASCONF_ACK:
    if (n < 4) {
      return GSW_EBADLEN;
    }
    ch->u.asconf.serial = gsw_get32(v);
    ch->u.asconf.params = v + 4;
    ch->u.asconf.paramslen = n - 4;
    return tlvs_valid(v + 4, n - 4);
  default:
    return 0;
  }
}

int gsw_chunk_next(gsw_chunk *ch, const uint8_t *p, size_t len, size_t *poff) {
  size_t off = *poff, rem, clen, pad, i;

  memset(ch, 0, sizeof(*ch));
  if (off >= len) {
    return 0;
  }
  rem = len - off;
  ch->type = p[off];
  if (rem >= 2) {
    ch->flags = p[off + 1];
  }
  if (rem < GSW_CHUNK_HDR_LEN) {
    *poff = len;
    return GSW_ESHORT;
  }
  ch->len = gsw_get16(p + off + 2);
  clen = ch->len;
  ch->value = p + off + GSW_CHUNK_HDR_LEN;
  if (clen < GSW_CHUNK_HDR_LEN) {
    ch->vlen = 0;
    *poff = len;
    return GSW_EBADLEN;
  }
  if (clen > rem) {
    ch->vlen = rem - GSW_CHUNK_HDR_LEN;
    *poff = len;
    return GSW_ESHORT;
  }
  ch->vlen = clen - GSW_CHUNK_HDR_LEN;
  pad = (4 - (clen & 3)) & 3;
  if (pad > rem - clen) {
    ch->pad_short = 1;
    pad = rem - clen;
  }
  ch->padlen = pad;
  for (i = 0; i < pad; ++i) {
    if (p[off + clen + i] != 0) {
      ch->pad_nonzero = 1;
    }
  }
  *poff = off + clen + pad;
  {
    int rv = gsw_chunk_decode_value(ch);
    return rv < 0 ? rv : 1;
  }
}

void gsw_sack_gap(const gsw_chunk *ch, unsigned i, uint16_t *pstart,
                  uint16_t *pend) {
  const uint8_t *g = ch->u.sack.gaps + 4 * (size_t)i;

  *pstart = gsw_get16(g);
  *pend = gsw_get16(g + 2);
}

uint32_t gsw_sack_dup(const gsw_chunk *ch, unsigned i) {
  return gsw_get32(ch->u.sack.dups + 4 * (size_t)i);
}

void gsw_fwd_stream(const gsw_chunk *ch, unsigned i, uint16_t *psid,
                    uint16_t *pssn, uint32_t *pmid) {
  if (ch->type == GSW_I_FORWARD_TSN) {
    const uint8_t *s = ch->u.fwd.streams + 8 * (size_t)i;
    *psid = gsw_get16(s);
    *pssn = gsw_get16(s + 2);
    *pmid = gsw_get32(s + 4);
  } else {
    const uint8_t *s = ch->u.fwd.streams + 4 * (size_t)i;
    *psid = gsw_get16(s);
    *pssn = gsw_get16(s + 2);
    *pmid = 0;
  }
}

/* ---- encoding ---- */

static uint8_t *reserve(gsw_builder *b, size_t n) {
  uint8_t *q;

  if (b->err != 0 || b->cap - b->len < n || b->cap < b->len) {
    b->err = GSW_ENOSPC;
    return NULL;
  }
  q = b->buf + b->len;
  b->len += n;
  return q;
}

void gsw_build_start(gsw_builder *b, uint8_t *buf, size_t cap, uint16_t sport,
                     uint16_t dport, uint32_t vtag) {
  uint8_t *q;

  b->buf = buf;
  b->cap = cap;
  b->len = 0;
  b->err = 0;
  q = reserve(b, GSW_COMMON_HDR_LEN);
  if (q == NULL) {
    return;
  }
  gsw_put16(q, sport);
  gsw_put16(q + 2, dport);
  gsw_put32(q + 4, vtag);
  memset(q + 8, 0, 4);
}

void gsw_build_raw(gsw_builder *b, const void *bytes, size_t n) {
  uint8_t *q = reserve(b, n);

  if (q != NULL && n > 0) {
    memcpy(q, bytes, n);
  }
}

/* Appends a chunk header for |vlen| value bytes and returns a pointer to
 * the value area (padded with zeros), or NULL. */
static uint8_t *chunk_begin(gsw_builder *b, uint8_t type, uint8_t flags,
                            size_t vlen) {
  size_t total = GSW_CHUNK_HDR_LEN + vlen, pad = (4 - (total & 3)) & 3;
  uint8_t *q;

  if (total > 0xffff) {
    b->err = GSW_ENOSPC;
    return NULL;
  }
  q = reserve(b, total + pad);
  if (q == NULL) {
    return NULL;
  }
  q[0] = type;
  q[1] = flags;
  gsw_put16(q + 2, (uint16_t)total);
  memset(q + total, 0, pad);
  return q + GSW_CHUNK_HDR_LEN;
}

void gsw_build_chunk(gsw_builder *b, uint8_t type, uint8_t flags,
                     const void *value, size_t vlen) {
  uint8_t *q = chunk_begin(b, type, flags, vlen);

  if (q != NULL && vlen > 0) {
    memcpy(q, value, vlen);
  }
}

void gsw_build_data(gsw_builder *b, uint8_t flags, uint32_t tsn, uint16_t sid,
                    uint16_t ssn, uint32_t ppid, const void *payload,
                    size_t payload_len) {
  uint8_t *q = chunk_begin(b, GSW_DATA, flags, 12 + payload_len);

  if (q == NULL) {
    return;
  }
  gsw_put32(q, tsn);
  gsw_put16(q + 4, sid);
  gsw_put16(q + 6, ssn);
  gsw_put32(q + 8, ppid);
  if (payload_len > 0) {
    memcpy(q + 12, payload, payload_len);
  }
}

void gsw_build_init(gsw_builder *b, uint8_t type, uint32_t init_tag,
                    uint32_t a_rwnd, uint16_t os, uint16_t mis,
                    uint32_t initial_tsn, const void *params,
                    size_t paramslen) {
  uint8_t *q = chunk_begin(b, type, 0, 16 + paramslen);

  if (q == NULL) {
    return;
  }
  gsw_put32(q, init_tag);
  gsw_put32(q + 4, a_rwnd);
  gsw_put16(q + 8, os);
  gsw_put16(q + 10, mis);
  gsw_put32(q + 12, initial_tsn);
  if (paramslen > 0) {
    memcpy(q + 16, params, paramslen);
  }
}

void gsw_build_sack(gsw_builder *b, uint32_t cum_tsn, uint32_t a_rwnd,
                    const uint16_t *gaps, uint16_t ngaps, const uint32_t *dups,
                    uint16_t ndups) {
  uint8_t *q =
    chunk_begin(b, GSW_SACK, 0, 12 + 4 * (size_t)ngaps + 4 * (size_t)ndups);
  unsigned i;

  if (q == NULL) {
    return;
  }
  gsw_put32(q, cum_tsn);
  gsw_put32(q + 4, a_rwnd);
  gsw_put16(q + 8, ngaps);
  gsw_put16(q + 10, ndups);
  q += 12;
  for (i = 0; i < ngaps; ++i) {
    gsw_put16(q, gaps[2 * i]);
    gsw_put16(q + 2, gaps[2 * i + 1]);
    q += 4;
  }
  for (i = 0; i < ndups; ++i) {
    gsw_put32(q, dups[i]);
    q += 4;
  }
}

int gsw_build_finish(gsw_builder *b) {
  if (b->err != 0) {
    return b->err;
  }
  if (b->len > 0x7fffffff) {
    return GSW_ENOSPC;
  }
  gsw_packet_set_crc(b->buf, b->len);
  return (int)b->len;
}

int gsw_tlv_put(uint8_t *dst, size_t cap, uint16_t type, const void *value,
                size_t vlen) {
  size_t total = GSW_TLV_HDR_LEN + vlen, pad = (4 - (total & 3)) & 3;

  if (total > 0xffff || total + pad > cap) {
    return GSW_ENOSPC;
  }
  gsw_put16(dst, type);
  gsw_put16(dst + 2, (uint16_t)total);
  if (vlen > 0) {
    memcpy(dst + GSW_TLV_HDR_LEN, value, vlen);
  }
  memset(dst + total, 0, pad);
  return (int)(total + pad);
}
