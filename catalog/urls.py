from catalog import views
from fypfixer.routers import ApiRouter

app_name = "catalog"

router = ApiRouter()
router.register("categories", views.CategoryViewSet, basename="category")
router.register("imports", views.ImportViewSet, basename="import")

urlpatterns = router.urls
