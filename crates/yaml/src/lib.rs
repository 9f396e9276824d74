//! # cfssl-yaml: reading a YAML document into a JSON value, refusing what is ambiguous
//!
//! Two kinds of input arrive as YAML: Kubernetes objects (`kubectl get csr -o yaml`, read by
//! cfssl-k8s through the same decoder and error messages as `-o json`) and ceremony files
//! (cfssl-ceremony), which witnesses review line by line. For both, a document that a
//! human reads one way and a program another is dangerous, so what makes no sense there is
//! refused here, with the line it is on.
//!
//! Built on `saphyr-parser`'s event stream rather than a YAML document type:
//! * one document (empty ones, as a trailing `---` leaves, are skipped);
//! * keys are strings, each once per mapping (a reviewer and the program must not read
//!   different values), and `<<` merge keys (YAML 1.1) are refused;
//! * tags other than `!!str`, `!!map` and `!!seq` are refused;
//! * anchors and aliases are resolved, but what aliases copy is limited to
//!   [`ALIAS_BUDGET`] (a "billion laughs" document is refused, not expanded), and nesting
//!   to [`MAX_DEPTH`] (our later clone, print and drop recurse).
//!
//! Plain scalars are resolved with the YAML 1.2 core schema (`null`, `~`, `true`,
//! `false`, integers in decimal, `0o` octal or `0x` hex, floats); everything else, and
//! every quoted or block scalar, is a string. A float that JSON cannot hold (`.inf`,
//! `.nan`, `1e999`) is refused. cfssl-k8s's writer quotes every string a YAML 1.1 reader
//! would take for something else, so what it writes reads back unchanged.
//!
//! ```
//! let v = cfssl_yaml::from_yaml("type: root # a comment\nsize: 0x10\n")?;
//! assert_eq!(v, serde_json::json!({"type": "root", "size": 16}));
//! assert!(cfssl_yaml::from_yaml("a: 1\na: 2\n").is_err());
//! # Ok::<(), cfssl_yaml::YamlError>(())
//! ```
#![forbid(unsafe_code)]
#![deny(missing_docs)]

use std::collections::HashMap;

use saphyr_parser::{Event, Parser, ScalarStyle, Span, Tag};
use serde_json::{Map, Number, Value};

/// The most containers open at once: Kubernetes objects and ceremony files nest a handful
/// deep.
pub const MAX_DEPTH: usize = 64;

/// What all aliases together may copy, counted as one per node plus the bytes of every
/// string (keys included). Real manifests alias little or nothing.
pub const ALIAS_BUDGET: usize = 1 << 20;

/// Why a YAML text is not read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum YamlError {
    /// The text is not well-formed YAML (the parser's message, with its position).
    #[error("malformed YAML: {0}")]
    Syntax(String),
    /// No document, or only empty ones.
    #[error("the YAML holds no document")]
    Empty,
    /// More than one non-empty document.
    #[error("the YAML holds more than one document (the second starts at line {line}); give one")]
    MultipleDocuments {
        /// Where the second one starts.
        line: usize,
    },
    /// A key that is not a string (`1:`, `true:`, `null:`, a list or a mapping).
    #[error("YAML line {line}: mapping key {key} is not a string")]
    NonStringKey {
        /// Where.
        line: usize,
        /// The key, as JSON.
        key: String,
    },
    /// The same key twice in one mapping.
    #[error("YAML line {line}: duplicate key {key:?}")]
    DuplicateKey {
        /// Where the second one is.
        line: usize,
        /// The key.
        key: String,
    },
    /// `<<: *anchor`.
    #[error("YAML line {line}: merge keys (<<) are not read; write the fields out")]
    MergeKey {
        /// Where.
        line: usize,
    },
    /// A tag we do not interpret.
    #[error("YAML line {line}: tag {tag} is not read (only !!str, !!map and !!seq are)")]
    Tag {
        /// Where.
        line: usize,
        /// The tag as written after resolution.
        tag: String,
    },
    /// A number JSON cannot represent.
    #[error("YAML line {line}: {text} is not a number JSON can hold")]
    Number {
        /// Where.
        line: usize,
        /// The scalar.
        text: String,
    },
    /// An alias to an anchor that is not defined or not yet complete (a node that
    /// contains itself).
    #[error("YAML line {line}: alias to an undefined or enclosing anchor")]
    Alias {
        /// Where.
        line: usize,
    },
    /// Aliases copy more than [`ALIAS_BUDGET`].
    #[error(
        "YAML line {line}: aliases expand to more than {ALIAS_BUDGET} nodes and bytes; refusing to expand it"
    )]
    AliasBudget {
        /// Where the alias that crossed the limit is.
        line: usize,
    },
    /// Nesting deeper than [`MAX_DEPTH`].
    #[error("YAML line {line}: nested more than {MAX_DEPTH} deep")]
    TooDeep {
        /// Where.
        line: usize,
    },
}

