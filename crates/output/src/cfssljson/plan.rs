//! Step 3 of cfssljson (docs/cfssl-compat.md §2): which files a payload describes.

use std::fmt;

use base64::Engine as _;
use zeroize::{Zeroize, Zeroizing};

use super::CfssljsonError;
use super::input::lookup;
use cfssl_json::Value;

/// One file cfssljson writes (or prints with `-stdout`).
///
/// The contents are wiped when the value is dropped, and `Debug` does not show them for a
/// private key.
#[derive(Clone, PartialEq, Eq)]
pub struct OutputFile {
    /// File name: the basename plus a fixed suffix, e.g. `ca-key.pem`.
    pub name: String,
    /// Bytes to write.
    pub contents: Vec<u8>,
    /// Permission bits asked for at creation (the umask applies, as for Go's `os.WriteFile`).
    pub mode: u32,
    /// `*-key.pem` or `*-key.enc`: never replaced without `-overwrite`, never written through
    /// a symlink.
    pub is_private_key: bool,
    /// Binary contents (encrypted key, OCSP response): base64-encoded for `-stdout`.
    pub binary: bool,
}

impl fmt::Debug for OutputFile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("OutputFile");
        d.field("name", &self.name);
        if self.is_private_key {
            d.field(
                "contents",
                &format_args!("<{} secret bytes>", self.contents.len()),
            );
        } else {
            d.field("contents", &String::from_utf8_lossy(&self.contents));
        }
        d.field("mode", &format_args!("{:#o}", self.mode))
            .field("is_private_key", &self.is_private_key)
            .field("binary", &self.binary)
            .finish()
    }
}

impl Drop for OutputFile {
    fn drop(&mut self) {
        self.contents.zeroize();
    }
}

impl OutputFile {
    fn text(name: String, contents: &str, mode: u32, is_private_key: bool) -> OutputFile {
        OutputFile {
            name,
            contents: contents.as_bytes().to_vec(),
            mode,
            is_private_key,
            binary: false,
        }
    }
}

