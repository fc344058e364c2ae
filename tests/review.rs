//! The review and CI outputs: SARIF checked against its JSON schema, GitHub annotations, the PR body
//! (snapshot), and `apply --interactive` driven through stdin.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use assert_cmd::cargo::CommandCargoExt;

mod support;
use support::{assert_valid_sarif, copy_tree};

const BROKEN: &str = "from factory import get_websocket_manager


async def first(ctx):
    return await get_websocket_manager(ctx)


async def second(ctx):
    return await get_websocket_manager(ctx)
";

fn backend() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/backend")
}

fn awaitfix(dir: &Path, args: &[&str], input: &str) -> Output {
    use std::io::Write;
    let mut command = Command::cargo_bin("awaitfix").unwrap();
    command.current_dir(dir).env("NO_COLOR", "1").env_remove("CI").args(args);
    let mut child =
        command.stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    child.stdin.take().unwrap().write_all(input.as_bytes()).unwrap();
    child.wait_with_output().unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn sarif_is_valid_and_carries_rules_fixes_and_suppressions() {
    let out = awaitfix(&backend(), &["check", "--format", "sarif", "--prefer", "async", "."], "");
    assert_eq!(out.status.code(), Some(1));
    let log = text(&out.stdout);
    assert_valid_sarif(&log);
    let sarif: serde_json::Value = serde_json::from_str(&log).unwrap();
    let run = &sarif["runs"][0];
    let rules: Vec<&str> = (run["tool"]["driver"]["rules"].as_array().unwrap().iter())
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    assert_eq!(rules, ["AWF001", "AWF002", "AWF003", "AWF004", "AWF005"]);
    let results = run["results"].as_array().unwrap();
    assert_eq!(results.len(), 16, "the sites to fix; code scanning would show suppressed results as open");
    let verbose = awaitfix(&backend(), &["check", "--format", "sarif", "-v", "--prefer", "async", "."], "");
    let log_verbose = text(&verbose.stdout);
    assert_valid_sarif(&log_verbose);
    let sarif_verbose: serde_json::Value = serde_json::from_str(&log_verbose).unwrap();
    let all = sarif_verbose["runs"][0]["results"].as_array().unwrap().clone();
    assert_eq!(all.len(), 18, "with -v, also the 2 intentional sites");
    let suppressed: Vec<_> = all.iter().filter(|r| r.get("suppressions").is_some()).collect();
    assert_eq!(suppressed.len(), 2);
    assert!(suppressed.iter().all(|r| r.get("fixes").is_none()), "a suppressed result offers no fix");
    let first = &results[0];
    assert_eq!(first["ruleId"], "AWF001");
    let location = &first["locations"][0]["physicalLocation"];
    // Relative to the repository's root, when the sources are a git checkout.
    let in_repository = Path::new(env!("CARGO_MANIFEST_DIR")).join(".git").exists();
    let prefix = if in_repository { "examples/backend/" } else { "" };
    assert_eq!(location["artifactLocation"]["uri"], format!("{prefix}app/routes/websocket_routes.py"));
    assert_eq!(location["region"]["startLine"], 43);
    let fix = &first["fixes"][0];
    assert_eq!(
        fix["description"]["text"],
        "await get_websocket_manager_async instead of get_websocket_manager"
    );
    let replacements = fix["artifactChanges"][0]["replacements"].as_array().unwrap();
    assert!(replacements.iter().any(|r| r["insertedContent"]["text"] == "get_websocket_manager_async"));
}

/// SARIF names the absolute base of its relative URIs (`originalUriBaseIds`), and `--root DIR` makes every
/// machine output's paths relative to DIR: a consumer outside code scanning could not resolve the URIs, and
/// a monorepo job checking one project could not get paths relative to it.
#[test]
fn root_sets_the_base_of_machine_output_paths() {
    let dir = tempfile::tempdir().unwrap();
    for path in ["repo/proj/sub/a.py", "repo/other/b.py"] {
        std::fs::create_dir_all(dir.path().join(path).parent().unwrap()).unwrap();
        std::fs::write(dir.path().join(path), BROKEN).unwrap();
    }
    let repo = dir.path().join("repo");
    assert!(Command::new("git").args(["init", "-q"]).current_dir(&repo).status().unwrap().success());
    let canonical = |p: &Path| format!("file://{}/", p.canonicalize().unwrap().display());
    let sarif = |args: &[&str]| {
        let out = awaitfix(&repo, &[&["check", "--format", "sarif"], args].concat(), "");
        assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
        assert_valid_sarif(&text(&out.stdout));
        serde_json::from_slice::<serde_json::Value>(&out.stdout).unwrap()["runs"][0].clone()
    };
    let uris = |run: &serde_json::Value| -> Vec<serde_json::Value> {
        (run["results"].as_array().unwrap().iter())
            .map(|r| r["locations"][0]["physicalLocation"]["artifactLocation"].clone())
            .collect()
    };
    let run = sarif(&[]);
    assert_eq!(run["originalUriBaseIds"]["%SRCROOT%"]["uri"], canonical(&repo), "the repository's root");
    assert!(uris(&run).iter().all(|u| u["uriBaseId"] == "%SRCROOT%"), "{run}");
    assert_eq!(uris(&run)[0]["uri"], "other/b.py");

    let run = sarif(&["--root", "proj"]);
    assert_eq!(run["originalUriBaseIds"]["%SRCROOT%"]["uri"], canonical(&repo.join("proj")));
    let outside = serde_json::json!({ "uri": format!("{}b.py", canonical(&repo.join("other"))) });
    let inside = serde_json::json!({ "uri": "sub/a.py", "uriBaseId": "%SRCROOT%" });
    assert_eq!(uris(&run), [outside.clone(), outside, inside.clone(), inside], "outside DIR: absolute");

    let paths = |format: &str| {
        let out =
            awaitfix(&repo.join("other"), &["check", "--format", format, "--root", "..", "../proj"], "");
        assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
        text(&out.stdout)
    };
    let json: serde_json::Value = serde_json::from_str(&paths("json")).unwrap();
    assert_eq!(json[0]["path"], "proj/sub/a.py", "relative to DIR, not to the working directory");
    assert!(paths("json-lines").starts_with("{\"path\":\"proj/sub/a.py\""));
    assert!(paths("github").starts_with("::error file=proj/sub/a.py,line=5"), "{}", paths("github"));
    let out = awaitfix(&repo, &["check", "--format", "text", "--root", "proj", "proj"], "");
    assert!(text(&out.stdout).starts_with("proj/sub/a.py:5:12: AWF001"), "text output is for people");

    let out = awaitfix(&repo, &["diff", "--root", "proj", "--pr-body", "body.md", "proj"], "");
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let body = std::fs::read_to_string(repo.join("body.md")).unwrap();
    assert!(body.contains("| `sub` | 2 | 1 | AWF001 |") && body.contains("| `sub/a.py:5` |"), "{body}");
    assert!(text(&out.stdout).starts_with("--- a/proj/sub/a.py\n"), "a patch stays as git applies it");
    let out = awaitfix(&repo, &["diff", "--root", "missing", "proj"], "");
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("--root missing: "), "{}", text(&out.stderr));
}

