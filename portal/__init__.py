"""The Stigar Django project: settings, URLs, health check, home page and accounts."""

from .celery import app as celery_app

__all__ = ("celery_app",)
