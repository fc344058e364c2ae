//! Applying fixes: source text and findings in, rewritten text and counts out. Pure.
//! Fixes are applied in source order; one that overlaps a fix already applied is skipped and counted.

use crate::edit::{Applicability, Edit};
use crate::finding::Finding;

/// The result of applying the fixable findings of one file.
#[derive(Debug, PartialEq, Eq)]
pub struct Applied {
    pub text: String,
    /// Indices (into the findings given) of the fixes that were applied.
    pub fixed: Vec<usize>,
    /// Indices of fixable findings skipped because their edits overlap an applied fix.
    pub overlapping: Vec<usize>,
    /// The edits made, sorted, each once.
    pub edits: Vec<Edit>,
}

/// Applies every safe fix of an open finding that `accept` approves. A fix is skipped when one of its edits
/// overlaps an edit already taken; fixes nested inside each other's edits (`await F(await F())`) both apply,
/// and an edit that several fixes share (one import statement) is applied once.
pub fn apply(text: &str, findings: &[Finding], mut accept: impl FnMut(usize) -> bool) -> Applied {
    let mut order: Vec<usize> = (0..findings.len())
        .filter(|&i| findings[i].is_fixable())
        .filter(|&i| findings[i].fix.as_ref().is_some_and(|f| f.applicability() == Applicability::Safe))
        .collect();
    order.sort_by_key(|&i| findings[i].fix.as_ref().map(|f| f.span().start));
    // Taken edits by start: they never overlap, so only an edit's neighbours there can overlap it, and a fix
    // costs a lookup rather than a pass over every edit taken before (thousands of sites in a file).
    let mut taken: std::collections::BTreeMap<usize, &Edit> = std::collections::BTreeMap::new();
    let mut fixed = Vec::new();
    let mut overlapping = Vec::new();
    for i in order {
        let fix = findings[i].fix.as_ref().expect("filtered on fixable");
        // An edit identical to one already taken (the import edit that several renames share) is done.
        let new: Vec<&Edit> = fix.edits().iter().filter(|e| taken.get(&e.start()) != Some(e)).collect();
        let overlaps_taken = |e: &Edit| {
            let before = taken.range(..=e.start()).next_back();
            let after = taken.range(e.start()..).next();
            before.into_iter().chain(after).any(|(_, t)| overlaps(e, t))
        };
        if new.iter().any(|e| overlaps_taken(e)) {
            overlapping.push(i);
            continue;
        }
        if !accept(i) {
            continue;
        }
        taken.extend(new.into_iter().map(|e| (e.start(), e)));
        fixed.push(i);
    }
    let taken: Vec<&Edit> = taken.into_values().collect();
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    for edit in &taken {
        out.push_str(&text[last..edit.start()]);
        out.push_str(edit.content());
        last = edit.end();
    }
    out.push_str(&text[last..]);
    Applied { text: out, fixed, overlapping, edits: taken.into_iter().cloned().collect() }
}

/// Whether two edits touch the same bytes; two insertions at one offset count too, their order being unknown.
fn overlaps(a: &Edit, b: &Edit) -> bool {
    a.start() < b.end() && b.start() < a.end() || a.start() == b.start()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::edit::{Edit, Fix};
    use crate::finding::{Rule, Status};

    fn finding(edits: Vec<Edit>) -> Finding {
        Finding {
            rule: Rule::Awf001,
            range: edits[0].range(),
            message: String::new(),
            transform: "t".into(),
            fix: Some(Fix::safe(edits)),
            summary: String::new(),
            status: Status::Open,
        }
    }

    #[test]
    fn applies_in_order_and_skips_overlaps() {
        let text = "0123456789";
        let findings = vec![
            finding(vec![Edit::deletion(6..8)]),
            finding(vec![Edit::replacement(1..3, "ab"), Edit::insertion(4, "!")]),
            finding(vec![Edit::deletion(2..4)]),
        ];
        let applied = apply(text, &findings, |_| true);
        assert_eq!(applied.text, "0ab3!4589");
        assert_eq!(
            apply(
                "0123456789",
                &[
                    finding(vec![Edit::deletion(0..2), Edit::deletion(8..10)]),
                    finding(vec![Edit::deletion(4..5)])
                ],
                |_| true
            )
            .text,
            "23567",
            "nested fixes both apply"
        );
        assert_eq!(applied.fixed, vec![1, 0]);
        assert_eq!(applied.overlapping, vec![2]);
    }

    #[test]
    fn declined_fixes_leave_text_alone() {
        let findings = vec![finding(vec![Edit::deletion(0..1)]), finding(vec![Edit::deletion(2..3)])];
        let applied = apply("abc", &findings, |i| i == 1);
        assert_eq!(applied.text, "ab");
        assert_eq!(applied.fixed, vec![1]);
    }

    #[test]
    fn suppressed_findings_are_never_applied() {
        let mut f = finding(vec![Edit::deletion(0..1)]);
        f.status = Status::Suppressed;
        assert_eq!(apply("abc", &[f], |_| true).text, "abc");
    }
}
