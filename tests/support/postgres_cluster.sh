#!/usr/bin/env bash
# postgres_cluster.sh: throw-away PostgreSQL 15 servers for the fleet-store
# tests and benchmarks (issue 9). Real servers, fsync on, synchronous
# replication; only on 127.0.0.1 and a unix socket inside DIR.
#
#   postgres_cluster.sh start DIR [--owner PID] [--lifetime SECONDS]
#       initdb + start a primary (node pg1) on a free random port (20000-
#       31999, below the kernel's ephemeral range); create the database
#       `tresor` (initdb's `postgres`, renamed: there is no `postgres` db) and
#       the roles below; write DIR/env and print the
#       same `export` lines on stdout (eval "$(... start DIR)" works, so does
#       `. DIR/env`). DIR must exist and be empty (mktemp -d is fine).
#   postgres_cluster.sh standby DIR
#       pg_basebackup -R a streaming standby (pg2, pg3, ...) from the current
#       primary, start it on another free port, make it the primary's
#       synchronous standby (synchronous_standby_names on the primary, the
#       node name as application_name), and return once pg_stat_replication
#       shows it streaming with sync_state 'sync'. Updates DIR/env.
#       A commit on the primary then returns once the standby has flushed
#       it, not replayed it: a test reading its write on the standby polls.
#       Standbys do not follow a promotion; `standby` again after one copies
#       the new primary.
#   postgres_cluster.sh kill-primary DIR
#       pg_ctl stop -m immediate on the current primary (a crash: no
#       shutdown checkpoint). Returns once its postmaster is gone.
#   postgres_cluster.sh promote DIR [NODE]
#       pg_ctl promote on a standby (default: the first one) and return once
#       pg_is_in_recovery() is false. It is then the primary; DIR/env's
#       PGPORT names it.
#   postgres_cluster.sh stop DIR
#       stop every server and the watchdog. Idempotent; 0 when nothing runs.
#   postgres_cluster.sh status DIR
#       one line per node: name, port, primary|standby|down.
#   postgres_cluster.sh psql DIR [--node NODE] [PSQL ARGS...]
#       psql as the superuser over the unix socket (peer), database tresor,
#       on the current primary or NODE. For set-up and for playing the
#       hostile DBA; tresor itself must connect as the roles below.
#
# Exit status: 0 done; 1 failed (the reason and the log's tail on stderr);
# 2 usage, or the PostgreSQL binaries are missing (scripts/install-deps --test).
# Every wait is bounded (TRESOR_PG_TIMEOUT seconds, default 30).
# TRESOR_PG_TRACE=1 prints each step's time.
#
# Durability: every server runs with fsync=on, synchronous_commit=on and
# full_page_writes=on, so commit latency is a real one. Only the set-up is
# not synced (initdb --no-sync, pg_basebackup --no-sync, a standby's first
# start with fsync off, turned on before it counts as synchronous): a cluster survives killed servers,
# which is what the tests do, not a power cut during its set-up.
#
# DIR/env (sourced by tests) exports:
#   PGHOST=127.0.0.1 PGPORT=<primary> PGDATABASE=tresor PGUSER=tresor_admin
#   PGPASSFILE=DIR/pgpass PGCONNECT_TIMEOUT=5 — so plain `psql` is tresor_admin
#   over TCP on the primary; TRESOR_PG_CONNINFO: every node's host and port
#   with target_session_attrs=read-write (libpq finds the primary);
#   TRESOR_PG_DIR, TRESOR_PG_SOCKET_DIR, TRESOR_PG_BINDIR,
#   TRESOR_PG_PRIMARY (node) TRESOR_PG_PRIMARY_PORT TRESOR_PG_PRIMARY_DATA,
#   TRESOR_PG_STANDBY TRESOR_PG_STANDBY_PORT TRESOR_PG_STANDBY_DATA (first
#   standby, once there is one), TRESOR_PG_ADMIN_PASSWORD_FILE,
#   TRESOR_PG_READER_PASSWORD_FILE.
#
# Roles (least privilege; `start` runs the SQL in DIR/roles.sql, passwords
# apart):
#   tresor_admin   LOGIN, password; owns schema `tresor` (creates the tables);
#                  not superuser, no CREATEDB/CREATEROLE/REPLICATION.
#   tresor_reader  LOGIN, password; USAGE on schema tresor and SELECT on every
#                  table tresor_admin creates there (default privileges).
#   Passwords: random, in DIR/tresor_admin.password, DIR/tresor_reader.password
#   and DIR/pgpass (all 0600, owned by the caller).
# Authentication (pg_hba.conf): the superuser `postgres` only over the unix
# socket by peer (OS users root/postgres, or the caller when not root, mapped
# to it), and is rejected over TCP; every other role uses scram-sha-256, over
# TCP (127.0.0.1) or the socket. Replication: the superuser over the socket.
#
# Users and permissions. initdb refuses root, so as root (CI) the servers run
# as the `postgres` user (runuser); as anybody else they run as the caller.
# As root, DIR becomes mode 0711 (postgres may traverse it, not list it) and
# its parents must already be traversable by postgres (mktemp -d under /tmp
# is); the data dirs, DIR/run (sockets) and DIR/log are owned by postgres.
# The unix socket path DIR/run/.s.PGSQL.PORT must fit in 107 bytes.
#
# Layout: DIR/pgN (data dir), DIR/log/pgN.log, DIR/run (sockets),
# DIR/state/ (ports, pids, which node is primary).
#
# initdb's output is cached (copied, not re-run: 4x faster) in
# $TRESOR_PG_CACHE, default ${XDG_CACHE_HOME:-~/.cache}/tresor-postgres;
# TRESOR_PG_CACHE=off runs initdb every time.
#
# Nothing outlives the test: call `stop` in a trap, e.g.
#   dir=$(mktemp -d); trap 'postgres_cluster.sh stop "$dir"; rm -rf "$dir"' EXIT
#   postgres_cluster.sh start "$dir" --owner $$ >/dev/null && . "$dir/env"
# and a watchdog started by `start` stops the servers anyway once the
# --owner process has exited (use it: a trap does not run on SIGKILL), DIR
# has been removed, or --lifetime seconds (default 7200) have passed.
set -euo pipefail
shopt -s nullglob

