"""Issue 22, finding 3: on a machine without a Secret Service but with
libsecret's Python bindings installed, keyring must pick tresor, answer a
miss with None (not KeyringLocked from a libsecret with no daemon), and
`pip` must fetch from an index that wants Basic auth with the credential
tresor holds, asked as pip asks: get_credential(url, None).

Each case runs a fresh interpreter (keyring picks its backend once per
process) with no session bus, a private HOME and no keyring config.
"""

import base64
import http.server
import os
import subprocess
import sys
import threading
import zipfile

import pytest

from conftest import VAULT_PASSWORD_VARIABLE, cli, write_config


@pytest.fixture
def session(tmp_path, vault_password):
    """The environment of a headless session: tresor's vault config, no
    D-Bus session bus, nothing from the caller's keyring or pip config."""
    home = tmp_path / "home"
    home.mkdir()
    config = write_config(tmp_path, "vault")
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DBUS_", "KEYRING_", "PYTHON_KEYRING", "PIP_", "XDG_"))
    }
    env.update(
        HOME=str(home),
        TRESOR_CONFIG=str(config),
        PIP_CONFIG_FILE=os.devnull,
        PIP_DISABLE_PIP_VERSION_CHECK="1",
        PIP_NO_CACHE_DIR="1",
    )
    env[VAULT_PASSWORD_VARIABLE] = vault_password
    return env


def python(env, code):
    return subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
    )


def tresor_set(env, service, name, value):
    subprocess.run([cli(), "set", service, name], input=value, text=True, env=env, check=True)


def test_libsecret_bindings_are_installed_and_no_secret_service_runs(session):
    out = python(
        session,
        "from keyring.backends import SecretService, libsecret\n"
        "print(libsecret.Keyring.viable, SecretService.Keyring.viable)",
    )
    assert out.stdout.split() == ["True", "False"], (
        "this case needs libsecret's Python bindings (python3-gi, gir1.2-secret-1: "
        "scripts/install-deps --test) and no Secret Service: " + out.stdout + out.stderr
    )


def test_keyring_picks_tresor_and_a_miss_is_none(session):
    tresor_set(session, "twine", "bob", "from tresor\n")
    out = python(
        session,
        "import keyring\n"
        "k = keyring.get_keyring()\n"
        "print(type(k).__module__ + '.' + type(k).__name__)\n"
        "print(keyring.get_password('twine', 'bob'))\n"
        "print(keyring.get_password('twine', 'nobody'))\n"
        "c = keyring.get_credential('twine', None)\n"
        "print(c.username, c.password)\n"
        "print(keyring.get_credential('nothing-here', None))\n",
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.splitlines() == [
        "tresor.keyring_backend.TresorKeyring",
        "from tresor",
        "None",
        "bob from tresor",
        "None",
    ]


def test_a_miss_goes_on_to_the_other_backends_the_chainer_would_ask(session):
    """Another keyring plugin (defined here, registered as keyring registers
    every backend class) still answers what tresor does not hold."""
    out = python(
        session,
        "import keyring\n"
        "from keyring.backend import KeyringBackend\n"
        "from keyring.credentials import SimpleCredential\n"
        "class Other(KeyringBackend):\n"
        "    priority = 1\n"
        "    def get_password(self, service, username):\n"
        "        return 'other-pw' if (service, username) == ('corp', 'eve') else None\n"
        "    def get_credential(self, service, username):\n"
        "        return SimpleCredential('eve', 'other-pw') if service == 'corp' else None\n"
        "    def set_password(self, service, username, password):\n"
        "        raise NotImplementedError\n"
        "print(type(keyring.get_keyring()).__name__)\n"
        "print(keyring.get_password('corp', 'eve'), keyring.get_password('corp', 'x'))\n"
        "print(keyring.get_credential('corp', None).username)\n",
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.splitlines() == ["TresorKeyring", "other-pw None", "eve"]


class _Index(http.server.BaseHTTPRequestHandler):
    """A PEP 503 simple index of one wheel, behind HTTP Basic auth."""

    expected = None  # "Basic ..." for alice:index-pw
    wheel = None  # path of the wheel served
    answered = []

    def do_GET(self):
        if self.headers.get("Authorization") != self.expected:
            self.answered.append((self.path, 401))
            self.send_response(401)
            self.send_header("WWW-Authenticate", 'Basic realm="index"')
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        name = os.path.basename(self.wheel)
        with open(self.wheel, "rb") as wheel:
            pages = {
                "/simple/demo-pkg/": ("text/html", f'<a href="/files/{name}">{name}</a>'.encode()),
                f"/files/{name}": ("application/octet-stream", wheel.read()),
            }
        kind, body = pages.get(self.path, ("text/plain", b""))
        self.answered.append((self.path, 200 if body else 404))
        self.send_response(200 if body else 404)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def _wheel(folder):
    path = folder / "demo_pkg-1.0-py3-none-any.whl"
    files = {
        "demo_pkg/__init__.py": "",
        "demo_pkg-1.0.dist-info/METADATA": "Metadata-Version: 2.1\nName: demo-pkg\nVersion: 1.0\n",
        "demo_pkg-1.0.dist-info/WHEEL": (
            "Wheel-Version: 1.0\nGenerator: tresor-test\nRoot-Is-Purelib: true\n"
            "Tag: py3-none-any\n"
        ),
    }
    record = "".join(f"{name},,\n" for name in files) + "demo_pkg-1.0.dist-info/RECORD,,\n"
    with zipfile.ZipFile(path, "w") as z:
        for name, text in files.items():
            z.writestr(name, text)
        z.writestr("demo_pkg-1.0.dist-info/RECORD", record)
    return path


def test_pip_fetches_from_an_index_with_the_credential_tresor_holds(session, tmp_path):
    _Index.expected = "Basic " + base64.b64encode(b"alice:index-pw").decode()
    _Index.wheel = str(_wheel(tmp_path))
    _Index.answered = []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Index)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        netloc = f"127.0.0.1:{server.server_address[1]}"
        tresor_set(session, netloc, "alice", "index-pw\n")
        out = subprocess.run(
            [sys.executable, "-m", "pip", "download", "--no-deps", "-d", str(tmp_path / "out"),
             "--index-url", f"http://{netloc}/simple/", "demo-pkg"],
            env=session,
            capture_output=True,
            text=True,
            stdin=subprocess.DEVNULL,
            timeout=120,
        )
    finally:
        server.shutdown()
        server.server_close()
    assert "Keyring is skipped" not in out.stderr + out.stdout
    assert out.returncode == 0, out.stdout + out.stderr
    assert (tmp_path / "out" / "demo_pkg-1.0-py3-none-any.whl").exists()
    # pip asked without credentials first, then with tresor's.
    assert ("/simple/demo-pkg/", 401) in _Index.answered
    assert ("/simple/demo-pkg/", 200) in _Index.answered
