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
    /// Why, when a common cause can be named: no site found, or `prefer: async` fell back to the sync fix.
    pub why: Option<String>,
}

/// Runs every example of `transform`; returns the ones that fail.
pub fn run(transform: &Transform) -> anyhow::Result<Vec<Failure>> {
    let engine = Engine::new(vec![transform.clone()]);
    let mut failures = Vec::new();
    for (index, example) in transform.examples.iter().enumerate() {
        let (actual, fallback) =
            rewrite(&engine, &example.before).unwrap_or_else(|e| (format!("<error: {e}>"), None));
        if actual.trim_end() != example.after.trim_end() {
            let why = match fallback {
                Some(why) => Some(crate::render::text::fallback_reason(&why)),
                None => explain(transform, &example.before, &actual),
            };
            failures.push(Failure { index, expected: example.after.clone(), actual, why });
        }
    }
    Ok(failures)
}

/// The usual cause of a failing example that has no site, in words: no pair's sync name is called, or the
/// pair lists `modules` and the example does not import the name from one of them. (A site that `prefer:
/// async` could not fix with the async twin says why itself.)
fn explain(transform: &Transform, before: &str, actual: &str) -> Option<String> {
    let calls = |text: &str, name: &str| {
        text.match_indices(name).any(|(at, _)| {
            let word_start = !text[..at].ends_with(|c: char| c == '_' || c.is_alphanumeric());
            word_start && text[at + name.len()..].trim_start().starts_with('(')
        })
    };
    if actual.trim_end() != before.trim_end() {
        return None;
    }
    let Some(pair) = transform.pairs.iter().find(|p| calls(before, &p.sync)) else {
        let names: Vec<String> = transform.pairs.iter().map(|p| format!("`{}`", p.sync)).collect();
        return Some(format!("no site: the example calls none of {}", names.join(", ")));
    };
    let imported = pair.modules.iter().any(|m| before.contains(&format!("from {m} import")));
    (!pair.modules.is_empty() && !pair.unbound && !imported).then(|| {
        format!(
            "no site: the pair lists `modules` ({}), so only `{}` imported from one of them counts; begin the \
             example with `from {} import {}` (or set `unbound: true` to count a name the file never binds)",
            pair.modules.join(", "),
            pair.sync,
            pair.modules[0],
            pair.sync
        )
    })
}

/// The snippet as `apply` would leave it inside an `async def`, and why a site got the sync fix where
/// `prefer: async` asked for the async twin, if one did.
fn rewrite(engine: &Engine, snippet: &str) -> Result<(String, Option<String>), String> {
    let mut source = String::from("async def example():\n");
    for line in snippet.lines() {
        source.push_str("    ");
        source.push_str(line);
        source.push('\n');
    }
    let planned = plan(engine, Path::new("example.py"), source.as_bytes(), Want::Rewrite, &Selection::all())
        .map_err(|e| e.to_string())?;
    let fallback = planned.findings.iter().find_map(|f| f.fallback.clone());
    let text = planned.rewrite.map_or(source, |r| r.text);
    let body: Vec<&str> = text.lines().skip(1).map(|l| l.strip_prefix("    ").unwrap_or(l)).collect();
    Ok((body.join("\n"), fallback))
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
            [Failure { index: 0, expected: "x = await f()".into(), actual: "x = f()".into(), why: None }]
        );
    }

    #[test]
    fn the_usual_causes_of_a_failing_example_are_named() {
        let yaml = |pair: &str, prefer: &str| {
            format!(
                "id: t\npairs:\n  - sync: connect\n    async: connect_async\n{pair}prefer: {prefer}\nexamples:\n  - before: 'c = await connect()'\n    after: 'c = await connect_async()'\n"
            )
        };
        let why =
            |text: String| run(&crate::transform::parse("t.yaml", &text).unwrap()).unwrap()[0].why.clone();
        let modules = why(yaml("    modules: [db.sync_api]\n", "async")).unwrap();
        assert!(modules.contains("begin the example with `from db.sync_api import connect`"), "{modules}");
        let unbound = why(yaml("    modules: [db.sync_api]\n    unbound: true\n", "async")).unwrap();
        assert!(unbound.starts_with("`prefer: async` used the sync fix"), "{unbound}");
        let none = "id: t\npairs:\n  - sync: f\n    async: f_async\nexamples:\n  - before: 'x = g()'\n    after: 'x = f()'\n";
        assert_eq!(why(none.to_string()).unwrap(), "no site: the example calls none of `f`");
    }
}
