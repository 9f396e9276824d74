//! cfssljson's error type.

use std::io;

use crate::CfsslError;

/// Why cfssljson could not produce its files. Every variant's message names the offending
/// field or file; the ones cfssl also has keep cfssl's wording (docs/cfssl-compat.md §2).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CfssljsonError {
    /// The input was empty or only whitespace: the command before the pipe failed and printed
    /// its error on stderr (docs/differences.md #12; cfssl says `unexpected end of JSON input`).
    #[error(
        "no input: the command before the pipe printed nothing on stdout; read its error message above"
    )]
    NoInput,

    /// The input is not JSON, or not of the expected shape (Go `encoding/json` wording, as
    /// cfssl's `Failed to parse input: <err>`), followed by a hint on a second line.
    #[error(
        "Failed to parse input: {message}\n(cfssljson-rs expects the JSON object that cfssl-rs prints on stdout)"
    )]
    Parse {
        /// The JSON error, e.g. `unexpected end of JSON input`.
        message: String,
    },

    /// The input is a cfssl error object `{"code":N,"message":"…"}`: the producing command
    /// failed, and its error ended up on our input.
    #[error("the command before the pipe failed with cfssl error {}: {}", .0.code, .0.message)]
    Upstream(CfsslError),

    /// Without `-bare`: the API envelope's `success` is not `true` (docs/cfssl-compat.md §2 step 2).
    /// Displayed as `Request failed:` then one `\t<message>` line per error.
    #[error("Request failed:{}", tab_lines(.messages))]
    RequestFailed {
        /// The `message` of each entry of `errors`.
        messages: Vec<String>,
    },

    /// Without `-bare`: the input has no `success` but does have `cert`/`key`/`csr`…, i.e. it
    /// is plain cfssl-rs output, not an API response (cfssl prints just `Request failed:`).
    #[error(
        "Request failed:\n\tinput is not an API response (no \"success\" field, but it has \"{field}\"); did you mean -bare?"
    )]
    NotApiResponse {
        /// A recognised field found in the input.
        field: String,
    },

    /// A recognised field holds something other than a JSON string (cfssl panics here,
    /// docs/cfssl-compat.md §11 item 45; docs/differences.md #9).
    #[error("the value of \"{field}\" must be a JSON string, not {found}")]
    NotAString {
        /// The field, e.g. `cert`.
        field: String,
        /// What it holds instead, e.g. `a number` or `null`.
        found: &'static str,
    },

    /// `result.bundle` is an object whose `bundle` is missing or not a string (cfssl wording).
    #[error("inner bundle parsing failed!")]
    InnerBundle,

    /// `result.bundle` is an object whose `root` is missing or not a string (cfssl wording).
    #[error("root parsing failed!")]
    Root,

    /// `ocspResponse` is not standard padded base64 (Go `encoding/base64` wording).
    #[error("Failed to parse ocspResponse: illegal base64 data at input byte {offset}")]
    OcspResponse {
        /// Offset of the first bad byte in the string.
        offset: usize,
    },

    /// A private-key file already exists and `-overwrite` was not given (docs/differences.md #11).
    #[error(
        "{path} already exists and holds a private key; nothing was written. Move it away or pass -overwrite to replace it"
    )]
    KeyExists {
        /// The key file.
        path: String,
    },

    /// A private-key file name is a symbolic link; we never write a key through a link.
    #[error("refusing to write the private key {path}: it is a symbolic link; nothing was written")]
    KeySymlink {
        /// The key file.
        path: String,
    },

    /// An output name is taken by a directory or another non-regular file.
    #[error("cannot write {path}: it exists and is not a regular file; nothing was written")]
    NotAFile {
        /// The output file.
        path: String,
    },

    /// An I/O step failed; none of the files was changed.
    #[error("cannot write {path}: {message}; nothing was written")]
    Write {
        /// The output file concerned.
        path: String,
        /// Go-style OS error text, e.g. `permission denied`.
        message: String,
    },

    /// The directory's lock file (which keeps concurrent runs from mixing their file sets)
    /// could not be created or locked; nothing was written.
    #[error("cannot write {path}: cannot lock {lock}: {message}; nothing was written")]
    Lock {
        /// The first output file in that directory.
        path: String,
        /// The lock file.
        lock: String,
        /// Go-style OS error text, e.g. `permission denied`.
        message: String,
    },

    /// An I/O step failed after some files were in place, and putting the previous files back
    /// failed as well: the set may be mixed.
    #[error(
        "cannot write {path}: {message}; restoring the previous files failed too ({rollback}): check the output files"
    )]
    RollbackFailed {
        /// The output file whose step failed first.
        path: String,
        /// Go-style OS error text of that failure.
        message: String,
        /// What went wrong while restoring.
        rollback: String,
    },
}

fn tab_lines(lines: &[String]) -> String {
    lines.iter().map(|l| format!("\n\t{l}")).collect()
}

/// The text Go prints for an OS error, e.g. `no such file or directory` (Rust prints
/// `No such file or directory (os error 2)`): the C library message with a lower-case start.
pub fn go_os_error(err: &io::Error) -> String {
    let text = err.to_string();
    if let Some(code) = err.raw_os_error() {
        let suffix = format!(" (os error {code})");
        if let Some(base) = text.strip_suffix(&suffix) {
            let mut chars = base.chars();
            return match chars.next() {
                Some(first) => first.to_lowercase().chain(chars).collect(),
                None => String::new(),
            };
        }
    }
    text
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::panic)]
mod tests {
    use super::*;

    #[test]
    fn go_style_os_errors() {
        assert_eq!(
            go_os_error(&io::Error::from_raw_os_error(2)),
            "no such file or directory"
        );
        assert_eq!(
            go_os_error(&io::Error::from_raw_os_error(13)),
            "permission denied"
        );
        assert_eq!(go_os_error(&io::Error::other("custom")), "custom");
    }

    #[test]
    fn request_failed_lines() {
        let e = CfssljsonError::RequestFailed {
            messages: vec!["a".into(), "b".into()],
        };
        assert_eq!(e.to_string(), "Request failed:\n\ta\n\tb");
        let e = CfssljsonError::RequestFailed { messages: vec![] };
        assert_eq!(e.to_string(), "Request failed:");
    }
}
