"""Limber's date and time formats, one per kind, per language (FORMAT_MODULE_PATH).

Django looks here before its own locale formats ("fr-ca" tries `fr_CA`, then `fr`, then
Django's `fr_CA` and `fr`), so a name left out here keeps Django's value. The kinds, shown
through clinic/dates.py and the `dates` template filters, never spelled in a template:

- a day: "Tuesday 1 December" / "mardi 1 décembre" (DAY_FORMAT; with the year when it is
  not this year's, DAY_WITH_YEAR_FORMAT);
- a short date: "1 Dec 2026" / "1 déc. 2026" (SHORT_DATE_FORMAT, and DATE_FORMAT for the
  admin and `|date` without an argument);
- a date and time: "1 Dec 2026, 10:11" / "1 déc. 2026, 10 h 11" (DATETIME_FORMAT).

A short date never breaks across lines ("(1 / Dec 2026)" on a phone): its spaces are
non-breaking, as is the one between a day's number and its month.

No display format is all numbers: "12/01/2026" reads as 1 December in Winnipeg and as 12
January in Amsterdam. Inputs stay ISO 8601 (`<input type="date">` sends YYYY-MM-DD).
"""
