"""Pages of the insights app."""

from django.urls import path

from . import views

app_name = "insights"
urlpatterns = [
    path("", views.home, name="home"),
    path("upload/", views.upload, name="upload"),
    path("imports/<int:pk>/", views.batch, name="batch"),
    path("imports/<int:pk>/status.json", views.batch_status, name="batch-status"),
    path("imports/<int:pk>/errors.csv", views.batch_errors_csv, name="batch-errors-csv"),
    path("upload/template.<str:fmt>", views.upload_template, name="upload-template"),
    path("imports/<int:pk>/retry/", views.batch_retry, name="batch-retry"),
    path("imports/<int:pk>/erase/", views.batch_erase, name="batch-erase"),
    path("imports/<int:pk>/cancel/", views.batch_cancel, name="batch-cancel"),
    path("score/", views.score, name="score"),
    path("score/status.json", views.score_status, name="score-status"),
    path("erase/", views.erase, name="erase"),
    path("model/", views.model_report, name="model"),
    path("segments/", views.segments, name="segments"),
    path("segments/pin/", views.segment_pin, name="segment-pin"),
    path("shared/", views.shared, name="shared"),
    path("history/", views.history, name="history"),
    path("history/data/<slug:chart>.<str:fmt>", views.history_data, name="history-data"),
    path("shared/history/", views.shared_history, name="shared-history"),
    path("shared/history/data/<slug:chart>.<str:fmt>", views.shared_history_data, name="shared-history-data"),
]
