//! Chunks: the statement outline of a Python text, from a light scan of its tokens (strings, comments,
//! brackets, line continuations) and indentation. `check` parses only the statements that mention the names
//! it tracks, with the `def`, `class` and `with` headers around them; every binding of a name spells it, so
//! resolution over those statements is the same as over the whole file. When the scan is unsure, or the
//! statements it picked do not parse cleanly, the whole file is parsed instead.

use std::ops::Range;

/// A statement with everything that belongs to it: comments and blank lines after it, decorators before it,
/// its body, and its `else`, `elif`, `except` and `finally` clauses.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unit {
    pub range: Range<usize>,
    /// The header line, from its keyword to the end of the line that opens the body. Decorators and the
    /// comments before it are left out: a site in the body does not depend on them, and a name spelled in
    /// them takes the whole statement.
    pub header: Range<usize>,
    /// The statements of the body, for a `def`, `class` or `with` without clauses: a site inside needs only
    /// the header and its own statement. `None` for other statements, which are parsed whole.
    pub body: Option<Vec<Unit>>,
}

/// What a `def` or `class` statement defines, read from its header line.
#[derive(Debug, PartialEq, Eq)]
pub struct Defined {
    /// `Some(is_async)` for a `def`, `None` for a `class`.
    pub is_async: Option<bool>,
    /// The bytes of the name it binds.
    pub name: Range<usize>,
}

impl Unit {
    /// The `def` or `class` this statement is, when its header line names it with an ASCII name; `None` for
    /// any other statement (and for a name this scan does not read).
    pub fn defines(&self, text: &str) -> Option<Defined> {
        let header = &text[self.header.clone()];
        let blanks = [' ', '\t'];
        let (is_async, rest) = match header.strip_prefix("async") {
            Some(rest) if rest.starts_with(blanks) => (true, rest.trim_start_matches(blanks)),
            _ => (false, header),
        };
        let (is_async, rest) = match (rest.strip_prefix("def"), rest.strip_prefix("class")) {
            (Some(rest), _) => (Some(is_async), rest),
            (None, Some(rest)) if !is_async => (None, rest),
            _ => return None,
        };
        let name = rest.trim_start_matches(blanks);
        let len = name.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).unwrap_or(name.len());
        let valid = name.len() < rest.len()
            && len > 0
            && !name.starts_with(|c: char| c.is_ascii_digit())
            && name[len..].starts_with(['(', '[', ':', ' ', '\t']);
        let start = self.header.end - name.len();
        valid.then_some(Defined { is_async, name: start..start + len })
    }
}

/// The top-level statements of `text`, in order, covering it whole; `None` when the scan ends inside a string
/// or brackets.
pub fn outline(text: &str) -> Option<Vec<Unit>> {
    let lines = logical_lines(text.as_bytes())?;
    Some(units(&lines, 0, text.len()))
}

/// Adds to `picked` the byte ranges that must be parsed for a site at `at`: its statement, and the headers of
/// the `def`, `class` and `with` statements around it. Returns whether anything was added.
pub fn pick(units: &[Unit], at: usize, picked: &mut Vec<Range<usize>>) -> bool {
    let Some(unit) = containing(units, at) else { return false };
    if let Some(body) = unit.body.as_ref().filter(|_| at >= unit.header.end) {
        // A comment or blank line between the header and the first statement holds no site.
        let mut inner = Vec::new();
        if !pick(body, at, &mut inner) {
            return false;
        }
        let added = add(picked, unit.header.clone());
        return inner.into_iter().fold(added, |added, r| add(picked, r) | added);
    }
    add(picked, unit.range.clone())
}

/// The unit of `units` (sorted, covering their text) that holds offset `at`.
pub fn containing(units: &[Unit], at: usize) -> Option<&Unit> {
    let i = units.partition_point(|u| u.range.end <= at);
    units.get(i).filter(|u| u.range.start <= at)
}