/// A container being built, with what an anchor on it needs once it is complete.
enum Frame {
    Seq {
        items: Vec<Value>,
        anchor: usize,
        weight: usize,
    },
    Map {
        map: Map<String, Value>,
        key: Option<String>,
        anchor: usize,
        weight: usize,
    },
}

#[derive(Default)]
struct Builder {
    stack: Vec<Frame>,
    anchors: HashMap<usize, (Value, usize)>,
    alias_weight: usize,
    root: Option<Value>,
}

/// The one non-empty document of `text`, as a JSON value.
///
/// # Errors
/// [`YamlError`] as its variants describe.
pub fn from_yaml(text: &str) -> Result<Value, YamlError> {
    let mut b = Builder::default();
    let mut document: Option<Value> = None;
    let mut document_line = 1;
    for event in Parser::new_from_str(text) {
        let (event, span) = event.map_err(|e| YamlError::Syntax(e.to_string()))?;
        let line = span.start.line();
        match event {
            Event::Nothing | Event::StreamStart => {}
            Event::DocumentStart(_) => document_line = line,
            Event::StreamEnd => break,
            Event::DocumentEnd => {
                // Anchors are per document (YAML 1.2 §3.2.2.2).
                b.anchors.clear();
                match (b.root.take(), &document) {
                    (None | Some(Value::Null), _) => {}
                    (Some(root), None) => document = Some(root),
                    (Some(_), Some(_)) => {
                        return Err(YamlError::MultipleDocuments {
                            line: document_line,
                        });
                    }
                }
            }
            Event::Alias(id) => {
                let Some((value, weight)) = b.anchors.get(&id) else {
                    return Err(YamlError::Alias { line });
                };
                let weight = *weight;
                b.alias_weight = b.alias_weight.saturating_add(weight);
                if b.alias_weight > ALIAS_BUDGET {
                    return Err(YamlError::AliasBudget { line });
                }
                let value = value.clone();
                b.complete(value, weight, 0, line)?;
            }
            Event::Scalar(text, style, anchor, tag) => {
                let expects_key = matches!(b.stack.last(), Some(Frame::Map { key: None, .. }));
                if expects_key && style == ScalarStyle::Plain && text == "<<" {
                    return Err(YamlError::MergeKey { line });
                }
                let value = scalar(&text, style, tag.as_deref(), &span)?;
                b.complete(value, 1 + text.len(), anchor, line)?;
            }
            Event::SequenceStart(anchor, tag) => {
                check_container_tag(tag.as_deref(), "seq", line)?;
                b.open(
                    Frame::Seq {
                        items: Vec::new(),
                        anchor,
                        weight: 1,
                    },
                    line,
                )?;
            }
            Event::MappingStart(anchor, tag) => {
                check_container_tag(tag.as_deref(), "map", line)?;
                b.open(
                    Frame::Map {
                        map: Map::new(),
                        key: None,
                        anchor,
                        weight: 1,
                    },
                    line,
                )?;
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let (value, anchor, weight) = match b.stack.pop() {
                    Some(Frame::Seq {
                        items,
                        anchor,
                        weight,
                    }) => (Value::Array(items), anchor, weight),
                    Some(Frame::Map {
                        map,
                        anchor,
                        weight,
                        ..
                    }) => (Value::Object(map), anchor, weight),
                    // The parser pairs starts and ends; nothing to close is its bug, not
                    // a reason to panic.
                    None => return Err(YamlError::Syntax(format!("line {line}: unbalanced end"))),
                };
                b.complete(value, weight, anchor, line)?;
            }
        }
    }
    document.ok_or(YamlError::Empty)
}

