"""FHIR R4 in and out: a `Questionnaire` read into plain specs, and a version, a response
and its score written as `Questionnaire`, `QuestionnaireResponse` and `Observation`.

Every resource is validated with fhir.resources (its R4B models: R4B changed none of
these three resources from R4 4.0.1) before it is read or returned. Limber's scoring
rule travels in extensions of its own, documented in docs/outcomes.md. What a questionnaire
holds that Limber does not use (publisher, identifiers, item codes…) is kept and given
back as it came, so importing and exporting gives back the same questionnaire; what would
change how it is asked or scored and Limber cannot do (groups, repeats, value sets…) is
refused, naming the field, before anything is stored.

The texts a questionnaire has in both languages (title, description, copyright, each item's
text) go out in the reader's language with the other language in FHIR's translation
extension (`_title`, `_text`…), and come back in from it.
"""

import json
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import slug_re
from django.utils.translation import gettext as _
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.observation import Observation
from fhir.resources.R4B.questionnaire import Questionnaire as FhirQuestionnaire
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse
from modeltranslation.utils import build_localized_fieldname
from pydantic import ValidationError as PydanticValidationError

from . import scoring
from .models import Item, QuestionnaireVersion, Response

LIMBER = "https://limber.example/fhir/StructureDefinition/"
SCORING = LIMBER + "scoring"  # complex: kind, maxMissing, mcid, higherIsBetter
SOURCE = LIMBER + "source"  # valueMarkdown: where the instrument comes from
REVERSED = LIMBER + "reversed"  # valueBoolean on an item
LOW_LABEL = LIMBER + "low-label"  # valueString: the words at the low end of a scale
HIGH_LABEL = LIMBER + "high-label"  # valueString: and at the high end
MIN_VALUE = "http://hl7.org/fhir/StructureDefinition/minValue"
MAX_VALUE = "http://hl7.org/fhir/StructureDefinition/maxValue"
ORDINAL = "http://hl7.org/fhir/StructureDefinition/ordinalValue"
SHIPPED_BASE = "https://limber.example/fhir/Questionnaire/"
OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
# FHIR's own: a primitive's text in another language ("lang", "content").
TRANSLATION = "http://hl7.org/fhir/StructureDefinition/translation"
DATA_ABSENT = "http://terminology.hl7.org/CodeSystem/data-absent-reason"
UCUM = "http://unitsofmeasure.org"

# Questionnaire elements Limber reads; any other top-level element is kept as it came.
READ = {
    "resourceType", "url", "version", "name", "title", "status", "description",
    "copyright", "item", "extension", "_title", "_description", "_copyright",
}  # fmt: skip
# Item elements Limber reads, and those it keeps without reading. Others are refused.
ITEM_READ = {
    "linkId", "text", "type", "required", "answerOption", "enableWhen", "extension", "_text",
}  # fmt: skip
ITEM_KEPT = {"id", "code", "prefix", "definition"}
TYPES = {"integer": Item.Kind.SCALE, "choice": Item.Kind.CHOICE, "string": Item.Kind.TEXT}
STATUSES = {choice.value for choice in QuestionnaireVersion.Status}
MAX_ITEMS = 200
MAX_OPTIONS = 50


@dataclass
class OptionSpec:
    system: str
    code: str
    label: str
    score: int


@dataclass
class ItemSpec:
    link_id: str
    text: str
    kind: str
    required: bool = False
    reversed: bool = False
    scale_min: int | None = None
    scale_max: int | None = None
    min_label: str = ""
    max_label: str = ""
    enable_when: str = ""
    options: list[OptionSpec] = field(default_factory=list)
    extra: dict = field(default_factory=dict)
    # The text in other languages: {"fr-ca": "…"} (FHIR's translation extension).
    translations: dict[str, str] = field(default_factory=dict)


