"""Every user-facing text of the topics, services and privacy files exists in Welsh,
keeps the English placeholders, and reads as Welsh in the replies people see."""
from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest

from bot.clock import LONDON
from bot.knowledge import AGE_GROUPS, TEXT_FIELDS, load_catalogue, word_count
from bot.privacy.notice import deleted_notice, load_notice, short_notice, what_we_keep
from bot.privacy.retention import RetentionPolicy
from bot.services import load_directory
from tests.welsh.welsh_helpers import (DATA_FILES, NOTICE, SERVICES, TOPICS, language_texts, load,
                                       welsh_problems)

SAFEGUARDING_EN = "follow your setting's safeguarding procedure"
SAFEGUARDING_CY = "dilynwch weithdrefn ddiogelu eich lleoliad"


@pytest.mark.parametrize("path", DATA_FILES, ids=lambda p: p.name)
def test_every_text_has_a_welsh_version_with_the_same_placeholders(path):
    data = load(path)
    found = list(language_texts(data))
    assert len(found) >= {"topics.yml": 140, "services.yml": 90, "notice.yml": 3}[path.name]
    problems = welsh_problems(data)
    assert not problems, f"{path.name}:\n" + "\n".join(problems)


def test_the_check_reports_missing_empty_copied_and_mismatched_welsh():
    data = {"texts": {
        "a": {"en": "Open now"},
        "b": {"en": "Closed", "cy": "  "},
        "c": {"en": "Open now, until {when}", "cy": "Ar agor nawr, tan {pryd}"},
        "d": {"en": "Phone {phone} today please", "cy": "Phone {phone} today please"},
        "e": {"en": "Text {number}", "cy": "Tecstiwch {number"},
        "f": {"en": "Closed — reopens {when}", "cy": "Ar gau — yn ailagor {when}"},
        "g": {"en": "{name}, {phone}", "cy": "{name}, {phone}"},
    }}
    problems = welsh_problems(data)
    assert [p.split(":")[0] for p in problems] == ["texts.a", "texts.b", "texts.c", "texts.d", "texts.e"]
    assert "no Welsh" in problems[0] and "no Welsh" in problems[1]
    assert "placeholders differ" in problems[2] and "copy of the English" in problems[3]


def test_every_topic_is_complete_in_welsh_through_the_loader():
    catalogue = load_catalogue(TOPICS)
    assert [t.id for t in catalogue if t.languages() != ("cy", "en")] == []
    topic = catalogue.get("holding_on")
    assert topic.title("cy") == "Dal gafael yn hytrach nag atgyfeirio ymlaen"
    assert topic.answer("cy") != topic.answer("en")
    assert topic.payload("cy")["source"] == "Mynediad hawdd at arbenigedd"


def test_welsh_topic_texts_are_full_answers_not_fragments():
    # A Welsh text far shorter or longer than its English one was cut off or
    # pasted into the wrong field; Welsh runs about 1.1-1.4 times the English words.
    problems = []
    for topic in load_catalogue(TOPICS):
        pairs = [(name, getattr(topic, name)("en"), getattr(topic, name)("cy"))
                 for name in TEXT_FIELDS if name not in ("title", "source")]
        pairs += [(group, topic.for_age(group, "en"), topic.for_age(group, "cy")) for group in AGE_GROUPS]
        for name, en, cy in pairs:
            ratio = word_count(cy) / word_count(en)
            if not 0.9 <= ratio <= 1.6:
                problems.append(f"{topic.id}.{name}: {word_count(cy)} Welsh words for {word_count(en)} English")
        assert 40 <= word_count(topic.answer("cy")) <= 180, topic.id
    assert not problems, "\n".join(problems)


def test_welsh_topic_texts_point_to_the_safeguarding_procedure_and_carry_no_numbers():
    for topic in load_catalogue(TOPICS):
        texts = [(n, getattr(topic, n)("en"), getattr(topic, n)("cy")) for n in TEXT_FIELDS]
        texts += [(g, topic.for_age(g, "en"), topic.for_age(g, "cy")) for g in AGE_GROUPS]
        for name, en, cy in texts:
            if SAFEGUARDING_EN in en:
                assert SAFEGUARDING_CY in cy, f"{topic.id}.{name}"
            assert not re.search(r"\d[\d ]{4,}\d|https?://|www\.", cy), f"{topic.id}.{name}"