/// Adds `range` to the sorted, disjoint `ranges`, merging what overlaps or touches; whether it added bytes.
fn add(ranges: &mut Vec<Range<usize>>, range: Range<usize>) -> bool {
    let first = ranges.partition_point(|r| r.end < range.start);
    let last = ranges.partition_point(|r| r.start <= range.end);
    if first < last && ranges[first].start <= range.start && range.end <= ranges[first].end {
        return false;
    }
    let merged = if first < last {
        ranges[first].start.min(range.start)..ranges[last - 1].end.max(range.end)
    } else {
        range
    };
    ranges.splice(first..last, [merged]);
    true
}

/// What a logical line starts with, as far as the outline cares.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Word {
    Decorator,
    /// `else`, `elif`, `except`, `finally`: continues the statement before it.
    Clause,
    /// `def`, `async def`, `class`, `with`, `async with`.
    Block,
    Other,
}

/// One logical line: from the start of its first physical line to just past the newline that ends it.
#[derive(Debug)]
struct Line {
    start: usize,
    end: usize,
    indent: usize,
    word: Word,
    /// Whether its last token is `:`, which opens an indented body.
    opens: bool,
}

fn logical_lines(bytes: &[u8]) -> Option<Vec<Line>> {
    let mut lines = Vec::new();
    let mut depth = 0usize;
    let mut i = 0;
    // The line being read: its start, indent and first word, and its last significant byte so far.
    let mut current: Option<(usize, usize, Word)> = None;
    let mut last = b'\n';
    let mut line_start = 0;
    while i < bytes.len() {
        if current.is_none() && depth == 0 {
            let (indent, code) = indentation(bytes, i);
            match bytes.get(code) {
                None | Some(b'\n' | b'\r' | b'#') => {}
                Some(_) => current = Some((line_start, indent, word_at(bytes, code))),
            }
        }
        let b = bytes[i];
        match b {
            b'#' => {
                i = memchr::memchr(b'\n', &bytes[i..]).map_or(bytes.len(), |n| i + n);
                continue;
            }
            b'\'' | b'"' => {
                i = skip_string(bytes, i)?;
                last = b'"';
                continue;
            }
            b'(' | b'[' | b'{' => depth += 1,
            b')' | b']' | b'}' => depth = depth.saturating_sub(1),
            // A line continuation (`\` then LF or CRLF) joins the next line to this one.
            b'\\' => {
                i += if bytes.get(i + 1) == Some(&b'\r') { 3 } else { 2 };
                continue;
            }
            b'\n' => {
                line_start = i + 1;
                if depth == 0
                    && let Some((start, indent, word)) = current.take()
                {
                    lines.push(Line { start, end: i + 1, indent, word, opens: last == b':' });
                }
                i += 1;
                continue;
            }
            b' ' | b'\t' | b'\r' | b'\x0c' => {
                i += 1 + bytes[i + 1..]
                    .iter()
                    .take_while(|&&c| matches!(c, b' ' | b'\t' | b'\r' | b'\x0c'))
                    .count();
                continue;
            }
            _ => {}
        }
        // A run of bytes that matter only as the line's last significant one, such as a name.
        i += 1 + bytes[i + 1..].iter().position(|&c| SPECIAL[usize::from(c)]).unwrap_or(bytes.len() - i - 1);
        last = bytes[i - 1];
    }
    if depth != 0 {
        return None;
    }
    if let Some((start, indent, word)) = current {
        lines.push(Line { start, end: bytes.len(), indent, word, opens: last == b':' });
    }
    Some(lines)
}

/// The bytes the scan of logical lines stops at: all but those of names, numbers and most operators.
static SPECIAL: [bool; 256] = byte_set(b"#'\"([{)]}\\\n \t\r\x0c");

const fn byte_set(bytes: &[u8]) -> [bool; 256] {
    let mut set = [false; 256];
    let mut i = 0;
    while i < bytes.len() {
        set[bytes[i] as usize] = true;
        i += 1;
    }
    set
}

/// The indentation width of the line starting at `i` (tabs to the next multiple of 8, as Python counts them)
/// and the offset of its first other byte.
fn indentation(bytes: &[u8], i: usize) -> (usize, usize) {
    let mut width = 0;
    let mut j = i;
    while let Some(&b) = bytes.get(j) {
        match b {
            b' ' => width += 1,
            b'\t' => width = (width / 8 + 1) * 8,
            b'\x0c' => width = 0,
            _ => break,
        }
        j += 1;
    }
    (width, j)
}

