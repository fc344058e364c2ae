//! Resolution: which binding a name refers to at a given point, by Python's scoping rules.
//! Consumes a parse tree, the names worth tracking and the nodes whose scope is asked for; produces `Scopes`.
//! One pass over the tree builds every scope (module, class, function, lambda, comprehension) with the
//! bindings of the tracked names; lookups then follow LEGB, skipping class scopes as Python does.

use std::collections::{HashMap, HashSet};

use tree_sitter::{Node, Tree};

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

struct Builder<'t, 'a> {
    text: &'t str,
    names: &'a HashSet<&'a str>,
    nodes: &'a HashSet<usize>,
    scopes: Scopes<'t>,
    stack: Vec<(Node<'a>, ScopeId)>,
    /// Reused for every traversal step, so that walking allocates nothing.
    cursor: tree_sitter::TreeCursor<'a>,
    /// Sorted start offsets of every occurrence of a tracked name in the text.
    mentions: Vec<usize>,
}

impl<'t, 'a> Builder<'t, 'a> {
    fn new_scope(&mut self, kind: ScopeKind, parent: Option<ScopeId>) -> ScopeId {
        self.scopes.scopes.push(Scope {
            kind,
            parent,
            bindings: HashMap::new(),
            globals: HashSet::new(),
            nonlocals: HashSet::new(),
        });
        self.scopes.scopes.len() - 1
    }

    fn text(&self, node: Node) -> &'t str {
        &self.text[node.byte_range()]
    }

    fn bind(&mut self, name_node: Node, scope: ScopeId, kind: BindingKind) {
        let name = self.text(name_node);
        if !self.names.contains(name) {
            return;
        }
        let mut target = scope;
        if self.scopes.scopes[scope].globals.contains(name) {
            target = MODULE;
        } else if self.scopes.scopes[scope].nonlocals.contains(name) {
            // The nearest enclosing function that binds the name owns it.
            let mut next = self.scopes.enclosing(scope);
            target = next.unwrap_or(MODULE);
            while let Some(id) = next.filter(|&id| id != MODULE) {
                if self.scopes.scopes[id].bindings.contains_key(name) {
                    target = id;
                    break;
                }
                next = self.scopes.enclosing(id);
            }
        }
        let offset = name_node.start_byte();
        let conditional = is_conditional(name_node);
        self.scopes.scopes[target].bindings.entry(name).or_default().push(Binding {
            offset,
            kind,
            conditional,
        });
    }

    fn push_children(&mut self, node: Node<'a>, scope: ScopeId) {
        let first = self.stack.len();
        self.cursor.reset(node);
        if self.cursor.goto_first_child() {
            loop {
                let child = self.cursor.node();
                if child.is_named() && (self.mentions_in(child) || child.kind() == "import_from_statement") {
                    self.stack.push((child, scope));
                }
                if !self.cursor.goto_next_sibling() {
                    break;
                }
            }
        }
        // Reversed so that the stack pops them in source order: bindings are then recorded in order.
        self.stack[first..].reverse();
    }

    /// Whether a tracked name starts inside `node`.
    fn mentions_in(&self, node: Node) -> bool {
        let i = self.mentions.partition_point(|&m| m < node.start_byte());
        self.mentions.get(i).is_some_and(|&m| m < node.end_byte())
    }

    fn push_field(&mut self, node: Node<'a>, field: &str, scope: ScopeId) {
        if let Some(child) = node.child_by_field_name(field) {
            self.stack.push((child, scope));
        }
    }