# The script's own connections must not be redirected by the caller's libpq
# environment (a sourced DIR/env, say).
while read -r v; do unset "$v"; done < <(compgen -e | grep '^PG' || true)

timeout_s=${TRESOR_PG_TIMEOUT:-30}
self=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)/$(basename "${BASH_SOURCE[0]}")
superuser=postgres
database=tresor

die() { echo "postgres_cluster: $*" >&2; exit 1; }
usage() {
    sed -n '2,/^# Exit status/p' "$0" | sed -e 's/^# \{0,1\}//' -e '/^Exit status/d' >&2
    exit 2
}
now_ms() { local t; t=$(date +%s%N); echo $((t / 1000000)); }
# TRESOR_PG_TRACE=1: each step's time on stderr.
trace_t=$(now_ms)
trace() {
    [[ -n ${TRESOR_PG_TRACE:-} ]] || return 0
    local t; t=$(now_ms); echo "postgres_cluster: +$((t - trace_t)) ms $*" >&2; trace_t=$t
}

find_bindir() {
    # TRESOR_PG_BINDIR: another build of PostgreSQL (the default is Debian's 15).
    local d=${TRESOR_PG_BINDIR:-/usr/lib/postgresql/15/bin}
    if [[ -x $d/initdb && -x $d/pg_ctl && -x $d/pg_basebackup && -x $d/psql ]]; then
        echo "$d"
        return
    fi
    echo "postgres_cluster: PostgreSQL server binaries not found" \
        "($d/initdb, pg_ctl, pg_basebackup, psql)." \
        "Install them with: scripts/install-deps --test" >&2
    exit 2
}

# Commands the servers' user runs: `postgres` when we are root, else us.
as_pg() {
    if ((EUID == 0)); then
        (cd / && timeout "$timeout_s" runuser -u postgres -- "$@")
    else
        (cd / && timeout "$timeout_s" "$@")
    fi
}
pg_owner_chown() { if ((EUID == 0)); then chown postgres:postgres "$@"; fi; }

