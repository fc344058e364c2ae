#!/usr/bin/env bash
# The awaitfix benchmark, end to end: bench/run.sh [PACKAGES.txt]
#
#   setup -> build corpus -> inject -> worst case -> cargo build --release
#   -> plant project-wide sites -> hyperfine (clean, injected, apply, worst) -> correctness -> peak RSS
#   -> scaling -> project-wide rule vs type checkers -> report
#
# Writes bench/results/*.json|tsv|txt, bench/results.md and bench/results.png.
# Data (downloads, corpora, scratch copies) go to $BENCH_DATA (default /work/bench-data).
# Environment: BENCH_DATA, BENCH_CACHE (default $BENCH_DATA/cache), BENCH_RUNS (5), BENCH_WARMUP (1),
#              BENCH_STRICT=1 to also exit 1 when a performance target fails,
#              BENCH_SCALING=0 to skip the scaling rows (bench/scaling.py, about 2 minutes),
#              BENCH_PEER_CPU (900): CPU seconds allowed to each type checker on the project-wide tree,
#              BENCH_PEER_TIMEOUT (3600): wall seconds allowed to it,
#              BENCH_PROJECT_PACKAGES: the distributions of the project-wide tree (default: the async web stack).
# Exit: 0 when the run completed and the correctness checks passed; 1 otherwise.
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(dirname "$BENCH_DIR")
PACKAGES=${1:-$REPO/../shared/bench/packages.txt}
DATA=${BENCH_DATA:-/work/bench-data}
export BENCH_CORPUS=$DATA/corpus
export BENCH_CACHE=${BENCH_CACHE:-$DATA/cache}
RUNS=${BENCH_RUNS:-5}
WARMUP=${BENCH_WARMUP:-1}
RESULTS=$BENCH_DIR/results
SCRATCH=$DATA/scratch
PY=${PYTHON:-python3}
START=$(date +%s)

step() { printf '\n== [%4ss] %s\n' "$(($(date +%s) - START))" "$*"; }

step "setup (bench/setup.sh)"
bash "$BENCH_DIR/setup.sh"
command -v pyenv >/dev/null && pyenv rehash 2>/dev/null || true
hash -r

step "corpus (bench/build_corpus.py $PACKAGES)"
"$PY" "$BENCH_DIR/build_corpus.py" "$PACKAGES" --cache "$BENCH_CACHE" --corpus "$BENCH_CORPUS"

step "inject (bench/inject.py)"
"$PY" "$BENCH_DIR/inject.py" --corpus "$BENCH_CORPUS"

step "worst case (bench/worst_case.py)"
"$PY" "$BENCH_DIR/worst_case.py" --corpus "$BENCH_CORPUS"

step "project-wide sites (bench/plant_project.py)"
project_rc=0
# The async web stack of the corpus, ~550k lines: the size of backend the project-wide targets are set for
# (the type checkers need minutes of CPU for it; the whole corpus would take them far longer).
"$PY" "$BENCH_DIR/plant_project.py" --corpus "$BENCH_CORPUS" \
    --packages "${BENCH_PROJECT_PACKAGES:-aiohttp,botocore,celery,fastapi,starlette,tornado}" || project_rc=1

step "cargo build --release"
rm -rf "$RESULTS" "$SCRATCH"
mkdir -p "$RESULTS" "$SCRATCH"
COMMIT="$(git -C "$REPO" rev-parse --short HEAD 2>/dev/null || echo unknown)$(git -C "$REPO" diff --quiet HEAD -- src Cargo.toml Cargo.lock build.rs 2>/dev/null || echo ' (+ uncommitted changes)')"
(cd "$REPO" && cargo build --release)
# Benchmark a private copy, so that a rebuild of target/ during the run cannot swap the binary.
AWF=$SCRATCH/awaitfix
cp "$REPO/target/release/awaitfix" "$AWF"

