// What `tresor import --dotenv`, git-credential-tresor and
// docker-credential-tresor read from other programs: the first byte picks
// the parser (D: dotenv, G: git's key=value request, J: JSON).
#include "cli/dotenv.hpp"
#include "cli/git_credential.hpp"
#include "cli/json.hpp"
#include "fuzz/fuzz_main.hpp"

void fuzz_one(std::span<const std::uint8_t> bytes) {
    if (bytes.empty()) {
        return;
    }
    const auto input = bytes.subspan(1);
    switch (bytes[0]) {
        case 'D':
            for (const auto& entry : tresor::cli::parse_dotenv(input, "fuzz.env")) {
                if (entry.name.empty() || entry.line == 0) {
                    std::abort();  // the parser promised a name and its line
                }
            }
            break;
        case 'G': {
            const auto credential = tresor::cli::parse_git_credential(input);
            (void)tresor::cli::git_service(credential);
            const std::string username = credential.username.value_or("");
            if (username != tresor::cli::kNoUsername) {
                const std::string name = tresor::cli::git_name(username);
                if (name.empty() || tresor::cli::git_username(name) != username) {
                    std::abort();  // a username maps to a key's name and back
                }
            }
            break;
        }
        default: {
            const auto json = tresor::cli::parse_json(input, "fuzz input");
            (void)tresor::cli::dump_json(json);
        }
    }
}
