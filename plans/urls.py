"""Pages of the plans app: the plans, the 14-municipality matrix, and one plan per municipality and period."""

from django.urls import path, re_path

from . import views

PLAN = r"^(?P<municipality>[-a-z0-9]+)/(?P<period>[0-9]{4}(?:-[0-9]{4})?)/"

app_name = "plans"
urlpatterns = [
    path("", views.plan_list, name="list"),
    path("matrix/", views.matrix, name="matrix"),
    path("matrix/exchange/", views.propose_exchange, name="propose-exchange"),
    path("<slug:municipality>/", views.municipality_plans, name="municipality"),
    path("<slug:municipality>/new/", views.plan_create, name="create"),
    re_path(PLAN + r"$", views.plan, name="plan"),
    re_path(PLAN + r"v(?P<number>[0-9]+)/$", views.plan_version, name="version"),
    re_path(PLAN + r"pdf/$", views.plan_pdf, name="pdf"),
    re_path(PLAN + r"export\.(?P<fmt>csv|xlsx)$", views.plan_export, name="export"),
    re_path(PLAN + r"settings/$", views.plan_settings, name="settings"),
    re_path(PLAN + r"needs/new/$", views.need_add, name="need-add"),
    re_path(PLAN + r"goals/new/$", views.goal_add, name="goal-add"),
    re_path(PLAN + r"activities/new/$", views.activity_add, name="activity-add"),
    re_path(PLAN + r"activities/(?P<pk>[0-9]+)/status/$", views.activity_status, name="activity-status"),
    re_path(PLAN + r"activities/(?P<pk>[0-9]+)/sprints/$", views.activity_link, name="activity-link"),
    re_path(PLAN + r"submit/$", views.plan_submit, name="submit"),
    re_path(PLAN + r"review/$", views.plan_review, name="review"),
]
