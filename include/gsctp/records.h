/*
 * gsctp/records.h - gen_sctp's records as C structs.
 *
 * Option records and `sctp_sndrcvinfo` have int64_t fields so that a
 * field can be *unset* (GSCTP_UNDEF, Erlang's `undefined`) and so that an
 * out-of-range value is reported as a typed error (GSCTP_ETYPE) instead of
 * being silently truncated.  Start them from their `_INIT` macro (every
 * field unset) or their `_default()` function (the type defaults).  An
 * unset field is filled with the type default by setopts/send, and with
 * the socket's current value when the record is an option given to
 * connect (see docs/api.md).
 *
 * Event records are delivered by the stack, fully set, with fixed-width
 * fields.
 */
#ifndef GSCTP_RECORDS_H
#define GSCTP_RECORDS_H

#include <stddef.h>
#include <stdint.h>

#include "gsctp/addr.h"
#include "gsctp/version.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Erlang's `undefined` in an option record field. */
#define GSCTP_UNDEF INT64_MIN

/* ------------------------------------------------------------------ */
/* Option and ancillary records                                        */
/* ------------------------------------------------------------------ */

/** `#sctp_initmsg{}`: all uint16; type default 0 (= usrsctp's default). */
typedef struct gsctp_initmsg {
  int64_t num_ostreams;   /**< outbound streams requested */
  int64_t max_instreams;  /**< inbound streams accepted */
  int64_t max_attempts;   /**< INIT retransmissions */
  int64_t max_init_timeo; /**< INIT RTO ceiling, milliseconds */
} gsctp_initmsg;
#define GSCTP_INITMSG_INIT                                                     \
  { GSCTP_UNDEF, GSCTP_UNDEF, GSCTP_UNDEF, GSCTP_UNDEF }

/** Flag bits of `#sctp_sndrcvinfo.flags` (OTP's bit-enum values). */
#define GSCTP_SNDRCV_UNORDERED 1 /**< `unordered` */
#define GSCTP_SNDRCV_ADDR_OVER 2 /**< `addr_over` */
#define GSCTP_SNDRCV_ABORT 4     /**< `abort` */
#define GSCTP_SNDRCV_EOF 8       /**< `eof` */

/**
 * `#sctp_sndrcvinfo{}`: send parameters, and the ancillary data of
 * received data.  On send, ssn, tsn and cumtsn must be unset (or 0) and
 * the others default to 0; on receive every field is set (timetolive 0).
 */
typedef struct gsctp_sndrcvinfo {
  int64_t stream;     /**< stream number, uint16 */
  int64_t ssn;        /**< stream sequence number (received only) */
  int64_t flags;      /**< GSCTP_SNDRCV_* bits */
  int64_t ppid;       /**< payload protocol id, uint32 */
  int64_t context;    /**< opaque context, uint32 */
  int64_t timetolive; /**< PR-SCTP lifetime in ms, uint32; 0 = reliable */
  int64_t tsn;        /**< TSN (received only) */
  int64_t cumtsn;     /**< cumulative TSN (received only) */
  int64_t assoc_id;   /**< association, uint32 */
} gsctp_sndrcvinfo;
#define GSCTP_SNDRCVINFO_INIT                                                  \
  {                                                                            \
    GSCTP_UNDEF, GSCTP_UNDEF, GSCTP_UNDEF, GSCTP_UNDEF, GSCTP_UNDEF,           \
      GSCTP_UNDEF, GSCTP_UNDEF, GSCTP_UNDEF, GSCTP_UNDEF                       \
  }

/** `#sctp_event_subscribe{}`: booleans (0/1); unset means the type
 *  default, which is 1 for the first seven fields and 0 for the last two. */
