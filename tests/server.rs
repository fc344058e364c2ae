//! `awaitfix server` driven end to end as an editor drives it: the built binary spoken to over its stdio with
//! JSON-RPC (Content-Length framing), by a small client that applies the edits it is given.

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::Duration;

use serde_json::{Value, json};

const BAD: &str = "from app.ws import get_websocket_manager\n\n\nasync def handler(ctx):\n    m = await get_websocket_manager(ctx)\n    return m\n";
const GOOD: &str = "from app.ws import get_websocket_manager\n\n\nasync def handler(ctx):\n    m = get_websocket_manager(ctx)\n    return m\n";

/// A language client on the server's stdin and stdout; what the server sends is read on a thread, so a
/// silent server fails the test after a timeout instead of hanging it.
struct Client {
    child: Child,
    /// The server's cache folder (`XDG_CACHE_HOME`), where it writes the rules' pages.
    cache: tempfile::TempDir,
    stdin: Option<ChildStdin>,
    incoming: Receiver<Value>,
    next_id: i64,
    /// Whether to answer positions in UTF-8 (else UTF-16) when applying edits.
    utf8: bool,
}

impl Client {
    /// Starts `awaitfix server` in `dir` and initializes it, offering `encodings`.
    fn start(dir: &Path, encodings: &[&str]) -> (Self, Value) {
        Self::start_with_cache(dir, encodings, None)
    }

    /// As `start`, with `XDG_CACHE_HOME` set to `cache_home` (else to a new temporary folder).
    fn start_with_cache(dir: &Path, encodings: &[&str], cache_home: Option<&Path>) -> (Self, Value) {
        let cache = tempfile::tempdir().expect("a temporary folder");
        let mut child = Command::new(env!("CARGO_BIN_EXE_awaitfix"))
            .arg("server")
            .current_dir(dir)
            .env("XDG_CACHE_HOME", cache_home.unwrap_or(cache.path()))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("the binary starts");
        let stdin = child.stdin.take();
        let mut stdout = BufReader::new(child.stdout.take().expect("piped"));
        let (send, incoming) = channel();
        std::thread::spawn(move || {
            while let Some(message) = read_message(&mut stdout) {
                if send.send(message).is_err() {
                    break;
                }
            }
        });
        let mut client = Self { child, cache, stdin, incoming, next_id: 0, utf8: false };
        let root = uri(dir);
        let capabilities = json!({"general": {"positionEncodings": encodings}});
        let params = json!({"processId": null, "rootUri": root, "capabilities": capabilities});
        let result = client.request("initialize", params);
        client.utf8 = result["capabilities"]["positionEncoding"] == "utf-8";
        client.notify("initialized", json!({}));
        (client, result)
    }

