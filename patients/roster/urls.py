from django.urls import path

from . import staff_views as views

app_name = "staff"

urlpatterns = [
    path("patients/", views.patient_list, name="patient_list"),
    path("patients/new/", views.patient_create, name="patient_create"),
    path("patients/<int:patient_id>/", views.patient_detail, name="patient_detail"),
    path("patients/<int:patient_id>/edit/", views.patient_update, name="patient_update"),
    path("patients/<int:patient_id>/archive/", views.patient_archive, name="patient_archive"),
    path("patients/<int:patient_id>/restore/", views.patient_restore, name="patient_restore"),
    path("patients/<int:patient_id>/invite/", views.patient_invite, name="patient_invite"),
    path("patients/<int:patient_id>/revoke/", views.patient_revoke_access, name="patient_revoke"),
    path("patients/<int:patient_id>/assign/", views.assign_to_patient, name="assign_patient"),
    path("routines/<int:routine_id>/assign/", views.assign_routine, name="assign_routine"),
    path(
        "assignments/<int:assignment_id>/schedule/",
        views.assignment_schedule,
        name="assignment_schedule",
    ),
    path("assignments/<int:assignment_id>/pause/", views.assignment_pause, name="assignment_pause"),
    path(
        "assignments/<int:assignment_id>/resume/", views.assignment_resume, name="assignment_resume"
    ),
    path("assignments/<int:assignment_id>/end/", views.assignment_end, name="assignment_end"),
]
