"""Errors the booking service raises.

Each error has a stable ``code`` the conversation layer maps to a kind,
translated message from its own data files; the English ``str()`` is for logs
and operators only.
"""
from __future__ import annotations

from typing import Iterable, Optional


class BookingError(Exception):
    """Base class of everything the booking service raises on purpose."""

    code = "booking_error"


class BookingUnavailable(BookingError):
    """The booking database cannot be reached, or stayed locked too long.

    Nothing was saved; the practitioner can try again in a moment.
    """

    code = "unavailable"


class SessionFull(BookingError):
    """Somebody else took the last place of this session first."""

    code = "session_full"

    def __init__(self, session_id: int):
        self.session_id = session_id
        super().__init__(f"session {session_id} has no places left")


class SessionUnavailable(BookingError):
    """The session cannot be booked: unknown, cancelled, past or too soon.

    ``reason`` is one of ``not_found``, ``cancelled``, ``too_soon`` (starts
    within the lead time, or already started), ``inactive`` (the professional
    no longer offers sessions) or ``same_session`` (moving to where it is).
    """

    code = "session_unavailable"

    def __init__(self, session_id: int, reason: str):
        self.session_id = session_id
        self.reason = reason
        super().__init__(f"session {session_id} cannot be booked: {reason}")


class InvalidDetails(BookingError):
    """One of the practitioner's details is missing or malformed.

    ``field`` is ``name``, ``role``, ``setting``, ``contact`` or ``topic``;
    ``reason`` a stable code such as ``contact_invalid`` or ``topic_too_long``.
    """

    code = "invalid_details"

    def __init__(self, field: str, message: str, reason: Optional[str] = None):
        self.field = field
        self.message = message
        self.reason = reason or f"{field}_invalid"
        super().__init__(f"{field}: {message}")


class IdentifyingDetails(BookingError):
    """The topic contains something that could identify a child or family.

    ``kinds`` lists what was found (e.g. ``["email", "nhs_number"]``), in the
    order first found, without the text itself.
    """

    code = "identifying_details"
    field = "topic"

    def __init__(self, kinds: Iterable[str]):
        self.kinds = list(dict.fromkeys(kinds))
        super().__init__("the topic looks like it contains identifying details: "
                         + ", ".join(self.kinds))


class NotFound(BookingError):
    """No booking has that reference (for this conversation)."""

    code = "not_found"

    def __init__(self, reference: str):
        self.reference = reference
        super().__init__(f"no booking {reference!r}")


class NotYours(NotFound):
    """The booking exists but was made in another conversation.

    A subclass of :class:`NotFound`, so a chat that does not want to reveal
    that a reference exists can treat both alike.
    """

    code = "not_yours"

    def __init__(self, reference: str):
        super().__init__(reference)
        self.args = (f"booking {reference!r} was made in another conversation",)


class NotActive(BookingError):
    """The booking can no longer be moved: it was cancelled (by the
    practitioner or the service) or its session has already started."""

    code = "not_active"

    def __init__(self, reference: str, status: str):
        self.reference = reference
        self.status = status
        super().__init__(f"booking {reference} is {status}")
