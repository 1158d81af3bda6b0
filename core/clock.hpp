// core/clock.hpp — the present as a Timestamp, in whole seconds.
//
// A Timestamp compared with system_clock::now() itself is first converted to
// the clock's nanoseconds, which overflow past 2262-04-11: 9999-12-31, a
// common spelling of "never", then reads as the past. Times meet in seconds.
#pragma once

#include <chrono>

#include "tresor/store.hpp"

namespace tresor::core {

[[nodiscard]] inline Timestamp now() noexcept {
    return std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
}

}  // namespace tresor::core
