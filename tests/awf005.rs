//! AWF005 through the command line, on a copy of `tests/fixtures/project`: the findings of `check --project`
//! in every format (snapshots), the unsafe drop-await fix that only `--unsafe-fixes` makes, and python3
//! running the fixed tree: each path that raised the TypeError runs, but the `@asynccontextmanager` misuse,
//! which has no fix.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use assert_cmd::cargo::CommandCargoExt;

mod support;
use support::{assert_valid_sarif, copy_tree};

/// A copy of the fixture project.
fn project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/project"), dir.path());
    dir
}

/// Runs awaitfix in `dir`: (exit code, stdout, stderr).
fn awaitfix(dir: &Path, args: &[&str]) -> (Option<i32>, String, String) {
    let out = Command::cargo_bin("awaitfix")
        .unwrap()
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env_remove("CI")
        .args(args)
        .output()
        .unwrap();
    let text = |bytes: &[u8]| String::from_utf8_lossy(bytes).into_owned();
    (out.status.code(), text(&out.stdout), text(&out.stderr))
}

fn snapshot(name: &str, value: &str) {
    insta::with_settings!({ snapshot_path => "../snapshots", prepend_module_to_snapshot => false }, {
        insta::assert_snapshot!(name, value);
    });
}

/// `run.py`'s verdict on each path of `app/handlers.py`: true when awaiting raised the TypeError.
fn run_paths(dir: &Path) -> BTreeMap<String, bool> {
    let out = Command::new("python3")
        .arg("run.py")
        .current_dir(dir)
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .output()
        .expect("python3 runs");
    assert!(out.status.success(), "run.py failed:\n{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| l.split_once(": "))
        .map(|(name, verdict)| (name.to_string(), verdict == "raises"))
        .collect()
}

/// The lines of `check`'s text output that report `code`.
fn lines_of(stdout: &str, code: &str) -> Vec<String> {
    stdout.lines().filter(|l| l.contains(&format!(" {code} "))).map(str::to_string).collect()
}

#[test]
fn check_project_reports_each_condemned_site_once_with_its_chain() {
    let dir = project();
    let (code, stdout, stderr) = awaitfix(dir.path(), &["check", "--project", "."]);
    assert_eq!(code, Some(1), "{stderr}");
    snapshot("awf005_check_text", &stdout);
    // Sites of the built-in pair are AWF001's alone.
    for line in lines_of(&stdout, "AWF001") {
        let at = line.split(": ").next().unwrap();
        assert_eq!(stdout.matches(&format!("{at}: ")).count(), 1, "{at} reported twice");
    }
}

/// Guards plain `check`'s speed and output: without `--project` the project-wide rule does not run.
#[test]
fn plain_check_reports_no_awf005() {
    let dir = project();
    let (code, stdout, _) = awaitfix(dir.path(), &["check", "."]);
    assert_eq!(code, Some(1));
    assert!(lines_of(&stdout, "AWF005").is_empty(), "{stdout}");
    assert_eq!(lines_of(&stdout, "AWF001").len(), 3, "{stdout}");
}

#[test]
fn the_configuration_turns_the_project_rule_on() {
    let dir = project();
    std::fs::write(dir.path().join("pyproject.toml"), "[tool.awaitfix]\nproject = true\n").unwrap();
    let (_, stdout, stderr) = awaitfix(dir.path(), &["check", "."]);
    assert_eq!(lines_of(&stdout, "AWF005").len(), 9, "{stdout}{stderr}");
}

#[test]
fn json_and_sarif_carry_the_chain() {
    let dir = project();
    let (_, json, _) = awaitfix(dir.path(), &["check", "--project", "--format", "json", "app/handlers.py"]);
    snapshot("awf005_check_json", &json);
    let found: Vec<serde_json::Value> = serde_json::from_str(&json).unwrap();
    let first = found.iter().find(|f| f["code"] == "AWF005").expect("an AWF005 finding");
    assert_eq!(first["unsafe_fix"], true);
    assert_eq!(first["fixable"], false);
    let last = first["chain"].as_array().unwrap().last().unwrap();
    assert_eq!(
        (last["module"].as_str(), last["path"].as_str(), last["line"].as_u64()),
        (Some("app.ws.factory"), Some("app/ws/factory.py"), Some(6))
    );

    let (_, sarif, _) = awaitfix(dir.path(), &["check", "--project", "--format", "sarif", "app/handlers.py"]);
    assert_valid_sarif(&sarif);
    // The base of the relative URIs is the temp dir's absolute URI, which differs from run to run.
    let root = format!("file://{}/", dir.path().canonicalize().unwrap().display());
    snapshot("awf005_check_sarif", &sarif.replace(&root, "file:///ROOT/"));

    let (_, github, _) =
        awaitfix(dir.path(), &["check", "--project", "--format", "github", "app/handlers.py"]);
    let annotation = github.lines().find(|l| l.contains("AWF005")).expect("an AWF005 annotation");
    assert!(annotation.starts_with("::error "), "{annotation}");
    assert!(annotation.contains("reached via app.handlers.create_websocket_manager → "), "{annotation}");
    assert!(annotation.contains("run `awaitfix apply --unsafe-fixes`"), "{annotation}");
}

/// Guards the promise of `Unsafe`: without `--unsafe-fixes` no AWF005 site is rewritten.
#[test]
fn apply_without_the_flag_leaves_awf005_sites_alone() {
    let dir = project();
    let (code, _, stderr) = awaitfix(dir.path(), &["apply", "--project", "."]);
    assert_eq!(code, Some(1), "sites are left: {stderr}");
    assert!(
        stderr.contains("fixed 3 sites in 1 file; 8 sites more with `--unsafe-fixes`; 1 site to review"),
        "{stderr}"
    );
    let (_, stdout, _) = awaitfix(dir.path(), &["check", "--project", "."]);
    assert!(lines_of(&stdout, "AWF001").is_empty(), "{stdout}");
    assert_eq!(lines_of(&stdout, "AWF005").len(), 9, "{stdout}");
    let (_, diff, _) = awaitfix(dir.path(), &["diff", "--project", "."]);
    assert!(diff.is_empty(), "{diff}");
}

#[test]
fn diff_with_unsafe_fixes_shows_the_dropped_awaits_and_the_pr_body_what_they_resolve_to() {
    let dir = project();
    let (code, diff, stderr) =
        awaitfix(dir.path(), &["diff", "--project", "--unsafe-fixes", "--pr-body", "pr.md", "."]);
    assert_eq!(code, Some(1), "{stderr}");
    snapshot("awf005_diff_unsafe_fixes", &diff);
    let body = std::fs::read_to_string(dir.path().join("pr.md")).unwrap();
    assert!(
        body.contains(
            "| `app/handlers.py:13` → `app.ws.factory.create_defensive_user_execution_context` at \
             `app/ws/factory.py:6` |"
        ),
        "{body}"
    );
    assert!(body.contains("use `async with acm.session(...)` instead"), "the site to review: {body}");
}

/// The end-to-end proof: after `apply --unsafe-fixes`, every path that raised the TypeError runs but the
/// async context manager's, which needs `async with` by hand; `check --project` then reports that one alone.
#[test]
fn apply_with_unsafe_fixes_makes_the_paths_run() {
    let dir = project();
    let before = run_paths(dir.path());
    assert_eq!(before.values().filter(|raises| **raises).count(), 12, "{before:?}");
    let (code, _, stderr) = awaitfix(dir.path(), &["apply", "--project", "--unsafe-fixes", "."]);
    assert_eq!(code, Some(1), "the site to review is left: {stderr}");
    assert!(stderr.contains("fixed 11 sites in 1 file"), "{stderr}");
    let after = run_paths(dir.path());
    let raising: Vec<&String> = after.iter().filter(|(_, raises)| **raises).map(|(name, _)| name).collect();
    assert_eq!(raising, ["path_async_context_manager"]);
    assert_eq!(after.len(), before.len());

    let (code, stdout, _) = awaitfix(dir.path(), &["check", "--project", "."]);
    assert_eq!(code, Some(1));
    let left = lines_of(&stdout, "AWF005");
    assert_eq!(left.len(), 1, "{stdout}");
    assert!(left[0].contains("`acm.session`"), "{stdout}");
    let (_, again, _) = awaitfix(dir.path(), &["apply", "--project", "--unsafe-fixes", "."]);
    assert!(again.is_empty());
}

/// AWF005 findings of `path` from the partial parse `check` uses, and from one parse of the whole file:
/// (line, message) each.
fn partial_and_whole(engine: &awaitfix::engine::Engine, path: &Path) -> (Vec<String>, Vec<String>) {
    let bytes = std::fs::read(path).unwrap();
    let text = String::from_utf8(bytes.clone()).unwrap();
    let shown = |findings: Vec<awaitfix::finding::Finding>| -> Vec<String> {
        (findings.into_iter())
            .filter(|f| f.rule.code() == "AWF005")
            .map(|f| format!("{}: {}", text[..f.range.start].matches('\n').count() + 1, f.message))
            .collect()
    };
    let partial = awaitfix::partial::partial_findings(engine, path, &bytes).expect("a partial parse");
    let whole = awaitfix::plan::plan(
        engine,
        path,
        &bytes,
        awaitfix::plan::Want::Whole,
        &awaitfix::selection::Selection::all(),
    )
    .unwrap();
    (shown(partial), shown(whole.findings))
}

fn engine_for(root: &Path) -> awaitfix::engine::Engine {
    let transforms = awaitfix::transform::builtins().unwrap();
    awaitfix::engine::Engine::new(transforms).with_project(&[root.to_path_buf()], true)
}

/// Guards the partial parse of `check --project`: it parses the statements that await and those that bind
/// the names awaited, and must find what the whole parse finds, also where a name is bound again in the
/// function by a statement that does not await.
#[test]
fn the_partial_parse_finds_what_the_whole_parse_finds() {
    let dir = project();
    let filler: String = (0..60).map(|i| format!("def filler{i}(x):\n    return x + {i}\n\n\n")).collect();
    let user = format!(
        "\
from app.returns import returns_none, returns_coroutine
from app import returns
from app import returns as rebound


{filler}async def flagged(user):
    return await returns_none(user)


async def rebound_locally(user):
    returns_none = returns_coroutine
    return await returns_none(user)


async def parameter(user, returns_none=returns_coroutine):
    return await returns_none(user)


async def global_rebound(user):
    global rebound
    rebound = None
    return await rebound.returns_none(user)


async def attribute(user):
    return await returns.returns_none(user)
"
    );
    let path = dir.path().join("app/partial_user.py");
    std::fs::write(&path, user).unwrap();
    let engine = engine_for(dir.path());
    let (partial, whole) = partial_and_whole(&engine, &path);
    assert_eq!(partial, whole);
    let lines: Vec<&str> = whole.iter().map(|f| f.split(':').next().unwrap()).collect();
    // Not `rebound`: a function rebinds that global, which the index cannot follow.
    assert_eq!(lines, ["247", "266"], "{whole:#?}");

    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir.path().join("app")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "py") {
            files.push(path);
        }
    }
    for path in files {
        let (partial, whole) = partial_and_whole(&engine, &path);
        assert_eq!(partial, whole, "{}", path.display());
    }
}

