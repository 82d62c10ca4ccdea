from django.contrib.auth import authenticate
from django.contrib.auth.models import Group, Permission
from django.db import IntegrityError, transaction
from django.utils import timezone
from rest_framework_simplejwt.exceptions import TokenError
from rest_framework_simplejwt.settings import api_settings as jwt_settings
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken
from rest_framework_simplejwt.tokens import RefreshToken
from rest_framework_simplejwt.utils import get_md5_hash_password

from accounts.models import User, UserPreferences, normalize_email
from fypfixer.api import ApplicationError, ConflictError, ForbiddenError, UnauthorizedError
from fypfixer.throttling import login_failure_record, login_failures_check


class EmailTaken(ConflictError):
    message = "An account with this email already exists."


class AlreadyRegistered(ConflictError):
    message = "This account already has an email and password."


class InvalidCredentials(UnauthorizedError):
    message = "Invalid email or password."


class InvalidRefreshToken(UnauthorizedError):
    message = "The refresh token is invalid, expired or revoked. Please sign in again."


class GuestSignInRefused(ForbiddenError):
    message = "This device's account is protected by a password. Sign in with email and password."


class AccountDisabled(ForbiddenError):
    message = "This account is disabled."


# A claim with the exact issue time (the standard "iat" has whole seconds), compared with
# User.tokens_valid_after so a logout ends older sessions but not a login a moment later.
ISSUED_AT_CLAIM = "issued_at"


def user_tokens(*, user: User) -> dict:
    """Return a new access token and refresh token for the user (the refresh token is recorded)."""
    refresh = RefreshToken.for_user(user)
    refresh[ISSUED_AT_CLAIM] = timezone.now().timestamp()
    return {"token": str(refresh.access_token), "refresh_token": str(refresh)}


def password_changed_since(*, user: User, token) -> bool:
    """True when the user's password changed after the token was issued (its digest differs)."""
    return token.get(jwt_settings.REVOKE_TOKEN_CLAIM) != get_md5_hash_password(user.password)


def token_revoked(*, user: User, token) -> bool:
    """True when the token was issued before the user's last logout."""
    if user.tokens_valid_after is None:
        return False
    issued_at = token.get(ISSUED_AT_CLAIM, token.get("iat", 0))
    return issued_at < user.tokens_valid_after.timestamp()


@transaction.atomic
def user_register(*, email: str, password: str, language: str | None = None, guest: User | None = None) -> User:
    """Create an account with email and password, or give them to the signed-in guest (keeping progress).

    A guest's row is locked while it is upgraded, so two upgrades at once cannot both win;
    the upgrade ends every other session of the guest (whoever else signed in with its device
    id), and the caller gets fresh tokens.
    """
    if guest is not None:
        guest = User.objects.select_for_update().get(pk=guest.pk)
        if not guest.is_guest:
            raise AlreadyRegistered()
    if User.objects.filter(email=email).exists():
        raise EmailTaken()
    user = guest or User(email=email)
    user.email = email
    user.set_password(password)
    if language:
        user.language = language
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError:
        # Another request registered the same email between our check and our insert.
        raise EmailTaken() from None
    if guest is not None:
        sessions_end(user=user)
    return user


class WrongPassword(ApplicationError):
    message = "The current password is not correct."

    def __init__(self):
        super().__init__(details={"old_password": [self.message]})


@transaction.atomic
def password_change(*, user: User, old_password: str, new_password: str) -> User:
    """Change the password of a user who has one; every session of the user ends (the caller gets new tokens)."""
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.is_guest or not user.check_password(old_password):
        raise WrongPassword()
    user.set_password(new_password)
    user.save(update_fields=["password", "updated_at"])
    sessions_end(user=user)
    return user


def user_login(*, email: str, password: str, address: str) -> User:
    """Return the active user with these credentials, or raise the same error whatever was wrong.

    Django's ModelBackend hashes the password even when the email is unknown, so the answer
    takes as long for an unknown email as for a wrong password. Failed attempts are counted
    (login_failures_check) so guessing is slowed without letting a stranger lock the owner out.
    """
    login_failures_check(email=email, address=address)
    user = authenticate(email=email, password=password)
    if user is None:
        login_failure_record(email=email, address=address)
        raise InvalidCredentials()
    user.last_login = timezone.now()
    user.save(update_fields=["last_login"])
    return user


class TikTokAccountTaken(ConflictError):
    message = "This TikTok account is already linked to another FYPFixer account."


class OtherTikTokAccount(ConflictError):
    message = "This FYPFixer account is already linked to another TikTok account."


@transaction.atomic
def tiktok_sign_in(*, profile: dict, current_user: User | None = None) -> User:
    """Return the user of this TikTok account: the one linked to it, else the signed-in user
    (linking it), else a new account. The same TikTok account always maps to the same user."""
    open_id = profile["open_id"]
    user = User.objects.select_for_update().filter(tiktok_open_id=open_id).first()
    if current_user is not None:
        if user is not None and user.pk != current_user.pk:
            raise TikTokAccountTaken()
        user = User.objects.select_for_update().get(pk=current_user.pk)
        if user.tiktok_open_id not in (None, open_id):
            raise OtherTikTokAccount()
    if user is None:
        user = User(tiktok_open_id=open_id)
        user.set_unusable_password()
    user.tiktok_open_id = open_id
    user.display_name = profile["display_name"] or user.display_name
    user.avatar_url = profile["avatar_url"] or user.avatar_url
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError:
        # The same TikTok account signed in twice at once: the other request created the user.
        user = User.objects.get(tiktok_open_id=open_id)
    return user


