"""A Redis cache that degrades to "no cache" when Redis is unreachable.

The API must keep serving while Redis is down: reads then go to the database, throttles
stop counting, and /api/health reports the cache as unavailable. After a failure the
backend skips Redis for a few seconds, so a dead server costs one timeout, not one per call.
"""

import functools
import logging
import time

from django.core.cache.backends.redis import RedisCache, RedisCacheClient
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


class ReusingRedisCacheClient(RedisCacheClient):
    """Django's Redis client, keeping one redis.Redis object per connection pool.

    Django builds a new redis.Redis for every cache call, and building one costs more than
    the GET it is made for; the object is thread-safe and can be kept.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(pool)
        if client is None:
            client = self._clients[pool] = self._client(connection_pool=pool)
        return client


class ResilientRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusingRedisCacheClient
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

    def redis_client(self):
        """Return the redis.Redis client behind this cache (for pub/sub)."""
        return self._cache.get_client(write=True)

    def incr_with_expiry(self, key, timeout: int, amount: int = 1) -> int | None:
        """Add `amount` to a counter that expires `timeout` seconds after its creation, in one round trip.

        Returns the new count, or None when Redis is unavailable.
        """
        if time.monotonic() < self._down_until:
            return None
        key = self.make_and_validate_key(key)
        try:
            pipeline = self._cache.get_client(key, write=True).pipeline(transaction=False)
            pipeline.incrby(key, amount)
            pipeline.expire(key, timeout, nx=True)
            count, _expiry_set = pipeline.execute()
        except RedisError as error:
            self._mark_down(error)
            return None
        return count

    def incr(self, key, delta=1, version=None):
        if time.monotonic() < self._down_until:
            raise ValueError("cache unavailable")
        try:
            return super().incr(key, delta, version)
        except RedisError as error:
            self._mark_down(error)
            raise ValueError("cache unavailable") from error


def incr_with_expiry(cache, key: str, timeout: int, amount: int = 1) -> int | None:
    """Add `amount` to the counter `key` (created with a `timeout`); None when the cache cannot count."""
    if hasattr(cache, "incr_with_expiry"):
        return cache.incr_with_expiry(key, timeout, amount)
    # Caches without the one-round-trip version (the in-process one): create or increment.
    if cache.add(key, amount, timeout):
        return amount
    try:
        return cache.incr(key, amount)
    except ValueError:
        return None
