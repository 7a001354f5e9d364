"""The rule-based risk detector (the safety layer's first line).

``RiskDetector().assess(text, history)`` tells whether a practitioner's
message signals risk to a child or young person, which categories, which
rules fired and which suppressors cancelled a match (for audit).  The rules
live in ``data/safety/risk_rules.yml`` (see the comments there); this module
compiles them into spaCy ``Matcher``/``PhraseMatcher`` objects over the shared
blank English pipeline with lookup lemmas (:func:`bot.nlp.get_nlp`).

Decisions, in order (all tuned for recall):

1. The text is normalised (NFKC, curly quotes, zero-width and look-alike
   characters, repeated letters, listed misspellings) and scanned whole, in
   overlapping windows when it is long.
2. ``risk`` rules fire on their own.  A match is cancelled only by a ``span``
   suppressor whose own words contain it, or by a ``sentence`` suppressor in the
   same sentence when the message has no disclosure cue (and, for
   ``cancels: generic``, only if the rule is generic).
3. ``means`` rules (questions about amounts, heights, where to get means) fire
   when this message or one of the last three in ``history`` shows distress, a
   means question or
   risk.  ``followup`` rules ("she said it again today") fire when one of the
   last three history messages was at risk, and take its categories.
4. A phrase split across the previous message and this one still fires.
"""
from __future__ import annotations

import os
import threading
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Optional, Sequence

from spacy.matcher import Matcher, PhraseMatcher

from bot.datafile import DataError
from bot.nlp import get_nlp
from bot.safety.normalise import chunks, normalise
from bot.safety.rules import Matchable, Rule, RuleSet, Suppressor, load_rules

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_RULES = REPO_ROOT / "data" / "safety" / "risk_rules.yml"
ENV_RULES = "NEST_RISK_RULES"

#: How many earlier practitioner messages count as context.
HISTORY_WINDOW = 3
#: Long texts are scanned in windows of this many characters, overlapping.
CHUNK_CHARS = 6000
CHUNK_OVERLAP = 300
#: Characters of the previous message and this one joined to catch a split phrase.
JOIN_CHARS = 240
#: Texts up to this length are cached (history messages are assessed repeatedly).
CACHE_MAX_CHARS = 4000

_SENTENCE_ENDS = frozenset({".", "!", "?", ";", "...", "\u2026"})
#: Words that make a sentence about a particular child (English and Welsh).
_PERSONAL = frozenset({"she", "he", "her", "his", "him", "hers", "their",
                       "hi", "fe", "fo", "ei", "iddi", "iddo"})


@dataclass(frozen=True)
class RiskAssessment:
    at_risk: bool
    categories: tuple[str, ...]     # e.g. ("self_harm",)
    rules: tuple[str, ...]          # ids of the rules that fired (for audit)
    suppressed_by: tuple[str, ...]  # ids of suppressors that cancelled matches
    #: the safeguarding reply it needs: "emergency" (999 first) when any fired
    #: rule (or the learned net) asks for it, "urgent" when only urgent-level
    #: ones fired; None when not at risk
    level: Optional[str] = None
    #: the learned net's score, when it ran (bot.safety.net.NetScore.as_dict())
    net: Optional[dict] = None
    #: what raised the alarm: "rules", "net" or both
    fired_by: tuple[str, ...] = ()

    def as_dict(self) -> dict:
        """A JSON-ready dict (lists, not tuples) for Rasa's parse data and trackers."""
        return {"at_risk": self.at_risk, "level": self.level,
                "categories": list(self.categories), "rules": list(self.rules),
                "suppressed_by": list(self.suppressed_by), "net": self.net,
                "fired_by": list(self.fired_by)}


NOT_AT_RISK = RiskAssessment(False, (), (), ())


@dataclass(frozen=True)
class _Scan:
    """What one text contains before context is applied."""
    risk: tuple[Rule, ...]      # risk rules that survived suppression, in order of appearance
    means: tuple[Rule, ...]
    followup: tuple[Rule, ...]
    distress: bool
    suppressed_by: tuple[str, ...]
    known: tuple[Rule, ...] = ()    # level modifiers: lower their category to urgent
    fresh: tuple[Rule, ...] = ()    # ... unless a fresh cue of the category is there


