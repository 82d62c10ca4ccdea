"""Bearer-token authentication: simplejwt's, with the user's row kept in the shared cache.

Every signed-in request needs the user's row (is the account active, was the password
changed, did the user log out?). With USER_CACHE the row is read from the shared cache
(Redis) instead of the database (README, "Ablation"); any save or deletion of the user drops
it (accounts/signals.py), so a logout or a deactivation takes effect on the next request.
If Redis was unreachable at the moment of that change, the cached row expires after
USER_CACHE_SECONDS.
"""

from django.conf import settings
from django.core.cache import cache
from rest_framework_simplejwt import authentication
from rest_framework_simplejwt.exceptions import AuthenticationFailed, InvalidToken
from rest_framework_simplejwt.settings import api_settings
from rest_framework_simplejwt.utils import get_md5_hash_password

from accounts.models import User
from accounts.services import token_revoked

USER_CACHE_SECONDS = 30


def user_cache_key(user_id) -> str:
    return f"user:{user_id}"


def cached_user(user_id: int) -> User | None:
    """Return the user with this id, from the shared cache when it has the row."""
    key = user_cache_key(user_id)
    user = cache.get(key)
    if user is None:
        user = User.objects.filter(pk=user_id).first()
        if user is not None:
            cache.set(key, user, USER_CACHE_SECONDS)
    return user


def forget_user(user_id) -> None:
    """Drop the user's cached row (after any change to the user)."""
    cache.delete(user_cache_key(user_id))


class JWTAuthentication(authentication.JWTAuthentication):
    """simplejwt's bearer authentication (user active, password unchanged), refusing tokens
    issued before the user's last logout."""

    def get_user(self, validated_token):
        user = self._cached_user(validated_token) if settings.USER_CACHE else super().get_user(validated_token)
        if token_revoked(user=user, token=validated_token):
            raise AuthenticationFailed("This session has ended. Please sign in again.", code="token_revoked")
        return user

    def _cached_user(self, validated_token):
        # simplejwt's get_user(), reading the row through the cache.
        user = cached_user(token_user_id(validated_token))
        if user is None:
            raise AuthenticationFailed("User not found", code="user_not_found")
        if not user.is_active:
            raise AuthenticationFailed("User is inactive", code="user_inactive")
        if validated_token.get(api_settings.REVOKE_TOKEN_CLAIM) != get_md5_hash_password(user.password):
            raise AuthenticationFailed("The user's password has been changed.", code="password_changed")
        return user


def token_user_id(validated_token) -> int:
    try:
        return int(validated_token[api_settings.USER_ID_CLAIM])
    except (KeyError, TypeError, ValueError):
        raise InvalidToken("Token contained no recognizable user identification") from None


class TokenAccount:
    """The signed-in user as a verified bearer token names them, before their row is read.

    Only for a view whose own statement checks the account (completing a step,
    COMPLETION_ACCOUNT_SQL): it has the user's id and is authenticated; whatever needs more
    asks signed_in_user() for the row.
    """

    is_authenticated = True
    is_anonymous = False

    def __init__(self, validated_token):
        self.pk = self.id = token_user_id(validated_token)


class TokenAccountAuthentication(JWTAuthentication):
    """Bearer authentication that verifies the token (signature, expiry, type) and leaves
    the account checks to the view's statement, which makes exactly the checks of get_user()."""

    def get_user(self, validated_token):
        return TokenAccount(validated_token)


def signed_in_user(request) -> User:
    """The request's user row: read and checked now if authentication left it unread.

    Raises AuthenticationFailed (a 401) when the account refuses the token, exactly as
    JWTAuthentication would have before the view.
    """
    if isinstance(request.user, TokenAccount):
        request.user = JWTAuthentication().get_user(request.auth)
    return request.user
