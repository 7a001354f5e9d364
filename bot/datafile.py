"""Loading operator data files (DESIGN.md contract 4).

Operators edit YAML files, never code.  Every loader reports a problem as a
:class:`DataError` naming the file, the line, the entry and the field, so an
operator can find and fix it without reading Python.
"""
from __future__ import annotations

import re
from datetime import date, datetime
from pathlib import Path
from typing import Any, Iterable, List, Optional, Tuple

from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

LANGUAGES = ("en", "cy")
DEFAULT_LANGUAGE = "en"


class DataError(ValueError):
    """A problem in an operator data file, located precisely."""

    def __init__(self, path: Any, message: str, *, line: Optional[int] = None,
                 entry: Optional[str] = None, field: Optional[str] = None):
        self.path = str(path)
        self.line = line
        self.entry = entry
        self.field = field
        self.message = message
        where = self.path + (f":{line}" if line else "")
        parts = [where]
        if entry is not None:
            parts.append(f"entry {entry!r}")
        if field is not None:
            parts.append(f"field {field!r}")
        super().__init__(", ".join(parts) + f": {message}")


def load_yaml(path: Path | str) -> Any:
    """Parse a YAML file keeping line numbers (ruamel round-trip nodes)."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise DataError(path, "file not found") from None
    except UnicodeDecodeError as exc:
        raise DataError(path, f"not UTF-8 text ({exc.reason})") from None
    try:
        return YAML(typ="rt").load(text)
    except YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        problem = getattr(exc, "problem", None) or str(exc)
        raise DataError(path, f"invalid YAML: {problem}", line=line) from None


def line_of(node: Any, key: Any = None) -> Optional[int]:
    """1-based line of a mapping key (or of the node itself) when known."""
    lc = getattr(node, "lc", None)
    if lc is None:
        return None
    try:
        if key is None:
            return lc.line + 1
        if isinstance(key, int):
            return lc.item(key)[0] + 1
        return lc.key(key)[0] + 1
    except (KeyError, IndexError, TypeError, AttributeError):
        return lc.line + 1


class Located:
    """Helper for validating one entry of a data file with precise errors."""

    def __init__(self, path: Path | str, node: Any, entry: Optional[str] = None):
        self.path = str(path)
        self.node = node
        self.entry = entry

    def error(self, message: str, field: Optional[str] = None) -> DataError:
        return DataError(self.path, message, line=line_of(self.node, field),
                         entry=self.entry, field=field)

    def require(self, field: str, kind: type | tuple = str) -> Any:
        if not isinstance(self.node, dict) or field not in self.node:
            raise self.error("is required but missing", field)
        value = self.node[field]
        if not isinstance(value, kind) or (isinstance(value, str) and not value.strip()):
            raise self.error(f"must be a non-empty {_kind_name(kind)}", field)
        return value

    def optional(self, field: str, kind: type | tuple, default: Any = None) -> Any:
        if not isinstance(self.node, dict) or self.node.get(field) is None:
            return default
        value = self.node[field]
        if not isinstance(value, kind):
            raise self.error(f"must be a {_kind_name(kind)}", field)
        return value

    def text(self, field: str, required: bool = True,
             languages: Iterable[str] = (DEFAULT_LANGUAGE,)) -> Optional[dict]:
        """A user-facing text stored per language code: ``{en: ..., cy: ...}``.

        A plain string is accepted as English.  ``languages`` lists the codes
        that must be present.
        """
        if not isinstance(self.node, dict) or self.node.get(field) is None:
            if required:
                raise self.error("is required but missing", field)
            return None
        value = self.node[field]
        if isinstance(value, str):
            value = {DEFAULT_LANGUAGE: value}
        if not isinstance(value, dict):
            raise self.error("must be a text or a mapping of language code to text", field)
        out = {}
        for code, text in value.items():
            if code not in LANGUAGES:
                raise self.error(f"unknown language code {code!r} (use one of {', '.join(LANGUAGES)})", field)
            if not isinstance(text, str) or not text.strip():
                raise self.error(f"text for {code!r} must be non-empty", field)
            out[str(code)] = str(text).strip()
        for code in languages:
            if code not in out:
                raise self.error(f"missing the {code!r} text", field)
        return out


def _kind_name(kind: type | tuple) -> str:
    kinds = kind if isinstance(kind, tuple) else (kind,)
    names = {str: "text", int: "whole number", float: "number", bool: "true/false",
             list: "list", dict: "mapping"}
    return " or ".join(names.get(k, k.__name__) for k in kinds)


def pydantic_error(path: Any, data: Any, exc: Any, list_key: str) -> DataError:
    """A pydantic ``ValidationError`` over ``data`` (a ruamel node whose
    ``list_key`` holds the entries) as a DataError naming file, line, entry and field."""
    first = exc.errors()[0]
    loc = list(first["loc"])
    node, entry, line = data, None, None
    for i, key in enumerate(loc):
        try:
            parent = node
            node = node[key]
            line = line_of(parent, key) or line
        except (KeyError, IndexError, TypeError):
            break
        if i == 1 and isinstance(node, dict) and isinstance(node.get("id"), str):
            entry = node["id"]
    field = ".".join(str(k) for k in loc[2:]) if loc and loc[0] == list_key else \
        ".".join(str(k) for k in loc)
    return DataError(path, first["msg"], line=line, entry=entry, field=field or None)


def pick(text: Optional[dict], language: str = DEFAULT_LANGUAGE) -> str:
    """The text in ``language``, falling back to English."""
    if not text:
        return ""
    return text.get(language) or text.get(DEFAULT_LANGUAGE) or next(iter(text.values()))


def as_date(value: Any) -> Optional[date]:
    """A YAML date, datetime or "YYYY-MM-DD" text as a date; None otherwise."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            return None
    return None


_NLU_ENTITY = re.compile(r"\[([^\]]*)\](?:\([^)]*\)|\{[^}]*\})")


def nlu_examples(folder: Path | str) -> List[Tuple[str, str, str]]:
    """(intent, text, file name) of every intent example in the Rasa NLU files
    of ``folder``, read as plain YAML, entity markup removed; button payloads
    ("/intent") and empty lines left out."""
    out: List[Tuple[str, str, str]] = []
    for path in sorted(Path(folder).glob("*.yml")):
        data = load_yaml(path) or {}
        for block in data.get("nlu") or []:
            intent = block.get("intent") if isinstance(block, dict) else None
            if not intent:
                continue
            for line in str(block.get("examples") or "").splitlines():
                line = line.strip()
                if line.startswith("- "):
                    text = _NLU_ENTITY.sub(r"\1", line[2:]).strip()
                    if text and not text.startswith("/"):
                        out.append((intent, text, path.name))
    return out
