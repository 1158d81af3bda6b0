"""tresor.Store: get, set, delete and list over libtresor's C API.

Thread safety: one Store may be used from several threads at once (the C
store serializes each backend); close() must not race with other calls.

What is wiped: the value tresor hands back lives in tresor's wiped-on-free
memory and is freed (wiped) before get() returns; a value passed to set() as
a bytearray or writable memoryview is handed to C without a copy, and a
read-only buffer that is not bytes is copied into a ctypes buffer that is
wiped after the call. What Python cannot wipe: str and bytes objects are
immutable and freed by the garbage collector without being zeroed, so the
str or bytes that get() returns, the caller's own str or bytes given to
set(), and the UTF-8 encoding of a str value stay in the heap until reused.
get() and get_bytes() build their str or bytes straight from tresor's
buffer, with no copy between.
"""

import ctypes
import dataclasses
import datetime
import enum
import json
import os
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple, Union

from tresor import _library
from tresor.errors import Status, error_for, InvalidArgumentError

Value = Union[str, bytes, bytearray, memoryview]
_OK = int(Status.OK)
_NOT_FOUND = int(Status.NOT_FOUND)


class SecretType(enum.IntEnum):
    """tresor_secret_type (include/tresor/plugin.h)."""

    PASSWORD = 0
    API_KEY = 1
    BEARER_TOKEN = 2
    BASIC_AUTH = 3
    OAUTH2 = 4
    JWT = 5
    CUSTOM = 6


@dataclasses.dataclass(frozen=True)
class Entry:
    """One entry's metadata from list(); never its value. Times are UTC."""

    service: str
    name: str
    id: str
    type: SecretType
    label: str
    description: str
    created_at: Optional[datetime.datetime]
    updated_at: Optional[datetime.datetime]
    last_used_at: Optional[datetime.datetime]
    expires_at: Optional[datetime.datetime]
    # The credential's fields (docs/CREDENTIALS.md): username, origins, ...
    attributes: Dict[str, str] = dataclasses.field(default_factory=dict)


@dataclasses.dataclass(frozen=True)
class Response:
    """What Store.request() got back: redirects are not followed, and
    wherever the credential appeared it reads "[REDACTED]" (redacted=True)."""

    status: int
    headers: List[Tuple[str, str]]
    body: bytes
    redacted: bool

    def header(self, name: str) -> Optional[str]:
        """The first header of that name (any case), or None."""
        wanted = name.lower()
        return next((v for k, v in self.headers if k.lower() == wanted), None)

    def text(self) -> str:
        return self.body.decode("utf-8", "replace")

    def json(self) -> Any:
        return json.loads(self.body)


def _text(value, what):
    """A service or name as the NUL-terminated UTF-8 the C API reads."""
    if value is None:
        return None
    encoded = value.encode("utf-8") if isinstance(value, str) else bytes(value)
    # ctypes would silently cut the string at the first NUL.
    if b"\0" in encoded:
        raise InvalidArgumentError(Status.INVALID_ARGUMENT, f"{what} must not contain NUL bytes")
    return encoded


def _on_key(function, handle, service, name, *arguments):
    """function(handle, service, name, *arguments, &error) called: its status and error."""
    error = _library.ErrorStruct()
    status = function(
        handle, _text(service, "service"), _text(name, "name"), *arguments, ctypes.byref(error)
    )
    return status, error


def _decode_utf8(address, length):
    return _library.decode_utf8(address, length, None)


_UTC = datetime.timezone.utc
_LATEST = datetime.datetime.max.replace(tzinfo=_UTC)
_EARLIEST = datetime.datetime.min.replace(tzinfo=_UTC)


_EPOCH = datetime.datetime(1970, 1, 1, tzinfo=_UTC)
_SECOND = datetime.timedelta(seconds=1)


def _unix_seconds(when):
    """Whole Unix seconds, exactly: timestamp() is a float, which rounds
    9999-12-31T23:59:59.999999 up into year 10000. A naive datetime is local
    time, as timestamp() reads it."""
    return (when.astimezone(_UTC) - _EPOCH) // _SECOND


def _time(seconds):
    """Unix seconds as an aware datetime in UTC. A time past datetime's range
    (after 9999-12-31, such as INT64_MAX seconds) is its latest one."""
    if seconds == 0:
        return None
    if seconds >= int(_LATEST.timestamp()):
        return _LATEST
    if seconds <= int(_EARLIEST.timestamp()):
        return _EARLIEST
    return datetime.datetime.fromtimestamp(seconds, _UTC)


