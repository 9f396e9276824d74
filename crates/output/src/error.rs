//! cfssl's error type: a numeric code plus a message, printed as one JSON object.
//!
//! docs/cfssl-compat.md §7.1 (`errors/error.go`): code = category + reason; `errors.New` takes the message
//! from a fixed table ([`CfsslError::from_code`]), `errors.Wrap` takes it from the wrapped
//! error ([`CfsslError::wrap`]). `Error()` is `json.Marshal` of `{code, message}` in that
//! order, with Go's escaping (so `<` prints as `\u003c`, docs/cfssl-compat.md §11 item 41).

use std::fmt;

use cfssl_json::marshal_string;

/// Error categories (the thousands of a cfssl error code), docs/cfssl-compat.md §7.1.
pub mod category {
    /// 1000 `CertificateError`.
    pub const CERTIFICATE: u32 = 1000;
    /// 2000 `PrivateKeyError`.
    pub const PRIVATE_KEY: u32 = 2000;
    /// 3000 `IntermediatesError`.
    pub const INTERMEDIATES: u32 = 3000;
    /// 4000 `RootError`.
    pub const ROOT: u32 = 4000;
    /// 5000 `PolicyError`.
    pub const POLICY: u32 = 5000;
    /// 6000 `DialError`.
    pub const DIAL: u32 = 6000;
    /// 7000 `APIClientError`.
    pub const API_CLIENT: u32 = 7000;
    /// 8000 `OCSPError`.
    pub const OCSP: u32 = 8000;
    /// 9000 `CSRError`.
    pub const CSR: u32 = 9000;
    /// 10000 `CTError`.
    pub const CT: u32 = 10000;
    /// 11000 `CertStoreError`.
    pub const CERT_STORE: u32 = 11000;
}

/// Error reasons (added to a category), docs/cfssl-compat.md §7.1. They are plain numbers in cfssl, so a
/// reason named for one category may be used with another (`CSR + KEY_MISMATCH` = 9300).
pub mod reason {
    /// 0 `Unknown`.
    pub const UNKNOWN: u32 = 0;
    /// 1 `ReadFailed`.
    pub const READ_FAILED: u32 = 1;
    /// 2 `DecodeFailed`.
    pub const DECODE_FAILED: u32 = 2;
    /// 3 `ParseFailed`.
    pub const PARSE_FAILED: u32 = 3;

    /// 100 `SelfSigned` (certificate).
    pub const SELF_SIGNED: u32 = 100;
    /// 200 `VerifyFailed` (certificate).
    pub const VERIFY_FAILED: u32 = 200;
    /// 300 `BadRequest` (certificate).
    pub const BAD_REQUEST: u32 = 300;
    /// 400 `MissingSerial` (certificate).
    pub const MISSING_SERIAL: u32 = 400;
    /// 210 `x509.NotAuthorizedToSign`: with [`VERIFY_FAILED`] refinement, 1210.
    pub const CERTIFICATE_NOT_AUTHORIZED_TO_SIGN: u32 = 210;
    /// 211 `x509.Expired` (1211).
    pub const CERTIFICATE_EXPIRED: u32 = 211;
    /// 212 `x509.CANotAuthorizedForThisName` (1212).
    pub const CERTIFICATE_CA_NOT_AUTHORIZED_FOR_THIS_NAME: u32 = 212;
    /// 213 `x509.TooManyIntermediates` (1213).
    pub const CERTIFICATE_TOO_MANY_INTERMEDIATES: u32 = 213;
    /// 214 `x509.IncompatibleUsage` (1214).
    pub const CERTIFICATE_INCOMPATIBLE_USAGE: u32 = 214;
    /// 220 `x509.UnknownAuthorityError` (1220).
    pub const CERTIFICATE_UNKNOWN_AUTHORITY: u32 = 220;

    /// 100 `Encrypted` (private key).
    pub const ENCRYPTED: u32 = 100;
    /// 200 `NotRSAOrECCOrEd25519` (private key).
    pub const NOT_RSA_OR_ECC_OR_ED25519: u32 = 200;
    /// 300 `KeyMismatch` (private key).
    pub const KEY_MISMATCH: u32 = 300;
    /// 400 `GenerationFailed` (private key).
    pub const GENERATION_FAILED: u32 = 400;
    /// 500 `Unavailable` (private key).
    pub const UNAVAILABLE: u32 = 500;

