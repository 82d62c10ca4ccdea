"""Rate limits, counted in the shared cache so they hold across gunicorn workers.

Each limit is a fixed window counter: one INCR per request, whatever the rate, instead of
DRF's default list of timestamps (which grows with the rate). When the cache is down the
counters cannot be read and requests are let through.
"""

import hashlib
import time

from rest_framework.throttling import SimpleRateThrottle


class FixedWindowThrottle(SimpleRateThrottle):
    """Allow `num_requests` per window of `duration` seconds for each identity."""

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
        try:
            count = self.cache.incr(key)
        except ValueError:
            # The first request of the window: start the counter (an expiring key).
            if self.cache.add(key, 1, self.duration + 1):
                return True
            try:
                count = self.cache.incr(key)
            except ValueError:
                return True
        return count <= self.num_requests

    def wait(self):
        return max(self.window_end - time.time(), 1)

    def get_ident_for(self, request, view) -> str | None:
        raise NotImplementedError


class ReadThrottle(FixedWindowThrottle):
    """A generous limit on reads, per user when signed in and per address otherwise."""

    scope = "read"

    def get_ident_for(self, request, view):
        if request.method not in ("GET", "HEAD", "OPTIONS"):
            return None
        if request.user and request.user.is_authenticated:
            return f"user:{request.user.pk}"
        return f"ip:{self.get_ident(request)}"


class WriteThrottle(FixedWindowThrottle):
    """A limit on a signed-in user's writes (completing steps, changing settings)."""

    scope = "write"

    def get_ident_for(self, request, view):
        if request.method in ("GET", "HEAD", "OPTIONS"):
            return None
        if request.user and request.user.is_authenticated:
            return f"user:{request.user.pk}"
        return f"ip:{self.get_ident(request)}"


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
