"""The patient's own pages (Today, plan, history, the session player) and the staff's
read-only view of a session."""

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST, require_safe

from clinic.access import staff_member
from clinic.audit.trail import audit_patient, audits_patient
from patients.access import patient_of_user
from patients.models import PAIN_MAX, Assignment, Completion, Patient, Session
from patients.outcomes.views import today_prompt
from patients.plans.progression import apply_prescriptions
from patients.plans.schedule import assignment_state, schedule_in_words
from patients.sessions.forms import CompletionForm, FinishForm
from patients.sessions.player import (
    first_open_unit,
    prescription_in_words,
    session_units,
    step_content_key,
)
from patients.sessions.selectors import (
    patient_plan,
    patient_progress,
    patient_session,
    patient_session_history,
    patient_today,
    session_done_units,
    session_steps,
)
from patients.sessions.services import (
    PAIN_FLAG,
    CompletionConflict,
    SessionAlreadyFinished,
    completion_record,
    session_finish,
    session_open_or_start,
)

HISTORY_PAGE_SIZE = 30


def _get_patient_for_user(request: HttpRequest) -> Patient:
    """The signed-in patient, or 404 for staff and users without a patient record."""
    patient = patient_of_user(request.user)
    if patient is None:
        raise Http404
    audit_patient(request, patient)
    return patient


def _get_session_for_patient(request: HttpRequest, session_id: int) -> Session:
    """The signed-in patient's own session, or 404: never reveal that another id exists.
    It comes with its plan and routine, and `paused_today`: whether a pause covers the
    clinic's today."""
    patient = _get_patient_for_user(request)
    session = patient_session(patient=patient, session_id=session_id, with_routine=True)
    if session is None:
        raise Http404
    return session


def _get_session_for_staff(request: HttpRequest, session_id: int) -> Session:
    """A session of one of the staff member's clinic's patients, or 404."""
    member = staff_member(request.user)
    if member is None:
        raise Http404
    sessions = Session.objects.select_related("patient__clinic", "assignment__routine")
    session = get_object_or_404(sessions, id=session_id, patient__clinic_id=member.clinic_id)
    audit_patient(request, session.patient)
    return session


@login_required
@audits_patient()
@require_safe
def today(request: HttpRequest) -> HttpResponse:
    patient = _get_patient_for_user(request)
    assignments = patient_today(patient=patient)
    context = {"patient": patient, "assignments": assignments, "today": patient.clinic.today()}
    if any(assignment.asks_questionnaires for assignment in assignments):
        context.update(today_prompt(patient))
    return render(request, "patients/today.html", context)


@login_required
@audits_patient()
@require_safe
def plan(request: HttpRequest) -> HttpResponse:
    patient = _get_patient_for_user(request)
    assignments = list(patient_plan(patient=patient))
    for assignment in assignments:
        assignment.schedule = schedule_in_words(assignment)
        for step in assignment.routine.active_steps:
            step.prescription = prescription_in_words(step)
    return render(request, "patients/plan.html", {"patient": patient, "assignments": assignments})


@login_required
@audits_patient()
@require_safe
def history(request: HttpRequest) -> HttpResponse:
    patient = _get_patient_for_user(request)
    page = Paginator(patient_session_history(patient=patient), HISTORY_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "patients/history.html", {"patient": patient, "page": page})


@login_required
@audits_patient()
@require_POST
def start(request: HttpRequest, assignment_id: int) -> HttpResponse:
    """Start today's session of a plan, or continue the one already open today."""
    patient = _get_patient_for_user(request)
    assignment = get_object_or_404(
        Assignment.objects.select_related("patient__clinic"), id=assignment_id, patient=patient
    )
    try:
        session, _started = session_open_or_start(assignment=assignment)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("patients:today")
    return redirect("patients:session", session.id)


