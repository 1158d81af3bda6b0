#!/usr/bin/env bash
# Creates through two `tresor serve` processes on one fleet vault (issue 25,
# item 3), on throw-away PostgreSQL 15 servers (tests/support/
# postgres_cluster.sh: fsync and synchronous_commit on): one wrk per server
# at once, 16 connections each (32 in all), POST /api/credentials with unique
# names (bench/serve_load.lua); each server's rate and p50/p99, their sum,
# and, on the same database in the same run, the floor without batching: one
# committed INSERT per create, serial, inside the server (no round trips).
# Then every create either server acknowledged is checked in the vault.
# Usage: bench/serve_fleet_load.sh path/to/tresor [seconds, default 8]
set -euo pipefail
tresor=$1
seconds=${2:-8}
here=$(dirname "$0")
pgc=$here/../tests/support/postgres_cluster.sh
dir=$(mktemp -d /tmp/serve-fleet-load.XXXXXX)
servers=()
cleanup() {
    for pid in "${servers[@]}"; do kill "$pid" 2> /dev/null || true; done
    "$pgc" stop "$dir" > /dev/null 2>&1 || true
    rm -rf "$dir"
}
trap cleanup EXIT
"$pgc" start "$dir" --owner $$ > /dev/null
# shellcheck disable=SC1091 # written by postgres_cluster.sh
. "$dir/env"
unset PGUSER TRESOR_BACKEND
mkdir -m 700 "$dir/home"
export HOME=$dir/home TRESOR_VAULT_PASSWORD="fleet load password"
printf '[backend.fleet]\nplugin = "postgres"\nconninfo = "%s user=tresor_admin"\nvault = "prod"\nkdf = { memory_mib = 19, iterations = 2 }\n' \
    "$TRESOR_PG_CONNINFO" > "$HOME/config.toml"
T() { "$tresor" --config "$HOME/config.toml" "$@"; }
T --backend fleet vault init > /dev/null
token=$(T token create --scope credentials:store,credentials:read)
ports=()
for n in 1 2; do
    # The binary itself, not the function T: $! must be the server.
    "$tresor" --config "$HOME/config.toml" serve --port 0 --socket "$dir/serve$n.sock" \
        --max-connections 1024 > "$dir/serve$n.out" 2> /dev/null &
    servers+=($!)
    for _ in $(seq 100); do grep -q listening "$dir/serve$n.out" 2> /dev/null && break; sleep 0.1; done
    ports+=("$(sed -n 's/.*127\.0\.0\.1:\([0-9]*\).*/\1/p' "$dir/serve$n.out")")
done

echo "tresor serve x2 on one fleet vault (PostgreSQL 15, loopback): wrk, 16 connections each, ${seconds}s"
loads=()
for n in 1 2; do
    wrk -t1 -c16 -d"${seconds}s" --timeout 10s -H "Authorization: Bearer $token" \
        -s "$here/serve_load.lua" "http://127.0.0.1:${ports[n - 1]}/api/credentials" \
        -- POST "s$n-" | grep '^RESULT' > "$dir/result.$n" &
    loads+=($!)
done
wait "${loads[@]}"
total=0
for n in 1 2; do
    read -r _ requests secs p50 p99 bad < "$dir/result.$n"
    rate=$(awk -v n="$requests" -v s="$secs" 'BEGIN { printf "%.0f", n / s }')
    total=$((total + rate))
    printf 'server %d: POST /api/credentials %8s req/s  p50 %8.2f ms  p99 %8.2f ms  (%d requests, %d not 2xx or failed)\n' \
        "$n" "$rate" "$p50" "$p99" "$requests" "$bad"
done
# The floor: one committed INSERT per create, serial, in one session.
floor_ms=$("$pgc" psql "$dir" -X -q -At -v ON_ERROR_STOP=1 <<'SQL'
CREATE TABLE floor_rows (id bigint PRIMARY KEY, v bytea);
CREATE PROCEDURE floor_run(n int) LANGUAGE plpgsql AS $$
BEGIN
    FOR i IN 1..n LOOP
        INSERT INTO floor_rows VALUES (i, gen_random_uuid()::text::bytea);
        COMMIT;
    END LOOP;
END $$;
SELECT extract(epoch FROM clock_timestamp()) * 1000 AS t0 \gset
CALL floor_run(500);
SELECT round(extract(epoch FROM clock_timestamp()) * 1000 - :t0);
SQL
)
floor=$(awk -v ms="$floor_ms" 'BEGIN { printf "%.0f", (ms > 0 ? 500 * 1000 / ms : 0) }')
printf 'both servers: %s creates/s; floor: %s commits/s (one committed INSERT per create, serial, server-side)\n' \
    "$total" "$floor"
awk -v c="$total" -v f="$floor" 'BEGIN { printf "creates / floor %s\n", (f > 0 ? sprintf("%.2fx", c / f) : "n/a") }'
# What either server acknowledged is there: its listing, through the other.
listed=$(curl -s --unix-socket "$dir/serve1.sock" -H "Authorization: Bearer $token" \
    http://127.0.0.1/api/credentials | python3 -c 'import json, sys; print(sum(e["service"] == "create" for e in json.load(sys.stdin)))')
echo "creates in the vault: $listed (wrk counts completed requests; each was answered 201 only once committed)"
