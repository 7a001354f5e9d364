"""Training and process management for the two Rasa servers.

Used by ``make run`` (``nest-bot run``), the terminal chat, the integration
tests and the benchmarks, so that all of them start the bot the same way.
"""
from __future__ import annotations

import hashlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, Iterable, List, Optional

from ruamel.yaml import YAML

REPO = Path(__file__).resolve().parents[1]
MODELS = REPO / "models"
MODEL_NAME = "nest-bot"
MODEL_FILE = MODELS / f"{MODEL_NAME}.tar.gz"
FINGERPRINT_FILE = MODELS / f"{MODEL_NAME}.fingerprint"
VAR = REPO / "var"
BIN = Path(sys.executable).parent

# Everything that changes what `rasa train` produces.
TRAINING_INPUTS = ("config.yml", "domain.yml", "data/nlu", "data/stories",
                   "bot/nlu/normalise.py", "bot/nlu/welsh_lemma.py", "bot/nlu/tokenizer.py", "bot/nlu/spelling.yml",
                   "bot/nlu/minilm.py", "bot/nlu/minilm_featurizer.py",
                   "bot/nlu/intent_model.py", "bot/nlu/linear_classifier.py", "bot/language.py",
                   "bot/nlu/language_fallback.py",
                   "bot/nlu/risk_detector.py", "bot/nlu/language_detector.py", "bot/nlu/empty_guard.py",
                   "bot/nlp.py", "requirements/constraints.txt",
                   "data/safety/net_training*.yml", "data/safety/rounds/*.yml", "bot/safety/net.py", "bot/safety/layer.py")

QUIET_ENV = {"TF_CPP_MIN_LOG_LEVEL": "2", "RASA_TELEMETRY_ENABLED": "false", "PYTHONWARNINGS": "ignore",
             "SQLALCHEMY_SILENCE_UBER_WARNING": "1", "TF_ENABLE_ONEDNN_OPTS": "0",
             "OPENBLAS_NUM_THREADS": "1",
             # the action server binds to loopback only (rasa-sdk reads SANIC_HOST)
             "SANIC_HOST": "127.0.0.1"}


def _files(inputs: Iterable[str]) -> List[Path]:
    out: List[Path] = []
    for name in inputs:
        if "*" in name:
            out += sorted(p for p in REPO.glob(name) if p.is_file())
            continue
        path = REPO / name
        if path.is_dir():
            out += sorted(p for p in path.rglob("*") if p.is_file() and "__pycache__" not in p.parts)
        elif path.exists():
            out.append(path)
    return out


