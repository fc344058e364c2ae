//! AWF001: `await F(...)` where F resolves to the sync function of a pair.
//! Candidates come from `awaited_call.scm`; name resolution decides which of them call the sync function;
//! the fix drops the `await` together with parentheses that only existed around it.

use std::collections::HashSet;

use tree_sitter::{Node, QueryCursor, StreamingIterator};

use super::{FileContext, intent, queries, suppression};
use crate::edit::{Edit, Fix};
use crate::finding::{Finding, Rule, Status};
use crate::resolve::{BindingKind, Context, Resolution, Scopes};
use crate::source::LineIndex;
use crate::transform::Pair;

/// How the awaited call names its function.
enum Callee<'t> {
    /// `F(...)`
    Name(&'t str),
    /// `root.a.b.F(...)`: `path` holds the parts between the root and F.
    Attribute { root: &'t str, path: Vec<&'t str>, attr: &'t str },
}

impl Callee<'_> {
    /// The name whose binding decides what is called.
    fn root(&self) -> &str {
        match self {
            Callee::Name(name) => name,
            Callee::Attribute { root, .. } => root,
        }
    }
}

struct Candidate<'tree, 't> {
    site: Node<'tree>,
    call: Node<'tree>,
    callee: Callee<'t>,
}

pub(super) fn check(file: &FileContext) -> Vec<Finding> {
    let candidates = candidates(file);
    if candidates.is_empty() {
        return Vec::new();
    }
    let names: HashSet<&str> = candidates.iter().map(|c| c.callee.root()).collect();
    let nodes: HashSet<usize> = candidates.iter().map(|c| c.site.id()).collect();
    let scopes = Scopes::build(file.tree, file.text, &names, &nodes);
    let index = LineIndex::new(file.text);
    let mut expecting: Option<Vec<std::ops::Range<usize>>> = None;

    let mut findings = Vec::new();
    for candidate in &candidates {
        let Some(scope) = scopes.scope_of(candidate.site) else {
            continue;
        };
        let Some((transform, pair)) = matching_pair(file, &scopes, scope, candidate) else {
            continue;
        };
        let range = candidate.site.byte_range();
        let context = scopes.context(scope);
        let expecting = expecting.get_or_insert_with(|| intent::expecting_type_error(file.text, file.tree));
        let status = if expecting.iter().any(|body| body.start <= range.start && range.end <= body.end) {
            Status::Intentional
        } else if suppression::is_suppressed(file.text, file.tree, &index, range.start, Rule::Awf001.code()) {
            Status::Suppressed
        } else {
            Status::Open
        };
        let fix = drop_await(file.text, candidate.site, candidate.call);
        let fix = fix.filter(|_| !desyncs_generator(candidate.site));
        let message = message(file.text, candidate, pair, context, status, fix.is_some());
        findings.push(Finding {
            rule: Rule::Awf001,
            range,
            message,
            transform: file.transforms[transform].id.clone(),
            fix,
            status,
        });
    }
    findings
}

