# Sourced by the credential-helper tests: a private HOME with a tresor vault
# config, the helpers first on PATH, ok/fail counters, a loopback port, and
# a summary line at the end. Set `name` before sourcing; call `finish_setup`.
# shellcheck shell=bash
checks=0 step="setting up"
dir=$(mktemp -d "/tmp/tresor-$name.XXXXXX")
pids=()
finish() {
    local rc=$?
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    if ((rc != 0)); then
        tail -n 20 "$dir"/*.log >&2 2>/dev/null || true
        echo "$name: FAILED while $step ($checks checks passed before); files in $dir"
    else
        rm -rf "$dir"
        echo "$name: all $checks checks passed"
    fi
    exit "$rc"
}
trap finish EXIT
fail() { echo "$name: FAIL: $*" >&2; exit 1; }
ok() { checks=$((checks + 1)); echo "ok $checks - $*"; }
need() {  # COMMAND PACKAGE
    command -v "$1" > /dev/null || {
        echo "$name: FAILED: $1 is not installed; run scripts/install-deps --test ($2)" >&2
        exit 2
    }
}

# A port nobody listens on now; the server started on it is waited for.
free_port() {
    /usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
wait_for_port() {  # PORT
    for _ in $(seq 1 100); do
        if (exec 3<> "/dev/tcp/127.0.0.1/$1") 2> /dev/null; then return 0; fi
        sleep 0.05
    done
    fail "nothing listens on port $1"
}

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
