// cli/systemd_credential.hpp — the request a systemd unit's LoadCredential=
// makes of a credential socket (systemd.exec(5), "LoadCredential="):
// systemd binds its client socket to the abstract address
//   "\0" RANDOM "/unit/" UNIT "/" CREDENTIAL
// (RANDOM: a 64-bit number in lower-case hex), connects, shuts its writing
// side and reads the credential until end of file. The server learns the
// unit and the credential from the peer's address alone.
//
// The address is untrusted input: any local process can bind any abstract
// name, so it says what was asked, never who asked (the peer's uid does;
// cli/cmd_credential_socket.cpp). Fuzzed (fuzz/credential_request_fuzzer).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace tresor::cli {

struct CredentialRequest {
    std::string unit;        // "web.service", "app@1.service"
    std::string credential;  // the ID of LoadCredential=ID:PATH
};

// `address` is the sun_path part of the peer's address as getpeername(2)
// returns it, its length included. Empty when it is not a request in the
// form above with a valid unit name and credential ID.
[[nodiscard]] std::optional<CredentialRequest> parse_credential_request(std::string_view address);

// systemd's rules, narrowed to what a server needs to trust: a unit name of
// 1 to 255 bytes of letters, digits and ":-_.\@" with a '.' before its type;
// a credential ID of 1 to 255 printable ASCII bytes without '/' or ':',
// other than "." and "..".
[[nodiscard]] bool valid_unit_name(std::string_view unit);
[[nodiscard]] bool valid_credential_id(std::string_view credential);

}  // namespace tresor::cli
