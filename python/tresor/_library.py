"""libtresor's C API (include/tresor/tresor.h) through ctypes.

The library is found the same way every time: $TRESOR_LIBRARY when set (a
path, as the tests set it to the build tree's libtresor.so), else the
installed libtresor.so.0 through the dynamic loader's usual search. It is
loaded once per process, on first use, so importing tresor never fails.
"""

import ctypes
import os
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
    ]


class SetOptionsStruct(ctypes.Structure):
    """tresor_set_options."""

    _fields_ = [
        ("type", ctypes.c_uint32),
        ("label", ctypes.c_char_p),
        ("description", ctypes.c_char_p),
        ("expires_at", ctypes.c_int64),
    ]


_status = ctypes.c_int
_handle = ctypes.c_void_p
_error_p = ctypes.POINTER(ErrorStruct)

# name: (restype, argtypes). Values travel as c_void_p: the address of the
# caller's buffer going in, tresor's wiped-on-free buffer coming out.
_PROTOTYPES = {
    "tresor_open": (_status, [ctypes.c_char_p, ctypes.POINTER(_handle), _error_p]),
    "tresor_close": (None, [_handle]),
    "tresor_set": (
        _status,
        [
            _handle,
            ctypes.c_char_p,
            ctypes.c_char_p,
            ctypes.c_void_p,
            ctypes.c_size_t,
            ctypes.POINTER(SetOptionsStruct),
            _error_p,
        ],
    ),
    "tresor_get": (
        _status,
        [
            _handle,
            ctypes.c_char_p,
            ctypes.c_char_p,
            ctypes.POINTER(ctypes.c_void_p),
            ctypes.POINTER(ctypes.c_size_t),
            _error_p,
        ],
    ),
    "tresor_free_secret": (None, [ctypes.c_void_p, ctypes.c_size_t]),
    "tresor_remove": (
        _status,
        [_handle, ctypes.c_char_p, ctypes.c_char_p, ctypes.POINTER(ctypes.c_int), _error_p],
    ),
    "tresor_list_open": (
        _status,
        [_handle, ctypes.c_char_p, ctypes.POINTER(_handle), _error_p],
    ),
    "tresor_list_next": (ctypes.POINTER(EntryStruct), [_handle]),
    "tresor_list_free": (None, [_handle]),
    "tresor_version": (ctypes.c_char_p, []),
}

_lock = threading.Lock()
_library = None


def library_path():
    """Where the library is looked for: $TRESOR_LIBRARY, else the soname."""
    return os.environ.get("TRESOR_LIBRARY") or DEFAULT_LIBRARY


def load_library():
    """The loaded library, with every prototype declared.

    Raises LibraryNotFoundError when it cannot be loaded or lacks a function.
    """
    global _library
    with _lock:
        if _library is None:
            path = library_path()
            try:
                lib = ctypes.CDLL(path)
                for name, (restype, argtypes) in _PROTOTYPES.items():
                    function = getattr(lib, name)
                    function.restype = restype
                    function.argtypes = argtypes
            except (OSError, AttributeError) as e:
                raise LibraryNotFoundError(
                    f"tresor library not found: {path}: {e}; install libtresor or set "
                    "TRESOR_LIBRARY to the path of libtresor.so"
                ) from None
            _library = lib
        return _library
