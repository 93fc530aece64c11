"""The session player at 360 x 740 on Playwright's clock: no countdown starts without the
patient, Pause / Resume / Hold longer, rests under their own exercise, the first screen,
the offline notice beside the controls, the wake lock, the position kept across a reload,
focus and announcements, 44 px targets and axe on every state.

Screenshots of every state at 360 and 1280 px are written to $PLAYER_SHOTS when it is set.
"""

import os

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from patients.roster.services import invitation_create
from patients.sessions.services import session_start
from routines.models import Routine, RoutineStep
from tests import factories
from tests.browser import wait_until
from tests.patients.builtin_library import install_builtin_library

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 800}
WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]

# A test double of the Screen Wake Lock API that writes down every request and release.
WAKE_LOCK_DOUBLE = """
window.__wakeLog = [];
Object.defineProperty(navigator, 'wakeLock', {configurable: true, value: {
  request: function (type) {
    window.__wakeLog.push('request:' + type);
    const listeners = [];
    const lock = {
      released: false, type: type,
      addEventListener: function (name, fn) { listeners.push(fn); },
      release: function () {
        if (!lock.released) {
          lock.released = true;
          window.__wakeLog.push('release');
          listeners.forEach(function (fn) { fn(); });
        }
        return Promise.resolve();
      }
    };
    return Promise.resolve(lock);
  }
}});
"""


@pytest.fixture
def phone(page):
    page.set_viewport_size(PHONE)
    page.add_init_script(WAKE_LOCK_DOUBLE)
    page.clock.install()
    return page


@pytest.fixture
def timed_assignment(patient, clinic):
    """Exercise A: hold 10 s, 2 repetitions with a 5 s rest, 2 sets with a 30 s rest, each
    side. Exercise B: hold 15 s once, both sides at once. Then the end."""
    routine = factories.make_routine(clinic, steps=0, name="Evening stretches")
    RoutineStep.objects.create(
        routine=routine,
        exercise=factories.make_exercise(clinic, name="Hamstring stretch"),
        position=1,
        hold_seconds=10,
        repetitions=2,
        rest_between_repetitions_seconds=5,
        sets=2,
        rest_between_sets_seconds=30,
        sides="each",
    )
    RoutineStep.objects.create(
        routine=routine,
        exercise=factories.make_exercise(clinic, name="Cat and camel"),
        position=2,
        hold_seconds=15,
        repetitions=1,
        rest_between_repetitions_seconds=0,
        sets=1,
        rest_between_sets_seconds=20,
        sides="both",
    )
    return factories.make_assignment(patient, routine)


def _open(page, sign_in, patient, assignment):
    session = session_start(assignment=assignment)
    sign_in(page, patient.user)
    page.goto(f"/sessions/{session.id}/")
    return session


def _phase(page):
    return page.locator("#timer-phase")


def _count(page):
    return page.locator("#timer-count")


def _in_viewport(page, selector):
    box = page.locator(selector).bounding_box()
    size = page.viewport_size
    return (
        box is not None
        and box["x"] >= 0
        and box["y"] >= 0
        and box["x"] + box["width"] <= size["width"]
        and box["y"] + box["height"] <= size["height"]
    )


def _active(page):
    return page.evaluate(
        "(() => { const e = document.activeElement;"
        " return e ? (e.id || e.tagName.toLowerCase()) : null; })()"
    )


def _start_hold(page):
    page.locator("#timer-start").click()
    expect(_phase(page)).to_have_text("Get ready")
    page.clock.run_for("00:05")


def _primary_buttons(page):
    return page.evaluate(
        "Array.from(document.querySelectorAll('#player button.primary'))"
        ".filter(b => b.offsetParent !== null).map(b => b.id)"
    )


def _shot(page, name):
    folder = os.environ.get("PLAYER_SHOTS")
    if folder:
        width = page.viewport_size["width"]
        page.screenshot(path=os.path.join(folder, f"{name}-{width}.png"))


