#include "vault/stores/postgres_connection.hpp"

#include <poll.h>

#include <cerrno>
#include <cstdlib>
#include <thread>

#include "tresor/error.hpp"

namespace tresor::vault {
namespace {

using Clock = std::chrono::steady_clock;

// The server's own statement_timeout fires first and says so more clearly
// ("canceling statement due to statement timeout"): the client waits this
// much longer before it cancels.
constexpr std::chrono::milliseconds kServerFirst{250};
// How long the answer to a cancel is awaited before the connection is
// dropped unanswered.
constexpr std::chrono::milliseconds kCancelGrace{500};

std::string trimmed(const char* message) {
    std::string text = message != nullptr ? message : "";
    while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) {
        text.pop_back();
    }
    return text;
}

bool succeeded(const PGresult* r) {  // PGRES_PIPELINE_ABORTED is not
    const ExecStatusType status = libpq().PQresultStatus(r);
    return status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK;
}

// PQcancel connects to the server and waits for it to close that
// connection, with no timeout of its own in libpq 15: a server that stopped
// answering would hold the caller for ever. It runs on a thread of its own,
// which owns the cancel object; the caller does not wait for it.
void cancel_in_background(PGconn* conn) {
    PGcancel* cancel = libpq().PQgetCancel(conn);
    if (cancel == nullptr) {
        return;
    }
    std::thread([cancel] {
        char why[256];
        (void)libpq().PQcancel(cancel, why, sizeof why);
        libpq().PQfreeCancel(cancel);
    }).detach();
}

enum class Wait { ready, past_deadline, broken };

// Sends what libpq still holds and reads until a result can be taken
// without blocking, or the deadline passes, or the connection breaks.
Wait wait_until_ready(PGconn* conn, Clock::time_point deadline) {
    for (;;) {
        const int unsent = libpq().PQflush(conn);
        if (unsent < 0) {
            return Wait::broken;
        }
        if (unsent == 0 && libpq().PQisBusy(conn) == 0) {
            return Wait::ready;
        }
        const auto left =
            std::chrono::ceil<std::chrono::milliseconds>(deadline - Clock::now()).count();
        if (left <= 0) {
            return Wait::past_deadline;
        }
        pollfd fd{libpq().PQsocket(conn), static_cast<short>(POLLIN | (unsent ? POLLOUT : 0)), 0};
        const int n = ::poll(&fd, 1, static_cast<int>(left));
        if (n < 0 && errno != EINTR) {
            return Wait::broken;
        }
        if (n > 0 && (fd.revents & (POLLIN | POLLERR | POLLHUP)) != 0 &&
            libpq().PQconsumeInput(conn) == 0) {
            return Wait::broken;
        }
    }
}

// Every result of the round trip: the first failed one, else all of them.
struct Answer {
    Result failed;
    std::vector<Result> results;
    bool complete = false;  // every result was read
    // The first failed result, else the last.
    [[nodiscard]] const PGresult* last() const {
        return failed ? failed.get() : results.empty() ? nullptr : results.back().get();
    }
};

// In pipeline mode the statements' results are each followed by none, and
// the whole ends with the sync's.
Answer read_answer(PGconn* conn, Clock::time_point deadline, Wait& wait, bool pipelined) {
    Answer answer;
    for (;;) {
        wait = wait_until_ready(conn, deadline);
        if (wait != Wait::ready) {
            break;
        }
        Result r(libpq().PQgetResult(conn));
        if (!r) {
            if (pipelined) {
                continue;
            }
            answer.complete = true;
            break;
        }
        if (libpq().PQresultStatus(r.get()) == PGRES_PIPELINE_SYNC) {
            answer.complete = true;
            break;
        }
        if (!succeeded(r.get())) {
            if (!answer.failed) {
                answer.failed = std::move(r);
            }
        } else if (!answer.failed) {
            answer.results.push_back(std::move(r));
        }
    }
    return answer;
}

}  // namespace

PostgresConnection::PostgresConnection(std::string vault, std::chrono::milliseconds timeout)
    : vault_(std::move(vault)), timeout_(timeout) {}

PostgresConnection::~PostgresConnection() = default;

