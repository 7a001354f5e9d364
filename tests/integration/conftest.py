"""Integration fixtures: both servers started from the trained model.

The servers run on free ports with their own booking database and tracker
store under a temporary folder, and a fixed clock (NEST_NOW: a Tuesday
morning, when the consultation line is open) so replies are predictable.
"""
import os
import uuid

import pytest

from bot import launcher

FIXED_NOW = "2026-11-24T10:00:00+00:00"


@pytest.fixture(scope="session")
def integration_env(tmp_path_factory):
    folder = tmp_path_factory.mktemp("integration")
    env = {"NEST_DB_URL": f"sqlite:///{folder / 'nest.db'}", "NEST_NOW": FIXED_NOW}
    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    from bot.conversation.booking import reset_service
    reset_service()
    from bot.cli import prepare_data
    prepare_data()              # migrate and load the demo directory into that database
    yield dict(env, folder=folder)
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value
    reset_service()


@pytest.fixture(scope="session")
def servers(integration_env):
    launcher.train(quiet=True)
    env = {k: v for k, v in integration_env.items() if k != "folder"}
    with launcher.Servers(rasa_port=launcher.free_port(), actions_port=launcher.free_port(),
                          name="itest", env=env,
                          tracker_db=integration_env["folder"] / "tracker.db") as running:
        yield running


@pytest.fixture
def chat(servers):
    """A fresh conversation: chat("text") -> list of REST entries."""
    sender = f"itest-{uuid.uuid4().hex[:10]}"

    def send(text):
        return servers.send(sender, text)

    send.sender = sender
    return send


@pytest.fixture
def other_chat(servers):
    sender = f"itest-other-{uuid.uuid4().hex[:10]}"

    def send(text):
        return servers.send(sender, text)

    send.sender = sender
    return send


def customs(entries):
    return [e["custom"] for e in entries if "custom" in e]


def texts(entries):
    return "\n".join(e.get("text", "") for e in entries if e.get("text"))


def buttons(entries):
    return [b for e in entries for b in e.get("buttons") or []]
