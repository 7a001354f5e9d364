"""The booking service: what the conversation and the admin command call.

Integrity is the database's job, not the chat's:

- a session's ``booked_count`` has ``CHECK (booked_count <= capacity)`` and
  is raised by a conditional ``UPDATE ... SET booked_count = booked_count + 1
  WHERE id = :id AND booked_count < capacity AND status = 'active' AND
  starts_at >= :cutoff`` in the same transaction as the booking insert.  On
  PostgreSQL (READ COMMITTED) a concurrent updater of the same row waits for
  the row lock and re-checks the WHERE against the committed row, so at most
  ``capacity`` updates succeed; on SQLite every write transaction starts with
  ``BEGIN IMMEDIATE`` and so runs one at a time.  The loser gets
  :class:`SessionFull`.
- confirming twice with the same ``idempotency_key`` in a conversation
  returns the first booking: ``UNIQUE (conversation_id, idempotency_key)``
  makes a concurrent duplicate fail and roll back its place, then the
  existing booking is returned.
- transactions that touch several rows lock sessions first (in id order) and
  bookings after, so a practitioner's cancel and an operator's session
  cancel cannot deadlock.
"""
from __future__ import annotations

import re
import secrets
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Callable, Dict, Iterator, List, Optional, Tuple, Union

from sqlalchemy import and_, delete, exists, func, or_, select, update
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from bot import clock as _clock
from bot.datafile import pick

from . import validation
from .db import WRITE
from .errors import (BookingUnavailable, InvalidDetails, NotActive, NotFound, NotYours,
                     SessionFull, SessionUnavailable)
from .matching import rank
from .models import KINDS, Booking, BookingDraft, ConsultationSession, Professional, Setting
from .when import TimeWindow

REFERENCE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"   # no 0/O, 1/I/L
REFERENCE_PREFIX = "NB-"
_MAX_ATTEMPTS = 5


def new_reference() -> str:
    return REFERENCE_PREFIX + "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(4))


def normalise_reference(text: str) -> Optional[str]:
    """``"nb 7k3q"``, ``"NB-7K3Q"``, ``"7k3q"`` -> ``"NB-7K3Q"``; None if not one."""
    compact = re.sub(r"[\s\-_.]+", "", str(text or "")).upper()
    if len(compact) == 6 and compact.startswith("NB"):
        compact = compact[2:]
    if len(compact) != 4 or any(c not in REFERENCE_ALPHABET for c in compact):
        return None
    return REFERENCE_PREFIX + compact


# --- views ----------------------------------------------------------------------

@dataclass(frozen=True)
class ProfessionalView:
    id: str
    name: str
    role: str                       # English; see role_in()
    team: str
    languages: Tuple[str, ...]
    areas: Tuple[str, ...]
    roles: Dict[str, str] = field(default_factory=dict, compare=False, hash=False)
    teams: Dict[str, str] = field(default_factory=dict, compare=False, hash=False)

    def role_in(self, language: str) -> str:
        return pick(self.roles, language) or self.role

    def team_in(self, language: str) -> str:
        return pick(self.teams, language) or self.team

    def as_payload(self, language: str = "en") -> dict:
        return {"id": self.id, "name": self.name, "role": self.role_in(language),
                "team": self.team_in(language), "languages": list(self.languages)}


@dataclass(frozen=True)
class SettingView:
    id: str
    name: str
    type: str
    area: str
    link_professional_id: str
    aliases: Tuple[str, ...] = ()

    def as_payload(self) -> dict:
        return {"id": self.id, "name": self.name, "type": self.type, "area": self.area,
                "link_professional": self.link_professional_id}


