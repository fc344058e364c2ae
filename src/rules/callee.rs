//! Callees: how a call names its function, and which pair's function that name reaches once resolved.
//! Shared by every rule; pure functions of the tree, the scopes and the transforms.

use tree_sitter::Node;

use super::FileContext;
use super::in_tree::{self, Found};
use crate::resolve::{Binding, BindingKind, Resolution, ScopeKind, Scopes};
use crate::transform::Pair;

/// How a call names its function.
#[derive(Clone, Debug)]
pub(crate) enum Callee<'t> {
    /// `F(...)`
    Name(&'t str),
    /// `root.a.b.F(...)`: `path` holds the parts between the root and F.
    Attribute { root: &'t str, path: Vec<&'t str>, attr: &'t str },
}

impl<'t> Callee<'t> {
    /// The name whose binding decides what is called.
    pub(crate) fn root(&self) -> &'t str {
        match self {
            Callee::Name(name) => name,
            Callee::Attribute { root, .. } => root,
        }
    }

    /// The last name: what a pair's function must be called.
    pub(crate) fn last(&self) -> &'t str {
        match self {
            Callee::Name(name) => name,
            Callee::Attribute { attr, .. } => attr,
        }
    }
}

/// Which function of a pair a rule looks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Twin {
    Sync,
    Async,
}

impl Twin {
    pub(crate) fn name(self, pair: &Pair) -> &str {
        match self {
            Twin::Sync => &pair.sync,
            Twin::Async => &pair.async_name,
        }
    }
}

/// What a callee reaches.
pub(crate) enum Reach<'f, 's> {
    /// The pair's function, through these bindings (none when unbound or star-imported).
    Pair {
        transform: usize,
        pair: &'f Pair,
        bindings: Vec<&'s Binding>,
    },
    /// Named like the pair's function, but bound in a way the resolver cannot follow (a module-level
    /// reassignment, a module from `importlib`, conditional bindings that disagree).
    Unknown {
        transform: usize,
        pair: &'f Pair,
    },
    None,
}

/// The ancestors of `node`, innermost first. They are found in one descent from the root: `Node::parent`
/// searches from the root on every call, which makes walking up from every site of a long module quadratic.
pub(crate) fn ancestors<'tree>(root: Node<'tree>, node: Node<'tree>) -> Vec<Node<'tree>> {
    let contains = |outer: Node, inner: Node| {
        outer.start_byte() <= inner.start_byte() && inner.end_byte() <= outer.end_byte()
    };
    let mut path = Vec::new();
    let mut cursor = root.walk();
    while cursor.node() != node {
        path.push(cursor.node());
        let mut found = cursor.goto_first_child_for_byte(node.start_byte()).is_some();
        while found && !contains(cursor.node(), node) {
            found = cursor.goto_next_sibling();
        }
        if !found {
            // Not reachable by ranges (an empty node at a boundary): ask the tree, slowly.
            return std::iter::successors(node.parent(), |n| n.parent()).collect();
        }
    }
    path.reverse();
    path
}

/// The expression an `await` node applies to, past line continuations.
pub(crate) fn operand(site: Node) -> Option<Node> {
    let mut cursor = site.walk();
    site.named_children(&mut cursor).find(|n| !n.is_extra())
}

/// The call whose result `await` awaits, through parentheses. tree-sitter reads `await f() ** 2` as
/// `await (f() ** 2)` where Python means `(await f()) ** 2`: the awaited call is then the left of `**`.
/// In `await (f() ** 2)` the parentheses are real and the power is what is awaited.
pub(crate) fn awaited_call(operand: Node) -> Option<Node> {
    let mut node = operand;
    while node.kind() == "binary_operator"
        && node.child_by_field_name("operator").is_some_and(|op| op.kind() == "**")
    {
        node = node.child_by_field_name("left")?;
    }
    let node = unparenthesize(node);
    (node.kind() == "call").then_some(node)
}

pub(crate) use crate::parse::unparenthesize;

/// The callee of `call` and the identifier node that names the function (the one a rename replaces).
pub(crate) fn callee<'t, 'tree>(text: &'t str, call: Node<'tree>) -> Option<(Callee<'t>, Node<'tree>)> {
    let function = unparenthesize(call.child_by_field_name("function")?);
    match function.kind() {
        "identifier" => Some((Callee::Name(&text[function.byte_range()]), function)),
        "attribute" => {
            let attr_node = function.child_by_field_name("attribute")?;
            let attr = &text[attr_node.byte_range()];
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
            Some((Callee::Attribute { root: &text[object.byte_range()], path, attr }, attr_node))
        }
        _ => None,
    }
}

