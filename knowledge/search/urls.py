"""The search page (/search/)."""

urlpatterns: list = []
