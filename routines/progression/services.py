"""Writes for progression rules: the builder's form, the API and the admin all come here."""

from django.db import transaction
from django.utils import timezone

from routines.models import RoutineStep

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
