#!/usr/bin/env python3
"""Run awaitfix's project-wide rule and the type checkers that find the same sites on CORPUS/project/,
and score each against the planted sites and decoys of CORPUS/project.json (bench/plant_project.py).

  project_peers.py --awaitfix BIN --out RESULTS/project.json [--corpus DIR] [--scratch DIR]
                   [--cpu-limit SECONDS] [--timeout SECONDS] [--repeat N] [--tools awaitfix,pyrefly,ty,pyright]

Every command runs once from the corpus root on `project`, under `/usr/bin/time` (wall, user + sys CPU of
the process and its children, peak RSS), bounded by a CPU-time limit per process (RLIMIT_CPU, default
900 s: on a shared machine a wall-clock limit would depend on the load) and a wall-clock `timeout`
(default 3600 s); awaitfix runs --repeat times (default 3) and its
median-wall run is kept. Configured as a user would, each with the tree's import roots and an empty
interpreter (a `venv --without-pip`: no third-party package):
  awaitfix  check --project --format json project           (roots from project/awaitfix.yaml)
  pyrefly   check --preset off --error not-async --check-unannotated-defs --search-path ROOT...
  ty        check --ignore all --error invalid-await --extra-search-path ROOT...
  pyright   --outputjson -p project   (project/pyrightconfig.json: typeCheckingMode off,
            reportGeneralTypeIssues on, the roots as extraPaths)
A finding is what the tool reports for an awaited non-awaitable: awaitfix's AWF005, pyrefly's not-async,
ty's invalid-await, pyright's "is not awaitable" (among its reportGeneralTypeIssues). Scores per tool:
found (planted (path, line) pairs reported), false (decoy lines reported), other (every other finding
line, in the corpus or the planted files). A tool that is missing, rejects its flags, times out or
crashes gets a status saying so and no score. Standard library only.
"""

import argparse
import json
import os
import re
import resource
import shutil
import subprocess
import sys
from pathlib import Path

DEFAULT_CORPUS = Path(os.environ.get("BENCH_CORPUS", "/work/bench-data/corpus"))
TIME_FORMAT = "%e %U %S %M"
TY_LINE = re.compile(r"^(?P<path>.+?):(?P<line>\d+):\d+: \w+\[(?P<rule>[\w-]+)\]")


def commands(tool, roots, empty_venv):
    """The command line of `tool` (run from the corpus root), and how to read its findings."""
    python = str(empty_venv / "bin" / "python")
    if tool == "pyrefly":
        search = [a for r in roots for a in ("--search-path", r)]
        return ["pyrefly", "check", "--preset", "off", "--error", "not-async", "--check-unannotated-defs",
                "--python-interpreter-path", python, "--output-format", "json", "--summary=none", *search, "project"]
    if tool == "ty":
        search = [a for r in roots for a in ("--extra-search-path", r)]
        return ["ty", "check", "--ignore", "all", "--error", "invalid-await", "--python", str(empty_venv),
                "--output-format", "concise", "--no-progress", "--color", "never", *search, "project"]
    if tool == "pyright":
        return ["pyright", "--outputjson", "--pythonpath", python, "-p", "project"]
    raise ValueError(tool)


def findings(tool, stdout, corpus):
    """(the (path, line) pairs of the tool's awaitable findings, count of all its diagnostics)."""
    def rel(path):
        path = Path(path)
        return (path.relative_to(corpus) if path.is_absolute() else path).as_posix()

    if tool == "awaitfix":
        items = json.loads(stdout or "[]")
        return {(rel(d["path"]), d["line"]) for d in items if d.get("code") == "AWF005"}, len(items)
    if tool == "pyrefly":
        items = json.loads(stdout or "{}").get("errors", [])
        return {(rel(e["path"]), e["line"]) for e in items if e.get("name") == "not-async"}, len(items)
    if tool == "ty":
        matches = [m for m in map(TY_LINE.match, stdout.splitlines()) if m]
        return {(rel(m["path"]), int(m["line"])) for m in matches if m["rule"] == "invalid-await"}, len(matches)
    if tool == "pyright":
        items = json.loads(stdout or "{}").get("generalDiagnostics", [])
        found = {(rel(d["file"]), d["range"]["start"]["line"] + 1) for d in items
                 if "is not awaitable" in d.get("message", "")}
        return found, len(items)
    raise ValueError(tool)


def timed(cmd, cwd, scratch, name, timeout, cpu_limit):
    """Runs `cmd` under /usr/bin/time, timeout and a CPU-time limit; returns (exit code, wall, cpu, peak RSS KB,
    stdout, stderr)."""
    out, err, times = (scratch / f"{name}.{ext}" for ext in ("out", "err", "time"))

    def limit_cpu():
        resource.setrlimit(resource.RLIMIT_CPU, (cpu_limit, cpu_limit + 10))

    with open(out, "wb") as stdout, open(err, "wb") as stderr:
        rc = subprocess.run(["/usr/bin/time", "-f", TIME_FORMAT, "-o", str(times), "timeout", str(timeout), *cmd],
                            cwd=cwd, stdout=stdout, stderr=stderr, preexec_fn=limit_cpu, check=False).returncode
    fields = times.read_text().split()[-4:]
    wall, user, system, rss = (float(f) for f in fields)
    return rc, wall, user + system, int(rss), out.read_text(errors="replace"), err.read_text(errors="replace")


def version(tool):
    cmd = {"awaitfix": None, "pyrefly": ["pyrefly", "--version"], "ty": ["ty", "--version"],
           "pyright": ["pyright", "--version"]}[tool]
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=300, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return proc.stdout.strip().splitlines()[-1] if proc.returncode == 0 and proc.stdout.strip() else None


