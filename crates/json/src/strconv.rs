//! Go's `strconv` integer parsing, for inputs cfssl reads with it (`-port`-style int flags,
//! `gencrl`'s TIME) and whose error texts users see.

/// Why [`parse_int`] failed, as Go's `strconv.NumError.Err`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParseIntError {
    /// `strconv.ErrSyntax`: not an integer literal.
    Syntax,
    /// `strconv.ErrRange`: does not fit the bit size.
    Range,
}

impl ParseIntError {
    /// Go's full message for input `s`: `strconv.ParseInt: parsing "s": invalid syntax`.
    pub fn message(self, s: &str) -> String {
        self.message_from("ParseInt", s)
    }

    /// Go's message when the function `func` (`ParseInt`, `Atoi`) failed on `s`.
    pub fn message_from(self, func: &str, s: &str) -> String {
        let what = match self {
            ParseIntError::Syntax => "invalid syntax",
            ParseIntError::Range => "value out of range",
        };
        format!("strconv.{func}: parsing {}: {what}", crate::go_quote(s))
    }
}

/// Go `strconv.Atoi(s)` on a 64-bit platform: an optional sign and decimal digits only (no
/// base prefix, no `_`, no spaces), fitting an `int64`. Errors name `Atoi`:
/// `ParseIntError::Syntax.message_from("Atoi", s)`.
///
/// ```
/// use cfssl_json::strconv::{ParseIntError, atoi};
/// assert_eq!(atoi("+7"), Ok(7));
/// assert_eq!(atoi("-0"), Ok(0));
/// assert_eq!(atoi("0x1"), Err(ParseIntError::Syntax));
/// assert_eq!(atoi("1_0"), Err(ParseIntError::Syntax));
/// assert_eq!(atoi("9223372036854775808"), Err(ParseIntError::Range));
/// assert_eq!(atoi("-9223372036854775808"), Ok(i64::MIN));
/// assert_eq!(atoi("99999999999999999999x"), Err(ParseIntError::Range));
/// assert_eq!(
///     ParseIntError::Syntax.message_from("Atoi", "bogus"),
///     r#"strconv.Atoi: parsing "bogus": invalid syntax"#
/// );
/// ```
pub fn atoi(s: &str) -> Result<i64, ParseIntError> {
    let (neg, digits) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    if digits.is_empty() {
        return Err(ParseIntError::Syntax);
    }
    // Go scans left to right and stops at the first problem: a bad character or an overflow.
    let mut n: u64 = 0;
    for b in digits.bytes() {
        if !b.is_ascii_digit() {
            return Err(ParseIntError::Syntax);
        }
        n = n
            .checked_mul(10)
            .and_then(|m| m.checked_add(u64::from(b - b'0')))
            .ok_or(ParseIntError::Range)?;
    }
    let limit: u64 = 1 << 63;
    match (neg, n) {
        (true, n) if n <= limit => Ok((n as i64).wrapping_neg()),
        (false, n) if n < limit => Ok(n as i64),
        _ => Err(ParseIntError::Range),
    }
}

/// Go `strconv.ParseInt(s, 0, bit_size)`: optional sign, then `0x`/`0o`/`0b` prefixes or a
/// leading `0` for octal, `_` separators as in Go integer literals; the value must fit a
/// signed integer of `bit_size` bits (1..=64).
///
/// ```
/// use cfssl_json::strconv::{ParseIntError, parse_int};
/// assert_eq!(parse_int("0x_1_0", 32), Ok(16));
/// assert_eq!(parse_int("1_000", 32), Ok(1000));
/// assert_eq!(parse_int("1__0", 32), Err(ParseIntError::Syntax));
/// assert_eq!(parse_int("2147483648", 32), Err(ParseIntError::Range));
/// assert_eq!(
///     ParseIntError::Syntax.message("x"),
///     r#"strconv.ParseInt: parsing "x": invalid syntax"#
/// );
/// ```
pub fn parse_int(s0: &str, bit_size: u32) -> Result<i64, ParseIntError> {
    let (neg, s) = match s0.as_bytes().first() {
        Some(b'-') => (true, &s0[1..]),
        Some(b'+') => (false, &s0[1..]),
        _ => (false, s0),
    };
    let magnitude = parse_go_uint(s)?;
    let cutoff: u64 = 1 << (bit_size.clamp(1, 64) - 1);
    if neg {
        if magnitude > cutoff {
            return Err(ParseIntError::Range);
        }
        // -(2^(bits-1)) is representable; wrapping handles exactly the 64-bit case.
        Ok((magnitude as i64).wrapping_neg())
    } else if magnitude >= cutoff {
        Err(ParseIntError::Range)
    } else {
        i64::try_from(magnitude).map_err(|_| ParseIntError::Range)
    }
}

