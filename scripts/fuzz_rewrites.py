#!/usr/bin/env python3
"""Rewrite fuzzer: plants pair calls in real Python files and checks what `awaitfix apply` makes of them.

Each mutant is a real file (default: CPython's standard library; or the folders given) that gains
`from ws import get_websocket_manager, get_websocket_manager_async` and one to three planted snippets inside
its async functions: an expression replaced by `await F(ctx)`, `F(ctx)`, `await F_async(ctx)`,
`(await F(ctx)).ctx`, `await F(ctx).connect()` or a multi-line call (arguments, subscripts, conditions,
comprehensions, f-strings, lambdas, return/yield, chained attributes, operators, decorators and defaults of
nested functions), or a statement `F_async(ctx)` or `m = await F(ctx)` inserted before a statement. Only
mutants CPython compiles are kept. Mutants are written in batches and `awaitfix apply` runs once per batch
and mode (`--prefer sync`, `--prefer async`).

The oracle (see `expected`) derives, from the mutant's own AST, what each mode must produce, and requires:
the result compiles; its AST equals the expected AST (the `ws` import aside, which must import exactly the
pair names the result uses, or more of the pair); a second `apply` changes nothing; `apply` refuses no
mutant of a file it accepts unchanged.

Sites of shapes that are known to be handled wrongly today are classified by `PENDING` (empty today);
`--strict` (the bounded run of the test suite) leaves their failures out of the verdict but fails if a
pending class occurred and never failed, so that its entry is removed once fixed.

    scripts/fuzz_rewrites.py --count 300 --seed 1 --strict
    scripts/fuzz_rewrites.py --count 100000 --seed 7 --awaitfix target/release/awaitfix --keep /tmp/fails DIR
"""
import argparse
import ast
import os
import random
import shutil
import subprocess
import sys
import sysconfig
import tempfile
import time
from collections import Counter

import fuzz_oracle as oracle
from fuzz_mutate import SYNC, mutate

# The largest file used: bigger files cost more to parse for no new shape.
MAX_BYTES = 400_000


def python_files(roots):
    for root in roots:
        for folder, dirs, files in os.walk(root):
            dirs[:] = sorted(d for d in dirs if d not in ("site-packages", "__pycache__"))
            for name in sorted(files):
                if name.endswith(".py"):
                    yield os.path.join(folder, name)


def load_pool(roots):
    """Files with an async function that CPython compiles and that never spell a pair name."""
    pool = []
    for path in python_files(roots):
        try:
            if os.path.getsize(path) > MAX_BYTES:
                continue
            with open(path, "rb") as f:
                data = f.read()
            if b"async def" not in data or SYNC.encode() in data:
                continue
            text = data.decode("utf-8")
            if "\r" in text:
                continue
            compile(text, path, "exec", dont_inherit=True)
        except (OSError, UnicodeDecodeError, SyntaxError, ValueError):
            continue
        pool.append(path)
    return pool


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("roots", nargs="*", help="folders of real Python files (default: the stdlib)")
    parser.add_argument("--count", type=int, default=300, help="mutants to try")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--batch", type=int, default=250, help="mutants per awaitfix run")
    parser.add_argument("--awaitfix", default=None, help="the binary (default: target/release, else debug)")
    parser.add_argument("--keep", default=None, help="write each failing mutant and its results here")
    parser.add_argument("--strict", action="store_true", help="exit 1 on a failure outside PENDING classes")
    args = parser.parse_args()

    binary = args.awaitfix or default_binary()
    roots = args.roots or [sysconfig.get_paths()["stdlib"]]
    pool = load_pool(roots)
    if not pool:
        sys.exit(f"no usable Python file with an async function under {roots}")
    rng = random.Random(args.seed)
    runner = Runner(binary, args.keep)
    started = time.monotonic()
    tried = 0
    while tried < args.count:
        batch = []
        attempts = 0
        while len(batch) < min(args.batch, args.count - tried) and attempts < 50 * args.batch:
            attempts += 1
            mutant = mutate(rng, rng.choice(pool))
            if mutant is not None:
                batch.append(mutant)
        if not batch:
            sys.exit("no mutant could be made")
        runner.run_batch(batch)
        tried += len(batch)
        print(f"{tried} mutants, {sum(runner.failures.values())} failures, "
              f"{time.monotonic() - started:.0f} s", file=sys.stderr, flush=True)
    report(runner, tried, len(pool), time.monotonic() - started)
    if args.strict:
        sys.exit(strict_verdict(runner))


def default_binary():
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    for profile in ("release", "debug"):
        path = os.path.join(root, "target", profile, "awaitfix")
        if os.path.exists(path):
            return path
    sys.exit("no awaitfix binary: build it or pass --awaitfix")


