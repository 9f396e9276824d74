//! A non-recursive RFC 8259 parser that fails exactly where, and with the text, Go's
//! `encoding/json` scanner fails.

use crate::error::SyntaxError;
use crate::quote::quote_char;
use crate::value::Value;

/// Go's `maxNestingDepth`: an array or object opened at a deeper level is an error.
pub const MAX_DEPTH: usize = 10_000;

/// Parses one JSON document the way Go's `json.Unmarshal` validates it.
///
/// * Whitespace is space, tab, CR and LF only; anything after the top-level value except
///   whitespace is `invalid character 'x' after top-level value`.
/// * Empty or whitespace-only input, or input that stops inside a value:
///   `unexpected end of JSON input`. Like Go, a token cut off at the end is judged as if a
///   space followed, so `-` gives `invalid character ' ' in numeric literal`.
/// * More than 10 000 nested arrays/objects: `invalid character '[' exceeded max depth`.
/// * Strings: control characters are errors; invalid UTF-8 bytes and unpaired surrogate
///   escapes become U+FFFD (one per byte, as Go's `unquote` does).
///
/// Linear time, heap-only nesting (no recursion).
///
/// ```
/// let v = cfssl_json::parse(br#"{"CN": "example.com"}"#)?;
/// assert_eq!(v.as_object().map(|m| m.len()), Some(1));
/// let err = cfssl_json::parse(b"{bad").unwrap_err();
/// assert_eq!(err.to_string(), "invalid character 'b' looking for beginning of object key string");
/// # Ok::<(), cfssl_json::SyntaxError>(())
/// ```
pub fn parse(input: &[u8]) -> Result<Value, SyntaxError> {
    Parser { input, pos: 0 }.document()
}

enum Frame {
    Array(Vec<Value>),
    Object(Vec<(String, Value)>, String),
}

struct Parser<'a> {
    input: &'a [u8],
    pos: usize,
}

