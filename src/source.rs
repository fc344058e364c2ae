//! Sources: raw file bytes decoded to the text that is parsed and edited, and encoded back afterwards.
//! Consumes bytes, produces `Source`; encoding then decoding is the identity, so every byte outside an
//! edit is written back exactly as it was read (BOM, CRLF, tabs, latin-1 bytes included).

use thiserror::Error;

/// How the file's bytes map to text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Encoding {
    /// UTF-8, with or without a byte order mark.
    Utf8 { bom: bool },
    /// ISO-8859-1, declared by a coding cookie: each byte is the code point of the same value.
    Latin1,
}

/// The most a source file may hold: far more than any real source file (the largest generated modules are
/// tens of MiB), and well below what would exhaust memory while it is parsed and rewritten. It keeps a device
/// or a runaway generated file from being read without end.
pub const MAX_FILE_BYTES: u64 = 256 * 1024 * 1024;

/// Why a file named or found could not be read as source.
#[derive(Debug, Error)]
pub enum ReadError {
    #[error("not a regular file ({0}); only regular files are read")]
    NotAFile(&'static str),
    #[error(
        "{} MiB, more than the {} MiB a source file may have (generated data, not source?); skipped",
        .0 / (1024 * 1024), MAX_FILE_BYTES / (1024 * 1024)
    )]
    TooLarge(u64),
    #[error("cannot read: {0}")]
    Io(String),
    #[error("{0}; skipped")]
    Decode(DecodeError),
}

/// Reads the source given on stdin (`-`), with the limits of a file: at most `MAX_FILE_BYTES`, and not
/// binary or UTF-16.
pub fn read_stdin() -> Result<Vec<u8>, ReadError> {
    read_limited(std::io::stdin().lock(), 0, |e| ReadError::Io(e.to_string()))
}

/// Reads `reader` to its end, refusing more than `MAX_FILE_BYTES` and binary or UTF-16 text.
fn read_limited(
    reader: impl std::io::Read,
    expected: u64,
    io: impl Fn(std::io::Error) -> ReadError,
) -> Result<Vec<u8>, ReadError> {
    use std::io::Read;
    let mut bytes = Vec::with_capacity(expected.min(MAX_FILE_BYTES) as usize);
    // One byte more than the limit tells a source larger than it (a file that grew since `metadata`, too).
    reader.take(MAX_FILE_BYTES + 1).read_to_end(&mut bytes).map_err(io)?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(ReadError::TooLarge(bytes.len() as u64));
    }
    sniff(&bytes).map_err(ReadError::Decode)?;
    Ok(bytes)
}

/// Reads a source file: only a regular file, at most `MAX_FILE_BYTES`, and not binary or UTF-16. The type is
/// checked before opening, and again on the open file, which is opened without blocking (a FIFO put in its
/// place meanwhile cannot hang the run).
pub fn read(path: &std::path::Path) -> Result<Vec<u8>, ReadError> {
    let io = |e: std::io::Error| ReadError::Io(describe_io(path, &e));
    regular(&std::fs::metadata(path).map_err(io)?)?;
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(target_os = "linux")]
    std::os::unix::fs::OpenOptionsExt::custom_flags(&mut options, rustix::fs::OFlags::NONBLOCK.bits() as i32);
    let file = options.open(path).map_err(io)?;
    let meta = file.metadata().map_err(io)?;
    regular(&meta)?;
    read_limited(file, meta.len(), io)
}

/// Refuses anything but a regular file of at most `MAX_FILE_BYTES`.
fn regular(meta: &std::fs::Metadata) -> Result<(), ReadError> {
    if !meta.is_file() {
        return Err(ReadError::NotAFile(file_kind(&meta.file_type())));
    }
    if meta.len() > MAX_FILE_BYTES {
        return Err(ReadError::TooLarge(meta.len()));
    }
    Ok(())
}

/// What a file that is not a regular file is, in a few words.
pub fn file_kind(kind: &std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if kind.is_fifo() {
            return "a FIFO";
        }
        if kind.is_char_device() {
            return "a character device";
        }
        if kind.is_block_device() {
            return "a block device";
        }
        if kind.is_socket() {
            return "a socket";
        }
    }
    if kind.is_dir() { "a directory" } else { "not a file" }
}

