"""The operator directory: professionals, settings and weekly session patterns.

Operators describe their region in ``data/directory/directory.yml``
(DESIGN.md contract 4).  :func:`load_directory` validates it and reports any
problem as a :class:`bot.datafile.DataError` naming the file, line, entry and
field; :func:`sync_directory` writes it into the booking database and
generates the sessions of the coming weeks from the weekly patterns.

Weekly patterns are in local (Europe/London) wall time: a Tuesday 16:00
session is at 16:00 on every Tuesday, 15:00 UTC in summer (BST) and 16:00 UTC
in winter (GMT).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path
from typing import Dict, Iterator, List, Optional, Tuple

from sqlalchemy import case, select, text, update

from bot import clock
from bot.datafile import LANGUAGES, DataError, Located, as_date, line_of, load_yaml

from .db import REPO_ROOT, WRITE
from .models import (KINDS, MODES, SETTING_TYPES, Booking, ConsultationSession, Professional,
                     Setting)

DEFAULT_PATH = REPO_ROOT / "data" / "directory" / "directory.yml"
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")
_HHMM = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")
_TOP_FIELDS = {"region", "demo", "professionals", "settings", "sessions"}
_PRO_FIELDS = {"id", "name", "role", "team", "languages", "areas"}
_SET_FIELDS = {"id", "name", "type", "area", "local_authority", "link_professional", "aliases"}
_PAT_FIELDS = {"professional", "kind", "weekday", "start", "length", "capacity", "mode",
               "from", "until", "skip"}
_SYNC_LOCK_ID = 7_316_400_4


@dataclass(frozen=True)
class ProfessionalEntry:
    id: str
    name: str
    role: Dict[str, str]
    team: Dict[str, str]
    languages: Tuple[str, ...]
    areas: Tuple[str, ...]


@dataclass(frozen=True)
class SettingEntry:
    id: str
    name: str
    type: str
    area: str
    link_professional: str
    aliases: Tuple[str, ...] = ()
    #: the local authority the setting is in (data/services/local_authorities.yml):
    #: its children's services are named in the safeguarding reply
    local_authority: Optional[str] = None


@dataclass(frozen=True)
class SessionPattern:
    """A weekly session: every ``weekday`` at ``start`` local time."""

    professional: str
    kind: str
    weekday: int             # 0 = Monday
    start: time              # Europe/London wall time
    length: int              # minutes
    capacity: int
    mode: str
    valid_from: Optional[date] = None
    valid_until: Optional[date] = None
    skip: Tuple[date, ...] = ()

    @property
    def key(self) -> str:
        return (f"{self.professional}|{self.kind}|{WEEKDAYS[self.weekday]}|"
                f"{self.start.strftime('%H:%M')}")

    def occurrences(self, first: date, last: date) -> Iterator[Tuple[date, datetime]]:
        """(local date, UTC start) for every occurrence from ``first`` to ``last``."""
        lo = max(first, self.valid_from) if self.valid_from else first
        hi = min(last, self.valid_until) if self.valid_until else last
        day = lo + timedelta(days=(self.weekday - lo.weekday()) % 7)
        while day <= hi:
            if day not in self.skip:
                yield day, local_to_utc(day, self.start)
            day += timedelta(days=7)

    def occurrence_key(self, day: date) -> str:
        return f"{self.key}|{day.isoformat()}"


@dataclass(frozen=True)
class Directory:
    path: str
    region: str
    demo: bool
    professionals: Tuple[ProfessionalEntry, ...]
    settings: Tuple[SettingEntry, ...]
    patterns: Tuple[SessionPattern, ...]


@dataclass
class SyncReport:
    professionals: int = 0
    settings: int = 0
    sessions_created: int = 0
    sessions_updated: int = 0
    sessions_removed: int = 0
    warnings: List[str] = field(default_factory=list)

    def summary(self) -> str:
        return (f"{self.professionals} professionals, {self.settings} settings; sessions: "
                f"{self.sessions_created} created, {self.sessions_updated} updated, "
                f"{self.sessions_removed} removed")


def local_to_utc(day: date, at: time) -> datetime:
    """The UTC instant of local (Europe/London) wall time ``at`` on ``day``.

    A wall time skipped by the spring change (01:30 on the last Sunday of
    March) is read as the GMT time, i.e. an hour later on the clock.
    """
    return datetime.combine(day, at, tzinfo=clock.LONDON).astimezone(timezone.utc)


# --- loading ----------------------------------------------------------------

def _unknown_fields(loc: Located, allowed: set) -> None:
    for key in loc.node:
        if key not in allowed:
            raise loc.error(f"unknown field (expected one of: {', '.join(sorted(allowed))})",
                            str(key))


def _entries(path: str, root, name: str) -> List[Tuple[int, object]]:
    value = root.get(name)
    if value is None:
        raise DataError(path, "is required but missing", line=line_of(root), field=name)
    if not isinstance(value, list):
        raise DataError(path, "must be a list", line=line_of(root, name), field=name)
    return list(enumerate(value))


def _item_node(path: str, seq, index: int, name: str):
    node = seq[index]
    if not isinstance(node, dict):
        raise DataError(path, "each entry must be a mapping of fields",
                        line=line_of(seq, index), entry=f"{name}[{index + 1}]")
    return node


def _str_list(loc: Located, field_name: str, required: bool = True) -> Tuple[str, ...]:
    value = loc.optional(field_name, list, None)
    if value is None:
        if required:
            raise loc.error("is required but missing", field_name)
        return ()
    if required and not value:
        raise loc.error("must list at least one value", field_name)
    out = []
    for item in value:
        if not isinstance(item, str) or not item.strip():
            raise loc.error("every value must be a non-empty text", field_name)
        out.append(item.strip())
    return tuple(out)


def _date(loc: Located, field_name: str, value) -> date:
    parsed = as_date(value)
    if parsed is None:
        raise loc.error("must be a date written YYYY-MM-DD", field_name)
    return parsed


def load_directory(path: Path | str = DEFAULT_PATH) -> Directory:
    """Read and validate the directory file; raises :class:`DataError`."""
    path = str(path)
    root = load_yaml(path)
    if not isinstance(root, dict):
        raise DataError(path, "the file must be a mapping with professionals, settings and "
                        "sessions", line=1)
    for key in root:
        if key not in _TOP_FIELDS:
            raise DataError(path, f"unknown section (expected one of: "
                            f"{', '.join(sorted(_TOP_FIELDS))})", line=line_of(root, key),
                            field=str(key))
    top = Located(path, root)
    region = top.require("region", str).strip()
    demo = top.optional("demo", bool, False)

    professionals: Dict[str, ProfessionalEntry] = {}
    seq = root.get("professionals")
    for index, _ in _entries(path, root, "professionals"):
        node = _item_node(path, seq, index, "professionals")
        loc = Located(path, node, node.get("id") if isinstance(node.get("id"), str)
                      else f"professionals[{index + 1}]")
        _unknown_fields(loc, _PRO_FIELDS)
        pid = loc.require("id", str).strip()
        if not _ID.match(pid):
            raise loc.error("must be lower-case letters, digits and dashes", "id")
        if pid in professionals:
            raise loc.error("is used by an earlier professional too", "id")
        languages = _str_list(loc, "languages")
        for code in languages:
            if code not in LANGUAGES:
                raise loc.error(f"unknown language code {code!r} (use {', '.join(LANGUAGES)})",
                                "languages")
        professionals[pid] = ProfessionalEntry(
            id=pid, name=loc.require("name", str).strip(), role=loc.text("role"),
            team=loc.text("team"), languages=languages, areas=_str_list(loc, "areas"))

    settings: Dict[str, SettingEntry] = {}
    seq = root.get("settings")
    for index, _ in _entries(path, root, "settings"):
        node = _item_node(path, seq, index, "settings")
        loc = Located(path, node, node.get("id") if isinstance(node.get("id"), str)
                      else f"settings[{index + 1}]")
        _unknown_fields(loc, _SET_FIELDS)
        sid = loc.require("id", str).strip()
        if not _ID.match(sid):
            raise loc.error("must be lower-case letters, digits and dashes", "id")
        if sid in settings:
            raise loc.error("is used by an earlier setting too", "id")
        kind = loc.require("type", str).strip()
        if kind not in SETTING_TYPES:
            raise loc.error(f"must be one of: {', '.join(SETTING_TYPES)}", "type")
        link = loc.require("link_professional", str).strip()
        if link not in professionals:
            raise loc.error(f"no professional has the id {link!r}", "link_professional")
        authority = node.get("local_authority")
        if authority is not None:
            from bot.services.authorities import get_authorities
            if not isinstance(authority, str) or authority not in get_authorities():
                raise loc.error(f"no local authority has the id {authority!r} "
                                "(see data/services/local_authorities.yml)", "local_authority")
        settings[sid] = SettingEntry(id=sid, name=loc.require("name", str).strip(), type=kind,
                                     area=loc.require("area", str).strip(),
                                     link_professional=link,
                                     aliases=_str_list(loc, "aliases", required=False),
                                     local_authority=authority)

    patterns: List[SessionPattern] = []
    seq = root.get("sessions")
    for index, _ in _entries(path, root, "sessions"):
        node = _item_node(path, seq, index, "sessions")
        loc = Located(path, node, f"sessions[{index + 1}]")
        _unknown_fields(loc, _PAT_FIELDS)
        pro = loc.require("professional", str).strip()
        if pro not in professionals:
            raise loc.error(f"no professional has the id {pro!r}", "professional")
        loc.entry = f"sessions[{index + 1}] ({pro})"
        kind = loc.require("kind", str).strip()
        if kind not in KINDS:
            raise loc.error(f"must be one of: {', '.join(KINDS)}", "kind")
        weekday = loc.require("weekday", str).strip().lower()
        if weekday not in WEEKDAYS:
            raise loc.error("must be a day of the week, e.g. tuesday", "weekday")
        start_text = loc.require("start", str).strip()
        match = _HHMM.match(start_text)
        if not match:
            raise loc.error("must be a 24-hour local time written HH:MM, e.g. \"16:00\"",
                            "start")
        length = loc.require("length", int)
        if isinstance(length, bool) or not 5 <= length <= 480:
            raise loc.error("must be a number of minutes from 5 to 480", "length")
        capacity = loc.optional("capacity", int, 1 if kind == "consultation" else None)
        if capacity is None:
            raise loc.error("is required for a drop-in session", "capacity")
        if isinstance(capacity, bool) or capacity < 1 or capacity > 200:
            raise loc.error("must be a whole number from 1 to 200", "capacity")
        if kind == "consultation" and capacity != 1:
            raise loc.error("a one-to-one consultation has capacity 1 (use kind: drop_in for "
                            "a group)", "capacity")
        mode = loc.require("mode", str).strip()
        if mode not in MODES:
            raise loc.error(f"must be one of: {', '.join(MODES)}", "mode")
        valid_from = _date(loc, "from", node["from"]) if node.get("from") is not None else None
        valid_until = _date(loc, "until", node["until"]) if node.get("until") is not None \
            else None
        if valid_from and valid_until and valid_until < valid_from:
            raise loc.error("is before the 'from' date", "until")
        skip = tuple(_date(loc, "skip", value) for value in loc.optional("skip", list, []))
        pattern = SessionPattern(professional=pro, kind=kind, weekday=WEEKDAYS.index(weekday),
                                 start=time(int(match[1]), int(match[2])), length=length,
                                 capacity=capacity, mode=mode, valid_from=valid_from,
                                 valid_until=valid_until, skip=skip)
        for other in patterns:
            if other.professional == pro and other.weekday == pattern.weekday \
                    and _overlap(other, pattern):
                raise loc.error(f"overlaps another {WEEKDAYS[other.weekday]} session of "
                                f"{pro} at {other.start.strftime('%H:%M')}", "start")
        patterns.append(pattern)

    return Directory(path=path, region=region, demo=demo,
                     professionals=tuple(professionals.values()),
                     settings=tuple(settings.values()), patterns=tuple(patterns))


def _overlap(a: SessionPattern, b: SessionPattern) -> bool:
    if a.valid_until and b.valid_from and a.valid_until < b.valid_from:
        return False
    if b.valid_until and a.valid_from and b.valid_until < a.valid_from:
        return False
    a0 = a.start.hour * 60 + a.start.minute
    b0 = b.start.hour * 60 + b.start.minute
    return a0 < b0 + b.length and b0 < a0 + a.length


# --- writing into the database ------------------------------------------------

def sync_directory(session_factory, directory: Directory, weeks_ahead: int = 6,
                   now: Optional[datetime] = None) -> SyncReport:
    """Upsert professionals and settings and generate sessions ``weeks_ahead``.

    Idempotent: running it twice changes nothing the second time.  Future
    generated sessions are updated to match their pattern (length, mode,
    capacity — never below the places already booked); future sessions whose
    pattern is gone are removed when nobody ever booked them, cancelled when
    only cancelled bookings point at them, and kept with a warning when they
    hold bookings (cancel them with ``admin cancel-session``).  Professionals
    and settings missing from the file are deactivated, not deleted.
    """
    now = (now or clock.now()).astimezone(timezone.utc)
    today = now.astimezone(clock.LONDON).date()
    horizon = today + timedelta(days=7 * weeks_ahead)
    report = SyncReport()
    with session_factory() as db:
        db.connection(execution_options=WRITE)
        if db.bind.dialect.name == "postgresql":
            db.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _SYNC_LOCK_ID})
        _sync_people(db, directory, report)
        _sync_sessions(db, directory, now, today, horizon, report)
        db.commit()
    return report


def _sync_people(db, directory: Directory, report: SyncReport) -> None:
    known = {p.id: p for p in db.execute(select(Professional)).scalars()}
    for entry in directory.professionals:
        row = known.pop(entry.id, None) or Professional(id=entry.id)
        values = dict(name=entry.name, role=dict(entry.role), team=dict(entry.team),
                      languages=list(entry.languages), areas=list(entry.areas), active=True)
        for key, value in values.items():
            if getattr(row, key, None) != value:
                setattr(row, key, value)
        db.add(row)
        report.professionals += 1
    for row in known.values():
        if row.active:
            row.active = False
            report.warnings.append(f"professional {row.id} is no longer in the directory: "
                                   f"deactivated")
    db.flush()
    known_settings = {s.id: s for s in db.execute(select(Setting)).scalars()}
    for entry in directory.settings:
        row = known_settings.pop(entry.id, None) or Setting(id=entry.id)
        values = dict(name=entry.name, type=entry.type, area=entry.area,
                      aliases=list(entry.aliases), link_professional_id=entry.link_professional,
                      active=True)
        for key, value in values.items():
            if getattr(row, key, None) != value:
                setattr(row, key, value)
        db.add(row)
        report.settings += 1
    for row in known_settings.values():
        if row.active:
            row.active = False
            report.warnings.append(f"setting {row.id} is no longer in the directory: "
                                   f"deactivated")
    db.flush()


def _sync_sessions(db, directory: Directory, now: datetime, today: date, horizon: date,
                   report: SyncReport) -> None:
    existing = {s.pattern_key: s for s in db.execute(
        select(ConsultationSession).where(ConsultationSession.pattern_key.is_not(None),
                                          ConsultationSession.starts_at > now)).scalars()}
    # Sessions already generated further ahead than this run's horizon stay valid.
    last_existing = max((s.starts_at.astimezone(clock.LONDON).date()
                         for s in existing.values()), default=horizon)
    valid_until = max(horizon, last_existing)
    wanted = set()
    for pattern in directory.patterns:
        for day, starts_at in pattern.occurrences(today, valid_until):
            if starts_at <= now:
                continue
            key = pattern.occurrence_key(day)
            wanted.add(key)
            row = existing.get(key)
            if row is None:
                if day > horizon:
                    continue
                db.add(ConsultationSession(
                    professional_id=pattern.professional, kind=pattern.kind,
                    starts_at=starts_at, length_minutes=pattern.length,
                    capacity=pattern.capacity, booked_count=0, mode=pattern.mode,
                    status="active", pattern_key=key))
                report.sessions_created += 1
                continue
            if row.status != "active":
                continue
            changed = False
            if row.length_minutes != pattern.length or row.mode != pattern.mode:
                row.length_minutes, row.mode = pattern.length, pattern.mode
                changed = True
            if row.capacity != pattern.capacity:
                if row.booked_count > pattern.capacity:
                    report.warnings.append(
                        f"session {row.id} ({key}) already has {row.booked_count} bookings; "
                        f"its capacity stays at {row.booked_count}, not {pattern.capacity}")
                # atomic, so a booking made meanwhile cannot break the CHECK
                db.execute(update(ConsultationSession)
                           .where(ConsultationSession.id == row.id)
                           .values(capacity=case(
                               (ConsultationSession.booked_count > pattern.capacity,
                                ConsultationSession.booked_count),
                               else_=pattern.capacity))
                           .execution_options(synchronize_session=False))
                changed = True
            if changed:
                report.sessions_updated += 1
    for key, row in existing.items():
        if key in wanted or row.status != "active":
            continue
        bookings = db.execute(select(Booking.status).where(Booking.session_id == row.id)).all()
        if any(status == "booked" for (status,) in bookings):
            report.warnings.append(
                f"session {row.id} ({key}) is no longer in the directory but has bookings: "
                f"cancel it with `admin cancel-session {row.id} --reason ...`")
        elif bookings:
            row.status = "cancelled"
            row.cancel_reason = "removed from the directory"
            row.cancelled_at = now
            report.sessions_removed += 1
        else:
            db.delete(row)
            report.sessions_removed += 1
    db.flush()
