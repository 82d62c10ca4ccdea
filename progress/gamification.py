"""The original product's game rules: XP per action, levels by total XP, streak milestones."""

from bisect import bisect_right

from plans.models import PlanStep

# XP for completing a step, by its action type; other actions earn DEFAULT_ACTION_XP.
ACTION_XP = {
    PlanStep.Action.FOLLOW: 10,
    PlanStep.Action.LIKE: 5,
    PlanStep.Action.SAVE: 8,
    PlanStep.Action.NOT_INTERESTED: 7,
}
DEFAULT_ACTION_XP = 5
# Extra XP for completing every step of a plan.
PLAN_COMPLETED_XP = 25

# (minimum total XP, level name), in rising order.
LEVELS = (
    (0, "Beginner"),
    (100, "Explorer"),
    (300, "Apprentice"),
    (600, "Curator"),
    (1000, "Expert"),
    (2000, "Master"),
    (5000, "Legend"),
)

STREAK_MILESTONES = (3, 7, 14, 21, 30, 60, 90, 180, 365)


def action_xp(action_type: str) -> int:
    return ACTION_XP.get(action_type, DEFAULT_ACTION_XP)


def level_for(total_xp: int) -> str:
    """Return the level name reached with this much XP."""
    thresholds = [minimum for minimum, _name in LEVELS]
    return LEVELS[max(bisect_right(thresholds, total_xp) - 1, 0)][1]


def next_milestone(streak: int) -> int | None:
    """Return the next streak milestone above the current streak, or None past the last one."""
    return next((milestone for milestone in STREAK_MILESTONES if milestone > streak), None)
