#!/usr/bin/python3
"""jwt credentials (issue 24): every token `tresor header` signs is verified
by an independent library, PyJWT with python3-cryptography, for each
algorithm, with the claims the credential's fields give; a wrong key fails
there. Keys are made here with openssl, in every PEM form tresor reads. Then
the refusals: keys that do not parse or cannot do the algorithm, short
secrets, bad claims, each a typed error that never quotes the key.

Usage: jwt_test.py TRESOR. Ends with "N passed, M failed"."""
import base64
import json
import os
import subprocess
import sys
import tempfile
import time

import jwt  # python3-jwt

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../support"))
from checks import check, finish, tresor_runner  # noqa: E402 (tests/support/checks.py)

tresor = sys.argv[1]
tmp = tempfile.TemporaryDirectory()
home = tmp.name
config = os.path.join(home, "config.toml")
with open(config, "w") as f:
    f.write('[backend.vault]\nplugin = "vault"\npath = "~/vault.db"\n'
            'kdf = { memory_mib = 19, iterations = 2 }\n')
env = {k: v for k, v in os.environ.items()
       if k not in ("TRESOR_BACKEND", "TRESOR_CONFIG", "XDG_CONFIG_HOME", "GITHUB_ACTIONS")}
env.update(HOME=home, TRESOR_VAULT_PASSWORD="jwt test password")

run = tresor_runner(tresor, config, env)


def openssl(*args):
    return subprocess.run(["openssl", *args], check=True, capture_output=True).stdout


def key_file(name, *genargs):
    path = os.path.join(home, name)
    openssl(*genargs, "-out", path)
    return path


def public_pem(private_path):
    return openssl("pkey", "-in", private_path, "-pubout")


def read(path):
    with open(path, "rb") as f:
        return f.read()


# Keys in every form: PKCS#8 from genpkey, and the traditional
# "RSA PRIVATE KEY" / "EC PRIVATE KEY" forms.
rsa = key_file("rsa.pem", "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048")
rsa_other = key_file("rsa2.pem", "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048")
rsa_traditional = os.path.join(home, "rsa-trad.pem")
openssl("pkey", "-in", rsa_other, "-traditional", "-out", rsa_traditional)
rsa_small = key_file("rsa-small.pem", "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:1024")
curves = {"ES256": "P-256", "ES384": "P-384", "ES512": "P-521"}
ec = {alg: key_file(f"ec-{alg}.pem", "genpkey", "-algorithm", "EC", "-pkeyopt",
                    f"ec_paramgen_curve:{curve}") for alg, curve in curves.items()}
ec_other = key_file("ec-other.pem", "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256")
ec_sec1 = key_file("ec-sec1.pem", "ecparam", "-name", "prime256v1", "-genkey", "-noout")
check("an EC key in SEC 1 form", read(ec_sec1).startswith(b"-----BEGIN EC PRIVATE KEY-----"))
check("an RSA key in PKCS#1 form", read(rsa_traditional).startswith(b"-----BEGIN RSA PRIVATE KEY-----"))
ed = key_file("ed.pem", "genpkey", "-algorithm", "ed25519")
ed_other = key_file("ed2.pem", "genpkey", "-algorithm", "ed25519")
secrets = {"HS256": os.urandom(32), "HS384": os.urandom(48), "HS512": os.urandom(64)}

# (algorithm, value stored, key that verifies, a key that must not)
cases = [(alg, secret, secret, os.urandom(len(secret))) for alg, secret in secrets.items()]
for alg in ("RS256", "RS384", "RS512", "PS256", "PS384", "PS512"):
    cases.append((alg, read(rsa), public_pem(rsa), public_pem(rsa_other)))
cases.append(("RS256", read(rsa_traditional), public_pem(rsa_traditional), public_pem(rsa)))
# The wrong key for ES*: another key on the same curve.
for alg, path in ec.items():
    other = ec_other if alg == "ES256" else key_file(
        f"ec-other-{alg}.pem", "genpkey", "-algorithm", "EC", "-pkeyopt",
        f"ec_paramgen_curve:{curves[alg]}")
    cases.append((alg, read(path), public_pem(path), public_pem(other)))
cases.append(("ES256", read(ec_sec1), public_pem(ec_sec1), public_pem(ec_other)))
cases.append(("EdDSA", read(ed), public_pem(ed), public_pem(ed_other)))

signature_bytes = {"ES256": 64, "ES384": 96, "ES512": 132, "EdDSA": 64, "HS256": 32,
                   "HS384": 48, "HS512": 64}


def b64url_decode(text):
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def header_token(service, name):
    result = run("header", service, name)
    out = result.stdout.decode()
    prefix = "Authorization: Bearer "
    if result.returncode != 0 or not out.startswith(prefix) or not out.endswith("\n"):
        return None, result.stderr.decode()
    return out[len(prefix):-1], ""


