"""Writes of outcome measures: importing a questionnaire, attaching it to a plan, answering
and postponing. The pages, the API and the admin all come through here."""

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from modeltranslation.utils import build_localized_fieldname

from clinic.models import Clinic
from patients.models import Assignment, Patient

from . import fhir, scoring
from .models import AnswerOption, Item, Postponement, Questionnaire, QuestionnaireVersion, Response
from .models import Schedule as OutcomeSchedule
from .selectors import current_versions, due_questionnaires, version_rule

TEXT_ANSWER_MAX = 200


def _set_translations(instance, name: str, translations: dict[str, str]) -> None:
    """The texts a FHIR translation extension gave, each in its language's column."""
    for code, text in translations.items():
        setattr(instance, build_localized_fieldname(name, code), text)


@transaction.atomic
def questionnaire_import(
    *, clinic: Clinic, resource: dict, created_by: AbstractBaseUser | None = None
) -> QuestionnaireVersion:
    """Import a FHIR Questionnaire as the clinic's own: a new questionnaire, or a new
    version of the clinic's questionnaire with the same name. All or nothing: a resource
    Limber cannot take entirely is refused with messages naming the fields, and nothing is
    stored."""
    spec = fhir.parse_questionnaire(resource)
    questionnaire, created = Questionnaire.objects.get_or_create(
        clinic=clinic,
        code=spec.code,
        defaults={
            "url": spec.url,
            "name": spec.title,
            "description": spec.description,
            "source": spec.source,
            "copyright": spec.copyright,
        },
    )
    if not created:
        if questionnaire.versions.filter(version=spec.version).exists():
            message = _("version %(version)s of %(name)s is already imported") % {
                "version": spec.version,
                "name": spec.code,
            }
            raise ValidationError([f"version: {message}"])
        questionnaire.url = spec.url
        questionnaire.name = spec.title
        questionnaire.description = spec.description
        questionnaire.source = spec.source
        questionnaire.copyright = spec.copyright
        questionnaire.full_clean()
        questionnaire.save()
    else:
        questionnaire.full_clean()
    low, high = scoring.score_range(spec.rule())
    version = QuestionnaireVersion(
        questionnaire=questionnaire,
        version=spec.version,
        title=spec.title,
        status=spec.status,
        score_kind=spec.score_kind,
        max_missing=spec.max_missing,
        mcid=spec.mcid,
        higher_is_better=spec.higher_is_better,
        score_min=low,
        score_max=high,
        fhir_extra=spec.extra,
    )
    _set_translations(questionnaire, "name", spec.translations.get("title", {}))
    for name in ("description", "copyright"):
        _set_translations(questionnaire, name, spec.translations.get(name, {}))
    questionnaire.save()
    _set_translations(version, "title", spec.translations.get("title", {}))
    version.full_clean()
    version.save()
    for position, item_spec in enumerate(spec.items, start=1):
        item = Item(
            version=version,
            link_id=item_spec.link_id,
            text=item_spec.text,
            kind=item_spec.kind,
            position=position,
            required=item_spec.required,
            reversed=item_spec.reversed,
            scale_min=item_spec.scale_min,
            scale_max=item_spec.scale_max,
            min_label=item_spec.min_label,
            max_label=item_spec.max_label,
            enable_when=item_spec.enable_when,
            fhir_extra=item_spec.extra,
        )
        _set_translations(item, "text", item_spec.translations)
        item.full_clean(exclude=["version"])
        item.save()
        AnswerOption.objects.bulk_create(
            AnswerOption(
                item=item,
                system=option.system,
                code=option.code,
                label=option.label,
                score=option.score,
                position=position,
            )
            for position, option in enumerate(item_spec.options, start=1)
        )
    return version


@transaction.atomic
def schedule_create(
    *,
    assignment: Assignment,
    questionnaire: Questionnaire,
    at_start: bool = True,
    every_weeks: int | None = None,
    at_end: bool = True,
    created_by: AbstractBaseUser | None = None,
) -> OutcomeSchedule:
    """Ask the patient of `assignment` to answer `questionnaire` at the plan's start, every
    N weeks and at its end. Only questionnaires Limber ships or the patient's clinic's own."""
    clinic_id = assignment.patient.clinic_id
    if questionnaire.clinic_id not in (None, clinic_id):
        raise ValidationError({"questionnaire": _("Choose one of your clinic's questionnaires.")})
    if OutcomeSchedule.objects.filter(assignment=assignment, questionnaire=questionnaire).exists():
        raise ValidationError({"questionnaire": _("This plan already asks for it.")})
    if not (at_start or at_end or every_weeks):
        raise ValidationError(
            _("Ask at the start, at the end or every few weeks: at least one of them.")
        )
    schedule = OutcomeSchedule(
        assignment=assignment,
        questionnaire=questionnaire,
        at_start=at_start,
        every_weeks=every_weeks or None,
        at_end=at_end,
        created_by=created_by,
    )
    schedule.full_clean()
    schedule.save()
    return schedule


