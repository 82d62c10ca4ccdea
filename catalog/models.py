from django.db import models

from fypfixer.i18n import localized
from fypfixer.models import CreatedAtModel


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
    display_order = models.PositiveIntegerField(default=0)
    is_premium = models.BooleanField(default=False)
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
