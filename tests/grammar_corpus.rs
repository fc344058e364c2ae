//! The vendored grammar against corpus tests in tree-sitter's format: each case's source parses to the
//! expected S-expression, compared as `tree-sitter test` does (whitespace normalised, named nodes only, field
//! names kept only when the expected tree has some). Runs `vendor/tree-sitter-python/test/corpus`, and also
//! the folder named by `TREE_SITTER_PYTHON_CORPUS` (e.g. the grammar repository's own `test/corpus`).

use std::path::{Path, PathBuf};

/// One corpus case: its name, source and expected tree (`None` for an `:error` case, which only has to
/// hold an error).
struct Case {
    name: String,
    source: String,
    expected: Option<String>,
}

/// A line of at least three `c`, as corpus headers and separators are.
fn is_rule(line: &str, c: char) -> bool {
    let line = line.trim_end();
    line.len() >= 3 && line.chars().all(|x| x == c)
}

/// Where the header that starts at line `i` ends (the line after its closing rule), and its attributes:
/// `===`, the name, `:attribute` lines, `===`.
fn header<'a>(lines: &[&'a str], i: usize) -> Option<(usize, Vec<&'a str>)> {
    if !is_rule(lines[i], '=') || i + 2 >= lines.len() {
        return None;
    }
    let attributes: Vec<&str> = lines[i + 2..].iter().take_while(|l| l.starts_with(':')).copied().collect();
    let close = i + 2 + attributes.len();
    (close < lines.len() && is_rule(lines[close], '=')).then_some((close + 1, attributes))
}

/// The cases of one corpus file (header, source, `---`, tree); cases marked `:skip` are left out.
fn cases(text: &str) -> Vec<Case> {
    let lines: Vec<&str> = text.lines().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let Some((start, attributes)) = header(&lines, i) else {
            i += 1;
            continue;
        };
        let name = lines[i + 1].trim().to_string();
        let Some(sep) = (start..lines.len()).find(|&j| is_rule(lines[j], '-')) else { break };
        let end = (sep + 1..lines.len()).find(|&j| header(&lines, j).is_some()).unwrap_or(lines.len());
        let source = lines[start..sep].join("\n").trim_matches('\n').to_string() + "\n";
        let expected = (!attributes.contains(&":error")).then(|| lines[sep + 1..end].join("\n"));
        if !attributes.contains(&":skip") {
            out.push(Case { name, source, expected });
        }
        i = end;
    }
    out
}

/// An S-expression with every run of whitespace made one space and none before a `)`.
fn normalise(sexp: &str) -> String {
    let words: Vec<&str> = sexp.split_whitespace().collect();
    words.join(" ").replace(" )", ")")
}

/// `sexp` without `name: ` field labels.
fn without_fields(sexp: &str) -> String {
    sexp.split(' ')
        .filter(|w| !(w.ends_with(':') && w[..w.len() - 1].chars().all(|c| c.is_alphanumeric() || c == '_')))
        .collect::<Vec<_>>()
        .join(" ")
}

fn has_fields(sexp: &str) -> bool {
    sexp.split_whitespace().any(|w| w.len() > 1 && w.ends_with(':'))
}

/// The names of the cases of `dir` whose tree differs from the expected one, with both trees.
fn failures(dir: &Path) -> (usize, Vec<String>) {
    failures_of(dir, |source| source.to_string())
}

/// `failures`, each case's source first rewritten by `edit`.
fn failures_of(dir: &Path, edit: impl Fn(&str) -> String) -> (usize, Vec<String>) {
    let mut parser = tree_sitter::Parser::new();
    parser.set_language(&tree_sitter_python::LANGUAGE.into()).unwrap();
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).collect();
    files.sort();
    let mut count = 0;
    let mut failed = Vec::new();
    for file in files.iter().filter(|f| f.extension().is_some_and(|e| e == "txt")) {
        for case in cases(&std::fs::read_to_string(file).unwrap()) {
            count += 1;
            let source = edit(&case.source);
            let tree = parser.parse(&source, None).unwrap();
            if let Some(end) = comment_ends(tree.root_node())
                .into_iter()
                .find(|&e| e < source.len() && !source[e..].starts_with('\n'))
            {
                failed.push(format!(
                    "{}: {}: a comment ends at {end}, before its line does",
                    file.display(),
                    case.name
                ));
            }
            let Some(expected) = &case.expected else {
                if !tree.root_node().has_error() {
                    failed.push(format!(
                        "{}: {}: parses without the error it must hold",
                        file.display(),
                        case.name
                    ));
                }
                continue;
            };
            let expected = normalise(expected);
            let mut actual = normalise(&tree.root_node().to_sexp());
            if !has_fields(&expected) {
                actual = without_fields(&actual);
            }
            if actual != expected {
                let file = file.file_name().unwrap().to_string_lossy();
                failed.push(format!("{file}: {}\n  expected: {expected}\n  actual:   {actual}", case.name));
            }
        }
    }
    (count, failed)
}

