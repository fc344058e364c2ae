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

/// Where any of `names` is spelled in the parts of `text` that `tree` covers (all of it, or the ranges a
/// partial parse included): the rest holds no node, so nothing a rule can match. One range per start (the
/// longest name spelled there), in order.
pub fn spellings<I, P>(tree: &Tree, text: &str, names: I) -> Vec<std::ops::Range<usize>>
where
    I: IntoIterator<Item = P>,
    P: AsRef<[u8]>,
{
    // The text to search is small and the names few: a searcher per name costs less to build than one
    // automaton for all.
    let finders: Vec<memchr::memmem::Finder> =
        names.into_iter().map(|name| memchr::memmem::Finder::new(name.as_ref()).into_owned()).collect();
    let mut found = Vec::new();
    for range in tree.included_ranges() {
        let (start, end) = (range.start_byte.min(text.len()), range.end_byte.min(text.len()));
        let part = &text.as_bytes()[start..end];
        for finder in &finders {
            let len = finder.needle().len();
            found.extend(finder.find_iter(part).map(|at| start + at..start + at + len));
        }
    }
    found.sort_unstable_by_key(|r| (r.start, std::cmp::Reverse(r.end)));
    found.dedup_by_key(|r| r.start);
    found
}

/// Parses only the byte `ranges` of `text` (whole statements and header lines, in order), as if they were the
/// file. Nodes keep their offsets in `text`.
pub fn parse_ranges(text: &str, ranges: &[std::ops::Range<usize>]) -> Option<Tree> {
    parse_included(text, None, &included(text, ranges))
}

/// tree-sitter looks up the range it is in from the first one at every token, so parsing many ranges costs
/// their number times the tokens: a module of 4,000 sites took 2.5 times as long per site as one of 100.
/// Below this many, the lookups cost less than parsing the gaps would.
const MAX_RANGES: usize = 256;

/// `ranges` (sorted, disjoint), at most `MAX_RANGES` of them: all but the widest gaps are closed. When the
/// ranges are statements and header lines, so are the gaps, and the joined ranges still parse as a file.
pub fn joined(ranges: &[std::ops::Range<usize>]) -> Vec<std::ops::Range<usize>> {
    if ranges.len() <= MAX_RANGES {
        return ranges.to_vec();
    }
    // Gap `i` lies between ranges `i` and `i + 1`; the first MAX_RANGES - 1 after this are the widest.
    let mut gaps: Vec<usize> = (0..ranges.len() - 1).collect();
    gaps.select_nth_unstable_by_key(MAX_RANGES - 1, |&i| {
        std::cmp::Reverse(ranges[i + 1].start - ranges[i].end)
    });
    let mut open = vec![false; ranges.len() - 1];
    for &i in &gaps[..MAX_RANGES - 1] {
        open[i] = true;
    }
    let mut out = vec![ranges[0].clone()];
    for (range, open) in ranges[1..].iter().zip(open) {
        match out.last_mut() {
            Some(last) if !open => last.end = range.end,
            _ => out.push(range.clone()),
        }
    }
    out
}

/// `ranges` (sorted, disjoint) of `text` as tree-sitter ranges; their points are counted in one pass.
fn included(text: &str, ranges: &[std::ops::Range<usize>]) -> Vec<tree_sitter::Range> {
    let mut points = Points::new(text);
    (ranges.iter())
        .map(|r| tree_sitter::Range {
            start_byte: r.start,
            start_point: points.at(r.start),
            end_byte: r.end,
            end_point: points.at(r.end),
        })
        .collect()
}

/// The points of increasing offsets in one text, counted in one pass.
struct Points<'t> {
    text: &'t str,
    offset: usize,
    point: tree_sitter::Point,
}

impl<'t> Points<'t> {
    fn new(text: &'t str) -> Self {
        Self { text, offset: 0, point: tree_sitter::Point { row: 0, column: 0 } }
    }

