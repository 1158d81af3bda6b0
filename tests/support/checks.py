"""The counting checks the python integration tests share: a failed check
prints what failed and the test goes on, so one run names every failure;
finish() prints "N passed, M failed" (the line ctest and a reader look
for) and exits 1 when any failed."""
import subprocess
import sys

passed = failed = 0


def check(what, ok, detail=""):
    global passed, failed
    if ok:
        passed += 1
    else:
        failed += 1
        print(f"FAIL: {what} {detail}", file=sys.stderr)


def tresor_runner(tresor, config, env):
    """run(*args, stdin=b"") for one test: the tresor binary with its
    --config and environment, output captured, a minute at the most."""
    def run(*args, stdin=b""):
        return subprocess.run([tresor, "--config", config, *args], input=stdin,
                              capture_output=True, env=env, timeout=60)
    return run


def finish():
    print(f"{passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)
