"""The built-in library for browser tests: transactional tests flush the tables, and with
them the rows the data migration installed, so each browser test puts them back."""

import importlib

from django.apps import apps


def install_builtin_library() -> None:
    migration = importlib.import_module("routines.migrations.0002_builtin_library")
    migration.create_library(apps, None)
    french = importlib.import_module("routines.migrations.0010_builtin_library_french")
    french.add_french(apps, None)
