from django.urls import path

from . import account_views as views

app_name = "account"

urlpatterns = [
    path("invite/<str:token>/", views.invite_accept, name="invite_accept"),
    path("plan/<int:assignment_id>/seen/", views.plan_change_seen, name="plan_change_seen"),
]
