/*
 * sctp_wire.h - SCTP wire codec (libc only): common header, chunks,
 * parameters, error causes, CRC32c, and the link/IP/UDP framing found in
 * capture files.
 *
 * Decoding never reads outside the buffer it is given: every function
 * that takes (p, len) checks each length field before it reads, and
 * returns a negative GSW_E* code for malformed input.  Decoded structures
 * borrow pointers into the caller's buffer (they are valid as long as it
 * is).  Nothing here allocates memory.
 *
 * Names: gsw_ ("gsctp wire").  Numbers are host order in the structures,
 * network order on the wire.
 */
#ifndef GSCTP_SCTP_WIRE_H
#define GSCTP_SCTP_WIRE_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Errors of the codec (all negative). */
enum gsw_err {
  GSW_OK = 0,
  /** The buffer ends before the structure does (truncated). */
  GSW_ESHORT = -1,
  /** A length field is impossible (smaller than the fixed part, or
   *  inconsistent with a count field). */
  GSW_EBADLEN = -2,
  /** A field has a value the format does not allow. */
  GSW_EBADVAL = -3,
  /** An encoder ran out of buffer space. */
  GSW_ENOSPC = -4,
  /** Not SCTP (framing decoding: another protocol, or an IP fragment). */
  GSW_ENOTSCTP = -5,
};

/** `gsw_strerror` returns a short text for a GSW_E* code.  Never NULL. */
const char *gsw_strerror(int err);

#define GSW_COMMON_HDR_LEN 12
#define GSW_CHUNK_HDR_LEN 4
#define GSW_TLV_HDR_LEN 4

/** Chunk types (RFC 9260 3.2, RFC 3758, 4895, 5061, 6525, 4820, 8260). */
enum gsw_chunk_type {
  GSW_DATA = 0,
  GSW_INIT = 1,
  GSW_INIT_ACK = 2,
  GSW_SACK = 3,
  GSW_HEARTBEAT = 4,
  GSW_HEARTBEAT_ACK = 5,
  GSW_ABORT = 6,
  GSW_SHUTDOWN = 7,
  GSW_SHUTDOWN_ACK = 8,
  GSW_ERROR = 9,
  GSW_COOKIE_ECHO = 10,
  GSW_COOKIE_ACK = 11,
  GSW_ECNE = 12,
  GSW_CWR = 13,
  GSW_SHUTDOWN_COMPLETE = 14,
  GSW_AUTH = 15,
  GSW_NR_SACK = 16,
  GSW_I_DATA = 64,
  GSW_ASCONF_ACK = 128,
  GSW_RE_CONFIG = 130,
  GSW_PAD = 132,
  GSW_FORWARD_TSN = 192,
  GSW_ASCONF = 193,
  GSW_I_FORWARD_TSN = 194,
};

/* Chunk flags. */
#define GSW_DATA_FLAG_E 0x01 /**< DATA/I-DATA: ending fragment */
#define GSW_DATA_FLAG_B 0x02 /**< DATA/I-DATA: beginning fragment */
#define GSW_DATA_FLAG_U 0x04 /**< DATA/I-DATA: unordered */
#define GSW_DATA_FLAG_I 0x08 /**< DATA/I-DATA: immediate SACK (RFC 7053) */
#define GSW_FLAG_T 0x01      /**< ABORT/SHUTDOWN-COMPLETE: T bit */

/** Parameter types (INIT, INIT-ACK, HEARTBEAT, ASCONF, RE-CONFIG). */
enum gsw_param_type {
  GSW_P_HEARTBEAT_INFO = 1,
  GSW_P_IPV4 = 5,
  GSW_P_IPV6 = 6,
  GSW_P_STATE_COOKIE = 7,
  GSW_P_UNRECOGNIZED = 8,
  GSW_P_COOKIE_PRESERVATIVE = 9,
  GSW_P_HOST_NAME = 11,
  GSW_P_SUPPORTED_ADDR_TYPES = 12,
  GSW_P_OUT_SSN_RESET_REQ = 13,
  GSW_P_IN_SSN_RESET_REQ = 14,
  GSW_P_SSN_TSN_RESET_REQ = 15,
  GSW_P_RECONFIG_RESP = 16,
  GSW_P_ADD_OUT_STREAMS = 17,
  GSW_P_ADD_IN_STREAMS = 18,
  GSW_P_ECN_CAPABLE = 0x8000,
  GSW_P_RANDOM = 0x8002,
  GSW_P_CHUNK_LIST = 0x8003,
  GSW_P_HMAC_ALGO = 0x8004,
  GSW_P_PADDING = 0x8005,
  GSW_P_SUPPORTED_EXT = 0x8008,
  GSW_P_FORWARD_TSN_SUPPORTED = 0xC000,
  GSW_P_ADD_IP = 0xC001,
  GSW_P_DEL_IP = 0xC002,
  GSW_P_ERROR_CAUSE_IND = 0xC003,
  GSW_P_SET_PRIMARY = 0xC004,
  GSW_P_SUCCESS_IND = 0xC005,
  GSW_P_ADAPTATION_LAYER = 0xC006,
};

