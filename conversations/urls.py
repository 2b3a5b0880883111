"""Pages of conversations (under the language prefix): the start page, notifications, comments, watching, e-mail."""

from django.urls import path

from . import views

app_name = "conversations"
urlpatterns = [
    path("min-sida/", views.my_page, name="my-page"),
    path("min-sida/e-post/", views.email_preference, name="email-preference"),
    path("min-sida/bevaka/", views.watch_term, name="watch-term"),
    path("min-sida/kalender/", views.calendar_renew, name="calendar-renew"),
    path("notiser/", views.notifications, name="notifications"),
    path("notiser/las-alla/", views.notifications_read_all, name="notifications-read-all"),
    path("notiser/<int:pk>/", views.notification_open, name="notification-open"),
    path("samtal/<str:kind>/<int:pk>/kommentarer/", views.comment_create, name="comment-create"),
    path("samtal/<str:kind>/<int:pk>/bevaka/", views.watch, name="watch"),
    path("samtal/kommentar/<int:pk>/andra/", views.comment_edit, name="comment-edit"),
    path("samtal/kommentar/<int:pk>/ta-bort/", views.comment_remove, name="comment-remove"),
    path("e-post/avregistrera/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
