#!/usr/bin/env bash
# usage: age_test.sh BUILD_CLI_DIR
# tresor export and import --age against Debian's age (issue 26), both ways:
# age -d opens tresor's export with an X25519 identity and with a passphrase;
# tresor import --age reads files age -e -r and age -p made; a tampered,
# truncated or wrongly keyed file is refused with nothing imported; every
# entry's metadata survives the trip into another backend. age asks for
# passphrases on /dev/tty only: a pseudo-terminal answers it. Ends with one
# summary line; exit 1 on a failure, 2 when age is missing.
set -euo pipefail
# shellcheck source=../credential_helpers/common.sh
. "$(dirname "$0")/../credential_helpers/common.sh"
need age age
need age-keygen age
finish_setup "$1"
echo "# $(age --version)"
# A second vault: where the export is restored.
printf '[backend.restore]\nplugin = "vault"\npath = "%s"\nkdf = { memory_mib = 19, iterations = 2 }\n' \
    "$dir/home/restore.db" >> "$TRESOR_CONFIG"
restore() { tresor --backend restore "$@"; }

# Runs a command with a pseudo-terminal as its controlling terminal, typing
# PASSPHRASE at each of its passphrase prompts, what it wrote there in
# $dir/tty.log: PASSPHRASE COMMAND...
cat > "$dir/with_tty.py" << 'PY'
import os, pty, sys
passphrase = sys.argv[1].encode()
pid, fd = pty.fork()
if pid == 0:
    os.execvp(sys.argv[2], sys.argv[2:])
seen, answered = b"", 0
while True:
    try:
        chunk = os.read(fd, 1024)
    except OSError:
        break
    if not chunk:
        break
    seen += chunk
    while seen.lower().count(b"passphrase") > answered:
        os.write(fd, passphrase + b"\n")
        answered += 1
sys.stdout.buffer.write(seen)
sys.exit(os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]))
PY
with_tty() { /usr/bin/python3 "$dir/with_tty.py" "$@" > "$dir/tty.log" 2>&1; }
# The value of SERVICE/NAME in an export's plaintext on stdin: SERVICE NAME
value_in() {
    /usr/bin/python3 -c '
import json, sys
lines = [json.loads(l) for l in sys.stdin]
print([e["value"] for e in lines[1:] if (e["service"], e["name"]) == (sys.argv[1], sys.argv[2])][0])' "$@"
}
# Metadata of every entry, as ls --json prints it, without what a backend sets itself.
metadata() {
    "$@" ls --json | /usr/bin/python3 -c '
import json, sys
for e in json.load(sys.stdin):
    print(e["service"], e["name"], e["type"], e["label"], e["description"], e["expires_at"],
          sorted(e["attributes"].items()))'
}

step="entries to export"
printf 's3cret' | tresor set github token --type api_key --label "CI token" \
    --description "for the release job" --expires 2099-01-31T12:00:00Z
printf 'hunter2' | tresor set registry login --type basic_auth --username alice
printf '\377\000binary' | tresor set blobs raw
age-keygen -o "$dir/key.txt" 2> /dev/null
recipient=$(age-keygen -y "$dir/key.txt")
ok "three entries and an age key pair ($recipient)"

step="age -d opens an export to a recipient"
tresor export --recipient "$recipient" > "$dir/x25519.age"
[[ $(head -n 1 "$dir/x25519.age") == "age-encryption.org/v1" ]] || fail "not an age file"
age -d -i "$dir/key.txt" "$dir/x25519.age" > "$dir/x25519.txt"
[[ $(wc -l < "$dir/x25519.txt") == 4 ]] || fail "$(wc -l < "$dir/x25519.txt") lines"
head -n 1 "$dir/x25519.txt" | grep -q '^{"format":"tresor-export","version":1,"entries":3,' ||
    fail "header: $(head -n 1 "$dir/x25519.txt")"
[[ $(value_in github token < "$dir/x25519.txt") == s3cret ]] || fail "github/token"
grep -q '"value":"/wBiaW5hcnk=","value_encoding":"base64"' "$dir/x25519.txt" || fail "binary value"
ok "age -d -i key.txt gives the JSON lines: a header and one line per entry, with its value"

