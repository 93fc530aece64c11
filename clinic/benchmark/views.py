from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse

from patients.models import Patient


def hello(request: HttpRequest) -> HttpResponse:
    """The floor under the baseline: every middleware, but no session, no user and no
    query (the benchmark sends no cookie), and no template."""
    return HttpResponse("hello", content_type="text/plain; charset=utf-8")


@login_required
def baseline(request: HttpRequest) -> HttpResponse:
    """The floor every page is measured against: the same middleware, session and sign-in
    as a real page, then one indexed row read, and no template."""
    name = Patient.objects.filter(user=request.user).values_list("first_name", flat=True).first()
    return HttpResponse(name or "", content_type="text/plain; charset=utf-8")
