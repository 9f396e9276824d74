//! A small, deterministic YAML writer for the JSON documents this crate builds, in the
//! block style `kubectl` prints (`- ` items at their key's indentation).
//!
//! Every JSON document is written so that a YAML 1.1 or 1.2 parser (go-yaml behind
//! `kubectl`, PyYAML) reads back the same JSON value:
//! * a string is written plain only when no parser could take it for anything else: it
//!   starts with an ASCII letter, holds only `[A-Za-z0-9._/+=-]` and inner spaces, and is
//!   not one of YAML 1.1's boolean or null words (`yes`, `no`, `on`, `off`, `y`, `n`,
//!   `true`, `false`, `null`, any case). Everything else is double-quoted (YAML 1.2
//!   §7.3.1) with escapes for `"`, `\`, control characters, DEL, C1 controls, the
//!   Unicode line and paragraph separators and U+FEFF, which a YAML reader would
//!   otherwise fold, reject or strip;
//! * numbers, booleans and null are written as JSON writes them; empty maps and lists as
//!   `{}` and `[]`.

use serde_json::Value;

/// The YAML text of `value`, ending with a newline.
pub fn to_yaml(value: &Value) -> String {
    let mut out = String::new();
    match value {
        Value::Object(map) if !map.is_empty() => write_map(&mut out, map, 0),
        Value::Array(items) if !items.is_empty() => write_seq(&mut out, items, 0),
        scalar => {
            out.push_str(&scalar_text(scalar));
            out.push('\n');
        }
    }
    out
}

fn write_map(out: &mut String, map: &serde_json::Map<String, Value>, indent: usize) {
    for (i, (key, value)) in map.iter().enumerate() {
        // The first key of a map that is a list item sits after its "- ".
        if i > 0 || !out.ends_with("- ") {
            push_indent(out, indent);
        }
        out.push_str(&quote_string(key));
        out.push(':');
        write_value_after_key(out, value, indent);
    }
}

fn write_value_after_key(out: &mut String, value: &Value, indent: usize) {
    match value {
        Value::Object(map) if !map.is_empty() => {
            out.push('\n');
            write_map(out, map, indent + 2);
        }
        // kubectl style: a list under a key is not indented further.
        Value::Array(items) if !items.is_empty() => {
            out.push('\n');
            write_seq(out, items, indent);
        }
        scalar => {
            out.push(' ');
            out.push_str(&scalar_text(scalar));
            out.push('\n');
        }
    }
}

fn write_seq(out: &mut String, items: &[Value], indent: usize) {
    for item in items {
        push_indent(out, indent);
        match item {
            Value::Object(map) if !map.is_empty() => {
                out.push_str("- ");
                write_map(out, map, indent + 2);
            }
            Value::Array(inner) if !inner.is_empty() => {
                out.push_str("-\n");
                write_seq(out, inner, indent + 2);
            }
            scalar => {
                out.push_str("- ");
                out.push_str(&scalar_text(scalar));
                out.push('\n');
            }
        }
    }
}

fn push_indent(out: &mut String, indent: usize) {
    out.extend(std::iter::repeat_n(' ', indent));
}

fn scalar_text(value: &Value) -> String {
    match value {
        Value::String(s) => quote_string(s),
        Value::Object(_) => "{}".to_owned(),
        Value::Array(_) => "[]".to_owned(),
        // null, booleans and numbers read the same in JSON and YAML.
        other => other.to_string(),
    }
}

