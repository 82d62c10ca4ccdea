import csv
import logging

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Count, Q
from django.http import HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.text import Truncator

from catalog.imports import FileUnreadable, import_items, read_items
from catalog.jobs import import_file_job
from catalog.models import STAT_FIELDS, Category, CategorySubscription, ImportJob, Video, WaitlistEntry
from fypfixer.jobs import enqueue
from plans.admin import URL_FIELD, thumbnail
from plans.models import Plan
from plans.tiktok import canonical_video_url, parse_video_url

logger = logging.getLogger(__name__)


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = (
        "name_en",
        "icon",
        "code",
        "display_order",
        "is_premium",
        "coming_soon",
        "price",
        "is_active",
        "plans_count",
        "followers_count",
        "waitlist_count",
    )
    list_editable = ("display_order", "is_premium", "coming_soon", "is_active")
    list_filter = ("is_active", "is_premium", "coming_soon")
    search_fields = ("code", "name_en", "name_ru", "name_es")
    readonly_fields = ("created_at",)
    fieldsets = (
        (None, {"fields": ("code", "icon", ("display_order", "is_active"))}),
        ("Names", {"fields": (("name_en", "name_ru", "name_es"),)}),
        ("Descriptions", {"fields": (("description_en", "description_ru", "description_es"),)}),
        ("Premium", {"fields": (("is_premium", "coming_soon", "price"),)}),
        (None, {"fields": ("created_at",)}),
    )

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                plans_count=Count("plans", distinct=True),
                followers_count=Count("subscriptions", filter=Q(subscriptions__is_active=True), distinct=True),
                waitlist_count=Count("waitlist_entries", distinct=True),
            )
        )

    @admin.display(description="plans", ordering="plans_count")
    def plans_count(self, category):
        return category.plans_count

    @admin.display(description="followers", ordering="followers_count")
    def followers_count(self, category):
        return category.followers_count

    @admin.display(description="waitlist", ordering="waitlist_count")
    def waitlist_count(self, category):
        return category.waitlist_count


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows users make themselves: editors look, they do not edit."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(CategorySubscription)
class CategorySubscriptionAdmin(ReadOnlyAdmin):
    list_display = ("user", "category", "is_active", "is_purchased", "activated_at", "expires_at")
    list_filter = ("category", "is_active", "is_purchased")
    list_select_related = ("user", "category")
    search_fields = ("user__email", "user__display_name", "category__code")
    date_hierarchy = "activated_at"


@admin.register(WaitlistEntry)
class WaitlistEntryAdmin(ReadOnlyAdmin):
    list_display = ("user", "email", "category", "created_at")
    list_filter = ("category",)
    list_select_related = ("user", "category")
    search_fields = ("user__email", "user__display_name", "category__code")
    date_hierarchy = "created_at"
    actions = ("export_csv",)

    @admin.display(description="email")
    def email(self, entry):
        return entry.user.email or "—"

    @admin.action(description="Export selected entries as CSV", permissions=["view"])
    def export_csv(self, request, queryset):
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="waitlist-{timezone.localdate():%Y-%m-%d}.csv"'
        writer = csv.writer(response)
        writer.writerow(["category", "user_id", "email", "display_name", "joined_at"])
        for entry in queryset.select_related("user", "category").order_by("category__code", "created_at"):
            writer.writerow(
                [
                    entry.category.code,
                    entry.user_id,
                    entry.user.email or "",
                    entry.user.display_name,
                    entry.created_at.isoformat(),
                ]
            )
        return response


WIDE_URL = forms.URLInput(attrs={"class": "vURLField", "size": 60})


