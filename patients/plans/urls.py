"""The plans' addresses: assigning and scheduling (staff), and dismissing a "plan changed"
notice (the patient), in the "staff" and "account" namespaces gathered by patients/urls.py."""

from django.urls import path

from patients.plans import views

staff_urlpatterns = [
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

account_urlpatterns = [
    path("plan/<int:assignment_id>/seen/", views.plan_change_seen, name="plan_change_seen"),
]
