"""Input fields that take JSON as the schema says: a string where it says string, an integer
where it says integer. DRF's own fields coerce (0 becomes "0", "5" becomes 5, 1 becomes
True), which would accept input the OpenAPI schema rejects."""

import django_filters
from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from clinic.validators import validate_date_in_range


class StrictTypeMixin:
    json_types: tuple[type, ...] = (str,)

    def to_internal_value(self, data):
        if (
            isinstance(data, bool)
            and bool not in self.json_types
            or not isinstance(data, self.json_types)
        ):
            self.fail("strict_type")
        return super().to_internal_value(data)


class CharField(StrictTypeMixin, serializers.CharField):
    """Text as the schema states it: the length limit applies to what was sent (before
    surrounding spaces are trimmed) and a required text must have a non-space character."""

    default_error_messages = {
        "strict_type": _("Send text here."),
        "blank": _("This field may not be blank."),
    }

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        if not self.allow_blank and not self.read_only:
            self.validators.append(
                RegexValidator(r"\S", message=self.error_messages["blank"], code="blank")
            )

    def to_internal_value(self, data):
        if isinstance(data, str) and self.max_length is not None and len(data) > self.max_length:
            self.fail("max_length", max_length=self.max_length)
        return super().to_internal_value(data)


class EmailField(StrictTypeMixin, serializers.EmailField):
    default_error_messages = {"strict_type": _("Send text here.")}


class URLField(StrictTypeMixin, serializers.URLField):
    default_error_messages = {"strict_type": _("Send text here.")}


class DateField(StrictTypeMixin, serializers.DateField):
    """A date from 2000 to 2099, as the pages take it (clinic.validators)."""

    default_error_messages = {"strict_type": _("Send a date as YYYY-MM-DD.")}

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.validators.append(validate_date_in_range)


class DateTimeField(StrictTypeMixin, serializers.DateTimeField):
    default_error_messages = {"strict_type": _("Send a date and time in ISO 8601.")}


class ChoiceField(StrictTypeMixin, serializers.ChoiceField):
    default_error_messages = {"strict_type": _("Send one of the listed values.")}


class UUIDField(StrictTypeMixin, serializers.UUIDField):
    default_error_messages = {"strict_type": _("Send a UUID as text.")}


class IntegerField(StrictTypeMixin, serializers.IntegerField):
    json_types = (int,)
    default_error_messages = {"strict_type": _("Send a whole number.")}


class BooleanField(StrictTypeMixin, serializers.BooleanField):
    json_types = (bool,)
    default_error_messages = {"strict_type": _("Send true or false.")}


class _StrictNullBooleanField(forms.NullBooleanField):
    """true or false; anything else is an error rather than "no filter"."""

    widget = forms.TextInput

    def to_python(self, value):
        if value in (None, ""):
            return None
        if value in ("true", "True", "1"):
            return True
        if value in ("false", "False", "0"):
            return False
        raise forms.ValidationError(_("Use true or false."), code="invalid")

    def validate(self, value):
        pass


class BooleanFilter(django_filters.BooleanFilter):
    field_class = _StrictNullBooleanField


# The ids a database can hold: a bigger number matches nothing (SQLite cannot even compare it).
ID_RANGE = range(-(2**63), 2**63)


class IdFilter(django_filters.NumberFilter):
    """An object's id: a whole number (django-filter's NumberFilter takes decimals)."""

    field_class = forms.IntegerField

    def filter(self, qs, value):
        if value is not None and value not in ID_RANGE:
            return qs.none()
        return super().filter(qs, value)


class _SearchField(forms.CharField):
    """Any text; NUL characters (which PostgreSQL cannot compare) are dropped."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.validators = []

    def to_python(self, value):
        return super().to_python(value).replace("\x00", "")


class SearchFilter(django_filters.CharFilter):
    field_class = _SearchField


class FilterSet(django_filters.FilterSet):
    """A filter the schema types (a boolean, a number, a date, a choice) given with no value
    is refused, as the schema says, instead of being quietly ignored."""

    def is_valid(self) -> bool:
        valid = super().is_valid()
        for name, declared in self.filters.items():
            if not isinstance(declared, django_filters.CharFilter) and self.data.get(name) == "":
                self.form.add_error(name, _("Give a value, or leave this parameter out."))
                valid = False
        return valid
