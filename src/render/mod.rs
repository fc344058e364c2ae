//! Rendering: located findings and rewrites in, text for people and tools out (DESIGN §1). Pure.

pub mod diff;
pub mod github;
pub mod json;
pub mod pr_body;
pub mod rule;
pub mod sarif;
pub mod text;

use std::path::{Component, Path, PathBuf};

use serde::Serialize;

use crate::edit::Applicability;
use crate::finding::{Finding, Link, Rule, Status};
use crate::source::LineIndex;

/// A finding placed in its file: 1-based lines, 1-based columns counted in characters.
#[derive(Clone, Debug, Serialize)]
pub struct Diagnostic {
    pub path: String,
    /// In a notebook, the 1-based number of the cell (counting every cell); `line` and `end_line` count lines
    /// in that cell.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cell: Option<usize>,
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
    pub code: &'static str,
    /// The rule, with everything the registry knows of it.
    #[serde(skip)]
    pub rule: Rule,
    pub message: String,
    pub transform: String,
    pub status: Status,
    /// Whether `apply` rewrites it without `--unsafe-fixes`.
    pub fixable: bool,
    /// Whether only `--unsafe-fixes` rewrites it (AWF005); serialized only when true.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub unsafe_fix: bool,
    pub fix: Option<Vec<DiagnosticEdit>>,
    /// How the callee reached the definition that condemns it (AWF005); serialized only when there is one.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub chain: Vec<Link>,
    /// Why the site got the sync fix where `prefer: async` asked for the async twin; serialized only when
    /// there is a reason.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fallback: Option<String>,
    /// What the fix does, in a few words.
    #[serde(skip)]
    pub summary: String,
}

/// One edit of a fix, placed like a diagnostic.
#[derive(Clone, Debug, Serialize)]
pub struct DiagnosticEdit {
    /// In a notebook, the cell the edit is in (an added import may be in another cell than the site).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cell: Option<usize>,
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
    pub content: String,
}

impl Diagnostic {
    /// Places `finding` of the file shown as `path`.
    pub fn new(path: &str, finding: &Finding, index: &LineIndex) -> Self {
        let (line, column) = index.position(finding.range.start);
        let (end_line, end_column) = index.position(finding.range.end);
        let fix = finding.fix.as_ref().map(|fix| {
            fix.edits()
                .iter()
                .map(|edit| {
                    let (line, column) = index.position(edit.start());
                    let (end_line, end_column) = index.position(edit.end());
                    DiagnosticEdit {
                        cell: None,
                        line,
                        column,
                        end_line,
                        end_column,
                        content: edit.content().to_string(),
                    }
                })
                .collect()
        });
        Self {
            path: path.to_string(),
            cell: None,
            line,
            column,
            end_line,
            end_column,
            code: finding.rule.code(),
            rule: finding.rule,
            message: finding.message.clone(),
            transform: finding.transform.clone(),
            status: finding.status,
            fixable: finding.is_fixable(),
            unsafe_fix: !finding.is_fixable() && finding.is_fixable_at(Applicability::Unsafe),
            fix,
            chain: finding.chain.clone(),
            fallback: finding.fallback.clone(),
            summary: finding.summary.clone(),
        }
    }

    /// Where it is, as `path:line:col` or, in a notebook, `path:cell N:line:col`.
    pub fn location(&self) -> String {
        match self.cell {
            Some(cell) => format!("{}:cell {cell}:{}:{}", self.path, self.line, self.column),
            None => format!("{}:{}:{}", self.path, self.line, self.column),
        }
    }

    /// Its line, as `path:line` or, in a notebook, `path:cell N:line`.
    pub fn line_location(&self) -> String {
        match self.cell {
            Some(cell) => format!("{}:cell {cell}:{}", self.path, self.line),
            None => format!("{}:{}", self.path, self.line),
        }
    }

    /// Whether it asks for action (and so fails `check`).
    pub fn is_open(&self) -> bool {
        self.status == Status::Open
    }
}

pub use crate::source::display_path;

/// What machine outputs make paths relative to: `root` (`--root DIR`, else the root of the git repository
/// around the working directory, else the working directory), for paths shown relative to `cwd`. Both are
/// canonical, so that they compare.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Base {
    pub root: PathBuf,
    pub cwd: PathBuf,
}

impl Base {
    /// The base of this run: `root` (`--root`; it must exist) or the repository's root, from the working
    /// directory.
    pub fn new(root: Option<&Path>) -> anyhow::Result<Self> {
        let cwd = std::env::current_dir()?;
        let root = match root {
            Some(dir) => dir.canonicalize().map_err(|e| anyhow::anyhow!("--root {}: {e}", dir.display()))?,
            None => git2::Repository::discover(&cwd)
                .ok()
                .and_then(|repo| repo.workdir().map(|w| w.canonicalize().unwrap_or_else(|_| w.to_path_buf())))
                .unwrap_or_else(|| cwd.canonicalize().unwrap_or_else(|_| cwd.clone())),
        };
        let cwd = cwd.canonicalize().unwrap_or(cwd);
        Ok(Self { root, cwd })
    }

    /// `path` (as shown: relative to `cwd`, or absolute) relative to `root`, with `/` separators; `Err` with
    /// the absolute path when it lies outside `root`.
    pub fn relative(&self, path: &str) -> Result<String, PathBuf> {
        let absolute = normalize(&self.cwd.join(path));
        match absolute.strip_prefix(&self.root) {
            Ok(relative) => {
                let parts: Vec<_> = relative.components().map(|c| c.as_os_str().to_string_lossy()).collect();
                Ok(parts.join("/"))
            }
            Err(_) => Err(absolute),
        }
    }

    /// `path` relative to `root`, or absolute when it lies outside it (as ruff leaves such paths).
    pub fn rebase(&self, path: &str) -> String {
        self.relative(path).unwrap_or_else(|absolute| absolute.to_string_lossy().into_owned())
    }

    /// `diagnostics` with their paths (and their chains') relative to `root`.
    pub fn rebase_all(&self, diagnostics: &mut [Diagnostic]) {
        for d in diagnostics {
            d.path = self.rebase(&d.path);
            d.chain.iter_mut().for_each(|link| link.path = self.rebase(&link.path));
        }
    }
}

/// `path` without `.` and `..` components, read lexically (a symlinked folder is not followed).
fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}
