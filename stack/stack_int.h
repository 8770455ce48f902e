/*
 * stack_int.h - what the front end (and tests) may use of the stack
 * beyond the public gsctp/stack.h.  Not installed.
 */
#ifndef GSCTP_STACK_INT_H
#define GSCTP_STACK_INT_H

#include <netinet/in.h>
#include <stdint.h>
#include <sys/socket.h>
#include <usrsctp.h>

#include "gsctp/link.h"
#include "gsctp/stack.h"

/*
 * gsctp_stack_set_close_all_hook registers the function the stack calls
 * at shutdown to close every front-end socket.  Called once, by the
 * front end.
 */
void gsctp_stack_set_close_all_hook(void (*fn)(void));

/*
 * gsctp_stack_start_port starts the stack on UDP port |port| (0 = a free
 * port, -1 = environment/default) unless it runs already.  Returns 0 if
 * the stack runs on that port afterwards (or |port| is -1 and it runs on
 * any port), GSCTP_EINVAL if it runs on another port, or a start error.
 */
int gsctp_stack_start_port(int port);

/*
 * gsctp_stack_has_udp returns nonzero if the running stack has a UDP
 * encapsulation port.
 */
int gsctp_stack_has_udp(void);

/*
 * gsctp_link_is_live returns nonzero if |p| is a link that exists now.
 */
int gsctp_link_is_live(const void *p);

/* The AF_CONN output function given to usrsctp_init (link.c). */
int gsctp_link_conn_output(void *addr, void *buf, size_t len, uint8_t tos,
                           uint8_t set_df);

/*
 * The pseudo-random decisions of an impaired in-memory link (link.c),
 * exposed so that tests can check they are reproducible.
 */
typedef struct gsctp_impair_state {
  uint64_t s;
} gsctp_impair_state;

typedef struct gsctp_impair_decision {
  int copies;           /* 0 = lost, 1, or 2 = duplicated */
  uint64_t delay_ms[2]; /* per copy */
  int reordered[2];     /* per copy: held back to be overtaken */
} gsctp_impair_decision;

void gsctp_impair_seed(gsctp_impair_state *r, uint64_t seed);
void gsctp_impair_decide(gsctp_impair_state *r,
                         const gsctp_link_impairment *imp,
                         gsctp_impair_decision *d);

/* Stop the link thread and forget every link (at stack shutdown). */
void gsctp_link_shutdown_all(void);

/* ---- crc32c.c: CRC32c with the SSE4.2 instruction ---- */

/* Route usrsctp's CRC32c through the SSE4.2 instruction from now on (if
 * the CPU has it).  Returns 1 if the fast path is on. */
int gsctp_crc32c_enable(void);
/* 1 if usrsctp's CRC32c calls reach gsctp's calculate_crc32c. */
int gsctp_crc32c_interposed(void);
/* The unfinalised CRC32c update computed by the hardware path (bitwise on
 * CPUs without SSE4.2) and by usrsctp's own code, for tests. */
uint32_t gsctp_crc32c_update_hw(uint32_t crc, const void *buf, size_t len);
uint32_t gsctp_crc32c_update_usrsctp(uint32_t crc, const void *buf, size_t len);

#endif /* GSCTP_STACK_INT_H */
