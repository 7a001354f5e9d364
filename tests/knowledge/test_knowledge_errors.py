"""Operators get a precise error (file, line, entry, field) for every kind of mistake."""
from __future__ import annotations

import pytest

from bot.datafile import DataError
from bot.knowledge import load_catalogue
from tests.knowledge.knowledge_helpers import line_of, topics_text, words, write


def _error(tmp_path, text) -> DataError:
    path = write(tmp_path, text)
    with pytest.raises(DataError) as info:
        load_catalogue(path)
    return info.value


def _assert_located(err: DataError, tmp_path, line, entry, field):
    message = str(err)
    path = str(tmp_path / "topics.yml")
    assert err.path == path and message.startswith(f"{path}:{line}"), message
    assert (err.line, err.entry, err.field) == (line, entry, field), message
    assert f"entry {entry!r}" in message and f"field {field!r}" in message


def test_a_valid_minimal_file_loads(tmp_path):
    catalogue = load_catalogue(write(tmp_path, topics_text()))
    assert len(catalogue) == 20
    assert catalogue.get("inclusion").for_age("young_children") == "For little ones."


def test_missing_file_is_named(tmp_path):
    with pytest.raises(DataError) as info:
        load_catalogue(tmp_path / "nowhere.yml")
    assert str(tmp_path / "nowhere.yml") in str(info.value)
    assert "not found" in str(info.value)


def test_invalid_yaml_names_file_and_line(tmp_path):
    text = topics_text({"attachment": {"more": 'more: {en: "unclosed'}})
    err = _error(tmp_path, text)
    assert "invalid YAML" in str(err)
    assert err.line is not None and err.line >= line_of(text, "id: attachment")
    assert str(err).startswith(f"{tmp_path / 'topics.yml'}:{err.line}")


def test_missing_field(tmp_path):
    text = topics_text({"inclusion": {"example": None}})
    err = _error(tmp_path, text)
    _assert_located(err, tmp_path, line_of(text, "id: inclusion"), "inclusion", "example")
    assert "missing" in str(err)


def test_wrong_type_for_a_text(tmp_path):
    text = topics_text({"transitions": {"title": "title: [a, b]"}})
    err = _error(tmp_path, text)
    _assert_located(err, tmp_path, line_of(text, "title: [a, b]"), "transitions", "title")


def test_wrong_type_for_related(tmp_path):
    text = topics_text({"transitions": {"related": "related: attachment"}})
    err = _error(tmp_path, text)
    _assert_located(err, tmp_path, line_of(text, "related: attachment"), "transitions", "related")
    assert "list" in str(err)


def test_duplicate_id(tmp_path):
    text = topics_text(extra=topics_text().split("topics:\n")[1].split("\n  - id: co_regulation")[0])
    err = _error(tmp_path, text)
    second = line_of(text, "id: holding_on", after="id: co_production")
    _assert_located(err, tmp_path, second, "holding_on", "id")
    assert "duplicate" in str(err) and f"line {line_of(text, 'id: holding_on')}" in str(err)


def test_id_with_bad_characters(tmp_path):
    text = topics_text(extra=topics_text().split("topics:\n")[1]
                       .split("\n  - id: co_regulation")[0].replace("holding_on", "Holding-On"))
    err = _error(tmp_path, text)
    _assert_located(err, tmp_path, line_of(text, "id: Holding-On"), "#21", "id")


def test_missing_required_topic(tmp_path):
    text = topics_text(drop=("missing_middle",))
    err = _error(tmp_path, text)
    _assert_located(err, tmp_path, line_of(text, "topics:"), "missing_middle", "id")
    assert "required topic is missing" in str(err)


def test_related_id_unknown(tmp_path):
    text = topics_text({"whole_school": {"related": "related: [holding_on, homework_club]"}})
    err = _error(tmp_path, text)
    _assert_located(err, tmp_path, line_of(text, "homework_club"), "whole_school", "related[1]")
    assert "homework_club" in str(err)


