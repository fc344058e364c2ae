//! The `check --format sarif` output: SARIF 2.1.0 for code-scanning upload (GitHub, GitLab, Azure DevOps),
//! with rule metadata, every finding (intentional and suppressed ones as suppressed results) and its fix.
//! Columns count Unicode code points, as everywhere in awaitfix.

use serde_json::{Value, json};

use super::{Base, Diagnostic, DiagnosticEdit};
use crate::error::Failure;
use crate::finding::{Link, Rule, Status};

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

/// One SARIF log with one run; files that could not be checked are the run's tool notifications.
pub fn render(diagnostics: &[Diagnostic], failures: &[&Failure], base: &Base) -> String {
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
            // Where the relative URIs start: code scanning takes `%SRCROOT%` as its checkout's root, other
            // consumers read the absolute URI given here.
            "originalUriBaseIds": { "%SRCROOT%": { "uri": directory_uri(&base.root) } },
            "columnKind": "unicodeCodePoints",
            "results": diagnostics.iter().map(|d| result(d, base)).collect::<Vec<_>>(),
        }]
    });
    if !failures.is_empty() {
        log["runs"][0]["invocations"] = json!([{
            "executionSuccessful": false,
            "toolExecutionNotifications": failures.iter().map(|f| notification(f, base)).collect::<Vec<_>>(),
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

fn result(d: &Diagnostic, base: &Base) -> Value {
    let index = crate::rules::all().position(|r| r == d.rule).expect("every rule is registered");
    let level = d.rule.spec().level.as_str();
    let mut result = json!({
        "ruleId": d.code,
        "ruleIndex": index,
        "level": level,
        "message": { "text": d.message },
        "locations": [{
            "physicalLocation": {
                "artifactLocation": artifact(&d.path, base),
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
        result["relatedLocations"] = d.chain.iter().enumerate().map(|hop| related(hop, base)).collect();
    }
    if let (Some(edits), true) = (&d.fix, d.fixable) {
        result["fixes"] = json!([{
            "description": { "text": d.summary },
            "artifactChanges": [{
                "artifactLocation": artifact(&d.path, base),
                "replacements": edits.iter().map(replacement).collect::<Vec<_>>(),
            }],
        }]);
    }
    result
}

/// One hop of a finding's chain: where `module.name` is bound (the last hop: where it is defined).
fn related((id, link): (usize, &Link), base: &Base) -> Value {
    json!({
        "id": id,
        "message": { "text": format!("{}.{}", link.module, link.name) },
        "physicalLocation": {
            "artifactLocation": artifact(&link.path, base),
            "region": { "startLine": link.line },
        },
    })
}

/// A file that could not be checked or rewritten, at its position when it has one.
fn notification(failure: &Failure, base: &Base) -> Value {
    let mut location = json!({ "artifactLocation": artifact(&failure.path, base) });
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

/// A path as a URI relative to `%SRCROOT%` (`--root`, else the repository's root, whatever folder the run
/// started in and however the path was given); a file outside it as an absolute `file:` URI. Bytes other
/// than unreserved characters and `/` are percent-encoded.
fn artifact(path: &str, base: &Base) -> Value {
    match base.relative(path) {
        Ok(relative) => json!({ "uri": encode(&relative), "uriBaseId": "%SRCROOT%" }),
        Err(absolute) => json!({ "uri": file_uri(&absolute) }),
    }
}

/// An absolute path as a `file:` URI.
fn file_uri(path: &std::path::Path) -> String {
    let path = path.to_string_lossy().replace('\\', "/");
    match path.starts_with('/') {
        true => format!("file://{}", encode(&path)),
        false => format!("file:///{}", encode(&path)),
    }
}

/// A folder as a `file:` URI ending in `/`, as SARIF requires of a base URI.
fn directory_uri(path: &std::path::Path) -> String {
    let uri = file_uri(path);
    if uri.ends_with('/') { uri } else { format!("{uri}/") }
}

fn encode(path: &str) -> String {
    let mut uri = String::new();
    for byte in path.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~/".contains(&byte) {
            uri.push(byte as char);
        } else {
            uri.push_str(&format!("%{byte:02X}"));
        }
    }
    uri
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_become_uris_relative_to_the_repository_root() {
        let base = Base { root: "/repo".into(), cwd: "/repo/pkg".into() };
        assert_eq!(artifact("my dir/é.py", &base)["uri"], "pkg/my%20dir/%C3%A9.py");
        assert_eq!(artifact("./a.py", &base)["uri"], "pkg/a.py");
        assert_eq!(artifact("../b.py", &base), json!({ "uri": "b.py", "uriBaseId": "%SRCROOT%" }));
        assert_eq!(
            artifact("/repo/pkg/a.py", &base)["uri"],
            "pkg/a.py",
            "an absolute path in the repository"
        );
        assert_eq!(artifact("/elsewhere/c.py", &base), json!({ "uri": "file:///elsewhere/c.py" }));
        assert_eq!(directory_uri(std::path::Path::new("/my repo")), "file:///my%20repo/");
        assert_eq!(directory_uri(std::path::Path::new("/")), "file:///");
    }
}
