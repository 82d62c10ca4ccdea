"""Rate limits, counted in the shared cache so they hold across gunicorn workers.

DRF's SimpleRateThrottle keeps a list of timestamps per client, read and written back on every
request: two round trips, a value that grows with the rate, and two requests at once can
both pass on the same list. Here each limit is a fixed-window counter, incremented atomically
(one round trip). When the shared cache is unreachable the counters live in each process's
own memory instead: limits stay on, per process, and the change is logged once.
"""

import hashlib
import logging
import time

from django.conf import settings
from django.core.cache import caches
from rest_framework.exceptions import Throttled
from rest_framework.permissions import SAFE_METHODS
from rest_framework.throttling import SimpleRateThrottle

logger = logging.getLogger(__name__)


def counter_add(cache, key: str, amount: int, timeout: int) -> int | None:
    """Add `amount` to the counter `key` (created to live `timeout` seconds); return the new count.

    Returns None when the cache cannot count (Redis unreachable).
    """
    try:
        count = cache.incr(key, amount)
    except ValueError:  # no such counter yet
        if cache.add(key, amount, timeout):
            return amount
        try:
            count = cache.incr(key, amount)
        except ValueError:
            return None
    return count


class FixedWindowThrottle(SimpleRateThrottle):
    """Allow `num_requests` per window of `duration` seconds for each identity."""

    # Requests counted in this process before they are added to the shared counter.
    batch = 1
    shared_cache_was_down = False

    def allow_request(self, request, view):
        if self.rate is None:
            return True
        ident = self.get_ident_for(request, view)
        if ident is None:
            return True
        self.now = self.timer()
        window = int(self.now // self.duration)
        self.window_end = (window + 1) * self.duration
        key = f"throttle:{self.scope}:{ident}:{window}"
        return self.count(key) <= self.num_requests

    def count(self, key: str) -> int:
        """Count this request in the window's counter; return the window's count."""
        timeout = self.duration + 1
        local = caches["local"]
        if self.batch > 1:
            # Count here, and add to the shared counter a batch at a time: all processes
            # together may let at most (processes x batch) requests more through.
            pending = counter_add(local, f"{key}:pending", 1, timeout)
            shared = local.get(f"{key}:shared", 0)
            if pending < self.batch:
                return shared + pending
            local.delete(f"{key}:pending")
            total = self.shared_count(key, pending, timeout)
            local.set(f"{key}:shared", total, timeout)
            return total
        return self.shared_count(key, 1, timeout)

    def shared_count(self, key: str, amount: int, timeout: int) -> int:
        count = counter_add(self.cache, key, amount, timeout)
        if count is not None:
            if FixedWindowThrottle.shared_cache_was_down:
                FixedWindowThrottle.shared_cache_was_down = False
                logger.warning("Rate limits are counted in the shared cache again.")
            return count
        if not FixedWindowThrottle.shared_cache_was_down:
            FixedWindowThrottle.shared_cache_was_down = True
            logger.warning("The shared cache is unreachable: rate limits are counted in each process until it is back.")
        return counter_add(caches["local"], f"{key}:fallback", amount, timeout) or amount

    def wait(self):
        # The same clock as the window (self.timer()), so Retry-After is exact under any clock.
        return max(self.window_end - self.now, 1)

    def get_ident_for(self, request, view) -> str | None:
        raise NotImplementedError


class UserOrAddressThrottle(FixedWindowThrottle):
    """Counts per signed-in user, or per address when anonymous, either reads or writes."""

    counts_reads = True

    def get_ident_for(self, request, view):
        if (request.method in SAFE_METHODS) != self.counts_reads:
            return None
        if request.user and request.user.is_authenticated:
            return f"user:{request.user.pk}"
        return f"ip:{self.get_ident(request)}"


class ReadThrottle(UserOrAddressThrottle):
    """A generous limit on reads."""

    scope = "read"

    @property
    def batch(self):
        return settings.THROTTLE_BATCH


class WriteThrottle(UserOrAddressThrottle):
    """A limit on writes (completing steps, changing settings), for every write of both API surfaces."""

    scope = "write"
    counts_reads = False
    # Every write is counted in the shared counter at once: batching them measured no gain
    # (README, "Ablation"), and a write limit should be exact.


class AuthThrottle(FixedWindowThrottle):
    """A strict limit per address on signing in, registering and refreshing tokens."""

    scope = "auth"

    def get_ident_for(self, request, view):
        return f"ip:{self.get_ident(request)}"


class AuthAccountThrottle(FixedWindowThrottle):
    """A strict limit per account on password attempts, whatever address they come from."""

    scope = "auth_account"

    def get_ident_for(self, request, view):
        email = request.data.get("email") if isinstance(request.data, dict) else None
        if not isinstance(email, str) or not email.strip():
            return None
        return "email:" + email_ident(email)


class FailureLimit:
    """A limit on failed attempts (wrong passwords) in fixed windows, at THROTTLE_RATES[scope]."""

    timer = time.time

    def __init__(self, scope: str, ident: str):
        self.scope = scope
        self.ident = ident
        rate = FixedWindowThrottle.THROTTLE_RATES[scope]
        self.num_requests, self.duration = SimpleRateThrottle.parse_rate(None, rate)
        self.now = self.timer()
        self.window = int(self.now // self.duration)
        self.key = f"failures:{scope}:{ident}:{self.window}"

    def count(self) -> int:
        shared = caches["default"].get(self.key) or 0
        # Counted here while the shared cache was unreachable (see record()).
        return max(shared, caches["local"].get(self.key) or 0)

    def record(self) -> None:
        timeout = self.duration + 1
        if counter_add(caches["default"], self.key, 1, timeout) is None:
            counter_add(caches["local"], self.key, 1, timeout)

    def reached(self) -> bool:
        return self.count() >= self.num_requests

    def refuse(self):
        raise Throttled(wait=max((self.window + 1) * self.duration - self.now, 1))


def email_ident(email: str) -> str:
    return hashlib.sha256(email.strip().lower().encode()).hexdigest()[:32]


def login_failure_limits(*, email: str, address: str) -> tuple[FailureLimit, FailureLimit]:
    """The limits on wrong passwords: per email and address, and (much higher) per email."""
    ident = email_ident(email)
    return FailureLimit("login_failure", f"{ident}:{address}"), FailureLimit("login_failure_email", ident)


def login_failures_check(*, email: str, address: str) -> None:
    """Refuse (429) a login from an address that failed too often for this email.

    Guessing is slowed per email and address; across addresses an email takes many more
    failures, and even then only addresses that have failed are refused: the owner, signing
    in from an address with no failures, always gets through.
    """
    per_address, per_email = login_failure_limits(email=email, address=address)
    failures_here = per_address.count()
    if failures_here >= per_address.num_requests:
        per_address.refuse()
    if failures_here and per_email.reached():
        per_email.refuse()


def login_failure_record(*, email: str, address: str) -> None:
    for limit in login_failure_limits(email=email, address=address):
        limit.record()
