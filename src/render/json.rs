//! The `check --format json` output: one JSON array of every diagnostic, whatever its status.

use super::Diagnostic;

pub fn render(diagnostics: &[Diagnostic]) -> String {
    let mut out = serde_json::to_string_pretty(diagnostics).expect("diagnostics serialize");
    out.push('\n');
    out
}