    fn send(&mut self, message: Value) {
        let body = message.to_string();
        let stdin = self.stdin.as_mut().expect("open");
        write!(stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).expect("the server reads");
        stdin.flush().expect("the server reads");
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    fn recv(&mut self) -> Value {
        match self.incoming.recv_timeout(Duration::from_secs(20)) {
            Ok(message) => message,
            Err(RecvTimeoutError::Timeout) => panic!("the server said nothing for 20 s"),
            Err(RecvTimeoutError::Disconnected) => panic!("the server closed its output"),
        }
    }

    /// Sends a request and returns its result, skipping the notifications that come before it.
    fn request(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        self.send(json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        loop {
            let message = self.recv();
            if message["id"] == id && message.get("method").is_none() {
                assert!(message.get("error").is_none(), "{method} failed: {message}");
                return message["result"].clone();
            }
        }
    }

    /// The next diagnostics published for `uri`.
    fn diagnostics(&mut self, uri: &str) -> Vec<Value> {
        loop {
            let message = self.recv();
            if message["method"] == "textDocument/publishDiagnostics" && message["params"]["uri"] == uri {
                return message["params"]["diagnostics"].as_array().cloned().unwrap_or_default();
            }
        }
    }

    fn open(&mut self, uri: &str, text: &str) -> Vec<Value> {
        let document = json!({"uri": uri, "languageId": "python", "version": 1, "text": text});
        self.notify("textDocument/didOpen", json!({"textDocument": document}));
        self.diagnostics(uri)
    }

    fn change(&mut self, uri: &str, version: i32, text: &str) -> Vec<Value> {
        let document = json!({"uri": uri, "version": version});
        self.notify(
            "textDocument/didChange",
            json!({"textDocument": document, "contentChanges": [{"text": text}]}),
        );
        self.diagnostics(uri)
    }

    fn code_actions(&mut self, uri: &str, range: &Value, only: Option<&[&str]>) -> Vec<Value> {
        let mut context = json!({"diagnostics": []});
        if let Some(only) = only {
            context["only"] = json!(only);
        }
        let params = json!({"textDocument": {"uri": uri}, "range": range, "context": context});
        self.request("textDocument/codeAction", params).as_array().cloned().unwrap_or_default()
    }

    /// `text` with the edits of `action` for `uri` applied, positions counted as negotiated.
    fn apply(&self, text: &str, uri: &str, action: &Value) -> String {
        let edits = action["edit"]["changes"][uri].as_array().expect("edits for the document");
        let mut placed: Vec<(usize, usize, &str)> = edits
            .iter()
            .map(|e| {
                let start = offset(text, &e["range"]["start"], self.utf8);
                (start, offset(text, &e["range"]["end"], self.utf8), e["newText"].as_str().expect("text"))
            })
            .collect();
        placed.sort();
        let mut out = text.to_string();
        for (start, end, new) in placed.into_iter().rev() {
            out.replace_range(start..end, new);
        }
        out
    }

    /// Shuts the server down and returns its exit code.
    fn shutdown(mut self) -> Option<i32> {
        self.request("shutdown", Value::Null);
        self.notify("exit", Value::Null);
        drop(self.stdin.take());
        self.child.wait().expect("the server exits").code()
    }
}

fn read_message(stdout: &mut impl BufRead) -> Option<Value> {
    let mut length = None;
    loop {
        let mut line = String::new();
        if stdout.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some(n) = line.strip_prefix("Content-Length: ") {
            length = n.parse().ok();
        }
    }
    let mut body = vec![0; length?];
    stdout.read_exact(&mut body).ok()?;
    serde_json::from_slice(&body).ok()
}

/// The byte offset of a protocol position (lines end at `\n` in these tests).
fn offset(text: &str, position: &Value, utf8: bool) -> usize {
    let line = position["line"].as_u64().expect("line") as usize;
    let character = position["character"].as_u64().expect("character") as usize;
    let start: usize = text.split_inclusive('\n').take(line).map(str::len).sum();
    let mut counted = 0;
    for (at, c) in text[start..].char_indices() {
        if counted >= character || c == '\n' {
            return start + at;
        }
        counted += if utf8 { c.len_utf8() } else { c.len_utf16() };
    }
    text.len()
}

fn uri(path: &Path) -> String {
    format!("file://{}", path.display())
}

fn write(dir: &Path, name: &str, text: &str) -> String {
    std::fs::write(dir.join(name), text).expect("writable");
    uri(&dir.join(name))
}

fn titled<'a>(actions: &'a [Value], prefix: &str) -> Option<&'a Value> {
    actions.iter().find(|a| a["title"].as_str().is_some_and(|t| t.starts_with(prefix)))
}

#[test]
fn a_site_is_diagnosed_fixed_by_its_code_action_and_then_clean() {
    let dir = tempfile::tempdir().unwrap();
    let uri = write(dir.path(), "a.py", BAD);
    let (mut client, init) = Client::start(dir.path(), &[]);
    assert_eq!(init["capabilities"]["positionEncoding"], "utf-16", "the default");
    let kinds = &init["capabilities"]["codeActionProvider"]["codeActionKinds"];
    assert_eq!(kinds, &json!(["quickfix", "source.fixAll.awaitfix"]));
    let diagnostics = client.open(&uri, BAD);
    assert_eq!(diagnostics.len(), 1, "{diagnostics:?}");
    let d = &diagnostics[0];
    assert_eq!(
        (d["code"].as_str(), d["source"].as_str(), d["severity"].as_u64()),
        (Some("AWF001"), Some("awaitfix"), Some(1))
    );
    assert_eq!(d["range"]["start"], json!({"line": 4, "character": 8}));
    let actions = client.code_actions(&uri, &d["range"], None);
    let fix = titled(&actions, "Fix AWF001").expect("the site's fix");
    assert_eq!(fix["kind"], "quickfix");
    assert_eq!(fix["diagnostics"][0]["code"], "AWF001");
    let fixed = client.apply(BAD, &uri, fix);
    assert_eq!(fixed, GOOD);
    assert!(client.change(&uri, 2, &fixed).is_empty(), "the fixed text has no site");
    assert_eq!(client.shutdown(), Some(0));
}

