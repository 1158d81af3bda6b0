#!/usr/bin/env bash
# usage: t0303_test.sh BUILD_CLI_DIR
# git's own test suite for external credential helpers,
# t/t0303-credential-external.sh, unmodified, against git-credential-tresor
# on a vault (issue 22): the installed git (GIT_TEST_INSTALLED=/usr/bin) and
# the t/ folder of Debian's source package of that same version, which
# `scripts/install-deps --test` unpacks into /var/cache/tresor/git-tests.
# git's test library wants a built tree around t/: GIT-BUILD-OPTIONS, an
# empty templates/blt and t/helper/test-tool, which t0303 never runs (the one
# here says so and fails if anything does). Ends with one summary line; exit
# 1 on a failure, 2 when git or its test suite is missing.
set -euo pipefail
# shellcheck source=common.sh
. "$(dirname "$0")/common.sh"
need git git
need perl perl
version=$(dpkg-query -W -f='${Version}' git)
suite=/var/cache/tresor/git-tests/$version/t
if [[ ! -f $suite/t0303-credential-external.sh ]]; then
    echo "$name: FAILED: git's test suite for git $version is not in $suite;" \
        "run scripts/install-deps --test" >&2
    exit 2
fi
finish_setup "$1"
echo "# $(git --version), its tests from $suite"

step="laying out git's test tree"
tree=$dir/git
mkdir -p "$tree/templates/blt"
cp -rs "$suite" "$tree/t"  # symbolic links: the cached suite stays read-only
rm -f "$tree/t/helper/test-tool"
printf '#!/bin/sh\necho "test-tool is not built here: git is tested as installed" >&2\nexit 1\n' \
    > "$tree/t/helper/test-tool"
chmod 755 "$tree/t/helper/test-tool"
cat > "$tree/GIT-BUILD-OPTIONS" << 'OPTIONS'
SHELL_PATH='/bin/sh'
TEST_SHELL_PATH='/bin/sh'
PERL_PATH='/usr/bin/perl'
DIFF='diff'
PYTHON_PATH='/usr/bin/python3'
TAR='tar'
X=''
PAGER_ENV='LESS=FRX LV=-c'
RUNTIME_PREFIX='false'
OPTIONS

step="running t0303-credential-external.sh"
(cd "$tree/t" && GIT_TEST_INSTALLED=/usr/bin GIT_TEST_CREDENTIAL_HELPER=tresor \
    sh t0303-credential-external.sh -v) > "$dir/t0303.log" 2>&1 || {
    cat "$dir/t0303.log"
    fail "t0303 failed"
}
grep -E '^(ok|not ok) ' "$dir/t0303.log"
grep -q '^# passed all [0-9]* test(s)' "$dir/t0303.log" || {
    cat "$dir/t0303.log"
    fail "t0303 did not pass all of its tests"
}
count=$(grep -c '^ok ' "$dir/t0303.log")
((count >= 12)) || fail "t0303 ran only $count tests"
ok "t0303-credential-external.sh: $(grep '^# passed all' "$dir/t0303.log" | sed 's/^# //')"
