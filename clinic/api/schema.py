"""The OpenAPI schema's shared part: the error answers every operation has."""

ERROR_SCHEMA = {
    "type": "object",
    "description": "Every error has this shape (see docs/api.md).",
    "properties": {
        "code": {"type": "string", "description": "Machine-readable, e.g. `invalid`."},
        "detail": {"type": "string", "description": "A sentence for people."},
        "fields": {
            "type": "object",
            "description": "Messages per refused field; empty for errors that are not about input.",
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
        },
    },
    "required": ["code", "detail", "fields"],
}

ERROR_DESCRIPTIONS = {
    "400": "The input was refused; `fields` says why, per field.",
    "401": "No valid credentials: sign in, or send `Authorization: Bearer <key>`.",
    "403": "Not allowed (for example, a missing CSRF token with the browser session).",
    "404": "Not found, or not yours.",
    "405": "This method is not allowed here.",
    "415": "Send JSON (`Content-Type: application/json`).",
    "429": "Too many requests; try again later.",
}


def add_error_responses(result, generator, request, public):
    """Document the error answers each operation can give, all in the one error format."""
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    reference = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    for methods in result.get("paths", {}).values():
        for operation in methods.values():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            statuses = ["401", "403", "404", "405", "429"]
            if operation.get("parameters") or "requestBody" in operation:
                statuses.append("400")
            if "requestBody" in operation:
                statuses.append("415")
            responses = operation["responses"]
            for code in statuses:
                responses.setdefault(
                    code, {"description": ERROR_DESCRIPTIONS[code], "content": reference}
                )
            for code, response in responses.items():
                if code.startswith(("4", "5")) and "content" not in response:
                    response["content"] = reference
    return result