@dataclass(frozen=True)
class SessionView:
    session_id: int
    professional_id: str
    professional_name: str
    professional_role: str          # English; see role_in()
    start: datetime                 # Europe/London, aware
    length_minutes: int
    kind: str                       # consultation | drop_in
    mode: str                       # phone | video | in_person
    capacity: int
    places_left: int
    status: str = "active"          # active | cancelled
    cancel_reason: Optional[str] = None
    professional_roles: Dict[str, str] = field(default_factory=dict, compare=False, hash=False)

    @property
    def end(self) -> datetime:
        return self.start + timedelta(minutes=self.length_minutes)

    def role_in(self, language: str) -> str:
        return pick(self.professional_roles, language) or self.professional_role

    def as_payload(self, language: str = "en") -> dict:
        """The session as DESIGN.md contract 1 carries it in a ``booking`` payload."""
        return {"session_id": self.session_id,
                "professional": self.professional_name,
                "professional_id": self.professional_id,
                "role": self.role_in(language),
                "start": self.start.isoformat(),
                "end": self.end.isoformat(),
                "length": self.length_minutes,
                "kind": self.kind,
                "mode": self.mode,
                "places_left": self.places_left,
                "status": self.status}


@dataclass(frozen=True)
class BookingView:
    booking_id: int
    reference: str
    status: str                     # booked | cancelled | moved
    cancelled_by: Optional[str]     # practitioner | service
    cancel_reason: Optional[str]
    session: SessionView
    name: str
    role: str
    setting: str
    contact: str
    topic: str
    conversation_id: str
    created_at: datetime            # Europe/London
    moved_to_reference: Optional[str] = None

    # the session's fields, for convenience
    session_id = property(lambda self: self.session.session_id)
    professional_id = property(lambda self: self.session.professional_id)
    professional_name = property(lambda self: self.session.professional_name)
    professional_role = property(lambda self: self.session.professional_role)
    start = property(lambda self: self.session.start)
    end = property(lambda self: self.session.end)
    length_minutes = property(lambda self: self.session.length_minutes)
    kind = property(lambda self: self.session.kind)
    mode = property(lambda self: self.session.mode)
    places_left = property(lambda self: self.session.places_left)

    @property
    def cancelled_by_service(self) -> bool:
        """The service cancelled the session: tell the practitioner so."""
        return self.status == "cancelled" and self.cancelled_by == "service"

    def as_payload(self, language: str = "en", include_details: bool = False) -> dict:
        """For a ``booking`` payload.  The practitioner's name and contact are
        left out unless asked for (payloads end up in the tracker store)."""
        payload = self.session.as_payload(language)
        payload["session_status"] = payload.pop("status")
        payload.update({"reference": self.reference, "status": self.status,
                        "cancelled_by": self.cancelled_by, "reason": self.cancel_reason,
                        "setting": self.setting, "topic": self.topic})
        if self.moved_to_reference:
            payload["moved_to"] = self.moved_to_reference
        if include_details:
            payload.update({"name": self.name, "role_of_practitioner": self.role,
                            "contact": self.contact})
        return payload


def _professional_view(p: Professional) -> ProfessionalView:
    return ProfessionalView(id=p.id, name=p.name, role=pick(p.role, "en"),
                            team=pick(p.team, "en"), languages=tuple(p.languages or ()),
                            areas=tuple(p.areas or ()), roles=dict(p.role or {}),
                            teams=dict(p.team or {}))


def _setting_view(s: Setting) -> SettingView:
    return SettingView(id=s.id, name=s.name, type=s.type, area=s.area,
                       link_professional_id=s.link_professional_id,
                       aliases=tuple(s.aliases or ()))


def _session_view(s: ConsultationSession, p: Professional) -> SessionView:
    places = 0 if s.status != "active" else max(0, s.capacity - s.booked_count)
    return SessionView(session_id=s.id, professional_id=p.id, professional_name=p.name,
                       professional_role=pick(p.role, "en"),
                       start=s.starts_at.astimezone(_clock.LONDON),
                       length_minutes=s.length_minutes, kind=s.kind, mode=s.mode,
                       capacity=s.capacity, places_left=places, status=s.status,
                       cancel_reason=s.cancel_reason, professional_roles=dict(p.role or {}))


