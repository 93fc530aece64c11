import uuid

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from clinic import dates
from clinic.account_kinds import check_patient_account
from clinic.models import LANGUAGE_CHOICES
from clinic.validators import validate_date_in_range, validate_name, validate_text
from routines.models import Sides

ALL_WEEKDAYS = 0b1111111  # Monday is bit 0, as in date.weekday()
PAIN_MAX = 10
SESSIONS_PER_DAY_MAX = 4


class Patient(models.Model):
    clinic = models.ForeignKey("clinic.Clinic", models.CASCADE, related_name="patients")
    physiotherapist = models.ForeignKey(
        "clinic.StaffMember",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="patients",
        verbose_name=_("physiotherapist"),
    )
    user = models.OneToOneField(
        "clinic.User", models.SET_NULL, null=True, blank=True, related_name="patient"
    )
    first_name = models.CharField(_("first name"), max_length=100, validators=[validate_name])
    # Optional: some people have one name only (the first name is required).
    last_name = models.CharField(
        _("last name"), max_length=100, blank=True, validators=[validate_name]
    )
    email = models.EmailField(_("email"), blank=True)
    birth_year = models.PositiveSmallIntegerField(_("year of birth"), null=True, blank=True)
    phone = models.CharField(
        _("phone number"), max_length=40, blank=True, validators=[validate_text]
    )
    referral_reason = models.TextField(
        _("reason for referral"), max_length=2000, blank=True, validators=[validate_text]
    )
    archived_at = models.DateTimeField(_("archived"), null=True, blank=True)
    # Blank: not chosen; the browser's language, else the clinic's, is used instead.
    language = models.CharField(
        _("language"), max_length=10, choices=LANGUAGE_CHOICES, blank=True, default=""
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("patient")
        verbose_name_plural = _("patients")
        ordering = ["last_name", "first_name", "id"]
        indexes = [
            # The roster: a clinic's patients, alphabetically.
            models.Index(fields=["clinic", "last_name", "first_name"], name="patient_roster_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(birth_year__isnull=True)
                | Q(birth_year__gte=1900, birth_year__lte=2100),
                name="patient_birth_year_plausible",
                violation_error_message=_("Enter a year of birth from 1900 on."),
            ),
            models.CheckConstraint(
                condition=~Q(first_name=""), name="patient_first_name_not_empty"
            ),
            models.CheckConstraint(
                condition=Q(language__in=["", *dict(LANGUAGE_CHOICES)]),
                name="patient_language_known",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    def clean(self):
        """The patient's sign-in is a patient-only account (clinic.account_kinds), so whoever may
        edit the patient can never reach a staff member's or the operator's account."""
        if self.user_id is not None:
            check_patient_account(self.user, patient=self)


class Invitation(models.Model):
    """A one-time link that lets a patient create their sign-in. Only the token's hash is kept."""

    patient = models.ForeignKey(Patient, models.CASCADE, related_name="invitations")
    token_hash = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(
        "clinic.User", models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"))
    used_at = models.DateTimeField(_("used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_at__gt=F("created_at")), name="invitation_expires_after_created"
            ),
            models.CheckConstraint(
                condition=Q(used_at__isnull=True) | Q(revoked_at__isnull=True),
                name="invitation_not_used_and_revoked",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.patient} ({dates.short_date(self.created_at)})"


class Assignment(models.Model):
    """A patient's plan: their own copy of a routine, on a weekly schedule."""

    patient = models.ForeignKey(Patient, models.CASCADE, related_name="assignments")
    routine = models.ForeignKey("routines.Routine", models.PROTECT, related_name="assignments")
    starts_on = models.DateField(_("starts on"), validators=[validate_date_in_range])
    ends_on = models.DateField(
        _("ends on"), null=True, blank=True, validators=[validate_date_in_range]
    )
    weekdays = models.PositiveSmallIntegerField(
        _("days of the week"),
        default=ALL_WEEKDAYS,
        help_text=_("Bit mask: Monday is 1, Tuesday 2, Wednesday 4, … Sunday 64."),
    )
    sessions_per_day = models.PositiveSmallIntegerField(_("sessions per day"), default=1)
    created_by = models.ForeignKey(
        "clinic.User", models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    # When the physiotherapist last changed the plan: the patient is told on their next visit.
    changed_at = models.DateTimeField(_("plan changed"), null=True, blank=True)
    # What changed (one line per change) and when the patient last saw the notice.
    change_summary = models.TextField(_("what changed"), blank=True)
    change_seen_at = models.DateTimeField(_("change seen"), null=True, blank=True)

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        ordering = ["-starts_on", "-id"]
        indexes = [
            # "Today" and adherence: a patient's assignments running on a date.
            models.Index(fields=["patient", "starts_on", "ends_on"], name="assignment_running_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=F("starts_on")),
                name="assignment_ends_after_start",
                violation_error_message=_("The end date is before the start date."),
            ),
            models.CheckConstraint(
                condition=Q(weekdays__gte=1, weekdays__lte=ALL_WEEKDAYS),
                name="assignment_weekdays_valid",
            ),
            models.CheckConstraint(
                condition=Q(sessions_per_day__gte=1, sessions_per_day__lte=SESSIONS_PER_DAY_MAX),
                name="assignment_sessions_per_day_in_range",
            ),
            # A plan is the patient's own copy: two plans never share a routine, so editing
            # one patient's plan can never change another's (see clean() for the rest).
            models.UniqueConstraint(fields=["routine"], name="assignment_routine_own_copy"),
        ]

    def __str__(self) -> str:
        return f"{self.patient}: {self.routine}"

    def clean(self):
        """The rest of the own-copy rule, which no single-table constraint can say: a plan
        never points at a template (built-in or the clinic's) or another clinic's routine.
        full_clean() runs it, so the admin, the API and the pages all meet it; together with
        the unique routine it also rules out another patient's copy."""
        if self.routine_id is None or self.patient_id is None:
            return
        routine = self.routine
        if routine.is_template or routine.clinic_id != self.patient.clinic_id:
            raise ValidationError(
                {"routine": _("A plan is the patient's own copy, never a template.")}
            )

    def runs_on_weekday(self, weekday: int) -> bool:
        return bool(self.weekdays & (1 << weekday))

    @property
    def has_unseen_change(self) -> bool:
        """Changed by the physiotherapist since the patient last saw the "plan changed" notice."""
        if self.changed_at is None:
            return False
        return self.change_seen_at is None or self.change_seen_at < self.changed_at

    def change_lines(self) -> list[str]:
        return [line for line in self.change_summary.splitlines() if line.strip()]


class AssignmentPause(models.Model):
    """Days on which an assignment is not scheduled. An open pause (no end) is "paused now"."""

    assignment = models.ForeignKey(Assignment, models.CASCADE, related_name="pauses")
    starts_on = models.DateField(_("paused from"), validators=[validate_date_in_range])
    ends_on = models.DateField(
        _("paused until"), null=True, blank=True, validators=[validate_date_in_range]
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("pause")
        verbose_name_plural = _("pauses")
        ordering = ["starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=F("starts_on")),
                name="pause_ends_after_start",
                violation_error_message=_("The end date is before the start date."),
            ),
            models.UniqueConstraint(
                fields=["assignment"],
                condition=Q(ends_on__isnull=True),
                name="pause_one_open_per_assignment",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.assignment} paused {dates.short_date(self.starts_on)}"


class Session(models.Model):
    """One sitting of a patient's routine, counted on the clinic-local date it was done."""

    class Effort(models.TextChoices):
        EASY = "easy", _("Easy")
        RIGHT = "right", _("About right")
        HARD = "hard", _("Hard")

    patient = models.ForeignKey(Patient, models.PROTECT, related_name="sessions")
    assignment = models.ForeignKey(Assignment, models.PROTECT, related_name="sessions")
    local_date = models.DateField(_("date"))
    started_at = models.DateTimeField(_("started"))
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    pain = models.PositiveSmallIntegerField(_("pain (0–10)"), null=True, blank=True)
    effort = models.CharField(
        _("how hard it felt"), max_length=5, choices=Effort.choices, blank=True
    )
    note = models.TextField(_("note"), blank=True, validators=[validate_text])
    # Raised when the patient reports a pain of 7 or more, for the physiotherapist to see.
    flagged = models.BooleanField(_("flagged"), default=False)

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        ordering = ["-started_at"]
        indexes = [
            # Adherence and history: a patient's sessions over a date range.
            models.Index(fields=["patient", "local_date"], name="session_patient_date_idx"),
            # Today: an assignment's sessions on one date.
            models.Index(fields=["assignment", "local_date"], name="session_assignment_date_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(pain__isnull=True) | Q(pain__lte=PAIN_MAX), name="session_pain_in_range"
            ),
            models.CheckConstraint(
                condition=Q(finished_at__isnull=True) | Q(finished_at__gte=F("started_at")),
                name="session_finishes_after_start",
            ),
            models.CheckConstraint(
                condition=Q(effort__in=["", "easy", "right", "hard"]), name="session_effort_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.patient} {dates.short_date(self.local_date)}"

    @property
    def is_finished(self) -> bool:
        return self.finished_at is not None


class Completion(models.Model):
    """One side of one set of one step, done or skipped. Never edited, never deleted.

    It keeps what was prescribed when it was done, so later edits to the routine do not
    rewrite history.
    """

    class Status(models.TextChoices):
        DONE = "done", _("Done")
        SKIPPED = "skipped", _("Skipped")

    class SkipReason(models.TextChoices):
        PAIN = "pain", _("Pain")
        TOO_HARD = "too_hard", _("Too hard")
        NO_TIME = "no_time", _("No time")
        OTHER = "other", _("Other")

    class Side(models.TextChoices):
        BOTH = "both", _("Both sides")
        LEFT = "left", _("Left side")
        RIGHT = "right", _("Right side")

    client_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    session = models.ForeignKey(Session, models.PROTECT, related_name="completions")
    # Denormalised from the session so "a patient's completions over a date range" needs no join.
    patient = models.ForeignKey(Patient, models.PROTECT, related_name="completions")
    step = models.ForeignKey("routines.RoutineStep", models.PROTECT, related_name="completions")
    exercise = models.ForeignKey("routines.Exercise", models.PROTECT, related_name="completions")
    side = models.CharField(_("side"), max_length=5, choices=Side.choices, default=Side.BOTH)
    set_number = models.PositiveSmallIntegerField(_("set"), default=1)
    status = models.CharField(_("status"), max_length=7, choices=Status.choices)
    skip_reason = models.CharField(
        _("reason for skipping"), max_length=10, choices=SkipReason.choices, blank=True
    )
    recorded_at = models.DateTimeField(_("recorded"))
    # What was prescribed at the time.
    exercise_name = models.CharField(_("exercise"), max_length=120)
    hold_seconds = models.PositiveSmallIntegerField(_("hold (seconds)"))
    repetitions = models.PositiveSmallIntegerField(_("repetitions"))
    sides = models.CharField(_("sides"), max_length=4, choices=Sides.choices)

    class Meta:
        verbose_name = _("completion")
        verbose_name_plural = _("completions")
        ordering = ["recorded_at", "id"]
        indexes = [
            # Adherence and exports: a patient's completions over a date range.
            models.Index(fields=["patient", "recorded_at"], name="completion_patient_time_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "step", "side", "set_number"],
                name="completion_once_per_set_side",
            ),
            models.CheckConstraint(
                condition=(Q(status="done") & Q(skip_reason=""))
                | (
                    Q(status="skipped")
                    & Q(skip_reason__in=["pain", "too_hard", "no_time", "other"])
                ),
                name="completion_skip_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(side__in=["both", "left", "right"]), name="completion_side_valid"
            ),
            models.CheckConstraint(condition=Q(set_number__gte=1), name="completion_set_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.exercise_name} {self.side} set {self.set_number}: {self.status}"


class AttentionReview(models.Model):
    """A staff member looked at a patient's "needs attention" alert.

    It keeps the data the alert was raised on, so the same alert is not raised again until
    something new happens (see patients.review.adherence.attention_reasons).
    """

    patient = models.ForeignKey(Patient, models.CASCADE, related_name="attention_reviews")
    reviewed_by = models.ForeignKey(
        "clinic.User", models.SET_NULL, null=True, related_name="+", verbose_name=_("reviewed by")
    )
    reviewed_at = models.DateTimeField(_("reviewed"))
    # The clinic-local day of the review: days after it are new data.
    reviewed_on = models.DateField(_("reviewed on"))
    # Space-separated reason codes the alert had, e.g. "low_adherence pain_high".
    reasons = models.CharField(_("reasons"), max_length=200)
    # The patient's latest session when it was reviewed: later sessions are new data.
    last_session = models.ForeignKey(
        Session, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    adherence_7 = models.PositiveSmallIntegerField(_("7-day adherence (%)"), null=True, blank=True)
    latest_pain = models.PositiveSmallIntegerField(_("latest pain"), null=True, blank=True)

    class Meta:
        verbose_name = _("attention review")
        verbose_name_plural = _("attention reviews")
        ordering = ["-reviewed_at", "-id"]
        indexes = [
            # The staff home page: each patient's latest review.
            models.Index(fields=["patient", "-reviewed_at"], name="review_patient_latest_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=~Q(reasons=""), name="review_has_reasons"),
        ]

    def __str__(self) -> str:
        return _("%(patient)s reviewed %(day)s") % {
            "patient": self.patient,
            "day": dates.short_date(self.reviewed_at),
        }

    @property
    def reason_codes(self) -> set[str]:
        return set(self.reasons.split())


class PlanGates(models.Model):
    """A plan's own progression gates, overriding its clinic's defaults (issue 19).

    Here, not in routines.progression, because the gates read a plan's adherence and pain,
    which are patients' data; routines never import patients."""

    assignment = models.OneToOneField(Assignment, models.CASCADE, related_name="gates")
    min_adherence_percent = models.PositiveSmallIntegerField(_("adherence at least (%)"))
    pain_threshold = models.PositiveSmallIntegerField(_("holds at pain of (0–10)"))

    class Meta:
        verbose_name = _("plan's progression gates")
        verbose_name_plural = _("plans' progression gates")
        constraints = [
            models.CheckConstraint(
                condition=Q(min_adherence_percent__lte=100), name="plangates_adherence_in_range"
            ),
            models.CheckConstraint(
                condition=Q(pain_threshold__gte=1, pain_threshold__lte=PAIN_MAX),
                name="plangates_pain_in_range",
            ),
        ]

    def __str__(self) -> str:
        return str(self.assignment)


class PatientSummary(models.Model):
    """What the staff home page shows of one patient, worked out once and kept (issue 21).

    `patients.review.summaries` owns it: every write that changes a patient's figures
    (a session started or finished, a plan or pause changed, a review, an outcome answered,
    the patient's name) raises `version`, and the home page recomputes only the rows whose
    `computed_version`, `computed_on` (the clinic's today when they were worked out) or
    `rules` (the clinic's thresholds) no longer fit, so the page reads the rows it shows.
    """

    patient = models.OneToOneField(
        Patient, models.CASCADE, primary_key=True, related_name="summary"
    )
    # The patient's clinic, copied so a clinic's rows are found without reading patients.
    clinic = models.ForeignKey("clinic.Clinic", models.CASCADE, related_name="+")
    version = models.PositiveBigIntegerField(default=0)
    computed_version = models.BigIntegerField(null=True)
    computed_on = models.DateField(null=True)
    rules = models.CharField(max_length=100, blank=True)
    # lower(last name) + "\x01" + lower(first name): Python's order of the names, compared
    # byte by byte (COLLATE "C" on PostgreSQL), as the page sorted them in Python before.
    sort_name = models.CharField(max_length=210, blank=True)
    week_completed = models.PositiveIntegerField(default=0)
    week_scheduled = models.PositiveIntegerField(default=0)
    week_percent = models.PositiveSmallIntegerField(null=True)
    month_completed = models.PositiveIntegerField(default=0)
    month_scheduled = models.PositiveIntegerField(default=0)
    month_percent = models.PositiveSmallIntegerField(null=True)
    streak = models.PositiveIntegerField(default=0)
    # Not a foreign key: a number shown and sent back with a review, never joined.
    last_session_id = models.BigIntegerField(null=True)
    last_session_on = models.DateField(null=True)
    latest_pain = models.PositiveSmallIntegerField(null=True)
    pain_trend = models.CharField(max_length=7, blank=True)
    average_pain = models.FloatField(null=True)
    # [[code, {figures}], ...]: the attention reasons, written out when a page shows them.
    reasons = models.JSONField(default=list)
    reasons_count = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("patient summary")
        verbose_name_plural = _("patient summaries")
        indexes = [
            # The staff home page: a clinic's summaries that no longer fit (the refresh),
            # and its "Needs attention" cards, most reasons first.
            models.Index(fields=["clinic", "-reasons_count"], name="summary_clinic_attention_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.patient_id} on {self.computed_on}"