def score(found, manifest):
    sites = {(s["path"], s["line"]): s["kind"] for s in manifest["sites"]}
    decoys = {(d["path"], d["line"]): d["kind"] for d in manifest["decoys"]}
    planted_files = {m["path"] for m in manifest["modules"]}
    other = found - sites.keys() - decoys.keys()

    def by_kind(pairs, kinds):
        counts = {}
        for pair in pairs:
            counts[kinds[pair]] = counts.get(kinds[pair], 0) + 1
        return counts

    return {"found": len(found & sites.keys()), "planted": len(sites), "false": len(found & decoys.keys()),
            "other": len(other), "other_in_planted_files": sum(1 for p, _ in other if p in planted_files),
            "found_by_kind": by_kind(found & sites.keys(), sites), "false_by_kind": by_kind(found & decoys.keys(), decoys),
            "missed": sorted(f"{p}:{n}" for p, n in sites.keys() - found)[:20],
            "other_sample": sorted(f"{p}:{n}" for p, n in other)[:20]}


def run_tool(tool, args, manifest, empty_venv):
    """The result record of one tool."""
    if tool == "awaitfix":
        cmd, repeat = [str(args.awaitfix), "check", "--project", "--format", "json", "project"], args.repeat
        record = {"tool": tool, "command": "awaitfix check --project --format json project"}
    else:
        if shutil.which(tool) is None:
            return {"tool": tool, "status": "not installed"}
        cmd, repeat = commands(tool, manifest["roots_from_corpus"], empty_venv), 1
        record = {"tool": tool, "version": version(tool), "command": " ".join(cmd)}
    runs = [timed(cmd, args.corpus, args.scratch, tool, args.timeout, args.cpu_limit) for _ in range(repeat)]
    rc, wall, cpu, rss, stdout, stderr = sorted(runs, key=lambda r: r[1])[len(runs) // 2]
    record.update(exit=rc, wall_s=wall, cpu_s=cpu, max_rss_kb=rss, runs=len(runs),
                  stderr_tail=stderr.strip().splitlines()[-5:])
    if rc == 124:
        return dict(record, status=f"timeout ({args.timeout} s wall)")
    if rc in (128 + 24, 128 + 9, 128 + 15) or "Command terminated by signal" in (args.scratch / f"{tool}.time").read_text():
        return dict(record, status=f"stopped (CPU limit {args.cpu_limit} s, exit {rc})")
    if tool == "awaitfix" and rc == 2 and re.search(r"unexpected argument|unknown|unrecognized", stderr):
        return dict(record, status="n/a (no --project)")
    if rc not in (0, 1) and not stdout.strip():
        return dict(record, status=f"failed (exit {rc})")
    try:
        found, total = findings(tool, stdout, args.corpus)
    except (ValueError, KeyError, TypeError) as e:
        return dict(record, status=f"failed (exit {rc}, output unreadable: {e})")
    return dict(record, status="ok", diagnostics=total, **score(found, manifest))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    ap.add_argument("--awaitfix", type=Path, required=True)
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--scratch", type=Path, default=None, help="outputs of the tools (default: CORPUS/../scratch/project)")
    ap.add_argument("--cpu-limit", type=int, default=900, help="CPU seconds per process (default 900)")
    ap.add_argument("--timeout", type=int, default=3600, help="wall seconds per command (default 3600)")
    ap.add_argument("--repeat", type=int, default=3, help="runs of awaitfix (the median wall one is kept)")
    ap.add_argument("--tools", default="awaitfix,pyrefly,ty,pyright")
    args = ap.parse_args()
    args.corpus = args.corpus.resolve()
    args.awaitfix = args.awaitfix.resolve()
    manifest = json.loads((args.corpus / "project.json").read_text())
    manifest["roots_from_corpus"] = [f"project/{r}" for r in manifest["roots"]]
    args.scratch = (args.scratch or args.corpus.parent / "scratch" / "project").resolve()
    args.scratch.mkdir(parents=True, exist_ok=True)
    empty_venv = args.scratch / "empty-venv"
    if not (empty_venv / "bin" / "python").exists():
        subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(empty_venv)], check=True)

    results = []
    for tool in args.tools.split(","):
        print(f"project_peers: {tool} ...", flush=True)
        result = run_tool(tool, args, manifest, empty_venv)
        results.append(result)
        if result["status"] == "ok":
            print(f"  found {result['found']}/{result['planted']}, false {result['false']}, other {result['other']}, "
                  f"wall {result['wall_s']:.2f} s, CPU {result['cpu_s']:.2f} s, "
                  f"peak RSS {result['max_rss_kb'] / 1024:.0f} MiB", flush=True)
        else:
            print(f"  {result['status']}", flush=True)
    out = {"packages": manifest["packages"], "corpus_files": manifest["corpus_files"],
           "corpus_lines": manifest["corpus_lines"], "sites": len(manifest["sites"]), "decoys": len(manifest["decoys"]), "sites_by_kind": manifest["sites_by_kind"],
           "decoys_by_kind": manifest["decoys_by_kind"], "runtime_checked": manifest["runtime_checked"],
           "timeout_s": args.timeout, "cpu_limit_s": args.cpu_limit, "repeat": args.repeat, "results": results}
    args.out.write_text(json.dumps(out, indent=1) + "\n")
    print(f"project_peers: wrote {args.out}")


if __name__ == "__main__":
    main()