#[test]
fn positions_are_utf16_units_or_utf8_bytes_as_negotiated() {
    // 😀 is outside the BMP: two UTF-16 units, four UTF-8 bytes, one character.
    let text = BAD.replace("    m = await", "    s = '😀'; m = await");
    let prefix = "    s = '😀'; m = ";
    let dir = tempfile::tempdir().unwrap();
    let uri = write(dir.path(), "a.py", &text);
    for (offered, negotiated, character) in [
        (&["utf-32", "utf-16"][..], "utf-16", prefix.encode_utf16().count()),
        (&["utf-8", "utf-16"][..], "utf-8", prefix.len()),
    ] {
        let (mut client, init) = Client::start(dir.path(), offered);
        assert_eq!(init["capabilities"]["positionEncoding"], negotiated);
        let diagnostics = client.open(&uri, &text);
        assert_eq!(
            diagnostics[0]["range"]["start"],
            json!({"line": 4, "character": character}),
            "{negotiated}"
        );
        let actions = client.code_actions(&uri, &diagnostics[0]["range"], None);
        let fixed = client.apply(&text, &uri, titled(&actions, "Fix AWF001").expect("a fix"));
        assert_eq!(fixed, GOOD.replace("    m = get", "    s = '😀'; m = get"), "{negotiated}");
        assert_eq!(client.shutdown(), Some(0));
    }
}

#[test]
fn a_syntax_error_mid_edit_publishes_no_stale_fix_and_the_server_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    let uri = write(dir.path(), "a.py", BAD);
    let (mut client, _) = Client::start(dir.path(), &[]);
    let site = client.open(&uri, BAD)[0]["range"].clone();
    let typing = BAD.replace("(ctx)\n    return", "(ctx\n    return");
    assert!(client.change(&uri, 2, &typing).is_empty(), "the site being typed is not reported");
    assert!(client.code_actions(&uri, &site, None).is_empty(), "no fix for a text that is gone");
    // A syntax error anywhere leaves the file unchecked, as `check` does: what is published is always about
    // the text in the editor, never positions of an older one.
    let elsewhere = format!("{BAD}\ndef broken(:\n    pass\n");
    assert!(client.change(&uri, 3, &elsewhere).is_empty());
    assert!(client.code_actions(&uri, &site, Some(&["quickfix", "source"])).is_empty());
    assert_eq!(client.change(&uri, 4, BAD).len(), 1, "back to a parsing text");
    assert_eq!(client.shutdown(), Some(0));
}

