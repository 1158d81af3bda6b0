// Secret's storage is defined with the platform's secure memory
// (platform/secure_memory.hpp): locked where possible, kept out of dumps,
// zeroed before release.
#include "tresor/secret.hpp"

#include "platform/secure_memory.hpp"

namespace tresor {

bool Secret::equals(std::span<const std::uint8_t> other) const noexcept {
    // The length is not secret; the content is compared in constant time.
    return other.size() == bytes_.size() &&
           platform::constant_time_equal(bytes_.data(), other.data(), bytes_.size());
}

}  // namespace tresor
