"""Version 1 of Limber's JSON API, mounted at /api/v1/ (docs/api.md). Each app's viewsets are
registered here."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from clinic.api.tokens.api import ApiTokenViewSet
from patients.plans.api import AssignmentViewSet
from patients.review.api import AdherenceViewSet
from patients.roster.api import PatientViewSet
from patients.sessions.api import PlanViewSet, SessionViewSet, TodayViewSet
from routines.builder.api import RoutineStepViewSet, RoutineViewSet
from routines.library.api import ExerciseViewSet
from routines.progression.api import StepProgressionView

app_name = "api"

router = SimpleRouter()
router.register("exercises", ExerciseViewSet, basename="exercise")
router.register("routines", RoutineViewSet, basename="routine")
router.register(r"routines/(?P<routine_id>[0-9]+)/steps", RoutineStepViewSet, basename="step")
router.register("patients", PatientViewSet, basename="patient")
router.register("assignments", AssignmentViewSet, basename="assignment")
router.register("today", TodayViewSet, basename="today")
router.register("plan", PlanViewSet, basename="plan")
router.register("sessions", SessionViewSet, basename="session")
router.register("adherence", AdherenceViewSet, basename="adherence")
router.register("tokens", ApiTokenViewSet, basename="token")

urlpatterns = [
    *router.urls,
    path(
        "routines/<int:routine_id>/steps/<int:step_id>/progression/",
        StepProgressionView.as_view(),
        name="step-progression",
    ),
]
