//! Go's `time.Duration`: parsing (`time.ParseDuration`) and printing (`Duration.String`).
//!
//! cfssl reads `expiry` and `backdate` with Go's parser (docs/cfssl-compat.md §3.3.3), so a drop-in
//! replacement must accept exactly the same strings (`8760h`, `1h30m`, `1.5h`, `-1h`, `0`,
//! `.5s`, `1µs`) and reject the same ones with the same texts (`time: unknown unit "y" in
//! duration "1y"`). General-purpose crates such as humantime accept `"1y"` and `"2 days"` and
//! reject `"-1h"`, hence this small, exact port.

use std::fmt;
use std::str::FromStr;

/// A Go `time.Duration`: a signed count of nanoseconds.
///
/// [`FromStr`] is Go's `time.ParseDuration`; [`Display`](fmt::Display) is Go's
/// `Duration.String` (`8760h0m0s`, `1h30m0s`, `1.5s`, `0s`, `-1h0m0s`, `1µs`).
///
/// ```
/// use cfssl_config::GoDuration;
///
/// let d: GoDuration = "1.5h".parse()?;
/// assert_eq!(d, GoDuration::MINUTE.saturating_mul(90));
/// assert_eq!(d.to_string(), "1h30m0s");
/// assert_eq!(
///     "1y".parse::<GoDuration>().unwrap_err().to_string(),
///     r#"time: unknown unit "y" in duration "1y""#
/// );
/// # Ok::<(), cfssl_config::DurationError>(())
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct GoDuration(pub i64);

impl GoDuration {
    /// Zero.
    pub const ZERO: GoDuration = GoDuration(0);
    /// One nanosecond.
    pub const NANOSECOND: GoDuration = GoDuration(1);
    /// One microsecond.
    pub const MICROSECOND: GoDuration = GoDuration(1_000);
    /// One millisecond.
    pub const MILLISECOND: GoDuration = GoDuration(1_000_000);
    /// One second.
    pub const SECOND: GoDuration = GoDuration(1_000_000_000);
    /// One minute.
    pub const MINUTE: GoDuration = GoDuration(60 * 1_000_000_000);
    /// One hour.
    pub const HOUR: GoDuration = GoDuration(3600 * 1_000_000_000);

    /// The duration in nanoseconds.
    pub fn nanos(self) -> i64 {
        self.0
    }

    /// The same length as a [`time::Duration`] (exact: both count nanoseconds).
    pub fn as_time_duration(self) -> time::Duration {
        time::Duration::nanoseconds(self.0)
    }

    /// Multiplies, saturating at the `i64` bounds.
    pub fn saturating_mul(self, factor: i64) -> GoDuration {
        GoDuration(self.0.saturating_mul(factor))
    }
}

impl From<time::Duration> for GoDuration {
    /// Converts, saturating at the `i64` nanosecond range (about ±292 years).
    fn from(d: time::Duration) -> Self {
        let n = d.whole_nanoseconds();
        GoDuration(i64::try_from(n).unwrap_or(if n < 0 { i64::MIN } else { i64::MAX }))
    }
}

/// A string Go's `time.ParseDuration` rejects; `Display` is Go's error text.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DurationError {
    /// Malformed or out of range: `time: invalid duration "one year"`.
    #[error("time: invalid duration {}", go_time_quote(.input.as_bytes()))]
    Invalid {
        /// The whole input.
        input: String,
    },
    /// A number without a unit: `time: missing unit in duration "10"`.
    #[error("time: missing unit in duration {}", go_time_quote(.input.as_bytes()))]
    MissingUnit {
        /// The whole input.
        input: String,
    },
    /// A unit Go does not know (there are no days or years):
    /// `time: unknown unit "y" in duration "1y"`.
    #[error(
        "time: unknown unit {} in duration {}",
        go_time_quote(.unit.as_bytes()),
        go_time_quote(.input.as_bytes())
    )]
    UnknownUnit {
        /// The unit as written.
        unit: String,
        /// The whole input.
        input: String,
    },
}

/// `1 << 63` as Go's parser uses it: the magnitude bound of a duration.
const LIMIT: u64 = 1 << 63;

impl FromStr for GoDuration {
    type Err = DurationError;

