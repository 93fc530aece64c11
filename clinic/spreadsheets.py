"""CSV cells that spreadsheets show as text: every CSV export (the audit trail, the staff
home page, a patient's record) writes its cells through `spreadsheet_safe`."""

from typing import Any

# Characters that make a spreadsheet treat a cell as a formula (CSV injection).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")


def spreadsheet_safe(value: Any) -> str | int | float:
    """A CSV cell that a spreadsheet shows as text, never runs as a formula; numbers stay
    numbers (a negative one is a number, not a formula)."""
    if value is None:
        return ""
    if isinstance(value, int | float):
        return value
    text = str(value)
    if text.startswith(_FORMULA_STARTS):
        return "'" + text
    return text
