//! The `check --format json` output: one JSON array of every diagnostic, whatever its status, followed by one
//! entry per file that could not be checked (`"status": "error"`, `"code": null`, and the kind of failure).

use serde::Serialize;

use super::Diagnostic;
use crate::error::Failure;

/// A file that could not be checked, in the shape of a diagnostic so that one array holds both.
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

pub fn render(diagnostics: &[Diagnostic], failures: &[&Failure]) -> String {
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
    let entries: Vec<Entry> = diagnostics.iter().map(Entry::Diagnostic).chain(failures).collect();
    let mut out = serde_json::to_string_pretty(&entries).expect("diagnostics serialize");
    out.push('\n');
    out
}
