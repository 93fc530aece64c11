"""Limber's settings, read from environment variables with safe defaults.

Development: `DEBUG=1`. Production: `SECRET_KEY`, `ALLOWED_HOSTS` and `DATABASE_URL` set,
`DEBUG` unset; `python manage.py check --deploy --fail-level WARNING` passes.
"""

import datetime
import os
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from clinic.proxies import trusted_proxy_ips

BASE_DIR = Path(__file__).resolve().parent.parent


def envbool(name: str, default: str = "0") -> bool:
    return os.environ.get(name, default).strip().lower() in ("1", "true", "yes", "on")


def envint(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


def envlist(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = envbool("DEBUG")

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("Set SECRET_KEY (or DEBUG=1 for development).")
    SECRET_KEY = "insecure-development-key-never-use-in-production"

ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "clinic",
    "routines",
    "routines.progression",
    "patients",
    # Content in both languages (docs/architecture.md, "Content in both languages"): before
    # the admin, as django-modeltranslation asks.
    "modeltranslation",
    # Django's admin, on a site that asks for the second sign-in step (clinic/admin_site.py).
    "clinic.apps.LimberAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "clinic.api.tokens",
    "patients.reminders",
    "django_q",
    "patients.outcomes",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "csp",
]

MIDDLEWARE = [
    "clinic.middleware.TrustedProxyMiddleware",
    "clinic.middleware.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Before anything reads a form: a body that is not UTF-8 is not read as Latin-1.
    "clinic.middleware.Utf8FormMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # After authentication: a signed-in person's own language, else their clinic's.
    "clinic.languages.middleware.LanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "clinic.accounts.middleware.SessionPolicyMiddleware",
    # After the session policy: a half-signed-in staff member reaches only the second step.
    "clinic.accounts.twofactor.middleware.TwoFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # After every middleware that adds a security header, so its 413 carries them all; still
    # before any view (or CSRF's process_view) reads the body.
    "clinic.middleware.RequestSizeLimitMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, as django-axes asks: it turns a locked-out sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "clinic.urls"
WSGI_APPLICATION = "clinic.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# The embedded default is a SQLite file beside the code; production and CI point
# DATABASE_URL at PostgreSQL, which then goes through psycopg 3's connection pool.
# Production runs the app as a role that owns no table (DATABASE_URL) and migrations as the
# owner: the release job (`make migrate`) also sets MIGRATE_DATABASE_URL, and a process that
# has it runs as the owner, so data migrations and `grant_app_role` do too (docs/deploy.md).
# App servers never get it: the owner can switch off the audit trail's triggers.
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("MIGRATE_DATABASE_URL")
        or os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'limber.sqlite3'}")
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # With the pool, Django 5.2 turns this into psycopg_pool's
    # `check=ConnectionPool.check_connection` (passing `check` in the pool dict is refused):
    # one round trip per checkout makes a database restart or terminated backends invisible,
    # as a dead connection is replaced before a request gets it instead of becoming a 500.
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # Prepared statements (issue 21): with server-side binding psycopg sends the parameters
    # apart from the statement, so it can prepare a statement it has run DATABASE_PREPARE_THRESHOLD
    # times on a connection; PostgreSQL then skips parsing and planning it again. Off for a
    # PgBouncer in transaction mode older than 1.21 (docs/deploy.md).
    if envbool("DATABASE_PREPARED_STATEMENTS", "1"):
        DATABASES["default"].setdefault("OPTIONS", {}).update(
            server_side_binding=True,
            prepare_threshold=envint("DATABASE_PREPARE_THRESHOLD", 2),
        )
    if envbool("DATABASE_POOL", "1"):
        # Kept beside any options the URL carries (e.g. ?options=-c synchronous_commit=off).
        DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
            "min_size": envint("DATABASE_POOL_MIN", 2),
            "max_size": envint("DATABASE_POOL_MAX", 10),
            "timeout": 10,
        }

