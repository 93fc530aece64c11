"""The session player in a real browser: keyboard only, reload, offline, and axe-core.

Timers run on Playwright's clock (page.clock), so no test waits in real time.
"""

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from patients.models import Completion, Session
from patients.sessions.services import session_start

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def _tab_to(page, name, limit=40):
    """Press Tab until the focused element's accessible text is `name`: keyboard only."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(
            "(() => { const e = document.activeElement;"
            " return (e.getAttribute('aria-label') || e.textContent || e.value || '')"
            ".replace(/\\s+/g, ' ').trim(); })()"
        )
        if focused == name:
            return
    raise AssertionError(f"{name!r} not reached by Tab")


def _tab_to_id(page, element_id, limit=40):
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == element_id:
            return
    raise AssertionError(f"#{element_id} not reached by Tab")


def _press_done(page):
    """Done by keyboard: from wherever focus is, Tab to the Done button unless it has it."""
    if page.evaluate("document.activeElement.id") != "done-button":
        _tab_to_id(page, "done-button")
    page.keyboard.press("Enter")


def _saved(page):
    expect(page.locator("#save-status")).to_have_text("All your progress is saved.")


def test_patient_completes_a_whole_session_by_keyboard(
    page, sign_in, patient, each_side_assignment
):
    sign_in(page, patient.user)
    page.clock.install()
    page.goto("/today/")
    _tab_to(page, f"Start {each_side_assignment.routine.name}")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Supine lumbar rotation")).to_be_visible()
    expect(page.get_by_text("Move slowly, never force a position")).to_be_visible()
    expect(page.locator("#unit")).to_have_text("Set 1 of 2 · Left side")

    _tab_to(page, "Begin")
    page.keyboard.press("Enter")
    expect(page.locator("#timer-phase")).to_have_text("Get ready")
    expect(page.locator("#timer-count")).to_have_text("5")
    page.clock.run_for("00:05")
    expect(page.locator("#timer-phase")).to_have_text("Hold")
    expect(page.locator("#timer-count")).to_have_text("20")
    expect(page.locator("#timer-announce")).to_have_text("Hold. Hold for 20 seconds")
    page.clock.run_for("00:12")
    expect(page.locator("#timer-count")).to_have_text("8")
    page.clock.run_for("00:08")
    expect(page.locator("#timer-phase")).to_have_text("Hold finished. Press Done.")
    expect(page.locator("#timer-announce")).to_have_text("Hold finished. Press Done.")

    _press_done(page)  # set 1, left
    expect(page.locator("#unit")).to_have_text("Set 1 of 2 · Right side")
    expect(page.locator("#timer-phase")).to_have_text("Now the right side")
    page.clock.run_for("00:05")
    expect(page.locator("#timer-phase")).to_have_text("Hold")
    _press_done(page)  # set 1, right
    expect(page.locator("#unit")).to_have_text("Set 2 of 2 · Left side")
    expect(page.locator("#timer-phase")).to_have_text("Rest")
    expect(page.locator("#timer-count")).to_have_text("10")
    page.clock.run_for("00:10")
    expect(page.locator("#timer-phase")).to_have_text("Hold")
    _press_done(page)  # set 2, left
    _press_done(page)  # set 2, right

    # The next exercise: a rest, a get-ready, then two holds of 15 s with a relax between.
    expect(page.get_by_role("heading", name="Knees to chest")).to_be_focused()
    expect(page.locator("#progress-text")).to_have_text("4 of 5 done")
    expect(page.locator("#timer-phase")).to_have_text("Rest")
    page.clock.run_for("00:10")
    expect(page.locator("#timer-phase")).to_have_text("Get ready")
    page.clock.run_for("00:05")
    expect(page.locator("#timer-phase")).to_have_text("Hold, 1 of 2")
    page.clock.run_for("00:15")
    expect(page.locator("#timer-phase")).to_have_text("Relax")
    page.clock.run_for("00:05")
    expect(page.locator("#timer-phase")).to_have_text("Hold, 2 of 2")
    page.clock.run_for("00:15")
    expect(page.locator("#timer-phase")).to_have_text("Hold finished. Press Done.")
    _press_done(page)

    expect(page.get_by_role("heading", name="Well done! How did it go?")).to_be_focused()
    _tab_to_id(page, "pain-0")
    for _ in range(3):
        page.keyboard.press("ArrowRight")
    expect(page.locator("#pain-3")).to_be_checked()
    _tab_to_id(page, "effort-easy")
    page.keyboard.press("ArrowRight")
    expect(page.locator("#effort-right")).to_be_checked()
    _tab_to_id(page, "note")
    page.keyboard.type("Felt looser afterwards")
    _tab_to(page, "Finish session")
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", name="Session finished")).to_be_visible()
    expect(page.get_by_text("1 day in a row")).to_be_visible()
    session = Session.objects.get()
    assert (session.pain, session.effort, session.note) == (3, "right", "Felt looser afterwards")
    assert session.is_finished
    assert session.completions.filter(status="done").count() == 5


def test_a_reload_in_the_middle_resumes_at_the_right_step(
    page, sign_in, patient, each_side_assignment
):
    session = session_start(assignment=each_side_assignment)
    sign_in(page, patient.user)
    page.clock.install()
    page.goto(f"/sessions/{session.id}/")
    _press_done(page)
    _press_done(page)
    _press_done(page)
    _saved(page)
    page.reload()
    expect(page.get_by_role("heading", name="Supine lumbar rotation")).to_be_visible()
    expect(page.locator("#unit")).to_have_text("Set 2 of 2 · Right side")
    expect(page.locator("#progress-text")).to_have_text("3 of 5 done")
    _press_done(page)
    expect(page.get_by_role("heading", name="Knees to chest")).to_be_visible()
    _saved(page)
    assert session.completions.count() == 4


def test_offline_steps_are_queued_and_sent_once_when_back_online(
    page, sign_in, patient, assignment
):
    session = session_start(assignment=assignment)
    steps = list(assignment.routine.steps.order_by("position"))
    sign_in(page, patient.user)
    page.clock.install()
    page.goto(f"/sessions/{session.id}/")
    _press_done(page)
    _saved(page)

    page.context.set_offline(True)
    _press_done(page)
    expect(page.locator("#save-status")).to_contain_text("You are offline")
    _press_done(page)
    expect(page.locator("#save-status")).to_contain_text("not saved yet")
    expect(page.get_by_role("heading", name="Well done! How did it go?")).to_be_visible()
    page.locator("#pain-4").check()
    page.get_by_role("button", name="Finish session").click()
    expect(page.locator("#save-status")).to_contain_text("kept on this device")
    assert session.completions.count() == 1
    # A retry while still offline sends nothing and loses nothing.
    page.clock.run_for("00:30")
    assert session.completions.count() == 1
    queued = page.evaluate(f"JSON.parse(localStorage.getItem('limber:queue:{session.id}'))")
    assert [item["kind"] for item in queued] == ["completion", "completion", "finish"]

    page.context.set_offline(False)
    expect(page.get_by_role("heading", name="Session finished")).to_be_visible()
    assert page.evaluate(f"localStorage.getItem('limber:queue:{session.id}')") is None
    completions = list(session.completions.order_by("step__position"))
    assert [c.step_id for c in completions] == [step.id for step in steps]
    assert {str(c.client_id) for c in completions[1:]} == {
        item["body"]["client_id"] for item in queued[:2]
    }
    session.refresh_from_db()
    assert session.is_finished
    assert session.pain == 4

    # Sending a queued completion again (as after a lost answer) stores nothing new.
    status = page.evaluate(
        """async (item) => {
            const csrf = document.cookie.match(/csrftoken=([^;]+)/)[1];
            const response = await fetch(item.url, {method: 'POST', credentials: 'same-origin',
                headers: {'Content-Type': 'application/json', 'X-CSRFToken': csrf},
                body: JSON.stringify(item.body)});
            return response.status;
        }""",
        queued[0],
    )
    assert status == 200
    assert Completion.objects.count() == 3


def _axe_violations(page):
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_21_AA}})
    return results.violations_count, results.generate_report()


@pytest.mark.parametrize("viewport", [(375, 667), (1280, 800)])
def test_patient_pages_have_no_wcag_21_aa_violations(
    page, sign_in, patient, each_side_assignment, viewport
):
    from tests import factories

    width, height = viewport
    page.set_viewport_size({"width": width, "height": height})
    factories.make_finished_session(each_side_assignment, pain=3)
    sign_in(page, patient.user)
    checked = []

    def check(name):
        count, report = _axe_violations(page)
        assert count == 0, f"{name} at {width}x{height}:\n{report}"
        assert page.evaluate("document.documentElement.scrollWidth") <= width, name
        checked.append(name)

    page.goto("/today/")
    check("today")
    page.goto("/history/")
    check("history")
    page.goto("/plan/")
    check("plan")

    session = session_start(assignment=each_side_assignment)
    page.goto(f"/sessions/{session.id}/")
    check("player start")
    page.get_by_role("button", name="Begin").click()
    expect(page.locator("#timer-phase")).to_have_text("Get ready")
    page.get_by_role("button", name="Done").click()
    page.get_by_role("button", name="Done").click()
    page.locator("#skip summary").click()
    check("player middle")
    page.get_by_role("button", name="Skip", exact=True).click()
    expect(page.locator("#skip-error")).to_have_text("Tell us why you are skipping this step.")
    check("player middle, skip error")
    page.get_by_label("No time").check()
    page.get_by_role("button", name="Skip", exact=True).click()
    page.get_by_role("button", name="Done").click()
    page.get_by_role("button", name="Done").click()
    expect(page.get_by_role("heading", name="Well done! How did it go?")).to_be_visible()
    check("player end")
    page.locator("#pain-8").check()
    page.get_by_role("button", name="Finish session").click()
    expect(page.get_by_role("heading", name="Session finished")).to_be_visible()
    expect(page.get_by_text("Please contact Riverside Physio")).to_be_visible()
    check("session finished")
    assert len(checked) == 8


def test_a_double_tap_on_done_records_one_side(page, sign_in, patient, each_side_assignment):
    session = session_start(assignment=each_side_assignment)
    sign_in(page, patient.user)
    page.clock.install()
    page.goto(f"/sessions/{session.id}/")
    page.get_by_role("button", name="Done").dblclick()
    expect(page.locator("#progress-text")).to_have_text("1 of 5 done")
    _saved(page)
    assert session.completions.count() == 1


def test_the_session_works_without_javascript(browser, live_server, sign_in, patient, assignment):
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 375, "height": 667}, java_script_enabled=False
    )
    page = context.new_page()
    try:
        sign_in(page, patient.user)
        page.get_by_role("button", name=f"Start {assignment.routine.name}").click()
        expect(page.get_by_text("Move slowly, never force a position")).to_be_visible()
        expect(page.locator("#timer")).to_be_hidden()
        page.get_by_role("button", name="Done").click()
        page.locator("#skip summary").click()
        page.get_by_role("button", name="Skip", exact=True).click()
        expect(page.get_by_role("alert")).to_contain_text("Tell us why you are skipping")
        page.get_by_label("Too hard").check()
        page.get_by_role("button", name="Skip", exact=True).click()
        page.get_by_role("button", name="Done").click()
        page.get_by_label("2", exact=True).check()
        page.get_by_label("About right").check()
        page.get_by_role("button", name="Finish session").click()
        expect(page.get_by_role("heading", name="Session finished")).to_be_visible()
    finally:
        context.close()
    session = Session.objects.get()
    assert session.pain == 2
    assert list(session.completions.values_list("status", "skip_reason")) == [
        ("done", ""),
        ("skipped", "too_hard"),
        ("done", ""),
    ]
