#!/usr/bin/env python3
"""Time `manage.py import_videos` on the scraper's dataset and check its memory stays flat.

    .venv/bin/python bench/import_videos.py [--items 100000] [--small 10000]

Writes two JSON array exports shaped like the Apify actor's (clockworks/tiktok-scraper: about
1.5 KB an item with its nested author, video and music details), migrates a throwaway
PostgreSQL database, and runs the command in its own process three times: the small file,
the large file into an empty library, and the large file again (every video updated or
unchanged). Prints each run's time and peak RSS (from the kernel's accounting of that
process), and PASS/FAIL against the targets: the large import under 60 s, and its peak RSS
within 25 MB of the small one's (memory that does not grow with the file).
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.stack import HOST, ensure_services, log, psql  # noqa: E402
from catalog.tests.fakes import scraped_item  # noqa: E402

TIME_LIMIT_S = 60.0
MEMORY_GROWTH_LIMIT_MB = 25.0


def write_export(path: Path, items: int, offset: int = 0) -> None:
    """A JSON array of `items` scraper items, written a line at a time."""
    with path.open("w") as out:
        out.write("[\n")
        for n in range(items):
            item = scraped_item(offset + n)
            item["authorMeta"].update(
                {
                    "id": str(6800000000000000000 + n % 50),
                    "avatar": f"https://p16-sign.tiktokcdn.com/avatar/{n % 50}.jpeg",
                    "signature": "Daily routines, habits and a calmer feed.",
                    "fans": 120_000 + n % 997,
                    "heart": 3_400_000,
                    "video": 412,
                }
            )
            item["videoMeta"].update({"height": 1024, "width": 576, "definition": "540p", "format": "mp4"})
            item["mentions"] = []
            item["mediaUrls"] = []
            item["musicMeta"].update({"playUrl": f"https://sf16.tiktokcdn.com/music/{n}.mp3", "musicOriginal": True})
            out.write(("," if n else "") + json.dumps(item) + "\n")
        out.write("]\n")


def timed_import(path: Path, env: dict) -> tuple[float, float, str]:
    """Run the command; return (seconds, peak RSS in MB, its summary line)."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        start = time.perf_counter()
        process = subprocess.Popen(
            [sys.executable, "manage.py", "import_videos", str(path)], cwd=ROOT, env=env, stdout=out, stderr=err
        )
        _pid, status, usage = os.wait4(process.pid, 0)  # this process's own peak RSS
        seconds = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        if process.returncode != 0:
            raise SystemExit(f"import_videos failed:\n{err.read()}")
        return seconds, usage.ru_maxrss / 1024, out.read().strip().splitlines()[-1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--small", type=int, default=10_000)
    args = parser.parse_args()
    ensure_services()
    workdir = Path(tempfile.mkdtemp(prefix="fyp-import-"))
    database = f"fyp_bench_import_{os.getpid()}"
    psql(f"CREATE DATABASE {database}")
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://postgres@{HOST}:5432/{database}",
        "REDIS_URL": "",
        "DEBUG": "False",
        "SECRET_KEY": "bench-only-secret-key-bench-only-secret-key",
        "ALLOWED_HOSTS": "127.0.0.1",
    }
    try:
        subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
        small, large = workdir / "small.json", workdir / "large.json"
        log(f"writing {args.small:,} and {args.items:,} scraper items")
        write_export(small, args.small, offset=10_000_000)
        write_export(large, args.items)
        log(f"export sizes: {small.stat().st_size / 1e6:.0f} MB and {large.stat().st_size / 1e6:.0f} MB")
        runs = {}
        for name, path in (("small", small), ("large, new", large), ("large, again", large)):
            seconds, peak, summary = timed_import(path, env)
            runs[name] = (seconds, peak)
            log(f"{name:13} {seconds:6.1f} s  peak RSS {peak:6.1f} MB  ({summary})")
        growth = runs["large, new"][1] - runs["small"][1]
        checks = [
            (f"{args.items:,} new videos imported in < {TIME_LIMIT_S:.0f} s", runs["large, new"][0] < TIME_LIMIT_S),
            (f"{args.items:,} videos re-imported in < {TIME_LIMIT_S:.0f} s", runs["large, again"][0] < TIME_LIMIT_S),
            (
                f"peak RSS grows {growth:+.1f} MB from {args.small:,} to {args.items:,} items "
                f"(< {MEMORY_GROWTH_LIMIT_MB:.0f} MB)",
                growth < MEMORY_GROWTH_LIMIT_MB,
            ),
        ]
        rate = args.items / runs["large, new"][0]
        print(f"\nimport rate: {rate:,.0f} videos/s new, {args.items / runs['large, again'][0]:,.0f} videos/s again")
        for label, ok in checks:
            print(f"  [{'PASS' if ok else 'FAIL'}] {label}")
        return 0 if all(ok for _label, ok in checks) else 1
    finally:
        psql(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")
        for path in workdir.iterdir():
            path.unlink()
        workdir.rmdir()


if __name__ == "__main__":
    sys.exit(main())