/** Error cause codes (ABORT, ERROR; RFC 9260 3.3.10, 5061, 4895). */
enum gsw_cause_code {
  GSW_C_INVALID_STREAM = 1,
  GSW_C_MISSING_PARAM = 2,
  GSW_C_STALE_COOKIE = 3,
  GSW_C_OUT_OF_RESOURCE = 4,
  GSW_C_UNRESOLVABLE_ADDR = 5,
  GSW_C_UNRECOGNIZED_CHUNK = 6,
  GSW_C_INVALID_MANDATORY_PARAM = 7,
  GSW_C_UNRECOGNIZED_PARAMS = 8,
  GSW_C_NO_USER_DATA = 9,
  GSW_C_COOKIE_WHILE_SHUTDOWN = 10,
  GSW_C_RESTART_NEW_ADDRS = 11,
  GSW_C_USER_ABORT = 12,
  GSW_C_PROTOCOL_VIOLATION = 13,
  GSW_C_DEL_LAST_ADDR = 0xA0,
  GSW_C_RESOURCE_SHORTAGE = 0xA1,
  GSW_C_DEL_SOURCE_ADDR = 0xA2,
  GSW_C_ILLEGAL_ASCONF_ACK = 0xA3,
  GSW_C_NO_AUTHORIZATION = 0xA4,
  GSW_C_UNSUPPORTED_HMAC = 0x105,
};

/** `gsw_chunk_name` returns "DATA", "INIT", ... or NULL if unknown. */
const char *gsw_chunk_name(uint8_t type);
/** `gsw_param_name` returns a parameter's name or NULL if unknown. */
const char *gsw_param_name(uint16_t type);
/** `gsw_cause_name` returns an error cause's name or NULL if unknown. */
const char *gsw_cause_name(uint16_t code);

/* ------------------------------------------------------------------ */
/* Byte helpers                                                        */
/* ------------------------------------------------------------------ */

static inline uint16_t gsw_get16(const uint8_t *p) {
  return (uint16_t)((unsigned)p[0] << 8 | p[1]);
}
static inline uint32_t gsw_get32(const uint8_t *p) {
  return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 |
         p[3];
}
static inline void gsw_put16(uint8_t *p, uint16_t v) {
  p[0] = (uint8_t)(v >> 8);
  p[1] = (uint8_t)v;
}
static inline void gsw_put32(uint8_t *p, uint32_t v) {
  p[0] = (uint8_t)(v >> 24);
  p[1] = (uint8_t)(v >> 16);
  p[2] = (uint8_t)(v >> 8);
  p[3] = (uint8_t)v;
}
/** Serial number arithmetic (RFC 1982) on 32 bits: a < b. */
static inline int gsw_tsn_lt(uint32_t a, uint32_t b) {
  return a != b && (uint32_t)(b - a) < 0x80000000u;
}
/** Serial number arithmetic on 16 bits: a < b. */
static inline int gsw_ssn_lt(uint16_t a, uint16_t b) {
  return a != b && (uint16_t)(b - a) < 0x8000u;
}

/* ------------------------------------------------------------------ */
/* CRC32c (RFC 9260 appendix A)                                        */
/* ------------------------------------------------------------------ */

/** CRC32c of |len| bytes (initial value ~0, final complement), with the
 *  fastest implementation this CPU has. */
uint32_t gsw_crc32c(const void *p, size_t len);
/** The same, always table-driven (slicing by 8). */
uint32_t gsw_crc32c_sw(const void *p, size_t len);
/** The same with the SSE4.2 crc32 instruction; falls back to
 *  gsw_crc32c_sw() when the CPU lacks it (see gsw_crc32c_have_hw). */
