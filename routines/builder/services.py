"""Writes on routines and their steps: creating, copying (templates, patients' own copies),
editing the prescription, moving and removing steps."""

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from clinic.models import Clinic
from routines.languages import column, columns, content_languages, translations_of
from routines.models import Exercise, Routine, RoutineStep
from routines.prescription import prescription_in_words

# A routine's texts in each language (routines/translation.py).
ROUTINE_TEXTS = ("name", "goal")
STEP_COPY_FIELDS = (
    "exercise_id",
    "position",
    "hold_seconds",
    "repetitions",
    "rest_between_repetitions_seconds",
    "sets",
    "rest_between_sets_seconds",
    "sides",
    "note",
)


@transaction.atomic
def routine_copy(
    *,
    routine: Routine,
    clinic: Clinic,
    is_template: bool,
    name: str | None = None,
    names: dict[str, str] | None = None,
    created_by: AbstractBaseUser | None = None,
) -> Routine:
    """Copy a routine and its current steps into `clinic`.

    Used to duplicate a template and to give a patient their own copy, so that later edits
    to the original never change a running plan. The copy keeps the name and goal in every
    language; `name` (or `names`: language → name) renames it.
    """
    copy = Routine(
        clinic=clinic,
        is_template=is_template,
        copied_from=routine,
        created_by=created_by,
        # Every language's name and goal (routines/translation.py), not only the reader's.
        **translations_of(routine, ROUTINE_TEXTS),
    )
    if name:
        _set_text(copy, "name", name)
    for code, text in (names or {}).items():
        setattr(copy, column("name", code), text)
    copy.full_clean()
    copy.save()
    RoutineStep.objects.bulk_create(
        RoutineStep(routine=copy, **{field: getattr(step, field) for field in STEP_COPY_FIELDS})
        for step in routine.steps.filter(archived_at__isnull=True)
    )
    return copy


def routine_copy_names(routine: Routine) -> dict[str, str]:
    """ "Copy of …" in every language, each with the routine's name in that language."""
    names = {}
    for code in content_languages():
        with translation.override(code):
            names[code] = _("Copy of %(name)s") % {"name": routine.name}
    return names


def _set_text(routine: Routine, field: str, text: str) -> None:
    """A routine's text written in the reader's language: the other languages' version no
    longer says the same, so it is cleared and falls back to this one."""
    for name in columns(field):
        setattr(routine, name, None)
    setattr(routine, field, text)


@transaction.atomic
def routine_step_remove(*, step: RoutineStep) -> None:
    """Take a step out of its routine; one that was ever done is archived, not deleted."""
    if step.completions.exists():
        step.archived_at = timezone.now()
        step.save(update_fields=["archived_at"])
    else:
        step.delete()


@transaction.atomic
def routine_archive(*, routine: Routine) -> Routine:
    routine.archived_at = timezone.now()
    routine.save(update_fields=["archived_at", "updated_at"])
    return routine


def _tell_patients(routine: Routine, summary: str) -> None:
    """Record on each plan running this routine what changed, for the patient's next visit.

    Changes pile up (the last ten) until the patient has seen them.
    """
    now = timezone.now()
    for assignment in routine.assignments.all():
        earlier = assignment.change_summary.splitlines() if assignment.has_unseen_change else []
        assignment.change_summary = "\n".join([*earlier, summary][-10:])
        assignment.changed_at = now
        assignment.save(update_fields=["change_summary", "changed_at"])


@transaction.atomic
def routine_create(
    *,
    clinic: Clinic,
    name: str,
    goal: str = "",
    is_template: bool = False,
    created_by: AbstractBaseUser | None = None,
) -> Routine:
    routine = Routine(
        clinic=clinic, name=name, goal=goal, is_template=is_template, created_by=created_by
    )
    routine.full_clean()
    routine.save()
    return routine