/// Awaited calls whose callee is a name, or an attribute chain ending in the sync name of some pair.
fn candidates<'tree, 't>(file: &FileContext<'t>) -> Vec<Candidate<'tree, 't>>
where
    't: 'tree,
{
    let query = &queries().awaited_call;
    let site_index = query.capture_index_for_name("site").expect("awaited_call.scm captures @site");
    let mut cursor = QueryCursor::new();
    let mut matches = cursor.matches(query, file.tree.root_node(), file.text.as_bytes());
    let mut out = Vec::new();
    while let Some(m) = matches.next() {
        let Some(site) = m.captures().iter().find(|c| c.index == site_index).map(|c| c.node) else {
            continue;
        };
        // `(_)` also matches a line continuation after `await`: one candidate per site.
        if out.last().is_some_and(|c: &Candidate| c.site == site) {
            continue;
        }
        let Some(call) = operand(site).and_then(awaited_call) else { continue };
        let Some(function) = call.child_by_field_name("function") else {
            continue;
        };
        let Some(callee) = callee(file.text, function) else {
            continue;
        };
        if let Callee::Attribute { attr, .. } = &callee
            && !file.pairs().any(|(_, p)| p.sync == *attr)
        {
            continue;
        }
        out.push(Candidate { site, call, callee });
    }
    out
}

/// The expression an `await` node applies to, past line continuations.
fn operand(site: Node) -> Option<Node> {
    let mut cursor = site.walk();
    site.named_children(&mut cursor).find(|n| !n.is_extra())
}

/// The call whose result `await` awaits, through parentheses. tree-sitter reads `await f() ** 2` as
/// `await (f() ** 2)` where Python means `(await f()) ** 2`: the awaited call is then the left of `**`.
fn awaited_call(operand: Node) -> Option<Node> {
    let mut node = unparenthesize(operand);
    while node.kind() == "binary_operator"
        && node.child_by_field_name("operator").is_some_and(|op| op.kind() == "**")
    {
        node = unparenthesize(node.child_by_field_name("left")?);
    }
    (node.kind() == "call").then_some(node)
}

/// The expression inside any number of parentheses (comments inside them do not count).
fn unparenthesize(mut node: Node) -> Node {
    while node.kind() == "parenthesized_expression" {
        let mut cursor = node.walk();
        let Some(inner) = node.named_children(&mut cursor).find(|n| !n.is_extra()) else { break };
        node = inner;
    }
    node
}

fn callee<'t>(text: &'t str, function: Node) -> Option<Callee<'t>> {
    match function.kind() {
        "identifier" => Some(Callee::Name(&text[function.byte_range()])),
        "attribute" => {
            let attr = &text[function.child_by_field_name("attribute")?.byte_range()];
            let mut path = Vec::new();
            let mut object = function.child_by_field_name("object")?;
            while object.kind() == "attribute" {
                path.push(&text[object.child_by_field_name("attribute")?.byte_range()]);
                object = object.child_by_field_name("object")?;
            }
            if object.kind() != "identifier" {
                return None;
            }
            path.reverse();
            Some(Callee::Attribute { root: &text[object.byte_range()], path, attr })
        }
        _ => None,
    }
}

/// The (transform index, pair) whose sync function the candidate calls, by the binding of its callee.
fn matching_pair<'f>(
    file: &'f FileContext,
    scopes: &Scopes,
    scope: usize,
    candidate: &Candidate,
) -> Option<(usize, &'f Pair)> {
    let offset = candidate.site.start_byte();
    let resolution = scopes.resolve(candidate.callee.root(), scope, offset);
    let mut pairs = file.pairs();
    match (&candidate.callee, resolution) {
        (Callee::Name(_), Resolution::Bound(BindingKind::ImportFrom { module, name })) => {
            pairs.find(|(_, p)| p.sync == *name && p.exported_by(module))
        }
        (Callee::Name(local), Resolution::Bound(BindingKind::FunctionDef { is_async: false })) => {
            pairs.find(|(_, p)| p.sync == *local)
        }
        (Callee::Name(local), Resolution::Unbound { stars }) => pairs.find(|(_, p)| {
            p.sync == *local && (p.unbound || stars.iter().any(|m| !p.modules.is_empty() && p.exported_by(m)))
        }),
        (Callee::Attribute { path, attr, .. }, Resolution::Bound(binding)) => {
            let base = match binding {
                BindingKind::Import { module } => module.clone(),
                BindingKind::ImportFrom { module, name } if module.ends_with('.') => {
                    format!("{module}{name}")
                }
                BindingKind::ImportFrom { module, name } => format!("{module}.{name}"),
                _ => return None,
            };
            let module =
                std::iter::once(base.as_str()).chain(path.iter().copied()).collect::<Vec<_>>().join(".");
            pairs.find(|(_, p)| p.sync == *attr && p.exported_by(&module))
        }
        _ => None,
    }
}

