//! Project-wide analysis: the modules of the scanned tree, what their top-level names are, and whether
//! awaiting a call of one can work. `modules` maps names to files, `exports` reads one module's top level,
//! `returns` what a function hands back, `index` follows names across modules, `awaitable` judges a target.

pub mod awaitable;
pub mod awaits;
pub mod discover;
pub mod exports;
pub mod index;
pub mod misuse;
pub mod modules;
pub mod returns;
pub mod stale;

pub use awaitable::{Awaitability, awaitability};
pub use index::{Hop, ProjectIndex, Resolved, Target};
pub use modules::ModuleMap;