    /// 100 `NoKeyUsages` (policy).
    pub const NO_KEY_USAGES: u32 = 100;
    /// 200 `InvalidPolicy` (policy).
    pub const INVALID_POLICY: u32 = 200;
    /// 300 `InvalidRequest` (policy).
    pub const INVALID_REQUEST: u32 = 300;
    /// 400 `UnknownProfile` (policy).
    pub const UNKNOWN_PROFILE: u32 = 400;
    /// 500 `UnmatchedWhitelist` (policy).
    pub const UNMATCHED_WHITELIST: u32 = 500;

    /// 100 `AuthenticationFailure` (API client).
    pub const AUTHENTICATION_FAILURE: u32 = 100;
    /// 200 `JSONError` (API client).
    pub const JSON_ERROR: u32 = 200;
    /// 300 `IOError` (API client).
    pub const IO_ERROR: u32 = 300;
    /// 400 `ClientHTTPError` (API client).
    pub const CLIENT_HTTP_ERROR: u32 = 400;
    /// 500 `ServerRequestFailed` (API client).
    pub const SERVER_REQUEST_FAILED: u32 = 500;

    /// 100 `IssuerMismatch` (OCSP).
    pub const ISSUER_MISMATCH: u32 = 100;
    /// 200 `InvalidStatus` (OCSP).
    pub const INVALID_STATUS: u32 = 200;

    /// 100 `PrecertSubmissionFailed` (CT).
    pub const PRECERT_SUBMISSION_FAILED: u32 = 100;
    /// 200 `CTClientConstructionFailed` (CT).
    pub const CT_CLIENT_CONSTRUCTION_FAILED: u32 = 200;
    /// 300 `PrecertMissingPoison` (CT).
    pub const PRECERT_MISSING_POISON: u32 = 300;
    /// 400 `PrecertInvalidPoison` (CT).
    pub const PRECERT_INVALID_POISON: u32 = 400;

    /// 100 `InsertionFailed` (cert store).
    pub const INSERTION_FAILED: u32 = 100;
    /// 200 `RecordNotFound` (cert store).
    pub const RECORD_NOT_FOUND: u32 = 200;
}

/// The fixed messages of cfssl's `errors.New`, by code (docs/cfssl-compat.md §7.1).
const MESSAGES: &[(u32, &str)] = &[
    (1000, "Unknown certificate error"),
    (1001, "Failed to read certificate"),
    (1002, "Failed to decode certificate"),
    (1003, "Failed to parse certificate"),
    (1100, "Certificate is self signed"),
    (1200, "Unable to verify certificate"),
    (1300, "Invalid certificate request"),
    (1400, "Missing serial number in request"),
    (2000, "Unknown private key error"),
    (2001, "Failed to read private key"),
    (2002, "Failed to decode private key"),
    (2003, "Failed to parse private key"),
    (2100, "Private key is encrypted."),
    (2200, "Private key algorithm is not RSA or ECC or Ed25519"),
    (2300, "Private key does not match public key"),
    (2400, "Failed to new private key"),
    (2500, "Private key is unavailable"),
    (3000, "Unknown intermediate certificate error"),
    (3001, "Failed to read intermediate certificate"),
    (3002, "Failed to decode intermediate certificate"),
    (3003, "Failed to parse intermediate certificate"),
    (4000, "Unknown root certificate error"),
    (4001, "Failed to read root certificate"),
    (4002, "Failed to decode root certificate"),
    (4003, "Failed to parse root certificate"),
    (5000, "Unknown policy error"),
    (5100, "Invalid policy: no key usage available"),
    (5200, "Invalid or unknown policy"),
    (5300, "Policy violation request"),
    (5400, "Unknown policy profile"),
    (5500, "Request does not match policy whitelist"),
    (6000, "Failed to dial remote server"),
    (7100, "API client authentication failure"),
    (7200, "API client JSON config error"),
    (7300, "API client IO error"),
    (7400, "API client HTTP error"),
    (7500, "API client error: Server request failed"),
    (8001, "No certificate provided"),
    (8100, "Certificate not issued by this issuer"),
    (8200, "Invalid revocation status"),
    (9000, "CSR parsing failed due to unknown error"),
    (9001, "CSR file read failed"),
    (9002, "CSR Decode failed"),
    (9003, "CSR Parsing failed"),
    (9300, "CSR Bad request"),
    (
        10000,
        "Certificate transparency parsing failed due to unknown error",
    ),
    (
        10100,
        "Certificate transparency precertificate submission failed",
    ),
    (10300, "Precertificate is missing CT poison extension"),
    (
        10400,
        "Precertificate contains an invalid CT poison extension",
    ),
    (
        11000,
        "Certificate store action failed due to unknown error",
    ),
];

