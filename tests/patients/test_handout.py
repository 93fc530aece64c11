"""The printed handout of a patient's plan (issue 14): their name, their schedule in words, the
clinic's contact details, a QR code to their own sign-in and a Print button; a template's
handout stays generic. Clinic admins set the contact details on the team page and in the
admin; physiotherapists cannot."""

import re
from urllib.parse import quote

import pytest
from django.urls import reverse

from clinic.models import Clinic
from patients.roster.services import invitation_create
from tests import factories

pytestmark = pytest.mark.django_db

MON_WED_FRI = 0b10101


@pytest.fixture
def plan(clinic, patient):
    clinic.address = "Keizersgracht 1\n1015 CJ Amsterdam"
    clinic.phone = "+31 20 123 4567"
    clinic.save()
    return factories.make_assignment(patient, weekdays=MON_WED_FRI, sessions_per_day=2)


def handout(client, user, assignment) -> str:
    client.force_login(user)
    response = client.get(reverse("staff:assignment_handout", args=[assignment.id]))
    assert response.status_code == 200
    return response.content.decode()


def test_plan_handout_shows_the_patient_schedule_and_clinic_contact(client, therapist, plan):
    page = handout(client, therapist.user, plan)
    assert f"For {plan.patient}" in page
    assert plan.routine.name in page
    assert "Monday, Wednesday and Friday · 2 times a day" in page
    assert "Keizersgracht 1<br>1015 CJ Amsterdam" in page
    assert "+31 20 123 4567" in page
    assert plan.patient.clinic.name in page
    assert "limber/print.js" in page
    assert "data-print" in page
    assert "style=" not in page
    assert "<script>" not in page


def test_plan_handout_qr_code_leads_to_the_patients_own_sign_in(client, therapist, plan):
    page = handout(client, therapist.user, plan)
    username = plan.patient.user.username
    target = f"http://testserver/login/?username={quote(username)}"
    assert target in page
    assert "<svg" in page
    # The prefilled sign-in page the code leads to.
    client.logout()
    sign_in = client.get(target).content.decode()
    assert re.search(rf'name="username"[^>]*value="{username}"', sign_in)


def test_plan_handout_never_prints_an_invitation_token(client, therapist, clinic):
    patient = factories.make_patient(clinic, therapist, account=False)
    _, token = invitation_create(patient=patient)
    assignment = factories.make_assignment(patient)
    page = handout(client, therapist.user, assignment)
    assert token not in page
    assert "/invite/" not in page
    assert "http://testserver/login/" in page
    assert "?username=" not in page
    assert "invitation link from your physiotherapist" in page


def test_plan_handout_is_the_clinics_not_anothers(client, other_clinic_therapist, plan):
    client.force_login(other_clinic_therapist.user)
    url = reverse("staff:assignment_handout", args=[plan.id])
    assert client.get(url).status_code == 404


def test_colleague_prints_the_plan_handout_too(client, colleague, plan):
    assert f"For {plan.patient}" in handout(client, colleague.user, plan)


def test_template_handout_stays_generic(client, therapist, plan, clinic):
    template = factories.make_routine(clinic, is_template=True)
    client.force_login(therapist.user)
    page = client.get(reverse("routines:handout", args=[template.id])).content.decode()
    assert "For " not in page
    assert "?username=" not in page
    assert "+31 20 123 4567" not in page
    assert "http://testserver/login/" in page
    assert "data-print" in page


def test_builder_of_a_plan_links_to_the_patients_handout(client, therapist, plan):
    client.force_login(therapist.user)
    page = client.get(reverse("routines:builder", args=[plan.routine_id])).content.decode()
    assert reverse("staff:assignment_handout", args=[plan.id]) in page
    detail = client.get(reverse("staff:patient_detail", args=[plan.patient_id])).content.decode()
    assert reverse("staff:assignment_handout", args=[plan.id]) in detail


def test_clinic_admin_sets_the_contact_details_on_the_team_page(client, clinic_admin, clinic):
    client.force_login(clinic_admin.user)
    page = client.get(reverse("team:staff_list")).content.decode()
    assert 'name="address"' in page
    assert 'name="phone"' in page
    response = client.post(
        reverse("team:clinic_contact"), {"address": " 1 Main Street ", "phone": "020 123"}
    )
    assert response.status_code == 302
    clinic.refresh_from_db()
    assert (clinic.address, clinic.phone) == ("1 Main Street", "020 123")


def test_contact_details_refuse_a_phone_over_two_lines(client, clinic_admin, clinic):
    client.force_login(clinic_admin.user)
    response = client.post(reverse("team:clinic_contact"), {"address": "", "phone": "1\n2"})
    assert response.status_code == 400
    clinic.refresh_from_db()
    assert clinic.phone == ""


def test_physiotherapist_cannot_set_the_contact_details(client, therapist, clinic):
    client.force_login(therapist.user)
    response = client.post(reverse("team:clinic_contact"), {"address": "X", "phone": "1"})
    assert response.status_code == 404
    clinic.refresh_from_db()
    assert clinic.address == ""


def _admin_change(clinic: Clinic) -> str:
    return reverse("admin:clinic_clinic_change", args=[clinic.pk])


def test_clinic_admin_sets_the_contact_details_in_the_admin(client, clinic_admin, clinic):
    client.force_login(clinic_admin.user)
    form = client.get(_admin_change(clinic)).content.decode()
    assert 'name="address"' in form
    assert 'name="phone"' in form
    data = {
        "name": clinic.name,
        "timezone": clinic.timezone,
        "language": clinic.language,
        "attention_adherence_percent": clinic.attention_adherence_percent,
        "attention_missed_days": clinic.attention_missed_days,
        "attention_pain": clinic.attention_pain,
        "address": "2 Side Street",
        "phone": "+31 6 1234",
    }
    response = client.post(_admin_change(clinic), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    clinic.refresh_from_db()
    assert (clinic.address, clinic.phone) == ("2 Side Street", "+31 6 1234")


def test_physiotherapist_cannot_change_the_clinic_in_the_admin(client, therapist, clinic):
    client.force_login(therapist.user)
    response = client.post(_admin_change(clinic), {"name": clinic.name, "address": "X"})
    assert response.status_code in (302, 403, 404)
    clinic.refresh_from_db()
    assert clinic.address == ""
