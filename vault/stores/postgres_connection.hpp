// vault/stores/postgres_connection.hpp — one libpq connection of the fleet
// store, whose every round trip has a deadline that the client enforces.
//
// PostgreSQL's statement_timeout bounds a statement's work and lock waits on
// the server, but not everything: it is off while a COMMIT waits for a
// synchronous standby, and a server or network that stops answering is not
// bounded by it at all. A blocking PQexec then waits for ever, holding the
// vault's header row lock on the server. Here each statement is sent
// without blocking and its answer awaited on the connection's socket (poll)
// until the deadline; then the statement is cancelled (PQcancel), its
// answer awaited a short while more, and the connection dropped, which
// ends the server's transaction if it is still open (docs/FLEET.md,
// "Deadlines").
//
// A COMMIT that the server answers with a warning — "canceling wait for
// synchronous replication … The transaction has already committed locally"
// after a cancel by us or by a DBA — committed on the primary only: that is
// reported as an error, never as an acknowledged write.
//
// Errors: Error{io} for a deadline, a lost connection or a server error
// (the message names the vault, what was being done and, for a COMMIT,
// whether the write may be committed), Error{permission_denied} for SQLSTATE
// 42501. Thread safety: one thread at a time (its store's).
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "vault/stores/libpq.hpp"

namespace tresor::vault {

struct ResultDeleter {
    void operator()(PGresult* r) const { libpq().PQclear(r); }
};
using Result = std::unique_ptr<PGresult, ResultDeleter>;

class PostgresConnection {
  public:
    // `vault` names the vault in messages; `timeout` bounds every round trip
    // (statement_timeout_ms) and is also set as the session's
    // statement_timeout and idle_in_transaction_session_timeout.
    PostgresConnection(std::string vault, std::chrono::milliseconds timeout);
    ~PostgresConnection();
    PostgresConnection(const PostgresConnection&) = delete;
    PostgresConnection& operator=(const PostgresConnection&) = delete;

    // Connects (conninfo as libpq's dbname, connect_timeout 10 s unless
    // given); Error{io} naming every host libpq tried.
    void connect(const std::string& conninfo);
    [[nodiscard]] bool connected() const;
    // Drops the connection: the server ends the transaction it has open.
    void drop() noexcept;

    // One round trip: `send` queues a statement with one of libpq's PQsend*
    // functions (it returns theirs: 1 sent); the answer is awaited until the
    // deadline. Every result is read; the first error is thrown, else the
    // last result returned.
    Result round_trip(const std::function<int(PGconn*)>& send, const std::string& doing);
    // One exchange in libpq's pipeline mode: each `sends` queues one
    // statement (PQsendQueryParams, PQsendQueryPrepared, PQsendPrepare),
    // then a sync; the results of all, in order, when none failed. Errors
    // as round_trip; with `committing` (the last statement a COMMIT), a
    // warning from the server means the commit is not acknowledged (an
    // error saying so).
    using Send = std::function<int(PGconn*)>;
    std::vector<Result> pipeline(std::span<const Send> sends, const std::string& doing,
                                 bool committing);
    [[nodiscard]] PGconn* get() const { return conn_.get(); }
    // For messages: host:port/database.
    [[nodiscard]] std::string address() const;

  private:
    struct ConnectionDeleter {
        void operator()(PGconn* c) const { libpq().PQfinish(c); }
    };
    static void on_notice(void* self, const PGresult* notice);
    std::vector<Result> await(const std::string& doing, bool committing, bool pipelined);
    [[noreturn]] void fail(const PGresult* result, const std::string& doing, bool committing);

    std::string vault_;
    std::chrono::milliseconds timeout_;
    std::unique_ptr<PGconn, ConnectionDeleter> conn_;
    std::vector<std::string> warnings_;  // the server's warnings during this round trip
};

}  // namespace tresor::vault
