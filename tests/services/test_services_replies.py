"""Signposting, the emergency reply and the consultation line's status, as a user reads them."""
import pytest

from bot.services import load_directory

from .services_helpers import SHIPPED, directory_with, london

PAYLOAD_KEYS = {"id", "name", "phone", "text", "web", "open_now", "hours"}


@pytest.fixture(scope="module")
def d():
    return load_directory(SHIPPED)


def ids(reply):
    return [s["id"] for s in reply.payload["services"]]


# ------------------------------------------------------------ emergency reply
EMERGENCY_TIMES = [
    (london(2026, 11, 23, 10, 0), "la_childrens_services_day"),            # Monday morning
    (london(2026, 11, 26, 16, 45), "la_childrens_services_day"),           # Thursday 4:45pm
    (london(2026, 11, 27, 16, 45), "la_childrens_services_out_of_hours"),  # Friday 4:45pm
    (london(2026, 11, 23, 19, 0), "la_childrens_services_out_of_hours"),   # Monday evening
    (london(2026, 11, 24, 3, 0), "la_childrens_services_out_of_hours"),    # night
    (london(2026, 11, 28, 11, 0), "la_childrens_services_out_of_hours"),   # Saturday
    (london(2026, 12, 28, 11, 0), "la_childrens_services_out_of_hours"),   # substitute Boxing Day
    (london(2027, 3, 29, 11, 0), "la_childrens_services_out_of_hours"),    # Easter Monday
]


@pytest.mark.parametrize("at,team", EMERGENCY_TIMES)
def test_emergency_reply_starts_with_999_and_names_the_team_open_then(d, at, team):
    reply = d.emergency_reply(at=at)
    first_line = reply.text.splitlines()[0]
    assert first_line.startswith("If anyone is in immediate danger, call 999")
    other = ({"la_childrens_services_day", "la_childrens_services_out_of_hours"} - {team}).pop()
    assert d.get(team).phone in reply.text
    assert d.get(other).phone not in reply.text
    assert reply.payload["kind"] == "signpost" and reply.payload["urgency"] == "emergency"
    assert reply.payload["childrens_services"] == team
    assert ids(reply)[:2] == ["emergency_999", team]
    team_entry = reply.payload["services"][1]
    assert team_entry["open_now"] is True


def test_emergency_reply_gives_the_safeguarding_steps_in_order(d):
    reply = d.emergency_reply(at=london(2026, 11, 23, 10, 0))
    steps = reply.payload["steps"]
    assert [s["id"] for s in steps][:4] == ["immediate_danger", "tell_dsp", "listen", "refer"]
    text = reply.text
    for phrase in ("designated safeguarding person", "today", "leading questions", "own words",
                   "promise to keep it secret", "children's services"):
        assert phrase in text
    assert text.index("999") < text.index("designated safeguarding person") < text.index("children's services")


def test_emergency_reply_lists_24_7_lines_a_young_person_can_use(d):
    at = london(2026, 11, 24, 3, 0)           # the middle of the night
    reply = d.emergency_reply(at=at)
    for number in ("0800 1111", "85258", "116 123", "0800 068 4141"):
        assert number in reply.text
    assert "080880 23456" not in reply.text     # Meic is not 24/7
    assert "0808 800 5000" not in reply.text    # NSPCC is for adults and not 24/7
    lines = reply.payload["services"][2:]
    assert lines and all(s["open_now"] and s["hours"] for s in lines)
    assert lines[0]["id"] == "childline"        # a line for young people comes first


def test_emergency_reply_honours_nest_now(d, monkeypatch):
    monkeypatch.setenv("NEST_NOW", "2026-11-28T11:00:00+00:00")
    assert d.emergency_reply().payload["childrens_services"] == "la_childrens_services_out_of_hours"
    monkeypatch.setenv("NEST_NOW", "2026-11-30T11:00:00+00:00")
    assert d.emergency_reply().payload["childrens_services"] == "la_childrens_services_day"


def test_demo_numbers_are_marked_as_demo(d):
    reply = d.emergency_reply(at=london(2026, 11, 23, 10, 0))
    assert "[demo entry: an operator replaces these details]" in reply.text
    assert reply.payload["services"][1]["demo"] is True


# ------------------------------------------------------------ signposting
def test_payload_follows_contract_1(d):
    reply = d.signpost(urgency="urgent", at=london(2026, 11, 23, 10, 0))
    assert reply.payload["kind"] == "signpost" and reply.payload["urgency"] == "urgent"
    assert reply.payload["services"]
    for s in reply.payload["services"]:
        assert PAYLOAD_KEYS <= set(s)
        assert isinstance(s["open_now"], bool)
        assert s["phone"] or s["text"] or s["web"]


def test_who_can_i_call_now_on_a_weekday_puts_the_consultation_line_first(d):
    reply = d.signpost(urgency="routine", audience="professional", at=london(2026, 11, 23, 10, 0))
    assert ids(reply)[0] == "nest_consultation_line"
    assert reply.payload["services"][0]["open_now"] is True
    assert "NEST consultation line — Open now, until 5pm (Mon–Fri 9am–5pm, closed on bank holidays)" in reply.text
    assert "029 2018 0123" in reply.text


