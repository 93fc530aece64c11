"""Writes for progression rules: the builder's form, the API and the admin all come here."""

from django.db import transaction
from django.utils import timezone

from routines.models import Routine, RoutineStep

from .models import ProgressionRule

RULE_FIELDS = (
    "field",
    "mode",
    "amount",
    "cadence",
    "every",
    "ceiling",
    "step_back_after_pain",
    "manual_value",
)
COPY_FIELDS = (*RULE_FIELDS, "frozen_on")


@transaction.atomic
def progression_rule_save(
    *, step: RoutineStep, frozen: bool | None = None, **values
) -> ProgressionRule:
    """Create or change the step's rule, checked by the model's full_clean.

    `frozen` True freezes the step from the clinic's today on (kept if already frozen),
    False unfreezes it; None leaves it as it is."""
    rule = ProgressionRule.objects.filter(step=step).first() or ProgressionRule(step=step)
    for name, value in values.items():
        if name not in RULE_FIELDS:
            raise TypeError(name)
        setattr(rule, name, value)
    if frozen is True and rule.frozen_on is None:
        rule.frozen_on = (
            timezone.localdate(timezone=step.routine.clinic.zone)
            if (step.routine.clinic_id)
            else timezone.localdate()
        )
    elif frozen is False:
        rule.frozen_on = None
    rule.full_clean()
    rule.save()
    return rule


@transaction.atomic
def progression_rule_delete(*, rule: ProgressionRule) -> None:
    rule.delete()


@transaction.atomic
def progression_rules_copy(*, source: Routine, copy: Routine) -> int:
    """Give a copied routine's steps the rules of the original's steps in the same places,
    so a patient's own copy progresses as the template said. Returns how many."""
    rules = ProgressionRule.objects.filter(
        step__routine=source, step__archived_at__isnull=True
    ).select_related("step")
    by_position = {rule.step.position: rule for rule in rules}
    if not by_position:
        return 0
    copies = [
        ProgressionRule(
            step=step,
            **{name: getattr(by_position[step.position], name) for name in COPY_FIELDS},
        )
        for step in copy.steps.filter(archived_at__isnull=True, position__in=by_position)
    ]
    ProgressionRule.objects.bulk_create(copies)
    return len(copies)
