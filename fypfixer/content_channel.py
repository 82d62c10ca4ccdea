"""Each process learns a new content version the moment it is published (Redis pub/sub).

Without it, every public read asks Redis for the content version: one round trip per
request. With CONTENT_VERSION_CHANNEL (and REDIS_URL), each process runs one listener
thread subscribed to the channel on which content_changed() announces every new version
once it is committed; while that subscription is live, content_version() answers from the
process's own memory and a warm read costs no round trip at all (README, "Ablation").

What keeps it safe: the listener copies the shared version into this process's memory when
it subscribes and again every RESYNC_SECONDS of quiet, and that copy expires on its own, so
a message lost while Redis was unreachable costs at most a few seconds; whenever the
subscription is not live (no Redis, Redis down, the listener still starting) readers ask
the shared cache, exactly as without the channel. The listener never reads the database.
"""

import logging
import os
import threading
import time

from django.conf import settings
from django.core.cache import cache, caches
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

SHARED_KEY = "content-version"
LOCAL_KEY = "content-version-heard"
RESYNC_SECONDS = 1.0
# How long a copy stays usable if the listener stops refreshing it.
LOCAL_SECONDS = 3.0


def redis_client():
    """Return the redis.Redis client behind the default cache, or None when it is not Redis."""
    client = getattr(cache, "client", None)
    get_client = getattr(client, "get_client", None)
    return get_client(write=True) if get_client is not None else None


def channel_name() -> str:
    # Pub/sub spans a Redis server's databases: the name carries the cache's prefix and database.
    client = redis_client()
    database = client.connection_pool.connection_kwargs.get("db", 0) if client is not None else 0
    return f"{cache.make_key('content-version-channel')}:db{database}"


class VersionChannel:
    """The listener of one process, started on first use (again after a fork)."""

    def __init__(self):
        self.live = False
        self._pid = None
        self._lock = threading.Lock()

    def heard_version(self) -> int | None:
        """Return the version this process heard on the channel, or None when it cannot vouch for one."""
        if not settings.CONTENT_VERSION_CHANNEL or not self._listening():
            return None
        return caches["local"].get(LOCAL_KEY) if self.live else None

    def forget(self) -> None:
        """Stop vouching for the version heard (this process just changed content)."""
        caches["local"].delete(LOCAL_KEY)

    def announce(self, version: int) -> None:
        """Tell every process the new version."""
        client = redis_client()
        if client is None or not settings.CONTENT_VERSION_CHANNEL:
            return
        try:
            client.publish(channel_name(), str(version))
        except RedisError as error:
            logger.warning("Could not announce content version %s (processes will resync): %s", version, error)

    def _listening(self) -> bool:
        client = redis_client()
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
                pubsub.subscribe(channel_name())
                while True:
                    message = pubsub.get_message(timeout=RESYNC_SECONDS)
                    if message is None or message["type"] == "subscribe":
                        # Subscribed (nothing published from now on can be missed), or quiet.
                        self._resync()
                        self.live = True
                    elif message["type"] == "message":
                        caches["local"].set(LOCAL_KEY, int(message["data"]), LOCAL_SECONDS)
            except (RedisError, OSError, ValueError) as error:
                logger.warning("Content version channel lost, asking Redis on every read until it is back: %s", error)
            finally:
                self.live = False
                self.forget()
                pubsub.close()
            time.sleep(1.0)

    def _resync(self) -> None:
        version = cache.get(SHARED_KEY)
        if version is None:
            self.forget()
        else:
            caches["local"].set(LOCAL_KEY, version, LOCAL_SECONDS)


channel = VersionChannel()
