from django.urls import path

from plans import views

urlpatterns = [
    path("plans", views.PlanListView.as_view(), name="plan-list"),
    path("plans/<id:plan_id>", views.PlanDetailView.as_view(), name="plan-detail"),
    path("plan", views.DailyPlanView.as_view(), name="daily-plan"),
]
