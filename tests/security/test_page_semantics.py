"""What every page says to assistive technology, over the whole URL walk (urlwalk.py):
every aria-describedby points at an element that exists, on pages as shown and on forms
sent back with their errors; every staff and patient page has its own descriptive title,
starting with "Error:" when a form came back with errors."""

from html.parser import HTMLParser

import pytest
from django.test import Client

from tests import factories

from .urlwalk import all_routes, filled_urls

pytestmark = pytest.mark.django_db

ROUTES = [
    route
    for route in all_routes()
    if not route.template.startswith(("/api/", "/static/", "/media/"))
]
# Staff pages about one patient (or their plan or session).
SUBJECT_PATHS = ("/patients/%(", "/assignments/%(", "/sessions/%(")
# A form sent with nothing in it comes back with "This field is required." errors.
EMPTY_FORM = {"csrfmiddlewaretoken": "x"}


class _Page(HTMLParser):
    def __init__(self):
        super().__init__()
        self.ids: set[str] = set()
        self.described_by: list[tuple[str, str]] = []
        self.title = ""
        self._in_title = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("id"):
            self.ids.add(attrs["id"])
        if attrs.get("aria-describedby"):
            for ref in attrs["aria-describedby"].split():
                element = tag + "#" + (attrs.get("id") or attrs.get("name") or "")
                self.described_by.append((element, ref))
        if tag == "title":
            self._in_title = True

    def handle_endtag(self, tag):
        if tag == "title":
            self._in_title = False

    def handle_data(self, data):
        if self._in_title:
            self.title += data


def _parse(response) -> _Page | None:
    if response.streaming or not response.get("Content-Type", "").startswith("text/html"):
        return None
    page = _Page()
    page.feed(response.content.decode())
    return page


def _client(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
        if user.is_staff:
            factories.verify_second_step(client, user)
    return client


def _dangling(page: _Page) -> list[tuple[str, str]]:
    return [(element, ref) for element, ref in page.described_by if ref not in page.ids]


def _pages(world, roles):
    """(role, url, GET response) of every page each role can open."""

    for role in ("anonymous", "patient", "therapist", "clinic_admin"):
        client = _client(roles[role])
        for route in ROUTES:
            if route.template.startswith("/admin/"):
                continue
            prefer = {**world["prefer"], **world["prefer_for"].get(route.view_name, {})}
            for url in filled_urls(route, prefer, real_only=True):
                yield role, route, url, client, client.get(url)


def test_every_aria_describedby_resolves_on_every_page(world, roles):
    failures = []
    checked = 0
    for role, _route, url, client, response in _pages(world, roles):
        page = _parse(response)
        if page is None or response.status_code != 200:
            continue
        checked += 1
        failures += [f"{role} GET {url}: {ref} ({element})" for element, ref in _dangling(page)]
        if b"<form" in response.content and b'method="post"' in response.content:
            sent = client.post(url, EMPTY_FORM)
            shown = _parse(sent)
            if shown is not None and sent.status_code in (200, 400):
                failures += [
                    f"{role} POST {url}: {ref} ({element})" for element, ref in _dangling(shown)
                ]
    assert checked > 20
    assert not failures, "\n".join(failures)


def test_every_staff_and_patient_page_has_its_own_title(world, roles):
    titles: dict[str, set[str]] = {}
    for role, route, url, _client, response in _pages(world, roles):
        page = _parse(response)
        if page is None or response.status_code != 200 or role == "anonymous":
            continue
        title = " ".join(page.title.split())
        assert title, f"{role} {url}: no title"
        assert title != "Limber", f"{role} {url}: no descriptive title"
        titles.setdefault(title, set()).add(route.label)
        # A page about one patient says which in its title.
        if role != "patient" and any(part in route.template for part in SUBJECT_PATHS):
            assert str(world["patient"]) in title, f"{role} {url}: {title!r} names no patient"
    shared = {title: labels for title, labels in titles.items() if len(labels) > 1}
    assert not shared, shared


def test_a_form_with_errors_says_so_in_the_title(world, roles):
    failures = []
    for role, _route, url, client, response in _pages(world, roles):
        if response.status_code != 200 or response.streaming:
            continue
        if b'method="post"' not in response.content:
            continue
        sent = client.post(url, EMPTY_FORM)
        page = _parse(sent)
        if page is None or sent.status_code not in (200, 400):
            continue
        if b'class="errorlist' in sent.content or b"error-summary" in sent.content:
            title = " ".join(page.title.split())
            if not title.startswith("Error:"):
                failures.append(f"{role} POST {url}: {title!r}")
    assert not failures, "\n".join(failures)


def test_admin_pages_load_the_stylesheet_that_underlines_breadcrumb_links(world, roles):
    client = _client(roles["superuser"])
    checked = 0
    for route in ROUTES:
        if not route.template.startswith("/admin/") or route.template.endswith("/delete/"):
            continue
        for url in filled_urls(route, world["prefer"], real_only=True):
            response = client.get(url)
            if _parse(response) is None or response.status_code != 200:
                continue
            checked += 1
            assert b"limber/admin.css" in response.content, url
    assert checked > 20