@dataclass
class VersionSpec:
    code: str
    url: str
    title: str
    version: str
    status: str
    description: str
    copyright: str
    source: str
    score_kind: str
    max_missing: int
    mcid: Decimal | None
    higher_is_better: bool
    items: list[ItemSpec]
    extra: dict
    # {"title": {"fr-ca": "…"}, "description": {…}, "copyright": {…}}
    translations: dict[str, dict[str, str]] = field(default_factory=dict)

    def rule(self) -> scoring.Rule:
        scored = []
        for item in self.items:
            if item.kind == Item.Kind.SCALE:
                scored.append(scoring.ScoredItem(item.link_id, item.scale_min, item.scale_max))
            elif item.kind == Item.Kind.CHOICE:
                scores = [option.score for option in item.options]
                scored.append(scoring.ScoredItem(item.link_id, min(scores), max(scores)))
        return scoring.Rule(self.score_kind, tuple(scored), self.max_missing)


class Problems:
    """Collects what is wrong with a resource, each message naming its field."""

    def __init__(self):
        self.messages: list[str] = []

    def add(self, where: str, message: str) -> None:
        self.messages.append(f"{where}: {message}")

    def raise_any(self) -> None:
        if self.messages:
            raise ValidationError(self.messages[:20])


def _path(loc) -> str:
    path = ""
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path += f".{part}" if path else str(part)
    return path or "resource"


def _validate(model, data: dict):
    """The library's model of `data`, or a ValidationError naming each field at fault."""
    try:
        return model.model_validate(data)
    except PydanticValidationError as error:
        raise ValidationError(
            [f"{_path(problem['loc'])}: {problem['msg']}" for problem in error.errors()[:20]]
        ) from None
    except (ValueError, TypeError) as error:
        raise ValidationError([f"resource: {error}"]) from None


def loads(text: str | bytes) -> dict:
    """A JSON object from an upload or a paste, or a ValidationError saying where it broke."""
    try:
        data = json.loads(text)
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        message = _("not valid JSON (%(error)s)") % {"error": error}
        raise ValidationError([f"resource: {message}"]) from None
    if not isinstance(data, dict):
        raise ValidationError([f"resource: {_('send one JSON object')}"])
    return data


def _extensions(element: dict) -> dict[str, dict]:
    return {ext.get("url"): ext for ext in element.get("extension") or [] if isinstance(ext, dict)}


def _is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _whole(value) -> int | None:
    """A whole number given as a FHIR integer or decimal, else None."""
    if _is_int(value):
        return value
    if isinstance(value, Decimal | float) and value == int(value):
        return int(value)
    return None


def _scoring(data: dict, problems: Problems) -> dict:
    """Limber's scoring rule from the `scoring` extension; sum, none missing and no MCID
    when the questionnaire has none."""
    rule = {"kind": scoring.SUM, "max_missing": 0, "mcid": None, "higher_is_better": False}
    extensions = data.get("extension") or []
    for index, extension in enumerate(extensions):
        if extension.get("url") != SCORING:
            continue
        where = f"extension[{index}]"
        for part_index, part in enumerate(extension.get("extension") or []):
            at = f"{where}.extension[{part_index}]"
            name = part.get("url")
            if name == "kind":
                kind = part.get("valueCode")
                if kind not in scoring.KINDS:
                    problems.add(f"{at}.valueCode", _("use sum, mean or percent"))
                rule["kind"] = kind
            elif name == "maxMissing":
                value = part.get("valueInteger")
                if not _is_int(value) or value < 0:
                    problems.add(f"{at}.valueInteger", _("a whole number, 0 or more"))
                rule["max_missing"] = value
            elif name == "mcid":
                value = part.get("valueDecimal")
                try:
                    mcid = Decimal(str(value))
                except (InvalidOperation, ValueError):
                    mcid = None
                if mcid is None or not mcid.is_finite() or mcid <= 0 or mcid >= 10**5:
                    problems.add(f"{at}.valueDecimal", _("a number above 0"))
                rule["mcid"] = mcid
            elif name == "higherIsBetter":
                value = part.get("valueBoolean")
                if not isinstance(value, bool):
                    problems.add(f"{at}.valueBoolean", _("true or false"))
                rule["higher_is_better"] = value
            else:
                problems.add(f"{at}.url", _("unknown part %(name)r") % {"name": name})
    return rule


