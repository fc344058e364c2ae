//! What linters say of `--prefer async` rewrites: ruff (`F401` unused import, `F811` redefinition, `F821`
//! undefined name, `I001` unsorted or unformatted imports, `E9` syntax errors, with its default settings) must report nothing on a
//! rewrite that it did not already report on the input. Run on the rewrite of every fixture in async mode and
//! on `examples/backend` after `apply --prefer async` (whose tests `e2e.rs` runs after the same command).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use awaitfix::engine::Engine;
use awaitfix::plan::{Want, plan};
use awaitfix::selection::Selection;
use awaitfix::transform::{self, Prefer};

mod support;

const RULES: &str = "F401,F811,F821,I001,E9";

fn ruff() -> PathBuf {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .map(|dir| dir.join("ruff"))
        .find(|p| p.is_file())
        .expect("ruff not found: run the tests through scripts/test, which installs tests/requirements.txt")
}

/// ruff's findings on every Python file under `dir`, counted by file, code and message (line numbers move
/// when imports change, so they are left out).
fn findings(dir: &Path) -> BTreeMap<(String, String, String), usize> {
    let out = Command::new(ruff())
        .args([
            "check",
            "--isolated",
            "--no-cache",
            "--exit-zero",
            "--output-format",
            "json",
            "--select",
            RULES,
        ])
        .arg(".")
        .current_dir(dir)
        .output()
        .expect("ruff runs");
    assert!(out.status.success(), "ruff failed: {}", String::from_utf8_lossy(&out.stderr));
    let list: serde_json::Value = serde_json::from_slice(&out.stdout).expect("ruff prints JSON");
    let mut counts = BTreeMap::new();
    for f in list.as_array().expect("a JSON array") {
        let file = Path::new(f["filename"].as_str().unwrap_or_default())
            .strip_prefix(dir.canonicalize().unwrap())
            .map(|p| p.display().to_string())
            .unwrap_or_default();
        let code = f["code"].as_str().unwrap_or("syntax").to_string();
        let message = f["message"].as_str().unwrap_or_default().to_string();
        *counts.entry((file, code, message)).or_insert(0) += 1;
    }
    counts
}

/// The findings on `after` that `before` does not have as often.
fn introduced(before: &Path, after: &Path) -> Vec<String> {
    let old = findings(before);
    findings(after)
        .into_iter()
        .filter(|(key, n)| old.get(key).copied().unwrap_or(0) < *n)
        .map(|((file, code, message), _)| format!("{file}: {code} {message}"))
        .collect()
}

fn async_engine() -> Engine {
    let mut transforms = transform::builtins().expect("built-ins");
    transforms.iter_mut().for_each(|t| t.prefer = Prefer::Async);
    Engine::new(transforms)
}

/// Every fixture, fixed with `--prefer async`: each rewrite adds no unused import, no duplicate import and
/// no unsorted import block.
#[test]
fn async_rewrites_of_fixtures_add_no_lint_findings() {
    let engine = async_engine();
    let (before, after) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut rewritten = 0;
    for folder in ["awf001", "rules", "prefer_async"] {
        for entry in std::fs::read_dir(fixtures.join(folder)).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_none_or(|e| e != "py") {
                continue;
            }
            let bytes = std::fs::read(&path).unwrap();
            let Ok(plan) = plan(&engine, &path, &bytes, Want::Rewrite, &Selection::all()) else { continue };
            let Some(rewrite) = plan.rewrite else { continue };
            let name = format!("{folder}__{}", path.file_name().unwrap().to_string_lossy());
            std::fs::write(before.path().join(&name), &bytes).unwrap();
            std::fs::write(after.path().join(&name), &rewrite.bytes).unwrap();
            rewritten += 1;
        }
    }
    assert!(rewritten >= 15, "only {rewritten} fixtures were rewritten");
    let new = introduced(before.path(), after.path());
    assert!(new.is_empty(), "the async rewrites add lint findings:\n{}", new.join("\n"));
}

/// The README's example, fixed with `--prefer async`: the sync name and its alias, no longer used, are gone.
#[test]
fn example_backend_async_fix_adds_no_lint_findings() {
    let source = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/backend");
    let (before, after) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    support::copy_tree(&source, before.path());
    support::copy_tree(&source, after.path());
    let apply = assert_cmd::Command::cargo_bin("awaitfix")
        .unwrap()
        .args(["apply", "--prefer", "async", "."])
        .current_dir(after.path())
        .output()
        .unwrap();
    assert_eq!(apply.status.code(), Some(0), "{}", String::from_utf8_lossy(&apply.stderr));
    let new = introduced(before.path(), after.path());
    assert!(new.is_empty(), "`apply --prefer async` adds lint findings:\n{}", new.join("\n"));
}

/// Two pairs whose sync names share one import statement: both async names join it in one `apply`, where
/// two insertions at one point used to make the second wait for another run.
#[test]
fn two_pairs_sharing_an_import_are_fixed_in_one_apply() {
    let (before, after) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let service = "from svc import connect, get_websocket_manager, helper\n\n\n\
        async def main(ctx):\n    conn = await connect()\n    return conn, await get_websocket_manager(ctx)\n\n\n\
        def sync_path(ctx):\n    return connect(), get_websocket_manager(ctx), helper()\n";
    let pairs = "id: two-pairs\npairs:\n  - sync: connect\n    async: connect_async\n  \
        - sync: get_websocket_manager\n    async: get_websocket_manager_async\nprefer: async\n";
    for dir in [before.path(), after.path()] {
        std::fs::write(dir.join("service.py"), service).unwrap();
    }
    std::fs::write(after.path().join("pairs.yaml"), pairs).unwrap();
    let awaitfix = |args: &[&str]| {
        assert_cmd::Command::cargo_bin("awaitfix")
            .unwrap()
            .args(args)
            .current_dir(after.path())
            .output()
            .unwrap()
    };
    let apply = awaitfix(&["apply", "--transform", "pairs.yaml", "service.py"]);
    assert_eq!(apply.status.code(), Some(0), "{}", String::from_utf8_lossy(&apply.stderr));
    let fixed = std::fs::read_to_string(after.path().join("service.py")).unwrap();
    assert!(
        fixed.contains("await connect_async()") && fixed.contains("await get_websocket_manager_async(ctx)"),
        "{fixed}"
    );
    let again = awaitfix(&["diff", "--transform", "pairs.yaml", "service.py"]);
    assert_eq!(
        again.status.code(),
        Some(0),
        "a second run changes:\n{}",
        String::from_utf8_lossy(&again.stdout)
    );
    support::python_compiles("service.py", &fixed);
    let new = introduced(before.path(), after.path());
    assert!(new.is_empty(), "the fix adds lint findings:\n{}\n{fixed}", new.join("\n"));
}