for n, (alg, value, verify_key, wrong_key) in enumerate(cases):
    name = f"{alg}-{n}"
    fields = ["--field", f"algorithm={alg}", "--field", "iss=tresor-ci", "--field", "sub=deploy-bot",
              "--field", "aud=https://api.example.com", "--field", "lifetime=120",
              "--field", f"kid=key-{n}", "--field", 'claims={"scope":"read write","n":[1,2]}',
              "--field", "key=" + ("secret" if alg.startswith("HS") else "private_key")]
    stored = run("set", "signer", name, "--type", "jwt", *fields, "--raw", stdin=value)
    check(f"{name}: set", stored.returncode == 0, stored.stderr.decode())
    before = int(time.time())
    token, err = header_token("signer", name)
    after = int(time.time())
    check(f"{name}: header", token is not None, err)
    if token is None:
        continue
    head_b64, payload_b64, sig_b64 = token.split(".")
    check(f"{name}: base64url without padding", "=" not in token and "+" not in token and "/" not in token)
    head = json.loads(b64url_decode(head_b64))
    check(f"{name}: JOSE header", head == {"alg": alg, "typ": "JWT", "kid": f"key-{n}"}, head)
    if alg in signature_bytes:
        check(f"{name}: signature size (raw r||s for ECDSA)",
              len(b64url_decode(sig_b64)) == signature_bytes[alg], len(b64url_decode(sig_b64)))
    try:
        claims = jwt.decode(token, verify_key, algorithms=[alg], audience="https://api.example.com",
                            issuer="tresor-ci", options={"require": ["exp", "iat", "jti"]})
        check(f"{name}: claims", claims["sub"] == "deploy-bot" and claims["scope"] == "read write"
              and claims["n"] == [1, 2] and before <= claims["iat"] <= after
              and claims["exp"] == claims["iat"] + 120 and len(claims["jti"]) >= 22, claims)
    except jwt.PyJWTError as e:
        check(f"{name}: PyJWT verifies", False, repr(e))
    try:
        jwt.decode(token, wrong_key, algorithms=[alg], audience="https://api.example.com")
        check(f"{name}: a wrong key fails", False)
    except jwt.InvalidSignatureError:
        check(f"{name}: a wrong key fails", True)
    again, _ = header_token("signer", name)
    check(f"{name}: a fresh token per use (jti)", again is not None and
          json.loads(b64url_decode(again.split(".")[1]))["jti"] !=
          json.loads(b64url_decode(payload_b64))["jti"])

# Defaults: no claims fields, lifetime 300 s, no kid.
run("set", "signer", "plain", "--type", "jwt", "--field", "algorithm=EdDSA", "--raw", stdin=read(ed))
token, err = header_token("signer", "plain")
check("defaults: header", token is not None, err)
if token:
    claims = jwt.decode(token, public_pem(ed), algorithms=["EdDSA"])
    check("defaults: 300 s, no iss/sub/aud", claims["exp"] - claims["iat"] == 300 and
          set(claims) == {"iat", "exp", "jti"}, claims)
    check("defaults: no kid", json.loads(b64url_decode(token.split(".")[0])) == {"alg": "EdDSA", "typ": "JWT"})


def refused(what, service_name, expect, secret_text):
    """`tresor header` fails with `expect` in its message, nothing on
    stdout, and no piece of the key in what it prints."""
    result = run("header", "bad", service_name)
    err = result.stderr.decode()
    check(f"{what}: refused", result.returncode not in (0, 1) and result.stdout == b"", err)
    check(f"{what}: says why", expect in err, err)
    for line in secret_text.splitlines():
        if len(line) >= 8 and not line.startswith(b"-----"):
            check(f"{what}: the key is not quoted", line.decode(errors="replace") not in err, err)


def store_bad(name, alg, value):
    result = run("set", "bad", name, "--type", "jwt", "--field", f"algorithm={alg}", "--raw", stdin=value)
    check(f"{name}: stored (checked when signing)", result.returncode == 0, result.stderr.decode())


