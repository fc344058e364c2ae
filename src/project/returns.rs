//! What a function returns, as far as awaiting its result goes: a function body in, one `Returned` per
//! `return` statement out. Calls and names are kept by name; the index decides later what they are.

use tree_sitter::Node;

use super::is_dotted;
use crate::parse::unparenthesize;

/// What one `return` statement hands back.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Returned {
    /// A value that is never awaitable: `None`, a literal, a container, an operator's result, a comparison.
    Plain,
    /// The result of calling the dotted name (`make(...)`, `pkg.make(...)`).
    Call(String),
    /// The value of a dotted name read at module level (`return _manager`).
    Name(String),
    /// Anything else: a parameter, an attribute of an object, a subscript, a lambda, `await`; it may be
    /// awaitable.
    Unknown,
}

/// One `Returned` per `return` statement of `function` (not of the functions, lambdas and classes nested in
/// it). A local name assigned exactly once in the body, from a call or a plain value, stands for that value.
pub fn of(text: &str, function: Node) -> Vec<Returned> {
    let mut found = Vec::new();
    let mut assigned: Vec<(&str, Node)> = Vec::new();
    let mut parameters_and_others: Vec<&str> = Vec::new();
    if let Some(parameters) = function.child_by_field_name("parameters") {
        collect_parameters(text, parameters, &mut parameters_and_others);
    }
    let Some(body) = function.child_by_field_name("body") else { return Vec::new() };
    let mut stack = vec![body];
    while let Some(node) = stack.pop() {
        match node.kind() {
            "function_definition" | "class_definition" | "lambda" | "decorated_definition" => continue,
            "return_statement" => match node.named_child(0) {
                Some(value) => found.push(value),
                None => continue,
            },
            "assignment" => {
                if let (Some(left), Some(right)) =
                    (node.child_by_field_name("left"), node.child_by_field_name("right"))
                {
                    if left.kind() == "identifier" {
                        assigned.push((&text[left.byte_range()], right));
                    } else {
                        collect_names(text, left, &mut parameters_and_others);
                    }
                }
            }
            "augmented_assignment" | "for_statement" | "with_item" | "named_expression" | "as_pattern" => {
                let target = node
                    .child_by_field_name("left")
                    .or_else(|| node.child_by_field_name("name"))
                    .or_else(|| node.child_by_field_name("alias"));
                if let Some(target) = target {
                    collect_names(text, target, &mut parameters_and_others);
                }
            }
            _ => {}
        }
        let mut cursor = node.walk();
        stack.extend(node.named_children(&mut cursor));
    }
    found.sort_by_key(|n| n.start_byte());
    found
        .into_iter()
        .map(|value| {
            let value = unparenthesize(value);
            if value.kind() == "identifier" && !is_plain_constant(&text[value.byte_range()]) {
                let name = &text[value.byte_range()];
                let mut sources = assigned.iter().filter(|(n, _)| *n == name);
                return match (sources.next(), sources.next(), parameters_and_others.contains(&name)) {
                    (Some((_, right)), None, false) => classify(text, *right),
                    (None, None, false) => Returned::Name(name.to_string()),
                    _ => Returned::Unknown,
                };
            }
            classify(text, value)
        })
        .collect()
}

/// Whether `body` (a function's) yields: calling the function then makes a generator.
pub fn yields(body: Node) -> bool {
    let mut stack = vec![body];
    while let Some(node) = stack.pop() {
        match node.kind() {
            "yield" => return true,
            "function_definition" | "class_definition" | "lambda" | "decorated_definition" => continue,
            _ => {}
        }
        let mut cursor = node.walk();
        stack.extend(node.named_children(&mut cursor));
    }
    false
}

