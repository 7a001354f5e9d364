"""Structured (JSON lines) logs without message text, for production.

Every record of a production process becomes one JSON object on stdout::

    {"ts": "2026-11-24T10:00:00.123Z", "level": "info", "logger": "rasa.core.processor",
     "process": "rasa-1", "pid": 4242, "msg": "...", ...}

Three layers keep conversation text out of them:

1. the level: production runs at INFO or above (:func:`log_level_from_env`
   refuses DEBUG, the level at which Rasa and rasa-sdk log user messages,
   parse results, slot values and bot replies);
2. Rasa's structlog events arrive as JSON strings; they are unpacked into
   fields and every field that can hold conversation text (the keys Rasa
   itself marks as anonymisable: ``text``, ``user_text``, ``parse_data_text``,
   ``slot_values``, ``message``, ...) is dropped, whatever the level;
3. :func:`bot.privacy.logs.install_log_redaction` redacts identifiers (e-mail
   addresses, phone numbers, ...) in anything left.

Query strings are cut from request lines (Sanic's access log would otherwise
record ``?token=...`` of authenticated API calls).
"""
from __future__ import annotations

import json
import logging
import os
import sys
import time
from typing import Any, Dict, Optional

from bot.privacy.logs import install_log_redaction

ENV_LEVEL = "NEST_LOG_LEVEL"
ENV_PROCESS = "NEST_PROCESS_NAME"
ALLOWED_LEVELS = ("INFO", "WARNING", "ERROR", "CRITICAL")

# Keys of structured events (Rasa's anonymisable keys and a few more) that can
# hold what a user typed or what the bot said: never written.
TEXT_KEYS = frozenset({
    "text", "response_text", "user_text", "slot_values", "parse_data_text",
    "parse_data_entities", "prediction_events", "tracker_latest_message", "prefilled_slots",
    "message", "response", "slot_candidates", "rasa_event", "rasa_events", "tracker_states",
    "current_states", "old_states", "successes", "current_entity", "next_entity", "states",
    "entity", "token_text", "user_message", "json_message", "utterance", "events", "tracker",
    "slots", "value", "entities", "parse_data", "buttons", "custom", "metadata",
})

# Attributes every LogRecord has; the others came from ``extra=``.
_STANDARD = frozenset(logging.LogRecord("n", 0, "p", 0, "m", None, None).__dict__) | {
    "message", "asctime", "_nest_redacted"}


class LogSettingError(ValueError):
    """A logging setting that production refuses."""


def log_level_from_env(environ: Optional[Dict[str, str]] = None) -> str:
    """``NEST_LOG_LEVEL`` (default INFO); DEBUG is refused because it logs message text."""
    environ = os.environ if environ is None else environ
    raw = (environ.get(ENV_LEVEL) or "INFO").strip().upper()
    if raw == "WARN":
        raw = "WARNING"
    if raw not in ALLOWED_LEVELS:
        why = (" (at DEBUG Rasa logs what users type and what the bot answers)"
               if raw in ("DEBUG", "NOTSET") else "")
        raise LogSettingError(f"{ENV_LEVEL}={raw!r} is not allowed in production{why}; "
                              f"use one of {', '.join(ALLOWED_LEVELS)}")
    return raw


def _strip_query(value: str) -> str:
    """'POST http://h/path?token=x' -> 'POST http://h/path'."""
    return value.split("?", 1)[0]


def _scrub(fields: Dict[str, Any]) -> Dict[str, Any]:
    out: Dict[str, Any] = {}
    dropped = []
    for key, value in fields.items():
        if key in TEXT_KEYS:
            dropped.append(key)
            continue
        if isinstance(value, str) and ("?" in value and "://" in value):
            value = _strip_query(value)
        out[key] = value
    if dropped:
        out["dropped"] = sorted(dropped)
    return out


def _structlog_fields(message: str) -> Optional[Dict[str, Any]]:
    """The fields of a message rendered by structlog's JSONRenderer, else None."""
    if not (message.startswith("{") and message.endswith("}")):
        return None
    try:
        data = json.loads(message)
    except ValueError:
        return None
    return data if isinstance(data, dict) else None


class JsonFormatter(logging.Formatter):
    """One JSON object per record; conversation text dropped (see the module doc)."""

    def __init__(self, process_name: Optional[str] = None) -> None:
        super().__init__()
        self.process_name = process_name or os.environ.get(ENV_PROCESS) or ""

    def format(self, record: logging.LogRecord) -> str:
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a broken format string must not lose the record
            message = str(record.msg)
        entry: Dict[str, Any] = {
            "ts": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created))
                  + f".{int(record.msecs):03d}Z",
            "level": record.levelname.lower(),
            "logger": record.name,
        }
        if self.process_name:
            entry["process"] = self.process_name
        entry["pid"] = record.process
        structured = _structlog_fields(message)
        if structured is not None:
            structured.pop("level", None)
            structured.pop("timestamp", None)
            entry.update(_scrub(structured))
        else:
            entry["msg"] = _strip_query(message) if "?token=" in message else message
        extras = {k: v for k, v in record.__dict__.items()
                  if k not in _STANDARD and not k.startswith("_")}
        if extras:
            entry.update(_scrub({k: v if isinstance(v, (str, int, float, bool, type(None)))
                                 else repr(v) for k, v in extras.items()}))
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_info:
            entry["exc_type"] = record.exc_info[0].__name__ if record.exc_info[0] else None
        if record.exc_text:
            entry["exc"] = record.exc_text
        return json.dumps(entry, ensure_ascii=False, default=str)


class JsonStdoutHandler(logging.Handler):
    """Writes formatted records to stdout.

    Deliberately not a :class:`logging.StreamHandler`: coloredlogs (which
    Rasa and rasa-sdk install) replaces stream handlers on stdout/stderr.
    """

    def __init__(self, stream=None) -> None:
        super().__init__()
        self.stream = stream

    def emit(self, record: logging.LogRecord) -> None:
        try:
            line = self.format(record)
            stream = self.stream or sys.stdout
            stream.write(line + "\n")
            stream.flush()
        except Exception:  # noqa: BLE001
            self.handleError(record)


def configure_json_logging(level: str = "INFO", process_name: Optional[str] = None,
                           stream=None) -> logging.Handler:
    """Make the root logger write JSON lines at ``level``; returns the handler.

    Removes the root logger's other handlers, silences Sanic's own handlers
    (its records propagate to ours) and installs identifier redaction.
    """
    install_log_redaction()
    handler = JsonStdoutHandler(stream)
    handler.setFormatter(JsonFormatter(process_name))
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    _quiet_sanic_handlers()
    return handler


def _quiet_sanic_handlers() -> None:
    """Sanic configures stdout/stderr handlers of its own when an app is made:
    keep its loggers, drop its handlers, so records reach ours once."""
    try:
        from sanic import log as sanic_log
    except ImportError:  # pragma: no cover - sanic is part of Rasa
        return
    config = sanic_log.LOGGING_CONFIG_DEFAULTS
    for logger_config in config.get("loggers", {}).values():
        logger_config["handlers"] = []
        logger_config["propagate"] = True
    for name in ("sanic.root", "sanic.error", "sanic.access"):
        lg = logging.getLogger(name)
        for old in list(lg.handlers):
            lg.removeHandler(old)
        lg.propagate = True


__all__ = ["ALLOWED_LEVELS", "ENV_LEVEL", "ENV_PROCESS", "JsonFormatter", "JsonStdoutHandler",
           "LogSettingError", "TEXT_KEYS", "configure_json_logging", "log_level_from_env"]
