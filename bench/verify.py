#!/usr/bin/env python3
"""Correctness counts for the benchmark: compare what awaitfix and ast-grep report on injected/
with what inject.py planted (CORPUS/manifest.json).

  verify.py MANIFEST AWAITFIX_JSON AST_GREP_JSONL OUT_JSON [--tree-equal 0|1] [--patch-equal 0|1]

AWAITFIX_JSON is `awaitfix check --format json injected` (paths relative to the corpus root),
AST_GREP_JSONL is `ast-grep run -p ... --json=stream injected`. Writes OUT_JSON with the counts,
every mismatch (up to 20 of each kind), and ok = true when the three site sets are the same.
Exit 0 when ok, 1 otherwise. Standard library only.
"""

import argparse
import json
import sys
from pathlib import Path


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("manifest", type=Path)
    ap.add_argument("awaitfix_json", type=Path)
    ap.add_argument("ast_grep_jsonl", type=Path)
    ap.add_argument("out", type=Path)
    ap.add_argument("--tree-equal", type=int, choices=(0, 1), required=True,
                    help="1 if `diff -r` found the applied tree equal to expected/")
    ap.add_argument("--patch-equal", type=int, choices=(0, 1), default=None,
                    help="1 if `awaitfix diff` output, applied with patch(1), gave expected/")
    args = ap.parse_args()

    manifest = json.loads(args.manifest.read_text())
    planted = {(f"injected/{f['path']}", s["line"]) for f in manifest["files"] for s in f["sites"]}

    findings = json.loads(args.awaitfix_json.read_text() or "[]")
    open_sites = [d for d in findings if d.get("status") == "open"]
    statuses = {}
    for d in findings:
        statuses[d.get("status")] = statuses.get(d.get("status"), 0) + 1
    awaitfix_sites = {(d["path"], d["line"]) for d in open_sites}
    unfixable = sum(1 for d in open_sites if not d.get("fixable"))

    ast_grep = [json.loads(line) for line in args.ast_grep_jsonl.read_text().splitlines() if line.strip()]
    ast_grep_sites = {(m["file"], m["range"]["start"]["line"] + 1) for m in ast_grep}

    def sample(s):
        return sorted(s)[:20]

    result = {
        "planted_sites": manifest["sites"],
        "planted_files": manifest["files_injected"],
        "awaitfix_open": len(open_sites),
        "awaitfix_statuses": statuses,
        "awaitfix_open_not_fixable": unfixable,
        "ast_grep_matches": len(ast_grep),
        "awaitfix_missed": sample(planted - awaitfix_sites),
        "awaitfix_extra": sample(awaitfix_sites - planted),
        "ast_grep_missed": sample(planted - ast_grep_sites),
        "ast_grep_extra": sample(ast_grep_sites - planted),
        "apply_equals_expected": bool(args.tree_equal),
    }
    if args.patch_equal is not None:
        result["diff_patch_equals_expected"] = bool(args.patch_equal)
    result["ok"] = (
        len(open_sites) == manifest["sites"] == len(ast_grep)
        and awaitfix_sites == planted == ast_grep_sites
        and unfixable == 0
        and bool(args.tree_equal)
        and args.patch_equal in (None, 1)
    )
    args.out.write_text(json.dumps(result, indent=1) + "\n")
    print(f"verify: planted {manifest['sites']}, awaitfix open {len(open_sites)} "
          f"(not fixable {unfixable}), ast-grep {len(ast_grep)}, apply == expected: {bool(args.tree_equal)}"
          + (f", diff|patch == expected: {bool(args.patch_equal)}" if args.patch_equal is not None else "")
          + f" -> {'OK' if result['ok'] else 'MISMATCH'}")
    for key in ("awaitfix_missed", "awaitfix_extra", "ast_grep_missed", "ast_grep_extra"):
        if result[key]:
            print(f"  {key}: {result[key][:5]}")
    return 0 if result["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