_EMPTY_SCAN = _Scan((), (), (), False, ())


class RiskDetector:
    """Applies the risk rules file to practitioners' messages."""

    def __init__(self, rules_path: Optional[Path | str] = None):
        path = rules_path or os.environ.get(ENV_RULES) or DEFAULT_RULES
        self.nlp = get_nlp()
        lemmatizer = self.nlp.get_pipe("lemmatizer")
        table = lemmatizer.lookups.get_table("lemma_lookup")
        self._lemma_table = table
        self._base_forms = frozenset(table.values())
        self.rules: RuleSet = load_rules(
            path, normalise=lambda text, sp: normalise(text, sp),
            word_count=self._word_count,
            lemma_of=lambda w: table.get(w, w))
        self.path = self.rules.path
        self._by_key: dict[str, tuple[str, Matchable]] = {}
        self._build_matchers()
        self._category_order = {c: i for i, c in enumerate(self.rules.categories)}
        self._cached_scan = lru_cache(maxsize=1024)(self._scan)

    # -- building ---------------------------------------------------------------------------
    def _build_matchers(self) -> None:
        """Compile the rules.

        Token patterns are grouped into small Matchers by their *anchor*: the
        required token whose words are rarest in English.  A pattern can only
        match a text containing one of its anchor words, so for each text only
        the groups whose anchor words occur are run (typically 2-5% of them);
        results are the same as running every pattern, at a fraction of the cost.
        """
        vocab = self.nlp.vocab
        self._rarity = _word_rarity()
        self._buckets: dict[Optional[tuple], Matcher] = {}
        self._lower = PhraseMatcher(vocab, attr="LOWER")
        self._lemma = PhraseMatcher(vocab, attr="LEMMA")
        entries: list[tuple[str, Matchable]] = [("R", r) for r in self.rules.rules]
        entries += [("S", s) for s in self.rules.suppressors]
        entries.append(("C", self.rules.cues))
        for tag, entry in entries:
            key = f"{tag}:{entry.id}"
            self._by_key[key] = (tag, entry)
            for i, pattern in enumerate(entry.patterns):
                try:
                    self._bucket(self._anchor(pattern)).add(key, [list(pattern)])
                except Exception as exc:  # spaCy's MatchPatternError / ValueError
                    raise DataError(self.path, f"spaCy rejected the pattern: {exc}",
                                    line=entry.line, entry=entry.id,
                                    field=f"patterns[{i}]") from None
            near_words = getattr(entry, "near_words", ())
            near_anchor = self._anchor(near_words) if near_words else None
            for gi, spec in enumerate(near_words):
                near_key = f"N:{entry.id}:{gi}"
                self._by_key[near_key] = ("N", (entry, gi))
                try:
                    self._bucket(near_anchor).add(near_key, [[dict(spec)]])
                except Exception as exc:
                    raise DataError(self.path, f"spaCy rejected the word: {exc}",
                                    line=entry.line, entry=entry.id,
                                    field=f"near.words[{gi}]") from None
            if entry.phrases:
                self._lower.add(key, [self.nlp.make_doc(p) for p in entry.phrases])
            if entry.lemma_phrases:
                self._lemma.add(key, list(self.nlp.pipe(entry.lemma_phrases)))
        # word -> anchored groups, per token attribute, for a quick look-up per text
        self._always = [m for anchor, m in self._buckets.items() if anchor is None]
        self._index: dict[str, dict[str, list[Matcher]]] = {}
        for anchor, matcher in self._buckets.items():
            if anchor is not None:
                attr, words = anchor
                for word in words:
                    self._index.setdefault(attr, {}).setdefault(word, []).append(matcher)

    def _bucket(self, anchor: Optional[tuple]) -> Matcher:
        matcher = self._buckets.get(anchor)
        if matcher is None:
            matcher = self._buckets[anchor] = Matcher(self.nlp.vocab, validate=True)
        return matcher

    def _anchor(self, specs) -> Optional[tuple]:
        """(attribute, words) of the rarest required literal token, or None."""
        best = None
        for spec in specs:
            if spec.get("OP") in ("?", "*", "!"):
                continue
            for attr in _ANCHOR_ATTRS:
                value = spec.get(attr)
                words = {value} if isinstance(value, str) else (
                    set(value["IN"]) if isinstance(value, dict) and set(value) == {"IN"} else None)
                if words:
                    score = sum(self._rarity(w) for w in words)
                    if best is None or score < best[0]:
                        best = (score, attr, frozenset(words))
                    break
        return None if best is None else (best[1], best[2])

    def _match_tokens(self, doc) -> list:
        """Token-pattern matches, running only the groups whose anchor occurs."""
        active: dict[int, Matcher] = {id(m): m for m in self._always}
        for attr, index in self._index.items():
            getter = _TOKEN_ATTR[attr]
            for tok in doc:
                for matcher in index.get(getter(tok), ()):
                    active[id(matcher)] = matcher
        found: list = []
        for matcher in active.values():
            found += matcher(doc)
        return found

    def _word_count(self, word: str) -> int:
        """Tokens the tokenizer makes of a pattern word; a clitic such as "'m" or
        "'ve" counts as one because that is how it appears after its host word."""
        if word.startswith("'"):
            for host in ("i", "he", "you", "we", "it", "they"):
                doc = self.nlp.make_doc(host + word)
                if len(doc) == 2 and doc[1].text == word:
                    return 1
        return len(self.nlp.make_doc(word))

    def _known(self, word: str) -> bool:
        return (word in self.rules.vocabulary or word in self._base_forms
                or word in self._lemma_table)

    # -- scanning ---------------------------------------------------------------------------
    def normalise(self, text: str) -> str:
        return normalise(text, self.rules.spellings, self._known)

    def _scan(self, text: str, boundary: Optional[int] = None) -> _Scan:
        """Match the rules against already-normalised ``text``.

        With ``boundary`` (a character offset) only risk matches that straddle it
        count: used to catch a phrase split across two messages.
        """
        if not text.strip():
            return _EMPTY_SCAN
        pieces = chunks(text, CHUNK_CHARS, CHUNK_OVERLAP)
        docs = [self.nlp(pieces[0])] if len(pieces) == 1 else list(self.nlp.pipe(pieces))
        hits = []           # (chunk, sentence, start, end, rule)
        spans = []          # (chunk, start, end, suppressor)
        sentence_sups: dict[tuple[int, int], list[Suppressor]] = {}
        message_sups: list[Suppressor] = []
        cue = False
        strings = self.nlp.vocab.strings
        personal: set[tuple[int, int]] = set()     # (chunk, sentence) naming a particular child
        for ci, doc in enumerate(docs):
            sentence_of, sent = [], 0
            for tok in doc:
                sentence_of.append(sent)
                if tok.lower_ in _PERSONAL:
                    personal.add((ci, sent))
                if tok.text in _SENTENCE_ENDS or (tok.is_space and "\n" in tok.text):
                    sent += 1
            found = self._match_tokens(doc) + self._lower(doc) + self._lemma(doc)
            near_events: dict[str, list] = {}
            for match_id, start, end in found:
                tag, entry = self._by_key[strings[match_id]]
                if tag == "N":
                    rule, gi = entry
                    near_events.setdefault(rule.id, []).append((start, gi, rule))
                    continue
                if tag == "C":
                    cue = True
                elif tag == "S":
                    if entry.scope == "span":
                        spans.append((ci, start, end, entry))
                    elif entry.scope == "message":
                        message_sups.append(entry)
                    else:
                        sentence_sups.setdefault((ci, sentence_of[start]), []).append(entry)
                else:
                    if boundary is not None:
                        first, last = doc[start], doc[end - 1]
                        if not (first.idx < boundary < last.idx + len(last.text)):
                            continue
                    hits.append((ci, sentence_of[start], start, end, entry))
            for events in near_events.values():
                for start, end, rule in _near_spans(events, sentence_of):
                    if boundary is not None:
                        first, last = doc[start], doc[end - 1]
                        if not (first.idx < boundary < last.idx + len(last.text)):
                            continue
                    hits.append((ci, sentence_of[start], start, end, rule))
        hits.sort(key=lambda h: (h[0], h[2], -h[3], h[4].id))
        # the same suppressor for the same match whatever order the matchers ran in
        message_sups = sorted({sup.id: sup for sup in message_sups}.values(), key=lambda sup: sup.id)

        kept: dict[str, Rule] = {}
        suppressed: dict[str, None] = {}
        distress = False
        for ci, sentence, start, end, rule in hits:
            by = self._suppressor_for(rule, ci, sentence, start, end, spans, sentence_sups, cue,
                                      message_sups, (ci, sentence) in personal)
            if by is not None:
                suppressed[by] = None
                continue
            if rule.kind == "distress":
                distress = True
            else:
                kept.setdefault(rule.id, rule)
        rules = list(kept.values())
        return _Scan(risk=tuple(r for r in rules if r.kind == "risk"),
                     means=tuple(r for r in rules if r.kind == "means"),
                     followup=tuple(r for r in rules if r.kind == "followup"),
                     distress=distress, suppressed_by=tuple(suppressed),
                     known=tuple(r for r in rules if r.kind == "known"),
                     fresh=tuple(r for r in rules if r.kind == "fresh"))

    @staticmethod
    def _suppressor_for(rule: Rule, ci: int, sentence: int, start: int, end: int, spans: list,
                        sentence_sups: dict, cue: bool, message_sups: list = (),
                        personal: bool = False) -> Optional[str]:
        if not rule.suppressible:
            return None
        for sci, sstart, send, sup in spans:
            if sci == ci and sstart <= start and end <= send and (
                    sup.cancels == "all" or rule.generic):
                return sup.id
        for sup in message_sups:
            # a message-wide framing ("for our PSHE lesson") never cancels a sentence about
            # a particular child ("Her stepdad hits her."), unless it is an unmistakable
            # made-up scenario (over_cues)
            # a bare topic word (a generic rule: "her project on suicide") may be cancelled
            # in a sentence about a child; a description of what is happening may not
            if sup.over_cues or (not cue and (not personal or rule.generic or sup.about_a_child)):
                if sup.cancels == "all" or rule.generic:
                    return sup.id
        if cue:
            return None
        for sup in sentence_sups.get((ci, sentence), ()):
            if sup.cancels == "all" or rule.generic:
                return sup.id
        return None

    def _scan_text(self, raw: str) -> _Scan:
        if not isinstance(raw, str) or not raw.strip():
            return _EMPTY_SCAN
        if len(raw) <= CACHE_MAX_CHARS:
            return self._cached_scan(self.normalise(raw))
        return self._scan(self.normalise(raw))

    # -- public -----------------------------------------------------------------------------
    def assess(self, text: str, history: Sequence[str] = ()) -> RiskAssessment:
        """Assess one practitioner message, given their previous few (newest last)."""
        now = self._scan_text(text if isinstance(text, str) else "")
        recent = [h for h in (history or ())[-HISTORY_WINDOW:] if isinstance(h, str) and h.strip()]
        past = [self._scan_text(h) for h in recent]

        fired: dict[str, Rule] = {r.id: r for r in now.risk}
        categories = {r.category for r in now.risk}
        suppressed = dict.fromkeys(now.suppressed_by)

        # A question about suicide means in a recent message is context too: asking which
        # bridge is highest, then "she hasn't turned up this morning" (blind round 7).
        if now.means and (now.distress or now.risk or any(
                p.distress or p.risk or any(r.category == "suicide" for r in p.means) for p in past)):
            for r in now.means:
                fired.setdefault(r.id, r)
                categories.add(r.category)
        if now.followup:
            past_categories = {r.category for p in past for r in p.risk}
            if past_categories:
                for r in now.followup:
                    fired.setdefault(r.id, r)
                    if r.category:
                        categories.add(r.category)
                categories |= past_categories

        if recent and isinstance(text, str) and text.strip():
            tail = self.normalise(recent[-1])[-JOIN_CHARS:]
            head = self.normalise(text)[:JOIN_CHARS]
            joined = self._cached_scan(tail + " " + head, len(tail))
            for r in joined.risk:
                fired.setdefault(r.id, r)
                categories.add(r.category)

        if not fired:
            return RiskAssessment(False, (), (), tuple(suppressed))
        ordered = tuple(sorted((c for c in categories if c),
                               key=lambda c: self._category_order.get(c, len(self._category_order))))
        # Levels: a rule's own, lowered to urgent where a `known` cue of its
        # category is in this message and no `fresh` one; a followup takes the
        # level of the risk it follows up.
        lowered = {r.category for r in now.known} - {r.category for r in now.fresh}
        levels = {"urgent" if r.category in lowered else r.level
                  for r in fired.values() if r.kind != "followup"}
        if now.followup and fired.keys() & {r.id for r in now.followup}:
            levels |= {r.level for p in past for r in p.risk}
        level = "emergency" if "emergency" in levels or not levels else "urgent"
        return RiskAssessment(True, ordered, tuple(fired), tuple(suppressed), level=level,
                              fired_by=("rules",))


