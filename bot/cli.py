"""nest-bot command line: the launcher (`make run`) and the admin commands.

    nest-bot run        train if stale, prepare data, start both servers, print the chat address
    nest-bot shell      the same, then chat in this terminal
    nest-bot train      train the model if the training data changed (--force to retrain)
    nest-bot admin ...  operator commands (directory, sessions, bookings, exports)
"""
from __future__ import annotations

import argparse
import os
import signal
import sys
from typing import List, Optional

from bot import launcher


TRACKER_DB = launcher.VAR / "tracker.db"


def prepare_data() -> None:
    """Validate operator data, prepare the databases and apply retention.

    A broken data file stops the launch with the file, line, entry and field.
    """
    from bot.knowledge import get_catalogue
    from bot.privacy.notice import load_notice
    from bot.privacy.retention import apply_retention, describe
    from bot.services import get_directory
    from bot.services.authorities import get_authorities
    from bot.texts import load_texts

    from bot.booking import load_directory, sync_directory
    from bot.conversation.booking import get_service

    get_catalogue()
    get_directory()
    get_authorities()                           # data/services/local_authorities.yml
    load_texts()
    load_notice()
    directory = load_directory()
    launcher.VAR.mkdir(exist_ok=True)
    service = get_service()                     # creates/migrates the booking database
    report = sync_directory(service._factory, directory)
    print(f"[nest-bot] directory: {report}", flush=True)
    service.purge_drafts()
    print("[nest-bot] retention: " + describe(apply_retention(str(TRACKER_DB), service)), flush=True)


def _print_banner(servers: launcher.Servers) -> None:
    print()
    print("  nest-bot is running.")
    print(f"  Chat page    : {servers.rasa_url}/webhooks/webchat/   <- open this in a browser")
    print(f"  REST webhook : POST {servers.webhook}")
    print('                 body: {"sender": "<any id>", "message": "<your question>"}')
    print(f"  Rasa server  : {servers.rasa_url} (HTTP API on loopback only)")
    print(f"  Action server: {servers.actions_url}")
    print(f"  Started in {servers.startup_seconds:.0f} s. Press Ctrl-C to stop both servers.")
    print()


def cmd_run(args: argparse.Namespace) -> int:
    launcher.train()
    prepare_data()
    servers = launcher.Servers(rasa_port=args.port, actions_port=args.actions_port)
    stopping = {"flag": False}

    def _stop(signum, frame):  # Ctrl-C / SIGTERM: stop both cleanly
        stopping["flag"] = True
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, _stop)
    print("[nest-bot] starting the action server and the Rasa server...", flush=True)
    try:
        servers.start()
        _print_banner(servers)
        code = servers.wait()
        print(f"[nest-bot] a server stopped unexpectedly (exit code {code}); see var/log/")
        return 1
    except KeyboardInterrupt:
        print("\n[nest-bot] stopping...")
        return 0
    finally:
        servers.stop()
        print("[nest-bot] stopped.")


def _render(entry: dict) -> str:
    lines = []
    if entry.get("text"):
        lines.append(entry["text"])
    for i, b in enumerate(entry.get("buttons") or [], 1):
        lines.append(f"   [{i}] {b['title']}")
    return "\n".join(lines)


def cmd_shell(args: argparse.Namespace) -> int:
    launcher.train()
    prepare_data()
    import uuid
    sender = f"shell-{uuid.uuid4().hex[:8]}"
    print("[nest-bot] starting servers for a terminal chat...", flush=True)
    with launcher.Servers(rasa_port=args.port, actions_port=args.actions_port) as servers:
        print("Type a message (a number picks a button; Ctrl-D or /quit leaves).\n")
        buttons: list = []
        while True:
            try:
                text = input("you> ").strip()
            except (EOFError, KeyboardInterrupt):
                print()
                break
            if text in {"/quit", "/exit"}:
                break
            if text.isdigit() and 0 < int(text) <= len(buttons):
                text = buttons[int(text) - 1]["payload"]
            buttons = []
            try:
                replies = servers.send(sender, text)
            except OSError as exc:
                print(f"bot> (the bot could not be reached: {exc})")
                continue
            for entry in replies or []:
                if "custom" in entry and not entry.get("text"):
                    continue
                print("bot> " + _render(entry).replace("\n", "\n     "))
                buttons = entry.get("buttons") or buttons
    return 0


def cmd_train(args: argparse.Namespace) -> int:
    launcher.train(force=args.force)
    return 0


def cmd_admin(args: argparse.Namespace, rest: List[str]) -> int:
    from bot.booking import admin
    return admin.main(rest) or 0


def main(argv: Optional[List[str]] = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = argparse.ArgumentParser(prog="nest-bot", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    for name in ("run", "shell"):
        p = sub.add_parser(name)
        p.add_argument("--port", type=int, default=int(os.environ.get("NEST_RASA_PORT", 5005)))
        p.add_argument("--actions-port", type=int, default=int(os.environ.get("NEST_ACTIONS_PORT", 5055)))
    p = sub.add_parser("train")
    p.add_argument("--force", action="store_true")
    sub.add_parser("admin", help="operator commands; `nest-bot admin --help`", add_help=False)
    if argv and argv[0] == "admin":
        return cmd_admin(argparse.Namespace(), argv[1:])
    args = parser.parse_args(argv)
    return {"run": cmd_run, "shell": cmd_shell, "train": cmd_train}[args.command](args)


if __name__ == "__main__":
    sys.exit(main())
