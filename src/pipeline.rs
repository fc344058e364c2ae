//! The pipeline of DESIGN §4 for one file: read → prefilter → plan (decode, parse, rules, fix, verify) → write.
//! `process` runs on worker threads; it returns a `FileOutcome` that the single consumer in `lib` prints.

use std::path::{Path, PathBuf};

use crate::engine::Engine;
use crate::plan::{PlanError, Planned, Want, plan};
use crate::render::diff::FileDiff;
use crate::render::pr_body::Change;
use crate::render::{Diagnostic, display_path};
use crate::selection::Selection;
use crate::walk::describe_io;
use crate::write;

/// What to do with a file's fixes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// Report only.
    Check,
    /// Plan and verify the rewrite, and render its diff.
    Diff,
    /// Plan, verify and write the rewrite.
    Apply,
    /// Plan and verify the rewrite, and keep it with the bytes read, for the consumer to choose from, write
    /// or commit.
    Plan,
}

/// The result for one file.
#[derive(Debug, Default)]
pub struct FileOutcome {
    pub path: PathBuf,
    pub diagnostics: Vec<Diagnostic>,
    /// The rewrite's diff (`Mode::Diff`).
    pub diff: Option<FileDiff>,
    /// Sites rewritten (`Mode::Apply`: written to disk; `Mode::Diff`: shown in the diff).
    pub fixed: usize,
    /// Each fixed site's line before and after (`Mode::Diff` and `Mode::Plan`).
    pub changes: Vec<Change>,
    /// The bytes read and their plan, when a fix applies (`Mode::Plan`).
    pub planned: Option<Planned>,
    /// One-line errors, each starting with the path; any error makes the exit code 2.
    pub errors: Vec<String>,
}

impl FileOutcome {
    fn error(mut self, error: impl Into<PlanError>) -> Self {
        let error = error.into();
        let shown = display_path(&self.path);
        self.errors.push(match error.position {
            Some((line, column)) => format!("{shown}:{line}:{column}: {}", error.message),
            None => format!("{shown}: {}", error.message),
        });
        self
    }
}

/// Runs the whole pipeline on one file.
pub fn process(engine: &Engine, path: &Path, mode: Mode) -> FileOutcome {
    let outcome = FileOutcome { path: path.to_path_buf(), ..FileOutcome::default() };
    let bytes = match std::fs::read(path) {
        Ok(bytes) => bytes,
        Err(e) => return outcome.error(format!("cannot read: {}", describe_io(path, &e))),
    };
    if memchr::memchr(0, &bytes).is_some() {
        return outcome.error("binary file (contains a NUL byte); skipped");
    }
    if !engine.mentions_in_code(&bytes) {
        return outcome;
    }
    analyze(engine, path, &bytes, mode, outcome)
}

fn analyze(engine: &Engine, path: &Path, bytes: &[u8], mode: Mode, mut outcome: FileOutcome) -> FileOutcome {
    let want = match mode {
        Mode::Check => Want::Findings,
        Mode::Diff => Want::Preview,
        Mode::Apply | Mode::Plan => Want::Rewrite,
    };
    let plan = match plan(engine, path, bytes, want, &Selection::all()) {
        Ok(plan) => plan,
        Err(e) => return outcome.error(e),
    };
    outcome.diagnostics = plan.diagnostics(path);
    let Some(rewrite) = &plan.rewrite else {
        return outcome;
    };
    match mode {
        Mode::Check => {}
        Mode::Diff => {
            outcome.fixed = rewrite.fixed.len();
            outcome.changes = plan.changes();
            let shown = display_path(path);
            outcome.diff =
                Some(FileDiff::from_edits(&shown, &plan.source.text, &rewrite.text, &rewrite.edits));
        }
        Mode::Apply => match write::replace(path, bytes, &rewrite.bytes) {
            Ok(()) => outcome.fixed = rewrite.fixed.len(),
            Err(e) => return outcome.error(e.to_string()),
        },
        Mode::Plan => {
            outcome.fixed = rewrite.fixed.len();
            outcome.changes = plan.changes();
            outcome.planned = Some(Planned { bytes: bytes.to_vec(), plan });
        }
    }
    outcome
}
