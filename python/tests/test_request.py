"""Store.request() against a real HTTPS server on loopback behind a test CA
(tests/support/https_echo_server.py): the credential reaches its origin, and
only there; the caller gets the response, never the value."""

import json
import pathlib
import subprocess
import time

import pytest

import tresor

SERVER = pathlib.Path(__file__).resolve().parents[2] / "tests" / "support" / "https_echo_server.py"


@pytest.fixture(scope="module")
def https(tmp_path_factory):
    folder = tmp_path_factory.mktemp("https")
    folder.chmod(0o700)
    # Its stdin is our pipe: closing it ends the servers.
    server = subprocess.Popen(["/usr/bin/python3", str(SERVER), str(folder)], stdin=subprocess.PIPE)
    for _ in range(200):
        if (folder / "ports").exists():
            break
        time.sleep(0.05)
    ports = (folder / "ports").read_text().split()
    (folder / "ca.crt").chmod(0o600)
    yield folder, [int(p) for p in ports]
    server.stdin.close()
    server.wait(timeout=10)


def last_request(folder):
    return json.loads((folder / "requests.log").read_text().splitlines()[-1])


@pytest.fixture
def store(https, tmp_path):
    folder, _ = https
    config = tmp_path / "config.toml"
    config.write_text(
        f'chain = ["mem"]\n[backend.mem]\nplugin = "memory"\n[http]\nca_file = "{folder / "ca.crt"}"\n'
    )
    config.chmod(0o600)
    with tresor.Store(config) as s:
        yield s


def test_the_credential_reaches_its_origin_and_comes_back_redacted(https, store):
    folder, (port, _) = https
    origin = f"https://localhost:{port}"
    store.set("api", "ci", "pw-PY1", type=tresor.SecretType.BASIC_AUTH,
              attributes={"username": "alice"}, origins=[origin.upper() + "/"])
    entry = store.list("api")[0]
    assert entry.attributes == {"username": "alice", "origins": origin}
    r = store.request("api", "ci", origin + "/echo-header", headers={"X-Trace": "py"})
    assert r.status == 200 and r.redacted
    assert r.text().splitlines()[0] == "your header: [REDACTED]"
    assert r.header("x-echo") == "[REDACTED]"
    assert "pw-PY1" not in repr(r) and "YWxpY2U6cHctUFkx" not in repr(r)
    received = dict(last_request(folder)["headers"])
    assert received["Authorization"] == "Basic YWxpY2U6cHctUFkx"  # alice:pw-PY1
    assert received["X-Trace"] == "py"
    posted = store.request("api", "ci", origin + "/echo", method="POST", body=b"\x00\x01")
    assert posted.json()["method"] == "POST" and posted.redacted


def test_what_would_send_it_elsewhere_is_refused(https, store):
    _, (port, other) = https
    origin = f"https://localhost:{port}"
    store.set("api", "tok", "tok-PY2", type=tresor.SecretType.BEARER_TOKEN, origins=[origin])
    with pytest.raises(tresor.PermissionDeniedError, match="not an origin"):
        store.request("api", "tok", f"https://127.0.0.1:{other}/echo")
    with pytest.raises(tresor.InvalidArgumentError, match="user information"):
        store.request("api", "tok", f"https://localhost:{port}@127.0.0.1:{other}/")
    with pytest.raises(tresor.InvalidArgumentError, match="Authorization"):
        store.request("api", "tok", origin + "/echo", headers=[("Authorization", "mine")])
    redirect = store.request("api", "tok", f"{origin}/redirect?to=https://127.0.0.1:{other}/")
    assert redirect.status == 302
    with pytest.raises(tresor.IOFailureError, match="within 500 ms"):
        store.request("api", "tok", origin + "/slow", timeout=0.5)
    assert store.request("api", "missing", origin + "/echo") is None
    store.set("api", "plain", "v", type=tresor.SecretType.BEARER_TOKEN)
    with pytest.raises(tresor.PermissionDeniedError, match="names no origins"):
        store.request("api", "plain", origin + "/echo")
