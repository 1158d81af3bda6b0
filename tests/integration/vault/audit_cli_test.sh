#!/usr/bin/env bash
# usage: audit_cli_test.sh BUILD_CLI_DIR
# The vault's audit log through the tresor CLI (issue 26): what `tresor
# audit` shows (text, --json, --service, --since) for sets, gets, header
# uses, misses, removes, a key-slot change and a failed unlock; a tresor serve
# session's writes under its token id; `tresor vault verify` and `tresor
# audit verify` each reporting a deleted, reordered, edited and truncated
# block (exit 4); a prune that keeps the chain verifiable; and strict mode
# refusing a value whose event cannot be written (a read-only vault, as
# another uid: root cannot be refused a write). Ends with one summary line.
set -euo pipefail
# shellcheck source=../credential_helpers/common.sh
. "$(dirname "$0")/../credential_helpers/common.sh"
need sqlite3 sqlite3
need curl curl
cli_dir=$1
finish_setup "$cli_dir"
echo 'audit = "on"' >> "$TRESOR_CONFIG"   # into [backend.vault], the last table
vault=$dir/home/vault.db
expect_exit() {  # STATUS COMMAND...: runs it, output in $dir/out and $dir/err
    set +e
    "${@:2}" > "$dir/out" 2> "$dir/err"
    local rc=$?
    set -e
    ((rc == $1)) || fail "$*: exit $rc, not $1: $(cat "$dir/err")"
}
json_field() {  # FIELD [FILTER=VALUE]: each event's FIELD from `tresor audit --json` on stdin
    /usr/bin/python3 -c '
import json, sys
field, cond = sys.argv[1], sys.argv[2:]
for line in sys.stdin:
    e = json.loads(line)
    if all(str(e[c.split("=")[0]]) == c.split("=", 1)[1] for c in cond):
        print(e[field])' "$@"
}

step="events and who"
printf 's3cret' | tresor set github token --type bearer_token
tresor get github token > /dev/null
tresor header github token > /dev/null
expect_exit 1 tresor get github missing
tresor rm github token
TRESOR_VAULT_PASSWORD=wrong tresor ls > /dev/null 2>&1 && fail "a wrong password listed"
tresor audit > "$dir/audit.txt"
ops=$(awk '{print $2 "/" $3}' "$dir/audit.txt" | tr '\n' ' ')
[[ $ops == "set/ok get/ok use/ok get/not-found remove/ok unlock-failed/failed " ]] ||
    fail "operations: $ops"
grep -q "unlock-failed  failed  uid $(id -u) pid [0-9]* .*tresor  password  (wrong password or damaged vault)  \[not sealed yet\]" \
    "$dir/audit.txt" || fail "failed unlock: $(tail -n 1 "$dir/audit.txt")"
grep -q "^20[0-9-]*T[0-9:]*\.[0-9]\{3\}Z  get  ok  github/token  uid $(id -u) pid [0-9]* $cli_dir/tresor  password slot 1$" \
    "$dir/audit.txt" || fail "a get's line: $(sed -n 2p "$dir/audit.txt")"
ok "set, get, header use, a miss, a remove and a failed unlock, with time, uid, pid, executable and slot"

step="json, filters, sealing"
tresor vault passwd --new-password-from env:TRESOR_VAULT_PASSWORD > /dev/null
tresor audit --json > "$dir/audit.json"
[[ $(json_field block operation=unlock-failed < "$dir/audit.json") =~ ^[0-9]+$ ]] ||
    fail "the failed unlock was not sealed by the next write"
[[ $(json_field detail operation=slots < "$dir/audit.json") == passwd ]] || fail "slot change"
[[ $(tresor audit --service github --json | wc -l) == 5 ]] || fail "--service"
[[ -z $(tresor audit --since 2999-01-01) ]] || fail "--since"
ok "--json, --service, --since; the next write seals the failed unlock; passwd is a slot change"

