//! The OCSP responder of `cfssl ocspserve`, without the HTTP server: a request (method,
//! path, body, `If-None-Match`) goes in, an answer (status, headers, body) comes out,
//! exactly as docs/cfssl-lifecycle.md §5.5 records cfssl's. The caller owns the socket and
//! adds what every HTTP server adds (`Date`, `Content-Length`).
//!
//! Responses come from a [`ResponseSource`]: [`FileSource`] reads the `-responses` file
//! (what `ocspdump` prints); a database-backed source implements the same trait and looks up
//! (decimal serial, lower-case hex issuerKeyHash), see [`CertId::serial_decimal`] and
//! [`CertId::issuer_key_hash_hex`].
//!
//! **GET under another path than `/`.** cfssl decodes the whole URL path, mount included,
//! so with `-path /ocsp/` every GET fails with 400 (docs/cfssl-lifecycle.md §5.5,
//! §12 item 8). We decode only what follows the mount (docs/differences.md #23): with the
//! default `/` the two are the same byte for byte; elsewhere GET works as RFC 6960
//! Appendix A.1 describes instead of failing.

use std::collections::HashMap;
use std::fmt;

use base64::Engine;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use sha2::Digest;
use time::OffsetDateTime;

use crate::asn1::{CertId, OcspResponseStatus};
use crate::response::{parse_request, parse_response};

/// Where the responder finds a stored response for a CertID.
pub trait ResponseSource {
    /// A failure to look (a database error): the answer is 500 `internalError`.
    type Error: fmt::Display;

    /// The stored `OCSPResponse` DER for `id`, or `None` (the answer is `unauthorized`).
    fn lookup(&self, id: &CertId) -> Result<Option<Vec<u8>>, Self::Error>;
}

/// The `-responses` file source: responses indexed by serial number alone (cfssl's
/// `InMemorySource`, docs/cfssl-lifecycle.md §5.5): a request naming another issuer with
/// the same serial gets the response too.
#[derive(Clone, Debug, Default)]
pub struct FileSource {
    by_serial: HashMap<String, Vec<u8>>,
    skipped: Vec<SkippedToken>,
}

/// A token of a responses file that is not a usable response (cfssl logs it at ERROR and
/// goes on).
#[derive(Clone, Debug, Eq, PartialEq)]
pub struct SkippedToken {
    /// 0-based index of the token among the file's non-empty tokens.
    pub index: usize,
    /// The token.
    pub token: String,
    /// Why: `Base64 decode error …` or `OCSP decode error …`, as cfssl's log line.
    pub reason: String,
}

impl fmt::Display for SkippedToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} on: {}", self.reason, self.token)
    }
}

impl FileSource {
    /// Reads a responses file: tokens separated by Go's `\s` (space, `\t`, `\n`, `\f`, `\r`),
    /// each the standard base64 of an `OCSPResponse` that Go's `ocsp.ParseResponse` accepts.
    /// Other tokens are kept in [`FileSource::skipped`]. Of two responses for one serial the
    /// later wins.
    pub fn from_text(text: &str) -> FileSource {
        let mut source = FileSource::default();
        let tokens = text
            .split([' ', '\t', '\n', '\x0c', '\r'])
            .filter(|t| !t.is_empty());
        for (index, token) in tokens.enumerate() {
            let skip = |reason: String| SkippedToken {
                index,
                token: token.to_owned(),
                reason,
            };
            let der = match go_base64_decode(token) {
                Ok(der) => der,
                Err(e) => {
                    source
                        .skipped
                        .push(skip(format!("Base64 decode error {e}")));
                    continue;
                }
            };
            match parse_response(&der) {
                Ok(parsed) => {
                    source
                        .by_serial
                        .insert(parsed.cert_id.serial_decimal(), der);
                }
                Err(e) => source.skipped.push(skip(format!("OCSP decode error {e}"))),
            }
        }
        source
    }

    /// How many serials have a response (cfssl's `Read N OCSP responses`).
    pub fn len(&self) -> usize {
        self.by_serial.len()
    }

    /// Whether no response was read.
    pub fn is_empty(&self) -> bool {
        self.by_serial.is_empty()
    }

