"""Find and redact personal identifiers in free text (issue 6, item 1).

Practitioners are asked never to type a child's details, but some will.  Before
a conversation is stored or logged, every identifier below is replaced by a
typed placeholder:

========== ===================================================== ===============
kind       what is recognised                                    placeholder
========== ===================================================== ===============
email      ``name@example.org``                                  ``[email]``
phone      UK numbers: ``07700 900123``, ``+44 7700 900123``,    ``[phone]``
           ``(029) 2087 0000``, ``01234-567890``, ``0800 123 4567``
dob        a date *introduced as a date of birth*: ``DOB          ``[dob]``
           03/04/2015``, ``born 3rd April 2015``, ``d.o.b.
           2015-04-03``, ``date of birth: 3 April``,
           ``dyddiad geni 3 Ebrill 2015``
postcode   UK postcodes with a real postcode area: ``CF10 1AA``, ``[postcode]``
           ``sa1 8pp``, ``NP201AA``
nhs_number 10 digits (``943 476 5919``, ``943-476-5919``,          ``[nhs_number]``
           ``9434765919``) with a valid modulus-11 check digit,
           or any 10 digits right after an "NHS" cue
upn        Unique Pupil Number: a check letter and 12 digits      ``[upn]``
           (or 11 digits and a letter for a temporary UPN) with
           a valid modulus-23 check letter, or that shape right
           after a "UPN" / "pupil number" cue
========== ===================================================== ===============

Deliberately *not* redacted, because the bot needs them and they identify
nobody: dates without a birth cue (sessions are booked by date), times
(``15:30``, ``3pm``), years, session references (``NB-7K3Q``), ordinary
numbers (``year 10``, ``2 pupils``), lowercase ordinals after a postcode-like
code (``room B12 4th floor``) and short numbers such as helplines
(``0800 1111``, ``116 123``, ``999``).

The functions are pure and fast (linear in the text length: every pattern is
anchored by a look-behind so no scan restarts inside a run of characters).
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from typing import Any, Callable, Iterator, List, Optional

KINDS = ("email", "phone", "dob", "postcode", "nhs_number", "upn")
PLACEHOLDERS = {kind: f"[{kind}]" for kind in KINDS}

# When two candidates overlap and have the same length, the lower rank wins.
_RANK = {"email": 0, "upn": 1, "nhs_number": 2, "phone": 3, "dob": 4, "postcode": 5}


@dataclass(frozen=True)
class Identifier:
    """One identifier found in a text: ``text[start:end] == self.text``."""

    kind: str
    start: int
    end: int
    text: str

    @property
    def placeholder(self) -> str:
        return PLACEHOLDERS[self.kind]


# --------------------------------------------------------------------------
# email
# --------------------------------------------------------------------------
_EMAIL = re.compile(
    r"(?<![\w.!#$%&'*+/^`{|}~@-])"            # start of the local part
    r"[\w!#$%&'*+/^`{|}~-]+(?:\.[\w!#$%&'*+/^`{|}~-]+)*"  # ("=" and "?" end it: "email=a@b.org")
    r"@"
    r"[^\W_](?:[\w-]*[^\W_])?(?:\.[^\W_](?:[\w-]*[^\W_])?)+"
)

# --------------------------------------------------------------------------
# UK phone numbers
# --------------------------------------------------------------------------
# A leading 0 (optionally in brackets) or an international prefix, then digits
# that may be separated by spaces, dashes, dots or brackets (at most two
# separator characters between two digits).  The digit count and the
# national prefix are checked afterwards in _valid_phone.
_PHONE = re.compile(
    r"(?<![\w+/.-])"
    r"(?:"
    r"(?P<intl>(?:\+|00)\s?44[\s.-]?(?:\(0\)[\s.-]?)?\(?)(?P<intl_digits>\d(?:[\s.()-]{0,2}\d){8,9})"
    r"|"
    r"(?P<nat>\(?0(?:[\s.()-]{0,2}\d){9,10})"
    r")"
    r"(?![\d]|[.:/-]\d)"
)
_SEPARATORS = re.compile(r"[\s.()-]+")

# national significant prefix -> allowed lengths of the national number
# (including the leading 0).  Ofcom: 01 geographic 10-11 digits, 02 11,
# 03 11, 05 11, 07 mobile/personal 11, 08 freephone 10-11, 09 premium 11.
_PHONE_LENGTHS = {"1": (10, 11), "2": (11,), "3": (11,), "5": (11,),
                  "7": (11,), "8": (10, 11), "9": (11,)}


def _valid_phone(m: re.Match) -> bool:
    if m.group("intl") is not None:
        national = "0" + re.sub(r"\D", "", m.group("intl_digits"))
    else:
        raw = m.group("nat")
        national = re.sub(r"\D", "", raw)
        # Phone numbers are never written with a one- or two-digit first
        # group ("01-04-2015 10" is a date and a time, not a landline).
        first_group = _SEPARATORS.split(raw.lstrip("("), maxsplit=1)[0]
        if len(national) != len(re.sub(r"\D", "", first_group)) and len(first_group) < 3:
            return False
    if len(national) < 2 or national[0] != "0":
        return False
    return len(national) in _PHONE_LENGTHS.get(national[1], ())


# --------------------------------------------------------------------------
# dates of birth
# --------------------------------------------------------------------------
_MONTHS_EN = ("january|february|march|april|may|june|july|august|september|"
              "october|november|december|jan|feb|mar|apr|jun|jul|aug|sept|sep|"
              "oct|nov|dec")
_MONTHS_CY = ("ionawr|chwefror|mawrth|ebrill|mai|mehefin|gorffennaf|awst|medi|"
              "hydref|tachwedd|rhagfyr")
_MONTH = rf"(?:{_MONTHS_EN}|{_MONTHS_CY})\.?"
_ORD = r"(?:st|nd|rd|th|af|ail|ydd|fed|ed)?"
_DATE = re.compile(
    r"(?<![\w/.-])(?:"
    r"\d{4}[/.-]\d{1,2}[/.-]\d{1,2}"                          # 2015-04-03
    r"|\d{1,2}[/.-]\d{1,2}[/.-](?:\d{4}|\d{2})"                # 03/04/2015, 3.4.15
    rf"|\d{{1,2}}{_ORD}(?:\s+(?:of|o))?\s+{_MONTH}(?:,?\s+\d{{4}}|\s+'?\d{{2}}(?!\d))?"  # 3rd April 2015
    rf"|{_MONTH}\s+\d{{1,2}}{_ORD}(?:,?\s+\d{{4}})?"          # April 3rd, 2015
    r"|\d{1,2}[/.-]\d{1,2}(?![/.\d-])"                         # 03/04 (day and month only)
    r")(?![\w/-])",
    re.IGNORECASE,
)
_DOB_CUE = re.compile(
    r"(?<!\w)(?:d\.?\s?o\.?\s?b\b\.?|date\s+of\s+birth|birth\s*date|birthday|"
    r"born|dyddiad\s+geni|ganwyd|pen-?blwydd)(?!\w)",
    re.IGNORECASE,
)
_DOB_CUE_AFTER = re.compile(
    r"\s*[(\[,;–-]?\s*(?:d\.?\s?o\.?\s?b\b\.?|date\s+of\s+birth)",
    re.IGNORECASE,
)
_DOB_WINDOW = 32            # characters after a cue in which the date must start
_SENTENCE_BREAK = re.compile(r"[!?\n]|\.\s")


def _dobs(text: str) -> Iterator[Identifier]:
    # "12/05/2015 (DOB)": a date followed by the cue.
    used_cues = set()
    for date in _DATE.finditer(text):
        after = _DOB_CUE_AFTER.match(text, date.end(), min(len(text), date.end() + 20))
        if after and not _is_bare_day_month(date.group()):
            used_cues.add(after.end())
            yield Identifier("dob", date.start(), date.end(), date.group())
    # "DOB 03/04/2015", "born on the 3rd of April 2015": the cue, then within a
    # few words (no digits, no sentence break) the date.
    for cue in _DOB_CUE.finditer(text):
        if cue.end() in used_cues:
            continue
        window_end = min(len(text), cue.end() + _DOB_WINDOW)
        brk = _SENTENCE_BREAK.search(text, cue.end(), window_end)
        if brk:
            window_end = brk.start()
        date = _DATE.search(text, cue.end(), min(len(text), window_end + 40))
        if not date or date.start() >= window_end:
            continue
        between = text[cue.end():date.start()]
        if any(ch.isdigit() for ch in between) or len(between.split()) > 4:
            continue
        # A bare day/month ("03/04") only counts right after the cue.
        if _is_bare_day_month(date.group()) and between.strip(" :=-–") not in ("", "is", "was", "on"):
            continue
        yield Identifier("dob", date.start(), date.end(), date.group())


def _is_bare_day_month(value: str) -> bool:
    return re.fullmatch(r"\d{1,2}[/.-]\d{1,2}", value) is not None


# --------------------------------------------------------------------------
# postcodes
# --------------------------------------------------------------------------
# The 124 UK postcode areas (plus BF for BFPO): requiring a real area keeps
# "Y10 2nd" or "KS2 4th" from being taken for postcodes.
_AREAS = (
    "AB AL B BA BB BD BF BH BL BN BR BS BT CA CB CF CH CM CO CR CT CV CW DA DD DE DG DH DL DN "
    "DT DY E EC EH EN EX FK FY G GL GU GY HA HD HG HP HR HS HU HX IG IM IP IV JE KA KT KW KY "
    "L LA LD LE LL LN LS LU M ME MK ML N NE NG NN NP NR NW OL OX PA PE PH PL PO PR RG RH RM "
    "S SA SE SG SK SL SM SN SO SP SR SS ST SW SY TA TD TF TN TQ TR TS TW UB W WA WC WD WF WN "
    "WR WS WV YO ZE"
).split()
_AREA_RE = "|".join(sorted(_AREAS, key=len, reverse=True))
_POSTCODE = re.compile(
    rf"(?<![\w-])(?:(?:{_AREA_RE})\d[A-Z\d]?[^\S\n]{{0,2}}\d[ABD-HJLNP-UW-Z]{{2}}|GIR\s?0AA)(?![\w-])",
    re.IGNORECASE,
)

def _lowercase_ordinal(postcode: str) -> bool:
    """"room B12 4th floor": an inward code typed as a lowercase ordinal
    (1st, 2nd, 3rd, 4th ...) is an ordinal, not a postcode.  Written in
    capitals ("B12 4TH") it is taken as a postcode."""
    inward = postcode.replace(" ", "")[-3:]
    digit, letters = inward[0], inward[1:]
    if not letters.islower():
        return False
    return letters == {"1": "st", "2": "nd", "3": "rd"}.get(digit, "th")


# --------------------------------------------------------------------------
# NHS numbers
# --------------------------------------------------------------------------
_NHS = re.compile(r"(?<![\w+/.-])\d{3}(?P<sep>[ -]?)\d{3}(?P=sep)\d{4}(?![\w/-]|\.\d)")
_NHS_CUE = re.compile(r"(?:nhs|health)\s*(?:no\.?|number|num|#)?\s*(?:is|:|=)?\s*$", re.IGNORECASE)


def nhs_check_ok(digits: str) -> bool:
    """Modulus-11 check of a 10-digit NHS number."""
    if len(digits) != 10 or not digits.isdigit():
        return False
    total = sum(int(d) * w for d, w in zip(digits[:9], range(10, 1, -1)))
    check = 11 - total % 11
    if check == 11:
        check = 0
    return check != 10 and check == int(digits[9])


# --------------------------------------------------------------------------
# Unique Pupil Numbers
# --------------------------------------------------------------------------
_UPN = re.compile(r"(?<![\w-])[A-Za-z]\d{11}[\dA-Za-z](?![\w-])")
_UPN_CUE = re.compile(r"(?:upn|pupil\s+(?:no\.?|number|id))\s*(?:is|:|=|#)?\s*$", re.IGNORECASE)
UPN_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"       # 23 letters: no I, O or S


def upn_check_ok(value: str) -> bool:
    """DfE modulus-23 check letter of a (permanent or temporary) UPN."""
    value = value.upper()
    if len(value) != 13 or not value[1:12].isdigit():
        return False
    last = value[12]
    if last.isdigit():
        last_value = int(last)
    elif last in UPN_LETTERS:
        last_value = UPN_LETTERS.index(last)
    else:
        return False
    total = sum(int(d) * w for d, w in zip(value[1:12], range(2, 13))) + last_value * 13
    return UPN_LETTERS[total % 23] == value[0]


def _cued(cue: re.Pattern, text: str, start: int) -> bool:
    return cue.search(text[max(0, start - 24):start]) is not None


# --------------------------------------------------------------------------
# public API
# --------------------------------------------------------------------------
def _candidates(text: str) -> Iterator[Identifier]:
    for m in _EMAIL.finditer(text):
        yield Identifier("email", m.start(), m.end(), m.group())
    for m in _PHONE.finditer(text):
        if _valid_phone(m):
            yield Identifier("phone", m.start(), m.end(), m.group())
    yield from _dobs(text)
    for m in _POSTCODE.finditer(text):
        if not _lowercase_ordinal(m.group()):
            yield Identifier("postcode", m.start(), m.end(), m.group())
    for m in _NHS.finditer(text):
        digits = re.sub(r"\D", "", m.group())
        if nhs_check_ok(digits) or _cued(_NHS_CUE, text, m.start()):
            yield Identifier("nhs_number", m.start(), m.end(), m.group())
    for m in _UPN.finditer(text):
        value = m.group()
        if upn_check_ok(value) or _cued(_UPN_CUE, text, m.start()):
            yield Identifier("upn", m.start(), m.end(), value)


def _rank(ident: Identifier) -> int:
    # A 10-digit number written like a phone number (leading 0 or +44) is a
    # phone number even if its last digit happens to pass the NHS check.
    if ident.kind == "phone" and ident.text.lstrip("(")[:1] in "0+":
        return -1
    return _RANK[ident.kind]


def find_identifiers(text: str) -> List[Identifier]:
    """Every identifier in ``text``, non-overlapping, in order of position."""
    if not isinstance(text, str) or not text:
        return []
    # Longest first, then by kind; keep a candidate only if it overlaps
    # nothing kept so far.  Kept spans never overlap, so sorted by start they
    # are sorted by end too and only the two neighbours need checking.
    starts: List[int] = []
    kept: List[Identifier] = []
    for ident in sorted(_candidates(text), key=lambda i: (-(i.end - i.start), _rank(i), i.start)):
        pos = bisect.bisect_left(starts, ident.start)
        if pos > 0 and kept[pos - 1].end > ident.start:
            continue
        if pos < len(kept) and kept[pos].start < ident.end:
            continue
        starts.insert(pos, ident.start)
        kept.insert(pos, ident)
    return kept


def redact(text: str) -> str:
    """``text`` with every identifier replaced by its placeholder (``[email]`` ...)."""
    if not isinstance(text, str) or not text:
        return text
    found = find_identifiers(text)
    if not found:
        return text
    out, pos = [], 0
    for ident in found:
        out.append(text[pos:ident.start])
        out.append(ident.placeholder)
        pos = ident.end
    out.append(text[pos:])
    return "".join(out)


def redact_obj(obj: Any, _redact: Optional[Callable[[str], str]] = None) -> Any:
    """A deep copy of dicts, lists and tuples with every string value redacted.

    Dictionary keys are kept as they are (they are field names, not user
    text); numbers, booleans and ``None`` are returned unchanged.
    """
    fn = _redact or redact
    if isinstance(obj, str):
        return fn(obj)
    if isinstance(obj, dict):
        return {key: redact_obj(value, fn) for key, value in obj.items()}
    if isinstance(obj, list):
        return [redact_obj(value, fn) for value in obj]
    if isinstance(obj, tuple):
        return tuple(redact_obj(value, fn) for value in obj)
    if isinstance(obj, (set, frozenset)):
        return type(obj)(redact_obj(value, fn) for value in obj)
    return obj


__all__ = ["Identifier", "KINDS", "PLACEHOLDERS", "find_identifiers", "redact", "redact_obj",
           "nhs_check_ok", "upn_check_ok"]