#[test]
fn suppression_and_fix_all_actions_do_what_they_say() {
    let two = BAD.replace("    return m", "    n = await get_websocket_manager(ctx)\n    return m, n");
    let dir = tempfile::tempdir().unwrap();
    let uri = write(dir.path(), "a.py", &two);
    let (mut client, _) = Client::start(dir.path(), &[]);
    let diagnostics = client.open(&uri, &two);
    assert_eq!(diagnostics.len(), 2);
    let actions = client.code_actions(&uri, &diagnostics[0]["range"], None);
    assert!(actions.iter().all(|a| a["kind"] == "quickfix"), "no source action unless asked for");
    let suppressed = client.apply(&two, &uri, titled(&actions, "Suppress AWF001").expect("a suppression"));
    assert!(suppressed.contains("m = await get_websocket_manager(ctx)  # awaitfix: ignore[AWF001]\n"));
    assert_eq!(client.change(&uri, 2, &suppressed).len(), 1, "only the other site is left");
    let all = client.apply(&two, &uri, titled(&actions, "Fix all awaitfix sites").expect("fix all"));
    assert!(!all.contains("await"), "{all}");
    let source = client.code_actions(
        &uri,
        &json!({"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}}),
        Some(&["source.fixAll"]),
    );
    assert_eq!(source.len(), 1, "{source:?}");
    assert_eq!(source[0]["kind"], "source.fixAll.awaitfix");
    assert_eq!(
        client.apply(&suppressed, &uri, &source[0]).matches("await").count(),
        2,
        "the suppressed site stays"
    );
    assert_eq!(client.shutdown(), Some(0));
}

#[test]
fn a_changed_configuration_file_is_read_again() {
    let dir = tempfile::tempdir().unwrap();
    let uri = write(dir.path(), "a.py", BAD);
    let config = write(dir.path(), "awaitfix.yaml", "prefer: sync\n");
    let (mut client, _) = Client::start(dir.path(), &[]);
    let site = client.open(&uri, BAD)[0]["range"].clone();
    let actions = client.code_actions(&uri, &site, None);
    assert_eq!(client.apply(BAD, &uri, titled(&actions, "Fix AWF001").expect("a fix")), GOOD);
    std::fs::write(dir.path().join("awaitfix.yaml"), "prefer: async\n").unwrap();
    client.notify("workspace/didChangeWatchedFiles", json!({"changes": [{"uri": config, "type": 2}]}));
    assert_eq!(client.diagnostics(&uri).len(), 1, "published again");
    let actions = client.code_actions(&uri, &site, None);
    let fixed = client.apply(BAD, &uri, titled(&actions, "Fix AWF001").expect("a fix"));
    let expected = BAD.replace("get_websocket_manager", "get_websocket_manager_async");
    assert_eq!(fixed, expected, "the import is part of the site's fix");
    assert_eq!(client.shutdown(), Some(0));
}

#[test]
fn exit_without_shutdown_exits_1_and_bad_messages_do_not_kill_the_server() {
    let dir = tempfile::tempdir().unwrap();
    let (mut client, _) = Client::start(dir.path(), &[]);
    client.notify("textDocument/didOpen", json!({"textDocument": {"uri": 42}}));
    let params = json!({"textDocument": {"uri": "file:///nowhere.py"}, "range": {"start": {"line": 9, "character": 9}, "end": {"line": 0, "character": 0}}, "context": {"diagnostics": []}});
    assert_eq!(client.request("textDocument/codeAction", params), json!([]));
    client.notify("exit", Value::Null);
    drop(client.stdin.take());
    assert_eq!(client.child.wait().unwrap().code(), Some(1));
}

#[test]
fn a_diagnostic_code_links_to_the_rule_page_and_a_hover_shows_it() {
    let dir = tempfile::tempdir().unwrap();
    let doc = write(dir.path(), "a.py", BAD);
    let (mut client, init) = Client::start(dir.path(), &[]);
    assert_eq!(init["capabilities"]["hoverProvider"], true);
    let diagnostics = client.open(&doc, BAD);
    let href = diagnostics[0]["codeDescription"]["href"].as_str().expect("a link").to_string();
    let page = client.cache.path().join(format!("awaitfix/{}/rules/AWF001.md", env!("CARGO_PKG_VERSION")));
    assert_eq!(href, uri(&page));
    let rule = std::process::Command::new(env!("CARGO_BIN_EXE_awaitfix")).args(["rule", "AWF001"]).output();
    let rule = String::from_utf8(rule.expect("runs").stdout).unwrap();
    let text = std::fs::read_to_string(&page).expect("the page is written");
    assert_eq!(text.trim_end(), rule.trim_end(), "the page says what `awaitfix rule` says");
    let at = |line: u32, character: u32| json!({"textDocument": {"uri": doc}, "position": {"line": line, "character": character}});
    let hover = client.request("textDocument/hover", at(4, 20));
    assert_eq!(hover["contents"]["kind"], "markdown");
    assert_eq!(hover["contents"]["value"].as_str().map(str::trim_end), Some(rule.trim_end()));
    assert_eq!(hover["range"], diagnostics[0]["range"]);
    assert_eq!(client.request("textDocument/hover", at(0, 3)), Value::Null, "no site there");
    assert_eq!(client.shutdown(), Some(0));
}

#[test]
fn without_a_writable_cache_folder_diagnostics_come_without_a_link() {
    let dir = tempfile::tempdir().unwrap();
    let uri = write(dir.path(), "a.py", BAD);
    // A file where the cache folder should be: no page can be written there.
    let blocked = dir.path().join("blocked");
    std::fs::write(&blocked, "").unwrap();
    let (mut client, _) = Client::start_with_cache(dir.path(), &[], Some(&blocked));
    let diagnostics = client.open(&uri, BAD);
    assert_eq!(diagnostics.len(), 1);
    assert!(diagnostics[0].get("codeDescription").is_none(), "{:?}", diagnostics[0]);
    assert_eq!(client.shutdown(), Some(0));
}

#[test]
fn an_excluded_open_file_gets_no_diagnostics_or_actions_and_a_reload_clears_them() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("gen")).unwrap();
    let generated = write(dir.path(), "gen/g.py", BAD);
    let legacy = write(dir.path(), "legacy.py", BAD);
    let checked = write(dir.path(), "a.py", BAD);
    let config = write(dir.path(), "awaitfix.yaml", "exclude: [gen/]\n");
    let (mut client, _) = Client::start(dir.path(), &[]);
    assert!(client.open(&generated, BAD).is_empty(), "excluded, as `awaitfix check gen/g.py` does");
    let site = json!({"start": {"line": 4, "character": 8}, "end": {"line": 4, "character": 8}});
    assert!(client.code_actions(&generated, &site, Some(&["quickfix", "source"])).is_empty());
    assert_eq!(client.open(&legacy, BAD).len(), 1);
    assert_eq!(client.open(&checked, BAD).len(), 1);
    std::fs::write(dir.path().join("awaitfix.yaml"), "exclude: [gen/]\nextend-exclude: [legacy.py]\n")
        .unwrap();
    client.notify("workspace/didChangeWatchedFiles", json!({"changes": [{"uri": config, "type": 2}]}));
    let mut published = std::collections::HashMap::new();
    while published.len() < 3 {
        let message = client.recv();
        if message["method"] == "textDocument/publishDiagnostics" {
            let diagnostics = message["params"]["diagnostics"].as_array().map_or(0, Vec::len);
            published.insert(message["params"]["uri"].as_str().unwrap_or_default().to_string(), diagnostics);
        }
    }
    assert_eq!(published[&legacy], 0, "newly excluded: its diagnostics are cleared");
    assert_eq!((published[&generated], published[&checked]), (0, 1));
    assert!(client.code_actions(&legacy, &site, None).is_empty());
    assert_eq!(client.shutdown(), Some(0));
}

