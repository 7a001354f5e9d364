"""The web chat page's texts, config and request checks, without a browser or a model."""
import json
import re
from pathlib import Path

import pytest

from bot.channels.page import (MAX_MESSAGE_CHARS, REQUIRED_KEYS, STATIC_DIR, load_page_texts,
                               page_config, render_index, static_file)
from bot.channels.webchat import parse_webhook_body
from bot.datafile import DataError

JS = (STATIC_DIR / "chat.js").read_text(encoding="utf-8")
HTML = (STATIC_DIR / "index.html").read_text(encoding="utf-8")
SHIPPED = load_page_texts()


def write(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "web.yml"
    path.write_text(body, encoding="utf-8")
    return path


def minimal_file(extra: str = "", languages: str = "  en: English\n  cy: Cymraeg\n") -> str:
    lines = [f"  {key}: {{en: \"{key} text\"}}" for key in REQUIRED_KEYS if key not in extra]
    return "version: 1\nlanguages:\n" + languages + "texts:\n" + "\n".join(lines) + "\n" + extra


def test_every_label_the_page_uses_is_in_the_shipped_file():
    used = set(re.findall(r"\bt\(\"([a-z_.]+)\"[,)]", JS))
    used |= set(re.findall(r'data-t="([a-z_.]+)"', HTML))
    used |= {k for k in re.findall(r"\{\{([a-z_.]+)\}\}", HTML) if "." in k}
    assert used, "no labels found in the page"
    assert used <= set(REQUIRED_KEYS)
    assert set(REQUIRED_KEYS) <= set(SHIPPED.texts)
    # keys built at run time: one per booking step, kind, mode and status
    built = [f"booking.heading_{step}" for step in
             ("offer", "confirm", "confirmed", "list", "cancelled", "unavailable", "error")]
    built += [f"booking.kind_{kind}" for kind in ("consultation", "drop_in")]
    built += [f"booking.mode_{mode}" for mode in ("phone", "video", "in_person")]
    built += [f"booking.status_{status}" for status in ("booked", "cancelled", "moved")]
    assert set(built) <= set(REQUIRED_KEYS)


def test_the_page_offers_english_and_welsh_and_falls_back_to_english():
    config = page_config(SHIPPED, notice=lambda lang: f"notice in {lang}")
    assert config["languages"] == {"en": "English", "cy": "Cymraeg"}
    assert set(config["texts"]["cy"]) == set(config["texts"]["en"])
    for key, text in config["texts"]["cy"].items():
        assert text == SHIPPED.texts[key].get("cy", SHIPPED.texts[key]["en"])
    assert config["notice"] == {"en": "notice in en", "cy": "notice in cy"}


def test_the_privacy_notice_comes_from_the_privacy_texts():
    from bot.privacy.notice import short_notice
    config = page_config(SHIPPED)
    assert config["notice"]["en"] == short_notice("en")
    assert "don't type a child's name" in config["notice"]["en"]
    page = render_index(config)
    assert "don&#x27;t type a child&#x27;s name" in page


def test_a_welsh_text_is_used_where_there_is_one(tmp_path):
    body = minimal_file('  input.send: {en: "Send", cy: "Anfon"}\n')
    texts = load_page_texts(write(tmp_path, body))
    config = page_config(texts, notice=lambda lang: "n")
    assert config["texts"]["cy"]["input.send"] == "Anfon"
    assert config["texts"]["en"]["input.send"] == "Send"
    assert config["texts"]["cy"]["page.title"] == "page.title text"
    assert '<html lang="cy">' in render_index(config, "cy")
    assert ">Anfon<" in render_index(config, "cy")


def test_texts_are_escaped_in_the_page_and_cannot_end_the_config_script(tmp_path):
    body = minimal_file('  page.heading: {en: "A <b>bold</b> & </script><script>alert(1)</script>"}\n')
    config = page_config(load_page_texts(write(tmp_path, body)), notice=lambda lang: "<i>n</i>")
    page = render_index(config)
    assert "<b>bold</b>" not in page and "&lt;b&gt;bold&lt;/b&gt; &amp;" in page
    assert "<i>n</i>" not in page
    assert page.count("</script>") == 2          # the config's and chat.js's, nothing injected
    embedded = re.search(r'<script type="application/json" id="webchat-config">(.*?)</script>', page, re.S)
    assert json.loads(embedded.group(1))["texts"]["en"]["page.heading"].endswith("alert(1)</script>")


def test_a_missing_label_names_the_file_and_the_key(tmp_path):
    body = minimal_file().replace('  input.send: {en: "input.send text"}\n', "")
    with pytest.raises(DataError) as error:
        load_page_texts(write(tmp_path, body))
    assert "web.yml" in str(error.value) and "'input.send'" in str(error.value)


def test_placeholders_must_match_between_languages(tmp_path):
    body = minimal_file('  answer.source: {en: "Source: {source}", cy: "Ffynhonnell: {ffynhonnell}"}\n')
    path = write(tmp_path, body)
    with pytest.raises(DataError) as error:
        load_page_texts(path)
    line = next(i for i, text in enumerate(body.splitlines(), 1) if text.startswith("  answer.source"))
    assert f"web.yml:{line}" in str(error.value)
    assert "'answer.source'" in str(error.value) and "placeholders" in str(error.value)


def test_an_unknown_language_and_a_missing_english_text_are_refused(tmp_path):
    with pytest.raises(DataError, match="unknown language code 'fr'"):
        load_page_texts(write(tmp_path, minimal_file(languages="  en: English\n  fr: Français\n")))
    body = minimal_file('  input.send: {cy: "Anfon"}\n')
    with pytest.raises(DataError, match="missing the 'en' text"):
        load_page_texts(write(tmp_path, body))


def test_only_the_pages_own_assets_are_served():
    assert static_file("chat.js")[1].startswith("application/javascript")
    assert static_file("chat.css")[1].startswith("text/css")
    for name in ("index.html", "../page.py", "..%2Fpage.py", "", "chat.js/"):
        assert static_file(name) is None


@pytest.mark.parametrize("body, problem", [
    (None, "JSON object"),
    ([], "JSON object"),
    ({"message": "hi"}, "'sender'"),
    ({"sender": "short", "message": "hi"}, "'sender'"),
    ({"sender": "web-" + "a" * 32 + " x", "message": "hi"}, "'sender'"),
    ({"sender": "web-" + "a" * 32}, "'message'"),
    ({"sender": "web-" + "a" * 32, "message": 3}, "'message'"),
    ({"sender": "web-" + "a" * 32, "message": "x" * (MAX_MESSAGE_CHARS + 1)}, "longer than"),
])
def test_bad_webhook_requests_are_refused_with_a_reason(body, problem):
    parsed, why = parse_webhook_body(body)
    assert parsed is None and problem in why


def test_a_good_webhook_request_is_accepted():
    sender = "web-0123456789abcdef0123456789abcdef"
    assert parse_webhook_body({"sender": sender, "message": "hello"}) == ((sender, "hello"), None)
    assert parse_webhook_body({"sender": sender, "message": "x" * MAX_MESSAGE_CHARS})[0] is not None
