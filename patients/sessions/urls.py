from django.urls import path

from patients.sessions import views

app_name = "patients"

urlpatterns = [
    path("today/", views.today, name="today"),
    path("plan/", views.plan, name="plan"),
    path("history/", views.history, name="history"),
    path("plans/<int:assignment_id>/start/", views.start, name="start"),
    path("sessions/<int:session_id>/", views.session_detail, name="session"),
    path("sessions/<int:session_id>/complete/", views.session_complete, name="session_complete"),
    path("sessions/<int:session_id>/finish/", views.session_finish_view, name="session_finish"),
    path("sessions/<int:session_id>/review/", views.session_review, name="session_review"),
]
