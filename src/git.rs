//! Commit mode (git2): planned files in, a branch with the fixes committed out.
//! Each commit is HEAD's tree plus the rewritten blobs, so nothing but awaitfix's own rewrites is committed.
//! The fixes are planned again on each version of a file that differs (the committed blob, the staged one,
//! the work tree's), so the user's staged and unstaged changes stay exactly what they were.

mod checkout;
mod identity;
mod message;
mod split;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use git2::{ErrorCode, FileMode, ObjectType, Oid, Repository, Signature};
use thiserror::Error;

use crate::engine::Engine;
use crate::pipeline::FileOutcome;
use crate::plan::{Plan, Want};
use crate::render::display_path;
use crate::selection::Selection;
use split::Group;

/// What `awaitfix commit` was asked for.
#[derive(Debug)]
pub struct Options {
    /// The branch to create; `awaitfix/<transform ids>` when `None`.
    pub branch: Option<String>,
    pub force: bool,
    pub split: crate::cli::Split,
    /// `Name <email>`.
    pub author: Option<String>,
    /// `--date`: the date of author and committer, winning over the environment's.
    pub date: Option<String>,
    pub signoff: bool,
    pub allow_dirty: bool,
    pub no_checkout: bool,
    /// The command line, quoted, for commit bodies.
    pub command: String,
}

#[derive(Debug, Error)]
pub enum CommitError {
    #[error("{0}: not inside a git work tree ({1})")]
    NotARepository(String, String),
    #[error("{0}: a bare repository has no work tree to fix")]
    Bare(String),
    #[error("the repository has no commit yet; commit the code first, then run awaitfix commit")]
    NoCommits,
    #[error("branch `{0}` already exists (pass --force to replace it, or --branch NAME)")]
    BranchExists(String),
    #[error("`{0}` is not a valid branch name")]
    BadBranch(String),
    #[error("branch `{0}` is checked out; --no-checkout cannot replace it (switch to another branch first)")]
    CheckedOut(String),
    #[error("branch `{0}` is checked out in another work tree ({1}); it cannot be replaced")]
    CheckedOutElsewhere(String, String),
    #[error("the branch was not created: {0}")]
    NotCheckedOut(Box<CommitError>),
    #[error(
        "uncommitted changes in files awaitfix would change: {}; commit or stash them, or pass --allow-dirty",
        .0.join(", ")
    )]
    Dirty(Vec<String>),
    #[error("{0}")]
    Identity(String),
    #[error("{var}=`{value}`: expected {expected}")]
    Date { var: String, value: String, expected: &'static str },
    #[error("{option} `{value}`: expected {expected}")]
    Option { option: &'static str, value: String, expected: &'static str },
    #[error("{path}: {message}")]
    File { path: String, message: String },
    /// libgit2's message only: its class and code numbers say nothing to a user, and the error is not given
    /// as a source, which would print the message a second time.
    #[error("git: {}", .0.message())]
    Git(git2::Error),
    #[error("{error}; could not put back: {}", .failures.join("; "))]
    RollbackFailed { error: Box<CommitError>, failures: Vec<String> },
}

impl From<git2::Error> for CommitError {
    fn from(error: git2::Error) -> Self {
        Self::Git(error)
    }
}

/// What was committed.
#[derive(Debug)]
pub struct Committed {
    pub branch: String,
    /// Each commit's id and subject, oldest first.
    pub commits: Vec<(Oid, String)>,
    /// Each changed file with the plan of its committed version (all its fixes that were wanted).
    pub files: Vec<(PathBuf, Plan)>,
    /// The branch already held these commits (same trees and messages on the same parent) and was left as it
    /// was; `commits` are then its own.
    pub up_to_date: bool,
}

/// A file awaitfix changes, with its versions.
struct Target<'a> {
    outcome: &'a FileOutcome,
    /// Path relative to the work tree, as git names it.
    relative: PathBuf,
    mode: FileMode,
    /// The committed content.
    head: Vec<u8>,
}

impl Target<'_> {
    /// The work tree's content, as it was read and planned.
    fn read(&self) -> &[u8] {
        &self.outcome.planned().expect("targets are planned").bytes
    }
}

/// Opens the repository that holds `path`.
pub fn open(path: &Path) -> Result<Repository, CommitError> {
    let shown = match display_path(path) {
        shown if shown.is_empty() => ".".to_string(),
        shown => shown,
    };
    // `GIT_DIR` and `GIT_WORK_TREE` name the repository as they do for git itself.
    let found = match std::env::var_os("GIT_DIR") {
        Some(_) => Repository::open_from_env(),
        None => Repository::discover(path),
    };
    let repo = found.map_err(|e| CommitError::NotARepository(shown.clone(), e.message().to_string()))?;
    if repo.is_bare() || repo.workdir().is_none() {
        return Err(CommitError::Bare(shown));
    }
    Ok(repo)
}

