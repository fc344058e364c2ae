//! `awaitfix commit` on real repositories built in temp dirs, with the git CLI as the independent oracle of
//! what was committed and what was left in the index and the work tree.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use assert_cmd::cargo::CommandCargoExt;

mod support;
use support::copy_tree;

const BROKEN: &str = "from factory import get_websocket_manager


async def handler(ctx):
    manager = await get_websocket_manager(ctx)
    return manager
";

const FIXED: &str = "from factory import get_websocket_manager


async def handler(ctx):
    manager = get_websocket_manager(ctx)
    return manager
";

/// A repository in a temp dir, with git's global and system configuration shut out.
struct Repo {
    dir: tempfile::TempDir,
}

impl Repo {
    /// A repository with one commit holding `files`.
    fn with(files: &[(&str, &str)]) -> Self {
        let repo = Self::empty();
        for (path, text) in files {
            repo.write(path, text);
        }
        repo.git(&["add", "-A"]);
        repo.git(&["commit", "-qm", "initial"]);
        repo
    }

    fn empty() -> Self {
        let repo = Self { dir: tempfile::tempdir().unwrap() };
        repo.git(&["init", "-q", "-b", "main"]);
        repo.git(&["config", "user.name", "Dev One"]);
        repo.git(&["config", "user.email", "dev@example.com"]);
        repo
    }

    fn path(&self, relative: &str) -> PathBuf {
        self.dir.path().join(relative)
    }

    fn write(&self, relative: &str, text: &str) {
        let path = self.path(relative);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    fn read(&self, relative: &str) -> String {
        std::fs::read_to_string(self.path(relative)).unwrap()
    }

    fn command(&self, program: Command) -> Command {
        let mut command = program;
        command.current_dir(self.dir.path()).env("HOME", self.dir.path()).env("GIT_CONFIG_NOSYSTEM", "1");
        for var in [
            "GIT_AUTHOR_NAME",
            "GIT_AUTHOR_EMAIL",
            "GIT_COMMITTER_NAME",
            "GIT_COMMITTER_EMAIL",
            "GIT_AUTHOR_DATE",
            "GIT_COMMITTER_DATE",
            "SOURCE_DATE_EPOCH",
            "CI",
        ] {
            command.env_remove(var);
        }
        command
    }

    /// Runs git and returns its stdout; fails the test if git fails.
    fn git(&self, args: &[&str]) -> String {
        let out = self.command(Command::new("git")).args(args).output().unwrap();
        assert!(out.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).unwrap()
    }

    fn git_fails(&self, args: &[&str]) -> bool {
        !self.command(Command::new("git")).args(args).output().unwrap().status.success()
    }

    fn awaitfix(&self, args: &[&str]) -> Output {
        self.awaitfix_with_input(args, "")
    }

    fn awaitfix_with_input(&self, args: &[&str], input: &str) -> Output {
        use std::io::Write;
        let mut command = self.command(Command::cargo_bin("awaitfix").unwrap());
        command.args(args).stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped());
        let mut child = command.spawn().unwrap();
        child.stdin.take().unwrap().write_all(input.as_bytes()).unwrap();
        child.wait_with_output().unwrap()
    }

