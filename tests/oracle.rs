//! The execution oracle: small runnable packages under `tests/oracle/` whose `main.py` runs every call path
//! under asyncio and prints `ok NAME VALUE` or `fail NAME ...` per path (`tests/oracle/_lib/oracle.py`). Python
//! itself judges the rewrites, not expected text. For each package, on fresh temporary copies:
//!
//! - before any fix, the paths its `# broken:` lines name fail with the bug's error (a TypeError, asyncio's
//!   "a coroutine was expected", or a coroutine used as a manager) and every other path prints `ok`;
//! - after `apply` and after `apply --prefer async`, every path prints `ok` (intentional tests and suppressed
//!   sites included), without a "coroutine ... was never awaited" warning; a path named by `# review: NAME N`
//!   may still fail, and then exactly its N sites are left for review;
//! - `check` then reports no fixable site (and exits 0 when nothing is left for review);
//! - `diff | git apply` on another fresh copy gives `apply`'s tree byte for byte;
//! - a second `apply` changes nothing.
//!
//! `PENDING` lists the packages that reproduce a known bug: each must still fail, so that the entry is removed
//! when its fix lands (a strict expected failure).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

mod support;
use support::copy_tree;

/// Packages that fail today, each with the issue item it reproduces.
const PENDING: &[(&str, &str)] = &[];

type Checked = Result<(), String>;

macro_rules! ensure {
    ($cond:expr, $($arg:tt)+) => {
        if !$cond {
            return Err(format!($($arg)+));
        }
    };
}

fn oracle_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/oracle")
}

/// The packages: every folder of `tests/oracle/` but `_lib`, sorted.
fn packages() -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(oracle_dir())
        .unwrap()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().unwrap().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| !n.starts_with('_'))
        .collect();
    names.sort();
    names
}

/// A fresh copy of a package with the shared modules of `_lib` beside it.
fn fresh_copy(package: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&oracle_dir().join("_lib"), dir.path());
    copy_tree(&oracle_dir().join(package), dir.path());
    dir
}