/// Commits the wanted fixes of `files` on a new branch from HEAD, then (unless `no_checkout`) updates the
/// work tree and index of the changed files and checks the branch out. `Ok(None)` when nothing is to fix.
/// The commits are dated by HEAD's commit (see `identity`), so the same HEAD, files and options make the
/// same commits; a branch that already holds them is left as it is (`Committed::up_to_date`).
pub fn commit(
    repo: &Repository,
    engine: &Engine,
    files: &[FileOutcome],
    selection: &Selection,
    options: &Options,
) -> Result<Option<Committed>, CommitError> {
    let head = match repo.head() {
        Ok(head) => head,
        Err(e) if e.code() == ErrorCode::UnbornBranch || e.code() == ErrorCode::NotFound => {
            return Err(CommitError::NoCommits);
        }
        Err(e) => return Err(e.into()),
    };
    let parent = head.peel_to_commit()?;
    let (author, committer) =
        identity::identities(repo, options.author.as_deref(), options.date.as_deref(), &parent)?;
    let targets = targets(repo, &parent.tree()?, files, options)?;
    if targets.is_empty() {
        return Ok(None);
    }
    let transforms = engine.transform_ids();
    let branch = branch(repo, &transforms, options)?;
    let signatures = (&author, &committer);
    let Made { commits, plans } =
        make_commits(repo, engine, &targets, &parent, selection, options, signatures)?;
    let Some(&(tip, _)) = commits.last() else { return Ok(None) };
    let held = branch.previous.and_then(|p| holds(repo, p, parent.id(), &commits));
    let up_to_date = held.is_some();
    if !up_to_date {
        may_replace(repo, &head, &branch, options)?;
    } else if !options.no_checkout
        && let Some(other) = checked_out_elsewhere(repo, &branch.refname)?
    {
        return Err(CommitError::CheckedOutElsewhere(branch.name, other));
    }
    // Every version of every file is planned before anything is written: a failure leaves all as it was.
    let checkout = match options.no_checkout {
        true => Vec::new(),
        false => checkout::plan(repo, engine, &targets, &plans, selection)?,
    };
    let log = format!("awaitfix commit: {}", options.command);
    if !up_to_date {
        repo.reference(&branch.refname, tip, true, &log)?;
    }
    if !options.no_checkout
        && let Err(e) = checkout::check_out(repo, &targets, &checkout, &branch.refname)
    {
        // The work tree and index were restored by `check_out`; a branch left as it was needs no putting back.
        let error = CommitError::NotCheckedOut(Box::new(e));
        return Err(if up_to_date { error } else { put_back(repo, &branch, &log, error) });
    }
    let files = plans.into_iter().map(|(t, plan)| (targets[t].outcome.path.clone(), plan)).collect();
    let commits = held.unwrap_or(commits);
    Ok(Some(Committed { branch: branch.name, commits, files, up_to_date }))
}

/// The commits made, and the plan of each changed file's last committed version (by target index).
struct Made {
    commits: Vec<(Oid, String)>,
    plans: BTreeMap<usize, Plan>,
}

/// Makes the commits `options.split` asks for, one on top of the other from `parent`, without moving any
/// branch.
fn make_commits(
    repo: &Repository,
    engine: &Engine,
    targets: &[Target],
    parent: &git2::Commit,
    selection: &Selection,
    options: &Options,
    (author, committer): (&Signature, &Signature),
) -> Result<Made, CommitError> {
    let transforms = engine.transform_ids();
    let paths: Vec<&Path> = targets.iter().map(|t| t.relative.as_path()).collect();
    let mut commits = Vec::new();
    let mut tree = parent.tree()?;
    let mut tip = parent.clone();
    let mut plans: BTreeMap<usize, Plan> = BTreeMap::new();
    for group in split::groups(&paths, &transforms, options.split) {
        let mut update = git2::build::TreeUpdateBuilder::new();
        let fixed = fix_group(repo, engine, targets, &group, selection, &plans, &mut update)?;
        if fixed.is_empty() {
            continue;
        }
        tree = repo.find_tree(update.create_updated(repo, &tree)?)?;
        let signoff = options.signoff.then_some(committer);
        let message = message::message(&group, targets, &fixed, &options.command, signoff);
        let oid = repo.commit(None, author, committer, &message, &tree, &[&tip])?;
        tip = repo.find_commit(oid)?;
        commits.push((oid, message.lines().next().unwrap_or_default().to_string()));
        plans.extend(fixed);
    }
    Ok(Made { commits, plans })
}

