//! Resolution: which binding a name refers to at a given point, by Python's scoping rules.
//! Consumes a parse tree, the names worth tracking and the nodes whose scope is asked for; produces `Scopes`.
//! One pass over the tree builds every scope (module, class, function, lambda, comprehension) with the
//! bindings of the tracked names; lookups then follow LEGB, skipping class scopes as Python does.

mod builder;

use std::collections::{HashMap, HashSet};

use tree_sitter::{Node, Tree};

use builder::Builder;

pub type ScopeId = usize;

/// The module scope is always the first.
pub const MODULE: ScopeId = 0;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ScopeKind {
    Module,
    Class,
    Function { is_async: bool },
    Lambda,
    Comprehension,
}

/// What a binding statement bound a name to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BindingKind {
    /// `from module import name` or `from module import name as local`; `module` keeps its leading dots.
    ImportFrom { module: String, name: String },
    /// A module object: `import a.b` binds `a` (and makes `a.b` reachable through it); `import a.b as k`
    /// binds `k` to `a.b` (`aliased`).
    Import { module: String, aliased: bool },
    /// `def name` or `async def name`.
    FunctionDef { is_async: bool },
    /// `name = …` (also augmented and annotated assignments with a value).
    Assigned,
    /// `name = importlib.import_module(…)` or `name = __import__(…)`: a module the resolver cannot follow.
    DynamicModule,
    /// Anything else: parameter, assignment, loop, `with`/`except` target, class, `del`, walrus, …
    Other,
}

/// One binding of a name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Binding {
    /// Byte offset of the bound name.
    pub offset: usize,
    pub kind: BindingKind,
    /// Inside an `if`, `try`, loop or `match` of its scope: it may not run, so it does not hide earlier ones.
    pub conditional: bool,
}

#[derive(Debug)]
struct Scope<'t> {
    kind: ScopeKind,
    parent: Option<ScopeId>,
    bindings: HashMap<&'t str, Vec<Binding>>,
    globals: HashSet<&'t str>,
    nonlocals: HashSet<&'t str>,
}

/// What a name refers to at one point.
#[derive(Debug, PartialEq, Eq)]
pub enum Resolution<'a> {
    /// Every binding that may be the one in effect (several when some are conditional, as in
    /// `try: from new import F` / `except ImportError: from old import F`), all of one scope.
    Bound { scope: ScopeKind, bindings: Vec<&'a Binding> },
    /// Bound nowhere in the file; `stars` are the modules of its `from m import *` statements.
    Unbound { stars: &'a [String] },
}

/// Where an `await` stands, which decides the fixes that are legal there.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Context {
    /// In the body of an `async def` (possibly inside a comprehension there).
    Async,
    /// In a plain `def` or a lambda, where `await` is a SyntaxError.
    Sync,
    /// At module or class level.
    Module,
}

/// Every scope of one file, with the bindings of the tracked names.
#[derive(Debug)]
pub struct Scopes<'t> {
    scopes: Vec<Scope<'t>>,
    stars: Vec<String>,
    node_scopes: HashMap<usize, ScopeId>,
}

impl<'t> Scopes<'t> {
    /// Builds the scopes of `tree`, recording bindings of `names` only and the scope of each node id in `nodes`.
    ///
    /// Only subtrees whose text mentions a tracked name are visited: a binding of a name spells it, and every
    /// node of interest contains its callee's name. (Star imports are the exception and are always read.)
    pub fn build(tree: &Tree, text: &'t str, names: &HashSet<&str>, nodes: &HashSet<usize>) -> Self {
        let mentions = crate::parse::spellings(tree, text, names).into_iter().map(|m| m.start).collect();
        let mut builder = Builder {
            text,
            names,
            nodes,
            scopes: Scopes { scopes: Vec::new(), stars: Vec::new(), node_scopes: HashMap::new() },
            stack: Vec::new(),
            cursor: tree.walk(),
            mentions,
        };
        let module = builder.new_scope(ScopeKind::Module, None);
        builder.stack.push((tree.root_node(), module));
        while let Some((node, scope)) = builder.stack.pop() {
            builder.visit(node, scope);
        }
        builder.scopes
    }

