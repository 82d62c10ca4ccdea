from django.conf import settings
from django.db import models

from fypfixer.i18n import localized
from fypfixer.models import CreatedAtModel, TimestampedModel


class CategoryManager(models.Manager):
    def get_by_natural_key(self, code):
        return self.get(code=code)


class Category(CreatedAtModel):
    """A theme users can retrain their feed towards (Personal Growth, Wellness, ...)."""

    code = models.SlugField(max_length=32, unique=True, help_text="Stable id used by the apps, e.g. personal_growth.")
    name_en = models.CharField("name (English)", max_length=100)
    name_ru = models.CharField("name (Russian)", max_length=100, blank=True)
    name_es = models.CharField("name (Spanish)", max_length=100, blank=True)
    icon = models.CharField(max_length=16, blank=True, help_text="An emoji.")
    description_en = models.CharField("description (English)", max_length=300, blank=True)
    description_ru = models.CharField("description (Russian)", max_length=300, blank=True)
    description_es = models.CharField("description (Spanish)", max_length=300, blank=True)
    display_order = models.PositiveIntegerField(default=0)
    is_premium = models.BooleanField(default=False)
    coming_soon = models.BooleanField(
        default=False, help_text="Shown but not yet open: users can join its waitlist instead."
    )
    price = models.DecimalField(
        max_digits=7, decimal_places=2, null=True, blank=True, help_text="Price of premium access, in US dollars."
    )
    is_active = models.BooleanField(default=True)

    objects = CategoryManager()

    class Meta:
        ordering = ["display_order", "id"]
        verbose_name_plural = "categories"

    def __str__(self):
        return self.name_en

    def natural_key(self):
        return (self.code,)

    def name(self, language: str) -> str:
        """Return the category's name in the language, falling back to English."""
        return localized(self, "name", language)

    def description(self, language: str) -> str:
        """Return the category's description in the language, falling back to English."""
        return localized(self, "description", language)


class CategorySubscription(TimestampedModel):
    """A category a user follows in the web client: free ones up to a limit, premium ones for some days."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="category_subscriptions")
    category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="subscriptions")
    is_active = models.BooleanField(default=True)
    is_purchased = models.BooleanField(default=False)
    activated_at = models.DateTimeField()
    expires_at = models.DateTimeField(null=True, blank=True, help_text="Empty for free categories.")

    class Meta:
        ordering = ["-activated_at"]
        constraints = [
            models.UniqueConstraint(fields=["user", "category"], name="categorysubscription_one_per_user_and_category"),
        ]
        indexes = [models.Index(fields=["category", "is_active"], name="subscription_followers")]

    def __str__(self):
        return f"{self.user} follows {self.category}"

    def is_expired(self, now) -> bool:
        return self.expires_at is not None and self.expires_at <= now


class WaitlistEntry(CreatedAtModel):
    """A user waiting for a premium category that is coming soon."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="waitlist_entries")
    category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="waitlist_entries")

    class Meta:
        ordering = ["-created_at"]
        verbose_name_plural = "waitlist entries"
        constraints = [
            models.UniqueConstraint(fields=["user", "category"], name="waitlistentry_one_per_user_and_category"),
        ]

    def __str__(self):
        return f"{self.user} waits for {self.category}"


class Video(TimestampedModel):
    """A TikTok video in the library: what plans show, filled by editors, TikTok's oEmbed and the scraper."""

    class Source(models.TextChoices):
        MANUAL = "manual", "Pasted by an editor"
        OEMBED = "oembed", "TikTok oEmbed"
        SCRAPER = "scraper", "TikTok scraper (Apify)"

    tiktok_id = models.CharField("TikTok video id", max_length=32, unique=True)
    url = models.URLField(max_length=500)
    creator_username = models.CharField(max_length=64, blank=True, db_index=True)
    creator_name = models.CharField(max_length=200, blank=True)
    title = models.TextField("title or caption", blank=True)
    thumbnail_url = models.URLField(max_length=1000, blank=True)
    duration_seconds = models.PositiveIntegerField(null=True, blank=True)
    language = models.CharField(max_length=16, blank=True)
    hashtags = models.JSONField(default=list, blank=True)
    plays = models.PositiveBigIntegerField(default=0)
    likes = models.PositiveBigIntegerField(default=0)
    comments = models.PositiveBigIntegerField(default=0)
    shares = models.PositiveBigIntegerField(default=0)
    saves = models.PositiveBigIntegerField(default=0)
    engagement_rate = models.FloatField(default=0.0, help_text="(likes + comments + shares + saves) / plays.")
    source = models.CharField(max_length=16, choices=Source.choices, default=Source.MANUAL)
    first_seen_at = models.DateTimeField(auto_now_add=True)
    last_seen_at = models.DateTimeField(auto_now_add=True)
    is_gone = models.BooleanField(default=False, help_text="TikTok no longer serves this video.")
    enriched_at = models.DateTimeField(null=True, blank=True, help_text="Last filled from TikTok's oEmbed.")

    class Meta:
        ordering = ["-engagement_rate", "-plays", "id"]
        indexes = [
            models.Index(fields=["-engagement_rate", "-plays"], name="video_most_engaging"),
            models.Index(fields=["is_gone"], name="video_gone"),
        ]

    def __str__(self):
        return self.title[:80] or f"@{self.creator_username} {self.tiktok_id}"

    def save(self, *args, **kwargs):
        self.engagement_rate = engagement_rate(**{name: getattr(self, name) for name in STAT_FIELDS})
        super().save(*args, **kwargs)


STAT_FIELDS = ("plays", "likes", "comments", "shares", "saves")


def engagement_rate(*, plays: int, likes: int, comments: int, shares: int, saves: int) -> float:
    """Interactions per play: (likes + comments + shares + saves) / plays, 0 without plays."""
    interactions = (likes or 0) + (comments or 0) + (shares or 0) + (saves or 0)
    return round(interactions / plays, 6) if plays else 0.0


class ImportJob(TimestampedModel):
    """One import of the scraper's dataset into the library: an uploaded file, or an Apify run."""

    class Status(models.TextChoices):
        PREVIEWED = "previewed", "Checked, waiting for the editor to confirm"
        PENDING = "pending", "Waiting for a worker"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    class Origin(models.TextChoices):
        UPLOAD = "upload", "Uploaded file"
        APIFY = "apify", "Apify run"

    origin = models.CharField(max_length=16, choices=Origin.choices)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    file = models.FileField(upload_to="imports/", blank=True)
    dataset_id = models.CharField(max_length=100, blank=True, help_text="The Apify run's dataset.")
    include_ads = models.BooleanField(default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    new = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    rejected = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True, help_text="Rejected items (line and reason) and failures.")
    attempts = models.PositiveSmallIntegerField(default=0)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            # An Apify run's dataset is imported once (a failed import may be tried again).
            models.UniqueConstraint(
                fields=["dataset_id"],
                condition=models.Q(origin="apify") & ~models.Q(status="failed"),
                name="importjob_one_live_import_per_dataset",
            ),
        ]

    def __str__(self):
        return f"import #{self.pk} ({self.get_origin_display()}, {self.get_status_display()})"

    @property
    def summary(self) -> str:
        return f"{self.new} new, {self.updated} updated, {self.unchanged} unchanged, {self.rejected} rejected"

    @property
    def duration(self):
        if self.started_at and self.finished_at:
            return self.finished_at - self.started_at
        return None
