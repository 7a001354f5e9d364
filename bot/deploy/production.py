"""Run nest-bot in production: N Rasa servers, N action servers and nginx.

    python -m bot.deploy check    # read and check the settings, render and test nginx's config
    python -m bot.deploy render   # write nginx.conf to NEST_RUN_DIR (for your own nginx/systemd)
    python -m bot.deploy run      # prepare the databases, start everything, restart what dies

Everything is configured by environment variables (``deploy/nest-bot.env.example``).
Each server is a :class:`bot.launcher.Servers` started alone (``run_rasa`` /
``run_actions``) through :mod:`bot.deploy.serve`, so that logs are JSON
without message text and the API token stays off command lines.  The Rasa
servers share the PostgreSQL tracker store and the Redis lock store of
``deploy/endpoints.production.yml``; they call the action servers through
nginx's loopback listener.
"""
from __future__ import annotations

import json
import os
import sys
import threading
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from typing import Dict, Iterator, List, Mapping, Optional

from bot import launcher
from bot.deploy.nginx import Nginx
from bot.deploy.settings import ENDPOINTS_TEMPLATE, Settings

SERVE = [sys.executable, "-m", "bot.deploy.serve"]


def _event(event: str, **fields) -> None:
    """The launcher's own log lines, in the same JSON shape as the servers'."""
    entry = {"ts": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "level": "info",
             "logger": "nest.deploy", "process": "launcher", "pid": os.getpid(), "event": event}
    entry.update(fields)
    print(json.dumps(entry), flush=True)


@contextmanager
def _environ(values: Mapping[str, str]) -> Iterator[None]:
    saved = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def prepare(settings: Settings) -> Dict[str, object]:
    """Migrate the booking database, load the directory, apply both retention
    periods (bookings, and conversations in the PostgreSQL tracker store)."""
    from bot.cli import prepare_data
    from bot.conversation.booking import reset_service
    from bot.privacy.retention import apply_retention

    with _environ({"NEST_DB_URL": settings.db_url}):
        reset_service()
        try:
            prepare_data()
        finally:
            reset_service()
    report = apply_retention(settings.tracker_url().render_as_string(hide_password=False))
    return {"conversations_deleted": report["conversations_deleted"],
            "events_deleted": report["events_deleted"]}


class Production:
    """The production processes.  ``with Production(settings) as p: ...``"""

    def __init__(self, settings: Settings, *, name: str = "prod",
                 extra_env: Optional[Mapping[str, str]] = None,
                 startup_timeout: float = 600.0) -> None:
        self.settings = settings
        base_env = dict(settings.process_env())
        base_env.update(extra_env or {})
        self.rasa: List[launcher.Servers] = []
        self.actions: List[launcher.Servers] = []
        for i, port in enumerate(settings.actions_ports, 1):
            self.actions.append(launcher.Servers(
                rasa_port=0, actions_port=port, host=settings.bind_host, name=f"{name}-actions-{i}",
                env=dict(base_env, NEST_PROCESS_NAME=f"actions-{i}"), run_rasa=False,
                command=SERVE, log_dir=settings.log_dir, startup_timeout=startup_timeout))
        for i, port in enumerate(settings.rasa_ports, 1):
            self.rasa.append(launcher.Servers(
                rasa_port=port, actions_port=0, host=settings.bind_host, name=f"{name}-rasa-{i}",
                env=dict(base_env, NEST_PROCESS_NAME=f"rasa-{i}"), run_actions=False,
                command=SERVE, endpoints=ENDPOINTS_TEMPLATE, cors=None, ready_path="/",
                log_dir=settings.log_dir, startup_timeout=startup_timeout))
        self.nginx: Optional[Nginx] = Nginx(settings) if settings.nginx else None
        self.restarts = 0

    # -- starting and stopping -------------------------------------------------
    @staticmethod
    def _start_all(servers: List[launcher.Servers]) -> None:
        errors: List[BaseException] = []

        def start(s: launcher.Servers) -> None:
            try:
                s.start()
            except BaseException as exc:  # noqa: BLE001 - re-raised below
                errors.append(exc)

        threads = [threading.Thread(target=start, args=(s,)) for s in servers]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        if errors:
            raise errors[0]

    def start(self) -> "Production":
        started = time.monotonic()
        try:
            self.settings.log_dir.mkdir(parents=True, exist_ok=True)
            if self.nginx is not None:
                self.nginx.start()
            self._start_all(self.actions)
            self._start_all(self.rasa)
        except BaseException:
            self.stop()
            raise
        _event("started", seconds=round(time.monotonic() - started, 1),
               rasa=self.settings.rasa_ports, actions=self.settings.actions_ports,
               public=self.settings.public_url if self.nginx else None)
        return self

    def stop(self) -> None:
        if self.nginx is not None:
            self.nginx.stop()
        for s in self.rasa + self.actions:
            s.stop()

    def restart_rasa(self, index: int) -> float:
        """Stop and start Rasa server ``index`` (0-based); seconds it took."""
        started = time.monotonic()
        server = self.rasa[index]
        server.stop()
        server.start()
        self.restarts += 1
        return time.monotonic() - started

    def __enter__(self) -> "Production":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    # -- health ------------------------------------------------------------------
    def _get(self, url: str) -> Optional[int]:
        try:
            with urllib.request.urlopen(url, timeout=3) as response:
                return response.status
        except urllib.error.HTTPError as exc:
            return exc.code
        except (urllib.error.URLError, OSError):
            return None

    def health(self) -> Dict[str, bool]:
        """Each process: does it answer? (Rasa: GET /status with the token.)"""
        out: Dict[str, bool] = {}
        for i, s in enumerate(self.rasa, 1):
            out[f"rasa-{i}"] = self._get(f"{s.rasa_url}/status?token={self.settings.token}") == 200
        for i, s in enumerate(self.actions, 1):
            out[f"actions-{i}"] = self._get(f"{s.actions_url}/health") == 200
        if self.nginx is not None:
            out["nginx"] = self._get(f"{self.settings.public_url}/healthz") == 200
        return out

    def supervise(self, stop: Optional[threading.Event] = None, interval: float = 2.0) -> None:
        """Restart any server or nginx that exits, until ``stop`` is set."""
        stop = stop or threading.Event()
        while not stop.wait(interval):
            for label, group in (("actions", self.actions), ("rasa", self.rasa)):
                for i, server in enumerate(group, 1):
                    dead = [p for p in server.processes if p.poll() is not None]
                    if dead or not server.processes:
                        code = dead[0].returncode if dead else None
                        _event("process_exited", server=f"{label}-{i}", code=code)
                        server.stop()
                        try:
                            server.start()
                            self.restarts += 1
                            _event("process_restarted", server=f"{label}-{i}")
                        except Exception as exc:  # noqa: BLE001 - retried next round
                            _event("restart_failed", server=f"{label}-{i}",
                                   error=type(exc).__name__)
            if self.nginx is not None and not self.nginx.alive():
                _event("process_exited", server="nginx")
                try:
                    self.nginx.start()
                    _event("process_restarted", server="nginx")
                except Exception as exc:  # noqa: BLE001
                    _event("restart_failed", server="nginx", error=type(exc).__name__)


__all__ = ["Production", "prepare"]
