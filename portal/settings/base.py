"""Settings shared by every environment, read from one environment object (django-environ).

Every external resource has an embedded default under STIGAR_DATA_DIR so that a fresh machine
works with no server set up; each can be switched to a server by an environment variable.
"""

from pathlib import Path

import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from portal.client_ip import parse_trusted_proxies

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()

DATA_DIR = Path(env.str("STIGAR_DATA_DIR", default=str(BASE_DIR / "var"))).resolve()

DEBUG = env.bool("DJANGO_DEBUG", default=False)
SECRET_KEY = env.str("SECRET_KEY", default="")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])

INSTALLED_APPS = [
    # Stigar's own apps; themes is the shared taxonomy every other app builds on.
    "themes",
    "sprints",
    "knowledge",
    "insights",
    "plans",
    "conversations",
    "campaigns",
    "dashboard",
    "sitesearch",
    "portal",
    # Wagtail
    "wagtail.contrib.settings",
    "wagtail.contrib.routable_page",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.search_promotions",
    "wagtail.embeds",
    "wagtail.sites",
    # Wagtail's users app with Stigar's people screens (role, municipality, invitations, second factor).
    "portal.accounts.apps.PeopleAdminConfig",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail.api.v2",
    "wagtail",
    "modelcluster",
    "taggit",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "csp",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before sessions, locale and CSRF, so that a cached page skips them; it stores only pages marked public.
    "portal.pagecache.PageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # After the locale, so that its refusal is in the reader's language (portal/null_characters.py).
    "portal.null_characters.NullCharacterMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    # Coordinators and analysts pass the second factor before anything else (STIGAR_REQUIRE_2FA).
    "portal.accounts.middleware.SecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Content-Security-Policy on every response (portal/content_security_policy.py): strict for the portal, looser under /admin/.
    "portal.content_security_policy.PortalCSPMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # Last, so that it sees the authenticated user and the final response (login rate limiting).
    "axes.middleware.AxesMiddleware",
]

# The portal's pages: scripts, styles, images and fonts from the portal's own origin only, no inline script, no
# plugin, no framing. A stored payload that slipped past the rich-text whitelist still would not run.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "frame-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
# The Wagtail admin writes inline scripts and style attributes and previews pages in a same-origin frame; it gets
# those, still nothing from another origin (avatars are off: WAGTAIL_GRAVATAR_PROVIDER_URL = None).
STIGAR_ADMIN_CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'", "'unsafe-inline'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", "blob:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "frame-src": ["'self'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'self'"],
    }
}

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

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
                "django.template.context_processors.i18n",
                "portal.context_processors.portal",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
# --- Caches: the default cache (dashboard figures, vocabulary) and the page cache (portal/pagecache.py) -----
# The page cache is cleared as a whole on every content change, so it needs a cache of its own: a directory, or a
# Redis database that nothing else uses. It serves anonymous readers of public knowledge pages; 0 turns it off
# (the default outside production, so that an editor sees a change at once).
PAGE_CACHE_SECONDS = env.int("PAGE_CACHE_SECONDS", default=0)
CACHES = {
    "default": env.cache_url("CACHE_URL", default="locmemcache://default"),
    "pages": env.cache_url("PAGE_CACHE_URL", default=f"filecache://{DATA_DIR / 'cache' / 'pages'}"),
}
CACHE_MIDDLEWARE_ALIAS = "pages"
CACHE_MIDDLEWARE_SECONDS = PAGE_CACHE_SECONDS
CACHE_MIDDLEWARE_KEY_PREFIX = "stigar"

