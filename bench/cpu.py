"""CPU time spent per request by each process a run involves: the app's, PostgreSQL's, Redis's.

On a shared VM req/s swings from run to run; the CPU time a request costs each process is the
steadier measure of where the work goes (read from /proc: user + system time, in ms).
"""

import os
from pathlib import Path

TICKS = os.sysconf("SC_CLK_TCK")
SERVICES = {"postgres": "database", "redis-server": "redis"}


def cpu_seconds(session_ids: dict[str, int]) -> dict[str, float]:
    """CPU seconds so far of each server's processes (by session id), PostgreSQL's and Redis's."""
    names = {pid: name for name, pid in session_ids.items()}
    totals = dict.fromkeys([*session_ids, *SERVICES.values()], 0.0)
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            stat = Path(entry.path, "stat").read_text()
        except OSError:
            continue
        command = stat[stat.index("(") + 1 : stat.rindex(")")]
        fields = stat[stat.rindex(")") + 2 :].split()
        # After the command: state, ppid, pgrp, session, ... utime, stime, and the same for
        # children that exited (a database connection closed, a worker recycled): the parent
        # (postmaster, gunicorn's master) inherits their time, so none of it goes missing.
        session, seconds = int(fields[3]), sum(map(int, fields[11:15])) / TICKS
        # The command is the process's own name: every PostgreSQL backend is "postgres".
        name = names.get(session) or SERVICES.get(command)
        if name is not None:
            totals[name] += seconds
    return totals


def per_request(before: dict[str, float], after: dict[str, float], requests: int, server: str) -> dict[str, float]:
    """Milliseconds of CPU per request: the server's app, the database, Redis."""
    count = max(requests, 1)
    return {part: (after[part] - before[part]) * 1000 / count for part in (server, "database", "redis")}
