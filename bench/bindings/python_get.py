"""The same get as c_api_get.c through the Python package (tresor.Store.get
and get_bytes), in a process of its own. Prints {"get": ns, "get_bytes": ns,
"ctypes_call": ns}: medians of 5 runs of CALLS calls; ctypes_call is one
ctypes call of a C function that does nothing (tresor_free_secret(NULL, 0)),
the floor of any ctypes binding.
usage: python_get.py CALLS (PYTHONPATH: the staged package; TRESOR_LIBRARY)"""

import json
import os
import statistics
import sys
import tempfile
import time

import tresor
from tresor import _library

VALUE = "0123456789012345678901234567890123456789"


def median_ns(function, calls):
    for _ in range(calls // 10):
        function()
    runs = []
    for _ in range(5):
        start = time.perf_counter_ns()
        for _ in range(calls):
            function()
        runs.append((time.perf_counter_ns() - start) / calls)
    return statistics.median(runs)


def main():
    calls = int(sys.argv[1])
    with tempfile.TemporaryDirectory() as folder:
        config = os.path.join(folder, "config.toml")
        with open(config, "w") as f:
            f.write('chain = ["memory"]\n[backend.memory]\nplugin = "memory"\n')
        store = tresor.Store(config)
    store.set("bench", "token", VALUE)
    assert store.get("bench", "token") == VALUE
    free = _library.load_library().tresor_free_secret
    print(
        json.dumps(
            {
                "get": median_ns(lambda: store.get("bench", "token"), calls),
                "get_bytes": median_ns(lambda: store.get_bytes("bench", "token"), calls),
                "ctypes_call": median_ns(lambda: free(None, 0), calls),
            }
        )
    )


main()
