"""Welsh local authorities' children's services contacts (issue 14, item 4).

``data/services/local_authorities.yml`` (DESIGN.md contract 4) lists the 22
authorities, each with its children's services day team and its out-of-hours
emergency duty team: phone, hours, the public source and the date checked.
A phone of ``null`` means no source confirmed one: the bot then names the
council and tells the practitioner to use its published number, never a guess.

Hours use the format of services.yml (parsed by the same code).  Some duty
teams cover only part of the night and hand over to the police after (their
``after_hours`` text says what happens then); a bank holiday is out of hours.

:func:`team_now` picks the team to call at a moment (``NEST_NOW``): the day
team while it is open, else the duty team while it is open, else the one that
opens first, with its ``after_hours`` note.  The file is validated with
pydantic; an error names the file, line, authority and field.
"""
from __future__ import annotations

import os
import threading
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple, Union

from pydantic import BaseModel, Extra, ValidationError, validator

from bot import clock
from bot.datafile import DataError, line_of, load_yaml, pick, pydantic_error

REPO = Path(__file__).resolve().parents[2]
DEFAULT_FILE = REPO / "data" / "services" / "local_authorities.yml"
ENV_FILE = "NEST_AUTHORITIES_FILE"

_PHONE_CHARS = set("0123456789 ")


class _Strict(BaseModel):
    class Config:
        extra = Extra.forbid


class Texts(_Strict):
    en: str
    cy: Optional[str] = None

    @validator("en", "cy")
    def _non_empty(cls, value):
        if value is not None and not value.strip():
            raise ValueError("must not be empty")
        return value


class VerifiedModel(_Strict):
    source: Union[str, List[str]]
    date: date
    note: str = ""

    @validator("source")
    def _url(cls, value):
        urls = [value] if isinstance(value, str) else value
        if not urls or not all(u.startswith(("http://", "https://")) for u in urls):
            raise ValueError("must be an http(s) address, or a list of them")
        return tuple(urls)


class TeamModel(_Strict):
    name: Texts
    phone: Optional[str]
    hours: Optional[Dict[str, Any]]
    after_hours: Optional[Texts] = None
    verified: VerifiedModel

    @validator("phone")
    def _phone(cls, value):
        if value is not None and (not set(value) <= _PHONE_CHARS or len(value.replace(" ", "")) < 3):
            raise ValueError("must be digits and spaces as people dial it, or null when unconfirmed")
        return value


class AuthorityModel(_Strict):
    id: str
    name: Texts
    area_names: List[str]
    day: TeamModel
    out_of_hours: TeamModel
    confirmed: bool
    demo: bool = False

    @validator("id")
    def _id(cls, value):
        if not value.replace("_", "").isalnum() or value.lower() != value:
            raise ValueError("must be lower case letters, digits and underscores")
        return value


class FileModel(_Strict):
    version: int
    checked: date
    local_authorities: List[AuthorityModel]


@dataclass(frozen=True)
class Team:
    name: dict
    phone: Optional[str]
    hours: Any                          # WeeklyHours, or None when not published
    after_hours: Optional[dict]
    sources: Tuple[str, ...]
    checked: date
    note: str


@dataclass(frozen=True)
class Authority:
    id: str
    name: dict
    area_names: tuple
    day: Team
    out_of_hours: Team
    confirmed: bool
    demo: bool = False

    def name_in(self, lang: str) -> str:
        return pick(self.name, lang)


@dataclass(frozen=True)
class TeamNow:
    """Who to call about a child at risk at one moment."""
    authority: Authority
    team: Team
    which: str                          # day | out_of_hours
    open_now: bool
    opens: Optional[datetime]           # when it (re)opens, if closed


def _error(path: Path, data: Any, exc: ValidationError) -> DataError:
    return pydantic_error(path, data, exc, "local_authorities")