    /// `git status --porcelain`, `git diff --cached` and `git diff`: everything the user has not committed.
    fn uncommitted(&self) -> (String, String, String) {
        (self.git(&["status", "--porcelain"]), self.git(&["diff", "--cached"]), self.git(&["diff"]))
    }
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn commits_the_fixes_on_a_new_branch_and_checks_it_out() {
    let repo = Repo::with(&[("app/a.py", BROKEN), ("app/b.py", BROKEN), ("app/clean.py", "x = 1\n")]);
    let out = repo.awaitfix(&["commit"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(repo.git(&["branch", "--show-current"]).trim(), "awaitfix/websocket-manager");
    assert_eq!(repo.git(&["rev-list", "--count", "main..HEAD"]).trim(), "1");
    assert_eq!(repo.git(&["show", "HEAD:app/a.py"]), FIXED);
    assert_eq!(repo.git(&["show", "HEAD:app/b.py"]), FIXED);
    assert_eq!(repo.git(&["diff", "--name-only", "main", "HEAD"]), "app/a.py\napp/b.py\n");
    assert_eq!(repo.git(&["status", "--porcelain"]), "", "work tree and index match the new commit");
    assert_eq!(repo.read("app/a.py"), FIXED);
    let subject = repo.git(&["log", "-1", "--format=%s"]);
    assert_eq!(subject.trim(), "fix AWF001: drop await on get_websocket_manager (2 sites, 2 files)");
    let body = repo.git(&["log", "-1", "--format=%b"]);
    assert!(body.contains("- app/a.py (1 site)\n- app/b.py (1 site)"), "{body}");
    assert_eq!(
        repo.git(&["log", "-1", "--format=%an <%ae>|%cn"]).trim(),
        "Dev One <dev@example.com>|Dev One"
    );
    let oid = repo.git(&["rev-parse", "--short=10", "HEAD"]);
    assert_eq!(stdout(&out), format!("{} {}\n", oid.trim(), subject.trim()));
    assert_eq!(repo.git(&["show", "main:app/a.py"]), BROKEN, "the starting branch is left as it was");
}

#[test]
fn one_commit_per_top_level_directory() {
    let repo = Repo::with(&[("api/a.py", BROKEN), ("worker/jobs/b.py", BROKEN), ("top.py", BROKEN)]);
    let out = repo.awaitfix(&["commit", "--split", "directory"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let log = repo.git(&["log", "--reverse", "--format=%s", "main..HEAD"]);
    assert_eq!(
        log,
        "fix AWF001: drop await on get_websocket_manager at the top level (1 site, 1 file)\n\
         fix AWF001: drop await on get_websocket_manager in api/ (1 site, 1 file)\n\
         fix AWF001: drop await on get_websocket_manager in worker/ (1 site, 1 file)\n"
    );
    assert_eq!(repo.git(&["diff", "--name-only", "HEAD~1", "HEAD"]), "worker/jobs/b.py\n");
    assert_eq!(repo.git(&["status", "--porcelain"]), "");
}

#[test]
fn one_commit_per_transform() {
    let transform = "id: fetch-client
pairs:
  - sync: get_client
    async: get_client_async
";
    let both = "from factory import get_websocket_manager, get_client


async def handler(ctx):
    return await get_websocket_manager(ctx), await get_client(ctx)
";
    let repo = Repo::with(&[("a.py", both), ("b.py", BROKEN), ("transforms/fetch.yaml", transform)]);
    let args = ["commit", "--split", "transform", "--transform", "websocket-manager"];
    let out = repo.awaitfix(&[&args[..], &["--transform", "transforms/fetch.yaml"]].concat());
    assert!(out.status.success(), "{}", stderr(&out));
    let log = repo.git(&["log", "--reverse", "--format=%s", "main..HEAD"]);
    assert_eq!(
        log,
        "fix AWF001: drop await on get_websocket_manager (2 sites, 2 files)\n\
         fix AWF001: drop await on get_client (1 site, 1 file)\n"
    );
    assert_eq!(
        repo.git(&["show", "HEAD~1:a.py"]),
        both.replace("await get_websocket_manager", "get_websocket_manager"),
        "the first commit holds only the first transform's fixes"
    );
    assert_eq!(repo.git(&["show", "HEAD:a.py"]), both.replace("await ", ""));
    assert_eq!(repo.git(&["branch", "--show-current"]).trim(), "awaitfix/websocket-manager+fetch-client");

    // In one commit, the fixes of both transforms: the subject said "fixes".
    repo.git(&["checkout", "-q", "main"]);
    let both = ["--transform", "websocket-manager", "--transform", "transforms/fetch.yaml"];
    let out = repo.awaitfix(&[&["commit", "--branch", "one"][..], &both].concat());
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        repo.git(&["log", "--format=%s", "main..one"]).trim(),
        "fix AWF001: await on a synchronous function of websocket-manager, fetch-client (3 sites, 2 files)"
    );
    assert_eq!(stdout(&out).lines().count(), 1);
}

#[test]
fn refuses_files_with_uncommitted_changes() {
    let repo = Repo::with(&[("a.py", BROKEN), ("b.py", BROKEN)]);
    let edited = format!("{BROKEN}# work in progress\n");
    repo.write("b.py", &edited);
    repo.write("new.py", BROKEN);
    let before = repo.uncommitted();
    let out = repo.awaitfix(&["commit"]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains("b.py (modified)") && err.contains("new.py (untracked)") && !err.contains("a.py ("),
        "{err}"
    );
    assert!(err.contains("--allow-dirty"), "{err}");
    assert_eq!(repo.uncommitted(), before);
    assert_eq!(repo.read("a.py"), BROKEN, "nothing is written when the run is refused");
    assert!(repo.git_fails(&["rev-parse", "--verify", "awaitfix/websocket-manager"]), "no branch is created");
}

#[test]
fn unrelated_staged_and_unstaged_changes_stay_as_they_were() {
    let repo = Repo::with(&[("a.py", BROKEN), ("notes.txt", "one\n"), ("lib.py", "x = 1\n")]);
    repo.write("notes.txt", "one\ntwo (staged)\n");
    repo.git(&["add", "notes.txt"]);
    repo.write("notes.txt", "one\ntwo (staged)\nthree (unstaged)\n");
    repo.write("lib.py", "x = 2  # unstaged\n");
    repo.write("scratch.py", "y = 3\n");
    let before = repo.uncommitted();
    let out = repo.awaitfix(&["commit"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(repo.uncommitted(), before, "status, staged and unstaged changes are untouched");
    assert_eq!(repo.git(&["diff", "--name-only", "main", "HEAD"]), "a.py\n", "only the fix is committed");
    assert_eq!(repo.git(&["show", "HEAD:notes.txt"]), "one\n");
}

#[test]
fn allow_dirty_commits_only_the_fix_and_keeps_the_changes_in_the_same_file() {
    let repo = Repo::with(&[("a.py", BROKEN)]);
    let staged = BROKEN.replace("return manager", "return manager  # staged");
    repo.write("a.py", &staged);
    repo.git(&["add", "a.py"]);
    let unstaged = format!("{staged}# unstaged\n");
    repo.write("a.py", &unstaged);
    let changed_lines = |diff: String| -> Vec<String> {
        diff.lines()
            .filter(|l| l.starts_with(['+', '-']) && !l.starts_with("+++") && !l.starts_with("---"))
            .map(String::from)
            .collect()
    };
    let (staged_before, unstaged_before) =
        (changed_lines(repo.git(&["diff", "--cached"])), changed_lines(repo.git(&["diff"])));
    let out = repo.awaitfix(&["commit", "--allow-dirty"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(repo.git(&["show", "HEAD:a.py"]), FIXED, "the commit holds HEAD's content and the fix");
    assert_eq!(repo.git(&["show", ":a.py"]), FIXED.replace("return manager", "return manager  # staged"));
    assert_eq!(
        repo.read("a.py"),
        format!("{}# unstaged\n", FIXED.replace("return manager", "return manager  # staged"))
    );
    assert_eq!(
        changed_lines(repo.git(&["diff", "--cached"])),
        staged_before,
        "the staged change is still staged"
    );
    assert_eq!(changed_lines(repo.git(&["diff"])), unstaged_before, "the unstaged change is still unstaged");
}

#[test]
fn no_checkout_touches_neither_head_nor_index_nor_work_tree() {
    let repo = Repo::with(&[("a.py", BROKEN), ("b.py", "x = 1\n")]);
    repo.write("b.py", "x = 2\n");
    let before = repo.uncommitted();
    let out = repo.awaitfix(&["commit", "--no-checkout", "--branch", "fix/websocket"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(repo.git(&["branch", "--show-current"]).trim(), "main");
    assert_eq!(repo.uncommitted(), before);
    assert_eq!(repo.read("a.py"), BROKEN);
    assert_eq!(repo.git(&["show", "fix/websocket:a.py"]), FIXED);
    assert_eq!(repo.git(&["rev-parse", "fix/websocket~1"]), repo.git(&["rev-parse", "main"]));
}

#[test]
fn an_empty_repository_is_an_error() {
    let repo = Repo::empty();
    repo.write("a.py", BROKEN);
    let out = repo.awaitfix(&["commit"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("no commit yet"), "{}", stderr(&out));
    assert_eq!(repo.read("a.py"), BROKEN);
}

#[test]
fn outside_a_repository_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.py"), BROKEN).unwrap();
    let out = Command::cargo_bin("awaitfix").unwrap().arg("commit").arg(dir.path()).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("not inside a git work tree"), "{}", stderr(&out));
}

#[test]
fn from_a_detached_head() {
    let repo = Repo::with(&[("a.py", BROKEN)]);
    repo.write("b.py", BROKEN);
    repo.git(&["add", "b.py"]);
    repo.git(&["commit", "-qm", "second"]);
    repo.git(&["checkout", "-q", "--detach", "HEAD~1"]);
    let out = repo.awaitfix(&["commit"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(repo.git(&["branch", "--show-current"]).trim(), "awaitfix/websocket-manager");
    assert_eq!(repo.git(&["rev-parse", "HEAD~1"]), repo.git(&["rev-parse", "main~1"]));
    assert_eq!(repo.git(&["ls-tree", "--name-only", "HEAD"]), "a.py\n");
}

#[test]
fn an_existing_branch_needs_force() {
    let repo = Repo::with(&[("a.py", BROKEN)]);
    repo.git(&["branch", "awaitfix/websocket-manager"]);
    let out = repo.awaitfix(&["commit"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("already exists (pass --force"), "{}", stderr(&out));
    assert_eq!(repo.read("a.py"), BROKEN);
    let out = repo.awaitfix(&["commit", "--force"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(repo.git(&["show", "awaitfix/websocket-manager:a.py"]), FIXED);
}

#[test]
fn the_checked_out_branch_takes_new_commits_but_is_not_moved_away_from_head() {
    let repo = Repo::with(&[("a.py", BROKEN)]);
    repo.git(&["checkout", "-q", "-b", "fixes"]);
    repo.write("b.py", BROKEN);
    repo.git(&["add", "b.py"]);
    repo.git(&["commit", "-qm", "more"]);
    let out = repo.awaitfix(&["commit", "--no-checkout", "--force", "--branch", "fixes"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("is checked out"), "{}", stderr(&out));
    let out = repo.awaitfix(&["commit", "--force", "--branch", "fixes"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(repo.git(&["log", "--format=%s", "main..fixes"]).lines().nth(1), Some("more"));
    assert_eq!(repo.git(&["status", "--porcelain"]), "");
}

#[test]
fn from_a_subdirectory() {
    let repo = Repo::with(&[("pkg/sub/a.py", BROKEN), ("other/b.py", BROKEN)]);
    let mut command = repo.command(Command::cargo_bin("awaitfix").unwrap());
    let out =
        command.current_dir(repo.path("pkg")).args(["commit", "--pr-body", "../body.md"]).output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(repo.git(&["diff", "--name-only", "main", "HEAD"]), "pkg/sub/a.py\n");
    assert!(repo.git(&["log", "-1", "--format=%b"]).contains("- pkg/sub/a.py (1 site)"));
    assert!(repo.read("body.md").contains("| `sub/a.py:5` |"), "paths as the user sees them");
}

#[test]
fn nothing_to_fix_creates_nothing() {
    let repo = Repo::with(&[("a.py", FIXED)]);
    let out = repo.awaitfix(&["commit"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(stderr(&out).contains("nothing to fix"), "{}", stderr(&out));
    assert_eq!(stdout(&out), "");
    assert!(repo.git_fails(&["rev-parse", "--verify", "awaitfix/websocket-manager"]));
    assert_eq!(repo.git(&["branch", "--show-current"]).trim(), "main");
}

#[test]
fn paths_with_spaces_and_non_ascii_characters() {
    let repo = Repo::with(&[("my app/café.py", BROKEN), ("ünï/b c.py", BROKEN)]);
    let out = repo.awaitfix(&["commit", "--split", "directory"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(repo.git(&["show", "HEAD~1:my app/café.py"]), FIXED);
    assert_eq!(repo.git(&["show", "HEAD:ünï/b c.py"]), FIXED);
    assert_eq!(
        repo.git(&["log", "-1", "--format=%s"]).trim(),
        "fix AWF001: drop await on get_websocket_manager in ünï/ (1 site, 1 file)"
    );
    assert_eq!(repo.git(&["status", "--porcelain"]), "");
}

#[test]
fn author_and_signoff() {
    let repo = Repo::with(&[("a.py", BROKEN)]);
    let out = repo.awaitfix(&["commit", "--author", "Fix Bot <bot@example.com> ", "--signoff"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        repo.git(&["log", "-1", "--format=%an <%ae>|%cn <%ce>"]).trim(),
        "Fix Bot <bot@example.com>|Dev One <dev@example.com>"
    );
    assert!(repo.git(&["log", "-1", "--format=%b"]).contains("Signed-off-by: Dev One <dev@example.com>"));
    let out = repo.awaitfix(&["commit", "--force", "--branch", "other", "--author", "no email"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn paths_narrow_what_is_committed() {
    let repo = Repo::with(&[("api/a.py", BROKEN), ("worker/b.py", BROKEN)]);
    let out = repo.awaitfix(&["commit", "api"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(repo.git(&["diff", "--name-only", "main", "HEAD"]), "api/a.py\n");
    assert_eq!(repo.read("worker/b.py"), BROKEN);
}

#[test]
fn interactive_commit_keeps_declined_sites_and_their_imports() {
    let two = "from factory import get_websocket_manager


async def first(ctx):
    return await get_websocket_manager(ctx)


async def second(ctx):
    return await get_websocket_manager(ctx)
";
    let repo = Repo::with(&[("a.py", two), ("b.py", BROKEN)]);
    let out = repo.awaitfix_with_input(&["commit", "--interactive", "--prefer", "async"], "n\ny\nq\n");
    assert!(out.status.success(), "{}", stderr(&out));
    let shown = stderr(&out);
    assert!(shown.contains("(1/3) Fix this site [y,n,a,q,?]?") && shown.contains("(3/3)"), "{shown}");
    assert!(shown.contains("+    return await get_websocket_manager_async(ctx)"), "{shown}");
    assert!(
        shown.contains("+from factory import get_websocket_manager, get_websocket_manager_async"),
        "each hunk shows its fix alone, keeping the import the other site needs: {shown}"
    );
    assert_eq!(stdout(&out).lines().count(), 1, "stdout lists the commit only: {}", stdout(&out));
    let committed = repo.git(&["show", "HEAD:a.py"]);
    assert_eq!(
        committed,
        "from factory import get_websocket_manager, get_websocket_manager_async


async def first(ctx):
    return await get_websocket_manager(ctx)


async def second(ctx):
    return await get_websocket_manager_async(ctx)
",
        "the declined site stays, and so does the import it needs"
    );
    assert_eq!(repo.git(&["diff", "--name-only", "main", "HEAD"]), "a.py\n", "b.py was quit before");
    assert_eq!(repo.read("b.py"), BROKEN);
    assert_eq!(repo.git(&["status", "--porcelain"]), "");
}

#[test]
fn commit_writes_a_pr_body() {
    let repo = Repo::with(&[
        ("app/a.py", BROKEN),
        (
            "app/b.py",
            BROKEN
                .replace("get_websocket_manager(ctx)", "get_websocket_manager(ctx)  # awaitfix: ignore")
                .as_str(),
        ),
    ]);
    let body_path = repo.path("body.md");
    let out = repo.awaitfix(&["commit", "--pr-body", body_path.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let body = repo.read("body.md");
    assert!(body.starts_with("## awaitfix: 1 site fixed in 1 file\n"), "{body}");
    assert!(body.contains("| `app/a.py:5` | `manager = await get_websocket_manager(ctx)` | `manager = get_websocket_manager(ctx)` |"), "{body}");
    assert!(body.contains("| `app/b.py:5` | AWF001 | suppressed |"), "{body}");
    let commit = format!(
        "{} {}",
        repo.git(&["rev-parse", "--short=10", "HEAD"]).trim(),
        repo.git(&["log", "-1", "--format=%s"]).trim()
    );
    assert!(body.contains(&format!("### Commits (1)\n\n- {commit}\n")), "the body lists the commits: {body}");
}

/// The reproduce line showed this machine's absolute `--pr-body` path, and the commit message carried it too,
/// so a bot writing its description to a fresh temp dir made new commit ids on every run.
#[test]
fn the_pr_body_path_is_neither_in_the_reproduce_line_nor_in_the_commit() {
    let repo = Repo::with(&[("a.py", BROKEN)]);
    let body_path = repo.path("body.md");
    let out = repo.awaitfix(&["commit", "--pr-body", body_path.to_str().unwrap(), "--split=single"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let body = repo.read("body.md");
    assert!(body.contains("```sh\nawaitfix commit --split=single\n```"), "{body}");
    assert!(!body.contains(repo.dir.path().to_str().unwrap()), "{body}");
    let message = repo.git(&["log", "-1", "--format=%b"]);
    assert!(message.contains("Made with `awaitfix commit --split=single` (awaitfix "), "{message}");
}

/// The same HEAD, files and options made a new commit id on every run, so a weekly bot force-pushed and
/// notified the reviewers when nothing had changed.
#[test]
fn the_same_input_makes_the_same_commits() {
    let repo = Repo::with(&[("api/a.py", BROKEN), ("worker/b.py", BROKEN)]);
    let run = || {
        let out = repo.awaitfix(&["commit", "--no-checkout", "--split", "directory"]);
        assert!(out.status.success(), "{}", stderr(&out));
        let branch = repo.git(&["rev-parse", "awaitfix/websocket-manager"]);
        repo.git(&["branch", "-D", "awaitfix/websocket-manager"]);
        (stdout(&out), branch)
    };
    let first = run();
    std::thread::sleep(std::time::Duration::from_millis(1100)); // git dates have whole seconds
    assert_eq!(run(), first);
    repo.awaitfix(&["commit", "--no-checkout"]);
    let dates = repo.git(&["log", "--format=%ad|%cd", "--date=raw", "-1", "awaitfix/websocket-manager"]);
    let head = repo.git(&["log", "--format=%cd", "--date=raw", "-1", "main"]);
    assert_eq!(dates.trim(), format!("{0}|{0}", head.trim()), "dated as the commit the branch starts from");
}

#[test]
fn dates_from_source_date_epoch_and_git_dates() {
    let repo = Repo::with(&[("a.py", BROKEN)]);
    let mut command = repo.command(Command::cargo_bin("awaitfix").unwrap());
    let out =
        command.env("SOURCE_DATE_EPOCH", "1700000000").args(["commit", "--no-checkout"]).output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let dates = repo.git(&["log", "-1", "--format=%at %ct %ci", "awaitfix/websocket-manager"]);
    assert_eq!(dates.trim(), "1700000000 1700000000 2023-11-14 22:13:20 +0000");
    let mut command = repo.command(Command::cargo_bin("awaitfix").unwrap());
    let out = (command.env("SOURCE_DATE_EPOCH", "1700000000").env("GIT_COMMITTER_DATE", "@1600000000 +0200"))
        .args(["commit", "--no-checkout", "--branch", "other"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let dates = repo.git(&["log", "-1", "--format=%at %ct %ci", "other"]);
    assert_eq!(dates.trim(), "1700000000 1600000000 2020-09-13 14:26:40 +0200");
    let mut command = repo.command(Command::cargo_bin("awaitfix").unwrap());
    let out =
        command.env("SOURCE_DATE_EPOCH", "next week").args(["commit", "--branch", "third"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("SOURCE_DATE_EPOCH=`next week`: expected seconds"), "{}", stderr(&out));
    assert!(repo.git_fails(&["rev-parse", "--verify", "third"]));
    assert_eq!(repo.read("a.py"), BROKEN);
}

/// `commit --date` dates author and committer (RFC 3339 or `@SECONDS`), wins over the environment's dates, and
/// two runs with the same date make the same commit id.
#[test]
fn commit_date_sets_both_dates_and_gives_the_same_oid() {
    let repo = Repo::with(&[("a.py", BROKEN)]);
    let run = |branch: &str, date: &str| {
        let mut command = repo.command(Command::cargo_bin("awaitfix").unwrap());
        let out = (command.env("SOURCE_DATE_EPOCH", "1").env("GIT_AUTHOR_DATE", "@2 +0000"))
            .args(["commit", "--no-checkout", "--branch", branch, "--date", date])
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", stderr(&out));
        repo.git(&["rev-parse", branch])
    };
    // The commit body holds the command line: the same options, so the same branch, again.
    let first = run("one", "2024-05-06T07:08:09+02:00");
    repo.git(&["branch", "-D", "one"]);
    std::thread::sleep(std::time::Duration::from_millis(1100)); // git dates have whole seconds
    assert_eq!(run("one", "2024-05-06T07:08:09+02:00"), first);
    let dates = repo.git(&["log", "-1", "--format=%at %ai|%ct %ci", "one"]);
    assert_eq!(dates.trim(), "1714972089 2024-05-06 07:08:09 +0200|1714972089 2024-05-06 07:08:09 +0200");
    run("three", "@1700000000");
    let dates = repo.git(&["log", "-1", "--format=%at %ct %ci", "three"]);
    assert_eq!(dates.trim(), "1700000000 1700000000 2023-11-14 22:13:20 +0000");
    let out = repo.awaitfix(&["commit", "--branch", "four", "--date", "tomorrow"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("--date `tomorrow`: expected"), "{}", stderr(&out));
    assert!(repo.git_fails(&["rev-parse", "--verify", "four"]));
}

/// A bot that runs again on an unchanged default branch must not rewrite (and push) its branch.
#[test]
fn a_branch_that_holds_the_same_commits_is_kept_without_force() {
    let repo = Repo::with(&[("a.py", BROKEN)]);
    let out = repo.awaitfix(&["commit"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let tip = repo.git(&["rev-parse", "awaitfix/websocket-manager"]);
    repo.git(&["checkout", "-q", "main"]);
    let reflog = repo.git(&["reflog", "show", "awaitfix/websocket-manager"]);
    // Another date makes other commit ids, with the same trees and messages: the branch is up to date.
    let elsewhere = tempfile::tempdir().unwrap();
    let body = elsewhere.path().join("pr.md");
    let mut command = repo.command(Command::cargo_bin("awaitfix").unwrap());
    let args = ["commit", "--pr-body", body.to_str().unwrap()];
    let out = command.env("SOURCE_DATE_EPOCH", "1").args(args).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let listed = format!("- {} fix AWF001: ", &tip[..10]);
    assert!(std::fs::read_to_string(&body).unwrap().contains(&listed), "the body lists the branch's commits");
    assert_eq!(stdout(&out), "", "nothing was committed");
    assert!(
        stderr(&out).contains(
            "branch awaitfix/websocket-manager is up to date (1 commit, checked out): nothing committed"
        ),
        "{}",
        stderr(&out)
    );
    assert_eq!(repo.git(&["rev-parse", "awaitfix/websocket-manager"]), tip);
    assert_eq!(
        repo.git(&["reflog", "show", "awaitfix/websocket-manager"]),
        reflog,
        "the branch was not touched"
    );
    assert_eq!(repo.git(&["branch", "--show-current"]).trim(), "awaitfix/websocket-manager");
    assert_eq!(repo.git(&["status", "--porcelain"]), "");
    assert_eq!(repo.read("a.py"), FIXED);

    repo.git(&["checkout", "-q", "main"]);
    repo.write("b.py", BROKEN);
    repo.git(&["add", "b.py"]);
    repo.git(&["commit", "-qm", "more"]);
    let out = repo.awaitfix(&["commit", "--no-checkout"]);
    assert_eq!(out.status.code(), Some(2), "new commits still need --force");
    assert!(stderr(&out).contains("already exists (pass --force"), "{}", stderr(&out));
}

/// `--split directory` in a repository holding one package made one commit "in channels/".
#[test]
fn split_directory_skips_the_folder_all_files_share() {
    let repo = Repo::with(&[
        ("channels/db.py", BROKEN),
        ("channels/layers/a.py", BROKEN),
        ("channels/testing/live/b.py", BROKEN),
        ("setup.py", "x = 1\n"),
    ]);
    let out = repo.awaitfix(&["commit", "--split", "directory"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        repo.git(&["log", "--reverse", "--format=%s", "main..HEAD"]),
        "fix AWF001: drop await on get_websocket_manager at the top of channels/ (1 site, 1 file)\n\
         fix AWF001: drop await on get_websocket_manager in channels/layers/ (1 site, 1 file)\n\
         fix AWF001: drop await on get_websocket_manager in channels/testing/ (1 site, 1 file)\n"
    );
}

#[test]
fn committed_backend_runs() {
    let repo = Repo::empty();
    copy_tree(&Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/backend"), repo.dir.path());
    repo.git(&["add", "-A"]);
    repo.git(&["commit", "-qm", "backend"]);
    let tests = || {
        repo.command(Command::new("python3"))
            .args(["-m", "unittest", "discover", "-s", "tests", "-t", "."])
            .output()
            .unwrap()
    };
    assert!(!tests().status.success(), "the backend fails before the fix");
    let out = repo.awaitfix(&["commit"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let after = tests();
    assert!(after.status.success(), "{}", String::from_utf8_lossy(&after.stderr));
    assert_eq!(
        repo.git(&["status", "--porcelain", "--untracked-files=no"]),
        "",
        "the work tree is the commit"
    );
}

/// A failure while checking out (here a locked index) puts everything back: no branch, files as they were.
#[test]
fn a_failed_checkout_changes_nothing() {
    let repo = Repo::with(&[("a.py", BROKEN), ("b.py", BROKEN)]);
    std::fs::write(repo.path(".git/index.lock"), "").unwrap();
    let before = repo.uncommitted();
    let out = repo.awaitfix(&["commit"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("the branch was not created"), "{}", stderr(&out));
    std::fs::remove_file(repo.path(".git/index.lock")).unwrap();
    assert_eq!(repo.uncommitted(), before);
    assert_eq!(repo.read("a.py"), BROKEN);
    assert!(repo.git_fails(&["rev-parse", "--verify", "awaitfix/websocket-manager"]));
    assert_eq!(repo.git(&["branch", "--show-current"]).trim(), "main");
}

/// A file that git converts on checkout (CRLF here) is clean afterwards, not shown as modified.
#[test]
fn line_ending_conversion_leaves_a_clean_status() {
    let repo = Repo::with(&[(".gitattributes", "*.py text eol=crlf\n"), ("a.py", BROKEN)]);
    std::fs::remove_file(repo.path("a.py")).unwrap();
    repo.git(&["checkout", "--", "a.py"]);
    assert!(repo.read("a.py").contains("\r\n"));
    let out = repo.awaitfix(&["commit"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(repo.git(&["status", "--porcelain"]), "");
    assert_eq!(repo.git(&["show", "HEAD:a.py"]), FIXED, "the blob keeps LF");
    assert_eq!(repo.read("a.py"), FIXED.replace('\n', "\r\n"), "the work tree keeps CRLF");
}

#[test]
fn a_tracked_symlink_commits_its_target() {
    let repo = Repo::empty();
    repo.write("pkg/real.py", BROKEN);
    std::os::unix::fs::symlink("pkg/real.py", repo.path("link.py")).unwrap();
    repo.git(&["add", "-A"]);
    repo.git(&["commit", "-qm", "initial"]);
    let out = repo.awaitfix(&["commit"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(repo.git(&["diff", "--name-only", "main", "HEAD"]), "pkg/real.py\n");
    assert_eq!(repo.git(&["show", "HEAD:pkg/real.py"]), FIXED);
    assert_eq!(repo.git(&["status", "--porcelain"]), "");
}

#[test]
fn the_mode_of_an_executable_file_is_kept() {
    use std::os::unix::fs::PermissionsExt;
    let repo = Repo::empty();
    repo.write("run.py", BROKEN);
    std::fs::set_permissions(repo.path("run.py"), std::fs::Permissions::from_mode(0o755)).unwrap();
    repo.git(&["add", "-A"]);
    repo.git(&["commit", "-qm", "initial"]);
    assert!(repo.awaitfix(&["commit"]).status.success());
    assert!(repo.git(&["ls-tree", "HEAD", "run.py"]).starts_with("100755 blob"));
    assert_eq!(repo.git(&["status", "--porcelain"]), "");
}

#[test]
fn a_branch_checked_out_in_another_work_tree_is_never_replaced() {
    let repo = Repo::with(&[("a.py", BROKEN)]);
    repo.git(&["branch", "other"]);
    let elsewhere = tempfile::tempdir().unwrap();
    let other = elsewhere.path().join("other");
    repo.git(&["worktree", "add", "-q", other.to_str().unwrap(), "other"]);
    let tip = repo.git(&["rev-parse", "other"]);
    for extra in [&[][..], &["--no-checkout"][..]] {
        let out = repo.awaitfix(&[&["commit", "--branch", "other", "--force"][..], extra].concat());
        assert_eq!(out.status.code(), Some(2), "{extra:?}");
        assert!(stderr(&out).contains("checked out in another work tree"), "{}", stderr(&out));
    }
    assert_eq!(repo.git(&["rev-parse", "other"]), tip);
    assert_eq!(repo.git(&["status", "--porcelain"]), "");
}

/// A site declined on the work tree's version is not committed, even when uncommitted edits add an
/// identical site before it (which shifts which site is which).
#[test]
fn a_declined_site_stays_out_of_the_commit_when_the_work_tree_differs() {
    let repo = Repo::with(&[("a.py", BROKEN)]);
    let edited = BROKEN.replace(
        "async def handler",
        "async def new_handler(ctx):\n    return await get_websocket_manager(ctx)\n\n\nasync def handler",
    );
    repo.write("a.py", &edited);
    let out = repo.awaitfix_with_input(&["commit", "-i", "--allow-dirty"], "y\nn\n");
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(repo.git(&["status", "--porcelain"]), " M a.py\n");
    assert!(
        repo.git_fails(&["rev-parse", "--verify", "awaitfix/websocket-manager"]),
        "nothing was left to commit"
    );
    assert_eq!(repo.read("a.py"), edited, "with no commit, the work tree is not touched");
}

/// All or nothing includes the index: a commit that fails at the last step (HEAD locked) must not leave the
/// fixes staged on the current branch.
#[test]
fn a_locked_head_leaves_the_index_as_it_was() {
    let repo = Repo::with(&[("a.py", BROKEN), ("b.py", BROKEN)]);
    std::fs::write(repo.path(".git/HEAD.lock"), "").unwrap();
    let before = repo.uncommitted();
    let out = repo.awaitfix(&["commit"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("the branch was not created"), "{}", stderr(&out));
    std::fs::remove_file(repo.path(".git/HEAD.lock")).unwrap();
    assert_eq!(repo.uncommitted(), before, "nothing staged, nothing changed");
    assert_eq!(repo.read("a.py"), BROKEN);
    assert!(repo.git_fails(&["rev-parse", "--verify", "awaitfix/websocket-manager"]));
}

/// A git error is one line, said once, without libgit2's class and code numbers.
#[test]
fn a_locked_branch_is_reported_once() {
    let repo = Repo::with(&[("a.py", BROKEN)]);
    std::fs::create_dir_all(repo.path(".git/refs/heads/awaitfix")).unwrap();
    std::fs::write(repo.path(".git/refs/heads/awaitfix/websocket-manager.lock"), "").unwrap();
    let out = repo.awaitfix(&["commit"]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert_eq!(err.matches("failed to lock").count(), 1, "{err}");
    assert!(!err.contains("class="), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    assert_eq!(repo.read("a.py"), BROKEN);
}

/// A file named twice (`a.py ./a.py`) is one file: listed once, like everywhere else.
#[test]
fn a_dirty_file_named_twice_is_listed_once() {
    let repo = Repo::with(&[("a.py", BROKEN)]);
    repo.write("a.py", &format!("{BROKEN}# edited\n"));
    let out = repo.awaitfix(&["commit", "a.py", "./a.py"]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert_eq!(err.matches("a.py (modified)").count(), 1, "{err}");
}
