"""Loading and validating the risk rules file (``data/safety/risk_rules.yml``).

The file is operator data: a safeguarding lead reads and extends it.  Every
problem is reported as a :class:`bot.datafile.DataError` naming the file, the
line, the rule (or suppressor) id and the field, e.g.::

    data/safety/risk_rules.yml:212, entry 'self_harm.cutting',
    field 'patterns[3][1].LEMA': unknown token attribute 'LEMA' (use one of ...)

The loader only validates and resolves the data (word lists, lower-casing,
lemma forms); :mod:`bot.safety.detector` compiles it into spaCy matchers.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Optional, Sequence

from bot.datafile import DataError, line_of, load_yaml

KINDS = ("risk", "distress", "means", "followup", "known", "fresh")
#: The safeguarding reply a rule asks for (DESIGN.md, safety layer): emergency
#: (999 first) unless the rule says urgent (worrying signs, act today).
LEVELS = ("emergency", "urgent")
SUPPRESSOR_KINDS = ("idiom", "accident", "training", "curriculum", "policy", "information",
                    "fiction", "resolved", "other")
SCOPES = ("span", "sentence", "message")
CANCELS = ("all", "generic")

#: Token attributes a pattern may use, by the type of value they take.
STRING_ATTRS = ("LOWER", "LEMMA", "TEXT", "ORTH", "NORM")
BOOL_ATTRS = ("IS_PUNCT", "IS_DIGIT", "IS_ALPHA", "LIKE_NUM", "IS_SPACE", "IS_STOP")
INT_ATTRS = ("LENGTH",)
TOKEN_KEYS = STRING_ATTRS + BOOL_ATTRS + INT_ATTRS + ("OP",)
OPS = ("?", "*", "+", "!")
STRING_PREDICATES = ("IN", "NOT_IN", "REGEX")

TOP_KEYS = ("version", "categories", "lists", "spellings", "rules", "disclosure_cues",
            "suppressors")
RULE_KEYS = ("id", "category", "kind", "level", "description", "generic", "suppressible",
             "phrases", "lemma_phrases", "patterns", "near")
NEAR_KEYS = ("window", "words")
MAX_WINDOW = 30
SUPPRESSOR_KEYS = ("id", "kind", "scope", "cancels", "over_cues", "about_a_child", "description", "phrases",
                   "lemma_phrases", "patterns")
CUE_KEYS = ("description", "phrases", "lemma_phrases", "patterns")

_ID_RE = re.compile(r"^[a-z0-9_]+(\.[a-z0-9_]+)*$")
_WORD_RE = re.compile(r"^[a-z0-9_]+$")


@dataclass(frozen=True)
class Matchable:
    """What every rule, suppressor and the cue list share: things to match."""
    id: str
    description: str
    phrases: tuple[str, ...]          # normalised text, matched on LOWER
    lemma_phrases: tuple[str, ...]    # normalised text, matched on LEMMA
    patterns: tuple[tuple[dict, ...], ...]  # spaCy Matcher patterns, lists resolved
    line: Optional[int]


@dataclass(frozen=True)
class Rule(Matchable):
    kind: str = "risk"
    category: Optional[str] = None
    generic: bool = False
    suppressible: bool = True
    level: str = "emergency"
    #: Co-occurrence: one word matching each token description, all within
    #: ``near_window`` words of each other in one sentence, in any order.
    near_words: tuple[dict, ...] = ()
    near_window: int = 0


@dataclass(frozen=True)
class Suppressor(Matchable):
    kind: str = "other"
    scope: str = "span"
    cancels: str = "all"
    #: also when the message has a disclosure cue (only for unmistakable
    #: framings such as "in our training scenario")
    over_cues: bool = False
    #: a message-wide framing that may also cancel a sentence about a particular child
    #: (never with a disclosure cue): a concern that is over ("two years ago ... she's
    #: thriving now") is always about a child
    about_a_child: bool = False


@dataclass(frozen=True)
class RuleSet:
    path: str
    categories: dict            # category id -> description, in file order
    spellings: dict             # misspelling -> correction (lower case)
    rules: tuple[Rule, ...]
    cues: Matchable
    suppressors: tuple[Suppressor, ...]
    vocabulary: frozenset = field(default_factory=frozenset)  # every word the rules mention

    def rule(self, rule_id: str) -> Rule:
        return next(r for r in self.rules if r.id == rule_id)


class _Loader:
    def __init__(self, path: Path, normalise: Callable[[str, dict], str],
                 word_count: Callable[[str], int], lemma_of: Callable[[str], str]):
        self.path = path
        self.normalise = normalise
        self.word_count = word_count
        self.lemma_of = lemma_of
        self.lists: dict[str, list[str]] = {}
        self.spellings: dict[str, str] = {}
        self.vocabulary: set[str] = set()

    # -- errors -----------------------------------------------------------------------------
    def err(self, message: str, node: Any = None, key: Any = None, entry: Optional[str] = None,
            field: Optional[str] = None) -> DataError:
        return DataError(self.path, message, line=line_of(node, key) if node is not None else None,
                         entry=entry, field=field)

    # -- top level --------------------------------------------------------------------------
    def load(self) -> RuleSet:
        doc = load_yaml(self.path)
        if not isinstance(doc, dict):
            raise self.err("the file must be a mapping with 'categories', 'rules' and "
                           "'suppressors'", doc)
        for key in doc:
            if key not in TOP_KEYS:
                raise self.err(f"unknown section {key!r} (expected one of {', '.join(TOP_KEYS)})",
                               doc, key, field=str(key))
        for key in ("categories", "rules"):
            if key not in doc:
                raise self.err(f"the section {key!r} is required but missing", doc, field=key)

        categories = self._categories(doc)
        self._lists(doc)
        spellings = self.spellings = self._spellings(doc)

        rules_node = doc["rules"]
        if not isinstance(rules_node, list) or not rules_node:
            raise self.err("must be a non-empty list of rules", doc, "rules", field="rules")
        seen: dict[str, int] = {}
        rules = []
        for i, node in enumerate(rules_node):
            rule = self._rule(node, rules_node, i, categories)
            self._unique(rule.id, seen, node, rules_node, i)
            rules.append(rule)

        sup_node = doc.get("suppressors") or []
        if not isinstance(sup_node, list):
            raise self.err("must be a list of suppressors", doc, "suppressors", field="suppressors")
        suppressors = []
        for i, node in enumerate(sup_node):
            sup = self._suppressor(node, sup_node, i)
            self._unique(sup.id, seen, node, sup_node, i)
            suppressors.append(sup)

        cues = self._cues(doc)
        return RuleSet(path=str(self.path), categories=categories, spellings=spellings,
                       rules=tuple(rules), cues=cues, suppressors=tuple(suppressors),
                       vocabulary=frozenset(self.vocabulary))

    def _unique(self, ident: str, seen: dict, node: Any, parent: Any, index: int) -> None:
        if ident in seen:
            raise self.err(f"duplicate id (already used on line {seen[ident]})", node, "id",
                           entry=ident, field="id")
        seen[ident] = line_of(node, "id") or line_of(parent, index) or 0

    def _categories(self, doc: dict) -> dict:
        node = doc["categories"]
        if not isinstance(node, dict) or not node:
            raise self.err("must be a non-empty mapping of category id to its description",
                           doc, "categories", field="categories")
        out = {}
        for cat, body in node.items():
            if not isinstance(cat, str) or not _WORD_RE.match(cat):
                raise self.err("a category id must be lower-case letters, digits and _",
                               node, cat, entry=str(cat))
            desc = body.get("description") if isinstance(body, dict) else None
            if not isinstance(desc, str) or not desc.strip():
                raise self.err("must have a non-empty description", node, cat, entry=cat,
                               field="description")
            out[cat] = desc.strip()
        return out

    def _lists(self, doc: dict) -> None:
        node = doc.get("lists") or {}
        if not isinstance(node, dict):
            raise self.err("must be a mapping of list name to a list of words", doc, "lists",
                           field="lists")
        for name, words in node.items():
            if not isinstance(name, str) or not _WORD_RE.match(name):
                raise self.err("a list name must be lower-case letters, digits and _", node, name,
                               entry=str(name))
            if not isinstance(words, list) or not words:
                raise self.err("must be a non-empty list of words", node, name, entry=name)
            clean = []
            for j, w in enumerate(words):
                if isinstance(w, bool) or not isinstance(w, (str, int, float)) or not str(w):
                    raise self.err("every item must be a word (quote numbers and yes/no)",
                                   words, j, entry=name, field=f"[{j}]")
                clean.append(str(w))
            self.lists[name] = clean

    def _spellings(self, doc: dict) -> dict:
        node = doc.get("spellings") or {}
        if not isinstance(node, dict):
            raise self.err("must be a mapping of misspelling to correct spelling", doc,
                           "spellings", field="spellings")
        out = {}
        for wrong, right in node.items():
            if not isinstance(wrong, str) or not re.fullmatch(r"[^\W_]+(?:'[^\W_]+)*", wrong.lower()):
                raise self.err("a misspelling must be a single word", node, wrong,
                               entry=str(wrong), field="spellings")
            if not isinstance(right, str) or not right.strip():
                raise self.err("the correction must be non-empty text", node, wrong,
                               entry=str(wrong), field="spellings")
            out[wrong.lower()] = right.strip().lower()
            self.vocabulary.add(wrong.lower())
        return out

    # -- entries ----------------------------------------------------------------------------
    def _entry_id(self, node: Any, parent: Any, index: int, what: str) -> str:
        if not isinstance(node, dict):
            raise self.err(f"each {what} must be a mapping with an id", parent, index,
                           entry=f"#{index + 1}")
        ident = node.get("id")
        if not isinstance(ident, str) or not _ID_RE.match(ident):
            raise self.err("is required: lower-case words separated by dots, e.g. "
                           "'self_harm.cutting'", node, "id" if "id" in node else None,
                           entry=f"#{index + 1}", field="id")
        return ident

    def _check_keys(self, node: dict, allowed: Sequence[str], ident: str) -> None:
        for key in node:
            if key not in allowed:
                raise self.err(f"unknown field (expected one of {', '.join(allowed)})", node, key,
                               entry=ident, field=str(key))

    def _text(self, node: dict, key: str, ident: str) -> str:
        value = node.get(key)
        if not isinstance(value, str) or not value.strip():
            raise self.err("is required and must be non-empty text", node,
                           key if key in node else None, entry=ident, field=key)
        return " ".join(value.split())

    def _choice(self, node: dict, key: str, choices: Sequence[str], default: str,
                ident: str) -> str:
        value = node.get(key, default)
        if value not in choices:
            raise self.err(f"must be one of {', '.join(choices)} (got {value!r})", node, key,
                           entry=ident, field=key)
        return value

    def _bool(self, node: dict, key: str, default: bool, ident: str) -> bool:
        value = node.get(key, default)
        if not isinstance(value, bool):
            raise self.err("must be true or false", node, key, entry=ident, field=key)
        return value

    def _rule(self, node: Any, parent: Any, index: int, categories: dict) -> Rule:
        ident = self._entry_id(node, parent, index, "rule")
        self._check_keys(node, RULE_KEYS, ident)
        kind = self._choice(node, "kind", KINDS, "risk", ident)
        category = node.get("category")
        if category is None:
            if kind in ("risk", "means", "known", "fresh"):
                raise self.err("is required for a rule of kind " + kind, node, None,
                               entry=ident, field="category")
        elif category not in categories:
            raise self.err(f"unknown category {category!r} (use one of "
                           f"{', '.join(categories)})", node, "category", entry=ident,
                           field="category")
        near_words, near_window = self._near(node, ident)
        body = self._matchable(node, ident, has_other=bool(near_words))
        return Rule(**body, kind=kind, category=category, near_words=near_words,
                    near_window=near_window,
                    level=self._choice(node, "level", LEVELS, "emergency", ident),
                    generic=self._bool(node, "generic", False, ident),
                    suppressible=self._bool(node, "suppressible", True, ident))

    def _suppressor(self, node: Any, parent: Any, index: int) -> Suppressor:
        ident = self._entry_id(node, parent, index, "suppressor")
        self._check_keys(node, SUPPRESSOR_KEYS, ident)
        return Suppressor(**self._matchable(node, ident),
                          kind=self._choice(node, "kind", SUPPRESSOR_KINDS, "other", ident),
                          scope=self._choice(node, "scope", SCOPES, "span", ident),
                          cancels=self._choice(node, "cancels", CANCELS, "all", ident),
                          over_cues=self._bool(node, "over_cues", False, ident),
                          about_a_child=self._bool(node, "about_a_child", False, ident))

    def _cues(self, doc: dict) -> Matchable:
        node = doc.get("disclosure_cues")
        if node is None:
            return Matchable(id="disclosure_cues", description="", phrases=(), lemma_phrases=(),
                             patterns=(), line=None)
        if not isinstance(node, dict):
            raise self.err("must be a mapping with phrases and/or patterns", doc,
                           "disclosure_cues", field="disclosure_cues")
        self._check_keys(node, CUE_KEYS, "disclosure_cues")
        body = self._matchable(node, "disclosure_cues", need_description=False)
        body["id"] = "disclosure_cues"
        return Matchable(**body)

    def _near(self, node: dict, ident: str) -> tuple[tuple[dict, ...], int]:
        if "near" not in node:
            return (), 0
        value = node["near"]
        if not isinstance(value, dict):
            raise self.err("must be a mapping with 'window' and 'words'", node, "near",
                           entry=ident, field="near")
        for key in value:
            if key not in NEAR_KEYS:
                raise self.err(f"unknown field (expected one of {', '.join(NEAR_KEYS)})", value,
                               key, entry=ident, field=f"near.{key}")
        window = value.get("window")
        if isinstance(window, bool) or not isinstance(window, int) or not 1 <= window <= MAX_WINDOW:
            raise self.err(f"must be a whole number of words from 1 to {MAX_WINDOW}", value,
                           "window" if "window" in value else None, entry=ident,
                           field="near.window")
        words = value.get("words")
        if not isinstance(words, list) or len(words) < 2:
            raise self.err("must list at least two token descriptions that must all appear "
                           "near each other", value, "words" if "words" in value else None,
                           entry=ident, field="near.words")
        out = []
        for j, token in enumerate(words):
            spec = self._token(token, words, j, ident, f"near.words[{j}]")
            if "OP" in spec or not spec:
                raise self.err("a near word must describe one word, without OP", words, j,
                               entry=ident, field=f"near.words[{j}]")
            out.append(spec)
        return tuple(out), window

    def _matchable(self, node: dict, ident: str, need_description: bool = True,
                   has_other: bool = False) -> dict:
        description = self._text(node, "description", ident) if need_description else \
            str(node.get("description") or "")
        phrases = self._phrases(node, "phrases", ident)
        lemma_phrases = self._phrases(node, "lemma_phrases", ident)
        patterns = self._patterns(node, ident)
        if not (phrases or lemma_phrases or patterns or has_other):
            raise self.err("has nothing to match: give phrases, lemma_phrases, patterns or near",
                           node, None, entry=ident, field="phrases")
        return dict(id=ident, description=description, phrases=phrases,
                    lemma_phrases=lemma_phrases, patterns=patterns,
                    line=line_of(node, "id") or line_of(node))

    def _phrases(self, node: dict, key: str, ident: str) -> tuple[str, ...]:
        if key not in node:
            return ()
        value = node[key]
        if not isinstance(value, list) or not value:
            raise self.err("must be a non-empty list of phrases", node, key, entry=ident,
                           field=key)
        out = []
        for j, phrase in enumerate(value):
            if isinstance(phrase, bool) or not isinstance(phrase, (str, int, float)):
                raise self.err("every phrase must be text", value, j, entry=ident,
                               field=f"{key}[{j}]")
            norm = self.normalise(str(phrase), self.spellings)
            if not norm.strip():
                raise self.err("a phrase must not be empty", value, j, entry=ident,
                               field=f"{key}[{j}]")
            self.vocabulary.update(norm.split())
            out.append(norm)
        return tuple(dict.fromkeys(out))

    def _patterns(self, node: dict, ident: str) -> tuple[tuple[dict, ...], ...]:
        if "patterns" not in node:
            return ()
        value = node["patterns"]
        if not isinstance(value, list) or not value:
            raise self.err("must be a non-empty list of patterns (each a list of token "
                           "descriptions)", node, "patterns", entry=ident, field="patterns")
        out = []
        for i, pattern in enumerate(value):
            where = f"patterns[{i}]"
            if not isinstance(pattern, list) or not pattern:
                raise self.err("a pattern must be a non-empty list of token descriptions "
                               "like [{LOWER: kill}, {LEMMA: myself}]", value, i, entry=ident,
                               field=where)
            tokens = []
            for j, token in enumerate(pattern):
                tokens.append(self._token(token, pattern, j, ident, f"{where}[{j}]"))
            if all(t.get("OP") in ("?", "*") for t in tokens):
                raise self.err("every token is optional, so the pattern would match anything",
                               value, i, entry=ident, field=where)
            out.append(tuple(tokens))
        return tuple(out)

    def _token(self, token: Any, pattern: list, j: int, ident: str, where: str) -> dict:
        if not isinstance(token, dict):
            raise self.err("a token description must be a mapping like {LOWER: word}",
                           pattern, j, entry=ident, field=where)
        out: dict = {}
        for attr, value in token.items():
            fld = f"{where}.{attr}"
            if attr not in TOKEN_KEYS:
                raise self.err(f"unknown token attribute {attr!r} (use one of "
                               f"{', '.join(TOKEN_KEYS)})", token, attr, entry=ident, field=fld)
            if attr == "OP":
                if value not in OPS:
                    raise self.err(f"OP must be one of {', '.join(OPS)}", token, attr,
                                   entry=ident, field=fld)
                out[attr] = value
            elif attr in BOOL_ATTRS:
                if not isinstance(value, bool):
                    raise self.err("must be true or false", token, attr, entry=ident, field=fld)
                out[attr] = value
            elif attr in INT_ATTRS:
                if isinstance(value, bool) or not isinstance(value, int):
                    raise self.err("must be a whole number", token, attr, entry=ident, field=fld)
                out[attr] = value
            else:
                out[attr] = self._string_value(attr, value, token, ident, fld)
        return out

    def _string_value(self, attr: str, value: Any, token: dict, ident: str, fld: str) -> Any:
        if isinstance(value, dict):
            if not value:
                raise self.err("must not be empty", token, attr, entry=ident, field=fld)
            out = {}
            for pred, arg in value.items():
                if pred not in STRING_PREDICATES:
                    raise self.err(f"unknown predicate {pred!r} (use one of "
                                   f"{', '.join(STRING_PREDICATES)})", token, attr, entry=ident,
                                   field=f"{fld}.{pred}")
                if pred == "REGEX":
                    if not isinstance(arg, str):
                        raise self.err("REGEX must be text", token, attr, entry=ident,
                                       field=f"{fld}.REGEX")
                    try:
                        re.compile(arg)
                    except re.error as exc:
                        raise self.err(f"invalid regular expression: {exc}", token, attr,
                                       entry=ident, field=f"{fld}.REGEX") from None
                    out[pred] = arg
                else:
                    words = self._word_list(arg, attr, token, ident, f"{fld}.{pred}")
                    out[pred] = words
            return out
        if isinstance(value, bool) or not isinstance(value, (str, int, float)) or not str(value):
            raise self.err("must be a word, or a mapping like {IN: [word, word]}", token, attr,
                           entry=ident, field=fld)
        words = self._word_list([value], attr, token, ident, fld)
        return words[0] if len(words) == 1 else {"IN": words}

    def _word_list(self, arg: Any, attr: str, token: dict, ident: str, fld: str) -> list:
        items: list = []
        raw = [arg] if isinstance(arg, str) else arg
        if not isinstance(raw, list) or not raw:
            raise self.err("must be a non-empty list of words or a list name like \"@carer\"",
                           token, attr, entry=ident, field=fld)
        for item in raw:
            if isinstance(item, str) and item.startswith("@"):
                name = item[1:]
                if name not in self.lists:
                    raise self.err(f"unknown word list {item!r} (define it under 'lists')", token,
                                   attr, entry=ident, field=fld)
                items.extend(self.lists[name])
            elif isinstance(item, bool) or not isinstance(item, (str, int, float)) or not str(item):
                raise self.err("every item must be a word (quote numbers and yes/no)", token,
                               attr, entry=ident, field=fld)
            else:
                items.append(str(item))
        out = []
        for word in items:
            w = word.lower() if word.strip() else word
            if w.strip() and self.word_count(w) != 1:
                raise self.err(f"{word!r} is read as several words by the tokenizer; a pattern "
                               "token must be one word (split it into several tokens, or use "
                               "phrases)", token, attr, entry=ident, field=fld)
            out.append(w)
            if attr == "LEMMA":
                lemma = self.lemma_of(w)
                if lemma != w:
                    out.append(lemma)
            self.vocabulary.add(w)
        # Sorted and de-duplicated: equal sets then share one spaCy predicate.
        return sorted(set(out))


def load_rules(path: Path | str, *, normalise: Callable[[str, dict], str],
               word_count: Callable[[str], int], lemma_of: Callable[[str], str]) -> RuleSet:
    """Load and validate the rules file.

    ``normalise(text, spellings)`` is applied to phrases (so they meet messages in
    the same form),
    ``word_count`` says how many tokens the tokenizer makes of a pattern word and
    ``lemma_of`` gives the lookup lemma of a word (LEMMA values match both forms).
    """
    return _Loader(Path(path), normalise, word_count, lemma_of).load()
