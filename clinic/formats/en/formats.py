"""English: "Tuesday 1 December", "1 Dec 2026", "1 Dec 2026, 10:11" (clinic/formats)."""

DAY_FORMAT = "l j\xa0F"
DAY_WITH_YEAR_FORMAT = "l j\xa0F Y"
DATE_FORMAT = "j\xa0M\xa0Y"
SHORT_DATE_FORMAT = "j\xa0M\xa0Y"
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "j\xa0M\xa0Y, H:i"
SHORT_DATETIME_FORMAT = "j\xa0M\xa0Y, H:i"
WEEKDAY_FORMAT = "l"
WEEKDAY_ABBR_FORMAT = "D"
MONTH_ABBR_FORMAT = "M"
MONTH_DAY_FORMAT = "j\xa0F"
YEAR_MONTH_FORMAT = "F Y"

# ISO 8601 first: what <input type="date"> and the admin's date fields send and show. The
# month-first numeric forms of Django's English list are left out, as "12/01/2026" would
# be read as 12 January by half the clinics; the month spelled out can't be misread.
DATE_INPUT_FORMATS = [
    "%Y-%m-%d",  # '2026-12-01'
    "%d %b %Y",  # '1 Dec 2026'
    "%d %B %Y",  # '1 December 2026'
    "%b %d %Y",  # 'Dec 1 2026'
    "%b %d, %Y",  # 'Dec 1, 2026'
    "%B %d %Y",  # 'December 1 2026'
    "%B %d, %Y",  # 'December 1, 2026'
]
DATETIME_INPUT_FORMATS = [
    "%Y-%m-%d %H:%M:%S",  # '2026-12-01 10:11:59'
    "%Y-%m-%d %H:%M:%S.%f",  # '2026-12-01 10:11:59.000200'
    "%Y-%m-%d %H:%M",  # '2026-12-01 10:11'
]
