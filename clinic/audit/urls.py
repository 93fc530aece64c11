from django.urls import path

from clinic.audit import views

urlpatterns = [
    path("audit/", views.audit_trail, name="audit_trail"),
    path("audit/export.csv", views.audit_trail_csv, name="audit_trail_csv"),
]
