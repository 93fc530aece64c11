from django.urls import path

from patients.review import views as dashboard_views

app_name = "dashboard"

urlpatterns = [
    path("", dashboard_views.dashboard, name="home"),
    path("dashboard.csv", dashboard_views.dashboard_export, name="export"),
    path("patients/<int:patient_id>/reviewed/", dashboard_views.review, name="review"),
    path("patients/<int:patient_id>/progress/", dashboard_views.progress, name="progress"),
    path(
        "patients/<int:patient_id>/sessions.csv",
        dashboard_views.progress_export,
        name="progress_export",
    ),
]
