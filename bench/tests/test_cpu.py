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


def test_counts_the_cpu_of_a_servers_session():
    process = spawn(BURN.format(seconds=0.4) + "time.sleep(30)")
    try:
        deadline = time.monotonic() + 20
        while cpu_seconds({"server": process.pid})["server"] < 0.35 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert cpu_seconds({"server": process.pid})["server"] >= 0.35
    finally:
        process.kill()
        process.wait()


def test_keeps_the_cpu_of_a_worker_that_exited():
    # A master whose worker burns CPU and exits: its time moves to the master, not away.
    master = spawn(
        "import subprocess, sys, time\n"
        f"subprocess.run([sys.executable, '-c', {BURN.format(seconds=0.4)!r}])\n"
        "time.sleep(30)\n"
    )
    try:
        deadline = time.monotonic() + 20
        while cpu_seconds({"server": master.pid})["server"] < 0.35 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert cpu_seconds({"server": master.pid})["server"] >= 0.35
    finally:
        master.kill()
        master.wait()


def test_the_database_and_redis_are_counted_apart():
    totals = cpu_seconds({})

    assert set(totals) == {"database", "redis"}


def test_per_request_in_milliseconds():
    before = {"ours": 1.0, "database": 2.0, "redis": 0.5}
    after = {"ours": 3.0, "database": 2.5, "redis": 0.6, "peer": 9.0}

    assert per_request(before, after, 1000, "ours") == pytest.approx({"ours": 2.0, "database": 0.5, "redis": 0.1})
