"""Every route of the project: the admin, and the API under /api/ (each app's router)."""

from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from fypfixer import views
from fypfixer.routers import ApiRouter

router = ApiRouter()
router.register("health", views.HealthViewSet, basename="health")

# Health first (probes call it often and it should resolve at once), then the most read apps.
api_patterns = [
    *router.urls,
    path("", include("plans.urls")),
    path("", include("catalog.urls")),
    path("", include("progress.urls")),
    path("", include("webclient.urls")),
    path("", include("accounts.urls")),
    path("", include("insights.urls")),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="docs"),
]

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", include(api_patterns)),
    path("", RedirectView.as_view(url="/api/docs/", permanent=False)),
]
