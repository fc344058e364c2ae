//! Choosing sites (`--interactive`): planned files in, a `Selection` without the sites the user declined out.
//! For each fixable site it shows the hunk of that site's fix alone and asks y/n/a/q, like `git add -p`, on
//! stderr (stdout stays what scripts read); reading the answers from any `BufRead` lets tests drive it.

use std::io::BufRead;

use crate::engine::Engine;
use crate::finding::{SiteKey, site_keys};
use crate::output::Output;
use crate::pipeline::{self, FileOutcome};
use crate::plan::Plan;
use crate::render::diff::FileDiff;
use crate::render::display_path;
use crate::selection::Selection;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Answer {
    Yes,
    No,
    All,
    Quit,
}

const HELP: &str = "y - fix this site\nn - do not fix this site\na - fix this site and all remaining ones\n\
                    q - quit; do not fix this site or any remaining one\n";

/// Asks about every site that the planned files would fix, in path and source order. After `a` the rest is
/// fixed without asking; after `q`, or at the end of the input, the rest is declined.
pub fn ask(engine: &Engine, files: &[FileOutcome], input: &mut dyn BufRead, out: &Output) -> Selection {
    let mut declined = Selection::all();
    let mut rest: Option<Answer> = None;
    let sites: Vec<(&FileOutcome, usize, SiteKey)> = files
        .iter()
        .filter_map(|f| f.planned().filter(|p| p.plan.rewrite.is_some()).map(|p| (f, &p.plan)))
        .flat_map(|(f, plan)| {
            let keys = site_keys(&plan.source.text, &plan.findings);
            let mut fixed = plan.rewrite.as_ref().expect("filtered on a rewrite").fixed.clone();
            fixed.sort_unstable();
            fixed.into_iter().map(move |i| (f, i, keys[i].clone()))
        })
        .collect();
    let total = sites.len();
    for (n, (file, i, key)) in sites.into_iter().enumerate() {
        let answer = match rest {
            Some(answer) => answer,
            None => {
                let d = &file.diagnostics[i];
                out.prompt(&format!("{}: {} {}\n", d.location(), d.code, d.message));
                let (before, after) = alone(engine, file, i, &key);
                let diff = FileDiff::new(&display_path(&file.path), &before, &after);
                out.prompt(&String::from_utf8_lossy(&diff.styled()));
                prompt(input, out, n + 1, total)
            }
        };
        match answer {
            Answer::Yes => {}
            Answer::All => rest = Some(Answer::Yes),
            Answer::No => declined.decline(&file.path, key),
            Answer::Quit => {
                rest = Some(Answer::No);
                declined.decline(&file.path, key);
            }
        }
    }
    declined
}

/// The file before and after the fix of site `i` alone (its import edit planned for the other sites
/// staying): a module's text, or a notebook's JSON as `diff` shows it.
fn alone(engine: &Engine, file: &FileOutcome, i: usize, key: &SiteKey) -> (String, String) {
    let planned = file.planned().expect("filtered on planned");
    let plan = &planned.plan;
    match pipeline::narrow(engine, &file.path, planned, &Selection::only(key.clone())) {
        Ok(Plan { rewrite: Some(rewrite), cells: Some(_), .. }) => (
            String::from_utf8_lossy(&planned.bytes).into_owned(),
            String::from_utf8_lossy(&rewrite.bytes).into_owned(),
        ),
        Ok(Plan { rewrite: Some(rewrite), .. }) => (plan.source.text.clone(), rewrite.text),
        _ => {
            let fixed =
                crate::fix::apply(&plan.source.text, &mut [plan.findings[i].clone()], engine.required());
            (plan.source.text.clone(), fixed.text)
        }
    }
}

fn prompt(input: &mut dyn BufRead, out: &Output, n: usize, total: usize) -> Answer {
    loop {
        out.prompt(&format!("({n}/{total}) Fix this site [y,n,a,q,?]? "));
        let mut line = String::new();
        // The end of the input (or an unreadable one) quits: nothing is fixed without a yes.
        if input.read_line(&mut line).unwrap_or(0) == 0 {
            out.prompt("\n");
            return Answer::Quit;
        }
        match line.trim() {
            "y" | "Y" => return Answer::Yes,
            "n" | "N" => return Answer::No,
            "a" | "A" => return Answer::All,
            "q" | "Q" => return Answer::Quit,
            _ => out.prompt(HELP),
        }
    }
}
