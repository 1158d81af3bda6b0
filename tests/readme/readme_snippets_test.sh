#!/usr/bin/env bash
# usage: readme_snippets_test.sh SOURCE_DIR BUILD_DIR
# Every snippet of README.md, run as written (tests/readme/run_snippets.py)
# after the README's two commands: as root, in a private mount namespace
# where /usr/local is a fresh tmpfs and /etc an overlay (so `cmake --install`
# and its ldconfig change nothing outside), with a real gnome-keyring in a
# private D-Bus session and a scratch HOME (with_keyring.sh). Exit 77 (CTest:
# skipped) without root.
set -euo pipefail
source_dir=$(cd "$1" && pwd -P)
build_dir=$(cd "$2" && pwd -P)
if [[ $(id -u) != 0 ]]; then
    echo "skipped: the README's cmake --install needs root (CI is root)"
    exit 77
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir "$work/upper" "$work/work"
export work source_dir build_dir
env -u DBUS_SESSION_BUS_ADDRESS unshare --mount --propagation private bash -c '
    set -e
    mount -t overlay overlay -o "lowerdir=/etc,upperdir=$work/upper,workdir=$work/work" /etc
    mount -t tmpfs -o mode=755 tmpfs /usr/local
    exec "$source_dir/tests/integration/secret_service/with_keyring.sh" \
        /usr/bin/python3 "$source_dir/tests/readme/run_snippets.py" "$source_dir" "$build_dir"'
