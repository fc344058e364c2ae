//! The README as written: every transform it shows passes `transforms validate` and `transforms test`, and
//! every shell block of its Recipes runs, with bash, against a git repository made from `examples/backend`
//! (cloned from a local bare `origin`, so that `git fetch` and `git push` need no network). `gh`, which needs
//! the network and a GitHub token, is a shell function that logs its arguments instead.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

mod support;
use support::copy_tree;

fn readme() -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap()
}

/// The bodies of the README's fenced blocks of `language` in `text`.
fn blocks<'a>(text: &'a str, language: &str) -> Vec<&'a str> {
    let fence = format!("```{language}\n");
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find(&fence) {
        let body = &rest[start + fence.len()..];
        let end = body.find("```").expect("a fenced block ends");
        out.push(&body[..end]);
        rest = &body[end..];
    }
    out
}

fn awaitfix() -> PathBuf {
    assert_cmd::cargo::cargo_bin("awaitfix")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn readme_transforms_validate_and_pass_their_own_examples() {
    let readme = readme();
    let transforms: Vec<&str> = blocks(&readme, "yaml")
        .into_iter()
        .filter(|b| b.starts_with("id: ") && b.contains("\npairs:"))
        .collect();
    assert!(transforms.len() >= 2, "the built-in transform and the user's own: {}", transforms.len());
    let dir = tempfile::tempdir().unwrap();
    for (i, yaml) in transforms.iter().enumerate() {
        let file = dir.path().join(format!("t{i}.yaml"));
        std::fs::write(&file, yaml).unwrap();
        for command in ["validate", "test"] {
            let out = Command::new(awaitfix()).args(["transforms", command]).arg(&file).output().unwrap();
            assert!(
                out.status.success(),
                "transforms {command} of the README's block\n{yaml}\n{}{}",
                text(&out.stdout),
                text(&out.stderr)
            );
        }
    }
}

/// The shell blocks of the README's recipe whose title (`**Title.**`) starts with `title`.
fn recipe(title: &str) -> String {
    let readme = readme();
    let recipes = &readme[readme.find("\n## Recipes\n").expect("a Recipes section")..];
    let recipes = &recipes[..recipes[1..].find("\n## ").map_or(recipes.len(), |end| end + 1)];
    let start = recipes.find(&format!("**{title}")).unwrap_or_else(|| panic!("a recipe `{title}`"));
    let section = &recipes[start + 2..];
    let section = &section[..section.find("\n**").unwrap_or(section.len())];
    let scripts = blocks(section, "sh");
    assert!(!scripts.is_empty(), "the recipe `{title}` has a shell block");
    scripts.concat()
}

/// A bare `origin` holding `examples/backend` as one commit on `main`, in a temp dir.
struct Origin {
    dir: tempfile::TempDir,
}

impl Origin {
    fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let origin = Self { dir };
        let work = origin.path("work");
        copy_tree(&Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/backend"), &work);
        origin.git(&origin.path(""), &["init", "-q", "--bare", "-b", "main", "origin.git"]);
        origin.git(&work, &["init", "-q", "-b", "main"]);
        origin.git(&work, &["add", "-A"]);
        origin.git(
            &work,
            &["-c", "user.name=Dev", "-c", "user.email=dev@example.com", "commit", "-qm", "initial"],
        );
        origin.git(&work, &["push", "-q", "../origin.git", "main"]);
        origin
    }

    fn path(&self, relative: &str) -> PathBuf {
        self.dir.path().join(relative)
    }

    fn git(&self, cwd: &Path, args: &[&str]) -> String {
        let out = self.command("git", cwd).args(args).output().unwrap();
        assert!(out.status.success(), "git {args:?}: {}", text(&out.stderr));
        text(&out.stdout)
    }

    /// A command with git's global configuration shut out and `awaitfix` first on PATH.
    fn command(&self, program: &str, cwd: &Path) -> Command {
        let mut command = Command::new(program);
        let bin = awaitfix().parent().unwrap().to_path_buf();
        let path = std::env::join_paths(
            std::iter::once(bin).chain(std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default())),
        )
        .unwrap();
        command
            .current_dir(cwd)
            .env("PATH", path)
            .env("HOME", self.dir.path())
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("RUNNER_TEMP", self.dir.path())
            .env("NO_COLOR", "1");
        for var in
            ["GIT_AUTHOR_DATE", "GIT_COMMITTER_DATE", "SOURCE_DATE_EPOCH", "GIT_DIR", "GIT_WORK_TREE", "CI"]
        {
            command.env_remove(var);
        }
        command
    }

    /// A fresh clone of `origin` named `name`, with an identity for the recipes that do not set one.
    fn clone(&self, name: &str) -> PathBuf {
        self.git(&self.path(""), &["clone", "-q", "origin.git", name]);
        let clone = self.path(name);
        self.git(&clone, &["config", "user.name", "Dev One"]);
        self.git(&clone, &["config", "user.email", "dev@example.com"]);
        clone
    }

    /// Runs `script` with bash in `cwd` (`-e` as CI steps run it, else as typed in a terminal, where a
    /// command's exit status stops nothing), with `gh` logging to `gh.log` in the temp dir.
    fn run(&self, cwd: &Path, script: &str, errexit: bool) -> Output {
        let gh = format!("gh() {{ printf '%s\\n' \"gh $*\" >> '{}'; }}\n", self.path("gh.log").display());
        let flags = if errexit { "-e" } else { "+e" };
        let out = self.command("bash", cwd).args([flags, "-c", &format!("{gh}{script}")]).output().unwrap();
        eprintln!("--- {script}\n{}{}", text(&out.stdout), text(&out.stderr));
        out
    }
}

