// core/call_scope.hpp — what the Store call in progress on this thread is
// for, as tresor_host.call_info tells a plugin (for its audit log): the
// handle's actor (Store::acting_for) and whether a get renders a header.
// Set for the duration of one Store call; a plugin call runs on the thread
// that made it, so a thread-local answers for exactly that call.
#pragma once

#include <cstdint>
#include <string>

#include "tresor/plugin.h"

namespace tresor::core {

class CallScope {
  public:
    CallScope(const std::string& actor, std::uint32_t purpose) noexcept;
    ~CallScope();
    CallScope(const CallScope&) = delete;
    CallScope& operator=(const CallScope&) = delete;

    // The innermost scope of this thread, or "" and READ outside any.
    static void describe(tresor_call_info& info) noexcept;

  private:
    const std::string* actor_;
    std::uint32_t purpose_;
    const CallScope* outer_;
};

}  // namespace tresor::core
