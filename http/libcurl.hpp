// http/libcurl.hpp — libcurl, loaded when the first request is made rather
// than when the process starts.
//
// libcurl and what it brings (OpenSSL, nghttp2, libssh2, LDAP, Kerberos,
// brotli...) would cost every tresor process, `tresor get` included, the
// time of loading and relocating them (docs/PERFORMANCE.md, issue 14: libpq
// was moved behind the same kind of table for the same reason). Through
// this table only a process that makes a request loads them.
//
// Thread safety: libcurl() may be called from any thread; the table it
// returns never changes. curl_global_init has run when it returns.
#pragma once

// The type-checking macros of <curl/typecheck-gcc.h> would rename the
// table's members; the wrappers of client.cpp check argument types instead.
#define CURL_DISABLE_TYPECHECK
#include <curl/curl.h>

namespace tresor::http {

struct LibCurl {
    decltype(&::curl_easy_init) easy_init;
    decltype(&::curl_easy_cleanup) easy_cleanup;
    decltype(&::curl_easy_reset) easy_reset;
    decltype(&::curl_easy_setopt) easy_setopt;
    decltype(&::curl_easy_perform) easy_perform;
    decltype(&::curl_easy_getinfo) easy_getinfo;
    decltype(&::curl_easy_strerror) easy_strerror;
};

// libcurl, loaded by the first call. Throws Error{plugin_abi} when
// libcurl.so.4 cannot be loaded, lacks a function, is older than 7.85 (the
// options client.cpp sets) or fails to initialize, naming it.
[[nodiscard]] const LibCurl& libcurl();

}  // namespace tresor::http
