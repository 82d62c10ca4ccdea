"""The benchmark's CPU accounting (bench/cpu.py) counts a server's processes, exited ones included."""

import subprocess
import sys
import time

import pytest

from bench.cpu import cpu_seconds, per_request

BURN = "import time\nend = time.process_time() + {seconds}\nwhile time.process_time() < end: pass\n"


def spawn(code: str) -> subprocess.Popen:
    # A session of its own, as bench/stack.py starts each server.
    return subprocess.Popen([sys.executable, "-c", code], start_new_session=True)


def counted_cpu(process: subprocess.Popen, at_least: float) -> float:
    """The CPU seconds counted for the process's session, once they reach `at_least` (20 s at most)."""
    deadline = time.monotonic() + 20
    try:
        while (seconds := cpu_seconds({"server": process.pid})["server"]) < at_least and time.monotonic() < deadline:
            time.sleep(0.05)
        return seconds
    finally:
        process.kill()
        process.wait()


def test_counts_the_cpu_of_a_servers_session():
    process = spawn(BURN.format(seconds=0.4) + "time.sleep(30)")

    assert counted_cpu(process, 0.35) >= 0.35


def test_keeps_the_cpu_of_a_worker_that_exited():
    # A master whose worker burns CPU and exits: its time moves to the master, not away.
    master = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import subprocess, sys, time\n"
            f"subprocess.run([sys.executable, '-c', {BURN.format(seconds=0.4)!r}])\n"
            "print('worker exited', flush=True)\n"
            "time.sleep(30)\n",
        ],
        start_new_session=True,
        stdout=subprocess.PIPE,
        text=True,
    )
    # Counted only after the worker is gone: its own process no longer exists.
    assert master.stdout.readline().strip() == "worker exited"

    assert counted_cpu(master, 0.35) >= 0.35


def test_the_database_and_redis_are_counted_apart():
    totals = cpu_seconds({})

    assert set(totals) == {"database", "redis"}


def test_per_request_in_milliseconds():
    before = {"ours": 1.0, "database": 2.0, "redis": 0.5}
    after = {"ours": 3.0, "database": 2.5, "redis": 0.6, "peer": 9.0}

    assert per_request(before, after, 1000, "ours") == pytest.approx({"ours": 2.0, "database": 0.5, "redis": 0.1})
