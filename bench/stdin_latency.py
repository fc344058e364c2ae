#!/usr/bin/env python3
"""What an editor pays per check of one file: `awaitfix check - --stdin-filename x.py` run N times on a
~300-line module with a site and on a 5,000-line module with a site, beside `ruff check --stdin-filename x.py -`
measured in the same run, and `true` for the cost of starting a process at all. Prints the median and 95th
percentile wall time and the median CPU time (user and system) of each, in milliseconds, as a Markdown table.
Standard library only.

    bench/stdin_latency.py [--runs 100] [--awaitfix target/release/awaitfix] [--ruff PATH]
"""

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

HEADER = '''"""Routes of a websocket service (generated for the latency benchmark)."""

import asyncio
import json
import logging
from dataclasses import dataclass, field

from app.websocket_core.websocket_manager import get_websocket_manager

log = logging.getLogger(__name__)
'''

# One unit of ordinary code, about 25 lines, with no tracked name in it.
UNIT = '''

@dataclass
class Event{n}:
    kind: str
    payload: dict = field(default_factory=dict)
    retries: int = 0

    def encode(self) -> str:
        return json.dumps({{"kind": self.kind, "payload": self.payload, "n": {n}}})


async def handle_{n}(queue, ctx):
    """Drains the queue into the context's sink."""
    while not queue.empty():
        event = await queue.get()
        try:
            ctx.sink.write(Event{n}(event["kind"], event).encode())
        except (KeyError, ValueError) as error:
            log.warning("event %s dropped: %s", {n}, error)
            continue
        finally:
            queue.task_done()
    await asyncio.sleep(0)
    return {n}
'''

SITE = '''

async def connect(ctx):
    manager = await get_websocket_manager(user_context=ctx)
    return manager
'''


def module(lines: int) -> str:
    """A module of about `lines` lines: the header, ordinary code, and one awaited sync call in the middle."""
    units = []
    n = 0
    while len(HEADER.splitlines()) + sum(len(u.splitlines()) for u in units) < lines - len(SITE.splitlines()):
        units.append(UNIT.format(n=n))
        n += 1
    middle = len(units) // 2
    return HEADER + "".join(units[:middle]) + SITE + "".join(units[middle:])


def cpu_ms() -> float:
    """User and system CPU time of the finished children so far, in ms."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (usage.ru_utime + usage.ru_stime) * 1000


def measure(command: list[str], source: bytes, runs: int) -> tuple[list[float], list[float]]:
    """Wall and CPU times in ms of `runs` runs of `command` with `source` on stdin, after 3 unmeasured
    runs. CPU time is steadier than wall time on a shared machine."""
    walls, cpus = [], []
    for i in range(runs + 3):
        cpu, start = cpu_ms(), time.perf_counter()
        done = subprocess.run(command, input=source, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        elapsed, used = (time.perf_counter() - start) * 1000, cpu_ms() - cpu
        if done.returncode not in (0, 1):
            sys.exit(f"{' '.join(command)} exited {done.returncode}: {done.stderr.decode(errors='replace')}")
        if i >= 3:
            walls.append(elapsed)
            cpus.append(used)
    return walls, cpus


def p95(times: list[float]) -> float:
    ordered = sorted(times)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def default_ruff() -> str | None:
    venv = ROOT / "target" / "test-venv" / "bin" / "ruff"
    return str(venv) if venv.exists() else shutil.which("ruff")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=100)
    parser.add_argument("--awaitfix", default=str(ROOT / "target" / "release" / "awaitfix"))
    parser.add_argument("--ruff", default=default_ruff())
    args = parser.parse_args()
    if not os.access(args.awaitfix, os.X_OK):
        sys.exit(f"{args.awaitfix}: not built (cargo build --release)")
    tools = [("awaitfix", [args.awaitfix, "check", "-", "--stdin-filename", "x.py"])]
    if args.ruff:
        tools.append(("ruff", [args.ruff, "check", "--no-cache", "--stdin-filename", "x.py", "-"]))
    else:
        print("ruff not found (pip install ruff): measuring awaitfix alone", file=sys.stderr)
    # What starting any process costs here, for scale.
    tools.append(("`true` (process start)", ["true"]))
    print("| file | tool | median ms | p95 ms | CPU ms (median) | runs |\n|---|---|--:|--:|--:|--:|")
    for lines in (300, 5000):
        source = module(lines).encode()
        label = f"{len(source.splitlines()):,} lines, 1 site"
        # Both tools on one file, one after the other, so that they see about the same load of the machine.
        for name, command in tools:
            walls, cpus = measure(command, source, args.runs)
            print(
                f"| {label} | {name} | {statistics.median(walls):.1f} | {p95(walls):.1f} "
                f"| {statistics.median(cpus):.1f} | {args.runs} |"
            )


if __name__ == "__main__":
    main()
