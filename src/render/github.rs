//! The `check --format github` output: one GitHub Actions workflow command per open finding, which GitHub
//! shows as an annotation on the pull request's diff.
//! <https://docs.github.com/actions/reference/workflow-commands-for-github-actions>

use super::Diagnostic;
use crate::error::Failure;

/// `::error` for a fixable site (with `--unsafe-fixes` too), `::warning` for one to review; intentional and suppressed sites are not
/// annotated. A file that could not be checked is an `::error` too, at its position when it has one.
pub fn render(diagnostics: &[Diagnostic], failures: &[&Failure]) -> String {
    let mut out = String::new();
    for failure in failures {
        let position = match failure.error.position() {
            Some((line, column)) if failure.error.cell().is_none() => format!(",line={line},col={column}"),
            _ => String::new(),
        };
        out.push_str(&format!(
            "::error file={}{position},title={}::{}\n",
            property(&failure.path),
            property("awaitfix: file not checked"),
            data(&match failure.error.cell() {
                Some(_) => failure.to_string(),
                None => failure.error.to_string(),
            }),
        ));
    }
    for d in diagnostics.iter().filter(|d| d.is_open()) {
        let level = if d.fixable || d.unsafe_fix { "error" } else { "warning" };
        let hint = match (d.fixable, d.unsafe_fix) {
            (true, _) => format!(" (fix: {}; run `awaitfix apply`)", d.summary),
            (false, true) => format!(" (fix: {}; run `awaitfix apply --unsafe-fixes`)", d.summary),
            (false, false) => String::new(),
        };
        let (position, at) = match d.cell {
            None => {
                let position = (d.line, d.column, d.end_line, d.end_column);
                let (line, col, end_line, end_col) = position;
                (format!(",line={line},col={col},endLine={end_line},endColumn={end_col}"), String::new())
            }
            // GitHub places an annotation on the file's own lines, which a notebook's cells are not: the
            // annotation is the file's, and its text says where in which cell.
            Some(_) => (String::new(), format!("{}: ", d.location())),
        };
        out.push_str(&format!(
            "::{level} file={}{position},title={}::{}\n",
            property(&d.path),
            property(&format!("{} {}", d.code, d.rule.title())),
            data(&format!("{at}{}{hint}", d.message)),
        ));
    }
    out
}

/// A message, escaped as workflow commands need.
fn data(text: &str) -> String {
    text.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

/// A property value: also without the `:` and `,` that separate properties.
fn property(text: &str) -> String {
    data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn separators_in_paths_and_messages_are_escaped() {
        assert_eq!(property("a,b:c%.py"), "a%2Cb%3Ac%25.py");
        assert_eq!(data("50%: a\nb"), "50%25: a%0Ab");
    }
}