def _item(index: int, data: dict, problems: Problems, seen: set[str]) -> ItemSpec | None:
    where = f"item[{index}]"
    for key in data:
        if key not in ITEM_READ | ITEM_KEPT:
            if key == "item":
                problems.add(f"{where}.item", _("nested items are not supported"))
            else:
                problems.add(f"{where}.{key}", _("not supported by Limber"))
    link_id = data.get("linkId")
    if link_id in seen:
        problems.add(f"{where}.linkId", _("%(id)r is used twice") % {"id": link_id})
    seen.add(link_id)
    if len(str(link_id)) > 100:
        problems.add(f"{where}.linkId", _("at most 100 characters"))
    text = data.get("text")
    if not text or not str(text).strip():
        problems.add(f"{where}.text", _("Limber shows this to the patient: it is required"))
    kind = TYPES.get(data.get("type"))
    if kind is None:
        problems.add(
            f"{where}.type",
            _("%(type)r is not supported (Limber takes integer, choice and string items)")
            % {"type": data.get("type")},
        )
        return None
    extensions = _extensions(data)
    known = {REVERSED, LOW_LABEL, HIGH_LABEL, MIN_VALUE, MAX_VALUE}
    for ext_index, extension in enumerate(data.get("extension") or []):
        if extension.get("url") not in known:
            problems.add(f"{where}.extension[{ext_index}]", _("not supported by Limber"))
    spec = ItemSpec(
        link_id=link_id,
        text=str(text or ""),
        kind=kind,
        required=bool(data.get("required", False)),
        reversed=bool(extensions.get(REVERSED, {}).get("valueBoolean", False)),
        min_label=str(extensions.get(LOW_LABEL, {}).get("valueString", ""))[:100],
        max_label=str(extensions.get(HIGH_LABEL, {}).get("valueString", ""))[:100],
        extra={key: data[key] for key in ITEM_KEPT if key in data},
        translations=read_translations(data, "text", limit=None),
    )
    if kind == Item.Kind.SCALE:
        low = extensions.get(MIN_VALUE, {}).get("valueInteger")
        high = extensions.get(MAX_VALUE, {}).get("valueInteger")
        if not _is_int(low) or not _is_int(high) or not -1000 <= low < high <= 1000:
            problems.add(
                f"{where}.extension",
                _("an integer item needs minValue and maxValue (whole numbers, lowest first)"),
            )
        spec.scale_min, spec.scale_max = low, high
    if kind == Item.Kind.TEXT and spec.reversed:
        problems.add(f"{where}.extension", _("a text item cannot be reversed"))
    options = data.get("answerOption") or []
    if kind == Item.Kind.CHOICE:
        if not options:
            problems.add(f"{where}.answerOption", _("a choice item needs its answers"))
        if len(options) > MAX_OPTIONS:
            problems.add(f"{where}.answerOption", _("at most 50 answers"))
        codes = set()
        for option_index, option in enumerate(options):
            spec_option = _option(f"{where}.answerOption[{option_index}]", option, problems)
            if spec_option is not None:
                if spec_option.code in codes:
                    problems.add(f"{where}.answerOption[{option_index}]", _("code used twice"))
                codes.add(spec_option.code)
                spec.options.append(spec_option)
    elif options:
        problems.add(f"{where}.answerOption", _("only choice items take answer options"))
    spec.enable_when = _enable_when(where, data, problems)
    return spec


def _option(where: str, option: dict, problems: Problems) -> OptionSpec | None:
    for key in option:
        if key not in ("valueCoding", "extension"):
            problems.add(f"{where}.{key}", _("not supported by Limber (use valueCoding)"))
    coding = option.get("valueCoding")
    if not coding:
        problems.add(f"{where}.valueCoding", _("each answer needs a valueCoding"))
        return None
    for key in coding:
        if key not in ("system", "code", "display"):
            problems.add(f"{where}.valueCoding.{key}", _("not supported by Limber"))
    if not coding.get("code") or len(coding["code"]) > 100:
        problems.add(f"{where}.valueCoding.code", _("required, at most 100 characters"))
    if not coding.get("display"):
        problems.add(
            f"{where}.valueCoding.display", _("Limber shows this to the patient: it is required")
        )
    extensions = option.get("extension") or []
    score = None
    for ext_index, extension in enumerate(extensions):
        if extension.get("url") == ORDINAL:
            score = _whole(extension.get("valueDecimal"))
            if score is None or not -1000 <= score <= 1000:
                problems.add(
                    f"{where}.extension[{ext_index}].valueDecimal",
                    _("Limber scores whole numbers from -1000 to 1000"),
                )
        else:
            problems.add(f"{where}.extension[{ext_index}]", _("not supported by Limber"))
    if score is None and not any(ext.get("url") == ORDINAL for ext in extensions):
        problems.add(f"{where}.extension", _("each answer needs its score (ordinalValue)"))
    return OptionSpec(
        system=str(coding.get("system") or "")[:300],
        code=str(coding.get("code") or ""),
        label=str(coding.get("display") or "")[:300],
        score=score if score is not None else 0,
    )


