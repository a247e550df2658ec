"""Run a real, throwaway Neo4j 5.26 LTS Community server for tests and local work.

There is no Docker and no tarball download here, only Maven Central. So the
server jars come from Maven (``tools/neo4j/pom.xml``), and the server is started
straight from its main class with ``java -cp``, bound to a free loopback port with
only Bolt enabled. POSIX only: the server runs in its own process group.

Library use::

    from tools.neo4j_local import running_neo4j

    with running_neo4j() as server:
        driver = neo4j.GraphDatabase.driver(server.uri, auth=(server.user, server.password))

Command line::

    python -m tools.neo4j_local fetch   # only download the jars into the cache
    python -m tools.neo4j_local run     # start, print NEO4J_* lines, stop on Ctrl-C/SIGTERM
"""

from __future__ import annotations

import argparse
import contextlib
import fcntl
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import FrameType

import neo4j
from neo4j.exceptions import AuthError, DriverError, Neo4jError

# Keep in sync with <neo4j.version> in tools/neo4j/pom.xml.
NEO4J_VERSION = "5.26.30"
DEFAULT_USER = "neo4j"  # the only user Community's set-initial-password configures
# Neo4j refuses passwords shorter than 8 characters by default.
DEFAULT_PASSWORD = "hub-local-neo4j"
DEFAULT_START_TIMEOUT = 120.0
STOP_TIMEOUT = 30.0

REPO_ROOT = Path(__file__).resolve().parents[1]
POM_PATH = Path(__file__).resolve().parent / "neo4j" / "pom.xml"
CONSOLE_LOG = "neo4j-console.log"  # the JVM's stdout/stderr, inside the home

HEAP_INITIAL = "512m"
HEAP_MAX = "1g"
PAGECACHE = "256m"

# The JVM flags the official `neo4j` launcher would add and that matter here.
# Without the --add-opens the page cache falls back to a slower mode and the
# transaction log cannot reach its file descriptors (debug.log fills with WARNs).
JVM_OPTIONS = (
    f"-Xms{HEAP_INITIAL}",
    f"-Xmx{HEAP_MAX}",
    "-XX:+UseG1GC",
    "-XX:-OmitStackTraceInFastThrow",
    "-XX:+DisableExplicitGC",
    "-XX:+ExitOnOutOfMemoryError",  # a test server should die, not limp along
    "-Djdk.nio.maxCachedBufferSize=1024",
    "-Dio.netty.tryReflectionSetAccessible=true",
    "-Dlog4j2.disable.jmx=true",
    "--add-opens=java.base/java.nio=ALL-UNNAMED",
    "--add-opens=java.base/java.io=ALL-UNNAMED",
    "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
)


class Neo4jLocalError(RuntimeError):
    """Fetching, starting or stopping the local Neo4j server failed."""


@dataclass
class Neo4jServer:
    """A running local server and how to reach it."""

    uri: str
    user: str
    password: str
    home: Path
    process: subprocess.Popen[bytes]

    @property
    def port(self) -> int:
        """The Bolt port on 127.0.0.1."""
        return int(self.uri.rsplit(":", 1)[1])


# --------------------------------------------------------------------------- jars


def cache_dir() -> Path:
    """Where downloads live: ``$HUB_CACHE_DIR`` or ``<repo>/.cache`` (git-ignored)."""
    configured = os.environ.get("HUB_CACHE_DIR")
    return Path(configured).expanduser().resolve() if configured else REPO_ROOT / ".cache"


