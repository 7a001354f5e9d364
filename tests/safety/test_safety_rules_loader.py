"""A malformed risk rules file fails loudly, naming the file, line, rule and field.

The file is edited by a safeguarding lead, not a programmer; a silent mistake
could switch a rule off, so every mistake must stop the bot from loading it and
say exactly where it is.
"""
from __future__ import annotations

import textwrap

import pytest

from bot.datafile import DataError
from bot.safety import RiskDetector

HEADER = """\
categories:
  suicide: {description: Suicide}
  self_harm: {description: Self-harm}
lists:
  reflexive: [myself, herself]
rules:
"""

GOOD_RULE = """\
  - id: suicide.kill_self
    category: suicide
    description: Killing oneself.
    patterns:
      - [{LEMMA: kill}, {LOWER: {IN: "@reflexive"}}]
"""


def _write(tmp_path, body: str):
    path = tmp_path / "risk_rules.yml"
    path.write_text(HEADER + textwrap.dedent(body), encoding="utf-8")
    return path


def _error(tmp_path, body: str) -> tuple[DataError, str]:
    path = _write(tmp_path, body)
    with pytest.raises(DataError) as info:
        RiskDetector(path)
    return info.value, path.read_text(encoding="utf-8")


def _line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


def test_safety_loader_accepts_a_minimal_file(tmp_path):
    detector = RiskDetector(_write(tmp_path, GOOD_RULE))
    assert detector.assess("she wants to kill herself").rules == ("suicide.kill_self",)


def test_safety_loader_unknown_category(tmp_path):
    err, text = _error(tmp_path, GOOD_RULE.replace("category: suicide", "category: suicde"))
    assert err.entry == "suicide.kill_self" and err.field == "category"
    assert err.line == _line_of(text, "category: suicde")
    assert "unknown category 'suicde'" in str(err) and "risk_rules.yml" in str(err)


def test_safety_loader_pattern_must_be_a_list_of_tokens(tmp_path):
    err, text = _error(tmp_path, GOOD_RULE.replace(
        '[{LEMMA: kill}, {LOWER: {IN: "@reflexive"}}]', "{LEMMA: kill}"))
    assert (err.entry, err.field) == ("suicide.kill_self", "patterns[0]")
    assert err.line == _line_of(text, "- {LEMMA: kill}")


def test_safety_loader_token_must_be_a_mapping(tmp_path):
    err, _ = _error(tmp_path, GOOD_RULE.replace('[{LEMMA: kill}, {LOWER: {IN: "@reflexive"}}]',
                                                "[kill, myself]"))
    assert (err.entry, err.field) == ("suicide.kill_self", "patterns[0][0]")


def test_safety_loader_empty_phrase_list(tmp_path):
    err, text = _error(tmp_path, """\
      - id: self_harm.words
        category: self_harm
        description: Self-harm words.
        phrases: []
    """)
    assert (err.entry, err.field) == ("self_harm.words", "phrases")
    assert err.line == _line_of(text, "phrases: []")


def test_safety_loader_unknown_token_attribute(tmp_path):
    err, text = _error(tmp_path, GOOD_RULE.replace("{LEMMA: kill}", "{LEMA: kill}"))
    assert (err.entry, err.field) == ("suicide.kill_self", "patterns[0][0].LEMA")
    assert "unknown token attribute 'LEMA'" in str(err)
    assert err.line == _line_of(text, "LEMA")


def test_safety_loader_unknown_word_list(tmp_path):
    err, _ = _error(tmp_path, GOOD_RULE.replace("@reflexive", "@reflexives"))
    assert (err.entry, err.field) == ("suicide.kill_self", "patterns[0][1].LOWER.IN")
    assert "unknown word list '@reflexives'" in str(err)


def test_safety_loader_pattern_word_must_be_one_token(tmp_path):
    err, _ = _error(tmp_path, GOOD_RULE.replace("{LEMMA: kill}", "{LOWER: won't}"))
    assert err.field == "patterns[0][0].LOWER"
    assert "several words" in str(err)


def test_safety_loader_bad_operator_and_all_optional(tmp_path):
    err, _ = _error(tmp_path, GOOD_RULE.replace("{LEMMA: kill}", '{LEMMA: kill, OP: "x"}'))
    assert err.field == "patterns[0][0].OP"
    err, _ = _error(tmp_path, GOOD_RULE.replace(
        '[{LEMMA: kill}, {LOWER: {IN: "@reflexive"}}]', '[{LEMMA: kill, OP: "?"}]'))
    assert err.field == "patterns[0]" and "optional" in str(err)


def test_safety_loader_bad_regex(tmp_path):
    err, _ = _error(tmp_path, GOOD_RULE.replace("{LEMMA: kill}", '{LOWER: {REGEX: "("}}'))
    assert err.field == "patterns[0][0].LOWER.REGEX" and "regular expression" in str(err)


def test_safety_loader_duplicate_id_and_missing_description(tmp_path):
    err, _ = _error(tmp_path, GOOD_RULE + GOOD_RULE)
    assert (err.entry, err.field) == ("suicide.kill_self", "id") and "duplicate" in str(err)
    err, _ = _error(tmp_path, GOOD_RULE.replace("    description: Killing oneself.\n", ""))
    assert (err.entry, err.field) == ("suicide.kill_self", "description")


def test_safety_loader_unknown_field_is_a_typo(tmp_path):
    err, text = _error(tmp_path, GOOD_RULE.replace("patterns:", "pattern:"))
    assert (err.entry, err.field) == ("suicide.kill_self", "pattern")
    assert err.line == _line_of(text, "pattern:")


def test_safety_loader_rule_without_anything_to_match(tmp_path):
    err, _ = _error(tmp_path, """\
      - id: suicide.empty
        category: suicide
        description: Nothing here.
    """)
    assert err.entry == "suicide.empty" and "nothing to match" in str(err)


def test_safety_loader_near_needs_window_and_two_words(tmp_path):
    err, _ = _error(tmp_path, """\
      - id: self_harm.near
        category: self_harm
        description: Blade near arm.
        near: {window: 0, words: [{LOWER: blade}, {LOWER: arm}]}
    """)
    assert (err.entry, err.field) == ("self_harm.near", "near.window")
    err, _ = _error(tmp_path, """\
      - id: self_harm.near
        category: self_harm
        description: Blade near arm.
        near: {window: 5, words: [{LOWER: blade}]}
    """)
    assert (err.entry, err.field) == ("self_harm.near", "near.words")


def test_safety_loader_suppressor_scope_is_checked(tmp_path):
    err, _ = _error(tmp_path, GOOD_RULE + """\
    suppressors:
      - id: idiom.x
        scope: paragraph
        description: Bad scope.
        phrases: [killing me]
    """.replace("    suppressors", "suppressors"))
    assert (err.entry, err.field) == ("idiom.x", "scope")


def test_safety_loader_invalid_yaml_names_the_line(tmp_path):
    err, _ = _error(tmp_path, GOOD_RULE + "  - id: [unclosed\n")
    assert err.line is not None and "invalid YAML" in str(err)
