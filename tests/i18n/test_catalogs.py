"""The French catalogs are complete and well formed, and plurals follow each language's rule.

test_catalog_is_fully_translated fails for django.po until the translators' work is merged:
a page would otherwise show English in the middle of French."""

import re

import polib
import pytest
from django.utils import translation
from django.utils.translation import trans_real

from .conftest import FRENCH_JS_PO, FRENCH_PO

CATALOGS = [pytest.param(FRENCH_PO, id="django.po"), pytest.param(FRENCH_JS_PO, id="djangojs.po")]
NAMED = re.compile(r"%\(\w+\)[sd]")


@pytest.mark.parametrize("path", CATALOGS)
def test_catalog_is_fully_translated(path):
    catalog = polib.pofile(str(path))
    live = [entry for entry in catalog if not entry.obsolete]
    untranslated = [entry.msgid for entry in live if not entry.translated() and not entry.fuzzy]
    fuzzy = [entry.msgid for entry in live if entry.fuzzy]
    assert (len(untranslated), len(fuzzy)) == (0, 0), (
        f"{path.name}: {len(untranslated)} untranslated, {len(fuzzy)} fuzzy of {len(live)}; "
        f"first: {(untranslated + fuzzy)[:5]}"
    )


@pytest.mark.parametrize("path", CATALOGS)
def test_catalog_header_names_canadian_french_and_its_plural_rule(path):
    catalog = polib.pofile(str(path))
    assert catalog.metadata.get("Language") == "fr_CA"
    plural = catalog.metadata.get("Plural-Forms", "").replace(" ", "")
    assert plural.startswith("nplurals=2;plural=(n>1)")
    assert not catalog.metadata_is_fuzzy


@pytest.mark.parametrize("path", CATALOGS)
def test_translations_keep_every_placeholder(path):
    """A translation that drops or renames %(name)s breaks the page (KeyError) or the sense."""
    wrong = []
    for entry in polib.pofile(str(path)):
        if entry.obsolete or not entry.translated():
            continue
        pairs = (
            [(entry.msgid, entry.msgstr)]
            if not entry.msgid_plural
            else [(entry.msgid_plural, text) for text in entry.msgstr_plural.values()]
        )
        for source, text in pairs:
            named = set(NAMED.findall(source))
            kept = set(NAMED.findall(text))
            # One plural form may leave out the count ("un exercice"), never add a name.
            if named and kept != named and not (entry.msgid_plural and kept < named):
                wrong.append(entry.msgid)
    assert wrong == []


def _forms(language: str, domain: str, singular: str, plural: str) -> list[str]:
    catalog = trans_real.DjangoTranslation(language, domain=domain)
    return [catalog.ngettext(singular, plural, n) for n in (0, 1, 2, 5)]


def test_plural_forms_in_both_languages_javascript():
    """French: nplurals=2; plural=(n > 1), so 0 and 1 take the singular; English 1 only."""
    singular, plural = "%(count)s exercise found", "%(count)s exercises found"
    assert _forms("en", "djangojs", singular, plural) == [plural, singular, plural, plural]
    french = _forms("fr-ca", "djangojs", singular, plural)
    one, many = "%(count)s exercice trouvé", "%(count)s exercices trouvés"
    assert french == [one, one, many, many]


def test_plural_forms_in_both_languages_pages(french):
    """The same rule for the pages' catalog (django.po): with the stand-in French of
    conftest.py until the translation is merged, with the real one after."""
    singular = "%(count)s quick question before today's session"
    plural = "%(count)s quick questions before today's session"
    with translation.override("en"):
        english = [translation.ngettext(singular, plural, n) for n in (0, 1, 2)]
    with translation.override("fr-ca"):
        french_forms = [translation.ngettext(singular, plural, n) for n in (0, 1, 2)]
    assert english == [plural, singular, plural]
    assert french_forms[0] == french_forms[1] != french_forms[2]
    assert singular not in french_forms
    assert plural not in french_forms
