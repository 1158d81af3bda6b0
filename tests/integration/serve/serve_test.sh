#!/usr/bin/env bash
# tresor serve with curl as the client, on a temporary vault: every endpoint
# and status code, scopes, that no response or log line holds a value, and
# what a hostile client tries (malformed JSON, 10 MB bodies, slowloris, 1,000
# connections, another user on the socket). Ends with "N passed, M failed".
set -u
tresor=$1
server=
at_exit() { [[ -n $server ]] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null; }
# shellcheck source=../../support/serve_checks.sh
. "$(dirname "$0")/../../support/serve_checks.sh"

export HOME=$tmp TRESOR_VAULT_PASSWORD="serve test password"
unset TRESOR_BACKEND XDG_CONFIG_HOME TRESOR_CONFIG
cat >"$tmp/config.toml" <<TOML
[backend.vault]
plugin = "vault"
path = "~/vault.db"
kdf = { memory_mib = 19, iterations = 2 }
TOML
T() { "$tresor" --config "$tmp/config.toml" "$@"; }

both=$(T token create --scope credentials:store,credentials:read)
reader=$(T token create --scope credentials:read)
writer=$(T token create --scope credentials:store)
short=$(T token create --scope credentials:read --expires 1s)
check "token format" 1 "$([[ $both =~ ^tresor_sess_[0-9a-f]{16}_[0-9a-f]{64}$ ]] && echo 1)"

mkdir -m 700 "$tmp/run"
sock=$tmp/run/serve.sock
start_serve --port 0 --request-timeout 2 --max-connections 256
port=$(sed -n 's/.*127\.0\.0\.1:\([0-9]*\).*/\1/p' "$tmp/serve.out")
check "server is listening" 1 "$([[ -S $sock && -n $port ]] && echo 1)"
check "socket mode" 600 "$(stat -c %a "$sock")"

# req METHOD PATH TOKEN [BODY-FILE]: api with the body read from a file
req() { api "$1" "$2" "$3" ${4:+"@$4"}; }
body() { printf '%s' "$1" >"$tmp/req.json" && echo "$tmp/req.json"; }

# Create (seed 002): 201 with metadata, never the value; the value is trimmed.
check "create" 201 "$(req POST /api/credentials "$both" "$(body '{"service":"openai","name":"primary","key":"  sk-proj-VALUE1  "}')")"
id=$(sed -n 's/.*"id":"\([^"]*\)".*/\1/p' "$tmp/body")
# Issue 22, finding 7: RFC 9562 version 4 (version nibble 4, variant 10).
check "uuid v4 id" 1 "$([[ $id =~ ^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$ ]] && echo 1)"
check "last_used_at null" 1 "$(grep -q '"last_used_at":null' "$tmp/body" && grep -q '"created_at":[0-9]' "$tmp/body" && echo 1)"
check "stored trimmed" sk-proj-VALUE1 "$(T get openai primary)"
check "duplicate" 409 "$(req POST /api/credentials "$both" "$(body '{"service":"openai","name":"primary","key":"x"}')")"

# Seed 004's form, typed.
check "create typed" 201 "$(req POST /api/credentials "$writer" "$(body '{"name":"ci","type":"basic_auth","value":"pw-VALUE2","description":"CI login","attributes":{"username":"alice"},"expiresAt":"2099-01-01T00:00:00Z"}')")"
check "typed header" "Authorization: Basic $(printf 'alice:pw-VALUE2' | base64)" "$(T header default ci)"

