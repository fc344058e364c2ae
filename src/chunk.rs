//! Chunks: the top-level statements of a Python text, from a light scan of its tokens (strings, comments,
//! brackets, line continuations). `check` parses only the statements that mention the names it tracks; every
//! binding of a name spells it, so resolution over those statements is the same as over the whole file. When
//! the scan is unsure, or the statements it picked do not parse cleanly, the whole file is parsed instead.

use std::ops::Range;

/// Byte ranges of the top-level statements of `text`, in order and covering it whole (comments and blank lines
/// go with the statement before them; decorators with the statement they decorate; `else`, `elif`, `except`
/// and `finally` with their compound statement). `None` when the scan ends inside a string or brackets.
pub fn top_level_statements(text: &str) -> Option<Vec<Range<usize>>> {
    let bytes = text.as_bytes();
    let mut starts = vec![0];
    let mut depth = 0usize;
    let mut i = 0;
    let mut line_start = true;
    let mut decorator = false;
    while i < bytes.len() {
        let b = bytes[i];
        if line_start {
            line_start = false;
            if depth == 0 && !matches!(b, b' ' | b'\t' | b'\x0c' | b'\r' | b'\n' | b'#') {
                let continues = ["else", "elif", "except", "finally"].iter().any(|k| keyword_at(bytes, i, k));
                if i > 0 && !continues && !decorator {
                    starts.push(i);
                }
                decorator = b == b'@';
            }
        }
        match b {
            b'#' => i = memchr::memchr(b'\n', &bytes[i..]).map_or(bytes.len(), |n| i + n),
            b'\'' | b'"' => i = skip_string(bytes, i)?,
            b'(' | b'[' | b'{' => {
                depth += 1;
                i += 1;
            }
            b')' | b']' | b'}' => {
                depth = depth.saturating_sub(1);
                i += 1;
            }
            // A line continuation (`\` then LF or CRLF) joins the next line to this one.
            b'\\' if bytes.get(i + 1) == Some(&b'\r') => i += 3,
            b'\\' => i += 2,
            b'\n' => {
                line_start = true;
                i += 1;
            }
            _ => i += 1,
        }
    }
    if depth != 0 {
        return None;
    }
    let mut ranges: Vec<Range<usize>> = starts.windows(2).map(|w| w[0]..w[1]).collect();
    ranges.push(*starts.last().expect("starts at 0")..bytes.len());
    Some(ranges)
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

    fn chunks(text: &str) -> Vec<&str> {
        top_level_statements(text).unwrap().into_iter().map(|r| &text[r]).collect()
    }

    #[test]
    fn splits_at_top_level_statements() {
        let text = "import a\n\n@dec\nclass C:\n    x = (1,\n2)\n\n# note\nif a:\n    pass\nelse:\n    pass\nx = '''\nnot = code\n'''\ny = \"#\" \\\n  + z\n";
        assert_eq!(
            chunks(text),
            [
                "import a\n\n",
                "@dec\nclass C:\n    x = (1,\n2)\n\n# note\n",
                "if a:\n    pass\nelse:\n    pass\n",
                "x = '''\nnot = code\n'''\n",
                "y = \"#\" \\\n  + z\n"
            ]
        );
    }

    #[test]
    fn unsure_scans_give_up() {
        assert_eq!(top_level_statements("x = (1,\n"), None);
        assert_eq!(top_level_statements("x = 'open\ny = 2\n"), None);
        assert_eq!(top_level_statements("x = '''never closed\n"), None);
    }

    #[test]
    fn escaped_quotes_stay_inside_strings() {
        assert_eq!(chunks("a = r'\\''\nb = \"x\\\"\"\n"), ["a = r'\\''\n", "b = \"x\\\"\"\n"]);
    }
}
