"""The web chat page in real headless Chromium against both running servers."""
import re

import pytest

from bot.channels.page import load_page_texts, page_config
from bot.knowledge import get_catalogue
from tests.browser.conftest import contrast

pytestmark = pytest.mark.slow

SETTING = "Ysgol Gynradd Pen-y-Bryn"


def px(value: str) -> float:
    return float(value.replace("px", ""))


def _assert_readable(page, elements, minimum=4.5):
    for element in elements:
        ratio = contrast(page.driver, element)
        assert ratio >= minimum, (element.get_attribute("outerHTML")[:200], round(ratio, 2))


def test_browser_topic_answer_with_its_source(page):
    page.open()
    notice = page.find("#privacy-notice")
    assert notice.is_displayed()
    assert "don't type a child's name" in notice.text
    assert not page.bot_turns()

    topic = get_catalogue().get("co_regulation")
    turn = page.type_and_enter("how do I help a dysregulated child calm down?")
    assert page.user_turns() == ["how do I help a dysregulated child calm down?"]
    assert topic.answer()[:60] in turn.text
    source = page.find_all(".source", within=turn)
    assert [s.text for s in source] == [f"Source: {topic.source()}"]

    # a button sends its payload and shows its title as the user's message
    title, turn = page.click_button(turn, "Tell me more", "/tell_me_more")
    assert page.user_turns()[-1] == title
    assert topic.more()[:60] in turn.text
    _assert_readable(page, page.find_all(".msg .bubble p") + page.find_all("button.reply")
                     + page.find_all(".source") + [notice, page.find("#send")])
    assert page.console_errors() == []         # no script error, nothing refused by the CSP
    page.screenshot("topic-answer")


def test_browser_emergency_card_stands_out(page):
    page.open()
    turn = page.type_and_enter("a pupil told me her stepdad hits her")
    cards = page.find_all(".card.signpost.emergency", within=turn)
    assert cards, "no emergency card; the bot answered: " + turn.text[:300]
    card = cards[0]
    assert card.get_attribute("role") == "alert"
    assert card.find_element("css selector", "h3").text == "If a child is in danger now"
    call = card.find_element("css selector", "a.call-999")
    assert call.get_attribute("href") == "tel:999" and call.text == "Call 999"
    assert call.size["height"] >= 48 and px(call.value_of_css_property("font-size")) >= 28
    # the card is the first thing in the reply and is red, with white text
    assert turn.find_elements("css selector", ".group")[0].find_elements("css selector", ".emergency")
    assert card.value_of_css_property("background-color") == "rgba(161, 0, 26, 1)"
    # the 24/7 lines are there with numbers to tap
    tel_links = [a.get_attribute("href") for a in card.find_elements("css selector", ".services a.tel")]
    assert tel_links and all(re.fullmatch(r"tel:\+?\d{3,}", h) for h in tel_links)
    _assert_readable(page, [card.find_element("css selector", "h3"), call]
                     + card.find_elements("css selector", ".steps li, .lead, .service-name, a.contact"))
    page.screenshot("emergency-card")


def test_browser_signposting_card_with_tel_links(page):
    page.open()
    turn = page.type_and_enter("who can I call now")
    cards = page.find_all(".card.signpost", within=turn)
    assert cards, "no signposting card; the bot answered: " + turn.text[:300]
    services = page.find_all(".service", within=cards[0])
    assert services
    for service in services:
        name = service.find_element("css selector", ".service-name").text
        assert name
        label = service.find_element("css selector", ".badge").text
        assert label in ("Open now", "Closed"), (name, label)
        assert service.find_element("css selector", ".service-hours").text.startswith("Hours: ")
    tel = page.find_all("a.contact.tel", within=cards[0])
    assert tel and all(re.fullmatch(r"tel:\+?\d{3,}", a.get_attribute("href")) for a in tel)
    sms = page.find_all("a.contact.sms", within=cards[0])
    assert all(re.fullmatch(r"sms:\d{3,}(\?body=\w+)?", a.get_attribute("href")) for a in sms)
    assert "Open now" in [b.text for b in page.find_all(".badge", within=cards[0])]   # Tuesday 10am
    # the plain-text version is one keypress away, not repeated on screen
    details = page.find_all("details.as-text", within=turn)
    assert details and details[0].get_attribute("open") is None
    _assert_readable(page, page.find_all(".badge, .service-name, .service-hours, a.contact", within=cards[0]))
    page.screenshot("signposting-card")


def test_browser_keyboard_only(page):
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.keys import Keys

    page.open()
    keys = ActionChains(page.driver)

    def focused():
        return page.driver.switch_to.active_element

    # Tab from the top of the page reaches the message box; typing and Enter sends
    for _ in range(8):
        keys.send_keys(Keys.TAB).perform()
        if focused().get_attribute("id") == "message":
            break
    assert focused().get_attribute("id") == "message"
    before = page.replies()
    keys.send_keys("hello").send_keys(Keys.ENTER).perform()
    page.wait_for_reply(before)
    assert page.user_turns() == ["hello"]
    before = page.replies()
    keys.send_keys("what is the missing middle?").send_keys(Keys.ENTER).perform()
    turn = page.wait_for_reply(before)         # a long answer: its buttons end up low on the screen
    reply_buttons = page.find_all("button.reply", within=turn)
    assert reply_buttons

    # Tab (backwards from the box) reaches the reply's buttons; the focus is visible
    seen = []
    for _ in range(20):
        keys.key_down(Keys.SHIFT).send_keys(Keys.TAB).key_up(Keys.SHIFT).perform()
        element = focused()
        if "reply" in (element.get_attribute("class") or ""):
            seen.append(element)
            break
    assert seen, "Shift+Tab never reached a reply button"
    button = seen[0]
    assert page.is_uncovered(button)          # not hidden under the sticky message box
    assert button.value_of_css_property("outline-style") == "solid"
    assert button.value_of_css_property("box-shadow") != "none"
    page.screenshot("keyboard-focus")
    title = button.text
    before = page.replies()
    keys.send_keys(Keys.ENTER).perform()
    page.wait_for_reply(before)
    assert page.user_turns()[-1] == title
    # after a button the focus is back in the message box, ready to type
    assert focused().get_attribute("id") == "message"

    # every control a user needs is reachable with Tab
    reached = set()
    for _ in range(60):
        keys.send_keys(Keys.TAB).perform()
        reached.add(focused().get_attribute("id") or focused().tag_name)
    assert {"message", "send", "language-toggle", "new-conversation"} <= reached