# Issue 22, finding 5: expiresAt in RFC 3339 (JavaScript's toISOString()
# writes milliseconds), with offsets; nothing after it; real dates only.
# The answers read below show metadata: a token that can also read (a
# store-only one learns only the id, issue 20).
js_time=$(node -e 'console.log(new Date(Date.UTC(2031, 0, 31, 12)).toISOString())')
check "toISOString expiry" 201 "$(req POST /api/credentials "$both" "$(body "{\"name\":\"js\",\"value\":\"v\",\"expiresAt\":\"$js_time\"}")")"
check "toISOString seconds" 1927627200 "$(sed -n 's/.*"expires_at":\([0-9]*\).*/\1/p' "$tmp/body")"
check "offset expiry" 201 "$(req POST /api/credentials "$both" "$(body '{"name":"off","value":"v","expiresAt":"2031-01-31T14:00:00+02:00"}')")"
check "offset seconds" 1927627200 "$(sed -n 's/.*"expires_at":\([0-9]*\).*/\1/p' "$tmp/body")"
check "far-future expiry" 201 "$(req POST /api/credentials "$writer" "$(body '{"name":"far","value":"v","expiresAt":"9999-12-31T23:59:59Z"}')")"
for bad in '"2031-01-31T12:00:00Zjunk"' '"2031-02-30"' '"2031-01-31T12:00:00.Z"' 'true' '1.5' '18446744073709551615'; do
    check "bad expiresAt $bad" 400 "$(req POST /api/credentials "$writer" "$(body "{\"name\":\"bad\",\"value\":\"v\",\"expiresAt\":$bad}")")"
done
check "no entry from a bad expiry" 1 "$(T get default bad >/dev/null 2>&1 || echo 1)"

# Issue 22, finding 6: unknown fields are refused by name; seed 004's own
# fields are mapped onto the value and attributes.
check "unknown field" 400 "$(req POST /api/credentials "$writer" "$(body '{"name":"u","value":"v","colour":"red"}')")"
check "unknown field named" '{"error":"unknown field '"'"'colour'"'"'"}' "$(cat "$tmp/body")"
check "unknown field stored nothing" 1 "$(T get default u >/dev/null 2>&1 || echo 1)"
check "seed basic_auth" 201 "$(req POST /api/credentials "$writer" "$(body '{"name":"b","type":"basic_auth","username":"bob","password":"pw-VALUE4"}')")"
b_id=$(sed -n 's/.*"id":"\([^"]*\)".*/\1/p' "$tmp/body")
check "seed basic_auth header" "Authorization: Basic $(printf 'bob:pw-VALUE4' | base64)" "$(T header default b)"
check "seed oauth2" 201 "$(req POST /credentials "$both" "$(body '{"name":"o","type":"oauth2","clientId":"cid","clientSecret":"cs-VALUE5","tokenUrl":"https://auth.example/token","scopes":["read","write"]}')")"
check "seed oauth2 attributes" '{"client_id":"cid","scopes":"read write","token_url":"https://auth.example/token"}' "$(sed -n 's/.*"attributes":\({[^}]*}\).*/\1/p' "$tmp/body")"
check "seed oauth2 value" cs-VALUE5 "$(T get default o)"
check "seed jwt" 201 "$(req POST /credentials "$both" "$(body '{"name":"j","type":"jwt","privateKey":"pk-VALUE6","algorithm":"RS256"}')")"
check "seed jwt attributes" '{"algorithm":"RS256","key":"private_key"}' "$(sed -n 's/.*"attributes":\({[^}]*}\).*/\1/p' "$tmp/body")"
check "seed custom" 201 "$(req POST /credentials "$writer" "$(body '{"name":"c","type":"custom","headers":{"X-Key":"k-VALUE7","X-Id":"id-1"}}')")"
check "seed custom header" $'X-Id: id-1\nX-Key: k-VALUE7' "$(T header default c)"
check "a field of another type" 400 "$(req POST /api/credentials "$writer" "$(body '{"name":"x","value":"v","username":"bob"}')")"
check "another type named" 1 "$(grep -q "field 'username' belongs to type basic_auth, not api_key" "$tmp/body" && echo 1)"
check "secret given twice" 400 "$(req POST /api/credentials "$writer" "$(body '{"name":"x","type":"basic_auth","username":"b","value":"v","password":"p"}')")"
check "wrong JSON type" 400 "$(req POST /api/credentials "$writer" "$(body '{"name":42,"value":"v"}')")"
check "wrong JSON type named" '{"error":"field '"'"'name'"'"' must be a string"}' "$(cat "$tmp/body")"
check "patch the seed password" 200 "$(req PATCH "/credentials/$b_id" "$writer" "$(body '{"password":"pw-VALUE8"}')")"
check "patched seed password" "Authorization: Basic $(printf 'bob:pw-VALUE8' | base64)" "$(T header default b)"
check "patch cannot rename" 400 "$(req PATCH "/credentials/$b_id" "$writer" "$(body '{"name":"other"}')")"
check "seed 004 path lists" 200 "$(req GET /credentials "$reader")"
check "no such path" 404 "$(req GET /credentialsX "$reader")"