# Django's cache: Redis when REDIS_URL is set (several app servers must share one: the
# throttle's counts of failed key and link guesses live here), else this process's memory,
# which is right for `make run` and one server. Cached page data is keyed by its content, so
# it is never stale in either.
REDIS_URL = os.environ.get("REDIS_URL", "")
CACHES = {
    "default": {
        "BACKEND": "clinic.cache.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "limber"),
    }
    if REDIS_URL
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    # Template fragments keyed by their content (the player's steps and texts, every page's
    # head, the patient's menu): never stale, so each process keeps its own, a dictionary
    # lookup away rather than a trip to Redis.
    "fragments": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "fragments",
        "OPTIONS": {"MAX_ENTRIES": 5000},
    },
}
# The signed-in request's session and user (with their role and clinic) come from the cache,
# backed by the database (clinic/accounts/signed_in.py): about 1.5 ms less per request. Only
# safe when every process sees every change, so on by default with Redis or in one process
# (`make run`, the test suite); several processes on local memory must leave it off.
SIGNED_IN_CACHE = envbool("SIGNED_IN_CACHE", "1" if REDIS_URL or DEBUG else "0")
# A cached user is forgotten the moment their rows change; this only bounds memory.
SIGNED_IN_CACHE_SECONDS = envint("SIGNED_IN_CACHE_SECONDS", 15 * 60)
# Failed API-key, invitation-link and welcome-link guesses per client address (clinic/throttle.py).
THROTTLE_FAILURE_LIMIT = envint("THROTTLE_FAILURE_LIMIT", 10)
THROTTLE_WINDOW_SECONDS = envint("THROTTLE_WINDOW_SECONDS", 15 * 60)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "clinic.User"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Sign-in: the lockout backend first (see clinic/accounts/signin.py), then the usual model backend.
AUTHENTICATION_BACKENDS = [
    "clinic.accounts.signin.LockoutBackend",
    "clinic.accounts.signin.RoleBackend",
]
# django-axes: repeated failures for one username from one address lock that pair out.
# Attempts are kept in the database, so every app server sees the same count.
AXES_FAILURE_LIMIT = envint("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=envint("AXES_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# A username or email address in any case names one account: failures count against it.
AXES_USERNAME_CALLABLE = "clinic.accounts.signin.axes_username"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "clinic.security_views.locked_out"
# The proxies in front (addresses or networks), the one setting gunicorn reads too
# (clinic/proxies.py): their X-Forwarded-For gives lockouts, throttles and the audit trail
# the client's address, their X-Forwarded-Proto says the request came over HTTPS. Anyone
# else's X-Forwarded-* headers are dropped (clinic.middleware.TrustedProxyMiddleware).
TRUSTED_PROXY_IPS = trusted_proxy_ips()
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if TRUSTED_PROXY_IPS else None
AXES_CLIENT_IP_CALLABLE = "clinic.middleware.client_ip"
# Sessions live in the database (no state in an app process), read through the cache when
# SIGNED_IN_CACHE is on (written to both). Staff sessions end after 30 idle minutes and 12
# hours in all; a patient who ticks "keep me signed in" stays signed in on that device for
# 30 days, otherwise until the browser closes.
SESSION_ENGINE = (
    "django.contrib.sessions.backends.cached_db"
    if SIGNED_IN_CACHE
    else "django.contrib.sessions.backends.db"
)
SESSION_COOKIE_AGE = envint("SESSION_COOKIE_AGE", 12 * 60 * 60)
STAFF_SESSION_IDLE_SECONDS = envint("STAFF_SESSION_IDLE_SECONDS", 30 * 60)
STAFF_SESSION_MAX_SECONDS = envint("STAFF_SESSION_MAX_SECONDS", 12 * 60 * 60)
PATIENT_REMEMBER_SECONDS = envint("PATIENT_REMEMBER_SECONDS", 30 * 24 * 60 * 60)

# Two-factor sign-in for staff (clinic/accounts/twofactor/): required for clinic admins, the Django
# admin and, when their clinic asks, every physiotherapist. Failed codes count towards the
# same lockout as failed passwords (AXES_FAILURE_LIMIT).
OTP_TOTP_ISSUER = os.environ.get("OTP_TOTP_ISSUER", "Limber")
TWO_FACTOR_RECOVERY_CODES = 10

# Self-service password reset (clinic/accounts/password_reset.py): a link valid one hour, used once.
PASSWORD_RESET_TIMEOUT = envint("PASSWORD_RESET_TIMEOUT", 60 * 60)
# Reset requests allowed per hour, per address asked for and per client address.
PASSWORD_RESET_PER_EMAIL = envint("PASSWORD_RESET_PER_EMAIL", 3)
PASSWORD_RESET_PER_IP = envint("PASSWORD_RESET_PER_IP", 10)

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en"
# Each language is named in itself, so a reader finds their own in the switcher.
LANGUAGES = [("en", "English"), ("fr-ca", "Français (Canada)")]
# One catalog for the whole project (templates/ and the three apps): clinic/locale.
LOCALE_PATHS = [BASE_DIR / "clinic" / "locale"]
# One display format per kind of date, per language, none of them all numbers (clinic/formats).
FORMAT_MODULE_PATH = ["clinic.formats"]
# Content in both languages (django-modeltranslation): exercises, routines and the
# questionnaires keep one column per language (name_en, name_fr_ca). A text missing or
# empty in the reader's language falls back to the other one, which with two languages is
# the one its clinic wrote it in (translation.py of routines and patients.outcomes).
MODELTRANSLATION_DEFAULT_LANGUAGE = "en"
MODELTRANSLATION_FALLBACK_LANGUAGES = {"default": ("en", "fr-ca")}


def MODELTRANSLATION_BUILD_LOCALIZED_VERBOSE_NAME(verbose_name, code: str) -> str:  # noqa: N802
    """ "name — Français (Canada)" in the admin, not "name [fr-ca]"."""
    return f"{verbose_name} — {dict(LANGUAGES)[code]}"


USE_I18N = True
# Stored in UTC; each clinic's own zone decides its "today" (Clinic.timezone).
USE_TZ = True
TIME_ZONE = os.environ.get("TIME_ZONE", "Europe/Amsterdam")

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
# Static files live in the apps (clinic/static/limber/), found by the app finder.
# Uploads (exercise pictures and videos) are never served by path: /media/<name> is a view
# that checks who asks (routines/media/views.py, docs/deploy.md "Media storage").
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
# Production serves hashed, compressed files collected by `collectstatic`; development and
# the test suite (STATIC_MANIFEST=0) serve them straight from the apps.
STATIC_MANIFEST = not DEBUG and envbool("STATIC_MANIFEST", "1")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if STATIC_MANIFEST
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = not STATIC_MANIFEST

# Several app servers keep media in a private S3-compatible bucket: set MEDIA_S3_BUCKET.
# The /media/ view still checks every request, then redirects to a link that expires after
# MEDIA_URL_EXPIRY_SECONDS. Credentials come from boto3's usual AWS_* variables or role.
MEDIA_S3_BUCKET = os.environ.get("MEDIA_S3_BUCKET", "")
MEDIA_URL_EXPIRY_SECONDS = envint("MEDIA_URL_EXPIRY_SECONDS", 300)
MEDIA_ORIGINS: list[str] = []
if MEDIA_S3_BUCKET:
    _region = os.environ.get("MEDIA_S3_REGION", "")
    _endpoint = os.environ.get("MEDIA_S3_ENDPOINT_URL", "")
    STORAGES["default"] = {
        "BACKEND": "routines.media.storage.PrivateS3Storage",
        "OPTIONS": {
            "bucket_name": MEDIA_S3_BUCKET,
            "region_name": _region or None,
            "endpoint_url": _endpoint or None,
            "signature_version": "s3v4",
            "querystring_auth": True,
            "querystring_expire": MEDIA_URL_EXPIRY_SECONDS,
            "file_overwrite": False,
            "object_parameters": {"CacheControl": "private, max-age=3600"},
        },
    }
    if _endpoint:
        _scheme, _host = _endpoint.rstrip("/").split("://", 1)
        _default_origins = f"{_scheme}://{_host},{_scheme}://{MEDIA_S3_BUCKET}.{_host}"
    else:
        _default_origins = f"https://{MEDIA_S3_BUCKET}.s3.amazonaws.com" + (
            f",https://{MEDIA_S3_BUCKET}.s3.{_region}.amazonaws.com" if _region else ""
        )
    MEDIA_ORIGINS = envlist("MEDIA_S3_ORIGIN", _default_origins)

# An exercise's video: MP4 or WebM, at most this large. The views named here take one, so
# their requests may exceed REQUEST_MAX_BYTES by this much (clinic.middleware).
EXERCISE_VIDEO_MAX_BYTES = envint("EXERCISE_VIDEO_MAX_BYTES", 25 * 1024 * 1024)
VIDEO_UPLOAD_VIEWS = [
    "routines:exercise_create",
    "routines:exercise_update",
    "api:exercise-media",
    "admin:routines_exercise_add",
    "admin:routines_exercise_change",
]

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = envint("EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Limber <limber@localhost>")
# A send that hangs must end well within a reminder's lease (REMINDER_LEASE_SECONDS).
EMAIL_TIMEOUT = envint("EMAIL_TIMEOUT", 20)

# Where Limber is reached from outside: links in emails, push messages and calendar feeds.
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000" if DEBUG else "https://localhost")

# Reminders (patients/reminders/, docs/deploy.md "The reminder worker").
REMINDER_GRACE_MINUTES = envint("REMINDER_GRACE_MINUTES", 60)
REMINDER_MAX_ATTEMPTS = envint("REMINDER_MAX_ATTEMPTS", 5)
REMINDER_RETRY_SECONDS = envint("REMINDER_RETRY_SECONDS", 60)
REMINDER_LEASE_SECONDS = envint("REMINDER_LEASE_SECONDS", 300)
REMINDER_NUDGE_COOLDOWN_MINUTES = envint("REMINDER_NUDGE_COOLDOWN_MINUTES", 15)
REMINDER_FEED_WEEKS = envint("REMINDER_FEED_WEEKS", 4)
REMINDER_UNSUBSCRIBE_MAILTO = os.environ.get("REMINDER_UNSUBSCRIBE_MAILTO", "")
# Web push: without both keys the channel is not offered. The private key is the base64url
# raw key (or a PEM file's path), the public one the base64url uncompressed point.
VAPID_PUBLIC_KEY = os.environ.get("VAPID_PUBLIC_KEY", "")
VAPID_PRIVATE_KEY = os.environ.get("VAPID_PRIVATE_KEY", "")
VAPID_SUBJECT = os.environ.get("VAPID_SUBJECT", "mailto:limber@localhost")
PUSH_TTL_SECONDS = envint("PUSH_TTL_SECONDS", 4 * 60 * 60)
PUSH_TIMEOUT_SECONDS = envint("PUSH_TIMEOUT_SECONDS", 20)
# The push services a browser's subscription may point at (https; "*." for any subdomain;
# a full origin such as http://127.0.0.1:8765 for a test server); anything else is refused.
PUSH_SERVICE_HOSTS = envlist(
    "PUSH_SERVICE_HOSTS",
    "fcm.googleapis.com,updates.push.services.mozilla.com,web.push.apple.com,"
    "*.push.apple.com,*.notify.windows.com",
)

# django-q2, the worker: its queue lives in the database (the ORM broker), so it needs
# nothing beside SQLite or PostgreSQL. `manage.py qcluster` runs it.
Q_CLUSTER = {
    "name": "limber",
    "orm": "default",
    "workers": envint("Q_WORKERS", 1),
    "timeout": envint("Q_TIMEOUT", 240),
    "retry": envint("Q_RETRY", 300),
    "max_attempts": 1,
    "catch_up": False,
    "save_limit": 200,
    "poll": 1,
    "ack_failures": True,
    "label": "Worker",
}

# Request size limits: form bodies, files kept in memory, fields, and the whole request
# (uploads included), answered with 400 or 413 and a message.
DATA_UPLOAD_MAX_MEMORY_SIZE = envint("DATA_UPLOAD_MAX_MEMORY_SIZE", 1024 * 1024)
FILE_UPLOAD_MAX_MEMORY_SIZE = envint("FILE_UPLOAD_MAX_MEMORY_SIZE", 2 * 1024 * 1024)
DATA_UPLOAD_MAX_NUMBER_FIELDS = envint("DATA_UPLOAD_MAX_NUMBER_FIELDS", 1000)
DATA_UPLOAD_MAX_NUMBER_FILES = envint("DATA_UPLOAD_MAX_NUMBER_FILES", 10)
REQUEST_MAX_BYTES = envint("REQUEST_MAX_BYTES", 10 * 1024 * 1024)

# No inline scripts or styles anywhere: every script and stylesheet is a static file.
# QR codes may be data: images or inline SVG. Pictures and videos come from /media/ (or,
# redirected there, from the media bucket).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:", *MEDIA_ORIGINS],
        "media-src": [SELF, *MEDIA_ORIGINS],
        "font-src": [SELF],
        "connect-src": [SELF],
        "frame-ancestors": [NONE],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
    }
}

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if not DEBUG:
    # Behind a TLS-terminating proxy, set TRUSTED_PROXY_IPS so Django trusts it (above).
    SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", "1")
    SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD", "1")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

