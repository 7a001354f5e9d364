"""Bank holidays in Wales (England and Wales rules), computed for any year.

The fixed rules live here; one-off changes (a moved or an extra bank holiday)
are data, listed by operators in ``data/services/services.yml``.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Dict, Iterable, Tuple


@dataclass(frozen=True)
class MovedHoliday:
    moved_from: date
    moved_to: date
    name: dict | None = None          # per-language text; None keeps the usual name


@dataclass(frozen=True)
class ExtraHoliday:
    day: date
    name: dict


def easter_sunday(year: int) -> date:
    """Western (Gregorian) Easter Sunday: the anonymous Gregorian algorithm."""
    a = year % 19
    b, c = divmod(year, 100)
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    l = (32 + 2 * e + 2 * i - h - k) % 7  # noqa: E741 (the algorithm's own name)
    m = (a + 11 * h + 22 * l) // 451
    month, day = divmod(h + l - 7 * m + 114, 31)
    return date(year, month, day + 1)


def _first_monday(year: int, month: int) -> date:
    d = date(year, month, 1)
    return d + timedelta(days=(0 - d.weekday()) % 7)


def _last_monday(year: int, month: int) -> date:
    nxt = date(year + (month == 12), month % 12 + 1, 1)
    d = nxt - timedelta(days=1)
    return d - timedelta(days=d.weekday())


def _with_substitutes(days: Iterable[Tuple[date, str]]) -> Dict[date, Tuple[str, bool]]:
    """Weekend holidays move to the next weekday not already a holiday."""
    out: Dict[date, Tuple[str, bool]] = {}
    for day, key in days:
        if day.weekday() < 5 and day not in out:
            out[day] = (key, False)
            continue
        sub = day
        while sub.weekday() >= 5 or sub in out:
            sub += timedelta(days=1)
        out[sub] = (key, True)
    return out


def standard_holidays(year: int) -> Dict[date, Tuple[str, bool]]:
    """{date: (key, is_substitute)} by the standing England and Wales rules."""
    easter = easter_sunday(year)
    out: Dict[date, Tuple[str, bool]] = {}
    out.update(_with_substitutes([(date(year, 1, 1), "new_year")]))
    out[easter - timedelta(days=2)] = ("good_friday", False)
    out[easter + timedelta(days=1)] = ("easter_monday", False)
    out[_first_monday(year, 5)] = ("early_may", False)
    out[_last_monday(year, 5)] = ("spring", False)
    out[_last_monday(year, 8)] = ("summer", False)
    # Christmas first, then Boxing Day, so a Saturday Christmas takes Monday 27th
    # and Boxing Day (Sunday) takes Tuesday 28th.
    out.update(_with_substitutes([(date(year, 12, 25), "christmas"), (date(year, 12, 26), "boxing_day")]))
    return out


class BankHolidays:
    """Bank holidays in Wales for any year, with the operator's one-off changes."""

    def __init__(self, names: Dict[str, dict], moved: Iterable[MovedHoliday] = (),
                 extra: Iterable[ExtraHoliday] = ()):
        self.names = names
        self.moved = tuple(moved)
        self.extra = tuple(extra)
        self._cache: Dict[int, Dict[date, dict]] = {}

    def for_year(self, year: int) -> Dict[date, dict]:
        """{date: name per language} for every bank holiday in ``year``."""
        if year not in self._cache:
            out: Dict[date, dict] = {}
            for day, (key, substitute) in standard_holidays(year).items():
                name = dict(self.names[key])
                if substitute:
                    name = {code: self.names["substitute"].get(code, self.names["substitute"]["en"]).format(name=text)
                            for code, text in name.items()}
                out[day] = name
            for move in self.moved:
                if move.moved_from.year == year:
                    usual = out.pop(move.moved_from, None)
                    if move.moved_to.year == year:
                        out[move.moved_to] = move.name or usual or {"en": "Bank holiday"}
                elif move.moved_to.year == year:
                    out[move.moved_to] = move.name or {"en": "Bank holiday"}
            for add in self.extra:
                if add.day.year == year:
                    out[add.day] = add.name
            self._cache[year] = dict(sorted(out.items()))
        return self._cache[year]

    def name(self, day: date) -> dict | None:
        return self.for_year(day.year).get(day)

    def __contains__(self, day: date) -> bool:
        return day in self.for_year(day.year)
