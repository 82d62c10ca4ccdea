from django.contrib import admin
from django.db.models import Count

from catalog.models import Category


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ("name_en", "icon", "code", "display_order", "is_premium", "is_active", "plans_count")
    list_editable = ("display_order", "is_premium", "is_active")
    list_filter = ("is_active", "is_premium")
    search_fields = ("code", "name_en", "name_ru", "name_es")
    readonly_fields = ("created_at",)
    fieldsets = (
        (None, {"fields": ("code", "icon", ("display_order", "is_premium", "is_active"))}),
        ("Names", {"fields": (("name_en", "name_ru", "name_es"),)}),
        (None, {"fields": ("created_at",)}),
    )

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(plans_count=Count("plans"))

    @admin.display(description="plans", ordering="plans_count")
    def plans_count(self, category):
        return category.plans_count