/// Lists the files `input` describes, in cfssl's order (docs/cfssl-compat.md §2 step 3, §11 items 46–47):
///
/// | source key (first present wins) | file | mode |
/// |---|---|---|
/// | `cert`, else `certificate` (if non-empty) | `BASENAME.pem` | 0664 |
/// | `key`, else `private_key` (if non-empty) | `BASENAME-key.pem` | 0600 |
/// | `encrypted_key` (even if empty; binary) | `BASENAME-key.enc` | 0600 |
/// | `csr`, else `certificate_request` (if non-empty) | `BASENAME.csr` | 0644 |
/// | `result.bundle.bundle` + `"\n"` + `result.bundle.root` | `BASENAME-bundle.pem` | 0644 |
/// | `result.bundle.root` | `BASENAME-root.pem` | 0644 |
/// | top-level `bundle` + `"\n"` + `root` of `cfssl bundle`'s output (ours, #38) | `BASENAME-bundle.pem` | 0644 |
/// | its `root`, if not empty (ours, #38) | `BASENAME-root.pem` | 0644 |
/// | `ocspResponse`, base64-decoded (binary) | `BASENAME-response.der` | 0644 |
///
/// Other keys are ignored; `null` or an object without these keys gives no files. Where cfssl
/// panics on a non-string value (`null` included) this returns [`CfssljsonError::NotAString`]
/// naming the field (docs/differences.md #9). The bundle pair is only looked for when
/// `result.bundle` is an object; then a missing or non-string `bundle` is
/// [`CfssljsonError::InnerBundle`] and `root` [`CfssljsonError::Root`], as in cfssl.
///
/// ```
/// use cfssl_output::{parse_input, plan_files};
/// let doc = parse_input(br#"{"cert":"C\n","csr":"R\n","key":"K\n"}"#)?;
/// let files = plan_files(&doc, "ca")?;
/// let names: Vec<_> = files.iter().map(|f| (f.name.as_str(), f.mode)).collect();
/// assert_eq!(names, [("ca.pem", 0o664), ("ca-key.pem", 0o600), ("ca.csr", 0o644)]);
/// assert!(plan_files(&parse_input(br#"{"cert":1}"#)?, "ca").is_err());
/// # Ok::<(), cfssl_output::CfssljsonError>(())
/// ```
pub fn plan_files(input: &Value, basename: &str) -> Result<Vec<OutputFile>, CfssljsonError> {
    let fields = match input {
        Value::Object(fields) => fields.as_slice(),
        Value::Null => return Ok(Vec::new()),
        other => {
            return Err(CfssljsonError::Parse {
                message: format!(
                    "json: cannot unmarshal {} into Go value of type map[string]interface {{}}",
                    match other {
                        Value::Array(_) => "array",
                        Value::String(_) => "string",
                        Value::Number(_) => "number",
                        _ => "bool",
                    }
                ),
            });
        }
    };
    let mut files = Vec::new();

    if let Some(cert) = first_string(fields, &["cert", "certificate"])?
        && !cert.is_empty()
    {
        files.push(OutputFile::text(
            format!("{basename}.pem"),
            cert,
            0o664,
            false,
        ));
    }
    if let Some(key) = first_string(fields, &["key", "private_key"])?
        && !key.is_empty()
    {
        files.push(OutputFile::text(
            format!("{basename}-key.pem"),
            key,
            0o600,
            true,
        ));
    }
    if let Some(encrypted) = first_string(fields, &["encrypted_key"])? {
        // cfssl writes the string itself; only -stdout base64-encodes it.
        let mut file = OutputFile::text(format!("{basename}-key.enc"), encrypted, 0o600, true);
        file.binary = true;
        files.push(file);
    }
    if let Some(csr) = first_string(fields, &["csr", "certificate_request"])?
        && !csr.is_empty()
    {
        files.push(OutputFile::text(
            format!("{basename}.csr"),
            csr,
            0o644,
            false,
        ));
    }
    if let Some(Value::Object(result)) = lookup(fields, "result")
        && let Some(Value::Object(bundle)) = lookup(result, "bundle")
    {
        let Some(Value::String(chain)) = lookup(bundle, "bundle") else {
            return Err(CfssljsonError::InnerBundle);
        };
        let Some(Value::String(root)) = lookup(bundle, "root") else {
            return Err(CfssljsonError::Root);
        };
        let combined = format!("{chain}\n{root}");
        files.push(OutputFile::text(
            format!("{basename}-bundle.pem"),
            &combined,
            0o644,
            false,
        ));
        files.push(OutputFile::text(
            format!("{basename}-root.pem"),
            root,
            0o644,
            false,
        ));
    }
    if let Some((chain, root)) = flat_bundle(fields) {
        // docs/differences.md #38: `cfssl-rs bundle`'s own output (and the API's /bundle
        // result) gets the files the nested shape gets; cfssl's cfssljson writes none.
        files.push(OutputFile::text(
            format!("{basename}-bundle.pem"),
            &format!("{chain}\n{root}"),
            0o644,
            false,
        ));
        if !root.is_empty() {
            files.push(OutputFile::text(
                format!("{basename}-root.pem"),
                root,
                0o644,
                false,
            ));
        }
    }
    if let Some(response) = first_string(fields, &["ocspResponse"])? {
        let der = decode_go_base64(response.as_bytes())
            .map_err(|offset| CfssljsonError::OcspResponse { offset })?;
        files.push(OutputFile {
            name: format!("{basename}-response.der"),
            contents: der,
            mode: 0o644,
            is_private_key: false,
            binary: true,
        });
    }
    Ok(files)
}

/// The chain and root of a bundle as `cfssl bundle` prints it (and the API's `/bundle`
/// returns it): `bundle`, `crt` and `root` strings and a `status` object at the top level
/// (docs/cfssl-lifecycle.md §11). Not the nested `result.bundle` shape.
fn flat_bundle(fields: &[(String, Value)]) -> Option<(&str, &str)> {
    let (
        Some(Value::String(chain)),
        Some(Value::String(root)),
        Some(Value::String(_)),
        Some(Value::Object(_)),
    ) = (
        lookup(fields, "bundle"),
        lookup(fields, "root"),
        lookup(fields, "crt"),
        lookup(fields, "status"),
    )
    else {
        return None;
    };
    Some((chain, root))
}