def test_player_first_screen_shows_the_exercise_and_main_button_without_scrolling(
    phone, sign_in, patient, timed_assignment
):
    _open(phone, sign_in, patient, timed_assignment)
    expect(phone.get_by_role("heading", name="Hamstring stretch")).to_be_visible()
    for selector in ("#step-title-1", "section.step:not([hidden]) .prescription", "#timer-start"):
        assert _in_viewport(phone, selector), selector
    expect(phone.locator("#timer-start")).to_have_text("Begin")
    assert _primary_buttons(phone) == ["timer-start"]
    # The core advice is on this first screen, once, below the controls.
    expect(phone.locator("#session-advice")).to_contain_text("Move slowly")
    assert phone.locator(".advice").count() == 1
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_player_first_screen_fits_a_built_in_stretch_with_its_picture(phone, sign_in, patient):
    install_builtin_library()
    template = Routine.objects.get(clinic=None, name="Daily back care")
    _open(phone, sign_in, patient, factories.make_assignment(patient, template))
    step = phone.locator("section.step:not([hidden])")
    expect(step.locator(".illustration")).to_be_visible()
    for selector in ("#step-title-1", "section.step:not([hidden]) .illustration", "#timer-start"):
        assert _in_viewport(phone, selector), selector
    _shot(phone, "first-screen-built-in")


def test_player_prescription_speaks_the_timing_words(phone, sign_in, patient, timed_assignment):
    _open(phone, sign_in, patient, timed_assignment)
    expect(phone.locator("section.step:not([hidden]) .prescription")).to_have_text(
        "Hold 10 s · each side · 2 repetitions, rest 5 s between · 2 sets, rest 30 s between"
    )


def test_player_pause_holds_the_countdown_and_resume_continues_it(
    phone, sign_in, patient, timed_assignment
):
    _open(phone, sign_in, patient, timed_assignment)
    _start_hold(phone)
    expect(_phase(phone)).to_have_text("Hold, 1 of 2")
    phone.clock.run_for("00:03")
    expect(_count(phone)).to_have_text("7")
    assert _primary_buttons(phone) == ["timer-pause"]
    phone.locator("#timer-pause").click()
    expect(_phase(phone)).to_have_text("Paused: Hold, 1 of 2")
    assert _active(phone) == "timer-resume"
    assert _primary_buttons(phone) == ["timer-resume"]
    phone.clock.run_for("01:00")
    expect(_count(phone)).to_have_text("7")
    phone.locator("#timer-resume").click()
    phone.clock.run_for("00:02")
    expect(_count(phone)).to_have_text("5")
    # A rest can be paused too.
    phone.clock.run_for("00:05")
    expect(_phase(phone)).to_have_text("Rest between repetitions")
    phone.locator("#timer-pause").click()
    phone.clock.run_for("00:30")
    expect(_phase(phone)).to_have_text("Paused: Rest between repetitions")
    expect(_count(phone)).to_have_text("5")


def test_player_a_hold_can_be_extended_by_ten_seconds(phone, sign_in, patient, timed_assignment):
    _open(phone, sign_in, patient, timed_assignment)
    _start_hold(phone)
    phone.clock.run_for("00:08")
    expect(_count(phone)).to_have_text("2")
    phone.get_by_role("button", name="Hold 10 s longer").click()
    expect(_count(phone)).to_have_text("12")
    expect(phone.locator("#timer-announce")).to_have_text("10 seconds added: 12 seconds left")
    phone.clock.run_for("00:11")
    expect(_phase(phone)).to_have_text("Hold, 1 of 2")
    phone.clock.run_for("00:01")
    expect(_phase(phone)).to_have_text("Rest between repetitions")


