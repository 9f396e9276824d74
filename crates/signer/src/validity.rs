//! notBefore / notAfter (docs/cfssl-compat.md §5.2, §5.8), with deliberate differences:
//!
//! * docs/differences.md #2: cfssl backdates by 5 minutes by default, so a certificate asked to
//!   live 5 minutes or less is born expired. Our *default* backdate is at most a quarter of
//!   the requested life; an explicit `backdate` is honoured as written.
//! * docs/differences.md #1: a certificate never outlives its issuer, nor starts before it:
//!   notAfter is clamped to the CA's notAfter (as the Kubernetes signer does) and notBefore
//!   to the CA's notBefore.
//! * A certificate is valid when it is issued (RFC 5280 §4.1.2.5: valid for every time
//!   from notBefore through notAfter). cfssl rounds "now" to the nearest minute before
//!   backdating; with a backdate under 30 s (lifetimes under 2 minutes) that can put
//!   notBefore up to 30 s in the future, or notAfter in the past. When cfssl's result is
//!   not valid at the signing time we start from the signing time itself, unrounded; when
//!   it is, cfssl's result stands, to the second.
//! * A validity that ends before it begins (negative expiry, inverted `not_before`/
//!   `not_after`, docs/differences.md #9), or that has ended by the signing time (a backdate
//!   longer than the life, a `not_after` in the past), is refused rather than issued.

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

/// The issuing CA's validity, which the certificate's is kept within.
#[derive(Clone, Copy, Debug)]
pub struct IssuerValidity {
    /// The CA's notBefore.
    pub not_before: OffsetDateTime,
    /// The CA's notAfter.
    pub not_after: OffsetDateTime,
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

fn utc_seconds(t: OffsetDateTime) -> OffsetDateTime {
    whole_seconds(t.to_offset(time::UtcOffset::UTC))
}

/// Whether a certificate is valid at `now` (RFC 5280 §4.1.2.5). notAfter must be later
/// than `now`, not equal: validators compare whole seconds and OpenSSL counts a notAfter
/// equal to the current second as expired.
fn valid_at(not_before: OffsetDateTime, not_after: OffsetDateTime, now: OffsetDateTime) -> bool {
    not_before <= now && not_after > now
}

/// Computes the validity of a certificate issued at `now` under `policy`, kept within
/// `issuer`'s validity when given (docs/differences.md #1).
///
/// # Errors
/// [`SignError::InvalidValidity`] for a validity out of range, inverted, or already over
/// at `now`.
pub fn compute(
    policy: &ValidityPolicy,
    now: OffsetDateTime,
    issuer: Option<&IssuerValidity>,
) -> Result<Validity, SignError> {
    let mut warnings = Vec::new();
    let expiry = policy.expiry.as_time_duration();
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
    // The window starting `backdate` before `base` (ignored for an explicit not_before).
    let window = |base: OffsetDateTime| -> Result<(OffsetDateTime, OffsetDateTime), SignError> {
        let not_before = match policy.not_before {
            Some(nb) => nb,
            None => base
                .checked_sub(backdate)
                .ok_or(SignError::InvalidValidity(
                    "backdate is out of range".into(),
                ))?,
        };
        let not_after = match policy.not_after {
            Some(na) => na,
            None => not_before.checked_add(expiry).ok_or_else(|| {
                SignError::InvalidValidity(format!("expiry {} is out of range", policy.expiry))
            })?,
        };
        if not_after.year() > 9999 {
            return Err(SignError::InvalidValidity(format!(
                "expiry {} ends after the year 9999",
                policy.expiry
            )));
        }
        Ok((utc_seconds(not_before), utc_seconds(not_after)))
    };
    let base = if policy.round_to_minute {
        round_to_minute(now)
    } else {
        now
    };
    let (mut not_before, mut not_after) = window(base)?;
    if base != now && policy.not_before.is_none() && !valid_at(not_before, not_after, now) {
        // cfssl's rounding moved the start by up to 30 s, more than the backdate allows
        // for; start from the signing time when that gives a certificate valid now.
        let (nb, na) = window(whole_seconds(now))?;
        if valid_at(nb, na, now) {
            warnings.push(format!(
                "not rounding the signing time to the minute as cfssl does: that would give {} to {}, not valid at the signing time {}",
                rfc3339(not_before),
                rfc3339(not_after),
                rfc3339(now)
            ));
            (not_before, not_after) = (nb, na);
        }
    }
    if not_after <= not_before {
        return Err(SignError::InvalidValidity(format!(
            "the certificate would end ({}) before it begins ({}); check expiry/not_before/not_after",
            rfc3339(not_after),
            rfc3339(not_before)
        )));
    }
    if let Some(limit) = issuer.map(|i| utc_seconds(i.not_after))
        && not_after > limit
    {
        warnings.push(format!(
                "notAfter {} is past the CA's notAfter; clamped to {} (cfssl would issue a certificate outliving its CA)",
                rfc3339(not_after),
                rfc3339(limit)
            ));
        not_after = limit;
    }
    if not_after <= now {
        return Err(SignError::InvalidValidity(format!(
            "the certificate would be already expired: notAfter {} is not after the signing time {} (notBefore {}); check expiry/backdate/not_after",
            rfc3339(not_after),
            rfc3339(now),
            rfc3339(not_before)
        )));
    }
    if let Some(limit) = issuer.map(|i| utc_seconds(i.not_before))
        && not_before < limit
    {
        warnings.push(format!(
            "notBefore moved to the CA's notBefore {}: {} is before it (cfssl would issue a certificate that starts before its CA)",
            rfc3339(limit),
            rfc3339(not_before)
        ));
        not_before = limit;
    }
    if not_after <= not_before {
        // Only an explicit not_before at or after the CA's notAfter gets here.
        return Err(SignError::InvalidValidity(format!(
            "the certificate would begin ({}) after its CA ends ({}); check not_before",
            rfc3339(not_before),
            rfc3339(not_after)
        )));
    }
    if not_before > now {
        // An explicit not_before or a negative backdate: post-dating asked for, honoured.
        warnings.push(format!(
            "notBefore {} is after the signing time {}: the certificate is not valid until then",
            rfc3339(not_before),
            rfc3339(now)
        ));
    }
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
        let issuer = IssuerValidity {
            not_before: datetime!(2026-01-01 00:00:00 UTC),
            not_after: limit,
        };
        let v = compute(&policy("876000h"), now, Some(&issuer)).unwrap();
        assert_eq!(v.not_after, limit);
        assert_eq!(v.warnings.len(), 1);
    }

