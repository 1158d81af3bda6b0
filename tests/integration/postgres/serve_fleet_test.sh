#!/usr/bin/env bash
# usage: serve_fleet_test.sh POSTGRES_CLUSTER_SH TRESOR
# Two `tresor serve` processes on one fleet vault on a real PostgreSQL 15
# (issue 25, item 3): 32 clients create at once, half through each server;
# every create answered 201 is in the vault, listed by both servers (each
# listing what the other wrote) with its value, none was answered otherwise,
# and the vault verifies. Each server groups its creates into shared
# transactions (serve/group_commit.hpp) that the two servers' transactions
# serialize with in the database. The rate: bench/serve_fleet_load.sh.
# Ends with one summary line; exit 1 on a failure, 2 without PostgreSQL.
set -euo pipefail
pgc=$1 tresor=$2
clients=32 per_client=${TRESOR_SERVE_FLEET_CREATES:-10}

# shellcheck source=common.sh
. "$(dirname "$0")/common.sh"
# The servers go before the cluster (common.sh's at_exit stops it).
servers=()
at_exit() {
    for pid in "${servers[@]}"; do kill "$pid" 2> /dev/null || true; done
    "$pgc" stop "$dir" > /dev/null 2>&1
}
start_postgres
mkdir -m 700 "$dir/home"
export HOME=$dir/home TRESOR_VAULT_PASSWORD="serve fleet password"
unset TRESOR_BACKEND XDG_CONFIG_HOME TRESOR_CONFIG
printf '[backend.fleet]\nplugin = "postgres"\nconninfo = "%s user=tresor_admin"\nvault = "prod"\nkdf = { memory_mib = 19, iterations = 2 }\n' \
    "$TRESOR_PG_CONNINFO" > "$HOME/config.toml"
T() { "$tresor" --config "$HOME/config.toml" "$@"; }

step="creating the fleet vault and a session token"
T --backend fleet vault init > /dev/null
token=$(T token create --scope credentials:store,credentials:read)

step="starting two servers on the vault"
for n in 1 2; do
    # The binary itself, not the function T: $! must be the server.
    "$tresor" --config "$HOME/config.toml" serve --socket "$dir/serve$n.sock" \
        > "$dir/serve$n.out" 2> "$dir/serve$n.log" &
    servers+=($!)
done
for n in 1 2; do
    for _ in $(seq 100); do grep -q listening "$dir/serve$n.out" 2> /dev/null && break; sleep 0.1; done
    [[ -S $dir/serve$n.sock ]] || fail "server $n is not listening"
done
ok "two tresor serve processes on one fleet vault"

step="creating through both servers at once"
# Client N: per_client creates of fleet/cN-I through server 1 or 2, one
# after another, writing "name status" for each answer.
client() {
    local n=$1 sock=$2 i code
    for i in $(seq "$per_client"); do
        code=$(curl -s --unix-socket "$sock" -o /dev/null -w '%{http_code}' -X POST \
            -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
            --data-binary "{\"service\":\"fleet\",\"name\":\"c$n-$i\",\"key\":\"v$n-$i\"}" \
            http://localhost/api/credentials)
        echo "c$n-$i $code" >> "$dir/answers.$n"
    done
}
pids=()
for n in $(seq "$clients"); do
    client "$n" "$dir/serve$((n % 2 + 1)).sock" &
    pids+=($!)
done
wait "${pids[@]}"
cat "$dir"/answers.* > "$dir/answers"
answered=$(grep -c ' 201$' "$dir/answers" || true)
[[ $answered == $((clients * per_client)) ]] ||
    fail "$answered of $((clients * per_client)) creates answered 201; others: $(grep -v ' 201$' "$dir/answers" | head -5)"
ok "$answered creates through two servers, each answered 201"

step="reading the creates back"
grep ' 201$' "$dir/answers" | cut -d' ' -f1 | sort > "$dir/acknowledged"
for n in 1 2; do
    curl -s --unix-socket "$dir/serve$n.sock" -H "Authorization: Bearer $token" \
        http://localhost/api/credentials |
        python3 -c 'import json, sys; [print(e["name"]) for e in json.load(sys.stdin) if e["service"] == "fleet"]' |
        sort > "$dir/listed.$n"
    missing=$(comm -23 "$dir/acknowledged" "$dir/listed.$n")
    [[ -z $missing ]] || fail "server $n does not list acknowledged creates: $(head -3 <<< "$missing")"
done
ok "both servers list every acknowledged create (each what the other wrote)"
for name in c1-1 c2-$per_client c31-3; do
    [[ $(T get fleet "$name") == "v${name#c}" ]] || fail "the value of fleet/$name"
done
T vault verify > "$dir/verify" 2>&1 || fail "vault verify: $(cat "$dir/verify")"
ok "the values are stored, and the vault verifies"
