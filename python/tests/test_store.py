"""tresor.Store over the build tree's libtresor: values, misses, metadata,
errors mapped from the C API's codes, and the missing library."""

import ctypes.util
import datetime
import os
import pathlib
import subprocess
import sys

import pytest

import tresor
from conftest import write_config


@pytest.fixture
def store(memory_config):
    with tresor.Store(memory_config) as s:
        yield s


def test_text_round_trip_and_miss(store):
    assert store.get("svc", "alice") is None
    store.set("svc", "alice", "pässword ✓")
    assert store.get("svc", "alice") == "pässword ✓"
    assert store.get_bytes("svc", "alice") == "pässword ✓".encode()


def test_binary_values_of_every_buffer_kind(store):
    raw = bytes(range(256))
    store.set("svc", "bytes", raw)
    store.set("svc", "bytearray", bytearray(raw))
    store.set("svc", "memoryview", memoryview(raw))
    for name in ("bytes", "bytearray", "memoryview"):
        assert store.get_bytes("svc", name) == raw
    with pytest.raises(UnicodeDecodeError):
        store.get("svc", "bytes")


def test_read_only_copy_is_wiped_and_caller_buffer_untouched(store):
    source = bytearray(b"abc")
    store.set("svc", "n", memoryview(source).toreadonly())
    assert source == b"abc"
    assert store.get_bytes("svc", "n") == b"abc"


def test_empty_value_is_not_a_miss(store):
    store.set("svc", "empty", "")
    assert store.get("svc", "empty") == ""
    assert store.get_bytes("svc", "empty") == b""


def test_replace_then_delete(store):
    store.set("svc", "n", "one")
    store.set("svc", "n", "two")
    assert store.get("svc", "n") == "two"
    assert store.delete("svc", "n") is True
    assert store.delete("svc", "n") is False
    assert store.get("svc", "n") is None


def test_list_returns_metadata_objects(store):
    expires = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(days=1)
    store.set(
        "svc",
        "token",
        "v",
        type=tresor.SecretType.API_KEY,
        label="CI token",
        description="for the release job",
        expires_at=expires,
    )
    store.set("other", "x", "v")
    entries = store.list("svc")
    assert [(e.service, e.name) for e in entries] == [("svc", "token")]
    entry = entries[0]
    assert entry.type is tresor.SecretType.API_KEY
    assert (entry.label, entry.description) == ("CI token", "for the release job")
    assert entry.expires_at == expires.replace(microsecond=0)
    assert entry.created_at is not None and entry.created_at.tzinfo is not None
    assert not hasattr(entry, "value")
    assert sorted(e.service for e in store.list()) == ["other", "svc"]


def test_far_future_expiries(tmp_path, vault_password):
    """Issue 22, finding 1: datetime's latest time (9999-12-31) was refused as
    past (nanoseconds wrapped), and an expiry past datetime's range, which git
    can store (INT64_MAX), made list() raise OverflowError."""
    config = write_config(tmp_path, "vault")
    latest = datetime.datetime.max.replace(tzinfo=datetime.timezone.utc)
    with tresor.Store(config) as store:
        store.set("svc", "latest", "v", expires_at=latest)
    helper = pathlib.Path(os.environ["TRESOR_CLI"]).with_name("git-credential-tresor")
    subprocess.run(
        [str(helper), "--config", str(config), "store"],
        input=b"protocol=https\nhost=far.example\nusername=u\npassword=p\n"
        b"password_expiry_utc=9223372036854775807\n",
        check=True,
    )
    with tresor.Store(config) as store:
        assert store.list("svc")[0].expires_at == latest.replace(microsecond=0)
        [git_entry] = store.list("git:https://far.example")
        assert git_entry.expires_at == latest
        assert store.get("git:https://far.example", "u") == "p"


def test_default_service_when_none(store):
    store.set(None, "n", "v")
    assert store.get("", "n") == "v"
    assert store.get("default", "n") == "v"


def test_nul_in_a_key_is_refused_not_truncated(store):
    store.set("svc", "a", "must stay unread")
    with pytest.raises(tresor.InvalidArgumentError, match="name must not contain NUL"):
        store.get("svc", "a\0b")
    with pytest.raises(tresor.InvalidArgumentError, match="service must not contain NUL"):
        store.set("svc\0x", "a", "v")


def test_bad_key_maps_to_invalid_argument_with_message(store):
    with pytest.raises(tresor.InvalidArgumentError) as raised:
        store.set("svc", "", "v")
    assert raised.value.code is tresor.Status.INVALID_ARGUMENT
    assert "name must not be empty" in str(raised.value)
    assert isinstance(raised.value, ValueError)


def test_nul_in_the_config_path_is_refused_not_truncated(memory_config):
    with pytest.raises(tresor.InvalidArgumentError, match="config path must not contain NUL"):
        tresor.Store(str(memory_config) + "\0ignored")


