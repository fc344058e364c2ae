//! Jupyter notebooks: a `.ipynb` file's JSON in, its code cells as one Python module out (IPython syntax
//! masked, see `mask`), and a rewrite of that module back into the JSON. Only the `source` values of the
//! cells whose code changed are re-encoded; every other byte of the file (outputs, metadata, indentation, key
//! order, escaping, trailing newline) is kept as it was read.

mod mask;

use std::ops::Range;

use serde::Deserialize;
use serde_json::value::RawValue;

use crate::edit::Edit;
use crate::render::Diagnostic;

pub use crate::source::is_notebook;

/// A notebook read from its JSON text: its code cells, and the module they make together.
#[derive(Debug)]
pub struct Notebook<'a> {
    json: &'a str,
    cells: Vec<Cell<'a>>,
    /// The code cells' sources, masked and joined, each ending with a newline.
    module: String,
}

/// A code cell.
#[derive(Debug)]
struct Cell<'a> {
    /// 1-based, counting every cell of the notebook (markdown and raw cells too), as they are shown.
    number: usize,
    /// The byte range of its `source` value in the JSON text.
    span: Range<usize>,
    source: String,
    /// `source` as a JSON list of lines: each line's decoded text and JSON text, and the text around them.
    lines: Option<Lines<'a>>,
    /// Where its source starts in the module, in bytes and as a 1-based line.
    start: usize,
    first_line: usize,
    /// How many bytes at the start of `source` no fix may touch: those of a `%%` cell magic (see
    /// `mask::magic_len`), all of them and the end when the cell is not Python.
    frozen: usize,
}

#[derive(Debug)]
struct Lines<'a> {
    /// The list's JSON text.
    text: &'a str,
    /// Each line, decoded, and the range of its JSON text in `text`.
    raw: Vec<(String, Range<usize>)>,
    /// The JSON text after `[`, between two lines (the first two), and before `]`: the layout of a list
    /// that gets more or fewer lines.
    open: &'a str,
    separator: String,
    close: &'a str,
}

#[derive(Deserialize)]
struct RawNotebook<'a> {
    #[serde(borrow)]
    cells: Vec<&'a RawValue>,
}

#[derive(Deserialize)]
struct RawCell<'a> {
    cell_type: String,
    #[serde(borrow)]
    source: &'a RawValue,
}

/// Where a notebook's code cells start in its module: each one's first line (1-based) and number.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Cells(Vec<(usize, usize)>);

impl Cells {
    /// The cell (its 1-based number) and the 1-based line in it of the module's 1-based `line`.
    pub fn locate(&self, line: usize) -> (usize, usize) {
        let at = self.0.partition_point(|&(first, _)| first <= line).saturating_sub(1);
        match self.0.get(at) {
            Some(&(first, number)) => (number, line + 1 - first.min(line)),
            None => (0, line),
        }
    }

    /// A diagnostic of the module placed in its cell: the cell's number, lines counted in the cell (an
    /// edit of its fix, such as an import, may be in another cell).
    pub fn place(&self, mut d: Diagnostic) -> Diagnostic {
        let (cell, line) = self.locate(d.line);
        (d.cell, d.line, d.end_line) = (Some(cell), line, self.locate(d.end_line).1);
        for edit in d.fix.iter_mut().flatten() {
            let (cell, line) = self.locate(edit.line);
            (edit.cell, edit.line, edit.end_line) = (Some(cell), line, self.locate(edit.end_line).1);
        }
        d
    }
}

/// Why a notebook cannot be read; the message names neither the file nor a position in the module.
pub(crate) fn invalid(what: impl std::fmt::Display) -> String {
    format!("not a valid notebook ({what}); skipped")
}

impl<'a> Notebook<'a> {
    /// Reads the notebook `json`; an error is one line saying what is wrong.
    pub fn parse(json: &'a str) -> Result<Self, String> {
        let notebook: RawNotebook = serde_json::from_str(json).map_err(invalid)?;
        let mut cells = Vec::new();
        let mut module = String::new();
        let mut lines_before = 0;
        for (index, raw) in notebook.cells.iter().enumerate() {
            let number = index + 1;
            let cell: RawCell =
                serde_json::from_str(raw.get()).map_err(|e| invalid(format!("cell {number}: {e}")))?;
            if cell.cell_type != "code" {
                continue;
            }
            let value = cell.source.get();
            let (source, lines) = match serde_json::from_str::<String>(value) {
                Ok(text) => (text, None),
                Err(_) => {
                    let lines =
                        split_lines(value).map_err(|e| invalid(format!("cell {number}: source: {e}")))?;
                    (lines.raw.iter().map(|(line, _)| line.as_str()).collect(), Some(lines))
                }
            };
            let first_line = lines_before + 1;
            let start = module.len();
            module.push_str(&mask::mask(&source));
            if !module.ends_with('\n') {
                module.push('\n');
            }
            lines_before += module[start..].matches('\n').count();
            let frozen = match mask::magic_len(&source) {
                whole if whole == source.len() && whole > 0 => whole + 1,
                magic => magic,
            };
            let span = offset(json, value)..offset(json, value) + value.len();
            cells.push(Cell { number, span, source, lines, start, first_line, frozen });
        }
        Ok(Self { json, cells, module })
    }

    /// The code cells as one module: IPython syntax masked, at the same offsets as in the cells.
    pub fn module(&self) -> &str {
        &self.module
    }

    /// The cell (its 1-based number) and the 1-based line in it of the module's 1-based `line`.
    pub fn locate(&self, line: usize) -> (usize, usize) {
        self.cells().locate(line)
    }

