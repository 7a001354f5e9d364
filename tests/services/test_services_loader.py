"""The shipped services file, and a malformed file failing with file, line, entry and field."""
import re
from datetime import date

import pytest

from bot.services import DataError, get_directory, load_directory
from bot.services.hours import AlwaysOpen

from .services_helpers import SHIPPED, edited

REQUIRED = {
    # id: (phone, text number, text keyword)
    "emergency_999": ("999", None, None),
    "meic": ("080880 23456", "84001", None),
    # C.A.L.L.'s text number 81066 is left out until its own site confirms it (issue 14)
    "call_helpline": ("0800 132 737", None, None),
    "nhs111_wales_mental_health": ("111", None, None),
    "samaritans": ("116 123", None, None),
    "samaritans_welsh": ("0808 164 0123", None, None),
    "shout": (None, "85258", "SHOUT"),
    "childline": ("0800 1111", None, None),
    "nspcc_helpline": ("0808 800 5000", None, None),
    "papyrus_hopeline247": ("0800 068 4141", None, None),
    "police_101": ("101", None, None),
    "live_fear_free": ("0808 80 10 800", "07860 077333", None),
}


@pytest.fixture(scope="module")
def d():
    return load_directory(SHIPPED)


# ------------------------------------------------------------ the shipped file
def test_every_service_the_issue_names_is_there_with_its_number(d):
    for sid, (phone, text, keyword) in REQUIRED.items():
        s = d.get(sid)
        assert (s.phone, s.text_number, s.text_keyword) == (phone, text, keyword), sid
    assert d.get("nhs111_wales_mental_health").press == "2"
    assert d.get("emergency_999").textphone == "18000" and d.get("emergency_999").emergency
    assert "press 55" in d.get("emergency_999").hours_note["en"]
    assert d.get("samaritans_welsh").languages == ("cy",)


def test_unconfirmed_numbers_are_left_out_and_conflicts_are_noted(d):
    papyrus = d.get("papyrus_hopeline247")
    assert papyrus.text_number is None                  # two conflicting SMS numbers seen
    assert "OMITTED" in papyrus.verified.note
    assert "0800 137 737" in d.get("call_helpline").verified.note
    assert "CONFLICT" in d.get("nspcc_helpline").verified.note


def test_every_non_demo_service_has_a_source_and_a_verification_date(d):
    for s in d.services:
        if s.demo:
            continue
        assert s.verified is not None, s.id
        assert s.verified.sources and all(re.match(r"^https?://", u) for u in s.verified.sources), s.id
        assert isinstance(s.verified.date, date) and date(2010, 1, 1) <= s.verified.date <= date(2026, 12, 7), s.id


def test_regional_entries_are_demo_and_say_so(d):
    for role in ("consultation_line", "childrens_services_day", "childrens_services_out_of_hours"):
        s = d.role(role)
        assert s.demo and "DEMO" in s.verified.note
        assert s.phone.startswith("029 2018 0")           # Ofcom drama range: rings nobody


def test_everything_a_user_reads_has_english(d):
    for s in d.services:
        assert s.name["en"] and s.for_whom["en"]
    for key, text in d.templates.items():
        assert text["en"].strip(), key
    for step in d.steps:
        assert step.text["en"], step.id


def test_every_young_person_emergency_line_is_24_7(d):
    lines = d._young_person_lines()
    assert {"childline", "shout", "samaritans", "papyrus_hopeline247"} <= {s.id for s in lines}
    assert all(isinstance(s.hours, AlwaysOpen) for s in lines)


def test_env_var_overrides_the_file_and_get_directory_caches(tmp_path, monkeypatch):
    path, _ = edited(tmp_path, 'name: {en: "Meic", cy: "Meic"}', 'name: {en: "Meic Cymru", cy: "Meic"}')
    monkeypatch.setenv("NEST_SERVICES_FILE", str(path))
    first = get_directory()
    assert first.get("meic").name["en"] == "Meic Cymru"
    assert get_directory() is first


