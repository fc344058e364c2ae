//! Which `await`s of a file the project-wide rule must parse, decided before the file is parsed, from its
//! text, its statement outline and the index. AWF005 condemns `await NAME(...)` (or `await a.b.NAME(...)`)
//! only when the callee is what the index resolves the dotted name to in the file's module, or a
//! function-local import: so an `await` is parsed only when
//! - its callee cannot be read from the text (a parenthesis, a line break, a non-ASCII name);
//! - its first name follows `import` in a statement of a function, which may bind it locally (or on an
//!   indented line of a top-level block after a `def`, where a function nested in the block may import
//!   it); or
//! - its first name may be bound at module level (spelled in module-level code, or bound unspelled by a star
//!   import or as a package's submodule) and the index condemns the dotted name read in the module.
//!
//! Most awaited names are locals (`self`, `resp`) or lead outside the tree (`asyncio`): their statements are
//! left unparsed.

use std::collections::{HashMap, HashSet};

use aho_corasick::{AhoCorasick, MatchKind};
use memchr::memmem;

use super::awaitable::{Awaitability, awaitability};
use super::index::ProjectIndex;
use crate::chunk::{Unit, containing};

/// Where a name is spelled in a file.
#[derive(Clone, Copy, Default)]
struct Spelled {
    /// In module-level code: a top-level statement, or the heading of a top-level `def` or `class`.
    at_module_level: bool,
    /// After `import` in a statement of a function or class body (or on an indented line of a top-level block
    /// after a `def`), which may bind it there.
    in_a_local_import: bool,
}

/// What follows an `await`.
#[derive(Debug, PartialEq)]
enum Awaited<'t> {
    /// A call of a dotted name, as written (blanks may stand around its dots).
    Call(&'t str),
    /// Something else: a name not called, a subscript, a literal.
    Other,
    /// What the scan cannot read.
    Unread,
}

/// The offsets of the `await`s of `text` that the project-wide rule must parse. `text` is the source of
/// `module` (a package when `is_package`), whose outline is `units`.
pub(crate) fn kept_awaits(
    index: &ProjectIndex,
    module: &str,
    is_package: bool,
    text: &str,
    units: &[Unit],
) -> Vec<usize> {
    let awaits: Vec<(usize, Awaited)> =
        words(text.as_bytes(), "await").map(|at| (at, awaited_at(text, at + "await".len()))).collect();
    let roots: HashSet<&str> = (awaits.iter())
        .filter_map(|(_, awaited)| match awaited {
            Awaited::Call(callee) => Some(root(callee)),
            _ => None,
        })
        .collect();
    let spelled = spellings(text, units, roots.into_iter().collect());
    // A package's submodules and a star import's names are bound without being spelled.
    let unspelled = is_package || super::awaits::may_star_import(text);
    let mut verdicts: HashMap<String, bool> = HashMap::new();
    let mut condemned = |written: &str| {
        *verdicts.entry(super::squeeze(written)).or_insert_with_key(|callee| {
            let target = index.resolve_dotted(module, callee).target;
            matches!(awaitability(index, &target), Awaitability::Never(_))
        })
    };
    (awaits.into_iter())
        .filter(|(_, awaited)| match awaited {
            Awaited::Other => false,
            Awaited::Unread => true,
            Awaited::Call(callee) => {
                let spelled = spelled.get(root(callee)).copied().unwrap_or_default();
                spelled.in_a_local_import || (spelled.at_module_level || unspelled) && condemned(callee)
            }
        })
        .map(|(at, _)| at)
        .collect()
}

/// The first name of a callee as written.
fn root(callee: &str) -> &str {
    callee.split(['.', ' ', '\t', '\x0c']).next().unwrap_or_default()
}

