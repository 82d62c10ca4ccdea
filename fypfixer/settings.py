"""Settings for FYPFixer.

Every difference between a laptop and production comes from the environment (or a `.env`
file beside manage.py). With nothing set, the project runs on SQLite with an in-process
cache and DEBUG on, so a fresh checkout starts with one command. `.env.example` lists
every variable.
"""

from datetime import timedelta
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
if (BASE_DIR / ".env").is_file():
    environ.Env.read_env(BASE_DIR / ".env")


# Core

DEBUG = env.bool("DEBUG", default=True)

SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    # A known key would let anyone forge sessions and tokens, so only DEBUG may use one.
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production-0123456789abcdef"

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "nested_admin",
    "fypfixer.admin.StudioAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "corsheaders",
    "rest_framework",
    "rest_framework_simplejwt.token_blacklist",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "reversion",
    "django_rq",
    "fypfixer",
    "accounts",
    "catalog",
    "plans",
    "progress",
    "webclient",
    "insights",
]

MIDDLEWARE = [
    "insights.middleware.RequestMetricsMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "fypfixer.middleware.RequestBodyLimitMiddleware",
    "fypfixer.middleware.ApiErrorMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "fypfixer.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "fypfixer.middleware.AuthenticationMiddleware",
    "fypfixer.middleware.AdminInputMiddleware",
    "fypfixer.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "fypfixer.urls"
WSGI_APPLICATION = "fypfixer.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

LANGUAGE_CODE = "en"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
FIXTURE_DIRS = [BASE_DIR / "fixtures"]


# Database

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
# Django's default: a reused connection is not checked with a query before each request (that
# round trip measured from 18% slower to 15% faster on completions, README "Ablation"); after a
# database restart, the first request on each old connection answers 503 and it is replaced.
DATABASES["default"]["CONN_HEALTH_CHECKS"] = env.bool("CONN_HEALTH_CHECKS", default=False)
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Fail fast when PostgreSQL is unreachable instead of hanging a worker (libpq's minimum is 2 s).
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("connect_timeout", 2)
# The completion's written-out statement is prepared once per connection (fypfixer/db.py): psycopg
# prepares what server-binding cursors run, and only that statement uses one (the ORM's cursors
# bind on the client and are never prepared). Turn off behind a pooler that loses prepared
# statements (PgBouncer older than 1.21 in transaction mode).
PREPARED_SQL = env.bool("PREPARED_SQL", default=True)
if PREPARED_SQL and DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["OPTIONS"].setdefault("prepare_threshold", 0)


# Cache: "default" is shared by every process (Redis, through django-redis) when REDIS_URL is
# set, in-process otherwise; "local" is always this process's own memory.

REDIS_URL = env.str("REDIS_URL", default="")
LOCAL_CACHE = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "fypfixer-local"}
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "fyp",
            "TIMEOUT": 300,
            "OPTIONS": {
                # Redis down must not take the API down: cache calls then miss (and throttles
                # count in each process, fypfixer/throttling.py) until it is back.
                "IGNORE_EXCEPTIONS": True,
                "SOCKET_CONNECT_TIMEOUT": 0.25,
                "SOCKET_TIMEOUT": 0.25,
            },
        },
        "local": LOCAL_CACHE,
    }
else:
    CACHES = {"default": {**LOCAL_CACHE, "LOCATION": "fypfixer", "TIMEOUT": 300}, "local": LOCAL_CACHE}
DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = False

