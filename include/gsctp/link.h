/*
 * gsctp/link.h - AF_CONN links: SCTP packets as bytes in, bytes out.
 *
 * A link is one usrsctp AF_CONN "address".  Sockets opened with family
 * GSCTP_FAMILY_CONN bind to a link (gsctp_ip_conn(link)) and connect to
 * a peer socket on the same link by its port.  Every SCTP packet a link
 * carries is a bare SCTP packet (common header and chunks, no IP or UDP
 * header).
 *
 * Two kinds of link:
 *  - in-memory (gsctp_link_new_memory): packets sent on the link are
 *    queued and fed back into the stack by the stack's link thread, so
 *    two gsctp sockets in one process associate without any network;
 *  - user links (gsctp_link_new): gsctp calls the user's output function
 *    with each packet to send, and the user hands each received packet
 *    to gsctp_link_input().  That is how TUN devices and UDP sockets the
 *    application owns plug in.
 */
#ifndef GSCTP_LINK_H
#define GSCTP_LINK_H

#include <stddef.h>
#include <stdint.h>

#include "gsctp/version.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct gsctp_link gsctp_link;

/**
 * A link's output function.  Called by the stack, from any of the
 * stack's threads, with one SCTP packet to transmit.  |pkt| is borrowed:
 * copy it before returning.  It must not call back into gsctp or block
 * for long.  A failed transmission is a loss that SCTP recovers from.
 */
typedef void (*gsctp_link_output_fn)(void *user, const uint8_t *pkt,
                                     size_t pktlen, uint8_t tos);

/**
 * `gsctp_link_new_memory` creates an in-memory link in the running stack
 * (starting it with the defaults if needed) and stores it in |*plink|.
 * The caller owns the link and frees it with gsctp_link_del().
 *
 * This function returns 0 if it succeeds, or one of the following
 * negative error codes:
 *
 * GSCTP_EBADARG: |plink| is NULL.
 * GSCTP_ENOMEM: out of memory.
 * any error of gsctp_stack_ensure().
 */
GSCTP_EXTERN int gsctp_link_new_memory(gsctp_link **plink);

/**
 * `gsctp_link_new` creates a user link whose outgoing packets go to
 * |output| (called with |user|).  |user| is borrowed for the link's life.
 * The caller frees the link with gsctp_link_del().
 *
 * Returns 0, GSCTP_EBADARG (|plink| or |output| NULL), GSCTP_ENOMEM, or
 * an error of gsctp_stack_ensure().
 */
GSCTP_EXTERN int gsctp_link_new(gsctp_link **plink, gsctp_link_output_fn output,
                                void *user);

/**
 * `gsctp_link_input` hands one received SCTP packet to the stack.
 * |pkt| is copied.  A malformed packet or one with a bad checksum is
 * dropped and counted (gsctp_stack_get_stats), never an error here.
 * Must not be called from inside the link's output function.
 *
 * Returns 0, GSCTP_EBADARG (NULL link, or NULL |pkt| with |pktlen| > 0),
 * or GSCTP_EMSGSIZE (|pktlen| over 65535).
 */
GSCTP_EXTERN int gsctp_link_input(gsctp_link *link, const uint8_t *pkt,
                                  size_t pktlen);

/**
 * `gsctp_link_set_loss` makes an in-memory link drop every |every_nth|
 * packet it carries (0 turns loss off).  For tests.  Returns 0 or
 * GSCTP_EBADARG (NULL link, or not an in-memory link).
 */
GSCTP_EXTERN int gsctp_link_set_loss(gsctp_link *link, unsigned every_nth);

/**
 * Impairments of an in-memory link, for tests and simulations.  Every
 * decision comes from a pseudo-random generator seeded with |seed|, one
 * draw sequence per link, so the same seed and the same sequence of
 * packets give the same losses, duplicates and delays.  Probabilities are
 * in [0, 1]; 0 turns that impairment off.
 *
 * For each packet offered to the link, in this order:
 *  - |loss|: the packet is dropped;
 *  - |duplicate|: a second copy is delivered as well (with its own delay);
 *  - every copy is delivered after |delay_ms| plus a uniform extra delay
 *    in [0, |jitter_ms|];
 *  - |reorder|: the copy is held back |reorder_ms| more (5 ms if 0), so
 *    that packets sent after it overtake it.
 */
typedef struct gsctp_link_impairment {
  uint64_t seed;
  double loss;
  double duplicate;
  double reorder;
  unsigned delay_ms;
  unsigned jitter_ms;
  unsigned reorder_ms;
} gsctp_link_impairment;

/** What an in-memory link did to the packets offered to it. */
typedef struct gsctp_link_stats {
  uint64_t offered;    /* packets the stack sent on the link */
  uint64_t dropped;    /* lost (impairment or gsctp_link_set_loss) */
  uint64_t duplicated; /* extra copies delivered */
  uint64_t reordered;  /* copies held back to be overtaken */
  uint64_t delivered;  /* copies handed back to the stack */
} gsctp_link_stats;

/**
 * `gsctp_link_set_impairment` applies |imp| to an in-memory link from the
 * next packet on (NULL turns every impairment off).  |imp| is copied.
 * Packets already queued keep their delivery times.
 *
 * Returns 0, or GSCTP_EBADARG: NULL or deleted link, not an in-memory
 * link, a probability outside [0, 1] (or NaN), or a delay over 60,000 ms.
 */
GSCTP_EXTERN int gsctp_link_set_impairment(gsctp_link *link,
                                           const gsctp_link_impairment *imp);

/**
 * `gsctp_link_get_stats` copies |link|'s counters into |*st|.
 * Returns 0, or GSCTP_EBADARG (NULL argument or deleted link).
 */
GSCTP_EXTERN int gsctp_link_get_stats(const gsctp_link *link,
                                      gsctp_link_stats *st);

/**
 * `gsctp_link_packets` returns how many packets |link| has carried
 * (sent through it), or 0 for NULL.
 */
GSCTP_EXTERN uint64_t gsctp_link_packets(const gsctp_link *link);

/**
 * `gsctp_link_del` deregisters |link| and frees it.  Sockets still bound
 * to it lose their path (their associations time out or must be closed
 * first).  `gsctp_link_del(NULL)` is a no-op.
 */
GSCTP_EXTERN void gsctp_link_del(gsctp_link *link);

#ifdef __cplusplus
}
#endif

#endif /* GSCTP_LINK_H */
