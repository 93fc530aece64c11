from django.urls import path

from routines.builder import views

urlpatterns = [
    path("routines/", views.routine_list, name="routine_list"),
    path("routines/new/", views.routine_create, name="routine_create"),
    path("routines/<int:routine_id>/", views.routine_builder, name="builder"),
    path("routines/<int:routine_id>/details/", views.routine_update, name="routine_update"),
    path("routines/<int:routine_id>/search/", views.step_search, name="step_search"),
    path("routines/<int:routine_id>/steps/", views.step_add, name="step_add"),
    path("routines/<int:routine_id>/steps/<int:step_id>/", views.step_update, name="step_update"),
    path("routines/<int:routine_id>/steps/<int:step_id>/move/", views.step_move, name="step_move"),
    path(
        "routines/<int:routine_id>/steps/<int:step_id>/remove/",
        views.step_remove,
        name="step_remove",
    ),
    path("routines/<int:routine_id>/duplicate/", views.routine_duplicate, name="duplicate"),
    path("routines/<int:routine_id>/template/", views.routine_save_as_template, name="template"),
    path("routines/<int:routine_id>/preview/", views.routine_preview, name="preview"),
    path("routines/<int:routine_id>/handout/", views.routine_handout, name="handout"),
]
