"""Each process hears a new content version the moment it is published (Redis pub/sub).

Without it, every public read asks Redis for the content version: one round trip per
request. With CONTENT_VERSION_CHANNEL (and REDIS_URL), each process runs one listener
thread subscribed to the channel on which content_changed() announces every new version
once it is committed. While that subscription is live, the process keeps the version it
last heard or read in its own memory (the "local" cache) for CONTENT_VERSION_SECONDS, and a
warm read costs no round trip at all (README, "Ablation").

What keeps it safe: a version heard on the channel replaces the kept one at once; a kept
version expires on its own, so a message lost while Redis was unreachable costs at most a
few seconds; whenever the subscription is not live (no Redis, Redis down, the listener
starting) nothing is kept and readers ask the shared cache, exactly as without the channel.
A reader keeps what it read only if nothing was heard meanwhile, so it cannot put back an
older version over a newer one.
"""

import logging
import os
import threading
import time

from django.conf import settings
from django.core.cache import cache, caches
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

KEPT_KEY = "content-version-kept"
# A quiet subscription is pinged this often; one that stays silent three times as long is dropped.
PING_SECONDS = 5.0


def redis_client():
    """Return the redis.Redis client behind the default cache, or None when it is not Redis."""
    client = getattr(cache, "client", None)
    get_client = getattr(client, "get_client", None)
    return get_client(write=True) if get_client is not None else None


def channel_name(client) -> str:
    # Pub/sub spans a Redis server's databases: the name carries the cache's prefix and database.
    database = client.connection_pool.connection_kwargs.get("db", 0)
    return f"{cache.make_key('content-version-channel')}:db{database}"


class VersionChannel:
    """The listener of one process, started on first use (again after a fork)."""

    def __init__(self):
        self.live = False
        # Counts the versions heard, so a reader can tell whether one arrived while it was reading.
        self.heard = 0
        self._pid = None
        self._lock = threading.Lock()

    def kept_version(self) -> int | None:
        """Return the version this process keeps, or None when it keeps none it can vouch for."""
        if not self._listening() or not self.live:
            return None
        return caches["local"].get(KEPT_KEY)

    def keep(self, version: int, heard_before: int) -> None:
        """Keep a version a reader read, unless another was heard since the reader started."""
        if self.live and self.heard == heard_before:
            caches["local"].set(KEPT_KEY, version, settings.CONTENT_VERSION_SECONDS)

    def forget(self) -> None:
        """Keep no version (this process is changing content, or lost the channel)."""
        self.heard += 1
        caches["local"].delete(KEPT_KEY)

    def announce(self, version: int) -> None:
        """Tell every process the new version."""
        client = redis_client() if settings.CONTENT_VERSION_CHANNEL else None
        if client is None:
            return
        try:
            client.publish(channel_name(client), str(version))
        except RedisError as error:
            logger.warning("Could not announce content version %s (it expires everywhere anyway): %s", version, error)

    def _listening(self) -> bool:
        client = redis_client() if settings.CONTENT_VERSION_CHANNEL else None
        if client is None:
            return False
        if self._pid != os.getpid():
            with self._lock:
                if self._pid != os.getpid():
                    # A forked worker inherits the parent's state but not its thread.
                    self._pid = os.getpid()
                    self.live = False
                    threading.Thread(target=self._listen, args=(client,), name="content-version", daemon=True).start()
        return True

    def _listen(self, client) -> None:
        while True:
            pubsub = client.pubsub()
            try:
                pubsub.subscribe(channel_name(client))
                heard_from_redis = time.monotonic()
                while True:
                    message = pubsub.get_message(timeout=PING_SECONDS)
                    if message is None:
                        if time.monotonic() - heard_from_redis > 3 * PING_SECONDS:
                            raise ConnectionError("no answer on the content version channel")
                        pubsub.ping()
                        continue
                    heard_from_redis = time.monotonic()
                    if message["type"] == "subscribe":
                        # From now on nothing published can be missed; what was kept before may be old.
                        self.forget()
                        self.live = True
                    elif message["type"] == "message":
                        self.heard += 1
                        caches["local"].set(KEPT_KEY, int(message["data"]), settings.CONTENT_VERSION_SECONDS)
            except (RedisError, OSError, ValueError) as error:
                logger.warning("Content version channel lost; reads ask Redis until it is back: %s", error)
            finally:
                self.live = False
                self.forget()
                pubsub.close()
            time.sleep(1.0)


channel = VersionChannel()