def training_fingerprint() -> str:
    digest = hashlib.sha256()
    for path in _files(TRAINING_INPUTS):
        digest.update(str(path.relative_to(REPO)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def model_is_stale() -> bool:
    if not MODEL_FILE.exists() or not FINGERPRINT_FILE.exists():
        return True
    return FINGERPRINT_FILE.read_text().strip() != training_fingerprint()


def rasa_env(extra: Optional[Dict[str, str]] = None) -> Dict[str, str]:
    env = dict(os.environ)
    env.update(QUIET_ENV)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    env.update(extra or {})
    return env


def train(force: bool = False, quiet: bool = False) -> float:
    """Train when the training inputs changed since the last model.

    Returns the seconds spent training (0.0 when the model was up to date).
    """
    if not force and not model_is_stale():
        if not quiet:
            print(f"[nest-bot] model is up to date ({MODEL_FILE.relative_to(REPO)})")
        return 0.0
    fingerprint = training_fingerprint()
    print("[nest-bot] training the model (training data changed since the last model)...", flush=True)
    MODELS.mkdir(exist_ok=True)
    started = time.monotonic()
    cmd = [str(BIN / "rasa"), "train", "--data", "data/nlu", "data/stories",
           "--domain", "domain.yml", "--config", "config.yml", "--out", str(MODELS),
           "--fixed-model-name", MODEL_NAME, "--force"]
    result = subprocess.run(cmd, cwd=REPO, env=rasa_env(),
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if result.returncode != 0 or not MODEL_FILE.exists():
        sys.stdout.write(result.stdout[-6000:])
        raise RuntimeError("rasa train failed (output above)")
    FINGERPRINT_FILE.write_text(fingerprint + "\n")
    seconds = time.monotonic() - started
    print(f"[nest-bot] trained in {seconds:.0f} s -> {MODEL_FILE.relative_to(REPO)}", flush=True)
    return seconds


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(url: str, timeout: float = 2.0) -> Optional[int]:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status
    except (urllib.error.URLError, ConnectionError, OSError):
        return None


def post_json(url: str, body: dict, timeout: float = 30.0) -> object:
    request = urllib.request.Request(url, data=json.dumps(body).encode(),
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=timeout) as response:
        return json.loads(response.read().decode() or "null")


@dataclass
class Servers:
    """The action server and the Rasa server, started together.

    ``with Servers() as s: s.send("user-1", "hello")``.  Logs go to
    ``var/log``; the runtime endpoints file to ``var/run``.

    The options after ``tracker_db`` let production (:mod:`bot.deploy`) start
    one part alone (``run_actions``/``run_rasa``), with an endpoints file used
    as it is (``endpoints``: its ``${VAR}``s are left for Rasa to expand, so
    nothing here rewrites it), through a wrapper command, without CORS and
    with extra arguments; their defaults keep the behaviour above.
    """

    rasa_port: int = 5005
    actions_port: int = 5055
    host: str = "127.0.0.1"
    env: Dict[str, str] = field(default_factory=dict)
    name: str = "nest-bot"
    startup_timeout: float = 240.0
    tracker_db: Optional[Path] = None   # SQLite tracker store file (default: endpoints.yml's)
    processes: List[subprocess.Popen] = field(default_factory=list)
    startup_seconds: float = 0.0
    endpoints: Optional[Path] = None    # endpoints file used as it is (default: generated)
    run_actions: bool = True            # start the action server
    run_rasa: bool = True               # start the Rasa server
    command: Optional[List[str]] = None  # run instead of `rasa` (e.g. a wrapper module)
    cors: Optional[str] = "*"           # --cors for the Rasa server; None: no CORS headers
    rasa_args: List[str] = field(default_factory=list)     # extra `rasa run` arguments
    ready_path: str = "/status"         # Rasa URL polled until ready ("/" with --auth-token)
    log_dir: Optional[Path] = None      # where the two logs go (default: var/log)

    @property
    def rasa_url(self) -> str:
        return f"http://{self.host}:{self.rasa_port}"

    @property
    def webhook(self) -> str:
        return f"{self.rasa_url}/webhooks/rest/webhook"

    @property
    def actions_url(self) -> str:
        return f"http://{self.host}:{self.actions_port}"

    def endpoints_file(self) -> Path:
        """endpoints.yml with this run's action server address."""
        if self.endpoints is not None:
            return Path(self.endpoints)
        yaml = YAML(typ="safe")
        config = yaml.load((REPO / "endpoints.yml").read_text()) or {}
        config["action_endpoint"] = {"url": f"{self.actions_url}/webhook"}
        if self.tracker_db is not None and config.get("tracker_store"):
            config["tracker_store"]["db"] = str(self.tracker_db)
        run_dir = VAR / "run"
        run_dir.mkdir(parents=True, exist_ok=True)
        path = run_dir / f"endpoints-{self.name}-{self.rasa_port}.yml"
        with path.open("w") as handle:
            yaml.dump(config, handle)
        return path

    def start(self) -> "Servers":
        if not MODEL_FILE.exists():
            raise RuntimeError("no trained model: run `nest-bot train` first")
        log_dir = Path(self.log_dir) if self.log_dir is not None else VAR / "log"
        log_dir.mkdir(parents=True, exist_ok=True)
        env = rasa_env(self.env)
        started = time.monotonic()
        rasa = list(self.command) if self.command else [str(BIN / "rasa")]
        if self.run_actions:
            actions_log = open(log_dir / f"{self.name}-actions-{self.actions_port}.log", "ab")
            self.processes.append(subprocess.Popen(
                rasa + ["run", "actions", "--actions", "actions",
                        "--port", str(self.actions_port)],
                cwd=REPO, env=env, stdout=actions_log, stderr=subprocess.STDOUT,
                start_new_session=True))
        if self.run_rasa:
            rasa_log = open(log_dir / f"{self.name}-rasa-{self.rasa_port}.log", "ab")
            cors = ["--cors", self.cors] if self.cors is not None else []
            self.processes.append(subprocess.Popen(
                rasa + ["run", "--enable-api", "-i", self.host,
                        "--port", str(self.rasa_port), "--model", str(MODEL_FILE),
                        "--endpoints", str(self.endpoints_file()),
                        "--credentials", "credentials.yml"] + cors + list(self.rasa_args),
                cwd=REPO, env=env, stdout=rasa_log, stderr=subprocess.STDOUT,
                start_new_session=True))
        try:
            self._wait_ready()
        except BaseException:
            self.stop()
            raise
        self.startup_seconds = time.monotonic() - started
        return self

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + self.startup_timeout
        checks = {}
        if self.run_actions:
            checks["action server"] = f"{self.actions_url}/health"
        if self.run_rasa:
            checks["Rasa server"] = f"{self.rasa_url}{self.ready_path}"
        while checks:
            for label, url in list(checks.items()):
                if _get(url) == 200:
                    del checks[label]
            for proc in self.processes:
                if proc.poll() is not None:
                    raise RuntimeError(f"a server exited during start-up (code {proc.returncode}); "
                                       f"see {self.log_dir or VAR / 'log'}")
            if time.monotonic() > deadline:
                raise TimeoutError(f"{', '.join(checks)} not ready after {self.startup_timeout:.0f} s")
            if checks:
                time.sleep(0.5)

    def stop(self) -> None:
        for proc in self.processes:
            if proc.poll() is None:
                try:
                    os.killpg(proc.pid, signal.SIGTERM)
                except ProcessLookupError:
                    pass
        for proc in self.processes:
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
        self.processes.clear()

    def wait(self) -> int:
        """Block until a server exits; return its exit code."""
        while True:
            for proc in self.processes:
                code = proc.poll()
                if code is not None:
                    return code
            time.sleep(0.5)

    def send(self, sender: str, text: str) -> list:
        return post_json(self.webhook, {"sender": sender, "message": text})  # type: ignore[return-value]

    def __enter__(self) -> "Servers":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
