"""The private PostgreSQL (lianfang/devdb.py) and bad database settings: one clear line, never a traceback;
a second start reuses the running server; a start after a crash recovers by itself and keeps the data.

The server tests start a throwaway server of their own (LIANFANG_VAR_DIR in a temporary folder) and delete
it afterwards."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import psycopg
import pytest

from lianfang import devdb

ROOT = Path(__file__).resolve().parents[3]


def run(args: list[str], var: Path, **env: str) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    # DEBUG on, as under make demo: with it off the production checks (core/checks.py) would stop
    # manage.py before the database is tried.
    environ.update(LIANFANG_VAR_DIR=str(var), DJANGO_SETTINGS_MODULE="lianfang.settings", DJANGO_DEBUG="1")
    environ.update(env)
    return subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        env=environ,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def one_line(text: str) -> str:
    lines = text.strip().splitlines()
    assert len(lines) == 1, text
    assert "Traceback" not in text
    return lines[0]


def test_a_database_url_that_points_nowhere_gives_manage_py_one_clear_line(tmp_path):
    port = free_port()
    url = f"postgres://lianfang:s3cret@127.0.0.1:{port}/nowhere"

    done = run(["manage.py", "migrate", "--noinput"], tmp_path, DATABASE_URL=url)

    assert done.returncode == 1
    line = one_line(done.stderr)
    assert line.startswith("lianfang: cannot connect to the PostgreSQL of DATABASE_URL")
    assert f"127.0.0.1:{port}, database nowhere" in line
    assert "refused" in line.lower()
    assert "s3cret" not in line


def test_the_starter_checks_a_database_url_that_points_nowhere_in_one_line(tmp_path):
    done = run(
        ["-m", "lianfang.devdb", "check"], tmp_path, DATABASE_URL=f"postgres://x@127.0.0.1:{free_port()}/db"
    )

    assert done.returncode == 1
    assert one_line(done.stderr).startswith("cannot connect to the PostgreSQL of DATABASE_URL")


def test_a_database_url_that_is_not_postgresql_is_refused_in_one_line(tmp_path):
    done = run(["manage.py", "migrate"], tmp_path, DATABASE_URL=f"sqlite:///{tmp_path}/x.sqlite3")

    assert done.returncode == 1
    assert one_line(done.stderr) == (
        "lianfang: DATABASE_URL must be a PostgreSQL URL (postgres://USER:PASSWORD@HOST/NAME), not sqlite:"
    )


def test_without_database_url_and_without_the_private_server_manage_py_says_how_to_start_it(tmp_path):
    done = run(["manage.py", "migrate", "--noinput"], tmp_path)

    assert done.returncode == 1
    line = one_line(done.stderr)
    assert "the private PostgreSQL" in line and "is not running" in line
    assert "python -m lianfang.devdb start" in line


@pytest.fixture(scope="module")
def private_server(tmp_path_factory):
    var = tmp_path_factory.mktemp("devdb") / "var"
    started = run(["-m", "lianfang.devdb", "start"], var)
    assert started.returncode == 0, started.stderr
    yield var
    run(["-m", "lianfang.devdb", "destroy"], var)


def test_the_settings_use_the_private_server_when_database_url_is_unset(private_server):
    done = run(["manage.py", "check", "--database", "default"], private_server)

    assert done.returncode == 0, done.stderr
    assert run(["-m", "lianfang.devdb", "status"], private_server).returncode == 0


def test_a_second_start_reuses_the_running_server(private_server):
    state = devdb.load(private_server)
    assert state is not None
    before = devdb.postmaster(state.data)

    again = run(["-m", "lianfang.devdb", "start"], private_server)

    assert again.returncode == 0, again.stderr
    assert one_line(again.stdout).startswith("Private PostgreSQL already running")
    assert devdb.postmaster(state.data) == before


def test_a_start_after_a_crash_that_left_the_lock_file_recovers_and_keeps_the_data(private_server):
    state = devdb.load(private_server)
    assert state is not None
    with psycopg.connect(state.url, autocommit=True) as conn:
        conn.execute("CREATE TABLE kept (note text)")
        conn.execute("INSERT INTO kept VALUES ('before the crash')")
    crashed = devdb.postmaster(state.data)
    assert crashed is not None
    os.kill(crashed, signal.SIGKILL)
    deadline = time.monotonic() + 30
    while devdb.processes_in(state.data) and time.monotonic() < deadline:
        time.sleep(0.1)
    # The lock file stays behind; after a reboot its process id often belongs to another program.
    stranger = subprocess.Popen(["sleep", "120"])
    try:
        lock = state.data / "postmaster.pid"
        lines = lock.read_text(encoding="utf-8").splitlines()
        lock.write_text("\n".join([str(stranger.pid), *lines[1:]]) + "\n", encoding="utf-8")
        assert run(["-m", "lianfang.devdb", "status"], private_server).returncode == devdb.NOT_RUNNING

        restarted = run(["-m", "lianfang.devdb", "start"], private_server)

        assert restarted.returncode == 0, restarted.stderr
        assert one_line(restarted.stdout).startswith("Private PostgreSQL 1")
        assert stranger.poll() is None  # the stranger was left alone
        with psycopg.connect(state.url) as conn:
            assert conn.execute("SELECT note FROM kept").fetchall() == [("before the crash",)]
    finally:
        stranger.kill()
        stranger.wait()


def test_stop_stops_the_server_and_keeps_its_data(private_server):
    stopped = run(["-m", "lianfang.devdb", "stop"], private_server)

    assert stopped.returncode == 0, stopped.stderr
    assert "stopped" in one_line(stopped.stdout)
    assert run(["-m", "lianfang.devdb", "status"], private_server).returncode == devdb.NOT_RUNNING
    state = devdb.load(private_server)
    assert state is not None and (state.data / "PG_VERSION").exists()
