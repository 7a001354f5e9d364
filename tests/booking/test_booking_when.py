"""Free-text time preferences, seen from a fixed "now"."""
from __future__ import annotations

from datetime import datetime, time

import pytest

from bot.booking import parse_when
from bot.clock import LONDON

# Wednesday 2 December 2026, 10:15 (GMT)
NOW = datetime(2026, 12, 2, 10, 15, tzinfo=LONDON)
F = "%a %d %b %H:%M"


def window(text, now=NOW):
    w = parse_when(text, now)
    assert w is not None, f"{text!r} was not understood"
    end = w.end.astimezone(LONDON).strftime(F) if w.end else None
    return w.start.astimezone(LONDON).strftime(F), end


@pytest.mark.parametrize("text,start,end", [
    ("today", "Wed 02 Dec 10:15", "Thu 03 Dec 00:00"),
    ("tomorrow", "Thu 03 Dec 00:00", "Fri 04 Dec 00:00"),
    ("Friday", "Fri 04 Dec 00:00", "Sat 05 Dec 00:00"),
    ("on friday please", "Fri 04 Dec 00:00", "Sat 05 Dec 00:00"),
    ("next Friday", "Fri 11 Dec 00:00", "Sat 12 Dec 00:00"),
    ("Tuesday", "Tue 08 Dec 00:00", "Wed 09 Dec 00:00"),
    ("next tuesday", "Tue 08 Dec 00:00", "Wed 09 Dec 00:00"),
    ("Tuesday afternoon", "Tue 08 Dec 12:00", "Tue 08 Dec 17:00"),
    ("tomorrow morning", "Thu 03 Dec 06:00", "Thu 03 Dec 12:00"),
    ("tomorrow after school", "Thu 03 Dec 15:00", "Thu 03 Dec 18:00"),
    ("this evening", "Wed 02 Dec 17:00", "Wed 02 Dec 23:00"),
    ("this week", "Wed 02 Dec 10:15", "Mon 07 Dec 00:00"),
    ("next week", "Mon 07 Dec 00:00", "Mon 14 Dec 00:00"),
    ("sometime next week?", "Mon 07 Dec 00:00", "Mon 14 Dec 00:00"),
    ("3 Dec", "Thu 03 Dec 00:00", "Fri 04 Dec 00:00"),
    ("03/12", "Thu 03 Dec 00:00", "Fri 04 Dec 00:00"),
    ("December 3rd", "Thu 03 Dec 00:00", "Fri 04 Dec 00:00"),
    ("the 3rd of December", "Thu 03 Dec 00:00", "Fri 04 Dec 00:00"),
    ("Thursday 3 December", "Thu 03 Dec 00:00", "Fri 04 Dec 00:00"),
    ("1 Dec", "Wed 01 Dec 00:00", "Thu 02 Dec 00:00"),          # passed: next year's
    ("03/12 at 3pm", "Thu 03 Dec 15:00", "Thu 03 Dec 16:00"),
    ("tomorrow 15:30", "Thu 03 Dec 15:30", "Thu 03 Dec 16:30"),
    ("friday between 2 and 4pm", "Fri 04 Dec 14:00", "Fri 04 Dec 16:00"),
    ("yfory", "Thu 03 Dec 00:00", "Fri 04 Dec 00:00"),
    ("dydd Mawrth", "Tue 08 Dec 00:00", "Wed 09 Dec 00:00"),
])
def test_booking_when_days_and_dates(text, start, end):
    assert window(text) == (start, end)


def test_booking_when_dates_without_a_year_are_the_next_one():
    assert parse_when("1 Dec", NOW).start.year == 2027
    assert parse_when("3 Dec", NOW).start.year == 2026
    assert parse_when("29 Feb", NOW).start.date().isoformat() == "2028-02-29"


@pytest.mark.parametrize("text,day_from,day_until", [
    ("afternoons", time(12), time(17)),
    ("morning", time(6), time(12)),
    ("after school", time(15), time(18)),
    ("evenings", time(17), time(23)),
    ("3pm", time(15), time(16)),
    ("15:30", time(15, 30), time(16, 30)),
    ("after 3pm", time(15), None),
    ("before 11am", time(0), time(11)),
])
def test_booking_when_time_of_day_alone_applies_to_every_day(text, day_from, day_until):
    w = parse_when(text, NOW)
    assert (w.day_from, w.day_until, w.end) == (day_from, day_until, None)
    assert w.start == NOW
    inside = datetime(2026, 12, 9, day_from.hour, day_from.minute, tzinfo=LONDON)
    assert w.contains(inside)
    assert not w.contains(datetime(2026, 12, 9, 5, 0, tzinfo=LONDON)) or day_from == time(0)


def test_booking_when_next_week_mornings_narrows_each_day():
    w = parse_when("next week, mornings", NOW)
    assert w.contains(datetime(2026, 12, 8, 9, 30, tzinfo=LONDON))
    assert not w.contains(datetime(2026, 12, 8, 14, 0, tzinfo=LONDON))
    assert not w.contains(datetime(2026, 12, 3, 9, 30, tzinfo=LONDON))


@pytest.mark.parametrize("text", ["first available", "ASAP", "as soon as possible",
                                  "whenever", "the earliest you have", "any time"])
def test_booking_when_first_available(text):
    w = parse_when(text, NOW)
    assert w.first_available and w.start == NOW and w.end is None


@pytest.mark.parametrize("text", ["", "banana", "I'd like to talk to someone", "31 Feb",
                                  "31/02", "30th February", "25:00", "13pm", "3/12/2020",
                                  "Monday 3 December", "45th", "Tuesday at 99:00",
                                  "this morning"])
def test_booking_when_nonsense_or_impossible_is_none(text):
    # "this morning" asked at 18:00 is over already
    now = NOW.replace(hour=18) if text == "this morning" else NOW
    assert parse_when(text, now) is None


def test_booking_when_bare_weekday_today_rolls_on_once_that_part_is_over():
    assert window("wednesday", NOW) == ("Wed 02 Dec 10:15", "Thu 03 Dec 00:00")
    late = NOW.replace(hour=19)
    assert window("wednesday afternoon", late) == ("Wed 09 Dec 12:00", "Wed 09 Dec 17:00")


def test_booking_when_windows_are_local_time_across_the_clock_change():
    before = datetime(2026, 10, 21, 12, 0, tzinfo=LONDON)     # BST
    w = parse_when("next tuesday afternoon", before)          # 27 Oct, GMT
    assert w.start.isoformat() == "2026-10-27T12:00:00+00:00"
    assert w.contains(datetime(2026, 10, 27, 16, 0, tzinfo=LONDON))
    summer = parse_when("tomorrow at 4pm", before)
    assert summer.start.isoformat() == "2026-10-22T16:00:00+01:00"


def test_booking_when_needs_an_aware_now():
    with pytest.raises(ValueError):
        parse_when("today", datetime(2026, 12, 2, 10, 0))
