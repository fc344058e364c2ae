//! The module map: dotted module names to files, as Python's import system finds them from a list of roots.
//! Consumes the roots (configured, or found from the paths scanned); produces the file of a module, the
//! module of a file, and absolute names for relative imports. Only the file system is read, never a file.

use std::path::{Path, PathBuf};

/// Where a module's source lives.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ModuleFile {
    /// `a/b.py`, or `a/b/__init__.py` for a regular package.
    Source { path: PathBuf, is_package: bool },
    /// A folder without `__init__.py` (PEP 420): it binds no name of its own, its submodules are found in it.
    Namespace(PathBuf),
}

/// Finds modules in an ordered list of import roots, the way `sys.path` does: the first root that holds a
/// module wins.
#[derive(Clone, Debug, Default)]
pub struct ModuleMap {
    roots: Vec<PathBuf>,
}

impl ModuleMap {
    /// A map over `roots`, in order; duplicates are dropped.
    pub fn new(roots: impl IntoIterator<Item = PathBuf>) -> Self {
        let mut map = Self::default();
        for root in roots {
            let root = std::path::absolute(&root).unwrap_or(root);
            if !map.roots.contains(&root) {
                map.roots.push(root);
            }
        }
        map
    }

    /// The roots that make imports of the files under `paths` resolve: for each path, the folder above its
    /// topmost package (the first ancestor without `__init__.py`), the path itself when it is a folder, and
    /// its `src/` folder when it has one (the src layout).
    pub fn discover(paths: &[PathBuf]) -> Self {
        let mut roots = Vec::new();
        for path in paths {
            let path = std::path::absolute(path).unwrap_or_else(|_| path.clone());
            let folder = if path.is_dir() {
                path.clone()
            } else {
                path.parent().map(Path::to_path_buf).unwrap_or_default()
            };
            roots.push(package_root(&folder));
            if path.is_dir() {
                roots.push(path.clone());
                let src = path.join("src");
                if src.is_dir() {
                    roots.push(src);
                }
            }
        }
        Self::new(roots)
    }

    /// The configured `roots` when there are any, else the roots found from `paths`.
    pub fn configured(roots: &[PathBuf], paths: &[PathBuf]) -> Self {
        match roots.is_empty() {
            true => Self::discover(paths),
            false => Self::new(roots.iter().cloned()),
        }
    }

    pub fn roots(&self) -> &[PathBuf] {
        &self.roots
    }

    /// The file of module `name` (`a.b.c`), from the first root that has it.
    pub fn locate(&self, name: &str) -> Option<ModuleFile> {
        if name.is_empty() || name.split('.').any(|part| !is_identifier(part)) {
            return None;
        }
        let relative: PathBuf = name.split('.').collect();
        self.roots.iter().find_map(|root| {
            let base = root.join(&relative);
            let init = base.join("__init__.py");
            if init.is_file() {
                return Some(ModuleFile::Source { path: init, is_package: true });
            }
            let file = base.with_extension("py");
            if file.is_file() {
                return Some(ModuleFile::Source { path: file, is_package: false });
            }
            base.is_dir().then_some(ModuleFile::Namespace(base))
        })
    }

    /// The dotted name of the module in `file` and whether it is a package (`__init__.py`), as seen from
    /// the first root that contains it.
    pub fn module_of(&self, file: &Path) -> Option<(String, bool)> {
        let file = std::path::absolute(file).ok()?;
        self.roots.iter().find_map(|root| {
            let relative = file.strip_prefix(root).ok()?;
            let is_package = relative.file_name()? == "__init__.py";
            let mut parts: Vec<&str> = relative.iter().map(|part| part.to_str()).collect::<Option<_>>()?;
            let last = parts.pop()?;
            if !is_package {
                parts.push(last.strip_suffix(".py")?);
            }
            let name = parts.join(".");
            (!name.is_empty() && parts.iter().all(|p| is_identifier(p))).then_some((name, is_package))
        })
    }
}

