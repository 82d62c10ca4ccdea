"""Versioned cache entries for public content (categories, plans, steps, items).

Every public payload is cached under a key that embeds the current content version. Any
change an editor makes bumps the version (plans/signals.py), so the next request misses
and rebuilds: the API is never stale, and nothing has to know which keys exist.

Two levels keep warm reads off the network:

- each process keeps the payloads it used last in memory, in front of the shared cache
  (safe because a key never changes meaning: new content means a new version, new keys);
- with Redis, each process learns new versions from the invalidation channel
  (fypfixer/invalidation.py) instead of asking Redis on every request, and asks again
  whenever that subscription is not live.

Payloads are shared between requests: treat them as read-only. The renderer remembers the
JSON of a shared payload (SharedPayload.json), so a warm read does not encode it again.
"""

import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import TypeVar

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

from fypfixer.invalidation import subscription

VERSION_KEY = "content-version"
LOCAL_ENTRIES = 512

T = TypeVar("T")


class SharedPayload(dict):
    """A cached payload as served to everyone, remembering its JSON once it has been rendered."""

    json = None


class LocalPayloads:
    """A small thread-safe LRU of payloads in this process's memory."""

    def __init__(self, size: int):
        self.size = size
        self._entries = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key):
        with self._lock:
            payload = self._entries.get(key)
            if payload is not None:
                self._entries.move_to_end(key)
            return payload

    def set(self, key, payload) -> None:
        with self._lock:
            self._entries[key] = payload
            self._entries.move_to_end(key)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


class KnownVersion:
    """The content version as this process last learnt it (None: ask the shared cache)."""

    def __init__(self):
        self.value = None

    def learn(self, value) -> None:
        # Versions only grow; a late or repeated message must not take one back.
        self.value = max(self.value or 0, int(value))

    def forget(self) -> None:
        self.value = None


def _fresh_version() -> int:
    # Milliseconds since the epoch: larger than any version handed out before, even if the
    # version key was evicted while old entries survive.
    return int(time.time() * 1000)


def _shared_version() -> int:
    """Return the version in the shared cache, creating it when the cache has none."""
    version = cache.get(VERSION_KEY)
    if version is None:
        version = _fresh_version()
        if not cache.add(VERSION_KEY, version, timeout=None):
            version = cache.get(VERSION_KEY, version)
    return version


def content_version() -> int:
    """Return the current content version."""
    if not subscription.live():
        return _shared_version()
    if known_version.value is None:
        known_version.learn(_shared_version())
    return known_version.value


def _bump() -> None:
    try:
        version = cache.incr(VERSION_KEY)
    except ValueError:
        version = _fresh_version()
        cache.set(VERSION_KEY, version, timeout=None)
    local_payloads.clear()
    subscription.publish("content", version)


def bump_content_version() -> None:
    """Invalidate every cached public payload, now and again when the transaction commits.

    The second bump closes a race: a request that read the old rows before the commit could
    otherwise cache them under the new version.
    """
    _bump()
    transaction.on_commit(_bump)


def cached_content(name: str, *parts: object, build: Callable[[], T]) -> T:
    """Return the cached payload for (name, parts), building and caching it on a miss.

    `build` must return plain dicts and lists (no serializer ReturnDict/ReturnList inside,
    which would keep their querysets alive in memory).
    """
    key = ":".join([name, str(content_version()), *map(str, parts)])
    payload = local_payloads.get(key)
    if payload is None:
        shared = cache.get(key)
        if shared is None:
            shared = dict(build())
            cache.set(key, shared, settings.CONTENT_CACHE_TIMEOUT)
        payload = SharedPayload(shared)
        local_payloads.set(key, payload)
    return payload


local_payloads = LocalPayloads(LOCAL_ENTRIES)
known_version = KnownVersion()
subscription.register("content", on_message=known_version.learn, on_reset=known_version.forget)
