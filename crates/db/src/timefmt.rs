//! Timestamps as cfssl's sqlite driver writes and reads them.
//!
//! sqlite has no time type: go-sqlite3 binds a Go `time.Time` as the text
//! `2006-01-02 15:04:05.999999999-07:00` (fraction with trailing zeros dropped, no fraction
//! at all when it is zero) and cfssl converts every time to UTC first, so what lands in the
//! file is `2027-12-06 04:49:00+00:00` or `2026-12-06 04:54:09.438586789+00:00`
//! (docs/cfssl-lifecycle.md §1.3). The same text layout is what makes sqlite's
//! `CURRENT_TIMESTAMP < expiry` text comparison work (§1.4), so writing any other layout
//! would silently break cfssl's own queries on a file we wrote.
//!
//! Reading must accept everything go-sqlite3 accepts for a `timestamp` column, because rows
//! also come from sqlite itself: `revoke` stores `CURRENT_TIMESTAMP`, `2026-12-06 04:54:23`,
//! without zone or fraction (§1.3), and goose's table uses `datetime('now')`.

use time::format_description::BorrowedFormatItem;
use time::macros::format_description;
use time::{Date, OffsetDateTime, PrimitiveDateTime, Time, UtcOffset};

/// Go's zero `time.Time` (0001-01-01 00:00:00 UTC): cfssl's `revoked_at` of a good certificate.
pub const GO_ZERO_TIME: OffsetDateTime = OffsetDateTime::new_utc(
    match Date::from_ordinal_date(1, 1) {
        Ok(date) => date,
        Err(_) => Date::MIN,
    },
    Time::MIDNIGHT,
);

