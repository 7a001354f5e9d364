"""The web chat page's labels and notices (data/texts/web.yml) exist in Welsh,
keep the English {placeholders}, and the Welsh page shows them."""
from __future__ import annotations

import html
import re

import pytest

from bot.channels.page import DEFAULT_WEB_TEXTS_FILE, REQUIRED_KEYS, load_page_texts, page_config, render_index
from bot.datafile import load_yaml
from tests.welsh.welsh_helpers import placeholders, welsh_problems, words_outside_placeholders

SHIPPED = load_page_texts(DEFAULT_WEB_TEXTS_FILE)


def notice(lang: str) -> str:
    return f"notice in {lang}"


def test_every_page_text_has_welsh_with_the_same_placeholders():
    assert len(SHIPPED.texts) >= len(REQUIRED_KEYS)
    missing = [key for key, value in SHIPPED.texts.items()
               if not isinstance(value.get("cy"), str) or not value["cy"].strip()]
    assert missing == []
    differ = [key for key, value in SHIPPED.texts.items()
              if placeholders(value["cy"]) != placeholders(value["en"])]
    assert differ == []


def test_the_raw_file_has_no_untranslated_or_copied_texts():
    # Read the YAML directly as well, so a key the loader skipped would still be caught.
    data = load_yaml(DEFAULT_WEB_TEXTS_FILE)
    assert set(data["texts"]) == set(SHIPPED.texts)
    problems = welsh_problems({"texts": dict(data["texts"])})
    assert not problems, "\n".join(problems)
    # welsh_problems only flags copies of three words or more; a page label is often one word.
    copied = [key for key, value in data["texts"].items()
              if words_outside_placeholders(value["en"]) and value["cy"].strip() == value["en"].strip()]
    assert copied == []


def test_welsh_page_config_shows_welsh_labels_not_english():
    config = page_config(SHIPPED, notice=notice)
    welsh, english = config["texts"]["cy"], config["texts"]["en"]
    assert set(welsh) == set(english)
    assert [key for key in welsh if welsh[key] == english[key]] == []
    assert welsh["page.title"] == "Cynorthwyydd ymarfer NYTH"
    assert welsh["signpost.open_now"] == "Ar agor nawr"
    assert welsh["signpost.closed"] == "Ar gau"
    assert welsh["booking.kind_drop_in"] == "Sesiwn galw heibio"
    assert welsh["signpost.call_999"] == "Ffoniwch 999"
    assert welsh["booking.minutes"].format(minutes=30) == "30 munud"
    assert welsh["status.too_long"].format(max=2000).startswith("Mae'r neges honno'n rhy hir")


def test_the_framework_is_named_nyth_in_welsh():
    welsh = SHIPPED.for_language("cy")
    for key, value in SHIPPED.texts.items():
        if re.search(r"\bNEST\b", value["en"]):
            assert "NYTH" in welsh[key] and "NEST" not in welsh[key], key


@pytest.mark.parametrize("key", ["page.heading", "page.tagline", "input.send", "log.empty", "page.new_conversation"])
def test_welsh_index_page_carries_welsh_labels(key):
    config = page_config(SHIPPED, notice=notice)
    page = render_index(config, "cy")
    assert '<html lang="cy">' in page
    assert html.escape(SHIPPED.get(key, "cy")) in page
    body = page.split("</script>", 1)[1]  # the config script before it holds every language
    assert html.escape(SHIPPED.get(key, "en")) not in body
