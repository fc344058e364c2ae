//! Checking the new branch out (unless `--no-checkout`): each changed file's work tree and index versions get
//! the fixes wanted, so that the user's staged and unstaged changes stay; all of it is planned before
//! anything is written, and a failure puts back what was written.

use std::collections::BTreeMap;
use std::path::Path;

use git2::{ObjectType, Oid, Repository};

use super::{CommitError, Target, plan_file};
use crate::engine::Engine;
use crate::plan::Plan;
use crate::render::display_path;
use crate::selection::Selection;

/// What checking the branch out does to one changed file.
pub(super) struct Checkout {
    target: usize,
    /// The work tree's new content.
    work: Vec<u8>,
    /// The index entry's new blob, when the file is in the index.
    staged: Option<Oid>,
    /// Whether the work tree held unstaged changes (then the entry's file data must not claim it is clean).
    unstaged: bool,
}

/// Plans the work tree and index of the changed files: each version of a file that differs from the
/// committed one gets the same fixes (those wanted), so the user's staged and unstaged changes stay.
pub(super) fn plan(
    repo: &Repository,
    engine: &Engine,
    targets: &[Target],
    plans: &BTreeMap<usize, Plan>,
    selection: &Selection,
) -> Result<Vec<Checkout>, CommitError> {
    let index = repo.index()?;
    let mut out = Vec::new();
    for (&t, committed) in plans {
        let target = &targets[t];
        let read = target.read();
        // The sites were chosen on the work tree's version: an exact choice there, a careful one elsewhere.
        let keep = |exact: bool| selection.in_version(exact);
        let committed = &committed.rewrite.as_ref().expect("committed files are rewritten").bytes;
        let work = match *read == target.head {
            true => committed.clone(),
            false => rewritten(engine, target, read, &keep(true))?,
        };
        let head_oid = Oid::hash_object(ObjectType::Blob, &target.head)?;
        let staged = match index.get_path(&target.relative, 0) {
            Some(entry) if entry.id == head_oid => Some(repo.blob(committed)?),
            Some(entry) => {
                let blob = repo.find_blob(entry.id)?.content().to_vec();
                let exact = blob == *read;
                Some(repo.blob(&rewritten(engine, target, &blob, &keep(exact))?)?)
            }
            None => None,
        };
        let unstaged = repo
            .status_file(&target.relative)?
            .intersects(git2::Status::WT_MODIFIED | git2::Status::WT_DELETED | git2::Status::WT_TYPECHANGE);
        out.push(Checkout { target: t, work, staged, unstaged });
    }
    Ok(out)
}

/// Writes the planned work tree and index, then checks the branch out. On failure, every file written is
/// put back as it was read, the index entries as they were, and HEAD is left alone; what could not be put
/// back is reported with the error.
pub(super) fn check_out(
    repo: &Repository,
    targets: &[Target],
    checkout: &[Checkout],
    refname: &str,
) -> Result<(), CommitError> {
    let mut written: Vec<&Checkout> = Vec::new();
    let staged_before: Vec<git2::IndexEntry> = {
        let index = repo.index()?;
        (checkout.iter().filter(|c| c.staged.is_some()))
            .filter_map(|c| index.get_path(&targets[c.target].relative, 0))
            .collect()
    };
    let mut index_written = false;
    let result = (|| {
        for change in checkout {
            let target = &targets[change.target];
            let read = target.read();
            crate::write::replace(&target.outcome.path, read, &change.work).map_err(|e| {
                CommitError::File { path: display_path(&target.outcome.path), message: e.to_string() }
            })?;
            written.push(change);
        }
        let mut index = repo.index()?;
        for change in checkout {
            let target = &targets[change.target];
            let Some(oid) = change.staged else { continue };
            let mut entry = index.get_path(&target.relative, 0).expect("planned from this entry");
            entry.id = oid;
            if change.unstaged {
                // Stale file data makes git compare the contents, which differ.
                entry.file_size = 0;
            } else {
                refresh(&mut entry, &target.outcome.path);
            }
            index.add(&entry)?;
        }
        index.write()?;
        index_written = true;
        repo.set_head(refname)?;
        Ok(())
    })();
    let Err(error) = result else { return Ok(()) };
    let mut failures = Vec::new();
    for change in written {
        let target = &targets[change.target];
        let read = target.read();
        if let Err(e) = crate::write::replace(&target.outcome.path, &change.work, read) {
            failures.push(format!("{}: {e}", display_path(&target.outcome.path)));
        }
    }
    if index_written && let Err(e) = restore_index(repo, &staged_before) {
        failures.push(format!("the index ({}); `git reset` restores it", e.message()));
    }
    match failures.is_empty() {
        true => Err(error),
        false => Err(CommitError::RollbackFailed { error: Box::new(error), failures }),
    }
}

/// Puts the index entries `before` back (the entries of the files a failed checkout staged).
fn restore_index(repo: &Repository, before: &[git2::IndexEntry]) -> Result<(), git2::Error> {
    let mut index = repo.index()?;
    for entry in before {
        index.add(entry)?;
    }
    index.write()
}

/// Sets an index entry's file data from the file just written, so that git sees the file as it was
/// staged without reading it again (and a file that line-ending conversion or a filter changes on its way
/// out is not shown as modified).
fn refresh(entry: &mut git2::IndexEntry, path: &Path) {
    let Ok(meta) = std::fs::metadata(path) else { return };
    entry.file_size = u32::try_from(meta.len()).unwrap_or(u32::MAX);
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        let time = |seconds: i64, nanos: i64| git2::IndexTime::new(seconds as i32, nanos as u32);
        entry.mtime = time(meta.mtime(), meta.mtime_nsec());
        entry.ctime = time(meta.ctime(), meta.ctime_nsec());
        entry.dev = meta.dev() as u32;
        entry.ino = meta.ino() as u32;
        entry.uid = meta.uid();
        entry.gid = meta.gid();
    }
}

/// The bytes of one version of a file with the wanted fixes, or the bytes as they were when none applies.
fn rewritten(
    engine: &Engine,
    target: &Target,
    bytes: &[u8],
    selection: &Selection,
) -> Result<Vec<u8>, CommitError> {
    let plan = plan_file(engine, target, bytes, selection)?;
    Ok(plan.rewrite.map_or_else(|| bytes.to_vec(), |r| r.bytes))
}
