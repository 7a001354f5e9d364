"""Load figures for the production set-up: one Rasa server, then two behind nginx.

    python bench/load_bench.py [--levels 1 10 50] [--turns 8] [--json bench/out/load.json]

Both set-ups run exactly as in production (``bot.deploy``): PostgreSQL tracker
store and booking database (a database made for the run and dropped after),
Redis lock store (an empty db number of its own), JSON logs at INFO, the API
behind a token.

* **one**: 1 Rasa server + 1 action server, messages sent straight to the
  Rasa server's REST webhook;
* **two**: 2 Rasa servers + 2 action servers behind nginx (least_conn),
  messages sent to nginx.

At each level, that many virtual practitioners hold conversations at once,
back to back (no think time; ``--think`` adds some), each sending ``--turns`` turns of the mix in
``bench/rest_bench.py``.  Printed per level: p50/p95/p99 latency of a turn,
throughput (turns/s), errors, and where the CPU went (CPU-seconds per turn
of the Rasa servers, the action servers, nginx, this client, PostgreSQL and
Redis (all their processes), and everything else on the machine: other
users' work), then the
resident memory of each process.  The machine's core count and load average
are printed first: the figures mean little without them.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import sys
import threading
import time
import uuid
from pathlib import Path
from typing import Dict, List, Optional

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

import sqlalchemy as sa  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from bot import launcher  # noqa: E402
from rest_bench import TURNS, percentile, rss_mb  # noqa: E402

PG_ADMIN_URL = os.environ.get("NEST_BENCH_PG_ADMIN_URL",
                              "postgresql+psycopg2://postgres@127.0.0.1:5432/postgres")
FIXED_NOW = "2026-11-24T10:00:00+00:00"
CLK_TCK = os.sysconf("SC_CLK_TCK")


# -- CPU accounting ------------------------------------------------------------
def _tree(pid: int) -> List[int]:
    pids, queue = [], [pid]
    while queue:
        p = queue.pop()
        pids.append(p)
        try:
            for task in os.listdir(f"/proc/{p}/task"):
                queue += [int(c) for c in Path(f"/proc/{p}/task/{task}/children").read_text().split()]
        except OSError:
            pass
    return pids


def cpu_seconds(pid: int) -> float:
    """utime + stime of a process and its children (from /proc), in seconds."""
    total = 0
    for p in _tree(pid):
        try:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])
        except (OSError, IndexError, ValueError):
            pass
    return total / CLK_TCK


def machine_busy_seconds() -> float:
    """CPU-seconds the whole machine spent busy (all cores), from /proc/stat."""
    fields = [int(x) for x in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)
    return (sum(fields[:8]) - idle) / CLK_TCK


def pids_named(*names: str) -> List[int]:
    """Processes whose command name is one of ``names`` (PostgreSQL backends, Redis)."""
    out = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                if Path(f"/proc/{entry}/comm").read_text().strip() in names:
                    out.append(int(entry))
            except OSError:
                pass
    return out


def shared_cpu_seconds() -> float:
    """CPU-seconds of every PostgreSQL and Redis process (other users' share included)."""
    total = 0
    for pid in pids_named("postgres", "redis-server"):
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])
        except (OSError, IndexError, ValueError):
            pass
    return total / CLK_TCK


def self_cpu_seconds() -> float:
    t = os.times()
    return t.user + t.system


# -- the load --------------------------------------------------------------------
def run_level(url: str, concurrency: int, turns: int, think: float = 0.0) -> Dict[str, object]:
    latencies: List[float] = []
    errors: List[str] = []
    lock = threading.Lock()
    start_gate = threading.Barrier(concurrency + 1)

    def user() -> None:
        sender = f"load-{uuid.uuid4().hex[:12]}"
        rng = random.Random(sender)
        start_gate.wait()
        for i in range(turns):
            if think and i:
                time.sleep(think * rng.uniform(0.5, 1.5))   # reading the answer, typing
            text = TURNS[i % len(TURNS)]
            started = time.perf_counter()
            try:
                launcher.post_json(url, {"sender": sender, "message": text}, timeout=120)
            except Exception as exc:  # noqa: BLE001 - counted and reported
                with lock:
                    errors.append(type(exc).__name__)
                continue
            with lock:
                latencies.append((time.perf_counter() - started) * 1000)

    threads = [threading.Thread(target=user, daemon=True) for _ in range(concurrency)]
    for t in threads:
        t.start()
    start_gate.wait()
    started = time.perf_counter()
    for t in threads:
        t.join()
    wall = time.perf_counter() - started
    return {"latencies": latencies, "errors": errors, "wall": wall}