    /// The tokens that were skipped, in file order.
    pub fn skipped(&self) -> &[SkippedToken] {
        &self.skipped
    }
}

impl ResponseSource for FileSource {
    type Error = std::convert::Infallible;

    fn lookup(&self, id: &CertId) -> Result<Option<Vec<u8>>, Self::Error> {
        Ok(self.by_serial.get(&id.serial_decimal()).cloned())
    }
}

/// One HTTP request, as the server hands it over.
#[derive(Clone, Copy, Debug)]
pub struct HttpRequest<'a> {
    /// `GET`, `POST`, … (case-sensitive, as Go compares it).
    pub method: &'a str,
    /// The URL path **after the mount path**, percent-decoded once as HTTP servers (and Go's
    /// `URL.Path`) hand it over: for `GET /MFUw…` under the default mount `/`, `MFUw…`.
    /// A leading `/` is dropped (cfssl's allowance for `//` in naive URLs).
    pub path: &'a str,
    /// The body (`POST`).
    pub body: &'a [u8],
    /// The first `If-None-Match` header, if any.
    pub if_none_match: Option<&'a str>,
}

/// The answer to send.
#[derive(Clone, Debug, Eq, PartialEq)]
pub struct HttpAnswer {
    /// HTTP status code.
    pub status: u16,
    /// Headers in the order (and spelling) Go writes them, without `Date` and
    /// `Content-Length`, which the server adds.
    pub headers: Vec<(String, String)>,
    /// Body.
    pub body: Vec<u8>,
    /// What cfssl would log, for the caller to print.
    pub notes: Vec<Note>,
}

/// A log line for the caller.
#[derive(Clone, Debug, Eq, PartialEq)]
pub struct Note {
    /// cfssl's level.
    pub level: NoteLevel,
    /// The text without the level prefix.
    pub message: String,
}

/// Log levels cfssl uses here.
#[derive(Clone, Copy, Debug, Eq, PartialEq)]
pub enum NoteLevel {
    /// `[INFO]`
    Info,
    /// `[WARNING]` (the API server's start-up and refusals; the responder never warns)
    Warning,
    /// `[ERROR]`
    Error,
}

const CONTENT_TYPE: &str = "application/ocsp-response";
const NO_CACHE: &str = "max-age=0, no-cache";

