//! The `check --format sarif` output: SARIF 2.1.0 for code-scanning upload (GitHub, GitLab, Azure DevOps),
//! with rule metadata, every finding (intentional and suppressed ones as suppressed results) and its fix.
//! Columns count Unicode code points, as everywhere in awaitfix.

use serde_json::{Value, json};

use super::{Diagnostic, DiagnosticEdit};
use crate::error::Failure;
use crate::finding::{Link, Rule, Status};

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

/// One SARIF log with one run; files that could not be checked are the run's tool notifications.
pub fn render(diagnostics: &[Diagnostic], failures: &[&Failure]) -> String {
    let mut log = json!({
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": "awaitfix",
                    "version": env!("CARGO_PKG_VERSION"),
                    "semanticVersion": env!("CARGO_PKG_VERSION"),
                    "rules": crate::rules::all().map(rule).collect::<Vec<_>>(),
                }
            },
            "columnKind": "unicodeCodePoints",
            "results": diagnostics.iter().map(result).collect::<Vec<_>>(),
        }]
    });
    if !failures.is_empty() {
        log["runs"][0]["invocations"] = json!([{
            "executionSuccessful": false,
            "toolExecutionNotifications": failures.iter().copied().map(notification).collect::<Vec<_>>(),
        }]);
    }
    let mut out = serde_json::to_string_pretty(&log).expect("SARIF serializes");
    out.push('\n');
    out
}

/// A rule's metadata, from the registry.
fn rule(rule: Rule) -> Value {
    let spec = rule.spec();
    json!({
        "id": spec.code,
        "name": spec.name,
        "shortDescription": { "text": spec.title },
        "fullDescription": { "text": spec.docs },
        "help": { "text": spec.docs, "markdown": spec.docs },
        "defaultConfiguration": { "level": spec.level.as_str() },
        "properties": { "tags": ["correctness", "asyncio"] },
    })
}

fn result(d: &Diagnostic) -> Value {
    let index = crate::rules::all().position(|r| r == d.rule).expect("every rule is registered");
    let level = d.rule.spec().level.as_str();
    let mut result = json!({
        "ruleId": d.code,
        "ruleIndex": index,
        "level": level,
        "message": { "text": d.message },
        "locations": [{
            "physicalLocation": {
                "artifactLocation": artifact(&d.path),
                "region": region(d.line, d.column, d.end_line, d.end_column),
            }
        }],
    });
    if let Some(cell) = d.cell {
        // SARIF has no notebook cells: the region counts lines in the cell the property names.
        result["locations"][0]["properties"] = json!({ "cell": cell });
    }
    let justification = match d.status {
        Status::Open => None,
        Status::Intentional => Some("the surrounding assertion expects the TypeError"),
        Status::Suppressed => Some("suppressed by a comment on its line"),
    };
    if let Some(justification) = justification {
        result["suppressions"] = json!([{ "kind": "inSource", "justification": justification }]);
    }
    if !d.chain.is_empty() {
        result["relatedLocations"] = d.chain.iter().enumerate().map(related).collect();
    }
    if let (Some(edits), true) = (&d.fix, d.fixable) {
        result["fixes"] = json!([{
            "description": { "text": d.summary },
            "artifactChanges": [{
                "artifactLocation": artifact(&d.path),
                "replacements": edits.iter().map(replacement).collect::<Vec<_>>(),
            }],
        }]);
    }
    result
}

/// One hop of a finding's chain: where `module.name` is bound (the last hop: where it is defined).
fn related((id, link): (usize, &Link)) -> Value {
    json!({
        "id": id,
        "message": { "text": format!("{}.{}", link.module, link.name) },
        "physicalLocation": {
            "artifactLocation": artifact(&link.path),
            "region": { "startLine": link.line },
        },
    })
}

/// A file that could not be checked or rewritten, at its position when it has one.
fn notification(failure: &Failure) -> Value {
    let mut location = json!({ "artifactLocation": artifact(&failure.path) });
    if let Some((line, column)) = failure.error.position() {
        location["region"] = json!({ "startLine": line, "startColumn": column });
    }
    if let Some(cell) = failure.error.cell() {
        location["properties"] = json!({ "cell": cell });
    }
    json!({
        "level": "error",
        "message": { "text": failure.error.to_string() },
        "descriptor": { "id": failure.error.kind() },
        "locations": [{ "physicalLocation": location }],
    })
}

fn replacement(edit: &DiagnosticEdit) -> Value {
    json!({
        "deletedRegion": region(edit.line, edit.column, edit.end_line, edit.end_column),
        "insertedContent": { "text": edit.content },
    })
}

fn region(line: usize, column: usize, end_line: usize, end_column: usize) -> Value {
    json!({ "startLine": line, "startColumn": column, "endLine": end_line, "endColumn": end_column })
}

/// A path as a relative URI (an absolute one as a `file:` URI): bytes other than unreserved characters and
/// `/` are percent-encoded.
fn artifact(path: &str) -> Value {
    let absolute = path.starts_with('/');
    let mut uri = if absolute { "file://".to_string() } else { String::new() };
    for byte in path.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~/".contains(&byte) {
            uri.push(byte as char);
        } else {
            uri.push_str(&format!("%{byte:02X}"));
        }
    }
    match absolute {
        true => json!({ "uri": uri }),
        false => json!({ "uri": uri, "uriBaseId": "%SRCROOT%" }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_become_relative_uris() {
        assert_eq!(artifact("my dir/é.py")["uri"], "my%20dir/%C3%A9.py");
    }
}
