//! Revocation reasons: RFC 5280's `CRLReason` and cfssl's way of reading one from text
//! (`-reason` of `revoke` and `ocspsign`, the `reason` of the revoke API), which
//! docs/cfssl-lifecycle.md §3 describes.

use cfssl_json::strconv::{ParseIntError, atoi};

/// ```text
/// CRLReason ::= ENUMERATED {
///      unspecified             (0),
///      keyCompromise           (1),
///      cACompromise            (2),
///      affiliationChanged      (3),
///      superseded              (4),
///      cessationOfOperation    (5),
///      certificateHold         (6),
///           -- value 7 is not used
///      removeFromCRL           (8),
///      privilegeWithdrawn      (9),
///      aACompromise           (10) }
/// ```
/// (RFC 5280 §5.3.1)
#[derive(Clone, Copy, Debug, Eq, PartialEq, Hash)]
#[repr(u8)]
#[allow(missing_docs)]
pub enum RevocationReason {
    Unspecified = 0,
    KeyCompromise = 1,
    CaCompromise = 2,
    AffiliationChanged = 3,
    Superseded = 4,
    CessationOfOperation = 5,
    CertificateHold = 6,
    RemoveFromCrl = 8,
    PrivilegeWithdrawn = 9,
    AaCompromise = 10,
}

/// Every reason, in code order.
const ALL: [RevocationReason; 10] = [
    RevocationReason::Unspecified,
    RevocationReason::KeyCompromise,
    RevocationReason::CaCompromise,
    RevocationReason::AffiliationChanged,
    RevocationReason::Superseded,
    RevocationReason::CessationOfOperation,
    RevocationReason::CertificateHold,
    RevocationReason::RemoveFromCrl,
    RevocationReason::PrivilegeWithdrawn,
    RevocationReason::AaCompromise,
];

impl RevocationReason {
    /// The ENUMERATED value.
    pub fn code(self) -> i32 {
        self as i32
    }

    /// The reason with this code; `None` for 7 and anything outside 0..=10.
    pub fn from_code(code: i32) -> Option<RevocationReason> {
        ALL.into_iter().find(|r| r.code() == code)
    }

    /// The RFC 5280 name (`keyCompromise`), which is also what OpenSSL prints.
    pub fn name(self) -> &'static str {
        match self {
            RevocationReason::Unspecified => "unspecified",
            RevocationReason::KeyCompromise => "keyCompromise",
            RevocationReason::CaCompromise => "cACompromise",
            RevocationReason::AffiliationChanged => "affiliationChanged",
            RevocationReason::Superseded => "superseded",
            RevocationReason::CessationOfOperation => "cessationOfOperation",
            RevocationReason::CertificateHold => "certificateHold",
            RevocationReason::RemoveFromCrl => "removeFromCRL",
            RevocationReason::PrivilegeWithdrawn => "privilegeWithdrawn",
            RevocationReason::AaCompromise => "aACompromise",
        }
    }
}

/// Why [`reason_from_cfssl`] refused a text.
#[derive(Clone, Debug, Eq, PartialEq, thiserror::Error)]
pub enum ReasonError {
    /// Neither a name nor an integer: Go's `strconv.Atoi` text, which cfssl prints as it is
    /// (plain text, no code).
    #[error("{}", .error.message_from("Atoi", .input))]
    NotANumber {
        /// The text given.
        input: String,
        /// Syntax or range.
        error: ParseIntError,
    },
    /// A number outside 1..=9 (8200, `Invalid revocation status`).
    #[error("Invalid revocation status")]
    OutOfRange {
        /// The number given.
        code: i64,
    },
}

impl ReasonError {
    /// cfssl's code: 8200 for a number out of range, none for Go's parse error.
    pub fn code(&self) -> Option<u32> {
        match self {
            ReasonError::NotANumber { .. } => None,
            ReasonError::OutOfRange { .. } => Some(8200),
        }
    }
}

/// cfssl's `ReasonStringToCode` (docs/cfssl-lifecycle.md §3): `""` is 0; a name of the
/// table, in any case, is its code (`unspecified` 0 … `aacompromise` 10, no name for 7);
/// anything else goes through Go's `strconv.Atoi` and must be 1 to 9 — so `0` and `10` are
/// refused as numbers while their names work, and `7` is accepted although RFC 5280 leaves
/// it unassigned.
///
/// ```
/// use cfssl_ocsp::reason_from_cfssl;
/// assert_eq!(reason_from_cfssl("KeyCompromise"), Ok(1));
/// assert_eq!(reason_from_cfssl(""), Ok(0));
/// assert_eq!(reason_from_cfssl("7"), Ok(7));
/// assert_eq!(reason_from_cfssl("0").unwrap_err().code(), Some(8200));
/// assert_eq!(
///     reason_from_cfssl("bogus").unwrap_err().to_string(),
///     r#"strconv.Atoi: parsing "bogus": invalid syntax"#
/// );
/// ```
pub fn reason_from_cfssl(text: &str) -> Result<i32, ReasonError> {
    if text.is_empty() {
        return Ok(0);
    }
    let lower = text.to_lowercase();
    if let Some(reason) = ALL.into_iter().find(|r| r.name().to_lowercase() == lower) {
        return Ok(reason.code());
    }
    let code = atoi(text).map_err(|error| ReasonError::NotANumber {
        input: text.to_owned(),
        error,
    })?;
    if (1..=9).contains(&code) {
        Ok(code as i32)
    } else {
        Err(ReasonError::OutOfRange { code })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_any_case() {
        let table = [
            ("unspecified", 0),
            ("keycompromise", 1),
            ("CACompromise", 2),
            ("affiliationchanged", 3),
            ("SUPERSEDED", 4),
            ("cessationOfOperation", 5),
            ("certificatehold", 6),
            ("removeFromCRL", 8),
            ("privilegewithdrawn", 9),
            ("aacompromise", 10),
        ];
        for (name, code) in table {
            assert_eq!(reason_from_cfssl(name), Ok(code), "{name}");
        }
    }

    #[test]
    fn numbers_one_to_nine_only() {
        for n in 1..=9 {
            assert_eq!(reason_from_cfssl(&n.to_string()), Ok(n));
        }
        assert_eq!(reason_from_cfssl("+3"), Ok(3));
        assert_eq!(reason_from_cfssl("01"), Ok(1));
        for bad in ["0", "10", "-1", "-0", "11"] {
            let err = reason_from_cfssl(bad).unwrap_err();
            assert!(matches!(err, ReasonError::OutOfRange { .. }), "{bad}");
            assert_eq!(err.to_string(), "Invalid revocation status");
            assert_eq!(err.code(), Some(8200));
        }
        let err = reason_from_cfssl(" 1").unwrap_err();
        assert_eq!(
            err.to_string(),
            r#"strconv.Atoi: parsing " 1": invalid syntax"#
        );
        assert_eq!(err.code(), None);
        let err = reason_from_cfssl("99999999999999999999").unwrap_err();
        assert_eq!(
            err.to_string(),
            r#"strconv.Atoi: parsing "99999999999999999999": value out of range"#
        );
    }

    #[test]
    fn codes_round_trip() {
        for r in ALL {
            assert_eq!(RevocationReason::from_code(r.code()), Some(r));
        }
        assert_eq!(RevocationReason::from_code(7), None);
        assert_eq!(RevocationReason::from_code(11), None);
        assert_eq!(RevocationReason::from_code(-1), None);
    }
}
