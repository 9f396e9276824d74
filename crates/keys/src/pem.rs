//! PEM in (lenient, as Go's `encoding/pem.Decode`) and out (strict RFC 7468, 64 columns, LF).
//!
//! cfssl reads keys with Go's `pem.Decode` (docs/cfssl-compat.md §1.2), which accepts text before and
//! between blocks, CRLF line ends, any base64 line width, trailing spaces and `Key: Value`
//! headers, and skips a malformed block to look for the next one. The strict RFC 7468
//! decoders in RustCrypto (`pem-rfc7468`) reject several of these, so this module
//! re-implements Go's algorithm. Decoded bytes live in [`Zeroizing`] buffers.

use base64ct::{Base64, Encoding};
use zeroize::Zeroizing;

const BEGIN: &[u8] = b"\n-----BEGIN ";
const END: &[u8] = b"\n-----END ";
const DASHES: &[u8] = b"-----";

/// One decoded PEM block.
pub(crate) struct Block {
    /// The type from the `-----BEGIN <type>-----` line.
    pub label: String,
    /// `Key: Value` header lines (`Proc-Type`, `DEK-Info`), in file order.
    pub headers: Vec<(String, String)>,
    /// The base64-decoded body.
    pub der: Zeroizing<Vec<u8>>,
}

impl Block {
    /// The value of header `name` (the last one wins, as in Go's header map).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .rev()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack
        .windows(needle.len())
        .position(|window| window == needle)
}

fn trim_end_spaces(mut line: &[u8]) -> &[u8] {
    while let [rest @ .., b' ' | b'\t'] = line {
        line = rest;
    }
    line
}

fn trim_spaces(mut s: &[u8]) -> &[u8] {
    while let [b' ' | b'\t' | b'\r' | b'\n', rest @ ..] = s {
        s = rest;
    }
    while let [rest @ .., b' ' | b'\t' | b'\r' | b'\n'] = s {
        s = rest;
    }
    s
}

/// Go's `getLine`: one line without its `\n` (and one `\r`), trailing spaces/tabs removed.
fn get_line(data: &[u8]) -> (&[u8], &[u8]) {
    match data.iter().position(|&b| b == b'\n') {
        None => (trim_end_spaces(data), &[]),
        Some(i) => {
            let line = data.get(..i).unwrap_or_default();
            let line = line.strip_suffix(b"\r").unwrap_or(line);
            (trim_end_spaces(line), data.get(i + 1..).unwrap_or_default())
        }
    }
}

/// Go's `base64.StdEncoding.Decode` after `removeSpacesAndTabs`: white space is dropped,
/// padding is required.
fn decode_base64(body: &[u8]) -> Option<Zeroizing<Vec<u8>>> {
    let clean: Zeroizing<Vec<u8>> = Zeroizing::new(
        body.iter()
            .copied()
            .filter(|b| !matches!(b, b' ' | b'\t' | b'\r' | b'\n'))
            .collect(),
    );
    let mut out = Zeroizing::new(vec![0u8; clean.len() / 4 * 3 + 3]);
    let len = Base64::decode(clean.as_slice(), out.as_mut_slice())
        .ok()?
        .len();
    out.truncate(len);
    Some(out)
}

/// Finds and decodes the first well-formed PEM block in `data`, as Go's `pem.Decode`.
/// Returns the block and the input after it, or `None` when there is no block.
pub(crate) fn decode(data: &[u8]) -> Option<(Block, &[u8])> {
    let mut rest = data;
    loop {
        // The BEGIN line must start the input or follow a newline.
        if let Some(after) = rest.strip_prefix(&BEGIN[1..]) {
            rest = after;
        } else {
            let at = find(rest, BEGIN)?;
            rest = rest.get(at + BEGIN.len()..)?;
        }

        let (type_line, after_type) = get_line(rest);
        rest = after_type;
        let Some(label) = type_line.strip_suffix(DASHES) else {
            continue;
        };

        let mut headers = Vec::new();
        loop {
            if rest.is_empty() {
                return None;
            }
            let (line, next) = get_line(rest);
            let Some(colon) = line.iter().position(|&b| b == b':') else {
                break;
            };
            let key = trim_spaces(line.get(..colon).unwrap_or_default());
            let value = trim_spaces(line.get(colon + 1..).unwrap_or_default());
            headers.push((
                String::from_utf8_lossy(key).into_owned(),
                String::from_utf8_lossy(value).into_owned(),
            ));
            rest = next;
        }

        // Without headers the END line may come at once, with no newline before it.
        let (end_index, trailer_index) = if headers.is_empty() && rest.starts_with(&END[1..]) {
            (0, END.len() - 1)
        } else {
            match find(rest, END) {
                Some(i) => (i, i + END.len()),
                None => continue,
            }
        };

        // `-----END <same type>-----` and nothing but white space on the rest of that line.
        let trailer = rest.get(trailer_index..).unwrap_or_default();
        let trailer_len = label.len() + DASHES.len();
        let (Some(end_line), Some(after_end)) =
            (trailer.get(..trailer_len), trailer.get(trailer_len..))
        else {
            continue;
        };
        if !end_line.starts_with(label) || !end_line.ends_with(DASHES) {
            continue;
        }
        if !get_line(after_end).0.is_empty() {
            continue;
        }

        let Some(der) = decode_base64(rest.get(..end_index).unwrap_or_default()) else {
            continue;
        };
        let (_, remaining) = get_line(rest.get(end_index + END.len() - 1..).unwrap_or_default());
        let block = Block {
            label: String::from_utf8_lossy(label).into_owned(),
            headers,
            der,
        };
        return Some((block, remaining));
    }
}

