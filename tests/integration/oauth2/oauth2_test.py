#!/usr/bin/python3
"""oauth2 credentials (issue 24) against a real authorization server:
python3-authlib's (tests/support/oauth2_server.py) on loopback over TLS
behind a test CA. Client credentials with client_secret_basic and _post
(scope, audience, resource sent), the token reused until shortly before it
expires, refresh with rotation, a revoked refresh token, a revoked client,
20 concurrent processes sharing one token request, the token endpoint's
failures as typed errors that quote no secret, the tokens never in clear
on disk or in `ls --json`, the token record private to its credential,
and `tresor oauth login`: the authorization code flow with PKCE and a
loopback redirect (this test is the browser, over HTTP), and device
authorization (this test approves the code as the user would).

Usage: oauth2_test.py TRESOR. Ends with "N passed, M failed"."""
import http.client
import json
import os
import re
import ssl
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../support"))
from checks import check, finish as report, tresor_runner  # noqa: E402 (tests/support/checks.py)

tresor = sys.argv[1]
here = os.path.dirname(os.path.abspath(__file__))
tmp = tempfile.TemporaryDirectory()
home = tmp.name
os.chmod(home, 0o700)
https = os.path.join(home, "https")
os.mkdir(https, 0o700)
runtime = os.path.join(home, "run")
os.mkdir(runtime, 0o700)

server = subprocess.Popen(["/usr/bin/python3", os.path.join(here, "../../support/oauth2_server.py"),
                           https], stdin=subprocess.PIPE)
for _ in range(200):
    if os.path.exists(os.path.join(https, "port")):
        break
    time.sleep(0.05)
port = int(open(os.path.join(https, "port")).read())
os.chmod(os.path.join(https, "ca.crt"), 0o600)
base = f"https://localhost:{port}"

config = os.path.join(home, "config.toml")
with open(config, "w") as f:
    f.write('[backend.vault]\nplugin = "vault"\npath = "~/vault.db"\n'
            'kdf = { memory_mib = 19, iterations = 2 }\n'
            '[http]\nca_file = "https/ca.crt"\n')
os.chmod(config, 0o600)
env = {k: v for k, v in os.environ.items()
       if k not in ("TRESOR_BACKEND", "TRESOR_CONFIG", "XDG_CONFIG_HOME", "GITHUB_ACTIONS",
                    "http_proxy", "https_proxy", "HTTPS_PROXY", "ALL_PROXY", "all_proxy")}
env.update(HOME=home, TRESOR_VAULT_PASSWORD="oauth2 test password", XDG_RUNTIME_DIR=runtime)
tls = ssl.create_default_context(cafile=os.path.join(https, "ca.crt"))

run = tresor_runner(tresor, config, env)


def admin(path):
    urllib.request.urlopen(urllib.request.Request(base + path, method="POST"), context=tls).read()


def resource(token):
    request = urllib.request.Request(base + "/resource", headers={"Authorization": "Bearer " + token})
    try:
        return urllib.request.urlopen(request, context=tls).read().decode()
    except urllib.error.HTTPError as e:
        return f"HTTP {e.code}"


def token_log():
    path = os.path.join(https, "tokens.log")
    if not os.path.exists(path):
        return []
    return [json.loads(line) for line in open(path).read().splitlines()]


def oauth2(name, client_id, secret, *fields, token_url=None):
    args = ["set", "api", name, "--type", "oauth2", "--field", f"client_id={client_id}",
            "--field", f"token_url={token_url or base + '/token'}", "--origin", base]
    for field in fields:
        args += ["--field", field]
    r = run(*args, stdin=secret.encode())
    check(f"set {name}", r.returncode == 0, r.stderr.decode())


def header(name):
    r = run("header", "api", name)
    text = r.stdout.decode().strip()
    return r, text[len("Authorization: Bearer "):] if text.startswith("Authorization: Bearer ") else ""


secrets_sent = ["svc-secret", "post-secret", "refresh-secret"]
DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"

# Client credentials, client_secret_basic, with scope, audience and resource.
oauth2("basic", "svc", "svc-secret", "scopes=read write", "audience=https://api.example",
       "resource=https://api.example/v1")
