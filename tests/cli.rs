//! The binary as users run it: output, exit codes and bad input, in temporary folders.

use std::path::Path;

use assert_cmd::Command;

const BAD: &str = "from app.ws import get_websocket_manager\n\n\nasync def handler(ctx):\n    manager = await get_websocket_manager(ctx)\n    return manager\n";
const GOOD: &str = "from app.ws import get_websocket_manager\n\n\nasync def handler(ctx):\n    manager = get_websocket_manager(ctx)\n    return manager\n";

fn awaitfix(dir: &Path) -> Command {
    let mut cmd = Command::cargo_bin("awaitfix").unwrap();
    cmd.current_dir(dir).env("NO_COLOR", "1");
    cmd
}

fn tree(files: &[(&str, &[u8])]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (path, content) in files {
        let path = dir.path().join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, content).unwrap();
    }
    dir
}

fn read(dir: &Path, path: &str) -> Vec<u8> {
    std::fs::read(dir.join(path)).unwrap()
}

fn stdout(cmd: &mut Command) -> (i32, String, String) {
    let out = cmd.output().unwrap();
    let code = out.status.code().unwrap();
    (code, String::from_utf8(out.stdout).unwrap(), String::from_utf8(out.stderr).unwrap())
}

#[test]
fn check_reports_sites_and_exits_1_then_0_after_apply() {
    let dir = tree(&[("app/routes.py", BAD.as_bytes()), ("app/clean.py", GOOD.as_bytes())]);
    let (code, out, _) = stdout(awaitfix(dir.path()).arg("check"));
    assert_eq!(code, 1);
    assert_eq!(
        out,
        "app/routes.py:5:15: AWF001 [*] `get_websocket_manager` is synchronous; awaiting it raises TypeError\n\
         Found 1 site in 1 file (1 fixable with `awaitfix apply`); 2 files checked.\n"
    );
    let (code, _, err) = stdout(awaitfix(dir.path()).arg("apply"));
    assert_eq!((code, err.as_str()), (0, "fixed 1 site in 1 file\n"));
    assert_eq!(read(dir.path(), "app/routes.py"), GOOD.as_bytes());
    let (code, out, _) = stdout(awaitfix(dir.path()).arg("check"));
    assert_eq!((code, out.as_str()), (0, "No sites to fix in 2 files.\n"));
    let (code, _, err) = stdout(awaitfix(dir.path()).arg("apply"));
    assert_eq!((code, err.as_str()), (0, "fixed 0 sites in 0 files\n"), "a second apply changes nothing");
}

#[test]
fn check_json_lists_every_finding_with_its_status() {
    let intentional = "import pytest\nfrom app.ws import get_websocket_manager\n\n\nasync def test_it():\n    with pytest.raises(TypeError):\n        await get_websocket_manager()\n";
    let dir = tree(&[("a.py", BAD.as_bytes()), ("test_a.py", intentional.as_bytes())]);
    let (code, out, _) = stdout(awaitfix(dir.path()).args(["check", "--format", "json"]));
    assert_eq!(code, 1);
    let json: serde_json::Value = serde_json::from_str(&out).unwrap();
    let findings = json.as_array().unwrap();
    assert_eq!(findings.len(), 2);
    let first = &findings[0];
    assert_eq!(first["path"], "a.py");
    assert_eq!((first["line"].as_u64(), first["column"].as_u64()), (Some(5), Some(15)));
    assert_eq!((first["end_line"].as_u64(), first["end_column"].as_u64()), (Some(5), Some(47)));
    assert_eq!(first["code"], "AWF001");
    assert_eq!(first["transform"], "websocket-manager");
    assert_eq!(first["status"], "open");
    assert_eq!(first["fixable"], true);
    assert_eq!(first["fix"][0]["content"], "");
    assert_eq!(first["fix"][0]["column"].as_u64(), Some(15));
    assert_eq!(first["fix"][0]["end_column"].as_u64(), Some(21));
    assert_eq!(findings[1]["status"], "intentional");
    assert_eq!(findings[1]["fixable"], false);
    // Only intentional sites left: exit 0.
    let (code, _, _) = stdout(awaitfix(dir.path()).args(["check", "--format", "json", "test_a.py"]));
    assert_eq!(code, 0);
}

#[test]
fn verbose_lists_sites_left_alone() {
    let src = "from m import get_websocket_manager\n\n\nasync def f():\n    await get_websocket_manager()  # awaitfix: ignore\n";
    let dir = tree(&[("a.py", src.as_bytes())]);
    let (code, out, _) = stdout(awaitfix(dir.path()).arg("check"));
    assert_eq!(code, 0);
    assert_eq!(out, "No sites to fix in 1 file. Left alone: 0 intentional, 1 suppressed (-v lists them).\n");
    let (_, out, _) = stdout(awaitfix(dir.path()).args(["check", "-v"]));
    assert!(out.starts_with("a.py:5:5: AWF001 [suppressed] "), "{out}");
}

#[test]
fn diff_shows_changes_writes_nothing_and_exits_1() {
    let dir = tree(&[("pkg/a.py", BAD.as_bytes())]);
    let (code, out, err) = stdout(awaitfix(dir.path()).args(["diff", "pkg"]));
    assert_eq!(code, 1);
    assert_eq!(
        out,
        "--- a/pkg/a.py\n+++ b/pkg/a.py\n@@ -2,5 +2,5 @@\n \n \n async def handler(ctx):\n\
         -    manager = await get_websocket_manager(ctx)\n+    manager = get_websocket_manager(ctx)\n     return manager\n"
    );
    assert_eq!(err, "would fix 1 site in 1 file\n");
    assert_eq!(read(dir.path(), "pkg/a.py"), BAD.as_bytes());
    let (code, out, _) = stdout(awaitfix(dir.path()).args(["diff", "--stat", "pkg"]));
    assert_eq!(code, 1);
    assert_eq!(out, " pkg/a.py | 2 +-\n 1 file changed, 1 insertion(+), 1 deletion(-)\n");
}

#[test]
fn diff_output_applies_with_git_apply() {
    let dir = tree(&[("a.py", BAD.as_bytes())]);
    let (_, patch, _) = stdout(awaitfix(dir.path()).arg("diff"));
    std::fs::write(dir.path().join("fix.patch"), patch).unwrap();
    let status = std::process::Command::new("git")
        .args(["apply", "--unsafe-paths", "fix.patch"])
        .current_dir(dir.path())
        .status()
        .unwrap();
    assert!(status.success());
    assert_eq!(read(dir.path(), "a.py"), GOOD.as_bytes());
}

#[test]
fn diff_colours_only_when_asked() {
    let dir = tree(&[("a.py", BAD.as_bytes())]);
    let (_, plain, _) = stdout(awaitfix(dir.path()).arg("diff"));
    assert!(!plain.contains('\x1b'), "not a terminal: no colour");
    let mut cmd = awaitfix(dir.path());
    cmd.env_remove("NO_COLOR").args(["diff", "--color", "always"]);
    let (_, coloured, _) = stdout(&mut cmd);
    assert!(coloured.contains("\x1b[31m-    manager = await"), "{coloured:?}");
}

