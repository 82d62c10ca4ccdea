"""Bearer-token authentication, with recently seen users kept in memory.

Every authenticated request needs the user's row (is the account active? was the token
revoked by a logout?). Loading it costs more than the rest of a cached read, so each
process keeps the rows it loaded lately, for at most USER_CACHE_SECONDS, and only while the
invalidation channel is live: a change to a user (deactivation, logout) is announced there
(accounts/signals.py) and drops that user everywhere at once.
"""

import threading
import time
from collections import OrderedDict

from rest_framework_simplejwt import authentication
from rest_framework_simplejwt.exceptions import AuthenticationFailed, InvalidToken
from rest_framework_simplejwt.settings import api_settings

from accounts.models import User
from accounts.services import token_revoked
from fypfixer.invalidation import subscription

USER_CACHE_SECONDS = 60.0
USER_CACHE_SIZE = 10_000
FIELDS = [field.attname for field in User._meta.concrete_fields]


class RecentUsers:
    """A thread-safe LRU of user rows: {pk: (loaded at, field values)}."""

    def __init__(self, size: int):
        self.size = size
        self._rows = OrderedDict()
        self._lock = threading.Lock()

    def get(self, pk) -> User | None:
        if not subscription.live():
            return None
        with self._lock:
            entry = self._rows.get(pk)
            if entry is None or time.monotonic() - entry[0] > USER_CACHE_SECONDS:
                return None
            self._rows.move_to_end(pk)
        # A fresh instance per request: views may change and save their request.user.
        return User.from_db(None, FIELDS, entry[1])

    def put(self, user: User) -> None:
        if not subscription.live():
            return
        with self._lock:
            self._rows[user.pk] = (time.monotonic(), [getattr(user, name) for name in FIELDS])
            self._rows.move_to_end(user.pk)
            while len(self._rows) > self.size:
                self._rows.popitem(last=False)

    def drop(self, pk) -> None:
        with self._lock:
            self._rows.pop(int(pk), None)

    def clear(self) -> None:
        with self._lock:
            self._rows.clear()


recent_users = RecentUsers(USER_CACHE_SIZE)
subscription.register("user", on_message=recent_users.drop, on_reset=recent_users.clear)


class RecentTokens:
    """A thread-safe LRU of access tokens whose signature was already checked: {raw token: token}.

    Checking a signature costs a tenth of a cached read; a client sends the same token for
    hours. A remembered token is still checked for expiry on every use (and the user's row
    for deactivation and logout, as for any token).
    """

    def __init__(self, size: int):
        self.size = size
        self._tokens = OrderedDict()
        self._lock = threading.Lock()

    def get(self, raw: bytes):
        with self._lock:
            token = self._tokens.get(raw)
            if token is None:
                return None
            self._tokens.move_to_end(raw)
        return token if token["exp"] > time.time() else None

    def put(self, raw: bytes, token) -> None:
        with self._lock:
            self._tokens[raw] = token
            while len(self._tokens) > self.size:
                self._tokens.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._tokens.clear()


recent_tokens = RecentTokens(USER_CACHE_SIZE)


class JWTAuthentication(authentication.JWTAuthentication):
    """simplejwt's bearer authentication, refusing tokens issued before the user's last logout."""

    def get_validated_token(self, raw_token):
        token = recent_tokens.get(raw_token)
        if token is None:
            token = super().get_validated_token(raw_token)
            recent_tokens.put(raw_token, token)
        return token

    def get_user(self, validated_token):
        try:
            user_id = int(validated_token[api_settings.USER_ID_CLAIM])
        except (KeyError, TypeError, ValueError):
            raise InvalidToken("Token contained no recognizable user identification") from None
        user = recent_users.get(user_id)
        if user is None:
            user = User.objects.filter(pk=user_id).first()
            if user is None:
                raise AuthenticationFailed("User not found", code="user_not_found")
            recent_users.put(user)
        if not user.is_active:
            raise AuthenticationFailed("User is inactive", code="user_inactive")
        if token_revoked(user=user, token=validated_token):
            raise AuthenticationFailed("This session has ended. Please sign in again.", code="token_revoked")
        return user