def test_player_after_done_on_one_side_nothing_counts_until_the_patient_acts(
    phone, sign_in, patient, timed_assignment
):
    _open(phone, sign_in, patient, timed_assignment)
    _start_hold(phone)
    phone.clock.run_for("00:10")  # hold 1
    expect(_phase(phone)).to_have_text("Rest between repetitions")
    expect(phone.locator("#timer-hint")).to_have_text("Next: repetition 2 of 2")
    phone.clock.run_for("00:05")  # rest 5 s, then hold 2 by itself (the patient is in place)
    expect(_phase(phone)).to_have_text("Hold, 2 of 2")
    phone.clock.run_for("00:10")
    expect(_phase(phone)).to_have_text("Hold finished. Press Done.")
    assert _primary_buttons(phone) == ["done-button"]
    phone.get_by_role("button", name="Done").click()

    expect(phone.locator("#unit")).to_have_text("Set 1 of 2 · Right side")
    expect(_phase(phone)).to_have_text("Now the right side.")
    phone.clock.run_for("02:00")
    expect(_phase(phone)).to_have_text("Now the right side.")
    expect(_count(phone)).to_have_text("")
    expect(phone.locator("#timer-start")).to_have_text("Start hold")
    assert _primary_buttons(phone) == ["timer-start"]
    assert _active(phone) == "timer-start"
    phone.locator("#timer-start").click()
    expect(_phase(phone)).to_have_text("Get ready")


def test_player_automatic_flow_starts_the_get_ready_when_the_clinic_chose_it(
    phone, sign_in, patient, clinic, timed_assignment
):
    clinic.player_automatic_flow = True
    clinic.save()
    _open(phone, sign_in, patient, timed_assignment)
    phone.get_by_role("button", name="Done").click()
    expect(_phase(phone)).to_have_text("Get ready")
    phone.clock.run_for("00:05")
    expect(_phase(phone)).to_have_text("Hold, 1 of 2")
    assert _primary_buttons(phone) == ["timer-pause"]


def test_player_rests_under_their_own_exercise_and_never_after_a_skip_or_the_last(
    phone, sign_in, patient, timed_assignment
):
    _open(phone, sign_in, patient, timed_assignment)
    done = phone.get_by_role("button", name="Done")
    done.click()  # set 1 left
    phone.locator("#timer-start").click()
    done.click()  # set 1 right: the rest between sets of this exercise follows
    expect(phone.locator("#unit")).to_have_text("Set 2 of 2 · Left side")
    expect(_phase(phone)).to_have_text("Rest between sets")
    expect(_count(phone)).to_have_text("30")
    assert _active(phone) == "timer-pause"
    expect(phone.locator("#timer-hint")).to_have_text("Next: set 2 of 2")
    expect(phone.get_by_role("heading", name="Hamstring stretch")).to_be_visible()
    expect(phone.get_by_role("heading", name="Cat and camel")).to_be_hidden()
    _shot(phone, "rest-between-sets")
    phone.clock.run_for("00:30")
    expect(_phase(phone)).to_have_text("Rest over.")
    expect(_count(phone)).to_have_text("")
    # Pause had focus during the rest; Start hold takes it when the rest is over.
    assert _active(phone) == "timer-start"
    phone.clock.run_for("00:30")
    expect(_count(phone)).to_have_text("")

    # Set 2 left done, then the right side skipped: no rest, the next exercise waits.
    done.click()
    phone.locator("#skip summary").click()
    phone.get_by_label("No time").check()
    phone.get_by_role("button", name="Skip", exact=True).click()
    expect(phone.get_by_role("heading", name="Cat and camel")).to_be_focused()
    expect(_phase(phone)).to_have_text("Ready when you are")
    phone.clock.run_for("01:00")
    expect(_count(phone)).to_have_text("")

    # The last exercise done: straight to the end, no rest (its rest between sets is 20 s).
    done.click()
    expect(phone.get_by_role("heading", name="Well done! How did it go?")).to_be_focused()
    expect(phone.locator("#timer")).to_be_hidden()


