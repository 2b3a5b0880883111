"""REST endpoints of the knowledge app, mounted under /api/."""

from django.urls import path

from .search import views as search_views

urlpatterns = [
    path("search/", search_views.search_api, name="api-search"),
    path("search/autocomplete/", search_views.autocomplete_api, name="api-search-autocomplete"),
]