uint32_t gsw_crc32c_hw(const void *p, size_t len);
/** Nonzero if the CPU has the SSE4.2 crc32 instruction. */
int gsw_crc32c_have_hw(void);
/**
 * `gsw_crc32c_update` continues a CRC32c over |len| more bytes without
 * the initial value or the final complement (the caller starts from
 * ~0 and complements at the end), with the fastest implementation this
 * CPU has.  This is the form usrsctp's calculate_crc32c() has.
 */
uint32_t gsw_crc32c_update(uint32_t crc, const void *p, size_t len);
/**
 * `gsw_packet_crc` returns the CRC32c of the SCTP packet |p| (at least
 * 12 bytes) computed with its checksum field taken as zero, as the value
 * that belongs in the field (read with gsw_packet_stored_crc).
 */
uint32_t gsw_packet_crc(const uint8_t *p, size_t len);
/** The checksum stored in packet |p| (at least 12 bytes).  SCTP stores
 *  the CRC32c in the byte order of RFC 9260 appendix A. */
uint32_t gsw_packet_stored_crc(const uint8_t *p);
/** Writes gsw_packet_crc() into the checksum field of |p|. */
void gsw_packet_set_crc(uint8_t *p, size_t len);

/* ------------------------------------------------------------------ */
/* Decoding                                                            */
/* ------------------------------------------------------------------ */

/** The SCTP common header. */
typedef struct gsw_header {
  uint16_t sport, dport;
  uint32_t vtag;
  uint32_t checksum; /**< as gsw_packet_stored_crc() reads it */
} gsw_header;

/**
 * `gsw_header_decode` decodes the common header of the packet |p| of
 * |len| bytes.  Returns 0 or GSW_ESHORT (fewer than 12 bytes).
 */
int gsw_header_decode(gsw_header *h, const uint8_t *p, size_t len);

/** A type-length-value: a parameter or an error cause. */
typedef struct gsw_tlv {
  uint16_t type;        /**< parameter type or cause code */
  uint16_t len;         /**< declared length, header included */
  const uint8_t *value; /**< len - 4 bytes (borrowed) */
  size_t vlen;
} gsw_tlv;

/**
 * `gsw_tlv_next` decodes the TLV at offset |*poff| of |p| (|len| bytes)
 * and advances |*poff| past it and its padding.  Returns 1 with |*t|
 * filled, 0 at the end of the buffer, or GSW_ESHORT (a TLV runs past the
 * end) / GSW_EBADLEN (length field < 4).  A missing pad after the last
 * TLV is accepted.
 */
int gsw_tlv_next(gsw_tlv *t, const uint8_t *p, size_t len, size_t *poff);

/** A decoded chunk.  Which member of |u| is valid depends on |type|. */
typedef struct gsw_chunk {
  uint8_t type;
  uint8_t flags;
  uint16_t len;         /**< declared Chunk Length */
  const uint8_t *value; /**< the len - 4 value bytes (borrowed) */
  size_t vlen;
  size_t padlen;   /**< pad bytes present after the chunk (0..3) */
  int pad_short;   /**< nonzero: fewer pad bytes than needed (last chunk) */
  int pad_nonzero; /**< nonzero: a pad byte is not zero */
  union {
    /** DATA and I-DATA.  For I-DATA |ssn| is 0, |mid| and |fsn_ppid|
     *  hold the Message Identifier and the PPID (B bit) or FSN. */
    struct {
      uint32_t tsn;
      uint16_t sid, ssn;
      uint32_t ppid;
      uint32_t mid, fsn_ppid;
      const uint8_t *payload;
      size_t payload_len;
    } data;
    /** INIT and INIT-ACK; params/paramslen are the optional parameters. */
    struct {
      uint32_t init_tag, a_rwnd;
      uint16_t os, mis;
      uint32_t initial_tsn;
      const uint8_t *params;
      size_t paramslen;
    } init;
    /** SACK and NR-SACK; use gsw_sack_gap / gsw_sack_dup. */
    struct {
      uint32_t cum_tsn, a_rwnd;
      uint16_t ngaps, nnrgaps, ndups;
      const uint8_t *gaps; /**< ngaps (+ nnrgaps) 4-byte blocks */
      const uint8_t *dups; /**< ndups 4-byte TSNs */
    } sack;
    /** HEARTBEAT, HEARTBEAT-ACK (params), ABORT, ERROR (causes),
     *  RE-CONFIG (params), COOKIE-ECHO (cookie bytes), PAD (padding). */
    struct {
      const uint8_t *p;
      size_t len;
    } tlvs;
    /** SHUTDOWN. */
    struct {
      uint32_t cum_tsn;
    } shutdown;
    /** ECNE and CWR. */
    struct {
      uint32_t lowest_tsn;
    } ecn;
    /** FORWARD-TSN and I-FORWARD-TSN; use gsw_fwd_stream. */
    struct {
      uint32_t new_cum_tsn;
      uint16_t nstreams;
      const uint8_t *streams;
    } fwd;
    /** AUTH. */
    struct {
      uint16_t shkey, hmac_id;
      const uint8_t *hmac;
      size_t hmaclen;
    } auth;
    /** ASCONF and ASCONF-ACK: |params| starts after the serial number
     *  (for ASCONF with the Address Parameter). */
    struct {
      uint32_t serial;
      const uint8_t *params;
      size_t paramslen;
    } asconf;
  } u;
} gsw_chunk;