def guest_sign_in(*, client_id: str | None, language: str | None = None) -> tuple[User, bool]:
    """Return the guest account bound to the device id, creating it when new; (user, created)."""
    if client_id:
        user = User.objects.filter(client_id=client_id).first()
        if user is None:
            try:
                with transaction.atomic():
                    return _create_guest(client_id=client_id, language=language), True
            except IntegrityError:
                user = User.objects.get(client_id=client_id)
        if not user.is_guest:
            raise GuestSignInRefused()
        if not user.is_active:
            raise AccountDisabled()
        return user, False
    return _create_guest(client_id=None, language=language), True


def _create_guest(*, client_id: str | None, language: str | None) -> User:
    fields = {"client_id": client_id} if client_id else {}
    if language:
        fields["language"] = language
    return User.objects.create_user(**fields)


@transaction.atomic
def sessions_end(*, user: User) -> int:
    """End every session of the user: revoke all refresh tokens and all earlier access tokens.

    Logout, a password change and a guest's upgrade end sessions; tokens issued afterwards
    work. Returns how many refresh tokens were revoked.
    """
    now = timezone.now()
    live = OutstandingToken.objects.filter(user=user, expires_at__gt=now, blacklistedtoken__isnull=True)
    revoked = BlacklistedToken.objects.bulk_create(
        [BlacklistedToken(token=token) for token in live], ignore_conflicts=True
    )
    user.tokens_valid_after = now
    user.save(update_fields=["tokens_valid_after"])
    return len(revoked)


@transaction.atomic
def token_refresh(*, refresh_token: str) -> dict:
    """Exchange a refresh token for a new pair; the used token is revoked (rotation).

    The token's row is locked, so the same token presented twice at once rotates only once.
    """
    try:
        refresh = RefreshToken(refresh_token)
    except TokenError:
        raise InvalidRefreshToken() from None
    outstanding = (
        OutstandingToken.objects.select_for_update(of=("self",))
        .filter(jti=refresh[jwt_settings.JTI_CLAIM])
        .order_by()
        .first()
    )
    if outstanding is None or BlacklistedToken.objects.filter(token=outstanding).exists():
        raise InvalidRefreshToken()
    user = User.objects.filter(pk=refresh.get(jwt_settings.USER_ID_CLAIM), is_active=True).first()
    if user is None or token_revoked(user=user, token=refresh) or password_changed_since(user=user, token=refresh):
        raise InvalidRefreshToken()
    BlacklistedToken.objects.create(token=outstanding)
    return user_tokens(user=user)


def preferences_of(*, user: User) -> UserPreferences:
    """Return the user's preferences, creating the row if an older account lacks one."""
    preferences, _created = UserPreferences.objects.select_related("preferred_category").get_or_create(user=user)
    preferences.user = user  # the instance at hand, not another query for the same row
    return preferences


@transaction.atomic
def preferences_update(*, user: User, language: str | None = None, **changes) -> UserPreferences:
    """Change the user's preferences (and language, which lives on the user); return them."""
    if language and language != user.language:
        user.language = language
        user.save(update_fields=["language", "updated_at"])
    preferences = preferences_of(user=user)
    if changes:
        for field, value in changes.items():
            setattr(preferences, field, value)
        preferences.save()
    return preferences


def onboarding_complete(*, user: User, goals: list[str], category, code: str) -> UserPreferences:
    """Record the onboarding answers (the category code as sent, and the category it stands for) and mark
    onboarding done."""
    return preferences_update(
        user=user,
        selected_goals=goals,
        preferred_category=category,
        preferred_category_code=code,
        has_completed_onboarding=True,
    )


EDITORS_GROUP = "Editors"
# What editors may touch: curated content, and nothing of users, tokens or progress.
# (plans/migrations/0002_editors_group.py creates the same group on migrate.)
EDITOR_PERMISSIONS = {"catalog": ["category"], "plans": ["plan", "planstep", "stepitem"]}
# What editors may look at without changing: who follows and who waits for which category.
EDITOR_VIEW_PERMISSIONS = {"catalog": ["categorysubscription", "waitlistentry"]}
# The video library: editors add and fix videos (deleting one in use is refused anyway), and
# import the scraper's files. (catalog/migrations/0006_editors_use_the_library.py, the same.)
EDITOR_LIBRARY_PERMISSIONS = ["add_video", "change_video", "view_video", "add_importjob", "view_importjob"]


def editors_group() -> Group:
    """Return the Editors group with exactly its content permissions (recreated if it was deleted)."""
    group, _created = Group.objects.get_or_create(name=EDITORS_GROUP)
    codenames = [
        f"{action}_{model}"
        for models in EDITOR_PERMISSIONS.values()
        for model in models
        for action in ("add", "change", "delete", "view")
    ]
    codenames += [f"view_{model}" for models in EDITOR_VIEW_PERMISSIONS.values() for model in models]
    codenames += EDITOR_LIBRARY_PERMISSIONS
    apps = {*EDITOR_PERMISSIONS, *EDITOR_VIEW_PERMISSIONS}
    group.permissions.set(Permission.objects.filter(content_type__app_label__in=apps, codename__in=codenames))
    return group


@transaction.atomic
def editor_create(*, email: str, password: str) -> User:
    """Create (or promote) a staff account in the Editors group; return it."""
    email = normalize_email(email)
    user = User.objects.filter(email=email).first() or User(email=email)
    user.is_staff = True
    user.set_password(password)
    user.save()
    user.groups.add(editors_group())
    return user