    /// The row and byte column of `offset`; counting starts again from the top for one before the last.
    fn at(&mut self, offset: usize) -> tree_sitter::Point {
        if offset < self.offset {
            *self = Self::new(self.text);
        }
        self.point = advance(self.point, &self.text[self.offset..offset]);
        self.offset = offset;
        self.point
    }
}

/// Parses the `included` ranges of `text` (all of it when empty), reusing what `old` says is unchanged.
fn parse_included(text: &str, old: Option<&Tree>, included: &[tree_sitter::Range]) -> Option<Tree> {
    PARSER.with(|parser| {
        let mut parser = parser.borrow_mut();
        parser.set_included_ranges(included).ok()?;
        let tree = parser.parse(text, old);
        parser.set_included_ranges(&[]).expect("an empty set of ranges means the whole text");
        tree
    })
}

/// How many bytes of top-level statements `parses_in_pieces` parses at once: their tree takes some 50 times
/// as much memory, freed before the next piece.
const PIECE: usize = 256 * 1024;

/// Whether `text` parses cleanly, parsed a run of top-level statements at a time so that no tree of the
/// whole of a big file is held. Each top-level statement parses the same alone as in its file, so the pieces
/// parse cleanly exactly when the file does; `false` also when the outline scan is unsure (see `chunk`).
pub fn parses_in_pieces(text: &str) -> bool {
    let Some(units) = crate::chunk::outline(text) else { return false };
    let mut start = 0;
    for (i, unit) in units.iter().enumerate() {
        let end = unit.range.end;
        if end - start < PIECE && i + 1 < units.len() {
            continue;
        }
        if parse(&text[start..end]).is_none_or(|tree| tree.root_node().has_error()) {
            return false;
        }
        start = end;
    }
    true
}

/// Parses `new_text`, the result of applying `edits` (sorted, non-overlapping, in `old_text` offsets) to the text
/// `old` was parsed from, reusing every subtree the edits did not touch.
pub fn reparse(old: &Tree, old_text: &str, edits: &[crate::edit::Edit], new_text: &str) -> Option<Tree> {
    reparse_ranges(old, old_text, edits, new_text, &[])
}

/// `reparse` for a tree that `parse_ranges` made: `ranges` are its ranges moved by the edits (all of the text
/// when empty).
pub fn reparse_ranges(
    old: &Tree,
    old_text: &str,
    edits: &[crate::edit::Edit],
    new_text: &str,
    ranges: &[std::ops::Range<usize>],
) -> Option<Tree> {
    let mut points = Points::new(old_text);
    let input_edits: Vec<tree_sitter::InputEdit> = (edits.iter())
        .map(|edit| {
            let start_position = points.at(edit.start());
            tree_sitter::InputEdit {
                start_byte: edit.start(),
                old_end_byte: edit.end(),
                new_end_byte: edit.start() + edit.content().len(),
                start_position,
                old_end_position: points.at(edit.end()),
                new_end_position: advance(start_position, edit.content()),
            }
        })
        .collect();
    let mut tree = old.clone();
    // From the last edit to the first: each one's offsets are still those of the original text.
    for edit in input_edits.iter().rev() {
        tree.edit(edit);
    }
    parse_included(new_text, Some(&tree), &included(new_text, ranges))
}

/// Where a point moves after inserting `content` at it.
fn advance(at: tree_sitter::Point, content: &str) -> tree_sitter::Point {
    let bytes = content.as_bytes();
    match memchr::memrchr(b'\n', bytes) {
        Some(i) => tree_sitter::Point {
            row: at.row + memchr::memchr_iter(b'\n', bytes).count(),
            column: bytes.len() - i - 1,
        },
        None => tree_sitter::Point { row: at.row, column: at.column + content.len() },
    }
}

/// The expression inside any number of parentheses (comments inside them do not count).
pub fn unparenthesize(mut node: Node) -> Node {
    while node.kind() == "parenthesized_expression" {
        let mut cursor = node.walk();
        let Some(inner) = node.named_children(&mut cursor).find(|n| !n.is_extra()) else { break };
        node = inner;
    }
    node
}