garbled = read(rsa).replace(b"\nMII", b"\nMIJ", 1)
bad_keys = [
    ("not-pem", "RS256", b"this is not a key at all, 0123456789abcdef", "not in PEM"),
    ("garbled-rsa", "RS256", garbled, "does not parse"),
    ("rsa-as-es256", "ES256", read(rsa), "needs an ECDSA key; this key is RSA"),
    ("p256-as-es384", "ES384", read(ec["ES256"]), "needs a key on secp384r1"),
    ("ed-as-rs256", "RS256", read(ed), "needs an RSA key; this key is Ed25519"),
    ("rsa-as-eddsa", "EdDSA", read(rsa), "needs an Ed25519 private key"),
    ("ec-as-ps256", "PS256", read(ec_sec1), "needs an RSA key; this key is ECDSA"),
    ("small-rsa", "RS256", read(rsa_small), "at least 2048 bits"),
    ("public-key", "RS256", public_pem(rsa), "another kind"),
    ("encrypted", "RS256", openssl("pkcs8", "-topk8", "-in", rsa, "-passout", "pass:pw"), "is encrypted"),
    ("short-hs256", "HS256", os.urandom(31), "at least 32 bytes"),
    ("short-hs384", "HS384", os.urandom(47), "at least 48 bytes"),
    ("short-hs512", "HS512", b"x" * 63, "at least 64 bytes"),
    ("pem-as-hs256", "HS256", read(rsa), "the value is a PEM block"),
    ("two-keys", "ES256", read(ec_sec1) + read(ec_other), "more text"),
]
for name, alg, value, expect in bad_keys:
    store_bad(name, alg, value)
    refused(name, name, expect, value)

run("set", "bad", "no-algorithm", "--type", "jwt", stdin=secrets["HS256"])
refused("no algorithm", "no-algorithm", "field 'algorithm' is required", secrets["HS256"])
run("set", "bad", "empty", "--type", "jwt", "--field", "algorithm=HS256", stdin=b"")
refused("empty value", "empty", "the value (the HMAC secret) is empty", b"")

# Fields that make no token are refused when set, naming the field.
for what, field, expect in [
    ("claims not JSON", 'claims={"a":', "field 'claims' must be a JSON object"),
    ("claims an array", "claims=[1]", "field 'claims' must be a JSON object"),
    ("claims sets exp", 'claims={"exp":1}', "must not set 'exp'"),
    ("claims sets jti", 'claims={"jti":"x"}', "must not set 'jti'"),
    ("claims and iss", 'claims={"iss":"x"}', "which the field 'iss' sets too"),
    ("unknown algorithm", "algorithm=none", "field 'algorithm' must be one of"),
    ("lifetime not a number", "lifetime=5m", "field 'lifetime' must be a number of seconds"),
    ("lifetime zero", "lifetime=0", "field 'lifetime' must be a number of seconds"),
    ("key contradicts algorithm", "key=private_key", "so field 'key' must be 'secret'"),
    ("unknown field", "issuer=x", "unknown field 'issuer'"),
]:
    args = ["--field", field, "--field", "iss=a"] if "iss" in field else ["--field", field]
    if not field.startswith("algorithm="):
        args += ["--field", "algorithm=HS256"]
    result = run("set", "bad", "fields", "--type", "jwt", *args, stdin=secrets["HS256"])
    check(f"{what}: refused by set", result.returncode != 0 and expect in result.stderr.decode(),
          result.stderr.decode())

# Botan is loaded only by what needs it: not by `get`, nor by an HS256 or
# EdDSA token (libsodium's), but by an ES256 one.
def loads_botan(*args):
    result = subprocess.run([tresor, "--config", config, *args], capture_output=True,
                            env={**env, "LD_DEBUG": "files"}, timeout=60)
    return b"libbotan-2" in result.stderr


run("set", "plain", "value", stdin=b"v")
check("get does not load Botan", not loads_botan("get", "plain", "value"))
check("an HS256 token does not load Botan", not loads_botan("header", "signer", "HS256-0"))
check("an EdDSA token does not load Botan", not loads_botan("header", "signer", "plain"))
check("an ES256 token loads Botan", loads_botan("header", "signer", "ES256-10"))

# A tresor outside its build tree looks for the module where it is installed
# (not here): ES256 fails, saying so; HS256 still signs.
copy = os.path.join(home, "tresor-copy")
with open(copy, "wb") as f:
    f.write(read(tresor))
os.chmod(copy, 0o755)
moved = subprocess.run([copy, "--config", config, "header", "signer", "ES256-10"],
                       capture_output=True, env=env, timeout=60)
check("without the module: refused", moved.returncode != 0 and moved.stdout == b"" and
      b"Botan 2 module, which cannot be loaded" in moved.stderr, moved.stderr)
moved = subprocess.run([copy, "--config", config, "header", "signer", "HS256-0"],
                       capture_output=True, env=env, timeout=60)
check("without the module: HS256 signs", moved.returncode == 0 and
      moved.stdout.startswith(b"Authorization: Bearer ey"), moved.stderr)

# Metadata never holds the key.
listing = run("ls", "--json").stdout
check("ls --json holds no key", b"PRIVATE KEY" not in listing and
      base64.b64encode(secrets["HS256"]) not in listing)
check("ls --json shows the fields", b'"algorithm":"HS256"' in listing.replace(b" ", b""))

finish()
