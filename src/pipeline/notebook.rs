//! A notebook through the pipeline: its JSON in, the findings of its code cells (placed in their cells) and
//! what the mode did with their fixes out (shown, written, or kept for `apply -i` and `commit`). The cells
//! are planned as one module by `plan`, the path telling the rules that top-level `await` is allowed; a
//! rewrite goes back into the cells' sources only.

use std::path::Path;

use super::{Fixes, Mode};
use crate::engine::Engine;
use crate::error::FileError;
use crate::notebook::{self, Notebook};
use crate::parse;
use crate::plan::{Plan, Planned, Want, plan};
use crate::render::Diagnostic;
use crate::render::diff::FileDiff;
use crate::selection::Selection;
use crate::source::LineIndex;

/// Checks the notebook read as `bytes` and, as `mode` says, shows, writes or keeps its fixes. A cell with a
/// syntax error makes the whole notebook an error (nothing checked or written), as a module's would.
pub fn process(
    engine: &Engine,
    path: &Path,
    bytes: &[u8],
    mode: Mode,
) -> Result<(Vec<Diagnostic>, Fixes), FileError> {
    let notebook = read(bytes)?;
    if !engine.mentions_in_code(notebook.module().as_bytes()) {
        return Ok((Vec::new(), Fixes::None));
    }
    let want = match mode {
        Mode::Check => Want::Findings,
        Mode::Diff { .. } => Want::Preview,
        Mode::Apply | Mode::Plan => Want::Rewrite,
    };
    let plan = plan_cells(engine, path, &notebook, want, &Selection::all())?;
    let diagnostics = plan.diagnostics(path);
    let Some(rewrite) = &plan.rewrite else { return Ok((diagnostics, Fixes::None)) };
    let sites = rewrite.fixed.len();
    let fixes = match mode {
        Mode::Check => Fixes::None,
        Mode::Diff { changes } => {
            let (old, new) = (String::from_utf8_lossy(bytes), String::from_utf8_lossy(&rewrite.bytes));
            let diff = FileDiff::new(&crate::render::diff::patch_path(path), &old, &new);
            let changes = if changes { plan.changes() } else { Vec::new() };
            Fixes::Shown { diff, sites, changes }
        }
        Mode::Apply => {
            crate::write::replace(path, bytes, &rewrite.bytes)?;
            Fixes::Written { rules: plan.fixed_rules() }
        }
        Mode::Plan => Fixes::Planned(Planned { bytes: bytes.to_vec(), plan }),
    };
    Ok((diagnostics, fixes))
}

/// Plans the notebook read as `bytes` with the fixes `selection` wants, as `plan` plans a module: its
/// findings are placed in cells (`Plan::cells`) and its rewrite's bytes are the notebook's new JSON.
pub fn plan_notebook(
    engine: &Engine,
    path: &Path,
    bytes: &[u8],
    want: Want,
    selection: &Selection,
) -> Result<Plan, FileError> {
    plan_cells(engine, path, &read(bytes)?, want, selection)
}

fn read(bytes: &[u8]) -> Result<Notebook<'_>, FileError> {
    let json = std::str::from_utf8(bytes)
        .map_err(|e| FileError::Notebook(notebook::invalid(format!("not UTF-8 JSON: {e}"))))?;
    Notebook::parse(json).map_err(FileError::Notebook)
}

/// The code cells of `notebook` planned as one module, the path telling the rules that top-level `await` is
/// allowed; a rewrite is spliced back into the cells' sources and must read back as the rewritten module.
fn plan_cells(
    engine: &Engine,
    path: &Path,
    notebook: &Notebook,
    want: Want,
    selection: &Selection,
) -> Result<Plan, FileError> {
    let module = notebook.module();
    let tree = parse::parse(module).ok_or(FileError::Unparsable)?;
    if let Some((at, what)) = parse::first_error(&tree) {
        let (line, column) = LineIndex::new(module).position(at);
        let (cell, line) = notebook.locate(line);
        return Err(FileError::CellSyntax { cell, line, column, what });
    }
    drop(tree);
    let mut plan = plan(engine, path, module.as_bytes(), want, selection)?;
    plan.cells = Some(notebook.cells());
    let Some(rewrite) = &mut plan.rewrite else { return Ok(plan) };
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
    rewrite.bytes = rewritten.into_bytes();
    Ok(plan)
}
