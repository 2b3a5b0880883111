"""The personal meeting calendar: a machine endpoint, without a language prefix."""

from django.urls import path

from . import views

urlpatterns = [
    path("kalender/<str:token>.ics", views.calendar, name="conversations-calendar"),
]