# Issue 22, finding 8: only seed 002's service, name and key are trimmed.
check "untrimmed value" 201 "$(req POST /api/credentials "$both" "$(body '{"name":"sp","value":"  pass phrase  ","description":" d "}')")"
check "value kept with its spaces" "[  pass phrase  ]" "[$(T get default sp --raw)]"
check "description kept" 1 "$(grep -q '"description":" d "' "$tmp/body" && echo 1)"

# 400s
for bad in '{"service":"openai","name":"x"}' '{"service":" ","name":"x","key":"k"}' '{"service":"s","name":"\t","key":"k"}' '{"service":"s","name":"n","key":"   "}'; do
    check "missing field $bad" 400 "$(req POST /api/credentials "$both" "$(body "$bad")")"
    check "400 text" '{"error":"service, name, and key are required"}' "$(cat "$tmp/body")"
done
check "malformed json" 400 "$(req POST /api/credentials "$both" "$(body '{"service": "s", "name": ')")"
check "json array" 400 "$(req POST /api/credentials "$both" "$(body '[1,2]')")"
check "bad type" 400 "$(req POST /api/credentials "$both" "$(body '{"name":"n","type":"nope","value":"v"}')")"

# 401 and 403
check "no token" 401 "$(req GET /api/credentials "")"
check "401 text" '{"error":"invalid or missing session token"}' "$(cat "$tmp/body")"
last=${both: -1}
check "wrong token" 401 "$(req GET /api/credentials "${both%?}$([[ $last == 0 ]] && echo 1 || echo 0)")"
check "garbage token" 401 "$(req GET /api/credentials "nonsense")"
# The server remembers a valid token (issue 25) for a second at most: one
# removed from the store is refused after that.
removed=$(T token create --scope credentials:read)
check "a token before its removal" 200 "$(req GET /api/credentials "$removed")"
T rm tresor.sessions "$(cut -d_ -f3 <<<"$removed")"
sleep 1.2
check "expired token" 401 "$(req GET /api/credentials "$short")"
check "a removed token" 401 "$(req GET /api/credentials "$removed")"
check "store-only cannot list" 403 "$(req GET /api/credentials "$writer")"
check "403 text" '{"error":"missing scope credentials:read"}' "$(cat "$tmp/body")"
check "read-only cannot create" 403 "$(req POST /api/credentials "$reader" "$(body '{"service":"a","name":"b","key":"c"}')")"
check "read-only cannot delete" 403 "$(req DELETE "/api/credentials/$id" "$reader")"

# Reading metadata (a name that is not UTF-8 is listed, replaced, not a 500)
printf 'v' | T set "$(printf 'bin\377')" n
check "list" 200 "$(req GET /api/credentials "$reader")"
check "non-UTF-8 name listed" 1 "$(grep -q '"service":"bin' "$tmp/body" && echo 1)"
check "list" 200 "$(req GET /api/credentials "$reader")"
check "list has both" 1 "$(grep -q '"name":"primary"' "$tmp/body" && grep -q '"username":"alice"' "$tmp/body" && echo 1)"
check "tokens are not listed" 0 "$(grep -c tresor.sessions "$tmp/body")"
check "get by id" 200 "$(req GET "/api/credentials/$id" "$reader")"
# `T get openai primary` above was a use, written when that process closed.
check "last_used_at after a get" 1 "$(grep -q '"last_used_at":[0-9]' "$tmp/body" && echo 1)"
# The id as it was shown before version 4 (the record id's own bits), and in
# capitals, still finds the credential.
raw=$(T ls openai --json | sed -n 's/.*"id":"\([0-9a-f]*\)".*/\1/p')
old_id="${raw:0:8}-${raw:8:4}-${raw:12:4}-${raw:16:4}-${raw:20}"
check "old id form" 200 "$(req GET "/api/credentials/$old_id" "$reader")"
check "old id is the same credential" 1 "$(grep -q "\"id\":\"$id\"" "$tmp/body" && echo 1)"
check "id in capitals" 200 "$(req GET "/api/credentials/${id^^}" "$reader")"
check "unknown id" 404 "$(req GET /api/credentials/00000000-0000-0000-0000-000000000000 "$reader")"
check "unknown path" 404 "$(req GET /api/other "$reader")"
check "bad method" 405 "$(req PUT /api/credentials "$both")"

