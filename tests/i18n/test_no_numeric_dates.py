"""No page shows an all-numeric date, in English or in French: "12/01/2026" is 1 December
in Winnipeg and 12 January in Amsterdam (issue 20). Every page of the URL walk
(tests/security/urlwalk.py) is opened as each role, in both languages, and its visible text
(tags, scripts, styles and attribute values stripped: datetime="", value="" and data-* keep
ISO 8601 on purpose) is searched for a day, month and year written in numbers."""

import re
from html.parser import HTMLParser

import pytest
from django.conf import settings
from django.test import Client

from tests import factories
from tests.security.urlwalk import all_routes, filled_urls

pytestmark = pytest.mark.django_db

LANGUAGES = [code for code, _name in settings.LANGUAGES]

# Three numbers joined by the same "/", "." or "-": 12/01/2026, 01.12.2026, 2026-12-01,
# 1-12-26. Not matched, as they are not dates: a run of four or more dotted numbers (an IP
# address such as 127.0.0.1), numbers inside a longer token (a UUID, a file name such as
# picture-1-2-3.png, a version such as v5.2.19 or 5.2.19a) and a plain fraction (3/10).
NUMERIC_DATE = re.compile(
    r"(?<![\w./-])\d{1,4}(?P<sep>[/.-])\d{1,2}(?P=sep)\d{1,4}(?![\w/-]|\.\d)",
)
# Software versions said as such ("Django 5.2.19", "Version 1.0.0", "OpenAPI 3.0.3") are
# not dates; the word before them says so.
VERSION = re.compile(r"(?i)(?:version|django|openapi|python|v)\s*$")

# Not pages of ours: the API's JSON and its documentation UI, static files, media bytes.
SKIPPED = ("/api/", "/static/", "/media/")
# In the admin the lists and change pages show the records; add, delete and history pages
# show nothing of them a change page does not.
ADMIN_SKIPPED = ("/add/", "/delete/", "/history/", "/password/", "/autocomplete/", "/jsi18n/")
# django-axes' own records name themselves by their raw timestamp ("Access Log for x @
# 2026-12-01 10:11:05+00:00", its models' __str__); they are not ours to reword, and only
# the operator reads them.
NOT_OURS = ("/admin/axes/",)


class _VisibleText(HTMLParser):
    """The text a reader sees or hears: character data outside script, style and template."""

    HIDDEN = {"script", "style", "template"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in self.HIDDEN:
            self._hidden += 1

    def handle_endtag(self, tag):
        if tag in self.HIDDEN and self._hidden:
            self._hidden -= 1

    def handle_data(self, data):
        if not self._hidden:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = _VisibleText()
    parser.feed(html)
    return " ".join(" ".join(parser.parts).split())


def numeric_dates(text: str) -> list[str]:
    found = []
    for match in NUMERIC_DATE.finditer(text):
        if VERSION.search(text[max(0, match.start() - 12) : match.start()]):
            continue
        found.append(match.group())
    return found


def test_the_pattern_finds_numeric_dates_and_leaves_other_numbers():
    dates = "From 12/01/2026, on 01.12.2026, changed 2026-12-01 (1/12/26)"
    assert numeric_dates(dates) == ["12/01/2026", "01.12.2026", "2026-12-01", "1/12/26"]
    others = (
        "pain 3/10 · 10:11 · 127.0.0.1 · Django 5.2.19 · version 1.0.0 · "
        "id 6f1c2a4e-1b2c-4d3e-8f90-0a1b2c3d4e5f · picture-1-2-3.png · 020-555-1234"
    )
    assert numeric_dates(others) == []


def test_visible_text_leaves_out_attributes_and_scripts():
    html = (
        '<p data-day="2026-12-01">From <time datetime="2026-12-01">1 Dec 2026</time></p>'
        '<input value="2026-12-01"><script>var d = "2026-12-01";</script>'
    )
    assert visible_text(html) == "From 1 Dec 2026"


def _client(user, language: str) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    if user is not None:
        client.force_login(user)
        if user.is_staff:
            factories.verify_second_step(client, user)
    return client


def _walk(world, roles):
    """(language, role, url, response) of every HTML page of the walk that answers 200."""
    routes = [route for route in all_routes() if not route.template.startswith(SKIPPED)]
    for language in LANGUAGES:
        # The clinic admin sees every staff page a physiotherapist sees and the team's; the
        # superuser walks the admin.
        for role in ("anonymous", "patient", "clinic_admin", "superuser"):
            client = _client(roles[role], language)
            for route in routes:
                in_admin = route.template.startswith("/admin/")
                if in_admin != (role == "superuser"):
                    continue
                if in_admin and any(part in route.template for part in ADMIN_SKIPPED):
                    continue
                if route.template.startswith(NOT_OURS):
                    continue
                prefer = {**world["prefer"], **world["prefer_for"].get(route.view_name, {})}
                for url in filled_urls(route, prefer, real_only=True):
                    response = client.get(url)
                    if response.status_code != 200 or response.streaming:
                        continue
                    if not response.get("Content-Type", "").startswith("text/html"):
                        continue
                    yield language, role, url, response


def test_no_page_shows_an_all_numeric_date(world, roles):
    failures, pages, french = [], 0, 0
    for language, role, url, response in _walk(world, roles):
        pages += 1
        html = response.content.decode()
        if language != "en" and f'lang="{language}"' in html:
            french += 1
        for found in numeric_dates(visible_text(html)):
            failures.append(f"{language} {role} {url}: {found}")
    # The walk reached the pages (staff, patient and admin, twice over) and the French ones
    # really were French.
    assert pages > 100, pages
    assert french > 10, french
    assert not failures, "\n".join(failures)