impl Parser<'_> {
    fn peek(&self) -> Option<u8> {
        self.input.get(self.pos).copied()
    }

    /// The next byte, or the space Go's scanner feeds in at end of input.
    fn peek_or_space(&self) -> u8 {
        self.peek().unwrap_or(b' ')
    }

    fn skip_ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\r' | b'\n') = self.peek() {
            self.pos += 1;
        }
    }

    fn error(&self, c: u8, context: &str) -> SyntaxError {
        // Go counts the offending byte as read.
        let offset = (self.pos + 1).min(self.input.len());
        SyntaxError::new(
            format!("invalid character {} {context}", quote_char(c)),
            offset,
        )
    }

    fn eof(&self) -> SyntaxError {
        SyntaxError::new("unexpected end of JSON input".to_string(), self.input.len())
    }

    /// Skips whitespace and returns the next byte, or the end-of-input error.
    fn next_token(&mut self) -> Result<u8, SyntaxError> {
        self.skip_ws();
        self.peek().ok_or_else(|| self.eof())
    }

    fn document(mut self) -> Result<Value, SyntaxError> {
        let mut stack: Vec<Frame> = Vec::new();
        'value: loop {
            let c = self.next_token()?;
            let mut value = match c {
                b'{' | b'[' => {
                    if stack.len() + 1 > MAX_DEPTH {
                        return Err(self.error(c, "exceeded max depth"));
                    }
                    self.pos += 1;
                    let next = self.next_token()?;
                    if c == b'[' {
                        if next == b']' {
                            self.pos += 1;
                            Value::Array(Vec::new())
                        } else {
                            stack.push(Frame::Array(Vec::new()));
                            continue 'value;
                        }
                    } else if next == b'}' {
                        self.pos += 1;
                        Value::Object(Vec::new())
                    } else {
                        let key = self.object_key(next)?;
                        stack.push(Frame::Object(Vec::new(), key));
                        continue 'value;
                    }
                }
                b'"' => Value::String(self.string()?),
                b'-' | b'0'..=b'9' => Value::Number(self.number()?),
                b't' => {
                    self.literal(b"true")?;
                    Value::Bool(true)
                }
                b'f' => {
                    self.literal(b"false")?;
                    Value::Bool(false)
                }
                b'n' => {
                    self.literal(b"null")?;
                    Value::Null
                }
                c => return Err(self.error(c, "looking for beginning of value")),
            };
            // Attach the finished value to its container; close containers as they end.
            loop {
                match stack.pop() {
                    None => {
                        self.skip_ws();
                        return match self.peek() {
                            None => Ok(value),
                            Some(c) => Err(self.error(c, "after top-level value")),
                        };
                    }
                    Some(Frame::Array(mut items)) => {
                        items.push(value);
                        match self.next_token()? {
                            b',' => {
                                self.pos += 1;
                                stack.push(Frame::Array(items));
                                continue 'value;
                            }
                            b']' => {
                                self.pos += 1;
                                value = Value::Array(items);
                            }
                            c => return Err(self.error(c, "after array element")),
                        }
                    }
                    Some(Frame::Object(mut members, key)) => {
                        members.push((key, value));
                        match self.next_token()? {
                            b',' => {
                                self.pos += 1;
                                let next = self.next_token()?;
                                let key = self.object_key(next)?;
                                stack.push(Frame::Object(members, key));
                                continue 'value;
                            }
                            b'}' => {
                                self.pos += 1;
                                value = Value::Object(members);
                            }
                            c => return Err(self.error(c, "after object key:value pair")),
                        }
                    }
                }
            }
        }
    }

    /// Parses `"key" :` given the first non-space byte `c`.
    fn object_key(&mut self, c: u8) -> Result<String, SyntaxError> {
        if c != b'"' {
            return Err(self.error(c, "looking for beginning of object key string"));
        }
        let key = self.string()?;
        match self.next_token()? {
            b':' => {
                self.pos += 1;
                Ok(key)
            }
            c => Err(self.error(c, "after object key")),
        }
    }

    fn literal(&mut self, word: &'static [u8]) -> Result<(), SyntaxError> {
        let name = std::str::from_utf8(word).unwrap_or("");
        self.pos += 1;
        for &want in &word[1..] {
            let c = self.peek_or_space();
            if c != want {
                return Err(self.error(
                    c,
                    &format!("in literal {name} (expecting {})", quote_char(want)),
                ));
            }
            self.pos += 1;
        }
        Ok(())
    }

    fn digits(&mut self) {
        while let Some(b'0'..=b'9') = self.peek() {
            self.pos += 1;
        }
    }

    fn number(&mut self) -> Result<String, SyntaxError> {
        let start = self.pos;
        if self.peek() == Some(b'-') {
            self.pos += 1;
        }
        match self.peek_or_space() {
            b'0' => self.pos += 1,
            b'1'..=b'9' => self.digits(),
            c => return Err(self.error(c, "in numeric literal")),
        }
        if self.peek() == Some(b'.') {
            self.pos += 1;
            match self.peek_or_space() {
                b'0'..=b'9' => self.digits(),
                c => return Err(self.error(c, "after decimal point in numeric literal")),
            }
        }
        if let Some(b'e' | b'E') = self.peek() {
            self.pos += 1;
            if let Some(b'+' | b'-') = self.peek() {
                self.pos += 1;
            }
            match self.peek_or_space() {
                b'0'..=b'9' => self.digits(),
                c => return Err(self.error(c, "in exponent of numeric literal")),
            }
        }
        let text = self.input.get(start..self.pos).unwrap_or_default();
        // Only ASCII digits, signs, '.', 'e' were accepted above.
        Ok(String::from_utf8_lossy(text).into_owned())
    }

    /// Parses a string starting at its opening quote.
    fn string(&mut self) -> Result<String, SyntaxError> {
        self.pos += 1;
        let mut out = String::new();
        loop {
            let start = self.pos;
            while let Some(c) = self.peek() {
                if c == b'"' || c == b'\\' || c < 0x20 {
                    break;
                }
                self.pos += 1;
            }
            push_go_lossy(
                &mut out,
                self.input.get(start..self.pos).unwrap_or_default(),
            );
            match self.peek() {
                None => return Err(self.eof()),
                Some(b'"') => {
                    self.pos += 1;
                    return Ok(out);
                }
                Some(b'\\') => {
                    self.pos += 1;
                    self.escape(&mut out)?;
                }
                Some(c) => return Err(self.error(c, "in string literal")),
            }
        }
    }

    /// Decodes one escape; `pos` is just after the backslash.
    fn escape(&mut self, out: &mut String) -> Result<(), SyntaxError> {
        let c = self.peek_or_space();
        let simple = match c {
            b'"' => '"',
            b'\\' => '\\',
            b'/' => '/',
            b'b' => '\u{8}',
            b'f' => '\u{c}',
            b'n' => '\n',
            b'r' => '\r',
            b't' => '\t',
            b'u' => {
                self.pos += 1;
                let unit = self.hex4()?;
                out.push(self.after_utf16_unit(unit));
                return Ok(());
            }
            c => return Err(self.error(c, "in string escape code")),
        };
        self.pos += 1;
        out.push(simple);
        Ok(())
    }

    fn hex4(&mut self) -> Result<u32, SyntaxError> {
        let mut unit = 0u32;
        for _ in 0..4 {
            let c = self.peek_or_space();
            let digit = match c {
                b'0'..=b'9' => c - b'0',
                b'a'..=b'f' => c - b'a' + 10,
                b'A'..=b'F' => c - b'A' + 10,
                c => return Err(self.error(c, "in \\u hexadecimal character escape")),
            };
            unit = unit * 16 + u32::from(digit);
            self.pos += 1;
        }
        Ok(unit)
    }

    /// Go's surrogate handling: a high surrogate immediately followed by a `\u` low
    /// surrogate combines; any other surrogate becomes U+FFFD and the next escape is
    /// decoded on its own.
    fn after_utf16_unit(&mut self, unit: u32) -> char {
        if !(0xD800..0xE000).contains(&unit) {
            return char::from_u32(unit).unwrap_or(char::REPLACEMENT_CHARACTER);
        }
        if unit < 0xDC00
            && let Some(low) = self.peek_low_surrogate()
        {
            self.pos += 6;
            let combined = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00);
            return char::from_u32(combined).unwrap_or(char::REPLACEMENT_CHARACTER);
        }
        char::REPLACEMENT_CHARACTER
    }

    fn peek_low_surrogate(&self) -> Option<u32> {
        let rest = self.input.get(self.pos..self.pos + 6)?;
        if rest.first() != Some(&b'\\') || rest.get(1) != Some(&b'u') {
            return None;
        }
        let text = std::str::from_utf8(rest.get(2..)?).ok()?;
        let unit = u32::from_str_radix(text, 16).ok()?;
        (0xDC00..0xE000).contains(&unit).then_some(unit)
    }
}

