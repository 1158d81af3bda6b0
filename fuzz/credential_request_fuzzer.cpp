// The peer address of a connection to `tresor credential-socket`: any local
// process can bind any abstract name (cli/systemd_credential.hpp).
#include <string>
#include <string_view>

#include "cli/systemd_credential.hpp"
#include "fuzz/fuzz_main.hpp"

void fuzz_one(std::span<const std::uint8_t> bytes) {
    const std::string_view address(reinterpret_cast<const char*>(bytes.data()), bytes.size());
    const auto request = tresor::cli::parse_credential_request(address);
    if (!request) {
        return;
    }
    // What the parser promised: two valid names, which the address ends with.
    const std::string tail = "/unit/" + request->unit + "/" + request->credential;
    if (!tresor::cli::valid_unit_name(request->unit) ||
        !tresor::cli::valid_credential_id(request->credential) || !address.ends_with(tail) ||
        address.find('\0', 1) != std::string_view::npos) {
        std::abort();
    }
}
