//! Awaited calls of functions whose result cannot be awaited, across modules: one parsed file and the
//! project index in, the sites (with the resolution that condemns each) out. A callee counts only when
//! the name, read where the `await` stands, is the module's own name (or a function-local import): a
//! parameter or local variable of the same name is something else.

use std::collections::HashSet;
use std::ops::Range;

use tree_sitter::{Node, Tree};

use super::awaitable::{Awaitability, Never, awaitability};
use super::index::{ProjectIndex, Resolved, Target};
use super::modules::absolute_module;
use super::{is_dotted, squeeze};
use crate::parse::unparenthesize;
use crate::resolve::{Binding, BindingKind, Resolution, ScopeKind, Scopes};

/// `await f(...)` where awaiting `f`'s result raises TypeError.
#[derive(Clone, Debug, PartialEq)]
pub struct AwaitedSite {
    /// The `await` expression.
    pub range: Range<usize>,
    /// The call awaited.
    pub call: Range<usize>,
    /// The callee as written, as one dotted name.
    pub callee: String,
    pub resolved: Resolved,
    pub never: Never,
}

/// The file being checked, as a module of the index.
pub struct ModuleFile<'a> {
    pub name: &'a str,
    pub is_package: bool,
    pub text: &'a str,
    pub tree: &'a Tree,
}

/// The awaited calls of one parsed file, with the scopes their callees' first names are read in: what
/// `binding_areas` and `find` both read, made once per tree.
pub struct Awaited<'t> {
    /// (await, call, callee) of every `await` of a call whose callee is a dotted name, in source order.
    calls: Vec<(Node<'t>, Node<'t>, String)>,
    /// `None` when nothing is awaited so.
    scopes: Option<Scopes<'t>>,
    /// The file may hold a star import, which binds names it does not spell.
    stars: bool,
}

impl<'t> Awaited<'t> {
    /// The awaited calls of `text`, parsed (whole or in part) as `tree`.
    pub fn scan(text: &'t str, tree: &'t Tree) -> Self {
        let calls = awaited_calls(text, tree);
        let scopes = (!calls.is_empty()).then(|| {
            let roots: HashSet<&str> = calls.iter().map(|(_, _, callee)| root(callee)).collect();
            let nodes: HashSet<usize> = calls.iter().map(|(node, _, _)| node.id()).collect();
            Scopes::build(tree, text, &roots, &nodes)
        });
        Self { calls, scopes, stars: may_star_import(text) }
    }
}

/// Every awaited call in `file` whose callee the index resolves to something awaiting cannot work with.
pub fn find(index: &ProjectIndex, file: &ModuleFile) -> Vec<AwaitedSite> {
    find_in(index, file, &Awaited::scan(file.text, file.tree))
}

/// As `find`, with the file's awaited calls scanned already (`awaited`, of `file`'s tree).
pub fn find_in(index: &ProjectIndex, file: &ModuleFile, awaited: &Awaited) -> Vec<AwaitedSite> {
    let Some(scopes) = &awaited.scopes else { return Vec::new() };
    // Without a star import, a name the file binds only by importing a module outside the tree, or does not
    // bind at all (a builtin), cannot reach a definition of the tree: the index need not read this module.
    let stars = awaited.stars;
    let mut sites = Vec::new();
    for (node, call, callee) in &awaited.calls {
        let (node, call) = (*node, *call);
        let Some(scope) = scopes.scope_of(node) else { continue };
        let resolved = match scopes.resolve(root(callee), scope, node.start_byte()) {
            Resolution::Unbound { .. } if !stars && !file.is_package => continue,
            Resolution::Bound { scope: ScopeKind::Module, bindings }
                if !stars && bindings.iter().all(|b| imports_from_outside(index, b)) =>
            {
                continue;
            }
            // A function that rebinds the global (`global f` then `f = …`) makes it what the index cannot see.
            Resolution::Bound { scope: ScopeKind::Module, bindings }
                if bindings.iter().any(|b| enclosing_function(file.tree, b.offset).is_some()) =>
            {
                continue;
            }
            Resolution::Unbound { .. } => index.resolve_dotted(file.name, callee),
            Resolution::Bound { scope: ScopeKind::Module, .. } => index.resolve_dotted(file.name, callee),
            Resolution::Bound { bindings, .. } => match local_import(index, file, &bindings, callee) {
                Some(resolved) => resolved,
                None => continue,
            },
        };
        if let Awaitability::Never(never) = awaitability(index, &resolved.target) {
            sites.push(AwaitedSite {
                range: node.byte_range(),
                call: call.byte_range(),
                callee: callee.clone(),
                resolved,
                never,
            });
        }
    }
    sites
}

