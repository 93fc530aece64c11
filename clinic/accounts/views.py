"""Clinic admins manage their own clinic's staff: invite (create) and deactivate."""

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from clinic.access import staff_member
from clinic.accounts.decorators import clinic_admin_required
from clinic.accounts.forms import ClinicContactForm, StaffInviteForm
from clinic.accounts.services import clinic_contact_update, staff_invite, staff_set_active
from clinic.languages.resolve import person_language
from clinic.languages.services import clinic_language_set
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


def _staff_list_page(request: HttpRequest, contact_form: ClinicContactForm, status: int = 200):
    members = (
        StaffMember.objects.filter(clinic=request.staff.clinic)
        .select_related("user")
        .order_by("-user__is_active", "user__first_name", "user__last_name")
    )
    context = {"members": members, "contact_form": contact_form}
    return render(request, "team/staff_list.html", context, status=status)


@clinic_admin_required
@require_safe
def staff_list(request: HttpRequest) -> HttpResponse:
    return _staff_list_page(request, ClinicContactForm(instance=request.staff.clinic))


@clinic_admin_required
@require_POST
def clinic_contact(request: HttpRequest) -> HttpResponse:
    """The clinic admin sets the address and phone number printed on patients' handouts."""
    clinic = request.staff.clinic
    form = ClinicContactForm(request.POST, instance=clinic)
    if not form.is_valid():
        clinic.refresh_from_db()
        return _staff_list_page(request, form, status=400)
    language = form.cleaned_data.pop("language")
    clinic_contact_update(clinic=clinic, **form.cleaned_data)
    clinic_language_set(clinic=clinic, language=language)
    messages.success(request, _("Contact details saved."))
    return redirect("team:staff_list")


@clinic_admin_required
def staff_create(request: HttpRequest) -> HttpResponse:
    form = StaffInviteForm(request.POST or None)
    if request.method != "POST":
        return render(request, "team/staff_form.html", {"form": form})
    if not form.is_valid():
        return render(request, "team/staff_form.html", {"form": form}, status=400)
    member = staff_invite(clinic=request.staff.clinic, **form.cleaned_data)
    url = _send_welcome(request, member)
    return render(request, "team/staff_invited.html", {"member": member, "url": url})


def _send_welcome(request: HttpRequest, member: StaffMember) -> str:
    """Email the member their username and a link to choose a password; returns the link."""
    url = _welcome_url(request, member)
    with translation.override(person_language(member)):
        _send_welcome_mail(member, url)
    return url


def _send_welcome_mail(member: StaffMember, url: str) -> None:
    send_mail(
        _("Your Limber account at %(clinic)s") % {"clinic": member.clinic.name},
        _(
            "Hello %(name)s,\n\n%(clinic)s has given you a Limber account.\n\n"
            "Your username: %(username)s\n"
            "(You can also sign in with this email address.)\n\n"
            "Choose your password to start using Limber (the link works once):\n\n%(url)s\n"
        )
        % {
            "name": member.user.first_name,
            "clinic": member.clinic.name,
            "username": member.user.get_username(),
            "url": url,
        },
        None,
        [member.user.email],
    )


@clinic_admin_required
@require_POST
def staff_resend(request: HttpRequest, member_id: int) -> HttpResponse:
    """Send the welcome email again to someone invited who has not chosen a password."""
    member = _get_member_for_admin(request, member_id)
    if not member.has_not_joined:
        messages.error(request, _("%(name)s has already joined.") % {"name": member.user})
        return redirect("team:staff_list")
    _send_welcome(request, member)
    messages.success(
        request,
        _("We sent %(name)s a new link at %(email)s.")
        % {"name": member.user, "email": member.user.email},
    )
    return redirect("team:staff_list")


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
    success_url = reverse_lazy("home")
    # Signed in straight away, so nobody lands on an empty sign-in page; a clinic admin (or
    # anyone whose clinic asks for it) is then held to enrol an authenticator first
    # (clinic.accounts.twofactor.middleware).
    post_reset_login = True
    post_reset_login_backend = "clinic.accounts.signin.RoleBackend"

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(
            self.request,
            _(
                "Welcome to Limber. Your username is %(username)s; "
                "you can also sign in with %(email)s."
            )
            % {"username": self.user.get_username(), "email": self.user.email},
        )
        return response

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
