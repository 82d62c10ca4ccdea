"""The editors' tool: a plan, its steps and each step's videos authored on one page."""

from datetime import timedelta

import nested_admin
import reversion
from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.utils import unquote
from django.contrib.admin.widgets import AdminDateWidget
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Count
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.html import format_html
from nested_admin.formsets import NestedInlineFormSet, mutable_querydict
from reversion.models import Version

from catalog.jobs import enrich_later
from catalog.library import EnrichmentFailed, video_enrich
from catalog.models import Video
from fypfixer.i18n import DEFAULT_LANGUAGE, Language
from plans.history import PlanDeleted, plan_copy_recorded, plan_restore, plan_versions
from plans.models import Plan, PlanStep, StepItem
from plans.services import PlanDateTaken, plans_set_active, steps_park
from plans.studio import preview_context

# Pasted videos filled from TikTok's oEmbed while the editor waits (3 s at most each); the rest by a job.
ENRICH_ON_SAVE = 3
# Addresses pasted without a scheme are taken as https.
URL_FIELD = {"assume_scheme": "https"}


def thumbnail(url: str, size: int = 48):
    if not url:
        return "—"
    return format_html(
        '<img src="{}" alt="" width="{}" height="{}" style="object-fit:cover;border-radius:4px">', url, size, size
    )


def item_thumbnail(item: StepItem):
    """The item's thumbnail, else its library video's; a gone video says so."""
    video = item.library_video if item.library_video_id else None
    image = thumbnail(item.thumbnail_url or (video.thumbnail_url if video else ""))
    if video is not None and video.is_gone:
        return format_html('{} <span class="gone" title="TikTok no longer serves this video">⚠ gone</span>', image)
    return image


class StepItemInline(nested_admin.NestedTabularInline):
    model = StepItem
    verbose_name = "video"
    verbose_name_plural = "videos"
    extra = 0
    sortable_field_name = "position"
    fields = (
        "position",
        "library_video",
        "video_url",
        "title",
        "thumbnail_url",
        "preview",
        "creator_username",
        "engagement_score",
        "reason_text",
    )
    readonly_fields = ("preview", "creator_username")
    autocomplete_fields = ("library_video",)
    formfield_overrides = {
        models.TextField: {"widget": forms.Textarea(attrs={"rows": 1, "cols": 30})},
        models.URLField: URL_FIELD,
    }

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("library_video")

    @admin.display(description="thumbnail")
    def preview(self, item):
        return item_thumbnail(item)


class StepFormSet(NestedInlineFormSet):
    """Save steps in their new order, numbered from 1, without breaking the unique order constraint."""

    def process_forms_pre_save(self, forms):
        forms.sort(key=lambda form: getattr(form, "cleaned_data", {}).get("step_order") or 0)
        kept = [
            form for form in forms if not self._should_delete_form(form) and (form._is_initial or form.has_changed())
        ]
        for number, form in enumerate(kept, start=1):
            form.instance.step_order = number
            with mutable_querydict(form.data):
                form.data[form.add_prefix("step_order")] = str(number)
            form.__dict__.pop("changed_data", None)
        moving = [
            form.instance.pk
            for form in forms
            if form._is_initial
            and form.instance.pk
            and (self._should_delete_form(form) or "step_order" in form.changed_data)
        ]
        steps_park(step_ids=moving)
        # A deleted step takes its videos with it: their forms must not be saved afterwards.
        for form in forms:
            if self._should_delete_form(form):
                for nested in getattr(form, "nested_formsets", []):
                    nested.parent_deleted = True
        return forms


class PlanStepInline(nested_admin.NestedStackedInline):
    model = PlanStep
    verbose_name = "step"
    verbose_name_plural = "steps"
    formset = StepFormSet
    extra = 0
    sortable_field_name = "step_order"
    inlines = (StepItemInline,)
    fieldsets = (
        (None, {"fields": (("step_order", "action_type", "duration_minutes"), ("text_en", "text_ru", "text_es"))}),
    )
    formfield_overrides = {models.TextField: {"widget": forms.Textarea(attrs={"rows": 2, "cols": 36})}}


class CopyToDateForm(forms.Form):
    day = forms.DateField(label="Copy to date", widget=AdminDateWidget)


