#!/usr/bin/env bash
# usage: git_test.sh BUILD_CLI_DIR
# git-credential-tresor with the real git (issue 10): `git credential
# approve/fill/reject` with credential.helper=tresor, useHttpPath, the
# attributes newer gits send (expiry, OAuth refresh token) through the
# helper itself, a locked vault that makes git ask instead; then clone and
# push over HTTP Basic auth against git http-backend behind lighttpd on
# loopback: the first clone asks through GIT_ASKPASS and git stores the
# answer in tresor, the push and the second clone take it from tresor, a
# password the server stopped accepting is erased. Ends with one summary
# line; exit 1 on a failure, 2 when git or lighttpd is missing.
set -euo pipefail
# shellcheck source=common.sh
. "$(dirname "$0")/common.sh"
need git git
need lighttpd lighttpd
need htpasswd apache2-utils
[[ -x /usr/lib/git-core/git-http-backend ]] || fail "git-http-backend is missing"
finish_setup "$1"
echo "# $(git --version), $(lighttpd -v | head -n 1)"

export GIT_CONFIG_NOSYSTEM=1 GIT_TERMINAL_PROMPT=0
git config --global credential.helper tresor
git config --global user.name tester
git config --global user.email tester@example.invalid
git config --global init.defaultBranch main
# git asks the person through this program; each question is logged.
cat > "$dir/askpass" << 'SH'
#!/bin/sh
echo "$1" >> "$ASKPASS_LOG"
case "$1" in
    Username*) echo alice ;;
    Password*) cat "$ASKPASS_ANSWER" ;;
esac
SH
chmod 700 "$dir/askpass"
export GIT_ASKPASS=$dir/askpass ASKPASS_LOG=$dir/askpass.log ASKPASS_ANSWER=$dir/answer
: > "$ASKPASS_LOG"
asked() { wc -l < "$ASKPASS_LOG"; }

