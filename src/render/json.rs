//! The `check --format json` output: one JSON array of every diagnostic, whatever its status (the form scripts
//! rely on, unchanged); and `--format json-lines`: one JSON object a line, every diagnostic, then one per file
//! that could not be checked (`"status": "error"`, `"code": null`, and the kind of failure).

use serde::Serialize;

use super::Diagnostic;
use crate::error::Failure;

/// A file that could not be checked, in the shape of a diagnostic so that one stream holds both.
#[derive(Serialize)]
struct FailureJson<'a> {
    path: &'a str,
    /// In a notebook, the cell that `line` counts in.
    #[serde(skip_serializing_if = "Option::is_none")]
    cell: Option<usize>,
    line: Option<usize>,
    column: Option<usize>,
    code: Option<&'static str>,
    message: String,
    status: &'static str,
    /// `read`, `binary`, `decode`, `syntax`, `limit`, `verify`, `encode` or `write`.
    error: &'static str,
    fixable: bool,
}

#[derive(Serialize)]
#[serde(untagged)]
enum Entry<'a> {
    Diagnostic(&'a Diagnostic),
    Failure(FailureJson<'a>),
}

/// The JSON array of every diagnostic.
pub fn render(diagnostics: &[Diagnostic]) -> String {
    let mut out = serde_json::to_string_pretty(diagnostics).expect("diagnostics serialize");
    out.push('\n');
    out
}

/// JSON Lines: every diagnostic, then every file that could not be checked, one object a line.
pub fn render_lines(diagnostics: &[Diagnostic], failures: &[&Failure]) -> String {
    let failures = failures.iter().map(|f| {
        let position = f.error.position();
        Entry::Failure(FailureJson {
            path: &f.path,
            cell: f.error.cell(),
            line: position.map(|(line, _)| line),
            column: position.map(|(_, column)| column),
            code: None,
            message: f.error.to_string(),
            status: "error",
            error: f.error.kind(),
            fixable: false,
        })
    });
    let mut out = String::new();
    for entry in diagnostics.iter().map(Entry::Diagnostic).chain(failures) {
        out.push_str(&serde_json::to_string(&entry).expect("diagnostics serialize"));
        out.push('\n');
    }
    out
}
