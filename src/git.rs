//! Commit mode (git2): planned files in, a branch with the fixes committed out.
//! Each commit is HEAD's tree plus the rewritten blobs, so nothing but awaitfix's own rewrites is committed.
//! The fixes are planned again on each version of a file that differs (the committed blob, the staged one,
//! the work tree's), so the user's staged and unstaged changes stay exactly what they were.

mod checkout;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use git2::{ErrorCode, FileMode, ObjectType, Oid, Repository, Signature};
use thiserror::Error;

use crate::cli::Split;
use crate::engine::Engine;
use crate::pipeline::FileOutcome;
use crate::plan::{Plan, Want, plan};
use crate::render::display_path;
use crate::render::text::plural;
use crate::selection::Selection;

/// What `awaitfix commit` was asked for.
#[derive(Debug)]
pub struct Options {
    /// The branch to create; `awaitfix/<transform ids>` when `None`.
    pub branch: Option<String>,
    pub force: bool,
    pub split: Split,
    /// `Name <email>`.
    pub author: Option<String>,
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
    let (author, committer) = identities(repo, options.author.as_deref())?;
    let parent = head.peel_to_commit()?;
    let base = parent.tree()?;
    let targets = targets(repo, &base, files, options)?;
    if targets.is_empty() {
        return Ok(None);
    }
    let transforms = engine.transform_ids();
    let Branch { name: branch, refname, previous } = branch(repo, &head, &transforms, options)?;
    let mut commits = Vec::new();
    let mut tree = base;
    let mut tip = parent;
    let mut final_plans: BTreeMap<usize, Plan> = BTreeMap::new();
    for group in groups(&targets, &transforms, options.split) {
        let mut update = git2::build::TreeUpdateBuilder::new();
        let fixed = fix_group(repo, engine, &targets, &group, selection, &final_plans, &mut update)?;
        if fixed.is_empty() {
            continue;
        }
        tree = repo.find_tree(update.create_updated(repo, &tree)?)?;
        let message = message(&group, &targets, &fixed, options, &committer);
        let oid = repo.commit(None, &author, &committer, &message, &tree, &[&tip])?;
        tip = repo.find_commit(oid)?;
        commits.push((oid, message.lines().next().unwrap_or_default().to_string()));
        final_plans.extend(fixed);
    }
    if commits.is_empty() {
        return Ok(None);
    }
    // Every version of every file is planned before anything is written: a failure leaves all as it was.
    let checkout = match options.no_checkout {
        true => Vec::new(),
        false => checkout::plan(repo, engine, &targets, &final_plans, selection)?,
    };
    let log = format!("awaitfix commit: {}", options.command);
    repo.reference(&refname, tip.id(), true, &log)?;
    if !options.no_checkout
        && let Err(e) = checkout::check_out(repo, &targets, &checkout, &refname)
    {
        // The work tree and index were restored by `check_out`.
        let branch = Branch { name: branch, refname, previous };
        return Err(put_back(repo, &branch, &log, CommitError::NotCheckedOut(Box::new(e))));
    }
    let files = final_plans.into_iter().map(|(t, plan)| (targets[t].outcome.path.clone(), plan)).collect();
    Ok(Some(Committed { branch, commits, files }))
}

/// The branch to create, and where it points now.
struct Branch {
    name: String,
    refname: String,
    previous: Option<Oid>,
}

/// The branch `options` ask for (`awaitfix/<transform ids>` by default), when it may be created: a valid
/// name, and an existing branch only with `--force`, checked out nowhere else.
fn branch(
    repo: &Repository,
    head: &git2::Reference,
    transforms: &[String],
    options: &Options,
) -> Result<Branch, CommitError> {
    let branch = options.branch.clone().unwrap_or_else(|| format!("awaitfix/{}", transforms.join("+")));
    let refname = format!("refs/heads/{branch}");
    if !git2::Branch::name_is_valid(&branch)? {
        return Err(CommitError::BadBranch(branch));
    }
    let previous = repo.find_reference(&refname).ok().and_then(|r| r.target());
    if previous.is_some() {
        if !options.force {
            return Err(CommitError::BranchExists(branch));
        }
        if let Some(other) = checked_out_elsewhere(repo, &refname)? {
            return Err(CommitError::CheckedOutElsewhere(branch, other));
        }
        // Checked out, the branch can take the new commits on top; moved under HEAD's feet, it could not.
        if head.name().ok() == Some(refname.as_str()) && options.no_checkout {
            return Err(CommitError::CheckedOut(branch));
        }
    }
    Ok(Branch { name: branch, refname, previous })
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
        true => planned.plan.clone().narrow(engine, path, bytes, Want::Rewrite, selection),
        false => plan(engine, path, bytes, Want::Rewrite, selection),
    };
    plan.map_err(|e| CommitError::File { path: display_path(path), message: e.to_string() })
}

/// Files (indices into the targets) and the transforms whose fixes go into one commit.
struct Group {
    label: String,
    targets: Vec<usize>,
    /// Transforms whose fixes are in the tree once this commit is made.
    transforms: Vec<String>,
    /// Transforms whose fixes this commit adds.
    adds: Vec<String>,
}

