"""The questionnaires Limber ships: only instruments free to reproduce, in Limber's own words.

The Numeric Pain Rating Scale and the Patient-Specific Functional Scale. Licensed
instruments (Oswestry, PROMIS, STarT Back) are never shipped: a clinic imports them.
"""

from decimal import Decimal

from django.db import migrations

BASE = "https://limber.example/fhir/Questionnaire/"

NPRS_SOURCE = (
    "Numeric Pain Rating Scale (NPRS), an 11-point scale from 0 (no pain) to 10 (worst pain "
    "imaginable); public domain. Minimal clinically important difference of 2 points: "
    "Childs JD, Piva SR, Fritz JM. Responsiveness of the numeric pain rating scale in patients "
    "with low back pain. Spine 2005;30(11):1331-1334. Farrar JT, Young JP, LaMoreaux L, Werth "
    "JL, Poole RM. Clinical importance of changes in chronic pain intensity measured on an "
    "11-point numerical pain rating scale. Pain 2001;94(2):149-158. Abbott JH, Schmitt JS. "
    "Minimum important differences for the Patient-Specific Functional Scale, 4 region-specific "
    "outcome measures, and the Numeric Pain Rating Scale. J Orthop Sports Phys Ther "
    "2014;44(8):560-564 (1.5 to 3.5 points)."
)
PSFS_SOURCE = (
    "Patient-Specific Functional Scale (PSFS): Stratford P, Gill C, Westaway M, Binkley J. "
    "Assessing disability and change on individual patients: a report of a patient specific "
    "measure. Physiotherapy Canada 1995;47(4):258-263. Free to use. Minimal clinically "
    "important difference of the mean score about 2 points: Abbott JH, Schmitt JS, J Orthop "
    "Sports Phys Ther 2014;44(8):560-564 (1.3 for a small, 2.3 for a medium, 2.7 for a large "
    "change)."
)
FREE = "Free to use. The wording here is Limber's own."

ORDINALS = ["First", "Second", "Third", "Fourth", "Fifth"]


def forward(apps, schema_editor):
    Questionnaire = apps.get_model("outcomes", "Questionnaire")
    Version = apps.get_model("outcomes", "QuestionnaireVersion")
    Item = apps.get_model("outcomes", "Item")

    nprs = Questionnaire.objects.create(
        clinic=None,
        code="nprs",
        url=BASE + "nprs",
        name="Numeric Pain Rating Scale",
        description="How strong your pain has been, from 0 to 10.",
        source=NPRS_SOURCE,
        copyright=FREE,
    )
    version = Version.objects.create(
        questionnaire=nprs,
        version="1.0",
        title="Numeric Pain Rating Scale",
        status="active",
        score_kind="sum",
        max_missing=0,
        mcid=Decimal(2),
        higher_is_better=False,
        score_min=Decimal(0),
        score_max=Decimal(10),
    )
    Item.objects.create(
        version=version,
        link_id="pain",
        text="On average over the last 24 hours, how strong was your pain?",
        kind="scale",
        position=1,
        required=True,
        scale_min=0,
        scale_max=10,
        min_label="No pain",
        max_label="Worst pain you can imagine",
    )

    psfs = Questionnaire.objects.create(
        clinic=None,
        code="psfs",
        url=BASE + "psfs",
        name="Patient-Specific Functional Scale",
        description=(
            "Name three to five activities that are hard for you because of your problem, "
            "then rate how well you can do each one today: 0 means you cannot do it at all, "
            "10 means you can do it as well as before the problem."
        ),
        source=PSFS_SOURCE,
        copyright=FREE,
    )
    version = Version.objects.create(
        questionnaire=psfs,
        version="1.0",
        title="Patient-Specific Functional Scale",
        status="active",
        score_kind="mean",
        max_missing=2,
        mcid=Decimal(2),
        higher_is_better=True,
        score_min=Decimal(0),
        score_max=Decimal(10),
    )
    for number, ordinal in enumerate(ORDINALS, start=1):
        optional = number > 3
        Item.objects.create(
            version=version,
            link_id=f"activity-{number}",
            text=f"{ordinal} activity",
            kind="text",
            position=2 * number - 1,
            required=not optional,
        )
        Item.objects.create(
            version=version,
            link_id=f"activity-{number}-rating",
            text="How well can you do it today?",
            kind="scale",
            position=2 * number,
            required=not optional,
            scale_min=0,
            scale_max=10,
            min_label="Cannot do it at all",
            max_label="As well as before the problem",
            enable_when=f"activity-{number}",
        )


class Migration(migrations.Migration):
    dependencies = [("outcomes", "0001_questionnaires")]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
