"""Runs every fenced snippet of README.md as written, in order, the way a
reader who typed them would (issue 22, finding 12): a doctest for a README.

Started by readme_snippets_test.sh in a private mount namespace (a tmpfs on
/usr/local, /etc behind an overlay, so `cmake --install` and `ldconfig` stay
private) inside with_keyring.sh (a private D-Bus session with a real
gnome-keyring, and a scratch HOME). The working folder is a scratch checkout:
the sources' scripts/ and README.md, a copy of python/ (pip builds in it),
and build/ as the build tree.

A comment line right before a fence steers it:
  <!-- snippet: skip: REASON -->             not run (the reason is printed)
  <!-- snippet: config -->                   the config the snippets use, put
                                             at ~/.config/tresor/config.toml first
  <!-- snippet: run with PROGRAM -->         run the code with PROGRAM -c
  <!-- snippet: run in FOLDER -->            run it from FOLDER (~ expanded)
Otherwise by language: sh in bash -e -o pipefail; cpp compiled with
pkg-config as the body of main() (its #include lines above) and run; cmake
as the CMakeLists.txt of a project whose app.cpp is that cpp snippet; js with
node.

The placeholders a reader supplies: $TOKEN, $PASSWORD and
$TRESOR_VAULT_PASSWORD, a .env file for `tresor import`, a key file and a
./server that checks what `tresor exec` handed it, and
https://api.example.com/, which becomes a loopback server recording the
Authorization header it is sent. pip and npm run offline (PIP_NO_INDEX,
npm's offline mode): the README's install commands must need no download.
"""

import base64
import http.server
import os
import pathlib
import re
import shutil
import signal
import subprocess
import sys
import threading

SOURCE = pathlib.Path(sys.argv[1])
BUILD = pathlib.Path(sys.argv[2])
HOME = pathlib.Path(os.environ["HOME"])
PLACEHOLDER_ENV = {
    "TOKEN": "ghp_readmeExampleToken",
    "PASSWORD": "open sesame",
    "TRESOR_VAULT_PASSWORD": "readme vault password",
}


class Recorder(http.server.BaseHTTPRequestHandler):
    authorization = []

    def do_GET(self):
        self.authorization.append(self.headers.get("Authorization"))
        self.send_response(200)
        self.send_header("Content-Length", "3")
        self.end_headers()
        self.wfile.write(b"ok\n")

    def log_message(self, *args):
        pass


def snippets(text):
    """(line, language, code, directive) of each fenced block."""
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        fence = re.match(r"^```(\w+)$", lines[i])
        if not fence:
            i += 1
            continue
        directive = ""
        if i > 0:
            m = re.match(r"^<!-- snippet: (.*) -->$", lines[i - 1]) or (
                i > 1 and re.match(r"^<!-- snippet: (.*) -->$", lines[i - 2])
            )
            if m:
                directive = m.group(1)
        end = lines.index("```", i + 1)
        yield i + 1, fence.group(1), "\n".join(lines[i + 1 : end]) + "\n", directive
        i = end + 1


