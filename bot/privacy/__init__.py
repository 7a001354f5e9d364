"""Privacy at rest (issue 6): redaction before storage and logging, retention,
deletion of a conversation.  See docs/privacy-notice.md.

Kept light: importing this package does not import Rasa.  The tracker store
is :mod:`bot.privacy.tracker_store`, retention :mod:`bot.privacy.retention`,
the user-facing texts :mod:`bot.privacy.notice`.
"""
from bot.privacy.logs import install_log_redaction
from bot.privacy.redact import Identifier, find_identifiers, redact, redact_obj

__all__ = ["Identifier", "find_identifiers", "install_log_redaction", "redact", "redact_obj"]
