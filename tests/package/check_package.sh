#!/usr/bin/env bash
# usage: check_package.sh BUILD_DIR CONSUMER_SOURCE_DIR
set -euo pipefail
build_dir=$1
consumer_src=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
prefix=$work/prefix

cmake --install "$build_dir" --prefix "$prefix" >/dev/null
libdir=$(dirname "$(find "$prefix" -name 'libtresor.so' | head -n 1)")
export TRESOR_PLUGIN_PATH=$libdir/tresor/plugins
test -x "$prefix/bin/tresor"
# The credential helpers git and container tools find on PATH (issue 10).
test -x "$prefix/bin/git-credential-tresor"
test -x "$prefix/bin/docker-credential-tresor"
test -f "$TRESOR_PLUGIN_PATH/tresor-memory.so"
test -f "$prefix/include/tresor/store.hpp"

echo "== find_package(tresor)"
cmake -S "$consumer_src" -B "$work/cmake-build" -DCMAKE_PREFIX_PATH="$prefix" >/dev/null
cmake --build "$work/cmake-build" >/dev/null
"$work/cmake-build/consumer"

echo "== pkg-config tresor"
export PKG_CONFIG_PATH=$libdir/pkgconfig
g++ -std=c++20 ${CXXFLAGS:-} "$consumer_src/consumer.cpp" -o "$work/pkg-consumer" \
    $(pkg-config --cflags --libs tresor) ${LDFLAGS:-}
LD_LIBRARY_PATH=$libdir "$work/pkg-consumer"

echo "== installed CLI"
LD_LIBRARY_PATH=$libdir "$prefix/bin/tresor" --backend memory plugins | grep -q "^memory "

echo "== systemd units"
# The credential socket's units (issue 27): the service runs the tresor of
# this prefix, and systemd itself finds nothing to say about either unit.
units=$prefix/lib/systemd/system
grep -qx "ExecStart=$prefix/bin/tresor --config /etc/tresor/config.toml credential-socket" \
    "$units/tresor-credentials.service"
verify=$(systemd-analyze verify --man=no "$units/tresor-credentials.socket" \
    "$units/tresor-credentials.service" 2>&1)
if [[ -n "$verify" ]]; then
    echo "$verify" >&2
    exit 1
fi
echo "package: 4 passed, 0 failed"
