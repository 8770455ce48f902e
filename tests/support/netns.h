/*
 * tests/support/netns.h - two network namespaces joined by two veth
 * pairs: two independent paths for multi-homing tests.
 *
 *   namespace A (gs-mh-<pid>-a)          namespace B (gs-mh-<pid>-b)
 *   mha1 198.18.1.1/24 fd00:81:1::1/64 -- mhb1 198.18.1.2/24 fd00:81:1::2/64
 *   mha2 198.18.2.1/24 fd00:81:2::1/64 -- mhb2 198.18.2.2/24 fd00:81:2::2/64
 *
 * The IPv4 addresses are in 198.18.0.0/15 (RFC 2544), not a private
 * range: usrsctp leaves private IPv4 addresses out of the INIT of an
 * association begun over a global IPv6 address (its "IPv4 local scope"),
 * which the mixed IPv4+IPv6 test needs.
 * Both namespaces have lo up, IPv6 addresses without DAD (usable at
 * once) and keep_addr_on_down, so taking a link down keeps its IPv6
 * address (usrsctp snapshots addresses when its stack starts).  The
 * namespaces are made with `ip netns`, so they need root (CAP_SYS_ADMIN)
 * and the `ip` tool; tn_available() says whether that is the case.
 *
 * None of these functions uses Criterion: they return codes, so forked
 * children and the gsctp-failover program can use them too.
 */
#ifndef GSCTP_TEST_NETNS_H
#define GSCTP_TEST_NETNS_H

#include <stddef.h>
#include <stdint.h>

#include <gsctp/gsctp.h>

#ifdef __cplusplus
extern "C" {
#endif

/** The two namespaces of one test. */
typedef struct tn_net {
  char name[2][32]; /**< namespace names, [0] = A, [1] = B */
  char path[2][64]; /**< /var/run/netns/<name> */
  int created[2];   /**< nonzero once made (tn_destroy removes them) */
} tn_net;

/** Sides and paths. */
enum { TN_A = 0, TN_B = 1 };

/**
 * `tn_available` checks that namespaces can be made here (running as
 * root, `ip` found).  Returns 1, or 0 with the reason in |why| (|whylen|
 * bytes).
 */
int tn_available(char *why, size_t whylen);

/**
 * `tn_cleanup_stale` removes gs-mh-<pid>-* namespaces whose process
 * <pid> no longer exists (left behind by a test that was killed).
 */
void tn_cleanup_stale(void);

/**
 * `tn_create` makes the two namespaces (names with the caller's pid) and
 * the two veth pairs with their addresses, after tn_cleanup_stale().
 * Returns 0, or -1 with what failed in |why|; on failure whatever was
 * made is removed again.
 */
int tn_create(tn_net *net, char *why, size_t whylen);

/** `tn_destroy` removes the namespaces (idempotent; safe on a zeroed
 *  tn_net).  Processes still inside keep their namespace alive until
 *  they exit. */
void tn_destroy(tn_net *net);

/** The address of |side| (TN_A/TN_B) on |path| (1 or 2) in |family|
 *  (GSCTP_FAMILY_INET or _INET6). */
gsctp_ip tn_ip(int family, int side, int path);

/** The interface name of |side| on |path| ("mha1" ...). */
const char *tn_ifname(int side, int path);

/**
 * `tn_link_set` sets the interface of |side| on |path| up (|up| 1) or
 * down (0).  Returns 0 or -1.
 */
int tn_link_set(const tn_net *net, int side, int path, int up);

/**
 * `tn_counters` reads the packet counters of the interface of |side| on
 * |path| (from /proc/net/dev inside the namespace).  Either out-pointer
 * may be NULL.  Returns 0 or -1.
 */
int tn_counters(const tn_net *net, int side, int path, uint64_t *prx,
                uint64_t *ptx);

/**
 * `tn_enter` moves the calling thread into the namespace of |side|
 * (setns).  For forked children before they start their stack.
 * Returns 0 or -1.
 */
int tn_enter(const tn_net *net, int side);

/**
 * `tn_run` runs the command |argv| (NULL-terminated; argv[0] looked up
 * in PATH) with its output discarded, for at most |timeout_ms|.
 * Returns its exit status (0..255), or -1 if it could not run or was
 * killed.
 */
int tn_run(char *const argv[], int timeout_ms);

#ifdef __cplusplus
}
#endif

#endif /* GSCTP_TEST_NETNS_H */
