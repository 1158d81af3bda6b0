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

# shellcheck source=common.sh
. "$(dirname "$0")/common.sh"
start_postgres --standby
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
# init made the vault's admin identity; its key is in the admin's home.
identity=$(admin vault info | sed -n 's/^admin identity: \(tresor-admin-[0-9a-f]*\) .*/\1/p')
[[ -n $identity ]] || fail "no admin identity: $(admin vault info)"
[[ -f $HOME/.local/share/tresor/admin/${identity:13:64}.key ]] || fail "no admin key file"
# The refused second init wrote a key for an identity of its own before the
# vault said it exists; that key must be gone, not left to be mistaken for
# the admin's.
keys=("$HOME"/.local/share/tresor/admin/*.key)
[[ ${#keys[@]} == 1 ]] || fail "the refused init left its admin key: ${keys[*]}"
ok "tresor_admin: vault init (signed by $identity), set, get, ls; a second init is refused and leaves no key of its own"

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
# Host 1 pins the identity, and has a home of its own (its rollback anchor;
# no admin key).
{ backend fleet tresor_reader "unlock = \"hostkey:$HOME/host1.key\"
admin = \"$identity\"
"; } > "$HOME/cfg/reader.toml"
mkdir -m 700 "$dir/host1"
reader() { env -u TRESOR_VAULT_PASSWORD HOME="$dir/host1" "$tresor" --config "$HOME/cfg/reader.toml" "$@"; }
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
# `tresor vault` with no --backend acts on the chain's vault: here the only
# backend, the fleet (it acted on the default file vault, issue 20).
reader vault info > "$dir/info" 2> "$dir/err" || fail "vault info on a fleet-only config: $(cat "$dir/err")"
grep -q "^path: postgres vault 'prod'" "$dir/info" || fail "vault info: $(cat "$dir/info")"
[[ ! -e $dir/host1/.local/share/tresor/vault.db ]] || fail "vault info made a file vault"
grep -q "^pinned here: yes" "$dir/info" || fail "vault info: not pinned: $(cat "$dir/info")"
ok "$writers hosts enrolled by public key; tresor_reader with a host key gets and lists, set exits 4 (permission denied); tresor vault info acts on the fleet"

step="playing the hostile DBA"
# Putting the saved rows back between cases is itself a rollback of the
# whole vault, which a host's anchor refuses (tested below): the auditor
# here keeps none.
{ backend fleet tresor_admin 'kdf = { memory_mib = 19, iterations = 2 }
anchor = false
'; } > "$HOME/cfg/audit.toml"
audit() { "$tresor" --config "$HOME/cfg/audit.toml" "$@"; }
verify_problem() {  # EXPECTED_TEXT: verify must exit 4 and say it
    set +e
    audit vault verify > "$dir/verify" 2>&1
    local rc=$?
    set -e
    [[ $rc == 4 ]] && grep -q "$1" "$dir/verify" || fail "verify after $2: exit $rc, $(cat "$dir/verify")"
}
printf 'one' | audit set dba a
printf 'two' | audit set dba b
# The DBA's own copy of the vault's rows and header, put back between cases
# (putting back a whole vault is the rollback nothing can see: FLEET.md).
dba -c "CREATE TABLE saved_r AS SELECT * FROM tresor.tresor_records;
        CREATE TABLE saved_v AS SELECT * FROM tresor.tresor_vaults"
restore() {
    dba -c "BEGIN; DELETE FROM tresor.tresor_records WHERE vault = 'prod';
            UPDATE tresor.tresor_vaults v SET header = s.header FROM saved_v s WHERE v.name = s.name;
            INSERT INTO tresor.tresor_records SELECT * FROM saved_r; COMMIT"
    audit vault verify > /dev/null || fail "the restored vault does not verify"
}
one_row="(SELECT record_id FROM saved_r ORDER BY record_id LIMIT 1)"
dba -c "UPDATE tresor.tresor_records SET value = overlay(value placing '\\xff'::bytea from 30 for 1)
        WHERE record_id = $one_row"
verify_problem "failed authentication" "a tampered value"
restore
printf 'three' | audit set dba a
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
audit vault verify > /dev/null || fail "the vault does not verify once repaired"
ok "hostile DBA: a tampered value, a rolled-back row, a deleted row, a row from another vault: each reported by verify (exit 4)"

step="playing the hostile DBA on the whole vault"
refused() {  # EXIT TEXT WHAT COMMAND...: the command must fail so and say TEXT
    local want=$1 text=$2 what=$3 rc
    shift 3
    set +e
    "$@" > "$dir/out" 2> "$dir/err"
    rc=$?
    set -e
    [[ $rc == "$want" ]] && grep -q -- "$text" "$dir/err" ||
        fail "$what: exit $rc, $(cat "$dir/err") $(cat "$dir/out")"
}
dba -c "DROP TABLE IF EXISTS saved_v; CREATE TABLE saved_v AS SELECT * FROM tresor.tresor_vaults WHERE name = 'prod';
        DROP TABLE IF EXISTS saved_r; CREATE TABLE saved_r AS SELECT * FROM tresor.tresor_records WHERE vault = 'prod'"
put_back() {
    dba -c "BEGIN; DELETE FROM tresor.tresor_records WHERE vault = 'prod';
            UPDATE tresor.tresor_vaults v SET header = s.header FROM saved_v s WHERE v.name = s.name;
            INSERT INTO tresor.tresor_records SELECT * FROM saved_r; COMMIT"
}
# 1. Substitution: the DBA makes a vault of his own with tresor, gives host
# 1's public key (public: it is in the header) a recipient slot, stores his
# own value, and copies his header and records over the team's vault.
mkdir -m 700 "$dir/dba"
printf '[backend.evil]\nplugin = "postgres"\nconninfo = "%s user=tresor_admin"\nvault = "evil"\nkdf = { memory_mib = 19, iterations = 2 }\n' \
    "$conninfo" > "$HOME/cfg/evil.toml"
evil() { HOME="$dir/dba" TRESOR_VAULT_PASSWORD="the DBA's own" "$tresor" --config "$HOME/cfg/evil.toml" "$@"; }
evil vault init > /dev/null
evil vault add-recipient "$(cat "$HOME/host1.pub")" > /dev/null
printf 'postgres://app:x@attacker.example/app' | evil set github ci
dba -c "BEGIN; DELETE FROM tresor.tresor_records WHERE vault = 'prod';
        UPDATE tresor.tresor_vaults SET header = (SELECT header FROM tresor.tresor_vaults WHERE name = 'evil') WHERE name = 'prod';
        INSERT INTO tresor.tresor_records SELECT 'prod', record_id, name_index, service_index, version, metadata, value
          FROM tresor.tresor_records WHERE vault = 'evil'; COMMIT"
refused 4 "not by $identity" "host 1's get of a substitute vault" reader get github ci
refused 4 "not by $identity" "host 1's vault verify of a substitute vault" reader vault verify
# Its writes go nowhere: a set needs the header too (host 1 has only SELECT;
# host 2 has DML).
{ backend fleet tresor_admin "unlock = \"hostkey:$HOME/host2.key\"
admin = \"$identity\"
"; } > "$HOME/cfg/host2.toml"
mkdir -m 700 "$dir/host2"
host2() { env -u TRESOR_VAULT_PASSWORD HOME="$dir/host2" "$tresor" --config "$HOME/cfg/host2.toml" "$@"; }
evil vault add-recipient "$(cat "$HOME/host2.pub")" > /dev/null
dba -c "UPDATE tresor.tresor_vaults SET header = (SELECT header FROM tresor.tresor_vaults WHERE name = 'evil') WHERE name = 'prod'"
printf 'new secret' > "$dir/new-secret"
refused 4 "not by $identity" "host 2's set into a substitute vault" host2 set app token < "$dir/new-secret"
put_back
[[ $(reader get github ci) == ghp_123 ]] || fail "host 1 after the vault was put back"
ok "a DBA's substitute vault with a recipient slot for the host: get, verify and set refused (exit 4, signed by another identity)"

# 2. A host whose role may write rows (DML, as FLEET.md grants hosts) wants
# a slot for a key of its own: tresor refuses without the admin key, and the
# header it writes with the vault key and code of its own is refused by
# every pinned host, signed by another key or not at all.
dba -c "CREATE ROLE tresor_host LOGIN PASSWORD 'host-password';
        GRANT CONNECT ON DATABASE tresor TO tresor_host;
        ALTER ROLE tresor_host IN DATABASE tresor SET search_path = tresor;
        GRANT USAGE ON SCHEMA tresor TO tresor_host;
        GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA tresor TO tresor_host"
printf '*:*:*:tresor_host:host-password\n' >> "$PGPASSFILE"
{ backend fleet tresor_host "unlock = \"hostkey:$HOME/host3.key\"
admin = \"$identity\"
"; } > "$HOME/cfg/host3.toml"
mkdir -m 700 "$dir/host3"
host3() { env -u TRESOR_VAULT_PASSWORD HOME="$dir/host3" "$tresor" --config "$HOME/cfg/host3.toml" "$@"; }
printf 'dml' | host3 set dml check || fail "the DML host cannot write a secret"
"$tresor" vault keygen "$dir/intruder.key" > "$dir/intruder.pub"
refused 4 "change only with its admin key" "a DML host's add-recipient" \
    host3 vault add-recipient "$(cat "$dir/intruder.pub")"
for forgery in forge-slot forge-unsigned; do
    dba -c "UPDATE saved_v SET header = (SELECT header FROM tresor.tresor_vaults WHERE name = 'prod')"
    dba -c "DELETE FROM saved_r; INSERT INTO saved_r SELECT * FROM tresor.tresor_records WHERE vault = 'prod'"
    "$client" "$conninfo user=tresor_host" prod "$HOME/host3.key" "$forgery" "$(cat "$dir/intruder.pub")"
    if [[ $forgery == forge-slot ]]; then expected="not by $identity"; else expected="not signed"; fi
    refused 4 "$expected" "host 1 after a DML host's $forgery" reader get github ci
    put_back
done
[[ $(reader get github ci) == ghp_123 ]] || fail "host 1 after the forged headers were put back"
ok "a DML host cannot add a slot: tresor needs the admin key (exit 4), and a header it forges with the vault key is refused by pinned hosts (re-signed or unsigned)"

# 3. Rollback: the whole vault put back from an older dump (pg_dump, psql)
# is refused by a host that saw a newer one, naming both states; the
# admin's accept-restore makes it the newest state for every host. The
# whole vault: its audit log's tables too (they refer to tresor_vaults).
dump_args=(-h "$TRESOR_PG_SOCKET_DIR" -p "$TRESOR_PG_PRIMARY_PORT" -U postgres -d tresor)
vault_tables=(tresor.tresor_vaults tresor.tresor_records tresor.tresor_audit tresor.tresor_audit_notes)
"$TRESOR_PG_BINDIR/pg_dump" "${dump_args[@]}" --data-only "${vault_tables[@]/#/-t}" > "$dir/backup.sql"
printf 'ghp_456' | admin set github ci
[[ $(reader get github ci) == ghp_456 ]] || fail "host 1 does not read the new value"
dba -c "TRUNCATE $(IFS=,; echo "${vault_tables[*]}")"
"$TRESOR_PG_BINDIR/psql" -X -q -v ON_ERROR_STOP=1 "${dump_args[@]}" < "$dir/backup.sql" > /dev/null
refused 4 "older than what this host has seen of it (key epoch" "host 1 after a restored dump" \
    reader get github ci
grep -q "generation [0-9]* seen here; key epoch [0-9]*, generation [0-9]* in the store" "$dir/err" ||
    fail "the refusal does not name both states: $(cat "$dir/err")"
admin vault accept-restore > "$dir/accept" || fail "accept-restore: $(cat "$dir/accept")"
grep -q "signed again at key epoch" "$dir/accept" || fail "accept-restore: $(cat "$dir/accept")"
[[ $(reader get github ci) == ghp_123 ]] || fail "host 1 after the admin accepted the restore"
ok "a whole vault restored from an older pg_dump: refused by host 1 (exit 4, both states named); accepted after the admin's accept-restore"

# 4. A vault made before signing (by tresor as it was): a pinned host refuses
# it until the admin signs it; an unpinned host reads it throughout.
"$client" "$conninfo user=tresor_admin" legacy - create
printf '[backend.legacy]\nplugin = "postgres"\nconninfo = "%s user=tresor_admin"\nvault = "legacy"\nkdf = { memory_mib = 19, iterations = 2 }\n' \
    "$conninfo" > "$HOME/cfg/legacy.toml"
legacy() { "$tresor" --config "$HOME/cfg/legacy.toml" "$@"; }
printf 'old' | legacy set old v
legacy vault add-recipient "$(cat "$HOME/host1.pub")" > /dev/null
legacy vault info | grep -q "^admin identity: none" || fail "the legacy vault is signed"
{ printf '[backend.legacy]\nplugin = "postgres"\nconninfo = "%s user=tresor_reader"\nvault = "legacy"\nunlock = "hostkey:%s"\n' \
    "$conninfo" "$HOME/host1.key"; } > "$HOME/cfg/legacy-host.toml"
legacy_host() { env -u TRESOR_VAULT_PASSWORD HOME="$dir/host1" "$tresor" --config "$HOME/cfg/legacy-host.toml" "$@"; }
[[ $(legacy_host get old v) == old ]] || fail "an unpinned host cannot read the legacy vault"
printf 'admin = "%s"\n' "$identity" >> "$HOME/cfg/legacy-host.toml"
refused 4 "it is not signed by an admin identity" "a pinned host before vault sign" legacy_host get old v
legacy vault sign > "$dir/sign"
legacy_identity=$(sed -n 's/^admin identity: \(tresor-admin-[0-9a-f]*\)$/\1/p' "$dir/sign")
[[ -n $legacy_identity ]] || fail "vault sign: $(cat "$dir/sign")"
refused 4 "not by $identity" "a host pinned to another identity" legacy_host get old v
sed -i "s/^admin = .*/admin = \"$legacy_identity\"/" "$HOME/cfg/legacy-host.toml"
[[ $(legacy_host get old v) == old ]] || fail "the pinned host cannot read the signed vault"
ok "a vault made before signing: an unpinned host reads it, a pinned one is refused until vault sign; then a host pinned to its new identity reads it, one pinned to another is refused"

# 5. A write whose COMMIT fails (here a deferred trigger of the DBA's, as a
# failover or a serialization failure would) is not a state the host has
# seen: its retry in the same process writes on, where counting the failed
# header as seen refused the vault as rolled back.
step="retrying a write whose commit failed"
dba -c "CREATE SEQUENCE tresor.fail_once;
        CREATE FUNCTION tresor.fail_first_commit() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER AS
          \$\$ BEGIN IF nextval('tresor.fail_once') = 1 THEN RAISE EXCEPTION 'the first commit fails'; END IF; RETURN NULL; END \$\$;
        CREATE CONSTRAINT TRIGGER fail_first AFTER UPDATE ON tresor.tresor_vaults
          DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION tresor.fail_first_commit()"
"$client" "$conninfo user=tresor_admin" prod "$HOME/host2.key" write 2 retried \
    > "$dir/retried.acks" 2> "$dir/client.retried" ||
    fail "the retry after a failed commit: $(cat "$dir/client.retried")"
[[ $(dba -c "SELECT last_value FROM tresor.fail_once") -ge 3 ]] || fail "no commit failed"
dba -c "DROP TRIGGER fail_first ON tresor.tresor_vaults; DROP FUNCTION tresor.fail_first_commit(); DROP SEQUENCE tresor.fail_once"
"$client" "$conninfo user=tresor_admin" prod "$HOME/host2.key" check < "$dir/retried.acks" > "$dir/check" ||
    fail "after the retried writes: $(tail -3 "$dir/check")"
ok "a write whose COMMIT failed is retried by the same host and succeeds (the failed header is not taken as seen)"

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

# A write reads its records in the same message as the header's lock, as a
# statement of its own after it (vault/stores/postgres_store.cpp): two hosts
# updating the same names at once each see the other's committed version,
# so every name ends at version 2 in one row and the manifest verifies. A
# read from before the lock wait would miss the other's new row and insert
# a second one: the server logs the unique violation (the client retries).
step="writing the same names from 2 hosts at once"
same=200
log_before=$(cat "$dir"/log/*.log | wc -l)
for i in 1 2; do
    "$client" "$conninfo user=tresor_admin" prod "$HOME/host$i.key" write "$same" same \
        > "$dir/same.$i" 2> "$dir/client.same.$i" &
    pids[i]=$!
done
wait "${pids[1]}" && wait "${pids[2]}" || fail "a writer of the same names failed: $(cat "$dir"/client.same.*)"
versions=$(dba -c "SELECT count(*) || ' ' || sum(version) FROM tresor.tresor_records WHERE vault = 'prod'
                   AND service_index = (SELECT service_index FROM tresor.tresor_records r
                   GROUP BY service_index HAVING max(version) >= 2 AND count(*) = $same LIMIT 1)")
[[ $versions == "$same $((2 * same))" ]] || fail "2 writers x $same same names: rows and versions $versions"
admin --backend fleet vault verify > /dev/null || fail "verify after 2 writers of the same names"
! cat "$dir"/log/*.log | tail -n +$((log_before + 1)) | grep "duplicate key" ||
    fail "2 writers of the same names: a write read the records from before the lock"
# A batch (tresor import: one set_many) that replaces an entry, adds one and
# names the first again: the store's read with the lock, then its own write.
printf 'A=one\n' | admin import --dotenv - --service imported > /dev/null
printf 'A=two\nB=new\nA=three\n' | admin import --dotenv - --service imported --replace > /dev/null
[[ $(admin get imported A) == three && $(admin get imported B) == new ]] ||
    fail "a batch naming an entry twice: A=$(admin get imported A) B=$(admin get imported B)"
[[ $(admin ls imported | grep -c imported) == 2 ]] || fail "a batch naming an entry twice: $(admin ls imported)"
admin --backend fleet vault verify > /dev/null || fail "verify after a batch naming an entry twice"
ok "2 hosts x $same writes of the same names at once: $same rows at version 2, verify clean; a batch replacing, adding and naming an entry twice"

step="stalling the synchronous standby"
# The standby's walreceiver stops (SIGSTOP): the primary commits locally and
# waits for the standby's flush, with statement_timeout off for that wait.
# A write must fail at the client's deadline (exit 5, saying the write is not
# acknowledged: committed on the primary only), release the header row, and
# let the next host write; it blocked for ever, holding the row (issue 20).
host_config() {  # N TIMEOUT_MS
    { backend fleet tresor_admin "unlock = \"hostkey:$HOME/host$1.key\"
statement_timeout_ms = $2
"; } > "$HOME/cfg/stall$1.toml"
}
as_host() { local n=$1; shift; env -u TRESOR_VAULT_PASSWORD timeout 30 "$tresor" --config "$HOME/cfg/stall$n.toml" "$@"; }
host_config 2 1000
host_config 3 1000
host_config 4 30000
walreceiver=$("$pgc" psql "$dir" --node "$TRESOR_PG_STANDBY" -X -At -c "SELECT pid FROM pg_stat_wal_receiver")
[[ -n $walreceiver ]] || fail "no walreceiver on the standby"
kill -STOP "$walreceiver"
trap 'kill -CONT "$walreceiver" 2>/dev/null || true; finish' EXIT
t0=$(ms)
set +e
printf 'first' | as_host 2 set stall a 2> "$dir/err"
rc=$?
set -e
took=$(($(ms) - t0))
[[ $rc == 5 ]] && grep -q "did not acknowledge it" "$dir/err" && ((took < 2500)) ||
    fail "a write with a stalled standby: exit $rc in $took ms, $(cat "$dir/err")"
[[ $(dba -c "SELECT count(*) FROM pg_stat_activity WHERE wait_event = 'SyncRep'") == 0 ]] ||
    fail "a backend still waits for the standby after the deadline"
# Host 3 takes the header row at once: its own commit, too, waits for the
# standby and is reported unacknowledged (a held row would be a lock wait).
set +e
printf 'second' | as_host 3 set stall b 2> "$dir/err"
rc=$?
set -e
[[ $rc == 5 ]] && grep -q "did not acknowledge it" "$dir/err" ||
    fail "host 3 behind the first write: exit $rc, $(cat "$dir/err")"
# A DBA cancelling the wait (pg_cancel_backend) makes PostgreSQL answer the
# COMMIT with success and a warning: reported, not acknowledged (the old
# code printed libpq's warning and exited 0).
set +e
printf 'third' | as_host 4 set stall c 2> "$dir/err4" &
writer=$!
set -e
for _ in $(seq 1 100); do
    [[ $(dba -c "SELECT count(*) FROM pg_stat_activity WHERE wait_event = 'SyncRep'") == 1 ]] && break
    sleep 0.05
done
dba -c "SELECT pg_cancel_backend(pid) FROM pg_stat_activity WHERE wait_event = 'SyncRep'" > /dev/null
set +e
wait "$writer"
rc=$?
set -e
[[ $rc == 5 ]] && grep -q "did not acknowledge it" "$dir/err4" ||
    fail "a COMMIT whose wait a DBA cancelled: exit $rc, $(cat "$dir/err4")"
kill -CONT "$walreceiver"
trap finish EXIT
t0=$(ms)
printf 'fourth' | as_host 3 set stall d || fail "host 3 cannot write once the standby is back"
took2=$(($(ms) - t0))
[[ $(as_host 2 get stall a) == first ]] || fail "the unacknowledged write is not on the primary"
admin --backend fleet vault verify > /dev/null || fail "verify after the stalled standby"
ok "a stalled synchronous standby: set exits 5 in $took ms (deadline 1000 ms), not acknowledged, the header row released; a DBA's cancel is not an acknowledgement; host 3 writes in $took2 ms once the standby is back"

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
