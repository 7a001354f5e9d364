"""rasa-sdk actions: thin adapters over the ``bot`` package."""
from bot.privacy import install_log_redaction

# Nothing the action server logs may hold a contact detail or identifier.
install_log_redaction()
