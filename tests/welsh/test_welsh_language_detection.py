"""Per-message language detection (bot/language.py): Welsh is recognised as Welsh,
English as English, short or mixed messages are left undecided, and names of Welsh
schools and places inside English sentences do not make a message Welsh."""
from __future__ import annotations

import pytest

from bot.language import detect, normalise_language

THRESHOLD = 0.8  # the LanguageDetector component's default

WELSH = [
    # short
    "diolch yn fawr", "bore da, sut mae?", "shwmae, sut wyt ti?", "Beth yw NYTH?",
    "Beth yw dal gafael?", "siarad Cymraeg", "dw i angen help", "oes gennych chi amser heddiw?",
    "canslo fy archeb", "dileu fy sgwrs", "beth ydw i wedi'i archebu", "ga i siarad â rhywun?",
    "Sut galla i helpu?", "mae gen i gwestiwn", "dim diolch", "ydy hynny'n iawn?",
    "ble mae'r llinell gymorth?", "pwy sydd ar agor nawr?", "rhowch enghraifft i mi",
    "dywedwch fwy wrtha i", "Beth am blant bach?", "Hwyl fawr a diolch", "ie, archebwch plis",
    "symud fy archeb i ddydd Iau", "prynhawn dydd Mawrth os gwelwch yn dda",
    "wythnos nesaf", "dim ots gen i", "Pryd mae'r sesiwn nesaf?", "oes modd archebu sesiwn?",
    "beth allwch chi ei wneud?",
    # longer
    "Sut alla i helpu plentyn sy'n bryderus iawn yn y bore?",
    "Mae gen i ddisgybl ym Mlwyddyn 9 sy'n gwrthod dod i'r dosbarth, beth ddylwn i ei wneud?",
    "Dw i'n athrawes mewn ysgol gynradd ac mae un o'r plant yn cael trafferth setlo ar ôl gwyliau.",
    "Beth mae bod yn oedolyn dibynadwy yn ei olygu yn ymarferol?",
    "Rwy'n gweithio gyda phobl ifanc yn eu harddegau ac rwy'n poeni am un ohonyn nhw.",
    "Ydy hi'n well i mi ddal gafael neu atgyfeirio ymlaen at y tîm?",
    "Hoffwn i archebu ymgynghoriad gyda'r gweithiwr proffesiynol cyswllt os gwelwch yn dda.",
    "Sut mae cyd-reoleiddio yn gweithio gyda phlentyn sydd wedi cynhyrfu?",
    "Dw i wedi blino'n lân ac yn teimlo dan bwysau yn y gwaith, oes cymorth i staff?",
    "Beth yw'r ffordd orau o gefnogi plentyn wrth symud o'r ysgol gynradd i'r uwchradd?",
    "Pam mae'r plentyn yn ymddwyn fel hyn bob tro mae'r athro cyflenwi yn y dosbarth?",
    "Mae'r rhieni yn gofyn i mi beth yw'r camau nesaf, beth ddylwn i ddweud wrthyn nhw?",
    "Ydych chi'n gallu esbonio beth yw trawma datblygiadol mewn ffordd syml?",
    "Dydw i ddim yn siŵr at bwy i droi, does dim lle ar restr aros CAMHS.",
    "Rydyn ni'n ceisio creu dull ysgol gyfan ar gyfer llesiant, ble dylen ni ddechrau?",
    "Hoffwn i wybod mwy am hawliau plant a sut i wrando ar eu llais nhw.",
    "Oes rhywun ar gael heno i siarad am ddisgybl sy'n peri pryder i mi?",
    "Sut ydw i'n gwybod os ydy'r ymddygiad yn gyfathrebu?",
    "Rwy'n gynorthwyydd addysgu ac mae bachgen yn fy ngrŵp yn rhewi pan fydd sŵn uchel.",
    "Mae ein hysgol ni eisiau cyd-gynhyrchu gyda'r disgyblion, oes gennych chi syniadau?",
    # Welsh with English words and names in it (code-switching)
    "Mae gen i bupil ym Mlwyddyn 9 sy'n cael problems efo anxiety, oes angen referral i CAMHS?",
    "Dw i'n gweithio yn Ysgol Gyfun Gymraeg Plasmawr, pwy yw'r link professional?",
    "Ydy'r drop-in session ar gael dydd Mercher?",
    "Mae'r plentyn yn cael meltdown bob amser cinio, sut dw i'n helpu?",
    "Sut dw i'n cefnogi disgybl ADY sy'n stryglo efo transitions?",
    "Oes angen i mi ffonio'r helpline neu aros tan yfory?",
    "Mae'r head of year yn dweud bod angen referral, ond dw i ddim yn siŵr.",
    "Beth ydy'r trauma informed approach yn Gymraeg?",
    "Dw i eisiau booking efo'r ed psych plis",
    "Mae'r teenager yma'n self-isolatio yn ei stafell drwy'r amser, be ddylwn i wneud?",
]