{
    echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
    echo "awaitfix: commit $COMMIT, $("$AWF" --version), binary sha256 $(sha256sum "$AWF" | cut -c1-12)"
    echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -sr)"
    echo "cpu: $(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)"
    echo "hyperfine: $(hyperfine --version | awk '{print $2}'); runs: $RUNS, warmup: $WARMUP"
    echo "rg: $(rg --version | awk 'NR==1 {print $2}')"
    echo "ast-grep: $(ast-grep --version | awk '{print $2}')"
    echo "ruff: $(ruff --version | awk '{print $2}')"
    echo "rustc: $(rustc --version | awk '{print $2}')"
    echo "pyrefly: $(pyrefly --version 2>/dev/null | awk '{print $NF}'); ty: $(ty --version 2>/dev/null | awk '{print $2}'); pyright: $(timeout 60 pyright --version 2>/dev/null | awk '{print $NF}')"
    echo "corpus: $("$PY" -c "import json,sys; t=json.load(open(sys.argv[1]))['total']; print(f\"{t['files']} files, {t['lines']} lines, {t['bytes']/1e6:.1f} MB\")" "$BENCH_CORPUS/clean.json")"
    echo "injected: $("$PY" -c "import json,sys; m=json.load(open(sys.argv[1])); print(f\"{m['sites']} sites in {m['files_injected']} files\")" "$BENCH_CORPUS/manifest.json")"
} > "$RESULTS/env.txt"
cp "$BENCH_CORPUS/clean.json" "$RESULTS/corpus.json"
"$PY" -c "import json,sys; m=json.load(open(sys.argv[1])); m.pop('files'); json.dump(m, open(sys.argv[2], 'w'), indent=1)" \
    "$BENCH_CORPUS/manifest.json" "$RESULTS/manifest.json"

# All commands run from the corpus root on relative paths, with default thread counts, their output
# drained through a pipe (--output=pipe: rg and others cut corners when stdout is /dev/null).
# -i because check/diff/rg exit 1 on findings (and on none, for rg); report.py lists every exit code.
cd "$BENCH_CORPUS"
PAT='await get_websocket_manager($$$A)'
REWRITE='get_websocket_manager($$$A)'
hf() {
    local name=$1
    shift
    step "hyperfine: $name"
    hyperfine --warmup "$WARMUP" --runs "$RUNS" --output=pipe -i --style basic \
        --export-json "$RESULTS/$name.json" "$@"
}

hf clean \
    -n "awaitfix check" "$AWF check clean" \
    -n "rg -c" "rg -c get_websocket_manager clean"

hf injected \
    -n "awaitfix check" "$AWF check injected" \
    -n "awaitfix diff" "$AWF diff injected" \
    -n "ast-grep run" "ast-grep run -p '$PAT' injected" \
    -n "ast-grep rewrite (dry run)" "ast-grep run -p '$PAT' -r '$REWRITE' injected" \
    -n "ruff --select ASYNC" "ruff check --select ASYNC --no-cache --exit-zero injected" \
    -n "rg -c" "rg -c get_websocket_manager injected"

hf apply \
    --prepare "rm -rf '$SCRATCH/apply' && cp -r injected '$SCRATCH/apply' && sync" \
    -n "awaitfix apply" "$AWF apply '$SCRATCH/apply'"
rm -rf "$SCRATCH/apply"

hf worst \
    -n "awaitfix check" "$AWF check worst" \
    -n "awaitfix diff" "$AWF diff worst" \
    -n "ast-grep run" "ast-grep run -p '$PAT' worst"

step "correctness"
# What each awaitfix command prints on stderr, and its exit code (findings are on stdout).
: > "$RESULTS/awaitfix-stderr.txt"
for args in "check clean" "check injected" "check expected" "check worst" "diff injected"; do
    set +e
    # shellcheck disable=SC2086
    "$AWF" $args > /dev/null 2> "$SCRATCH/stderr.txt"
    rc=$?
    set -e
    { echo "\$ awaitfix $args   # exit $rc"; head -n 20 "$SCRATCH/stderr.txt"; } >> "$RESULTS/awaitfix-stderr.txt"
done
cat "$RESULTS/awaitfix-stderr.txt"

# apply on a copy of injected/ must give expected/ byte for byte.
mkdir -p "$SCRATCH/verify"
cp -r injected "$SCRATCH/verify/injected"
"$AWF" apply "$SCRATCH/verify/injected" > "$SCRATCH/apply.log" 2>&1 || true
tail -n 3 "$SCRATCH/apply.log"
if diff -r "$SCRATCH/verify/injected" expected > "$RESULTS/apply-vs-expected.diff"; then tree_equal=1; else tree_equal=0; fi
echo "apply == expected: $tree_equal"