/// Refuses bytes that are no Python source awaitfix can edit whatever the coding cookie says: UTF-16 and
/// UTF-32 (CPython refuses them too), and binary data.
pub fn sniff(bytes: &[u8]) -> Result<(), DecodeError> {
    if bytes.starts_with(b"\xFF\xFE\0\0") || bytes.starts_with(b"\0\0\xFE\xFF") {
        return Err(DecodeError::Wide("UTF-32"));
    }
    if bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF") {
        return Err(DecodeError::Wide("UTF-16"));
    }
    if memchr::memchr(0, bytes).is_some() {
        return Err(DecodeError::Binary);
    }
    Ok(())
}

/// Why a file's bytes are not Python source we can edit.
#[derive(Debug, Error, PartialEq, Eq)]
pub enum DecodeError {
    #[error("binary file (contains a NUL byte)")]
    Binary,
    #[error(
        "{0} text (it starts with a {0} byte order mark): Python reads source as UTF-8 or an ASCII-compatible \
         encoding and refuses this file; save it as UTF-8"
    )]
    Wide(&'static str),
    #[error("not valid UTF-8 (byte {0:#04x} at offset {1}) and no coding cookie declares another encoding")]
    InvalidUtf8(u8, usize),
    #[error("declares encoding `{0}`, which awaitfix does not edit (supported: utf-8, latin-1)")]
    UnsupportedEncoding(String),
    #[error("not valid {0} (offset {1})")]
    Invalid(&'static str, usize),
}

/// A decoded source file.
#[derive(Clone, Debug)]
pub struct Source {
    /// The text without BOM; edits index its bytes.
    pub text: String,
    pub encoding: Encoding,
    /// The file ends its lines with a lone `\r` (as old Mac files do, and as Python accepts): `text` holds
    /// `\n` in their place, so that the parser sees lines, and `encode` turns every `\n` back into `\r`.
    /// One byte for one keeps every offset.
    pub cr_newlines: bool,
}

impl Source {
    /// Decodes `bytes`: UTF-8 (optionally with a BOM), or latin-1 when a PEP 263 coding cookie in the first two
    /// lines says so. Any other declared encoding is refused rather than guessed.
    pub fn decode(bytes: &[u8]) -> Result<Self, DecodeError> {
        sniff(bytes)?;
        let (bom, body) = match bytes.strip_prefix(b"\xEF\xBB\xBF") {
            Some(rest) => (true, rest),
            None => (false, bytes),
        };
        let cr_newlines = memchr::memchr(b'\n', body).is_none() && memchr::memchr(b'\r', body).is_some();
        let translated: Vec<u8>;
        let body = match cr_newlines {
            true => {
                translated = body.iter().map(|&b| if b == b'\r' { b'\n' } else { b }).collect();
                &translated[..]
            }
            false => body,
        };
        let declared = if bom { None } else { coding_cookie(body) };
        match declared.as_deref().map(normalize_encoding) {
            None | Some("utf-8") => match std::str::from_utf8(body) {
                Ok(text) => {
                    Ok(Self { text: text.to_string(), encoding: Encoding::Utf8 { bom }, cr_newlines })
                }
                Err(e) if declared.is_some() => Err(DecodeError::Invalid("UTF-8", e.valid_up_to())),
                Err(e) => Err(DecodeError::InvalidUtf8(body[e.valid_up_to()], e.valid_up_to())),
            },
            Some("latin-1") => {
                let text = body.iter().map(|&b| char::from(b)).collect();
                Ok(Self { text, encoding: Encoding::Latin1, cr_newlines })
            }
            Some(_) => Err(DecodeError::UnsupportedEncoding(declared.unwrap_or_default())),
        }
    }

    /// Encodes `text` (an edited version of this source's text) back to bytes in the original encoding.
    /// Returns `None` when the text holds a character latin-1 cannot represent.
    pub fn encode(&self, text: &str) -> Option<Vec<u8>> {
        let mut bytes = self.encode_text(text)?;
        if self.cr_newlines {
            bytes.iter_mut().filter(|b| **b == b'\n').for_each(|b| *b = b'\r');
        }
        Some(bytes)
    }

    fn encode_text(&self, text: &str) -> Option<Vec<u8>> {
        match self.encoding {
            Encoding::Utf8 { bom } => {
                let mut out = Vec::with_capacity(text.len() + 3);
                if bom {
                    out.extend_from_slice(b"\xEF\xBB\xBF");
                }
                out.extend_from_slice(text.as_bytes());
                Some(out)
            }
            Encoding::Latin1 => text.chars().map(|c| u8::try_from(u32::from(c)).ok()).collect(),
        }
    }
}

/// The encoding named by a PEP 263 cookie (`# -*- coding: NAME -*-`) on line 1 or 2, if any.
fn coding_cookie(bytes: &[u8]) -> Option<String> {
    let mut lines = bytes.split(|&b| b == b'\n');
    for _ in 0..2 {
        let line = lines.next()?;
        let trimmed = line.trim_ascii_start();
        if !trimmed.starts_with(b"#") {
            // PEP 263: the cookie may only follow a comment-only (or blank) first line.
            if trimmed.is_empty() {
                continue;
            }
            return None;
        }
        let text = String::from_utf8_lossy(line);
        let Some(pos) = text.find("coding") else {
            continue;
        };
        let rest = &text[pos + "coding".len()..];
        let Some(rest) = rest.strip_prefix([':', '=']) else {
            continue;
        };
        let name: String = rest
            .trim_start_matches([' ', '\t'])
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
            .collect();
        if !name.is_empty() {
            return Some(name);
        }
    }
    None
}

/// Maps the aliases CPython accepts for the encodings we edit onto one name.
fn normalize_encoding(name: &str) -> &str {
    let lower = name.to_ascii_lowercase().replace('_', "-");
    match lower.as_str() {
        "utf-8" | "utf8" | "u8" | "utf" | "ascii" | "us-ascii" => "utf-8",
        "latin-1" | "latin1" | "iso-8859-1" | "iso8859-1" | "iso-latin-1" | "l1" | "8859" | "cp819" => {
            "latin-1"
        }
        l if l.starts_with("utf-8-") || l.starts_with("latin-1-") || l.starts_with("iso-8859-1-") => {
            if l.starts_with("utf") { "utf-8" } else { "latin-1" }
        }
        _ => name,
    }
}

/// Converts byte offsets of a text into 1-based lines and 1-based character columns.
pub struct LineIndex<'a> {
    text: &'a str,
    starts: Vec<usize>,
}