def test_player_skip_then_the_same_exercise_keeps_focus_and_escape_closes_the_choices(
    phone, sign_in, patient, timed_assignment
):
    _open(phone, sign_in, patient, timed_assignment)
    phone.locator("#skip summary").click()
    phone.keyboard.press("Escape")
    expect(phone.locator("#skip")).not_to_have_attribute("open", "")
    assert phone.evaluate("document.activeElement.tagName") == "SUMMARY"
    phone.keyboard.press("Enter")
    phone.get_by_label("Too hard").check()
    phone.get_by_role("button", name="Skip", exact=True).click()
    expect(phone.locator("#unit")).to_have_text("Set 1 of 2 · Right side")
    assert _active(phone) == "timer-start"
    expect(phone.locator("#player-announce")).to_have_text(
        "Hamstring stretch (Set 1 of 2 · Left side) skipped: 1 of 5 done."
    )


def test_player_announces_each_step_in_a_live_region_present_on_load(
    phone, sign_in, patient, timed_assignment
):
    _open(phone, sign_in, patient, timed_assignment)
    region = phone.locator("#player-announce")
    expect(region).to_have_attribute("role", "status")
    expect(region).to_have_text("")
    phone.get_by_role("button", name="Done").click()
    expect(region).to_have_text("Hamstring stretch (Set 1 of 2 · Left side) done: 1 of 5 done.")


def test_player_offline_notice_is_in_view_beside_the_controls(
    phone, sign_in, patient, timed_assignment
):
    session = _open(phone, sign_in, patient, timed_assignment)
    phone.context.set_offline(True)
    phone.get_by_role("button", name="Done").click()
    notice = phone.locator("#save-status")
    expect(notice).to_have_text("Saved on this phone; it will be sent when you are back online.")
    for control in ("#timer-start", "#save-status", "#done-button"):
        assert _in_viewport(phone, control), control
    # Right under the main button, right above Done.
    gaps = phone.evaluate(
        "(() => { const box = id => document.getElementById(id).getBoundingClientRect();"
        " return [box('save-status').top - box('timer').bottom,"
        " box('done-button').top - box('save-status').bottom]; })()"
    )
    assert all(0 <= gap <= 24 for gap in gaps), gaps
    _shot(phone, "offline")
    phone.context.set_offline(False)
    expect(notice).to_have_text("All your progress is saved.")
    assert session.completions.count() == 1


def test_player_finishing_offline_keeps_focus_on_the_finish_button(
    phone, sign_in, patient, assignment
):
    _open(phone, sign_in, patient, assignment)
    for _ in range(3):
        phone.get_by_role("button", name="Done").click()
    phone.context.set_offline(True)
    phone.locator("#pain-2").check()
    phone.locator("#finish-button").focus()
    phone.keyboard.press("Enter")
    expect(phone.locator("#save-status")).to_contain_text("saved on this phone")
    assert _active(phone) == "finish-button"
    expect(phone.locator("#finish-button")).to_have_attribute("aria-disabled", "true")
    assert _in_viewport(phone, "#save-status")
    phone.context.set_offline(False)
    expect(phone.get_by_role("heading", name="Session finished")).to_be_visible()


def test_player_wake_lock_is_requested_on_begin_and_released_at_the_end(
    phone, sign_in, patient, assignment
):
    _open(phone, sign_in, patient, assignment)
    assert phone.evaluate("window.__wakeLog") == []
    phone.get_by_role("button", name="Begin").click()
    wait_until(phone, "window.__wakeLog.length === 1")
    assert phone.evaluate("window.__wakeLog") == ["request:screen"]
    for _ in range(3):
        phone.get_by_role("button", name="Done").click()
    expect(phone.get_by_role("heading", name="Well done! How did it go?")).to_be_visible()
    wait_until(phone, "window.__wakeLog.length === 2")
    assert phone.evaluate("window.__wakeLog") == ["request:screen", "release"]


