"""Settings for the liaison-station application.

Defaults are the embedded ones (SQLite in WAL mode, a filesystem Celery broker, a local-memory
cache) so ``make run`` needs nothing but Python. ``DATABASE_URL`` switches to PostgreSQL and
``REDIS_URL`` to Redis for the broker and the cache. ``DJANGO_ENV=production`` turns on the
hardened settings that pass ``manage.py check --deploy``.
"""

from pathlib import Path

from csp.constants import NONE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from .env import env_bool, env_choice, env_database, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("VAR_DIR", str(BASE_DIR / "var")))

DJANGO_ENV = env_choice("DJANGO_ENV", "development", {"development", "test", "production"})
PRODUCTION = DJANGO_ENV == "production"

DEBUG = env_bool("DEBUG", not PRODUCTION)
SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if PRODUCTION:
        raise ImproperlyConfigured("SECRET_KEY must be set when DJANGO_ENV=production")
    SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production-0123456789abcdef"
ALLOWED_HOSTS = env_list(
    "ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost", "testserver"]
)
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must be set when DJANGO_ENV=production")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

# Where QR codes point. Printed posters outlive deployments, so this is configured, not guessed
# from the request.
PUBLIC_BASE_URL = env_str("PUBLIC_BASE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_filters",
    "django_celery_beat",
    "axes",
    "csp",
    "core",
    "stations",
    "deputies",
    "petitions",
    "ties",
    "suggestions",
    "projects",
    "duty",
    "reports",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "api",
]

MIDDLEWARE = [
    # First: the scheme and client address come from proxy headers only via TRUSTED_PROXIES.
    "core.middleware.TrustedProxyMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Early, so every answer (the 400 page below and axes' lock-out page too) carries them.
    "csp.middleware.CSPMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # NUL bytes and broken UTF-8 answer 400 here, before a session or a query can choke on them.
    "core.middleware.BadInputMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "core.middleware.DefaultLanguageLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # A user who just wrote reads from the primary for a while (core.replica).
    "core.replica.PinPrimaryMiddleware",
    "core.middleware.SessionTimeoutMiddleware",
    "core.middleware.PrivatePagesMiddleware",
    # Axes must be last: it turns a lock-out into the response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
                "core.context_processors.roles",
            ],
        },
    },
]

# --- Database -----------------------------------------------------------------------------
_db = env_database("DATABASE_URL")
if _db is None:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    _db = {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": env_str("SQLITE_PATH", str(VAR_DIR / "db.sqlite3")),
        "OPTIONS": {
            # WAL lets the web server read while the Celery worker writes; IMMEDIATE avoids
            # "database is locked" when two writers upgrade their locks at the same time.
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        },
    }
else:
    _db.setdefault("CONN_MAX_AGE", env_int("DB_CONN_MAX_AGE", 60))
    _db.setdefault("CONN_HEALTH_CHECKS", True)
_db["TEST"] = {"NAME": env_str("TEST_DATABASE_NAME") or None}
DATABASES = {"default": _db}
# A read replica (PostgreSQL streaming replication): dashboards, ledgers and exports read from
# it through core.replica.ReplicaRouter; writes, the loop and a user's reads for
# REPLICA_PIN_SECONDS after their own write stay on the primary.
_replica = env_database("DATABASE_REPLICA_URL")
if _replica is not None:
    _replica.setdefault("CONN_MAX_AGE", env_int("DB_CONN_MAX_AGE", 60))
    _replica.setdefault("CONN_HEALTH_CHECKS", True)
    _replica["TEST"] = {"MIRROR": "default"}
    DATABASES["replica"] = _replica
DATABASE_ROUTERS = ["core.replica.ReplicaRouter"]
REPLICA_PIN_SECONDS = env_int("REPLICA_PIN_SECONDS", 10)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache and Celery ---------------------------------------------------------------------
REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
    CELERY_BROKER_URL = REDIS_URL
    # A task not acknowledged within this time is handed to another worker. It must be longer
    # than the longest task (outbox deliveries are capped at a minute, see core.tasks); a worker
    # killed mid-delivery is covered sooner by the outbox's own claims and the re-send sweep.
    CELERY_BROKER_TRANSPORT_OPTIONS: dict[str, object] = {
        "visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 900)
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    # The filesystem transport needs no server: messages are files under var/broker.
    _broker = VAR_DIR / "broker"
    for _sub in ("out", "processed", "control"):
        (_broker / _sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker / "out"),
        "data_folder_out": str(_broker / "out"),
        "processed_folder": str(_broker / "processed"),
        # Without this, kombu writes a control/ folder into the current directory.
        "control_folder": str(_broker / "control"),
        "store_processed": False,
    }
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "Asia/Shanghai"
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A request that queues work after commit must not hang on a dead broker: give up quickly and
# leave the outbox row to the re-send sweep (core.notify.enqueue_on_commit).
CELERY_BROKER_CONNECTION_TIMEOUT = 2
# Keep Django's LOGGING handlers (with the PII filter and formatter) in the worker and beat;
# config/celery.py masks the handlers Celery adds itself.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.2,
}