const DATE_TIME: &[BorrowedFormatItem<'static>] =
    format_description!("[year]-[month]-[day] [hour]:[minute]:[second]");

/// Formats `t` (converted to UTC) as go-sqlite3 stores a `time.Time`:
/// `YYYY-MM-DD HH:MM:SS[.fraction]+00:00`, the fraction with its trailing zeros trimmed.
pub fn format_sqlite(t: OffsetDateTime) -> String {
    let t = t.to_offset(UtcOffset::UTC);
    let mut out = t.format(DATE_TIME).unwrap_or_default();
    let nanos = t.nanosecond();
    if nanos != 0 {
        let fraction = format!("{nanos:09}");
        out.push('.');
        out.push_str(fraction.trim_end_matches('0'));
    }
    out.push_str("+00:00");
    out
}

/// Parses a sqlite timestamp text the way go-sqlite3 does for a `timestamp` column: a
/// trailing `Z` is dropped, then the layouts `YYYY-MM-DD[ T]HH:MM:SS[.f…][±HH:MM]`,
/// `YYYY-MM-DD[ T]HH:MM` and `YYYY-MM-DD` are tried; a time without zone is UTC.
/// Returns the time in UTC, or `None` for anything else.
pub fn parse_sqlite(text: &str) -> Option<OffsetDateTime> {
    let text = text.trim_end_matches('Z');
    let bytes = text.as_bytes();
    let date = parse_date(bytes.get(..10)?)?;
    if bytes.len() == 10 {
        return Some(PrimitiveDateTime::new(date, Time::MIDNIGHT).assume_utc());
    }
    if !matches!(bytes.get(10), Some(b' ' | b'T')) {
        return None;
    }
    let hour = two_digits(bytes.get(11..13)?)?;
    if bytes.get(13) != Some(&b':') {
        return None;
    }
    let minute = two_digits(bytes.get(14..16)?)?;
    let mut rest = bytes.get(16..)?;
    let mut second = 0;
    let mut nanos = 0u32;
    if rest.first() == Some(&b':') {
        second = two_digits(rest.get(1..3)?)?;
        rest = rest.get(3..)?;
        if rest.first() == Some(&b'.') {
            let digits = rest[1..].iter().take_while(|b| b.is_ascii_digit()).count();
            if digits == 0 {
                return None;
            }
            // Go reads at most nine digits of fraction and rejects more.
            if digits > 9 {
                return None;
            }
            let mut value = 0u32;
            for b in &rest[1..=digits] {
                value = value * 10 + u32::from(b - b'0');
            }
            nanos = value * 10u32.pow(9 - digits as u32);
            rest = &rest[1 + digits..];
        }
        let time = Time::from_hms_nano(hour, minute, second, nanos).ok()?;
        let local = PrimitiveDateTime::new(date, time);
        return match rest {
            [] => Some(local.assume_utc()),
            [sign @ (b'+' | b'-'), h1, h2, b':', m1, m2] => {
                let hours = i8::try_from(two_digits(&[*h1, *h2])?).ok()?;
                let minutes = i8::try_from(two_digits(&[*m1, *m2])?).ok()?;
                let (hours, minutes) = if *sign == b'-' {
                    (-hours, -minutes)
                } else {
                    (hours, minutes)
                };
                let offset = UtcOffset::from_hms(hours, minutes, 0).ok()?;
                Some(local.assume_offset(offset).to_offset(UtcOffset::UTC))
            }
            _ => None,
        };
    }
    if !rest.is_empty() {
        return None;
    }
    let time = Time::from_hms(hour, minute, second).ok()?;
    Some(PrimitiveDateTime::new(date, time).assume_utc())
}

fn parse_date(bytes: &[u8]) -> Option<Date> {
    let [y1, y2, y3, y4, b'-', m1, m2, b'-', d1, d2] = bytes else {
        return None;
    };
    let year = [*y1, *y2, *y3, *y4].iter().try_fold(0i32, |acc, b| {
        b.is_ascii_digit().then(|| acc * 10 + i32::from(b - b'0'))
    })?;
    let month = time::Month::try_from(two_digits(&[*m1, *m2])?).ok()?;
    let day = two_digits(&[*d1, *d2])?;
    Date::from_calendar_date(year, month, day).ok()
}

fn two_digits(bytes: &[u8]) -> Option<u8> {
    match bytes {
        [a, b] if a.is_ascii_digit() && b.is_ascii_digit() => Some((a - b'0') * 10 + (b - b'0')),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn formats_like_go_sqlite3() {
        assert_eq!(
            format_sqlite(datetime!(2027-12-06 04:49:00 UTC)),
            "2027-12-06 04:49:00+00:00"
        );
        assert_eq!(
            format_sqlite(datetime!(2026-12-06 04:54:09.438586789 UTC)),
            "2026-12-06 04:54:09.438586789+00:00"
        );
        assert_eq!(
            format_sqlite(datetime!(2026-12-09 04:54:45.680794540 UTC)),
            "2026-12-09 04:54:45.68079454+00:00"
        );
        assert_eq!(format_sqlite(GO_ZERO_TIME), "0001-01-01 00:00:00+00:00");
        assert_eq!(
            format_sqlite(datetime!(2026-12-06 06:54:09 +02:00)),
            "2026-12-06 04:54:09+00:00"
        );
    }

    #[test]
    fn parses_every_form_in_a_cfssl_database() {
        for (text, want) in [
            (
                "2027-12-06 04:49:00+00:00",
                datetime!(2027-12-06 04:49:00 UTC),
            ),
            (
                "2026-12-06 04:54:09.438586789+00:00",
                datetime!(2026-12-06 04:54:09.438586789 UTC),
            ),
            (
                "2026-12-09 04:54:45.68079454+00:00",
                datetime!(2026-12-09 04:54:45.68079454 UTC),
            ),
            ("0001-01-01 00:00:00+00:00", GO_ZERO_TIME),
            ("2026-12-06 04:54:23", datetime!(2026-12-06 04:54:23 UTC)),
            ("2026-12-06T04:54:23Z", datetime!(2026-12-06 04:54:23 UTC)),
            (
                "2026-12-06 06:54:23+02:00",
                datetime!(2026-12-06 04:54:23 UTC),
            ),
            (
                "2026-12-06 04:54:23.5-01:30",
                datetime!(2026-12-06 06:24:23.5 UTC),
            ),
            ("2026-12-06 04:54", datetime!(2026-12-06 04:54:00 UTC)),
            ("2026-12-06", datetime!(2026-12-06 00:00:00 UTC)),
        ] {
            assert_eq!(parse_sqlite(text), Some(want), "{text}");
        }
        for bad in [
            "",
            "2026",
            "2026-13-01",
            "2026-12-06 4:54:23",
            "2026-12-06 04:54:23.",
            "x026-12-06",
            "2026-12-06 04:54:23+0200",
        ] {
            assert_eq!(parse_sqlite(bad), None, "{bad}");
        }
    }
}
