"""The safety layer over the REST webhook (issue 14): indirect wording, Welsh, levels,
a booking paused at either level, and the local authority named from the setting."""
import pytest

from tests.integration.conftest import customs, texts

pytestmark = pytest.mark.slow

SETTING = "Ysgol Gynradd Pen-y-Bryn"      # in Swansea (data/directory/directory.yml)


def safeguarding(entries):
    found = [c for c in customs(entries) if c.get("safeguarding")]
    assert found, entries
    return found[0]


@pytest.mark.parametrize("text, opening", [
    ("a student posted a goodbye message online and isn't answering", "If anyone is in immediate danger, call 999"),
    ("after saying she can't cope anymore she asked me which bridges round here are the highest",
     "If anyone is in immediate danger, call 999"),
    ("Mae disgybl wedi postio neges ffarwel ar-lein a dydy e ddim yn ateb",
     "Os oes unrhyw un mewn perygl uniongyrchol, ffoniwch 999"),
    ("Ar ôl dweud nad yw hi'n gallu ymdopi mwyach, gofynnodd hi i mi pa bontydd o gwmpas fan hyn yw'r uchaf",
     "Os oes unrhyw un mewn perygl uniongyrchol, ffoniwch 999"),
])
def test_indirect_risk_gets_the_emergency_reply_first(chat, text, opening):
    reply = chat(text)
    assert reply[0]["text"].startswith(opening)
    payload = safeguarding(reply)
    assert payload["safeguarding"] == "emergency" and payload["urgency"] == "emergency"
    # no setting known yet: it asks which local authority, with a button each, after 999
    assert payload["ask_authority"] is True
    assert sum(b["payload"].startswith("/choose_local_authority") for b in reply[0]["buttons"]) == 22


def test_worrying_signs_get_the_urgent_reply(chat):
    reply = chat("A Year 9 girl has stopped eating lunch and seems withdrawn, what should I do?")
    payload = safeguarding(reply)
    assert payload["safeguarding"] == "urgent"
    assert reply[0]["text"].startswith("This sounds worrying")
    assert "Act today" in reply[0]["text"]


def test_choosing_the_local_authority_names_its_team_now(chat):
    chat("a student posted a goodbye message online and isn't answering")
    reply = chat('/choose_local_authority{"local_authority": "swansea"}')
    assert "01792 635700" in texts(reply)                 # Tuesday 10:00: the day team
    # from now on the safeguarding reply names Swansea without asking
    reply = chat("she told me her stepdad hits her")
    payload = safeguarding(reply)
    assert payload["ask_authority"] is False and payload["childrens_services"]["authority"] == "swansea"
    reply = chat("/tell_me_more")
    assert "safeguarding.wales" in texts(reply)


def test_a_known_setting_names_its_authority_and_an_urgent_risk_pauses_the_booking(chat):
    chat("book a consultation")
    chat(SETTING)                                        # the setting is in Swansea
    reply = chat("she keeps talking about running away from home")
    payload = safeguarding(reply)
    assert payload["safeguarding"] == "urgent"
    assert payload["childrens_services"]["authority"] == "swansea" and "01792 635700" in texts(reply)
    assert "paused, not lost" in texts(reply)
    reply = chat("/affirm")
    assert any(c.get("step") == "offer" for c in customs(reply))     # back at the session question