def _hours(path: Path, node: Any, entry: str, which: str):
    """Parse a team's hours with the services file's own rules (None when unpublished)."""
    from bot.services.loader import _parse_hours
    if node.get("hours") is None:
        return None
    try:
        return _parse_hours(path, node, entry)
    except DataError as exc:
        raise DataError(path, exc.message, line=exc.line, entry=entry,
                        field=f"{which}.{exc.field}") from None


def load_authorities(path: Path | str | None = None) -> Dict[str, Authority]:
    path = Path(path or os.environ.get(ENV_FILE) or DEFAULT_FILE)
    data = load_yaml(path)
    try:
        parsed = FileModel.parse_obj(data)
    except ValidationError as exc:
        raise _error(path, data, exc) from None
    out: Dict[str, Authority] = {}
    for index, model in enumerate(parsed.local_authorities):
        node = data["local_authorities"][index]
        if model.id in out:
            raise DataError(path, "is used by an earlier authority too",
                            line=line_of(node, "id"), entry=model.id, field="id")
        teams = {}
        for which in ("day", "out_of_hours"):
            m = getattr(model, which)
            teams[which] = Team(name=m.name.dict(exclude_none=True), phone=m.phone,
                                hours=_hours(path, node[which], model.id, which),
                                after_hours=m.after_hours.dict(exclude_none=True) if m.after_hours else None,
                                sources=tuple(m.verified.source), checked=m.verified.date,
                                note=m.verified.note)
        if model.confirmed and not (teams["day"].phone and teams["out_of_hours"].phone):
            raise DataError(path, "is true but a phone is null: confirmed means both numbers are sourced",
                            line=line_of(node, "confirmed"), entry=model.id, field="confirmed")
        out[model.id] = Authority(id=model.id, name=model.name.dict(exclude_none=True),
                                  area_names=tuple(model.area_names), day=teams["day"],
                                  out_of_hours=teams["out_of_hours"], confirmed=model.confirmed,
                                  demo=model.demo)
    return out


_lock = threading.Lock()
_cache: Dict[str, Dict[str, Authority]] = {}


def get_authorities() -> Dict[str, Authority]:
    """The authorities of the configured file, loaded once per process."""
    key = str(os.environ.get(ENV_FILE) or DEFAULT_FILE)
    with _lock:
        if key not in _cache:
            _cache[key] = load_authorities(key)
        return _cache[key]


def find_authority(text: str) -> Optional[Authority]:
    """The authority whose id, name or area name ``text`` is (case-insensitive)."""
    wanted = " ".join(str(text or "").lower().replace("-", " ").split())
    if not wanted:
        return None
    for authority in get_authorities().values():
        names = {authority.id.replace("_", " "), *(n.lower() for n in authority.name.values()),
                 *(n.lower().replace("-", " ") for n in authority.area_names)}
        if wanted in names:
            return authority
    return None


def team_now(authority: Authority, directory, at: Optional[datetime] = None) -> TeamNow:
    """The team to call now: the day team while open, else the duty team while
    open, else whichever opens first (a gap, or after a part-night duty team
    has handed over to the police)."""
    at = clock.to_london(at) if at is not None else clock.now()
    candidates = []
    for which in ("day", "out_of_hours"):
        team = getattr(authority, which)
        if team.hours is None:
            continue
        status = directory.status_of_hours(team.hours, at)
        if status.open_now:
            return TeamNow(authority, team, which, True, None)
        candidates.append((status.opens or datetime.max.replace(tzinfo=at.tzinfo), which, team))
    if not candidates:       # no published hours: the duty team out of office hours is a guess
        return TeamNow(authority, authority.out_of_hours, "out_of_hours", False, None)
    if authority.out_of_hours.after_hours:
        # a part-night duty team that has handed over: its note says who answers now
        opens = next((c[0] for c in candidates if c[1] == "out_of_hours"), None)
        return TeamNow(authority, authority.out_of_hours, "out_of_hours", False, opens)
    opens, which, team = min(candidates, key=lambda c: c[0])
    return TeamNow(authority, team, which, False, opens)