# --- Auth ---------------------------------------------------------------------------------
AUTH_USER_MODEL = "core.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # Django's ModelBackend, reading each request's user with its roles in one query. Sessions
    # name their backend: ones signed in through plain ModelBackend sign in again once.
    "core.backends.RolesBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
# core.auth.AccountLockHandler: an account locks after AXES_FAILURE_LIMIT failures from any
# addresses, for LOGIN_COOLOFF_MINUTES doubled with each further lock that day; tries during a
# lock are not counted. An address (a station office behind one NAT) gets a generous cap.
AXES_HANDLER = "core.auth.AccountLockHandler"
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
LOGIN_COOLOFF_MINUTES = env_int("LOGIN_COOLOFF_MINUTES", 15)
LOGIN_FAILURES_PER_ADDRESS = env_int("LOGIN_FAILURES_PER_ADDRESS", 100)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]  # both, each on its own (core.auth)
AXES_LOCKOUT_CALLABLE = "core.auth.lockout_response"
AXES_RESET_ON_SUCCESS = False  # core.auth resets only the account that logged in
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
# The client address is REMOTE_ADDR only; core.middleware.TrustedProxyMiddleware sets it from
# X-Forwarded-For when (and only when) the request came through a TRUSTED_PROXIES address.
AXES_IPWARE_META_PRECEDENCE_ORDER = ("REMOTE_ADDR",)
# A login ends after this long without a request (a shared office PC left signed in) and, in any
# case, this long after signing in (core.middleware.SessionTimeoutMiddleware).
SESSION_IDLE_TIMEOUT = env_int("SESSION_IDLE_HOURS", 8) * 3600
SESSION_ABSOLUTE_TIMEOUT = env_int("SESSION_MAX_HOURS", 12) * 3600
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_TIMEOUT

# --- Internationalisation -----------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- Static and media ---------------------------------------------------------------------
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(VAR_DIR / "staticfiles")))
# WhiteNoise serves from STATIC_ROOT (filled by collectstatic in production) and, in
# development, straight from the app folders; it only needs the folder to exist.
if not PRODUCTION:
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)
WHITENOISE_USE_FINDERS = DEBUG
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
# Uploads and exports go through Django's storage API. Local files by default; with
# S3_BUCKET an S3-compatible object store (django-storages, ``pip install .[s3]``) that several
# web machines and workers share. Credentials come from AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY
# (read by boto3 itself, never by this file).
S3_BUCKET = env_str("S3_BUCKET")
_default_storage: dict[str, object] = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
if S3_BUCKET:
    _default_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": S3_BUCKET,
            "endpoint_url": env_str("S3_ENDPOINT_URL") or None,
            "region_name": env_str("S3_REGION") or None,
            "location": env_str("S3_PREFIX", ""),
            "default_acl": None,
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
STORAGES = {
    "default": _default_storage,
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- Messages, email, SMS -----------------------------------------------------------------
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if PRODUCTION
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
# Seconds; shorter than an outbox claim (core.tasks.CLAIM_STALE_AFTER), so a hanging SMTP server
# fails the attempt instead of letting a second worker take the message over.
EMAIL_TIMEOUT = 20
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "noreply@liaison.local")
# Dotted path of the SMS sender; the default writes a masked line to the log.
SMS_BACKEND = env_str("SMS_BACKEND", "core.sms.LoggingSmsBackend")