/// `s` as a YAML scalar that reads back as the string `s`.
pub fn quote_string(s: &str) -> String {
    if is_plain_safe(s) {
        return s.to_owned();
    }
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if needs_escape(c) => {
                let n = u32::from(c);
                if n <= 0xFFFF {
                    out.push_str(&format!("\\u{n:04X}"));
                } else {
                    out.push_str(&format!("\\U{n:08X}"));
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Characters a double-quoted YAML scalar cannot hold literally without changing
/// meaning: C0 controls, DEL, C1 controls (U+0085 is a line break), U+2028/U+2029
/// (line breaks), U+FEFF (a byte order mark) and the non-characters U+FFFE/U+FFFF.
fn needs_escape(c: char) -> bool {
    matches!(c, '\u{0}'..='\u{1f}' | '\u{7f}'..='\u{9f}' | '\u{2028}' | '\u{2029}' | '\u{feff}' | '\u{fffe}' | '\u{ffff}')
}

fn is_plain_safe(s: &str) -> bool {
    let bytes = s.as_bytes();
    let Some(first) = bytes.first() else {
        return false;
    };
    if !first.is_ascii_alphabetic() || s.ends_with(' ') {
        return false;
    }
    if !bytes
        .iter()
        .all(|b| b.is_ascii_alphanumeric() || b" ._/+=-".contains(b))
    {
        return false;
    }
    // YAML 1.1 reads these as booleans or null.
    let lower = s.to_ascii_lowercase();
    !matches!(
        lower.as_str(),
        "y" | "yes" | "n" | "no" | "true" | "false" | "on" | "off" | "null"
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn reads_what_our_writer_writes() {
        let v = json!({
            "apiVersion": "certificates.k8s.io/v1",
            "metadata": {"name": "jane", "labels": {}},
            "spec": {"usages": ["digital signature", "client auth"], "expirationSeconds": 600,
                     "groups": ["system:masters", "yes", "123", "", "null", "1e3", "~"],
                     "list": [], "nested": [["a"], []], "b": true, "n": null, "f": 1.5},
            "weird": "é😀 \u{0}\u{85}\u{2028}\u{feff}\"\\\n\t",
        });
        assert_eq!(crate::yaml_read::from_yaml(&to_yaml(&v)).unwrap(), v);
    }

    #[test]
    fn kubectl_block_style() {
        let v = json!({
            "apiVersion": "v1",
            "clusters": [{"cluster": {"server": "https://127.0.0.1:6443"}, "name": "kthw"}],
            "preferences": {},
            "items": [],
            "usages": ["digital signature", "client auth"],
            "n": 600,
            "nested": [["a"], []],
        });
        assert_eq!(
            to_yaml(&v),
            "apiVersion: v1\n\
             clusters:\n\
             - cluster:\n    server: \"https://127.0.0.1:6443\"\n  name: kthw\n\
             preferences: {}\n\
             items: []\n\
             usages:\n- digital signature\n- client auth\n\
             \"n\": 600\n\
             nested:\n-\n  - a\n- []\n"
        );
    }

    #[test]
    fn quoting() {
        for plain in [
            "kubernetes.io/kube-apiserver-client",
            "client auth",
            "LS0tLS1CRUdJTi+/=",
            "certificates.k8s.io/v1",
            "Yes1",
        ] {
            assert_eq!(quote_string(plain), plain);
        }
        for (s, quoted) in [
            ("", "\"\""),
            ("system:masters", "\"system:masters\""),
            ("yes", "\"yes\""),
            ("OFF", "\"OFF\""),
            ("n", "\"n\""),
            ("NULL", "\"NULL\""),
            ("123", "\"123\""),
            ("1e3", "\"1e3\""),
            ("2001-12-14", "\"2001-12-14\""),
            (".inf", "\".inf\""),
            ("~", "\"~\""),
            ("a #b", "\"a #b\""),
            ("trailing ", "\"trailing \""),
            ("- x", "\"- x\""),
            ("a\"b\\c", "\"a\\\"b\\\\c\""),
            ("l1\nl2\t\r", "\"l1\\nl2\\t\\r\""),
            (
                "\u{0}\u{7f}\u{85}\u{2028}\u{feff}",
                "\"\\u0000\\u007F\\u0085\\u2028\\uFEFF\"",
            ),
            ("é😀", "\"é😀\""),
        ] {
            assert_eq!(quote_string(s), quoted, "{s:?}");
        }
    }

    #[test]
    fn top_level_scalars() {
        assert_eq!(to_yaml(&json!("x")), "x\n");
        assert_eq!(to_yaml(&json!({})), "{}\n");
        assert_eq!(to_yaml(&json!(null)), "null\n");
        assert_eq!(to_yaml(&json!([1, true])), "- 1\n- true\n");
    }
}
