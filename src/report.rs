//! Reports: the outcomes of every file in, what `check`, `diff` and `apply` print and the exit status out.
//! Everything goes through `Output`, which knows the terminal.

use crate::cli::Format;
use crate::error::Failure;
use crate::output::Output;
use crate::pipeline::{FileOutcome, Fixes};
use crate::render;
use crate::render::text::{Summary, plural};

/// The process exit status of a command (DESIGN §1).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExitStatus {
    /// Nothing to report, or done.
    Success = 0,
    /// `check` found sites, or `diff` showed changes.
    Findings = 1,
    /// A file could not be read, parsed or written, or the command failed.
    Error = 2,
}

impl ExitStatus {
    /// `Findings` read as `Success` when `--exit-zero` asks; an error stays one.
    pub fn unless_exit_zero(self, exit_zero: bool) -> Self {
        match (self, exit_zero) {
            (Self::Findings, true) => Self::Success,
            (status, _) => status,
        }
    }
}

impl PartialOrd for ExitStatus {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for ExitStatus {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        (*self as u8).cmp(&(*other as u8))
    }
}

/// Prints `check`'s findings in `format` (in text, with `statistics`, their counts per rule instead; SARIF
/// URIs relative to `base`, which SARIF is always given); `Findings` when a site is open. `files` are those
/// with something to say; `checked` counts every file checked, clean ones included.
pub fn check(
    files: &[FileOutcome],
    checked: usize,
    format: Format,
    statistics: bool,
    base: Option<&render::Base>,
    out: &Output,
) -> ExitStatus {
    let diagnostics = files.iter().flat_map(|f| &f.diagnostics);
    let failures: Vec<&Failure> = files.iter().filter_map(|f| f.error.as_ref()).collect();
    let open = diagnostics.clone().filter(|d| d.is_open()).count();
    match format {
        Format::Json => out.print(&render::json::render(&diagnostics.cloned().collect::<Vec<_>>())),
        Format::JsonLines => {
            out.print(&render::json::render_lines(&diagnostics.cloned().collect::<Vec<_>>(), &failures))
        }
        // Code scanning shows suppressed results as open alerts: the sites left alone go in with -v only.
        Format::Sarif => out.print(&render::sarif::render(
            &diagnostics.filter(|d| d.is_open() || out.verbose).cloned().collect::<Vec<_>>(),
            &failures,
            base.expect("SARIF is given its base"),
        )),
        Format::Github => {
            out.print(&render::github::render(&diagnostics.cloned().collect::<Vec<_>>(), &failures))
        }
        Format::Text if statistics => {
            let open: Vec<&render::Diagnostic> = diagnostics.filter(|d| d.is_open()).collect();
            out.print(&render::text::statistics(&open));
        }
        Format::Text => {
            let mut text = String::new();
            for d in diagnostics.filter(|d| d.is_open() || out.verbose) {
                text.push_str(&render::text::line(d));
                text.push('\n');
                if let Some(why) = render::text::fallback(d).filter(|_| out.verbose) {
                    text.push_str(&format!("  {why}\n"));
                }
            }
            out.print(&text);
            if !out.quiet {
                let mut summary = Summary::default();
                files.iter().for_each(|f| summary.add_file(&f.diagnostics));
                // The clean files, which the run does not keep, were checked too.
                summary.files_checked = checked;
                out.print(&format!("{}\n", render::text::summary(&summary, out.verbose)));
            }
        }
    }
    if open > 0 { ExitStatus::Findings } else { ExitStatus::Success }
}

/// Prints `diff`'s diffs (or their `--stat`) and a note; `Findings` when there is a change. `unsafe_fixes`:
/// the run made the unsafe fixes too.
pub fn diff(files: &[FileOutcome], stat: bool, unsafe_fixes: bool, out: &Output) -> ExitStatus {
    let diffs: Vec<&render::diff::FileDiff> = (files.iter())
        .filter_map(|f| match &f.fixes {
            Fixes::Shown { diff, .. } => Some(diff),
            _ => None,
        })
        .collect();
    if stat {
        if !diffs.is_empty() {
            out.print(&render::diff::stat(&diffs));
        }
    } else {
        for diff in &diffs {
            out.print_diff(diff);
        }
    }
    note_fallbacks(files, out);
    let fixed: usize = files.iter().map(|f| f.fixed()).sum();
    let held = held_back(files, unsafe_fixes);
    let review = unfixed_open(files).saturating_sub(held);
    let mut note = format!("would fix {} in {}", plural(fixed, "site"), plural(diffs.len(), "file"));
    if held > 0 {
        note.push_str(&format!("; {} more with `--unsafe-fixes`", plural(held, "site")));
    }
    if review > 0 {
        note.push_str(&format!("; {} to review (see `awaitfix check`)", plural(review, "site")));
    }
    out.note(&note);
    if diffs.is_empty() { ExitStatus::Success } else { ExitStatus::Findings }
}

