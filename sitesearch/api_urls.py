"""The search API, mounted under /api/."""

from django.urls import path

from . import views

urlpatterns = [
    path("search/", views.search_api, name="api-search"),
    path("search/autocomplete/", views.autocomplete_api, name="api-search-autocomplete"),
]
