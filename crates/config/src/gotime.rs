//! Go's `time.Time` JSON decoding, for a profile's `not_before` / `not_after`.
//!
//! cfssl hands the raw JSON value to `time.Time.UnmarshalJSON`, which parses it with the
//! layout `"2006-01-02T15:04:05Z07:00"` *including the quotes*, so errors quote the layout
//! with its quotes (docs/cfssl-compat.md §3.3.2 step 2):
//! `parsing time "\"2030-01-01\"" as "\"2006-01-02T15:04:05Z07:00\"": cannot parse "\"" as "T"`.
//! This module walks that layout the way Go's `time.Parse` does, to accept the same
//! values (one-digit hours, `,` or `.` before fractional seconds, offsets up to 24h) and
//! to fail with the same texts.

use time::{Date, Month, OffsetDateTime, PrimitiveDateTime, Time, UtcOffset};

use crate::duration::go_time_quote;

/// The layout as Go's JSON decoding uses it, quotes included.
const LAYOUT: &str = "\"2006-01-02T15:04:05Z07:00\"";

/// One element of the layout: the literal text before it, and the element.
#[derive(Clone, Copy)]
enum Elem {
    Year,
    Month,
    Day,
    Hour,
    Minute,
    Second,
    Zone,
    End,
}

const CHUNKS: [(&str, Elem, &str); 8] = [
    ("\"", Elem::Year, "2006"),
    ("-", Elem::Month, "01"),
    ("-", Elem::Day, "02"),
    ("T", Elem::Hour, "15"),
    (":", Elem::Minute, "04"),
    (":", Elem::Second, "05"),
    ("", Elem::Zone, "Z07:00"),
    ("\"", Elem::End, ""),
];

/// Decodes one raw JSON value (as text) the way Go's `time.Time.UnmarshalJSON` does.
///
/// `null` leaves the field alone (`Ok(None)`). The error is Go's `*time.ParseError` text.
pub(crate) fn unmarshal_json_time(raw: &str) -> Result<Option<OffsetDateTime>, String> {
    if raw == "null" {
        return Ok(None);
    }
    parse(raw.as_bytes()).map(Some)
}

/// Go's `ParseError.Error()`.
fn parse_error(
    raw: &[u8],
    layout_elem: &str,
    value_elem: &[u8],
    message: Option<String>,
) -> String {
    match message {
        Some(m) => format!("parsing time {}{m}", go_time_quote(raw)),
        None => format!(
            "parsing time {} as {}: cannot parse {} as {}",
            go_time_quote(raw),
            go_time_quote(LAYOUT.as_bytes()),
            go_time_quote(value_elem),
            go_time_quote(layout_elem.as_bytes())
        ),
    }
}

/// Go's `getnum`: one or two leading digits (exactly two when `fixed`).
fn getnum(s: &[u8], fixed: bool) -> Option<(u32, &[u8])> {
    let d0 = digit(s, 0)?;
    match digit(s, 1) {
        Some(d1) => Some((d0 * 10 + d1, s.get(2..).unwrap_or_default())),
        None if fixed => None,
        None => Some((d0, s.get(1..).unwrap_or_default())),
    }
}

fn digit(s: &[u8], i: usize) -> Option<u32> {
    s.get(i)
        .filter(|c| c.is_ascii_digit())
        .map(|c| u32::from(c - b'0'))
}

