//! Renaming a call to the other function of its pair, with the imports that makes necessary.
//! All renames of a file are planned together, one import statement at a time (`statement`): the statement
//! that bound the old name gains the new one in isort order, loses the old one when the renames leave it
//! unused, and goes away when it has nothing left to import; an import from another module
//! (`async_module`) is added right after it. A name that is already taken gets an alias, one already
//! imported is reused. Every site that shares a statement plans the same edits, applied once.

mod order;
mod statement;
mod uses;

use std::collections::{BTreeMap, HashMap, HashSet};

use tree_sitter::{Node, Tree};

use super::callee::{Callee, Twin, attribute_module};
use super::fallback::Fallback;
use super::in_tree::{self, Found};
use super::{FileContext, Site};
use crate::edit::Edit;
use crate::resolve::{BindingKind, Resolution, Scopes};
use statement::names_of;

/// What the renames of one file need to know about all of them.
pub(crate) struct Renames<'a> {
    file: &'a FileContext<'a>,
    text: &'a str,
    tree: &'a Tree,
    scopes: &'a Scopes<'a>,
    /// Ids of the callee name nodes that the file's fixes rename away.
    renamed: HashSet<usize>,
    /// Every identifier of the file: node id, text, and whether it stands in an import statement.
    identifiers: Vec<(Node<'a>, &'a str, bool)>,
    /// The names listed in `__all__`: exported, so in use whatever the module itself does.
    exported: HashSet<&'a str>,
    /// For each site renamed through an import (by its callee name's node id): the name its call gets and the
    /// start of the import statement.
    planned: HashMap<usize, (String, usize)>,
    /// The edits of each import statement the renames change, by its start.
    statements: HashMap<usize, Vec<Edit>>,
    /// Why each site renamed through an import that cannot be planned cannot be, by its callee name's node
    /// id.
    failed: HashMap<usize, Fallback>,
}

/// What one site's rename does to the import that bound its name.
struct SiteChange<'a> {
    statement: Node<'a>,
    item: Node<'a>,
    local: String,
    /// The name the call gets.
    bound: String,
    import: Import,
}

enum Import {
    /// The name is imported already.
    Bound,
    /// An item to add to the statement (`name` or `name as alias`).
    Here(String),
    /// An item to import from another module, in a statement added after it.
    After { module: String, item: String },
}

impl<'a> Renames<'a> {
    /// Plans the import edits of every rename in `sites` (the open sites whose fix renames a name bound by
    /// one `from … import`, with the function each one calls instead).
    pub(crate) fn new(file: &'a FileContext<'a>, scopes: &'a Scopes<'a>, sites: &[(&Site, Twin)]) -> Self {
        let (text, tree) = (file.text, file.tree);
        let (identifiers, exported) = identifiers(text, tree);
        let mut renames = Self {
            file,
            text,
            tree,
            scopes,
            renamed: HashSet::new(),
            identifiers,
            exported,
            planned: HashMap::new(),
            statements: HashMap::new(),
            failed: HashMap::new(),
        };
        let mut changes: Vec<(usize, SiteChange)> = Vec::new();
        for (site, to) in sites {
            match renames.change(site, *to) {
                Ok(change) => changes.push((site.found.name_node.id(), change)),
                Err(why) => {
                    renames.failed.insert(site.found.name_node.id(), why);
                }
            }
        }
        renames.renamed = changes.iter().map(|(id, _)| *id).collect();
        // The names renamed calls read through an import they find in place: a rename to the other function
        // reads the name another rename leaves (each name of the pair used once and renamed to the other),
        // so that import stays.
        let read_again: HashSet<&str> = changes
            .iter()
            .filter(|(_, c)| matches!(c.import, Import::Bound))
            .map(|(_, c)| c.bound.as_str())
            .collect();
        let mut by_statement: BTreeMap<usize, statement::Change> = BTreeMap::new();
        for (id, change) in &changes {
            let start = change.statement.start_byte();
            renames.planned.insert(*id, (change.bound.clone(), start));
            let entry = by_statement.entry(start).or_insert_with(|| statement::Change {
                statement: change.statement,
                removed: Vec::new(),
                added: Vec::new(),
                lines: Vec::new(),
            });
            if !renames.used_elsewhere(&change.local, change.statement)
                && !renames.imported_elsewhere(&change.local)
                && !read_again.contains(change.local.as_str())
                && !entry.removed.contains(&change.item)
            {
                entry.removed.push(change.item);
            }
            match &change.import {
                Import::Bound => {}
                Import::Here(item) if !entry.added.contains(item) => entry.added.push(item.clone()),
                Import::After { module, item } => {
                    let line = (module.clone(), item.clone());
                    if !entry.lines.contains(&line) {
                        entry.lines.push(line);
                    }
                }
                Import::Here(_) => {}
            }
        }
        renames.statements =
            by_statement.iter().map(|(start, change)| (*start, statement::edits(text, change))).collect();
        renames
    }