impl Builder {
    fn open(&mut self, frame: Frame, line: usize) -> Result<(), YamlError> {
        if let Some(Frame::Map { key: None, .. }) = self.stack.last() {
            return Err(YamlError::NonStringKey {
                line,
                key: "(a list or mapping)".into(),
            });
        }
        if self.stack.len() >= MAX_DEPTH {
            return Err(YamlError::TooDeep { line });
        }
        self.stack.push(frame);
        Ok(())
    }

    /// Hands a finished node to its parent (or makes it the document), remembering it
    /// under its anchor.
    fn complete(
        &mut self,
        value: Value,
        weight: usize,
        anchor: usize,
        line: usize,
    ) -> Result<(), YamlError> {
        if anchor != 0 {
            self.anchors.insert(anchor, (value.clone(), weight));
        }
        match self.stack.last_mut() {
            None => self.root = Some(value),
            Some(Frame::Seq {
                items, weight: w, ..
            }) => {
                items.push(value);
                *w = w.saturating_add(weight);
            }
            Some(Frame::Map {
                map,
                key,
                weight: w,
                ..
            }) => {
                *w = w.saturating_add(weight);
                match key.take() {
                    None => match value {
                        Value::String(k) => {
                            if map.contains_key(&k) {
                                return Err(YamlError::DuplicateKey { line, key: k });
                            }
                            *key = Some(k);
                        }
                        other => {
                            return Err(YamlError::NonStringKey {
                                line,
                                key: other.to_string(),
                            });
                        }
                    },
                    Some(k) => {
                        map.insert(k, value);
                    }
                }
            }
        }
        Ok(())
    }
}

fn check_container_tag(tag: Option<&Tag>, expected: &str, line: usize) -> Result<(), YamlError> {
    match tag {
        None => Ok(()),
        Some(t) if t.is_yaml_core_schema() && t.suffix == expected => Ok(()),
        Some(t) => Err(YamlError::Tag {
            line,
            tag: t.to_string(),
        }),
    }
}

fn scalar(
    text: &str,
    style: ScalarStyle,
    tag: Option<&Tag>,
    span: &Span,
) -> Result<Value, YamlError> {
    let line = span.start.line();
    match tag {
        None => {}
        Some(t) if t.is_yaml_core_schema() && t.suffix == "str" => {
            return Ok(Value::String(text.to_owned()));
        }
        Some(t) => {
            return Err(YamlError::Tag {
                line,
                tag: t.to_string(),
            });
        }
    }
    if style != ScalarStyle::Plain {
        return Ok(Value::String(text.to_owned()));
    }
    resolve_plain(text).ok_or_else(|| YamlError::Number {
        line,
        text: text.to_owned(),
    })
}

