"""Load and validate ``data/services/services.yml`` (DESIGN.md contract 4).

Every problem is reported as a :class:`bot.datafile.DataError` naming the
file, the line, the service id and the field (``hours.mon``, ``verified.date``...).
"""
from __future__ import annotations

import re
import string
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

from bot.datafile import DataError, LANGUAGES, Located, as_date, line_of
from bot.services.holidays import BankHolidays, ExtraHoliday, MovedHoliday
from bot.services.hours import (BANK_AS_USUAL, BANK_CLOSED, BANK_UNPUBLISHED, DAY_KEYS, MINUTES_PER_DAY, AlwaysOpen,
                                TimeRange, WeeklyHours, WhenClosed, parse_range)

AUDIENCES = ("young_person", "parent", "professional", "anyone")
URGENCIES = ("emergency", "urgent", "routine")
CHANNELS = ("phone", "text", "chat", "email", "textphone")
ROLES = ("emergency", "consultation_line", "childrens_services_day", "childrens_services_out_of_hours")
HOLIDAY_KEYS = ("new_year", "good_friday", "easter_monday", "early_may", "spring", "summer",
                "christmas", "boxing_day", "substitute")

SERVICE_FIELDS = ("id", "name", "for_whom", "audiences", "phone", "press", "text", "web", "email",
                  "textphone", "languages", "hours", "hours_text", "hours_note", "emergency",
                  "urgency", "channels", "demo", "verified")
HOURS_KEYS = ("always_open", "when_closed", "daily", "bank_holidays") + DAY_KEYS

# Each template and the {placeholders} it must use, in every language.
TEMPLATE_FIELDS: Dict[str, set] = {
    "open_now": set(), "open_until": {"when"}, "closed_reopens": {"when"}, "closed_no_hours": set(),
    "always_open": set(), "every_day": set(), "bank_holidays_closed": set(),
    "bank_holidays_hours": {"ranges"}, "range_sep": set(), "list_sep": set(),
    "time_midnight": set(), "time_noon": set(), "time_am": {"hour"}, "time_pm": {"hour"},
    "when_today": {"time"}, "when_tomorrow": {"time"}, "when_weekday": {"weekday", "time"},
    "when_date": {"weekday", "day", "month", "time"},
    "weekday_names": set(), "weekday_short": set(), "month_short": set(),
    "contact_phone": {"phone"}, "contact_phone_press": {"phone", "press"},
    "contact_text": {"number"}, "contact_text_keyword": {"keyword", "number"},
    "contact_textphone": {"textphone"}, "contact_email": {"email"}, "contact_web": {"web"},
    "contact_sep": set(), "demo_marker": set(),
    "service_line": {"name", "status", "hours"},
    "signpost_header_routine": set(), "signpost_header_urgent": set(),
    "signpost_header_emergency": set(), "signpost_none_fit": set(),
    "signpost_none_open": {"name", "when"}, "signpost_always_open_header": set(),
    "emergency_header": set(), "emergency_childrens_services": {"name", "phone", "status"},
    "consultation_open": {"name", "until", "contacts"}, "consultation_open_no_until": {"name", "contacts"},
    "consultation_closed": {"name", "when", "hours"}, "consultation_never": {"name"},
    "consultation_open_now_header": set(), "bank_holiday_today": {"name"},
    "urgent_header": set(), "urgent_footer": set(), "hours_may_differ": set(),
    "bank_holidays_unpublished": set(), "english_only": set(),
    "authority_team": {"authority", "team", "phone", "status"},
    "authority_no_phone": {"authority", "team"},
    "authority_closed": {"authority", "team", "phone", "when", "after_hours"},
    "authority_unknown": set(), "authority_ask": set(),
}
WORD_LISTS = {"weekday_names": 7, "weekday_short": 7, "month_short": 12}
STEP_FIELDS = {"childrens_services"}
STEP_KEYS = ("id", "levels", "text", "detail", "source", "only_for_rules")
SAFEGUARDING_LEVELS = ("emergency", "urgent")