def ensure_neo4j_jars() -> Path:
    """Make sure the Neo4j server jars are in the cache; return the lib directory.

    Runs ``mvn dependency:copy-dependencies`` once; later calls see the marker
    file and return at once. A file lock keeps parallel test workers from
    copying into the same directory at the same time.
    """
    dist = cache_dir() / f"neo4j-{NEO4J_VERSION}"
    lib, marker = dist / "lib", dist / "lib.complete"
    if marker.is_file():
        return lib
    dist.mkdir(parents=True, exist_ok=True)
    with open(dist / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not marker.is_file():  # another process may have finished meanwhile
            _copy_jars_with_maven(lib)
            jars = sorted(p.name for p in lib.glob("*.jar"))
            marker.write_text("\n".join(jars) + "\n")
    return lib


def _copy_jars_with_maven(lib: Path) -> None:
    """Copy the pom's dependency closure into ``lib`` (replacing a partial copy)."""
    mvn = _require_executable("mvn", "Maven 3.8+ is needed to fetch the Neo4j jars")
    _find_java()  # fail before a long download if the jars could never run
    shutil.rmtree(lib, ignore_errors=True)  # stale jars from an aborted run
    command = [
        mvn, "-q", "-B", "-Dstyle.color=never", "-f", str(POM_PATH),
        "dependency:copy-dependencies", f"-DoutputDirectory={lib}",
    ]  # fmt: skip
    result = subprocess.run(command, stdin=subprocess.DEVNULL, capture_output=True, text=True, check=False)
    if result.returncode != 0 or not (lib / f"neo4j-{NEO4J_VERSION}.jar").is_file():
        raise Neo4jLocalError(
            f"Maven could not fetch Neo4j {NEO4J_VERSION} (exit {result.returncode}).\n"
            f"Command: {' '.join(command)}\n"
            f"--- Maven output (tail) ---\n{_tail(result.stdout + result.stderr)}"
        )


def _require_executable(name: str, why: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise Neo4jLocalError(f"`{name}` not found on PATH: {why}.")
    return path


def _find_java() -> str:
    """Prefer ``$JAVA_HOME/bin/java`` like the official launcher does, else PATH."""
    java_home = os.environ.get("JAVA_HOME")
    if java_home and (Path(java_home) / "bin" / "java").is_file():
        return str(Path(java_home) / "bin" / "java")
    return _require_executable("java", "Neo4j 5.26 needs a Java 17 or 21 runtime")


# ------------------------------------------------------------------------ server


def free_port() -> int:
    """Ask the kernel for an unused loopback port (free now; Neo4j binds it soon)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def render_config(home: Path, port: int) -> str:
    """neo4j.conf for a quiet, loopback-only, Bolt-only server.

    Strict config validation is on by default in 5.x, so every key here must
    exist in this exact version (a typo stops the server at boot).
    """
    settings = {
        "server.default_listen_address": "127.0.0.1",
        "server.default_advertised_address": "127.0.0.1",
        "server.bolt.listen_address": f"127.0.0.1:{port}",
        "server.bolt.advertised_address": f"127.0.0.1:{port}",
        "server.http.enabled": "false",
        "server.https.enabled": "false",
        "dbms.security.auth_enabled": "true",
        "dbms.usage_report.enabled": "false",  # no phoning home
        "server.directories.data": str(home / "data"),
        "server.directories.logs": str(home / "logs"),
        # Only the launcher script reads the heap settings; we pass the same
        # values as -Xms/-Xmx, and record them here so the log shows the truth.
        "server.memory.heap.initial_size": HEAP_INITIAL,
        "server.memory.heap.max_size": HEAP_MAX,
        "server.memory.pagecache.size": PAGECACHE,
        # Bolt otherwise waits 5 s for connections and 5 s for its thread pool
        # on shutdown, making every stop take ~10 s. Unsupported settings, but
        # the version is pinned; they cost a harmless WARN in debug.log.
        "internal.server.bolt.connection_shutdown_wait_time": "0s",
        "internal.server.bolt.thread_pool_shutdown_wait_time": "0s",
    }
    return "".join(f"{key}={value}\n" for key, value in settings.items())


def _is_initialised(home: Path) -> bool:
    """True once the server has created its system database in this home."""
    return (home / "data" / "databases" / "system").exists()


def _java_command(lib: Path, main_class: str, *args: str, jvm: tuple[str, ...] = ()) -> list[str]:
    return [_find_java(), *jvm, "-cp", f"{lib}{os.sep}*", main_class, *args]


def _neo4j_env(home: Path) -> dict[str, str]:
    return {**os.environ, "NEO4J_HOME": str(home), "NEO4J_CONF": str(home / "conf")}


def set_initial_password(lib: Path, home: Path, password: str) -> None:
    """Store the password for user neo4j; only effective before the first start."""
    command = _java_command(lib, "org.neo4j.cli.AdminTool", "dbms", "set-initial-password", password)
    result = subprocess.run(
        command, env=_neo4j_env(home), cwd=home, stdin=subprocess.DEVNULL,
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    if result.returncode != 0:
        raise Neo4jLocalError(
            f"neo4j-admin set-initial-password failed (exit {result.returncode}):\n"
            f"{_tail(result.stdout + result.stderr)}"
        )


def prepare_home(lib: Path, home: Path, port: int, password: str) -> None:
    """Write the config for this port; set the password if the home is new."""
    (home / "conf").mkdir(parents=True, exist_ok=True)
    (home / "conf" / "neo4j.conf").write_text(render_config(home, port))
    # The admin tool reads neo4j.conf to find the data dir, so config comes first.
    if not _is_initialised(home):
        set_initial_password(lib, home, password)


def launch(lib: Path, home: Path) -> subprocess.Popen[bytes]:
    """Start the server JVM in its own process group, output into the home."""
    command = _java_command(
        lib, "org.neo4j.server.CommunityEntryPoint",
        f"--home-dir={home}", f"--config-dir={home / 'conf'}",
        jvm=JVM_OPTIONS,
    )  # fmt: skip
    with open(home / CONSOLE_LOG, "wb") as log:  # the child keeps its own copy
        # A new session means Ctrl-C in a terminal reaches us, not the JVM, so
        # we decide when and how it stops; crash files land in the home (cwd).
        return subprocess.Popen(
            command, env=_neo4j_env(home), cwd=home, stdin=subprocess.DEVNULL,
            stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip


def wait_for_bolt(server: Neo4jServer, timeout: float) -> None:
    """Poll with the real driver until Bolt accepts our credentials.

    Raises Neo4jLocalError (with the log tail) if the JVM exits, the password
    is refused, or ``timeout`` seconds pass.
    """
    deadline = time.monotonic() + timeout
    auth = (server.user, server.password)
    with neo4j.GraphDatabase.driver(server.uri, auth=auth, connection_timeout=2.0) as driver:
        while True:
            if server.process.poll() is not None:
                _fail(server, f"Neo4j exited with code {server.process.returncode} during start")
            try:
                driver.verify_connectivity()
                return
            except AuthError as error:
                # Bolt only opens once auth is ready, so this will not go away.
                _fail(
                    server,
                    f"Neo4j refused the credentials for {server.user!r} ({error.message}); "
                    "a reused home keeps the password from its first start",
                )
            except (DriverError, Neo4jError, OSError):
                pass  # not listening yet, or still booting
            if time.monotonic() > deadline:
                _fail(server, f"Neo4j did not answer on {server.uri} within {timeout:.0f} s")
            time.sleep(0.25)


def start_neo4j(
    home: Path,
    password: str = DEFAULT_PASSWORD,
    start_timeout: float = DEFAULT_START_TIMEOUT,
) -> Neo4jServer:
    """Fetch jars if needed, start a server in ``home`` and wait until it answers.

    The caller owns the result and must call ``stop_neo4j``; prefer
    ``running_neo4j``, which does that for you.
    """
    lib = ensure_neo4j_jars()
    home = home.resolve()
    port = free_port()
    prepare_home(lib, home, port, password)
    process = launch(lib, home)
    server = Neo4jServer(f"bolt://127.0.0.1:{port}", DEFAULT_USER, password, home, process)
    try:
        wait_for_bolt(server, start_timeout)
    except BaseException:  # includes Ctrl-C while waiting: never leak a JVM
        stop_neo4j(server)
        raise
    return server


def stop_neo4j(server: Neo4jServer, timeout: float = STOP_TIMEOUT) -> None:
    """SIGTERM the process group (Neo4j shuts down cleanly), SIGKILL if it hangs."""
    process = server.process
    if process.poll() is None:
        _signal_group(process, signal.SIGTERM)
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            _signal_group(process, signal.SIGKILL)
            process.wait()


def _signal_group(process: subprocess.Popen[bytes], sig: signal.Signals) -> None:
    # The group id equals the pid because of start_new_session=True.
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, sig)


@contextlib.contextmanager
def running_neo4j(
    home: Path | None = None,
    password: str = DEFAULT_PASSWORD,
    start_timeout: float = DEFAULT_START_TIMEOUT,
    *,
    keep_home: bool = False,
) -> Iterator[Neo4jServer]:
    """Run a Neo4j server for the duration of the ``with`` block.

    ``home=None`` uses a fresh temporary directory, deleted afterwards unless
    ``keep_home`` is true. A given ``home`` is never deleted, and can be reused:
    its data survives, and the password set at its first start stays in force.
    """
    temporary = home is None
    home_dir = Path(tempfile.mkdtemp(prefix="neo4j-")) if home is None else home
    try:
        server = start_neo4j(home_dir, password, start_timeout)
        try:
            yield server
        finally:
            stop_neo4j(server)
    finally:
        if temporary and not keep_home:
            shutil.rmtree(home_dir, ignore_errors=True)


# ----------------------------------------------------------------------- helpers


def _tail(text: str, lines: int = 40) -> str:
    return "\n".join(text.strip().splitlines()[-lines:])


def _read_tail(path: Path, lines: int = 40) -> str:
    try:
        return _tail(path.read_text(errors="replace"), lines)
    except FileNotFoundError:
        return "(no such file)"


def _fail(server: Neo4jServer, reason: str) -> None:
    """Raise with the log tails: boot errors (bad config) only reach the console log."""
    sections = [f"{reason}."]
    for log in (server.home / CONSOLE_LOG, server.home / "logs" / "neo4j.log"):
        tail = _read_tail(log)
        if tail:  # the console log is usually empty once logging is up
            sections.append(f"--- {log} (tail) ---\n{tail}")
    raise Neo4jLocalError("\n".join(sections))


# --------------------------------------------------------------------------- CLI


def _cmd_fetch(_: argparse.Namespace) -> int:
    print(ensure_neo4j_jars())
    return 0


def _raise_interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt  # lets the `with` block stop the server on SIGTERM


def _cmd_run(args: argparse.Namespace) -> int:
    signal.signal(signal.SIGTERM, _raise_interrupt)
    try:
        with running_neo4j(args.home, args.password, args.timeout, keep_home=args.keep_home) as server:
            # stdout carries only KEY=VALUE lines so scripts can parse it.
            print(f"NEO4J_URI={server.uri}")
            print(f"NEO4J_USER={server.user}")
            print(f"NEO4J_PASSWORD={server.password}", flush=True)
            print(f"Neo4j {NEO4J_VERSION} running, home {server.home}; Ctrl-C stops it.", file=sys.stderr)
            code = server.process.wait()  # returns only if the server dies on its own
            print(f"Neo4j exited unexpectedly with code {code}; see {server.home}", file=sys.stderr)
            return 1
    except KeyboardInterrupt:
        print("Neo4j stopped.", file=sys.stderr)
        return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m tools.neo4j_local",
        description=f"Fetch and run a local Neo4j {NEO4J_VERSION} Community server (Bolt on 127.0.0.1).",
        epilog="Jars are cached in $HUB_CACHE_DIR, default <repo>/.cache. Needs mvn and Java 17+.",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    fetch = commands.add_parser("fetch", help="download the server jars via Maven and print their directory")
    fetch.set_defaults(func=_cmd_fetch)
    run = commands.add_parser(
        "run",
        help="start a server, print NEO4J_URI/USER/PASSWORD, stop on Ctrl-C or SIGTERM",
        description="Start a server on a free loopback port and block until Ctrl-C or SIGTERM.",
    )
    run.add_argument("--home", type=Path, help="server directory to use and keep (default: temporary)")
    run.add_argument("--keep-home", action="store_true", help="keep the temporary home after stopping")
    run.add_argument("--password", default=DEFAULT_PASSWORD, help="password for user neo4j (min. 8 chars)")
    run.add_argument("--timeout", type=float, default=DEFAULT_START_TIMEOUT, help="seconds to wait for Bolt")
    run.set_defaults(func=_cmd_run)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args))
    except Neo4jLocalError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
