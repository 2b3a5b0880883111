"""Development settings: the embedded defaults (SQLite in WAL mode, Whoosh, filesystem broker) under STIGAR_DATA_DIR."""

import secrets
from pathlib import Path

from .base import *  # noqa: F403
from .base import DATA_DIR, PSEUDONYM_KEY, SECRET_KEY, env


def _secret_in_data_dir(name: str) -> str:
    """A random secret generated once into STIGAR_DATA_DIR, so dev never relies on a fixed value in the repo."""
    path = Path(DATA_DIR) / name
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip()


DEBUG = env.bool("DJANGO_DEBUG", default=True)
SECRET_KEY = SECRET_KEY or _secret_in_data_dir("dev-secret-key")
PSEUDONYM_KEY = PSEUDONYM_KEY or _secret_in_data_dir("pseudonym-key")
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]"]
STIGAR_DEMO_ALLOWED = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