impl<'a> LineIndex<'a> {
    pub fn new(text: &'a str) -> Self {
        let starts =
            std::iter::once(0).chain(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1)).collect();
        Self { text, starts }
    }

    /// (line, column) of byte `offset`, both 1-based, the column counted in characters.
    pub fn position(&self, offset: usize) -> (usize, usize) {
        let line = self.starts.partition_point(|&s| s <= offset) - 1;
        let start = self.starts[line];
        let column = self.text.get(start..offset).map_or(offset - start, |s| s.chars().count());
        (line + 1, column + 1)
    }

    /// Byte range of the 1-based `line`, without its line ending.
    pub fn line_range(&self, line: usize) -> std::ops::Range<usize> {
        let start = self.starts[line - 1];
        let end = self.starts.get(line).map_or(self.text.len(), |&s| s - 1);
        let end = if self.text.as_bytes().get(end.wrapping_sub(1)) == Some(&b'\r') && end > start {
            end - 1
        } else {
            end
        };
        start..end
    }
}

/// A short cause for an I/O error on `path`, naming broken symlinks and symlink loops as such.
pub fn describe_io(path: &std::path::Path, err: &std::io::Error) -> String {
    let err = innermost_io(err);
    let is_link = std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink());
    match err.kind() {
        std::io::ErrorKind::NotFound if is_link => "broken symlink (its target does not exist)".to_string(),
        std::io::ErrorKind::NotFound => "no such file or directory".to_string(),
        std::io::ErrorKind::PermissionDenied => "permission denied".to_string(),
        _ if err.raw_os_error() == Some(40) => "symlink loop (too many levels of symbolic links)".to_string(),
        _ => err.to_string(),
    }
}