/// The innermost statement (a child of the module or of a block) that holds byte `at`; `root` when none does.
pub fn statement_at(root: Node, at: usize) -> Node {
    let mut cursor = root.walk();
    let mut statement = root;
    let mut parent_kind = root.kind();
    while cursor.goto_first_child_for_byte(at).is_some() && cursor.node().start_byte() <= at {
        let node = cursor.node();
        if matches!(parent_kind, "module" | "block") {
            statement = node;
        }
        parent_kind = node.kind();
    }
    statement
}

/// The node from which the candidate patterns about the name spelled at `range` are matched: the highest
/// node of its statement that the name reaches without leaving an argument list (except as a string, for
/// `getattr(x, "NAME")`). A pattern about the name starts there or below, while a name deep inside nested calls
/// no longer makes the query cursor keep a pending match for every enclosing call and advance them all at
/// every node (quadratic in the depth).
pub fn match_root<'t>(root: Node<'t>, range: &std::ops::Range<usize>) -> Node<'t> {
    // The path down to the leaf at the name, kept because `Node::parent` walks down from the root each time.
    let mut cursor = root.walk();
    let mut path = vec![root];
    let mut statement = 0;
    while cursor.goto_first_child_for_byte(range.start).is_some() && cursor.node().start_byte() <= range.start
    {
        if matches!(path[path.len() - 1].kind(), "module" | "block") {
            statement = path.len();
        }
        path.push(cursor.node());
    }
    let mut top = path.len() - 1;
    while top > statement && (path[top - 1].kind() != "argument_list" || path[top].kind() == "string") {
        top -= 1;
    }
    path[top]
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
        let next = node.children(&mut cursor).find(|c| c.has_error() || c.is_missing());
        let Some(next) = next else {
            // The error is a missing token that the tree does not list as a child (a newline between two
            // statements on one line, as in `1syntax_error`): place it at the second statement.
            let mut cursor = node.walk();
            let children: Vec<Node> = node.named_children(&mut cursor).collect();
            let glued = children.windows(2).find(|w| w[0].end_position().row == w[1].start_position().row);
            return Some(match glued {
                Some(w) => (w[1].start_byte(), "missing a newline between two statements".to_string()),
                None => (node.start_byte(), "invalid syntax".to_string()),
            });
        };
        node = next;
    }
}

/// Brackets nested deeper than this are beyond tree-sitter: past it the parse drops what is inside, silently.
pub const MAX_BRACKET_DEPTH: usize = 65_535;

/// tree-sitter-python's scanner saves its stack of indentation widths in tree-sitter's 1,024-byte buffer, two
/// bytes a level: past about 500 levels of blocks the stack is cut and the parse fails at the top.
pub const MAX_BLOCK_DEPTH: usize = 500;

/// Why `text` cannot be parsed faithfully, when its brackets nest deeper than `MAX_BRACKET_DEPTH` (brackets in
/// strings and comments do not count). Costs one vectorised count unless the file holds that many brackets.
pub fn bracket_limit(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    if memchr::memchr3_iter(b'(', b'[', b'{', bytes).count() <= MAX_BRACKET_DEPTH {
        return None;
    }
    let (mut depth, mut deepest, mut at) = (0usize, 0usize, 0);
    while let Some(&b) = bytes.get(at) {
        match b {
            b'(' | b'[' | b'{' => depth += 1,
            b')' | b']' | b'}' => depth = depth.saturating_sub(1),
            b'#' => at = memchr::memchr(b'\n', &bytes[at..]).map_or(bytes.len(), |i| at + i),
            b'"' | b'\'' => at = string_end(bytes, at) - 1,
            _ => {}
        }
        deepest = deepest.max(depth);
        at += 1;
    }
    (deepest > MAX_BRACKET_DEPTH).then(|| {
        format!(
            "brackets nested {deepest} deep, deeper than the {MAX_BRACKET_DEPTH} levels the parser follows \
             (CPython itself stops at 200); file not checked or changed"
        )
    })
}

