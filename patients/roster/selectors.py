"""Reads for the roster: the clinic's patients, its staff, one patient's page, an
invitation by its token."""

import datetime
import hashlib

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet, Subquery

from clinic.models import Clinic, StaffMember
from patients.models import Assignment, AssignmentPause, Invitation, Patient, Session
from patients.review.adherence import patients_needing_attention


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def running_assignments_q(today: datetime.date, prefix: str = "") -> Q:
    return Q(**{f"{prefix}starts_on__lte": today}) & (
        Q(**{f"{prefix}ends_on__isnull": True}) | Q(**{f"{prefix}ends_on__gte": today})
    )


def roster(
    *,
    clinic: Clinic,
    q: str = "",
    physiotherapist: StaffMember | None = None,
    archived: bool = False,
    needs_attention: bool = False,
) -> QuerySet[Patient]:
    """A clinic's patients for the roster, each with their last session date and plan count."""
    today = clinic.today()
    patients = Patient.objects.filter(clinic=clinic, archived_at__isnull=not archived)
    if q:
        for word in q.split():
            patients = patients.filter(
                Q(first_name__icontains=word)
                | Q(last_name__icontains=word)
                | Q(email__icontains=word)
            )
    if physiotherapist is not None:
        patients = patients.filter(physiotherapist=physiotherapist)
    if needs_attention:
        patients = patients_needing_attention(patients, clinic=clinic)
    last_session = Session.objects.filter(patient=OuterRef("pk")).order_by("-local_date")
    running = Assignment.objects.filter(running_assignments_q(today), patient=OuterRef("pk"))
    return patients.select_related("physiotherapist__user", "user").annotate(
        last_session_on=Subquery(last_session.values("local_date")[:1]),
        has_running_plan=Exists(running),
    )


def clinic_staff(*, clinic: Clinic) -> QuerySet[StaffMember]:
    return (
        StaffMember.objects.filter(clinic=clinic, user__is_active=True)
        .select_related("user")
        .order_by("user__first_name", "user__last_name", "id")
    )


def patient_for_staff_page(patient_id: int, *, clinic: Clinic) -> Patient | None:
    """One of the clinic's patients with their plans, pauses and latest invitation."""
    assignments = Assignment.objects.select_related("routine").prefetch_related(
        Prefetch(
            "pauses",
            queryset=AssignmentPause.objects.filter(ends_on__isnull=True),
            to_attr="open_pauses",
        )
    )
    invitations = Invitation.objects.order_by("-created_at")
    return (
        Patient.objects.filter(clinic=clinic, id=patient_id)
        .select_related("physiotherapist__user", "user", "clinic")
        .prefetch_related(
            Prefetch("assignments", queryset=assignments, to_attr="all_assignments"),
            Prefetch("invitations", queryset=invitations, to_attr="all_invitations"),
        )
        .first()
    )


def invitation_for_token(token: str) -> Invitation | None:
    return (
        Invitation.objects.select_related("patient__clinic", "patient__user")
        .filter(token_hash=token_hash(token))
        .first()
    )
