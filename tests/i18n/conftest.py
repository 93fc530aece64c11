"""Fixtures for the language tests: compiled catalogs, and a French that shows.

Until the translators' work is merged, clinic/locale/fr_CA/LC_MESSAGES/django.po has no
French in it, so a page or an email "in French" would read exactly like the English one.
`french` compiles a copy of the catalog in which every entry still untranslated reads
"[fr] <English>", so a test can tell which language a text was rendered in, before and
after the merge alike: it compares with what gettext gives in fr-ca, never with fixed words.
"""

from pathlib import Path

import polib
import pytest
from django.conf import settings as django_settings
from django.core.management import call_command

# The security tests' small clinic (every kind of record, a real id for each URL), so the
# date scan walks the same pages they do.
from tests.security.conftest import roles, world  # noqa: F401

LOCALE = Path(django_settings.BASE_DIR) / "clinic" / "locale"
FRENCH_PO = LOCALE / "fr_CA" / "LC_MESSAGES" / "django.po"
FRENCH_JS_PO = LOCALE / "fr_CA" / "LC_MESSAGES" / "djangojs.po"
STAND_IN = "[fr] "


@pytest.fixture(autouse=True, scope="session")
def compiled_catalogs():
    """The .mo files from the committed .po files (`make test` does it too; a bare pytest
    run would otherwise read whatever .mo was left behind)."""
    call_command("compile_catalogs", verbosity=0)


@pytest.fixture
def french(settings, tmp_path):
    """LOCALE_PATHS points at a compiled copy of the French catalog where untranslated
    entries read "[fr] " + the English text (see the module docstring)."""
    catalog = polib.pofile(str(FRENCH_PO))
    for entry in catalog:
        if entry.obsolete:
            continue
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
            entry.msgstr = ""
            entry.msgstr_plural = dict.fromkeys(entry.msgstr_plural, "")
        if entry.msgid_plural:
            if not all(entry.msgstr_plural.values()):
                entry.msgstr_plural = {
                    0: STAND_IN + entry.msgid,
                    1: STAND_IN + entry.msgid_plural,
                }
        elif not entry.msgstr:
            entry.msgstr = STAND_IN + entry.msgid
    catalog.metadata["Plural-Forms"] = "nplurals=2; plural=(n > 1);"
    catalog.metadata["Content-Type"] = "text/plain; charset=UTF-8"
    folder = tmp_path / "fr_CA" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    catalog.save_as_mofile(str(folder / "django.mo"))
    polib.pofile(str(FRENCH_JS_PO)).save_as_mofile(str(folder / "djangojs.mo"))
    # Changing LOCALE_PATHS makes Django forget the catalogs it loaded (setting_changed).
    settings.LOCALE_PATHS = [tmp_path]
    return tmp_path