/// The operating system's error inside `err`: the walker wraps it in one that names the path again ("IO error
/// for operation on PATH: ...") and hides its error number.
fn innermost_io(err: &std::io::Error) -> &std::io::Error {
    let mut found = err;
    let mut next: Option<&(dyn std::error::Error + 'static)> = match err.get_ref() {
        Some(inner) => Some(inner),
        None => None,
    };
    while let Some(error) = next {
        if let Some(io) = error.downcast_ref::<std::io::Error>() {
            found = io;
        }
        next = error.source();
    }
    found
}

/// Whether `path` names a notebook (by its extension, as Jupyter does).
pub fn is_notebook(path: &std::path::Path) -> bool {
    path.extension().is_some_and(|e| e == "ipynb")
}

/// A path as shown to users: as given, without a leading `./`.
pub fn display_path(path: &std::path::Path) -> String {
    let shown = path.strip_prefix(".").unwrap_or(path);
    shown.to_string_lossy().into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_with_bom_round_trips() {
        let bytes = b"\xEF\xBB\xBFx = 1\r\n";
        let s = Source::decode(bytes).unwrap();
        assert_eq!(s.text, "x = 1\r\n");
        assert_eq!(s.encoding, Encoding::Utf8 { bom: true });
        assert_eq!(s.encode(&s.text).unwrap(), bytes);
    }

    #[test]
    fn cr_line_endings_are_lines_and_round_trip() {
        let bytes = b"# c\r# -*- coding: latin-1 -*-\rx = '\xe9'\r";
        let s = Source::decode(bytes).unwrap();
        assert_eq!((s.encoding, s.cr_newlines), (Encoding::Latin1, true), "the cookie is on line 2");
        assert_eq!(s.text, "# c\n# -*- coding: latin-1 -*-\nx = '\u{e9}'\n");
        assert_eq!(s.encode(&s.text).unwrap(), bytes);
        assert_eq!(s.encode("a\nb\n").unwrap(), b"a\rb\r", "added lines end as the others do");
        let crlf = Source::decode(b"x = '\r'\r\n").unwrap();
        assert!(!crlf.cr_newlines, "a `\r` in a file with `\n` lines is left as it is");
    }

    #[test]
    fn latin1_cookie_round_trips_every_byte() {
        let mut bytes = b"# -*- coding: latin-1 -*-\ns = '".to_vec();
        bytes.extend(1u8..=255);
        bytes.extend_from_slice(b"'\n");
        let s = Source::decode(&bytes).unwrap();
        assert_eq!(s.encoding, Encoding::Latin1);
        assert_eq!(s.encode(&s.text).unwrap(), bytes);
    }

    #[test]
    fn cookie_on_second_line_after_shebang() {
        let s = Source::decode(b"#!/usr/bin/env python\n# vim: set fileencoding=iso-8859-1 :\nx = '\xe9'\n")
            .unwrap();
        assert_eq!(s.encoding, Encoding::Latin1);
        assert!(s.text.contains('\u{e9}'));
    }

    #[test]
    fn refuses_what_it_cannot_round_trip() {
        assert!(matches!(Source::decode(b"x = 1\0"), Err(DecodeError::Binary)));
        assert!(matches!(Source::decode(b"x = '\xe9'\n"), Err(DecodeError::InvalidUtf8(0xe9, 5))));
        assert!(matches!(
            Source::decode(b"# coding: cp1252\nx = 1\n"),
            Err(DecodeError::UnsupportedEncoding(e)) if e == "cp1252"
        ));
        assert!(Source::decode(b"x = 1\n# coding: cp1252\n").is_ok(), "a cookie only counts on lines 1-2");
    }

    #[test]
    fn positions_count_characters() {
        let idx = LineIndex::new("a\r\nxé = await f()\n");
        assert_eq!(idx.position(0), (1, 1));
        assert_eq!(idx.position(3), (2, 1));
        assert_eq!(idx.position(3 + "xé = ".len()), (2, 6));
        assert_eq!(idx.line_range(1), 0..1);
    }
}
