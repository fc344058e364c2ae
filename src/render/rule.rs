//! A rule explained: its registry entry in, Markdown (as `ruff rule` prints) or JSON out, for `awaitfix rule`.

use serde::Serialize;

use crate::edit::Applicability;
use crate::finding::Rule;

/// What `--format json` prints of a rule.
#[derive(Serialize)]
struct RuleJson {
    code: &'static str,
    name: &'static str,
    title: &'static str,
    summary: &'static str,
    docs: &'static str,
    level: &'static str,
    fix: Option<&'static str>,
    /// `safe`, `unsafe` or `display-only`: which runs apply the fix.
    fix_applicability: Option<&'static str>,
}

/// The rule as Markdown: its name and code, what it finds, how loudly, its fix, and why it is a bug.
pub fn text(rule: Rule) -> String {
    let spec = rule.spec();
    let fix = match (spec.fix_title, spec.applicability) {
        (Some(title), Applicability::Safe) => format!("Fix: {title}. Written by `awaitfix apply`."),
        (Some(title), Applicability::Unsafe) => format!(
            "Fix (unsafe: it may change what the program does): {title}. Shown by `awaitfix diff \\
             --unsafe-fixes`, written by `awaitfix apply --unsafe-fixes`."
        ),
        _ => "No fix: reported for review.".to_string(),
    };
    format!(
        "# {} ({})\n\n{}.\n\nLevel: {}. {fix}\n\n{}\n",
        spec.name,
        spec.code,
        spec.summary,
        spec.level.as_str(),
        spec.docs
    )
}

/// The rules as a JSON array.
pub fn json(rules: &[Rule]) -> String {
    let rules: Vec<RuleJson> = rules
        .iter()
        .map(|rule| {
            let spec = rule.spec();
            let applicability = match spec.applicability {
                Applicability::Safe => "safe",
                Applicability::Unsafe => "unsafe",
                Applicability::DisplayOnly => "display-only",
            };
            RuleJson {
                code: spec.code,
                name: spec.name,
                title: spec.title,
                summary: spec.summary,
                docs: spec.docs,
                level: spec.level.as_str(),
                fix: spec.fix_title,
                fix_applicability: spec.fix_title.map(|_| applicability),
            }
        })
        .collect();
    serde_json::to_string_pretty(&rules).unwrap_or_default() + "\n"
}