_ID = re.compile(r"^[a-z][a-z0-9_]*$")
_PHONE = re.compile(r"^\+?[0-9][0-9 ]*$")
_URL = re.compile(r"^https?://\S+$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@dataclass(frozen=True)
class Verified:
    sources: Tuple[str, ...]
    date: Optional[date]
    note: str = ""


@dataclass(frozen=True)
class Service:
    id: str
    name: dict
    for_whom: dict
    audiences: Tuple[str, ...]
    languages: Tuple[str, ...]
    hours: Any                          # WeeklyHours | AlwaysOpen | WhenClosed
    urgency: Tuple[str, ...]
    channels: Tuple[str, ...]
    phone: Optional[str] = None
    press: Optional[str] = None
    text_number: Optional[str] = None
    text_keyword: Optional[str] = None
    web: Optional[str] = None
    email: Optional[str] = None
    textphone: Optional[str] = None
    hours_text: Optional[dict] = None
    hours_note: Optional[dict] = None
    emergency: bool = False
    demo: bool = False
    verified: Optional[Verified] = None
    line: Optional[int] = None

    @property
    def always_open(self) -> bool:
        return isinstance(self.hours, AlwaysOpen)


@dataclass(frozen=True)
class SafeguardingStep:
    id: str
    text: dict
    levels: Tuple[str, ...] = ("emergency", "urgent")
    detail: Optional[dict] = None
    source_title: Optional[dict] = None
    source_url: Optional[str] = None
    only_for_rules: Tuple[str, ...] = ()


@dataclass
class ServiceData:
    path: str
    services: Dict[str, Service]
    roles: Dict[str, str]
    steps: List[SafeguardingStep]
    templates: Dict[str, dict]
    holidays: BankHolidays
    order: List[str] = field(default_factory=list)


# ------------------------------------------------------------------ helpers
def _err(path, node, key, entry, field_name, message) -> DataError:
    return DataError(path, message, line=line_of(node, key), entry=entry, field=field_name)




def _as_str(value: Any) -> Optional[str]:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (int, str)):
        text = str(value).strip()
        return text or None
    return None


def _placeholders(text: str) -> set:
    return {f for _, f, _, _ in string.Formatter().parse(text) if f}


def _word_list(path, node, key, entry, values: dict, count: int) -> None:
    for code, text in values.items():
        if len(text.split()) != count:
            raise _err(path, node, key, entry, key,
                       f"the {code!r} text must list {count} words separated by spaces")


# ------------------------------------------------------------------ hours
def _parse_ranges(path, node, key, entry, field_name, value) -> Tuple[TimeRange, ...]:
    if value in ("closed", None) or value == []:
        return ()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        raise _err(path, node, key, entry, field_name,
                   'must be a list of time ranges like ["09:00-17:00"], or closed')
    ranges = []
    for i, item in enumerate(value):
        try:
            ranges.append(parse_range(item))
        except ValueError as exc:
            raise DataError(path, f"bad time range: {exc}", line=line_of(value, i) or line_of(node, key),
                            entry=entry, field=field_name) from None
    spans = sorted((r.start, r.end + (MINUTES_PER_DAY if r.end <= r.start else 0)) for r in ranges)
    for (s1, e1), (s2, e2) in zip(spans, spans[1:]):
        if s2 < e1:
            raise _err(path, node, key, entry, field_name, "time ranges overlap; merge them into one")
    return tuple(ranges)


