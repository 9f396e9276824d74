//! Go `encoding/json`-compatible JSON *output* of a [`Value`]: `json.Marshal` and
//! `json.MarshalIndent` byte for byte.
//!
//! Objects keep their members in the order given: Go sorts map keys but writes struct fields
//! in declaration order, so the caller decides. (This is not [`Value::to_json`], which
//! re-creates the raw bytes Go hands to a custom `UnmarshalJSON`, without HTML escaping.)
//!
//! docs/cfssl-compat.md §10 "JSON output": HTML-safe escaping (`<` `>` `&` as `\u003c` `\u003e` `\u0026`),
//! U+2028/U+2029 escaped, short escapes `\n` `\r` `\t` `\"` `\\` `\b` `\f` (Go ≥ 1.22), other
//! control characters as `\u00XX` with lower-case hex, everything else (including DEL and
//! non-ASCII) raw. `MarshalIndent` writes `": "` after keys and keeps empty containers as
//! `[]` / `{}`.

use std::fmt::Write as _;

use crate::Value;

/// Lower-case hex digits, as Go writes them in `\u00XX` escapes.
const HEX: &[u8; 16] = b"0123456789abcdef";

/// `s` as a JSON string literal exactly as Go's `json.Marshal` writes it (docs/cfssl-compat.md §10).
/// (Go's `strconv.Quote`, for error texts, is [`crate::go_quote`].)
///
/// ```
/// assert_eq!(cfssl_json::marshal_string("a<b>&\"c\"\n"), r#""a\u003cb\u003e\u0026\"c\"\n""#);
/// assert_eq!(cfssl_json::marshal_string("é\u{2028}"), "\"é\\u2028\"");
/// ```
pub fn marshal_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    push_quoted(&mut out, s, true);
    out
}

/// Appends `s` as a JSON string to `out`: the escapes every JSON writer needs, and with
/// `html_safe` also Go's HTML-safe ones (`json.Marshal`). Without them it is the minimal
/// form [`Value::to_json`] uses to stand in for raw input bytes.
pub(crate) fn push_quoted(out: &mut String, s: &str, html_safe: bool) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\u{0}'..='\u{1f}' => push_u00(out, c),
            // Go escapes these for HTML safety even in plain Marshal.
            '<' | '>' | '&' if html_safe => push_u00(out, c),
            // JavaScript line terminators that are legal in JSON strings.
            '\u{2028}' if html_safe => out.push_str("\\u2028"),
            '\u{2029}' if html_safe => out.push_str("\\u2029"),
            _ => out.push(c),
        }
    }
    out.push('"');
}

/// `\u00XX` with lower-case hex, for a character below U+0100.
fn push_u00(out: &mut String, c: char) {
    let b = c as u32;
    out.push_str("\\u00");
    out.push(char::from(HEX[((b >> 4) & 0xf) as usize]));
    out.push(char::from(HEX[(b & 0xf) as usize]));
}

impl Value {
    /// Compact form, as Go's `json.Marshal` (no whitespace, no trailing newline).
    ///
    /// ```
    /// use cfssl_json::Value;
    /// let v = Value::Object(vec![
    ///     ("code".into(), Value::Number("5100".into())),
    ///     ("tags".into(), Value::Array(vec![])),
    /// ]);
    /// assert_eq!(v.to_compact(), r#"{"code":5100,"tags":[]}"#);
    /// ```
    pub fn to_compact(&self) -> String {
        let mut out = String::new();
        self.write(&mut out, None, 0);
        out
    }

    /// Indented form, as Go's `json.MarshalIndent(v, "", indent)` (no trailing newline).
    ///
    /// ```
    /// use cfssl_json::Value;
    /// let v = Value::Object(vec![
    ///     ("a".into(), Value::Array(vec![Value::Bool(true)])),
    ///     ("b".into(), Value::Object(vec![])),
    /// ]);
    /// assert_eq!(v.to_indented("  "), "{\n  \"a\": [\n    true\n  ],\n  \"b\": {}\n}");
    /// ```
    pub fn to_indented(&self, indent: &str) -> String {
        let mut out = String::new();
        self.write(&mut out, Some(indent), 0);
        out
    }

