#!/usr/bin/env python3
"""Scaling rows: does each command's cost grow linearly with the input, shape by shape?

For every shape below, generates its input at two sizes (the second SCALE times the first) into a temporary
folder, runs `awaitfix check`, `diff` and `apply` on each (apply on a fresh copy), and records the wall time and
the peak RSS. A linear command takes about SCALE times as long on the larger input; the `ratio` column is the
measured one. Times on a shared machine are noisy, so the two sizes of a shape run back to back and only their
ratio is read. Writes a Markdown table (stdout, and --out), and the same rows as JSON (--json, read by
bench/report.py). Standard library only.

Shapes (n is the size knob):
  sites-one-function  one async function holding n awaited sites
  fixed-calls-one-function the same function after the fix: n sync calls, nothing to report
  sites-many-functions n small async functions of one awaited site each, in one file
  big-file            n KB of plain code with one site at the end
  nested-calls        one site wrapped in n nested calls
  comments-after-block a block followed by n comment lines, then a site
  comments-in-block   n comment lines at column 0 inside a block that goes on after them
  many-clean-files    n small files without any site (peak memory must not grow with n)
  awaits-distinct-names n async functions, each awaiting a method of its own parameter and a function
                      imported from another module (sync for every tenth: an AWF005 site), with
                      `project: true` in the tree's awaitfix.yaml
"""

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

IMPORT = "from app.ws import get_websocket_manager\n\n\n"
SITE = "    manager = await get_websocket_manager(ctx)\n"


def sites_one_function(n):
    return {"m.py": IMPORT + "async def handler(ctx):\n" + SITE * n}


def fixed_calls_one_function(n):
    return {"m.py": IMPORT + "async def handler(ctx):\n" + SITE.replace("await ", "") * n}


def sites_many_functions(n):
    body = "".join(f"async def handler_{i}(ctx):\n{SITE}    return manager\n\n\n" for i in range(n))
    return {"m.py": IMPORT + body}


def big_file(n):
    block = "".join(f"def plain_{{i}}_{j}(x):\n    return x + {j}\n\n\n" for j in range(10))
    lines = []
    size = 0
    i = 0
    while size < n * 1024:
        chunk = block.replace("{i}", str(i))
        lines.append(chunk)
        size += len(chunk)
        i += 1
    return {"m.py": IMPORT + "".join(lines) + "async def handler(ctx):\n" + SITE}


def nested_calls(n):
    call = "f(" * n + "await get_websocket_manager(ctx)" + ")" * n
    return {"m.py": IMPORT + f"async def handler(ctx):\n    manager = {call}\n"}


def comments_after_block(n):
    comments = "".join(f"# comment {i}\n" for i in range(n))
    return {"m.py": IMPORT + "def plain(x):\n    return x\n" + comments + "async def handler(ctx):\n" + SITE}


def comments_in_block(n):
    comments = "".join(f"# comment {i}\n" for i in range(n))
    return {"m.py": IMPORT + "async def handler(ctx):\n    x = 1\n" + comments + SITE}


def many_clean_files(n):
    return {f"p{i // 500}/m{i}.py": f"def plain(x):\n    return x + {i}\n" for i in range(n)}


def awaits_distinct_names(n):
    imported = range(0, n, 50)
    dep = "".join(f"async def f{i}(user):\n    return user\n\n\ndef s{i}(user):\n    return user\n\n\n" for i in imported)
    imports = "".join(f"from pkg.dep import f{i}, s{i}\n" for i in imported)
    body = "".join(
        f"async def handler_{i}(conn_{i}, user):\n    await conn_{i}.send(user)\n"
        f"    return await {'s' if i % 10 == 0 else 'f'}{i - i % 50}(user)\n\n\n"
        for i in range(n)
    )
    return {"awaitfix.yaml": "project: true\n", "pkg/__init__.py": "", "pkg/dep.py": dep, "pkg/m.py": imports + "\n\n" + body}


# name, generator, first size, scale: sizes picked so that the larger input takes a few seconds at most.
SHAPES = [
    ("sites-one-function", sites_one_function, 10_000, 4),
    ("fixed-calls-one-function", fixed_calls_one_function, 10_000, 4),
    ("sites-many-functions", sites_many_functions, 10_000, 4),
    ("big-file", big_file, 5_000, 4),
    ("nested-calls", nested_calls, 2_500, 4),
    ("comments-after-block", comments_after_block, 4_000, 4),
    ("comments-in-block", comments_in_block, 1_000, 4),
    ("many-clean-files", many_clean_files, 2_000, 4),
    ("awaits-distinct-names", awaits_distinct_names, 5_000, 4),
]


