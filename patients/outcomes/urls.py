from django.urls import path

from . import views

app_name = "outcomes"

urlpatterns = [
    # The patient's.
    path("questionnaires/<int:schedule_id>/", views.answer, name="answer"),
    path("questionnaires/later/", views.postpone, name="postpone"),
    path("my-results/", views.results, name="results"),
    # The staff's.
    path("staff/questionnaires/", views.questionnaire_list, name="questionnaire_list"),
    path(
        "staff/questionnaires/import/",
        views.questionnaire_import_view,
        name="questionnaire_import",
    ),
    path(
        "staff/questionnaires/<int:questionnaire_id>/",
        views.questionnaire_detail,
        name="questionnaire_detail",
    ),
    path(
        "staff/questionnaires/<int:questionnaire_id>/fhir.json",
        views.questionnaire_fhir,
        name="questionnaire_fhir",
    ),
    path(
        "staff/plans/<int:assignment_id>/questionnaires/",
        views.plan_questionnaires,
        name="plan_questionnaires",
    ),
    path(
        "staff/questionnaire-schedules/<int:schedule_id>/remove/",
        views.schedule_remove,
        name="schedule_remove",
    ),
    path("staff/patients/<int:patient_id>/scores.csv", views.scores_export, name="scores_export"),
    path(
        "staff/patients/<int:patient_id>/outcomes.fhir.json",
        views.patient_fhir,
        name="patient_fhir",
    ),
]