/// Answers one request as cfssl's responder does (docs/cfssl-lifecycle.md §5.5):
///
/// | request | answer |
/// |---|---|
/// | not `GET` or `POST` | 405, empty |
/// | `GET` whose path does not unescape or base64-decode | 400, empty |
/// | not an OCSP request | 400 `malformedRequest` |
/// | nothing stored | 200 `unauthorized` |
/// | source error | 500 `internalError` |
/// | stored response unreadable | 200 `internalError` |
/// | found | 200 with caching headers; 304 when `If-None-Match` is its ETag |
///
/// `now` decides the `Cache-Control` max-age.
pub fn respond<S: ResponseSource + ?Sized>(
    request: &HttpRequest<'_>,
    source: &S,
    now: OffsetDateTime,
) -> HttpAnswer {
    let mut answer = HttpAnswer {
        status: 200,
        headers: vec![header("Cache-Control", NO_CACHE)],
        body: Vec::new(),
        notes: Vec::new(),
    };
    let body = match request.method {
        "GET" => match decode_get_path(request.path) {
            Some(body) => body,
            None => {
                answer.status = 400;
                return answer;
            }
        },
        "POST" => request.body.to_vec(),
        _ => {
            answer.status = 405;
            return answer;
        }
    };
    answer.headers.push(header("Content-Type", CONTENT_TYPE));
    let Ok(cert_id) = parse_request(&body) else {
        answer.status = 400;
        answer.body = OcspResponseStatus::MalformedRequest.error_response();
        return answer;
    };
    let stored = match source.lookup(&cert_id) {
        Ok(Some(stored)) => stored,
        Ok(None) => {
            answer.notes.push(Note {
                level: NoteLevel::Info,
                message: format!(
                    "No response found for request: serial {}, request body {}",
                    cert_id.serial_hex(),
                    base64::engine::general_purpose::STANDARD.encode(&body)
                ),
            });
            answer.body = OcspResponseStatus::Unauthorized.error_response();
            return answer;
        }
        Err(e) => {
            answer.notes.push(Note {
                level: NoteLevel::Info,
                message: format!(
                    "Error retrieving response for request: serial {}, request body {}, error: {e}",
                    cert_id.serial_hex(),
                    base64::engine::general_purpose::STANDARD.encode(&body)
                ),
            });
            answer.status = 500;
            answer.body = OcspResponseStatus::InternalError.error_response();
            return answer;
        }
    };
    let parsed = match parse_response(&stored) {
        Ok(parsed) => parsed,
        Err(e) => {
            answer.notes.push(Note {
                level: NoteLevel::Error,
                message: format!(
                    "Error parsing response for serial {}: {e}",
                    cert_id.serial_hex()
                ),
            });
            answer.body = OcspResponseStatus::InternalError.error_response();
            return answer;
        }
    };
    let max_age = match parsed.next_update {
        Some(next) if now < next => (next - now).whole_seconds(),
        _ => 0,
    };
    let etag = format!("\"{:X}\"", HexUpper(&sha2::Sha256::digest(&stored)));
    let not_modified = request
        .if_none_match
        .is_some_and(|given| !given.is_empty() && given == etag);
    answer.headers = vec![
        header(
            "Cache-Control",
            &format!("max-age={max_age}, public, no-transform, must-revalidate"),
        ),
        header("Content-Type", CONTENT_TYPE),
        header("Etag", &etag),
        header("Expires", &http_date(parsed.next_update)),
        header("Last-Modified", &http_date(Some(parsed.this_update))),
    ];
    if not_modified {
        // Go's server drops Content-Type from a 304 (RFC 7232 §4.1).
        answer.headers.retain(|(name, _)| name != "Content-Type");
        answer.status = 304;
    } else {
        answer.body = stored;
    }
    answer
}

fn header(name: &str, value: &str) -> (String, String) {
    (name.to_owned(), value.to_owned())
}

/// Upper-case hex, for the ETag.
struct HexUpper<'a>(&'a [u8]);

impl fmt::UpperHex for HexUpper<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.iter().try_for_each(|b| write!(f, "{b:02X}"))
    }
}

/// Go's `time.RFC1123` of a UTC time (`Sun, 06 Dec 2026 04:00:00 UTC`); an absent time is
/// Go's zero time.
fn http_date(t: Option<OffsetDateTime>) -> String {
    const ZERO: &str = "Mon, 01 Jan 0001 00:00:00 UTC";
    let Some(t) = t else {
        return ZERO.into();
    };
    let t = t.to_offset(time::UtcOffset::UTC);
    let format = time::macros::format_description!(
        "[weekday repr:short], [day] [month repr:short] [year] [hour]:[minute]:[second] UTC"
    );
    t.format(format).unwrap_or_else(|_| ZERO.into())
}

/// The GET request body: the path query-unescaped (Go's `url.QueryUnescape`, `+` becoming a
/// space), spaces turned back into `+`, one leading `/` dropped, then standard base64.
/// `None` when the escape or the base64 is bad (400, empty body).
pub fn decode_get_path(path: &str) -> Option<Vec<u8>> {
    let unescaped = query_unescape(path)?;
    let restored: Vec<u8> = unescaped
        .into_iter()
        .map(|b| if b == b' ' { b'+' } else { b })
        .collect();
    let text = restored.strip_prefix(b"/").unwrap_or(&restored);
    go_base64_decode_bytes(text).ok()
}

/// Go's `url.QueryUnescape`: `%XX` with two hex digits, `+` → space; a bad escape fails.
fn query_unescape(s: &str) -> Option<Vec<u8>> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        match b {
            b'%' => {
                let hex = bytes.get(i + 1..i + 3)?;
                let text = std::str::from_utf8(hex).ok()?;
                if !hex.iter().all(u8::is_ascii_hexdigit) {
                    return None;
                }
                out.push(u8::from_str_radix(text, 16).ok()?);
                i += 3;
            }
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            _ => {
                out.push(b);
                i += 1;
            }
        }
    }
    Some(out)
}

