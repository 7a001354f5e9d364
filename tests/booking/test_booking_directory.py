"""The operator directory: validation errors, sync, and DST-correct sessions."""
from __future__ import annotations

import textwrap
from datetime import date, datetime, timezone

import pytest

from bot.booking import load_directory, sync_directory
from bot.booking.directory import DEFAULT_PATH
from bot.clock import LONDON
from bot.datafile import DataError

from .conftest import details

GOOD = """\
region: Test region
demo: true
professionals:
  - id: ffion-evans
    name: Ffion Evans
    role: {en: CAMHS in-reach practitioner, cy: Ymarferydd CAMHS}
    team: {en: CAMHS In-Reach}
    languages: [en, cy]
    areas: [Swansea West]
  - id: gareth-price
    name: Dr Gareth Price
    role: Educational psychologist
    team: Educational Psychology Service
    languages: [en]
    areas: [Neath]
settings:
  - id: ysgol-pen-y-bryn
    name: Ysgol Gynradd Pen-y-Bryn
    type: school
    area: Swansea West
    link_professional: ffion-evans
sessions:
  - professional: ffion-evans
    kind: consultation
    weekday: tuesday
    start: "16:00"
    length: 45
    mode: video
  - professional: gareth-price
    kind: drop_in
    weekday: friday
    start: "14:00"
    length: 60
    capacity: 6
    mode: phone
"""


def write(tmp_path, text, name="directory.yml"):
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def test_booking_shipped_demo_directory_is_valid_and_marked_demo():
    directory = load_directory(DEFAULT_PATH)
    assert directory.demo is True and "demo" in directory.region.lower()
    assert len(directory.professionals) >= 4 and len(directory.settings) >= 8
    kinds = {p.kind for p in directory.patterns}
    assert kinds == {"consultation", "drop_in"}
    types = {s.type for s in directory.settings}
    assert {"school", "youth_service"} <= types
    linked = {s.link_professional for s in directory.settings}
    assert linked <= {p.id for p in directory.professionals}


@pytest.mark.parametrize("old,new,line,entry,field,words", [
    ("    link_professional: ffion-evans\n", "    link_professional: nobody\n",
     True, "ysgol-pen-y-bryn", "link_professional", "no professional"),
    ("    weekday: tuesday\n", "    weekday: tuesdy\n",
     True, "sessions[1] (ffion-evans)", "weekday", "day of the week"),
    ('    start: "16:00"\n', '    start: 4pm\n',
     True, "sessions[1] (ffion-evans)", "start", "HH:MM"),
    ("    length: 45\n", "    length: 45\n    capacity: 2\n",
     True, "sessions[1] (ffion-evans)", "capacity", "capacity 1"),
    ("    capacity: 6\n", "",
     None, "sessions[2] (gareth-price)", "capacity", "required for a drop-in"),
    ("    languages: [en, cy]\n", "    languages: [en, fr]\n",
     True, "ffion-evans", "languages", "unknown language"),
    ("    languages: [en]\n", "    langauges: [en]\n",
     True, "gareth-price", "langauges", "unknown field"),
    ("    mode: video\n", "    mode: carrier pigeon\n",
     True, "sessions[1] (ffion-evans)", "mode", "one of"),
    ("  - id: gareth-price\n", "  - id: ffion-evans\n",
     True, "ffion-evans", "id", "earlier professional"),
    ("    type: school\n", "    type: hospital\n",
     True, "ysgol-pen-y-bryn", "type", "one of"),
    ("    role: Educational psychologist\n", "    role: {en: Educational psychologist, de: x}\n",
     True, "gareth-price", "role", "unknown language code"),
])
def test_booking_directory_errors_name_file_line_entry_and_field(tmp_path, old, new, line,
                                                                   entry, field, words):
    assert old in GOOD
    path = write(tmp_path, GOOD.replace(old, new, 1))
    with pytest.raises(DataError) as err:
        load_directory(path)
    e = err.value
    assert e.path == str(path) and e.entry == entry and e.field == field
    if line:
        # the line of the changed text (its last line when several)
        expected = GOOD[:GOOD.index(old)].count("\n") + new.count("\n")
        assert e.line == expected
    assert words in str(e) and str(path) in str(e)


def test_booking_directory_structural_errors(tmp_path):
    with pytest.raises(DataError) as err:
        load_directory(write(tmp_path, "region: x\nprofessionals: [\n"))
    assert "invalid YAML" in str(err.value) and err.value.line is not None
    with pytest.raises(DataError) as err:
        load_directory(write(tmp_path, GOOD.replace("sessions:", "sesions:")))
    assert err.value.field == "sesions"
    with pytest.raises(DataError) as err:
        load_directory(tmp_path / "missing.yml")
    assert "not found" in str(err.value)
    overlapping = GOOD + ('  - professional: ffion-evans\n    kind: consultation\n'
                          '    weekday: tuesday\n    start: "16:30"\n    length: 30\n'
                          '    mode: phone\n')
    with pytest.raises(DataError) as err:
        load_directory(write(tmp_path, overlapping))
    assert err.value.entry == "sessions[3] (ffion-evans)" and "overlaps" in str(err.value)
    backwards = GOOD.replace('    mode: video\n', '    mode: video\n    from: 2026-09-01\n'
                             '    until: 2026-08-01\n')
    with pytest.raises(DataError) as err:
        load_directory(write(tmp_path, backwards))
    assert err.value.field == "until"


