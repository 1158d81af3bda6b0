#!/usr/bin/env bash
# tresor request and POST /api/credentials/{id}/request against real HTTPS
# servers on loopback behind a test CA made here (tests/support/
# https_echo_server.py): the header each credential type sends, and every
# way of getting the credential somewhere else or back, each refused.
# Ends with "N passed, M failed".
set -u
tresor=$1
here=$(cd "$(dirname "$0")" && pwd)
servers=
server=
at_exit() {
    [[ -n $server ]] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null
    [[ -n $servers ]] && kill "$servers" 2>/dev/null && wait "$servers" 2>/dev/null
}
# shellcheck source=../../support/serve_checks.sh
. "$here/../../support/serve_checks.sh"

# Two servers, each its own origin; the test CA in $tmp/https.
mkdir -m 700 "$tmp/https"
# Its stdin is a FIFO this script holds open: it ends with the script.
mkfifo "$tmp/hold"
/usr/bin/python3 "$here/../../support/https_echo_server.py" "$tmp/https" --servers 2 \
    <"$tmp/hold" &
servers=$!
exec 8>"$tmp/hold"
for _ in $(seq 100); do [[ -s $tmp/https/ports ]] && break; sleep 0.1; done
read -r p1 p2 <"$tmp/https/ports"
check "servers listen" 1 "$([[ -n $p1 && -n $p2 ]] && echo 1)"
chmod 600 "$tmp/https/ca.crt"

