"""Compile every translation catalog (.po) to the .mo Django reads, with polib: no GNU
gettext needed. `make run`, `make serve` and `make test` run it, so the committed .po files
are always what the app speaks; the .mo files are build output (git-ignored)."""

import os
from pathlib import Path

import polib
from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


def catalog_directories() -> list[Path]:
    """LOCALE_PATHS and the locale/ of each of Limber's own apps (installed packages ship
    their catalogs compiled)."""
    base = Path(settings.BASE_DIR).resolve()
    directories = [Path(path).resolve() for path in settings.LOCALE_PATHS]
    for config in apps.get_app_configs():
        directory = (Path(config.path) / "locale").resolve()
        if directory.is_dir() and directory.is_relative_to(base) and ".venv" not in directory.parts:
            directories.append(directory)
    return list(dict.fromkeys(directories))


def compile_catalog(po_path: Path) -> Path:
    """Write po_path's .mo beside it; fuzzy entries are left out, as msgfmt does."""
    catalog = polib.pofile(str(po_path))
    mo_path = po_path.with_suffix(".mo")
    # Written aside, then moved in one step: a server (or a parallel test process) reading
    # the catalog never sees half a file.
    partial = mo_path.with_name(f".{mo_path.name}.{os.getpid()}")
    catalog.save_as_mofile(str(partial))
    os.replace(partial, mo_path)
    return mo_path


class Command(BaseCommand):
    help = "Compile every .po under LOCALE_PATHS and the apps' locale/ to .mo (polib)."

    def handle(self, *args, **options) -> None:
        compiled = 0
        for directory in catalog_directories():
            for po_path in sorted(directory.rglob("*.po")):
                try:
                    compile_catalog(po_path)
                except (OSError, ValueError) as error:
                    raise CommandError(f"{po_path}: {error}") from error
                compiled += 1
                if options["verbosity"] > 1:
                    self.stdout.write(f"compiled {po_path}")
        if options["verbosity"] > 0:
            self.stdout.write(f"{compiled} catalog(s) compiled.")
