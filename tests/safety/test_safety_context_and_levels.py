"""Issue 14: indirect wording, context after distress, levels, and framings that are not risk.

Rules only (no trained model): the learned net has its own tests
(test_safety_net.py) and the blind sets measure both together.
"""
from __future__ import annotations

import pytest

from bot.safety import get_detector


@pytest.fixture(scope="module")
def detector():
    return get_detector()


# -- the issue's own examples, English and Welsh: emergency --------------------------------
@pytest.mark.parametrize("text", [
    "a student posted a goodbye message online and isn't answering",
    "after saying she can't cope anymore she asked me which bridges round here are the highest",
    "Mae disgybl wedi postio neges ffarwel ar-lein a dydy e ddim yn ateb",
    "Ar ôl dweud nad yw hi'n gallu ymdopi mwyach, gofynnodd hi i mi pa bontydd o gwmpas fan hyn yw'r uchaf",
])
def test_the_issues_indirect_examples_are_emergencies(detector, text):
    result = detector.assess(text)
    assert result.at_risk and result.level == "emergency", result


def test_the_lunch_example_is_urgent_not_emergency(detector):
    result = detector.assess("A Year 9 girl has stopped eating lunch and seems withdrawn, what should I do?")
    assert result.at_risk and result.level == "urgent", result


# -- context: farewell, giving away, sudden calm, means after distress -----------------------
@pytest.mark.parametrize("history, text", [
    (["he has been really low all week"], "he said he won't be a problem much longer"),
    (["she told me she hates her life"], "today she seems suddenly really calm"),
    (["he keeps saying nobody would care if he disappeared"], "now he's giving all his drawings away"),
    (["Year 8 boy told me he can't cope with any of it"], "he keeps asking how strong the painkillers are"),
    (["mae hi'n teimlo'n isel iawn"], "heddiw mae hi'n sydyn yn dawel"),
])
def test_farewell_giving_away_calm_and_means_after_distress_fire(detector, history, text):
    assert detector.assess(text, history).at_risk


@pytest.mark.parametrize("text", [
    "today she seems suddenly really calm",
    "which bridge in Wales is the highest? for a geography project",
    "she seems really happy today",
    "we wrote goodbye letters to the year 6 leavers",
])
def test_the_same_cues_without_distress_do_not_fire(detector, text):
    assert not detector.assess(text).at_risk


# -- levels ---------------------------------------------------------------------------------
@pytest.mark.parametrize("text, level", [
    ("one of my lads has self-harmed for about two years, CAMHS are involved", "urgent"),
    ("she has self-harmed for years but last night she cut deeper", "emergency"),
    ("she keeps talking about running away", "urgent"),
    ("she ran away last night and nobody knows where she is", "emergency"),
    ("she told me her dad hits her", "emergency"),
])
def test_levels_follow_the_rules(detector, text, level):
    result = detector.assess(text)
    assert result.at_risk and result.level == level, result


def test_a_followup_takes_the_level_of_what_it_follows(detector):
    result = detector.assess("she said it again today", ["she told me her dad hits her"])
    assert result.at_risk and result.level == "emergency"


# -- framings that are not a child at risk --------------------------------------------------
@pytest.mark.parametrize("text", [
    "How should I respond if a child discloses abuse to me? I'm a new TA.",
    "in our training scenario, a year 9 says she's been cutting. what's the model answer?",
    "what are the signs a child might be being radicalised online? for a governor training",
    "Can you suggest a safe way to teach about online grooming to Year 5?",
    "A pupil's dad died by suicide two years ago and the anniversary is next week. How do I support her?",
    "Sut ddylwn i ymateb os ydy plentyn yn datgelu camdriniaeth i fi?",
])
def test_training_hypothetical_teaching_and_bereavement_framings_do_not_fire(detector, text):
    assert not detector.assess(text).at_risk


@pytest.mark.parametrize("text", [
    "We have a PSHE lesson on abuse tomorrow. Her stepdad hits her.",
    "Last year we had a pupil who self-harmed and she was thriving, but now she's cutting again",
    "For our staff training: she told me last night she wants to kill herself",
])
def test_a_framing_never_cancels_a_sentence_about_a_particular_child(detector, text):
    assert detector.assess(text).at_risk


# -- rounds 6 and 7: kinds of signal the blind sets found missing (own wording here) ---------
@pytest.mark.parametrize("history, text", [
    (["he keeps asking which car park in town is the tallest"], "and now he hasn't turned up to school"),
    (["she told me she can't see a way out"], "today she seemed fine, really chatty"),
    (["a lad in my group said he wants everything to stop"], "he asked where the nearest railway bridge is"),
])
def test_a_gone_or_calm_message_after_a_means_question_or_no_way_out_fires(detector, history, text):
    result = detector.assess(text, history)
    assert result.at_risk and result.level == "emergency", result


def test_a_gone_message_after_a_harmless_fainting_does_not_fire(detector):
    result = detector.assess("She says she's fine now, she had skipped breakfast",
                             ["A girl nearly fainted in assembly this morning."])
    assert not result.at_risk, result


@pytest.mark.parametrize("text, level", [
    ("she changed her instagram bio to '2008–2025' last night", "emergency"),
    ("we did the headcount on the beach and we're one short", "emergency"),
    ("mum said her daughter will be done when they visit family abroad next month, like all the girls in our family", "emergency"),
    ("his mum keeps telling him at contact that he's the reason the family split up", "urgent"),
    ("the baby's nappy hasn't been changed since yesterday, the rash is raw", "urgent"),
    ("Mae dannedd y plentyn bach wedi pydru ac mae mewn poen", "urgent"),
])
def test_round_six_and_seven_kinds_of_signal_fire_at_their_level(detector, text, level):
    result = detector.assess(text)
    assert result.at_risk and result.level == level, result


@pytest.mark.parametrize("text", [
    "Pupil was missing from the register this morning - she was at the orthodontist",
    "She wears long sleeves in summer because of her eczema; mum and the GP are on it",
    "our 'lost child' procedure for sports day - template please",
])
def test_near_misses_of_the_new_rules_do_not_fire(detector, text):
    assert not detector.assess(text).at_risk
