//! The pipeline of DESIGN §4 for one file: read → prefilter → plan (decode, parse, rules, fix, verify) → write.
//! `process` runs on worker threads; it returns a `FileOutcome` that the single consumer in `lib` prints.

mod notebook;

use std::path::{Path, PathBuf};

use crate::engine::Engine;
use crate::error::{Failure, FileError};
use crate::plan::{Plan, Planned, Want, plan};
use crate::render::diff::FileDiff;
use crate::render::pr_body::Change;
use crate::render::{Diagnostic, display_path};
use crate::selection::Selection;
use crate::write;

/// What to do with a file's fixes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// Report only.
    Check,
    /// Plan and verify the rewrite, and render its diff; with `changes`, also each fixed site's line before
    /// and after (for `--pr-body`).
    Diff { changes: bool },
    /// Plan, verify and write the rewrite.
    Apply,
    /// Plan and verify the rewrite, and keep it with the bytes read, for the consumer to choose from, write
    /// or commit.
    Plan,
}

/// The result for one file.
#[derive(Debug)]
pub struct FileOutcome {
    pub path: PathBuf,
    pub diagnostics: Vec<Diagnostic>,
    /// What the mode did with the file's fixes.
    pub fixes: Fixes,
    /// Why the file could not be checked or rewritten; it makes the exit code 2.
    pub error: Option<Failure>,
}

/// What a mode did with one file's fixes.
#[derive(Debug, Default)]
pub enum Fixes {
    /// Nothing: `check`, no fix applies, or the file failed.
    #[default]
    None,
    /// `diff`: the rewrite's diff, the sites it fixes, and (when asked for) each one's line before and after.
    Shown { diff: FileDiff, sites: usize, changes: Vec<Change> },
    /// `apply`: the sites written to disk.
    Written { rules: Vec<crate::finding::Rule> },
    /// `Mode::Plan`: the bytes read and their plan, for the consumer to write or commit.
    Planned(Planned),
}

impl FileOutcome {
    fn new(path: &Path) -> Self {
        Self { path: path.to_path_buf(), diagnostics: Vec::new(), fixes: Fixes::None, error: None }
    }

    fn failed(mut self, error: impl Into<FileError>) -> Self {
        self.error = Some(Failure { path: display_path(&self.path), error: error.into() });
        self
    }

    /// The sites fixed: written by `apply`, shown by `diff`, planned for `commit`.
    pub fn fixed(&self) -> usize {
        match &self.fixes {
            Fixes::None => 0,
            Fixes::Shown { sites, .. } => *sites,
            Fixes::Written { rules } => rules.len(),
            Fixes::Planned(planned) => planned.plan.rewrite.as_ref().map_or(0, |r| r.fixed.len()),
        }
    }

    /// Whether the file has nothing to report, fix or fail: what most files of a run are, and what the run
    /// need not keep (it only counts them).
    pub fn is_clean(&self) -> bool {
        self.diagnostics.is_empty() && matches!(self.fixes, Fixes::None) && self.error.is_none()
    }

    /// The plan kept by `Mode::Plan`, when a fix applies.
    pub fn planned(&self) -> Option<&Planned> {
        match &self.fixes {
            Fixes::Planned(planned) => Some(planned),
            _ => None,
        }
    }
}

/// Runs the whole pipeline on one file.
pub fn process(engine: &Engine, path: &Path, mode: Mode) -> FileOutcome {
    match crate::source::read(path) {
        Ok(bytes) => process_bytes(engine, path, &bytes, mode),
        Err(e) => FileOutcome::new(path).failed(e),
    }
}

/// Runs the pipeline on `bytes` as the content of the file at `path` (stdin, named by `--stdin-filename`).
pub fn process_bytes(engine: &Engine, path: &Path, bytes: &[u8], mode: Mode) -> FileOutcome {
    let outcome = FileOutcome::new(path);
    if crate::notebook::is_notebook(path) {
        return match notebook::process(engine, path, bytes, mode) {
            Ok((diagnostics, fixes)) => FileOutcome { diagnostics, fixes, ..outcome },
            Err(e) => outcome.failed(e),
        };
    }
    if !engine.may_hold_site(path, bytes) {
        return outcome;
    }
    analyze(engine, path, bytes, mode, outcome)
}

/// Plans one version of the file at `path` from its `bytes` (a notebook's JSON too) with the fixes
/// `selection` wants: the rewrite's bytes are the file's new content.
pub fn plan_file(
    engine: &Engine,
    path: &Path,
    bytes: &[u8],
    want: Want,
    selection: &Selection,
) -> Result<Plan, FileError> {
    match crate::notebook::is_notebook(path) {
        true => notebook::plan_notebook(engine, path, bytes, want, selection),
        false => plan(engine, path, bytes, want, selection),
    }
}

/// The plan of a file planned with every fix (`Mode::Plan`), with only the fixes `selection` wants, to
/// write or commit.
pub fn narrow(
    engine: &Engine,
    path: &Path,
    planned: &Planned,
    selection: &Selection,
) -> Result<Plan, FileError> {
    match planned.plan.cells {
        // Planned again from the JSON: the cells' rewrite is spliced there.
        Some(_) => notebook::plan_notebook(engine, path, &planned.bytes, Want::Rewrite, selection),
        None => planned.plan.clone().narrow(engine, path, &planned.bytes, Want::Rewrite, selection),
    }
}

fn analyze(engine: &Engine, path: &Path, bytes: &[u8], mode: Mode, mut outcome: FileOutcome) -> FileOutcome {
    let want = match mode {
        Mode::Check => Want::Findings,
        Mode::Diff { .. } => Want::Preview,
        Mode::Apply | Mode::Plan => Want::Rewrite,
    };
    let plan = match plan(engine, path, bytes, want, &Selection::all()) {
        Ok(plan) => plan,
        Err(e) => return outcome.failed(e),
    };
    outcome.diagnostics = plan.diagnostics(path);
    let Some(rewrite) = &plan.rewrite else {
        return outcome;
    };
    outcome.fixes = match mode {
        Mode::Check => Fixes::None,
        Mode::Diff { changes } => {
            let shown = crate::render::diff::patch_path(path);
            let (old, encoding) = (&plan.source.text, plan.source.encoding);
            let diff = FileDiff::from_edits(&shown, old, &rewrite.text, &rewrite.edits, encoding);
            let changes = if changes { plan.changes() } else { Vec::new() };
            Fixes::Shown { diff, sites: rewrite.fixed.len(), changes }
        }
        Mode::Apply => match write::replace(path, bytes, &rewrite.bytes) {
            Ok(()) => Fixes::Written { rules: plan.fixed_rules() },
            Err(e) => return outcome.failed(e),
        },
        Mode::Plan => Fixes::Planned(Planned { bytes: bytes.to_vec(), plan }),
    };
    outcome
}
