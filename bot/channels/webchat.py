"""The web chat input channel: the chat page, its assets and its webhook.

Registered in ``credentials.yml`` as ``bot.channels.webchat.WebChatInput: {}``.
With Rasa's default routes it serves, under ``/webhooks/webchat/``:

* ``GET  /``          the chat page (labels, privacy notice and config filled in);
* ``GET  /static/<chat.js|chat.css>``  its two assets;
* ``GET  /config``    the page's config as JSON (labels per language, privacy notice);
* ``GET  /health``    ``{"status": "ok"}``;
* ``POST /webhook``   ``{"sender", "message"}`` -> the list of bot messages, exactly
  as Rasa's REST channel answers (a ``custom`` payload is an entry with a
  ``custom`` key).  Two response headers tell the page about the conversation:
  ``X-Nest-Language`` (the ``language`` slot after the turn) and
  ``X-Nest-Conversation: deleted`` when the turn deleted the stored conversation.

The texts are read and validated when the channel is created, so a broken
``data/texts/web.yml`` stops the server at start-up with file, line and key.
No message text is ever logged here.
"""
from __future__ import annotations

import logging
import re
from asyncio import CancelledError
from typing import Any, Awaitable, Callable, Dict, Optional, Text, Tuple

from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from rasa.shared.core.events import UserUttered
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.channels.page import (MAX_MESSAGE_CHARS, PageTexts, load_page_texts, page_config,
                               render_index, static_file)

logger = logging.getLogger(__name__)

# Sender ids the page makes: 32 hex digits from crypto.getRandomValues, prefixed.
SENDER_PATTERN = re.compile(r"^[A-Za-z0-9_.:-]{8,128}$")
LANGUAGE_SLOT = "language"

SECURITY_HEADERS = {
    "Content-Security-Policy": ("default-src 'none'; script-src 'self'; style-src 'self'; "
                                "connect-src 'self'; img-src 'self' https: data:; base-uri 'none'; "
                                "form-action 'none'; frame-ancestors 'none'"),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-cache",
}


def _bad_request(message: str, status: int = 400) -> HTTPResponse:
    return response.json({"error": message}, status=status, headers={"Cache-Control": "no-store"})


def parse_webhook_body(body: Any) -> Tuple[Optional[Tuple[str, str]], Optional[str]]:
    """((sender, message), None) for a valid request body, else (None, why)."""
    if not isinstance(body, dict):
        return None, "the body must be a JSON object with 'sender' and 'message'"
    sender, message = body.get("sender"), body.get("message")
    if not isinstance(sender, str) or not SENDER_PATTERN.match(sender):
        return None, "'sender' must be 8 to 128 letters, digits or _.:-"
    if not isinstance(message, str):
        return None, "'message' must be a string"
    if len(message) > MAX_MESSAGE_CHARS:
        return None, f"'message' is longer than {MAX_MESSAGE_CHARS} characters"
    return (sender, message), None


class WebChatInput(RestInput):
    """Rasa's REST webhook plus the page that talks to it."""

    @classmethod
    def name(cls) -> Text:
        return "webchat"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> InputChannel:
        credentials = credentials or {}
        return cls(texts_file=credentials.get("texts_file"))

    def __init__(self, texts_file: Optional[str] = None) -> None:
        self.texts: PageTexts = load_page_texts(texts_file)
        self._config: Optional[dict] = None

    def config(self) -> dict:
        if self._config is None:
            self._config = page_config(self.texts)
        return self._config

    @staticmethod
    async def conversation_state(request: Request, sender_id: str) -> Dict[str, Any]:
        """The language slot after the turn, and whether the turn deleted the
        stored conversation (the redacting tracker store keeps no user message then)."""
        agent = getattr(request.app.ctx, "agent", None)
        store = getattr(agent, "tracker_store", None)
        if store is None:
            return {}
        try:
            tracker = await store.retrieve(sender_id)
        except Exception as exc:  # the reply matters more than these hints
            logger.warning("webchat: could not read the conversation state (%s)", type(exc).__name__)
            return {}
        if tracker is None:
            return {}
        return {"language": tracker.get_slot(LANGUAGE_SLOT),
                "deleted": not any(isinstance(e, UserUttered) for e in tracker.events)}

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        webchat = Blueprint(f"webchat_{type(self).__name__}", __name__)

        @webchat.route("/", methods=["GET"])
        async def page(request: Request) -> HTTPResponse:
            if not request.path.endswith("/"):
                # the page's asset and webhook addresses are relative to ".../webchat/"
                last = request.path.rstrip("/").rsplit("/", 1)[-1]
                return response.redirect(f"{last}/", status=308)
            lang = request.args.get("lang")
            return response.html(render_index(self.config(), lang), headers=SECURITY_HEADERS)

        @webchat.route("/static/<name:str>", methods=["GET"])
        async def static(request: Request, name: str) -> HTTPResponse:
            found = static_file(name)
            if found is None:
                return _bad_request("not found", 404)
            body, content_type = found
            return response.raw(body, content_type=content_type, headers=SECURITY_HEADERS)

        @webchat.route("/config", methods=["GET"])
        async def config(request: Request) -> HTTPResponse:
            return response.json(self.config(), headers={"Cache-Control": "no-cache"})

        @webchat.route("/health", methods=["GET"])
        async def health(request: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webchat.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            try:
                body = request.json
            except Exception:
                body = None
            parsed, problem = parse_webhook_body(body)
            if parsed is None:
                return _bad_request(problem or "bad request")
            sender_id, text = parsed
            collector = CollectingOutputChannel()
            try:
                await on_new_message(UserMessage(text, collector, sender_id,
                                                 input_channel=self.name()))
            except CancelledError:
                logger.error("webchat: the bot took too long to answer a message")
            except Exception as exc:
                logger.error("webchat: handling a message failed (%s)", type(exc).__name__,
                             exc_info=logger.isEnabledFor(logging.DEBUG))
            headers = {"Cache-Control": "no-store"}
            state = await self.conversation_state(request, sender_id)
            if isinstance(state.get("language"), str):
                headers["X-Nest-Language"] = state["language"]
            if state.get("deleted"):
                headers["X-Nest-Conversation"] = "deleted"
            return response.json(collector.messages, headers=headers)

        return webchat
