//! Partial against whole: `check` parses only the statements that spell a tracked name (`Want::Findings`),
//! a forced parse of the whole file (`Want::Whole`, what `apply` falls back to). Both must report the same
//! findings — code, range, status, message and whether it is fixable — for every rule and both `prefer`
//! modes, on every fixture and every oracle package. `differential_on_a_folder` (ignored) runs the same
//! comparison on any folder, such as the benchmark corpus:
//!
//! ```sh
//! AWAITFIX_DIFFERENTIAL_DIR=/path/to/corpus cargo test --release --test differential -- --ignored --nocapture
//! ```

use std::path::{Path, PathBuf};

use awaitfix::engine::Engine;
use awaitfix::finding::{Finding, Status};
use awaitfix::plan::{Want, plan};
use awaitfix::selection::Selection;
use awaitfix::transform::{self, Prefer};

/// What must agree between the two parses.
type Summary = (&'static str, std::ops::Range<usize>, Status, String, bool);

fn summary(f: &Finding) -> Summary {
    (f.rule.code(), f.range.clone(), f.status, f.message.clone(), f.is_fixable())
}

fn engine(prefer: Prefer) -> Engine {
    let mut transforms = transform::builtins().expect("built-ins");
    transforms.iter_mut().for_each(|t| t.prefer = prefer);
    Engine::new(transforms)
}

/// Every `*.py` file under `dir`, sorted.
fn python_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(folder) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&folder) else { continue };
        for entry in entries.flatten() {
            let path = entry.path();
            if entry.file_type().is_ok_and(|t| t.is_dir()) {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "py") {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

/// What the comparison saw over a set of files.
#[derive(Default, Debug)]
struct Tally {
    files: usize,
    /// Files that spell a pair's name in code (the others are never parsed by either command).
    mentioning: usize,
    findings: usize,
    /// Files the whole parse refuses (a syntax error the partial parse does not reach), as `apply` does.
    whole_refused: usize,
    /// Each file that differs, with what differs.
    mismatches: Vec<(PathBuf, String)>,
}

/// Compares the partial and whole findings of one file in one mode.
fn compare(engine: &Engine, path: &Path, bytes: &[u8], tally: &mut Tally) {
    let partial = plan(engine, path, bytes, Want::Findings, &Selection::all());
    let whole = plan(engine, path, bytes, Want::Whole, &Selection::all());
    match (partial, whole) {
        (Ok(partial), Ok(whole)) => {
            let left: Vec<Summary> = partial.findings.iter().map(summary).collect();
            let right: Vec<Summary> = whole.findings.iter().map(summary).collect();
            tally.findings += right.len();
            if left != right {
                let only_partial: Vec<_> = left.iter().filter(|f| !right.contains(f)).collect();
                let only_whole: Vec<_> = right.iter().filter(|f| !left.contains(f)).collect();
                let what = format!("only partial {only_partial:?}; only whole {only_whole:?}");
                tally.mismatches.push((path.to_path_buf(), what));
            }
        }
        (Ok(_), Err(_)) => tally.whole_refused += 1,
        (Err(_), Err(_)) => {}
        (Err(e), Ok(_)) => {
            tally.mismatches.push((path.to_path_buf(), format!("only the partial parse fails: {e}")))
        }
    }
}

/// Runs the comparison on every file, in both modes.
fn differential(files: &[PathBuf]) -> Tally {
    let engines = [engine(Prefer::Sync), engine(Prefer::Async)];
    let mut tally = Tally::default();
    for path in files {
        let Ok(bytes) = std::fs::read(path) else { continue };
        tally.files += 1;
        if !engines[0].mentions_in_code(&bytes) {
            continue;
        }
        tally.mentioning += 1;
        for engine in &engines {
            compare(engine, path, &bytes, &mut tally);
        }
    }
    tally
}

/// Files (under `tests/`) known to differ today, each with the issue item it reproduces; each must still
/// differ, so that the entry is removed when the fix lands.
const PENDING: &[(&str, &str)] = &[];

fn report(mismatches: &[(PathBuf, String)]) -> String {
    mismatches.iter().map(|(path, what)| format!("{}: {what}", path.display())).collect::<Vec<_>>().join("\n")
}

/// Every fixture and every oracle package: the partial parse finds exactly what the whole parse finds.
#[test]
fn partial_parse_finds_what_the_whole_parse_finds() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests");
    let mut files = python_files(&root.join("fixtures"));
    files.extend(python_files(&root.join("oracle")));
    let tally = differential(&files);
    assert!(tally.mentioning > 80, "the fixtures and packages are missing: {tally:?}");
    let pending = |path: &Path| PENDING.iter().any(|(p, _)| root.join(p) == path);
    let (known, new): (Vec<_>, Vec<_>) = tally.mismatches.into_iter().partition(|(path, _)| pending(path));
    assert!(new.is_empty(), "{} of {} files differ:\n{}", new.len(), tally.mentioning, report(&new));
    for (path, item) in PENDING {
        let still = known.iter().any(|(p, _)| *p == root.join(path));
        assert!(still, "{path} no longer differs ({item}): remove it from PENDING");
    }
}

/// The same on the folder `AWAITFIX_DIFFERENTIAL_DIR` names (e.g. the benchmark corpus); prints the figures.
#[test]
#[ignore = "needs AWAITFIX_DIFFERENTIAL_DIR; run with --release"]
fn differential_on_a_folder() {
    let dir =
        std::env::var_os("AWAITFIX_DIFFERENTIAL_DIR").expect("AWAITFIX_DIFFERENTIAL_DIR names a folder");
    let tally = differential(&python_files(Path::new(&dir)));
    println!(
        "{} files, {} spell a pair's name, {} findings per mode pair, {} refused by the whole parse, {} differ",
        tally.files,
        tally.mentioning,
        tally.findings,
        tally.whole_refused,
        tally.mismatches.len()
    );
    assert!(tally.mismatches.is_empty(), "{}", report(&tally.mismatches));
}