r, token = header("basic")
check("header of a client credentials token", r.returncode == 0 and token != "", r.stderr.decode())
check("the token is good at the resource server", resource(token) == "hello svc", resource(token))
log = token_log()
check("one token request, client_secret_basic",
      [(e["grant_type"], e["auth"], e["status"]) for e in log] == [("client_credentials", "basic", 200)],
      str(log))
check("scope, audience and resource sent",
      (log[-1]["scope"], log[-1]["audience"], log[-1]["resource"]) ==
      ("read write", "https://api.example", "https://api.example/v1"), str(log[-1:]))
r, again = header("basic")
check("the stored token is reused", again == token and len(token_log()) == 1, str(token_log()))

# tresor request sends it as a bearer token, and redacts it in the answer.
r = run("request", "api/basic", base + "/resource")
check("tresor request with an oauth2 credential", r.stdout.decode().strip() == "hello svc",
      r.stdout.decode() + r.stderr.decode())

# client_secret_post.
oauth2("post", "svc-post", "post-secret", "auth_method=client_secret_post")
r, token = header("post")
check("client_secret_post", resource(token) == "hello svc-post" and
      token_log()[-1]["auth"] == "post", r.stderr.decode() + str(token_log()[-1:]))

# Expiry: a token of 61 s is renewed once less than 60 s are left.
admin("/admin/expires?seconds=61")
oauth2("short", "svc", "svc-secret")
r, first = header("short")
count = len(token_log())
time.sleep(1.5)
r, second = header("short")
check("an expiring token is renewed", second != first and len(token_log()) == count + 1 and
      resource(second) == "hello svc", r.stderr.decode())

# Refresh with rotation: each refresh sends the token the previous one returned.
oauth2("refreshing", "svc-refresh", "refresh-secret")
r, t1 = header("refreshing")
time.sleep(1.5)
r, t2 = header("refreshing")
time.sleep(1.5)
r, t3 = header("refreshing")
grants = [e for e in token_log() if e["grant_type"] == "refresh_token"]
check("two refreshes, both accepted", [e["status"] for e in grants] == [200, 200], str(grants))
check("the rotated refresh token is the one sent next",
      len(grants) == 2 and grants[0]["refresh_token"] != grants[1]["refresh_token"], str(grants))
check("refreshed tokens are good", len({t1, t2, t3}) == 3 and resource(t3) == "hello svc-refresh",
      r.stderr.decode())
# A refresh token the server revoked: the client secret gets a new token.
admin("/admin/revoke-refresh")
time.sleep(1.5)
r, t4 = header("refreshing")
last = token_log()[-2:]
check("a revoked refresh token falls back to client credentials",
      r.returncode == 0 and resource(t4) == "hello svc-refresh" and
      [(e["grant_type"], e["status"]) for e in last] == [("refresh_token", 400), ("client_credentials", 200)],
      r.stderr.decode() + str(last))

# 20 processes at once, no token stored: one token request between them
# (tokens that live long enough for all 20 to find it good).
admin("/admin/expires?seconds=3600")
oauth2("shared", "svc", "svc-secret")
count = len(token_log())
procs = [subprocess.Popen([tresor, "--config", config, "header", "api", "shared"], env=env,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE) for _ in range(20)]
outs = [p.communicate(timeout=120) for p in procs]
tokens = {o.decode().strip() for o, _ in outs}
check("20 concurrent processes all get a token", all(p.returncode == 0 for p in procs),
      str([e.decode() for _, e in outs if e]))
check("20 concurrent processes share one token request", len(token_log()) == count + 1 and
      len(tokens) == 1, f"{len(token_log()) - count} requests, {len(tokens)} tokens")

