#!/usr/bin/env bash
# usage: cluster_test.sh [PATH/TO/postgres_cluster.sh]
# The throw-away PostgreSQL 15 cluster the fleet-store tests stand on
# (issue 9): a primary and a synchronous streaming standby; a row written as
# tresor_admin over TCP reaches the standby; tresor_reader may read, not
# write; the superuser is refused over TCP; the primary is killed, the
# standby promoted, a conninfo naming both hosts with
# target_session_attrs=read-write reaches the new primary, which has the
# row and takes a new one. Ends with one summary line; exit 1 on a failure,
# 2 when PostgreSQL is not installed (never a skip: CI installs it).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
pgc=${1:-$here/../../support/postgres_cluster.sh}

# shellcheck source=common.sh
. "$here/common.sh"

# psql over TCP as ROLE on host:port list; -At, stops at the first error,
# passwords from the cluster's 0600 pgpass file.
sql() {
    local conninfo=$1; shift
    PGPASSFILE=$dir/pgpass timeout 30 psql -X -q -A -t -v ON_ERROR_STOP=1 \
        "$conninfo connect_timeout=5" "$@"
}

step="starting the primary"
t0=$(ms)
"$pgc" start "$dir" --owner $$ > /dev/null
t_start=$(($(ms) - t0))
# shellcheck disable=SC1091 # written by postgres_cluster.sh start
. "$dir/env"
p1=$TRESOR_PG_PRIMARY_PORT
[[ $(stat -c %a "$dir/pgpass") == 600 ]] || fail "pgpass is not 0600"
admin1="host=127.0.0.1 port=$p1 user=tresor_admin dbname=tresor"
reader1="host=127.0.0.1 port=$p1 user=tresor_reader dbname=tresor"
[[ $(sql "$admin1" -c "SELECT current_user, rolsuper FROM pg_roles WHERE rolname = current_user") \
    == "tresor_admin|f" ]] || fail "tresor_admin cannot log in over TCP, or is a superuser"
ok "primary up on 127.0.0.1:$p1 in ${t_start} ms; tresor_admin logs in over TCP, not superuser"

step="checking the superuser is refused over TCP"
if PGPASSWORD=guess timeout 30 psql -X -At "host=127.0.0.1 port=$p1 user=postgres dbname=tresor connect_timeout=5" \
    -c "SELECT 1" > /dev/null 2>&1; then
    fail "the superuser got in over TCP"
fi
ok "superuser postgres refused over TCP"

step="starting the standby"
t0=$(ms)
"$pgc" standby "$dir"
t_standby=$(($(ms) - t0))
# shellcheck disable=SC1091
. "$dir/env"
p2=$TRESOR_PG_STANDBY_PORT
[[ $("$pgc" psql "$dir" -At -c \
    "SELECT application_name, state, sync_state FROM pg_stat_replication") == "pg2|streaming|sync" ]] \
    || fail "pg_stat_replication does not show pg2 streaming synchronously"
ok "standby up on 127.0.0.1:$p2 in ${t_standby} ms, streaming, synchronous"

step="writing through the primary"
sql "$admin1" -c "CREATE TABLE probe (id int PRIMARY KEY, note text NOT NULL)" \
    -c "INSERT INTO probe VALUES (1, 'before failover')"
[[ $(sql "$reader1" -c "SELECT note FROM probe WHERE id = 1") == "before failover" ]] \
    || fail "tresor_reader cannot read the table tresor_admin created"
if out=$(sql "$reader1" -c "INSERT INTO probe VALUES (99, 'reader')" 2>&1); then
    fail "tresor_reader could write"
fi
[[ $out == *"permission denied"* ]] || fail "tresor_reader's write failed otherwise: $out"
ok "row 1 written as tresor_admin; tresor_reader reads it, is denied a write"

step="reading the row on the standby"
admin2="host=127.0.0.1 port=$p2 user=tresor_admin dbname=tresor"
# Synchronous commit waits for the standby's flush, not its replay: poll.
deadline=$((SECONDS + 10)) got=""
while ((SECONDS < deadline)); do
    got=$(sql "$admin2" -c "SELECT note FROM probe WHERE id = 1" 2>/dev/null || true)
    [[ $got == "before failover" ]] && break
    sleep 0.05
done
[[ $got == "before failover" ]] || fail "the standby does not have row 1 after 10 s (got '$got')"
[[ $(sql "$admin2" -c "SELECT pg_is_in_recovery()") == t ]] || fail "the standby is not in recovery"
ok "the standby has row 1"

step="failing over"
t0=$(ms)
"$pgc" kill-primary "$dir"
if sql "$admin1" -c "SELECT 1" > /dev/null 2>&1; then fail "the killed primary still answers"; fi
"$pgc" promote "$dir"
t_failover=$(($(ms) - t0))
ok "primary killed (immediate), standby promoted in ${t_failover} ms"

step="writing through a conninfo naming both hosts"
both="host=127.0.0.1,127.0.0.1 port=$p1,$p2 user=tresor_admin dbname=tresor target_session_attrs=read-write"
[[ $(sql "$both" -c "SELECT inet_server_port(), pg_is_in_recovery()") == "$p2|f" ]] \
    || fail "the two-host conninfo did not reach the new primary on $p2"
sql "$both" -c "INSERT INTO probe VALUES (2, 'after failover')"
[[ $(sql "$both" -c "SELECT string_agg(id || ':' || note, ',' ORDER BY id) FROM probe") \
    == "1:before failover,2:after failover" ]] || fail "the new primary lacks a row"
# shellcheck disable=SC1091
. "$dir/env"
[[ $PGPORT == "$p2" ]] || fail "DIR/env's PGPORT still names the old primary"
[[ $(PGPASSFILE=$dir/pgpass timeout 30 psql -X -At -c "SELECT count(*) FROM probe") == 2 ]] \
    || fail "DIR/env does not lead to the new primary"
ok "target_session_attrs=read-write reaches the new primary; rows 1 and 2 there"

step="stopping"
"$pgc" stop "$dir"
"$pgc" stop "$dir"   # idempotent
if pgrep -f -- "-D $dir/" > /dev/null; then fail "a server of $dir still runs after stop"; fi
ok "stop leaves no server running (twice)"

echo "# start ${t_start} ms, standby ${t_standby} ms, failover ${t_failover} ms"