fn groups(targets: &[Target], transforms: &[String], split: Split) -> Vec<Group> {
    let all: Vec<usize> = (0..targets.len()).collect();
    match split {
        Split::Single => vec![Group {
            label: String::new(),
            targets: all,
            transforms: transforms.to_vec(),
            adds: transforms.to_vec(),
        }],
        // Each commit adds one transform's fixes to every file: a file fixed by two transforms is in both.
        Split::Transform => (0..transforms.len())
            .map(|i| Group {
                label: transforms[i].clone(),
                targets: all.clone(),
                transforms: transforms[..=i].to_vec(),
                adds: vec![transforms[i].clone()],
            })
            .collect(),
        Split::Directory => {
            let mut by_directory: BTreeMap<String, Vec<usize>> = BTreeMap::new();
            for (i, target) in targets.iter().enumerate() {
                let mut parts = target.relative.components();
                let first = parts.next().map(|c| c.as_os_str().to_string_lossy().into_owned());
                let directory = if parts.next().is_some() { first.unwrap_or_default() } else { ".".into() };
                by_directory.entry(directory).or_default().push(i);
            }
            by_directory
                .into_iter()
                .map(|(label, targets)| Group {
                    label,
                    targets,
                    transforms: transforms.to_vec(),
                    adds: transforms.to_vec(),
                })
                .collect()
        }
    }
}

/// The commit message: a subject naming the rules, what the fixes do and the counts; a body listing them
/// per file.
fn message(
    group: &Group,
    targets: &[Target],
    fixed: &[(usize, Plan)],
    options: &Options,
    committer: &Signature,
) -> String {
    let label = group.label.as_str();
    let mut kinds: BTreeMap<(&str, &str), usize> = BTreeMap::new();
    let mut per_file = Vec::new();
    for (t, plan) in fixed {
        let rewrite = plan.rewrite.as_ref().expect("only rewritten files are committed");
        let added: Vec<_> = (rewrite.fixed.iter().map(|&i| &plan.findings[i]))
            .filter(|f| group.adds.contains(&f.transform))
            .collect();
        for f in &added {
            *kinds.entry((f.rule.code(), f.summary.as_str())).or_default() += 1;
        }
        per_file.push(format!("- {} ({})", targets[*t].relative.display(), plural(added.len(), "site")));
    }
    let sites: usize = kinds.values().sum();
    let mut codes: Vec<&str> = kinds.keys().map(|(code, _)| *code).collect();
    codes.dedup();
    let what = match kinds.keys().map(|(_, what)| *what).collect::<Vec<_>>().as_slice() {
        [one] => one.to_string(),
        _ => label.to_string(),
    };
    let place = match options.split {
        Split::Directory if label == "." => " at the top level".to_string(),
        Split::Directory => format!(" in {label}/"),
        _ => String::new(),
    };
    let what = if what.is_empty() { "fixes".to_string() } else { what };
    let mut out = format!(
        "fix {}: {what}{place} ({}, {})\n\n",
        codes.join(", "),
        plural(sites, "site"),
        plural(fixed.len(), "file")
    );
    for ((code, what), n) in &kinds {
        out.push_str(&format!("{code} {what}: {}\n", plural(*n, "site")));
    }
    out.push('\n');
    out.push_str(&per_file.join("\n"));
    out.push_str(&format!("\n\nMade with `{}` (awaitfix {}).\n", options.command, env!("CARGO_PKG_VERSION")));
    if options.signoff {
        let name = committer.name().unwrap_or_default();
        let email = committer.email().unwrap_or_default();
        out.push_str(&format!("\nSigned-off-by: {name} <{email}>\n"));
    }
    out
}

/// Author and committer: `--author` or `GIT_AUTHOR_*` or the configuration; the committer from
/// `GIT_COMMITTER_*` or the configuration, else the author.
fn identities(
    repo: &Repository,
    author: Option<&str>,
) -> Result<(Signature<'static>, Signature<'static>), CommitError> {
    let configured = repo.signature().ok().map(|s| s.to_owned());
    let from_env = |who: &str| {
        let name = std::env::var(format!("GIT_{who}_NAME")).ok()?;
        let email = std::env::var(format!("GIT_{who}_EMAIL")).ok()?;
        Signature::now(&name, &email).ok()
    };
    let author = match author {
        Some(text) => Some(parse_identity(text)?),
        None => from_env("AUTHOR").or_else(|| configured.clone()),
    };
    let committer = from_env("COMMITTER").or(configured).or_else(|| author.clone());
    match (author, committer) {
        (Some(author), Some(committer)) => Ok((author, committer)),
        _ => Err(CommitError::Identity(
            "no git identity: set user.name and user.email (git config), or pass --author 'Name <email>'"
                .into(),
        )),
    }
}

/// `Name <email>`.
fn parse_identity(text: &str) -> Result<Signature<'static>, CommitError> {
    let bad = || CommitError::Identity(format!("--author `{text}`: expected `Name <email>`"));
    let (name, rest) = text.trim().split_once('<').ok_or_else(bad)?;
    let email = rest.strip_suffix('>').ok_or_else(bad)?;
    Signature::now(name.trim(), email.trim()).map_err(|_| bad())
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
