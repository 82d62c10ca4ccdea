from fypfixer.routers import ApiRouter
from plans import views

app_name = "plans"

router = ApiRouter()
router.register("plans", views.PlanViewSet, basename="plan")
router.register("plan", views.DailyPlanViewSet, basename="daily-plan")

urlpatterns = router.urls
