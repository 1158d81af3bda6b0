"""libtresor's C API (include/tresor/tresor.h) through ctypes.

The library is found the same way every time: $TRESOR_LIBRARY when set (an
absolute path, as the tests set it to the build tree's libtresor.so), else
the installed libtresor.so.0 through the dynamic loader's usual search. It is
loaded once per process, on first use, so importing tresor never fails.

A library named by $TRESOR_LIBRARY is judged as tresor judges a plugin: on
the descriptor that is then loaded (/proc/self/fd/N), a regular file owned
by root or by this user and writable by nobody else, so a planted or
swapped file is refused, never run. The descriptor stays open: libtresor
finds its own file through it (to use a build tree's plugins).
"""

import ctypes
import os
import stat
import threading

from tresor.errors import LibraryNotFoundError

DEFAULT_LIBRARY = "libtresor.so.0"


class ErrorStruct(ctypes.Structure):
    """tresor_error: a status and a message that never holds a value."""

    _fields_ = [("code", ctypes.c_int), ("message", ctypes.c_char * 512)]


class EntryStruct(ctypes.Structure):
    """tresor_entry (include/tresor/plugin.h), as tresor_list_next fills it."""

    _fields_ = [
        ("struct_size", ctypes.c_uint32),
        ("service", ctypes.c_char_p),
        ("name", ctypes.c_char_p),
        ("id", ctypes.c_char_p),
        ("type", ctypes.c_uint32),
        ("label", ctypes.c_char_p),
        ("description", ctypes.c_char_p),
        ("created_at", ctypes.c_int64),
        ("updated_at", ctypes.c_int64),
        ("last_used_at", ctypes.c_int64),
        ("expires_at", ctypes.c_int64),
        ("attributes", ctypes.c_char_p),
    ]


class SetOptionsStruct(ctypes.Structure):
    """tresor_set_options."""

    _fields_ = [
        ("type", ctypes.c_uint32),
        ("label", ctypes.c_char_p),
        ("description", ctypes.c_char_p),
        ("expires_at", ctypes.c_int64),
    ]


class HttpHeaderStruct(ctypes.Structure):
    """tresor_http_header."""

    _fields_ = [("name", ctypes.c_char_p), ("value", ctypes.c_char_p)]


class HttpRequestStruct(ctypes.Structure):
    """tresor_http_request."""

    _fields_ = [
        ("struct_size", ctypes.c_uint32),
        ("method", ctypes.c_char_p),
        ("url", ctypes.c_char_p),
        ("headers", ctypes.POINTER(HttpHeaderStruct)),
        ("header_count", ctypes.c_size_t),
        ("body", ctypes.c_char_p),
        ("body_length", ctypes.c_size_t),
        ("timeout_ms", ctypes.c_uint32),
        ("max_response_bytes", ctypes.c_uint64),
    ]


_status = ctypes.c_int
_pointer = ctypes.c_void_p

