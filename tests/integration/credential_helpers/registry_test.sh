#!/usr/bin/env bash
# usage: registry_test.sh BUILD_CLI_DIR
# docker-credential-tresor with a real client (issue 10): Debian's skopeo
# (no daemon) with "credHelpers" in its auth file, against docker-registry
# with htpasswd auth on loopback. Before login the registry refuses; a wrong
# password stores nothing; login stores the credential in tresor and none in
# the auth file; push (copy) and inspect authenticate through the helper; a
# vault that does not open reads as "no credentials"; logout erases it. The
# protocol's own texts are checked on the helper directly. Ends with one
# summary line; exit 1 on a failure, 2 when skopeo or the registry is missing.
set -euo pipefail
# shellcheck source=common.sh
. "$(dirname "$0")/common.sh"
need skopeo skopeo
need docker-registry docker-registry
need htpasswd apache2-utils
finish_setup "$1"
echo "# $(skopeo --version), $(docker-registry --version)"

step="starting docker-registry"
port=$(free_port)
registry=127.0.0.1:$port
echo "registry-pw" | htpasswd -B -i -c "$dir/htpasswd" alice 2> /dev/null
cat > "$dir/registry.yml" << YML
version: 0.1
log:
  level: warn
storage:
  filesystem:
    rootdirectory: $dir/registry
http:
  addr: $registry
auth:
  htpasswd:
    realm: tresor-test
    path: $dir/htpasswd
YML
docker-registry serve "$dir/registry.yml" > "$dir/registry.log" 2>&1 &
pids+=($!)
wait_for_port "$port"
auth=$dir/auth.json
printf '{"auths": {}, "credHelpers": {"%s": "tresor"}}\n' "$registry" > "$auth"
sk() { skopeo "$1" --authfile "$auth" "${@:2}"; }

# A one-layer OCI image to push, made by hand (no daemon, no network).
image=$dir/image
mkdir -p "$image/blobs/sha256" "$dir/rootfs"
echo "hello from tresor" > "$dir/rootfs/hello"
blob() {  # FILE -> prints "digest size", stores the blob
    local sum size
    sum=$(sha256sum "$1" | cut -d' ' -f1) size=$(stat -c %s "$1")
    cp "$1" "$image/blobs/sha256/$sum"
    echo "$sum $size"
}
tar -C "$dir/rootfs" --mtime=@0 --owner=0 --group=0 -cf "$dir/layer.tar" hello
read -r layer layer_size < <(blob "$dir/layer.tar")
printf '{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":["sha256:%s"]}}' \
    "$layer" > "$dir/config.json"
read -r config config_size < <(blob "$dir/config.json")
printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:%s","size":%s},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar","digest":"sha256:%s","size":%s}]}' \
    "$config" "$config_size" "$layer" "$layer_size" > "$dir/manifest.json"
read -r manifest manifest_size < <(blob "$dir/manifest.json")  # skopeo recompresses on push
printf '{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:%s","size":%s,"annotations":{"org.opencontainers.image.ref.name":"v1"}}]}' \
    "$manifest" "$manifest_size" > "$image/index.json"
echo '{"imageLayoutVersion":"1.0.0"}' > "$image/oci-layout"

step="before login"
if sk copy -q --dest-tls-verify=false "oci:$image:v1" "docker://$registry/demo:v1" \
    > /dev/null 2> "$dir/anon.err"; then
    fail "the registry took a push without credentials"
fi
grep -qi "unauthorized\|authentication required" "$dir/anon.err" || fail "$(cat "$dir/anon.err")"
if echo wrong-pw | sk login --tls-verify=false -u alice --password-stdin "$registry" \
    > /dev/null 2>&1; then
    fail "login with a wrong password succeeded"
fi
[[ $(tresor ls --json) == "[]" ]] || fail "a failed login stored something: $(tresor ls)"
ok "without a credential the registry refuses; a refused login stores nothing"

step="skopeo login"
echo registry-pw | sk login --tls-verify=false -u alice --password-stdin "$registry" > /dev/null
[[ $(tresor get "docker:$registry" alice) == registry-pw ]] || fail "login did not store in tresor"
! grep -q "registry-pw\|$(printf alice:registry-pw | base64)" "$auth" ||
    fail "the auth file holds the password: $(cat "$auth")"
[[ $(docker-credential-tresor list) == "{\"$registry\":\"alice\"}" ]] ||
    fail "list: $(docker-credential-tresor list)"
ok "login stores docker:$registry/alice in tresor, nothing in the auth file; list shows it"

step="push and inspect through the helper"
sk copy -q --dest-tls-verify=false "oci:$image:v1" "docker://$registry/demo:v1" > /dev/null
sk inspect --tls-verify=false "docker://$registry/demo:v1" > "$dir/inspect.json"
grep -q "\"Name\": \"$registry/demo\"" "$dir/inspect.json" && grep -q '"v1"' "$dir/inspect.json" ||
    fail "inspect: $(cat "$dir/inspect.json")"
ok "skopeo copy (push) and inspect authenticate with the credential from tresor"

step="a vault that does not open"
if TRESOR_VAULT_PASSWORD=wrong sk inspect --tls-verify=false "docker://$registry/demo:v1" \
    > /dev/null 2>&1; then
    fail "inspect worked without the vault"
fi
out=$(echo "$registry" | TRESOR_VAULT_PASSWORD=wrong docker-credential-tresor get 2> "$dir/locked.err") &&
    fail "get with a locked vault exited 0"
[[ $out == "credentials not found in native keychain" ]] || fail "locked get said: $out"
grep -q "wrong password" "$dir/locked.err" || fail "no reason on stderr: $(cat "$dir/locked.err")"
ok "a vault that does not open reads as 'credentials not found', the reason on stderr"

step="the protocol's texts"
out=$(printf '{"ServerURL":"x.example","Secret":"s"}' | docker-credential-tresor store) &&
    fail "store without Username exited 0"
[[ $out == "no credentials username" ]] || fail "store without username: $out"
out=$(printf '  \n' | docker-credential-tresor get) && fail "get without URL exited 0"
[[ $out == "no credentials server URL" ]] || fail "get without url: $out"
out=$(echo nowhere.example | docker-credential-tresor erase) && fail "erase of nothing exited 0"
[[ $out == "credentials not found in native keychain" ]] || fail "erase of nothing: $out"
[[ $(docker-credential-tresor version) == "docker-credential-tresor (tresor) "* ]] ||
    fail "version: $(docker-credential-tresor version)"
printf '{"ServerURL":"y.example","Username":"u","Secret":"p\\u00e9\\"q"}' | docker-credential-tresor store
[[ $(echo y.example | docker-credential-tresor get) == '{"ServerURL":"y.example","Username":"u","Secret":"p\u00e9\"q"}' ]] ||
    fail "get: $(echo y.example | docker-credential-tresor get)"
ok "missing username, missing URL, erasing nothing and version answer as the protocol says"

step="skopeo logout"
sk logout "$registry" > /dev/null
if tresor get "docker:$registry" alice > /dev/null 2>&1; then fail "logout kept the credential"; fi
if sk inspect --tls-verify=false "docker://$registry/demo:v1" > /dev/null 2>&1; then
    fail "inspect worked after logout"
fi
ok "logout erases the credential from tresor; the registry refuses again"