@transaction.atomic
def routine_update(
    *, routine: Routine, name: str, goal: str = "", is_template: bool | None = None
) -> Routine:
    """Rename, re-aim or (from the admin) mark as a template; a patient's plan is never made
    a template (Routine.clean)."""
    changed = routine.name != name or routine.goal != goal
    # Only a changed text is written: an unchanged one keeps its other language.
    if routine.name != name:
        _set_text(routine, "name", name)
    if routine.goal != goal:
        _set_text(routine, "goal", goal)
    if is_template is not None:
        routine.is_template = is_template
    routine.full_clean()
    routine.save()
    if changed:
        _tell_patients(routine, _("The name or goal of your plan changed."))
    return routine


def _next_position(routine: Routine) -> int:
    last = routine.steps.filter(archived_at__isnull=True).aggregate(Max("position"))
    return (last["position__max"] or 0) + 1


@transaction.atomic
def routine_step_add(*, routine: Routine, exercise: Exercise) -> RoutineStep:
    """Append a step with the exercise's default prescription."""
    if exercise.clinic_id not in (None, routine.clinic_id):
        raise ValidationError({"exercise": _("This exercise is not in your library.")})
    step = RoutineStep(
        routine=routine,
        exercise=exercise,
        position=_next_position(routine),
        hold_seconds=exercise.default_hold_seconds,
        repetitions=exercise.default_repetitions,
        sets=exercise.default_sets,
        sides=exercise.default_sides,
    )
    step.full_clean()
    step.save()
    Routine.objects.filter(id=routine.id).update(updated_at=timezone.now())
    _tell_patients(routine, _("Added: %(name)s.") % {"name": exercise.name})
    return step


STEP_PRESCRIPTION_FIELDS = (
    "hold_seconds",
    "repetitions",
    "rest_between_repetitions_seconds",
    "sets",
    "rest_between_sets_seconds",
    "sides",
    "note",
)


@transaction.atomic
def routine_step_update(*, step: RoutineStep, **prescription) -> RoutineStep:
    """Change a step's prescription (hold, repetitions, sets, sides, rest, note)."""
    changed = []
    for name, value in prescription.items():
        if name not in STEP_PRESCRIPTION_FIELDS:
            raise TypeError(f"unexpected field {name}")
        if getattr(step, name) != value:
            changed.append(name)
            setattr(step, name, value)
    step.full_clean()
    step.save()
    if changed:
        _tell_patients(
            step.routine,
            _("%(name)s: now %(prescription)s.")
            % {"name": step.exercise.name, "prescription": prescription_text(step)},
        )
    return step


def prescription_text(step: RoutineStep) -> str:
    """The step's timing as the "plan changed" notice tells the patient."""
    return prescription_in_words(step)


@transaction.atomic
def routine_step_move(*, step: RoutineStep, offset: int) -> RoutineStep:
    """Swap a step with its neighbour above (offset -1) or below (+1); at an end, nothing moves."""
    siblings = list(
        step.routine.steps.filter(archived_at__isnull=True)
        .select_for_update()
        .order_by("position", "id")
    )
    index = next(i for i, sibling in enumerate(siblings) if sibling.id == step.id)
    other_index = index + offset
    if offset not in (-1, 1) or not 0 <= other_index < len(siblings):
        return step
    other = siblings[other_index]
    mine, theirs = siblings[index].position, other.position
    # Positions are unique among active steps: park this step past the end while swapping.
    RoutineStep.objects.filter(id=step.id).update(position=siblings[-1].position + 1)
    RoutineStep.objects.filter(id=other.id).update(position=mine)
    RoutineStep.objects.filter(id=step.id).update(position=theirs)
    step.position = theirs
    _tell_patients(step.routine, _("The order of the exercises changed."))
    return step


@transaction.atomic
def routine_step_take_out(*, step: RoutineStep) -> None:
    """Remove a step from its routine (archived if ever done) and tell the patient."""
    routine, name = step.routine, step.exercise.name
    routine_step_remove(step=step)
    _tell_patients(routine, _("Removed: %(name)s.") % {"name": name})


STEP_KEYS = ("step", "exercise", "delete")


def _check_new_exercise(routine: Routine, exercise: Exercise) -> None:
    if exercise.clinic_id not in (None, routine.clinic_id) or exercise.archived_at is not None:
        raise ValidationError({"exercise": _("This exercise is not in your library.")})


