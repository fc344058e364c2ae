#!/usr/bin/env python3
"""Plant project-wide AWF005 sites (awaited sync functions, across modules) into a copy of the clean corpus.

From CORPUS/clean/ this writes, deterministically (sorted lists, one seeded RNG):
  CORPUS/project/               the corpus (or the distributions named by --packages), plus planted
                                modules and re-export lines (below)
  CORPUS/project.json           the manifest: import roots, every planted site and every decoy
                                (path relative to the corpus root, line of the `await`, kind)
  CORPUS/project/awaitfix.yaml  and CORPUS/project/pyrightconfig.json: the import roots, for awaitfix
                                and pyright (the other type checkers get them as flags)

Each distribution of the tree (12 in the whole corpus) gets one host: a package under its import root whose
`__init__.py` is trivial (docstrings, constants: no import, no call), chosen with the RNG (a new
package `<top>/awf_planted/` where there is none). The host gains
`awf_planted_defs.py` (sync functions, an `@asynccontextmanager` function, decoys) and two re-export lines
at the end of its `__init__.py`. The host of the next distribution gains `awf_planted_use_<i>.py`, whose
async functions await them:
  sites (each raises `TypeError: object ... can't be used in 'await' expression` at run time):
    reexport             `await f(...)`, `from host import f` (re-exported by the host's `__init__`)
    import_as            `await alias(...)`, `from host.awf_planted_defs import f as alias`
    assign_alias         `await g(...)`, `g = f` in the defining module, `from ... import g`
    module_alias         `await m.f(...)`, `import host.awf_planted_defs as m`
    asynccontextmanager  `await f()` of an `async def` under `@contextlib.asynccontextmanager`
    redefined            `await f(...)` where the module defines `async def f`, then `def f`
  decoys (awaiting them works):
    coroutine_return (re-exported), future_return, unknown_call (a dict lookup), decorated (a decorator
    that returns an async function), types_coroutine, async_def, async_def_module_alias, redefined_async
    (`def f`, then `async def f`), outside_tree (`asyncio.sleep` imported as an alias, `asyncio.wait_for`)
    and `async with` on the `@asynccontextmanager` function
Each kind is planted twice per host: in a module-level async def and in an async method. Half of the
target functions carry a return annotation, half do not (a type checker may not infer the other half).

Then every planted module is re-parsed, and a generated runner imports the planted modules with python3
(`-I`, the import roots on sys.path, each package above a planted module replaced by an empty stand-in
unless it is a host, so no corpus dependency is needed) and runs each site and decoy under asyncio:
every site must raise that TypeError, every decoy must finish. Exit 1 if one does not. Standard library only.
"""

import argparse
import ast
import json
import os
import random
import shutil
import subprocess
import sys
from pathlib import Path

SEED = 20261201
DEFAULT_CORPUS = Path(os.environ.get("BENCH_CORPUS", "/work/bench-data/corpus"))
TYPE_ERROR = "can't be used in 'await' expression"
DEFS = "awf_planted_defs"
HEADER = '"""Planted by bench/plant_project.py ({}); see bench/README.md."""\n'


def import_root(dist):
    """(folder on sys.path, top package name) of a distribution folder of clean/, or None."""
    want = dist.name.lower()
    for depth in range(4):
        for init in sorted(dist.glob("/".join(["*"] * depth + [want, "__init__.py"]))):
            return init.parent.parent, want
    return None


def trivial_init(path):
    """Whether an `__init__.py` only holds docstrings, `pass` and constant assignments."""
    try:
        tree = ast.parse(path.read_bytes())
    except (SyntaxError, ValueError):
        return False
    for stmt in tree.body:
        if isinstance(stmt, ast.Pass):
            continue
        value = stmt.value if isinstance(stmt, (ast.Expr, ast.Assign, ast.AnnAssign)) else None
        if value is None or not all(isinstance(n, (ast.Constant, ast.List, ast.Tuple, ast.Load, ast.Name,
                                                   ast.Store, ast.Expr, ast.Assign, ast.AnnAssign))
                                    for n in ast.walk(stmt)):
            return False
    return True


def pick_host(root, top, rng):
    """A package under `top` with a trivial `__init__.py`, outside tests and hidden folders; else a new
    package `top.awf_planted` (SQLAlchemy has no trivial `__init__.py`)."""
    candidates = []
    for init in sorted((root / top).rglob("__init__.py")):
        rel = init.parent.relative_to(root)
        if any(p.startswith(".") or "test" in p or not p.isidentifier() for p in rel.parts):
            continue
        if trivial_init(init):
            candidates.append(rel)
    if candidates:
        return rng.choice(candidates)
    host = Path(top, "awf_planted")
    (root / host).mkdir()
    (root / host / "__init__.py").write_text(HEADER.format("a new package, for the re-exports"))
    return host


