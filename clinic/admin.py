from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from clinic.access import staff_member
from clinic.accounts.admin_scoping import ClinicScopedAdmin, ClinicScopedMixin, ReadOnlyMixin
from clinic.audit.admin import AuditedAdminMixin
from clinic.models import AuditEvent, Clinic, StaffMember, User

admin.site.site_header = _("Limber administration")
admin.site.site_title = _("Limber")


@admin.register(Clinic)
class ClinicAdmin(ClinicScopedAdmin):
    clinic_lookup = "pk"
    admins_only = True
    list_display = ["name", "timezone", "created_at"]
    search_fields = ["name"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "name",
                    "timezone",
                    "language",
                    "require_two_factor_for_staff",
                    "player_automatic_flow",
                ]
            },
        ),
        (
            _("Needs attention"),
            {
                "fields": [
                    "attention_adherence_percent",
                    "attention_missed_days",
                    "attention_pain",
                ],
                "description": _("When the staff home page lists a patient as needing attention."),
            },
        ),
        (_("Contact details"), {"fields": ["address", "phone"]}),
    ]

    def has_add_permission(self, request, *args) -> bool:
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None) -> bool:
        return request.user.is_superuser


class StaffMemberCreationForm(forms.ModelForm):
    """Creates the staff member's sign-in together with their membership."""

    username = forms.CharField(label=_("username"), max_length=150)
    first_name = forms.CharField(label=_("first name"), max_length=150)
    last_name = forms.CharField(label=_("last name"), max_length=150, required=False)
    email = forms.EmailField(label=_("email"), required=False)
    password = forms.CharField(
        label=_("initial password"),
        widget=forms.PasswordInput,
        help_text=_("At least 12 characters; they can change it after signing in."),
    )

    class Meta:
        model = StaffMember
        fields = ["clinic", "role"]

    def clean_username(self):
        username = self.cleaned_data["username"]
        if User.objects.filter(username__iexact=username).exists():
            raise forms.ValidationError(_("This username is taken."))
        return username

    def _post_clean(self):
        from django.contrib.auth.password_validation import validate_password

        password = self.cleaned_data.get("password")
        if password:
            try:
                validate_password(password)
            except forms.ValidationError as error:
                self.add_error("password", error)
        # The membership is validated without its user, which is created on save.
        self.instance.user = User(username=self.cleaned_data.get("username", ""))
        super()._post_clean()

    @transaction.atomic
    def save(self, commit=True):
        user = User.objects.create_user(
            username=self.cleaned_data["username"],
            password=self.cleaned_data["password"],
            first_name=self.cleaned_data["first_name"],
            last_name=self.cleaned_data["last_name"],
            email=self.cleaned_data["email"],
            is_staff=True,
        )
        self.instance.user = user
        return super().save(commit=commit)


@admin.register(StaffMember)
class StaffMemberAdmin(ClinicScopedAdmin):
    admins_only = True
    list_display = ["user", "role", "clinic", "is_active"]
    list_filter = ["role"]
    list_select_related = ["user", "clinic"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "user__email"]

    def get_form(self, request, obj=None, **kwargs):
        if obj is None:
            kwargs["form"] = StaffMemberCreationForm
        return super().get_form(request, obj, **kwargs)

    def get_fields(self, request, obj=None):
        if obj is None:
            return [
                "username",
                "first_name",
                "last_name",
                "email",
                "password",
                "clinic",
                "role",
                "language",
            ]
        return ["user", "clinic", "role", "language"]

    def get_readonly_fields(self, request, obj=None):
        # The add form makes a new sign-in; an existing one is never swapped for another,
        # which could be a patient's (clinic.account_kinds).
        return ["user"] if obj is not None else []

    @admin.display(boolean=True, description=_("active"))
    def is_active(self, obj: StaffMember) -> bool:
        return obj.user.is_active

    @admin.action(description=_("Reset two-step sign-in (a lost phone)"))
    def reset_two_factor(self, request, queryset):
        """They set up their authenticator again at their next sign-in; signed out now."""
        from clinic.accounts.twofactor.services import two_factor_reset

        for member in queryset.select_related("user"):
            two_factor_reset(user=member.user)
        count = len(queryset)
        self.message_user(
            request,
            ngettext(
                "Two-step sign-in reset for %(count)d staff member.",
                "Two-step sign-in reset for %(count)d staff members.",
                count,
            )
            % {"count": count},
        )

    actions = ["reset_two_factor"]


@admin.register(User)
class UserAdmin(AuditedAdminMixin, ClinicScopedMixin, DjangoUserAdmin):
    """Sign-ins. A clinic admin sees those of their own clinic's staff and patients."""

    # A patient's sign-in (name, email) is their data too.
    audit_patient_path = "patient"

    admins_only = True
    add_form = AdminUserCreationForm
    list_display = ["username", "first_name", "last_name", "email", "is_active"]
    list_filter = ["is_active"]

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        member = staff_member(request.user)
        if member is None:
            return queryset.none()
        # The operator's sign-in is never a clinic's to edit, even if it is also a member.
        return queryset.filter(
            Q(staff__clinic_id=member.clinic_id) | Q(patient__clinic_id=member.clinic_id),
            is_superuser=False,
        )

    def has_add_permission(self, request, *args) -> bool:
        # Staff sign-ins are created with the membership; patients' through their invitation.
        return request.user.is_superuser

    def get_fieldsets(self, request, obj=None):
        if request.user.is_superuser or obj is None:
            return super().get_fieldsets(request, obj)
        # Nobody but the operator hands out admin rights.
        return [
            (None, {"fields": ["username"]}),
            (_("Personal info"), {"fields": ["first_name", "last_name", "email"]}),
            (_("Status"), {"fields": ["is_active", "last_login", "date_joined"]}),
        ]

    def get_readonly_fields(self, request, obj=None):
        if request.user.is_superuser:
            return super().get_readonly_fields(request, obj)
        return ["last_login", "date_joined"]


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyMixin, ClinicScopedAdmin):
    """The trail, view-only: nobody edits or deletes it, not even the operator."""

    admins_only = True
    list_display = ["at", "user", "patient", "action", "path_name", "method", "request_id"]
    list_filter = ["action"]
    list_select_related = ["user", "patient"]
    search_fields = ["request_id", "path_name"]
    date_hierarchy = "at"

    def get_actions(self, request):
        return {}
