from django.urls import path

from progress import views

urlpatterns = [
    path(
        "plans/<id:plan_id>/steps/<id:step_id>/complete",
        views.StepCompletionView.as_view(),
        name="step-completion",
    ),
    path("progress", views.ProgressView.as_view(), name="progress"),
]
