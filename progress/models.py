from django.conf import settings
from django.db import models
from django.utils import timezone

from fypfixer.models import CreatedAtModel
from plans.models import PlanStep


class UserProgress(CreatedAtModel):
    """A step one user has completed, and when."""

    # No index of its own: the (user, step) constraint's index and the (user, completed_at)
    # index both begin with the user, and every completion would write a third copy.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="progress", db_index=False
    )
    step = models.ForeignKey(PlanStep, on_delete=models.CASCADE, related_name="progress")
    completed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-completed_at"]
        verbose_name_plural = "user progress"
        constraints = [
            models.UniqueConstraint(fields=["user", "step"], name="userprogress_one_row_per_user_and_step"),
        ]
        indexes = [
            models.Index(fields=["user", "completed_at"]),
            # Insights count completions per day.
            models.Index(fields=["completed_at"], name="userprogress_completed_at"),
        ]

    def __str__(self):
        return f"{self.user} completed step {self.step_id}"
