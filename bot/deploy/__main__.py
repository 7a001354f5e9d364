"""``python -m bot.deploy {check,render,run}``: see :mod:`bot.deploy.production`."""
from __future__ import annotations

import argparse
import signal
import sys
import threading
from typing import List, Optional

from bot.deploy.settings import Settings, SettingsError


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bot.deploy",
        description="nest-bot in production: N Rasa servers + N action servers + nginx, "
                    "configured by NEST_* environment variables (deploy/nest-bot.env.example).")
    parser.add_argument("command", choices=["check", "render", "run"],
                        help="check: settings and nginx -t; render: write nginx.conf; "
                             "run: prepare the databases and run everything")
    args = parser.parse_args(argv)
    try:
        settings = Settings.from_env()
    except SettingsError as exc:
        print(f"[nest-bot] {exc}", file=sys.stderr)
        return 2
    for line in settings.describe():
        print(f"[nest-bot] {line}")

    from bot.deploy.nginx import Nginx, NginxError, render
    if args.command in ("check", "run"):
        from bot.deploy.data_check import OVERRIDE, refuse_demo
        demo = refuse_demo()
        if demo:
            for line in demo:
                print(f"[nest-bot] {line}", file=sys.stderr)
            print(f"[nest-bot] refusing to start: replies would show demo contacts. Replace them "
                  f"with your region's real, sourced entries, or set {OVERRIDE}=1 to run with "
                  f"demo data on purpose (tests, staging).", file=sys.stderr)
            return 3
    if args.command == "render":
        settings.run_dir.mkdir(parents=True, exist_ok=True)
        path = settings.run_dir / "nginx.conf"
        path.write_text(render(settings))
        print(f"[nest-bot] wrote {path}")
        return 0
    if args.command == "check":
        if settings.nginx:
            try:
                nginx = Nginx(settings)
                nginx.write()
                nginx.test()
            except NginxError as exc:
                print(f"[nest-bot] {exc}", file=sys.stderr)
                return 1
            print(f"[nest-bot] nginx accepts {nginx.conf}")
        return 0

    from bot import launcher
    from bot.deploy.production import Production, prepare
    if not launcher.MODEL_FILE.exists():
        print("[nest-bot] no trained model (models/nest-bot.tar.gz): run `nest-bot train` "
              "where you build releases, and ship the model with them", file=sys.stderr)
        return 1
    report = prepare(settings)
    print(f"[nest-bot] retention (tracker store): {report}", flush=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    production = Production(settings)
    try:
        production.start()
        print(f"[nest-bot] chat page: {settings.public_url}/webhooks/webchat/  "
              f"health: {settings.public_url}/healthz", flush=True)
        production.supervise(stop)
    finally:
        production.stop()
        print("[nest-bot] stopped.", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
