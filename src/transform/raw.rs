//! Transform files as written: the serde shape of DESIGN §3, before validation.
//! Consumes YAML text, produces `RawTransform`; unknown keys are rejected here so a typo never passes silently.

use serde::Deserialize;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawTransform {
    pub id: String,
    #[serde(default)]
    pub description: String,
    pub pairs: Vec<RawPair>,
    #[serde(default)]
    pub prefer: Option<String>,
    #[serde(default)]
    pub overrides: Vec<RawOverride>,
    #[serde(default)]
    pub examples: Vec<RawExample>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawPair {
    pub sync: String,
    #[serde(rename = "async")]
    pub async_: String,
    #[serde(default)]
    pub modules: Vec<String>,
    #[serde(default)]
    pub async_module: Option<String>,
    /// Whether a name the file never binds counts; defaults to "yes" only when `modules` is empty.
    #[serde(default)]
    pub unbound: Option<bool>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawOverride {
    pub paths: Vec<String>,
    pub prefer: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawExample {
    pub before: String,
    pub after: String,
}
