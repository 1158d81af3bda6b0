#!/usr/bin/env bash
# tresor.exe under Wine, every command a process of its own, against the real
# (Wine's) Credential Manager: set/get/ls/rm, persistence across processes
# and across a restart of the Wine server (the credential is in the prefix's
# user.reg on disk), Windows' 2560-byte limit, names with awkward characters
# passed through the UTF-16 command line, a plugin DLL of another ABI, and
# the commands this build lacks. The caller (scripts/test-windows) gives the
# run its own WINEPREFIX.
#   cli_test.sh TRESOR_EXE WRONG_ABI_DLL
set -euo pipefail
tresor_exe=$1
wrong_abi_dll=$2
: "${WINEPREFIX:?run through scripts/test-windows, which makes a fresh prefix}"
unset DISPLAY
service="cli-test-$$"
failures=0

tresor() { wine "$tresor_exe" "$@"; }
check() {  # check DESCRIPTION EXPECTED ACTUAL
    if [[ "$2" == "$3" ]]; then
        echo "ok: $1"
    else
        echo "FAIL: $1: expected [$2], got [$3]"
        failures=$((failures + 1))
    fi
}
status_of() { set +e; "$@" >/dev/null 2>&1; local s=$?; set -e; echo "$s"; }

# set, get, ls, rm: separate processes.
printf 'hunter2' | tresor set "$service" alice
check "get in a new process" "hunter2" "$(tresor get "$service" alice | tr -d '\r')"
check "get --raw keeps the bytes" "hunter2" "$(tresor get --raw "$service" alice)"
printf 'line1\r\nline2' | tresor set --raw "$service" crlf
check "CR LF inside a value survives stdin and stdout" \
    "$(printf 'line1\r\nline2' | od -An -tx1)" "$(tresor get --raw "$service" crlf | od -An -tx1)"
check "ls lists both" "alice crlf" "$(tresor ls "$service" | tr -d '\r' | awk 'NR>1{print $2}' | xargs)"

# Persistence: after the Wine server has been stopped (which writes
# user.reg), a new process reads the credential again.
wineserver -k
wineserver -w
grep -q "tresor:$service/alice" "$WINEPREFIX/user.reg" && on_disk=yes || on_disk=no
check "the credential is on disk in the prefix's registry" yes "$on_disk"
# Up again, with Wine's services started outside any captured output (a
# service holding a $(...) pipe open would stall the test).
wineserver -p 30 >/dev/null 2>&1 </dev/null
wineboot >/dev/null 2>&1 </dev/null
check "get after a Wine server restart" "hunter2" "$(tresor get "$service" alice | tr -d '\r')"

# Windows' limit: 2560 bytes fit, 2561 are refused and nothing is written.
head -c 2560 /dev/urandom > "$WINEPREFIX/largest.bin"
tresor set --raw "$service" largest < "$WINEPREFIX/largest.bin"
check "a 2560-byte value round-trips" "$(sha256sum < "$WINEPREFIX/largest.bin")" \
    "$(tresor get --raw "$service" largest | sha256sum)"
head -c 2561 /dev/zero > "$WINEPREFIX/too-big.bin"
set +e
message=$(tresor set "$service" too-big < "$WINEPREFIX/too-big.bin" 2>&1)
status=$?
set -e
check "2561 bytes: exit status 2 (usage)" 2 "$status"
[[ "$message" == *"at most 2560 bytes, this value has 2561"* ]] && said=yes || said=no
check "2561 bytes: the message says how many fit" yes "$said"
check "2561 bytes: nothing stored" 1 "$(status_of tresor get "$service" too-big)"

# Awkward names: through argv (UTF-16 on Windows), the target-name escaping
# and back through ls.
names=("a/b" "50%*" "%2F" "näme ☃ 名前" "with space" 'quote"s' 'back\slash')
for name in "${names[@]}"; do
    printf 'v:%s' "$name" | tresor set "$service-odd" "$name"
done
for name in "${names[@]}"; do
    check "awkward name [$name]" "v:$name" "$(tresor get --raw "$service-odd" "$name")"
done
check "ls shows each awkward name once" "${#names[@]}" \
    "$(tresor ls --json "$service-odd" | grep -o '"name":' | wc -l)"

# rm, then gone for the next process; rm of a missing one is status 1.
tresor rm "$service" alice
check "get after rm: not found (1)" 1 "$(status_of tresor get "$service" alice)"
check "rm of a missing secret: 1" 1 "$(status_of tresor rm "$service" alice)"

# A plugin DLL of another ABI, named by path in a config: refused, status 5.
config="$WINEPREFIX/wrong-abi.toml"
printf '[backend.x]\nplugin = "%s"\n' "$(winepath -w "$wrong_abi_dll" | sed 's/\\/\\\\/g')" > "$config"
set +e
message=$(tresor --config "$(winepath -w "$config")" ls 2>&1)
status=$?
set -e
[[ "$message" =~ "speaks plugin ABI 99.0 but this tresor speaks plugin ABI 1."[0-9]+ ]] && said=yes || said=no
check "a wrong-ABI DLL is refused with both versions" yes "$said"
# The backend is unusable, with the loader's reason, and the chain has no other.
check "a wrong-ABI DLL: exit status 3 (no usable backend)" 3 "$status"

# What this build lacks says so.
check "tresor vault: unavailable (3)" 3 "$(status_of tresor vault init)"
check "backends shows wincred serving" yes \
    "$(tresor backends | grep -q '^\* wincred .*usable' && echo yes || echo no)"

for name in "${names[@]}"; do tresor rm "$service-odd" "$name" >/dev/null; done
tresor rm "$service" crlf >/dev/null
tresor rm "$service" largest >/dev/null
if ((failures)); then
    echo "cli_test: $failures check(s) failed"
    exit 1
fi
echo "cli_test: all checks passed"
