"""Real processes for tests: gunicorn serving the app, manage.py commands, waits that poll.

Tests that must go through the same door as a client or an operator (a live server, a
shell command) use these instead of Django's test client.
"""

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]

# For tests of real processes sharing the test database and Redis: they run where the suite
# runs on PostgreSQL and Redis (CI), and are skipped on the embedded default.
NEEDS_POSTGRES_AND_REDIS = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql" or not settings.REDIS_URL,
        reason="needs PostgreSQL and Redis (set DATABASE_URL and REDIS_URL)",
    ),
]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def eventually(condition: Callable[[], object], seconds: float = 5.0, interval: float = 0.05):
    """Poll `condition` until it returns something true or `seconds` pass; return its last answer."""
    deadline = time.monotonic() + seconds
    while True:
        answer = condition()
        if answer or time.monotonic() > deadline:
            return answer
        time.sleep(interval)


def get(url: str, timeout: float = 5.0, headers: dict | None = None) -> tuple[int, float, str]:
    """GET the URL; return (status, seconds taken, body)."""
    request = urllib.request.Request(url, headers=headers or {})
    start = time.monotonic()
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            status, body = response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        status, body = error.code, error.read().decode()
    return status, time.monotonic() - start, body


def manage(*arguments: str, env: dict, stdin: str | None = None, timeout: float = 120) -> subprocess.CompletedProcess:
    """Run manage.py in a fresh process, as an operator would (nothing pre-imported)."""
    return subprocess.run(
        [sys.executable, "manage.py", *arguments],
        cwd=ROOT,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


class Gunicorn:
    """gunicorn serving the app with `env`, started and stopped around a test."""

    def __init__(self, env: dict, log_path: Path, probe: str = "/api/health"):
        self.port = free_port()
        self.env = {**env, "GUNICORN_BIND": f"127.0.0.1:{self.port}"}
        self.env.setdefault("WEB_CONCURRENCY", "1")
        self.log_path = log_path
        self.probe = probe
        self.process = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def log(self) -> str:
        return self.log_path.read_text() if self.log_path.exists() else ""

    def __enter__(self) -> "Gunicorn":
        with open(self.log_path, "w") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "fypfixer.wsgi"],
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=log,
            )

        def answers() -> bool:
            if self.process.poll() is not None:
                return True
            try:
                get(self.base + self.probe, timeout=1)
            except OSError:
                return False
            return True

        eventually(answers, seconds=30, interval=0.1)
        if self.process.poll() is not None:
            pytest.fail(f"gunicorn exited with {self.process.returncode}; its log:\n{self.log()}")
        try:
            get(self.base + self.probe, timeout=2)
        except OSError:
            self.__exit__()
            pytest.fail(f"gunicorn did not answer within 30 s; its log:\n{self.log()}")
        return self

    def __exit__(self, *exc_info) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def environment(**overrides: str) -> dict:
    """This process's environment with `overrides`, for a child process."""
    return {**os.environ, **overrides}


def shared_database_url() -> str:
    """The URL of the database the tests use (PostgreSQL), for a child process to share it."""
    from django.conf import settings

    database = settings.DATABASES["default"]
    user = database.get("USER") or "postgres"
    password = f":{database['PASSWORD']}" if database.get("PASSWORD") else ""
    host, port = database.get("HOST") or "127.0.0.1", database.get("PORT") or 5432
    return f"postgres://{user}{password}@{host}:{port}/{database['NAME']}"
