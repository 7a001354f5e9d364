"""Behaviour of the risk detector: API, context from history, suppressors that
must never cancel a disclosure, and odd or hostile input."""
from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from bot.safety import RiskAssessment, get_detector
from bot.safety.detector import CHUNK_CHARS, DEFAULT_RULES, ENV_RULES

FILLER = "We discussed the reading scheme and the timetable for next term. "


@pytest.fixture(scope="module")
def detector():
    return get_detector()


# -- API ------------------------------------------------------------------------------------
def test_safety_assessment_is_frozen_and_serialisable(detector):
    result = detector.assess("Her stepdad hits her when mum is at work.")
    assert isinstance(result, RiskAssessment)
    assert result.at_risk and "physical_abuse" in result.categories
    assert all(isinstance(r, str) for r in result.rules) and result.rules
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.at_risk = False  # type: ignore[misc]
    as_dict = result.as_dict()
    assert as_dict == json.loads(json.dumps(as_dict))
    assert set(as_dict) == {"at_risk", "level", "categories", "rules", "suppressed_by", "net", "fired_by"}
    assert as_dict["categories"] == list(result.categories)


def test_safety_assessment_keeps_no_message_text(detector):
    text = "My pupil Jessica Pritchard said her stepdad hits her"
    result = detector.assess(text, ["Jessica is in Year 8 at Ysgol Bro Dinefwr"])
    dumped = json.dumps(result.as_dict()).lower()
    assert result.at_risk
    assert "jessica" not in dumped and "pritchard" not in dumped and "dinefwr" not in dumped


def test_safety_not_at_risk_is_empty(detector):
    result = detector.assess("Can I book a consultation with the educational psychologist?")
    assert result == RiskAssessment(False, (), (), ())


def test_safety_get_detector_is_cached_per_process():
    assert get_detector() is get_detector()
    assert get_detector().path == str(DEFAULT_RULES)


def test_safety_env_var_chooses_the_rules_file(tmp_path, monkeypatch):
    rules = tmp_path / "rules.yml"
    rules.write_text(
        "categories:\n  suicide: {description: test}\n"
        "rules:\n  - id: only.word\n    category: suicide\n    description: test rule\n"
        "    phrases: [zebra crossing]\n", encoding="utf-8")
    monkeypatch.setenv(ENV_RULES, str(rules))
    custom = get_detector()
    assert custom.path == str(rules)
    assert custom.assess("the zebra crossing").rules == ("only.word",)
    assert not custom.assess("she wants to kill herself").at_risk  # only the custom rules apply
    monkeypatch.delenv(ENV_RULES)
    assert get_detector().assess("she wants to kill herself").at_risk


# -- history context ----------------------------------------------------------------------------
def test_safety_question_about_means_after_distress_fires(detector):
    history = ["One of my Year 10s is really low and says she can't cope."]
    question = "How many paracetamol would it take to be dangerous?"
    result = detector.assess(question, history)
    assert result.at_risk and result.categories == ("suicide",)
    assert "means.amounts" in result.rules
    assert not detector.assess(question).at_risk  # without the distress it is a dosage question


def test_safety_means_and_distress_in_one_message_fires(detector):
    assert detector.assess("She's been so low lately. How many tablets would it take?").at_risk


def test_safety_ordinary_dosage_question_does_not_fire(detector):
    assert not detector.assess("How much paracetamol can a 10 year old have for a headache?").at_risk


def test_safety_vague_plan_fires_only_after_distress(detector):
    text = "He told his mate he's planning to do it on his birthday."
    assert not detector.assess(text).at_risk
    assert detector.assess(text, ["A lad in my group has been really low and hopeless."]).at_risk


def test_safety_follow_up_after_risk_message_keeps_its_category(detector):
    history = ["A girl in Year 8 told me her stepdad hits her."]
    result = detector.assess("She said it again today.", history)
    assert result.at_risk and "physical_abuse" in result.categories
    assert "followup.again" in result.rules
    assert not detector.assess("She said it again today.").at_risk
    assert not detector.assess("She said it again today.", ["Can I book a consultation?"]).at_risk


