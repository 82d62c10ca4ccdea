from fypfixer.routers import ApiRouter
from webclient import views

app_name = "webclient"

router = ApiRouter()
router.register("v1/plans/today", views.TodayPlanViewSet, basename="v1-plans-today")
router.register("actions", views.ActionViewSet, basename="action")
router.register("user/streak", views.StreakViewSet, basename="user-streak")
router.register("user/stats", views.StatsViewSet, basename="user-stats")
router.register("preferences", views.PreferencesViewSet, basename="preferences")
router.register("config/defaults", views.DefaultsViewSet, basename="config-defaults")
router.register("user/categories", views.UserCategoryViewSet, basename="user-categories")
router.register("waitlist", views.WaitlistViewSet, basename="waitlist")

urlpatterns = router.urls
