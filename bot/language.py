"""Which language a practitioner's message is written in: Welsh (cy) or English (en).

``detect(text) -> (language | None, confidence)`` is a light, offline scorer in
plain Python, built to work on the short messages people type into a chat:

* **words**: common Welsh words (function words, question words, verbs, greetings
  and the vocabulary of schools and wellbeing) against common English ones, each
  with a weight; a Welsh clitic after an apostrophe (``mae'n``, ``i'r``) counts for
  Welsh, an English one (``don't``, ``I'm``, ``it's``) for English;
* **letters**: for words in neither list, Welsh letter patterns (``dd``, ``ll``,
  ``wy``, ``yw``, ``ae``, endings such as ``-ydd``, ``-iaeth``, ``-au``) against
  English ones (``k``, ``v``, ``x``, ``z``, ``-ing``, ``-tion``, ``ee``, ``oo``);
  letters are weak evidence, capped, so a Welsh name alone never decides;
* **names do not count**: capitalised words inside a sentence and hyphenated
  place names (``Ysgol Gynradd Pen-y-Bryn``, ``Blwyddyn 9``, ``CAMHS``) are skipped,
  so "I work at Ysgol Gynradd Pen-y-Bryn" is English, as are lowercase words that
  mostly occur in place and school names (``ysgol``, ``gynradd``, ``bryn``, ``llan``).

* **courtesy alone is not a choice**: a message made only of greetings, thanks
  and yes/no ("diolch yn fawr", "hwyl fawr", "thank you") keeps a confidence of
  at most 0.6, because people in Wales use them across both languages.

It answers ``(None, 0.0)`` when there is too little or evenly balanced evidence
("ok", "CAMHS?", "9am", a bare name).  The confidence grows with the amount of
evidence and the lead of the winning side, so one courtesy word
("diolch", "thanks") gives a modest confidence and a sentence a high one; the
NLU component (``bot/nlu/language_detector.py``) only switches language above a
threshold, so a short or mixed message never flips the practitioner's choice.
"""
from __future__ import annotations

import math
import re
import unicodedata
from typing import Dict, Iterable, List, Optional, Tuple

LANGUAGES = ("cy", "en")

# ---------------------------------------------------------------- vocabulary
# Weights: 3 = almost only ever Welsh/English; 2 = strong; 1 = supporting.
_CY_WORDS: Dict[str, float] = {}
_EN_WORDS: Dict[str, float] = {}


def _add(table: Dict[str, float], weight: float, words: str) -> None:
    for word in words.split():
        table[word] = weight