/// A cfssl error: what cfssl prints on stderr (and the API puts in `errors`) when a command
/// fails with one of its own errors.
///
/// ```
/// use cfssl_output::{CfsslError, category, reason};
/// let e = CfsslError::new(category::POLICY, reason::NO_KEY_USAGES).unwrap();
/// assert_eq!(e.to_string(), r#"{"code":5100,"message":"Invalid policy: no key usage available"}"#);
/// let w = CfsslError::wrap(category::PRIVATE_KEY, reason::GENERATION_FAILED, "RSA key is too weak");
/// assert_eq!(w.to_string(), r#"{"code":2400,"message":"RSA key is too weak"}"#);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CfsslError {
    /// category + reason, e.g. 2400.
    pub code: u32,
    /// The message; Display escapes it Go-style.
    pub message: String,
}

impl CfsslError {
    /// The error cfssl's `errors.New(category, reason)` makes for `code`, with the fixed message
    /// of docs/cfssl-compat.md §7.1; `None` for a code that has no fixed message (cfssl panics there).
    pub fn from_code(code: u32) -> Option<CfsslError> {
        MESSAGES
            .iter()
            .find(|(c, _)| *c == code)
            .map(|(code, message)| CfsslError {
                code: *code,
                message: (*message).to_owned(),
            })
    }

    /// `errors.New(category, reason)`: [`CfsslError::from_code`] of `category + reason`.
    pub fn new(category: u32, reason: u32) -> Option<CfsslError> {
        Self::from_code(category.saturating_add(reason))
    }

    /// `errors.Wrap(category, reason, err)`: the code with the wrapped error's message.
    pub fn wrap(category: u32, reason: u32, message: impl Into<String>) -> CfsslError {
        CfsslError {
            code: category.saturating_add(reason),
            message: message.into(),
        }
    }

    /// The category part of the code (`code` rounded down to a multiple of 1000).
    pub fn category(&self) -> u32 {
        self.code - self.code % 1000
    }
}

impl fmt::Display for CfsslError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{{\"code\":{},\"message\":{}}}",
            self.code,
            marshal_string(&self.message)
        )
    }
}

impl std::error::Error for CfsslError {}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::panic)]
mod tests {
    use super::*;

    #[test]
    fn table_and_display() {
        assert_eq!(
            CfsslError::from_code(2100).map(|e| e.to_string()),
            Some(r#"{"code":2100,"message":"Private key is encrypted."}"#.to_owned())
        );
        assert_eq!(
            CfsslError::new(category::CERTIFICATE, reason::INVALID_REQUEST).map(|e| e.message),
            Some("Invalid certificate request".to_owned())
        );
        assert!(CfsslError::from_code(10200).is_none());
        assert!(CfsslError::from_code(1234).is_none());
        // docs/cfssl-compat.md §7.3 item 37: Go escapes <, > in the message.
        let e = CfsslError::wrap(
            category::CSR,
            reason::PARSE_FAILED,
            "defaultValue:<nil> \"q\"",
        );
        assert_eq!(
            e.to_string(),
            r#"{"code":9003,"message":"defaultValue:\u003cnil\u003e \"q\""}"#
        );
        assert_eq!(e.category(), 9000);
        assert_eq!(
            CfsslError::wrap(category::CT, reason::PRECERT_INVALID_POISON, "").category(),
            10000
        );
    }

    #[test]
    fn table_codes_are_category_plus_reason() {
        for (code, message) in MESSAGES {
            assert!(!message.is_empty());
            assert!(code % 1000 <= 500, "{code}");
        }
    }
}