def _near_spans(events: list, sentence_of: list) -> list:
    """Spans where one word of every group of a ``near`` rule occurs within its
    window, inside one sentence (two-pointer sweep over the sorted events)."""
    rule = events[0][2]
    groups = len(rule.near_words)
    by_sentence: dict[int, list] = {}
    for pos, gi, _ in events:
        by_sentence.setdefault(sentence_of[pos], []).append((pos, gi))
    spans = []
    for evs in by_sentence.values():
        evs.sort()
        counts: dict[int, int] = {}
        left = 0
        for right, (pos, gi) in enumerate(evs):
            counts[gi] = counts.get(gi, 0) + 1
            while pos - evs[left][0] >= rule.near_window:
                lg = evs[left][1]
                counts[lg] -= 1
                if not counts[lg]:
                    del counts[lg]
                left += 1
            if len(counts) == groups:
                spans.append((evs[left][0], pos + 1, rule))
    return spans


_ANCHOR_ATTRS = ("LOWER", "LEMMA", "TEXT", "ORTH", "NORM")
_TOKEN_ATTR = {"LOWER": lambda t: t.lower_, "LEMMA": lambda t: t.lemma_,
               "TEXT": lambda t: t.text, "ORTH": lambda t: t.orth_,
               "NORM": lambda t: t.norm_}


