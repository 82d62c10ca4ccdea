"""The side-by-side comparison: each endpoint on the peer and on ours, in alternating rounds."""

import json
import statistics
import time
from dataclasses import dataclass

from bench.cpu import cpu_seconds, per_request
from bench.stack import BENCH_USER, HOST, PEER, PEER_VENV, PORTS, Stack, http, log, psql, run
from bench.wrk import FreshCompletions, WrkResult, median, request_script, wrk

DAILY_PLAN = "/api/plan?category=personal_growth&lang=en"
WRITERS = {"peer": 40, "ours": 100}
PEER_COUNTED = ["/api/health", "/api/categories", DAILY_PLAN, "/api/plans?limit=20"]


@dataclass
class Endpoint:
    name: str
    label: str
    peer: str | None
    ours: str
    method: str = "GET"
    signed_in: bool = False
    cached_read: bool = False


ENDPOINTS = [
    Endpoint("categories", "GET /api/categories", "/api/categories", "/api/categories", cached_read=True),
    Endpoint("plan", f"GET {DAILY_PLAN}", DAILY_PLAN, DAILY_PLAN, cached_read=True),
    Endpoint("plans20", "GET /api/plans?limit=20", "/api/plans?limit=20", "/api/plans?limit=20", cached_read=True),
    Endpoint("health", "GET /api/health", "/api/health", "/api/health"),
    Endpoint("plan_auth", f"GET {DAILY_PLAN} (Bearer; peer: anonymous)", None, DAILY_PLAN, signed_in=True),
    Endpoint(
        "complete",
        "POST /api/plans/{id}/steps/{id}/complete (a new completion every request)",
        "/api/plans/{id}/steps/{id}/complete",
        "/api/plans/{id}/steps/{id}/complete",
        method="POST",
        signed_in=True,
    ),
    Endpoint("login", "POST /api/auth/login", "/api/auth/login", "/api/auth/login", method="POST"),
]
BY_NAME = {endpoint.name: endpoint for endpoint in ENDPOINTS}

# (label, endpoint, compared with the peer's endpoint, minimum ratio of req/s)
TARGETS = [
    ("/api/plan >= 5x the peer", "plan", "plan", 5.0),
    ("/api/plans?limit=20 >= 5x the peer", "plans20", "plans20", 5.0),
    ("/api/categories >= 1.5x the peer", "categories", "categories", 1.5),
    ("signed-in /api/plan >= 3x the peer's anonymous /api/plan", "plan_auth", "plan", 3.0),
    ("completing a step (fresh completions) >= 1.2x the peer", "complete", "complete", 1.2),
    ("/api/health >= 1x the peer", "health", "health", 1.0),
    ("login: at least as many logins/s as the peer", "login", "login", 1.0),
]


class Drivers:
    """What each server needs to be driven: tokens, and the scripts for each endpoint."""

    def __init__(self, stack: Stack):
        self.stack = stack
        workdir = stack.workdir
        self.tokens = {server: sign_in(stack, server) for server in ("peer", "ours")}
        ours = json.loads(stack.python("-m", "bench.users", str(WRITERS["ours"])).strip().splitlines()[-1])
        self.fresh = {
            "ours": FreshCompletions(workdir, "ours", ours["tokens"], ours["paths"]),
            "peer": FreshCompletions(workdir, "peer", peer_writers(stack, WRITERS["peer"]), peer_step_paths(stack)),
        }
        self.scripts = {}
        for server in ("peer", "ours"):
            self.scripts[(server, "signed_in")] = request_script(workdir, f"{server}_get", token=self.tokens[server])
            self.scripts[(server, "login")] = request_script(workdir, f"{server}_login", "POST", body=BENCH_USER)

    def drive(self, server: str, endpoint: Endpoint, seconds: float, connections: int, port: str | None = None):
        """Run wrk against `server` (on `port`, default its own) for the endpoint; return the result."""
        url = f"{self.stack.base(port or server)}{getattr(endpoint, 'ours' if server == 'ours' else 'peer')}"
        if endpoint.name == "complete":
            fresh = self.fresh[server]
            result = wrk(self.stack.base(port or server) + "/", seconds, connections, fresh.script(), timeout="30s")
            fresh.done(result)
            return result
        script = None
        if endpoint.name == "login":
            script = self.scripts[(server, "login")]
        elif endpoint.signed_in:
            script = self.scripts[(server, "signed_in")]
        return wrk(url, seconds, connections, script, timeout="30s")


def sign_in(stack: Stack, server: str) -> str:
    base = stack.base(server)
    http("POST", f"{base}/api/auth/register", BENCH_USER)
    status, body = http("POST", f"{base}/api/auth/login", BENCH_USER)
    if status != 200:
        raise RuntimeError(f"{server} login failed: {status} {body}")
    return body["data"]["token"]


