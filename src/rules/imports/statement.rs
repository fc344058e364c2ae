//! Editing one `from … import …` statement: names it loses, names it gains, statements added after it.
//! The result keeps what isort and ruff (`I001`) expect of it: a sorted list stays sorted, `as` imports stay
//! in statements of their own, a one-line statement that outgrows the line is wrapped in parentheses, one
//! name per line; a parenthesised list keeps one name per line, its comments and its trailing comma.
//! Consumes the statement's tree node and text; produces byte edits.

use std::ops::Range;

use tree_sitter::Node;

use super::order::{compare, is_sorted};
use crate::edit::Edit;

/// The line length isort and ruff wrap an import at by default.
const LINE_LENGTH: usize = 88;

/// What the renames of a file do to one import statement.
pub(super) struct Change<'t> {
    pub(super) statement: Node<'t>,
    /// Items (`name` or `name as alias` nodes) that nothing uses once the renames are done.
    pub(super) removed: Vec<Node<'t>>,
    /// Items to import from the statement's module, as written (`name` or `name as alias`).
    pub(super) added: Vec<String>,
    /// Items to import from other modules (module, item), in statements added after it.
    pub(super) lines: Vec<(String, String)>,
}

/// The imported names of a `from … import …` statement, in order (`dotted_name` or `aliased_import`).
pub(super) fn names_of(statement: Node) -> Vec<Node> {
    let mut cursor = statement.walk();
    statement.children_by_field_name("name", &mut cursor).collect()
}

/// The edits that carry out `change`. Every site that shares the statement plans these same edits.
pub(super) fn edits(text: &str, change: &Change) -> Vec<Edit> {
    let statement = change.statement;
    let names = names_of(statement);
    let kept: Vec<Node> = names.iter().filter(|n| !change.removed.contains(n)).copied().collect();
    let mut added = change.added.clone();
    let mut lines = change.lines.clone();
    // isort keeps each `as` import in a statement of its own: such an item never shares one.
    let final_items: Vec<&str> =
        kept.iter().map(|k| &text[k.byte_range()]).chain(added.iter().map(String::as_str)).collect();
    if final_items.len() > 1 && final_items.iter().any(|i| is_alias(i)) {
        let module = statement.child_by_field_name("module_name").map_or("", |m| &text[m.byte_range()]);
        let moved = added.split_off(usize::from(kept.is_empty()));
        lines.splice(0..0, moved.into_iter().map(|item| (module.to_string(), item)));
    }
    let (indent, newline) = layout(text, statement);
    let mut edits = Vec::new();
    let statements = new_statements(&lines, &indent, newline);
    if kept.is_empty() && added.is_empty() {
        if statements.is_empty() {
            return removal(text, statement).into_iter().collect();
        }
        let joined = statements.join(&format!("{newline}{indent}"));
        return vec![Edit::replacement(statement.byte_range(), &joined)];
    }
    let slots = Slots::new(text, &names, &kept, &change.removed, added);
    if !text[statement.byte_range()].contains('\n') {
        edits.push(one_line(text, statement, &names, &slots, &indent, newline));
    } else {
        edits.extend(list_edits(text, statement, &names, &slots, newline));
    }
    for line in &statements {
        edits.push(Edit::insertion(statement.end_byte(), &format!("{newline}{indent}{line}")));
    }
    // Several statements added at one point are one edit, in order.
    merge_insertions(edits)
}

fn is_alias(item: &str) -> bool {
    item.split_whitespace().nth(1) == Some("as")
}

/// The statements that import `lines` (module, item): plain names of one module share one, each `as` import
/// has its own, and one that would not fit on its line is wrapped.
fn new_statements(lines: &[(String, String)], indent: &str, newline: &str) -> Vec<String> {
    let mut groups: Vec<(&str, Vec<&str>)> = Vec::new();
    for (module, item) in lines {
        match groups
            .iter_mut()
            .find(|(m, items)| m == module && !is_alias(item) && !items.iter().any(|i| is_alias(i)))
        {
            Some((_, items)) => items.push(item),
            None => groups.push((module, vec![item])),
        }
    }
    groups
        .into_iter()
        .map(|(module, mut items)| {
            items.sort_by(|a, b| compare(a, b));
            let line = format!("from {module} import {}", items.join(", "));
            if indent.len() + line.chars().count() <= LINE_LENGTH {
                return line;
            }
            let body: String = items.iter().map(|i| format!("{newline}{indent}    {i},")).collect();
            format!("from {module} import ({body}{newline}{indent})")
        })
        .collect()
}

