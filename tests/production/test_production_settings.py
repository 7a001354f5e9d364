"""Production configuration without starting anything: settings from the
environment, the endpoints file Rasa will read, the nginx configuration, the
JSON log lines and the token wrapper."""
from __future__ import annotations

import io
import json
import logging
import re

import pytest

from bot.deploy.logs import JsonFormatter, LogSettingError, log_level_from_env
from bot.deploy.nginx import render
from bot.deploy.serve import rasa_argv
from bot.deploy.settings import ENDPOINTS_TEMPLATE, Settings, SettingsError

TOKEN = "x" * 40
MINIMAL = {"NEST_RASA_TOKEN": TOKEN,
           "NEST_DB_URL": "postgresql+psycopg2://nest:s3cret-pw@db.internal:5432/nest_booking"}


def test_production_settings_report_every_missing_or_wrong_variable_by_name():
    with pytest.raises(SettingsError) as caught:
        Settings.from_env({"NEST_RASA_SERVERS": "two", "NEST_LOG_LEVEL": "DEBUG",
                           "NEST_REDIS_KEY_PREFIX": "nest-bot"})
    problems = "\n".join(caught.value.problems)
    assert "NEST_RASA_TOKEN is not set" in problems
    assert "NEST_DB_URL is not set" in problems
    assert "NEST_RASA_SERVERS='two' is not a whole number" in problems
    assert "NEST_LOG_LEVEL='DEBUG' is not allowed" in problems
    assert "NEST_REDIS_KEY_PREFIX='nest-bot'" in problems


def test_production_settings_refuse_a_short_token_and_sqlite_without_echoing_secrets():
    with pytest.raises(SettingsError) as caught:
        Settings.from_env({"NEST_RASA_TOKEN": "hunter2", "NEST_DB_URL": "sqlite:///var/nest.db"})
    message = str(caught.value)
    assert "NEST_RASA_TOKEN is too short" in message and "hunter2" not in message
    assert "NEST_DB_URL must be a PostgreSQL URL" in message and "var/nest.db" not in message


def test_production_settings_find_port_clashes():
    with pytest.raises(SettingsError) as caught:
        Settings.from_env(dict(MINIMAL, NEST_RASA_PORT="6000", NEST_RASA_SERVERS="3",
                               NEST_ACTIONS_PORT="6002"))
    assert "port 6002 is used twice: by Rasa server 3" in str(caught.value)


def test_production_settings_defaults_two_servers_on_loopback():
    settings = Settings.from_env(MINIMAL)
    assert settings.rasa_ports == [5005, 5006] and settings.actions_ports == [5055, 5056]
    assert settings.bind_host == "127.0.0.1"
    env = settings.process_env()
    assert env["SANIC_HOST"] == "127.0.0.1"           # the action servers are not public
    assert env["NEST_ACTION_ENDPOINT_URL"] == "http://127.0.0.1:5054/webhook"
    summary = "\n".join(settings.describe())
    assert "s3cret-pw" not in summary and TOKEN not in summary and "***" in summary


def test_production_endpoints_file_expands_to_postgresql_redacting_store_and_redis_lock(monkeypatch):
    from rasa.core.lock_store import LockStore

    from bot.deploy.lock_store import AtomicRedisLockStore
    from rasa.utils.endpoints import read_endpoint_config

    settings = Settings.from_env(dict(MINIMAL, NEST_TRACKER_DB_HOST="pg.internal",
                                      NEST_TRACKER_DB_PASSWORD="tracker-pw", NEST_REDIS_DB="3"))
    lines = [ln for ln in ENDPOINTS_TEMPLATE.read_text().splitlines() if not ln.lstrip().startswith("#")]
    used = set(re.findall(r"\$\{(\w+)\}", "\n".join(lines)))
    assert len(used) == 11
    assert used <= set(settings.process_env())        # the launcher sets every variable it needs
    for key, value in settings.process_env().items():
        monkeypatch.setenv(key, value)

    tracker = read_endpoint_config(str(ENDPOINTS_TEMPLATE), "tracker_store")
    assert tracker.type == "bot.privacy.tracker_store.RedactingSQLTrackerStore"
    assert tracker.url == "pg.internal"
    assert {k: tracker.kwargs[k] for k in ("dialect", "port", "db", "username", "password")} == {
        "dialect": "postgresql", "port": "5432", "db": "nest_tracker", "username": "nest",
        "password": "tracker-pw"}
    lock = read_endpoint_config(str(ENDPOINTS_TEMPLATE), "lock_store")
    store = LockStore.create(lock)
    assert isinstance(store, AtomicRedisLockStore)
    assert store.red.connection_pool.connection_kwargs["db"] == 3
    assert store.key_prefix.startswith("nestbot")
    action = read_endpoint_config(str(ENDPOINTS_TEMPLATE), "action_endpoint")
    assert action.url == "http://127.0.0.1:5054/webhook"


def _public_locations(conf: str) -> list:
    public = conf[conf.index("listen 0.0.0.0:8080;"):]
    public = public[:public.index("listen 127.0.0.1:5054;")]
    return re.findall(r"location\s+(=?\s*\S+)\s*\{", public)


