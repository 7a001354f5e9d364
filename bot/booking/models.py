"""SQLAlchemy models of the booking domain.

The schema itself is created and changed only by :mod:`bot.booking.migrations`
(numbered migrations); these classes describe the current version of it, and a
test checks the two agree.

Times are stored as naive UTC and come back as aware UTC datetimes; the
service turns them into Europe/London for people.
"""
from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import (JSON, Boolean, CheckConstraint, Column, DateTime, ForeignKey, Index,
                        Integer, String, Text, UniqueConstraint)
from sqlalchemy.orm import declarative_base, relationship
from sqlalchemy.types import TypeDecorator

Base = declarative_base()

KINDS = ("consultation", "drop_in")
MODES = ("phone", "video", "in_person")
SETTING_TYPES = ("school", "youth_service", "early_years", "college", "other")
SESSION_STATUSES = ("active", "cancelled")
BOOKING_STATUSES = ("booked", "cancelled", "moved")
CANCELLED_BY = ("practitioner", "service")


def _in(column: str, values) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class UTCDateTime(TypeDecorator):
    """Aware datetimes in, naive UTC in the database, aware UTC out."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the booking database")
        return value.astimezone(timezone.utc).replace(tzinfo=None)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=timezone.utc)


class Professional(Base):
    __tablename__ = "professionals"

    id = Column(String(64), primary_key=True)
    name = Column(String(120), nullable=False)
    role = Column(JSON, nullable=False)          # {"en": ..., "cy": ...}
    team = Column(JSON, nullable=False)          # {"en": ..., "cy": ...}
    languages = Column(JSON, nullable=False)     # ["en", "cy"]
    areas = Column(JSON, nullable=False)         # ["Swansea West", ...]
    active = Column(Boolean, nullable=False, default=True)
    updated_at = Column(UTCDateTime, nullable=False, default=utcnow, onupdate=utcnow)

    sessions = relationship("ConsultationSession", back_populates="professional")


class Setting(Base):
    __tablename__ = "settings"

    id = Column(String(64), primary_key=True)
    name = Column(String(160), nullable=False)
    type = Column(String(20), nullable=False)
    area = Column(String(80), nullable=False)
    aliases = Column(JSON, nullable=False)       # other names people use for it
    link_professional_id = Column(String(64), ForeignKey("professionals.id"), nullable=False)
    active = Column(Boolean, nullable=False, default=True)
    updated_at = Column(UTCDateTime, nullable=False, default=utcnow, onupdate=utcnow)

    link_professional = relationship("Professional")

    __table_args__ = (CheckConstraint(_in("type", SETTING_TYPES), name="ck_settings_type"),)


class ConsultationSession(Base):
    """One bookable time of a professional: a consultation or a drop-in."""

    __tablename__ = "sessions"

    id = Column(Integer, primary_key=True, autoincrement=True)
    professional_id = Column(String(64), ForeignKey("professionals.id"), nullable=False)
    kind = Column(String(16), nullable=False)
    starts_at = Column(UTCDateTime, nullable=False)
    length_minutes = Column(Integer, nullable=False)
    capacity = Column(Integer, nullable=False)
    booked_count = Column(Integer, nullable=False, default=0)
    mode = Column(String(16), nullable=False)
    status = Column(String(16), nullable=False, default="active")
    cancel_reason = Column(Text)
    cancelled_at = Column(UTCDateTime)
    pattern_key = Column(String(200), unique=True)   # generated from a weekly pattern
    created_at = Column(UTCDateTime, nullable=False, default=utcnow)

    professional = relationship("Professional", back_populates="sessions")

    __table_args__ = (
        CheckConstraint("capacity >= 1", name="ck_sessions_capacity"),
        CheckConstraint("booked_count >= 0 AND booked_count <= capacity",
                        name="ck_sessions_booked_count"),
        CheckConstraint("length_minutes > 0", name="ck_sessions_length"),
        CheckConstraint(_in("kind", KINDS), name="ck_sessions_kind"),
        CheckConstraint(_in("mode", MODES), name="ck_sessions_mode"),
        CheckConstraint(_in("status", SESSION_STATUSES), name="ck_sessions_status"),
        Index("ix_sessions_status_start", "status", "starts_at"),
        Index("ix_sessions_professional_start", "professional_id", "starts_at"),
    )


class Booking(Base):
    __tablename__ = "bookings"

    id = Column(Integer, primary_key=True, autoincrement=True)
    reference = Column(String(12), nullable=False, unique=True)
    session_id = Column(Integer, ForeignKey("sessions.id"), nullable=False, index=True)
    name = Column(String(80), nullable=False)
    role = Column(String(80), nullable=False)
    setting_name = Column(String(160), nullable=False)
    setting_id = Column(String(64), ForeignKey("settings.id", ondelete="SET NULL"))
    contact = Column(String(254), nullable=False)
    topic = Column(String(200), nullable=False)
    status = Column(String(16), nullable=False, default="booked")
    cancelled_by = Column(String(16))
    cancel_reason = Column(Text)
    conversation_id = Column(String(255), nullable=False, index=True)
    idempotency_key = Column(String(255), nullable=False)
    moved_to_id = Column(Integer, ForeignKey("bookings.id", ondelete="SET NULL"))
    created_at = Column(UTCDateTime, nullable=False, default=utcnow)
    updated_at = Column(UTCDateTime, nullable=False, default=utcnow, onupdate=utcnow)
    cancelled_at = Column(UTCDateTime)

    session = relationship("ConsultationSession")
    moved_to = relationship("Booking", remote_side=[id])

    __table_args__ = (
        UniqueConstraint("conversation_id", "idempotency_key", name="uq_bookings_idempotency"),
        CheckConstraint(_in("status", BOOKING_STATUSES), name="ck_bookings_status"),
        CheckConstraint(f"cancelled_by IS NULL OR {_in('cancelled_by', CANCELLED_BY)}",
                        name="ck_bookings_cancelled_by"),
    )


class BookingDraft(Base):
    """A contact detail typed in the booking form, held until confirmation."""

    __tablename__ = "booking_drafts"

    conversation_id = Column(String(255), primary_key=True)
    contact = Column(String(254), nullable=False)
    updated_at = Column(UTCDateTime, nullable=False, default=utcnow, onupdate=utcnow)