/// Where each of `names` is spelled in `text`, in one pass over it.
fn spellings<'n>(text: &str, units: &[Unit], names: Vec<&'n str>) -> HashMap<&'n str, Spelled> {
    let mut out: HashMap<&str, Spelled> = HashMap::new();
    if names.is_empty() {
        return out;
    }
    let automaton = AhoCorasick::builder().match_kind(MatchKind::LeftmostLongest).build(&names);
    let Ok(automaton) = automaton else {
        // Too many names for one automaton: each may be anything.
        let anywhere = Spelled { at_module_level: true, in_a_local_import: true };
        return names.into_iter().map(|name| (name, anywhere)).collect();
    };
    let bytes = text.as_bytes();
    let mut imports: Option<Vec<usize>> = None;
    // The longest name matching at a word's start is the only one that may be the whole word, and no word
    // starts inside a match: skipping what is not a whole word misses none.
    for found in automaton.find_iter(bytes) {
        let (at, end) = (found.start(), found.end());
        if at > 0 && is_name_byte(bytes[at - 1]) || bytes.get(end).is_some_and(|&b| is_name_byte(b)) {
            continue;
        }
        let spelled = out.entry(names[found.pattern().as_usize()]).or_default();
        let Some(unit) = containing(units, at) else { continue };
        let imports = imports.get_or_insert_with(|| words(bytes, "import").collect());
        let Some(defined) = unit.defines(text).map(|d| d.name.start) else {
            // Module-level code. A function nested in a block (`if`, `try`, `with`) may import the name
            // there: on an indented line, after a `def`.
            spelled.at_module_level = true;
            let import = import_before(text, imports, unit.range.start, at);
            spelled.in_a_local_import |= import.is_some_and(|i| {
                indented(bytes, i) && words(&bytes[unit.range.start..i], "def").next().is_some()
            });
            continue;
        };
        if at < unit.header.end {
            // A `def` or `class` binds its own name at module level; its decorators, parameters, defaults and
            // bases bind nothing there, but for an assignment expression (a one-line body is read as
            // module-level code too: it is not told apart from the heading).
            let heading = &text[unit.range.start..unit.header.end];
            spelled.at_module_level |= at == defined || heading.contains(":=") || unit.body.is_none();
        }
        // In the body (or on the heading's line, for a one-line body): a name the function may import.
        let statement = if at < unit.header.end { unit.range.start } else { innermost(unit, at).range.start };
        spelled.in_a_local_import |= import_before(text, imports, statement, at).is_some();
    }
    out
}

/// What the `await` ending at offset `from` of `text` awaits.
fn awaited_at(text: &str, from: usize) -> Awaited<'_> {
    let bytes = text.as_bytes();
    let blanks =
        |i: usize| i + bytes[i..].iter().take_while(|&&b| matches!(b, b' ' | b'\t' | b'\x0c')).count();
    let name =
        |i: usize| i + bytes[i..].iter().take_while(|&&b| b.is_ascii_alphanumeric() || b == b'_').count();
    let start = blanks(from);
    match bytes.get(start) {
        Some(b) if b.is_ascii_alphabetic() || *b == b'_' => {}
        // A parenthesized callee, a line continued, a non-ASCII name.
        Some(b'(' | b'\\' | b'\n' | b'\r' | b'#' | 0x80..) => return Awaited::Unread,
        _ => return Awaited::Other,
    }
    // Inside brackets a call may go on past a line break or a comment: unread when what comes next may go on.
    let goes_on = |mut i: usize| {
        while let Some(&b) = bytes.get(i) {
            match b {
                b' ' | b'\t' | b'\n' | b'\r' | b'\\' | b'\x0c' => i += 1,
                b'#' => i = memchr::memchr(b'\n', &bytes[i..]).map_or(bytes.len(), |n| i + n),
                b'(' | b'.' => return Awaited::Unread,
                _ => return Awaited::Other,
            }
        }
        Awaited::Other
    };
    let mut end = name(start);
    loop {
        let next = blanks(end);
        match bytes.get(next) {
            Some(b'(') => return Awaited::Call(&text[start..end]),
            Some(b'.') => {
                let part = blanks(next + 1);
                let part_end = name(part);
                if part_end == part || bytes.get(part).is_some_and(u8::is_ascii_digit) {
                    return Awaited::Unread;
                }
                end = part_end;
            }
            Some(b'\\' | b'\n' | b'\r' | b'#') => return goes_on(next),
            Some(0x80..) => return Awaited::Unread,
            _ => return Awaited::Other,
        }
    }
}

/// Where the `import` stands whose statement may bind the name at offset `at`, in the statement from `start`
/// on (`imports`: where the word `import` stands in `text`): the name follows that word in the same
/// statement, past only names, dots, commas, `as` and blanks (and, inside the parentheses of
/// `from m import (...)`, line breaks and comments). `None` when no import binds it.
fn import_before(text: &str, imports: &[usize], start: usize, at: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    let &import = imports[..imports.partition_point(|&i| i < at)].last().filter(|&&i| i >= start)?;
    let mut parenthesized = false;
    let mut i = import + "import".len();
    while i < at {
        match bytes[i] {
            b'(' if !parenthesized => parenthesized = true,
            b'\\' => i += 1,
            b'\n' | b'\r' if parenthesized => {}
            b'#' if parenthesized => i = memchr::memchr(b'\n', &bytes[i..at]).map_or(at, |n| i + n),
            b',' | b'.' | b' ' | b'\t' | b'\x0c' => {}
            b if is_name_byte(b) => {}
            _ => return None,
        }
        i += 1;
    }
    Some(import)
}

/// Whether the line holding offset `at` is indented.
fn indented(bytes: &[u8], at: usize) -> bool {
    let line = memchr::memrchr(b'\n', &bytes[..at]).map_or(0, |n| n + 1);
    matches!(bytes.get(line), Some(b' ' | b'\t' | b'\x0c'))
}