# What a store-only token learns (issue 20; seed 003: store, never read):
# the id of what it wrote, nothing of what was there. PATCH {} rewrites the
# entry and answers its id only (it answered every field); a POST to a name
# in use stores, as `tresor set` does, with the answer a new name gets (409
# told it the name was taken).
check "store-only PATCH {}" 200 "$(req PATCH "/api/credentials/$id" "$writer" "$(body '{}')")"
check "store-only PATCH answers the id only" "{\"id\":\"$id\"}" "$(cat "$tmp/body")"
check "store-only POST to a name in use" 201 "$(req POST /api/credentials "$writer" "$(body '{"service":"openai","name":"primary","key":"sk-proj-VALUE4"}')")"
check "store-only POST answers the id only" "{\"id\":\"$id\"}" "$(cat "$tmp/body")"
check "store-only POST stored" sk-proj-VALUE4 "$(T get openai primary)"
check "store-only POST to a new name" 201 "$(req POST /api/credentials "$writer" "$(body '{"service":"openai","name":"fresh","key":"sk-proj-VALUE5"}')")"
check "the same shape for a new name" 1 "$(grep -qx '{"id":"[0-9a-f-]*"}' "$tmp/body" && echo 1)"

# Update and delete
check "patch value" 200 "$(req PATCH "/api/credentials/$id" "$writer" "$(body '{"key":"sk-proj-VALUE3"}')")"
check "patched" sk-proj-VALUE3 "$(T get openai primary)"
check "patch description" 200 "$(req PATCH "/api/credentials/$id" "$writer" "$(body '{"description":"rotated"}')")"
check "value kept" sk-proj-VALUE3 "$(T get openai primary)"
check "patch unknown" 404 "$(req PATCH /api/credentials/nope "$writer" "$(body '{"key":"v"}')")"
check "delete" 204 "$(req DELETE "/api/credentials/$id" "$writer")"
check "deleted" 404 "$(req GET "/api/credentials/$id" "$reader")"
# Ids go through an index (issue 25): a credential written by another
# process under the deleted one's name has a new id, found; the old id stays
# gone.
printf 'sk-proj-VALUE6' | T set openai primary
new_id=$(T ls openai --json |
    python3 -c 'import json, sys; print(next(e["id"] for e in json.load(sys.stdin) if e["name"] == "primary"))')
check "another process's credential by id" 200 "$(req GET "/api/credentials/${new_id:0:8}-${new_id:8:4}-${new_id:12:4}-${new_id:16:4}-${new_id:20}" "$reader")"
check "the deleted id after a rewrite" 404 "$(req GET "/api/credentials/$id" "$reader")"

# A listing reuses the metadata it decrypted before for rows whose sealed
# bytes are unchanged (vault/vault_state.hpp, opened_metadata): never stale
# after another process's write or removal.
listed() { req GET /api/credentials "$reader" >/dev/null && grep -c "\"service\":\"$1\"" "$tmp/body"; }
check "listed before another process writes" 0 "$(listed elsewhere)"
printf 'v' | T set elsewhere one
check "another process's new credential is listed" 1 "$(listed elsewhere)"
T rm elsewhere one
check "another process's removal is not listed" 0 "$(listed elsewhere)"

# 32 creates of one name at once: one 201, 31 409 (the check that the name
# is free and the write are one step of the group commit, so two creates
# cannot both find it free).
racers=()
for i in $(seq 32); do
    curl -s --unix-socket "$sock" -o /dev/null -w '%{http_code}\n' -X POST \
        -H "Authorization: Bearer $both" -H 'Content-Type: application/json' \
        --data-binary "{\"service\":\"race\",\"name\":\"one\",\"key\":\"v$i\"}" \
        http://localhost/api/credentials >>"$tmp/race" &
    racers+=($!)
done
wait "${racers[@]}"
check "32 creates of one name: answers" "1 201 31 409" "$(sort "$tmp/race" | uniq -c | awk '{ printf "%s%s %s", (NR > 1 ? " " : ""), $1, $2 }')"

