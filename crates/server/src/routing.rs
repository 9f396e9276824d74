//! Which handler a request goes to, and the answers Go's `net/http` writes by itself.
//!
//! cfssl registers its handlers on Go's default `ServeMux`, so a request that matches no
//! handler, or whose path does not unescape, gets Go's canned answers. We reproduce their
//! status, headers and bodies (`Date` and `Content-Length` are added after, as Go does).

use http_body_util::Full;
use hyper::body::Bytes;
use hyper::header::{CONNECTION, CONTENT_TYPE, HeaderValue};
use hyper::{Response, StatusCode};

/// Go's `URL.Path` of a request target's path: `%XX` decoded once (two hex digits required,
/// else the request is refused), `+` left alone (`url.PathUnescape`, not `QueryUnescape`).
/// Bytes that are not UTF-8 become U+FFFD: no OCSP request (base64) contains them, so such
/// a path fails base64 decoding later, as it would in cfssl.
pub(crate) fn path_unescape(raw: &str) -> Option<String> {
    let bytes = raw.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if b == b'%' {
            let high = bytes.get(i + 1).and_then(|c| (*c as char).to_digit(16))?;
            let low = bytes.get(i + 2).and_then(|c| (*c as char).to_digit(16))?;
            // Both digits are below 16, so the value fits a byte.
            out.push(u8::try_from(high * 16 + low).ok()?);
            i += 3;
        } else {
            out.push(b);
            i += 1;
        }
    }
    Some(String::from_utf8_lossy(&out).into_owned())
}

/// A mount path without its trailing `/` (`"/"` becomes `""`, which matches every path);
/// a mount given without a leading `/` gets one.
pub(crate) fn mount_base(mount: &str) -> String {
    let trimmed = mount.trim_end_matches('/');
    if trimmed.is_empty() || trimmed.starts_with('/') {
        trimmed.to_owned()
    } else {
        format!("/{trimmed}")
    }
}

/// The part of `path` after the mount, or `None` when the request is not under it.
///
/// `path` is under the mount `/ocsp` (given as `/ocsp` or `/ocsp/`) when it is `/ocsp`
/// itself or starts with `/ocsp/`; what follows keeps its leading `/`, which the OCSP
/// responder drops as cfssl does. With the default mount `/` the whole path is handed over,
/// exactly as cfssl's handler sees it (docs/cfssl-lifecycle.md §5.5). Go's mux would also
/// answer `/ocsp` with a redirect to `/ocsp/` and any path holding `//`, `/./` or `/../`
/// with a redirect to its cleaned form; we do neither, because cleaning changes base64
/// that contains `//` (docs/differences.md #23).
pub(crate) fn after_mount<'a>(path: &'a str, base: &str) -> Option<&'a str> {
    let rest = path.strip_prefix(base)?;
    if base.is_empty() {
        return rest.starts_with('/').then_some(rest);
    }
    (rest.is_empty() || rest.starts_with('/')).then_some(rest)
}

/// The body of Go's `http.NotFound`.
pub(crate) const NOT_FOUND_BODY: &str = "404 page not found\n";

/// The body of Go's canned answer to a request target it cannot parse.
pub(crate) const BAD_REQUEST_BODY: &str = "400 Bad Request";

fn text_plain(status: StatusCode, body: &'static str) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(Bytes::from_static(body.as_bytes())));
    *response.status_mut() = status;
    response.headers_mut().insert(
        CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    response
}

/// Go's `http.NotFound`: 404, `text/plain; charset=utf-8`, `X-Content-Type-Options:
/// nosniff`, body `404 page not found\n`.
pub(crate) fn go_not_found() -> Response<Full<Bytes>> {
    let mut response = text_plain(StatusCode::NOT_FOUND, NOT_FOUND_BODY);
    response.headers_mut().insert(
        "x-content-type-options",
        HeaderValue::from_static("nosniff"),
    );
    response
}

/// Go's server's answer to a request target it cannot parse (a bad `%` escape): 400,
/// `text/plain; charset=utf-8`, `Connection: close`, body `400 Bad Request`.
pub(crate) fn go_bad_request() -> Response<Full<Bytes>> {
    let mut response = text_plain(StatusCode::BAD_REQUEST, BAD_REQUEST_BODY);
    response
        .headers_mut()
        .insert(CONNECTION, HeaderValue::from_static("close"));
    response
}

/// A limit answer of ours (cfssl has no limits): `status`, no body, and `Connection: close`
/// because the rest of the request is not read.
pub(crate) fn refused(status: StatusCode) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(Bytes::new()));
    *response.status_mut() = status;
    response
        .headers_mut()
        .insert(CONNECTION, HeaderValue::from_static("close"));
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_unescape_once_like_go() {
        assert_eq!(path_unescape("/MFU+w%2B%2f").as_deref(), Some("/MFU+w+/"));
        assert_eq!(path_unescape("/%252B").as_deref(), Some("/%2B"));
        assert_eq!(path_unescape("/%zz"), None);
        assert_eq!(path_unescape("/%4"), None);
        assert_eq!(path_unescape("/%"), None);
        assert_eq!(path_unescape("/%ff").as_deref(), Some("/\u{fffd}"));
    }

    #[test]
    fn mounts() {
        assert_eq!(mount_base("/"), "");
        assert_eq!(mount_base(""), "");
        assert_eq!(mount_base("/ocsp/"), "/ocsp");
        assert_eq!(mount_base("/ocsp"), "/ocsp");
        assert_eq!(mount_base("ocsp/"), "/ocsp");

        assert_eq!(after_mount("/MFU", ""), Some("/MFU"));
        assert_eq!(after_mount("/", ""), Some("/"));
        assert_eq!(after_mount("*", ""), None);
        assert_eq!(after_mount("/ocsp/MFU", "/ocsp"), Some("/MFU"));
        assert_eq!(after_mount("/ocsp/", "/ocsp"), Some("/"));
        assert_eq!(after_mount("/ocsp", "/ocsp"), Some(""));
        assert_eq!(after_mount("/ocspx", "/ocsp"), None);
        assert_eq!(after_mount("/MFU", "/ocsp"), None);
    }

    #[test]
    fn go_canned_answers() {
        let not_found = go_not_found();
        assert_eq!(not_found.status(), 404);
        assert_eq!(
            not_found.headers()["content-type"],
            "text/plain; charset=utf-8"
        );
        assert_eq!(not_found.headers()["x-content-type-options"], "nosniff");
        assert_eq!(go_bad_request().headers()["connection"], "close");
        assert_eq!(refused(StatusCode::PAYLOAD_TOO_LARGE).status(), 413);
    }
}
