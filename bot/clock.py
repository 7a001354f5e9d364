"""The one clock (DESIGN.md contract 3).

Every piece of time logic asks :func:`now` for the current time.  It is
Europe/London (GMT/BST) aware, and can be fixed for tests and demos with the
environment variable ``NEST_NOW`` (ISO 8601 with an offset, e.g.
``2026-03-29T00:30:00+00:00``).
"""
from __future__ import annotations

import os
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")
ENV_VAR = "NEST_NOW"


class ClockError(ValueError):
    """NEST_NOW is set but is not an ISO 8601 time with an offset."""


def parse_fixed(value: str) -> datetime:
    try:
        fixed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError as exc:
        raise ClockError(f"{ENV_VAR}={value!r} is not an ISO 8601 time") from exc
    if fixed.tzinfo is None:
        raise ClockError(f"{ENV_VAR}={value!r} needs a UTC offset, e.g. +00:00")
    return fixed


def now() -> datetime:
    """The current time in Europe/London (fixed by ``NEST_NOW`` when set)."""
    fixed = os.environ.get(ENV_VAR, "").strip()
    if fixed:
        return parse_fixed(fixed).astimezone(LONDON)
    return datetime.now(timezone.utc).astimezone(LONDON)


def to_london(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise ValueError("naive datetimes are ambiguous here; attach a timezone")
    return moment.astimezone(LONDON)
