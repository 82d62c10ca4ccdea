"""How our app behaves with ten times the plans, and whether its workers' memory grows."""

import json
import re
from pathlib import Path

from bench.compare import DAILY_PLAN
from bench.stack import Stack, log
from bench.wrk import median, request_script, wrk

SCALE_PATHS = {"plans20": "/api/plans?limit=20", "plan": DAILY_PLAN}


def cold_build_ms(stack: Stack) -> dict:
    return json.loads(stack.python("-m", "bench.build_timer").strip().splitlines()[-1])


def scaling(stack: Stack, rounds: int, seconds: float, connections: int) -> tuple[str, bool]:
    def measure_served() -> dict:
        served = {}
        for name, path in SCALE_PATHS.items():
            url = f"{stack.base('ours')}{path}"
            wrk(url, 2, connections)
            served[name] = median([wrk(url, seconds, connections) for _ in range(rounds)])
        return served

    def restart() -> None:
        # A fresh server for each measurement, so both start from the same state.
        stack.stop("ours")
        stack.start("ours")

    log("scaling: 1x data")
    restart()
    before, before_cold = measure_served(), cold_build_ms(stack)
    log("scaling: reloading with 10x the plans (500 per category)")
    stack.python("-m", "bench.seed", "--plans-per-category", "500")
    stack.vacuum()
    restart()
    after, after_cold = measure_served(), cold_build_ms(stack)
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
        "\n1x: 8 categories x 50 plans + demos; 10x: 500 per category. Served = through gunicorn, warm; "
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
