"""A French walk in Chromium: the patient's journey (invitation, Today, a whole session, the
end screen, history) and the physiotherapist's main pages, with the language set to French,
reading the visible text of each page (innerText) for English words left untranslated.

The English words are those of the catalogs' msgids that are not French words too: the
French side of Limber's catalogs and of Django's own French catalogs serves as the
dictionary, plus names that stay as they are (Limber, PSFS, …). This walk passes only once
clinic/locale/fr_CA/LC_MESSAGES/django.po is translated; set I18N_WALK_REPORT=<file> to
write what it found per page."""

import json
import os
import re
from pathlib import Path

import django
import polib
import pytest
from django.urls import reverse
from playwright.sync_api import expect

from clinic.models import StaffMember
from patients.models import Session
from patients.roster.services import invitation_create
from routines.models import RoutineStep
from tests import factories

from .conftest import FRENCH_JS_PO, FRENCH_PO

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

WORD = re.compile(r"[A-Za-zÀ-ÿ]+(?:'[A-Za-z]+)?")
# Names and abbreviations that stay the same in French, and words that are French too but
# may be missing from the dictionary below.
SAME_IN_FRENCH = {
    "limber",
    "psfs",
    "nprs",
    "fhir",
    "promis",
    "oswestry",
    "csv",
    "json",
    "api",
    "qr",
    "url",
    "ok",
    "pdf",
    "svg",
    "html",
    "id",
    "pause",
    "questionnaire",
    "questionnaires",
    "page",
    "pages",
    "total",
    "date",
    "dates",
    "minutes",
    "minute",
    "min",
    "note",
    "notes",
    "session",
    "sessions",
    "position",
    "rotation",
    "excellent",
    "simple",
    "type",
    "option",
    "options",
    "initial",
    "initiales",
    "global",
    "message",
    "messages",
    "code",
    "codes",
    "patient",
    "patients",
    "format",
    "version",
    "description",
    "instructions",
    "score",
    "scores",
    "important",
    "possible",
    "normal",
    "stable",
    "flexion",
    "extension",
    "article",
    "accord",
    "profil",
    "mobile",
    "calendrier",
    "administration",
    "vidéo",
    "photo",
    "nom",
    "etc",
    "via",
    "max",
    "moyen",
    "plus",
    "moins",
    "actions",
    "action",
    "archive",
    "attention",
    "fin",
    "plan",
    "plans",
    "invitation",
    "invitations",
    "adresse",
    "programme",
    "routine",
    "routines",
    "exercice",
    "sets",
    "set",
}


def _words(text: str) -> set[str]:
    return {word.lower() for word in WORD.findall(text) if len(word) > 2}


def _catalog_words(path: Path, side: str) -> set[str]:
    words: set[str] = set()
    for entry in polib.pofile(str(path)):
        if entry.obsolete:
            continue
        if side == "msgid":
            texts = [entry.msgid, entry.msgid_plural]
        else:
            texts = [entry.msgstr, *entry.msgstr_plural.values()]
        for text in texts:
            # Leave out placeholders and markup: %(name)s, {name}, <tags>.
            text = re.sub(r"%\(\w+\)[sd]|\{\w+\}|<[^>]+>|&\w+;", " ", text or "")
            words |= _words(text)
    return words


def english_only_words() -> set[str]:
    """The catalogs' English words that are not French words as well."""
    english = _catalog_words(FRENCH_PO, "msgid") | _catalog_words(FRENCH_JS_PO, "msgid")
    french = _catalog_words(FRENCH_PO, "msgstr") | _catalog_words(FRENCH_JS_PO, "msgstr")
    django_root = Path(django.__file__).parent
    for po in [
        *django_root.glob("conf/locale/fr/LC_MESSAGES/*.po"),
        *django_root.glob("contrib/*/locale/fr/LC_MESSAGES/*.po"),
    ]:
        french |= _catalog_words(po, "msgstr")
    return english - french - SAME_IN_FRENCH


def visible_words(page) -> set[str]:
    text = page.evaluate("document.body.innerText") + " " + page.title()
    return _words(text)


class Walk:
    def __init__(self):
        self.english = english_only_words()
        self.found: dict[str, list[str]] = {}

    def read(self, page, name: str) -> None:
        assert page.evaluate("document.documentElement.lang") == "fr-CA", name
        left = sorted(visible_words(page) & self.english)
        if left:
            self.found[name] = left

    def report(self) -> None:
        path = os.environ.get("I18N_WALK_REPORT")
        if path:
            Path(path).write_text(json.dumps(self.found, indent=2, ensure_ascii=False))
        assert self.found == {}, "English words on French pages: " + json.dumps(
            self.found, ensure_ascii=False
        )


@pytest.fixture
def french_clinic(db):
    clinic = factories.make_clinic("Clinique Rivière")
    clinic.language = "fr-ca"
    clinic.save(update_fields=["language"])
    return clinic


