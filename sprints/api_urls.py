"""REST endpoints of the sprints app, mounted under /api/."""

from django.urls import path  # noqa: F401

urlpatterns: list = []
