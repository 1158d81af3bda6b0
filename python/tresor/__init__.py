"""tresor: the tresor secret store from Python (a ctypes binding of libtresor).

    import tresor
    store = tresor.Store()                      # the CLI's config
    store.set("my-app", "api-key", "sk_live_...")
    token = store.get("my-app", "api-key")      # str, or None
    store.delete("my-app", "api-key")           # True when it was there

    store.set("stripe", "live", "sk_live_...", type=tresor.SecretType.API_KEY,
              origins=["https://api.stripe.com"])
    r = store.request("stripe", "live", "https://api.stripe.com/v1/charges")
    r.status, r.json()                          # the key itself never comes back

tresor.keyring_backend.TresorKeyring is a backend for the keyring package.
"""

from tresor.errors import (
    AuthFailedError,
    ConfigError,
    CorruptError,
    Error,
    InternalError,
    InvalidArgumentError,
    IOFailureError,
    LibraryNotFoundError,
    LockedError,
    PermissionDeniedError,
    PluginABIError,
    Status,
    UnavailableError,
)
from tresor.store import Entry, Response, SecretType, Store, version

__all__ = [
    "AuthFailedError",
    "ConfigError",
    "CorruptError",
    "Entry",
    "Error",
    "InternalError",
    "InvalidArgumentError",
    "IOFailureError",
    "LibraryNotFoundError",
    "LockedError",
    "PermissionDeniedError",
    "PluginABIError",
    "Response",
    "SecretType",
    "Status",
    "Store",
    "UnavailableError",
    "version",
]
