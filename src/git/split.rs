//! `--split`: which files and which transforms' fixes go into each commit. By directory, the level is the
//! first at which the files differ (their common folder is skipped), so that a repository holding one
//! package still gets a commit per sub-package.

use std::collections::BTreeMap;
use std::path::{Component, Path};

use crate::cli::Split;

/// Files (indices into the targets) and the transforms whose fixes go into one commit.
pub(super) struct Group {
    pub place: Place,
    pub targets: Vec<usize>,
    /// Transforms whose fixes are in the tree once this commit is made.
    pub transforms: Vec<String>,
    /// Transforms whose fixes this commit adds.
    pub adds: Vec<String>,
}

/// Where the files of a group are, for its commit's subject.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Place {
    /// Not split by directory.
    Anywhere,
    /// Files directly in the folder all the files share (`""` for the repository's root).
    Top(String),
    /// Files in this folder (below the shared one) or deeper.
    In(String),
}

impl Place {
    /// The place as the subject says it: ` in api/`, ` at the top of channels/`, or nothing.
    pub fn phrase(&self) -> String {
        match self {
            Place::Anywhere => String::new(),
            Place::Top(folder) if folder.is_empty() => " at the top level".into(),
            Place::Top(folder) => format!(" at the top of {folder}/"),
            Place::In(folder) => format!(" in {folder}/"),
        }
    }
}

/// The commits `split` asks for over `paths` (the targets' paths relative to the work tree) and the
/// transforms in effect, in commit order.
pub(super) fn groups(paths: &[&Path], transforms: &[String], split: Split) -> Vec<Group> {
    let all: Vec<usize> = (0..paths.len()).collect();
    let every =
        |place, targets| Group { place, targets, transforms: transforms.to_vec(), adds: transforms.to_vec() };
    match split {
        Split::Single => vec![every(Place::Anywhere, all)],
        // Each commit adds one transform's fixes to every file: a file fixed by two transforms is in both.
        Split::Transform => (0..transforms.len())
            .map(|i| Group {
                place: Place::Anywhere,
                targets: all.clone(),
                transforms: transforms[..=i].to_vec(),
                adds: vec![transforms[i].clone()],
            })
            .collect(),
        Split::Directory => {
            by_directory(paths).into_iter().map(|(place, targets)| every(place, targets)).collect()
        }
    }
}

/// The paths (their indices) per folder at the first level where their folders differ; the files directly
/// in the shared folder come first. Sorted, so that the commits are made in the same order on every run.
fn by_directory(paths: &[&Path]) -> BTreeMap<Place, Vec<usize>> {
    let folders: Vec<Vec<String>> = paths.iter().map(|p| folder_parts(p)).collect();
    let shared = folders.iter().skip(1).fold(folders.first().map_or(0, Vec::len), |shared, parts| {
        shared.min(parts.iter().zip(&folders[0]).take_while(|(a, b)| a == b).count())
    });
    let prefix = folders.first().map_or(String::new(), |parts| parts[..shared].join("/"));
    let mut out: BTreeMap<Place, Vec<usize>> = BTreeMap::new();
    for (i, parts) in folders.iter().enumerate() {
        let place = match parts.get(shared) {
            Some(_) => Place::In(parts[..=shared].join("/")),
            None => Place::Top(prefix.clone()),
        };
        out.entry(place).or_default().push(i);
    }
    // All in one folder: that folder is the place, not its top.
    if let Some(Place::Top(folder)) = out.keys().next().filter(|_| out.len() == 1)
        && !folder.is_empty()
    {
        let folder = folder.clone();
        let targets = out.remove(&Place::Top(folder.clone())).unwrap_or_default();
        out.insert(Place::In(folder), targets);
    }
    out
}

/// The folders of a relative path, outermost first.
fn folder_parts(path: &Path) -> Vec<String> {
    let parent = path.parent().unwrap_or(Path::new(""));
    (parent.components())
        .filter_map(|c| match c {
            Component::Normal(part) => Some(part.to_string_lossy().into_owned()),
            _ => None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn places(paths: &[&str]) -> Vec<(String, Vec<usize>)> {
        let paths: Vec<&Path> = paths.iter().map(Path::new).collect();
        by_directory(&paths).into_iter().map(|(place, targets)| (place.phrase(), targets)).collect()
    }

    #[test]
    fn top_level_directories_when_they_differ() {
        assert_eq!(
            places(&["api/a.py", "worker/jobs/b.py", "top.py", "api/c.py"]),
            [
                (" at the top level".into(), vec![2]),
                (" in api/".into(), vec![0, 3]),
                (" in worker/".into(), vec![1])
            ]
        );
    }

    /// A repository holding one package got one commit "in channels/": the shared folder is skipped.
    #[test]
    fn the_shared_folder_is_skipped() {
        assert_eq!(
            places(&["channels/layers/a.py", "channels/db.py", "channels/testing/live/b.py"]),
            [
                (" at the top of channels/".into(), vec![1]),
                (" in channels/layers/".into(), vec![0]),
                (" in channels/testing/".into(), vec![2])
            ]
        );
        assert_eq!(
            places(&["src/pkg/a/x.py", "src/pkg/b/y.py"]),
            [(" in src/pkg/a/".into(), vec![0]), (" in src/pkg/b/".into(), vec![1])]
        );
    }

    #[test]
    fn files_of_one_folder_are_one_group() {
        assert_eq!(places(&["pkg/sub/a.py", "pkg/sub/b.py"]), [(" in pkg/sub/".into(), vec![0, 1])]);
        assert_eq!(places(&["a.py"]), [(" at the top level".into(), vec![0])]);
    }
}