fn classify(text: &str, node: Node) -> Returned {
    let node = unparenthesize(node);
    match node.kind() {
        "none"
        | "true"
        | "false"
        | "integer"
        | "float"
        | "string"
        | "concatenated_string"
        | "list"
        | "tuple"
        | "dictionary"
        | "set"
        | "list_comprehension"
        | "set_comprehension"
        | "dictionary_comprehension"
        | "comparison_operator"
        | "not_operator"
        | "binary_operator"
        | "unary_operator" => Returned::Plain,
        "identifier" if is_plain_constant(&text[node.byte_range()]) => Returned::Plain,
        "call" => match node.child_by_field_name("function") {
            Some(callee)
                if matches!(callee.kind(), "identifier" | "attribute")
                    && is_dotted(&text[callee.byte_range()]) =>
            {
                Returned::Call(text[callee.byte_range()].to_string())
            }
            _ => Returned::Unknown,
        },
        "conditional_expression" => {
            let mut cursor = node.walk();
            let parts: Vec<Node> = node.named_children(&mut cursor).collect();
            // `a if cond else b`: both branches must be plain.
            match parts.as_slice() {
                [a, _, b]
                    if classify(text, *a) == Returned::Plain && classify(text, *b) == Returned::Plain =>
                {
                    Returned::Plain
                }
                _ => Returned::Unknown,
            }
        }
        _ => Returned::Unknown,
    }
}

fn is_plain_constant(name: &str) -> bool {
    matches!(name, "None" | "True" | "False" | "NotImplemented" | "Ellipsis")
}

/// Parameter names, without their defaults and annotations.
fn collect_parameters<'t>(text: &'t str, parameters: Node, out: &mut Vec<&'t str>) {
    let mut cursor = parameters.walk();
    for parameter in parameters.named_children(&mut cursor) {
        let name = match parameter.kind() {
            "identifier" => Some(parameter),
            "default_parameter" | "typed_default_parameter" => parameter.child_by_field_name("name"),
            "typed_parameter" | "list_splat_pattern" | "dictionary_splat_pattern" => parameter.named_child(0),
            _ => None,
        };
        if let Some(name) = name {
            collect_names(text, name, out);
        }
    }
}

fn collect_names<'t>(text: &'t str, node: Node, out: &mut Vec<&'t str>) {
    if node.kind() == "identifier" {
        out.push(&text[node.byte_range()]);
        return;
    }
    let mut cursor = node.walk();
    for child in node.named_children(&mut cursor) {
        collect_names(text, child, out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn returns(source: &str) -> Vec<Returned> {
        let tree = crate::parse::parse(source).unwrap();
        of(source, tree.root_node().named_child(0).unwrap())
    }

    #[test]
    fn returns_are_classified() {
        let call = |n: &str| Returned::Call(n.into());
        assert_eq!(returns("def f():\n    pass\n"), []);
        assert_eq!(
            returns("def f(x):\n    if x:\n        return None\n    return [x]\n"),
            [Returned::Plain, Returned::Plain]
        );
        assert_eq!(returns("def f(x):\n    return Manager(x)\n"), [call("Manager")]);
        assert_eq!(returns("def f(x):\n    m = pkg.make(x)\n    return m\n"), [call("pkg.make")]);
        assert_eq!(returns("def f(x):\n    return x\n"), [Returned::Unknown], "a parameter");
        assert_eq!(returns("def f():\n    return _manager\n"), [Returned::Name("_manager".into())]);
        assert_eq!(returns("def f(x):\n    return lambda: x\n"), [Returned::Unknown]);
        assert_eq!(returns("def f(x):\n    return x.manager\n"), [Returned::Unknown]);
        assert_eq!(
            returns("def f(x):\n    def g():\n        return x\n    return (1 if x else 2)\n"),
            [Returned::Plain],
            "nested functions' returns are theirs"
        );
        assert_eq!(returns("def f(x):\n    for m in x:\n        pass\n    return m\n"), [Returned::Unknown]);
    }

    #[test]
    fn generators_are_told_apart() {
        let body = |s: &str| {
            let tree = crate::parse::parse(s).unwrap();
            yields(tree.root_node().named_child(0).unwrap().child_by_field_name("body").unwrap())
        };
        assert!(body("def f():\n    yield 1\n"));
        assert!(!body("def f():\n    def g():\n        yield 1\n    return g\n"));
    }
}
