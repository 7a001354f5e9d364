"""Production settings, read from environment variables and checked together.

Every variable, its default and what it is for is listed in
``deploy/nest-bot.env.example``.  :meth:`Settings.from_env` reports every
problem at once, each naming its variable (never its value when it is a
secret).
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Dict, List, Mapping, Optional

from sqlalchemy.engine import URL, make_url

from bot.deploy.logs import LogSettingError, log_level_from_env

REPO = Path(__file__).resolve().parents[2]
DEPLOY = REPO / "deploy"
ENDPOINTS_TEMPLATE = DEPLOY / "endpoints.production.yml"
NGINX_TEMPLATE = DEPLOY / "nginx.conf.template"
MIN_TOKEN_CHARS = 24


class SettingsError(ValueError):
    """One or more production settings are missing or wrong (one line each)."""

    def __init__(self, problems: List[str]) -> None:
        self.problems = list(problems)
        super().__init__("production settings:\n  - " + "\n  - ".join(self.problems))


@dataclass(frozen=True)
class Settings:
    token: str = field(repr=False)
    db_url: str = field(repr=False)
    tracker_host: str = "127.0.0.1"
    tracker_port: int = 5432
    tracker_db: str = "nest_tracker"
    tracker_user: str = "nest"
    tracker_password: str = field(default="", repr=False)
    redis_host: str = "127.0.0.1"
    redis_port: int = 6379
    redis_db: int = 1
    redis_password: str = field(default="", repr=False)
    redis_key_prefix: str = "nestbot"
    rasa_servers: int = 2
    action_servers: int = 2
    rasa_port: int = 5005
    actions_port: int = 5055
    actions_lb_port: int = 5054
    public_address: str = "0.0.0.0"
    public_port: int = 8080
    server_name: str = "_"
    bind_host: str = "127.0.0.1"
    log_level: str = "INFO"
    run_dir: Path = REPO / "var" / "production"
    nginx: bool = True
    nginx_bin: str = ""
    balance: str = "least_conn"

    # -- reading -------------------------------------------------------------
    @classmethod
    def from_env(cls, environ: Optional[Mapping[str, str]] = None) -> "Settings":
        env = os.environ if environ is None else environ
        problems: List[str] = []

        def text(name: str, default: Optional[str] = None, *, secret: bool = False,
                 check: Optional[Callable[[str], Optional[str]]] = None) -> str:
            raw = env.get(name)
            value = raw.strip() if raw is not None else None
            if not value:
                if default is None:
                    problems.append(f"{name} is not set")
                    return ""
                return default
            if check is not None:
                why = check(value)
                if why:
                    shown = "" if secret else f"={value!r}"
                    problems.append(f"{name}{shown} {why}")
            return value

        def number(name: str, default: int, low: int, high: int) -> int:
            raw = (env.get(name) or "").strip()
            if not raw:
                return default
            try:
                value = int(raw)
            except ValueError:
                problems.append(f"{name}={raw!r} is not a whole number")
                return default
            if not low <= value <= high:
                problems.append(f"{name}={value} must be between {low} and {high}")
            return value

        def flag(name: str, default: bool) -> bool:
            raw = (env.get(name) or "").strip().lower()
            if not raw:
                return default
            if raw in ("1", "true", "yes", "on"):
                return True
            if raw in ("0", "false", "no", "off"):
                return False
            problems.append(f"{name}={raw!r} must be 1 or 0")
            return default

        def token_check(value: str) -> Optional[str]:
            if len(value) < MIN_TOKEN_CHARS:
                return (f"is too short ({len(value)} characters; use at least {MIN_TOKEN_CHARS}, "
                        f"e.g. `python -c 'import secrets; print(secrets.token_urlsafe(32))'`)")
            if any(c.isspace() for c in value):
                return "must not contain spaces"
            return None

        def db_url_check(value: str) -> Optional[str]:
            try:
                url = make_url(value)
            except Exception:  # noqa: BLE001 - any parse error
                return "is not a database URL"
            if url.get_backend_name() != "postgresql":
                return ("must be a PostgreSQL URL (postgresql+psycopg2://user:password@host:5432/db): "
                        "several action servers share the booking database")
            return None

        def prefix_check(value: str) -> Optional[str]:
            return None if value.isalnum() else "must be letters and digits only (Rasa's rule)"

        def host_check(value: str) -> Optional[str]:
            return None if re.fullmatch(r"[A-Za-z0-9_.:-]+", value) else "is not a host name or address"

        def balance_check(value: str) -> Optional[str]:
            return None if value in ("least_conn", "round_robin") else "must be least_conn or round_robin"

        try:
            log_level = log_level_from_env(dict(env))
        except LogSettingError as exc:
            problems.append(str(exc))
            log_level = "INFO"

        nginx_bin = (env.get("NEST_NGINX_BIN") or "").strip()
        values = dict(
            token=text("NEST_RASA_TOKEN", secret=True, check=token_check),
            db_url=text("NEST_DB_URL", secret=True, check=db_url_check),
            tracker_host=text("NEST_TRACKER_DB_HOST", "127.0.0.1", check=host_check),
            tracker_port=number("NEST_TRACKER_DB_PORT", 5432, 1, 65535),
            tracker_db=text("NEST_TRACKER_DB_NAME", "nest_tracker"),
            tracker_user=text("NEST_TRACKER_DB_USER", "nest"),
            tracker_password=(env.get("NEST_TRACKER_DB_PASSWORD") or ""),
            redis_host=text("NEST_REDIS_HOST", "127.0.0.1", check=host_check),
            redis_port=number("NEST_REDIS_PORT", 6379, 1, 65535),
            redis_db=number("NEST_REDIS_DB", 1, 0, 1023),
            redis_password=(env.get("NEST_REDIS_PASSWORD") or ""),
            redis_key_prefix=text("NEST_REDIS_KEY_PREFIX", "nestbot", check=prefix_check),
            rasa_servers=number("NEST_RASA_SERVERS", 2, 1, 32),
            action_servers=number("NEST_ACTION_SERVERS", 2, 1, 32),
            rasa_port=number("NEST_RASA_PORT", 5005, 1024, 65000),
            actions_port=number("NEST_ACTIONS_PORT", 5055, 1024, 65000),
            actions_lb_port=number("NEST_ACTIONS_LB_PORT", 5054, 1024, 65535),
            public_address=text("NEST_PUBLIC_ADDRESS", "0.0.0.0", check=host_check),
            public_port=number("NEST_PUBLIC_PORT", 8080, 1, 65535),
            server_name=text("NEST_SERVER_NAME", "_", check=lambda v: None if re.fullmatch(
                r"[A-Za-z0-9_.* -]+", v) else "is not a list of host names"),
            bind_host=text("NEST_BIND_HOST", "127.0.0.1", check=host_check),
            log_level=log_level,
            run_dir=Path(text("NEST_RUN_DIR", str(REPO / "var" / "production"))),
            nginx=flag("NEST_NGINX", True),
            nginx_bin=nginx_bin,
            balance=text("NEST_BALANCE", "least_conn", check=balance_check),
        )
        settings = cls(**values)
        problems += settings._port_clashes()
        if problems:
            raise SettingsError(problems)
        return settings

    def _port_clashes(self) -> List[str]:
        owners: Dict[int, str] = {}
        clashes = []
        named = [(p, f"Rasa server {i + 1} (NEST_RASA_PORT+{i})")
                 for i, p in enumerate(self.rasa_ports)]
        named += [(p, f"action server {i + 1} (NEST_ACTIONS_PORT+{i})")
                  for i, p in enumerate(self.actions_ports)]
        if self.nginx:
            named += [(self.actions_lb_port, "NEST_ACTIONS_LB_PORT"),
                      (self.public_port, "NEST_PUBLIC_PORT")]
        for port, owner in named:
            if port in owners:
                clashes.append(f"port {port} is used twice: by {owners[port]} and {owner}")
            else:
                owners[port] = owner
        return clashes

    # -- derived -------------------------------------------------------------
    @property
    def rasa_ports(self) -> List[int]:
        return [self.rasa_port + i for i in range(self.rasa_servers)]

    @property
    def actions_ports(self) -> List[int]:
        return [self.actions_port + i for i in range(self.action_servers)]

    @property
    def action_endpoint_url(self) -> str:
        """What every Rasa server calls: nginx's internal listener, or the one action server."""
        if self.nginx:
            return f"http://127.0.0.1:{self.actions_lb_port}/webhook"
        return f"http://{self._client_host()}:{self.actions_port}/webhook"

    def _client_host(self) -> str:
        return "127.0.0.1" if self.bind_host in ("0.0.0.0", "::") else self.bind_host

    @property
    def log_dir(self) -> Path:
        return self.run_dir / "log"

    @property
    def public_url(self) -> str:
        host = "127.0.0.1" if self.public_address in ("0.0.0.0", "::", "[::]") else self.public_address
        return f"http://{host}:{self.public_port}"

    def tracker_url(self) -> URL:
        """The tracker store's database as a SQLAlchemy URL (retention, audits)."""
        return URL.create("postgresql", username=self.tracker_user,
                          password=self.tracker_password or None, host=self.tracker_host,
                          port=self.tracker_port, database=self.tracker_db)

    def process_env(self) -> Dict[str, str]:
        """Environment of every Rasa and action server: what the endpoints file,
        the booking service, the log set-up and the token wrapper read."""
        return {
            "NEST_DB_URL": self.db_url,
            "NEST_ACTION_ENDPOINT_URL": self.action_endpoint_url,
            "NEST_TRACKER_DB_HOST": self.tracker_host,
            "NEST_TRACKER_DB_PORT": str(self.tracker_port),
            "NEST_TRACKER_DB_NAME": self.tracker_db,
            "NEST_TRACKER_DB_USER": self.tracker_user,
            "NEST_TRACKER_DB_PASSWORD": self.tracker_password,
            "NEST_REDIS_HOST": self.redis_host,
            "NEST_REDIS_PORT": str(self.redis_port),
            "NEST_REDIS_DB": str(self.redis_db),
            "NEST_REDIS_PASSWORD": self.redis_password,
            "NEST_REDIS_KEY_PREFIX": self.redis_key_prefix,
            "NEST_LOG_LEVEL": self.log_level,
            "NEST_RASA_TOKEN": self.token,
            # the action server binds here (rasa-sdk reads SANIC_HOST); never 0.0.0.0 by default
            "SANIC_HOST": self.bind_host,
            "SANIC_WORKERS": "1",
        }

    def describe(self) -> List[str]:
        """A summary without secrets, for the launcher's banner and `check`."""
        tracker = f"postgresql://{self.tracker_user}@{self.tracker_host}:{self.tracker_port}/{self.tracker_db}"
        booking = make_url(self.db_url)
        return [
            f"Rasa servers   : {self.rasa_servers} on {self.bind_host}:{', '.join(map(str, self.rasa_ports))} "
            f"(HTTP API needs the token; not behind nginx)",
            f"action servers : {self.action_servers} on {self.bind_host}:{', '.join(map(str, self.actions_ports))}"
            + (f" (Rasa calls them through 127.0.0.1:{self.actions_lb_port})" if self.nginx else ""),
            f"nginx          : " + (f"{self.public_address}:{self.public_port} ({self.balance}), "
                                    f"/webhooks/ and /healthz only" if self.nginx else "not started"),
            f"tracker store  : {tracker}",
            f"booking db     : {booking.render_as_string(hide_password=True)}",
            f"lock store     : redis://{self.redis_host}:{self.redis_port}/{self.redis_db} "
            f"(prefix {self.redis_key_prefix})",
            f"logs           : JSON lines at {self.log_level} in {self.log_dir}",
        ]


__all__ = ["ENDPOINTS_TEMPLATE", "NGINX_TEMPLATE", "Settings", "SettingsError"]