@transaction.atomic
def routine_steps_save(*, routine: Routine, steps: list[dict]) -> list[RoutineStep]:
    """Save the whole list of a routine's steps at once, as the builder's one form and the
    admin's step rows submit it.

    `steps` is the new order. Each item holds `step` (an active step of this routine, or
    None for a new one, which then needs `exercise`), `delete` (take it out: archived when it
    was ever done, so nothing recorded is lost) and any prescription fields
    (STEP_PRESCRIPTION_FIELDS; a new step starts from its exercise's defaults). Active steps
    left out keep their place after the listed ones. A patient whose plan this is gets one
    notice line per change, as with each single edit. Returns the active steps in order.
    """
    current = {
        step.id: step
        for step in routine.steps.filter(archived_at__isnull=True)
        .select_related("exercise")
        .select_for_update(of=("self",))
        .order_by("position", "id")
    }
    before = list(current)
    kept, removed, notices = [], [], []
    for item in steps:
        unknown = set(item) - set(STEP_KEYS) - set(STEP_PRESCRIPTION_FIELDS)
        if unknown:
            raise TypeError(f"unexpected fields {sorted(unknown)}")
        step = item.get("step")
        if step is not None and step.id not in current:
            raise ValidationError(_("This step is not part of this routine any more."))
        if step is not None and item.get("delete"):
            removed.append(current.pop(step.id))
        elif step is not None:
            kept.append((current.pop(step.id), item))
        elif not item.get("delete"):
            exercise = item.get("exercise")
            if exercise is None:
                raise ValidationError({"exercise": _("Choose an exercise.")})
            _check_new_exercise(routine, exercise)
            kept.append((None, item))
    kept += [(step, {}) for step in current.values()]  # left out: kept, after the rest

    for step in removed:
        routine_step_remove(step=step)
        notices.append(_("Removed: %(name)s.") % {"name": step.exercise.name})
    # Positions are unique among active steps: park them past any used number first.
    park = 1 + max([0, *(step.position for step, _item in kept if step is not None)])
    for step, _item in kept:
        if step is not None:
            RoutineStep.objects.filter(id=step.id).update(position=park + step.position)
    saved = []
    for position, (step, item) in enumerate(kept, start=1):
        prescription = {name: item[name] for name in STEP_PRESCRIPTION_FIELDS if name in item}
        if step is None:
            exercise = item["exercise"]
            step = RoutineStep(routine=routine, exercise=exercise, position=position)
            for name, default in _exercise_defaults(exercise).items():
                setattr(step, name, default)
            for name, value in prescription.items():
                setattr(step, name, value)
            notices.append(_("Added: %(name)s.") % {"name": exercise.name})
        else:
            changed = [name for name, value in prescription.items() if getattr(step, name) != value]
            for name in changed:
                setattr(step, name, prescription[name])
            step.position = position
            if changed:
                notices.append(
                    _("%(name)s: now %(prescription)s.")
                    % {"name": step.exercise.name, "prescription": prescription_text(step)}
                )
        step.full_clean(exclude=["routine"], validate_constraints=False)
        step.save()
        saved.append(step)
    order_now = [step.id for step in saved if step.id in before]
    if order_now != [step_id for step_id in before if step_id in order_now]:
        notices.append(_("The order of the exercises changed."))
    if notices:
        Routine.objects.filter(id=routine.id).update(updated_at=timezone.now())
        for notice in notices:
            _tell_patients(routine, notice)
    return saved


def _exercise_defaults(exercise: Exercise) -> dict:
    """A new step's prescription: the exercise's default for each field that has one."""
    return {
        name: getattr(exercise, f"default_{name}")
        for name in STEP_PRESCRIPTION_FIELDS
        if hasattr(exercise, f"default_{name}")
    }


@transaction.atomic
def routine_save(*, routine: Routine, name: str, goal: str, steps: list[dict]) -> Routine:
    """The builder's one form: name, goal and the whole list of steps, saved together (all
    or nothing); see routine_steps_save for the steps."""
    if routine.is_builtin:
        raise ValidationError(_("Built-in routines cannot be changed."))
    routine_update(routine=routine, name=name, goal=goal)
    routine_steps_save(routine=routine, steps=steps)
    return routine