def run(args, cwd, what, input=None):
    process = subprocess.Popen(
        args,
        cwd=cwd,
        stdin=subprocess.PIPE if input is not None else subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        out, _ = process.communicate(input, timeout=300)
    finally:
        try:  # what the snippet left running (tresor serve &)
            os.killpg(process.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
    if process.returncode != 0:
        print(out)
        sys.exit(f"README snippet at {what} failed with exit status {process.returncode}")
    return out


def wrap_cpp(code):
    includes = [l for l in code.splitlines() if l.startswith("#include")]
    body = [l for l in code.splitlines() if not l.startswith("#include")]
    return "\n".join(includes + ["", "int main() {"] + ["    " + l for l in body] + ["}", ""])


def main():
    checkout = HOME / "checkout"
    checkout.mkdir()
    for name in ("scripts", "README.md"):
        (checkout / name).symlink_to(SOURCE / name)
    shutil.copytree(SOURCE / "python", checkout / "python", ignore=shutil.ignore_patterns("build", "*.egg-info"))
    (checkout / "build").symlink_to(BUILD)
    (checkout / ".env").write_text("DB_URL=postgres://app@db.example/app\n")
    key = "-----BEGIN PRIVATE KEY-----\nreadme example\n-----END PRIVATE KEY-----\n"
    (checkout / "tls-key.pem").write_text(key)
    program = checkout / "server"
    program.write_text(f"""#!/bin/bash
[[ $APP_API_KEY == "{PLACEHOLDER_ENV['TOKEN']}" ]] || {{ echo "APP_API_KEY is '$APP_API_KEY'"; exit 1; }}
[[ $TLS_KEY == /proc/self/fd/* && $(cat "$TLS_KEY"; echo .) == "{key}." ]] || {{ echo "TLS_KEY: $TLS_KEY"; exit 1; }}
""")
    program.chmod(0o755)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/"

    os.environ.update(PLACEHOLDER_ENV)
    # Offline, as the README promises: pip may not reach an index, npm no
    # registry (a folder needs neither).
    os.environ.update(PIP_NO_INDEX="1", PIP_CONFIG_FILE=os.devnull, npm_config_offline="true",
                      npm_config_audit="false", npm_config_fund="false")
    os.environ["PATH"] = "/usr/local/bin:/usr/bin:/bin:/usr/local/sbin:/usr/sbin:/sbin"
    for variable in ("TRESOR_CONFIG", "TRESOR_BACKEND", "TRESOR_LIBRARY", "TRESOR_PLUGIN_PATH",
                     "LD_LIBRARY_PATH", "PYTHONPATH", "XDG_RUNTIME_DIR"):
        os.environ.pop(variable, None)

    blocks = list(snippets((SOURCE / "README.md").read_text()))
    for line, language, code, directive in blocks:
        if directive == "config":
            config = pathlib.Path(os.environ["XDG_CONFIG_HOME"]) / "tresor" / "config.toml"
            config.parent.mkdir(parents=True, exist_ok=True)
            config.write_text(code)
            config.chmod(0o600)
    ran = skipped = 0
    cpp = None
    for line, language, code, directive in blocks:
        what = f"README.md:{line} ({language})"
        if directive.startswith("skip:"):
            print(f"skip - {what}: {directive[5:].strip()}")
            skipped += 1
            continue
        code = code.replace("https://api.example.com/", url)
        cwd = checkout
        m = re.match(r"run in (.*)", directive)
        if m:
            cwd = pathlib.Path(os.path.expanduser(m.group(1)))
        m = re.match(r"run with (.*)", directive)
        if directive == "config":
            run(["tresor", "--config", str(config), "backends"], cwd, what)
        elif m:
            run([os.path.expanduser(m.group(1)), "-c", code], cwd, what)
        elif language == "sh":
            Recorder.authorization.clear()
            run(["bash", "-e", "-o", "pipefail", "-c", code], cwd, what)
            if url in code:
                expected = "Basic " + base64.b64encode(b"alice:" + PLACEHOLDER_ENV["PASSWORD"].encode()).decode()
                if Recorder.authorization != [expected]:
                    sys.exit(f"{what}: the server got {Recorder.authorization}, not [{expected}]")
        elif language == "cpp":
            cpp = wrap_cpp(code)
            (HOME / "app.cpp").write_text(cpp)
            run(["bash", "-c", "g++ -std=c++20 app.cpp -o app $(pkg-config --cflags --libs tresor) && ./app"], HOME, what)
        elif language == "cmake":
            project = HOME / "cmake-app"
            project.mkdir()
            (project / "app.cpp").write_text(cpp)
            (project / "CMakeLists.txt").write_text(
                "cmake_minimum_required(VERSION 3.25)\nproject(app LANGUAGES CXX)\n"
                "set(CMAKE_CXX_STANDARD 20)\nadd_executable(app app.cpp)\n" + code)
            run(["bash", "-c", "cmake -S . -B b > /dev/null && cmake --build b > /dev/null && b/app"], project, what)
        elif language == "js":
            (cwd / "readme_snippet.js").write_text(code)
            run(["node", "readme_snippet.js"], cwd, what)
        else:
            sys.exit(f"{what}: no way to run a {language} snippet; mark it <!-- snippet: skip: ... -->")
        print(f"ok - {what}")
        ran += 1
    # What pip left in the checkout's python/ must be ignored by git.
    copy = checkout / "python"
    made = [p.relative_to(checkout) for p in copy.rglob("*")
            if p.is_file() and not (SOURCE / p.relative_to(checkout)).exists()]
    for path in made:
        if subprocess.run(["git", "-C", str(SOURCE), "check-ignore", "-q", "--no-index", str(path)]).returncode != 0:
            sys.exit(f"pip left {path} in the checkout, and .gitignore does not ignore it")
    print(f"ok - the {len(made)} files pip left in python/ are ignored by git")
    print(f"README snippets: {ran} ran, {skipped} skipped, all passed")


main()
