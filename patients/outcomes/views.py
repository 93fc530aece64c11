"""Pages: the patient answers a questionnaire and reads their results; staff browse and
import questionnaires, attach them to plans and export a patient's scores."""

import csv
import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from clinic.accounts.decorators import clinic_admin_required, staff_required
from clinic.audit.trail import audit_patient, audits_patient
from clinic.spreadsheets import spreadsheet_safe
from patients.access import patient_of_user
from patients.models import Assignment, Patient

from . import fhir
from .forms import AnswerForm, FhirImportForm, ScheduleForm
from .models import Questionnaire, QuestionnaireVersion, Response
from .models import Schedule as OutcomeSchedule
from .progress import results_in_words
from .selectors import (
    current_versions,
    due_questionnaires,
    items_prefetch,
    patient_results,
    questionnaires_for_staff,
    version_with_items,
)
from .services import (
    postponement_record,
    questionnaire_import,
    response_submit,
    schedule_create,
    schedule_delete,
)

# The patient's pages.

ASK_TITLES = {
    1: gettext_lazy("One quick question before today's session"),
    2: gettext_lazy("Two quick questions before today's session"),
    3: gettext_lazy("Three quick questions before today's session"),
}


def today_prompt(patient: Patient) -> dict:
    """What the Today page asks first: the questionnaires due, for its template
    (templates/outcomes/_today_ask.html)."""
    due = due_questionnaires(patient=patient)
    if not due:
        return {"due_outcomes": []}
    title = ASK_TITLES.get(len(due)) or ngettext(
        "%(count)s quick question before today's session",
        "%(count)s quick questions before today's session",
        len(due),
    ) % {"count": len(due)}
    return {
        "due_outcomes": due,
        "outcome_ask_title": title,
        "outcome_can_postpone": any(item.can_postpone for item in due),
    }


def _get_patient_for_user(request: HttpRequest) -> Patient:
    """The signed-in patient, or 404 for staff and users without a patient record."""
    patient = patient_of_user(request.user)
    if patient is None:
        raise Http404
    audit_patient(request, patient)
    return patient


def _get_schedule_for_patient(request: HttpRequest, schedule_id: int) -> OutcomeSchedule:
    """A questionnaire one of the signed-in patient's own plans asks for, or 404."""
    patient = _get_patient_for_user(request)
    schedules = OutcomeSchedule.objects.select_related("assignment", "questionnaire")
    schedule = get_object_or_404(schedules, pk=schedule_id, assignment__patient=patient)
    schedule.assignment.patient = patient
    return schedule


def _previous_activities(patient: Patient, version: QuestionnaireVersion) -> dict:
    """The activities the patient named last time (PSFS), to rate the same ones again."""
    text_items = [item.link_id for item in version.items.all() if item.kind == "text"]
    if not text_items:
        return {}
    last = (
        Response.objects.filter(patient=patient, version__questionnaire_id=version.questionnaire_id)
        .order_by("-answered_at", "-id")
        .values_list("answers", flat=True)
        .first()
    )
    return {link_id: last[link_id] for link_id in text_items if last and link_id in last}


@login_required
@audits_patient()
@require_http_methods(["GET", "HEAD", "POST"])
def answer(request: HttpRequest, schedule_id: int) -> HttpResponse:
    schedule = _get_schedule_for_patient(request, schedule_id)
    patient = schedule.assignment.patient
    due = next(
        (
            due
            for due in due_questionnaires(patient=patient, include_postponed=True)
            if due.schedule.pk == schedule.pk
        ),
        None,
    )
    version = current_versions([schedule.questionnaire_id]).get(schedule.questionnaire_id)
    if due is None or version is None:
        messages.info(request, _("There is nothing to answer today. Thank you!"))
        return redirect("outcomes:results")
    if request.method == "POST":
        form = AnswerForm(request.POST, version=version)
        if form.is_valid():
            try:
                response_submit(
                    patient=patient,
                    schedule=schedule,
                    answers=form.answers(),
                    answered_by=request.user,
                )
            except ValidationError as error:
                form.add_error(None, error.messages)
            else:
                return _after_answer(request, patient)
    else:
        previous = _previous_activities(patient, version)
        form = AnswerForm(version=version, previous=previous)
    context = {
        "patient": patient,
        "schedule": schedule,
        "due": due,
        "version": version,
        "questionnaire": schedule.questionnaire,
        "title": version.title,
        "description": schedule.questionnaire.description,
        "copyright": schedule.questionnaire.copyright,
        "form": form,
    }
    return render(request, "outcomes/answer.html", context, status=400 if form.is_bound else 200)