void PostgresConnection::connect(const std::string& conninfo) {
    std::vector<const char*> keys;
    std::vector<const char*> values;
    // libpq waits for ever on a silent host unless told. Its own setting
    // wins when given: keywords are processed in order, so the conninfo
    // (expanded from dbname) overrides what comes before it.
    if (std::getenv("PGCONNECT_TIMEOUT") == nullptr) {
        keys.push_back("connect_timeout");
        values.push_back("10");
    }
    keys.push_back("fallback_application_name");
    values.push_back("tresor");
    keys.push_back("dbname");
    values.push_back(conninfo.c_str());
    keys.push_back(nullptr);
    values.push_back(nullptr);
    conn_.reset(libpq().PQconnectdbParams(keys.data(), values.data(), 1));
    if (!conn_ || libpq().PQstatus(conn_.get()) != CONNECTION_OK) {
        // libpq's message names each host it tried and why; it never
        // holds the password.
        const std::string why =
            conn_ ? trimmed(libpq().PQerrorMessage(conn_.get())) : "out of memory";
        conn_.reset();
        // io, not unavailable: a chain must not send new secrets to its
        // next backend because the fleet's database is down (FLEET.md).
        throw Error(ErrorCode::io, "postgres: cannot connect: " + why);
    }
    // Notices go to warnings_, not to stderr (libpq's default).
    libpq().PQsetNoticeReceiver(conn_.get(), &PostgresConnection::on_notice, this);
    if (libpq().PQsetnonblocking(conn_.get(), 1) != 0) {
        const std::string why = trimmed(libpq().PQerrorMessage(conn_.get()));
        conn_.reset();
        throw Error(ErrorCode::io, "postgres: cannot make the connection non-blocking: " + why);
    }
    // Lock waits (FOR UPDATE) count against statement_timeout too; a
    // transaction left idle (a client stopped between two statements)
    // is ended by the server, releasing the header row.
    const std::string ms = std::to_string(timeout_.count());
    const std::string settings =
        "SET statement_timeout = " + ms + "; SET idle_in_transaction_session_timeout = " + ms;
    (void)round_trip([&settings](PGconn* c) { return libpq().PQsendQuery(c, settings.c_str()); },
                     "setting the session's timeouts");
}

bool PostgresConnection::connected() const {
    return conn_ && libpq().PQstatus(conn_.get()) == CONNECTION_OK;
}

void PostgresConnection::drop() noexcept {
    conn_.reset();
}

std::string PostgresConnection::address() const {
    if (!conn_) {
        return "";
    }
    return std::string(libpq().PQhost(conn_.get())) + ":" + libpq().PQport(conn_.get()) + "/" +
           libpq().PQdb(conn_.get());
}

void PostgresConnection::on_notice(void* self, const PGresult* notice) {
    const char* severity = libpq().PQresultErrorField(notice, PG_DIAG_SEVERITY_NONLOCALIZED);
    if (severity != nullptr && std::string_view(severity) == "WARNING") {
        static_cast<PostgresConnection*>(self)->warnings_.push_back(
            trimmed(libpq().PQresultErrorField(notice, PG_DIAG_MESSAGE_PRIMARY)));
    }
}

Result PostgresConnection::round_trip(const std::function<int(PGconn*)>& send,
                                      const std::string& doing) {
    if (!connected()) {
        throw Error(ErrorCode::io, "postgres vault '" + vault_ + "': the connection was lost (" +
                                       doing + " not sent)");
    }
    warnings_.clear();
    if (send(conn_.get()) != 1) {
        fail(nullptr, doing, false);
    }
    std::vector<Result> results = await(doing, false, false);
    return results.empty() ? Result() : std::move(results.back());
}

