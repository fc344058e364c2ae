//! `awaitfix server`: a Language Server over stdio. Open Python documents in, diagnostics and code actions
//! out, planned as `diff` plans (`Want::Preview`) on the text in the editor, with the configuration found
//! the way the command line finds it (reloaded when a `pyproject.toml`, an `awaitfix.yaml` or a transform
//! file changes). One thread handles every message in order; the protocol's I/O runs on `lsp-server`'s.

mod actions;
mod docs;
mod position;
mod workspace;

use std::collections::HashMap;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::rc::Rc;

use anyhow::Context as _;
use lsp_server::{Connection, ErrorCode, Message, Notification, Request, RequestId, Response};
use lsp_types::notification::{self as notify, Notification as _};
use lsp_types::request::{self as req, Request as _};
use lsp_types::{
    CodeActionKind, CodeActionOptions, CodeActionParams, CodeActionProviderCapability,
    DidChangeTextDocumentParams, DidChangeWatchedFilesParams, DidChangeWatchedFilesRegistrationOptions,
    DidCloseTextDocumentParams, DidOpenTextDocumentParams, DidSaveTextDocumentParams, FileSystemWatcher,
    GlobPattern, Hover, HoverContents, HoverParams, HoverProviderCapability, InitializeParams,
    InitializeResult, MarkupContent, MarkupKind, MessageType, PositionEncodingKind, PublishDiagnosticsParams,
    Registration, RegistrationParams, ServerCapabilities, ServerInfo, ShowMessageParams,
    TextDocumentSyncCapability, TextDocumentSyncKind, TextDocumentSyncOptions, TextDocumentSyncSaveOptions,
    Uri,
};

use crate::ExitStatus;
use crate::finding::Status;
use crate::plan::{Plan, Want, plan};
use crate::selection::Selection;
use crate::walk::is_python;
use docs::RuleDocs;
use position::{Encoding, LineMap, uri_path};
use workspace::{Settings, Workspace};

/// Serves one client on stdin/stdout until it sends `exit`: `Success` after a `shutdown`, `Findings` (exit
/// code 1, as the protocol asks) when the client exits or goes away without one.
pub fn run() -> anyhow::Result<ExitStatus> {
    let (connection, io) = Connection::stdio();
    let status = serve(&connection);
    drop(connection);
    io.join().context("the client's connection failed")?;
    status
}

fn serve(connection: &Connection) -> anyhow::Result<ExitStatus> {
    let (id, params) = connection.initialize_start().context("no initialize request")?;
    // A client's malformed capabilities leave the defaults (UTF-16, no dynamic registration).
    let params: InitializeParams = serde_json::from_value(params).unwrap_or_default();
    let encoding = negotiate(&params);
    let result = InitializeResult {
        capabilities: capabilities(encoding),
        server_info: Some(ServerInfo {
            name: "awaitfix".to_string(),
            version: Some(env!("CARGO_PKG_VERSION").to_string()),
        }),
    };
    connection.initialize_finish(id, serde_json::to_value(result)?).context("initialize failed")?;
    let mut server = Server::new(connection, encoding, workspace_roots(&params));
    if dynamic_watching(&params) {
        server.watch_configuration();
    }
    for message in &connection.receiver {
        match message {
            Message::Request(request) => {
                if connection.handle_shutdown(&request)? {
                    return Ok(ExitStatus::Success);
                }
                let id = request.id.clone();
                let response =
                    catch_unwind(AssertUnwindSafe(|| server.request(request))).unwrap_or_else(|_| {
                        Response::new_err(id, ErrorCode::InternalError as i32, "panicked".into())
                    });
                server.send(response.into());
            }
            Message::Notification(n) if n.method == notify::Exit::METHOD => return Ok(ExitStatus::Findings),
            Message::Notification(n) => {
                // A bug met on one message is said on stderr (the client's log); the server goes on.
                let _ = catch_unwind(AssertUnwindSafe(|| server.notify(n)));
            }
            Message::Response(_) => {}
        }
    }
    Ok(ExitStatus::Findings)
}

/// The first of UTF-8 and UTF-16 among the encodings the client offers (in its order of preference), else
/// UTF-16, which every client supports.
fn negotiate(params: &InitializeParams) -> Encoding {
    let offered = params.capabilities.general.as_ref().and_then(|g| g.position_encodings.as_ref());
    let first = offered.into_iter().flatten().find_map(|kind| match kind.as_str() {
        "utf-8" => Some(Encoding::Utf8),
        "utf-16" => Some(Encoding::Utf16),
        _ => None,
    });
    first.unwrap_or(Encoding::Utf16)
}