def test_open_services_come_before_closed_ones(d):
    reply = d.signpost(urgency="routine", audience="professional", at=london(2026, 11, 28, 3, 0), limit=20)
    flags = [s["open_now"] for s in reply.payload["services"]]
    assert True in flags and False in flags
    assert flags == sorted(flags, reverse=True)
    assert "nest_consultation_line" in ids(reply)
    line = next(s for s in reply.payload["services"] if s["id"] == "nest_consultation_line")
    assert line["open_now"] is False
    assert line["next_opening"] == "2026-11-30T09:00:00+00:00"


def test_a_helpline_a_young_person_can_text_at_night(d):
    reply = d.signpost(urgency="urgent", audience="young_person", channel="text", at=london(2026, 11, 28, 3, 0))
    got = ids(reply)
    assert {"shout", "meic"} <= set(got)
    assert "call_helpline" not in got          # its text number is unconfirmed, so not listed
    assert all(s["text"] for s in reply.payload["services"])      # every one can be texted
    assert "Text SHOUT to 85258" in reply.text
    assert "Meic — Closed — reopens today at 8am" in reply.text
    assert got.index("shout") < got.index("meic")
    assert reply.text.startswith("If anyone is in immediate danger, call 999.")


def test_whats_open_at_the_weekend(d):
    at = london(2026, 11, 29, 12, 0)          # Sunday midday
    reply = d.signpost(urgency="urgent", audience="professional", at=at, limit=20)
    by_id = {s["id"]: s for s in reply.payload["services"]}
    assert by_id["la_childrens_services_out_of_hours"]["open_now"] is True
    assert by_id["nspcc_helpline"]["open_now"] is True
    assert by_id["nest_consultation_line"]["open_now"] is False
    assert "Closed — reopens tomorrow at 9am" in reply.text


def test_limit(d):
    reply = d.signpost(urgency="urgent", at=london(2026, 11, 23, 10, 0), limit=3)
    assert len(reply.payload["services"]) == 3


def test_when_nothing_fitting_is_open_it_says_when_and_lists_24_7_lines(tmp_path):
    # Samaritans and Papyrus no longer listed for routine requests: every routine service a
    # professional can email then keeps office or daytime hours.
    d = directory_with(
        tmp_path,
        "urgency: [emergency, urgent, routine]\n    channels: [phone, email]\n",
        "urgency: [emergency, urgent]\n    channels: [phone, email]\n",
        "urgency: [emergency, urgent, routine]\n    channels: [phone, email, chat]\n",
        "urgency: [emergency, urgent]\n    channels: [phone, email, chat]\n")
    at = london(2026, 11, 28, 3, 0)           # Saturday, 3am
    reply = d.signpost(urgency="routine", audience="professional", channel="email", at=at)
    assert reply.open_now is False
    assert "None of these is open right now; the first to reopen is Meic, today at 8am." in reply.text
    assert "These lines are open at any time:" in reply.text
    services = reply.payload["services"]
    fitting = [s for s in services if s["hours"] != "24/7"]
    always = [s for s in services if s["hours"] == "24/7"]
    assert {"nest_consultation_line", "meic", "nspcc_helpline"} <= {s["id"] for s in fitting}
    assert not any(s["open_now"] for s in fitting)
    assert {"samaritans", "papyrus_hopeline247"} <= {s["id"] for s in always}
    assert all(s["open_now"] for s in always)
    assert "emergency_999" not in [s["id"] for s in services]


def test_bad_arguments_are_refused(d):
    for kwargs in ({"urgency": "soon"}, {"audience": "teacher"}, {"channel": "pigeon"}):
        with pytest.raises(ValueError):
            d.signpost(**kwargs)


# ------------------------------------------------------------ consultation line
def test_consultation_open(d):
    reply = d.consultation_status(at=london(2026, 11, 23, 10, 0))
    assert reply.open_now is True
    assert reply.text.startswith("The NEST consultation line is open now, until 5pm")
    assert "029 2018 0123" in reply.text
    assert reply.payload["consultation"]["open_now"] is True
    assert reply.payload["consultation"]["closes"] == "2026-11-23T17:00:00+00:00"


def test_consultation_closed_at_the_weekend_says_when_and_what_is_open(d):
    reply = d.consultation_status(at=london(2026, 11, 28, 11, 0))
    assert reply.open_now is False
    assert "closed at the moment. It reopens on Monday at 9am (Mon–Fri 9am–5pm, closed on bank holidays)" in reply.text
    assert "Open now:" in reply.text
    assert reply.payload["consultation"]["reopens"] == "2026-11-30T09:00:00+00:00"
    others = reply.payload["services"][1:]
    assert others and all(s["open_now"] for s in others)
    assert "la_childrens_services_out_of_hours" in [s["id"] for s in others]


def test_consultation_on_a_bank_holiday(d):
    reply = d.consultation_status(at=london(2027, 3, 29, 10, 0))
    assert reply.open_now is False
    assert "Today is a bank holiday (Easter Monday)." in reply.text
    assert "It reopens tomorrow at 9am" in reply.text


def test_consultation_during_bst(d):
    reply = d.consultation_status(at=london(2026, 6, 15, 16, 30))
    assert reply.open_now is True
    assert reply.payload["consultation"]["closes"] == "2026-06-15T17:00:00+01:00"
