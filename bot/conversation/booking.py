"""The booking conversation in plain Python (issue 3).

What the bot says at each step of booking, listing, cancelling and moving a
consultation, built from the booking service's views and the message texts
(data/texts/messages.yml).  Payloads follow DESIGN.md contract 1
(``kind: booking``).  The Rasa form and actions in actions/booking.py only
adapt these functions.
"""
from __future__ import annotations

import threading
from datetime import datetime
from typing import Iterable, List, Optional, Sequence

from bot.booking import (BookingService, BookingView, SessionView, create_engine_from_env,
                         make_session_factory, migrate)
from bot.conversation.messages import BotMessage, button
from bot.texts import t

_service: Optional[BookingService] = None
_lock = threading.Lock()

OTHERS = "others"   # the "someone else" choice among the offered sessions


def get_service() -> BookingService:
    """The process-wide booking service (NEST_DB_URL, default var/nest.db)."""
    global _service
    with _lock:
        if _service is None:
            engine = create_engine_from_env()
            migrate(engine)
            _service = BookingService(make_session_factory(engine))
        return _service


def reset_service(service: Optional[BookingService] = None) -> None:
    """Tests: use ``service`` (or a fresh one from the environment next time)."""
    global _service
    with _lock:
        _service = service


# -- formatting -------------------------------------------------------------

def _names(key: str, lang: str) -> List[str]:
    return t(key, lang).split()


def when_text(moment: datetime, lang: str = "en") -> str:
    """"Tuesday 24 November, 16:00" in the practitioner's language."""
    days, months = _names("format.weekdays", lang), _names("format.months", lang)
    return t("format.when", lang, weekday=days[moment.weekday()], day=moment.day,
             month=months[moment.month - 1], time=moment.strftime("%H:%M"))


def session_text(s: SessionView, lang: str = "en") -> str:
    return t("booking.session_line", lang, when=when_text(s.start, lang), minutes=s.length_minutes,
             kind=t(f"booking.kind.{s.kind}", lang), mode=t(f"booking.mode.{s.mode}", lang),
             professional=s.professional_name, role=s.role_in(lang))


def _session_button(s: SessionView, lang: str) -> dict:
    return button(t("booking.session_button", lang, when=when_text(s.start, lang),
                    professional=s.professional_name, kind=t(f"booking.kind.{s.kind}", lang)),
                  "choose_time", session_id=str(s.session_id))


def _payload(step: str, **extra) -> dict:
    return dict({"kind": "booking", "step": step}, **extra)


# -- steps --------------------------------------------------------------------

def offer(sessions: Sequence[SessionView], lang: str = "en", *, professional: Optional[str] = None,
          intro: Optional[str] = None, allow_others: bool = True) -> BotMessage:
    """The next free sessions as buttons (step ``offer``)."""
    if not sessions:
        text = (intro + "\n\n" if intro else "") + t("booking.none_free", lang)
        buttons = [button(t("booking.button.others", lang), "choose_time", session_id=OTHERS)] \
            if allow_others else []
        buttons.append(button(t("button.more_lines", lang), "ask_helpline"))
        return BotMessage(text, buttons, _payload("offer", sessions=[]))
    if intro is None:
        intro = (t("booking.offer_named", lang, professional=professional) if professional
                 else t("booking.offer_any", lang))
    lines = [intro, ""] + [f"- {session_text(s, lang)}" for s in sessions] + ["", t("booking.offer_hint", lang)]
    buttons = [_session_button(s, lang) for s in sessions]
    if allow_others:
        buttons.append(button(t("booking.button.others", lang), "choose_time", session_id=OTHERS))
    return BotMessage("\n".join(lines), buttons,
                      _payload("offer", sessions=[s.as_payload(lang) for s in sessions]))


def summary(session: SessionView, *, name: str, role: str, setting: str, contact: str,
            topic: str, lang: str = "en") -> BotMessage:
    """Everything that will be booked, before the practitioner confirms."""
    text = t("booking.summary", lang, session=session_text(session, lang), name=name, role=role,
             setting=setting, contact=contact, topic=topic)
    buttons = [button(t("booking.button.confirm", lang), "affirm"),
               button(t("booking.button.change_time", lang), "choose_time"),
               button(t("booking.button.stop", lang), "stop")]
    return BotMessage(text, buttons, _payload("confirm", session=session.as_payload(lang)))