fn capabilities(encoding: Encoding) -> ServerCapabilities {
    let position_encoding = match encoding {
        Encoding::Utf8 => PositionEncodingKind::UTF8,
        Encoding::Utf16 => PositionEncodingKind::UTF16,
    };
    ServerCapabilities {
        position_encoding: Some(position_encoding),
        text_document_sync: Some(TextDocumentSyncCapability::Options(TextDocumentSyncOptions {
            open_close: Some(true),
            change: Some(TextDocumentSyncKind::FULL),
            save: Some(TextDocumentSyncSaveOptions::Supported(true)),
            ..TextDocumentSyncOptions::default()
        })),
        code_action_provider: Some(CodeActionProviderCapability::Options(CodeActionOptions {
            code_action_kinds: Some(vec![CodeActionKind::QUICKFIX, CodeActionKind::new(actions::FIX_ALL)]),
            resolve_provider: Some(false),
            ..CodeActionOptions::default()
        })),
        hover_provider: Some(HoverProviderCapability::Simple(true)),
        ..ServerCapabilities::default()
    }
}

/// The workspace folders (or the deprecated root), as local paths.
fn workspace_roots(params: &InitializeParams) -> Vec<PathBuf> {
    let folders = params.workspace_folders.iter().flatten().map(|f| f.uri.as_str());
    #[allow(deprecated, reason = "clients that predate workspace folders send only rootUri")]
    let root = params.root_uri.as_ref().map(|u| u.as_str());
    folders.chain(root).filter_map(uri_path).collect()
}

fn dynamic_watching(params: &InitializeParams) -> bool {
    let workspace = params.capabilities.workspace.as_ref();
    workspace.and_then(|w| w.did_change_watched_files).and_then(|c| c.dynamic_registration) == Some(true)
}

/// Whether a change to `path` may change the configuration: a configuration file or a transform.
fn is_configuration(path: &Path) -> bool {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default();
    name == "pyproject.toml" || name.ends_with(".yaml") || name.ends_with(".yml")
}

struct Document {
    uri: Uri,
    path: PathBuf,
    text: String,
    version: i32,
    settings: Rc<Settings>,
    /// The plan of `text`; `None` when it could not be planned (a syntax error in a statement that mentions
    /// a pair, mid-edit): nothing is published then, so no fix made for an older text is offered.
    plan: Option<Plan>,
}

struct Server<'a> {
    connection: &'a Connection,
    encoding: Encoding,
    documents: HashMap<String, Document>,
    workspace: Workspace,
    /// The rules' pages that diagnostics link to.
    docs: RuleDocs,
}

impl<'a> Server<'a> {
    fn new(connection: &'a Connection, encoding: Encoding, roots: Vec<PathBuf>) -> Self {
        let (documents, workspace, docs) = (HashMap::new(), Workspace::new(roots), RuleDocs::write());
        Self { connection, encoding, documents, workspace, docs }
    }

    fn send(&self, message: Message) {
        // The writer thread is gone only when the client is: the receiving loop ends then too.
        let _ = self.connection.sender.send(message);
    }

    fn show_error(&self, message: String) {
        let params = ShowMessageParams { typ: MessageType::ERROR, message };
        self.send(Notification::new(notify::ShowMessage::METHOD.to_string(), params).into());
    }

    /// Asks the client to report changes to configuration and transform files, and to Python files (what the
    /// module index read).
    fn watch_configuration(&self) {
        let watcher =
            |glob: &str| FileSystemWatcher { glob_pattern: GlobPattern::String(glob.into()), kind: None };
        let options = DidChangeWatchedFilesRegistrationOptions {
            watchers: vec![
                watcher("**/pyproject.toml"),
                watcher("**/*.{yaml,yml}"),
                watcher("**/*.{py,pyi}"),
            ],
        };
        let registration = Registration {
            id: "awaitfix-configuration".to_string(),
            method: notify::DidChangeWatchedFiles::METHOD.to_string(),
            register_options: serde_json::to_value(options).ok(),
        };
        let params = RegistrationParams { registrations: vec![registration] };
        let id = RequestId::from("awaitfix-watch".to_string());
        self.send(Request::new(id, req::RegisterCapability::METHOD.to_string(), params).into());
    }

