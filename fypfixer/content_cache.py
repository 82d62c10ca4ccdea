"""Versioned cache entries for public content (categories, plans, steps, items).

Every public payload is cached under a key that embeds the current content version. Any
change an editor makes bumps the version (plans/signals.py), so the next request misses
and rebuilds: the API is never stale, and nothing has to know which keys exist.
"""

import time
from collections.abc import Callable
from typing import TypeVar

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

VERSION_KEY = "content-version"

T = TypeVar("T")


def _fresh_version() -> int:
    # Milliseconds since the epoch: larger than any version handed out before, even if the
    # version key was evicted while old entries survive.
    return int(time.time() * 1000)


def content_version() -> int:
    """Return the current content version, creating it when the cache has none."""
    version = cache.get(VERSION_KEY)
    if version is None:
        version = _fresh_version()
        cache.add(VERSION_KEY, version, timeout=None)
    return version


def _bump() -> None:
    try:
        cache.incr(VERSION_KEY)
    except ValueError:
        cache.set(VERSION_KEY, _fresh_version(), timeout=None)


def bump_content_version() -> None:
    """Invalidate every cached public payload, now and again when the transaction commits.

    The second bump closes a race: a request that read the old rows before the commit could
    otherwise cache them under the new version.
    """
    _bump()
    transaction.on_commit(_bump)


def cached_content(name: str, *parts: object, build: Callable[[], T]) -> T:
    """Return the cached payload for (name, parts), building and caching it on a miss."""
    key = ":".join([name, str(content_version()), *map(str, parts)])
    payload = cache.get(key)
    if payload is None:
        payload = build()
        cache.set(key, payload, settings.CONTENT_CACHE_TIMEOUT)
    return payload