def measure(production, url: str, levels: List[int], turns: int, label: str,
            think: float = 0.0) -> List[Dict[str, object]]:
    groups = {"rasa": [s.processes[0].pid for s in production.rasa],
              "actions": [s.processes[0].pid for s in production.actions],
              "nginx": [production.nginx.process.pid] if production.nginx else []}
    run_level(url, 2, len(TURNS))                                   # warm-up
    rows = []
    for level in levels:
        before = {g: sum(cpu_seconds(p) for p in pids) for g, pids in groups.items()}
        busy0, me0, db0 = machine_busy_seconds(), self_cpu_seconds(), shared_cpu_seconds()
        result = run_level(url, level, turns, think)
        busy1, me1, db1 = machine_busy_seconds(), self_cpu_seconds(), shared_cpu_seconds()
        after = {g: sum(cpu_seconds(p) for p in pids) for g, pids in groups.items()}
        lat = result["latencies"]
        n = max(len(lat), 1)
        used = {g: after[g] - before[g] for g in groups}
        client = me1 - me0
        db = db1 - db0
        other = max(0.0, (busy1 - busy0) - sum(used.values()) - client - db)
        rows.append({
            "setup": label, "concurrency": level, "turns": len(lat), "errors": len(result["errors"]),
            "p50_ms": percentile(lat, .50), "p95_ms": percentile(lat, .95),
            "p99_ms": percentile(lat, .99), "throughput": len(lat) / result["wall"],
            "wall_s": result["wall"],
            "cpu_ms_per_turn": {"rasa": 1000 * used["rasa"] / n, "actions": 1000 * used["actions"] / n,
                                "nginx": 1000 * used["nginx"] / n, "client": 1000 * client / n,
                                "pg+redis": 1000 * db / n, "other": 1000 * other / n},
            "machine_busy_pct": 100 * (busy1 - busy0) / (result["wall"] * (os.cpu_count() or 1)),
        })
        print_row(rows[-1])
    return rows


def memory(production, label: str) -> List[Dict[str, object]]:
    out = []
    for i, s in enumerate(production.rasa, 1):
        out.append({"setup": label, "process": f"rasa-{i}", "rss_mb": rss_mb(s.processes[0].pid)})
    for i, s in enumerate(production.actions, 1):
        out.append({"setup": label, "process": f"actions-{i}", "rss_mb": rss_mb(s.processes[0].pid)})
    if production.nginx and production.nginx.process:
        total = sum(rss_mb(p) for p in _tree(production.nginx.process.pid))
        out.append({"setup": label, "process": "nginx (master+workers)", "rss_mb": total})
    return out


HEADER = (f"{'setup':<5} {'conc':>4} {'turns':>5} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} "
          f"{'turns/s':>7} {'err':>3} | {'CPU ms/turn: rasa':>17} {'actions':>7} {'nginx':>5} "
          f"{'client':>6} {'pg+redis':>8} {'other':>5} | {'busy%':>5}")


def print_row(r: Dict[str, object]) -> None:
    c = r["cpu_ms_per_turn"]
    print(f"{r['setup']:<5} {r['concurrency']:>4} {r['turns']:>5} {r['p50_ms']:>7.0f} {r['p95_ms']:>7.0f} "
          f"{r['p99_ms']:>7.0f} {r['throughput']:>7.1f} {r['errors']:>3} | {c['rasa']:>17.0f} "
          f"{c['actions']:>7.0f} {c['nginx']:>5.1f} {c['client']:>6.1f} {c['pg+redis']:>8.0f} "
          f"{c['other']:>5.0f} | "
          f"{r['machine_busy_pct']:>5.0f}", flush=True)


# -- set-up ------------------------------------------------------------------------
class Infrastructure:
    """A PostgreSQL database and an empty Redis db for the run (removed after)."""

    def __init__(self) -> None:
        import redis
        self.admin = sa.create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
        with self.admin.connect() as conn:
            conn.execute(sa.text("SELECT 1"))
        self.name = f"nest_load_bench_{uuid.uuid4().hex[:8]}"
        with self.admin.connect() as conn:
            conn.execute(sa.text(f'CREATE DATABASE "{self.name}"'))
        self.url = make_url(PG_ADMIN_URL).set(database=self.name).render_as_string(hide_password=False)
        self.redis_db: Optional[int] = None
        for number in range(15, 1, -1):
            client = redis.Redis(host="127.0.0.1", port=6379, db=number, socket_timeout=3)
            if client.dbsize() == 0:
                self.redis_db, self._redis = number, client
                break
            client.close()
        if self.redis_db is None:
            self.close()
            raise RuntimeError("no empty Redis database among 2..15")

    def env(self, servers: int, run_dir: Path, nginx: bool) -> Dict[str, str]:
        user = make_url(PG_ADMIN_URL)
        return {
            "NEST_RASA_TOKEN": "bench-" + uuid.uuid4().hex + uuid.uuid4().hex,
            "NEST_DB_URL": self.url,
            "NEST_TRACKER_DB_HOST": user.host or "127.0.0.1", "NEST_TRACKER_DB_PORT": str(user.port or 5432),
            "NEST_TRACKER_DB_NAME": self.name, "NEST_TRACKER_DB_USER": user.username or "postgres",
            "NEST_TRACKER_DB_PASSWORD": user.password or "",
            "NEST_REDIS_DB": str(self.redis_db),
            "NEST_RASA_SERVERS": str(servers), "NEST_ACTION_SERVERS": str(servers),
            "NEST_RASA_PORT": str(port_run(servers)), "NEST_ACTIONS_PORT": str(port_run(servers)),
            "NEST_ACTIONS_LB_PORT": str(launcher.free_port()),
            "NEST_PUBLIC_ADDRESS": "127.0.0.1", "NEST_PUBLIC_PORT": str(launcher.free_port()),
            "NEST_RUN_DIR": str(run_dir), "NEST_NGINX": "1" if nginx else "0",
        }

    def close(self) -> None:
        if getattr(self, "_redis", None) is not None:
            self._redis.flushdb()
            self._redis.close()
        with self.admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)'))
        self.admin.dispose()


