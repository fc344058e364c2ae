//! Applying fixes: source text and findings in, rewritten text and counts out. Pure but for one thing: a fix
//! that overlaps a fix already applied (in source order) is skipped, counted, and demoted on its finding.

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

/// Applies every fix of an open finding that promises at least `required` (`Safe`, or `Unsafe` with
/// `--unsafe-fixes`). A fix is skipped when one of its edits overlaps an edit already
/// taken; fixes nested inside each other's edits (`await F(await F())`) both apply, and an edit that several
/// fixes share (one import statement) is applied once. A skipped fix is reported on its site (see
/// `demote_overlapping`): it is shown, not offered.
pub fn apply(text: &str, findings: &mut [Finding], required: Applicability) -> Applied {
    let Chosen { fixed, overlapping, taken } = choose(findings, required);
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    for edit in &taken {
        out.push_str(&text[last..edit.start()]);
        out.push_str(edit.content());
        last = edit.end();
    }
    out.push_str(&text[last..]);
    let edits = taken.into_iter().cloned().collect();
    demote_overlapping(findings, &overlapping);
    Applied { text: out, fixed, overlapping, edits }
}

/// Reports, without applying anything, the fixes that `apply` would skip for overlapping (see
/// `demote_overlapping`); for plans that only report.
pub fn report_overlapping(findings: &mut [Finding], required: Applicability) {
    // One fix overlaps nothing; most files have one site.
    if findings.iter().filter(|f| f.is_fixable_at(required)).nth(1).is_none() {
        return;
    }
    let overlapping = choose(findings, required).overlapping;
    demote_overlapping(findings, &overlapping);
}

/// Makes the fixes of `overlapping` (indices into `findings`) display-only, with a word in their messages: a
/// fix that was not applied must not be offered as one that was. Running again applies them.
fn demote_overlapping(findings: &mut [Finding], overlapping: &[usize]) {
    for &i in overlapping {
        let finding = &mut findings[i];
        finding.fix = finding.fix.take().map(|fix| fix.with_applicability(Applicability::DisplayOnly));
        finding.message.push_str("; not fixed: its fix overlaps another site's, run awaitfix again");
    }
}

/// The fixes taken in source order, those skipped for overlapping, and the edits taken (sorted, each once).
struct Chosen<'a> {
    fixed: Vec<usize>,
    overlapping: Vec<usize>,
    /// A sorted set: most fixes come in source order and land at its end; an import edit lands near the start.
    taken: Vec<&'a Edit>,
}

fn choose(findings: &[Finding], required: Applicability) -> Chosen<'_> {
    let mut order: Vec<usize> =
        (0..findings.len()).filter(|&i| findings[i].is_fixable_at(required)).collect();
    order.sort_by_key(|&i| findings[i].fix.as_ref().map(|f| f.span().start));
    let mut chosen = Chosen { fixed: Vec::new(), overlapping: Vec::new(), taken: Vec::new() };
    for i in order {
        let fix = findings[i].fix.as_ref().expect("filtered on fixable");
        // An edit identical to one already taken (the import edit that several renames share) is done.
        let new: Vec<&Edit> = fix.edits().iter().filter(|e| chosen.taken.binary_search(e).is_err()).collect();
        if new.iter().any(|e| overlaps_taken(&chosen.taken, e)) {
            chosen.overlapping.push(i);
            continue;
        }
        for edit in new {
            let at = chosen.taken.partition_point(|t| *t < edit);
            chosen.taken.insert(at, edit);
        }
        chosen.fixed.push(i);
    }
    chosen
}

/// Whether `edit` overlaps an edit of `taken` (sorted). The edits taken are disjoint, so only the last one
/// before `edit` and the first one after it can overlap it.
fn overlaps_taken(taken: &[&Edit], edit: &Edit) -> bool {
    let at = taken.partition_point(|t| *t < edit);
    let before = at.checked_sub(1).map(|i| taken[i]);
    before.into_iter().chain(taken.get(at).copied()).any(|t| overlaps(edit, t))
}

/// Whether two edits touch the same bytes; two insertions at one offset count too, their order being unknown.
fn overlaps(a: &Edit, b: &Edit) -> bool {
    a.start() < b.end() && b.start() < a.end() || a.start() == b.start()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::edit::{Edit, Fix};
    use crate::finding::Status;

    fn finding(edits: Vec<Edit>) -> Finding {
        Finding {
            rule: crate::rules::by_code("AWF001").expect("registered"),
            range: edits[0].range(),
            message: String::new(),
            transform: "t".into(),
            fix: Some(Fix::safe(edits)),
            summary: String::new(),
            status: Status::Open,
            chain: Vec::new(),
            fallback: None,
        }
    }

    #[test]
    fn applies_in_order_and_skips_overlaps() {
        let text = "0123456789";
        let mut findings = vec![
            finding(vec![Edit::deletion(6..8)]),
            finding(vec![Edit::replacement(1..3, "ab"), Edit::insertion(4, "!")]),
            finding(vec![Edit::deletion(2..4)]),
        ];
        let applied = apply(text, &mut findings, Applicability::Safe);
        assert_eq!(applied.text, "0ab3!4589");
        assert_eq!(
            apply(
                "0123456789",
                &mut [
                    finding(vec![Edit::deletion(0..2), Edit::deletion(8..10)]),
                    finding(vec![Edit::deletion(4..5)])
                ],
                Applicability::Safe
            )
            .text,
            "23567",
            "nested fixes both apply"
        );
        assert_eq!(applied.fixed, vec![1, 0]);
        assert_eq!(applied.overlapping, vec![2]);
    }

    /// A fix skipped for overlapping another must not be offered as fixable (`[*]`, `fixable: true`).
    #[test]
    fn an_overlapping_fix_is_reported_on_its_site_and_not_offered() {
        let mut findings = vec![finding(vec![Edit::deletion(2..5)]), finding(vec![Edit::deletion(3..4)])];
        let applied = apply("0123456789", &mut findings, Applicability::Safe);
        assert_eq!((applied.text.as_str(), applied.overlapping.as_slice()), ("0156789", &[1][..]));
        assert!(!findings[1].is_fixable(), "its fix was not applied");
    }

    /// Guards `--unsafe-fixes`: an unsafe fix (AWF005's) is applied only when the run asks for unsafe fixes.
    #[test]
    fn an_unsafe_fix_is_applied_only_where_unsafe_fixes_are_asked_for() {
        let mut f = finding(vec![Edit::deletion(0..1)]);
        f.fix = f.fix.map(|fix| fix.with_applicability(Applicability::Unsafe));
        assert_eq!(apply("abc", &mut [f.clone()], Applicability::Safe).text, "abc");
        assert_eq!(apply("abc", &mut [f], Applicability::Unsafe).text, "bc");
    }

    #[test]
    fn suppressed_findings_are_never_applied() {
        let mut f = finding(vec![Edit::deletion(0..1)]);
        f.status = Status::Suppressed;
        assert_eq!(apply("abc", &mut [f], Applicability::Safe).text, "abc");
    }
}