    fn visit(&mut self, node: Node<'a>, scope: ScopeId) {
        if self.nodes.contains(&node.id()) {
            self.scopes.node_scopes.insert(node.id(), scope);
        }
        match node.kind() {
            "function_definition" => self.function(node, scope),
            "lambda" => {
                let inner = self.new_scope(ScopeKind::Lambda, Some(scope));
                self.push_field(node, "body", inner);
                if let Some(params) = node.child_by_field_name("parameters") {
                    self.parameters(params, scope, inner);
                }
            }
            "class_definition" => {
                let inner = self.new_scope(ScopeKind::Class, Some(scope));
                self.type_parameters(node, inner);
                self.push_field(node, "body", inner);
                self.push_field(node, "superclasses", scope);
                if let Some(name) = node.child_by_field_name("name") {
                    self.bind(name, scope, BindingKind::Other);
                }
            }
            "decorated_definition" => self.push_children(node, scope),
            "list_comprehension"
            | "set_comprehension"
            | "dictionary_comprehension"
            | "generator_expression" => self.comprehension(node, scope),
            "import_statement" => self.import(node, scope),
            "import_from_statement" => self.import_from(node, scope),
            "global_statement" | "nonlocal_statement" => {
                let global = node.kind() == "global_statement";
                let mut cursor = node.walk();
                for name in node.named_children(&mut cursor).filter(|n| n.kind() == "identifier") {
                    let name = self.text(name);
                    let s = &mut self.scopes.scopes[scope];
                    if global {
                        s.globals.insert(name)
                    } else {
                        s.nonlocals.insert(name)
                    };
                }
            }
            "assignment" | "augmented_assignment" => {
                self.push_field(node, "type", scope);
                self.push_field(node, "right", scope);
                // A bare annotation (`F: Callable`) binds nothing at module or class level; in a function it
                // still makes the name local.
                let annotation_only = node.child_by_field_name("right").is_none()
                    && matches!(self.scopes.scopes[scope].kind, ScopeKind::Module | ScopeKind::Class);
                if let Some(left) = node.child_by_field_name("left").filter(|_| !annotation_only) {
                    let kind = match node.child_by_field_name("right") {
                        Some(right) if is_dynamic_import(self.text, right) => BindingKind::DynamicModule,
                        Some(_) => BindingKind::Assigned,
                        None => BindingKind::Other,
                    };
                    self.targets_as(left, scope, &kind);
                }
            }
            "type_alias_statement" => {
                self.push_field(node, "right", scope);
                if let Some(name) = node.child_by_field_name("left").and_then(|l| l.named_child(0)) {
                    self.bind(name, scope, BindingKind::Other);
                }
            }
            "for_statement" | "for_in_clause" => {
                let mut cursor = node.walk();
                let children: Vec<Node<'a>> = node.named_children(&mut cursor).collect();
                let left = node.child_by_field_name("left");
                for child in children.into_iter().rev() {
                    if Some(child) != left {
                        self.stack.push((child, scope));
                    }
                }
                if let Some(left) = left {
                    self.targets(left, scope);
                }
            }
            "named_expression" => {
                self.push_field(node, "value", scope);
                if let Some(name) = node.child_by_field_name("name") {
                    let mut target = scope;
                    while self.scopes.scopes[target].kind == ScopeKind::Comprehension {
                        target = self.scopes.scopes[target].parent.expect("a comprehension has a parent");
                    }
                    self.bind(name, target, BindingKind::Other);
                }
            }
            "as_pattern_target" | "delete_statement" => self.targets_of_children(node, scope),
            "case_pattern" | "keyword_pattern" | "splat_pattern" | "as_pattern" => self.pattern(node, scope),
            _ => self.push_children(node, scope),
        }
    }

    /// `match` patterns: a lone name captures (`case x`, `case {"k": x}`, `case P(k=x)`, `*rest`, `… as x`);
    /// dotted names are values and bind nothing.
    fn pattern(&mut self, node: Node<'a>, scope: ScopeId) {
        let mut cursor = node.walk();
        let children: Vec<Node<'a>> = node.named_children(&mut cursor).collect();
        let last = children.len().saturating_sub(1);
        for (i, child) in children.into_iter().enumerate().rev() {
            let capture = match child.kind() {
                "dotted_name" => child.named_child_count() == 1,
                "identifier" => match node.kind() {
                    "splat_pattern" => true,
                    "as_pattern" => i == last && child.prev_sibling().is_some_and(|p| p.kind() == "as"),
                    _ => false,
                },
                _ => false,
            };
            if capture {
                let name = if child.kind() == "dotted_name" {
                    child.named_child(0).expect("one part")
                } else {
                    child
                };
                self.bind(name, scope, BindingKind::Other);
            } else {
                self.stack.push((child, scope));
            }
        }
    }

    fn function(&mut self, node: Node<'a>, scope: ScopeId) {
        let is_async = node.child(0).is_some_and(|c| c.kind() == "async");
        let inner = self.new_scope(ScopeKind::Function { is_async }, Some(scope));
        self.type_parameters(node, inner);
        self.push_field(node, "body", inner);
        self.push_field(node, "return_type", scope);
        if let Some(params) = node.child_by_field_name("parameters") {
            self.parameters(params, scope, inner);
        }
        if let Some(name) = node.child_by_field_name("name") {
            // A decorator may return anything (`sync_to_async` makes a coroutine function), unless it is one
            // of the caches that keep a function as it is.
            let kind = if self.keeps_function_kind(node, scope) {
                BindingKind::FunctionDef { is_async }
            } else {
                BindingKind::Other
            };
            self.bind(name, scope, kind);
        }
    }

