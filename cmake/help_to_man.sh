#!/usr/bin/env bash
# usage: help_to_man.sh PROGRAM VERSION OUTPUT
# Writes PROGRAM's man page (section 1) to OUTPUT, made from its --help text
# and, for a CLI11 program (a "Subcommands:" list), the --help of every
# subcommand, down the tree: the page says what --help says, word for word,
# so the two cannot drift. The first line of --help ("tresor - ...") is the
# NAME line.
set -euo pipefail
program=$1 version=$2 output=$3
name=$(basename "$program")

# Text for roff's no-fill mode: backslashes escaped, a leading . or ' made
# literal (it would start a request).
roff() { sed -e 's/\\/\\e/g' -e "s/^\\([.']\\)/\\\\\\&\\1/"; }
# The names listed under "Subcommands:" in help text on stdin.
subcommands() { awk '/^Subcommands:$/ { s = 1; next } /^$/ { s = 0 } s && /^  [^ ]/ { print $1 }'; }

# help_of WORDS...: the --help of `PROGRAM WORDS...`
help_of() { "$program" "$@" --help; }

commands() {  # commands PATH...: a .SS per subcommand below PATH, depth first
    local sub
    for sub in $(help_of "$@" | subcommands); do
        printf '.SS "%s"\n.nf\n' "$name $* $sub" | sed 's/  */ /g'
        help_of "$@" "$sub" | roff
        printf '.fi\n'
        commands "$@" "$sub"
    done
}

top=$(help_of)
summary=$(head -n 1 <<< "$top" | sed -e "s/^$name *[-—]* *//")
{
    printf '.TH %s 1 "" "tresor %s" "User Commands"\n' "$(tr '[:lower:]' '[:upper:]' <<< "$name" | sed 's/-/\\-/g')" "$version"
    printf '.SH NAME\n%s \\- %s\n' "$(sed 's/-/\\-/g' <<< "$name")" "$(roff <<< "$summary")"
    printf '.SH DESCRIPTION\n.nf\n'
    tail -n +2 <<< "$top" | roff
    printf '.fi\n'
    if [[ -n $(subcommands <<< "$top") ]]; then
        printf '.SH COMMANDS\n'
        commands
    fi
    printf '.SH SEE ALSO\n'
    for page in tresor git-credential-tresor docker-credential-tresor; do
        [[ $page == "$name" ]] || printf '.BR %s (1)\n' "$(sed 's/-/\\-/g' <<< "$page")"
    done
    printf '.PP\nThe documentation in the docs/ folder of tresor'"'"'s sources.\n'
} > "$output.tmp"
mv "$output.tmp" "$output"