/// `FORCE_COLOR` colours output off a terminal (CI logs); `NO_COLOR` wins over it; `--color never` over both.
#[test]
fn force_color_colours_piped_output_unless_no_color() {
    let dir = tree(&[("a.py", BAD.as_bytes())]);
    let coloured = |cmd: &mut Command| stdout(cmd).1.contains('\x1b');
    let mut forced = Command::cargo_bin("awaitfix").unwrap();
    forced.current_dir(dir.path()).env_remove("NO_COLOR").env("FORCE_COLOR", "1").arg("check");
    assert!(coloured(&mut forced));
    assert!(!coloured(awaitfix(dir.path()).env("FORCE_COLOR", "1").arg("check")), "NO_COLOR wins");
    let mut never = Command::cargo_bin("awaitfix").unwrap();
    never
        .current_dir(dir.path())
        .env_remove("NO_COLOR")
        .env("FORCE_COLOR", "1")
        .args(["--color", "never", "check"]);
    assert!(!coloured(&mut never));
}

#[test]
fn nothing_to_change_exits_0() {
    let dir = tree(&[("a.py", GOOD.as_bytes())]);
    assert_eq!(stdout(awaitfix(dir.path()).arg("diff")).0, 0);
    assert_eq!(stdout(awaitfix(dir.path()).arg("check")).0, 0);
}

#[test]
fn syntax_error_beside_a_fixable_file() {
    let broken = "from m import get_websocket_manager\n\nasync def f(:\n    await get_websocket_manager()\n";
    let dir = tree(&[("a_broken.py", broken.as_bytes()), ("b.py", BAD.as_bytes())]);
    let (code, out, err) = stdout(awaitfix(dir.path()).arg("check"));
    assert_eq!(code, 2, "a file that does not parse makes the exit code 2");
    assert!(out.contains("b.py:5:15: AWF001"), "the run goes on: {out}");
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.starts_with("error: a_broken.py:3:"), "{err}");
    assert!(err.contains("syntax error"), "{err}");
    let (code, out, _) = stdout(awaitfix(dir.path()).args(["check", "--format", "json"]));
    assert_eq!(code, 2);
    let entries: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(entries.as_array().unwrap().len(), 1, "the array holds the findings alone, as it always did");
    let (code, out, _) = stdout(awaitfix(dir.path()).args(["check", "--format", "json-lines"]));
    assert_eq!(code, 2);
    let lines: Vec<serde_json::Value> = out.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 2, "the finding of b.py, then the failure of a_broken.py: {out}");
    assert_eq!(lines[0]["code"], "AWF001");
    let failure = &lines[1];
    assert_eq!(
        (&failure["path"], &failure["line"], &failure["code"]),
        (&"a_broken.py".into(), &3.into(), &serde_json::Value::Null)
    );
    assert_eq!((&failure["status"], &failure["error"]), (&"error".into(), &"syntax".into()));
    let (code, _, err) = stdout(awaitfix(dir.path()).arg("apply"));
    assert_eq!(code, 2);
    assert!(err.contains("fixed 1 site in 1 file"), "{err}");
    assert_eq!(read(dir.path(), "a_broken.py"), broken.as_bytes(), "never rewritten");
    assert_eq!(read(dir.path(), "b.py"), GOOD.as_bytes());
}

/// `diff` parses only the statements it needs, so it shows fixes for a file that `apply` refuses to write
/// because of a syntax error elsewhere.
#[test]
fn syntax_error_away_from_the_site_is_seen_by_apply_only() {
    let filler = "def helper():\n    return 1\n\n\n".repeat(20);
    let broken = format!("{BAD}\n\n{filler}x = = 1\n");
    let dir = tree(&[("a.py", broken.as_bytes())]);
    let (code, out, _) = stdout(awaitfix(dir.path()).arg("diff"));
    assert_eq!(code, 1, "the site's statement parses, so the fix is shown");
    assert!(out.contains("+    manager = get_websocket_manager(ctx)"), "{out}");
    let (code, _, err) = stdout(awaitfix(dir.path()).arg("apply"));
    assert_eq!(code, 2);
    assert!(err.contains("a.py:89:5: syntax error"), "{err}");
    assert_eq!(read(dir.path(), "a.py"), broken.as_bytes(), "never rewritten");
}

#[test]
fn binary_file_named_py_is_reported_not_read() {
    let dir = tree(&[("blob.py", b"\x00\x01get_websocket_manager\xff"), ("b.py", BAD.as_bytes())]);
    let (code, out, err) = stdout(awaitfix(dir.path()).arg("check"));
    assert_eq!(code, 2);
    assert_eq!(err, "error: blob.py: binary file (contains a NUL byte); skipped\n");
    assert!(out.contains("b.py:5:15"));
}

#[test]
fn non_utf8_without_cookie_is_a_one_line_error() {
    let mut bytes = BAD.as_bytes().to_vec();
    bytes.extend_from_slice(b"# caf\xe9\n");
    let dir = tree(&[("a.py", &bytes)]);
    let (code, _, err) = stdout(awaitfix(dir.path()).arg("apply"));
    assert_eq!(code, 2);
    assert!(err.starts_with("error: a.py: not valid UTF-8 (byte 0xe9"), "{err}");
    assert_eq!(read(dir.path(), "a.py"), bytes);
}

#[test]
fn latin1_file_keeps_every_byte() {
    let mut bytes = b"# -*- coding: latin-1 -*-\n# caf\xe9\n".to_vec();
    bytes.extend_from_slice(BAD.as_bytes());
    let dir = tree(&[("a.py", &bytes)]);
    let (code, _, _) = stdout(awaitfix(dir.path()).arg("apply"));
    assert_eq!(code, 0);
    let mut expected = b"# -*- coding: latin-1 -*-\n# caf\xe9\n".to_vec();
    expected.extend_from_slice(GOOD.as_bytes());
    assert_eq!(read(dir.path(), "a.py"), expected);
}

#[test]
fn crlf_file_keeps_its_line_endings() {
    let crlf = BAD.replace('\n', "\r\n");
    let dir = tree(&[("a.py", crlf.as_bytes())]);
    assert_eq!(stdout(awaitfix(dir.path()).arg("apply")).0, 0);
    assert_eq!(read(dir.path(), "a.py"), GOOD.replace('\n', "\r\n").as_bytes());
}

#[cfg(unix)]
#[test]
fn symlink_loop_and_broken_symlink() {
    let dir = tree(&[("pkg/a.py", BAD.as_bytes())]);
    std::os::unix::fs::symlink("..", dir.path().join("pkg/loop")).unwrap();
    std::os::unix::fs::symlink("missing.py", dir.path().join("pkg/dangling.py")).unwrap();
    std::os::unix::fs::symlink("missing.txt", dir.path().join("pkg/dangling.txt")).unwrap();
    let (code, out, err) = stdout(awaitfix(dir.path()).arg("check"));
    assert_eq!(code, 2, "{err}");
    assert!(out.contains("pkg/a.py:5:15"), "{out}");
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(lines.len(), 2, "{err}");
    assert!(lines.iter().any(|l| l.starts_with("error: pkg/dangling.py: broken symlink")), "{err}");
    assert!(lines.iter().any(|l| l.starts_with("warning: pkg/loop: symlink loop")), "{err}");
}