    #[test]
    fn not_before_clamped_to_issuer() {
        let now = datetime!(2026-11-23 07:47:10 UTC);
        let issuer = IssuerValidity {
            not_before: datetime!(2026-11-23 07:42:00 UTC),
            not_after: datetime!(2031-11-23 07:42:00 UTC),
        };
        let mut p = policy("2h");
        p.backdate = Some("1h".parse().unwrap());
        let v = compute(&p, now, Some(&issuer)).unwrap();
        assert_eq!(v.not_before, issuer.not_before);
        assert_eq!(v.not_after, datetime!(2026-11-23 08:47:00 UTC));
        assert_eq!(v.warnings.len(), 1, "{:?}", v.warnings);
        assert!(
            v.warnings[0].starts_with("notBefore moved to the CA's notBefore 2026-11-23T07:42:00Z"),
            "{:?}",
            v.warnings
        );
        // Within the CA's life: nothing moves, as cfssl.
        let v = compute(&policy("2h"), now, Some(&issuer)).unwrap();
        assert_eq!(v.not_before, issuer.not_before);
        assert!(v.warnings.is_empty(), "{:?}", v.warnings);
        // Expired before the CA began: refused, not moved.
        let mut p = policy("1h");
        p.backdate = Some("87600h".parse().unwrap());
        let e = compute(&p, now, Some(&issuer)).unwrap_err().to_string();
        assert!(e.contains("already expired"), "{e}");
    }

    #[test]
    fn explicit_postdating_honoured_with_warning() {
        let now = datetime!(2026-11-23 07:47:10 UTC);
        let mut p = policy("1h");
        p.not_before = Some(datetime!(2030-01-01 00:00:00 UTC));
        let v = compute(&p, now, None).unwrap();
        assert_eq!(v.not_before, datetime!(2030-01-01 00:00:00 UTC));
        assert!(
            v.warnings[0].contains("not valid until then"),
            "{:?}",
            v.warnings
        );
        // ... but not past the CA's end.
        let issuer = IssuerValidity {
            not_before: datetime!(2026-01-01 00:00:00 UTC),
            not_after: datetime!(2027-01-01 00:00:00 UTC),
        };
        assert!(compute(&p, now, Some(&issuer)).is_err());
    }