/// Go's `base64.StdEncoding.DecodeString`: padding required, CR and LF ignored, non-zero
/// trailing bits accepted.
fn go_base64_decode(text: &str) -> Result<Vec<u8>, base64::DecodeError> {
    go_base64_decode_bytes(text.as_bytes())
}

fn go_base64_decode_bytes(text: &[u8]) -> Result<Vec<u8>, base64::DecodeError> {
    const GO_STD: GeneralPurpose = GeneralPurpose::new(
        &base64::alphabet::STANDARD,
        GeneralPurposeConfig::new()
            .with_decode_allow_trailing_bits(true)
            .with_decode_padding_mode(DecodePaddingMode::RequireCanonical),
    );
    let cleaned: Vec<u8> = text
        .iter()
        .copied()
        .filter(|&b| b != b'\r' && b != b'\n')
        .collect();
    GO_STD.decode(cleaned)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn get_paths() {
        assert_eq!(decode_get_path("aGVsbG8K"), Some(b"hello\n".to_vec()));
        assert_eq!(decode_get_path("/aGVsbG8K"), Some(b"hello\n".to_vec()));
        // `+` arrives as `+` or `%2B` and survives QueryUnescape's `+` → space.
        assert_eq!(decode_get_path("+/8="), Some(vec![0xfb, 0xff]));
        assert_eq!(decode_get_path("%2B/8="), Some(vec![0xfb, 0xff]));
        assert_eq!(decode_get_path(""), Some(vec![]));
        assert_eq!(decode_get_path("notbase64"), None);
        assert_eq!(decode_get_path("%zz"), None);
        assert_eq!(decode_get_path("%4"), None);
        assert_eq!(decode_get_path("//aGVsbG8K"), None);
        assert_eq!(decode_get_path("aGVsbG8"), None, "padding is required");
    }

    #[test]
    fn http_dates_are_go_rfc1123_in_utc() {
        let t = time::macros::datetime!(2026-12-06 04:00:00 UTC);
        assert_eq!(http_date(Some(t)), "Sun, 06 Dec 2026 04:00:00 UTC");
        assert_eq!(http_date(None), "Mon, 01 Jan 0001 00:00:00 UTC");
    }

    #[test]
    fn method_and_escape_errors_have_no_body() {
        let source = FileSource::default();
        let now = OffsetDateTime::UNIX_EPOCH;
        let put = HttpRequest {
            method: "PUT",
            path: "",
            body: b"",
            if_none_match: None,
        };
        let answer = respond(&put, &source, now);
        assert_eq!(answer.status, 405);
        assert_eq!(answer.headers, vec![header("Cache-Control", NO_CACHE)]);
        assert!(answer.body.is_empty());
        let get = HttpRequest {
            method: "GET",
            path: "notbase64",
            ..put
        };
        let answer = respond(&get, &source, now);
        assert_eq!(answer.status, 400);
        assert_eq!(answer.headers, vec![header("Cache-Control", NO_CACHE)]);
        assert!(answer.body.is_empty());
        let hello = HttpRequest {
            method: "GET",
            path: "aGVsbG8K",
            ..put
        };
        let answer = respond(&hello, &source, now);
        assert_eq!(answer.status, 400);
        assert_eq!(
            answer.headers,
            vec![
                header("Cache-Control", NO_CACHE),
                header("Content-Type", CONTENT_TYPE)
            ]
        );
        assert_eq!(answer.body, [0x30, 0x03, 0x0a, 0x01, 0x01]);
    }

    #[test]
    fn file_tokens_that_are_not_responses_are_reported() {
        let source = FileSource::from_text("  notbase64\n\naGVsbG8K\t");
        assert!(source.is_empty());
        let skipped = source.skipped();
        assert_eq!(skipped.len(), 2);
        assert!(
            skipped[0].reason.starts_with("Base64 decode error"),
            "{skipped:?}"
        );
        assert_eq!(skipped[1].index, 1);
        assert!(
            skipped[1].reason.starts_with("OCSP decode error"),
            "{skipped:?}"
        );
        assert!(skipped[1].to_string().ends_with("on: aGVsbG8K"));
    }
}
