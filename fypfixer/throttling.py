"""Rate limits, counted in the shared cache so they hold across gunicorn workers.

Each limit is a fixed window counter in the cache (one round trip, whatever the rate;
DRF's default keeps a list of timestamps that grows with the rate). Generous limits count
in batches: a process adds its requests to the shared counter `batch` at a time, so most
reads cost no round trip, and all processes together may let at most (processes * batch)
requests more through than the limit. Strict limits (batch 1) are exact. When the cache
is down the counters cannot be read and requests are let through.
"""

import hashlib
import threading
import time

from rest_framework.permissions import SAFE_METHODS
from rest_framework.throttling import SimpleRateThrottle

from fypfixer.cache import incr_with_expiry


class FixedWindowThrottle(SimpleRateThrottle):
    """Allow `num_requests` per window of `duration` seconds for each identity."""

    batch = 1

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        # Per subclass and per process: {counter key: [requests not yet shared, last shared total]}.
        cls._counts = {}
        cls._counts_window = None
        cls._lock = threading.Lock()

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
        if self.batch == 1:
            count = incr_with_expiry(self.cache, key, self.duration + 1)
            # No count means the cache is down: let the request through rather than refuse everyone.
            return count is None or count <= self.num_requests
        return self._allow_batched(key, window)

    def _allow_batched(self, key: str, window: int) -> bool:
        cls = type(self)
        with cls._lock:
            if cls._counts_window != window:
                cls._counts.clear()
                cls._counts_window = window
            counts = cls._counts.setdefault(key, [0, 0])
            counts[0] += 1
            unshared, shared = counts
            if unshared >= self.batch:
                counts[0] = 0
        if unshared >= self.batch:
            total = incr_with_expiry(self.cache, key, self.duration + 1, unshared)
            if total is not None:
                with cls._lock:
                    counts[1] = shared = max(counts[1], total)
                unshared = 0
        return shared + unshared <= self.num_requests

    def wait(self):
        return max(self.window_end - time.time(), 1)

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
    batch = 10


class WriteThrottle(UserOrAddressThrottle):
    """A limit on writes (completing steps, changing settings)."""

    scope = "write"
    counts_reads = False


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
        return "email:" + hashlib.sha256(email.strip().lower().encode()).hexdigest()[:32]
