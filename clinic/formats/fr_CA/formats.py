"""Canadian French: "mardi 1 décembre", "1 déc. 2026", "1 déc. 2026, 10 h 11" (clinic/formats).

The month is abbreviated with "N" (Django's "déc.", "mars", "juil."): "M" would give
"Déc" and the same "jui" for June and July. The spaces around "h" are non-breaking, as
Django's own French formats have them; "\\h" is a literal h (Django's fr_CA leaves it
bare, which prints the 12-hour hour), and "G" drops the leading zero: "9 h 05"."""

DAY_FORMAT = "l j\xa0F"
DAY_WITH_YEAR_FORMAT = "l j\xa0F Y"
DATE_FORMAT = "j\xa0N\xa0Y"
SHORT_DATE_FORMAT = "j\xa0N\xa0Y"
TIME_FORMAT = "G\xa0\\h\xa0i"
DATETIME_FORMAT = "j\xa0N\xa0Y, G\xa0\\h\xa0i"
SHORT_DATETIME_FORMAT = "j\xa0N\xa0Y, G\xa0\\h\xa0i"
WEEKDAY_FORMAT = "l"
# Django's "D" in French is "mar"; the written abbreviation takes a period.
WEEKDAY_ABBR_FORMAT = "D."
MONTH_ABBR_FORMAT = "N"
MONTH_DAY_FORMAT = "j\xa0F"
YEAR_MONTH_FORMAT = "F Y"

# ISO 8601 only (Django's fr_CA list is ISO too, with a two-digit year we leave out).
DATE_INPUT_FORMATS = ["%Y-%m-%d"]
DATETIME_INPUT_FORMATS = [
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M:%S.%f",
    "%Y-%m-%d %H:%M",
]