/// RFC 7468 PEM: `-----BEGIN label-----`, base64 in 64-column lines, LF, final newline.
pub(crate) fn encode(label: &str, der: &[u8]) -> Zeroizing<String> {
    // Encoding a byte slice into a String cannot fail except for absurd lengths; fall back to
    // an empty string rather than panic.
    Zeroizing::new(
        pem_rfc7468::encode_string(label, pem_rfc7468::LineEnding::LF, der).unwrap_or_default(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn first(input: &str) -> Option<(String, Vec<u8>, String)> {
        decode(input.as_bytes()).map(|(b, rest)| {
            (
                b.label,
                b.der.to_vec(),
                String::from_utf8_lossy(rest).into_owned(),
            )
        })
    }

    #[test]
    fn plain_block() {
        let (label, der, rest) = first("-----BEGIN X-----\nAQID\n-----END X-----\n").unwrap();
        assert_eq!(label, "X");
        assert_eq!(der, [1, 2, 3]);
        assert_eq!(rest, "");
    }

    #[test]
    fn text_around_crlf_and_odd_widths() {
        let input = "junk\r\n-----BEGIN X-----\r\nAQ\r\nID  \r\n-----END X-----  \r\nmore";
        let (label, der, rest) = first(input).unwrap();
        assert_eq!(label, "X");
        assert_eq!(der, [1, 2, 3]);
        assert_eq!(rest, "more");
    }

    #[test]
    fn begin_must_start_a_line() {
        assert!(first("x-----BEGIN X-----\nAQID\n-----END X-----\n").is_none());
    }

    #[test]
    fn mismatched_end_skips_to_next_block() {
        let input =
            "-----BEGIN A-----\nAQID\n-----END B-----\n-----BEGIN C-----\nBAU=\n-----END C-----\n";
        let (label, der, _) = first(input).unwrap();
        assert_eq!(label, "C");
        assert_eq!(der, [4, 5]);
    }

    #[test]
    fn bad_base64_skips_block() {
        let input = "-----BEGIN A-----\n!!!!\n-----END A-----\n";
        assert!(first(input).is_none());
    }

    #[test]
    fn headers_are_read() {
        let input = "-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-256-CBC,00\n\nAQID\n-----END RSA PRIVATE KEY-----\n";
        let (block, _) = decode(input.as_bytes()).unwrap();
        assert_eq!(block.header("Proc-Type"), Some("4,ENCRYPTED"));
        assert_eq!(block.header("DEK-Info"), Some("AES-256-CBC,00"));
        assert_eq!(block.der.as_slice(), [1, 2, 3]);
    }

    #[test]
    fn empty_block() {
        let (label, der, _) = first("-----BEGIN E-----\n-----END E-----\n").unwrap();
        assert_eq!(label, "E");
        assert!(der.is_empty());
    }

    #[test]
    fn truncated_input_never_panics() {
        let full = "-----BEGIN A-----\nK: v\nAQID\n-----END A-----\n";
        for i in 0..full.len() {
            let _ = decode(&full.as_bytes()[..i]);
        }
    }

    #[test]
    fn encode_is_64_columns_lf() {
        let pem = encode("TEST", &[0u8; 100]);
        let lines: Vec<&str> = pem.lines().collect();
        assert_eq!(lines[0], "-----BEGIN TEST-----");
        assert_eq!(lines[1].len(), 64);
        assert_eq!(lines.last(), Some(&"-----END TEST-----"));
        assert!(pem.ends_with("-----\n"));
        assert!(!pem.contains('\r'));
    }
}
