# Sourced by the shell tests that stop at the first failure (the credential
# helpers', the vault CLI's, the PostgreSQL ones): `name` (the script's
# file name without .sh), a private $dir, `step` (what runs now, named when it
# fails), `ok WHAT` for each check passed and `fail WHY`; at exit the test's
# own `at_exit` when it defines one (stop what it started), the PIDs in
# `pids`, then one summary line: "NAME: all N checks passed" (and $dir
# removed), or "NAME: FAILED while STEP" with the logs' tails and $dir kept.
# `need COMMAND PACKAGE` exits 2 naming the package install-deps installs;
# `free_port` and `wait_for_port PORT` for a server on loopback; `ms`.
# shellcheck shell=bash
name=$(basename "$0" .sh)
checks=0 step="setting up"
dir=$(mktemp -d "/tmp/tresor-$name.XXXXXX")
pids=()
finish() {
    local rc=$?
    if declare -F at_exit > /dev/null; then at_exit || true; fi
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    if ((rc != 0)); then
        tail -n 20 "$dir"/*.log "$dir"/log/*.log >&2 2>/dev/null || true
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
ms() { local t; t=$(date +%s%N); echo $((t / 1000000)); }  # now, in ms
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
