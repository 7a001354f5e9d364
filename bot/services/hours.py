"""Opening hours: weekly ranges in Europe/London, bank holidays, 24/7.

Every computation is done on UTC instants built from London wall-clock times,
so the BST/GMT change days (a 23- or 25-hour day) come out right: "09:00" is
09:00 on the clock in the UK whichever offset applies that day.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from typing import Callable, Dict, List, Optional, Tuple

from bot.clock import LONDON

UTC = timezone.utc
DAY_KEYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
MINUTES_PER_DAY = 24 * 60

_RANGE = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*[-–]\s*(\d{1,2}):(\d{2})\s*$")

Interval = Tuple[datetime, datetime]   # [start, end) in UTC


@dataclass(frozen=True)
class TimeRange:
    """Opening from ``start`` to ``end`` minutes after midnight, local time.

    ``end`` may be 1440 ("24:00"). An end at or before the start runs past
    midnight into the next day.
    """
    start: int
    end: int

    @property
    def crosses_midnight(self) -> bool:
        return self.end <= self.start or self.end == MINUTES_PER_DAY


def parse_range(value: str) -> TimeRange:
    """``"08:00-24:00"`` -> TimeRange; ValueError with a plain-English reason."""
    if not isinstance(value, str):
        raise ValueError(f"{value!r} is not a time range like \"09:00-17:00\"")
    match = _RANGE.match(value)
    if not match:
        raise ValueError(f"{value!r} is not a time range like \"09:00-17:00\"")
    sh, sm, eh, em = (int(g) for g in match.groups())
    if sm > 59 or em > 59:
        raise ValueError(f"{value!r}: minutes must be 00 to 59")
    if sh > 23:
        raise ValueError(f"{value!r}: a range must start between 00:00 and 23:59")
    if eh > 24 or (eh == 24 and em != 0):
        raise ValueError(f"{value!r}: a range must end between 00:00 and 24:00")
    start, end = sh * 60 + sm, eh * 60 + em
    if start == end or (start == 0 and end == 0):
        raise ValueError(f"{value!r} starts and ends at the same time; for all day use "
                         "\"00:00-24:00\", for round the clock use always_open: true")
    return TimeRange(start, end)


def local_instant(day: date, minutes: int) -> datetime:
    """The UTC instant of ``minutes`` after local midnight on ``day`` (wall clock)."""
    day = day + timedelta(days=minutes // MINUTES_PER_DAY)
    minutes %= MINUTES_PER_DAY
    wall = datetime.combine(day, time(minutes // 60, minutes % 60), tzinfo=LONDON)
    return wall.astimezone(UTC)


def merge(intervals: List[Interval]) -> List[Interval]:
    out: List[Interval] = []
    for start, end in sorted(intervals):
        if end <= start:
            continue
        if out and start <= out[-1][1]:
            if end > out[-1][1]:
                out[-1] = (out[-1][0], end)
        else:
            out.append((start, end))
    return out


def clip(intervals: List[Interval], start: datetime, end: datetime) -> List[Interval]:
    return [(max(s, start), min(e, end)) for s, e in intervals if e > start and s < end]


def complement(intervals: List[Interval], start: datetime, end: datetime) -> List[Interval]:
    out: List[Interval] = []
    cursor = start
    for s, e in merge(clip(intervals, start, end)):
        if s > cursor:
            out.append((cursor, s))
        cursor = max(cursor, e)
    if cursor < end:
        out.append((cursor, end))
    return out


# --------------------------------------------------------------------- kinds
@dataclass(frozen=True)
class AlwaysOpen:
    kind: str = "always_open"


@dataclass(frozen=True)
class WhenClosed:
    """Open exactly when another service is closed (an out-of-hours team)."""
    other: str
    kind: str = "when_closed"


BANK_AS_USUAL = "as_usual"
BANK_CLOSED = "closed"
#: the service publishes no bank-holiday hours: usual hours are assumed and the
#: status says "hours may differ today" on a bank holiday
BANK_UNPUBLISHED = "unpublished"


@dataclass(frozen=True)
class WeeklyHours:
    """Ranges per weekday (0 = Monday) and the bank holiday rule."""
    days: Dict[int, Tuple[TimeRange, ...]] = field(default_factory=dict)
    bank_holidays: object = BANK_AS_USUAL       # BANK_AS_USUAL, BANK_CLOSED or a tuple of ranges
    kind: str = "weekly"

    def ranges_on(self, day: date, is_holiday: Callable[[date], bool]) -> Tuple[TimeRange, ...]:
        if self.bank_holidays not in (BANK_AS_USUAL, BANK_UNPUBLISHED) and is_holiday(day):
            return () if self.bank_holidays == BANK_CLOSED else self.bank_holidays
        return self.days.get(day.weekday(), ())

    def intervals(self, start: datetime, end: datetime,
                  is_holiday: Callable[[date], bool]) -> List[Interval]:
        """Open intervals (UTC) overlapping [start, end)."""
        first = start.astimezone(LONDON).date() - timedelta(days=1)   # ranges from the day before may run past midnight
        last = end.astimezone(LONDON).date()
        out: List[Interval] = []
        day = first
        while day <= last:
            for r in self.ranges_on(day, is_holiday):
                end_minutes = r.end + (MINUTES_PER_DAY if r.end <= r.start else 0)
                out.append((local_instant(day, r.start), local_instant(day, end_minutes)))
            day += timedelta(days=1)
        return clip(merge(out), start, end)


def closes_after(intervals: List[Interval], at: datetime) -> Optional[datetime]:
    for s, e in intervals:
        if s <= at < e:
            return e
    return None


def opens_at_or_after(intervals: List[Interval], at: datetime) -> Optional[datetime]:
    for s, e in intervals:
        if e > at:
            return max(s, at)
    return None
