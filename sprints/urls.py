"""Pages of the sprints app."""

from django.urls import path  # noqa: F401

app_name = "sprints"
urlpatterns: list = []