/// For a partial parse: each awaited callee's root name, and the bytes that may spell the bindings deciding
/// it. A name the parsed statements bind in a function is local to that function wherever else it is bound (a
/// `global` or `nonlocal` statement spells it there too): the function's bytes, none for a parameter. Any other
/// name: all of them, but a module-level import from outside the tree (`asyncio`), which `find` leaves alone:
/// another binding of such a name to a function of the tree is left unseen, which can only hide a site.
pub fn binding_areas(
    index: &ProjectIndex,
    text: &str,
    tree: &Tree,
    awaited: &Awaited,
) -> Vec<(String, Range<usize>)> {
    let Some(scopes) = &awaited.scopes else { return Vec::new() };
    let stars = awaited.stars;
    let mut out = Vec::new();
    for (node, _, callee) in &awaited.calls {
        let name = root(callee);
        let Some(scope) = scopes.scope_of(*node) else { continue };
        let area = match scopes.resolve(name, scope, node.start_byte()) {
            Resolution::Bound { scope: ScopeKind::Module, bindings }
                if !stars && bindings.iter().all(|b| imports_from_outside(index, b)) =>
            {
                continue;
            }
            Resolution::Bound { scope: ScopeKind::Module, .. } | Resolution::Unbound { .. } => None,
            // A parameter (`self`) stays a local of its function: Python refuses `global` or `nonlocal` for it.
            // Its other bindings there are not looked for: one could only hide a site, never make one.
            Resolution::Bound { bindings, .. } if bindings.iter().all(|b| is_parameter(tree, b.offset)) => {
                continue;
            }
            Resolution::Bound { bindings, .. } => {
                bindings.first().and_then(|b| enclosing_function(tree, b.offset))
            }
        };
        out.push((name.to_string(), area.unwrap_or(0..text.len())));
    }
    out
}

/// Whether the name bound at offset `at` is a parameter of the function or lambda around it.
fn is_parameter(tree: &Tree, at: usize) -> bool {
    let path = ancestors(tree, at);
    let Some(function) = path.iter().rev().find(|n| matches!(n.kind(), "function_definition" | "lambda"))
    else {
        return false;
    };
    function.child_by_field_name("parameters").is_some_and(|p| p.byte_range().contains(&at))
}

/// The bytes of the innermost `def`, `lambda` or class around offset `at`.
fn enclosing_function(tree: &Tree, at: usize) -> Option<Range<usize>> {
    let path = ancestors(tree, at);
    let kinds = ["function_definition", "lambda", "class_definition"];
    path.iter().rev().find(|n| kinds.contains(&n.kind())).map(|n| n.byte_range())
}

/// The nodes from the root down to the smallest one holding the byte at `at`, in one descent (each
/// `Node::parent` call descends from the root again).
fn ancestors(tree: &Tree, at: usize) -> Vec<Node<'_>> {
    let mut cursor = tree.walk();
    let mut path = vec![cursor.node()];
    while cursor.goto_first_child_for_byte(at).is_some() {
        path.push(cursor.node());
    }
    path
}

/// A name bound in a function by one import: where it leads.
fn local_import(
    index: &ProjectIndex,
    file: &ModuleFile,
    bindings: &[&Binding],
    callee: &str,
) -> Option<Resolved> {
    let [binding] = bindings else { return None };
    let rest = callee.split_once('.').map(|(_, rest)| rest);
    let absolute = |module: &str| {
        let dots = module.len() - module.trim_start_matches('.').len();
        absolute_module(file.name, file.is_package, dots, &module[dots..])
    };
    match &binding.kind {
        BindingKind::ImportFrom { module, name } => {
            let module = absolute(module)?;
            let dotted = match rest {
                Some(rest) => format!("{name}.{rest}"),
                None => name.clone(),
            };
            Some(index.resolve_dotted(&module, &dotted)).filter(|_| index.module(&module).is_some())
        }
        _ => None,
    }
}