def peer_writers(stack: Stack, count: int) -> list[str]:
    """Register `count` users on the peer (bcrypt: about a quarter of a second each); return their tokens."""
    log(f"registering {count} users on the peer")
    tokens = []
    for n in range(count):
        body = {"email": f"writer{n}@bench.example.com", "password": BENCH_USER["password"]}
        status, answer = http("POST", f"{stack.base('peer')}/api/auth/register", body)
        if status >= 300:
            raise RuntimeError(f"peer register failed: {status} {answer}")
        tokens.append(answer["data"]["token"])
    return tokens


def peer_step_paths(stack: Stack) -> list[str]:
    # The peer completes any step id under any plan id.
    ids = psql("SELECT id FROM plan_steps ORDER BY id", stack.databases["peer"]).split()
    return [f"/api/plans/1/steps/{step}/complete" for step in ids]


def query_counts(stack: Stack, token: str) -> dict:
    """Return, per endpoint, "warm (cold)" query counts for ours and the peer's counts."""
    spec = [(e.name, e.method.lower(), e.ours, e.signed_in) for e in ENDPOINTS if e.method == "GET"]
    ours = json.loads(stack.python("-m", "bench.queries", token, json.dumps(spec)).strip().splitlines()[-1])
    output = run(
        [str(PEER_VENV / "bin" / "python"), "count_queries.py", *PEER_COUNTED, "--login"],
        cwd=PEER,
        env=stack.peer_env(),
        capture_output=True,
    ).stdout
    peer_paths = {}
    for line in output.splitlines()[1:]:
        parts = line.rsplit(None, 4)
        peer_paths[parts[0].strip()] = parts[2]
    peer = {e.name: peer_paths.get(e.peer, "-") for e in ENDPOINTS if e.peer}
    peer["login"] = peer_paths.get("POST /api/auth/login", "-")
    peer["plan_auth"] = peer.get("plan", "-") + " (anonymous)"
    return {
        "ours": {name: f"{warm} ({cold} cold)" if warm != cold else str(warm) for name, (cold, warm) in ours.items()},
        "ours_warm": {name: warm for name, (_cold, warm) in ours.items()},
        "peer": peer,
    }


def measure(drivers: Drivers, rounds: int, seconds: float, connections: int) -> tuple[dict, dict]:
    """Return {(endpoint, server): [WrkResult per round]}, plus the ceiling under ("ceiling", "ours"),
    and {(endpoint, server): [CPU ms per request of the app, the database and Redis, per round]}."""
    results: dict[tuple[str, str], list[WrkResult]] = {}
    cpu: dict[tuple[str, str], list[dict]] = {}
    sessions = {server: drivers.stack.processes[server].pid for server in ("peer", "ours")}
    ceiling_url = f"http://{HOST}:{PORTS['ceiling']}/ceiling"
    # Warm up every server and endpoint once.
    for endpoint in ENDPOINTS:
        if endpoint.name != "login":
            for server in servers_of(endpoint):
                drivers.drive(server, endpoint, 2, connections)
    wrk(ceiling_url, 2, connections)
    # Rounds outermost, so each endpoint and the ceiling are measured close together in time;
    # the order of peer and ours alternates from round to round.
    for round_number in range(rounds):
        for endpoint in ENDPOINTS:
            servers = servers_of(endpoint)
            order = servers if round_number % 2 == 0 else list(reversed(servers))
            login = endpoint.name == "login"
            for server in order:
                if login:
                    drain()
                # A login takes a quarter of a second of CPU: give the run time to complete enough.
                before = cpu_seconds(sessions)
                result = drivers.drive(server, endpoint, max(seconds, 10) if login else seconds, connections)
                if login:
                    drain()
                results.setdefault((endpoint.name, server), []).append(result)
                spent = per_request(before, cpu_seconds(sessions), result.requests, server)
                cpu.setdefault((endpoint.name, server), []).append(spent)
                log(f"{endpoint.name:10} {server:5} round {round_number + 1}: {summary(result)}")
                if result.errors:
                    explain_errors(drivers.stack, server, result)
            if endpoint.cached_read:
                result = wrk(ceiling_url, seconds, connections)
                results.setdefault(("ceiling", "ours"), []).append(result)
    return results, cpu


def summary(result: WrkResult) -> str:
    return f"{result.rps:8.1f} req/s, p99 {result.p99_ms:.1f} ms, {result.errors} errors"


