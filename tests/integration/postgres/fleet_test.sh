#!/usr/bin/env bash
# usage: fleet_test.sh POSTGRES_CLUSTER_SH TRESOR FLEET_CLIENT
# The fleet store (issue 9) on real PostgreSQL 15 servers: tresor_admin
# creates the vault and enrols hosts by public key; a host role with SELECT
# only reads and is refused writes (exit 4, "permission denied"); a hostile
# DBA's tampered, rolled-back, deleted and copied rows are each reported by
# `vault verify`; a lock held elsewhere is waited on for statement_timeout_ms
# only; a server that never answers, within connect_timeout; a database that
# is down is reported at once, naming the hosts tried, with no fallback; 8 host processes write at once and every
# write is there; writers carry on through a failover and every acknowledged
# write is on the new primary. Ends with one summary line; exit 1 on a
# failure, 2 when PostgreSQL is not installed (CI installs it: never a skip).
set -euo pipefail
pgc=$1 tresor=$2 client=$3
writers=${TRESOR_FLEET_WRITERS:-8} per_writer=${TRESOR_FLEET_WRITES:-500}

if [[ ! -x /usr/lib/postgresql/15/bin/initdb ]] || ! command -v psql >/dev/null; then
    echo "fleet_test: FAILED: PostgreSQL 15 is not installed; run scripts/install-deps --test" >&2
    exit 2
fi