def defs_module(i, host, annotate_scope):
    """Source of `awf_planted_defs.py` of host `i`."""
    scope_ret = " -> AsyncIterator[dict]" if annotate_scope else ""
    return HEADER.format(f"synchronous functions awaited from another module, and decoys; host {host}") + f'''
import asyncio
import contextlib
import types
from typing import AsyncIterator


def awf_open_session_{i}(user=None):
    return {{"user": user, "host": "{host}"}}


def awf_build_context_{i}(user: object = None) -> dict:
    return {{"user": user}}


def awf_load_settings_{i}(name="default"):
    settings = {{"name": name}}
    return settings


awf_settings_alias_{i} = awf_load_settings_{i}


def awf_connect_{i}(dsn: str = "") -> list:
    return [dsn]


@contextlib.asynccontextmanager
async def awf_session_scope_{i}(){scope_ret}:
    yield {{"scope": {i}}}


async def awf_fetch_user_{i}(user_id=0):
    return {{"id": user_id}}


def awf_fetch_user_{i}(user_id=0):
    return {{"id": user_id}}


async def awf_async_fetch_{i}(key=""):
    return {{"key": key}}


def awf_coroutine_factory_{i}(key=""):
    return awf_async_fetch_{i}(key)


def awf_future_factory_{i}(value=None):
    future = asyncio.get_running_loop().create_future()
    future.set_result(value)
    return future


_AWF_FACTORIES_{i} = {{"fetch": awf_async_fetch_{i}}}


def awf_dynamic_factory_{i}(name="fetch"):
    return _AWF_FACTORIES_{i}[name]()


def awf_to_async_{i}(function):
    async def wrapper(*args, **kwargs):
        return function(*args, **kwargs)

    return wrapper


@awf_to_async_{i}
def awf_decorated_{i}(value=None):
    return {{"value": value}}


@types.coroutine
def awf_generator_coroutine_{i}(value=None):
    yield
    return value


def awf_refresh_{i}(token=""):
    return token


async def awf_refresh_{i}(token=""):
    return token
'''


# (kind, is a site, call of the awaited expression with `{i}` for the host index, annotated target)
AWAITS = [
    ("reexport", True, "awf_open_session_{i}(user='alice')", False),
    ("import_as", True, "awf_make_context_{i}('alice')", True),
    ("assign_alias", True, "awf_settings_alias_{i}(name='prod')", False),
    ("module_alias", True, "awf_defs_{i}.awf_connect_{i}('sqlite://')", True),
    ("asynccontextmanager", True, "awf_session_scope_{i}()", None),
    ("redefined", True, "awf_fetch_user_{i}(7)", False),
    ("coroutine_return", False, "awf_coroutine_factory_{i}('k')", None),
    ("future_return", False, "awf_future_factory_{i}(1)", None),
    ("unknown_call", False, "awf_dynamic_factory_{i}()", None),
    ("decorated", False, "awf_decorated_{i}(1)", None),
    ("types_coroutine", False, "awf_generator_coroutine_{i}(1)", None),
    ("async_def", False, "awf_async_fetch_{i}('k')", None),
    ("async_def_module_alias", False, "awf_defs_{i}.awf_async_fetch_{i}('k')", None),
    ("redefined_async", False, "awf_refresh_{i}('t')", None),
    ("outside_tree", False, "awf_sleep_{i}(0)", None),
    ("outside_tree", False, "asyncio.wait_for(awf_async_fetch_{i}('k'), 5)", None),
]


