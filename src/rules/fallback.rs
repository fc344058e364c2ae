//! Why a site that `prefer: async` asks to call the async twin gets the sync fix instead: the twin cannot be
//! called there correctly. `imports` decides it; the words are said once, here, for `check -v`, the JSON
//! outputs and `transforms test`.

use std::fmt;

use super::in_tree::Found;

/// Why the async twin of a pair cannot be called at a site (names as the file spells them).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Fallback {
    /// The file never binds the sync name (a site through `unbound: true`, or a name injected at run time):
    /// there is no import to add the twin to.
    Unbound { sync: String, async_name: String },
    /// The module the twin would come from does not bind it as an `async def`.
    NotExported { module: String, async_name: String, found: Found },
    /// No star import of the file binds the twin.
    NotStarred { async_name: String },
    /// `m.F(...)` while the pair's `async_module` says the twin lives in another module than `F`.
    ElsewhereThanAttribute { async_name: String, async_module: String },
    /// The module an attribute call goes through cannot be told from its import.
    UnknownModule { callee: String, async_name: String },
    /// The sync name is a `def` of this file, and no `async def` of the twin is visible at the site.
    LocalDef { sync: String, async_name: String },
    /// The sync name is bound some other way (an assignment, a parameter, several bindings), or its import
    /// statement could not be edited.
    Binding { sync: String, async_name: String },
}

impl fmt::Display for Fallback {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Fallback::Unbound { sync, async_name } => write!(
                f,
                "awaitfix could not tell where to import `{async_name}` from here: the file never imports or \
                 defines `{sync}` (import it from its module, or set the pair's `async_module`)"
            ),
            Fallback::NotExported { module, async_name, found } => {
                let what = match found {
                    Found::Unbound => "does not bind it (importing it would raise ImportError)",
                    _ => "binds it to something other than an `async def`",
                };
                write!(f, "`{async_name}` cannot be imported from `{module}`: that module {what}")
            }
            Fallback::NotStarred { async_name } => {
                write!(f, "`{async_name}` is bound by none of the file's star imports")
            }
            Fallback::ElsewhereThanAttribute { async_name, async_module } => write!(
                f,
                "`{async_name}` lives in `{async_module}` (the pair's `async_module`), not in the module this \
                 attribute reads"
            ),
            Fallback::UnknownModule { callee, async_name } => write!(
                f,
                "awaitfix could not tell which module `{callee}` reads, so not whether it has `{async_name}`"
            ),
            Fallback::LocalDef { sync, async_name } => {
                write!(f, "`{sync}` is defined in this file and no `async def {async_name}` is visible here")
            }
            Fallback::Binding { sync, async_name } => write!(
                f,
                "awaitfix could not tell where to import `{async_name}` from here: `{sync}` is not bound by one \
                 `from … import` (put it beside an import of `{sync}`, or set the pair's `async_module`)"
            ),
        }
    }
}
