"""Conversation logic in plain Python: what the bot says, built from the data.

Rasa actions (``actions/``) call these functions and only adapt the result to
rasa-sdk (dispatcher messages and slot events).
"""
from bot.conversation.messages import BotMessage  # noqa: F401
