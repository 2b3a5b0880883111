"""Pages of the knowledge app."""

from django.urls import path  # noqa: F401

app_name = "knowledge"
urlpatterns: list = []