@admin.register(Plan)
class PlanAdmin(nested_admin.NestedModelAdmin):
    inlines = (PlanStepInline,)
    list_display = (
        "title",
        "category",
        "language",
        "kind",
        "plan_date",
        "is_active",
        "steps_count",
        "items_count",
        "updated_at",
    )
    list_filter = ("category", "language", "is_template", "is_active", "plan_date")
    list_select_related = ("category",)
    search_fields = ("title", "steps__text_en", "steps__text_ru", "steps__text_es")
    date_hierarchy = "plan_date"
    readonly_fields = ("created_at", "updated_at")
    fieldsets = (
        (None, {"fields": ("title", ("category", "language"))}),
        ("When it is served", {"fields": (("is_template", "plan_date", "is_active"),)}),
    )
    actions = ("copy_to_date", "activate", "deactivate")
    change_list_template = "admin/plans/plan/change_list.html"

    class Media:
        css = {"all": ("plans/admin.css",)}

    def get_urls(self):
        own = [
            path("<path:object_id>/preview/", self.admin_site.admin_view(self.preview_view), name="plans_plan_preview"),
            path(
                "<path:object_id>/history/<int:version_id>/restore/",
                self.admin_site.admin_view(self.restore_view),
                name="plans_plan_restore",
            ),
        ]
        return own + super().get_urls()

    def get_changeform_initial_data(self, request):
        # "Create a plan for this day" in the calendar: a dated plan, not a template.
        initial = super().get_changeform_initial_data(request)
        if "plan_date" in initial:
            initial["is_template"] = False
        return initial

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        # Every save records a version of the plan, its steps and their videos (plans/history.py).
        with reversion.create_revision(manage_manually=False):
            reversion.set_user(request.user)
            reversion.set_comment("Saved in the admin.")
            return super().changeform_view(request, object_id, form_url, extra_context)

    def history_view(self, request, object_id, extra_context=None):
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        plan = self.get_object(request, unquote(object_id))
        if plan is None:
            raise Http404("There is no plan with this id.")
        context = {
            **self.admin_site.each_context(request),
            "title": f"History of “{plan.title}”",
            "opts": self.model._meta,
            "plan": plan,
            "versions": plan_versions(plan=plan),
            "can_change": self.has_change_permission(request, plan),
        }
        return TemplateResponse(request, "admin/plans/plan/history.html", context)

    def restore_view(self, request, object_id, version_id):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not self.has_change_permission(request):
            raise PermissionDenied
        try:
            plan = plan_restore(plan_id=int(object_id), version_id=version_id, user=request.user)
        except (ValueError, Version.DoesNotExist):
            raise Http404("There is no such version of this plan.") from None
        except PlanDeleted as error:
            self.message_user(request, error.message, messages.ERROR)
            return redirect("admin:plans_plan_changelist")
        self.message_user(request, f"Restored “{plan.title}” as it was in that version; the app serves it now.")
        return redirect("admin:plans_plan_history", plan.pk)

    def preview_view(self, request, object_id):
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        plan = self.get_object(request, unquote(object_id))
        if plan is None:
            raise Http404("There is no plan with this id.")
        language = request.GET.get("language", DEFAULT_LANGUAGE)
        if language not in Language.values:
            language = DEFAULT_LANGUAGE
        context = {
            **self.admin_site.each_context(request),
            "title": f"Preview of “{plan.title}”",
            "opts": self.model._meta,
            **preview_context(plan, language),
        }
        return TemplateResponse(request, "admin/plans/plan/preview.html", context)

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return self.fieldsets
        return (*self.fieldsets, ("History", {"fields": (("created_at", "updated_at"),)}))

    def save_formset(self, request, form, formset, change):
        if getattr(formset, "parent_deleted", False):
            # The videos of a deleted step went with it (see StepFormSet).
            formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
            return
        super().save_formset(request, form, formset, change)
        if formset.model is StepItem:
            saved = [*formset.new_objects, *(item for item, _changed in formset.changed_objects)]
            self._enrich_pasted(request, [item.library_video for item in saved if item.library_video_id])

    def _enrich_pasted(self, request, videos):
        """Fill newly pasted videos from TikTok's oEmbed; TikTok down or slow: save anyway, warn, retry later."""
        waiting = {
            video.pk: video for video in videos if video.enriched_at is None and video.source == Video.Source.MANUAL
        }
        for video in list(waiting.values())[:ENRICH_ON_SAVE]:
            try:
                video_enrich(video)
            except EnrichmentFailed as error:
                later = "a background job tries again" if enrich_later(video) else "the weekly refresh tries again"
                self.message_user(
                    request,
                    f"TikTok did not give the title, creator and thumbnail of video {video.tiktok_id} ({error}): "
                    f"the plan is saved without them and {later}.",
                    messages.WARNING,
                )
            else:
                if video.is_gone:
                    self.message_user(
                        request, f"TikTok no longer serves video {video.tiktok_id}: replace it.", messages.WARNING
                    )
        for video in list(waiting.values())[ENRICH_ON_SAVE:]:
            enrich_later(video)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if request.method == "GET" and unquote(object_id).isdigit():
            gone = Video.objects.filter(items__plan_step__plan_id=unquote(object_id), is_gone=True).distinct()
            for video in gone[:20]:
                self.message_user(
                    request,
                    f"TikTok no longer serves “{video}” (video {video.tiktok_id}), used in this plan: replace it.",
                    messages.WARNING,
                )
        return super().change_view(request, object_id, form_url, extra_context)

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .filter(user__isnull=True)
            .annotate(steps_count=Count("steps", distinct=True), items_count=Count("steps__items", distinct=True))
        )

    @admin.display(description="kind", ordering="is_template")
    def kind(self, plan):
        return "template" if plan.is_template else "dated"

    @admin.display(description="steps", ordering="steps_count")
    def steps_count(self, plan):
        return plan.steps_count

    @admin.display(description="videos", ordering="items_count")
    def items_count(self, plan):
        return plan.items_count

    @admin.action(description="Copy selected plans to a date…", permissions=["add"])
    def copy_to_date(self, request, queryset):
        form = CopyToDateForm(request.POST if "apply" in request.POST else None)
        if form.is_bound and form.is_valid():
            day = form.cleaned_data["day"]
            for plan in queryset:
                try:
                    copy = plan_copy_recorded(plan=plan, day=day, user=request.user)
                except PlanDateTaken as error:
                    self.message_user(request, error.message, messages.WARNING)
                else:
                    self.message_user(request, f"Copied “{plan.title}” to {day:%Y-%m-%d} (plan #{copy.pk}).")
            return None
        if not form.is_bound:
            form = CopyToDateForm(initial={"day": timezone.localdate() + timedelta(days=1)})
        context = {
            **self.admin_site.each_context(request),
            "title": "Copy plans to a date",
            "opts": self.model._meta,
            "plans": queryset,
            "form": form,
            "media": self.media + form.media,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/plans/plan/copy_to_date.html", context)

    @admin.action(description="Activate selected plans", permissions=["change"])
    def activate(self, request, queryset):
        self._set_active(request, queryset, active=True)

    @admin.action(description="Deactivate selected plans", permissions=["change"])
    def deactivate(self, request, queryset):
        self._set_active(request, queryset, active=False)

    def _set_active(self, request, queryset, *, active: bool):
        changed, refused = plans_set_active(plans=queryset, active=active)
        verb = "Activated" if active else "Deactivated"
        self.message_user(request, f"{verb} {len(changed)} plan(s).")
        for plan in refused:
            self.message_user(
                request,
                f"“{plan.title}” was not activated: {plan.category} already has an active "
                f"{plan.get_language_display()} plan on {plan.plan_date:%Y-%m-%d}.",
                messages.WARNING,
            )


@admin.register(StepItem)
class StepItemAdmin(admin.ModelAdmin):
    list_display = ("preview", "title", "creator_username", "video_id", "plan", "step")
    list_display_links = ("preview", "title")
    list_select_related = ("plan_step__plan", "library_video")
    list_filter = ("plan_step__plan__category", "plan_step__action_type")
    search_fields = ("creator_username", "title", "video_id")
    readonly_fields = ("video_id", "creator_username", "preview", "created_at")
    raw_id_fields = ("plan_step",)
    autocomplete_fields = ("library_video",)
    formfield_overrides = {models.URLField: URL_FIELD}
    fields = (
        "plan_step",
        "position",
        "library_video",
        "video_url",
        "video_id",
        "creator_username",
        "title",
        "thumbnail_url",
        "preview",
        "engagement_score",
        "reason_text",
        "created_at",
    )

    @admin.display(description="thumbnail")
    def preview(self, item):
        return item_thumbnail(item)

    @admin.display(description="plan")
    def plan(self, item):
        return item.plan_step.plan

    @admin.display(description="step")
    def step(self, item):
        return f"{item.plan_step.step_order}. {item.plan_step.get_action_type_display()}"