# name: (restype, argtypes). Out-parameters and structs are passed as
# c_void_p (with ctypes.byref), not POINTER(T): ctypes checks a POINTER(T)
# argument's type on every call, about a microsecond of a get, while c_void_p
# still refuses anything that is not a pointer. Values travel as c_void_p:
# the address of the caller's buffer going in, tresor's wiped-on-free buffer
# coming out.
_PROTOTYPES = {
    "tresor_open": (_status, [ctypes.c_char_p, _pointer, _pointer]),
    "tresor_close": (None, [_pointer]),
    "tresor_set": (
        _status,
        [_pointer, ctypes.c_char_p, ctypes.c_char_p, _pointer, ctypes.c_size_t, _pointer, _pointer],
    ),
    "tresor_set_credential": (
        _status,
        [
            _pointer,
            ctypes.c_char_p,
            ctypes.c_char_p,
            _pointer,
            ctypes.c_size_t,
            _pointer,
            ctypes.c_char_p,
            _pointer,
        ],
    ),
    "tresor_request": (
        _status,
        [_pointer, ctypes.c_char_p, ctypes.c_char_p, _pointer, _pointer, _pointer],
    ),
    "tresor_response_status": (ctypes.c_int, [_pointer]),
    "tresor_response_header": (
        ctypes.c_int,
        [_pointer, ctypes.c_size_t, _pointer, _pointer],
    ),
    "tresor_response_body": (_pointer, [_pointer, _pointer]),
    "tresor_response_redacted": (ctypes.c_int, [_pointer]),
    "tresor_response_free": (None, [_pointer]),
    "tresor_get": (
        _status,
        [_pointer, ctypes.c_char_p, ctypes.c_char_p, _pointer, _pointer, _pointer],
    ),
    "tresor_free_secret": (None, [_pointer, ctypes.c_size_t]),
    "tresor_remove": (_status, [_pointer, ctypes.c_char_p, ctypes.c_char_p, _pointer, _pointer]),
    "tresor_list_open": (_status, [_pointer, ctypes.c_char_p, _pointer, _pointer]),
    "tresor_list_next": (ctypes.POINTER(EntryStruct), [_pointer]),
    "tresor_list_free": (None, [_pointer]),
    "tresor_version": (ctypes.c_char_p, []),
}

# Python's own constructors, called on tresor's buffer: a get's str or bytes
# is built straight from the wiped-on-free memory, with no copy in between.
# ctypes.pythonapi keeps the GIL and raises what they raise (UnicodeDecodeError).
decode_utf8 = ctypes.pythonapi.PyUnicode_DecodeUTF8
decode_utf8.restype = ctypes.py_object
decode_utf8.argtypes = [_pointer, ctypes.c_ssize_t, ctypes.c_char_p]
bytes_from = ctypes.pythonapi.PyBytes_FromStringAndSize
bytes_from.restype = ctypes.py_object
bytes_from.argtypes = [_pointer, ctypes.c_ssize_t]

_lock = threading.Lock()
_library = None


def library_path():
    """Where the library is looked for: $TRESOR_LIBRARY, else the soname."""
    return os.environ.get("TRESOR_LIBRARY") or DEFAULT_LIBRARY


def _not_found(detail):
    return LibraryNotFoundError(
        f"tresor library not found: {detail}; install libtresor or set TRESOR_LIBRARY "
        "to the absolute path of libtresor.so"
    )


def _trusted_descriptor(path):
    """An open descriptor on `path` once its file passed the checks."""
    if not os.path.isabs(path):
        raise _not_found(f"refusing {path}: not an absolute path")
    try:
        fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC | os.O_NONBLOCK)
    except OSError as e:
        raise _not_found(f"{path}: {e.strerror}") from None
    info = os.fstat(fd)
    why = None
    if not stat.S_ISREG(info.st_mode):
        why = "not a regular file"
    elif info.st_uid not in (0, os.geteuid()):
        why = f"owned by uid {info.st_uid}, neither root nor you"
    elif info.st_mode & 0o022:
        why = f"writable by group or others (fix with: chmod go-w {path})"
    if why is not None:
        os.close(fd)
        raise _not_found(f"refusing {path}: {why}")
    return fd


def load_library():
    """The loaded library, with every prototype declared.

    Raises LibraryNotFoundError when it cannot be loaded or lacks a function.
    """
    global _library
    with _lock:
        if _library is None:
            path = library_path()
            fd = _trusted_descriptor(path) if path != DEFAULT_LIBRARY else None
            try:
                lib = ctypes.CDLL(path if fd is None else f"/proc/self/fd/{fd}")
                for name, (restype, argtypes) in _PROTOTYPES.items():
                    function = getattr(lib, name)
                    function.restype = restype
                    function.argtypes = argtypes
            except (OSError, AttributeError) as e:
                if fd is not None:
                    os.close(fd)
                raise _not_found(f"{path}: {e}") from None
            _library = lib
        return _library
