// age/header.hpp — the textual header of an age file (c2sp.org/age,
// "Header"): the version line, one or more recipient stanzas, the MAC line.
//
//   age-encryption.org/v1
//   -> X25519 <base64 ephemeral share>
//   <base64 body, wrapped at 64 columns; the last line shorter, maybe empty>
//   --- <base64 HMAC-SHA-256 of everything up to and including "---">
//
// parse_header reads untrusted bytes (a file given to `tresor import --age`):
// it is strict where the spec is (LF only, canonical unpadded base64, every
// argument 1*VCHAR, body lines of 64 columns and one shorter last line) and
// never reads past its input; what it accepts, encode_header_for_mac writes
// back byte for byte (fuzz/age_header_fuzzer.cpp checks that). It knows no
// recipient type: what a stanza means is age/stanzas.hpp's. Thread safety:
// free functions, reentrant. Nothing here is secret.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace tresor::age {

constexpr std::string_view kVersionLine = "age-encryption.org/v1";
constexpr std::size_t kHeaderMacBytes = 32;

struct Stanza {
    std::vector<std::string> arguments;  // the first is the type: "X25519", "scrypt", ...
    std::vector<std::uint8_t> body;
};

struct Header {
    std::vector<Stanza> stanzas;  // at least one
    std::array<std::uint8_t, kHeaderMacBytes> mac{};
    std::size_t mac_input_bytes = 0;  // the file's first bytes the MAC covers (through "---")
    std::size_t payload_offset = 0;   // where the payload starts: after the MAC line's LF
};

// The header at the start of `file`. Throws Error{corrupt} naming the line
// and what is wrong with it ("not an age file" when the version line is not
// age's).
[[nodiscard]] Header parse_header(std::span<const std::uint8_t> file);

// The version line and the stanzas, through the MAC line's "---": what the
// header MAC is computed over. Arguments are written as given (the caller's
// own, never parsed text).
[[nodiscard]] std::vector<std::uint8_t> encode_header_for_mac(std::span<const Stanza> stanzas);

// Appends " <base64 mac>\n", which ends the header.
void append_mac_line(std::vector<std::uint8_t>& header, std::span<const std::uint8_t> mac);

}  // namespace tresor::age
