//! Fixture cases: real Python files under `tests/fixtures/<rule>/` whose `# expect: …` markers say which
//! lines hold a site and what must become of it. Every fixture is also checked against the safety invariants
//! (DESIGN §5) and snapshotted (findings + diff) under `snapshots/`.

use std::collections::BTreeMap;
use std::path::Path;

use awaitfix::engine::Engine;
use awaitfix::finding::Status;
use awaitfix::plan::{Want, plan};
use awaitfix::render::diff::FileDiff;
use awaitfix::render::{Diagnostic, text};
use awaitfix::selection::Selection;
use awaitfix::source::{LineIndex, Source};
use awaitfix::transform::{self, Prefer};

/// What the markers expect, by line: `# expect: [CODE] outcome` (AWF001 when no code is given), or
/// `# expect-next-line: …` for the line below.
fn expectations(text: &str) -> BTreeMap<usize, String> {
    let mut out = BTreeMap::new();
    for (i, line) in text.lines().enumerate() {
        let (line_no, marker) = if let Some(pos) = line.find("# expect-next-line: ") {
            (i + 2, &line[pos + "# expect-next-line: ".len()..])
        } else if let Some(pos) = line.find("# expect: ") {
            (i + 1, &line[pos + "# expect: ".len()..])
        } else {
            continue;
        };
        let mut words = marker.split_whitespace();
        let first = words.next().unwrap_or("");
        let (code, what) =
            if first.starts_with("AWF") { (first, words.next().unwrap_or("")) } else { ("AWF001", first) };
        if what != "none" {
            out.insert(line_no, format!("{code} {what}"));
        }
    }
    out
}

fn outcome(d: &Diagnostic) -> String {
    let what = match d.status {
        Status::Open if d.fixable => "fix",
        Status::Open => "review",
        Status::Intentional => "intentional",
        Status::Suppressed => "suppressed",
    };
    format!("{} {what}", d.code)
}

#[test]
fn awf001_fixtures() {
    run_fixtures("awf001", Prefer::Sync);
}

#[test]
fn rule_fixtures() {
    run_fixtures("rules", Prefer::Sync);
}

#[test]
fn prefer_async_fixtures() {
    run_fixtures("prefer_async", Prefer::Async);
}

/// Checks every fixture of a folder with the built-in transforms set to `prefer`, then fails once, naming each
/// fixture that failed.
fn run_fixtures(folder: &str, prefer: Prefer) {
    let other = engine(match prefer {
        Prefer::Sync => Prefer::Async,
        Prefer::Async => Prefer::Sync,
    });
    let engine = engine(prefer);
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(folder);
    let mut paths: Vec<_> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).collect();
    paths.retain(|p| p.extension().is_some_and(|e| e == "py"));
    // `AWAITFIX_FIXTURE=part` runs only the fixtures whose file name contains `part`.
    if let Ok(part) = std::env::var("AWAITFIX_FIXTURE") {
        paths.retain(|p| p.file_name().is_some_and(|n| n.to_string_lossy().contains(&part)));
        if paths.is_empty() {
            return;
        }
    }
    paths.sort();
    assert!(!paths.is_empty(), "no fixtures in {}", dir.display());
    let failed: Vec<String> = paths
        .iter()
        .filter(|path| {
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                check_fixture(&engine, folder, path);
                check_other_mode(&other, path);
            }))
            .is_err()
        })
        .map(|path| path.display().to_string())
        .collect();
    assert!(failed.is_empty(), "{} of {} fixtures failed: {failed:#?}", failed.len(), paths.len());
}

fn engine(prefer: Prefer) -> Engine {
    let mut transforms = transform::builtins().expect("built-ins");
    transforms.iter_mut().for_each(|t| t.prefer = prefer);
    Engine::new(transforms)
}

/// The invariants hold whichever fix is preferred: after the other mode's rewrite, nothing is left to fix,
/// CPython compiles the result, and it reads no global the original did not.
fn check_other_mode(engine: &Engine, path: &Path) {
    let name = format!("{} (other mode)", path.file_name().unwrap().to_string_lossy());
    let bytes = std::fs::read(path).unwrap();
    let plan = plan(engine, path, &bytes, Want::Rewrite, &Selection::all())
        .unwrap_or_else(|e| panic!("{name}: {e}"));
    let Some(rewrite) = &plan.rewrite else { return };
    let again = plan_again(engine, path, &rewrite.bytes);
    assert!(again.iter().all(|f| !f.is_fixable()), "{name}: a second run still finds fixable sites");
    support::python_compiles(&name, &rewrite.text);
    check_runs(&name, &plan.source.text, &rewrite.text);
    if let (Some(before), Some(after)) =
        (support::undefined_names(&name, &plan.source.text), support::undefined_names(&name, &rewrite.text))
    {
        let introduced: Vec<&String> = after.difference(&before).collect();
        assert!(introduced.is_empty(), "{name}: the rewrite reads unbound names {introduced:?}");
    }
}