def _enable_when(where: str, data: dict, problems: Problems) -> str:
    conditions = data.get("enableWhen") or []
    if not conditions:
        return ""
    condition = conditions[0]
    if (
        len(conditions) != 1
        or condition.get("operator") != "exists"
        or condition.get("answerBoolean") is not True
        or set(condition) != {"question", "operator", "answerBoolean"}
    ):
        problems.add(
            f"{where}.enableWhen",
            _("Limber only asks an item once another is answered (one 'exists' = true)"),
        )
        return ""
    return str(condition.get("question"))


def parse_questionnaire(data: dict) -> VersionSpec:
    """Read a FHIR Questionnaire into a `VersionSpec`, or raise a ValidationError whose
    messages name each field at fault ("item[2].answerOption: …")."""
    if data.get("resourceType") != "Questionnaire":
        raise ValidationError(
            [f"resourceType: {_('expected Questionnaire, got %r') % data.get('resourceType')}"]
        )
    _validate(FhirQuestionnaire, data)
    problems = Problems()
    status = data.get("status")
    if status not in STATUSES:
        problems.add("status", _("use draft, active or retired"))
    name = data.get("name") or ""
    if not name or not slug_re.match(name) or len(name) > 64:
        problems.add("name", _("required: letters, digits, - and _ only, at most 64"))
    title = str(data.get("title") or "").strip()
    if not title:
        problems.add("title", _("Limber shows this to the patient: it is required"))
    if len(title) > 200:
        problems.add("title", _("at most 200 characters"))
    version = str(data.get("version") or "1")
    if len(version) > 50:
        problems.add("version", _("at most 50 characters"))
    url = str(data.get("url") or "")
    if len(url) > 300:
        problems.add("url", _("at most 300 characters"))
    for index, extension in enumerate(data.get("extension") or []):
        if extension.get("url") not in (SCORING, SOURCE):
            problems.add(f"extension[{index}]", _("not supported by Limber"))
    rule = _scoring(data, problems)
    raw_items = data.get("item") or []
    if not raw_items:
        problems.add("item", _("a questionnaire needs at least one item"))
    if len(raw_items) > MAX_ITEMS:
        problems.add("item", _("at most 200 items"))
    seen: set[str] = set()
    items = [
        spec
        for index, raw in enumerate(raw_items[:MAX_ITEMS])
        if (spec := _item(index, raw, problems, seen)) is not None
    ]
    for index, item in enumerate(items):
        if item.enable_when and item.enable_when not in seen:
            problems.add(f"item[{index}].enableWhen", _("asks about an item that is not here"))
    scored = [item for item in items if item.kind != Item.Kind.TEXT]
    if items and not scored:
        problems.add("item", _("Limber needs at least one integer or choice item to score"))
    if _is_int(rule["max_missing"]) and scored and rule["max_missing"] >= len(scored):
        problems.add("extension", _("maxMissing must leave at least one item to score"))
    problems.raise_any()
    extensions = _extensions(data)
    return VersionSpec(
        code=name,
        url=url,
        title=title,
        version=version,
        status=status,
        description=str(data.get("description") or ""),
        copyright=str(data.get("copyright") or ""),
        source=str(extensions.get(SOURCE, {}).get("valueMarkdown", "")),
        score_kind=rule["kind"],
        max_missing=rule["max_missing"],
        mcid=rule["mcid"],
        higher_is_better=rule["higher_is_better"],
        items=items,
        extra={key: value for key, value in data.items() if key not in READ},
        translations={
            name: read_translations(data, name, limit=limit)
            for name, limit in (("title", 200), ("description", None), ("copyright", None))
        },
    )


