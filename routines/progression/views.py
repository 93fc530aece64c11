"""The builder's per-step progression page: the rule's form and its week-by-week preview.

The preview is drawn by arithmetic.preview from the values in the form, before anything is
saved (htmx asks for it on every change; without JavaScript the Preview button does).
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from clinic.accounts.decorators import staff_required
from clinic.audit.trail import audit_patient, audits_patient
from routines.builder.selectors import routine_for_builder
from routines.models import RoutineStep

from . import arithmetic
from .forms import ProgressionRuleForm
from .models import ClinicGates, ProgressionRule
from .services import RULE_FIELDS, progression_rule_delete, progression_rule_save

PREVIEW_WEEKS = 8


def _get_step_for_staff(request: HttpRequest, routine_id: int, step_id: int) -> RoutineStep:
    """An active step of the clinic's own routine; a built-in's or another clinic's is 404.
    A patient's own copy is patient data: the request is audited as theirs."""
    routine = routine_for_builder(routine_id, clinic=request.staff.clinic)
    if routine is None or routine.is_builtin:
        raise Http404
    assignment = next(iter(routine.patient_assignments), None)
    if assignment is not None:
        audit_patient(request, assignment.patient)
    steps = routine.steps.filter(archived_at__isnull=True).select_related(
        "exercise", "routine", "progression"
    )
    return get_object_or_404(steps, id=step_id)


def _rule_of(step: RoutineStep) -> ProgressionRule | None:
    try:
        return step.progression
    except ProgressionRule.DoesNotExist:
        return None


def _rows(rule: arithmetic.Rule, base: int) -> list[dict]:
    weeks = arithmetic.preview(rule, base, timezone.localdate(), count=PREVIEW_WEEKS)
    return [
        {"number": index + 1, "value": week.value, "grew": week.grew}
        for index, week in enumerate(weeks)
    ]


def _preview(form: ProgressionRuleForm, step: RoutineStep) -> list[dict] | None:
    """The next weeks as the form's values would make them, or None while they are invalid."""
    if not form.is_valid():
        return None
    values = {name: form.cleaned_data.get(name) for name in RULE_FIELDS}
    values["frozen_on"] = timezone.localdate() if form.cleaned_data.get("frozen") else None
    return _rows(arithmetic.Rule(**values), getattr(step, values["field"]))


@staff_required
@audits_patient()
@require_http_methods(["GET", "HEAD", "POST"])
def step_progression(request: HttpRequest, routine_id: int, step_id: int) -> HttpResponse:
    step = _get_step_for_staff(request, routine_id, step_id)
    rule = _rule_of(step)
    instance = rule or ProgressionRule(step=step)
    back = reverse("routines:builder", args=[routine_id]) + f"#step-{step.id}"
    if request.method == "POST" and "remove" in request.POST:
        if rule is not None:
            progression_rule_delete(rule=rule)
            messages.success(request, _("Progression removed."))
        return redirect(back)
    if request.method == "POST" and "preview" not in request.POST:
        form = ProgressionRuleForm(request.POST, instance=instance)
        if form.is_valid():
            values = {name: form.cleaned_data[name] for name in RULE_FIELDS}
            try:
                progression_rule_save(step=step, frozen=form.cleaned_data["frozen"], **values)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Progression saved."))
                return redirect(back)
    elif request.method == "POST" or request.GET.get("field"):
        form = ProgressionRuleForm(request.POST or request.GET, instance=instance)
    else:
        initial = {"frozen": rule is not None and rule.frozen_on is not None}
        if rule is None:
            initial |= {"field": "hold_seconds", "amount": 5, "ceiling": step.hold_seconds * 2}
        form = ProgressionRuleForm(instance=instance, initial=initial)
    preview = _preview(form, step) if form.is_bound else _initial_preview(rule, step)
    gates = ClinicGates.objects.filter(clinic=request.staff.clinic).first()
    context = {
        "gates": gates.as_gates() if gates is not None else arithmetic.Gates(),
        "step": step,
        "routine": step.routine,
        "form": form,
        "preview": preview,
        "rule": rule,
    }
    if request.htmx and request.GET.get("field"):
        return render(request, "routines/progression/_preview.html", context)
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "routines/progression/step.html", context, status=status)


def _initial_preview(rule: ProgressionRule | None, step: RoutineStep) -> list[dict]:
    if rule is None:
        rule = ProgressionRule(
            step=step, field="hold_seconds", amount=5, ceiling=step.hold_seconds * 2
        )
    return _rows(rule.as_rule(), rule.base_value())
