/*
 * tresor/plugin.h — the C ABI between the tresor host and a backend plugin.
 *
 * A plugin is a shared library exporting one function, tresor_plugin_entry,
 * that returns a pointer to a static, immutable tresor_plugin table. A plugin
 * compiled into libtresor instead exports nothing and is registered by a
 * uniquely named entry, tresor_plugin_<name>_entry, with the same signature.
 *
 * Rules (docs/PLUGINS.md has the reasons):
 *  - Only C types cross this boundary. No exception may leave a plugin
 *    function; each entry point catches everything and returns a status.
 *  - Strings are NUL-terminated UTF-8, borrowed for the duration of the call.
 *  - Nothing allocated on one side is freed on the other. Secret bytes travel
 *    from a plugin to the host only through a tresor_secret_sink, called at
 *    most once per get; the host copies them into memory it wipes. Plugins
 *    wipe their own temporaries before freeing them.
 *  - Diagnostics go into the host-owned tresor_diag. A diagnostic never holds
 *    a secret value: names, paths and versions only.
 *  - The host never calls into one plugin context from two threads at once;
 *    probe may be called from any thread.
 *  - The table only grows at its end. The host reads a field only if it lies
 *    within struct_size; a newer minor version appends, a new major version
 *    means an incompatible change and the host refuses the plugin.
 */
#ifndef TRESOR_PLUGIN_H
#define TRESOR_PLUGIN_H

#include <stddef.h>
#include <stdint.h>

#include "tresor/status.h"

