#!/usr/bin/env bash
# A load run against `tresor serve` (Boost.Beast, one thread) on its unix
# socket, with curl as 32 concurrent clients (--parallel, keep-alive
# connections): requests/s and p50/p99 latency for creating a credential
# (a durable vault write each) and listing, beside a bare GET of an unrouted
# path on the same HTTP stack (parse, route, 404: no token, no store).
# Usage: bench/serve_load.sh path/to/tresor [requests per kind, default 2000]
set -euo pipefail
tresor=$1
count=${2:-2000}
clients=32
tmp=$(mktemp -d "${TMPDIR:-/tmp}/serve-load.XXXXXX")
# The socket in /tmp: a unix socket path must stay under 108 bytes.
run_dir=$(mktemp -d /tmp/tresor-serve.XXXXXX)
server=
trap '[[ -n $server ]] && kill $server 2>/dev/null; rm -rf "$tmp" "$run_dir"' EXIT
export HOME=$tmp TRESOR_VAULT_PASSWORD="load run password"
unset TRESOR_BACKEND
printf '[backend.vault]\nplugin = "vault"\npath = "~/vault.db"\nkdf = { memory_mib = 19, iterations = 2 }\n' \
    >"$tmp/config.toml"
T() { "$tresor" --config "$tmp/config.toml" "$@"; }
token=$(T token create --scope credentials:store,credentials:read)
sock=$run_dir/serve.sock
# The binary itself, not the function T: $! must be the server for cleanup.
"$tresor" --config "$tmp/config.toml" serve --socket "$sock" --max-connections 1024 \
    >"$tmp/out" 2>/dev/null &
server=$!
for _ in $(seq 100); do grep -q listening "$tmp/out" 2>/dev/null && break; sleep 0.1; done

# run NAME EXPECTED-STATUS METHOD PATH [BODY-PREFIX]: one curl config, one transfer per request
run() {
    local name=$1 expected=$2 method=$3 path=$4 prefix=${5:-}
    : >"$tmp/curl.cfg"
    for i in $(seq "$count"); do
        {
            echo "url = \"http://localhost$path\""
            echo "unix-socket = \"$sock\""
            echo "request = $method"
            echo "header = \"Authorization: Bearer $token\""
            if [[ -n $prefix ]]; then
                echo 'header = "Content-Type: application/json"'
                echo "data = \"{\\\"service\\\":\\\"load\\\",\\\"name\\\":\\\"$prefix$i\\\",\\\"key\\\":\\\"k$i\\\"}\""
            fi
            echo 'output = "/dev/null"'
            echo 'write-out = "%{http_code} %{time_total}\\n"'
            ((i < count)) && echo next
        } >>"$tmp/curl.cfg"
    done
    local start end
    start=$(date +%s.%N)
    curl -s --parallel --parallel-max "$clients" -K "$tmp/curl.cfg" \
        >"$tmp/times" 2>/dev/null || true
    end=$(date +%s.%N)
    local ok
    ok=$(grep -c "^$expected " "$tmp/times" || true)
    sort -k2 -g "$tmp/times" | awk -v n="$count" -v ok="$ok" -v name="$name" \
        -v start="$start" -v end="$end" '
        { t[NR] = $2 }
        END {
            p50 = t[int(n * 0.50)]; p99 = t[int(n * 0.99)]
            secs = end - start
            printf "%-34s %6d req %8.0f req/s  p50 %7.2f ms  p99 %7.2f ms  (%d as expected)\n",
                name, n, n / secs, p50 * 1000, p99 * 1000, ok
        }'
}

echo "tresor serve load run: $clients concurrent curl clients, unix socket, vault backend"
run "bare GET (unrouted path, 404)" 404 GET /bare
run "POST /api/credentials (create)" 201 POST /api/credentials c
run "GET /api/credentials (list $count)" 200 GET /api/credentials
