#!/usr/bin/env python3
"""Make CORPUS/worst/: the clean corpus with a line naming `get_websocket_manager` appended to EVERY file.

awaitfix does not parse files whose bytes never mention a transform's names, nor files that mention them
only on comment lines. The appended line is code (`_awaitfix_worst_case = "get_websocket_manager"`, which
binds nothing the tools look at), so awaitfix can skip no file: `check` parses the statement that names it,
`diff` parses every file whole. It stands on a line of its own
(after a newline if the file does not end with one). Standard library only.
"""

import argparse
import os
import shutil
import sys
from pathlib import Path

DEFAULT_CORPUS = Path(os.environ.get("BENCH_CORPUS", "/work/bench-data/corpus"))
COMMENT = b'_awaitfix_worst_case = "get_websocket_manager"'


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS,
                    help="corpus root holding clean/ (default: $BENCH_CORPUS or /work/bench-data/corpus)")
    args = ap.parse_args()
    clean, worst = args.corpus / "clean", args.corpus / "worst"
    if not clean.is_dir():
        sys.exit(f"{clean}: not found; run build_corpus.py first")
    if worst.exists():
        shutil.rmtree(worst)
    count = size = 0
    for src in sorted(p for p in clean.rglob("*.py") if p.is_file()):
        data = src.read_bytes()
        eol = b"\r\n" if b"\r\n" in data else b"\n"
        if data and not data.endswith((b"\n", b"\r")):
            data += eol
        data += COMMENT + eol
        dest = worst / src.relative_to(clean)
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_bytes(data)
        count += 1
        size += len(data)
    print(f"worst: {count} files ({size / 1e6:.1f} MB), each ending in `{COMMENT.decode()}`")


if __name__ == "__main__":
    main()