def test_safety_history_counts_only_the_last_three_messages(detector):
    old_risk = "A girl in Year 8 told me her stepdad hits her."
    assert detector.assess("he said it again", [old_risk, "ok", "thanks"]).at_risk
    assert not detector.assess("he said it again", [old_risk, "ok", "thanks", "any times?"]).at_risk


def test_safety_booking_after_a_risk_message_is_not_a_new_alarm(detector):
    history = ["A girl in Year 8 told me her stepdad hits her."]
    assert not detector.assess("ok thanks, can you book me an urgent consultation?", history).at_risk


def test_safety_phrase_split_across_two_messages_fires(detector):
    assert not detector.assess("off without him").at_risk
    result = detector.assess("off without him", ["he says everyone would be better"])
    assert result.at_risk and result.categories == ("suicide",)


def test_safety_odd_history_items_are_ignored(detector):
    assert not detector.assess("hello", [None, 5, "", "she likes art"]).at_risk  # type: ignore[list-item]


# -- suppressors never cancel a disclosure --------------------------------------------------
@pytest.mark.parametrize("text, category", [
    ("he pushed her away so hard she fell down the stairs", "physical_abuse"),
    ("her stepdad pushed her into the wall", "physical_abuse"),
    ("she pushes me away, and she told me her dad hits her", "physical_abuse"),
    ("nobody takes them to school or feeds them", "neglect"),
])
def test_safety_push_away_and_take_on_idioms_leave_real_harm_alone(detector, text, category):
    result = detector.assess(text)
    assert result.at_risk and category in result.categories, result


@pytest.mark.parametrize("text, category", [
    ("After the self-harm training a pupil told me she cuts herself", "self_harm"),
    ("This marking is killing me and a pupil said she wants to kill herself", "suicide"),
    ("In the novel the character kills himself, and a boy in my class told me he wants to "
     "kill himself too", "suicide"),
    ("She self-harmed years ago, now fully resolved, but she told me yesterday she has started "
     "cutting again", "self_harm"),
    ("We have a PSHE lesson on abuse tomorrow. Her stepdad hits her.", "physical_abuse"),
    ("Can you recommend suicide prevention training? Also one of my girls said nobody would "
     "miss her.", "suicide"),
])
def test_safety_suppressor_cannot_cancel_a_disclosure(detector, text, category):
    result = detector.assess(text)
    assert result.at_risk, result
    assert category in result.categories


def test_safety_suppressor_reports_what_it_cancelled(detector):
    result = detector.assess("After the self-harm training a pupil told me she cuts herself")
    assert "topic.training_phrase" in result.suppressed_by  # the training phrase was cancelled
    assert result.rules == ("self_harm.cutting",)           # the disclosure was not


@pytest.mark.parametrize("text, suppressor", [
    ("Can you recommend some self-harm awareness training?", "topic.training_phrase"),
    ("In the novel the character kills himself.", "fiction.context"),
    ("She self-harmed years ago, now fully resolved, no current concerns.", "resolved.past"),
    ("The kids were killing themselves laughing at the magician.", "idiom.killing_me"),
    ("She always pushes me away when we get close, why?", "idiom.push_away"),
    ("They push me away at break time, what am I doing wrong?", "idiom.push_away"),
    ("Bounced between teams and nobody takes her on", "idiom.take_on"),
])
def test_safety_suppressors_cancel_idioms_training_fiction_resolved(detector, text, suppressor):
    result = detector.assess(text)
    assert not result.at_risk
    assert suppressor in result.suppressed_by


# -- odd input ---------------------------------------------------------------------------------
@pytest.mark.parametrize("text", ["", "   \n\t ", "\u200b\u200b", "?!?!", "😀😀😀"])
def test_safety_empty_or_symbol_only_input_is_not_at_risk(detector, text):
    assert detector.assess(text) == RiskAssessment(False, (), (), ())


def test_safety_non_text_input_is_not_at_risk(detector):
    assert not detector.assess(None).at_risk  # type: ignore[arg-type]


