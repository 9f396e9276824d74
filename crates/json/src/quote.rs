//! Go's quoting helpers, needed to reproduce Go error texts byte for byte.

/// Go's `strconv.Quote`: a double-quoted Go string literal, as `%q` prints it.
///
/// Used in messages such as `strconv.Atoi: parsing "x": invalid syntax` and
/// `unknown source "X"`. Printable characters are kept; `\a \b \f \n \r \t \v \\ \"` use
/// short escapes; other C0 controls and DEL use `\xNN`; other non-printable characters use
/// `\uNNNN` / `\UNNNNNNNN`. Go decides printability with `unicode.IsPrint`; this uses a
/// compact approximation (controls, format characters, non-ASCII spaces, private use and
/// noncharacters are non-printable; everything else, including unassigned code points, is
/// printable), exact for every character cfssl inputs plausibly contain.
pub fn go_quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        push_escaped(&mut out, c, '"');
    }
    out.push('"');
    out
}

/// Go's `encoding/json` `quoteChar`: how the scanner shows the offending byte in
/// `invalid character 'x' …` (docs/cfssl-compat.md §3.0, §7.3 rows 8 and 44).
///
/// The byte is taken as the code point of the same value (Go converts `byte` to `rune`),
/// so a UTF-8 lead byte 0xC3 shows as `'Ã'`. `'` becomes `'\''`, `"` stays `'"'`.
pub fn quote_char(c: u8) -> String {
    match c {
        b'\'' => "'\\''".to_string(),
        b'"' => "'\"'".to_string(),
        _ => {
            let mut out = String::from("'");
            push_escaped(&mut out, char::from(c), '"');
            out.push('\'');
            out
        }
    }
}

fn push_escaped(out: &mut String, c: char, quote: char) {
    if c == quote || c == '\\' {
        out.push('\\');
        out.push(c);
        return;
    }
    if is_go_print(c) {
        out.push(c);
        return;
    }
    match c {
        '\u{07}' => out.push_str("\\a"),
        '\u{08}' => out.push_str("\\b"),
        '\u{0C}' => out.push_str("\\f"),
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        '\t' => out.push_str("\\t"),
        '\u{0B}' => out.push_str("\\v"),
        c if (c as u32) < 0x20 || c == '\u{7F}' => {
            out.push_str(&format!("\\x{:02x}", c as u32));
        }
        c if (c as u32) < 0x10000 => out.push_str(&format!("\\u{:04x}", c as u32)),
        c => out.push_str(&format!("\\U{:08x}", c as u32)),
    }
}

/// Approximation of Go's `strconv.IsPrint` (letters, marks, numbers, punctuation, symbols
/// and the ASCII space).
fn is_go_print(c: char) -> bool {
    let u = c as u32;
    if u < 0x80 {
        return (0x20..0x7F).contains(&u);
    }
    !matches!(u,
        0x80..=0xA0
        | 0xAD
        | 0x600..=0x605
        | 0x61C
        | 0x6DD
        | 0x70F
        | 0x1680
        | 0x180E
        | 0x2000..=0x200F
        | 0x2028..=0x202F
        | 0x205F..=0x206F
        | 0x3000
        | 0xD800..=0xF8FF
        | 0xFDD0..=0xFDEF
        | 0xFEFF
        | 0xFFF9..=0xFFFB
        | 0xFFFE..=0xFFFF
        | 0x110BD
        | 0x1D173..=0x1D17A
        | 0xE0001
        | 0xE0020..=0xE007F
        | 0xF0000..)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quote_char_matches_go() {
        assert_eq!(quote_char(b'b'), "'b'");
        assert_eq!(quote_char(b'\''), "'\\''");
        assert_eq!(quote_char(b'"'), "'\"'");
        assert_eq!(quote_char(b'\\'), "'\\\\'");
        assert_eq!(quote_char(b'\n'), "'\\n'");
        assert_eq!(quote_char(b'\t'), "'\\t'");
        assert_eq!(quote_char(0), "'\\x00'");
        assert_eq!(quote_char(0x1f), "'\\x1f'");
        assert_eq!(quote_char(0x7f), "'\\x7f'");
        assert_eq!(quote_char(0x80), "'\\u0080'");
        assert_eq!(quote_char(0xa0), "'\\u00a0'");
        assert_eq!(quote_char(0xad), "'\\u00ad'");
        assert_eq!(quote_char(0xc3), "'Ã'");
        assert_eq!(quote_char(0xff), "'ÿ'");
        assert_eq!(quote_char(b' '), "' '");
    }

    #[test]
    fn go_quote_matches_strconv_quote() {
        assert_eq!(go_quote("x"), "\"x\"");
        assert_eq!(go_quote(""), "\"\"");
        assert_eq!(go_quote("a\"b\\c"), "\"a\\\"b\\\\c\"");
        assert_eq!(
            go_quote("\u{7}\u{8}\u{c}\n\r\t\u{b}\u{1}"),
            "\"\\a\\b\\f\\n\\r\\t\\v\\x01\""
        );
        assert_eq!(go_quote("é€😀"), "\"é€😀\"");
        assert_eq!(go_quote("\u{a0}\u{feff}"), "\"\\u00a0\\ufeff\"");
        assert_eq!(go_quote("\u{f0000}"), "\"\\U000f0000\"");
        assert_eq!(go_quote("'"), "\"'\"");
    }
}
