//! A notebook through the pipeline: its JSON in, the findings of its code cells (placed in their cells) and
//! what the mode did with their fixes out. The cells are planned as one module by `plan`, the path telling
//! the rules that top-level `await` is allowed; a rewrite goes back into the cells' sources only.

use std::path::Path;

use super::{Fixes, Mode};
use crate::engine::Engine;
use crate::error::FileError;
use crate::notebook::{self, Notebook};
use crate::parse;
use crate::plan::{Want, plan};
use crate::render::Diagnostic;
use crate::render::diff::FileDiff;
use crate::selection::Selection;
use crate::source::LineIndex;

/// Checks the notebook read as `bytes` and, as `mode` says, shows or writes its fixes. A cell with a syntax
/// error makes the whole notebook an error (nothing checked or written), as a module's would.
pub fn process(
    engine: &Engine,
    path: &Path,
    bytes: &[u8],
    mode: Mode,
) -> Result<(Vec<Diagnostic>, Fixes), FileError> {
    let json = std::str::from_utf8(bytes)
        .map_err(|e| FileError::Notebook(notebook::invalid(format!("not UTF-8 JSON: {e}"))))?;
    let notebook = Notebook::parse(json).map_err(FileError::Notebook)?;
    let module = notebook.module();
    if !engine.mentions_in_code(module.as_bytes()) {
        return Ok((Vec::new(), Fixes::None));
    }
    let tree = parse::parse(module).ok_or(FileError::Unparsable)?;
    if let Some((at, what)) = parse::first_error(&tree) {
        let (line, column) = LineIndex::new(module).position(at);
        let (cell, line) = notebook.locate(line);
        return Err(FileError::CellSyntax { cell, line, column, what });
    }
    let want = match mode {
        Mode::Check => Want::Findings,
        Mode::Diff { .. } => Want::Preview,
        Mode::Apply => Want::Rewrite,
        Mode::Plan => {
            return Err(FileError::Notebook(
                "notebooks are fixed by `awaitfix apply` (and shown by `awaitfix diff`); `commit` and \
                 `apply --interactive` leave them unchanged"
                    .to_string(),
            ));
        }
    };
    let plan = plan(engine, path, module.as_bytes(), want, &Selection::all())?;
    let diagnostics = plan.diagnostics(path).into_iter().map(|d| place(&notebook, d)).collect();
    let Some(rewrite) = &plan.rewrite else { return Ok((diagnostics, Fixes::None)) };
    let rewritten = notebook.rewrite(&rewrite.edits).map_err(FileError::Verify)?;
    // The rewritten JSON read back must give the rewritten module: nothing else moved.
    match Notebook::parse(&rewritten) {
        Ok(again) if again.module() == rewrite.text => {}
        _ => {
            return Err(FileError::Verify(
                "the rewritten notebook does not read back; notebook left unchanged",
            ));
        }
    }
    let sites = rewrite.fixed.len();
    let fixes = match mode {
        Mode::Diff { changes } => {
            let diff = FileDiff::new(&crate::render::diff::patch_path(path), json, &rewritten);
            let changes = if changes { plan.changes() } else { Vec::new() };
            Fixes::Shown { diff, sites, changes }
        }
        _ => {
            crate::write::replace(path, bytes, rewritten.as_bytes())?;
            Fixes::Written { rules: plan.fixed_rules() }
        }
    };
    Ok((diagnostics, fixes))
}

/// A diagnostic of the module placed in its cell: the cell's number, lines counted in the cell.
fn place(notebook: &Notebook, mut d: Diagnostic) -> Diagnostic {
    let (cell, line) = notebook.locate(d.line);
    (d.cell, d.line, d.end_line) = (Some(cell), line, notebook.locate(d.end_line).1);
    for edit in d.fix.iter_mut().flatten() {
        let (cell, line) = notebook.locate(edit.line);
        (edit.cell, edit.line, edit.end_line) = (Some(cell), line, notebook.locate(edit.end_line).1);
    }
    d
}