    #[test]
    fn negative_expiry_refused() {
        assert!(compute(&policy("-1h"), datetime!(2026-11-23 07:47:00 UTC), None).is_err());
    }

    /// Valid at the signing time `now`: notBefore ≤ now < notAfter (openssl counts a
    /// notAfter equal to now, in whole seconds, as expired).
    fn valid_at(v: &Validity, now: OffsetDateTime) -> bool {
        v.not_before <= now && v.not_after > now
    }

    #[test]
    fn rounding_up_never_postdates_short_certificates() {
        // At hh:mm:35 cfssl's Round(time.Minute) gives hh:mm+1:00; minus a 15 s (1m) or
        // 2.5 s (10s) backdate that is in the future.
        let now = datetime!(2026-11-23 04:38:35 UTC);
        for expiry in ["10s", "1m", "2m", "5m", "1h"] {
            let v = compute(&policy(expiry), now, None).unwrap();
            assert!(
                valid_at(&v, now),
                "{expiry}: {} .. {} at {now}",
                v.not_before,
                v.not_after
            );
        }
    }

    #[test]
    fn rounding_down_never_backdates_short_certificates_out_of_life() {
        // At hh:mm:25 the rounded start is hh:mm:00: a 10 s certificate would end at :07.5.
        let now = datetime!(2026-11-23 04:38:25.4 UTC);
        for expiry in ["10s", "20s", "1m"] {
            let v = compute(&policy(expiry), now, None).unwrap();
            assert!(
                valid_at(&v, now),
                "{expiry}: {} .. {} at {now}",
                v.not_before,
                v.not_after
            );
        }
    }

    #[test]
    fn cfssl_rounding_kept_when_already_valid() {
        // 1m at hh:mm:10: rounded start hh:mm:00 − 15 s = hh:mm-1:45, valid: cfssl's output.
        let v = compute(&policy("1m"), datetime!(2026-11-23 04:38:10 UTC), None).unwrap();
        assert_eq!(v.not_before, datetime!(2026-11-23 04:37:45 UTC));
        assert_eq!(v.not_after, datetime!(2026-11-23 04:38:45 UTC));
        assert_eq!(v.warnings.len(), 1, "only the default-backdate warning");
    }

    #[test]
    fn explicit_small_backdate_never_postdates() {
        // An explicit small backdate at hh:mm:40: the rounded start is hh:mm+1:00 − 1 s.
        let mut p = policy("1h");
        p.backdate = Some("1s".parse().unwrap());
        let now = datetime!(2026-11-23 04:38:40.7 UTC);
        let v = compute(&p, now, None).unwrap();
        assert_eq!(v.not_before, datetime!(2026-11-23 04:38:39 UTC));
        assert_eq!(v.not_after, datetime!(2026-11-23 05:38:39 UTC));
    }

    #[test]
    fn already_expired_refused() {
        let now = datetime!(2026-11-23 07:47:00 UTC);
        let mut p = policy("1h");
        p.backdate = Some("87600h".parse().unwrap());
        let e = compute(&p, now, None).unwrap_err().to_string();
        assert!(e.contains("already expired"), "{e}");
        // An explicit not_after in the past likewise.
        let mut p = policy("1h");
        p.not_before = Some(datetime!(2020-01-01 00:00:00 UTC));
        p.not_after = Some(datetime!(2020-06-01 00:00:00 UTC));
        let e = compute(&p, now, None).unwrap_err().to_string();
        assert!(e.contains("already expired"), "{e}");
        // Alone, it ends before the backdated start: refused as inverted (differences #9).
        p.not_before = None;
        let e = compute(&p, now, None).unwrap_err().to_string();
        assert!(e.contains("before it begins"), "{e}");
        // Ending exactly now is expired too.
        let mut p = policy("1h");
        p.not_before = Some(now - Duration::hours(1));
        assert!(compute(&p, now, None).is_err());
    }
}
