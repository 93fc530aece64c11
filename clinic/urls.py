from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import path

from . import views
from .benchmark import views as benchmark_views

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
]

if settings.BENCHMARK_BASELINE:
    # The benchmark's floor (docs/benchmarks.md), only there when BENCHMARK_BASELINE=1.
    urlpatterns.append(path("bench/baseline/", benchmark_views.baseline, name="bench_baseline"))
