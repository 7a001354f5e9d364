"""nginx in front of the servers: render its configuration, check it, run it.

The configuration comes from ``deploy/nginx.conf.template``; nginx runs as a
foreground child of the launcher with that file only (its own pid file, logs
and temporary folders under the run folder), so it neither needs nor touches
the system's ``/etc/nginx`` set-up.
"""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time
from pathlib import Path
from typing import Dict, List, Optional, Sequence

from bot.deploy.settings import NGINX_TEMPLATE, REPO, Settings

INSTALL_SCRIPT = REPO / "scripts" / "install-nginx.sh"


class NginxError(RuntimeError):
    """nginx is missing, its configuration is refused, or it did not start."""


def _servers(host: str, ports: Sequence[int]) -> str:
    # A server that refuses a connection is skipped for 5 s, then tried again.
    return "\n".join(f"        server {host}:{port} max_fails=1 fail_timeout=5s;" for port in ports)


def render(settings: Settings, template: Optional[Path] = None) -> str:
    """The nginx configuration for ``settings`` (``{{name}}`` markers filled)."""
    host = "127.0.0.1" if settings.bind_host in ("0.0.0.0", "::") else settings.bind_host
    address = settings.public_address
    if ":" in address and not address.startswith("["):
        address = f"[{address}]"
    values: Dict[str, str] = {
        "worker_processes": "auto",
        "run_dir": str(settings.run_dir),
        "log_dir": str(settings.log_dir),
        "balance": "least_conn;" if settings.balance == "least_conn" else "# round robin",
        "rasa_servers": _servers(host, settings.rasa_ports),
        "action_servers": _servers(host, settings.actions_ports),
        "public_listen": f"{address}:{settings.public_port}",
        "server_name": settings.server_name,
        "actions_lb_port": str(settings.actions_lb_port),
    }
    text = (template or NGINX_TEMPLATE).read_text()
    for name, value in values.items():
        text = text.replace("{{" + name + "}}", value)
    if "{{" in text:
        left = text[text.index("{{"):].split("}}", 1)[0] + "}}"
        raise NginxError(f"{template or NGINX_TEMPLATE}: unknown marker {left}")
    return text


def find_nginx(preferred: str = "") -> Optional[str]:
    """The nginx binary: ``preferred``, then PATH, then /usr/sbin/nginx."""
    for candidate in (preferred, shutil.which("nginx") or "", "/usr/sbin/nginx"):
        if candidate and os.path.isfile(candidate) and os.access(candidate, os.X_OK):
            return candidate
    return None


def ensure_nginx(preferred: str = "") -> str:
    """The nginx binary, installed from Debian (scripts/install-nginx.sh) if missing."""
    found = find_nginx(preferred)
    if found:
        return found
    result = subprocess.run(["bash", str(INSTALL_SCRIPT)], stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)
    found = find_nginx(preferred)
    if not found:
        raise NginxError(f"nginx is not installed and {INSTALL_SCRIPT.name} could not install it:\n"
                         f"{result.stdout[-2000:]}")
    return found


class Nginx:
    """One nginx master process running ``conf`` in the foreground."""

    def __init__(self, settings: Settings, binary: Optional[str] = None) -> None:
        self.settings = settings
        self.binary = binary or ensure_nginx(settings.nginx_bin)
        self.conf = settings.run_dir / "nginx.conf"
        self.process: Optional[subprocess.Popen] = None

    def _cmd(self, *extra: str) -> List[str]:
        return [self.binary, "-p", str(self.settings.run_dir), "-c", str(self.conf),
                "-e", str(self.settings.log_dir / "nginx-error.log"), *extra]

    def write(self) -> Path:
        """Write the configuration (and make its folders); the file's path."""
        for sub in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
            (self.settings.run_dir / "nginx-tmp" / sub).mkdir(parents=True, exist_ok=True)
        self.settings.log_dir.mkdir(parents=True, exist_ok=True)
        self.conf.write_text(render(self.settings))
        return self.conf

    def test(self) -> str:
        """``nginx -t`` on the written configuration; its output. Raises if refused."""
        result = subprocess.run(self._cmd("-t", "-q"), stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT, text=True)
        if result.returncode != 0:
            raise NginxError(f"nginx refused {self.conf}:\n{result.stdout}")
        return result.stdout

    def start(self, timeout: float = 15.0) -> "Nginx":
        self.write()
        self.test()
        log = open(self.settings.log_dir / "nginx-stdout.log", "ab")
        self.process = subprocess.Popen(self._cmd("-g", "daemon off;"), stdout=log,
                                        stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + timeout
        import socket
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise NginxError(f"nginx exited at start-up (code {self.process.returncode}); "
                                 f"see {self.settings.log_dir / 'nginx-error.log'}")
            try:
                with socket.create_connection(("127.0.0.1", self.settings.actions_lb_port), 1):
                    return self
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise NginxError(f"nginx did not open port {self.settings.actions_lb_port} in {timeout:.0f} s")

    def reload(self) -> None:
        if self.process and self.process.poll() is None:
            self.write()
            self.test()
            os.kill(self.process.pid, signal.SIGHUP)

    def stop(self) -> None:
        proc, self.process = self.process, None
        if proc is None or proc.poll() is not None:
            return
        try:
            os.killpg(proc.pid, signal.SIGQUIT)       # graceful: finish requests in flight
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        except ProcessLookupError:
            pass

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None


__all__ = ["Nginx", "NginxError", "ensure_nginx", "find_nginx", "render"]
