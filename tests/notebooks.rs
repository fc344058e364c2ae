//! Jupyter notebooks end to end: findings placed in their cells, magics masked without moving positions,
//! `apply` rewriting only cell sources (checked with python3's `json`, and `nbformat` when installed), `diff`
//! that `git apply` takes, and bad notebooks reported as one line with nothing written.

use std::path::Path;
use std::process::Command as Process;

use assert_cmd::Command;

const SITES: &str = include_str!("fixtures/notebooks/sites.ipynb");

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

impl Run {
    /// The one `error:` line of a run that failed on a file (exit 2).
    fn the_error(&self) -> &str {
        assert_eq!(self.code, 2, "{}", self.stdout);
        let errors: Vec<&str> = self.stderr.lines().filter(|l| l.starts_with("error:")).collect();
        assert_eq!(errors.len(), 1, "{}", self.stderr);
        errors[0]
    }
}

fn awaitfix(dir: &Path, args: &[&str]) -> Run {
    let out = Command::cargo_bin("awaitfix")
        .unwrap()
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .args(args)
        .output()
        .unwrap();
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8(out.stdout).unwrap(),
        stderr: String::from_utf8(out.stderr).unwrap(),
    }
}

/// A new folder holding `files` (name, text).
fn tree(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in files {
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    dir
}

/// Runs a python3 script on `args`; its stdout, or a panic with its stderr.
fn python(script: &str, args: &[&Path]) -> String {
    let out = Process::new("python3").arg("-c").arg(script).args(args).output().expect("python3 runs");
    assert!(out.status.success(), "python3 failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn check_places_findings_in_their_cells() {
    let dir = tree(&[("sites.ipynb", SITES)]);
    let run = awaitfix(dir.path(), &["check", "sites.ipynb"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    insta::with_settings!({ snapshot_path => "../snapshots", prepend_module_to_snapshot => false }, {
        insta::assert_snapshot!("notebook_check_text", run.stdout);
    });
}

#[test]
fn json_and_sarif_name_the_cell() {
    let dir = tree(&[("sites.ipynb", SITES)]);
    let run = awaitfix(dir.path(), &["check", "--format", "json", "sites.ipynb"]);
    let found: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let places: Vec<_> = (found.as_array().unwrap().iter())
        .map(|d| (d["cell"].as_u64(), d["line"].as_u64(), d["column"].as_u64()))
        .collect();
    assert_eq!(
        places,
        [(Some(4), Some(2), Some(5)), (Some(5), Some(4), Some(15)), (Some(6), Some(2), Some(9))]
    );
    let run = awaitfix(dir.path(), &["check", "--format", "sarif", "sites.ipynb"]);
    let sarif: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let location = &sarif["runs"][0]["results"][0]["locations"][0];
    assert_eq!(location["properties"]["cell"], 4);
    assert_eq!(location["physicalLocation"]["region"]["startLine"], 2);
}

/// The script that compares two notebooks: the same JSON but for the `source` of the code cells that
/// changed, which it prints; and `nbformat.validate` when nbformat is installed.
const ROUND_TRIP: &str = r#"
import json, sys
before, after = (json.load(open(p, encoding="utf-8")) for p in sys.argv[1:3])
changed = []
for i, (a, b) in enumerate(zip(before["cells"], after["cells"])):
    if a["source"] != b["source"]:
        assert a["cell_type"] == "code", i
        changed.append(i + 1)
        a = dict(a, source=b["source"])
    assert a == b, (i, a, b)
assert len(before["cells"]) == len(after["cells"])
assert {k: v for k, v in before.items() if k != "cells"} == {k: v for k, v in after.items() if k != "cells"}
try:
    import nbformat
except ImportError:
    print("no nbformat;", end=" ")
else:
    nbformat.validate(nbformat.reads(open(sys.argv[2], encoding="utf-8").read(), as_version=4))
print(*changed)
"#;

#[test]
fn apply_rewrites_only_the_cells_sources() {
    let dir = tree(&[("sites.ipynb", SITES)]);
    let run = awaitfix(dir.path(), &["apply", "sites.ipynb"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(run.stderr.contains("fixed 3 sites in 1 file"), "{}", run.stderr);
    let after = std::fs::read_to_string(dir.path().join("sites.ipynb")).unwrap();
    // Byte for byte: outputs, metadata, indentation, escaping and the last newline are as they were.
    let expected = SITES
        .replace("\"m = await get_websocket_manager(ctx)", "\"m = get_websocket_manager(ctx)")
        .replace("\"    manager = await get_", "\"    manager = get_")
        .replace("\"again = await get_", "\"again = get_");
    assert_eq!(after, expected);
    let path = dir.path().join("sites.ipynb");
    python("import json.tool, sys; sys.argv[1:] = sys.argv[1:2]; json.tool.main()", &[&path]);
    std::fs::write(dir.path().join("before.ipynb"), SITES).unwrap();
    let changed = python(ROUND_TRIP, &[&dir.path().join("before.ipynb"), &path]);
    assert!(changed.trim_end().ends_with("4 5 6"), "{changed}");
    let again = awaitfix(dir.path(), &["check", "sites.ipynb"]);
    assert_eq!((again.code, again.stdout.trim_end()), (0, "No sites to fix in 1 file."));
}

/// `diff` is a patch of the JSON file that `git apply` takes and that gives what `apply` writes, in both
/// fix modes (with `--prefer async` the import of another cell changes too: the top level is async).
#[test]
fn diff_through_git_apply_equals_apply() {
    for prefer in ["sync", "async"] {
        let patched = tree(&[("sites.ipynb", SITES)]);
        let applied = tree(&[("sites.ipynb", SITES)]);
        let diff = awaitfix(patched.path(), &["diff", "--prefer", prefer, "sites.ipynb"]);
        assert_eq!(diff.code, 1, "{}", diff.stderr);
        std::fs::write(patched.path().join("fix.patch"), &diff.stdout).unwrap();
        let git =
            Process::new("git").args(["apply", "fix.patch"]).current_dir(patched.path()).output().unwrap();
        assert!(git.status.success(), "{}\n{}", String::from_utf8_lossy(&git.stderr), diff.stdout);
        assert_eq!(awaitfix(applied.path(), &["apply", "--prefer", prefer, "sites.ipynb"]).code, 0);
        let read = |dir: &tempfile::TempDir| std::fs::read_to_string(dir.path().join("sites.ipynb")).unwrap();
        assert_eq!(read(&patched), read(&applied), "prefer {prefer}");
        if prefer == "async" {
            assert!(read(&applied).contains("\"from ws import get_websocket_manager_async\\n\""));
            assert!(read(&applied).contains("\"m = await get_websocket_manager_async(ctx)\\n\""));
        }
    }
}

/// A cell that does not parse is one line naming the notebook and the cell, and nothing is written.
#[test]
fn a_cell_with_a_syntax_error_is_one_line_and_nothing_is_written() {
    let notebook = SITES.replace("\"print(m)  # → the manager\"", "\"print(m  # → the manager\"");
    let dir = tree(&[("broken.ipynb", &notebook)]);
    for command in ["check", "apply"] {
        let run = awaitfix(dir.path(), &[command, "broken.ipynb"]);
        assert!(
            run.the_error().starts_with("error: broken.ipynb:cell 4:3:6: syntax error"),
            "{}",
            run.stderr
        );
    }
    assert_eq!(std::fs::read_to_string(dir.path().join("broken.ipynb")).unwrap(), notebook);
}

#[test]
fn invalid_notebook_json_is_one_line_and_nothing_is_written() {
    let truncated = &SITES[..SITES.len() / 2];
    let dir = tree(&[("cut.ipynb", truncated)]);
    let run = awaitfix(dir.path(), &["apply", "cut.ipynb"]);
    assert!(run.the_error().starts_with("error: cut.ipynb: not a valid notebook (EOF"), "{}", run.stderr);
    assert_eq!(std::fs::read_to_string(dir.path().join("cut.ipynb")).unwrap(), truncated);
}

/// Walking a folder reads notebooks only when the configuration's `extend-include` asks for them, as ruff.
#[test]
fn walking_reads_notebooks_with_extend_include() {
    let dir = tree(&[("sites.ipynb", SITES), ("a.py", "x = 1\n")]);
    let run = awaitfix(dir.path(), &["check", "."]);
    assert_eq!((run.code, run.stdout.trim_end()), (0, "No sites to fix in 1 file."));
    std::fs::write(dir.path().join("pyproject.toml"), "[tool.awaitfix]\nextend-include = [\"*.ipynb\"]\n")
        .unwrap();
    let run = awaitfix(dir.path(), &["check", "."]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stdout.contains("sites.ipynb:cell 5:4:15: AWF001"), "{}", run.stdout);
}

/// Runs a notebook's code cells as IPython does: one namespace, one event loop, top-level `await` compiled
/// with `PyCF_ALLOW_TOP_LEVEL_AWAIT`; line magics and shell escapes do nothing, a `%%` cell is skipped.
const RUN_CELLS: &str = r#"
import ast, asyncio, json, re, sys
loop, namespace = asyncio.new_event_loop(), {}
for cell in json.load(open(sys.argv[1], encoding="utf-8"))["cells"]:
    source = "".join(cell["source"])
    if cell["cell_type"] != "code" or source.startswith("%%"):
        continue
    source = re.sub(r"(?m)^(\s*)[%!].*$", r"\1pass", source)
    code = compile(source, "cell", "exec", flags=ast.PyCF_ALLOW_TOP_LEVEL_AWAIT)
    result = eval(code, namespace)
    if asyncio.iscoroutine(result):
        loop.run_until_complete(result)
"#;

/// The end-to-end proof: the notebook's awaited sync call raises TypeError when run as IPython runs it, and
/// runs after `apply`, with either fix.
#[test]
fn a_fixed_notebook_runs() {
    let ws = "class Manager:\n    pass\n\ndef get_websocket_manager(ctx):\n    return Manager()\n\n\
              async def get_websocket_manager_async(ctx):\n    return Manager()\n";
    let cell = |source: &[&str]| {
        serde_json::json!({"cell_type": "code", "execution_count": null,
        "metadata": {}, "outputs": [], "source": source})
    };
    let notebook = serde_json::json!({"cells": [
        {"cell_type": "markdown", "metadata": {}, "source": ["# Managers"]},
        cell(&["%load_ext autoreload\n", "from ws import get_websocket_manager\n", "ctx = {}"]),
        cell(&["!echo connecting\n", "m = await get_websocket_manager(ctx)\n", "print(type(m).__name__)"]),
    ], "metadata": {}, "nbformat": 4, "nbformat_minor": 5});
    let text = serde_json::to_string_pretty(&notebook).unwrap() + "\n";
    for prefer in ["sync", "async"] {
        let dir = tree(&[("ws.py", ws), ("managers.ipynb", &text)]);
        let path = dir.path().join("managers.ipynb");
        let before =
            Process::new("python3").arg("-c").arg(RUN_CELLS).arg(&path).current_dir(dir.path()).output();
        let before = before.unwrap();
        assert!(String::from_utf8_lossy(&before.stderr).contains("TypeError"), "{before:?}");
        let run = awaitfix(dir.path(), &["apply", "--prefer", prefer, "managers.ipynb"]);
        assert_eq!(run.code, 0, "{}", run.stderr);
        let out =
            Process::new("python3").arg("-c").arg(RUN_CELLS).arg(&path).current_dir(dir.path()).output();
        let out = out.unwrap();
        assert!(out.status.success(), "prefer {prefer}: {}", String::from_utf8_lossy(&out.stderr));
        assert_eq!(String::from_utf8_lossy(&out.stdout), "Manager\n");
    }
}

/// The pull-request description names a notebook's sites by cell, as `check` does.
#[test]
fn pr_body_names_the_cell() {
    let dir = tree(&[("sites.ipynb", SITES)]);
    let run = awaitfix(dir.path(), &["diff", "--pr-body", "body.md", "sites.ipynb"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let body = std::fs::read_to_string(dir.path().join("body.md")).unwrap();
    assert!(body.contains("| `sites.ipynb:cell 4:2` | `m = await get_websocket_manager(ctx)` |"), "{body}");
}

/// At a notebook's top level a coroutine can be awaited (IPython runs it as a coroutine): an unawaited
/// `F_async(...)` there is fixed by awaiting it (AWF002), not by calling the sync twin as in a module.
#[test]
fn a_top_level_coroutine_is_awaited() {
    let notebook = r#"{"cells": [{"cell_type": "code", "source": [
        "from ws import get_websocket_manager_async\n", "get_websocket_manager_async(ctx)\n"]}]}"#;
    let dir = tree(&[("top.ipynb", notebook)]);
    let run = awaitfix(dir.path(), &["apply", "top.ipynb"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let after = std::fs::read_to_string(dir.path().join("top.ipynb")).unwrap();
    assert_eq!(
        after,
        notebook.replace("\"get_websocket_manager_async(", "\"await get_websocket_manager_async(")
    );
}

/// `awaitfix` run in `dir` with `input` on stdin, git's own configuration shut out.
fn awaitfix_with_input(dir: &Path, args: &[&str], input: &str) -> Run {
    let out = Command::cargo_bin("awaitfix")
        .unwrap()
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env("HOME", dir)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .args(args)
        .write_stdin(input)
        .output()
        .unwrap();
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8(out.stdout).unwrap(),
        stderr: String::from_utf8(out.stderr).unwrap(),
    }
}

/// The three sites of `SITES` fixed (sync) as `wanted` says, the rest of the JSON as it was.
fn sites_fixed(wanted: [bool; 3]) -> String {
    let edits = [
        ("\"m = await get_websocket_manager(ctx)", "\"m = get_websocket_manager(ctx)"),
        ("\"    manager = await get_", "\"    manager = get_"),
        ("\"again = await get_", "\"again = get_"),
    ];
    let mut text = SITES.to_string();
    for ((from, to), _) in edits.iter().zip(wanted).filter(|(_, wanted)| *wanted) {
        text = text.replace(from, to);
    }
    text
}

#[test]
fn apply_interactively_asks_per_site_by_cell_and_writes_only_the_accepted_sites() {
    let dir = tree(&[("sites.ipynb", SITES)]);
    let run = awaitfix_with_input(dir.path(), &["apply", "-i", "sites.ipynb"], "y\nn\ny\n");
    assert_eq!(run.code, 1, "a site is left: {}", run.stderr);
    for (n, place) in ["cell 4:2:5", "cell 5:4:15", "cell 6:2:9"].iter().enumerate() {
        let asked = format!("sites.ipynb:{place}: AWF001 ");
        assert!(run.stderr.contains(&asked), "{asked}\n{}", run.stderr);
        assert!(run.stderr.contains(&format!("({}/3) Fix this site", n + 1)), "{}", run.stderr);
    }
    // Each prompt shows the site's own fix in the notebook's JSON, as `diff` shows it.
    assert!(run.stderr.contains(
        "-    \"m = await get_websocket_manager(ctx)\\n\",\n+    \"m = get_websocket_manager(ctx)\\n\","
    ));
    let path = dir.path().join("sites.ipynb");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), sites_fixed([true, false, true]));
    python("import json.tool, sys; sys.argv[1:] = sys.argv[1:2]; json.tool.main()", &[&path]);
    std::fs::write(dir.path().join("before.ipynb"), SITES).unwrap();
    let changed = python(ROUND_TRIP, &[&dir.path().join("before.ipynb"), &path]);
    assert!(changed.trim_end().ends_with("4 6"), "{changed}");
}

/// A repository in `dir` holding `files`, committed on `main`.
fn repository(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tree(files);
    let git = |args: &[&str]| {
        let out = Process::new("git")
            .args(args)
            .current_dir(dir.path())
            .env("HOME", dir.path())
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .output()
            .unwrap();
        assert!(out.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).unwrap()
    };
    git(&["init", "-q", "-b", "main"]);
    git(&["config", "user.name", "Dev One"]);
    git(&["config", "user.email", "dev@example.com"]);
    git(&["add", "-A"]);
    git(&["commit", "-qm", "initial"]);
    dir
}

fn git_show(dir: &Path, object: &str) -> String {
    let out = Process::new("git").args(["show", object]).current_dir(dir).env("HOME", dir).output().unwrap();
    assert!(out.status.success(), "git show {object}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn commit_commits_the_rewritten_notebook_and_the_pr_body_names_cells() {
    let dir = repository(&[("sites.ipynb", SITES)]);
    let args = ["commit", "--prefer", "async", "--pr-body", "body.md", "sites.ipynb"];
    let run = awaitfix_with_input(dir.path(), &args, "");
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.contains("committed 3 sites in 1 file"), "{}", run.stderr);
    // The blob is the notebook as `apply` writes it: only the cells' sources changed.
    let applied = tree(&[("sites.ipynb", SITES)]);
    assert_eq!(awaitfix(applied.path(), &["apply", "--prefer", "async", "sites.ipynb"]).code, 0);
    let expected = std::fs::read_to_string(applied.path().join("sites.ipynb")).unwrap();
    assert_eq!(git_show(dir.path(), "awaitfix/websocket-manager:sites.ipynb"), expected);
    assert_eq!(std::fs::read_to_string(dir.path().join("sites.ipynb")).unwrap(), expected, "checked out");
    let body = std::fs::read_to_string(dir.path().join("body.md")).unwrap();
    assert!(body.contains("| `sites.ipynb:cell 4:2` | `m = await get_websocket_manager(ctx)` |"), "{body}");
    assert!(
        body.contains("| `sites.ipynb:cell 2:3` | `from ws import get_websocket_manager` |"),
        "the import row names its cell too: {body}"
    );
}

#[test]
fn commit_interactively_commits_only_the_accepted_sites_of_a_notebook() {
    let dir = repository(&[("sites.ipynb", SITES)]);
    let run = awaitfix_with_input(dir.path(), &["commit", "-i", "sites.ipynb"], "n\ny\nn\n");
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.contains("sites.ipynb:cell 5:4:15: AWF001 "), "{}", run.stderr);
    let committed = git_show(dir.path(), "awaitfix/websocket-manager:sites.ipynb");
    assert_eq!(committed, sites_fixed([false, true, false]));
}

/// `apply -` on a notebook's JSON, named by `--stdin-filename`, prints the fixed notebook (it was refused, as
/// `apply` planned stdin as `commit` plans files).
#[test]
fn apply_on_stdin_prints_the_fixed_notebook() {
    let dir = tree(&[]);
    let run = awaitfix_with_input(dir.path(), &["apply", "-", "--stdin-filename", "sites.ipynb"], SITES);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stdout, sites_fixed([true, true, true]));
}

/// With `--allow-dirty`, the committed notebook and the user's unsaved-to-git version are each planned from
/// their own JSON: the commit holds the fixed committed version, the work tree keeps the user's change fixed.
#[test]
fn commit_fixes_the_committed_and_the_modified_notebook_each_from_its_own_json() {
    let dir = repository(&[("sites.ipynb", SITES)]);
    let edited = SITES.replace("\"# Websockets — état\\n\"", "\"# Websockets — état (draft)\\n\"");
    assert_ne!(edited, SITES);
    std::fs::write(dir.path().join("sites.ipynb"), &edited).unwrap();
    let run = awaitfix_with_input(dir.path(), &["commit", "--allow-dirty", "sites.ipynb"], "");
    assert_eq!(run.code, 0, "{}", run.stderr);
    let fixed = sites_fixed([true, true, true]);
    assert_eq!(git_show(dir.path(), "awaitfix/websocket-manager:sites.ipynb"), fixed);
    let work = std::fs::read_to_string(dir.path().join("sites.ipynb")).unwrap();
    assert_eq!(work, fixed.replace("état\\n\"", "état (draft)\\n\""));
}
