"""Runs the bindings' benchmarks (scripts/bench does, after tresor_bench) and
prints their table: a get through the Python and the Node package beside the
same get through libtresor's C API, measured in this run, on the memory
backend, each in a process of its own.
usage: run.py BUILD_DIR [--quick]   (also writes BUILD_DIR/bindings.md)"""

import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def run(command, env):
    out = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if out.returncode != 0:
        sys.exit(f"bindings bench: {command[0]} failed: {out.stderr.strip()}")
    return json.loads(out.stdout)


def row(measure, ns, reference_ns, goal_us=None):
    overhead_us = (ns - reference_ns) / 1000
    met = "" if goal_us is None else ("yes" if overhead_us <= goal_us else "**no**")
    goal = "" if goal_us is None else f"≤ {goal_us:g} µs"
    return (
        f"| {measure} | {ns / 1000:.2f} µs | C API get, {reference_ns / 1000:.2f} µs "
        f"| {overhead_us:+.2f} µs | {goal} | {met} |"
    )


def main():
    build = os.path.abspath(sys.argv[1])
    quick = "--quick" in sys.argv[2:]
    calls = 6400 if quick else 64000
    env = dict(
        os.environ,
        TRESOR_LIBRARY=os.path.join(build, "core", "libtresor.so"),
        PYTHONPATH=os.path.join(build, "python"),
        PYTHONDONTWRITEBYTECODE="1",
        TRESOR_NODE_PACKAGE=os.path.join(build, "node"),
    )
    c = run([os.path.join(build, "bench", "bench_c_api_get"), str(calls)], env)["ns_per_call"]
    py = run(["/usr/bin/python3", os.path.join(HERE, "python_get.py"), str(calls)], env)
    node = run(["node", os.path.join(HERE, "node_get.js"), str(calls // 4)], env)
    lines = [
        "| measure | binding | reference | overhead per call | goal | met? |",
        "|---|---|---|---|---|---|",
        row("Python `Store.get` (str), memory backend", py["get"], c, 3),
        row("Python `Store.get_bytes`", py["get_bytes"], c),
        row("Node `await secrets.get`, one at a time", node["sequential"], c, 5),
        row("Node `secrets.get`, 64 in flight (per call)", node["concurrent"], c),
        "",
        f"Floors measured in the same run: one ctypes call of a C function that does "
        f"nothing, {py['ctypes_call']:.0f} ns (a Python get makes two ctypes calls); one "
        f"awaited call on libuv's thread pool that does nothing (crypto.randomFill of one "
        f"byte), {node['pool'] / 1000:.2f} µs.",
    ]
    table = "\n".join(lines) + "\n"
    print(table)
    with open(os.path.join(build, "bindings.md"), "w") as f:
        f.write(table)


main()
