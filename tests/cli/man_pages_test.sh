#!/usr/bin/env bash
# usage: man_pages_test.sh MAN_DIR BIN_DIR
# The man pages the build made (cmake/help_to_man.sh) render with man-db
# without a warning and hold every line of the --help they came from, every
# subcommand's included (issue 22, finding 16).
set -euo pipefail
man_dir=$1 bin=$2
command -v man > /dev/null || { echo "man_pages_test: FAILED: man is not installed (man-db)"; exit 2; }
checks=0
fail() { echo "man_pages_test: FAIL: $*"; exit 1; }
# help_lines PROGRAM WORDS...: the --help lines of it and of every subcommand
help_lines() {
    local program=$1 sub
    shift
    "$program" "$@" --help
    for sub in $("$program" "$@" --help |
        awk '/^Subcommands:$/ { s = 1; next } /^$/ { s = 0 } s && /^  [^ ]/ { print $1 }'); do
        help_lines "$program" "$@" "$sub"
    done
}
for program in tresor git-credential-tresor docker-credential-tresor; do
    page=$man_dir/$program.1
    [[ -f $page ]] || fail "no $page"
    warnings=$(MANWIDTH=200 man --warnings -l "$page" 2>&1 > /dev/null)
    [[ -z $warnings ]] || fail "$program.1: $warnings"
    rendered=$(MANWIDTH=200 man -l "$page" 2> /dev/null | sed 's/^ *//')
    [[ $rendered == *"$program - "* ]] || fail "$program.1 has no NAME line"
    missing=0
    while IFS= read -r line; do
        line=$(sed 's/^ *//' <<< "$line")
        [[ -z $line || $rendered == *"$line"* ]] || { echo "not in $program.1: $line"; missing=1; }
    done < <(help_lines "$bin/$program" | tail -n +2)
    ((missing == 0)) || fail "$program.1 differs from its --help"
    checks=$((checks + 1))
done
echo "man_pages_test: $checks pages checked, all passed"
