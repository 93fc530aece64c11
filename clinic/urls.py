"""The project's URL map, and the front door that sends each role where it belongs.

This is wiring: it may import every app (patients, routines, clinic). The features' own
urls.py files live in their folders (docs/architecture.md).
"""

from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import include, path
from django.views.decorators.http import require_safe
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

import patients.urls
from clinic import pwa
from clinic.access import staff_member
from clinic.accounts import password_reset
from clinic.accounts.signin import SignInView, keep_alive
from clinic.benchmark import views as benchmark_views
from patients.access import patient_of_user
from routines.media import views as media_views

handler400 = "clinic.security_views.bad_request"


@login_required
@require_safe
def home(request: HttpRequest) -> HttpResponse:
    """Send each role where it belongs: staff to their workspace, patients to their plan."""
    if request.user.is_superuser or staff_member(request.user) is not None:
        return redirect("dashboard:home" if staff_member(request.user) else "admin:index")
    patient = patient_of_user(request.user)
    if patient is None:
        return render(request, "clinic/no_role.html", status=403)
    return redirect("patients:today")


urlpatterns = [
    path("", home, name="home"),
    path("login/", SignInView.as_view(), name="login"),
    path("logout/", pwa.clears_cache_on_sign_out(auth_views.LogoutView.as_view()), name="logout"),
    # The installable app (clinic/pwa.py): at the root, where browsers look for them.
    path("sw.js", pwa.service_worker, name="service_worker"),
    path("manifest.webmanifest", pwa.manifest, name="manifest"),
    path("favicon.ico", pwa.favicon, name="favicon"),
    path("keep-alive/", keep_alive, name="keep_alive"),
    path("", include("clinic.languages.urls")),
    path("two-factor/", include("clinic.accounts.twofactor.urls")),
    path("password-reset/", password_reset.PasswordResetView.as_view(), name="password_reset"),
    path(
        "password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(
            template_name="registration/password_reset_done.html"
        ),
        name="password_reset_done",
    ),
    path(
        "password-reset/<uidb64>/<token>/",
        password_reset.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password-reset/done/",
        auth_views.PasswordResetCompleteView.as_view(
            template_name="registration/password_reset_complete.html"
        ),
        name="password_reset_complete",
    ),
    path("admin/", admin.site.urls),
    path("", include("clinic.audit.urls")),
    path("", include("patients.records.urls")),
    path("staff/", include("patients.review.urls")),
    path("api/v1/", include("clinic.api.router")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves Swagger UI's start-up script as a file of its own (no inline
    # script, for the Content-Security-Policy) and the UI itself from the sidecar (no CDN).
    path(
        "api/docs/",
        SpectacularSwaggerSplitView.as_view(url_name="api-schema"),
        name="api-docs",
    ),
    # Exercise pictures and videos, for those allowed to see them (never served by path).
    path("media/<path:name>", media_views.media_file, name="media_file"),
    path("", include("patients.reminders.urls")),
    path("", include("routines.urls")),
    path("staff/team/", include("clinic.accounts.urls")),
    path("staff/", include(patients.urls.staff)),
    path("", include(patients.urls.account)),
    path("", include("patients.sessions.urls")),
    path("", include("patients.outcomes.urls")),
]


if settings.BENCHMARK_BASELINE:
    # The benchmark's floors (docs/benchmarks.md), only there when BENCHMARK_BASELINE=1.
    urlpatterns += [
        path("bench/hello/", benchmark_views.hello, name="bench_hello"),
        path("bench/baseline/", benchmark_views.baseline, name="bench_baseline"),
    ]

handler404 = "clinic.api.errors.not_found"
handler500 = "clinic.api.errors.server_error"
