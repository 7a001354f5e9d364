"""Understanding free-text time preferences: ``parse_when(text, now)``.

A practitioner answers "when would suit you?" with things like "Tuesday
afternoon", "next week", "tomorrow after school", "3 Dec", "03/12 at 3pm" or
"first available".  :func:`parse_when` turns that into a :class:`TimeWindow`
in Europe/London, or ``None`` when the text holds no time at all, or one that
cannot be (``31 Feb``, ``25:00``, a date already past).

Conventions (British usage):

- weeks start on Monday; "this week" is from now to Sunday night, "next
  week" is the following Monday to Sunday;
- a bare weekday ("Tuesday", "on Tuesday", "this Tuesday") is the next such
  day, today included (a week on if that part of today has already gone);
  "next Tuesday" is the Tuesday of next week;
- numeric dates are day first ("03/12" is 3 December); a date without a year
  is the next one to come;
- a time of day without a day ("afternoons", "after school", "3pm") applies
  to every day from now on;
- "3pm" means a session starting from 15:00 up to 16:00; "after 3pm" and
  "before 11" are open on one side;
- a few Welsh words are understood too ("heddiw", "yfory", "dydd Mawrth",
  "bore", "prynhawn", "heno").
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Optional, Tuple

from bot.clock import LONDON


@dataclass(frozen=True)
class TimeWindow:
    """When a practitioner would like a session.

    ``start``/``end`` are aware datetimes (``end`` exclusive, ``None`` = no
    end).  ``day_from``/``day_until`` narrow every day to a local time of day
    (``day_until`` ``None`` = until midnight).  ``first_available`` is set for
    "asap", "first available" and the like.
    """

    start: datetime
    end: Optional[datetime] = None
    day_from: Optional[time] = None
    day_until: Optional[time] = None
    first_available: bool = False

    def contains(self, moment: datetime) -> bool:
        if moment < self.start or (self.end is not None and moment >= self.end):
            return False
        local = moment.astimezone(LONDON).time()
        if self.day_from is not None and local < self.day_from:
            return False
        if self.day_until is not None and local >= self.day_until:
            return False
        return True

    def as_payload(self) -> dict:
        return {"start": self.start.isoformat(),
                "end": self.end.isoformat() if self.end else None,
                "day_from": self.day_from.strftime("%H:%M") if self.day_from else None,
                "day_until": self.day_until.strftime("%H:%M") if self.day_until else None,
                "first_available": self.first_available}


# --- vocabulary -----------------------------------------------------------

_WEEKDAYS = {
    "monday": 0, "mon": 0, "tuesday": 1, "tues": 1, "tue": 1, "wednesday": 2, "weds": 2,
    "wed": 2, "thursday": 3, "thurs": 3, "thur": 3, "thu": 3, "friday": 4, "fri": 4,
    "saturday": 5, "sunday": 6,
}
_WELSH_WEEKDAYS = {"llun": 0, "mawrth": 1, "mercher": 2, "iau": 3, "gwener": 4,
                   "sadwrn": 5, "sul": 6}
_MONTHS = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4,
    "apr": 4, "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8,
    "september": 9, "sept": 9, "sep": 9, "october": 10, "oct": 10, "november": 11,
    "nov": 11, "december": 12, "dec": 12,
}
# minutes of the day: [from, until)
_DAY_PARTS = [
    (r"after[ -]?school|ar ol ysgol", (15 * 60, 18 * 60)),
    (r"lunch ?time|lunch|midday|noon", (12 * 60, 14 * 60)),
    (r"mornings?|bore", (6 * 60, 12 * 60)),
    (r"afternoons?|prynhawn", (12 * 60, 17 * 60)),
    (r"evenings?|tonight|heno|noswaith", (17 * 60, 23 * 60)),
    (r"am", (6 * 60, 12 * 60)),
    (r"pm", (12 * 60, 24 * 60)),
]
_ASAP = (r"asap|a\.s\.a\.p|as soon as (?:possible|you can|poss)|first available|"
         r"first free|next available|next free|earliest|soonest|any ?time|whenever|"
         r"no preference|(?:i )?don'?t mind|dim ots|cyn gynted")

_MONTH_RE = "|".join(sorted(_MONTHS, key=len, reverse=True))
_WEEKDAY_RE = "|".join(sorted(_WEEKDAYS, key=len, reverse=True))
_ORD = r"(?:st|nd|rd|th)"


class _Impossible(Exception):
    """The text names a date or time that cannot exist."""


def _normalise(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    text = text.replace("\u2019", "'")
    text = re.sub(r"[!?,;()\"]", " ", text)
    return re.sub(r"\s+", " ", text).strip()


def _word(pattern: str) -> str:
    return rf"(?<![a-z0-9])(?:{pattern})(?![a-z0-9])"


def _make_date(year: int, month: int, day: int) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        raise _Impossible() from None


def _next_date(today: date, month: int, day: int, year: Optional[int]) -> date:
    if year is not None:
        if year < 100:
            year += 2000
        return _make_date(year, month, day)
    if not 1 <= month <= 12 or not 1 <= day <= 31:
        raise _Impossible()
    # 29 Feb without a year: the next year that has it
    for offset in range(0, 9):
        try:
            candidate = date(today.year + offset, month, day)
        except ValueError:
            if month == 2 and day == 29:
                continue
            raise _Impossible() from None
        if candidate >= today:
            return candidate
    raise _Impossible()


def _take(pattern: str, text: str):
    """Find ``pattern``; return (match, text with the match blanked out)."""
    match = re.search(pattern, text)
    if not match:
        return None, text
    return match, text[:match.start()] + " " * (match.end() - match.start()) + text[match.end():]


def _explicit_date(text: str, today: date):
    """(date or None, rest of text)."""
    m, rest = _take(r"(?<!\d)(\d{4})-(\d{1,2})-(\d{1,2})(?!\d)", text)
    if m:
        return _make_date(int(m[1]), int(m[2]), int(m[3])), rest
    m, rest = _take(r"(?<![\d:.])(\d{1,2})[/-](\d{1,2})(?:[/-](\d{2}|\d{4}))?"
                    r"(?![\d:]| ?[ap]\.?m)", text)
    if m:
        return _next_date(today, int(m[2]), int(m[1]), int(m[3]) if m[3] else None), rest
    m, rest = _take(rf"(?<![\d:])(\d{{1,2}}){_ORD}?(?: of)? ({_MONTH_RE})\.?(?![a-z])"
                    rf"(?: (\d{{4}}))?", text)
    if m:
        return _next_date(today, _MONTHS[m[2]], int(m[1]), int(m[3]) if m[3] else None), rest
    m, rest = _take(rf"(?<![a-z])({_MONTH_RE})\.? (?:the )?(\d{{1,2}}){_ORD}?(?![\d:]|am|pm|"
                    rf" ?[ap]\.?m)(?:,? (\d{{4}}))?", text)
    if m:
        return _next_date(today, _MONTHS[m[1]], int(m[2]), int(m[3]) if m[3] else None), rest
    m, rest = _take(rf"(?<![\d:])(?:the )?(\d{{1,2}}){_ORD}(?![a-z0-9])", text)
    if m:
        day = int(m[1])
        if not 1 <= day <= 31:
            raise _Impossible()
        year, month = today.year, today.month
        for _ in range(3):
            try:
                candidate = date(year, month, day)
            except ValueError:
                candidate = None
            if candidate is not None and candidate >= today:
                return candidate, rest
            month += 1
            if month > 12:
                year, month = year + 1, 1
        raise _Impossible()
    return None, text


def _clock_time(hour: int, minute: int, meridiem: Optional[str]) -> int:
    if minute > 59:
        raise _Impossible()
    if meridiem:
        if not 1 <= hour <= 12:
            raise _Impossible()
        hour = hour % 12 + (12 if meridiem.startswith("p") else 0)
    elif hour > 23:
        raise _Impossible()
    return hour * 60 + minute


def _time_of_day(text: str):
    """((from, until) minutes or None, rest of text)."""
    meridiem = r" ?([ap])\.?m\.?(?![a-z])"
    prefix = r"(?:(after|from|before|by|until|around|about|at|for) )?"
    m, rest = _take(rf"(?<![a-z0-9/])(?:(?:between|from) )?(\d{{1,2}})(?:[:.](\d{{2}}))?"
                    rf"(?:{meridiem})? ?(?:-|to|until|till|and) ?(\d{{1,2}})(?:[:.](\d{{2}}))?"
                    rf"{meridiem}", text)
    if m:
        until = _clock_time(int(m[4]), int(m[5] or 0), m[6])
        first_meridiem = m[3] or m[6]
        start = _clock_time(int(m[1]), int(m[2] or 0), first_meridiem)
        if start >= until and not m[3]:
            start = _clock_time(int(m[1]), int(m[2] or 0), "a")   # "11-1pm"
        if start >= until:
            raise _Impossible()
        return (start, until), rest
    patterns = [
        (rf"{prefix}(\d{{1,2}})[:.](\d{{2}})(?:{meridiem})?", True),
        (rf"{prefix}(\d{{1,2}}){meridiem}", False),
        (rf"(after|from|before|by|until|around|about|at) (\d{{1,2}})(?![\d/:.-]| ?[ap]\.?m)"
         rf"(?! ?{_ORD})(?! (?:{_MONTH_RE}))", None),
    ]
    for pattern, has_minutes in patterns:
        m, rest = _take(rf"(?<![a-z0-9/]){pattern}", text)
        if not m:
            continue
        word = m[1]
        if has_minutes is True:
            minutes = _clock_time(int(m[2]), int(m[3]), m[4])
        elif has_minutes is False:
            minutes = _clock_time(int(m[2]), 0, m[3])
        else:
            hour = int(m[2])
            if hour > 23:
                raise _Impossible()
            # "at 3" in a working day means 15:00
            if 1 <= hour <= 7:
                hour += 12
            minutes = hour * 60
        if word in ("after", "from"):
            return (minutes, 24 * 60), rest
        if word in ("before", "by", "until"):
            return (0, minutes), rest
        if word in ("around", "about"):
            return (max(0, minutes - 30), min(24 * 60, minutes + 60)), rest
        return (minutes, min(24 * 60, minutes + 60)), rest
    return None, text


def _at(day: date, minutes: int) -> datetime:
    if minutes >= 24 * 60:
        return datetime.combine(day + timedelta(days=1), time(0), tzinfo=LONDON)
    return datetime.combine(day, time(minutes // 60, minutes % 60), tzinfo=LONDON)


def _as_time(minutes: int) -> Optional[time]:
    return None if minutes >= 24 * 60 else time(minutes // 60, minutes % 60)


def parse_when(text: str, now: datetime) -> Optional[TimeWindow]:
    """The window of time ``text`` asks for, seen from ``now``; ``None`` when
    there is none or it is impossible (see the module notes)."""
    if not text or not text.strip():
        return None
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    now = now.astimezone(LONDON)
    try:
        return _parse(_normalise(text), now)
    except _Impossible:
        return None


def _parse(text: str, now: datetime) -> Optional[TimeWindow]:
    today = now.date()
    asap_match, text = _take(_word(_ASAP), text)
    asap = asap_match is not None

    tod, text = _time_of_day(text)
    day, text = _explicit_date(text, today)
    span: Optional[Tuple[date, date]] = None   # [first day, day after last)
    roll_weekly = False

    weekday = None
    m, text = _take(_word(rf"(?:(this|next|on|coming) )?({_WEEKDAY_RE})s?"), text)
    if m:
        weekday = (m[1], _WEEKDAYS[m[2]])
    else:
        m, text = _take(_word(r"(?:(nesaf) )?dydd (llun|mawrth|mercher|iau|gwener|sadwrn|sul)"
                              r"(?: (nesaf))?"), text)
        if m:
            weekday = ("next" if (m[1] or m[3]) else None, _WELSH_WEEKDAYS[m[2]])

    if weekday is not None:
        qualifier, wd = weekday
        if day is not None:
            if day.weekday() != wd:
                raise _Impossible()     # "Monday 3 Dec" when 3 Dec is a Thursday
        elif qualifier == "next":
            monday_next = today + timedelta(days=7 - today.weekday())
            day = monday_next + timedelta(days=wd)
        else:
            day = today + timedelta(days=(wd - today.weekday()) % 7)
            roll_weekly = True

    if day is None:
        if _take(_word(r"day after tomorrow|drennydd"), text)[0]:
            text = _take(_word(r"day after tomorrow|drennydd"), text)[1]
            day = today + timedelta(days=2)
        elif _take(_word(r"tomorrow|tmrw|tmw|yfory"), text)[0]:
            text = _take(_word(r"tomorrow|tmrw|tmw|yfory"), text)[1]
            day = today + timedelta(days=1)
        elif _take(_word(r"today|later today|later on|this (?:morning|afternoon|evening)|tonight|heddiw|heno"),
                   text)[0]:
            day = today      # keep the words: "this afternoon" is also a day part

    if day is None:
        monday = today - timedelta(days=today.weekday())
        m, text = _take(_word(r"(this|next|the following) (week|weekend|month)|"
                              r"(?:the )?(weekend)|wythnos (hon|nesaf)|(?:any ?day )?(later) this "
                              r"week"), text)
        if m:
            which, unit = m[1], m[2]
            if m[3]:
                which, unit = "this", "weekend"
            elif m[4]:
                which, unit = ("this" if m[4] == "hon" else "next"), "week"
            elif m[5]:
                which, unit = "this", "week"
            if which == "the following":
                which = "next"
            if unit == "week":
                first = monday + timedelta(days=7 if which == "next" else 0)
                span = (first, first + timedelta(days=7))
            elif unit == "weekend":
                first = monday + timedelta(days=5 + (7 if which == "next" else 0))
                span = (first, first + timedelta(days=2))
            else:
                first = today.replace(day=1)
                following = (first + timedelta(days=32)).replace(day=1)
                span = (following, (following + timedelta(days=32)).replace(day=1)) \
                    if which == "next" else (first, following)

    if tod is None:
        for pattern, part in _DAY_PARTS:
            m, text = _take(_word(pattern), text)
            if m:
                tod = part
                break

    if day is None and span is None and tod is None:
        if asap:
            return TimeWindow(start=now, end=None, first_available=True)
        return None

    day_from = _as_time(tod[0]) if tod else None
    day_until = _as_time(tod[1]) if tod else None
    if tod and tod[0] >= tod[1]:
        raise _Impossible()

    if day is not None:
        lo, hi = tod if tod else (0, 24 * 60)
        start, end = _at(day, lo), _at(day, hi)
        if roll_weekly and end <= now:
            start, end = _at(day + timedelta(days=7), lo), _at(day + timedelta(days=7), hi)
    elif span is not None:
        start, end = _at(span[0], 0), _at(span[1], 0)
    else:
        start, end = now, None

    if end is not None and end <= now:
        return None
    return TimeWindow(start=max(start, now), end=end, day_from=day_from, day_until=day_until,
                      first_available=asap)
