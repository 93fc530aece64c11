from django.urls import path

from . import views

urlpatterns = [
    path("language/", views.language_switch, name="language_switch"),
    path("jsi18n/<str:language>.js", views.javascript_catalog, name="javascript_catalog"),
]
