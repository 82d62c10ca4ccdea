"""Model bases shared by the apps, and the version of the published content."""

import secrets

from django.db import models


class CreatedAtModel(models.Model):
    """A row that records when it was created."""

    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True


class TimestampedModel(CreatedAtModel):
    """A row that records when it was created and last changed."""

    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


def new_version() -> int:
    """Return a fresh random version: never one handed out before, even after a restore."""
    return secrets.randbits(62)


class ContentVersion(models.Model):
    """The one row that says which version of the curated content is published.

    Every change editors make to categories, plans, steps or videos gives it a new random
    value in the same transaction (fypfixer/content_cache.py), so cached payloads of older
    versions are never served again, whatever happened to the cache meanwhile.
    """

    ROW = 1

    value = models.BigIntegerField(default=new_version)

    class Meta:
        verbose_name = "content version"

    def __str__(self):
        return f"content version {self.value}"

    @classmethod
    def current(cls) -> int:
        """Return the published version (creating the row on first use)."""
        value = cls.objects.filter(pk=cls.ROW).values_list("value", flat=True).first()
        if value is None:
            value = cls.objects.get_or_create(pk=cls.ROW)[0].value
        return value

    @classmethod
    def bump(cls) -> None:
        """Publish a new version (in the caller's transaction)."""
        if not cls.objects.filter(pk=cls.ROW).update(value=new_version()):
            cls.objects.get_or_create(pk=cls.ROW)