# ------------------------------------------------------------ malformed files
MUTATIONS = [
    # (old text, new text, entry, field, words in the message)
    ('hours: {daily: ["08:00-24:00"]}', 'hours: {daily: ["08:00-25:00"]}',
     "meic", "hours.daily", "bad time range"),
    ('hours: {daily: ["08:00-24:00"]}', 'hours: {daily: ["8am till late"]}',
     "meic", "hours.daily", "not a time range"),
    ('hours: {daily: ["19:00-23:00"]}', 'hours: {daily: ["19:00-19:00"]}',
     "samaritans_welsh", "hours.daily", "same time"),
    ('hours: {daily: ["19:00-23:00"]}', 'hours: {daily: ["19:00-23:00", "22:00-23:30"]}',
     "samaritans_welsh", "hours.daily", "overlap"),
    ('      mon: ["08:30-17:00"]\n', '      mond: ["08:30-17:00"]\n',
     "la_childrens_services_day", "hours.mond", "unknown weekday"),
    ("      bank_holidays: unpublished\n", "      bank_holidays: maybe\n",
     "nspcc_helpline", "hours.bank_holidays", "closed, as_usual, unpublished"),
    ("hours: {when_closed: la_childrens_services_day}", "hours: {when_closed: la_childrens_day}",
     "la_childrens_services_out_of_hours", "hours.when_closed", "no service"),
    ("    audiences: [young_person, parent, professional]\n    phone: \"080880 23456\"",
     "    audiences: [young_person, teachers, professional]\n    phone: \"080880 23456\"",
     "meic", "audiences", "unknown audience 'teachers'"),
    ('    text: {number: "85258", keyword: "SHOUT"}\n    web: https://giveusashout.org\n', "",
     "shout", "phone", "phone, text and web are all missing"),
    ("    channels: [phone, text]\n", "    channels: [phone, text, email]\n",
     "live_fear_free", "channels", "no email"),
    ('    phone: "0800 1111"', '    phone: "ring 0800 1111"', "childline", "phone", "must look like"),
    ("    languages: [cy]\n", "    languages: [cy, fr]\n", "samaritans_welsh", "languages", "unknown language"),
    ("    urgency: [urgent]\n", "    urgency: [whenever]\n", "police_101", "urgency", "unknown urgency"),
    ("      date: 2024-11-04\n", "      date: last year\n", "shout", "verified.date", "must be a date"),
    ("      source: https://giveusashout.org/about-us/faq/\n", "      source: giveusashout FAQ\n",
     "shout", "verified.source", "http(s) address"),
    ('    phone: "0808 164 0123"', '    phnoe: "0808 164 0123"', "samaritans_welsh", "phnoe", "unknown field"),
    ("  - id: mind_infoline\n", "  - id: meic\n", "meic", "id", "another service"),
]


@pytest.mark.parametrize("old,new,entry,field,message", MUTATIONS)
def test_malformed_file_names_file_line_entry_and_field(tmp_path, old, new, entry, field, message):
    path, line = edited(tmp_path, old, new)
    with pytest.raises(DataError) as caught:
        load_directory(path)
    err = caught.value
    assert err.path == str(path)
    assert err.entry == entry and err.field == field
    assert message in err.message
    if new:
        assert line <= err.line <= line + max(new.count("\n"), 1), (err.line, line)
    else:   # a field was deleted: the error points at the start of the entry
        text = path.read_text()
        assert err.line == text[: text.index(f"  - id: {entry}\n")].count("\n") + 1
    assert str(err).startswith(f"{path}:{err.line}, entry {entry!r}, field {field!r}")


def test_missing_verification_for_a_real_service(tmp_path):
    block = re.search(r"  - id: shout\n(?:    .*\n|      .*\n)*", SHIPPED.read_text()).group(0)
    without = block[: block.index("    verified:")]
    path, line = edited(tmp_path, block, without)
    with pytest.raises(DataError) as caught:
        load_directory(path)
    assert caught.value.entry == "shout" and caught.value.field == "verified"
    assert "not demo" in caught.value.message
    assert caught.value.line == line


def test_missing_verification_date(tmp_path):
    path, _ = edited(tmp_path, "      date: 2024-11-04\n", "")
    with pytest.raises(DataError) as caught:
        load_directory(path)
    assert (caught.value.entry, caught.value.field) == ("shout", "verified.date")


def test_template_must_keep_its_placeholders(tmp_path):
    path, line = edited(tmp_path, 'closed_reopens: {en: "Closed — reopens {when}", cy: "Ar gau — yn ailagor {when}"}',
                        'closed_reopens: {en: "Closed — reopens soon", cy: "Ar gau — yn ailagor {when}"}')
    with pytest.raises(DataError) as caught:
        load_directory(path)
    assert caught.value.entry == "closed_reopens" and caught.value.line == line
    assert "{when}" in caught.value.message


def test_first_safeguarding_step_must_be_the_999_step(tmp_path):
    path, _ = edited(tmp_path, "call 999 now (police or ambulance)", "call the police or an ambulance now")
    with pytest.raises(DataError) as caught:
        load_directory(path)
    assert caught.value.entry == "immediate_danger" and "999" in caught.value.message


def test_safeguarding_steps_name_their_source_and_levels():
    d = load_directory(SHIPPED)
    for step in d.steps:
        assert set(step.levels) <= {"emergency", "urgent"} and step.levels, step.id
        if step.id != "young_person_lines":
            assert step.source_url.startswith("https://") and step.source_title["en"], step.id
            assert step.detail["en"] and step.detail["cy"], step.id
    assert [s.id for s in d.steps if "emergency" in s.levels][0] == "immediate_danger"
    assert [s.id for s in d.steps if "urgent" in s.levels][0] == "act_today"


def test_role_must_name_an_existing_service(tmp_path):
    path, line = edited(tmp_path, "  consultation_line: nest_consultation_line\n",
                        "  consultation_line: nest_line\n")
    with pytest.raises(DataError) as caught:
        load_directory(path)
    assert (caught.value.entry, caught.value.field, caught.value.line) == ("roles", "consultation_line", line)


def test_invalid_yaml_names_the_line(tmp_path):
    path, line = edited(tmp_path, '    ' + 'name: {en: "Meic", cy: "Meic"}' + '\n', '    ' + 'name: {en: "Meic", cy: "Meic"' + '\n')
    with pytest.raises(DataError) as caught:
        load_directory(path)
    assert "invalid YAML" in caught.value.message and caught.value.line is not None


def test_missing_file(tmp_path):
    with pytest.raises(DataError) as caught:
        load_directory(tmp_path / "nope.yml")
    assert "file not found" in str(caught.value)
