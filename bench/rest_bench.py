"""REST round-trip latency, throughput and memory of the running bot.

    python bench/rest_bench.py [--concurrency 1 20] [--turns 40]

Starts both servers from the trained model (the same launcher as `make run`),
warms them up, then holds conversations over the REST webhook: each virtual
practitioner sends a realistic mix of turns (topic questions and follow-ups).
Prints start-up time, p50/p95/p99 latency and throughput per concurrency level,
and the resident memory (RSS) of each server process.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import threading
import time
import uuid
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bot import launcher  # noqa: E402

TURNS = [
    "hello",
    "should I keep supporting a pupil myself or refer him on?",
    "tell me more",
    "can you give an example",
    "what about teenagers?",
    "how do I calm a child who is really dysregulated",
    "what is the NEST framework",
    "thanks",
]


def rss_mb(pid: int) -> float:
    """Resident memory of a process and its children, in MB (from /proc)."""
    total = 0
    pids = [pid]
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        pids += [int(c) for c in children]
    except OSError:
        pass
    for p in pids:
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            pass
    return total / 1024


def percentile(values, q):
    values = sorted(values)
    if not values:
        return float("nan")
    k = (len(values) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(values) - 1)
    return values[lo] + (values[hi] - values[lo]) * (k - lo)


def run_level(servers, concurrency: int, turns_per_user: int):
    latencies = []
    errors = []
    lock = threading.Lock()

    def user():
        sender = f"bench-{uuid.uuid4().hex[:8]}"
        for i in range(turns_per_user):
            text = TURNS[i % len(TURNS)]
            start = time.perf_counter()
            try:
                servers.send(sender, text)
            except Exception as exc:  # noqa: BLE001 - counted and reported
                with lock:
                    errors.append(repr(exc))
                continue
            with lock:
                latencies.append((time.perf_counter() - start) * 1000)

    threads = [threading.Thread(target=user) for _ in range(concurrency)]
    started = time.perf_counter()
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    wall = time.perf_counter() - started
    return latencies, errors, wall


def main(argv=None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 20])
    parser.add_argument("--turns", type=int, default=24, help="turns per conversation")
    args = parser.parse_args(argv)
    launcher.train(quiet=True)
    servers = launcher.Servers(rasa_port=launcher.free_port(), actions_port=launcher.free_port(), name="bench")
    with servers:
        print(f"start-up (both servers ready)   : {servers.startup_seconds:.1f} s")
        run_level(servers, 2, len(TURNS))  # warm-up
        print(f"{'conc':>4} {'turns':>6} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'turns/s':>8} {'errors':>6}")
        for level in args.concurrency:
            lat, errors, wall = run_level(servers, level, args.turns)
            print(f"{level:>4} {len(lat):>6} {statistics.median(lat):>8.0f} {percentile(lat, .95):>8.0f} "
                  f"{percentile(lat, .99):>8.0f} {len(lat) / wall:>8.1f} {len(errors):>6}")
        rasa_proc, actions_proc = servers.processes[1], servers.processes[0]
        print(f"RSS Rasa server                 : {rss_mb(rasa_proc.pid):.0f} MB")
        print(f"RSS action server               : {rss_mb(actions_proc.pid):.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