typedef struct gsctp_event_subscribe {
  int64_t data_io_event;          /**< ancillary sndrcvinfo on data */
  int64_t association_event;      /**< sctp_assoc_change */
  int64_t address_event;          /**< sctp_paddr_change */
  int64_t send_failure_event;     /**< sctp_send_failed */
  int64_t peer_error_event;       /**< sctp_remote_error */
  int64_t shutdown_event;         /**< sctp_shutdown_event */
  int64_t partial_delivery_event; /**< sctp_pdapi_event */
  int64_t adaptation_layer_event; /**< sctp_adaptation_event */
  int64_t authentication_event;   /**< always reads back 0 (as OTP) */
} gsctp_event_subscribe;
#define GSCTP_EVENT_SUBSCRIBE_INIT                                             \
  {                                                                            \
    GSCTP_UNDEF, GSCTP_UNDEF, GSCTP_UNDEF, GSCTP_UNDEF, GSCTP_UNDEF,           \
      GSCTP_UNDEF, GSCTP_UNDEF, GSCTP_UNDEF, GSCTP_UNDEF                       \
  }

/** `#sctp_rtoinfo{}`: retransmission timeout bounds, milliseconds.
 *  assoc_id uint32 (0 = the endpoint: new associations), the rest uint32;
 *  type default 0, which keeps usrsctp's current value. */
typedef struct gsctp_rtoinfo {
  int64_t assoc_id; /**< association, 0 = endpoint */
  int64_t initial;  /**< initial RTO */
  int64_t max;      /**< RTO ceiling */
  int64_t min;      /**< RTO floor */
} gsctp_rtoinfo;
#define GSCTP_RTOINFO_INIT                                                     \
  { GSCTP_UNDEF, GSCTP_UNDEF, GSCTP_UNDEF, GSCTP_UNDEF }

/** `#sctp_assocparams{}` (option `sctp_associnfo`).  asocmaxrxt and
 *  number_peer_destinations uint16, the rest uint32; type default 0
 *  (keeps usrsctp's value).  number_peer_destinations and peer_rwnd are
 *  read-only in usrsctp (ignored on set). */
typedef struct gsctp_assocparams {
  int64_t assoc_id;                 /**< association, 0 = endpoint */
  int64_t asocmaxrxt;               /**< retransmissions before abort */
  int64_t number_peer_destinations; /**< peer addresses (read) */
  int64_t peer_rwnd;                /**< peer's receive window (read) */
  int64_t local_rwnd;               /**< own receive window */
  int64_t cookie_life;              /**< state cookie lifetime, ms */
} gsctp_assocparams;
#define GSCTP_ASSOCPARAMS_INIT                                                 \
  {                                                                            \
    GSCTP_UNDEF, GSCTP_UNDEF, GSCTP_UNDEF, GSCTP_UNDEF, GSCTP_UNDEF,           \
      GSCTP_UNDEF                                                              \
  }

/** `#sctp_prim{}` (option `sctp_primary_addr`): both fields required; an
 *  address whose ip.family is GSCTP_FAMILY_UNSPEC counts as unset. */
typedef struct gsctp_prim {
  int64_t assoc_id; /**< association (required) */
  gsctp_addr addr;  /**< the peer address to use as primary path */
} gsctp_prim;
#define GSCTP_PRIM_INIT                                                        \
  {                                                                            \
    GSCTP_UNDEF, {                                                             \
      {0, {{0}}}, 0                                                            \
    }                                                                          \
  }

/** `#sctp_setpeerprim{}` (option `sctp_set_peer_primary_addr`, set only):
 *  asks the peer to use |addr|, one of our own addresses, as its primary. */
typedef struct gsctp_setpeerprim {
  int64_t assoc_id; /**< association (required) */
  gsctp_addr addr;  /**< our local address (required) */
} gsctp_setpeerprim;
#define GSCTP_SETPEERPRIM_INIT GSCTP_PRIM_INIT

/** `#sctp_setadaptation{}` (option `sctp_adaptation_layer`): uint32,
 *  type default 0. */
typedef struct gsctp_setadaptation {
  int64_t adaptation_ind; /**< sent to peers in INIT/INIT-ACK */
} gsctp_setadaptation;
#define GSCTP_SETADAPTATION_INIT                                               \
  { GSCTP_UNDEF }

