"""The clinic's "automatic flow in the session player" setting: off by default, set by the
clinic's admin in the Django admin, read by the player (data-auto on #player)."""

import pytest
from django.urls import reverse

from patients.sessions.services import session_start
from tests import factories

pytestmark = pytest.mark.django_db


def test_player_setting_is_off_by_default(clinic):
    assert clinic.player_automatic_flow is False


def test_player_setting_is_on_the_clinic_admin_page_of_a_clinic_admin(client, clinic_admin):
    client.force_login(clinic_admin.user)
    factories.verify_second_step(client, clinic_admin.user)
    url = reverse("admin:clinic_clinic_change", args=[clinic_admin.clinic.pk])
    page = client.get(url).content.decode()
    assert 'name="player_automatic_flow"' in page


def test_player_reads_the_setting(client, patient, assignment, clinic):
    session = session_start(assignment=assignment)
    client.force_login(patient.user)
    url = reverse("patients:session", args=[session.id])
    assert 'data-auto="0"' in client.get(url).content.decode()
    clinic.player_automatic_flow = True
    clinic.save()
    assert 'data-auto="1"' in client.get(url).content.decode()