# SQLite in STIGAR_DATA_DIR unless DATABASE_URL names a server (PostgreSQL in production).
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{DATA_DIR / 'stigar.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web process read while the worker writes; a busy timeout instead of "database is locked".
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        }
    )
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# Every app takes its primary keys from here (no app sets its own default_auto_field).
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Authentication -------------------------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    # Axes first: it refuses a locked-out client before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Single sign-on through the municipality's identity provider (OpenID Connect, mozilla-django-oidc): on when
# OIDC_RP_CLIENT_ID is set. A first sign-in makes an account without a role; a coordinator gives it one.
OIDC_RP_CLIENT_ID = env.str("OIDC_RP_CLIENT_ID", default="")
OIDC_RP_CLIENT_SECRET = env.str("OIDC_RP_CLIENT_SECRET", default="")
OIDC_OP_AUTHORIZATION_ENDPOINT = env.str("OIDC_OP_AUTHORIZATION_ENDPOINT", default="")
OIDC_OP_TOKEN_ENDPOINT = env.str("OIDC_OP_TOKEN_ENDPOINT", default="")
OIDC_OP_USER_ENDPOINT = env.str("OIDC_OP_USER_ENDPOINT", default="")
OIDC_OP_JWKS_ENDPOINT = env.str("OIDC_OP_JWKS_ENDPOINT", default="")
OIDC_RP_SIGN_ALGO = env.str("OIDC_RP_SIGN_ALGO", default="RS256")
OIDC_RP_SCOPES = env.str("OIDC_RP_SCOPES", default="openid email profile")
OIDC_USE_PKCE = True
OIDC_CREATE_USER = True
STIGAR_OIDC_MUNICIPALITY_CLAIM = env.str("STIGAR_OIDC_MUNICIPALITY_CLAIM", default="municipality")
STIGAR_SSO_LABEL = env.str("STIGAR_SSO_LABEL", default="")
STIGAR_SSO_ENABLED = bool(OIDC_RP_CLIENT_ID)
if STIGAR_SSO_ENABLED:
    AUTHENTICATION_BACKENDS.append("portal.accounts.sso.StigarOIDCBackend")
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "conversations:my-page"  # the signed-in start page, /min-sida/
LOGOUT_REDIRECT_URL = "home"
# Login rate limiting: five failures per username and address lock that pair for 15 minutes.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# A failed try during the lockout does not start the 15 minutes again: otherwise an attacker who tries once every
# few minutes keeps a named account locked for ever (#17). The lockout ends AXES_COOLOFF_TIME after it began.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
# Behind reverse proxies every request comes from the proxy: the addresses (or CIDR blocks) of the proxies whose
# X-Forwarded-For may be believed, comma-separated. Empty (the default): REMOTE_ADDR is the client (portal/client_ip.py).
STIGAR_TRUSTED_PROXIES = env.list("STIGAR_TRUSTED_PROXIES", default=[])
try:
    parse_trusted_proxies(STIGAR_TRUSTED_PROXIES)
except ValueError as _error:
    raise ImproperlyConfigured(str(_error)) from _error
AXES_CLIENT_IP_CALLABLE = "portal.client_ip.client_ip"
# Coordinators and analysts must pass a second factor (TOTP or a recovery code) before they reach the admin, /insights/
# or the session-authenticated API. Off in dev so that the demo users keep working; on in production.
STIGAR_REQUIRE_2FA = env.bool("STIGAR_REQUIRE_2FA", default=False)
OTP_TOTP_ISSUER = "Stigar"
STIGAR_RECOVERY_CODES = 10
# How long an invitation link works.
STIGAR_INVITATION_DAYS = env.int("STIGAR_INVITATION_DAYS", default=7)
PASSWORD_RESET_TIMEOUT = env.int("PASSWORD_RESET_TIMEOUT", default=3 * 24 * 3600)

# --- Internationalisation: Swedish first, English at /en/ -----------------------------------
LANGUAGE_CODE = "sv"
LANGUAGES = [("sv", _("Swedish")), ("en", _("English"))]
TIME_ZONE = "Europe/Stockholm"
USE_I18N = True
USE_TZ = True
WAGTAIL_I18N_ENABLED = False
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES

