"""Dashboard pages."""

app_name = "dashboard"
urlpatterns: list = []
