"""A stand-in for the Rasa server that serves the real page and answers with
canned replies, so the page's rendering of every contract-1 payload can be
tested without a trained model.

Replies are built by the project's own reply functions (bot.conversation) and
turned into REST entries by Rasa's own ``CollectingOutputChannel``, exactly
as the webhook would return them.
"""
from __future__ import annotations

import asyncio
import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Dict, List, Optional, Tuple

from bot.channels.page import load_page_texts, page_config, render_index, static_file
from bot.conversation.messages import BotMessage

PREFIX = "/webhooks/webchat/"


def rest_entries(*messages: BotMessage, recipient: str = "fake") -> List[dict]:
    """What Rasa's REST webhook returns for these bot messages."""
    from rasa.core.channels.channel import CollectingOutputChannel

    async def collect() -> List[dict]:
        out = CollectingOutputChannel()
        for message in messages:
            body = {"text": message.text}
            if message.buttons:
                body["buttons"] = message.buttons
            if message.custom is not None:
                body["custom"] = message.custom
            await out.send_response(recipient, body)
        return out.messages

    return asyncio.run(collect())


@dataclass
class Reply:
    entries: List[dict]
    status: int = 200
    headers: Dict[str, str] = field(default_factory=dict)


@dataclass
class FakeBot:
    replies: Dict[str, Reply] = field(default_factory=dict)
    received: List[Tuple[str, str]] = field(default_factory=list)
    server: Optional[ThreadingHTTPServer] = None

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}{PREFIX}"

    def reply(self, message: str, entries: List[dict], status: int = 200, **headers: str) -> None:
        self.replies[message] = Reply(entries, status, headers)

    def start(self) -> "FakeBot":
        config = page_config(load_page_texts())
        bot = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:   # quiet
                pass

            def _send(self, status: int, body: bytes, content_type: str, headers=None) -> None:
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                for key, value in (headers or {}).items():
                    self.send_header(key, value)
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self) -> None:
                path = self.path.split("?", 1)[0]
                if path == PREFIX:
                    self._send(200, render_index(config).encode(), "text/html; charset=utf-8")
                elif path.startswith(PREFIX + "static/") and static_file(path[len(PREFIX) + 7:]):
                    body, content_type = static_file(path[len(PREFIX) + 7:])
                    self._send(200, body, content_type)
                else:
                    self._send(404, b"{}", "application/json")

            def do_POST(self) -> None:
                if self.path != PREFIX + "webhook":
                    self._send(404, b"{}", "application/json")
                    return
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                bot.received.append((body["sender"], body["message"]))
                reply = bot.replies.get(body["message"], Reply([{"recipient_id": body["sender"], "text": "OK."}]))
                self._send(reply.status, json.dumps(reply.entries).encode(), "application/json",
                           reply.headers)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