step="age -d opens an export with a passphrase"
BACKUP_PASSPHRASE="correct horse" tresor export --passphrase \
    --passphrase-from env:BACKUP_PASSPHRASE > "$dir/scrypt.age"
sed -n 2p "$dir/scrypt.age" | grep -q '^-> scrypt [A-Za-z0-9+/]\{22\} 18$' || fail "no scrypt stanza"
with_tty "correct horse" age -d -o "$dir/scrypt.txt" "$dir/scrypt.age" ||
    fail "age -d: $(cat "$dir/tty.log")"
[[ $(wc -l < "$dir/scrypt.txt") == 4 && $(value_in registry login < "$dir/scrypt.txt") == hunter2 ]] ||
    fail "entries: $(cat "$dir/scrypt.txt")"
with_tty "wrong horse" age -d -o "$dir/wrong.txt" "$dir/scrypt.age" && fail "a wrong passphrase worked"
ok "age -d with the passphrase opens it (work factor 18), a wrong one does not"

step="a passphrase from a descriptor, and none on argv"
tresor export --passphrase --passphrase-from fd:3 3<<< "fd horse" > "$dir/fd.age"
with_tty "fd horse" age -d -o /dev/null "$dir/fd.age" || fail "fd:3: $(cat "$dir/tty.log")"
set +e
err=$(tresor export --passphrase --passphrase-from env:UNSET_VARIABLE 2>&1 > /dev/null)
rc=$?
set -e
((rc == 2)) && [[ $err == *'$UNSET_VARIABLE is not set'* ]] || fail "no passphrase: $rc $err"
ok "--passphrase-from fd:3 (one line end dropped); no source is a usage error"

step="import restores every entry with its metadata into another backend"
restore import --age "$dir/x25519.age" --identity "$dir/key.txt" | grep -q "imported 3 entries" ||
    fail "import"
[[ $(restore get github token) == s3cret ]] || fail "value"
cmp -s <(restore get blobs raw --raw) <(printf '\377\000binary') || fail "binary value"
[[ $(metadata restore) == "$(metadata tresor --backend vault)" ]] ||
    fail "metadata: $(metadata restore)"
ok "type, label, description, expiry, attributes and every value came back"

step="all or none"
set +e
err=$(restore import --age "$dir/x25519.age" --identity "$dir/key.txt" 2>&1)
rc=$?
set -e
((rc == 2)) && [[ $err == *"3 entries exist already"* ]] || fail "existing: $rc $err"
restore import --age "$dir/scrypt.age" --passphrase --passphrase-from env:P --replace \
    <<< "" > /dev/null 2>&1 && fail "no passphrase given, yet imported"
P="correct horse" restore import --age "$dir/scrypt.age" --passphrase \
    --passphrase-from env:P --replace | grep -q "imported 3 entries" || fail "passphrase import"
ok "existing entries refuse the batch (--replace overwrites); a passphrase file imports with -p"

step="files made by age -e and age -p"
fresh() {  # a backend of its own for each import: NAME
    printf '[backend.%s]\nplugin = "vault"\npath = "%s"\nkdf = { memory_mib = 19, iterations = 2 }\n' \
        "$1" "$dir/home/$1.db" >> "$TRESOR_CONFIG"
}
cat > "$dir/hand.txt" << 'EOF2'
{"format":"tresor-export","version":1,"entries":2,"exported_at":"2026-01-01T00:00:00Z"}
{"service":"hand","name":"one","type":"bearer_token","label":"L","description":"D","id":"","backend":"x","created_at":null,"updated_at":null,"last_used_at":null,"expires_at":null,"attributes":{},"value":"v1"}
{"service":"hand","name":"two","type":"password","label":"","description":"","id":"","backend":"x","created_at":null,"updated_at":null,"last_used_at":null,"expires_at":"2098-05-01T00:00:00Z","attributes":{},"value":"djI=","value_encoding":"base64"}
EOF2
age -e -r "$recipient" -o "$dir/hand-x25519.age" "$dir/hand.txt"
fresh from_age_e
tresor --backend from_age_e import --age "$dir/hand-x25519.age" -i "$dir/key.txt" > /dev/null
[[ $(tresor --backend from_age_e get hand one) == v1 && $(tresor --backend from_age_e get hand two) == v2 ]] ||
    fail "age -e file"
