// tresor/secret.hpp — a secret value in memory that is wiped when released.
//
// Secret owns its bytes in tresor's secure allocator (platform/): small
// values sit in pages locked where the system allows and excluded from core
// dumps; every byte is zeroed before it is freed, including on every
// reallocation. Values are binary-safe: empty
// values and embedded NUL bytes round-trip.
//
// Thread safety: like std::vector. Copying a Secret copies the secret; move it
// instead where you can.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "tresor/export.hpp"

namespace tresor {

namespace detail {
TRESOR_EXPORT void* secure_allocate(std::size_t bytes);
TRESOR_EXPORT void secure_deallocate(void* p, std::size_t bytes) noexcept;

// Memory from tresor's secure allocator; zeroed before it is given back.
template <typename T>
struct WipingAllocator {
    using value_type = T;
    WipingAllocator() noexcept = default;
    template <typename U>
    WipingAllocator(const WipingAllocator<U>&) noexcept {}
    T* allocate(std::size_t n) { return static_cast<T*>(secure_allocate(n * sizeof(T))); }
    void deallocate(T* p, std::size_t n) noexcept { secure_deallocate(p, n * sizeof(T)); }
    friend bool operator==(const WipingAllocator&, const WipingAllocator&) noexcept { return true; }
};
}  // namespace detail

using SecureBytes = std::vector<std::uint8_t, detail::WipingAllocator<std::uint8_t>>;

class Secret {
  public:
    Secret() = default;
    explicit Secret(std::string_view text) : bytes_(text.begin(), text.end()) {}
    explicit Secret(std::span<const std::uint8_t> bytes) : bytes_(bytes.begin(), bytes.end()) {}
    explicit Secret(SecureBytes bytes) noexcept : bytes_(std::move(bytes)) {}

    [[nodiscard]] std::span<const std::uint8_t> bytes() const noexcept { return bytes_; }
    // A view of the bytes as text; valid while the Secret lives and is unchanged.
    [[nodiscard]] std::string_view view() const noexcept {
        return {reinterpret_cast<const char*>(bytes_.data()), bytes_.size()};
    }
    [[nodiscard]] std::size_t size() const noexcept { return bytes_.size(); }
    [[nodiscard]] bool empty() const noexcept { return bytes_.empty(); }
    // Compares contents in constant time (lengths are not secret).
    [[nodiscard]] TRESOR_EXPORT bool equals(std::span<const std::uint8_t> other) const noexcept;

    SecureBytes& storage() noexcept { return bytes_; }

  private:
    SecureBytes bytes_;
};

}  // namespace tresor