#[test]
fn gitignore_exclude_and_explicit_files() {
    let dir = tree(&[
        (".gitignore", b"generated/\n"),
        ("generated/a.py", BAD.as_bytes()),
        ("vendor/b.py", BAD.as_bytes()),
        ("src/c.py", BAD.as_bytes()),
        ("src/notes.txt", BAD.as_bytes()),
        (".hidden/d.py", BAD.as_bytes()),
    ]);
    let (_, out, _) = stdout(awaitfix(dir.path()).args(["check", "-q", "--exclude", "vendor/"]));
    assert_eq!(out.lines().map(|l| l.split(':').next().unwrap()).collect::<Vec<_>>(), ["src/c.py"]);
    // A file named on the command line is read even if ignored, but --exclude still applies.
    let (_, out, _) = stdout(awaitfix(dir.path()).args(["check", "-q", "generated/a.py", "src/notes.txt"]));
    assert!(out.contains("generated/a.py:5:15") && out.contains("src/notes.txt:5:15"), "{out}");
    let (code, out, _) =
        stdout(awaitfix(dir.path()).args(["check", "-q", "--exclude", "generated", "generated/a.py"]));
    assert_eq!((code, out.as_str()), (0, ""));
}

#[test]
fn missing_path_is_an_error() {
    let dir = tree(&[("a.py", BAD.as_bytes())]);
    let (code, _, err) = stdout(awaitfix(dir.path()).args(["check", "nope"]));
    assert_eq!(code, 2);
    assert_eq!(err, "error: nope: no such file or directory\n");
}

#[test]
fn invalid_transform_fails_before_reading_python() {
    let dir = tree(&[
        ("bad.yaml", b"id: mine\npairs:\n  - sync: make_client\n    asynch: make_client_async\n"),
        ("a.py", b"\x00binary that would be reported if read"),
    ]);
    let (code, out, err) = stdout(awaitfix(dir.path()).args(["check", "--transform", "bad.yaml"]));
    assert_eq!((code, out.as_str()), (2, ""));
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.starts_with("awaitfix: error: bad.yaml:4:5: pairs[0]: unknown field `asynch`"), "{err}");
    let (code, _, err) = stdout(awaitfix(dir.path()).args(["transforms", "validate", "bad.yaml"]));
    assert_eq!(code, 2);
    assert!(err.contains("bad.yaml:4:5:"), "{err}");
}

/// A mistyped built-in id is said to be one, with the closest id; a missing file has no made-up position.
#[test]
fn a_mistyped_transform_id_suggests_the_built_in_one() {
    let dir = tree(&[("a.py", BAD.as_bytes())]);
    let (code, out, err) = stdout(awaitfix(dir.path()).args(["check", "--transform", "websocket-manger"]));
    assert_eq!((code, out.as_str()), (2, ""));
    assert_eq!(
        err,
        "awaitfix: error: websocket-manger: no built-in transform of this id, and no such file \
         (hint: did you mean `websocket-manager`?)\n"
    );
    let (code, _, err) = stdout(awaitfix(dir.path()).args(["check", "--transform", "rules/db.yaml"]));
    assert_eq!(code, 2);
    assert!(err.starts_with("awaitfix: error: rules/db.yaml: cannot read transform: "), "{err}");
}

/// A PATH that does not exist is an error, and no summary follows it as if the check had been clean.
#[test]
fn a_missing_path_is_an_error_without_a_clean_summary() {
    let dir = tree(&[("a.py", GOOD.as_bytes())]);
    let (code, out, err) = stdout(awaitfix(dir.path()).args(["check", "nonexistent/"]));
    assert_eq!((code, out.as_str()), (2, ""));
    assert_eq!(err, "error: nonexistent/: no such file or directory\n");
    let (code, out, _) = stdout(awaitfix(dir.path()).args(["check", "nonexistent/", "a.py"]));
    assert_eq!((code, out.as_str()), (2, "No sites to fix in 1 file.\n"));
}

/// `awaitfix rule CODE` prints the registry's documentation of one rule; an unknown code lists the codes.
#[test]
fn rule_explains_a_rule_from_the_registry() {
    let dir = tree(&[]);
    let (code, out, _) = stdout(awaitfix(dir.path()).args(["rule", "awf001"]));
    assert_eq!(code, 0);
    assert!(
        out.starts_with("# AwaitOnSyncFunction (AWF001)\n\n`await F(...)` where F is the sync function"),
        "{out}"
    );
    assert!(out.contains("Level: error. Fix: Drop the `await`"), "{out}");
    let (code, out, _) = stdout(awaitfix(dir.path()).args(["rule", "--all", "--format", "json"]));
    assert_eq!(code, 0);
    let rules: serde_json::Value = serde_json::from_str(&out).unwrap();
    let codes: Vec<&str> = rules.as_array().unwrap().iter().map(|r| r["code"].as_str().unwrap()).collect();
    assert_eq!(codes[..4], ["AWF001", "AWF002", "AWF003", "AWF004"]);
    assert_eq!(rules[3]["fix"], serde_json::Value::Null);
    let (code, out, err) = stdout(awaitfix(dir.path()).args(["rule", "AWF099"]));
    assert_eq!((code, out.as_str()), (2, ""));
    assert!(err.starts_with("awaitfix: error: no rule AWF099; the rules are AWF001, AWF002"), "{err}");
}

/// Which configuration is in effect can be seen: `-v` names it, `transforms list` lists its transforms, and an
/// `awaitfix.yaml` beside a `[tool.awaitfix]` table is an error naming both.
#[test]
fn the_configuration_in_effect_is_shown() {
    let transform = "id: http-client\npairs:\n  - sync: make_client\n    async: make_client_async\n";
    let dir = tree(&[
        ("tools/http.yaml", transform.as_bytes()),
        ("pyproject.toml", b"[tool.awaitfix]\ntransforms = ['tools/http.yaml']\n"),
        ("a.py", GOOD.as_bytes()),
    ]);
    let (code, out, _) = stdout(awaitfix(dir.path()).args(["transforms", "list"]));
    assert_eq!(code, 0);
    assert!(out.starts_with("http-client  ("), "{out}");
    assert!(!out.contains("websocket-manager"), "{out}");
    let (_, _, err) = stdout(awaitfix(dir.path()).args(["-v", "check"]));
    assert!(err.contains("configuration: pyproject.toml\n"), "{err}");

    std::fs::write(dir.path().join("awaitfix.yaml"), "prefer: sync\n").unwrap();
    let (code, out, err) = stdout(awaitfix(dir.path()).args(["transforms", "list"]));
    assert_eq!((code, out.as_str()), (2, ""), "two configurations in one folder are an error");
    assert!(
        err.contains("awaitfix.yaml:1:1: ")
            && err.contains("pyproject.toml also has a [tool.awaitfix] table"),
        "{err}"
    );
    let (code, out, _) =
        stdout(awaitfix(dir.path()).args(["transforms", "list", "--config", "pyproject.toml"]));
    assert_eq!(code, 0);
    assert!(out.starts_with("http-client  ("), "{out}");
}