/// The innermost statement of `unit` that holds offset `at`, down through `def`, `class` and `with` bodies.
fn innermost(unit: &Unit, at: usize) -> &Unit {
    let mut inner = unit;
    while let Some(next) = inner.body.as_deref().and_then(|body| containing(body, at)) {
        inner = next;
    }
    inner
}

/// The offsets of `word` in `bytes` as a whole word.
fn words<'a>(bytes: &'a [u8], word: &'a str) -> impl Iterator<Item = usize> + 'a {
    memmem::find_iter(bytes, word.as_bytes()).filter(move |&at| {
        let after = at + word.len();
        !(at > 0 && is_name_byte(bytes[at - 1]) || bytes.get(after).is_some_and(|&b| is_name_byte(b)))
    })
}

/// A byte of a name: ASCII letters, digits and `_`, or any byte of a non-ASCII character (Python names may
/// hold those; treating them as name bytes keeps a name whole).
fn is_name_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b >= 0x80
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::project::test_project;

    const FACTORY: &str = "\
def make(ctx):
    return object()

async def make_async(ctx):
    return object()
";

    /// The `await`s of `app/user.py` (or `file`) the filter keeps, each as the text after the keyword up to
    /// the end of its line.
    fn kept(file: &str, text: &str) -> Vec<String> {
        let (_dir, index) =
            test_project(&[("app/__init__.py", ""), ("app/factory.py", FACTORY), (file, text)]);
        let (module, is_package) = index.map().module_of(&_dir.path().join(file)).expect("a module");
        let units = crate::chunk::outline(text).expect("an outline");
        (kept_awaits(&index, &module, is_package, text, &units).into_iter())
            .map(|at| text[at + 5..].lines().next().unwrap_or_default().trim().to_string())
            .collect()
    }

    #[test]
    fn awaits_the_index_condemns_or_cannot_judge_yet_are_kept() {
        let text = "\
import asyncio
from app.factory import make, make_async
from app import factory
helper = make

async def f(self, resp, make_param):
    await self.send(1)
    await resp.json()
    await asyncio.sleep(0)
    await make(1)
    await make_async(1)
    await helper()
    await factory . make(2)
    await factory.make_async(2)
    await make_param()
    await (make)(3)
    await make[0](4)
    awaitable = make
    return [await row async for row in resp]
";
        assert_eq!(kept("app/user.py", text), ["make(1)", "helper()", "factory . make(2)", "(make)(3)"]);
    }

    #[test]
    fn a_name_spelled_in_a_functions_import_may_be_bound_there() {
        let text = "\
async def g():
    from app.factory import make_async as local
    await local()
    await make()

async def h(rows):
    try:
        from app import tools as guarded
    except ImportError:
        raise
    await guarded.run(5)
    await rows.next()

async def i(request):
    if request:
        from app import (  # the helpers
            tools as helpers,
        )
        await request.read()
        await helpers.run()
";
        assert_eq!(
            kept("app/user.py", text),
            ["local()", "guarded.run(5)", "helpers.run()"],
            "kept whatever the import binds; a name the import does not spell is not bound by it"
        );
    }

    #[test]
    fn packages_and_star_imports_bind_names_they_do_not_spell() {
        let text = "async def f():\n    await factory.make(1)\n    await make(2)\n";
        assert_eq!(kept("app/user.py", text), Vec::<String>::new(), "unbound names are builtins");
        assert_eq!(kept("app/sub/__init__.py", text), Vec::<String>::new(), "no submodule `factory` there");
        let star = format!("from app.factory import *\n{text}");
        assert_eq!(kept("app/user.py", &star), ["make(2)"]);
        let package = "async def f():\n    await factory.make(1)\n";
        assert_eq!(kept("app/__init__.py", package), ["factory.make(1)"], "a package's submodule");
    }

    #[test]
    fn what_follows_an_await() {
        fn read(text: &str) -> Awaited<'_> {
            awaited_at(text, 0)
        }
        assert_eq!(read(" a.b ( x)"), Awaited::Call("a.b"));
        assert_eq!(read("\ta . b(x)"), Awaited::Call("a . b"));
        assert_eq!(read("\x0ca\x0c(x)"), Awaited::Call("a"), "a form feed is a blank");
        assert_eq!(read(" a"), Awaited::Other);
        assert_eq!(read(" a[0](x)"), Awaited::Other);
        assert_eq!(read(" 'text'"), Awaited::Other);
        assert_eq!(read(" (a)(x)"), Awaited::Unread);
        assert_eq!(read(" a\n(x)"), Awaited::Unread);
        assert_eq!(read(" a  # note\n    .b(x)"), Awaited::Unread);
        assert_eq!(read(" task\n    return x"), Awaited::Other);
        assert_eq!(read(" a.b\n"), Awaited::Other);
        assert_eq!(read(" a.\\\n b(x)"), Awaited::Unread);
        assert_eq!(read(" é(x)"), Awaited::Unread);
    }
}
