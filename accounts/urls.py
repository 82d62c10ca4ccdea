from django.urls import path

from accounts import views

urlpatterns = [
    path("auth/register", views.RegisterView.as_view(), name="auth-register"),
    path("auth/login", views.LoginView.as_view(), name="auth-login"),
    path("auth/refresh", views.RefreshView.as_view(), name="auth-refresh"),
    path("auth/logout", views.LogoutView.as_view(), name="auth-logout"),
    path("auth/guest", views.GuestView.as_view(), name="auth-guest"),
    path("user", views.UserView.as_view(), name="user"),
    path("preferences", views.PreferencesView.as_view(), name="preferences"),
    path("preferences/complete-onboarding", views.OnboardingView.as_view(), name="preferences-onboarding"),
]
