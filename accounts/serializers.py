from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import RegexValidator
from rest_framework import serializers

from accounts.models import User, normalize_email
from fypfixer.query import LanguageField

CLIENT_ID_VALIDATOR = RegexValidator(
    r"^[A-Za-z0-9._:-]{16,64}$",
    "A device id is 16 to 64 letters, digits, dots, dashes, colons or underscores (a UUID works).",
)


class UserSerializer(serializers.ModelSerializer):
    class Meta:
        model = User
        fields = ("id", "client_id", "email", "language", "is_premium", "created_at")
        read_only_fields = fields


class UserUpdateSerializer(serializers.Serializer):
    language = LanguageField(required=False)


class AuthSessionSerializer(serializers.Serializer):
    """What sign-in endpoints return: the user and a token pair."""

    user = UserSerializer()
    token = serializers.CharField(help_text="Access token: send it as `Authorization: Bearer <token>`.")
    refresh_token = serializers.CharField(help_text="Exchange it at /api/auth/refresh for a new pair.")


class TikTokUserSerializer(UserSerializer):
    oauth_provider = serializers.CharField(read_only=True, allow_null=True)

    class Meta(UserSerializer.Meta):
        fields = (*UserSerializer.Meta.fields, "display_name", "avatar_url", "oauth_provider")
        read_only_fields = fields


class TikTokSessionSerializer(serializers.Serializer):
    """What TikTok sign-in returns: the user and a token pair (access_token and token are the same)."""

    user = TikTokUserSerializer()
    access_token = serializers.CharField(source="token")
    token = serializers.CharField()
    refresh_token = serializers.CharField()


class TikTokCallbackSerializer(serializers.Serializer):
    code = serializers.CharField(max_length=1024)
    code_verifier = serializers.CharField(min_length=43, max_length=128)
    redirect_uri = serializers.ChoiceField(
        choices=settings.TIKTOK_REDIRECT_URIS, help_text="One of TIKTOK_REDIRECT_URIS, as in the authorization request."
    )


class TokenPairSerializer(serializers.Serializer):
    token = serializers.CharField()
    refresh_token = serializers.CharField()


class EmailField(serializers.EmailField):
    """An email address, trimmed and lower-cased."""

    def __init__(self, **kwargs):
        super().__init__(max_length=254, **kwargs)

    def to_internal_value(self, data):
        return normalize_email(super().to_internal_value(data))


class PasswordField(serializers.CharField):
    def __init__(self, **kwargs):
        super().__init__(max_length=128, trim_whitespace=False, write_only=True, **kwargs)


class RegisterSerializer(serializers.Serializer):
    email = EmailField()
    password = PasswordField()
    language = LanguageField(required=False)

    def validate(self, attrs):
        try:
            validate_password(attrs["password"], user=User(email=attrs["email"]))
        except DjangoValidationError as error:
            raise serializers.ValidationError({"password": list(error.messages)}) from None
        return attrs


class PasswordChangeSerializer(serializers.Serializer):
    old_password = PasswordField()
    new_password = PasswordField()

    def validate_new_password(self, password):
        try:
            validate_password(password, user=self.context.get("user"))
        except DjangoValidationError as error:
            raise serializers.ValidationError(list(error.messages)) from None
        return password


class LoginSerializer(serializers.Serializer):
    email = EmailField()
    password = PasswordField()


class RefreshSerializer(serializers.Serializer):
    refresh_token = serializers.CharField(max_length=4096)


class GuestSerializer(serializers.Serializer):
    client_id = serializers.CharField(
        required=False, max_length=64, validators=[CLIENT_ID_VALIDATOR], help_text="The device's id."
    )
    language = LanguageField(required=False)


class PreferencesSerializer(serializers.Serializer):
    """The user's settings (the web client adds its own names: webclient.serializers)."""

    dark_mode = serializers.BooleanField(required=False)
    notifications_enabled = serializers.BooleanField(required=False)
    language = LanguageField(source="user.language", required=False)

    def changes(self) -> dict:
        """Return the validated changes as keyword arguments for preferences_update()."""
        changes = dict(self.validated_data)
        language = changes.pop("user", {}).get("language")
        return {**changes, "language": language} if language else changes
