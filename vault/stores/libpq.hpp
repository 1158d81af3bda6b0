// vault/stores/libpq.hpp — libpq, loaded when the fleet store first needs
// it rather than when the process starts.
//
// The CLI holds the fleet store's code for `tresor vault` on a postgres
// backend; linked as a dependency, libpq and the twenty libraries it brings
// (OpenSSL, GnuTLS, Kerberos, LDAP, SASL) were loaded by every `tresor get`,
// and cost it more than all its own work (docs/PERFORMANCE.md). Through this
// table only a process that talks to PostgreSQL loads them.
//
// Thread safety: libpq() may be called from any thread; the table it returns
// never changes.
#pragma once

#include <libpq-fe.h>

namespace tresor::vault {

// The functions of libpq the fleet store calls, each named as in libpq.
#define TRESOR_LIBPQ_FUNCTIONS(X) \
    X(PQcancel)                   \
    X(PQclear)                    \
    X(PQcmdTuples)                \
    X(PQconnectdbParams)          \
    X(PQconsumeInput)             \
    X(PQdb)                       \
    X(PQerrorMessage)             \
    X(PQenterPipelineMode)        \
    X(PQexitPipelineMode)         \
    X(PQfinish)                   \
    X(PQflush)                    \
    X(PQfreeCancel)               \
    X(PQfreemem)                  \
    X(PQgetCancel)                \
    X(PQgetisnull)                \
    X(PQgetlength)                \
    X(PQgetResult)                \
    X(PQgetvalue)                 \
    X(PQhost)                     \
    X(PQisBusy)                   \
    X(PQntuples)                  \
    X(PQpipelineSync)             \
    X(PQport)                     \
    X(PQresultErrorField)         \
    X(PQresultErrorMessage)       \
    X(PQresultStatus)             \
    X(PQsendPrepare)              \
    X(PQsendQuery)                \
    X(PQsendQueryParams)          \
    X(PQsendQueryPrepared)        \
    X(PQsetnonblocking)           \
    X(PQsetNoticeReceiver)        \
    X(PQsocket)                   \
    X(PQstatus)

struct LibPq {
#define TRESOR_LIBPQ_MEMBER(name) decltype(&::name) name;
    TRESOR_LIBPQ_FUNCTIONS(TRESOR_LIBPQ_MEMBER)
#undef TRESOR_LIBPQ_MEMBER
};

// libpq, loaded by the first call. Throws Error{plugin_abi} when libpq.so.5
// cannot be loaded or lacks one of the functions, naming it.
[[nodiscard]] const LibPq& libpq();

}  // namespace tresor::vault
