"""Pages of the knowledge app that are views, not Wagtail pages: the index entry, feeds, reviews, digest, agenda, PDF."""

from django.urls import path

from . import views
from .feeds import LessonAtomFeed, LessonFeed

app_name = "knowledge"
# These paths sit under the index's own address; their first segments are reserved (models.RESERVED_SLUGS).
urlpatterns = [
    path("kunskap/", views.index, name="index"),
    path("kunskap/flode/rss/", LessonFeed(), name="feed-rss"),
    path("kunskap/flode/atom/", LessonAtomFeed(), name="feed-atom"),
    path("kunskap/mina-granskningar/", views.my_reviews, name="my-reviews"),
    path("kunskap/sammanfattning/", views.digest, name="digest"),
    path("kunskap/sammanfattning/<int:year>/<int:month>/", views.digest, name="digest-month"),
    path("kunskap/dagordning/", views.agenda, name="agenda"),
    path("kunskap/fran-sprint/<int:sprint_id>/", views.promote_sprint, name="promote-sprint"),
    path("kunskap/utkast/<int:page_id>/", views.lesson_draft, name="draft"),
    path("kunskap/pdf/<int:page_id>/", views.page_pdf, name="pdf"),
    path("kunskap/moten.ics", views.meetings_ics, name="meetings-ics"),
    path("kunskap/moten/<int:page_id>.ics", views.meeting_ics, name="meeting-ics"),
]
