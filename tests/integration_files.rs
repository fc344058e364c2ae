//! The files that run awaitfix elsewhere, `.pre-commit-hooks.yaml` and `examples/github-workflow.yml`: they
//! parse, have the keys their tools need, and every `awaitfix` command line in them names a real subcommand
//! and only flags that its `--help` lists.

use std::path::Path;

use assert_cmd::Command;
use serde_norway::Value;

const SUBCOMMANDS: [&str; 4] = ["check", "diff", "apply", "commit"];

fn load(path: &str) -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(path);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_norway::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn string<'a>(map: &'a Value, key: &str) -> &'a str {
    map.get(key).and_then(Value::as_str).unwrap_or_else(|| panic!("no string `{key}` in {map:?}"))
}

/// Splits one shell command into words, as far as a command line in these files needs: single and double
/// quotes, backslash escapes. Stops at the first unquoted `>`, `<`, `|`, `&` or `;`: the rest is not the
/// command's arguments.
fn shell_words(line: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word: Option<String> = None;
    let mut chars = line.chars();
    let mut quote = None;
    while let Some(c) = chars.next() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some('"'), '\\') | (None, '\\') => word.get_or_insert_default().extend(chars.next()),
            (Some(_), c) => word.get_or_insert_default().push(c),
            (None, '\'' | '"') => {
                quote = Some(c);
                word.get_or_insert_default();
            }
            (None, '>' | '<' | '|' | '&' | ';') => break,
            (None, c) if c.is_whitespace() => words.extend(word.take()),
            (None, c) => word.get_or_insert_default().push(c),
        }
    }
    assert!(quote.is_none(), "unclosed quote in {line:?}");
    words.extend(word);
    words
}

/// The `awaitfix ...` commands of a shell script: lines (after joining `\` continuations) that start with
/// `awaitfix`.
fn awaitfix_commands(script: &str) -> Vec<Vec<String>> {
    script
        .replace("\\\n", " ")
        .lines()
        .map(str::trim_start)
        .filter(|line| line.starts_with("awaitfix "))
        .map(shell_words)
        .collect()
}

fn help(subcommand: &str) -> String {
    let out = Command::cargo_bin("awaitfix").unwrap().args([subcommand, "--help"]).output().unwrap();
    assert!(
        out.status.success(),
        "awaitfix {subcommand} --help failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// Asserts that `words` (`awaitfix SUBCOMMAND ...`) uses a known subcommand and only flags its help lists; a
/// `--format` value must be one the help lists too.
fn assert_command_is_known(words: &[String], origin: &str) {
    let line = words.join(" ");
    assert_eq!(words[0], "awaitfix", "{origin}: {line}");
    let subcommand = words.get(1).map(String::as_str).unwrap_or_default();
    assert!(SUBCOMMANDS.contains(&subcommand), "{origin}: unknown subcommand in `{line}`");
    let help = help(subcommand);
    for (i, word) in words.iter().enumerate().skip(2) {
        let flag = match word.split_once('=') {
            Some((flag, _)) if word.starts_with("--") => flag,
            _ => word.as_str(),
        };
        if flag.starts_with("--") {
            assert!(
                help.contains(&format!("{flag} ")) || help.contains(&format!("{flag}\n")),
                "{origin}: `{line}`: `awaitfix {subcommand} --help` does not list {flag}"
            );
        } else if flag.starts_with('-') && flag.len() == 2 {
            assert!(
                help.contains(&format!("{flag},")),
                "{origin}: `{line}`: `awaitfix {subcommand} --help` does not list {flag}"
            );
        }
        if flag == "--format" {
            let value =
                word.split_once('=').map(|(_, v)| v.to_string()).or_else(|| words.get(i + 1).cloned());
            let value = value.unwrap_or_else(|| panic!("{origin}: `{line}`: --format without a value"));
            assert!(
                help.contains(&value),
                "{origin}: `{line}`: `awaitfix {subcommand} --help` does not list format {value}"
            );
        }
    }
}

#[test]
fn pre_commit_hooks_are_complete_and_run_real_commands() {
    let hooks = load(".pre-commit-hooks.yaml");
    let hooks = hooks.as_sequence().expect(".pre-commit-hooks.yaml is a list of hooks");
    let ids: Vec<&str> = hooks.iter().map(|h| string(h, "id")).collect();
    assert_eq!(ids, ["awaitfix", "awaitfix-fix"]);
    for hook in hooks {
        for key in ["name", "entry", "language"] {
            assert!(!string(hook, key).is_empty(), "empty `{key}` in {hook:?}");
        }
        let types = hook.get("types").and_then(Value::as_sequence).expect("types is a list");
        assert_eq!(types, &[Value::from("python")], "{hook:?}");
        let entry = shell_words(string(hook, "entry"));
        assert_command_is_known(&entry, &format!(".pre-commit-hooks.yaml, hook {}", string(hook, "id")));
    }
}

#[test]
fn github_workflow_runs_real_commands() {
    let workflow = load("examples/github-workflow.yml");
    assert!(workflow.get("on").is_some(), "the workflow has no `on`");
    let jobs = workflow.get("jobs").and_then(Value::as_mapping).expect("the workflow has jobs");
    let fix = workflow["jobs"].get("fix").expect("a `fix` job");
    let repos =
        fix["strategy"]["matrix"]["repo"].as_sequence().expect("fix runs over a matrix of repositories");
    assert!(!repos.is_empty());

    let mut commands = Vec::new();
    let mut uses = Vec::new();
    for (name, job) in jobs {
        let name = name.as_str().unwrap();
        let steps = job
            .get("steps")
            .and_then(Value::as_sequence)
            .unwrap_or_else(|| panic!("job {name} has no steps"));
        for step in steps {
            assert!(
                step.get("run").is_some() != step.get("uses").is_some(),
                "job {name}: a step needs run or uses: {step:?}"
            );
            if let Some(run) = step.get("run") {
                let run = run.as_str().expect("run is a string");
                commands.extend(awaitfix_commands(run).into_iter().map(|c| (name.to_string(), c)));
            }
            if let Some(action) = step.get("uses").and_then(Value::as_str) {
                uses.push(action.split('@').next().unwrap().to_string());
            }
        }
    }
    let subcommands: Vec<&str> = commands.iter().map(|(_, c)| c[1].as_str()).collect();
    assert_eq!(subcommands, ["commit", "check", "check"], "the awaitfix commands of the workflow");
    for (job, words) in &commands {
        assert_command_is_known(words, &format!("examples/github-workflow.yml, job {job}"));
    }
    for action in ["actions/checkout", "github/codeql-action/upload-sarif"] {
        assert!(uses.iter().any(|u| u == action), "the workflow does not use {action}");
    }
}

#[test]
fn shell_words_split_like_a_shell() {
    assert_eq!(
        shell_words(r#"awaitfix commit --pr-body "$RUNNER_TEMP/a b.md" --author='Bot <b@x>' . > out.txt"#),
        ["awaitfix", "commit", "--pr-body", "$RUNNER_TEMP/a b.md", "--author=Bot <b@x>", "."]
    );
    assert_eq!(shell_words(r"awaitfix check a\ b.py || true"), ["awaitfix", "check", "a b.py"]);
    assert_eq!(
        awaitfix_commands("x=1\n  awaitfix check \\\n    --format github .\n"),
        [["awaitfix", "check", "--format", "github", "."]]
    );
}