@transaction.atomic
def schedule_delete(*, schedule: OutcomeSchedule) -> None:
    """Stop asking. The answers already given stay, with their versions."""
    schedule.delete()


def clean_answers(version: QuestionnaireVersion, raw: dict) -> tuple[dict, dict[str, str]]:
    """The answers Limber keeps ({link id: int, option code or text}) and what is wrong,
    by link id. Reads the version's `items` and their `options`.

    Empty answers are left out. An item asked only once another is answered (a PSFS
    rating, once its activity is named) may not be answered alone."""
    answers, errors = {}, {}
    items = list(version.items.all())
    known = {item.link_id for item in items}
    for link_id in raw:
        if link_id not in known:
            errors[str(link_id)[:100]] = _("There is no such question.")
    for item in items:
        value = raw.get(item.link_id)
        if isinstance(value, str):
            value = value.strip()
        enabled = not item.enable_when or item.enable_when in answers
        if value is None or value == "":
            if item.required and enabled:
                errors[item.link_id] = _("Please answer this question.")
            continue
        if not enabled:
            errors[item.link_id] = _("Answer the question before this one first.")
            continue
        if item.kind == Item.Kind.SCALE:
            number = value
            if isinstance(value, str) and value.lstrip("-").isdigit() and len(value) < 6:
                number = int(value)
            if (
                isinstance(number, bool)
                or not isinstance(number, int)
                or not item.scale_min <= number <= item.scale_max
            ):
                errors[item.link_id] = _("Choose a number from %(low)s to %(high)s.") % {
                    "low": item.scale_min,
                    "high": item.scale_max,
                }
                continue
            answers[item.link_id] = number
        elif item.kind == Item.Kind.CHOICE:
            codes = {option.code for option in item.options.all()}
            if not isinstance(value, str) or value not in codes:
                errors[item.link_id] = _("Choose one of the answers.")
                continue
            answers[item.link_id] = value
        else:
            if not isinstance(value, str):
                errors[item.link_id] = _("Write a few words here.")
                continue
            if len(value) > TEXT_ANSWER_MAX:
                errors[item.link_id] = _("Use at most %(max)s characters.") % {
                    "max": TEXT_ANSWER_MAX
                }
                continue
            answers[item.link_id] = value
    return answers, errors


def _due_for(patient: Patient, schedule: OutcomeSchedule):
    for due in due_questionnaires(patient=patient, include_postponed=True):
        if due.schedule.pk == schedule.pk:
            return due
    return None


@transaction.atomic
def response_submit(
    *,
    patient: Patient,
    schedule: OutcomeSchedule,
    answers: dict,
    answered_by: AbstractBaseUser | None = None,
) -> Response:
    """Record the patient's answers to a questionnaire their plan asks for today, scored
    under the questionnaire's current version (which the response keeps for good)."""
    if schedule.assignment.patient_id != patient.pk:
        raise ValidationError({"schedule": _("This questionnaire is not one of yours.")})
    # One answer per occurrence, even when two requests race.
    Patient.objects.select_for_update().filter(pk=patient.pk).first()
    due = _due_for(patient, schedule)
    if due is None:
        raise ValidationError({"schedule": _("This questionnaire is not due today.")})
    version = current_versions([schedule.questionnaire_id]).get(schedule.questionnaire_id)
    if version is None:
        raise ValidationError({"schedule": _("This questionnaire is not in use any more.")})
    cleaned, errors = clean_answers(version, answers)
    if errors:
        raise ValidationError({"answers": [f"{key}: {value}" for key, value in errors.items()]})
    result = scoring.score(version_rule(version), cleaned)
    response = Response(
        patient=patient,
        version=version,
        schedule=schedule,
        due_on=due.due_on,
        local_date=patient.clinic.today(),
        answered_at=timezone.now(),
        answered_by=answered_by,
        answers=cleaned,
        score=result.value,
        no_score_reason=result.reason,
    )
    response.full_clean()
    response.save()
    return response


@transaction.atomic
def postponement_record(*, patient: Patient, schedule: OutcomeSchedule) -> Postponement:
    """ "Later": the questionnaire is not asked again today. Once per occurrence."""
    if schedule.assignment.patient_id != patient.pk:
        raise ValidationError({"schedule": _("This questionnaire is not one of yours.")})
    due = _due_for(patient, schedule)
    if due is None:
        raise ValidationError({"schedule": _("This questionnaire is not due today.")})
    if not due.can_postpone:
        raise ValidationError(
            {"schedule": _("You already put this off once. Please answer it today.")}
        )
    return Postponement.objects.create(
        schedule=schedule, due_on=due.due_on, local_date=patient.clinic.today()
    )
