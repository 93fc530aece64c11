"""The installable app in a real browser: the service worker keeps the patient's pages so a
whole session runs with no connection, keeps no staff page, forgets everything on sign-out;
the icons answer on every page; the install notice for share-menu phones.

"Offline" here is the browser context's offline mode; that it reaches the service worker's
own fetches too is checked, not assumed: the server's audit trail records every page it
serves to a patient, and must not grow while the browser is offline.
"""

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect

from clinic.models import AuditEvent
from patients.models import Completion
from patients.sessions.services import session_start

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_5 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/18.5 Mobile/15E148 Safari/604.1"
)


def _wait_for_worker(page):
    """Until the service worker is active and controls this page. A page whose load began
    while the first worker was still installing may stay uncontrolled (as in any browser):
    then it is loaded once more. (A loop of evaluate, not wait_for_function, whose polling
    the page's Content-Security-Policy may refuse.)"""
    page.evaluate("async () => { await navigator.serviceWorker.ready; }")
    for attempt in range(60):
        if page.evaluate(
            "() => !!navigator.serviceWorker.controller"
            " && navigator.serviceWorker.controller.state === 'activated'"
        ):
            return
        if attempt == 10:
            page.reload()
        page.wait_for_timeout(100)
    raise AssertionError("the service worker never took control of the page")


def _cached(page, path, containing=""):
    """Whether the worker's caches hold `path` (with `containing` in its body)."""
    return page.evaluate(
        """async ([path, containing]) => {
            const cached = await caches.match(path);
            return !!cached && (await cached.text()).includes(containing);
        }""",
        [path, containing],
    )


def _wait_until_cached(page, *paths, containing=""):
    for _ in range(100):
        if all(_cached(page, path, containing) for path in paths):
            return
        page.wait_for_timeout(100)
    missing = [path for path in paths if not _cached(page, path, containing)]
    raise AssertionError(f"not cached: {missing}")


def _cached_paths(page):
    return page.evaluate(
        """async () => {
            const paths = [];
            for (const name of await caches.keys()) {
                const cache = await caches.open(name);
                for (const request of await cache.keys()) {
                    paths.push(new URL(request.url).pathname);
                }
            }
            return paths;
        }"""
    )


def _pages_served(page):
    """Pages served to the patient so far (one audit row each), once the worker's background
    fetches have settled: the count stays the same for a second."""
    count, steady = AuditEvent.objects.count(), 0
    while steady < 10:
        page.wait_for_timeout(100)
        now = AuditEvent.objects.count()
        steady = steady + 1 if now == count else 0
        count = now
    return count


def test_a_patient_runs_a_whole_session_offline_and_every_step_is_stored_once(
    page, sign_in, patient, assignment
):
    session = session_start(assignment=assignment)
    units = [
        (step.id, set_number, side)
        for step in assignment.routine.steps.order_by("position")
        for set_number in range(1, step.sets + 1)
        for side in step.side_names
    ]
    sign_in(page, patient.user)
    page.goto("/today/")
    _wait_for_worker(page)
    # Today asked the worker to keep itself, the plan and the open session's player.
    _wait_until_cached(page, "/today/", "/plan/", f"/sessions/{session.id}/")
    paths = _cached_paths(page)
    assert "/static/limber/session.js" in paths
    assert "/static/limber/limber.css" in paths
    assert len([p for p in paths if p.startswith("/static/limber/exercises/")]) >= 4
    assert not [p for p in paths if p.startswith(("/api/", "/staff/", "/login/", "/logout/"))]
    served = _pages_served(page)

    page.context.set_offline(True)
    response = page.reload()
    assert response.from_service_worker
    expect(page.get_by_role("heading", name="Hello Alice")).to_be_visible()
    # Where the installed app starts: "/" opens the kept Today.
    assert page.goto("/").from_service_worker
    expect(page.get_by_role("heading", name="Hello Alice")).to_be_visible()
    page.get_by_role("link", name=f"Continue {assignment.routine.name}").click()
    expect(page.get_by_role("heading", name=assignment.routine.name, level=1)).to_be_visible()
    expect(page.locator("#progress-text")).to_have_text(f"0 of {len(units)} done")
    assert page.evaluate("getComputedStyle(document.body).fontFamily").startswith("system-ui")
    for number in range(1, len(units) + 1):
        page.get_by_role("button", name="Done").click()
        if number < len(units):
            expect(page.locator("#progress-text")).to_have_text(f"{number} of {len(units)} done")
    expect(page.locator("#save-status")).to_contain_text("Saved on this phone")
    expect(page.get_by_role("heading", name="Well done! How did it go?")).to_be_visible()
    page.locator("#pain-2").check()
    page.get_by_role("button", name="Finish session").click()
    expect(page.locator("#save-status")).to_contain_text("Your answers are saved on this phone")
    # Nothing reached the server while offline: no page served, nothing stored.
    assert AuditEvent.objects.count() == served
    assert session.completions.count() == 0

    page.context.set_offline(False)
    # Sent on the browser's "online" event, or by the player's retry 10 s later at most.
    expect(page.get_by_role("heading", name="Session finished")).to_be_visible(timeout=15_000)
    stored = list(Completion.objects.filter(session=session))
    assert sorted((c.step_id, c.set_number, c.side) for c in stored) == sorted(units)
    assert len({c.client_id for c in stored}) == len(units)
    session.refresh_from_db()
    assert session.is_finished
    assert session.pain == 2


