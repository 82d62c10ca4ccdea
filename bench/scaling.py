"""How our app behaves with ten times the plans, and whether its workers' memory grows."""

import json
import re
from pathlib import Path

from bench.compare import DAILY_PLAN
from bench.stack import Stack, log
from bench.wrk import median, request_script, wrk

SCALE_PATHS = {"plans20": "/api/plans?limit=20", "plan": DAILY_PLAN}


def cold_build_ms(stack: Stack, **env) -> dict:
    return json.loads(stack.python("-m", "bench.build_timer", **env).strip().splitlines()[-1])


def scaling(stack: Stack, rounds: int, seconds: float, connections: int) -> tuple[str, bool]:
    """Our app on the run's data (1x) and on a copy with 10x the plans, two servers side by side
    measured in alternating rounds (as the comparison is), so a machine that slows down between
    two measurements does not pass for a cost of the data."""
    log("scaling: loading a third database with 10x the plans (500 per category)")
    tenfold = stack.create_scaled_data(plans_per_category=500)
    # Fresh servers, so both start from the same state.
    stack.stop("ours")
    stack.start("ours")
    stack.start("ours", port_name="variant", **tenfold)
    servers = {"1x": "ours", "10x": "variant"}
    runs = {}
    for path in SCALE_PATHS.values():
        for port in servers.values():
            wrk(f"{stack.base(port)}{path}", 2, connections)
    for round_number in range(rounds):
        for name, path in SCALE_PATHS.items():
            order = list(servers.items()) if round_number % 2 == 0 else list(reversed(servers.items()))
            for size, port in order:
                runs.setdefault((name, size), []).append(wrk(f"{stack.base(port)}{path}", seconds, connections))
    stack.stop("variant")
    served = {key: median(results) for key, results in runs.items()}
    cold = {"1x": cold_build_ms(stack), "10x": cold_build_ms(stack, **tenfold)}
    lines = [
        "| endpoint | 1x: req/s, p50 / p99 ms | 10x: req/s, p50 / p99 ms | p50 change | uncached build 1x → 10x |",
        "|---|---:|---:|---:|---:|",
    ]
    ok = True
    for name, path in SCALE_PATHS.items():
        before, after = served[(name, "1x")], served[(name, "10x")]
        change = after.p50_ms / before.p50_ms - 1
        ok &= abs(change) < 0.20
        lines.append(
            f"| `{path}` | {before.rps:,.0f}, {before.p50_ms:.2f} / {before.p99_ms:.2f} "
            f"| {after.rps:,.0f}, {after.p50_ms:.2f} / {after.p99_ms:.2f} | {change:+.1%} "
            f"| {cold['1x'][name]:.2f} ms → {cold['10x'][name]:.2f} ms |"
        )
    lines.append(
        f"\n1x: 8 categories x 50 plans + demos; 10x: 500 per category, in a database of its own. Served = "
        f"through gunicorn, warm, median of {rounds} alternating rounds; uncached build = the selector and "
        "serializer alone (median of 200), what a cache miss costs."
    )
    return "\n".join(lines), ok


def worker_rss_kib(master_pid: int) -> dict:
    children = Path(f"/proc/{master_pid}/task/{master_pid}/children").read_text().split()
    rss = {}
    for pid in children:
        status = Path(f"/proc/{pid}/status").read_text()
        rss[int(pid)] = int(re.search(r"VmRSS:\s+(\d+) kB", status).group(1))
    return rss


def memory(stack: Stack, token: str, connections: int) -> tuple[str, bool]:
    stack.stop("ours")
    # Recycling off, so the same workers serve every request and growth would show.
    stack.start("ours", GUNICORN_MAX_REQUESTS="0")
    master = stack.processes["ours"].pid
    script = request_script(stack.workdir, "memory_signed_in", token=token)
    targets = [(p, None) for p in SCALE_PATHS.values()] + [("/api/categories", None), (DAILY_PLAN, script)]

    def drive(total: int) -> int:
        done = 0
        while done < total:
            for path, lua_script in targets:
                done += wrk(f"{stack.base('ours')}{path}", 2, connections, lua_script).requests
        return done

    # Warm up long enough that every worker has loaded and cached what it serves.
    drive(20_000)
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
    lines.append(f"\n{served:,} requests (daily plan anonymous and signed in, plan list, categories) after 20,000.")
    stack.stop("ours")
    stack.start("ours")
    return "\n".join(lines), ok
