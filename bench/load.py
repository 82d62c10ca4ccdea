#!/usr/bin/env python3
"""Load test: 100 concurrent connections for 60 s against our app, reads and then a mix.

    .venv/bin/python bench/load.py                # 100 connections, 60 s per workload
    .venv/bin/python bench/load.py --seconds 10   # a shorter run

Creates a throwaway database on the machine's PostgreSQL with the benchmark data, starts
the app under gunicorn with its shipped configuration (gunicorn.conf.py, 2 workers, Redis
as the shared cache), and drives it with wrk:

  reads  anonymous /api/categories, /api/plan, /api/plans?limit=20, /api/plans/{id},
         round robin;
  mixed  50 signed-in users: their daily plan, /api/progress, completing and un-completing
         steps, changing preferences (about a third of the requests write).

It prints requests, errors (non-2xx answers and socket errors; the target is 0), req/s
and latency percentiles for each workload, then stops everything and drops the database.
Rate limits are raised for the run: one machine's wrk is not the clients they are for.
"""

import argparse
import signal
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.stack import HOST, PORTS, Stack, ensure_services, http, log, run
from bench.wrk import lua_list, parse

READS_LUA = """
local paths = {PATHS}
local n = 0
request = function()
  n = n + 1
  return wrk.format("GET", paths[(n % #paths) + 1])
end
"""

MIXED_LUA = """
local tokens = {TOKENS}
local plan, steps = {PLAN}, {STEPS}
local n = 0
request = function()
  n = n + 1
  local headers = {["Authorization"] = "Bearer " .. tokens[(n % #tokens) + 1], ["Content-Type"] = "application/json"}
  local step = steps[(n % #steps) + 1]
  local kind = n % 6
  if kind == 0 then
    return wrk.format("POST", "/api/plans/" .. plan .. "/steps/" .. step .. "/complete", headers)
  elseif kind == 1 then
    return wrk.format("DELETE", "/api/plans/" .. plan .. "/steps/" .. step .. "/complete", headers)
  elseif kind == 2 then
    local dark = (n % 2 == 0) and "true" or "false"
    return wrk.format("PATCH", "/api/preferences", headers, '{"dark_mode": ' .. dark .. '}')
  elseif kind == 3 then
    return wrk.format("GET", "/api/progress", headers)
  else
    return wrk.format("GET", "/api/plan?category=personal_growth&lang=en", headers)
  end
end
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--connections", type=int, default=100)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="fyp-load-"))
    bench = Stack(workers=args.workers, workdir=workdir)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    try:
        ensure_services()
        bench.create_data(servers=("ours",))
        bench.start("ours")
        base = f"http://{HOST}:{PORTS['ours']}"
        _status, body = http("GET", f"{base}/api/plan?category=personal_growth&lang=en")
        plan = body["data"]
        _status, page = http("GET", f"{base}/api/plans?limit=5")
        tokens = []
        for n in range(50):
            _status, session = http("POST", f"{base}/api/auth/guest", {"client_id": f"load-test-device-{n:04d}"})
            tokens.append(session["data"]["token"])

        reads = [
            "/api/categories",
            "/api/plan?category=personal_growth&lang=en",
            "/api/plans?limit=20",
            *(f"/api/plans/{p['id']}" for p in page["data"]["plans"]),
        ]
        scripts = {
            "reads": READS_LUA.replace("{PATHS}", lua_list(reads)),
            "mixed": MIXED_LUA.replace("{TOKENS}", lua_list(tokens))
            .replace("{PLAN}", str(plan["id"]))
            .replace("{STEPS}", lua_list(step["id"] for step in plan["steps"])),
        }
        rows = []
        for name, script in scripts.items():
            path = workdir / f"{name}.lua"
            path.write_text(script)
            log(f"{name}: {args.connections} connections for {args.seconds} s")
            output = run(
                [
                    "wrk",
                    "-t2",
                    f"-c{args.connections}",
                    f"-d{args.seconds}s",
                    "--latency",
                    "--timeout=10s",
                    "-s",
                    str(path),
                    base,
                ],
                capture_output=True,
            ).stdout
            rows.append((name, output))
        print("\n| workload | requests | errors | req/s | p50 ms | p90 ms | p99 ms |")
        print("|---|---:|---:|---:|---:|---:|---:|")
        total_errors = 0
        for name, output in rows:
            stats = parse(output)
            total_errors += stats.errors
            print(
                f"| {name} | {stats.requests:,} | {stats.errors} | {stats.rps:,.0f} "
                f"| {stats.p50_ms:.1f} | {stats.p90_ms:.1f} | {stats.p99_ms:.1f} |"
            )
        print(f"\n{args.connections} connections, {args.seconds} s per workload, gunicorn -w {args.workers}.")
        print(f"Errors in all: {total_errors} (target 0).")
        return 0 if total_errors == 0 else 1
    finally:
        log("cleaning up")
        bench.cleanup()


if __name__ == "__main__":
    sys.exit(main())
