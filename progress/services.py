import functools
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from rest_framework_simplejwt.settings import api_settings as jwt_settings

from accounts.models import User
from accounts.services import ISSUED_AT_CLAIM
from catalog.models import Category
from fypfixer.db import prepared_cursor
from plans.models import Plan, PlanStep
from progress.gamification import PLAN_COMPLETED_XP, action_xp
from progress.models import UserProgress
from progress.selectors import plan_completed


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def step_complete_at_once(*, user_id: int, token, plan_id: int, step_id: int, day: date) -> datetime | None:
    """Complete the step in one statement if the user may complete it and has not yet; return when.

    Returns None when nothing was inserted: the step is already completed, or not one the
    user can complete today, or (on PostgreSQL) the account refuses the bearer `token`; the
    caller then reads the user and asks visible_step() which, and why. This is the fast path
    of the busiest write (README, "Ablation": PROGRESS_INSERT_SQL): the conditions are those
    of selectors.completable_steps() and visible_step(), written out because building them
    with the ORM costs more than the write itself, and on PostgreSQL also the account checks
    of accounts.authentication.JWTAuthentication (COMPLETION_ACCOUNT_SQL), so the user's row
    need not be read first. Tests hold each to the same answers. On PostgreSQL the statement
    is prepared once per connection (PREPARED_SQL, fypfixer/db.py): planning it costs more
    than running it.
    """
    completed_at = timezone.now()
    moment = connection.ops.adapt_datetimefield_value(completed_at)
    days = [connection.ops.adapt_datefield_value(d) for d in (day, day - timedelta(days=1))]
    checks_account = connection.vendor == "postgresql"
    params = [moment, moment, user_id, step_id, *([plan_id] if plan_id is not None else []), *days]
    if checks_account:
        params += _account_params(token)
    with prepared_cursor() as cursor:
        cursor.execute(_completion_sql(plan_id is not None, checks_account), params)
        return completed_at if cursor.fetchone() is not None else None


@functools.cache
def _completion_sql(with_plan: bool, checks_account: bool) -> str:
    """The statement of step_complete_at_once(), written once per shape (its text never changes)."""
    plan_condition = "AND p.id = %s " if with_plan else ""
    account_condition = (
        # What JWTAuthentication.get_user() refuses: an inactive account, a changed password
        # (the token's digest differs) or a logout after the token was issued. PostgreSQL only
        # (md5, epoch); elsewhere authentication has read and checked the user already.
        "AND u.is_active AND upper(md5(u.password)) = %s "
        "AND (u.tokens_valid_after IS NULL OR extract(epoch FROM u.tokens_valid_after)::float8 <= %s::float8) "
        if checks_account
        else ""
    )
    return (
        f"INSERT INTO {_table(UserProgress)} (user_id, step_id, completed_at, created_at) "  # noqa: S608
        f"SELECT u.id, s.id, %s, %s FROM {_table(PlanStep)} s "
        f"JOIN {_table(Plan)} p ON p.id = s.plan_id JOIN {_table(Category)} c ON c.id = p.category_id "
        f"JOIN {_table(User)} u ON u.id = %s "
        f"WHERE s.id = %s {plan_condition}"
        "AND p.is_active AND c.is_active AND (p.user_id IS NULL OR p.user_id = u.id) "
        "AND (p.is_template OR p.plan_date IN (%s, %s)) AND (NOT c.is_premium OR u.is_premium) "
        f"{account_condition}"
        "ON CONFLICT (user_id, step_id) DO NOTHING RETURNING id"
    )


def completion_checks_account() -> bool:
    """Whether completing a step leaves the account checks to its statement
    (COMPLETION_ACCOUNT_SQL; PostgreSQL, where the statement can make them)."""
    return settings.COMPLETION_ACCOUNT_SQL and settings.PROGRESS_INSERT_SQL and connection.vendor == "postgresql"


def _account_params(token) -> list:
    """The token's password digest and issue time, for the account checks of the statement.

    Both sides compare the same float8 seconds, so a boundary case agrees with
    JWTAuthentication too.
    """
    issued_at = token.get(ISSUED_AT_CLAIM, token.get("iat", 0))
    if not isinstance(issued_at, int | float):
        issued_at = float("-inf")  # no usable issue time: refused if the user ever logged out
    return [token.get(jwt_settings.REVOKE_TOKEN_CLAIM), float(issued_at)]


def step_complete(*, user, step: PlanStep) -> tuple[datetime, bool]:
    """Mark the step completed for the user; return when it was completed and whether that is new.

    `step` comes from visible_step(), with this user's `completed_at`. Idempotent: completing
    twice keeps the first completion time, also when two requests complete it at once.
    """
    if step.completed_at is not None:
        return step.completed_at, False
    completed_at = timezone.now()
    try:
        with transaction.atomic():
            UserProgress.objects.create(user=user, step=step, completed_at=completed_at)
    except IntegrityError:
        pass
    else:
        return completed_at, True
    # Another request completed it a moment ago: answer with its time.
    existing = UserProgress.objects.filter(user=user, step=step).values_list("completed_at", flat=True).first()
    return existing or completed_at, False


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