fn parse(raw: &[u8]) -> Result<OffsetDateTime, String> {
    let mut value = raw;
    let (mut year, mut month, mut day) = (0i32, 0u32, 0u32);
    let (mut hour, mut minute, mut second, mut nanos) = (0u32, 0u32, 0u32, 0u32);
    let mut offset_secs: i32 = 0;

    for (prefix, elem, elem_text) in CHUNKS {
        // Go's `skip`: the literal must match; the error shows the rest from the mismatch.
        for &p in prefix.as_bytes() {
            match value.split_first() {
                Some((&c, rest)) if c == p => value = rest,
                _ => return Err(parse_error(raw, prefix, value, None)),
            }
        }
        let hold = value;
        let mut range: Option<&str> = None;
        let ok = match elem {
            Elem::End => {
                if value.is_empty() {
                    break;
                }
                let extra = format!(": extra text: {}", go_time_quote(value));
                return Err(parse_error(raw, "", value, Some(extra)));
            }
            Elem::Year => match value.get(..4) {
                Some(p) if p.iter().all(u8::is_ascii_digit) => {
                    year = p.iter().fold(0, |n, c| n * 10 + i32::from(c - b'0'));
                    value = value.get(4..).unwrap_or_default();
                    true
                }
                _ => false,
            },
            Elem::Month => getnum(value, true).is_some_and(|(n, rest)| {
                month = n;
                value = rest;
                if !(1..=12).contains(&n) {
                    range = Some("month");
                }
                true
            }),
            Elem::Day => getnum(value, true).is_some_and(|(n, rest)| {
                // Go allows any two digits here and checks the day after parsing.
                day = n;
                value = rest;
                true
            }),
            Elem::Hour => getnum(value, false).is_some_and(|(n, rest)| {
                hour = n;
                value = rest;
                if n >= 24 {
                    range = Some("hour");
                }
                true
            }),
            Elem::Minute => getnum(value, true).is_some_and(|(n, rest)| {
                minute = n;
                value = rest;
                if n >= 60 {
                    range = Some("minute");
                }
                true
            }),
            Elem::Second => match getnum(value, true) {
                None => false,
                Some((n, rest)) => {
                    second = n;
                    value = rest;
                    if n >= 60 {
                        range = Some("second");
                    } else if matches!(value.first(), Some(b'.' | b','))
                        && digit(value, 1).is_some()
                    {
                        // A fractional second the layout does not mention is accepted.
                        let n = 2 + value
                            .get(2..)
                            .unwrap_or_default()
                            .iter()
                            .take_while(|c| c.is_ascii_digit())
                            .count();
                        let used = n.min(10);
                        let frac = value.get(1..used).unwrap_or_default();
                        let mut ns = frac.iter().fold(0u32, |n, c| n * 10 + u32::from(c - b'0'));
                        for _ in 0..10 - used {
                            ns *= 10;
                        }
                        nanos = ns;
                        value = value.get(n..).unwrap_or_default();
                    }
                    true
                }
            },
            Elem::Zone => parse_zone(&mut value, &mut offset_secs, &mut range),
        };
        if let Some(what) = range {
            return Err(parse_error(
                raw,
                elem_text,
                value,
                Some(format!(": {what} out of range")),
            ));
        }
        if !ok {
            return Err(parse_error(raw, elem_text, hold, None));
        }
    }

    let month = u8::try_from(month)
        .ok()
        .and_then(|m| Month::try_from(m).ok())
        .unwrap_or(Month::January);
    if day < 1 || day > u32::from(month.length(year)) {
        return Err(parse_error(
            raw,
            "",
            value,
            Some(": day out of range".into()),
        ));
    }
    let out_of_range = |_| parse_error(raw, "", value, Some(": out of range".into()));
    let date = Date::from_calendar_date(year, month, day as u8).map_err(out_of_range)?;
    let time =
        Time::from_hms_nano(hour as u8, minute as u8, second as u8, nanos).map_err(out_of_range)?;
    let offset = UtcOffset::from_whole_seconds(offset_secs).map_err(out_of_range)?;
    Ok(PrimitiveDateTime::new(date, time).assume_offset(offset))
}

