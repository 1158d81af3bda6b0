#!/usr/bin/env bash
# A load run against `tresor serve` on its loopback port with wrk (a real
# load generator: curl --parallel measured curl as much as the server), 32
# connections on 2 threads: requests/s and p50/p99 latency for
#   - a GET of an unrouted path (parse, route, 404: no token, no store), the
#     HTTP stack's own rate, which the goals below are ratios of;
#   - GET /api/credentials/{id} and GET /api/credentials (a list of 100);
#   - POST /api/credentials (creates, unique names from a Lua script);
# and, in the same run and on the same disk, the floor of creates without
# batching: one durable SQLite commit (journal DELETE, synchronous FULL, as
# the vault's) per row, one after the other. The goals (issue 25): GET by id
# >= 0.5x the unrouted rate, list >= 0.25x, creates >= 5x the floor with
# p99 <= 100 ms.
# Usage: bench/serve_load.sh path/to/tresor [seconds per kind, default 8]
set -euo pipefail
tresor=$1
seconds=${2:-8}
connections=32
tmp=$(mktemp -d "${TMPDIR:-/tmp}/serve-load.XXXXXX")
server=
trap '[[ -n $server ]] && kill $server 2>/dev/null; rm -rf "$tmp"' EXIT
export HOME=$tmp TRESOR_VAULT_PASSWORD="load run password"
unset TRESOR_BACKEND
printf '[backend.vault]\nplugin = "vault"\npath = "~/vault.db"\nkdf = { memory_mib = 19, iterations = 2 }\n' \
    >"$tmp/config.toml"
T() { "$tresor" --config "$tmp/config.toml" "$@"; }
token=$(T token create --scope credentials:store,credentials:read)
# 100 credentials for the list, one of them read by id.
for i in $(seq 100); do
    printf 'LOAD_%03d=value-%d\n' "$i" "$i"
done >"$tmp/seed.env"
T import --dotenv "$tmp/seed.env" --service load >/dev/null
# The binary itself, not the function T: $! must be the server for cleanup.
"$tresor" --config "$tmp/config.toml" serve --port 0 --socket "$tmp/serve.sock" \
    --max-connections 1024 >"$tmp/out" 2>/dev/null &
server=$!
for _ in $(seq 100); do grep -q listening "$tmp/out" 2>/dev/null && break; sleep 0.1; done
port=$(sed -n 's/.*127\.0\.0\.1:\([0-9]*\).*/\1/p' "$tmp/out")
base=http://127.0.0.1:$port
auth="Authorization: Bearer $token"
id=$(curl -sf -H "$auth" "$base/api/credentials" | python3 -c \
    'import json, sys; print(next(e["id"] for e in json.load(sys.stdin) if e["name"] == "LOAD_050"))')


# load NAME METHOD PATH: one wrk run; prints the row and keeps the rate in $rate
load() {
    local name=$1 method=$2 path=$3
    local line
    line=$(wrk -t2 -c"$connections" -d"${seconds}s" --timeout 10s -H "$auth" -s "$(dirname "$0")/serve_load.lua" \
        "$base$path" -- "$method" | grep '^RESULT')
    read -r _ requests secs p50 p99 bad <<<"$line"
    rate=$(awk -v n="$requests" -v s="$secs" 'BEGIN { printf "%.0f", n / s }')
    printf '%-36s %8s req/s  p50 %8.2f ms  p99 %8.2f ms  (%d requests, %d not 2xx or failed)\n' \
        "$name" "$rate" "$p50" "$p99" "$requests" "$bad"
}

echo "tresor serve load run: wrk, $connections connections, ${seconds}s each, loopback, vault of 100"
load "GET /unrouted (404, the HTTP stack)" GET /unrouted
bare=$rate
load "GET /api/credentials/{id}" GET "/api/credentials/$id"
by_id=$rate
load "GET /api/credentials (list of 100)" GET /api/credentials
list=$rate
load "POST /api/credentials (create)" POST /api/credentials
creates=$rate
# One durable commit per create, one after the other, on the same disk:
# what creates could reach without batching.
floor=$(python3 - "$tmp/floor.db" "$seconds" <<'PY'
import os, sqlite3, sys, time
db = sqlite3.connect(sys.argv[1], isolation_level=None)
db.execute("PRAGMA journal_mode = DELETE")
db.execute("PRAGMA synchronous = FULL")
db.execute("CREATE TABLE r (id BLOB PRIMARY KEY, v BLOB)")
n, start = 0, time.monotonic()
while time.monotonic() - start < float(sys.argv[2]) / 2:
    db.execute("BEGIN IMMEDIATE")
    db.execute("INSERT INTO r VALUES (?, ?)", (os.urandom(16), os.urandom(200)))
    db.execute("COMMIT")
    n += 1
print(f"{n / (time.monotonic() - start):.0f}")
PY
)

printf '%-36s %8s commits/s (one durable SQLite commit per create, serial)\n' "floor" "$floor"
awk -v bare="$bare" -v id="$by_id" -v list="$list" -v c="$creates" -v floor="$floor" '
    function ratio(a, b) { return b > 0 ? sprintf("%.2fx", a / b) : "n/a" }
    BEGIN {
        printf "GET by id / unrouted   %s (goal >= 0.5x)\n", ratio(id, bare)
        printf "list of 100 / unrouted %s (goal >= 0.25x)\n", ratio(list, bare)
        printf "creates / floor        %s (goal >= 5x, p99 <= 100 ms)\n", ratio(c, floor)
    }'