class Runner:
    """Writes batches of mutants, runs `awaitfix apply` on them in both modes, and judges each result."""

    def __init__(self, binary, keep):
        self.binary, self.keep = binary, keep
        self.sites = 0
        self.failures = Counter()  # (pending class or None, why) -> mutants
        self.pending_seen = Counter()
        self.pending_failed = set()  # pending classes of the mutants that failed
        self.refused_originals = {}
        self.kept = 0

    def apply(self, folder, mode):
        prefer = ["--prefer", "async"] if mode == "async" else []
        run = subprocess.run([self.binary, "apply", "-q", "--no-progress", *prefer, folder],
                             capture_output=True, text=True)
        if run.returncode not in (0, 1, 2):
            raise SystemExit(f"awaitfix apply failed ({run.returncode}): {run.stderr}")
        refused = {}
        for line in run.stderr.splitlines():
            if line.startswith("error: "):
                path = line[len("error: "):].split(":", 1)[0]
                refused[os.path.basename(path)] = line
        return refused

    def run_batch(self, batch):
        with tempfile.TemporaryDirectory(prefix="awaitfix-fuzz-") as root:
            folders = {mode: os.path.join(root, mode) for mode in ("sync", "async")}
            names = [f"m{i:05}.py" for i in range(len(batch))]
            for folder in folders.values():
                os.mkdir(folder)
                for name, mutant in zip(names, batch):
                    with open(os.path.join(folder, name), "w", encoding="utf-8", newline="") as f:
                        f.write(mutant.text)
            refused = {mode: self.apply(folder, mode) for mode, folder in folders.items()}
            results = {mode: {n: read(os.path.join(f, n)) for n in names} for mode, f in folders.items()}
            for mode, folder in folders.items():
                self.apply(folder, mode)
            for i, (name, mutant) in enumerate(zip(names, batch)):
                again = {mode: read(os.path.join(folders[mode], name)) for mode in folders}
                self.judge(mutant, {m: results[m][name] for m in folders}, again,
                           {m: refused[m].get(name) for m in folders})

    def judge(self, mutant, results, again, refused):
        tree = ast.parse(mutant.text)
        expected, pending = oracle.expected(tree, mutant.text)
        self.sites += mutant.text.count("await " + SYNC) + mutant.text.count(SYNC + "(")
        for cls in pending:
            self.pending_seen[cls] += 1
        problems = []
        for mode in ("sync", "async"):
            problem = self.problem(mutant, mode, expected[mode], results[mode], again[mode], refused[mode])
            if problem:
                problems.append(f"{mode}: {problem}")
        if not problems:
            return
        cls = min(pending) if pending else None
        self.pending_failed |= pending
        for why in problems:
            self.failures[(cls, why.split(" | ")[0])] += 1
        self.keep_failure(mutant, results, problems, cls)

    def problem(self, mutant, mode, expected, result, again, refused):
        if refused:
            if self.original_refused(mutant.origin):
                return "refused, and so is the file without the planted sites"
            return "refused | " + refused
        try:
            tree = ast.parse(result)
            compile(result, "result", "exec", dont_inherit=True)
        except SyntaxError as error:
            return f"the result does not compile | {error}"
        dump, names = oracle.dump_without_import(tree)
        if dump != expected:
            return "AST differs from the expected rewrite"
        why = oracle.import_problem(ast.parse(result), names)
        if why:
            return "import | " + why
        if again != result:
            return "a second apply changed the result"
        return None

    def original_refused(self, origin):
        if origin not in self.refused_originals:
            with tempfile.TemporaryDirectory(prefix="awaitfix-fuzz-") as folder:
                with open(origin, encoding="utf-8") as f:
                    text = f.read()
                with open(os.path.join(folder, "m.py"), "w", encoding="utf-8", newline="") as f:
                    f.write(text + f"\n_ = {SYNC}\n")
                self.refused_originals[origin] = bool(self.apply(folder, "sync"))
        return self.refused_originals[origin]

    def keep_failure(self, mutant, results, problems, cls):
        if not self.keep:
            return
        self.kept += 1
        base = os.path.join(self.keep, f"{cls or 'new'}-{self.kept:05}")
        os.makedirs(self.keep, exist_ok=True)
        with open(base + ".py", "w", encoding="utf-8", newline="") as f:
            f.write(mutant.text)
        for mode, text in results.items():
            with open(f"{base}.{mode}.py", "w", encoding="utf-8", newline="") as f:
                f.write(text)
        with open(base + ".txt", "w", encoding="utf-8") as f:
            f.write(f"origin: {mutant.origin}\n" + "\n".join(problems) + "\n")


def read(path):
    with open(path, encoding="utf-8", newline="") as f:
        return f.read()


def report(runner, tried, files, seconds):
    print(f"{tried} mutants from {files} files in {seconds:.0f} s: {runner.sites} planted sites, "
          f"{sum(runner.failures.values())} failures")
    for (cls, why), n in sorted(runner.failures.items()):
        print(f"  {n:6}  {cls or 'new'}: {why}")
    for cls, n in sorted(runner.pending_seen.items()):
        print(f"  pending class {cls} ({oracle.PENDING[cls]}): {n} mutants")


def strict_verdict(runner):
    new = [why for (cls, why) in runner.failures if cls is None]
    stale = [cls for cls in runner.pending_seen if cls not in runner.pending_failed]
    for cls in stale:
        print(f"pending class {cls} occurred and never failed: remove it from PENDING")
    return 1 if new or stale else 0


if __name__ == "__main__":
    main()
