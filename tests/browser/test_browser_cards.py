"""How the page renders each contract-1 payload, in headless Chromium.

The page is served by a stand-in for the Rasa server (tests/browser/fakebot.py)
that answers with replies built by the project's own reply functions and
serialised by Rasa's own output channel, so these tests need no trained model
and pin the page to the payloads the bot really sends.
"""
import re
from datetime import datetime, timedelta

import pytest

from bot import clock
from bot.booking import BookingView, SessionView
from bot.conversation import booking, signposting
from bot.conversation.messages import BotMessage, button
from tests.browser.conftest import ChatPage, contrast
from tests.browser.fakebot import FakeBot, rest_entries

pytestmark = pytest.mark.slow

TUESDAY_10AM = datetime(2026, 11, 24, 10, 0, tzinfo=clock.LONDON)
SATURDAY_11PM = datetime(2026, 11, 28, 23, 0, tzinfo=clock.LONDON)


@pytest.fixture
def fake():
    bot = FakeBot().start()
    yield bot
    bot.stop()


@pytest.fixture
def fake_page(driver, fake):
    return ChatPage(driver, fake.url).open()


def digits(number: str) -> str:
    return re.sub(r"[^0-9+]", "", number)


def session(session_id: int, start: datetime, kind: str = "consultation") -> SessionView:
    return SessionView(session_id=session_id, professional_id="rhian", professional_name="Rhian Evans",
                       professional_role="CAMHS in-reach practitioner", start=start, length_minutes=30,
                       kind=kind, mode="video", capacity=1, places_left=1)


def test_emergency_card_from_the_safety_reply(fake, fake_page):
    message = signposting.emergency("en", at=SATURDAY_11PM)
    fake.reply("a child is at risk", rest_entries(message))
    turn = fake_page.type_and_enter("a child is at risk")

    card = turn.find_element("css selector", ".card.signpost.emergency")
    assert card.get_attribute("role") == "alert"
    assert card.find_element("css selector", "h3").text == "If a child is in danger now"
    assert card.find_element("css selector", "a.call-999").get_attribute("href") == "tel:999"
    steps = message.custom["steps"]
    assert card.find_element("css selector", ".lead").text == steps[0]["text"]
    assert [li.text for li in card.find_elements("css selector", ".steps li")] == [s["text"] for s in steps[1:]]
    listed = [s for s in message.custom["services"] if digits(s["phone"] or "") != "999"]
    names = [h.text for h in card.find_elements("css selector", ".service-name")]
    assert names == [s["name"] for s in listed]
    for item, service in zip(card.find_elements("css selector", ".service"), listed):
        if service["phone"]:
            assert item.find_element("css selector", "a.tel").get_attribute("href") == "tel:" + digits(service["phone"])
    # the same steps as plain text, folded; the offer to go on stays visible as buttons
    assert not turn.find_element("css selector", "details.as-text").get_attribute("open")
    titles = [b.text for b in turn.find_elements("css selector", "button.reply")]
    assert titles == [b["title"] for b in message.buttons]
    for element in card.find_elements("css selector", "h3, .lead, .steps li, a.call-999, .service-name, a.contact"):
        assert contrast(fake_page.driver, element) >= 4.5, element.text
    assert fake_page.console_errors() == []
    fake_page.screenshot("card-emergency")


def test_the_emergency_card_asks_which_local_authority_where_you_can_see_it(fake, fake_page):
    message = signposting.emergency("en", at=SATURDAY_11PM)
    fake.reply("she posted a goodbye message", rest_entries(message))
    turn = fake_page.type_and_enter("she posted a goodbye message")
    card = turn.find_element("css selector", ".card.signpost.emergency")
    prompt = card.find_element("css selector", "p.prompt")
    assert prompt.is_displayed() and "Which local authority area" in prompt.text
    titles = [b.text for b in turn.find_elements("css selector", "button.reply")]
    assert "Swansea Council" in titles and "Cardiff Council" in titles


def test_urgent_safeguarding_card_lists_the_steps_without_a_999_banner(fake, fake_page):
    from bot.services.authorities import get_authorities
    message = signposting.emergency("en", at=TUESDAY_10AM, level="urgent",
                                    authority=get_authorities()["swansea"])
    fake.reply("she has stopped eating lunch", rest_entries(message))
    turn = fake_page.type_and_enter("she has stopped eating lunch")
    card = turn.find_element("css selector", ".card.signpost")
    assert "emergency" not in card.get_attribute("class")
    assert not card.find_elements("css selector", "a.call-999")
    steps = [li.text for li in card.find_elements("css selector", ".steps li")]
    assert steps == [s["text"] for s in message.custom["steps"]]
    assert any("Act today" in s for s in steps) and any("01792 635700" in s for s in steps)
    assert fake_page.console_errors() == []