/// The absolute name of `from <dots><name> import …` written in module `current`: one dot is the current
/// package (the module itself when it is a package, else its parent), each further dot one level up.
/// `None` when the dots climb above the top-level package, as Python's "attempted relative import beyond
/// top-level package".
pub fn absolute_module(current: &str, is_package: bool, dots: usize, name: &str) -> Option<String> {
    if dots == 0 {
        return Some(name.to_string());
    }
    let mut parts: Vec<&str> = current.split('.').collect();
    if !is_package {
        parts.pop();
    }
    for _ in 1..dots {
        parts.pop()?;
    }
    if parts.is_empty() {
        return None;
    }
    if !name.is_empty() {
        parts.push(name);
    }
    Some(parts.join("."))
}

/// The folder that holds the topmost package above `folder` (itself when it is no package).
fn package_root(folder: &Path) -> PathBuf {
    let mut root = folder.to_path_buf();
    while root.join("__init__.py").is_file() {
        match root.parent() {
            Some(parent) => root = parent.to_path_buf(),
            None => break,
        }
    }
    root
}

fn is_identifier(part: &str) -> bool {
    let mut chars = part.chars();
    chars.next().is_some_and(|c| c == '_' || c.is_alphabetic())
        && chars.all(|c| c == '_' || c.is_alphanumeric())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree(files: &[&str]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for file in files {
            let path = dir.path().join(file);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, "").unwrap();
        }
        dir
    }

    #[test]
    fn packages_modules_and_namespaces_are_located() {
        let dir = tree(&["app/__init__.py", "app/ws/__init__.py", "app/ws/manager.py", "ns/sub/mod.py"]);
        let map = ModuleMap::new([dir.path().to_path_buf()]);
        let at = |p: &str| dir.path().join(p);
        assert_eq!(
            map.locate("app.ws"),
            Some(ModuleFile::Source { path: at("app/ws/__init__.py"), is_package: true })
        );
        assert_eq!(
            map.locate("app.ws.manager"),
            Some(ModuleFile::Source { path: at("app/ws/manager.py"), is_package: false })
        );
        assert_eq!(map.locate("ns.sub"), Some(ModuleFile::Namespace(at("ns/sub"))));
        assert_eq!(map.locate("app.missing"), None);
        assert_eq!(map.locate("app..ws"), None, "not a module name");
        assert_eq!(map.module_of(&at("app/ws/manager.py")), Some(("app.ws.manager".into(), false)));
        assert_eq!(map.module_of(&at("app/ws/__init__.py")), Some(("app.ws".into(), true)));
    }

    #[test]
    fn roots_are_found_above_the_topmost_package_and_in_src() {
        let dir = tree(&["repo/src/pkg/__init__.py", "repo/src/pkg/a.py", "repo/tools/run.py"]);
        let repo = dir.path().join("repo");
        let map = ModuleMap::discover(std::slice::from_ref(&repo));
        assert!(map.locate("pkg.a").is_some(), "src layout: {:?}", map.roots());
        assert!(map.locate("tools.run").is_some(), "the folder scanned is a root");
        let map = ModuleMap::discover(&[repo.join("src/pkg/a.py")]);
        assert_eq!(map.module_of(&repo.join("src/pkg/a.py")), Some(("pkg.a".into(), false)));
    }

    #[test]
    fn relative_imports_climb_packages() {
        assert_eq!(absolute_module("a.b.c", false, 1, "d").as_deref(), Some("a.b.d"));
        assert_eq!(absolute_module("a.b.c", false, 2, "").as_deref(), Some("a"));
        assert_eq!(
            absolute_module("a.b", true, 1, "x").as_deref(),
            Some("a.b.x"),
            "a package is its own `.`"
        );
        assert_eq!(absolute_module("a.b", false, 3, "x"), None, "beyond the top-level package");
        assert_eq!(absolute_module("a.b", false, 0, "x.y").as_deref(), Some("x.y"));
    }
}
