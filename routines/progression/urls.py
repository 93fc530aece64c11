from django.urls import path

from routines.progression import views

urlpatterns = [
    path(
        "routines/<int:routine_id>/steps/<int:step_id>/progression/",
        views.step_progression,
        name="step_progression",
    ),
]