# --- Domain settings ----------------------------------------------------------------------
# Secret for hashing ID numbers (HMAC); defaults to SECRET_KEY so a dev install just works.
PII_HASH_KEY = env_str("PII_HASH_KEY", SECRET_KEY)
# Working days a department has to reply, by tier (formal suggestions: about 3 months).
REPLY_DAYS_DEFAULT = env_int("REPLY_DAYS_DEFAULT", 15)
REPLY_DAYS_ONLINE = env_int("REPLY_DAYS_ONLINE", 2)
REPLY_DAYS_SUGGESTION = env_int("REPLY_DAYS_SUGGESTION", 60)
REMIND_DAYS_BEFORE = env_int("REMIND_DAYS_BEFORE", 2)
AUTO_CLOSE_UNRATED_DAYS = env_int("AUTO_CLOSE_UNRATED_DAYS", 15)
PUBLIC_SUBMIT_RATE = env_int("PUBLIC_SUBMIT_RATE", 5)  # submissions per IP per hour
# Reception-duty days the roster's auto-fill plans for each deputy of a station in a year
# ("每位代表参加进站活动不少于4次", seed 000). A scheduling target, not a quota a deputy is judged
# by: that is duty's "八个一" with each region's rules (duty.QuotaRule), where attended duties
# count under "每月接待一次选民群众".
ROSTER_DUTY_DAYS_PER_DEPUTY = env_int("ROSTER_DUTY_DAYS_PER_DEPUTY", 4, minimum=0)
# Ledger exports up to this many rows download at once; larger ones run as a Celery task.
LEDGER_SYNC_MAX_ROWS = env_int("LEDGER_SYNC_MAX_ROWS", 2000, minimum=1)
# Months covered by one progress notice, periods aligned to January (2: Jan–Feb, Mar–Apr, …).
NOTICE_PERIOD_MONTHS = env_int("NOTICE_PERIOD_MONTHS", 2, minimum=1, maximum=12)
# Wrong captcha answers per IP per hour; past it even a right answer waits for the next hour.
PUBLIC_CAPTCHA_FAILURES = env_int("PUBLIC_CAPTCHA_FAILURES", 10)
# Public submissions per station per hour; beyond it they are refused and the staff alerted.
PUBLIC_SUBMIT_STATION_RATE = env_int("PUBLIC_SUBMIT_STATION_RATE", 60)
# A registered formal suggestion (代表建议) must be answered within the statutory limit: 3
# calendar months by default ("months"), or a number of working days ("working_days").
SUGGESTION_LIMIT_UNIT = env_choice("SUGGESTION_LIMIT_UNIT", "months", {"months", "working_days"})
SUGGESTION_LIMIT = env_int("SUGGESTION_LIMIT", 3)
# The limit for handling it again after the deputy was unsatisfied with the reply (same unit).
SUGGESTION_REDO_LIMIT = env_int("SUGGESTION_REDO_LIMIT", 1)

# --- The integration API (api/) -------------------------------------------------------------
# Requests per minute one API key (or one staff session) may make; counters live in the cache
# and fall back to process memory when it is down (core.cache).
API_RATE_PER_MINUTE = env_int("API_RATE_PER_MINUTE", 120, minimum=1)
# Webhook deliveries: attempts before a delivery is dead-lettered, and the first back-off.
WEBHOOK_MAX_ATTEMPTS = env_int("WEBHOOK_MAX_ATTEMPTS", 8, minimum=1)
WEBHOOK_BACKOFF_SECONDS = env_int("WEBHOOK_BACKOFF_SECONDS", 30, minimum=1)
WEBHOOK_TIMEOUT_SECONDS = env_int("WEBHOOK_TIMEOUT_SECONDS", 10, minimum=1)
# The port of the fake external platform (api/fake_platform.py) that `make run` starts beside
# the worker and the demo forwards a case to; 0 leaves it off (and the demo without a platform).
FAKE_PLATFORM_PORT = env_int("FAKE_PLATFORM_PORT", 8765, minimum=0, maximum=65535)
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.auth.ApiKeyAuthentication",
        "api.auth.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["api.permissions.ApiAccess"],
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.KeyRateThrottle"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.IdCursorPagination",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Deputy liaison stations API",
    "DESCRIPTION": "Cases, receptions, stations, deputies and figures for integrations.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI and Redoc from the vendored drf-spectacular-sidecar files: no CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {"CaseStatusEnum": "petitions.choices.Status"},
}

# --- Security -----------------------------------------------------------------------------
# Addresses or networks of the reverse proxies whose X-Forwarded-Proto/-For are believed
# (core.middleware.TrustedProxyMiddleware); nobody else's. Not SECURE_PROXY_SSL_HEADER, which
# believes every client.
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES", ["127.0.0.1", "::1"] if PRODUCTION else [])
SECURE_SSL_REDIRECT = PRODUCTION and env_bool("SECURE_SSL_REDIRECT", True)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# htmx sends the token from the page (hx-headers), so no script needs to read the cookie.
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# No inline script anywhere (tests/core/test_security_headers.py checks every template): all
# JavaScript is a static file. Inline style attributes remain in a few templates. The captcha
# picture is a data: URI.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

# --- Logging ------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"pii": {"()": "core.pii.PiiLogFilter"}},
    "formatters": {
        "plain": {
            "()": "core.pii.PiiFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s %(message)s",
        }
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["pii"], "formatter": "plain"},
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        # Django's default handlers (console when DEBUG, mail_admins) are unmasked: send its
        # records to the root handler instead.
        "django": {"handlers": [], "level": "INFO", "propagate": True},
        "django.server": {"handlers": [], "level": "INFO", "propagate": True},
        "django.db.backends": {"level": "WARNING"},
    },
}
