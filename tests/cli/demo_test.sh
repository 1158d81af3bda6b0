#!/usr/bin/env bash
# usage: demo_test.sh TRESOR_CLI
# scripts/demo, the README's first command, as a user runs it (issue 22,
# finding 14): it stores, reads and lists its secret in a scratch vault and
# leaves nothing behind, neither in the user's default vault
# (~/.local/share/tresor/vault.db, whose password would then be the demo's)
# nor in the temporary folder.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd -P)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -m 700 "$work/home" "$work/tmp"
out=$(env -u TRESOR_CONFIG -u XDG_DATA_HOME -u XDG_CONFIG_HOME HOME="$work/home" \
    TMPDIR="$work/tmp" TRESOR_CLI="$1" "$here/../../scripts/demo")
fail() { echo "demo_test: FAIL: $*"; echo "$out"; exit 1; }
[[ $out == *$'reading it back:\nghp_demoToken123\n'* ]] || fail "the secret was not read back"
[[ $out == *"demo     api-token  api_key  demo token"* ]] || fail "ls did not list it"
[[ ! -e $work/home/.local/share/tresor ]] || fail "the demo wrote into the user's default vault"
[[ -z $(ls -A "$work/tmp") ]] || fail "the scratch vault was left behind: $(ls -A "$work/tmp")"
echo "demo_test: 4 checks passed"
