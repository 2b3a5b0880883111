"""Dashboard pages: the programme at /dashboard/, one page per municipality, chart data downloads and PDF exports."""

from django.urls import path

from . import views

app_name = "dashboard"
urlpatterns = [
    path("", views.programme, name="programme"),
    path("pdf/", views.programme_pdf, name="programme-pdf"),
    path("data/<slug:chart>.<str:fmt>", views.programme_data, name="programme-data"),
    path("<slug:slug>/", views.municipality, name="municipality"),
    path("<slug:slug>/pdf/", views.municipality_pdf, name="municipality-pdf"),
    path("<slug:slug>/data/<slug:chart>.<str:fmt>", views.municipality_data, name="municipality-data"),
]