# A 10 MB body is refused before it is read.
head -c $((10 * 1024 * 1024)) /dev/zero | tr '\0' 'a' >"$tmp/big.json"
check "10 MB body" 413 "$(req POST /api/credentials "$both" "$tmp/big.json")"

# Slowloris: a request that never finishes is cut off after the timeout,
# and the server answers others meanwhile.
exec 5<>"/dev/tcp/127.0.0.1/$port"
printf 'POST /api/credentials HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{' >&5
check "served during slowloris" 200 "$(req GET /api/credentials "$reader")"
start=$SECONDS
IFS= read -r -t 10 -u 5 _
check "slow request cut off" 1 "$(((SECONDS - start) <= 4 ? 1 : 0))"
exec 5>&-

# Another local user cannot talk to the server, even through a socket made
# reachable: the peer's uid is checked on each connection.
if [[ $(id -u) == 0 ]] && command -v setpriv >/dev/null; then
    chmod 755 "$tmp" "$tmp/run" && chmod 666 "$sock"
    # curl exits 52 (empty reply), 55 (send failed: the server closed before
    # curl had written its request, seen under load on a fresh Debian 12
    # root) or 56 (reset) when it connected (the file mode let it) and the
    # server closed the connection on seeing its uid; 7 would mean it never
    # connected, and 0 that it was served.
    # A connect that fails outright (7) is retried; it proves nothing either
    # way. (It was seen for seconds at a time right after the 1,000-connection
    # flood, which therefore comes after this check, and for 5 s in a row
    # with the machine's load at 12 on 2 cores: up to 15 tries.)
    for _ in $(seq 15); do
        setpriv --reuid 65534 --regid 65534 --clear-groups curl -s -o /dev/null \
            --unix-socket "$sock" -H "Authorization: Bearer $reader" \
            http://localhost/api/credentials
        rc=$?
        ((rc == 7)) || break
        sleep 1
    done
    check "other user connects but is refused (curl exit $rc)" 1 "$([[ $rc == 52 || $rc == 55 || $rc == 56 ]] && echo 1)"
    chmod 700 "$tmp" "$tmp/run" && chmod 600 "$sock"
else
    echo "skipped: other-user check needs root and setpriv"
fi

# Another local user holding more idle connections to the port than
# --max-connections (no token needed) does not lock the owner out of the
# unix socket: each listener has its own cap (issue 20; one shared cap did).
if [[ $(id -u) == 0 ]] && command -v setpriv >/dev/null; then
    setpriv --reuid 65534 --regid 65534 --clear-groups bash -c '
        for _ in $(seq 300); do exec {fd}<>"/dev/tcp/127.0.0.1/$0" || exit 1; done
        echo held; sleep 1.5' "$port" >"$tmp/held" 2>/dev/null &
    holder=$!
    for _ in $(seq 50); do grep -q held "$tmp/held" && break; sleep 0.05; done
    check "uid 65534 holds 300 connections to the port" held "$(cat "$tmp/held")"
    check "the owner is served on the socket meanwhile" 200 "$(req GET /api/credentials "$reader")"
    wait "$holder"
    sleep 2.5  # the server closes the idle connections (--request-timeout 2)
else
    echo "skipped: the other user's connections need root and setpriv"
fi

# 1,000 connections at once (more than --max-connections): the server stays
# up and serves again once they are gone.
for _ in $(seq 1000); do
    (exec 3<>"/dev/tcp/127.0.0.1/$port" && sleep 3) 2>/dev/null &
done
sleep 1
check_true "alive under 1,000 connections" kill -0 "$server"
wait $(jobs -p | grep -v "^$server$") 2>/dev/null
sleep 2.5
check "served after the flood" 200 "$(req GET /api/credentials "$reader")"

# No value anywhere in what the server said or logged.
for value in VALUE1 VALUE2 VALUE3 VALUE4 VALUE5 VALUE6 VALUE7 VALUE8; do
    check "no $value in responses" 0 "$(grep -c "$value" "$tmp/all-out")"
    check "no $value in the log" 0 "$(grep -c "$value" "$tmp/serve.log")"
done
check "log has request lines" 1 "$(grep -q 'POST /api/credentials 201' "$tmp/serve.log" && echo 1)"

tally
