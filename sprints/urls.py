"""Pages of the sprints app: the overview of all 14 (the navigation entry), boards, sprint pages and their forms."""

from django.urls import path, re_path

from . import views

app_name = "sprints"
urlpatterns = [
    path("", views.overview, name="overview"),
    re_path(r"^export\.(?P<fmt>csv|xlsx)$", views.export, name="export"),
    path("<slug:municipality>/", views.board, name="board"),
    path("<slug:municipality>/new/", views.sprint_create, name="create"),
    path("<slug:municipality>/limits/", views.board_limits, name="board_limits"),
    path("<slug:municipality>/<int:pk>/", views.sprint_detail, name="detail"),
    path("<slug:municipality>/<int:pk>/edit/", views.sprint_edit, name="edit"),
    path("<slug:municipality>/<int:pk>/move/", views.sprint_move, name="move"),
    path("<slug:municipality>/<int:pk>/cards/", views.card_create, name="card_create"),
    path("<slug:municipality>/<int:pk>/cards/<int:card>/move/", views.card_move, name="card_move"),
    path("<slug:municipality>/<int:pk>/archive/", views.sprint_archive, name="archive"),
    path("<slug:municipality>/<int:pk>/cards/<int:card>/edit/", views.card_edit, name="card_edit"),
    path("<slug:municipality>/<int:pk>/cards/<int:card>/remove/", views.card_remove, name="card_remove"),
    path("<slug:municipality>/<int:pk>/results/", views.result_log, name="result_log"),
    path("<slug:municipality>/<int:pk>/results/<int:result>/edit/", views.result_edit, name="result_edit"),
    path(
        "<slug:municipality>/<int:pk>/results/<int:result>/remove/", views.result_remove, name="result_remove"
    ),
    path(
        "<slug:municipality>/<int:pk>/results/<int:result>/attachments/",
        views.attachment_add,
        name="attachment_add",
    ),
    path(
        "<slug:municipality>/<int:pk>/attachments/<int:attachment>/",
        views.attachment_download,
        name="attachment",
    ),
    path(
        "<slug:municipality>/<int:pk>/attachments/<int:attachment>/remove/",
        views.attachment_remove,
        name="attachment_remove",
    ),
    path("<slug:municipality>/<int:pk>/retrospective/", views.retrospective, name="retrospective"),
]