/// The commits of the branch at `previous` when it holds exactly `commits` on top of `parent`: the same
/// trees and messages, in the same order (their ids may differ by their dates or authors). It is then up to
/// date. Oldest first, with their subjects.
fn holds(
    repo: &Repository,
    previous: Oid,
    parent: Oid,
    commits: &[(Oid, String)],
) -> Option<Vec<(Oid, String)>> {
    let mut held = Vec::new();
    let mut at = previous;
    for (oid, subject) in commits.iter().rev() {
        let (old, new) = (repo.find_commit(at).ok()?, repo.find_commit(*oid).ok()?);
        let same = old.tree_id() == new.tree_id() && old.message_bytes() == new.message_bytes();
        if !same || old.parent_count() != 1 {
            return None;
        }
        held.push((at, subject.clone()));
        at = old.parent_id(0).ok()?;
    }
    held.reverse();
    (at == parent).then_some(held)
}

/// The branch to create, and where it points now.
struct Branch {
    name: String,
    refname: String,
    previous: Option<Oid>,
}

/// The branch `options` ask for (`awaitfix/<transform ids>` by default), when its name is valid.
fn branch(repo: &Repository, transforms: &[String], options: &Options) -> Result<Branch, CommitError> {
    let name = options.branch.clone().unwrap_or_else(|| format!("awaitfix/{}", transforms.join("+")));
    let refname = format!("refs/heads/{name}");
    if !git2::Branch::name_is_valid(&name)? {
        return Err(CommitError::BadBranch(name));
    }
    let previous = repo.find_reference(&refname).ok().and_then(|r| r.target());
    Ok(Branch { name, refname, previous })
}

/// Whether `branch` may be set to new commits: it does not exist yet, or `--force` and it is checked out
/// nowhere else (nor, with `--no-checkout`, here).
fn may_replace(
    repo: &Repository,
    head: &git2::Reference,
    branch: &Branch,
    options: &Options,
) -> Result<(), CommitError> {
    if branch.previous.is_none() {
        return Ok(());
    }
    if !options.force {
        return Err(CommitError::BranchExists(branch.name.clone()));
    }
    if let Some(other) = checked_out_elsewhere(repo, &branch.refname)? {
        return Err(CommitError::CheckedOutElsewhere(branch.name.clone(), other));
    }
    // Checked out, the branch can take the new commits on top; moved under HEAD's feet, it could not.
    if head.name().ok() == Some(branch.refname.as_str()) && options.no_checkout {
        return Err(CommitError::CheckedOut(branch.name.clone()));
    }
    Ok(())
}

/// Puts `branch` back as it was after `error`, and returns the error, saying so if that failed too.
fn put_back(repo: &Repository, branch: &Branch, log: &str, error: CommitError) -> CommitError {
    let restored = match branch.previous {
        Some(oid) => repo.reference(&branch.refname, oid, true, log).map(|_| ()),
        None => repo.find_reference(&branch.refname).and_then(|mut r| r.delete()),
    };
    match restored {
        Ok(()) => error,
        Err(e) => CommitError::RollbackFailed {
            error: Box::new(error),
            failures: vec![format!("branch {}: {}", branch.name, e.message())],
        },
    }
}

/// Plans the committed version of each file of `group` with the fixes it adds, and records in `update` the
/// blobs of those that change since the commits before (`done`). Returns the changed files and their plans.
fn fix_group(
    repo: &Repository,
    engine: &Engine,
    targets: &[Target],
    group: &Group,
    selection: &Selection,
    done: &BTreeMap<usize, Plan>,
    update: &mut git2::build::TreeUpdateBuilder,
) -> Result<Vec<(usize, Plan)>, CommitError> {
    let mut fixed = Vec::new();
    for &t in &group.targets {
        let target = &targets[t];
        let exact = target.head == target.read();
        let wanted = selection.in_version(exact).of_transforms(&group.transforms);
        let plan = plan_file(engine, target, &target.head, &wanted)?;
        let Some(rewrite) = &plan.rewrite else { continue };
        let before = done.get(&t).and_then(|p| p.rewrite.as_ref()).map_or(&target.head, |r| &r.bytes);
        if rewrite.bytes == *before {
            continue;
        }
        update.upsert(&target.relative, repo.blob(&rewrite.bytes)?, target.mode);
        fixed.push((t, plan));
    }
    Ok(fixed)
}