def test_config_error_names_the_file(tmp_path):
    config = tmp_path / "config.toml"
    config.write_text('chian = ["vault"]\n')
    with pytest.raises(tresor.ConfigError, match="did you mean 'chain'"):
        tresor.Store(config)


def test_locked_vault_without_unlock_source(tmp_path, monkeypatch):
    monkeypatch.delenv("TRESOR_PYTEST_VAULT_PASSWORD", raising=False)
    with tresor.Store(write_config(tmp_path, "vault")) as store:
        with pytest.raises(tresor.LockedError) as raised:
            store.set("svc", "n", "secret value")
    assert raised.value.code is tresor.Status.LOCKED
    assert "secret value" not in str(raised.value)


def test_wrong_password_is_auth_failed(tmp_path, monkeypatch, vault_password):
    config = write_config(tmp_path, "vault")
    with tresor.Store(config) as store:
        store.set("svc", "n", "v")
    monkeypatch.setenv("TRESOR_PYTEST_VAULT_PASSWORD", "not the password")
    with tresor.Store(config) as store:
        with pytest.raises(tresor.AuthFailedError):
            store.get("svc", "n")


def test_vault_round_trip_across_stores_and_the_cli(tmp_path, vault_password):
    config = write_config(tmp_path, "vault")
    with tresor.Store(config) as store:
        store.set("svc", "n", "written by python")
    with tresor.Store(config) as store:
        assert store.get("svc", "n") == "written by python"
    out = subprocess.run(
        [os.environ["TRESOR_CLI"], "--config", str(config), "get", "svc", "n"],
        capture_output=True,
        text=True,
        check=True,
        stdin=subprocess.DEVNULL,
    )
    assert out.stdout.rstrip("\n") == "written by python"


def test_closed_store_refuses(memory_config):
    store = tresor.Store(memory_config)
    store.close()
    store.close()
    with pytest.raises(tresor.InvalidArgumentError, match="closed"):
        store.get("svc", "n")


@pytest.mark.parametrize("library", ["/nonexistent/libtresor.so", ""])
def test_missing_library_is_reported_clearly(library, tmp_path):
    # A fresh interpreter: the library is loaded once per process. "" falls
    # back to the installed libtresor.so.0, which the test machine lacks.
    if library == "" and ctypes.util.find_library("tresor"):
        pytest.skip("an installed libtresor.so.0 exists here")
    env = dict(os.environ, TRESOR_LIBRARY=library, LD_LIBRARY_PATH="")
    code = (
        "import tresor\n"
        "try:\n"
        "    tresor.Store()\n"
        "except tresor.LibraryNotFoundError as e:\n"
        "    print(e)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("tresor library not found: ")
    assert (library or "libtresor.so.0") in out.stdout
    assert "TRESOR_LIBRARY" in out.stdout


def test_version_is_the_library_s():
    assert tresor.version() == "0.1.0"


def test_installed_library_is_found_by_its_soname(memory_config):
    # Without TRESOR_LIBRARY the dynamic loader's search finds libtresor.so.0;
    # LD_LIBRARY_PATH stands in for the system's library folders here.
    folder = os.path.dirname(os.path.realpath(os.environ["TRESOR_LIBRARY"]))
    env = {k: v for k, v in os.environ.items() if k != "TRESOR_LIBRARY"}
    env["LD_LIBRARY_PATH"] = folder
    code = f"import tresor; s = tresor.Store({str(memory_config)!r}); s.set('a', 'b', 'c'); print(s.get('a', 'b'))"
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert (out.returncode, out.stdout) == (0, "c\n"), out.stderr


def library_copy(folder, mode, owner=None):
    copy = folder / "libtresor.so"
    copy.write_bytes(open(os.path.realpath(os.environ["TRESOR_LIBRARY"]), "rb").read())
    copy.chmod(mode)
    if owner is not None:
        os.chown(copy, owner, -1)
    return str(copy)


def load_error(library):
    env = dict(os.environ, TRESOR_LIBRARY=library)
    code = "import tresor\ntry:\n    print(tresor.version())\nexcept tresor.Error as e:\n    print(e)\n"
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    return out.stdout


def test_a_library_others_could_have_written_is_refused(tmp_path):
    assert load_error(library_copy(tmp_path, 0o644)) == "0.1.0\n"
    message = load_error(library_copy(tmp_path, 0o666))
    assert "refusing" in message and "writable by group or others" in message


@pytest.mark.skipif(os.geteuid() != 0, reason="giving a file to uid 65534 needs root")
def test_a_library_owned_by_another_user_is_refused(tmp_path):
    message = load_error(library_copy(tmp_path, 0o644, owner=65534))
    assert "owned by uid 65534, neither root nor you" in message


def test_a_relative_library_path_is_refused():
    assert "not an absolute path" in load_error("libtresor.so")
