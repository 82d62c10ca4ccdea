from fypfixer.routers import ApiRouter
from progress import views

app_name = "progress"

router = ApiRouter()
router.register("plans/<id:plan_id>/steps", views.StepCompletionViewSet, basename="step")
router.register("progress", views.ProgressViewSet, basename="progress")

urlpatterns = router.urls
