"""Keep each process's in-memory caches coherent with the others, through Redis pub/sub.

A process that changes something publishes "<topic> <value>" on a channel ("content 42":
the content version is now 42; "user 7": user 7 changed). Every process runs one daemon
thread that listens and hands each message to the handlers registered for its topic.

While the subscription is not live (no Redis, Redis down, the thread starting or
reconnecting) `live()` is False: callers must then not trust what they cached in memory.
Whenever the subscription (re)starts or is lost, every topic's `reset` handler runs, so
nothing learnt before a gap survives it.
"""

import logging
import os
import threading
import time
from collections.abc import Callable

from django.core.cache import cache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

# A quiet link is checked (PING) this often; one silent for three times as long is dropped.
RESYNC_SECONDS = 5.0


class Topic:
    def __init__(self, on_message: Callable[[str], None], on_reset: Callable[[], None]):
        self.on_message = on_message
        self.on_reset = on_reset


class Subscription:
    def __init__(self):
        self._topics: dict[str, Topic] = {}
        self._live = False
        self._pid = None
        self._lock = threading.Lock()

    def register(self, name: str, *, on_message: Callable[[str], None], on_reset: Callable[[], None]) -> None:
        self._topics[name] = Topic(on_message, on_reset)

    def live(self) -> bool:
        """Start listening in this process if needed; return whether messages are arriving."""
        client = redis_client()
        if client is None:
            return False
        if self._pid != os.getpid():
            self._start(client)
        return self._live

    def publish(self, name: str, value: object) -> None:
        """Apply the message in this process now, and announce it to the others."""
        self._topics[name].on_message(str(value))
        client = redis_client()
        if client is None:
            return
        try:
            client.publish(channel_of(client), f"{name} {value}")
        except RedisError as error:
            logger.warning("Could not publish %s %s: %s", name, value, error)

    def _start(self, client) -> None:
        with self._lock:
            if self._pid == os.getpid():
                return
            # A forked worker inherits the parent's state but not its thread: start afresh.
            self._pid = os.getpid()
            self._set_live(False)
            threading.Thread(target=self._listen, args=(client,), name="invalidation", daemon=True).start()

    def _set_live(self, live: bool) -> None:
        self._live = live
        for topic in self._topics.values():
            topic.on_reset()

    def _listen(self, client) -> None:
        while True:
            pubsub = client.pubsub()
            try:
                pubsub.subscribe(channel_of(client))
                heard = time.monotonic()
                while True:
                    message = pubsub.get_message(timeout=RESYNC_SECONDS)
                    if message is None:
                        # Quiet: ask for a pong, and give up on a link that stopped answering.
                        if time.monotonic() - heard > 3 * RESYNC_SECONDS:
                            raise ConnectionError("no answer on the invalidation channel")
                        pubsub.ping()
                        continue
                    heard = time.monotonic()
                    if message["type"] == "subscribe":
                        # Subscribed (confirmed by Redis), then reset: nothing published from
                        # now on can be missed, and nothing cached before counts.
                        self._set_live(True)
                    elif message["type"] == "message":
                        self._dispatch(message["data"])
            except (RedisError, OSError) as error:
                logger.warning("Invalidation subscription lost, in-memory caches off until it is back: %s", error)
            finally:
                self._set_live(False)
                pubsub.close()
            time.sleep(1.0)

    def _dispatch(self, data: bytes) -> None:
        name, _, value = data.decode().partition(" ")
        topic = self._topics.get(name)
        if topic is not None:
            topic.on_message(value)


def channel_of(client) -> str:
    """Return the channel of this deployment: pub/sub spans a Redis server's databases, so the
    name carries the cache's key prefix and database, as its keys do."""
    database = client.connection_pool.connection_kwargs.get("db", 0)
    return f"{cache.make_key('invalidation')}:db{database}"


def redis_client():
    """Return the redis.Redis client behind the default cache, or None for other caches."""
    get_client = getattr(cache, "redis_client", None)
    return get_client() if get_client is not None else None


subscription = Subscription()
