import pytest

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def test_patient_signs_in_on_a_phone_and_sees_their_plan(page, sign_in, patient, assignment):
    sign_in(page, patient.user)
    page.get_by_role("heading", name=f"Hello {patient.first_name}").wait_for()
    assert page.get_by_role("heading", name=assignment.routine.name).is_visible()
    # Nothing scrolls sideways on a 375 px phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
