"""Test settings: fast and deterministic (in-memory SQLite unless DATABASE_URL is set, quick hashing, no lockouts)."""

import tempfile
from pathlib import Path

from .base import *  # noqa: F403
from .base import env, search_backends

DEBUG = False
SECRET_KEY = "test-only-secret-key-not-used-anywhere-else-0123456789"  # noqa: S105
PSEUDONYM_KEY = "test-only-pseudonym-key"
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
STIGAR_DEMO_ALLOWED = True
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
AXES_ENABLED = False
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "default"},
    "pages": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "pages"},
}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Every test process gets its own data directory; tests that need a clean index make their own.
DATA_DIR = Path(env.str("STIGAR_DATA_DIR", default="") or tempfile.mkdtemp(prefix="stigar-test-"))
MEDIA_ROOT = DATA_DIR / "media"
WAGTAILSEARCH_BACKENDS = search_backends(
    env.str("SEARCH_BACKEND", default="whoosh"), data_dir=DATA_DIR, url=""
)

# Unit tests call services directly; nothing pretends to be a worker. Messages queued by
# on_commit go to an in-memory broker; the worker integration test configures Redis itself.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="memory://")
CELERY_BROKER_TRANSPORT_OPTIONS = {}
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default="cache+memory://")
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
LOGGING = {"version": 1, "disable_existing_loggers": False}
