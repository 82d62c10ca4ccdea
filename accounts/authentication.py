from rest_framework_simplejwt import authentication
from rest_framework_simplejwt.exceptions import AuthenticationFailed


class JWTAuthentication(authentication.JWTAuthentication):
    """simplejwt's bearer authentication, also refusing tokens issued before the user's last logout."""

    def get_user(self, validated_token):
        user = super().get_user(validated_token)
        if user.tokens_valid_after and validated_token.get("iat", 0) < user.tokens_valid_after.timestamp():
            raise AuthenticationFailed("This session has ended. Please sign in again.", code="token_revoked")
        return user
