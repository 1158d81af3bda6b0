#!/usr/bin/env bash
# tresor serve killed (kill -9) under 32 concurrent creates: every create it
# answered 201 is in the vault after a restart, and the vault verifies. The
# creates share transactions (serve/group_commit.hpp): an answer before its
# transaction committed would show here as a 201 whose credential is missing.
# Ends with "N passed, M failed".
set -u
tresor=$1
server=
at_exit() { [[ -n $server ]] && kill -9 "$server" 2>/dev/null; }
# shellcheck source=../../support/serve_checks.sh
. "$(dirname "$0")/../../support/serve_checks.sh"

export HOME=$tmp TRESOR_VAULT_PASSWORD="crash test password"
unset TRESOR_BACKEND XDG_CONFIG_HOME TRESOR_CONFIG
printf '[backend.vault]\nplugin = "vault"\npath = "~/vault.db"\nkdf = { memory_mib = 19, iterations = 2 }\n' \
    >"$tmp/config.toml"
T() { "$tresor" --config "$tmp/config.toml" "$@"; }
token=$(T token create --scope credentials:store,credentials:read)
sock=$tmp/serve.sock
start_serve

# Client N: creates crash/cN-1, cN-2, ... one after another until the server
# is gone, writing "name status" for each answer.
client() {
    local n=$1 i=0 code
    while :; do
        i=$((i + 1))
        code=$(curl -s --unix-socket "$sock" -o /dev/null -w '%{http_code}' -X POST \
            -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
            --data-binary "{\"service\":\"crash\",\"name\":\"c$n-$i\",\"key\":\"v$n-$i\"}" \
            http://localhost/api/credentials)
        echo "c$n-$i $code" >>"$tmp/answers.$n"
        [[ $code == 201 ]] || break
    done
}
clients=()
for n in $(seq 32); do
    client "$n" &
    clients+=($!)
done
# Killed once some hundreds of creates were answered (or after 20 s).
for _ in $(seq 200); do
    (($(cat "$tmp"/answers.* 2>/dev/null | grep -c ' 201$') >= 300)) && break
    sleep 0.1
done
kill -9 "$server"
wait "$server" 2>/dev/null
server=
wait "${clients[@]}"

cat "$tmp"/answers.* >"$tmp/answers"
answered=$(grep -c ' 201$' "$tmp/answers")
check "creates answered 201 before the kill" 1 "$((answered >= 32 ? 1 : 0))"
check "no answer but 201 or none (000)" "" "$(grep -v ' 201$' "$tmp/answers" | grep -v ' 000$')"

# After the restart: the server's own listing holds every name answered 201.
start_serve
curl -s --unix-socket "$sock" -H "Authorization: Bearer $token" http://localhost/api/credentials |
    python3 -c 'import json, sys; [print(e["name"]) for e in json.load(sys.stdin) if e["service"] == "crash"]' |
    sort >"$tmp/present"
grep ' 201$' "$tmp/answers" | cut -d' ' -f1 | sort >"$tmp/acknowledged"
check "acknowledged creates missing after the restart" "" "$(comm -23 "$tmp/acknowledged" "$tmp/present")"
first=$(head -1 "$tmp/acknowledged")
check "the value of an acknowledged create" "v${first#c}" "$(T get crash "$first")"
kill "$server" && wait "$server" 2>/dev/null
server=
check "vault verify after the kill" 0 "$(T vault verify >/dev/null 2>&1; echo $?)"

echo "$answered creates answered 201 before kill -9, $(wc -l <"$tmp/present") present after"
tally