#[test]
fn sarif_of_a_clean_tree_is_valid_and_empty() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.py"), "x = 1\n").unwrap();
    let out = awaitfix(dir.path(), &["check", "--format", "sarif"], "");
    assert_eq!(out.status.code(), Some(0));
    assert_valid_sarif(&text(&out.stdout));
    let sarif: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(sarif["runs"][0]["results"], serde_json::json!([]));
}

/// A file that cannot be checked must reach SARIF and GitHub consumers as data, not only stderr.
#[test]
fn files_that_cannot_be_checked_are_sarif_notifications_and_github_errors() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.py"), BROKEN).unwrap();
    std::fs::write(
        dir.path().join("b.py"),
        "x = 1
m = get_websocket_manager(
",
    )
    .unwrap();
    let out = awaitfix(dir.path(), &["check", "--format", "sarif"], "");
    assert_eq!(out.status.code(), Some(2));
    let log = text(&out.stdout);
    assert_valid_sarif(&log);
    let sarif: serde_json::Value = serde_json::from_str(&log).unwrap();
    let invocation = &sarif["runs"][0]["invocations"][0];
    assert_eq!(invocation["executionSuccessful"], false);
    let notification = &invocation["toolExecutionNotifications"][0];
    assert_eq!(notification["descriptor"]["id"], "syntax");
    let location = &notification["locations"][0]["physicalLocation"];
    assert_eq!(location["artifactLocation"]["uri"], "b.py");
    assert_eq!(location["region"]["startLine"], 2);
    assert_eq!(sarif["runs"][0]["results"].as_array().unwrap().len(), 2, "a.py is still reported");

    let out = awaitfix(dir.path(), &["check", "--format", "github"], "");
    assert_eq!(out.status.code(), Some(2));
    let first = text(&out.stdout).lines().next().unwrap().to_string();
    assert!(first.starts_with("::error file=b.py,line=2,col="), "{first}");
    assert!(first.contains("::syntax error ("), "{first}");
}

