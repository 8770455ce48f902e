/*
 * tests/test_usrsctp_bugs.c - reproducers of usrsctp 0.9.5 bugs found by
 * tests/test_badinput.c: one forged UDP packet aimed at an
 * association's ports freezes the stack, ends the association, or moves
 * its remote UDP encapsulation port (docs/known-issues.md).
 *
 * This is test_badinput.c built with its usrsctp-bug tests enabled.
 * ctest lists it as disabled (it fails against Debian's usrsctp 0.9.5);
 * run it by hand to see whether a usrsctp still has them:
 *
 *   build/tests/test_usrsctp_bugs --filter 'badinput/one_packet*'
 */
#define GSCTP_USRSCTP_BUGS 1
#include "test_badinput.c"
