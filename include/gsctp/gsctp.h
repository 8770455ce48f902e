/*
 * gsctp/gsctp.h - umbrella header: include this to use gsctp.
 */
#ifndef GSCTP_GSCTP_H
#define GSCTP_GSCTP_H

#include "gsctp/version.h"
#include "gsctp/err.h"
#include "gsctp/addr.h"
#include "gsctp/records.h"
#include "gsctp/stack.h"
#include "gsctp/link.h"
#include "gsctp/sctp.h"
#include "gsctp/owner.h"
#include "gsctp/capture.h"

#endif /* GSCTP_GSCTP_H */