def _after_answer(request: HttpRequest, patient: Patient) -> HttpResponse:
    """On to the next questionnaire due, or to the results once all are answered."""
    remaining = due_questionnaires(patient=patient)
    if remaining:
        return redirect("outcomes:answer", remaining[0].schedule.pk)
    messages.success(request, _("Thank you! Your answers are saved."))
    return redirect("outcomes:results")


@login_required
@audits_patient()
@require_POST
def postpone(request: HttpRequest) -> HttpResponse:
    """ "Later": every questionnaire due today that was not put off before waits until the
    next day; one already put off once stays asked."""
    patient = _get_patient_for_user(request)
    postponed = 0
    for due in due_questionnaires(patient=patient):
        if due.can_postpone:
            postponement_record(patient=patient, schedule=due.schedule)
            postponed += 1
    if postponed:
        messages.info(request, _("All right, we will ask again next time."))
    return redirect("patients:today")


@login_required
@audits_patient()
@require_safe
def results(request: HttpRequest) -> HttpResponse:
    patient = _get_patient_for_user(request)
    results = results_in_words(patient_results(patient=patient))
    due = due_questionnaires(patient=patient)
    return render(
        request,
        "outcomes/results.html",
        {"patient": patient, "results": results, "due": due},
    )


# Staff: questionnaires.


def _get_questionnaire_for_staff(request: HttpRequest, questionnaire_id: int) -> Questionnaire:
    """A questionnaire Limber ships or the staff member's clinic's own, or 404."""
    return get_object_or_404(questionnaires_for_staff(member=request.staff), pk=questionnaire_id)


@staff_required
@require_safe
def questionnaire_list(request: HttpRequest) -> HttpResponse:
    questionnaires = questionnaires_for_staff(member=request.staff).prefetch_related("versions")
    context = {
        "questionnaires": questionnaires,
        "import_form": FhirImportForm() if request.staff.is_clinic_admin else None,
    }
    return render(request, "outcomes/questionnaire_list.html", context)


@clinic_admin_required
@require_POST
def questionnaire_import_view(request: HttpRequest) -> HttpResponse:
    """Import a FHIR Questionnaire as the clinic's own. All or nothing."""
    form = FhirImportForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            version = questionnaire_import(
                clinic=request.staff.clinic,
                resource=form.cleaned_data["data"],
                created_by=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error.messages)
        else:
            messages.success(
                request,
                _("Imported %(name)s, version %(version)s.")
                % {"name": version.title, "version": version.version},
            )
            return redirect("outcomes:questionnaire_detail", version.questionnaire_id)
    questionnaires = questionnaires_for_staff(member=request.staff).prefetch_related("versions")
    return render(
        request,
        "outcomes/questionnaire_list.html",
        {"questionnaires": questionnaires, "import_form": form},
        status=400,
    )


@staff_required
@require_safe
def questionnaire_detail(request: HttpRequest, questionnaire_id: int) -> HttpResponse:
    questionnaire = _get_questionnaire_for_staff(request, questionnaire_id)
    versions = list(questionnaire.versions.prefetch_related(items_prefetch()).order_by("-id"))
    context = {
        "questionnaire": questionnaire,
        "versions": versions,
        "current": next((v for v in versions if v.status == "active"), None),
        "name": questionnaire.name,
        "copyright": questionnaire.copyright,
    }
    return render(request, "outcomes/questionnaire_detail.html", context)


@staff_required
@require_safe
def questionnaire_fhir(request: HttpRequest, questionnaire_id: int) -> HttpResponse:
    """The latest version (or `?version=`) as a FHIR Questionnaire, to download."""
    questionnaire = _get_questionnaire_for_staff(request, questionnaire_id)
    versions = questionnaire.versions.order_by("-id")
    wanted = request.GET.get("version")
    version = versions.filter(version=wanted).first() if wanted else versions.first()
    if version is None:
        raise Http404
    resource = fhir.questionnaire_resource(version_with_items(version.pk))
    response = JsonResponse(resource, content_type="application/fhir+json")
    response["Content-Disposition"] = (
        f'attachment; filename="questionnaire-{questionnaire.code}-{version.version}.json"'
    )
    return response


# Staff: a plan's questionnaires.


def _get_assignment_for_staff(request: HttpRequest, assignment_id: int) -> Assignment:
    """A plan of one of the staff member's clinic's patients, or 404."""
    assignments = Assignment.objects.select_related("patient__clinic", "routine")
    assignment = get_object_or_404(
        assignments, pk=assignment_id, patient__clinic_id=request.staff.clinic_id
    )
    audit_patient(request, assignment.patient)
    return assignment