def _decoded(raw):
    return raw.decode("utf-8", "replace") if raw is not None else ""


def _raise(status, error):
    raise error_for(status, error.message.decode("utf-8", "replace"))


class Store:
    """A tresor store: the CLI's config ($TRESOR_CONFIG, ~/.config/tresor,
    /etc/tresor, docs/CONFIG.md) unless `config` names a file.

    A missing secret is None from get(), False from delete(); every failure
    is a tresor.Error subclass carrying tresor's status and message.
    """

    def __init__(self, config: Optional[Union[str, os.PathLike]] = None):
        self._lib = _library.load_library()
        self._handle = ctypes.c_void_p()
        error = _library.ErrorStruct()
        path = _text(os.fsencode(config), "config path") if config is not None else None
        status = self._lib.tresor_open(path, ctypes.byref(self._handle), ctypes.byref(error))
        if status != Status.OK:
            _raise(status, error)

    def close(self) -> None:
        """Closes the store; later calls raise. Closing twice is harmless."""
        if self._handle:
            self._lib.tresor_close(self._handle)
            self._handle = ctypes.c_void_p()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __del__(self):
        if getattr(self, "_handle", None):
            self.close()

    def _open_handle(self):
        if not self._handle:
            raise InvalidArgumentError(Status.INVALID_ARGUMENT, "the store is closed")
        return self._handle

    def _get(self, service, name, build):
        handle = self._open_handle()
        value = ctypes.c_void_p()
        length = ctypes.c_size_t()
        status, error = _on_key(
            self._lib.tresor_get, handle, service, name, ctypes.byref(value), ctypes.byref(length)
        )
        if status != _OK:  # plain ints: comparing Status members costs more
            if status == _NOT_FOUND:
                return None
            _raise(status, error)
        try:
            return build(value, length.value)
        finally:
            self._lib.tresor_free_secret(value, length)

    def get(self, service: Optional[str], name: str) -> Optional[str]:
        """The secret as text (UTF-8; invalid bytes raise UnicodeDecodeError),
        or None when there is none. service None or "": the config's default."""
        return self._get(service, name, _decode_utf8)

    def get_bytes(self, service: Optional[str], name: str) -> Optional[bytes]:
        """The secret's bytes, or None when there is none."""
        return self._get(service, name, _library.bytes_from)

    def set(
        self,
        service: Optional[str],
        name: str,
        value: Value,
        *,
        type: SecretType = SecretType.PASSWORD,
        label: str = "",
        description: str = "",
        expires_at: Optional[datetime.datetime] = None,
        attributes: Optional[Mapping[str, str]] = None,
        origins: Optional[Sequence[str]] = None,
    ) -> None:
        """Stores or replaces a secret: str (stored as UTF-8) or bytes-like.

        attributes: a typed credential's fields ({"username": "alice"},
        docs/CREDENTIALS.md); origins: where request() may send it
        (["https://api.example.com"]), stored as the "origins" field."""
        handle = self._open_handle()
        options = _library.SetOptionsStruct(
            int(type),
            _text(label, "label"),
            _text(description, "description"),
            _unix_seconds(expires_at) if expires_at is not None else 0,
        )
        wipe = None
        if isinstance(value, str):
            data = value.encode("utf-8")
            address, size = data, len(data)
        elif isinstance(value, bytes):
            address, size = value, len(value)
        else:
            view = memoryview(value).cast("B")
            size = view.nbytes
            if view.readonly:
                wipe = (ctypes.c_char * size).from_buffer_copy(view)
                buffer = wipe
            else:
                buffer = (ctypes.c_char * size).from_buffer(view)
            address = ctypes.addressof(buffer)
        fields = dict(attributes or {})
        if origins is not None:
            fields["origins"] = " ".join(origins)
        fields_json = _text(json.dumps(fields), "attributes") if fields else None
        try:
            status, error = _on_key(
                self._lib.tresor_set_credential,
                handle,
                service,
                name,
                address,
                size,
                ctypes.byref(options),
                fields_json,
            )
        finally:
            if wipe is not None:
                ctypes.memset(wipe, 0, size)
        if status != Status.OK:
            _raise(status, error)

    def delete(self, service: Optional[str], name: str) -> bool:
        """Removes a secret: True when one was removed, False when there was none."""
        handle = self._open_handle()
        removed = ctypes.c_int()
        status, error = _on_key(
            self._lib.tresor_remove, handle, service, name, ctypes.byref(removed)
        )
        if status != Status.OK:
            _raise(status, error)
        return removed.value == 1

    def list(self, service: Optional[str] = None) -> List[Entry]:
        """The entries of `service`, or of every service: metadata only."""
        handle = self._open_handle()
        listing = ctypes.c_void_p()
        error = _library.ErrorStruct()
        status = self._lib.tresor_list_open(
            handle, _text(service, "service"), ctypes.byref(listing), ctypes.byref(error)
        )
        if status != Status.OK:
            _raise(status, error)
        entries = []
        try:
            while True:
                entry = self._lib.tresor_list_next(listing)
                if not entry:
                    return entries
                e = entry.contents
                entries.append(
                    Entry(
                        service=_decoded(e.service),
                        name=_decoded(e.name),
                        id=_decoded(e.id),
                        type=SecretType(e.type) if e.type in SecretType._value2member_map_ else SecretType.CUSTOM,
                        label=_decoded(e.label),
                        description=_decoded(e.description),
                        created_at=_time(e.created_at),
                        updated_at=_time(e.updated_at),
                        last_used_at=_time(e.last_used_at),
                        expires_at=_time(e.expires_at),
                        attributes=json.loads(e.attributes) if e.attributes else {},
                    )
                )
        finally:
            self._lib.tresor_list_free(listing)


    def request(
        self,
        service: Optional[str],
        name: str,
        url: str,
        *,
        method: str = "GET",
        headers: Optional[Union[Mapping[str, str], Sequence[Tuple[str, str]]]] = None,
        body: Optional[Union[str, bytes]] = None,
        timeout: float = 30.0,
        max_response_bytes: Optional[int] = None,
    ) -> Optional[Response]:
        """An HTTP request made by tresor with the credential's header added,
        sent only to one of the credential's origins; the caller never sees
        the value. None when there is no such credential. Raises
        PermissionDeniedError (no origins, another origin), InvalidArgumentError
        (a refused URL, method or header), IOFailureError (unreachable, TLS,
        timeout, too large). docs/CREDENTIALS.md, "Requests"."""
        handle = self._open_handle()
        pairs = list(headers.items()) if isinstance(headers, Mapping) else list(headers or [])
        header_array = (_library.HttpHeaderStruct * max(len(pairs), 1))()
        for i, (key, value) in enumerate(pairs):
            header_array[i].name = _text(key, "header name")
            header_array[i].value = _text(value, "header value")
        data = body.encode("utf-8") if isinstance(body, str) else bytes(body or b"")
        if not 0 < timeout <= 600:
            raise InvalidArgumentError(Status.INVALID_ARGUMENT, "timeout must be 0 to 600 seconds")
        request = _library.HttpRequestStruct(
            ctypes.sizeof(_library.HttpRequestStruct),
            _text(method, "method"),
            _text(url, "url"),
            header_array,
            len(pairs),
            data,
            len(data),
            max(1, int(timeout * 1000)),
            max_response_bytes or 0,
        )
        response = ctypes.c_void_p()
        status, error = _on_key(
            self._lib.tresor_request,
            handle,
            service,
            name,
            ctypes.byref(request),
            ctypes.byref(response),
        )
        if status != _OK:
            if status == _NOT_FOUND:
                return None
            _raise(status, error)
        try:
            out_headers = []
            key, value = ctypes.c_char_p(), ctypes.c_char_p()
            while self._lib.tresor_response_header(
                response, len(out_headers), ctypes.byref(key), ctypes.byref(value)
            ):
                out_headers.append((_decoded(key.value), _decoded(value.value)))
            length = ctypes.c_size_t()
            address = self._lib.tresor_response_body(response, ctypes.byref(length))
            return Response(
                status=self._lib.tresor_response_status(response),
                headers=out_headers,
                body=ctypes.string_at(address, length.value),
                redacted=bool(self._lib.tresor_response_redacted(response)),
            )
        finally:
            self._lib.tresor_response_free(response)


def version() -> str:
    """The loaded libtresor's version, e.g. "0.1.0"."""
    return _library.load_library().tresor_version().decode()