class VideoForm(forms.ModelForm):
    """A video is known by its address: the TikTok id and creator are read from it."""

    url = forms.URLField(max_length=500, **URL_FIELD, widget=WIDE_URL, help_text="The TikTok video address.")
    thumbnail_url = forms.URLField(max_length=1000, required=False, **URL_FIELD, widget=WIDE_URL)

    class Meta:
        model = Video
        fields = (
            "url",
            "title",
            "creator_name",
            "thumbnail_url",
            "duration_seconds",
            "language",
            "hashtags",
            "is_gone",
        )

    def clean_url(self):
        ref = parse_video_url(self.cleaned_data["url"])
        others = Video.objects.filter(tiktok_id=ref.video_id).exclude(pk=self.instance.pk)
        if others.exists():
            raise forms.ValidationError(f"Video {ref.video_id} is already in the library.", code="duplicate")
        self.instance.tiktok_id = ref.video_id
        self.instance.creator_username = ref.creator_username
        return canonical_video_url(ref)


@admin.register(Video)
class VideoAdmin(admin.ModelAdmin):
    """The video library: what plans show; picked in the plan page, most engaging first."""

    list_display = (
        "preview",
        "title_short",
        "creator_username",
        "plays",
        "engagement_percent",
        "language",
        "source",
        "is_gone",
        "last_seen_at",
    )
    list_display_links = ("preview", "title_short")
    list_filter = ("is_gone", "source", "language")
    search_fields = ("tiktok_id", "creator_username", "creator_name", "title", "hashtags")
    ordering = ("-engagement_rate", "-plays", "id")
    show_full_result_count = False
    list_per_page = 50
    formfield_overrides = {models.URLField: URL_FIELD}
    readonly_fields = (
        "large_preview",
        "tiktok_id",
        "creator_username",
        *STAT_FIELDS,
        "engagement_percent",
        "source",
        "first_seen_at",
        "last_seen_at",
        "enriched_at",
        "used_in",
    )
    fieldsets = (
        (None, {"fields": ("large_preview", ("tiktok_id", "url"), "title", ("creator_username", "creator_name"))}),
        ("Details", {"fields": ("thumbnail_url", ("duration_seconds", "language"), "hashtags", "is_gone")}),
        ("Stats", {"fields": (tuple(STAT_FIELDS), "engagement_percent")}),
        ("Where it comes from", {"fields": (("source", "first_seen_at", "last_seen_at", "enriched_at"),)}),
        ("Plans that use it", {"fields": ("used_in",)}),
    )

    form = VideoForm

    def get_search_results(self, request, queryset, search_term):
        # "@creator" finds a creator's videos; "#tag" a hashtag's.
        return super().get_search_results(request, queryset, search_term.strip().lstrip("@#"))

    @admin.display(description="thumbnail")
    def preview(self, video):
        return thumbnail(video.thumbnail_url)

    @admin.display(description="thumbnail")
    def large_preview(self, video):
        return thumbnail(video.thumbnail_url, size=160)

    @admin.display(description="title", ordering="title")
    def title_short(self, video):
        return Truncator(video.title).chars(80) or f"(untitled {video.tiktok_id})"

    @admin.display(description="engagement", ordering="engagement_rate")
    def engagement_percent(self, video):
        return f"{video.engagement_rate * 100:.1f}%"

    @admin.display(description="plans")
    def used_in(self, video):
        plans = (
            Plan.objects.filter(steps__items__library_video=video)
            .select_related("category")
            .distinct()
            .order_by("-plan_date", "title")[:100]
        )
        links = format_html_join(
            "",
            '<li><a href="{}">{}</a> ({}, {})</li>',
            (
                (
                    reverse("admin:plans_plan_change", args=[plan.pk]),
                    plan.title,
                    plan.category,
                    "template" if plan.is_template else plan.plan_date,
                )
                for plan in plans
            ),
        )
        return format_html("<ul>{}</ul>", links) if plans else "No plan uses this video."


class ImportUploadForm(forms.Form):
    file = forms.FileField(help_text="The scraper's dataset export: JSON (an array or JSON lines) or CSV.")
    include_ads = forms.BooleanField(required=False, label="Import ads too")