def test_browser_320px_wide_has_no_horizontal_scroll(page):
    page.open()
    page.emulate_width(320, 640)
    page.type_and_enter("who can I call now")
    page.type_and_enter("what is the missing middle?")
    page.type_and_enter("https://example.org/a/very/long/address/that/does/not/break/anywhere/at/all/ok")
    width = page.driver.execute_script("return window.innerWidth")
    assert width == 320
    overflow = page.driver.execute_script(
        "return [document.documentElement.scrollWidth, document.body.scrollWidth]")
    assert max(overflow) <= 320, overflow
    for element in page.find_all("button.reply, a.contact, #send"):
        assert element.rect["x"] >= 0 and element.rect["x"] + element.rect["width"] <= 320 + 0.5
    page.screenshot("narrow-320px")


def test_browser_reduced_motion_turns_animation_off(page):
    page.driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {
        "features": [{"name": "prefers-reduced-motion", "value": "reduce"}]})
    page.open()
    page.type_and_enter("hello")
    assert page.find("#log > li.msg").value_of_css_property("animation-name") == "none"


def test_browser_reload_keeps_the_conversation(page):
    page.open()
    page.type_and_enter("<b>bold</b> <img src=x onerror=\"document.title='pwned'\">")
    page.type_and_enter("what is co-regulation?")
    before_texts = [li.text for li in page.find_all("#log > li")]
    sender = page.stored_state()["sender"]
    assert re.fullmatch(r"web-[0-9a-f]{32}", sender)

    page.reload()
    assert [li.text for li in page.find_all("#log > li")] == before_texts
    assert page.stored_state()["sender"] == sender
    # typed markup is shown as text, never run
    assert page.user_turns()[0] == "<b>bold</b> <img src=x onerror=\"document.title='pwned'\">"
    assert not page.find_all("#log img, #log b")
    assert page.driver.title != "pwned"
    # the bot still has the context: "tell me more" goes on with co-regulation
    topic = get_catalogue().get("co_regulation")
    turn = page.type_and_enter("tell me more")
    assert topic.more()[:60] in turn.text
    page.screenshot("after-reload")

    # "New conversation" starts afresh with a new sender id
    page.find("#new-conversation").click()
    page.driver.switch_to.alert.accept()
    page.wait_for(lambda: not page.find_all("#log > li"), "the log to clear")
    assert page.stored_state()["sender"] != sender
    assert page.find("#empty-hint").is_displayed()


def test_browser_language_toggle(page):
    page.open()
    toggle = page.find("#language-toggle")
    assert toggle.text == "Cymraeg" and toggle.get_attribute("lang") == "cy"
    toggle.click()
    page.wait_for(lambda: page.driver.execute_script("return document.documentElement.lang") == "cy",
                  "the page to switch to Welsh")
    page.wait_for(lambda: page.replies() == 1, "the switch to be sent")
    assert page.find("#language-toggle").text == "English"
    assert page.user_turns() == []                    # the switch is not shown as a message
    # labels and notice in Welsh, English where there is no Welsh text yet (never a key)
    welsh = page_config(load_page_texts())
    assert page.find("#send").text == welsh["texts"]["cy"]["input.send"]
    assert page.find("#privacy-notice").text == welsh["notice"]["cy"]
    page.reload()
    assert page.driver.execute_script("return document.documentElement.lang") == "cy"
    page.find("#language-toggle").click()
    page.wait_for(lambda: page.driver.execute_script("return document.documentElement.lang") == "en",
                  "the page to switch back to English")


def test_browser_booking_through_buttons(page):
    page.open()
    page.type_and_enter("I'd like to book a consultation with our link worker")
    turn = page.type_and_enter(SETTING)
    offer = page.find_all(".card.booking.step-offer", within=turn)
    assert offer, "no booking offer card; the bot answered: " + turn.text[:300]
    assert page.find_all(".offer-with strong", within=offer[0])
    title, turn = page.click_button(offer[0], "", '/choose_time{"session_id": "')
    assert page.user_turns()[-1] == title
    assert "name" in turn.text.lower()
    page.type_and_enter("Sam Jones")
    page.type_and_enter("class teacher")
    page.type_and_enter("sam.jones@example.org")
    turn = page.type_and_enter("a Year 5 pupil who is very anxious at drop-off")
    confirm = page.find_all(".card.booking.step-confirm", within=turn)
    assert confirm, "no confirmation card: " + turn.text[:300]
    labels = [dt.text for dt in page.find_all("dt", within=confirm[0])]
    assert {"With", "When", "Length"} <= set(labels)
    _, turn = page.click_button(confirm[0], "", "/affirm")
    done = page.find_all(".card.booking.step-confirmed", within=turn)
    assert done, "no confirmed card: " + turn.text[:300]
    code = done[0].find_element("css selector", ".reference.big .reference-code")
    assert re.fullmatch(r"NB-[0-9A-Z]{4,}", code.text)
    assert px(code.value_of_css_property("font-size")) >= 24
    page.screenshot("booking-confirmed")
