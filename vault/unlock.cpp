#include "vault/unlock.hpp"

#include <charconv>
#include <cstdlib>
#include <cstring>

#include "platform/file.hpp"
#include "tresor/error.hpp"
#include "vault/slots/host_key.hpp"

namespace tresor::vault {
namespace {

// A password or key file is small; a bound keeps /dev/zero or a huge file
// from filling memory.
constexpr std::uint64_t kMaxCredentialBytes = 64 * 1024;

SecureBytes read_all(int fd, const std::string& what) {
    SecureBytes out;
    platform::read_bounded(fd, kMaxCredentialBytes, what, [&out](auto chunk) {
        out.insert(out.end(), chunk.begin(), chunk.end());
    });
    return out;
}

// The file's bytes, or empty when it does not exist. It may be a symlink (a
// Kubernetes secret volume is one) but must lead to a regular file that
// nobody but its owner, root or us, can write.
// A private key may not even be readable by others (ssh's rule for its
// keys): forbidden_mode 077 instead of the default 022.
std::optional<SecureBytes> read_file(const std::string& path, std::string_view what,
                                     mode_t forbidden_mode = 022) {
    std::error_code ec;
    if (!std::filesystem::exists(path, ec)) {
        return std::nullopt;
    }
    const platform::FileDescriptor fd =
        platform::open_trusted_file(path, {.what = what,
                                           .forbidden_mode = forbidden_mode,
                                           .follow_final_symlink = true,
                                           .max_bytes = kMaxCredentialBytes});
    return read_all(fd.get(), std::string(what) + " " + path);
}

// Password files and pipes usually end with a newline that is not part of it.
SecureBytes drop_trailing_newline(SecureBytes bytes) {
    if (!bytes.empty() && bytes.back() == '\n') {
        bytes.pop_back();
    }
    return bytes;
}

Credential password(SecureBytes bytes) {
    return {Credential::Kind::password, std::move(bytes)};
}

}  // namespace

std::vector<UnlockSource> parse_unlock_spec(std::string_view spec) {
    std::vector<UnlockSource> out;
    while (!spec.empty()) {
        const auto comma = spec.find(',');
        const std::string_view item = spec.substr(0, comma);
        spec = comma == std::string_view::npos ? std::string_view() : spec.substr(comma + 1);
        if (item == "prompt") {
            out.push_back({UnlockSource::Kind::prompt, ""});
            continue;
        }
        const auto colon = item.find(':');
        const std::string_view kind = item.substr(0, colon);
        const std::string argument(colon == std::string_view::npos ? "" : item.substr(colon + 1));
        static const std::pair<std::string_view, UnlockSource::Kind> kKinds[] = {
            {"env", UnlockSource::Kind::env},         {"file", UnlockSource::Kind::file},
            {"fd", UnlockSource::Kind::fd},           {"systemd", UnlockSource::Kind::systemd},
            {"keyfile", UnlockSource::Kind::keyfile}, {"hostkey", UnlockSource::Kind::hostkey},
        };
        const auto* found = std::find_if(std::begin(kKinds), std::end(kKinds),
                                         [&](const auto& k) { return k.first == kind; });
        if (found == std::end(kKinds) || argument.empty()) {
            throw Error(ErrorCode::invalid_argument,
                        "unlock: '" + std::string(item) +
                            "' is not one of env:VAR, file:PATH, fd:N, systemd:NAME, "
                            "keyfile:PATH, hostkey:PATH, prompt");
        }
        if (found->second == UnlockSource::Kind::fd) {
            int fd = -1;
            auto [end, ec] =
                std::from_chars(argument.data(), argument.data() + argument.size(), fd);
            if (ec != std::errc() || end != argument.data() + argument.size() || fd < 0) {
                throw Error(ErrorCode::invalid_argument,
                            "unlock: fd:" + argument + " is not a file descriptor");
            }
        }
        out.push_back({found->second, argument});
    }
    if (out.empty()) {
        throw Error(ErrorCode::invalid_argument, "unlock: no source given");
    }
    return out;
}

Credential obtain_credential(const std::vector<UnlockSource>& sources, const PasswordPrompt& prompt,
                             Purpose purpose, const std::filesystem::path& vault_path) {
    std::string tried;
    auto note = [&tried](const std::string& why) { tried += (tried.empty() ? "" : "; ") + why; };
    for (const UnlockSource& source : sources) {
        switch (source.kind) {
            case UnlockSource::Kind::env: {
                const char* value = std::getenv(source.argument.c_str());
                if (value != nullptr && *value != '\0') {
                    return password(SecureBytes(value, value + std::strlen(value)));
                }
                note("$" + source.argument + " is not set");
                break;
            }
            case UnlockSource::Kind::file:
                if (auto bytes = read_file(source.argument, "password file")) {
                    return password(drop_trailing_newline(std::move(*bytes)));
                }
                note(source.argument + " does not exist");
                break;
            case UnlockSource::Kind::fd:
                return password(drop_trailing_newline(
                    read_all(std::stoi(source.argument), "fd " + source.argument)));
            case UnlockSource::Kind::systemd: {
                const char* dir = std::getenv("CREDENTIALS_DIRECTORY");
                if (dir == nullptr || *dir == '\0') {
                    note(
                        "$CREDENTIALS_DIRECTORY is not set (not run by systemd with "
                        "LoadCredential=)");
                    break;
                }
                if (auto bytes =
                        read_file(std::string(dir) + "/" + source.argument, "systemd credential")) {
                    return password(drop_trailing_newline(std::move(*bytes)));
                }
                note("systemd credential " + source.argument + " does not exist");
                break;
            }
            case UnlockSource::Kind::keyfile:
                if (auto bytes = read_file(source.argument, "key file")) {
                    return {Credential::Kind::keyfile, std::move(*bytes)};
                }
                note("key file " + source.argument + " does not exist");
                break;
            case UnlockSource::Kind::hostkey:
                if (auto bytes = read_file(source.argument, "host key", 077)) {
                    return {Credential::Kind::hostkey,
                            parse_private_key(*bytes, "host key " + source.argument)};
                }
                note("host key " + source.argument + " does not exist");
                break;
            case UnlockSource::Kind::prompt: {
                std::string reason;
                const std::string what =
                    purpose == Purpose::create ? "New password for vault " : "Password for vault ";
                auto first =
                    prompt ? prompt(what + vault_path.string() + ": ", reason) : std::nullopt;
                if (!first) {
                    note("prompt: " + (reason.empty() ? std::string("not possible") : reason));
                    break;
                }
                if (purpose == Purpose::create) {
                    auto again = prompt("Repeat the password: ", reason);
                    if (!again || *again != *first) {
                        throw Error(ErrorCode::invalid_argument, "the passwords do not match");
                    }
                }
                return password(std::move(*first));
            }
        }
    }
    throw Error(ErrorCode::locked, "vault locked: no unlock source (" + tried +
                                       "); set TRESOR_VAULT_PASSWORD or configure unlock = "
                                       "\"file:PATH\", \"systemd:NAME\", ...");
}

}  // namespace tresor::vault