def explain_errors(stack: Stack, server: str, result: WrkResult) -> None:
    """Say what the errors of a run were: wrk's socket errors, and the server's last log lines
    (Django logs each 4xx and 5xx answer there), before the run's directory is removed."""
    if result.socket_errors:
        log(f"  {result.socket_errors}")
    lines = (stack.workdir / f"{server}.log").read_text(errors="replace").splitlines()
    for line in lines[-5:]:
        log(f"  {server}.log: {line[:300]}")


def servers_of(endpoint: Endpoint) -> list[str]:
    return ["peer", "ours"] if endpoint.peer else ["ours"]


def drain() -> None:
    """Let queued logins finish before the next run starts."""
    time.sleep(4)


def report(results: dict, cpu: dict, queries: dict, connections: int) -> tuple[str, list]:
    medians = {key: median(value) for key, value in results.items()}
    lines = [
        "| endpoint | peer req/s | ours req/s | ratio | peer p50 / p99 ms | ours p50 / p99 ms | queries peer | ours |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for endpoint in ENDPOINTS:
        ours = medians.get((endpoint.name, "ours"))
        peer = medians.get(("plan" if endpoint.name == "plan_auth" else endpoint.name, "peer"))
        ratio = f"**{ours.rps / peer.rps:.2f}x**" if ours and peer and peer.rps else "-"
        lines.append(
            f"| `{endpoint.label}` | {cell_rps(peer)} | {cell_rps(ours)} | {ratio} | {cell_latency(peer)} "
            f"| {cell_latency(ours)} | {queries['peer'].get(endpoint.name, 'n/a')} "
            f"| {queries['ours'].get(endpoint.name, 'n/a')} |"
        )
    ceiling = medians[("ceiling", "ours")]
    lines.append(
        f"| ceiling: bare Django view, constant JSON | - | {ceiling.rps:,.0f} | - | - "
        f"| {cell_latency(ceiling)} | - | 0 |"
    )
    errors = sum(result.errors for result in medians.values())
    lines += [
        "",
        f"Non-2xx responses and socket errors in the median runs: {errors}. Cached reads ran at "
        + ", ".join(
            f"{name} {medians[(name, 'ours')].rps / ceiling.rps:.0%}" for name in ("categories", "plan", "plans20")
        )
        + f" of the ceiling at {connections} connections.",
        "req/s over the rounds (min-max): "
        + ", ".join(
            f"{name}/{server} {min(r.rps for r in runs):,.0f}-{max(r.rps for r in runs):,.0f}"
            for (name, server), runs in sorted(results.items())
        ),
    ]
    lines += ["", *cpu_table(cpu)]
    checks = [
        (label, medians[(name, "ours")].rps / max(medians[(peer_name, "peer")].rps, 0.001), threshold)
        for label, name, peer_name, threshold in TARGETS
    ]
    warm = queries["ours_warm"]
    public = [name for name in ("categories", "plan", "plans20") if name in warm]
    checks.append(("0 queries on warm public reads", 1.0 if all(warm[name] == 0 for name in public) else 0.0, 1.0))
    return "\n".join(lines), checks


def cpu_table(cpu: dict) -> list[str]:
    """CPU ms per request, median over the rounds: each app, and the database and Redis it used."""
    lines = [
        "CPU time per request (ms, median of the rounds; from /proc, the steadier measure on a shared machine):",
        "",
        "| endpoint | peer: app + database + Redis | ours: app + database + Redis | ours / peer |",
        "|---|---:|---:|---:|",
    ]
    for endpoint in ENDPOINTS:
        cells = {}
        for server in servers_of(endpoint):
            rounds = cpu.get((endpoint.name, server), [])
            if rounds:
                cells[server] = {part: statistics.median(r[part] for r in rounds) for part in rounds[0]}
        if not cells:
            continue
        totals = {server: sum(parts.values()) for server, parts in cells.items()}
        ratio = f"{totals['ours'] / totals['peer']:.2f}" if len(totals) == 2 and totals["peer"] else "-"
        lines.append(f"| `{endpoint.name}` | {cpu_cell(cells.get('peer'))} | {cpu_cell(cells.get('ours'))} | {ratio} |")
    return lines


def cpu_cell(parts: dict | None) -> str:
    if not parts:
        return "-"
    app, database, redis = parts.values()
    return f"{app + database + redis:.2f} ({app:.2f} + {database:.2f} + {redis:.2f})"


def cell_rps(result: WrkResult | None) -> str:
    return f"{result.rps:,.1f}" if result else "-"


def cell_latency(result: WrkResult | None) -> str:
    return f"{result.p50_ms:.2f} / {result.p99_ms:.2f}" if result else "-"


def print_checks(checks: list) -> bool:
    passed = True
    print("\nTargets:")
    for label, value, threshold in checks:
        ok = value >= threshold
        passed &= ok
        print(f"  [{'PASS' if ok else 'FAIL'}] {label}: {value:.2f}")
    return passed