def use_module(i, host):
    """(source of `awf_planted_use_<i>.py`, [(line, kind, is a site, annotated, call)])."""
    defs = f"{host}.{DEFS}"
    lines = HEADER.format(f"awaits of host {host}'s functions").splitlines() + [
        "",
        "import asyncio",
        f"import {defs} as awf_defs_{i}",
        f"from asyncio import sleep as awf_sleep_{i}",
        f"from {host} import awf_coroutine_factory_{i}, awf_open_session_{i}",
        f"from {defs} import awf_build_context_{i} as awf_make_context_{i}",
        f"from {defs} import (",
        f"    awf_async_fetch_{i},",
        f"    awf_decorated_{i},",
        f"    awf_dynamic_factory_{i},",
        f"    awf_fetch_user_{i},",
        f"    awf_future_factory_{i},",
        f"    awf_generator_coroutine_{i},",
        f"    awf_refresh_{i},",
        f"    awf_session_scope_{i},",
        f"    awf_settings_alias_{i},",
        ")",
    ]
    awaits = []
    methods = []
    for n, (kind, site, call, annotated) in enumerate(AWAITS):
        call = call.format(i=i)
        lines += ["", "", f"async def awf_await_{n}():"]
        awaits.append((len(lines) + 1, kind, site, annotated, ["function", f"awf_await_{n}"]))
        lines += [f"    result = await {call}", "    return result"]
        methods.append((n, kind, site, annotated, call))
    lines += ["", "", f"class AwfClient{i}:"]
    for n, kind, site, annotated, call in methods:
        lines += [f"    async def await_{n}(self):"]
        awaits.append((len(lines) + 1, kind, site, annotated, ["method", f"AwfClient{i}", f"await_{n}"]))
        lines += [f"        self.result = await {call}", ""]
    lines += ["", f"async def awf_scope_used_right_{i}():", f"    async with awf_session_scope_{i}() as scope:"]
    awaits.append((len(lines), "async_with_contextmanager", False, None, ["function", f"awf_scope_used_right_{i}"]))
    lines += ["        return scope"]
    return "\n".join(lines) + "\n", awaits


def reexport_lines(i, eol):
    return (f"# Planted by bench/plant_project.py: re-exports for the awaits of awf_planted_use_*.py.{eol}"
            f"from .{DEFS} import awf_coroutine_factory_{i}, awf_open_session_{i}  # noqa: F401{eol}").encode()


def append_reexport(init, i):
    data = init.read_bytes()
    eol = "\r\n" if b"\r\n" in data else "\n"
    if data and not data.endswith((b"\n", b"\r")):
        data += eol.encode()
    init.write_bytes(data + reexport_lines(i, eol))


def copy_tree(clean, project, packages):
    """Copies the distributions `packages` (all when empty) of clean/ to project/; returns (files, lines)."""
    if project.exists():
        shutil.rmtree(project)
    project.mkdir()
    names = packages or sorted(p.name for p in clean.iterdir() if p.is_dir())
    for name in names:
        if not (clean / name).is_dir():
            sys.exit(f"plant_project: no distribution {name} in {clean}")
        shutil.copytree(clean / name, project / name)
    files = list(project.rglob("*.py"))
    return len(files), sum(f.read_bytes().count(b"\n") for f in files)


def plant(corpus, rng, packages):
    """Copies clean/ (or `packages` of it) to project/ and plants; returns the manifest."""
    clean, project = corpus / "clean", corpus / "project"
    files, lines = copy_tree(clean, project, packages)
    hosts = []
    for dist in sorted(p for p in project.iterdir() if p.is_dir()):
        found = import_root(dist)
        host = found and pick_host(found[0], found[1], rng)
        if host:
            hosts.append((found[0], host))
    roots = [root.relative_to(project).as_posix() for root, _ in hosts]
    sites, decoys, modules = [], [], []
    for i, (root, host) in enumerate(hosts):
        name = ".".join(host.parts)
        (root / host / f"{DEFS}.py").write_text(defs_module(i, name, annotate_scope=i % 2 == 0))
        append_reexport(root / host / "__init__.py", i)
        use_root, use_host = hosts[(i + 1) % len(hosts)]
        use_path = use_root / use_host / f"awf_planted_use_{i}.py"
        source, awaits = use_module(i, name)
        use_path.write_text(source)
        rel = use_path.relative_to(corpus).as_posix()
        module = ".".join(use_host.parts) + f".awf_planted_use_{i}"
        modules.append({"module": module, "root": use_root.relative_to(project).as_posix(), "path": rel})
        for line, kind, site, annotated, call in awaits:
            entry = {"path": rel, "line": line, "kind": kind, "module": module, "call": call}
            if site:
                sites.append(dict(entry, annotated=annotated))
            else:
                decoys.append(entry)
    return {"packages": sorted(p.name for p in project.iterdir()), "corpus_files": files, "corpus_lines": lines,
            "roots": roots, "hosts": [".".join(h.parts) for _, h in hosts], "modules": modules,
            "sites": sites, "decoys": decoys}


def write_configs(project, roots):
    """The import roots, as awaitfix and pyright read them from the tree's root."""
    (project / "awaitfix.yaml").write_text("# Import roots of the planted corpus (bench/plant_project.py).\nroots:\n"
                                           + "".join(f"  - {r}\n" for r in roots))
    (project / "pyrightconfig.json").write_text(json.dumps({
        "extraPaths": roots, "typeCheckingMode": "off", "reportGeneralTypeIssues": "error",
        "pythonVersion": "3.11"}, indent=1) + "\n")