def _parse_hours(path, svc_node, entry) -> Any:
    if "hours" not in svc_node or svc_node["hours"] is None:
        raise _err(path, svc_node, None, entry, "hours", "is required but missing")
    node = svc_node["hours"]
    if not isinstance(node, dict):
        raise _err(path, svc_node, "hours", entry, "hours",
                   "must be a mapping: {always_open: true}, weekday hours, or {when_closed: <id>}")
    for key in node:
        if key not in HOURS_KEYS:
            raise _err(path, node, key, entry, f"hours.{key}",
                       f"unknown weekday or hours key {key!r} (use {', '.join(HOURS_KEYS)})")
    if "always_open" in node:
        if node["always_open"] is not True:
            raise _err(path, node, "always_open", entry, "hours.always_open", "must be true (or leave it out)")
        if len(node) > 1:
            raise _err(path, node, "always_open", entry, "hours",
                       "always_open cannot be combined with other hours")
        return AlwaysOpen()
    if "when_closed" in node:
        other = node["when_closed"]
        if not isinstance(other, str) or not other.strip():
            raise _err(path, node, "when_closed", entry, "hours.when_closed", "must be a service id")
        if len(node) > 1:
            raise _err(path, node, "when_closed", entry, "hours",
                       "when_closed cannot be combined with other hours")
        return WhenClosed(other.strip())
    days: Dict[int, Tuple[TimeRange, ...]] = {}
    if "daily" in node:
        daily = _parse_ranges(path, node, "daily", entry, "hours.daily", node["daily"])
        days = {i: daily for i in range(7)}
    for i, key in enumerate(DAY_KEYS):
        if key in node:
            days[i] = _parse_ranges(path, node, key, entry, f"hours.{key}", node[key])
    days = {i: r for i, r in days.items() if r}
    bank: Any = BANK_AS_USUAL
    if "bank_holidays" in node:
        value = node["bank_holidays"]
        if value in (BANK_AS_USUAL, BANK_CLOSED, BANK_UNPUBLISHED):
            bank = value
        elif isinstance(value, list):
            bank = _parse_ranges(path, node, "bank_holidays", entry, "hours.bank_holidays", value) or BANK_CLOSED
        else:
            raise _err(path, node, "bank_holidays", entry, "hours.bank_holidays",
                       "must be closed, as_usual, unpublished or a list of time ranges")
    if not days and not isinstance(bank, tuple):
        raise _err(path, svc_node, "hours", entry, "hours",
                   "no opening hours at all: give weekday ranges, always_open or when_closed")
    return WeeklyHours(days=days, bank_holidays=bank)