_add(_CY_WORDS, 3, """
mae maen ydy ydi ydw ydych ydyn ydyw yw dw dwi rwy rwyf rydw rydych rydyn roedd oedd
oeddwn roeddwn bydd byddwn byddai fydd fyddai buodd bues sydd sy dyw dydy dydw dydi
does oes nac nag nid nad fy ein eich eu gyda gydag efo ddim beth sut pam pryd ble
pwy faint hefyd achos oherwydd wedi gallu gallwch allwch alla galla gallaf allaf ga
gaf cael gael gwneud wneud helpu helpwch angen eisiau isio moyn eisie siarad gweithio
gwaith diolch shwmae shwmai sumae helo bore prynhawn noswaith hwyl gwelwch gweli plis
plentyn plant disgybl disgyblion athro athrawes athrawon dosbarth blwyddyn llesiant
iechyd meddwl cymorth cefnogaeth cyngor archebu sesiwn sesiynau sgwrs ymgynghoriad
gweithiwr proffesiynol cyswllt rhywun rhywbeth rhywle unrhyw gwybod gwybodaeth
esboniwch esbonio dweud dywedwch mwy enghraifft ifanc pobl ieuenctid arddegau
cymraeg gymraeg saesneg nghymraeg dileu newid canslo symud ffonio llinell nawr rŵan
heddiw yfory wythnos nesaf bnawn prynhawn fore bora dydd llun mawrth mercher iau
gwener sadwrn sul ymddygiad trawma ymlyniad oedolyn dibynadwy teimlo teimlad poeni
pryderus gorbryder bryder bryderus anodd hawdd dda gwell gweithdrefn diogelu
atgyfeirio atgyfeiriad rhieni rhiant teulu teuluoedd staff cydweithwyr ysgolion
meithrin hybu nyth fframwaith ymarferydd lleoliad cefnogi gefnogi cefnogaeth
ffordd ffyrdd ei hi nhw chi ni fi fe ydyn hynny hyn yma yna fan honno hwnnw rhain
rheiny mewn wrth gan heb dros trwy drwy rhwng ynglŷn ynglyn ynghylch tuag ato ati
iddo iddi iddyn gennych gen gennym arnaf arno arni amdano amdani amdanyn ohono
fawr bach iawn gormod digon pawb popeth dim ond neu ac ag na yn ym yng
wyt wyf ti chdi sgen sgin genna ddoe rhaid gorfod hoffwn hoffi licio ishe ise holi
cwestiwn gofyn ateb amser dysgu dysgwr dysgwyr addysgu cynorthwyydd datblygiad
emosiynol emosiwn teimladau straen dicter grac flin crio ofn ofnus unig trist hapus
hunan niwed hunanladdiad camdriniaeth bwlio pontio cyfnod trosglwyddo hawliau
cynhwysiant tegwch amrywiaeth gofalwr maeth gwasanaeth gwasanaethau cymuned diogel
diogelwch cymdeithas cyfranogiad llais cymheiriaid canol coll oedran datblygu cyfan
lles goruchwyliaeth cynnal gofalu amdanaf hun blino llethu drws anghywir mynediad
ymgynghori galw heibio cyfarfod rhwydwaith seicolegydd nyrs arbenigwr arbenigedd
ydach dach chdi plentyn blant mhlentyn disgyblion nisgybl ddisgybl athrawes
rheoleiddio cyd-reoleiddio ymyriad rhyngweithiad hud ddysgu ddim ydan ydym
rhowch rhoi enghraifft enghreifftiau dywedwch fwy wrtha wrthoch ie naddo nage archebwch
archeb archebion ddylwn dylwn ddylen dylen dylai ddylai gallai allai rhywun sgwrsio
cwestiynau cynnig ffoniwch anfon angen cyfarfod bwysau pwysau dan trafferth drafferth
ceisio ymdopi delio deall wneud ddweud wrthyn ohonyn ohonom bobl phobl phlant blant
blentyn mhlant ngrŵp grŵp sŵn ôl fel hyn hon hwn beth pethau rywbeth rywun unwaith eto
wela welwn fedri fedra medra medrwch ewch ymlaen stopio stopiwch anghofiwch anghofia
gadewch gwnewch cywir rhif gynted phosib posib bosib ia
""")
# weaker Welsh evidence: words shared with English spelling, or very short ones
_add(_CY_WORDS, 1.5, "y yr ar o")
_add(_CY_WORDS, 1, "da nos")

_add(_EN_WORDS, 3, """
the and is are was were to of it that this what how why when where who with for
my your you we they he she do does did can have has had be been being not yes
thanks thank please hello hi hey about would could should will just so but or if
from an me our their them there here get got like know think more some any all
very really much what's i'm it's don't can't doesn't isn't won't i've i'd i'll
we're they're that's there's let's how's who's where's
work working child children kid kids pupil pupils student students teacher teachers
school year class need needs want book booking session appointment talk
advice support someone something anything anyone tell example young people
parent parents family staff feel feeling anxious worried struggling behaviour
behavior trauma attachment adult trusted referral refer wellbeing mental health
today tomorrow week next morning afternoon evening monday tuesday wednesday
thursday friday saturday sunday cancel move delete conversation chat english welsh
language speak which whose because also than then only other again still after
before into over same new good bad best keep keeps keeping doing done make made
say said see seen go going come coming take give show look looks looking
im dont cant wont didnt doesnt isnt ive whats thats theres lets youre theyre
hes shes wasnt arent havent shouldnt wouldnt couldnt ill id
first one two bye now mind mean means hold holding helpful question questions quick
training thing things time way well back down off too lot lots bit sure sorry great fine
right let put try told call phone email been being every everyone nothing
something anybody somebody understand explain mean meaning doing does
""")
_add(_EN_WORDS, 1.5, "in on at by as up out no")
_add(_EN_WORDS, 1, "help")  # Welsh speakers say "help" too ("angen help")
# ambiguous in both languages: no evidence either way
_NEUTRAL = set("""i a am ok okay oke ta cheers hmm hm um er yeah yep nope lol pls
ta-ra camhs ady aln sen senco dsp gp nhs nyth nest cahms ed psych ks ks1 ks2 ks3 ks4 ppa
""".split())
# Greetings, thanks and yes/no: said across languages in Wales ("diolch", "hwyl
# fawr", "thanks"), so a message made only of them is never a confident choice.
_COURTESY = set("""diolch yn fawr hwyl helo shwmae shwmai sumae bore da prynhawn noswaith nos
iawn ie ia na naddo nage dim plis thanks thank you hello hi hey bye cheers please yes no
good morning afternoon evening night many very much""".split())
_COURTESY_CAP = 0.6

