"""Outcome measures: questionnaires as data, their versions, when a plan asks for them, and
what patients answered.

A questionnaire's items and scoring rule live on a version. Once a version has been
answered it is frozen (services refuse to change it): a response always keeps the version
it answered, so a score is never recomputed under a different rule.
"""

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from clinic import dates

# Why a response has no score (scoring.TOO_MANY_MISSING, scoring.NOTHING_TO_SCORE).
NO_SCORE_TEXTS = {
    "too_many_missing": _("Too many questions were left out to give a score."),
    "nothing_to_score": _("No question with a score was answered."),
}
SCORE_DIGITS = 7
SCORE_PLACES = 2


class Questionnaire(models.Model):
    """An instrument. No clinic: shipped with Limber (free to reproduce); otherwise a
    clinic's own, imported under the clinic's licence."""

    clinic = models.ForeignKey(
        "clinic.Clinic", models.CASCADE, null=True, blank=True, related_name="questionnaires"
    )
    code = models.SlugField(_("code"), max_length=64)
    # The FHIR canonical URL, when the questionnaire came from (or goes to) FHIR.
    url = models.URLField(_("canonical URL"), max_length=300, blank=True)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    # Where the instrument comes from: authors, publication, and where its MCID was found.
    source = models.TextField(_("source"), blank=True)
    # Copyright or licence text: shown wherever the instrument is used.
    copyright = models.TextField(_("copyright or licence"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("questionnaire")
        verbose_name_plural = _("questionnaires")
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["clinic", "code"], name="questionnaire_code_per_clinic"
            ),
            models.UniqueConstraint(
                fields=["code"], condition=Q(clinic__isnull=True), name="questionnaire_code_shipped"
            ),
            models.CheckConstraint(condition=~Q(name=""), name="questionnaire_name_not_empty"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_shipped(self) -> bool:
        return self.clinic_id is None


class QuestionnaireVersion(models.Model):
    """One version of a questionnaire's items and scoring rule."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        ACTIVE = "active", _("Active")
        RETIRED = "retired", _("Retired")

    class ScoreKind(models.TextChoices):
        SUM = "sum", _("Sum of the answered items")
        MEAN = "mean", _("Mean of the answered items")
        PERCENT = "percent", _("Percentage of the maximum of the answered items")

    questionnaire = models.ForeignKey(Questionnaire, models.CASCADE, related_name="versions")
    version = models.CharField(_("version"), max_length=50)
    title = models.CharField(_("title"), max_length=200)
    status = models.CharField(_("status"), max_length=7, choices=Status, default=Status.ACTIVE)
    score_kind = models.CharField(_("score"), max_length=7, choices=ScoreKind)
    # More missing scored items than this and there is no score.
    max_missing = models.PositiveSmallIntegerField(_("items that may be missing"), default=0)
    # The minimal clinically important difference, in score points.
    mcid = models.DecimalField(
        _("MCID"), max_digits=SCORE_DIGITS, decimal_places=SCORE_PLACES, null=True, blank=True
    )
    higher_is_better = models.BooleanField(_("a higher score is better"), default=False)
    # The range a score can take (from the items and the kind), for charts and FHIR.
    score_min = models.DecimalField(
        _("lowest score"), max_digits=SCORE_DIGITS, decimal_places=SCORE_PLACES
    )
    score_max = models.DecimalField(
        _("highest score"), max_digits=SCORE_DIGITS, decimal_places=SCORE_PLACES
    )
    # What a FHIR import held that Limber does not use (publisher, identifiers…), given
    # back as it came on export.
    fhir_extra = models.JSONField(_("other FHIR elements"), default=dict, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("questionnaire version")
        verbose_name_plural = _("questionnaire versions")
        ordering = ["questionnaire", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["questionnaire", "version"], name="questionnaire_version_unique"
            ),
            models.CheckConstraint(
                condition=Q(score_kind__in=["sum", "mean", "percent"]),
                name="questionnaire_version_score_kind_valid",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["draft", "active", "retired"]),
                name="questionnaire_version_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(score_max__gt=F("score_min")),
                name="questionnaire_version_score_range",
            ),
            models.CheckConstraint(
                condition=Q(mcid__isnull=True) | Q(mcid__gt=0),
                name="questionnaire_version_mcid_positive",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} {self.version}"


class Item(models.Model):
    """One question of a version."""

    class Kind(models.TextChoices):
        SCALE = "scale", _("Number on a scale")
        CHOICE = "choice", _("One of a list")
        TEXT = "text", _("Free text (not scored)")

    version = models.ForeignKey(QuestionnaireVersion, models.CASCADE, related_name="items")
    link_id = models.CharField(_("link id"), max_length=100)
    text = models.TextField(_("text"))
    kind = models.CharField(_("kind"), max_length=6, choices=Kind)
    position = models.PositiveSmallIntegerField(_("position"))
    required = models.BooleanField(_("required"), default=False)
    reversed = models.BooleanField(_("scored in reverse"), default=False)
    # A scale's ends and the words at each end ("no pain", "worst pain imaginable").
    scale_min = models.SmallIntegerField(_("scale from"), null=True, blank=True)
    scale_max = models.SmallIntegerField(_("scale to"), null=True, blank=True)
    min_label = models.CharField(_("label of the lowest"), max_length=100, blank=True)
    max_label = models.CharField(_("label of the highest"), max_length=100, blank=True)
    # Only asked once the item with this link id is answered (FHIR enableWhen "exists"):
    # the Patient-Specific Functional Scale rates an activity once the patient named it.
    enable_when = models.CharField(_("asked when answered"), max_length=100, blank=True)
    fhir_extra = models.JSONField(_("other FHIR elements"), default=dict, blank=True)

    class Meta:
        verbose_name = _("item")
        verbose_name_plural = _("items")
        ordering = ["version", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["version", "link_id"], name="item_link_id_unique"),
            models.CheckConstraint(
                condition=Q(kind__in=["scale", "choice", "text"]), name="item_kind_valid"
            ),
            models.CheckConstraint(
                condition=~Q(kind="scale")
                | Q(scale_min__isnull=False, scale_max__gt=F("scale_min")),
                name="item_scale_has_range",
            ),
            models.CheckConstraint(
                condition=~Q(kind="text") | Q(reversed=False), name="item_text_not_reversed"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.link_id}: {self.text[:60]}"

    @property
    def is_scored(self) -> bool:
        return self.kind != self.Kind.TEXT


class AnswerOption(models.Model):
    """One answer of a choice item, with the points it scores."""

    item = models.ForeignKey(Item, models.CASCADE, related_name="options")
    system = models.CharField(_("code system"), max_length=300, blank=True)
    code = models.CharField(_("code"), max_length=100)
    label = models.CharField(_("label"), max_length=300)
    score = models.SmallIntegerField(_("score"))
    position = models.PositiveSmallIntegerField(_("position"))

    class Meta:
        verbose_name = _("answer option")
        verbose_name_plural = _("answer options")
        ordering = ["item", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["item", "code"], name="answer_option_code_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.label} ({self.score})"


class Schedule(models.Model):
    """A questionnaire a plan asks for: at the start, every N weeks, at the end."""

    assignment = models.ForeignKey(
        "patients.Assignment", models.CASCADE, related_name="outcome_schedules"
    )
    questionnaire = models.ForeignKey(Questionnaire, models.PROTECT, related_name="schedules")
    at_start = models.BooleanField(_("at the start"), default=True)
    every_weeks = models.PositiveSmallIntegerField(_("every N weeks"), null=True, blank=True)
    at_end = models.BooleanField(_("at the end"), default=True)
    created_by = models.ForeignKey(
        "clinic.User", models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("questionnaire schedule")
        verbose_name_plural = _("questionnaire schedules")
        ordering = ["assignment", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["assignment", "questionnaire"], name="schedule_once_per_plan"
            ),
            models.CheckConstraint(
                condition=Q(every_weeks__isnull=True) | Q(every_weeks__gte=1, every_weeks__lte=52),
                name="schedule_every_weeks_in_range",
            ),
            models.CheckConstraint(
                condition=Q(at_start=True) | Q(at_end=True) | Q(every_weeks__isnull=False),
                name="schedule_asks_at_least_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.questionnaire} for {self.assignment}"


class Response(models.Model):
    """A patient's answers to one version, with its score (or why there is none)."""

    patient = models.ForeignKey(
        "patients.Patient", models.PROTECT, related_name="questionnaire_responses"
    )
    version = models.ForeignKey(QuestionnaireVersion, models.PROTECT, related_name="responses")
    schedule = models.ForeignKey(
        Schedule, models.SET_NULL, null=True, blank=True, related_name="responses"
    )
    # The clinic-local day the schedule asked for it (its start, an N-week mark, the end).
    due_on = models.DateField(_("due on"), null=True, blank=True)
    local_date = models.DateField(_("date"))
    answered_at = models.DateTimeField(_("answered"))
    answered_by = models.ForeignKey(
        "clinic.User", models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # {link id: an integer (scale), an option code (choice) or text}.
    answers = models.JSONField(_("answers"), default=dict)
    score = models.DecimalField(
        _("score"), max_digits=SCORE_DIGITS, decimal_places=SCORE_PLACES, null=True, blank=True
    )
    no_score_reason = models.CharField(_("why there is no score"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("questionnaire response")
        verbose_name_plural = _("questionnaire responses")
        ordering = ["-answered_at", "-id"]
        indexes = [
            # Progress, results and attention: a patient's responses in time order.
            models.Index(fields=["patient", "answered_at"], name="response_patient_time_idx"),
            # What is due: the responses given to a schedule's occurrences.
            models.Index(fields=["schedule", "due_on"], name="response_schedule_due_idx"),
        ]
        constraints = [
            # One answer per occurrence of a schedule, even when two requests race.
            models.UniqueConstraint(
                fields=["schedule", "due_on"],
                condition=Q(schedule__isnull=False, due_on__isnull=False),
                name="response_once_per_occurrence",
            ),
            models.CheckConstraint(
                condition=Q(score__isnull=False, no_score_reason="")
                | Q(score__isnull=True) & ~Q(no_score_reason=""),
                name="response_score_or_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.patient}: {self.version} on {dates.short_date(self.local_date)}"

    @property
    def no_score_text(self) -> str:
        text = NO_SCORE_TEXTS.get(self.no_score_reason)
        return str(text) if text else self.no_score_reason


class Postponement(models.Model):
    """The patient said "later" to a questionnaire that was due: once per occurrence."""

    schedule = models.ForeignKey(Schedule, models.CASCADE, related_name="postponements")
    due_on = models.DateField(_("due on"))
    local_date = models.DateField(_("postponed on"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("postponement")
        verbose_name_plural = _("postponements")
        constraints = [
            models.UniqueConstraint(
                fields=["schedule", "due_on"], name="postponement_once_per_occurrence"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.schedule} postponed on {dates.short_date(self.local_date)}"
