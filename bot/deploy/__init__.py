"""Production deployment: settings from the environment, nginx, JSON logs, the launcher.

* :mod:`bot.deploy.settings` — :class:`Settings` read and checked from ``NEST_*`` variables;
* :mod:`bot.deploy.logs` — JSON log lines without message text;
* :mod:`bot.deploy.serve` — ``python -m bot.deploy.serve`` = ``rasa`` with those logs and
  the API token from the environment;
* :mod:`bot.deploy.nginx` — render, test and run nginx from ``deploy/nginx.conf.template``;
* :mod:`bot.deploy.production` — :class:`Production` (N Rasa + N action servers + nginx)
  and ``python -m bot.deploy {check,render,run}``.

Importing this package does not import Rasa.
"""
from bot.deploy.settings import Settings, SettingsError

__all__ = ["Settings", "SettingsError"]
