"""Integration fixtures: both servers started from the trained model."""
import uuid

import pytest

from bot import launcher


@pytest.fixture(scope="session")
def servers():
    launcher.train(quiet=True)
    with launcher.Servers(rasa_port=launcher.free_port(), actions_port=launcher.free_port(),
                          name="itest") as running:
        yield running


@pytest.fixture
def chat(servers):
    """A fresh conversation: chat("text") -> list of REST entries."""
    sender = f"itest-{uuid.uuid4().hex[:10]}"

    def send(text):
        return servers.send(sender, text)

    send.sender = sender
    return send


def customs(entries):
    return [e["custom"] for e in entries if "custom" in e]


def texts(entries):
    return "\n".join(e.get("text", "") for e in entries if e.get("text"))
