"""Abstract model bases shared by the apps."""

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
