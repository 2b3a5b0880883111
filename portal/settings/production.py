"""Production settings: every secret from the environment, HTTPS only, `check --deploy` clean.

Refuses to start without SECRET_KEY, ALLOWED_HOSTS, DATABASE_URL and PSEUDONYM_KEY: a portal that
holds pseudonymised prospect data must never fall back to a default secret or an embedded database.
"""

import os

from django.core.exceptions import ImproperlyConfigured

from portal.web_processes import local_cache_problem

from .base import *  # noqa: F403
from .base import env

REQUIRED_SECRETS = ("SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "PSEUDONYM_KEY")
_missing = [name for name in REQUIRED_SECRETS if not os.environ.get(name, "").strip()]
if _missing:
    raise ImproperlyConfigured(
        "Production settings need these environment variables: "
        + ", ".join(_missing)
        + " (see README, Configuration)."
    )

DEBUG = False
SECRET_KEY = env.str("SECRET_KEY")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")
PSEUDONYM_KEY = env.str("PSEUDONYM_KEY")
STIGAR_DEMO_ALLOWED = False
STIGAR_REQUIRE_2FA = env.bool("STIGAR_REQUIRE_2FA", default=True)

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[f"https://{host}" for host in ALLOWED_HOSTS])

# Caches shared by every web process and the worker (the dashboard's invalidation must reach all of them): Redis when
# CACHE_URL / PAGE_CACHE_URL are set (two different databases), else files on this machine. The page cache serves
# public knowledge pages to anonymous readers for PAGE_CACHE_SECONDS (portal/pagecache.py).
CACHES = {
    "default": env.cache_url("CACHE_URL", default=f"filecache://{DATA_DIR / 'cache' / 'default'}"),  # noqa: F405
    "pages": env.cache_url("PAGE_CACHE_URL", default=f"filecache://{DATA_DIR / 'cache' / 'pages'}"),  # noqa: F405
}
# Scoring progress, the dashboard's invalidation and the page cache must be one store for every web process
# (portal/web_processes.py). WEB_CONCURRENCY is checked here; gunicorn.conf.py checks the worker count gunicorn really
# starts (`-w N` without WEB_CONCURRENCY), because STIGAR_SHARED_CACHES_REQUIRED says so.
STIGAR_SHARED_CACHES_REQUIRED = True
_problem = local_cache_problem(CACHES, env.int("WEB_CONCURRENCY", default=1), source="WEB_CONCURRENCY")
if _problem:
    raise ImproperlyConfigured(_problem)
PAGE_CACHE_SECONDS = env.int("PAGE_CACHE_SECONDS", default=300)
CACHE_MIDDLEWARE_SECONDS = PAGE_CACHE_SECONDS

EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.smtp.EmailBackend")
# The base configuration, quieter: warnings and errors only.
LOGGING = {**LOGGING, "root": {"handlers": ["console"], "level": "WARNING"}}  # noqa: F405