# How long public payloads live in the cache; edits invalidate them at once anyway
# (fypfixer/content_cache.py), so the timeout only bounds memory.
CONTENT_CACHE_TIMEOUT = env.int("CONTENT_CACHE_TIMEOUT", default=3600)
# How long the shared cache's copy of the content version is trusted before it is read from
# the database again: the most a save made while Redis was unreachable can stay unseen.
CONTENT_VERSION_SECONDS = env.int("CONTENT_VERSION_SECONDS", default=2)
# The measured optimisations (README, "Ablation"); each can be switched off on its own.
CONTENT_LOCAL_CACHE = env.bool("CONTENT_LOCAL_CACHE", default=True)
CONTENT_VERSION_CHANNEL = env.bool("CONTENT_VERSION_CHANNEL", default=True)
QUERY_MEMO = env.bool("QUERY_MEMO", default=True)
PROGRESS_INSERT_SQL = env.bool("PROGRESS_INSERT_SQL", default=True)
PROGRESS_COMPLETED_SQL = env.bool("PROGRESS_COMPLETED_SQL", default=True)
# Completing a step checks the account (active, password unchanged, no logout since the token)
# inside its one statement instead of reading the user's row first (PostgreSQL).
COMPLETION_ACCOUNT_SQL = env.bool("COMPLETION_ACCOUNT_SQL", default=True)
USER_CACHE = env.bool("USER_CACHE", default=True)
# Sessions, the session user and messages skipped under /api/ (bearer tokens only).
API_SKIPS_BROWSER_MIDDLEWARE = env.bool("API_SKIPS_BROWSER_MIDDLEWARE", default=True)
# /api/health checks PostgreSQL and Redis at most this often per process (0: on every call).
HEALTH_CHECK_SECONDS = env.float("HEALTH_CHECK_SECONDS", default=1.0)
# Reads are added to the shared rate-limit counters this many at a time (1: every request);
# writes and signing in are always counted one by one.
THROTTLE_BATCH = env.int("THROTTLE_BATCH", default=10)


# Accounts and passwords

AUTH_USER_MODEL = "accounts.User"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 8},
    },
    {"NAME": "accounts.validators.VisibleCharactersValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]


# REST framework

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ("accounts.authentication.JWTAuthentication",),
    "DEFAULT_PERMISSION_CLASSES": ("rest_framework.permissions.IsAuthenticated",),
    "DEFAULT_RENDERER_CLASSES": ("fypfixer.api.EnvelopeJSONRenderer",),
    "DEFAULT_PARSER_CLASSES": ("fypfixer.api.JSONParser",),
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "fypfixer.api.ContentNegotiation",
    "DEFAULT_METADATA_CLASS": "fypfixer.api.Metadata",
    "EXCEPTION_HANDLER": "fypfixer.api.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    "DEFAULT_THROTTLE_CLASSES": ("fypfixer.throttling.ReadThrottle", "fypfixer.throttling.WriteThrottle"),
    "DEFAULT_THROTTLE_RATES": {
        "read": env.str("THROTTLE_READ_RATE", default="600/min"),
        "auth": env.str("THROTTLE_AUTH_RATE", default="10/min"),
        "auth_account": env.str("THROTTLE_AUTH_ACCOUNT_RATE", default="5/min"),
        # Wrong passwords per email and address, and per email from any address (fypfixer/throttling.py).
        "login_failure": env.str("THROTTLE_LOGIN_FAILURE_RATE", default="5/min"),
        "login_failure_email": env.str("THROTTLE_LOGIN_FAILURE_EMAIL_RATE", default="50/hour"),
        "write": env.str("THROTTLE_WRITE_RATE", default="120/min"),
    },
    "NUM_PROXIES": env.int("NUM_PROXIES", default=0),
}

# The largest JSON body the API reads; larger bodies get 413 before they are parsed.
API_MAX_BODY_BYTES = env.int("API_MAX_BODY_BYTES", default=64 * 1024)


# JWT

SIMPLE_JWT = {
    "ACCESS_TOKEN_LIFETIME": timedelta(minutes=env.int("JWT_ACCESS_LIFETIME_MINUTES", default=24 * 60)),
    "REFRESH_TOKEN_LIFETIME": timedelta(days=env.int("JWT_REFRESH_LIFETIME_DAYS", default=30)),
    "ROTATE_REFRESH_TOKENS": True,
    "BLACKLIST_AFTER_ROTATION": True,
    "UPDATE_LAST_LOGIN": False,
    "SIGNING_KEY": env.str("JWT_SIGNING_KEY", default="") or SECRET_KEY,
    "AUTH_HEADER_TYPES": ("Bearer",),
    # Tokens carry a digest of the password hash: a password change ends every other session.
    "CHECK_REVOKE_TOKEN": True,
}


# The web client's defaults (GET /api/config/defaults) and category subscriptions