/// The planned files that HEAD tracks, with their committed content; refuses files with uncommitted
/// changes unless `allow_dirty` (then untracked ones are left out).
fn targets<'a>(
    repo: &Repository,
    base: &git2::Tree,
    files: &'a [FileOutcome],
    options: &Options,
) -> Result<Vec<Target<'a>>, CommitError> {
    let workdir = std::fs::canonicalize(repo.workdir().expect("checked in open"))
        .map_err(|e| CommitError::File { path: ".".into(), message: e.to_string() })?;
    let mut targets = Vec::new();
    let mut dirty = Vec::new();
    for outcome in files.iter().filter(|f| f.planned().is_some()) {
        let shown = display_path(&outcome.path);
        let outside = || CommitError::File { path: shown.clone(), message: "outside the repository".into() };
        let mut relative = relative_to(&workdir, &outcome.path).ok_or_else(outside)?;
        let link = i32::from(FileMode::Link);
        if base.get_path(&relative).is_ok_and(|e| e.filemode() == link) {
            // A tracked symlink: what changes is the file it points to, which git tracks under its own path.
            let target = std::fs::canonicalize(&outcome.path).map_err(|_| outside())?;
            relative = target.strip_prefix(&workdir).map_err(|_| outside())?.to_path_buf();
        }
        let status = repo.status_file(&relative)?;
        let entry = base.get_path(&relative).ok().filter(|e| e.kind() == Some(ObjectType::Blob));
        let mode = match entry.as_ref().map(|e| e.filemode()) {
            Some(mode) if mode == i32::from(FileMode::BlobExecutable) => FileMode::BlobExecutable,
            Some(mode) if mode == i32::from(FileMode::Blob) => FileMode::Blob,
            _ => {
                // Not a file HEAD has: nothing of it can be committed without committing the user's work.
                if !options.allow_dirty && !options.no_checkout {
                    dirty.push(format!("{shown} ({})", describe(status, false)));
                }
                continue;
            }
        };
        if !options.no_checkout && !options.allow_dirty && !status.is_empty() {
            dirty.push(format!("{shown} ({})", describe(status, true)));
            continue;
        }
        let head = repo.find_blob(entry.expect("a blob").id())?.content().to_vec();
        targets.push(Target { outcome, relative, mode, head });
    }
    if !dirty.is_empty() {
        dirty.dedup();
        return Err(CommitError::Dirty(dirty));
    }
    Ok(targets)
}

/// How a file differs from HEAD, in the words of `git status`.
fn describe(status: git2::Status, in_head: bool) -> &'static str {
    use git2::Status as S;
    if status.intersects(S::INDEX_DELETED | S::WT_DELETED) {
        "deleted"
    } else if status.intersects(S::INDEX_RENAMED | S::WT_RENAMED) {
        "renamed"
    } else if status.contains(S::INDEX_NEW) {
        "added, not committed"
    } else if !in_head {
        "untracked"
    } else if status.intersects(S::INDEX_MODIFIED | S::INDEX_TYPECHANGE) {
        "staged changes"
    } else {
        "modified"
    }
}

/// `path` relative to the work tree: its folder is resolved, its last part is not (a symlink stays one).
fn relative_to(workdir: &Path, path: &Path) -> Option<PathBuf> {
    let absolute = std::path::absolute(path).ok()?;
    let folder = std::fs::canonicalize(absolute.parent()?).ok()?;
    folder.join(absolute.file_name()?).strip_prefix(workdir).ok().map(Path::to_path_buf)
}

/// The plan of one version of a file, with the fixes `selection` wants. The work tree's plan is reused when
/// the bytes are the same.
fn plan_file(
    engine: &Engine,
    target: &Target,
    bytes: &[u8],
    selection: &Selection,
) -> Result<Plan, CommitError> {
    let path = &target.outcome.path;
    let planned = target.outcome.planned().expect("targets are planned");
    let plan = match bytes == planned.bytes {
        true => crate::pipeline::narrow(engine, path, planned, selection),
        false => crate::pipeline::plan_file(engine, path, bytes, Want::Rewrite, selection),
    };
    plan.map_err(|e| CommitError::File { path: display_path(path), message: e.to_string() })
}

/// The work tree (its path) where `refname` is checked out, other than this repository's own.
fn checked_out_elsewhere(repo: &Repository, refname: &str) -> Result<Option<String>, CommitError> {
    let main = Repository::open(repo.commondir())?;
    let mut others = vec![main];
    let names: Vec<String> = others[0].worktrees()?.iter().flatten().flatten().map(String::from).collect();
    for name in &names {
        if let Ok(worktree) = others[0].find_worktree(name)
            && let Ok(opened) = Repository::open_from_worktree(&worktree)
        {
            others.push(opened);
        }
    }
    let this = repo.path().canonicalize().ok();
    Ok(others
        .into_iter()
        .filter(|other| other.path().canonicalize().ok() != this)
        .find(|other| {
            other.head().ok().and_then(|h| h.name().ok().map(String::from)).as_deref() == Some(refname)
        })
        .map(|other| other.workdir().unwrap_or(other.path()).display().to_string()))
}