def _render_player(
    request: HttpRequest,
    session: Session,
    *,
    completion_form: CompletionForm | None = None,
    finish_form: FinishForm | None = None,
    status: int = 200,
) -> HttpResponse:
    steps = session_steps(session=session)
    clinic = session.patient.clinic
    progression_lines = apply_prescriptions(
        assignment=session.assignment, steps=steps, today=clinic.today()
    )
    done = session_done_units(session=session)
    units = session_units(steps)
    current = first_open_unit(units, done)
    for step in steps:
        step.prescription = prescription_in_words(step)
        step.content_key = step_content_key(step)
        step.done_units = " ".join(
            f"{set_number}:{side}"
            for step_id, set_number, side in sorted(done)
            if step_id == step.id
        )
    errors = []
    for form in (completion_form, finish_form):
        if form is not None:
            errors += [message for messages_ in form.errors.values() for message in messages_]
    context = {
        "session": session,
        "progression_lines": progression_lines,
        "plan_state": assignment_state(
            session.assignment, clinic.today(), paused=session.paused_today
        ),
        "routine": session.assignment.routine,
        "steps": steps,
        "current": current,
        "done_count": sum(1 for unit in units if unit.key in done),
        "unit_count": len(units),
        "client_id": uuid.uuid4(),
        "skip_reasons": Completion.SkipReason.choices,
        "efforts": Session.Effort.choices,
        "pain_scale": range(PAIN_MAX + 1),
        "pain_flag": PAIN_FLAG,
        "automatic_flow": clinic.player_automatic_flow,
        "errors": errors,
        "completion_form": completion_form,
        "finish_form": finish_form,
    }
    return render(request, "patients/session.html", context, status=status)


def _render_summary(request: HttpRequest, session: Session) -> HttpResponse:
    completions = session.completions.select_related("step").order_by("recorded_at", "id")
    context = {
        "session": session,
        "routine": session.assignment.routine,
        "completions": completions,
        "progress": patient_progress(patient=session.patient),
        "contact_clinic": session.flagged,
    }
    return render(request, "patients/session_done.html", context)


@login_required
@audits_patient()
@require_safe
def session_detail(request: HttpRequest, session_id: int) -> HttpResponse:
    """The player while a session runs; what was done, the streak and the week once finished."""
    session = _get_session_for_patient(request, session_id)
    if session.is_finished:
        return _render_summary(request, session)
    return _render_player(request, session)


@login_required
@audits_patient()
@require_POST
def session_complete(request: HttpRequest, session_id: int) -> HttpResponse:
    """Done or Skip without JavaScript: the same service the JSON API calls."""
    session = _get_session_for_patient(request, session_id)
    form = CompletionForm(request.POST)
    return _record_or_show_errors(request, session, form, completion_record, "completion_form")


@login_required
@audits_patient()
@require_POST
def session_finish_view(request: HttpRequest, session_id: int) -> HttpResponse:
    session = _get_session_for_patient(request, session_id)
    form = FinishForm(request.POST)
    return _record_or_show_errors(request, session, form, session_finish, "finish_form")


def _record_or_show_errors(request, session, form, service, form_name: str) -> HttpResponse:
    """Call `service` with the form's data, then back to the player; a refusal is shown on
    the player (or, for a session already finished, as a message on its summary)."""
    already_finished = session.is_finished
    status = 400
    if form.is_valid():
        try:
            service(session=session, **form.cleaned_data)
        except ValidationError as error:
            # Finished before this request, or by a concurrent one (a double tap that won
            # the race): the summary, with the reason, rather than the player again.
            if already_finished or isinstance(error, SessionAlreadyFinished):
                messages.error(request, " ".join(error.messages))
                return redirect("patients:session", session.id)
            _add_errors(form, error)
        except CompletionConflict as error:
            # The same client id re-sent for another set or side: the API's 409, in words
            # (on the summary if the session has been finished since).
            if already_finished:
                messages.error(request, str(error))
                return redirect("patients:session", session.id)
            form.add_error(None, str(error))
            status = 409
        else:
            return redirect("patients:session", session.id)
    return _render_player(request, session, status=status, **{form_name: form})


def _add_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, field_errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, field_errors)
    else:
        form.add_error(None, error)


@login_required
@audits_patient()
@require_safe
def session_review(request: HttpRequest, session_id: int) -> HttpResponse:
    """Staff of the patient's clinic read a session as it was recorded; nobody else can."""
    session = _get_session_for_staff(request, session_id)
    completions = session.completions.order_by("recorded_at", "id")
    return render(
        request,
        "patients/session_review.html",
        {"session": session, "completions": completions, "pain_flag": PAIN_FLAG},
    )
