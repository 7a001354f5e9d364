"""Who is open when: time travel with NEST_NOW or the ``at`` argument (Europe/London)."""
from datetime import timedelta

import pytest

from bot.clock import LONDON
from bot.services import load_directory

from .services_helpers import SHIPPED, directory_with, london, utc

LINE = "nest_consultation_line"
DAY = "la_childrens_services_day"
OOH = "la_childrens_services_out_of_hours"


@pytest.fixture(scope="module")
def d():
    return load_directory(SHIPPED)


# ------------------------------------------------------------ ordinary days
def test_weekday_daytime(d):
    at = london(2026, 11, 23, 10, 0)          # Monday
    assert d.is_open(LINE, at) and d.is_open(DAY, at) and not d.is_open(OOH, at)
    assert d.is_open("meic", at) and d.is_open("nspcc_helpline", at)
    assert not d.is_open("samaritans_welsh", at)
    assert d.status_text("samaritans_welsh", at) == "Closed — reopens today at 7pm"
    assert d.status_text(LINE, at) == "Open now, until 5pm"


def test_weekday_evening_with_nest_now(d, monkeypatch):
    monkeypatch.setenv("NEST_NOW", "2026-11-23T19:30:00+00:00")   # Monday 7:30pm GMT
    assert not d.is_open(LINE) and not d.is_open(DAY) and d.is_open(OOH)
    assert d.next_opening(LINE) == london(2026, 11, 24, 9, 0)
    assert d.status_text(LINE) == "Closed — reopens tomorrow at 9am"
    assert d.status_text("samaritans_welsh") == "Open now, until 11pm"
    assert d.status_text("nspcc_helpline") == "Open now, until 10pm"
    assert d.status_text("meic") == "Open now, until midnight"


def test_day_team_closes_earlier_on_friday(d):
    assert d.is_open(DAY, london(2026, 11, 26, 16, 45))            # Thursday
    assert not d.is_open(DAY, london(2026, 11, 27, 16, 45))        # Friday
    assert d.is_open(OOH, london(2026, 11, 27, 16, 45))
    assert d.next_opening(DAY, london(2026, 11, 27, 16, 45)) == london(2026, 11, 30, 8, 30)


def test_weekend(d):
    at = london(2026, 11, 28, 11, 0)          # Saturday
    assert not d.is_open(LINE, at) and d.is_open(OOH, at)
    assert d.status_text(LINE, at) == "Closed — reopens on Monday at 9am"
    assert d.status_text("nspcc_helpline", at) == "Open now, until 6pm"
    assert not d.is_open("mind_infoline", at)


def test_next_opening_is_now_when_open_and_none_for_24_7_closing(d):
    at = london(2026, 11, 23, 10, 0)
    assert d.next_opening("samaritans", at) == at
    assert d.next_closing("samaritans", at) is None
    assert d.next_closing(LINE, at) == london(2026, 11, 23, 17, 0)


# ------------------------------------------------------------ bank holidays in Wales
def test_substitute_boxing_day_2026_12_28(d):
    at = london(2026, 12, 28, 10, 0)          # Monday, a bank holiday
    assert not d.is_open(LINE, at) and not d.is_open(DAY, at) and d.is_open(OOH, at)
    assert not d.is_open("mind_infoline", at)
    assert d.status_text(LINE, at) == "Closed — reopens tomorrow at 9am"
    # NSPCC publishes no bank-holiday hours: usual hours, and the bot says they may differ
    assert d.status_text("nspcc_helpline", at) == "Open now, until 10pm — hours may differ today (bank holiday)"
    assert d.status_text("nspcc_helpline", london(2026, 12, 29, 10, 0)) == "Open now, until 10pm"


def test_christmas_eve_evening_reopens_after_the_four_day_break(d):
    at = london(2026, 12, 24, 17, 30)         # Thursday
    assert d.next_opening(LINE, at) == london(2026, 12, 29, 9, 0)
    assert d.status_text(LINE, at) == "Closed — reopens on Tuesday at 9am"


def test_easter_monday_2027(d):
    at = london(2027, 3, 29, 11, 0)
    assert not d.is_open(LINE, at) and d.is_open(OOH, at)
    assert d.next_opening(LINE, at) == london(2027, 3, 30, 9, 0)
    # Good Friday too, so the line is shut from Thursday 5pm to Tuesday 9am
    assert d.next_opening(LINE, london(2027, 3, 25, 17, 0)) == london(2027, 3, 30, 9, 0)


def test_summer_bank_holiday_2026_08_31(d):
    at = london(2026, 8, 31, 10, 0)
    assert not d.is_open(LINE, at) and not d.is_open(DAY, at) and d.is_open(OOH, at)
    assert d.is_open("meic", at)              # Meic opens on bank holidays as usual


def test_out_of_hours_team_covers_exactly_when_day_team_is_closed(d):
    start = london(2026, 12, 21, 0, 0)
    for step in range(0, 14 * 24 * 4):       # two weeks around Christmas, every 15 minutes
        at = start + timedelta(minutes=15 * step)
        assert d.is_open(DAY, at) != d.is_open(OOH, at), at


# ------------------------------------------------------------ crossing midnight
def test_out_of_hours_team_runs_through_the_night(d):
    assert d.is_open(OOH, london(2026, 11, 23, 23, 30))
    assert d.is_open(OOH, london(2026, 11, 24, 8, 29))
    assert not d.is_open(OOH, london(2026, 11, 24, 8, 30))
    assert d.next_closing(OOH, london(2026, 11, 23, 20, 0)) == london(2026, 11, 24, 8, 30)
    assert d.status_text(OOH, london(2026, 11, 23, 20, 0)) == "Open now, until tomorrow at 8:30am"


