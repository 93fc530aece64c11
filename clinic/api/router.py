"""Version 1 of Limber's JSON API, mounted at /api/v1/ (docs/api.md). Each app's viewsets are
registered here."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from clinic.accounts.api import ClinicSettingsView
from clinic.api.tokens.api import ApiTokenViewSet
from clinic.languages.api import MyLanguageView
from patients.outcomes.api import (
    DueViewSet,
    QuestionnaireViewSet,
    ResponseViewSet,
    ScheduleViewSet,
)
from patients.plans.api import AssignmentViewSet
from patients.reminders.api import (
    DeliveryViewSet,
    PushSubscriptionViewSet,
    ReminderSettingsViewSet,
)
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
router.register("reminders", ReminderSettingsViewSet, basename="reminder")
router.register("reminder_deliveries", DeliveryViewSet, basename="reminder-delivery")
router.register("push_subscriptions", PushSubscriptionViewSet, basename="push-subscription")
router.register("questionnaires", QuestionnaireViewSet, basename="questionnaire")
router.register("questionnaire-schedules", ScheduleViewSet, basename="schedule")
router.register("questionnaires-due", DueViewSet, basename="due")
router.register("questionnaire-responses", ResponseViewSet, basename="response")

urlpatterns = [
    *router.urls,
    path("me/language/", MyLanguageView.as_view(), name="my-language"),
    path("clinic/", ClinicSettingsView.as_view(), name="clinic-settings"),
    path(
        "routines/<int:routine_id>/steps/<int:step_id>/progression/",
        StepProgressionView.as_view(),
        name="step-progression",
    ),
]
