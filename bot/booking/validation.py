"""Checking the practitioner's details before a booking is saved.

Booking asks only for the practitioner's name, role, setting, a way to
contact them and a short topic (DESIGN.md, privacy).  The topic must not
identify a child: it is checked with :func:`bot.privacy.redact.find_identifiers`
and refused with :class:`IdentifyingDetails` naming what was found.
"""
from __future__ import annotations

import re
import unicodedata

from .errors import IdentifyingDetails, InvalidDetails

NAME_MAX = 80
ROLE_MAX = 80
SETTING_MAX = 160
CONTACT_MAX = 254
TOPIC_MAX = 200
TOPIC_MIN = 3

_EMAIL = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}"
                    r"[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*"
                    r"\.[A-Za-z]{2,}$")
_PHONE_CHARS = re.compile(r"^[0-9 ()+.\-]+$")


def _clean(value) -> str:
    if value is None:
        return ""
    text = unicodedata.normalize("NFC", str(value))
    text = "".join(" " if unicodedata.category(c).startswith("C") else c for c in text)
    return re.sub(r"\s+", " ", text).strip()


def check_name(value) -> str:
    name = _clean(value)
    if not name:
        raise InvalidDetails("name", "a name is needed", "name_missing")
    if len(name) > NAME_MAX:
        raise InvalidDetails("name", f"at most {NAME_MAX} characters", "name_too_long")
    if not any(c.isalpha() for c in name) or "@" in name or sum(c.isdigit() for c in name) > 0:
        raise InvalidDetails("name", "that does not look like a name", "name_invalid")
    return name


def check_role(value) -> str:
    role = _clean(value)
    if not role:
        raise InvalidDetails("role", "a role is needed", "role_missing")
    if len(role) > ROLE_MAX:
        raise InvalidDetails("role", f"at most {ROLE_MAX} characters", "role_too_long")
    if not any(c.isalpha() for c in role):
        raise InvalidDetails("role", "that does not look like a role", "role_invalid")
    return role


def check_setting(value) -> str:
    setting = _clean(value)
    if not setting:
        raise InvalidDetails("setting", "a setting is needed", "setting_missing")
    if len(setting) > SETTING_MAX:
        raise InvalidDetails("setting", f"at most {SETTING_MAX} characters", "setting_too_long")
    return setting


def normalise_uk_phone(value: str) -> str | None:
    """``07700 900123`` / ``+44 (0)29 2087 0000`` -> national digits, or None."""
    text = value.strip()
    if not _PHONE_CHARS.match(text):
        return None
    text = text.replace("(0)", "")
    digits = re.sub(r"\D", "", text)
    if text.startswith("+"):
        if not digits.startswith("44"):
            return None
        digits = "0" + digits[2:]
    elif digits.startswith("0044"):
        digits = "0" + digits[4:]
    if not digits.startswith("0") or digits.startswith("00"):
        return None
    # 01/02 landlines: 10 or 11 digits; 03, 05, 07, 08: 11 digits (0800 may have 10)
    prefix = digits[1]
    if prefix in "12" and len(digits) in (10, 11):
        return digits
    if prefix in "3578" and len(digits) == 11:
        return digits
    if digits.startswith("0800") and len(digits) == 10:
        return digits
    return None


def check_contact(value) -> str:
    """An email address (lower-cased domain) or a UK phone number (digits)."""
    contact = _clean(value)
    if not contact:
        raise InvalidDetails("contact", "an email address or UK phone number is needed",
                             "contact_missing")
    if len(contact) > CONTACT_MAX:
        raise InvalidDetails("contact", "that is too long for an email address or phone number",
                             "contact_invalid")
    if "@" in contact:
        if not _EMAIL.match(contact) or ".." in contact:
            raise InvalidDetails("contact", "that does not look like an email address",
                                 "contact_invalid")
        local, domain = contact.rsplit("@", 1)
        return f"{local}@{domain.lower()}"
    phone = normalise_uk_phone(contact)
    if phone is None:
        raise InvalidDetails("contact", "that is not an email address or a UK phone number",
                             "contact_invalid")
    return phone


def check_topic(value) -> str:
    """A short topic with no identifiers of a child or family in it."""
    topic = _clean(value)
    if len(topic) < TOPIC_MIN or not any(c.isalpha() for c in topic):
        raise InvalidDetails("topic", "a few words about what you would like to discuss",
                             "topic_missing")
    if len(topic) > TOPIC_MAX:
        raise InvalidDetails("topic", f"at most {TOPIC_MAX} characters", "topic_too_long")
    from bot.privacy.redact import find_identifiers  # lazy: owned by the privacy module

    found = find_identifiers(topic)
    if found:
        raise IdentifyingDetails(identifier.kind for identifier in found)
    return topic