    /// The scope a node (one of those passed to `build`) stands in.
    pub fn scope_of(&self, node: Node) -> Option<ScopeId> {
        self.node_scopes.get(&node.id()).copied()
    }

    /// What `name`, read at byte `offset` in scope `from`, refers to.
    pub fn resolve(&self, name: &str, from: ScopeId, offset: usize) -> Resolution<'_> {
        let mut id = from;
        let mut same_scope = true;
        loop {
            let scope = &self.scopes[id];
            if scope.globals.contains(name) && id != MODULE {
                return self.lookup(MODULE, name, offset, false);
            }
            if scope.nonlocals.contains(name) {
                let Some(parent) = self.enclosing(id) else {
                    return Resolution::Unbound { stars: &self.stars };
                };
                id = parent;
                same_scope = false;
                continue;
            }
            if scope.bindings.contains_key(name) {
                return self.lookup(id, name, offset, same_scope);
            }
            let Some(parent) = self.enclosing(id) else {
                return Resolution::Unbound { stars: &self.stars };
            };
            id = parent;
            same_scope = false;
        }
    }

    /// Whether the file has a `from m import *`.
    pub fn has_star_imports(&self) -> bool {
        !self.stars.is_empty()
    }

    /// The modules of the file's `from m import *` statements, in source order.
    pub fn stars(&self) -> &[String] {
        &self.stars
    }

    /// Whether any scope binds `name` (a tracked name).
    pub fn bound_anywhere(&self, name: &str) -> bool {
        self.scopes.iter().any(|s| s.bindings.contains_key(name))
    }

    /// The fix context of a scope: the nearest function decides; comprehensions take their surroundings'.
    pub fn context(&self, mut id: ScopeId) -> Context {
        loop {
            match self.scopes[id].kind {
                ScopeKind::Function { is_async: true } => return Context::Async,
                ScopeKind::Function { is_async: false } | ScopeKind::Lambda => {
                    return Context::Sync;
                }
                ScopeKind::Module | ScopeKind::Class => return Context::Module,
                ScopeKind::Comprehension => {
                    id = self.scopes[id].parent.expect("a comprehension has a parent")
                }
            }
        }
    }

    /// The next scope whose names are visible from `id`: class bodies are invisible to the scopes nested in them.
    fn enclosing(&self, id: ScopeId) -> Option<ScopeId> {
        let mut parent = self.scopes[id].parent?;
        while self.scopes[parent].kind == ScopeKind::Class {
            parent = self.scopes[parent].parent?;
        }
        Some(parent)
    }

    fn lookup(&self, id: ScopeId, name: &str, offset: usize, same_scope: bool) -> Resolution<'_> {
        let scope = &self.scopes[id];
        let Some(bindings) = scope.bindings.get(name) else {
            return Resolution::Unbound { stars: &self.stars };
        };
        let is_function = !matches!(scope.kind, ScopeKind::Module | ScopeKind::Class);
        // Any other binding in a function makes the name that function's own variable everywhere in it.
        if is_function && let Some(other) = bindings.iter().find(|b| !is_import_or_sync_def(&b.kind)) {
            return Resolution::Bound { scope: scope.kind, bindings: vec![other] };
        }
        // A read in the same scope sees the bindings made so far; code nested in functions runs later and sees
        // them all. The last unconditional binding hides what came before it.
        let visible: &[Binding] = match bindings.iter().rposition(|b| b.offset <= offset) {
            Some(last) if same_scope => &bindings[..=last],
            _ => bindings,
        };
        let from = visible.iter().rposition(|b| !b.conditional).unwrap_or(0);
        Resolution::Bound { scope: scope.kind, bindings: visible[from..].iter().collect() }
    }
}

