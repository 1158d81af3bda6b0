# Sourced by the credential-helper tests and the vault CLI's: the shared
# steps of tests/support/steps.sh, and `finish_setup BUILD_CLI_DIR`: a
# private HOME with a tresor vault config, the helpers first on PATH.
# shellcheck shell=bash
# shellcheck source=../../support/steps.sh
. "$(dirname "${BASH_SOURCE[0]}")/../../support/steps.sh"

# The tresor side: a vault in $HOME, unlocked through the environment.
finish_setup() {  # BUILD_CLI_DIR
    mkdir -m 700 "$dir/home"
    export HOME=$dir/home TRESOR_CONFIG=$dir/home/tresor.toml
    export TRESOR_VAULT_PASSWORD="helper test password"
    unset TRESOR_BACKEND XDG_CONFIG_HOME
    printf '[backend.vault]\nplugin = "vault"\npath = "%s"\nkdf = { memory_mib = 19, iterations = 2 }\n' \
        "$dir/home/vault.db" > "$TRESOR_CONFIG"
    export PATH="$1:$PATH"
}
