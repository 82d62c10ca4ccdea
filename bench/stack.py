"""What a benchmark run stands on: the services, two throwaway databases, the servers it starts.

Used by bench/run.py and bench/load.py; everything started here is stopped and dropped by
Stack.cleanup().
"""

import contextlib
import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PEER = (ROOT / ".." / "shared" / "peers" / "flask-seed").resolve()
PEER_VENV = Path(os.environ.get("PEER_VENV", "/tmp/flask-seed-venv"))
OUR_PYTHON = ROOT / ".venv" / "bin" / "python"
OUR_GUNICORN = ROOT / ".venv" / "bin" / "gunicorn"
PG = "postgres://postgres@127.0.0.1:5432"
REDIS_DB = 13
SCALED_REDIS_DB = 12
HOST = "127.0.0.1"
PORTS = {"peer": 8201, "ours": 8202, "ceiling": 8203, "variant": 8204}
BENCH_USER = {"email": "bench@example.com", "password": "benchpass123"}
# Rates no benchmark client reaches: the limits stay in the path (and count), serving is measured.
GENEROUS_RATE = "100000000/min"


def log(message: str) -> None:
    print(f"[{datetime.now(UTC):%H:%M:%S}] {message}", flush=True)


def run(command, **kwargs) -> subprocess.CompletedProcess:
    kwargs.setdefault("check", True)
    kwargs.setdefault("text", True)
    return subprocess.run(command, **kwargs)


def psql(sql: str, database: str = "postgres") -> str:
    return run(
        ["psql", "-h", HOST, "-U", "postgres", "-d", database, "-qtA", "-v", "ON_ERROR_STOP=1", "-c", sql],
        capture_output=True,
    ).stdout


def ensure_services() -> None:
    """Start PostgreSQL and Redis if they are down; install wrk and the peer's venv if missing."""
    if run(["pg_isready", "-h", HOST, "-p", "5432", "-q"], check=False).returncode != 0:
        clusters = os.listdir("/etc/postgresql")
        run(["pg_ctlcluster", "--skip-systemctl-redirect", clusters[0], "main", "start"])
    if run(["redis-cli", "-h", HOST, "ping"], check=False, capture_output=True).returncode != 0:
        run(
            ["redis-server", "--daemonize", "yes", "--bind", HOST, "--port", "6379", "--save", "", "--appendonly", "no"]
        )
    for _ in range(50):
        if run(["pg_isready", "-h", HOST, "-q"], check=False).returncode == 0:
            break
        time.sleep(0.2)
    if not shutil.which("wrk"):
        log("installing wrk (Debian package)")
        run(["apt-get", "update", "-qq"])
        run(["apt-get", "install", "-y", "-qq", "wrk"], env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"})
    if not (PEER_VENV / "bin" / "gunicorn").exists():
        log(f"creating the peer's venv in {PEER_VENV}")
        run([sys.executable, "-m", "venv", str(PEER_VENV)])
        run([str(PEER_VENV / "bin" / "pip"), "install", "-q", "-r", str(PEER / "requirements.lock.txt")])


def http(method: str, url: str, body: dict | None = None, token: str | None = None) -> tuple[int, dict]:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method)
    request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


