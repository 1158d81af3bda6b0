// A Store whose one backend is the vault plugin on VaultFixture's file,
// unlocked through TRESOR_VAULT_PASSWORD as a program using tresor would be,
// and the same file opened directly to see what the Store left in it.
#pragma once

#include <stdlib.h>

#include <string>

#include "tresor/store.hpp"
#include "unit/vault/vault_fixture.hpp"

namespace tresor::test {

struct VaultStoreFixture : VaultFixture {
    static constexpr const char* kPassword = "correct horse";

    VaultStoreFixture() { ::setenv("TRESOR_VAULT_PASSWORD", kPassword, 1); }

    // backend_lines: more of [backend.vault], e.g. "audit = \"on\"\n".
    [[nodiscard]] Store store(const std::string& backend_lines = "") const {
        return Store::from_toml("[backend.vault]\nplugin = \"vault\"\npath = \"" + path.string() +
                                "\"\nkdf = { memory_mib = 19, iterations = 2 }\n" + backend_lines);
    }
    [[nodiscard]] vault::Vault vault() const {
        return vault::Vault::open(path, password(kPassword));
    }
};

}  // namespace tresor::test