    fn request(&mut self, request: Request) -> Response {
        match request.method.as_str() {
            req::CodeActionRequest::METHOD => match serde_json::from_value(request.params) {
                Ok(params) => Response::new_ok(request.id, self.code_actions(params)),
                Err(e) => Response::new_err(request.id, ErrorCode::InvalidParams as i32, e.to_string()),
            },
            req::HoverRequest::METHOD => match serde_json::from_value(request.params) {
                Ok(params) => Response::new_ok(request.id, self.hover(params)),
                Err(e) => Response::new_err(request.id, ErrorCode::InvalidParams as i32, e.to_string()),
            },
            method => {
                let message = format!("unsupported request {method}");
                Response::new_err(request.id, ErrorCode::MethodNotFound as i32, message)
            }
        }
    }

    fn code_actions(&self, params: CodeActionParams) -> Vec<lsp_types::CodeAction> {
        let Some(doc) = self.documents.get(params.text_document.uri.as_str()) else { return Vec::new() };
        let Some(plan) = &doc.plan else { return Vec::new() };
        let map = LineMap::new(&doc.text, self.encoding);
        let wanted = map.offset(params.range.start)..map.offset(params.range.end);
        let engine = &doc.settings.engine;
        let (uri, path, text, docs) = (&doc.uri, &doc.path, &doc.text, &self.docs);
        let document = actions::Document { uri, path, text, engine, plan, docs };
        actions::code_actions(&document, &map, wanted, params.context.only.as_deref())
    }

    /// The documentation of the rules of the open findings at the hovered position, as `awaitfix rule`
    /// prints it; nothing elsewhere.
    fn hover(&self, params: HoverParams) -> Option<Hover> {
        let at = params.text_document_position_params;
        let doc = self.documents.get(at.text_document.uri.as_str())?;
        let map = LineMap::new(&doc.text, self.encoding);
        let offset = map.offset(at.position);
        let mut found = (doc.plan.as_ref()?.findings.iter())
            .filter(|f| f.status == Status::Open && f.range.start <= offset && offset <= f.range.end);
        let first = found.next()?;
        let mut rules = vec![first.rule];
        for finding in found {
            if !rules.contains(&finding.rule) {
                rules.push(finding.rule);
            }
        }
        let pages: Vec<String> = rules.into_iter().map(docs::page_text).collect();
        let value = pages.join("\n---\n\n");
        Some(Hover {
            contents: HoverContents::Markup(MarkupContent { kind: MarkupKind::Markdown, value }),
            range: Some(map.range(first.range.clone())),
        })
    }

    fn notify(&mut self, notification: Notification) {
        let method = notification.method.clone();
        match method.as_str() {
            notify::DidOpenTextDocument::METHOD => {
                let Ok(params) = notification.extract::<DidOpenTextDocumentParams>(&method) else { return };
                self.open(params);
            }
            notify::DidChangeTextDocument::METHOD => {
                let Ok(params) = notification.extract::<DidChangeTextDocumentParams>(&method) else { return };
                self.change(params);
            }
            notify::DidSaveTextDocument::METHOD => {
                let Ok(params) = notification.extract::<DidSaveTextDocumentParams>(&method) else { return };
                match uri_path(params.text_document.uri.as_str()) {
                    Some(path) if is_configuration(&path) => self.reload(),
                    Some(path) if is_python(&path) => self.refresh(),
                    _ => {}
                }
            }
            notify::DidCloseTextDocument::METHOD => {
                let Ok(params) = notification.extract::<DidCloseTextDocumentParams>(&method) else { return };
                if let Some(doc) = self.documents.remove(params.text_document.uri.as_str()) {
                    self.publish(doc.uri, Vec::new(), None);
                }
            }
            notify::DidChangeWatchedFiles::METHOD => {
                let Ok(params) = notification.extract::<DidChangeWatchedFilesParams>(&method) else { return };
                let paths: Vec<PathBuf> =
                    params.changes.iter().filter_map(|c| uri_path(c.uri.as_str())).collect();
                if paths.iter().any(|p| is_configuration(p)) {
                    self.reload();
                } else if paths.iter().any(|p| is_python(p)) {
                    self.refresh();
                }
            }
            notify::DidChangeConfiguration::METHOD => self.reload(),
            _ => {}
        }
    }