/// True when `input` (a payload, as [`plan_files`] takes it) is `cfssl bundle`'s output,
/// from which cfssljson-rs writes `NAME-bundle.pem` (and `NAME-root.pem`) where cfssl's
/// cfssljson writes nothing (docs/differences.md #38): the caller warns about it.
pub fn is_bundle_output(input: &Value) -> bool {
    matches!(input, Value::Object(fields) if flat_bundle(fields).is_some())
}

/// What `-stdout` prints (docs/cfssl-compat.md §2 step 5): each file's contents, binary ones as standard
/// base64, each followed by `\n` (so a PEM is followed by a blank line).
///
/// ```
/// use cfssl_output::{parse_input, plan_files, render_stdout};
/// let doc = parse_input(br#"{"cert":"C\n","encrypted_key":"\u0001"}"#)?;
/// assert_eq!(render_stdout(&plan_files(&doc, "x")?).as_slice(), b"C\n\nAQ==\n");
/// # Ok::<(), cfssl_output::CfssljsonError>(())
/// ```
pub fn render_stdout(files: &[OutputFile]) -> Zeroizing<Vec<u8>> {
    let mut out = Zeroizing::new(Vec::new());
    for file in files {
        if file.binary {
            let encoded =
                Zeroizing::new(base64::engine::general_purpose::STANDARD.encode(&file.contents));
            out.extend_from_slice(encoded.as_bytes());
        } else {
            out.extend_from_slice(&file.contents);
        }
        out.push(b'\n');
    }
    out
}

/// The string under the first of `keys` that is present (cfssl: `if v, ok := input[k]; ok
/// {…} else if …`), which must be a JSON string.
fn first_string<'a>(
    fields: &'a [(String, Value)],
    keys: &[&str],
) -> Result<Option<&'a str>, CfssljsonError> {
    let Some((key, value)) = keys
        .iter()
        .find_map(|key| lookup(fields, key).map(|v| (*key, v)))
    else {
        return Ok(None);
    };
    match value {
        Value::String(s) => Ok(Some(s)),
        other => Err(CfssljsonError::NotAString {
            field: key.to_owned(),
            found: match other {
                Value::Null => "null",
                Value::Bool(_) => "a boolean",
                Value::Number(_) => "a number",
                Value::Array(_) => "an array",
                _ => "an object",
            },
        }),
    }
}

/// Go's `base64.StdEncoding.DecodeString`: padding required, `\r` and `\n` skipped anywhere,
/// non-zero trailing bits accepted. The error is the offset Go reports in
/// `illegal base64 data at input byte N`.
fn decode_go_base64(src: &[u8]) -> Result<Vec<u8>, usize> {
    fn value(c: u8) -> Option<u32> {
        match c {
            b'A'..=b'Z' => Some(u32::from(c - b'A')),
            b'a'..=b'z' => Some(u32::from(c - b'a') + 26),
            b'0'..=b'9' => Some(u32::from(c - b'0') + 52),
            b'+' => Some(62),
            b'/' => Some(63),
            _ => None,
        }
    }
    let is_newline = |c: u8| c == b'\n' || c == b'\r';
    let mut out = Vec::with_capacity(src.len() / 4 * 3);
    let mut si = 0;
    while si < src.len() {
        // One quantum of up to four symbols (Go `decodeQuantum`).
        let mut quantum = [0u32; 4];
        let mut len = 4;
        let mut j = 0;
        let mut finished = false;
        while j < 4 {
            let Some(&c) = src.get(si) else {
                if j == 0 {
                    return Ok(out);
                }
                // Padding is mandatory for StdEncoding.
                return Err(si - j);
            };
            si += 1;
            if let Some(v) = value(c) {
                quantum[j] = v;
                j += 1;
                continue;
            }
            if is_newline(c) {
                continue;
            }
            if c != b'=' || j < 2 {
                return Err(si - 1);
            }
            if j == 2 {
                // "==" expected; the first '=' is consumed.
                while src.get(si).copied().is_some_and(is_newline) {
                    si += 1;
                }
                match src.get(si) {
                    None => return Err(src.len()),
                    Some(b'=') => si += 1,
                    Some(_) => return Err(si - 1),
                }
            }
            while src.get(si).copied().is_some_and(is_newline) {
                si += 1;
            }
            if si < src.len() {
                // Trailing garbage after the padding.
                return Err(si);
            }
            len = j;
            finished = true;
            break;
        }
        let bits = quantum[0] << 18 | quantum[1] << 12 | quantum[2] << 6 | quantum[3];
        let bytes = [(bits >> 16) as u8, (bits >> 8) as u8, bits as u8];
        out.extend_from_slice(bytes.get(..len - 1).unwrap_or(&[]));
        if finished {
            break;
        }
    }
    Ok(out)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::panic)]
