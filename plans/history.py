"""Versions of a plan (django-reversion): what each save changed, and restoring an earlier one.

Every save of a plan in the admin records a version holding the plan, its steps and each
step's videos, with who saved it and when. A version restored puts back exactly that plan:
steps and videos added since are deleted, deleted ones come back, orders are as they were.
"""

from dataclasses import dataclass

import reversion
from django.db import transaction
from reversion.models import Version

from fypfixer.api import ConflictError
from fypfixer.content_cache import content_changed
from plans.models import Plan, PlanStep, StepItem
from plans.services import plan_copy_to_date, steps_park

PLAN_FIELDS = {
    "title": "title",
    "category": "category",
    "language": "language",
    "plan_date": "date",
    "is_template": "template",
    "is_active": "active",
}
STEP_FIELDS = ("action_type", "text_en", "text_ru", "text_es", "duration_minutes")
ITEM_FIELDS = ("video_url", "title", "thumbnail_url", "engagement_score", "reason_text")


@dataclass
class PlanVersion:
    version: Version
    summary: list[str]

    @property
    def revision(self):
        return self.version.revision


def _state(version: Version) -> dict:
    """The plan, steps and items a version holds: {"plan": fields, "steps": {pk: fields}, "items": {pk: fields}}."""
    state = {"plan": version.field_dict, "steps": {}, "items": {}}
    for other in version.revision.version_set.all():
        model = other.content_type.model_class()
        if model is PlanStep:
            state["steps"][int(other.object_id)] = other.field_dict
        elif model is StepItem:
            state["items"][int(other.object_id)] = other.field_dict
    return state


def summarize(before: dict | None, after: dict) -> list[str]:
    """Readable sentences for what changed from one version of a plan to the next."""
    if before is None:
        return [f"First version: {len(after['steps'])} step(s), {len(after['items'])} video(s)."]
    changes = []
    for field, label in PLAN_FIELDS.items():
        old, new = before["plan"].get(field), after["plan"].get(field)
        if field == "category":
            old, new = before["plan"].get("category_id"), after["plan"].get("category_id")
        if old != new:
            changes.append(f"Plan {label} changed from “{old}” to “{new}”.")
    old_steps, new_steps = before["steps"], after["steps"]
    for pk in new_steps.keys() - old_steps.keys():
        changes.append(f"Step {new_steps[pk]['step_order']} added ({new_steps[pk]['action_type']}).")
    for pk in old_steps.keys() - new_steps.keys():
        changes.append(f"Step {old_steps[pk]['step_order']} removed.")
    for pk in old_steps.keys() & new_steps.keys():
        changed = [field for field in STEP_FIELDS if old_steps[pk].get(field) != new_steps[pk].get(field)]
        if changed:
            changes.append(f"Step {new_steps[pk]['step_order']}: {', '.join(changed)} changed.")
        if old_steps[pk]["step_order"] != new_steps[pk]["step_order"]:
            changes.append(f"Step moved from {old_steps[pk]['step_order']} to {new_steps[pk]['step_order']}.")
    old_items, new_items = before["items"], after["items"]
    added, removed = len(new_items.keys() - old_items.keys()), len(old_items.keys() - new_items.keys())
    if added:
        changes.append(f"{added} video(s) added.")
    if removed:
        changes.append(f"{removed} video(s) removed.")
    edited = sum(
        any(
            old_items[pk].get(field) != new_items[pk].get(field) for field in (*ITEM_FIELDS, "position", "plan_step_id")
        )
        for pk in old_items.keys() & new_items.keys()
    )
    if edited:
        changes.append(f"{edited} video(s) edited or moved.")
    return changes or ["Saved without changes."]


def plan_versions(*, plan: Plan) -> list[PlanVersion]:
    """The plan's versions, newest first, each with what it changed."""
    versions = list(
        Version.objects.get_for_object(plan)
        .select_related("revision__user")
        .prefetch_related("revision__version_set__content_type")
        .order_by("revision__date_created", "pk")
    )
    history, before = [], None
    for version in versions:
        state = _state(version)
        history.append(PlanVersion(version=version, summary=summarize(before, state)))
        before = state
    return list(reversed(history))


def plan_copy_recorded(*, plan: Plan, day, user) -> Plan:
    """Copy a plan to a day (plan_copy_to_date) and record the copy's first version."""
    with reversion.create_revision():
        copy = plan_copy_to_date(plan=plan, day=day)
        reversion.add_to_revision(copy)
        reversion.set_user(user)
        reversion.set_comment(f"Copied from “{plan.title}” (plan #{plan.pk}).")
    return copy


class PlanDeleted(ConflictError):
    message = "This plan was deleted, so its versions cannot be restored here."


@transaction.atomic
def plan_restore(*, plan_id: int, version_id: int, user) -> Plan:
    """Put the plan back as a version holds it (its steps and videos too); record that as a new version."""
    plan = Plan.objects.select_for_update().filter(pk=plan_id).first()
    if plan is None:
        raise PlanDeleted()
    version = Version.objects.get_for_object(plan).get(pk=version_id)
    # Park today's steps out of the way first: the restored ones take their old positions.
    steps_park(step_ids=list(plan.steps.values_list("pk", flat=True)))
    with reversion.create_revision():
        version.revision.revert(delete=True)
        plan = Plan.objects.get(pk=plan_id)
        reversion.add_to_revision(plan)
        reversion.set_user(user)
        reversion.set_comment(f"Restored the version of {version.revision.date_created:%Y-%m-%d %H:%M}.")
    content_changed()
    return plan