# 20 threads of one process (the Python package over libtresor), no token
# stored: one token request between them too.
if os.environ.get("TRESOR_LIBRARY"):
    import threading
    import tresor as tresor_package
    oauth2("threads", "svc", "svc-secret")
    count = len(token_log())
    saved_env = dict(os.environ)
    os.environ.update(env)
    answers = []
    with tresor_package.Store(config) as store:
        def use():
            answers.append(store.request("api", "threads", base + "/resource").text())
        threads = [threading.Thread(target=use) for _ in range(20)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    os.environ.clear()
    os.environ.update(saved_env)
    check("20 threads all reach the resource", answers == ["hello svc"] * 20, str(answers[:3]))
    check("20 threads share one token request", len(token_log()) == count + 1,
          f"{len(token_log()) - count} requests")
else:
    print("in-process part skipped: TRESOR_LIBRARY is not set", file=sys.stderr)

# The tokens are sealed: not in the vault file in clear, not in ls --json.
vault = open(os.path.join(home, "vault.db"), "rb").read()
for t in (t1, t2, t3, t4, first, second):
    check("a token is not in the vault file in clear", t != "" and t.encode() not in vault)
listing = run("ls", "--json").stdout.decode()
check("ls --json shows no token", all(t and t not in listing for t in (t1, t2, t3, t4, first, second)))

# The token record NAME#token is its credential's private state: never
# listed, and no name with that suffix is read, written or removed.
check("ls --json lists no token record", "#token" not in listing, listing[:300])
r = run("ls")
check("ls lists no token record", r.returncode == 0 and "#token" not in r.stdout.decode(),
      r.stdout.decode())
for args, stdin in ((["get", "api", "basic#token"], b""), (["get", "--json", "api", "basic#token"], b""),
                    (["set", "api", "basic#token"], b"planted"), (["rm", "api", "basic#token"], b""),
                    (["header", "api", "basic#token"], b""), (["set", "api", "new#token"], b"x")):
    r = run(*args, stdin=stdin)
    err = r.stderr.decode()
    check(f"{' '.join(args)} is refused", r.returncode != 0 and "keeps for the tokens" in err and
          r.stdout == b"", err + r.stdout.decode())
r, token = header("basic")
check("the token record is still there and good", resource(token) == "hello svc", r.stderr.decode())
if os.environ.get("TRESOR_LIBRARY"):
    os.environ.update(env)
    with tresor_package.Store(config) as store:
        names = [e.name for e in store.list()]
        check("the C API lists no token record", "basic" in names and
              not any(n.endswith("#token") for n in names), str(names))
        for call in (lambda: store.get("api", "basic#token"),
                     lambda: store.set("api", "basic#token", "planted"),
                     lambda: store.delete("api", "basic#token")):
            try:
                call()
                check("the C API refuses a token record's name", False)
            except Exception as e:
                check("the C API refuses a token record's name", "keeps for the tokens" in str(e),
                      str(e))
    os.environ.clear()
    os.environ.update(saved_env)

# rm of a credential removes its token record: set again, it asks for a new one.
count = len(token_log())
r = run("rm", "api", "basic")
check("rm of an oauth2 credential", r.returncode == 0, r.stderr.decode())
oauth2("basic", "svc", "svc-secret", "scopes=read write", "audience=https://api.example",
       "resource=https://api.example/v1")
r, again = header("basic")
check("rm removed the token record", again != token and len(token_log()) == count + 1 and
      resource(again) == "hello svc", f"{len(token_log()) - count} requests")
# set with the same client and token URL keeps the token.
oauth2("basic", "svc", "svc-secret", "scopes=read write", "audience=https://api.example",
       "resource=https://api.example/v1")
r, same = header("basic")
check("set with the same fields keeps the token", same == again and len(token_log()) == count + 1,
      f"{len(token_log()) - count} requests")
# set with another client: the token asked for the old one is dropped.
oauth2("basic", "svc-post", "post-secret", "auth_method=client_secret_post")
r, other = header("basic")
check("set with another client_id drops the token", resource(other) == "hello svc-post",
      resource(other) + r.stderr.decode())
# set with another token URL: likewise.
count = len(token_log())
oauth2("basic", "svc-post", "post-secret", "auth_method=client_secret_post",
       token_url=base + "/token?tenant=2")
r, moved = header("basic")
check("set with another token_url drops the token", moved != other and
      len(token_log()) == count + 1 and resource(moved) == "hello svc-post",
      f"{len(token_log()) - count} requests")

# Failures of the token endpoint: typed, naming the server, never a secret.
def failure(name, expect):
    r, token = header(name)
    err = r.stderr.decode()
    check(f"{name}: refused", r.returncode != 0 and token == "", err)
    check(f"{name}: says {expect}", expect in err, err)
    check(f"{name}: no secret in the message", all(s not in err for s in secrets_sent), err)


oauth2("notjson", "svc", "svc-secret", token_url=base + "/broken/notjson")
failure("notjson", "not a JSON object")
oauth2("status", "svc", "svc-secret", token_url=base + "/broken/status")
failure("status", "HTTP 502")
oauth2("noexpires", "svc", "svc-secret", token_url=base + "/broken/noexpires")
failure("noexpires", "no expires_in")
oauth2("wrongsecret", "svc", "not-the-secret")
failure("wrongsecret", "invalid_client")
# A revoked client: its stored token runs out, and the renewal is refused.
admin("/admin/expires?seconds=61")
r, token = header("short")
check("a token before the client is revoked", resource(token) == "hello svc", r.stderr.decode())
admin("/admin/revoke?client=svc")
time.sleep(1.5)
failure("short", "invalid_client")

# tresor oauth login: the authorization code flow with PKCE (S256) and a
# loopback redirect. This test is the browser: it opens the URL tresor
# prints, approves, and follows the redirect back to tresor.
def start_login(name, *options):
    p = subprocess.Popen([tresor, "--config", config, "oauth", "login", *options, f"api/{name}"],
                         env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE)
    shown = ""
    while True:
        line = p.stderr.readline().decode()
        shown += line
        if not line or line.startswith("Waiting"):
            return p, shown


def authorization_url(shown):
    found = re.search(r"^  (https://\S+)$", shown, re.M)
    return found.group(1) if found else ""


def browser(url, decision="approve"):
    """The consent page, then the user's decision: the redirect's Location."""
    u = urllib.parse.urlsplit(url)
    conn = http.client.HTTPSConnection("localhost", port, context=tls, timeout=30)
    conn.request("GET", f"{u.path}?{u.query}")
    consent = conn.getresponse()
    consent.read()
    conn.request("POST", f"{u.path}?{u.query}", body=f"decision={decision}",
                 headers={"Content-Type": "application/x-www-form-urlencoded"})
    answer = conn.getresponse()
    answer.read()
    return consent.status, answer.getheader("Location") or ""


def follow(location):
    u = urllib.parse.urlsplit(location)
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=30)
    conn.request("GET", f"{u.path}?{u.query}" if u.query else u.path)
    answer = conn.getresponse()
    return answer.status, answer.read().decode()


