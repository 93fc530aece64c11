import unicodedata
import uuid
from pathlib import PurePosixPath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from clinic.validators import validate_name, validate_text

HOLD_SECONDS_MAX = 600
REPETITIONS_MAX = 50
SETS_MAX = 10
REST_SECONDS_MAX = 600


class BodyRegion(models.TextChoices):
    LOWER_BACK = "lower_back", _("Lower back")
    UPPER_BACK = "upper_back", _("Upper back")
    NECK = "neck", _("Neck")
    SHOULDERS = "shoulders", _("Shoulders")
    HIPS = "hips", _("Hips")
    LEGS = "legs", _("Legs")
    FULL_BODY = "full_body", _("Full body")


class ExerciseKind(models.TextChoices):
    STRETCH = "stretch", _("Stretch")
    MOBILITY = "mobility", _("Mobility")
    STRENGTH = "strength", _("Strength")


class Sides(models.TextChoices):
    BOTH = "both", _("Both sides at once")
    EACH = "each", _("Each side")


def _range(field: str, low: int, high: int, name: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=Q(**{f"{field}__gte": low, f"{field}__lte": high}), name=name
    )


def search_form(text: str) -> str:
    """Text as the library search compares it: lower case, without accents ("Étirement"
    and "etirement" are the same), spaces squeezed."""
    decomposed = unicodedata.normalize("NFKD", str(text).casefold())
    plain = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(plain.split())


def _labels(choices: type[models.TextChoices], value: str) -> list[str]:
    """A choice's label in every language the site speaks (a search may use any)."""
    label = dict(choices.choices).get(value, value)
    labels = []
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            labels.append(str(label))
    return labels


def _translations(instance, field: str) -> list[str]:
    """`field` in every language it is written in: the columns django-modeltranslation adds
    (name_en, name_fr_ca), or the field itself before the registration runs."""
    texts = []
    for code, _name in settings.LANGUAGES:
        value = getattr(instance, f"{field}_{code.replace('-', '_')}", None)
        if value:
            texts.append(value)
    return texts or [getattr(instance, field)]


# Each language's code and the suffix of its columns: ("fr-ca", "fr_ca").
LANGUAGE_COLUMNS = [(code, code.replace("-", "_")) for code, _name in settings.LANGUAGES]


MEDIA_EXTENSIONS = frozenset({".jpg", ".jpeg", ".png", ".webp", ".gif", ".mp4", ".webm"})


def media_upload_to(instance, filename: str) -> str:
    """exercises/<uuid4>.<ext>: nobody can guess another clinic's file or overwrite one.

    The upload checks (routines.media.validators) have already renamed the file after its
    content (picture.png, video.webm); anything else loses its extension.
    """
    extension = PurePosixPath(filename).suffix.lower()
    if extension not in MEDIA_EXTENSIONS:
        extension = ""
    return f"exercises/{uuid.uuid4().hex}{extension}"


