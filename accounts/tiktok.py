"""Sign in with TikTok (Login Kit v2): exchange the client's authorization code, read the profile.

The web client runs the OAuth 2 authorization-code flow with PKCE and hands us the code, its
code_verifier and the redirect_uri it used. We exchange them with TikTok's token endpoint
(Authlib's OAuth2 client, form-encoded, with TikTok's `client_key`), read the user's open_id,
display name and avatar, and forget TikTok's tokens: no feature of ours calls TikTok on the
user's behalf. Nothing about TikTok's tokens is logged.
"""

import logging

import requests
from authlib.integrations.base_client.errors import OAuthError
from authlib.integrations.requests_client import OAuth2Session
from django.conf import settings
from rest_framework import status

from fypfixer.api import ApplicationError

logger = logging.getLogger(__name__)

USER_FIELDS = "open_id,union_id,avatar_url,display_name"


class TikTokSignInRefused(ApplicationError):
    """TikTok refused the code (expired, used, or not for this app): the user must start again."""

    message = "TikTok did not accept this sign-in. Please try signing in with TikTok again."


class TikTokUnavailable(ApplicationError):
    status_code = status.HTTP_502_BAD_GATEWAY
    code = "tiktok_unavailable"
    message = "TikTok did not answer. Please try again in a moment."


class RedirectUriNotAllowed(ApplicationError):
    def __init__(self):
        super().__init__(
            "This redirect_uri is not registered for TikTok sign-in.",
            details={"redirect_uri": ["Not one of TIKTOK_REDIRECT_URIS."]},
        )


def tiktok_profile(*, code: str, code_verifier: str, redirect_uri: str) -> dict:
    """Return {open_id, union_id, display_name, avatar_url} of the TikTok user who granted `code`."""
    if redirect_uri not in settings.TIKTOK_REDIRECT_URIS:
        raise RedirectUriNotAllowed()
    session = OAuth2Session(
        client_id=settings.TIKTOK_CLIENT_KEY,
        client_secret=settings.TIKTOK_CLIENT_SECRET,
        token_endpoint_auth_method="client_secret_post",
    )
    try:
        token = session.fetch_token(
            settings.TIKTOK_OAUTH_TOKEN_URL,
            grant_type="authorization_code",
            code=code,
            code_verifier=code_verifier,
            redirect_uri=redirect_uri,
            # TikTok names the app's key client_key.
            client_key=settings.TIKTOK_CLIENT_KEY,
            timeout=settings.TIKTOK_TIMEOUT_SECONDS,
        )
    except OAuthError as error:
        logger.info("TikTok refused a sign-in code: %s", error.error)
        raise TikTokSignInRefused() from None
    except (requests.RequestException, ValueError) as error:
        logger.warning("TikTok's token endpoint failed: %s", type(error).__name__)
        raise TikTokUnavailable() from None
    if not token.get("access_token") or not token.get("open_id"):
        raise TikTokSignInRefused()
    try:
        answer = session.get(
            settings.TIKTOK_USER_INFO_URL,
            params={"fields": USER_FIELDS},
            headers={"Authorization": f"Bearer {token['access_token']}"},
            timeout=settings.TIKTOK_TIMEOUT_SECONDS,
        )
        body = answer.json()
    except (requests.RequestException, ValueError) as error:
        logger.warning("TikTok's user info endpoint failed: %s", type(error).__name__)
        raise TikTokUnavailable() from None
    error_code = (body.get("error") or {}).get("code", "ok") if isinstance(body, dict) else "invalid"
    user = ((body.get("data") or {}).get("user") or {}) if isinstance(body, dict) else {}
    if answer.status_code >= 500 or error_code not in ("ok", "", None):
        logger.warning("TikTok's user info answered %s (%s)", answer.status_code, error_code)
        raise TikTokUnavailable()
    open_id = user.get("open_id") or token["open_id"]
    return {
        "open_id": str(open_id)[:100],
        "union_id": str(user.get("union_id") or "")[:100],
        "display_name": str(user.get("display_name") or "")[:100],
        "avatar_url": str(user.get("avatar_url") or "")[:1000],
    }