export HOME=$tmp TRESOR_VAULT_PASSWORD="request test password"
unset TRESOR_BACKEND XDG_CONFIG_HOME TRESOR_CONFIG http_proxy https_proxy HTTPS_PROXY ALL_PROXY all_proxy
vault_config() {
    cat <<TOML
[backend.vault]
plugin = "vault"
path = "$tmp/vault.db"
kdf = { memory_mib = 19, iterations = 2 }
TOML
}
{ vault_config; printf '[http]\nca_file = "https/ca.crt"\n'; } >"$tmp/config.toml"
vault_config >"$tmp/system-ca.toml"  # the same vault, the system's CA store
chmod 600 "$tmp"/*.toml
T() { "$tresor" --config "$tmp/config.toml" "$@"; }
origin=https://localhost:$p1

# The credentials, one per type with a header form (docs/CREDENTIALS.md).
printf 'tok-BEARER1' | T set api bearer --type bearer_token --origin "$origin"
printf 'key-APIKEY1' | T set api key --type api_key --origin "$origin"
printf 'key-XKEY1' | T set api xkey --type api_key --field header=X-Api-Key --origin "$origin"
printf 'pw-BASIC1' | T set api basic --type basic_auth --username alice --origin "$origin"
printf 'id-CUST1\nsec-CUST2\n' | T set api custom --type custom --field headers=X-Id,X-Secret \
    --origin "$origin"
printf 'tok-NOORIGIN1' | T set api noorigin --type bearer_token
secrets=(BEARER1 APIKEY1 XKEY1 BASIC1 CUST1 CUST2 NOORIGIN1)

# received FIELD: the last request the servers logged, one field of it
# (a header's value, or "port", "method", "body").
received() {
    /usr/bin/python3 -c '
import json, sys
r = json.loads(open(sys.argv[1]).read().splitlines()[-1])
field = sys.argv[2]
if field in r:
    print(r[field])
else:
    print("\n".join(v for k, v in r["headers"] if k.lower() == field.lower()))' \
        "$tmp/https/requests.log" "$1"
}
requests_to() { grep -c "\"port\": $1," "$tmp/https/requests.log"; }
# R ARGS...: tresor request; stdout in $tmp/out (appended to $tmp/all-out),
# stderr in $tmp/err; prints the exit status.
R() {
    T request "$@" >"$tmp/out" 2>"$tmp/err"
    echo $?
    cat "$tmp/out" "$tmp/err" >>"$tmp/all-out"
}

# 1. Each type's header, as the server received it.
check "bearer_token" 0 "$(R api/bearer "$origin/echo")"
check "bearer_token header" "Bearer tok-BEARER1" "$(received Authorization)"
check "api_key" 0 "$(R api/key "$origin/echo")"
check "api_key header" "Bearer key-APIKEY1" "$(received Authorization)"
check "api_key named" 0 "$(R api/xkey "$origin/echo")"
check "api_key named header" "key-XKEY1" "$(received X-Api-Key)"
check "api_key named: no Authorization" "" "$(received Authorization)"
check "basic_auth" 0 "$(R api/basic "$origin/echo")"
check "basic_auth header" "Basic $(printf 'alice:pw-BASIC1' | base64)" "$(received Authorization)"
check "custom" 0 "$(R api/custom "$origin/echo")"
check "custom headers" "id-CUST1 sec-CUST2" "$(received X-Id) $(received X-Secret)"
check "the echo came back redacted" 1 "$(grep -q '"X-Secret", "\[REDACTED\]"' "$tmp/out" && echo 1)"
check "caller headers and body sent" 0 "$(R -X PUT -H 'X-Trace: 42' -H 'X-Empty;' -d '{"a":1}' \
    api/bearer "$origin/echo?q=1")"
check "method, body, headers" "PUT {\"a\":1} 42 /echo?q=1" \
    "$(received method) $(received body) $(received X-Trace) $(received path)"
check "HEAD" 0 "$(R -X HEAD -i api/bearer "$origin/echo")"
check "-i status line" "HTTP 200" "$(head -1 "$tmp/out" | tr -d '\r')"
check "missing credential" 1 "$(R api/none "$origin/echo")"
check "no origins" 4 "$(R api/noorigin "$origin/echo")"
check "no origins: says so" 1 "$(grep -q 'names no origins' "$tmp/err" && echo 1)"

# 2. Another origin, and URL tricks that could reach one: refused, nothing sent.
before=$(wc -l <"$tmp/https/requests.log")
check "another origin" 4 "$(R api/bearer "https://127.0.0.1:$p2/echo")"
check "an IP literal for the named origin" 4 "$(R api/bearer "https://127.0.0.1:$p1/echo")"
check "another port" 4 "$(R api/bearer "https://localhost:$p2/echo")"
check "user@host" 2 "$(R api/bearer "https://localhost:$p1@127.0.0.1:$p2/echo")"
check "trailing dot" 4 "$(R api/bearer "https://localhost.:$p1/echo")"
check "IDN (Cyrillic o)" 2 "$(R api/bearer "https://lоcalhost:$p1/echo")"
check "punycode of it" 4 "$(R api/bearer "https://xn--lcalhost-9wg:$p1/echo")"
check "a suffix of the name" 4 "$(R api/bearer "https://localhost.evil.example:$p1/echo")"
check "numeric host" 2 "$(R api/bearer "https://2130706433:$p1/echo")"
check "IPv6 loopback for the name" 4 "$(R api/bearer "https://[::1]:$p1/echo")"
check "plain http" 4 "$(R api/bearer "http://localhost:$p1/echo")"
check "nothing sent for refused URLs" "$before" "$(wc -l <"$tmp/https/requests.log")"
# Case is not another origin: the same host, the same server.
check "upper case host is the same origin" 0 "$(R api/bearer "https://LOCALHOST:$p1/echo")"
check "... and reaches it" "Bearer tok-BEARER1" "$(received Authorization)"

# 3. Redirects are not followed: to another origin the credential never goes.
check "redirect returned" 0 "$(R -i api/bearer "$origin/redirect?to=https://127.0.0.1:$p2/echo")"
check "redirect status" "HTTP 302" "$(head -1 "$tmp/out" | tr -d '\r')"
check "the other origin got nothing" 0 "$(requests_to "$p2")"

# 4. Caller headers that would replace or smuggle.
before=$(wc -l <"$tmp/https/requests.log")
for h in 'Authorization: Bearer mine' 'authorization: x' 'Proxy-Authorization: x' \
    'Host: 127.0.0.1' 'Content-Length: 5' 'Transfer-Encoding: chunked' 'Accept-Encoding: br'; do
    check "caller header ${h%%:*}" 2 "$(R -H "$h" api/bearer "$origin/echo")"
done
check "the credential's own header" 2 "$(R -H 'X-Api-Key: mine' api/xkey "$origin/echo")"
check "a custom credential's header" 2 "$(R -H 'x-secret: mine' api/custom "$origin/echo")"
check "CR LF in a value" 2 "$(R -H $'X-A: b\r\nHost: evil' api/bearer "$origin/echo")"
check "LF in a value" 2 "$(R -H $'X-A: b\nX-B: c' api/bearer "$origin/echo")"
check "TRACE" 2 "$(R -X TRACE api/bearer "$origin/echo")"
check "nothing sent for refused headers" "$before" "$(wc -l <"$tmp/https/requests.log")"

# 5. A server that echoes the credential: redacted in headers and body, also
# when compressed.
check "echo" 0 "$(R -i api/bearer "$origin/echo-header")"
check "echo header redacted" "X-Echo: [REDACTED]" "$(grep -a '^X-Echo' "$tmp/out" | tr -d '\r')"
check "echo body redacted" 'your header: [REDACTED]|{"auth": "[REDACTED]"}' \
    "$(tail -2 "$tmp/out" | paste -sd '|')"
check "stderr says so" 1 "$(grep -q 'replaced by \[REDACTED\]' "$tmp/err" && echo 1)"
check "basic echo" 0 "$(R api/basic "$origin/echo-header")"
check "basic echo redacted" "your header: [REDACTED]" "$(head -1 "$tmp/out")"
check "gzip echo" 0 "$(R api/bearer "$origin/gzip-echo")"
check "gzip echo decoded and redacted" 1 "$(grep -q '"Authorization", "\[REDACTED\]"' "$tmp/out" && echo 1)"

# 6. Bounded: size and time.
check "larger than the limit" 5 "$(R --max-bytes 100000 api/bearer "$origin/big?bytes=200000")"
check "... says so" 1 "$(grep -q 'larger than 100000 bytes' "$tmp/err" && echo 1)"
check "chunked, larger than the limit" 5 "$(R --max-bytes 100000 api/bearer "$origin/chunked?bytes=200000")"
check "within the limit" 0 "$(R --max-bytes 100000 api/bearer "$origin/big?bytes=50000")"
check "... whole" 50000 "$(wc -c <"$tmp/out")"
start=$(date +%s%N)
check "a server that never answers" 5 "$(R -m 1 api/bearer "$origin/slow")"
check "... cut off after the timeout" 1 "$(( ($(date +%s%N) - start) / 1000000 < 3000 ? 1 : 0 ))"
check "... says so" 1 "$(grep -q 'within 1000 ms' "$tmp/err" && echo 1)"

# 7. TLS verification is on: without http.ca_file the test CA is not trusted.
"$tresor" --config "$tmp/system-ca.toml" request api/bearer "$origin/echo" >/dev/null 2>"$tmp/err"
check "test CA refused without ca_file" 5 "$?"
check "... a certificate problem" 1 "$(grep -qi 'certificate' "$tmp/err" && echo 1)"

# 8. libcurl is loaded by a request only, never by a get.
check "get does not load libcurl" 0 "$(LD_DEBUG=files T get api bearer 2>&1 >/dev/null | grep -c 'file=libcurl')"
check "request loads it" 1 "$(LD_DEBUG=files T request api/bearer "$origin/echo" 2>&1 >/dev/null |
    grep -q 'file=libcurl' && echo 1)"

# 9. tresor serve: POST /api/credentials/{id}/request with a credentials:use
# token; that token reads no value by any endpoint; a read token cannot use.
use=$(T token create --scope credentials:use)
reader=$(T token create --scope credentials:read)
writer=$(T token create --scope credentials:store)
sock=$tmp/serve.sock
start_serve
check "list (read)" 200 "$(api GET /api/credentials "$reader")"
id_of() {
    /usr/bin/python3 -c 'import json,sys; print(next(e["id"] for e in json.load(open(sys.argv[1])) if e["name"] == sys.argv[2]))' \
        "$tmp/body" "$1"
}
bearer_id=$(id_of bearer)
noorigin_id=$(id_of noorigin)
check "request (use)" 200 "$(api POST "/api/credentials/$bearer_id/request" "$use" "{\"url\":\"$origin/echo-header\",\"headers\":{\"X-Trace\":\"7\"}}")"
check "upstream got the credential" "Bearer tok-BEARER1 7" "$(received Authorization) $(received X-Trace)"
check "response redacted" 1 "$(/usr/bin/python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); print(int(r["status"]==200 and r["redacted"] and r["body"].startswith("your header: [REDACTED]")))' "$tmp/body")"
check "POST body sent" 200 "$(api POST "/api/credentials/$bearer_id/request" "$use" "{\"url\":\"$origin/echo\",\"method\":\"POST\",\"body\":\"hello\"}")"
check "... received" "POST hello" "$(received method) $(received body)"
check "another origin (serve)" 403 "$(api POST "/api/credentials/$bearer_id/request" "$use" "{\"url\":\"https://127.0.0.1:$p2/\"}")"
check "no origins (serve)" 403 "$(api POST "/api/credentials/$noorigin_id/request" "$use" "{\"url\":\"$origin/\"}")"
check "bad header (serve)" 400 "$(api POST "/api/credentials/$bearer_id/request" "$use" "{\"url\":\"$origin/\",\"headers\":{\"Authorization\":\"x\"}}")"
check "unknown field (serve)" 400 "$(api POST "/api/credentials/$bearer_id/request" "$use" "{\"url\":\"$origin/\",\"follow\":true}")"
check "timeout (serve)" 504 "$(api POST "/api/credentials/$bearer_id/request" "$use" "{\"url\":\"$origin/slow\",\"timeout_ms\":500}")"
check "read token cannot use" 403 "$(api POST "/api/credentials/$bearer_id/request" "$reader" "{\"url\":\"$origin/echo\"}")"
check "store token cannot use" 403 "$(api POST "/api/credentials/$bearer_id/request" "$writer" "{\"url\":\"$origin/echo\"}")"
check "GET on the request route" 405 "$(api GET "/api/credentials/$bearer_id/request" "$use")"
# A slow upstream does not hold the server up.
api POST "/api/credentials/$bearer_id/request" "$use" "{\"url\":\"$origin/slow\",\"timeout_ms\":3000}" >/dev/null &
slow=$!
sleep 0.3
start=$(date +%s%N)
check "served while a request waits upstream" 200 "$(api GET /api/credentials "$reader")"
check "... at once" 1 "$(( ($(date +%s%N) - start) / 1000000 < 1500 ? 1 : 0 ))"
wait "$slow"
# What a use token can reach: metadata of what it can use, nothing else.
check "use lists" 200 "$(api GET /api/credentials "$use")"
check "... only credentials with origins" "basic bearer custom key xkey" \
    "$(/usr/bin/python3 -c 'import json,sys; print(" ".join(sorted(e["name"] for e in json.load(open(sys.argv[1])))))' "$tmp/body")"
check "use shows one" 200 "$(api GET "/api/credentials/$bearer_id" "$use")"
check "use cannot see one without origins" 404 "$(api GET "/api/credentials/$noorigin_id" "$use")"
check "use cannot create" 403 "$(api POST /api/credentials "$use" '{"service":"a","name":"b","key":"c"}')"
check "use cannot patch" 403 "$(api PATCH "/api/credentials/$bearer_id" "$use" '{"description":"x"}')"
check "use cannot delete" 403 "$(api DELETE "/api/credentials/$bearer_id" "$use")"
# Origins are bound to the value: a writer who cannot read it cannot move it.
check "patch origins without the value" 403 "$(api PATCH "/api/credentials/$bearer_id" "$writer" "{\"attributes\":{\"origins\":\"https://127.0.0.1:$p2\"}}")"
check "... the origins kept" "$origin" "$(T ls api --json | /usr/bin/python3 -c 'import json,sys; print(next(e["attributes"]["origins"] for e in json.load(sys.stdin) if e["name"] == "bearer"))')"
check "patch other metadata" 200 "$(api PATCH "/api/credentials/$bearer_id" "$writer" '{"description":"rotated"}')"
check "patch origins with a new value" 200 "$(api PATCH "/api/credentials/$bearer_id" "$writer" "{\"key\":\"tok-NEW1\",\"attributes\":{\"origins\":\"$origin https://127.0.0.1:$p2\"}}")"
secrets+=(NEW1)

# No value anywhere in what tresor said: outputs, API responses, the log.
for value in "${secrets[@]}"; do
    check "no $value in any output" 0 "$(grep -ac "$value" "$tmp/all-out")"
    check "no $value in the server log" 0 "$(grep -ac "$value" "$tmp/serve.log")"
done

tally