/// Where each added item goes: before the kept item of the same index, or after the last one. An item that
/// the statement loses and that sits at such a place is replaced by the additions there (its comment stays).
struct Slots<'t> {
    kept: Vec<Node<'t>>,
    additions: Vec<Vec<String>>,
    /// For each slot, the removed item the additions replace.
    partner: Vec<Option<Node<'t>>>,
}

impl<'t> Slots<'t> {
    fn new(
        text: &str,
        names: &[Node<'t>],
        kept: &[Node<'t>],
        removed: &[Node<'t>],
        added: Vec<String>,
    ) -> Self {
        let item = |n: &Node| &text[n.byte_range()];
        let sorted = is_sorted(&names.iter().map(item).collect::<Vec<_>>());
        let slot_of = |r: &Node| kept.iter().filter(|k| k.start_byte() < r.start_byte()).count();
        let mut removed: Vec<Node> = removed.to_vec();
        removed.sort_by_key(Node::start_byte);
        let mut additions = vec![Vec::new(); kept.len() + 1];
        for a in added {
            let slot = if sorted {
                kept.iter().position(|k| compare(item(k), &a).is_gt()).unwrap_or(kept.len())
            } else {
                removed.first().map_or(kept.len(), slot_of)
            };
            additions[slot].push(a);
        }
        if sorted {
            additions.iter_mut().for_each(|slot| slot.sort_by(|a, b| compare(a, b)));
        }
        let partner = (0..=kept.len())
            .map(|s| match additions[s].is_empty() {
                true => None,
                false => removed.iter().rev().find(|r| slot_of(r) == s).copied(),
            })
            .collect();
        Self { kept: kept.to_vec(), additions, partner }
    }

    /// The final items in order, as text.
    fn items<'a>(&'a self, text: &'a str) -> Vec<&'a str> {
        let mut out = Vec::new();
        for (s, additions) in self.additions.iter().enumerate() {
            out.extend(additions.iter().map(String::as_str));
            if let Some(k) = self.kept.get(s) {
                out.push(&text[k.byte_range()]);
            }
        }
        out
    }

    fn survives(&self, node: &Node) -> bool {
        self.kept.contains(node) || self.partner.contains(&Some(*node))
    }
}

/// A statement on one line is written again whole, wrapped in parentheses when it outgrows the line.
fn one_line(text: &str, statement: Node, names: &[Node], slots: &Slots, indent: &str, newline: &str) -> Edit {
    let (first, last) = (names[0], names[names.len() - 1]);
    let items = slots.items(text);
    let joined = items.join(", ");
    let line = line_range(text, statement.start_byte());
    let width = |s: &str| s.chars().count();
    let old_width = width(&text[line.clone()]);
    let new_width = old_width - width(&text[first.start_byte()..last.end_byte()]) + width(&joined);
    if new_width <= LINE_LENGTH || old_width > LINE_LENGTH {
        return Edit::replacement(first.start_byte()..last.end_byte(), &joined);
    }
    let head = text[statement.start_byte()..first.start_byte()].trim_end().trim_end_matches('(').trim_end();
    let body: String = items.iter().map(|i| format!("{newline}{indent}    {i},")).collect();
    Edit::replacement(statement.byte_range(), &format!("{head} ({body}{newline}{indent})"))
}

/// Small edits to a statement over several lines (parenthesised, or continued with backslashes).
fn list_edits(text: &str, statement: Node, names: &[Node], slots: &Slots, newline: &str) -> Vec<Edit> {
    let parenthesised = statement.children(&mut statement.walk()).any(|c| c.kind() == "(");
    let own_line = |n: &Node| parenthesised && alone_on_line(text, n.byte_range());
    let mut edits = Vec::new();
    let kept = &slots.kept;
    for (s, additions) in slots.additions.iter().enumerate().filter(|(_, a)| !a.is_empty()) {
        if let Some(partner) = slots.partner[s] {
            let separator = if own_line(&partner) {
                format!(",{newline}{}", indent_at(text, partner))
            } else {
                ", ".into()
            };
            edits.push(Edit::replacement(partner.byte_range(), &additions.join(&separator)));
        } else if let Some(next) = kept.get(s) {
            // Before an item that starts its line, on a line of its own with that line's indentation.
            let indent = indent_at(text, *next);
            let own =
                parenthesised && line_start(text, next.start_byte()) + indent.len() == next.start_byte();
            let inserted: String = additions
                .iter()
                .map(|a| if own { format!("{a},{newline}{indent}") } else { format!("{a}, ") })
                .collect();
            edits.push(Edit::insertion(next.start_byte(), &inserted));
        } else if let Some(last) = kept.last() {
            edits.push(after_last(text, *last, additions, own_line(last), newline));
        }
    }
    // Each run of removed items between survivors goes with its separating comma, or line by line.
    let mut run: Vec<Node> = Vec::new();
    let mut previous: Option<Node> = None;
    for name in names.iter().chain(std::iter::once(&statement)) {
        let is_end = name == &statement;
        if !is_end && !slots.survives(name) {
            run.push(*name);
            continue;
        }
        if let (Some(first), Some(end)) = (run.first(), run.last()) {
            if run.iter().all(own_line) {
                edits.extend(run.iter().map(|n| Edit::deletion(full_line(text, n.byte_range()))));
            } else if !is_end {
                edits.push(Edit::deletion(first.start_byte()..name.start_byte()));
            } else if let Some(previous) = previous {
                edits.push(Edit::deletion(previous.end_byte()..end.end_byte()));
            }
        }
        run.clear();
        previous = Some(*name);
    }
    edits
}

/// Inserts items after the last item of the list: on lines of their own when it stands on its own line.
fn after_last(text: &str, last: Node, additions: &[String], own_line: bool, newline: &str) -> Edit {
    if !own_line {
        let inserted: String = additions.iter().map(|a| format!(", {a}")).collect();
        return Edit::insertion(last.end_byte(), &inserted);
    }
    let indent = indent_at(text, last);
    let has_comma = text[last.end_byte()..].trim_start_matches([' ', '\t']).starts_with(',');
    if has_comma {
        let line_end = line_range(text, last.start_byte()).end;
        let inserted: String = additions.iter().map(|a| format!("{newline}{indent}{a},")).collect();
        return Edit::insertion(line_end, &inserted);
    }
    let inserted: String = additions.iter().map(|a| format!(",{newline}{indent}{a}")).collect();
    Edit::insertion(last.end_byte(), &inserted)
}

/// Joins insertions at one offset into one edit (in the order planned) and sorts the edits.
fn merge_insertions(mut edits: Vec<Edit>) -> Vec<Edit> {
    edits.sort_by_key(|e| (e.start(), e.end()));
    let mut out: Vec<Edit> = Vec::new();
    for edit in edits {
        match out.last_mut() {
            Some(prev)
                if prev.start() == edit.start()
                    && prev.end() == edit.start()
                    && edit.end() == edit.start() =>
            {
                *prev = Edit::insertion(prev.start(), &format!("{}{}", prev.content(), edit.content()));
            }
            _ => out.push(edit),
        }
    }
    out
}

fn line_start(text: &str, at: usize) -> usize {
    text[..at].rfind('\n').map_or(0, |i| i + 1)
}

/// The line around `at`, without its line ending.
fn line_range(text: &str, at: usize) -> Range<usize> {
    let start = line_start(text, at);
    let end = text[at..].find('\n').map_or(text.len(), |i| at + i);
    let end = if text[..end].ends_with('\r') { end - 1 } else { end };
    start..end
}

/// The whitespace before a node on its line, up to the first other character.
fn indent_at<'a>(text: &'a str, node: Node) -> &'a str {
    let start = line_start(text, node.start_byte());
    let prefix = &text[start..node.start_byte()];
    &prefix[..prefix.len() - prefix.trim_start_matches([' ', '\t']).len()]
}

/// Whether `range` is the only thing on its line but for a comma and a comment after it.
fn alone_on_line(text: &str, range: Range<usize>) -> bool {
    let line = line_range(text, range.start);
    let before = &text[line.start..range.start];
    let after = text[range.end..line.end.max(range.end)].trim_start();
    let after = after.strip_prefix(',').unwrap_or(after).trim_start();
    before.trim().is_empty() && (after.is_empty() || after.starts_with('#'))
}

/// The range's lines, line ending included.
fn full_line(text: &str, range: Range<usize>) -> Range<usize> {
    let start = line_start(text, range.start);
    let end = text[range.end..].find('\n').map_or(text.len(), |i| range.end + i + 1);
    start..end
}

/// Removes a statement that imports nothing any more: its lines, or `pass` in its place when it is the only
/// statement of its block; `None` when it shares a line with other code (it is then kept).
fn removal(text: &str, statement: Node) -> Option<Edit> {
    let line = line_range(text, statement.start_byte());
    let end_line = line_range(text, statement.end_byte());
    let after = text[statement.end_byte()..end_line.end].trim_start();
    let alone = text[line.start..statement.start_byte()].trim().is_empty()
        && (after.is_empty() || after.starts_with('#'));
    let parent = statement.parent()?;
    let statements = parent.named_children(&mut parent.walk()).filter(|c| c.kind() != "comment").count();
    match (alone, parent.kind() == "module" || statements > 1) {
        (false, _) => None,
        (true, true) => Some(Edit::deletion(full_line(text, statement.byte_range()))),
        (true, false) => Some(Edit::replacement(statement.byte_range(), "pass")),
    }
}

/// The indentation of a statement's line and the file's line ending there.
fn layout(text: &str, statement: Node) -> (String, &'static str) {
    let start = line_start(text, statement.start_byte());
    let indent: String =
        text[start..statement.start_byte()].chars().take_while(|c| c.is_whitespace()).collect();
    let rest = &text[statement.end_byte()..];
    let newline = if rest.starts_with("\r\n") || (!rest.starts_with('\n') && text.contains("\r\n")) {
        "\r\n"
    } else {
        "\n"
    };
    (indent, newline)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Applies the edits that drop the items named in `removed` and add `added` to the first `from` import.
    fn edit(text: &str, removed: &[&str], added: &[&str]) -> String {
        let tree = crate::parse::parse(text).expect("parses");
        let root = tree.root_node();
        let statement = root
            .named_children(&mut root.walk())
            .find(|n| n.kind() == "import_from_statement")
            .expect("a `from` import");
        let change = Change {
            statement,
            removed: names_of(statement)
                .into_iter()
                .filter(|n| removed.contains(&&text[n.byte_range()]))
                .collect(),
            added: added.iter().map(|a| a.to_string()).collect(),
            lines: Vec::new(),
        };
        let mut out = text.to_string();
        for e in edits(text, &change).iter().rev() {
            out.replace_range(e.range(), e.content());
        }
        out
    }

    #[test]
    fn removing_the_last_line_of_a_list_without_trailing_comma_keeps_it_valid() {
        let text = "from m import (\n    a,\n    b\n)\nx = a\n";
        assert_eq!(edit(text, &["b"], &[]), "from m import (\n    a,\n)\nx = a\n");
    }

    #[test]
    fn removing_a_backslash_continued_name_takes_its_comma() {
        let text = "from m import a, \\\n    b\nx = a\n";
        assert_eq!(edit(text, &["b"], &[]), "from m import a\nx = a\n");
    }

    #[test]
    fn two_names_added_at_one_place_come_in_order() {
        let text = "from m import (\n    a,\n    z,  # last\n)\n";
        assert_eq!(
            edit(text, &[], &["f_async", "c_async"]),
            "from m import (\n    a,\n    c_async,\n    f_async,\n    z,  # last\n)\n"
        );
    }

    #[test]
    fn an_unsorted_list_gets_the_new_name_in_place_of_the_old() {
        let text = "from m import z, f, a\n";
        assert_eq!(edit(text, &["f"], &["f_async"]), "from m import z, f_async, a\n");
    }

    #[test]
    fn an_emptied_statement_goes_with_its_line() {
        let text = "import os\nfrom m import f  # the factory\nx = os\n";
        assert_eq!(edit(text, &["f"], &[]), "import os\nx = os\n");
    }
}
