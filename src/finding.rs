//! Findings: what a rule reports about one site, with the fix it plans (if any).

use std::ops::Range;

use crate::edit::{Applicability, Fix};

/// Everything about a rule but its detection: what reports, SARIF and planning say of it. Each rule file
/// under `rules/` defines its own; the registry in `rules/mod.rs` lists them.
#[derive(Debug)]
pub struct RuleSpec {
    /// Stable code (DESIGN §2), e.g. `AWF001`.
    pub code: &'static str,
    /// CamelCase name, e.g. `AwaitOnSyncFunction` (SARIF's `name`).
    pub name: &'static str,
    /// What the rule finds, as a title for reports, e.g. "`await` on a synchronous function".
    pub title: &'static str,
    /// What the rule finds, in one line of code, e.g. "`await F(...)` where F is the sync function of a pair".
    pub summary: &'static str,
    /// Why it is a bug and how it is fixed, in a few sentences (SARIF's description and help).
    pub docs: &'static str,
    /// What its fix does in general; `None` for a rule that only reports.
    pub fix_title: Option<&'static str>,
    /// How loudly open findings are reported.
    pub level: Level,
    /// What its fixes promise: `apply` writes only the fixes that meet what it requires.
    pub applicability: Applicability,
}

/// How loudly a rule's open findings are reported.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Level {
    /// A bug to fix (SARIF `error`).
    Error,
    /// Something to review (SARIF `warning`).
    Warning,
}

impl Level {
    /// The SARIF level.
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Error => "error",
            Level::Warning => "warning",
        }
    }
}

/// A rule: a handle on its spec, compared and ordered by code.
#[derive(Clone, Copy)]
pub struct Rule(&'static RuleSpec);

impl Rule {
    /// The rule `spec` describes.
    pub const fn new(spec: &'static RuleSpec) -> Self {
        Self(spec)
    }

    /// Everything known about the rule.
    pub fn spec(self) -> &'static RuleSpec {
        self.0
    }

    pub fn code(self) -> &'static str {
        self.0.code
    }

    /// What the rule finds, as a title for reports.
    pub fn title(self) -> &'static str {
        self.0.title
    }
}

impl PartialEq for Rule {
    fn eq(&self, other: &Self) -> bool {
        std::ptr::eq(self.0, other.0) || self.code() == other.code()
    }
}

impl Eq for Rule {}

impl PartialOrd for Rule {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Rule {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.code().cmp(other.code())
    }
}

impl std::hash::Hash for Rule {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.code().hash(state);
    }
}

impl std::fmt::Debug for Rule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.code())
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
    /// How the callee reached what condemns it, first hop to last (AWF005); empty for the other rules.
    pub chain: Vec<Link>,
    /// Why the site got the sync fix where `prefer: async` asked for the async twin, which cannot be called
    /// there correctly (AWF001); `None` otherwise.
    pub fallback: Option<String>,
}

/// One step of a resolution across modules: `name` as bound in `module`, at `line` of `path` (as shown to
/// users: relative to the working directory when under it).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Link {
    pub module: String,
    pub name: String,
    pub path: String,
    pub line: usize,
}

impl Finding {
    /// Whether `apply` would rewrite this site without `--unsafe-fixes`.
    pub fn is_fixable(&self) -> bool {
        self.is_fixable_at(Applicability::Safe)
    }

    /// Whether a run that applies fixes promising at least `required` would rewrite this site.
    pub fn is_fixable_at(&self, required: Applicability) -> bool {
        self.status == Status::Open && self.fix.as_ref().is_some_and(|f| f.applies(required))
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
