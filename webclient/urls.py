from django.urls import path

from webclient import views

urlpatterns = [
    path("v1/plans/today", views.TodayPlanView.as_view(), name="v1-plans-today"),
    path("actions/<id:action_id>/complete", views.ActionCompleteView.as_view(), name="action-complete"),
    path("actions/<id:action_id>/uncomplete", views.ActionUncompleteView.as_view(), name="action-uncomplete"),
    path("user/streak", views.StreakView.as_view(), name="user-streak"),
    path("user/stats", views.StatsView.as_view(), name="user-stats"),
]