/// Prints `apply`'s note: the sites fixed, those only `--unsafe-fixes` fixes (unless `unsafe_fixes`: the run
/// made them) and those left to review. `Findings` when open sites are left (to review, for
/// `--unsafe-fixes`, or not written), or, with `fixes_count`, when a site was fixed.
pub fn apply(files: &[FileOutcome], args: &crate::cli::ApplyArgs, out: &Output) -> ExitStatus {
    let (unsafe_fixes, fixes_count) = (args.unsafe_fixes, args.exit_non_zero_on_fix);
    let fixed: usize = files.iter().map(|f| f.fixed()).sum();
    let changed = files.iter().filter(|f| f.fixed() > 0).count();
    // A file with an error was not written: its fixable sites are not for review, they wait for the error.
    let (failed, written): (Vec<&FileOutcome>, Vec<&FileOutcome>) =
        files.iter().partition(|f| f.error.is_some() && f.fixed() == 0);
    let open = |f: &&FileOutcome, fixable: bool| {
        f.diagnostics.iter().filter(|d| d.is_open() && d.fixable == fixable).count()
    };
    let not_written: usize = failed.iter().map(|f| open(f, true)).sum();
    let held = held_back(written.iter().copied(), unsafe_fixes);
    let review = unfixed_open(written.iter().copied()).saturating_sub(held)
        + failed.iter().map(|f| open(f, false)).sum::<usize>();
    let mut summary = format!("fixed {} in {}", plural(fixed, "site"), plural(changed, "file"));
    if not_written > 0 {
        summary.push_str(&format!("; {} not written (see the errors above)", plural(not_written, "site")));
    }
    if held > 0 {
        summary.push_str(&format!("; {} more with `--unsafe-fixes`", plural(held, "site")));
    }
    if review > 0 {
        summary.push_str(&format!("; {} to review (see `awaitfix check`)", plural(review, "site")));
    }
    note_fallbacks(files, out);
    if args.show_fixes && fixed > 0 {
        out.note(&show_fixes(files));
    }
    out.note(&summary);
    match review + not_written + held > 0 || fixes_count && fixed > 0 {
        true => ExitStatus::Findings,
        false => ExitStatus::Success,
    }
}

/// With `-v`, a note per site that got the sync fix where `prefer: async` asked for the async twin, and why.
fn note_fallbacks(files: &[FileOutcome], out: &Output) {
    if !out.verbose {
        return;
    }
    for d in files.iter().flat_map(|f| &f.diagnostics).filter(|d| d.is_open()) {
        if let Some(why) = render::text::fallback(d) {
            out.note(&format!("{}: {why}", d.location()));
        }
    }
}

/// `apply --show-fixes`: per file, how many sites of each rule were fixed, as `ruff --show-fixes` lists them.
fn show_fixes(files: &[FileOutcome]) -> String {
    let mut text = String::from("Fixed:");
    for file in files {
        let crate::pipeline::Fixes::Written { rules } = &file.fixes else { continue };
        if rules.is_empty() {
            continue;
        }
        text.push_str(&format!("\n- {}:", render::display_path(&file.path)));
        let mut counted: Vec<(crate::finding::Rule, usize)> = Vec::new();
        for rule in rules {
            match counted.iter_mut().find(|(r, _)| r == rule) {
                Some((_, n)) => *n += 1,
                None => counted.push((*rule, 1)),
            }
        }
        counted.sort();
        for (rule, n) in counted {
            text.push_str(&format!("\n    {n} × {} ({})", rule.code(), rule.spec().name));
        }
    }
    text
}

/// Open findings that only `--unsafe-fixes` rewrites, when the run did not make unsafe fixes.
fn held_back<'a>(files: impl IntoIterator<Item = &'a FileOutcome>, unsafe_fixes: bool) -> usize {
    if unsafe_fixes {
        return 0;
    }
    files.into_iter().flat_map(|f| &f.diagnostics).filter(|d| d.is_open() && d.unsafe_fix).count()
}

/// Open findings that the run did not rewrite: no safe fix, or their file could not be rewritten.
fn unfixed_open<'a>(files: impl IntoIterator<Item = &'a FileOutcome>) -> usize {
    files
        .into_iter()
        .map(|f| f.diagnostics.iter().filter(|d| d.is_open()).count() - f.fixed().min(f.diagnostics.len()))
        .sum()
}
