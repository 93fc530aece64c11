"""Version 1 of Limber's JSON API, mounted at /api/v1/. Each app registers its viewsets here."""

from rest_framework.routers import SimpleRouter

from patients.api import SessionViewSet

app_name = "api"

router = SimpleRouter()
router.register("sessions", SessionViewSet, basename="session")

urlpatterns = router.urls
