"""The staff workspace's routine builder: routines, their steps, preview and handout."""

import segno
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from clinic.accounts.decorators import staff_required
from clinic.audit.trail import audit_patient, audits_patient
from routines.builder import services
from routines.builder.forms import AddStepForm, MoveForm, RoutineForm, StepForm
from routines.builder.selectors import routine_for_builder, routines_for_clinic
from routines.library.selectors import exercises_for_clinic
from routines.models import Exercise, Routine, RoutineStep

SEARCH_RESULTS = 20


def _get_exercise_for_staff(request: HttpRequest, exercise_id: int) -> Exercise:
    """A built-in exercise or the clinic's own; another clinic's is 404."""
    return get_object_or_404(exercises_for_clinic(clinic=request.staff.clinic), id=exercise_id)


def _get_routine_for_staff(request: HttpRequest, routine_id: int) -> Routine:
    """The clinic's routine or a built-in template, with its steps; anything else is 404.

    A patient's own copy (their plan) is patient data: the request is audited as theirs.
    Templates and drafts belong to no patient and record nothing.
    """
    routine = routine_for_builder(routine_id, clinic=request.staff.clinic)
    if routine is None:
        raise Http404
    assignment = next(iter(routine.patient_assignments), None)
    if assignment is not None:
        audit_patient(request, assignment.patient)
    return routine


def _get_editable_routine_for_staff(request: HttpRequest, routine_id: int) -> Routine:
    routine = _get_routine_for_staff(request, routine_id)
    if routine.is_builtin:
        raise Http404
    return routine


def _get_step_for_staff(request: HttpRequest, routine: Routine, step_id: int) -> RoutineStep:
    steps = routine.steps.filter(archived_at__isnull=True).select_related("exercise", "routine")
    return get_object_or_404(steps, id=step_id)


@staff_required
@require_safe
def routine_list(request: HttpRequest) -> HttpResponse:
    routines = routines_for_clinic(clinic=request.staff.clinic)
    return render(request, "routines/routine_list.html", {"routines": routines})


@staff_required
def routine_create(request: HttpRequest) -> HttpResponse:
    form = RoutineForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            routine = services.routine_create(
                clinic=request.staff.clinic, created_by=request.user, **form.cleaned_data
            )
            return redirect("routines:builder", routine.id)
        return render(request, "routines/routine_form.html", {"form": form}, status=400)
    return render(request, "routines/routine_form.html", {"form": form})


def _builder_context(request: HttpRequest, routine: Routine, **extra) -> dict:
    bound: StepForm | None = extra.pop("bound_step_form", None)
    bound_id = extra.pop("bound_step_id", None)
    for step in routine.active_steps:
        step.form = bound if step.id == bound_id else StepForm.for_step(step)
    q = request.GET.get("q", "").strip()
    results = []
    if q and not routine.is_builtin:
        results = exercises_for_clinic(clinic=request.staff.clinic, q=q)[:SEARCH_RESULTS]
    return {
        "routine": routine,
        "steps": routine.active_steps,
        "patient_assignment": next(iter(routine.patient_assignments), None),
        "editable": not routine.is_builtin,
        "q": q,
        "results": results,
        **extra,
    }


def _render_builder(request: HttpRequest, routine: Routine, status: int = 200, **extra):
    context = _builder_context(request, routine, **extra)
    context.setdefault("routine_form", RoutineForm(instance=routine))
    return render(request, "routines/builder.html", context, status=status)


def _steps_changed(request: HttpRequest, routine_id: int, anchor: str = "steps") -> HttpResponse:
    """After a step was added, moved or removed: the new list (htmx) or back to the builder."""
    if request.htmx:
        routine = _get_routine_for_staff(request, routine_id)
        return render(request, "routines/_steps.html", _builder_context(request, routine))
    return redirect(reverse("routines:builder", args=[routine_id]) + f"#{anchor}")


@staff_required
@audits_patient()
@require_safe
def routine_builder(request: HttpRequest, routine_id: int) -> HttpResponse:
    routine = _get_routine_for_staff(request, routine_id)
    return _render_builder(request, routine)


@staff_required
@audits_patient()
@require_safe
def step_search(request: HttpRequest, routine_id: int) -> HttpResponse:
    routine = _get_editable_routine_for_staff(request, routine_id)
    if not request.htmx:
        return redirect(
            reverse("routines:builder", args=[routine.id]) + "?" + request.GET.urlencode()
        )
    return render(request, "routines/_search_results.html", _builder_context(request, routine))