def _fhir_language(code: str) -> str:
    """BCP 47 as FHIR writes it: "fr-ca" → "fr-CA"."""
    language, *region = code.split("-")
    return "-".join([language, *(part.upper() for part in region)])


def translation_element(instance, name: str) -> dict | None:
    """`_<name>`: the text in each other language that has its own, or None."""
    shown = getattr(instance, name)
    extensions = []
    for code, _language in settings.LANGUAGES:
        text = getattr(instance, build_localized_fieldname(name, code), None)
        if text and text != shown:
            parts = [
                {"url": "lang", "valueCode": _fhir_language(code)},
                {"url": "content", "valueString": text},
            ]
            extensions.append({"url": TRANSLATION, "extension": parts})
    return {"extension": extensions} if extensions else None


def read_translations(data: dict, name: str, *, limit: int | None) -> dict[str, str]:
    """The translations of `name` in `data` ("_title") into Limber's languages; others are
    left out (a translation changes nothing of how a questionnaire is asked or scored)."""
    ours = {code.lower(): code for code, _language in settings.LANGUAGES}
    found = {}
    element = data.get(f"_{name}")
    extensions = element.get("extension") or [] if isinstance(element, dict) else []
    for extension in extensions:
        if extension.get("url") != TRANSLATION:
            continue
        parts = {part.get("url"): part for part in extension.get("extension") or []}
        code = ours.get(str(parts.get("lang", {}).get("valueCode", "")).lower())
        text = str(parts.get("content", {}).get("valueString") or "").strip()
        if code and text:
            found[code] = text[:limit] if limit else text
    return found


def _dump(model) -> dict:
    return json.loads(model.model_dump_json(exclude_none=True))


def _number(value: Decimal):
    """A score or MCID as JSON: whole numbers as integers, others as decimals."""
    return int(value) if value == int(value) else float(value)


def questionnaire_resource(version: QuestionnaireVersion) -> dict:
    """The version as a FHIR Questionnaire (reads `items`, their `options`, `questionnaire`)."""
    questionnaire = version.questionnaire
    scoring_parts = [
        {"url": "kind", "valueCode": version.score_kind},
        {"url": "maxMissing", "valueInteger": version.max_missing},
    ]
    if version.mcid is not None:
        scoring_parts.append({"url": "mcid", "valueDecimal": _number(version.mcid)})
    scoring_parts.append({"url": "higherIsBetter", "valueBoolean": version.higher_is_better})
    extensions = [{"url": SCORING, "extension": scoring_parts}]
    if questionnaire.source:
        extensions.append({"url": SOURCE, "valueMarkdown": questionnaire.source})
    resource = {
        "resourceType": "Questionnaire",
        **version.fhir_extra,
        "extension": extensions,
        "url": questionnaire.url or None,
        "version": version.version,
        "name": questionnaire.code,
        "title": version.title,
        "status": version.status,
        "description": questionnaire.description or None,
        "copyright": questionnaire.copyright or None,
        "_title": translation_element(version, "title"),
        "_description": translation_element(questionnaire, "description"),
        "_copyright": translation_element(questionnaire, "copyright"),
        "item": [_item_resource(item) for item in version.items.all()],
    }
    resource = {key: value for key, value in resource.items() if value is not None}
    return _dump(_validate(FhirQuestionnaire, resource))


def _item_resource(item: Item) -> dict:
    extensions = []
    if item.reversed:
        extensions.append({"url": REVERSED, "valueBoolean": True})
    if item.kind == Item.Kind.SCALE:
        extensions.append({"url": MIN_VALUE, "valueInteger": item.scale_min})
        extensions.append({"url": MAX_VALUE, "valueInteger": item.scale_max})
    if item.min_label:
        extensions.append({"url": LOW_LABEL, "valueString": item.min_label})
    if item.max_label:
        extensions.append({"url": HIGH_LABEL, "valueString": item.max_label})
    fhir_type = {value: key for key, value in TYPES.items()}[item.kind]
    resource = {**item.fhir_extra}
    if extensions:
        resource["extension"] = extensions
    resource.update(linkId=item.link_id, text=item.text, type=fhir_type)
    if translations := translation_element(item, "text"):
        resource["_text"] = translations
    if item.required:
        resource["required"] = True
    if item.enable_when:
        resource["enableWhen"] = [
            {"question": item.enable_when, "operator": "exists", "answerBoolean": True}
        ]
    if item.kind == Item.Kind.CHOICE:
        resource["answerOption"] = [
            {
                "extension": [{"url": ORDINAL, "valueDecimal": option.score}],
                "valueCoding": {
                    key: value
                    for key, value in (
                        ("system", option.system),
                        ("code", option.code),
                        ("display", option.label),
                    )
                    if value
                },
            }
            for option in item.options.all()
        ]
    return resource