#: Words too common in practitioners' messages to make good anchors (besides
#: spaCy's English stop words).
_COMMON = frozenset("""
    said say says tell told telling ask asked school class year pupil pupils child children kid
    kids girl girls boy boys student students young person people mum dad mam parent parents
    family home house time day week today night last really just like get got go going went
    come came want know think see look make take give keep feel help talk work lesson staff
    teacher good new old little friend friends thing things way lot bit need also still
""".split())


def _word_rarity():
    """How common a word is, to choose each pattern group's anchor.

    Only speed depends on this, never which rules fire: stop words, very short
    words and a few words common in practitioners' messages count as common.
    """
    from spacy.lang.en.stop_words import STOP_WORDS

    def rarity(word: str) -> float:
        if word in STOP_WORDS or len(word) <= 2:
            return 100.0
        if word in _COMMON:
            return 10.0
        return 1.0

    return rarity


_detector_lock = threading.Lock()
_detectors: dict[str, RiskDetector] = {}


def get_detector() -> RiskDetector:
    """The process-wide detector for the configured rules file (built on first use)."""
    path = str(os.environ.get(ENV_RULES) or DEFAULT_RULES)
    with _detector_lock:
        detector = _detectors.get(path)
        if detector is None:
            detector = _detectors[path] = RiskDetector(path)
        return detector
