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
