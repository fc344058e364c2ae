//! Renaming a call to the other function of its pair, with the imports that makes necessary.
//! The import that bound the old name gains the new one in the same statement, whatever its layout, or the
//! old name is replaced when nothing else uses it; an import from another module (`async_module`) is added
//! right after it. A name that is already taken gets an alias. Every site that shares an import statement
//! plans the same import edit, and `fix::apply` applies identical edits once.

use std::collections::HashSet;

use tree_sitter::{Node, Tree};

use super::Site;
use super::callee::{Callee, Twin};
use crate::edit::Edit;
use crate::resolve::{BindingKind, Resolution, Scopes};

/// What the renames of one file need to know about all of them.
pub(crate) struct Renames<'a> {
    text: &'a str,
    tree: &'a Tree,
    scopes: &'a Scopes<'a>,
    /// Ids of the callee name nodes that the file's fixes rename away.
    renamed: HashSet<usize>,
    /// Every identifier of the file: node id, text, and whether it stands in an import statement.
    identifiers: Vec<(usize, &'a str, bool)>,
}

impl<'a> Renames<'a> {
    pub(crate) fn new(
        text: &'a str,
        tree: &'a Tree,
        scopes: &'a Scopes<'a>,
        renamed: HashSet<usize>,
    ) -> Self {
        let mut identifiers = Vec::new();
        let mut stack = vec![tree.root_node()];
        while let Some(node) = stack.pop() {
            if node.kind() == "identifier" {
                if !is_attribute_or_keyword(node) {
                    let in_import = has_ancestor(node, &["import_from_statement", "import_statement"]);
                    identifiers.push((node.id(), &text[node.byte_range()], in_import));
                }
                continue;
            }
            let mut cursor = node.walk();
            stack.extend(node.named_children(&mut cursor));
        }
        Self { text, tree, scopes, renamed, identifiers }
    }

    /// The edits that make `site` call `to`'s function of its pair, or `None` when no correct import can be
    /// planned (the caller falls back or leaves the site for review).
    pub(crate) fn edits(&self, site: &Site, to: Twin) -> Option<Vec<Edit>> {
        let new = to.name(site.pair);
        match (&site.found.callee, site.bindings.as_slice()) {
            // `m.F_async` and `m.F` both exist only if the two functions live in one module.
            (Callee::Attribute { .. }, [_]) if site.pair.async_module.is_some() => None,
            (Callee::Attribute { .. }, [_]) => Some(vec![self.rename(site, new)]),
            (Callee::Name(local), [binding]) => match &binding.kind {
                BindingKind::ImportFrom { module, .. } => {
                    self.import_edits(site, local, binding.offset, module, to)
                }
                BindingKind::FunctionDef { .. } => {
                    self.already_bound(site, new, None).map(|name| vec![self.rename(site, &name)])
                }
                _ => None,
            },
            // Star-imported (or injected) names: the twin comes from the same place, nothing to import.
            (Callee::Name(_), []) if self.scopes.has_star_imports() => Some(vec![self.rename(site, new)]),
            _ => None,
        }
    }

    fn rename(&self, site: &Site, name: &str) -> Edit {
        Edit::replacement(site.found.name_node.byte_range(), name)
    }

    /// The local name under which `name` is already imported from `module` (any module when `None`) and
    /// visible at the site.
    fn already_bound(&self, site: &Site, name: &str, module: Option<&str>) -> Option<String> {
        let Resolution::Bound { bindings, .. } =
            self.scopes.resolve(name, site.scope, site.found.node.start_byte())
        else {
            return None;
        };
        let [binding] = bindings.as_slice() else { return None };
        match (&binding.kind, module) {
            (BindingKind::ImportFrom { module: m, name: n }, Some(module)) if m == module && n == name => {
                Some(name.to_string())
            }
            (BindingKind::FunctionDef { is_async }, None) if *is_async == (site.pair.async_name == name) => {
                Some(name.to_string())
            }
            _ => None,
        }
    }

