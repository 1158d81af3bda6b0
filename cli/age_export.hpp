// cli/age_export.hpp — what `tresor import --age` takes from `tresor export`
// (cli/cmd_export.cpp): the entries of an age file, ready for one batch.
// A build without the file vault (Windows: no libsodium) has no age code;
// there this refuses with Error{unavailable} (cli/cmd_unavailable.cpp).
#pragma once

#include <string>
#include <vector>

#include "tresor/store.hpp"

namespace tresor::cli {

struct AgeImport {
    std::string file;                         // the age file, "-" for stdin
    std::vector<std::string> identity_files;  // --identity, age-keygen's key files
    bool passphrase = false;                  // --passphrase: the file is passphrase-encrypted
    std::string passphrase_from;              // env:VAR, file:PATH, fd:N or prompt
    std::string service;                      // only this service; empty: all
};

// Decrypts, checks and maps every entry (types, expiry, attributes, values)
// before anything is written: a wrong key, a tampered file or one bad line
// gives an error and no entry.
[[nodiscard]] std::vector<NewSecret> read_age_import(const AgeImport& request);

}  // namespace tresor::cli