def finish(p, shown):
    out, err = p.communicate(timeout=60)
    return p.returncode, out.decode(), shown + err.decode()


# Tokens of an hour from here on: a 61 s token left from the revoked client's
# check would be refreshed on the first header when the machine is slow (the
# sanitizer build is), and the token exchange count would be one too many.
admin("/admin/expires?seconds=3600")
login_fields = ("authorization_url=" + base + "/authorize",
                "device_authorization_url=" + base + "/device_authorization", "scopes=read")
oauth2("login", "app", "", *login_fields)
count = len(token_log())
p, shown = start_login("login")
url = authorization_url(shown)
query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(url).query))
check("the authorization URL asks for a code with PKCE S256 and a loopback redirect",
      query.get("response_type") == "code" and query.get("client_id") == "app" and
      query.get("code_challenge_method") == "S256" and len(query.get("code_challenge", "")) == 43 and
      len(query.get("state", "")) >= 22 and query.get("scope") == "read" and
      re.fullmatch(r"http://127\.0\.0\.1:[0-9]+/callback", query.get("redirect_uri", "")) is not None,
      shown)
redirect = urllib.parse.urlsplit(query.get("redirect_uri", "http://127.0.0.1:1/callback"))
status, _ = follow(f"http://127.0.0.1:{redirect.port}/favicon.ico")
check("another path of the loopback listener is a 404, and the login goes on", status == 404)
consent, location = browser(url)
check("the server shows its consent page and redirects with a code",
      consent == 200 and location.startswith(query.get("redirect_uri", "?") + "?code="), location)
code = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(location).query)).get("code", "")
status, page = follow(location)
rc, out, err = finish(p, shown)
check("oauth login: signed in", rc == 0 and status == 200 and "Signed in" in page, err + page)
last = token_log()[-1]
check("the code was exchanged with its code_verifier by a public client",
      len(token_log()) == count + 1 and (last["grant_type"], last["auth"], last["status"]) ==
      ("authorization_code", "none", 200) and len(last["code_verifier"]) == 43, str(last))