    fn import_edits(
        &self,
        site: &Site,
        local: &str,
        offset: usize,
        module: &str,
        to: Twin,
    ) -> Option<Vec<Edit>> {
        let new = to.name(site.pair);
        let target = match to {
            Twin::Async => site.pair.async_module.clone().unwrap_or_else(|| module.to_string()),
            Twin::Sync if site.pair.async_module.as_deref() == Some(module) => {
                site.pair.modules.first()?.clone()
            }
            Twin::Sync => module.to_string(),
        };
        if let Some(name) = self.already_bound(site, new, Some(&target)) {
            return Some(vec![self.rename(site, &name)]);
        }
        let statement = self.statement_at(offset)?;
        let item =
            names_of(statement).into_iter().find(|n| n.start_byte() <= offset && offset < n.end_byte())?;
        let bound = self.free_name(new);
        let imported = if bound == new { new.to_string() } else { format!("{new} as {bound}") };
        let keep_old = self.used_elsewhere(local);
        let same_module = target == module;
        let mut edits = vec![self.rename(site, &bound)];
        match (same_module, keep_old) {
            (true, false) => edits.push(Edit::replacement(item.byte_range(), &imported)),
            (true, true) => {
                let last = *names_of(statement).last()?;
                edits.push(Edit::insertion(last.end_byte(), &format!(", {imported}")));
            }
            (false, keep_old) => {
                let line = format!("from {target} import {imported}");
                let names = names_of(statement);
                if !keep_old && names.len() == 1 {
                    edits.push(Edit::replacement(statement.byte_range(), &line));
                } else {
                    if !keep_old {
                        edits.push(remove_name(&names, item));
                    }
                    let (indent, newline) = self.layout(statement);
                    edits.push(Edit::insertion(statement.end_byte(), &format!("{newline}{indent}{line}")));
                }
            }
        }
        Some(edits)
    }

    fn statement_at(&self, offset: usize) -> Option<Node<'_>> {
        let mut node = self.tree.root_node().descendant_for_byte_range(offset, offset + 1)?;
        while node.kind() != "import_from_statement" {
            node = node.parent()?;
        }
        Some(node)
    }

    /// `name`, or `name_`, `name__`… : the first spelling that nothing in the file binds or uses yet.
    fn free_name(&self, name: &str) -> String {
        let taken =
            |n: &str| self.scopes.bound_anywhere(n) || self.identifiers.iter().any(|(_, t, _)| *t == n);
        let mut candidate = name.to_string();
        if taken(&candidate) {
            candidate.push('_');
            while taken(&candidate) {
                candidate.push('_');
            }
        }
        candidate
    }

    /// Whether `name` is read anywhere besides import statements and the callees the fixes rename away.
    fn used_elsewhere(&self, name: &str) -> bool {
        self.identifiers
            .iter()
            .any(|(id, text, in_import)| *text == name && !in_import && !self.renamed.contains(id))
    }

    /// The indentation of a statement's line and the file's line ending there.
    fn layout(&self, statement: Node) -> (String, &'static str) {
        let line_start = self.text[..statement.start_byte()].rfind('\n').map_or(0, |i| i + 1);
        let indent: String =
            self.text[line_start..statement.start_byte()].chars().take_while(|c| c.is_whitespace()).collect();
        let rest = &self.text[statement.end_byte()..];
        let newline = if rest.starts_with("\r\n") { "\r\n" } else { "\n" };
        (indent, newline)
    }
}

/// The imported names of a `from … import …` statement, in order (`dotted_name` or `aliased_import`).
fn names_of(statement: Node) -> Vec<Node> {
    let mut cursor = statement.walk();
    statement.children_by_field_name("name", &mut cursor).collect()
}

/// Deletes one imported name and the comma that separates it from its neighbour.
fn remove_name(names: &[Node], item: Node) -> Edit {
    let index = names.iter().position(|n| *n == item).expect("the item is one of the names");
    match (names.get(index + 1), index.checked_sub(1).map(|i| names[i])) {
        (Some(next), _) => Edit::deletion(item.start_byte()..next.start_byte()),
        (None, Some(previous)) => Edit::deletion(previous.end_byte()..item.end_byte()),
        (None, None) => Edit::deletion(item.byte_range()),
    }
}

/// Whether an identifier is an attribute's name (`x.NAME`) or a keyword argument's (`f(NAME=…)`): neither
/// reads nor shadows a variable.
fn is_attribute_or_keyword(node: Node) -> bool {
    node.parent().is_some_and(|p| match p.kind() {
        "attribute" => p.child_by_field_name("attribute") == Some(node),
        "keyword_argument" => p.child_by_field_name("name") == Some(node),
        _ => false,
    })
}

fn has_ancestor(node: Node, kinds: &[&str]) -> bool {
    let mut node = node;
    while let Some(parent) = node.parent() {
        if kinds.contains(&parent.kind()) {
            return true;
        }
        node = parent;
    }
    false
}