mod tests {
    use super::*;
    use crate::cfssljson::parse_input;

    fn plan(json: &str) -> Result<Vec<OutputFile>, CfssljsonError> {
        plan_files(&parse_input(json.as_bytes()).expect("valid JSON"), "b")
    }

    fn summary(files: &[OutputFile]) -> Vec<(String, String, u32, bool, bool)> {
        files
            .iter()
            .map(|f| {
                (
                    f.name.clone(),
                    String::from_utf8_lossy(&f.contents).into_owned(),
                    f.mode,
                    f.is_private_key,
                    f.binary,
                )
            })
            .collect()
    }

    #[test]
    fn cfssl_bundle_output_gets_bundle_and_root_files() {
        // docs/differences.md #38: the flat shape `cfssl-rs bundle` prints.
        let flat = r#"{"bundle":"L\nI","crt":"L","key":"K","root":"R","status":{"code":2}}"#;
        assert_eq!(
            summary(&plan(flat).unwrap()),
            vec![
                ("b-key.pem".into(), "K".into(), 0o600, true, false),
                ("b-bundle.pem".into(), "L\nI\nR".into(), 0o644, false, false),
                ("b-root.pem".into(), "R".into(), 0o644, false, false),
            ]
        );
        assert!(is_bundle_output(&parse_input(flat.as_bytes()).unwrap()));
        // force: no root, so no root file; the bundle keeps cfssl's "\n" join.
        let forced = r#"{"bundle":"L","crt":"L","key":"","root":"","status":{}}"#;
        assert_eq!(
            summary(&plan(forced).unwrap()),
            vec![("b-bundle.pem".into(), "L\n".into(), 0o644, false, false)]
        );
        // Not the bundle shape without `crt` and `status`: nothing new is written.
        for other in [
            r#"{"bundle":"L","root":"R"}"#,
            r#"{"bundle":"L","root":"R","crt":"L","status":"x"}"#,
            r#"{"result":{"bundle":{"bundle":"B","root":"T"}}}"#,
        ] {
            assert!(
                !is_bundle_output(&parse_input(other.as_bytes()).unwrap()),
                "{other}"
            );
        }
    }

