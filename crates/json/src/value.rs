//! The JSON document model: every member kept, in document order.

/// A parsed JSON value.
///
/// Unlike a map-based model this keeps what Go's decoder sees: object members in document
/// order, duplicates included (Go's struct decoding lets the last one win, docs/cfssl-compat.md §3.0),
/// and numbers as their literal text (Go reports the literal in `cannot unmarshal number
/// 1.5 into …` and parses integers from the text, so no float rounding may happen first).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    /// `null`
    Null,
    /// `true` or `false`
    Bool(bool),
    /// A number, exactly as written (it already matched the RFC 8259 grammar).
    Number(String),
    /// A string, unescaped; invalid UTF-8 was replaced by U+FFFD byte by byte, like Go.
    String(String),
    /// An array.
    Array(Vec<Value>),
    /// An object: members in document order, duplicates kept.
    Object(Vec<(String, Value)>),
}

impl Value {
    /// The word Go's decoder uses for this kind of value in `json: cannot unmarshal <word>
    /// into …` messages: `number`, `string`, `bool`, `array`, `object` (and `null`, which
    /// Go never reports because null decodes into anything).
    pub fn type_word(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Bool(_) => "bool",
            Value::Number(_) => "number",
            Value::String(_) => "string",
            Value::Array(_) => "array",
            Value::Object(_) => "object",
        }
    }

    /// True for `null`.
    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }

    /// The string, when this is a JSON string.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    /// The elements, when this is a JSON array.
    pub fn as_array(&self) -> Option<&[Value]> {
        match self {
            Value::Array(items) => Some(items),
            _ => None,
        }
    }

    /// The members, when this is a JSON object.
    pub fn as_object(&self) -> Option<&[(String, Value)]> {
        match self {
            Value::Object(members) => Some(members),
            _ => None,
        }
    }

    /// Compact JSON text for this value.
    ///
    /// Go hands a custom `UnmarshalJSON` method the raw bytes of the value; we no longer have
    /// them, so this re-encodes: identical for numbers, literals and strings without escapes,
    /// and whitespace-free for containers. Used to reproduce messages such as zlint's
    /// `bad LintStatus JSON value: 5`. Iterative, so any depth the parser accepts is fine.
    pub fn to_json(&self) -> String {
        enum Step<'a> {
            Value(&'a Value),
            Text(&'static str),
            Key(&'a str),
        }
        let mut out = String::new();
        let mut todo = vec![Step::Value(self)];
        while let Some(step) = todo.pop() {
            match step {
                Step::Text(t) => out.push_str(t),
                Step::Key(k) => {
                    crate::encode::push_quoted(&mut out, k, false);
                    out.push(':');
                }
                Step::Value(v) => match v {
                    Value::Null => out.push_str("null"),
                    Value::Bool(true) => out.push_str("true"),
                    Value::Bool(false) => out.push_str("false"),
                    Value::Number(n) => out.push_str(n),
                    Value::String(s) => crate::encode::push_quoted(&mut out, s, false),
                    Value::Array(items) => {
                        out.push('[');
                        todo.push(Step::Text("]"));
                        for (i, item) in items.iter().enumerate().rev() {
                            todo.push(Step::Value(item));
                            if i > 0 {
                                todo.push(Step::Text(","));
                            }
                        }
                    }
                    Value::Object(members) => {
                        out.push('{');
                        todo.push(Step::Text("}"));
                        for (i, (k, item)) in members.iter().enumerate().rev() {
                            todo.push(Step::Value(item));
                            todo.push(Step::Key(k));
                            if i > 0 {
                                todo.push(Step::Text(","));
                            }
                        }
                    }
                },
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse;

    #[test]
    fn to_json_is_compact_and_ordered() {
        let v =
            parse(br#" { "b" : [1, true, null, "x\"y"], "a": {} , "b": -0.5e3 } "#).expect("valid");
        assert_eq!(
            v.to_json(),
            r#"{"b":[1,true,null,"x\"y"],"a":{},"b":-0.5e3}"#
        );
    }

    #[test]
    fn type_words_are_gos() {
        let v = parse(br#"[null, true, 1, "s", [], {}]"#).expect("valid");
        let words: Vec<_> = v
            .as_array()
            .expect("array")
            .iter()
            .map(Value::type_word)
            .collect();
        assert_eq!(
            words,
            ["null", "bool", "number", "string", "array", "object"]
        );
    }
}