@staff_required
@audits_patient()
@require_http_methods(["GET", "HEAD", "POST"])
def plan_questionnaires(request: HttpRequest, assignment_id: int) -> HttpResponse:
    """The questionnaires a plan asks for, and a form to ask for one more."""
    assignment = _get_assignment_for_staff(request, assignment_id)
    questionnaires = questionnaires_for_staff(member=request.staff)
    form = ScheduleForm(request.POST or None, questionnaires=questionnaires)
    if request.method == "POST" and form.is_valid():
        try:
            schedule_create(assignment=assignment, created_by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error.messages)
        else:
            messages.success(request, _("The plan now asks for it."))
            return redirect("outcomes:plan_questionnaires", assignment.pk)
    schedules = assignment.outcome_schedules.select_related("questionnaire").order_by("id")
    context = {"assignment": assignment, "patient": assignment.patient, "schedules": schedules}
    context["form"] = form
    return render(
        request,
        "outcomes/plan_questionnaires.html",
        context,
        status=400 if form.is_bound and form.errors else 200,
    )


@staff_required
@audits_patient()
@require_POST
def schedule_remove(request: HttpRequest, schedule_id: int) -> HttpResponse:
    schedules = OutcomeSchedule.objects.select_related("assignment__patient")
    schedule = get_object_or_404(
        schedules, pk=schedule_id, assignment__patient__clinic_id=request.staff.clinic_id
    )
    audit_patient(request, schedule.assignment.patient)
    assignment_id = schedule.assignment_id
    schedule_delete(schedule=schedule)
    messages.success(request, _("The plan no longer asks for it. Answers given stay."))
    return redirect("outcomes:plan_questionnaires", assignment_id)


# Staff: a patient's scores.


def _get_patient_for_staff(request: HttpRequest, patient_id: int) -> Patient:
    patients = Patient.objects.select_related("clinic")
    patient = get_object_or_404(patients, pk=patient_id, clinic_id=request.staff.clinic_id)
    audit_patient(request, patient)
    return patient


def _csv_response(filename: str, header: list, rows) -> HttpResponse:
    """UTF-8 with a byte-order mark, so spreadsheets read accents right; every cell made
    safe (a name or activity starting with "=" is text, never a formula)."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write("\ufeff")
    writer = csv.writer(response)
    for row in [header, *rows]:
        writer.writerow([spreadsheet_safe(cell) for cell in row])
    return response


def _number(value):
    """A score as a CSV number (whole numbers without decimals), or empty."""
    if value is None:
        return ""
    return int(value) if value == int(value) else float(value)


@staff_required
@audits_patient("export")
@require_safe
def scores_export(request: HttpRequest, patient_id: int) -> HttpResponse:
    """Every response of the patient as CSV: date, questionnaire, version, score, change."""
    patient = _get_patient_for_staff(request, patient_id)
    zone = patient.clinic.zone
    header = [
        _("Date"),
        _("Answered"),
        _("Questionnaire"),
        _("Version"),
        _("Score"),
        _("Lowest possible"),
        _("Highest possible"),
        _("Change since the first score"),
        _("MCID"),
        _("Why there is no score"),
    ]
    rows = []
    for result in patient_results(patient=patient):
        baseline = result.baseline
        for response in result.responses:
            difference = ""
            if response.score is not None and baseline is not None:
                difference = _number(response.score - baseline.score)
            rows.append(
                [
                    response.local_date.isoformat(),
                    timezone.localtime(response.answered_at, zone).strftime("%Y-%m-%d %H:%M"),
                    response.version.title,
                    response.version.version,
                    _number(response.score),
                    _number(response.version.score_min),
                    _number(response.version.score_max),
                    difference,
                    _number(response.version.mcid),
                    response.no_score_text if response.score is None else "",
                ]
            )
    rows.sort(key=lambda row: row[1])
    filename = f"limber-scores-{patient.pk}-{patient.clinic.today().isoformat()}.csv"
    return _csv_response(filename, header, rows)


@staff_required
@audits_patient("export")
@require_safe
def patient_fhir(request: HttpRequest, patient_id: int) -> HttpResponse:
    """The patient's responses and scores as a FHIR Bundle of QuestionnaireResponse and
    Observation resources, each validated."""
    patient = _get_patient_for_staff(request, patient_id)
    bundle = fhir.patient_bundle(patient)
    response = JsonResponse(bundle, content_type="application/fhir+json")
    filename = f"limber-outcomes-{patient.pk}-{datetime.date.today().isoformat()}.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
