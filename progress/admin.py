from django.contrib import admin

from progress.models import UserProgress


@admin.register(UserProgress)
class UserProgressAdmin(admin.ModelAdmin):
    list_display = ("user", "step", "plan", "completed_at")
    list_select_related = ("user", "step__plan")
    search_fields = ("user__email", "user__client_id")
    list_filter = ("completed_at",)
    raw_id_fields = ("user", "step")
    readonly_fields = ("created_at",)

    @admin.display(description="plan")
    def plan(self, progress):
        return progress.step.plan
