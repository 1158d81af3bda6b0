#!/usr/bin/env bash
# usage: with_keyring.sh [--locked | --not-started] COMMAND [ARGS...]
# Runs COMMAND inside a private D-Bus session with a real gnome-keyring whose
# 'login' collection is unlocked (or, with --locked, exists but is locked),
# in a throw-away HOME. With --not-started no daemon is started: the bus can
# activate gnome-keyring, which then has no 'login' collection and no
# default alias, as on a headless machine nobody has logged in to.
# HOME and XDG_* are set before dbus-run-session, so a daemon the bus
# activates uses the same ones (platform-recipes.md).
set -euo pipefail
mode=unlocked
if [[ "${1:-}" == "--locked" || "${1:-}" == "--not-started" ]]; then
    mode=${1#--}
    shift
fi
home=$(mktemp -d)
trap 'rm -rf "$home"' EXIT
export HOME=$home XDG_DATA_HOME=$home/.local/share XDG_CONFIG_HOME=$home/.config
export XDG_CACHE_HOME=$home/.cache XDG_RUNTIME_DIR=$home/run
mkdir -p -m 700 "$XDG_RUNTIME_DIR"
export TRESOR_KEYRING_MODE=$mode
exec dbus-run-session -- bash -c '
    set -e
    if [[ $TRESOR_KEYRING_MODE != not-started ]]; then
        printf %s keyring-password | gnome-keyring-daemon --unlock --components=secrets >/dev/null
    fi
    if [[ $TRESOR_KEYRING_MODE == locked ]]; then
        # Lock every collection through the Secret Service API itself.
        gdbus call --session --dest org.freedesktop.secrets \
            --object-path /org/freedesktop/secrets \
            --method org.freedesktop.Secret.Service.Lock \
            "[objectpath \"/org/freedesktop/secrets/collection/login\"]" >/dev/null
    fi
    exec "$@"' with_keyring "$@" 2> >(grep -v -e "Failed to set fd limit" \
        -e "couldn.t access control socket" -e "^discover_other_daemon" \
        -e "Activat.* service" >&2)
