"""tresor as a backend of the `keyring` package (entry point keyring.backends).

Priority, by what runs in the session:

* A Secret Service answers on the session bus (keyring's own SecretService
  backend is viable): 4.5, below SecretService (5), KWallet (4.9) and
  libsecret (4.8), so a desktop session keeps its keychain and keyring's
  chainer asks tresor after them.
* No Secret Service, but a KWallet daemon: 4.85, below KWallet, chained.
* Neither (a headless machine, a container, CI): 11, above keyring's chainer
  (10), so keyring picks tresor itself. Chained, tresor would sit before
  keyring's libsecret backend, which claims 4.8 whenever its GObject bindings
  are installed and then fails every call with no daemon to ask: every miss
  would end in KeyringLocked, and pip says "Keyring is skipped". Picked
  alone, tresor asks on a miss the backends the chainer would have asked
  (highest priority first), minus keyring's two Secret Service backends,
  which cannot answer here; new passwords go to tresor.

keyring's own config says otherwise where wanted: `default-keyring =
tresor.keyring_backend.TresorKeyring` in keyringrc.cfg, or
PYTHON_KEYRING_BACKEND with the same name. Without libtresor the backend is
not viable (its priority raises), as keyring expects.

keyring's service is tresor's service, its username tresor's name. The
store is tresor's config (docs/CONFIG.md) unless the backend property
`config` names a file (KEYRING_PROPERTY_CONFIG=/path/config.toml).
"""

import datetime
import threading

from jaraco.classes import properties
from keyring import backend, errors
from keyring.backend import KeyringBackend
from keyring.backends import SecretService, chainer, fail, kwallet, libsecret
from keyring.credentials import SimpleCredential

import tresor

# Above keyring's ChainerBackend (10 when it has two backends to chain).
_ALONE = 11


def _keychain_in_session():
    return SecretService.Keyring.viable or kwallet.DBusKeyring.viable


def _fallbacks():
    """What keyring's chainer would ask besides tresor, in its order, without
    the Secret Service backends (there is no Secret Service to answer)."""
    skip = (
        TresorKeyring,
        chainer.ChainerBackend,
        fail.Keyring,
        libsecret.Keyring,
        SecretService.Keyring,
    )
    limit = backend._limit or bool
    rings = [
        k
        for k in backend.get_all_keyring()
        if not isinstance(k, skip) and limit(k) and k.priority > 0
    ]
    return sorted(rings, key=backend.by_priority, reverse=True)


class TresorKeyring(KeyringBackend):
    """tresor's backend chain: vault, Secret Service, kernel keyring..."""

    config = None

    @properties.classproperty
    def priority(cls):
        tresor.version()  # raises LibraryNotFoundError: keyring then skips us
        if SecretService.Keyring.viable:
            return 4.5
        return 4.85 if kwallet.DBusKeyring.viable else _ALONE

    def __init__(self):
        super().__init__()
        self._lock = threading.Lock()
        self._opened = None  # (config, Store): a copy by with_properties may change config
        self._alone = None  # picked above the chainer: a miss asks _fallbacks()

    def _store(self):
        with self._lock:
            if self._opened is None or self._opened[0] != self.config:
                self._opened = (self.config, tresor.Store(self.config))
            return self._opened[1]

    def _from_tresor_or_others(self, read, ask):
        """read(store) from tresor's chain; on a miss, ask(backend) of the
        other backends in turn, when keyring picked tresor alone."""
        found = self._read(read)
        if found is not None:
            return found
        if self._alone is None:
            self._alone = not _keychain_in_session()
        for other in _fallbacks() if self._alone else []:
            found = ask(other)
            if found is not None:
                return found
        return None

    def _read(self, read):
        try:
            return read(self._store())
        except tresor.LockedError as e:
            raise errors.KeyringLocked(str(e)) from None
        except tresor.Error as e:
            raise errors.KeyringError(str(e)) from None

    def get_password(self, service, username):
        return self._from_tresor_or_others(
            lambda store: store.get(service, username),
            lambda other: other.get_password(service, username),
        )

    def get_credential(self, service, username):
        """The credential of `username`, or without one (pip asks so for an
        index URL without a user name) the service's most recently updated
        entry."""
        if username is not None:
            password = self.get_password(service, username)
            return SimpleCredential(username, password) if password is not None else None
        return self._from_tresor_or_others(
            lambda store: _newest_credential(store, service),
            lambda other: other.get_credential(service, None),
        )

    def set_password(self, service, username, password):
        try:
            self._store().set(service, username, password)
        except tresor.LockedError as e:
            raise errors.KeyringLocked(str(e)) from None
        except tresor.Error as e:
            raise errors.PasswordSetError(str(e)) from None

    def delete_password(self, service, username):
        try:
            removed = self._store().delete(service, username)
        except tresor.Error as e:
            raise errors.PasswordDeleteError(str(e)) from None
        if not removed:
            raise errors.PasswordDeleteError("no such password")


_NEVER = datetime.datetime.min.replace(tzinfo=datetime.timezone.utc)


def _newest_credential(store, service):
    entries = store.list(service)
    # An entry may go between list() and get(): the next newest answers.
    for entry in sorted(entries, key=lambda e: e.updated_at or _NEVER, reverse=True):
        password = store.get(service, entry.name)
        if password is not None:
            return SimpleCredential(entry.name, password)
    return None
