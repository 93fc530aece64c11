"""The staff home page's figures, one `PatientSummary` row per patient, kept up to date.

Why rows, not a cache of the whole clinic (issue 21): the page used to recompute every
patient's 90 days whenever anything in the clinic changed, and any session started or
finished did, so in a busy clinic most requests paid for the whole clinic. Now:

- **Writes raise a version.** Whatever changes what a patient's figures are made of raises
  that patient's `version` in the same transaction: a session started, finished or
  removed, a plan assigned or its schedule changed, paused, resumed or ended, a review
  recorded, an outcome questionnaire answered, the patient's name or physiotherapist
  changed. The receivers below catch every `save()` and `delete()` of those models, so
  the pages, the API, the admin and the services all count alike; `session_finish`
  writes with a queryset `update()`, which sends no signal, and calls `summary_touch`
  itself.
- **Reads recompute only what no longer fits.** `patients.review.adherence`'s
  `summaries_refresh` finds the clinic's rows whose `computed_version` is not their
  `version`, whose `computed_on` is not the clinic's today (the day rolled over in the
  clinic's zone: every figure of a date moves), or whose `rules` are not the clinic's
  thresholds now, and works out just those patients with the same code the from-scratch
  computation runs, a chunk of patients at a time so each query reads a known set of
  patients' rows through their indexes. Everything else is read as stored.

A race cannot leave a row stale: the version is read before the data, and a row is
written with the version it was computed for, so a write that lands meanwhile leaves
`computed_version` behind `version` and the next read computes it again.
"""

from django.db import connection
from django.db.models import F
from django.db.models.signals import post_delete, post_save

from clinic.models import Clinic
from patients.models import (
    Assignment,
    AssignmentPause,
    AttentionReview,
    Patient,
    PatientSummary,
    Session,
)
from patients.outcomes.models import Response

# Raise it when the way the figures are worked out changes: every stored row then no
# longer fits the rules and is computed again on its clinic's next page.
SUMMARY_FORMAT = 1

FIGURE_FIELDS = [
    "clinic",
    "computed_version",
    "computed_on",
    "rules",
    "sort_name",
    "week_completed",
    "week_scheduled",
    "week_percent",
    "month_completed",
    "month_scheduled",
    "month_percent",
    "streak",
    "last_session_id",
    "last_session_on",
    "latest_pain",
    "pain_trend",
    "average_pain",
    "reasons",
    "reasons_count",
]


def summary_touch(*, patient_id: int) -> None:
    """The patient's figures changed: their summary is worked out again when next read.

    One UPDATE by primary key. A patient without a summary row yet needs nothing: a
    missing row is computed anyway."""
    PatientSummary.objects.filter(patient_id=patient_id).update(version=F("version") + 1)


def clinic_rules(clinic: Clinic) -> str:
    """What a clinic's summaries depend on besides the patients' own data: the attention
    thresholds, the time zone and the format of the figures."""
    return ":".join(
        str(value)
        for value in (
            SUMMARY_FORMAT,
            clinic.attention_adherence_percent,
            clinic.attention_missed_days,
            clinic.attention_pain,
            clinic.timezone,
        )
    )


def sort_name(last_name: str, first_name: str) -> str:
    """A patient's place in the name order, as Python sorts (last, first) lowercased: a
    separator below every character a name may hold keeps "Ab" before "Ab c"."""
    return f"{last_name.lower()}\x01{first_name.lower()}"


def name_order():
    """The summaries' name order: byte by byte, as Python compares strings."""
    if connection.vendor == "postgresql":
        from django.db.models.functions import Collate

        return Collate(F("sort_name"), "C")
    return F("sort_name")


# Every save and delete of what the figures are made of raises the patient's version,
# whichever door it came through (pages, API, admin, services, tests' factories).


def _touch_patient_of(sender, instance, **kwargs) -> None:
    summary_touch(patient_id=instance.patient_id)


def _touch_patient_of_pause(sender, instance, **kwargs) -> None:
    PatientSummary.objects.filter(patient__assignments=instance.assignment_id).update(
        version=F("version") + 1
    )


def _patient_saved(sender, instance, created, raw=False, **kwargs) -> None:
    if raw:
        return
    if created:
        PatientSummary.objects.bulk_create(
            [PatientSummary(patient=instance, clinic_id=instance.clinic_id)],
            ignore_conflicts=True,
        )
    else:
        summary_touch(patient_id=instance.pk)


def connect_receivers() -> None:
    """Called once, from the patients app's ready()."""
    for model in (Session, Assignment, AttentionReview, Response):
        uid = f"summary-touch-{model._meta.label_lower}"
        post_save.connect(_touch_patient_of, sender=model, dispatch_uid=uid)
        post_delete.connect(_touch_patient_of, sender=model, dispatch_uid=f"{uid}-delete")
    post_save.connect(_touch_patient_of_pause, sender=AssignmentPause, dispatch_uid="pause-save")
    post_delete.connect(_touch_patient_of_pause, sender=AssignmentPause, dispatch_uid="pause-del")
    post_save.connect(_patient_saved, sender=Patient, dispatch_uid="summary-patient-saved")