    /// The edits that make `site` call `to`'s function of its pair, or why no correct import can be planned
    /// (the caller falls back or leaves the site for review).
    pub(crate) fn edits(&self, site: &Site, to: Twin) -> Result<Vec<Edit>, Fallback> {
        let new = to.name(site.pair);
        let (sync, async_name) = (site.found.callee.root().to_string(), new.to_string());
        match (&site.found.callee, site.bindings.as_slice()) {
            // `m.F_async` and `m.F` both exist only if the two functions live in one module.
            (Callee::Attribute { .. }, [_]) if site.pair.async_module.is_some() => {
                let async_module = site.pair.async_module.clone().unwrap_or_default();
                Err(Fallback::ElsewhereThanAttribute { async_name, async_module })
            }
            (Callee::Attribute { root, path, .. }, [binding]) => {
                let Some(module) = attribute_module(root, path, &binding.kind) else {
                    let callee = std::iter::once(*root).chain(path.iter().copied()).collect::<Vec<_>>();
                    return Err(Fallback::UnknownModule { callee: callee.join("."), async_name });
                };
                let found = in_tree::imported(self.file, &module, new);
                match self.callable(found, to) {
                    true => Ok(vec![self.rename(site, new)]),
                    false => Err(Fallback::NotExported { module, async_name, found }),
                }
            }
            (Callee::Name(_), [binding]) => match &binding.kind {
                BindingKind::ImportFrom { .. } => {
                    let id = site.found.name_node.id();
                    let Some((bound, start)) = self.planned.get(&id) else {
                        return Err(self
                            .failed
                            .get(&id)
                            .cloned()
                            .unwrap_or(Fallback::Binding { sync, async_name }));
                    };
                    let mut edits = vec![self.rename(site, bound)];
                    edits.extend(self.statements.get(start).into_iter().flatten().cloned());
                    Ok(edits)
                }
                BindingKind::FunctionDef { .. } => match self.already_bound(site, new, None) {
                    Some(name) => Ok(vec![self.rename(site, &name)]),
                    None => Err(Fallback::LocalDef { sync, async_name }),
                },
                _ => Err(Fallback::Binding { sync, async_name }),
            },
            // Star-imported (or injected) names: the twin comes from the same place, nothing to import.
            (Callee::Name(_), []) if self.scopes.has_star_imports() => {
                let found = in_tree::starred(self.file, self.scopes.stars(), new);
                match self.callable(found, to) {
                    true => Ok(vec![self.rename(site, new)]),
                    false => Err(Fallback::NotStarred { async_name }),
                }
            }
            (Callee::Name(_), []) => Err(Fallback::Unbound { sync, async_name }),
            _ => Err(Fallback::Binding { sync, async_name }),
        }
    }

    fn rename(&self, site: &Site, name: &str) -> Edit {
        Edit::replacement(site.found.name_node.byte_range(), name)
    }

    /// The local name under which `name` is already imported from `module` (or from anywhere when the pair
    /// names no module), or defined in the file when `module` is `None`, and visible at the site.
    fn already_bound(&self, site: &Site, name: &str, module: Option<&str>) -> Option<String> {
        let Resolution::Bound { bindings, .. } =
            self.scopes.resolve(name, site.scope, site.found.node.start_byte())
        else {
            return None;
        };
        let [binding] = bindings.as_slice() else { return None };
        // A transform that names no module takes the pair's functions from anywhere: an import of the name
        // from another module is the twin too, and importing it again would only duplicate it.
        let any_module = site.pair.modules.is_empty() && site.pair.async_module.is_none();
        match (&binding.kind, module) {
            (BindingKind::ImportFrom { module: m, name: n }, Some(module))
                if (m == module || any_module) && n == name =>
            {
                Some(name.to_string())
            }
            (BindingKind::FunctionDef { is_async }, None) if *is_async == (site.pair.async_name == name) => {
                Some(name.to_string())
            }
            _ => None,
        }
    }