#ifdef __cplusplus
extern "C" {
#endif

#define TRESOR_PLUGIN_ABI_MAJOR 1
#define TRESOR_PLUGIN_ABI_MINOR 2

/* Capability bits: what a backend can honestly promise. */
#define TRESOR_CAP_PERSISTENT (1u << 0) /* survives a reboot */
#define TRESOR_CAP_SHARED (1u << 1)     /* visible to other processes of the same user */
#define TRESOR_CAP_LIST (1u << 2)       /* list() enumerates entries */
#define TRESOR_CAP_METADATA (1u << 3)   /* keeps type, label, description, times */
#define TRESOR_CAP_BINARY (1u << 4)     /* values may hold any byte, NUL included */
#define TRESOR_CAP_EXPIRY (1u << 5)     /* honours expires_at by itself */
#define TRESOR_CAP_ATTRIBUTES (1u << 6) /* ABI 1.1: keeps tresor_entry.attributes */

/* Does the struct *s, as its sender built it (s->struct_size), reach far
 * enough to hold `field`? Read a field added after ABI 1.0 only when it does. */
#define TRESOR_STRUCT_HAS(s, type, field) \
    ((s)->struct_size >= offsetof(type, field) + sizeof((s)->field))

/* Secret types; the numbers are stored by backends, so never renumber. */
typedef enum tresor_secret_type {
    TRESOR_TYPE_PASSWORD = 0,
    TRESOR_TYPE_API_KEY = 1,
    TRESOR_TYPE_BEARER_TOKEN = 2,
    TRESOR_TYPE_BASIC_AUTH = 3,
    TRESOR_TYPE_OAUTH2 = 4,
    TRESOR_TYPE_JWT = 5,
    TRESOR_TYPE_CUSTOM = 6
} tresor_secret_type;

/* A message from the plugin to the host; host-owned, zeroed before each call. */
typedef struct tresor_diag {
    char message[512]; /* NUL-terminated; never a secret value */
} tresor_diag;

/* One backend parameter from the config, e.g. {"path", "/var/lib/x.db"}.
 * Nested TOML tables arrive flattened with dots: {"kdf.memory_mib", "256"}. */
typedef struct tresor_param {
    const char* key;
    const char* value;
} tresor_param;

typedef struct tresor_key {
    const char* service; /* never NULL, never empty */
    const char* name;    /* never NULL, never empty */
} tresor_key;

/* Metadata of one entry, never its value. In set() the host fills type,
 * label, description and expires_at; the backend keeps the times itself.
 * Times are Unix seconds; 0 means unknown (or, for expires_at, never). */
typedef struct tresor_entry {
    uint32_t struct_size;    /* sizeof(tresor_entry) of the side that filled it */
    const char* service;     /* borrowed; valid only during the call or callback */
    const char* name;        /* borrowed */
    const char* id;          /* backend's stable identifier, or NULL */
    uint32_t type;           /* a tresor_secret_type */
    const char* label;       /* may be NULL */
    const char* description; /* may be NULL */
    int64_t created_at;
    int64_t updated_at;
    int64_t last_used_at;
    int64_t expires_at;
    /* fields above: ABI 1.0 */
    /* A credential's non-secret fields (username, token_url, ...) as one JSON
     * object of strings, keys sorted; NULL or "" for none. Opaque to a plugin:
     * it stores and returns the text as given. The host sets it only for a
     * plugin with TRESOR_CAP_ATTRIBUTES (docs/CREDENTIALS.md). */
    const char* attributes;
    /* fields above: ABI 1.1 */
} tresor_entry;

/* One entry of set_many (ABI 1.1); the layout of this array element never
 * changes within ABI 1.x. All pointers are borrowed for the call. */
typedef struct tresor_batch_item {
    const tresor_key* key;
    const uint8_t* value;
    size_t value_length;
    const tresor_entry* meta; /* as in set(): never NULL */
} tresor_batch_item;

/* Receives a secret's bytes. Called at most once per get. Returns 0 when the
 * host took the bytes, non-zero when it could not (the plugin then returns
 * TRESOR_INTERNAL). The bytes are borrowed: the plugin wipes them afterwards. */
typedef int (*tresor_secret_sink)(void* host_ctx, const uint8_t* bytes, size_t length);

/* Receives one entry of a listing. Returns 0 to continue, non-zero to stop. */
typedef int (*tresor_entry_sink)(void* host_ctx, const tresor_entry* entry);

/* ABI 1.2: what the host's call in progress is for, for a backend that keeps
 * an audit log (the vault's, docs/VAULT-FORMAT.md). */
#define TRESOR_PURPOSE_READ 0u /* a get whose value goes to the caller */
#define TRESOR_PURPOSE_USE 1u  /* a get whose value is rendered as a request header, never returned */
typedef struct tresor_call_info {
    uint32_t struct_size;
    uint32_t purpose;  /* TRESOR_PURPOSE_*; READ for every call but such a get */
    const char* actor; /* never NULL: "" for the program itself, "token:<id>" for a tresor
                        * serve session; valid until the call returns */
} tresor_call_info;

/* Services the host offers a plugin, e.g. asking the person at the terminal
 * for a password. Passed to open(); stays valid until close() of that context
 * (a vault created on first write asks for its new password then). */
typedef struct tresor_host {
    uint32_t struct_size;
    void* ctx;
    /* Ask for a password without echo. Returns TRESOR_OK after calling sink
     * once, TRESOR_LOCKED when prompting is not possible or not allowed (no
     * terminal, CI), with the reason in diag. */
    tresor_status (*read_password)(void* ctx, const char* prompt, tresor_secret_sink sink,
                                   void* sink_ctx, tresor_diag* diag);
    /* ABI 1.2: fills info (whose struct_size the plugin sets) for the call the
     * host is making into the plugin now (get, set, set_many, remove). Read it
     * only when TRESOR_STRUCT_HAS(host, tresor_host, call_info) and not NULL. */
    void (*call_info)(void* ctx, tresor_call_info* info);
} tresor_host;

typedef struct tresor_plugin {
    uint32_t abi_major;    /* TRESOR_PLUGIN_ABI_MAJOR the plugin was built with */
    uint32_t abi_minor;    /* TRESOR_PLUGIN_ABI_MINOR the plugin was built with */
    uint32_t struct_size;  /* sizeof(tresor_plugin) the plugin was built with */
    uint32_t capabilities; /* TRESOR_CAP_* bits */
    const char* name;      /* e.g. "vault"; [a-z0-9-]+ */
    const char* version;   /* the plugin's own version, e.g. "0.1.0" */
    const char* summary;   /* one line for `tresor plugins` */

    /* Is the backend usable here? Fast (well under a second) and side-effect
     * free: no prompt, no file created. TRESOR_UNAVAILABLE with the reason in
     * diag moves the host on to the next backend in the chain. */
    tresor_status (*probe)(const tresor_param* params, size_t param_count, tresor_diag* diag);

    /* Opens a context with the backend's config parameters. An unknown
     * parameter is TRESOR_INVALID_ARGUMENT naming the key. TRESOR_UNAVAILABLE
     * moves the host on; TRESOR_LOCKED and TRESOR_AUTH_FAILED do not. */
    tresor_status (*open)(const tresor_param* params, size_t param_count, const tresor_host* host,
                          void** ctx, tresor_diag* diag);

    /* Releases a context; wipes whatever key material it holds. */
    void (*close)(void* ctx);

    /* TRESOR_OK after calling sink once, or TRESOR_NOT_FOUND. */
    tresor_status (*get)(void* ctx, const tresor_key* key, tresor_secret_sink sink, void* sink_ctx,
                         tresor_diag* diag);

    /* Creates or replaces an entry. meta is never NULL. */
    tresor_status (*set)(void* ctx, const tresor_key* key, const uint8_t* value,
                         size_t value_length, const tresor_entry* meta, tresor_diag* diag);

    /* *removed = 1 when an entry was removed, 0 when there was none. */
    tresor_status (*remove)(void* ctx, const tresor_key* key, int* removed, tresor_diag* diag);

    /* Calls sink for each entry of service, or of every service when service
     * is NULL. Never reads a secret value. */
    tresor_status (*list)(void* ctx, const char* service, tresor_entry_sink sink, void* sink_ctx,
                          tresor_diag* diag);

    /* Calls sink once with one entry's metadata, or returns TRESOR_NOT_FOUND. */
    tresor_status (*stat)(void* ctx, const tresor_key* key, tresor_entry_sink sink, void* sink_ctx,
                          tresor_diag* diag);

    /* Fields above: ABI 1.0. */

    /* ABI 1.1, optional (NULL, or beyond the struct_size of a 1.0 table):
     * creates or replaces count entries, all or none, e.g. in one
     * transaction. Without it the host calls set() once per entry and undoes
     * the earlier ones when one fails. */
    tresor_status (*set_many)(void* ctx, const tresor_batch_item* items, size_t count,
                              tresor_diag* diag);

    /* ABI 1.x appends new fields here, and only here. */
} tresor_plugin;

/* The one symbol a plugin library exports. It returns the plugin's table
 * whatever the host's version: the host compares abi_major and refuses a
 * mismatch with a message naming both versions. */
typedef const tresor_plugin* (*tresor_plugin_entry_fn)(uint32_t host_abi_major,
                                                       uint32_t host_abi_minor);

#define TRESOR_PLUGIN_ENTRY_SYMBOL "tresor_plugin_entry"

/* Marks a plugin's tresor_plugin_entry for export from its shared library. */
#if defined(_WIN32)
#define TRESOR_PLUGIN_EXPORT __declspec(dllexport)
#else
#define TRESOR_PLUGIN_EXPORT __attribute__((visibility("default")))
#endif

#ifdef __cplusplus
}
#endif

#endif /* TRESOR_PLUGIN_H */
