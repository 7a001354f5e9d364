"""Privacy at rest (issue 6): redaction before storage and logging, retention,
deletion of a conversation.  See docs/privacy-notice.md."""
from bot.privacy.redact import Identifier, find_identifiers, redact, redact_obj

__all__ = ["Identifier", "find_identifiers", "redact", "redact_obj"]
