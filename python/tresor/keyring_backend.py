"""tresor as a backend of the `keyring` package (entry point keyring.backends).

Priority: below a working Secret Service, above everything that is left on
a machine without one. With a Secret Service answering on the session bus
(keyring's own SecretService backend is viable) tresor's backend says 4.5:
below SecretService (5), KWallet (4.9) and libsecret (4.8), so a desktop
session keeps its keychain. Without one it says 4.85: still below KWallet
(which checks its daemon), but above keyring's libsecret backend, which
claims 4.8 whenever its GObject bindings are installed, even with no bus to
talk to, and then fails every call; and far above the fail backend (0) and
keyrings.alt's plaintext files (0.5 and below). keyring's own config says
otherwise where wanted: `default-keyring = tresor.keyring_backend.TresorKeyring`
in keyringrc.cfg, or PYTHON_KEYRING_BACKEND with the same name. Without
libtresor the backend is not viable (its priority raises), as keyring expects.

keyring's service is tresor's service, its username tresor's name. The
store is tresor's config (docs/CONFIG.md) unless the backend property
`config` names a file (KEYRING_PROPERTY_CONFIG=/path/config.toml).
"""

import threading

from jaraco.classes import properties
from keyring import errors
from keyring.backend import KeyringBackend
from keyring.backends import SecretService

import tresor


class TresorKeyring(KeyringBackend):
    """tresor's backend chain: vault, Secret Service, kernel keyring..."""

    config = None

    @properties.classproperty
    def priority(cls):
        tresor.version()  # raises LibraryNotFoundError: keyring then skips us
        return 4.5 if SecretService.Keyring.viable else 4.85

    def __init__(self):
        super().__init__()
        self._lock = threading.Lock()
        self._opened = None  # (config, Store): a copy by with_properties may change config

    def _store(self):
        with self._lock:
            if self._opened is None or self._opened[0] != self.config:
                self._opened = (self.config, tresor.Store(self.config))
            return self._opened[1]

    def get_password(self, service, username):
        try:
            return self._store().get(service, username)
        except tresor.LockedError as e:
            raise errors.KeyringLocked(str(e)) from None
        except tresor.Error as e:
            raise errors.KeyringError(str(e)) from None

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
