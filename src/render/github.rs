//! The `check --format github` output: one GitHub Actions workflow command per open finding, which GitHub
//! shows as an annotation on the pull request's diff.
//! <https://docs.github.com/actions/reference/workflow-commands-for-github-actions>

use super::Diagnostic;

/// `::error` for a fixable site, `::warning` for one to review; intentional and suppressed sites are not
/// annotated.
pub fn render(diagnostics: &[Diagnostic]) -> String {
    let mut out = String::new();
    for d in diagnostics.iter().filter(|d| d.is_open()) {
        let level = if d.fixable { "error" } else { "warning" };
        let hint =
            if d.fixable { format!(" (fix: {}; run `awaitfix apply`)", d.summary) } else { String::new() };
        out.push_str(&format!(
            "::{level} file={},line={},col={},endLine={},endColumn={},title={}::{}\n",
            property(&d.path),
            d.line,
            d.column,
            d.end_line,
            d.end_column,
            property(&format!("{} {}", d.code, crate::finding::Rule::title_of(d.code))),
            data(&format!("{}{hint}", d.message)),
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