#[test]
fn github_annotations() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("a,b")).unwrap();
    std::fs::write(
        dir.path().join("a,b/m.py"),
        BROKEN.replace("ctx)\n\n\nasync", "ctx)  # noqa: AWF001\n\n\nasync"),
    )
    .unwrap();
    let out = awaitfix(dir.path(), &["check", "--format", "github"], "");
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        text(&out.stdout),
        "::error file=a%2Cb/m.py,line=9,col=12,endLine=9,endColumn=44,title=AWF001 `await` on a synchronous \
         function::`get_websocket_manager` is synchronous; awaiting it raises TypeError (fix: drop await on \
         get_websocket_manager; run `awaitfix apply`)\n",
        "one annotation for the open site, none for the suppressed one"
    );
}

#[test]
fn pr_body_of_the_example_backend() {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&backend(), &dir.path().join("backend"));
    let out = awaitfix(dir.path(), &["diff", "--prefer", "async", "--pr-body", "body.md", "backend"], "");
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let body = std::fs::read_to_string(dir.path().join("body.md")).unwrap();
    insta::with_settings!({ snapshot_path => "../snapshots", prepend_module_to_snapshot => false }, {
        insta::assert_snapshot!("pr_body_backend", body);
    });
}

/// Past the ten directories with the most sites, the per-directory table goes on in a collapsed
/// `<details>` block (a blank line after `<summary>`, or GitHub shows the table as text).
#[test]
fn pr_body_collapses_the_directories_past_the_top_ten() {
    let dir = tempfile::tempdir().unwrap();
    for i in 0..12 {
        let sites = if i < 3 { BROKEN.to_string() } else { BROKEN.replacen("await get", "get", 1) };
        std::fs::create_dir_all(dir.path().join(format!("pkg{i:02}"))).unwrap();
        std::fs::write(dir.path().join(format!("pkg{i:02}/m.py")), sites).unwrap();
    }
    let out = awaitfix(dir.path(), &["diff", "--pr-body", "body.md"], "");
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let body = std::fs::read_to_string(dir.path().join("body.md")).unwrap();
    let summary = &body[..body.find("\n### ").unwrap()];
    insta::with_settings!({ snapshot_path => "../snapshots", prepend_module_to_snapshot => false }, {
        insta::assert_snapshot!("pr_body_directories", summary);
    });
}

