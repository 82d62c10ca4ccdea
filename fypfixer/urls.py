"""Every route of the project: the admin, and the API under /api/."""

from django.contrib import admin
from django.urls import include, path, register_converter
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from fypfixer.converters import IdConverter
from fypfixer.views import HealthView

register_converter(IdConverter, "id")

# The apps' route lists use the "id" converter, so they are imported once it is registered.
import accounts.urls  # noqa: E402
import catalog.urls  # noqa: E402
import plans.urls  # noqa: E402
import progress.urls  # noqa: E402
import webclient.urls  # noqa: E402

admin.site.site_header = "FYPFixer editors"
admin.site.site_title = "FYPFixer admin"
admin.site.index_title = "Curate categories and daily plans"

# One flat list (each app's routes, most read first): resolving a request walks one level.
api_patterns = [
    *plans.urls.urlpatterns,
    *catalog.urls.urlpatterns,
    *progress.urls.urlpatterns,
    *webclient.urls.urlpatterns,
    *accounts.urls.urlpatterns,
    path("health", HealthView.as_view(), name="health"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="docs"),
]

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", include(api_patterns)),
    path("", RedirectView.as_view(url="/api/docs/", permanent=False)),
]
