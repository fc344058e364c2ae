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
/// In `await (f() ** 2)` the parentheses are real and the power is what is awaited.
fn awaited_call(operand: Node) -> Option<Node> {
    let mut node = operand;
    while node.kind() == "binary_operator"
        && node.child_by_field_name("operator").is_some_and(|op| op.kind() == "**")
    {
        node = node.child_by_field_name("left")?;
    }
    let node = unparenthesize(node);
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
    let function = unparenthesize(function);
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

/// The (transform index, pair) whose sync function the candidate calls, by the bindings of its callee: when
/// several bindings may be in effect, all of them must lead to the same pair.
fn matching_pair<'f>(
    file: &'f FileContext,
    scopes: &Scopes,
    scope: usize,
    candidate: &Candidate,
) -> Option<(usize, &'f Pair)> {
    let offset = candidate.site.start_byte();
    match scopes.resolve(candidate.callee.root(), scope, offset) {
        Resolution::Bound(bindings) => {
            let mut found = bindings.iter().map(|b| bound_pair(file, &candidate.callee, b));
            let first = found.next()??;
            found.all(|other| other.is_some_and(|o| std::ptr::eq(o.1, first.1))).then_some(first)
        }
        Resolution::Unbound { stars } => {
            let Callee::Name(local) = candidate.callee else { return None };
            file.pairs().find(|(_, p)| {
                p.sync == local
                    && (p.unbound || stars.iter().any(|m| !p.modules.is_empty() && exported(file, p, m)))
            })
        }
    }
}

/// The pair a callee reaches through one binding of its root name.
fn bound_pair<'f>(
    file: &'f FileContext,
    callee: &Callee,
    binding: &BindingKind,
) -> Option<(usize, &'f Pair)> {
    let mut pairs = file.pairs();
    match (callee, binding) {
        (Callee::Name(_), BindingKind::ImportFrom { module, name }) => {
            pairs.find(|(_, p)| p.sync == *name && exported(file, p, module))
        }
        (Callee::Name(local), BindingKind::FunctionDef { is_async: false }) => {
            pairs.find(|(_, p)| p.sync == *local)
        }
        (Callee::Attribute { root, path, attr }, binding) => {
            let module = attribute_module(root, path, binding)?;
            pairs.find(|(_, p)| p.sync == *attr && exported(file, p, &module))
        }
        _ => None,
    }
}

/// The module that `root.path…` names, when it is one the import made reachable: `import a.b` reaches `a` and
/// `a.b`; `import a.b as k` and `from a import b` reach only the bound name itself. Anything longer may be an
/// object's attribute (`app.state.F`), so it does not count.
fn attribute_module(root: &str, path: &[&str], binding: &BindingKind) -> Option<String> {
    match binding {
        BindingKind::Import { module, aliased: true } if path.is_empty() => Some(module.clone()),
        BindingKind::Import { module, aliased: false } => {
            let dotted = std::iter::once(root).chain(path.iter().copied()).collect::<Vec<_>>().join(".");
            (module == &dotted || module.starts_with(&format!("{dotted}."))).then_some(dotted)
        }
        BindingKind::ImportFrom { module, name } if path.is_empty() => {
            Some(if module.ends_with('.') { format!("{module}{name}") } else { format!("{module}.{name}") })
        }
        _ => None,
    }
}

/// Whether `module` as written in this file (relative imports keep their dots) exports the pair.
fn exported(file: &FileContext, pair: &Pair, module: &str) -> bool {
    pair.exported_by(&absolute_module(file.path, module))
}

/// A relative module made absolute from the file's folders, as far as they go: `..ws` in `app/api/x.py` is
/// `app.ws`. The result may lack the top packages (the caller matches it against the end of listed modules).
fn absolute_module(path: &std::path::Path, module: &str) -> String {
    let rest = module.trim_start_matches('.');
    let level = module.len() - rest.len();
    if level == 0 {
        return module.to_string();
    }
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut folders: Vec<String> = absolute
        .parent()
        .into_iter()
        .flat_map(|p| p.components())
        .filter_map(|c| match c {
            std::path::Component::Normal(n) => Some(n.to_string_lossy().into_owned()),
            _ => None,
        })
        .collect();
    folders.truncate(folders.len().saturating_sub(level - 1));
    folders.extend(rest.split('.').filter(|s| !s.is_empty()).map(str::to_string));
    format!(".{}", folders.join("."))
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

/// Removes only the keyword and the white space up to the next token (line continuations included, so that
/// `await \` opening a line leaves no stray backslash), keeping every parenthesis and comment.
fn drop_keyword(text: &str, keyword: Node) -> Edit {
    let after = &text[keyword.end_byte()..];
    let blank = after.find(|c: char| !c.is_whitespace() && c != '\\').unwrap_or(after.len());
    let end = if after[blank..].starts_with('#') {
        // A comment follows (inside brackets): keep the line break before the operand.
        after.find(|c| c != ' ' && c != '\t').unwrap_or(0)
    } else {
        blank
    };
    Edit::deletion(keyword.start_byte()..keyword.end_byte() + end)
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

/// Whether dropping the site's `await` would turn a generator expression from asynchronous into a plain one
/// (and break the `async for` that consumes it): the site belongs to a generator expression's own scope
/// (list, set and dict comprehensions inside it run inline and count as part of it) and nothing else there
/// awaits.
fn desyncs_generator(site: Node) -> bool {
    let mut node = site;
    while let Some(parent) = node.parent() {
        match parent.kind() {
            "generator_expression" if !in_first_iterable(parent, site) => {
                return !awaits_besides(parent, site);
            }
            "function_definition" | "lambda" | "class_definition" => return false,
            _ => node = parent,
        }
    }
    false
}

/// Whether `site` stands in the comprehension's first iterable, which runs in the enclosing scope.
fn in_first_iterable(comprehension: Node, site: Node) -> bool {
    first_iterable(comprehension)
        .is_some_and(|it| it.start_byte() <= site.start_byte() && site.end_byte() <= it.end_byte())
}

fn first_iterable(comprehension: Node) -> Option<Node> {
    let mut cursor = comprehension.walk();
    let clause = comprehension.named_children(&mut cursor).find(|c| c.kind() == "for_in_clause")?;
    clause.child_by_field_name("right")
}

/// Whether `generator` awaits anywhere but at `site` itself: another `await` or an `async for` in its own scope
/// (not in nested functions or generator expressions, which await when they run, and not in its first iterable).
fn awaits_besides(generator: Node, site: Node) -> bool {
    let first_iterable = first_iterable(generator);
    let mut stack = vec![generator];
    while let Some(n) = stack.pop() {
        if Some(n) == first_iterable {
            continue;
        }
        if n != generator && matches!(n.kind(), "generator_expression" | "lambda" | "function_definition") {
            continue;
        }
        if (n.kind() == "await" && n.is_named() && n != site)
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
