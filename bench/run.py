#!/usr/bin/env python3
"""Side-by-side benchmark: the original Flask backend (the peer) against FYPFixer, in one run.

    .venv/bin/python bench/run.py            # the full run (about 15 minutes)
    .venv/bin/python bench/run.py --quick    # a smoke run (about 3 minutes)

On this machine and in this one run it:
  1. creates two databases on the machine's PostgreSQL and loads the same data shape into
     both (the peer's `seed_db.py --reset --big`, our `manage.py seed_bench`);
  2. starts the peer and our app under gunicorn with the same number of workers (2), plus a
     "ceiling": a bare Django view returning constant JSON under our settings and gunicorn
     configuration, the practical limit of this stack on this machine;
  3. warms each endpoint up, then drives it with wrk, alternating peer and ours, for 3 rounds;
  4. prints a table (req/s, p50/p99, queries per request) and checks the targets;
  5. scaling: reloads our database with 10x the plans and compares latency; memory: drives
     50,000 requests through our workers (recycling off) and compares their RSS;
  6. stops everything it started and drops what it created.

Needs: PostgreSQL and Redis on 127.0.0.1 (started if down), wrk (installed with apt-get if
missing), the peer at ../shared/peers/flask-seed (its venv is created in /tmp if missing).
Absolute figures vary between machines and runs; compare the ratios, which come from runs
taken back to back on the same machine.
"""

import argparse
import contextlib
import json
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
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
HOST = "127.0.0.1"
PORTS = {"peer": 8201, "ours": 8202, "ceiling": 8203}
BENCH_USER = {"email": "bench@example.com", "password": "benchpass123"}
DAILY_PLAN = "/api/plan?category=personal_growth&lang=en"


def log(message: str) -> None:
    print(f"[{datetime.now(UTC):%H:%M:%S}] {message}", flush=True)


def run(command, **kwargs) -> subprocess.CompletedProcess:
    kwargs.setdefault("check", True)
    kwargs.setdefault("text", True)
    return subprocess.run(command, **kwargs)


# Setup


def ensure_services() -> None:
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


def psql(sql: str, database: str = "postgres") -> None:
    run(["psql", "-h", HOST, "-U", "postgres", "-d", database, "-qtA", "-v", "ON_ERROR_STOP=1", "-c", sql])


