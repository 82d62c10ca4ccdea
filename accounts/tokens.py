"""Access tokens whose signature a process checks once.

Checking a bearer token's signature is the dearest step of a signed-in request: besides the
HMAC, PyJWT checks on every call that the key is not an asymmetric one (parsing it as PEM,
SSH and DER). A token string always carries the same signature, so each process remembers
the claims of the last TOKEN_MEMO_SIZE tokens whose signature it verified (TOKEN_MEMO,
README "Ablation"). Everything else still runs on every request: the expiry and token type
(simplejwt's Token.verify()), and the user's state and revocation
(accounts.authentication.JWTAuthentication.get_user()). Only tokens that verified are
remembered: a forged or malformed token is checked, and refused, every time, and cannot
fill the memory.
"""

from functools import lru_cache

from django.conf import settings
from rest_framework_simplejwt import tokens

TOKEN_MEMO_SIZE = 4096


@lru_cache(maxsize=TOKEN_MEMO_SIZE)
def _verified_claims(backend, token) -> dict:
    # Keyed by the backend too: a new signing key (a new backend) verifies again.
    return backend.decode(token, verify=True)


class RememberingTokenBackend:
    """simplejwt's token backend, remembering the claims of tokens it verified."""

    def __init__(self, backend):
        self.backend = backend

    def decode(self, token, verify: bool = True) -> dict:
        if not verify:
            return self.backend.decode(token, verify=False)
        return dict(_verified_claims(self.backend, token))

    def __getattr__(self, name):
        return getattr(self.backend, name)


class AccessToken(tokens.AccessToken):
    """simplejwt's access token (AUTH_TOKEN_CLASSES), its signature checked once per process."""

    def get_token_backend(self):
        backend = super().get_token_backend()
        return RememberingTokenBackend(backend) if settings.TOKEN_MEMO else backend