def canonical(version: QuestionnaireVersion) -> str | None:
    url = version.questionnaire.url
    return f"{url}|{version.version}" if url else None


def response_resource(response: Response, version: QuestionnaireVersion) -> dict:
    """A response as a FHIR QuestionnaireResponse. `version` is the response's version with
    its items and options loaded."""
    items = []
    for item in version.items.all():
        if item.link_id not in response.answers:
            continue
        value = response.answers[item.link_id]
        if item.kind == Item.Kind.SCALE:
            answer = {"valueInteger": value}
        elif item.kind == Item.Kind.CHOICE:
            option = next((o for o in item.options.all() if o.code == value), None)
            coding = {"code": value}
            if option is not None:
                coding = {"system": option.system or None, "code": value, "display": option.label}
            answer = {"valueCoding": {k: v for k, v in coding.items() if v is not None}}
        else:
            answer = {"valueString": value}
        items.append({"linkId": item.link_id, "text": item.text, "answer": [answer]})
    resource = {
        "resourceType": "QuestionnaireResponse",
        "id": f"limber-response-{response.pk}",
        "questionnaire": canonical(version),
        "status": "completed",
        "subject": {"reference": f"Patient/{response.patient_id}"},
        "authored": response.answered_at.isoformat(),
        "item": items,
    }
    resource = {key: value for key, value in resource.items() if value is not None}
    return _dump(_validate(QuestionnaireResponse, resource))


def observation_resource(response: Response) -> dict:
    """A response's score as a FHIR Observation (a survey result derived from the
    QuestionnaireResponse); when there is no score, why not (dataAbsentReason)."""
    version = response.version
    questionnaire = version.questionnaire
    system = questionnaire.url or SHIPPED_BASE
    resource = {
        "resourceType": "Observation",
        "id": f"limber-score-{response.pk}",
        "status": "final",
        "category": [{"coding": [{"system": OBSERVATION_CATEGORY, "code": "survey"}]}],
        "code": {
            "coding": [{"system": system, "code": questionnaire.code, "display": version.title}],
            "text": version.title,
        },
        "subject": {"reference": f"Patient/{response.patient_id}"},
        "effectiveDateTime": response.answered_at.isoformat(),
        "derivedFrom": [{"reference": f"QuestionnaireResponse/limber-response-{response.pk}"}],
    }
    if response.score is not None:
        resource["valueQuantity"] = {
            "value": _number(response.score),
            "unit": "score",
            "system": UCUM,
            "code": "{score}",
        }
    else:
        resource["dataAbsentReason"] = {
            "coding": [{"system": DATA_ABSENT, "code": "not-performed"}],
            "text": response.no_score_text,
        }
    return _dump(_validate(Observation, resource))


def patient_bundle(patient) -> dict:
    """Every response of `patient` as a QuestionnaireResponse with its score as an
    Observation, in a FHIR Bundle of type collection (validated)."""
    from .selectors import version_with_items

    responses = list(
        Response.objects.filter(patient=patient)
        .select_related("version__questionnaire")
        .order_by("answered_at", "id")
    )
    versions = {
        version_id: version_with_items(version_id)
        for version_id in {response.version_id for response in responses}
    }
    entries = []
    for response in responses:
        for resource in (
            response_resource(response, versions[response.version_id]),
            observation_resource(response),
        ):
            entries.append(
                {
                    "fullUrl": f"urn:limber:{resource['resourceType']}:{resource['id']}",
                    "resource": resource,
                }
            )
    bundle = {"resourceType": "Bundle", "type": "collection", "entry": entries}
    return _dump(_validate(Bundle, bundle))
