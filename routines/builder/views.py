"""The staff workspace's routine builder: routines, their steps, preview and handout."""

import json

import segno
from django.contrib import messages
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from clinic.accounts.decorators import staff_required
from clinic.audit.trail import audit_patient, audits_patient
from routines.builder import services
from routines.builder.forms import (
    STEPS_PREFIX,
    AddStepForm,
    MoveForm,
    RoutineForm,
    StepForm,
    StepFormSet,
)
from routines.builder.selectors import (
    ROUTINE_STATUSES,
    routine_for_builder,
    routine_list_for_clinic,
)
from routines.library.selectors import exercises_for_clinic
from routines.models import Exercise, Routine, RoutineStep

SEARCH_RESULTS = 20
ROUTINES_PER_PAGE = 50


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
    q = request.GET.get("q", "").strip()[:100]
    status = request.GET.get("status", "")
    status = status if status in ROUTINE_STATUSES else ""
    routines = routine_list_for_clinic(clinic=request.staff.clinic, q=q, status=status)
    page = Paginator(routines, ROUTINES_PER_PAGE).get_page(request.GET.get("page"))
    query = urlencode({key: value for key, value in (("q", q), ("status", status)) if value})
    context = {"page": page, "routines": page.object_list, "q": q, "status": status}
    context["today"] = request.staff.clinic.today()
    return render(request, "routines/routine_list.html", {**context, "query": query})


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


def _row_initial(step: RoutineStep) -> dict:
    return {
        "id": step.id,
        "exercise": step.exercise_id,
        **{name: getattr(step, name) for name in StepForm.base_fields},
    }


def _steps_formset(routine: Routine, data=None) -> StepFormSet:
    """The builder's rows: the saved steps, or the rows as the staff member left them."""
    if data is not None:
        formset = StepFormSet(data, prefix=STEPS_PREFIX)
    else:
        initial = [_row_initial(step) for step in routine.active_steps]
        formset = StepFormSet(initial=initial, prefix=STEPS_PREFIX)
    return formset


def _label_rows(request: HttpRequest, routine: Routine, formset: StepFormSet) -> list:
    """Each row with its exercise (for its heading), in the form's order."""
    by_id = {step.id: step for step in routine.active_steps}
    wanted = set()
    for form in formset.forms:
        value = form["exercise"].value()
        if str(value or "").isdigit():
            wanted.add(int(value))
    exercises = exercises_for_clinic(clinic=request.staff.clinic).in_bulk(wanted)
    rows, number = [], 0
    for index, form in enumerate(formset.forms):
        exercise_id = form["exercise"].value()
        exercise = exercises.get(int(exercise_id)) if str(exercise_id or "").isdigit() else None
        step_id = form["id"].value()
        step = by_id.get(int(step_id)) if str(step_id or "").isdigit() else None
        removed = str(form["remove"].value()) in ("True", "true", "on", "1")
        if not removed:
            number += 1
        rows.append(
            {
                "form": form,
                "index": index,
                "number": number,
                "exercise": exercise or (step.exercise if step else None),
                "removed": removed,
            }
        )
    return rows


def _new_step_values(exercise: Exercise) -> dict:
    """A new step's starting values: the exercise's default where it has one, else the
    step's own default."""
    values = {}
    for name in StepForm.base_fields:
        value = getattr(exercise, f"default_{name}", None)
        if value is None:
            try:
                value = RoutineStep._meta.get_field(name).get_default()
            except FieldDoesNotExist:
                value = ""
        values[name] = value
    return values


