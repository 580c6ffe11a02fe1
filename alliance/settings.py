"""One settings file, driven by the environment (ALLIANCE_* and DATABASE_URL).

Debug is off unless ALLIANCE_DEBUG says otherwise; with debug off every secret must come from the
environment, so a production server never starts with a development key.
"""

import base64
import os
import re
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}")


def env_int(name: str, default: int, minimum: int = 1) -> int:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    try:
        number = int(value)
    except ValueError:
        number = minimum - 1
    if number < minimum:
        raise ImproperlyConfigured(f"{name} must be a whole number of at least {minimum}")
    return number


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name, "")
    items = [item.strip() for item in value.split(",") if item.strip()]
    return items or default


DEBUG = env_bool("ALLIANCE_DEBUG", False)
DATA_DIR = Path(os.environ.get("ALLIANCE_DATA_DIR", "var")).resolve()

SECRET_KEY = os.environ.get("ALLIANCE_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("ALLIANCE_SECRET_KEY is required when ALLIANCE_DEBUG is off")
    SECRET_KEY = "development-only-key-never-used-with-debug-off-" + "x" * 20


# 32 bytes in url-safe base64: 43 characters and one optional "=". The decoder alone would
# skip stray characters and accept "+" and "/", so a mistyped key could pass unnoticed.
URLSAFE_KEY = re.compile(r"[A-Za-z0-9_-]{43}=?")


def parse_encryption_keys(value: str) -> list[bytes]:
    keys = []
    for position, text in enumerate(item.strip() for item in value.split(",") if item.strip()):
        key = b""
        if URLSAFE_KEY.fullmatch(text):
            key = base64.urlsafe_b64decode(text.rstrip("=") + "=")
        if len(key) != 32:
            raise ImproperlyConfigured(
                f"ALLIANCE_ENCRYPTION_KEYS item {position + 1} is not url-safe base64 of 32 bytes"
            )
        keys.append(key)
    return keys


ENCRYPTION_KEYS = parse_encryption_keys(os.environ.get("ALLIANCE_ENCRYPTION_KEYS", ""))
if not ENCRYPTION_KEYS:
    if not DEBUG:
        raise ImproperlyConfigured(
            "ALLIANCE_ENCRYPTION_KEYS is required when ALLIANCE_DEBUG is off"
        )
    # A fixed development key so a demo database stays readable between runs.
    ENCRYPTION_KEYS = [b"alliance-development-key-32bytes"]

ALLOWED_HOSTS = env_list(
    "ALLIANCE_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"] if DEBUG else []
)
CSRF_TRUSTED_ORIGINS = env_list("ALLIANCE_CSRF_TRUSTED_ORIGINS", [])

SECURE_COOKIES = env_bool("ALLIANCE_SECURE_COOKIES", not DEBUG)
SESSION_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_SECURE = SECURE_COOKIES
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
SECURE_SSL_REDIRECT = env_bool("ALLIANCE_SSL_REDIRECT", SECURE_COOKIES)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env_int("ALLIANCE_HSTS_SECONDS", 0 if DEBUG else 31536000, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Inactivity timeout: the session expires this long after the last request.
SESSION_COOKIE_AGE = env_int("ALLIANCE_SESSION_MINUTES", 30) * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

STAFF_2FA = os.environ.get("ALLIANCE_STAFF_2FA", "required")
if STAFF_2FA not in {"required", "optional"}:
    raise ImproperlyConfigured("ALLIANCE_STAFF_2FA must be 'required' or 'optional'")

API_TOKEN_DAYS = env_int("ALLIANCE_API_TOKEN_DAYS", 30)
# The largest request body accepted; the API answers a larger one with a JSON 413.
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("ALLIANCE_MAX_BODY_BYTES", 2_621_440)

# Signs audit checkpoints (`alliance audit checkpoint`). Keep it out of the database and away
# from its backups: whoever holds both could rewrite the trail and sign a matching checkpoint.
AUDIT_KEY = os.environ.get("ALLIANCE_AUDIT_KEY", "").encode() or None
if AUDIT_KEY is not None and len(AUDIT_KEY) < 32:
    raise ImproperlyConfigured("ALLIANCE_AUDIT_KEY must be at least 32 characters")
if AUDIT_KEY is None and DEBUG:
    AUDIT_KEY = b"alliance-development-audit-key-never-used-with-debug-off"
# Where `alliance serve` writes a checkpoint every ALLIANCE_AUDIT_CHECKPOINT_MINUTES: a file
# path, "log" for the server's log, or nothing for none.
AUDIT_CHECKPOINT = os.environ.get("ALLIANCE_AUDIT_CHECKPOINT", "")
AUDIT_CHECKPOINT_MINUTES = env_int("ALLIANCE_AUDIT_CHECKPOINT_MINUTES", 60)
INVITATION_DAYS = env_int("ALLIANCE_INVITATION_DAYS", 7)
INSTRUMENTS_DIR = os.environ.get("ALLIANCE_INSTRUMENTS_DIR") or None

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "csp",
    "alliance.accounts",
    "alliance.audit",
    "alliance.care",
    "alliance.goals",
    "alliance.homework",
    "alliance.measures",
    "alliance.alerts",
    "alliance.journal",
    "alliance.notes",
    "alliance.reports",
    "alliance.interop",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "alliance.middleware.ApiErrorsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "alliance.accounts.middleware.TwoFactorMiddleware",
    "alliance.audit.refusals.RefusalMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "alliance.middleware.NoStoreMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "alliance.urls"
WSGI_APPLICATION = "alliance.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
            ],
        },
    }
]