#[test]
fn vendored_grammar_passes_its_corpus() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("vendor/tree-sitter-python/test/corpus");
    let (count, failed) = failures(&dir);
    assert!(count >= 10, "the corpus was read: {count} cases");
    assert!(failed.is_empty(), "{} of {count} cases differ:\n{}", failed.len(), failed.join("\n"));
}

/// Where each comment of the tree ends: a comment is `#` up to the line break, a `\r` included.
fn comment_ends(node: tree_sitter::Node) -> Vec<usize> {
    let mut ends = Vec::new();
    let mut cursor = node.walk();
    for child in node.children(&mut cursor) {
        if child.kind() == "comment" {
            ends.push(child.end_byte());
        }
        ends.extend(comment_ends(child));
    }
    ends
}

/// Line ends do not change the tree: every case again with CRLF line ends and without its final line break,
/// which the comment-run cases need most (a comment runs over its `\r`, a run may end the file).
#[test]
fn vendored_grammar_parses_its_corpus_alike_with_crlf_and_no_final_line_break() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("vendor/tree-sitter-python/test/corpus");
    let (count, failed) = failures_of(&dir, |source| source.trim_end_matches('\n').replace('\n', "\r\n"));
    assert!(failed.is_empty(), "{} of {count} cases differ:\n{}", failed.len(), failed.join("\n"));
}

/// The grammar repository's own corpus, when a copy is named: `TREE_SITTER_PYTHON_CORPUS=…/test/corpus`.
#[test]
fn vendored_grammar_passes_the_upstream_corpus_when_given() {
    let Some(dir) = std::env::var_os("TREE_SITTER_PYTHON_CORPUS") else {
        return;
    };
    let (count, failed) = failures(Path::new(&dir));
    assert!(failed.is_empty(), "{} of {count} cases differ:\n{}", failed.len(), failed.join("\n"));
}

#[test]
fn corpus_cases_are_split_at_their_rules() {
    let text = "===\nfirst\n===\n\nx = 1\n\n---\n\n(module\n  (expression_statement))\n\n=====\nsecond\n:skip\n=====\ny\n---\n(module)\n===\nthird\n:error\n===\nz(\n---\n";
    let found = cases(text);
    assert_eq!(found.len(), 2, "the :skip case is left out");
    assert_eq!((found[0].name.as_str(), found[0].source.as_str()), ("first", "x = 1\n"));
    assert_eq!(normalise(found[0].expected.as_deref().unwrap()), "(module (expression_statement))");
    assert_eq!((found[1].name.as_str(), found[1].expected.as_deref()), ("third", None));
    assert_eq!(without_fields("(a left: (b) right: (c))"), "(a (b) (c))");
}

/// How many bytes the parser reads to parse `source`, served in 64-byte chunks: every chunk the lexer asks
/// for is counted, so text the external scanner looks ahead over again and again is counted again each time.
fn bytes_read(source: &str) -> usize {
    let mut parser = tree_sitter::Parser::new();
    parser.set_language(&tree_sitter_python::LANGUAGE.into()).unwrap();
    let mut read = 0;
    let mut chunk = |offset: usize, _| {
        let piece = source.as_bytes().get(offset..(offset + 64).min(source.len())).unwrap_or_default();
        read += piece.len();
        piece
    };
    let tree = parser.parse_with_options(&mut chunk, None, None).unwrap();
    assert!(!tree.root_node().has_error(), "valid source parses: {}", &source[..200.min(source.len())]);
    read
}

/// Runs of comment lines are read a bounded number of times, whatever their indentation and whatever follows
/// them: the scanner once measured the indentation after the run again from each of its lines, O(n^2).
#[test]
fn comment_runs_are_read_a_bounded_number_of_times() {
    let run =
        |indent: &str, eol: &str| -> String { (0..4000).map(|i| format!("{indent}# c {i}{eol}")).collect() };
    let shapes = [
        ("column 0 inside a block", format!("def f():\n    x = 1\n{}    y = 2\n", run("", "\n"))),
        (
            "column 0 inside a block, CRLF",
            format!("def f():\r\n    x = 1\r\n{}    y = 2\r\n", run("", "\r\n")),
        ),
        ("column 2 inside a block", format!("def f():\n    x = 1\n{}    y = 2\n", run("  ", "\n"))),
        ("block indentation", format!("def f():\n    x = 1\n{}    y = 2\n", run("    ", "\n"))),
        ("after a block", format!("def f():\n    x = 1\n{}y = 2\n", run("", "\n"))),
        ("after a nested block", format!("def f():\n    if x:\n        pass\n{}    y = 2\n", run("", "\n"))),
        ("end of file", format!("def f():\n    x = 1\n{}", run("", "\n"))),
        ("start of file", format!("{}x = 1\n", run("", "\n"))),
        ("before a block's first line", format!("if x:\n{}    y = 2\n", run("", "\n"))),
    ];
    for (name, source) in shapes {
        let read = bytes_read(&source);
        assert!(read <= 4 * source.len(), "{name}: {read} bytes read for {} bytes", source.len());
    }
}