    /// Go's `time.ParseDuration`: `[-+]?([0-9]*(\.[0-9]*)?[a-z]+)+`, or a bare `0`.
    fn from_str(orig: &str) -> Result<Self, Self::Err> {
        let invalid = || DurationError::Invalid {
            input: orig.to_string(),
        };
        let mut s = orig.as_bytes();
        let mut neg = false;
        if let Some((&c, rest)) = s.split_first()
            && (c == b'-' || c == b'+')
        {
            neg = c == b'-';
            s = rest;
        }
        if s == b"0" {
            return Ok(GoDuration(0));
        }
        if s.is_empty() {
            return Err(invalid());
        }
        let mut total: u64 = 0;
        while let Some(&first) = s.first() {
            if !(first == b'.' || first.is_ascii_digit()) {
                return Err(invalid());
            }
            let before = s.len();
            let (mut v, rest) = leading_int(s).ok_or_else(invalid)?;
            s = rest;
            let pre = before != s.len();

            let mut post = false;
            let (mut frac, mut scale) = (0u64, 1f64);
            if let Some((b'.', rest)) = s.split_first() {
                let before = rest.len();
                let (f, sc, rest) = leading_fraction(rest);
                frac = f;
                scale = sc;
                post = before != rest.len();
                s = rest;
            }
            if !pre && !post {
                return Err(invalid());
            }

            let unit_len = s
                .iter()
                .position(|&c| c == b'.' || c.is_ascii_digit())
                .unwrap_or(s.len());
            if unit_len == 0 {
                return Err(DurationError::MissingUnit {
                    input: orig.to_string(),
                });
            }
            let (unit_bytes, rest) = s.split_at(unit_len);
            s = rest;
            let unit = unit_nanos(unit_bytes).ok_or_else(|| DurationError::UnknownUnit {
                unit: String::from_utf8_lossy(unit_bytes).into_owned(),
                input: orig.to_string(),
            })?;
            if v > LIMIT / unit {
                return Err(invalid());
            }
            v *= unit;
            if frac > 0 {
                // Go computes the fraction in float64, nanosecond-exact up to hours.
                v += (frac as f64 * (unit as f64 / scale)) as u64;
                if v > LIMIT {
                    return Err(invalid());
                }
            }
            // Go adds in uint64 and lets 2^63 + 2^63 wrap to 0 ("1<<63ns1<<63ns" parses as 0s);
            // a sum past the limit is invalid here, as every other overflow is.
            total = total
                .checked_add(v)
                .filter(|t| *t <= LIMIT)
                .ok_or_else(invalid)?;
        }
        if neg {
            // total <= 1<<63, so the negation fits (i64::MIN at the bound).
            return Ok(GoDuration((total as i64).wrapping_neg()));
        }
        i64::try_from(total).map(GoDuration).map_err(|_| invalid())
    }
}

/// Go's `leadingInt`: the leading `[0-9]*`, `None` on overflow past `1<<63`.
fn leading_int(s: &[u8]) -> Option<(u64, &[u8])> {
    let mut x: u64 = 0;
    let mut i = 0;
    while let Some(&c) = s.get(i) {
        if !c.is_ascii_digit() {
            break;
        }
        if x > LIMIT / 10 {
            return None;
        }
        x = x * 10 + u64::from(c - b'0');
        if x > LIMIT {
            return None;
        }
        i += 1;
    }
    Some((x, s.get(i..).unwrap_or_default()))
}

/// Go's `leadingFraction`: the leading `[0-9]*` after a `.`, as `x / scale`; digits past
/// `u64` precision are consumed and ignored.
fn leading_fraction(s: &[u8]) -> (u64, f64, &[u8]) {
    let mut x: u64 = 0;
    let mut scale = 1f64;
    let mut overflow = false;
    let mut i = 0;
    while let Some(&c) = s.get(i) {
        if !c.is_ascii_digit() {
            break;
        }
        i += 1;
        if overflow {
            continue;
        }
        if x > (LIMIT - 1) / 10 {
            overflow = true;
            continue;
        }
        let y = x * 10 + u64::from(c - b'0');
        if y > LIMIT {
            overflow = true;
            continue;
        }
        x = y;
        scale *= 10.0;
    }
    (x, scale, s.get(i..).unwrap_or_default())
}