step="tresor serve names the session's token"
token=$(tresor token create --scope credentials:store,credentials:read)
token_id=${token:12:16}
mkdir -m 700 "$dir/run"
tresor serve --socket "$dir/run/s.sock" --port 0 > "$dir/serve.out" 2> "$dir/serve.log" &
server=$!
pids+=("$server")
for _ in $(seq 100); do grep -q listening "$dir/serve.out" 2> /dev/null && break; sleep 0.1; done
status=$(curl -s -o /dev/null -w '%{http_code}' --unix-socket "$dir/run/s.sock" \
    -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
    --data-binary '{"service":"api","name":"key","key":"from-serve"}' http://localhost/api/credentials)
[[ $status == 201 ]] || fail "create over serve: $status"
kill -TERM "$server"
wait "$server" || true
actor=$(tresor audit --json | json_field actor operation=set service=api)
[[ $actor == "token:$token_id" ]] || fail "serve's set is by '$actor', not token:$token_id"
ok "a set made through tresor serve is by token:$token_id"

step="tampering"
for _ in 1 2; do printf 'v' | tresor set more entry$RANDOM; done
expect_exit 0 tresor vault verify
expect_exit 0 tresor audit verify
blocks=$(sqlite3 "$vault" "SELECT max(seq) FROM audit")
printf '[backend.copy]\nplugin = "vault"\npath = "%s"\naudit = "on"\n' "$dir/home/copy.db" \
    >> "$TRESOR_CONFIG"
tampered() {  # SQL EXPECTED WHAT: both verify commands report EXPECTED, exit 4
    cp "$vault" "$dir/home/copy.db"
    sqlite3 "$dir/home/copy.db" "$1"
    for command in "vault verify" "audit verify"; do
        # shellcheck disable=SC2086 # two words
        expect_exit 4 tresor --backend copy $command
        grep -qF "$2" "$dir/out" "$dir/err" || fail "$3, $command: $(cat "$dir/out" "$dir/err")"
    done
    ok "$3: vault verify and audit verify both report it (exit 4)"
}
tampered "DELETE FROM audit WHERE seq = 3" "audit blocks 3 to 3 are missing" "a deleted block"
tampered "UPDATE audit SET seq = 0 WHERE seq = 3; UPDATE audit SET seq = 3 WHERE seq = 4;
          UPDATE audit SET seq = 4 WHERE seq = 0" "audit block 3 failed authentication" \
    "reordered blocks"
tampered "UPDATE audit SET block = substr(block, 1, 40) || x'00' || substr(block, 42) WHERE seq = 2" \
    "audit block 2 failed authentication" "an edited block"
tampered "DELETE FROM audit WHERE seq = $blocks" "the audit log's newest blocks were removed" \
    "a truncated log"

step="prune"
tresor audit prune --before 2999-01-01 | grep -q "pruned $((blocks - 1)) audit blocks" ||
    fail "prune"
expect_exit 0 tresor audit verify
grep -q "^2 audit blocks" "$dir/out" || fail "after the prune: $(cat "$dir/out")"
expect_exit 0 tresor vault verify
ok "a prune keeps the newest block and a sealed prune event; both verify"

step="strict as another user"
if (($(id -u) != 0)); then
    echo "ok - SKIP strict on a read-only vault: needs root to play uid 65534"
    exit 0
fi
need setpriv util-linux
# uid 65534 runs the build tree's tresor: a checkout it cannot reach (one under
# root's 0700 home, as on a fresh machine) leaves this step nothing to test.
if ! setpriv --reuid=65534 --regid=65534 --clear-groups "$cli_dir/tresor" --version > /dev/null 2>&1; then
    echo "ok - SKIP strict on a read-only vault: uid 65534 cannot run $cli_dir/tresor"
    exit 0
fi
other=$(mktemp -d /tmp/tresor-audit-other.XXXXXX)
chown 65534:65534 "$other"
chmod 700 "$other"
as_other() {  # MODE ARGS...: tresor as uid 65534 with audit = MODE
    printf '[backend.vault]\nplugin = "vault"\npath = "%s/vault.db"\naudit = "%s"\nkdf = { memory_mib = 19, iterations = 2 }\n' \
        "$other" "$1" > "$other/$1.toml"
    chown 65534:65534 "$other/$1.toml"
    setpriv --reuid=65534 --regid=65534 --clear-groups env HOME="$other" \
        TRESOR_VAULT_PASSWORD=other "$cli_dir/tresor" --config "$other/$1.toml" "${@:2}"
}
printf 'strict-value' | as_other strict set app token
chmod 400 "$other/vault.db"
expect_exit 4 as_other strict get app token
[[ ! -s $dir/out ]] || fail "strict printed a value it could not audit: $(cat "$dir/out")"
grep -q "readonly" "$dir/err" || fail "strict's error: $(cat "$dir/err")"
[[ $(as_other on get app token 2> /dev/null) == strict-value ]] ||
    fail "audit = on could not read a read-only vault"
rm -rf "$other"
ok "strict refuses a value whose event cannot be written; on returns it and loses the batch"