/// What `callee`, read at `offset` in `scope`, reaches among the pairs' `twin` functions: when several bindings
/// may be in effect, all of them must lead to the same pair. A binding from a module of the tree counts only
/// when the index finds the `def` of the right kind there.
pub(crate) fn reach<'f, 's>(
    file: &'f FileContext,
    scopes: &'s Scopes,
    scope: usize,
    offset: usize,
    callee: &Callee,
    twin: Twin,
) -> Reach<'f, 's> {
    let named = file.pairs().find(|(_, p)| twin.name(p) == callee.last());
    match scopes.resolve(callee.root(), scope, offset) {
        Resolution::Bound { scope: kind, bindings } => {
            let found: Vec<Bound> =
                bindings.iter().map(|b| bound_pair(file, callee, &b.kind, twin)).collect();
            if let Some(&Bound::Pair(transform, pair)) = found.first()
                && found.iter().all(|o| matches!(o, Bound::Pair(_, other) if std::ptr::eq(*other, pair)))
            {
                return Reach::Pair { transform, pair, bindings };
            }
            // A name the index cannot follow is for review, whatever it is called locally.
            let unknown = found.iter().find_map(|b| match b {
                Bound::Unknown(transform, pair) => Some((*transform, *pair)),
                _ => None,
            });
            let Some((transform, pair)) = unknown.or(named) else { return Reach::None };
            let dynamic = bindings.iter().any(|b| {
                b.kind == BindingKind::DynamicModule
                    || (b.kind == BindingKind::Assigned
                        && kind == ScopeKind::Module
                        && callee.root() == callee.last())
            });
            let disagree = bindings.len() > 1 && found.iter().any(|b| matches!(b, Bound::Pair(..)));
            if dynamic || disagree || unknown.is_some() {
                Reach::Unknown { transform, pair }
            } else {
                Reach::None
            }
        }
        Resolution::Unbound { stars } => {
            let Callee::Name(local) = callee else { return Reach::None };
            let Some((transform, pair)) = file.pairs().find(|(_, p)| {
                twin.name(p) == *local
                    && (p.unbound || stars.iter().any(|m| !p.modules.is_empty() && exported(file, p, m)))
            }) else {
                return Reach::None;
            };
            match in_tree::starred(file, stars, local) {
                found if found.agrees(twin == Twin::Async) => {
                    Reach::Pair { transform, pair, bindings: Vec::new() }
                }
                Found::Unknown => Reach::Unknown { transform, pair },
                _ => Reach::None,
            }
        }
    }
}

/// What one binding of a callee's root name makes of it.
enum Bound<'f> {
    /// The pair's function (transform index, pair).
    Pair(usize, &'f Pair),
    /// Named like the pair's function and imported from a module of the tree that binds it in a way the
    /// index cannot follow.
    Unknown(usize, &'f Pair),
    None,
}

/// What a callee reaches through one binding of its root name: the pair it names, unless the index knows
/// the module it comes from and finds something else there.
fn bound_pair<'f>(file: &'f FileContext, callee: &Callee, binding: &BindingKind, twin: Twin) -> Bound<'f> {
    let mut pairs = file.pairs();
    let (module, name, pair) = match (callee, binding) {
        (Callee::Name(_), BindingKind::ImportFrom { module, name }) => {
            let pair = pairs.find(|(_, p)| twin.name(p) == name && exported(file, p, module));
            (module.clone(), name.as_str(), pair)
        }
        (Callee::Name(local), BindingKind::FunctionDef { is_async }) => {
            let pair = pairs.find(|(_, p)| twin.name(p) == *local && *is_async == (twin == Twin::Async));
            return pair.map_or(Bound::None, |(t, p)| Bound::Pair(t, p));
        }
        (Callee::Attribute { root, path, attr }, binding) => {
            let Some(module) = attribute_module(root, path, binding) else { return Bound::None };
            let pair = pairs.find(|(_, p)| twin.name(p) == *attr && exported(file, p, &module));
            (module, *attr, pair)
        }
        _ => return Bound::None,
    };
    let Some((transform, pair)) = pair else { return Bound::None };
    match in_tree::imported(file, &module, name) {
        found if found.agrees(twin == Twin::Async) => Bound::Pair(transform, pair),
        Found::Unknown => Bound::Unknown(transform, pair),
        _ => Bound::None,
    }
}

/// The module that `root.path…` names, when it is one the import made reachable: `import a.b` reaches `a` and
/// `a.b`; `import a.b as k` and `from a import b` reach only the bound name itself. Anything longer may be an
/// object's attribute (`app.state.F`), so it does not count.
pub(crate) fn attribute_module(root: &str, path: &[&str], binding: &BindingKind) -> Option<String> {
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
pub(crate) fn exported(file: &FileContext, pair: &Pair, module: &str) -> bool {
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

/// The callee as written, without the white space a multi-line callee may hold.
pub(crate) fn callee_text(text: &str, call: tree_sitter::Node) -> String {
    let callee = call.child_by_field_name("function").map_or("", |f| &text[f.byte_range()]);
    callee.chars().filter(|c| !c.is_whitespace() && *c != '\\').collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ancestors_match_the_parent_chain() {
        let text = "class C:\n    async def f(self):\n        return [await g(x) for x in (await h(), 1)]\n";
        let tree = crate::parse::parse(text).unwrap();
        let mut stack = vec![tree.root_node()];
        while let Some(node) = stack.pop() {
            let expected: Vec<Node> = std::iter::successors(node.parent(), |n| n.parent()).collect();
            assert_eq!(ancestors(tree.root_node(), node), expected, "{}", node.kind());
            let mut cursor = node.walk();
            stack.extend(node.children(&mut cursor));
        }
    }
}