/// `apply` exits 1 while sites are left, as `ruff check --fix` does, so a fix hook does not pass on code that
/// still raises; `--exit-non-zero-on-fix` also exits 1 when it rewrote a file; `--exit-zero` exits 0.
#[test]
fn apply_exits_1_while_sites_are_left() {
    const REVIEW: &str = "import importlib\n\n\nasync def handler(ctx):\n    m = importlib.import_module('ws')\n    return await m.get_websocket_manager(ctx)\n";
    let dir = tree(&[("a.py", BAD.as_bytes()), ("b.py", REVIEW.as_bytes())]);
    let (code, _, err) = stdout(awaitfix(dir.path()).arg("apply"));
    assert_eq!(
        (code, err.as_str()),
        (1, "fixed 1 site in 1 file; 1 site to review (see `awaitfix check`)\n")
    );
    let (code, _, _) = stdout(awaitfix(dir.path()).args(["apply", "--exit-zero"]));
    assert_eq!(code, 0);
    let (code, _, _) = stdout(awaitfix(dir.path()).args(["check", "--exit-zero"]));
    assert_eq!(code, 0);

    std::fs::remove_file(dir.path().join("b.py")).unwrap();
    std::fs::write(dir.path().join("a.py"), BAD).unwrap();
    let (code, _, _) = stdout(awaitfix(dir.path()).args(["apply", "--exit-non-zero-on-fix"]));
    assert_eq!(code, 1, "a file was rewritten");
    let (code, _, _) = stdout(awaitfix(dir.path()).args(["apply", "--exit-non-zero-on-fix"]));
    assert_eq!(code, 0, "nothing left, nothing rewritten");
    let (code, _, _) = stdout(awaitfix(dir.path()).args(["check", "--exit-zero", "missing.py"]));
    assert_eq!(code, 2, "an error is still one");
}

/// `check --fix` (a ruff habit) points at `apply` instead of clap's "to pass '--fix' as a value" tip.
#[test]
fn check_fix_points_at_apply() {
    let dir = tree(&[("a.py", BAD.as_bytes())]);
    let (code, out, err) = stdout(awaitfix(dir.path()).args(["check", "--fix"]));
    assert_eq!((code, out.as_str()), (2, ""));
    assert_eq!(
        err,
        "awaitfix: error: `check` only reports; `awaitfix apply` writes the fixes (`awaitfix diff` shows them)\n"
    );
    assert_eq!(read(dir.path(), "a.py"), BAD.as_bytes());
}

/// `--files-from` reads the paths to check from a file or stdin, in one run (one JSON array), and an empty
/// list checks nothing; `--show-files` and `--show-settings` print what a run would use.
#[test]
fn files_from_a_list_and_what_a_run_would_use() {
    let dir = tree(&[
        ("a.py", BAD.as_bytes()),
        ("b.py", BAD.as_bytes()),
        ("gen/c.py", BAD.as_bytes()),
        ("awaitfix.yaml", b"exclude: ['gen/']\nprefer: async\n"),
    ]);
    std::fs::write(dir.path().join("list.txt"), "a.py\n\ngen/c.py\n").unwrap();
    let (code, out, _) =
        stdout(awaitfix(dir.path()).args(["check", "--format", "json", "--files-from", "list.txt"]));
    assert_eq!(code, 1);
    let findings: serde_json::Value = serde_json::from_str(&out).unwrap();
    let paths: Vec<&str> = findings.as_array().unwrap().iter().map(|f| f["path"].as_str().unwrap()).collect();
    assert_eq!(paths, ["a.py"], "gen/ is excluded even when listed");
    let (code, out, _) =
        stdout(awaitfix(dir.path()).args(["check", "-q", "--files-from", "-"]).write_stdin("b.py\n"));
    assert_eq!(code, 1);
    assert!(out.starts_with("b.py:5:15: AWF001") && !out.contains("a.py"), "{out}");
    let (code, out, _) = stdout(awaitfix(dir.path()).args(["check", "--files-from", "-"]).write_stdin(""));
    assert_eq!((code, out.as_str()), (0, "No sites to fix in 0 files.\n"), "an empty list is no file");

    let (code, out, _) = stdout(awaitfix(dir.path()).args(["check", "--show-files"]));
    assert_eq!((code, out.as_str()), (0, "a.py\nb.py\n"));
    let (code, out, _) = stdout(awaitfix(dir.path()).args(["check", "--show-settings"]));
    assert_eq!(code, 0);
    assert!(out.contains("awaitfix.yaml\ntransforms:\n  websocket-manager (builtin:"), "{out}");
    assert!(
        out.contains("prefer: async (configuration;") && out.contains("exclude (configuration): gen/\n"),
        "{out}"
    );
    assert!(out.ends_with("project (AWF005): false\n"), "{out}");
}

