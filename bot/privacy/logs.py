"""Redaction of identifiers in every log record (issue 6, item 1).

:func:`install_log_redaction` wraps the process-wide log record factory, so
every record created by any logger — ours, Rasa's (including its structlog
output, which is handed to the standard ``logging`` module as a rendered
string), Sanic's — has its message, arguments, exception text and stack text
redacted *when the record is created* (and the ``extra=`` fields right after,
in ``Logger.makeRecord``), whatever handlers are configured before
or after.  It is idempotent and cheap for records below the logger's level
(those are never created).

:class:`RedactingFilter` does the same as a ``logging.Filter`` for anyone who
prefers to attach it to a particular handler.
"""
from __future__ import annotations

import logging
import threading
from typing import Any

from bot.privacy.redact import redact

_lock = threading.Lock()
# Attributes every LogRecord has; anything else came from ``extra=`` (for
# example Sanic's access log puts the request line there) and is redacted too.
_STANDARD = frozenset(logging.LogRecord("n", 0, "p", 0, "m", None, None).__dict__) | {
    "message", "asctime", "_nest_redacted"}
_installed_factory = None


def redact_record(record: logging.LogRecord) -> logging.LogRecord:
    """Replace the record's message by its redacted, fully formatted text."""
    if getattr(record, "_nest_redacted", False):
        return record
    try:
        message = record.getMessage()
    except Exception:  # a broken format string: keep the pieces, redacted
        message = f"{record.msg!s} {record.args!r}"
    record.msg = redact(message)
    record.args = None
    if record.exc_info and not record.exc_text:
        record.exc_text = logging.Formatter().formatException(record.exc_info)
    if record.exc_text:
        record.exc_text = redact(record.exc_text)
    if record.stack_info:
        record.stack_info = redact(record.stack_info)
    record._nest_redacted = True
    return record


def _redact_extras(record: logging.LogRecord) -> logging.LogRecord:
    for name, value in list(record.__dict__.items()):
        if name not in _STANDARD and isinstance(value, str):
            setattr(record, name, redact(value))
    return record


class RedactingFilter(logging.Filter):
    """A logging filter that redacts identifiers and never drops a record."""

    def filter(self, record: logging.LogRecord) -> bool:
        redact_record(record)
        return True


def install_log_redaction() -> None:
    """Redact identifiers in every log record of this process from now on.

    Call it once at process start-up (the Rasa server gets it automatically
    when :class:`bot.privacy.tracker_store.RedactingSQLTrackerStore` is
    created; the action server should call it when ``actions`` is imported).
    """
    global _installed_factory
    with _lock:
        current = logging.getLogRecordFactory()
        if _installed_factory is not None and current is _installed_factory:
            return
        previous = current

        def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
            return redact_record(previous(*args, **kwargs))

        factory._nest_previous = previous  # type: ignore[attr-defined]
        logging.setLogRecordFactory(factory)
        _installed_factory = factory
        # ``extra=`` fields are set by Logger.makeRecord after the factory ran.
        if not getattr(logging.Logger.makeRecord, "_nest_wrapped", False):
            original = logging.Logger.makeRecord

            def make_record(self, *args: Any, **kwargs: Any) -> logging.LogRecord:
                record = original(self, *args, **kwargs)
                return _redact_extras(record) if log_redaction_installed() else record

            make_record._nest_wrapped = True  # type: ignore[attr-defined]
            make_record._nest_original = original  # type: ignore[attr-defined]
            logging.Logger.makeRecord = make_record  # type: ignore[method-assign]


def uninstall_log_redaction() -> None:
    """Undo :func:`install_log_redaction` (for tests)."""
    global _installed_factory
    with _lock:
        current = logging.getLogRecordFactory()
        if _installed_factory is not None and current is _installed_factory:
            logging.setLogRecordFactory(current._nest_previous)  # type: ignore[attr-defined]
        _installed_factory = None
        wrapped = logging.Logger.makeRecord
        if getattr(wrapped, "_nest_wrapped", False):
            logging.Logger.makeRecord = wrapped._nest_original  # type: ignore[attr-defined]


def log_redaction_installed() -> bool:
    return _installed_factory is not None and logging.getLogRecordFactory() is _installed_factory
