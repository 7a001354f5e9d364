"""Every message the bot's actions compose (data/texts/messages.yml) exists in Welsh,
keeps the English {placeholders}, and Welsh replies read as Welsh (days, months)."""
from __future__ import annotations

from datetime import datetime

import pytest

from bot.clock import LONDON
from bot.conversation.booking import when_text
from bot.texts import DEFAULT_TEXTS_FILE, load_texts, t
from tests.welsh.welsh_helpers import language_texts, load, welsh_problems

# short labels that are the same in both languages by design
SAME_IN_BOTH = {"button.language_cy", "button.language_en", "booking.session_button"}


def test_every_message_has_a_welsh_text_with_the_same_placeholders():
    data = load(DEFAULT_TEXTS_FILE)
    found = dict(language_texts(data))
    assert len(found) >= 90
    problems = welsh_problems(data)
    assert not problems, "messages.yml:\n" + "\n".join(problems)
    # and through the bot's own loader, which refuses mismatched placeholders
    texts = load_texts()
    assert sorted(k for k, v in texts.items() if "cy" not in v) == []


def test_the_check_fails_when_a_welsh_message_is_missing(tmp_path):
    broken = tmp_path / "messages.yml"
    broken.write_text('version: 1\ntexts:\n  booking.cancelled:\n    en: "Cancelled {reference}."\n'
                      '  booking.moved:\n    en: "Moved {reference}."\n    cy: "Wedi symud {cyfeirnod}."\n',
                      encoding="utf-8")
    problems = welsh_problems(load(broken))
    assert [p.split(":")[0] for p in problems] == ["texts.booking.cancelled", "texts.booking.moved"]


def test_welsh_messages_are_not_copies_of_the_english():
    texts = load_texts()
    copies = [k for k, v in texts.items() if v["cy"] == v["en"] and k not in SAME_IN_BOTH
              and not k.startswith(("booking.button.cancel_ref", "booking.button.move_ref"))]
    assert copies == []


@pytest.mark.parametrize("key", ["format.weekdays", "format.months"])
def test_day_and_month_names_are_one_word_each_in_welsh(key):
    names = t(key, "cy").split()
    assert len(names) == (7 if key == "format.weekdays" else 12)
    assert len(set(names)) == len(names)


def test_dates_are_written_in_welsh_in_welsh_replies():
    tuesday = datetime(2026, 11, 24, 16, 0, tzinfo=LONDON)
    assert when_text(tuesday, "cy") == "dydd Mawrth 24 Tachwedd, 16:00"
    assert when_text(tuesday, "en") == "Tuesday 24 November, 16:00"
    sunday = datetime(2026, 3, 1, 9, 30, tzinfo=LONDON)
    assert when_text(sunday, "cy") == "dydd Sul 1 Mawrth, 09:30"
    line = t("booking.session_line", "cy", when=when_text(tuesday, "cy"), minutes=30,
             kind=t("booking.kind.consultation", "cy"), mode=t("booking.mode.phone", "cy"),
             professional="Dr Siân Hughes", role="Seicolegydd addysg")
    assert line == ("dydd Mawrth 24 Tachwedd, 16:00, 30 munud, ymgynghoriad un i un dros y ffôn "
                    "gyda Dr Siân Hughes (Seicolegydd addysg)")


def test_welsh_booking_hints_use_words_the_time_parser_understands():
    from bot.booking.when import parse_when
    now = datetime(2026, 11, 23, 10, 0, tzinfo=LONDON)
    for phrase in ("prynhawn dydd Mawrth", "wythnos nesaf", "bore dydd Iau", "cyn gynted â phosib"):
        assert f'"{phrase}"' in t("booking.offer_hint", "cy") + t("booking.time_not_understood", "cy")
        assert parse_when(phrase, now) is not None, phrase
