#!/usr/bin/env bash
# usage: audit_fleet_test.sh POSTGRES_CLUSTER_SH TRESOR
# The audit log of a fleet vault on a real PostgreSQL 15 (issue 26): every
# host's uses go to the vault's one chain, each naming the host key that
# unlocked (host tresor-pub-...); a fleet database made before the log gets
# its tables from the first audited write; a host whose role may only SELECT
# reads with audit = "on" (its batch is lost) but is refused the value in
# strict mode; a block the DBA deletes is reported by `tresor audit verify`.
# Ends with one summary line; exit 1 on a failure, 2 without PostgreSQL.
set -euo pipefail
pgc=$1 tresor=$2

# shellcheck source=common.sh
. "$(dirname "$0")/common.sh"
start_postgres
mkdir -m 700 "$dir/home" "$dir/home/cfg"
export HOME=$dir/home
config() {  # FILE ROLE AUDIT [extra lines]
    printf '[backend.fleet]\nplugin = "postgres"\nconninfo = "%s user=%s"\nvault = "prod"\naudit = "%s"\n%s' \
        "$TRESOR_PG_CONNINFO" "$2" "$3" "${4:-}" > "$HOME/cfg/$1.toml"
}
config admin tresor_admin on 'kdf = { memory_mib = 19, iterations = 2 }'
admin() { TRESOR_VAULT_PASSWORD="fleet admin" "$tresor" --config "$HOME/cfg/admin.toml" "$@"; }

step="a fleet vault and two hosts"
admin --backend fleet vault init > /dev/null
# As a fleet database made before the audit log: its tables come later.
dba -c "DROP TABLE tresor.tresor_audit, tresor.tresor_audit_notes"
for host in web1 web2; do
    "$tresor" vault keygen "$HOME/$host.key" > "$HOME/$host.pub"
    admin --backend fleet vault add-recipient "$(cat "$HOME/$host.pub")" --label "$host" > /dev/null
    config "$host" tresor_admin on "unlock = \"hostkey:$HOME/$host.key\""
done
host() { env -u TRESOR_VAULT_PASSWORD "$tresor" --config "$HOME/cfg/$1.toml" "${@:2}"; }
printf 'ghp_1' | host web1 set github ci
[[ $(host web2 get github ci) == ghp_1 ]] || fail "web2 cannot read web1's secret"
[[ $(dba -c "SELECT count(*) FROM tresor.tresor_audit") -ge 2 ]] || fail "no audit rows"
ok "the first audited write added the audit tables; web1 sets, web2 gets"

step="one chain, each host named by its key"
admin --backend fleet audit --json > "$dir/audit.json"
by() {  # OPERATION: the credential of each event with that operation
    /usr/bin/python3 -c '
import json, sys
for line in open(sys.argv[1]):
    e = json.loads(line)
    if e["operation"] == sys.argv[2] and e["service"] == "github":
        print(e["credential"])' "$dir/audit.json" "$1"
}
[[ $(by set) == "host $(cat "$HOME/web1.pub")" ]] || fail "the set is by $(by set)"
[[ $(by get) == "host $(cat "$HOME/web2.pub")" ]] || fail "the get is by $(by get)"
admin --backend fleet audit verify | grep -q " 0 problems" || fail "audit verify"
ok "the set is by host web1's key, the get by web2's; one chain that verifies"

step="a host that may only SELECT"
config reader tresor_reader on "unlock = \"hostkey:$HOME/web2.key\""
config strict tresor_reader strict "unlock = \"hostkey:$HOME/web2.key\""
[[ $(host reader get github ci 2> /dev/null) == ghp_1 ]] || fail "a SELECT-only host cannot get"
set +e
value=$(host strict get github ci 2> "$dir/err")
rc=$?
set -e
[[ $rc == 4 && -z $value ]] && grep -q "permission denied" "$dir/err" ||
    fail "strict on a SELECT-only host: exit $rc, '$value', $(cat "$dir/err")"
ok "a SELECT-only host gets with audit = on, and is refused the value in strict mode"

step="the DBA deletes a block"
printf 'x' | host web1 set github more
dba -c "DELETE FROM tresor.tresor_audit WHERE seq = 2"
set +e
admin --backend fleet audit verify > "$dir/verify" 2>&1
rc=$?
set -e
[[ $rc == 4 ]] && grep -q "audit blocks 2 to 2 are missing" "$dir/verify" ||
    fail "audit verify after a deleted block: exit $rc, $(cat "$dir/verify")"
ok "a block the DBA deleted is reported (exit 4)"
