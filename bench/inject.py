#!/usr/bin/env python3
"""Plant awaited `get_websocket_manager(...)` sites into a copy of the clean corpus.

From CORPUS/clean/ this writes, deterministically (sorted file lists, one seeded RNG):
  CORPUS/injected/  the corpus with sites planted
  CORPUS/expected/  the same tree with `await ` removed from exactly the planted lines,
                    i.e. what `awaitfix apply` must turn injected/ into
  CORPUS/manifest.json  counts of files and sites, and every planted site

Which files: every file that contains an `async def` with an eligible body (about 10% of
the corpus: ~850 files). Files that are not UTF-8 or that python's `ast` cannot parse are
left alone, as are files under hidden paths (`.x/`, `.x.py`), which awaitfix, rg, ruff and
ast-grep all skip by default.

Which sites: EVERY `async def` of a chosen file gets one site, as the first statement after
its docstring (if any), indented like the body's first statement (its col_offset):
  70%  manager = await get_websocket_manager(user_context=None)
  20%  manager = await get_websocket_manager(
           user_context=None,
       )
  10%  self._awf_manager = await get_websocket_manager()   (methods whose first parameter is self)
       await get_websocket_manager()                       (other functions)
An async def whose body starts on the line of its colon (`async def f(): ...`) is skipped.
Half of the chosen files (every other one in sorted order) also gain
  from app.websocket_core.websocket_manager import get_websocket_manager
after the module docstring and `from __future__` imports.

Every written injected/expected file is re-parsed with `ast` (and compiled, when the clean
file compiled); a file that fails is left clean and counted. Every other file is copied byte
for byte. Standard library only.
"""

import argparse
import ast
import json
import os
import random
import shutil
import sys
import warnings
from pathlib import Path

SEED = 20240917
DEFAULT_CORPUS = Path(os.environ.get("BENCH_CORPUS", "/work/bench-data/corpus"))
IMPORT_LINE = b"from app.websocket_core.websocket_manager import get_websocket_manager"
KINDS = ("single", "multi", "self", "bare")


def site_lines(kind, indent, eol):
    """(injected lines, expected lines) of one site, each line ending in `eol`."""
    if kind == "single":
        injected = [b"manager = await get_websocket_manager(user_context=None)"]
    elif kind == "multi":
        injected = [b"manager = await get_websocket_manager(", b"    user_context=None,", b")"]
    elif kind == "self":
        injected = [b"self._awf_manager = await get_websocket_manager()"]
    else:
        injected = [b"await get_websocket_manager()"]
    expected = [line.replace(b"await ", b"", 1) if b"await " in line else line for line in injected]
    # Only the first line carries the await; continuation lines are the same on both sides.
    return ([indent + line + eol for line in injected], [indent + line + eol for line in expected])


def is_hidden(rel):
    return any(part.startswith(".") for part in rel.parts)


def first_line(stmt):
    """The first line of a statement, counting its decorators."""
    return min([stmt.lineno] + [d.lineno for d in getattr(stmt, "decorator_list", [])])


def is_docstring(stmt):
    return (isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant)
            and isinstance(stmt.value.value, str))


def has_self(fn):
    params = fn.args.posonlyargs + fn.args.args
    return bool(params) and params[0].arg == "self"


def line_eol(line):
    for eol in (b"\r\n", b"\n", b"\r"):
        if line.endswith(eol):
            return eol
    return b""


def only_blank_before(line, col):
    return line[:col].strip(b" \t\f") == b""


def compiles(source):
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            compile(source, "<bench>", "exec", dont_inherit=True)
        return True
    except (SyntaxError, ValueError):
        return False


def parses(source):
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ast.parse(source)
        return True
    except (SyntaxError, ValueError):
        return False


def plan_sites(tree, lines, rng):
    """Insertions for every eligible async def: [(before line index, kind, indent)], and the skip count."""
    plans, skipped = [], 0
    fns = [n for n in ast.walk(tree) if isinstance(n, ast.AsyncFunctionDef)]
    fns.sort(key=lambda n: (n.lineno, n.col_offset))
    for fn in fns:
        body = fn.body
        anchor = body[0]
        if is_docstring(anchor):
            if len(body) > 1 and first_line(body[1]) == anchor.end_lineno:
                skipped += 1  # `"""doc"""; x = 1`
                continue
            before = anchor.end_lineno  # 0-based index of the line after the docstring
            if line_eol(lines[anchor.end_lineno - 1]) and lines[anchor.end_lineno - 1].rstrip(b"\r\n").endswith(b"\\"):
                skipped += 1
                continue
        else:
            before = first_line(anchor) - 1
        start = lines[anchor.lineno - 1]
        if not only_blank_before(start, anchor.col_offset):
            skipped += 1  # body on the line of the colon
            continue
        indent = start[:anchor.col_offset]
        r = rng.random()
        kind = "single" if r < 0.7 else "multi" if r < 0.9 else ("self" if has_self(fn) else "bare")
        plans.append((before, kind, indent, fn.lineno))
    return plans, skipped


def import_position(tree, lines):
    """0-based line index before which the import goes, or None if there is no clean spot."""
    body = tree.body
    i = 0
    if body and is_docstring(body[0]):
        i = 1
    while i < len(body) and isinstance(body[i], ast.ImportFrom) and body[i].module == "__future__":
        i += 1
    if i == 0:
        return first_line(body[0]) - 1 if body else None
    last = body[i - 1]
    if i < len(body) and first_line(body[i]) == last.end_lineno:
        return None
    if lines[last.end_lineno - 1].rstrip(b"\r\n").endswith(b"\\"):
        return None
    return last.end_lineno