@admin.register(ImportJob)
class ImportJobAdmin(admin.ModelAdmin):
    """Imports into the library: uploaded by editors (checked first, then confirmed) or sent by Apify."""

    list_display = (
        "__str__",
        "origin",
        "status",
        "new",
        "updated",
        "unchanged",
        "rejected",
        "duration_text",
        "created_by",
        "created_at",
    )
    list_filter = ("status", "origin")
    list_select_related = ("created_by",)
    readonly_fields = (
        "origin",
        "status",
        "file",
        "dataset_id",
        "include_ads",
        "created_by",
        "new",
        "updated",
        "unchanged",
        "rejected",
        "attempts",
        "started_at",
        "finished_at",
        "duration_text",
        "error_list",
    )
    exclude = ("errors",)
    change_list_template = "admin/catalog/importjob/change_list.html"

    def has_change_permission(self, request, obj=None):
        return False

    def get_urls(self):
        return [
            path("upload/", self.admin_site.admin_view(self.upload_view), name="catalog_importjob_upload"),
            path(
                "<int:job_id>/confirm/", self.admin_site.admin_view(self.confirm_view), name="catalog_importjob_confirm"
            ),
            *super().get_urls(),
        ]

    def add_view(self, request, form_url="", extra_context=None):
        return redirect("admin:catalog_importjob_upload")

    @admin.display(description="duration")
    def duration_text(self, job):
        return f"{job.duration.total_seconds():.1f} s" if job.duration else "—"

    @admin.display(description="errors")
    def error_list(self, job):
        if not job.errors:
            return "None."
        rows = format_html_join("", "<li>{}: {}</li>", ((e.get("where"), e.get("reason")) for e in job.errors))
        more = job.rejected - len(job.errors) if job.rejected > len(job.errors) else 0
        return format_html("<ul>{}</ul>{}", rows, f"… and {more} more rejected" if more else "")

    def upload_view(self, request):
        """Step 1: upload the file and see what importing it would do (a dry run)."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = ImportUploadForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            job = ImportJob.objects.create(
                origin=ImportJob.Origin.UPLOAD,
                status=ImportJob.Status.PREVIEWED,
                file=form.cleaned_data["file"],
                include_ads=form.cleaned_data["include_ads"],
                created_by=request.user,
            )
            try:
                with job.file.open("rb") as stream:
                    report = import_items(read_items(stream), dry_run=True, include_ads=job.include_ads)
            except FileUnreadable as error:
                job.file.delete(save=False)
                job.delete()
                form.add_error("file", f"This file cannot be read as JSON, JSON lines or CSV ({error}).")
            else:
                ImportJob.objects.filter(pk=job.pk).update(errors=report.errors, **report.as_dict())
                job.refresh_from_db()
                return self._page(
                    request, "admin/catalog/importjob/preview.html", f"Check the import of {job}", job=job
                )
        return self._page(request, "admin/catalog/importjob/upload.html", "Import videos from the scraper", form=form)

    def confirm_view(self, request, job_id):
        """Step 2: the editor confirms; the import runs as a job (inline without a broker)."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        job = get_object_or_404(ImportJob, pk=job_id, origin=ImportJob.Origin.UPLOAD)
        claimed = ImportJob.objects.filter(pk=job.pk, status=ImportJob.Status.PREVIEWED).update(
            status=ImportJob.Status.PENDING, new=0, updated=0, unchanged=0, rejected=0, errors=[]
        )
        if not claimed:
            self.message_user(request, f"{job} was already confirmed.", messages.WARNING)
            return redirect("admin:catalog_importjob_changelist")
        try:
            enqueue(import_file_job, job.pk)
        except Exception as error:  # the import's own failure is on the job; say so and keep the page
            logger.exception("Import %s failed", job.pk)
            self.message_user(request, f"{job} failed: {error}", messages.ERROR)
        else:
            job.refresh_from_db()
            if job.status == ImportJob.Status.DONE:
                self.message_user(request, f"Imported: {job.summary}.")
            else:
                self.message_user(request, f"{job} is queued: this list shows its progress.")
        return redirect("admin:catalog_importjob_changelist")

    def _page(self, request, template, title, **context):
        return TemplateResponse(
            request,
            template,
            {**self.admin_site.each_context(request), "title": title, "opts": self.model._meta, **context},
        )