@pytest.mark.parametrize("at, name", [(TUESDAY_10AM, "weekday"), (SATURDAY_11PM, "night")])
def test_signposting_card_shows_each_service_with_links_and_open_label(fake, fake_page, at, name):
    message = signposting.signpost("who can I call now", "en", at=at)
    fake.reply("who can I call now", rest_entries(message))
    turn = fake_page.type_and_enter("who can I call now")
    card = turn.find_element("css selector", ".card.signpost")
    assert "emergency" not in card.get_attribute("class")
    services = message.custom["services"]
    items = card.find_elements("css selector", ".service")
    assert len(items) == len(services)
    for item, service in zip(items, services):
        assert item.find_element("css selector", ".service-name").text == service["name"]
        assert item.find_element("css selector", ".badge").text == ("Open now" if service["open_now"] else "Closed")
        assert item.find_element("css selector", ".service-hours").text == f"Hours: {service['hours']}"
        links = {a.get_attribute("class").split()[-1]: a.get_attribute("href")
                 for a in item.find_elements("css selector", "a.contact")}
        if service["phone"]:
            assert links["tel"] == "tel:" + digits(service["phone"])
        if service["text"]:
            assert links["sms"].startswith("sms:" + digits(service["text"]))
            if service.get("text_keyword"):
                assert links["sms"].endswith("?body=" + service["text_keyword"])
        if service["web"]:
            web = service["web"] if service["web"].startswith("http") else "https://" + service["web"]
            assert links["web"].rstrip("/") == web.rstrip("/")
            assert item.find_element("css selector", "a.web").get_attribute("target") == "_blank"
    # open and closed labels can both be told apart without colour: the word differs
    fake_page.screenshot(f"card-signposting-{name}")


def test_booking_offer_summary_and_reference(fake, fake_page):
    start = datetime(2026, 12, 1, 16, 0, tzinfo=clock.LONDON)
    offered = [session(101, start), session(102, start + timedelta(days=2), "drop_in")]
    fake.reply("book a consultation", rest_entries(booking.offer(offered, "en", professional="Rhian Evans")))
    turn = fake_page.type_and_enter("book a consultation")
    card = turn.find_element("css selector", ".card.booking.step-offer")
    assert card.find_element("css selector", "h3").text == "Sessions you can book"
    assert card.find_element("css selector", ".offer-with strong").text == "Rhian Evans"
    session_buttons = card.find_elements("css selector", "button.reply")
    assert [b.get_attribute("data-payload") for b in session_buttons[:2]] == [
        '/choose_time{"session_id": "101"}', '/choose_time{"session_id": "102"}']

    summary = booking.summary(offered[0], name="Sam Jones", role="class teacher", setting="Ysgol Pen-y-Bryn",
                              contact="sam@example.org", topic="settling after lunch")
    fake.reply('/choose_time{"session_id": "101"}', rest_entries(summary))
    title, turn = fake_page.click_button(card, "", '/choose_time{"session_id": "101"}')
    assert fake.received[-1][1] == '/choose_time{"session_id": "101"}'
    assert fake_page.user_turns()[-1] == title
    card = turn.find_element("css selector", ".card.booking.step-confirm")
    rows = {r.find_element("css selector", "dt").text: r.find_element("css selector", "dd").text
            for r in card.find_elements("css selector", ".summary-row")}
    assert rows["With"] == "Rhian Evans (CAMHS in-reach practitioner)"
    assert rows["When"].startswith("Tuesday 1 December") and "16:00" in rows["When"] and "16:30" in rows["When"]
    assert rows["Length"] == "30 minutes" and rows["Type"] == "Consultation" and rows["How"] == "Video call"

    done = BookingView(booking_id=1, reference="NB-7KQ2", status="booked", cancelled_by=None,
                       cancel_reason=None, session=offered[0], name="Sam Jones", role="class teacher",
                       setting="Ysgol Pen-y-Bryn", contact="sam@example.org", topic="settling after lunch",
                       conversation_id="x", created_at=TUESDAY_10AM)
    fake.reply("/affirm", rest_entries(booking.confirmed(done)))
    _, turn = fake_page.click_button(card, "", "/affirm")
    card = turn.find_element("css selector", ".card.booking.step-confirmed")
    assert card.find_element("css selector", "h3").text == "You're booked"
    code = card.find_element("css selector", ".reference.big .reference-code")
    assert code.text == "NB-7KQ2"
    assert float(code.value_of_css_property("font-size").rstrip("px")) >= 24
    assert contrast(fake_page.driver, code) >= 4.5
    assert fake_page.console_errors() == []
    fake_page.screenshot("card-booking")

    fake.reply("what have I booked", rest_entries(booking.listing([done])))
    turn = fake_page.type_and_enter("what have I booked")
    card = turn.find_element("css selector", ".card.booking.step-list")
    assert [c.text for c in card.find_elements("css selector", ".reference-code")] == ["NB-7KQ2"]


