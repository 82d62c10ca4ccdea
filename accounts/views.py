from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from accounts.serializers import (
    AuthSessionSerializer,
    GuestSerializer,
    LoginSerializer,
    PasswordChangeSerializer,
    RefreshSerializer,
    RegisterSerializer,
    TikTokCallbackSerializer,
    TikTokSessionSerializer,
    TokenPairSerializer,
    UserSerializer,
    UserUpdateSerializer,
)
from accounts.services import (
    WrongPassword,
    guest_sign_in,
    password_change,
    preferences_update,
    sessions_end,
    tiktok_sign_in,
    token_refresh,
    user_login,
    user_register,
    user_tokens,
)
from accounts.tiktok import tiktok_profile
from fypfixer.throttling import AuthAccountThrottle, AuthThrottle, login_failure_record, login_failures_check

# Sign-in endpoints that take no token, limited per address.
PUBLIC_AUTH = {"authentication_classes": [], "throttle_classes": [AuthThrottle]}


def client_address(request) -> str:
    """The client's address, as the rate limits see it (NUM_PROXIES decides whom to trust)."""
    return AuthThrottle().get_ident(request)


def auth_session(user, status_code=status.HTTP_200_OK) -> Response:
    """Answer a sign-in with the user and a fresh token pair."""
    session = {"user": user, **user_tokens(user=user)}
    return Response(AuthSessionSerializer(session).data, status=status_code)


class AuthViewSet(viewsets.GenericViewSet):
    """Signing in and out: register, login, guest sign-in, token refresh, logout."""

    @extend_schema(request=RegisterSerializer, responses={201: AuthSessionSerializer})
    @action(
        detail=False,
        methods=["post"],
        permission_classes=[AllowAny],
        throttle_classes=[AuthThrottle, AuthAccountThrottle],
    )
    def register(self, request):
        """Create an account; with a guest's token, give that guest an email and password instead."""
        serializer = RegisterSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        guest = request.user if request.user.is_authenticated else None
        user = user_register(**serializer.validated_data, guest=guest)
        return auth_session(user, status.HTTP_201_CREATED)

    @extend_schema(request=LoginSerializer, responses=AuthSessionSerializer)
    @action(detail=False, methods=["post"], permission_classes=[AllowAny], **PUBLIC_AUTH)
    def login(self, request):
        """Sign in with email and password (wrong passwords are limited per email and address)."""
        serializer = LoginSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return auth_session(user_login(**serializer.validated_data, address=client_address(request)))

    @extend_schema(request=PasswordChangeSerializer, responses=AuthSessionSerializer)
    @action(detail=False, methods=["post"], throttle_classes=[AuthThrottle])
    def password(self, request):
        """Change the password; every other session ends, and this one gets fresh tokens."""
        serializer = PasswordChangeSerializer(data=request.data, context={"user": request.user})
        serializer.is_valid(raise_exception=True)
        address = client_address(request)
        login_failures_check(email=request.user.email or "", address=address)
        try:
            user = password_change(user=request.user, **serializer.validated_data)
        except WrongPassword:
            login_failure_record(email=request.user.email or "", address=address)
            raise
        return auth_session(user)

    @extend_schema(request=RefreshSerializer, responses=TokenPairSerializer)
    @action(
        detail=False,
        methods=["post"],
        permission_classes=[AllowAny],
        authentication_classes=[],
        throttle_classes=[AuthThrottle],
    )
    def refresh(self, request):
        """Exchange a refresh token for a new token pair; the old refresh token stops working."""
        serializer = RefreshSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        tokens = token_refresh(refresh_token=serializer.validated_data["refresh_token"])
        return Response(TokenPairSerializer(tokens).data)

    @extend_schema(request=None, responses={204: None})
    @action(detail=False, methods=["post"])
    def logout(self, request):
        """Sign out everywhere: every refresh token and earlier access token of the user stops working."""
        sessions_end(user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=GuestSerializer, responses={200: AuthSessionSerializer, 201: AuthSessionSerializer})
    @action(
        detail=False,
        methods=["post"],
        permission_classes=[AllowAny],
        authentication_classes=[],
        throttle_classes=[AuthThrottle],
    )
    def guest(self, request):
        """Sign in as the guest bound to a device id (created on first use)."""
        serializer = GuestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user, created = guest_sign_in(
            client_id=serializer.validated_data.get("client_id"),
            language=serializer.validated_data.get("language"),
        )
        return auth_session(user, status.HTTP_201_CREATED if created else status.HTTP_200_OK)


class TikTokViewSet(viewsets.GenericViewSet):
    """Sign in with TikTok (the web client runs OAuth 2 with PKCE; we exchange its code)."""

    @extend_schema(
        request=TikTokCallbackSerializer,
        responses={
            200: TikTokSessionSerializer,
            502: OpenApiResponse(description="TikTok did not answer (tiktok_unavailable)."),
        },
        operation_id="auth_tiktok_callback",
    )
    @action(detail=False, methods=["post"], permission_classes=[AllowAny], throttle_classes=[AuthThrottle])
    def callback(self, request):
        """Exchange TikTok's authorization code; sign in (or up, or link to the signed-in user)."""
        serializer = TikTokCallbackSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        profile = tiktok_profile(**serializer.validated_data)
        current = request.user if request.user.is_authenticated else None
        user = tiktok_sign_in(profile=profile, current_user=current)
        session = {"user": user, **user_tokens(user=user)}
        return Response(TikTokSessionSerializer(session).data)


class UserViewSet(viewsets.GenericViewSet):
    """The signed-in user."""

    singleton = True

    @extend_schema(responses=UserSerializer)
    def retrieve(self, request):
        """Return the signed-in user."""
        return Response(UserSerializer(request.user).data)

    @extend_schema(request=UserUpdateSerializer, responses=UserSerializer)
    def partial_update(self, request):
        """Change the user's language."""
        serializer = UserUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        preferences_update(user=request.user, language=serializer.validated_data.get("language"))
        return Response(UserSerializer(request.user).data)
