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
    pub status: Status,
}

impl Finding {
    /// Whether `apply` would rewrite this site.
    pub fn is_fixable(&self) -> bool {
        self.status == Status::Open
            && self.fix.as_ref().is_some_and(|f| f.applicability() == crate::edit::Applicability::Safe)
    }
}
