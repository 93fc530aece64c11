"""The roster's addresses: the staff's patient pages and accepting an invitation.

They keep the URL namespaces they had before the feature folders ("staff", "account"),
which patients/urls.py gathers from the features that share them.
"""

from django.urls import path

from patients.roster import views

staff_urlpatterns = [
    path("patients/", views.patient_list, name="patient_list"),
    path("patients/new/", views.patient_create, name="patient_create"),
    path("patients/<int:patient_id>/", views.patient_detail, name="patient_detail"),
    path("patients/<int:patient_id>/edit/", views.patient_update, name="patient_update"),
    path("patients/<int:patient_id>/archive/", views.patient_archive, name="patient_archive"),
    path("patients/<int:patient_id>/restore/", views.patient_restore, name="patient_restore"),
    path("patients/<int:patient_id>/invite/", views.patient_invite, name="patient_invite"),
    path("patients/<int:patient_id>/revoke/", views.patient_revoke_access, name="patient_revoke"),
]

account_urlpatterns = [
    path("invite/<str:token>/", views.invite_accept, name="invite_accept"),
]
