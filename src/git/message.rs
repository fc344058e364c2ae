//! Commit messages: a commit's group and the plans of its files in, the message out. The subject names the
//! rules, what the fixes do (or, when they do several things, the rules' titles and the transforms), where,
//! and the counts; the body lists the fixes per kind and per file.

use std::collections::BTreeMap;

use git2::Signature;

use super::Target;
use super::split::Group;
use crate::finding::Finding;
use crate::plan::Plan;
use crate::render::text::plural;

/// The message of the commit of `group`, which changes the files `fixed` (indices into `targets`).
pub(super) fn message(
    group: &Group,
    targets: &[Target],
    fixed: &[(usize, Plan)],
    command: &str,
    signoff: Option<&Signature>,
) -> String {
    let mut added: Vec<&Finding> = Vec::new();
    let mut per_file = Vec::new();
    for (t, plan) in fixed {
        let rewrite = plan.rewrite.as_ref().expect("only rewritten files are committed");
        let before = added.len();
        added.extend(
            (rewrite.fixed.iter().map(|&i| &plan.findings[i])).filter(|f| group.adds.contains(&f.transform)),
        );
        let sites = plural(added.len() - before, "site");
        per_file.push(format!("- {} ({sites})", targets[*t].relative.display()));
    }
    let mut kinds: BTreeMap<(&str, &str), usize> = BTreeMap::new();
    for f in &added {
        *kinds.entry((f.rule.code(), f.summary.as_str())).or_default() += 1;
    }
    let mut codes: Vec<&str> = kinds.keys().map(|(code, _)| *code).collect();
    codes.dedup();
    let mut out = format!(
        "fix {}: {}{} ({}, {})\n\n",
        codes.join(", "),
        what(&added, &group.adds),
        group.place.phrase(),
        plural(added.len(), "site"),
        plural(fixed.len(), "file")
    );
    for ((code, what), n) in &kinds {
        out.push_str(&format!("{code} {what}: {}\n", plural(*n, "site")));
    }
    out.push('\n');
    out.push_str(&per_file.join("\n"));
    out.push_str(&format!("\n\nMade with `{command}` (awaitfix {}).\n", env!("CARGO_PKG_VERSION")));
    if let Some(committer) = signoff {
        let name = committer.name().unwrap_or_default();
        let email = committer.email().unwrap_or_default();
        out.push_str(&format!("\nSigned-off-by: {name} <{email}>\n"));
    }
    out
}

/// What the fixes do: their summary when they all do the same (`drop await on get_websocket_manager`); else
/// the rule's title (or "sync/async misuse" for several rules) and the transforms whose fixes they are, in
/// the order `transforms` gives them.
fn what(added: &[&Finding], transforms: &[String]) -> String {
    let mut summaries: Vec<&str> = added.iter().map(|f| f.summary.as_str()).collect();
    summaries.sort_unstable();
    summaries.dedup();
    if let [one] = summaries.as_slice()
        && !one.is_empty()
    {
        return one.to_string();
    }
    let mut titles: Vec<&str> = added.iter().map(|f| f.rule.title()).collect();
    titles.sort_unstable();
    titles.dedup();
    let rules = match titles.as_slice() {
        [one] => one.replace('`', ""),
        _ => "sync/async misuse".to_string(),
    };
    let used: Vec<&str> = (transforms.iter())
        .filter(|t| added.iter().any(|f| &f.transform == *t))
        .map(String::as_str)
        .collect();
    format!("{rules} of {}", used.join(", "))
}