/// Go's `unitMap`; both micro signs (U+00B5 and U+03BC) are accepted.
fn unit_nanos(unit: &[u8]) -> Option<u64> {
    Some(match unit {
        b"ns" => 1,
        // "µs" (U+00B5) and "μs" (U+03BC) in UTF-8.
        b"us" | b"\xc2\xb5s" | b"\xce\xbcs" => 1_000,
        b"ms" => 1_000_000,
        b"s" => 1_000_000_000,
        b"m" => 60 * 1_000_000_000,
        b"h" => 3600 * 1_000_000_000,
        _ => return None,
    })
}

impl fmt::Display for GoDuration {
    /// Go's `Duration.String`: `72h3m0.5s`, `1.5ms`, `0s`; hours are the largest unit.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut u = self.0.unsigned_abs();
        let mut out = String::new();
        if u < 1_000_000_000 {
            // Below a second Go switches to the largest fitting smaller unit.
            let (prec, unit) = match u {
                0 => return f.write_str("0s"),
                1..=999 => (0, "ns"),
                1_000..=999_999 => (3, "µs"),
                _ => (6, "ms"),
            };
            let (frac, int) = frac_digits(u, prec);
            out.push_str(&int.to_string());
            out.push_str(&frac);
            out.push_str(unit);
        } else {
            let (frac, secs) = frac_digits(u, 9);
            u = secs;
            let mut parts = format!("{}{frac}s", u % 60);
            u /= 60;
            if u > 0 {
                parts = format!("{}m{parts}", u % 60);
                u /= 60;
                if u > 0 {
                    parts = format!("{u}h{parts}");
                }
            }
            out = parts;
        }
        if self.0 < 0 {
            f.write_str("-")?;
        }
        f.write_str(&out)
    }
}

/// Go's `fmtFrac`: the `prec` low decimal digits of `v` as `.ddd` without trailing zeros
/// (empty when all zero), and `v / 10^prec`.
fn frac_digits(mut v: u64, prec: u32) -> (String, u64) {
    let mut digits = Vec::new();
    let mut print = false;
    for _ in 0..prec {
        let digit = (v % 10) as u8;
        print = print || digit != 0;
        if print {
            digits.push(char::from(b'0' + digit));
        }
        v /= 10;
    }
    if !print {
        return (String::new(), v);
    }
    digits.push('.');
    (digits.iter().rev().collect(), v)
}