fn word_at(bytes: &[u8], i: usize) -> Word {
    let keyword = |k: &str| keyword_at(bytes, i, k);
    if bytes[i] == b'@' {
        Word::Decorator
    } else if ["else", "elif", "except", "finally"].into_iter().any(keyword) {
        Word::Clause
    } else if ["def", "class", "with"].into_iter().any(keyword) {
        Word::Block
    } else if keyword("async") {
        let after = i + 5 + bytes[i + 5..].iter().take_while(|b| matches!(b, b' ' | b'\t')).count();
        let block = ["def", "with"].iter().any(|k| keyword_at(bytes, after, k));
        if block { Word::Block } else { Word::Other }
    } else {
        Word::Other
    }
}

/// The statements of `lines` (all indented at least as the first), the last one reaching `end`.
fn units(lines: &[Line], start: usize, end: usize) -> Vec<Unit> {
    let mut out: Vec<Unit> = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let indent = lines[i].indent;
        let deeper = |m: usize| m < lines.len() && lines[m].indent > indent;
        // Decorators belong to the statement they decorate.
        let mut header = i;
        while lines[header].word == Word::Decorator && header + 1 < lines.len() {
            header += 1;
        }
        let mut next = header + 1;
        while deeper(next) {
            next += 1;
        }
        let body_end = next;
        let mut clauses = false;
        while next < lines.len() && lines[next].indent == indent && lines[next].word == Word::Clause {
            clauses = true;
            next += 1;
            while deeper(next) {
                next += 1;
            }
        }
        let unit_end = lines.get(next).map_or(end, |l| l.start);
        let line = &lines[header];
        let body = (line.word == Word::Block && line.opens && !clauses && body_end > header + 1)
            .then(|| units(&lines[header + 1..body_end], line.end, unit_end));
        // The first statement also takes what precedes it (blank lines, comments), so the units cover it all.
        let unit_start = if out.is_empty() { start.min(lines[i].start) } else { lines[i].start };
        out.push(Unit { range: unit_start..unit_end, header: line.start..line.end, body });
        i = next;
    }
    out
}

/// Whether `keyword` stands at `i` as a whole word.
fn keyword_at(bytes: &[u8], i: usize, keyword: &str) -> bool {
    bytes[i..].starts_with(keyword.as_bytes())
        && !bytes.get(i + keyword.len()).is_some_and(|&c| c.is_ascii_alphanumeric() || c == b'_')
}

