"""The service directory: who is open now, signposting and the emergency reply.

All time logic reads :func:`bot.clock.now` (Europe/London, fixed by
``NEST_NOW``) unless an ``at`` time is given. Every sentence a user reads comes
from the ``templates`` and ``safeguarding_steps`` of the services data file.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Dict, List, Optional, Tuple

from bot import clock
from bot.datafile import DataError, load_yaml, pick
from bot.services.hours import (BANK_AS_USUAL, BANK_CLOSED, BANK_UNPUBLISHED, DAY_KEYS, UTC, AlwaysOpen, Interval,
                                WeeklyHours, WhenClosed, closes_after, complement, opens_at_or_after)
from bot.services.loader import (AUDIENCES, CHANNELS, URGENCIES, Service, ServiceData,
                                 parse_services_file)

REPO = Path(__file__).resolve().parents[2]
DEFAULT_SERVICES_FILE = REPO / "data" / "services" / "services.yml"
ENV_VAR = "NEST_SERVICES_FILE"

LOOK_BACK = timedelta(days=2)
LOOK_AHEAD = timedelta(days=28)      # long enough for Christmas, Easter and any weekend


@dataclass
class Reply:
    text: str                        # ready to send, plain text, includes numbers
    payload: dict                    # DESIGN.md contract 1: {"kind": "signpost", ...}
    open_now: Optional[bool] = None  # consultation_status: is the consultation line open


@dataclass(frozen=True)
class Status:
    open_now: bool
    opens: Optional[datetime]        # next opening (== at when open), None if never within the horizon
    closes: Optional[datetime]       # when open: closing time, None if open past the horizon


class ServiceDirectory:
    def __init__(self, data: ServiceData):
        self.data = data
        self.path = data.path
        self.roles = data.roles
        self.steps = data.steps
        self.templates = data.templates
        self.holidays = data.holidays

    # ------------------------------------------------------------ look-ups
    @property
    def services(self) -> List[Service]:
        return [self.data.services[sid] for sid in self.data.order]

    def get(self, service_id: str) -> Service:
        try:
            return self.data.services[service_id]
        except KeyError:
            raise KeyError(f"no service {service_id!r} in {self.path}") from None

    def role(self, role: str) -> Service:
        return self.get(self.roles[role])

    def is_bank_holiday(self, day: date) -> bool:
        return day in self.holidays

    def bank_holiday_name(self, day: date, lang: str = "en") -> Optional[str]:
        name = self.holidays.name(day)
        return pick(name, lang) if name else None

    # ------------------------------------------------------------ opening hours
    @staticmethod
    def _at(at: Optional[datetime]) -> datetime:
        return (clock.to_london(at) if at is not None else clock.now()).astimezone(UTC)

    def _intervals(self, hours, start: datetime, end: datetime) -> List[Interval]:
        if isinstance(hours, AlwaysOpen):
            return [(start, end)]
        if isinstance(hours, WhenClosed):
            return complement(self._intervals(self.get(hours.other).hours, start, end), start, end)
        return hours.intervals(start, end, self.is_bank_holiday)

    def status(self, service_id: str, at: Optional[datetime] = None) -> Status:
        return self.status_of_hours(self.get(service_id).hours, at)

    def status_of_hours(self, hours, at: Optional[datetime] = None) -> Status:
        """Open now, until when, or when next open, for any hours of this file's
        kinds: a service's, or a local authority team's (bot.services.authorities),
        with this file's bank holidays."""
        at = self._at(at)
        end = at + LOOK_AHEAD
        intervals = self._intervals(hours, at - LOOK_BACK, end)
        closes = closes_after(intervals, at)
        if closes is not None:
            return Status(True, at, None if closes >= end else closes)
        return Status(False, opens_at_or_after(intervals, at), None)

    def is_open(self, service_id: str, at: Optional[datetime] = None) -> bool:
        return self.status(service_id, at).open_now

    def next_opening(self, service_id: str, at: Optional[datetime] = None) -> Optional[datetime]:
        """The first moment at or after ``at`` when the service is open (``at``
        itself when open now), in Europe/London; None if it does not open in
        the next four weeks."""
        opens = self.status(service_id, at).opens
        return opens.astimezone(clock.LONDON) if opens else None

    def next_closing(self, service_id: str, at: Optional[datetime] = None) -> Optional[datetime]:
        """When an open service next closes (None if closed now, or open round the clock)."""
        closes = self.status(service_id, at).closes
        return closes.astimezone(clock.LONDON) if closes else None

    # ------------------------------------------------------------ formatting
    def template(self, key: str, lang: str, **values) -> str:
        """A reply template of the services file, filled in."""
        return self._t(key, lang, **values)

    def _t(self, key: str, lang: str, **values) -> str:
        text = pick(self.templates[key], lang)
        return text.format(**values) if values else text

    def _words(self, key: str, lang: str) -> List[str]:
        return self._t(key, lang).split()

    def format_time(self, minutes: int, lang: str = "en") -> str:
        minutes %= 24 * 60
        if minutes == 0:
            return self._t("time_midnight", lang)
        if minutes == 12 * 60:
            return self._t("time_noon", lang)
        h, m = divmod(minutes, 60)
        hour = str((h - 1) % 12 + 1) + (f":{m:02d}" if m else "")
        return self._t("time_am" if h < 12 else "time_pm", lang, hour=hour)

    def format_when(self, moment: datetime, at: datetime, lang: str = "en") -> str:
        """"today at 7pm", "tomorrow at 8am", "on Monday at 9am", "on Tue 29 Dec at 9am"."""
        local, now_local = moment.astimezone(clock.LONDON), at.astimezone(clock.LONDON)
        time_text = self.format_time(local.hour * 60 + local.minute, lang)
        days = (local.date() - now_local.date()).days
        if days <= 0:
            return self._t("when_today", lang, time=time_text)
        if days == 1:
            return self._t("when_tomorrow", lang, time=time_text)
        if days < 7:
            return self._t("when_weekday", lang, weekday=self._words("weekday_names", lang)[local.weekday()],
                           time=time_text)
        return self._t("when_date", lang, weekday=self._words("weekday_short", lang)[local.weekday()],
                       day=local.day, month=self._words("month_short", lang)[local.month - 1], time=time_text)

    def _ranges_text(self, ranges, lang: str) -> str:
        sep = self._t("range_sep", lang)
        return self._t("list_sep", lang).join(
            self.format_time(r.start, lang) + sep + self.format_time(r.end, lang) for r in ranges)

    def hours_text(self, service_id: str, lang: str = "en") -> str:
        """A human summary: "24/7", "8am–midnight every day", "Mon–Fri 9am–5pm, closed on bank holidays"."""
        service = self.get(service_id)
        if service.hours_text:
            return pick(service.hours_text, lang)
        hours = service.hours
        if isinstance(hours, AlwaysOpen):
            return self._t("always_open", lang)
        if isinstance(hours, WhenClosed):   # no text given: describe by the other service
            return self.hours_text(hours.other, lang)
        assert isinstance(hours, WeeklyHours)
        short = self._words("weekday_short", lang)
        sep = self._t("range_sep", lang)
        parts: List[str] = []
        week = [hours.days.get(i, ()) for i in range(7)]
        if all(week[i] == week[0] for i in range(7)) and week[0]:
            parts.append(f"{self._ranges_text(week[0], lang)} {self._t('every_day', lang)}")
        else:
            i = 0
            while i < 7:
                j = i
                while j + 1 < 7 and week[j + 1] == week[i]:
                    j += 1
                if week[i]:
                    days = short[i] if i == j else short[i] + sep + short[j]
                    parts.append(f"{days} {self._ranges_text(week[i], lang)}")
                i = j + 1
        if hours.bank_holidays == BANK_CLOSED:
            parts.append(self._t("bank_holidays_closed", lang))
        elif hours.bank_holidays == BANK_UNPUBLISHED:
            parts.append(self._t("bank_holidays_unpublished", lang))
        elif hours.bank_holidays != BANK_AS_USUAL:
            parts.append(self._t("bank_holidays_hours", lang, ranges=self._ranges_text(hours.bank_holidays, lang)))
        return self._t("list_sep", lang).join(parts)

    def until_text(self, closes: datetime, at: datetime, lang: str = "en") -> str:
        """"10pm" when closing later today, else "tomorrow at 8:30am" and so on."""
        local = closes.astimezone(clock.LONDON)
        days = (local.date() - at.astimezone(clock.LONDON).date()).days
        if days == 0 or (days == 1 and local.hour == 0 and local.minute == 0):   # "until midnight"
            return self.format_time(local.hour * 60 + local.minute, lang)
        return self.format_when(closes, at, lang)

    def status_text(self, service_id: str, at: Optional[datetime] = None, lang: str = "en") -> str:
        """"Open now", "Open now, until 10pm" or "Closed — reopens tomorrow at 8am"."""
        at = self._at(at)
        text = self._status_text(service_id, at, lang)
        hours = self.get(service_id).hours
        if getattr(hours, "bank_holidays", None) == BANK_UNPUBLISHED \
                and self.is_bank_holiday(at.astimezone(clock.LONDON).date()):
            text += " — " + self._t("hours_may_differ", lang)
        return text

    def _status_text(self, service_id: str, at: datetime, lang: str) -> str:
        st = self.status(service_id, at)
        if st.open_now:
            if st.closes is not None and st.closes - at <= timedelta(hours=24):
                return self._t("open_until", lang, when=self.until_text(st.closes, at, lang))
            return self._t("open_now", lang)
        if st.opens is None:
            return self._t("closed_no_hours", lang)
        return self._t("closed_reopens", lang, when=self.format_when(st.opens, at, lang))

    def contacts_text(self, service: Service, lang: str = "en", with_web: bool = True) -> str:
        parts: List[str] = []
        if service.phone:
            parts.append(self._t("contact_phone_press", lang, phone=service.phone, press=service.press)
                         if service.press else self._t("contact_phone", lang, phone=service.phone))
        if service.text_number:
            parts.append(self._t("contact_text_keyword", lang, keyword=service.text_keyword, number=service.text_number)
                         if service.text_keyword else self._t("contact_text", lang, number=service.text_number))
        if service.textphone:
            parts.append(self._t("contact_textphone", lang, textphone=service.textphone))
        if service.email and with_web:
            parts.append(self._t("contact_email", lang, email=service.email))
        if service.web and (with_web or not parts):
            parts.append(self._t("contact_web", lang, web=service.web))
        text = self._t("contact_sep", lang).join(parts)
        if service.demo:
            text += " " + self._t("demo_marker", lang)
        return text

    def service_payload(self, service: Service, at: datetime, lang: str = "en") -> dict:
        st = self.status(service.id, at)
        return {
            "id": service.id,
            "name": pick(service.name, lang),
            "for_whom": pick(service.for_whom, lang),
            "phone": service.phone,
            "press": service.press,
            "text": service.text_number,
            "text_keyword": service.text_keyword,
            "web": service.web,
            "email": service.email,
            "open_now": st.open_now,
            "hours": self.hours_text(service.id, lang),
            "status": self.status_text(service.id, at, lang),
            "next_opening": None if st.open_now or st.opens is None else st.opens.astimezone(clock.LONDON).isoformat(),
            "languages": list(service.languages),
            "demo": service.demo,
        }

    def _service_block(self, service: Service, at: datetime, lang: str, with_whom: bool = True) -> str:
        lines = [self._t("service_line", lang, name=pick(service.name, lang),
                         status=self.status_text(service.id, at, lang), hours=self.hours_text(service.id, lang))]
        if with_whom:
            lines.append("  " + pick(service.for_whom, lang))
        lines.append("  " + self.contacts_text(service, lang))
        return "\n".join(lines)

    # ------------------------------------------------------------ selection
    @staticmethod
    def _fits_audience(service: Service, audience: Optional[str]) -> bool:
        return audience is None or audience in service.audiences or "anyone" in service.audiences

    @staticmethod
    def _fits_channel(service: Service, channel: Optional[str]) -> bool:
        return channel is None or channel in service.channels

    def _young_person_lines(self) -> List[Service]:
        """24/7 lines a young person can use themselves, young-person lines first."""
        role_ids = set(self.roles.values())
        lines = [s for s in self.services
                 if s.always_open and not s.emergency and s.id not in role_ids and "emergency" in s.urgency
                 and ("young_person" in s.audiences or "anyone" in s.audiences)]
        return sorted(lines, key=lambda s: "young_person" not in s.audiences)

    # ------------------------------------------------------------ replies
    def signpost(self, urgency: str = "routine", audience: Optional[str] = None, channel: Optional[str] = None,
                 at: Optional[datetime] = None, lang: str = "en", limit: int = 6) -> Reply:
        if urgency not in URGENCIES:
            raise ValueError(f"urgency must be one of {URGENCIES}, not {urgency!r}")
        if audience is not None and audience not in AUDIENCES:
            raise ValueError(f"audience must be one of {AUDIENCES} or None, not {audience!r}")
        if channel is not None and channel not in CHANNELS:
            raise ValueError(f"channel must be one of {CHANNELS} or None, not {channel!r}")
        at = self._at(at)
        fitting = [s for s in self.services
                   if urgency in s.urgency and self._fits_audience(s, audience) and self._fits_channel(s, channel)]
        statuses = {s.id: self.status(s.id, at) for s in fitting}
        open_ = self._language_first([s for s in fitting if statuses[s.id].open_now], lang)
        closed = self._language_first([s for s in fitting if not statuses[s.id].open_now], lang)
        chosen = (open_ + closed)[:max(limit, 1)]

        blocks = [self._t(f"signpost_header_{urgency}", lang)]
        extra: List[Service] = []
        if not fitting:
            blocks.append(self._t("signpost_none_fit", lang))
        blocks += [self._service_block(s, at, lang) for s in chosen]
        if fitting and not open_:
            reopening = [s for s in fitting if statuses[s.id].opens is not None]
            if reopening:
                first = min(reopening, key=lambda s: statuses[s.id].opens)
                blocks.append(self._t("signpost_none_open", lang, name=pick(first.name, lang),
                                      when=self.format_when(statuses[first.id].opens, at, lang)))
        if not open_:
            extra = [s for s in self.services if s.always_open and not s.emergency
                     and self._fits_audience(s, audience) and s not in chosen][:max(limit, 1)]
            if extra:
                blocks.append(self._t("signpost_always_open_header", lang))
                blocks += [self._service_block(s, at, lang) for s in extra]
        payload = {
            "kind": "signpost",
            "urgency": urgency,
            "audience": audience,
            "channel": channel,
            "at": at.astimezone(clock.LONDON).isoformat(),
            "services": [self.service_payload(s, at, lang) for s in chosen + extra],
        }
        return Reply(text="\n\n".join(blocks), payload=payload, open_now=bool(open_))

    @staticmethod
    def _language_first(services: List[Service], lang: str) -> List[Service]:
        """Services offered in the practitioner's language come first (stable),
        e.g. the Samaritans Welsh-language line and Meic for a Welsh speaker."""
        if lang == "en":
            return services
        return sorted(services, key=lambda s: lang not in s.languages)

    def childrens_services_now(self, at: Optional[datetime] = None) -> Service:
        """The day team when it is open, otherwise the out-of-hours duty team."""
        at = self._at(at)
        day = self.role("childrens_services_day")
        if self.is_open(day.id, at):
            return day
        ooh = self.role("childrens_services_out_of_hours")
        if self.is_open(ooh.id, at):
            return ooh
        # neither open (a gap in the operator's hours): the one that opens first
        opens = [(self.status(s.id, at).opens, i, s) for i, s in enumerate((day, ooh))]
        opens = [o for o in opens if o[0] is not None]
        return min(opens)[2] if opens else ooh

    def authority_team_text(self, authority, at: Optional[datetime] = None, lang: str = "en") -> Tuple[str, dict]:
        """Who to call at ``authority`` now, as a line and as a payload
        (bot.services.authorities.team_now); never a number no source confirms."""
        from bot.services.authorities import team_now
        at = self._at(at)
        now = team_now(authority, self, at)
        team = now.team
        values = {"authority": authority.name_in(lang), "team": pick(team.name, lang)}
        if not team.phone:
            text = self._t("authority_no_phone", lang, **values)
        elif now.open_now:
            status = self._t("open_now", lang)
            text = self._t("authority_team", lang, phone=team.phone, status=status, **values)
        else:
            when = self.format_when(now.opens, at, lang) if now.opens else "?"
            text = self._t("authority_closed", lang, phone=team.phone, when=when,
                           after_hours=pick(team.after_hours, lang) if team.after_hours else "",
                           **values).strip()
        if now.open_now is False and team.after_hours and not team.phone:
            text += "; " + pick(team.after_hours, lang)
        text = text.rstrip(". ")
        payload = {"authority": authority.id, "name": authority.name_in(lang),
                   "team": now.which, "team_name": pick(team.name, lang), "phone": team.phone,
                   "open_now": now.open_now, "confirmed": authority.confirmed,
                   "source": list(team.sources), "checked": team.checked.isoformat()}
        return text, payload

    def emergency_reply(self, at: Optional[datetime] = None, lang: str = "en", *,
                        level: str = "emergency", authority=None, rules=()) -> Reply:
        """The safeguarding reply at its level (DESIGN.md, safety layer).

        ``emergency``: 999 first, then what to do now; ``urgent``: act today,
        no 999 banner (a closing line says 999 if things change).  The
        children's services line names ``authority``'s team open at the time
        (bot.services.authorities); with no authority known it says to use the
        authority where the concern arose, and the payload asks which
        (``ask_authority``).  Steps marked ``only_for_rules`` appear when one
        of those risk rules fired (the FGM duty)."""
        if level not in ("emergency", "urgent"):
            raise ValueError(f"level must be emergency or urgent, not {level!r}")
        at = self._at(at)
        if authority is not None:
            team_text, team_payload = self.authority_team_text(authority, at, lang)
        else:
            team_text, team_payload = self._t("authority_unknown", lang), None
        steps = self._steps_for(level, rules)
        texts = [pick(st.text, lang).format(childrens_services=team_text) for st in steps]
        lines_ = self._young_person_lines()
        lines_block = "\n".join(f"• {pick(sv.name, lang)}{self._language_note(sv, lang)}: "
                                f"{self.contacts_text(sv, lang, with_web=False)}" for sv in lines_)
        # the last step introduces the 24/7 lines
        if level == "emergency":
            parts = [texts[0], self._t("emergency_header", lang),
                     "\n".join(f"• {text}" for text in texts[1:-1]), texts[-1], lines_block]
        else:
            parts = [self._t("urgent_header", lang), "\n".join(f"• {text}" for text in texts[:-1]),
                     texts[-1], lines_block, self._t("urgent_footer", lang)]
        emergency = self.role("emergency")
        services = ([emergency] if level == "emergency" else []) + lines_
        payload = {
            "kind": "signpost",
            "urgency": level,
            "safeguarding": level,
            "at": at.astimezone(clock.LONDON).isoformat(),
            "steps": [{"id": st.id, "text": text,
                       "detail": pick(st.detail, lang) if st.detail else None,
                       "source": pick(st.source_title, lang) if st.source_title else None,
                       "url": st.source_url}
                      for st, text in zip(steps, texts)],
            "childrens_services": team_payload,
            "ask_authority": authority is None,
            "services": [self.service_payload(sv, at, lang) for sv in services],
        }
        return Reply(text="\n\n".join(p for p in parts if p), payload=payload, open_now=None)

    def _language_note(self, service: Service, lang: str) -> str:
        """" (Saesneg)" after a line that does not answer in the reader's language."""
        if lang == "en" or lang in service.languages:
            return ""
        note = self._t("english_only", lang)
        return f" {note}" if note else ""

    def _steps_for(self, level: str, rules=()) -> list:
        """The safeguarding steps of a reply at ``level``; a step marked
        ``only_for_rules`` only when one of those risk rules fired."""
        fired = set(rules or ())
        return [st for st in self.steps if level in st.levels
                and (not st.only_for_rules or fired & set(st.only_for_rules))]

    def safeguarding_detail(self, level: str = "emergency", lang: str = "en", rules=()) -> str:
        """The "More detail" text: each step's detail and its source."""
        out = []
        for st in self._steps_for(level, rules):
            if not st.detail:
                continue
            line = f"• {pick(st.detail, lang)}"
            if st.source_title:
                line += f" ({pick(st.source_title, lang)}: {st.source_url})"
            out.append(line)
        return "\n".join(out)

    def consultation_status(self, at: Optional[datetime] = None, lang: str = "en") -> Reply:
        at = self._at(at)
        line = self.role("consultation_line")
        st = self.status(line.id, at)
        name = pick(line.name, lang)
        parts: List[str] = []
        holiday = self.bank_holiday_name(at.astimezone(clock.LONDON).date(), lang)
        if holiday:
            parts.append(self._t("bank_holiday_today", lang, name=holiday))
        open_others: List[Service] = []
        if st.open_now:
            contacts = self.contacts_text(line, lang)
            if st.closes is not None:
                until = self.until_text(st.closes, at, lang)
                parts.append(self._t("consultation_open", lang, name=name, until=until, contacts=contacts))
            else:
                parts.append(self._t("consultation_open_no_until", lang, name=name, contacts=contacts))
        else:
            if st.opens is None:
                parts.append(self._t("consultation_never", lang, name=name))
            else:
                parts.append(self._t("consultation_closed", lang, name=name,
                                     when=self.format_when(st.opens, at, lang), hours=self.hours_text(line.id, lang)))
            open_others = [s for s in self.services
                           if s.id != line.id and not s.emergency and "urgent" in s.urgency
                           and self._fits_audience(s, "professional") and self.is_open(s.id, at)][:5]
            if open_others:
                parts.append(self._t("consultation_open_now_header", lang))
                parts += [self._service_block(s, at, lang) for s in open_others]
        payload = {
            "kind": "signpost",
            "urgency": "routine",
            "at": at.astimezone(clock.LONDON).isoformat(),
            "consultation": {
                "id": line.id,
                "open_now": st.open_now,
                "closes": st.closes.astimezone(clock.LONDON).isoformat() if st.open_now and st.closes else None,
                "reopens": st.opens.astimezone(clock.LONDON).isoformat() if not st.open_now and st.opens else None,
            },
            "services": [self.service_payload(s, at, lang) for s in [line] + open_others],
        }
        return Reply(text="\n\n".join(parts), payload=payload, open_now=st.open_now)


# ---------------------------------------------------------------- loading
def services_file(path: Path | str | None = None) -> Path:
    return Path(path or os.environ.get(ENV_VAR) or DEFAULT_SERVICES_FILE)


def load_directory(path: Path | str | None = None) -> ServiceDirectory:
    """Load and validate the services file (default ``data/services/services.yml``;
    the environment variable ``NEST_SERVICES_FILE`` overrides it)."""
    path = services_file(path)
    return ServiceDirectory(parse_services_file(path, load_yaml(path)))


_cache: Dict[Tuple[str, float], ServiceDirectory] = {}


def get_directory() -> ServiceDirectory:
    """The directory for the configured file, reloaded when the file changes."""
    path = services_file()
    try:
        key = (str(path.resolve()), path.stat().st_mtime)
    except OSError:
        raise DataError(path, "file not found") from None
    if key not in _cache:
        _cache.clear()
        _cache[key] = load_directory(path)
    return _cache[key]