def test_a_session_page_reopened_offline_resumes_where_the_patient_was(
    page, sign_in, patient, assignment
):
    """Steps saved online after the player was kept: the worker keeps the page up to date."""
    session = session_start(assignment=assignment)
    sign_in(page, patient.user)
    page.goto(f"/sessions/{session.id}/")
    _wait_for_worker(page)
    _wait_until_cached(page, f"/sessions/{session.id}/")
    page.get_by_role("button", name="Done").click()
    expect(page.locator("#save-status")).to_have_text("All your progress is saved.")
    _wait_until_cached(page, f"/sessions/{session.id}/", containing="1 of 3 done")
    page.context.set_offline(True)
    assert page.reload().from_service_worker
    expect(page.locator("#progress-text")).to_have_text("1 of 3 done")
    page.context.set_offline(False)
    assert session.completions.count() == 1


def test_starting_a_session_offline_says_it_needs_a_connection(page, sign_in, patient, assignment):
    sign_in(page, patient.user)
    page.goto("/today/")
    _wait_for_worker(page)
    _wait_until_cached(page, "/today/")
    page.context.set_offline(True)
    page.reload()
    page.get_by_role("button", name=f"Start {assignment.routine.name}").click()
    notice = page.locator("#offline-start")
    expect(notice).to_be_visible()
    expect(notice).to_be_focused()
    expect(notice).to_contain_text("A new session can only be started with a connection")
    assert page.url.endswith("/today/")
    page.context.set_offline(False)
    expect(notice).to_be_hidden()
    assert not assignment.sessions.exists()


def test_staff_pages_are_never_served_from_the_cache(page, sign_in, therapist, patient):
    sign_in(page, therapist.user)
    page.goto("/staff/")
    _wait_for_worker(page)
    page.goto(f"/staff/patients/{patient.id}/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    page.wait_for_timeout(500)
    assert not [p for p in _cached_paths(page) if not p.startswith("/static/")]
    page.context.set_offline(True)
    with pytest.raises(PlaywrightError):
        page.reload()
    with pytest.raises(PlaywrightError):
        page.goto("/staff/")
    page.context.set_offline(False)


def test_after_sign_out_an_offline_browser_cannot_read_the_patients_pages(
    page, sign_in, patient, assignment
):
    sign_in(page, patient.user)
    page.goto("/today/")
    _wait_for_worker(page)
    _wait_until_cached(page, "/today/", "/plan/")
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_label("Username")).to_be_visible()
    for _ in range(50):
        if not _cached(page, "/today/") and not _cached(page, "/plan/"):
            break
        page.wait_for_timeout(100)
    assert not [p for p in _cached_paths(page) if not p.startswith("/static/")]
    page.context.set_offline(True)
    for path in ("/today/", "/plan/", "/"):
        with pytest.raises(PlaywrightError):
            page.goto(path)
    page.context.set_offline(False)


def test_icons_answer_on_every_page_with_no_error(page, sign_in, patient, therapist, assignment):
    failures, errors = [], []
    page.on("response", lambda r: failures.append(r.url) if r.status >= 400 else None)
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto("/login/")
    sign_in(page, patient.user)
    for path in ("/today/", "/plan/", "/history/"):
        page.goto(path)
        _wait_for_worker(page)
        hrefs = page.eval_on_selector_all(
            "link[rel~=icon], link[rel=apple-touch-icon], link[rel=manifest]",
            "links => links.map(link => link.href)",
        )
        assert len(hrefs) == 4
        statuses = page.evaluate(
            "async (hrefs) => Promise.all(hrefs.map(async h => (await fetch(h)).status))", hrefs
        )
        assert statuses == [200, 200, 200, 200], path
    assert page.evaluate("async () => (await fetch('/favicon.ico')).status") == 200
    page.get_by_role("button", name="Sign out").click()
    sign_in(page, therapist.user)
    page.goto("/staff/")
    page.goto("/api/docs/")
    assert failures == []
    assert errors == []


