"""Versioned cache entries for public content (categories, plans, steps, items).

Every public payload is cached under a key that embeds the current content version. Any
change an editor makes bumps the version (plans/signals.py), so the next request misses
and rebuilds: the API is never stale, and nothing has to know which keys exist.

Two levels keep warm reads off the network:

- each process keeps the payloads it used last in memory, in front of the shared cache
  (safe because a key never changes meaning: new content means a new version, new keys);
- with Redis, each process learns new versions from a subscription (VersionWatcher)
  instead of asking Redis on every request, and falls back to asking while the
  subscription is down.

Payloads are shared between requests: treat them as read-only. The renderer remembers the
JSON of a shared payload (SharedPayload.json), so a warm read does not encode it again.
"""

import logging
import os
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import TypeVar

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

VERSION_KEY = "content-version"
VERSION_CHANNEL = "fyp:content-version"
LOCAL_ENTRIES = 512
# Even with a live subscription, re-read the version this often (covers a silently dead link).
RESYNC_SECONDS = 5.0

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


class VersionWatcher:
    """Keep this process's copy of the content version current through Redis pub/sub.

    A daemon thread subscribes to VERSION_CHANNEL, then reads the version (so no bump made
    around the subscription is missed), and applies every published version. While the
    subscription is not live, `current()` is None and callers read the shared cache.
    """

    def __init__(self):
        self._version = None
        self._pid = None
        self._lock = threading.Lock()

    def saw(self, version: int) -> None:
        """Take a version this process itself just published (its message may come later)."""
        if self._version is not None:
            self._version = max(self._version, version)

    def current(self) -> int | None:
        client = _redis_client()
        if client is None:
            return None
        if self._pid != os.getpid():
            self._start(client)
        return self._version

    def _start(self, client) -> None:
        with self._lock:
            if self._pid == os.getpid():
                return
            # A forked worker inherits the parent's state but not its thread: start afresh.
            self._pid = os.getpid()
            self._version = None
            threading.Thread(target=self._listen, args=(client,), name="content-version", daemon=True).start()

    def _listen(self, client) -> None:
        while True:
            pubsub = client.pubsub(ignore_subscribe_messages=True)
            try:
                pubsub.subscribe(VERSION_CHANNEL)
                self._version = _shared_version()
                while True:
                    message = pubsub.get_message(timeout=RESYNC_SECONDS)
                    if message is not None and message["type"] == "message":
                        self._version = max(self._version or 0, int(message["data"]))
                    elif message is None:
                        self._version = _shared_version()
            except (RedisError, OSError, ValueError) as error:
                logger.warning("Content version subscription lost, reading versions from the cache: %s", error)
            finally:
                self._version = None
                pubsub.close()
            time.sleep(1.0)


def _redis_client():
    """Return the redis.Redis client behind the default cache, or None for other caches."""
    get_client = getattr(cache, "redis_client", None)
    return get_client() if get_client is not None else None


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
    version = watcher.current()
    return version if version is not None else _shared_version()


def _bump() -> None:
    try:
        version = cache.incr(VERSION_KEY)
    except ValueError:
        version = _fresh_version()
        cache.set(VERSION_KEY, version, timeout=None)
    local_payloads.clear()
    watcher.saw(version)
    client = _redis_client()
    if client is not None:
        try:
            client.publish(VERSION_CHANNEL, version)
        except RedisError as error:
            logger.warning("Could not announce content version %s: %s", version, error)


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
watcher = VersionWatcher()
