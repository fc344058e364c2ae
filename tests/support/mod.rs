//! Helpers shared by the integration tests.
// Each test crate uses a part of these.
#![allow(dead_code)]

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

/// Copies the folder `from` into `to` (created if needed), without Python's `__pycache__` folders.
pub fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if !entry.file_type().unwrap().is_dir() {
            std::fs::copy(entry.path(), target).unwrap();
        } else if entry.file_name() != "__pycache__" {
            copy_tree(&entry.path(), &target);
        }
    }
}

/// Asserts that CPython compiles `source` (a stricter check than tree-sitter: `await` outside `async def` fails).
pub fn python_compiles(name: &str, source: &str) {
    let mut child = Command::new("python3")
        .args(["-c", "import sys; compile(sys.stdin.read(), sys.argv[1], 'exec')", name])
        .stdin(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("python3 runs");
    child.stdin.take().unwrap().write_all(source.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{name}: python3 rejects the result:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

const UNDEFINED_NAMES: &str = r#"
import ast, builtins, symtable, sys
src = sys.stdin.read()
try:
    tree = ast.parse(src)
    top = symtable.symtable(src, sys.argv[1], "exec")
except SyntaxError:
    print("<syntax error>")
    sys.exit(0)
if any(isinstance(n, ast.ImportFrom) and any(a.name == "*" for a in n.names) for n in ast.walk(tree)):
    print("<star import>")
    sys.exit(0)
defined = {s.get_name() for s in top.get_symbols() if s.is_assigned() or s.is_imported() or s.is_namespace()}
known = defined | set(dir(builtins)) | {"__file__", "__name__", "__doc__"}
missing = set()
def visit(table, top_level):
    for s in table.get_symbols():
        if s.is_referenced() and (top_level or s.is_global()) and s.get_name() not in known:
            missing.add(s.get_name())
    for child in table.get_children():
        visit(child, False)
visit(top, True)
print("\n".join(sorted(missing)))
"#;

/// Global names a module reads but never binds (nor gets from builtins), by CPython's own symbol tables;
/// `None` when the module does not compile or has a star import.
pub fn undefined_names(name: &str, source: &str) -> Option<std::collections::BTreeSet<String>> {
    let mut child = Command::new("python3")
        .args(["-c", UNDEFINED_NAMES, name])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("python3 runs");
    child.stdin.take().unwrap().write_all(source.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{name}: the undefined-name script failed");
    let text = String::from_utf8(out.stdout).unwrap();
    if text.starts_with('<') {
        return None;
    }
    Some(text.lines().filter(|l| !l.is_empty()).map(str::to_string).collect())
}

/// Applies a unified diff of one file (as `FileDiff::text` renders it) to `original`; `None` when a hunk's
/// context or removed lines do not match, or its header's line counts are wrong.
pub fn apply_unified_diff(original: &str, diff: &str) -> Option<String> {
    let old: Vec<&str> = original.split_inclusive('\n').collect();
    let mut out = String::new();
    let mut next = 0; // index into `old` of the first line not yet copied
    let mut lines = diff.split_inclusive('\n').skip_while(|l| !l.starts_with("@@")).peekable();
    while let Some(header) = lines.next() {
        let counts = |prefix: char| -> Option<(usize, usize)> {
            let part = header.split_whitespace().find(|p| p.starts_with(prefix))?;
            let mut numbers = part[1..].split(',').map(|n| n.parse::<usize>().ok());
            Some((numbers.next()??, numbers.next().unwrap_or(Some(1))?))
        };
        let ((old_start, old_len), (_, new_len)) = (counts('-')?, counts('+')?);
        let start = if old_len == 0 { old_start } else { old_start - 1 };
        out.extend(old.get(next..start)?.iter().copied());
        next = start;
        let (mut seen_old, mut seen_new) = (0, 0);
        let mut last_tag = "-";
        while let Some(line) = lines.next_if(|l| !l.starts_with("@@")) {
            if line.starts_with('\\') {
                // "\ No newline at end of file": the line before it has none; on the new side, drop it.
                if last_tag != "-" && out.ends_with('\n') {
                    out.pop();
                }
                continue;
            }
            let (tag, text) = line.split_at(1);
            last_tag = tag;
            match tag {
                " " | "-" => {
                    let current = old.get(next)?;
                    if current.trim_end_matches('\n') != text.trim_end_matches('\n') {
                        return None;
                    }
                    next += 1;
                    seen_old += 1;
                    if tag == " " {
                        out.push_str(current);
                        seen_new += 1;
                    }
                }
                "+" => {
                    out.push_str(text);
                    seen_new += 1;
                }
                _ => return None,
            }
        }
        if (seen_old, seen_new) != (old_len, new_len) {
            return None;
        }
    }
    out.extend(old.get(next..)?.iter().copied());
    Some(out)
}

const VALIDATE: &str = r#"
import json, sys
try:
    import jsonschema
except ImportError:
    sys.exit("jsonschema is missing: run the tests through scripts/test, which installs tests/requirements.txt")
schema = json.load(open(sys.argv[1]))
validator = jsonschema.Draft4Validator(schema, format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER)
errors = sorted(validator.iter_errors(json.load(sys.stdin)), key=lambda e: list(e.path))
for e in errors:
    print("/".join(map(str, e.path)), e.message)
sys.exit(1 if errors else 0)
"#;

/// Validates a SARIF log against the vendored SARIF 2.1.0 schema with Python's `jsonschema`.
pub fn assert_valid_sarif(log: &str) {
    let schema = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/sarif-schema-2.1.0.json");
    let mut child = Command::new("python3")
        .args(["-c", VALIDATE])
        .arg(schema)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(log.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    let text = |bytes: &[u8]| String::from_utf8_lossy(bytes).into_owned();
    assert!(out.status.success(), "invalid SARIF:\n{}{}", text(&out.stdout), text(&out.stderr));
}
