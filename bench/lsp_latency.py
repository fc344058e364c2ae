#!/usr/bin/env python3
"""Editor latency of `awaitfix server`, beside `ruff server` driven the same way in the same run.

Each server is started over stdio, initialized (UTF-16 positions, push diagnostics), and given one
generated 5,000-line Python file (`didOpen`), then a series of small edits, each a `didChange` with the
whole new text (awaitfix asks for whole texts; ruff takes them too). Measured per server:

- the time from sending each `didChange` to receiving the `publishDiagnostics` for that version, over the
  first `--edits` edits (median, p95, max);
- its resident memory (VmRSS) after the `didOpen` and after 1,000 and `--memory-edits` edits (flat: the
  last two within a few MB of each other).

Every update must report the same number of diagnostics as the first (the edits change a number in a
statement, never a site), so a server that skips work is caught. Stdlib only. Linux (/proc for RSS).

    python3 bench/lsp_latency.py --awaitfix target/release/awaitfix --ruff target/test-venv/bin/ruff
"""

from __future__ import annotations

import argparse
import json
import os
import queue
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

TIMEOUT = 60.0


def source(lines: int) -> tuple[str, list[int]]:
    """A module of about `lines` lines: handlers that compute, loop and return, one in twenty awaiting the
    sync factory. Returns the text and the offsets of the numbers the edits change."""
    parts = [
        (
            "from app.ws import get_websocket_manager\n\n\n"
            "def compute(ctx, n):\n    return len(str(ctx)) + n\n"
        )
    ]
    n = 0
    while sum(p.count("\n") for p in parts) < lines:
        body = (
            f"\n\nasync def handler_{n}(ctx):\n    x = compute(ctx, 1{n % 10000:04d})\n"
        )
        body += "    y = [i * 2 for i in range(x)]\n"
        if n % 20 == 0:
            body += "    m = await get_websocket_manager(ctx)\n    y.append(m)\n"
        body += "    return x, y\n"
        parts.append(body)
        n += 1
    text = "".join(parts)
    numbers, at = [], 0
    while (at := text.find("x = compute(ctx, ", at)) >= 0:
        at += len("x = compute(ctx, ")
        numbers.append(at)
    return text, numbers


class Server:
    """A language server process and its messages, read on a thread."""

    def __init__(self, command: list[str], cwd: Path):
        self.process = subprocess.Popen(
            command,
            cwd=cwd,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
        self.messages: queue.Queue = queue.Queue()
        self.next_id = 0
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        out = self.process.stdout
        while True:
            length = None
            while True:
                line = out.readline()
                if not line:
                    self.messages.put(None)
                    return
                line = line.strip()
                if not line:
                    break
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":")[1])
            self.messages.put(json.loads(out.read(length)))

    def send(self, message: dict) -> None:
        body = json.dumps(message).encode()
        self.process.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.process.stdin.flush()

    def notify(self, method: str, params) -> None:
        self.send({"jsonrpc": "2.0", "method": method, "params": params})

    def receive(self) -> dict:
        message = self.messages.get(timeout=TIMEOUT)
        if message is None:
            raise RuntimeError("the server closed its output")
        if "method" in message and "id" in message:
            # A request from the server (configuration, registration): answered with nothing.
            self.send({"jsonrpc": "2.0", "id": message["id"], "result": None})
        return message

    def request(self, method: str, params):
        self.next_id += 1
        self.send(
            {"jsonrpc": "2.0", "id": self.next_id, "method": method, "params": params}
        )
        while True:
            message = self.receive()
            if message.get("id") == self.next_id and "method" not in message:
                return message.get("result")

    def diagnostics(self, uri: str, version: int) -> int:
        """Waits for the diagnostics of `uri` at `version` (or unversioned ones) and returns their count."""
        while True:
            message = self.receive()
            if message.get("method") != "textDocument/publishDiagnostics":
                continue
            params = message["params"]
            if params["uri"] == uri and params.get("version") in (None, version):
                return len(params["diagnostics"])

    def rss_kb(self) -> int:
        status = Path(f"/proc/{self.process.pid}/status").read_text()
        line = next(l for l in status.splitlines() if l.startswith("VmRSS:"))
        return int(line.split()[1])

    def close(self) -> None:
        try:
            self.request("shutdown", None)
            self.notify("exit", None)
            self.process.wait(timeout=10)
        except Exception:  # noqa: BLE001 - a server that does not stop is killed
            self.process.kill()


def edited(text: str, numbers: list[int], edit: int) -> str:
    """The text with the number of one handler (a different one each time) set to `1` and `edit` on four
    digits: a change of one to four characters of one line. No leading zero: ruff would see a syntax error."""
    at = numbers[(edit * 37) % len(numbers)]
    return text[:at] + f"1{edit % 10000:04d}" + text[at + 5 :]