/** Flag bits of `#sctp_paddrparams.flags` (OTP's bit-enum order). */
#define GSCTP_SPP_HB_ENABLE 1          /**< `hb_enable` */
#define GSCTP_SPP_HB_DISABLE 2         /**< `hb_disable` */
#define GSCTP_SPP_HB_DEMAND 4          /**< `hb_demand`: one heartbeat now */
#define GSCTP_SPP_PMTUD_ENABLE 8       /**< `pmtud_enable` */
#define GSCTP_SPP_PMTUD_DISABLE 16     /**< `pmtud_disable` (use pathmtu) */
#define GSCTP_SPP_SACKDELAY_ENABLE 32  /**< `sackdelay_enable` */
#define GSCTP_SPP_SACKDELAY_DISABLE 64 /**< `sackdelay_disable` */

/**
 * `#sctp_paddrparams{}` (option `sctp_peer_addr_params`).  assoc_id
 * uint32 (0 = endpoint), address (unset = `{any, 0}`: every path),
 * hbinterval uint32 ms, pathmaxrxt uint16, pathmtu uint32, sackdelay
 * uint32 ms, flags GSCTP_SPP_* bits; type default 0 (keep).  usrsctp has
 * no per-path SACK delay: sackdelay and the sackdelay flags act on the
 * whole association (SCTP_DELAYED_SACK), see docs/api.md.
 */
typedef struct gsctp_paddrparams {
  int64_t assoc_id;   /**< association, 0 = endpoint */
  gsctp_addr address; /**< peer address; UNSPEC = every path */
  int64_t hbinterval; /**< heartbeat interval, ms */
  int64_t pathmaxrxt; /**< retransmissions before the path is inactive */
  int64_t pathmtu;    /**< fixed path MTU (with pmtud_disable) */
  int64_t sackdelay;  /**< delayed SACK timer, ms */
  int64_t flags;      /**< GSCTP_SPP_* */
} gsctp_paddrparams;
#define GSCTP_PADDRPARAMS_INIT                                                 \
  {                                                                            \
    GSCTP_UNDEF, {{0, {{0}}}, 0}, GSCTP_UNDEF, GSCTP_UNDEF, GSCTP_UNDEF,       \
      GSCTP_UNDEF, GSCTP_UNDEF                                                 \
  }

/** `#sctp_assoc_value{}` (option `sctp_delayed_ack_time`): uint32 each,
 *  type default 0.  assoc_value is the delayed-SACK time in ms; 0 turns
 *  delayed SACK off (a SACK for every packet). */
typedef struct gsctp_assoc_value {
  int64_t assoc_id;    /**< association, 0 = endpoint */
  int64_t assoc_value; /**< the value */
} gsctp_assoc_value;
#define GSCTP_ASSOC_VALUE_INIT                                                 \
  { GSCTP_UNDEF, GSCTP_UNDEF }

/** The `{linger, {OnOff, Seconds}}` option value. */
typedef struct gsctp_linger {
  int64_t onoff;   /**< 0 or 1 */
  int64_t seconds; /**< 0..INT_MAX; with onoff 1 and 0, close aborts */
} gsctp_linger;

/** `#sctp_paddrinfo.state` values. */
typedef enum gsctp_paddr_state {
  GSCTP_PADDR_UNDEFINED = 0,
  GSCTP_PADDR_ACTIVE = 1,
  GSCTP_PADDR_INACTIVE = 2,
  GSCTP_PADDR_UNCONFIRMED = 3,
} gsctp_paddr_state;

/** `#sctp_paddrinfo{}` (read-only). */
typedef struct gsctp_paddrinfo {
  uint32_t assoc_id;  /**< association */
  gsctp_addr address; /**< the peer address of this path */
  int state;          /**< gsctp_paddr_state */
  uint32_t cwnd;      /**< congestion window, bytes */
  uint32_t srtt;      /**< smoothed RTT, ms */
  uint32_t rto;       /**< retransmission timeout, ms */
  uint32_t mtu;       /**< path MTU, bytes */
} gsctp_paddrinfo;

