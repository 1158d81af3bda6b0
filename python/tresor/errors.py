"""The exceptions of the tresor package, one per C API status code.

Every exception carries the status (`code`) and tresor's message, which
names services, files and backends but never a secret value.
"""

import enum


class Status(enum.IntEnum):
    """tresor_status (include/tresor/status.h)."""

    OK = 0
    NOT_FOUND = 1
    UNAVAILABLE = 2
    LOCKED = 3
    AUTH_FAILED = 4
    CORRUPT = 5
    INVALID_ARGUMENT = 6
    IO = 7
    PERMISSION_DENIED = 8
    CONFIG = 9
    PLUGIN_ABI = 10
    INTERNAL = 11


class Error(Exception):
    """A tresor failure: `code` is a Status, `message` tresor's text."""

    def __init__(self, code, message):
        super().__init__(message)
        self.code = code
        self.message = message


class LibraryNotFoundError(Error):
    """libtresor.so could not be loaded ($TRESOR_LIBRARY or the installed one)."""

    def __init__(self, message):
        super().__init__(Status.UNAVAILABLE, message)


class UnavailableError(Error):
    """No backend of the chain is usable here."""


class LockedError(Error):
    """The serving backend is reachable but locked (no unlock source, locked keyring)."""


class AuthFailedError(Error):
    """A wrong password or key."""


class CorruptError(Error):
    """Stored data failed an integrity check."""


class InvalidArgumentError(Error, ValueError):
    """A bad service, name, value or option."""


class IOFailureError(Error):
    """The operating system refused a read or write."""


class PermissionDeniedError(Error):
    """File modes, ownership or access control refused the request."""


class ConfigError(Error):
    """The configuration is malformed or inconsistent."""


class PluginABIError(Error):
    """A plugin could not be loaded or speaks another ABI."""


class InternalError(Error):
    """A bug or an unexpected exception inside tresor."""


_BY_STATUS = {
    Status.UNAVAILABLE: UnavailableError,
    Status.LOCKED: LockedError,
    Status.AUTH_FAILED: AuthFailedError,
    Status.CORRUPT: CorruptError,
    Status.INVALID_ARGUMENT: InvalidArgumentError,
    Status.IO: IOFailureError,
    Status.PERMISSION_DENIED: PermissionDeniedError,
    Status.CONFIG: ConfigError,
    Status.PLUGIN_ABI: PluginABIError,
    Status.INTERNAL: InternalError,
}


def error_for(status, message):
    """The exception for a failing status (never OK or NOT_FOUND)."""
    try:
        code = Status(status)
    except ValueError:
        return InternalError(Status.INTERNAL, f"unknown status {status}: {message}")
    return _BY_STATUS.get(code, InternalError)(code, message)