def test_answer_source_and_clarification(fake, fake_page):
    answer = BotMessage("Co-regulation is ...\n\nFrom the NEST framework: Trusted adults.",
                        [button("Tell me more", "tell_me_more")],
                        {"kind": "answer", "topic": "co_regulation", "source": "Trusted adults: co-regulation"})
    fake.reply("co-regulation", rest_entries(answer))
    turn = fake_page.type_and_enter("co-regulation")
    assert turn.find_element("css selector", ".source").text == "Source: Trusted adults: co-regulation"
    assert turn.find_element("css selector", ".bubble").text.startswith("Co-regulation is ...")
    clarify = BotMessage("Is it about one of these?", [button("Attachment", "topic_attachment")], {"kind": "clarify"})
    fake.reply("hmm", rest_entries(clarify))
    turn = fake_page.type_and_enter("hmm")
    assert turn.find_elements("css selector", ".bubble.clarify")
    assert [b.text for b in turn.find_elements("css selector", "button.reply")] == ["Attachment"]


def test_bot_text_is_shown_as_text_with_safe_links(fake, fake_page):
    evil = "<img src=x onerror=\"document.title='pwned'\"> see https://example.org/page. or javascript:alert(1)"
    fake.reply("links", [{"recipient_id": "x", "text": evil,
                          "buttons": [{"title": "<b>Go</b>", "payload": "/greet"}]}])
    turn = fake_page.type_and_enter("links")
    assert turn.find_element("css selector", ".bubble p").text == evil
    assert not fake_page.find_all("#log img, #log b")
    links = turn.find_elements("css selector", ".bubble a")
    assert [a.get_attribute("href") for a in links] == ["https://example.org/page"]
    assert turn.find_element("css selector", "button.reply").text == "<b>Go</b>"
    assert fake_page.driver.title != "pwned"
    assert fake_page.console_errors() == []


def test_language_slot_and_deleted_conversation_headers(fake, fake_page):
    fake.reply("Cymraeg os gwelwch yn dda", [{"recipient_id": "x", "text": "Iawn."}], **{"X-Nest-Language": "cy"})
    fake_page.type_and_enter("Cymraeg os gwelwch yn dda")
    assert fake_page.driver.execute_script("return document.documentElement.lang") == "cy"
    assert fake_page.find("#language-toggle").text == "English"
    assert fake_page.last_bot_turn().get_attribute("lang") == "cy"

    fake.reply("delete my conversation", [{"recipient_id": "x", "text": "Done: deleted."}],
               **{"X-Nest-Conversation": "deleted", "X-Nest-Language": "cy"})
    fake_page.type_and_enter("delete my conversation")
    def shown():
        return [p.text for p in fake_page.find_all("#log .bubble")]

    assert shown() == ["Done: deleted."]        # the earlier turns are gone from the page too
    fake_page.reload()
    assert shown() == ["Done: deleted."]


def test_toggle_sends_the_switch_and_an_unreachable_bot_keeps_the_message(fake, fake_page):
    fake_page.find("#language-toggle").click()
    fake_page.wait_for(lambda: fake.received, "the switch message")
    sender, message = fake.received[-1]
    assert message == '/switch_language{"language":"cy"}'
    assert re.fullmatch(r"web-[0-9a-f]{32}", sender)

    fake.reply("are you there?", [], status=500)
    box = fake_page.find("#message")
    before = fake_page.replies()
    box.send_keys("are you there?\n")
    fake_page.wait_for(lambda: fake_page.replies() > before, "the failed request")
    # the toggle switched the page to Welsh, so the error is shown in Welsh
    assert "doedd dim modd cysylltu" in fake_page.find("#status").text
    assert box.get_attribute("value") == "are you there?"     # nothing typed is lost
