from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q

from catalog.library import video_for_url
from catalog.models import Category
from fypfixer.i18n import DEFAULT_LANGUAGE, Language, localized
from fypfixer.models import CreatedAtModel, TimestampedModel
from plans.tiktok import canonical_video_url, parse_video_url, validate_public_url, validate_video_url


class Plan(TimestampedModel):
    """An ordered list of steps for one category and language.

    A dated plan (not a template) is "the plan of that day" for its category and language;
    a template is served on days that have no dated plan. Editor-authored plans have no user.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="own_plans",
        help_text="Empty for plans written by editors.",
    )
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="plans")
    plan_date = models.DateField(null=True, blank=True, help_text="The day a dated plan is served on.")
    language = models.CharField(max_length=5, choices=Language.choices, default=DEFAULT_LANGUAGE)
    is_template = models.BooleanField(default=False, help_text="Templates are served on days without a dated plan.")
    title = models.CharField(max_length=200)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["category", "plan_date", "language"],
                condition=Q(is_template=False, is_active=True),
                name="plan_one_active_dated_plan_per_day",
                violation_error_message=("There is already an active plan for this category, date and language."),
            ),
            models.CheckConstraint(
                condition=Q(is_template=True) | Q(plan_date__isnull=False),
                name="plan_dated_unless_template",
                violation_error_message="A plan that is not a template needs a date.",
            ),
        ]
        indexes = [
            models.Index(fields=["category", "language", "is_template", "is_active"], name="plan_daily_lookup"),
            models.Index(fields=["-created_at", "-id"], name="plan_newest_first"),
        ]

    def __str__(self):
        return self.title


class PlanStep(CreatedAtModel):
    """One thing to do in a plan ("Watch these 3 videos"), at its place in the order."""

    class Action(models.TextChoices):
        WATCH = "watch", "Watch"
        LIKE = "like", "Like"
        FOLLOW = "follow", "Follow"
        SAVE = "save", "Save"
        COMMENT = "comment", "Comment"
        SHARE = "share", "Share"
        SEARCH = "search", "Search"
        NOT_INTERESTED = "not_interested", "Not interested"

    # Steps that teach the feed what to show less of.
    NEGATIVE_ACTIONS = frozenset({Action.NOT_INTERESTED})

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="steps")
    step_order = models.PositiveSmallIntegerField(default=1, validators=[MaxValueValidator(999)])
    action_type = models.CharField(max_length=32, choices=Action.choices, default=Action.WATCH)
    text_en = models.TextField("text (English)")
    text_ru = models.TextField("text (Russian)", blank=True)
    text_es = models.TextField("text (Spanish)", blank=True)
    duration_minutes = models.PositiveSmallIntegerField(default=5)

    class Meta:
        ordering = ["step_order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "step_order"],
                name="planstep_unique_order_in_plan",
                violation_error_message="Two steps of a plan cannot share a position.",
            ),
        ]

    def __str__(self):
        return f"{self.step_order}. {self.text_en[:60]}"

    def text(self, language: str) -> str:
        """Return the step's instruction in the language, falling back to English."""
        return localized(self, "text", language)


class StepItem(CreatedAtModel):
    """A curated TikTok video shown under a step, at its place in the step's order."""

    plan_step = models.ForeignKey(PlanStep, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveSmallIntegerField(default=0)
    library_video = models.ForeignKey(
        "catalog.Video",
        on_delete=models.PROTECT,
        related_name="items",
        null=True,
        blank=True,
        verbose_name="video in the library",
        help_text="Pick a video from the library, or paste its address below.",
    )
    video_url = models.URLField(
        max_length=500,
        blank=True,
        validators=[validate_video_url],
        help_text="Or paste the TikTok video address: the video joins the library, filled from TikTok.",
    )
    video_id = models.CharField(max_length=32, blank=True)
    creator_username = models.CharField(max_length=64, blank=True)
    title = models.CharField(max_length=300, blank=True, help_text="Empty: the library video's title.")
    thumbnail_url = models.URLField(
        max_length=1000, blank=True, validators=[validate_public_url], help_text="Empty: the library video's thumbnail."
    )
    engagement_score = models.FloatField(null=True, blank=True)
    reason_text = models.TextField(blank=True)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = "video item"
        indexes = [models.Index(fields=["creator_username"], name="stepitem_creator")]
        constraints = [models.CheckConstraint(condition=~Q(video_url=""), name="stepitem_has_video_url")]

    def __str__(self):
        return self.title or self.video_url

    def clean(self):
        if not self.video_url:
            if self.library_video_id is None:
                raise ValidationError({"video_url": "Pick a video from the library or paste its address."})
            self.video_url = self.library_video.url

    def save(self, *args, **kwargs):
        if not self.video_url and self.library_video_id is not None:
            self.video_url = self.library_video.url
        self.derive_from_url()
        self.link_library_video()
        super().save(*args, **kwargs)

    def link_library_video(self) -> None:
        """Point the item at the library's video for its address, adding the video when new."""
        if self.library_video_id is not None and self.library_video.tiktok_id == self.video_id:
            return
        self.library_video = video_for_url(self.video_url, title=self.title, thumbnail_url=self.thumbnail_url)

    def derive_from_url(self) -> None:
        """Set video_id, creator_username and a canonical video_url from the pasted URL."""
        ref = parse_video_url(self.video_url)
        self.video_id = ref.video_id
        self.creator_username = ref.creator_username
        self.video_url = canonical_video_url(ref)
