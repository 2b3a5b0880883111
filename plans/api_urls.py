"""REST endpoints of the plans app, mounted under /api/: /api/action-plans/."""

from django.urls import path

from .api import ActionPlanList

urlpatterns = [path("action-plans/", ActionPlanList.as_view(), name="api-action-plans")]