# ------------------------------------------------------------------ services
def _parse_service(path, node, index, services_node) -> Service:
    if not isinstance(node, dict):
        raise DataError(path, "each service must be a mapping of fields",
                        line=line_of(services_node, index), entry=f"#{index + 1}")
    raw_id = node.get("id")
    entry = str(raw_id) if raw_id is not None else f"#{index + 1}"
    loc = Located(path, node, entry)
    sid = loc.require("id", str).strip()
    if not _ID.match(sid):
        raise loc.error("must be lower-case letters, digits and _ , starting with a letter", "id")
    for key in node:
        if key not in SERVICE_FIELDS:
            raise loc.error(f"unknown field {key!r} (known fields: {', '.join(SERVICE_FIELDS)})", str(key))

    name = loc.text("name")
    for_whom = loc.text("for_whom")

    def listed(field_name: str, allowed: Tuple[str, ...], what: str) -> Tuple[str, ...]:
        values = loc.require(field_name, list)
        if not values:
            raise loc.error(f"must list at least one {what}", field_name)
        for i, value in enumerate(values):
            if value not in allowed:
                raise DataError(path, f"unknown {what} {value!r} (use one of {', '.join(allowed)})",
                                line=line_of(values, i) or line_of(node, field_name), entry=sid, field=field_name)
        if len(set(values)) != len(values):
            raise loc.error(f"lists the same {what} twice", field_name)
        return tuple(str(v) for v in values)

    audiences = listed("audiences", AUDIENCES, "audience")
    languages = listed("languages", LANGUAGES, "language")
    urgency = listed("urgency", URGENCIES, "urgency level")
    channels = listed("channels", CHANNELS, "channel")

    def contact(field_name: str, pattern: re.Pattern, example: str) -> Optional[str]:
        if node.get(field_name) is None:
            return None
        value = _as_str(node[field_name])
        if value is None or not pattern.match(value):
            raise loc.error(f"must look like {example}", field_name)
        return value

    phone = contact("phone", _PHONE, '"0800 1111"')
    press = contact("press", re.compile(r"^[0-9*#]+$"), '"2" (the option to press after dialling)')
    textphone = contact("textphone", _PHONE, '"18000"')
    web = contact("web", _URL, '"https://www.example.org"')
    email = contact("email", _EMAIL, '"help@example.org"')
    if press and not phone:
        raise loc.error("press needs a phone number to dial first", "press")

    text_number = text_keyword = None
    if node.get("text") is not None:
        value = node["text"]
        if isinstance(value, dict):
            for key in value:
                if key not in ("number", "keyword"):
                    raise _err(path, value, key, sid, f"text.{key}", "unknown field (use number and keyword)")
            text_number = _as_str(value.get("number"))
            if value.get("keyword") is not None:
                text_keyword = _as_str(value.get("keyword"))
                if not text_keyword:
                    raise _err(path, value, "keyword", sid, "text.keyword", "must be a word to text")
            if not text_number or not _PHONE.match(text_number):
                raise _err(path, value, "number" if "number" in value else None, sid, "text.number",
                           'must be the number to text, like "85258"')
        else:
            text_number = _as_str(value)
            if not text_number or not _PHONE.match(text_number):
                raise loc.error('must be a number to text, or {number: "85258", keyword: "SHOUT"}', "text")

    if not (phone or text_number or web):
        raise loc.error("needs at least one way to reach it, but phone, text and web are all missing", "phone")

    needs = {"phone": phone, "text": text_number, "email": email, "textphone": textphone, "chat": web}
    for i, channel in enumerate(channels):
        if not needs[channel]:
            wanted = "web" if channel == "chat" else channel
            raise DataError(path, f"channel {channel!r} is listed but the service has no {wanted}",
                            line=line_of(node["channels"], i), entry=sid, field="channels")

    hours = _parse_hours(path, node, sid)
    hours_text = loc.text("hours_text", required=False)
    hours_note = loc.text("hours_note", required=False)
    emergency = loc.optional("emergency", bool, False)
    demo = loc.optional("demo", bool, False)

    verified = None
    vnode = node.get("verified")
    if vnode is None:
        if not demo:
            raise loc.error("is required for every entry that is not demo: "
                            "{source: <url>, date: YYYY-MM-DD, note: ...}", "verified")
    else:
        if not isinstance(vnode, dict):
            raise loc.error("must be a mapping {source: <url>, date: YYYY-MM-DD, note: ...}", "verified")
        for key in vnode:
            if key not in ("source", "date", "note"):
                raise _err(path, vnode, key, sid, f"verified.{key}", "unknown field (use source, date, note)")
        sources: Tuple[str, ...] = ()
        src = vnode.get("source")
        if src is not None:
            items = src if isinstance(src, list) else [src]
            for i, item in enumerate(items):
                if not isinstance(item, str) or not _URL.match(item.strip()):
                    raise DataError(path, "must be the http(s) address of the page checked",
                                    line=(line_of(src, i) if isinstance(src, list) else None) or line_of(vnode, "source"),
                                    entry=sid, field="verified.source")
            sources = tuple(i.strip() for i in items)
        when = None
        if vnode.get("date") is not None:
            when = as_date(vnode["date"])
            if when is None:
                raise _err(path, vnode, "date", sid, "verified.date", "must be a date like 2026-11-23")
        note = vnode.get("note") or ""
        if not isinstance(note, str):
            raise _err(path, vnode, "note", sid, "verified.note", "must be text")
        if not demo:
            if not sources:
                raise _err(path, vnode, "source" if "source" in vnode else None, sid, "verified.source",
                           "is required: the public page the entry was checked against")
            if when is None:
                raise _err(path, vnode, "date" if "date" in vnode else None, sid, "verified.date",
                           "is required: the date the entry was verified (YYYY-MM-DD)")
        verified = Verified(sources, when, note.strip())

    return Service(
        id=sid, name=name, for_whom=for_whom, audiences=audiences, languages=languages, hours=hours,
        urgency=urgency, channels=channels, phone=phone, press=press, text_number=text_number,
        text_keyword=text_keyword, web=web, email=email, textphone=textphone, hours_text=hours_text,
        hours_note=hours_note, emergency=emergency, demo=demo, verified=verified,
        line=line_of(services_node, index))


