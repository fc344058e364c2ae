//! Parsing: decoded text in, a tree-sitter tree out, one parser per thread.
//! Also locates the first syntax error, so a file that does not parse cleanly is reported and left alone.

use std::cell::RefCell;

use tree_sitter::{Language, Node, Parser, Tree};

/// The Python grammar.
pub fn language() -> Language {
    tree_sitter_python::LANGUAGE.into()
}

thread_local! {
    static PARSER: RefCell<Parser> = RefCell::new({
        let mut parser = Parser::new();
        parser.set_language(&language()).expect("the bundled grammar matches the tree-sitter ABI");
        parser
    });
}

/// Parses Python text. `None` only if tree-sitter gives up, which it does not without a timeout.
pub fn parse(text: &str) -> Option<Tree> {
    PARSER.with(|parser| parser.borrow_mut().parse(text, None))
}

/// Byte offset and description of the first syntax error in `tree`, if any.
pub fn first_error(tree: &Tree) -> Option<(usize, String)> {
    let root = tree.root_node();
    if !root.has_error() {
        return None;
    }
    let mut node = root;
    // Descend towards the first child that holds an error; it is the earliest one in the file.
    loop {
        if node.is_missing() {
            return Some((node.start_byte(), format!("missing `{}`", node.kind())));
        }
        if node.is_error() {
            return Some((node.start_byte(), "invalid syntax".to_string()));
        }
        let mut cursor = node.walk();
        let next = node.children(&mut cursor).find(Node::has_error);
        let Some(next) = next else {
            return Some((node.start_byte(), "invalid syntax".to_string()));
        };
        node = next;
    }
}

/// Number of error and missing nodes, to compare a rewrite with its original.
pub fn error_count(tree: &Tree) -> usize {
    if !tree.root_node().has_error() {
        return 0;
    }
    let mut count = 0;
    let mut stack = vec![tree.root_node()];
    while let Some(node) = stack.pop() {
        if node.is_error() || node.is_missing() {
            count += 1;
        }
        let mut cursor = node.walk();
        stack.extend(node.children(&mut cursor).filter(Node::has_error));
    }
    count
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reports_the_first_error() {
        let text = "def f():\n    return 1\n\nx = (1,\ny = 2\n";
        let tree = parse(text).unwrap();
        let (at, _) = first_error(&tree).expect("an error");
        assert!(at >= text.find("x =").unwrap(), "error at {at}");
        assert!(error_count(&tree) >= 1);
        assert_eq!(first_error(&parse("x = await f()\n").unwrap()), None);
    }
}
