//! Findings: what a rule reports about one site, with the fix it plans (if any).

use std::ops::Range;

use crate::edit::Fix;

/// Stable rule codes (DESIGN §2).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Rule {
    /// `await F(...)` where F is the sync function of a pair.
    Awf001,
    /// `F_async(...)` whose coroutine is never awaited.
    Awf002,
    /// A sync `F(...)` handed to an API that needs an awaitable.
    Awf003,
    /// A reference the resolver cannot follow; reported for review.
    Awf004,
}

impl Rule {
    /// What the rule finds, as a title for reports.
    pub fn title(self) -> &'static str {
        match self {
            Rule::Awf001 => "`await` on a synchronous function",
            Rule::Awf002 => "coroutine never awaited",
            Rule::Awf003 => "synchronous call where an awaitable is needed",
            Rule::Awf004 => "reference that cannot be followed",
        }
    }

    /// Every rule, in code order.
    pub const ALL: [Rule; 4] = [Rule::Awf001, Rule::Awf002, Rule::Awf003, Rule::Awf004];

    /// The title of the rule with `code`.
    pub fn title_of(code: &str) -> &'static str {
        Rule::ALL.into_iter().find(|r| r.code() == code).map_or("", Rule::title)
    }

    pub fn code(self) -> &'static str {
        match self {
            Rule::Awf001 => "AWF001",
            Rule::Awf002 => "AWF002",
            Rule::Awf003 => "AWF003",
            Rule::Awf004 => "AWF004",
        }
    }
}

/// Whether a finding asks for action.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// A bug to fix (or to review when there is no fix): counts for `check`'s exit code.
    Open,
    /// The code asserts the failure on purpose (inside `pytest.raises(TypeError)` and the like); never rewritten.
    Intentional,
    /// Silenced by `# awaitfix: ignore` or `# noqa: CODE` on its line; never rewritten.
    Suppressed,
}

/// One reported site.
#[derive(Clone, Debug)]
pub struct Finding {
    pub rule: Rule,
    /// Byte range of the site in the decoded text.
    pub range: Range<usize>,
    pub message: String,
    /// Id of the transform whose pair matched.
    pub transform: String,
    /// The planned fix; `None` when the site needs a human.
    pub fix: Option<Fix>,
    /// What the fix does, in a few words (`drop await on F`); what to review when there is no fix.
    pub summary: String,
    pub status: Status,
}

impl Finding {
    /// Whether `apply` would rewrite this site.
    pub fn is_fixable(&self) -> bool {
        self.status == Status::Open
            && self.fix.as_ref().is_some_and(|f| f.applicability() == crate::edit::Applicability::Safe)
    }
}

/// Identifies a site across versions of one file (the committed one, the staged one, the work tree's):
/// rule, transform, the site's text, and how many equal sites come before it.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct SiteKey {
    pub rule: Rule,
    pub transform: String,
    pub text: String,
    pub ordinal: usize,
}

/// The keys of `findings` of `text`, in the same order.
pub fn site_keys(text: &str, findings: &[Finding]) -> Vec<SiteKey> {
    let mut seen: std::collections::HashMap<(Rule, &str, String), usize> = Default::default();
    findings
        .iter()
        .map(|f| {
            let site = text[f.range.clone()].split_whitespace().collect::<Vec<_>>().join(" ");
            let ordinal = seen.entry((f.rule, f.transform.as_str(), site.clone())).or_default();
            *ordinal += 1;
            SiteKey { rule: f.rule, transform: f.transform.clone(), text: site, ordinal: *ordinal - 1 }
        })
        .collect()
}
