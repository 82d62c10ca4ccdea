"""Cached public payloads (categories, plans), never served stale.

Every public payload is cached under a key that embeds the *content version*. Any change
editors make to curated content publishes a new version (plans/signals.py calls
content_changed()): the next request misses and rebuilds, so the API serves what editors
saved at once, and nothing has to know which keys exist.

The version lives in the database (fypfixer.models.ContentVersion), changed in the same
transaction as the content, and the shared cache holds a copy for CONTENT_VERSION_SECONDS:
a warm read asks the cache, not the database. When the cache cannot take the new copy (Redis
unreachable while an editor saves), the old copy expires within those seconds and the next
read takes the version from the database again.

Two optimisations, each switched by a setting and measured in the README's ablation table:

- CONTENT_VERSION_CHANNEL: each process hears new versions on a Redis pub/sub channel and
  does not ask Redis for the version on every read (fypfixer/content_channel.py);
- CONTENT_LOCAL_CACHE: each process keeps the payloads it served in its own memory (the
  "local" cache), in front of the shared one, so a warm read fetches only the version over
  the network. Safe because a key never changes meaning: new content means new keys.
"""

from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache, caches
from django.db import connection, transaction

from fypfixer.content_channel import channel
from fypfixer.models import ContentVersion

VERSION_KEY = "content-version"


def content_version() -> int:
    """Return the published content version: kept by this process, else from the shared cache, else the database."""
    version = channel.kept_version()
    if version is not None:
        return version
    heard_before = channel.heard
    version = cache.get(VERSION_KEY)
    if version is None:
        version = ContentVersion.current()
        if _changed_in_this_transaction():
            # Not yet committed: nobody else may see this version before the commit publishes it.
            return version
        # add, not set: a save that committed meanwhile has already published a newer copy.
        cache.add(VERSION_KEY, version, settings.CONTENT_VERSION_SECONDS)
    channel.keep(version, heard_before)
    return version


def publish_content_version() -> None:
    """Copy the database's content version to the shared cache, and announce it to every process."""
    version = ContentVersion.current()
    cache.set(VERSION_KEY, version, settings.CONTENT_VERSION_SECONDS)
    channel.announce(version)


def content_changed() -> None:
    """Invalidate every cached public payload: a new version in the database now, in the cache on commit.

    Until the commit neither the shared cache nor this process keeps a copy, so each read
    takes the version from the database: the old one for other connections (which then cache
    the old content under the old version, correctly), the new one for this transaction.

    Signals call it for every save and delete of curated content; code that writes with
    QuerySet.update() or bulk_create() (which send no signals) calls it itself.
    """
    ContentVersion.bump()
    channel.forget()
    cache.delete(VERSION_KEY)
    transaction.on_commit(publish_content_version)


def _changed_in_this_transaction() -> bool:
    """True while the open transaction has changed content (its publish_content_version is pending)."""
    return any(callback is publish_content_version for _savepoints, callback, _robust in connection.run_on_commit)


def cached_content(name: str, *parts: object, build: Callable[[], dict]):
    """Return the payload for (name, parts), building and caching it on a miss.

    `build` returns plain dicts and lists; each call gets a copy of its own (the caches
    unpickle one), free to personalise.
    """
    key = ":".join([name, str(content_version()), *map(str, parts)])
    local = caches["local"] if settings.CONTENT_LOCAL_CACHE else None
    payload = local.get(key) if local is not None else None
    if payload is None:
        payload = cache.get(key)
        if payload is None:
            payload = build()
            cache.set(key, payload, settings.CONTENT_CACHE_TIMEOUT)
        if local is not None:
            local.set(key, payload, settings.CONTENT_CACHE_TIMEOUT)
    return payload
