"""A step's progression rule and a clinic's default gates (the app labelled `progression`).

The arithmetic lives in arithmetic.py; these rows only hold the choices. A plan's own
gates (overriding the clinic's) live with the plan, in patients, since routines never
import patients.
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from routines.models import HOLD_SECONDS_MAX, REPETITIONS_MAX, SETS_MAX, RoutineStep

from . import arithmetic

FIELD_MAX = {
    arithmetic.HOLD: HOLD_SECONDS_MAX,
    arithmetic.REPETITIONS: REPETITIONS_MAX,
    arithmetic.SETS: SETS_MAX,
}
PERCENT_MAX = 100
PAIN_MAX = 10


class Field(models.TextChoices):
    HOLD = arithmetic.HOLD, _("Hold (seconds)")
    REPETITIONS = arithmetic.REPETITIONS, _("Repetitions")
    SETS = arithmetic.SETS, _("Sets")


class Mode(models.TextChoices):
    AMOUNT = arithmetic.AMOUNT, _("By an amount")
    PERCENT = arithmetic.PERCENT, _("By a percentage")


class Cadence(models.TextChoices):
    WEEKS = arithmetic.WEEKS, _("Every N weeks")
    SESSIONS = arithmetic.SESSIONS, _("After N completed sessions")


class ProgressionRule(models.Model):
    """How one step of a routine grows; at most one rule per step."""

    step = models.OneToOneField(RoutineStep, models.CASCADE, related_name="progression")
    field = models.CharField(_("what grows"), max_length=12, choices=Field.choices)
    mode = models.CharField(_("how"), max_length=7, choices=Mode.choices, default=Mode.AMOUNT)
    amount = models.PositiveSmallIntegerField(
        _("by how much"), help_text=_("Seconds, repetitions or sets; or a percentage.")
    )
    cadence = models.CharField(
        _("how often"), max_length=8, choices=Cadence.choices, default=Cadence.WEEKS
    )
    every = models.PositiveSmallIntegerField(_("every (weeks or sessions)"), default=1)
    ceiling = models.PositiveSmallIntegerField(_("up to"))
    step_back_after_pain = models.BooleanField(_("step back after high pain"), default=False)
    frozen_on = models.DateField(_("frozen since"), null=True, blank=True)
    manual_value = models.PositiveSmallIntegerField(
        _("value set by hand"),
        null=True,
        blank=True,
        help_text=_("Wins over the rule while set."),
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("progression rule")
        verbose_name_plural = _("progression rules")
        constraints = [
            models.CheckConstraint(
                condition=Q(field__in=Field.values), name="progressionrule_field_valid"
            ),
            models.CheckConstraint(
                condition=Q(mode__in=Mode.values), name="progressionrule_mode_valid"
            ),
            models.CheckConstraint(
                condition=Q(cadence__in=Cadence.values), name="progressionrule_cadence_valid"
            ),
            models.CheckConstraint(
                condition=Q(amount__gte=1, amount__lte=HOLD_SECONDS_MAX),
                name="progressionrule_amount_in_range",
            ),
            models.CheckConstraint(
                condition=Q(every__gte=1, every__lte=52), name="progressionrule_every_in_range"
            ),
            models.CheckConstraint(
                condition=Q(ceiling__gte=1, ceiling__lte=HOLD_SECONDS_MAX),
                name="progressionrule_ceiling_in_range",
            ),
            models.CheckConstraint(
                condition=Q(manual_value__isnull=True)
                | Q(manual_value__gte=1, manual_value__lte=HOLD_SECONDS_MAX),
                name="progressionrule_manual_in_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.step}: {self.get_field_display()}"

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        errors = {}
        top = FIELD_MAX.get(self.field)
        if top is not None and self.ceiling is not None and self.ceiling > top:
            errors["ceiling"] = _("At most %(max)s.") % {"max": top}
        if top is not None and self.manual_value is not None and self.manual_value > top:
            errors["manual_value"] = _("At most %(max)s.") % {"max": top}
        if self.mode == Mode.PERCENT and self.amount and self.amount > PERCENT_MAX:
            errors["amount"] = _("At most %(max)s %%.") % {"max": PERCENT_MAX}
        if errors:
            raise ValidationError(errors)

    def base_value(self) -> int:
        return getattr(self.step, self.field)

    def as_rule(self) -> arithmetic.Rule:
        return arithmetic.Rule(
            field=self.field,
            mode=self.mode,
            amount=self.amount,
            cadence=self.cadence,
            every=self.every,
            ceiling=self.ceiling,
            step_back_after_pain=self.step_back_after_pain,
            frozen_on=self.frozen_on,
            manual_value=self.manual_value,
        )


class ClinicGates(models.Model):
    """A clinic's default gates: when a step may grow. A plan may override them."""

    clinic = models.OneToOneField("clinic.Clinic", models.CASCADE, related_name="progression_gates")
    min_adherence_percent = models.PositiveSmallIntegerField(
        _("adherence at least (%)"), default=80
    )
    pain_threshold = models.PositiveSmallIntegerField(_("holds at pain of (0–10)"), default=5)

    class Meta:
        verbose_name = _("progression gates")
        verbose_name_plural = _("progression gates")
        constraints = [
            models.CheckConstraint(
                condition=Q(min_adherence_percent__lte=PERCENT_MAX),
                name="clinicgates_adherence_in_range",
            ),
            models.CheckConstraint(
                condition=Q(pain_threshold__gte=1, pain_threshold__lte=PAIN_MAX),
                name="clinicgates_pain_in_range",
            ),
        ]

    def __str__(self) -> str:
        return str(self.clinic)

    def as_gates(self) -> arithmetic.Gates:
        return arithmetic.Gates(self.min_adherence_percent, self.pain_threshold)