def write(root, files):
    for path, text in files.items():
        dest = root / path
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_text(text)


# Report CPU seconds (user + system) instead of wall seconds: steadier on a machine that others share.
CPU_TIME = False


def run(awaitfix, command, cwd):
    """Wall (or CPU) seconds and peak RSS (MB) of `awaitfix COMMAND .` in cwd, in a child of its own."""
    wrapper = (
        "import resource, subprocess, sys, time\n"
        "t = time.perf_counter()\n"
        "p = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)\n"
        "t = time.perf_counter() - t\n"
        "usage = resource.getrusage(resource.RUSAGE_CHILDREN)\n"
        "print(p.returncode, t, usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime)\n"
    )
    out = subprocess.run([sys.executable, "-c", wrapper, awaitfix, command, "."], cwd=cwd,
                         capture_output=True, text=True, check=True).stdout.split()
    code, seconds, rss, cpu = int(out[0]), float(out[1]), float(out[2]), float(out[3])
    if code not in (0, 1):
        sys.exit(f"awaitfix {command} exited {code} in {cwd}")
    return (cpu if CPU_TIME else seconds), rss


def measure(awaitfix, name, make, size, scale, commands):
    rows = []
    with tempfile.TemporaryDirectory(prefix=f"scaling-{name}-") as tmp:
        results = {}
        for n in (size, size * scale):
            tree = Path(tmp) / f"n{n}"
            write(tree, make(n))
            megabytes = sum(p.stat().st_size for p in tree.rglob("*.py")) / 1e6
            for command in commands:
                work = tree
                if command == "apply":
                    work = Path(tmp) / f"apply-{n}"
                    shutil.copytree(tree, work)
                results[(n, command)] = run(awaitfix, command, work) + (megabytes,)
        for command in commands:
            sizes = [dict(zip(("n", "seconds", "rss_mb", "mb"), (n,) + results[(n, command)]))
                     for n in (size, size * scale)]
            rows.append({"shape": name, "command": command, "scale": scale, "small": sizes[0], "large": sizes[1],
                         "ratio": sizes[1]["seconds"] / max(sizes[0]["seconds"], 1e-3)})
    return rows


def table_row(row):
    """One row of the Markdown table."""
    small, large = row["small"], row["large"]
    return (f"| {row['shape']} | `{row['command']}` | {small['n']:,} ({small['mb']:.1f} MB) | "
            f"{small['seconds']:.2f} s, {small['rss_mb']:.0f} MB | {large['n']:,} ({large['mb']:.1f} MB) | "
            f"{large['seconds']:.2f} s, {large['rss_mb']:.0f} MB | {row['ratio']:.1f}× |")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--awaitfix", default=str(Path(__file__).resolve().parent.parent / "target/release/awaitfix"))
    ap.add_argument("--only", action="append", help="run only this shape (repeatable)")
    ap.add_argument("--commands", default="check,diff,apply")
    ap.add_argument("--out", type=Path, help="write the table here too")
    ap.add_argument("--json", type=Path, help="write the rows here as JSON")
    ap.add_argument("--shrink", type=int, default=1,
                    help="divide every first size by this (bench/run.sh uses 2, to stay near a minute)")
    ap.add_argument("--cpu", action="store_true", help="report CPU time (user + system) instead of wall time")
    args = ap.parse_args()
    global CPU_TIME
    CPU_TIME = args.cpu
    if not os.access(args.awaitfix, os.X_OK):
        sys.exit(f"{args.awaitfix}: not found; run `cargo build --release` first")
    commands = args.commands.split(",")
    lines = [
        "| shape | command | size n | time, peak RSS | size n × scale | time, peak RSS | time ratio |",
        "|---|---|---|---|---|---|---|",
    ]
    print("\n".join(lines), flush=True)
    rows = []
    for name, make, size, scale in SHAPES:
        if args.only and name not in args.only:
            continue
        for row in measure(args.awaitfix, name, make, max(1, size // args.shrink), scale, commands):
            print(table_row(row), flush=True)
            lines.append(table_row(row))
            rows.append(row)
    if args.out:
        args.out.write_text("\n".join(lines) + "\n")
    if args.json:
        args.json.write_text(json.dumps({"awaitfix": args.awaitfix, "rows": rows}, indent=1) + "\n")


if __name__ == "__main__":
    main()