r, login_token = header("login")
check("the login's access token is stored and used", resource(login_token) == "hello app" and
      len(token_log()) == count + 1, r.stderr.decode())
check("oauth login prints no code or token", code and code not in err and code not in out and
      login_token not in err and out == "", err)
# A second login replaces the tokens; tokens of 61 s are then refreshed with
# the refresh token the login stored (rotated by the server).
admin("/admin/expires?seconds=61")
p, shown = start_login("login")
_, location = browser(authorization_url(shown))
follow(location)
rc, _, err = finish(p, shown)
check("a second login", rc == 0, err)
r, first_login = header("login")
time.sleep(1.5)
r, refreshed = header("login")
last = token_log()[-1]
check("a login's token is refreshed with its refresh token (public client)",
      refreshed != first_login and resource(refreshed) == "hello app" and
      (last["grant_type"], last["auth"], last["status"]) == ("refresh_token", "none", 200),
      r.stderr.decode() + str(last))
admin("/admin/expires?seconds=3600")
vault = open(os.path.join(home, "vault.db"), "rb").read()
listing = run("ls", "--json").stdout.decode()
check("a login's tokens are not on disk in clear nor listed",
      all(t and t.encode() not in vault and t not in listing for t in (login_token, refreshed)))

# The typed failures of a login.
def failed_login(what, expect, location_of):
    p, shown = start_login("login")
    status, page = follow(location_of(authorization_url(shown)))
    rc, _, err = finish(p, shown)
    check(f"login: {what} refused", rc != 0 and status == 400 and expect in err, err + page)


def forged_state(url):
    _, location = browser(url)
    return re.sub(r"state=[^&]+", "state=forged", location)


failed_login("a forged state", "state is not this sign-in's", forged_state)
failed_login("access_denied", "access_denied", lambda url: browser(url, "deny")[1])
failed_login("a code that is not good", "invalid_grant",
             lambda url: re.sub(r"code=[^&]+", "code=not-a-code", browser(url)[1]))
start = time.time()
p, shown = start_login("login", "--timeout", "1")
rc, _, err = finish(p, shown)
check("login: a timeout", rc != 0 and "within 1 s" in err and time.time() - start < 10, err)

# tresor oauth login --device (RFC 8628): the user approves on another device.
def start_device(name):
    p, shown = start_login(name, "--device")
    found = re.search(r"open (https://\S+) and enter the code (\S+)", shown)
    return p, shown, found.group(1) if found else "", found.group(2) if found else ""


def decide(user_code, decision):
    admin(f"/device?user_code={urllib.parse.quote(user_code)}&decision={decision}")


count = len(token_log())
p, shown, uri, user_code = start_device("login")
check("device login shows where to go and the code to enter",
      uri == f"https://localhost:{port}/device" and user_code != "", shown)
time.sleep(1.2)  # at least one poll while the user has not approved
decide(user_code, "approve")
rc, out, err = finish(p, shown)
polls = [e for e in token_log()[count:] if e["grant_type"] == DEVICE_GRANT]
check("device login: signed in after polling", rc == 0 and len(polls) >= 2 and
      polls[0]["status"] == 400 and polls[-1]["status"] == 200, err + str(polls))
r, device_token = header("login")
check("the device login's token is stored and used", resource(device_token) == "hello app",
      r.stderr.decode())
check("device login prints no device code or token", out == "" and polls and
      polls[-1]["device_code"] not in err and device_token not in err, err)
p, shown, uri, user_code = start_device("login")
decide(user_code, "deny")
rc, _, err = finish(p, shown)
check("device login: access_denied", rc != 0 and "access_denied" in err, err)
admin("/admin/device-lifetime?seconds=2")
p, shown, uri, user_code = start_device("login")
rc, _, err = finish(p, shown)
check("device login: expired_token", rc != 0 and "expired_token" in err, err)
admin("/admin/device-lifetime?seconds=1800")

server.stdin.close()
server.wait(timeout=10)
report()
