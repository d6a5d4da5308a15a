"""Greek public holidays, computed for any year (no per-year lists).

Fixed: New Year (1/1), Epiphany (6/1), Independence Day (25/3), Labour Day (1/5), Dormition
(15/8), Ochi Day (28/10), Christmas (25/12) and Synaxis of the Theotokos (26/12). Movable, from
Orthodox Easter: Clean Monday (-48 days), Good Friday (-2), Easter Sunday, Easter Monday (+1),
Holy Spirit Monday (+50).

Example::

    orthodox_easter(2026)                 # date(2026, 4, 12)
    is_holiday(date(2026, 2, 23))         # True: Clean Monday 2026

Limitation: when Labour Day falls in Holy Week or on Easter Monday the State moves it by a decision
of that year; a service adds such a day (and the municipality's own feast day) as a closure.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

FIXED = {
    (1, 1): ("Πρωτοχρονιά", "New Year's Day"),
    (1, 6): ("Θεοφάνια", "Epiphany"),
    (3, 25): ("Εθνική Εορτή 25ης Μαρτίου", "Independence Day"),
    (5, 1): ("Πρωτομαγιά", "Labour Day"),
    (8, 15): ("Κοίμηση της Θεοτόκου", "Dormition of the Theotokos"),
    (10, 28): ("Επέτειος του Όχι", "Ochi Day"),
    (12, 25): ("Χριστούγεννα", "Christmas Day"),
    (12, 26): ("Σύναξη της Θεοτόκου", "Synaxis of the Theotokos"),
}
MOVABLE = {
    -48: ("Καθαρά Δευτέρα", "Clean Monday"),
    -2: ("Μεγάλη Παρασκευή", "Good Friday"),
    0: ("Κυριακή του Πάσχα", "Easter Sunday"),
    1: ("Δευτέρα του Πάσχα", "Easter Monday"),
    50: ("Αγίου Πνεύματος", "Holy Spirit Monday"),
}


def orthodox_easter(year: int) -> date:
    """Orthodox Easter Sunday (Meeus' Julian algorithm, moved to the Gregorian calendar)."""
    a, b, c = year % 4, year % 7, year % 19
    d = (19 * c + 15) % 30
    e = (2 * a + 4 * b - d + 34) % 7
    month, day = divmod(d + e + 114, 31)
    julian = date(year, month, day + 1)
    # Julian -> Gregorian: 13 days from 1900 to 2099, one more each century not divisible by 400
    return julian + timedelta(days=year // 100 - year // 400 - 2)


@lru_cache(maxsize=64)
def holidays(year: int) -> dict[date, tuple[str, str]]:
    """``{date: (Greek name, English name)}`` for ``year``."""
    out = {date(year, m, d): names for (m, d), names in FIXED.items()}
    easter = orthodox_easter(year)
    for offset, names in MOVABLE.items():
        out[easter + timedelta(days=offset)] = names
    return out


def is_holiday(day: date) -> bool:
    return day in holidays(day.year)


def holiday_name(day: date, language: str = "el") -> str | None:
    names = holidays(day.year).get(day)
    if names is None:
        return None
    return names[0] if language == "el" else names[1]