checks=0 step="setting up"
dir=$(mktemp -d /tmp/tresor-fleet.XXXXXX)
finish() {
    local rc=$?
    "$pgc" stop "$dir" > /dev/null 2>&1 || true
    if ((rc != 0)); then
        tail -n 15 "$dir"/log/*.log >&2 2>/dev/null || true
        echo "fleet_test: FAILED while $step ($checks checks passed before); files in $dir"
    else
        rm -rf "$dir"
    fi
    exit "$rc"
}
trap finish EXIT
fail() { echo "fleet_test: FAIL: $*" >&2; exit 1; }
ok() { checks=$((checks + 1)); echo "ok $checks - $*"; }
ms() { local t; t=$(date +%s%N); echo $((t / 1000000)); }
dba() { "$pgc" psql "$dir" -X -q -At -v ON_ERROR_STOP=1 "$@"; }

step="starting PostgreSQL"
"$pgc" start "$dir" --owner $$ > /dev/null
"$pgc" standby "$dir" > /dev/null
# shellcheck disable=SC1091 # written by postgres_cluster.sh
. "$dir/env"
unset PGUSER  # each config names its role
mkdir -m 700 "$dir/home" "$dir/home/cfg"
export HOME=$dir/home TRESOR_VAULT_PASSWORD="fleet admin password"
conninfo="$TRESOR_PG_CONNINFO"
backend() {  # NAME ROLE [extra lines]
    printf '[backend.%s]\nplugin = "postgres"\nconninfo = "%s user=%s"\nvault = "prod"\n%s' \
        "$1" "$conninfo" "$2" "${3:-}"
}
{ backend fleet tresor_admin 'kdf = { memory_mib = 19, iterations = 2 }'; } > "$HOME/cfg/admin.toml"
admin() { "$tresor" --config "$HOME/cfg/admin.toml" "$@"; }

step="creating the vault as tresor_admin"
admin --backend fleet vault init > /dev/null
printf 'ghp_123' | admin set github ci
[[ $(admin get github ci) == ghp_123 ]] || fail "get after set"
admin ls github --json | grep -q '"last_used_at":"20' || fail "no last_used_at after a get"
admin ls | grep -q "github   ci" || fail "ls does not list github/ci"
if admin --backend fleet vault init > /dev/null 2> "$dir/err"; then fail "a second init succeeded"; fi
grep -q "already exists" "$dir/err" || fail "second init: $(cat "$dir/err")"
ok "tresor_admin: vault init, set, get, ls; a second init is refused"

step="checking what the database holds"
dba -c "SELECT encode(header, 'hex') || string_agg(encode(metadata || value || name_index, 'hex'), '')
        FROM tresor.tresor_vaults, tresor.tresor_records GROUP BY header" > "$dir/dump"
# Hex with coreutils' od (xxd is not on a fresh Debian: issue 22, finding 9).
hex() { printf %s "$1" | od -An -tx1 | tr -d ' \n'; }
for word in github ghp_123 "$(hex github)" "$(hex ghp_123)"; do
    [[ -n $word ]] || fail "an empty word would match any dump"
    ! grep -q "$word" "$dir/dump" || fail "the database holds '$word' in clear"
done
ok "the database holds no service, name or value in clear"

step="enrolling hosts by public key"
for i in $(seq 1 "$writers"); do
    "$tresor" vault keygen "$HOME/host$i.key" > "$HOME/host$i.pub"
    admin --backend fleet vault add-recipient "$(cat "$HOME/host$i.pub")" --label "host$i" > /dev/null
done
{ backend fleet tresor_reader "unlock = \"hostkey:$HOME/host1.key\""; } > "$HOME/cfg/reader.toml"
reader() { env -u TRESOR_VAULT_PASSWORD "$tresor" --config "$HOME/cfg/reader.toml" "$@"; }
[[ $(reader get github ci) == ghp_123 ]] || fail "a host with SELECT only cannot get"
reader ls > /dev/null || fail "a host with SELECT only cannot ls"
# Its use of a never-used entry cannot be written (SELECT only): the get
# still succeeds, silently, and the entry stays unused.
printf 'v' | admin set github fresh
[[ $(reader get github fresh 2> "$dir/err") == v && ! -s $dir/err ]] ||
    fail "a read-only host's get of an unused entry: $(cat "$dir/err")"
admin get github fresh --json | grep -q '"last_used_at":null' || fail "a read-only host's use was written"
set +e
printf x | reader set github other 2> "$dir/err"
rc=$?
set -e
[[ $rc == 4 ]] && grep -q "permission denied" "$dir/err" ||
    fail "a read-only host's set: exit $rc, $(cat "$dir/err")"
ok "$writers hosts enrolled by public key; tresor_reader with a host key gets and lists, set exits 4 (permission denied)"

step="playing the hostile DBA"
verify_problem() {  # EXPECTED_TEXT: verify must exit 4 and say it
    set +e
    admin --backend fleet vault verify > "$dir/verify" 2>&1
    local rc=$?
    set -e
    [[ $rc == 4 ]] && grep -q "$1" "$dir/verify" || fail "verify after $2: exit $rc, $(cat "$dir/verify")"
}
printf 'one' | admin set dba a
printf 'two' | admin set dba b
# The DBA's own copy of the vault's rows and header, put back between cases
# (putting back a whole vault is the rollback nothing can see: FLEET.md).
dba -c "CREATE TABLE saved_r AS SELECT * FROM tresor.tresor_records;
        CREATE TABLE saved_v AS SELECT * FROM tresor.tresor_vaults"
restore() {
    dba -c "BEGIN; DELETE FROM tresor.tresor_records WHERE vault = 'prod';
            UPDATE tresor.tresor_vaults v SET header = s.header FROM saved_v s WHERE v.name = s.name;
            INSERT INTO tresor.tresor_records SELECT * FROM saved_r; COMMIT"
    admin --backend fleet vault verify > /dev/null || fail "the restored vault does not verify"
}
one_row="(SELECT record_id FROM saved_r ORDER BY record_id LIMIT 1)"
dba -c "UPDATE tresor.tresor_records SET value = overlay(value placing '\\xff'::bytea from 30 for 1)
        WHERE record_id = $one_row"
verify_problem "failed authentication" "a tampered value"
restore
printf 'three' | admin set dba a
dba -c "DELETE FROM tresor.tresor_records WHERE record_id IN (SELECT record_id FROM saved_r);
        INSERT INTO tresor.tresor_records SELECT * FROM saved_r"
verify_problem "do not match the authenticated manifest" "a row rolled back"
restore
dba -c "DELETE FROM tresor.tresor_records WHERE record_id = $one_row"
verify_problem "do not match the authenticated manifest" "a deleted row"
restore
printf '[backend.other]\nplugin = "postgres"\nconninfo = "%s user=tresor_admin"\nvault = "other"\nkdf = { memory_mib = 19, iterations = 2 }\n' \
    "$conninfo" > "$HOME/cfg/other.toml"
"$tresor" --config "$HOME/cfg/other.toml" --backend other vault init > /dev/null
printf 'foreign' | "$tresor" --config "$HOME/cfg/other.toml" set dba x
dba -c "INSERT INTO tresor.tresor_records SELECT 'prod', record_id, name_index, service_index,
          version, metadata, value FROM tresor.tresor_records WHERE vault = 'other'"
verify_problem "do not match the authenticated manifest" "a row copied from another vault"
dba -c "DELETE FROM tresor.tresor_records WHERE vault = 'prod' AND record_id IN
          (SELECT record_id FROM tresor.tresor_records WHERE vault = 'other')"
admin --backend fleet vault verify > /dev/null || fail "the vault does not verify once repaired"
ok "hostile DBA: a tampered value, a rolled-back row, a deleted row, a row from another vault: each reported by verify (exit 4)"

step="writing from $writers hosts at once"
t0=$(ms)
pids=()
for i in $(seq 1 "$writers"); do
    "$client" "$conninfo user=tresor_admin" prod "$HOME/host$i.key" write "$per_writer" "w$i" \
        > "$dir/acks.$i" 2> "$dir/client.$i" &
    pids+=($!)
done
for pid in "${pids[@]}"; do wait "$pid" || fail "a writer failed: $(cat "$dir"/client.*)"; done
elapsed=$(($(ms) - t0))
total=$((writers * per_writer))
[[ $(cat "$dir"/acks.* | wc -l) == "$total" ]] || fail "not every write was acknowledged"
cat "$dir"/acks.* | "$client" "$conninfo user=tresor_admin" prod "$HOME/host1.key" check > "$dir/check" ||
    fail "$(tail -3 "$dir/check")"
[[ $(dba -c "SELECT count(*) FROM tresor.tresor_records WHERE vault = 'prod' AND service_index IN
      (SELECT service_index FROM tresor.tresor_records GROUP BY service_index HAVING count(*) = $per_writer)") == "$total" ]] ||
    fail "the database does not hold $total rows of the writers"
admin --backend fleet vault verify > /dev/null || fail "verify after the concurrent writers"
ok "$writers host processes x $per_writer writes at once: $total present, verify clean ($elapsed ms, $((total * 1000 / (elapsed + 1))) writes/s)"

step="rotating the vault key over the fleet"
admin --backend fleet vault remove-slot "$(admin --backend fleet vault slots | awk '/host8/ {print $2; exit}' | tr -d :)" > /dev/null
admin --backend fleet vault rotate > "$dir/rotate"
admin --backend fleet vault verify > /dev/null || fail "verify after rotate"
[[ $(reader get github ci) == ghp_123 ]] || fail "host1 cannot read after the rotation"
{ backend fleet tresor_reader "unlock = \"hostkey:$HOME/host8.key\""; } > "$HOME/cfg/host8.toml"
set +e
env -u TRESOR_VAULT_PASSWORD "$tresor" --config "$HOME/cfg/host8.toml" get github ci > /dev/null 2>&1
rc=$?
set -e
[[ $rc == 4 ]] || fail "the removed host8 still opens the vault after rotate (exit $rc)"
ok "remove-slot host8 + rotate re-encrypts $((total + 3)) records in one transaction: host1 reads on, host8 is locked out, verify clean"

step="failing over under a writer"
"$client" "$conninfo user=tresor_admin" prod "$HOME/host2.key" write 300 failover \
    > "$dir/acks.failover" 2> "$dir/client.failover" &
writer=$!
for _ in $(seq 1 100); do
    [[ $(wc -l < "$dir/acks.failover") -ge 50 ]] && break
    sleep 0.1
done
"$pgc" kill-primary "$dir" > /dev/null
"$pgc" promote "$dir" > /dev/null
wait "$writer" || fail "the writer gave up: $(cat "$dir/client.failover")"
acked=$(wc -l < "$dir/acks.failover")
"$client" "$conninfo user=tresor_admin" prod "$HOME/host2.key" check < "$dir/acks.failover" > "$dir/check" ||
    fail "after the failover: $(tail -3 "$dir/check")"
admin --backend fleet vault verify > /dev/null || fail "verify on the new primary"
ok "primary killed and standby promoted under a writer: $acked writes acknowledged, all on the new primary, verify clean"

step="bounding a lock wait by statement_timeout"
# shellcheck disable=SC1091 # the new primary's
. "$dir/env"
unset PGUSER
printf '[backend.fleet]\nplugin = "postgres"\nconninfo = "%s user=tresor_admin"\nvault = "prod"\nstatement_timeout_ms = 1000\n' \
    "$conninfo" > "$HOME/cfg/timeout.toml"
# Another session holds the vault's header row, as a stuck writer would.
dba -c "BEGIN; SELECT 1 FROM tresor.tresor_vaults WHERE name = 'prod' FOR UPDATE;
        SELECT pg_sleep(20); COMMIT" > /dev/null 2>&1 &
holder=$!
for _ in $(seq 1 50); do
    [[ $(dba -c "SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation
                 WHERE c.relname = 'tresor_vaults' AND l.mode = 'RowShareLock'") -ge 1 ]] && break
    sleep 0.1
done
t0=$(ms)
set +e
printf 'x' | "$tresor" --config "$HOME/cfg/timeout.toml" set timeout k 2> "$dir/err"
rc=$?
set -e
took=$(($(ms) - t0))
kill "$holder" 2> /dev/null || true
wait "$holder" 2> /dev/null || true
[[ $rc == 5 ]] && grep -q "statement timeout" "$dir/err" && ((took < 6000)) ||
    fail "a write behind a held lock: exit $rc in $took ms, $(cat "$dir/err")"
ok "a write waiting on a lock held elsewhere stops at statement_timeout_ms (exit 5 in $took ms)"

step="reporting a server that accepts and never answers"
postmaster=$(head -n 1 "$TRESOR_PG_PRIMARY_DATA/postmaster.pid")
printf '[backend.fleet]\nplugin = "postgres"\nconninfo = "%s user=tresor_admin connect_timeout=2"\nvault = "prod"\n' \
    "$conninfo" > "$HOME/cfg/silent.toml"
kill -STOP "$postmaster"
t0=$(ms)
set +e
"$tresor" --config "$HOME/cfg/silent.toml" get github ci > /dev/null 2> "$dir/err"
rc=$?
set -e
took=$(($(ms) - t0))
kill -CONT "$postmaster"
[[ $rc == 5 ]] && grep -q "timeout expired" "$dir/err" && ((took < 8000)) ||
    fail "a silent server: exit $rc in $took ms, $(cat "$dir/err")"
ok "a server that accepts and never answers: exit 5 in $took ms (connect_timeout=2), naming the host"

step="reporting a database that is down"
"$pgc" stop "$dir" > /dev/null
printf '[backend.fleet]\nplugin = "postgres"\nconninfo = "%s user=tresor_admin connect_timeout=3"\nvault = "prod"\n[backend.local]\nplugin = "vault"\npath = "%s"\n' \
    "$conninfo" "$HOME/local.db" > "$HOME/cfg/down.toml"
t0=$(ms)
set +e
printf 'x' | "$tresor" --config "$HOME/cfg/down.toml" set github new 2> "$dir/err"
rc=$?
set -e
took=$(($(ms) - t0))
[[ $rc == 5 ]] && grep -q "cannot connect" "$dir/err" && grep -q "127.0.0.1" "$dir/err" ||
    fail "database down: exit $rc, $(cat "$dir/err")"
[[ ! -e $HOME/local.db ]] || fail "the chain sent the secret to the local vault"
((took < 10000)) || fail "reporting the database down took $took ms"
ok "database down: exit 5 in $took ms naming the hosts tried; nothing went to the next backend"

step="running where libpq cannot be loaded"
# libpq is loaded by the fleet store when it first connects, not by every
# tresor process (vault/stores/libpq.hpp). A private mount namespace puts
# /dev/null over the library file: a file vault works as before, and the
# fleet backend and `tresor vault` on it say which library failed, with no
# fallback to the next backend.
libpq_file=$(readlink -f "$(/sbin/ldconfig -p | awk '$1 == "libpq.so.5" { print $NF; exit }')")
without_libpq() {
    unshare --mount sh -c 'mount --bind /dev/null "$0" && exec "$@"' "$libpq_file" "$@"
}
printf '[backend.solo]\nplugin = "vault"\npath = "%s"\nkdf = { memory_mib = 19, iterations = 2 }\n' \
    "$HOME/solo.db" > "$HOME/cfg/solo.toml"
printf 'v1' | without_libpq "$tresor" --config "$HOME/cfg/solo.toml" set github solo
[[ $(without_libpq "$tresor" --config "$HOME/cfg/solo.toml" get github solo) == v1 ]] ||
    fail "a file vault without libpq"
for command in "get github ci" "vault info"; do
    set +e
    # shellcheck disable=SC2086 # the words of the command
    without_libpq "$tresor" --config "$HOME/cfg/down.toml" --backend fleet $command \
        > /dev/null 2> "$dir/err"
    rc=$?
    set -e
    [[ $rc == 5 ]] && grep -q "cannot load libpq.so.5" "$dir/err" ||
        fail "$command without libpq: exit $rc, $(cat "$dir/err")"
done
[[ ! -e $HOME/local.db ]] || fail "without libpq the chain sent a secret to the local vault"
ok "without libpq: a file vault works; the fleet backend and tresor vault exit 5 naming libpq.so.5"

echo "fleet_test: $checks passed, 0 failed"