# --- the service ----------------------------------------------------------------

class BookingService:
    """Bookings of link professionals' sessions.

    ``session_factory`` makes SQLAlchemy sessions (see
    :func:`bot.booking.db.make_session_factory`); ``clock`` returns the aware
    current time (``bot.clock.now`` honours ``NEST_NOW``); sessions starting
    sooner than ``lead_time`` are neither offered nor bookable.
    """

    def __init__(self, session_factory, *, lead_time: timedelta = timedelta(hours=2),
                 clock: Callable[[], datetime] = _clock.now):
        self._factory = session_factory
        self.lead_time = lead_time
        self._clock = clock

    # -- plumbing --

    def now(self) -> datetime:
        return self._clock().astimezone(timezone.utc)

    @contextmanager
    def _db(self, write: bool = False) -> Iterator:
        """A session in a transaction; database trouble -> BookingUnavailable."""
        try:
            with self._factory() as db:
                if write:
                    db.connection(execution_options=WRITE)
                yield db
                db.commit()
        except IntegrityError:
            raise
        except (DBAPIError, PoolTimeout) as exc:
            detail = getattr(exc, "orig", None) or exc
            raise BookingUnavailable(f"booking database unavailable: {detail}") from exc

    # -- directory look-ups --

    def find_settings(self, query: str, limit: int = 5) -> List[SettingView]:
        """Settings whose name (or alias) is close to ``query``, best first."""
        if not query or not str(query).strip():
            return []
        with self._db() as db:
            rows = db.execute(select(Setting).where(Setting.active.is_(True))).scalars().all()
            ranked = rank(query, ((row, [row.name, *(row.aliases or [])]) for row in rows))
            return [_setting_view(row) for _, row in ranked[:limit]]

    def setting(self, setting_id: str) -> Optional[SettingView]:
        with self._db() as db:
            row = db.get(Setting, setting_id)
            return _setting_view(row) if row is not None else None

    def professionals(self) -> List[ProfessionalView]:
        with self._db() as db:
            rows = db.execute(select(Professional).where(Professional.active.is_(True))
                              .order_by(Professional.name)).scalars().all()
            return [_professional_view(row) for row in rows]

    def professional(self, professional_id: str) -> Optional[ProfessionalView]:
        with self._db() as db:
            row = db.get(Professional, professional_id)
            return _professional_view(row) if row is not None else None

    def professionals_for_setting(self, setting_query: str
                                  ) -> Tuple[Optional[SettingView], List[ProfessionalView]]:
        """The best-matching setting and its professionals: its named link
        professional first, then those covering its area, then the others.
        With no matching setting: ``(None, all professionals by name)``."""
        matches = self.find_settings(setting_query, limit=1)
        everyone = self.professionals()
        if not matches:
            return None, everyone
        found = matches[0]

        def order(p: ProfessionalView):
            if p.id == found.link_professional_id:
                return (0, p.name)
            return (1 if found.area in p.areas else 2, p.name)

        return found, sorted(everyone, key=order)

    # -- sessions --

    def _cutoff(self) -> datetime:
        return self.now() + self.lead_time

    def available_sessions(self, *, professional_id: Optional[str] = None,
                           setting_id: Optional[str] = None, kind: Optional[str] = None,
                           window: Optional[TimeWindow] = None,
                           limit: int = 5) -> List[SessionView]:
        """The next sessions with a free place, soonest first.

        Never offers a session starting within the lead time.  ``setting_id``
        keeps the sessions of the setting's link professional and of the
        professionals covering its area.
        """
        if kind is not None and kind not in KINDS:
            raise ValueError(f"kind must be one of {KINDS}")
        start = self._cutoff()
        if window is not None:
            start = max(start, window.start.astimezone(timezone.utc))
        S, P = ConsultationSession, Professional
        with self._db() as db:
            query = (select(S, P).join(P, S.professional_id == P.id)
                     .where(S.status == "active", P.active.is_(True),
                            S.booked_count < S.capacity, S.starts_at >= start)
                     .order_by(S.starts_at, S.id))
            if window is not None and window.end is not None:
                query = query.where(S.starts_at < window.end)
            if professional_id is not None:
                query = query.where(S.professional_id == professional_id)
            if kind is not None:
                query = query.where(S.kind == kind)
            if setting_id is not None:
                setting = db.get(Setting, setting_id)
                if setting is None:
                    return []
                ids = [p.id for p in db.execute(select(P)).scalars()
                       if p.id == setting.link_professional_id or setting.area in (p.areas or ())]
                query = query.where(S.professional_id.in_(ids))
            out: List[SessionView] = []
            batch, offset = max(limit * 4, 50), 0
            while len(out) < limit:
                rows = db.execute(query.limit(batch).offset(offset)).all()
                for s, p in rows:
                    if window is None or window.contains(s.starts_at):
                        out.append(_session_view(s, p))
                        if len(out) >= limit:
                            break
                if len(rows) < batch:
                    break
                offset += batch
            return out

    def get_session(self, session_id: int) -> Optional[SessionView]:
        with self._db() as db:
            row = db.execute(select(ConsultationSession, Professional)
                             .join(Professional)
                             .where(ConsultationSession.id == session_id)).first()
            return _session_view(*row) if row else None

    def alternatives(self, session_id: int, limit: int = 3) -> List[SessionView]:
        """Free sessions to offer when ``session_id`` could not be booked: the
        same professional and kind first, then the same kind with anyone."""
        wanted = self.get_session(session_id)
        if wanted is None:
            return self.available_sessions(limit=limit)
        same = [s for s in self.available_sessions(professional_id=wanted.professional_id,
                                                   kind=wanted.kind, limit=limit + 1)
                if s.session_id != session_id]
        if len(same) < limit:
            seen = {s.session_id for s in same} | {session_id}
            same += [s for s in self.available_sessions(kind=wanted.kind, limit=limit * 2)
                     if s.session_id not in seen][:limit - len(same)]
        return same[:limit]

    def upcoming_sessions(self, *, professional_id: Optional[str] = None,
                          days: Optional[int] = None,
                          include_cancelled: bool = True) -> List[SessionView]:
        """All sessions from now (full ones too), for operators."""
        now = self.now()
        S, P = ConsultationSession, Professional
        query = (select(S, P).join(P, S.professional_id == P.id)
                 .where(S.starts_at >= now).order_by(S.starts_at, S.id))
        if professional_id:
            query = query.where(S.professional_id == professional_id)
        if days is not None:
            query = query.where(S.starts_at < now + timedelta(days=days))
        if not include_cancelled:
            query = query.where(S.status == "active")
        with self._db() as db:
            return [_session_view(s, p) for s, p in db.execute(query).all()]

    # -- bookings --

    def _booking_view(self, db, booking: Booking) -> BookingView:
        session = db.get(ConsultationSession, booking.session_id)
        professional = db.get(Professional, session.professional_id)
        moved_to = db.get(Booking, booking.moved_to_id).reference \
            if booking.moved_to_id else None
        return BookingView(booking_id=booking.id, reference=booking.reference,
                           status=booking.status, cancelled_by=booking.cancelled_by,
                           cancel_reason=booking.cancel_reason,
                           session=_session_view(session, professional), name=booking.name,
                           role=booking.role, setting=booking.setting_name,
                           contact=booking.contact, topic=booking.topic,
                           conversation_id=booking.conversation_id,
                           created_at=booking.created_at.astimezone(_clock.LONDON),
                           moved_to_reference=moved_to)

    def _by_key(self, conversation_id: str, key: str) -> Optional[BookingView]:
        with self._db() as db:
            row = db.execute(select(Booking).where(Booking.conversation_id == conversation_id,
                                                   Booking.idempotency_key == key)).scalar()
            return self._booking_view(db, row) if row is not None else None

    def _why_not(self, db, session_id: int, cutoff: datetime) -> Exception:
        row = db.get(ConsultationSession, session_id, populate_existing=True)
        if row is None:
            return SessionUnavailable(session_id, "not_found")
        if row.status != "active":
            return SessionUnavailable(session_id, "cancelled")
        if row.starts_at < cutoff:
            return SessionUnavailable(session_id, "too_soon")
        professional = db.get(Professional, row.professional_id)
        if professional is None or not professional.active:
            return SessionUnavailable(session_id, "inactive")
        return SessionFull(session_id)

    @staticmethod
    def _take_place(db, session_id: int, cutoff: datetime) -> bool:
        S = ConsultationSession
        active_professional = exists().where(Professional.id == S.professional_id,
                                             Professional.active.is_(True))
        result = db.execute(update(S)
                            .where(S.id == session_id, S.status == "active",
                                   S.booked_count < S.capacity, S.starts_at >= cutoff,
                                   active_professional)
                            .values(booked_count=S.booked_count + 1)
                            .execution_options(synchronize_session=False))
        return result.rowcount == 1

    @staticmethod
    def _give_back_place(db, session_id: int) -> None:
        S = ConsultationSession
        db.execute(update(S).where(S.id == session_id, S.booked_count > 0)
                   .values(booked_count=S.booked_count - 1)
                   .execution_options(synchronize_session=False))

    @staticmethod
    def _lock_sessions(db, *session_ids: int) -> None:
        """Row-lock sessions in id order (PostgreSQL; SQLite's BEGIN IMMEDIATE
        already holds the database write lock)."""
        if db.bind.dialect.name == "sqlite":
            return
        for session_id in sorted(set(session_ids)):
            db.execute(select(ConsultationSession.id)
                       .where(ConsultationSession.id == session_id).with_for_update())

    @staticmethod
    def _ids(conversation_id, idempotency_key=None) -> Tuple[str, Optional[str]]:
        conversation_id = str(conversation_id or "").strip()
        if not conversation_id:
            raise ValueError("conversation_id is required")
        if idempotency_key is not None:
            idempotency_key = str(idempotency_key).strip()
            if not idempotency_key:
                raise ValueError("idempotency_key must not be empty")
        return conversation_id, idempotency_key

    def book(self, session_id: int, *, name: str, role: str,
             setting: Union[str, SettingView], contact: str, topic: str,
             conversation_id: str, idempotency_key: str) -> BookingView:
        """Book a place; returns the booking (the same one again for a repeated
        ``idempotency_key`` in this conversation).

        Raises :class:`SessionFull`, :class:`SessionUnavailable`,
        :class:`InvalidDetails`, :class:`IdentifyingDetails`,
        :class:`BookingUnavailable`.
        """
        conversation_id, key = self._ids(conversation_id, idempotency_key)
        if key is None:
            raise ValueError("idempotency_key is required")
        existing = self._by_key(conversation_id, key)
        if existing is not None:
            return existing
        details = dict(name=validation.check_name(name), role=validation.check_role(role),
                       contact=validation.check_contact(contact),
                       topic=validation.check_topic(topic))
        if isinstance(setting, SettingView):
            setting_id, setting_name = setting.id, setting.name
        else:
            setting_id, setting_name = None, validation.check_setting(setting)
        for attempt in range(_MAX_ATTEMPTS):
            try:
                with self._db(write=True) as db:
                    if setting_id is None:
                        setting_id = db.execute(
                            select(Setting.id).where(func.lower(Setting.name)
                                                     == setting_name.lower())).scalar()
                    if not self._take_place(db, session_id, self._cutoff()):
                        raise self._why_not(db, session_id, self._cutoff())
                    now = self.now()
                    booking = Booking(reference=new_reference(), session_id=session_id,
                                      setting_name=setting_name, setting_id=setting_id,
                                      status="booked", conversation_id=conversation_id,
                                      idempotency_key=key, created_at=now, updated_at=now,
                                      **details)
                    db.add(booking)
                    db.flush()
                    view = self._booking_view(db, booking)
                return view
            except IntegrityError:
                # Either the same confirmation arrived twice at once (return
                # the booking the other one made) or the reference was taken.
                existing = self._by_key(conversation_id, key)
                if existing is not None:
                    return existing
                if attempt == _MAX_ATTEMPTS - 1:
                    raise BookingUnavailable("could not allocate a booking reference")
            except (SessionFull, SessionUnavailable):
                existing = self._by_key(conversation_id, key)
                if existing is not None:
                    return existing
                raise
        raise BookingUnavailable("could not save the booking")  # pragma: no cover

    def _owned(self, db, reference: str, conversation_id: str) -> Booking:
        """The booking ``reference`` of this conversation, following moves to
        the booking it became."""
        normal = normalise_reference(reference)
        if normal is None:
            raise NotFound(str(reference))
        row = db.execute(select(Booking).where(Booking.reference == normal)).scalar()
        if row is None:
            raise NotFound(normal)
        if row.conversation_id != conversation_id:
            raise NotYours(normal)
        seen = set()
        while row.status == "moved" and row.moved_to_id and row.id not in seen:
            seen.add(row.id)
            row = db.get(Booking, row.moved_to_id)
        return row

    def booking(self, reference: str, conversation_id: str) -> BookingView:
        """One booking of this conversation (NotFound / NotYours)."""
        conversation_id, _ = self._ids(conversation_id)
        with self._db() as db:
            return self._booking_view(db, self._owned(db, reference, conversation_id))

    def bookings_for(self, conversation_id: str, include_past: bool = False
                     ) -> List[BookingView]:
        """What this conversation has booked, soonest first: current bookings
        and those the service cancelled (``cancelled_by_service``); not the
        ones the practitioner cancelled or moved away from."""
        conversation_id, _ = self._ids(conversation_id)
        now = self.now()
        B, S = Booking, ConsultationSession
        query = (select(B).join(S, B.session_id == S.id)
                 .where(B.conversation_id == conversation_id,
                        or_(B.status == "booked",
                            and_(B.status == "cancelled", B.cancelled_by == "service")))
                 .order_by(S.starts_at, B.id))
        if not include_past:
            query = query.where(S.starts_at > now - timedelta(hours=12))
        with self._db() as db:
            views = [self._booking_view(db, row) for row in db.execute(query).scalars()]
        if not include_past:
            views = [v for v in views if v.end > now]
        return views

    def cancel(self, reference: str, conversation_id: str) -> BookingView:
        """Cancel a booking of this conversation and free its place.
        Cancelling an already cancelled booking returns it unchanged.
        Raises NotFound, NotYours, NotActive (the session has started)."""
        conversation_id, _ = self._ids(conversation_id)
        with self._db() as db:
            row = self._owned(db, reference, conversation_id)
            booking_id, session_id, status = row.id, row.session_id, row.status
            if status != "booked":
                return self._booking_view(db, row)
            session = db.get(ConsultationSession, session_id)
            if session.starts_at <= self.now():
                raise NotActive(row.reference, "past")
        with self._db(write=True) as db:
            self._lock_sessions(db, session_id)
            now = self.now()
            result = db.execute(update(Booking)
                                .where(Booking.id == booking_id, Booking.status == "booked")
                                .values(status="cancelled", cancelled_by="practitioner",
                                        cancelled_at=now, updated_at=now)
                                .execution_options(synchronize_session=False))
            if result.rowcount == 1:
                self._give_back_place(db, session_id)
            return self._booking_view(db, db.get(Booking, booking_id, populate_existing=True))

    def move(self, reference: str, new_session_id: int, conversation_id: str,
             idempotency_key: str) -> BookingView:
        """Move a booking to another session, atomically: the new place is
        taken and the old one freed in one transaction, or nothing changes.
        Returns the new booking (a new reference; the old booking is
        ``moved`` and points to it).  Repeating with the same key returns the
        same new booking.  Raises NotFound, NotYours, NotActive, SessionFull,
        SessionUnavailable (``same_session`` when it is already there)."""
        conversation_id, key = self._ids(conversation_id, idempotency_key)
        if key is None:
            raise ValueError("idempotency_key is required")
        existing = self._by_key(conversation_id, key)
        if existing is not None:
            return existing
        for attempt in range(_MAX_ATTEMPTS):
            with self._db() as db:
                old = self._owned(db, reference, conversation_id)
                old_id, old_session_id, old_ref = old.id, old.session_id, old.reference
                if old.status != "booked":
                    raise NotActive(old_ref, old.status)
                if db.get(ConsultationSession, old_session_id).starts_at <= self.now():
                    raise NotActive(old_ref, "past")
                if old_session_id == new_session_id:
                    raise SessionUnavailable(new_session_id, "same_session")
            try:
                with self._db(write=True) as db:
                    self._lock_sessions(db, old_session_id, new_session_id)
                    now = self.now()
                    marked = db.execute(update(Booking)
                                        .where(Booking.id == old_id, Booking.status == "booked")
                                        .values(status="moved", updated_at=now)
                                        .execution_options(synchronize_session=False))
                    if marked.rowcount != 1:
                        raise NotActive(old_ref, "changed")
                    if not self._take_place(db, new_session_id, self._cutoff()):
                        raise self._why_not(db, new_session_id, self._cutoff())
                    self._give_back_place(db, old_session_id)
                    old = db.get(Booking, old_id, populate_existing=True)
                    new = Booking(reference=new_reference(), session_id=new_session_id,
                                  name=old.name, role=old.role, setting_name=old.setting_name,
                                  setting_id=old.setting_id, contact=old.contact,
                                  topic=old.topic, status="booked",
                                  conversation_id=conversation_id, idempotency_key=key,
                                  created_at=now, updated_at=now)
                    db.add(new)
                    db.flush()
                    old.moved_to_id = new.id
                    db.flush()
                    view = self._booking_view(db, new)
                return view
            except IntegrityError:
                existing = self._by_key(conversation_id, key)
                if existing is not None:
                    return existing
                if attempt == _MAX_ATTEMPTS - 1:
                    raise BookingUnavailable("could not allocate a booking reference")
            except (SessionFull, SessionUnavailable, NotActive):
                existing = self._by_key(conversation_id, key)
                if existing is not None:
                    return existing
                raise
        raise BookingUnavailable("could not move the booking")  # pragma: no cover

    # -- operators --

    def cancel_session(self, session_id: int, reason: str) -> List[BookingView]:
        """Cancel a session for the service; its bookings become ``cancelled``
        by the service with ``reason`` (the practitioner sees that when they
        list their bookings).  Returns those bookings (to notify people).
        Cancelling again returns the same list."""
        reason = re.sub(r"\s+", " ", str(reason or "")).strip()
        if not reason:
            raise InvalidDetails("reason", "say why the session is cancelled", "reason_missing")
        if len(reason) > 300:
            raise InvalidDetails("reason", "at most 300 characters", "reason_too_long")
        S, B = ConsultationSession, Booking
        with self._db(write=True) as db:
            self._lock_sessions(db, session_id)
            now = self.now()
            changed = db.execute(update(S).where(S.id == session_id, S.status == "active")
                                 .values(status="cancelled", cancel_reason=reason,
                                         cancelled_at=now, booked_count=0)
                                 .execution_options(synchronize_session=False))
            if changed.rowcount != 1 and db.get(S, session_id) is None:
                raise SessionUnavailable(session_id, "not_found")
            if changed.rowcount == 1:
                db.execute(update(B).where(B.session_id == session_id, B.status == "booked")
                           .values(status="cancelled", cancelled_by="service",
                                   cancel_reason=reason, cancelled_at=now, updated_at=now)
                           .execution_options(synchronize_session=False))
            rows = db.execute(select(B).where(B.session_id == session_id,
                                              B.cancelled_by == "service")
                              .order_by(B.id)).scalars().all()
            return [self._booking_view(db, row) for row in rows]

    def bookings_for_professional(self, professional_id: str, *, include_past: bool = False,
                                  include_cancelled: bool = False) -> List[BookingView]:
        """A professional's bookings, soonest first (for the admin command)."""
        B, S = Booking, ConsultationSession
        query = (select(B).join(S, B.session_id == S.id)
                 .where(S.professional_id == professional_id).order_by(S.starts_at, B.id))
        if not include_cancelled:
            query = query.where(B.status == "booked")
        else:
            query = query.where(B.status != "moved")
        if not include_past:
            query = query.where(S.starts_at >= self.now())
        with self._db() as db:
            return [self._booking_view(db, row) for row in db.execute(query).scalars()]

    # -- contact drafts (held server-side while the booking form runs) --

    DRAFT_LIFETIME = timedelta(days=1)

    def save_contact(self, conversation_id: str, contact: str) -> str:
        """Validate and hold a practitioner's contact until they confirm.

        The conversation store redacts contact details, so the booking form
        keeps them here.  Returns the normalised contact; raises InvalidDetails.
        """
        contact = validation.check_contact(contact)
        with self._db(write=True) as db:
            row = db.get(BookingDraft, str(conversation_id))
            if row is None:
                db.add(BookingDraft(conversation_id=str(conversation_id), contact=contact,
                                    updated_at=self.now()))
            else:
                row.contact, row.updated_at = contact, self.now()
        return contact

    def draft_contact(self, conversation_id: str) -> Optional[str]:
        """The contact held for this conversation, if any and not expired."""
        with self._db() as db:
            row = db.get(BookingDraft, str(conversation_id))
            if row is None or row.updated_at < self.now() - self.DRAFT_LIFETIME:
                return None
            return row.contact

    def clear_draft(self, conversation_id: str) -> None:
        with self._db(write=True) as db:
            db.execute(delete(BookingDraft).where(BookingDraft.conversation_id == str(conversation_id)))

    def purge_drafts(self) -> int:
        """Retention: drafts older than a day are deleted."""
        with self._db(write=True) as db:
            result = db.execute(delete(BookingDraft)
                                .where(BookingDraft.updated_at < self.now() - self.DRAFT_LIFETIME))
            return int(result.rowcount or 0)

    def purge_bookings(self, older_than: datetime) -> int:
        """Retention: delete every booking whose session ended before
        ``older_than``; returns how many were deleted."""
        if older_than.tzinfo is None:
            raise ValueError("older_than must be timezone-aware")
        B, S = Booking, ConsultationSession
        with self._db(write=True) as db:
            rows = db.execute(select(B.id, S.starts_at, S.length_minutes)
                              .join(S, B.session_id == S.id)
                              .where(S.starts_at < older_than)).all()
            ids = [bid for bid, start, length in rows
                   if start + timedelta(minutes=length) < older_than]
            for chunk in range(0, len(ids), 500):
                part = ids[chunk:chunk + 500]
                db.execute(update(B).where(B.moved_to_id.in_(part)).values(moved_to_id=None)
                           .execution_options(synchronize_session=False))
                db.execute(delete(B).where(B.id.in_(part))
                           .execution_options(synchronize_session=False))
            return len(ids)
