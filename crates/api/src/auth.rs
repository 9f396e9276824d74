//! cfssl's `standard` authentication (cfssl `auth.Standard`, docs/cfssl-lifecycle.md §8).
//!
//! A profile that names an `auth_key` is only signed through `authsign`, whose body wraps
//! the ordinary sign request:
//!
//! ```text
//! {"timestamp":1765000000,"token":"<base64>","request":"<base64 of the sign request JSON>"}
//! ```
//!
//! The token is HMAC-SHA-256 under the hex-decoded `auth_keys` key over exactly the decoded
//! `request` bytes — nothing else. `timestamp` and `remote_address` are sent by cfssl's
//! client but covered by nothing, so a captured request can be replayed; that is cfssl's
//! protocol and both halves must keep it to interoperate (TLS is what keeps a token from
//! being captured).

use base64::Engine as _;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use cfssl_json::{Object, Value};
use hmac::{KeyInit as _, Mac as _};

use crate::ApiError;

type HmacSha256 = hmac::Hmac<sha2::Sha256>;

/// Go's `base64.StdEncoding`: padding required, and (unlike the `base64` crate's strict
/// engine) non-zero bits after the last full byte are accepted.
const GO_STD: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::STANDARD,
    GeneralPurposeConfig::new()
        .with_decode_padding_mode(DecodePaddingMode::RequireCanonical)
        .with_decode_allow_trailing_bits(true),
);

/// The token for `request` under `key` (cfssl `Standard.Token`).
pub fn token(key: &[u8], request: &[u8]) -> [u8; 32] {
    // HMAC takes keys of any length, so this cannot fail; the fallback keeps it panic-free.
    match HmacSha256::new_from_slice(key) {
        Ok(mut mac) => {
            mac.update(request);
            mac.finalize().into_bytes().into()
        }
        Err(_) => [0; 32],
    }
}

/// Whether `token` is the token for `request` under `key` (cfssl `Standard.Verify`):
/// constant-time, and a token of the wrong length is simply wrong.
pub fn verify(key: &[u8], request: &[u8], token: &[u8]) -> bool {
    match HmacSha256::new_from_slice(key) {
        Ok(mut mac) => {
            mac.update(request);
            mac.verify_slice(token).is_ok()
        }
        Err(_) => false,
    }
}

/// The body of an `authsign` request (cfssl `auth.AuthenticatedRequest`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuthenticatedRequest {
    /// Unix seconds when the client made it (0: absent). Not covered by the token.
    pub timestamp: i64,
    /// The client's address as it sees it (empty: absent). Not covered by the token.
    pub remote_address: Vec<u8>,
    /// HMAC-SHA-256 over `request`.
    pub token: Vec<u8>,
    /// The wrapped sign request: JSON bytes, exactly as the token covers them.
    pub request: Vec<u8>,
}

impl AuthenticatedRequest {
    /// `request` wrapped with its token under `key`, without a timestamp.
    pub fn new(key: &[u8], request: Vec<u8>) -> Self {
        AuthenticatedRequest {
            token: token(key, &request).to_vec(),
            request,
            ..AuthenticatedRequest::default()
        }
    }

    /// The JSON body as Go marshals the struct: `timestamp` and `remote_address` only when
    /// set, byte slices in standard base64.
    pub fn to_json(&self) -> String {
        let mut members = Vec::with_capacity(4);
        if self.timestamp != 0 {
            members.push((
                "timestamp".to_owned(),
                Value::Number(self.timestamp.to_string()),
            ));
        }
        if !self.remote_address.is_empty() {
            members.push((
                "remote_address".to_owned(),
                Value::String(GO_STD.encode(&self.remote_address)),
            ));
        }
        members.push((
            "token".to_owned(),
            Value::String(GO_STD.encode(&self.token)),
        ));
        members.push((
            "request".to_owned(),
            Value::String(GO_STD.encode(&self.request)),
        ));
        Value::Object(members).to_compact()
    }

    /// Reads a body as cfssl's `authsign` handler does (`json.Unmarshal`): Go's member
    /// rules, byte slices from standard base64 (`null` leaves them empty).
    ///
    /// # Errors
    /// Go's text for malformed JSON, a member of the wrong type, or bad base64.
    pub fn from_json(body: &[u8]) -> Result<Self, ApiError> {
        let doc = cfssl_json::parse(body)?;
        let object = Object::new(
            &doc,
            "auth.AuthenticatedRequest",
            &["timestamp", "remote_address", "token", "request"],
        )?;
        Ok(AuthenticatedRequest {
            timestamp: object
                .integer("timestamp", "int64", i64::MIN, i64::MAX)?
                .unwrap_or(0),
            remote_address: bytes_member(&object, "remote_address")?,
            token: bytes_member(&object, "token")?,
            request: bytes_member(&object, "request")?,
        })
    }
}