/// Guards the filter that leaves unparsed the `await`s the index cannot condemn (`project::lexical`): callees
/// it cannot read, names imported in the function, star imports, names bound at module level in unusual
/// ways, and names it must leave alone; the partial parse finds what the whole parse finds.
#[test]
fn the_awaits_left_unparsed_hold_no_site() {
    let dir = project();
    let user = "\
from app.returns import *
from app import returns as module_alias

if True:
    conditional = returns_none
(walrus := returns_none)
for looped in [returns_none]:
    pass


@decorate(decorated := returns_none)
class Holder:
    attribute = returns_none

    async def method(self, user):
        return await attribute(user)


async def unreadable(user, items):
    a = await (returns_none)(user)
    b = [await returns_none
         (user) for _ in items]
    c = await module_alias  \\
        .returns_none(user)
    d = await returns_none  # a comment
    return a, b, c, d


async def local_imports(user):
    try:
        from app.returns import returns_none as guarded
    except ImportError:
        raise
    from app.returns import (  # the helpers
        returns_none as helper,
    )
    await guarded(user)
    await helper(user)


if True:
    async def nested_in_a_block(user):
        from app.redefined import first_async as in_a_block
        await in_a_block(user)


async def one_line(user): from app.redefined import first_async as on_one_line; await on_one_line(user)


async def bound_oddly(user):
    await conditional(user)
    await walrus(user)
    await looped(user)
    await decorated(user)
    await returns_generator(user)
    await returns_coroutine(user)
    await user.returns_none(user)
";
    let path = dir.path().join("app/filtered_user.py");
    std::fs::write(&path, user).unwrap();
    let engine = engine_for(dir.path());
    let (partial, whole) = partial_and_whole(&engine, &path);
    assert_eq!(partial, whole);
    let condemned: Vec<&str> = whole.iter().map(|f| f.split_once(": `").unwrap().1).collect();
    let callees: Vec<&str> = condemned.iter().map(|m| m.split('`').next().unwrap()).collect();
    assert_eq!(
        callees,
        [
            // Line-broken in brackets; not `(returns_none)(user)`, whose callee is no dotted name.
            "returns_none",
            "module_alias.returns_none",
            "guarded",
            "helper",
            "in_a_block",
            "on_one_line",
            "conditional",
            // Bound by the star import only. An assignment expression or a loop binds what the index does
            // not follow; a class attribute is no name of the method's.
            "returns_generator"
        ],
        "{whole:#?}"
    );
}
