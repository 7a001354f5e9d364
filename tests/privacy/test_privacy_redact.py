"""Redaction of identifiers typed into messages (issue 6, item 1).

Phone numbers are from Ofcom's ranges reserved for drama (07700 900xxx,
029 2018 0xxx, 01632 960xxx, 0808 157 0xxx); NHS numbers and UPNs are
made-up values with valid check characters.
"""
import copy

import pytest

from bot.privacy.redact import (Identifier, find_identifiers, nhs_check_ok, redact, redact_obj,
                                upn_check_ok)

# ---------------------------------------------------------------- positives
POSITIVE = [
    # emails
    ("You can reach me at sam.jones@example.org after school.",
     "You can reach me at [email] after school."),
    ("Email: J.O'Neill+nest@ysgol-y-dref.cymru.", "Email: [email]."),
    ("(sam_jones99@mail.example.co.uk)", "([email])"),
    # UK phones
    ("Call me on 07700 900123 please", "Call me on [phone] please"),
    ("my mobile is 07700900123.", "my mobile is [phone]."),
    ("ring 07700-900-123 or +44 7700 900 123", "ring [phone] or [phone]"),
    ("Office: +44 (0)29 2018 0123, ext 4", "Office: [phone], ext 4"),
    ("School office (029) 2018 0123 any time", "School office [phone] any time"),
    ("029-2018-0123", "[phone]"),
    ("Tel:01632 960001", "Tel:[phone]"),
    ("landline 01632 960 001 or 0808 157 0192", "landline [phone] or [phone]"),
    ("0044 7700 900123", "[phone]"),
    # dates of birth (only with a birth cue)
    ("The pupil's DOB is 03/04/2015 and he is in year 5",
     "The pupil's DOB is [dob] and he is in year 5"),
    ("She was born 3rd April 2015.", "She was born [dob]."),
    ("d.o.b. 2015-04-03", "d.o.b. [dob]"),
    ("Date of birth: 3 April", "Date of birth: [dob]"),
    ("born on the 3rd of April, 2015, in Swansea", "born on the [dob], in Swansea"),
    ("dob:3.4.15", "dob:[dob]"),
    ("birthday is April 3rd, 2015", "birthday is [dob]"),
    ("12/05/2015 (DOB) and the session is on 12/05/2026",
     "[dob] (DOB) and the session is on 12/05/2026"),
    ("dyddiad geni 3 Ebrill 2015", "dyddiad geni [dob]"),
    # postcodes
    ("She lives near CF10 1AA.", "She lives near [postcode]."),
    ("family moved to sa1 8pp last term", "family moved to [postcode] last term"),
    ("NP201AA", "[postcode]"),
    ("LL57 2DG / SY23 3BX", "[postcode] / [postcode]"),
    ("B12 4TH and sa4 3ja", "[postcode] and [postcode]"),
    # NHS numbers (valid modulus-11 check digit)
    ("his NHS number is 943 476 5919", "his NHS number is [nhs_number]"),
    ("ref 943-476-5919 from the GP", "ref [nhs_number] from the GP"),
    ("4010232137", "[nhs_number]"),
    ("NHS no: 401 023 2138", "NHS no: [nhs_number]"),   # mistyped, but cued
    # UPNs (valid modulus-23 check letter, or cued)
    ("UPN B801200005001", "UPN [upn]"),
    ("pupil A660123423001 in Cardiff", "pupil [upn] in Cardiff"),
    ("temporary one: a68001232400a", "temporary one: [upn]"),
    ("UPN: B801200005002", "UPN: [upn]"),                # wrong check letter, but cued
]


@pytest.mark.parametrize("text, expected", POSITIVE)
def test_privacy_identifiers_in_sentences_are_replaced_by_typed_placeholders(text, expected):
    assert redact(text) == expected


# ---------------------------------------------------------------- near-misses
NEAR_MISSES = [
    "Can I book the 15:30 slot on 03/04/2026?",
    "Is there a drop-in at 3pm on Tuesday 14 May?",
    "the session on 2026-05-12 from 10:00-11:00 with the EP",
    "My booking reference is NB-7K3Q, can I move it?",
    "I teach year 10 and have 2 pupils who are struggling",
    "She was born in 2012 and moved schools in 2019.",
    "Call Childline on 0800 1111 or Samaritans on 116 123, or 999.",
    "The number 01632 9600 is too short to be a phone number.",
    "We met on 01-04-2026 10:30 in room 101 for 30 minutes.",
    "KS2 and KS3 pupils, Y10 2nd period",
    "The 2019-2020 cohort had 1234567890 page views.",      # fails the NHS check
    "ref 9434765918",                                       # NHS shape, wrong check digit
    "code B801200005002",                                    # UPN shape, wrong check letter
    "Rasa 3.6.21, spaCy 3.4.4, costs £1,500.00",
    "ref ABC07700900123XYZ",                                # inside a longer code
    "Twitter handle @nest_wales and the hashtag #NYTH",
    "May 3 pupils join the group on 3 May?",               # dates without a birth cue
    "12/05/2015 was the first session of the project",
    "Pupil ID 12345, class 4B, room B12 4th floor, N1 2nd door",   # ordinals, not postcodes
    "He's 12, date of birth unknown, can I book 03/05?",
    "Sessions: 2026-04-03T15:30:00+01:00, 45 minutes, text 85258",
]