ENGLISH = [
    # short
    "thanks", "thank you", "hello, how are you?", "What is NEST?", "in English please",
    "I need help", "can I book a session?", "cancel my booking", "delete my conversation",
    "what have I booked?", "who is open now?", "give me an example", "tell me more",
    "what about teenagers?", "no thanks", "is that ok?", "where is the helpline?",
    "HELP PLEASE", "next tuesday afternoon", "the first one", "what can you do?",
    "move my booking to thursday", "bye for now", "yes please book it", "is this confidential?",
    "any time next week", "I don't mind", "when is the next session?", "how do I refer?",
    "what does holding on mean?",
    # longer
    "How can I help a child who is very anxious in the morning?",
    "I have a pupil in Year 9 who refuses to come to class, what should I do?",
    "I'm a teaching assistant and one of the children is struggling to settle after the holidays.",
    "What does being a trusted adult look like in practice?",
    "I work with teenagers and I'm worried about one of them.",
    "Is it better for me to hold on or refer on to the team?",
    "I'd like to book a consultation with my link professional please.",
    "How does co-regulation work with a child who is dysregulated?",
    "I'm exhausted and feel under pressure at work, is there support for staff?",
    "What's the best way to support a child moving from primary to secondary school?",
    "Why does the child behave like this every time the supply teacher is in?",
    "The parents are asking me what the next steps are, what should I tell them?",
    "Can you explain developmental trauma in a simple way?",
    "I'm not sure who to turn to, the CAMHS waiting list is full.",
    "We're trying to build a whole school approach to wellbeing, where should we start?",
    "yr 9 pupil keeps running out of lessons",
    "Y10 boy shuts down when he's told off",
    # English with Welsh names, greetings and school terms in it
    "I work at Ysgol Gynradd Pen-y-Bryn",
    "I teach at Ysgol Gymraeg Bro Teifi and need some advice",
    "Hi, I'm a youth worker in Llanelli, can I book a drop-in?",
    "Our school, Ysgol y Graig, wants to know about the NYTH framework",
    "I'm the ALNCo at Ysgol Uwchradd Aberteifi, who is our link professional?",
    "Shwmae! I'm a teacher in Caerphilly and I need some advice about a pupil",
    "Diolch, that was really helpful",
    "A pupil in Blwyddyn 9 is refusing to come in, what should I do?",
    "Can I speak to someone in Cymraeg?",
    "I'm based at Ysgol Gyfun Gŵyr, is the drop-in on Wednesday?",
    "Bore da! Quick question about attachment",
    "our cylch meithrin staff want training on co-regulation",
    "The child's taid says they won't sleep, is that trauma?",
    "is there anyone in Ysgol Bryn Tawe who can help?",
]

UNDECIDED = ["ok", "OK!", "CAMHS?", "9am", "Rhodri Llewelyn", "Ysgol Gyfun Gymraeg Plasmawr",
             "hmm", "lol", "ADY", "Siân", "01234 567890", "", "   ", "🙂", "yr 9", "Y10",
             "Pen-y-Bryn", "Llanelli"]


def test_there_are_at_least_60_messages_in_each_language():
    assert len(WELSH) >= 60 and len(ENGLISH) >= 60


@pytest.mark.parametrize("text", WELSH)
def test_welsh_messages_are_detected_as_welsh(text):
    assert detect(text)[0] == "cy", text


@pytest.mark.parametrize("text", ENGLISH)
def test_english_messages_are_detected_as_english(text):
    assert detect(text)[0] == "en", text


@pytest.mark.parametrize("text", UNDECIDED)
def test_short_names_and_codes_are_not_confident_enough_to_switch(text):
    lang, confidence = detect(text)
    assert confidence < THRESHOLD, (text, lang, confidence)


@pytest.mark.parametrize("text,lang", [("diolch", "cy"), ("diolch yn fawr", "cy"), ("hwyl fawr", "cy"),
                                       ("Shwmae", "cy"), ("bore da", "cy"), ("thanks", "en"),
                                       ("thank you very much", "en"), ("good morning", "en"), ("bye", "en")])
def test_greetings_and_thanks_alone_are_recognised_but_do_not_switch(text, lang):
    # "diolch" is Welsh and "thanks" English, but English speakers in Wales say
    # "diolch" and Welsh speakers say "thanks": courtesy alone is not a choice of language.
    detected, confidence = detect(text)
    assert detected == lang and confidence < THRESHOLD


def test_ok_is_neither_language():
    assert detect("ok") == (None, 0.0)


def test_a_sentence_is_confident_enough_to_switch():
    assert detect("Sut alla i helpu plentyn sy'n bryderus?")[1] >= THRESHOLD
    assert detect("How can I help a child who is anxious?")[1] >= THRESHOLD


def test_most_welsh_and_english_messages_are_confident():
    welsh = sum(detect(t)[1] >= THRESHOLD for t in WELSH) / len(WELSH)
    english = sum(detect(t)[1] >= THRESHOLD for t in ENGLISH) / len(ENGLISH)
    assert welsh >= 0.8 and english >= 0.8, (welsh, english)


@pytest.mark.parametrize("value,code", [("Cymraeg", "cy"), ("gymraeg", "cy"), ("Welsh", "cy"), ("cy", "cy"),
                                        ("English", "en"), ("Saesneg", "en"), ("en", "en"),
                                        ("French", None), (None, None)])
def test_language_names_map_to_codes(value, code):
    assert normalise_language(value) == code
