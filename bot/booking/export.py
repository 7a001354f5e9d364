"""Exporting a professional's bookings: CSV for a spreadsheet, iCalendar for
their calendar (RFC 5545: CRLF lines folded at 75 octets, times in UTC)."""
from __future__ import annotations

import csv
import io
from collections import OrderedDict
from datetime import datetime, timezone
from typing import Iterable, List, Optional

from bot import clock

from .service import BookingView, ProfessionalView

CSV_FIELDS = ["reference", "status", "cancelled_by", "date", "start", "end", "length_minutes",
              "kind", "mode", "professional", "practitioner_name", "practitioner_role",
              "setting", "contact", "topic", "booked_at", "session_id"]


def _cell(value) -> str:
    """Text that a spreadsheet will not run as a formula."""
    text = "" if value is None else str(value)
    if text[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + text
    return text


def bookings_csv(bookings: Iterable[BookingView]) -> str:
    """CSV (UTF-8 text, header row; local Welsh dates and times)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_FIELDS)
    for b in bookings:
        start, end = b.start.astimezone(clock.LONDON), b.end.astimezone(clock.LONDON)
        writer.writerow([_cell(v) for v in (
            b.reference, b.status, b.cancelled_by or "", start.strftime("%Y-%m-%d"),
            start.strftime("%H:%M"), end.strftime("%H:%M"), b.length_minutes, b.kind, b.mode,
            b.professional_name, b.name, b.role, b.setting, b.contact, b.topic,
            b.created_at.astimezone(clock.LONDON).strftime("%Y-%m-%d %H:%M"), b.session_id)])
    return out.getvalue()


def _escape(text: str) -> str:
    return (str(text).replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
            .replace("\r\n", "\\n").replace("\n", "\\n").replace("\r", "\\n"))


def _fold(line: str) -> List[str]:
    """Split a content line into pieces of at most 75 octets (RFC 5545 3.1)."""
    pieces, current, size = [], "", 0
    limit = 75
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > limit:
            pieces.append(current)
            current, size, limit = " ", 1, 75
        current += char
        size += width
    pieces.append(current)
    return pieces


def _utc(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y%m%dT%H%M%SZ")


_KIND = {"consultation": "Consultation", "drop_in": "Drop-in"}
_MODE = {"phone": "phone", "video": "video", "in_person": "in person"}


def bookings_ics(bookings: Iterable[BookingView],
                 professional: Optional[ProfessionalView] = None,
                 now: Optional[datetime] = None, domain: str = "nest-bot") -> str:
    """An iCalendar file with one event per session that has bookings.

    A session whose bookings were all cancelled (or that the service
    cancelled) is exported with ``STATUS:CANCELLED`` and the same ``UID``,
    so re-importing the file removes it from the calendar.
    """
    now = now or clock.now()
    sessions: "OrderedDict[int, List[BookingView]]" = OrderedDict()
    for b in sorted(bookings, key=lambda b: (b.start, b.session_id, b.reference)):
        if b.status == "moved":
            continue
        sessions.setdefault(b.session_id, []).append(b)
    name = professional.name if professional else "link professional"
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:-//{domain}//bookings//EN",
             "CALSCALE:GREGORIAN", "METHOD:PUBLISH",
             f"X-WR-CALNAME:{_escape('NEST bookings: ' + name)}"]
    for session_id, items in sessions.items():
        first = items[0]
        booked = [b for b in items if b.status == "booked"]
        cancelled = not booked or first.session.status == "cancelled"
        kind = _KIND.get(first.kind, first.kind)
        if first.kind == "consultation" and booked:
            summary = f"{kind} ({_MODE.get(first.mode, first.mode)}): {booked[0].name}, " \
                      f"{booked[0].setting}"
        else:
            summary = f"{kind} ({_MODE.get(first.mode, first.mode)}): {len(booked)} booked"
        if cancelled:
            summary = "Cancelled: " + summary
        details = []
        for b in (booked or items):
            details.append(f"{b.reference} {b.name} ({b.role}, {b.setting}) - contact "
                           f"{b.contact} - topic: {b.topic}"
                           + (f" [cancelled by {b.cancelled_by}]" if b.status == "cancelled"
                              else ""))
        if first.session.cancel_reason:
            details.append(f"Session cancelled: {first.session.cancel_reason}")
        lines += ["BEGIN:VEVENT",
                  f"UID:session-{session_id}@{domain}",
                  f"DTSTAMP:{_utc(now)}",
                  f"DTSTART:{_utc(first.start)}",
                  f"DTEND:{_utc(first.end)}",
                  f"SUMMARY:{_escape(summary)}",
                  f"DESCRIPTION:{_escape(chr(10).join(details))}",
                  f"STATUS:{'CANCELLED' if cancelled else 'CONFIRMED'}",
                  "TRANSP:OPAQUE",
                  "END:VEVENT"]
    lines.append("END:VCALENDAR")
    return "".join(piece + "\r\n" for line in lines for piece in _fold(line))
