import pytest
from django.apps import apps
from django.core.management import call_command

from clinic.models import Clinic, StaffMember, User
from patients.models import Patient, Session

from .. import factories

pytestmark = pytest.mark.django_db


def row_counts() -> dict[str, int]:
    return {
        model._meta.label: model.objects.count()
        for model in apps.get_models()
        if model._meta.app_label in ("clinic", "routines", "patients")
    }


def test_seed_demo_creates_a_believable_clinic(capsys):
    call_command("seed_demo")

    clinic = Clinic.objects.get(name="Limber Demo Clinic")
    roles = set(StaffMember.objects.filter(clinic=clinic).values_list("role", flat=True))
    assert roles == {"physio", "admin"}
    patients = Patient.objects.filter(clinic=clinic)
    assert 10 <= patients.count() <= 15
    assert all(p.assignments.exists() for p in patients)
    # Sixty days of history, with adherent, lapsing and worsening patients among them.
    dates = Session.objects.filter(patient__clinic=clinic).values_list("local_date", flat=True)
    assert (max(dates) - min(dates)).days >= 55
    per_patient = {p.first_name: p.sessions.count() for p in patients}
    assert per_patient["Anna"] > 50
    assert per_patient["Kim"] == 0
    iris = list(Patient.objects.get(first_name="Iris").sessions.order_by("started_at"))
    assert iris[-1].pain > iris[0].pain
    assert iris[-1].flagged
    out = capsys.readouterr().out
    assert "physio" in out
    assert "authenticator app" in out


def test_seed_demo_run_twice_changes_nothing(capsys):
    call_command("seed_demo")
    before = row_counts()
    call_command("seed_demo")
    assert row_counts() == before
    assert "nothing changed" in capsys.readouterr().out


def test_demo_credentials_sign_in(client):
    from clinic.management.commands.seed_demo import DEMO_PASSWORD

    call_command("seed_demo")
    assert client.login(username="physio", password=DEMO_PASSWORD)
    # The admin asks everyone for the second sign-in step (tests/security/test_two_factor.py).
    assert client.get("/admin/patients/patient/").status_code == 302
    factories.verify_second_step(client, User.objects.get(username="physio"))
    response = client.get("/admin/patients/patient/")
    assert response.status_code == 200
    assert response.context["cl"].result_count == 12