# Words that mostly appear in place and school names: no weight in lowercase either.
_PLACE_WORDS = set("""ysgol gynradd gyfun uwchradd gymuned bro bryn llan aber cwm coed pont
maes tre tref glan nant afon mynydd heol stryd caer castell capel eglwys porth
rhos ystrad abertawe caerdydd casnewydd wrecsam bangor gwynedd powys ceredigion
morgannwg dinbych fflint penfro caerfyrddin trefynwy castell-nedd pen-y-bont
gwaun dyffryn bont cae waun dol plas tŷ ty
""".split())

# Clitics after an apostrophe
_CY_CLITICS = {"n": 2.0, "r": 2.0, "i": 1.0, "u": 1.0, "w": 1.0, "ch": 1.0, "th": 1.0}
_EN_CLITICS = {"t": 2.0, "s": 1.5, "ve": 2.0, "re": 2.0, "ll": 1.0, "d": 1.0}

# Letter patterns for words in neither list: (regex, weight)
_CY_LETTERS = [(re.compile(p), w) for p, w in (
    (r"dd", 0.6), (r"^ll|ll", 0.5), (r"^rh", 0.6), (r"ff", 0.3), (r"wy", 0.5), (r"yw", 0.5),
    (r"ae", 0.4), (r"(ydd|iaeth|edd|wyr|(?<![ts])ion|iau|au|wch)$", 0.5), (r"[bcdfghlmnprst]w[bcdfglmnprst]", 0.6),
    (r"[ŵŷâêîôû]", 1.0), (r"^(cyd|ym|an|dad|ail|hunan)", 0.2),
)]
_EN_LETTERS = [(re.compile(p), w) for p, w in (
    (r"[kvxzq]", 0.8), (r"j", 0.3), (r"(ing|tion|sion|ness|ment|ly|ers)$", 0.6), (r"ed$", 0.3), (r"ee|oo|ea|ou|ck|sh", 0.4),
    (r"^(th|wh|kn)", 0.4), (r"(y|s)$", 0.1),
)]
_LETTER_CAP = 0.8  # one unknown word can never weigh more than this

_TOKEN = re.compile(r"[^\W\d_]+(?:['-][^\W\d_]+)*", re.UNICODE)
_SENTENCE_END = re.compile(r"[.!?\n]\s*")
_YEAR = re.compile(r"\b[Yy]r?s?\.?\s?\d{1,2}\b")
_LANGUAGE_NAMES = {"cymraeg", "gymraeg", "saesneg", "english", "welsh", "nghymraeg"}
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "`": "'", "\u00b4": "'"})

# evidence needed and how confidence grows with it
_MIN_EVIDENCE = 1.5    # the winning side needs at least this much
_MIN_SHARE = 0.62      # ... and at least this share of all the evidence
_SCALE = 3.0           # confidence = 1 - exp(-(winning - losing evidence) / scale)