/// Every `await` of a call whose callee is a dotted name, in source order: (await, call, callee).
fn awaited_calls<'t>(text: &str, tree: &'t Tree) -> Vec<(Node<'t>, Node<'t>, String)> {
    let mut found = Vec::new();
    let root = tree.root_node();
    for at in memchr::memmem::find_iter(text.as_bytes(), b"await") {
        // The keyword is not a named node: the smallest named one there is the expression.
        let Some(node) = root.named_descendant_for_byte_range(at, at + 5) else { continue };
        if node.kind() != "await" || node.start_byte() != at {
            continue;
        }
        let Some(call) = node.named_child(0).map(unparenthesize).filter(|c| c.kind() == "call") else {
            continue;
        };
        let Some(callee) = call.child_by_field_name("function") else { continue };
        let dotted = squeeze(&text[callee.byte_range()]);
        if matches!(callee.kind(), "identifier" | "attribute") && is_dotted(&dotted) {
            found.push((node, call, dotted));
        }
    }
    found
}

/// Whether `binding` imports a module outside the tree (`import asyncio`, `from aiohttp import web`), whose
/// names the index never condemns.
fn imports_from_outside(index: &ProjectIndex, binding: &Binding) -> bool {
    let module = match &binding.kind {
        BindingKind::Import { module, .. } => module,
        BindingKind::ImportFrom { module, .. } if !module.starts_with('.') => module,
        _ => return false,
    };
    index.module(root(module)).is_none()
}

/// Whether `text` may hold a star import: `import` followed by `*` (through blanks and a parenthesis).
pub(crate) fn may_star_import(text: &str) -> bool {
    memchr::memmem::find_iter(text.as_bytes(), b"import").any(|at| {
        let rest = text[at + "import".len()..].trim_start_matches([' ', '\t', '\\', '\r', '\n', '(']);
        rest.starts_with('*')
    })
}

fn root(callee: &str) -> &str {
    callee.split('.').next().unwrap_or(callee)
}

/// The definition a site's callee reaches, for messages: `pkg.mod.name` and where it is defined.
pub fn definition(resolved: &Resolved) -> Option<(String, &std::path::Path, usize)> {
    match &resolved.target {
        Target::Def { at, .. } => Some((format!("{}.{}", at.module, at.name), at.path.as_path(), at.line)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::project::ModuleMap;

    fn sites(files: &[(&str, &str)], file: &str) -> Vec<(String, Never)> {
        let dir = tempfile::tempdir().unwrap();
        for (name, text) in files {
            let path = dir.path().join(name);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
        let map = ModuleMap::new([dir.path().to_path_buf()]);
        let path = dir.path().join(file);
        let (name, is_package) = map.module_of(&path).unwrap();
        let index = ProjectIndex::new(map);
        let text = std::fs::read_to_string(&path).unwrap();
        let tree = crate::parse::parse(&text).unwrap();
        let module = ModuleFile { name: &name, is_package, text: &text, tree: &tree };
        find(&index, &module).into_iter().map(|s| (text[s.range].to_string(), s.never)).collect()
    }

    const FACTORY: &str = "class Context:\n    pass\n\ndef create_context(user):\n    return Context()\n";

    #[test]
    fn awaited_sync_functions_are_found_through_aliases_and_modules() {
        let user = "\
from app.factory import create_context as create_websocket_manager
from app import factory
import app.factory as f

async def handler(user):
    a = await create_websocket_manager(user)
    b = await factory.create_context(user)
    c = await f.create_context(user)
    return a, b, c
";
        let found = sites(
            &[("app/__init__.py", ""), ("app/factory.py", FACTORY), ("app/user.py", user)],
            "app/user.py",
        );
        let texts: Vec<&str> = found.iter().map(|(t, _)| t.as_str()).collect();
        assert_eq!(
            texts,
            [
                "await create_websocket_manager(user)",
                "await factory.create_context(user)",
                "await f.create_context(user)"
            ]
        );
    }

    #[test]
    fn locals_parameters_and_unknown_callees_are_left_alone() {
        let user = "\
from .factory import create_context
import thirdparty

async def handler(create_context, user):
    return await create_context(user)

async def other(user):
    create_context = thirdparty.make
    await create_context(user)
    await thirdparty.make(user)

async def local_import(user):
    from .factory import create_context as make
    await make(user)
";
        let found = sites(
            &[("app/__init__.py", ""), ("app/factory.py", FACTORY), ("app/user.py", user)],
            "app/user.py",
        );
        assert_eq!(found, [("await make(user)".to_string(), Never::SyncResult)]);
    }
}