@pytest.mark.parametrize("text", NEAR_MISSES)
def test_privacy_near_misses_are_left_alone(text):
    assert redact(text) == text
    assert find_identifiers(text) == []


# ---------------------------------------------------------------- structure
def test_privacy_find_identifiers_reports_kind_and_exact_span():
    text = ("Hi, Sam here (sam@example.org, 07700 900123). Pupil DOB 03/04/2015, "
            "postcode CF10 1AA, NHS 943 476 5919, UPN B801200005001.")
    found = find_identifiers(text)
    assert [i.kind for i in found] == ["email", "phone", "dob", "postcode", "nhs_number", "upn"]
    for ident in found:
        assert isinstance(ident, Identifier)
        assert text[ident.start:ident.end] == ident.text
    assert [i.text for i in found] == ["sam@example.org", "07700 900123", "03/04/2015",
                                       "CF10 1AA", "943 476 5919", "B801200005001"]


def test_privacy_several_identifiers_in_one_message_all_go():
    text = ("Please ring 07700 900123 or 029 2018 0123, or email a@example.org and "
            "b@example.org; the child (born 3/4/2015, sa1 8pp) has NHS 943 476 5919")
    out = redact(text)
    assert out == ("Please ring [phone] or [phone], or email [email] and "
                   "[email]; the child (born [dob], [postcode]) has NHS [nhs_number]")


def test_privacy_redaction_is_idempotent():
    text = "sam@example.org 07700 900123 DOB 03/04/2015 CF10 1AA 943 476 5919 B801200005001"
    once = redact(text)
    assert redact(once) == once
    assert find_identifiers(once) == []


def test_privacy_unicode_text_around_identifiers_is_preserved():
    text = "Siân’s e-bost: siân.jones@ysgol.cymru – ffôn 07700 900123 📞 «CF10 1AA»"
    assert redact(text) == "Siân’s e-bost: [email] – ffôn [phone] 📞 «[postcode]»"


def test_privacy_huge_input_is_redacted_completely():
    sentence = ("Jo (jo.b@example.org, 07700 900123) DOB 03/04/2015 near CF10 1AA, "
                "NHS 943 476 5919, booked 15:30 on 03/04/2026. ")
    text = sentence * 5000                          # about 600,000 characters
    out = redact(text)
    for placeholder in ("[email]", "[phone]", "[dob]", "[postcode]", "[nhs_number]"):
        assert out.count(placeholder) == 5000
    assert "@" not in out and "900123" not in out and "5919" not in out
    assert out.count("15:30 on 03/04/2026") == 5000


@pytest.mark.parametrize("text", ["a" * 300_000, "1" * 300_000, "0 " * 150_000,
                                  "a@" * 150_000, "dob " * 75_000, "x." * 150_000])
def test_privacy_pathological_inputs_come_back_unchanged(text):
    assert redact(text) == text


def test_privacy_redact_accepts_empty_and_non_text():
    assert redact("") == ""
    assert redact(None) is None
    assert find_identifiers("") == []


def test_privacy_redact_obj_copies_deeply_and_redacts_every_string():
    original = {
        "text": "mail me: sam@example.org",
        "entities": [{"entity": "phone", "value": "07700 900123", "start": 3, "end": 15}],
        "buttons": ({"title": "Call 029 2018 0123", "payload": "/call"},),
        "confidence": 0.93, "flag": True, "none": None,
        "sam@example.org": "keys are field names and stay",
    }
    before = copy.deepcopy(original)
    out = redact_obj(original)
    assert original == before                      # the input is not modified
    assert out["text"] == "mail me: [email]"
    assert out["entities"][0] == {"entity": "phone", "value": "[phone]", "start": 3, "end": 15}
    assert out["buttons"] == ({"title": "Call [phone]", "payload": "/call"},)
    assert (out["confidence"], out["flag"], out["none"]) == (0.93, True, None)
    assert out["sam@example.org"] == "keys are field names and stay"
    assert out["entities"] is not original["entities"]


def test_privacy_check_characters():
    assert nhs_check_ok("9434765919") and not nhs_check_ok("9434765918")
    assert not nhs_check_ok("1234567890")             # check digit would be 10: never issued
    assert upn_check_ok("B801200005001") and not upn_check_ok("A801200005001")
    assert upn_check_ok("A68001232400A")              # temporary UPN ends in a letter