def test_related_to_itself(tmp_path):
    text = topics_text({"whole_school": {"related": "related:\n      - holding_on\n      - whole_school"}})
    err = _error(tmp_path, text)
    _assert_located(err, tmp_path, line_of(text, "- whole_school"), "whole_school", "related[1]")
    assert "itself" in str(err)


@pytest.mark.parametrize("count", [39, 181])
def test_answer_outside_word_bounds(tmp_path, count):
    text = topics_text({"attachment": {"answer": f'answer: {{en: "{words(count)}"}}'}})
    err = _error(tmp_path, text)
    _assert_located(err, tmp_path, line_of(text, "answer", after="id: attachment"), "attachment", "answer")
    assert f"{count} words" in str(err)


@pytest.mark.parametrize("count", [40, 180])
def test_answer_at_word_bounds_is_accepted(tmp_path, count):
    text = topics_text({"attachment": {"answer": f'answer: {{en: "{words(count)}"}}'}})
    assert load_catalogue(write(tmp_path, text)).get("attachment").answer().count("word") == count


def test_unknown_age_group(tmp_path):
    ages = ('ages:\n      young_children: {en: "x"}\n      teenagers: {en: "y"}\n'
            '      pensioners: {en: "z"}')
    text = topics_text({"co_production": {"ages": ages}})
    err = _error(tmp_path, text)
    _assert_located(err, tmp_path, line_of(text, "pensioners"), "co_production", "ages.pensioners")


def test_missing_age_group(tmp_path):
    text = topics_text({"co_production": {"ages": 'ages:\n      teenagers: {en: "y"}'}})
    err = _error(tmp_path, text)
    _assert_located(err, tmp_path, line_of(text, "ages:", after="id: co_production"),
                    "co_production", "ages.young_children")


def test_unknown_language_code(tmp_path):
    text = topics_text({"trusted_adult": {"more": 'more: {en: "More.", fr: "Plus."}'}})
    err = _error(tmp_path, text)
    _assert_located(err, tmp_path, line_of(text, "fr:"), "trusted_adult", "more")
    assert "'fr'" in str(err)


def test_unknown_language_code_in_an_age_text(tmp_path):
    ages = 'ages:\n      young_children: {en: "x", de: "y"}\n      teenagers: {en: "y"}'
    text = topics_text({"trusted_adult": {"ages": ages}})
    err = _error(tmp_path, text)
    _assert_located(err, tmp_path, line_of(text, "de:"), "trusted_adult", "ages.young_children")


def test_english_text_is_required(tmp_path):
    text = topics_text({"trusted_adult": {"example": 'example: {cy: "Enghraifft."}'}})
    err = _error(tmp_path, text)
    _assert_located(err, tmp_path, line_of(text, "Enghraifft"), "trusted_adult", "example")


def test_misspelt_field_is_reported(tmp_path):
    text = topics_text({"inclusion": {"releated": "releated: [holding_on]"}})
    err = _error(tmp_path, text)
    _assert_located(err, tmp_path, line_of(text, "releated"), "inclusion", "releated")


def test_welsh_texts_are_used_when_present(tmp_path):
    text = topics_text({"holding_on": {"title": 'title: {en: "Holding on", cy: "Dal ati"}'}})
    topic = load_catalogue(write(tmp_path, text)).get("holding_on")
    assert topic.title("cy") == "Dal ati"
    assert topic.title("en") == "Holding on"
    assert topic.answer("cy") == topic.answer("en")  # no Welsh answer yet: English


def test_environment_variable_chooses_the_file(tmp_path, monkeypatch):
    text = topics_text({"holding_on": {"title": 'title: {en: "From the override"}'}})
    monkeypatch.setenv("NEST_TOPICS_FILE", str(write(tmp_path, text)))
    assert load_catalogue().get("holding_on").title() == "From the override"