/// The sync fix: delete `await` and the parentheses that only wrapped the awaited call or the await itself.
/// Parentheses holding comments stay; a comment after `await` stays. Returns `None` if nothing can be deleted
/// safely.
fn drop_await(text: &str, site: Node, call: Node) -> Option<Fix> {
    let keyword = site.child(0).filter(|k| k.kind() == "await")?;
    let operand = operand(site)?;
    let mut inner = operand;
    while inner != call {
        let Some(child) = inner.named_child(0).filter(|c| only_wraps(text, inner, *c)) else { break };
        inner = child;
    }
    let gap = &text[keyword.end_byte()..operand.start_byte()];
    // A callee that spans lines (`F  # c` then `(x)` below) may need the parentheses to stay one expression.
    let head = call.child_by_field_name("arguments").map_or(call.start_byte(), |a| a.start_byte());
    let multiline_head = text[call.start_byte()..head].contains('\n');
    if inner != call || gap.contains('#') || multiline_head {
        return Some(Fix::safe(vec![drop_keyword(text, keyword)]));
    }
    let mut outer = site;
    while let Some(parent) = outer.parent().filter(|p| only_wraps(text, *p, outer)) {
        outer = parent;
    }
    // Two tokens must not fuse: `return(await F())` becomes `return F()`, not `returnF()`.
    let fuses =
        text[..outer.start_byte()].chars().next_back().is_some_and(|c| c.is_alphanumeric() || c == '_');
    let left = Edit::replacement(outer.start_byte()..call.start_byte(), if fuses { " " } else { "" });
    let mut edits = vec![left];
    if call.end_byte() < outer.end_byte() {
        edits.push(Edit::deletion(call.end_byte()..outer.end_byte()));
    }
    Some(Fix::safe(edits))
}

/// Removes only the keyword and the blanks after it on its line, keeping every parenthesis and comment.
fn drop_keyword(text: &str, keyword: Node) -> Edit {
    let blanks = text[keyword.end_byte()..].find(|c| c != ' ' && c != '\t').unwrap_or(0);
    let end = keyword.end_byte() + blanks;
    let end = if text[end..].starts_with(['#', '\r', '\n', '\\']) { keyword.end_byte() } else { end };
    Edit::deletion(keyword.start_byte()..end)
}

/// Whether `parent` is a pair of parentheses around `child` and nothing else but white space.
fn only_wraps(text: &str, parent: Node, child: Node) -> bool {
    let mut cursor = parent.walk();
    parent.kind() == "parenthesized_expression"
        && parent.named_children(&mut cursor).filter(|n| n.kind() != "line_continuation").count() == 1
        && is_blank(&text[parent.start_byte() + 1..child.start_byte()])
        && is_blank(&text[child.end_byte()..parent.end_byte() - 1])
}

fn is_blank(s: &str) -> bool {
    s.chars().all(|c| matches!(c, ' ' | '\t' | '\r' | '\n' | '\x0c' | '\\'))
}

/// Whether the site is the only `await` of a generator expression, which dropping it would turn from an
/// async generator into a plain one (and break the `async for` that consumes it).
fn desyncs_generator(site: Node) -> bool {
    let mut node = site;
    while let Some(parent) = node.parent() {
        match parent.kind() {
            "generator_expression" => return !has_other_async(parent, site),
            "function_definition"
            | "lambda"
            | "class_definition"
            | "list_comprehension"
            | "set_comprehension"
            | "dictionary_comprehension" => return false,
            _ => node = parent,
        }
    }
    false
}

fn has_other_async(node: Node, site: Node) -> bool {
    let mut stack = vec![node];
    while let Some(n) = stack.pop() {
        if n == site {
            continue;
        }
        if n.kind() == "await"
            || (n.kind() == "for_in_clause" && n.child(0).is_some_and(|c| c.kind() == "async"))
        {
            return true;
        }
        let mut cursor = n.walk();
        stack.extend(n.children(&mut cursor));
    }
    false
}

fn message(
    text: &str,
    candidate: &Candidate,
    pair: &Pair,
    context: Context,
    status: Status,
    fixable: bool,
) -> String {
    let callee = candidate.call.child_by_field_name("function").map_or("", |f| &text[f.byte_range()]);
    let callee: String = callee.chars().filter(|c| !c.is_whitespace() && *c != '\\').collect();
    let mut message = if callee == pair.sync {
        format!("`{callee}` is synchronous; awaiting it raises TypeError")
    } else {
        format!("`{callee}` is the synchronous `{}`; awaiting it raises TypeError", pair.sync)
    };
    if context != Context::Async {
        message.push_str(" (and `await` outside `async def` is a SyntaxError)");
    }
    match status {
        Status::Intentional => {
            message.push_str("; intentional: the surrounding assertion expects the TypeError")
        }
        Status::Suppressed => message.push_str("; suppressed by a comment"),
        Status::Open if !fixable => message
            .push_str("; not fixed: it is the only `await` of an async generator expression, fix by hand"),
        Status::Open => {}
    }
    message
}