/// The offset just past the string whose opening quote is at `i`. Prefixes (`r`, `b`, `f`, …) need no care:
/// a backslash keeps the next character in every kind of string, raw ones included, as far as where the
/// string ends is concerned. `None` for a single-quoted string that reaches the end of its line.
fn skip_string(bytes: &[u8], i: usize) -> Option<usize> {
    let quote = bytes[i];
    let triple = bytes.get(i + 1) == Some(&quote) && bytes.get(i + 2) == Some(&quote);
    let mut j = if triple { i + 3 } else { i + 1 };
    while j < bytes.len() {
        j += memchr::memchr3(quote, b'\\', b'\n', &bytes[j..])?;
        match bytes[j] {
            b'\\' => j += 2,
            b'\n' if !triple => return None,
            c if c == quote => {
                if !triple {
                    return Some(j + 1);
                }
                if bytes.get(j + 1) == Some(&quote) && bytes.get(j + 2) == Some(&quote) {
                    return Some(j + 3);
                }
                j += 1;
            }
            _ => j += 1,
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn top_level(text: &str) -> Vec<&str> {
        outline(text).unwrap().into_iter().map(|u| &text[u.range]).collect()
    }

    /// The text parsed for a site at the first occurrence of `needle`.
    fn picked<'t>(text: &'t str, needle: &str) -> Vec<&'t str> {
        let mut ranges = Vec::new();
        pick(&outline(text).unwrap(), text.find(needle).unwrap(), &mut ranges);
        ranges.into_iter().map(|r| &text[r]).collect()
    }

    #[test]
    fn splits_at_top_level_statements() {
        let text = "import a\n\n@dec\nclass C:\n    x = (1,\n2)\n\n# note\nif a:\n    pass\nelse:\n    pass\nx = '''\nnot = code\n'''\ny = \"#\" \\\n  + z\n";
        assert_eq!(
            top_level(text),
            [
                "import a\n\n",
                "@dec\nclass C:\n    x = (1,\n2)\n\n# note\n",
                "if a:\n    pass\nelse:\n    pass\n",
                "x = '''\nnot = code\n'''\n",
                "y = \"#\" \\\n  + z\n"
            ]
        );
        assert_eq!(
            top_level("# head\n\nx = 1\n"),
            ["# head\n\nx = 1\n"],
            "leading comments go with the first"
        );
    }

    #[test]
    fn a_site_needs_its_statement_and_the_headers_around_it() {
        let text = "import m\n\n\n@decorated\nclass C(Base):\n    \"\"\"Doc.\"\"\"\n\n    def other(self):\n        return 1\n\n    async def method(self, ctx):  # note\n        x = 1\n        with raises(TypeError):\n            y = 2\n            m = await F(ctx)\n        return m\n";
        assert_eq!(
            picked(text, "await F"),
            [
                "class C(Base):\n",
                "    async def method(self, ctx):  # note\n",
                "        with raises(TypeError):\n",
                "            m = await F(ctx)\n",
            ]
        );
        let method = &text[text.find("    async def").unwrap()..];
        assert_eq!(
            picked(text, "ctx):"),
            ["class C(Base):\n", method],
            "a name in a header takes the whole statement"
        );
    }

    #[test]
    fn compound_statements_with_clauses_are_picked_whole() {
        let text = "def f():\n    try:\n        from a import F\n    except ImportError:\n        F = None\n    return F\n";
        let statement =
            "def f():\n    try:\n        from a import F\n    except ImportError:\n        F = None\n";
        assert_eq!(picked(text, "F = None"), [statement], "the whole try, and touching ranges merge");
        let text = "with a:\n    x = 1\nelse_ = 2\n";
        assert_eq!(picked(text, "x = 1"), ["with a:\n    x = 1\n"]);
    }

    #[test]
    fn picks_merge() {
        let text = "def f():\n    a = F()\n    b = F()\n    c = 1\n";
        let units = outline(text).unwrap();
        let mut ranges = Vec::new();
        assert!(pick(&units, text.find("a =").unwrap(), &mut ranges));
        assert!(pick(&units, text.find("b =").unwrap(), &mut ranges));
        assert!(!pick(&units, text.find("b =").unwrap() + 1, &mut ranges), "nothing new");
        assert_eq!(ranges, vec![Range { start: 0, end: text.find("    c").unwrap() }]);
    }

    #[test]
    fn definitions_are_read_from_their_header() {
        let text = "@dec\nasync  def f(x):\n    pass\nclass C(B): pass\ndef é(): pass\nasync with a: pass\ndefault = 1\n";
        let defined: Vec<_> = (outline(text).unwrap().iter())
            .map(|u| u.defines(text).map(|d| (d.is_async, &text[d.name])))
            .collect();
        assert_eq!(defined, [Some((Some(true), "f")), Some((None, "C")), None, None, None]);
    }

    #[test]
    fn unsure_scans_give_up() {
        assert_eq!(outline("x = (1,\n"), None);
        assert_eq!(outline("x = 'open\ny = 2\n"), None);
        assert_eq!(outline("x = '''never closed\n"), None);
    }

    #[test]
    fn escaped_quotes_stay_inside_strings() {
        assert_eq!(top_level("a = r'\\''\nb = \"x\\\"\"\n"), ["a = r'\\''\n", "b = \"x\\\"\"\n"]);
    }

    #[test]
    fn crlf_and_tabs() {
        let text = "def f():\r\n\tx = F()\r\n\ty = 2\r\n";
        assert_eq!(picked(text, "x ="), ["def f():\r\n\tx = F()\r\n"]);
    }
}
