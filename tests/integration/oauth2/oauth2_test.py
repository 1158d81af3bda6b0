#!/usr/bin/python3
"""oauth2 credentials (issue 24) against a real authorization server:
python3-authlib's (tests/support/oauth2_server.py) on loopback over TLS
behind a test CA. Client credentials with client_secret_basic and _post
(scope, audience, resource sent), the token reused until shortly before it
expires, refresh with rotation, a revoked refresh token, a revoked client,
20 concurrent processes sharing one token request, the token endpoint's
failures as typed errors that quote no secret, and the tokens never in
clear on disk or in `ls --json`.

Usage: oauth2_test.py TRESOR. Ends with "N passed, M failed"."""
import json
import os
import ssl
import subprocess
import sys
import tempfile
import time
import urllib.request

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

passed = failed = 0


def check(what, ok, detail=""):
    global passed, failed
    if ok:
        passed += 1
    else:
        failed += 1
        print(f"FAIL: {what} {detail}", file=sys.stderr)


def run(*args, stdin=b""):
    return subprocess.run([tresor, "--config", config, *args], input=stdin,
                          capture_output=True, env=env, timeout=60)


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
check("ls --json shows the token entries", "basic#token" in listing, listing[:300])
check("ls --json shows no token", all(t and t not in listing for t in (t1, t2, t3, t4, first, second)))

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

server.stdin.close()
server.wait(timeout=10)
print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
