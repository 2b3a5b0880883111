"""The search API, mounted under /api/ (DRF views, documented in /api/schema/)."""

from django.urls import path

from . import api

urlpatterns = [
    path("search/", api.SearchAPIView.as_view(), name="api-search"),
    path("search/autocomplete/", api.AutocompleteAPIView.as_view(), name="api-search-autocomplete"),
]
