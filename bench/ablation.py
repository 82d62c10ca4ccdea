"""The ablation: each optimisation switched off on its own, measured on the endpoint it serves.

For every switch, a second server of ours runs with that one setting changed, and it is
measured against the unchanged server in alternating rounds of the same run. An optimisation
stays in the code only if it pays for itself: at least 10% more req/s or 10% less p99.
"""

from dataclasses import dataclass

from bench.compare import BY_NAME, Drivers
from bench.stack import log
from bench.wrk import median

WORTH_IT = 0.10


@dataclass
class Switch:
    name: str
    what: str
    environment: dict
    endpoint: str


SWITCHES = [
    Switch(
        "CONTENT_VERSION_CHANNEL",
        "each process hears new content versions on a Redis channel instead of asking on every read",
        {"CONTENT_VERSION_CHANNEL": "False"},
        "plan",
    ),
    Switch(
        "CONTENT_LOCAL_CACHE",
        "each process keeps the payloads it served in its own memory",
        {"CONTENT_LOCAL_CACHE": "False"},
        "plan",
    ),
    Switch("QUERY_MEMO", "valid query strings remembered (lru_cache)", {"QUERY_MEMO": "False"}, "plan"),
    Switch(
        "THROTTLE_BATCH",
        "read limits added to the shared counter 10 requests at a time",
        {"THROTTLE_BATCH": "1"},
        "plan",
    ),
    Switch(
        "PROGRESS_INSERT_SQL",
        "a completion inserted in one statement (not create() in a savepoint)",
        {"PROGRESS_INSERT_SQL": "False"},
        "complete",
    ),
    Switch(
        "PREPARED_SQL",
        "the completion's statement prepared once per database connection",
        {"PREPARED_SQL": "False"},
        "complete",
    ),
    Switch(
        "COMPLETION_ACCOUNT_SQL",
        "a completion checks the account in its own statement, not by reading the user's row first",
        {"COMPLETION_ACCOUNT_SQL": "False"},
        "complete",
    ),
    Switch(
        "USER_CACHE",
        "the signed-in user's row read from the shared cache",
        {"USER_CACHE": "False"},
        "plan_auth",
    ),
    Switch(
        "PROGRESS_COMPLETED_SQL",
        "the user's completed steps read by a written-out query",
        {"PROGRESS_COMPLETED_SQL": "False"},
        "plan_auth",
    ),
    Switch(
        "CONN_HEALTH_CHECKS",
        "reused database connections not checked with a query before each request (Django's default)",
        {"CONN_HEALTH_CHECKS": "True"},
        "complete",
    ),
    Switch(
        "API_SKIPS_BROWSER_MIDDLEWARE",
        "sessions, the session user and messages skipped under /api/",
        {"API_SKIPS_BROWSER_MIDDLEWARE": "False"},
        "categories",
    ),
    Switch(
        "HEALTH_CHECK_SECONDS",
        "/api/health checks the database and Redis at most once a second per process",
        {"HEALTH_CHECK_SECONDS": "0"},
        "health",
    ),
    Switch(
        "GUNICORN_REQUESTS_PER_CONNECTION",
        "kept-alive connections closed after 100 requests (gunicorn.conf.py)",
        {"GUNICORN_REQUESTS_PER_CONNECTION": "0"},
        "plans20",
    ),
]


def ablation(drivers: Drivers, rounds: int, seconds: float, connections: int, only: list[str] | None = None) -> str:
    """Measure every switch; return the README's table."""
    stack = drivers.stack
    lines = [
        "| optimisation (setting) | endpoint | on: req/s, p99 ms | off: req/s, p99 ms "
        "| req/s gained | p99 saved | verdict |",
        "|---|---|---:|---:|---:|---:|---|",
    ]
    for switch in SWITCHES:
        if only and switch.name not in only:
            continue
        endpoint = BY_NAME[switch.endpoint]
        log(f"ablation: {switch.name} off ({switch.environment})")
        stack.start("ours", port_name="variant", **switch.environment)
        try:
            drivers.drive("ours", endpoint, 2, connections, port="variant")
            on, off = [], []
            for round_number in range(rounds):
                order = [("ours", on), ("variant", off)]
                for port, runs in order if round_number % 2 == 0 else reversed(order):
                    runs.append(drivers.drive("ours", endpoint, seconds, connections, port=port))
        finally:
            stack.stop("variant")
        on, off = median(on), median(off)
        gained = on.rps / off.rps - 1
        saved = 1 - on.p99_ms / off.p99_ms
        verdict = "keeps its place" if max(gained, saved) >= WORTH_IT else "does not pay: remove"
        log(f"ablation: {switch.name}: {gained:+.1%} req/s, {saved:+.1%} p99")
        lines.append(
            f"| {switch.what} (`{switch.name}`) | `{endpoint.ours}` | {on.rps:,.0f}, {on.p99_ms:.1f} "
            f"| {off.rps:,.0f}, {off.p99_ms:.1f} | {gained:+.1%} | {saved:+.1%} | {verdict} |"
        )
    return "\n".join(lines)