/// A Go `[]byte` member: a base64 string, or `null`.
fn bytes_member(object: &Object<'_>, field: &'static str) -> Result<Vec<u8>, ApiError> {
    let mut out = Vec::new();
    for value in object.values(field) {
        match value {
            Value::String(text) => out = decode_go_base64(text, field)?,
            Value::Null => {}
            other => return Err(object.type_error(field, other, "[]uint8").into()),
        }
    }
    Ok(out)
}

/// Go's `StdEncoding.DecodeString` as `encoding/json` uses it: `\r` and `\n` are skipped.
fn decode_go_base64(text: &str, field: &'static str) -> Result<Vec<u8>, ApiError> {
    let cleaned: Vec<u8> = text
        .bytes()
        .filter(|b| *b != b'\r' && *b != b'\n')
        .collect();
    GO_STD.decode(&cleaned).map_err(|e| {
        let offset = match e {
            base64::DecodeError::InvalidByte(at, _)
            | base64::DecodeError::InvalidLastSymbol(at, _) => at,
            base64::DecodeError::InvalidLength(len) => len,
            base64::DecodeError::InvalidPadding => cleaned
                .iter()
                .position(|b| *b == b'=')
                .unwrap_or(cleaned.len()),
        };
        ApiError::Base64 {
            go_struct: "AuthenticatedRequest",
            field,
            offset,
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The key of the artefacts' `auth_keys.key1` (docs/cfssl-lifecycle.md §8).
    const KEY1: [u8; 16] = [
        0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee,
        0xff,
    ];

    #[test]
    fn token_is_hmac_sha256_over_the_request_bytes() {
        // RFC 4231 test case 2: key "Jefe", data "what do ya want for nothing?".
        let expected = "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843";
        let got: String = token(b"Jefe", b"what do ya want for nothing?")
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert_eq!(got, expected);
        let request = br#"{"certificate_request":"x","profile":"authed"}"#;
        let t = token(&KEY1, request);
        // Computed with Python's hmac, as the artefacts' mk-authsign.py does.
        assert_eq!(
            GO_STD.encode(t),
            "LOGfhlKyKQSy+jpaVyAKKMjdbakF0RvoXU/Ua+HAnQc="
        );
        assert!(verify(&KEY1, request, &t));
        assert!(!verify(&KEY1, b"other", &t));
        assert!(!verify(&KEY1, request, &t[..31]));
        assert!(!verify(&[1], request, &t));
    }

    #[test]
    fn json_is_gos() -> Result<(), ApiError> {
        let mut signed = AuthenticatedRequest::new(&KEY1, b"{}".to_vec());
        let body = signed.to_json();
        assert!(body.starts_with(r#"{"token":""#), "{body}");
        assert!(body.ends_with(r#","request":"e30="}"#), "{body}");
        signed.timestamp = 1_765_000_000;
        assert!(
            signed
                .to_json()
                .starts_with(r#"{"timestamp":1765000000,"token":"#)
        );
        assert_eq!(
            AuthenticatedRequest::from_json(signed.to_json().as_bytes())?,
            signed
        );
        // Go's member matching is case-insensitive; unknown members are ignored.
        let loose = AuthenticatedRequest::from_json(br#"{"TOKEN":"AAEC","Request":"e30=","x":1}"#)?;
        assert_eq!(loose.token, [0, 1, 2]);
        assert_eq!(loose.request, b"{}");
        Ok(())
    }

    #[test]
    fn bad_bodies_read_like_go() {
        let text = |body: &[u8]| {
            AuthenticatedRequest::from_json(body)
                .map(|_| String::new())
                .unwrap_or_else(|e| e.to_string())
        };
        assert_eq!(
            text(br#"{"token":"!!!!","request":""}"#),
            "json: cannot unmarshal string into Go struct field AuthenticatedRequest.token of type []uint8: illegal base64 data at input byte 0"
        );
        assert_eq!(
            text(br#"{"token":5}"#),
            "json: cannot unmarshal number into Go struct field AuthenticatedRequest.token of type []uint8"
        );
        assert_eq!(
            text(br#"{"timestamp":"now"}"#),
            "json: cannot unmarshal string into Go struct field AuthenticatedRequest.timestamp of type int64"
        );
        assert_eq!(text(b""), "unexpected end of JSON input");
    }
}
