/*
 * tresor/tresor.h — the plain C API over tresor::Store.
 *
 * Ownership: a tresor_store is created by tresor_open and released by
 * tresor_close. A value returned by tresor_get is allocated by tresor and must
 * be released with tresor_free_secret, which wipes it first. A listing is
 * released with tresor_list_free; the entries it yields are borrowed from it.
 *
 * Errors: every call that can fail returns a tresor_status and, when err is
 * not NULL, fills it with the code and a message. TRESOR_NOT_FOUND from
 * tresor_get is an answer, not a failure. Messages never hold a secret value.
 *
 * Thread safety: one tresor_store may be used from several threads at once;
 * a tresor_list belongs to one thread at a time.
 */
#ifndef TRESOR_TRESOR_H
#define TRESOR_TRESOR_H

#include <stddef.h>
#include <stdint.h>

#include "tresor/plugin.h" /* tresor_entry, tresor_secret_type, TRESOR_CAP_* */
#include "tresor/status.h"

#ifdef __cplusplus
extern "C" {
#endif

#if defined(TRESOR_BUILDING_LIBRARY) && defined(_WIN32)
#define TRESOR_C_API __declspec(dllexport)
#elif defined(TRESOR_BUILDING_LIBRARY)
#define TRESOR_C_API __attribute__((visibility("default")))
#else
#define TRESOR_C_API
#endif

/* Scopes: what a handle may do. A call outside its scopes fails with
 * TRESOR_PERMISSION_DENIED before any backend is touched. */
#define TRESOR_SCOPE_METADATA (1u << 0) /* list, entries */
#define TRESOR_SCOPE_STORE (1u << 1)    /* set, remove */
#define TRESOR_SCOPE_READ (1u << 2)     /* get, header: the value, raw or as a header */
#define TRESOR_SCOPE_USE (1u << 3)      /* request: tresor sends the credential, never the caller */
#define TRESOR_SCOPE_ALL 0xfu

typedef struct tresor_store tresor_store;
typedef struct tresor_list tresor_list;

typedef struct tresor_error {
    tresor_status code;
    char message[512];
} tresor_error;

typedef struct tresor_set_options {
    uint32_t type;           /* a tresor_secret_type */
    const char* label;       /* may be NULL */
    const char* description; /* may be NULL */
    int64_t expires_at;      /* Unix seconds; 0 = never */
} tresor_set_options;

/* Opens a store. config_path NULL: config discovery (see docs/CONFIG.md). */
TRESOR_C_API tresor_status tresor_open(const char* config_path, tresor_store** store,
                                       tresor_error* err);
/* Opens a store from a TOML document held in memory. */
TRESOR_C_API tresor_status tresor_open_toml(const char* config_toml, tresor_store** store,
                                            tresor_error* err);
TRESOR_C_API void tresor_close(tresor_store* store);

/* A new handle over the same backends holding only `scopes` (TRESOR_SCOPE_*
 * bits), released with tresor_close independently of `store`. Fails with
 * TRESOR_PERMISSION_DENIED, *narrowed = NULL, when `scopes` asks for a scope
 * `store` does not hold: a handle is never widened. Hand the narrowed handle
 * to less trusted code and close your own. */
TRESOR_C_API tresor_status tresor_narrow(const tresor_store* store, uint32_t scopes,
                                         tresor_store** narrowed, tresor_error* err);
/* The TRESOR_SCOPE_* bits this handle holds. */
TRESOR_C_API uint32_t tresor_scopes(const tresor_store* store);

/* service NULL or "": the config's default service. */
TRESOR_C_API tresor_status tresor_set(tresor_store* store, const char* service, const char* name,
                                      const uint8_t* value, size_t value_length,
                                      const tresor_set_options* options, tresor_error* err);

/* tresor_set with a typed credential's fields (docs/CREDENTIALS.md), e.g.
 * {"username":"alice","origins":"https://api.example.com"}: a JSON object of
 * strings, or NULL for none. A field the type does not take, or a malformed
 * object, is TRESOR_INVALID_ARGUMENT. */
TRESOR_C_API tresor_status tresor_set_credential(tresor_store* store, const char* service,
                                                 const char* name, const uint8_t* value,
                                                 size_t value_length,
                                                 const tresor_set_options* options,
                                                 const char* attributes_json, tresor_error* err);

/* TRESOR_OK with *value and *value_length set (free with tresor_free_secret), or
 * TRESOR_NOT_FOUND with *value = NULL. An empty secret gives a non-NULL
 * *value with *value_length = 0. */
TRESOR_C_API tresor_status tresor_get(tresor_store* store, const char* service, const char* name,
                                      uint8_t** value, size_t* value_length, tresor_error* err);
/* The credential rendered as HTTP header lines ("Authorization: Bearer ...",
 * one "Name: value" line per header for custom; docs/CREDENTIALS.md), which
 * needs TRESOR_SCOPE_READ: a header carries the value.
 * TRESOR_OK with *header NUL-terminated (free with tresor_free_secret(header,
 * header_length)), or TRESOR_NOT_FOUND with *header = NULL. A type without
 * a header form is TRESOR_INVALID_ARGUMENT. */
TRESOR_C_API tresor_status tresor_header(tresor_store* store, const char* service, const char* name,
                                         char** header, size_t* header_length, tresor_error* err);
/* An HTTP request tresor makes with a credential (tresor_request). */
typedef struct tresor_http_header {
    const char* name;
    const char* value;
} tresor_http_header;

typedef struct tresor_http_request {
    uint32_t struct_size;              /* sizeof(tresor_http_request) */
    const char* method;                /* NULL: "GET"; CONNECT and TRACE are refused */
    const char* url;                   /* absolute http(s), of one of the credential's origins */
    const tresor_http_header* headers; /* never Host, Authorization, framing headers, ... */
    size_t header_count;
    const uint8_t* body; /* may be NULL when body_length is 0 */
    size_t body_length;
    uint32_t timeout_ms;         /* the whole exchange; 0: 30000 */
    uint64_t max_response_bytes; /* headers and body; 0: 10 MiB */
} tresor_http_request;

/* A response: status, headers and body, with every form of the credential
 * replaced by "[REDACTED]". Released with tresor_response_free. */
typedef struct tresor_response tresor_response;

/* Sends `request` with the credential's header added, only to one of the
 * credential's origins (its `origins` field), and returns the response;
 * needs only TRESOR_SCOPE_USE: the caller makes the API act, never sees the
 * value (docs/CREDENTIALS.md, "Requests"). Redirects are not followed.
 * TRESOR_OK with *response set, TRESOR_NOT_FOUND with *response = NULL, or:
 * TRESOR_PERMISSION_DENIED (no origins, another origin), TRESOR_INVALID_ARGUMENT
 * (a refused URL, method or header), TRESOR_IO (unreachable, TLS, timeout,
 * too large), TRESOR_PLUGIN_ABI (no libcurl). */
TRESOR_C_API tresor_status tresor_request(tresor_store* store, const char* service,
                                          const char* name, const tresor_http_request* request,
                                          tresor_response** response, tresor_error* err);
/* The HTTP status (a 3xx is not followed). */
TRESOR_C_API int tresor_response_status(const tresor_response* response);
/* The index-th header, borrowed until tresor_response_free; 0 past the last. */
TRESOR_C_API int tresor_response_header(const tresor_response* response, size_t index,
                                        const char** name, const char** value);
/* The body, borrowed until tresor_response_free; never NULL. */
TRESOR_C_API const uint8_t* tresor_response_body(const tresor_response* response, size_t* length);
/* 1 when the credential was found in the response and replaced. */
TRESOR_C_API int tresor_response_redacted(const tresor_response* response);
/* NULL is allowed. */
TRESOR_C_API void tresor_response_free(tresor_response* response);

/* Wipes and frees a value from tresor_get. NULL is allowed. */
TRESOR_C_API void tresor_free_secret(uint8_t* value, size_t value_length);

/* *removed = 1 when an entry was removed, 0 when there was none. */
TRESOR_C_API tresor_status tresor_remove(tresor_store* store, const char* service, const char* name,
                                         int* removed, tresor_error* err);

/* service NULL: every service. Metadata only, never values. */
TRESOR_C_API tresor_status tresor_list_open(tresor_store* store, const char* service,
                                            tresor_list** list, tresor_error* err);
/* The next entry, or NULL at the end. Valid until the next call or free.
 * Its attributes are the credential's fields as a JSON object ("" for none). */
TRESOR_C_API const tresor_entry* tresor_list_next(tresor_list* list);
TRESOR_C_API void tresor_list_free(tresor_list* list);

/* "not found", "unavailable", ... for a status code. */
TRESOR_C_API const char* tresor_status_name(tresor_status status);
/* The library's version, e.g. "0.1.0". */
TRESOR_C_API const char* tresor_version(void);

#ifdef __cplusplus
}
#endif

#endif /* TRESOR_TRESOR_H */