    /// Starts tracking a Python document and publishes its diagnostics.
    fn open(&mut self, params: DidOpenTextDocumentParams) {
        let item = params.text_document;
        let path = self.document_path(&item.uri);
        if item.language_id != "python" && !is_python(&path) {
            return;
        }
        let settings = self.settings_for(&path);
        let (uri, text, version) = (item.uri, item.text, item.version);
        let doc = Document { uri, path, text, version, settings, plan: None };
        let key = doc.uri.as_str().to_string();
        self.documents.insert(key.clone(), doc);
        self.analyze(&key);
    }

    /// Takes a document's new text (whole, or changed ranges from a client that sends them anyway) and
    /// publishes its diagnostics.
    fn change(&mut self, params: DidChangeTextDocumentParams) {
        let key = params.text_document.uri.as_str().to_string();
        let Some(doc) = self.documents.get_mut(&key) else { return };
        for change in params.content_changes {
            match change.range {
                // A client that sends ranges though the server asked for whole texts.
                Some(range) => {
                    let map = LineMap::new(&doc.text, self.encoding);
                    let (start, end) = (map.offset(range.start), map.offset(range.end));
                    doc.text.replace_range(start..end.max(start), &change.text);
                }
                None => doc.text = change.text,
            }
        }
        doc.version = params.text_document.version;
        self.analyze(&key);
    }

    /// A document's path: its file, or a name in the first workspace folder for an unsaved one.
    fn document_path(&self, uri: &Uri) -> PathBuf {
        uri_path(uri.as_str()).unwrap_or_else(|| {
            let folder = self.workspace.first_root().map(Path::to_path_buf);
            folder.unwrap_or_else(|| std::env::current_dir().unwrap_or_default()).join("untitled.py")
        })
    }

    /// The settings for a document at `path`; a problem with its configuration is shown to the user.
    fn settings_for(&mut self, path: &Path) -> Rc<Settings> {
        let mut problems = Vec::new();
        let settings = self.workspace.settings_for(path, &mut problems);
        for problem in problems {
            self.show_error(problem);
        }
        settings
    }

    /// Forgets every configuration and plans every open document again.
    fn reload(&mut self) {
        self.workspace.forget();
        let keys: Vec<String> = self.documents.keys().cloned().collect();
        for key in keys {
            let Some(path) = self.documents.get(&key).map(|d| d.path.clone()) else { continue };
            let settings = self.settings_for(&path);
            if let Some(doc) = self.documents.get_mut(&key) {
                doc.settings = settings;
            }
            self.analyze(&key);
        }
    }

    /// Python files changed on disk: the module indexes read them again, and every open document is planned
    /// again (what another module defines decides its sites).
    fn refresh(&mut self) {
        self.workspace.forget_modules();
        let keys: Vec<String> = self.documents.keys().cloned().collect();
        for key in keys {
            self.analyze(&key);
        }
    }

    /// Plans a document's text and publishes its diagnostics. A document the command line would not check
    /// (`exclude`) gets none, and no code action.
    fn analyze(&mut self, key: &str) {
        let Some(doc) = self.documents.get_mut(key) else { return };
        let engine = &doc.settings.engine;
        let checked =
            !doc.settings.excludes(&doc.path) && engine.may_hold_site(&doc.path, doc.text.as_bytes());
        doc.plan = match checked {
            true => plan(engine, &doc.path, doc.text.as_bytes(), Want::Preview, &Selection::all()).ok(),
            false => None,
        };
        // A text that decodes otherwise (a latin-1 coding cookie, lone `\r` line ends) would place findings at
        // other offsets: it gets no diagnostics.
        doc.plan = doc.plan.take().filter(|p| p.source.text == doc.text);
        let map = LineMap::new(&doc.text, self.encoding);
        let diagnostics =
            doc.plan.as_ref().map(|p| actions::diagnostics(p, &map, &self.docs)).unwrap_or_default();
        let (uri, version) = (doc.uri.clone(), doc.version);
        self.publish(uri, diagnostics, Some(version));
    }

    fn publish(&self, uri: Uri, diagnostics: Vec<lsp_types::Diagnostic>, version: Option<i32>) {
        let params = PublishDiagnosticsParams { uri, diagnostics, version };
        self.send(Notification::new(notify::PublishDiagnostics::METHOD.to_string(), params).into());
    }
}
