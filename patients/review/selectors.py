"""Reads of the staff home page: its two lists, ordered and paged by the database.

The page shows 20 "Needs attention" cards and 100 rows of the table, whatever the size of
the clinic, so it reads only those (and the two counts) from the stored summaries
(patients.review.summaries); the order is the one the page used to sort in Python.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db.models import Case, Count, F, IntegerField, Q, QuerySet, Value, When

from clinic.models import Clinic, StaffMember
from patients.models import PatientSummary
from patients.review.adherence import clinic_summaries, overview_of, summaries_refresh
from patients.review.summaries import name_order

# The table's sortable columns and the stored figure each sorts by; "name" and
# "physiotherapist" have orders of their own (`_sort_keys`).
SORT_COLUMNS = {
    "week": "week_percent",
    "month": "month_percent",
    "last_session": "last_session_on",
    "streak": "streak",
    "pain": "latest_pain",
}
# What a row of either list shows (patients.review.adherence.overview_of): the figures and
# the patient's name; their physiotherapist is one of the clinic's few staff members, which
# the page has loaded already (`SummaryRows`).
ROW_FIELDS = (
    "week_completed",
    "week_scheduled",
    "month_completed",
    "month_scheduled",
    "streak",
    "last_session_id",
    "last_session_on",
    "latest_pain",
    "pain_trend",
    "average_pain",
    "reasons",
    "patient__first_name",
    "patient__last_name",
    "patient__physiotherapist",
)
# Rows with the same key keep the roster's order (Patient.Meta.ordering), in both directions.
ROSTER_ORDER = (F("patient__last_name").asc(), F("patient__first_name").asc(), F("patient_id"))


class SummaryRows(Sequence):
    """Staff home rows that the database orders and pages: the length is counted once, a
    slice reads only its rows, so a Paginator over it reads one page. Each row's patient
    gets their physiotherapist from `staff` (the clinic's staff members, by id) rather than
    from two more joined rows each."""

    def __init__(
        self, summaries: QuerySet[PatientSummary], count: int, staff: dict[int, StaffMember]
    ):
        self.summaries = summaries
        self.total = count
        self.staff = staff

    def _overview(self, summary: PatientSummary):
        patient = summary.patient
        member = self.staff.get(patient.physiotherapist_id)
        if member is not None:
            patient.physiotherapist = member
        return overview_of(summary)

    def count(self) -> int:
        return self.total

    def __len__(self) -> int:
        return self.total

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [self._overview(summary) for summary in self.summaries[index]]
        if index < 0:
            index += self.total
        if not 0 <= index < self.total:
            raise IndexError(index)
        return self._overview(self.summaries[index])

    def __iter__(self):
        return (self._overview(summary) for summary in self.summaries.iterator(chunk_size=500))

    def __eq__(self, other) -> bool:
        return isinstance(other, Iterable) and list(self) == list(other)

    __hash__ = None


@dataclass
class StaffHome:
    rows: SummaryRows  # everyone the filter chose, in the chosen order
    attention: SummaryRows  # those who need attention, most reasons first, then by name


def _physiotherapist_key(staff: Iterable[StaffMember]):
    """The physiotherapist column's order, as Python sorted str(physiotherapist).lower()
    ("" for none): each of the clinic's few staff members gets their rank. None when there
    is nobody to rank (every row's key is then the same)."""
    keys = {member.pk: str(member).lower() for member in staff}
    if not keys:
        return None
    ranks = {key: rank for rank, key in enumerate(sorted({"", *keys.values()}))}
    return Case(
        *[When(patient__physiotherapist_id=pk, then=Value(ranks[key])) for pk, key in keys.items()],
        default=Value(ranks[""]),
        output_field=IntegerField(),
    )


def _sort_keys(sort: str, staff: Iterable[StaffMember]) -> list:
    column = sort.lstrip("-")
    if column == "name":
        key = name_order()
    elif column == "physiotherapist":
        key = _physiotherapist_key(staff)
    else:
        key = F(SORT_COLUMNS[column])
    if key is None:
        return list(ROSTER_ORDER)
    # Rows without a figure come last whichever the direction, as they did.
    first = key.desc(nulls_last=True) if sort.startswith("-") else key.asc(nulls_last=True)
    return [first, *ROSTER_ORDER]


def staff_home(
    *,
    clinic: Clinic,
    physiotherapist: StaffMember | None = None,
    no_physiotherapist: bool = False,
    sort: str = "name",
    staff: Iterable[StaffMember],
) -> StaffHome:
    """The staff home page's lists for the clinic (or one physiotherapist's patients, or
    those with none), the table sorted by `sort` (a column of SORT_COLUMNS, "name" or
    "physiotherapist", "-" first for descending); `staff` are the clinic's staff members
    with their users, for that order and the rows' physiotherapists.

    Brings the clinic's summaries up to date first (`summaries_refresh`: one query when
    nothing changed), then two counts in one query; each list reads its page when paged.
    """
    summaries_refresh(clinic=clinic)
    staff = {member.pk: member for member in staff}
    summaries = (
        clinic_summaries(clinic=clinic, physiotherapist=physiotherapist)
        .select_related("patient")
        .only(*ROW_FIELDS)
    )
    if no_physiotherapist:
        summaries = summaries.filter(patient__physiotherapist__isnull=True)
    counts = summaries.aggregate(
        total=Count("pk"), attention=Count("pk", filter=Q(reasons_count__gt=0))
    )
    urgent = summaries.filter(reasons_count__gt=0).order_by(
        "-reasons_count", name_order(), "patient_id"
    )
    ordered = summaries.order_by(*_sort_keys(sort, staff.values()))
    return StaffHome(
        rows=SummaryRows(ordered, counts["total"], staff),
        attention=SummaryRows(urgent, counts["attention"], staff),
    )
