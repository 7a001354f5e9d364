"""Run ``rasa`` with production logging and the API token from the environment.

    python -m bot.deploy.serve run --enable-api ...      # a Rasa server
    python -m bot.deploy.serve run actions ...           # an action server

It is the ``rasa`` command with three differences:

* logs are JSON lines without message text (:mod:`bot.deploy.logs`) at
  ``NEST_LOG_LEVEL`` (INFO by default; DEBUG is refused);
* a Rasa server gets ``--auth-token`` from ``NEST_RASA_TOKEN``, so the token
  never appears on a command line (``ps`` shows command lines to every user);
* Rasa's and rasa-sdk's coloured console logging and spaCy's own handler are
  switched off (they would print a second, plain-text copy of records), and
  Python warnings become log records (deprecation warnings are dropped).
"""
from __future__ import annotations

import logging
import os
import sys
import warnings
from typing import List, Optional

from bot.deploy.logs import ENV_PROCESS, configure_json_logging, log_level_from_env

ENV_TOKEN = "NEST_RASA_TOKEN"


def rasa_argv(argv: List[str], environ=None) -> List[str]:
    """The ``rasa`` arguments to run: the token is added for a Rasa server."""
    environ = os.environ if environ is None else environ
    argv = list(argv)
    is_rasa_server = argv[:1] == ["run"] and argv[1:2] != ["actions"]
    if is_rasa_server and "--auth-token" not in argv:
        token = (environ.get(ENV_TOKEN) or "").strip()
        if not token:
            raise SystemExit(f"[nest-bot] {ENV_TOKEN} is not set: the Rasa HTTP API would be "
                             f"open to anyone who can reach the server")
        argv += ["--auth-token", token]
    return argv


def main(argv: Optional[List[str]] = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    level = log_level_from_env()
    os.environ["LOG_LEVEL"] = level                      # read by Rasa and rasa-sdk
    os.environ.setdefault("LOG_LEVEL_LIBRARIES", "ERROR")
    os.environ["FORCE_JSON_LOGGING"] = "1"              # Rasa's structlog renders JSON
    configure_json_logging(level, os.environ.get(ENV_PROCESS))
    warnings.filterwarnings("ignore", category=DeprecationWarning)
    warnings.filterwarnings("ignore", category=PendingDeprecationWarning)
    logging.captureWarnings(True)
    # Rasa re-enables UserWarnings ("once"), which lets libraries' own deprecation
    # classes (pyparsing, SQLAlchemy) through: operators cannot act on those.
    logging.getLogger("py.warnings").addFilter(
        lambda record: "Deprecat" not in record.getMessage() and " deprecated" not in record.getMessage())

    import coloredlogs
    coloredlogs.install = lambda *args, **kwargs: None  # type: ignore[assignment]
    import spacy.util  # adds a stderr handler to the "spacy" logger when imported
    spacy_logger = logging.getLogger("spacy")
    for handler in list(spacy_logger.handlers):
        spacy_logger.removeHandler(handler)

    sys.argv = ["rasa"] + rasa_argv(argv)
    from rasa.__main__ import main as rasa_main
    rasa_main()


if __name__ == "__main__":
    main()