fn awaitfix(dir: &Path, args: &[&str]) -> Output {
    assert_cmd::Command::cargo_bin("awaitfix").unwrap().args(args).current_dir(dir).output().unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// What the package's `# broken:` and `# review:` lines declare.
#[derive(Default)]
struct Declared {
    broken: BTreeSet<String>,
    /// Paths that may be left for review, with the number of their sites.
    review: BTreeMap<String, usize>,
}

fn declared(dir: &Path) -> Declared {
    let main = std::fs::read_to_string(dir.join("main.py")).unwrap();
    let mut out = Declared::default();
    for line in main.lines() {
        if let Some(names) = line.strip_prefix("# broken:") {
            out.broken.extend(names.split_whitespace().map(str::to_string));
        } else if let Some(rest) = line.strip_prefix("# review:") {
            let mut words = rest.split_whitespace();
            let (Some(name), Some(count)) = (words.next(), words.next()) else { continue };
            out.review.insert(name.to_string(), count.parse().expect("# review: NAME COUNT"));
        }
    }
    out
}

/// Runs `main.py`; returns each path's result (`true` for `ok`; `false` for `fail`, with its line) and the
/// whole output for messages.
fn run_main(dir: &Path) -> Result<(BTreeMap<String, bool>, String), String> {
    let out = Command::new("python3")
        .args(["-W", "error::RuntimeWarning", "main.py"])
        .current_dir(dir)
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .stdin(Stdio::null())
        .output()
        .expect("python3 runs");
    let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
    let log = format!("{stdout}{stderr}");
    ensure!(out.status.success(), "main.py exited with {}:\n{log}", out.status);
    let mut paths = BTreeMap::new();
    for line in stdout.lines() {
        let mut words = line.split_whitespace();
        match (words.next(), words.next()) {
            (Some(verdict @ ("ok" | "fail")), Some(name)) => paths.insert(name.to_string(), verdict == "ok"),
            _ => return Err(format!("unexpected line {line:?}:\n{log}")),
        };
    }
    ensure!(!paths.is_empty(), "main.py ran no path:\n{log}");
    Ok((paths, log))
}

/// Every file of a tree (without `__pycache__`), by relative path.
fn tree(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(folder) = stack.pop() {
        for entry in std::fs::read_dir(&folder).unwrap() {
            let entry = entry.unwrap();
            if entry.file_type().unwrap().is_dir() {
                if entry.file_name() != "__pycache__" {
                    stack.push(entry.path());
                }
            } else {
                let bytes = std::fs::read(entry.path()).unwrap();
                out.insert(entry.path().strip_prefix(dir).unwrap().to_path_buf(), bytes);
            }
        }
    }
    out
}

/// Before any fix: the broken paths fail, the others work.
fn check_before(package: &str, declared: &Declared) -> Checked {
    let dir = fresh_copy(package);
    let (paths, log) = run_main(dir.path())?;
    for name in &declared.broken {
        ensure!(paths.get(name) == Some(&false), "before the fix, `{name}` must fail:\n{log}");
        // The failure is the bug's: the TypeError of awaiting a manager or of handing one to asyncio
        // (`asyncio.run` raises ValueError), or a coroutine used as a manager.
        let line = log.lines().find(|l| l.starts_with(&format!("fail {name} "))).unwrap_or_default();
        ensure!(
            ["TypeError", "a coroutine was expected", "'coroutine' object"].iter().any(|s| line.contains(s)),
            "before the fix, `{name}` fails for another reason:\n{log}"
        );
    }
    for (name, ok) in &paths {
        ensure!(*ok || declared.broken.contains(name), "before the fix, `{name}` must work:\n{log}");
    }
    Ok(())
}

/// After `apply` with `args`: every path works (or is left for review as declared), nothing fixable is left,
/// `diff | git apply` gives the same tree, and a second `apply` changes nothing.
fn check_after(package: &str, declared: &Declared, args: &[&str]) -> Checked {
    let mode = if args.is_empty() { "apply".to_string() } else { format!("apply {}", args.join(" ")) };
    let dir = fresh_copy(package);
    let apply = awaitfix(dir.path(), &[&["apply"], args].concat());
    ensure!(apply.status.code() == Some(0), "{mode} exited {:?}: {}", apply.status, text(&apply.stderr));
    let (paths, log) = run_main(dir.path())?;
    ensure!(!log.contains("never awaited"), "{mode}: a coroutine is never awaited:\n{log}");
    let mut review = 0;
    for (name, ok) in &paths {
        match declared.review.get(name) {
            Some(count) if !ok => review += count,
            _ => ensure!(*ok, "{mode}: `{name}` must work:\n{log}"),
        }
    }

    let check = awaitfix(dir.path(), &[&["check", "--format", "json"], args].concat());
    let findings: serde_json::Value = serde_json::from_slice(&check.stdout)
        .map_err(|e| format!("{mode}: check --format json: {e}: {}", text(&check.stderr)))?;
    let open: Vec<&serde_json::Value> =
        findings.as_array().unwrap().iter().filter(|f| f["status"] == "open").collect();
    ensure!(open.iter().all(|f| f["fixable"] == false), "{mode}: check still finds fixable sites: {open:#?}");
    ensure!(open.len() == review, "{mode}: {review} sites left for review expected, check finds {open:#?}");
    let expected_exit = if review == 0 { 0 } else { 1 };
    ensure!(check.status.code() == Some(expected_exit), "{mode}: check exited {:?}", check.status);

    let applied = tree(dir.path());
    let again = awaitfix(dir.path(), &[&["apply"], args].concat());
    ensure!(again.status.code() == Some(0), "{mode}: second apply exited {:?}", again.status);
    ensure!(tree(dir.path()) == applied, "{mode}: a second apply changed the tree");

    let patched = fresh_copy(package);
    let diff = awaitfix(patched.path(), &[&["diff", "--color", "never"], args].concat());
    if diff.status.code() == Some(0) {
        ensure!(tree(patched.path()) == applied, "{mode}: diff shows nothing but apply changed the tree");
        return Ok(());
    }
    ensure!(diff.status.code() == Some(1), "{mode}: diff failed: {}", text(&diff.stderr));
    let mut git = Command::new("git")
        .args(["apply", "-"])
        .current_dir(patched.path())
        .stdin(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("git runs");
    std::io::Write::write_all(&mut git.stdin.take().unwrap(), &diff.stdout).unwrap();
    let git = git.wait_with_output().unwrap();
    ensure!(git.status.success(), "{mode}: git apply rejects the diff: {}", text(&git.stderr));
    let by_patch = tree(patched.path());
    for (path, bytes) in &applied {
        ensure!(
            by_patch.get(path) == Some(bytes),
            "{mode}: `diff | git apply` and apply disagree on {}:\n{}",
            path.display(),
            text(&diff.stdout)
        );
    }
    Ok(())
}

fn check_package(package: &str) -> Checked {
    let declared = declared(&oracle_dir().join(package));
    check_before(package, &declared)?;
    check_after(package, &declared, &[])?;
    check_after(package, &declared, &["--prefer", "async"])
}

/// Every package passes, but the pending ones, which must still fail; one failure message names them all.
#[test]
fn oracle_packages() {
    let all = packages();
    assert!(all.len() >= 10, "the oracle packages are missing: {all:?}");
    for (name, _) in PENDING {
        assert!(all.iter().any(|p| p == name), "PENDING names `{name}`, which is not a package");
    }
    // Packages run on a few threads: each spends its time in python3 and awaitfix processes.
    let next = std::sync::atomic::AtomicUsize::new(0);
    let results = std::sync::Mutex::new(Vec::new());
    let threads = std::thread::available_parallelism().map_or(2, |n| n.get()).clamp(2, 4);
    std::thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| {
                while let Some(package) = all.get(next.fetch_add(1, std::sync::atomic::Ordering::Relaxed)) {
                    let result = check_package(package);
                    results.lock().unwrap().push((package.clone(), result));
                }
            });
        }
    });
    let mut results = results.into_inner().unwrap();
    results.sort_by(|a, b| a.0.cmp(&b.0));
    let mut problems = Vec::new();
    for (package, result) in results {
        let pending = PENDING.iter().find(|(name, _)| *name == package);
        match (result, pending) {
            (Ok(()), None) | (Err(_), Some(_)) => {}
            (Err(why), None) => problems.push(format!("{package}: {why}")),
            (Ok(()), Some((_, item))) => {
                problems.push(format!("{package} now passes ({item}): remove it from PENDING"))
            }
        }
    }
    assert!(problems.is_empty(), "{} oracle packages failed:\n\n{}", problems.len(), problems.join("\n\n"));
}
