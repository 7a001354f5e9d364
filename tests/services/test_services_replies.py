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


# ------------------------------------------------------------ safeguarding replies
# Swansea's day team is open office hours; its emergency duty team 17:00-01:00 on weekdays
# (16:30 on Friday), 09:00-01:00 at weekends and on bank holidays, an on-call social worker
# on the same number after that (data/services/local_authorities.yml, with sources).
SWANSEA_TIMES = [
    (london(2026, 11, 23, 10, 0), "day", "01792 635700"),                 # Monday morning
    (london(2026, 11, 26, 16, 45), "day", "01792 635700"),                # Thursday 4:45pm
    (london(2026, 11, 23, 19, 0), "out_of_hours", "01792 775501"),        # Monday evening
    (london(2026, 11, 28, 11, 0), "out_of_hours", "01792 775501"),        # Saturday
    (london(2026, 12, 28, 11, 0), "out_of_hours", "01792 775501"),        # substitute Boxing Day
    (london(2027, 3, 29, 11, 0), "out_of_hours", "01792 775501"),         # Easter Monday
]


@pytest.fixture(scope="module")
def authorities():
    from bot.services.authorities import load_authorities
    return load_authorities()


@pytest.mark.parametrize("at,team,phone", SWANSEA_TIMES)
def test_emergency_reply_starts_with_999_and_names_the_authority_team_open_then(d, authorities, at, team, phone):
    reply = d.emergency_reply(at=at, authority=authorities["swansea"])
    assert reply.text.splitlines()[0].startswith("If anyone is in immediate danger, call 999")
    other = {"01792 635700", "01792 775501"} - {phone}
    assert phone in reply.text and not any(p in reply.text for p in other)
    assert reply.payload["kind"] == "signpost" and reply.payload["urgency"] == "emergency"
    assert reply.payload["safeguarding"] == "emergency"
    cs = reply.payload["childrens_services"]
    assert (cs["authority"], cs["team"], cs["phone"], cs["open_now"]) == ("swansea", team, phone, True)
    assert cs["source"] and all(u.startswith(("https://", "http://")) for u in cs["source"])
    assert ids(reply)[0] == "emergency_999"
    assert "demo" not in reply.text.lower()


def test_a_part_night_duty_team_hands_over_and_the_reply_says_who_answers(d, authorities):
    reply = d.emergency_reply(at=london(2026, 11, 24, 3, 0), authority=authorities["swansea"])
    assert "01792 775501" in reply.text and "on call" in reply.text
    assert reply.payload["childrens_services"]["open_now"] is False


def test_an_unconfirmed_number_is_never_shown(d, authorities):
    # Neath Port Talbot's duty team: hours published, number not confirmed by any source
    reply = d.emergency_reply(at=london(2026, 11, 23, 20, 0), authority=authorities["neath_port_talbot"])
    assert "no number I can confirm" in reply.text and "Neath Port Talbot" in reply.text
    assert reply.payload["childrens_services"]["phone"] is None


def test_with_no_authority_known_the_reply_asks_which_after_999(d):
    reply = d.emergency_reply(at=london(2026, 11, 23, 10, 0))
    assert reply.payload["ask_authority"] is True and reply.payload["childrens_services"] is None
    assert "the local authority where the concern arose" in reply.text
    assert "029 2018" not in reply.text                          # no demo number
    assert reply.text.index("999") < reply.text.index("local authority")


def test_emergency_steps_follow_the_wales_safeguarding_procedures_in_order(d, authorities):
    reply = d.emergency_reply(at=london(2026, 11, 23, 10, 0), authority=authorities["swansea"])
    steps = reply.payload["steps"]
    assert [s["id"] for s in steps] == ["immediate_danger", "listen", "report_now", "out_of_hours",
                                        "record", "young_person_lines"]
    text = reply.text
    for phrase in ("immediately", "designated safeguarding person", "does not act",
                   "is the person you are worried about", "section 130", "emergency duty team",
                   "within 24 hours", "facts kept apart from opinion", "who was present",
                   "Confirm a phone report in writing", "leading questions", "keep it secret"):
        assert phrase in text, phrase
    assert "today" not in text.split("What to do now")[1].split("A young person")[0]
    # 999 first, then listen, then report
    assert text.index("999") < text.index("Listen carefully") < text.index("Report it immediately")
    assert all(s["source"] and s["url"].startswith("https://") for s in steps[:-1])


def test_the_fgm_duty_appears_only_for_fgm(d, authorities):
    plain = d.emergency_reply(at=london(2026, 11, 23, 10, 0), authority=authorities["swansea"])
    fgm = d.emergency_reply(at=london(2026, 11, 23, 10, 0), authority=authorities["swansea"],
                            rules=["abuse.fgm"])
    assert "FGM" not in plain.text
    assert "must also report it to the police themselves" in fgm.text


def test_the_urgent_reply_has_no_999_banner_and_says_act_today(d, authorities):
    reply = d.emergency_reply(at=london(2026, 11, 23, 10, 0), level="urgent",
                              authority=authorities["swansea"])
    assert not reply.text.startswith("If anyone is in immediate danger")
    assert reply.text.startswith("This sounds worrying")
    assert "Act today" in reply.text and "01792 635700" in reply.text
    assert reply.payload["safeguarding"] == "urgent" and reply.payload["urgency"] == "urgent"
    assert "emergency_999" not in ids(reply)
    assert reply.text.rstrip().endswith("call 999.")              # only as a closing fallback


def test_emergency_reply_lists_24_7_lines_a_young_person_can_use(d, authorities):
    at = london(2026, 11, 24, 3, 0)           # the middle of the night
    reply = d.emergency_reply(at=at, authority=authorities["swansea"])
    for number in ("0800 1111", "85258", "116 123", "0800 068 4141"):
        assert number in reply.text
    assert "080880 23456" not in reply.text     # Meic is not 24/7
    assert "0808 800 5000" not in reply.text    # NSPCC is for adults and not 24/7
    lines = reply.payload["services"][1:]
    assert lines and all(s["open_now"] and s["hours"] for s in lines)
    assert lines[0]["id"] == "childline"        # a line for young people comes first


def test_emergency_reply_honours_nest_now(d, authorities, monkeypatch):
    monkeypatch.setenv("NEST_NOW", "2026-11-28T11:00:00+00:00")
    assert d.emergency_reply(authority=authorities["swansea"]).payload["childrens_services"]["team"] == "out_of_hours"
    monkeypatch.setenv("NEST_NOW", "2026-11-30T11:00:00+00:00")
    assert d.emergency_reply(authority=authorities["swansea"]).payload["childrens_services"]["team"] == "day"


def test_more_detail_gives_each_steps_detail_and_source(d):
    detail = d.safeguarding_detail("emergency", "en")
    assert "safeguarding.wales" in detail and "7 working days" in detail
    assert "FGM" not in detail
    assert "section 5B" in d.safeguarding_detail("emergency", "en", rules=["abuse.fgm"])


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
