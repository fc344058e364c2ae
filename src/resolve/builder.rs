//! The scope builder: one pass over a parse tree, binding the tracked names in each scope (module, class,
//! function, lambda, comprehension) as Python does, and recording the scope of each node asked about.

use std::collections::{HashMap, HashSet};

use tree_sitter::Node;

use super::{Binding, BindingKind, MODULE, Resolution, Scope, ScopeId, ScopeKind, Scopes, decorator_name};

/// Builds `Scopes` in one pass over the tree, visiting only what mentions a tracked name.
pub(super) struct Builder<'t, 'a> {
    pub(super) text: &'t str,
    pub(super) names: &'a HashSet<&'a str>,
    pub(super) nodes: &'a HashSet<usize>,
    pub(super) scopes: Scopes<'t>,
    pub(super) stack: Vec<(Node<'a>, ScopeId)>,
    /// Reused for every traversal step, so that walking allocates nothing.
    pub(super) cursor: tree_sitter::TreeCursor<'a>,
    /// Sorted start offsets of every occurrence of a tracked name in the text.
    pub(super) mentions: Vec<usize>,
}

impl<'t, 'a> Builder<'t, 'a> {
    pub(super) fn new_scope(&mut self, kind: ScopeKind, parent: Option<ScopeId>) -> ScopeId {
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

    pub(super) fn visit(&mut self, node: Node<'a>, scope: ScopeId) {
        if self.nodes.contains(&node.id()) {
            self.scopes.node_scopes.insert(node.id(), scope);
        }
        match node.kind() {
            "function_definition" => self.function(node, scope),
            "lambda" => self.lambda(node, scope),
            "class_definition" => self.class(node, scope),
            "decorated_definition" => self.push_children(node, scope),
            "list_comprehension"
            | "set_comprehension"
            | "dictionary_comprehension"
            | "generator_expression" => self.comprehension(node, scope),
            "import_statement" => self.import(node, scope),
            "import_from_statement" => self.import_from(node, scope),
            "global_statement" | "nonlocal_statement" => self.declaration(node, scope),
            "assignment" | "augmented_assignment" => self.assignment(node, scope),
            "type_alias_statement" => self.type_alias(node, scope),
            "for_statement" | "for_in_clause" => self.for_loop(node, scope),
            "named_expression" => self.named_expression(node, scope),
            "as_pattern_target" | "delete_statement" => self.targets_of_children(node, scope),
            "case_pattern" | "keyword_pattern" | "splat_pattern" | "as_pattern" => self.pattern(node, scope),
            _ => self.push_children(node, scope),
        }
    }

    /// A lambda: its body in a scope of its own, its parameters' defaults in the enclosing one.
    fn lambda(&mut self, node: Node<'a>, scope: ScopeId) {
        let inner = self.new_scope(ScopeKind::Lambda, Some(scope));
        self.push_field(node, "body", inner);
        if let Some(params) = node.child_by_field_name("parameters") {
            self.parameters(params, scope, inner);
        }
    }

    /// A class: its body in a class scope (invisible to its methods), its name bound where it stands.
    fn class(&mut self, node: Node<'a>, scope: ScopeId) {
        let inner = self.new_scope(ScopeKind::Class, Some(scope));
        self.type_parameters(node, inner);
        self.push_field(node, "body", inner);
        self.push_field(node, "superclasses", scope);
        if let Some(name) = node.child_by_field_name("name") {
            self.bind(name, scope, BindingKind::Other);
        }
    }

    /// `global` and `nonlocal`: the names they declare go to the module or the enclosing function.
    fn declaration(&mut self, node: Node<'a>, scope: ScopeId) {
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

    /// An assignment or annotation: its targets are bound (dynamically imported modules apart).
    fn assignment(&mut self, node: Node<'a>, scope: ScopeId) {
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

    /// `type X = …` binds X.
    fn type_alias(&mut self, node: Node<'a>, scope: ScopeId) {
        self.push_field(node, "right", scope);
        if let Some(name) = node.child_by_field_name("left").and_then(|l| l.named_child(0)) {
            self.bind(name, scope, BindingKind::Other);
        }
    }

    /// A `for` loop or clause: its targets are bound after what it iterates is visited.
    fn for_loop(&mut self, node: Node<'a>, scope: ScopeId) {
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

    /// `x := v` binds x in the nearest scope that is not a comprehension's.
    fn named_expression(&mut self, node: Node<'a>, scope: ScopeId) {
        self.push_field(node, "value", scope);
        if let Some(name) = node.child_by_field_name("name") {
            let mut target = scope;
            while self.scopes.scopes[target].kind == ScopeKind::Comprehension {
                target = self.scopes.scopes[target].parent.expect("a comprehension has a parent");
            }
            self.bind(name, target, BindingKind::Other);
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

/// The functools decorators that return a function of the same kind as the one they decorate.
const CACHES: [&str; 2] = ["cache", "lru_cache"];

/// A dotted name as written, without the white space Python allows around dots.
fn dotted_text(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace() && *c != '\\').collect()
}
