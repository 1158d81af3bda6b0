# Sourced by the shell tests of tresor serve and tresor request
# (tests/integration/serve, tests/integration/request), which count their
# checks and carry on past a failure: a private 0700 $tmp, removed at exit
# after the test's own `at_exit` (stop what it started) when it defines one;
# `check DESCRIPTION EXPECTED ACTUAL`, `check_true DESCRIPTION COMMAND...`,
# and `tally` last, which prints "N passed, M failed" and fails when any
# check did. `start_serve` and `api` talk to tresor serve on $sock.
# shellcheck shell=bash
tmp=$(mktemp -d)
chmod 700 "$tmp"
end_of_test() {
    if declare -F at_exit > /dev/null; then at_exit; fi
    rm -rf "$tmp"
}
trap end_of_test EXIT

passed=0
failed=0
check() { # check DESCRIPTION EXPECTED ACTUAL
    if [[ $2 == "$3" ]]; then
        passed=$((passed + 1))
    else
        failed=$((failed + 1))
        echo "FAIL: $1: expected [$2], got [$3]" >&2
    fi
}
check_true() { # check_true DESCRIPTION COMMAND...
    local what=$1
    shift
    if "$@"; then passed=$((passed + 1)); else failed=$((failed + 1)) && echo "FAIL: $what" >&2; fi
}
tally() {
    echo "$passed passed, $failed failed"
    ((failed == 0))
}

# start_serve [ARGS...]: $tresor serve on the socket $sock with
# $tmp/config.toml (stdout in $tmp/serve.out, the log in $tmp/serve.log);
# $server is its pid. Returns once it listens, or after 10 s (the checks
# that follow then say what is missing).
start_serve() {
    "$tresor" --config "$tmp/config.toml" serve --socket "$sock" "$@" \
        >"$tmp/serve.out" 2>"$tmp/serve.log" &
    server=$!
    for _ in $(seq 100); do grep -q listening "$tmp/serve.out" 2>/dev/null && break; sleep 0.1; done
}
# api METHOD PATH TOKEN [DATA] -> prints the status; the body is in $tmp/body
# and appended to $tmp/all-out (where no value may appear). DATA is JSON,
# or @FILE.
api() {
    local args=(-s --unix-socket "$sock" -o "$tmp/body" -w '%{http_code}' -X "$1")
    [[ -n $3 ]] && args+=(-H "Authorization: Bearer $3")
    [[ -n ${4:-} ]] && args+=(-H 'Content-Type: application/json' --data-binary "$4")
    curl "${args[@]}" "http://localhost$2"
    cat "$tmp/body" >>"$tmp/all-out"
}