step="git credential approve, fill, reject"
printf 'protocol=https\nhost=git.example\nusername=alice\npassword=first-pw\n' | git credential approve
[[ $(tresor get git:https://git.example alice) == first-pw ]] || fail "approve did not store"
filled=$(printf 'protocol=https\nhost=git.example\n' | git credential fill)
[[ $filled == *"username=alice"* && $filled == *"password=first-pw"* ]] || fail "fill: $filled"
(($(asked) == 0)) || fail "fill asked although tresor had the credential"
printf 'protocol=https\nhost=git.example\nusername=alice\npassword=stale-pw\n' | git credential reject
[[ $(tresor get git:https://git.example alice) == first-pw ]] ||
    fail "reject of another password erased the stored one"
printf 'protocol=https\nhost=git.example\nusername=alice\npassword=first-pw\n' | git credential reject
if tresor get git:https://git.example alice > /dev/null 2>&1; then fail "reject kept it"; fi
ok "approve stores git:https://git.example/alice, fill answers from it, reject erases only that password"

step="useHttpPath"
printf 'url=https://git.example/org/repo.git\nusername=bob\npassword=path-pw\n' |
    git -c credential.useHttpPath=true credential approve
[[ $(tresor get git:https://git.example/org/repo.git bob) == path-pw ]] ||
    fail "useHttpPath: $(tresor ls)"
filled=$(printf 'url=https://git.example/org/other.git\n' |
    git -c credential.useHttpPath=true credential fill 2>&1 || true)
[[ $filled != *path-pw* ]] || fail "another path got the password"
ok "with credential.useHttpPath the path is part of the service"

step="expiry and refresh token through the helper"
later=$(($(date +%s) + 3600))
printf 'protocol=https\nhost=oauth.example\nusername=carol\npassword=tok\npassword_expiry_utc=%s\noauth_refresh_token=refresh-1\n' \
    "$later" | git-credential-tresor store
answer=$(printf 'protocol=https\nhost=oauth.example\n' | git-credential-tresor get)
[[ $answer == *"password_expiry_utc=$later"* && $answer == *"oauth_refresh_token=refresh-1"* ]] ||
    fail "get: $answer"
tresor ls git:https://oauth.example --json | grep -q '"expires_at":"20' || fail "no expiry stored"
printf 'protocol=https\nhost=oauth.example\nusername=carol\npassword=old\npassword_expiry_utc=100\n' |
    git-credential-tresor store
[[ $(tresor get git:https://oauth.example carol) == tok ]] || fail "an expired password replaced it"
printf 'protocol=https\nhost=oauth.example\nusername=carol\n' | git-credential-tresor erase
if tresor get git-oauth-refresh:https://oauth.example carol > /dev/null 2>&1; then
    fail "erase kept the refresh token"
fi
ok "password_expiry_utc becomes the entry's expiry, oauth_refresh_token is kept beside it"

step="far-future expiries (issue 22, finding 1)"
# git's own test value and INT64_MAX: compared in nanoseconds they wrapped
# negative and the helper dropped the credential without a word.
for expiry in 9999999999 9223372036854775807; do
    printf 'protocol=https\nhost=far.example\nusername=dave\npassword=far-pw\npassword_expiry_utc=%s\n' \
        "$expiry" | git-credential-tresor store
    answer=$(printf 'protocol=https\nhost=far.example\n' | git-credential-tresor get)
    [[ $answer == *"password=far-pw"* && $answer == *"password_expiry_utc=$expiry"* ]] ||
        fail "expiry $expiry: get answered '$answer'"
done
tresor ls git:https://far.example --json | grep -q '"expires_at":"+292277026596-12-04T15:30:07Z"' ||
    fail "INT64_MAX listed as $(tresor ls git:https://far.example --json)"
ok "password_expiry_utc 9999999999 and INT64_MAX are stored, answered and listed"

step="git 2.46's fields through the helper (issue 22, finding 2)"
# Debian's git 2.39 sends none of these; a newer git sends what follows.
printf 'capability[]=authtype\ncapability[]=state\nprotocol=https\nhost=sso.example\nauthtype=Bearer\ncredential=tok-123\nstate[]=other:1\n' |
    git-credential-tresor store
[[ $(tresor header git:https://sso.example '<empty>') == "Authorization: Bearer tok-123" ]] ||
    fail "a pre-encoded credential is not its Authorization header: $(tresor ls --json)"
answer=$(printf 'capability[]=authtype\nprotocol=https\nhost=sso.example\n' | git-credential-tresor get)
[[ $answer == $'capability[]=authtype\nauthtype=Bearer\ncredential=tok-123' ]] ||
    fail "get with the authtype capability: '$answer'"
answer=$(printf 'protocol=https\nhost=sso.example\n' | git-credential-tresor get)
[[ -z $answer ]] || fail "a caller without the authtype capability got '$answer'"
printf 'capability[]=authtype\nprotocol=https\nhost=sso.example\nauthtype=Bearer\ncredential=other\n' |
    git-credential-tresor erase
tresor get git:https://sso.example '<empty>' > /dev/null ||
    fail "erase of another credential removed the stored one"
printf 'capability[]=authtype\nprotocol=https\nhost=sso.example\nauthtype=Bearer\ncredential=tok-123\n' |
    git-credential-tresor erase
if tresor get git:https://sso.example '<empty>' > /dev/null 2>&1; then fail "erase kept it"; fi
printf 'capability[]=authtype\nprotocol=https\nhost=digest.example\nauthtype=Digest\ncredential=response\nephemeral=true\n' |
    git-credential-tresor store
[[ -z $(tresor ls git:https://digest.example) ]] || fail "an ephemeral credential was stored"
printf 'protocol=https\nhost=token.example\nusername=\npassword=only-a-token\n' |
    git-credential-tresor store
answer=$(printf 'protocol=https\nhost=token.example\n' | git-credential-tresor get)
[[ $answer == $'username=\npassword=only-a-token' ]] || fail "empty username: '$answer'"
answer=$(printf 'capability[]=authtype\nprotocol=https\nhost=token.example\nusername=\n' |
    git-credential-tresor get)
[[ $answer == $'capability[]=authtype\nusername=\npassword=only-a-token' ]] ||
    fail "empty username asked for: '$answer'"
ok "authtype + credential kept as the Authorization header and answered only to a capable caller; ephemeral not kept; an empty username is one"

step="a locked vault"
printf 'protocol=https\nhost=git.example\nusername=alice\npassword=first-pw\n' | git credential approve
echo locked-answer > "$ASKPASS_ANSWER"
filled=$(printf 'protocol=https\nhost=git.example\nusername=alice\n' |
    TRESOR_VAULT_PASSWORD=wrong git credential fill 2> "$dir/locked.err")
[[ $filled == *"password=locked-answer"* ]] || fail "git did not ask: $filled"
grep -q "git-credential-tresor: backend 'vault': wrong password" "$dir/locked.err" ||
    fail "no reason on stderr: $(cat "$dir/locked.err")"
! grep -q first-pw "$dir/locked.err" || fail "a password reached stderr"
ok "a vault that does not open: the helper answers nothing, git asks, stderr says why"

step="starting lighttpd with git http-backend"
mkdir -p "$dir/srv"
git init -q --bare "$dir/srv/repo.git"
git -C "$dir/srv/repo.git" config http.receivepack true
echo "server-pw-1" | htpasswd -B -i -c "$dir/htpasswd" alice 2> /dev/null
port=$(free_port)
cat > "$dir/lighttpd.conf" << CONF
server.modules = ("mod_alias", "mod_setenv", "mod_auth", "mod_authn_file", "mod_cgi")
server.document-root = "$dir/srv"
server.bind = "127.0.0.1"
server.port = $port
server.errorlog = "$dir/lighttpd.log"
alias.url = ("/git" => "/usr/lib/git-core/git-http-backend")
auth.backend = "htpasswd"
auth.backend.htpasswd.userfile = "$dir/htpasswd"
\$HTTP["url"] =~ "^/git" {
    cgi.assign = ("" => "")
    setenv.set-environment = ("GIT_PROJECT_ROOT" => "$dir/srv", "GIT_HTTP_EXPORT_ALL" => "1")
    auth.require = ("" => ("method" => "basic", "realm" => "git", "require" => "valid-user"))
}
CONF
lighttpd -D -f "$dir/lighttpd.conf" > "$dir/lighttpd.out.log" 2>&1 &
pids+=($!)
wait_for_port "$port"
url=http://127.0.0.1:$port/git/repo.git
service=git:http://127.0.0.1:$port

step="the first clone"
echo server-pw-1 > "$ASKPASS_ANSWER"
: > "$ASKPASS_LOG"
git clone -q "$url" "$dir/c1" 2> "$dir/clone1.log"
[[ $(asked) == 2 ]] || fail "the first clone asked $(asked) questions: $(cat "$ASKPASS_LOG")"
[[ $(tresor get "$service" alice) == server-pw-1 ]] || fail "git did not store the password"
ok "the first clone asks through GIT_ASKPASS; git stores the answer in tresor"

step="push and a second clone"
: > "$ASKPASS_ANSWER"  # a question now would get a wrong (empty) password
echo hello > "$dir/c1/file"
git -C "$dir/c1" add file
git -C "$dir/c1" commit -q -m first
git -C "$dir/c1" push -q origin main 2> "$dir/push.log"
git clone -q "$url" "$dir/c2" 2> "$dir/clone2.log"
[[ $(cat "$dir/c2/file") == hello ]] || fail "the second clone lacks the pushed commit"
[[ $(asked) == 2 ]] || fail "push or clone asked again: $(cat "$ASKPASS_LOG")"
ok "push and the second clone take the password from tresor, nobody is asked"

step="a password the server no longer accepts"
echo "server-pw-2" | htpasswd -B -i "$dir/htpasswd" alice 2> /dev/null
if git -C "$dir/c2" fetch -q 2> "$dir/fetch.log"; then fail "fetch with the old password worked"; fi
if tresor get "$service" alice > /dev/null 2>&1; then fail "the rejected password was kept"; fi
echo server-pw-2 > "$ASKPASS_ANSWER"
git -C "$dir/c2" fetch -q 2> "$dir/fetch2.log"
[[ $(tresor get "$service" alice) == server-pw-2 ]] || fail "the new password was not stored"
ok "git erases the rejected password through the helper; the next answer is stored"