    #[test]
    fn table_order_and_modes() {
        let files = plan(
            r#"{"ocspResponse":"AAE=","csr":"R","encrypted_key":"E","key":"K","cert":"C",
                "result":{"bundle":{"bundle":"B","root":"T"}}}"#,
        )
        .unwrap();
        assert_eq!(
            summary(&files),
            vec![
                ("b.pem".into(), "C".into(), 0o664, false, false),
                ("b-key.pem".into(), "K".into(), 0o600, true, false),
                ("b-key.enc".into(), "E".into(), 0o600, true, true),
                ("b.csr".into(), "R".into(), 0o644, false, false),
                ("b-bundle.pem".into(), "B\nT".into(), 0o644, false, false),
                ("b-root.pem".into(), "T".into(), 0o644, false, false),
                (
                    "b-response.der".into(),
                    "\0\u{1}".into(),
                    0o644,
                    false,
                    true
                ),
            ]
        );
    }

    #[test]
    fn alternative_names_and_precedence() {
        let files =
            plan(r#"{"certificate":"C","private_key":"K","certificate_request":"R"}"#).unwrap();
        assert_eq!(
            files.iter().map(|f| f.name.as_str()).collect::<Vec<_>>(),
            ["b.pem", "b-key.pem", "b.csr"]
        );
        // The first present key wins even when it is empty (and then nothing is written).
        assert!(plan(r#"{"cert":"","certificate":"C"}"#).unwrap().is_empty());
        assert_eq!(
            summary(&plan(r#"{"certificate":"X","cert":"C"}"#).unwrap())[0].1,
            "C"
        );
        // encrypted_key is written even when empty.
        assert_eq!(
            summary(&plan(r#"{"encrypted_key":""}"#).unwrap())[0].0,
            "b-key.enc"
        );
        // Duplicates: last wins.
        assert_eq!(
            summary(&plan(r#"{"cert":"A","cert":"B"}"#).unwrap())[0].1,
            "B"
        );
        assert!(plan(r#"{"foo":1,"bar":null}"#).unwrap().is_empty());
        assert!(plan("null").unwrap().is_empty());
    }

    #[test]
    fn non_string_values_are_errors() {
        for (json, msg) in [
            (
                r#"{"cert":123}"#,
                r#"the value of "cert" must be a JSON string, not a number"#,
            ),
            (
                r#"{"certificate":null}"#,
                r#"the value of "certificate" must be a JSON string, not null"#,
            ),
            (
                r#"{"key":{}}"#,
                r#"the value of "key" must be a JSON string, not an object"#,
            ),
            (
                r#"{"encrypted_key":[]}"#,
                r#"the value of "encrypted_key" must be a JSON string, not an array"#,
            ),
            (
                r#"{"csr":true}"#,
                r#"the value of "csr" must be a JSON string, not a boolean"#,
            ),
            (
                r#"{"ocspResponse":1}"#,
                r#"the value of "ocspResponse" must be a JSON string, not a number"#,
            ),
        ] {
            assert_eq!(plan(json).unwrap_err().to_string(), msg);
        }
    }

    #[test]
    fn bundle_rules() {
        assert!(plan(r#"{"result":{"bundle":"x"}}"#).unwrap().is_empty());
        assert!(plan(r#"{"result":"x"}"#).unwrap().is_empty());
        assert_eq!(
            plan(r#"{"result":{"bundle":{"root":"T"}}}"#)
                .unwrap_err()
                .to_string(),
            "inner bundle parsing failed!"
        );
        assert_eq!(
            plan(r#"{"result":{"bundle":{"bundle":"B","root":1}}}"#)
                .unwrap_err()
                .to_string(),
            "root parsing failed!"
        );
    }

    #[test]
    fn stdout_rendering() {
        let files = plan(r#"{"cert":"C\n","key":"K\n","ocspResponse":"AAE="}"#).unwrap();
        assert_eq!(render_stdout(&files).as_slice(), b"C\n\nK\n\nAAE=\n");
    }

    #[test]
    fn go_base64() {
        assert_eq!(decode_go_base64(b""), Ok(vec![]));
        assert_eq!(decode_go_base64(b"AAE="), Ok(vec![0, 1]));
        assert_eq!(decode_go_base64(b"AA=="), Ok(vec![0]));
        assert_eq!(decode_go_base64(b"AA\n=\r\n="), Ok(vec![0]));
        assert_eq!(decode_go_base64(b"QUJD\nREVG"), Ok(b"ABCDEF".to_vec()));
        // Non-canonical trailing bits are accepted (StdEncoding is not Strict).
        assert_eq!(decode_go_base64(b"AB=="), Ok(vec![0]));
        // Errors at the offsets Go reports.
        assert_eq!(decode_go_base64(b"AA"), Err(0));
        assert_eq!(decode_go_base64(b"AAAAA"), Err(4));
        assert_eq!(decode_go_base64(b"A!AA"), Err(1));
        assert_eq!(decode_go_base64(b"A==="), Err(1));
        assert_eq!(decode_go_base64(b"AA="), Err(3));
        assert_eq!(decode_go_base64(b"AA=x"), Err(2));
        assert_eq!(decode_go_base64(b"AAE=AAAA"), Err(4));
        assert_eq!(
            plan(r#"{"ocspResponse":"not base64"}"#)
                .unwrap_err()
                .to_string(),
            "Failed to parse ocspResponse: illegal base64 data at input byte 3"
        );
    }

    #[test]
    fn debug_hides_keys() {
        let files = plan(r#"{"key":"SECRET"}"#).unwrap();
        let shown = format!("{files:?}");
        assert!(!shown.contains("SECRET"), "{shown}");
        assert!(shown.contains("0o600"));
    }
}