# ------------------------------------------------------------------ sections
def _template_text(path, node, key) -> dict:
    """Like Located.text, but keeps leading/trailing spaces (separators such as " · ")."""
    value = node[key]
    if isinstance(value, str):
        value = {"en": value}
    if not isinstance(value, dict):
        raise _err(path, node, key, key, key, "must be a mapping of language code to text")
    out = {}
    for code, text in value.items():
        if code not in LANGUAGES:
            raise _err(path, node, key, key, key, f"unknown language code {code!r} (use one of {', '.join(LANGUAGES)})")
        if not isinstance(text, str) or not text.strip():
            raise _err(path, node, key, key, key, f"text for {code!r} must be non-empty")
        out[str(code)] = str(text)
    if "en" not in out:
        raise _err(path, node, key, key, key, "missing the 'en' text")
    return out


def _parse_templates(path, data) -> Dict[str, dict]:
    node = data.get("templates")
    if not isinstance(node, dict):
        raise DataError(path, "needs a 'templates' mapping", line=line_of(data, "templates") or 1, field="templates")
    out: Dict[str, dict] = {}
    for key in node:
        if key not in TEMPLATE_FIELDS:
            raise _err(path, node, key, str(key), str(key), "unknown template (see the list in bot/services/loader.py)")
    for key, wanted in TEMPLATE_FIELDS.items():
        if key not in node:
            raise DataError(path, "template is missing", line=line_of(data, "templates"), entry=key, field=key)
        texts = _template_text(path, node, key)
        for code, text in texts.items():
            found = _placeholders(text)
            if found != wanted:
                expected = ", ".join("{%s}" % w for w in sorted(wanted)) or "no placeholders"
                raise _err(path, node, key, key, key, f"the {code!r} text must use {expected}")
        if key in WORD_LISTS:
            _word_list(path, node, key, key, texts, WORD_LISTS[key])
        out[key] = texts
    return out


def _parse_steps(path, data) -> List[SafeguardingStep]:
    node = data.get("safeguarding_steps")
    if not isinstance(node, list) or not node:
        raise DataError(path, "needs a non-empty 'safeguarding_steps' list",
                        line=line_of(data, "safeguarding_steps") or 1, field="safeguarding_steps")
    steps: List[SafeguardingStep] = []
    seen = set()
    for i, item in enumerate(node):
        entry = str(item.get("id")) if isinstance(item, dict) and item.get("id") else f"step #{i + 1}"
        if not isinstance(item, dict):
            raise DataError(path, "each step needs an id and a text", line=line_of(node, i), entry=entry)
        loc = Located(path, item, entry)
        sid = loc.require("id", str).strip()
        if sid in seen:
            raise loc.error("the same step id is used twice", "id")
        seen.add(sid)
        text = loc.text("text")
        for code, value in text.items():
            extra = _placeholders(value) - STEP_FIELDS
            if extra:
                raise loc.error(f"unknown placeholder {{{sorted(extra)[0]}}} in the {code!r} text "
                                "(only {childrens_services} is filled in)", "text")
        for key in item:
            if key not in STEP_KEYS:
                raise loc.error(f"unknown field {key!r} (use {', '.join(STEP_KEYS)})", key)
        levels = item.get("levels", ["emergency", "urgent"])
        if not isinstance(levels, list) or not levels or any(lv not in SAFEGUARDING_LEVELS for lv in levels):
            raise loc.error(f"must be a list of {', '.join(SAFEGUARDING_LEVELS)}", "levels")
        detail = loc.text("detail") if "detail" in item else None
        title, url = None, None
        if "source" in item:
            source = item["source"]
            if not isinstance(source, dict) or not isinstance(source.get("url"), str) \
                    or not source["url"].startswith(("http://", "https://")):
                raise loc.error("must be {title: {en: ...}, url: https://...}", "source")
            title = Located(path, source, entry).text("title")
            url = source["url"]
        only = item.get("only_for_rules", [])
        if not isinstance(only, list) or not all(isinstance(r, str) for r in only):
            raise loc.error("must be a list of risk rule ids", "only_for_rules")
        steps.append(SafeguardingStep(sid, text, tuple(levels), detail, title, url, tuple(only)))
    emergency = [st for st in steps if "emergency" in st.levels]
    if not emergency or not re.search(r"\b999\b(?!bsl)", emergency[0].text["en"]):
        first = emergency[0] if emergency else steps[0]
        raise DataError(path, "the first emergency step must be the 999 step (its text must say 999)",
                        line=line_of(node, steps.index(first)), entry=first.id, field="text")
    return steps


