from rest_framework_simplejwt import authentication
from rest_framework_simplejwt.exceptions import AuthenticationFailed

from accounts.services import token_revoked


class JWTAuthentication(authentication.JWTAuthentication):
    """simplejwt's bearer authentication (user active, password unchanged), refusing tokens
    issued before the user's last logout."""

    def get_user(self, validated_token):
        user = super().get_user(validated_token)
        if token_revoked(user=user, token=validated_token):
            raise AuthenticationFailed("This session has ended. Please sign in again.", code="token_revoked")
        return user