# Only `make bench` turns this on: it adds the baseline view that every page is measured
# against (clinic/benchmark/). Never set in production.
BENCHMARK_BASELINE = envbool("BENCHMARK_BASELINE")

# The JSON API (docs/api.md): a personal key (Bearer) first, so an anonymous call gets 401
# with WWW-Authenticate; the browser's session (with CSRF) for the session page.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "clinic.api.tokens.authentication.BearerTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "clinic.api.pagination.Pagination",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["clinic.api.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "clinic.api.errors.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Limber API",
    "DESCRIPTION": "Exercises, routines, patients, plans, sessions and adherence. See docs/api.md.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "SidesEnum": "routines.models.Sides",
        "CompletionSideEnum": "patients.models.Completion.Side",
        "KindEnum": "routines.models.ExerciseKind",
        "ReminderChannelEnum": "patients.reminders.models.Channel",
        "DeliveryKindEnum": "patients.reminders.models.Delivery.Kind",
        "DeliveryStateEnum": "patients.reminders.models.Delivery.State",
        "StatusEnum": "patients.models.Completion.Status",
        "QuestionnaireStatusEnum": "patients.outcomes.models.QuestionnaireVersion.Status",
        "QuestionnaireItemKindEnum": "patients.outcomes.models.Item.Kind",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "clinic.api.schema.add_error_responses",
    ],
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    # django-axes logs every sign-in at INFO; lockouts are WARNING.
    "loggers": {"axes": {"level": os.environ.get("AXES_LOG_LEVEL", "WARNING")}},
}