/// Go's `stdISO8601ColonTZ`: `Z` or `±hh:mm`. Returns false for Go's `errBad`.
fn parse_zone(value: &mut &[u8], offset_secs: &mut i32, range: &mut Option<&str>) -> bool {
    if let Some((b'Z', rest)) = value.split_first() {
        *value = rest;
        return true;
    }
    let v = *value;
    if v.len() < 6 || v.get(3) != Some(&b':') {
        return false;
    }
    let (sign, hh, mm) = (v.first().copied(), v.get(1..3), v.get(4..6));
    *value = v.get(6..).unwrap_or_default();
    let hr = hh.and_then(|h| getnum(h, true)).map(|(n, _)| n);
    let mn = hr.and(mm.and_then(|m| getnum(m, true)).map(|(n, _)| n));
    // Go checks the ranges even after a digit error (with the failed parts as zero).
    let (h, m) = (hr.unwrap_or(0), mn.unwrap_or(0));
    if h > 24 {
        *range = Some("time zone offset hour");
    }
    if m > 60 {
        *range = Some("time zone offset minute");
    }
    if hr.is_none() || mn.is_none() {
        return false;
    }
    let secs = (h * 60 + m) as i32 * 60;
    match sign {
        Some(b'+') => *offset_secs = secs,
        Some(b'-') => *offset_secs = -secs,
        _ => return false,
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    fn t(raw: &str) -> Result<Option<OffsetDateTime>, String> {
        unmarshal_json_time(raw)
    }

    #[test]
    fn accepts_rfc3339() {
        assert_eq!(t("null"), Ok(None));
        assert_eq!(
            t(r#""2030-01-01T00:00:00Z""#),
            Ok(Some(datetime!(2030-01-01 0:00 UTC)))
        );
        assert_eq!(
            t(r#""2030-01-01T12:30:15+02:00""#),
            Ok(Some(datetime!(2030-01-01 12:30:15 +2)))
        );
        assert_eq!(
            t(r#""2030-01-01T12:30:15.25Z""#),
            Ok(Some(datetime!(2030-01-01 12:30:15.25 UTC)))
        );
        assert_eq!(
            t(r#""2030-01-01T12:30:15,123456789123Z""#),
            Ok(Some(datetime!(2030-01-01 12:30:15.123456789 UTC)))
        );
        // Go's layout hour "15" takes one or two digits.
        assert_eq!(
            t(r#""2030-01-01T1:02:03Z""#),
            Ok(Some(datetime!(2030-01-01 1:02:03 UTC)))
        );
        assert_eq!(
            t(r#""2030-02-28T23:59:59-24:00""#),
            Ok(Some(datetime!(2030-03-01 23:59:59 UTC)))
        );
    }

    #[test]
    fn rejects_with_gos_texts() {
        let layout = r#""\"2006-01-02T15:04:05Z07:00\"""#;
        let cases: &[(&str, String)] = &[
            (
                r#""2030-01-01""#,
                format!(r#"parsing time "\"2030-01-01\"" as {layout}: cannot parse "\"" as "T""#),
            ),
            (
                "5",
                format!(r#"parsing time "5" as {layout}: cannot parse "5" as "\"""#),
            ),
            (
                "true",
                format!(r#"parsing time "true" as {layout}: cannot parse "true" as "\"""#),
            ),
            (
                r#""30-01-01T00:00:00Z""#,
                format!(
                    r#"parsing time "\"30-01-01T00:00:00Z\"" as {layout}: cannot parse "30-01-01T00:00:00Z\"" as "2006""#
                ),
            ),
            (
                r#""2030-1-01T00:00:00Z""#,
                format!(
                    r#"parsing time "\"2030-1-01T00:00:00Z\"" as {layout}: cannot parse "1-01T00:00:00Z\"" as "01""#
                ),
            ),
            (
                r#""2030-13-01T00:00:00Z""#,
                r#"parsing time "\"2030-13-01T00:00:00Z\"": month out of range"#.to_string(),
            ),
            (
                r#""2030-02-30T00:00:00Z""#,
                r#"parsing time "\"2030-02-30T00:00:00Z\"": day out of range"#.to_string(),
            ),
            (
                r#""2030-01-01T24:00:00Z""#,
                r#"parsing time "\"2030-01-01T24:00:00Z\"": hour out of range"#.to_string(),
            ),
            (
                r#""2030-01-01T00:60:00Z""#,
                r#"parsing time "\"2030-01-01T00:60:00Z\"": minute out of range"#.to_string(),
            ),
            (
                r#""2030-01-01T00:00:60Z""#,
                r#"parsing time "\"2030-01-01T00:00:60Z\"": second out of range"#.to_string(),
            ),
            (
                r#""2030-01-01T00:00:00""#,
                format!(
                    r#"parsing time "\"2030-01-01T00:00:00\"" as {layout}: cannot parse "\"" as "Z07:00""#
                ),
            ),
            (
                r#""2030-01-01T00:00:00+0100""#,
                format!(
                    r#"parsing time "\"2030-01-01T00:00:00+0100\"" as {layout}: cannot parse "+0100\"" as "Z07:00""#
                ),
            ),
            (
                r#""2030-01-01T00:00:00+25:00""#,
                r#"parsing time "\"2030-01-01T00:00:00+25:00\"": time zone offset hour out of range"#
                    .to_string(),
            ),
            (
                r#""2030-01-01T00:00:00Zjunk""#,
                format!(
                    r#"parsing time "\"2030-01-01T00:00:00Zjunk\"" as {layout}: cannot parse "junk\"" as "\"""#
                ),
            ),
            (
                r#""2030-01-01T00:00:00Z"x"#,
                r#"parsing time "\"2030-01-01T00:00:00Z\"x": extra text: "x""#.to_string(),
            ),
            (
                r#""2030-01-01 00:00:00Z""#,
                format!(
                    r#"parsing time "\"2030-01-01 00:00:00Z\"" as {layout}: cannot parse " 00:00:00Z\"" as "T""#
                ),
            ),
            (
                r#""2030-01-01T00:00:00Z"#,
                format!(
                    r#"parsing time "\"2030-01-01T00:00:00Z" as {layout}: cannot parse "" as "\"""#
                ),
            ),
            (
                r#""é""#,
                format!(
                    r#"parsing time "\"\xc3\xa9\"" as {layout}: cannot parse "\xc3\xa9\"" as "2006""#
                ),
            ),
        ];
        for (raw, want) in cases {
            assert_eq!(t(raw), Err(want.clone()), "{raw}");
        }
    }
}
