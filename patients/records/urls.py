from django.urls import path

from patients.records import views

urlpatterns = [
    path("my-data/export.<str:fmt>", views.my_data_export, name="my_data_export"),
    path(
        "records/patients/<int:patient_id>/export.<str:fmt>",
        views.patient_record_export,
        name="patient_record_export",
    ),
]
