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