/**
 * `gsw_chunk_next` decodes the chunk at offset |*poff| of the packet |p|
 * (|len| bytes, common header included; start with *poff = 12).
 *
 * Returns 1 with |*ch| filled and |*poff| advanced past the chunk and its
 * padding, 0 when no bytes are left, or a negative code.  On
 * GSW_EBADLEN / GSW_EBADVAL (a known chunk whose value is malformed) the
 * chunk's header fields (type, flags, len, value) are filled and |*poff|
 * is advanced, so the caller may report it and go on; on GSW_ESHORT
 * (header or declared length past the end of the buffer) and on a Chunk
 * Length below 4 the packet cannot be walked further: |*ch| has whatever
 * header fields exist and |*poff| is set to |len|.
 */
int gsw_chunk_next(gsw_chunk *ch, const uint8_t *p, size_t len, size_t *poff);

/**
 * `gsw_chunk_decode_value` fills |ch->u| from |ch->type| and the value
 * bytes |ch->value|/|ch->vlen|.  Returns 0 (also for unknown types, which
 * have no decoded fields), GSW_EBADLEN or GSW_EBADVAL.
 */
int gsw_chunk_decode_value(gsw_chunk *ch);

/** Gap block |i| of a decoded SACK (offsets from cum_tsn).  For NR-SACK
 *  the NR gap blocks follow the gap blocks. */
void gsw_sack_gap(const gsw_chunk *ch, unsigned i, uint16_t *pstart,
                  uint16_t *pend);
/** Duplicate TSN |i| of a decoded SACK. */
uint32_t gsw_sack_dup(const gsw_chunk *ch, unsigned i);
/** Stream entry |i| of a decoded (I-)FORWARD-TSN: |*pssn| is the SSN
 *  (FORWARD-TSN) or the flags (I-FORWARD-TSN), |*pmid| the MID
 *  (I-FORWARD-TSN only, 0 otherwise). */
void gsw_fwd_stream(const gsw_chunk *ch, unsigned i, uint16_t *psid,
                    uint16_t *pssn, uint32_t *pmid);

/* ------------------------------------------------------------------ */
/* Encoding                                                            */
/* ------------------------------------------------------------------ */

/** A packet being built into a caller's buffer.  Errors are sticky. */
typedef struct gsw_builder {
  uint8_t *buf;
  size_t cap, len;
  int err; /**< 0 or the first GSW_ENOSPC */
} gsw_builder;

/** Starts a packet with the given common header (checksum 0). */
void gsw_build_start(gsw_builder *b, uint8_t *buf, size_t cap, uint16_t sport,
                     uint16_t dport, uint32_t vtag);
/**
 * `gsw_build_chunk` appends a chunk with |vlen| value bytes, padded with
 * zeros to 4 bytes.  The Chunk Length is 4 + vlen.
 */
void gsw_build_chunk(gsw_builder *b, uint8_t type, uint8_t flags,
                     const void *value, size_t vlen);
/** Appends raw bytes (for deliberately malformed packets). */
void gsw_build_raw(gsw_builder *b, const void *bytes, size_t n);
/** Appends a DATA chunk. */
void gsw_build_data(gsw_builder *b, uint8_t flags, uint32_t tsn, uint16_t sid,
                    uint16_t ssn, uint32_t ppid, const void *payload,
                    size_t payload_len);