@pytest.mark.parametrize("text", [
    "she wants to k\u200bill her\u200dself",                      # zero-width characters
    "she said \u201cI\u2019m going to kill myself\u201d",          # curly quotes
    "i want to diiiiie",                                          # repeated letters
    "she's going to killll herselffff",
    "\uff4b\uff49\uff4c\uff4c \uff4d\uff59\uff53\uff45\uff4c\uff46",  # full-width letters
    "kill mys\u0435lf",                                           # Cyrillic e
    "she wants to d i e",                                         # spaced letters
    "he said k.m.s",
    "\U0001f622 he said he wants to die \U0001f622",              # emoji
    "SHE SAID SHE WANTS TO DIE",
    "she wants to die.he said nothing else",                      # glued punctuation
    "she\tsays\u00a0she\u2019s  been   self\u2010harming",         # odd spaces and hyphens
])
def test_safety_odd_unicode_and_spelling_still_fire(detector, text):
    assert detector.assess(text).at_risk, text


def test_safety_huge_message_is_scanned_whole(detector):
    middle = FILLER * 800 + "A girl told me she wants to kill herself. " + FILLER * 800
    assert len(middle) > 100_000
    assert detector.assess(middle).at_risk
    end = FILLER * 400 + "she wants to kill herself"
    assert detector.assess(end).at_risk
    assert not detector.assess(FILLER * 400).at_risk


