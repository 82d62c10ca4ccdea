from fypfixer.routers import ApiRouter
from insights import views

app_name = "insights"

router = ApiRouter()
router.register("admin/metrics", views.MetricsViewSet, basename="metrics")

urlpatterns = router.urls
