"""The admin site editors work in: Django's, with the studio's pages that belong to no model."""

from functools import partial

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.urls import path


class StudioAdminSite(admin.AdminSite):
    site_header = "FYPFixer editors"
    site_title = "FYPFixer admin"
    index_title = "Curate categories and daily plans"
    index_template = "admin/studio_index.html"

    def get_urls(self):
        from insights.admin_views import insights_view
        from plans.studio import calendar_view, copy_here_view

        studio = [
            path("plans/calendar/", self.admin_view(partial(calendar_view, self)), name="plans_calendar"),
            path("plans/calendar/copy/", self.admin_view(partial(copy_here_view, self)), name="plans_copy_here"),
            path("insights/", self.admin_view(partial(insights_view, self)), name="insights"),
        ]
        return studio + super().get_urls()


class StudioAdminConfig(AdminConfig):
    default_site = "fypfixer.admin.StudioAdminSite"