fn is_import_or_sync_def(kind: &BindingKind) -> bool {
    matches!(
        kind,
        BindingKind::ImportFrom { .. }
            | BindingKind::Import { .. }
            | BindingKind::FunctionDef { is_async: false }
    )
}

/// The root name of a decorator and the names after it: `@a.b(...)` gives `a` and `["b"]`; `None` for any
/// other expression.
pub fn decorator_name<'t>(text: &'t str, decorator: Node) -> Option<(&'t str, Vec<&'t str>)> {
    let mut expression = decorator.named_children(&mut decorator.walk()).find(|n| !n.is_extra())?;
    if expression.kind() == "call" {
        expression = expression.child_by_field_name("function")?;
    }
    let mut path = Vec::new();
    while expression.kind() == "attribute" {
        path.push(&text[expression.child_by_field_name("attribute")?.byte_range()]);
        expression = expression.child_by_field_name("object")?;
    }
    path.reverse();
    (expression.kind() == "identifier").then(|| (&text[expression.byte_range()], path))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Resolves the name of the last awaited call to `F` in `src` (else its last call), as the rules would.
    fn resolve_last_call(src: &str) -> String {
        let tree = crate::parse::parse(src).unwrap();
        let at = src
            .rfind("await F(")
            .map(|i| i + "await ".len())
            .or_else(|| src.rfind("F("))
            .expect("a call to F");
        let node = tree.root_node().descendant_for_byte_range(at, at + 1).unwrap();
        let names = HashSet::from(["F", "functools", "ft", "cache", "lru_cache", "memo"]);
        let nodes = HashSet::from([node.id()]);
        let scopes = Scopes::build(&tree, src, &names, &nodes);
        let scope = scopes.scope_of(node).expect("scope recorded");
        match scopes.resolve("F", scope, at) {
            Resolution::Bound { bindings, .. } => {
                format!("Bound({:?})", bindings.iter().map(|b| &b.kind).collect::<Vec<_>>())
            }
            unbound => format!("{unbound:?}"),
        }
    }

    #[test]
    fn function_local_import_wins_over_module_binding() {
        let r = resolve_last_call("F = 1\nasync def f():\n    from m import F\n    await F()\n");
        assert_eq!(r, r#"Bound([ImportFrom { module: "m", name: "F" }])"#);
    }

    #[test]
    fn assignment_after_the_call_makes_the_name_local() {
        let r = resolve_last_call("from m import F\nasync def f():\n    await F()\n    F = 2\n");
        assert_eq!(r, "Bound([Assigned])");
    }

    #[test]
    fn last_module_definition_wins_for_code_in_functions() {
        let r = resolve_last_call("def F(): pass\nasync def g():\n    await F()\nasync def F(): pass\n");
        assert_eq!(r, "Bound([FunctionDef { is_async: true }])");
    }

    #[test]
    fn conditional_bindings_are_all_candidates() {
        let src = "try:\n    from new import F\nexcept ImportError:\n    from old import F as F\nasync def g():\n    await F()\n";
        assert_eq!(
            resolve_last_call(src),
            r#"Bound([ImportFrom { module: "new", name: "F" }, ImportFrom { module: "old", name: "F" }])"#
        );
        let src = "async def F(): pass\ndef F(): pass\nasync def g():\n    await F()\n";
        assert_eq!(
            resolve_last_call(src),
            "Bound([FunctionDef { is_async: false }])",
            "an unconditional def wins"
        );
    }

    #[test]
    fn decorated_def_may_be_anything_but_caches_keep_it() {
        let src = "@sync_to_async\ndef F(): pass\nasync def g():\n    await F()\n";
        assert_eq!(resolve_last_call(src), "Bound([Other])");
        let src = "@functools.lru_cache(maxsize=1)\ndef F(): pass\nasync def g():\n    await F()\n";
        assert_eq!(resolve_last_call(src), "Bound([FunctionDef { is_async: false }])");
    }

    #[test]
    fn caches_are_recognised_by_what_their_names_are_bound_to() {
        let sync_def = "Bound([FunctionDef { is_async: false }])";
        for decorators in [
            "import functools as ft\n@ft.lru_cache(maxsize=None)\n",
            "import functools as ft\n@ft.cache\n",
            "import functools\n@functools.cache\n",
            "from functools import lru_cache as memo\n@memo()\n",
            "from functools import *\n@cache\n",
        ] {
            let src = format!("{decorators}def F(): pass\nasync def g():\n    await F()\n");
            assert_eq!(resolve_last_call(&src), sync_def, "{decorators}");
        }
        for decorators in [
            "import asyncio as ft\n@ft.cache\n",
            "def cache(f): return f\n@cache\n",
            "from functools import wraps as memo\n@memo\n",
        ] {
            let src = format!("{decorators}def F(): pass\nasync def g():\n    await F()\n");
            assert_eq!(resolve_last_call(&src), "Bound([Other])", "{decorators}");
        }
    }

    #[test]
    fn nonlocal_binds_in_the_function_that_owns_the_name() {
        let src = "async def outer():\n    from m import F\n    def middle():\n        def inner():\n            nonlocal F\n            F = 1\n    await F()\n";
        assert_eq!(resolve_last_call(src), "Bound([Assigned])");
    }

    #[test]
    fn bare_module_annotation_binds_nothing_and_type_statements_do() {
        let src = "from m import F\nF: Callable\nasync def g():\n    await F()\n";
        assert_eq!(resolve_last_call(src), r#"Bound([ImportFrom { module: "m", name: "F" }])"#);
        assert_eq!(resolve_last_call("type F = int\nasync def g():\n    await F()\n"), "Bound([Other])");
        assert_eq!(resolve_last_call("async def g[F]():\n    await F()\n"), "Bound([Other])");
    }

    #[test]
    fn class_scope_is_invisible_to_methods() {
        let r = resolve_last_call("class C:\n    F = 1\n    async def m(self):\n        await F()\n");
        assert_eq!(r, "Unbound { stars: [] }");
    }

    #[test]
    fn global_declaration_sends_the_binding_to_the_module() {
        let src = "def setup():\n    global F\n    F = make()\nasync def g():\n    await F()\n";
        assert_eq!(resolve_last_call(src), "Bound([Assigned])");
    }

    #[test]
    fn comprehension_target_and_walrus() {
        assert_eq!(resolve_last_call("async def g(xs):\n    [await F(x) for F in xs]\n"), "Bound([Other])");
        let r = resolve_last_call("async def g(xs):\n    [y for x in xs if (F := x)]\n    await F()\n");
        assert_eq!(r, "Bound([Other])");
    }

    #[test]
    fn parameters_and_lambda_parameters_shadow() {
        assert_eq!(resolve_last_call("async def g(a, *, F=None):\n    await F()\n"), "Bound([Other])");
        assert_eq!(resolve_last_call("h = lambda F: F()\n"), "Bound([Other])");
    }

    #[test]
    fn star_import_is_reported_with_its_module() {
        let r = resolve_last_call("from app.ws import *\nasync def g():\n    await F()\n");
        assert_eq!(r, r#"Unbound { stars: ["app.ws"] }"#);
    }

    #[test]
    fn import_forms() {
        assert_eq!(
            resolve_last_call("import a.b as F\nasync def g():\n    await F()\n"),
            r#"Bound([Import { module: "a.b", aliased: true }])"#
        );
        assert_eq!(
            resolve_last_call("from . import F\nasync def g():\n    await F()\n"),
            r#"Bound([ImportFrom { module: ".", name: "F" }])"#
        );
        assert_eq!(
            resolve_last_call("from ..x.y import (\n    G as F,\n)\nasync def g():\n    await F()\n"),
            r#"Bound([ImportFrom { module: "..x.y", name: "G" }])"#
        );
    }
}