def _parse_holidays(path, data) -> BankHolidays:
    node = data.get("bank_holidays")
    if not isinstance(node, dict):
        raise DataError(path, "needs a 'bank_holidays' mapping with names, moved and extra",
                        line=line_of(data, "bank_holidays") or 1, field="bank_holidays")
    names_node = node.get("names")
    if not isinstance(names_node, dict):
        raise _err(path, node, "names" if "names" in node else None, "bank_holidays", "names",
                   "must map each bank holiday to its name per language")
    names = {}
    for key in HOLIDAY_KEYS:
        names[key] = Located(path, names_node, entry="bank_holidays").text(key)
    for code, text in names["substitute"].items():
        if _placeholders(text) != {"name"}:
            raise _err(path, names_node, "substitute", "bank_holidays", "substitute",
                       f"the {code!r} text must use {{name}}")

    def day(item, key, entry, field_name) -> date:
        value = as_date(item.get(key)) if isinstance(item, dict) else None
        if value is None:
            raise _err(path, item if isinstance(item, dict) else node, key if isinstance(item, dict) and key in item else None,
                       entry, field_name, "must be a date like 2020-05-08")
        return value

    moved = []
    for i, item in enumerate(node.get("moved") or []):
        entry = f"bank_holidays.moved #{i + 1}"
        src = day(item, "from", entry, "from")
        dst = day(item, "to", entry, "to")
        name = Located(path, item, entry).text("name", required=False)
        moved.append(MovedHoliday(src, dst, name))
    extra = []
    for i, item in enumerate(node.get("extra") or []):
        entry = f"bank_holidays.extra #{i + 1}"
        extra.append(ExtraHoliday(day(item, "date", entry, "date"), Located(path, item, entry).text("name")))
    return BankHolidays(names, moved, extra)


def parse_services_file(path: Path | str, data: Any) -> ServiceData:
    path = str(path)
    if not isinstance(data, dict):
        raise DataError(path, "must be a mapping with roles, bank_holidays, safeguarding_steps, templates and services", line=1)
    services_node = data.get("services")
    if not isinstance(services_node, list) or not services_node:
        raise DataError(path, "needs a non-empty 'services' list", line=line_of(data, "services") or 1, field="services")
    services: Dict[str, Service] = {}
    order: List[str] = []
    for i, node in enumerate(services_node):
        svc = _parse_service(path, node, i, services_node)
        if svc.id in services:
            raise Located(path, node, svc.id).error("the same id is used by another service", "id")
        services[svc.id] = svc
        order.append(svc.id)

    for i, sid in enumerate(order):
        svc = services[sid]
        if isinstance(svc.hours, WhenClosed):
            node = services_node[i]["hours"]
            other = services.get(svc.hours.other)
            if other is None:
                raise _err(path, node, "when_closed", sid, "hours.when_closed",
                           f"no service has the id {svc.hours.other!r}")
            if other.id == sid or isinstance(other.hours, WhenClosed):
                raise _err(path, node, "when_closed", sid, "hours.when_closed",
                           "must name a service with its own weekly hours")

    roles_node = data.get("roles")
    if not isinstance(roles_node, dict):
        raise DataError(path, "needs a 'roles' mapping", line=line_of(data, "roles") or 1, field="roles")
    roles: Dict[str, str] = {}
    for role in ROLES:
        value = roles_node.get(role)
        if not isinstance(value, str) or value not in services:
            raise DataError(path, f"must name a service id (got {value!r})",
                            line=line_of(roles_node, role) if role in roles_node else line_of(data, "roles"),
                            entry="roles", field=role)
        roles[role] = value
    for key in roles_node:
        if key not in ROLES:
            raise _err(path, roles_node, key, "roles", str(key), f"unknown role (use {', '.join(ROLES)})")
    if not services[roles["emergency"]].emergency:
        raise _err(path, roles_node, "emergency", "roles", "emergency",
                   "must name the entry with emergency: true (999)")

    return ServiceData(path=path, services=services, roles=roles, steps=_parse_steps(path, data),
                       templates=_parse_templates(path, data), holidays=_parse_holidays(path, data),
                       order=order)
