from django.urls import path

from clinic.accounts import views
from clinic.accounts.twofactor import views as two_factor_views

app_name = "team"

urlpatterns = [
    path("", views.staff_list, name="staff_list"),
    path("new/", views.staff_create, name="staff_create"),
    path("two-factor/", two_factor_views.clinic_setting, name="two_factor_setting"),
    path("<int:member_id>/deactivate/", views.staff_deactivate, name="staff_deactivate"),
    path("<int:member_id>/reactivate/", views.staff_reactivate, name="staff_reactivate"),
    path("welcome/<uidb64>/<token>/", views.WelcomeView.as_view(), name="welcome"),
]