    /// Whether a `def` is undecorated or decorated only by functools caches, which return a function of the
    /// same kind: `cache`/`lru_cache` imported from functools (under any name), or an attribute of a name
    /// `import functools [as ft]` bound. A name bound nowhere keeps the old reading of its spelling
    /// (`functools.cache`, `cache`, for star imports). The decorators' root names are tracked names.
    fn keeps_function_kind(&self, def: Node, scope: ScopeId) -> bool {
        let Some(decorated) = def.parent().filter(|p| p.kind() == "decorated_definition") else {
            return true;
        };
        let mut cursor = decorated.walk();
        let decorators: Vec<Node> =
            decorated.named_children(&mut cursor).filter(|n| n.kind() == "decorator").collect();
        decorators.iter().all(|&d| {
            let Some((root, path)) = decorator_name(self.text, d) else { return false };
            let is_functools = |kind: &BindingKind| match (kind, path.as_slice()) {
                (BindingKind::ImportFrom { module, name }, []) => {
                    module == "functools" && CACHES.contains(&name.as_str())
                }
                (BindingKind::Import { module, .. }, [attr]) => {
                    module == "functools" && CACHES.contains(attr)
                }
                _ => false,
            };
            match self.scopes.resolve(root, scope, d.start_byte()) {
                Resolution::Bound { bindings, .. } => bindings.iter().all(|b| is_functools(&b.kind)),
                Resolution::Unbound { .. } => match path.as_slice() {
                    [] => CACHES.contains(&root),
                    [attr] => root == "functools" && CACHES.contains(attr),
                    _ => false,
                },
            }
        })
    }

    /// PEP 695 type parameters (`def f[T]`, `class C[T]`) bind in the new scope.
    fn type_parameters(&mut self, node: Node<'a>, inner: ScopeId) {
        let Some(params) = node.child_by_field_name("type_parameters") else { return };
        let mut stack = vec![params];
        while let Some(n) = stack.pop() {
            if n.kind() == "identifier"
                && n.parent().is_some_and(|p| p.kind() == "type" || p.kind() == "splat_type")
            {
                self.bind(n, inner, BindingKind::Other);
                continue;
            }
            let mut cursor = n.walk();
            stack.extend(n.named_children(&mut cursor));
        }
    }

    /// Parameter names bind in `inner`; defaults and annotations are evaluated in `outer`.
    fn parameters(&mut self, params: Node<'a>, outer: ScopeId, inner: ScopeId) {
        let mut cursor = params.walk();
        let children: Vec<Node<'a>> = params.named_children(&mut cursor).collect();
        for param in children {
            match param.kind() {
                "identifier" => self.bind(param, inner, BindingKind::Other),
                "default_parameter" | "typed_default_parameter" => {
                    self.push_field(param, "value", outer);
                    self.push_field(param, "type", outer);
                    if let Some(name) = param.child_by_field_name("name") {
                        self.targets(name, inner);
                    }
                }
                "typed_parameter" => {
                    self.push_field(param, "type", outer);
                    if let Some(name) = param.named_child(0) {
                        self.targets(name, inner);
                    }
                }
                "list_splat_pattern" | "dictionary_splat_pattern" | "tuple_pattern" => {
                    self.targets(param, inner)
                }
                _ => {}
            }
        }
    }

    fn comprehension(&mut self, node: Node<'a>, scope: ScopeId) {
        let inner = self.new_scope(ScopeKind::Comprehension, Some(scope));
        let mut cursor = node.walk();
        let children: Vec<Node<'a>> = node.named_children(&mut cursor).collect();
        let first_clause = children.iter().position(|c| c.kind() == "for_in_clause");
        for (i, child) in children.into_iter().enumerate().rev() {
            if Some(i) != first_clause {
                self.stack.push((child, inner));
                continue;
            }
            // The first iterable is evaluated in the enclosing scope, its target binds in the comprehension.
            if let Some(right) = child.child_by_field_name("right") {
                self.stack.push((right, scope));
            }
            if let Some(left) = child.child_by_field_name("left") {
                self.targets(left, inner);
            }
        }
    }

