"""Writes of the review: recording that staff looked at a patient's alert."""

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from patients.models import AttentionReview, Patient, Session


@transaction.atomic
def attention_review_record(
    *,
    patient: Patient,
    reviewed_by: AbstractBaseUser,
    reasons: list[str],
    last_session: Session | None,
    adherence_7: int | None = None,
    latest_pain: int | None = None,
) -> AttentionReview:
    """Record that a staff member looked at a patient's alert, and the data it covered."""
    if last_session is not None and last_session.patient_id != patient.pk:
        raise ValidationError({"last_session": _("This session is not this patient's.")})
    review = AttentionReview(
        patient=patient,
        reviewed_by=reviewed_by,
        reviewed_at=timezone.now(),
        reviewed_on=patient.clinic.today(),
        reasons=" ".join(reasons),
        last_session=last_session,
        adherence_7=adherence_7,
        latest_pain=latest_pain,
    )
    review.full_clean()
    review.save()
    return review
