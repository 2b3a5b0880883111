"""REST endpoints of the sprints app, mounted under /api/: /api/sprints/, /api/sprints/<id>/, /api/sprints/<id>/results/."""

from rest_framework.routers import SimpleRouter

from .api import SprintViewSet

# SimpleRouter: no API root view, because /api/ is shared with the other apps' endpoints.
router = SimpleRouter()
router.register("sprints", SprintViewSet, basename="api-sprint")

urlpatterns = router.urls