# ---- state in DIR/state ------------------------------------------------------

set_dir() {
    [[ -n ${1:-} ]] || usage
    [[ -d $1 ]] || die "$1: no such directory"
    dir=$(cd "$1" && pwd -P)
    state=$dir/state
    sockdir=$dir/run
}
need_cluster() { [[ -f $state/nodes ]] || die "$dir: no cluster here (run start first)"; }
nodes() { cat "$state/nodes"; }
node_port() { cat "$state/$1.port"; }
node_pid() { cat "$state/$1.pid" 2>/dev/null || true; }
primary_node() { cat "$state/primary" 2>/dev/null || true; }

# Is PID a postmaster of a data dir inside DIR? (Guards against pid reuse.)
is_our_postmaster() {
    local pid=$1 node=$2 cmd
    [[ -n $pid && -r /proc/$pid/cmdline ]] || return 1
    cmd=$(tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null) || return 1
    [[ $cmd == *postgres*"-D $dir/$node "* ]]
}
node_running() { is_our_postmaster "$(node_pid "$1")" "$1"; }

# psql as the superuser over the unix socket; -At, stops on the first error.
su_psql() {
    local node=$1; shift
    PGCONNECT_TIMEOUT=5 timeout "$timeout_s" "$bindir/psql" -X -q -A -t -v ON_ERROR_STOP=1 \
        -h "$sockdir" -p "$(node_port "$node")" -U "$superuser" -d "$database" "$@"
}

# Wait until `su_psql NODE -c SQL` prints WANT; bounded.
wait_for() {
    local node=$1 sql=$2 want=$3 what=$4 deadline=$((SECONDS + timeout_s)) got=""
    while ((SECONDS < deadline)); do
        got=$(su_psql "$node" -c "$sql" 2>/dev/null || true)
        [[ $got == "$want" ]] && return 0
        sleep 0.05
    done
    die "$node: timed out after ${timeout_s}s waiting for $what (last answer: '${got}')"
}

