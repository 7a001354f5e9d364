"""Message texts: every key the code uses exists, placeholders agree."""
import re
from pathlib import Path

import pytest

from bot.datafile import DataError
from bot.texts import load_texts

REPO = Path(__file__).resolve().parents[2]


def test_every_text_key_used_in_code_exists():
    texts = load_texts()
    used = set()
    for path in list((REPO / "bot").rglob("*.py")) + list((REPO / "actions").rglob("*.py")):
        used |= set(re.findall(r"\bt\(\s*[f]?\"([a-z_.{}]+)\"", path.read_text()))
    missing = set()
    for key in used:
        if "{" in key:  # f-string keys: check every age group / variant exists
            pattern = re.compile("^" + re.sub(r"\\\{[^}]*\\\}", "[a-z_]+", re.escape(key)) + "$")
            if not any(pattern.match(k) for k in texts):
                missing.add(key)
        elif key not in texts:
            missing.add(key)
    assert not missing


def test_placeholder_mismatch_between_languages_is_reported(tmp_path):
    bad = tmp_path / "messages.yml"
    bad.write_text('texts:\n  answer.source:\n    en: "From {section}"\n    cy: "O {adran}"\n')
    with pytest.raises(DataError) as err:
        load_texts(bad)
    assert "messages.yml:2" in str(err.value) and "answer.source" in str(err.value)