/// `completions SHELL` prints a script the shell accepts, naming the subcommands and their flags.
#[test]
fn completions_for_bash_load_in_bash() {
    let dir = tree(&[]);
    let (code, script, _) = stdout(awaitfix(dir.path()).args(["completions", "bash"]));
    assert_eq!(code, 0);
    assert!(script.contains("--exit-non-zero-on-fix") && script.contains("discover"), "{script}");
    std::fs::write(dir.path().join("awaitfix.bash"), &script).unwrap();
    let bash = std::process::Command::new("bash")
        .args(["-c", "source ./awaitfix.bash && complete -p awaitfix"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert!(bash.status.success(), "{}", String::from_utf8_lossy(&bash.stderr));
    assert!(String::from_utf8_lossy(&bash.stdout).contains("awaitfix"));
    for shell in ["zsh", "fish", "powershell", "elvish"] {
        assert_eq!(stdout(awaitfix(dir.path()).args(["completions", shell])).0, 0, "{shell}");
    }
}

/// The transform the README shows as the user's own passes its own `transforms test`.
#[test]
fn the_readme_transform_example_passes_its_test() {
    let readme = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    let start =
        readme.find("```yaml\nid: db-connect").expect("the README shows the db-connect transform") + 8;
    let yaml = &readme[start..start + readme[start..].find("```").unwrap()];
    let dir = tree(&[("db.yaml", yaml.as_bytes())]);
    let (code, out, err) = stdout(awaitfix(dir.path()).args(["transforms", "test", "db.yaml"]));
    assert_eq!((code, out.as_str(), err.as_str()), (0, "", "db.yaml: 1 of 1 examples pass\n"));
}

/// Rule selection as ruff users know it: `--select`, `--extend-select`, `--ignore`, the configuration's keys
/// and `per-file-ignores`. A site of a rule left out stays as it is, and the fixes around it keep what it
/// still needs (here the sync name's import, which the AWF003 site left out still calls).
#[test]
fn rules_are_selected_and_ignored_as_in_ruff() {
    const MIXED: &str = "import asyncio\n\nfrom app.ws import get_websocket_manager\n\n\nasync def handler(ctx):\n    manager = await get_websocket_manager(ctx)\n    task = asyncio.create_task(get_websocket_manager(ctx))\n    return manager, task\n";
    let dir = tree(&[("app/a.py", MIXED.as_bytes()), ("tests/t.py", MIXED.as_bytes())]);
    let codes = |args: &[&str]| {
        let (_, out, err) = stdout(awaitfix(dir.path()).args(["check", "--format", "json"]).args(args));
        let findings: serde_json::Value = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {err}"));
        let mut codes: Vec<String> = findings
            .as_array()
            .unwrap()
            .iter()
            .map(|f| format!("{}:{}", f["path"].as_str().unwrap(), f["code"].as_str().unwrap()))
            .collect();
        codes.sort();
        codes
    };
    assert_eq!(codes(&["--select", "AWF001"]), ["app/a.py:AWF001", "tests/t.py:AWF001"]);
    assert_eq!(codes(&["--ignore", "awf001"]), ["app/a.py:AWF003", "tests/t.py:AWF003"]);
    assert_eq!(codes(&["--select", "AWF001", "--extend-select", "AWF00"]).len(), 4);
    let (code, out, err) = stdout(awaitfix(dir.path()).args(["check", "--ignore", "AWF9"]));
    assert_eq!((code, out.as_str()), (2, ""));
    assert!(err.contains("unknown rule selector `AWF9`; the rules are AWF001,"), "{err}");

    std::fs::write(
        dir.path().join("awaitfix.yaml"),
        "ignore: [AWF003]\nper-file-ignores:\n  'tests/**': [AWF001]\n",
    )
    .unwrap();
    assert_eq!(codes(&[]), ["app/a.py:AWF001"]);
    assert_eq!(codes(&["--select", "ALL"]), ["app/a.py:AWF001"], "ignore applies on top of select");
    let (code, _, err) = stdout(awaitfix(dir.path()).args(["apply", "--prefer", "async"]));
    assert_eq!(code, 0, "{err}");
    let fixed = String::from_utf8(read(dir.path(), "app/a.py")).unwrap();
    assert!(fixed.contains("manager = await get_websocket_manager_async(ctx)"), "{fixed}");
    assert!(
        fixed.contains("asyncio.create_task(get_websocket_manager(ctx))"),
        "the ignored site is left: {fixed}"
    );
    assert!(
        fixed.contains("import get_websocket_manager, get_websocket_manager_async"),
        "its import is kept: {fixed}"
    );
    assert_eq!(read(dir.path(), "tests/t.py"), MIXED.as_bytes());

    std::fs::write(dir.path().join("awaitfix.yaml"), "select: [AWF001, AWF07]\n").unwrap();
    let (code, _, err) = stdout(awaitfix(dir.path()).arg("check"));
    assert_eq!(code, 2);
    assert!(err.contains("awaitfix.yaml:1:18: select: unknown rule selector `AWF07`"), "{err}");
}

/// `check --statistics` counts open findings per rule, most frequent first; `apply --show-fixes` lists the
/// fixes made per file and rule.
#[test]
fn statistics_and_show_fixes() {
    const REVIEW: &str = "import importlib\n\n\nasync def handler(ctx):\n    m = importlib.import_module('ws')\n    return await m.get_websocket_manager(ctx)\n";
    let dir = tree(&[("a.py", BAD.as_bytes()), ("b.py", BAD.as_bytes()), ("c.py", REVIEW.as_bytes())]);
    let (code, out, _) = stdout(awaitfix(dir.path()).args(["check", "--statistics"]));
    assert_eq!(code, 1);
    assert_eq!(
        out,
        "2\tAWF001\t[*] `await` on a synchronous function\n1\tAWF004\t[ ] reference that cannot be followed\n"
    );
    let (code, _, err) = stdout(awaitfix(dir.path()).args(["apply", "--show-fixes"]));
    assert_eq!(code, 1, "the AWF004 site is left");
    assert!(
        err.starts_with("Fixed:\n- a.py:\n    1 × AWF001 (AwaitOnSyncFunction)\n- b.py:\n    1 × AWF001 (AwaitOnSyncFunction)\nfixed 2 sites in 2 files"),
        "{err}"
    );
}

/// `--files-from` takes `git ls-files -z` output: a list holding a NUL is split on NUL only, so a path may
/// hold a newline (it was split into two missing files).
#[test]
fn files_from_a_nul_separated_list_keeps_newlines_in_paths() {
    let dir = tree(&[("a.py", BAD.as_bytes()), ("odd\nname.py", BAD.as_bytes()), ("c.py", BAD.as_bytes())]);
    let (code, out, err) = stdout(
        awaitfix(dir.path())
            .args(["check", "--format", "json", "--files-from", "-"])
            .write_stdin("a.py\0odd\nname.py\0"),
    );
    assert_eq!(code, 1, "{err}");
    let findings: serde_json::Value = serde_json::from_str(&out).unwrap();
    let paths: Vec<&str> = findings.as_array().unwrap().iter().map(|f| f["path"].as_str().unwrap()).collect();
    assert_eq!(paths, ["a.py", "odd\nname.py"], "c.py is not listed");
    std::fs::write(dir.path().join("list"), b"c.py\0").unwrap();
    let (code, out, _) = stdout(awaitfix(dir.path()).args(["check", "-q", "--files-from", "list"]));
    assert_eq!(code, 1);
    assert!(out.starts_with("c.py:5:15: AWF001") && out.lines().count() == 1, "{out}");
}

/// PATH `-` reads the source from stdin, named by `--stdin-filename` (which also decides the settings):
/// `check` and `diff` report it under that name, `apply` prints the fixed source and writes no file.
#[test]
fn stdin_is_checked_diffed_and_fixed_to_stdout() {
    let dir = tree(&[("awaitfix.yaml", b"per-file-ignores:\n  'legacy/**': [AWF001]\n")]);
    let (code, out, _) = stdout(awaitfix(dir.path()).args(["check", "-q", "-"]).write_stdin(BAD));
    assert_eq!(
        (code, out.as_str()),
        (1, "-:5:15: AWF001 [*] `get_websocket_manager` is synchronous; awaiting it raises TypeError\n")
    );
    let (code, out, _) = stdout(
        awaitfix(dir.path()).args(["diff", "-", "--stdin-filename", "app/routes.py"]).write_stdin(BAD),
    );
    assert_eq!(code, 1);
    assert!(out.starts_with("--- a/app/routes.py\n+++ b/app/routes.py\n"), "{out}");
    let (code, out, err) = stdout(awaitfix(dir.path()).args(["apply", "-"]).write_stdin(BAD));
    assert_eq!((code, out.as_str(), err.as_str()), (0, GOOD, "fixed 1 site in 1 file\n"));
    let (code, out, _) =
        stdout(awaitfix(dir.path()).args(["apply", "-", "--stdin-filename", "legacy/a.py"]).write_stdin(BAD));
    assert_eq!((code, out.as_str()), (0, BAD), "the file name decides the settings: AWF001 is off there");
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1, "no file written");
    let (code, _, err) = stdout(awaitfix(dir.path()).args(["check", "-", "a.py"]).write_stdin(BAD));
    assert_eq!(code, 2);
    assert!(err.contains("`-` (stdin) must be the only PATH"), "{err}");
}

/// SARIF URIs are relative to the repository's root, as code scanning reads them, whether the run starts in
/// a subfolder or is given an absolute path.
#[test]
fn sarif_uris_are_relative_to_the_repository_root() {
    let dir = tree(&[("pkg/sub/a.py", BAD.as_bytes())]);
    let git =
        std::process::Command::new("git").args(["init", "-q"]).current_dir(dir.path()).status().unwrap();
    assert!(git.success());
    let uris = |cwd: &Path, path: &str| {
        let (code, out, _) = stdout(awaitfix(cwd).args(["check", "--format", "sarif", path]));
        assert_eq!(code, 1);
        let log: serde_json::Value = serde_json::from_str(&out).unwrap();
        log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"].clone()
    };
    let expected = serde_json::json!({ "uri": "pkg/sub/a.py", "uriBaseId": "%SRCROOT%" });
    assert_eq!(uris(&dir.path().join("pkg"), "sub/a.py"), expected, "from a subfolder");
    let absolute = dir.path().join("pkg/sub/a.py");
    assert_eq!(uris(dir.path(), absolute.to_str().unwrap()), expected, "an absolute path");
    assert_eq!(uris(&dir.path().join("pkg/sub"), "../sub/./a.py"), expected);
}

#[test]
fn user_transform_file_defines_another_pair() {
    let transform = "id: http-client\npairs:\n  - sync: make_client\n    async: make_client_async\n    modules: [svc.http]\n";
    let src = "from svc.http import make_client\nfrom other import make_client as other_client\n\n\nasync def f():\n    a = await make_client()\n    b = await other_client()\n";
    let dir = tree(&[("http.yaml", transform.as_bytes()), ("a.py", src.as_bytes())]);
    let (code, out, _) = stdout(awaitfix(dir.path()).args(["check", "-q", "--transform", "http.yaml"]));
    assert_eq!(code, 1);
    assert_eq!(out, "a.py:6:9: AWF001 [*] `make_client` is synchronous; awaiting it raises TypeError\n");
}

#[test]
fn transforms_list_and_show() {
    let dir = tempfile::tempdir().unwrap();
    let (code, out, _) = stdout(awaitfix(dir.path()).args(["transforms", "list"]));
    assert_eq!(code, 0);
    assert!(
        out.contains("websocket-manager")
            && out.contains("get_websocket_manager -> get_websocket_manager_async")
    );
    let (_, out, _) = stdout(awaitfix(dir.path()).args(["transforms", "show", "websocket-manager"]));
    assert!(out.starts_with("id: websocket-manager\n"), "{out}");
}

#[test]
fn prefer_async_flag_renames_and_fixes_the_import() {
    let dir = tree(&[("a.py", BAD.as_bytes())]);
    let (code, _, err) = stdout(awaitfix(dir.path()).args(["apply", "--prefer", "async"]));
    assert_eq!((code, err.as_str()), (0, "fixed 1 site in 1 file\n"));
    assert_eq!(
        String::from_utf8(read(dir.path(), "a.py")).unwrap(),
        "from app.ws import get_websocket_manager_async\n\n\nasync def handler(ctx):\n    manager = await get_websocket_manager_async(ctx)\n    return manager\n"
    );
}

#[test]
fn configuration_is_discovered_and_flags_win() {
    let pyproject = "[project]\nname = 'svc'\n\n[tool.awaitfix]\nprefer = 'async'\nexclude = ['generated/']\n\n[[tool.awaitfix.overrides]]\npaths = ['legacy/**']\nprefer = 'sync'\n";
    let dir = tree(&[
        ("pyproject.toml", pyproject.as_bytes()),
        ("app/a.py", BAD.as_bytes()),
        ("legacy/b.py", BAD.as_bytes()),
        ("generated/c.py", BAD.as_bytes()),
    ]);
    // Run from a subfolder: the configuration is found upward and its globs are relative to its own folder.
    let (code, out, _) = stdout(awaitfix(&dir.path().join("app")).args(["diff", "..", "-q"]));
    assert_eq!(code, 1);
    assert!(
        out.contains("+    manager = await get_websocket_manager_async(ctx)"),
        "prefer async from the file: {out}"
    );
    assert!(
        out.contains("+++ b/../legacy/b.py") && out.contains("+    manager = get_websocket_manager(ctx)"),
        "{out}"
    );
    assert!(!out.contains("generated/c.py"), "excluded by the file: {out}");
    let (_, out, _) = stdout(awaitfix(dir.path()).args(["diff", "--prefer", "sync", "app"]));
    assert!(out.contains("+    manager = get_websocket_manager(ctx)"), "the flag wins: {out}");
}

#[test]
fn bad_configuration_names_file_and_key() {
    let dir = tree(&[("awaitfix.yaml", b"prefer: async\nexlude: [gen/]\n"), ("a.py", BAD.as_bytes())]);
    let (code, _, err) = stdout(awaitfix(dir.path()).arg("check"));
    assert_eq!(code, 2);
    assert!(err.starts_with("awaitfix: error: "), "{err}");
    assert!(err.contains("awaitfix.yaml:2:1: unknown field `exlude`"), "{err}");
}

#[test]
fn transforms_test_runs_examples() {
    let good = "id: http-client\npairs:\n  - sync: make_client\n    async: make_client_async\nexamples:\n  - before: 'c = await make_client()'\n    after: 'c = make_client()'\n";
    let bad = good.replace("after: 'c = make_client()'", "after: 'c = await make_client()'");
    let dir = tree(&[("good.yaml", good.as_bytes()), ("bad.yaml", bad.as_bytes())]);
    let (code, _, err) = stdout(awaitfix(dir.path()).args(["transforms", "test", "good.yaml"]));
    assert_eq!((code, err.as_str()), (0, "good.yaml: 1 of 1 examples pass\n"));
    let (code, out, _) = stdout(awaitfix(dir.path()).args(["transforms", "test", "bad.yaml"]));
    assert_eq!(code, 1);
    assert!(
        out.contains("bad.yaml: example 1 fails") && out.contains("actual:   c = make_client()"),
        "{out}"
    );
}

#[test]
fn user_transform_with_async_module_adds_an_import() {
    let transform = "id: db\npairs:\n  - sync: connect\n    async: connect_async\n    modules: [db.sync_api]\n    async_module: db.aio\nprefer: async\n";
    let src = "from db.sync_api import connect\n\n\nasync def f():\n    return await connect()\n";
    let dir = tree(&[("db.yaml", transform.as_bytes()), ("a.py", src.as_bytes())]);
    let (code, _, _) = stdout(awaitfix(dir.path()).args(["apply", "--transform", "db.yaml"]));
    assert_eq!(code, 0);
    assert_eq!(
        String::from_utf8(read(dir.path(), "a.py")).unwrap(),
        "from db.aio import connect_async\n\n\nasync def f():\n    return await connect_async()\n"
    );
}

/// `a.py` and `./a.py` name one file: reported once, written once.
#[test]
fn a_file_named_twice_is_read_once() {
    let dir = tree(&[("a.py", BAD.as_bytes())]);
    let (code, out, _) = stdout(awaitfix(dir.path()).args(["check", "-q", "a.py", "./a.py"]));
    assert_eq!((code, out.lines().count()), (1, 1), "{out}");
    let (code, _, err) = stdout(awaitfix(dir.path()).args(["apply", "a.py", "./a.py"]));
    assert_eq!((code, err.as_str()), (0, "fixed 1 site in 1 file\n"));
}

/// A FIFO named on the command line would block the run forever: refused before it is opened.
#[cfg(unix)]
#[test]
fn a_named_fifo_is_refused_without_blocking() {
    let dir = tree(&[("b.py", BAD.as_bytes())]);
    let made = std::process::Command::new("mkfifo").arg(dir.path().join("pipe.py")).status().unwrap();
    assert!(made.success());
    let mut cmd = awaitfix(dir.path());
    cmd.args(["check", "pipe.py", "b.py"]).timeout(std::time::Duration::from_secs(20));
    let (code, out, err) = stdout(&mut cmd);
    assert_eq!(code, 2);
    assert_eq!(err, "error: pipe.py: not a regular file (a FIFO); only regular files are read\n");
    assert!(out.contains("b.py:5:15"), "the run goes on: {out}");
}

/// A device named explicitly (`/dev/zero`) would be read until memory runs out.
#[cfg(unix)]
#[test]
fn a_named_device_is_refused() {
    let dir = tree(&[]);
    let mut cmd = awaitfix(dir.path());
    cmd.args(["check", "/dev/zero"]).timeout(std::time::Duration::from_secs(20));
    let (code, _, err) = stdout(&mut cmd);
    assert_eq!(code, 2);
    assert_eq!(
        err,
        "error: /dev/zero: not a regular file (a character device); only regular files are read\n"
    );
}

/// Reading is capped: a file larger than any source file is refused by its size, without being read.
#[test]
fn a_file_over_the_size_limit_is_refused_unread() {
    let dir = tree(&[]);
    let huge = std::fs::File::create(dir.path().join("huge.py")).unwrap();
    huge.set_len(300 * 1024 * 1024).unwrap();
    let mut cmd = awaitfix(dir.path());
    cmd.args(["check", "huge.py"]).timeout(std::time::Duration::from_secs(20));
    let (code, _, err) = stdout(&mut cmd);
    assert_eq!(code, 2);
    assert_eq!(
        err,
        "error: huge.py: 300 MiB, more than the 256 MiB a source file may have (generated data, not source?); \
         skipped\n"
    );
}

/// A UTF-16 file is not binary: it is text in an encoding Python does not read source in.
#[test]
fn utf16_is_named_as_such() {
    let mut bytes = vec![0xff, 0xfe];
    bytes.extend(BAD.encode_utf16().flat_map(u16::to_le_bytes));
    let dir = tree(&[("a.py", &bytes)]);
    let (code, _, err) = stdout(awaitfix(dir.path()).arg("check"));
    assert_eq!(code, 2);
    assert_eq!(
        err,
        "error: a.py: UTF-16 text (it starts with a UTF-16 byte order mark): Python reads source as UTF-8 or \
         an ASCII-compatible encoding and refuses this file; save it as UTF-8; skipped\n"
    );
}

/// `--config pyproject.toml` names a file in the working directory; its folder is `.`, not an empty path.
#[test]
fn config_named_by_a_bare_file_name() {
    let dir = tree(&[("pyproject.toml", b"[tool.awaitfix]\nprefer = 'async'\n"), ("a.py", BAD.as_bytes())]);
    let (code, out, err) = stdout(awaitfix(dir.path()).args(["diff", "--config", "pyproject.toml", "a.py"]));
    assert_eq!(code, 1, "{err}");
    assert!(out.contains("+    manager = await get_websocket_manager_async(ctx)"), "{out}");
}

/// A bad glob in a configuration file is positioned like every other configuration error.
#[test]
fn a_bad_exclude_glob_names_its_file_and_line() {
    let pyproject = "[tool.awaitfix]\nprefer = 'sync'\nexclude = [\"gen/\", \"src/[z-a]\"]\n";
    let dir = tree(&[("pyproject.toml", pyproject.as_bytes()), ("a.py", BAD.as_bytes())]);
    let (code, _, err) = stdout(awaitfix(dir.path()).arg("check"));
    assert_eq!(code, 2);
    assert!(err.contains("pyproject.toml:3:21: exclude: bad glob `src/[z-a]`: invalid range"), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
}

/// A YAML error in a configuration file points to the configuration keys, not to the transform format.
#[test]
fn a_configuration_yaml_error_gets_a_configuration_hint() {
    let dir = tree(&[("awaitfix.yaml", b"prefer: [async\n"), ("a.py", BAD.as_bytes())]);
    let (code, _, err) = stdout(awaitfix(dir.path()).arg("check"));
    assert_eq!(code, 2);
    assert!(err.contains("awaitfix.yaml:"), "{err}");
    assert!(err.contains("(hint: see the configuration keys in the README)"), "{err}");
    assert!(!err.contains("transform"), "{err}");
}

/// Python reads a lone `\r` as a newline (old Mac line endings): the site is found, also behind a first
/// comment line, and the rewrite keeps every `\r`.
#[test]
fn cr_only_line_endings_are_fixed_and_kept() {
    let cr = |text: &str| format!("# a module\n{text}").replace('\n', "\r");
    let dir = tree(&[("a.py", cr(BAD).as_bytes())]);
    let (code, out, err) = stdout(awaitfix(dir.path()).args(["check", "-q"]));
    assert_eq!(code, 1, "{err}");
    assert!(out.starts_with("a.py:6:15: AWF001"), "{out}");
    let (code, _, err) = stdout(awaitfix(dir.path()).arg("apply"));
    assert_eq!((code, err.as_str()), (0, "fixed 1 site in 1 file\n"));
    assert_eq!(read(dir.path(), "a.py"), cr(GOOD).as_bytes());
}

/// A site whose file could not be written is not a site "to review": it is said to be not written.
#[cfg(unix)]
#[test]
fn sites_of_a_file_not_written_are_counted_as_such() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tree(&[("a.py", BAD.as_bytes()), ("b.py", BAD.as_bytes())]);
    std::fs::set_permissions(dir.path().join("b.py"), std::fs::Permissions::from_mode(0o444)).unwrap();
    let (code, _, err) = stdout(awaitfix(dir.path()).arg("apply"));
    assert_eq!(code, 2);
    assert_eq!(
        err,
        "error: b.py: read-only (mode 0444); not rewritten: a file without write permission is left as it is \
         (make it writable to fix it)\nfixed 1 site in 1 file; 1 site not written (see the errors above)\n"
    );
    assert_eq!(read(dir.path(), "b.py"), BAD.as_bytes());
}

/// Two file symlinks pointing at each other, met while walking, are named as a loop like a named one is.
#[cfg(unix)]
#[test]
fn a_file_symlink_loop_met_while_walking_is_named() {
    let dir = tree(&[("c.py", BAD.as_bytes())]);
    std::os::unix::fs::symlink("b.py", dir.path().join("a.py")).unwrap();
    std::os::unix::fs::symlink("a.py", dir.path().join("b.py")).unwrap();
    let (code, out, err) = stdout(awaitfix(dir.path()).arg("check"));
    assert_eq!(code, 2);
    assert!(out.contains("c.py:5:15"), "{out}");
    assert_eq!(
        err,
        "error: a.py: symlink loop (too many levels of symbolic links)\n\
         error: b.py: symlink loop (too many levels of symbolic links)\n"
    );
}

/// Brackets nested past tree-sitter's limit lose the site silently ("No sites"): the limit is said instead.
#[test]
fn brackets_nested_past_the_parser_limit_are_reported() {
    let n = 70_000;
    let src = format!(
        "from m import get_websocket_manager\n\n\nasync def f(ctx):\n    x = {}await get_websocket_manager(ctx){}\n",
        "(".repeat(n),
        ")".repeat(n)
    );
    let dir = tree(&[("a.py", src.as_bytes())]);
    for command in ["check", "apply"] {
        let (code, _, err) = stdout(awaitfix(dir.path()).arg(command));
        assert_eq!(code, 2, "{command}");
        assert_eq!(
            err.lines().next().unwrap_or_default(),
            "error: a.py: brackets nested 70001 deep, deeper than the 65535 levels the parser follows (CPython \
             itself stops at 200); file not checked or changed"
        );
    }
    assert_eq!(read(dir.path(), "a.py"), src.as_bytes());
}

/// Blocks nested past what tree-sitter-python's scanner can hold gave "syntax error at 1:1".
#[test]
fn blocks_nested_past_the_parser_limit_are_reported() {
    let levels = 600;
    let mut src = "from m import get_websocket_manager\n\n\nasync def f(ctx):\n".to_string();
    for i in 1..=levels {
        src.push_str(&format!("{}if ctx:\n", " ".repeat(i)));
    }
    src.push_str(&format!("{}await get_websocket_manager(ctx)\n", " ".repeat(levels + 1)));
    let dir = tree(&[("a.py", src.as_bytes())]);
    let (code, _, err) = stdout(awaitfix(dir.path()).arg("check"));
    assert_eq!(code, 2);
    assert_eq!(
        err,
        "error: a.py: blocks nested 601 levels deep, deeper than the about 500 levels the parser follows \
         (CPython itself stops at 100); file not checked or changed\n"
    );
}

/// Python ignores indentation inside brackets: a continuation line indented less than its statement must
/// not make `apply` refuse the file that `check` and `diff` fix.
#[test]
fn continuation_lines_below_their_statement_are_valid_python() {
    let source = "from app.ws import get_websocket_manager\n\n\nasync def handler(ctx, a, b, items):\n    if (a and\nb):\n        h(a +\nb)\n    with h(a +\n1):\n        x = bool(not\na), (items[\n0])\n    manager = await get_websocket_manager(ctx)\n    return manager\n";
    let dir = tree(&[("a.py", source.as_bytes())]);
    let (code, _, err) = stdout(awaitfix(dir.path()).arg("apply"));
    assert_eq!((code, err.as_str()), (0, "fixed 1 site in 1 file\n"));
    let fixed = source.replace("await get_websocket_manager", "get_websocket_manager");
    assert_eq!(read(dir.path(), "a.py"), fixed.as_bytes());
}

/// `--prefer async` where the async twin cannot be called (a package re-exporting only the sync name, a
/// name the file never binds) gets the sync fix: `-v` and the JSON outputs say which sites and why (it was
/// silent).
#[test]
fn a_fallback_to_the_sync_fix_is_reported_with_its_reason() {
    let dir = tree(&[
        ("ws/__init__.py", b"from .manager import get_websocket_manager\n"),
        (
            "ws/manager.py",
            b"def get_websocket_manager(c):\n    return c\n\n\nasync def get_websocket_manager_async(c):\n    return c\n",
        ),
        ("app.py", BAD.replace("app.ws", "ws").as_bytes()),
        ("bare.py", b"async def h(ctx):\n    return await get_websocket_manager(ctx)\n"),
        ("direct.py", BAD.replace("app.ws", "ws.manager").as_bytes()),
    ]);
    let not_exported = "`prefer: async` used the sync fix: `get_websocket_manager_async` cannot be imported from \
                        `ws`: that module does not bind it (importing it would raise ImportError)";
    let (code, out, _) = stdout(awaitfix(dir.path()).args(["check", "--prefer", "async", "-v"]));
    assert_eq!(code, 1);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(
        lines[0],
        "app.py:5:15: AWF001 [*] `get_websocket_manager` is synchronous; awaiting it raises TypeError"
    );
    assert_eq!(lines[1], format!("  {not_exported}"));
    assert!(lines[3].contains("the file never imports or defines `get_websocket_manager`"), "{out}");
    assert!(lines[4].starts_with("direct.py:5:15: AWF001"), "the twin is called there: {out}");
    assert!(!lines[5].starts_with("  "), "{out}");
    let (_, out, _) = stdout(awaitfix(dir.path()).args(["check", "--prefer", "async"]));
    assert!(!out.contains("used the sync fix"), "only -v says it: {out}");

    let (_, out, _) = stdout(awaitfix(dir.path()).args(["check", "--prefer", "async", "--format", "json"]));
    let findings: serde_json::Value = serde_json::from_str(&out).unwrap();
    let fallbacks: Vec<(&str, Option<&str>)> = (findings.as_array().unwrap().iter())
        .map(|f| (f["path"].as_str().unwrap(), f.get("fallback").map(|r| r.as_str().unwrap())))
        .collect();
    assert_eq!(fallbacks[0], ("app.py", Some(&not_exported["`prefer: async` used the sync fix: ".len()..])));
    assert!(fallbacks[1].1.unwrap().starts_with("awaitfix could not tell where to import"), "{out}");
    assert_eq!(fallbacks[2], ("direct.py", None));
    let (_, out, _) =
        stdout(awaitfix(dir.path()).args(["check", "--prefer", "async", "--format", "json-lines"]));
    assert_eq!(out.lines().filter(|l| l.contains("\"fallback\":")).count(), 2, "{out}");

    let (code, _, err) = stdout(awaitfix(dir.path()).args(["apply", "--prefer", "async", "-v"]));
    assert_eq!(code, 0, "{err}");
    assert!(err.contains(&format!("app.py:5:15: {not_exported}\n")), "{err}");
    assert_eq!(read(dir.path(), "app.py"), GOOD.replace("app.ws", "ws").as_bytes());
}
