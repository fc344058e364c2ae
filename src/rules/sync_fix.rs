//! Fixes that keep the function and change the `await`: dropping it (the sync fix of AWF001) or adding it
//! (AWF002). Pure: a node in, edits out.

use std::collections::HashSet;

use tree_sitter::Node;

use super::callee::operand;
use crate::edit::{Edit, Fix};

/// The `await`s that apply to `site`'s result through parentheses only, innermost first, `site` included:
/// `await (await F(x))` gives both. Python awaits the manager with the outer one, so a fix that drops the
/// inner one must drop or keep them all together.
pub(crate) fn await_chain(site: Node) -> Vec<Node> {
    let mut chain = vec![site];
    let mut node = site;
    while let Some(parent) = node.parent() {
        match parent.kind() {
            "parenthesized_expression" => {}
            "await" if parent.is_named() && operand(parent) == Some(node) => chain.push(parent),
            _ => break,
        }
        node = parent;
    }
    chain
}

/// The sync fix: delete every `await` of the site's chain (see `await_chain`) and the parentheses that only
/// wrapped the awaited call or the awaits themselves. Parentheses holding comments stay; a comment after
/// `await` stays. Returns `None` if nothing can be deleted safely.
pub(crate) fn drop_await(text: &str, site: Node, call: Node) -> Option<Fix> {
    let chain = await_chain(site);
    let keywords: Vec<Node> =
        chain.iter().map(|a| a.child(0).filter(|k| k.kind() == "await")).collect::<Option<_>>()?;
    let top = *chain.last().expect("the chain holds the site");
    let mut inner = operand(top)?;
    while inner != call {
        if chain.contains(&inner) {
            inner = operand(inner)?;
            continue;
        }
        let Some(child) = inner.named_child(0).filter(|c| only_wraps(text, inner, *c)) else { break };
        inner = child;
    }
    let prefix = &text[top.start_byte()..call.start_byte()];
    // A callee that spans lines (`F  # c` then `(x)` below) may need the parentheses to stay one expression.
    let head = call.child_by_field_name("arguments").map_or(call.start_byte(), |a| a.start_byte());
    let multiline_head = text[call.start_byte()..head].contains('\n');
    if inner != call || prefix.contains('#') || multiline_head {
        return Some(Fix::safe(keywords.iter().map(|&k| drop_keyword(text, k)).collect()));
    }
    let mut outer = top;
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

/// Deletes the `await`s of the site's chain but the outermost one, which then awaits the async twin:
/// `await (await F(x))` becomes `await (F_async(x))` once renamed.
pub(crate) fn drop_inner_awaits(text: &str, site: Node) -> Vec<Edit> {
    let chain = await_chain(site);
    let inner = &chain[..chain.len() - 1];
    inner
        .iter()
        .filter_map(|a| a.child(0).filter(|k| k.kind() == "await"))
        .map(|k| drop_keyword(text, k))
        .collect()
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
/// (list, set and dict comprehensions inside it run inline and count as part of it) and every other `await`
/// there is dropped too (`dropped`: the ids of every `await` the file's fixes delete).
pub(crate) fn desyncs_generator(root: Node, site: Node, dropped: &HashSet<usize>) -> bool {
    for parent in super::callee::ancestors(root, site) {
        match parent.kind() {
            "generator_expression" if !in_first_iterable(parent, site) => {
                return !awaits_besides(parent, dropped);
            }
            "function_definition" | "lambda" | "class_definition" => return false,
            _ => {}
        }
    }
    false
}

/// Whether adding an `await` at `site` would turn a plain generator expression into an asynchronous one,
/// which the plain `for` or call that consumes it cannot iterate: the site belongs to a generator
/// expression's own scope, which awaits nowhere yet.
pub(crate) fn asyncs_generator(root: Node, site: Node) -> bool {
    for parent in super::callee::ancestors(root, site) {
        match parent.kind() {
            "generator_expression" if !in_first_iterable(parent, site) => {
                return !awaits_besides(parent, &HashSet::new());
            }
            "function_definition" | "lambda" | "class_definition" => return false,
            _ => {}
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

/// Whether `generator` awaits anywhere but at the `dropped` awaits: another `await` or an `async for` in its
/// own scope (not in nested functions or generator expressions, which await when they run, and not in its
/// first iterable).
fn awaits_besides(generator: Node, dropped: &HashSet<usize>) -> bool {
    let first_iterable = first_iterable(generator);
    let mut stack = vec![generator];
    while let Some(n) = stack.pop() {
        if Some(n) == first_iterable {
            continue;
        }
        if n != generator && matches!(n.kind(), "generator_expression" | "lambda" | "function_definition") {
            continue;
        }
        if (n.kind() == "await" && n.is_named() && !dropped.contains(&n.id()))
            || (n.kind() == "for_in_clause" && n.child(0).is_some_and(|c| c.kind() == "async"))
        {
            return true;
        }
        let mut cursor = n.walk();
        stack.extend(n.children(&mut cursor));
    }
    false
}

/// Adds `await` before a call; `(await F(x)).send(m)` when the call's result is used as an object, so that the
/// `await` applies to the call and not to what follows it.
pub(crate) fn add_await(call: Node) -> Fix {
    let used_as_object = call.parent().is_some_and(|p| match p.kind() {
        "attribute" => p.child_by_field_name("object") == Some(call),
        "subscript" => p.child_by_field_name("value") == Some(call),
        "call" => p.child_by_field_name("function") == Some(call),
        _ => false,
    });
    if used_as_object {
        Fix::safe(vec![Edit::insertion(call.start_byte(), "(await "), Edit::insertion(call.end_byte(), ")")])
    } else {
        Fix::safe(vec![Edit::insertion(call.start_byte(), "await ")])
    }
}