#[test]
fn readme_one_shot_migration_runs_as_written() {
    let origin = Origin::new();
    let repo = origin.clone("repo");
    let out = origin.run(&repo, &recipe("One-shot migration"), false);
    assert!(text(&out.stdout).contains("Found 16 sites in 1 file"), "the first check");
    assert!(
        text(&out.stdout).ends_with(
            "No sites to fix in 8 files. Left alone: 2 intentional, 0 suppressed (-v lists them).\n"
        )
    );
    assert_eq!(out.status.code(), Some(0), "the last check finds nothing left");
    let log = origin.git(&repo, &["log", "--format=%s", "main..awaitfix/websocket-manager"]);
    assert_eq!(log.lines().count(), 1, "{log}");
    assert_eq!(origin.git(&repo, &["branch", "--show-current"]).trim(), "awaitfix/websocket-manager");
    let body = std::fs::read_to_string(repo.join("pr.md")).unwrap();
    assert!(body.starts_with("## awaitfix: 16 sites fixed in 1 file"), "{body}");
}

#[test]
fn readme_dry_run_review_runs_as_written() {
    let origin = Origin::new();
    let repo = origin.clone("repo");
    let out = origin.run(&repo, &recipe("Dry-run review"), false);
    assert_eq!(out.status.code(), Some(1), "the last diff shows changes");
    assert!(text(&out.stdout).contains("1 file changed, 16 insertions(+), 16 deletions(-)"), "the --stat");
    assert_eq!(
        origin.git(&repo, &["status", "--short", "--untracked-files=no"]),
        "",
        "nothing fixed in place"
    );
    origin.git(&repo, &["apply", "fixes.patch"]);
    let review = std::fs::read_to_string(repo.join("review.md")).unwrap();
    assert!(review.starts_with("## awaitfix: 16 sites fixed in 1 file"), "{review}");
    let out = origin.command("awaitfix", &repo).args(["check", "-q"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "the patch holds every fix: {}", text(&out.stdout));
}

/// The bot's first run pushes a branch and opens a pull request; a second run on a fresh checkout of the
/// unchanged default branch pushes nothing and opens nothing.
#[test]
fn readme_bot_runs_as_written_and_twice_pushes_once() {
    let origin = Origin::new();
    let script = recipe("A bot that opens fix PRs");
    let first = origin.clone("first");
    let out = origin.run(&first, &script, true);
    assert!(out.status.success());
    let pushed = origin.git(&origin.path("origin.git"), &["rev-parse", "awaitfix/websocket-manager"]);
    let gh = std::fs::read_to_string(origin.path("gh.log")).unwrap();
    let body = origin.path("pr.md");
    assert_eq!(
        gh,
        format!(
            "gh pr create --head awaitfix/websocket-manager --title Stop awaiting get_websocket_manager() \
             --body-file {}\n",
            body.display()
        )
    );
    assert!(std::fs::read_to_string(&body).unwrap().contains("16 sites fixed"));
    let author = origin.git(&first, &["log", "-1", "--format=%an <%ae>", "awaitfix/websocket-manager"]);
    assert_eq!(author.trim(), "awaitfix-bot <bot@example.com>");

    let second = origin.clone("second");
    let out = origin.run(&second, &script, true);
    assert!(out.status.success());
    assert!(text(&out.stderr).contains("is up to date"), "{}", text(&out.stderr));
    assert_eq!(std::fs::read_to_string(second.join("commits.txt")).unwrap(), "");
    assert_eq!(origin.git(&origin.path("origin.git"), &["rev-parse", "awaitfix/websocket-manager"]), pushed);
    assert_eq!(std::fs::read_to_string(origin.path("gh.log")).unwrap(), gh, "no second pull request");
}

/// The gate as a CI step runs it (`bash -e`): the SARIF log is written whatever the findings, then the gate
/// annotates and fails.
#[test]
fn readme_ci_gate_runs_as_written() {
    let origin = Origin::new();
    let repo = origin.clone("repo");
    let out = origin.run(&repo, &recipe("CI gate"), true);
    assert_eq!(out.status.code(), Some(1), "the gate fails the step on a site");
    let annotations = text(&out.stdout);
    assert_eq!(annotations.lines().filter(|l| l.starts_with("::error file=app/routes/")).count(), 16);
    let sarif: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(repo.join("awaitfix.sarif")).unwrap()).unwrap();
    assert_eq!(sarif["runs"][0]["results"].as_array().unwrap().len(), 16);
}
