//! What the language server says about one document: its plan in, protocol diagnostics and code actions out
//! (each site's fix, every fix of the file, a suppression comment, and `source.fixAll.awaitfix`). Pure apart
//! from planning again, on the document's text, when an action needs a stricter or a narrower plan.

use std::collections::HashMap;
use std::path::Path;

use lsp_types::{
    CodeAction, CodeActionKind, CodeDescription, Diagnostic, DiagnosticSeverity, NumberOrString, TextEdit,
    Uri, WorkspaceEdit,
};

use crate::edit::Edit;
use crate::engine::Engine;
use crate::finding::{Finding, Level, Status, site_keys};
use crate::plan::{Plan, Want, plan};
use crate::selection::Selection;

use super::docs::RuleDocs;
use super::position::LineMap;

/// The kind of the action that applies every fix of a file, for format-on-save setups.
pub const FIX_ALL: &str = "source.fixAll.awaitfix";

/// The open findings of `plan` as protocol diagnostics, each code linked to its rule's page when it has one;
/// intentional and suppressed sites are left out (they ask for no action, as in `check`).
pub fn diagnostics(plan: &Plan, map: &LineMap, docs: &RuleDocs) -> Vec<Diagnostic> {
    let open = plan.findings.iter().filter(|f| f.status == Status::Open);
    open.map(|f| Diagnostic {
        range: map.range(f.range.clone()),
        severity: Some(match f.rule.spec().level {
            Level::Error => DiagnosticSeverity::ERROR,
            Level::Warning => DiagnosticSeverity::WARNING,
        }),
        code: Some(NumberOrString::String(f.rule.code().to_string())),
        code_description: docs.link(f.rule.code()).map(|href| CodeDescription { href: href.clone() }),
        source: Some("awaitfix".to_string()),
        message: f.message.clone(),
        ..Diagnostic::default()
    })
    .collect()
}

/// One open document, as a code action request sees it.
pub struct Document<'a> {
    pub uri: &'a Uri,
    pub path: &'a Path,
    pub text: &'a str,
    pub engine: &'a Engine,
    /// The plan of `text` the diagnostics were published from (`Want::Preview`).
    pub plan: &'a Plan,
    pub docs: &'a RuleDocs,
}

/// The code actions for the byte range `wanted` of `doc`, of the kinds `only` asks for (all but source
/// actions when it is `None`, as the protocol says). Fixes come from a `Want::Rewrite` plan, so a file with a
/// syntax error anywhere gets none: an edit offered is one `apply` would write.
pub fn code_actions(
    doc: &Document,
    map: &LineMap,
    wanted: std::ops::Range<usize>,
    only: Option<&[CodeActionKind]>,
) -> Vec<CodeAction> {
    let asks = |kind: &str| match only {
        None => !kind.starts_with("source"),
        Some(only) => {
            only.iter().any(|k| kind == k.as_str() || kind.starts_with(&format!("{}.", k.as_str())))
        }
    };
    let sites: Vec<usize> = (doc.plan.findings.iter().enumerate())
        .filter(|(_, f)| {
            f.status == Status::Open && f.range.start <= wanted.end && wanted.start <= f.range.end
        })
        .map(|(i, _)| i)
        .collect();
    let quick = asks(CodeActionKind::QUICKFIX.as_str()) && !sites.is_empty();
    if !quick && !asks(FIX_ALL) {
        return Vec::new();
    }
    let bytes = doc.text.as_bytes();
    let full = plan(doc.engine, doc.path, bytes, Want::Rewrite, &Selection::all()).ok();
    let full = full.filter(|p| p.source.text == doc.text);
    let mut actions = Vec::new();
    if quick {
        let keys = site_keys(doc.text, &doc.plan.findings);
        for &i in &sites {
            let finding = &doc.plan.findings[i];
            let diagnostic = diagnostics_of(doc, map, i);
            if let Some(full) = full.as_ref().filter(|_| finding.is_fixable()) {
                let alone = Selection::only(keys[i].clone());
                if let Ok(Plan { rewrite: Some(rewrite), .. }) =
                    full.clone().narrow(doc.engine, doc.path, bytes, Want::Rewrite, &alone)
                {
                    let title = format!("Fix {}: {}", finding.rule.code(), finding.summary);
                    let mut action = action(title, CodeActionKind::QUICKFIX, doc.uri, map, &rewrite.edits);
                    action.diagnostics = Some(diagnostic.clone());
                    action.is_preferred = Some(true);
                    actions.push(action);
                }
            }
            if let Some(edit) = suppression(doc, finding) {
                let title = format!("Suppress {} on this line", finding.rule.code());
                let mut action = action(title, CodeActionKind::QUICKFIX, doc.uri, map, &[edit]);
                action.diagnostics = Some(diagnostic);
                actions.push(action);
            }
        }
    }
    let all = full.as_ref().and_then(|p| p.rewrite.as_ref());
    if let Some(rewrite) = all {
        if quick {
            let title = "Fix all awaitfix sites in file".to_string();
            actions.push(action(title, CodeActionKind::QUICKFIX, doc.uri, map, &rewrite.edits));
        }
        if asks(FIX_ALL) {
            let title = "awaitfix: fix all sites".to_string();
            actions.push(action(title, CodeActionKind::new(FIX_ALL), doc.uri, map, &rewrite.edits));
        }
    }
    actions
}

fn diagnostics_of(doc: &Document, map: &LineMap, i: usize) -> Vec<Diagnostic> {
    let plan = doc.plan;
    let (findings, source) = (vec![plan.findings[i].clone()], plan.source.clone());
    let one = Plan { findings, rewrite: None, source, cells: None };
    diagnostics(&one, map, doc.docs)
}

fn action(title: String, kind: CodeActionKind, uri: &Uri, map: &LineMap, edits: &[Edit]) -> CodeAction {
    let edits: Vec<TextEdit> = edits
        .iter()
        .map(|e| TextEdit { range: map.range(e.range()), new_text: e.content().to_string() })
        .collect();
    #[allow(
        clippy::mutable_key_type,
        reason = "lsp-types' own map type: it hashes a Uri by its text, not by the cell inside"
    )]
    let changes = HashMap::from([(uri.clone(), edits)]);
    CodeAction {
        title,
        kind: Some(kind),
        edit: Some(WorkspaceEdit { changes: Some(changes), ..WorkspaceEdit::default() }),
        ..CodeAction::default()
    }
}

/// `  # awaitfix: ignore[CODE]` at the end of the line where `finding` starts, when the text with it still
/// parses and no longer reports the site (a line that ends inside a string or with a `\` continuation
/// cannot take a comment).
fn suppression(doc: &Document, finding: &Finding) -> Option<Edit> {
    let code = finding.rule.code();
    let line_end = memchr::memchr2(b'\n', b'\r', &doc.text.as_bytes()[finding.range.start..])
        .map_or(doc.text.len(), |i| finding.range.start + i);
    let edit = Edit::insertion(line_end, &format!("  # awaitfix: ignore[{code}]"));
    let mut text = doc.text.to_string();
    text.insert_str(line_end, edit.content());
    let after = plan(doc.engine, doc.path, text.as_bytes(), Want::Findings, &Selection::all()).ok()?;
    let open =
        |p: &Plan| p.findings.iter().filter(|f| f.status == Status::Open && f.rule == finding.rule).count();
    (open(&after) < open(doc.plan)).then_some(edit)
}