/// A fixture that ends with `if __name__ == "__main__":` runs its call paths under python3, one line each:
/// `name: ok`, or `name: ` and the error. Before the rewrite, exactly the paths named `broken_*` fail; after
/// it, every path works and no coroutine is left unawaited.
fn check_runs(name: &str, original: &str, rewritten: &str) {
    if !original.contains("\nif __name__ == \"__main__\":") {
        return;
    }
    let run = |source: &str| {
        let out = std::process::Command::new("python3")
            .args(["-W", "error::RuntimeWarning", "-c", source])
            .env("PYTHONDONTWRITEBYTECODE", "1")
            .output()
            .expect("python3 runs");
        let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        assert!(out.status.success(), "{name}: python3 fails:\n{stdout}{stderr}");
        (stdout, stderr)
    };
    let paths = |stdout: &str| -> Vec<(String, bool)> {
        let lines = stdout.lines().filter_map(|l| l.split_once(": "));
        lines.map(|(path, result)| (path.to_string(), result == "ok")).collect()
    };
    let (before, _) = run(original);
    let before = paths(&before);
    assert!(!before.is_empty(), "{name}: no call path ran");
    for (path, ok) in &before {
        assert_eq!(!ok, path.starts_with("broken"), "{name}: `{path}` before the rewrite");
    }
    let (after, stderr) = run(rewritten);
    let failed: Vec<String> = paths(&after).into_iter().filter(|(_, ok)| !ok).map(|(p, _)| p).collect();
    assert!(failed.is_empty(), "{name}: paths fail after the rewrite:\n{after}");
    assert_eq!(paths(&after).len(), before.len(), "{name}: every path ran after the rewrite:\n{after}");
    assert!(!stderr.contains("never awaited"), "{name}: a coroutine was never awaited:\n{stderr}");
}

fn plan_again(engine: &Engine, path: &Path, bytes: &[u8]) -> Vec<awaitfix::finding::Finding> {
    awaitfix::plan::plan(engine, path, bytes, Want::Rewrite, &Selection::all())
        .expect("a rewrite plans again")
        .findings
}