std::vector<Result> PostgresConnection::pipeline(std::span<const Send> sends,
                                                 const std::string& doing, bool committing) {
    if (!connected()) {
        throw Error(ErrorCode::io, "postgres vault '" + vault_ + "': the connection was lost (" +
                                       doing + " not sent" +
                                       (committing ? "; nothing was committed)" : ")"));
    }
    warnings_.clear();
    PGconn* c = conn_.get();
    if (libpq().PQenterPipelineMode(c) != 1) {
        fail(nullptr, doing, false);
    }
    for (const Send& send : sends) {
        if (send(c) != 1) {
            drop();  // in pipeline mode, with statements queued
            fail(nullptr, doing, false);
        }
    }
    if (libpq().PQpipelineSync(c) != 1) {
        drop();
        fail(nullptr, doing, false);
    }
    // Every result is read, the sync's included, before await returns or
    // throws (unless it dropped the connection): the connection leaves
    // pipeline mode either way, for the next round trip's simple queries.
    std::vector<Result> results;
    try {
        results = await(doing, committing, true);
    } catch (...) {
        if (connected() && libpq().PQexitPipelineMode(conn_.get()) != 1) {
            drop();
        }
        throw;
    }
    if (libpq().PQexitPipelineMode(c) != 1) {
        drop();
        fail(nullptr, doing, committing);
    }
    return results;
}

std::vector<Result> PostgresConnection::await(const std::string& doing, bool committing,
                                              bool pipelined) {
    Wait wait = Wait::ready;
    Answer answer =
        read_answer(conn_.get(), Clock::now() + timeout_ + kServerFirst, wait, pipelined);
    if (wait == Wait::past_deadline) {
        cancel_in_background(conn_.get());
        answer = read_answer(conn_.get(), Clock::now() + kCancelGrace, wait, pipelined);
        // A cancel sent now could still reach the next statement: the
        // connection is not used again, and the server ends what it had
        // open on it.
        drop();
        const std::string prefix = "postgres vault '" + vault_ + "': no answer within " +
                                   std::to_string(timeout_.count()) +
                                   " ms (statement_timeout_ms) while " + doing + ", cancelled";
        if (!committing) {
            throw Error(ErrorCode::io, prefix);
        }
        if (!answer.complete || answer.last() == nullptr) {
            throw Error(ErrorCode::io, prefix +
                                           ": the write may or may not be committed; check with "
                                           "`tresor get` before writing it again");
        }
        if (answer.failed && warnings_.empty()) {
            throw Error(ErrorCode::io,
                        prefix + ": the server rolled the write back (" +
                            trimmed(libpq().PQresultErrorMessage(answer.failed.get())) +
                            "); nothing was written");
        }
        // Else committed: acknowledged just after the deadline, or not
        // acknowledged (a warning), as below.
    } else if (committing && !warnings_.empty()) {
        // Committed on the primary, whatever followed (a terminated
        // connection): not acknowledged, below.
    } else if (answer.failed) {
        fail(answer.failed.get(), doing, committing);
    } else if (wait == Wait::broken || !answer.complete) {
        fail(nullptr, doing, committing);
    }
    if (committing && !warnings_.empty()) {
        throw Error(ErrorCode::io,
                    "postgres vault '" + vault_ +
                        "': the primary committed the write but did not acknowledge it (server: " +
                        warnings_.front() +
                        "): it is not reported as written, and may be lost if the primary "
                        "fails over; check with `tresor get` once the standby is back");
    }
    return std::move(answer.results);
}

void PostgresConnection::fail(const PGresult* r, const std::string& doing, bool committing) {
    const char* state = r != nullptr ? libpq().PQresultErrorField(r, PG_DIAG_SQLSTATE) : nullptr;
    const std::string sqlstate = state != nullptr ? state : "";
    const std::string why =
        trimmed(r != nullptr && *libpq().PQresultErrorMessage(r) != '\0'
                    ? libpq().PQresultErrorMessage(r)
                    : (conn_ ? libpq().PQerrorMessage(conn_.get()) : "connection lost"));
    std::string message = "postgres vault '" + vault_ + "': " + why +
                          (sqlstate.empty() ? "" : " (SQLSTATE " + sqlstate + ")") + " while " +
                          doing;
    if (sqlstate == "42501") {
        throw Error(ErrorCode::permission_denied, message);
    }
    // No SQLSTATE: the connection failed, not the statement; a COMMIT
    // sent may have been committed before it did.
    if (committing && sqlstate.empty()) {
        message += ": the write may or may not be committed";
    }
    throw Error(ErrorCode::io, message);
}

}  // namespace tresor::vault
