from accounts import views
from fypfixer.routers import ApiRouter

app_name = "accounts"

router = ApiRouter()
router.register("auth", views.AuthViewSet, basename="auth")
router.register("auth/oauth/tiktok", views.TikTokViewSet, basename="tiktok")
router.register("user", views.UserViewSet, basename="user")

# /api/preferences is served by webclient/urls.py: one answer carries the settings below
# (accounts.serializers.PreferencesSerializer) and the web client's camelCase fields.
urlpatterns = router.urls
