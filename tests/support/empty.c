/* Keeps the support library non-empty. */
typedef int gsctp_test_support_empty;