    fn write(&self, out: &mut String, indent: Option<&str>, depth: usize) {
        match self {
            Value::Null => out.push_str("null"),
            Value::Bool(b) => {
                let _ = write!(out, "{b}");
            }
            Value::Number(n) => out.push_str(n),
            Value::String(s) => push_quoted(out, s, true),
            Value::Array(items) => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    newline(out, indent, depth + 1);
                    item.write(out, indent, depth + 1);
                }
                if !items.is_empty() {
                    newline(out, indent, depth);
                }
                out.push(']');
            }
            Value::Object(fields) => {
                out.push('{');
                for (i, (key, value)) in fields.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    newline(out, indent, depth + 1);
                    push_quoted(out, key, true);
                    out.push(':');
                    if indent.is_some() {
                        out.push(' ');
                    }
                    value.write(out, indent, depth + 1);
                }
                if !fields.is_empty() {
                    newline(out, indent, depth);
                }
                out.push('}');
            }
        }
    }
}

/// In indented mode, starts a new line at `depth` levels of `indent`.
fn newline(out: &mut String, indent: Option<&str>, depth: usize) {
    if let Some(indent) = indent {
        out.push('\n');
        for _ in 0..depth {
            out.push_str(indent);
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::panic)]
mod tests {
    use super::*;

    #[test]
    fn quote_matches_go() {
        // Expected strings produced by Go 1.22+ json.Marshal.
        assert_eq!(marshal_string(""), r#""""#);
        assert_eq!(
            marshal_string("\u{0}\u{1}\u{1f}\u{7f}"),
            "\"\\u0000\\u0001\\u001f\u{7f}\""
        );
        assert_eq!(marshal_string("\u{8}\u{c}\u{b}"), r#""\b\f\u000b""#);
        assert_eq!(
            marshal_string("<script>&amp;</script>"),
            r#""\u003cscript\u003e\u0026amp;\u003c/script\u003e""#
        );
        assert_eq!(marshal_string("a/b"), r#""a/b""#);
        assert_eq!(
            marshal_string("\u{2028}\u{2029}\u{2027}"),
            "\"\\u2028\\u2029\u{2027}\""
        );
        assert_eq!(marshal_string("日本\u{1F600}"), "\"日本\u{1F600}\"");
        assert_eq!(marshal_string("tab\there\r\n\\"), r#""tab\there\r\n\\""#);
    }

    #[test]
    fn indented_nested() {
        let v = Value::Object(vec![
            ("s".into(), Value::String("<x>".into())),
            ("n".into(), Value::Null),
            (
                "a".into(),
                Value::Array(vec![
                    Value::Number("1".into()),
                    Value::Object(vec![("k".into(), Value::Array(vec![]))]),
                ]),
            ),
        ]);
        assert_eq!(
            v.to_indented("  "),
            "{\n  \"s\": \"\\u003cx\\u003e\",\n  \"n\": null,\n  \"a\": [\n    1,\n    {\n      \"k\": []\n    }\n  ]\n}"
        );
        assert_eq!(
            v.to_compact(),
            r#"{"s":"\u003cx\u003e","n":null,"a":[1,{"k":[]}]}"#
        );
        assert_eq!(Value::Array(vec![]).to_indented("\t"), "[]");
        assert_eq!(Value::Bool(false).to_indented("  "), "false");
    }

    proptest::proptest! {
        #[test]
        fn quote_round_trips_and_is_html_safe(s in "\\PC*|[\\x00-\\x7f\u{2028}\u{2029}]*") {
            let quoted = marshal_string(&s);
            let back: String = serde_json::from_str(&quoted).expect("valid JSON string");
            proptest::prop_assert_eq!(&back, &s);
            let inner = &quoted[1..quoted.len() - 1];
            let unsafe_chars = ['<', '>', '&', '\u{2028}', '\u{2029}'];
            proptest::prop_assert!(!inner.contains(unsafe_chars));
            proptest::prop_assert!(!inner.chars().any(|c| c < ' '));
        }
    }
}