/// Go `strconv.ParseUint(s, 0, 64)` after the sign was removed.
fn parse_go_uint(s0: &str) -> Result<u64, ParseIntError> {
    let bytes = s0.as_bytes();
    if bytes.is_empty() {
        return Err(ParseIntError::Syntax);
    }
    let (base, digits): (u32, &[u8]) = match bytes {
        [b'0', p, _, ..] if p.eq_ignore_ascii_case(&b'b') => (2, &bytes[2..]),
        [b'0', p, _, ..] if p.eq_ignore_ascii_case(&b'o') => (8, &bytes[2..]),
        [b'0', p, _, ..] if p.eq_ignore_ascii_case(&b'x') => (16, &bytes[2..]),
        [b'0', rest @ ..] => (8, rest),
        _ => (10, bytes),
    };
    let mut underscores = false;
    let mut n: u64 = 0;
    let mut overflow = false;
    for &c in digits {
        let d = match c {
            b'_' => {
                underscores = true;
                continue;
            }
            b'0'..=b'9' => u32::from(c - b'0'),
            _ if c.is_ascii_alphabetic() => u32::from(c.to_ascii_lowercase() - b'a') + 10,
            _ => return Err(ParseIntError::Syntax),
        };
        if d >= base {
            return Err(ParseIntError::Syntax);
        }
        // Go keeps scanning after an overflow so that a later syntax error wins.
        match n
            .checked_mul(u64::from(base))
            .and_then(|m| m.checked_add(u64::from(d)))
        {
            Some(v) => n = v,
            None => overflow = true,
        }
    }
    if underscores && !go_underscore_ok(s0) {
        return Err(ParseIntError::Syntax);
    }
    if overflow {
        return Err(ParseIntError::Range);
    }
    Ok(n)
}

/// Go `strconv.underscoreOK`: `_` only between digits (a base prefix counts as a digit).
fn go_underscore_ok(s: &str) -> bool {
    #[derive(PartialEq)]
    enum Saw {
        Start,
        Digit,
        Underscore,
        Other,
    }
    let mut b = s.as_bytes();
    if let Some((b'-' | b'+', rest)) = b.split_first() {
        b = rest;
    }
    let mut saw = Saw::Start;
    let mut hex = false;
    let mut i = 0;
    if let [b'0', p, ..] = b {
        let p = p.to_ascii_lowercase();
        if matches!(p, b'b' | b'o' | b'x') {
            i = 2;
            saw = Saw::Digit;
            hex = p == b'x';
        }
    }
    for &c in b.iter().skip(i) {
        if c.is_ascii_digit() || (hex && c.is_ascii_hexdigit()) {
            saw = Saw::Digit;
        } else if c == b'_' {
            if saw != Saw::Digit {
                return false;
            }
            saw = Saw::Underscore;
        } else {
            if saw == Saw::Underscore {
                return false;
            }
            saw = Saw::Other;
        }
    }
    saw != Saw::Underscore
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bases_signs_and_bounds() {
        assert_eq!(parse_int("86400", 32), Ok(86400));
        assert_eq!(parse_int("017", 32), Ok(15));
        assert_eq!(parse_int("0o17", 32), Ok(15));
        assert_eq!(parse_int("0b101", 32), Ok(5));
        assert_eq!(parse_int("-5", 32), Ok(-5));
        assert_eq!(parse_int("+7", 32), Ok(7));
        assert_eq!(parse_int("2147483647", 32), Ok(i64::from(i32::MAX)));
        assert_eq!(parse_int("-2147483648", 32), Ok(i64::from(i32::MIN)));
        assert_eq!(parse_int("-2147483649", 32), Err(ParseIntError::Range));
        assert_eq!(parse_int("9223372036854775807", 64), Ok(i64::MAX));
        assert_eq!(parse_int("-9223372036854775808", 64), Ok(i64::MIN));
        assert_eq!(
            parse_int("9223372036854775808", 64),
            Err(ParseIntError::Range)
        );
        for bad in ["", "-", "0x", "1_", "_1", "1__0", "08", "1e3", " 1"] {
            assert_eq!(parse_int(bad, 64), Err(ParseIntError::Syntax), "{bad:?}");
        }
    }
}