@pytest.fixture(scope="module")
def directory():
    return load_directory(SERVICES)


def test_every_service_text_the_loader_keeps_is_in_welsh(directory):
    for service in directory.services:
        for name in ("name", "for_whom", "hours_text", "hours_note"):
            texts = getattr(service, name)
            if texts is not None:
                assert texts.get("cy"), f"{service.id}.{name}"
    assert all(t.get("cy") for t in directory.templates.values())
    assert all(step.text.get("cy") for step in directory.steps)
    assert directory.get("samaritans_welsh").name["cy"] == "Llinell Gymraeg y Samariaid"


def test_the_welsh_emergency_reply_is_all_welsh_and_keeps_999(directory):
    from bot.services.authorities import get_authorities
    at = datetime(2026, 3, 4, 21, 15, tzinfo=LONDON)   # a Wednesday evening: duty team open
    swansea = get_authorities()["swansea"]
    reply = directory.emergency_reply(at=at, lang="cy", authority=swansea)
    assert reply.text.startswith("Os oes unrhyw un mewn perygl uniongyrchol, ffoniwch 999 nawr")
    assert "Beth i'w wneud nawr:" in reply.text
    assert "person diogelu dynodedig (DSP)" in reply.text
    assert "Cyngor Abertawe" in reply.text and "01792 775501" in reply.text
    assert "Gwrandewch yn ofalus a pheidiwch â chynhyrfu" in reply.text     # not "arhoswch yn dawel"
    assert "arhoswch yn dawel" not in reply.text
    assert "Ffoniwch 0800 1111" in reply.text                     # Childline, number unchanged
    for english in ("What to do now", "Phone ", "immediate danger", "Open now", "Report it"):
        assert english not in reply.text
    english = directory.emergency_reply(at=at, lang="en", authority=swansea).text
    assert re.findall(r"\d[\d ]{2,}\d", reply.text) == re.findall(r"\d[\d ]{2,}\d", english)


def test_welsh_opening_times_use_welsh_days_months_and_times(directory):
    friday_evening = datetime(2026, 3, 6, 18, 0, tzinfo=LONDON)
    reply = directory.consultation_status(at=friday_evening, lang="cy")
    assert "Mae Llinell ymgynghori NYTH ar gau ar hyn o bryd." in reply.text
    assert "Bydd yn ailagor ddydd Llun am 9yb (Llun–Gwe 9yb–5yh, ar gau ar wyliau banc)." in reply.text
    assert directory.hours_text("meic", "cy") == "8yb–hanner nos bob dydd"
    later = (friday_evening + timedelta(days=10)).replace(hour=9)
    assert directory.format_when(later, friday_evening, "cy") == "Llun 16 Maw am 9yb"
    assert directory.format_when(friday_evening.replace(hour=20), friday_evening, "cy") == "heddiw am 8yh"
    assert directory.bank_holiday_name(datetime(2026, 12, 28).date(), "cy") == "Gŵyl San Steffan (diwrnod yn ei le)"


def test_welsh_privacy_notices_state_the_enforced_periods():
    assert all(texts.get("cy") for texts in load_notice(NOTICE).values())
    policy = RetentionPolicy(conversation_days=14, booking_days=45)
    line = short_notice("cy", policy)
    assert "\n" not in line and "{" not in line
    assert "14 diwrnod" in line and "45 diwrnod ar ôl y sesiwn" in line and "dileu fy sgwrs" in line
    assert "14 diwrnod ar ôl eich neges olaf" in what_we_keep("cy", policy)
    assert "45 diwrnod ar ôl ei sesiwn" in deleted_notice("cy", policy)


def test_english_only_lines_are_marked_in_the_welsh_emergency_reply(directory):
    reply = directory.emergency_reply(at=datetime(2026, 3, 4, 21, 15, tzinfo=LONDON), lang="cy")
    lines = {line.split(":")[0] for line in reply.text.splitlines() if line.startswith("• ")}
    assert "• Samariaid (Saesneg)" in lines and "• Shout 85258 (Saesneg)" in lines
    assert "• Childline" in lines or any(l.startswith("• Childline") for l in lines)
    english = directory.emergency_reply(at=datetime(2026, 3, 4, 21, 15, tzinfo=LONDON), lang="en").text
    assert "(Saesneg)" not in english and "(English only)" not in english