def test_player_releases_the_wake_lock_when_hidden(phone, sign_in, patient, assignment):
    _open(phone, sign_in, patient, assignment)
    phone.get_by_role("button", name="Begin").click()
    wait_until(phone, "window.__wakeLog.length === 1")
    phone.evaluate(
        "Object.defineProperty(document, 'visibilityState', {configurable: true,"
        " get: () => 'hidden'}); document.dispatchEvent(new Event('visibilitychange'))"
    )
    wait_until(phone, "window.__wakeLog.length === 2")
    phone.evaluate(
        "Object.defineProperty(document, 'visibilityState', {configurable: true,"
        " get: () => 'visible'}); document.dispatchEvent(new Event('visibilitychange'))"
    )
    wait_until(phone, "window.__wakeLog.length === 3")
    assert phone.evaluate("window.__wakeLog") == ["request:screen", "release", "request:screen"]


def test_player_remembers_the_position_in_a_hold_across_a_reload(
    phone, sign_in, patient, timed_assignment
):
    _open(phone, sign_in, patient, timed_assignment)
    _start_hold(phone)
    phone.clock.run_for("00:04")
    expect(_count(phone)).to_have_text("6")
    phone.reload()
    expect(_phase(phone)).to_have_text("Paused: Hold, 1 of 2")
    expect(_count(phone)).to_have_text("6")
    assert _primary_buttons(phone) == ["timer-resume"]
    phone.locator("#timer-resume").click()
    phone.clock.run_for("00:06")
    expect(_phase(phone)).to_have_text("Rest between repetitions")


def test_player_sound_can_be_turned_off_and_the_flash_still_shows(
    phone, sign_in, patient, assignment
):
    _open(phone, sign_in, patient, assignment)
    phone.get_by_label("Sound at the end of a hold").uncheck()
    phone.reload()
    expect(phone.get_by_label("Sound at the end of a hold")).not_to_be_checked()
    phone.get_by_role("button", name="Begin").click()
    phone.clock.run_for("00:25")
    expect(phone.locator("#timer")).to_have_class("timer flash")


def test_player_has_a_way_out(phone, sign_in, patient, assignment):
    _open(phone, sign_in, patient, assignment)
    phone.get_by_role("button", name="Done").click()
    exit_nav = phone.get_by_role("navigation", name="Leave the session")
    expect(exit_nav).to_contain_text("What you did so far is kept")
    for name in ("Today", "My plan", "History"):
        expect(exit_nav.get_by_role("link", name=name, exact=True)).to_be_visible()
    exit_nav.get_by_role("link", name="Stop for now").click()
    expect(phone.get_by_role("link", name=f"Continue {assignment.routine.name}")).to_be_visible()


# Every state the player can be in, reached on the fake clock.
def _walk_player_states(page, visit):
    visit("waiting to begin")
    page.locator("#timer-start").click()
    visit("get ready")
    page.clock.run_for("00:05")
    visit("hold")
    page.locator("#timer-pause").click()
    visit("paused")
    page.locator("#timer-resume").click()
    page.clock.run_for("00:10")
    visit("rest between repetitions")
    page.clock.run_for("00:15")
    visit("hold finished")
    page.get_by_role("button", name="Done").click()
    visit("side switch waiting")
    page.locator("#timer-start").click()
    page.get_by_role("button", name="Done").click()
    visit("rest between sets")
    page.locator("#skip summary").click()
    page.get_by_role("button", name="Skip", exact=True).click()
    expect(page.locator("#skip-error")).to_have_text("Tell us why you are skipping this step.")
    visit("skip choices with an error")
    page.get_by_label("No time").check()
    page.get_by_role("button", name="Skip", exact=True).click()
    page.get_by_role("button", name="Done").click()
    expect(page.get_by_role("heading", name="Cat and camel")).to_be_visible()
    visit("new exercise")
    page.get_by_role("button", name="Done").click()
    expect(page.get_by_role("heading", name="Well done! How did it go?")).to_be_visible()
    visit("end screen")
    page.get_by_role("button", name="Finish session").click()
    visit("end screen with an error")
    page.locator("#pain-3").check()
    page.get_by_role("button", name="Finish session").click()
    expect(page.get_by_role("heading", name="Session finished")).to_be_visible()
    visit("session finished")


