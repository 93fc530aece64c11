"""The language switcher and the JavaScript catalog's URL, for base.html."""

from django import template
from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _

from clinic.languages.views import catalog_version

register = template.Library()


@register.simple_tag
def javascript_catalog_url() -> str:
    """The catalog in the page's language, at a URL that changes with its contents."""
    language = translation.get_language() or settings.LANGUAGE_CODE
    url = reverse("javascript_catalog", args=[language])
    return f"{url}?v={catalog_version(language)}"


@register.simple_tag(takes_context=True)
def language_switch(context) -> str:
    """One button per other language, each named in its own language, without the region
    while only one variant is offered ("Français"): short enough for a 360 px header.
    Drawn here rather than included: it is on every page."""
    request = context.get("request")
    current = translation.get_language()
    buttons = format_html_join(
        "",
        '<button type="submit" name="language" value="{}" lang="{}" class="link-button">{}'
        "</button>",
        (
            (code, _html_lang(code), name.split(" (")[0])
            for code, name in settings.LANGUAGES
            if code != current
        ),
    )
    return format_html(
        '<form method="post" action="{}" class="language-switch" aria-label="{}">'
        '<input type="hidden" name="csrfmiddlewaretoken" value="{}">'
        '<input type="hidden" name="next" value="{}">{}</form>',
        reverse("language_switch"),
        _("Language"),
        context.get("csrf_token") or "",
        request.get_full_path() if request is not None else "/",
        buttons,
    )


@register.filter
def html_lang(code: str) -> str:
    """BCP 47 as people write it: fr-CA rather than Django's fr-ca."""
    return _html_lang(code or settings.LANGUAGE_CODE)


def _html_lang(code: str) -> str:
    language, _dash, region = code.partition("-")
    return f"{language}-{region.upper()}" if region else language