#[test]
fn per_file_ignores_apply_to_open_files() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("legacy")).unwrap();
    let ignored = write(dir.path(), "legacy/a.py", BAD);
    let checked = write(dir.path(), "a.py", BAD);
    write(dir.path(), "awaitfix.yaml", "per-file-ignores:\n  'legacy/*': [AWF001]\n");
    let (mut client, _) = Client::start(dir.path(), &[]);
    assert!(client.open(&ignored, BAD).is_empty());
    assert_eq!(client.open(&checked, BAD).len(), 1);
    assert_eq!(client.shutdown(), Some(0));
}

/// The module index reads other modules from disk; when one changes (saved in the editor, or changed by a
/// checkout the client watches), what it tells is read again, and open documents are diagnosed again.
#[test]
fn a_module_changed_on_disk_is_read_again() {
    let sync = "def get_websocket_manager(ctx):\n    return object()\n\n\nasync def get_websocket_manager_async(ctx):\n    return object()\n";
    let now_async = sync.replacen("def get_websocket_manager(", "async def get_websocket_manager(", 1);
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("app")).unwrap();
    write(dir.path(), "app/__init__.py", "");
    let ws = write(dir.path(), "app/ws.py", sync);
    let uri = write(dir.path(), "a.py", BAD);
    let (mut client, _) = Client::start(dir.path(), &[]);
    assert_eq!(client.open(&uri, BAD).len(), 1, "the sync function awaited");

    std::fs::write(dir.path().join("app/ws.py"), &now_async).unwrap();
    client.notify("workspace/didChangeWatchedFiles", json!({"changes": [{"uri": ws, "type": 2}]}));
    assert_eq!(client.diagnostics(&uri), Vec::<Value>::new(), "an async def may be awaited");

    // Edited and saved in the editor.
    let document = json!({"uri": ws, "languageId": "python", "version": 1, "text": now_async});
    client.notify("textDocument/didOpen", json!({"textDocument": document}));
    client.diagnostics(&ws);
    std::fs::write(dir.path().join("app/ws.py"), sync).unwrap();
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": ws, "version": 2}, "contentChanges": [{"text": sync}]}),
    );
    client.notify("textDocument/didSave", json!({"textDocument": {"uri": ws}}));
    assert_eq!(client.diagnostics(&uri).len(), 1, "sync again");
    assert_eq!(client.shutdown(), Some(0));
}

/// With `project = true`, an open document that awaits a sync function of another module gets AWF005, as
/// `check` gives it, though it names no pair's function.
#[test]
fn the_project_rule_runs_on_open_documents_when_configured() {
    let user = "from app.make import make\n\n\nasync def handler():\n    return await make()\n";
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("app")).unwrap();
    write(dir.path(), "app/__init__.py", "");
    write(dir.path(), "app/make.py", "def make():\n    return object()\n");
    let uri = write(dir.path(), "user.py", user);
    let (mut client, _) = Client::start(dir.path(), &[]);
    assert_eq!(client.open(&uri, user), Vec::<Value>::new(), "off by default, as for `check`");
    let config = write(dir.path(), "awaitfix.yaml", "project: true\n");
    client.notify("workspace/didChangeWatchedFiles", json!({"changes": [{"uri": config, "type": 1}]}));
    let diagnostics = client.diagnostics(&uri);
    let codes: Vec<&str> = diagnostics.iter().filter_map(|d| d["code"].as_str()).collect();
    assert_eq!(codes, ["AWF005"], "{diagnostics:?}");
    assert_eq!(diagnostics[0]["range"]["start"], json!({"line": 4, "character": 11}));
    assert_eq!(client.shutdown(), Some(0));
}
