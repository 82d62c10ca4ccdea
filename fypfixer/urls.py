"""Every route of the project: the admin, and the API under /api/."""

from django.contrib import admin
from django.urls import include, path, register_converter
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from fypfixer.converters import IdConverter
from fypfixer.views import HealthView

register_converter(IdConverter, "id")

admin.site.site_header = "FYPFixer editors"
admin.site.site_title = "FYPFixer admin"
admin.site.index_title = "Curate categories and daily plans"

api_patterns = [
    path("", include("accounts.urls")),
    path("", include("catalog.urls")),
    path("", include("plans.urls")),
    path("", include("progress.urls")),
    path("", include("webclient.urls")),
    path("health", HealthView.as_view(), name="health"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="docs"),
]

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", include(api_patterns)),
    path("", RedirectView.as_view(url="/api/docs/", permanent=False)),
]
