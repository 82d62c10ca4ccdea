from django import forms
from django.contrib import admin
from django.contrib.auth import forms as auth_forms
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from accounts.models import User, UserPreferences


class UserCreationForm(auth_forms.AdminUserCreationForm):
    class Meta:
        model = User
        fields = ("email",)


class UserChangeForm(auth_forms.UserChangeForm):
    avatar_url = forms.URLField(max_length=1000, required=False, assume_scheme="https")

    class Meta:
        model = User
        fields = "__all__"


class UserPreferencesInline(admin.StackedInline):
    model = UserPreferences
    can_delete = False
    fields = (
        "dark_mode",
        "notifications_enabled",
        "has_completed_onboarding",
        "selected_goals",
        "preferred_category",
        "updated_at",
    )
    readonly_fields = ("updated_at",)


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    form = UserChangeForm
    add_form = UserCreationForm
    inlines = (UserPreferencesInline,)
    list_display = (
        "__str__",
        "client_id",
        "is_guest_display",
        "language",
        "is_premium",
        "is_staff",
        "is_active",
        "created_at",
    )
    list_filter = ("is_staff", "is_superuser", "is_active", "is_premium", "language", "groups")
    search_fields = ("email", "client_id")
    ordering = ("-created_at",)
    readonly_fields = ("created_at", "updated_at", "last_login", "tokens_valid_after")
    fieldsets = (
        (None, {"fields": ("email", "password", "client_id")}),
        ("Profile", {"fields": ("language", "is_premium")}),
        ("Permissions", {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")}),
        ("Dates", {"fields": ("last_login", "tokens_valid_after", "created_at", "updated_at")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("email", "usable_password", "password1", "password2", "is_staff", "groups"),
            },
        ),
    )

    @admin.display(description="guest", boolean=True)
    def is_guest_display(self, user):
        return user.is_guest
