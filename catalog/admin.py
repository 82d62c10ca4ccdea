import csv

from django.contrib import admin
from django.db.models import Count, Q
from django.http import HttpResponse
from django.utils import timezone

from catalog.models import Category, CategorySubscription, WaitlistEntry


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