    /// What renaming `site` to `to`'s function does to the import that bound its name, or why no correct
    /// import can be planned.
    fn change(&self, site: &Site, to: Twin) -> Result<SiteChange<'a>, Fallback> {
        let new = to.name(site.pair);
        let unplanned =
            || Fallback::Binding { sync: site.found.callee.root().to_string(), async_name: new.to_string() };
        let (Callee::Name(local), [binding]) = (&site.found.callee, site.bindings.as_slice()) else {
            return Err(unplanned());
        };
        let BindingKind::ImportFrom { module, .. } = &binding.kind else { return Err(unplanned()) };
        let target = match to {
            Twin::Async => site.pair.async_module.clone().unwrap_or_else(|| module.clone()),
            Twin::Sync if site.pair.async_module.as_deref() == Some(module) => {
                site.pair.modules.first().ok_or_else(unplanned)?.clone()
            }
            Twin::Sync => module.clone(),
        };
        let statement = self.statement_at(binding.offset).ok_or_else(unplanned)?;
        let item = names_of(statement)
            .into_iter()
            .find(|n| n.start_byte() <= binding.offset && binding.offset < n.end_byte())
            .ok_or_else(unplanned)?;
        let local = local.to_string();
        if let Some(bound) = self.already_bound(site, new, Some(&target)) {
            return Ok(SiteChange { statement, item, local, bound, import: Import::Bound });
        }
        let found = in_tree::imported(self.file, &target, new);
        if !self.callable(found, to) {
            return Err(Fallback::NotExported { module: target, async_name: new.to_string(), found });
        }
        let bound = self.free_name(new);
        let imported = if bound == new { new.to_string() } else { format!("{new} as {bound}") };
        let import = match target == *module {
            true => Import::Here(imported),
            false => Import::After { module: target, item: imported },
        };
        Ok(SiteChange { statement, item, local, bound, import })
    }

    /// Whether a call can be renamed to `to`'s function of its pair found so by the index (it must be
    /// bound, and not the other kind of function).
    fn callable(&self, found: Found, to: Twin) -> bool {
        found.can_call(to == Twin::Async)
    }

    /// Whether another file under the roots imports `name` from this file's module (or may). Only asked
    /// for a name whose import the renames would remove.
    fn imported_elsewhere(&self, name: &str) -> bool {
        let (Some(index), Some((module, _))) = (self.file.index, self.file.module()) else { return false };
        index.imported_from(&module, name)
    }

    fn statement_at(&self, offset: usize) -> Option<Node<'a>> {
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

    /// Whether `name`, as `statement` binds it, is read anywhere besides import statements and the callees
    /// the fixes rename away, or exported by `__all__`.
    fn used_elsewhere(&self, name: &str, statement: Node) -> bool {
        self.exported.contains(name)
            || self.identifiers.iter().any(|(node, text, in_import)| {
                *text == name
                    && !in_import
                    && !self.renamed.contains(&node.id())
                    && uses::may_read(self.text, *node, name, statement)
            })
    }
}

/// Every identifier of the file that reads or binds a variable (node id, text, whether it stands in an
/// import statement), and the strings listed in `__all__` (assigned, added to, extended or appended to).
fn identifiers<'a>(text: &'a str, tree: &'a Tree) -> (Vec<(Node<'a>, &'a str, bool)>, HashSet<&'a str>) {
    let mut identifiers = Vec::new();
    let mut exported = HashSet::new();
    let mut stack = vec![tree.root_node()];
    while let Some(node) = stack.pop() {
        match node.kind() {
            "identifier" => {
                if !is_attribute_or_keyword(node) {
                    let in_import = has_ancestor(node, &["import_from_statement", "import_statement"]);
                    identifiers.push((node, &text[node.byte_range()], in_import));
                }
                continue;
            }
            "assignment" | "augmented_assignment"
                if node.child_by_field_name("left").is_some_and(|l| &text[l.byte_range()] == "__all__") =>
            {
                exported.extend(strings_in(text, node));
            }
            "call"
                if node.child_by_field_name("function").is_some_and(|f| {
                    matches!(&text[f.byte_range()], "__all__.extend" | "__all__.append")
                }) =>
            {
                exported.extend(
                    node.child_by_field_name("arguments").map(|a| strings_in(text, a)).unwrap_or_default(),
                );
            }
            _ => {}
        }
        let mut cursor = node.walk();
        stack.extend(node.named_children(&mut cursor));
    }
    (identifiers, exported)
}

/// The text of every string literal under `node`.
fn strings_in<'a>(text: &'a str, node: Node) -> Vec<&'a str> {
    let mut out = Vec::new();
    let mut stack = vec![node];
    while let Some(node) = stack.pop() {
        if node.kind() == "string_content" {
            out.push(&text[node.byte_range()]);
        }
        let mut cursor = node.walk();
        stack.extend(node.named_children(&mut cursor));
    }
    out
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

#[cfg(test)]
mod tests {
    use super::*;

    /// A star import takes `__all__` as it stands once the module ran: names added by `extend` and
    /// `append` are exported too, so their imports must stay.
    #[test]
    fn names_added_to_all_are_exported() {
        let text = "__all__ = ['a']\n__all__ += ['b']\n__all__.extend(['c', \"d\"])\n__all__.append('e')\nf(['x'])\n";
        let tree = crate::parse::parse(text).unwrap();
        let mut exported: Vec<&str> = identifiers(text, &tree).1.into_iter().collect();
        exported.sort_unstable();
        assert_eq!(exported, ["a", "b", "c", "d", "e"]);
    }
}