/// Appends `bytes` as UTF-8, replacing each byte of an invalid sequence by U+FFFD: Go's
/// `utf8.DecodeRune` rejects an invalid sequence one byte at a time.
fn push_go_lossy(out: &mut String, mut bytes: &[u8]) {
    loop {
        match std::str::from_utf8(bytes) {
            Ok(s) => {
                out.push_str(s);
                return;
            }
            Err(e) => {
                let (valid, rest) = bytes.split_at(e.valid_up_to());
                out.push_str(std::str::from_utf8(valid).unwrap_or_default());
                let bad = e.error_len().unwrap_or(rest.len()).min(rest.len());
                for _ in 0..bad {
                    out.push(char::REPLACEMENT_CHARACTER);
                }
                bytes = rest.get(bad..).unwrap_or_default();
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(input: &[u8]) -> String {
        match parse(input) {
            Ok(v) => panic!("expected an error for {input:?}, got {v:?}"),
            Err(e) => e.to_string(),
        }
    }

    fn s(input: &[u8]) -> String {
        match parse(input) {
            Ok(Value::String(s)) => s,
            other => panic!("expected a string, got {other:?}"),
        }
    }

    #[test]
    fn unexpected_end() {
        for input in [
            &b""[..],
            b"   \n\t\r ",
            b"[",
            b"[1",
            b"[1,",
            b"{",
            b"{\"a\"",
            b"{\"a\":",
            b"{\"a\":1",
            b"{\"a\":1,",
            b"\"abc",
            b"\"abc\\\"",
            b"[[[]]",
        ] {
            assert_eq!(err(input), "unexpected end of JSON input", "{input:?}");
        }
    }

    #[test]
    fn context_messages() {
        let cases: &[(&[u8], &str)] = &[
            (
                b"{bad",
                "invalid character 'b' looking for beginning of object key string",
            ),
            (
                b"{\"a\":1,}",
                "invalid character '}' looking for beginning of object key string",
            ),
            (b"x", "invalid character 'x' looking for beginning of value"),
            (
                b"[,",
                "invalid character ',' looking for beginning of value",
            ),
            (
                b"[1,]",
                "invalid character ']' looking for beginning of value",
            ),
            (b"{\"a\" 1}", "invalid character '1' after object key"),
            (
                b"{\"a\":1 \"b\"}",
                "invalid character '\"' after object key:value pair",
            ),
            (b"[1 2]", "invalid character '2' after array element"),
            (b"{} true", "invalid character 't' after top-level value"),
            (b"01", "invalid character '1' after top-level value"),
            (b"[01]", "invalid character '1' after array element"),
            (b"\"a\nb\"", "invalid character '\\n' in string literal"),
            (b"\"a\x00\"", "invalid character '\\x00' in string literal"),
            (b"\"\\x\"", "invalid character 'x' in string escape code"),
            (
                b"\"\\u12g4\"",
                "invalid character 'g' in \\u hexadecimal character escape",
            ),
            (b"-x", "invalid character 'x' in numeric literal"),
            (b"-", "invalid character ' ' in numeric literal"),
            (
                b"1.x",
                "invalid character 'x' after decimal point in numeric literal",
            ),
            (
                b"1.",
                "invalid character ' ' after decimal point in numeric literal",
            ),
            (
                b"1e",
                "invalid character ' ' in exponent of numeric literal",
            ),
            (
                b"1e+x",
                "invalid character 'x' in exponent of numeric literal",
            ),
            (
                b"tru",
                "invalid character ' ' in literal true (expecting 'e')",
            ),
            (
                b"trUe",
                "invalid character 'U' in literal true (expecting 'u')",
            ),
            (
                b"fals",
                "invalid character ' ' in literal false (expecting 'e')",
            ),
            (
                b"nul",
                "invalid character ' ' in literal null (expecting 'l')",
            ),
            (
                b"nUll",
                "invalid character 'U' in literal null (expecting 'u')",
            ),
            (b"truex", "invalid character 'x' after top-level value"),
            (b"[\"\\", "invalid character ' ' in string escape code"),
            (
                b"\"\\u12",
                "invalid character ' ' in \\u hexadecimal character escape",
            ),
            (
                b"\xc3\xa9",
                "invalid character '\u{c3}' looking for beginning of value",
            ),
            (
                b"'a'",
                "invalid character '\\'' looking for beginning of value",
            ),
            (
                b"{'a':1}",
                "invalid character '\\'' looking for beginning of object key string",
            ),
            (b"[1}", "invalid character '}' after array element"),
            (
                b"{\"a\":1]",
                "invalid character ']' after object key:value pair",
            ),
            (
                b"\xef\xbb\xbf{}",
                "invalid character '\u{ef}' looking for beginning of value",
            ),
            (b"{}\x00", "invalid character '\\x00' after top-level value"),
            (
                b"+1",
                "invalid character '+' looking for beginning of value",
            ),
            (
                b".5",
                "invalid character '.' looking for beginning of value",
            ),
        ];
        for (input, want) in cases {
            assert_eq!(err(input), *want, "{:?}", String::from_utf8_lossy(input));
        }
    }

    #[test]
    fn first_error_wins_over_later_ones() {
        assert_eq!(
            err(b"[1 2, {bad"),
            "invalid character '2' after array element"
        );
    }

    #[test]
    fn values_round_trip() {
        let v = parse(br#"{"a":[1,-0,2.5e-3,1E+2,true,false,null,"s"],"a":{}}"#).expect("valid");
        let Value::Object(members) = v else {
            panic!("object")
        };
        assert_eq!(members.len(), 2);
        assert_eq!(members[0].0, "a");
        assert_eq!(
            members[0].1,
            Value::Array(vec![
                Value::Number("1".into()),
                Value::Number("-0".into()),
                Value::Number("2.5e-3".into()),
                Value::Number("1E+2".into()),
                Value::Bool(true),
                Value::Bool(false),
                Value::Null,
                Value::String("s".into()),
            ])
        );
        assert_eq!(members[1].1, Value::Object(vec![]));
    }

    #[test]
    fn string_escapes() {
        assert_eq!(s(br#""\"\\\/\b\f\n\r\t""#), "\"\\/\u{8}\u{c}\n\r\t");
        assert_eq!(s(br#""\u00e9\u20AC""#), "é€");
        assert_eq!(s(br#""\ud83d\ude00""#), "😀");
        // Unpaired surrogates: replaced, the following escape decoded on its own.
        assert_eq!(s(br#""\ud83d""#), "\u{fffd}");
        assert_eq!(s(br#""\ud83dx""#), "\u{fffd}x");
        assert_eq!(s(br#""\ud83d\u0041""#), "\u{fffd}A");
        assert_eq!(s(br#""\ude00\ud83d""#), "\u{fffd}\u{fffd}");
        assert_eq!(s(br#""\ud83d\ud83d\ude00""#), "\u{fffd}😀");
        assert_eq!(s(br#""\u0000""#), "\u{0}");
    }

    #[test]
    fn invalid_utf8_is_replaced_per_byte() {
        assert_eq!(s(b"\"a\xffb\""), "a\u{fffd}b");
        // A truncated 3-byte sequence: Go replaces each byte.
        assert_eq!(s(b"\"\xe2\x82x\""), "\u{fffd}\u{fffd}x");
        assert_eq!(s(b"\"\xe2\x82\""), "\u{fffd}\u{fffd}");
        // An encoded surrogate is invalid UTF-8 in Go too.
        assert_eq!(s(b"\"\xed\xa0\x80\""), "\u{fffd}\u{fffd}\u{fffd}");
        assert_eq!(s("\"é€😀\"".as_bytes()), "é€😀");
        assert_eq!(s(b"\"\x7f\""), "\u{7f}");
    }

    #[test]
    fn depth_limit_is_gos() {
        let ok = format!("{}{}", "[".repeat(MAX_DEPTH), "]".repeat(MAX_DEPTH));
        assert!(parse(ok.as_bytes()).is_ok());
        let deep = format!("{}{}", "[".repeat(MAX_DEPTH + 1), "]".repeat(MAX_DEPTH + 1));
        assert_eq!(
            err(deep.as_bytes()),
            "invalid character '[' exceeded max depth"
        );
        let objects = "{\"a\":".repeat(MAX_DEPTH + 1);
        assert_eq!(
            err(objects.as_bytes()),
            "invalid character '{' exceeded max depth"
        );
        let empty_at_limit = format!("{}{{}}{}", "[".repeat(MAX_DEPTH), "]".repeat(MAX_DEPTH));
        assert_eq!(
            err(empty_at_limit.as_bytes()),
            "invalid character '{' exceeded max depth"
        );
    }

    #[test]
    fn hundred_thousand_brackets_do_not_overflow() {
        let deep = "[".repeat(100_000);
        assert_eq!(
            err(deep.as_bytes()),
            "invalid character '[' exceeded max depth"
        );
        let mixed = "[{\"a\":".repeat(50_000);
        assert!(err(mixed.as_bytes()).ends_with("exceeded max depth"));
    }

    #[test]
    fn offsets_count_bytes_read() {
        let e = parse(b"{bad").unwrap_err();
        assert_eq!(e.offset(), 2);
        let e = parse(b"").unwrap_err();
        assert_eq!(e.offset(), 0);
    }

    #[test]
    fn ten_megabytes_parse_quickly() {
        let mut doc = String::from("[");
        while doc.len() < 10 * 1024 * 1024 {
            doc.push_str(r#"{"name":"value with \"escapes\" and é","n":-12.5e3,"ok":true},"#);
        }
        doc.push_str("null]");
        let start = std::time::Instant::now();
        let v = parse(doc.as_bytes()).expect("valid");
        assert!(matches!(v, Value::Array(ref items) if items.len() > 100_000));
        // Generous bound for unoptimised CI builds; linear parsing takes well under this.
        assert!(start.elapsed().as_secs() < 20);
    }
}
