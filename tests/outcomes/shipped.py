"""The shipped questionnaires for transactional tests: they flush the tables, and with them
the rows the data migration installed, so tests that need them put them back."""

import importlib

from django.apps import apps

from patients.outcomes.models import Questionnaire


def install_shipped_questionnaires() -> None:
    """Idempotent: installs the Numeric Pain Rating Scale and the PSFS when missing."""
    if Questionnaire.objects.filter(clinic=None, code__in=["nprs", "psfs"]).count() == 2:
        return
    Questionnaire.objects.filter(clinic=None, code__in=["nprs", "psfs"]).delete()
    for name in ("0002_shipped_questionnaires", "0004_shipped_questionnaires_french"):
        migration = importlib.import_module(f"patients.outcomes.migrations.{name}")
        migration.forward(apps, None)


def shipped(code: str) -> Questionnaire:
    install_shipped_questionnaires()
    return Questionnaire.objects.get(clinic=None, code=code)
