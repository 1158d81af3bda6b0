#include "core/call_scope.hpp"

namespace tresor::core {
namespace {

thread_local const CallScope* innermost = nullptr;

}  // namespace

CallScope::CallScope(const std::string& actor, std::uint32_t purpose) noexcept
    : actor_(&actor), purpose_(purpose), outer_(innermost) {
    innermost = this;
}

CallScope::~CallScope() {
    innermost = outer_;
}

void CallScope::describe(tresor_call_info& info) noexcept {
    info.purpose = innermost != nullptr ? innermost->purpose_ : TRESOR_PURPOSE_READ;
    info.actor = innermost != nullptr ? innermost->actor_->c_str() : "";
}

}  // namespace tresor::core