/// The offset after the string literal that starts with the quote at `start` (or the end of the text).
fn string_end(bytes: &[u8], start: usize) -> usize {
    let quote = bytes[start];
    let triple = bytes[start..].starts_with(&[quote; 3]);
    let mut at = start + if triple { 3 } else { 1 };
    while let Some(&b) = bytes.get(at) {
        match b {
            b'\\' => at += 1,
            b'\n' if !triple => return at,
            b if b == quote && (!triple || bytes[at..].starts_with(&[quote; 3])) => {
                return at + if triple { 3 } else { 1 };
            }
            _ => {}
        }
        at += 1;
    }
    bytes.len()
}

/// Why a syntax error in `text` is the parser's limit rather than the file's fault, when its blocks nest deeper
/// than `MAX_BLOCK_DEPTH` (counted from the indentation of its lines).
pub fn block_limit(text: &str) -> Option<String> {
    let mut widths: Vec<usize> = vec![0];
    let mut deepest = 0;
    for line in text.lines() {
        let body = line.trim_start_matches([' ', '\t']);
        if body.is_empty() || body.starts_with('#') {
            continue;
        }
        let width = line.len() - body.len();
        while widths.last().is_some_and(|&w| w > width) {
            widths.pop();
        }
        if widths.last().is_some_and(|&w| w < width) {
            widths.push(width);
        }
        deepest = deepest.max(widths.len() - 1);
    }
    (deepest > MAX_BLOCK_DEPTH).then(|| {
        format!(
            "blocks nested {deepest} levels deep, deeper than the about {MAX_BLOCK_DEPTH} levels the parser \
             follows (CPython itself stops at 100); file not checked or changed"
        )
    })
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
        stack.extend(node.children(&mut cursor).filter(|c| c.has_error() || c.is_missing()));
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
        // A missing token is a leaf that does not report `has_error` itself.
        let text = "class C:\n    pass\n\n1syntax_error\n";
        let (at, what) = first_error(&parse(text).unwrap()).expect("an error");
        assert_eq!(
            (at, what.as_str()),
            (text.find("syntax_error").unwrap(), "missing a newline between two statements")
        );
    }

    #[test]
    fn pieces_parse_cleanly_exactly_when_the_file_does() {
        let filler: String = (0..PIECE / 10).map(|i| format!("def f{i}(x):\n    return x\n\n")).collect();
        assert!(filler.len() > 2 * PIECE, "several pieces");
        assert!(parses_in_pieces(&filler));
        for broken in ["x = (1,\ny = 2\n", "x = = 1\n", "def g():\n    return 1 +\n"] {
            let text = format!("{filler}{broken}{filler}");
            assert!(parse(&text).unwrap().root_node().has_error(), "{broken:?} is an error");
            assert!(!parses_in_pieces(&text), "{broken:?} in the middle of a big file");
        }
        assert!(parses_in_pieces(""), "nothing to parse");
    }

    #[test]
    fn nesting_beyond_the_parser_is_measured() {
        let deep =
            format!("x = {}1{}\n", "(".repeat(MAX_BRACKET_DEPTH + 1), ")".repeat(MAX_BRACKET_DEPTH + 1));
        let message = bracket_limit(&deep).expect("too deep");
        assert!(message.starts_with("brackets nested 65536 deep"), "{message}");
        let quoted = "s = '(' # (\n".repeat(MAX_BRACKET_DEPTH);
        assert_eq!(bracket_limit(&quoted), None, "brackets in strings and comments do not count");
        let blocks: String = (0..=MAX_BLOCK_DEPTH).map(|i| format!("{}if x:\n", " ".repeat(i))).collect();
        let message = block_limit(&format!("{blocks}{}pass\n", " ".repeat(MAX_BLOCK_DEPTH + 1))).unwrap();
        assert!(message.starts_with("blocks nested 501 levels deep"), "{message}");
        assert_eq!(block_limit("if x:\n    pass\n"), None);
    }

    #[test]
    fn many_ranges_are_joined_across_their_narrowest_gaps() {
        let few: Vec<std::ops::Range<usize>> = (0..MAX_RANGES).map(|i| i * 10..i * 10 + 5).collect();
        assert_eq!(joined(&few), few);
        // Ranges of 5 bytes; every third gap is 20 bytes wide, the others 5.
        let mut many = Vec::new();
        let mut at = 0;
        for i in 0..3 * MAX_RANGES {
            many.push(at..at + 5);
            at += 5 + if i % 3 == 2 { 20 } else { 5 };
        }
        let out = joined(&many);
        assert_eq!(out.len(), MAX_RANGES);
        assert_eq!((out[0].start, out[MAX_RANGES - 1].end), (0, many.last().unwrap().end));
        assert!(out.windows(2).all(|w| w[1].start - w[0].end == 20), "the wide gaps stay open");
        assert!(many.iter().all(|r| out.iter().any(|o| o.start <= r.start && r.end <= o.end)));
    }

    #[test]
    fn spellings_are_found_only_in_the_parsed_ranges() {
        let text = "a = F_async()\nb = F()\nc = F_async()\n";
        let second = text.find("b =").unwrap();
        let whole = parse(text).unwrap();
        let starts = |tree: &Tree| -> Vec<usize> {
            spellings(tree, text, ["F", "F_async"]).into_iter().map(|r| r.start).collect()
        };
        assert_eq!(starts(&whole), [4, 18, 26], "one per start");
        assert_eq!(spellings(&whole, text, ["F", "F_async"])[0], 4..11, "the longest name at a start");
        let partial = parse_ranges(text, &[std::ops::Range { start: second, end: second + 8 }]).unwrap();
        assert_eq!(starts(&partial), [18]);
    }

    #[test]
    fn reparsed_ranges_equal_a_fresh_parse_of_the_moved_ranges() {
        use crate::edit::Edit;
        let old = "import m\n\nclass C:\n    def other(self):\n        pass\n\n    async def f(self):\n        x = await g(1)\n        y = await g(2)\n";
        let header = old.find("class C").unwrap();
        let def = old.find("    async def").unwrap();
        let ranges = [0..9, header..header + 9, def..old.len()];
        let first = old.find("await g(1)").unwrap();
        let second = old.find("await g(2)").unwrap();
        let edits = [Edit::deletion(first..first + 6), Edit::deletion(second..second + 6)];
        let mut new = old.to_string();
        for e in edits.iter().rev() {
            new.replace_range(e.range(), e.content());
        }
        let moved = [0..9, header..header + 9, def..new.len()];
        let tree = parse_ranges(old, &ranges).unwrap();
        let reparsed = reparse_ranges(&tree, old, &edits, &new, &moved).unwrap();
        let fresh = parse_ranges(&new, &moved).unwrap();
        assert_eq!(reparsed.root_node().to_sexp(), fresh.root_node().to_sexp());
        assert!(!reparsed.root_node().has_error());
        let x = new.find("x = g(1)").unwrap();
        let node = reparsed.root_node().descendant_for_byte_range(x, x + 1).unwrap();
        assert_eq!((node.kind(), node.start_byte()), ("identifier", x), "offsets are those of the new text");
    }

    #[test]
    fn reparse_after_edits_equals_a_fresh_parse() {
        use crate::edit::Edit;
        let old = "async def f():\n    x = await g(1)\n    y = (await g(\n        2))\n    return x, y\n";
        let first = old.find("await g(1)").unwrap();
        let second = old.find("(await g(").unwrap();
        let close = old.find("2))").unwrap() + 2;
        let edits = [
            Edit::deletion(first..first + 6),
            Edit::deletion(second..second + 7),
            Edit::deletion(close..close + 1),
        ];
        let mut new = old.to_string();
        for e in edits.iter().rev() {
            new.replace_range(e.range(), e.content());
        }
        let tree = parse(old).unwrap();
        let reparsed = reparse(&tree, old, &edits, &new).unwrap();
        assert_eq!(reparsed.root_node().to_sexp(), parse(&new).unwrap().root_node().to_sexp());
        assert!(!reparsed.root_node().has_error(), "{new}");
    }
}
