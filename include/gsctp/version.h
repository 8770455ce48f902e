/*
 * gsctp/version.h - version numbers and the export macro.
 */
#ifndef GSCTP_VERSION_H
#define GSCTP_VERSION_H

#define GSCTP_VERSION_MAJOR 0
#define GSCTP_VERSION_MINOR 1
#define GSCTP_VERSION_PATCH 0
#define GSCTP_VERSION_STRING "0.1.0"

#if defined(GSCTP_STATICLIB)
#  define GSCTP_EXTERN
#elif defined(BUILDING_GSCTP)
#  define GSCTP_EXTERN __attribute__((visibility("default")))
#else
#  define GSCTP_EXTERN
#endif

#endif /* GSCTP_VERSION_H */
