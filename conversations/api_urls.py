"""REST endpoints of conversations, mounted under /api/ (before the sprints router, which owns /api/sprints/<id>/)."""

from django.urls import path

from .api import MentionsView, NotificationReadView, NotificationsView, SprintCommentsView

urlpatterns = [
    path("sprints/<int:sprint_id>/comments/", SprintCommentsView.as_view(), name="api-sprint-comments"),
    path("notifications/", NotificationsView.as_view(), name="api-notifications"),
    path(
        "notifications/<int:notification_id>/read/",
        NotificationReadView.as_view(),
        name="api-notification-read",
    ),
    path("people/mentions/", MentionsView.as_view(), name="api-people-mentions"),
]
