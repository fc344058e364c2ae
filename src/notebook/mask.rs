//! IPython syntax in a code cell, masked so that the cell parses as Python: line magics (`%time f()`), shell
//! escapes (`!pip install x`, `files = !ls`), help (`?obj`, `obj??`) and whole cell magics (`%%bash`).
//! Each masked line keeps its byte length and its newline, so every offset, line and column of the Python
//! around it stays where it was; a masked line becomes `0` and blanks (an expression statement, valid as a
//! block's only statement), a cell magic's lines become blanks.

/// Cell magics that run their body as Python: the body is checked, the magic's line is not.
const PYTHON_CELL_MAGICS: [&str; 3] = ["time", "timeit", "capture"];

/// How many bytes at the start of `source` belong to a cell magic rather than to Python: none, the magic's
/// line (a magic that runs its body as Python, `%%time`), or the whole cell (`%%bash`, `%%html`, …).
pub fn magic_len(source: &str) -> usize {
    let Some(magic) = source.trim_start_matches([' ', '\t']).strip_prefix("%%") else { return 0 };
    let name = magic.split(|c: char| !(c.is_alphanumeric() || c == '_')).next().unwrap_or_default();
    match PYTHON_CELL_MAGICS.contains(&name) {
        true => source.find('\n').map_or(source.len(), |end| end + 1),
        false => source.len(),
    }
}

/// `source` with its IPython syntax masked: the same length in bytes, the same lines.
pub fn mask(source: &str) -> String {
    let mut out = String::with_capacity(source.len());
    let magic = magic_len(source);
    let mut state = Scanner::default();
    for line in source.split_inclusive('\n') {
        let body_len = line.trim_end_matches(['\n', '\r']).len();
        let (body, eol) = line.split_at(body_len);
        if out.len() < magic {
            out.extend(std::iter::repeat_n(' ', body.len()));
        } else if let Some(at) = magic_start(body).filter(|_| state.at_statement_start()) {
            out.push_str(&body[..at]);
            out.push('0');
            out.extend(std::iter::repeat_n(' ', body.len() - at - 1));
        } else {
            out.push_str(body);
            state.scan(body);
        }
        out.push_str(eol);
    }
    out
}

/// Where the IPython syntax of a line that starts a statement begins, if it has any.
fn magic_start(body: &str) -> Option<usize> {
    let indent = body.len() - body.trim_start_matches([' ', '\t']).len();
    let rest = body[indent..].trim_end();
    match rest.chars().next()? {
        '%' | '!' | '?' => return Some(indent),
        _ => {}
    }
    let dotted = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_alphanumeric() || c == '_' || c == '.');
    if let Some(name) = rest.strip_suffix("??").or_else(|| rest.strip_suffix('?'))
        && dotted(name)
    {
        return Some(indent);
    }
    // `files = !ls`, `t = %timeit -o f()`: the right side is the magic.
    let (targets, value) = rest.split_once('=')?;
    let targets_ok = targets.chars().all(|c| c.is_alphanumeric() || "_., ".contains(c));
    let value_start = value.len() - value.trim_start().len();
    match value.trim_start().chars().next()? {
        '!' | '%' if targets_ok && !targets.trim().is_empty() => {
            Some(indent + targets.len() + 1 + value_start)
        }
        _ => None,
    }
}

/// Just enough of Python's tokenizer to tell whether a line starts a statement: open brackets, open
/// triple-quoted strings and backslash continuations carry a statement over to the next line.
#[derive(Default)]
struct Scanner {
    depth: usize,
    /// The quote of an open triple-quoted string (`"` or `'`).
    triple: Option<char>,
    continued: bool,
}

impl Scanner {
    fn at_statement_start(&self) -> bool {
        self.depth == 0 && self.triple.is_none() && !self.continued
    }

    /// Follows one line (without its newline).
    fn scan(&mut self, line: &str) {
        let mut chars = line.char_indices().peekable();
        self.continued = false;
        while let Some((at, c)) = chars.next() {
            if let Some(quote) = self.triple {
                match c {
                    '\\' => _ = chars.next(),
                    _ if c == quote && line[at..].starts_with(&quote.to_string().repeat(3)) => {
                        self.triple = None;
                        chars.nth(1);
                    }
                    _ => {}
                }
                continue;
            }
            match c {
                '#' => return,
                '(' | '[' | '{' => self.depth += 1,
                ')' | ']' | '}' => self.depth = self.depth.saturating_sub(1),
                '\\' if chars.peek().is_none() => self.continued = true,
                '"' | '\'' if line[at..].starts_with(&c.to_string().repeat(3)) => {
                    self.triple = Some(c);
                    chars.nth(1);
                }
                '"' | '\'' => {
                    // A one-line string: to its closing quote or the end of the line.
                    while let Some((_, s)) = chars.next() {
                        match s {
                            '\\' => _ = chars.next(),
                            _ if s == c => break,
                            _ => {}
                        }
                    }
                }
                _ => {}
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn magics_become_statements_of_the_same_length() {
        let source = "%time x = 1\n!pip install ws\nfiles = !ls -l\nobj??\n?obj\nm = await f()\n";
        let masked = mask(source);
        assert_eq!(masked.len(), source.len());
        assert_eq!(masked.lines().count(), source.lines().count());
        let blank =
            |prefix: &str, line: &str| format!("{prefix}0{}\n", " ".repeat(line.len() - prefix.len() - 1));
        let expected: String = [
            blank("", "%time x = 1"),
            blank("", "!pip install ws"),
            blank("files = ", "files = !ls -l"),
            blank("", "obj??"),
            blank("", "?obj"),
        ]
        .concat();
        assert!(masked.starts_with(&expected), "{masked:?}");
        assert!(masked.ends_with("m = await f()\n"));
    }

    #[test]
    fn cell_magic_masks_the_whole_cell() {
        let source = "%%bash\necho 'await get()'\r\n  ls";
        let blanks = |n| " ".repeat(n);
        assert_eq!(mask(source), format!("{}\n{}\r\n{}", blanks(6), blanks(18), blanks(4)));
    }

    #[test]
    fn a_python_cell_magic_keeps_its_body() {
        let source = "%%time\nm = await f()\n";
        assert_eq!(mask(source), "      \nm = await f()\n");
        assert_eq!((magic_len(source), magic_len("%%bash\nls\n"), magic_len("x = 1\n")), (7, 10, 0));
    }

    #[test]
    fn indented_magic_keeps_its_block() {
        assert_eq!(mask("for x in y:\n    !echo $x\n"), "for x in y:\n    0       \n");
    }

    /// A `%` or `!=` that continues a bracketed expression, or a line of a string, is Python, not a magic.
    #[test]
    fn continuation_lines_are_not_magics() {
        for source in [
            "x = (a\n     % b)\n",
            "ok = (a\n      != b)\n",
            "doc = \"\"\"\n!important\nwhy?\n\"\"\"\n",
            "x = a \\\n    % b\n",
            "s = '(' # (\n%time f()\n",
        ] {
            let masked = mask(source);
            let expected_magic = source.contains("%time");
            assert_eq!(masked != source, expected_magic, "{source:?} masked as {masked:?}");
        }
    }

    #[test]
    fn python_lines_are_untouched() {
        let source = "a = b % c\nprint(x != y)  # what?\nn = {'?': 1}\n";
        assert_eq!(mask(source), source);
    }
}