/// The YAML 1.2 core schema's reading of a plain scalar; `None` for a float JSON cannot
/// hold.
fn resolve_plain(text: &str) -> Option<Value> {
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return Some(Value::Null),
        "true" | "True" | "TRUE" => return Some(Value::Bool(true)),
        "false" | "False" | "FALSE" => return Some(Value::Bool(false)),
        ".nan" | ".NaN" | ".NAN" => return None,
        _ => {}
    }
    let unsigned = text.strip_prefix(['-', '+']).unwrap_or(text);
    if matches!(unsigned, ".inf" | ".Inf" | ".INF") {
        return None;
    }
    if let Some(n) = integer(text) {
        return Some(n);
    }
    if is_float(unsigned) {
        return text
            .parse::<f64>()
            .ok()
            .and_then(Number::from_f64)
            .map(Value::Number);
    }
    Some(Value::String(text.to_owned()))
}

fn integer(text: &str) -> Option<Value> {
    let radix_digits = |prefix: &str, radix: u32| {
        let digits = text.strip_prefix(prefix)?;
        let ok = !digits.is_empty() && digits.chars().all(|c| c.is_digit(radix));
        ok.then(|| u64::from_str_radix(digits, radix).ok().map(Number::from))
    };
    if let Some(n) = radix_digits("0o", 8).or_else(|| radix_digits("0x", 16)) {
        // Too big for u64: a float, as Go's YAML reader makes of it.
        return Some(n.map_or_else(|| big(text), Value::Number));
    }
    let unsigned = text.strip_prefix(['-', '+']).unwrap_or(text);
    if unsigned.is_empty() || !unsigned.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let number = text.parse::<i64>().map(Number::from).or_else(|_| {
        text.trim_start_matches('+')
            .parse::<u64>()
            .map(Number::from)
    });
    Some(number.map_or_else(|_| big(text), Value::Number))
}

/// An integer beyond 64 bits, as a float (a string if even that fails).
fn big(text: &str) -> Value {
    let digits = text.trim_start_matches('+');
    let parsed = match digits
        .strip_prefix("0x")
        .or_else(|| digits.strip_prefix("0o"))
    {
        Some(_) => None,
        None => digits.parse::<f64>().ok(),
    };
    parsed
        .and_then(Number::from_f64)
        .map_or_else(|| Value::String(text.to_owned()), Value::Number)
}

