"""Request counters kept by the app itself: requests, server errors and latencies per minute.

Each process adds up its requests in memory and adds them to the shared cache (Redis) at most
every FLUSH_SECONDS, in one round trip, so counting costs a request nothing on the network.
/api/admin/metrics/system and the insights page read the last hour from the shared cache:
request rate, error rate, and the 95th percentile latency from a histogram of fixed buckets.
"""

import threading
import time

from django.core.cache import cache

# Upper bounds (ms) of the latency buckets; the last one catches everything slower.
BUCKETS_MS = (5, 10, 25, 50, 100, 250, 500, 1000, 2500, 10_000)
FLUSH_SECONDS = 10.0
KEEP_SECONDS = 2 * 3600


def minute_of(now: float) -> int:
    return int(now // 60)


def counter_key(minute: int, name: str) -> str:
    return f"metrics:{minute}:{name}"


class RequestCounters:
    """This process's counts since the last flush: {(minute, name): count}."""

    def __init__(self):
        self._counts: dict[tuple[int, str], int] = {}
        self._lock = threading.Lock()
        self._flushed_at = time.monotonic()

    def record(self, *, seconds: float, server_error: bool, now: float | None = None) -> None:
        now = time.time() if now is None else now
        minute = minute_of(now)
        bucket = next((limit for limit in BUCKETS_MS if seconds * 1000 <= limit), BUCKETS_MS[-1])
        names = ["requests", f"latency_le_{bucket}"] + (["errors"] if server_error else [])
        with self._lock:
            for name in names:
                self._counts[(minute, name)] = self._counts.get((minute, name), 0) + 1
            due = time.monotonic() - self._flushed_at >= FLUSH_SECONDS
        if due:
            self.flush()

    def flush(self) -> None:
        """Add this process's counts to the shared cache."""
        with self._lock:
            counts, self._counts = self._counts, {}
            self._flushed_at = time.monotonic()
        for (minute, name), count in counts.items():
            key = counter_key(minute, name)
            if not cache.add(key, count, KEEP_SECONDS):
                try:
                    cache.incr(key, count)
                except ValueError:
                    cache.set(key, count, KEEP_SECONDS)


counters = RequestCounters()


def last_hour(now: float | None = None) -> dict:
    """Requests, server errors and the latency histogram of the last 60 minutes (shared cache)."""
    now = time.time() if now is None else now
    current = minute_of(now)
    names = ["requests", "errors", *(f"latency_le_{limit}" for limit in BUCKETS_MS)]
    keys = [counter_key(minute, name) for minute in range(current - 59, current + 1) for name in names]
    values = cache.get_many(keys)
    totals = dict.fromkeys(names, 0)
    for key, value in values.items():
        totals[key.rsplit(":", 1)[1]] += int(value)
    return totals


def p95_ms(totals: dict) -> float | None:
    """The bucket bound under which 95% of the requests finished (None without requests)."""
    requests = sum(totals[f"latency_le_{limit}"] for limit in BUCKETS_MS)
    if not requests:
        return None
    seen = 0
    for limit in BUCKETS_MS:
        seen += totals[f"latency_le_{limit}"]
        if seen >= 0.95 * requests:
            return float(limit)
    return float(BUCKETS_MS[-1])
