"""REST endpoints of the insights app, mounted under /api/."""

from django.urls import path

from .api import SharedSegmentsView

urlpatterns = [
    path("insights/shared-segments/", SharedSegmentsView.as_view(), name="insights-shared-segments"),
]