/// `\.[0-9]+|[0-9]+(\.[0-9]*)?` then an optional `[eE][-+]?[0-9]+` (sign already removed).
fn is_float(s: &str) -> bool {
    let (mantissa, exponent) = match s.find(['e', 'E']) {
        Some(i) => (&s[..i], Some(&s[i + 1..])),
        None => (s, None),
    };
    let digits = |t: &str| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit());
    let mantissa_ok = match mantissa.split_once('.') {
        None => digits(mantissa),
        Some(("", frac)) => digits(frac),
        Some((int, frac)) => digits(int) && (frac.is_empty() || digits(frac)),
    };
    let exponent_ok = exponent.is_none_or(|e| digits(e.strip_prefix(['-', '+']).unwrap_or(e)));
    mantissa_ok && exponent_ok
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn core_schema_scalars() {
        let v = from_yaml(
            "a: ~\nb: Null\nc: TRUE\nd: 0x1F\ne: 0o17\nf: -12\ng: +3\nh: 1.5e3\ni: .5\n\
             j: yes\nk: '1'\nl: |\n  x\nm: 18446744073709551615\nn: 99999999999999999999\n\
             o: 1.\np: 1e\nq: !!str 12\nr: 2025-01-01T00:00:00Z\n",
        )
        .unwrap();
        assert_eq!(
            v,
            json!({"a": null, "b": null, "c": true, "d": 31, "e": 15, "f": -12, "g": 3,
                   "h": 1500.0, "i": 0.5, "j": "yes", "k": "1", "l": "x\n",
                   "m": 18446744073709551615u64, "n": 1e20, "o": 1.0, "p": "1e", "q": "12",
                   "r": "2025-01-01T00:00:00Z"})
        );
    }

    #[test]
    fn documents() {
        assert_eq!(from_yaml("---\na: 1\n...\n---\n").unwrap(), json!({"a": 1}));
        assert_eq!(from_yaml("# only a comment\n"), Err(YamlError::Empty));
        assert_eq!(from_yaml(""), Err(YamlError::Empty));
        assert_eq!(
            from_yaml("a: 1\n---\nb: 2\n"),
            Err(YamlError::MultipleDocuments { line: 2 })
        );
    }

    #[test]
    fn anchors_resolve_within_budget() {
        let v = from_yaml("a: &x {k: [1, 2]}\nb: *x\nc: &s str\nd: *s\n").unwrap();
        assert_eq!(
            v,
            json!({"a": {"k": [1, 2]}, "b": {"k": [1, 2]}, "c": "str", "d": "str"})
        );
        // An alias to a node it sits in, or to nothing, is refused.
        assert!(from_yaml("a: &x [*x]\n").is_err());
        assert!(from_yaml("a: *nope\n").is_err());
        // Billion laughs: each level doubles nine times.
        let mut bomb = String::from("a0: &a0 [\"lol\"]\n");
        for i in 1..30 {
            let p = i - 1;
            bomb.push_str(&format!(
                "a{i}: &a{i} [*a{p},*a{p},*a{p},*a{p},*a{p},*a{p},*a{p},*a{p},*a{p}]\n"
            ));
        }
        assert!(matches!(
            from_yaml(&bomb),
            Err(YamlError::AliasBudget { .. })
        ));
        // One big string aliased many times.
        let mut big = format!("s: &s {}\nl:\n", "x".repeat(100_000));
        big.push_str(&"- *s\n".repeat(20));
        assert!(matches!(
            from_yaml(&big),
            Err(YamlError::AliasBudget { .. })
        ));
    }

    #[test]
    fn refusals() {
        for (text, expected) in [
            ("1: a\n", "mapping key 1 is not a string"),
            ("true: a\n", "mapping key true is not a string"),
            (": a\n", "mapping key null is not a string"),
            ("? [a]\n: b\n", "is not a string"),
            ("? {a: 1}\n: b\n", "is not a string"),
            ("a: 1\na: 2\n", "line 2: duplicate key \"a\""),
            ("a: 1\n'a': 2\n", "duplicate key"),
            ("b: &x {c: 1}\na:\n  <<: *x\n", "line 3: merge keys"),
            ("a: !!int 1\n", "tag"),
            ("a: !custom x\n", "tag !custom"),
            ("a: !!seq {}\n", "tag"),
            ("a: .inf\n", "line 1: .inf is not a number"),
            ("a: -.Inf\n", "not a number"),
            ("a: .nan\n", "not a number"),
            ("a: 1e999\n", "not a number"),
            ("a: [\n", "line"),
            ("a: b: c\n", "line 1"),
        ] {
            let e = from_yaml(text).expect_err(text).to_string();
            assert!(e.contains(expected), "{text:?}: {e}");
        }
        let deep = format!("{}{}", "[".repeat(MAX_DEPTH + 1), "]".repeat(MAX_DEPTH + 1));
        assert_eq!(from_yaml(&deep), Err(YamlError::TooDeep { line: 1 }));
        let ok = format!("{}{}", "[".repeat(MAX_DEPTH), "]".repeat(MAX_DEPTH));
        assert!(from_yaml(&ok).is_ok());
        assert!(from_yaml(&"[".repeat(100_000)).is_err());
    }

    #[test]
    fn arbitrary_bytes_are_errors_not_panics() {
        // A cheap deterministic sweep over short inputs made of YAML's special characters.
        let alphabet: Vec<char> = "ab:-?[]{},&*!|>'\"#%@` \n\t.~0x1e\\".chars().collect();
        let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
        for _ in 0..20_000 {
            let len = (state % 24) as usize;
            let mut s = String::new();
            for _ in 0..len {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                s.push(alphabet[(state % alphabet.len() as u64) as usize]);
            }
            let _ = from_yaml(&s);
        }
    }
}