def _builder_context(request: HttpRequest, routine: Routine, **extra) -> dict:
    formset = extra.pop("formset", None) or _steps_formset(routine)
    q = request.GET.get("q", "").strip()
    results, matches = [], 0
    if not routine.is_builtin:
        # An empty search lists the library (its first exercises, by name).
        found = exercises_for_clinic(clinic=request.staff.clinic, q=q)
        results = list(found[: SEARCH_RESULTS + 1])
        matches = len(results) if len(results) <= SEARCH_RESULTS else found.count()
        results = results[:SEARCH_RESULTS]
        for exercise in results:
            # The new row's starting values, for the builder's script to fill in.
            exercise.step_defaults = json.dumps(_new_step_values(exercise))
    return {
        "routine": routine,
        "steps": routine.active_steps,
        "formset": formset,
        "rows": _label_rows(request, routine, formset),
        "patient_assignment": next(iter(routine.patient_assignments), None),
        "editable": not routine.is_builtin,
        "q": q,
        "results": results,
        "matches": matches,
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


def _rows_of(data) -> list[dict]:
    """The submitted rows as plain dicts, in their order on the page."""
    try:
        total = min(int(data.get(f"{STEPS_PREFIX}-TOTAL_FORMS", 0)), 100)
    except ValueError:
        total = 0
    rows = []
    for index in range(total):
        prefix = f"{STEPS_PREFIX}-{index}-"
        rows.append({key[len(prefix) :]: data[key] for key in data if key.startswith(prefix)})
    return rows


def _data_of(rows: list[dict], data) -> dict:
    """Form data again, the rows renumbered in their new order."""
    fresh = {key: data[key] for key in data if not key.startswith(f"{STEPS_PREFIX}-")}
    fresh.update(
        {
            f"{STEPS_PREFIX}-TOTAL_FORMS": str(len(rows)),
            f"{STEPS_PREFIX}-INITIAL_FORMS": "0",
            f"{STEPS_PREFIX}-MIN_NUM_FORMS": "0",
            f"{STEPS_PREFIX}-MAX_NUM_FORMS": "100",
        }
    )
    for index, row in enumerate(rows):
        fresh.update({f"{STEPS_PREFIX}-{index}-{name}": value for name, value in row.items()})
    return fresh


def _is_removed(row: dict) -> bool:
    return row.get("remove") in ("True", "true", "on", "1")


def _rearranged(request: HttpRequest, rows: list[dict]) -> tuple[list[dict], str, str]:
    """Apply the one Add, Move or Remove asked without JavaScript; nothing is saved yet.
    Returns the rows, what to announce and the id of the element to focus."""
    post = request.POST
    if "add" in post:
        exercise = _get_exercise_for_staff(request, _int(post["add"]))
        row = {"id": "", "exercise": str(exercise.id), "remove": ""}
        row.update({name: str(value) for name, value in _new_step_values(exercise).items()})
        rows.append(row)
        message = _("Added %(name)s as step %(number)s. Save to keep it.") % {
            "name": exercise.name,
            "number": sum(1 for row in rows if not _is_removed(row)),
        }
        return (
            rows,
            message,
            f"id_{STEPS_PREFIX}-{len(rows) - 1}-{next(iter(StepForm.base_fields))}",
        )
    if "remove" in post:
        index = _int(post["remove"])
        if 0 <= index < len(rows):
            if rows[index].get("id"):
                rows[index]["remove"] = "on"
            else:
                rows.pop(index)
        return rows, _("Step removed. Save to keep the change."), "steps-title"
    index_text, _sep, direction = post.get("move", "").partition(":")
    index = _int(index_text)
    visible = [i for i, row in enumerate(rows) if not _is_removed(row)]
    if index in visible:
        place = visible.index(index) + (-1 if direction == "up" else 1)
        if 0 <= place < len(visible):
            other = visible[place]
            rows[index], rows[other] = rows[other], rows[index]
            return (
                rows,
                _("Step moved to place %(n)s. Save to keep it.") % {"n": place + 1},
                (f"{direction}-{other}"),
            )
    return rows, "", "steps-title"


def _int(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise Http404 from None


def _step_changes(routine: Routine, formset: StepFormSet) -> list[dict]:
    """The rows as routine_steps_save takes them."""
    by_id = {step.id: step for step in routine.active_steps}
    exercises = exercises_for_clinic(clinic=routine.clinic)
    fields = [name for name in StepForm.base_fields if name in services.STEP_PRESCRIPTION_FIELDS]
    changes = []
    for form in formset.forms:
        data = form.cleaned_data
        if data["id"]:
            step = by_id.get(data["id"])
            if step is None:
                raise ValidationError(_("A step was changed elsewhere: reload the page."))
            item = {"step": step}
        else:
            item = {"step": None, "exercise": exercises.filter(id=data["exercise"]).first()}
            if item["exercise"] is None:
                raise ValidationError(_("This exercise is not in your library."))
        item["delete"] = data["remove"]
        item.update({name: data[name] for name in fields})
        changes.append(item)
    return changes


@staff_required
@audits_patient()
@require_POST
def routine_save(request: HttpRequest, routine_id: int) -> HttpResponse:
    """The builder's one form: name, goal and every step, saved at once. Without
    JavaScript, Add, Move and Remove come here too and rearrange the rows unsaved."""
    routine = _get_editable_routine_for_staff(request, routine_id)
    routine_form = RoutineForm(request.POST, instance=Routine(clinic=routine.clinic))
    if any(action in request.POST for action in ("add", "move", "remove")):
        rows, announce, focus = _rearranged(request, _rows_of(request.POST))
        formset = _steps_formset(routine, _data_of(rows, request.POST))
        return _render_builder(
            request,
            routine,
            formset=formset,
            routine_form=routine_form,
            unsaved=True,
            announce=announce,
            focus=focus,
        )
    formset = _steps_formset(routine, request.POST)
    if routine_form.is_valid() and formset.is_valid():
        try:
            services.routine_save(
                routine=routine,
                name=routine_form.cleaned_data["name"],
                goal=routine_form.cleaned_data["goal"],
                steps=_step_changes(routine, formset),
            )
        except ValidationError as error:
            formset._non_form_errors = formset.error_class(error.messages)
        else:
            if request.POST.get("then") == "preview":
                return redirect("routines:preview", routine.id)
            messages.success(request, _("Routine saved."))
            return redirect("routines:builder", routine.id)
    return _render_builder(
        request,
        routine,
        status=400,
        formset=formset,
        routine_form=routine_form,
        unsaved=True,
        focus="builder-errors",
    )


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
        rows = [
            {name: str(value) for name, value in _row_initial(each).items()}
            for each in routine.active_steps
        ]
        for row in rows:
            if row["id"] == str(step.id):
                row.update({name: request.POST.get(name, "") for name in StepForm.base_fields})
        formset = _steps_formset(routine, _data_of(rows, {}))
        return _render_builder(request, routine, status=400, formset=formset, unsaved=True)
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
        names=services.routine_copy_names(routine),
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
    """The generic handout: a routine's steps and a QR code to the sign-in page. A patient's
    own handout (name, schedule, the clinic's contact, their own sign-in) is the plan's
    handout in patients/plans, which renders the same template with more."""
    routine = _get_routine_for_staff(request, routine_id)
    sign_in_url = request.build_absolute_uri(reverse("login"))
    context = {
        **handout_context(routine=routine, sign_in_url=sign_in_url),
        "back_url": reverse("routines:builder", args=[routine.id]),
        "back_label": _("Back to the builder"),
    }
    return render(request, "routines/handout.html", context)


def handout_context(*, routine: Routine, sign_in_url: str) -> dict:
    """What every handout shows: the routine and a QR code of `sign_in_url` (inline SVG, no
    styles or scripts, so the page's Content-Security-Policy allows it)."""
    qr = segno.make(sign_in_url, error="m").svg_inline(
        scale=4, svgclass="qr", title=_("QR code: sign in to Limber"), lineclass=None, omitsize=True
    )
    return {"routine": routine, "sign_in_url": sign_in_url, "qr_svg": qr}
