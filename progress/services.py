from datetime import datetime

from django.db.models import OuterRef, Q, Subquery
from django.utils import timezone

from fypfixer.api import NotFoundError
from plans.models import PlanStep
from progress.gamification import PLAN_COMPLETED_XP, action_xp
from progress.models import UserProgress
from progress.selectors import plan_completed


class StepNotFound(NotFoundError):
    message = "This step is not part of that plan."


def visible_step(*, user, step_id: int, plan_id: int | None = None) -> PlanStep:
    """Return a step of an active plan the user may follow (editors' plans or their own), or raise 404.

    The step comes with `completed_at`: when this user completed it, or None (same query).
    """
    completion = UserProgress.objects.filter(user=user, step=OuterRef("pk")).values("completed_at")[:1]
    steps = PlanStep.objects.filter(pk=step_id, plan__is_active=True)
    if plan_id is not None:
        steps = steps.filter(plan_id=plan_id)
    steps = steps.filter(Q(plan__user__isnull=True) | Q(plan__user=user))
    step = steps.annotate(completed_at=Subquery(completion)).first()
    if step is None:
        raise StepNotFound()
    return step


def step_complete(*, user, step: PlanStep) -> tuple[datetime, bool]:
    """Mark the step completed for the user; return when it was completed and whether that is new.

    Idempotent: completing twice keeps the first completion time. Concurrent calls are safe,
    the unique (user, step) constraint lets exactly one insert win.
    """
    if getattr(step, "completed_at", None) is not None:
        return step.completed_at, False
    progress, created = UserProgress.objects.get_or_create(
        user=user, step=step, defaults={"completed_at": timezone.now()}
    )
    return progress.completed_at, created


def step_uncomplete(*, user, step: PlanStep) -> bool:
    """Forget that the user completed the step; return whether there was anything to forget."""
    deleted, _ = UserProgress.objects.filter(user=user, step=step).delete()
    return deleted > 0


def step_complete_with_xp(*, user, step: PlanStep) -> tuple[datetime, int, bool]:
    """Complete the step; return (completed at, XP earned now, whether the plan is now complete).

    XP is earned once per completion: completing an already completed step earns 0.
    """
    completed_at, created = step_complete(user=user, step=step)
    completed_plan = plan_completed(user=user, plan_id=step.plan_id)
    earned = 0
    if created:
        earned = action_xp(step.action_type) + (PLAN_COMPLETED_XP if completed_plan else 0)
    return completed_at, earned, completed_plan
