"""keyring's own BackendBasicTests, unmodified, against tresor's backend;
then keyring's discovery (entry point, priority) and its command line.

TRESOR_KEYRING_TEST_BACKEND picks the one backend of tresor's chain:
`vault` (a real vault file) or `secret-service` (the real gnome-keyring
that with_keyring.sh starts in a private D-Bus session).
"""

import os
import subprocess
import sys

import pytest
from keyring import backend as keyring_backend
from keyring.backends import SecretService, fail, libsecret
from keyring.testing.backend import BackendBasicTests

from conftest import VAULT_PASSWORD_VARIABLE, write_config
from tresor.keyring_backend import TresorKeyring

BACKEND = os.environ.get("TRESOR_KEYRING_TEST_BACKEND", "vault")


@pytest.fixture(scope="module", autouse=True)
def tresor_config(tmp_path_factory):
    os.environ[VAULT_PASSWORD_VARIABLE] = "keyring test password"
    path = write_config(tmp_path_factory.mktemp("tresor"), BACKEND)
    TestTresorKeyring.config_path = str(path)
    return path


class TestTresorKeyring(BackendBasicTests):
    config_path = None

    def init_keyring(self):
        keyring = TresorKeyring()
        keyring.config = self.config_path
        return keyring


def where_stored(config, service, name):
    """The value as the backend itself holds it, read without tresor's
    Python binding: the tresor CLI for the vault, secret-tool (libsecret's
    own client) for gnome-keyring."""
    if BACKEND == "vault":
        command = [os.environ["TRESOR_CLI"], "--config", str(config), "get", service, name]
    else:
        command = ["secret-tool", "lookup", "service", service, "account", name]
    out = subprocess.run(command, capture_output=True, text=True, stdin=subprocess.DEVNULL)
    return out.stdout.rstrip("\n") if out.returncode == 0 else None


def test_values_land_in_the_configured_backend(tresor_config):
    keyring = TresorKeyring()
    keyring.config = str(tresor_config)
    keyring.set_password("pip.example.org", "alice", "through keyring")
    try:
        assert where_stored(tresor_config, "pip.example.org", "alice") == "through keyring"
    finally:
        keyring.delete_password("pip.example.org", "alice")
    assert where_stored(tresor_config, "pip.example.org", "alice") is None


def test_entry_point_and_priority():
    found = [k for k in keyring_backend.get_all_keyring() if isinstance(k, TresorKeyring)]
    assert len(found) == 1, "the keyring.backends entry point did not load tresor's backend"
    assert TresorKeyring.priority > fail.Keyring.priority
    if BACKEND == "secret-service":
        assert SecretService.Keyring.viable
        assert TresorKeyring.priority < SecretService.Keyring.priority
    else:
        assert not SecretService.Keyring.viable
    if libsecret.Keyring.viable:  # its GObject bindings are installed
        above = BACKEND != "secret-service"
        assert (TresorKeyring.priority > libsecret.Keyring.priority) == above


def run_keyring_cli(args, config, home, stdin=""):
    env = dict(os.environ, TRESOR_CONFIG=str(config), HOME=str(home), XDG_CONFIG_HOME=str(home))
    if BACKEND == "secret-service":
        # Here keyring's own SecretService backend (priority 5) rightly wins;
        # name tresor's backend to go through tresor's secret-service plugin.
        args = ["-b", "tresor.keyring_backend.TresorKeyring"] + args
    return subprocess.run(
        [sys.executable, "-m", "keyring"] + args,
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
    )


def test_keyring_command_line(tresor_config, tmp_path):
    if BACKEND == "vault":
        # No keyringrc.cfg and no session bus: keyring picks the backend by
        # priority among the entry points, which must be tresor's.
        out = run_keyring_cli(["--list-backends"], tresor_config, tmp_path)
        assert "tresor.keyring_backend.TresorKeyring (priority: 11)" in out.stdout
    set_ = run_keyring_cli(["set", "twine", "bob"], tresor_config, tmp_path, stdin="from the cli\n")
    assert set_.returncode == 0, set_.stderr
    assert where_stored(tresor_config, "twine", "bob") == "from the cli"
    get = run_keyring_cli(["get", "twine", "bob"], tresor_config, tmp_path)
    assert (get.returncode, get.stdout) == (0, "from the cli\n"), get.stderr
    delete = run_keyring_cli(["del", "twine", "bob"], tresor_config, tmp_path)
    assert delete.returncode == 0, delete.stderr
    assert where_stored(tresor_config, "twine", "bob") is None
    missing = run_keyring_cli(["get", "twine", "bob"], tresor_config, tmp_path)
    assert (missing.returncode, missing.stdout) == (1, "")


def test_locked_store_raises_keyring_s_error(tmp_path, monkeypatch):
    if BACKEND != "vault":
        pytest.skip("a vault without an unlock source is the locked case here")
    from keyring import errors

    monkeypatch.delenv(VAULT_PASSWORD_VARIABLE)
    keyring = TresorKeyring()
    keyring.config = str(write_config(tmp_path, "vault"))
    with pytest.raises(errors.KeyringLocked, match="locked"):
        keyring.set_password("svc", "n", "v")


def test_config_from_keyring_s_property_variable(tresor_config, monkeypatch):
    monkeypatch.setenv("KEYRING_PROPERTY_CONFIG", str(tresor_config))
    keyring = TresorKeyring()
    assert keyring.config == str(tresor_config)
    keyring.set_password("poetry", "carol", "from the property")
    try:
        assert where_stored(tresor_config, "poetry", "carol") == "from the property"
    finally:
        keyring.delete_password("poetry", "carol")
