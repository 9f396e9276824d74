//! notBefore / notAfter (cfssl.md §5.2, §5.8), with two deliberate differences:
//!
//! * differences.md #2: cfssl backdates by 5 minutes by default, so a certificate asked to
//!   live 5 minutes or less is born expired. Our *default* backdate is at most a quarter of
//!   the requested life; an explicit `backdate` is honoured as written.
//! * differences.md #1: a certificate never outlives its issuer: notAfter is clamped to the
//!   CA's notAfter (as the Kubernetes signer does).
//!
//! A validity that ends before it begins (negative expiry, inverted `not_before`/`not_after`)
//! is refused rather than issued (differences.md #9).

use cfssl_config::GoDuration;
use time::{Duration, OffsetDateTime};

use crate::SignError;

/// cfssl's default backdate.
pub const DEFAULT_BACKDATE: Duration = Duration::minutes(5);

/// What the policy asks for.
#[derive(Clone, Copy, Debug, Default)]
pub struct ValidityPolicy {
    /// Profile `not_before` (absolute), if set.
    pub not_before: Option<OffsetDateTime>,
    /// Profile `not_after` (absolute), if set.
    pub not_after: Option<OffsetDateTime>,
    /// Profile `backdate`; `None` or zero means "default" (as in cfssl).
    pub backdate: Option<GoDuration>,
    /// Life of the certificate.
    pub expiry: GoDuration,
    /// Round `now` to the minute (cfssl's signer does; selfsign does not).
    pub round_to_minute: bool,
}

/// The computed validity and what we changed relative to cfssl.
#[derive(Clone, Debug)]
pub struct Validity {
    /// notBefore (UTC, whole seconds).
    pub not_before: OffsetDateTime,
    /// notAfter (UTC, whole seconds).
    pub not_after: OffsetDateTime,
    /// Warnings for stderr.
    pub warnings: Vec<String>,
}

/// Go's `time.Time.Round(time.Minute)`: to the nearest minute, halfway values up.
pub fn round_to_minute(t: OffsetDateTime) -> OffsetDateTime {
    let secs = t.unix_timestamp();
    let nanos = i128::from(secs) * 1_000_000_000 + i128::from(t.nanosecond());
    let minute = 60_000_000_000i128;
    let rem = nanos.rem_euclid(minute);
    let floor = nanos - rem;
    let rounded = if rem >= minute / 2 {
        floor + minute
    } else {
        floor
    };
    OffsetDateTime::from_unix_timestamp_nanos(rounded).unwrap_or(t)
}

pub(crate) fn whole_seconds(t: OffsetDateTime) -> OffsetDateTime {
    t.replace_nanosecond(0).unwrap_or(t)
}

/// Computes the validity of a certificate issued at `now` under `policy`, clamped to
/// `issuer_not_after` when given.
pub fn compute(
    policy: &ValidityPolicy,
    now: OffsetDateTime,
    issuer_not_after: Option<OffsetDateTime>,
) -> Result<Validity, SignError> {
    let mut warnings = Vec::new();
    let expiry = policy.expiry.as_time_duration();
    let not_before = match policy.not_before {
        Some(nb) => nb,
        None => {
            let backdate = match policy.backdate {
                Some(b) if b.0 != 0 => b.as_time_duration(),
                _ => {
                    let quarter = expiry / 4;
                    if quarter < DEFAULT_BACKDATE && expiry > Duration::ZERO {
                        warnings.push(format!(
                            "backdating by {} instead of cfssl's 5m0s so that a certificate living {} is not born expired",
                            GoDuration::from(quarter),
                            policy.expiry
                        ));
                        quarter
                    } else {
                        DEFAULT_BACKDATE
                    }
                }
            };
            let base = if policy.round_to_minute {
                round_to_minute(now)
            } else {
                now
            };
            base.checked_sub(backdate)
                .ok_or(SignError::InvalidValidity(
                    "backdate is out of range".into(),
                ))?
        }
    };
    let mut not_after = match policy.not_after {
        Some(na) => na,
        None => not_before.checked_add(expiry).ok_or_else(|| {
            SignError::InvalidValidity(format!("expiry {} is out of range", policy.expiry))
        })?,
    };
    let not_before = whole_seconds(not_before.to_offset(time::UtcOffset::UTC));
    if not_after.year() > 9999 {
        return Err(SignError::InvalidValidity(format!(
            "expiry {} ends after the year 9999",
            policy.expiry
        )));
    }
    if not_after <= not_before {
        return Err(SignError::InvalidValidity(format!(
            "the certificate would end ({}) before it begins ({}); check expiry/not_before/not_after",
            rfc3339(not_after),
            rfc3339(not_before)
        )));
    }
    if let Some(limit) = issuer_not_after
        && not_after > limit
    {
        warnings.push(format!(
                "notAfter {} is past the CA's notAfter; clamped to {} (cfssl would issue a certificate outliving its CA)",
                rfc3339(not_after),
                rfc3339(limit)
            ));
        not_after = limit;
    }
    let not_after = whole_seconds(not_after.to_offset(time::UtcOffset::UTC));
    Ok(Validity {
        not_before,
        not_after,
        warnings,
    })
}

/// RFC 3339 in UTC with a `Z`, as Go prints `time.Time` in JSON for whole seconds.
pub fn rfc3339(t: OffsetDateTime) -> String {
    let t = t.to_offset(time::UtcOffset::UTC);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    fn policy(expiry: &str) -> ValidityPolicy {
        ValidityPolicy {
            expiry: expiry.parse().unwrap(),
            round_to_minute: true,
            ..Default::default()
        }
    }

    #[test]
    fn go_rounding() {
        assert_eq!(
            round_to_minute(datetime!(2026-11-23 08:42:34 UTC)),
            datetime!(2026-11-23 08:43:00 UTC)
        );
        assert_eq!(
            round_to_minute(datetime!(2026-11-23 08:42:29.9 UTC)),
            datetime!(2026-11-23 08:42:00 UTC)
        );
        assert_eq!(
            round_to_minute(datetime!(2026-11-23 08:42:30 UTC)),
            datetime!(2026-11-23 08:43:00 UTC)
        );
    }

    #[test]
    fn cfssl_default_validity() {
        let v = compute(&policy("8760h"), datetime!(2026-11-23 07:47:19 UTC), None).unwrap();
        assert_eq!(v.not_before, datetime!(2026-11-23 07:42:00 UTC));
        assert_eq!(v.not_after, datetime!(2027-11-23 07:42:00 UTC));
        assert!(v.warnings.is_empty());
    }

    #[test]
    fn short_certificates_are_not_born_expired() {
        let now = datetime!(2026-11-23 07:47:00 UTC);
        let v = compute(&policy("4m"), now, None).unwrap();
        assert_eq!(v.not_before, now - Duration::minutes(1));
        assert!(v.not_after > now);
        assert_eq!(v.warnings.len(), 1);
    }

    #[test]
    fn clamped_to_issuer() {
        let now = datetime!(2026-11-23 07:47:00 UTC);
        let limit = datetime!(2027-01-01 00:00:00 UTC);
        let v = compute(&policy("876000h"), now, Some(limit)).unwrap();
        assert_eq!(v.not_after, limit);
        assert_eq!(v.warnings.len(), 1);
    }

    #[test]
    fn negative_expiry_refused() {
        assert!(compute(&policy("-1h"), datetime!(2026-11-23 07:47:00 UTC), None).is_err());
    }
}
