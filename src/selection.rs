//! Selections: which sites' fixes a plan makes. Every fixable site's by default; `--interactive` declines
//! some (per file, by key); `commit --split transform` takes one transform's at a time; a preview shows one
//! site's alone. `plan` consumes a `Selection`, `interactive` builds one.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::finding::SiteKey;

/// Which sites' fixes are wanted. A site is named by its key, so the choice carries over to another version
/// of the file (the committed one when the work tree differs).
#[derive(Clone, Debug, Default)]
pub struct Selection {
    /// The sites whose fix is not wanted, per file.
    declined: Arc<HashMap<PathBuf, HashSet<SiteKey>>>,
    /// Whether the version planned is another one than the user was asked about: sites shift there, so every
    /// site with the text of a declined one is declined.
    other_version: bool,
    /// Only the fixes of these transforms, when set.
    transforms: Option<Vec<String>>,
    /// Only this site's fix, when set.
    only: Option<SiteKey>,
}

impl Selection {
    /// Every fix.
    pub fn all() -> Self {
        Self::default()
    }

    /// The fix of the site `key` alone.
    pub fn only(key: SiteKey) -> Self {
        Self { only: Some(key), ..Self::default() }
    }

    /// Declines the fix of the site `key` in `path`.
    pub fn decline(&mut self, path: &Path, key: SiteKey) {
        Arc::make_mut(&mut self.declined).entry(path.to_path_buf()).or_default().insert(key);
    }

    /// This selection for the version of a file the user was asked about (`exact`), or for another one.
    pub fn in_version(&self, exact: bool) -> Self {
        Self { other_version: !exact, ..self.clone() }
    }

    /// This selection, keeping only the fixes of the transforms `ids`.
    pub fn of_transforms(&self, ids: &[String]) -> Self {
        Self { transforms: Some(ids.to_vec()), ..self.clone() }
    }

    /// Whether every fix is wanted, whatever the file.
    pub fn is_all(&self) -> bool {
        self.declined.is_empty() && self.transforms.is_none() && self.only.is_none()
    }

    /// Whether the fix of the site `key` in `path` is wanted.
    pub fn keeps(&self, path: &Path, key: &SiteKey) -> bool {
        if self.only.as_ref().is_some_and(|only| only != key)
            || self.transforms.as_ref().is_some_and(|ids| !ids.contains(&key.transform))
        {
            return false;
        }
        self.declined.get(path).is_none_or(|declined| match self.other_version {
            false => !declined.contains(key),
            true => !declined
                .iter()
                .any(|d| d.rule == key.rule && d.transform == key.transform && d.text == key.text),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(text: &str, ordinal: usize) -> SiteKey {
        SiteKey {
            rule: crate::rules::by_code("AWF001").expect("registered"),
            transform: "t".into(),
            text: text.into(),
            ordinal,
        }
    }

    #[test]
    fn a_declined_site_is_matched_by_key_here_and_by_text_in_another_version() {
        let mut selection = Selection::all();
        selection.decline(Path::new("a.py"), key("await f()", 1));
        let (path, other) = (Path::new("a.py"), Path::new("b.py"));
        assert!(!selection.keeps(path, &key("await f()", 1)));
        assert!(selection.keeps(path, &key("await f()", 0)), "another site with the same text");
        assert!(!selection.in_version(false).keeps(path, &key("await f()", 0)), "sites shift elsewhere");
        assert!(selection.keeps(other, &key("await f()", 1)), "declined in one file only");
    }

    #[test]
    fn transforms_and_a_single_site_narrow_the_selection() {
        let all = Selection::all();
        assert!(all.is_all() && all.keeps(Path::new("a.py"), &key("x", 0)));
        let other = SiteKey { transform: "u".into(), ..key("x", 0) };
        assert!(!all.of_transforms(&["t".into()]).keeps(Path::new("a.py"), &other));
        assert!(!Selection::only(key("x", 0)).keeps(Path::new("a.py"), &key("x", 1)));
    }
}
