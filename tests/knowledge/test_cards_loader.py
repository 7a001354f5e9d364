"""The card loader names file, line, card and field for every problem (issue 15)."""
from __future__ import annotations

from pathlib import Path

import pytest

from bot.datafile import DataError
from bot.knowledge.cards import load_cards

ANSWER = " ".join(["word"] * 40)


def card(cid="a_card", topic="attachment", section="Attachment theory", answer=ANSWER,
         asks=('"one?"', '"two?"', '"three?"'), related="[]", extra=""):
    ask_lines = ", ".join(asks)
    return f"""  - id: {cid}
    topic: {topic}
    section: "{section}"
    title: {{en: "A card", cy: "Cerdyn"}}
    asks:
      en: [{ask_lines}]
      cy: [{ask_lines}]
    answer:
      en: "{answer}"
      cy: "{ANSWER}"
    related: {related}
{extra}"""


def write(tmp_path: Path, *cards_text: str, name="a.yml") -> Path:
    folder = tmp_path / "cards"
    folder.mkdir(exist_ok=True)
    (folder / name).write_text("cards:\n" + "".join(cards_text), encoding="utf-8")
    return folder


def test_a_valid_file_loads_with_section_names_in_both_languages(tmp_path):
    cards = load_cards(write(tmp_path, card(), card("b_card", related="[a_card]")))
    assert [c.id for c in cards] == ["a_card", "b_card"]
    assert cards.get("b_card").related == ("a_card",)
    assert cards.section_name("Attachment theory", "cy") == "Theori ymlyniad"
    assert cards.get("a_card").line == 2


@pytest.mark.parametrize("change, field, words", [
    (dict(topic="cats"), "topic", "not a topic id"),
    (dict(answer="too short"), "answer.en", "words"),
    (dict(asks=('"only one?"',)), "asks.en", "1 questions"),
    (dict(cid="Bad-Id"), "id", "lower case"),
])
def test_a_bad_field_is_named_with_file_line_and_card(tmp_path, change, field, words):
    folder = write(tmp_path, card(), card("b_card", **{k: v for k, v in change.items() if k != "cid"})
                   if "cid" not in change else card(change["cid"]))
    with pytest.raises(DataError) as err:
        load_cards(folder)
    assert err.value.field == field
    assert words in err.value.message
    assert err.value.path.endswith("a.yml") and err.value.line and err.value.line > 10
    if "cid" not in change:
        assert err.value.entry == "b_card"


def test_unknown_section_duplicate_id_and_dangling_related_are_refused(tmp_path):
    with pytest.raises(DataError, match="not a section"):
        load_cards(write(tmp_path, card(section="Chapter 99")))
    folder = write(tmp_path, card(), name="a.yml")
    write(tmp_path, card(), name="b.yml")
    with pytest.raises(DataError, match="earlier card"):
        load_cards(folder)
    (folder / "b.yml").unlink()
    with pytest.raises(DataError, match="'ghost', which is not a card"):
        load_cards(write(tmp_path, card(related="[ghost]")))


def test_an_unknown_field_and_an_empty_folder_are_refused(tmp_path):
    with pytest.raises(DataError) as err:
        load_cards(write(tmp_path, card(extra="    colour: blue\n")))
    assert err.value.field == "colour"
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(DataError, match="no card file"):
        load_cards(empty)