def _tokens(text: str) -> List[Tuple[str, bool]]:
    """(word, is_name) for each word; names are capitalised words inside a
    sentence, all-caps abbreviations, hyphenated capitalised compounds, and a
    sentence-initial capitalised word followed by another capitalised one."""
    text = unicodedata.normalize("NFC", text.translate(_APOSTROPHES))
    text = _YEAR.sub(" ", text)                # "yr 9", "Y9": Year 9, not the Welsh article
    letters = _TOKEN.findall(text)
    if len(letters) > 1 and sum(w.isupper() for w in letters) >= 0.7 * len(letters):
        text = text.lower()                    # TYPED IN CAPITALS: not a run of names
    out: List[Tuple[str, bool]] = []
    for sentence in _SENTENCE_END.split(text):
        words = _TOKEN.findall(sentence)
        caps = [w[:1].isupper() for w in words]
        for i, word in enumerate(words):
            name = False
            if len(word) > 1 and word.isupper() and not (i == 0 and len(words) == 1):
                name = True                                    # CAMHS, ADY, NHS
            elif caps[i] and "-" in word:
                name = True                                    # Pen-y-Bryn
            elif caps[i] and i > 0 and word != "I" and not (
                    word.lower() in _LANGUAGE_NAMES and not caps[i - 1]):
                name = True                                    # ... at Ysgol Gynradd
            elif caps[i] and i == 0 and len(words) > 1 and caps[1] and words[1] != "I" \
                    and word.lower() not in _CY_WORDS and word.lower() not in _EN_WORDS:
                name = True                                    # Ysgol Gymraeg ... (a bare name)
            out.append((word.lower(), name))
    return out


def _letter_score(word: str) -> Tuple[float, float]:
    cy = sum(w for p, w in _CY_LETTERS if p.search(word))
    en = sum(w for p, w in _EN_LETTERS if p.search(word))
    return min(cy, _LETTER_CAP), min(en, _LETTER_CAP)


def _word_score(word: str) -> Tuple[float, float]:
    if word in _NEUTRAL or word in _PLACE_WORDS:
        return 0.0, 0.0
    if word in _CY_WORDS or word in _EN_WORDS:
        return _CY_WORDS.get(word, 0.0), _EN_WORDS.get(word, 0.0)
    if "'" in word:
        head, _, clitic = word.partition("'")
        hcy, hen = _word_score(head) if head else (0.0, 0.0)
        return hcy + _CY_CLITICS.get(clitic, 0.0), hen + _EN_CLITICS.get(clitic, 0.0)
    if "-" in word:  # lowercase compound: cyd-reoleiddio, one-to-one
        parts = [_word_score(p) for p in word.split("-") if p]
        return (max((p[0] for p in parts), default=0.0), max((p[1] for p in parts), default=0.0))
    if len(word) < 3:
        return 0.0, 0.0
    return _letter_score(word)


def _evidence(text: str) -> Tuple[float, float, bool]:
    cy = en = 0.0
    courtesy_only = True
    for word, is_name in _tokens(text or ""):
        if is_name:
            continue
        wcy, wen = _word_score(word)
        cy += wcy
        en += wen
        if (wcy or wen) and word not in _COURTESY:
            courtesy_only = False
    return cy, en, courtesy_only


def scores(text: str) -> Dict[str, float]:
    """The Welsh and English evidence in ``text`` (for tests and tuning)."""
    cy, en, _ = _evidence(text)
    return {"cy": round(cy, 3), "en": round(en, 3)}


def detect(text: str) -> Tuple[Optional[str], float]:
    """("cy" | "en", confidence 0..1), or (None, 0.0) when too short or ambiguous."""
    cy, en, courtesy_only = _evidence(text)
    s = {"cy": cy, "en": en}
    total = cy + en
    if total <= 0:
        return None, 0.0
    lang = "cy" if s["cy"] > s["en"] else "en"
    win = s[lang]
    share = win / total
    if win < _MIN_EVIDENCE or share < _MIN_SHARE:
        return None, 0.0
    confidence = 1.0 - math.exp(-(win - (total - win)) / _SCALE)
    if courtesy_only:
        confidence = min(confidence, _COURTESY_CAP)
    return lang, round(confidence, 3)


_NAMES = {
    "cy": "cy", "cym": "cy", "cymraeg": "cy", "gymraeg": "cy", "nghymraeg": "cy", "welsh": "cy",
    "en": "en", "eng": "en", "english": "en", "saesneg": "en", "susneg": "en",
}


def normalise_language(value: object) -> Optional[str]:
    """A language code from an entity value or a button: "Cymraeg" -> "cy"."""
    if not isinstance(value, str):
        return None
    return _NAMES.get(value.strip().lower())


def other_language(lang: str) -> str:
    return "en" if lang == "cy" else "cy"


def supported(codes: Iterable[str]) -> bool:
    return all(c in LANGUAGES for c in codes)