@pytest.fixture
def physio(french_clinic):
    member = factories.make_staff(french_clinic)
    member.user.first_name, member.user.last_name = "Camille", "Tremblay"
    member.user.save(update_fields=["first_name", "last_name"])
    member.language = "fr-ca"
    member.save(update_fields=["language"])
    return member


@pytest.fixture
def french_plan(french_clinic, physio):
    """A patient (no sign-in yet) whose plan has one exercise on each side, in two sets."""
    patient = factories.make_patient(
        french_clinic, physio, first_name="Léa", last_name="Gagnon", account=False
    )
    patient.language = "fr-ca"
    patient.save(update_fields=["language"])
    routine = factories.make_routine(french_clinic, steps=0, name="Programme du matin")
    for position, (name, sides, sets) in enumerate(
        [("Rotation lombaire", "each", 2), ("Genoux à la poitrine", "both", 1)], start=1
    ):
        RoutineStep.objects.create(
            routine=routine,
            exercise=factories.make_exercise(
                french_clinic, name=name, instructions="Doucement, sans forcer."
            ),
            position=position,
            hold_seconds=20,
            sets=sets,
            sides=sides,
            rest_between_sets_seconds=10 if sets > 1 else 0,
        )
    assignment = factories.make_assignment(patient, routine=routine)
    return patient, assignment


def _french_page(browser, live_server):
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 375, "height": 667}, locale="fr-CA"
    )
    context.set_default_timeout(10_000)
    return context, context.new_page()


def test_patient_journey_in_french_shows_no_english(browser, live_server, french_plan):
    patient, assignment = french_plan
    _invitation, token = invitation_create(patient=patient)
    walk = Walk()
    context, page = _french_page(browser, live_server)
    try:
        page.goto(reverse("account:invite_accept", args=[token]))
        walk.read(page, "invitation")
        page.locator("#id_username").fill("lea.gagnon")
        page.locator("#id_password1").fill(factories.PASSWORD)
        page.locator("#id_password2").fill(factories.PASSWORD)
        page.locator("main form button.primary").click()
        page.wait_for_url("**/today/")
        walk.read(page, "today")

        page.clock.install()
        page.locator(f"form[action='/plans/{assignment.id}/start/'] button").click()
        page.wait_for_url("**/sessions/*/")
        walk.read(page, "session: first exercise")
        page.locator("#timer-start").click()
        page.clock.run_for("00:05")
        walk.read(page, "session: hold")
        for _ in range(10):
            if page.locator("#finish").is_visible():
                break
            page.locator("#done-button").click()
            page.wait_for_timeout(200)
            if page.locator("#timer-start").is_visible():
                walk.read(page, "session: waiting")
        expect(page.locator("#finish")).to_be_visible()
        walk.read(page, "session: how did it go")
        page.locator("#pain-3").check()
        page.locator("#effort-right").check()
        page.locator("#finish-button").click()
        # The player goes to the end screen by itself; going there too would cut it short.
        expect(page.get_by_role("heading", name="Séance terminée", exact=True)).to_be_visible()
        assert Session.objects.get(assignment=assignment).is_finished
        walk.read(page, "session: end screen")
        page.goto(reverse("patients:history"))
        walk.read(page, "history")
        page.goto(reverse("patients:plan"))
        walk.read(page, "plan")
    finally:
        context.close()
    walk.report()


def test_physiotherapist_pages_in_french_show_no_english(browser, live_server, physio, french_plan):
    patient, assignment = french_plan
    template = factories.make_routine(physio.clinic, steps=2, name="Soins du dos")
    # The clinic's own exercises read as the clinic wrote them: here, in French.
    for number, step in enumerate(template.steps.select_related("exercise"), start=1):
        step.exercise.name_en = step.exercise.name_fr_ca = f"Étirement maison {number}"
        step.exercise.save()
    walk = Walk()
    context, page = _french_page(browser, live_server)
    try:
        page.goto(reverse("login"))
        walk.read(page, "sign-in")
        page.locator("#id_username").fill(physio.user.username)
        page.locator("#id_password").fill(factories.PASSWORD)
        page.locator("main form button[type=submit]").click()
        page.wait_for_url("**/staff/")
        for name, url in [
            ("home", reverse("dashboard:home")),
            ("patients", reverse("staff:patient_list")),
            ("patient page", reverse("staff:patient_detail", args=[patient.id])),
            ("routines", reverse("routines:routine_list")),
            ("builder", reverse("routines:builder", args=[template.id])),
            ("library", reverse("routines:exercise_list")),
        ]:
            page.goto(url)
            walk.read(page, name)
    finally:
        context.close()
    assert StaffMember.objects.get(pk=physio.pk).language == "fr-ca"
    walk.report()
