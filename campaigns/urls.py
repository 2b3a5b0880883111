"""Pages of campaigns: the two forms of a campaign sprint's panel."""

from django.urls import path

from . import views

app_name = "campaigns"
urlpatterns = [
    path("<slug:municipality>/<int:pk>/targets/", views.targets_set, name="targets"),
    path("<slug:municipality>/<int:pk>/outcomes/", views.outcomes_log, name="outcomes"),
]
