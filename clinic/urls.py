from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
    path("staff/", include("patients.dashboard_urls")),
    path("api/v1/", include("clinic.api_router")),
    path("", include("routines.urls")),
    path("staff/team/", include("clinic.staff_urls")),
    path("staff/", include("patients.staff_urls")),
    path("", include("patients.account_urls")),
    path("", include("patients.urls")),
]
# Uploaded pictures in development; production serves them from its storage (DEBUG off: no-op).
urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
