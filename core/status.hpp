// core/status.hpp — the one conversion between the ABI's tresor_status and
// the C++ API's tresor::Error.
#pragma once

#include <string>

#include "tresor/error.hpp"
#include "tresor/status.h"

namespace tresor::core {

[[nodiscard]] const char* status_name(tresor_status status) noexcept;

// Maps a failing status to its ErrorCode; not for TRESOR_OK or TRESOR_NOT_FOUND.
[[nodiscard]] ErrorCode to_error_code(tresor_status status) noexcept;
[[nodiscard]] tresor_status to_status(ErrorCode code) noexcept;

}  // namespace tresor::core