def inject_file(data, rng, want_import):
    """(injected bytes, expected bytes, sites, info) or None if the file has nothing to plant."""
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return None, "not-utf8"
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            tree = ast.parse(data)
    except (SyntaxError, ValueError):
        return None, "ast-error"
    if not any(isinstance(n, ast.AsyncFunctionDef) for n in ast.walk(tree)):
        return None, "no-async-def"
    lines = data.splitlines(keepends=True)
    plans, skipped_defs = plan_sites(tree, lines, rng)
    if not plans:
        return None, "no-eligible-async-def"
    default_eol = next((line_eol(l) for l in lines if line_eol(l)), b"\n")

    inserts = []  # (before line index, order, injected lines, expected lines)
    sites = []
    for before, kind, indent, def_line in plans:
        anchor = lines[before] if before < len(lines) else b""
        eol = line_eol(anchor) or default_eol
        inj, exp = site_lines(kind, indent, eol)
        inserts.append((before, 1, inj, exp))
        sites.append({"kind": kind, "def_line": def_line, "before": before})
    imported = False
    if want_import:
        pos = import_position(tree, lines)
        if pos is not None:
            anchor = lines[pos] if pos < len(lines) else b""
            line = IMPORT_LINE + (line_eol(anchor) or default_eol)
            inserts.append((pos, 0, [line], [line]))
            imported = True

    out_inj, out_exp = list(lines), list(lines)
    if out_inj and not line_eol(out_inj[-1]) and any(pos >= len(lines) for pos, *_ in inserts):
        out_inj[-1] += default_eol  # something goes after a last line without a newline
        out_exp[-1] += default_eol
    # Insert from the bottom up so that line indexes stay valid; at one line, the import first.
    for before, order, inj, exp in sorted(inserts, key=lambda t: (t[0], t[1]), reverse=True):
        out_inj[before:before] = inj
        out_exp[before:before] = exp

    # Record the final 1-based line of every site in injected/ (same in expected/).
    shift = 0
    by_line = sorted(inserts, key=lambda t: (t[0], t[1]))
    final = {}
    for before, order, inj, exp in by_line:
        final[(before, order)] = before + shift + 1
        shift += len(inj)
    for site in sites:
        site["line"] = final[(site["before"], 1)]
        del site["before"]
    info = {"skipped_defs": skipped_defs, "import": imported}
    return (b"".join(out_inj), b"".join(out_exp), sites, info), None


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS,
                    help="corpus root holding clean/ (default: $BENCH_CORPUS or /work/bench-data/corpus)")
    ap.add_argument("--seed", type=int, default=SEED)
    args = ap.parse_args()

    clean = args.corpus / "clean"
    if not clean.is_dir():
        sys.exit(f"{clean}: not found; run build_corpus.py first")
    injected_root, expected_root = args.corpus / "injected", args.corpus / "expected"
    for root in (injected_root, expected_root):
        if root.exists():
            shutil.rmtree(root)

    rng = random.Random(args.seed)
    files = sorted(p.relative_to(clean) for p in clean.rglob("*.py") if p.is_file())
    reasons, per_kind = {}, dict.fromkeys(KINDS, 0)
    manifest_files = []
    candidates = 0
    total_sites = skipped_defs = imports = 0
    for rel in files:
        src = clean / rel
        result = None
        data = src.read_bytes()
        if b"async def" in data and not is_hidden(rel):
            candidates += 1
            result, reason = inject_file(data, rng, want_import=(candidates % 2 == 1))
            if result is not None:
                inj, exp, sites, info = result
                ok = parses(inj) and parses(exp)
                if ok and compiles(data):
                    ok = compiles(inj) and compiles(exp)
                if ok and inj.count(b"await get_websocket_manager(") != len(sites):
                    ok = False
                if not ok:
                    result, reason = None, "fails-after-injection"
            if reason:
                reasons[reason] = reasons.get(reason, 0) + 1
        for root in (injected_root, expected_root):
            (root / rel).parent.mkdir(parents=True, exist_ok=True)
        if result is None:
            shutil.copyfile(src, injected_root / rel)
            shutil.copyfile(src, expected_root / rel)
            continue
        (injected_root / rel).write_bytes(inj)
        (expected_root / rel).write_bytes(exp)
        total_sites += len(sites)
        skipped_defs += info["skipped_defs"]
        imports += info["import"]
        for s in sites:
            per_kind[s["kind"]] += 1
        manifest_files.append({"path": rel.as_posix(), "sites": sites, "import": info["import"],
                               "skipped_defs": info["skipped_defs"]})

    manifest = {
        "seed": args.seed,
        "corpus_files": len(files),
        "files_injected": len(manifest_files),
        "files_with_import": imports,
        "sites": total_sites,
        "sites_by_kind": per_kind,
        "async_defs_skipped_same_line": skipped_defs,
        "files_not_injected": reasons,
        "files": manifest_files,
    }
    (args.corpus / "manifest.json").write_text(json.dumps(manifest, indent=1) + "\n")
    print(f"inject: {len(manifest_files)} of {len(files)} files ({100 * len(manifest_files) / len(files):.1f}%), "
          f"{total_sites} sites {per_kind}, {imports} files with the import, "
          f"{skipped_defs} one-line async defs skipped; not injected: {reasons}")


if __name__ == "__main__":
    main()
