//! Whether an identifier may read the name an import statement binds: it must stand in the statement's
//! scope or a scope nested in it, and no function between the two may bind the name itself (a parameter,
//! an assignment, a `def`, an import). When unsure the answer is yes, so an import is only ever removed when
//! nothing can read it. Pure functions of the tree and the text.

use tree_sitter::Node;

/// Whether `identifier` (spelled `name`) may read the binding `statement` makes.
pub(super) fn may_read(text: &str, identifier: Node, name: &str, statement: Node) -> bool {
    if identifier.parent().is_some_and(|p| matches!(p.kind(), "global_statement" | "nonlocal_statement")) {
        // A declaration, not a read (what it declares is read elsewhere, and counted there).
        return false;
    }
    let home = enclosing_scope(statement);
    if let Some(home) = home
        && !(home.start_byte() <= identifier.start_byte() && identifier.end_byte() <= home.end_byte())
    {
        return false;
    }
    let mut node = identifier;
    while let Some(parent) = node.parent() {
        if Some(parent) == home {
            break;
        }
        if is_comprehension(parent) && comprehension_binds(text, parent, name) {
            return false;
        }
        let is_function = matches!(parent.kind(), "function_definition" | "lambda");
        // A default value or decorator is evaluated outside the function it belongs to.
        let inside = parent.child_by_field_name("body").is_some_and(|b| contains(b, identifier))
            || parent.child_by_field_name("parameters").is_some_and(|p| is_parameter_name(p, identifier));
        if is_function && inside && binds(text, parent, name) {
            return false;
        }
        node = parent;
    }
    true
}

/// The function, lambda or class whose scope a statement binds in; `None` for the module.
fn enclosing_scope(node: Node) -> Option<Node> {
    std::iter::successors(node.parent(), |n| n.parent())
        .find(|n| matches!(n.kind(), "function_definition" | "lambda" | "class_definition"))
}

fn is_comprehension(node: Node) -> bool {
    matches!(
        node.kind(),
        "list_comprehension" | "set_comprehension" | "dictionary_comprehension" | "generator_expression"
    )
}

/// Whether a comprehension's `for` clauses bind `name`.
fn comprehension_binds(text: &str, comprehension: Node, name: &str) -> bool {
    let mut cursor = comprehension.walk();
    let clauses: Vec<Node> =
        comprehension.named_children(&mut cursor).filter(|c| c.kind() == "for_in_clause").collect();
    clauses.into_iter().any(|clause| {
        let Some(left) = clause.child_by_field_name("left") else { return false };
        let mut stack = vec![left];
        while let Some(node) = stack.pop() {
            if node.kind() == "identifier" && &text[node.byte_range()] == name {
                return true;
            }
            let mut cursor = node.walk();
            stack.extend(node.named_children(&mut cursor));
        }
        false
    })
}

fn contains(outer: Node, inner: Node) -> bool {
    outer.start_byte() <= inner.start_byte() && inner.end_byte() <= outer.end_byte()
}

/// Whether a function binds `name` in its own scope: as a parameter or anywhere in its body outside nested
/// functions and classes.
fn binds(text: &str, function: Node, name: &str) -> bool {
    let parameter = function.child_by_field_name("parameters").is_some_and(|parameters| {
        let mut cursor = parameters.walk();
        parameters
            .named_children(&mut cursor)
            .any(|p| parameter_name(p).is_some_and(|n| &text[n.byte_range()] == name))
    });
    let Some(body) = function.child_by_field_name("body") else { return parameter };
    let mut stack = vec![body];
    while let Some(node) = stack.pop() {
        if node.kind() == "identifier" && &text[node.byte_range()] == name && is_binding(node) {
            return true;
        }
        let nested = matches!(node.kind(), "function_definition" | "class_definition" | "lambda");
        let mut cursor = node.walk();
        for child in node.named_children(&mut cursor) {
            // A nested scope's own name is bound here; what is inside it is not.
            if !nested || node.child_by_field_name("name") == Some(child) {
                stack.push(child);
            }
        }
    }
    parameter
}

fn is_parameter_name(parameters: Node, identifier: Node) -> bool {
    let mut cursor = parameters.walk();
    parameters.named_children(&mut cursor).any(|p| parameter_name(p) == Some(identifier))
}

/// The identifier a parameter binds (`x`, `x: T`, `x=1`, `x: T = 1`, `*x`, `**x`).
fn parameter_name(parameter: Node) -> Option<Node> {
    match parameter.kind() {
        "identifier" => Some(parameter),
        "default_parameter" | "typed_default_parameter" => parameter.child_by_field_name("name"),
        "typed_parameter" | "list_splat_pattern" | "dictionary_splat_pattern" => parameter
            .named_child(0)
            .and_then(|c| if c.kind() == "identifier" { Some(c) } else { parameter_name(c) }),
        _ => None,
    }
}

/// Whether an identifier is a target that binds it: an assignment's or a `for`'s left side (also inside
/// tuples and lists), a walrus, a `def` or `class` name, an `as` target, an imported name.
fn is_binding(identifier: Node) -> bool {
    let mut node = identifier;
    while let Some(parent) = node.parent() {
        match parent.kind() {
            "pattern_list"
            | "tuple_pattern"
            | "list_pattern"
            | "expression_list"
            | "tuple"
            | "list"
            | "parenthesized_expression"
            | "list_splat_pattern"
            | "as_pattern_target" => node = parent,
            "assignment" | "augmented_assignment" | "for_statement" | "for_in_clause" => {
                return parent.child_by_field_name("left") == Some(node);
            }
            "named_expression" | "function_definition" | "class_definition" => {
                return parent.child_by_field_name("name") == Some(node);
            }
            "as_pattern" => return parent.child_by_field_name("alias") == Some(node),
            "aliased_import" => return parent.child_by_field_name("alias") == Some(node),
            // `case x:` captures; `case x.y:` reads.
            "dotted_name" => {
                return parent.parent().is_some_and(|g| match g.kind() {
                    "import_from_statement" | "import_statement" => {
                        g.child_by_field_name("module_name") != Some(parent)
                    }
                    "case_pattern" => parent.named_child_count() == 1,
                    _ => false,
                });
            }
            "case_pattern" | "dict_pattern" | "splat_pattern" | "keyword_pattern" => return true,
            _ => return false,
        }
    }
    false
}
