"""Settings come from the environment, with safe defaults, and pass Django's deploy check."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION = {
    "SECRET_KEY": "k8#Jq2!vRz9@Lm4$Tw7^Yp1&Xn6*Bc3(Df5)Gh0_Ks2+Pe8=Ua1-Vo7~Wi4",
    "ALLOWED_HOSTS": "limber.example.com",
    "DATABASE_URL": "postgres://limber@db.example.com:5432/limber",
}


def manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    # The suite's own environment (see pyproject.toml) is left out: this is a fresh start.
    ours = ("DEBUG", "SECRET_KEY", "DATABASE_URL", "SECURE_SSL_REDIRECT", "STATIC_MANIFEST")
    ours += ("MIGRATE_DATABASE_URL", "TRUSTED_PROXY_IPS", "REDIS_URL", "CACHE_KEY_PREFIX")
    ours += ("SIGNED_IN_CACHE",)
    clean = {k: v for k, v in os.environ.items() if k not in ours and not k.startswith("DJANGO_")}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_deploy_check_is_clean_with_production_settings():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr


def test_refuses_to_start_without_secret_key_when_debug_is_off():
    result = manage("check", env={"DATABASE_URL": PRODUCTION["DATABASE_URL"]})
    assert result.returncode != 0
    assert "Set SECRET_KEY" in result.stderr


def test_debug_is_off_unless_set():
    code = "from django.conf import settings; print(settings.DEBUG)"
    assert manage("shell", "--no-imports", "-c", code, env=PRODUCTION).stdout.strip() == "False"
    assert manage("shell", "--no-imports", "-c", code, env={"DEBUG": "1"}).stdout.strip() == "True"


def test_postgres_url_uses_psycopg_with_its_pool_and_default_is_sqlite():
    code = (
        "from django.conf import settings; d = settings.DATABASES['default'];"
        "print(d['ENGINE'], d['NAME'], 'pool' in d.get('OPTIONS', {}), d['CONN_MAX_AGE'])"
    )
    postgres = manage("shell", "--no-imports", "-c", code, env=PRODUCTION).stdout.split()
    assert postgres == ["django.db.backends.postgresql", "limber", "True", "0"]
    sqlite = manage("shell", "--no-imports", "-c", code, env={"DEBUG": "1"}).stdout.split()
    assert sqlite[0] == "django.db.backends.sqlite3"
    assert sqlite[1].endswith("limber.sqlite3")


def test_email_goes_to_the_console_by_default():
    code = "from django.conf import settings; print(settings.EMAIL_BACKEND)"
    out = manage("shell", "--no-imports", "-c", code, env={"DEBUG": "1"}).stdout.strip()
    assert out == "django.core.mail.backends.console.EmailBackend"


def test_migrate_database_url_makes_the_process_run_as_the_owner():
    """The release job has both URLs: it migrates (and grants) as the owner; app servers,
    with DATABASE_URL alone, run as the app role."""
    code = "from django.conf import settings as s; print(s.DATABASES['default']['USER'])"
    owner_url = "postgres://limber_owner@db.example.com:5432/limber"
    release = manage(
        "shell", "--no-imports", "-c", code, env={**PRODUCTION, "MIGRATE_DATABASE_URL": owner_url}
    )
    assert release.stdout.split() == ["limber_owner"], release.stderr
    app = manage("shell", "--no-imports", "-c", code, env=PRODUCTION)
    assert app.stdout.split() == ["limber"], app.stderr


def test_redis_url_makes_the_cache_shared():
    code = "from django.conf import settings as s; print(s.CACHES['default']['BACKEND'])"
    shared = manage(
        "shell", "--no-imports", "-c", code, env={**PRODUCTION, "REDIS_URL": "redis://cache:6379/0"}
    )
    assert shared.stdout.split() == ["clinic.cache.RedisCache"], shared.stderr
    alone = manage("shell", "--no-imports", "-c", code, env=PRODUCTION)
    assert alone.stdout.split() == ["django.core.cache.backends.locmem.LocMemCache"], alone.stderr