/** `#sctp_status.state` values (OTP's atoms, not the doc's). */
typedef enum gsctp_assoc_state {
  GSCTP_STATE_UNDEFINED = 0,
  GSCTP_STATE_EMPTY,
  GSCTP_STATE_CLOSED,
  GSCTP_STATE_BOUND,
  GSCTP_STATE_LISTEN,
  GSCTP_STATE_COOKIE_WAIT,
  GSCTP_STATE_COOKIE_ECHOED,
  GSCTP_STATE_ESTABLISHED,
  GSCTP_STATE_SHUTDOWN_PENDING,
  GSCTP_STATE_SHUTDOWN_SENT,
  GSCTP_STATE_SHUTDOWN_RECEIVED,
  GSCTP_STATE_SHUTDOWN_ACK_SENT,
} gsctp_assoc_state;

/** `#sctp_status{}` (read-only; assoc_id is required on get). */
typedef struct gsctp_status {
  uint32_t assoc_id;            /**< association (input) */
  int state;                    /**< gsctp_assoc_state */
  uint32_t rwnd;                /**< peer's receive window */
  uint16_t unackdata;           /**< unacknowledged DATA chunks */
  uint16_t penddata;            /**< DATA chunks pending receipt */
  uint16_t instrms;             /**< inbound streams */
  uint16_t outstrms;            /**< outbound streams */
  uint32_t fragmentation_point; /**< largest unfragmented message */
  gsctp_paddrinfo primary;      /**< the primary path */
} gsctp_status;

/* ------------------------------------------------------------------ */
/* Event records                                                       */
/* ------------------------------------------------------------------ */

/** `#sctp_assoc_change.state` values. */
typedef enum gsctp_assoc_change_state {
  GSCTP_COMM_UP = 1,
  GSCTP_COMM_LOST = 2,
  GSCTP_RESTART = 3,
  GSCTP_SHUTDOWN_COMP = 4,
  GSCTP_CANT_ASSOC = 5,
} gsctp_assoc_change_state;

/** `#sctp_assoc_change{}`.  Default (as the hrl): state cant_assoc, all 0. */
typedef struct gsctp_assoc_change {
  int state;                 /**< gsctp_assoc_change_state */
  uint16_t error;            /**< SCTP error cause code, 0 if none */
  uint16_t outbound_streams; /**< negotiated outbound streams */
  uint16_t inbound_streams;  /**< negotiated inbound streams */
  uint32_t assoc_id;         /**< the association */
} gsctp_assoc_change;

/** `#sctp_paddr_change.state` values. */
typedef enum gsctp_paddr_change_state {
  GSCTP_ADDR_AVAILABLE = 1,
  GSCTP_ADDR_UNREACHABLE = 2,
  GSCTP_ADDR_REMOVED = 3,
  GSCTP_ADDR_ADDED = 4,
  GSCTP_ADDR_MADE_PRIM = 5,
  GSCTP_ADDR_CONFIRMED = 6,
} gsctp_paddr_change_state;

/** `#sctp_paddr_change{}`. */
typedef struct gsctp_paddr_change {
  gsctp_addr addr;   /**< the peer address concerned */
  int state;         /**< gsctp_paddr_change_state */
  uint32_t error;    /**< error code, 0 if none */
  uint32_t assoc_id; /**< the association */
} gsctp_paddr_change;

/** `#sctp_remote_error{}`: an ERROR chunk from the peer. */
typedef struct gsctp_remote_error {
  uint16_t error;    /**< first cause code */
  uint32_t assoc_id; /**< the association */
  uint16_t *data;    /**< every cause code in the chunk (owned by the item) */
  size_t ndata;      /**< number of entries in |data| */
} gsctp_remote_error;

/** `#sctp_send_failed{}`: a message that could not be delivered. */
typedef struct gsctp_send_failed {
  int flags;             /**< 1 (`true`): it was on the wire; 0: unsent */
  uint32_t error;        /**< error code */
  gsctp_sndrcvinfo info; /**< the message's send parameters */
  uint32_t assoc_id;     /**< the association */
  uint8_t *data;         /**< the undelivered payload (owned by the item) */
  size_t datalen;        /**< bytes in |data| */
} gsctp_send_failed;

