#!/usr/bin/env python3
"""Side-by-side benchmark: the original Flask backend (the peer) against FYPFixer, in one run.

    .venv/bin/python bench/run.py                 # the full run (about 28 minutes)
    .venv/bin/python bench/run.py --quick         # 3-second runs, 1 round (about 8 minutes)
    .venv/bin/python bench/run.py --only-ablation # just the ablation table

On this machine and in this one run it:
  1. creates two databases on the machine's PostgreSQL and loads the same data shape into
     both (the peer's `seed_db.py --reset --big`, our `python -m bench.seed`);
  2. starts the peer and our app under gunicorn with the same number of workers (2), plus a
     ceiling: a bare Django view returning constant JSON under our settings (bench/ceiling.py);
  3. drives each endpoint with wrk, alternating peer and ours for 3 rounds (bench/compare.py):
     reads, signed-in reads, fresh writes (every request completes a step that user never
     completed) and health; prints the table and checks the targets;
  4. the ablation (bench/ablation.py): each optimisation switched off on its own;
  5. scaling with 10x the plans and memory over 50,000 requests (bench/scaling.py);
  6. stops everything it started and drops what it created.

Needs PostgreSQL and Redis on 127.0.0.1 (started if down), wrk (installed if missing) and
the peer at ../shared/peers/flask-seed (its venv is created in /tmp if missing). Compare
the ratios: absolute figures vary between machines and runs.
"""

import argparse
import os
import signal
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.ablation import ablation
from bench.compare import Drivers, measure, print_checks, query_counts, report
from bench.scaling import memory, scaling
from bench.stack import ROOT, Stack, ensure_services, log, run


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--duration", type=float, default=10, help="seconds per wrk run (default 10)")
    parser.add_argument("--rounds", type=int, default=3, help="rounds per endpoint, alternating servers (default 3)")
    parser.add_argument("--connections", type=int, default=16, help="wrk connections (default 16)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers for each server (default 2)")
    parser.add_argument("--quick", action="store_true", help="3-second runs, 1 round")
    parser.add_argument("--only-ablation", action="store_true", help="skip the comparison, scaling and memory")
    parser.add_argument("--switches", nargs="*", help="only these ablation switches (setting names)")
    parser.add_argument("--skip-ablation", action="store_true")
    parser.add_argument("--skip-scaling", action="store_true")
    parser.add_argument("--skip-memory", action="store_true")
    args = parser.parse_args()
    if args.quick:
        args.duration, args.rounds = 3, 1

    stack = Stack(workers=args.workers, workdir=Path(tempfile.mkdtemp(prefix="fyp-bench-")))
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    try:
        ensure_services()
        wrk_version = run(["wrk", "-v"], capture_output=True, check=False).stdout.splitlines()[0]
        machine = (
            f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {os.cpu_count()} CPUs ({cpu_model()}), "
            f"Python {sys.version.split()[0]}, {wrk_version}; wrk -t2 -c{args.connections} -d{args.duration:g}s, "
            f"median of {args.rounds} rounds; gunicorn -w {args.workers} for each server"
        )
        log(machine)
        stack.create_data()
        for name in ("peer", "ours", "ceiling"):
            stack.start(name)
        drivers = Drivers(stack)
        sections, checks = [f"Machine: {machine}"], []
        if not args.only_ablation:
            queries = query_counts(stack, drivers.tokens["ours"])
            results, cpu = measure(drivers, args.rounds, args.duration, args.connections)
            table, checks = report(results, cpu, queries, args.connections)
            sections.append(table)
        if not args.skip_ablation:
            sections.append(
                "Ablation (each optimisation off on its own, on its endpoint):\n\n"
                + ablation(drivers, args.rounds, args.duration, args.connections, args.switches)
            )
        if not args.only_ablation and not args.skip_memory:
            memory_table, memory_ok = memory(stack, drivers.tokens["ours"], args.connections)
            sections.append("Memory per worker over 50,000 requests (max_requests off):\n\n" + memory_table)
            checks.append(("memory per worker flat (< 5% growth)", 1.0 if memory_ok else 0.0, 1.0))
        if not args.only_ablation and not args.skip_scaling:
            scale_table, scale_ok = scaling(stack, args.rounds, args.duration, args.connections)
            sections.append("Scaling, our app, 1x and 10x the plans:\n\n" + scale_table)
            checks.append(("10x plans change /api/plans and /api/plan p50 by < 20%", 1.0 if scale_ok else 0.0, 1.0))
        print("\n" + "\n\n".join(sections))
        passed = print_checks(checks)
        results_dir = ROOT / "bench" / "results"
        results_dir.mkdir(exist_ok=True)
        (results_dir / f"{datetime.now(UTC):%Y%m%dT%H%M%SZ}.md").write_text("\n\n".join(sections) + "\n")
        return 0 if passed else 1
    finally:
        log("cleaning up")
        stack.cleanup()


def cpu_model() -> str:
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return "unknown CPU"


if __name__ == "__main__":
    sys.exit(main())
