"""Every URL pattern of the project, with its path converters filled in.

The security tests walk these, so a page merged later is audited, swept and
header-checked without anyone listing it.
"""

import itertools
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.exceptions import Resolver404
from django.utils.regex_helper import normalize

GARBAGE = {"int": "999999999", "text": "no-such-thing"}


@dataclass(frozen=True)
class Route:
    """One URL pattern: its dotted name (or route), view and the parts to fill."""

    label: str
    view_name: str | None
    callback: Callable
    # One (format string, parameter names) per level of includes, outermost first.
    levels: tuple[tuple[str, tuple[str, ...]], ...]

    @property
    def params(self) -> tuple[str, ...]:
        return tuple(itertools.chain.from_iterable(params for _, params in self.levels))

    @property
    def template(self) -> str:
        return "/" + "".join(fmt for fmt, _ in self.levels)

    def fill(self, values: dict[str, str]) -> str:
        return self.template % values

    @property
    def model(self) -> type[models.Model] | None:
        """The model the view works on, where it says (admin pages, DRF querysets)."""
        model_admin = getattr(self.callback, "model_admin", None)
        if model_admin is not None:
            return model_admin.model
        view_class = getattr(self.callback, "cls", None) or getattr(
            self.callback, "view_class", None
        )
        queryset = getattr(view_class, "queryset", None)
        if queryset is not None:
            return queryset.model
        # A DRF viewset scoping its queryset per request is named by its router basename.
        basename = getattr(self.callback, "initkwargs", {}).get("basename")
        return _model_named(basename) if basename else None


def _levels(pattern) -> tuple[str, tuple[str, ...]]:
    fmt, params = normalize(pattern.pattern.regex.pattern)[0]
    return fmt, tuple(params)


def routes(resolver: URLResolver | None = None, levels=(), namespace=None) -> Iterator[Route]:
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        here = (*levels, _levels(entry))
        if isinstance(entry, URLResolver):
            inner = entry.namespace
            space = ":".join(filter(None, [namespace, inner])) if inner else namespace
            yield from routes(entry, here, space)
        elif isinstance(entry, URLPattern):
            name = f"{namespace}:{entry.name}" if namespace and entry.name else entry.name
            label = name or "/" + "".join(fmt for fmt, _ in here)
            yield Route(label=label, view_name=name, callback=entry.callback, levels=here)


def all_routes() -> list[Route]:
    seen, unique = set(), []
    for route in routes():
        if route.template not in seen:
            seen.add(route.template)
            unique.append(route)
    return unique


# URL parameters named after a model by a shorter name.
_ALIASES = {"step": "routinestep"}


def _model_named(name: str) -> type[models.Model] | None:
    """Limber's own model of that name first: django-q2 has a `Schedule` too."""
    name = _ALIASES.get(name, name).replace("_", "")
    named = [model for model in apps.get_models() if model._meta.model_name == name]
    ours = [
        model for model in named if model.__module__.startswith(("clinic", "routines", "patients"))
    ]
    return (ours or named or [None])[0]


def _real_id(model: type[models.Model] | None, prefer: dict) -> str | None:
    if model is None:
        return None
    if model in prefer:
        return str(prefer[model].pk)
    obj = model._default_manager.order_by("pk").first()
    return str(obj.pk) if obj is not None else None


def candidates(route: Route, param: str, prefer: dict) -> list[str]:
    """Values to try for one URL parameter: a real id where one fits, then garbage."""
    lowered = param.lower()
    if lowered in ("object_id", "pk", "id"):
        real = _real_id(route.model, prefer)
        return [v for v in (real, GARBAGE["int"]) if v] + [GARBAGE["text"]]
    if lowered.endswith(("_id", "_pk")):
        stem = lowered.rsplit("_", 1)[0]
        if stem == "content_type":
            real = str(ContentType.objects.get_for_model(apps.get_model("patients", "Patient")).pk)
        else:
            real = _real_id(_model_named(stem), prefer)
        return [v for v in (real, GARBAGE["int"]) if v] + [GARBAGE["text"]]
    if lowered in ("fmt", "format"):
        return ["json", "csv", "xml"]
    if lowered == "language":  # /jsi18n/<language>.js: the JavaScript catalog
        return ["fr-ca", "en", GARBAGE["text"]]
    if lowered == "app_label":
        return ["patients", "clinic", "nosuchapp"]
    if lowered == "name":  # /media/<name>: a stored picture's name
        real = prefer.get("media_name")
        return [v for v in (real,) if v] + [GARBAGE["text"]]
    if lowered in ("token", "uidb64", "key"):
        real = prefer.get(lowered)
        return [v for v in (real, "abc") if v] + [GARBAGE["text"]]
    return ["1", GARBAGE["text"]]


def filled_urls(route: Route, prefer: dict, real_only: bool = False) -> list[str]:
    """Concrete paths for `route`, each checked to resolve to the route's own view."""
    from django.urls import resolve

    options = [candidates(route, param, prefer) for param in route.params]
    if real_only:
        options = [values[:1] for values in options]
    urls = []
    for combination in itertools.product(*options) if options else [()]:
        url = route.fill(dict(zip(route.params, combination, strict=True)))
        try:
            match = resolve(url)
        except Resolver404:
            continue
        # By name, not by function: reloading the URLconf (as the benchmark tests do) makes
        # new admin view wrappers.
        if route.view_name:
            same = match.view_name == route.view_name
        else:
            same = match.func is route.callback
        if same and url not in urls:
            urls.append(url)
    return urls