def test_midnight_means_the_end_of_the_day(d):
    assert d.is_open("meic", london(2026, 11, 23, 23, 59))
    assert not d.is_open("meic", london(2026, 11, 24, 0, 0))
    assert d.next_opening("meic", london(2026, 11, 24, 0, 0)) == london(2026, 11, 24, 8, 0)


def test_a_range_that_runs_past_midnight(tmp_path):
    d = directory_with(tmp_path, 'hours: {daily: ["19:00-23:00"]}',
                       'hours: {fri: ["22:00-02:00"], sat: ["22:00-02:00"]}')
    sid = "samaritans_welsh"
    assert not d.is_open(sid, london(2026, 11, 27, 21, 59))       # Friday
    assert d.is_open(sid, london(2026, 11, 27, 23, 0))
    assert d.is_open(sid, london(2026, 11, 28, 1, 30))            # Saturday small hours
    assert not d.is_open(sid, london(2026, 11, 28, 2, 0))
    assert d.is_open(sid, london(2026, 11, 29, 1, 59))            # from Saturday night
    assert not d.is_open(sid, london(2026, 11, 30, 1, 0))         # no Sunday night session
    assert d.next_opening(sid, london(2026, 11, 29, 3, 0)) == london(2026, 12, 4, 22, 0)
    assert d.hours_text(sid) == "Fri–Sat 10pm–2am"


# ------------------------------------------------------------ BST/GMT changes
def test_spring_forward_2026_03_29(d):
    # the clocks go forward at 01:00 UTC: 01:00 GMT becomes 02:00 BST
    before, after = utc(2026, 3, 29, 0, 59), utc(2026, 3, 29, 1, 0)
    assert before.astimezone(LONDON).hour == 0 and after.astimezone(LONDON).hour == 2
    assert d.is_open(OOH, before) and d.is_open(OOH, after)
    # Meic opens at 08:00 on the clock, which is 07:00 UTC after the change
    assert not d.is_open("meic", before)
    assert d.next_opening("meic", before) == utc(2026, 3, 29, 7, 0)
    assert d.is_open("meic", utc(2026, 3, 29, 7, 30))
    assert not d.is_open("meic", utc(2026, 3, 28, 7, 30))         # Saturday, still GMT
    # the Welsh-language line (7pm–11pm): 22:30 UTC is open in GMT, closed in BST
    assert d.is_open("samaritans_welsh", utc(2026, 3, 28, 22, 30))
    assert not d.is_open("samaritans_welsh", utc(2026, 3, 29, 22, 30))
    assert d.is_open("samaritans_welsh", utc(2026, 3, 29, 21, 30))
    # NSPCC Sunday hours 9am–6pm BST
    assert d.is_open("nspcc_helpline", utc(2026, 3, 29, 8, 30))
    assert not d.is_open("nspcc_helpline", utc(2026, 3, 22, 8, 30))


def test_fall_back_2026_10_25(d):
    # the clocks go back at 01:00 UTC: 02:00 BST becomes 01:00 GMT
    assert not d.is_open("meic", utc(2026, 10, 24, 23, 30))       # 00:30 BST Sunday
    assert not d.is_open("meic", utc(2026, 10, 25, 0, 30))        # 01:30 BST, the first time round
    assert not d.is_open("meic", utc(2026, 10, 25, 1, 30))        # 01:30 GMT, the second time
    assert d.next_opening("meic", utc(2026, 10, 25, 0, 30)) == utc(2026, 10, 25, 8, 0)
    assert not d.is_open("meic", utc(2026, 10, 25, 7, 30))        # 07:30 GMT
    assert d.is_open("meic", utc(2026, 10, 25, 23, 30))           # 23:30 GMT
    # the Welsh-language line: 18:30 UTC is 7:30pm BST on Saturday, 6:30pm GMT on Sunday
    assert d.is_open("samaritans_welsh", utc(2026, 10, 24, 18, 30))
    assert not d.is_open("samaritans_welsh", utc(2026, 10, 25, 18, 30))
    assert d.next_opening("samaritans_welsh", utc(2026, 10, 25, 18, 30)) == utc(2026, 10, 25, 19, 0)
    assert d.is_open(OOH, utc(2026, 10, 25, 1, 30))


def test_nest_now_across_the_change(d, monkeypatch):
    monkeypatch.setenv("NEST_NOW", "2026-03-29T00:30:00+00:00")
    assert d.status_text("meic") == "Closed — reopens today at 8am"
    monkeypatch.setenv("NEST_NOW", "2026-10-25T00:30:00+00:00")
    assert d.status_text("meic") == "Closed — reopens today at 8am"
    assert d.next_opening("meic") == utc(2026, 10, 25, 8, 0)


# ------------------------------------------------------------ hours as people read them
@pytest.mark.parametrize("sid,text", [
    ("samaritans", "24/7"),
    ("meic", "8am–midnight every day"),
    ("samaritans_welsh", "7pm–11pm every day"),
    (LINE, "Mon–Fri 9am–5pm, closed on bank holidays"),
    (DAY, "Mon–Thu 8:30am–5pm, Fri 8:30am–4:30pm, closed on bank holidays"),
    ("nspcc_helpline", "Mon–Fri 8am–10pm, Sat–Sun 9am–6pm, bank holiday hours not published"),
    (OOH, "evenings, nights, weekends and bank holidays"),
])
def test_hours_text(d, sid, text):
    assert d.hours_text(sid) == text


def test_naive_times_are_refused(d):
    from datetime import datetime
    with pytest.raises(ValueError):
        d.is_open("meic", datetime(2026, 11, 23, 10, 0))