# Run by python3 -I with the spec as argv[1]: imports each planted use module and awaits each entry.
RUNNER = r'''
import asyncio, importlib, json, sys, types
spec = json.loads(sys.argv[1])
sys.path[:0] = spec["roots"]
hosts = set(spec["hosts"])
for m in spec["modules"]:
    parts = m["module"].split(".")
    for k in range(1, len(parts)):
        name = ".".join(parts[:k])
        if name in sys.modules:
            continue
        if name in hosts:
            importlib.import_module(name)
            continue
        stub = types.ModuleType(name)
        stub.__path__ = [m["root"] + "/" + "/".join(parts[:k])]
        sys.modules[name] = stub
        if k > 1:
            setattr(sys.modules[".".join(parts[:k - 1])], parts[k - 1], stub)
results = []
for entry in spec["entries"]:
    module = importlib.import_module(entry["module"])
    call = entry["call"]
    target = getattr(module, call[1])
    if call[0] == "method":
        target = getattr(target(), call[2])
    try:
        asyncio.run(asyncio.wait_for(target(), 5))
        results.append(["ok", ""])
    except BaseException as e:
        results.append([type(e).__name__, str(e)])
print(json.dumps(results))
'''


def run_planted(corpus, manifest):
    """Runs every site and decoy with python3; returns the list of failures (empty when all behave)."""
    project = corpus / "project"
    entries = manifest["sites"] + manifest["decoys"]
    spec = {"roots": [str(project / r) for r in manifest["roots"]], "hosts": manifest["hosts"],
            "modules": [dict(m, root=str(project / m["root"])) for m in manifest["modules"]],
            "entries": [{"module": e["module"], "call": e["call"]} for e in entries]}
    proc = subprocess.run([sys.executable, "-I", "-c", RUNNER, json.dumps(spec)], capture_output=True, text=True,
                          timeout=300, cwd="/", check=False)
    if proc.returncode != 0:
        return [f"runner failed: {proc.stderr.strip()[-2000:]}"]
    failures = []
    for entry, (outcome, message) in zip(entries, json.loads(proc.stdout), strict=True):
        is_site = entry in manifest["sites"]
        ok = (outcome == "TypeError" and TYPE_ERROR in message) if is_site else outcome == "ok"
        if not ok:
            failures.append(f"{entry['path']}:{entry['line']} ({entry['kind']}, {'site' if is_site else 'decoy'}): "
                            f"{outcome} {message}")
    return failures


def count(entries):
    kinds = {}
    for e in entries:
        kinds[e["kind"]] = kinds.get(e["kind"], 0) + 1
    return kinds


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS,
                    help="corpus root holding clean/ (default: $BENCH_CORPUS or /work/bench-data/corpus)")
    ap.add_argument("--seed", type=int, default=SEED)
    ap.add_argument("--packages", default="",
                    help="comma-separated distribution folders of clean/ to copy (default: all)")
    args = ap.parse_args()
    if not (args.corpus / "clean").is_dir():
        sys.exit(f"{args.corpus / 'clean'}: not found; run build_corpus.py first")

    packages = [p for p in args.packages.split(",") if p]
    manifest = plant(args.corpus, random.Random(args.seed), packages)
    project = args.corpus / "project"
    write_configs(project, manifest["roots"])
    planted = {m["path"] for m in manifest["modules"]}
    planted |= {f"project/{r}/{h.replace('.', '/')}/{n}" for r, h in zip(manifest["roots"], manifest["hosts"])
                for n in (f"{DEFS}.py", "__init__.py")}
    for rel in sorted(planted):
        try:
            ast.parse((args.corpus / rel).read_bytes())
        except SyntaxError as e:
            sys.exit(f"plant_project: {rel} does not parse: {e}")
    failures = run_planted(args.corpus, manifest)
    manifest.update(seed=args.seed, sites_by_kind=count(manifest["sites"]), decoys_by_kind=count(manifest["decoys"]),
                    runtime_checked=not failures)
    (args.corpus / "project.json").write_text(json.dumps(manifest, indent=1) + "\n")
    print(f"plant_project: {manifest['corpus_files']} files, {manifest['corpus_lines']:,} lines "
          f"({', '.join(manifest['packages'])}); {len(manifest['sites'])} sites {manifest['sites_by_kind']}, "
          f"{len(manifest['decoys'])} decoys, in {len(manifest['modules'])} modules of {len(manifest['hosts'])} "
          f"hosts ({', '.join(manifest['hosts'])}); run with python3: "
          + ("every site raises TypeError, every decoy runs" if not failures else f"{len(failures)} FAILED"))
    for failure in failures:
        print(f"  {failure}", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
