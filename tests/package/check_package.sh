#!/usr/bin/env bash
# usage: check_package.sh BUILD_DIR CONSUMER_SOURCE_DIR
# `cmake --install` as users run it: into a private prefix, consumers built
# with find_package(tresor) and with pkg-config run as they are (no
# LD_LIBRARY_PATH); then, as root in a private mount namespace (a tmpfs on
# /usr/local, /etc behind an overlay), the default prefix, after which a
# pkg-config program, the Python package and the Node addon find
# libtresor.so.0 through the loader's cache, with nothing in the environment
# (issue 22, finding 10).
set -euo pipefail
build_dir=$(cd "$1" && pwd -P)
consumer_src=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
prefix=$work/prefix
passed=0

cmake --install "$build_dir" --prefix "$prefix" >/dev/null
libdir=$(dirname "$(find "$prefix" -name 'libtresor.so' | head -n 1)")
test -x "$prefix/bin/tresor"
# The credential helpers git and container tools find on PATH (issue 10).
test -x "$prefix/bin/git-credential-tresor"
test -x "$prefix/bin/docker-credential-tresor"
test -f "$libdir/tresor/plugins/tresor-memory.so"
test -f "$prefix/include/tresor/store.hpp"
# Man pages made from --help (issue 22).
for page in tresor git-credential-tresor docker-credential-tresor; do
    test -f "$prefix/share/man/man1/$page.1"
done
unset LD_LIBRARY_PATH TRESOR_LIBRARY

echo "== find_package(tresor)"
cmake -S "$consumer_src" -B "$work/cmake-build" -DCMAKE_PREFIX_PATH="$prefix" >/dev/null
cmake --build "$work/cmake-build" >/dev/null
TRESOR_PLUGIN_PATH=$libdir/tresor/plugins "$work/cmake-build/consumer"
passed=$((passed + 1))

echo "== pkg-config tresor"
g++ -std=c++20 ${CXXFLAGS:-} "$consumer_src/consumer.cpp" -o "$work/pkg-consumer" \
    $(PKG_CONFIG_PATH=$libdir/pkgconfig pkg-config --cflags --libs tresor) ${LDFLAGS:-}
TRESOR_PLUGIN_PATH=$libdir/tresor/plugins "$work/pkg-consumer"
passed=$((passed + 1))

echo "== installed CLI"
TRESOR_PLUGIN_PATH=$libdir/tresor/plugins "$prefix/bin/tresor" --backend memory plugins |
    grep -q "^memory "
passed=$((passed + 1))

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
passed=$((passed + 1))

if [[ $(id -u) != 0 ]] || ! command -v unshare > /dev/null; then
    echo "skipped: the default prefix (/usr/local) needs root and unshare"
    echo "package: $passed passed, 0 failed"
    exit 0
fi
echo "== cmake --install into /usr/local, then the loader's cache only"
mkdir -p "$work/etc-upper" "$work/etc-work" "$work/home"
# Plugins come from the default plugin folder, libtresor from the cache: the
# environment names neither.
cat > "$work/in-namespace.sh" << 'SH'
set -euo pipefail
mount -t overlay overlay -o "lowerdir=/etc,upperdir=$work/etc-upper,workdir=$work/etc-work" /etc
mount -t tmpfs -o mode=755 tmpfs /usr/local
cmake --install "$build_dir" > "$work/install.log"
grep -q "Ran ldconfig" "$work/install.log" || { cat "$work/install.log"; exit 1; }
[[ $(man -w tresor) == /usr/local/share/man/man1/tresor.1 ]]
echo "man tresor: $(man -w tresor)"
export PKG_CONFIG_PATH=/usr/local/lib/pkgconfig
g++ -std=c++20 ${CXXFLAGS:-} "$consumer_src/consumer.cpp" -o "$work/system-consumer" \
    $(pkg-config --cflags --libs tresor | sed 's/ -Wl,-rpath,[^ ]*//') ${LDFLAGS:-}
"$work/system-consumer"
echo "pkg-config program without RUNPATH: ok"
# A sanitized libtresor cannot load into an uninstrumented interpreter.
[[ -z ${TRESOR_PACKAGE_NO_BINDINGS:-} ]] || exit 0
config=$work/home/config.toml
printf 'chain = ["mem"]\n[backend.mem]\nplugin = "memory"\n' > "$config"
PYTHONPATH=$build_dir/python /usr/bin/python3 -c '
import sys, tresor
with tresor.Store(sys.argv[1]) as s:
    s.set("svc", "n", "from python")
    assert s.get("svc", "n") == "from python"
print("python: libtresor", tresor.version())' "$config"
[[ -f $build_dir/node/tresor.node ]] || exit 0  # -DTRESOR_BINDING_NODE=OFF
node -e '
const { Secrets } = require(process.argv[1]);
const s = new Secrets({ config: process.argv[2] });
s.set("svc", "n", "from node").then(() => s.get("svc", "n")).then((v) => {
  if (v !== "from node") throw new Error(v);
  console.log("node: ok");
});' "$build_dir/node" "$config"
SH
env -u LD_LIBRARY_PATH -u TRESOR_LIBRARY -u TRESOR_PLUGIN_PATH HOME="$work/home" \
    work=$work build_dir=$build_dir consumer_src=$consumer_src \
    TRESOR_PACKAGE_NO_BINDINGS="${TRESOR_PACKAGE_NO_BINDINGS:-}" \
    unshare --mount --propagation private bash "$work/in-namespace.sh"
passed=$((passed + 1))
echo "package: $passed passed, 0 failed"
