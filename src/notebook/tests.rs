//! Reading notebooks into a module and writing a module's edits back into the JSON.

use super::*;

const SITES: &str = include_str!("../../tests/fixtures/notebooks/sites.ipynb");

/// The edits that drop each `await ` the module holds.
fn drop_awaits(module: &str) -> Vec<Edit> {
    module.match_indices("await ").map(|(at, s)| Edit::deletion(at..at + s.len())).collect()
}

#[test]
fn code_cells_make_one_module_at_their_own_positions() {
    let notebook = Notebook::parse(SITES).unwrap();
    let module = notebook.module();
    // Markdown is no code; the magics are masked line by line, so line 7 of the module is cell 4's line 2.
    assert_eq!(module.lines().count(), 3 + 2 + 3 + 4 + 2);
    assert_eq!(module.lines().nth(6), Some("m = await get_websocket_manager(ctx)"));
    assert_eq!(notebook.locate(7), (4, 2));
    assert_eq!(notebook.locate(9), (5, 1));
    assert_eq!(notebook.locate(1), (2, 1));
    assert_eq!(notebook.locate(12), (5, 4));
    assert!(!module.contains("pip") && !module.contains("echo"), "{module}");
    assert!(crate::parse::first_error(&crate::parse::parse(module).unwrap()).is_none(), "{module}");
}

#[test]
fn rewrite_changes_only_the_edited_lines() {
    let notebook = Notebook::parse(SITES).unwrap();
    // The `await` in the `%%bash` cell is shell text, masked: the three in Python (one under `%%time`) are edited.
    let rewritten = notebook.rewrite(&drop_awaits(notebook.module())).unwrap();
    let expected = SITES
        .replace("\"m = await get_websocket_manager", "\"m = get_websocket_manager")
        .replace("\"    manager = await get_", "\"    manager = get_")
        .replace("\"again = await get_", "\"again = get_");
    assert_eq!(rewritten, expected);
}

#[test]
fn a_string_source_stays_a_string() {
    let json = r#"{"cells": [{"cell_type": "code", "source": "x = 1\nm = await f()"}], "nbformat": 4}"#;
    let notebook = Notebook::parse(json).unwrap();
    assert_eq!(notebook.module(), "x = 1\nm = await f()\n");
    let rewritten = notebook.rewrite(&drop_awaits(notebook.module())).unwrap();
    assert_eq!(rewritten, json.replace("await ", ""));
}

/// A notebook written with `ensure_ascii` (all ASCII, `\u` escapes) keeps that style in the lines it gets.
#[test]
fn an_ascii_notebook_gets_escaped_lines() {
    let json = "{\"cells\": [{\"cell_type\": \"code\", \"source\": [\"s = '\\u00e9'\\n\", \"m = await f('\\u00e9')\"]}]}";
    let notebook = Notebook::parse(json).unwrap();
    assert_eq!(notebook.module(), "s = 'é'\nm = await f('é')\n");
    let rewritten = notebook.rewrite(&drop_awaits(notebook.module())).unwrap();
    assert_eq!(rewritten, json.replace("await ", ""));
}

#[test]
fn a_compact_list_keeps_its_separators() {
    let json = r#"{"cells":[{"cell_type":"code","source":["import a\n",  "m = await f()\n" ,"g()"]}]}"#;
    let notebook = Notebook::parse(json).unwrap();
    let rewritten = notebook.rewrite(&drop_awaits(notebook.module())).unwrap();
    assert_eq!(rewritten, json.replace("await ", ""));
}

#[test]
fn an_added_line_is_encoded_in_the_lists_layout() {
    let json =
        "{\"cells\": [\n {\n  \"cell_type\": \"code\",\n  \"source\": [\n   \"m = f()\"\n  ]\n }\n]}\n";
    let notebook = Notebook::parse(json).unwrap();
    let rewritten = notebook.rewrite(&[Edit::insertion(0, "from x import f  # «\"»\n")]).unwrap();
    // The file is all ASCII (`ensure_ascii`): so is the line added to it.
    let expected = "   \"from x import f  # \\u00ab\\\"\\u00bb\\n\",\n   \"m = f()\"\n  ]";
    assert!(rewritten.contains(expected), "{rewritten}");
    assert!(serde_json::from_str::<serde_json::Value>(&rewritten).is_ok());
}

#[test]
fn a_fix_in_a_cell_magic_is_refused() {
    let json = r#"{"cells": [{"cell_type": "code", "source": ["%%bash\n", "echo hi\n"]}]}"#;
    let notebook = Notebook::parse(json).unwrap();
    assert!(notebook.rewrite(&[Edit::insertion(0, "import x\n")]).is_err());
    let json = r#"{"cells": [{"cell_type": "code", "source": ["%%time\n", "m = await f()\n"]}]}"#;
    let notebook = Notebook::parse(json).unwrap();
    assert!(notebook.rewrite(&[Edit::insertion(0, "import x\n")]).is_err());
    assert_eq!(notebook.rewrite(&drop_awaits(notebook.module())).unwrap(), json.replace("await ", ""));
}

#[test]
fn bad_notebooks_are_one_line_errors() {
    for (json, says) in [
        ("{\"cells\": [", "EOF"),
        ("[1, 2]", "invalid type"),
        ("{\"cells\": [{\"cell_type\": \"code\"}]}", "cell 1: missing field `source`"),
        ("{\"cells\": [{\"cell_type\": \"code\", \"source\": [1]}]}", "cell 1: source"),
    ] {
        let error = Notebook::parse(json).unwrap_err();
        assert!(error.contains(says) && !error.contains('\n'), "{json}: {error}");
    }
}