@pytest.fixture
def iphone(browser, live_server):
    context = browser.new_context(
        base_url=live_server.url,
        user_agent=IPHONE,
        viewport={"width": 360, "height": 780},
        is_mobile=True,
        has_touch=True,
    )
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


def test_an_iphone_is_told_once_how_to_install(iphone, sign_in, patient, assignment):
    page = iphone
    sign_in(page, patient.user)
    page.goto("/today/")
    notice = page.get_by_role("region", name="Put Limber on your home screen")
    expect(notice).to_be_visible()
    expect(notice).to_contain_text("Tap Share, then Add to Home Screen.")
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_21_AA}})
    assert results.violations_count == 0, results.generate_report()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.screenshot(path="/tmp/pwa-today-notice-360.png", full_page=True)
    page.set_viewport_size({"width": 1280, "height": 800})
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_21_AA}})
    assert results.violations_count == 0, results.generate_report()
    page.screenshot(path="/tmp/pwa-today-notice-1280.png", full_page=True)

    page.get_by_role("button", name="Got it hide this tip").click()
    expect(notice).to_be_hidden()
    expect(page.get_by_role("heading", level=1)).to_be_focused()
    page.reload()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(page.locator("#install-notice")).to_be_hidden()


def test_browsers_that_install_by_themselves_get_no_notice(page, sign_in, patient, assignment):
    sign_in(page, patient.user)
    page.goto("/today/")
    _wait_for_worker(page)
    expect(page.locator("#install-notice")).to_be_hidden()


def test_the_icon_draws_at_every_size(page):
    """Every icon loads in the browser (and a picture to look at: /tmp/pwa-icon-*.png)."""
    page.goto("/login/")
    page.set_content(
        "<body>"
        + "".join(
            f"<img src='/static/limber/icons/{name}' width='{size}' height='{size}'>"
            for name, size in [
                ("favicon.svg", 16),
                ("favicon.svg", 32),
                ("favicon.svg", 64),
                ("apple-touch-icon.png", 180),
                ("maskable-192.png", 192),
                ("icon-512.png", 256),
            ]
        )
        + "</body>"
    )
    page.wait_for_load_state("load")
    sizes = page.eval_on_selector_all("img", "images => images.map(i => i.naturalWidth)")
    assert len(sizes) == 6
    assert all(size > 0 for size in sizes)
    for width in (360, 1280):
        page.set_viewport_size({"width": width, "height": 700})
        page.screenshot(path=f"/tmp/pwa-icon-{width}.png")


def test_chromium_finds_limber_installable(page, sign_in, patient, assignment):
    sign_in(page, patient.user)
    page.goto("/today/")
    _wait_for_worker(page)
    cdp = page.context.new_cdp_session(page)
    errors = cdp.send("Page.getInstallabilityErrors")["installabilityErrors"]
    manifest = cdp.send("Page.getAppManifest")
    assert manifest["url"].endswith("/manifest.webmanifest")
    assert manifest["errors"] == []
    # Headless Chromium never offers to install in an off-the-record context; nothing else.
    assert [e["errorId"] for e in errors if e["errorId"] != "in-incognito"] == []


def test_a_release_replaces_the_worker_and_deletes_the_old_caches(
    page, sign_in, patient, assignment, monkeypatch
):
    from clinic import pwa

    sign_in(page, patient.user)
    page.goto("/today/")
    _wait_for_worker(page)
    _wait_until_cached(page, "/today/")
    before = set(page.evaluate("() => caches.keys()"))
    assert len(before) == 2
    # A release: the shell's contents changed, so /sw.js carries a new version.
    released = pwa._worker_script().replace(b'"version": "', b'"version": "next', 1)
    monkeypatch.setattr(pwa, "_cached_worker_script", lambda: released)
    page.evaluate(
        """async () => {
            const registration = await navigator.serviceWorker.getRegistration();
            const changed = new Promise(resolve =>
                navigator.serviceWorker.addEventListener('controllerchange', resolve));
            await registration.update();
            await changed;
        }"""
    )
    for _ in range(50):
        after = set(page.evaluate("() => caches.keys()"))
        if not after & before:
            break
        page.wait_for_timeout(100)
    assert not after & before
    assert {name.split("-next")[0] for name in after} == {"limber-shell", "limber-pages"}
    # The new worker kept Today again for offline use.
    _wait_until_cached(page, "/today/")
