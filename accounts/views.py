from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.serializers import (
    AuthSessionSerializer,
    GuestSerializer,
    LoginSerializer,
    OnboardingResultSerializer,
    OnboardingSerializer,
    PreferencesSerializer,
    RefreshSerializer,
    RegisterSerializer,
    TokenPairSerializer,
    UserSerializer,
    UserUpdateSerializer,
)
from accounts.services import (
    guest_sign_in,
    onboarding_complete,
    preferences_of,
    preferences_update,
    token_refresh,
    user_login,
    user_logout,
    user_register,
    user_tokens,
)
from fypfixer.throttling import AuthAccountThrottle, AuthThrottle


def auth_session(user, status_code=status.HTTP_200_OK) -> Response:
    """Answer a sign-in with the user and a fresh token pair."""
    session = {"user": user, **user_tokens(user=user)}
    return Response(AuthSessionSerializer(session).data, status=status_code)


class RegisterView(APIView):
    permission_classes = [AllowAny]
    throttle_classes = [AuthThrottle, AuthAccountThrottle]

    @extend_schema(request=RegisterSerializer, responses={201: AuthSessionSerializer})
    def post(self, request):
        """Create an account; with a guest's token, give that guest an email and password instead."""
        serializer = RegisterSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        guest = request.user if request.user.is_authenticated else None
        user = user_register(**serializer.validated_data, guest=guest)
        return auth_session(user, status.HTTP_201_CREATED)


class LoginView(APIView):
    permission_classes = [AllowAny]
    authentication_classes = []
    throttle_classes = [AuthThrottle, AuthAccountThrottle]

    @extend_schema(request=LoginSerializer, responses=AuthSessionSerializer)
    def post(self, request):
        """Sign in with email and password."""
        serializer = LoginSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return auth_session(user_login(**serializer.validated_data))


class RefreshView(APIView):
    permission_classes = [AllowAny]
    authentication_classes = []
    throttle_classes = [AuthThrottle]

    @extend_schema(request=RefreshSerializer, responses=TokenPairSerializer)
    def post(self, request):
        """Exchange a refresh token for a new token pair; the old refresh token stops working."""
        serializer = RefreshSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        tokens = token_refresh(refresh_token=serializer.validated_data["refresh_token"])
        return Response(TokenPairSerializer(tokens).data)


class LogoutView(APIView):
    @extend_schema(request=None, responses={204: None})
    def post(self, request):
        """Sign out everywhere: every refresh token and earlier access token of the user stops working."""
        user_logout(user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class GuestView(APIView):
    permission_classes = [AllowAny]
    authentication_classes = []
    throttle_classes = [AuthThrottle]

    @extend_schema(request=GuestSerializer, responses={200: AuthSessionSerializer, 201: AuthSessionSerializer})
    def post(self, request):
        """Sign in as the guest bound to a device id (created on first use)."""
        serializer = GuestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user, created = guest_sign_in(
            client_id=serializer.validated_data.get("client_id"),
            language=serializer.validated_data.get("language"),
        )
        return auth_session(user, status.HTTP_201_CREATED if created else status.HTTP_200_OK)


class UserView(APIView):
    @extend_schema(responses=UserSerializer)
    def get(self, request):
        """Return the signed-in user."""
        return Response(UserSerializer(request.user).data)

    @extend_schema(request=UserUpdateSerializer, responses=UserSerializer)
    def patch(self, request):
        """Change the user's language."""
        serializer = UserUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        preferences_update(user=request.user, language=serializer.validated_data["language"])
        return Response(UserSerializer(request.user).data)


class PreferencesView(APIView):
    @extend_schema(responses=PreferencesSerializer)
    def get(self, request):
        """Return the user's preferences."""
        return Response(PreferencesSerializer(preferences_of(user=request.user)).data)

    @extend_schema(request=PreferencesSerializer, responses=PreferencesSerializer)
    def put(self, request):
        """Change the given preferences (fields left out keep their values, as with PATCH)."""
        serializer = PreferencesSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        preferences = preferences_update(user=request.user, **serializer.changes())
        return Response(PreferencesSerializer(preferences).data)

    @extend_schema(request=PreferencesSerializer, responses=PreferencesSerializer)
    def patch(self, request):
        """Change the given preferences."""
        return self.put(request)


class OnboardingView(APIView):
    @extend_schema(request=OnboardingSerializer, responses=OnboardingResultSerializer)
    def post(self, request):
        """Save the onboarding answers, mark onboarding done and say where the client goes next."""
        serializer = OnboardingSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        onboarding_complete(user=request.user, **serializer.validated_data)
        return Response({"redirectTo": "/dashboard"})