/** `#sctp_shutdown_event{}`: the peer started a graceful shutdown. */
typedef struct gsctp_shutdown_event {
  uint32_t assoc_id; /**< the association */
} gsctp_shutdown_event;

/** `#sctp_adaptation_event{}`. */
typedef struct gsctp_adaptation_event {
  uint32_t adaptation_ind; /**< the peer's adaptation layer indication */
  uint32_t assoc_id;       /**< the association */
} gsctp_adaptation_event;

/** `#sctp_pdapi_event.indication` values. */
#define GSCTP_PARTIAL_DELIVERY_ABORTED 1

/** `#sctp_pdapi_event{}`. */
typedef struct gsctp_pdapi_event {
  int indication;    /**< GSCTP_PARTIAL_DELIVERY_ABORTED */
  uint32_t assoc_id; /**< the association */
} gsctp_pdapi_event;

/** Which event record a gsctp_event holds. */
typedef enum gsctp_event_type {
  GSCTP_EV_NONE = 0,
  GSCTP_EV_ASSOC_CHANGE,
  GSCTP_EV_PADDR_CHANGE,
  GSCTP_EV_REMOTE_ERROR,
  GSCTP_EV_SEND_FAILED,
  GSCTP_EV_SHUTDOWN,
  GSCTP_EV_ADAPTATION,
  GSCTP_EV_PDAPI,
} gsctp_event_type;

/** One event record (a tagged union). */
typedef struct gsctp_event {
  int type; /**< gsctp_event_type: which member is valid */
  union {
    gsctp_assoc_change assoc_change;
    gsctp_paddr_change paddr_change;
    gsctp_remote_error remote_error;
    gsctp_send_failed send_failed;
    gsctp_shutdown_event shutdown;
    gsctp_adaptation_event adaptation;
    gsctp_pdapi_event pdapi;
  } u;
} gsctp_event;

/* ------------------------------------------------------------------ */
/* Defaults and names                                                  */
/* ------------------------------------------------------------------ */

/** `gsctp_initmsg_default` returns the type defaults (all 0). */
GSCTP_EXTERN gsctp_initmsg gsctp_initmsg_default(void);
/** `gsctp_sndrcvinfo_default` returns the type defaults for sending
 *  (stream 0, flags 0, ppid 0, context 0, ttl 0, assoc 0; ssn, tsn and
 *  cumtsn unset). */
GSCTP_EXTERN gsctp_sndrcvinfo gsctp_sndrcvinfo_default(void);
/** `gsctp_event_subscribe_default` returns the type defaults (seven 1s,
 *  then adaptation_layer_event 0 and authentication_event 0). */
GSCTP_EXTERN gsctp_event_subscribe gsctp_event_subscribe_default(void);
/** `gsctp_assoc_change_default` returns the hrl default record
 *  (state cant_assoc, everything else 0). */
GSCTP_EXTERN gsctp_assoc_change gsctp_assoc_change_default(void);

/** Atom of an assoc_change state ("comm_up", ...), or "unknown". */
GSCTP_EXTERN const char *gsctp_assoc_change_state_name(int state);
/** Atom of a paddr_change state ("addr_available", ...), or "unknown". */
GSCTP_EXTERN const char *gsctp_paddr_change_state_name(int state);
/** Atom of an sctp_status state ("established", ...), or "undefined". */
GSCTP_EXTERN const char *gsctp_assoc_state_name(int state);
/** Atom of a paddrinfo state ("active", ...), or "undefined". */
GSCTP_EXTERN const char *gsctp_paddr_state_name(int state);
/** Record name of an event type ("sctp_assoc_change", ...), or "none". */
GSCTP_EXTERN const char *gsctp_event_type_name(int type);

#ifdef __cplusplus
}
#endif

#endif /* GSCTP_RECORDS_H */