write_env() {
    local p; p=$(primary_node)
    local standbys=() n hosts="" ports=""
    for n in $(nodes); do
        [[ $n == "$p" ]] || standbys+=("$n")
        hosts+=${hosts:+,}127.0.0.1
        ports+=${ports:+,}$(node_port "$n")
    done
    {
        echo "export TRESOR_PG_DIR='$dir'"
        echo "export TRESOR_PG_SOCKET_DIR='$sockdir'"
        echo "export TRESOR_PG_BINDIR='$bindir'"
        echo "export TRESOR_PG_PRIMARY='$p'"
        echo "export TRESOR_PG_PRIMARY_PORT='$(node_port "$p")'"
        echo "export TRESOR_PG_PRIMARY_DATA='$dir/$p'"
        if ((${#standbys[@]})); then
            echo "export TRESOR_PG_STANDBY='${standbys[0]}'"
            echo "export TRESOR_PG_STANDBY_PORT='$(node_port "${standbys[0]}")'"
            echo "export TRESOR_PG_STANDBY_DATA='$dir/${standbys[0]}'"
        fi
        echo "export TRESOR_PG_CONNINFO='host=$hosts port=$ports dbname=$database target_session_attrs=read-write'"
        echo "export TRESOR_PG_ADMIN_PASSWORD_FILE='$dir/tresor_admin.password'"
        echo "export TRESOR_PG_READER_PASSWORD_FILE='$dir/tresor_reader.password'"
        echo "export PGHOST=127.0.0.1"
        echo "export PGPORT='$(node_port "$p")'"
        echo "export PGDATABASE=$database"
        echo "export PGUSER=tresor_admin"
        echo "export PGPASSFILE='$dir/pgpass'"
        echo "export PGCONNECT_TIMEOUT=5"
    } > "$dir/env.tmp"
    mv "$dir/env.tmp" "$dir/env"
}

# ---- ports ---------------------------------------------------------------------

# A random port below the kernel's ephemeral range (32768+ on Linux, which
# outgoing connections take) that nothing listens on now. Another process may
# still take it before our server binds: start_node retries on a bind error.
free_port() {
    local i p
    for i in $(seq 1 100); do
        p=$((20000 + (RANDOM * 32768 + RANDOM) % 12000))
        [[ -e $sockdir/.s.PGSQL.$p ]] && continue
        if command -v ss >/dev/null; then
            [[ -z $(ss -Hltn "sport = :$p" 2>/dev/null) ]] || continue
        elif (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
            continue
        fi
        echo "$p"
        return
    done
    die "no free port found in 20000-31999"
}

# Config files are written by us in place (root may; an existing file keeps
# its owner), which saves a runuser per file.
# Append the per-node settings to NODE's postgresql.conf (later lines win).
node_conf() {
    local node=$1 port=$2
    cat >> "$dir/$node/postgresql.conf" <<EOF
# --- postgres_cluster.sh: node $node ---
port = $port
cluster_name = '$node'
EOF
}

# Start NODE (its data dir exists) on a free port; retried on a port clash.
start_node() {
    local node=$1 port log _
    log=$dir/log/$node.log
    for _ in 1 2 3 4 5; do
        port=$(free_port)
        node_conf "$node" "$port"
        echo "$port" > "$state/$node.port"
        if as_pg "$bindir/pg_ctl" -D "$dir/$node" -l "$log" -w -t "$timeout_s" -s start >&2; then
            head -n 1 "$dir/$node/postmaster.pid" > "$state/$node.pid"
            return 0
        fi
        if tail -n 20 "$log" | grep -q -e "could not bind" -e "already in use"; then
            echo "postgres_cluster: $node: port $port taken, trying another" >&2
            continue
        fi
        tail -n 20 "$log" >&2 || true
        die "$node: the server did not start (log: $log)"
    done
    die "$node: no free port after 5 attempts"
}

# ---- the watchdog ------------------------------------------------------------

proc_start_time() { # field 22 of /proc/PID/stat, after the ')' of comm
    local s; s=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
    s=${s##*) }
    local -a f; read -r -a f <<< "$s"; echo "${f[19]}"
}

watchdog() {
    local owner=$1 owner_start=$2 lifetime=$3 deadline=$((SECONDS + $3)) reason=""
    local -A pids=()
    local n
    while :; do
        # Remember the postmasters while DIR is there, to kill them once it is not.
        for n in $(nodes 2>/dev/null || true); do
            pids[$n]=$(node_pid "$n")
        done
        if [[ ! -d $state ]]; then reason="$dir was removed"; break; fi
        [[ -e $state/stopped ]] && exit 0
        if [[ -n $owner ]] && [[ $(proc_start_time "$owner" || true) != "$owner_start" ]]; then
            reason="its owner process $owner exited"; break
        fi
        if ((SECONDS >= deadline)); then reason="its lifetime of ${lifetime}s is over"; break; fi
        sleep 1
    done
    if [[ -d $state ]]; then
        echo "postgres_cluster: watchdog: stopping the cluster in $dir: $reason" >> "$dir/log/watchdog.log" 2>/dev/null || true
        cmd_stop
    else
        for n in "${!pids[@]}"; do
            if is_our_postmaster "${pids[$n]}" "$n"; then kill -QUIT "${pids[$n]}" 2>/dev/null || true; fi
        done
    fi
}

# ---- commands ----------------------------------------------------------------

cmd_start() {
    local owner="" lifetime=7200 t0; t0=$(now_ms)
    while (($#)); do
        case $1 in
            --owner) owner=${2:?--owner needs a pid}; shift 2 ;;
            --lifetime) lifetime=${2:?--lifetime needs seconds}; shift 2 ;;
            *) usage ;;
        esac
    done
    [[ -z $(ls -A "$dir") ]] || die "$dir is not empty"
    local sock="$sockdir/.s.PGSQL.65535"
    ((${#sock} <= 107)) || die "$dir is too long for a unix socket path (${#sock} > 107 bytes); use a shorter one, e.g. mktemp -d /tmp/pg.XXXXXX"
    local owner_start=""
    if [[ -n $owner ]]; then
        owner_start=$(proc_start_time "$owner") || die "--owner $owner: no such process"
    fi

    if ((EUID == 0)); then
        chmod 0711 "$dir"
        if ! runuser -u postgres -- test -x "$dir/."; then
            local d=$dir
            while [[ $d != / ]]; do
                d=$(dirname "$d")
                runuser -u postgres -- test -x "$d/." 2>/dev/null \
                    || die "the postgres user cannot traverse $d (needs o+x on it and its parents)"
            done
            die "the postgres user cannot traverse $dir"
        fi
    fi
    mkdir -m 0700 "$state"
    mkdir -m 0755 "$sockdir" "$dir/log"
    # From here on a failure stops what was started, and the watchdog runs
    # (its own session, no inherited stdio: CTest waits for the test's
    # output pipe to close).
    trap 'rc=$?; if ((rc != 0)); then cmd_stop; fi' EXIT
    setsid "$self" __watchdog "$dir" "$owner" "$owner_start" "$lifetime" \
        </dev/null >/dev/null 2>&1 &
    echo $! > "$state/watchdog.pid"
    mkdir -m 0700 "$dir/pg1"
    pg_owner_chown "$sockdir" "$dir/log" "$dir/pg1"

    # initdb: no fsync of the fresh files (a crash here just fails the test);
    # the server itself runs with fsync on. initdb takes 0.6 s (2 s on a busy
    # machine), a copy of its output a tenth of that: the first start keeps
    # one in the cache, keyed by the server's version and initdb's arguments.
    local initdb_args=(-U "$superuser" -E UTF8 --locale=C.UTF-8 --no-sync --no-instructions
        --auth-local=peer --auth-host=reject)
    local cache_root=${TRESOR_PG_CACHE:-${XDG_CACHE_HOME:-${HOME:-/nonexistent}/.cache}/tresor-postgres}
    local key template="" tmp
    if [[ $cache_root != off ]]; then
        key=$({ "$bindir/postgres" --version; echo "$bindir ${initdb_args[*]} $(id -u)"; } \
            | sha256sum | cut -c1-16)
        template=$cache_root/initdb-$key
    fi
    if [[ -n $template && -f $template/PG_VERSION ]] && cp -a "$template/." "$dir/pg1/" 2>/dev/null; then
        echo "copied from $template" > "$dir/log/initdb.log"
        trace "pg1 copied from the initdb template"
    else
        find "$dir/pg1" -mindepth 1 -delete
        as_pg "$bindir/initdb" -D "$dir/pg1" "${initdb_args[@]}" > "$dir/log/initdb.log" 2>&1 \
            || { cat "$dir/log/initdb.log" >&2; die "initdb failed"; }
        trace initdb
        # Keep a copy; a concurrent start may store the same one first (the
        # rename then fails and ours goes). Any failure only costs the cache.
        if [[ -n $template ]] && (umask 077 && mkdir -p "$cache_root") 2>/dev/null \
            && tmp=$(mktemp -d "$cache_root/tmp.XXXXXX" 2>/dev/null); then
            if ! { cp -a "$dir/pg1/." "$tmp/" && mv -T "$tmp" "$template"; } 2>/dev/null; then
                rm -rf "$tmp"
            fi
        fi
    fi

    local me=postgres; ((EUID == 0)) || me=$(id -un)
    cat > "$dir/pg1/pg_ident.conf" <<EOF
# MAPNAME  SYSTEM-USERNAME  PG-USERNAME
owner      postgres         $superuser
owner      root             $superuser
owner      $me              $superuser
EOF
    cat > "$dir/pg1/pg_hba.conf" <<EOF
# postgres_cluster.sh: the superuser only over the socket, by peer; every
# other role by password (scram-sha-256); nothing but 127.0.0.1.
local   all          $superuser                    peer map=owner
local   replication  $superuser                    peer map=owner
host    all          $superuser  127.0.0.1/32      reject
host    replication  all         127.0.0.1/32      reject
local   all          all                           scram-sha-256
host    all          all         127.0.0.1/32      scram-sha-256
EOF
    cat >> "$dir/pg1/postgresql.conf" <<EOF
# --- postgres_cluster.sh: every node ---
listen_addresses = '127.0.0.1'
unix_socket_directories = '$sockdir'
unix_socket_permissions = 0777
max_connections = 100
shared_buffers = 32MB
fsync = on
synchronous_commit = on
full_page_writes = on
wal_level = replica
max_wal_senders = 10
max_replication_slots = 10
wal_keep_size = 128MB
hot_standby = on
password_encryption = scram-sha-256
logging_collector = off
log_min_messages = warning
log_line_prefix = '%m [%p] %q%a '
EOF
    echo pg1 > "$state/nodes"
    echo pg1 > "$state/primary"
    start_node pg1
    trace "pg1 started"

    # Passwords: random, only [A-Za-z0-9_-], so safe in SQL literals and pgpass.
    local role pw old_umask; old_umask=$(umask)
    umask 077
    : > "$dir/pgpass"
    for role in tresor_admin tresor_reader; do
        pw=$(head -c 18 /dev/urandom | base64 | tr '+/' '-_')
        printf '%s\n' "$pw" > "$dir/$role.password"
        printf '*:*:*:%s:%s\n' "$role" "$pw" >> "$dir/pgpass"
    done
    umask "$old_umask"
    # Two transactions: each commit waits for an fsync.
    cat > "$dir/roles.sql" <<'EOF'
-- postgres_cluster.sh: the least-privilege roles, run by psql as the superuser
-- connected to template1, with the psql variables admin_password and
-- reader_password set.
BEGIN;
CREATE ROLE tresor_admin LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION
    PASSWORD :'admin_password';
CREATE ROLE tresor_reader LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION
    PASSWORD :'reader_password';
-- initdb's `postgres` database becomes `tresor`: a rename is instant, where
-- CREATE DATABASE copies 7.5 MB through the WAL (and into every standby).
ALTER DATABASE postgres RENAME TO tresor;
REVOKE ALL ON DATABASE tresor FROM PUBLIC;
GRANT CONNECT, TEMPORARY ON DATABASE tresor TO tresor_admin;
GRANT CONNECT ON DATABASE tresor TO tresor_reader;
ALTER ROLE tresor_admin IN DATABASE tresor SET search_path = tresor;
ALTER ROLE tresor_reader IN DATABASE tresor SET search_path = tresor;
COMMIT;
\connect tresor
BEGIN;
REVOKE ALL ON SCHEMA public FROM PUBLIC;
CREATE SCHEMA tresor AUTHORIZATION tresor_admin;
GRANT USAGE ON SCHEMA tresor TO tresor_reader;
ALTER DEFAULT PRIVILEGES FOR ROLE tresor_admin IN SCHEMA tresor
    GRANT SELECT ON TABLES TO tresor_reader;
COMMIT;
EOF
    {
        echo "\\set admin_password '$(cat "$dir/tresor_admin.password")'"
        echo "\\set reader_password '$(cat "$dir/tresor_reader.password")'"
        cat "$dir/roles.sql"
    } | PGCONNECT_TIMEOUT=5 timeout "$timeout_s" "$bindir/psql" -X -q -v ON_ERROR_STOP=1 \
        -h "$sockdir" -p "$(node_port pg1)" -U "$superuser" -d template1 >/dev/null \
        || die "creating the roles and the database failed"
    trace "roles and database"

    write_env
    echo "postgres_cluster: primary pg1 on 127.0.0.1:$(node_port pg1) in $(( $(now_ms) - t0 )) ms" >&2
    cat "$dir/env"
}

cmd_standby() {
    need_cluster
    local t0; t0=$(now_ms)
    local p; p=$(primary_node)
    if [[ -z $p ]] || ! node_running "$p"; then die "no running primary to copy"; fi
    local i=1 node
    while grep -qx "pg$i" "$state/nodes"; do i=$((i + 1)); done
    node=pg$i
    mkdir -m 0700 "$dir/$node"
    pg_owner_chown "$dir/$node"
    # -R writes primary_conninfo (with this application_name) and
    # standby.signal; -c fast: do not wait for a spread checkpoint.
    as_pg "$bindir/pg_basebackup" -D "$dir/$node" -R -X stream -c fast --no-sync \
        -d "host=$sockdir port=$(node_port "$p") user=$superuser application_name=$node" \
        > "$dir/log/$node.basebackup.log" 2>&1 \
        || { cat "$dir/log/$node.basebackup.log" >&2; die "$node: pg_basebackup failed"; }
    trace "pg_basebackup"
    grep -q "application_name=$node" "$dir/$node/postgresql.auto.conf" \
        || die "$node: pg_basebackup -R wrote no application_name into primary_conninfo"
    # The copy must not wait for standbys of its own once promoted.
    local auto; auto=$(grep -v '^synchronous_standby_names' "$dir/$node/postgresql.auto.conf")
    printf '%s\n' "$auto" > "$dir/$node/postgresql.auto.conf"
    # Its first start would fsync every file of the copy (recovery from a
    # backup does; seconds on a busy disk): start with fsync off, turn it on
    # once it runs, before it counts as synchronous. The copy survives a
    # killed server, not a power cut, like pg_basebackup --no-sync.
    echo "fsync = off # postgres_cluster.sh: first start only" >> "$dir/$node/postgresql.conf"
    echo "$node" >> "$state/nodes"
    start_node "$node"
    trace "$node started"
    local conf; conf=$(grep -v '^fsync = off # postgres_cluster.sh' "$dir/$node/postgresql.conf")
    printf '%s\n' "$conf" > "$dir/$node/postgresql.conf"
    su_psql "$node" -c "SELECT pg_reload_conf()" >/dev/null
    wait_for "$node" "SHOW fsync" on "fsync on $node"
    wait_for "$p" "SELECT state FROM pg_stat_replication WHERE application_name = '$node'" \
        streaming "$node to stream from $p"
    trace "$node streaming"
    # Synchronous: a commit on the primary returns once every standby
    # streaming from it has the WAL on disk (FIRST n of them, so each one
    # counts; a standby left behind by a failover streams from nobody and
    # is not waited for).
    local list count
    IFS='|' read -r list count < <(su_psql "$p" -c "SELECT string_agg(application_name, ', '
        ORDER BY application_name), count(*) FROM pg_stat_replication WHERE state = 'streaming'")
    su_psql "$p" -c "ALTER SYSTEM SET synchronous_standby_names = 'FIRST $count ($list)'" \
        -c "SELECT pg_reload_conf()" >/dev/null
    wait_for "$p" "SELECT sync_state FROM pg_stat_replication WHERE application_name = '$node'" \
        sync "$node to be a synchronous standby of $p"
    write_env
    echo "postgres_cluster: standby $node on 127.0.0.1:$(node_port "$node") streaming (sync) from $p in $(( $(now_ms) - t0 )) ms" >&2
}

cmd_kill_primary() {
    need_cluster
    local p; p=$(primary_node)
    if [[ -z $p ]] || ! node_running "$p"; then die "no running primary to kill"; fi
    local pid; pid=$(node_pid "$p")
    as_pg "$bindir/pg_ctl" -D "$dir/$p" -m immediate -w -t "$timeout_s" -s stop >&2 \
        || kill -KILL "$pid" 2>/dev/null || true
    local deadline=$((SECONDS + timeout_s))
    while is_our_postmaster "$pid" "$p"; do
        ((SECONDS < deadline)) || die "$p: postmaster $pid still alive after ${timeout_s}s"
        sleep 0.05
    done
    : > "$state/primary"
    echo "postgres_cluster: primary $p killed (immediate)" >&2
}

cmd_promote() {
    need_cluster
    local t0; t0=$(now_ms)
    local node=${1:-} n p; p=$(primary_node)
    if [[ -z $node ]]; then
        for n in $(nodes); do
            [[ $n != "$p" ]] && node_running "$n" && { node=$n; break; }
        done
        [[ -n $node ]] || die "no running standby to promote"
    fi
    grep -qx "$node" "$state/nodes" || die "$node: no such node"
    [[ $node != "$p" ]] || die "$node is already the primary"
    node_running "$node" || die "$node is not running"
    if [[ -n $p ]] && node_running "$p"; then
        die "the primary $p is still running: kill-primary first (two primaries would diverge)"
    fi
    as_pg "$bindir/pg_ctl" -D "$dir/$node" -w -t "$timeout_s" -s promote >&2 \
        || die "$node: pg_ctl promote failed"
    wait_for "$node" "SELECT pg_is_in_recovery()" f "$node to leave recovery"
    echo "$node" > "$state/primary"
    write_env
    echo "postgres_cluster: $node promoted, primary on 127.0.0.1:$(node_port "$node") in $(( $(now_ms) - t0 )) ms" >&2
}

cmd_stop() {
    [[ -d $state ]] || return 0
    : > "$state/stopped"
    local n pid wpid
    wpid=$(cat "$state/watchdog.pid" 2>/dev/null || true)
    if [[ -n $wpid && $wpid != "$$" && -r /proc/$wpid/cmdline ]] \
        && tr '\0' ' ' < "/proc/$wpid/cmdline" | grep -qF "__watchdog $dir "; then
        kill -TERM "$wpid" 2>/dev/null || true
    fi
    # Immediate: a test's cluster needs no shutdown checkpoint. SIGQUIT is
    # what pg_ctl -m immediate sends; signalling directly also works when the
    # data dir is half gone.
    local victims=()
    for n in $(nodes 2>/dev/null || true); do
        pid=$(node_pid "$n")
        if is_our_postmaster "$pid" "$n"; then
            kill -QUIT "$pid" 2>/dev/null || true
            victims+=("$pid:$n")
        fi
    done
    local deadline=$((SECONDS + 10)) entry
    for entry in "${victims[@]}"; do
        pid=${entry%%:*}; n=${entry#*:}
        while is_our_postmaster "$pid" "$n"; do
            if ((SECONDS >= deadline)); then
                kill -KILL "$pid" 2>/dev/null || true
                break
            fi
            sleep 0.05
        done
    done
    : > "$state/primary"
    return 0
}

cmd_status() {
    need_cluster
    local n p role; p=$(primary_node)
    for n in $(nodes); do
        if ! node_running "$n"; then role=down
        elif [[ $(su_psql "$n" -c "SELECT pg_is_in_recovery()" 2>/dev/null) == t ]]; then role=standby
        else role=primary
        fi
        echo "$n $(node_port "$n") $role"
    done
}

cmd_psql() {
    need_cluster
    local node; node=$(primary_node)
    if [[ ${1:-} == --node ]]; then node=${2:?--node needs a name}; shift 2; fi
    [[ -n $node ]] || die "no primary (promote one, or pass --node)"
    grep -qx "$node" "$state/nodes" || die "$node: no such node"
    exec "$bindir/psql" -X -h "$sockdir" -p "$(node_port "$node")" -U "$superuser" -d "$database" "$@"
}

cmd=${1:-}; (($#)) && shift
case $cmd in
    start) set_dir "${1:-}"; shift; bindir=$(find_bindir); cmd_start "$@" ;;
    standby) set_dir "${1:-}"; bindir=$(find_bindir); cmd_standby ;;
    kill-primary) set_dir "${1:-}"; bindir=$(find_bindir); cmd_kill_primary ;;
    promote) set_dir "${1:-}"; bindir=$(find_bindir); cmd_promote "${2:-}" ;;
    stop)
        # Idempotent, also for a DIR already removed.
        [[ -d ${1:-/nonexistent} ]] || exit 0
        set_dir "$1"; bindir=$(find_bindir 2>/dev/null || true); cmd_stop ;;
    status) set_dir "${1:-}"; bindir=$(find_bindir); cmd_status ;;
    psql) set_dir "${1:-}"; shift; bindir=$(find_bindir); cmd_psql "$@" ;;
    __watchdog)
        dir=$1; state=$dir/state; sockdir=$dir/run; bindir=""
        trap 'exit 0' TERM
        echo $$ > "$state/watchdog.pid"
        watchdog "$2" "$3" "$4" ;;
    *) usage ;;
esac
