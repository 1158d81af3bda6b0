/*
 * tresor/status.h — the status codes shared by the C API (tresor.h) and the
 * plugin ABI (plugin.h).
 *
 * The values are part of both ABIs: never renumber, only append.
 * TRESOR_NOT_FOUND is an answer, not a failure: a missing secret.
 */
#ifndef TRESOR_STATUS_H
#define TRESOR_STATUS_H

#ifdef __cplusplus
extern "C" {
#endif

typedef enum tresor_status {
    TRESOR_OK = 0,
    TRESOR_NOT_FOUND = 1,         /* no such entry: a normal answer */
    TRESOR_UNAVAILABLE = 2,       /* backend not usable here (no daemon, no bus): try the next */
    TRESOR_LOCKED = 3,            /* backend reachable but locked; no fallback */
    TRESOR_AUTH_FAILED = 4,       /* wrong password or key */
    TRESOR_CORRUPT = 5,           /* stored data failed an integrity check */
    TRESOR_INVALID_ARGUMENT = 6,  /* bad key, value, option or parameter */
    TRESOR_IO = 7,                /* the operating system refused a read or write */
    TRESOR_PERMISSION_DENIED = 8, /* file modes, ownership or access control */
    TRESOR_CONFIG = 9,            /* the configuration is malformed or inconsistent */
    TRESOR_PLUGIN_ABI = 10,       /* a plugin could not be loaded or speaks another ABI */
    TRESOR_INTERNAL = 11          /* a bug or an unexpected exception */
} tresor_status;

#ifdef __cplusplus
}
#endif

#endif /* TRESOR_STATUS_H */
