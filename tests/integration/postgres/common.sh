# Sourced by the PostgreSQL tests, with `pgc` set to postgres_cluster.sh: the
# shared steps of tests/support/steps.sh, exit 2 without PostgreSQL 15 (CI
# installs it: never a skip), the cluster in $dir stopped at exit; `dba` is
# psql as the superuser on the primary, `start_postgres [--standby]` starts
# the primary (and a synchronous standby) and exports its DIR/env, with no
# PGUSER: each tresor config names its role.
# shellcheck shell=bash
at_exit() { "$pgc" stop "$dir" > /dev/null 2>&1; }
# shellcheck source=../../support/steps.sh
. "$(dirname "${BASH_SOURCE[0]}")/../../support/steps.sh"
need "${TRESOR_PG_BINDIR:-/usr/lib/postgresql/15/bin}/initdb" postgresql-15
need psql postgresql-client-15

dba() { "$pgc" psql "$dir" -X -q -At -v ON_ERROR_STOP=1 "$@"; }
start_postgres() {  # [--standby]
    step="starting PostgreSQL"
    "$pgc" start "$dir" --owner $$ > /dev/null
    if [[ ${1:-} == --standby ]]; then "$pgc" standby "$dir" > /dev/null; fi
    # shellcheck disable=SC1091 # written by postgres_cluster.sh
    . "$dir/env"
    unset PGUSER
}