def test_production_nginx_exposes_only_the_chat_webhooks_and_a_health_check():
    conf = render(Settings.from_env(MINIMAL))
    assert _public_locations(conf) == ["= /", "= /healthz", "/webhooks/", "/"]
    assert "return 404;" in conf.split("location /webhooks/")[1]     # everything else: not found
    assert "proxy_pass http://rasa_servers/webhooks/webchat/health;" in conf
    for port in (5005, 5006):
        assert f"server 127.0.0.1:{port} max_fails=1 fail_timeout=5s;" in conf
    for port in (5055, 5056):
        assert f"server 127.0.0.1:{port} max_fails=1 fail_timeout=5s;" in conf
    assert "least_conn;" in conf and "{{" not in conf
    assert "$remote_addr" not in conf and "$request_uri" not in conf   # no client address or query in logs


def test_production_nginx_round_robin_and_address_options():
    conf = render(Settings.from_env(dict(MINIMAL, NEST_BALANCE="round_robin", NEST_PUBLIC_PORT="9000",
                                         NEST_PUBLIC_ADDRESS="::", NEST_RASA_SERVERS="3")))
    assert "least_conn" not in conf
    assert "listen [::]:9000;" in conf
    assert conf.count("max_fails=1") == 3 + 2


def _format(record_msg, *args, **extra):
    record = logging.LogRecord("rasa.core.processor", logging.INFO, __file__, 1, record_msg, args, None)
    for key, value in extra.items():
        setattr(record, key, value)
    return json.loads(JsonFormatter("rasa-1").format(record))


def test_production_json_logs_drop_message_text_fields_of_structured_events():
    event = json.dumps({"event": "processor.message.parse", "parse_data_text": "my pupil Sam",
                        "text": "she told me something", "parse_data_intent": {"name": "inform"},
                        "level": "debug"})
    entry = _format(event)
    assert entry["event"] == "processor.message.parse"
    assert entry["process"] == "rasa-1" and entry["level"] == "info"
    assert "my pupil Sam" not in json.dumps(entry) and "she told me" not in json.dumps(entry)
    assert entry["dropped"] == ["parse_data_text", "text"]


def test_production_json_logs_cut_query_strings_so_the_token_never_lands_in_a_log():
    entry = _format("%s", "plain", request="GET http://127.0.0.1:5005/status?token=abc123")
    assert entry["request"] == "GET http://127.0.0.1:5005/status"
    entry = _format("called http://127.0.0.1:5005/conversations/x/tracker?token=abc123")
    assert "abc123" not in json.dumps(entry)


def test_production_log_level_refuses_debug():
    assert log_level_from_env({}) == "INFO"
    assert log_level_from_env({"NEST_LOG_LEVEL": "warn"}) == "WARNING"
    with pytest.raises(LogSettingError, match="logs what users type"):
        log_level_from_env({"NEST_LOG_LEVEL": "debug"})


def test_production_token_comes_from_the_environment_not_the_command_line():
    argv = rasa_argv(["run", "--enable-api", "--port", "5005"], {"NEST_RASA_TOKEN": TOKEN})
    assert argv[-2:] == ["--auth-token", TOKEN]
    assert rasa_argv(["run", "actions", "--port", "5055"], {"NEST_RASA_TOKEN": TOKEN}) == [
        "run", "actions", "--port", "5055"]
    with pytest.raises(SystemExit, match="NEST_RASA_TOKEN is not set"):
        rasa_argv(["run", "--enable-api"], {})


class _StubServer:
    """Stands in for a launcher.Servers: one `sleep` process."""

    def __init__(self):
        self.processes, self.starts = [], 0
        self.start()

    def start(self):
        import subprocess
        self.processes = [subprocess.Popen(["sleep", "60"])]
        self.starts += 1

    def stop(self):
        for proc in self.processes:
            if proc.poll() is None:
                proc.kill()
            proc.wait()
        self.processes = []


def test_production_supervisor_restarts_only_the_server_that_died(capsys):
    import threading

    from bot.deploy.production import Production

    production = Production(Settings.from_env(dict(MINIMAL, NEST_NGINX="0")))
    production.rasa = [_StubServer(), _StubServer()]
    production.actions = [_StubServer()]
    try:
        production.rasa[1].processes[0].kill()
        production.rasa[1].processes[0].wait()
        stop = threading.Event()
        watcher = threading.Thread(target=production.supervise, args=(stop, 0.05))
        watcher.start()
        for _ in range(100):
            if production.restarts:
                break
            threading.Event().wait(0.05)
        stop.set()
        watcher.join()
        assert [s.starts for s in production.rasa + production.actions] == [1, 2, 1]
        assert production.rasa[1].processes[0].poll() is None         # running again
        events = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
        assert [(e["event"], e["server"]) for e in events] == [
            ("process_exited", "rasa-2"), ("process_restarted", "rasa-2")]
    finally:
        for server in production.rasa + production.actions:
            server.stop()


def test_production_refuses_demo_contacts_unless_told(monkeypatch, capsys):
    from bot.deploy.__main__ import main
    from bot.deploy.data_check import OVERRIDE, refuse_demo
    monkeypatch.delenv(OVERRIDE, raising=False)
    reasons = refuse_demo()
    assert any("nest_consultation_line" in r for r in reasons)
    assert any("booking directory" in r for r in reasons)
    assert refuse_demo({OVERRIDE: "1"}) == []
    for key, value in MINIMAL.items():
        monkeypatch.setenv(key, value)
    assert main(["check"]) == 3
    err = capsys.readouterr().err
    assert "refusing to start" in err and "nest_consultation_line" in err