def drive(
    name: str, command: list[str], lines: int, edits: int, memory_edits: int
) -> dict:
    work = Path(tempfile.mkdtemp(prefix=f"lsp-{name}-"))
    text, numbers = source(lines)
    path = work / "big.py"
    path.write_text(text)
    uri = path.as_uri()
    server = Server(command, work)
    try:
        capabilities = {
            "general": {"positionEncodings": ["utf-16"]},
            "textDocument": {"publishDiagnostics": {"versionSupport": True}},
        }
        server.request(
            "initialize",
            {
                "processId": os.getpid(),
                "rootUri": work.as_uri(),
                "capabilities": capabilities,
            },
        )
        server.notify("initialized", {})
        document = {"uri": uri, "languageId": "python", "version": 1, "text": text}
        server.notify("textDocument/didOpen", {"textDocument": document})
        first = server.diagnostics(uri, 1)
        rss = {0: server.rss_kb()}
        times = []
        current = text
        for edit in range(1, max(edits, memory_edits) + 1):
            current = edited(current, numbers, edit)
            version = edit + 1
            change = {
                "textDocument": {"uri": uri, "version": version},
                "contentChanges": [{"text": current}],
            }
            start = time.perf_counter()
            server.notify("textDocument/didChange", change)
            count = server.diagnostics(uri, version)
            elapsed = time.perf_counter() - start
            if count != first:
                raise RuntimeError(
                    f"{name}: {count} diagnostics after edit {edit}, {first} at first"
                )
            if edit <= edits:
                times.append(elapsed * 1000)
            if edit in (1000, memory_edits):
                rss[edit] = server.rss_kb()
    finally:
        server.close()
        shutil.rmtree(work, ignore_errors=True)
    times.sort()
    return {
        "server": name,
        "command": " ".join(command),
        "lines": text.count("\n"),
        "diagnostics": first,
        "edits": len(times),
        "median_ms": statistics.median(times),
        "p95_ms": times[int(len(times) * 0.95) - 1],
        "max_ms": times[-1],
        "rss_kb": rss,
    }


def version(command: list[str]) -> str:
    out = subprocess.run(
        [command[0], "--version"], check=False, capture_output=True, text=True
    )
    return out.stdout.strip() or out.stderr.strip()


def table(results: list[dict]) -> str:
    after = " / ".join(f"{k:,}" for k in sorted(results[0]["rss_kb"]))
    head = (
        "| server | diagnostics | didChange → publishDiagnostics median | p95 | max "
        f"| RSS after {after} edits |\n|---|---|---|---|---|---|\n"
    )
    rows = []
    for r in results:
        rss = " / ".join(f"{r['rss_kb'][k] / 1024:.1f} MB" for k in sorted(r["rss_kb"]))
        rows.append(
            f"| {r['server']} | {r['diagnostics']} | {r['median_ms']:.1f} ms | {r['p95_ms']:.1f} ms "
            f"| {r['max_ms']:.1f} ms | {rss} |\n"
        )
    return head + "".join(rows)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--awaitfix", default="target/release/awaitfix", help="the awaitfix binary"
    )
    parser.add_argument(
        "--ruff",
        default="target/test-venv/bin/ruff",
        help="the ruff binary ('' to skip it)",
    )
    parser.add_argument(
        "--lines", type=int, default=5000, help="lines of the edited file"
    )
    parser.add_argument(
        "--edits", type=int, default=1000, help="edits whose latency is measured"
    )
    parser.add_argument(
        "--memory-edits",
        type=int,
        default=10000,
        help="edits before the last RSS reading",
    )
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args()
    servers = [("awaitfix", [str(Path(args.awaitfix).resolve()), "server"])]
    if args.ruff:
        if not Path(args.ruff).exists():
            print(
                f"{args.ruff}: not found (scripts/test creates target/test-venv); pass --ruff ''",
                file=sys.stderr,
            )
            return 2
        servers.append(("ruff", [str(Path(args.ruff).resolve()), "server"]))
    results = []
    for name, command in servers:
        print(
            f"{name} ({version(command)}): {args.edits:,} edits timed, {args.memory_edits:,} in all",
            file=sys.stderr,
        )
        result = drive(name, command, args.lines, args.edits, args.memory_edits)
        result["version"] = version(command)
        results.append(result)
    print(table(results), end="")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n")
    awaitfix = results[0]
    growth = awaitfix["rss_kb"][args.memory_edits] - awaitfix["rss_kb"].get(
        1000, awaitfix["rss_kb"][0]
    )
    ok = awaitfix["median_ms"] < 20 and growth < 2048
    print(
        f"target (awaitfix median under 20 ms, RSS from 1,000 to {args.memory_edits:,} edits within 2 MB): "
        f"{'PASS' if ok else 'FAIL'}",
        file=sys.stderr,
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