#[test]
fn interactive_apply_asks_per_site() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.py"), BROKEN).unwrap();
    std::fs::write(dir.path().join("b.py"), BROKEN).unwrap();
    let out = awaitfix(dir.path(), &["apply", "--interactive"], "n\nwhat\ny\nq\n");
    assert_eq!(out.status.code(), Some(1), "declined sites are left: {}", text(&out.stderr));
    assert_eq!(text(&out.stdout), "", "prompts and hunks go to stderr");
    let shown = text(&out.stderr);
    assert!(shown.contains("a.py:5:12: AWF001"), "{shown}");
    assert!(
        shown
            .contains("-    return await get_websocket_manager(ctx)\n+    return get_websocket_manager(ctx)")
    );
    assert!(shown.contains("y - fix this site"), "an unknown answer shows the help: {shown}");
    assert_eq!(shown.matches("Fix this site [y,n,a,q,?]?").count(), 4, "asked until q");
    let a = std::fs::read_to_string(dir.path().join("a.py")).unwrap();
    let second = BROKEN.rfind("await ").unwrap();
    assert_eq!(a, format!("{}{}", &BROKEN[..second], &BROKEN[second + 6..]), "only the second site is fixed");
    assert_eq!(std::fs::read_to_string(dir.path().join("b.py")).unwrap(), BROKEN, "quit before b.py");
    assert!(text(&out.stderr).contains("fixed 1 site in 1 file"), "{}", text(&out.stderr));
}

#[test]
fn interactive_apply_all_and_end_of_input() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.py"), BROKEN).unwrap();
    std::fs::write(dir.path().join("b.py"), BROKEN).unwrap();
    let out = awaitfix(dir.path(), &["apply", "-i", "a.py", "b.py"], "y\na\n");
    assert!(out.status.success());
    assert_eq!(text(&out.stderr).matches("Fix this site").count(), 2, "nothing is asked after a");
    assert!(!std::fs::read_to_string(dir.path().join("b.py")).unwrap().contains("await"));
    std::fs::write(dir.path().join("a.py"), BROKEN).unwrap();
    let out = awaitfix(dir.path(), &["apply", "-i", "a.py"], "");
    assert_eq!(out.status.code(), Some(1), "the sites are left");
    assert_eq!(std::fs::read_to_string(dir.path().join("a.py")).unwrap(), BROKEN, "no answer is no");
}

#[test]
fn progress_is_drawn_only_on_a_terminal_outside_ci() {
    let dir = tempfile::tempdir().unwrap();
    let filler: String = (0..40).map(|i| format!("\n\ndef f{i}(x):\n    return x + {i}\n")).collect();
    for i in 0..600 {
        std::fs::write(dir.path().join(format!("m{i}.py")), format!("{BROKEN}{filler}")).unwrap();
    }
    let binary = assert_cmd::cargo::cargo_bin("awaitfix");
    // `script` runs the command on a pseudo-terminal and copies what it draws; -j1 makes the run long
    // enough (well over the bar's delay) to draw.
    let on_terminal = |flags: &str, ci: bool| {
        let inner = format!("{} check -j1 --color never {flags} . >/dev/null", binary.display());
        let mut command = Command::new("script");
        command.args(["-qec", &inner, "/dev/null"]).current_dir(dir.path()).env_remove("CI");
        if ci {
            command.env("CI", "true");
        }
        text(&command.output().expect("script (util-linux) runs").stdout)
    };
    let drawn = on_terminal("", false);
    assert!(drawn.contains("/600 files, ") && drawn.contains("sites found"), "{drawn:?}");
    assert!(drawn.ends_with("\r\u{1b}[2K"), "the bar is cleared at the end: {drawn:?}");
    for (flags, ci) in [("--no-progress", false), ("-q", false), ("", true)] {
        let drawn = on_terminal(flags, ci);
        assert!(!drawn.contains("files, "), "{flags} CI={ci}: {drawn:?}");
    }
    let piped = awaitfix(dir.path(), &["check", "-j1", "."], "");
    assert!(!text(&piped.stderr).contains("files, "), "not drawn when stderr is not a terminal");
}
