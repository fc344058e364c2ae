//! Transform examples: each `before` snippet is planned as the body of an `async def` with the transform alone,
//! and the rewrite must equal its `after` (`awaitfix transforms test`, and the test suite for the built-ins).

use std::path::Path;

use crate::engine::Engine;
use crate::plan::{Want, plan};
use crate::selection::Selection;
use crate::transform::Transform;

/// One example whose rewrite differs from what the transform says.
#[derive(Debug, PartialEq, Eq)]
pub struct Failure {
    pub index: usize,
    pub expected: String,
    pub actual: String,
}

/// Runs every example of `transform`; returns the ones that fail.
pub fn run(transform: &Transform) -> anyhow::Result<Vec<Failure>> {
    let engine = Engine::new(vec![transform.clone()]);
    let mut failures = Vec::new();
    for (index, example) in transform.examples.iter().enumerate() {
        let actual = rewrite(&engine, &example.before).unwrap_or_else(|e| format!("<error: {e}>"));
        if actual.trim_end() != example.after.trim_end() {
            failures.push(Failure { index, expected: example.after.clone(), actual });
        }
    }
    Ok(failures)
}

/// The snippet as `apply` would leave it inside an `async def`.
fn rewrite(engine: &Engine, snippet: &str) -> Result<String, String> {
    let mut source = String::from("async def example():\n");
    for line in snippet.lines() {
        source.push_str("    ");
        source.push_str(line);
        source.push('\n');
    }
    let planned = plan(engine, Path::new("example.py"), source.as_bytes(), Want::Rewrite, &Selection::all())
        .map_err(|e| e.to_string())?;
    let text = planned.rewrite.map_or(source, |r| r.text);
    let body: Vec<&str> = text.lines().skip(1).map(|l| l.strip_prefix("    ").unwrap_or(l)).collect();
    Ok(body.join("\n"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_examples_hold() {
        for t in crate::transform::builtins().unwrap() {
            assert!(!t.examples.is_empty(), "{} documents itself with examples", t.id);
            assert_eq!(run(&t).unwrap(), [], "{}", t.id);
        }
    }

    #[test]
    fn a_wrong_example_is_reported() {
        let text = "id: t\npairs:\n  - sync: f\n    async: f_async\nexamples:\n  - before: 'x = await f()'\n    after: 'x = await f()'\n";
        let t = crate::transform::parse("t.yaml", text).unwrap();
        let failures = run(&t).unwrap();
        assert_eq!(
            failures,
            [Failure { index: 0, expected: "x = await f()".into(), actual: "x = f()".into() }]
        );
    }
}
