"""Shared helpers: tresor config files for the binding's tests.

CTest sets TRESOR_LIBRARY (the build tree's libtresor.so), PYTHONPATH (the
staged package) and TRESOR_CLI (the build tree's tresor).
"""

import os
import pathlib

import pytest

VAULT_PASSWORD_VARIABLE = "TRESOR_PYTEST_VAULT_PASSWORD"


def write_config(folder: pathlib.Path, backend: str) -> pathlib.Path:
    """A config whose only backend is `backend`: memory, vault (a fresh file
    in `folder`, unlocked from an environment variable, the cheapest KDF the
    vault accepts) or secret-service."""
    if backend == "vault":
        body = (
            'chain = ["vault"]\n'
            "[backend.vault]\n"
            'plugin = "vault"\n'
            f'path = "{folder / "vault.db"}"\n'
            f'unlock = "env:{VAULT_PASSWORD_VARIABLE}"\n'
            "kdf.memory_mib = 19\n"
            "kdf.iterations = 2\n"
        )
    else:
        body = f'chain = ["{backend}"]\n[backend.{backend}]\nplugin = "{backend}"\n'
    path = folder / "config.toml"
    path.write_text(body)
    path.chmod(0o600)
    return path


@pytest.fixture
def vault_password(monkeypatch):
    monkeypatch.setenv(VAULT_PASSWORD_VARIABLE, "pytest vault password")
    return "pytest vault password"


@pytest.fixture
def memory_config(tmp_path):
    return write_config(tmp_path, "memory")


def cli():
    return os.environ["TRESOR_CLI"]