# --- Static and media -----------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise expects it even before collectstatic
MEDIA_ROOT = DATA_DIR / "media"
MEDIA_URL = "/media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000
FILE_UPLOAD_PERMISSIONS = 0o640

# --- Wagtail ----------------------------------------------------------------------------------
WAGTAIL_SITE_NAME = "Stigar"
# No avatars from gravatar.com: the admin loads nothing from another origin (see STIGAR_ADMIN_CONTENT_SECURITY_POLICY).
WAGTAIL_GRAVATAR_PROVIDER_URL = None
WAGTAILADMIN_BASE_URL = env.str("WAGTAILADMIN_BASE_URL", default="http://127.0.0.1:8000")
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "odt", "pdf", "pptx", "txt", "xlsx", "png", "jpg"]
WAGTAILDOCS_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
WAGTAILAPI_BASE_URL = WAGTAILADMIN_BASE_URL

# --- Search: Whoosh in STIGAR_DATA_DIR by default; modelsearch's own backends for scale-out ----
SEARCH_BACKEND = env.str("SEARCH_BACKEND", default="whoosh")
SEARCH_URL = env.str("SEARCH_URL", default="")


def search_backends(name: str, *, data_dir: Path, url: str) -> dict[str, dict[str, object]]:
    """The WAGTAILSEARCH_BACKENDS entry for a SEARCH_BACKEND name (see INTERFACES.md)."""
    if name == "whoosh":
        default: dict[str, object] = {
            "BACKEND": "knowledge.search.backend",
            "PATH": str(data_dir / "search"),
            "SYNONYMS": "sitesearch.selectors.search_synonyms",
        }
    elif name == "database":
        default = {"BACKEND": "modelsearch.backends.database"}
    elif name in ("opensearch", "elasticsearch"):
        if not url:
            raise ValueError(f"SEARCH_BACKEND={name} needs SEARCH_URL")
        backend = (
            "modelsearch.backends.opensearch2"
            if name == "opensearch"
            else "modelsearch.backends.elasticsearch8"
        )
        default = {"BACKEND": backend, "URLS": [url], "INDEX_PREFIX": "stigar_", "TIMEOUT": 10}
    else:
        raise ValueError(
            f"Unknown SEARCH_BACKEND {name!r}: use whoosh, database, opensearch or elasticsearch"
        )
    return {"default": default}


WAGTAILSEARCH_BACKENDS = search_backends(SEARCH_BACKEND, data_dir=DATA_DIR, url=SEARCH_URL)

# --- Celery: filesystem broker in STIGAR_DATA_DIR by default, Redis in production -------------
BROKER_DIR = DATA_DIR / "broker"
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="filesystem://")
if CELERY_BROKER_URL.startswith("filesystem://"):
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(BROKER_DIR / "queue"),
        "data_folder_out": str(BROKER_DIR / "queue"),
        "processed_folder": str(BROKER_DIR / "processed"),
        "store_processed": False,
    }
    for _folder in ("queue", "processed"):
        (BROKER_DIR / _folder).mkdir(parents=True, exist_ok=True)
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default=f"file://{DATA_DIR / 'results'}")
if CELERY_RESULT_BACKEND.startswith("file://"):
    Path(CELERY_RESULT_BACKEND.removeprefix("file://")).mkdir(parents=True, exist_ok=True)
