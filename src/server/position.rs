//! Positions and addresses for the language server: byte offsets of a document's text in, LSP positions in
//! the negotiated encoding (UTF-16 code units by default, or UTF-8 bytes) out, and back; `file:` URIs to
//! paths. Lines end at `\n`, `\r\n` or a lone `\r`, as the protocol counts them. Pure.

use std::path::{Path, PathBuf};

use lsp_types::{Position, Range};

/// How the client counts characters in a line (negotiated at `initialize`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    Utf16,
}

/// Converts between byte offsets of one text and protocol positions.
pub struct LineMap<'a> {
    text: &'a str,
    /// The byte offset where each line starts.
    starts: Vec<usize>,
    encoding: Encoding,
}

impl<'a> LineMap<'a> {
    pub fn new(text: &'a str, encoding: Encoding) -> Self {
        let bytes = text.as_bytes();
        let mut starts = vec![0];
        let mut i = 0;
        while let Some(at) = memchr::memchr2(b'\n', b'\r', &bytes[i..]) {
            let end = i + at;
            let next =
                if bytes[end] == b'\r' && bytes.get(end + 1) == Some(&b'\n') { end + 2 } else { end + 1 };
            starts.push(next);
            i = next;
        }
        Self { text, starts, encoding }
    }

    /// The position of byte `offset` (clamped to the text, and to a character boundary before it).
    pub fn position(&self, offset: usize) -> Position {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.starts.partition_point(|&s| s <= offset) - 1;
        let prefix = &self.text[self.starts[line]..offset];
        let character = match self.encoding {
            Encoding::Utf8 => prefix.len(),
            Encoding::Utf16 => prefix.chars().map(char::len_utf16).sum(),
        };
        Position::new(to_u32(line), to_u32(character))
    }

    /// The range of bytes `start..end`.
    pub fn range(&self, range: std::ops::Range<usize>) -> Range {
        Range::new(self.position(range.start), self.position(range.end))
    }

    /// The byte offset of `position`: a line past the end is the end of the text, a character past the end
    /// of its line is the line's end, and one inside a character (half a surrogate pair) is its start.
    pub fn offset(&self, position: Position) -> usize {
        let Some(&start) = self.starts.get(position.line as usize) else {
            return self.text.len();
        };
        let end = self.starts.get(position.line as usize + 1).map_or(self.text.len(), |&s| s);
        let line = self.text[start..end].trim_end_matches(['\n', '\r']);
        let wanted = position.character as usize;
        let mut counted = 0;
        for (at, c) in line.char_indices() {
            let width = match self.encoding {
                Encoding::Utf8 => c.len_utf8(),
                Encoding::Utf16 => c.len_utf16(),
            };
            if counted + width > wanted {
                return start + at;
            }
            counted += width;
        }
        start + line.len()
    }
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// The local path a `file:` URI names, percent-decoded; `None` for another scheme or a remote host.
pub fn uri_path(uri: &str) -> Option<PathBuf> {
    let rest = uri.strip_prefix("file://")?;
    let path = rest.strip_prefix("localhost").unwrap_or(rest);
    if !path.starts_with('/') {
        return None;
    }
    let path = path.split(['?', '#']).next().unwrap_or(path);
    let bytes = path.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes.get(i + 1..i + 3).and_then(|h| std::str::from_utf8(h).ok());
        match (bytes[i], hex.and_then(|h| u8::from_str_radix(h, 16).ok())) {
            (b'%', Some(byte)) => {
                decoded.push(byte);
                i += 3;
            }
            (byte, _) => {
                decoded.push(byte);
                i += 1;
            }
        }
    }
    Some(PathBuf::from(String::from_utf8(decoded).ok()?))
}

/// The `file:` URI of an absolute local path, every byte but unreserved ones and `/` percent-encoded;
/// `None` for a relative path or one that is not UTF-8.
pub fn path_uri(path: &Path) -> Option<lsp_types::Uri> {
    let text = path.to_str().filter(|_| path.is_absolute())?;
    let mut uri = String::from("file://");
    for &byte in text.as_bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => {
                uri.push(byte as char)
            }
            _ => uri.push_str(&format!("%{byte:02X}")),
        }
    }
    uri.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf16_counts_a_character_outside_the_bmp_as_two_units() {
        let text = "s = '😀'; x = 1\r\ny = 2\rz";
        let map = LineMap::new(text, Encoding::Utf16);
        let x = text.find('x').unwrap();
        assert_eq!(map.position(x), Position::new(0, 10));
        assert_eq!(map.offset(Position::new(0, 10)), x);
        assert_eq!(LineMap::new(text, Encoding::Utf8).position(x), Position::new(0, 12));
        assert_eq!(map.position(text.find('y').unwrap()), Position::new(1, 0), "\\r\\n ends one line");
        assert_eq!(map.position(text.find('z').unwrap()), Position::new(2, 0), "a lone \\r ends a line");
    }

    #[test]
    fn positions_out_of_range_are_clamped_not_a_panic() {
        let text = "ab😀\n";
        let map = LineMap::new(text, Encoding::Utf16);
        assert_eq!(map.offset(Position::new(0, 3)), 2, "half a surrogate pair is the character's start");
        assert_eq!(map.offset(Position::new(0, 99)), 6, "past the line's end is the line's end");
        assert_eq!(map.offset(Position::new(9, 0)), text.len());
        assert_eq!(map.position(99), Position::new(1, 0));
        assert_eq!(map.position(3), Position::new(0, 2), "inside a character is its start");
    }

    #[test]
    fn file_uris_are_percent_decoded_paths() {
        assert_eq!(uri_path("file:///a%20b/c.py"), Some(PathBuf::from("/a b/c.py")));
        assert_eq!(uri_path("file://localhost/x.py"), Some(PathBuf::from("/x.py")));
        assert_eq!(uri_path("untitled:Untitled-1"), None);
        assert_eq!(uri_path("file:///%ff"), None, "not UTF-8");
    }

    #[test]
    fn paths_become_file_uris_that_read_back() {
        let path = Path::new("/tmp/a b/é#1%.md");
        let uri = path_uri(path).expect("absolute");
        assert_eq!(uri.as_str(), "file:///tmp/a%20b/%C3%A9%231%25.md");
        assert_eq!(uri_path(uri.as_str()).as_deref(), Some(path));
        assert_eq!(path_uri(Path::new("relative.md")), None);
    }
}
