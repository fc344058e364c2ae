#!/usr/bin/env python3
"""Build the clean benchmark corpus: the .py files of pinned PyPI releases, as shipped.

Reads a package list (`name version kind` per line, `#` starts a comment):
  sdist  ->  pip download --no-deps --no-binary :all: name==version
  wheel  ->  pip download --no-deps --only-binary :all: --python-version 3.11
                          --platform manylinux_2_17_x86_64 --platform manylinux_2_28_x86_64
                          name==version
Archives are kept in a cache folder (downloaded once), and every `.py` member is extracted,
byte for byte and under its path in the archive, to CORPUS/clean/<package>/<member path>.
Prints the file, line and byte counts and writes them to CORPUS/clean.json.

Standard library only.
"""

import argparse
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path, PurePosixPath

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_PACKAGES = REPO_ROOT.parent / "shared" / "bench" / "packages.txt"
DEFAULT_DATA = Path(os.environ.get("BENCH_DATA", "/work/bench-data"))
ARCHIVE_SUFFIXES = (".tar.gz", ".tgz", ".tar.bz2", ".tar.xz", ".tar", ".zip", ".whl")


def parse_packages(path):
    packages = []
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        fields = line.split()
        if len(fields) != 3 or fields[2] not in ("sdist", "wheel"):
            sys.exit(f"{path}:{number}: expected `name version sdist|wheel`, got {raw!r}")
        packages.append(tuple(fields))
    if not packages:
        sys.exit(f"{path}: no packages")
    return packages


def pip_command(name, version, kind, dest):
    cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "--disable-pip-version-check",
           "-q", "-d", str(dest)]
    if kind == "sdist":
        cmd += ["--no-binary", ":all:"]
    else:
        # numpy and scipy ship their cp311 wheels tagged manylinux_2_27/2_28 only, and pip takes a
        # --platform as "this glibc or older": manylinux_2_17 alone would not find them.
        cmd += ["--only-binary", ":all:", "--python-version", "3.11",
                "--platform", "manylinux_2_17_x86_64", "--platform", "manylinux_2_28_x86_64"]
    return cmd + [f"{name}=={version}"]


def archives_in(folder):
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.is_file() and p.name.endswith(ARCHIVE_SUFFIXES))


def fetch(name, version, kind, cache):
    """The cached archive of one release, downloading it first when missing."""
    folder = cache / f"{name}-{version}-{kind}"
    found = archives_in(folder)
    if len(found) != 1:
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        print(f"  downloading {name}=={version} ({kind})", flush=True)
        result = subprocess.run(pip_command(name, version, kind, folder),
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        if result.returncode != 0:
            shutil.rmtree(folder, ignore_errors=True)
            sys.exit(f"pip download {name}=={version} failed:\n{result.stdout}")
        found = archives_in(folder)
        if len(found) != 1:
            sys.exit(f"pip download {name}=={version}: expected one archive in {folder}, got {found}")
    return found[0]


def safe_member(name):
    """The member path as a relative POSIX path, or None if it would leave the package folder."""
    path = PurePosixPath(name)
    if path.is_absolute() or any(part in ("..", "") for part in path.parts) or not path.parts:
        return None
    return path


def py_members(archive):
    """Yields (member path, bytes) for every regular .py file of the archive, in archive order."""
    if archive.name.endswith((".zip", ".whl")):
        with zipfile.ZipFile(archive) as zf:
            for info in zf.infolist():
                if not info.is_dir() and info.filename.endswith(".py"):
                    yield info.filename, zf.read(info)
    else:
        with tarfile.open(archive) as tf:
            for member in tf:
                if member.isfile() and member.name.endswith(".py"):
                    yield member.name, tf.extractfile(member).read()


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("packages", nargs="?", type=Path, default=DEFAULT_PACKAGES,
                    help=f"package list (default: {DEFAULT_PACKAGES})")
    ap.add_argument("--cache", type=Path, default=Path(os.environ.get("BENCH_CACHE", DEFAULT_DATA / "cache")),
                    help="download cache (default: $BENCH_CACHE or /work/bench-data/cache)")
    ap.add_argument("--corpus", type=Path, default=Path(os.environ.get("BENCH_CORPUS", DEFAULT_DATA / "corpus")),
                    help="corpus root; clean/ is written inside (default: $BENCH_CORPUS or /work/bench-data/corpus)")
    args = ap.parse_args()

    if not args.packages.is_file():
        sys.exit(f"package list not found: {args.packages}")
    packages = parse_packages(args.packages)
    args.cache.mkdir(parents=True, exist_ok=True)
    clean = args.corpus / "clean"
    if clean.exists():
        shutil.rmtree(clean)
    clean.mkdir(parents=True)

    print(f"corpus: {len(packages)} packages from {args.packages}", flush=True)
    rows, totals = [], {"files": 0, "lines": 0, "bytes": 0}
    for name, version, kind in packages:
        archive = fetch(name, version, kind, args.cache)
        sha256 = hashlib.sha256(archive.read_bytes()).hexdigest()
        dest_root = clean / name
        files = lines = size = skipped = 0
        for member, data in py_members(archive):
            rel = safe_member(member)
            target = dest_root / rel if rel else None
            if rel is None or target.exists():
                skipped += 1  # unsafe path, or a duplicate member: the first one wins
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
            files += 1
            lines += data.count(b"\n")
            size += len(data)
        row = {"package": name, "version": version, "kind": kind, "archive": archive.name,
               "sha256": sha256, "files": files, "lines": lines, "bytes": size, "skipped": skipped}
        rows.append(row)
        for key in totals:
            totals[key] += row[key]
        print(f"  {name:<12} {version:<10} {kind:<5} {files:>6} files {lines:>9} lines {size:>11} bytes"
              + (f"  ({skipped} members skipped)" if skipped else ""), flush=True)

    print(f"corpus: {totals['files']} files, {totals['lines']} lines, {totals['bytes']} bytes "
          f"({totals['bytes'] / 1e6:.1f} MB) in {clean}")
    (args.corpus / "clean.json").write_text(json.dumps({"packages": rows, "total": totals}, indent=2) + "\n")


if __name__ == "__main__":
    main()
