//! The `check` text format: `path:line:col: CODE message`, one finding a line, then a summary.

use anstyle::{AnsiColor, Style};

use super::Diagnostic;
use crate::finding::Status;

const PATH: Style = Style::new().bold();
const CODE: Style = AnsiColor::Red.on_default().bold();
const DIM: Style = Style::new().dimmed();

/// One line for a diagnostic; intentional and suppressed ones carry their status.
pub fn line(d: &Diagnostic) -> String {
    let status = match d.status {
        Status::Open => String::new(),
        Status::Intentional => format!(" {DIM}[intentional]{DIM:#}"),
        Status::Suppressed => format!(" {DIM}[suppressed]{DIM:#}"),
    };
    let fixable = match (d.fixable, d.unsafe_fix) {
        (true, _) => " [*]",
        (false, true) => " [~]",
        (false, false) => "",
    };
    format!("{PATH}{}:{PATH:#} {CODE}{}{CODE:#}{fixable}{status} {}", d.location(), d.code, d.message)
}

/// Why the site got the sync fix where `prefer: async` asked for the async twin, when it did: the words
/// `check -v` prints under the finding, `diff -v` and `apply -v` beside its location, and `transforms test`
/// under a failing example.
pub fn fallback(d: &Diagnostic) -> Option<String> {
    d.fallback.as_ref().map(|why| fallback_reason(why))
}

/// `why` as said of a site that fell back from the async twin to the sync fix.
pub fn fallback_reason(why: &str) -> String {
    format!("`prefer: async` used the sync fix: {why}")
}

/// Counts behind the summary.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Summary {
    pub files_checked: usize,
    pub open: usize,
    pub fixable: usize,
    /// Open sites that only `--unsafe-fixes` rewrites.
    pub unsafe_fixable: usize,
    pub files_with_open: usize,
    pub intentional: usize,
    pub suppressed: usize,
}

impl Summary {
    pub fn add_file(&mut self, diagnostics: &[Diagnostic]) {
        self.files_checked += 1;
        let open = diagnostics.iter().filter(|d| d.is_open()).count();
        self.open += open;
        self.files_with_open += usize::from(open > 0);
        self.fixable += diagnostics.iter().filter(|d| d.fixable).count();
        self.unsafe_fixable += diagnostics.iter().filter(|d| d.is_open() && d.unsafe_fix).count();
        self.intentional += diagnostics.iter().filter(|d| d.status == Status::Intentional).count();
        self.suppressed += diagnostics.iter().filter(|d| d.status == Status::Suppressed).count();
    }
}

/// The closing line of `check`.
pub fn summary(s: &Summary, verbose: bool) -> String {
    let files = plural(s.files_checked, "file");
    let mut out = if s.open == 0 {
        format!("No sites to fix in {files}.")
    } else {
        let review = s.open - s.fixable - s.unsafe_fixable;
        let review = if review > 0 { format!(", {review} to review") } else { String::new() };
        let unsafe_fixable = match s.unsafe_fixable {
            0 => String::new(),
            n => format!(", {n} [~] fixable with `awaitfix apply --unsafe-fixes`"),
        };
        format!(
            "Found {} in {} ({} fixable with `awaitfix apply`{unsafe_fixable}{review}); {files} checked.",
            plural(s.open, "site"),
            plural(s.files_with_open, "file"),
            s.fixable
        )
    };
    let left = s.intentional + s.suppressed;
    if left > 0 {
        let hint = if verbose { "" } else { " (-v lists them)" };
        out.push_str(&format!(
            " Left alone: {} intentional, {} suppressed{hint}.",
            s.intentional, s.suppressed
        ));
    }
    out
}

pub fn plural(n: usize, noun: &str) -> String {
    if n == 1 { format!("1 {noun}") } else { format!("{n} {noun}s") }
}

/// `check --statistics`: open findings counted per rule, most frequent first, as `ruff --statistics` prints
/// them: count, code, `[*]` when every one is fixable (`[~]` with `--unsafe-fixes`, `[-]` when only some
/// are), and the rule's title.
pub fn statistics(open: &[&Diagnostic]) -> String {
    let mut rows: Vec<(usize, &Diagnostic, usize, usize)> = Vec::new();
    for d in open {
        match rows.iter_mut().find(|(_, first, _, _)| first.code == d.code) {
            Some(row) => {
                row.0 += 1;
                row.2 += usize::from(d.fixable);
                row.3 += usize::from(d.unsafe_fix);
            }
            None => rows.push((1, d, usize::from(d.fixable), usize::from(d.unsafe_fix))),
        }
    }
    rows.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.code.cmp(b.1.code)));
    let width = rows.first().map_or(1, |row| row.0.to_string().len());
    let mut out = String::new();
    for (count, d, fixable, unsafe_fixable) in rows {
        let mark = match (fixable, unsafe_fixable) {
            (f, _) if f == count => "[*]",
            (0, u) if u == count => "[~]",
            (0, 0) => "[ ]",
            _ => "[-]",
        };
        out.push_str(&format!("{count:>width$}\t{CODE}{}{CODE:#}\t{mark} {}\n", d.code, d.rule.title()));
    }
    out
}