fn check_fixture(engine: &Engine, folder: &str, path: &Path) {
    let name = path.file_name().unwrap().to_string_lossy().to_string();
    let bytes = std::fs::read(path).unwrap();
    let plan =
        plan(engine, path, &bytes, Want::Whole, &Selection::all()).unwrap_or_else(|e| panic!("{name}: {e}"));
    let text = &plan.source.text;
    let index = LineIndex::new(text);
    let diagnostics: Vec<Diagnostic> =
        plan.findings.iter().map(|f| Diagnostic::new(&name, f, &index)).collect();

    // 0. `check` parses only the statements that mention tracked names: it must find exactly the same.
    //    `diff` plans from the same partial parse: it must show exactly the rewrite `apply` writes.
    let checked = awaitfix::plan::plan(engine, path, &bytes, Want::Findings, &Selection::all())
        .unwrap_or_else(|e| panic!("{name}: {e}"));
    let summary = |f: &awaitfix::finding::Finding| (f.rule, f.range.clone(), f.status, f.message.clone());
    assert_eq!(
        checked.findings.iter().map(summary).collect::<Vec<_>>(),
        plan.findings.iter().map(summary).collect::<Vec<_>>(),
        "{name}: findings of the partial parse (left) differ from the whole file's (right)"
    );
    //    The same with the partial parse forced, which `check` skips when it would pick most of a small
    //    file: fixes included, so that `diff` cannot propose what `apply` would not write.
    let full = |f: &awaitfix::finding::Finding| (summary(f), f.fix.clone());
    let partial = awaitfix::partial::partial_findings(engine, path, &bytes).unwrap_or_else(|| {
        panic!("{name}: no partial parse (the scan was unsure or the statements picked do not parse)")
    });
    assert_eq!(
        partial.iter().map(full).collect::<Vec<_>>(),
        plan.findings.iter().map(full).collect::<Vec<_>>(),
        "{name}: findings and fixes of the forced partial parse (left) differ from the whole file's (right)"
    );
    let preview = awaitfix::plan::plan(engine, path, &bytes, Want::Preview, &Selection::all())
        .unwrap_or_else(|e| panic!("{name}: {e}"));
    assert_eq!(
        preview.rewrite.as_ref().map(|r| (&r.bytes, &r.fixed)),
        plan.rewrite.as_ref().map(|r| (&r.bytes, &r.fixed)),
        "{name}: the rewrite of the partial parse (left) differs from the whole file's (right)"
    );

    // 1. Markers: exactly the marked lines hold a finding, with the marked outcome.
    let found: BTreeMap<usize, String> =
        diagnostics.iter().map(|d| (d.line, outcome(d).to_string())).collect();
    assert_eq!(diagnostics.len(), found.len(), "{name}: two findings on one line");
    assert_eq!(found, expectations(text), "{name}: findings (left) differ from the markers (right)");

    let rewritten = plan.rewrite.as_ref().map_or(text.as_str(), |r| r.text.as_str());
    if let Some(rewrite) = &plan.rewrite {
        // 2. The rewrite re-parses cleanly (the plan verified it) and encodes back to the file's encoding:
        //    decoding what would be written gives the rewritten text again.
        let written = Source::decode(&rewrite.bytes).expect("written bytes decode");
        assert_eq!(written.text, rewrite.text, "{name}: encoding round trip");
        assert_eq!(written.encoding, plan.source.encoding, "{name}: encoding kept");
        // 3. Outside the edits, the bytes are the original ones.
        assert_outside_edits_unchanged(&name, text, &rewrite.text, &plan.findings, &rewrite.fixed);
        // 4. A second run plans nothing.
        let again = awaitfix::plan::plan(engine, path, &rewrite.bytes, Want::Rewrite, &Selection::all())
            .expect("rewrite plans");
        assert!(again.rewrite.is_none(), "{name}: a second run still rewrites");
        assert!(
            again.findings.iter().all(|f| !f.is_fixable()),
            "{name}: a second run still finds fixable sites"
        );
    }

    let mut snapshot = String::new();
    for d in &diagnostics {
        snapshot.push_str(&anstream::adapter::strip_str(&text::line(d)).to_string());
        snapshot.push('\n');
    }
    if let Some(rewrite) = &plan.rewrite {
        snapshot.push('\n');
        // `diff` compares only the lines around the edits, and may align a run of changed lines otherwise
        // than a diff of the whole texts would: what matters is that it turns the text into the rewrite.
        let encoding = awaitfix::source::Encoding::Utf8 { bom: false };
        let windowed =
            FileDiff::from_edits(&name, text, &rewrite.text, &rewrite.edits, encoding).text().into_owned();
        assert_eq!(
            support::apply_unified_diff(text, &windowed).as_deref(),
            Some(rewrite.text.as_str()),
            "{name}: the diff from the edits does not turn the text into the rewrite:\n{windowed}"
        );
        snapshot.push_str(&windowed);
    }
    insta::with_settings!({ snapshot_path => "../snapshots", prepend_module_to_snapshot => false }, {
        let stem = path.file_stem().unwrap().to_string_lossy();
        insta::assert_snapshot!(format!("{folder}__{stem}"), snapshot);
    });
    support::python_compiles(&name, rewritten);
    check_runs(&name, text, rewritten);
    // 5. Every name a rewrite introduced is bound: the rewrite reads no global the original did not read
    //    unbound already.
    if plan.rewrite.is_some()
        && let (Some(before), Some(after)) =
            (support::undefined_names(&name, text), support::undefined_names(&name, rewritten))
    {
        let introduced: Vec<&String> = after.difference(&before).collect();
        assert!(introduced.is_empty(), "{name}: the rewrite reads unbound names {introduced:?}");
    }
}

/// Walks the applied edits in order and compares every stretch between them.
fn assert_outside_edits_unchanged(
    name: &str,
    old: &str,
    new: &str,
    findings: &[awaitfix::finding::Finding],
    fixed: &[usize],
) {
    let mut edits: Vec<_> =
        fixed.iter().flat_map(|&i| findings[i].fix.as_ref().unwrap().edits().iter().cloned()).collect();
    edits.sort();
    edits.dedup();
    let (mut old_at, mut new_at) = (0, 0);
    for edit in &edits {
        let same = &old[old_at..edit.start()];
        assert_eq!(&new[new_at..new_at + same.len()], same, "{name}: bytes before edit at {}", edit.start());
        new_at += same.len();
        assert_eq!(&new[new_at..new_at + edit.content().len()], edit.content());
        new_at += edit.content().len();
        old_at = edit.end();
    }
    assert_eq!(&new[new_at..], &old[old_at..], "{name}: bytes after the last edit");
}

mod support;