CELERY_RESULT_EXTENDED = True
CELERY_TASK_TRACK_STARTED = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
# Jobs that survive a dead worker (insights/services.py): an import's worker renews the batch's lease every
# IMPORT_HEARTBEAT_SECONDS; a running batch without a renewal for IMPORT_LEASE_SECONDS is marked failed and
# retryable (its file is kept IMPORT_RETRY_HOURS for that). /healthz reports a batch queued or running for longer
# than IMPORT_STUCK_SECONDS as degraded. A scoring run's lock not renewed for SCORING_LOCK_SECONDS is taken over.
IMPORT_HEARTBEAT_SECONDS = env.float("IMPORT_HEARTBEAT_SECONDS", default=10.0)
IMPORT_LEASE_SECONDS = env.int("IMPORT_LEASE_SECONDS", default=300)
IMPORT_RETRY_HOURS = env.int("IMPORT_RETRY_HOURS", default=24)
IMPORT_STUCK_SECONDS = env.int("IMPORT_STUCK_SECONDS", default=1800)
SCORING_LOCK_SECONDS = env.int("SCORING_LOCK_SECONDS", default=900)
CELERY_BEAT_SCHEDULE_FILENAME = str(DATA_DIR / "celerybeat-schedule")
CELERY_BEAT_SCHEDULE: dict[str, dict[str, object]] = {
    "worker-heartbeat": {"task": "portal.tasks.worker_heartbeat", "schedule": 60.0},
    "knowledge-review-reminders": {
        "task": "knowledge.tasks.send_review_reminders",
        "schedule": 7 * 24 * 60 * 60.0,  # weekly; the task mails each owner at most once per ISO week
    },
    "insights-prospect-retention": {"task": "insights.tasks.prospects_expire_task", "schedule": 6 * 3600.0},
    "insights-import-leases": {"task": "insights.tasks.import_batches_reap_task", "schedule": 60.0},
    "sitesearch-query-log-retention": {
        "task": "sitesearch.tasks.query_log_expire_task",
        "schedule": 24 * 3600.0,
    },
    "conversations-immediate-mail": {
        # A safety net: each fan-out queues the task at once; this picks up what a broker hiccup left behind.
        "task": "conversations.tasks.send_immediate_notifications",
        "schedule": 60.0,
    },
    "conversations-daily-summaries": {
        "task": "conversations.tasks.send_daily_summaries",
        "schedule": crontab(minute=0, hour=6),
    },
    "conversations-due-dates": {
        "task": "conversations.tasks.notify_due_dates",
        "schedule": crontab(minute=30, hour=5),
    },
    "knowledge-monthly-digest": {
        "task": "knowledge.tasks.send_last_months_digest",
        "schedule": crontab(minute=0, hour=7, day_of_month=1),
    },
}

# --- REST API ---------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
        # Personal API tokens (named, revocable; created on the profile page): Authorization: Bearer wagtail_…
        "portal.accounts.authentication.APITokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Stigar API",
    "DESCRIPTION": "Sprints, search and shared segment aggregates of the NSGD attraction work.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "PREPROCESSING_HOOKS": ["portal.schema.only_stigar_api"],
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "portal.schema.query_parameters_may_be_refused",
    ],
    # Request bodies get components of their own (SprintRequest, …) so that what is asked of a caller is exact:
    # `minLength: 1` on every text a request may not leave blank, no read-only fields. Responses keep the plain names.
    "COMPONENT_SPLIT_REQUEST": True,
}

# --- Insights ---------------------------------------------------------------------------------
PSEUDONYM_KEY = env.str("PSEUDONYM_KEY", default="")
PROSPECT_RETENTION_DAYS = env.int("PROSPECT_RETENTION_DAYS", default=730)
# The anonymous search query log (sitesearch.SearchQueryDay) is deleted after this many days: a typed query may
# still name a person, so it is kept only as long as the analytics need it.
SEARCH_LOG_RETENTION_DAYS = env.int("SEARCH_LOG_RETENTION_DAYS", default=365)
SUPPRESSION_THRESHOLD = 10

# --- E-mail and logging -------------------------------------------------------------------------
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Stigar <noreply@stigar.local>")
EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "INFO"},
    # django-tasks logs every Wagtail index/reference update it runs ("Task id=… state=RUNNING") at INFO.
    "loggers": {"axes": {"level": "WARNING"}, "django_tasks": {"level": "WARNING"}},
}