SMALL_TARGETS = """
() => Array.from(document.querySelectorAll(
    'a[href], button, input:not([type=hidden]), select, textarea, summary,'
    + ' [tabindex]:not([tabindex="-1"])'
  )).filter(e => {
    const style = getComputedStyle(e);
    const r = e.getBoundingClientRect();
    return r.width > 0 && r.height > 0 && style.visibility !== 'hidden' && !e.closest('[hidden]')
      && !e.classList.contains('skip-link');
  }).map(e => {
    // A radio or checkbox's target is its whole label when the label holds it.
    const target = (e.type === 'radio' || e.type === 'checkbox') && e.closest('label')
      ? e.closest('label') : e;
    const r = target.getBoundingClientRect();
    return {what: (e.id || e.textContent || e.name || e.tagName).trim().slice(0, 40),
            width: Math.round(r.width), height: Math.round(r.height)};
  }).filter(t => t.width < 44 || t.height < 44)
"""


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["360x740", "1280x800"])
def test_player_every_state_has_no_axe_violations_and_targets_of_44_px(
    page, sign_in, patient, timed_assignment, viewport
):
    page.set_viewport_size(viewport)
    page.add_init_script(WAKE_LOCK_DOUBLE)
    page.clock.install()
    _open(page, sign_in, patient, timed_assignment)
    visited = []

    def visit(name):
        label = f"{name} at {viewport['width']}x{viewport['height']}"
        results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_22_AA}})
        assert results.violations_count == 0, f"{label}:\n{results.generate_report()}"
        assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"], label
        if viewport is PHONE:
            small = page.evaluate(SMALL_TARGETS)
            assert small == [], f"{label}: targets under 44 x 44 px: {small}"
        _shot(page, name.replace(" ", "-"))
        visited.append(name)

    _walk_player_states(page, visit)
    assert len(visited) == 13


def test_patient_pages_reflow_at_360_px_with_200_percent_text(
    page, sign_in, patient, each_side_assignment
):
    """Text at twice the size (the root font doubled) still wraps inside 360 px."""
    page.set_viewport_size(PHONE)
    page.add_init_script(
        "document.addEventListener('DOMContentLoaded', () =>"
        " { document.documentElement.style.fontSize = '225%'; })"
    )
    factories.make_finished_session(each_side_assignment, pain=3)
    session = session_start(assignment=each_side_assignment)
    sign_in(page, patient.user)
    for url in ("/today/", "/plan/", "/history/", f"/sessions/{session.id}/"):
        page.goto(url)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], f"{url}: {width} px wide"
        _shot(page, "text-200-" + url.strip("/").replace("/", "-"))


def test_patient_pages_have_targets_of_44_px(page, sign_in, patient, each_side_assignment):
    page.set_viewport_size(PHONE)
    factories.make_finished_session(each_side_assignment, pain=3)
    sign_in(page, patient.user)
    for url in ("/today/", "/plan/", "/history/"):
        page.goto(url)
        small = page.evaluate(SMALL_TARGETS)
        assert small == [], f"{url}: targets under 44 x 44 px: {small}"
        _shot(page, url.strip("/"))
    # The pages a patient meets before signing in: the invitation and the sign-in form.
    page.context.clear_cookies()
    _, token = invitation_create(patient=patient)
    for url in (f"/invite/{token}/", "/login/"):
        page.goto(url)
        small = page.evaluate(SMALL_TARGETS)
        assert small == [], f"{url}: targets under 44 x 44 px: {small}"
        _shot(page, url.strip("/"))