def _sessions(backend):
    with backend.engine.connect() as conn:
        rows = conn.exec_driver_sql(
            "SELECT professional_id, starts_at, length_minutes, capacity, status FROM sessions "
            "ORDER BY starts_at").all()
    return [(p, (s if isinstance(s, datetime) else datetime.fromisoformat(s))
             .replace(tzinfo=timezone.utc), n, c, st) for p, s, n, c, st in rows]


def test_booking_tuesday_4pm_stays_4pm_local_across_the_october_clock_change(
        sqlite_backend, tmp_path):
    directory = load_directory(write(tmp_path, GOOD))
    now = datetime(2026, 10, 19, 9, 0, tzinfo=LONDON)       # Monday; BST ends Sunday 25th
    report = sync_directory(sqlite_backend.factory, directory, weeks_ahead=3, now=now)
    tuesdays = [s for s in _sessions(sqlite_backend) if s[0] == "ffion-evans"]
    starts = [s[1] for s in tuesdays]
    assert [t.astimezone(LONDON).strftime("%a %d %b %H:%M") for t in starts] == \
        ["Tue 20 Oct 16:00", "Tue 27 Oct 16:00", "Tue 03 Nov 16:00"]
    assert [t.strftime("%H:%M") for t in starts] == ["15:00", "16:00", "16:00"]   # UTC
    assert report.sessions_created == 6


def test_booking_weekly_pattern_across_the_march_clock_change(sqlite_backend, tmp_path):
    directory = load_directory(write(tmp_path, GOOD))
    now = datetime(2027, 3, 22, 9, 0, tzinfo=LONDON)        # BST starts Sunday 28 March 2027
    sync_directory(sqlite_backend.factory, directory, weeks_ahead=2, now=now)
    starts = [s[1] for s in _sessions(sqlite_backend) if s[0] == "ffion-evans"]
    assert [t.strftime("%d %H:%M") for t in starts] == ["23 16:00", "30 15:00"]
    assert {t.astimezone(LONDON).strftime("%H:%M") for t in starts} == {"16:00"}


def test_booking_sync_is_idempotent_and_follows_directory_changes(sqlite_backend, tmp_path,
                                                                   clock):
    b = sqlite_backend
    now = clock()
    first = sync_directory(b.factory, load_directory(write(tmp_path, GOOD)), 4, now=now)
    again = sync_directory(b.factory, load_directory(write(tmp_path, GOOD)), 4, now=now)
    assert first.sessions_created == 8
    assert (again.sessions_created, again.sessions_updated, again.sessions_removed) == (0, 0, 0)

    service = b.service(clock)
    ffion = service.available_sessions(professional_id="ffion-evans", limit=10)
    booked = service.book(ffion[1].session_id, **details(), conversation_id="c",
                          idempotency_key="k")
    drop_in = service.available_sessions(kind="drop_in", limit=1)[0]
    for i in range(4):
        service.book(drop_in.session_id, **details(), conversation_id=f"d{i}",
                     idempotency_key="k")

    # Ffion's Tuesday session is dropped; Gareth's drop-in shrinks to 2 places.
    changed = GOOD.replace('''  - professional: ffion-evans
    kind: consultation
    weekday: tuesday
    start: "16:00"
    length: 45
    mode: video
''', "").replace("capacity: 6", "capacity: 2")
    report = sync_directory(b.factory, load_directory(write(tmp_path, changed)), 4, now=now)
    assert report.sessions_removed == 3            # the unbooked Tuesdays
    assert any(str(booked.session_id) in w and "cancel-session" in w for w in report.warnings)
    assert any("capacity stays at 4" in w for w in report.warnings)
    assert [s.session_id for s in service.available_sessions(professional_id="ffion-evans",
                                                             limit=10)] == []
    assert service.bookings_for("c")[0].status == "booked"
    rows = {s[1]: s[3] for s in _sessions(b) if s[0] == "gareth-price"}
    assert sorted(rows.values()) == [2, 2, 2, 4]


def test_booking_sync_deactivates_professionals_removed_from_the_file(sqlite_backend, tmp_path,
                                                                       clock):
    b = sqlite_backend
    sync_directory(b.factory, load_directory(write(tmp_path, GOOD)), 2, now=clock())
    without_gareth = GOOD.split("  - id: gareth-price")[0] + GOOD.split(
        "    areas: [Neath]\n")[1].split("  - professional: gareth-price")[0]
    report = sync_directory(b.factory, load_directory(write(tmp_path, without_gareth)), 2,
                            now=clock())
    assert any("gareth-price" in w and "deactivated" in w for w in report.warnings)
    service = b.service(clock)
    assert [p.id for p in service.professionals()] == ["ffion-evans"]
    assert {s.professional_id for s in service.available_sessions(limit=20)} == {"ffion-evans"}


def test_booking_skip_dates_and_validity_range(sqlite_backend, tmp_path, clock):
    text = GOOD.replace('    mode: video\n', '    mode: video\n    skip: [2026-10-27]\n'
                        '    until: 2026-11-10\n')
    sync_directory(sqlite_backend.factory, load_directory(write(tmp_path, text)), 6,
                   now=clock())
    days = [s[1].astimezone(LONDON).date() for s in _sessions(sqlite_backend)
            if s[0] == "ffion-evans"]
    assert days == [date(2026, 10, 20), date(2026, 11, 3), date(2026, 11, 10)]