def test_safety_phrase_across_a_chunk_boundary_is_found(detector):
    text = "x " * ((CHUNK_CHARS - 10) // 2) + "she wants to kill herself " + FILLER * 100
    start = text.index("she wants")
    assert start < CHUNK_CHARS < start + len("she wants to kill herself")
    assert detector.assess(text).at_risk


def test_safety_grouped_matching_finds_what_every_pattern_would(detector):
    """Patterns are run in groups keyed by a required word (for speed); on the
    evaluation messages the outcome must equal running every pattern."""
    from spacy.matcher import Matcher
    from ruamel.yaml import YAML

    from bot.safety.detector import RiskDetector

    everything = Matcher(detector.nlp.vocab)
    for key, (tag, entry) in detector._by_key.items():
        if tag == "N":
            rule, group = entry
            everything.add(key, [[dict(rule.near_words[group])]])
        else:
            for pattern in entry.patterns:
                everything.add(key, [list(pattern)])

    class Ungrouped(RiskDetector):
        def __init__(self, base):
            self.__dict__.update(base.__dict__)

        def _match_tokens(self, doc):
            return everything(doc)

    ungrouped = Ungrouped(detector)
    data = YAML(typ="safe").load((Path(__file__).with_name("safety_messages.yml")).read_text())
    texts = [e["text"] if isinstance(e, dict) else e for e in data["risk"][::3]]
    texts += data["near_miss"][::3]
    texts.append(" ".join(texts))
    for text in texts:
        norm = detector.normalise(text)
        assert detector._scan(norm) == ungrouped._scan(norm), text


@pytest.mark.parametrize("text", [
    "i dont feel qualified to keep going with this child, should i refer",
    "we kept going with the nurture group all year",
])
def test_safety_carrying_on_with_a_child_is_not_going_missing(detector, text):
    assert not detector.assess(text).at_risk


@pytest.mark.parametrize("text", [
    "she keeps going missing at weekends",
    "he keeps going off with older lads",
    "she keeps disappearing with older boys after school",
])
def test_safety_going_missing_or_off_with_older_people_still_fires(detector, text):
    assert detector.assess(text).at_risk


# -- the training data: what practitioners ask about practice must not trip the alarm -------
# A practice answer replaced by the emergency reply is alarm fatigue, and the question is lost
# (hazard log SAF-20, SAF-21). Listed here only what a safeguarding lead would want flagged.
FLAGGED_ON_PURPOSE = {
    # flinching when an adult approaches from behind is a recognised sign of physical abuse
    "he flinches and goes completely still when i walk up behind him",
}


def test_safety_training_examples_do_not_fire(detector, training_examples):
    fired = [(name, intent, text) for name, intent, text in training_examples
             if name != "safety.yml"            # disclosures: they are meant to fire
             and text.lower() not in FLAGGED_ON_PURPOSE and detector.assess(text).at_risk]
    assert fired == []


# -- learned from blind rounds 10-12 (docs/safety-evaluation.md) ----------------------------
@pytest.mark.parametrize("text", [
    # round 10
    "foster kid gone. window open.",
    "PRU lad has a fractured wrist and has given three different stories about how it happened",
    "YP ran off from the youth club after a phone call, shouting she's never coming back",
    "LAC girl not eaten in 5 days",
    "bl9 yn torri eto, dwfn, gwaedu lot",
    # round 11
    "dancer in my class has lost loads of weight, her heart rate was 38 when the nurse checked and she nearly fainted",
    "Y1 child not in the classroom after break and the gate by the field was left open",
    "little girl out on the frozen pond on her own at the park",
    "merch 12 newydd decstio fi 'mae o'n ôl ac yn cicio'r drws, mam yn sgrechian, plis'",
    # round 12
    "she hasn't eaten or drunk anything for two days according to her friends, she's grey and shaking",
    "mae un o'r plant ar y trip wedi crwydro allan ar y creigiau a'r llanw'n dod mewn yn gyflym",
    "he's not at breakfast and his bunk is empty, coat gone",
])
def test_safety_blind_round_signals_need_the_emergency_reply(detector, text):
    result = detector.assess(text)
    assert result.at_risk and result.level == "emergency"


def test_safety_an_injury_after_a_worry_about_home_is_an_emergency(detector):
    result = detector.assess("she's just come in with her arm in a sling and won't look at me",
                             ["one of the kids said her mum's new partner is 'scary when he drinks'"])
    assert result.at_risk and result.level == "emergency"


@pytest.mark.parametrize("text", [
    # a concern that is plainly over (resolved.recovered, about_a_child: true)
    "a pupil who self harmed two years ago is doing brilliantly and is now a peer mentor - "
    "how do I support her in that role?",
    "Roedd disgybl yn hunan-niweidio dair blynedd yn ôl, mae hi'n ffynnu rŵan ac yn fentor i eraill",
    # everyday words about a child
    "One girl said her mum 'beat' her at Mario Kart again and she's furious",
    "A child told me his dad 'smacked' the ball right out of the park at cricket",
    "Y6 are leaving next week and one of them wrote me a goodbye letter saying thanks for everything",
    "crwt wedi torri ei arddwrn yn chwarae rygbi, mewn plaster nawr",
    "Y8 boy came in with a cast, fell off his bike at the skatepark",
    "a Y8 got a black eye in a ruck at the match, mum was on the touchline, is there a form I fill in?",
    "the scratches on her arm turned out to be from the new kitten, mum showed me",
    "a y5 keeps asking me if i'm going to die too since his aunt died",
    "Pupil went over on his ankle in rugby, it's swollen and he can't put weight on it",
    # the practitioner's own words, admin, questions in the abstract, fiction
    "If I hear Baby Shark one more time I'm going to jump out the window",
    "honestly if this Y9 class talks over me one more time i'm going to kill them",
    "shot myself in the foot agreeing to run the residential AND the school show",
    "I'm knackered, my own toddler was up all night teething",
    "Wedi colli un esgid ar y trip, nid plentyn lol",
    "our under 12s went missing from the league table after the admin error",
    "YP at club asked me what 'unalive' means cos she saw it in a game review",
    "what counts as neglect legally?",
    "what is cuckooing",
    "i'm writing a novel where a teacher discovers a pupil is being groomed, is the procedure realistic",
])
def test_safety_blind_round_near_misses_stay_quiet(detector, text):
    assert not detector.assess(text).at_risk


@pytest.mark.parametrize("text", [
    "a pupil who self harmed two years ago was doing brilliantly but she told me she is cutting again",
    "two years ago she was thriving, now her stepdad hits her again",
    "her dad beat her at home last night",
    "she told me her dad hit the wall and then hit her",
    "he keeps coming home with a new phone and won't say who gave it",
    "Y11 leaver wrote a goodbye note, said she won't be around after summer",
    "what counts as neglect? she told me she hasn't eaten since friday and there's no food at home",
])
def test_safety_the_new_suppressors_never_hide_real_risk(detector, text):
    # SAF-31: a resolved framing, an everyday word or an abstract question never cancels a
    # current disclosure
    result = detector.assess(text)
    assert result.at_risk and result.level == "emergency"