/// The quoting of Go's `time` package error messages (`time.quote`): `"` and `\` are
/// backslash-escaped, and every byte of a control or non-ASCII character is written as
/// `\xNN`.
pub(crate) fn go_time_quote(s: &[u8]) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for &b in s {
        match b {
            b'"' | b'\\' => {
                out.push('\\');
                out.push(char::from(b));
            }
            0x20..=0x7f => out.push(char::from(b)),
            _ => out.push_str(&format!("\\x{b:02x}")),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(s: &str) -> Result<i64, String> {
        s.parse::<GoDuration>()
            .map(|d| d.0)
            .map_err(|e| e.to_string())
    }

    const S: i64 = 1_000_000_000;
    const H: i64 = 3600 * S;

    #[test]
    fn parses_what_go_parses() {
        let cases: &[(&str, i64)] = &[
            ("0", 0),
            ("-0", 0),
            ("+0", 0),
            ("8760h", 8760 * H),
            ("43800h", 43800 * H),
            ("1h30m", H + 30 * 60 * S),
            ("1.5h", H + 30 * 60 * S),
            ("300s", 300 * S),
            ("-1h", -H),
            ("+1h", H),
            (".5s", S / 2),
            ("1.s", S),
            ("0s", 0),
            ("1ns", 1),
            ("1us", 1_000),
            ("1µs", 1_000),
            ("1μs", 1_000),
            ("1ms", 1_000_000),
            ("1m", 60 * S),
            ("2h45m30.5s", 2 * H + 45 * 60 * S + 30 * S + S / 2),
            ("1h1h", 2 * H),
            ("0.3333333333333333333h", 1_200_000_000_000),
            ("9223372036854775807ns", i64::MAX),
            ("-9223372036854775808ns", i64::MIN),
            ("9223372036.854775807s", i64::MAX),
            ("2562047h", 2_562_047 * H),
            ("5.s", 5 * S),
            ("96h0m0s", 96 * H),
            ("2562047h47m16.854775807s", i64::MAX),
            ("-2562047h47m16.854775808s", i64::MIN),
        ];
        for (input, want) in cases {
            assert_eq!(parse(input), Ok(*want), "{input}");
        }
    }

    #[test]
    fn rejects_with_gos_texts() {
        let cases: &[(&str, &str)] = &[
            ("", r#"time: invalid duration """#),
            ("-", r#"time: invalid duration "-""#),
            ("1y", r#"time: unknown unit "y" in duration "1y""#),
            ("10", r#"time: missing unit in duration "10""#),
            ("one year", r#"time: invalid duration "one year""#),
            (".s", r#"time: invalid duration ".s""#),
            ("1h 30m", r#"time: unknown unit "h " in duration "1h 30m""#),
            (
                "2 days",
                r#"time: unknown unit " days" in duration "2 days""#,
            ),
            ("1d", r#"time: unknown unit "d" in duration "1d""#),
            ("1H", r#"time: unknown unit "H" in duration "1H""#),
            ("3000000h", r#"time: invalid duration "3000000h""#),
            ("2562048h", r#"time: invalid duration "2562048h""#),
            (
                "9223372036854775808ns",
                r#"time: invalid duration "9223372036854775808ns""#,
            ),
            (
                "99999999999999999999s",
                r#"time: invalid duration "99999999999999999999s""#,
            ),
            (
                "1µ",
                r#"time: unknown unit "\xc2\xb5" in duration "1\xc2\xb5""#,
            ),
            ("\"1\"h", r#"time: invalid duration "\"1\"h""#),
            ("1h-1m", r#"time: unknown unit "h-" in duration "1h-1m""#),
            // Found by fuzzing (fuzz/regressions/go_duration): two terms of 2^63 each; Go's
            // uint64 sum wraps to 0s, ours is refused.
            (
                "9223372036854775808ns9223372036854775808ns",
                r#"time: invalid duration "9223372036854775808ns9223372036854775808ns""#,
            ),
            (
                "-9223372036854775808ns1ns",
                r#"time: invalid duration "-9223372036854775808ns1ns""#,
            ),
        ];
        for (input, want) in cases {
            assert_eq!(parse(input), Err((*want).to_string()), "{input:?}");
        }
        for input in [".", "h", "1h ", " 1h", "++1h", "2562047h47m16.854775808s"] {
            assert!(parse(input).is_err(), "{input:?}");
        }
    }

    #[test]
    fn formats_like_go() {
        let cases: &[(i64, &str)] = &[
            (0, "0s"),
            (1, "1ns"),
            (1_100, "1.1µs"),
            (1_000, "1µs"),
            (2_200_000, "2.2ms"),
            (S / 2, "500ms"),
            (3 * S / 2, "1.5s"),
            (S, "1s"),
            (4 * 60 * S + 5 * S + S / 1000, "4m5.001s"),
            (5 * H + 6 * 60 * S + 7 * S + 1, "5h6m7.000000001s"),
            (8760 * H, "8760h0m0s"),
            (H + 30 * 60 * S, "1h30m0s"),
            (-H, "-1h0m0s"),
            (-1, "-1ns"),
            (i64::MAX, "2562047h47m16.854775807s"),
            (i64::MIN, "-2562047h47m16.854775808s"),
        ];
        for (n, want) in cases {
            assert_eq!(GoDuration(*n).to_string(), *want, "{n}");
        }
    }

    #[test]
    fn round_trips_through_display() {
        for n in [
            1,
            999,
            1_000,
            1_234_567,
            S,
            61 * S,
            3 * H + 1,
            -7 * H - 3,
            i64::MAX,
            i64::MIN,
        ] {
            let d = GoDuration(n);
            assert_eq!(d.to_string().parse::<GoDuration>(), Ok(d), "{n}");
        }
    }

    #[test]
    fn time_duration_conversions() {
        assert_eq!(
            GoDuration(5).as_time_duration(),
            time::Duration::nanoseconds(5)
        );
        assert_eq!(
            GoDuration::from(time::Duration::hours(2)),
            GoDuration(2 * H)
        );
        assert_eq!(GoDuration::from(time::Duration::MAX), GoDuration(i64::MAX));
        assert_eq!(GoDuration::from(time::Duration::MIN), GoDuration(i64::MIN));
    }
}