    /// Where the code cells are in the module, for placing what is found in it.
    pub fn cells(&self) -> Cells {
        Cells(self.cells.iter().map(|c| (c.first_line, c.number)).collect())
    }

    /// The notebook's JSON with `edits` (sorted, in the module's offsets) made in its cells' sources; an
    /// error when an edit crosses a cell's end or touches a cell magic.
    pub fn rewrite(&self, edits: &[Edit]) -> Result<String, &'static str> {
        let mut per_cell: Vec<Vec<&Edit>> = self.cells.iter().map(|_| Vec::new()).collect();
        for edit in edits {
            let at = self.cells.partition_point(|c| c.start <= edit.start()).saturating_sub(1);
            let cell = self.cells.get(at).ok_or("a fix falls outside every cell; notebook left unchanged")?;
            if edit.end() > cell.start + cell.source.len() {
                return Err("a fix crosses the end of a cell; notebook left unchanged");
            }
            if edit.start() < cell.start + cell.frozen {
                return Err("a fix would edit a cell magic; notebook left unchanged");
            }
            per_cell[at].push(edit);
        }
        let ascii = self.json.is_ascii();
        let mut out = String::with_capacity(self.json.len());
        let mut copied = 0;
        for (cell, edits) in self.cells.iter().zip(&per_cell).filter(|(_, e)| !e.is_empty()) {
            let mut source = cell.source.clone();
            for edit in edits.iter().rev() {
                let range = edit.start() - cell.start..edit.end() - cell.start;
                source.replace_range(range, edit.content());
            }
            out.push_str(&self.json[copied..cell.span.start]);
            out.push_str(&encode_source(&source, cell.lines.as_ref(), ascii));
            copied = cell.span.end;
        }
        out.push_str(&self.json[copied..]);
        Ok(out)
    }

    /// The sources of the code cells, in order (for checking a rewrite).
    pub fn sources(&self) -> impl Iterator<Item = &str> {
        self.cells.iter().map(|c| c.source.as_str())
    }
}

/// Where `inner`, a slice of `outer`, starts in it.
fn offset(outer: &str, inner: &str) -> usize {
    let at = (inner.as_ptr() as usize).wrapping_sub(outer.as_ptr() as usize);
    debug_assert!(at <= outer.len(), "a value borrowed from the JSON text lies in it");
    at
}

/// A JSON list of strings: each one decoded and as written, and the text around them.
fn split_lines(value: &str) -> Result<Lines<'_>, serde_json::Error> {
    let items: Vec<&RawValue> = serde_json::from_str(value)?;
    let span = |item: &RawValue| offset(value, item.get())..offset(value, item.get()) + item.get().len();
    let raw = (items.iter())
        .map(|item| serde_json::from_str::<String>(item.get()).map(|line| (line, span(item))))
        .collect::<Result<Vec<_>, _>>()?;
    let (open, separator, close) = match raw.as_slice() {
        [] => ("", ",".to_string(), ""),
        [(_, only)] => {
            let open = &value[1..only.start];
            (open, format!(",{open}"), &value[only.end..value.len() - 1])
        }
        [(_, first), (_, second), ..] => {
            let last = &raw[raw.len() - 1].1;
            (
                &value[1..first.start],
                value[first.end..second.start].to_string(),
                &value[last.end..value.len() - 1],
            )
        }
    };
    Ok(Lines { text: value, raw, open, separator, close })
}

/// `source` as JSON, as the notebook wrote it: a list of lines laid out as the original list (a line that did
/// not change keeps its JSON text), or one string; non-ASCII escaped when the file is all ASCII.
fn encode_source(source: &str, lines: Option<&Lines>, ascii: bool) -> String {
    let Some(lines) = lines else { return encode_str(source, ascii) };
    let new: Vec<&str> = source.split_inclusive('\n').collect();
    if new.len() == lines.raw.len() {
        // As many lines as before: each changed one is replaced where it stands, the rest of the list kept.
        let mut out = String::with_capacity(lines.text.len());
        let mut copied = 0;
        for ((_, span), line) in lines.raw.iter().zip(&new).filter(|((old, _), line)| old != *line) {
            out.push_str(&lines.text[copied..span.start]);
            out.push_str(&encode_str(line, ascii));
            copied = span.end;
        }
        out.push_str(&lines.text[copied..]);
        return out;
    }
    if new.is_empty() {
        return "[]".to_string();
    }
    // A line that did not change keeps its JSON text; the others are encoded as the file's strings are.
    let encoded: Vec<String> = (new.iter())
        .map(|line| match lines.raw.iter().find(|(old, _)| old == line) {
            Some((_, span)) => lines.text[span.clone()].to_string(),
            None => encode_str(line, ascii),
        })
        .collect();
    format!("[{}{}{}]", lines.open, encoded.join(&lines.separator), lines.close)
}

/// A JSON string, escaped as Python's `json` does (`ensure_ascii` when `ascii`).
fn encode_str(text: &str, ascii: bool) -> String {
    let json = serde_json::to_string(text).expect("a string serializes");
    if !ascii || json.is_ascii() {
        return json;
    }
    let mut out = String::with_capacity(json.len() + 16);
    for c in json.chars() {
        if c.is_ascii() {
            out.push(c);
            continue;
        }
        for unit in c.encode_utf16(&mut [0; 2]) {
            out.push_str(&format!("\\u{unit:04x}"));
        }
    }
    out
}

#[cfg(test)]
mod tests;