/** Appends an INIT or INIT-ACK chunk (|type|) with |paramslen| bytes of
 *  already encoded parameters. */
void gsw_build_init(gsw_builder *b, uint8_t type, uint32_t init_tag,
                    uint32_t a_rwnd, uint16_t os, uint16_t mis,
                    uint32_t initial_tsn, const void *params, size_t paramslen);
/** Appends a SACK; |gaps| holds 2*ngaps offsets (start, end, ...). */
void gsw_build_sack(gsw_builder *b, uint32_t cum_tsn, uint32_t a_rwnd,
                    const uint16_t *gaps, uint16_t ngaps, const uint32_t *dups,
                    uint16_t ndups);
/**
 * `gsw_build_finish` writes the CRC32c and returns the packet length, or
 * GSW_ENOSPC if anything did not fit.
 */
int gsw_build_finish(gsw_builder *b);

/**
 * `gsw_tlv_put` writes a TLV (type, 4 + vlen, value, zero pad) at |dst|
 * (|cap| bytes).  Returns the bytes written (padded) or GSW_ENOSPC.
 */
int gsw_tlv_put(uint8_t *dst, size_t cap, uint16_t type, const void *value,
                size_t vlen);

/* ------------------------------------------------------------------ */
/* Framing: link layer, IPv4/IPv6, UDP encapsulation (RFC 6951)        */
/* ------------------------------------------------------------------ */

/** pcap link types the framing decoder knows (LINKTYPE_* values; DLT_RAW
 *  as Linux's libpcap reports it, 12, is accepted as well). */
enum gsw_linktype {
  GSW_LT_NULL = 0,
  GSW_LT_EN10MB = 1,
  GSW_LT_RAW_DLT = 12,
  GSW_LT_RAW_DLT_BSD = 14,
  GSW_LT_RAW = 101,
  GSW_LT_LOOP = 108,
  GSW_LT_LINUX_SLL = 113,
  GSW_LT_IPV4 = 228,
  GSW_LT_IPV6 = 229,
  GSW_LT_SCTP = 248,
  GSW_LT_LINUX_SLL2 = 276,
};

#define GSW_UDP_PORT 9899   /**< RFC 6951's SCTP-over-UDP port */
#define GSW_MAX_UDP_PORTS 8 /**< UDP ports a framing config can name */

/** Which UDP ports carry SCTP (besides 9899, always). */
typedef struct gsw_frame_cfg {
  uint16_t udp_ports[GSW_MAX_UDP_PORTS];
  unsigned nudp;
} gsw_frame_cfg;

/** What gsw_frame_decode found. */
typedef struct gsw_frame {
  int family;      /**< 4, 6, or 0 (no IP header: LINKTYPE_SCTP) */
  uint8_t src[16]; /**< source address (4 or 16 bytes used) */
  uint8_t dst[16]; /**< destination address */
  int udp;         /**< nonzero: SCTP inside UDP */
  uint16_t usport; /**< UDP ports when |udp| */
  uint16_t udport;
  const uint8_t *sctp; /**< the SCTP packet (borrowed) */
  size_t sctplen;
  int truncated; /**< the IP/UDP length says more than was captured */
} gsw_frame;

/**
 * `gsw_frame_decode` finds the SCTP packet in one captured frame of link
 * type |linktype|.  Returns 0, GSW_ENOTSCTP (some other protocol, an IP
 * fragment, an unknown link type), or GSW_ESHORT / GSW_EBADLEN /
 * GSW_EBADVAL for broken link, IP or UDP headers.  |cfg| may be NULL.
 */
int gsw_frame_decode(gsw_frame *f, int linktype, const uint8_t *p, size_t len,
                     const gsw_frame_cfg *cfg);

/**
 * `gsw_frame_build` writes an IPv4 (|family| 4) or IPv6 (6) packet from
 * |src| to |dst| carrying |sctp|: directly (protocol 132) when |usport|
 * and |udport| are both 0, else inside UDP with those ports (checksums
 * computed).  Returns the length written or GSW_ENOSPC / GSW_EBADVAL.
 */
int gsw_frame_build(uint8_t *out, size_t cap, int family, const uint8_t *src,
                    const uint8_t *dst, uint16_t usport, uint16_t udport,
                    const uint8_t *sctp, size_t sctplen);

#ifdef __cplusplus
}
#endif

#endif /* GSCTP_SCTP_WIRE_H */
