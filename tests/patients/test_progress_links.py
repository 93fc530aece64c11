"""The progress page and the patient page link to each other; "Mark reviewed" works from
the progress page and comes back to it; "All patients" goes to the roster (issue 14)."""

import pytest
from django.urls import reverse

from patients.models import AttentionReview

pytestmark = pytest.mark.django_db


def test_progress_and_patient_pages_link_to_each_other(client, therapist, patient, assignment):
    client.force_login(therapist.user)
    progress = reverse("dashboard:progress", args=[patient.pk])
    detail = reverse("staff:patient_detail", args=[patient.pk])
    assert f'href="{progress}"' in client.get(detail).content.decode()
    page = client.get(progress).content.decode()
    assert f'href="{detail}"' in page
    assert f'href="{reverse("staff:patient_list")}">All patients' in page


def test_mark_reviewed_from_the_progress_page_comes_back_to_it(
    client, therapist, patient, assignment
):
    # A plan running for 30 days without a session: low adherence, needs attention.
    client.force_login(therapist.user)
    progress = reverse("dashboard:progress", args=[patient.pk])
    page = client.get(progress).content.decode()
    assert f"Mark {patient} as reviewed" in page
    response = client.post(
        reverse("dashboard:review", args=[patient.pk]), {"last_session": "", "back": "progress"}
    )
    assert response.status_code == 302
    assert response.url == progress
    assert AttentionReview.objects.filter(patient=patient, reviewed_by=therapist.user).exists()


@pytest.mark.parametrize("role", ["other_clinic_therapist", "patient"])
def test_mark_reviewed_is_404_for_others(client, request, patient, assignment, role):
    client.force_login(request.getfixturevalue(role).user)
    response = client.post(
        reverse("dashboard:review", args=[patient.pk]), {"last_session": "", "back": "progress"}
    )
    assert response.status_code == 404
    assert not AttentionReview.objects.exists()
