// tresor/error.hpp — the one error type of the C++ API.
//
// Every failure is a tresor::Error carrying an ErrorCode. A missing secret is
// not an error (get() returns an empty optional). Messages name services,
// keys, files, backends and versions — never a secret value.
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>

#include "tresor/export.hpp"

namespace tresor {

// The numbers match tresor_status in tresor/status.h.
enum class ErrorCode {
    unavailable = 2,        // backend not usable here (no daemon, no session bus)
    locked = 3,             // backend reachable but locked
    auth_failed = 4,        // wrong password or key
    corrupt = 5,            // stored data failed an integrity check
    invalid_argument = 6,   // bad key, value, option or parameter
    io = 7,                 // the operating system refused a read or write
    permission_denied = 8,  // file modes, ownership or access control
    config = 9,             // malformed or inconsistent configuration
    plugin_abi = 10,        // plugin missing, unloadable or of another ABI
    internal = 11,          // a bug
};

TRESOR_EXPORT std::string_view to_string(ErrorCode code) noexcept;

class TRESOR_EXPORT Error : public std::runtime_error {
  public:
    Error(ErrorCode code, const std::string& message) : std::runtime_error(message), code_(code) {}

    [[nodiscard]] ErrorCode code() const noexcept { return code_; }

  private:
    ErrorCode code_;
};

}  // namespace tresor