@dataclass
class Bench:
    args: argparse.Namespace
    workdir: Path
    suffix: str = field(default_factory=lambda: secrets.token_hex(3))
    secret_key: str = field(default_factory=lambda: "bench-" + secrets.token_urlsafe(40))
    processes: dict = field(default_factory=dict)
    created: list = field(default_factory=list)

    @property
    def databases(self) -> dict:
        return {"peer": f"fyp_bench_peer_{self.suffix}", "ours": f"fyp_bench_ours_{self.suffix}"}

    def peer_env(self) -> dict:
        return {
            **os.environ,
            "FLASK_ENV": "production",
            "DATABASE_URL": f"postgresql://postgres@{HOST}:5432/{self.databases['peer']}",
            "PYTHONDONTWRITEBYTECODE": "1",
        }

    def our_env(self, **extra) -> dict:
        generous = "100000000/min"
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
            # The benchmark measures serving, not the rate limits: they stay in the path
            # (and are counted), with rates no benchmark client reaches.
            "THROTTLE_READ_RATE": generous,
            "THROTTLE_WRITE_RATE": generous,
            "THROTTLE_AUTH_RATE": generous,
            "THROTTLE_AUTH_ACCOUNT_RATE": generous,
            "WEB_CONCURRENCY": str(self.args.workers),
            **extra,
        }

    # Data

    def create_data(self, servers=("peer", "ours")) -> None:
        for server in servers:
            psql(f'CREATE DATABASE "{self.databases[server]}"')
            self.created.append(self.databases[server])
        run(["redis-cli", "-h", HOST, "-n", str(REDIS_DB), "flushdb"], capture_output=True)
        if "peer" in servers:
            log("loading the peer's data: seed_db.py --reset --big")
            run([str(PEER_VENV / "bin" / "python"), "seed_db.py", "--reset", "--big"], cwd=PEER, env=self.peer_env())
        log("loading our data: migrate, seed_bench, collectstatic")
        self.manage("migrate", "-v0")
        self.manage("seed_bench")
        self.manage("collectstatic", "--noinput", "-v0")
        self.vacuum()

    def vacuum(self) -> None:
        """Analyze the databases now, so autovacuum does not wake up in the middle of a run."""
        for database in self.created:
            psql("VACUUM ANALYZE", database)

    def manage(self, *arguments: str, **extra) -> str:
        result = run(
            [str(OUR_PYTHON), "manage.py", *arguments], cwd=ROOT, env=self.our_env(**extra), capture_output=True
        )
        if result.stdout.strip():
            log(result.stdout.strip())
        return result.stdout

    # Servers

    def start(self, name: str, **extra) -> None:
        port = PORTS[name]
        logfile = open(self.workdir / f"{name}.log", "a")  # noqa: SIM115
        if name == "peer":
            command = [
                str(PEER_VENV / "bin" / "gunicorn"),
                "-w",
                str(self.args.workers),
                "-k",
                "sync",
                "-b",
                f"{HOST}:{port}",
                "--log-level",
                "warning",
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
        process = subprocess.Popen(command, cwd=cwd, env=env, stdout=logfile, stderr=logfile, start_new_session=True)
        self.processes[name] = process
        for _ in range(200):
            with contextlib.suppress(OSError):
                urllib.request.urlopen(f"http://{HOST}:{port}{probe}", timeout=1)
                return
            time.sleep(0.1)
        raise RuntimeError(f"{name} did not start; see {self.workdir / (name + '.log')}")

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
        with contextlib.suppress(Exception):
            run(["redis-cli", "-h", HOST, "-n", str(REDIS_DB), "flushdb"], capture_output=True)
        shutil.rmtree(self.workdir, ignore_errors=True)


# HTTP helpers


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


def sign_in(server: str) -> str:
    base = f"http://{HOST}:{PORTS[server]}"
    http("POST", f"{base}/api/auth/register", BENCH_USER)
    status, body = http("POST", f"{base}/api/auth/login", BENCH_USER)
    if status != 200:
        raise RuntimeError(f"{server} login failed: {status} {body}")
    return body["data"]["token"]


# wrk


@dataclass
class WrkResult:
    rps: float
    p50_ms: float
    p99_ms: float
    requests: int
    errors: int


def _ms(value: str) -> float:
    number, unit = re.match(r"([\d.]+)(us|ms|s|m)$", value).groups()
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[unit]


def wrk(url: str, seconds: float, connections: int, script: Path | None = None, timeout: str = "10s") -> WrkResult:
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", f"--timeout={timeout}"]
    if script:
        command += ["-s", str(script)]
    output = run([*command, url], capture_output=True).stdout
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    socket_errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    errors = int(non2xx.group(1)) if non2xx else 0
    if socket_errors:
        errors += sum(int(n) for n in socket_errors.groups())
    return WrkResult(
        rps=float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        p50_ms=_ms(re.search(r"^\s+50%\s+(\S+)", output, re.M).group(1)),
        p99_ms=_ms(re.search(r"^\s+99%\s+(\S+)", output, re.M).group(1)),
        requests=int(re.search(r"(\d+) requests in", output).group(1)),
        errors=errors,
    )


def lua(workdir: Path, name: str, method: str = "GET", token: str | None = None, body: dict | None = None) -> Path:
    lines = [f'wrk.method = "{method}"', 'wrk.headers["Content-Type"] = "application/json"']
    if token:
        lines.append(f'wrk.headers["Authorization"] = "Bearer {token}"')
    if body is not None:
        lines.append(f"wrk.body = '{json.dumps(body)}'")
    path = workdir / f"{name}.lua"
    path.write_text("\n".join(lines) + "\n")
    return path


def median_result(results: list[WrkResult]) -> WrkResult:
    ordered = sorted(results, key=lambda result: result.rps)
    return ordered[len(ordered) // 2]


# Queries per request


OUR_QUERY_COUNTER = """
import json, sys
import django
django.setup()
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from fypfixer.content_cache import local_payloads
client = Client(HTTP_HOST="127.0.0.1")
token = sys.argv[1]
counts = {}
for name, method, path, auth, body in json.loads(sys.argv[2]):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if auth else {}
    runs = []
    for warm in (False, True):
        if not warm:
            cache.clear(); local_payloads.clear()
        with CaptureQueriesContext(connection) as queries:
            response = getattr(client, method)(path, body or {}, content_type="application/json", **headers)
        assert response.status_code < 300, (path, response.status_code, response.content)
        runs.append(len(queries))
    counts[name] = runs
print(json.dumps(counts))
"""


def our_query_counts(bench: Bench, token: str, endpoints: list) -> dict:
    spec = [(e.name, e.method.lower(), e.ours, e.auth, e.body) for e in endpoints if e.ours]
    # Counting clears the shared cache: run it before the servers are measured.
    output = run(
        [str(OUR_PYTHON), "-c", OUR_QUERY_COUNTER, token, json.dumps(spec)],
        cwd=ROOT,
        env=bench.our_env(),
        capture_output=True,
    ).stdout
    counts = json.loads(output.strip().splitlines()[-1])
    return {name: f"{warm} ({cold} cold)" if warm != cold else str(warm) for name, (cold, warm) in counts.items()}


def peer_query_counts(bench: Bench) -> dict:
    paths = ["/api/health", "/api/categories", DAILY_PLAN, "/api/plans?limit=20"]
    output = run(
        [str(PEER_VENV / "bin" / "python"), "count_queries.py", *paths, "--login"],
        cwd=PEER,
        env=bench.peer_env(),
        capture_output=True,
    ).stdout
    counts = {}
    for line in output.splitlines()[1:]:
        parts = line.rsplit(None, 4)
        counts[parts[0].strip()] = parts[2]
    return counts


# The endpoints


@dataclass
class Endpoint:
    name: str
    label: str
    peer: str | None
    ours: str | None
    method: str = "GET"
    auth: bool = False
    cached_read: bool = False
    body: dict | None = None
    peer_label: str = ""


def endpoints(our_plan: dict) -> list[Endpoint]:
    first_step = our_plan["steps"][0]["id"]
    return [
        Endpoint("categories", "GET /api/categories", "/api/categories", "/api/categories", cached_read=True),
        Endpoint("plan", f"GET {DAILY_PLAN}", DAILY_PLAN, DAILY_PLAN, cached_read=True),
        Endpoint("plans20", "GET /api/plans?limit=20", "/api/plans?limit=20", "/api/plans?limit=20", cached_read=True),
        Endpoint("health", "GET /api/health", "/api/health", "/api/health"),
        Endpoint(
            "plan_auth",
            f"GET {DAILY_PLAN} (Bearer)",
            None,
            DAILY_PLAN,
            auth=True,
            peer_label="peer: anonymous /api/plan",
        ),
        Endpoint(
            "complete",
            "POST /api/plans/{id}/steps/{id}/complete",
            "/api/plans/1/steps/1/complete",
            f"/api/plans/{our_plan['id']}/steps/{first_step}/complete",
            method="POST",
            auth=True,
        ),
        Endpoint("login", "POST /api/auth/login", "/api/auth/login", "/api/auth/login", method="POST", body=BENCH_USER),
    ]


def measure(bench: Bench, tokens: dict, our_plan: dict) -> tuple[dict, dict]:
    args = bench.args
    scripts = {}
    for server in ("peer", "ours"):
        scripts[(server, "auth_get")] = lua(bench.workdir, f"{server}_auth_get", token=tokens[server])
        scripts[(server, "post_auth")] = lua(bench.workdir, f"{server}_post_auth", "POST", token=tokens[server])
        scripts[(server, "login")] = lua(bench.workdir, f"{server}_login", "POST", body=BENCH_USER)

    def script_for(server: str, endpoint: Endpoint) -> Path | None:
        if endpoint.name == "login":
            return scripts[(server, "login")]
        if endpoint.method == "POST":
            return scripts[(server, "post_auth")]
        return scripts[(server, "auth_get")] if endpoint.auth else None

    results: dict[tuple[str, str], list[WrkResult]] = {}
    ceiling_url = f"http://{HOST}:{PORTS['ceiling']}/ceiling"
    for endpoint in endpoints(our_plan):
        if endpoint.name != "login":
            for server in (s for s in ("peer", "ours") if getattr(endpoint, s)):
                wrk(
                    f"http://{HOST}:{PORTS[server]}{getattr(endpoint, server)}",
                    2,
                    args.connections,
                    script_for(server, endpoint),
                )
    wrk(ceiling_url, 2, args.connections)
    # Rounds outermost, so every endpoint and the ceiling are measured close together in time
    # in each round; the order of peer and ours alternates from round to round.
    for round_number in range(args.rounds):
        for endpoint in endpoints(our_plan):
            servers = [server for server in ("peer", "ours") if getattr(endpoint, server)]
            order = servers if round_number % 2 == 0 else list(reversed(servers))
            login = endpoint.name == "login"
            # A login takes a quarter of a second of CPU: give the run time to complete enough.
            seconds = max(args.duration, 10) if login else args.duration
            for server in order:
                url = f"http://{HOST}:{PORTS[server]}{getattr(endpoint, server)}"
                if login:
                    time.sleep(3)  # let the previous run's queued logins drain
                result = wrk(url, seconds, args.connections, script_for(server, endpoint), timeout="30s")
                if login:
                    time.sleep(5)  # and let this run's queued logins drain before the next run
                results.setdefault((endpoint.name, server), []).append(result)
                log(
                    f"{endpoint.name:10} {server:5} round {round_number + 1}: "
                    f"{result.rps:8.1f} req/s, p99 {result.p99_ms:.1f} ms"
                )
            if endpoint.cached_read:
                result = wrk(ceiling_url, args.duration, args.connections)
                results.setdefault(("ceiling", "ours"), []).append(result)
                log(f"ceiling    ours  round {round_number + 1}: {result.rps:8.1f} req/s, p99 {result.p99_ms:.1f} ms")
    medians = {key: median_result(value) for key, value in results.items()}
    ranges = {key: (min(r.rps for r in value), max(r.rps for r in value)) for key, value in results.items()}
    return medians, ranges


def report(medians: dict, ranges: dict, queries: dict, our_plan: dict, args) -> tuple[str, list]:
    def cell(result: WrkResult | None) -> tuple[str, str]:
        if result is None:
            return "-", "-"
        return f"{result.rps:,.1f}", f"{result.p50_ms:.2f} / {result.p99_ms:.2f}"

    header = (
        "| endpoint | peer req/s | ours req/s | ratio | peer p50 / p99 ms | ours p50 / p99 ms "
        "| queries/request peer | ours |"
    )
    lines = [header, "|---|---:|---:|---:|---:|---:|---:|---:|"]
    peer_queries = queries["peer"]
    for endpoint in endpoints(our_plan):
        ours = medians.get((endpoint.name, "ours"))
        peer = medians.get((endpoint.name, "peer"))
        peer_query = peer_queries.get(endpoint.peer, "-") if endpoint.peer else "-"
        if endpoint.name == "plan_auth":
            peer, peer_query = medians.get(("plan", "peer")), peer_queries.get(DAILY_PLAN, "-") + " (anonymous)"
        if endpoint.name == "login":
            peer_query = peer_queries.get("POST /api/auth/login", "-")
        if endpoint.name == "complete":
            peer_query = "n/a"
        ratio = f"{ours.rps / peer.rps:.2f}x" if ours and peer and peer.rps else "-"
        peer_rps, peer_latency = cell(peer)
        our_rps, our_latency = cell(ours)
        our_query = queries["ours"].get(endpoint.name, "-")
        lines.append(
            f"| `{endpoint.label}` | {peer_rps} | {our_rps} | {ratio} | {peer_latency} | {our_latency} "
            f"| {peer_query} | {our_query} |"
        )
    ceiling = medians[("ceiling", "ours")]
    lines.append(
        f"| ceiling: bare Django view, constant JSON | - | {ceiling.rps:,.1f} | - | - | "
        f"{ceiling.p50_ms:.2f} / {ceiling.p99_ms:.2f} | - | 0 |"
    )

    def ratio(name: str, other: str = "peer", other_name: str | None = None) -> float:
        return medians[(name, "ours")].rps / max(medians[(other_name or name, other)].rps, 0.001)

    checks = [
        ("/api/plan >= 3x the peer", ratio("plan"), 3.0),
        ("/api/plans?limit=20 >= 3x the peer", ratio("plans20"), 3.0),
        ("/api/categories >= 1.5x the peer", ratio("categories"), 1.5),
        ("authenticated /api/plan >= 2x the peer's anonymous /api/plan", ratio("plan_auth", "peer", "plan"), 2.0),
        ("login: more logins/s than the peer", ratio("login"), 1.0),
    ]
    for name in ("categories", "plan", "plans20"):
        checks.append((f"{name}: >= 70% of the ceiling", medians[(name, "ours")].rps / ceiling.rps, 0.70))
        checks.append(
            (
                f"{name}: p99 <= 25 ms at {args.connections} connections",
                25.0 / max(medians[(name, "ours")].p99_ms, 0.001),
                1.0,
            )
        )
    errors = sum(result.errors for (name, _server), result in medians.items())
    lines.append("")
    lines.append(f"Non-2xx responses and socket errors in the median runs: {errors}.")
    lines.append(
        "req/s ranges over the rounds (min-max): "
        + ", ".join(f"{name}/{server} {low:,.0f}-{high:,.0f}" for (name, server), (low, high) in sorted(ranges.items()))
    )
    return "\n".join(lines), checks


def print_checks(checks: list) -> bool:
    passed = True
    print("\nTargets:")
    for label, value, threshold in checks:
        ok = value >= threshold
        passed &= ok
        shown = f"{value:.2f}" if "p99" not in label else f"{25.0 / value:.2f} ms"
        print(f"  [{'PASS' if ok else 'FAIL'}] {label}: {shown}")
    return passed


# Scaling and memory


SCALE_PATHS = {"plans20": "/api/plans?limit=20", "plan": DAILY_PLAN}

COLD_BUILD_TIMER = """
import json, statistics, time
import django
django.setup()
from django.utils import timezone
from plans.selectors import daily_plan_data, template_plan_page
builders = {
    "plans20": lambda: template_plan_page(category_code=None, language="en", limit=20, offset=0),
    "plan": lambda: daily_plan_data(category_code="personal_growth", language="en", day=timezone.localdate()),
}
out = {}
for name, build in builders.items():
    build()
    samples = []
    for _ in range(200):
        start = time.perf_counter(); build(); samples.append((time.perf_counter() - start) * 1000)
    out[name] = statistics.median(samples)
print(json.dumps(out))
"""


def cold_build_ms(bench: Bench) -> dict:
    output = run([str(OUR_PYTHON), "-c", COLD_BUILD_TIMER], cwd=ROOT, env=bench.our_env(), capture_output=True)
    return json.loads(output.stdout.strip().splitlines()[-1])


def scaling(bench: Bench) -> tuple[str, bool]:
    args = bench.args

    def measure_served() -> dict:
        served = {}
        for name, path in SCALE_PATHS.items():
            url = f"http://{HOST}:{PORTS['ours']}{path}"
            wrk(url, 2, args.connections)
            served[name] = median_result([wrk(url, args.duration, args.connections) for _ in range(args.rounds)])
        return served

    def restart() -> None:
        # A fresh server for each measurement, so both start from the same state.
        bench.stop("ours")
        bench.start("ours")

    log("scaling: 1x data")
    restart()
    before, before_cold = measure_served(), cold_build_ms(bench)
    log("scaling: reloading with 10x the plans (500 per category)")
    bench.manage("seed_bench", "--plans-per-category", "500")
    bench.vacuum()
    restart()
    after, after_cold = measure_served(), cold_build_ms(bench)
    lines = [
        "| endpoint | 1x: req/s, p50 / p99 ms | 10x: req/s, p50 / p99 ms | p50 change | uncached build 1x → 10x |",
        "|---|---:|---:|---:|---:|",
    ]
    ok = True
    for name, path in SCALE_PATHS.items():
        change = after[name].p50_ms / before[name].p50_ms - 1
        ok &= abs(change) < 0.20
        lines.append(
            f"| `{path}` | {before[name].rps:,.0f}, {before[name].p50_ms:.2f} / {before[name].p99_ms:.2f} "
            f"| {after[name].rps:,.0f}, {after[name].p50_ms:.2f} / {after[name].p99_ms:.2f} | {change:+.1%} "
            f"| {before_cold[name]:.2f} ms → {after_cold[name]:.2f} ms |"
        )
    lines.append(
        "\n1x: 406 plans (8 categories x 50 + demos); 10x: 4,006 plans. Served = through gunicorn, warm; "
        "uncached build = the selector and serializer alone (median of 200), what a cache miss costs."
    )
    return "\n".join(lines), ok


def worker_rss_kib(master_pid: int) -> dict:
    children = Path(f"/proc/{master_pid}/task/{master_pid}/children").read_text().split()
    rss = {}
    for pid in children:
        status = Path(f"/proc/{pid}/status").read_text()
        rss[int(pid)] = int(re.search(r"VmRSS:\s+(\d+) kB", status).group(1))
    return rss


def memory(bench: Bench, token: str) -> tuple[str, bool]:
    bench.stop("ours")
    # Recycling off, so the same workers serve every request and growth would show.
    bench.start("ours", GUNICORN_MAX_REQUESTS="0")
    master = bench.processes["ours"].pid
    script = lua(bench.workdir, "memory_auth_get", token=token)
    targets = [(p, None) for p in SCALE_PATHS.values()] + [("/api/categories", None), (DAILY_PLAN, script)]

    def drive(total: int) -> int:
        done = 0
        while done < total:
            for path, lua_script in targets:
                done += wrk(f"http://{HOST}:{PORTS['ours']}{path}", 2, bench.args.connections, lua_script).requests
        return done

    drive(5000)
    before = worker_rss_kib(master)
    served = drive(50_000)
    after = worker_rss_kib(master)
    lines = ["| worker pid | RSS before | RSS after | change |", "|---:|---:|---:|---:|"]
    ok = True
    for pid in sorted(before):
        growth = after.get(pid, 0) - before[pid]
        ok &= pid in after and growth < 0.05 * before[pid]
        lines.append(
            f"| {pid} | {before[pid] / 1024:.1f} MiB | {after.get(pid, 0) / 1024:.1f} MiB | {growth / 1024:+.1f} MiB |"
        )
    lines.append(
        f"\n{served:,} requests (daily plan anonymous and signed in, plan list, categories) after 5,000 to warm up."
    )
    bench.stop("ours")
    bench.start("ours")
    return "\n".join(lines), ok


# Main


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--duration", type=float, default=10, help="seconds per wrk run (default 10)")
    parser.add_argument("--rounds", type=int, default=3, help="rounds per endpoint, alternating servers (default 3)")
    parser.add_argument("--connections", type=int, default=16, help="wrk connections (default 16)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers for each server (default 2)")
    parser.add_argument("--quick", action="store_true", help="3-second runs, 1 round")
    parser.add_argument("--skip-scaling", action="store_true")
    parser.add_argument("--skip-memory", action="store_true")
    args = parser.parse_args()
    if args.quick:
        args.duration, args.rounds = 3, 1

    workdir = Path(tempfile.mkdtemp(prefix="fyp-bench-"))
    bench = Bench(args=args, workdir=workdir)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    try:
        ensure_services()
        wrk_version = run(["wrk", "-v"], capture_output=True, check=False).stdout.splitlines()[0]
        machine = (
            f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {os.cpu_count()} CPUs ({_cpu_model()}), "
            f"Python {sys.version.split()[0]}, {wrk_version}; wrk -t2 -c{args.connections} -d{args.duration:g}s, "
            f"median of {args.rounds} rounds; gunicorn -w {args.workers} for each server"
        )
        log(machine)
        bench.create_data()
        for name in ("peer", "ours", "ceiling"):
            bench.start(name)
        tokens = {server: sign_in(server) for server in ("peer", "ours")}
        _status, body = http("GET", f"http://{HOST}:{PORTS['ours']}{DAILY_PLAN}")
        our_plan = body["data"]
        queries = {
            "peer": peer_query_counts(bench),
            "ours": our_query_counts(bench, tokens["ours"], endpoints(our_plan)),
        }
        medians, ranges = measure(bench, tokens, our_plan)
        table, checks = report(medians, ranges, queries, our_plan, args)
        sections = [f"Machine: {machine}", table]
        if not args.skip_memory:
            memory_table, memory_ok = memory(bench, tokens["ours"])
            sections.append("Memory per worker over 50,000 requests (max_requests off):\n\n" + memory_table)
            checks.append(("memory per worker flat (< 5% growth)", 1.0 if memory_ok else 0.0, 1.0))
        if not args.skip_scaling:
            scale_table, scale_ok = scaling(bench)
            sections.append("Scaling, our app, 1x and 10x the plans:\n\n" + scale_table)
            checks.append(("10x plans change /api/plans and /api/plan p50 by < 20%", 1.0 if scale_ok else 0.0, 1.0))
        print("\n" + "\n\n".join(sections))
        passed = print_checks(checks)
        results = ROOT / "bench" / "results"
        results.mkdir(exist_ok=True)
        (results / f"{datetime.now(UTC):%Y%m%dT%H%M%SZ}.md").write_text("\n\n".join(sections) + "\n")
        return 0 if passed else 1
    finally:
        log("cleaning up")
        bench.cleanup()


def _cpu_model() -> str:
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return "unknown CPU"


if __name__ == "__main__":
    sys.exit(main())