def port_run(count: int) -> int:
    import socket
    while True:
        first = launcher.free_port()
        try:
            for port in range(first, first + count):
                with socket.socket() as sock:
                    sock.bind(("127.0.0.1", port))
            return first
        except OSError:
            continue


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--levels", type=int, nargs="+", default=[1, 10, 50])
    parser.add_argument("--turns", type=int, default=len(TURNS), help="turns per conversation")
    parser.add_argument("--setups", nargs="+", choices=["one", "two"], default=["one", "two"])
    parser.add_argument("--think", type=float, default=0.0,
                        help="seconds between a reply and the next message (0.5x-1.5x at random); "
                             "0 = back to back, the worst case")
    parser.add_argument("--json", type=Path, default=None, help="also write the figures here")
    args = parser.parse_args(argv)

    from bot.deploy.production import Production, prepare
    from bot.deploy.settings import Settings

    if not launcher.MODEL_FILE.exists():
        print("no trained model: run `nest-bot train` first", file=sys.stderr)
        return 1
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f} "
          f"{os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f} (1/5/15 min) at start")
    try:
        infra = Infrastructure()
    except Exception as exc:  # noqa: BLE001
        print(f"PostgreSQL ({make_url(PG_ADMIN_URL).render_as_string()}) or Redis (127.0.0.1:6379) "
              f"is not reachable: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    saved_now = os.environ.get("NEST_NOW")
    os.environ["NEST_NOW"] = FIXED_NOW
    rows: List[Dict[str, object]] = []
    mem: List[Dict[str, object]] = []
    startup: Dict[str, float] = {}
    try:
        run_root = launcher.VAR / "bench" / f"load-{time.strftime('%Y%m%d-%H%M%S')}"
        first = True
        for label in args.setups:
            servers = 1 if label == "one" else 2
            settings = Settings.from_env(infra.env(servers, run_root / label, nginx=(label == "two")))
            if first:
                prepare(settings)
                first = False
            production = Production(settings, name=f"load-{label}", extra_env={"NEST_NOW": FIXED_NOW})
            started = time.monotonic()
            with production:
                startup[label] = time.monotonic() - started
                url = (f"{settings.public_url}/webhooks/rest/webhook" if label == "two"
                       else f"{production.rasa[0].rasa_url}/webhooks/rest/webhook")
                print(f"\n== {label}: {servers} Rasa server(s) + {servers} action server(s)"
                      + (" behind nginx" if label == "two" else ", direct") +
                      f"; all ready in {startup[label]:.0f} s; {args.turns} turns per conversation"
                      + (f", {args.think:g} s think time" if args.think else ", back to back"))
                print(HEADER)
                rows += measure(production, url, args.levels, args.turns, label, args.think)
                mem += memory(production, label)
    finally:
        if saved_now is None:
            os.environ.pop("NEST_NOW", None)
        else:
            os.environ["NEST_NOW"] = saved_now
        infra.close()

    print("\n== summary")
    print(HEADER.split(" | ")[0])
    for r in rows:
        print(f"{r['setup']:<5} {r['concurrency']:>4} {r['turns']:>5} {r['p50_ms']:>7.0f} {r['p95_ms']:>7.0f} "
              f"{r['p99_ms']:>7.0f} {r['throughput']:>7.1f} {r['errors']:>3}")
    by = {(r["setup"], r["concurrency"]): r for r in rows}
    for level in args.levels:
        if ("one", level) in by and ("two", level) in by:
            ratio = by[("two", level)]["throughput"] / by[("one", level)]["throughput"]
            print(f"throughput two/one at {level:>2} concurrent: {ratio:.2f}x")
    print("\n== resident memory (RSS)")
    for m in mem:
        print(f"{m['setup']:<5} {m['process']:<24} {m['rss_mb']:>6.0f} MB")
    print(f"\nload average at the end: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} "
          f"{os.getloadavg()[2]:.2f}")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps({"cores": os.cpu_count(), "startup_s": startup, "levels": rows,
                                         "memory": mem}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
