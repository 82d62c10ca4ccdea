"""A Redis cache that degrades to "no cache" when Redis is unreachable.

The API must keep serving while Redis is down: reads then go to the database, throttles
stop counting, and /api/health reports the cache as unavailable. After a failure the
backend skips Redis for a few seconds, so a dead server costs one timeout, not one per call.
"""

import functools
import logging
import time

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 5.0


def _degrades_to(fallback):
    """Return a decorator that answers `fallback` instead of raising when Redis fails."""

    def decorator(method):
        @functools.wraps(method)
        def wrapper(self, *args, **kwargs):
            if time.monotonic() < self._down_until:
                return fallback
            try:
                return method(self, *args, **kwargs)
            except RedisError as error:
                self._mark_down(error)
                return fallback

        return wrapper

    return decorator


class ResilientRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._down_until = 0.0

    def _mark_down(self, error: Exception) -> None:
        logger.warning("Cache unavailable, serving without it for %.0f s: %s", RETRY_AFTER_SECONDS, error)
        self._down_until = time.monotonic() + RETRY_AFTER_SECONDS

    def is_available(self) -> bool:
        """Ping Redis now, ignoring the back-off, and report whether it answered."""
        try:
            self._cache.get_client(write=True).ping()
        except RedisError as error:
            self._mark_down(error)
            return False
        self._down_until = 0.0
        return True

    def get(self, key, default=None, version=None):
        if time.monotonic() < self._down_until:
            return default
        try:
            return super().get(key, default, version)
        except RedisError as error:
            self._mark_down(error)
            return default

    add = _degrades_to(False)(RedisCache.add)
    set = _degrades_to(None)(RedisCache.set)
    touch = _degrades_to(False)(RedisCache.touch)
    delete = _degrades_to(False)(RedisCache.delete)
    get_many = _degrades_to({})(RedisCache.get_many)
    has_key = _degrades_to(False)(RedisCache.has_key)
    set_many = _degrades_to([])(RedisCache.set_many)
    delete_many = _degrades_to(None)(RedisCache.delete_many)
    clear = _degrades_to(False)(RedisCache.clear)

    def incr(self, key, delta=1, version=None):
        if time.monotonic() < self._down_until:
            raise ValueError("cache unavailable")
        try:
            return super().incr(key, delta, version)
        except RedisError as error:
            self._mark_down(error)
            raise ValueError("cache unavailable") from error