def confirmed(booking: BookingView, lang: str = "en") -> BotMessage:
    text = t("booking.confirmed", lang, reference=booking.reference,
             session=session_text(booking.session, lang))
    buttons = [button(t("booking.button.list", lang), "list_bookings")]
    return BotMessage(text, buttons, _payload("confirmed", booking=booking.as_payload(lang)))


def taken(alternatives: Sequence[SessionView], lang: str = "en") -> BotMessage:
    """Someone else took the last place a moment ago: say so kindly, offer others."""
    message = offer(alternatives, lang, intro=t("booking.taken", lang))
    message.custom = _payload("unavailable", reason="session_full",
                              sessions=[s.as_payload(lang) for s in alternatives])
    return message


def unavailable_session(alternatives: Sequence[SessionView], lang: str = "en") -> BotMessage:
    message = offer(alternatives, lang, intro=t("booking.no_longer", lang))
    message.custom = _payload("unavailable", reason="session_unavailable",
                              sessions=[s.as_payload(lang) for s in alternatives])
    return message


def database_down(lang: str = "en") -> BotMessage:
    """The booking database cannot be reached: nothing is lost, try again."""
    return BotMessage(t("booking.db_down", lang),
                      [button(t("booking.button.retry", lang), "affirm"),
                       button(t("button.more_lines", lang), "ask_helpline")],
                      _payload("error", reason="unavailable"))


def booking_line(b: BookingView, lang: str = "en") -> str:
    line = f"{b.reference}: {session_text(b.session, lang)}"
    if b.cancelled_by_service:
        line += " " + t("booking.cancelled_by_service", lang, reason=b.cancel_reason or "")
    elif b.status == "cancelled":
        line += " " + t("booking.cancelled_tag", lang)
    return line


def listing(bookings: Iterable[BookingView], lang: str = "en") -> BotMessage:
    bookings = list(bookings)
    if not bookings:
        return BotMessage(t("booking.none_booked", lang),
                          [button(t("button.book", lang), "book_consultation")],
                          _payload("list", bookings=[]))
    lines = [t("booking.your_bookings", lang), ""] + [f"- {booking_line(b, lang)}" for b in bookings]
    buttons = []
    for b in bookings:
        if b.status == "booked":
            buttons.append(button(t("booking.button.cancel_ref", lang, reference=b.reference),
                                  "cancel_booking", booking_reference=b.reference))
            buttons.append(button(t("booking.button.move_ref", lang, reference=b.reference),
                                  "move_booking", booking_reference=b.reference))
    return BotMessage("\n".join(lines), buttons,
                      _payload("list", bookings=[b.as_payload(lang) for b in bookings]))


def choose_booking(bookings: Sequence[BookingView], action: str, lang: str = "en") -> BotMessage:
    """Which booking to cancel or move (``action`` is cancel_booking/move_booking)."""
    active = [b for b in bookings if b.status == "booked"]
    if not active:
        return listing(bookings, lang)
    key = "booking.button.cancel_ref" if action == "cancel_booking" else "booking.button.move_ref"
    text = "\n".join([t(f"booking.which_{action}", lang), ""] + [f"- {booking_line(b, lang)}" for b in active])
    buttons = [button(t(key, lang, reference=b.reference), action, booking_reference=b.reference)
               for b in active]
    return BotMessage(text, buttons, _payload("list", bookings=[b.as_payload(lang) for b in active]))


def cancelled(booking: BookingView, lang: str = "en") -> BotMessage:
    return BotMessage(t("booking.cancelled", lang, reference=booking.reference,
                        session=session_text(booking.session, lang)),
                      [button(t("button.book", lang), "book_consultation")],
                      _payload("cancelled", booking=booking.as_payload(lang)))


def moved(booking: BookingView, lang: str = "en") -> BotMessage:
    return BotMessage(t("booking.moved", lang, reference=booking.reference,
                        session=session_text(booking.session, lang)),
                      [button(t("booking.button.list", lang), "list_bookings")],
                      _payload("confirmed", booking=booking.as_payload(lang), moved=True))


def nothing_to_stop(lang: str = "en") -> BotMessage:
    """"Stop" when no booking or move is in progress: say so, and change nothing."""
    return BotMessage(t("booking.nothing_to_stop", lang),
                      [button(t("booking.button.list", lang), "list_bookings"),
                       button(t("button.capabilities", lang), "bot_capabilities")])


def not_found(reference: str, lang: str = "en") -> BotMessage:
    """Unknown reference, or another conversation's: the same answer for both."""
    return BotMessage(t("booking.not_found", lang, reference=reference),
                      [button(t("booking.button.list", lang), "list_bookings")],
                      _payload("error", reason="not_found"))