@dataclass
class Stack:
    workers: int
    workdir: Path
    suffix: str = field(default_factory=lambda: secrets.token_hex(3))
    secret_key: str = field(default_factory=lambda: "bench-" + secrets.token_urlsafe(40))
    processes: dict = field(default_factory=dict)
    created: list = field(default_factory=list)

    @property
    def databases(self) -> dict:
        return {"peer": f"fyp_bench_peer_{self.suffix}", "ours": f"fyp_bench_ours_{self.suffix}"}

    def base(self, name: str) -> str:
        return f"http://{HOST}:{PORTS[name]}"

    def peer_env(self) -> dict:
        return {
            **os.environ,
            "FLASK_ENV": "production",
            "DATABASE_URL": f"postgresql://postgres@{HOST}:5432/{self.databases['peer']}",
            "PYTHONDONTWRITEBYTECODE": "1",
        }

    def our_env(self, **extra) -> dict:
        return {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "fypfixer.settings",
            "DATABASE_URL": f"{PG}/{self.databases['ours']}",
            "REDIS_URL": f"redis://{HOST}:6379/{REDIS_DB}",
            "DEBUG": "False",
            "SECRET_KEY": self.secret_key,
            "ALLOWED_HOSTS": f"{HOST},localhost",
            "SECURE_SSL_REDIRECT": "False",
            "STATIC_ROOT": str(self.workdir / "static"),
            "THROTTLE_READ_RATE": GENEROUS_RATE,
            "THROTTLE_WRITE_RATE": GENEROUS_RATE,
            "THROTTLE_AUTH_RATE": GENEROUS_RATE,
            "THROTTLE_AUTH_ACCOUNT_RATE": GENEROUS_RATE,
            "THROTTLE_LOGIN_FAILURE_RATE": GENEROUS_RATE,
            "THROTTLE_LOGIN_FAILURE_EMAIL_RATE": GENEROUS_RATE,
            "WEB_CONCURRENCY": str(self.workers),
            **extra,
        }

    # Data

    def create_data(self, servers=("peer", "ours"), plans_per_category: int = 50) -> None:
        for server in servers:
            psql(f'CREATE DATABASE "{self.databases[server]}"')
            self.created.append(self.databases[server])
        run(["redis-cli", "-h", HOST, "-n", str(REDIS_DB), "flushdb"], capture_output=True)
        if "peer" in servers:
            log("loading the peer's data: seed_db.py --reset --big")
            run(
                [str(PEER_VENV / "bin" / "python"), "seed_db.py", "--reset", "--big"],
                cwd=PEER,
                env=self.peer_env(),
                capture_output=True,
            )
        log("loading our data: migrate, bench.seed, collectstatic")
        self.manage("migrate", "-v0")
        self.python("-m", "bench.seed", "--plans-per-category", str(plans_per_category))
        self.manage("collectstatic", "--noinput", "-v0")
        self.vacuum()

    def create_scaled_data(self, plans_per_category: int) -> dict:
        """A third database like ours with more plans (and its own Redis database); return the
        environment that points our app at it."""
        database = f"fyp_bench_scaled_{self.suffix}"
        psql(f'CREATE DATABASE "{database}"')
        self.created.append(database)
        run(["redis-cli", "-h", HOST, "-n", str(SCALED_REDIS_DB), "flushdb"], capture_output=True)
        env = {"DATABASE_URL": f"{PG}/{database}", "REDIS_URL": f"redis://{HOST}:6379/{SCALED_REDIS_DB}"}
        self.manage("migrate", "-v0", **env)
        self.python("-m", "bench.seed", "--plans-per-category", str(plans_per_category), **env)
        self.vacuum()
        return env

    def vacuum(self) -> None:
        """Analyze the databases and write out what loading them left in memory, so neither
        autovacuum nor a checkpoint wakes up in the middle of a run."""
        for database in self.created:
            psql("VACUUM ANALYZE", database)
        psql("CHECKPOINT")

    def python(self, *arguments: str, **extra) -> str:
        """Run our Python (a module or a script) with our environment; return its output."""
        result = run([str(OUR_PYTHON), *arguments], cwd=ROOT, env=self.our_env(**extra), capture_output=True)
        return result.stdout

    def manage(self, *arguments: str, **extra) -> str:
        return self.python("manage.py", *arguments, **extra)

    # Servers

    def start(self, name: str, port_name: str | None = None, **extra) -> None:
        """Start the peer, ours (with `extra` environment), or the ceiling; wait until it answers."""
        port_name = port_name or name
        port = PORTS[port_name]
        logfile = self.workdir / f"{port_name}.log"
        if name == "peer":
            command = [
                str(PEER_VENV / "bin" / "gunicorn"),
                *("-w", str(self.workers), "-k", "sync", "-b", f"{HOST}:{port}", "--log-level", "warning"),
                "main:app",
            ]
            cwd, env, probe = PEER, self.peer_env(), "/api/health"
        else:
            application = "fypfixer.wsgi" if name == "ours" else "django.core.wsgi:get_wsgi_application()"
            settings = "fypfixer.settings" if name == "ours" else "bench.ceiling"
            command = [str(OUR_GUNICORN), "-c", "gunicorn.conf.py", application]
            cwd = ROOT
            env = self.our_env(DJANGO_SETTINGS_MODULE=settings, GUNICORN_BIND=f"{HOST}:{port}", **extra)
            probe = "/api/health" if name == "ours" else "/ceiling"
        with open(logfile, "a") as output:
            process = subprocess.Popen(command, cwd=cwd, env=env, stdout=output, stderr=output, start_new_session=True)
        self.processes[port_name] = process
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if process.poll() is not None:
                break
            with contextlib.suppress(OSError):
                urllib.request.urlopen(f"http://{HOST}:{port}{probe}", timeout=1)
                return
            time.sleep(0.1)
        raise RuntimeError(f"{port_name} did not start; its log:\n{logfile.read_text()[-3000:]}")

    def stop(self, name: str) -> None:
        process = self.processes.pop(name, None)
        if process is None or process.poll() is not None:
            return
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()

    def cleanup(self) -> None:
        for name in list(self.processes):
            with contextlib.suppress(Exception):
                self.stop(name)
        for database in self.created:
            with contextlib.suppress(Exception):
                psql(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        for redis_db in (REDIS_DB, SCALED_REDIS_DB):
            with contextlib.suppress(Exception):
                run(["redis-cli", "-h", HOST, "-n", str(redis_db), "flushdb"], capture_output=True)
        shutil.rmtree(self.workdir, ignore_errors=True)
