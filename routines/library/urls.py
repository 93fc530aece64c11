from django.urls import path

from routines.library import views

urlpatterns = [
    path("library/", views.exercise_list, name="exercise_list"),
    path("library/new/", views.exercise_create, name="exercise_create"),
    path("library/<int:exercise_id>/", views.exercise_detail, name="exercise_detail"),
    path("library/<int:exercise_id>/edit/", views.exercise_update, name="exercise_update"),
]