# The diff that `awaitfix diff` prints, applied with patch(1) to another copy, must give expected/ too.
mkdir -p "$SCRATCH/patch"
cp -r injected "$SCRATCH/patch/injected"
"$AWF" --color never diff injected > "$SCRATCH/awaitfix.diff" 2> /dev/null || true
if (cd "$SCRATCH/patch" && patch -p1 -s --no-backup-if-mismatch < "$SCRATCH/awaitfix.diff") > "$SCRATCH/patch.log" 2>&1 \
    && diff -r "$SCRATCH/patch/injected" expected > /dev/null; then patch_equal=1; else patch_equal=0; fi
echo "diff | patch == expected: $patch_equal"

"$AWF" check --format json injected > "$SCRATCH/awaitfix.json" 2> /dev/null || true
ast-grep run -p "$PAT" --json=stream injected > "$SCRATCH/ast-grep.jsonl"
verify_rc=0
"$PY" "$BENCH_DIR/verify.py" "$BENCH_CORPUS/manifest.json" "$SCRATCH/awaitfix.json" "$SCRATCH/ast-grep.jsonl" \
    "$RESULTS/correctness.json" --tree-equal "$tree_equal" --patch-equal "$patch_equal" || verify_rc=1

step "peak RSS (/usr/bin/time -v)"
printf 'command\tmax_rss_kb\texit\n' > "$RESULTS/rss.tsv"
rss() {
    local name=$1
    shift
    local rc=0
    /usr/bin/time -v -o "$SCRATCH/time.txt" "$@" > /dev/null 2>&1 || rc=$?
    local kb
    kb=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$SCRATCH/time.txt")
    printf '%s\t%s\t%s\n' "$name" "$kb" "$rc" >> "$RESULTS/rss.tsv"
    printf '  %-34s %8s KB  (exit %s)\n' "$name" "$kb" "$rc"
}
rss "awaitfix check injected" "$AWF" check injected
rss "awaitfix diff injected" "$AWF" diff injected
rss "awaitfix check worst" "$AWF" check worst
rss "ast-grep run injected" ast-grep run -p "$PAT" injected
rss "ruff --select ASYNC injected" ruff check --select ASYNC --no-cache --exit-zero injected

rm -rf "$SCRATCH/verify" "$SCRATCH/patch"

if [ "${BENCH_SCALING:-1}" != 0 ]; then
    step "scaling (bench/scaling.py)"
    # Generated inputs at two sizes per shape (half of scaling.py's own, to stay near a minute), in
    # scratch space; the same private binary as above.
    TMPDIR=$SCRATCH "$PY" "$BENCH_DIR/scaling.py" --awaitfix "$AWF" --shrink 2 \
        --out "$RESULTS/scaling.md" --json "$RESULTS/scaling.json"
fi

step "project-wide: awaitfix check --project vs pyrefly, ty, pyright (bench/project_peers.py)"
"$PY" "$BENCH_DIR/project_peers.py" --corpus "$BENCH_CORPUS" --awaitfix "$AWF" --scratch "$SCRATCH/project" \
    --out "$RESULTS/project.json" --cpu-limit "${BENCH_PEER_CPU:-900}" --timeout "${BENCH_PEER_TIMEOUT:-3600}" || project_rc=1
ELAPSED=$(($(date +%s) - START))
step "report (bench/report.py)"
report_rc=0
BENCH_ELAPSED=$ELAPSED "$PY" "$BENCH_DIR/report.py" "$RESULTS" --md "$BENCH_DIR/results.md" \
    --png "$BENCH_DIR/results.png" || report_rc=$?

step "done in ${ELAPSED}s (+ report): $BENCH_DIR/results.md, $BENCH_DIR/results.png"
if [ "$project_rc" != 0 ]; then
    echo "project-wide step FAILED (a planted site or decoy misbehaved under python3, or a tool run broke)" >&2
    exit 1
fi
if [ "$verify_rc" != 0 ]; then
    echo "correctness check FAILED (see $RESULTS/correctness.json)" >&2
    exit 1
fi
if [ "${BENCH_STRICT:-0}" = 1 ] && [ "$report_rc" != 0 ]; then
    echo "a performance target FAILED (BENCH_STRICT=1)" >&2
    exit 1
fi
