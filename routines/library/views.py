"""The staff workspace's exercise library: the built-in stretches and the clinic's own."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from clinic.accounts.decorators import staff_required
from routines.library import services
from routines.library.forms import ExerciseFilterForm, ExerciseForm
from routines.library.selectors import exercises_for_clinic
from routines.models import Exercise

PAGE_SIZE = 50


def _get_exercise_for_staff(request: HttpRequest, exercise_id: int) -> Exercise:
    """A built-in exercise or the clinic's own; another clinic's is 404."""
    return get_object_or_404(exercises_for_clinic(clinic=request.staff.clinic), id=exercise_id)


def _get_own_exercise_for_staff(request: HttpRequest, exercise_id: int) -> Exercise:
    """One of the clinic's own exercises (built-ins are read-only)."""
    exercises = Exercise.objects.filter(clinic=request.staff.clinic, archived_at__isnull=True)
    return get_object_or_404(exercises, id=exercise_id)


def _refused(form, error: ValidationError) -> None:
    """The service's refusal on the form: under the field it names, or above the form."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, errors in error.error_dict.items():
        for message in {message for item in errors for message in item.messages}:
            form.add_error(field if field in form.fields else None, message)


@staff_required
@require_safe
def exercise_list(request: HttpRequest) -> HttpResponse:
    form = ExerciseFilterForm(request.GET)
    filters = form.cleaned_data if form.is_valid() else {}
    exercises = exercises_for_clinic(clinic=request.staff.clinic, **filters)
    page = Paginator(exercises, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "routines/exercise_list.html",
        {"form": form, "page": page, "query": query.urlencode()},
    )


@staff_required
@require_safe
def exercise_detail(request: HttpRequest, exercise_id: int) -> HttpResponse:
    exercise = _get_exercise_for_staff(request, exercise_id)
    return render(request, "routines/exercise_detail.html", {"exercise": exercise})


@staff_required
def exercise_create(request: HttpRequest) -> HttpResponse:
    clinic = request.staff.clinic
    form = ExerciseForm(request.POST or None, request.FILES or None, clinic=clinic)
    if request.method == "POST":
        if form.is_valid():
            try:
                exercise = services.exercise_create(clinic=clinic, **form.cleaned_data)
            except ValidationError as error:
                _refused(form, error)
            else:
                messages.success(request, _("Exercise added to your library."))
                return redirect("routines:exercise_detail", exercise.id)
        return render(request, "routines/exercise_form.html", {"form": form}, status=400)
    return render(request, "routines/exercise_form.html", {"form": form})


@staff_required
def exercise_update(request: HttpRequest, exercise_id: int) -> HttpResponse:
    exercise = _get_own_exercise_for_staff(request, exercise_id)
    clinic = request.staff.clinic
    form = ExerciseForm(
        request.POST or None, request.FILES or None, instance=exercise, clinic=clinic
    )
    context = {"form": form, "exercise": exercise}
    if request.method == "POST":
        if form.is_valid():
            try:
                services.exercise_update(exercise=exercise, **form.cleaned_data)
            except ValidationError as error:
                _refused(form, error)
            else:
                messages.success(request, _("Exercise saved."))
                return redirect("routines:exercise_detail", exercise.id)
        return render(request, "routines/exercise_form.html", context, status=400)
    return render(request, "routines/exercise_form.html", context)
