from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from patients import export_views

from . import audit_views, views
from .benchmark import views as benchmark_views
from .signin import SignInView

handler400 = "clinic.security_views.bad_request"

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", SignInView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
    path("audit/", audit_views.audit_trail, name="audit_trail"),
    path("audit/export.csv", audit_views.audit_trail_csv, name="audit_trail_csv"),
    path("my-data/export.<str:fmt>", export_views.my_data_export, name="my_data_export"),
    path(
        "records/patients/<int:patient_id>/export.<str:fmt>",
        export_views.patient_record_export,
        name="patient_record_export",
    ),
    path("staff/", include("patients.dashboard_urls")),
    path("api/v1/", include("clinic.api_router")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves Swagger UI's start-up script as a file of its own (no inline
    # script, for the Content-Security-Policy) and the UI itself from the sidecar (no CDN).
    path(
        "api/docs/",
        SpectacularSwaggerSplitView.as_view(url_name="api-schema"),
        name="api-docs",
    ),
    path("", include("routines.urls")),
    path("staff/team/", include("clinic.staff_urls")),
    path("staff/", include("patients.staff_urls")),
    path("", include("patients.account_urls")),
    path("", include("patients.urls")),
    path("", include("patients.outcomes.urls")),
]
# Uploaded pictures in development; production serves them from its storage (DEBUG off: no-op).
urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)


if settings.BENCHMARK_BASELINE:
    # The benchmark's floor (docs/benchmarks.md), only there when BENCHMARK_BASELINE=1.
    urlpatterns.append(path("bench/baseline/", benchmark_views.baseline, name="bench_baseline"))

handler404 = "clinic.api.not_found"
handler500 = "clinic.api.server_error"
