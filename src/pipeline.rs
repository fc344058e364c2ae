//! The pipeline of DESIGN §4 for one file: read → prefilter → decode → parse → rules → fix → verify → write.
//! `process` runs on worker threads; it returns a `FileOutcome` that the single consumer in `lib` prints.

use std::path::{Path, PathBuf};

use aho_corasick::AhoCorasick;

use crate::finding::Finding;
use crate::parse;
use crate::render::diff::FileDiff;
use crate::render::{Diagnostic, display_path};
use crate::rules::{self, FileContext};
use crate::source::{LineIndex, Source};
use crate::transform::{Prefer, Transform};
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
}

/// Everything shared by the workers: validated transforms and the prefilter built from their names.
pub struct Engine {
    transforms: Vec<Transform>,
    prefilter: AhoCorasick,
}

impl Engine {
    pub fn new(transforms: Vec<Transform>) -> anyhow::Result<Self> {
        let names: Vec<&str> = transforms
            .iter()
            .flat_map(|t| &t.pairs)
            .flat_map(|p| [p.sync.as_str(), p.async_name.as_str()])
            .collect();
        let prefilter = AhoCorasick::new(&names)?;
        Ok(Self {
            transforms,
            prefilter,
        })
    }

    pub fn transforms(&self) -> &[Transform] {
        &self.transforms
    }
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
    /// One-line errors (the path is not part of the text); any error makes the exit code 2.
    pub errors: Vec<String>,
    /// Whether the file was parsed (it contained one of the transforms' names).
    pub parsed: bool,
}

impl FileOutcome {
    fn error(mut self, message: String) -> Self {
        self.errors.push(message);
        self
    }
}

/// Runs the whole pipeline on one file.
pub fn process(engine: &Engine, path: &Path, mode: Mode) -> FileOutcome {
    let outcome = FileOutcome {
        path: path.to_path_buf(),
        ..FileOutcome::default()
    };
    let bytes = match std::fs::read(path) {
        Ok(bytes) => bytes,
        Err(e) => return outcome.error(format!("cannot read: {}", describe_io(path, &e))),
    };
    if memchr::memchr(0, &bytes).is_some() {
        return outcome.error("binary file (contains a NUL byte); skipped".into());
    }
    // Aliases cannot escape this test: binding an alias needs an import that names the original.
    if !engine.prefilter.is_match(&bytes) {
        return outcome;
    }
    let source = match Source::decode(&bytes) {
        Ok(source) => source,
        Err(e) => return outcome.error(format!("{e}; skipped")),
    };
    analyze(engine, path, &bytes, &source, mode, outcome)
}

fn analyze(
    engine: &Engine,
    path: &Path,
    bytes: &[u8],
    source: &Source,
    mode: Mode,
    mut outcome: FileOutcome,
) -> FileOutcome {
    let text = source.text.as_str();
    outcome.parsed = true;
    let Some(tree) = parse::parse(text) else {
        return outcome.error("the parser gave up; skipped".into());
    };
    let index = LineIndex::new(text);
    if let Some((at, what)) = parse::first_error(&tree) {
        let (line, column) = index.position(at);
        return outcome.error(format!(
            "{line}:{column}: syntax error ({what}); file left unchanged"
        ));
    }
    let prefer: Vec<Prefer> = engine
        .transforms
        .iter()
        .map(|t| t.prefer_for(path))
        .collect();
    let file = FileContext {
        text,
        tree: &tree,
        transforms: &engine.transforms,
        prefer: &prefer,
    };
    let findings = rules::check(&file);
    let shown = display_path(path);
    outcome.diagnostics = findings
        .iter()
        .map(|f| Diagnostic::new(&shown, f, &index))
        .collect();
    if mode == Mode::Check || !findings.iter().any(Finding::is_fixable) {
        return outcome;
    }
    let applied = crate::fix::apply(text, &findings, |_| true);
    let new = match verify(&tree, &applied.text, source) {
        Ok(new) => new,
        Err(e) => return outcome.error(e),
    };
    outcome.fixed = applied.fixed.len();
    match mode {
        Mode::Check => {}
        Mode::Diff => outcome.diff = Some(FileDiff::new(&shown, text, &applied.text)),
        Mode::Apply => {
            if let Err(e) = write::replace(path, bytes, &new) {
                outcome.fixed = 0;
                return outcome.error(e.to_string());
            }
        }
    }
    outcome
}

/// Re-parses a rewrite: it must parse with no more errors than the original (which had none), and encode back
/// to the file's encoding. Returns the bytes to write.
fn verify(
    original: &tree_sitter::Tree,
    rewritten: &str,
    source: &Source,
) -> Result<Vec<u8>, String> {
    let tree =
        parse::parse(rewritten).ok_or("the rewrite could not be re-parsed; file left unchanged")?;
    if parse::error_count(&tree) > parse::error_count(original) {
        return Err(
            "the rewrite does not parse cleanly; file left unchanged (please report this)".into(),
        );
    }
    source.encode(rewritten).ok_or_else(|| {
        "the rewrite cannot be encoded in the file's encoding; file left unchanged".into()
    })
}