[[ $(metadata tresor --backend from_age_e) == *"hand two password   2098-05-01T00:00:00Z []"* ]] ||
    fail "metadata: $(metadata tresor --backend from_age_e)"
with_tty "age horse" age -p -o "$dir/hand-scrypt.age" "$dir/hand.txt" || fail "age -p: $(cat "$dir/tty.log")"
fresh from_age_p
A="age horse" tresor --backend from_age_p import --age "$dir/hand-scrypt.age" -p \
    --passphrase-from env:A > /dev/null
[[ $(tresor --backend from_age_p get hand one) == v1 ]] || fail "age -p file"
ok "tresor import --age reads what age -e -r and age -p wrote"

step="tampered files import nothing"
fresh tampered
refused() {  # FILE EXPECTED_EXIT WHAT: the import fails and writes nothing
    set +e
    err=$(tresor --backend tampered import --age "$1" -i "$dir/key.txt" 2>&1)
    rc=$?
    set -e
    ((rc == $2)) || fail "$3: exit $rc: $err"
    [[ $err != *s3cret* ]] || fail "$3: the message holds a value"
    [[ -z $(tresor --backend tampered ls) ]] || fail "$3: something was imported"
}
size=$(stat -c %s "$dir/x25519.age")
flip() {  # FILE OFFSET OUT: OUT is FILE with one bit of the byte at OFFSET flipped
    /usr/bin/python3 -c '
import sys
b = bytearray(open(sys.argv[1], "rb").read()); b[int(sys.argv[2])] ^= 1
open(sys.argv[3], "wb").write(b)' "$@"
}
flip "$dir/x25519.age" $((size - 20)) "$dir/payload.age"
refused "$dir/payload.age" 4 "a flipped payload bit"
flip "$dir/x25519.age" 30 "$dir/stanza.age"
refused "$dir/stanza.age" 4 "a flipped stanza bit"
head -c $((size - 40)) "$dir/x25519.age" > "$dir/truncated.age"
refused "$dir/truncated.age" 4 "a truncated file"
{ cat "$dir/x25519.age"; printf 'x'; } > "$dir/longer.age"
refused "$dir/longer.age" 4 "a byte appended"
age-keygen -o "$dir/other.txt" 2> /dev/null
age -e -r "$(age-keygen -y "$dir/other.txt")" -o "$dir/other.age" "$dir/hand.txt"
refused "$dir/other.age" 4 "another recipient's file"
[[ $err == *"not encrypted to $recipient"* ]] || fail "no match: $err"
age -e -r "$recipient" -o "$dir/notjson.age" <<< '{"format":"tresor-export","version":1,"entries":1,"exported_at":"2026-01-01T00:00:00Z"}'
refused "$dir/notjson.age" 2 "a count that does not match"
ok "a changed, truncated, lengthened or foreign file is refused and nothing is imported"

step="the identity file is trusted like a key"
chmod 644 "$dir/key.txt"
refused "$dir/x25519.age" 4 "an identity others can read"
[[ $err == *"age identity file"* ]] || fail "identity mode: $err"
chmod 600 "$dir/key.txt"
ok "an identity file readable by others is refused (ssh's rule for private keys)"

step="export to a terminal"
with_tty "" tresor export -r "$recipient" && fail "wrote to a terminal"
grep -q "stdout is a terminal" "$dir/tty.log" || fail "$(cat "$dir/tty.log")"
tresor export -r "$recipient" --service github | age -d -i "$dir/key.txt" | grep -c '"service"' |
    grep -qx 1 || fail "--service"
ok "an export is never written to a terminal; --service exports one service"