DEFAULT_CATEGORY_CODE = env.str("DEFAULT_CATEGORY_CODE", default="personal_growth")
MAX_FREE_CATEGORIES = env.int("MAX_FREE_CATEGORIES", default=3)
PREMIUM_ACCESS_DAYS = env.int("PREMIUM_ACCESS_DAYS", default=14)
ACTIONS_PER_PLAN = env.int("ACTIONS_PER_PLAN", default=5)


# Sign in with TikTok (Login Kit v2, OAuth 2 with PKCE): the developer portal's app keys

TIKTOK_CLIENT_KEY = env.str("TIKTOK_CLIENT_KEY", default="")
TIKTOK_CLIENT_SECRET = env.str("TIKTOK_CLIENT_SECRET", default="")
TIKTOK_REDIRECT_URIS = env.list(
    "TIKTOK_REDIRECT_URIS",
    default=["http://localhost:5173/auth/tiktok/callback", "http://127.0.0.1:5173/auth/tiktok/callback"],
)
TIKTOK_OAUTH_TOKEN_URL = env.str("TIKTOK_OAUTH_TOKEN_URL", default="https://open.tiktokapis.com/v2/oauth/token/")
TIKTOK_USER_INFO_URL = env.str("TIKTOK_USER_INFO_URL", default="https://open.tiktokapis.com/v2/user/info/")
TIKTOK_TIMEOUT_SECONDS = env.float("TIKTOK_TIMEOUT_SECONDS", default=5.0)


# The video library: TikTok's oEmbed, the Apify scraper, background jobs

TIKTOK_OEMBED_URL = env.str("TIKTOK_OEMBED_URL", default="https://www.tiktok.com/oembed")
TIKTOK_OEMBED_TIMEOUT_SECONDS = env.float("TIKTOK_OEMBED_TIMEOUT_SECONDS", default=3.0)
APIFY_API_BASE = env.str("APIFY_API_BASE", default="https://api.apify.com")
APIFY_API_KEY = env.str("APIFY_API_KEY", default="")
APIFY_WEBHOOK_SECRET = env.str("APIFY_WEBHOOK_SECRET", default="")
# Jobs run on RQ (Redis) when REDIS_URL is set; with no broker they run inline, in the request.
JOBS_ASYNC = env.bool("JOBS_ASYNC", default=bool(REDIS_URL))
RQ_QUEUES = {
    "default": {"URL": REDIS_URL or "redis://127.0.0.1:6379/0", "DEFAULT_TIMEOUT": 3600, "ASYNC": JOBS_ASYNC},
}


# OpenAPI

SPECTACULAR_SETTINGS = {
    "TITLE": "FYPFixer API",
    "DESCRIPTION": (
        "Daily plans of curated TikTok videos that retrain the For You feed. Every response "
        'is wrapped in the envelope `{"success": true, "data": ...}` or '
        '`{"success": false, "error": {"code", "message", "details"}}`.'
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/api/",
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "PATH_CONVERTER_OVERRIDES": {"id": {"type": "integer", "minimum": 0, "maximum": 999_999_999_999_999_999}},
    "ENUM_NAME_OVERRIDES": {
        "StepActionEnum": "plans.models.PlanStep.Action",
        "LanguageEnum": "fypfixer.i18n.Language",
        "TargetTypeEnum": ["creator", "video"],
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "fypfixer.schema.wrap_in_envelope",
    ],
}


# CORS (the web client runs on another origin)

CORS_ALLOWED_ORIGINS = env.list("CORS_ALLOWED_ORIGINS", default=["http://localhost:5173", "http://127.0.0.1:5173"])
# The web client sends credentialed requests (withCredentials): answers must name its origin.
CORS_ALLOW_CREDENTIALS = True
CORS_URLS_REGEX = r"^/api/.*$"
CORS_EXPOSE_HEADERS = ["Retry-After"]
CORS_PREFLIGHT_MAX_AGE = 86400


# Static files (served by WhiteNoise, also under gunicorn with DEBUG off)

MEDIA_URL = "media/"
# Uploaded import files; shared with the workers in production (docker-compose's media volume).
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
STATIC_URL = "static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}


# Security (production defaults follow DEBUG; each can be overridden)

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^api/health$"]
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
X_FRAME_OPTIONS = "DENY"


# Logging

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}
