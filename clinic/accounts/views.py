"""Clinic admins manage their own clinic's staff: invite (create) and deactivate."""

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from clinic.access import staff_member
from clinic.accounts.decorators import clinic_admin_required
from clinic.accounts.forms import StaffInviteForm
from clinic.accounts.services import staff_invite, staff_set_active
from clinic.models import StaffMember
from clinic.throttle import WELCOME, throttle_failure, throttle_retry_after, too_many_guesses


def _get_member_for_admin(request: HttpRequest, member_id: int) -> StaffMember:
    """A member of the admin's own clinic, or 404."""
    members = StaffMember.objects.select_related("user")
    return get_object_or_404(members, id=member_id, clinic=request.staff.clinic)


def _welcome_url(request: HttpRequest, member: StaffMember) -> str:
    """A link to choose a password, made with Django's password-reset tokens (one use)."""
    uid = urlsafe_base64_encode(force_bytes(member.user.pk))
    token = default_token_generator.make_token(member.user)
    return request.build_absolute_uri(reverse("team:welcome", args=[uid, token]))


@clinic_admin_required
@require_safe
def staff_list(request: HttpRequest) -> HttpResponse:
    members = (
        StaffMember.objects.filter(clinic=request.staff.clinic)
        .select_related("user")
        .order_by("-user__is_active", "user__first_name", "user__last_name")
    )
    return render(request, "team/staff_list.html", {"members": members})


@clinic_admin_required
def staff_create(request: HttpRequest) -> HttpResponse:
    form = StaffInviteForm(request.POST or None)
    if request.method != "POST":
        return render(request, "team/staff_form.html", {"form": form})
    if not form.is_valid():
        return render(request, "team/staff_form.html", {"form": form}, status=400)
    member = staff_invite(clinic=request.staff.clinic, **form.cleaned_data)
    url = _welcome_url(request, member)
    send_mail(
        _("Your Limber account at %(clinic)s") % {"clinic": member.clinic.name},
        _("Hello %(name)s,\n\nChoose your password to start using Limber:\n\n%(url)s\n")
        % {"name": member.user.first_name, "url": url},
        None,
        [member.user.email],
    )
    return render(request, "team/staff_invited.html", {"member": member, "url": url})


@clinic_admin_required
@require_POST
def staff_deactivate(request: HttpRequest, member_id: int) -> HttpResponse:
    return _set_active(request, member_id, active=False)


@clinic_admin_required
@require_POST
def staff_reactivate(request: HttpRequest, member_id: int) -> HttpResponse:
    return _set_active(request, member_id, active=True)


def _set_active(request: HttpRequest, member_id: int, *, active: bool) -> HttpResponse:
    member = _get_member_for_admin(request, member_id)
    try:
        staff_set_active(member=member, active=active, by=request.staff)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            (_("%(name)s can sign in again.") if active else _("%(name)s can no longer sign in."))
            % {"name": member.user},
        )
    return redirect("team:staff_list")


class WelcomeView(auth_views.PasswordResetConfirmView):
    """A new staff member chooses their password (the link works once)."""

    template_name = "team/welcome.html"
    success_url = reverse_lazy("login")
    post_reset_login = False

    def get_user(self, uidb64):
        # A welcome link sets a staff member's password, never a patient's or the operator's
        # (clinic.account_kinds): any other sign-in makes the link invalid.
        user = super().get_user(uidb64)
        if user is None or user.is_superuser or staff_member(user) is None:
            return None
        return user

    def dispatch(self, request, *args, **kwargs):
        """A link that is not valid counts as a guess; too many from one address: 429."""
        retry_after = throttle_retry_after(scope=WELCOME, request=request)
        if retry_after is not None:
            return too_many_guesses(request, retry_after)
        response = super().dispatch(request, *args, **kwargs)
        if not self.validlink:
            throttle_failure(scope=WELCOME, request=request)
        return response