class Exercise(models.Model):
    """An exercise of the library. Built in (read-only, for every clinic) when it has no clinic."""

    clinic = models.ForeignKey(
        "clinic.Clinic", models.CASCADE, null=True, blank=True, related_name="exercises"
    )
    name = models.CharField(_("name"), max_length=120, validators=[validate_name])
    body_region = models.CharField(_("body region"), max_length=20, choices=BodyRegion.choices)
    kind = models.CharField(
        _("kind"), max_length=20, choices=ExerciseKind.choices, default=ExerciseKind.STRETCH
    )
    instructions = models.TextField(_("instructions"), validators=[validate_text])
    cues = models.TextField(
        _("technique cues"),
        blank=True,
        help_text=_("One cue per line."),
        validators=[validate_text],
    )
    cautions = models.TextField(
        _("cautions"),
        blank=True,
        help_text=_("One caution per line."),
        validators=[validate_text],
    )
    default_hold_seconds = models.PositiveSmallIntegerField(_("default hold (seconds)"), default=20)
    default_repetitions = models.PositiveSmallIntegerField(_("default repetitions"), default=1)
    default_sets = models.PositiveSmallIntegerField(_("default sets"), default=1)
    default_sides = models.CharField(
        _("default sides"), max_length=4, choices=Sides.choices, default=Sides.BOTH
    )
    # Served only through the permission-checked /media/ view (routines.media.views).
    image = models.ImageField(_("picture"), upload_to=media_upload_to, blank=True)
    video = models.FileField(_("video"), upload_to=media_upload_to, blank=True)
    video_poster = models.ImageField(_("video poster"), upload_to=media_upload_to, blank=True)
    video_url = models.URLField(_("video link"), blank=True)
    archived_at = models.DateTimeField(_("archived"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    # What the library search matches (search_form of the name, body region, kind and cues),
    # kept on save. On PostgreSQL a trigram index serves its "contains" lookups (migration
    # routines 0005).
    search_text = models.TextField(editable=False, blank=True, default="")

    class Meta:
        verbose_name = _("exercise")
        verbose_name_plural = _("exercises")
        ordering = ["name"]
        constraints = [
            # A name is unique in its language (name_en, name_fr_ca: routines/translation.py);
            # a missing one is NULL and never collides. The untranslated `name` column only
            # mirrors the last reader's language, so it carries no rule.
            *(
                models.UniqueConstraint(
                    fields=["clinic", f"name_{column}"],
                    condition=Q(clinic__isnull=False),
                    name=f"exercise_name_unique_in_clinic-{code}",
                    violation_error_message=_(
                        "Your library already has an exercise with this name."
                    ),
                )
                for code, column in LANGUAGE_COLUMNS
            ),
            *(
                models.UniqueConstraint(
                    fields=[f"name_{column}"],
                    condition=Q(clinic__isnull=True),
                    name=f"exercise_builtin_name_unique-{code}",
                    violation_error_message=_("A built-in exercise already has this name."),
                )
                for code, column in LANGUAGE_COLUMNS
            ),
            _range("default_hold_seconds", 1, HOLD_SECONDS_MAX, "exercise_hold_in_range"),
            _range("default_repetitions", 1, REPETITIONS_MAX, "exercise_repetitions_in_range"),
            _range("default_sets", 1, SETS_MAX, "exercise_sets_in_range"),
            models.CheckConstraint(
                condition=Q(default_sides__in=Sides.values), name="exercise_sides_valid"
            ),
            models.CheckConstraint(condition=~Q(name=""), name="exercise_name_not_empty"),
            models.CheckConstraint(
                condition=Q(video_poster="") | ~Q(video=""),
                name="exercise_poster_needs_video",
                violation_error_message=_("A poster goes with a video: add the video too."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.search_text = self.searchable_text()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "search_text"}
        super().save(*args, **kwargs)

    def searchable_text(self) -> str:
        """The name and cues in every language (routines/translation.py gives each its own
        column), so a search in either language finds the exercise."""
        parts = [
            *_translations(self, "name"),
            *_labels(BodyRegion, self.body_region),
            *_labels(ExerciseKind, self.kind),
            *_translations(self, "cues"),
        ]
        return search_form(" ".join(parts))

    @property
    def is_builtin(self) -> bool:
        return self.clinic_id is None

    def cue_list(self) -> list[str]:
        return [line.strip() for line in self.cues.splitlines() if line.strip()]

    def caution_list(self) -> list[str]:
        return [line.strip() for line in self.cautions.splitlines() if line.strip()]


class Routine(models.Model):
    """An ordered list of steps. A template is reused; a patient's plan is their own copy."""

    clinic = models.ForeignKey(
        "clinic.Clinic", models.CASCADE, null=True, blank=True, related_name="routines"
    )
    name = models.CharField(_("name"), max_length=120, validators=[validate_name])
    goal = models.TextField(_("goal"), blank=True, validators=[validate_text])
    is_template = models.BooleanField(_("clinic template"), default=False)
    copied_from = models.ForeignKey(
        "self", models.SET_NULL, null=True, blank=True, related_name="copies"
    )
    created_by = models.ForeignKey(
        "clinic.User", models.SET_NULL, null=True, blank=True, related_name="+"
    )
    archived_at = models.DateTimeField(_("archived"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("routine")
        verbose_name_plural = _("routines")
        ordering = ["name"]
        constraints = [
            # Built-in routines (no clinic) are starter templates shared by every clinic.
            models.CheckConstraint(
                condition=Q(clinic__isnull=False) | Q(is_template=True),
                name="routine_builtin_is_template",
            ),
            models.CheckConstraint(condition=~Q(name=""), name="routine_name_not_empty"),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self):
        """A patient's plan stays their own copy: it cannot be turned into a template that
        others would be assigned (assigning copies a template, never shares it)."""
        if self.is_template and self.pk is not None and self.assignments.exists():
            raise ValidationError(
                {"is_template": _("This routine is a patient's plan; duplicate it instead.")}
            )

    @property
    def is_builtin(self) -> bool:
        return self.clinic_id is None


class RoutineStep(models.Model):
    routine = models.ForeignKey(Routine, models.CASCADE, related_name="steps")
    exercise = models.ForeignKey(Exercise, models.PROTECT, related_name="steps")
    position = models.PositiveIntegerField(_("position"))
    hold_seconds = models.PositiveSmallIntegerField(_("hold (seconds)"), default=20)
    repetitions = models.PositiveSmallIntegerField(_("repetitions"), default=1)
    sets = models.PositiveSmallIntegerField(_("sets"), default=1)
    # The timing in physiotherapists' words (docs/patient-session.md, "The timing model"):
    # each repetition is a hold; a rest between repetitions and between sets belongs to this
    # step, and nothing rests after its last set.
    rest_between_repetitions_seconds = models.PositiveSmallIntegerField(
        _("rest between repetitions (seconds)"), default=5
    )
    rest_between_sets_seconds = models.PositiveSmallIntegerField(
        _("rest between sets (seconds)"), default=10
    )
    sides = models.CharField(_("sides"), max_length=4, choices=Sides.choices, default=Sides.BOTH)
    note = models.CharField(
        _("note for the patient"), max_length=500, blank=True, validators=[validate_text]
    )
    # A step that has been done cannot be deleted (Completion.step protects it); removing it
    # from the routine archives it instead.
    archived_at = models.DateTimeField(_("archived"), null=True, blank=True)

    class Meta:
        verbose_name = _("step")
        verbose_name_plural = _("steps")
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["routine", "position"],
                condition=Q(archived_at__isnull=True),
                name="routinestep_position_unique",
            ),
            _range("hold_seconds", 1, HOLD_SECONDS_MAX, "routinestep_hold_in_range"),
            _range("repetitions", 1, REPETITIONS_MAX, "routinestep_repetitions_in_range"),
            _range("sets", 1, SETS_MAX, "routinestep_sets_in_range"),
            _range(
                "rest_between_repetitions_seconds",
                0,
                REST_SECONDS_MAX,
                "routinestep_rep_rest_in_range",
            ),
            _range(
                "rest_between_sets_seconds", 0, REST_SECONDS_MAX, "routinestep_set_rest_in_range"
            ),
            models.CheckConstraint(
                condition=Q(sides__in=Sides.values), name="routinestep_sides_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.exercise}"

    @property
    def side_names(self) -> list[str]:
        """The sides one set walks through, in order."""
        return ["left", "right"] if self.sides == Sides.EACH else ["both"]
