"""The strict CSP in a real browser: the admin and the sign-in page work with no violation."""

import datetime

import pytest

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

WATCH_CSP = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', (event) => {
  window.__cspViolations.push(event.violatedDirective + ' ' + event.blockedURI);
});
"""


def _watch(page) -> list[str]:
    console = []
    page.add_init_script(WATCH_CSP)
    page.on(
        "console",
        lambda message: (
            console.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    return console


def test_admin_change_form_works_under_the_csp(page, sign_in, therapist, patient, assignment):
    console = _watch(page)
    sign_in(page, therapist.user, second_step=True)  # the admin asks everyone for a code
    page.wait_for_url("**/staff/")  # staff land on their workspace
    page.goto(f"/admin/patients/patient/{patient.pk}/change/")
    page.get_by_role("heading", name="Change patient").wait_for()
    # The inline formset's "Add another" link is made by the admin's JavaScript: it ran.
    add_another = page.get_by_role("button", name="Add another Assignment")
    rows = page.locator("#assignments-group tr.form-row:not(.empty-form)")
    before = rows.count()
    add_another.click()
    assert rows.count() == before + 1
    page.goto(f"/admin/patients/assignment/{assignment.pk}/change/")
    page.get_by_role("heading", name="Change assignment").wait_for()
    assert page.evaluate("window.__cspViolations") == []
    assert console == []
    # The watch works: an injected inline script is blocked and reported.
    page.evaluate(
        "const s = document.createElement('script'); s.textContent = 'window.__ran = 1';"
        "document.body.appendChild(s)"
    )
    assert page.evaluate("window.__ran") is None
    page.wait_for_function("window.__cspViolations.length > 0")
    assert page.evaluate("window.__cspViolations")[0].startswith("script-src")


def test_patient_keeps_signed_in_with_the_labelled_checkbox(page, patient, assignment):
    console = _watch(page)
    page.goto("/login/")
    page.get_by_label("Username").fill(patient.user.username)
    from tests import factories

    page.get_by_label("Password").fill(factories.PASSWORD)
    checkbox = page.get_by_label("Keep me signed in on this device")
    checkbox.check()
    assert checkbox.is_checked()
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", name=f"Hello {patient.first_name}").wait_for()
    (cookie,) = [c for c in page.context.cookies() if c["name"] == "sessionid"]
    lasts = datetime.datetime.fromtimestamp(cookie["expires"], tz=datetime.UTC)
    assert lasts - datetime.datetime.now(datetime.UTC) > datetime.timedelta(days=29)
    assert page.evaluate("window.__cspViolations") == []
    assert console == []


def test_session_without_keep_me_signed_in_ends_with_the_browser(page, sign_in, patient):
    sign_in(page, patient.user)
    page.get_by_role("heading", name=f"Hello {patient.first_name}").wait_for()
    (cookie,) = [c for c in page.context.cookies() if c["name"] == "sessionid"]
    assert cookie["expires"] == -1  # a browser-session cookie
