import contextlib
import uuid

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models.functions import Lower

from fypfixer.i18n import DEFAULT_LANGUAGE, Language
from fypfixer.models import TimestampedModel


def new_client_id() -> str:
    """Return a fresh device id for an account created without one."""
    return str(uuid.uuid4())


def normalize_email(email: str | None) -> str | None:
    """Return the email trimmed and lower-cased with its domain in ASCII (IDNA), or None when there is none.

    `a@exämple.com` and `a@xn--exmple-cua.com` are the same mailbox, so they must be the same
    account.
    """
    email = (email or "").strip().lower()
    local, at, domain = email.rpartition("@")
    if at and domain and not domain.isascii():
        # An invalid domain stays as it is, and the email validator refuses it.
        with contextlib.suppress(UnicodeError):
            domain = domain.encode("idna").decode("ascii")
        email = f"{local}@{domain}"
    return email or None


class UserManager(BaseUserManager):
    use_in_migrations = True

    def get_by_natural_key(self, email):
        return self.get(email=normalize_email(email))

    def create_user(self, email=None, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        if not email:
            raise ValueError("A superuser needs an email to log into the admin.")
        return self._create_user(email, password, **extra_fields)

    def _create_user(self, email, password, **extra_fields):
        user = self.model(email=normalize_email(email), **extra_fields)
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save(using=self._db)
        return user


class User(AbstractBaseUser, PermissionsMixin, TimestampedModel):
    """A person using FYPFixer: a guest bound to a device, or an account with email and password.

    Editors are users with `is_staff` who log into /admin with their email and password.
    """

    client_id = models.CharField(max_length=64, unique=True, default=new_client_id)
    email = models.EmailField(max_length=254, unique=True, null=True, blank=True)
    language = models.CharField(max_length=5, choices=Language.choices, default=DEFAULT_LANGUAGE)
    is_active = models.BooleanField(default=True)
    is_premium = models.BooleanField(default=False)
    display_name = models.CharField(max_length=100, blank=True)
    avatar_url = models.URLField(max_length=1000, blank=True)
    tiktok_open_id = models.CharField(
        max_length=100, unique=True, null=True, blank=True, help_text="Set when the user signs in with TikTok."
    )
    is_staff = models.BooleanField(
        default=False, help_text="Staff can log into the admin (editors are staff in the Editors group)."
    )
    # Access tokens issued before this moment are refused (set by logout), so a logout ends
    # every session at once instead of when the last access token expires.
    tokens_valid_after = models.DateTimeField(null=True, blank=True, editable=False)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = []

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="user_email_unique_ignoring_case"),
        ]
        # Insights count new users per day.
        indexes = [models.Index(fields=["created_at"], name="user_created_at")]

    def __str__(self):
        return self.email or f"guest {self.client_id}"

    @property
    def is_guest(self) -> bool:
        """True while the account is only a device: no password and no TikTok account to sign in with."""
        return not self.has_usable_password() and not self.tiktok_open_id

    @property
    def oauth_provider(self) -> str | None:
        return "tiktok" if self.tiktok_open_id else None

    def clean(self):
        super().clean()
        self.email = normalize_email(self.email)

    def save(self, *args, **kwargs):
        self.email = normalize_email(self.email)
        super().save(*args, **kwargs)


class UserPreferences(models.Model):
    """One user's app settings and onboarding answers."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, primary_key=True, related_name="preferences")
    dark_mode = models.BooleanField(default=True)
    notifications_enabled = models.BooleanField(default=False)
    has_completed_onboarding = models.BooleanField(default=False)
    selected_goals = models.JSONField(default=list, blank=True)
    preferred_category = models.ForeignKey(
        "catalog.Category", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # What the client sent, kept as it is: the web client offers goals such as "books" or
    # "fitness" that need not be categories (preferred_category is then the default one).
    preferred_category_code = models.CharField(max_length=32, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "user preferences"

    def __str__(self):
        return f"preferences of {self.user}"