@staff_required
@audits_patient()
@require_POST
def routine_update(request: HttpRequest, routine_id: int) -> HttpResponse:
    routine = _get_editable_routine_for_staff(request, routine_id)
    form = RoutineForm(request.POST, instance=routine)
    if not form.is_valid():
        routine.refresh_from_db(fields=["name", "goal"])
        return _render_builder(request, routine, status=400, routine_form=form)
    services.routine_update(routine=routine, **form.cleaned_data)
    messages.success(request, _("Routine saved."))
    return redirect("routines:builder", routine.id)


@staff_required
@audits_patient()
@require_POST
def step_add(request: HttpRequest, routine_id: int) -> HttpResponse:
    routine = _get_editable_routine_for_staff(request, routine_id)
    form = AddStepForm(request.POST)
    if not form.is_valid():
        return _render_builder(request, routine, status=400)
    exercise = _get_exercise_for_staff(request, form.cleaned_data["exercise"])
    step = services.routine_step_add(routine=routine, exercise=exercise)
    return _steps_changed(request, routine.id, anchor=f"step-{step.id}")


@staff_required
@audits_patient()
@require_POST
def step_update(request: HttpRequest, routine_id: int, step_id: int) -> HttpResponse:
    routine = _get_editable_routine_for_staff(request, routine_id)
    step = _get_step_for_staff(request, routine, step_id)
    form = StepForm.for_step(step, data=request.POST)
    if not form.is_valid():
        if request.htmx:
            step.form = form
            context = {"step": step, "routine": routine, "editable": True}
            return render(request, "routines/_step.html", context, status=400)
        return _render_builder(
            request, routine, status=400, bound_step_form=form, bound_step_id=step.id
        )
    services.routine_step_update(step=step, **form.cleaned_data)
    if request.htmx:
        step.form = StepForm.for_step(step)
        context = {"step": step, "routine": routine, "editable": True, "saved": True}
        return render(request, "routines/_step.html", context)
    messages.success(request, _("Step saved."))
    return redirect(reverse("routines:builder", args=[routine.id]) + f"#step-{step.id}")


@staff_required
@audits_patient()
@require_POST
def step_move(request: HttpRequest, routine_id: int, step_id: int) -> HttpResponse:
    routine = _get_editable_routine_for_staff(request, routine_id)
    step = _get_step_for_staff(request, routine, step_id)
    form = MoveForm(request.POST)
    if not form.is_valid():
        return _render_builder(request, routine, status=400)
    offset = -1 if form.cleaned_data["direction"] == "up" else 1
    services.routine_step_move(step=step, offset=offset)
    return _steps_changed(request, routine.id, anchor=f"step-{step.id}")


@staff_required
@audits_patient()
@require_POST
def step_remove(request: HttpRequest, routine_id: int, step_id: int) -> HttpResponse:
    routine = _get_editable_routine_for_staff(request, routine_id)
    step = _get_step_for_staff(request, routine, step_id)
    services.routine_step_take_out(step=step)
    if not request.htmx:
        messages.success(request, _("Step removed."))
    return _steps_changed(request, routine.id)


@staff_required
@audits_patient("view")  # copying a patient's plan reads it
@require_POST
def routine_duplicate(request: HttpRequest, routine_id: int) -> HttpResponse:
    routine = _get_routine_for_staff(request, routine_id)
    copy = services.routine_copy(
        routine=routine,
        clinic=request.staff.clinic,
        is_template=False,
        name=_("Copy of %(name)s") % {"name": routine.name},
        created_by=request.user,
    )
    messages.success(request, _("This is your copy; change it as you like."))
    return redirect("routines:builder", copy.id)


@staff_required
@audits_patient("view")  # copying a patient's plan reads it
@require_POST
def routine_save_as_template(request: HttpRequest, routine_id: int) -> HttpResponse:
    """A new clinic template with this routine's steps; the routine itself is left as it is."""
    routine = _get_editable_routine_for_staff(request, routine_id)
    try:
        template = services.routine_copy(
            routine=routine, clinic=request.staff.clinic, is_template=True, created_by=request.user
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("routines:builder", routine.id)
    messages.success(request, _("Saved as a clinic template."))
    return redirect("routines:builder", template.id)


@staff_required
@audits_patient()
@require_safe
def routine_preview(request: HttpRequest, routine_id: int) -> HttpResponse:
    routine = _get_routine_for_staff(request, routine_id)
    return render(request, "routines/preview.html", {"routine": routine})


@staff_required
@audits_patient()
@require_safe
def routine_handout(request: HttpRequest, routine_id: int) -> HttpResponse:
    routine = _get_routine_for_staff(request, routine_id)
    sign_in_url = request.build_absolute_uri(reverse("login"))
    qr = segno.make(sign_in_url, error="m").svg_inline(
        scale=4, svgclass="qr", title=_("QR code: sign in to Limber"), lineclass=None
    )
    context = {"routine": routine, "sign_in_url": sign_in_url, "qr_svg": qr}
    return render(request, "routines/handout.html", context)
