// vault/detail/bytes.hpp — fixed-width little-endian encoding for the
// on-disk layouts (docs/VAULT-FORMAT.md). The reader never reads past its
// input: every read is checked and a short input is a typed error.
#pragma once

#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "tresor/error.hpp"
#include "tresor/secret.hpp"

namespace tresor::vault::detail {

using Bytes = std::vector<std::uint8_t>;
// Wiped memory (tresor/secret.hpp) for keys, plaintexts and passwords.
using SecureBytes = tresor::SecureBytes;

template <typename Buffer>
class Writer {
  public:
    explicit Writer(Buffer& out) : out_(out) {}
    void u8(std::uint8_t v) { out_.push_back(v); }
    void u16(std::uint16_t v) { uint(v, 2); }
    void u32(std::uint32_t v) { uint(v, 4); }
    void u64(std::uint64_t v) { uint(v, 8); }
    void i64(std::int64_t v) { uint(static_cast<std::uint64_t>(v), 8); }
    void raw(std::span<const std::uint8_t> bytes) {
        out_.insert(out_.end(), bytes.begin(), bytes.end());
    }
    void raw(std::string_view text) { out_.insert(out_.end(), text.begin(), text.end()); }
    // u32 length, then the bytes: no two different inputs share an encoding.
    void text(std::string_view s) {
        u32(static_cast<std::uint32_t>(s.size()));
        raw(s);
    }

  private:
    void uint(std::uint64_t v, int width) {
        for (int i = 0; i < width; ++i) {
            out_.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
        }
    }
    Buffer& out_;
};

class Reader {
  public:
    Reader(std::span<const std::uint8_t> in, const char* what) : in_(in), what_(what) {}
    std::uint8_t u8() { return static_cast<std::uint8_t>(uint(1)); }
    std::uint16_t u16() { return static_cast<std::uint16_t>(uint(2)); }
    std::uint32_t u32() { return static_cast<std::uint32_t>(uint(4)); }
    std::uint64_t u64() { return uint(8); }
    std::int64_t i64() { return static_cast<std::int64_t>(uint(8)); }
    std::span<const std::uint8_t> raw(std::size_t n) {
        need(n);
        auto out = in_.subspan(pos_, n);
        pos_ += n;
        return out;
    }
    std::string text() {
        const std::uint32_t n = u32();
        auto bytes = raw(n);
        return {bytes.begin(), bytes.end()};
    }
    [[nodiscard]] bool at_end() const { return pos_ == in_.size(); }
    void expect_end() const {
        if (!at_end()) {
            throw Error(ErrorCode::corrupt, std::string(what_) + " has trailing bytes");
        }
    }

  private:
    void need(std::size_t n) const {
        if (n > in_.size() - pos_) {
            throw Error(ErrorCode::corrupt, std::string(what_) + " is truncated");
        }
    }
    std::uint64_t uint(int width) {
        need(static_cast<std::size_t>(width));
        std::uint64_t v = 0;
        for (int i = 0; i < width; ++i) {
            v |= static_cast<std::uint64_t>(in_[pos_ + static_cast<std::size_t>(i)]) << (8 * i);
        }
        pos_ += static_cast<std::size_t>(width);
        return v;
    }
    std::span<const std::uint8_t> in_;
    std::size_t pos_ = 0;
    const char* what_;
};

}  // namespace tresor::vault::detail