if not os.environ.get("DATABASE_URL"):
    DATA_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{DATA_DIR / 'alliance.sqlite3'}", conn_max_age=60
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers proceed while one writer commits; the timeout absorbs short write bursts.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
# The clinic figures read from a replica when one is named: a second database used only for
# those reads (alliance.reports.analytics), never written. Under test it mirrors the default.
if os.environ.get("ALLIANCE_ANALYTICS_DATABASE_URL"):
    DATABASES["analytics"] = dj_database_url.parse(
        os.environ["ALLIANCE_ANALYTICS_DATABASE_URL"], conn_max_age=60
    )
    DATABASES["analytics"]["TEST"] = {"MIRROR": "default"}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
# An address is unique among the accounts that sign in; a stand-in record for an invitation
# to an address in use elsewhere repeats it (accounts.User.address_in_use), and signing in
# looks past those (UserManager.get_by_natural_key).
SILENCED_SYSTEM_CHECKS = ["auth.W004"]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "index"
LOGOUT_REDIRECT_URL = "login"

# Lockout after repeated failures (django-axes): per account and address pair.
AXES_FAILURE_LIMIT = env_int("ALLIANCE_LOCKOUT_FAILURES", 5)
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_FORM_FIELD = "username"
AXES_USERNAME_CALLABLE = "alliance.accounts.lockout.lockout_username"
AXES_LOCKOUT_CALLABLE = "alliance.accounts.lockout.lockout_response"
AXES_VERBOSE = False

OTP_TOTP_ISSUER = "Alliance"

EMAIL_BACKEND = os.environ.get(
    "ALLIANCE_EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = os.environ.get("ALLIANCE_EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("ALLIANCE_EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("ALLIANCE_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("ALLIANCE_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = env_bool("ALLIANCE_EMAIL_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("ALLIANCE_FROM_EMAIL", "Alliance <alliance@localhost>")
SITE_URL = os.environ.get("ALLIANCE_SITE_URL", "http://127.0.0.1:8000").rstrip("/")
# The canonical base of this installation's FHIR resources (Questionnaire URLs, code systems).
FHIR_BASE_URL = os.environ.get("ALLIANCE_FHIR_BASE_URL", f"{SITE_URL}/fhir").rstrip("/")

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

LANGUAGE_CODE = "en-gb"
TIME_ZONE = os.environ.get("ALLIANCE_TIME_ZONE", "Europe/London")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
try:
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)
except OSError:  # a read-only data directory: static files were collected at build time
    pass
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("ALLIANCE_LOG_LEVEL", "WARNING")},
    # Audit checkpoints written to the log must reach it whatever the level.
    "loggers": {"alliance.audit.checkpoint": {"level": "INFO"}},
}