    fn import(&mut self, node: Node<'a>, scope: ScopeId) {
        let mut cursor = node.walk();
        let names: Vec<Node<'a>> = node.children_by_field_name("name", &mut cursor).collect();
        for name in names {
            if name.kind() == "aliased_import" {
                let (Some(dotted), Some(alias)) =
                    (name.child_by_field_name("name"), name.child_by_field_name("alias"))
                else {
                    continue;
                };
                let module = dotted_text(self.text(dotted));
                self.bind(alias, scope, BindingKind::Import { module, aliased: true });
            } else if let Some(first) = name.named_child(0) {
                let module = dotted_text(self.text(name));
                self.bind(first, scope, BindingKind::Import { module, aliased: false });
            }
        }
    }

    fn import_from(&mut self, node: Node<'a>, scope: ScopeId) {
        let Some(module_node) = node.child_by_field_name("module_name") else {
            return;
        };
        let module = dotted_text(self.text(module_node));
        let mut cursor = node.walk();
        if node.named_children(&mut cursor).any(|c| c.kind() == "wildcard_import") {
            self.scopes.stars.push(module);
            return;
        }
        let names: Vec<Node<'a>> = node.children_by_field_name("name", &mut cursor).collect();
        for name in names {
            let (original, local) = match name.kind() {
                "aliased_import" => (name.child_by_field_name("name"), name.child_by_field_name("alias")),
                _ => (Some(name), Some(name)),
            };
            let (Some(original), Some(local)) = (original, local) else {
                continue;
            };
            let kind =
                BindingKind::ImportFrom { module: module.clone(), name: dotted_text(self.text(original)) };
            self.bind(local, scope, kind);
        }
    }

    /// Binds the names an assignment-like target binds; attributes and subscripts bind nothing but are read.
    fn targets(&mut self, node: Node<'a>, scope: ScopeId) {
        self.targets_as(node, scope, &BindingKind::Other);
    }

    fn targets_as(&mut self, node: Node<'a>, scope: ScopeId, kind: &BindingKind) {
        match node.kind() {
            "identifier" => self.bind(node, scope, kind.clone()),
            "pattern_list"
            | "tuple_pattern"
            | "list_pattern"
            | "tuple"
            | "list"
            | "expression_list"
            | "parenthesized_expression"
            | "list_splat_pattern"
            | "dictionary_splat_pattern"
            | "list_splat" => {
                let mut cursor = node.walk();
                let children: Vec<Node<'a>> = node.named_children(&mut cursor).collect();
                // Unpacking binds each name to a part of the value, never to the value itself.
                let kind =
                    if kind == &BindingKind::DynamicModule { BindingKind::Assigned } else { kind.clone() };
                for child in children {
                    self.targets_as(child, scope, &kind);
                }
            }
            _ => self.stack.push((node, scope)),
        }
    }

    fn targets_of_children(&mut self, node: Node<'a>, scope: ScopeId) {
        let mut cursor = node.walk();
        let children: Vec<Node<'a>> = node.named_children(&mut cursor).collect();
        for child in children {
            self.targets(child, scope);
        }
    }
}

/// Whether an assigned value is `importlib.import_module(…)`, `import_module(…)` or `__import__(…)`.
fn is_dynamic_import(text: &str, value: Node) -> bool {
    let Some(function) = value.child_by_field_name("function").filter(|_| value.kind() == "call") else {
        return false;
    };
    let name = &text[function.byte_range()];
    matches!(name.rsplit('.').next(), Some("import_module" | "__import__"))
}

/// Whether a binding statement sits in a branch, loop or handler of its scope, so that it may not run.
fn is_conditional(node: Node) -> bool {
    let mut node = node;
    while let Some(parent) = node.parent() {
        match parent.kind() {
            "if_statement" | "try_statement" | "for_statement" | "while_statement" | "match_statement" => {
                return true;
            }
            "function_definition" | "class_definition" | "lambda" | "module" => return false,
            _ => node = parent,
        }
    }
    false
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

/// The functools decorators that return a function of the same kind as the one they decorate.
const CACHES: [&str; 2] = ["cache", "lru_cache"];

/// A dotted name as written, without the white space Python allows around dots.
fn dotted_text(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace() && *c != '\\').collect()
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
