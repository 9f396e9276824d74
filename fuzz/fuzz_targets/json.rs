//! The Go-compatible JSON parser every JSON input goes through (`cfssl_json::parse`,
//! docs/cfssl-compat.md §3.0): any bytes, deep nesting, invalid UTF-8.
//!
//! Invariants:
//! * `parse` never panics or overflows the stack (nesting is capped at `MAX_DEPTH`);
//! * an accepted document's `to_json()` is valid UTF-8 JSON that parses to an equal value,
//!   and `to_json` is a fixed point from there;
//! * a syntax error's offset lies within the input (+1 for Go's end-of-input space).
#![no_main]

use cfssl_json::{Value, parse};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    match parse(data) {
        Ok(value) => {
            let text = value.to_json();
            let back = parse(text.as_bytes())
                .unwrap_or_else(|e| panic!("to_json output does not parse: {e}: {text:?}"));
            assert!(equal(&value, &back), "to_json round trip changed the value");
            assert_eq!(back.to_json(), text, "to_json is not a fixed point");
            let _ = value.type_word();
        }
        Err(e) => {
            assert!(e.offset() <= data.len() + 1, "error offset past the input");
            let _ = e.to_string();
        }
    }
});

/// Structural equality without recursion: documents may nest `MAX_DEPTH` deep.
fn equal(a: &Value, b: &Value) -> bool {
    let mut todo = vec![(a, b)];
    while let Some((a, b)) = todo.pop() {
        match (a, b) {
            (Value::Array(x), Value::Array(y)) => {
                if x.len() != y.len() {
                    return false;
                }
                todo.extend(x.iter().zip(y));
            }
            (Value::Object(x), Value::Object(y)) => {
                if x.len() != y.len() {
                    return false;
                }
                for ((kx, vx), (ky, vy)) in x.iter().zip(y) {
                    if kx != ky {
                        return false;
                    }
                    todo.push((vx, vy));
                }
            }
            (Value::Array(_) | Value::Object(_), _) | (_, Value::Array(_) | Value::Object(_)) => {
                return false;
            }
            (x, y) => {
                if x != y {
                    return false;
                }
            }
        }
    }
    true
}
